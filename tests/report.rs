//! The HTML report (`whosaid::report`) and the report-related options of the
//! command line (`--format html|tsv`, `--speakers`, gzip input, `--threads`),
//! plus a screenshot of the report in headless Chromium, skipped when no
//! Chromium is installed.
//!
//! `WHOSAID_UPDATE_SCREENSHOT=1 cargo test --release --test report screenshot`
//! also copies the screenshot to `docs/report.png`. All texts are invented.

use std::collections::HashSet;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use whosaid::report::{self, SpeakerStats};
use whosaid::{
    Analysis, Cue, CueClass, Extractor, Quote, QuoteKind, Speaker, SpeakerKind, SpeakerRef,
};

/// The sample article of `docs/report.png`: a headline, three speakers,
/// direct, indirect and mixed quotes.
const SAMPLE: &str = include_str!("../docs/sample-article.txt");

// ---------------------------------------------------------------------------
// Helpers

/// Writes `content` to a fresh file under this target's tmp directory.
fn tmp_path(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("report-tests");
    std::fs::create_dir_all(&dir).expect("create the tmp directory");
    let n = N.fetch_add(1, Ordering::Relaxed);
    dir.join(format!("{}-{n}-{name}", std::process::id()))
}

fn tmp_file(name: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let path = tmp_path(name);
    std::fs::write(&path, content).expect("write a tmp file");
    path
}

/// The text of an HTML fragment: tags dropped, entities decoded.
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let j = rest[i..].find('>').expect("a tag is closed");
        rest = &rest[i + j + 1..];
    }
    out.push_str(rest);
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#10;", "\n")
        .replace("&amp;", "&")
}

/// The `<article>` element of a page.
fn article_of(page: &str) -> &str {
    let s = page.find("<article>").expect("an <article>");
    let e = page.find("</article>").expect("an </article>");
    &page[s..e + "</article>".len()]
}

/// Checks that the elements of an HTML fragment nest properly.
fn assert_well_formed(html: &str) {
    let mut stack: Vec<&str> = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find('<') {
        let j = rest[i..].find('>').expect("a tag is closed");
        let tag = &rest[i + 1..i + j];
        rest = &rest[i + j + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack
                .pop()
                .unwrap_or_else(|| panic!("</{name}> closes nothing"));
            assert_eq!(open, name, "</{name}> closes <{open}>");
        } else {
            let name = tag.split([' ', '\n']).next().unwrap_or("");
            assert!(!name.is_empty(), "an empty tag");
            stack.push(name);
        }
    }
    assert!(stack.is_empty(), "unclosed: {stack:?}");
}

