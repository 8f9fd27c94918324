//! Stage 5: the pipeline and its records. [`Extractor`] runs the stages in
//! order — marks, tokens and sentences, rules, speakers and coreference — and
//! turns their output into [`Quote`] records.

use rustc_hash::FxHashSet as HashSet;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use once_cell::sync::OnceCell;
use regex::bytes::Regex;

use crate::coref::{self, Registry};
use crate::cues::Lexicon;
use crate::error::Error;
use crate::marks;
use crate::matcher::{scratch_for, Alphabet, Matcher, Scratch, StartSearch};
use crate::record::{Analysis, Cue, CueClass, Quote, QuoteKind, Speaker, SpeakerRef};
use crate::rules::{RuleDef, RuleFile, RuleSet, Yields};
use crate::segment::{
    class as c, tokenize, tokenize_into, Classifier, Doc, DocBuffers, Vocab, MAX_TEXT,
};
use crate::speaker::{self, Mention};
use regex_automata::hybrid::dfa::Cache as DfaCache;
use regex_automata::util::pool::Pool;
use std::panic::{RefUnwindSafe, UnwindSafe};

const BUILTIN_RULES: &str = include_str!("rules/english.toml");
const BUILTIN_CUES: &str = include_str!("rules/cues.toml");

/// Rule id of a quote with no cue of its own that keeps the previous speaker.
pub const RULE_FOLLOW_UP: &str = "follow-up";
/// Rule id of a quote with no cue and no earlier speaker to keep.
pub const RULE_ORPHAN: &str = "orphan";
/// Rule id of a quotation signed with a dash and a name, in its sentence
/// (a rule of `english.toml`) or in the next paragraph.
const RULE_QUOTE_DASH: &str = "quote-dash-speaker";
/// The longest document (in tokens) whose per-document lists a thread keeps
/// for the next one (see [`RuleSearch`] and [`ResolveBuffers`]): some
/// hundred times a news article, so that a thread that once read a long
/// text does not hold memory in proportion to it.
const KEEP_TOKENS: usize = 1 << 17;
/// The default of [`ExtractorBuilder::block_tokens`]: 16,384 tokens (words,
/// punctuation marks, quotations), about 110 KB of news text, a few long
/// articles. Blocks of 16 K to 128 K tokens measured alike on long texts;
/// 4 K was slower.
pub const DEFAULT_BLOCK_TOKENS: usize = 16_384;
/// Rule id of a quotation that opens its sentence and is followed by a
/// speaker and a verb that no rule could parse with it: a verb outside the
/// cue lexicon (`“Not now,” he mocks.`, `“Why not?” Ann Lee pressed.`), whose
/// cue is none, or a cue after a longer phrase (`“Not now,” a voice in the
/// advert says.`). The quotation holds two words or more.
pub const RULE_SPEAKER_VERB: &str = "quote-speaker-verb";

/// Options for building an [`Extractor`]; made by [`Extractor::builder`].
///
/// ```
/// use whosaid::{CueClass, Extractor};
/// let ex = Extractor::builder()
///     .cue_classes([CueClass::Speech])
///     .disable_rule("content-speaker-cue")
///     .build()
///     .unwrap();
/// assert_eq!(ex.extract("“Fine,” said Ola Berg.").len(), 1);
/// ```
#[derive(Debug, Clone)]
pub struct ExtractorBuilder {
    files: Vec<(String, String)>,
    disabled: Vec<String>,
    only: Option<Vec<String>>,
    classes: Vec<CueClass>,
    max_bytes: Option<usize>,
    block_tokens: usize,
}

impl Default for ExtractorBuilder {
    fn default() -> Self {
        ExtractorBuilder {
            files: Vec::new(),
            disabled: Vec::new(),
            only: None,
            classes: vec![CueClass::Speech, CueClass::Report],
            max_bytes: None,
            block_tokens: DEFAULT_BLOCK_TOKENS,
        }
    }
}

impl ExtractorBuilder {
    /// Adds the rules and cue words of a rule file given as TOML text (the
    /// format of `src/rules/english.toml` and `src/rules/cues.toml`). Errors
    /// surface from [`build`](Self::build).
    pub fn rules_from_str(mut self, toml: &str) -> Self {
        self.files.push((toml.to_string(), "<string>".to_string()));
        self
    }

    /// Reads a rule file from `path`; an unreadable file is an error here.
    pub fn rules_from_path(mut self, path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let name = path.display().to_string();
        let src = std::fs::read_to_string(path)
            .map_err(|e| Error::rule_file(&name, None, format!("cannot read: {e}")))?;
        self.files.push((src, name));
        Ok(self)
    }

    /// Switches off the rule with this id. An unknown id is an error at build.
    pub fn disable_rule(mut self, id: impl Into<String>) -> Self {
        self.disabled.push(id.into());
        self
    }

    /// Keeps only the rules with these ids. An unknown id is an error at build.
    pub fn only_rules<I, S>(mut self, ids: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.only = Some(ids.into_iter().map(Into::into).collect());
        self
    }

    /// Chooses which cue classes make records (default: speech and report).
    pub fn cue_classes<I: IntoIterator<Item = CueClass>>(mut self, classes: I) -> Self {
        self.classes = classes.into_iter().collect();
        self
    }

    /// Texts longer than this many bytes give no records (default: no limit).
    pub fn max_bytes(mut self, n: usize) -> Self {
        self.max_bytes = Some(n);
        self
    }

    /// Sets the least number of tokens (words, punctuation marks,
    /// quotations) in a block: after tokenising a long text, the rules,
    /// drafts and speakers take it a block of paragraphs at a time (default
    /// [`DEFAULT_BLOCK_TOKENS`]; 0 is taken as 1).
    ///
    /// A block ends at the first line break after it holds `n` tokens
    /// (every line is a paragraph here), except before a paragraph that goes
    /// on with a quotation from the one before, and only if at least `n`
    /// tokens follow; so a text of fewer than `2 × n` tokens, or with no line
    /// break, is one block. The records are the same for every size: no rule
    /// match and no quotation crosses a cut, and coreference runs on over
    /// the whole text.
    ///
    /// This is a speed setting, which few callers need to change: blocks
    /// whose lists stay in the processor's caches keep a long text about as
    /// fast per byte as an article. It does not bound memory, which still
    /// grows with the text (its tokens are kept whole); to keep memory to a
    /// part of a very long text, use [`Extractor::analyze_sections`].
    pub fn block_tokens(mut self, n: usize) -> Self {
        self.block_tokens = n.max(1);
        self
    }

    /// Compiles the lexicon and the rules.
    ///
    /// # Errors
    /// A rule file that is not valid TOML, an invalid pattern, an unknown
    /// placeholder or cue class, a duplicate rule id, or an unknown id given
    /// to [`disable_rule`](Self::disable_rule) or [`only_rules`](Self::only_rules).
    pub fn build(self) -> Result<Extractor, Error> {
        let mut lexicon = Lexicon::builtin()?;
        let cues = RuleFile::parse(BUILTIN_CUES, "src/rules/cues.toml")?;
        let builtin = RuleFile::parse(BUILTIN_RULES, "src/rules/english.toml")?;
        let mut defs: Vec<(RuleDef, String)> = Vec::new();
        for cue in &cues.cue {
            lexicon.add_cue(cue, "src/rules/cues.toml")?;
        }
        for r in builtin.rule {
            defs.push((r, "src/rules/english.toml".into()));
        }
        for cue in &builtin.cue {
            lexicon.add_cue(cue, "src/rules/english.toml")?;
        }
        for (src, name) in &self.files {
            let f = RuleFile::parse(src, name)?;
            for cue in &f.cue {
                lexicon.add_cue(cue, name)?;
            }
            for r in f.rule {
                defs.push((r, name.clone()));
            }
        }
        let known: HashSet<String> = defs.iter().map(|(d, _)| d.id.clone()).collect();
        for id in self.disabled.iter().chain(self.only.iter().flatten()) {
            if !known.contains(id) {
                return Err(Error::rule_file(
                    "<builder>",
                    Some(id),
                    "no rule has this id".into(),
                ));
            }
        }
        defs.retain(|(d, _)| {
            !self.disabled.contains(&d.id) && self.only.as_ref().map_or(true, |o| o.contains(&d.id))
        });
        let classes: HashSet<CueClass> = self.classes.iter().copied().collect();
        let rules = RuleSet::compile(defs, &lexicon, &classes)?;
        let np_starts = Arc::new(rules.np_starts.clone());
        let for_cache = np_starts.clone();
        let np_caches: DfaPool = Pool::new(Box::new(move || for_cache.cache()));
        let subject_starts = Arc::new(rules.subject_starts.clone());
        let for_cache = subject_starts.clone();
        let subject_caches: DfaPool = Pool::new(Box::new(move || for_cache.cache()));
        let for_cache = rules.attribution_search.clone();
        let attribution_caches: DfaPool = Pool::new(Box::new(move || for_cache.cache()));
        let matchers: Vec<Arc<Matcher>> = rules.rules.iter().map(|r| r.matcher.clone()).collect();
        let word_kinds = speaker::WordKinds::new(&lexicon);
        let vocab = Vocab::new(&lexicon, &classes, &rules.literals, &word_kinds);
        let scratch: ScratchPool = Pool::new(Box::new(move || RuleSearch {
            scratch: scratch_for(&matchers),
            anchors: Vec::new(),
            windows: Vec::new(),
        }));
        let needs = RuleNeeds::new(&rules.rules, &rules.alphabet);
        // `token_key` gives no key for longer tokens.
        debug_assert!(lexicon.calendar.iter().all(|w| listable(w)));
        Ok(Extractor {
            inner: Arc::new(Inner {
                scratch,
                registries: Pool::new(Box::new(ResolveBuffers::default)),
                documents: Pool::new(Box::new(RunBuffers::default)),
                vocab,
                word_kinds,
                needs,
                lexicon,
                rules,
                classes,
                np: OnceCell::new(),
                np_starts,
                np_caches,
                subject: OnceCell::new(),
                subject_starts,
                subject_caches,
                attribution: OnceCell::new(),
                attribution_caches,
                max_bytes: self.max_bytes,
                block_tokens: self.block_tokens,
            }),
        })
    }
}

#[derive(Debug)]
struct Inner {
    lexicon: Lexicon,
    rules: RuleSet,
    classes: HashSet<CueClass>,
    /// A speaker noun phrase, for mention detection: the regex crate's
    /// search, built on first use, where `np_starts` gives up.
    np: OnceCell<Regex>,
    /// The same, searched from the bytes it can start with.
    np_starts: Arc<StartSearch>,
    /// Per-thread search state of `np_starts`.
    np_caches: DfaPool,
    /// A clause subject, for participle clauses: the regex crate's search,
    /// built on first use, where `subject_starts` is not used or gives up.
    subject: OnceCell<Option<regex_automata::meta::Regex>>,
    /// The same, searched from the bytes it can start with: the sentence
    /// subjects of `resolve`, where an unanchored search would build the
    /// states of a lazy DFA forward and one in reverse.
    subject_starts: Arc<StartSearch>,
    /// Per-thread search state of `subject_starts`.
    subject_caches: DfaPool,
    /// Anchored speaker + cue, where reported clauses stop: the regex
    /// crate's search, built on first use, where the rules'
    /// `attribution_search` gives up.
    attribution: OnceCell<Regex>,
    /// Per-thread search state of the rules' `attribution_search`.
    attribution_caches: DfaPool,
    max_bytes: Option<usize>,
    /// Tokens per block (see [`ExtractorBuilder::block_tokens`]).
    block_tokens: usize,
    /// Per-thread search state of the rules.
    scratch: ScratchPool,
    /// Per-thread buffers of the coreference registry and the rest of
    /// [`Extractor::resolve`], kept from one article to the next.
    registries: BuffersPool,
    /// Per-thread lists of the tokeniser and of [`Extractor::run`], kept
    /// from one article to the next.
    documents: RunPool,
    /// The word lists, merged for the tokeniser.
    vocab: Vocab,
    /// The word lists that speakers' phrases are read with, merged.
    word_kinds: speaker::WordKinds,
    /// What the rules need a sentence to hold, as bit sets.
    needs: RuleNeeds,
}

/// The rules' [`needs`](crate::rules::Rule::needs) as bit sets, so that
/// one pass over a document's class bytes tells, for every rule at once,
/// which sentences can hold its matches.
#[derive(Debug)]
struct RuleNeeds {
    /// For each class byte, what it tells of the sentence that holds it.
    by_byte: [Meets; 256],
    /// The rules in groups: the same needs, and the same anchor bytes
    /// (see [`Matcher::anchor_bytes`]; none for a rule that searches the
    /// text from every position). The needs of each group.
    groups: Vec<u64>,
    /// For each rule, its group.
    group_of: Vec<usize>,
    /// For each set of the first eight needs (bit `j` for need `j`), the
    /// groups among the first 64 (bit `g` for group `g`) with needs that it
    /// meets; empty with more than eight needs.
    met_by: Vec<u64>,
    /// The groups whose rules search the text from their anchors (bit `g`
    /// for group `g`, below 64).
    anchored: u64,
    /// The number of lists of anchors: one for each distinct set of anchor
    /// bytes of the rules (one for all, past 64 sets), so that a rule looks
    /// only at the positions of its own anchors.
    lists: usize,
    /// For each rule, its list of anchors.
    list_of: Vec<usize>,
    /// Whether each list holds the anchors of one set of bytes (not so
    /// past 64 sets): a rule's list then holds its own anchors alone.
    own_lists: bool,
}

/// What a class byte tells of the sentence that holds it.
#[derive(Debug, Clone, Copy, Default)]
struct Meets {
    /// The needs it meets: bit `j` stands for the `j`-th distinct need of
    /// any rule ("one of these bytes"). Past 63 distinct needs, the rest
    /// share bit 63, met by any of their bytes: a looser filter, never a
    /// stricter one.
    needs: u64,
    /// The groups whose rules it anchors (bit `g % 64` for group `g`: past
    /// 64 groups, a bit stands for several, which only makes runs shorter);
    /// not 0 for the bytes that anchor some rule, renumbered by `alphabet`.
    keys: u64,
    /// The lists of anchors it stands in (bit `j` for list `j`, see
    /// [`RuleNeeds::lists`]).
    lists: u64,
}

