//! The main job: extract attributed quotations from news text.
//!
//! ```text
//! cargo run --release --example extract                       # the built-in sample article
//! cargo run --release --example extract -- article.txt        # one article (- for stdin)
//! cargo run --release --example extract -- --format html a.txt > a.html   # a report page
//! cargo run --release --example extract -- --jsonl docs.jsonl # one {"id","text"} document a line
//! cargo run --release --example extract -- --jsonl docs.jsonl.gz --threads 2 --format tsv
//! ```
//!
//! Exit status: 0 when every document was read and processed; 1 when some
//! document failed (each failed JSONL line still gets one output line,
//! `{"id", "line", "error"}`, and a message on stderr; blank lines are
//! skipped); 2 when the input could
//! not be read at all, an option is invalid, or the output cannot be
//! written. A closed output pipe (`| head`) ends the run quietly.
//!
//! Gzip input (`FILE` or `--jsonl`, by its magic bytes, so stdin too) is
//! decompressed on the fly. A `--jsonl` run that lasts more than a second
//! shows its progress on stderr when stderr is a terminal, and nothing when
//! it is not.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Read, Write};
use std::panic::{self, AssertUnwindSafe};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Parser, ValueEnum};
use flate2::bufread::MultiGzDecoder;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::de::IgnoredAny;
use serde_json::{json, Value};
use whosaid::report::{self, SpeakerStats};
use whosaid::{Analysis, CueClass, Extractor, Quote, DEFAULT_SECTION_BYTES};