fn words(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A tiny deterministic generator for the fuzz test.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

// ---------------------------------------------------------------------------
// The page

#[test]
fn the_sample_report_has_table_legend_and_every_quote_marked() {
    let a = Extractor::new().analyze(SAMPLE);
    assert!(a.quotes.len() >= 8, "{:#?}", a.quotes);
    let page = report::html(SAMPLE, &a);

    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.contains("<title>Harbourside ferry fares to rise by a third in April"));
    assert!(page.contains("<h1>Harbourside ferry fares to rise by a third in April</h1>"));
    assert!(page.contains("prefers-color-scheme:dark"));
    assert!(page.contains("name=\"viewport\""));
    assert!(page.contains("id=\"h-legend\""));
    // The table comes before the article.
    let table = page
        .find("<table id=\"speakers\">")
        .expect("a speaker table");
    assert!(table < page.find("<article>").expect("an article"));

    // One row per speaker, with its counts.
    let stats = report::speaker_stats(&a);
    for s in &stats {
        let row_start = page
            .find(&format!("</span>{}</td>", s.name))
            .unwrap_or_else(|| panic!("no row for {}", s.name));
        let row = &page[row_start..page[row_start..].find("</tr>").unwrap() + row_start];
        for n in [s.direct, s.indirect, s.mixed] {
            assert!(row.contains(&format!("data-v=\"{n}\">{n}</td>")), "{row}");
        }
        assert!(row.contains(&format!("{:.1}%", s.share * 100.0)), "{row}");
    }
    let names: Vec<&str> = stats.iter().map(|s| s.name.as_str()).collect();
    assert!(names.contains(&"Renata Moll"), "{names:?}");
    assert!(names.contains(&"Tomas Ekwueme"), "{names:?}");

    // Every quote is highlighted in its speaker's colour, with a tooltip
    // naming speaker, role, kind, cue class, rule and confidence.
    let article = article_of(&page);
    assert_well_formed(article);
    for (k, q) in a.quotes.iter().enumerate() {
        let anchor = format!("id=\"q{}\"", k + 1);
        let at = article
            .find(&anchor)
            .unwrap_or_else(|| panic!("no {anchor}"));
        let open = &article[article[..at].rfind("<mark").unwrap()..at];
        let s = q
            .speaker
            .as_ref()
            .expect("every sample quote has a speaker");
        assert!(open.contains(&format!(" s{}\"", s.index)), "{open}");
        assert!(
            open.contains(&format!("kind: {}", q.kind.as_str())),
            "{open}"
        );
        assert!(open.contains(&format!("rule: {}", q.rule)), "{open}");
        assert!(
            open.contains(&format!("confidence: {:.2}", q.confidence)),
            "{open}"
        );
        assert!(open.contains(&format!("speaker: {}", s.name)), "{open}");
        if let Some(role) = &s.role {
            assert!(open.contains(&format!("role: {role}")), "{open}");
        }
        if let Some(c) = &q.cue {
            assert!(
                open.contains(&format!("class {}", c.class.as_str())),
                "{open}"
            );
        }
        // The quote's own text follows.
        let body = text_of(&article[at..]);
        let first_words: String = q.text.chars().take(20).collect();
        assert!(body.contains(&first_words), "{first_words:?}");
    }
    // Cues underlined, mentions boxed.
    assert_eq!(
        article.matches("<u class=\"cue").count(),
        a.quotes.iter().filter(|q| q.cue.is_some()).count()
    );
    assert!(article
        .contains("<span class=\"who s1\" title=\"speaker of quote 3: Renata Moll\">She</span>"));
    // Nothing of the text is lost or doubled.
    assert_eq!(words(&text_of(article)), words(SAMPLE));
}