impl RuleNeeds {
    /// The needs of `rules`, numbered in the order they first appear;
    /// `alphabet` renumbers class bytes for the rules' searches.
    fn new(rules: &[crate::rules::Rule], alphabet: &Alphabet) -> RuleNeeds {
        let mut needs_by_byte = [0u64; 256];
        let mut keys_by_byte = [0u64; 256];
        let mut distinct: Vec<Vec<u8>> = Vec::new();
        let mut groups: Vec<(u64, Vec<u8>)> = Vec::new();
        let mut group_of = Vec::with_capacity(rules.len());
        let mut anchored = 0u64;
        // The distinct sets of anchor bytes (renumbered), and each rule's.
        let mut key_sets: Vec<Vec<u8>> = Vec::new();
        let mut list_of = Vec::with_capacity(rules.len());
        for rule in rules {
            let mut mask = 0u64;
            for need in &rule.needs {
                let mut bytes = need.clone();
                bytes.sort_unstable();
                bytes.dedup();
                let j = match distinct.iter().position(|d| *d == bytes) {
                    Some(j) => j,
                    None => {
                        distinct.push(bytes.clone());
                        distinct.len() - 1
                    }
                };
                let bit = 1u64 << j.min(63);
                for &b in &bytes {
                    needs_by_byte[b as usize] |= bit;
                }
                mask |= bit;
            }
            let group = (mask, rule.matcher.anchor_bytes().collect::<Vec<u8>>());
            list_of.push(match key_sets.iter().position(|k| *k == group.1) {
                Some(j) => j,
                None => {
                    key_sets.push(group.1.clone());
                    key_sets.len() - 1
                }
            });
            let g = match groups.iter().position(|x| *x == group) {
                Some(g) => g,
                None => {
                    let bit = 1u64 << (groups.len() % 64);
                    for &b in &group.1 {
                        keys_by_byte[b as usize] |= bit;
                    }
                    if !group.1.is_empty() && groups.len() < 64 {
                        anchored |= bit;
                    }
                    groups.push(group);
                    groups.len() - 1
                }
            };
            group_of.push(g);
        }
        // Past 64 sets, one list holds every anchor.
        let own_lists = key_sets.len() <= 64;
        if !own_lists {
            key_sets = vec![key_sets.concat()];
            list_of.iter_mut().for_each(|j| *j = 0);
        }
        let mut lists_by_byte = [0u64; 256];
        for (j, set) in key_sets.iter().enumerate() {
            for &b in set {
                lists_by_byte[b as usize] |= 1 << j;
            }
        }
        let mut by_byte = [Meets::default(); 256];
        for (b, m) in by_byte.iter_mut().enumerate() {
            let renumbered = alphabet.byte(b as u8) as usize;
            m.needs = needs_by_byte[b];
            m.keys = keys_by_byte[renumbered];
            m.lists = lists_by_byte[renumbered];
        }
        let groups: Vec<u64> = groups.into_iter().map(|(mask, _)| mask).collect();
        let met_by = if distinct.len() <= 8 {
            (0..256u64)
                .map(|held| RuleNeeds::met_among(&groups, held))
                .collect()
        } else {
            Vec::new()
        };
        RuleNeeds {
            by_byte,
            groups,
            group_of,
            met_by,
            anchored,
            lists: key_sets.len(),
            list_of,
            own_lists,
        }
    }

    /// The groups among the first 64 of `groups` with needs whose needs
    /// `held` meets (bit `g` for group `g`).
    fn met_among(groups: &[u64], held: u64) -> u64 {
        groups
            .iter()
            .take(64)
            .enumerate()
            .filter(|&(_, &need)| need != 0 && held & need == need)
            .fold(0, |met, (g, _)| met | 1 << g)
    }

    /// The groups among the first 64 with needs whose needs `held` meets.
    fn met(&self, held: u64) -> u64 {
        match self.met_by.get(held as usize) {
            Some(&met) => met,
            None => RuleNeeds::met_among(&self.groups, held),
        }
    }
}

type DfaPool = Pool<
    regex_automata::hybrid::dfa::Cache,
    Box<dyn Fn() -> regex_automata::hybrid::dfa::Cache + Send + Sync + UnwindSafe + RefUnwindSafe>,
>;

/// Per-thread search state of the rules, and the lists that
/// [`Extractor::candidates`] makes for each document (where the anchors
/// stand, and the runs of sentences each group of rules searches), kept
/// from one document to the next so that they are not allocated and grown
/// anew for each.
#[derive(Debug)]
struct RuleSearch {
    scratch: Scratch,
    anchors: Vec<Vec<u32>>,
    windows: Vec<Vec<(usize, usize)>>,
}

type ScratchPool =
    Pool<RuleSearch, Box<dyn Fn() -> RuleSearch + Send + Sync + UnwindSafe + RefUnwindSafe>>;

type RunPool =
    Pool<RunBuffers, Box<dyn Fn() -> RunBuffers + Send + Sync + UnwindSafe + RefUnwindSafe>>;

/// The lists of a document's tokens, sentences and hay, and of its hay
/// in the rules' alphabet, kept from one article to the next (in a pool,
/// one per thread) so that an article allocates them only when it needs
/// more room than any before.
#[derive(Debug, Default)]
struct RunBuffers {
    doc: DocBuffers,
    /// `doc.hay` in the rules' alphabet (see `matcher::Alphabet`).
    renumbered: Vec<u8>,
}

type BuffersPool = Pool<
    ResolveBuffers,
    Box<dyn Fn() -> ResolveBuffers + Send + Sync + UnwindSafe + RefUnwindSafe>,
>;

/// The buffers of [`Extractor::resolve`] that hold no text, kept from one
/// article to the next (in a pool, one per thread) so that an article
/// allocates them only when it needs more room than any before.
#[derive(Debug, Default)]
struct ResolveBuffers {
    registry: coref::Buffers,
    /// The look-ups of the words (see [`speaker::Words`]).
    flags: Vec<u16>,
    /// Per token: it is in a speaker's phrase.
    spoken: Vec<bool>,
    /// Per record: the entity of its speaker and the span of its mention.
    linked: Vec<Option<(usize, (usize, usize))>>,
    /// The entity of each speaker mention linked, by its span.
    entity_at: rustc_hash::FxHashMap<(usize, usize), usize>,
    /// The parts of one phrase.
    parts: Vec<(usize, usize)>,
    /// The speakers' entities, in order.
    order: Vec<usize>,
    /// Per entity: its speaker's index.
    index_of: Vec<usize>,
}

/// The quotation extractor: compiled rules and lexicon, shared behind an
/// `Arc`, so cloning is cheap and one extractor serves many threads
/// (`Extractor` is `Send + Sync`).
///
/// ```
/// let ex = whosaid::Extractor::new();
/// let quotes = ex.extract("“We open on Monday,” said Mira Olsen, the library's director.");
/// assert_eq!(quotes[0].text, "We open on Monday,");
/// let speaker = quotes[0].speaker.as_ref().unwrap();
/// assert_eq!(speaker.name, "Mira Olsen");
/// assert_eq!(speaker.role.as_deref(), Some("library's director"));
/// ```
#[derive(Debug, Clone)]
pub struct Extractor {
    inner: Arc<Inner>,
}

impl Default for Extractor {
    fn default() -> Self {
        Extractor::new()
    }
}

/// A match of one rule before conflicts are settled (token indices).
#[derive(Debug, Clone, Copy)]
struct Candidate {
    rule: usize,
    priority: i32,
    /// Where its quotation tokens stand in [`Candidates::quotes`].
    quotes: (usize, usize),
    content: Option<(usize, usize)>,
    speaker: Option<(usize, usize)>,
    cue: Option<(usize, usize)>,
    who: Option<usize>,
}

impl Candidate {
    /// Its quotation tokens, out of `all` (see [`Candidates::quotes`]).
    fn quotes<'a>(&self, all: &'a [usize]) -> &'a [usize] {
        &all[self.quotes.0..self.quotes.1]
    }
}

/// The matches of the rules in a document, in the order they are weighed,
/// and the quotation tokens of all of them, one after another (so that a
/// match takes no list of its own).
struct Candidates {
    list: Vec<Candidate>,
    quotes: Vec<usize>,
}

/// One block of a document for the stages after tokens: rules, drafts,
/// speakers (see [`blocks`]).
struct Block<'b> {
    /// Its sentences.
    sents: Range<usize>,
    /// The tokens of its quotation pieces, with their pieces, in order.
    quote_tokens: &'b [(usize, usize)],
    /// Per token of the document: 0 free, 1 speaker or cue of a record, 2
    /// content of a record.
    used: &'b mut [u8],
    /// Per quotation piece of the document: the draft of its block that
    /// holds it.
    draft_of_piece: &'b mut [Option<usize>],
}

/// The tokens of sentences `sents` and any between them and the next
/// block (to the end for the last).
fn block_token_range(doc: &Doc<'_>, sents: &Range<usize>) -> Range<usize> {
    let start = if sents.start == 0 {
        0
    } else {
        doc.sentences[sents.start].tokens.start
    };
    let end = match doc.sentences.get(sents.end) {
        Some(s) => s.tokens.start,
        None => doc.tokens.len(),
    };
    start..end.max(start)
}

/// How many tokens the block of sentences `sents` holds.
fn block_tokens(doc: &Doc<'_>, sents: &Range<usize>) -> usize {
    block_token_range(doc, sents).len()
}

/// The blocks of a document for the stages after tokens, as ranges of
/// sentences: a new block opens at a paragraph once the block before holds
/// `size` tokens or more, unless the paragraph's first quotation piece (or,
/// with none, the next piece) continues a quotation of the paragraph before.
/// At least one block, which is all of a text of fewer than `2 × size`
/// tokens.
///
/// The rules never match across sentences and a reported clause ends with
/// its paragraph, so the candidates of a block hold tokens of that block
/// only, and weighing each block's candidates on their own gives the drafts
/// of weighing all of them at once; a quotation over several paragraphs
/// stays in one block. Speakers and coreference go on from one block to the
/// next (see [`Extractor::resolve`]). So the records are those of one block
/// of all, while each block's tokens stay in the processor's cache through
/// the stages and the lists those stages make are in proportion to a block.
fn blocks(doc: &Doc<'_>, size: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    if doc.tokens.len() >= size.max(1).saturating_mul(2) {
        let mut piece = 0;
        for (i, w) in doc.sentences.windows(2).enumerate() {
            let (prev, s) = (&w[0], &w[1]);
            let i = i + 1;
            if s.para == prev.para
                || s.tokens.start - doc.sentences[start].tokens.start < size
                || doc.tokens.len() - s.tokens.start < size
            {
                continue;
            }
            // The first piece at or after the paragraph.
            while piece < doc.quotes.len()
                && doc.quotes[piece].open < doc.tokens[s.tokens.start].start()
            {
                piece += 1;
            }
            if doc.quotes.get(piece).is_some_and(|q| q.continues) {
                continue;
            }
            out.push(start..i);
            start = i;
        }
    }
    out.push(start..doc.sentences.len());
    out
}

/// A record before speakers are resolved.
#[derive(Debug, Clone)]
struct Draft<'r> {
    kind: QuoteKind,
    start: usize,
    end: usize,
    /// First token of the content, for ordering and sentence look-up.
    tok: usize,
    speaker: Option<(usize, usize)>,
    /// The mention runs on past the speaker's noun phrase to this token
    /// (appositives and relative clauses after an inverted cue).
    mention_end: Option<usize>,
    who: Option<usize>,
    /// Inherit the speaker of the record at this index.
    inherit: bool,
    cue: Option<(usize, usize)>,
    rule: &'r str,
    confidence: f32,
    piece: Option<usize>,
    /// A lead-in line: it names the speaker of the quotation that follows
    /// and is no record itself.
    leadin: bool,
    /// A record whose rule names no speaker by nature ("Asked whether ...").
    anonymous: bool,
}

impl Extractor {
    /// The built-in English rules and lexicon, speech and report cues.
    /// Built once per process and shared; later calls clone an `Arc`.
    ///
    /// # Panics
    /// Only if the built-in rule files fail to compile, which the test suite
    /// rules out for every release.
    pub fn new() -> Extractor {
        static BUILTIN: once_cell::sync::Lazy<Extractor> = once_cell::sync::Lazy::new(|| {
            ExtractorBuilder::default()
                .build()
                .expect("built-in rules compile")
        });
        BUILTIN.clone()
    }

    /// A builder for custom rules, cue classes and limits.
    pub fn builder() -> ExtractorBuilder {
        ExtractorBuilder::default()
    }

    /// The pattern of the rule with this id, as written in its rule file;
    /// `None` for an unknown id and for the pipeline's own ids
    /// ([`RULE_FOLLOW_UP`], [`RULE_ORPHAN`], [`RULE_SPEAKER_VERB`]).
    pub fn rule_pattern(&self, id: &str) -> Option<&str> {
        self.inner
            .rules
            .rules
            .iter()
            .find(|r| r.def.id == id)
            .map(|r| r.def.pattern.as_str())
    }

    /// The compiled rules, in rule-file order.
    pub(crate) fn rules(&self) -> &[crate::rules::Rule] {
        &self.inner.rules.rules
    }

    /// The ids of the compiled rules, in rule-file order.
    pub fn rule_ids(&self) -> Vec<&str> {
        self.inner
            .rules
            .rules
            .iter()
            .map(|r| r.def.id.as_str())
            .collect()
    }

    /// Finds the quotations of `text`, in text order.
    ///
    /// Spans are UTF-8 byte offsets into `text`, end exclusive, on character
    /// boundaries. Never panics and never fails: text with no quotations,
    /// text longer than the builder's `max_bytes`, or text of 4 GiB or more
    /// (offsets are kept in 32 bits), gives an empty list.
    pub fn extract(&self, text: &str) -> Vec<Quote> {
        self.run(text, false).quotes
    }

    /// Finds the quotations of `text` and the distinct speakers they come
    /// from. Never panics and never fails.
    pub fn analyze(&self, text: &str) -> Analysis {
        self.run(text, true)
    }

    /// [`Extractor::analyze`], with the list of speakers only when
    /// `speakers` (else it is empty): [`Extractor::extract`] drops it, and
    /// the records name their speakers without it.
    fn run(&self, text: &str, speakers: bool) -> Analysis {
        if self.inner.max_bytes.is_some_and(|m| text.len() > m)
            || text.is_empty()
            || text.len() > MAX_TEXT
        {
            return Analysis {
                quotes: Vec::new(),
                speakers: Vec::new(),
            };
        }
        // A byte-order mark (some editors write one) opens no word or
        // quotation: the text after it is analysed, offsets still into `text`.
        if let Some(rest) = text.strip_prefix('\u{feff}') {
            let mut a = self.run(rest, speakers);
            a.shift(text.len() - rest.len());
            return a;
        }
        let inner = &*self.inner;
        let mut pooled = inner.documents.get();
        let bufs = &mut *pooled;
        let quotes = marks::find_quotes_in(text, bufs.doc.take_quotes());
        let cl = Classifier {
            lexicon: &inner.lexicon,
            classes: &inner.classes,
            vocab: &inner.vocab,
        };
        let doc = tokenize_into(text, quotes, &cl, &mut bufs.doc);
        // The hay as the searches read it (see `matcher::Alphabet`).
        let mut hay = std::mem::take(&mut bufs.renumbered);
        inner.rules.alphabet.translate(&doc.hay, &mut hay);
        // The stages after tokens run a block of paragraphs at a time (see
        // `blocks`), coreference going on from one block to the next.
        let blocks = blocks(&doc, self.inner.block_tokens);
        let quote_toks = quote_tokens(&doc);
        let mut used = vec![0u8; doc.tokens.len()];
        let mut draft_of_piece = vec![None; doc.quotes.len()];
        let mut next = blocks.into_iter();
        let next_block = || {
            let sents = next.next()?;
            let toks = block_token_range(&doc, &sents);
            let q0 = quote_toks.partition_point(|&(i, _)| i < toks.start);
            let q1 = quote_toks.partition_point(|&(i, _)| i < toks.end);
            let mut block = Block {
                sents: sents.clone(),
                quote_tokens: &quote_toks[q0..q1],
                used: &mut used,
                draft_of_piece: &mut draft_of_piece,
            };
            Some((sents, self.drafts(&doc, &hay, &mut block)))
        };
        let analysis = self.resolve(&doc, &hay, next_block, speakers);
        // A thread that once read a huge text keeps no lists in
        // proportion to it.
        if doc.tokens.len() <= KEEP_TOKENS {
            doc.recycle(&mut bufs.doc);
            bufs.renumbered = hay;
        } else {
            *bufs = RunBuffers::default();
        }
        analysis
    }

