//! Property tests of the promises `extract` makes whatever its input: it never
//! panics, every span is in bounds and on character boundaries, records come
//! in text order without overlapping, a record's speaker and cue lie outside
//! its content, the output is deterministic, and text appended after the
//! document in paragraphs of its own does not change the document's records.
//!
//! Two kinds of input: arbitrary Unicode (any `char`, with quotation marks and
//! line breaks made likely), and news-like text built from invented sentences
//! (quotes in every mark style, said/told/according to, names, pronouns,
//! paragraphs) and then mutated at random (marks inserted, deleted and flipped,
//! line breaks inserted, case changed). Case counts stay small so the suite
//! runs in a few seconds.

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::RngSeed;
use whosaid::{Analysis, Extractor, Quote};

/// Every quotation mark the extractor knows, plus the grave accent.
const MARKS: &[char] = &[
    '"', '\'', '“', '”', '‘', '’', '«', '»', '„', '‚', '‹', '›', '‟', '`',
];

// ---------------------------------------------------------------------------
// Invariants

fn span_ok(text: &str, start: usize, end: usize) -> bool {
    start <= end && text.get(start..end).is_some()
}

/// The record invariants of one analysis of `text`.
fn check_analysis(text: &str, a: &Analysis) -> Result<(), TestCaseError> {
    let mut prev: Option<&Quote> = None;
    for q in &a.quotes {
        prop_assert!(
            span_ok(text, q.start, q.end),
            "content span {}..{} invalid in {:?}",
            q.start,
            q.end,
            text
        );
        prop_assert_eq!(&q.text, &text[q.start..q.end]);
        prop_assert!(q.start < q.end, "empty content {:?}", q);
        prop_assert!((0.0..=1.0).contains(&q.confidence));
        if let Some(p) = prev {
            prop_assert!(
                p.end <= q.start,
                "records out of order or overlapping: {}..{} {:?} then {}..{} {:?} in {:?}",
                p.start,
                p.end,
                p.text,
                q.start,
                q.end,
                q.text,
                text
            );
        }
        prev = Some(q);
        if let Some(s) = &q.speaker {
            prop_assert!(
                span_ok(text, s.start, s.end),
                "speaker span {}..{} invalid",
                s.start,
                s.end
            );
            prop_assert_eq!(&s.mention, &text[s.start..s.end]);
            prop_assert!(
                s.end <= q.start || s.start >= q.end,
                "speaker {:?} ({}..{}) inside the content {:?} ({}..{}) of {:?}",
                s.mention,
                s.start,
                s.end,
                q.text,
                q.start,
                q.end,
                text
            );
            prop_assert!(s.index < a.speakers.len() || s.index == usize::MAX);
        }
        if let Some(c) = &q.cue {
            prop_assert!(
                span_ok(text, c.start, c.end),
                "cue span {}..{} invalid",
                c.start,
                c.end
            );
            prop_assert_eq!(&c.text, &text[c.start..c.end]);
            prop_assert!(
                c.end <= q.start || c.start >= q.end,
                "cue {:?} inside the content {:?} of {:?}",
                c.text,
                q.text,
                text
            );
        }
    }
    for sp in &a.speakers {
        for m in &sp.mentions {
            prop_assert!(span_ok(text, m.start, m.end), "mention {:?} invalid", m);
        }
    }
    Ok(())
}

/// An extractor built apart from `Extractor::new()`'s shared one.
fn other() -> &'static Extractor {
    static OTHER: std::sync::OnceLock<Extractor> = std::sync::OnceLock::new();
    OTHER.get_or_init(|| Extractor::builder().build().expect("built-in rules build"))
}

/// Extractors that run the stages after tokens on blocks of 1 and of 7
/// tokens (each paragraph a block where one may open).
fn blocked() -> &'static [Extractor] {
    static BLOCKED: std::sync::OnceLock<Vec<Extractor>> = std::sync::OnceLock::new();
    BLOCKED.get_or_init(|| {
        [1, 7]
            .iter()
            .map(|&n| {
                Extractor::builder()
                    .block_tokens(n)
                    .build()
                    .expect("builds")
            })
            .collect()
    })
}

/// All invariants of `text`, including determinism: the same extractor twice,
/// a second extractor built on its own and extractors with small blocks give
/// equal analyses.
fn check_text(text: &str) -> Result<(), TestCaseError> {
    let ex = Extractor::new();
    let a = ex.analyze(text);
    check_analysis(text, &a)?;
    prop_assert_eq!(&ex.analyze(text), &a, "a second run differs on {:?}", text);
    prop_assert_eq!(
        &other().analyze(text),
        &a,
        "a second extractor differs on {:?}",
        text
    );
    for small in blocked() {
        prop_assert_eq!(
            &small.analyze(text),
            &a,
            "small blocks differ on {:?}",
            text
        );
    }
    prop_assert_eq!(&ex.extract(text), &a.quotes);
    Ok(())
}

