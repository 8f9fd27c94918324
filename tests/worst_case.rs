//! Worst-case inputs: long runs of marks, deep nesting, one huge line, cue
//! words and capitalised words by the million, control characters, invalid
//! surrogates from JSON, and the shapes that once made a stage quadratic.
//! Each test asserts the output, not the time; a stage that turned quadratic
//! again would make the suite take minutes instead of seconds.
//!
//! Release times on the 2-core development machine (`cargo test --release`
//! runs these at full size; a debug build uses a tenth of the largest sizes):
//! every case here runs at 0.03–0.2 s per MB, and the 10 MB line in about
//! 1.6 s.

use whosaid::{Analysis, Extractor, Quote, QuoteKind};

/// Full size in release, a tenth in debug builds (where the same code runs
/// some 20 times slower).
fn scaled(n: usize) -> usize {
    if cfg!(debug_assertions) {
        n / 10
    } else {
        n
    }
}

fn extract(text: &str) -> Vec<Quote> {
    Extractor::new().extract(text)
}

fn analyze(text: &str) -> Analysis {
    Extractor::new().analyze(text)
}

/// The record invariants: valid spans whose text is the record's text, in
/// order, without overlap.
fn valid(text: &str, quotes: &[Quote]) {
    let mut end = 0;
    for q in quotes {
        assert_eq!(text.get(q.start..q.end), Some(q.text.as_str()));
        assert!(q.start >= end, "records overlap at {}", q.start);
        end = q.end;
        if let Some(s) = &q.speaker {
            assert_eq!(text.get(s.start..s.end), Some(s.mention.as_str()));
        }
        if let Some(c) = &q.cue {
            assert_eq!(text.get(c.start..c.end), Some(c.text.as_str()));
        }
    }
}

#[test]
fn a_megabyte_of_straight_double_marks() {
    let text = "\"".repeat(1_000_000);
    assert!(extract(&text).is_empty());
    // With a word between each pair, every pair is a quotation of one word,
    // none alone in its sentence: no record.
    let text = "\"a\" ".repeat(250_000);
    assert!(extract(&text).is_empty());
}

#[test]
fn a_megabyte_of_opening_marks_never_closed() {
    let text = "“".repeat(1_000_000 / 3);
    assert!(extract(&text).is_empty());
    // One opening mark and a megabyte of words: the quote runs to the end.
    let body = "words without end ".repeat(60_000);
    let text = format!("Ann Lee said: “{body}");
    let quotes = extract(&text);
    assert_eq!(quotes.len(), 1);
    assert_eq!(quotes[0].text, body.trim_end());
    assert_eq!(quotes[0].speaker.as_ref().unwrap().name, "Ann Lee");
}

#[test]
fn a_hundred_thousand_nested_quotes() {
    let n = 100_000;
    // Marks alone: nothing.
    let text = "“‘".repeat(n / 2);
    assert!(extract(&text).is_empty());
    // “‘“‘ ... It is deep. ... ’”’”: a double mark inside a single one inside a
    // double one ends the outer quote, so only the innermost pair of levels
    // holds a word; it is alone in its sentence, an orphan.
    let open: String = (0..n).map(|i| if i % 2 == 0 { '“' } else { '‘' }).collect();
    let close: String = (0..n)
        .rev()
        .map(|i| if i % 2 == 0 { '”' } else { '’' })
        .collect();
    let text = format!("{open}It is deep.{close}");
    let quotes = extract(&text);
    valid(&text, &quotes);
    assert_eq!(quotes.len(), 1);
    assert_eq!(quotes[0].text, "‘It is deep.’");
    assert_eq!(quotes[0].rule, whosaid::RULE_ORPHAN);
    // Words at every level: a hundred thousand quotes, none alone in its
    // sentence, so no record.
    let mut text = String::new();
    for i in 0..n {
        text.push_str(if i % 2 == 0 { "“a " } else { "‘b " });
    }
    for i in (0..n).rev() {
        text.push_str(if i % 2 == 0 { "” " } else { "’ " });
    }
    assert!(extract(&text).is_empty());
}

#[test]
fn a_ten_megabyte_line() {
    let unit = "Harbour master Olu Brandt inspected the pier. He said: “The piles are \
                rotten.” The council said it would pay for repairs, Ann Lee said, adding \
                that “the works” would start soon. ";
    let reps = scaled(10_000_000) / unit.len();
    let text = unit.repeat(reps);
    let quotes = extract(&text);
    valid(&text, &quotes);
    assert_eq!(quotes.len(), 3 * reps);
    let first: Vec<(QuoteKind, &str, &str)> = quotes[..3]
        .iter()
        .map(|q| (q.kind, q.text.as_str(), q.rule.as_str()))
        .collect();
    assert_eq!(
        first,
        [
            (
                QuoteKind::Direct,
                "The piles are rotten.",
                "speaker-cue-quote"
            ),
            (
                QuoteKind::Indirect,
                "it would pay for repairs",
                "speaker-cue-content"
            ),
            (
                QuoteKind::Mixed,
                "“the works” would start soon",
                "participle-content"
            ),
        ]
    );
    // The same three records in every repetition.
    for (k, q) in quotes.iter().enumerate() {
        let q0 = &quotes[k % 3];
        assert_eq!(q.start, q0.start + (k / 3) * unit.len());
        assert_eq!((q.kind, &q.text, &q.rule), (q0.kind, &q0.text, &q0.rule));
    }
    assert_eq!(
        quotes[0].speaker.as_ref().unwrap().name,
        "Olu Brandt",
        "He is Olu Brandt"
    );
    // Plain prose on one 10 MB line: no record.
    let text = "The quick brown fox jumps over the lazy dog and then some "
        .repeat(scaled(10_000_000) / 58);
    assert!(extract(&text).is_empty());
}