/// The binary's allocator: mimalloc (a dev-dependency, so the library itself
/// does not depend on it and leaves the choice to its users). The extraction
/// of a document allocates and frees many small vectors and strings (tokens,
/// drafts, records); mimalloc's per-size free lists serve them with fewer
/// instructions than glibc's malloc, whose `_int_malloc`, `_int_free` and
/// `malloc_consolidate` were a tenth of a `--jsonl` run over PolNeAR
/// (mimalloc takes 7.8 % off that run's instructions). Its version 2 line
/// (the `v2` feature) measured 1 % fewer instructions there than version 3.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
  extract article.txt.gz                    gzip input is read transparently
  extract --format json article.txt         the full analysis as JSON {\"quotes\", \"speakers\"}
  extract --format html a.txt > a.html      a report page: quotes coloured by speaker, speaker table
  extract --format tsv a.txt                one row per quote, with a header row
  extract --speakers a.txt                  who is quoted, how often (direct, indirect, mixed, share)
  extract --jsonl docs.jsonl > out.jsonl    one {\"id\",\"text\"} document a line, one {\"id\",\"quotes\"} line out
  extract --jsonl docs.jsonl.gz --threads 4 the same over 4 threads, output in input order
  extract --jsonl docs.jsonl --speakers     one {\"id\",\"speakers\"} line per document
  extract --jsonl docs.jsonl --format tsv   one row per quote of every document (column doc: the id)
  extract --jsonl - --max-bytes 1000000     JSONL from stdin, documents over 1 MB are errors
  extract --rules mine.toml --explain a.txt extra rules and cues; show the rule behind each record
  extract --disable-rule quote-cue-speaker a.txt
                                            switch a rule off (ids: --explain)
  extract --cue-classes speech,belief a.txt also report beliefs (\"believes\", \"thinks\")

JSONL input: every input line gets exactly one output line, in order; blank
lines are skipped. A line that fails (not UTF-8, not JSON, truncated, no
string \"text\", text over --max-bytes) gives {\"id\": <id or null>, \"line\": N, \"error\": \"...\"}
and a message on stderr; the other lines are still processed. With --format
tsv a failed line gives no row, only the message on stderr. A run longer than
a second shows documents, MB/s and the time left on stderr when it is a
terminal.

TSV columns: doc, kind, start, end, speaker, role, cue, rule, confidence,
text (with --speakers: doc, speaker, role, kind, direct, indirect, mixed,
quotes, share). doc is the JSONL id, or the file name for one article. Tabs,
line breaks and backslashes in a field are written \\t, \\n, \\r and \\\\.

Exit status: 0 all documents processed; 1 some document failed; 2 the input
could not be read, an option is invalid, or the output could not be written.";

#[derive(Parser, Debug)]
#[command(
    name = "extract",
    about = "Find the quotations in English news text and who said them.",
    after_help = AFTER_HELP
)]
struct Args {
    /// An article as plain text (or gzip); `-` reads stdin. Without it, a
    /// built-in sample.
    file: Option<String>,
    /// Read JSON Lines, plain or gzip (`-` for stdin): one {"id", "text"}
    /// document a line; writes one {"id", "quotes"} line per input line
    /// (blank lines are skipped).
    #[arg(long, value_name = "FILE", conflicts_with = "file")]
    jsonl: Option<String>,
    /// Output format. JSONL input writes jsonl (with text or json too) or
    /// tsv; html is for a single article.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Print the speakers (name, role, kind, direct, indirect and mixed
    /// quotes, share of all quotes) instead of the quotes; with --jsonl, one
    /// {"id", "speakers"} line per document.
    #[arg(long)]
    speakers: bool,
    /// With --jsonl: process documents on this many threads (0: one per
    /// core). Output stays in input order.
    #[arg(long, value_name = "N", requires = "jsonl")]
    threads: Option<usize>,
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
    /// Run the examples of every rule (built-in and from --rules files) and
    /// report those that do not give their record; reads no text. Exit 0
    /// when all pass, 1 when one fails.
    #[arg(long = "check-rules", conflicts_with_all = ["file", "jsonl"])]
    check_rules: bool,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    /// A listing for people.
    Text,
    /// The full analysis, pretty JSON {"quotes", "speakers"}.
    Json,
    /// One compact JSON line.
    Jsonl,
    /// A self-contained HTML report page (a single article only).
    Html,
    /// Tab-separated values, one row per quote, with a header row.
    Tsv,
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
            let c = CueClass::parse(&name.trim().to_lowercase()).ok_or_else(|| {
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

/// A single article's output for `--format json` (quotes and speakers) and
/// `jsonl` (quotes): fields in schema order, as the `--jsonl` lines have them.
#[derive(serde::Serialize)]
struct AnalysisOut<'a> {
    quotes: &'a [QuoteOut<'a>],
    #[serde(skip_serializing_if = "Option::is_none")]
    speakers: Option<&'a [whosaid::Speaker]>,
}

/// One quote as the scorer's schema has it: the record plus `paraphrase`,
/// serialised straight to the output (no intermediate JSON tree).
#[derive(serde::Serialize)]
struct QuoteOut<'a> {
    #[serde(flatten)]
    quote: &'a Quote,
    paraphrase: bool,
}

fn quote_json(q: &Quote) -> QuoteOut<'_> {
    QuoteOut {
        quote: q,
        paraphrase: q.is_paraphrase(),
    }
}

/// Runs the extractor, turning a panic inside the library (a bug: `analyze`
/// is documented never to panic) into an error for this document only.
/// Without `speakers` the list of speakers is left empty: the records are
/// those of [`Extractor::extract`], which does not build the list.
fn analyze(ex: &Extractor, text: &str, speakers: bool) -> Result<Analysis, String> {
    panic::catch_unwind(AssertUnwindSafe(|| {
        if speakers {
            ex.analyze(text)
        } else {
            Analysis {
                quotes: ex.extract(text),
                speakers: Vec::new(),
            }
        }
    }))
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
        // A direct quote with the marks the text has around it (none where
        // an unclosed quote ends); reported speech as it stands.
        let (mut s, mut e) = (q.start, q.end);
        if q.kind == whosaid::QuoteKind::Direct {
            const MARKS: &[char] = &[
                '"', '\'', '\u{201c}', '\u{201d}', '\u{2018}', '\u{2019}', '«', '»',
            ];
            if let Some(c) = text.get(..s).and_then(|t| t.chars().next_back()) {
                if MARKS.contains(&c) {
                    s -= c.len_utf8();
                }
            }
            if let Some(c) = text.get(e..).and_then(|t| t.chars().next()) {
                if MARKS.contains(&c) {
                    e += c.len_utf8();
                }
            }
        }
        let content = text.get(s..e).unwrap_or(&q.text);
        writeln!(out, "     {content}")?;
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

/// The name of a speaker kind as in JSON: `person`, `organization`, `unknown`.
fn kind_name(s: &SpeakerStats) -> String {
    match serde_json::to_value(s.kind) {
        Ok(Value::String(k)) => k,
        _ => "unknown".to_string(),
    }
}

/// A share as a percentage with one decimal.
fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// The speaker table for people: name, role, kind, quotes of each kind and
/// share of all quotes, in order of first mention.
fn print_speakers_text(out: &mut impl Write, a: &Analysis) -> io::Result<()> {
    let stats = report::speaker_stats(a);
    if a.quotes.is_empty() && stats.is_empty() {
        return writeln!(out, "(no quotations found)");
    }
    let mut rows: Vec<[String; 7]> = Vec::new();
    let head = [
        "speaker", "role", "kind", "direct", "indirect", "mixed", "share",
    ];
    rows.push(head.map(String::from));
    for s in &stats {
        rows.push([
            s.name.clone(),
            s.role.clone().unwrap_or_else(|| "-".into()),
            kind_name(s),
            s.direct.to_string(),
            s.indirect.to_string(),
            s.mixed.to_string(),
            percent(s.share),
        ]);
    }
    let total = a.quotes.len();
    let count = |unattributed: bool, kind: whosaid::QuoteKind| {
        a.quotes
            .iter()
            .filter(|q| q.kind == kind)
            .filter(|q| {
                !unattributed
                    || q.speaker
                        .as_ref()
                        .map_or(true, |s| s.index >= a.speakers.len())
            })
            .count()
    };
    let kinds = [
        whosaid::QuoteKind::Direct,
        whosaid::QuoteKind::Indirect,
        whosaid::QuoteKind::Mixed,
    ];
    let none = kinds.map(|k| count(true, k));
    let none_total: usize = none.iter().sum();
    if none_total > 0 {
        rows.push([
            "(no speaker)".into(),
            String::new(),
            String::new(),
            none[0].to_string(),
            none[1].to_string(),
            none[2].to_string(),
            percent(none_total as f64 / total as f64),
        ]);
    }
    let all = kinds.map(|k| count(false, k));
    rows.push([
        "all quotes".into(),
        String::new(),
        String::new(),
        all[0].to_string(),
        all[1].to_string(),
        all[2].to_string(),
        if total > 0 {
            "100.0%".into()
        } else {
            "-".into()
        },
    ]);
    let mut width = [0usize; 7];
    for r in &rows {
        for (w, cell) in width.iter_mut().zip(r) {
            *w = (*w).max(cell.chars().count());
        }
    }
    for r in &rows {
        let mut line = String::new();
        for (i, cell) in r.iter().enumerate() {
            let pad = " ".repeat(width[i] - cell.chars().count());
            if i < 3 {
                line.push_str(cell);
                line.push_str(&pad);
                line.push_str("  ");
            } else {
                line.push_str(&pad);
                line.push_str(cell);
                line.push_str("  ");
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

/// The header row of `--format tsv`.
const TSV_QUOTES: &str = "doc\tkind\tstart\tend\tspeaker\trole\tcue\trule\tconfidence\ttext";
/// The header row of `--format tsv --speakers`.
const TSV_SPEAKERS: &str = "doc\tspeaker\trole\tkind\tdirect\tindirect\tmixed\tquotes\tshare";

/// A TSV field: backslash, tab, line feed and carriage return escaped as
/// `\\`, `\t`, `\n` and `\r`.
fn tsv(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

/// The TSV rows of one document's quotes (or speakers), each ending in a
/// line feed.
fn tsv_rows(doc: &str, a: &Analysis, speakers: bool) -> String {
    let doc = tsv(doc);
    let mut out = String::new();
    if speakers {
        for s in report::speaker_stats(a) {
            out.push_str(&format!(
                "{doc}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{:.4}\n",
                tsv(&s.name),
                tsv(s.role.as_deref().unwrap_or("")),
                kind_name(&s),
                s.direct,
                s.indirect,
                s.mixed,
                s.quotes,
                s.share
            ));
        }
        return out;
    }
    for q in &a.quotes {
        let (speaker, role) = q.speaker.as_ref().map_or(("", ""), |s| {
            (s.name.as_str(), s.role.as_deref().unwrap_or(""))
        });
        let cue = q.cue.as_ref().map_or("", |c| c.text.as_str());
        out.push_str(&format!(
            "{doc}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            q.kind.as_str(),
            q.start,
            q.end,
            tsv(speaker),
            tsv(role),
            tsv(cue),
            tsv(&q.rule),
            q.confidence,
            tsv(&q.text)
        ));
    }
    out
}

/// Counts the bytes read through it, for the progress display.
struct Counting<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// An opened input: plain or gunzipped, with the count of raw bytes read so
/// far and the raw size when known (a file).
struct Input {
    reader: Box<dyn BufRead>,
    read: Arc<AtomicU64>,
    total: Option<u64>,
}

/// Opens a file, or stdin for `-`; gzip (by its magic bytes) is decompressed.
fn open_input(path: &str) -> io::Result<Input> {
    let read = Arc::new(AtomicU64::new(0));
    let (raw, total): (Box<dyn Read>, Option<u64>) = if path == "-" {
        (Box::new(io::stdin().lock()), None)
    } else {
        let f = File::open(path)?;
        let len = f.metadata().ok().filter(|m| m.is_file()).map(|m| m.len());
        (Box::new(f), len)
    };
    // A small buffer under the decompressor keeps the byte count close to
    // what has been used, for the progress bar.
    let mut buf = BufReader::with_capacity(
        1 << 13,
        Counting {
            inner: raw,
            read: Arc::clone(&read),
        },
    );
    let gzip = buf.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    let reader: Box<dyn BufRead> = if gzip {
        Box::new(BufReader::with_capacity(1 << 16, MultiGzDecoder::new(buf)))
    } else {
        Box::new(buf)
    };
    Ok(Input {
        reader,
        read,
        total,
    })
}

/// Reads one article, at most `max_bytes + 1` bytes of it (decompressed).
fn read_article(path: &str, max_bytes: usize) -> io::Result<Vec<u8>> {
    let limit = u64::try_from(max_bytes)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    let mut buf = Vec::new();
    open_input(path)?.reader.take(limit).read_to_end(&mut buf)?;
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
    let doc = match args.file.as_deref() {
        None => "sample",
        Some("-") => "-",
        Some(path) => path,
    };
    // A long article (over DEFAULT_SECTION_BYTES, 256 KiB: an archive in one
    // file, or a text dense with quotations) in a format that lists records
    // only is analysed and written a section at a time, so that memory
    // follows the section, not the article.
    if text.len() > DEFAULT_SECTION_BYTES && !args.speakers {
        let mode = match args.format {
            Format::Jsonl => Some(Mode::Quotes),
            Format::Tsv => Some(Mode::Tsv { speakers: false }),
            _ => None,
        };
        if let Some(mode) = mode {
            if mode != Mode::Quotes {
                writeln!(out, "{TSV_QUOTES}")?;
            }
            write_sections(ex, text, "{\"quotes\":[", doc, mode, doc, out)?;
            return Ok(0);
        }
    }
    // Every output but `--format jsonl` of quotes and TSV of quotes shows
    // the speakers (text and JSON list them, HTML colours by them).
    let speakers = !matches!(
        (args.format, args.speakers),
        (Format::Jsonl | Format::Tsv, false)
    );
    let a = match analyze(ex, text, speakers) {
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
    match (args.format, args.speakers) {
        (Format::Text, false) => print_text(out, ex, text, &a, args.explain)?,
        (Format::Text, true) => print_speakers_text(out, &a)?,
        (Format::Json, false) => {
            let quotes: Vec<QuoteOut> = a.quotes.iter().map(quote_json).collect();
            let v = AnalysisOut {
                quotes: &quotes,
                speakers: Some(&a.speakers),
            };
            let s = serde_json::to_string_pretty(&v).unwrap_or_default();
            writeln!(out, "{s}")?;
        }
        (Format::Json, true) => {
            let v = json!({"speakers": report::speaker_stats(&a)});
            let s = serde_json::to_string_pretty(&v).unwrap_or_default();
            writeln!(out, "{s}")?;
        }
        (Format::Jsonl, false) => {
            let quotes: Vec<QuoteOut> = a.quotes.iter().map(quote_json).collect();
            let v = AnalysisOut {
                quotes: &quotes,
                speakers: None,
            };
            writeln!(out, "{}", serde_json::to_string(&v).unwrap_or_default())?;
        }
        (Format::Jsonl, true) => {
            writeln!(out, "{}", json!({"speakers": report::speaker_stats(&a)}))?;
        }
        (Format::Html, _) => out.write_all(report::html(text, &a).as_bytes())?,
        (Format::Tsv, speakers) => {
            writeln!(out, "{}", if speakers { TSV_SPEAKERS } else { TSV_QUOTES })?;
            out.write_all(tsv_rows(doc, &a, speakers).as_bytes())?;
        }
    }
    Ok(0)
}

/// A single article that was read but failed: stderr, plus an `{"error"}`
/// record for the JSON formats. Exit status 1.
fn fail_one(name: &str, msg: &str, format: Format, out: &mut impl Write) -> Result<u8, Stop> {
    warn(&format!("{name}: {msg}"));
    if matches!(format, Format::Json | Format::Jsonl) {
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
    /// The output for the document: zero or more whole lines (UTF-8).
    Done(Vec<u8>),
    /// A document over `DEFAULT_SECTION_BYTES` (256 KiB), not yet analysed: it is
    /// analysed a section at a time when its output is written (see
    /// [`write_long`]), so neither its records nor its output line are held
    /// whole. Its text is decoded then, in the line's own buffer where it
    /// can be (see [`text_in_place`]).
    Long,
    /// A blank or whitespace-only line: no document, no output.
    Blank,
    Error(String),
}

/// Processes one JSONL line (without its line break). Returns the output id
/// and the result.
fn process_line(
    ex: &Extractor,
    bytes: &[u8],
    complete: bool,
    max_bytes: usize,
    mode: Mode,
) -> (String, LineResult) {
    // A byte-order mark (written by some editors at the start of a file) is no text.
    let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
    // Checked by simdutf8, 16 to 64 bytes at a time on the CPU it finds
    // at run time (2.9 M instructions for the 11 MB of PolNeAR's lines
    // against the standard library's 8.5 M); its `compat` flavour reports
    // where the first invalid byte is, as the standard library does.
    let line = match simdutf8::compat::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let at = e.valid_up_to();
            let prefix = std::str::from_utf8(&bytes[..at]).unwrap_or("");
            let msg = format!("not UTF-8: invalid byte at column {}", at + 1);
            return (id_json(raw_id(prefix)), LineResult::Error(msg));
        }
    };
    if line.trim().is_empty() {
        return ("null".into(), LineResult::Blank);
    }
    // A line longer than a section may hold a long text: decoded a piece at
    // a time, so that decoding it takes little more memory than the text.
    if line.len() > DEFAULT_SECTION_BYTES {
        if let Some(done) = long_line(ex, line, max_bytes, mode) {
            return done;
        }
    }
    // The common case in one pass, without building a JSON tree: an object
    // with a string "text" (other fields skipped) and at most one "id".
    // Anything else (an error to report) takes the full path below, which
    // gives the same id and text for the lines this accepts.
    if let Ok(doc) = serde_json::from_str::<LineDoc>(line) {
        let id = doc
            .id
            .map_or_else(|| "null".to_string(), |raw| id_json(Some(raw.get())));
        return run_text(ex, id, &doc.text, max_bytes, mode);
    }
    let doc: Value = match serde_json::from_str(line) {
        Ok(v) => v,
        Err(e) => {
            let msg = if !complete && e.is_eof() {
                format!(
                    "truncated: the last line ends without a newline inside a JSON value ({})",
                    json_error(&e)
                )
            } else {
                format!("not JSON ({})", json_error(&e))
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
    run_text(ex, id, text, max_bytes, mode)
}

/// A JSONL document, borrowed from its line where it can be.
#[derive(serde::Deserialize)]
struct LineDoc<'a> {
    #[serde(borrow, default)]
    id: Option<&'a serde_json::value::RawValue>,
    #[serde(borrow)]
    text: std::borrow::Cow<'a, str>,
}

/// A JSONL document with the raw JSON of its text (see [`long_line`]): the
/// same fields as [`LineDoc`], so that the two accept the same lines.
#[derive(serde::Deserialize)]
struct RawDoc<'a> {
    #[serde(borrow, default)]
    id: Option<&'a serde_json::value::RawValue>,
    #[serde(borrow)]
    text: &'a serde_json::value::RawValue,
}

/// [`process_line`] for a line longer than a section, whose text is
/// decoded by serde_json in pieces (see [`for_each_piece`]) rather than
/// whole: serde_json decodes a string with escapes into a buffer that grows
/// by doubling and then copies it, so a whole 100 MB text took 2.3 times
/// its size beside its line, and a run's peak memory went over three times
/// the document. Here the pieces are decoded once to measure the text; a
/// long text is decoded again when it is written, into the line's own
/// buffer ([`text_in_place`]), and a shorter one into a string of its own.
/// `None` when the line is not such a document, or a piece does not
/// decode: the usual path then takes it (and reports what is wrong).
fn long_line(
    ex: &Extractor,
    line: &str,
    max_bytes: usize,
    mode: Mode,
) -> Option<(String, LineResult)> {
    let doc = serde_json::from_str::<RawDoc>(line).ok()?;
    let body = string_body(doc.text.get())?;
    let mut len = 0;
    for_each_piece(body, |piece| len += piece.len())?;
    let id = doc
        .id
        .map_or_else(|| "null".to_string(), |raw| id_json(Some(raw.get())));
    if let Some(result) = by_length(len, max_bytes, mode) {
        return Some((id, result));
    }
    let mut text = String::with_capacity(len);
    for_each_piece(body, |piece| text.push_str(piece))?;
    Some(run_text(ex, id, &text, max_bytes, mode))
}

/// The inside of the JSON string literal `raw` (without its quotation
/// marks); `None` when `raw` is not a string.
fn string_body(raw: &str) -> Option<&str> {
    raw.strip_prefix('"')?.strip_suffix('"')
}

/// The length of the next piece of a string literal's inside `rest`, of
/// about 1 MB: up to the first space after the first megabyte, or all of
/// it. No JSON escape holds a space (an escape is a backslash and one of
/// `"\/bfnrt`, or `u` and four hex digits, and a surrogate pair is two
/// escapes side by side), so each piece is the inside of a string literal
/// of its own, and the pieces' strings, one after another, are the whole
/// one's.
fn piece_len(rest: &[u8]) -> usize {
    const PIECE: usize = 1 << 20;
    match rest.get(PIECE..) {
        Some(after) => memchr::memchr(b' ', after).map_or(rest.len(), |i| PIECE + i),
        None => rest.len(),
    }
}

/// Decodes `literal` (a JSON string literal, quotation marks included) with
/// serde_json.
fn decode_literal(literal: &str) -> Option<String> {
    serde_json::from_str::<String>(literal).ok()
}

/// Calls `f` with the decoded string of each piece (see [`piece_len`]) of
/// the string literal inside `body`, in order; `None` when a piece does
/// not decode.
fn for_each_piece(mut body: &str, mut f: impl FnMut(&str)) -> Option<()> {
    let mut literal = String::new();
    while !body.is_empty() {
        let cut = piece_len(body.as_bytes());
        literal.clear();
        literal.push('"');
        literal.push_str(&body[..cut]);
        literal.push('"');
        f(&decode_literal(&literal)?);
        body = &body[cut..];
    }
    Some(())
}

/// A line read by `read_line` without its line break (`\n` or `\r\n`) and
/// a byte-order mark that opens it.
fn line_bytes(bytes: &[u8]) -> &[u8] {
    let bytes = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    let bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
    bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes)
}

/// What [`text_in_place`] could not do.
enum InPlace {
    /// The line is not a [`RawDoc`] with a string text; its buffer is
    /// untouched.
    NotRaw,
    /// A piece did not decode after the buffer was taken (the line was
    /// measured by [`long_line`], so this is a bug).
    Broken,
}

/// The text of the long document on `job`'s line, decoded piece by piece
/// (see [`piece_len`]) into the line's own buffer, which it takes: a
/// piece's string is never longer than its JSON, so each is written where
/// the text before it ends, behind the piece still to be read, and the
/// document takes no room beside its line.
fn text_in_place(job: &mut Job) -> Result<String, InPlace> {
    let (start, end) = {
        let line = std::str::from_utf8(line_bytes(&job.bytes)).map_err(|_| InPlace::NotRaw)?;
        let doc = serde_json::from_str::<RawDoc>(line).map_err(|_| InPlace::NotRaw)?;
        let body = string_body(doc.text.get()).ok_or(InPlace::NotRaw)?;
        let start = body.as_ptr() as usize - job.bytes.as_ptr() as usize;
        (start, start + body.len())
    };
    let mut buf = std::mem::take(&mut job.bytes);
    let (mut read, mut written) = (start, 0);
    let mut literal = String::new();
    while read < end {
        let cut = piece_len(&buf[read..end]);
        let piece = std::str::from_utf8(&buf[read..read + cut]).map_err(|_| InPlace::Broken)?;
        literal.clear();
        literal.push('"');
        literal.push_str(piece);
        literal.push('"');
        let decoded = decode_literal(&literal).ok_or(InPlace::Broken)?;
        buf[written..written + decoded.len()].copy_from_slice(decoded.as_bytes());
        written += decoded.len();
        read += cut;
    }
    buf.truncate(written);
    String::from_utf8(buf).map_err(|_| InPlace::Broken)
}

/// What a text of `len` bytes comes to before it is read: an error over
/// `max_bytes`, or [`LineResult::Long`]; `None` when it is analysed at once.
fn by_length(len: usize, max_bytes: usize, mode: Mode) -> Option<LineResult> {
    if len > max_bytes {
        let msg = format!(
            "the text is {len} bytes, which exceeds the limit of {max_bytes} bytes (--max-bytes)"
        );
        return Some(LineResult::Error(msg));
    }
    // A long document (over DEFAULT_SECTION_BYTES, 256 KiB, several times
    // any news article: an archive joined into one text, or a text dense
    // with quotations) is analysed a section at a time, as its output is
    // written, so that memory follows the section, not the document.
    (len > DEFAULT_SECTION_BYTES && mode != Mode::Speakers).then_some(LineResult::Long)
}

/// Extracts from the text of one document, with its output id.
fn run_text(
    ex: &Extractor,
    id: String,
    text: &str,
    max_bytes: usize,
    mode: Mode,
) -> (String, LineResult) {
    if let Some(result) = by_length(text.len(), max_bytes, mode) {
        return (id, result);
    }
    // Only `--speakers` lines (JSON or TSV) need the list of speakers.
    let speakers = matches!(mode, Mode::Speakers | Mode::Tsv { speakers: true });
    match analyze(ex, text, speakers) {
        Ok(a) => {
            let done = render_doc(mode, &id, &a);
            (id, LineResult::Done(done))
        }
        Err(msg) => (id, LineResult::Error(msg)),
    }
}

/// The text of a JSONL line that [`process_line`] accepted.
fn line_text(line: &str) -> Option<std::borrow::Cow<'_, str>> {
    if let Ok(doc) = serde_json::from_str::<LineDoc>(line) {
        return Some(doc.text);
    }
    match serde_json::from_str::<Value>(line).ok()? {
        Value::Object(mut obj) => match obj.remove("text")? {
            Value::String(t) => Some(t.into()),
            _ => None,
        },
        _ => None,
    }
}

/// Writes the output of a [`LineResult::Long`] document (see
/// [`write_sections`]).
fn write_long(
    ex: &Extractor,
    job: &mut Job,
    id: &str,
    mode: Mode,
    out: &mut impl Write,
) -> io::Result<()> {
    let text = match text_in_place(job) {
        Ok(text) => std::borrow::Cow::Owned(text),
        Err(InPlace::Broken) => {
            warn(&format!(
                "line {}: internal error decoding the text (a bug in extract); no records",
                job.line_no
            ));
            std::borrow::Cow::Borrowed("")
        }
        Err(InPlace::NotRaw) => std::str::from_utf8(line_bytes(&job.bytes))
            .ok()
            .and_then(line_text)
            .unwrap_or_default(),
    };
    let head = format!("{{\"id\":{id},\"quotes\":[");
    let where_ = format!("line {}", job.line_no);
    write_sections(ex, &text, &head, &tsv_doc(id), mode, &where_, out)
}

/// Writes the records of a long text section by section: the text is
/// analysed with `Extractor::analyze_sections`, and each section's records
/// are written and dropped before the next section is analysed. With
/// [`Mode::Quotes`] the line is `head`, the quotes, then `]}`; with
/// [`Mode::Tsv`], rows with `doc` in the first column. Speaker indices count
/// on from one section to the next, as if the sections' speaker lists were
/// joined. An error (a panic inside the library, which is a bug) is
/// reported on stderr, naming `where_`, after the records written so far,
/// and the line is still closed.
fn write_sections(
    ex: &Extractor,
    text: &str,
    head: &str,
    doc: &str,
    mode: Mode,
    where_: &str,
    out: &mut impl Write,
) -> io::Result<()> {
    if mode == Mode::Quotes {
        out.write_all(head.as_bytes())?;
    }
    let mut first = true;
    let mut speakers_before = 0;
    let mut result = Ok(());
    let run = panic::catch_unwind(AssertUnwindSafe(|| {
        ex.analyze_sections(text, DEFAULT_SECTION_BYTES, |mut a| {
            if result.is_err() {
                return;
            }
            for s in a.quotes.iter_mut().filter_map(|q| q.speaker.as_mut()) {
                s.index += speakers_before;
            }
            speakers_before += a.speakers.len();
            result = if mode == Mode::Quotes {
                let mut json = Vec::new();
                append_quotes(&mut json, &a.quotes, &mut first);
                out.write_all(&json)
            } else {
                out.write_all(tsv_rows(doc, &a, false).as_bytes())
            };
        });
    }));
    result?;
    if mode == Mode::Quotes {
        out.write_all(b"]}\n")?;
    }
    if run.is_err() {
        warn(&format!(
            "{where_}: internal error in the extractor (a bug in whosaid); the records found before it were written"
        ));
    }
    Ok(())
}

/// What `--jsonl` writes for each document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// `{"id", "quotes"}` lines.
    Quotes,
    /// `{"id", "speakers"}` lines.
    Speakers,
    /// TSV rows of quotes, or of speakers.
    Tsv { speakers: bool },
}

impl Mode {
    fn is_json(self) -> bool {
        !matches!(self, Mode::Tsv { .. })
    }
}

/// The doc column of a TSV row: a string id's text, a number as written,
/// empty for no id.
fn tsv_doc(id: &str) -> String {
    match serde_json::from_str::<Value>(id) {
        Ok(Value::String(s)) => s,
        Ok(Value::Null) => String::new(),
        _ => id.to_string(),
    }
}

/// serde_json's message for `e`, with its position given as the column
/// alone: it parses one line at a time, so its "line 1" would read as if it
/// contradicted the line of the file that the error record names.
fn json_error(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    let position = format!(" at line {} column {}", e.line(), e.column());
    match msg.strip_suffix(&position) {
        Some(head) => format!("{head} at column {}", e.column()),
        None => msg,
    }
}

/// Appends the records of `quotes` to `out` as JSON, comma-separated (the
/// inside of a `"quotes"` array), each as [`QuoteOut`] has it. Written by
/// sonic-rs, whose serializer gives the same bytes as serde_json's (the same
/// escapes, the same shortest floats; the reference outputs, fuzzed text
/// included, compare equal) but looks for the characters to escape 32 bytes
/// at a time: the records of `--jsonl` over PolNeAR took 83 M instructions
/// with serde_json, 65 M with it. A record that fails to serialise (it
/// cannot: every field is a string, number, bool or null) is left out whole.
fn append_quotes(out: &mut Vec<u8>, quotes: &[Quote], first: &mut bool) {
    for q in quotes {
        let at = out.len();
        if !*first {
            out.push(b',');
        }
        if sonic_rs::to_writer(&mut *out, &quote_json(q)).is_err() {
            out.truncate(at);
            continue;
        }
        *first = false;
    }
}

/// The output of one processed document, as UTF-8 bytes: the JSON line is
/// written as the JSON serializer writes it, with no check of what it wrote.
fn render_doc(mode: Mode, id: &str, a: &Analysis) -> Vec<u8> {
    match mode {
        Mode::Quotes => {
            // Room for the whole line at once (a quote's record takes some
            // 330 bytes besides its text; the serializer asks for six times
            // a string's length before it escapes it), so that the line,
            // serialised in place, is never copied to grow.
            let longest = a.quotes.iter().map(|q| q.text.len()).max().unwrap_or(0);
            let room: usize = a.quotes.iter().map(|q| 512 + q.text.len()).sum();
            let mut line = Vec::with_capacity(64 + id.len() + room + 6 * longest);
            line.extend_from_slice(b"{\"id\":");
            line.extend_from_slice(id.as_bytes());
            line.extend_from_slice(b",\"quotes\":[");
            append_quotes(&mut line, &a.quotes, &mut true);
            line.extend_from_slice(b"]}\n");
            line
        }
        Mode::Speakers => {
            let stats = report::speaker_stats(a);
            let stats = serde_json::to_string(&stats).unwrap_or_else(|_| "[]".into());
            format!("{{\"id\":{id},\"speakers\":{stats}}}\n").into_bytes()
        }
        Mode::Tsv { speakers } => tsv_rows(&tsv_doc(id), a, speakers).into_bytes(),
    }
}

/// One JSONL input line, as read (with its line break, if any).
struct Job {
    line_no: usize,
    bytes: Vec<u8>,
}

/// Processes one line: the output id and what became of it.
fn run_job(ex: &Extractor, job: &Job, max_bytes: usize, mode: Mode) -> (String, LineResult) {
    let complete = job.bytes.last() == Some(&b'\n');
    let mut line: &[u8] = &job.bytes;
    if let Some(rest) = line.strip_suffix(b"\n") {
        line = rest;
    }
    if let Some(rest) = line.strip_suffix(b"\r") {
        line = rest;
    }
    process_line(ex, line, complete, max_bytes, mode)
}

/// Options of a `--jsonl` run.
struct JsonlOpts {
    max_bytes: usize,
    mode: Mode,
    threads: usize,
}

/// Processes a chunk of lines, on `threads` threads when there are several:
/// each thread takes the next unprocessed line. Results are in input order.
fn run_chunk(ex: &Extractor, jobs: &[Job], o: &JsonlOpts) -> Vec<(String, LineResult)> {
    let threads = o.threads.min(jobs.len());
    if threads <= 1 {
        return jobs
            .iter()
            .map(|j| run_job(ex, j, o.max_bytes, o.mode))
            .collect();
    }
    let next = AtomicUsize::new(0);
    let mut results: Vec<Option<(String, LineResult)>> = jobs.iter().map(|_| None).collect();
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(job) = jobs.get(i) else {
                            return done;
                        };
                        done.push((i, run_job(ex, job, o.max_bytes, o.mode)));
                    }
                })
            })
            .collect();
        for w in workers {
            for (i, r) in w.join().unwrap_or_default() {
                results[i] = Some(r);
            }
        }
    });
    results
        .into_iter()
        .map(|r| {
            r.unwrap_or_else(|| {
                let msg = "internal error in a worker thread (a bug in extract)".to_string();
                ("null".into(), LineResult::Error(msg))
            })
        })
        .collect()
}

