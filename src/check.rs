//! Rule examples as checks: [`Extractor::check_examples`] runs the example
//! sentences every rule carries (built-in rules and a user's rule files) and
//! says which do not give their record.

use std::fmt;

use crate::Extractor;

/// One rule example that does not give the record it promises: what
/// [`Extractor::check_examples`] returns for each failing example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExampleFailure {
    /// The id of the rule the example belongs to.
    pub rule: String,
    /// The example's text.
    pub text: String,
    /// What went wrong: no record with the example's content, a record made
    /// by another rule, or another speaker, role or cue than the example's.
    pub problem: String,
}

impl fmt::Display for ExampleFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "rule {:?}: {} in {:?}",
            self.rule, self.problem, self.text
        )
    }
}

impl Extractor {
    /// Runs the examples of every rule of this extractor (the `examples` of
    /// each `[[rule]]` in the built-in rules and in the files given to
    /// [`crate::ExtractorBuilder::rules_from_path`] or
    /// [`crate::ExtractorBuilder::rules_from_str`]) and returns those that fail,
    /// in rule order; an empty list when all pass.
    ///
    /// An example passes when extracting its `text` gives a record whose
    /// content is the example's `content` (ignoring a final full stop or
    /// comma), made by the example's rule, with the example's `speaker`,
    /// `role` and `cue` where the example gives them (no cue when it gives
    /// none). Building an extractor does not run the examples, since they
    /// may depend on rules switched off; call this after a change to a rule
    /// file (`extract --check-rules` does). Never panics.
    ///
    /// ```
    /// let ex = whosaid::Extractor::new();
    /// assert!(ex.check_examples().is_empty()); // the built-in rules' examples pass
    /// ```
    pub fn check_examples(&self) -> Vec<ExampleFailure> {
        let mut out = Vec::new();
        for rule in self.rules() {
            for e in &rule.def.examples {
                let fail = |problem: String| ExampleFailure {
                    rule: rule.def.id.clone(),
                    text: e.text.clone(),
                    problem,
                };
                let quotes = self.extract(&e.text);
                let trim = |s: &str| s.trim_end_matches(['.', ',']).to_string();
                let Some(q) = quotes.iter().find(|q| trim(&q.text) == trim(&e.content)) else {
                    let got: Vec<&str> = quotes.iter().map(|q| q.text.as_str()).collect();
                    out.push(fail(format!("no record {:?} (got {got:?})", e.content)));
                    continue;
                };
                if q.rule != rule.def.id {
                    out.push(fail(format!("the record was made by rule {:?}", q.rule)));
                    continue;
                }
                let name = q.speaker.as_ref().map(|s| s.name.as_str());
                if let Some(want) = e.speaker.as_deref().filter(|&w| name != Some(w)) {
                    out.push(fail(format!("speaker {name:?}, not {want:?}")));
                }
                let role = q.speaker.as_ref().and_then(|s| s.role.as_deref());
                if let Some(want) = e.role.as_deref().filter(|&w| role != Some(w)) {
                    out.push(fail(format!("role {role:?}, not {want:?}")));
                }
                let cue = q.cue.as_ref().map(|c| c.text.as_str());
                if cue != e.cue.as_deref() {
                    out.push(fail(format!("cue {cue:?}, not {:?}", e.cue)));
                }
            }
        }
        out
    }
}
