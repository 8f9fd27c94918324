//! Records: spans, serde round-trips, paraphrase flag, character offsets,
//! the speakers list, and the extractor's thread-safety.

mod common;

use common::{analyze, invariants};
use whosaid::{Analysis, CueClass, Extractor, Quote, QuoteKind, Span, SpeakerKind};

const ARTICLE: &str = "Fenmoor harbour to close for repairs

Harbour Commissioner Ingrid Talvik said on Monday that the harbour would close in June. \
“The piles are rotten,” she told the Fenmoor Gazette. “We cannot wait another winter.”

Osric Pell, the ferry operator’s chief, said the closure was “a disaster for the island”. \
According to Pell, 300 people cross every day.

“We haven‘t been asked,” said Zoë Ängel, who runs the café on the quay. “Nobody said a word.

“Not one letter.”

Talvik insisted the decision was final, adding that repairs would take a year.
";

#[test]
fn every_span_is_on_char_boundaries_and_matches_its_text() {
    let a = analyze(ARTICLE);
    assert!(a.quotes.len() >= 8, "only {} quotes", a.quotes.len());
    for q in &a.quotes {
        assert_eq!(&ARTICLE[q.start..q.end], q.text);
        assert_eq!(q.span(), Span::new(q.start, q.end));
        if let Some(s) = &q.speaker {
            assert_eq!(&ARTICLE[s.start..s.end], s.mention);
            assert_eq!(s.span().slice(ARTICLE), Some(s.mention.as_str()));
        }
        if let Some(c) = &q.cue {
            assert_eq!(c.span().slice(ARTICLE), Some(c.text.as_str()));
        }
    }
}

#[test]
fn the_article_gives_the_expected_records() {
    let a = analyze(ARTICLE);
    let got: Vec<(QuoteKind, &str, Option<&str>)> = a
        .quotes
        .iter()
        .map(|q| {
            (
                q.kind,
                q.text.as_str(),
                q.speaker.as_ref().map(|s| s.name.as_str()),
            )
        })
        .collect();
    let want: Vec<(QuoteKind, &str, Option<&str>)> = vec![
        (
            QuoteKind::Indirect,
            "the harbour would close in June",
            Some("Ingrid Talvik"),
        ),
        (
            QuoteKind::Direct,
            "The piles are rotten,",
            Some("Ingrid Talvik"),
        ),
        (
            QuoteKind::Direct,
            "We cannot wait another winter.",
            Some("Ingrid Talvik"),
        ),
        (
            QuoteKind::Mixed,
            "the closure was “a disaster for the island”",
            Some("Osric Pell"),
        ),
        (
            QuoteKind::Indirect,
            "300 people cross every day",
            Some("Osric Pell"),
        ),
        (
            QuoteKind::Direct,
            "We haven‘t been asked,",
            Some("Zoë Ängel"),
        ),
        (
            QuoteKind::Direct,
            "Nobody said a word.\n\n“Not one letter.",
            Some("Zoë Ängel"),
        ),
        (
            QuoteKind::Indirect,
            "the decision was final",
            Some("Ingrid Talvik"),
        ),
        (
            QuoteKind::Indirect,
            "repairs would take a year",
            Some("Ingrid Talvik"),
        ),
    ];
    assert_eq!(got, want);
    let talvik = a.quotes[0].speaker.as_ref().unwrap();
    assert_eq!(talvik.role.as_deref(), Some("Harbour Commissioner"));
    let pell = a.quotes[3].speaker.as_ref().unwrap();
    assert_eq!(pell.role.as_deref(), Some("ferry operator’s chief"));
}

#[test]
fn every_prefix_of_an_article_keeps_the_invariants() {
    // Cutting the text anywhere (mid-quote, mid-name) must never panic nor
    // give a span off the text.
    let ex = Extractor::new();
    let cuts: Vec<usize> = ARTICLE
        .char_indices()
        .map(|(i, _)| i)
        .chain([ARTICLE.len()])
        .collect();
    for end in cuts {
        let text = &ARTICLE[..end];
        let a = ex.analyze(text);
        if let Err(e) = invariants(text, &a) {
            panic!("prefix of {end} bytes: {e}");
        }
    }
}