#[test]
fn a_megabyte_of_said() {
    let text = "said ".repeat(200_000);
    assert!(extract(&text).is_empty());
    let text = "said said said. ".repeat(62_500);
    assert!(extract(&text).is_empty());
    // After a real attribution, the cue words change nothing.
    let text = format!("“Yes,” said Ann Lee. {}", "said ".repeat(200_000));
    let quotes = extract(&text);
    assert_eq!(quotes.len(), 1);
    assert_eq!(quotes[0].speaker.as_ref().unwrap().mention, "Ann Lee");
}

#[test]
fn a_million_capitalised_words() {
    let n = scaled(1_000_000);
    let text = "Word ".repeat(n);
    assert!(extract(&text).is_empty());
    // As the speaker's name: a sentence ends after 256 tokens, so the name is
    // the 254 words left after the quote and the cue.
    let text = format!("“Yes,” said {}.", "Word ".repeat(n));
    let quotes = extract(&text);
    valid(&text, &quotes);
    assert_eq!(quotes.len(), 1);
    let s = quotes[0].speaker.as_ref().unwrap();
    assert_eq!(s.mention, "Word ".repeat(254).trim_end());
}

#[test]
fn nul_bytes_and_control_characters() {
    // A megabyte of control characters: nothing.
    let text = "\0\x01\x02\x03\x07\x08\x0b\x0c\x0e\x1b\x1f\x7f".repeat(100_000);
    assert!(extract(&text).is_empty());
    // Control characters are tokens of their own (punctuation class
    // "other"), so one between a cue and its speaker breaks the
    // attribution; what follows "told" is its hearer, never its content.
    // Nothing panics and every span is valid.
    let text = "\0“Hi,\0” said\x07 Ann\x1b Lee.\0\u{7f}\u{85}\u{2028}\u{feff}“Go,”\u{200b} \
                she told\u{0} reporters.\r\n\x0c";
    let quotes = extract(text);
    valid(text, &quotes);
    let got: Vec<(&str, &str)> = quotes
        .iter()
        .map(|q| (q.text.as_str(), q.rule.as_str()))
        .collect();
    assert_eq!(got, Vec::<(&str, &str)>::new());
    // Without the control characters the same text gives both quotes.
    let clean = "“Hi,” said Ann Lee. “Go,” she told reporters.";
    assert_eq!(extract(clean).len(), 2);
    // NUL inside words and quotes of an otherwise normal sentence.
    let text = "“We\0 open\0 on Monday,” said Mira\0 Olsen.";
    let quotes = extract(text);
    valid(text, &quotes);
    assert_eq!(quotes.len(), 1);
    assert_eq!(quotes[0].text, "We\0 open\0 on Monday,");
}