/// The fields of a record that text after the document may not change:
/// everything but the speaker's resolved `name`, `role`, `kind` and `index`.
/// Those four are article-wide by design: the name is "the fullest name the
/// article gives", the role the one given "even in another sentence", and
/// the index the speaker's place in order of first mention among the quoted
/// speakers; a later paragraph can supply a fuller name or role, or quote an
/// entity first named earlier (see `later_text_may_rename_an_earlier_speaker`).
#[derive(Debug, PartialEq)]
struct Shape {
    kind: whosaid::QuoteKind,
    start: usize,
    end: usize,
    text: String,
    rule: String,
    confidence: f32,
    mention: Option<(usize, usize, String)>,
    cue: Option<whosaid::Cue>,
}

fn shape(q: &Quote) -> Shape {
    Shape {
        kind: q.kind,
        start: q.start,
        end: q.end,
        text: q.text.clone(),
        rule: q.rule.clone(),
        confidence: q.confidence,
        mention: q
            .speaker
            .as_ref()
            .map(|s| (s.start, s.end, s.mention.clone())),
        cue: q.cue.clone(),
    }
}

fn shapes(quotes: &[Quote]) -> Vec<Shape> {
    quotes.iter().map(shape).collect()
}

/// Records of `doc + suffix` that start inside `doc`.
fn head_records(ex: &Extractor, doc: &str, suffix: &str) -> Vec<Quote> {
    let long = format!("{doc}{suffix}");
    ex.extract(&long)
        .into_iter()
        .filter(|q| q.start < doc.len())
        .collect()
}

// ---------------------------------------------------------------------------
// Generators

fn unicode_text() -> impl Strategy<Value = String> {
    let ch = prop_oneof![
        4 => any::<char>(),
        3 => prop::sample::select(MARKS),
        2 => prop::sample::select(&[' ', ' ', '\n', '.', ',', ':', '—', '\t', '\u{a0}'][..]),
        3 => prop::char::range('a', 'z'),
        1 => prop::char::range('A', 'Z'),
    ];
    prop::collection::vec(ch, 0..160).prop_map(String::from_iter)
}

const NAMES: &[&str] = &[
    "Ann Lee",
    "Olu Brandt",
    "Mayor Ana Ruiz",
    "harbour master Olu Brandt",
    "Anna van der Berg",
    "Nell Ardagh of the Port Authority",
    "Bo Dahl, 34, a nurse,",
    "Ann Lee, who chairs the board,",
    "a spokeswoman for the port",
    "the council",
    "the Pentagon (DoD)",
    "U.S. Senator Jo Kim",
    "Ann Lee and Bo Dahl",
    "Lind-Holt",
    "Osei",
];
const PRONOUNS: &[&str] = &["He", "She", "They", "It", "he", "she", "I", "we"];
const CUES: &[&str] = &[
    "said",
    "says",
    "told reporters",
    "added",
    "has said",
    "warned",
    "insisted",
    "explained",
    "asked",
    "was saying",
    "was told",
];
const PAIRS: &[(&str, &str)] = &[
    ("“", "”"),
    ("\"", "\""),
    ("'", "'"),
    ("‘", "’"),
    ("«", "»"),
    ("« ", " »"),
    ("„", "“"),
    ("''", "''"),
    ("``", "''"),
    ("“", ""),
];
const CONTENTS: &[&str] = &[
    "The piles are rotten",
    "We will rebuild the pier",
    "It is over",
    "Nobody told us, and we won't pay",
    "He told me, ‘Stop,’ and left",
    "Yes",
    "The Hendersons' dog bit me",
    "In the ’90s the mills closed",
    "We open on Monday",
    "Is it over?",
];
const CLAUSES: &[&str] = &[
    "the plan had failed",
    "it would pay for repairs",
    "talks would resume on Monday",
    "the deal was \"dead on arrival\"",
    "the cranes will stay idle until June",
    "he had “no comment”",
];
const NARRATION: &[&str] = &[
    "The ferry left at nine.",
    "Officials met on Tuesday in the town hall.",
    "In the U.S. He waited.",
    "Q: Will you run?",
    "The field was \"\"= for every row.",
    "Drivers' union leaders, the United States’ envoys and Dr. Ode arrived.",
];