#[test]
fn markup_in_an_article_shows_as_text() {
    let text = "Alert <script>alert(\"x\")</script> & co\n\n\
                “<b>Bold</b> & <script>steal()</script> claims,” said Ada Lee. \
                She said the <img src=x onerror=alert(1)> tag was 'harmless'.";
    let a = Extractor::new().analyze(text);
    assert!(!a.quotes.is_empty());
    let page = report::html(text, &a);
    assert_eq!(
        page.matches("<script").count(),
        1,
        "only the sorting script"
    );
    assert!(page.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
    assert!(page.contains("&lt;script&gt;steal()&lt;/script&gt;"));
    assert!(!page.contains("<b>"));
    assert!(!page.contains("<img"));
    assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert_well_formed(article_of(&page));
    assert_eq!(words(&text_of(article_of(&page))), words(text));
}

#[test]
fn the_page_loads_nothing() {
    let a = Extractor::new().analyze(SAMPLE);
    let page = report::html(SAMPLE, &a);
    for needle in [
        "http:",
        "https:",
        "//cdn",
        "src=",
        "<link",
        "@import",
        "url(",
        "@font-face",
    ] {
        assert!(!page.contains(needle), "the page has {needle:?}");
    }
}

#[test]
fn an_empty_or_quoteless_text_gives_a_valid_page() {
    let ex = Extractor::new();
    for text in ["", "\n\n", "The council met on Tuesday.\n\nIt rained."] {
        let page = report::html(text, &ex.analyze(text));
        assert!(page.contains("No quotations found"), "{page}");
        assert!(page.ends_with("</html>\n"));
        assert_well_formed(article_of(&page));
    }
}

#[test]
fn multibyte_text_and_unattributed_quotes() {
    let text = "Zoë Ørsted said the café’s “crème brûlée” was “sublime.” \
                “No comment,” came the reply. 北京 said nothing.";
    let a = Extractor::new().analyze(text);
    let page = report::html(text, &a);
    let article = article_of(&page);
    assert_well_formed(article);
    assert_eq!(words(&text_of(article)), words(text));
    if a.quotes.iter().any(|q| q.speaker.is_none()) {
        assert!(page.contains("(no speaker)"));
        assert!(article.contains("class=\"q dir sx\""));
    }
}

/// A quote record with arbitrary spans, for the robustness tests.
fn quote(
    kind: QuoteKind,
    content: (usize, usize),
    speaker: Option<(usize, usize, usize)>,
    cue: Option<(usize, usize)>,
) -> Quote {
    Quote {
        kind,
        start: content.0,
        end: content.1,
        text: String::new(),
        speaker: speaker.map(|(start, end, index)| SpeakerRef {
            name: format!("Speaker <{index}>"),
            mention: "x".into(),
            start,
            end,
            role: Some("role & \"title\"".into()),
            kind: SpeakerKind::Person,
            index,
        }),
        cue: cue.map(|(start, end)| Cue {
            text: "said".into(),
            lemma: "say".into(),
            start,
            end,
            class: CueClass::Speech,
        }),
        rule: "test-rule".into(),
        confidence: 0.5,
    }
}

fn speaker(name: &str, mentions: &[(usize, usize)]) -> Speaker {
    Speaker {
        name: name.into(),
        role: None,
        kind: SpeakerKind::Unknown,
        mentions: mentions
            .iter()
            .map(|&(s, e)| whosaid::Span::new(s, e))
            .collect(),
        quotes: 1,
    }
}

#[test]
fn overlapping_and_bogus_spans_never_panic_and_stay_well_formed() {
    let text = "Ünïcödé “quote one” she said.\n\nAnd “quote two” — he said — “three”.";
    let a = Analysis {
        quotes: vec![
            // Speaker and cue inside the content; content crossing the paragraph break.
            quote(
                QuoteKind::Direct,
                (3, 40),
                Some((10, 20, 0)),
                Some((15, 45)),
            ),
            // Overlapping the first quote.
            quote(
                QuoteKind::Indirect,
                (20, 60),
                Some((0, 5, 1)),
                Some((58, 70)),
            ),
            // Off character boundaries (inside "Ü" and "ï").
            quote(QuoteKind::Mixed, (1, 4), Some((2, 3, 0)), Some((3, 5))),
            // Out of range and reversed.
            quote(
                QuoteKind::Direct,
                (500, 900),
                Some((70, 10_000, 7)),
                Some((9, 2)),
            ),
            // Empty, and no speaker or cue.
            quote(QuoteKind::Direct, (30, 30), None, None),
            quote(QuoteKind::Direct, (text.len() - 6, text.len()), None, None),
        ],
        speakers: vec![
            speaker("A & B", &[(0, 8), (7, 12), (900, 1000)]),
            speaker("<C>", &[(5, 3)]),
        ],
    };
    let page = report::html(text, &a);
    let article = article_of(&page);
    assert_well_formed(article);
    assert_eq!(words(&text_of(article)), words(text));
    assert!(page.contains("A &amp; B"));
    assert!(page.contains("&lt;C&gt;"));
    assert!(!page.contains("<C>"));

    // Random spans over a text with multibyte characters.
    let text = "Ærø “æ” said “ø å”.\n\n“Ü,” said Ö. Ⅻ said the ☃ “was” cold.\nStill Ⅻ.";
    let mut rng = Lcg(7);
    for round in 0..400 {
        let n = text.len() + 8;
        let span = |rng: &mut Lcg| {
            let s = rng.next(n);
            (s, s + rng.next(24))
        };
        let mut quotes = Vec::new();
        for _ in 0..rng.next(6) {
            let content = span(&mut rng);
            let who = span(&mut rng);
            let cue = span(&mut rng);
            let kind = [QuoteKind::Direct, QuoteKind::Indirect, QuoteKind::Mixed][rng.next(3)];
            let sp = (rng.next(4) > 0).then_some((who.0, who.1, rng.next(4)));
            let cue = (rng.next(3) > 0).then_some(cue);
            quotes.push(quote(kind, content, sp, cue));
        }
        let speakers = (0..rng.next(4))
            .map(|i| speaker(&format!("S{i}"), &[span(&mut rng), span(&mut rng)]))
            .collect();
        let a = Analysis { quotes, speakers };
        let page = report::html(text, &a);
        let article = article_of(&page);
        assert_well_formed(article);
        assert_eq!(words(&text_of(article)), words(text), "round {round}");
    }
}

#[test]
fn speaker_stats_count_each_kind_and_share() {
    let text = "Council leader Ada Lee said the repairs were “long overdue.” \
                “We owe it to the swimmers,” she said. “Every one of them.”\n\n\
                Lee said the pool would reopen in May. Engineer Bo Ek said the roof was sound.";
    let a = Extractor::new().analyze(text);
    let stats = report::speaker_stats(&a);
    assert_eq!(stats.len(), a.speakers.len());
    let lee: &SpeakerStats = stats.iter().find(|s| s.name == "Ada Lee").expect("Ada Lee");
    assert_eq!(lee.direct, 2, "{stats:#?}");
    assert_eq!(lee.indirect, 1, "{stats:#?}");
    assert_eq!(lee.mixed, 1, "{stats:#?}");
    assert_eq!(lee.quotes, 4);
    assert_eq!(lee.role.as_deref(), Some("Council leader"));
    let total: usize = stats.iter().map(|s| s.quotes).sum();
    assert!(total <= a.quotes.len());
    let shares: f64 = stats.iter().map(|s| s.share).sum();
    assert!((shares - total as f64 / a.quotes.len() as f64).abs() < 1e-9);
    for (s, sp) in stats.iter().zip(&a.speakers) {
        assert_eq!(s.quotes, sp.quotes, "{}", s.name);
    }
    assert!(report::speaker_stats(&Extractor::new().analyze("")).is_empty());
}

// ---------------------------------------------------------------------------
// The command line

#[path = "support/extract_bin.rs"]
mod extract_bin;
use extract_bin::extract_bin;

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `extract` with `args` and `stdin`.
fn extract(args: &[&str], stdin: &[u8]) -> Run {
    let mut child = Command::new(extract_bin())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the extract example");
    let mut input = child.stdin.take().expect("stdin");
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().expect("wait for extract");
    writer.join().expect("the stdin writer");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).expect("gzip");
    enc.finish().expect("gzip")
}

