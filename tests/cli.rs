//! End-to-end tests of the command-line front end, `examples/extract.rs`:
//! input modes, output formats, the JSONL failure semantics and exit
//! statuses, `--max-bytes`, a closed output pipe, and the rule options.
//!
//! The example binary is built (or found up to date) once per test run with
//! `cargo build --example extract` in this test's profile: `cargo test --test
//! cli` alone does not build examples. All texts here are invented.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::{json, Value};

// ---------------------------------------------------------------------------
// Harness

#[path = "support/extract_bin.rs"]
mod extract_bin;
use extract_bin::extract_bin;

/// A command running the extract example.
fn extract() -> Command {
    Command::new(extract_bin())
}

/// Writes `content` to a fresh file under this target's tmp directory.
fn tmp_file(name: &str, content: impl AsRef<[u8]>) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-tests");
    std::fs::create_dir_all(&dir).expect("create the tmp directory");
    let n = N.fetch_add(1, Ordering::Relaxed);
    let path = dir.join(format!("{}-{n}-{name}", std::process::id()));
    std::fs::write(&path, content).expect("write a tmp file");
    path
}

/// What a run gave.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    /// The stdout lines, each parsed as JSON.
    fn records(&self) -> Vec<Value> {
        self.stdout
            .lines()
            .map(|l| {
                serde_json::from_str(l)
                    .unwrap_or_else(|e| panic!("output line is not JSON ({e}): {l}"))
            })
            .collect()
    }
}

