//! The main job: extract attributed quotations from news text.
//!
//! ```text
//! cargo run --release --example extract                       # the built-in sample article
//! cargo run --release --example extract -- article.txt        # one article (- for stdin)
//! cargo run --release --example extract -- --jsonl docs.jsonl # one {"id","text"} document a line
//! ```
//!
//! Exit status: 0 when every document was read and processed; 1 when some
//! document failed (each failed JSONL line still gets one output line,
//! `{"id", "line", "error"}`, and a message on stderr); 2 when the input could
//! not be read at all, a rule option is invalid, or the output cannot be
//! written. A closed output pipe (`| head`) ends the run quietly.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::panic::{self, AssertUnwindSafe};
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use serde::de::IgnoredAny;
use serde_json::{json, Value};
use whosaid::{Analysis, CueClass, Extractor, Quote};

const SAMPLE: &str = "Tidewater council votes to close two libraries

The Tidewater town council voted on Tuesday to close the Elm Road and Quay Street libraries, saying the savings would fund a new reading room at the town hall.

Council leader Margit Solberg said the decision was \u{201c}painful but unavoidable.\u{201d} She told reporters: \u{201c}We looked at every other option. None of them kept the doors open for more than a year.\u{201d}

\u{201c}Three libraries in one decade is not a saving, it is a retreat,\u{201d} said Ivo Renner, a Green councillor. \u{201c}Children will pay for this.\u{201d}

According to the Tidewater Library Trust, visits to the two branches rose by a fifth last year. The trust's chair, Dana Okafor, said it would ask the council to delay the closures.

Solberg rejected that call. \u{201c}Delay costs money we do not have,\u{201d} she said.
";

/// The default of `--max-bytes`: 64 MiB.
const DEFAULT_MAX_BYTES: usize = 64 * 1024 * 1024;