fn doc(id: Value, text: &str) -> String {
    format!("{}\n", json!({"id": id, "text": text}))
}

#[test]
fn cli_format_html_writes_the_report() {
    let path = tmp_file("sample.txt", SAMPLE);
    let r = extract(&["--format", "html", path.to_str().unwrap()], b"");
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(r.stderr, "");
    let a = Extractor::new().analyze(SAMPLE);
    assert_eq!(r.stdout, report::html(SAMPLE, &a));

    // From stdin, with markup in the text.
    let r = extract(
        &["--format", "html", "-"],
        b"<script>x()</script> \xe2\x80\x9cHi,\xe2\x80\x9d said Ada Lee.",
    );
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.contains("&lt;script&gt;x()&lt;/script&gt;"));

    // Not for JSONL input, nor with --speakers: a usage error, no output.
    for args in [
        &["--format", "html", "--jsonl", "-"][..],
        &["--format", "html", "--speakers"][..],
    ] {
        let r = extract(args, b"");
        assert_eq!(r.code, Some(2), "{args:?}");
        assert_eq!(r.stdout, "");
        assert!(r.stderr.contains("html"), "{}", r.stderr);
    }
}

#[test]
fn cli_format_tsv_is_one_escaped_row_per_quote() {
    let text = "“Fares\tare frozen,” said Ada Lee.\n\n“Tolls \\ tunnels,” said Bo Ek.";
    let a = Extractor::new().analyze(text);
    assert_eq!(a.quotes.len(), 2, "{:#?}", a.quotes);
    let r = extract(&["--format", "tsv", "-"], text.as_bytes());
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "doc\tkind\tstart\tend\tspeaker\trole\tcue\trule\tconfidence\ttext"
    );
    assert_eq!(lines.len(), 1 + a.quotes.len(), "{}", r.stdout);
    for (line, q) in lines[1..].iter().zip(&a.quotes) {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(cols.len(), 10, "{line}");
        assert_eq!(cols[0], "-");
        assert_eq!(cols[1], q.kind.as_str());
        assert_eq!(cols[2], q.start.to_string());
        assert_eq!(cols[3], q.end.to_string());
        assert_eq!(cols[4], q.speaker.as_ref().unwrap().name);
        assert_eq!(cols[6], q.cue.as_ref().unwrap().text);
        assert_eq!(cols[7], q.rule);
        assert_eq!(cols[8].parse::<f32>().unwrap(), q.confidence);
    }
    assert!(lines[1].ends_with("\tFares\\tare frozen,"), "{}", lines[1]);
    assert!(lines[2].ends_with("\tTolls \\\\ tunnels,"), "{}", lines[2]);

    // JSONL input: the doc column is the id; a failed line has no row.
    let input = format!(
        "{}not json\n{}",
        doc(json!("a\tb\nc"), text),
        doc(json!(7), text)
    );
    let r = extract(&["--jsonl", "-", "--format", "tsv"], input.as_bytes());
    assert_eq!(r.code, Some(1));
    assert!(r.stderr.contains("line 2"), "{}", r.stderr);
    let docs: Vec<&str> = r
        .stdout
        .lines()
        .skip(1)
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    assert_eq!(docs, ["a\\tb\\nc", "a\\tb\\nc", "7", "7"]);
}