fn run(mut cmd: Command) -> Run {
    let out = cmd.output().expect("run the extract example");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// `extract --jsonl -` over `input` on stdin, plus `extra` arguments.
fn run_jsonl(input: impl Into<Vec<u8>>, extra: &[&str]) -> Run {
    let mut cmd = extract();
    cmd.args(["--jsonl", "-"])
        .args(extra)
        .write_stdin(input.into());
    run(cmd)
}

/// One JSONL document line (with its newline).
fn doc(id: Value, text: &str) -> String {
    format!("{}\n", json!({"id": id, "text": text}))
}

/// Quotes of a single text through `--jsonl`, with extra arguments.
fn quotes_of(text: &str, extra: &[&str]) -> Vec<Value> {
    let r = run_jsonl(doc(json!("t"), text), extra);
    assert_eq!(r.code, Some(0), "stderr: {}", r.stderr);
    let recs = r.records();
    assert_eq!(recs.len(), 1, "one record: {}", r.stdout);
    recs[0]["quotes"]
        .as_array()
        .expect("quotes is an array")
        .clone()
}

// ---------------------------------------------------------------------------
// Invented texts

const ARTICLE: &str = "Marlow Bay ferry to stop in March

The Marlow Bay ferry will stop running in March, its operator said on Friday.

\u{201c}We cannot keep a forty-year-old boat afloat on goodwill,\u{201d} said Tove Lindqvist, the operator's managing director. She said a new vessel would not arrive before 2028.
";

/// Two records from two rules: a direct quote, then reported speech.
const TWO_RULES: &str = "\u{201c}The roof will hold,\u{201d} said engineer Rasmus Vik. \
     Deputy mayor Ines Kowal said the repairs would start in May.";

const HARRUMPH_SENTENCE: &str = "\u{201c}The budget is a fantasy,\u{201d} the minister harrumphed.";

const HARRUMPH_RULES: &str = r#"
[[cue]]
lemma = "harrumph"
class = "speech"
finite = ["harrumphed"]
"#;

const BELIEF_SENTENCE: &str = "Farmer Ole Brandt believes the river will flood.";

// ---------------------------------------------------------------------------
// 1. The built-in sample

#[test]
fn no_arguments_lists_the_built_in_sample() {
    extract()
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Margit Solberg"))
        .stdout(predicate::str::contains("Ivo Renner"))
        .stdout(predicate::str::contains("Speakers:"))
        .stdout(predicate::str::contains("kind: direct"))
        .stderr("");
}

#[test]
fn help_has_examples_and_the_default_byte_limit() {
    extract()
        .arg("--help")
        .assert()
        .code(0)
        .stdout(predicate::str::contains("Examples:"))
        .stdout(predicate::str::contains("extract --jsonl docs.jsonl"))
        .stdout(predicate::str::contains("--max-bytes"))
        .stdout(predicate::str::contains("67108864"))
        .stdout(predicate::str::contains("Exit status"));
}

// ---------------------------------------------------------------------------
// 2. One article: a file or stdin; text, json and jsonl formats

#[test]
fn a_file_and_stdin_give_the_same_listing() {
    let path = tmp_file("article.txt", ARTICLE);
    let from_file = run({
        let mut c = extract();
        c.arg(&path);
        c
    });
    let from_stdin = run({
        let mut c = extract();
        c.arg("-").write_stdin(ARTICLE);
        c
    });
    assert_eq!(from_file.code, Some(0), "stderr: {}", from_file.stderr);
    assert_eq!(from_stdin.code, Some(0), "stderr: {}", from_stdin.stderr);
    assert!(
        from_file.stdout.contains("Tove Lindqvist"),
        "{}",
        from_file.stdout
    );
    assert!(from_file.stdout.contains("operator's managing director"));
    assert_eq!(from_file.stdout, from_stdin.stdout);
}

#[test]
fn format_json_is_the_full_analysis() {
    let path = tmp_file("article.txt", ARTICLE);
    let r = run({
        let mut c = extract();
        c.args(["--format", "json"]).arg(&path);
        c
    });
    assert_eq!(r.code, Some(0), "stderr: {}", r.stderr);
    let v: Value = serde_json::from_str(&r.stdout).expect("--format json output parses");
    let quotes = v["quotes"].as_array().expect("\"quotes\" is an array");
    let speakers = v["speakers"].as_array().expect("\"speakers\" is an array");
    assert!(quotes.len() >= 2, "{}", r.stdout);
    assert!(speakers.iter().any(|s| s["name"] == "Tove Lindqvist"));
    for q in quotes {
        let (start, end) = (as_usize(&q["start"]), as_usize(&q["end"]));
        assert_eq!(q["text"], ARTICLE[start..end], "text is text[start..end]");
        if let Some(s) = q["speaker"].as_object() {
            let i = as_usize(&s["index"]);
            assert_eq!(speakers[i]["name"], s["name"], "speaker.index points at it");
        }
    }
}

#[test]
fn format_jsonl_is_one_line() {
    let r = run({
        let mut c = extract();
        c.args(["--format", "jsonl", "-"]).write_stdin(ARTICLE);
        c
    });
    assert_eq!(r.code, Some(0), "stderr: {}", r.stderr);
    assert_eq!(r.stdout.lines().count(), 1, "{}", r.stdout);
    let recs = r.records();
    let quotes = recs[0]["quotes"].as_array().expect("quotes");
    assert!(quotes
        .iter()
        .any(|q| q["speaker"]["name"] == "Tove Lindqvist" && q["kind"] == "direct"));
}

fn as_usize(v: &Value) -> usize {
    let n = v.as_u64().unwrap_or_else(|| panic!("not an offset: {v}"));
    usize::try_from(n).expect("offset fits usize")
}

// ---------------------------------------------------------------------------
// 3. JSONL input: one line out per line in, in order, the full schema

#[test]
fn jsonl_writes_one_line_per_document_in_order_with_the_full_schema() {
    let texts = [
        (json!(3), TWO_RULES),
        (
            json!("b-7"),
            "The weather was mild and the harbour was quiet.",
        ),
        (json!(1), ARTICLE),
    ];
    let input: String = texts.iter().map(|(id, t)| doc(id.clone(), t)).collect();
    let r = run_jsonl(input, &[]);
    assert_eq!(r.code, Some(0), "stderr: {}", r.stderr);
    assert_eq!(r.stderr, "");
    let recs = r.records();
    assert_eq!(recs.len(), texts.len(), "{}", r.stdout);
    for (rec, (id, text)) in recs.iter().zip(&texts) {
        let obj = rec.as_object().expect("a record is an object");
        let keys: Vec<&str> = obj.keys().map(String::as_str).collect();
        assert_eq!(keys.len(), 2, "{rec}");
        assert!(keys.contains(&"id") && keys.contains(&"quotes"), "{rec}");
        assert_eq!(&rec["id"], id, "ids in input order");
        for q in rec["quotes"].as_array().expect("quotes") {
            check_quote_schema(q, text);
        }
    }
    assert_eq!(recs[0]["quotes"].as_array().map(Vec::len), Some(2));
    assert_eq!(recs[1]["quotes"], json!([]));
    assert!(!recs[2]["quotes"].as_array().expect("quotes").is_empty());

    let first = &recs[0]["quotes"][0];
    assert_eq!(first["kind"], "direct");
    assert_eq!(first["paraphrase"], false);
    assert_eq!(first["text"], "The roof will hold,");
    assert_eq!(first["speaker"]["name"], "Rasmus Vik");
    assert_eq!(first["speaker"]["role"], "engineer");
    assert_eq!(first["speaker"]["kind"], "person");
    assert_eq!(first["cue"]["text"], "said");
    assert_eq!(first["cue"]["lemma"], "say");
    let second = &recs[0]["quotes"][1];
    assert_eq!(second["kind"], "indirect");
    assert_eq!(second["paraphrase"], true);
    assert_eq!(second["text"], "the repairs would start in May");
    assert_eq!(second["speaker"]["name"], "Ines Kowal");
}

/// Every field the README's schema promises, with its type and invariants.
fn check_quote_schema(q: &Value, text: &str) {
    let kind = q["kind"].as_str().unwrap_or_else(|| panic!("kind: {q}"));
    assert!(["direct", "indirect", "mixed"].contains(&kind), "{q}");
    assert_eq!(q["paraphrase"], json!(kind != "direct"), "{q}");
    let (start, end) = (as_usize(&q["start"]), as_usize(&q["end"]));
    assert!(start <= end && end <= text.len(), "{q}");
    assert_eq!(q["text"], text[start..end], "{q}");
    assert!(q["rule"].as_str().is_some_and(|r| !r.is_empty()), "{q}");
    let c = q["confidence"]
        .as_f64()
        .unwrap_or_else(|| panic!("confidence: {q}"));
    assert!((0.0..=1.0).contains(&c), "{q}");

    let s = &q["speaker"];
    assert!(s.is_null() || s.is_object(), "{q}");
    if s.is_object() {
        assert!(s["name"].as_str().is_some(), "{q}");
        let (a, b) = (as_usize(&s["start"]), as_usize(&s["end"]));
        assert_eq!(s["mention"], text[a..b], "mention is text[start..end]: {q}");
        assert!(s["role"].is_null() || s["role"].is_string(), "{q}");
        let sk = s["kind"]
            .as_str()
            .unwrap_or_else(|| panic!("speaker.kind: {q}"));
        assert!(["person", "organization", "unknown"].contains(&sk), "{q}");
    }
    let cue = &q["cue"];
    assert!(cue.is_null() || cue.is_object(), "{q}");
    if cue.is_object() {
        let (a, b) = (as_usize(&cue["start"]), as_usize(&cue["end"]));
        assert_eq!(cue["text"], text[a..b], "cue is text[start..end]: {q}");
        assert!(cue["lemma"].as_str().is_some_and(|l| !l.is_empty()), "{q}");
    }
}

// ---------------------------------------------------------------------------
// 4. Failure semantics

const GOOD_A: &str = "\u{201c}The tide is late,\u{201d} said pilot Jonas Ek.";
const GOOD_B: &str = "Mari Holm, a skipper, said the nets were empty.";

/// Runs `good A`, then `bad`, then `good B` (when `bad` is not last), and
/// checks: exit 1; exactly one error record for the bad line (line 2) with
/// this id; the good lines processed; stderr naming line 2.
fn one_bad_line(bad: &[u8], bad_is_last: bool, id: Value, error_has: &str) -> Run {
    let mut input = doc(json!("a"), GOOD_A).into_bytes();
    input.extend_from_slice(bad);
    if !bad_is_last {
        input.extend_from_slice(doc(json!("b"), GOOD_B).as_bytes());
    }
    let r = run_jsonl(input, &[]);
    assert_eq!(
        r.code,
        Some(1),
        "exit 1 when a line failed; stderr: {}",
        r.stderr
    );
    let recs = r.records();
    let expected_lines = if bad_is_last { 2 } else { 3 };
    assert_eq!(
        recs.len(),
        expected_lines,
        "one output line per input line: {}",
        r.stdout
    );

    let err = &recs[1];
    let mut keys: Vec<&str> = err
        .as_object()
        .expect("an object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(keys, ["error", "id", "line"], "{err}");
    // On the wire the id comes first: {"id": ..., "line": N, "error": ...}.
    let raw = r.stdout.lines().nth(1).unwrap_or_default();
    assert!(raw.starts_with("{\"id\":"), "{raw}");
    assert_eq!(err["id"], id, "{err}");
    assert_eq!(err["line"], 2, "{err}");
    let msg = err["error"].as_str().expect("error is a string");
    assert!(
        msg.contains(error_has),
        "error {msg:?} should mention {error_has:?}"
    );
    let errors = recs.iter().filter(|r| r.get("error").is_some()).count();
    assert_eq!(errors, 1, "exactly one error record: {}", r.stdout);

    assert_eq!(recs[0]["id"], "a");
    assert_eq!(recs[0]["quotes"][0]["speaker"]["name"], "Jonas Ek");
    if !bad_is_last {
        assert_eq!(recs[2]["id"], "b");
        assert_eq!(recs[2]["quotes"][0]["speaker"]["name"], "Mari Holm");
    }
    assert!(
        r.stderr.contains("line 2"),
        "stderr names the line: {}",
        r.stderr
    );
    assert!(
        r.stderr.contains(msg),
        "stderr has the message: {}",
        r.stderr
    );
    assert_eq!(r.stderr.lines().count(), 1, "one message: {}", r.stderr);
    r
}

#[test]
fn a_malformed_json_line_is_one_error_record() {
    one_bad_line(
        b"{\"id\": 5, \"text\": \"x\",, }\n",
        false,
        json!(5),
        "not JSON",
    );
    one_bad_line(b"this is not json\n", false, Value::Null, "not JSON");
}

#[test]
fn a_line_without_text_is_one_error_record() {
    one_bad_line(
        b"{\"id\": \"no-text\", \"body\": \"Hello.\"}\n",
        false,
        json!("no-text"),
        "\"text\"",
    );
    one_bad_line(b"[1, 2]\n", false, Value::Null, "not a JSON object");
}

#[test]
fn a_non_string_text_is_one_error_record() {
    one_bad_line(
        b"{\"id\": 8, \"text\": 42}\n",
        false,
        json!(8),
        "not a string",
    );
    one_bad_line(
        b"{\"id\": 9, \"text\": null}\n",
        false,
        json!(9),
        "not a string",
    );
    one_bad_line(
        b"{\"id\": 10, \"text\": [\"A.\"]}\n",
        false,
        json!(10),
        "not a string",
    );
}

#[test]
fn invalid_utf8_is_one_error_record() {
    // The bad bytes come after the id, which is still reported.
    one_bad_line(
        b"{\"id\": 11, \"text\": \"caf\xff\xfe\"}\n",
        false,
        json!(11),
        "UTF-8",
    );
    // Bad bytes inside the id: no readable id.
    one_bad_line(
        b"{\"id\": \"x\xff\", \"text\": \"A.\"}\n",
        false,
        Value::Null,
        "UTF-8",
    );
}

#[test]
fn blank_lines_are_skipped() {
    let input = doc(json!("a"), "Eva Lund said the quay was shut.")
        + "\n   \r\n"
        + &doc(json!("b"), "Ola Berg said the ferry was late.")
        + "\n";
    let r = run_jsonl(input, &[]);
    assert_eq!(r.code, Some(0), "stderr: {}", r.stderr);
    let recs = r.records();
    assert_eq!(recs.len(), 2, "{}", r.stdout);
    assert_eq!(
        (recs[0]["id"].clone(), recs[1]["id"].clone()),
        (json!("a"), json!("b"))
    );
    assert!(r.stderr.is_empty(), "{}", r.stderr);
}

#[test]
fn a_truncated_last_line_is_one_error_record() {
    let r = one_bad_line(
        "{\"id\": 12, \"text\": \"\u{201c}Half a sent".as_bytes(),
        true,
        json!(12),
        "truncated",
    );
    assert!(r.stdout.ends_with('\n'), "the error record is a whole line");
    // Truncated inside the id itself: no id.
    one_bad_line(b"{\"id\": 1", true, Value::Null, "truncated");
}

#[test]
fn a_complete_last_line_without_newline_is_fine() {
    let mut input = doc(json!(1), GOOD_A);
    input.push_str(&json!({"id": 2, "text": GOOD_B}).to_string());
    let r = run_jsonl(input, &[]);
    assert_eq!(r.code, Some(0), "stderr: {}", r.stderr);
    let recs = r.records();
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[1]["quotes"][0]["speaker"]["name"], "Mari Holm");
}

#[test]
fn several_failures_each_get_their_line_and_the_rest_is_processed() {
    let mut input = Vec::new();
    input.extend_from_slice(doc(json!(1), GOOD_A).as_bytes());
    input.extend_from_slice(b"{oops}\n");
    input.extend_from_slice(b"\n");
    input.extend_from_slice(doc(json!(4), GOOD_B).as_bytes());
    input.extend_from_slice(b"{\"id\": 5, \"text\": \"\xc3\"}\n");
    input.extend_from_slice(b"{\"id\": 6}\n");
    input.extend_from_slice(doc(json!(7), GOOD_A).as_bytes());
    input.extend_from_slice(b"{\"id\": 8, \"text\": \"cut");
    let r = run_jsonl(input, &[]);
    assert_eq!(r.code, Some(1));
    let recs = r.records();
    // Line 3 is blank: skipped, no output line.
    assert_eq!(recs.len(), 7, "{}", r.stdout);
    let failed: Vec<(Value, Value)> = recs
        .iter()
        .filter(|r| r.get("error").is_some())
        .map(|r| (r["id"].clone(), r["line"].clone()))
        .collect();
    assert_eq!(
        failed,
        [
            (Value::Null, json!(2)),
            (json!(5), json!(5)),
            (json!(6), json!(6)),
            (json!(8), json!(8)),
        ]
    );
    for (i, id) in [(0, 1), (2, 4), (5, 7)] {
        assert_eq!(recs[i]["id"], id);
        assert_eq!(
            recs[i]["quotes"].as_array().map(Vec::len),
            Some(1),
            "{}",
            recs[i]
        );
    }
    for n in [2, 5, 6, 8] {
        assert!(
            r.stderr.contains(&format!("line {n}")),
            "stderr: {}",
            r.stderr
        );
    }
    assert_eq!(r.stderr.lines().count(), 4, "{}", r.stderr);
}

#[test]
fn exit_status_is_0_when_every_line_succeeds() {
    let input = doc(json!(1), GOOD_A) + &doc(json!(2), "") + &doc(json!(3), GOOD_B);
    let r = run_jsonl(input, &[]);
    assert_eq!(r.code, Some(0), "stderr: {}", r.stderr);
    assert_eq!(r.stderr, "");
    assert_eq!(r.records()[1], json!({"id": 2, "quotes": []}));
    // No input at all is no failure either.
    let r = run_jsonl("", &[]);
    assert_eq!((r.code, r.stdout.as_str()), (Some(0), ""));
}

#[test]
fn exit_status_is_2_when_nothing_can_be_read() {
    let missing = Path::new(env!("CARGO_TARGET_TMPDIR")).join("cli-tests/no-such-file.jsonl");
    let missing = missing.to_str().expect("UTF-8 path");
    for args in [vec!["--jsonl", missing], vec![missing]] {
        extract()
            .args(&args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("no-such-file.jsonl"));
    }
    // A directory opens but cannot be read.
    let dir = env!("CARGO_TARGET_TMPDIR");
    for args in [vec!["--jsonl", dir], vec![dir]] {
        extract()
            .args(&args)
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("cannot read"));
    }
}

