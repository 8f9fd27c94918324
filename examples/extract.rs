//! The main job: extract attributed quotations from news text.
//!
//! ```text
//! cargo run --release --example extract                      # the built-in sample article
//! cargo run --release --example extract -- article.txt       # one article (- for stdin)
//! cargo run --release --example extract -- --jsonl docs.jsonl # one {"id","text"} document a line
//! ```
//!
//! Exit status: 0 when every document was read, 1 when some JSONL line
//! failed (each such line still gets an output line with an "error"), 2 when
//! the input could not be read at all.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::process::ExitCode;

use clap::{Parser, ValueEnum};
use serde_json::{json, Value};
use whosaid::{Analysis, CueClass, Extractor, Quote};

const SAMPLE: &str = "Tidewater council votes to close two libraries

The Tidewater town council voted on Tuesday to close the Elm Road and Quay Street libraries, saying the savings would fund a new reading room at the town hall.

Council leader Margit Solberg said the decision was \u{201c}painful but unavoidable.\u{201d} She told reporters: \u{201c}We looked at every other option. None of them kept the doors open for more than a year.\u{201d}

\u{201c}Three libraries in one decade is not a saving, it is a retreat,\u{201d} said Ivo Renner, a Green councillor. \u{201c}Children will pay for this.\u{201d}

According to the Tidewater Library Trust, visits to the two branches rose by a fifth last year. The trust's chair, Dana Okafor, said it would ask the council to delay the closures.

Solberg rejected that call. \u{201c}Delay costs money we do not have,\u{201d} she said.
";

#[derive(Parser, Debug)]
#[command(
    name = "extract",
    about = "Find the quotations in English news text and who said them.",
    after_help = "Examples:\n  extract                         run on a built-in sample article\n  extract article.txt             one article from a file (- for stdin)\n  extract --jsonl docs.jsonl      one {\"id\",\"text\"} JSON document a line\n  extract --format json a.txt     the full analysis as JSON"
)]
struct Args {
    /// An article as plain text; `-` reads stdin. Without it, a built-in sample.
    file: Option<String>,
    /// Read JSON Lines: one {"id", "text"} document a line; writes one
    /// {"id", "quotes"} line per document.
    #[arg(long, value_name = "FILE")]
    jsonl: Option<String>,
    /// Output format for a single article (JSONL input always writes jsonl).
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
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
    b.build().map_err(|e| e.to_string())
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
    Jsonl,
}

/// One quote as the scorer's schema has it: the record plus `paraphrase`.
fn quote_json(q: &Quote) -> Value {
    let mut v = serde_json::to_value(q).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        m.insert("paraphrase".into(), Value::Bool(q.is_paraphrase()));
    }
    v
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
        writeln!(out, "     \u{201c}{}\u{201d}", &text[q.start..q.end])?;
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

fn run_one(ex: &Extractor, text: &str, args: &Args, out: &mut impl Write) -> io::Result<()> {
    let a = ex.analyze(text);
    match args.format {
        Format::Text => print_text(out, ex, text, &a, args.explain),
        Format::Json => {
            let quotes: Vec<Value> = a.quotes.iter().map(quote_json).collect();
            let v = json!({"quotes": quotes, "speakers": a.speakers});
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&v).unwrap_or_default()
            )
        }
        Format::Jsonl => {
            let quotes: Vec<Value> = a.quotes.iter().map(quote_json).collect();
            writeln!(out, "{}", json!({"quotes": quotes}))
        }
    }
}

/// Processes JSON Lines; returns how many lines failed.
fn run_jsonl(ex: &Extractor, input: impl BufRead, out: &mut impl Write) -> io::Result<usize> {
    let mut failed = 0;
    let mut reader = input;
    let mut buf = Vec::new();
    let mut line_no = 0usize;
    loop {
        buf.clear();
        if reader.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        line_no += 1;
        let line = match std::str::from_utf8(&buf) {
            Ok(s) => s.trim_end_matches(['\n', '\r']),
            Err(e) => {
                failed += 1;
                let msg = format!("line {line_no}: not UTF-8 ({e})");
                eprintln!("extract: {msg}");
                writeln!(
                    out,
                    "{}",
                    json!({"id": Value::Null, "line": line_no, "error": msg})
                )?;
                continue;
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let doc: Value = match serde_json::from_str(line) {
            Ok(v) => v,
            Err(e) => {
                failed += 1;
                let msg = format!("line {line_no}: not JSON ({e})");
                eprintln!("extract: {msg}");
                writeln!(
                    out,
                    "{}",
                    json!({"id": Value::Null, "line": line_no, "error": msg})
                )?;
                continue;
            }
        };
        let id = doc.get("id").cloned().unwrap_or(Value::Null);
        let Some(text) = doc.get("text").and_then(Value::as_str) else {
            failed += 1;
            let msg = format!("line {line_no}: no string field \"text\"");
            eprintln!("extract: {msg}");
            writeln!(out, "{}", json!({"id": id, "line": line_no, "error": msg}))?;
            continue;
        };
        let quotes: Vec<Value> = ex.extract(text).iter().map(quote_json).collect();
        writeln!(out, "{}", json!({"id": id, "quotes": quotes}))?;
    }
    Ok(failed)
}

fn main() -> ExitCode {
    let args = Args::parse();
    let ex = match build_extractor(&args) {
        Ok(ex) => ex,
        Err(e) => {
            eprintln!("extract: {e}");
            return ExitCode::from(2);
        }
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let result = if let Some(path) = &args.jsonl {
        let input: Box<dyn BufRead> = if path == "-" {
            Box::new(BufReader::new(io::stdin()))
        } else {
            match File::open(path) {
                Ok(f) => Box::new(BufReader::new(f)),
                Err(e) => {
                    eprintln!("extract: cannot read {path}: {e}");
                    return ExitCode::from(2);
                }
            }
        };
        run_jsonl(&ex, input, &mut out).map(|failed| if failed > 0 { 1 } else { 0 })
    } else {
        let text = match args.file.as_deref() {
            None => SAMPLE.to_string(),
            Some(path) => {
                let mut s = String::new();
                let r = if path == "-" {
                    io::stdin().read_to_string(&mut s).map(|_| ())
                } else {
                    std::fs::read_to_string(path).map(|t| s = t)
                };
                if let Err(e) = r {
                    eprintln!("extract: cannot read {path}: {e}");
                    return ExitCode::from(2);
                }
                s
            }
        };
        run_one(&ex, &text, &args, &mut out).map(|_| 0)
    };
    let result = result.and_then(|code| out.flush().map(|_| code));
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("extract: {e}");
            ExitCode::from(2)
        }
    }
}