#[test]
fn quote_round_trips_through_json() {
    let a = analyze(ARTICLE);
    for q in &a.quotes {
        let json = serde_json::to_string(q).unwrap();
        let back: Quote = serde_json::from_str(&json).unwrap();
        assert_eq!(&back, q);
    }
    let q = &a.quotes[1];
    let v: serde_json::Value = serde_json::to_value(q).unwrap();
    let mut keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "confidence",
            "cue",
            "end",
            "kind",
            "rule",
            "speaker",
            "start",
            "text"
        ]
    );
    assert_eq!(v["kind"], "direct");
    assert_eq!(v["text"], "The piles are rotten,");
    assert_eq!(v["speaker"]["name"], "Ingrid Talvik");
    assert_eq!(v["speaker"]["kind"], "person");
    assert_eq!(v["cue"]["text"], "told");
    assert_eq!(v["cue"]["class"], "speech");
    assert_eq!(v["start"], q.start);
    // Confidence is written with at most three decimals, not as f32 noise.
    for q in &a.quotes {
        let v: serde_json::Value = serde_json::to_value(q).unwrap();
        let c = v["confidence"].as_f64().unwrap();
        assert_eq!((c * 1000.0).round() / 1000.0, c, "{c}");
        assert!((c - f64::from(q.confidence)).abs() < 1e-6);
    }
}

#[test]
fn analysis_round_trips_through_json() {
    let a = analyze(ARTICLE);
    let json = serde_json::to_string_pretty(&a).unwrap();
    let back: Analysis = serde_json::from_str(&json).unwrap();
    assert_eq!(back, a);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["quotes"].as_array().unwrap().len(), a.quotes.len());
    assert_eq!(v["speakers"][0]["name"], "Ingrid Talvik");
    let kinds: Vec<&str> = v["quotes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"direct") && kinds.contains(&"indirect") && kinds.contains(&"mixed"));
}

#[test]
fn enum_names_in_json() {
    assert_eq!(
        serde_json::to_string(&QuoteKind::Indirect).unwrap(),
        "\"indirect\""
    );
    assert_eq!(
        serde_json::to_string(&QuoteKind::Mixed).unwrap(),
        "\"mixed\""
    );
    assert_eq!(QuoteKind::Mixed.as_str(), "mixed");
    assert_eq!(
        serde_json::to_string(&SpeakerKind::Organization).unwrap(),
        "\"organization\""
    );
    assert_eq!(
        serde_json::to_string(&CueClass::Report).unwrap(),
        "\"report\""
    );
    assert_eq!(CueClass::parse("belief"), Some(CueClass::Belief));
    assert_eq!(CueClass::parse("Belief"), None);
    let k: QuoteKind = serde_json::from_str("\"direct\"").unwrap();
    assert_eq!(k, QuoteKind::Direct);
}

#[test]
fn is_paraphrase_follows_the_kind() {
    let text = "Dara Whitlow said: “The well is dry.” She said the pump was broken. \
                A farmer said the rain was “far too late”.";
    let a = analyze(text);
    let got: Vec<(QuoteKind, bool)> = a
        .quotes
        .iter()
        .map(|q| (q.kind, q.is_paraphrase()))
        .collect();
    assert_eq!(
        got,
        [
            (QuoteKind::Direct, false),
            (QuoteKind::Indirect, true),
            (QuoteKind::Mixed, true)
        ]
    );
}

#[test]
fn span_to_chars_counts_characters_not_bytes() {
    let text = "Zoë Ängel said: “Größe zählt.”";
    let a = analyze(text);
    assert_eq!(a.quotes.len(), 1);
    let q = &a.quotes[0];
    assert_eq!(q.text, "Größe zählt.");
    assert_eq!((q.start, q.end), (21, 36));
    assert_eq!(q.span().to_chars(text), Some((17, 29)));
    let chars: Vec<char> = text.chars().collect();
    let (s, e) = q.span().to_chars(text).unwrap();
    assert_eq!(chars[s..e].iter().collect::<String>(), q.text);
    let sp = q.speaker.as_ref().unwrap();
    assert_eq!(sp.name, "Zoë Ängel");
    assert_eq!(sp.span().to_chars(text), Some((0, 9)));
}