const AFTER_HELP: &str = "\
Examples:
  extract                                   run on a built-in sample article
  extract article.txt                       one article from a file
  cat article.txt | extract -               one article from stdin
  extract --format json article.txt         the full analysis as JSON {\"quotes\", \"speakers\"}
  extract --jsonl docs.jsonl > out.jsonl    one {\"id\",\"text\"} document a line, one {\"id\",\"quotes\"} line out
  extract --jsonl - --max-bytes 1000000     JSONL from stdin, documents over 1 MB are errors
  extract --rules mine.toml --explain a.txt extra rules and cues; show the rule behind each record
  extract --disable-rule quote-cue-speaker a.txt
                                            switch a rule off (ids: --explain)
  extract --cue-classes speech,belief a.txt also report beliefs (\"believes\", \"thinks\")

JSONL input: every input line gets exactly one output line, in order. A line
that fails (not UTF-8, empty, not JSON, truncated, no string \"text\", text
over --max-bytes) gives {\"id\": <id or null>, \"line\": N, \"error\": \"...\"}
and a message on stderr; the other lines are still processed.

Exit status: 0 all documents processed; 1 some document failed; 2 the input
could not be read, a rule option is invalid, or the output could not be written.";

#[derive(Parser, Debug)]
#[command(
    name = "extract",
    about = "Find the quotations in English news text and who said them.",
    after_help = AFTER_HELP
)]
struct Args {
    /// An article as plain text; `-` reads stdin. Without it, a built-in sample.
    file: Option<String>,
    /// Read JSON Lines (`-` for stdin): one {"id", "text"} document a line;
    /// writes one {"id", "quotes"} line per input line.
    #[arg(long, value_name = "FILE", conflicts_with = "file")]
    jsonl: Option<String>,
    /// Output format for a single article (JSONL input always writes jsonl).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// A document whose text is longer than this many bytes is an error, not
    /// extracted.
    #[arg(long = "max-bytes", value_name = "N", default_value_t = DEFAULT_MAX_BYTES)]
    max_bytes: usize,
    /// Add the rules and cue words of a TOML rule file (repeatable).
    #[arg(long = "rules", value_name = "FILE.toml")]
    rules: Vec<String>,
    /// Switch off the rule with this id (repeatable).
    #[arg(long = "disable-rule", value_name = "ID")]
    disable_rule: Vec<String>,
    /// Cue classes that make records, comma-separated: speech, report, belief, evidence, stance.
    #[arg(long = "cue-classes", value_name = "LIST", value_delimiter = ',')]
    cue_classes: Vec<String>,
    /// With the text format: show, for each record, the rule and the words
    /// each part of its pattern matched.
    #[arg(long)]
    explain: bool,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
    Jsonl,
}

/// Writes one diagnostic line to stderr. Never panics: a closed stderr is
/// ignored (`eprintln!` would panic).
fn warn(msg: &str) {
    let _ = writeln!(io::stderr().lock(), "extract: {msg}");
}

/// Builds the extractor from the command line's rule options.
fn build_extractor(args: &Args) -> Result<Extractor, String> {
    let mut b = Extractor::builder();
    for path in &args.rules {
        b = b.rules_from_path(path).map_err(|e| e.to_string())?;
    }
    for id in &args.disable_rule {
        b = b.disable_rule(id.clone());
    }
    if !args.cue_classes.is_empty() {
        let mut classes = Vec::new();
        for name in &args.cue_classes {
            let c = CueClass::parse(name.trim()).ok_or_else(|| {
                format!("unknown cue class {name:?} (expected speech, report, belief, evidence or stance)")
            })?;
            classes.push(c);
        }
        b = b.cue_classes(classes);
    }
    b.build().map_err(|e| {
        let msg = e.to_string();
        // An unknown id given to --disable-rule is reported by the builder.
        match msg.strip_prefix("<builder>: ") {
            Some(rest) => format!("--disable-rule: {rest}"),
            None => msg,
        }
    })
}

/// One quote as the scorer's schema has it: the record plus `paraphrase`.
fn quote_json(q: &Quote) -> Value {
    let mut v = serde_json::to_value(q).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        m.insert("paraphrase".into(), Value::Bool(q.is_paraphrase()));
        // The f32 as written (0.95), not its f64 widening (0.949999988...).
        let shortest = q.confidence.to_string().parse::<f64>().ok();
        if let Some(c) = shortest.and_then(serde_json::Number::from_f64) {
            m.insert("confidence".into(), Value::Number(c));
        }
    }
    v
}

/// Runs the extractor, turning a panic inside the library (a bug: `analyze`
/// is documented never to panic) into an error for this document only.
fn analyze(ex: &Extractor, text: &str) -> Result<Analysis, String> {
    panic::catch_unwind(AssertUnwindSafe(|| ex.analyze(text)))
        .map_err(|_| "internal error in the extractor (a bug in whosaid)".to_string())
}

fn print_text(
    out: &mut impl Write,
    ex: &Extractor,
    text: &str,
    a: &Analysis,
    explain: bool,
) -> io::Result<()> {
    if a.quotes.is_empty() {
        writeln!(out, "(no quotations found)")?;
    }
    for (i, q) in a.quotes.iter().enumerate() {
        let (who, role) = match &q.speaker {
            Some(s) if s.mention != s.name => {
                (format!("{} (\"{}\")", s.name, s.mention), s.role.clone())
            }
            Some(s) => (s.name.clone(), s.role.clone()),
            None => ("(unknown)".to_string(), None),
        };
        writeln!(out, "{:>3}. {who}", i + 1)?;
        if let Some(r) = role {
            writeln!(out, "     role: {r}")?;
        }
        let cue = q
            .cue
            .as_ref()
            .map_or("-".to_string(), |c| format!("{} ({})", c.text, c.lemma));
        writeln!(
            out,
            "     kind: {}  cue: {cue}  rule: {}",
            q.kind.as_str(),
            q.rule
        )?;
        let content = text.get(q.start..q.end).unwrap_or(&q.text);
        writeln!(out, "     \u{201c}{content}\u{201d}")?;
        if explain {
            writeln!(
                out,
                "     rule {}: {}",
                q.rule,
                ex.rule_pattern(&q.rule)
                    .unwrap_or("(built into the pipeline)")
            )?;
            if let Some(s) = &q.speaker {
                writeln!(
                    out,
                    "       {{speaker}} bytes {}..{}: {}",
                    s.start, s.end, s.mention
                )?;
            }
            if let Some(c) = &q.cue {
                writeln!(
                    out,
                    "       {{cue}}     bytes {}..{}: {} [{}]",
                    c.start,
                    c.end,
                    c.text,
                    c.class.as_str()
                )?;
            }
            let part = if q.is_paraphrase() {
                "{content}"
            } else {
                "{quote}  "
            };
            writeln!(out, "       {part} bytes {}..{}", q.start, q.end)?;
        }
    }
    if !a.speakers.is_empty() {
        writeln!(out, "\nSpeakers:")?;
        for s in &a.speakers {
            let role = s
                .role
                .as_deref()
                .map(|r| format!(", {r}"))
                .unwrap_or_default();
            writeln!(out, "  {}{role}: {} quote(s)", s.name, s.quotes)?;
        }
    }
    Ok(())
}

/// Why a run stopped early.
enum Stop {
    /// Writing the output failed (a broken pipe included).
    Write(io::Error),
    /// The input could not be read at all.
    Unreadable(io::Error),
}

impl From<io::Error> for Stop {
    fn from(e: io::Error) -> Self {
        Stop::Write(e)
    }
}

/// Reads one article, at most `max_bytes + 1` bytes of it.
fn read_article(path: &str, max_bytes: usize) -> io::Result<Vec<u8>> {
    let limit = u64::try_from(max_bytes)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    let mut buf = Vec::new();
    if path == "-" {
        io::stdin().lock().take(limit).read_to_end(&mut buf)?;
    } else {
        File::open(path)?.take(limit).read_to_end(&mut buf)?;
    }
    Ok(buf)
}

/// One article: the built-in sample or `args.file`. Returns the exit status.
fn run_one(ex: &Extractor, args: &Args, out: &mut impl Write) -> Result<u8, Stop> {
    let owned: String;
    let text: &str = match args.file.as_deref() {
        None => SAMPLE,
        Some(path) => {
            let name = if path == "-" { "<stdin>" } else { path };
            let bytes = read_article(path, args.max_bytes).map_err(|e| {
                Stop::Unreadable(io::Error::new(e.kind(), format!("cannot read {name}: {e}")))
            })?;
            if bytes.len() > args.max_bytes {
                let msg = format!(
                    "the article exceeds the limit of {} bytes (--max-bytes)",
                    args.max_bytes
                );
                return fail_one(name, &msg, args.format, out);
            }
            owned = match String::from_utf8(bytes) {
                Ok(s) => s,
                Err(e) => {
                    let at = e.utf8_error().valid_up_to();
                    let msg = format!("not UTF-8: invalid byte at offset {at}");
                    return fail_one(name, &msg, args.format, out);
                }
            };
            &owned
        }
    };
    let a = match analyze(ex, text) {
        Ok(a) => a,
        Err(msg) => {
            return fail_one(
                args.file.as_deref().unwrap_or("<sample>"),
                &msg,
                args.format,
                out,
            )
        }
    };
    match args.format {
        Format::Text => print_text(out, ex, text, &a, args.explain)?,
        Format::Json => {
            let quotes: Vec<Value> = a.quotes.iter().map(quote_json).collect();
            let v = json!({"quotes": quotes, "speakers": a.speakers});
            let s = serde_json::to_string_pretty(&v).unwrap_or_default();
            writeln!(out, "{s}")?;
        }
        Format::Jsonl => {
            let quotes: Vec<Value> = a.quotes.iter().map(quote_json).collect();
            writeln!(out, "{}", json!({"quotes": quotes}))?;
        }
    }
    Ok(0)
}

/// A single article that was read but failed: stderr, plus an `{"error"}`
/// record for the JSON formats. Exit status 1.
fn fail_one(name: &str, msg: &str, format: Format, out: &mut impl Write) -> Result<u8, Stop> {
    warn(&format!("{name}: {msg}"));
    if format != Format::Text {
        writeln!(out, "{}", json!({ "error": msg }))?;
    }
    Ok(1)
}

/// JSON whitespace.
fn skip_ws(s: &str, mut i: usize) -> usize {
    let b = s.as_bytes();
    while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\n' | b'\r') {
        i += 1;
    }
    i
}

