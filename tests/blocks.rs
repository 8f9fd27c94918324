//! Long texts run through the stages after tokens a block of paragraphs at a
//! time (`ExtractorBuilder::block_tokens`); the records must be those of one
//! block of all, whatever the block size.

use whosaid::{Analysis, Extractor, QuoteKind, RULE_FOLLOW_UP};

/// An invented article whose records lean on paragraphs before them: a
/// follow-up quotation, a quotation over two paragraphs, pronouns.
const ARTICLE: &str = "“We will rebuild the bridge,” said Ines Varga, the mayor of Tidewell.

“It will take two years.”

“The first part of the plan is money.

“The second part is time,” Varga added.

She said the council agreed.

Harbour pilot Tomas Brek disagreed. He said the river was too fast.";

fn with_blocks(n: usize) -> Extractor {
    Extractor::builder()
        .block_tokens(n)
        .build()
        .expect("builds")
}

fn check_article(a: &Analysis) {
    let names: Vec<_> = a
        .quotes
        .iter()
        .map(|q| q.speaker.as_ref().map(|s| s.name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            Some("Ines Varga"),
            Some("Ines Varga"),
            Some("Ines Varga"),
            Some("Ines Varga"),
            Some("Tomas Brek")
        ]
    );
    assert_eq!(a.quotes[1].rule, RULE_FOLLOW_UP);
    let two_paragraphs = &a.quotes[2];
    assert_eq!(two_paragraphs.kind, QuoteKind::Direct);
    assert!(two_paragraphs.text.starts_with("The first part"));
    assert!(two_paragraphs.text.ends_with("The second part is time,"));
    assert_eq!(a.quotes[3].speaker.as_ref().unwrap().mention, "She");
    assert_eq!(a.quotes[4].speaker.as_ref().unwrap().mention, "He");
    assert_eq!(a.speakers.len(), 2);
    assert_eq!(a.speakers[0].role.as_deref(), Some("mayor of Tidewell"));
}

#[test]
fn every_paragraph_a_block_gives_the_records_of_one_block() {
    let whole = with_blocks(usize::MAX).analyze(ARTICLE);
    check_article(&whole);
    for n in [1, 2, 5, 40] {
        assert_eq!(
            with_blocks(n).analyze(ARTICLE),
            whole,
            "blocks of {n} tokens"
        );
    }
    assert_eq!(Extractor::new().analyze(ARTICLE), whole);
}

#[test]
fn a_long_text_in_default_blocks_gives_the_records_of_one_block() {
    // Some 55,000 tokens: three default blocks.
    let text = vec![ARTICLE; 800].join("\n\n");
    let whole = with_blocks(usize::MAX).analyze(&text);
    assert_eq!(whole.quotes.len(), 5 * 800);
    // The same two people all along: coreference runs over every block.
    assert_eq!(whole.speakers.len(), 2);
    assert_eq!(whole.speakers[0].quotes, 4 * 800);
    assert_eq!(Extractor::new().analyze(&text), whole);
    assert_eq!(with_blocks(300).extract(&text), whole.quotes);
}
