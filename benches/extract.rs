//! Benchmarks: `cargo bench` (all groups) or `cargo bench -- polnear` (one).
//!
//! - `extract`: [`Extractor::extract`] on three invented fixture articles in
//!   `benches/fixtures/` (short ~1 KB, quote-heavy ~5 KB, long ~20 KB);
//! - `build`: compiling the built-in rules and lexicon with the builder;
//! - `polnear`: every article of `../shared/corpus/polnear/train.jsonl` in one
//!   pass, when that file exists (skipped with a note otherwise);
//! - `scaling`: the fixture articles one by one (`articles`) and the long
//!   one alone (`article`) against single documents of 1 MB and 10 MB made
//!   of the fixture articles joined with blank lines, so the time per MB
//!   shows whether a long document costs more than its length (the 10 MB
//!   one also through `analyze_sections`, `10MB_sections`);
//! - `scaling_news`: the same question on real news, when the PolNeAR file
//!   exists: its articles one by one against single documents of about
//!   10 MB and 100 MB made of those articles joined with blank lines (the
//!   corpus repeated), each whole (`extract`) and in sections
//!   (`analyze_sections` with `DEFAULT_SECTION_BYTES`, as the CLI reads
//!   long documents); a whole 100 MB pass takes seconds and about 1 GB;
//! - `worst_case`: 1 MB of each of seven inputs that no article looks like
//!   (only `"`; only `“`, never closed; news text with no line break;
//!   capitalised words; `said said said`), to catch any input that costs far
//!   more per MB than news text;
//! - `batch`: the PolNeAR articles through an `extract` loop against
//!   [`Extractor::extract_batch`] (all cores with the `rayon` feature), when
//!   the file exists; both keep every list of records, and the time to drop
//!   them afterwards (on one thread) is not counted in either.
//!
//! Every group reports bytes per second (criterion's `thrpt`). Sample sizes
//! are kept small so a full run takes a few minutes on 2 cores.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{
    criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode, Throughput,
};
use serde_json::Value;
use whosaid::{Extractor, DEFAULT_SECTION_BYTES};

const FIXTURES: [(&str, &str); 3] = [
    ("short", include_str!("fixtures/short.txt")),
    ("quotes", include_str!("fixtures/quotes.txt")),
    ("long", include_str!("fixtures/long.txt")),
];

const POLNEAR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../shared/corpus/polnear/train.jsonl"
);

fn extract(c: &mut Criterion) {
    let ex = Extractor::new();
    let mut group = c.benchmark_group("extract");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for (name, text) in FIXTURES {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), text, |b, text| {
            b.iter(|| ex.extract(black_box(text)))
        });
    }
    group.finish();
}

fn build(c: &mut Criterion) {
    let mut group = c.benchmark_group("build");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    group.bench_function("builtin", |b| {
        b.iter(|| {
            Extractor::builder()
                .build()
                .expect("built-in rules compile")
        })
    });
    group.finish();
}

/// The "text" of every line of the PolNeAR training file, or `None` when the
/// file is not there.
fn polnear_texts() -> Option<Vec<String>> {
    let path = Path::new(POLNEAR);
    let data = std::fs::read_to_string(path).ok()?;
    let texts = data
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| {
            let v: Value = serde_json::from_str(l).ok()?;
            v.get("text")?.as_str().map(str::to_owned)
        })
        .collect();
    Some(texts)
}

/// A group whose iterations are passes over many documents or one long
/// one (up to seconds): flat sampling, criterion's minimum of ten samples.
/// If a pass takes longer than a tenth of the target time criterion warns
/// "Unable to complete 10 samples" and runs ten passes anyway, which is
/// expected.
fn corpus_group<'c>(
    c: &'c mut Criterion,
    name: &str,
) -> criterion::BenchmarkGroup<'c, criterion::measurement::WallTime> {
    let mut group = c.benchmark_group(name);
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    group
}

/// Benchmarks, as `name` in `group`, one pass of [`Extractor::extract`]
/// over each of `texts` in turn, with the texts' bytes as its throughput.
fn extract_loop(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    ex: &Extractor,
    name: &str,
    texts: &[String],
) {
    let bytes: usize = texts.iter().map(String::len).sum();
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function(name, |b| {
        b.iter(|| {
            texts
                .iter()
                .map(|t| ex.extract(black_box(t)).len())
                .sum::<usize>()
        })
    });
}

fn polnear(c: &mut Criterion) {
    let Some(texts) = polnear_texts() else {
        println!("polnear: skipped, {POLNEAR} not found");
        return;
    };
    let ex = Extractor::new();
    let bytes: usize = texts.iter().map(String::len).sum();
    println!("polnear: {} articles, {bytes} bytes", texts.len());
    let mut group = corpus_group(c, "polnear");
    extract_loop(&mut group, &ex, "train", &texts);
    group.finish();
}

/// News text of at least `bytes` bytes: the fixture articles, in turn,
/// joined with blank lines (one long document, many stories).
fn news(bytes: usize) -> String {
    let mut s = String::with_capacity(bytes + 20_000);
    for (_, article) in FIXTURES.iter().cycle() {
        if s.len() >= bytes {
            break;
        }
        if !s.is_empty() {
            s.push_str("\n\n");
        }
        s.push_str(article.trim_end());
    }
    s
}