/// The raw text of the top-level `"id"` value of a JSON object line, read
/// as far as the line is well-formed, so that a line broken after its id
/// (truncated, a syntax error in `text`, bad bytes later on) still names its
/// document. A value counts only when it is complete, followed by `,` or `}`.
/// With a repeated key the last one wins, as in the full parse.
fn raw_id(s: &str) -> Option<&str> {
    let mut i = skip_ws(s, 0);
    if !s[i..].starts_with('{') {
        return None;
    }
    i += 1;
    let mut found = None;
    loop {
        i = skip_ws(s, i);
        if s[i..].starts_with('}') {
            return found;
        }
        let mut keys = serde_json::Deserializer::from_str(&s[i..]).into_iter::<String>();
        let Some(Ok(key)) = keys.next() else {
            return found;
        };
        i = skip_ws(s, i + keys.byte_offset());
        if !s[i..].starts_with(':') {
            return found;
        }
        i = skip_ws(s, i + 1);
        let start = i;
        let mut values = serde_json::Deserializer::from_str(&s[i..]).into_iter::<IgnoredAny>();
        let Some(Ok(_)) = values.next() else {
            return found;
        };
        let end = i + values.byte_offset();
        i = skip_ws(s, end);
        let more = s[i..].starts_with(',');
        if !more && !s[i..].starts_with('}') {
            return found;
        }
        if key == "id" {
            found = Some(&s[start..end]);
        }
        if !more {
            return found;
        }
        i += 1;
    }
}

