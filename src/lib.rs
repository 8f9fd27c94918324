#![doc = include_str!("crate-docs.md")]
#![forbid(unsafe_code)]
#![deny(missing_docs)]

mod batch;
mod check;
mod coref;
mod cues;
mod error;
mod extractor;
mod marks;
mod matcher;
mod record;
pub mod report;
mod rules;
mod sections;
mod segment;
mod speaker;

pub use check::ExampleFailure;
pub use error::Error;
pub use extractor::{
    Extractor, ExtractorBuilder, DEFAULT_BLOCK_TOKENS, RULE_FOLLOW_UP, RULE_ORPHAN,
    RULE_SPEAKER_VERB,
};
pub use record::{
    Analysis, Cue, CueClass, Quote, QuoteKind, Span, Speaker, SpeakerKind, SpeakerRef,
};
pub use sections::DEFAULT_SECTION_BYTES;

/// The README's Rust examples, compiled and run as doc tests.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