#[test]
fn ids_are_echoed_as_given() {
    let input = "{\"id\": 42, \"text\": \"\"}\n\
                 {\"id\": \"doc-\\u00e9\", \"text\": \"\"}\n\
                 {\"id\": 12345678901234567890123, \"text\": \"\"}\n\
                 {\"id\": 1.50, \"text\": \"\"}\n\
                 {\"id\": -3, \"text\": 0}\n\
                 {\"text\": \"\"}\n\
                 {\"id\": [1, \"x\"], \"text\": \"\"}\n";
    let r = run_jsonl(input, &[]);
    assert_eq!(r.code, Some(1), "the line with text 0 fails");
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 7);
    assert!(lines[0].starts_with("{\"id\":42,"), "{}", lines[0]);
    assert!(
        lines[1].starts_with("{\"id\":\"doc-\\u00e9\","),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with("{\"id\":12345678901234567890123,"),
        "big numbers keep every digit: {}",
        lines[2]
    );
    assert!(lines[3].starts_with("{\"id\":1.50,"), "{}", lines[3]);
    assert!(
        lines[4].starts_with("{\"id\":-3,\"line\":5,"),
        "{}",
        lines[4]
    );
    assert!(lines[5].starts_with("{\"id\":null,"), "{}", lines[5]);
    assert!(lines[6].starts_with("{\"id\":[1,\"x\"],"), "{}", lines[6]);
    let recs = r.records();
    assert_eq!(recs[1]["id"], "doc-\u{e9}");
}