    /// The matches of every rule in sentences `sents` of `doc` (a block
    /// with `quotes` quotation tokens, see [`blocks`]); `renumbered` is
    /// `doc.hay` in the rules' alphabet.
    fn candidates(
        &self,
        doc: &Doc<'_>,
        renumbered: &[u8],
        sents: Range<usize>,
        quotes: usize,
    ) -> Candidates {
        let rules = &self.inner.rules;
        // Room for two matches a sentence at once (news text has about one),
        // not grown from nothing by doubling: a match is a hundred bytes.
        let mut out = Vec::with_capacity(2 * sents.len());
        // The quotation tokens of the matches: room for two matches of
        // each quotation (rules overlap), not grown from nothing by
        // doubling.
        let mut quote_buf: Vec<usize> = Vec::with_capacity(2 * quotes);
        // Each rule runs once over the whole block: sentences are joined in
        // `doc.hay` with separators that no pattern crosses.
        let hay = &doc.hay[..];
        let needs = &self.inner.needs;
        // Hay position of a sentence's first token: each sentence before it
        // adds two separators, and the text opens with one.
        let first_pos = |i: usize| doc.sentences[i].tokens.start + 1 + 2 * i;
        // Where the anchors of the rules stand (cues and quotations), a list
        // for each set of anchor bytes, and, per group of rules with the same
        // needs, the runs of sentences that hold them (from the separator
        // before a run to the one after it): one pass over the hay for all
        // the rules.
        let mut search = self.inner.scratch.get();
        let search = &mut *search;
        let mut anchors = std::mem::take(&mut search.anchors);
        anchors.iter_mut().for_each(Vec::clear);
        anchors.resize_with(needs.lists, Vec::new);
        // Appends position `k` to the lists of anchors `lists` stands for.
        let push = |anchors: &mut [Vec<u32>], mut lists: u64, k: usize| {
            while lists != 0 {
                anchors[lists.trailing_zeros() as usize].push(k as u32);
                lists &= lists - 1;
            }
        };
        let mut windows = std::mem::take(&mut search.windows);
        windows.iter_mut().for_each(Vec::clear);
        windows.resize_with(needs.groups.len(), Vec::new);
        // Separators that anchor some rule (no built-in one) are anchors too.
        let separator_anchors = needs.by_byte[c::SEP as usize].keys != 0;
        // The groups whose rules' anchors stand since the end of their last
        // run; the others search from their anchors, and do no work where
        // none of theirs stands: their run goes on over such sentences, for
        // one call of the matcher instead of several.
        let mergeable = if separator_anchors { 0 } else { needs.anchored };
        let mut stirred = !mergeable;
        // A run from the separator before sentence `i`'s first token to the
        // one after its last, appended to the runs of group `g`.
        let mut extend = |g: usize, i: usize, merge: bool| {
            let (w0, w1) = (
                first_pos(i) - 1,
                first_pos(i) + doc.sentences[i].tokens.len() + 1,
            );
            match windows[g].last_mut() {
                Some(last) if last.1 + 1 >= w0 || merge => last.1 = w1,
                _ => windows[g].push((w0, w1)),
            }
        };
        for (i, s) in doc.sentences[sents.clone()].iter().enumerate() {
            let i = sents.start + i;
            let (p0, p1) = (first_pos(i), first_pos(i) + s.tokens.len());
            let mut held = 0u64;
            let mut keys = 0u64;
            for (k, &b) in hay[p0..p1].iter().enumerate() {
                let m = needs.by_byte[b as usize];
                held |= m.needs;
                if m.keys != 0 {
                    push(&mut anchors, m.lists, p0 + k);
                    keys |= m.keys;
                }
            }
            // The groups with needs that the sentence meets, one bit each.
            let met = if held == 0 { 0 } else { needs.met(held) };
            let mut bits = met;
            while bits != 0 {
                let g = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                extend(g, i, stirred & (1 << g) == 0);
            }
            stirred = (stirred & !(met & mergeable)) | (keys & !met);
            // Groups past the first 64 (no built-in rules make that many)
            // meet their needs one by one, and their runs go on only where
            // sentences follow each other.
            for (g, &need) in needs.groups.iter().enumerate().skip(64) {
                if need != 0 && held & need == need {
                    extend(g, i, false);
                }
            }
        }
        // The block's hay: from the separator before its first sentence to
        // the one after its last (all the hay for a block of all).
        let span = match (sents.start, sents.end.checked_sub(1)) {
            _ if sents == (0..doc.sentences.len()) && !sents.is_empty() => 0..hay.len(),
            (first, Some(last)) if first <= last => {
                first_pos(first) - 1..first_pos(last) + doc.sentences[last].tokens.len() + 1
            }
            _ => 0..0,
        };
        // A group with no needs searches every sentence, in one run.
        if !span.is_empty() {
            for (g, &need) in needs.groups.iter().enumerate() {
                if need == 0 {
                    windows[g].push((span.start, span.end));
                }
            }
        }
        if separator_anchors {
            // Every position of the hay, separators too, is looked at.
            anchors.iter_mut().for_each(Vec::clear);
            for (k, &b) in hay[span.clone()].iter().enumerate() {
                push(
                    &mut anchors,
                    needs.by_byte[b as usize].lists,
                    span.start + k,
                );
            }
        }
        // Hay positions to token ranges.
        let toks =
            |(s, e): (usize, usize)| (doc.hay_tok[s] as usize, doc.hay_tok[e - 1] as usize + 1);
        let scratch = &mut search.scratch;
        let mut attr_cache = self.inner.attribution_caches.get();
        for (ri, rule) in rules.rules.iter().enumerate() {
            let windows = &windows[needs.group_of[ri]];
            let names = &rule.groups;
            for &(w0, w1) in windows {
                let hay = &hay[..w1];
                rule.matcher.for_each_match(
                    scratch,
                    ri,
                    renumbered,
                    &anchors[needs.list_of[ri]],
                    needs.own_lists,
                    w0,
                    w1,
                    |at, whole, found| {
                        let g =
                            |i: Option<usize>| i.and_then(|i| found.get(i)).filter(|(a, b)| a < b);
                        let q0 = quote_buf.len();
                        quote_buf.extend(
                            names
                                .quotes
                                .iter()
                                .filter_map(|&i| g(Some(i)).map(|x| toks(x).0)),
                        );
                        let quotes = (q0, quote_buf.len());
                        let mut content = g(names.content).map(toks);
                        if rule.paragraph {
                            // A few words after a colon are a label ("Twitter:
                            // @ann", "Clinton: 547"), not a transcript line.
                            content = content.filter(|&(a, b)| b - a >= 4);
                            // Run on to the end of the paragraph.
                            if let Some((a, _)) = content {
                                let para = doc.sentences[doc.sentence_of(a)].para;
                                let last = doc.sentences[doc.sentence_of(a)..]
                                    .iter()
                                    .take_while(|x| x.para == para)
                                    .last();
                                if let Some(last) = last {
                                    content = Some((a, last.tokens.end));
                                }
                            }
                        }
                        // A reported clause ends where another attribution begins
                        // (", Ann Lee said ..."); the search goes on from there.
                        let mut next = whole.1.max(at + 1);
                        if let Some((a, b)) = g(names.content).filter(|_| !rule.paragraph) {
                            if let Some(cut) =
                                self.attribution_after_comma(&mut attr_cache, hay, renumbered, a, b)
                            {
                                content = Some((a, cut)).filter(|(a, b)| a < b).map(toks);
                                if whole.1 == b {
                                    next = cut.max(at + 1);
                                }
                            }
                        }
                        // "Ann Lee, who has proposed a levy, said ...": a relative
                        // clause inside the speaker's phrase ends where the main
                        // clause's cue follows a comma.
                        if let (Some(_), Some((a, b))) = (names.who, g(names.content)) {
                            if let Some(cut) = (a + 1..b).find(|&k| {
                                hay[k] == c::COMMA
                                    && matches!(
                                        doc.tokens[doc.hay_tok[k + 1] as usize].base,
                                        c::CUE | c::CUE_TELL
                                    )
                            }) {
                                content = Some((a, cut)).filter(|(a, b)| a < b).map(toks);
                            }
                        }
                        out.push(Candidate {
                            rule: ri,
                            priority: rule.def.priority,
                            quotes,
                            content,
                            speaker: g(names.speaker).map(toks),
                            cue: g(names.cue).map(toks),
                            who: g(names.who).map(|x| toks(x).0),
                        });
                        next
                    },
                );
            }
        }
        if block_tokens(doc, &sents) <= KEEP_TOKENS {
            search.anchors = anchors;
            search.windows = windows;
        }
        // An attribution whose cue lies inside another's reported clause is
        // nested ("X said the board would ask Y to act"): outer ones first.
        // Only clauses reported after their cue hold nested attributions.
        let mut spans: Vec<(usize, usize)> = out
            .iter()
            .filter(|c| c.cue.zip(c.content).is_some_and(|(k, x)| x.0 > k.0))
            .filter_map(|c| c.content)
            .collect();
        spans.sort_unstable();
        // For each start, the furthest end of any span starting at or before it.
        let mut reach = Vec::with_capacity(spans.len());
        let mut far = 0;
        for &(_, e) in &spans {
            far = far.max(e);
            reach.push(far);
        }
        // A quotation set off by a colon or a dash, with its own attribution,
        // is nested in nothing ("critics disagree — “Why?” asked Lee").
        let set_off = |c: &Candidate| {
            c.quotes(&quote_buf)
                .first()
                .is_some_and(|&q| q > 0 && matches!(doc.tokens[q - 1].base, c::COLON | c::DASH))
        };
        let nested = |c: &Candidate| {
            !set_off(c)
                && c.cue.is_some_and(|(k, _)| {
                    let i = spans.partition_point(|&(s, _)| s <= k);
                    i > 0 && reach[i - 1] > k
                })
        };
        // Sorted by their keys and, for equal keys, in the order found.
        let mut order: Vec<_> = out
            .iter()
            .enumerate()
            .map(|(k, c)| {
                let first = c.quotes(&quote_buf).first().copied().unwrap_or(0);
                let at = c.content.map_or(first, |x| x.0);
                (nested(c), std::cmp::Reverse(c.priority), at, k)
            })
            .collect();
        order.sort_unstable();
        Candidates {
            list: order.iter().map(|&(.., k)| out[k]).collect(),
            quotes: quote_buf,
        }
    }

    /// A phrase of three words or fewer with no pronoun, no verb the
    /// lexicon knows and no negation: a heading or a label, not a sentence.
    /// An exclamation, a question or a negation ("Absolutely not.") is
    /// speech, however short.
    fn is_heading(&self, text: &str) -> bool {
        let speech_end = text
            .trim_end_matches(|ch: char| !ch.is_alphanumeric() && !matches!(ch, '!' | '?'))
            .ends_with(['!', '?']);
        text.split_whitespace().nth(3).is_none()
            && !speech_end
            && text.split_whitespace().all(|w| {
                let w = w.trim_matches(|ch: char| !ch.is_alphanumeric() && ch != '\'');
                crate::cues::with_key(w, |k| {
                    let class = self.inner.lexicon.words.get(k).copied();
                    !matches!(class, Some(c::PRONOUN | c::VERB | c::AUX | c::CONJ))
                        && !self.inner.lexicon.cues.contains_key(k)
                })
            })
    }

    /// A quotation that closes its paragraph and is signed in the next one,
    /// "“...”\n\n— Ann Lee, speaking in Tollby.": the signature's noun phrase.
    fn byline_after(&self, doc: &Doc<'_>, si: usize) -> Option<(usize, usize)> {
        let s = &doc.sentences[si];
        let next = doc.sentences.get(si + 1)?;
        if next.para != s.para + 1 || doc.tokens[next.tokens.start].base != c::DASH {
            return None;
        }
        let from = next.tokens.start + 1;
        let (ma, mb) = self.subject_find(&doc.classes[from..next.tokens.end])?;
        let (a, b) = (from + ma, from + mb);
        let signed = b == next.tokens.end || matches!(doc.tokens[b].base, c::COMMA | c::STOP);
        let named = (a..b).any(|t| doc.tokens[t].base == c::NAME);
        (ma == 0 && signed && named).then_some((a, b))
    }

    /// After the quotation at token `q`, a speaker's noun phrase and then a
    /// verb: a lowercase word that may be a verb of saying outside the
    /// lexicon (`“Not now,” he mocks.`), or a cue that the rules could not parse
    /// with its speaker. Gives the phrase's tokens and the verb's token. The
    /// quotation must end with a comma, a question mark or an exclamation
    /// mark inside its marks, as a quotation with an attribution after it
    /// does, and hold two words or more; a title (`“Hamlet” fans queued`)
    /// does neither.
    fn speaker_then_verb(
        &self,
        doc: &Doc<'_>,
        q: usize,
        end: usize,
    ) -> Option<((usize, usize), usize)> {
        let piece = doc.quotes[doc.tokens[q].quote()? as usize];
        let inner = doc.text[piece.content.0..piece.content.1].trim_end();
        if !inner.ends_with([',', '?', '!']) || inner.split_whitespace().count() < 2 {
            return None;
        }
        let plain_word = |t: usize| {
            doc.tokens
                .get(t)
                .is_some_and(|t| t.base == c::WORD && !t.capital)
        };
        let cue_word = |t: usize| {
            doc.tokens
                .get(t)
                .is_some_and(|t| matches!(t.base, c::CUE | c::CUE_TELL) && !t.capital)
        };
        // “Not now,” he mocks. The verb ends the clause or takes a preposition
        // (“he went on”); a noun after the phrase (“an HBO series that”)
        // takes more words.
        let clause_ends = |t: usize| {
            t >= end
                || matches!(
                    doc.tokens[t].base,
                    c::STOP | c::COMMA | c::PREP | c::CONJ | c::AUX
                )
        };
        let phrase_word = |t: usize| {
            t < end
                && matches!(
                    doc.tokens[t].base,
                    c::DET | c::WORD | c::NAME | c::SOURCE | c::POSS | c::NUM
                )
        };
        if let Some((ma, mb)) = self.subject_find(&doc.classes[q + 1..end]) {
            let (a, mut b) = (q + 1 + ma, q + 1 + mb);
            // The phrase may end in a short prepositional phrase: "a
            // voice-over in the advert states", "... says".
            if b < end && matches!(doc.tokens[b].base, c::PREP | c::CONJ) {
                let words = (b + 1..end.min(b + 6))
                    .take_while(|&t| phrase_word(t))
                    .count();
                let t = b + 1 + words;
                if words >= 1 && cue_word(t) && clause_ends(t + 1) {
                    b = t;
                } else if words >= 2 && plain_word(t - 1) && clause_ends(t) {
                    b = t - 1;
                }
            }
            let verb = plain_word(b) || cue_word(b);
            if ma == 0 && b < end && verb && clause_ends(b + 1) && b - a <= 8 {
                return Some(((a, b), b));
            }
        }
        // “No,” remembered Ann Lee, the firm's spokeswoman.
        if q + 2 < end && plain_word(q + 1) {
            let (a, b) = (q + 2, q + 2 + self.np_at_start(&doc.classes[q + 2..end])?);
            let closed = b == end || matches!(doc.tokens[b].base, c::COMMA | c::STOP);
            let named = (a..b).any(|t| matches!(doc.tokens[t].base, c::NAME | c::SOURCE));
            if closed && named {
                return Some(((a, b), q + 1));
            }
        }
        None
    }

