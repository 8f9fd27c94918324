//! Records: the owned, serde-ready output of the pipeline.
//!
//! Every span in this module is a pair of UTF-8 **byte** offsets into the
//! text given to [`Extractor::extract`](crate::Extractor::extract), start
//! inclusive and end exclusive, and always on character boundaries.

use serde::{Deserialize, Serialize};

/// A range of the input text in UTF-8 byte offsets, end exclusive.
///
/// Both ends always fall on character boundaries of the text the span was
/// made from, so `&text[span.start..span.end]` never panics for a span this
/// crate returns with that text.
///
/// ```
/// use whosaid::Span;
/// let text = "Zoë said “hi”.";
/// let span = Span::new(13, 15); // the word "hi"
/// assert_eq!(span.slice(text), Some("hi"));
/// assert_eq!(span.to_chars(text), Some((10, 12)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Span {
    /// First byte of the span.
    pub start: usize,
    /// One past the last byte of the span.
    pub end: usize,
}

impl Span {
    /// Makes a span from byte offsets `start..end`.
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// Length in bytes.
    pub const fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// True when the span covers no byte.
    pub const fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    /// The text of the span, or `None` when it is out of bounds of `text` or
    /// not on character boundaries (that is, when it was made from another
    /// text).
    pub fn slice<'t>(&self, text: &'t str) -> Option<&'t str> {
        text.get(self.start..self.end)
    }

    /// The same span in Unicode scalar values (`char`s), as used by Python
    /// strings and many other languages: `(start, end)`, end exclusive.
    /// `None` when the span does not fit `text`.
    ///
    /// This walks the text up to `end`, so it costs O(end).
    pub fn to_chars(&self, text: &str) -> Option<(usize, usize)> {
        let head = text.get(..self.start)?;
        let body = text.get(self.start..self.end)?;
        let start = head.chars().count();
        Some((start, start + body.chars().count()))
    }
}

/// What sort of quotation a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum QuoteKind {
    /// The speaker's own words, between quotation marks.
    Direct,
    /// Reported speech with no quotation marks: `she said the plan had failed`.
    Indirect,
    /// Reported speech that holds a verbatim fragment in quotation marks:
    /// `she said the plan had "failed utterly"`.
    Mixed,
}

impl QuoteKind {
    /// The lowercase name used in JSON: `"direct"`, `"indirect"` or `"mixed"`.
    pub fn as_str(&self) -> &'static str {
        match self {
            QuoteKind::Direct => "direct",
            QuoteKind::Indirect => "indirect",
            QuoteKind::Mixed => "mixed",
        }
    }
}

/// Whether a speaker is a person, an organisation, or cannot be told.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SpeakerKind {
    /// A person, named or not ("Jake Sullivan", "a spokeswoman", "he").
    Person,
    /// An organisation, institution, country or publication ("the Pentagon").
    Organization,
    /// Neither could be told from the text.
    Unknown,
}

/// The semantic class of a cue, from the cue lexicon.
///
/// By default only [`CueClass::Speech`] and [`CueClass::Report`] cues make
/// records; the builder's `cue_classes` chooses others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CueClass {
    /// Verbs and phrases of saying: "said", "told", "according to", "tweeted".
    Speech,
    /// Reports by a third party: "reported", "has learned".
    Report,
    /// Verbs of belief, wish and intention: "believes", "thinks", "wants".
    Belief,
    /// Evidence from documents and data: "shows", "found", "suggests".
    Evidence,
    /// Stances taken toward a person or thing, with no reported words of
    /// their own: "praised", "criticized", "endorsed".
    Stance,
}

impl CueClass {
    /// All classes, in declaration order.
    pub const ALL: [CueClass; 5] = [
        CueClass::Speech,
        CueClass::Report,
        CueClass::Belief,
        CueClass::Evidence,
        CueClass::Stance,
    ];

    /// The lowercase name used in rule files and JSON.
    pub fn as_str(&self) -> &'static str {
        match self {
            CueClass::Speech => "speech",
            CueClass::Report => "report",
            CueClass::Belief => "belief",
            CueClass::Evidence => "evidence",
            CueClass::Stance => "stance",
        }
    }

    /// Parses a lowercase class name; `None` for an unknown name.
    pub fn parse(name: &str) -> Option<CueClass> {
        CueClass::ALL.into_iter().find(|c| c.as_str() == name)
    }
}

/// The speaker of one quotation, as this attribution names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpeakerRef {
    /// The resolved name: the fullest name the article gives, without title
    /// or leading article ("Jake Sullivan" where the text says "He"; "agriculture
    /// minister" for an unnamed source).
    pub name: String,
    /// The text of the mention this attribution rests on ("He", "Sullivan").
    pub mention: String,
    /// Byte offset where the mention starts.
    pub start: usize,
    /// Byte offset one past the end of the mention.
    pub end: usize,
    /// The speaker's role or title as written, without article
    /// ("U.S. National Security Advisor"), wherever the article gives one for
    /// this speaker, even in another sentence.
    pub role: Option<String>,
    /// Person, organisation or unknown.
    pub kind: SpeakerKind,
    /// Index of this speaker in [`Analysis::speakers`].
    pub index: usize,
}

impl SpeakerRef {
    /// The mention's span.
    pub fn span(&self) -> Span {
        Span::new(self.start, self.end)
    }
}

