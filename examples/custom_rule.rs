//! Extend the built-in rules with a rule file: one new cue verb and one new
//! pattern, then show the records they make.
//!
//! ```text
//! cargo run --example custom_rule
//! ```

use whosaid::Extractor;

/// A newsroom's own additions, in the format of `src/rules/english.toml`.
const RULES: &str = r#"
# "harrumphed" is not a built-in cue.
[[cue]]
lemma = "harrumph"
class = "speech"
finite = ["harrumphed"]

# A sports-desk habit: `Coach Lee on the defeat: "..."`.
[[rule]]
id = "speaker-on-topic-quote"
priority = 80
yields = "direct"
confidence = 0.7
pattern = "^ {speaker} on ... : {quote}"
examples = [
  { text = "Coach Ada Lee on the defeat: “We were outplayed.”", content = "We were outplayed.", speaker = "Ada Lee" },
]
"#;

fn main() -> Result<(), whosaid::Error> {
    let text = "“The budget is a fantasy,” the minister harrumphed.\n\n\
                Coach Ada Lee on the defeat: “We were outplayed.”";

    let plain = Extractor::new();
    println!("built-in rules: {} record(s)", plain.extract(text).len());

    let custom = Extractor::builder().rules_from_str(RULES).build()?;
    for q in custom.extract(text) {
        let who = q.speaker.as_ref().map_or("(unknown)", |s| s.name.as_str());
        let cue = q.cue.as_ref().map_or("-", |c| c.text.as_str());
        println!("{who} [{cue}, rule {}]: {}", q.rule, q.text);
    }
    Ok(())
}