    /// The clause-subject regex, compiled on first use (the pattern
    /// compiled at build time, as `subject_starts`): the searches take
    /// `subject_starts`, and need it only where its lazy DFA gives up.
    fn subject(&self) -> Option<&regex_automata::meta::Regex> {
        self.inner
            .subject
            .get_or_init(|| {
                // As the regex crate builds `regex::bytes::Regex`, from the tree
                // parsed with the rules.
                regex_automata::meta::Regex::builder()
                    .configure(
                        regex_automata::meta::Config::new()
                            .match_kind(regex_automata::MatchKind::LeftmostFirst)
                            .utf8_empty(false)
                            .nfa_size_limit(Some(1 << 24))
                            .onepass_size_limit(Some(1 << 24))
                            .hybrid_cache_capacity(1 << 25)
                            .dfa_size_limit(Some(1 << 25)),
                    )
                    .build_from_hir(&self.inner.rules.subject_hir)
                    // The same tree compiled at build time for the anchored
                    // search; should this compile fail all the same, no subject
                    // is found, and nothing panics.
                    .ok()
            })
            .as_ref()
    }

    /// The speaker noun-phrase regex, compiled by the regex crate.
    fn np(&self) -> &Regex {
        self.inner
            .np
            .get_or_init(|| byte_regex(&self.inner.rules.np, "noun phrase"))
    }

    /// The end of the noun phrase that `classes` (token classes) opens
    /// with, if the leftmost noun phrase in `classes` starts at 0 (the
    /// leftmost-first match of an anchored search at 0).
    fn np_at_start(&self, classes: &[u8]) -> Option<usize> {
        let mut hay = Vec::with_capacity(classes.len());
        self.inner.rules.alphabet.translate(classes, &mut hay);
        let mut cache = self.inner.np_caches.get();
        match self.inner.np_starts.anchored_end(&mut cache, &hay, 0) {
            Ok(end) => end,
            Err(()) => self
                .np()
                .find(classes)
                .filter(|m| m.start() == 0)
                .map(|m| m.end()),
        }
    }

    /// The first comma in `hay[a..b]` that is followed by a speaker and a cue
    /// ("..., Ann Lee said"), if any; `renumbered` is `hay` in the rules'
    /// alphabet, searched with `cache`.
    fn attribution_after_comma(
        &self,
        cache: &mut DfaCache,
        hay: &[u8],
        renumbered: &[u8],
        a: usize,
        b: usize,
    ) -> Option<usize> {
        // Anchored at each comma, so the cost is the length of a noun phrase.
        // The pattern opens with `^`: each search has its own haystack.
        let search = &self.inner.rules.attribution_search;
        let from = (a + 1).min(b);
        let mut commas = memchr::memchr_iter(c::COMMA, &hay[from..b])
            .map(|i| from + i)
            .peekable();
        // No attribution starts at or after `stop`: most reported clauses
        // hold no cue after their first comma, and every attribution holds
        // one.
        let after = *commas.peek()? + 1;
        let stop = search
            .starts_before(&renumbered[after..b])
            .map_or(b, |p| after + p);
        commas.take_while(|&k| k + 1 < stop).find(|&k| {
            match search.matches_at(cache, &renumbered[k + 1..b], 0) {
                Ok(m) => m,
                Err(()) => self.attribution().is_match(&hay[k + 1..b]),
            }
        })
    }

    /// The attribution regex, compiled by the regex crate.
    fn attribution(&self) -> &Regex {
        self.inner
            .attribution
            .get_or_init(|| byte_regex(&self.inner.rules.attribution, "attribution"))
    }

    /// Whether tokens `a..b` can be the reported clause of `cue`.
    fn content_ok(
        &self,
        doc: &Doc<'_>,
        mut a: usize,
        b: usize,
        cue: Option<(usize, usize)>,
    ) -> bool {
        let a0 = a;
        while a < b && matches!(doc.tokens[a].base, c::THAT | c::COMMA | c::COLON) {
            a += 1;
        }
        if a >= b {
            return false;
        }
        // Right after "told" comes its hearer, not its content.
        if cue.is_some_and(|(_, e)| e == a && doc.tokens[e - 1].base == c::CUE_TELL) {
            return false;
        }
        // The first word's key, lowercased on the stack.
        token_key(doc, a, |first| self.clause_ok(doc, a0, a, b, cue, first))
    }

    /// [`Extractor::content_ok`] for the content `a..b` (`a0..b` before its
    /// leading "that", commas and colons), whose first word has the key
    /// `first`.
    fn clause_ok(
        &self,
        doc: &Doc<'_>,
        a0: usize,
        a: usize,
        b: usize,
        cue: Option<(usize, usize)>,
        first: &str,
    ) -> bool {
        // "said on Monday in Ohio": an adverbial alone is no reported clause.
        // A day with "'s" is no adverbial: "said Monday's vote was fair".
        let possessive = a + 1 < b && doc.tokens[a + 1].possessive_s();
        // A day alone before a clause is the cue's time: "said Tuesday the
        // bridge was safe" (a determiner or a pronoun opens the clause).
        let day_then_clause =
            a + 2 < b && matches!(doc.tokens[a + 1].base, c::DET | c::PRONOUN | c::THAT);
        // So is "on" and a day: "told reporters on Monday the plan was dead".
        let on_day_then_clause = first == "on"
            && a + 3 < b
            && doc.tokens[a + 1].base == c::TIME
            && matches!(doc.tokens[a + 2].base, c::DET | c::PRONOUN | c::THAT);
        // Looked up only where it decides (below): the lists are long.
        let adverbial = || {
            (ADVERBIAL_START.contains(&first) && !on_day_then_clause)
                || (self.inner.lexicon.calendar.contains(first) && !possessive && !day_then_clause)
        };
        // "said on Monday, blaming the weather": nor one closed by a comma.
        // Only right after the cue: a sentence may well open with "In fact,".
        // After "that" the phrase opens the reported clause: "said that in
        // May, prices rose".
        let opened = (a0.saturating_sub(1)..a).any(|t| doc.tokens[t].base == c::THAT);
        let after_cue = cue.is_some_and(|(_, e)| e <= a && a <= e + 1);
        let early_comma = after_cue && (a..b.min(a + 6)).any(|i| doc.tokens[i].base == c::COMMA);
        if !opened && (b - a <= 6 || early_comma) && adverbial() {
            return false;
        }
        // "the plan described by the mayor": a cue right before "by" is a
        // passive participle, and what follows names its agent.
        if after_cue && first == "by" {
            return false;
        }
        // One word is no reported clause ("said the", "more").
        if b - a < 2 && doc.tokens[a].base != c::QUOTE {
            return false;
        }
        let entry = cue
            .and_then(|(x, y)| (x..y).rev().find_map(|t| doc.tokens[t].cue()))
            .map(|e| &self.inner.lexicon.entries[e as usize]);
        // "told her aides as she worked": after the hearer, a clause of time
        // is no reported clause.
        let after_hearer = cue.is_some_and(|(_, e)| e < a0);
        if after_hearer
            && !opened
            && entry.is_some_and(|e| e.addressee)
            && matches!(first, "as" | "while")
        {
            return false;
        }
        // "pledged to stay", "pledged not to use".
        let infinitive =
            first == "to" || (first == "not" && a + 1 < b && key_among(doc, a + 1, &["to"]));
        if infinitive {
            return entry.is_some_and(|e| e.infinitive);
        }
        // Some verbs report only a that-clause or a quotation: "maintained
        // that ...", not "maintained close ties".
        if let (Some(e), Some((_, k))) = (entry, cue) {
            if e.needs_that && k <= a0 {
                let opened = (k..a).any(|t| matches!(doc.tokens[t].base, c::THAT | c::COLON))
                    || doc.tokens[a].base == c::QUOTE;
                return opened;
            }
        }
        true
    }