// ---------------------------------------------------------------------------
// 5. --max-bytes

#[test]
fn a_document_over_max_bytes_is_an_error_and_the_run_goes_on() {
    let long = "\u{201c}The quay is closed,\u{201d} said harbour master Eva Lund.";
    let fits = "Eva Lund said the quay was shut.";
    assert!(fits.len() <= 40 && long.len() > 40);
    let exact = "a".repeat(40);
    let input = doc(json!("fits"), fits) + &doc(json!("long"), long) + &doc(json!("exact"), &exact);
    let r = run_jsonl(input.clone(), &["--max-bytes", "40"]);
    assert_eq!(r.code, Some(1), "stderr: {}", r.stderr);
    let recs = r.records();
    assert_eq!(recs.len(), 3);
    assert_eq!(recs[0]["quotes"].as_array().map(Vec::len), Some(1));
    assert_eq!(recs[1]["id"], "long");
    assert_eq!(recs[1]["line"], 2);
    let msg = recs[1]["error"].as_str().expect("an error record");
    assert!(msg.contains("exceeds the limit"), "{msg}");
    assert!(msg.contains("40"), "{msg}");
    assert_eq!(
        recs[2],
        json!({"id": "exact", "quotes": []}),
        "exactly N bytes is fine"
    );
    assert!(r.stderr.contains("line 2"), "{}", r.stderr);

    // The default limit (64 MiB) lets all of them through.
    let r = run_jsonl(input, &[]);
    assert_eq!(r.code, Some(0), "stderr: {}", r.stderr);
}

