//! Regression tests: each input here once broke a promise of `extract` (found
//! by the property tests in `tests/properties.rs` or the fuzzers in `fuzz/`),
//! cut down to a minimal case.

use whosaid::{Extractor, Quote};

fn extract(text: &str) -> Vec<Quote> {
    Extractor::new().extract(text)
}

/// Records of `doc + suffix` that start inside `doc`.
fn head(doc: &str, suffix: &str) -> Vec<Quote> {
    let long = format!("{doc}{suffix}");
    extract(&long)
        .into_iter()
        .filter(|q| q.start < doc.len())
        .collect()
}

/// A paragraph of a stray closing mark alone (`\n »\n\n`) gave two paragraph
/// breaks before the same token; the sentence splitter then missed every
/// later break, so a rule matched across paragraphs and a quote of one
/// paragraph became part of a mixed record of the next (found by
/// `properties::two_plain_paragraphs_after_the_document_change_nothing`).
#[test]
fn a_stray_mark_alone_on_a_line_keeps_later_paragraph_breaks() {
    let doc = "A said: « B b.\n »\n\n“C c.‘";
    let quotes = extract(&format!("{doc}\n\nX “D d,” said Ann."));
    let texts: Vec<&str> = quotes.iter().map(|q| q.text.as_str()).collect();
    assert_eq!(texts, ["C c.‘", "X “D d,”"]);
    assert_eq!(quotes[0].rule, "orphan");
    assert_eq!(head(doc, "\n\nX\n\nY..."), extract(doc));
}