/// The id as it goes into an output record: a number or string exactly as
/// written in the input (no float rounding, no re-escaping); anything else
/// as compact JSON; `null` when there is no readable id.
fn id_json(raw: Option<&str>) -> String {
    let Some(raw) = raw else {
        return "null".to_string();
    };
    match serde_json::from_str::<Value>(raw) {
        Ok(Value::Number(_) | Value::String(_)) => raw.to_string(),
        Ok(v) => v.to_string(),
        Err(_) => "null".to_string(),
    }
}

/// What became of one JSONL line.
enum LineResult {
    Quotes(String),
    Error(String),
}

/// Processes one JSONL line (without its line break). Returns the output id
/// and the result.
fn process_line(
    ex: &Extractor,
    bytes: &[u8],
    complete: bool,
    max_bytes: usize,
) -> (String, LineResult) {
    let line = match std::str::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let at = e.valid_up_to();
            let prefix = std::str::from_utf8(&bytes[..at]).unwrap_or("");
            let msg = format!("not UTF-8: invalid byte at column {}", at + 1);
            return (id_json(raw_id(prefix)), LineResult::Error(msg));
        }
    };
    if line.trim().is_empty() {
        return ("null".into(), LineResult::Error("empty line".into()));
    }
    let doc: Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => {
            let msg = if !complete && e.is_eof() {
                format!("truncated: the last line ends without a newline inside a JSON value ({e})")
            } else {
                format!("not JSON ({e})")
            };
            return (id_json(raw_id(line)), LineResult::Error(msg));
        }
    };
    let Value::Object(obj) = &doc else {
        let msg = "not a JSON object (expected {\"id\", \"text\"})".to_string();
        return ("null".into(), LineResult::Error(msg));
    };
    let id = match raw_id(line) {
        Some(raw) => id_json(Some(raw)),
        None => obj.get("id").map_or("null".into(), Value::to_string),
    };
    let text = match obj.get("text") {
        Some(Value::String(t)) => t,
        None => return (id, LineResult::Error("no \"text\" field".into())),
        Some(other) => {
            let found = match other {
                Value::Null => "null",
                Value::Bool(_) => "a boolean",
                Value::Number(_) => "a number",
                Value::Array(_) => "an array",
                Value::Object(_) => "an object",
                Value::String(_) => "a string",
            };
            let msg = format!("\"text\" is not a string (found {found})");
            return (id, LineResult::Error(msg));
        }
    };
    if text.len() > max_bytes {
        let msg = format!(
            "the text is {} bytes, which exceeds the limit of {max_bytes} bytes (--max-bytes)",
            text.len()
        );
        return (id, LineResult::Error(msg));
    }
    match analyze(ex, text) {
        Ok(a) => {
            let quotes: Vec<Value> = a.quotes.iter().map(quote_json).collect();
            let quotes = serde_json::to_string(&quotes).unwrap_or_else(|_| "[]".into());
            (id, LineResult::Quotes(quotes))
        }
        Err(msg) => (id, LineResult::Error(msg)),
    }
}