#[test]
fn a_single_article_over_max_bytes_is_an_error() {
    extract()
        .args(["--max-bytes", "10", "-"])
        .write_stdin(ARTICLE)
        .assert()
        .code(1)
        .stdout("")
        .stderr(predicate::str::contains("exceeds the limit"));
    let r = run({
        let mut c = extract();
        c.args(["--max-bytes", "10", "--format", "json", "-"])
            .write_stdin(ARTICLE);
        c
    });
    assert_eq!(r.code, Some(1));
    let v: Value = serde_json::from_str(&r.stdout).expect("a JSON error record");
    assert!(v["error"]
        .as_str()
        .is_some_and(|m| m.contains("exceeds the limit")));
}

// ---------------------------------------------------------------------------
// 6. A closed output pipe

#[test]
fn a_broken_pipe_ends_quietly() {
    let line = doc(json!(0), TWO_RULES);
    let input = line.repeat(4000); // several MB of output
    let path = tmp_file("many.jsonl", input);
    for args in [vec!["--jsonl"], vec!["--format", "json"]] {
        let mut child = std::process::Command::new(extract_bin())
            .args(&args)
            .arg(&path)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn extract");
        let mut stdout = child.stdout.take().expect("piped stdout");
        let mut first = [0u8; 10];
        stdout.read_exact(&mut first).expect("read the first bytes");
        drop(stdout); // like `| head -c 10`
        let mut stderr = String::new();
        child
            .stderr
            .take()
            .expect("piped stderr")
            .read_to_string(&mut stderr)
            .expect("read stderr");
        let status = child.wait().expect("wait for extract");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(stderr, "", "{args:?}: nothing on stderr");
        assert_eq!(status.code(), Some(0), "{args:?}: {status}");
    }
}

