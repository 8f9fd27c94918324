//! Stage 5: the pipeline and its records. [`Extractor`] runs the stages in
//! order — marks, tokens and sentences, rules, speakers and coreference — and
//! turns their output into [`Quote`] records: [`drafts`] weighs the rules'
//! matches into draft records, a block of paragraphs at a time, and
//! [`resolve`] names their speakers and makes the records.

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

mod drafts;
mod resolve;

use drafts::{block_token_range, blocks, quote_tokens, Block, Draft};

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
        let doc = tokenize_into(text, quotes, &self.classifier(), &mut bufs.doc);
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
        let doc = self.doc_of(text);
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

    /// How the tokeniser reads words with this extractor's lexicon.
    fn classifier(&self) -> Classifier<'_> {
        Classifier {
            lexicon: &self.inner.lexicon,
            classes: &self.inner.classes,
            vocab: &self.inner.vocab,
        }
    }

    /// `text` tokenised whole, with its quotation marks (text below 4 GiB).
    fn doc_of<'t>(&self, text: &'t str) -> Doc<'t> {
        tokenize(text, marks::find_quotes(text), &self.classifier())
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
        let doc = ex.doc_of(text);
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