/// Progress on stderr for long runs: shown only when stderr is a terminal
/// and the run has lasted a second. The bar follows the raw (maybe
/// compressed) bytes read, for the time left; the rate is of document text.
struct Progress {
    start: Instant,
    enabled: bool,
    bar: Option<ProgressBar>,
    read: Arc<AtomicU64>,
    total: Option<u64>,
}

impl Progress {
    fn new(input: &Input) -> Self {
        Progress {
            start: Instant::now(),
            enabled: io::stderr().is_terminal(),
            bar: None,
            read: Arc::clone(&input.read),
            total: input.total,
        }
    }

    /// What the bar says: documents done, the rate of document text and,
    /// when the input's size is known, the time left at the rate so far.
    fn message(&self, docs: usize, text_bytes: u64) -> String {
        let secs = self.start.elapsed().as_secs_f64().max(1e-3);
        let mut msg = format!("{docs} docs, {:.2} MB/s", text_bytes as f64 / 1e6 / secs);
        let read = self.read.load(Ordering::Relaxed);
        if let Some(total) = self.total.filter(|&t| read > 0 && t >= read) {
            let left = (secs * (total - read) as f64 / read as f64).round() as u64;
            msg.push_str(&format!(", ETA {}:{:02}", left / 60, left % 60));
        }
        msg
    }

