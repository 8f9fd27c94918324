//! # whosaid
//!
//! Finds the quotations in English news text and says who said them.
//!
//! ```
//! let text = "Harbour master Olu Brandt inspected the pier. \
//!             He said: “The piles are rotten.” The council said it would pay for repairs.";
//! let quotes = whosaid::Extractor::new().extract(text);
//! assert_eq!(quotes.len(), 2);
//! assert_eq!(quotes[0].text, "The piles are rotten.");
//! assert_eq!(quotes[0].speaker.as_ref().unwrap().name, "Olu Brandt");
//! assert_eq!(quotes[0].speaker.as_ref().unwrap().mention, "He");
//! assert_eq!(quotes[1].text, "it would pay for repairs");
//! assert!(quotes[1].is_paraphrase());
//! ```
//!
//! The pipeline, one module per stage:
//! 1. `segment`: text to tokens, sentences and paragraphs;
//! 2. `marks`: quotation marks to quoted stretches;
//! 3. `cues` and `rules`: the cue lexicon and the attribution rules;
//! 4. `speaker` and `coref`: speakers, roles and coreference;
//! 5. `extractor`: records.
//!
//! All spans are UTF-8 byte offsets into the input, end exclusive.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod coref;
mod cues;
mod error;
mod extractor;
mod marks;
mod record;
mod rules;
mod segment;
mod speaker;

pub use error::Error;
pub use extractor::{Extractor, ExtractorBuilder, RULE_FOLLOW_UP, RULE_ORPHAN};
pub use record::{
    Analysis, Cue, CueClass, Quote, QuoteKind, Span, Speaker, SpeakerKind, SpeakerRef,
};