    /// The records of `block` before their speakers are named, in text
    /// order: its rules' candidates weighed against each other (see
    /// [`Extractor::candidates`]), then the quotations no rule claimed.
    fn drafts(&self, doc: &Doc<'_>, renumbered: &[u8], block: &mut Block<'_>) -> Vec<Draft<'_>> {
        let rules = &self.inner.rules;
        let n = doc.tokens.len();
        // 0 free, 1 speaker or cue of a record, 2 content of a record.
        let used = &mut *block.used;
        let Candidates {
            list: candidates,
            quotes: quote_buf,
        } = self.candidates(
            doc,
            renumbered,
            block.sents.clone(),
            block.quote_tokens.len(),
        );
        // A record or two for each candidate, and one for each quotation.
        let mut drafts: Vec<Draft<'_>> =
            Vec::with_capacity(candidates.len() + block.quote_tokens.len());
        // Accepted attributions: cue, speaker, and the side of the content
        // (-1 before the cue, 1 after it and a comma, 0 otherwise).
        type Span = (usize, usize);
        // A set, so that a long document does not scan all of them for
        // each candidate; made once to its size.
        let mut attributions: HashSet<(Span, Option<Span>, i8)> =
            HashSet::with_capacity_and_hasher(candidates.len(), Default::default());
        for mut cand in candidates {
            // A speaker before its cue whose noun phrase the patterns could
            // not take whole ("families of those hit by the floods said"):
            // from the sentence start, words of a noun phrase and nothing
            // else lead up to it, so the whole run is the subject.
            // Not for a relative pronoun's antecedent ("met the critics who
            // say").
            if let (Some((a, b)), Some((k, _)), None) = (cand.speaker, cand.cue, cand.who) {
                let s0 = doc.sentences[doc.sentence_of(a)].tokens.start;
                let opens = |t: usize| {
                    matches!(
                        doc.tokens[t].base,
                        c::DET | c::QUANT | c::NAME | c::SOURCE | c::WORD | c::NUM
                    )
                };
                let inner = |t: usize| {
                    opens(t) || matches!(doc.tokens[t].base, c::PREP | c::POSS | c::CONJ)
                };
                if b <= k && s0 < a && a - s0 <= 12 && opens(s0) && (s0 + 1..a).all(inner) {
                    cand.speaker = Some((s0, b));
                }
            }
            // "warned about X", "spoke of X": the preposition is the cue's.
            if let (Some((k0, k1)), Some((a, b))) = (cand.cue, cand.content) {
                // Not before a number: "said about 300 people came".
                if a == k1
                    && b > a + 2
                    && doc.tokens[a + 1].base != c::NUM
                    && key_among(doc, a, &["about", "of", "against"])
                {
                    cand.cue = Some((k0, k1 + 1));
                    cand.content = Some((a + 1, b));
                }
            }
            // "the vote was fair, but critics disagree — “Why?” asked Lee": a
            // reported clause ends before a quotation that a colon or a dash
            // sets off and a cue of its own follows.
            if let (Some((a, b)), Some((_, k1))) = (cand.content, cand.cue) {
                if k1 <= a {
                    let cut = (a + 1..b.saturating_sub(1)).find(|&k| {
                        matches!(doc.tokens[k].base, c::COLON | c::DASH)
                            && doc.tokens[k + 1].base == c::QUOTE
                            && (k + 2..b.min(k + 8))
                                .any(|t| matches!(doc.tokens[t].base, c::CUE | c::CUE_TELL))
                    });
                    if let Some(k) = cut.filter(|&k| k >= a + 2) {
                        cand.content = Some((a, k));
                    }
                }
            }
            // "While Lee said the plan works, critics disagree": a cue inside
            // a clause that opens with a subordinator reports only up to the
            // comma that ends that clause; the main clause follows.
            if let (Some((a, b)), Some((k0, k1))) = (cand.content, cand.cue) {
                if k1 <= a {
                    // So does a relative clause on the subject: "Ria Kohl, who
                    // said it would pay, voted no."
                    let subject_relative = cand.who.is_some()
                        && cand.speaker.is_some_and(|(s, _)| {
                            s == doc.sentences[doc.sentence_of(s)].tokens.start
                        });
                    let cut = if subject_relative {
                        clause_comma(doc, a, b)
                    } else {
                        subordinate_end(doc, k0, a, b)
                    };
                    if let Some(k) = cut {
                        cand.content = Some((a, k));
                    }
                }
            }
            let quoted = cand.quotes(&quote_buf);
            let content = cand.content;
            let content_toks = || quoted.iter().map(|&q| (q, q + 1)).chain(content);
            // A token serves one record's content, and a cue one attribution.
            // A participle cue with no speaker of its own opens a clause only
            // after a comma, a dash or a quotation: in "a petition calling on
            // him to resign" it modifies the noun before it.
            if let (None, Some((k, _))) = (cand.speaker, cand.cue) {
                let participle = matches!(doc.tokens[k].base, c::CUE_ING | c::CUE_TELLING);
                // After a source noun it reports what the source says: "a
                // statement saying", "a letter urging".
                let opens = k > 0
                    && matches!(
                        doc.tokens[k - 1].base,
                        c::COMMA
                            | c::DASH
                            | c::QUOTE
                            | c::SEMI
                            | c::LPAREN
                            | c::CONJ
                            | c::AND
                            | c::SOURCE
                    );
                if participle && !opens && k > 0 {
                    continue;
                }
            }
            if let Some((a, b)) = cand.content {
                if !self.content_ok(doc, a, b, cand.cue) {
                    continue;
                }
                if let (Some((k, e)), Some((s, _))) = (cand.cue, cand.speaker) {
                    // After "told" and its kin a noun phrase is the hearer:
                    // in "..., told Radio North" the station said nothing.
                    let entry = (k..e)
                        .rev()
                        .find_map(|t| doc.tokens[t].cue())
                        .map(|x| &self.inner.lexicon.entries[x as usize]);
                    if s >= e && b <= k && entry.is_some_and(|x| x.addressee && !x.inverts) {
                        continue;
                    }
                    // Names alone before ", said" are no reported clause: in
                    // "Lee and her deputy, Ann Berg, said the talks went well"
                    // they are the speakers.
                    let names_only = (a..b).all(|t| {
                        matches!(
                            doc.tokens[t].base,
                            c::NAME | c::AND | c::COMMA | c::DET | c::POSS | c::SOURCE
                        )
                    }) && (a..b).any(|t| doc.tokens[t].base == c::NAME);
                    if s >= e && b <= k && names_only {
                        continue;
                    }
                    // "..., said the early vote is fair": a common noun phrase
                    // after the cue that a verb follows is the subject of what
                    // was said, not the speaker.
                    let after = cand.speaker.map_or(n, |(_, y)| y);
                    if s >= e
                        && b <= k
                        && after < n
                        && matches!(doc.tokens[s].base, c::DET | c::WORD)
                        && matches!(doc.tokens[after].base, c::AUX | c::VERB)
                    {
                        continue;
                    }
                    // "..., she said in a video message.": after a speaker set
                    // off by a comma, a phrase opening with a preposition is
                    // the cue's adverbial; the clause before is the content.
                    if a == e
                        && s > 0
                        && doc.tokens[s - 1].base == c::COMMA
                        && key_among(doc, a, ADVERBIAL_START)
                        && (a..b).all(|t| doc.tokens[t].base != c::THAT)
                    {
                        continue;
                    }
                }
                // "a program called Sandy Hook Promise": naming, not saying.
                let naming = cand
                    .cue
                    .and_then(|(x, y)| (x..y).rev().find_map(|t| doc.tokens[t].cue()))
                    .is_some_and(|e| self.inner.lexicon.entries[e as usize].naming);
                if naming {
                    let name_only = (a..b).enumerate().all(|(i, t)| {
                        matches!(doc.tokens[t].base, c::NAME | c::STOP)
                            || doc.tokens[t].capital
                            || (i == 0 && doc.tokens[t].base == c::DET)
                    });
                    // An indefinite noun right before the cue: "a choir called".
                    let indefinite = cand.cue.is_some_and(|(k, _)| {
                        (k.saturating_sub(3)..k).any(|t| {
                            key_among(doc, t, &["a", "an"])
                                && (t + 1..k).all(|u| {
                                    matches!(doc.tokens[u].base, c::WORD | c::SOURCE | c::NAME)
                                })
                        })
                    });
                    if name_only || indefinite {
                        continue;
                    }
                }
                // "pledged not to use the arms that ...": after an infinitive,
                // "that" opens a relative clause, not this cue's content.
                if let Some((_, e)) = cand
                    .cue
                    .filter(|&(_, e)| e < a && doc.tokens[a - 1].base == c::THAT)
                {
                    let infinitive = (e..a - 1).any(|i| key_among(doc, i, &["to", "not"]));
                    if infinitive {
                        continue;
                    }
                }
            }
            // One attribution may serve the clauses on both of its sides
            // ("If the plan fails, Lee said, the city pays"; "A, according
            // to X, B"): a cue already taken with the same speaker for the
            // clause on the other side, the clause after it set off by a
            // comma.
            let side = |cue: (usize, usize), content: Option<(usize, usize)>| match content {
                Some((a, _)) if a >= cue.1 => {
                    let comma = doc.tokens[a].base == c::COMMA
                        || (a > 0 && doc.tokens[a - 1].base == c::COMMA);
                    if comma {
                        1
                    } else {
                        0
                    }
                }
                Some(_) => -1,
                None => 0,
            };
            let shared = cand.cue.is_some_and(|k| {
                let mine = side(k, cand.content);
                mine != 0 && attributions.contains(&(k, cand.speaker, -mine))
            });
            // "Ann Lee, who said the vote was fair, said she would stay": a
            // relative clause that holds another record's content is left out
            // of this speaker's phrase.
            if let Some((a, b)) = cand.speaker {
                if used[a..b].contains(&2) {
                    let relative = (a + 1..b.saturating_sub(1)).find(|&k| {
                        matches!(doc.tokens[k].base, c::COMMA | c::DASH)
                            && doc.tokens[k + 1].base == c::WHO
                    });
                    if let Some(k) = relative.filter(|&k| !used[a..k].contains(&2)) {
                        cand.speaker = Some((a, k));
                    }
                }
            }
            let clash = content_toks().any(|(a, b)| used[a..b].iter().any(|&u| u != 0))
                || cand.speaker.is_some_and(|(a, b)| used[a..b].contains(&2))
                || (!shared
                    && cand
                        .cue
                        .is_some_and(|(a, b)| used[a..b].iter().any(|&u| u != 0)));
            if clash {
                continue;
            }
            if let Some(k) = cand.cue {
                attributions.insert((k, cand.speaker, side(k, cand.content)));
            }
            for (a, b) in content_toks() {
                used[a..b].iter_mut().for_each(|u| *u = 2);
            }
            for &(a, b) in [cand.speaker, cand.cue].iter().flatten() {
                used[a..b].iter_mut().for_each(|u| *u = (*u).max(1));
            }
            let rule = &rules.rules[cand.rule];
            let inherit = cand.speaker.is_none() && rule.def.inherit_speaker;
            // A speaker named after its cue and after the content runs on with
            // its appositives and relative clauses ("said Ann Lee, 34, a nurse").
            let last_content = quoted
                .iter()
                .map(|&q| q + 1)
                .chain(cand.content.map(|x| x.1))
                .max()
                .unwrap_or(0);
            let mention_end = match (cand.cue, cand.speaker) {
                (Some(cue), Some(sp))
                    if sp.0 >= cue.1
                        && sp.0 >= last_content
                        && last_content <= cue.0
                        && cand.who.is_none() =>
                {
                    Some(speaker_clause_end(doc, sp.0, sp.1))
                }
                // An appositive the rule read as an aside between commas
                // ("Ann Lee, Republican of Ohio, said"): part of the mention.
                // The phrase may have kept the comma after a party label:
                // "Sen. Ann Lee (D-Ohio), a Democrat, said".
                (Some(cue), Some(sp))
                    if sp.1 + 1 < cue.0 && doc.tokens[cue.0 - 1].base == c::COMMA && {
                        let (last, first) = if doc.tokens[sp.1].base == c::COMMA {
                            (sp.1 - 1, sp.1 + 1)
                        } else {
                            (sp.1.saturating_sub(2), sp.1)
                        };
                        first + 1 < cue.0
                            && (first == sp.1 + 1 || doc.tokens[sp.1 - 1].base == c::COMMA)
                            && matches!(doc.tokens[last].base, c::NAME | c::RPAREN)
                            && matches!(
                                doc.tokens[first].base,
                                c::NAME | c::DET | c::QUANT | c::SOURCE | c::NUM
                            )
                    } =>
                {
                    Some(cue.0 - 1)
                }
                _ => None,
            };
            // A record of this candidate: its content span, first token and
            // quote piece.
            let record = |kind, (start, end): (usize, usize), tok, piece, anonymous| Draft {
                kind,
                start,
                end,
                tok,
                speaker: cand.speaker,
                mention_end,
                who: cand.who,
                inherit,
                cue: cand.cue,
                rule: &rule.def.id,
                confidence: rule.def.confidence,
                piece,
                leadin: false,
                anonymous,
            };
            for &q in quoted {
                let piece = doc.tokens[q].quote().map(|p| p as usize);
                let (s, e) = piece.map_or((doc.tokens[q].start(), doc.tokens[q].end()), |p| {
                    doc.quotes[p].content
                });
                drafts.push(record(QuoteKind::Direct, (s, e), q, piece, false));
            }
            if let (Yields::Speaker, Some(sp)) = (rule.def.yields, cand.speaker) {
                drafts.push(Draft {
                    kind: QuoteKind::Direct,
                    start: doc.tokens[sp.0].start(),
                    end: doc.tokens[sp.0].start(),
                    tok: sp.0,
                    speaker: cand.speaker,
                    mention_end: None,
                    who: None,
                    inherit: false,
                    cue: cand.cue,
                    rule: &rule.def.id,
                    confidence: rule.def.confidence,
                    piece: None,
                    leadin: true,
                    anonymous: false,
                });
            }
            if let Some((mut a, mut b)) = cand.content {
                while a < b && matches!(doc.tokens[a].base, c::THAT | c::COMMA | c::COLON | c::DASH)
                {
                    a += 1;
                }
                // "said in a statement that ...", "warned voters that ...":
                // an adverbial or a hearer between the cue and "that" is no
                // part of the content.
                if cand.cue.is_some_and(|(_, k)| k == a) {
                    let that = (a + 1..b.min(a + 9)).find(|&t| doc.tokens[t].base == c::THAT);
                    if let Some(t) = that {
                        let plain = (a..t).all(|i| {
                            !matches!(
                                doc.tokens[i].base,
                                c::COMMA | c::QUOTE | c::CUE | c::CUE_TELL | c::VERB | c::AUX
                            )
                        });
                        let hearer = t - a <= 3
                            && (doc.tokens[t - 1].base == c::SOURCE
                                || key_among(doc, t - 1, &["him", "her", "them", "us", "me"]));
                        let adverbial = || key_among(doc, a, ADVERBIAL_START);
                        if plain && (hearer || adverbial()) && b - t > 2 {
                            a = t + 1;
                        }
                    }
                }
                // "asked whether the ferry runs": the question word opens
                // the reported question.
                if cand.cue.is_some_and(|(_, k)| k < a) && key_among(doc, a - 1, QUESTION_WORDS) {
                    a -= 1;
                }
                // "said Monday that ...", "told reporters on Monday the ...": a
                // time right after the cue or its hearer is the cue's, not the
                // content's.
                if cand.cue.is_some_and(|(_, k)| k <= a) {
                    let mut t = a;
                    if t < b && doc.tokens[t].base == c::CONJ && doc.tok_text(t) == "on" {
                        t += 1;
                    }
                    // Not with "'s": "said Monday's vote was fair".
                    let possessive = t + 1 < b && doc.tokens[t + 1].possessive_s();
                    if t < b && doc.tokens[t].base == c::TIME && !possessive {
                        t += 1;
                        if t < b && doc.tokens[t].base == c::WORD && b - t > 3 {
                            t += 1;
                        }
                        while t < b && matches!(doc.tokens[t].base, c::THAT | c::COMMA) {
                            t += 1;
                        }
                        if b - t >= 2 {
                            a = t;
                        }
                    }
                }
                while b > a
                    && matches!(
                        doc.tokens[b - 1].base,
                        c::COMMA | c::COLON | c::DASH | c::STOP
                    )
                {
                    b -= 1;
                }
                // "Then she turned to the board: “We are done,” she said.":
                // a quotation set off by a colon or a dash from the words
                // before it, with the cue after it, is the record alone.
                if b >= a + 3
                    && doc.tokens[b - 1].base == c::QUOTE
                    && matches!(doc.tokens[b - 2].base, c::COLON | c::DASH)
                    && cand.cue.is_some_and(|(k, _)| k >= b)
                {
                    a = b - 1;
                }
                if a < b {
                    let mixed = (a..b).any(|i| doc.tokens[i].base == c::QUOTE);
                    // Content that is one quotation and nothing else is direct.
                    let piece = (b == a + 1)
                        .then(|| doc.tokens[a].quote())
                        .flatten()
                        .map(|p| p as usize);
                    let (s, e) = piece.map_or_else(|| doc.span(a, b), |p| doc.quotes[p].content);
                    let kind = match (piece, mixed) {
                        (Some(_), _) => QuoteKind::Direct,
                        (None, true) => QuoteKind::Mixed,
                        (None, false) => QuoteKind::Indirect,
                    };
                    let anonymous = cand.speaker.is_none() && !rule.def.inherit_speaker;
                    drafts.push(record(kind, (s, e), a, piece, anonymous));
                }
            }
        }
        // Quotations no rule claimed: continuations, follow-ups and orphans.
        // The draft that holds each quote piece, so a continuation finds its
        // draft at once.
        // (Only the block's pieces are looked up: no quotation over several
        // paragraphs crosses from one block to the next.)
        let draft_of_piece = &mut *block.draft_of_piece;
        for (k, d) in drafts.iter().enumerate() {
            if let Some(x) = d.piece.filter(|&x| x < doc.quotes.len()) {
                draft_of_piece[x].get_or_insert(k);
            }
        }
        for &(i, p) in block.quote_tokens {
            if doc.tokens[i].base != c::QUOTE || used[i] != 0 {
                continue;
            }
            let piece = doc.quotes[p];
            if piece.continues && p > 0 {
                if let Some(d) = draft_of_piece[p - 1].map(|k| &mut drafts[k]) {
                    d.end = piece.content.1;
                    d.piece = Some(p);
                    draft_of_piece[p] = draft_of_piece[p - 1];
                    continue;
                }
            }
            let si = doc.sentence_of(i);
            let s = &doc.sentences[si];
            let first = (s.tokens.start..i)
                .all(|j| matches!(doc.tokens[j].base, c::CONJ | c::AND | c::DASH | c::LPAREN));
            let alone =
                (i + 1..s.tokens.end).all(|j| matches!(doc.tokens[j].base, c::STOP | c::RPAREN));
            // A quotation that opens its sentence is kept even when the cue
            // after it could not be parsed with its speaker; followed by other
            // words and no cue, it is a title or a scare quote.
            let cue_after = (i + 1..s.tokens.end.min(i + 8))
                .any(|j| matches!(doc.tokens[j].base, c::CUE | c::CUE_TELL));
            let speaker_verb = if first && !alone {
                self.speaker_then_verb(doc, i, s.tokens.end)
            } else {
                None
            };
            if !(first && (alone || cue_after || speaker_verb.is_some())) {
                continue;
            }
            // A short phrase in marks that makes a paragraph of its own and
            // reads as no sentence (`is_heading`) is a heading ("‘A change
            // warrior.’"), not a quotation ("“We need rain.”").
            let own_paragraph = alone
                && (si == 0 || doc.sentences[si - 1].para != s.para)
                && doc.sentences.get(si + 1).map_or(true, |n| n.para != s.para);
            if own_paragraph
                && piece.closed
                && self.is_heading(&doc.text[piece.content.0..piece.content.1])
            {
                continue;
            }
            draft_of_piece[p] = Some(drafts.len());
            // Its own speaker, when a signature or a speaker with an unlisted
            // verb names one; else, alone in its sentence, it follows up the
            // previous speaker; with words after it, its own attribution is
            // there but unparsed, and the previous speaker is a weaker guess.
            let own = alone
                .then(|| self.byline_after(doc, si))
                .flatten()
                .map(|sp| (sp, None, RULE_QUOTE_DASH, 0.7))
                .or(speaker_verb.map(|(sp, v)| {
                    // A verb from the lexicon is the cue.
                    let cue =
                        matches!(doc.tokens[v].base, c::CUE | c::CUE_TELL).then_some((v, v + 1));
                    (sp, cue, RULE_SPEAKER_VERB, 0.5)
                }));
            let (speaker, cue, rule, confidence) = match own {
                Some((sp, cue, rule, conf)) => (Some(sp), cue, rule, conf),
                None => (None, None, RULE_FOLLOW_UP, if alone { 0.6 } else { 0.4 }),
            };
            drafts.push(Draft {
                kind: QuoteKind::Direct,
                start: piece.content.0,
                end: piece.content.1,
                tok: i,
                speaker,
                mention_end: None,
                who: None,
                inherit: speaker.is_none(),
                cue,
                rule,
                confidence,
                piece: Some(p),
                leadin: false,
                anonymous: false,
            });
        }
        // A quotation over several paragraphs is one record: a piece a rule
        // claimed ("“... ,” Lee added.") takes in the pieces before it that
        // it continues, and the records those made with no cue of their own
        // go.
        let mut gone = vec![false; drafts.len()];
        for k in 0..drafts.len() {
            let Some(p) = drafts[k].piece.filter(|&p| p < doc.quotes.len()) else {
                continue;
            };
            if drafts[k].cue.is_none() || !doc.quotes[p].continues {
                continue;
            }
            let mut first = p;
            while first > 0 && doc.quotes[first].continues {
                first -= 1;
            }
            let others: Vec<usize> = (first..p)
                .filter_map(|x| draft_of_piece[x])
                .filter(|&o| o != k)
                .collect();
            if others.iter().any(|&o| drafts[o].cue.is_some()) {
                continue;
            }
            others.iter().for_each(|&o| gone[o] = true);
            drafts[k].start = doc.quotes[first].content.0;
        }
        let mut k = 0;
        drafts.retain(|_| {
            k += 1;
            !gone[k - 1]
        });
        drafts.sort_by_key(|d| (d.start, d.end));
        drafts
    }

    /// The leftmost-first match of the subject pattern in `classes` (the
    /// class bytes of tokens), as the regex's `find` finds it: searched
    /// from the bytes a subject can start with (see
    /// [`Extractor::subject_phrases`]), so that the regex is built only if
    /// the lazy DFA gives up.
    fn subject_find(&self, classes: &[u8]) -> Option<(usize, usize)> {
        let mut renumbered = Vec::with_capacity(classes.len());
        self.inner
            .rules
            .alphabet
            .translate(classes, &mut renumbered);
        let mut cache = self.inner.subject_caches.get();
        match self
            .inner
            .subject_starts
            .find_at(&mut cache, &renumbered, 0)
        {
            Ok(m) => m,
            Err(()) => self.subject()?.find(classes).map(|m| (m.start(), m.end())),
        }
    }

    /// The leftmost-first matches of the subject pattern in `classes` (the
    /// class bytes of tokens), in order, as the regex's `find_iter` finds
    /// them, put in `out`; `renumbered` is `classes` in the rules'
    /// alphabet. Each match is the first from where the one before ends:
    /// an anchored search from each byte a match can start with (see
    /// [`StartSearch`]) finds it with a lazy DFA of fewer and smaller
    /// states than the unanchored search forward and then in reverse, which
    /// is searched only if the lazy DFA gives up.
    fn subject_phrases<'o>(
        &self,
        classes: &[u8],
        renumbered: &[u8],
        out: &'o mut Vec<(usize, usize)>,
    ) -> &'o [(usize, usize)] {
        out.clear();
        let mut cache = self.inner.subject_caches.get();
        let mut at = 0;
        while at < renumbered.len() {
            match self
                .inner
                .subject_starts
                .find_at(&mut cache, renumbered, at)
            {
                // The pattern matches no empty string, so the next search
                // starts where this match ends.
                Ok(Some((a, b))) if a < b => {
                    out.push((a, b));
                    at = b;
                }
                Ok(None) => return out,
                _ => {
                    out.clear();
                    if let Some(re) = self.subject() {
                        out.extend(re.find_iter(classes).map(|m| (m.start(), m.end())));
                    }
                    return out;
                }
            }
        }
        out
    }

    /// Names the speakers of the drafts that `next_block` gives, block
    /// after block in text order (each block's drafts in text order), and
    /// makes the records; `renumbered` is `doc.hay` in the rules' alphabet.
    /// The analysis lists the speakers only when `want_speakers`.
    ///
    /// Coreference runs over the whole text, one block after another: the
    /// registry sees every mention in text order as for one block of all,
    /// and the records get their speakers' names and roles once the last
    /// block is done.
    fn resolve<'t, 'r>(
        &'r self,
        doc: &Doc<'t>,
        renumbered: &[u8],
        mut next_block: impl FnMut() -> Option<(Range<usize>, Vec<Draft<'r>>)>,
        want_speakers: bool,
    ) -> Analysis {
        let lex = &self.inner.lexicon;
        // The subject phrases of a sentence, kept for the next.
        let mut subjects = Vec::new();
        // Coreference sees every mention in text order, a speaker's before a
        // name's at the same offset. Name mentions come in text order from the
        // search below and are linked as they come, so they are never all
        // held at once; the speakers' (one per record) are sorted first.
        let mut events: Vec<(usize, usize, Mention)> = Vec::new();
        let mut pooled = self.inner.registries.get();
        let ResolveBuffers {
            registry,
            flags,
            spoken: mut speaker_toks,
            mut linked,
            mut entity_at,
            mut parts,
            mut order,
            mut index_of,
        } = std::mem::take(&mut *pooled);
        // Made at the first block, sized for it (one block of all for an
        // article).
        let mut registry = Some(registry);
        let mut reg: Option<Registry<'t>> = None;
        let mut words = speaker::Words::with_flags(doc, &self.inner.word_kinds, flags);
        speaker_toks.clear();
        speaker_toks.resize(doc.tokens.len(), false);
        // The entity of each draft's speaker and the span of its mention.
        linked.clear();
        entity_at.clear();
        // The phrase analysed last and what it gave: records that inherit
        // their speaker, and those that share one ("A, officials said,
        // B"), come one after another with the same phrase.
        let mut last: Option<((usize, usize), Mention)> = None;
        // The speaker mentions not linked yet are `events[next_speaker..]`
        // (read in place: a mention is large, and most calls below link
        // none).
        let mut next_speaker = 0;
        // The drafts of the block before (whose speakers later drafts may
        // inherit) and then those of this one; `base` numbers the first.
        let mut drafts: Vec<Draft<'r>> = Vec::new();
        let mut base = 0;
        let mut quotes = Vec::new();
        // The draft of each record.
        let mut draft_of_quote = Vec::new();
        let hay = &doc.hay[..];
        let starts = &self.inner.np_starts;
        let mut np_cache = self.inner.np_caches.get();
        while let Some((sents, new)) = next_block() {
            // `drafts` holds the end of the block before's (numbered from
            // `base`), then this block's.
            let from = drafts.len();
            if from == 0 {
                drafts = new;
            } else {
                drafts.extend(new);
            }
            // Inherited speakers: participle clauses take the latest speaker
            // in their sentence, or the sentence's subject; follow-ups take
            // the previous record's speaker in this or the previous
            // paragraph.
            for i in from..drafts.len() {
                if !drafts[i].inherit {
                    continue;
                }
                let tok = drafts[i].tok;
                let si = doc.sentence_of(tok);
                let para = doc.sentences[si].para;
                let follow = drafts[i].cue.is_none();
                // Drafts are in text order, so when the one just before does
                // not qualify, no earlier one does: look at that one alone
                // (linear). A question with no speaker of its own ("Asked
                // whether ...") does not break a chain of follow-ups.
                let before = i.checked_sub(1).map(|j| {
                    if drafts[j].anonymous && j > 0 {
                        j - 1
                    } else {
                        j
                    }
                });
                let prev = before.filter(|&j| {
                    let pj = doc.sentences[doc.sentence_of(drafts[j].tok)].para;
                    if follow {
                        pj + 1 >= para
                    } else {
                        doc.sentence_of(drafts[j].tok) == si
                    }
                });
                // A follow-up quotation continues the quotation before it:
                // when the sentence of the previous record also holds
                // reported speech of someone else ("“...,” Ann said, after Bo
                // said that ..."), the speaker of its latest quotation is
                // kept.
                let prev = prev.map(|j| {
                    if !follow || drafts[j].kind == QuoteKind::Direct {
                        return j;
                    }
                    let sj = doc.sentence_of(drafts[j].tok);
                    (0..j)
                        .rev()
                        .take_while(|&k| doc.sentence_of(drafts[k].tok) == sj)
                        .find(|&k| {
                            drafts[k].kind == QuoteKind::Direct && drafts[k].speaker.is_some()
                        })
                        .unwrap_or(j)
                });
                if let Some(j) = prev {
                    drafts[i].speaker = drafts[j].speaker;
                    drafts[i].mention_end = drafts[j].mention_end;
                    drafts[i].who = drafts[j].who;
                    if drafts[j].leadin {
                        drafts[i].rule = drafts[j].rule;
                        drafts[i].confidence = drafts[j].confidence;
                        drafts[i].cue = drafts[j].cue;
                    }
                    if follow && drafts[j].speaker.is_none() {
                        drafts[i].rule = RULE_ORPHAN;
                        drafts[i].confidence = 0.3;
                    }
                    continue;
                }
                if !follow {
                    // The subject of the sentence.
                    let s = &doc.sentences[si];
                    let hay = &doc.classes[s.tokens.start..tok];
                    // The last noun phrase that opens the sentence or follows
                    // a comma and is not itself followed by one. Failing
                    // that, the noun phrase that opens the sentence even when
                    // an appositive follows it ("Ann Lee, the treasurer, has
                    // rejected the label, noting ..."). The sentence's bytes
                    // in `renumbered`: after its separator(s).
                    let h0 = s.tokens.start + 2 * si + 1;
                    let phrases =
                        self.subject_phrases(hay, &renumbered[h0..h0 + hay.len()], &mut subjects);
                    let subject = phrases
                        .iter()
                        .rev()
                        .find(|&&(k, e)| {
                            // After a comma, a dash, a semicolon, or ", and" /
                            // ", but" that opens a clause of its own.
                            let opens = k == 0
                                || matches!(hay[k - 1], c::COMMA | c::DASH | c::SEMI)
                                || (k >= 2 && hay[k - 1] == c::AND && hay[k - 2] == c::COMMA);
                            opens && hay.get(e).is_some_and(|&b| b != c::COMMA && b != c::STOP)
                        })
                        .or_else(|| phrases.first().filter(|m| m.0 == 0));
                    if let Some(&(a, b)) = subject {
                        drafts[i].speaker = Some((s.tokens.start + a, s.tokens.start + b));
                    }
                } else {
                    drafts[i].rule = RULE_ORPHAN;
                    drafts[i].confidence = 0.3;
                }
            }
            let reg = reg.get_or_insert_with(|| {
                let buffers = registry.take().unwrap_or_default();
                let mut r = Registry::with_buffers(buffers, doc.sentences.len() + drafts.len());
                r.keep_mentions = want_speakers;
                r
            });
            linked.resize(base + drafts.len(), None);
            // The block's speaker mentions join those not linked yet, all in
            // text order (a speaker may stand in a later block: a signature
            // line after the quotation).
            events.drain(..next_speaker);
            next_speaker = 0;
            events.reserve(drafts.len() - from);
            for (i, d) in drafts.iter().enumerate().skip(from) {
                if let Some((a, b)) = d.speaker {
                    let mut m = match &last {
                        Some((ab, m)) if *ab == (a, b) => m.clone(),
                        _ => {
                            let m = speaker::analyze(doc, lex, &mut words, a, b);
                            last = Some(((a, b), m.clone()));
                            m
                        }
                    };
                    if m.name.trim().is_empty() || m.span.0 >= m.span.1 {
                        // Nothing to name: no speaker rather than an empty one.
                        continue;
                    }
                    if let Some(w) = d.who {
                        m.span = (doc.tokens[w].start(), doc.tokens[w].end());
                    } else if let Some(e) = d.mention_end.filter(|&e| e > b) {
                        m.span.1 = doc.tokens[e - 1].end();
                    }
                    speaker_toks[a..b].iter_mut().for_each(|x| *x = true);
                    events.push((doc.tokens[a].start(), base + i, m));
                }
            }
            events.sort_by_key(|(p, _, _)| *p);
            // Links the speaker mentions up to byte `upto`. One mention that
            // serves two records ("A, officials said, B") is one speaker:
            // its entity is looked up, not made twice.
            let mut link_speakers = |reg: &mut Registry<'t>, upto: usize| {
                while let Some((pos, i, m)) = events.get(next_speaker).filter(|e| e.0 <= upto) {
                    next_speaker += 1;
                    let e = *entity_at
                        .entry(m.span)
                        .or_insert_with(|| reg.observe(m, *pos));
                    linked[*i] = Some((e, m.span));
                }
            };
            // Only a phrase with a name in it is a mention, and no phrase
            // crosses a sentence (the pattern never takes the separator, nor
            // looks around): each sentence that holds a name is searched on
            // its own, from its start (where a search from before it finds
            // its first phrase too) and only until the phrases can no longer
            // hold its last name. A phrase that starts after the last name
            // holds none, nor does any after it, so what is left out is
            // never a mention; the phrases found are the ones a search of
            // the whole text finds. A name in a speaker's phrase counts for
            // none: a phrase that holds it overlaps the speaker's and is no
            // mention, so the search stops at the last name outside the
            // speakers' phrases, and a sentence with no such name is not
            // searched at all.
            for (i, s) in doc.sentences[sents.clone()].iter().enumerate() {
                let i = sents.start + i;
                // The sentence's bytes in `hay`: after its separator(s).
                let h0 = s.tokens.start + 2 * i + 1;
                let h1 = h0 + s.tokens.len();
                let Some(last) = doc.tokens[s.tokens.clone()]
                    .iter()
                    .zip(&speaker_toks[s.tokens.clone()])
                    .rposition(|(t, &spoken)| t.base == c::NAME && !spoken)
                    .map(|k| h0 + k)
                else {
                    continue;
                };
                let mut at = h0;
                while at <= last {
                    // The regex crate's search if the lazy DFA gives up.
                    let found = match starts.find_at(&mut np_cache, &renumbered[..h1], at) {
                        Ok(m) => m,
                        Err(()) => self
                            .np()
                            .find_at(&hay[..h1], at)
                            .map(|m| (m.start(), m.end())),
                    };
                    let Some((ma, mb)) = found.filter(|m| m.0 <= last) else {
                        break;
                    };
                    at = mb.max(at + 1);
                    let (a, b) = (doc.hay_tok[ma] as usize, doc.hay_tok[mb - 1] as usize + 1);
                    if speaker_toks[a..b].iter().any(|&x| x)
                        || !(a..b).any(|i| doc.tokens[i].base == c::NAME)
                    {
                        continue;
                    }
                    let subject = ma == 0 || matches!(hay[ma - 1], c::COMMA | c::SEP);
                    // "Ann Lee and Bo Dahl": each name is a mention of its own.
                    parts.clear();
                    if !(a..b).any(|i| doc.tokens[i].base == c::AND) {
                        parts.push((a, b));
                    } else {
                        let mut p0 = a;
                        for i in a..=b {
                            if i == b || matches!(doc.tokens[i].base, c::AND | c::COMMA) {
                                if p0 < i {
                                    parts.push((p0, i));
                                }
                                p0 = i + 1;
                            }
                        }
                    }
                    for &(pa, pb) in &parts {
                        if !(pa..pb).any(|i| doc.tokens[i].base == c::NAME) {
                            continue;
                        }
                        let mut men = speaker::analyze(doc, lex, &mut words, pa, pb);
                        men.subject = subject;
                        let pos = doc.tokens[pa].start();
                        link_speakers(reg, pos);
                        reg.observe(&men, pos);
                    }
                }
            }
            // The block's records, their speakers named once all are known.
            quotes.reserve(drafts.len() - from);
            draft_of_quote.reserve(drafts.len() - from);
            for (i, d) in drafts.iter().enumerate().skip(from) {
                if d.leadin {
                    continue;
                }
                let cue = d.cue.map(|(a, b)| {
                    let (s, e) = doc.span(a, b);
                    let entry = (a..b)
                        .rev()
                        .find_map(|t| doc.tokens[t].cue())
                        .map(|x| &lex.entries[x as usize]);
                    Cue {
                        text: doc.text[s..e].to_string(),
                        lemma: entry.map_or_else(String::new, |e| e.lemma.clone()),
                        start: s,
                        end: e,
                        class: entry.map_or(CueClass::Speech, |e| e.class),
                    }
                });
                draft_of_quote.push(base + i);
                quotes.push(Quote {
                    kind: d.kind,
                    start: d.start,
                    end: d.end,
                    text: doc.text[d.start..d.end].to_string(),
                    speaker: None,
                    cue,
                    rule: d.rule.to_string(),
                    confidence: d.confidence,
                });
            }
            // What the next block's drafts may inherit from: the last two
            // drafts (one before a question with no speaker) and the others
            // of their sentences.
            let keep = match drafts.len().checked_sub(2) {
                Some(k) => {
                    let s = doc.sentence_of(drafts[k].tok);
                    (0..k)
                        .rev()
                        .take_while(|&j| doc.sentence_of(drafts[j].tok) >= s)
                        .last()
                        .unwrap_or(k)
                }
                None => 0,
            };
            base += keep;
            drafts.drain(..keep);
        }
        // Grown block by block, the list may have room for twice its
        // records: it is handed over with little more than it holds.
        if quotes.capacity() - quotes.len() > quotes.len() / 8 {
            quotes.shrink_to_fit();
        }
        let mut reg = reg.unwrap_or_else(|| {
            // No block at all.
            let buffers = registry.take().unwrap_or_default();
            let mut r = Registry::with_buffers(buffers, doc.sentences.len());
            r.keep_mentions = want_speakers;
            r
        });
        // The speaker mentions after the last name.
        for (pos, i, m) in events.drain(next_speaker..) {
            let e = *entity_at
                .entry(m.span)
                .or_insert_with(|| reg.observe(&m, pos));
            linked[i] = Some((e, m.span));
        }
        // Speakers: entities with quotes, in order of first mention.
        // Distinct entities first, so each entity's mentions are scanned once.
        // Lead-ins name speakers but are no records.
        order.clear();
        order.extend(
            draft_of_quote
                .iter()
                .filter_map(|&i| linked[i].map(|(e, _)| e)),
        );
        order.sort_unstable();
        order.dedup();
        order.sort_by_key(|&e| reg.entities[e].first);
        // Entities without quotes have no index.
        index_of.clear();
        index_of.resize(reg.entities.len(), usize::MAX);
        for (idx, &e) in order.iter().enumerate() {
            index_of[e] = idx;
        }
        let mut speakers: Vec<Speaker> = Vec::new();
        if want_speakers {
            // How many mentions each speaker has, so that its list of them
            // is allocated once.
            let mut counts = vec![0; order.len()];
            for &(e, _) in &reg.mentions {
                if let Some(n) = counts.get_mut(index_of[e]) {
                    *n += 1;
                }
            }
            speakers = order
                .iter()
                .zip(&counts)
                .map(|(&e, &n)| {
                    let en = &reg.entities[e];
                    Speaker {
                        name: clean_name(en.name),
                        role: en.role.map(str::to_string),
                        kind: en.kind,
                        mentions: Vec::with_capacity(n),
                        quotes: 0,
                    }
                })
                .collect();
            // Each speaker's mentions in text order, each once.
            for &(e, (a, b)) in &reg.mentions {
                if let Some(sp) = speakers.get_mut(index_of[e]) {
                    sp.mentions.push(crate::Span::new(a, b));
                }
            }
            for sp in &mut speakers {
                sp.mentions.sort();
                sp.mentions.dedup();
            }
        }
        for (q, &i) in quotes.iter_mut().zip(&draft_of_quote) {
            // A mention is always linked to an entity.
            q.speaker = linked[i].map(|(e, span)| {
                let index = index_of[e];
                // Without the list of speakers, what a speaker would hold
                // is read off its entity.
                let (name, role, kind) = match speakers.get_mut(index) {
                    Some(sp) => {
                        sp.quotes += 1;
                        (sp.name.clone(), sp.role.clone(), sp.kind)
                    }
                    None => {
                        let en = &reg.entities[e];
                        (clean_name(en.name), en.role.map(str::to_string), en.kind)
                    }
                };
                SpeakerRef {
                    name,
                    mention: doc.text[span.0..span.1].to_string(),
                    start: span.0,
                    end: span.1,
                    role,
                    kind,
                    index,
                }
            });
        }
        // Kept for the next document, unless this one was so long that
        // they would hold memory in proportion to it.
        let keep = doc.tokens.len() <= KEEP_TOKENS;
        *pooled = if !keep {
            ResolveBuffers::default()
        } else {
            ResolveBuffers {
                registry: reg.into_buffers(),
                flags: words.into_flags(),
                spoken: speaker_toks,
                linked,
                entity_at,
                parts,
                order,
                index_of,
            }
        };
        Analysis { quotes, speakers }
    }
}