#[test]
fn cli_speakers_lists_who_is_quoted() {
    let path = tmp_file("sample.txt", SAMPLE);
    let path = path.to_str().unwrap();
    let a = Extractor::new().analyze(SAMPLE);
    let stats = report::speaker_stats(&a);

    let r = extract(&["--speakers", path], b"");
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(lines[0].starts_with("speaker"), "{}", r.stdout);
    assert!(
        lines[0].contains("direct") && lines[0].contains("indirect") && lines[0].contains("share")
    );
    for s in &stats {
        let line = lines
            .iter()
            .find(|l| l.starts_with(&s.name))
            .unwrap_or_else(|| panic!("no line for {}: {}", s.name, r.stdout));
        assert!(
            line.ends_with(&format!("{:.1}%", s.share * 100.0)),
            "{line}"
        );
    }
    assert!(lines.last().unwrap().starts_with("all quotes"));
    assert!(!r.stdout.contains('“'), "no quotes listed: {}", r.stdout);

    // JSONL: one {"id", "speakers"} line per document, in order.
    let input = format!(
        "{}{}{}",
        doc(json!(1), SAMPLE),
        doc(json!("two"), "No quotes here."),
        doc(json!(3), SAMPLE)
    );
    let r = extract(&["--jsonl", "-", "--speakers"], input.as_bytes());
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let recs: Vec<Value> = r
        .stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(recs.len(), 3);
    assert_eq!(recs[0]["id"], 1);
    assert_eq!(recs[1]["id"], "two");
    assert_eq!(recs[1]["speakers"], json!([]));
    // Compared as JSON text parsed alike (serde_json parses floats to the
    // nearest value only with its float_roundtrip feature).
    let stats_json: Value = serde_json::from_str(&serde_json::to_string(&stats).unwrap()).unwrap();
    assert_eq!(recs[0]["speakers"], stats_json);
    assert_eq!(recs[0]["speakers"][0]["kind"], "organization");
    assert_eq!(recs[2], json!({"id": 3, "speakers": recs[0]["speakers"]}));

    // --format json --speakers: the stats, pretty.
    let r = extract(&["--speakers", "--format", "json", path], b"");
    let v: Value = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(v["speakers"], stats_json);
}

#[test]
fn cli_reads_gzip_files_and_stdin() {
    let plain = extract(&["--format", "jsonl", "-"], SAMPLE.as_bytes());
    assert_eq!(plain.code, Some(0));
    let gz = tmp_file("sample.txt.gz", gzip(SAMPLE.as_bytes()));
    let r = extract(&["--format", "jsonl", gz.to_str().unwrap()], b"");
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(r.stdout, plain.stdout);
    let r = extract(&["--format", "jsonl", "-"], &gzip(SAMPLE.as_bytes()));
    assert_eq!(r.stdout, plain.stdout);

    // JSONL, from a file and from stdin; several gzip members count as one stream.
    let input = format!(
        "{}{}",
        doc(json!(1), SAMPLE),
        doc(json!(2), "“Yes,” said Ada Lee.")
    );
    let want = extract(&["--jsonl", "-"], input.as_bytes());
    assert_eq!(want.code, Some(0));
    let mut two_members = gzip(doc(json!(1), SAMPLE).as_bytes());
    two_members.extend(gzip(doc(json!(2), "“Yes,” said Ada Lee.").as_bytes()));
    let gz = tmp_file("docs.jsonl.gz", &two_members);
    let r = extract(&["--jsonl", gz.to_str().unwrap()], b"");
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(r.stdout, want.stdout);
    let r = extract(&["--jsonl", "-"], &gzip(input.as_bytes()));
    assert_eq!(r.stdout, want.stdout);

    // --max-bytes counts decompressed bytes.
    let r = extract(&["--max-bytes", "100", gz.to_str().unwrap()], b"");
    assert_eq!(r.code, Some(1), "{}", r.stderr);

    // A broken gzip stream is a read error.
    let mut broken = gzip(input.as_bytes());
    broken.truncate(broken.len() / 2);
    let r = extract(&["--jsonl", "-"], &broken);
    assert_ne!(r.code, Some(0));
    assert!(!r.stderr.is_empty());
}

