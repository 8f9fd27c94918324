//! Benchmarks: `cargo bench` (all groups) or `cargo bench -- polnear` (one).
//!
//! - `extract`: [`Extractor::extract`] on three invented fixture articles in
//!   `benches/fixtures/` (short ~1 KB, quote-heavy ~5 KB, long ~20 KB);
//! - `build`: compiling the built-in rules and lexicon with the builder;
//! - `polnear`: every article of `../shared/corpus/polnear/train.jsonl` in one
//!   pass, when that file exists (skipped with a note otherwise).
//!
//! Sample sizes are kept small so a full run takes a couple of minutes.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{
    criterion_group, criterion_main, BenchmarkId, Criterion, SamplingMode, Throughput,
};
use serde_json::Value;
use whosaid::Extractor;

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

fn polnear(c: &mut Criterion) {
    let Some(texts) = polnear_texts() else {
        println!("polnear: skipped, {POLNEAR} not found");
        return;
    };
    let ex = Extractor::new();
    let bytes: usize = texts.iter().map(String::len).sum();
    println!("polnear: {} articles, {bytes} bytes", texts.len());
    let mut group = c.benchmark_group("polnear");
    // One iteration is a pass over the whole corpus (about 4 s on 2 cores):
    // flat sampling, criterion's minimum of ten samples, one pass each. A
    // target time under ten passes keeps it to ten passes; criterion then
    // warns "Unable to complete 10 samples", which is expected.
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(15));
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("train", |b| {
        b.iter(|| {
            texts
                .iter()
                .map(|t| ex.extract(black_box(t)).len())
                .sum::<usize>()
        })
    });
    group.finish();
}

criterion_group!(benches, extract, build, polnear);
criterion_main!(benches);