    /// Shows `docs` documents and `text_bytes` bytes of JSONL done.
    fn update(&mut self, docs: usize, text_bytes: u64) {
        if !self.enabled {
            return;
        }
        if self.bar.is_none() {
            if self.start.elapsed() < Duration::from_secs(1) {
                return;
            }
            let template = match self.total {
                Some(_) => "[{bar:30}] {percent:>3}% {msg}",
                None => "{spinner} {msg}, {elapsed}",
            };
            let style = ProgressStyle::with_template(template)
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
            let bar = ProgressBar::with_draw_target(self.total, ProgressDrawTarget::stderr())
                .with_style(style)
                .with_message(self.message(docs, text_bytes))
                .with_position(self.read.load(Ordering::Relaxed))
                .with_elapsed(self.start.elapsed());
            self.bar = Some(bar);
        }
        if let Some(bar) = &self.bar {
            bar.set_position(self.read.load(Ordering::Relaxed));
            bar.set_message(self.message(docs, text_bytes));
        }
    }

    /// Leaves the final state on the terminal, if anything was shown.
    fn finish(&mut self, docs: usize, text_bytes: u64) {
        if let Some(bar) = self.bar.take() {
            bar.set_position(self.read.load(Ordering::Relaxed));
            bar.finish_with_message(self.message(docs, text_bytes));
        }
    }
}