#[test]
fn cli_threads_keep_input_order_and_failures() {
    let texts = [
        SAMPLE,
        "“Yes,” said Ada Lee.",
        "No quotes.",
        "Council leader Ada Lee said the pool would reopen in May.",
    ];
    let mut input = String::new();
    for i in 0..300 {
        match i % 37 {
            5 => input.push_str("{\"id\": 5, \"text\": \n"),
            11 => input.push('\n'),
            _ => input.push_str(&doc(json!(i), texts[i % texts.len()])),
        }
    }
    let one = extract(&["--jsonl", "-"], input.as_bytes());
    assert_eq!(one.code, Some(1));
    // One output line per input line, blank lines skipped.
    let blank = (0..300).filter(|i| i % 37 == 11).count();
    assert_eq!(one.stdout.lines().count(), 300 - blank);
    for threads in ["2", "3", "0"] {
        let many = extract(&["--jsonl", "-", "--threads", threads], input.as_bytes());
        assert_eq!(many.code, Some(1), "--threads {threads}");
        assert_eq!(many.stdout, one.stdout, "--threads {threads}");
        assert_eq!(many.stderr, one.stderr, "--threads {threads}");
    }
    for mode in [&["--speakers"][..], &["--format", "tsv"][..]] {
        let base = extract(&[&["--jsonl", "-"][..], mode].concat(), input.as_bytes());
        let many = extract(
            &[&["--jsonl", "-", "--threads", "2"][..], mode].concat(),
            input.as_bytes(),
        );
        assert_eq!(many.stdout, base.stdout, "{mode:?}");
    }
    // Piped stderr: no progress display, only the failed lines.
    assert_eq!(
        one.stderr.lines().count(),
        one.stdout
            .lines()
            .filter(|l| l.contains("\"error\""))
            .count()
    );

    // Not for a single article.
    let r = extract(&["--threads", "2", "-"], b"x");
    assert_eq!(r.code, Some(2));
    assert_eq!(r.stdout, "");
}

#[test]
fn cli_help_shows_the_new_options() {
    let r = extract(&["--help"], b"");
    assert_eq!(r.code, Some(0));
    for s in [
        "--format html",
        "--format tsv",
        "--speakers",
        "--threads",
        ".gz",
        "html",
        "tsv",
    ] {
        assert!(r.stdout.contains(s), "--help lacks {s:?}");
    }
}

// ---------------------------------------------------------------------------
// A screenshot in headless Chromium