/// The tokens of the quotation pieces, in order, with their pieces. Each
/// piece is one token, which starts at its opening mark: found by its
/// start, or, where that fails (a mark inside a word), by a scan of all
/// the tokens.
fn quote_tokens(doc: &Doc<'_>) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(doc.quotes.len());
    for (p, q) in doc.quotes.iter().enumerate() {
        // The pieces come in text order, so each search starts after the
        // token of the one before.
        let from: usize = out.last().map_or(0, |&(last, _)| last + 1);
        let before = from
            .checked_sub(1)
            .map_or(true, |k| doc.tokens[k].start() < q.open);
        let i = gallop(&doc.tokens, from, |t| t.start() < q.open);
        let found = doc.tokens.get(i).and_then(|t| t.quote()) == Some(p as u32);
        if !found || !before {
            return (doc.tokens.iter().enumerate())
                .filter_map(|(i, t)| Some((i, t.quote()? as usize)))
                .collect();
        }
        out.push((i, p));
    }
    out
}

/// The index where `before` turns false in `items[from..]` (whose items
/// it holds for first and then not), as `from` plus `partition_point` on
/// that slice would give: a galloping search, whose cost grows with the
/// distance walked rather than with the slice, so that a walk through a
/// long document reads its tokens near where it is.
fn gallop<T>(items: &[T], from: usize, before: impl Fn(&T) -> bool) -> usize {
    let (mut lo, mut hi, mut step) = (from, from, 1);
    while hi < items.len() && before(&items[hi]) {
        lo = hi + 1;
        hi += step;
        step *= 2;
    }
    let hi = hi.min(items.len());
    lo + items[lo..hi].partition_point(before)
}