#[test]
fn invalid_surrogates_through_json_escapes() {
    // A lone surrogate cannot be a Rust `str`: serde_json refuses it, so it
    // never reaches `extract`. A high surrogate not followed by `\u` is
    // "unexpected end of hex escape"; one followed by a non-low surrogate,
    // and a low surrogate alone, are "lone leading surrogate in hex escape".
    for (bad, msg) in [
        (r#""\ud800""#, "unexpected end of hex escape"),
        (
            r#""“Hi,” said \ud800 Ann Lee.""#,
            "unexpected end of hex escape",
        ),
        (r#""\udc00 said Ann""#, "lone leading surrogate"),
        (r#""\ud800\ud800""#, "lone leading surrogate"),
    ] {
        let err = serde_json::from_str::<String>(bad).unwrap_err();
        assert!(err.to_string().contains(msg), "{bad}: {err}");
    }
    // A JSON document holding one fails whole.
    let doc = r#"{"id": 1, "text": "“Hi,” said \ud800 Ann Lee."}"#;
    assert!(serde_json::from_str::<serde_json::Value>(doc).is_err());
    // A valid pair decodes to one char, and the text extracts as usual.
    let text: String = serde_json::from_str(r#""“Hi \ud83d\ude00,” said Ann Lee.""#).unwrap();
    assert_eq!(text, "“Hi 😀,” said Ann Lee.");
    let quotes = extract(&text);
    assert_eq!(quotes.len(), 1);
    assert_eq!(quotes[0].text, "Hi 😀,");
    // The same surrogate as raw bytes (CESU-8 / WTF-8 "\xED\xA0\x80") is
    // invalid UTF-8; decoded lossily it becomes U+FFFD, one char per byte.
    let bytes = b"\xe2\x80\x9cHi \xed\xa0\x80,\xe2\x80\x9d said Ann Lee.";
    assert!(String::from_utf8(bytes.to_vec()).is_err());
    let text = String::from_utf8_lossy(bytes);
    assert_eq!(text, "“Hi \u{fffd}\u{fffd}\u{fffd},” said Ann Lee.");
    let quotes = extract(&text);
    valid(&text, &quotes);
    assert_eq!(quotes[0].text, "Hi \u{fffd}\u{fffd}\u{fffd},");
}

// The shapes below were quadratic before the fixes named in each test;
// every one now runs at 0.1–0.4 s per MB in release.

/// Orphan quotes, each in a paragraph after narration: a follow-up looked for
/// its speaker through every earlier record.
#[test]
fn a_megabyte_of_orphan_quotes() {
    let n = scaled(25_000);
    let text = "“The orphan quote is here.”\n\nNarration line here.\n\n".repeat(n);
    let quotes = extract(&text);
    assert_eq!(quotes.len(), n);
    assert!(quotes
        .iter()
        .all(|q| q.text == "The orphan quote is here." && q.rule == whosaid::RULE_ORPHAN));
}

/// Participle clauses, one per sentence: each looked for its sentence's
/// earlier records through every record of the text.
#[test]
fn a_megabyte_of_participle_clauses() {
    let n = scaled(25_000);
    let text = "The board met, saying it would “act”. ".repeat(n);
    let quotes = extract(&text);
    assert_eq!(quotes.len(), n);
    assert!(quotes.iter().all(|q| q.kind == QuoteKind::Mixed
        && q.text == "it would “act”"
        && q.speaker.as_ref().is_some_and(|s| s.name == "board")));
}

/// One speaker quoted fifty thousand times: ordering the speakers scanned
/// all of a speaker's mentions once per quote.
#[test]
fn one_speaker_quoted_fifty_thousand_times() {
    let n = scaled(50_000);
    let text = "“Ok,” Ann Lee said. ".repeat(n);
    let a = analyze(&text);
    assert_eq!(a.quotes.len(), n);
    assert_eq!(a.speakers.len(), 1);
    assert_eq!(a.speakers[0].quotes, n);
    assert_eq!(a.speakers[0].mentions.len(), n);
}

/// Forty thousand speakers: each quote looked its speaker up in the list of
/// all speakers.
#[test]
fn forty_thousand_distinct_speakers() {
    fn name(mut i: usize) -> String {
        let mut s = String::from("Z");
        loop {
            s.push((b'a' + (i % 26) as u8) as char);
            i /= 26;
            if i == 0 {
                break s;
            }
        }
    }
    let n = scaled(40_000);
    let text: String = (0..n)
        .map(|i| format!("“Ok,” said Ann {}. ", name(i)))
        .collect();
    let a = analyze(&text);
    assert_eq!(a.quotes.len(), n);
    assert_eq!(a.speakers.len(), n);
    for (i, q) in a.quotes.iter().enumerate() {
        let s = q.speaker.as_ref().unwrap();
        assert_eq!(s.index, i);
        assert_eq!(s.name, format!("Ann {}", name(i)));
    }
}

/// A quote reopened in fifty thousand paragraphs after many records: each
/// continuation looked for its record through every record.
#[test]
fn a_quote_over_fifty_thousand_paragraphs() {
    let n = scaled(50_000);
    let mut text = "“x,” said Ann Lee. ".repeat(n / 2);
    text.push_str("\n\nAnn Lee said: “It goes on");
    text.push_str(&"\n\n“and on".repeat(n));
    text.push('”');
    let quotes = extract(&text);
    valid(&text, &quotes);
    assert_eq!(quotes.len(), n / 2 + 1);
    let last = quotes.last().unwrap();
    assert!(last.text.starts_with("It goes on\n\n“and on"));
    assert!(last.text.ends_with("“and on"));
    assert_eq!(last.end, text.len() - '”'.len_utf8());
}

/// A sentence of thousands of ", X said" attributions (see also
/// `tests/regressions.rs`): the rule search began again at each.
#[test]
fn a_sentence_of_attributions() {
    let n = scaled(30_000);
    let text = format!("{}.", "Ann said, Bo said, ".repeat(n));
    let quotes = extract(&text);
    valid(&text, &quotes);
    // "Ann said, Bo said," is read as a parenthetical: Bo said "Ann said".
    // Where a 256-token cut falls, a record is lost or runs on ("Ann said,
    // Bo"): at full size 19,463 + 9,833 + 235 records.
    assert!(quotes.len() > n * 95 / 100, "{} records", quotes.len());
    // A parenthetical attribution serves the clause before it too.
    for q in &quotes {
        assert!(
            ["parenthetical-speaker-cue", "content-speaker-cue"].contains(&q.rule.as_str()),
            "{}",
            q.rule
        );
        assert!(
            ["Ann said", "Bo said", "Ann said, Bo"].contains(&q.text.as_str()),
            "{:?}",
            q.text
        );
    }
}