fn pick(list: &'static [&'static str]) -> impl Strategy<Value = &'static str> {
    prop::sample::select(list)
}

fn speaker() -> impl Strategy<Value = &'static str> {
    prop_oneof![3 => pick(NAMES), 2 => pick(PRONOUNS)]
}

fn sentence() -> impl Strategy<Value = String> {
    (
        0u8..12,
        speaker(),
        speaker(),
        pick(CUES),
        prop::sample::select(PAIRS),
        pick(CONTENTS),
        pick(CONTENTS),
        pick(CLAUSES),
        pick(NARRATION),
    )
        .prop_map(|(t, sp, sp2, cue, (o, c), q1, q2, clause, narr)| match t {
            0 => format!("{o}{q1},{c} {cue} {sp}."),
            1 => format!("{o}{q1},{c} {sp} {cue}."),
            2 => format!("{sp} {cue}: {o}{q1}.{c}"),
            3 => format!("{sp} {cue} that {clause}."),
            4 => format!("According to {sp}, {clause}."),
            5 => format!("{o}{q1}.{c}"),
            6 => format!("{sp} {cue} {clause}, adding that {clause}."),
            7 => format!("{o}{q1},{c} {cue} {sp}, {o}{q2}.{c}"),
            8 => narr.to_string(),
            9 => format!("{o}{q1}"),
            10 => format!("{sp} told {sp2} that {clause}, {sp2} said."),
            _ => format!("Q: {q1}?\nA: {o}{q2}{c}"),
        })
}

fn news_doc() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::collection::vec(sentence(), 1..4), 1..5).prop_map(|paras| {
        paras
            .iter()
            .map(|p| p.join(" "))
            .collect::<Vec<_>>()
            .join("\n\n")
    })
}

/// One random edit: what to do, where (a fraction of the text), and with what.
#[derive(Debug, Clone)]
struct Mutation {
    kind: u8,
    at: Index,
    arg: Index,
}

fn mutation() -> impl Strategy<Value = Mutation> {
    (0u8..7, any::<Index>(), any::<Index>()).prop_map(|(kind, at, arg)| Mutation { kind, at, arg })
}

/// Byte offset of the char boundary closest to the fraction `at` of `text`.
fn boundary(text: &str, at: &Index) -> usize {
    let n = text.chars().count();
    let k = at.index(n + 1);
    text.char_indices().nth(k).map_or(text.len(), |(i, _)| i)
}

fn mutate(mut text: String, muts: &[Mutation]) -> String {
    for m in muts {
        let i = boundary(&text, &m.at);
        match m.kind {
            // Insert a quotation mark.
            0 => text.insert(i, MARKS[m.arg.index(MARKS.len())]),
            // Delete one char.
            1 => {
                if i < text.len() {
                    text.remove(i);
                }
            }
            // Flip the next quotation mark into another one.
            2 => {
                if let Some((j, ch)) = text[i..].char_indices().find(|(_, c)| MARKS.contains(c)) {
                    let at = i + j;
                    text.replace_range(
                        at..at + ch.len_utf8(),
                        &MARKS[m.arg.index(MARKS.len())].to_string(),
                    );
                }
            }
            // Insert one or two line breaks.
            3 => text.insert_str(i, ["\n", "\n\n", "\r\n"][m.arg.index(3)]),
            // Change the case of the next word.
            4 => {
                let rest = &text[i..];
                let end = rest
                    .find(|c: char| !c.is_alphanumeric())
                    .unwrap_or(rest.len());
                let word = &rest[..end];
                let new = match m.arg.index(3) {
                    0 => word.to_uppercase(),
                    1 => word.to_lowercase(),
                    _ => {
                        let mut cs = word.chars();
                        cs.next()
                            .map(|f| f.to_uppercase().chain(cs).collect())
                            .unwrap_or_default()
                    }
                };
                text.replace_range(i..i + end, &new);
            }
            // Insert punctuation or an odd char.
            5 => text.insert(
                i,
                [
                    '.', ',', ':', '—', '(', ')', '\0', '\u{feff}', '\u{2028}', 'é',
                ][m.arg.index(10)],
            ),
            // Delete a stretch of up to 12 chars.
            _ => {
                let len = m.arg.index(13);
                let end = text[i..]
                    .char_indices()
                    .nth(len)
                    .map_or(text.len(), |(j, _)| i + j);
                text.replace_range(i..end, "");
            }
        }
    }
    text
}

fn mutated_news() -> impl Strategy<Value = String> {
    (news_doc(), prop::collection::vec(mutation(), 0..6)).prop_map(|(d, m)| mutate(d, &m))
}