/// Where the noun phrase of a speaker named after its cue ends, with its
/// appositives and relative clauses: at the end of the sentence, or before a
/// quotation or a participle clause.
fn speaker_clause_end(doc: &Doc<'_>, start_np: usize, mut end: usize) -> usize {
    let s = &doc.sentences[doc.sentence_of(end.saturating_sub(1))];
    // The phrase runs on after a comma ("said Ann Lee, 34, a nurse"), and
    // after an appositive also through its "of" phrase ("said Ann Lee, Democrat
    // of Ohio and a former mayor").
    let appositive = (start_np..end).any(|i| doc.tokens[i].base == c::COMMA);
    if end >= s.tokens.end {
        return end;
    }
    let next = doc.tokens[end].base;
    // An appositive runs on through its complement ("Ann Lee, an expert on
    // tides", "Ann Lee, adviser to the mayor"); a description through the
    // words that tell which one it is, up to a comma ("a source involved in
    // the talks", "one official close to the mayor", "the authors of the
    // report").
    let description = matches!(doc.tokens[start_np].base, c::DET | c::QUANT)
        || key_among(doc, start_np, &["the", "a", "an"]);
    let complement = matches!(next, c::PREP | c::CONJ | c::WORD | c::SOURCE);
    let description_on = description
        && !appositive
        && (next == c::WORD || key_among(doc, end, &["of", "to", "from", "with"]));
    let runs_on = matches!(next, c::COMMA | c::WHO) || appositive && complement || description_on;
    // "A, according to Ann Lee, is slowing": after the comma a verb goes on
    // with the clause, not with the speaker's phrase.
    let clause_on = next == c::COMMA
        && doc
            .tokens
            .get(end + 1)
            .is_some_and(|t| matches!(t.base, c::VERB | c::AUX | c::CUE | c::CUE_TELL | c::THAT));
    if !runs_on || clause_on {
        return end;
    }
    let stop_at_comma = description_on;
    let start = end;
    let mut i = end;
    while i < s.tokens.end {
        let b = doc.tokens[i].base;
        if matches!(b, c::CUE | c::CUE_TELL) {
            // "said Ann Lee, who added that ...": that clause is a record's own.
            return start;
        }
        // A short quotation is a title inside the phrase ("the authors of
        // the “Growth Report,”"); a longer one is a record's own.
        let title = b == c::QUOTE
            && doc.tokens[i].quote().is_some_and(|p| {
                let (qs, qe) = doc.quotes[p as usize].content;
                doc.text[qs..qe].split_whitespace().count() <= 6
            });
        if matches!(
            b,
            c::STOP | c::SEMI | c::QUOTE | c::CUE_ING | c::CUE_TELLING | c::COLON | c::DASH
        ) && !title
            || stop_at_comma && b == c::COMMA
        {
            break;
        }
        if b != c::COMMA {
            end = i + 1;
        }
        // A title closed by a comma inside its marks closes the phrase.
        if title
            && stop_at_comma
            && doc
                .tok_text(i)
                .trim_end_matches(['”', '"', '’', '\''])
                .ends_with(',')
        {
            break;
        }
        i += 1;
    }
    end
}

/// A byte regex over token classes, for the lazily built searches of
/// [`Extractor::np`] and [`Extractor::attribution`]. Their patterns were
/// already compiled when the rules were built, so this does not fail.
fn byte_regex(pattern: &str, what: &str) -> Regex {
    regex::bytes::RegexBuilder::new(pattern)
        .unicode(false)
        .size_limit(1 << 24)
        .dfa_size_limit(1 << 25)
        .build()
        .unwrap_or_else(|e| panic!("the {what} pattern compiled at build time: {e}"))
}

/// Where a reported clause that starts at `a` (and ends before `b`) ends,
/// when its cue at `k` stands in a subordinate clause that opens the
/// sentence ("Although Lee said ..., ..."): at the first comma after two
/// words of content, outside quotation marks. `None` when the sentence does
/// not open with a subordinator, or a comma stands between it and the cue
/// (the subordinate clause ended before: "While in Oslo, Lee said ...").
fn subordinate_end(doc: &Doc<'_>, k: usize, a: usize, b: usize) -> Option<usize> {
    let s0 = doc.sentences[doc.sentence_of(k)].tokens.start;
    let mut t = s0;
    // A conjunction may come first: "But while ...".
    if t < k && key_among(doc, t, &["but", "and", "yet"]) {
        t += 1;
    }
    let opens = token_key(doc, t, |first| match first {
        "although" | "though" | "while" | "whereas" | "unless" | "because" | "since" | "if"
        | "when" | "once" => true,
        "even" => t + 1 < k && key_among(doc, t + 1, &["though", "as", "if", "when"]),
        _ => false,
    });
    if !opens || (t..k).any(|u| matches!(doc.tokens[u].base, c::COMMA | c::QUOTE)) {
        return None;
    }
    clause_comma(doc, a, b)
}

/// The first comma in `a..b` after two words, outside quotation marks.
fn clause_comma(doc: &Doc<'_>, a: usize, b: usize) -> Option<usize> {
    let mut inside = false;
    for u in a..b {
        match doc.tokens[u].base {
            c::QUOTE => inside = !inside,
            c::COMMA if !inside && u >= a + 2 => return Some(u),
            _ => {}
        }
    }
    None
}

/// The longest word (in bytes) of the lists that tokens are checked
/// against with [`token_key`]: `ADVERBIAL_START`, `QUESTION_WORDS`, the
/// lexicon's calendar words and the words named in place. Each of them
/// starts with a letter.
const LONGEST_LISTED: usize = 16;

/// Whether `w` can be a word of the lists [`token_key`] serves.
fn listable(w: &str) -> bool {
    w.len() <= LONGEST_LISTED && w.starts_with(|ch: char| ch.is_ascii_alphabetic())
}

/// Calls `f` with the key of token `t` (see [`crate::cues::key`]), made on
/// the stack for a short ASCII word; with "" for a token that is no listed
/// word (a quotation, a mark), whose key is not worth making. A key holds a
/// byte or more for each character of the word, and a character takes four
/// bytes or fewer, so the key of a longer token is longer than any listed
/// word; and lowercasing leaves a character that is no letter no letter
/// (`’` becomes `'`), so the key of a token that opens with one opens with
/// no letter either.
fn token_key<R>(doc: &Doc<'_>, t: usize, f: impl FnOnce(&str) -> R) -> R {
    let text = doc.tok_text(t);
    if text.len() > 4 * LONGEST_LISTED || !text.starts_with(char::is_alphabetic) {
        return f("");
    }
    // The key of an ASCII word is as long as the word: a longer one than
    // any listed word is none of them.
    if text.len() > LONGEST_LISTED && text.is_ascii() {
        return f("");
    }
    crate::cues::with_key(text, f)
}

/// Whether the key of token `t` (see [`crate::cues::key`]) is one of
/// `words` (each of them [`listable`] and in lowercase).
fn key_among(doc: &Doc<'_>, t: usize, words: &[&str]) -> bool {
    debug_assert!(words
        .iter()
        .all(|w| listable(w) && !w.bytes().any(|b| b.is_ascii_uppercase())));
    let text = doc.tok_text(t);
    if text.is_ascii() {
        // The key of an ASCII word is the word in lowercase.
        return words.iter().any(|w| text.eq_ignore_ascii_case(w));
    }
    token_key(doc, t, |k| words.contains(&k))
}

/// Words that open a reported question: "asked whether ...".
const QUESTION_WORDS: &[&str] = &[
    "whether", "if", "how", "why", "what", "which", "who", "when", "where",
];

/// Prepositions and time words that open an adverbial, not a reported
/// clause: "said on Monday", "said in a statement".
const ADVERBIAL_START: &[&str] = &[
    "on",
    "in",
    "at",
    "during",
    "after",
    "before",
    "with",
    "by",
    "from",
    "over",
    "under",
    "into",
    "without",
    "against",
    "between",
    "through",
    "of",
    "for",
    "last",
    "earlier",
    "later",
    "yesterday",
    "today",
    "tonight",
    "ago",
    "again",
    "afterward",
    "afterwards",
    "recently",
    "repeatedly",
    "privately",
    "publicly",
    "more",
];

/// `name` as a speaker's name: trimmed, without a leading article.
fn clean_name(name: &str) -> String {
    let t = name.trim();
    // Only a name that opens with "t", "T", "a" or "A" can open with an
    // article.
    if matches!(t.as_bytes().first(), Some(b't' | b'T' | b'a' | b'A')) {
        for art in ["the ", "The ", "a ", "A ", "an ", "An "] {
            if let Some(rest) = t.strip_prefix(art) {
                return rest.to_string();
            }
        }
    }
    t.to_string()
}

impl Extractor {
    /// How the rules see `text`: for each sentence, a line with one class
    /// letter per token, then a line with the tokens themselves. A tool for
    /// writing rule patterns; the letters are `Q` quotation, `V` finite cue,
    /// `T` cue taking a hearer ("told"), `G`/`U` participle cues, `A`
    /// "according to", `N` capitalised word, `H` source or title noun, `n`
    /// other word, `P` pronoun, `D` determiner, `k` quantifier, `x` auxiliary,
    /// `v` form of "be", `t` "that", `o` preposition, `&` coordinator, `w`
    /// relative pronoun, `c` other function word, `s` possessive, `9` number,
    /// punctuation as itself, `#` a literal word of some rule. Text of
    /// 4 GiB or more gives an empty string.
    ///
    /// ```
    /// let ex = whosaid::Extractor::new();
    /// let shown = ex.token_classes("Ann Lee said: “Go.”");
    /// assert!(shown.starts_with("NNV:Q\n"));
    /// ```
    pub fn token_classes(&self, text: &str) -> String {
        if text.len() > MAX_TEXT {
            return String::new();
        }
        let inner = &*self.inner;
        let cl = Classifier {
            lexicon: &inner.lexicon,
            classes: &inner.classes,
            vocab: &inner.vocab,
        };
        let doc = tokenize(text, marks::find_quotes(text), &cl);
        let mut out = String::new();
        for s in &doc.sentences {
            let cls: String = doc.classes[s.tokens.clone()]
                .iter()
                .map(|&b| if b < 0x80 { b as char } else { '#' })
                .collect();
            let toks: Vec<&str> = s.tokens.clone().map(|i| doc.tok_text(i)).collect();
            out.push_str(&format!("{cls}\n   {}\n", toks.join(" | ")));
        }
        out
    }
}

#[cfg(test)]
mod rule_examples {
    use super::*;

