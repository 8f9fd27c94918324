//! The rule engine as users meet it: rule files, switching rules off, cue
//! classes, and the errors a broken rule file gives.

use whosaid::{CueClass, Extractor};

const HARRUMPH: &str = r#"
[[cue]]
lemma = "harrumph"
class = "speech"
finite = ["harrumphed"]
"#;

const SENTENCE: &str = "“The tram plan is a fantasy,” the transport minister harrumphed.";

#[test]
fn a_cue_from_a_rule_file_makes_a_quote() {
    // Without the file "harrumphed" is no cue: the fallback for unlisted
    // verbs keeps the speaker after the quotation, with no cue.
    let plain = Extractor::new().extract(SENTENCE);
    assert!(
        plain
            .iter()
            .all(|q| q.cue.is_none() && q.rule == whosaid::RULE_SPEAKER_VERB),
        "harrumphed is not built in: {plain:?}"
    );
    let ex = Extractor::builder()
        .rules_from_str(HARRUMPH)
        .build()
        .unwrap();
    let quotes = ex.extract(SENTENCE);
    assert_eq!(quotes.len(), 1);
    let q = &quotes[0];
    assert_eq!(q.text, "The tram plan is a fantasy,");
    assert_eq!(q.speaker.as_ref().unwrap().name, "transport minister");
    let cue = q.cue.as_ref().unwrap();
    assert_eq!(
        (cue.text.as_str(), cue.lemma.as_str(), cue.class),
        ("harrumphed", "harrumph", CueClass::Speech)
    );
}

#[test]
fn disabling_the_rule_that_fired_removes_only_its_record() {
    let text = "Ferry captain Lise Aune said the crossing was safe. “We sail at nine,” she added.";
    let all = Extractor::new().extract(text);
    assert_eq!(all.len(), 2);
    let fired = all[0].rule.clone();
    let without = Extractor::builder()
        .disable_rule(fired.clone())
        .build()
        .unwrap()
        .extract(text);
    assert_eq!(without.len(), 1, "only the record of {fired} goes");
    assert_eq!(without[0], all[1]);
}

#[test]
fn only_rules_keeps_the_named_rules() {
    let ex = Extractor::builder()
        .only_rules(["quote-speaker-cue"])
        .build()
        .unwrap();
    assert_eq!(ex.rule_ids(), vec!["quote-speaker-cue"]);
    let text = "Pilot Ben Ode said the runway was icy. “We waited an hour,” he said.";
    let quotes = ex.extract(text);
    assert_eq!(quotes.len(), 1);
    assert_eq!(quotes[0].text, "We waited an hour,");
}

#[test]
fn belief_cues_count_only_when_asked_for() {
    let text = "Farmer Ole Brandt believes the river will flood again.";
    assert!(Extractor::new().extract(text).is_empty());
    let ex = Extractor::builder()
        .cue_classes([CueClass::Speech, CueClass::Belief])
        .build()
        .unwrap();
    let quotes = ex.extract(text);
    assert_eq!(quotes.len(), 1);
    assert_eq!(quotes[0].text, "the river will flood again");
    assert_eq!(quotes[0].cue.as_ref().unwrap().class, CueClass::Belief);
}

#[test]
fn broken_rules_are_errors_that_name_the_rule_and_the_place() {
    let table = [
        (
            r#"[[rule]]
id = "bad-hole"
yields = "direct"
pattern = "{quote} , {cue} {speeker}""#,
            "bad-hole",
            "element 4",
        ),
        (
            r#"[[rule]]
id = "quote-cue-speaker"
yields = "direct"
pattern = "{quote} {cue} {speaker}""#,
            "quote-cue-speaker",
            "duplicate",
        ),
        (
            r#"[[rule]]
id = "no-quote"
yields = "direct"
pattern = "{speaker} {cue} {content}""#,
            "no-quote",
            "{quote}",
        ),
        (
            r#"[[rule]]
id = "junk"
yields = "direct"
pattern = "{quote} ,, {speaker}""#,
            "junk",
            "element 2",
        ),
        (
            r#"[[cue]]
lemma = "mutter"
class = "whisper"
finite = ["muttered"]"#,
            "mutter",
            "cue class",
        ),
    ];
    for (src, id, needle) in table {
        let err = Extractor::builder()
            .rules_from_str(src)
            .build()
            .unwrap_err();
        assert_eq!(err.rule_id(), Some(id), "{err}");
        assert!(
            err.to_string().contains(needle),
            "{err} should mention {needle}"
        );
    }
    let err = Extractor::builder()
        .rules_from_str("[[rule]\nid=")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("<string>"), "{err}");
    let err = Extractor::builder()
        .disable_rule("no-such-rule")
        .build()
        .unwrap_err();
    assert_eq!(err.rule_id(), Some("no-such-rule"));
}

/// A user's rule file whose rule has one example that holds and one that
/// does not.
const GRUMBLE_RULES: &str = include_str!("support/grumble.toml");

#[test]
fn check_examples_reports_the_examples_of_user_rules_that_fail() {
    assert!(Extractor::new().check_examples().is_empty());
    let ex = Extractor::builder()
        .rules_from_str(GRUMBLE_RULES)
        .build()
        .unwrap();
    let failures = ex.check_examples();
    assert_eq!(failures.len(), 1, "{failures:#?}");
    let f = &failures[0];
    assert_eq!(f.rule, "grumbled-colon-quote");
    assert!(f.problem.contains("Rask Odd"), "{}", f.problem);
    assert!(f.to_string().contains("grumbled-colon-quote"));
    // With the rule switched off, its examples are not run.
    let ex = Extractor::builder()
        .rules_from_str(GRUMBLE_RULES)
        .disable_rule("grumbled-colon-quote")
        .build()
        .unwrap();
    assert!(ex.check_examples().is_empty());
}