/// A Chromium on PATH, if any.
fn chromium() -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    for name in [
        "chromium",
        "chromium-browser",
        "google-chrome",
        "google-chrome-stable",
    ] {
        for dir in std::env::split_paths(&path) {
            let p = dir.join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

/// The RGB(A) pixels of an 8-bit, non-interlaced PNG: (width, height,
/// bytes per pixel, pixels).
fn decode_png(png: &[u8]) -> (usize, usize, usize, Vec<u8>) {
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    let mut i = 8;
    let (mut w, mut h, mut bpp) = (0, 0, 0);
    let mut idat = Vec::new();
    while i + 8 <= png.len() {
        let len = u32::from_be_bytes(png[i..i + 4].try_into().unwrap()) as usize;
        let kind = &png[i + 4..i + 8];
        let data = &png[i + 8..i + 8 + len];
        match kind {
            b"IHDR" => {
                w = u32::from_be_bytes(data[0..4].try_into().unwrap()) as usize;
                h = u32::from_be_bytes(data[4..8].try_into().unwrap()) as usize;
                assert_eq!(data[8], 8, "8-bit depth");
                bpp = match data[9] {
                    2 => 3,
                    6 => 4,
                    other => panic!("colour type {other}"),
                };
                assert_eq!(data[12], 0, "not interlaced");
            }
            b"IDAT" => idat.extend_from_slice(data),
            _ => {}
        }
        i += 12 + len;
    }
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(&idat[..])
        .read_to_end(&mut raw)
        .expect("inflate IDAT");
    let stride = w * bpp;
    assert_eq!(raw.len(), h * (stride + 1), "image data size");
    let mut px = vec![0u8; h * stride];
    for y in 0..h {
        let filter = raw[y * (stride + 1)];
        let line = &raw[y * (stride + 1) + 1..(y + 1) * (stride + 1)];
        for x in 0..stride {
            let a = if x >= bpp {
                px[y * stride + x - bpp] as i32
            } else {
                0
            };
            let b = if y > 0 {
                px[(y - 1) * stride + x] as i32
            } else {
                0
            };
            let c = if x >= bpp && y > 0 {
                px[(y - 1) * stride + x - bpp] as i32
            } else {
                0
            };
            let pred = match filter {
                0 => 0,
                1 => a,
                2 => b,
                3 => (a + b) / 2,
                4 => {
                    let p = a + b - c;
                    let (pa, pb, pc) = ((p - a).abs(), (p - b).abs(), (p - c).abs());
                    if pa <= pb && pa <= pc {
                        a
                    } else if pb <= pc {
                        b
                    } else {
                        c
                    }
                }
                f => panic!("filter {f}"),
            };
            px[y * stride + x] = (line[x] as i32 + pred) as u8;
        }
    }
    (w, h, bpp, px)
}

/// CSS `hsl(h, s%, l%)` in 8-bit RGB.
fn hsl(h: f64, s: f64, l: f64) -> [u8; 3] {
    let (s, l) = (s / 100.0, l / 100.0);
    let a = s * l.min(1.0 - l);
    let f = |n: f64| {
        let k = (n + h / 30.0) % 12.0;
        let v = l - a * (k - 3.0).min(9.0 - k).clamp(-1.0, 1.0);
        (v * 255.0).round() as u8
    };
    [f(0.0), f(8.0), f(4.0)]
}

#[test]
fn screenshot_of_the_report_in_headless_chromium() {
    let Some(chromium) = chromium() else {
        println!(
            "note: no chromium on PATH; skipping the screenshot test (apt-get install chromium)"
        );
        return;
    };
    let a = Extractor::new().analyze(SAMPLE);
    let html = tmp_file("report.html", report::html(SAMPLE, &a));
    let png = tmp_path("report.png");
    let profile = tmp_path("chromium-profile");
    std::fs::create_dir_all(&profile).expect("a profile directory");

    let mut child = Command::new(&chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", png.display()))
        .arg("--window-size=1000,1400")
        .arg(format!("file://{}", html.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for chromium") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let _ = std::fs::remove_dir_all(&profile);
    assert!(status.success(), "chromium failed: {status}");

    let bytes = std::fs::read(&png).expect("chromium wrote the screenshot");
    assert!(
        bytes.len() > 30_000,
        "a near-empty screenshot: {} bytes",
        bytes.len()
    );
    let (w, h, bpp, px) = decode_png(&bytes);
    assert_eq!((w, h), (1000, 1400));
    let colours: HashSet<[u8; 3]> = px.chunks(bpp).map(|p| [p[0], p[1], p[2]]).collect();
    assert!(
        colours.len() > 200,
        "only {} colours: a blank page?",
        colours.len()
    );

    // Each speaker's colour shows: its direct or indirect highlight (the
    // hues of speakers 0, 1 and 2; light scheme).
    let near = |want: [u8; 3]| {
        colours.iter().any(|c| {
            c.iter()
                .zip(want)
                .all(|(&a, b)| (a as i32 - b as i32).abs() <= 3)
        })
    };
    for (i, hue) in [212.0, 28.0, 140.0]
        .into_iter()
        .enumerate()
        .take(a.speakers.len())
    {
        let direct = hsl(hue, 88.0, 86.0);
        let indirect = hsl(hue, 85.0, 93.0);
        assert!(
            near(direct) || near(indirect),
            "no highlight of speaker {i} (hue {hue}): {direct:?} or {indirect:?}"
        );
    }

    if std::env::var_os("WHOSAID_UPDATE_SCREENSHOT").is_some() {
        let out = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/report.png");
        std::fs::copy(&png, &out).expect("copy the screenshot to docs/");
        println!("wrote {}", out.display());
    }
}
