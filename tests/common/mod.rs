//! Shared helpers for the integration tests: expected records, a table
//! runner that reports every mismatching row at once, and the record
//! invariants every analysis must satisfy.
#![allow(dead_code)]

use whosaid::{Analysis, Extractor, Quote, QuoteKind, SpeakerKind};

/// One expected record. Fields left `None` are not checked; the outer
/// `Option` of `speaker`, `role` and `cue` says whether to check, the inner
/// one what to expect (`Some(None)` = must be absent).
#[derive(Debug, Clone, Copy)]
pub struct Exp {
    pub kind: QuoteKind,
    pub text: &'static str,
    pub speaker: Option<Option<&'static str>>,
    pub mention: Option<&'static str>,
    pub role: Option<Option<&'static str>>,
    pub speaker_kind: Option<SpeakerKind>,
    pub cue: Option<Option<&'static str>>,
    pub rule: Option<&'static str>,
}

fn exp(kind: QuoteKind, text: &'static str) -> Exp {
    Exp {
        kind,
        text,
        speaker: None,
        mention: None,
        role: None,
        speaker_kind: None,
        cue: None,
        rule: None,
    }
}

/// A direct quote with this content.
pub fn direct(text: &'static str) -> Exp {
    exp(QuoteKind::Direct, text)
}

/// An indirect quote with this content.
pub fn indirect(text: &'static str) -> Exp {
    exp(QuoteKind::Indirect, text)
}

/// A mixed quote with this content.
pub fn mixed(text: &'static str) -> Exp {
    exp(QuoteKind::Mixed, text)
}

impl Exp {
    /// The speaker's resolved name.
    pub fn by(mut self, name: &'static str) -> Self {
        self.speaker = Some(Some(name));
        self
    }
    /// No speaker at all.
    pub fn nobody(mut self) -> Self {
        self.speaker = Some(None);
        self
    }
    /// The mention text the attribution rests on.
    pub fn mention(mut self, m: &'static str) -> Self {
        self.mention = Some(m);
        self
    }
    pub fn role(mut self, r: &'static str) -> Self {
        self.role = Some(Some(r));
        self
    }
    pub fn no_role(mut self) -> Self {
        self.role = Some(None);
        self
    }
    pub fn person(mut self) -> Self {
        self.speaker_kind = Some(SpeakerKind::Person);
        self
    }
    pub fn org(mut self) -> Self {
        self.speaker_kind = Some(SpeakerKind::Organization);
        self
    }
    pub fn cue(mut self, c: &'static str) -> Self {
        self.cue = Some(Some(c));
        self
    }
    pub fn no_cue(mut self) -> Self {
        self.cue = Some(None);
        self
    }
    pub fn rule(mut self, r: &'static str) -> Self {
        self.rule = Some(r);
        self
    }
}

/// Compact one-line description of a record, for failure messages.
pub fn describe(q: &Quote) -> String {
    let sp = q.speaker.as_ref().map_or("None".to_string(), |s| {
        format!(
            "{:?} (mention {:?}, role {:?}, {:?})",
            s.name, s.mention, s.role, s.kind
        )
    });
    format!(
        "{:?} {:?} speaker={} cue={:?} rule={}",
        q.kind,
        q.text,
        sp,
        q.cue.as_ref().map(|c| c.text.as_str()),
        q.rule
    )
}

fn compare(q: &Quote, e: &Exp) -> Vec<String> {
    let mut errs = Vec::new();
    if q.kind != e.kind {
        errs.push(format!("kind {:?} != expected {:?}", q.kind, e.kind));
    }
    if q.text != e.text {
        errs.push(format!("text {:?} != expected {:?}", q.text, e.text));
    }
    if let Some(want) = e.speaker {
        let got = q.speaker.as_ref().map(|s| s.name.as_str());
        if got != want {
            errs.push(format!("speaker {got:?} != expected {want:?}"));
        }
    }
    if let Some(want) = e.mention {
        let got = q.speaker.as_ref().map(|s| s.mention.as_str());
        if got != Some(want) {
            errs.push(format!("mention {got:?} != expected {want:?}"));
        }
    }
    if let Some(want) = e.role {
        let got = q.speaker.as_ref().and_then(|s| s.role.as_deref());
        if got != want {
            errs.push(format!("role {got:?} != expected {want:?}"));
        }
    }
    if let Some(want) = e.speaker_kind {
        let got = q.speaker.as_ref().map(|s| s.kind);
        if got != Some(want) {
            errs.push(format!("speaker kind {got:?} != expected {want:?}"));
        }
    }
    if let Some(want) = e.cue {
        let got = q.cue.as_ref().map(|c| c.text.as_str());
        if got != want {
            errs.push(format!("cue {got:?} != expected {want:?}"));
        }
    }
    if let Some(want) = e.rule {
        if q.rule != want {
            errs.push(format!("rule {:?} != expected {want:?}", q.rule));
        }
    }
    errs
}