/// The words that introduce a quotation ("said", "According to").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cue {
    /// The cue as written, with any auxiliary that belongs to it ("has said").
    pub text: String,
    /// Its dictionary form from the cue lexicon ("say", "according to").
    pub lemma: String,
    /// Byte offset where the cue starts.
    pub start: usize,
    /// Byte offset one past the end of the cue.
    pub end: usize,
    /// The cue's semantic class.
    pub class: CueClass,
}

impl Cue {
    /// The cue's span.
    pub fn span(&self) -> Span {
        Span::new(self.start, self.end)
    }
}

/// One quotation: its content, kind, speaker and cue.
///
/// Serialised with serde, a quote gives the JSON object that
/// `examples/extract.rs` writes and that the scorer reads:
/// `{"kind", "start", "end", "text", "speaker", "cue", "rule", "confidence"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    /// Direct, indirect or mixed.
    pub kind: QuoteKind,
    /// Byte offset where the content starts. For a direct quote this is just
    /// inside the opening mark; for reported speech, the first word of the
    /// reported clause (after any "that").
    pub start: usize,
    /// Byte offset one past the content's end: just before the closing mark of
    /// a direct quote; before the final full stop of reported speech.
    pub end: usize,
    /// The content, `&text[start..end]`.
    pub text: String,
    /// Who said it; `None` when the text names no source.
    pub speaker: Option<SpeakerRef>,
    /// The cue; `None` for a follow-up quote or an attribution by colon,
    /// dash or byline.
    pub cue: Option<Cue>,
    /// The id of the rule that made the attribution (see `src/rules/english.toml`).
    pub rule: String,
    /// How sure the rule is, in `[0, 1]`. Serialised with at most three
    /// decimals (`0.85`, not `0.8500000238418579`).
    #[serde(serialize_with = "short_float")]
    pub confidence: f32,
}

/// Writes an `f32` as the shortest decimal of at most three places.
fn short_float<S: serde::Serializer>(x: &f32, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((f64::from(*x) * 1000.0).round() / 1000.0)
}

impl Quote {
    /// The content's span.
    pub fn span(&self) -> Span {
        Span::new(self.start, self.end)
    }

    /// True unless the quote is [`QuoteKind::Direct`]: indirect and mixed
    /// quotes are paraphrases.
    pub fn is_paraphrase(&self) -> bool {
        self.kind != QuoteKind::Direct
    }
}

/// One distinct source in an article: a person or organisation with every
/// mention that refers to it and how often it is quoted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Speaker {
    /// The resolved name (see [`SpeakerRef::name`]).
    pub name: String,
    /// The first role the article gives for this speaker, as written.
    pub role: Option<String>,
    /// Person, organisation or unknown.
    pub kind: SpeakerKind,
    /// Every mention of this speaker found in the text, in text order,
    /// including those that carry no quote.
    pub mentions: Vec<Span>,
    /// How many of the article's quotes this speaker has.
    pub quotes: usize,
}

/// The result of [`Extractor::analyze`](crate::Extractor::analyze): the
/// quotes of one article and its speakers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    /// The quotes in text order.
    pub quotes: Vec<Quote>,
    /// The distinct speakers, in order of first mention; `Quote::speaker.index`
    /// points into this list.
    pub speakers: Vec<Speaker>,
}

impl Analysis {
    /// Moves every span by `by` bytes: the analysis of a section that starts
    /// `by` bytes into a longer text, made to point into that text.
    pub(crate) fn shift(&mut self, by: usize) {
        for q in &mut self.quotes {
            q.start += by;
            q.end += by;
            if let Some(s) = &mut q.speaker {
                s.start += by;
                s.end += by;
            }
            if let Some(c) = &mut q.cue {
                c.start += by;
                c.end += by;
            }
        }
        for m in self.speakers.iter_mut().flat_map(|s| &mut s.mentions) {
            m.start += by;
            m.end += by;
        }
    }

    /// The part of this analysis that belongs to the section `start..end`:
    /// the quotes whose content starts there, the speakers of those quotes
    /// (renumbered, with their quote counts recounted) and, of each
    /// speaker's mentions, those inside the section or under a kept quote.
    pub(crate) fn keep(self, start: usize, end: usize) -> Analysis {
        let quotes: Vec<Quote> = self
            .quotes
            .into_iter()
            .filter(|q| (start..end).contains(&q.start))
            .collect();
        let mut new_index = vec![None; self.speakers.len()];
        let mut speakers: Vec<Speaker> = Vec::new();
        let mut quotes = quotes;
        for q in &mut quotes {
            let Some(s) = &mut q.speaker else { continue };
            let Some(old) = self.speakers.get(s.index) else {
                continue;
            };
            let i = *new_index[s.index].get_or_insert_with(|| {
                speakers.push(Speaker {
                    mentions: Vec::new(),
                    quotes: 0,
                    ..old.clone()
                });
                speakers.len() - 1
            });
            speakers[i].quotes += 1;
            s.index = i;
        }
        let rests_on: std::collections::HashSet<(usize, usize)> = quotes
            .iter()
            .filter_map(|q| q.speaker.as_ref().map(|s| (s.index, s.start)))
            .collect();
        for (old, new) in self.speakers.iter().zip(&new_index) {
            let Some(i) = *new else { continue };
            speakers[i].mentions = old
                .mentions
                .iter()
                .filter(|m| (m.start >= start && m.end <= end) || rests_on.contains(&(i, m.start)))
                .copied()
                .collect();
        }
        Analysis { quotes, speakers }
    }
}