#[test]
fn span_to_chars_matches_slicing_for_every_record() {
    let chars: Vec<char> = ARTICLE.chars().collect();
    for q in analyze(ARTICLE).quotes {
        let (s, e) = q.span().to_chars(ARTICLE).unwrap();
        assert_eq!(chars[s..e].iter().collect::<String>(), q.text);
    }
}

#[test]
fn span_helpers() {
    let text = "Zoë";
    assert_eq!(Span::new(0, 4).slice(text), Some("Zoë"));
    assert_eq!(Span::new(0, 4).to_chars(text), Some((0, 3)));
    assert_eq!(Span::new(0, 3).slice(text), None); // inside "ë"
    assert_eq!(Span::new(0, 3).to_chars(text), None);
    assert_eq!(Span::new(2, 9).slice(text), None);
    assert_eq!(Span::new(1, 4).len(), 3);
    assert!(Span::new(4, 4).is_empty());
    assert!(!Span::new(0, 1).is_empty());
}

#[test]
fn speakers_list_each_source_once_with_a_quote_count() {
    let a = analyze(ARTICLE);
    let got: Vec<(&str, usize)> = a
        .speakers
        .iter()
        .map(|s| (s.name.as_str(), s.quotes))
        .collect();
    assert_eq!(
        got,
        [("Ingrid Talvik", 5), ("Osric Pell", 2), ("Zoë Ängel", 2)]
    );
    let talvik = &a.speakers[0];
    assert_eq!(talvik.kind, SpeakerKind::Person);
    assert_eq!(talvik.role.as_deref(), Some("Harbour Commissioner"));
    let mentions: Vec<&str> = talvik
        .mentions
        .iter()
        .map(|m| m.slice(ARTICLE).unwrap())
        .collect();
    assert!(mentions.contains(&"she"), "{mentions:?}");
    assert!(mentions.contains(&"Talvik"), "{mentions:?}");
    assert!(
        talvik.mentions.windows(2).all(|w| w[0] <= w[1]),
        "mentions in text order"
    );
    for q in &a.quotes {
        let s = q.speaker.as_ref().unwrap();
        assert_eq!(a.speakers[s.index].name, s.name);
    }
}

#[test]
fn speakers_list_with_surnames_and_pronouns() {
    let text =
        "\"The boats are ready,\" said Ingrid Talvik. \"The crew is rested,\" said Osric Pell. \
                Talvik added: \"We leave at six.\" She said the sea was calm.";
    let a = analyze(text);
    let got: Vec<(&str, usize)> = a
        .speakers
        .iter()
        .map(|s| (s.name.as_str(), s.quotes))
        .collect();
    assert_eq!(got, [("Ingrid Talvik", 3), ("Osric Pell", 1)]);
    let idx: Vec<usize> = a
        .quotes
        .iter()
        .map(|q| q.speaker.as_ref().unwrap().index)
        .collect();
    assert_eq!(idx, [0, 1, 0, 0]);
}

#[test]
fn extractor_is_send_sync_and_clone() {
    fn assert_traits<T: Send + Sync + Clone + 'static>() {}
    assert_traits::<Extractor>();
    assert_traits::<Quote>();
    assert_traits::<Analysis>();

    let ex = Extractor::new();
    let single = ex.analyze(ARTICLE);
    let results: Vec<Analysis> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..4)
            .map(|i| {
                let ex = if i % 2 == 0 {
                    ex.clone()
                } else {
                    Extractor::default()
                };
                s.spawn(move || ex.analyze(ARTICLE))
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for r in results {
        assert_eq!(r, single);
    }
    let shared = std::sync::Arc::new(ex);
    let other = std::sync::Arc::clone(&shared);
    let quotes = std::thread::spawn(move || other.extract(ARTICLE))
        .join()
        .unwrap();
    assert_eq!(quotes, single.quotes);
}

#[test]
fn extract_is_the_quotes_of_analyze_and_empty_text_gives_nothing() {
    let ex = Extractor::new();
    assert_eq!(ex.extract(ARTICLE), ex.analyze(ARTICLE).quotes);
    let empty = ex.analyze("");
    assert!(empty.quotes.is_empty() && empty.speakers.is_empty());
    assert!(ex.extract("The harbour closed in June.").is_empty());
}