/// Writes the results of a chunk in order; counts and reports failed lines.
fn write_chunk(
    ex: &Extractor,
    name: &str,
    jobs: &mut [Job],
    results: Vec<(String, LineResult)>,
    mode: Mode,
    out: &mut impl Write,
    failed: &mut usize,
) -> io::Result<()> {
    for (job, (id, result)) in jobs.iter_mut().zip(results) {
        match result {
            LineResult::Done(text) => out.write_all(&text)?,
            LineResult::Long => write_long(ex, job, &id, mode, out)?,
            LineResult::Blank => {}
            LineResult::Error(msg) => {
                *failed += 1;
                let line_no = job.line_no;
                let which = if id == "null" {
                    String::new()
                } else {
                    format!(" (id {id})")
                };
                warn(&format!("{name}: line {line_no}{which}: {msg}"));
                if mode.is_json() {
                    writeln!(
                        out,
                        "{{\"id\":{id},\"line\":{line_no},\"error\":{}}}",
                        Value::String(msg)
                    )?;
                }
            }
        }
    }
    Ok(())
}

/// Appends the next line of `reader` to `buf`, with its line feed if it has
/// one, like `BufRead::read_until(b'\n')`: the number of bytes read, 0 at
/// the end of the input. The line feed is found with the memchr crate's
/// vectorised search (the standard library's took a percent of a run).
fn read_line(reader: &mut impl BufRead, buf: &mut Vec<u8>) -> io::Result<usize> {
    let mut read = 0;
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(read);
        }
        let (used, done) = match memchr::memchr(b'\n', available) {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        buf.extend_from_slice(&available[..used]);
        reader.consume(used);
        read += used;
        if done {
            return Ok(read);
        }
    }
}