/// Paragraphs to append: the first never opens with a quotation mark, so a
/// quote left open at the end of the document is not continued by it.
fn appended() -> impl Strategy<Value = String> {
    (news_doc(), news_doc()).prop_map(|(a, b)| format!("\n\nX {a}\n\nY... {b}"))
}

// ---------------------------------------------------------------------------
// Properties

/// `cases` cases from a fixed seed, so CI runs the same inputs every time;
/// `PROPTEST_RNG_SEED` (and `PROPTEST_CASES`) explore others.
fn config(cases: u32) -> ProptestConfig {
    let mut c = ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    if let Some(n) = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
    {
        c.cases = n;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        c.rng_seed = RngSeed::Fixed(0x0057_1d5a);
    }
    c
}

proptest! {
    #![proptest_config(config(256))]

    #[test]
    fn arbitrary_unicode_keeps_the_invariants(text in unicode_text()) {
        check_text(&text)?;
    }

    #[test]
    fn mutated_news_keeps_the_invariants(text in mutated_news()) {
        check_text(&text)?;
    }

    #[test]
    fn unmutated_news_finds_quotes_and_keeps_the_invariants(text in news_doc()) {
        check_text(&text)?;
    }
}

proptest! {
    #![proptest_config(config(128))]

    /// `doc` and `doc + "\n\nX\n\nY..."` give the same records for `doc`,
    /// up to the article-wide speaker fields (see [`Shape`]).
    #[test]
    fn two_plain_paragraphs_after_the_document_change_nothing(doc in mutated_news()) {
        let ex = Extractor::new();
        let alone = shapes(&ex.extract(&doc));
        let head = shapes(&head_records(&ex, &doc, "\n\nX\n\nY..."));
        prop_assert_eq!(head, alone, "in {:?}", doc);
    }

    /// Appended news paragraphs, names, quotes and all, leave the document's
    /// records in place, up to the article-wide speaker fields.
    #[test]
    fn appended_news_paragraphs_leave_the_records_in_place(
        doc in mutated_news(),
        suffix in appended(),
    ) {
        let ex = Extractor::new();
        let alone = shapes(&ex.extract(&doc));
        let head = shapes(&head_records(&ex, &doc, &suffix));
        prop_assert_eq!(head, alone, "in {:?} + {:?}", doc, suffix);
    }

    /// The same for arbitrary Unicode documents.
    #[test]
    fn appended_paragraphs_after_arbitrary_text_change_nothing(doc in unicode_text()) {
        let ex = Extractor::new();
        let alone = shapes(&ex.extract(&doc));
        let head = shapes(&head_records(&ex, &doc, "\n\nX\n\nY..."));
        prop_assert_eq!(head, alone, "in {:?}", doc);
    }
}

/// The one way text after a document changes its records, and by design:
/// coreference reads the whole article, so a later, fuller mention renames
/// an earlier speaker. Found by the appended-paragraph properties on
/// `« It is over. » The“y said ...` + `\n\nX\n\nY...`, where the later
/// initial `Y.` gave the speaker "y" the name "Y.".
#[test]
fn later_text_may_rename_an_earlier_speaker() {
    let ex = Extractor::new();
    let doc = "“Fine,” said Osei.";
    let alone = ex.extract(doc);
    let head = head_records(&ex, doc, "\n\nX\n\nAmara Osei arrived...");
    assert_eq!(alone[0].speaker.as_ref().unwrap().name, "Osei");
    assert_eq!(head[0].speaker.as_ref().unwrap().name, "Amara Osei");
    assert_eq!(shapes(&head), shapes(&alone));
    let doc = "« It is over. » The“y said he had “no comment”.";
    let head = head_records(&ex, doc, "\n\nX\n\nY...");
    assert_eq!(head[0].speaker.as_ref().unwrap().name, "Y.");
    assert_eq!(shapes(&head), shapes(&ex.extract(doc)));
}

/// The generator is worth its salt: unmutated news text gives records of
/// every kind.
#[test]
fn the_news_generator_yields_records() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let ex = Extractor::new();
    let mut kinds = std::collections::HashSet::new();
    let mut total = 0;
    for _ in 0..64 {
        let doc = news_doc().new_tree(&mut runner).unwrap().current();
        for q in ex.extract(&doc) {
            kinds.insert(q.kind);
            total += 1;
        }
    }
    assert!(total > 64, "only {total} records in 64 documents");
    assert_eq!(kinds.len(), 3, "kinds seen: {kinds:?}");
}