/// Checks that `text` gives exactly the `expected` records, in order, and
/// that the analysis keeps every invariant.
pub fn check(text: &str, expected: &[Exp]) -> Result<(), String> {
    let a = Extractor::new().analyze(text);
    let mut errs = Vec::new();
    if let Err(e) = invariants(text, &a) {
        errs.push(e);
    }
    if a.quotes.len() != expected.len() {
        errs.push(format!(
            "{} records, expected {}",
            a.quotes.len(),
            expected.len()
        ));
    }
    for (i, (q, e)) in a.quotes.iter().zip(expected).enumerate() {
        for err in compare(q, e) {
            errs.push(format!("record {i}: {err}"));
        }
    }
    if errs.is_empty() {
        Ok(())
    } else {
        let got: Vec<String> = a.quotes.iter().map(describe).collect();
        Err(format!(
            "text: {text:?}\n  {}\n  got:\n    {}",
            errs.join("\n  "),
            got.join("\n    ")
        ))
    }
}

/// Runs a table of (text, expected records) and reports every failing row.
pub fn run_table(table: &[(&str, Vec<Exp>)]) {
    let failures: Vec<String> = table
        .iter()
        .filter_map(|(text, want)| check(text, want).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n\n{}",
        failures.len(),
        table.len(),
        failures.join("\n\n")
    );
}

/// The record invariants: spans on char boundaries and matching the text,
/// mentions and cues matching their spans, speaker indices valid, quote
/// counts consistent, quotes in text order, confidence in [0, 1].
pub fn invariants(text: &str, a: &Analysis) -> Result<(), String> {
    let span_ok = |s: usize, e: usize| {
        s <= e && e <= text.len() && text.is_char_boundary(s) && text.is_char_boundary(e)
    };
    let mut counts = vec![0usize; a.speakers.len()];
    let mut prev_start = 0;
    for q in &a.quotes {
        if !span_ok(q.start, q.end) {
            return Err(format!("content span {}..{} is not valid", q.start, q.end));
        }
        if text[q.start..q.end] != q.text {
            return Err(format!("content span does not give {:?}", q.text));
        }
        if q.span().slice(text) != Some(q.text.as_str()) {
            return Err(format!("Quote::span().slice() disagrees for {:?}", q.text));
        }
        if q.start < prev_start {
            return Err("quotes are not in text order".into());
        }
        prev_start = q.start;
        if !(0.0..=1.0).contains(&q.confidence) {
            return Err(format!("confidence {} out of [0, 1]", q.confidence));
        }
        if q.is_paraphrase() != (q.kind != QuoteKind::Direct) {
            return Err("is_paraphrase disagrees with kind".into());
        }
        if let Some(s) = &q.speaker {
            if !span_ok(s.start, s.end) || text[s.start..s.end] != s.mention {
                return Err(format!("mention span does not give {:?}", s.mention));
            }
            if s.name.trim().is_empty() {
                return Err("empty speaker name".into());
            }
            match a.speakers.get(s.index) {
                Some(sp) if sp.name == s.name => counts[s.index] += 1,
                _ => {
                    return Err(format!(
                        "speaker index {} does not name {:?}",
                        s.index, s.name
                    ))
                }
            }
        }
        if let Some(c) = &q.cue {
            if !span_ok(c.start, c.end) || text[c.start..c.end] != c.text {
                return Err(format!("cue span does not give {:?}", c.text));
            }
        }
    }
    for (sp, n) in a.speakers.iter().zip(&counts) {
        if sp.quotes != *n {
            return Err(format!(
                "speaker {:?} counts {} quotes, records say {}",
                sp.name, sp.quotes, n
            ));
        }
        for m in &sp.mentions {
            if m.slice(text).is_none() {
                return Err(format!("mention span {m:?} of {:?} is not valid", sp.name));
            }
        }
    }
    Ok(())
}

/// Runs the extractor and panics with a readable message when the record
/// invariants fail.
pub fn analyze(text: &str) -> Analysis {
    let a = Extractor::new().analyze(text);
    if let Err(e) = invariants(text, &a) {
        panic!("invariants broken for {text:?}: {e}");
    }
    a
}