/// Processes JSON Lines, one output line per input line (TSV: rows per
/// quote). Lines are read in chunks, processed on `threads` threads and
/// written in input order, so at most one chunk of documents is held at a
/// time. Counts failed lines in `failed`; stops early only when the input
/// cannot be read at all or the output cannot be written.
fn run_jsonl(
    ex: &Extractor,
    name: &str,
    input: Input,
    o: &JsonlOpts,
    out: &mut impl Write,
    failed: &mut usize,
) -> Result<(), Stop> {
    let mut progress = Progress::new(&input);
    let mut reader = input.reader;
    // One line at a time on one thread, so output follows input at once.
    let chunk = if o.threads <= 1 { 1 } else { o.threads * 64 };
    let mut jobs: Vec<Job> = Vec::with_capacity(chunk);
    // The line buffers of written chunks, reused (with their capacity) for
    // the next lines.
    let mut spare: Vec<Vec<u8>> = Vec::with_capacity(chunk);
    let mut line_no = 0usize;
    let mut docs = 0usize;
    let mut text_bytes = 0u64;
    if let Mode::Tsv { speakers } = o.mode {
        writeln!(out, "{}", if speakers { TSV_SPEAKERS } else { TSV_QUOTES })?;
    }
    loop {
        let mut buf = spare.pop().unwrap_or_default();
        buf.clear();
        match read_line(&mut reader, &mut buf) {
            Ok(0) => break,
            Ok(_) => {
                line_no += 1;
                jobs.push(Job {
                    line_no,
                    bytes: buf,
                });
                if jobs.len() >= chunk {
                    let results = run_chunk(ex, &jobs, o);
                    // Counted before they are written: a long document's line
                    // becomes its text as it is written.
                    text_bytes += jobs.iter().map(|j| j.bytes.len() as u64).sum::<u64>();
                    write_chunk(ex, name, &mut jobs, results, o.mode, out, failed)?;
                    docs += jobs.len();
                    spare.extend(jobs.drain(..).map(|j| j.bytes));
                    progress.update(docs, text_bytes);
                }
            }
            Err(e) if line_no == 0 && buf.is_empty() => {
                let e = io::Error::new(e.kind(), format!("cannot read {name}: {e}"));
                return Err(Stop::Unreadable(e));
            }
            Err(e) => {
                // Some lines were read: finish them, report the line where
                // reading broke off, keep the output aligned, and stop.
                let results = run_chunk(ex, &jobs, o);
                // Counted before they are written: a long document's line
                // becomes its text as it is written.
                text_bytes += jobs.iter().map(|j| j.bytes.len() as u64).sum::<u64>();
                write_chunk(ex, name, &mut jobs, results, o.mode, out, failed)?;
                docs += jobs.len();
                progress.finish(docs, text_bytes);
                line_no += 1;
                *failed += 1;
                let msg = format!("read error: {e}");
                warn(&format!("{name}: line {line_no}: {msg}"));
                if o.mode.is_json() {
                    let record = format!(
                        "{{\"id\":null,\"line\":{line_no},\"error\":{}}}",
                        Value::String(msg)
                    );
                    writeln!(out, "{record}")?;
                }
                return Ok(());
            }
        }
    }
    let results = run_chunk(ex, &jobs, o);
    // Counted before they are written: a long document's line
    // becomes its text as it is written.
    text_bytes += jobs.iter().map(|j| j.bytes.len() as u64).sum::<u64>();
    write_chunk(ex, name, &mut jobs, results, o.mode, out, failed)?;
    docs += jobs.len();
    progress.finish(docs, text_bytes);
    Ok(())
}

