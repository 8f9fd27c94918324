//! Fuzzes the rule-file parser and compiler:
//! `Extractor::builder().rules_from_str(s).build()` must return `Ok` or
//! `Err`, never panic, and an extractor it builds must run on news text
//! without panicking and with valid spans.
#![no_main]

use libfuzzer_sys::fuzz_target;
use whosaid::Extractor;

const TEXT: &str = "Harbour master Olu Brandt inspected the pier. He said: \
“The piles are rotten.” The council said it would pay, according to a spokeswoman. \
“We will rebuild,” said Mayor Ana Ruiz, adding that work would start soon.\n\n\
'Fine,' she told reporters. Officials harrumphed that the plan was \"dead\".";

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else {
        return;
    };
    let built = Extractor::builder().rules_from_str(src).build();
    if let Ok(ex) = built {
        for q in ex.extract(TEXT) {
            assert_eq!(q.text, &TEXT[q.start..q.end]);
            if let Some(s) = &q.speaker {
                assert_eq!(s.mention, &TEXT[s.start..s.end]);
            }
            if let Some(c) = &q.cue {
                assert_eq!(c.text, &TEXT[c.start..c.end]);
            }
        }
    }
});
