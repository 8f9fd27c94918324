//! Fuzzes `Extractor::extract` on arbitrary UTF-8 (invalid bytes are
//! replaced, so every input reaches the pipeline) and checks the promises of
//! `record.rs`: spans in bounds and on character boundaries, `text` equal to
//! its span, records in order and non-overlapping, speaker and cue outside
//! the content of their record, the same output on a second run, and the
//! same records for the text when two paragraphs follow it (up to the
//! speaker's article-wide name, role, kind and index).
#![no_main]

use libfuzzer_sys::fuzz_target;
use whosaid::{Extractor, Quote};

fn check(text: &str, quotes: &[Quote]) {
    let ok = |a: usize, b: usize| a <= b && text.get(a..b).is_some();
    let mut prev_end = 0;
    for q in quotes {
        assert!(ok(q.start, q.end), "content span {}..{}", q.start, q.end);
        assert_eq!(q.text, &text[q.start..q.end]);
        assert!(q.start >= prev_end, "records overlap or are out of order");
        prev_end = q.end;
        assert!((0.0..=1.0).contains(&q.confidence));
        if let Some(s) = &q.speaker {
            assert!(ok(s.start, s.end), "speaker span {}..{}", s.start, s.end);
            assert_eq!(s.mention, &text[s.start..s.end]);
            assert!(
                s.end <= q.start || s.start >= q.end,
                "speaker inside the content"
            );
        }
        if let Some(c) = &q.cue {
            assert!(ok(c.start, c.end), "cue span {}..{}", c.start, c.end);
            assert_eq!(c.text, &text[c.start..c.end]);
            assert!(
                c.end <= q.start || c.start >= q.end,
                "cue inside the content"
            );
        }
    }
}

/// What text appended after a document may not change in its records.
#[allow(clippy::type_complexity)]
fn shape(
    q: &Quote,
) -> (
    String,
    usize,
    usize,
    String,
    Option<(usize, usize)>,
    Option<(usize, usize)>,
) {
    (
        format!("{:?}", q.kind),
        q.start,
        q.end,
        q.rule.clone(),
        q.speaker.as_ref().map(|s| (s.start, s.end)),
        q.cue.as_ref().map(|c| (c.start, c.end)),
    )
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let ex = Extractor::new();
    let a = ex.analyze(&text);
    check(&text, &a.quotes);
    for q in &a.quotes {
        if let Some(s) = &q.speaker {
            assert!(s.index < a.speakers.len() || s.index == usize::MAX);
        }
    }
    assert_eq!(ex.analyze(&text), a, "two runs differ");
    let long = format!("{text}\n\nX\n\nY...");
    let head: Vec<_> = ex
        .extract(&long)
        .iter()
        .filter(|q| q.start < text.len())
        .map(shape)
        .collect();
    let alone: Vec<_> = a.quotes.iter().map(shape).collect();
    assert_eq!(head, alone, "appended paragraphs changed the records");
});