fn main() -> ExitCode {
    let args = Args::parse();
    if args.threads.is_some() && args.jsonl.is_none() {
        warn("--threads is for --jsonl input; one article runs on one thread");
        return ExitCode::from(2);
    }
    if args.format == Format::Html && args.jsonl.is_some() {
        warn("--format html is for a single article, not --jsonl (use --format jsonl or tsv)");
        return ExitCode::from(2);
    }
    if args.explain && args.jsonl.is_some() {
        warn("--explain is for a single article in the text format, not --jsonl");
        return ExitCode::from(2);
    }
    if args.format == Format::Html && args.speakers {
        warn("--speakers has no html form: the HTML report always has the speaker table");
        return ExitCode::from(2);
    }
    let ex = match build_extractor(&args) {
        Ok(ex) => ex,
        Err(e) => {
            warn(&e);
            return ExitCode::from(2);
        }
    };
    if args.check_rules {
        let failures = ex.check_examples();
        for f in &failures {
            warn(&f.to_string());
        }
        let rules = ex.rule_ids().len();
        if failures.is_empty() {
            println!("{rules} rules: every example gives its record");
            return ExitCode::SUCCESS;
        }
        warn(&format!(
            "{} example(s) of {rules} rules failed",
            failures.len()
        ));
        return ExitCode::from(1);
    }
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut failed = 0usize;
    let result = if let Some(path) = &args.jsonl {
        let name = if path == "-" {
            "<stdin>"
        } else {
            path.as_str()
        };
        let threads = match args.threads {
            Some(0) => std::thread::available_parallelism().map_or(1, |n| n.get()),
            Some(n) => n,
            None => 1,
        };
        let mode = match (args.format, args.speakers) {
            (Format::Tsv, speakers) => Mode::Tsv { speakers },
            (_, true) => Mode::Speakers,
            (_, false) => Mode::Quotes,
        };
        let opts = JsonlOpts {
            max_bytes: args.max_bytes,
            mode,
            threads,
        };
        open_input(path)
            .map_err(|e| {
                Stop::Unreadable(io::Error::new(e.kind(), format!("cannot read {name}: {e}")))
            })
            .and_then(|input| run_jsonl(&ex, name, input, &opts, &mut out, &mut failed))
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