// ---------------------------------------------------------------------------
// 7. Rule options

#[test]
fn a_rule_file_adds_a_cue() {
    // Without the file the verb is no cue: the speaker after the quotation
    // is kept by the fallback for unlisted verbs, with no cue.
    let plain = quotes_of(HARRUMPH_SENTENCE, &[]);
    assert!(
        plain
            .iter()
            .all(|q| q["cue"] == Value::Null && q["rule"] == "quote-speaker-verb"),
        "not built in: {plain:?}"
    );
    let rules = tmp_file("harrumph.toml", HARRUMPH_RULES);
    let rules = rules.to_str().expect("UTF-8 path");
    let quotes = quotes_of(HARRUMPH_SENTENCE, &["--rules", rules]);
    assert_eq!(quotes.len(), 1, "{quotes:?}");
    let q = &quotes[0];
    assert_eq!(q["text"], "The budget is a fantasy,");
    assert_eq!(q["speaker"]["name"], "minister");
    assert_eq!(q["cue"]["text"], "harrumphed");
    assert_eq!(q["cue"]["lemma"], "harrumph");
    assert_eq!(q["cue"]["class"], "speech");

    // The same in the text listing.
    extract()
        .args(["--rules", rules, "-"])
        .write_stdin(HARRUMPH_SENTENCE)
        .assert()
        .code(0)
        .stdout(predicate::str::contains("harrumphed (harrumph)"));
}