/// `unit` repeated to `bytes` bytes (or just under).
fn repeat_to(unit: &str, bytes: usize) -> String {
    unit.repeat(bytes / unit.len())
}

const MB: usize = 1_000_000;

/// Benchmarks `extract` on each named text, with its throughput in bytes,
/// in `group`.
fn extract_each(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    ex: &Extractor,
    texts: &[(&str, String)],
) {
    for (name, text) in texts {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), text, |b, text| {
            b.iter(|| ex.extract(black_box(text)).len())
        });
    }
}

/// Benchmarks [`Extractor::analyze_sections`] on `doc` with the default
/// section size, the library's way through texts far longer than an
/// article (the CLI's too), with its throughput in bytes.
fn sections(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    ex: &Extractor,
    name: &str,
    doc: &str,
) {
    group.throughput(Throughput::Bytes(doc.len() as u64));
    group.bench_with_input(BenchmarkId::from_parameter(name), doc, |b, doc| {
        b.iter(|| {
            let mut n = 0;
            ex.analyze_sections(black_box(doc), DEFAULT_SECTION_BYTES, |a| {
                n += a.quotes.len()
            });
            n
        })
    });
}

fn scaling(c: &mut Criterion) {
    let ex = Extractor::new();
    let mut group = c.benchmark_group("scaling");
    // One pass over 10 MB takes about a second: flat sampling, ten passes.
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    // The fixture articles one by one, in the proportions of the joined
    // documents (one of each in turn): the time per MB they are held to.
    let articles: Vec<String> = FIXTURES.iter().map(|(_, a)| a.trim_end().into()).collect();
    extract_loop(&mut group, &ex, "articles", &articles);
    let docs = [
        ("article", FIXTURES[2].1.to_string()),
        ("1MB", news(MB)),
        ("10MB", news(10 * MB)),
    ];
    extract_each(&mut group, &ex, &docs);
    sections(&mut group, &ex, "10MB_sections", &docs[2].1);
    group.finish();
}

fn worst_case(c: &mut Criterion) {
    let ex = Extractor::new();
    let mut group = c.benchmark_group("worst_case");
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2));
    let one_line: String = FIXTURES
        .iter()
        .map(|(_, a)| a.replace('\n', " "))
        .collect::<Vec<_>>()
        .join(" ");
    let cases = [
        // The baseline: 1 MB of news text, as in `scaling/1MB`.
        ("news", news(MB)),
        ("straight_marks", repeat_to("\"", MB)),
        ("open_marks_unclosed", repeat_to("\u{201c}", MB)),
        ("no_newline", repeat_to(&(one_line + " "), MB)),
        (
            "capitalised_words",
            repeat_to(
                "Alder Birch Cedar Dogwood Elm Fir Ginkgo Hazel Ivy Juniper ",
                MB,
            ),
        ),
        ("said_said_said", repeat_to("said ", MB)),
        // Quotation marks nested ever deeper, double inside single inside double.
        ("nested_marks", repeat_to("\u{201c}a \u{2018}b ", MB)),
        // NUL and other control characters between the words of a quote.
        (
            "control_chars",
            repeat_to(
                "\u{201c}Go\u{0}\u{7} home,\u{1b}\u{201d} she\u{0} said.\u{8} ",
                MB,
            ),
        ),
    ];
    extract_each(&mut group, &ex, &cases);
    group.finish();
}

fn scaling_news(c: &mut Criterion) {
    let Some(texts) = polnear_texts() else {
        println!("scaling_news: skipped, {POLNEAR} not found");
        return;
    };
    let ex = Extractor::new();
    let trimmed: Vec<&str> = texts.iter().map(|t| t.trim_end()).collect();
    let corpus = trimmed.join("\n\n");
    let joined = |mb: usize| {
        let copies = (mb * MB).div_ceil(corpus.len() + 2);
        vec![corpus.as_str(); copies].join("\n\n")
    };
    let mut group = corpus_group(c, "scaling_news");
    extract_loop(&mut group, &ex, "articles", &texts);
    for (name, mb) in [("10MB", 10), ("100MB", 100)] {
        let doc = joined(mb);
        group.throughput(Throughput::Bytes(doc.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), &doc, |b, doc| {
            b.iter(|| ex.extract(black_box(doc)).len())
        });
        sections(&mut group, &ex, &format!("{name}_sections"), &doc);
    }
    group.finish();
}

fn batch(c: &mut Criterion) {
    let Some(texts) = polnear_texts() else {
        println!("batch: skipped, {POLNEAR} not found");
        return;
    };
    let ex = Extractor::new();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let mut group = corpus_group(c, "batch");
    group.throughput(Throughput::Bytes(bytes as u64));
    // Both make every document's list of records and hand them all back;
    // dropping them is left out of both timings (`iter_with_large_drop`),
    // as it runs on one thread after either.
    group.bench_function("loop", |b| {
        b.iter_with_large_drop(|| {
            refs.iter()
                .map(|t| ex.extract(black_box(t)))
                .collect::<Vec<_>>()
        })
    });
    group.bench_function("extract_batch", |b| {
        b.iter_with_large_drop(|| ex.extract_batch(black_box(&refs)))
    });
    group.finish();
}

criterion_group!(
    benches,
    extract,
    build,
    polnear,
    scaling,
    scaling_news,
    worst_case,
    batch
);
criterion_main!(benches);