/// Processes JSON Lines, one output line per input line. Counts failed lines
/// in `failed`; stops early only when the input cannot be read at all or the
/// output cannot be written.
fn run_jsonl(
    ex: &Extractor,
    name: &str,
    mut input: impl BufRead,
    max_bytes: usize,
    out: &mut impl Write,
    failed: &mut usize,
) -> Result<(), Stop> {
    let mut buf = Vec::new();
    let mut line_no = 0usize;
    loop {
        buf.clear();
        match input.read_until(b'\n', &mut buf) {
            Ok(0) => return Ok(()),
            Ok(_) => {}
            Err(e) if line_no == 0 && buf.is_empty() => {
                let e = io::Error::new(e.kind(), format!("cannot read {name}: {e}"));
                return Err(Stop::Unreadable(e));
            }
            Err(e) => {
                // Some lines were read: report the line where reading broke
                // off, keep the output aligned, and stop.
                line_no += 1;
                *failed += 1;
                let msg = format!("read error: {e}");
                warn(&format!("{name}: line {line_no}: {msg}"));
                let record = format!(
                    "{{\"id\":null,\"line\":{line_no},\"error\":{}}}",
                    Value::String(msg)
                );
                writeln!(out, "{record}")?;
                return Ok(());
            }
        }
        line_no += 1;
        let complete = buf.last() == Some(&b'\n');
        let mut line: &[u8] = &buf;
        if let Some(rest) = line.strip_suffix(b"\n") {
            line = rest;
        }
        if let Some(rest) = line.strip_suffix(b"\r") {
            line = rest;
        }
        let (id, result) = process_line(ex, line, complete, max_bytes);
        match result {
            LineResult::Quotes(quotes) => {
                writeln!(out, "{{\"id\":{id},\"quotes\":{quotes}}}")?;
            }
            LineResult::Error(msg) => {
                *failed += 1;
                let which = if id == "null" {
                    String::new()
                } else {
                    format!(" (id {id})")
                };
                warn(&format!("{name}: line {line_no}{which}: {msg}"));
                writeln!(
                    out,
                    "{{\"id\":{id},\"line\":{line_no},\"error\":{}}}",
                    Value::String(msg)
                )?;
            }
        }
    }
}

fn main() -> ExitCode {
    let args = Args::parse();
    let ex = match build_extractor(&args) {
        Ok(ex) => ex,
        Err(e) => {
            warn(&e);
            return ExitCode::from(2);
        }
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut failed = 0usize;
    let result = if let Some(path) = &args.jsonl {
        let name = if path == "-" {
            "<stdin>"
        } else {
            path.as_str()
        };
        let input: Result<Box<dyn BufRead>, Stop> = if path == "-" {
            Ok(Box::new(io::stdin().lock()))
        } else {
            File::open(path)
                .map(|f| Box::new(BufReader::new(f)) as Box<dyn BufRead>)
                .map_err(|e| {
                    Stop::Unreadable(io::Error::new(e.kind(), format!("cannot read {name}: {e}")))
                })
        };
        input.and_then(|input| run_jsonl(&ex, name, input, args.max_bytes, &mut out, &mut failed))
    } else {
        run_one(&ex, &args, &mut out).map(|code| failed = usize::from(code))
    };
    let result = result.and_then(|()| out.flush().map_err(Stop::Write));
    let done = ExitCode::from(if failed > 0 { 1 } else { 0 });
    match result {
        Ok(()) => done,
        // The reader went away (`| head`): that ends the run, quietly.
        Err(Stop::Write(e)) if e.kind() == io::ErrorKind::BrokenPipe => done,
        Err(Stop::Write(e)) => {
            warn(&format!("cannot write the output: {e}"));
            ExitCode::from(2)
        }
        Err(Stop::Unreadable(e)) => {
            warn(&e.to_string());
            ExitCode::from(2)
        }
    }
}