    /// The one-pass analysis of a phrase of capitalised names gives what
    /// the step-by-step one gives, for every run of names in these
    /// sentences (titles, honorifics, articles and other determiners,
    /// organisations, gendered words).
    #[test]
    fn names_only_agrees_with_the_general_analysis() {
        let ex = Extractor::new();
        let inner = &*ex.inner;
        let cl = Classifier {
            lexicon: &inner.lexicon,
            classes: &inner.classes,
            vocab: &inner.vocab,
        };
        let text = "Senator Ada Quist said the pier was safe. Mrs. Ida Wren and Dr. Ivo Lund \
                    disagreed. The Harbour Board said so. Spokeswoman Lola Brandt of the \
                    Norland Water Company left. Vice President Dara Whitlow, Mayor Hal Ruiz \
                    and Coach Mira Olsen met The New Harbour Times. Mr. Lund told Ola Berg \
                    that Police Chief Margit Solberg of Norland University would speak. \
                    Emir Ada Quist, Sheikh Ivo Lund, Ayatollah Hal Ruiz, Lord Ola Berg, Sir \
                    Mira Olsen and Dame Lola Brandt came. Vice-Chair Ada Quist, \
                    Director-General Ivo Lund, Co-Chairman Hal Ruiz, The Ex-Mayor Ola Berg \
                    and Deputy-Governor Margit Solberg voted. Their Harbour Board met this \
                    Ivo Lund, her Ada Quist, a Norland Water Company, His Excellency Hal \
                    Ruiz and Our Mrs. Ida Wren.";
        let doc = tokenize(text, marks::find_quotes(text), &cl);
        let lex = &inner.lexicon;
        let mut words = speaker::Words::new(&doc, &inner.word_kinds);
        let (mut runs, mut stripped, mut kinds) = (0, 0, std::collections::HashSet::new());
        for s in &doc.sentences {
            for a in s.tokens.clone() {
                for b in a + 1..=s.tokens.end {
                    let Some(fast) = speaker::names_only(&doc, &mut words, a, b) else {
                        continue;
                    };
                    let slow = speaker::analyze_phrase(&doc, lex, &mut words, a, b);
                    assert_eq!(fast, slow, "{:?}", doc.span(a, b));
                    runs += 1;
                    // An honorific or an article left out of the name.
                    stripped += usize::from(fast.name.len() < fast.span.1 - fast.span.0);
                    kinds.insert(fast.kind);
                }
            }
        }
        // Many runs, some with an honorific or an article, of several
        // kinds: the table is not idle.
        assert!(runs >= 40, "{runs} runs");
        assert!(stripped >= 5, "{stripped} stripped");
        assert!(kinds.len() >= 2, "{kinds:?}");
    }

    /// Blocks open only at a paragraph, once the block before is big
    /// enough, and never inside a quotation over several paragraphs.
    #[test]
    fn blocks_open_between_paragraphs_outside_quotations() {
        let ex = Extractor::new();
        let inner = &*ex.inner;
        let cl = Classifier {
            lexicon: &inner.lexicon,
            classes: &inner.classes,
            vocab: &inner.vocab,
        };
        let text = "Ola Berg spoke. She left.\n\n“One part.\n\n“Two parts,” he said.\n\n\
                    The end.\n\nMore text here.";
        let doc = tokenize(text, marks::find_quotes(text), &cl);
        let paras: Vec<usize> = doc.sentences.iter().map(|s| s.para).collect();
        assert_eq!(paras, [0, 0, 1, 2, 3, 4]);
        // A block at every paragraph but the one that goes on with a
        // quotation.
        assert_eq!(blocks(&doc, 1), [0..2, 2..4, 4..5, 5..6]);
        // Blocks of 6 tokens or more, the last too: "Ola Berg spoke. She
        // left." has 6; a quotation piece is one token, so the next block
        // reaches 6 only with "The end.", and "More text here." (4) is too
        // short to be one.
        assert_eq!(blocks(&doc, 6), [0..2, 2..6]);
        // A text of fewer than twice the size is one block.
        for size in [doc.tokens.len(), usize::MAX] {
            let one = blocks(&doc, size);
            assert_eq!((one.len(), one[0].clone()), (1, 0..6));
        }
    }

    /// Every example of every built-in rule gives its record, made by that rule.
    #[test]
    fn builtin_rule_examples() {
        let ex = Extractor::new();
        let file = RuleFile::parse(BUILTIN_RULES, "english.toml").expect("built-in rules parse");
        let checked: usize = file.rule.iter().map(|r| r.examples.len()).sum();
        for rule in &file.rule {
            assert!(!rule.examples.is_empty(), "rule {} has no example", rule.id);
        }
        assert!(checked > 10);
        let failures: Vec<String> = ex.check_examples().iter().map(|f| f.to_string()).collect();
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }
}

#[cfg(test)]
mod anchored_search {
    use super::*;

    /// A seeded xorshift generator: each call gives a number below `n`.
    fn xorshift(mut seed: u64) -> impl FnMut(usize) -> usize {
        move |n| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        }
    }

    /// The class bytes random test sentences are made of: `classes`, then
    /// every literal byte of `ex`'s rules.
    fn class_alphabet(ex: &Extractor, classes: &[u8]) -> Vec<u8> {
        classes
            .iter()
            .copied()
            .chain((0..2 * ex.inner.rules.literals.len() as u8).map(|i| c::LITERAL + i))
            .collect()
    }

    /// A random sentence of 1 to `max` bytes of `alphabet`.
    fn random_sentence(
        next: &mut impl FnMut(usize) -> usize,
        alphabet: &[u8],
        max: usize,
    ) -> Vec<u8> {
        (0..1 + next(max))
            .map(|_| alphabet[next(alphabet.len())])
            .collect()
    }

    /// Every match, with the position its search started from and every
    /// group, as `m` finds them in `hay[w0..w1]`; the search goes on from
    /// the match end, or from its middle when `cut` (as after a reported
    /// clause cut short).
    fn matches(
        m: &Matcher,
        hay: &[u8],
        w0: usize,
        w1: usize,
        cut: bool,
    ) -> Vec<Vec<Option<(usize, usize)>>> {
        let groups = m.group_names().len();
        let anchors: Vec<u32> = (0..hay.len() as u32).collect();
        let mut cache = m.cache();
        let mut out = Vec::new();
        m.for_each_match(
            &mut cache,
            0,
            hay,
            &anchors,
            false,
            w0,
            w1,
            |at, whole, found| {
                let mut v = vec![Some((at, at)), Some(whole)];
                v.extend((0..groups).map(|i| found.get(i)));
                out.push(v);
                if cut {
                    ((whole.0 + whole.1) / 2).max(at + 1)
                } else {
                    whole.1.max(at + 1)
                }
            },
        );
        out
    }

    /// What [`matches`] gives, from the regex crate's search.
    fn regex_matches(
        re: &regex::bytes::Regex,
        hay: &[u8],
        w0: usize,
        w1: usize,
        cut: bool,
    ) -> Vec<Vec<Option<(usize, usize)>>> {
        let hay = &hay[..w1];
        let mut loc = re.capture_locations();
        let mut out = Vec::new();
        let mut at = w0;
        while at < hay.len() {
            let Some(m) = re.captures_read_at(&mut loc, hay, at) else {
                break;
            };
            let whole = (m.start(), m.end());
            let mut v = vec![Some((at, at)), Some(whole)];
            v.extend((0..loc.len()).map(|i| loc.get(i)));
            out.push(v);
            at = if cut {
                ((whole.0 + whole.1) / 2).max(at + 1)
            } else {
                whole.1.max(at + 1)
            };
        }
        out
    }

    /// The search from each rule's anchor finds exactly what the regex
    /// crate's unanchored search finds, on random sentences of token classes.
    #[test]
    fn anchored_search_finds_what_an_unanchored_search_finds() {
        let ex = Extractor::new();
        let rules = &ex.inner.rules;
        // Token classes, the frequent ones several times, literal words, and
        // runs that attributions are made of.
        let mut alphabet: Vec<Vec<u8>> = b"QVTGUANNNNPDDkHHnnnnn9tto&wxxcvs,,:;()-..y"
            .iter()
            .map(|&b| vec![b])
            .collect();
        alphabet.extend((0..2 * rules.literals.len() as u8).map(|i| vec![c::LITERAL + i]));
        for run in [
            &b"NNV"[..],
            b"Q,V",
            b"Q,NNV",
            b"DHV",
            b"PV",
            b",PV,",
            b"NN,DnH,V",
            b"xV",
            b"A",
            b"NN,wV",
            b"V:Q",
            b"Tnn",
            b"Vt",
            b",G",
            b"Q-NN",
            b"NN:",
        ] {
            alphabet.extend([run.to_vec(), run.to_vec(), run.to_vec()]);
        }
        // The regex crate's search of each rule's whole pattern, over the
        // bytes before renumbering.
        let plain: Vec<Option<regex::bytes::Regex>> = rules
            .rules
            .iter()
            .map(|r| {
                (!matches!(*r.matcher, Matcher::Plain(_))).then(|| {
                    regex::bytes::RegexBuilder::new(&r.src)
                        .unicode(false)
                        .build()
                        .expect("the rule compiles")
                })
            })
            .collect();
        let mut next = xorshift(0x2545_f491_4f6c_dd1d);
        let mut checked = 0;
        for round in 0..600 {
            // A few sentences, separated as in `Doc::hay`.
            let mut hay = vec![c::SEP];
            for s in 0..1 + next(4) {
                if s > 0 {
                    hay.extend([c::SEP, c::SEP]);
                }
                for _ in 0..1 + next(12) {
                    hay.extend_from_slice(&alphabet[next(alphabet.len())]);
                }
            }
            hay.push(c::SEP);
            let mut renumbered = Vec::new();
            rules.alphabet.translate(&hay, &mut renumbered);
            for (rule, plain) in rules.rules.iter().zip(&plain) {
                let Some(plain) = plain else {
                    continue;
                };
                let w0 = if round % 3 == 0 { next(hay.len()) } else { 0 };
                let cut = round % 2 == 1;
                let want = regex_matches(plain, &hay, w0, hay.len(), cut);
                let got = matches(&rule.matcher, &renumbered, w0, hay.len(), cut);
                assert_eq!(got, want, "rule {} on {:?} from {w0}", rule.def.id, hay);
                checked += want.len();
            }
        }
        assert!(checked > 1000, "only {checked} matches checked");
    }

    /// The anchored attribution search over renumbered bytes (its end and
    /// whether it matches) agrees with the regex crate's `is_match` from
    /// every position, and no match starts where it says none does, on
    /// random sentences of token classes.
    #[test]
    fn attribution_search_agrees_with_is_match() {
        let ex = Extractor::new();
        let search = &ex.inner.rules.attribution_search;
        let mut cache = search.cache();
        let alphabet = class_alphabet(&ex, b"QVTGUANNNNNNPDDkHHnnnnn9tto&wxxcvs,,:;()-..y|");
        let mut next = xorshift(0x5851_f42d_4c95_7f2d);
        let mut found = 0;
        for _ in 0..3000 {
            let hay = random_sentence(&mut next, &alphabet, 16);
            let mut renumbered = Vec::new();
            ex.inner.rules.alphabet.translate(&hay, &mut renumbered);
            let stop = search
                .starts_before(&renumbered)
                .expect("a cue is required");
            for k in 0..hay.len() {
                let want = ex.attribution().is_match(&hay[k..]);
                assert!(!want || k < stop, "on {hay:?} from {k}");
                let got = search
                    .end_at(&mut cache, &renumbered[k..], 0)
                    .expect("no give-up")
                    .is_some();
                assert_eq!(got, want, "on {:?}", &hay[k..]);
                let got = search
                    .matches_at(&mut cache, &renumbered[k..], 0)
                    .expect("no give-up");
                assert_eq!(got, want, "on {:?}", &hay[k..]);
                found += want as usize;
            }
        }
        assert!(found > 100, "only {found} matches");
    }

    /// The subject regex, built from the tree parsed with the rules, finds
    /// what the regex crate finds from its source, on random sentences of
    /// token classes.
    #[test]
    fn subject_finds_what_the_regex_crate_finds() {
        let ex = Extractor::new();
        let want_re = regex::bytes::RegexBuilder::new(&ex.inner.rules.subject)
            .unicode(false)
            .build()
            .expect("compiles");
        let alphabet = class_alphabet(&ex, b"QVTGUANNNNNNPDDkHHnnnnn9tto&wxxcvs,,:;()-..y|");
        let mut next = xorshift(0x2f8e_7c3a_9b1d_4e65);
        let mut checked = 0;
        for _ in 0..3000 {
            let hay = random_sentence(&mut next, &alphabet, 20);
            let want: Vec<_> = want_re
                .find_iter(&hay)
                .map(|m| (m.start(), m.end()))
                .collect();
            let got: Vec<_> = ex
                .subject()
                .expect("compiles")
                .find_iter(&hay)
                .map(|m| (m.start(), m.end()))
                .collect();
            assert_eq!(got, want, "on {hay:?}");
            // And so does the search from the bytes a subject can start
            // with, over the bytes renumbered.
            let mut renumbered = Vec::new();
            ex.inner.rules.alphabet.translate(&hay, &mut renumbered);
            let mut phrases = Vec::new();
            let got = ex.subject_phrases(&hay, &renumbered, &mut phrases);
            assert_eq!(got, &want[..], "on {hay:?}");
            assert_eq!(ex.subject_find(&hay), want.first().copied(), "on {hay:?}");
            checked += want.len();
        }
        assert!(checked > 1000, "only {checked} matches checked");
    }

    /// The noun-phrase search from the bytes a phrase can start with finds
    /// what the regex crate's unanchored `find_at` finds, from any position,
    /// on random sentences of token classes.
    #[test]
    fn start_search_finds_what_find_at_finds() {
        let ex = Extractor::new();
        let (np, starts) = (ex.np(), &ex.inner.np_starts);
        let mut cache = starts.cache();
        let alphabet = class_alphabet(&ex, b"QVTGUANNNNNNPDDkHHnnnnn9tto&wxxcvs,,:;()-..yW|");
        let mut next = xorshift(0x9e37_79b9_7f4a_7c15);
        let mut checked = 0;
        for _ in 0..3000 {
            let hay = random_sentence(&mut next, &alphabet, 30);
            let mut renumbered = Vec::new();
            ex.inner.rules.alphabet.translate(&hay, &mut renumbered);
            let mut at = next(hay.len() + 1);
            loop {
                let want = np.find_at(&hay, at).map(|m| (m.start(), m.end()));
                let got = starts
                    .find_at(&mut cache, &renumbered, at)
                    .expect("no give-up");
                assert_eq!(got, want, "on {hay:?} from {at}");
                let Some((_, b)) = want else { break };
                checked += 1;
                at = b.max(at + 1);
            }
        }
        assert!(checked > 1000, "only {checked} matches checked");
    }
}

#[cfg(test)]
mod tests {
    use super::gallop;

    #[test]
    fn gallop_finds_what_partition_point_finds() {
        for n in 0..40usize {
            let items: Vec<usize> = (0..n).map(|i| 3 * i).collect();
            for pos in 0..3 * n + 2 {
                let want = items.partition_point(|&x| x < pos);
                for from in 0..=want {
                    assert_eq!(
                        gallop(&items, from, |&x| x < pos),
                        want,
                        "n {n} pos {pos} from {from}"
                    );
                }
            }
        }
    }
}