#[test]
fn disabling_the_rule_that_fired_removes_exactly_its_record() {
    let all = quotes_of(TWO_RULES, &[]);
    assert_eq!(all.len(), 2, "{all:?}");
    // The rule of the second record (reported speech). Switching off the
    // first record's rule is no clean test: a lower-priority rule takes the
    // same quotation over.
    let fired = all[1]["rule"].as_str().expect("a rule id").to_string();
    assert_ne!(
        all[0]["rule"],
        fired.as_str(),
        "the two records come from two rules"
    );
    let without = quotes_of(TWO_RULES, &["--disable-rule", &fired]);
    assert_eq!(without, all[..1], "only the record of {fired} goes");

    // An id no rule has is an error.
    extract()
        .args(["--disable-rule", "no-such-rule"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("no-such-rule"));
}

#[test]
fn cue_classes_can_add_beliefs() {
    assert_eq!(quotes_of(BELIEF_SENTENCE, &[]), Vec::<Value>::new());
    let quotes = quotes_of(BELIEF_SENTENCE, &["--cue-classes", "speech,belief"]);
    assert_eq!(quotes.len(), 1, "{quotes:?}");
    assert_eq!(quotes[0]["text"], "the river will flood");
    assert_eq!(quotes[0]["kind"], "indirect");
    assert_eq!(quotes[0]["speaker"]["name"], "Ole Brandt");
    assert_eq!(quotes[0]["cue"]["class"], "belief");
}

#[test]
fn a_rule_file_with_an_invalid_pattern_fails_before_any_output() {
    let bad = tmp_file(
        "bad-pattern.toml",
        r#"
[[rule]]
id = "typo-in-speaker"
yields = "direct"
pattern = "^ {quote} ,? {cue} {speeker}"
"#,
    );
    let bad = bad.to_str().expect("UTF-8 path");
    let input = doc(json!(1), GOOD_A);
    for args in [vec![], vec!["--jsonl", "-"], vec!["--format", "json", "-"]] {
        extract()
            .args(["--rules", bad])
            .args(&args)
            .write_stdin(input.clone())
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains("bad-pattern.toml"))
            .stderr(predicate::str::contains("typo-in-speaker"))
            .stderr(predicate::str::contains("speeker"));
    }
    // A rule file that does not exist.
    extract()
        .args(["--rules", "no-such-rules.toml"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("no-such-rules.toml"));
}

#[test]
fn an_unknown_cue_class_fails_before_any_output() {
    extract()
        .args(["--cue-classes", "speech,gossip"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("gossip"));
}

#[test]
fn explain_shows_the_rule_and_its_pattern_for_each_record() {
    let all = quotes_of(TWO_RULES, &[]);
    let ex = whosaid::Extractor::new();
    let out = extract()
        .args(["--explain", "-"])
        .write_stdin(TWO_RULES)
        .assert()
        .code(0)
        .get_output()
        .stdout
        .clone();
    let out = String::from_utf8(out).expect("UTF-8");
    for q in &all {
        let id = q["rule"].as_str().expect("a rule id");
        let pattern = ex.rule_pattern(id).expect("a built-in rule has a pattern");
        let line = format!("rule {id}: {pattern}");
        assert!(out.contains(&line), "missing {line:?} in:\n{out}");
    }
    assert_eq!(out.matches("{speaker} bytes").count(), 2, "{out}");
}

#[test]
fn a_file_and_jsonl_together_are_a_usage_error() {
    extract()
        .args(["--jsonl", "a.jsonl", "b.txt"])
        .assert()
        .code(2)
        .stdout("");
}

/// The text listing puts marks only around direct quotes; reported speech is
/// shown as it stands.
#[test]
fn the_text_listing_marks_only_direct_quotes() {
    let r = run({
        let mut c = extract();
        c.arg("-").write_stdin(
            "Ann Lorne said the pier was closed. \u{201c}It is unsafe,\u{201d} she added.",
        );
        c
    });
    assert_eq!(r.code, Some(0), "stderr: {}", r.stderr);
    assert!(
        r.stdout.contains("\n     the pier was closed\n"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout.contains("\n     \u{201c}It is unsafe,\u{201d}\n"),
        "{}",
        r.stdout
    );
}

#[test]
fn a_document_over_the_section_size_keeps_every_record() {
    // An archive of one invented article repeated past 4 MiB: analysed a
    // section at a time, it gives every article's records, at offsets into
    // the whole text.
    let article = "\u{201c}The quay is closed,\u{201d} said harbour master Eva Lund.\n\n\
                   Lund said the ferry would run again in May.\n\n";
    let one = quotes_of(article, &[]).len();
    assert_eq!(one, 2);
    let n = (whosaid::DEFAULT_SECTION_BYTES + 3000) / article.len();
    let text = article.repeat(n);
    let r = run_jsonl(doc(json!("archive"), &text), &[]);
    assert_eq!(r.code, Some(0), "stderr: {}", r.stderr);
    let recs = r.records();
    assert_eq!(recs.len(), 1);
    let quotes = recs[0]["quotes"].as_array().expect("quotes");
    assert_eq!(quotes.len(), one * n);
    let mut last = 0;
    for q in quotes {
        let (s, e) = (as_usize(&q["start"]), as_usize(&q["end"]));
        assert!(s >= last);
        last = s;
        assert_eq!(&text[s..e], q["text"].as_str().expect("text"));
        assert_eq!(q["speaker"]["name"], "Eva Lund");
    }
    // The same text as one article file, written as JSONL: the same records.
    let file = tmp_file("archive.txt", &text);
    let r = run({
        let mut c = extract();
        c.arg(&file).arg("--format").arg("jsonl");
        c
    });
    assert_eq!(r.code, Some(0), "stderr: {}", r.stderr);
    let single = r.records();
    assert_eq!(single.len(), 1);
    assert_eq!(&single[0]["quotes"], &recs[0]["quotes"]);
}

/// `text` as a JSON string literal with every escape JSON has: `\u` for
/// each non-ASCII character (a surrogate pair beyond the BMP), the short
/// escapes, and `\/` for each slash.
fn escaped_literal(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' => out.push_str("\\/"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            ' '..='~' => out.push(c),
            _ => {
                for unit in c.encode_utf16(&mut [0; 2]) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
    out
}

#[test]
fn a_long_text_full_of_escapes_decodes_as_the_library_reads_it() {
    // Over a megabyte, so that the CLI decodes it in several pieces, with
    // escapes of every kind next to the spaces it may cut at.
    let article = "\u{201c}The quay\t is closed \u{1f6a2},\u{201d} said harbour master \
                   \u{c9}va Lund \\ \"port/east\" \u{1f30a} \\\\ .\n\n\
                   Lund said the ferry would run again in May.\n\n";
    let text = article.repeat((1 << 20) / article.len() + 50);
    let line = format!("{{\"id\":\"esc\",\"text\":{}}}\n", escaped_literal(&text));
    let decoded: String = serde_json::from_str::<Value>(&line).expect("valid JSON")["text"]
        .as_str()
        .expect("text")
        .to_string();
    assert_eq!(decoded, text);
    let r = run_jsonl(line, &[]);
    assert_eq!(r.code, Some(0), "stderr: {}", r.stderr);
    let recs = r.records();
    let got: Vec<(usize, usize, String)> = recs[0]["quotes"]
        .as_array()
        .expect("quotes")
        .iter()
        .map(|q| {
            (
                as_usize(&q["start"]),
                as_usize(&q["end"]),
                q["text"].as_str().expect("text").to_string(),
            )
        })
        .collect();
    let mut want = Vec::new();
    whosaid::Extractor::new().analyze_sections(&text, whosaid::DEFAULT_SECTION_BYTES, |a| {
        want.extend(a.quotes.into_iter().map(|q| (q.start, q.end, q.text)));
    });
    assert!(want.len() > 1000, "{}", want.len());
    assert_eq!(got, want);
}

#[test]
fn a_long_line_is_judged_by_its_text() {
    // A line over the section size whose text is short (the rest is another
    // field) gives the records of the text alone; a long text over
    // --max-bytes gets the usual error record.
    let filler = "x ".repeat(whosaid::DEFAULT_SECTION_BYTES);
    let line = serde_json::to_string(&json!({"id": 1, "notes": filler, "text": GOOD_A}))
        .expect("json")
        + "\n";
    let r = run_jsonl(line, &[]);
    assert_eq!(r.code, Some(0), "stderr: {}", r.stderr);
    let recs = r.records();
    assert_eq!(recs[0]["quotes"], json!(quotes_of(GOOD_A, &[])));
    let text = GOOD_B.repeat(whosaid::DEFAULT_SECTION_BYTES / GOOD_B.len() + 10);
    let limit = (text.len() - 1).to_string();
    let r = run_jsonl(doc(json!(2), &text), &["--max-bytes", &limit]);
    assert_eq!(r.code, Some(1));
    let recs = r.records();
    let msg = recs[0]["error"].as_str().expect("error");
    assert_eq!(
        msg,
        format!(
            "the text is {} bytes, which exceeds the limit of {limit} bytes (--max-bytes)",
            text.len()
        )
    );
}

#[test]
fn explain_is_for_a_single_article() {
    let r = run_jsonl(doc(json!(1), GOOD_A), &["--explain"]);
    assert_eq!(r.code, Some(2));
    assert!(r.stderr.contains("--explain"), "{}", r.stderr);
}

#[test]
fn check_rules_runs_every_rules_examples() {
    let r = run({
        let mut c = extract();
        c.arg("--check-rules");
        c
    });
    assert_eq!(r.code, Some(0), "stderr: {}", r.stderr);
    assert!(
        r.stdout.contains("every example gives its record"),
        "{}",
        r.stdout
    );
    // A user's rule whose example names the wrong speaker fails the check.
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/grumble.toml");
    let r = run({
        let mut c = extract();
        c.arg("--check-rules").arg("--rules").arg(&rules);
        c
    });
    assert_eq!(r.code, Some(1), "stderr: {}", r.stderr);
    assert!(r.stderr.contains("grumbled-colon-quote"), "{}", r.stderr);
    assert!(r.stderr.contains("Rask Odd"), "{}", r.stderr);
}
