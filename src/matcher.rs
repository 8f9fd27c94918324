//! Rule search: the leftmost-first matches of one rule in a window of
//! [`crate::segment::Doc::hay`], as an unanchored regex search would find
//! them, but found from the rule's anchor.
//!
//! Most rules hold a required token of a rare class, their *anchor*: a cue
//! or else a quotation. A match then starts where the part of the pattern
//! before the anchor token (its *prefix*: the elements before, and what the
//! cue's element holds before the cue, such as auxiliaries) ends at it. So instead of one unanchored search over
//! the window (a lazy DFA that follows every possible start at once, whose
//! many states cost most of a cold run), the search
//!
//! 1. finds the anchor tokens in the window (a byte table) that the
//!    elements after the anchor element can follow (a small lazy DFA,
//!    stopped at its first match; where they open with the speaker's noun
//!    phrase, that of the noun phrase, shared, then one of the rest from
//!    each place where the noun phrase can end),
//! 2. runs the prefix reversed and anchored from each anchor, collecting
//!    every position where the prefix can start (a small lazy DFA),
//! 3. tries those starts in order with the whole pattern, anchored (a
//!    forward lazy DFA gives the end of the leftmost-first match there;
//!    where the pattern is cut at the bounds of its wide elements, see
//!    below, the leftmost-first lazy DFAs of the pieces between them, in
//!    turn, give it and the bounds at once: those of a piece are shared by
//!    the rules that hold it, where the whole pattern's is each rule's
//!    own), and
//! 4. takes the capture groups of the first match with a bounded
//!    backtracker over the match alone. The backtracker's cost is in wide
//!    elements such as the speaker's noun phrase, whose alternatives it
//!    walks one by one, so where a pattern holds wide elements that are one
//!    group each (the speaker, the content), the match is first cut at
//!    their bounds (see [`Split`]): lazy DFAs find where each starts and
//!    ends, its group is that span, and the backtracker walks only the
//!    elements between them.
//!
//! Only the whole pattern's lazy DFA is compiled when the rules are built.
//! The searches of parts (the prefix, the elements after the anchor, the
//! bounds of a split) and the backtrackers of a split are compiled on their
//! first use (they are shared between rules that hold the same parts): what
//! a rule's matches never need, such as the search that decides between
//! several candidate bounds or the backtracker of the rest of a pattern, is
//! never built. A part that does not compile gives up its search, as a lazy
//! DFA that gives up does, and the search that would follow it decides.
//!
//! The first start with a match is the leftmost match start, and an anchored
//! leftmost-first search from it gives the match an unanchored search would
//! give; the output is the same, the cost is per anchor, not per byte. Rules
//! with no anchor keep the regex crate's unanchored search.

use std::sync::{Arc, OnceLock};

use regex_automata::hybrid::dfa::{Cache as DfaCache, DFA};
use regex_automata::hybrid::LazyStateID;
use regex_automata::meta;
use regex_automata::nfa::thompson::backtrack::{self, BoundedBacktracker};
use regex_automata::nfa::thompson::pikevm::{self, PikeVM};
use regex_automata::nfa::thompson::{self, WhichCaptures, NFA};
use regex_automata::util::captures::Captures;
use regex_automata::util::primitives::StateID;
use regex_automata::util::start;
use regex_automata::util::syntax;
use regex_automata::{Anchored, Input, MatchKind, PatternID};
use regex_syntax::hir::{
    Capture, Class, ClassBytes, ClassBytesRange, Hir, HirKind, Look, LookSet, Repetition,
};
use rustc_hash::FxHashMap as HashMap;

/// Where a rule pattern can be anchored: the element that is its anchor,
/// and the anchor's bytes.
#[derive(Debug, Clone)]
pub(crate) struct Anchor {
    /// The index of the anchor element: the elements before it are the
    /// prefix.
    pub element: usize,
    /// The bytes of the anchor token.
    pub key: Vec<u8>,
    /// The regex of what the anchor element holds before its token
    /// (auxiliaries before a cue), or empty.
    pub before: String,
}

/// A compiled rule pattern that finds its matches.
#[derive(Debug)]
pub(crate) enum Matcher {
    /// No anchor: the regex crate's unanchored search (its engine, built
    /// from the pattern in the renumbered bytes).
    Plain(meta::Regex),
    /// Searched from its anchor tokens.
    Anchored(Box<AnchoredMatcher>),
}

#[derive(Debug)]
pub(crate) struct AnchoredMatcher {
    /// The whole pattern, forward, leftmost-first (used anchored).
    fwd: DFA,
    /// Whether the pattern has no look-around, so that
    /// [`AnchoredMatcher::match_end`] can walk `fwd` itself.
    plain: bool,
    /// The whole pattern with its groups, for the captures of a match.
    bt: BoundedBacktracker,
    /// For a match too long for the backtracker.
    pike: PikeVM,
    /// The prefix, reversed, every match (`None`: empty prefix).
    rev: Option<Arc<LazyDfa>>,
    /// The elements after the anchor element, forward, every match
    /// (`None`: none): an anchor they do not follow starts no match.
    /// Where they open with a wide element (the speaker's noun phrase),
    /// that element alone, and `tail` the elements after it.
    after: Option<Arc<LazyDfa>>,
    /// The elements after the wide element that opens `after`, forward,
    /// every match (`None`: `after` is all of them). Rules whose elements
    /// after the anchor open with the noun phrase then share its lazy DFA
    /// (that of the noun phrase alone, which the split searches for its
    /// bounds too), and only build the states of their short tails: each
    /// state of a lazy DFA of the noun phrase and a tail is built once per
    /// tail otherwise, and the noun phrase's states are many.
    tail: Option<Arc<LazyDfa>>,
    /// The captures of a match from its parts, around its widest group.
    split: Option<Split>,
    key: [bool; 256],
    /// Capture-group names, by index.
    names: Vec<Option<String>>,
}

/// Per-thread search state of one [`Matcher`].
#[derive(Debug)]
pub(crate) enum MatchCache {
    Plain(Box<(meta::Cache, Captures)>),
    Anchored(Box<AnchoredCache>),
}

#[derive(Debug)]
pub(crate) struct AnchoredCache {
    fwd: DfaCache,
    /// The indices in [`Scratch::dfas`] of the caches of `rev` and `after`.
    rev: Option<usize>,
    after: Option<usize>,
    /// The cache of `tail`, this matcher's own (made on first use): a
    /// tail's states are few, and a third cache borrowed from
    /// [`Scratch::dfas`] with the other two costs more to get.
    tail: Option<DfaCache>,
    bt: backtrack::Cache,
    /// Made on first use: the PikeVM only runs where the lazy DFA gives
    /// up or a match is too long for the backtracker, and its state is
    /// large (a slot per group and NFA state).
    pike: Option<pikevm::Cache>,
    caps: Captures,
    starts: Vec<usize>,
    split: Option<SplitCache>,
    /// The groups of the last match, when found by the split.
    spans: Vec<Option<(usize, usize)>>,
}

/// The capture groups of one match.
pub(crate) enum Found<'a> {
    /// As an engine gives them.
    Caps(&'a Captures),
    /// Span by group index.
    Spans(&'a [Option<(usize, usize)>]),
}

impl Found<'_> {
    /// The span of group `i` in the haystack, if it took part.
    pub fn get(&self, i: usize) -> Option<(usize, usize)> {
        match self {
            Found::Caps(c) => c.get_group(i).map(|s| (s.start, s.end)),
            Found::Spans(s) => s.get(i).copied().flatten(),
        }
    }
}

/// The captures of a match taken apart at the bounds of its wide elements
/// that are one group each (the speaker's noun phrase, the content). Each
/// bound is found in turn, from the match start: where the elements since
/// the last bound can end (from the last bound) and the elements from it on
/// can start (up to the match end). When each bound is the only such
/// position, a wide element's group is the span between its bounds, and
/// the groups of the other elements between two bounds are those of a
/// bounded backtracker over them.
///
/// This is exact: the match is the first path (in leftmost-first order)
/// through the pattern that ends at the match end, so its bounds are among
/// those positions, and the path is the first one through each piece
/// between its bounds (a path through one piece that came first would make
/// a whole path that came first). The backtracker then walks only the small
/// pieces, not the wide elements, whose alternatives cost it most. When a
/// bound is not the only candidate, it is the end of the first path
/// through the elements before it, if the elements after it go on from
/// there to the match end (see [`Bound::first_path`]); else a backtracker
/// over the rest of the pattern from the bound before it decides (the path
/// through the rest is the first one from there), or the whole pattern's
/// for the first bound.
#[derive(Debug)]
struct Split {
    /// The bounds, in order (none at the pattern's ends).
    bounds: Vec<Bound>,
    /// The pieces between bounds, one more than the bounds.
    pieces: Vec<Piece>,
    /// For each bound after the first, the elements from the bound before
    /// it on, with their groups: when the bound is not found, the rest of
    /// the match is the first path through them from the bound before.
    tails: Vec<LazyBacktracker>,
    /// The elements from the last bound on, forward, leftmost-first: with
    /// the bounds' `first`, it finds the match end and the bounds (see
    /// [`Split::match_end`]); `None` with no bound.
    rest: Option<Arc<LazyDfa>>,
}

/// A position between two elements: the elements since the bound before
/// (or the start), forward, and the elements from it on, reversed, both
/// reporting every match. The right part is only searched when the left
/// one can end at more than one position, so it is compiled on first use.
#[derive(Debug)]
struct Bound {
    left: Arc<LazyDfa>,
    right: Arc<LazyDfa>,
    /// The left part, forward, leftmost-first, and the right part,
    /// forward, every match, exact: where the bound is not the one
    /// candidate, the end of the first path through the left part is the
    /// bound if the right part goes on from there to the match end (see
    /// [`Bound::first_path`]). Compiled on first use.
    first: Arc<LazyDfa>,
    rest: Arc<LazyDfa>,
}

/// The elements between two bounds.
#[derive(Debug)]
enum Piece {
    /// One wide element, one group.
    Group,
    /// No groups.
    Bare,
    /// Elements with groups, searched by a backtracker.
    Groups {
        bt: LazyBacktracker,
        /// The number of groups.
        groups: usize,
        /// Whether the pattern ends with `\z` (unless the piece is the last
        /// one or looks around), to be searched in the haystack cut at the
        /// piece's end, so that the first path found is the first one that
        /// ends there.
        pinned: bool,
        /// Whether the piece looks at nothing around it but the ends of the
        /// haystack, so that its groups depend on its bytes alone (and on
        /// whether it starts or ends the haystack), and can be remembered
        /// by them (see [`PieceCache`]).
        memo: bool,
    },
}

/// Search state of a [`Split`]; that of a backtracker is made on its first
/// use.
#[derive(Debug)]
struct SplitCache {
    /// By bound, the indices in [`Scratch::dfas`] of the caches of its
    /// left and right parts, and of its `first` and `rest`.
    bounds: Vec<[usize; 4]>,
    /// The index in [`Scratch::dfas`] of the cache of the split's `rest`.
    rest: Option<usize>,
    /// By piece (for those with groups).
    pieces: Vec<PieceCache>,
    tails: Vec<Option<(backtrack::Cache, Captures)>>,
    /// Candidate positions of a bound.
    lefts: Vec<usize>,
    rights: Vec<usize>,
    /// The position of each bound of a match, and its end.
    at: Vec<usize>,
}

/// Search state of a piece with groups: its backtracker's, made on first
/// use, and the groups found so far by the bytes of the piece.
///
/// Most pieces between wide elements are a token or two (a cue and the
/// auxiliaries before it, a comma and a quotation), the same few bytes over
/// and over, and a backtracker costs the same for them however short they
/// are (setting up the search costs more than the walk): a look-up of the
/// groups found before costs a fraction of that.
#[derive(Debug, Default)]
struct PieceCache {
    bt: Option<(backtrack::Cache, Captures)>,
    /// By the key of a piece's bytes (see [`PieceCache::key`]), the index
    /// in `found` of its groups, or `None` where the piece has no path
    /// that ends at its end.
    memo: HashMap<(u128, u128), Option<u32>>,
    /// The groups of remembered pieces, each a run of the piece's number of
    /// groups, as offsets from the piece's start.
    found: Vec<Option<(u32, u32)>>,
}

/// The longest piece (in bytes) whose groups are remembered: its bytes make
/// its key, with its length and where it stands.
const MEMO_BYTES: usize = 30;

/// How many pieces' groups a [`PieceCache`] remembers at most: pieces are
/// few distinct byte strings, and the bound keeps a cache small whatever
/// the text.
const MEMO_ENTRIES: usize = 1 << 12;

impl PieceCache {
    /// The key of the piece `hay[a..b]` (`b` at most [`MEMO_BYTES`] past
    /// `a`), in a haystack of length `len`: its bytes, its length, and
    /// whether it starts or ends the haystack (where `^` and `$` match).
    fn key(hay: &[u8], a: usize, b: usize, len: usize) -> (u128, u128) {
        let pack = |bytes: &[u8]| {
            bytes
                .iter()
                .rev()
                .fold(0u128, |k, &x| k << 8 | u128::from(x))
        };
        let (head, tail) = hay[a..b].split_at((b - a).min(16));
        let ends = u128::from(a == 0) | u128::from(b == len) << 1;
        (
            pack(head),
            pack(tail) | ((b - a) as u128) << 112 | ends << 120,
        )
    }

    /// Appends to `spans` the `g` groups of the first path through the
    /// piece `bt` from `a` that ends by `b` (searched in `hay`), if it ends
    /// at `b`, and says whether it does; with `memo`, the groups of the
    /// same bytes are found once.
    #[allow(clippy::too_many_arguments)]
    fn groups(
        &mut self,
        bt: &LazyBacktracker,
        hay: &[u8],
        a: usize,
        b: usize,
        g: usize,
        memo: bool,
        spans: &mut Vec<Option<(usize, usize)>>,
    ) -> bool {
        let key = (memo && b - a <= MEMO_BYTES).then(|| PieceCache::key(hay, a, b, hay.len()));
        if let Some(&found) = key.and_then(|k| self.memo.get(&k)) {
            let Some(i) = found else {
                return false;
            };
            let i = i as usize;
            spans.extend(
                self.found[i..i + g]
                    .iter()
                    .map(|sp| sp.map(|(x, y)| (a + x as usize, a + y as usize))),
            );
            return true;
        }
        if !side(bt, &mut self.bt, hay, a, b) {
            if let Some(k) = key.filter(|_| self.memo.len() < MEMO_ENTRIES) {
                self.memo.insert(k, None);
            }
            return false;
        }
        let Some((_, caps)) = &self.bt else {
            return false;
        };
        let groups = (1..=g).map(|i| caps.get_group(i).map(|sp| (sp.start, sp.end)));
        match key.filter(|_| self.memo.len() < MEMO_ENTRIES) {
            Some(k) => {
                let i = self.found.len();
                // Offsets from `a`: a group lies within the piece.
                self.found
                    .extend(groups.map(|sp| sp.map(|(x, y)| ((x - a) as u32, (y - a) as u32))));
                self.memo.insert(k, Some(i as u32));
                spans.extend(
                    self.found[i..]
                        .iter()
                        .map(|sp| sp.map(|(x, y)| (a + x as usize, a + y as usize))),
                );
            }
            None => spans.extend(groups),
        }
        true
    }
}

/// Size limits, as for the regex crate's builder in [`crate::rules`].
const NFA_LIMIT: usize = 1 << 24;
const CACHE_CAPACITY: usize = 1 << 24;

fn syntax_config() -> syntax::Config {
    syntax::Config::new().unicode(false).utf8(false)
}

fn nfa(hir: &Hir, reverse: bool, captures: bool) -> Result<NFA, String> {
    NFA::compiler()
        .configure(
            thompson::Config::new()
                .utf8(false)
                .reverse(reverse)
                .nfa_size_limit(Some(NFA_LIMIT))
                .which_captures(if captures {
                    WhichCaptures::All
                } else {
                    WhichCaptures::None
                }),
        )
        .build_from_hir(hir)
        .map_err(|e| e.to_string())
}

/// A renumbering of the 256 bytes that the searches below use instead of
/// the token-class bytes of [`crate::segment::Doc::hay`]: bytes that every
/// pattern treats alike get neighbouring numbers.
///
/// A lazy DFA splits the bytes into classes at every boundary of a byte
/// range in its pattern, and the token classes are scattered letters: a set
/// such as "a name, a title, or one of the literal words of that kind" is
/// many ranges, and the bytes between them become classes of their own.
/// Each class that a state meets costs a step of determinisation, and each
/// range a test in the NFA. Renumbered so that each byte set of the
/// patterns is (nearly) one run, the classes are the byte sets the patterns
/// tell apart and no more. Matches are the same: a haystack is searched
/// through [`Alphabet::translate`], which keeps every position.
#[derive(Debug, Clone)]
pub(crate) struct Alphabet {
    map: [u8; 256],
}

impl Alphabet {
    /// The numbering that keeps each byte.
    fn identity() -> Alphabet {
        let mut map = [0u8; 256];
        for (b, m) in map.iter_mut().enumerate() {
            *m = b as u8;
        }
        Alphabet { map }
    }

    /// A numbering for the patterns `hirs`: bytes sorted by which of the
    /// patterns' byte sets hold them, the sets that occur most often
    /// first, so that those sets are runs. Patterns that look at byte
    /// values (word boundaries, line anchors) or at Unicode classes keep
    /// the identity.
    fn of<'a>(hirs: impl IntoIterator<Item = &'a Hir>, shared: &[Hir]) -> Alphabet {
        // Each distinct set: (bits, occurrences, first seen).
        let mut sets: HashMap<[u64; 4], (usize, usize)> = HashMap::default();
        let mut ok = true;
        let mut memo = vec![None; shared.len()];
        for h in hirs {
            collect_sets(h, shared, &mut sets, &mut ok, &mut memo);
        }
        if !ok {
            return Alphabet::identity();
        }
        let mut order: Vec<([u64; 4], (usize, usize))> = sets.into_iter().collect();
        order.sort_by_key(|&(_, (n, first))| (std::cmp::Reverse(n), first));
        let has = |set: &[u64; 4], b: usize| set[b >> 6] & (1 << (b & 63)) != 0;
        let mut bytes: Vec<usize> = (0..256).collect();
        // Members first, set by set; ties keep the byte order.
        bytes.sort_by(|&x, &y| {
            order
                .iter()
                .map(|(set, _)| has(set, y).cmp(&has(set, x)))
                .find(|o| o.is_ne())
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let mut map = [0u8; 256];
        for (rank, &b) in bytes.iter().enumerate() {
            map[b] = rank as u8;
        }
        Alphabet { map }
    }

    /// The new number of byte `b`.
    pub fn byte(&self, b: u8) -> u8 {
        self.map[b as usize]
    }

    /// `hay` renumbered into `out` (cleared first).
    pub fn translate(&self, hay: &[u8], out: &mut Vec<u8>) {
        out.clear();
        out.extend(hay.iter().map(|&b| self.map[b as usize]));
    }

    /// `h` over the renumbered bytes, with `shared[i]` (renumbered
    /// already) in place of each placeholder group `i` (see [`Parts::new`]).
    fn hir(&self, h: &Hir, shared: &[Hir]) -> Hir {
        if let Some(i) = placeholder(h) {
            if let Some(s) = shared.get(i) {
                return s.clone();
            }
        }
        match h.kind() {
            HirKind::Empty => Hir::empty(),
            HirKind::Literal(l) => {
                Hir::literal(l.0.iter().map(|&b| self.byte(b)).collect::<Vec<u8>>())
            }
            HirKind::Class(Class::Bytes(c)) => {
                let mut bits = [false; 256];
                for r in c.ranges() {
                    for b in r.start()..=r.end() {
                        bits[self.byte(b) as usize] = true;
                    }
                }
                let mut ranges = Vec::new();
                let mut b = 0;
                while b < 256 {
                    if !bits[b] {
                        b += 1;
                        continue;
                    }
                    let start = b;
                    while b < 256 && bits[b] {
                        b += 1;
                    }
                    ranges.push(ClassBytesRange::new(start as u8, (b - 1) as u8));
                }
                Hir::class(Class::Bytes(ClassBytes::new(ranges)))
            }
            // Never renumbered (see `collect_sets`).
            HirKind::Class(Class::Unicode(_)) | HirKind::Look(_) => h.clone(),
            HirKind::Repetition(r) => Hir::repetition(Repetition {
                sub: Box::new(self.hir(&r.sub, shared)),
                ..r.clone()
            }),
            HirKind::Capture(c) => Hir::capture(Capture {
                index: c.index,
                name: c.name.clone(),
                sub: Box::new(self.hir(&c.sub, shared)),
            }),
            HirKind::Concat(v) => Hir::concat(v.iter().map(|h| self.hir(h, shared)).collect()),
            HirKind::Alternation(v) => {
                Hir::alternation(v.iter().map(|h| self.hir(h, shared)).collect())
            }
        }
    }
}

/// The prefix of the names of placeholder groups (see [`Parts::new`]).
const SHARED: &str = "whosaid_shared_";

/// The index of the shared group that `h` stands for, if it is a
/// placeholder.
fn placeholder(h: &Hir) -> Option<usize> {
    match h.kind() {
        HirKind::Capture(c) if matches!(c.sub.kind(), HirKind::Empty) => {
            let rest = c.name.as_deref()?.strip_prefix(SHARED)?;
            rest.split('_').next()?.parse().ok()
        }
        _ => None,
    }
}

/// Whether the regex `s` is one group, `(?:...)`, whose parentheses close
/// only at its end (so that it can stand anywhere in place of its text).
fn is_group(s: &str) -> bool {
    if !s.starts_with("(?:") || !s.ends_with(')') {
        return false;
    }
    let b = s.as_bytes();
    let (mut depth, mut i) = (0usize, 0);
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'[' => {
                // A class: to its closing bracket (a first `]` is literal).
                i += 1;
                if b.get(i) == Some(&b'^') {
                    i += 1;
                }
                if b.get(i) == Some(&b']') {
                    i += 1;
                }
                while i < b.len() && b[i] != b']' {
                    match b[i] {
                        b'\\' => i += 1,
                        // Nested classes: not worth following.
                        b'[' => return false,
                        _ => {}
                    }
                    i += 1;
                }
            }
            b'(' => depth += 1,
            b')' => {
                depth = match depth.checked_sub(1) {
                    Some(d) => d,
                    None => return false,
                };
                if depth == 0 && i + 1 < b.len() {
                    return false;
                }
            }
            _ => {}
        }
        i += 1;
    }
    depth == 0
}

/// The byte sets of a shared group with their occurrences, in the order
/// first seen, and whether a renumbering keeps its meaning (see
/// [`collect_sets`]).
type SharedSets = (Vec<([u64; 4], usize)>, bool);

/// Counts the byte sets of `h` (classes, and each literal byte) in `sets`,
/// those of `shared[i]` for each placeholder `i`; clears `ok` for what a
/// renumbering would change the meaning of. The sets of `shared[i]` are
/// found once, into `memo[i]` (the noun phrase stands in many parts), and
/// counted again at each placeholder, as a walk through it would.
fn collect_sets(
    h: &Hir,
    shared: &[Hir],
    sets: &mut HashMap<[u64; 4], (usize, usize)>,
    ok: &mut bool,
    memo: &mut [Option<SharedSets>],
) {
    if let Some(i) = placeholder(h).filter(|&i| i < shared.len()) {
        let (found, shared_ok) = memo[i].get_or_insert_with(|| {
            let mut own = HashMap::default();
            let mut own_ok = true;
            collect_sets(&shared[i], &[], &mut own, &mut own_ok, &mut []);
            let mut found: Vec<([u64; 4], (usize, usize))> = own.into_iter().collect();
            found.sort_by_key(|&(_, (_, first))| first);
            let found = found.into_iter().map(|(bits, (n, _))| (bits, n)).collect();
            (found, own_ok)
        });
        // In the order first seen: a set new to `sets` is numbered as it
        // would be by a walk through the group.
        for &(bits, n) in found.iter() {
            let first = sets.len();
            sets.entry(bits).or_insert((0, first)).0 += n;
        }
        *ok &= *shared_ok;
        return;
    }
    let mut add = |bits: [u64; 4]| {
        let first = sets.len();
        sets.entry(bits).or_insert((0, first)).0 += 1;
    };
    match h.kind() {
        HirKind::Empty => {}
        HirKind::Literal(l) => {
            for &b in l.0.iter() {
                let mut bits = [0u64; 4];
                bits[(b >> 6) as usize] |= 1 << (b & 63);
                add(bits);
            }
        }
        HirKind::Class(Class::Bytes(c)) => {
            let mut bits = [0u64; 4];
            for r in c.ranges() {
                for b in r.start()..=r.end() {
                    bits[(b >> 6) as usize] |= 1 << (b & 63);
                }
            }
            add(bits);
        }
        HirKind::Class(Class::Unicode(_)) => *ok = false,
        HirKind::Look(l) => *ok &= matches!(l, Look::Start | Look::End),
        HirKind::Repetition(r) => collect_sets(&r.sub, shared, sets, ok, memo),
        HirKind::Capture(c) => collect_sets(&c.sub, shared, sets, ok, memo),
        HirKind::Concat(v) | HirKind::Alternation(v) => {
            for h in v {
                collect_sets(h, shared, sets, ok, memo);
            }
        }
    }
}

/// Parses and compiles the parts that rules share once: the speaker noun
/// phrase stands in most patterns, and parsing it is most of the cost of
/// building the rules. Every pattern is compiled over the bytes of one
/// [`Alphabet`], made for all the parts.
pub(crate) struct Parts {
    /// Each part, parsed and renumbered.
    hirs: HashMap<String, Arc<Hir>>,
    /// The lazy DFAs of parts, by their elements (see [`Parts::lazy`]).
    lazies: HashMap<(Vec<usize>, Kind), Arc<LazyDfa>>,
    /// The elements that lazy DFAs are made of, by their text without
    /// group names...
    elements: HashMap<String, Arc<Element>>,
    /// ... and by the syntax tree of their text (its address in `hirs`,
    /// which holds it), so that the text of an element (the noun phrase's
    /// is long) is unnamed once, not at each use.
    by_tree: HashMap<usize, Arc<Element>>,
    /// The NFA of each part with its groups, by its syntax tree (as
    /// `by_tree`), for the NFAs of whole patterns (see [`Parts::full`]).
    with_groups: HashMap<usize, Arc<PartNfa>>,
    alphabet: Alphabet,
    /// The text of each shared group...
    finders: Vec<memchr::memmem::Finder<'static>>,
    /// ... and its syntax tree, not renumbered.
    shared: Vec<Hir>,
}

/// `part` with each occurrence of a shared group (found by `finders`) made
/// a placeholder group (see [`Parts::new`]).
fn skeleton(finders: &[memchr::memmem::Finder<'_>], part: &str) -> String {
    let mut skeleton = part.to_string();
    for (i, s) in finders.iter().enumerate() {
        // Group names are unique: `_n` numbers the occurrences.
        let mut n = 0;
        while let Some(at) = s.find(skeleton.as_bytes()) {
            let name = format!("(?P<{SHARED}{i}_{n}>)");
            skeleton.replace_range(at..at + s.needle().len(), &name);
            n += 1;
        }
    }
    skeleton
}

impl Parts {
    /// Parses every element regex that patterns will be made of (and any
    /// other pattern searched over the same bytes), and chooses the
    /// alphabet for them. A part that does not parse is left out, for its
    /// rule to report.
    ///
    /// `shared` are groups (`(?:...)`) that stand in many parts, such as the
    /// speaker noun phrase: each is parsed once, and put in place of its
    /// text in the parts that hold it.
    pub fn new<'a>(all: impl IntoIterator<Item = &'a str>, shared: &[&str]) -> Parts {
        let config = syntax_config().dot_matches_new_line(true);
        // Longest first, so that a shared group inside another stays whole.
        let mut shared: Vec<&str> = shared.iter().copied().filter(|s| is_group(s)).collect();
        shared.sort_by_key(|s| std::cmp::Reverse(s.len()));
        shared.dedup();
        let mut finders = Vec::new();
        let mut trees = Vec::new();
        for s in shared {
            if let Ok(h) = syntax::parse_with(s, &config) {
                if h.properties().explicit_captures_len() == 0 {
                    finders.push(memchr::memmem::Finder::new(s).into_owned());
                    trees.push(h);
                }
            }
        }
        let mut hirs: HashMap<String, Hir> = HashMap::default();
        let mut order = Vec::new();
        for part in all {
            if hirs.contains_key(part) {
                continue;
            }
            let Ok(h) = syntax::parse_with(&skeleton(&finders, part), &config) else {
                continue;
            };
            order.push(part.to_string());
            hirs.insert(part.to_string(), h);
        }
        let alphabet = Alphabet::of(order.iter().map(|p| &hirs[p]), &trees);
        let mapped: Vec<Hir> = trees.iter().map(|h| alphabet.hir(h, &[])).collect();
        let hirs = hirs
            .into_iter()
            .map(|(k, h)| (k, Arc::new(alphabet.hir(&h, &mapped))))
            .collect();
        Parts {
            hirs,
            lazies: HashMap::default(),
            elements: HashMap::default(),
            by_tree: HashMap::default(),
            with_groups: HashMap::default(),
            alphabet,
            finders,
            shared: trees,
        }
    }

    /// The syntax tree of the pattern `src` over the bytes before
    /// renumbering, as the regex crate parses it with `unicode` off, the
    /// shared groups in it parsed once.
    ///
    /// # Errors
    /// The message of a pattern that does not parse.
    pub fn original(&self, src: &str) -> Result<Hir, String> {
        if src.contains('.') {
            // `(?s)`, with which the shared groups were parsed, changes a dot.
            return syntax::parse_with(src, &syntax_config()).map_err(|e| e.to_string());
        }
        let config = syntax_config().dot_matches_new_line(true);
        let h = syntax::parse_with(&skeleton(&self.finders, src), &config)
            .map_err(|e| e.to_string())?;
        Ok(Alphabet::identity().hir(&h, &self.shared))
    }

    /// The alphabet of the parts.
    pub fn alphabet(&self) -> &Alphabet {
        &self.alphabet
    }

    /// The syntax tree of one element's regex, renumbered.
    fn hir(&mut self, part: &str) -> Result<Arc<Hir>, String> {
        if let Some(h) = self.hirs.get(part) {
            return Ok(h.clone());
        }
        let h = syntax::parse_with(part, &syntax_config().dot_matches_new_line(true))
            .map_err(|e| e.to_string())?;
        let h = Arc::new(self.alphabet.hir(&h, &[]));
        self.hirs.insert(part.to_string(), h.clone());
        Ok(h)
    }

    /// The syntax trees of the elements `parts`.
    fn trees(&mut self, parts: &[String]) -> Result<Vec<Arc<Hir>>, String> {
        parts.iter().map(|p| self.hir(p)).collect()
    }

    /// The elements `parts` of a lazy DFA: one for the regexes that differ
    /// only in the names of their groups.
    fn elements(&mut self, parts: &[String]) -> Result<Vec<Arc<Element>>, String> {
        parts
            .iter()
            .map(|p| {
                let hir = self.hir(p)?;
                let tree = Arc::as_ptr(&hir) as usize;
                if let Some(e) = self.by_tree.get(&tree) {
                    return Ok(e.clone());
                }
                let e = self
                    .elements
                    .entry(unnamed(p))
                    .or_insert_with(|| {
                        Arc::new(Element {
                            hir,
                            language: Default::default(),
                            nfa: Default::default(),
                        })
                    })
                    .clone();
                self.by_tree.insert(tree, e.clone());
                Ok(e)
            })
            .collect()
    }

    /// The NFA of the elements `parts` in sequence with their groups,
    /// numbered from 1 in order, as the parser numbers them in the whole
    /// pattern: made of the NFA of each element (see [`concat_nfas`]),
    /// compiled once for all the patterns that hold it.
    fn full(&mut self, parts: &[String]) -> Result<NFA, String> {
        let nfas = self.group_nfas(parts)?;
        let refs: Vec<&PartNfa> = nfas.iter().map(|n| &**n).collect();
        concat_nfas(&refs, false, true)
    }

    /// The NFA of each element of `parts` with its groups (numbered from 1
    /// in the element), compiled once.
    fn group_nfas(&mut self, parts: &[String]) -> Result<Vec<Arc<PartNfa>>, String> {
        let mut nfas = Vec::with_capacity(parts.len());
        for p in parts {
            let h = self.hir(p)?;
            let key = Arc::as_ptr(&h) as usize;
            let n = match self.with_groups.get(&key) {
                Some(n) => n.clone(),
                None => {
                    let n = Arc::new(PartNfa::new(nfa(&h, false, true)?));
                    self.with_groups.insert(key, n.clone());
                    n
                }
            };
            nfas.push(n);
        }
        Ok(nfas)
    }

    /// The lazy DFA of `parts` of the kind `kind` (see [`Parts::lazy`]):
    /// a rule's prefix is searched reversed and relaxed, the elements after
    /// its anchor forward and exact.
    fn every(&mut self, parts: &[String], kind: Kind) -> Result<Arc<LazyDfa>, String> {
        let elements = self.elements(parts)?;
        Ok(self.lazy(&elements, kind))
    }

    /// The lazy DFA of `elements` of the kind `kind` (compiled on first
    /// use), shared by all that ask for it: keyed by the elements, which
    /// are one for the regexes that differ only in the names of their
    /// groups (see [`Parts::elements`]), so that no key holds the text of
    /// the parts (the noun phrase's is long).
    fn lazy(&mut self, elements: &[Arc<Element>], kind: Kind) -> Arc<LazyDfa> {
        let key = (
            elements.iter().map(|e| Arc::as_ptr(e) as usize).collect(),
            kind,
        );
        self.lazies
            .entry(key)
            .or_insert_with(|| {
                let (reverse, relax, leftmost) = match kind {
                    Kind::Every { reverse, relax } => (reverse, relax, false),
                    Kind::Leftmost => (false, false, true),
                };
                let mut d = LazyDfa::new(elements.to_vec(), reverse, relax);
                d.leftmost = leftmost;
                Arc::new(d)
            })
            .clone()
    }
}

/// What a [`LazyDfa`] of some parts reports (see [`Parts::lazy`]).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    /// Every match, reversed or forward, of the exact or the relaxed
    /// language.
    Every { reverse: bool, relax: bool },
    /// The end of the first path through the parts, forward.
    Leftmost,
}

impl Kind {
    /// Every match, forward, of the exact language.
    const FORWARD: Kind = Kind::Every {
        reverse: false,
        relax: false,
    };
    /// Every match, reversed, of the relaxed language.
    const RELAXED_REVERSED: Kind = Kind::Every {
        reverse: true,
        relax: true,
    };
}

/// The regex `s` with each named group unnamed, `(?P<name>` made `(?:`: a
/// lazy DFA compiles no groups, so two parts that differ only in the names
/// of their groups (the speaker and the addressee) are one.
fn unnamed(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find("(?P<") {
        let Some(close) = rest[at..].find('>') else {
            break;
        };
        out.push_str(&rest[..at]);
        // An escaped parenthesis opens no group: kept as it is.
        if rest[..at].ends_with('\\') {
            out.push_str(&rest[at..at + 1]);
            rest = &rest[at + 1..];
            continue;
        }
        out.push_str("(?:");
        rest = &rest[at + close + 1..];
    }
    out.push_str(rest);
    out
}

/// The trees `hirs` in sequence, capture groups numbered from 1 in order.
#[cfg(test)]
fn concat(hirs: &[Arc<Hir>]) -> Hir {
    let mut next = 1;
    renumber(
        Hir::concat(hirs.iter().map(|h| Hir::clone(h)).collect()),
        &mut next,
    )
}

/// One element of a [`LazyDfa`]: its syntax tree and, made on first use
/// and shared by the lazy DFAs that hold the element, its [`language`]
/// (exact or relaxed, for a forward or a reversed search).
#[derive(Debug)]
struct Element {
    hir: Arc<Hir>,
    /// By `2 * relax + reverse`.
    language: [OnceLock<Hir>; 4],
    /// The NFA of each language, by the same index, and of the element as
    /// it is, forward (index 4); `None` where it does not compile. Made on
    /// first use, and shared by the lazy DFAs that hold the element: theirs
    /// is made of the NFAs of their elements (see [`concat_nfas`]), so that
    /// a long element (the noun phrase) is compiled once for them all.
    nfa: [OnceLock<Option<PartNfa>>; 5],
}

impl Element {
    /// The element's [`language`], relaxed or not, its alternatives that
    /// end alike factored first for a reversed search (which reads them
    /// from the end).
    fn language(&self, relax: bool, reverse: bool) -> &Hir {
        self.language[2 * usize::from(relax) + usize::from(reverse)]
            .get_or_init(|| language(&self.hir, relax, reverse))
    }

    /// The NFA of the element's [`Element::language`], or with `leftmost`
    /// of the element as it is (forward), compiled on first use.
    fn nfa(&self, relax: bool, reverse: bool, leftmost: bool) -> Option<&PartNfa> {
        let i = if leftmost {
            4
        } else {
            2 * usize::from(relax) + usize::from(reverse)
        };
        self.nfa[i]
            .get_or_init(|| {
                let hir = if leftmost {
                    &self.hir
                } else {
                    self.language(relax, reverse)
                };
                nfa(hir, reverse && !leftmost, false).ok().map(PartNfa::new)
            })
            .as_ref()
    }
}

/// The NFA of an element, to be put in sequence with others by
/// [`concat_nfas`], and by state, whether its anchored start reaches it
/// and whether it is a union folded into the one before it (found once for
/// all the sequences that hold it).
#[derive(Debug)]
struct PartNfa {
    nfa: NFA,
    /// By state, whether [`concat_nfas`] copies it: the anchored start
    /// reaches it, and it is not `folded`.
    reached: Vec<bool>,
    /// The alternatives of each union that [`concat_nfas`] copies, each
    /// union that only one other union leads to (see [`folded`]) replaced
    /// by its own alternatives, union after union. Found once for all the
    /// sequences that hold the element.
    alternates: Vec<StateID>,
    /// By state, the span of its alternatives in `alternates` (empty for
    /// all but the unions copied).
    spans: Vec<(usize, usize)>,
    /// Whether any union is folded: a copy of the NFA alone by
    /// [`concat_nfas`] gains nothing otherwise.
    folds: bool,
}

impl PartNfa {
    fn new(nfa: NFA) -> PartNfa {
        let reached = reached(&nfa);
        let folded = folded(&nfa, &reached);
        let folds = folded.contains(&true);
        let reached: Vec<bool> = reached
            .iter()
            .zip(&folded)
            .map(|(&r, &f)| r && !f)
            .collect();
        let mut alternates = Vec::new();
        let mut spans = Vec::with_capacity(reached.len());
        for (state, &r) in nfa.states().iter().zip(&reached) {
            let start = alternates.len();
            match state {
                thompson::State::Union { alternates: alts } if r => {
                    unfold(&nfa, &folded, alts, &mut alternates)
                }
                &thompson::State::BinaryUnion { alt1, alt2 } if r => {
                    unfold(&nfa, &folded, &[alt1, alt2], &mut alternates)
                }
                _ => {}
            }
            spans.push((start, alternates.len()));
        }
        PartNfa {
            reached,
            alternates,
            spans,
            folds,
            nfa,
        }
    }
}

/// The alternatives `alts` of a union of `nfa`, each `folded` union among
/// them replaced by its own alternatives (in turn), into `out`.
fn unfold(nfa: &NFA, folded: &[bool], alts: &[StateID], out: &mut Vec<StateID>) {
    for &a in alts {
        if !folded[a.as_usize()] {
            out.push(a);
            continue;
        }
        match nfa.state(a) {
            thompson::State::Union { alternates } => unfold(nfa, folded, alternates, out),
            thompson::State::BinaryUnion { alt1, alt2 } => {
                unfold(nfa, folded, &[*alt1, *alt2], out)
            }
            _ => out.push(a),
        }
    }
}

/// By state of `nfa`, whether it is a union that the anchored start
/// (whose states are `reached`) reaches only through one other union, and
/// through one of its alternatives (as the compiler makes a nested
/// alternation or an optional one). A lazy DFA builds each state from the
/// epsilon closure of NFA states, following each union in turn, depth
/// first, in the order of its alternatives; a union reached only that way
/// is followed right after the union before it, so that putting its
/// alternatives in its place in that union keeps the order in which the
/// closure finds the other states, the priorities of leftmost-first
/// searches and the backtracker's, and takes a step (and a member of the
/// closure) less for each. Unions are most of the states of the elements'
/// NFAs (an alternation of alternations, the noun phrase, and every
/// repetition, holds many).
fn folded(nfa: &NFA, reached: &[bool]) -> Vec<bool> {
    let union = |id: StateID| {
        matches!(
            nfa.state(id),
            thompson::State::Union { .. } | thompson::State::BinaryUnion { .. }
        )
    };
    // By state: the number of edges to it, and whether the last is from a
    // union.
    let mut into = vec![(0usize, false); reached.len()];
    into[nfa.start_anchored().as_usize()].0 += 1;
    for (i, state) in nfa.states().iter().enumerate() {
        if !reached[i] {
            continue;
        }
        let from_union = union(StateID::must(i));
        let mut edge = |to: StateID| {
            let e = &mut into[to.as_usize()];
            e.0 += 1;
            e.1 = from_union;
        };
        match state {
            thompson::State::ByteRange { trans } => edge(trans.next),
            thompson::State::Sparse(sparse) => sparse.transitions.iter().for_each(|t| edge(t.next)),
            thompson::State::Dense(dense) => dense
                .transitions
                .iter()
                .filter(|&&n| n != StateID::ZERO)
                .for_each(|&n| edge(n)),
            thompson::State::Look { next, .. } | thompson::State::Capture { next, .. } => {
                edge(*next)
            }
            thompson::State::Union { alternates } => alternates.iter().for_each(|&a| edge(a)),
            thompson::State::BinaryUnion { alt1, alt2 } => {
                edge(*alt1);
                edge(*alt2)
            }
            thompson::State::Fail | thompson::State::Match { .. } => {}
        }
    }
    into.iter()
        .enumerate()
        .map(|(i, &(n, from_union))| reached[i] && n == 1 && from_union && union(StateID::must(i)))
        .collect()
}

/// By state of `nfa`, whether its anchored start reaches it.
fn reached(nfa: &NFA) -> Vec<bool> {
    let mut seen = vec![false; nfa.states().len()];
    let mut stack = vec![nfa.start_anchored()];
    while let Some(id) = stack.pop() {
        if std::mem::replace(&mut seen[id.as_usize()], true) {
            continue;
        }
        match nfa.state(id) {
            thompson::State::ByteRange { trans } => stack.push(trans.next),
            thompson::State::Sparse(sparse) => {
                stack.extend(sparse.transitions.iter().map(|t| t.next))
            }
            thompson::State::Dense(dense) => stack.extend(
                dense
                    .transitions
                    .iter()
                    .copied()
                    .filter(|&n| n != StateID::ZERO),
            ),
            thompson::State::Look { next, .. } | thompson::State::Capture { next, .. } => {
                stack.push(*next)
            }
            thompson::State::Union { alternates } => stack.extend(alternates.iter().copied()),
            thompson::State::BinaryUnion { alt1, alt2 } => stack.extend([*alt1, *alt2]),
            thompson::State::Fail | thompson::State::Match { .. } => {}
        }
    }
    seen
}

/// The NFA of `parts` in sequence, each compiled alone (all forward, or
/// all reversed): the states of each copied in turn, its match made a step
/// to the start of the next one (the one before, reversed, since a
/// reversed NFA reads the sequence from its end). The language, and the
/// order of the paths through it, are those of the NFA of the sequence
/// compiled as one; copying the states costs a fraction of compiling them
/// (the noun phrase's are many).
///
/// With `captures` (forward only), the groups of the parts are those of
/// the sequence: numbered from 1 in order across the parts, with their
/// names, group 0 around the whole.
fn concat_nfas(parts: &[&PartNfa], reverse: bool, captures: bool) -> Result<NFA, String> {
    let order: Vec<&PartNfa> = if reverse {
        parts.iter().rev().copied().collect()
    } else {
        parts.to_vec()
    };
    let err = |e: thompson::BuildError| e.to_string();
    let mut b = thompson::Builder::new();
    b.set_size_limit(Some(NFA_LIMIT)).map_err(err)?;
    b.set_reverse(reverse);
    b.set_utf8(false);
    b.start_pattern().map_err(err)?;
    // The states of each part that its anchored start reaches, by their
    // id in the part: their id in the whole, those of each part in order
    // (the unanchored start of a part is left out, and the states only it
    // reaches, which would cost each search of a backtracker in vain); and
    // the number of groups before each part's (group 0 is the whole's).
    let mut ids: Vec<Vec<Option<StateID>>> = Vec::with_capacity(order.len());
    let mut groups = Vec::with_capacity(order.len());
    let (mut total, mut before) = (0, 0);
    for n in &order {
        let reached = &n.reached;
        let own = n
            .nfa
            .group_info()
            .group_len(PatternID::ZERO)
            .saturating_sub(1);
        let mut map = vec![None; reached.len()];
        for (m, _) in map.iter_mut().zip(reached).filter(|(_, &r)| r) {
            *m = Some(StateID::new(total).map_err(|e| e.to_string())?);
            total += 1;
        }
        ids.push(map);
        groups.push(before);
        before += own;
    }
    // After the parts: the end of group 0, the match, and the start of
    // group 0 (with `captures`).
    let (end0, matched, start0) = (
        StateID::new(total),
        StateID::new(total + 1),
        StateID::new(total + 2),
    );
    let (end0, matched, start0) = (
        end0.map_err(|e| e.to_string())?,
        matched.map_err(|e| e.to_string())?,
        start0.map_err(|e| e.to_string())?,
    );
    let id = |part: usize, sid: StateID| {
        ids[part][sid.as_usize()].ok_or_else(|| "a state out of reach".to_string())
    };
    // The alternatives of the union `sid` of a part, with those of the
    // unions folded into it (see [`folded`]), by their id in the whole.
    let unfolded = |part: usize, sid: usize| {
        let (start, end) = order[part].spans[sid];
        order[part].alternates[start..end]
            .iter()
            .map(|&a| id(part, a))
            .collect::<Result<Vec<_>, String>>()
    };
    let moved = |part: usize, t: &thompson::Transition| {
        Ok(thompson::Transition {
            next: id(part, t.next)?,
            ..*t
        })
    };
    for (i, n) in order.iter().enumerate() {
        let next_part = match order.get(i + 1) {
            Some(m) => Some(id(i + 1, m.nfa.start_anchored())?),
            None => None,
        };
        let n = &n.nfa;
        let states = n.states().iter().zip(&ids[i]).enumerate();
        for (sid, state) in states
            .filter(|(_, (_, m))| m.is_some())
            .map(|(k, (s, _))| (k, s))
        {
            match state {
                thompson::State::ByteRange { trans } => b.add_range(moved(i, trans)?),
                thompson::State::Sparse(sparse) => b.add_sparse(
                    sparse
                        .transitions
                        .iter()
                        .map(|t| moved(i, t))
                        .collect::<Result<_, String>>()?,
                ),
                thompson::State::Dense(dense) => {
                    // Runs of bytes with the same next state.
                    let mut ranges = Vec::new();
                    for b in 0..=255u8 {
                        let Some(next) = dense.matches_byte(b) else {
                            continue;
                        };
                        let next = id(i, next)?;
                        match ranges.last_mut() {
                            Some(thompson::Transition { end, next: n, .. })
                                if *n == next && usize::from(*end) + 1 == usize::from(b) =>
                            {
                                *end = b
                            }
                            _ => ranges.push(thompson::Transition {
                                start: b,
                                end: b,
                                next,
                            }),
                        }
                    }
                    b.add_sparse(ranges)
                }
                thompson::State::Look { look, next } => b.add_look(id(i, *next)?, *look),
                thompson::State::Union { .. } | thompson::State::BinaryUnion { .. } => {
                    b.add_union(unfolded(i, sid)?)
                }
                // A group of a part, numbered in the sequence; group 0 of a
                // part (or any, without `captures`) is a step to the next
                // state (a union of one).
                thompson::State::Capture {
                    next,
                    group_index,
                    slot,
                    ..
                } if captures && group_index.as_usize() > 0 => {
                    let g = groups[i] + group_index.as_usize();
                    let g = u32::try_from(g).map_err(|e| e.to_string())?;
                    let next = id(i, *next)?;
                    if slot.as_usize() % 2 == 0 {
                        let name = n
                            .group_info()
                            .to_name(PatternID::ZERO, group_index.as_usize())
                            .map(Arc::from);
                        b.add_capture_start(next, g, name)
                    } else {
                        b.add_capture_end(next, g)
                    }
                }
                thompson::State::Capture { next, .. } => b.add_union(vec![id(i, *next)?]),
                thompson::State::Fail => b.add_fail(),
                thompson::State::Match { .. } => match next_part {
                    Some(to) => b.add_union(vec![to]),
                    None if captures => b.add_union(vec![end0]),
                    None => b.add_match(),
                },
            }
            .map_err(err)?;
        }
    }
    let mut start = id(0, order[0].nfa.start_anchored())?;
    if captures {
        let added = [
            b.add_capture_end(matched, 0),
            b.add_match(),
            b.add_capture_start(start, 0, None),
        ];
        for (got, want) in added.into_iter().zip([end0, matched, start0]) {
            if got.map_err(err)? != want {
                return Err("group 0 out of place".into());
            }
        }
        start = start0;
    }
    // The unanchored start: `(?s-u:.)*?` before the anchored one, as the
    // compiler makes it.
    let unanchored = b.add_union(vec![start]).map_err(err)?;
    let any = b
        .add_range(thompson::Transition {
            start: 0,
            end: 255,
            next: unanchored,
        })
        .map_err(err)?;
    b.patch(unanchored, any).map_err(err)?;
    b.finish_pattern(start).map_err(err)?;
    b.build(start, unanchored).map_err(err)
}

/// A lazy DFA of elements in sequence, forward or reversed, reporting every
/// match, compiled on its first use.
///
/// Reporting every match, only the language of the elements counts, so
/// the lazy DFA is of their [`language`]. Relaxed, it is of a wider
/// language, which drops the exact counts of repetitions: its states are
/// far smaller sets of NFA states (the reversed noun phrase, whose many
/// alternatives end alike, most), each cheaper to build. Searches that
/// find candidates are exact with a wider language: where a rule's match
/// can start (the reversed prefix), since a start that no match has is
/// then tried in vain by the anchored search of the whole pattern; where
/// the elements after a bound of a [`Split`] can start (the reversed right
/// part), since a bound is taken by them only where it is the one
/// candidate (the exact searches of [`Bound::first_path`] settle the
/// others), and the true bound is among the candidates. A candidate too many costs
/// little in those (few of them are not true ones); the searches that
/// test an anchor (whether a match can go on after it) and the left part
/// of a bound stay exact, as a wider language there would let many more
/// anchors and bounds through.
#[derive(Debug)]
struct LazyDfa {
    /// The elements of the pattern, in order.
    trees: Vec<Arc<Element>>,
    reverse: bool,
    /// Of the relaxed language.
    relax: bool,
    /// Leftmost-first, of the elements as they are (not of their
    /// language, nor relaxed), forward: it reports the end of the first
    /// path through them, not every match.
    leftmost: bool,
    /// The lazy DFA, `None` if it did not compile (the search that needs
    /// it then gives up), and by byte, whether the anchored search lives
    /// on after it as the first byte (all, for a pattern that looks
    /// around, whose start state depends on the byte before).
    dfa: OnceLock<Option<(DFA, Box<[bool; 256]>)>>,
}

impl LazyDfa {
    fn new(trees: Vec<Arc<Element>>, reverse: bool, relax: bool) -> LazyDfa {
        LazyDfa {
            relax,
            trees,
            reverse,
            leftmost: false,
            dfa: OnceLock::new(),
        }
    }

    /// The lazy DFA, compiled on first use, and its search state `cache`
    /// (made if none).
    fn get<'a>(&'a self, cache: &'a mut Option<DfaCache>) -> Option<(&'a DFA, &'a mut DfaCache)> {
        let (dfa, _) = self.get_with_live()?;
        Some((dfa, cache.get_or_insert_with(|| dfa.create_cache())))
    }

    /// The lazy DFA and the bytes a search can start with, compiled on
    /// first use: most anchors are followed (or preceded) by a byte no
    /// match goes on with, and a table look-up costs less than fetching
    /// the start state. The table is read off the NFA (see
    /// [`first_bytes`]).
    fn get_with_live(&self) -> Option<(&DFA, &[bool; 256])> {
        self.dfa
            .get_or_init(|| {
                // Of the NFAs of the elements, one used as it is.
                let nfas = self
                    .trees
                    .iter()
                    .map(|e| e.nfa(self.relax, self.reverse, self.leftmost))
                    .collect::<Option<Vec<&PartNfa>>>()?;
                let nfa = match &nfas[..] {
                    [one] if !one.folds => one.nfa.clone(),
                    // One element too, for its unions folded (see
                    // [`folded`]).
                    nfas => concat_nfas(nfas, self.reverse, false).ok()?,
                };
                let plain = nfa.look_set_any().is_empty();
                let kind = if self.leftmost {
                    MatchKind::LeftmostFirst
                } else {
                    MatchKind::All
                };
                let live = Box::new(if plain {
                    first_bytes(&nfa)
                } else {
                    [true; 256]
                });
                let dfa = dfa(nfa, kind).ok()?;
                Some((dfa, live))
            })
            .as_ref()
            .map(|(d, l)| (d, &**l))
    }
}

/// By byte, whether the anchored search of `nfa` (a pattern with no
/// look-around) lives on after that byte as the first: whether a state
/// that the anchored start reaches without input reads it, or the start
/// matches already (a match shows one byte late, so the search is not dead
/// after any byte). Read off the NFA, this costs no transitions of the lazy
/// DFA: those from its start state are built as searches meet their bytes.
fn first_bytes(nfa: &NFA) -> [bool; 256] {
    let mut live = [false; 256];
    let mut seen = vec![false; nfa.states().len()];
    let mut stack = vec![nfa.start_anchored()];
    let mut mark = |start: u8, end: u8| {
        for l in &mut live[usize::from(start)..=usize::from(end)] {
            *l = true;
        }
    };
    while let Some(id) = stack.pop() {
        if std::mem::replace(&mut seen[id.as_usize()], true) {
            continue;
        }
        match nfa.state(id) {
            thompson::State::ByteRange { trans } => mark(trans.start, trans.end),
            thompson::State::Sparse(sparse) => {
                for t in sparse.transitions.iter() {
                    mark(t.start, t.end);
                }
            }
            thompson::State::Dense(dense) => {
                for b in 0..=255u8 {
                    if dense.matches_byte(b).is_some() {
                        mark(b, b);
                    }
                }
            }
            thompson::State::Union { alternates } => stack.extend(alternates.iter().copied()),
            thompson::State::BinaryUnion { alt1, alt2 } => stack.extend([*alt1, *alt2]),
            thompson::State::Capture { next, .. } => stack.push(*next),
            thompson::State::Fail => {}
            // A look-around (never in a pattern without) or a match: the
            // search lives on after every byte.
            thompson::State::Look { .. } | thompson::State::Match { .. } => return [true; 256],
        }
    }
    live
}

/// By byte, whether the anchored search of `dfa` (a pattern with no
/// look-around, whose start state depends on nothing before it) lives on
/// (is not dead) after `before` and then that byte; `None` where it is not
/// known for all bytes, as when the lazy DFA gives up. Bytes of one class
/// of the DFA lead to the same state, so one of each class is looked at
/// (a few dozen transitions instead of 256).
fn live_after(dfa: &DFA, cache: &mut DfaCache, before: &[u8]) -> Option<[bool; 256]> {
    let clears = cache.clear_count();
    let config = start::Config::new().anchored(Anchored::Yes);
    let mut sid = dfa.start_state(cache, &config).ok()?;
    for &b in before {
        sid = dfa.next_state(cache, sid, b).ok()?;
    }
    let classes = dfa.byte_classes();
    let mut by_class = [true; 256];
    for b in classes.representatives(..).filter_map(|u| u.as_u8()) {
        // A search that gives up is live: the search decides.
        by_class[usize::from(classes.get(b))] =
            dfa.next_state(cache, sid, b).map_or(true, |s| !s.is_dead());
    }
    // A transition that cleared the cache made `sid` stale.
    if cache.clear_count() != clears {
        return None;
    }
    let mut live = [true; 256];
    for (b, l) in live.iter_mut().enumerate() {
        *l = by_class[usize::from(classes.get(b as u8))];
    }
    Some(live)
}

/// A bounded backtracker over elements with their groups, compiled on its
/// first use.
#[derive(Debug)]
struct LazyBacktracker {
    /// The NFA of each element, with its groups, in order (see
    /// [`Parts::group_nfas`]).
    nfas: Vec<Arc<PartNfa>>,
    /// Whether the pattern ends with `\z`.
    pinned: bool,
    /// `None` if it did not compile (the split that needs it then gives
    /// up, and the whole pattern's backtracker decides).
    bt: OnceLock<Option<BoundedBacktracker>>,
}

impl LazyBacktracker {
    fn new(nfas: Vec<Arc<PartNfa>>, pinned: bool) -> LazyBacktracker {
        LazyBacktracker {
            nfas,
            pinned,
            bt: OnceLock::new(),
        }
    }

    /// The backtracker, made on first use of the NFAs of the elements (see
    /// [`concat_nfas`]).
    fn get(&self) -> Option<&BoundedBacktracker> {
        self.bt
            .get_or_init(|| {
                let nfa = match &self.nfas[..] {
                    // One element as it is: its groups are numbered from 1
                    // in order already, as it was parsed.
                    [one] if !self.pinned => one.nfa.clone(),
                    nfas => {
                        let end = match self.pinned {
                            true => {
                                Some(PartNfa::new(nfa(&Hir::look(Look::End), false, true).ok()?))
                            }
                            false => None,
                        };
                        let all: Vec<&PartNfa> = nfas.iter().map(|n| &**n).chain(&end).collect();
                        concat_nfas(&all, false, true).ok()?
                    }
                };
                BoundedBacktracker::builder().build_from_nfa(nfa).ok()
            })
            .as_ref()
    }
}

impl Default for Parts {
    fn default() -> Parts {
        Parts {
            hirs: HashMap::default(),
            lazies: HashMap::default(),
            elements: HashMap::default(),
            by_tree: HashMap::default(),
            with_groups: HashMap::default(),
            alphabet: Alphabet::identity(),
            finders: Vec::new(),
            shared: Vec::new(),
        }
    }
}

/// `h` with its capture groups numbered from `next` on, in pre-order.
#[cfg(test)]
fn renumber(h: Hir, next: &mut u32) -> Hir {
    if h.properties().explicit_captures_len() == 0 {
        return h;
    }
    match h.into_kind() {
        HirKind::Capture(c) => {
            let index = *next;
            *next += 1;
            Hir::capture(Capture {
                index,
                name: c.name,
                sub: Box::new(renumber(*c.sub, next)),
            })
        }
        HirKind::Concat(v) => Hir::concat(v.into_iter().map(|h| renumber(h, next)).collect()),
        HirKind::Alternation(v) => {
            Hir::alternation(v.into_iter().map(|h| renumber(h, next)).collect())
        }
        HirKind::Repetition(r) => Hir::repetition(Repetition {
            sub: Box::new(renumber(*r.sub, next)),
            ..r
        }),
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(l) => Hir::literal(l.0),
        HirKind::Class(c) => Hir::class(c),
        HirKind::Look(l) => Hir::look(l),
    }
}

fn dfa(nfa: NFA, kind: MatchKind) -> Result<DFA, String> {
    DFA::builder()
        .configure(
            DFA::config()
                .match_kind(kind)
                .cache_capacity(CACHE_CAPACITY)
                .skip_cache_capacity_check(true),
        )
        .build_from_nfa(nfa)
        .map_err(|e| e.to_string())
}

fn table(bytes: &[u8]) -> [bool; 256] {
    let mut t = [false; 256];
    for &b in bytes {
        t[b as usize] = true;
    }
    t
}

impl Matcher {
    /// Compiles the pattern `src`, made of the element regexes `parts`; with
    /// an anchor, the anchored search.
    ///
    /// # Errors
    /// The message of a pattern that does not compile.
    pub fn new(
        src: &str,
        parts_src: &[String],
        anchor: Option<&Anchor>,
        parts: &mut Parts,
    ) -> Result<Matcher, String> {
        let Some(anchor) = anchor else {
            // As the regex crate builds `regex::bytes::Regex`.
            let hir = syntax::parse_with(src, &syntax_config()).map_err(|e| e.to_string())?;
            let re = meta::Regex::builder()
                .configure(
                    meta::Config::new()
                        .match_kind(MatchKind::LeftmostFirst)
                        .utf8_empty(false)
                        .nfa_size_limit(Some(NFA_LIMIT))
                        .hybrid_cache_capacity(1 << 25)
                        .dfa_size_limit(Some(1 << 25)),
                )
                .build_from_hir(&parts.alphabet.hir(&hir, &[]))
                .map_err(|e| e.to_string())?;
            return Ok(Matcher::Plain(re));
        };
        let full = parts.full(parts_src)?;
        let names = full
            .group_info()
            .pattern_names(PatternID::ZERO)
            .map(|n| n.map(str::to_string))
            .collect();
        let bt = BoundedBacktracker::builder()
            .build_from_nfa(full.clone())
            .map_err(|e| e.to_string())?;
        let pike = PikeVM::builder()
            .build_from_nfa(full.clone())
            .map_err(|e| e.to_string())?;
        let plain = full.look_set_any().is_empty();
        let fwd = dfa(full, MatchKind::LeftmostFirst)?;
        // The prefix: the elements before the anchor element, and what the
        // anchor element holds before its token.
        let mut prefix = parts_src[..anchor.element].to_vec();
        if !anchor.before.is_empty() {
            prefix.push(anchor.before.clone());
        }
        let rev = match &prefix[..] {
            [] => None,
            prefix => Some(parts.every(prefix, Kind::RELAXED_REVERSED)?),
        };
        let (after, tail) = match &parts_src[anchor.element + 1..] {
            [] => (None, None),
            [head, rest @ ..] if !rest.is_empty() && head.len() >= SPLIT_MIN => (
                Some(parts.every(std::slice::from_ref(head), Kind::FORWARD)?),
                Some(parts.every(rest, Kind::FORWARD)?),
            ),
            suffix => (Some(parts.every(suffix, Kind::FORWARD)?), None),
        };
        let split = Split::new(parts_src, parts)?;
        Ok(Matcher::Anchored(Box::new(AnchoredMatcher {
            fwd,
            plain,
            bt,
            pike,
            rev,
            after,
            tail,
            split,
            key: table(
                &anchor
                    .key
                    .iter()
                    .map(|&b| parts.alphabet.byte(b))
                    .collect::<Vec<_>>(),
            ),
            names,
        })))
    }

    /// The capture-group names, by index.
    pub fn group_names(&self) -> Vec<Option<String>> {
        match self {
            Matcher::Plain(re) => re
                .group_info()
                .pattern_names(PatternID::ZERO)
                .map(|n| n.map(str::to_string))
                .collect(),
            Matcher::Anchored(m) => m.names.clone(),
        }
    }

    /// The bytes of this matcher's anchor, renumbered (none for a plain
    /// matcher).
    pub fn anchor_bytes(&self) -> impl Iterator<Item = u8> + '_ {
        let key: &[bool] = match self {
            Matcher::Plain(_) => &[],
            Matcher::Anchored(m) => &m.key,
        };
        key.iter()
            .enumerate()
            .filter(|(_, &k)| k)
            .map(|(b, _)| b as u8)
    }

    /// Fresh search state for this matcher alone (its own caches), as the
    /// only entry of a [`Scratch`].
    #[cfg(test)]
    pub fn cache(&self) -> Scratch {
        let mut shared = SharedCaches::default();
        let matches = vec![self.cache_in(&mut shared)];
        shared.scratch(matches)
    }

    /// Fresh search state for this matcher, sharing with other matchers the
    /// caches in `shared` of the lazy DFAs they share.
    fn cache_in(&self, shared: &mut SharedCaches) -> MatchCache {
        match self {
            Matcher::Plain(re) => {
                MatchCache::Plain(Box::new((re.create_cache(), re.create_captures())))
            }
            Matcher::Anchored(m) => MatchCache::Anchored(Box::new(AnchoredCache {
                fwd: m.fwd.create_cache(),
                rev: m.rev.as_ref().map(|d| shared.get(d)),
                after: m.after.as_ref().map(|d| shared.get(d)),
                tail: None,
                bt: m.bt.create_cache(),
                pike: None,
                caps: m.bt.create_captures(),
                starts: Vec::new(),
                split: m.split.as_ref().map(|sp| sp.cache(shared)),
                spans: Vec::new(),
            })),
        }
    }

    /// Calls `f` with each leftmost-first match in `hay[w0..w1]`, in order,
    /// `i` being this matcher's entry in `scratch`,
    /// `hay` being renumbered by the alphabet of the matcher's [`Parts`] and
    /// `anchors` the sorted positions in `hay` of every byte that is
    /// an anchor of some matcher (at least those of this one; with
    /// `only_own`, of this one alone, so that their bytes are not looked
    /// at again),
    /// as `regex::bytes::Regex::captures_read_at` finds them from `w0` on
    /// in `&hay[..w1]`: `f` gets the position the search started from, the
    /// match span and its groups, and returns the position where the search
    /// goes on (after the match start).
    #[allow(clippy::too_many_arguments)]
    pub fn for_each_match(
        &self,
        scratch: &mut Scratch,
        i: usize,
        hay: &[u8],
        anchors: &[u32],
        only_own: bool,
        w0: usize,
        w1: usize,
        mut f: impl FnMut(usize, (usize, usize), &Found<'_>) -> usize,
    ) {
        let hay = &hay[..w1];
        let Scratch { matches, dfas } = scratch;
        match (self, &mut matches[i]) {
            (Matcher::Plain(re), MatchCache::Plain(c)) => {
                let (cache, caps) = &mut **c;
                let mut at = w0;
                while at < hay.len() {
                    let input = Input::new(hay).span(at..hay.len());
                    re.search_captures_with(cache, &input, caps);
                    let Some(m) = caps.get_match() else {
                        break;
                    };
                    at = f(at, (m.start(), m.end()), &Found::Caps(caps));
                }
            }
            (Matcher::Anchored(m), MatchCache::Anchored(c)) => {
                m.for_each(c, dfas, hay, anchors, only_own, w0, f)
            }
            // A cache made by another matcher: never happens, since caches
            // are made per matcher, in the same order.
            _ => {}
        }
    }
}

impl AnchoredMatcher {
    /// [`Matcher::for_each_match`] of an anchored matcher, its search state
    /// `c` and the caches of shared lazy DFAs `dfas`.
    #[allow(clippy::too_many_arguments)]
    fn for_each(
        &self,
        c: &mut AnchoredCache,
        dfas: &mut [Option<DfaCache>],
        hay: &[u8],
        anchors: &[u32],
        only_own: bool,
        w0: usize,
        mut f: impl FnMut(usize, (usize, usize), &Found<'_>) -> usize,
    ) {
        let w1 = hay.len();
        let mut starts = std::mem::take(&mut c.starts);
        starts.clear();
        let first = anchors.partition_point(|&k| (k as usize) < w0);
        // The searches of the suffix and the prefix, set up once for all
        // the anchors.
        let mut spare = None;
        let (after_cache, rev_cache) = two_slots(dfas, c.after, c.rev, &mut spare);
        let mut after = PartSearch::new(self.after.as_deref(), after_cache);
        let mut rev = PartSearch::new(self.rev.as_deref(), rev_cache);
        let mut tail = PartSearch::new(self.tail.as_deref(), Some(&mut c.tail));
        for &k in &anchors[first..] {
            let k = k as usize;
            if k >= w1 {
                break;
            }
            // The byte before the anchor, looked up first, rules out most
            // anchors at less cost than the search after it.
            if (!only_own && !self.key[hay[k] as usize])
                || PartSearch::no_prefix_at(&rev, hay, w0, k)
                || !PartSearch::suffix_at(&mut after, &mut tail, hay, k + 1)
            {
                continue;
            }
            PartSearch::prefix_starts(&mut rev, hay, w0, k, &mut starts);
        }
        starts.sort_unstable();
        starts.dedup();
        let mut at = w0;
        for &s in &starts {
            if s < at {
                continue;
            }
            // Where the split finds the end, it finds the bounds too.
            let by_split = match (&self.split, c.split.as_mut()) {
                (Some(sp), Some(sc)) if self.plain => sp.match_end(sc, dfas, hay, s),
                _ => Err(()),
            };
            let (end, bounded) = match by_split {
                Ok(Some(end)) => (end, true),
                Ok(None) => continue,
                Err(()) => match self.match_end(c, hay, s) {
                    Some(end) => (end, false),
                    None => continue,
                },
            };
            let split = match (&self.split, c.split.as_mut()) {
                (Some(sp), Some(sc)) => sp.captures(sc, dfas, hay, s, end, bounded, &mut c.spans),
                _ => false,
            };
            if split {
                at = f(at, (s, end), &Found::Spans(&c.spans));
                continue;
            }
            if !self.captures(c, hay, s, end) {
                continue;
            }
            at = f(at, (s, end), &Found::Caps(&c.caps));
        }
        c.starts = starts;
    }

    /// The end of the leftmost-first match that starts at `s`, if any.
    fn match_end(&self, c: &mut AnchoredCache, hay: &[u8], s: usize) -> Option<usize> {
        let input = Input::new(hay).range(s..).anchored(Anchored::Yes);
        let found = if self.plain {
            walk_fwd(&self.fwd, &mut c.fwd, hay, s)
        } else {
            self.fwd
                .try_search_fwd(&mut c.fwd, &input)
                .map(|m| m.map(|m| m.offset()))
                .map_err(|_| ())
        };
        match found {
            Ok(end) => end,
            Err(()) => {
                let pike = c.pike.get_or_insert_with(|| self.pike.create_cache());
                self.pike.captures(pike, input, &mut c.caps);
                c.caps.get_match().map(|m| m.end())
            }
        }
    }

    /// The groups of the match `s..end` into `c.caps`.
    fn captures(&self, c: &mut AnchoredCache, hay: &[u8], s: usize, end: usize) -> bool {
        let input = Input::new(hay).range(s..end).anchored(Anchored::Yes);
        if self
            .bt
            .try_captures(&mut c.bt, input.clone(), &mut c.caps)
            .is_err()
        {
            let pike = c.pike.get_or_insert_with(|| self.pike.create_cache());
            self.pike.captures(pike, input, &mut c.caps);
        }
        c.caps.is_match()
    }
}

/// The entries `a` and `b` of `dfas`, each if given; the same entry twice
/// (which two parts of one matcher never share, a forward and a reversed
/// DFA) is given once, and `spare` in place of the second.
fn two_slots<'d>(
    dfas: &'d mut [Option<DfaCache>],
    a: Option<usize>,
    b: Option<usize>,
    spare: &'d mut Option<DfaCache>,
) -> (
    Option<&'d mut Option<DfaCache>>,
    Option<&'d mut Option<DfaCache>>,
) {
    match (a, b) {
        (Some(a), Some(b)) if a != b => {
            let (lo, hi) = dfas.split_at_mut(a.max(b));
            if a < b {
                (Some(&mut lo[a]), Some(&mut hi[0]))
            } else {
                (Some(&mut hi[0]), Some(&mut lo[b]))
            }
        }
        (Some(a), Some(_)) => (Some(&mut dfas[a]), Some(spare)),
        (Some(a), None) => (Some(&mut dfas[a]), None),
        (None, Some(b)) => (None, Some(&mut dfas[b])),
        (None, None) => (None, None),
    }
}

/// The search of a part of a matcher (its prefix or its suffix) from each of
/// its anchors in a window, set up once for them all: the lazy DFA, compiled
/// if it was not, the table of the bytes it can start with, and its cache.
struct PartSearch<'a> {
    dfa: &'a DFA,
    live: &'a [bool; 256],
    cache: &'a mut DfaCache,
    /// The anchored start state with the cache's clear count, if the DFA
    /// has no look-around (see [`PartSearch::start`]).
    start: Option<(LazyStateID, usize)>,
}

impl<'a> PartSearch<'a> {
    /// The search of `part` (`None`: the matcher has no such part) with
    /// the cache in `slot` (made if none); `Err` if the part did not
    /// compile.
    fn new(
        part: Option<&'a LazyDfa>,
        slot: Option<&'a mut Option<DfaCache>>,
    ) -> Option<Result<PartSearch<'a>, ()>> {
        let (part, slot) = (part?, slot?);
        let Some((dfa, live)) = part.get_with_live() else {
            return Some(Err(()));
        };
        let cache = slot.get_or_insert_with(|| dfa.create_cache());
        Some(Ok(PartSearch {
            dfa,
            live,
            cache,
            start: None,
        }))
    }

    /// The anchored start state, if the DFA has no look-around (else
    /// `None`: the start state depends on the byte before the start, and
    /// the search fetches its own): the same at every position, so it is
    /// fetched once and kept. Fetching it costs as much as a search of a
    /// few bytes. A cache that was cleared since makes the kept state
    /// stale: it is fetched anew.
    fn start(&mut self) -> Option<LazyStateID> {
        if let Some((sid, clears)) = self.start {
            if clears == self.cache.clear_count() {
                return Some(sid);
            }
        }
        // Looked at here, not when the search is set up: a search is set
        // up for each window, and many of them (those of a tail, those
        // whose anchors the byte tables rule out) never start.
        if !self.dfa.get_nfa().look_set_any().is_empty() {
            return None;
        }
        let config = start::Config::new().anchored(Anchored::Yes);
        let sid = self.dfa.start_state(self.cache, &config).ok()?;
        self.start = Some((sid, self.cache.clear_count()));
        Some(sid)
    }

    /// Whether the elements after the anchor element match from `p` on, as
    /// `search` finds them, then `tail` from where they end if given
    /// (`None`: there are none; true if a lazy DFA gave up or did not
    /// compile). A match holds its anchor token where they do.
    #[inline]
    fn suffix_at(
        search: &mut Option<Result<PartSearch<'_>, ()>>,
        tail: &mut Option<Result<PartSearch<'_>, ()>>,
        hay: &[u8],
        p: usize,
    ) -> bool {
        let Some(Ok(s)) = search else {
            return true;
        };
        if hay.get(p).is_some_and(|&b| !s.live[usize::from(b)]) {
            return false;
        }
        match tail {
            None => s.first_match(hay, p).unwrap_or(true),
            Some(t) => s.then_tail(t, hay, p),
        }
    }

    /// Whether the anchored search matches from `p` on and `tail` (as
    /// [`PartSearch::suffix_at`] searches it) from where it ends; true if
    /// a lazy DFA gave up or did not compile.
    #[inline(never)]
    fn then_tail(&mut self, tail: &mut Result<PartSearch<'_>, ()>, hay: &[u8], p: usize) -> bool {
        let Ok(t) = tail else {
            return true;
        };
        // The tail from each end in turn, as it is found: the first that
        // matches ends the walk.
        self.any_end(hay, p, t).unwrap_or(true)
    }

    /// Whether `tail` matches from some `e` from `p` on where the anchored
    /// search matches `hay[p..e]` (tried in ascending order, the walk
    /// stopped at the first; true where `tail` gives up); `Err` if the
    /// lazy DFA gave up.
    fn any_end(&mut self, hay: &[u8], p: usize, tail: &mut PartSearch<'_>) -> Result<bool, ()> {
        // The tail from `e`: most ends are followed by a byte it cannot
        // start with.
        self.walk(hay, p, |e| {
            hay.get(e).map_or(true, |&b| tail.live[usize::from(b)])
                && tail.first_match(hay, e).unwrap_or(true)
        })
    }

    /// Whether the anchored search matches from `p` on; `Err` if the lazy
    /// DFA gave up.
    #[inline(always)]
    fn first_match(&mut self, hay: &[u8], p: usize) -> Result<bool, ()> {
        self.walk(hay, p, |_| true)
    }

    /// Whether the anchored search matches `hay[p..e]` for some `e` (in
    /// ascending order) for which `take(e)` holds, the walk stopped at the
    /// first; `Err` if the lazy DFA gave up.
    #[inline(always)]
    fn walk(
        &mut self,
        hay: &[u8],
        p: usize,
        mut take: impl FnMut(usize) -> bool,
    ) -> Result<bool, ()> {
        let sid = match self.start() {
            Some(sid) => sid,
            None => {
                let input = Input::new(hay).range(p..).anchored(Anchored::Yes);
                self.dfa
                    .start_state_forward(self.cache, &input)
                    .map_err(|_| ())?
            }
        };
        let (dfa, cache) = (self.dfa, &mut *self.cache);
        // Matches show one byte late: one seen at the `i`-th byte ends
        // before it.
        match walk(dfa, cache, sid, hay[p..].iter().copied(), |i| take(p + i))? {
            Walked::Stopped => Ok(true),
            Walked::Dead => Ok(false),
            Walked::Ended(sid) => {
                let sid = dfa.next_eoi_state(cache, sid).map_err(|_| ())?;
                Ok(sid.is_match() && take(hay.len()))
            }
        }
    }

    /// Whether the byte before `p` (past `w0`) ends no prefix, as `search`
    /// tells by its table (`None`: the prefix is empty, and ends
    /// anywhere), so that [`PartSearch::prefix_starts`] finds no start.
    #[inline]
    fn no_prefix_at(
        search: &Option<Result<PartSearch<'_>, ()>>,
        hay: &[u8],
        w0: usize,
        p: usize,
    ) -> bool {
        matches!(search, Some(Ok(s)) if p > w0 && !s.live[usize::from(hay[p - 1])])
    }

    /// Every `s` in `w0..=p` where the prefix matches `hay[s..p]`, as
    /// `search` finds them (`None`: the prefix is empty), into `out`.
    fn prefix_starts(
        search: &mut Option<Result<PartSearch<'_>, ()>>,
        hay: &[u8],
        w0: usize,
        p: usize,
        out: &mut Vec<usize>,
    ) {
        let found = match search {
            None => {
                out.push(p);
                return;
            }
            // The byte before the anchor ends no prefix.
            Some(Ok(s)) if p > w0 && !s.live[usize::from(hay[p - 1])] => Ok(()),
            Some(Ok(s)) => {
                let sid = s.start();
                starts_rev(s.dfa, s.cache, sid, hay, w0, p, out)
            }
            Some(Err(())) => Err(()),
        };
        if found.is_err() {
            // The lazy DFA gave up: every position is a possible start, and
            // the anchored search below decides.
            out.extend(w0..=p);
        }
    }
}

/// How a [`walk`] of a lazy DFA ended.
enum Walked {
    /// The caller stopped it at a match.
    Stopped,
    /// In the dead state: no match goes on.
    Dead,
    /// At the end of the bytes, in this state.
    Ended(LazyStateID),
}

/// Follows the lazy DFA `dfa` from the state `sid` over `bytes`, calling
/// `stop(i)` at each match state, entered by the `i`-th byte (from 0), until
/// it says to stop, the DFA dies or the bytes end; `Err` if the lazy DFA
/// gave up.
///
/// Most steps go from an untagged state to an untagged state (neither a
/// match nor dead nor one still to be built), and take one look-up in the
/// cache's transition table ([`DFA::next_state_untagged`]), with no
/// `Result` and no tag masked off; so does a step from an untagged state
/// into a match or the dead state, whose tag the look-up gives. A step
/// from a tagged state (whose tag must be masked off) or into a state still
/// unknown takes the full [`DFA::next_state`], which builds that state.
/// This is the pattern regex-automata's own searches follow.
#[inline(always)]
fn walk(
    dfa: &DFA,
    cache: &mut DfaCache,
    mut sid: LazyStateID,
    bytes: impl Iterator<Item = u8>,
    mut stop: impl FnMut(usize) -> bool,
) -> Result<Walked, ()> {
    for (i, b) in bytes.enumerate() {
        sid = if sid.is_tagged() {
            dfa.next_state(cache, sid, b).map_err(|_| ())?
        } else {
            let next = dfa.next_state_untagged(cache, sid, b);
            if !next.is_tagged() {
                sid = next;
                continue;
            }
            if next.is_unknown() {
                dfa.next_state(cache, sid, b).map_err(|_| ())?
            } else {
                next
            }
        };
        if sid.is_match() {
            if stop(i) {
                return Ok(Walked::Stopped);
            }
        } else if sid.is_dead() {
            return Ok(Walked::Dead);
        } else if sid.is_quit() {
            return Err(());
        }
    }
    Ok(Walked::Ended(sid))
}

/// The start state of an anchored search of `dfa` over `hay[range]`
/// (`reverse`: a reversed pattern, searched from the end of `range`);
/// `Err` if the lazy DFA gave up. Where the pattern has no look-around,
/// the state is the same at every position, and is fetched with no look
/// at the bytes around the range (which costs more than the look-up
/// itself, and most searches of a bound's parts are a few bytes long).
#[inline(always)]
fn anchored_start(
    dfa: &DFA,
    cache: &mut DfaCache,
    hay: &[u8],
    range: std::ops::Range<usize>,
    reverse: bool,
) -> Result<LazyStateID, ()> {
    if dfa.get_nfa().look_set_any().is_empty() {
        let config = start::Config::new().anchored(Anchored::Yes);
        return dfa.start_state(cache, &config).map_err(|_| ());
    }
    let input = Input::new(hay).range(range).anchored(Anchored::Yes);
    if reverse {
        dfa.start_state_reverse(cache, &input).map_err(|_| ())
    } else {
        dfa.start_state_forward(cache, &input).map_err(|_| ())
    }
}

/// Every `s` in `w0..=p`, from `p` down, where the reversed pattern `rev`
/// (every match) matches `hay[s..p]`, starting from the anchored start
/// state `start` (fetched if `None`); `Err` if the lazy DFA gave up.
fn starts_rev(
    rev: &DFA,
    cache: &mut DfaCache,
    start: Option<LazyStateID>,
    hay: &[u8],
    w0: usize,
    p: usize,
    out: &mut Vec<usize>,
) -> Result<(), ()> {
    let mut sid = match start {
        Some(sid) => sid,
        None => anchored_start(rev, cache, hay, w0..p, true)?,
    };
    // Matches show one byte late: one seen at the `i`-th byte back from
    // `p` starts after it.
    let bytes = hay[w0..p].iter().rev().copied();
    sid = match walk(rev, cache, sid, bytes, |i| {
        out.push(p - i);
        false
    })? {
        Walked::Ended(sid) => sid,
        Walked::Dead | Walked::Stopped => return Ok(()),
    };
    // The byte before the window, or the end of input, shows a
    // match that ends there (as the regex crate's reverse search).
    sid = match w0.checked_sub(1) {
        Some(b) => rev.next_state(cache, sid, hay[b]),
        None => rev.next_eoi_state(cache, sid),
    }
    .map_err(|_| ())?;
    if sid.is_match() {
        out.push(w0);
    }
    Ok(())
}

/// Every `e` in `s..=end`, from `s` up, where the pattern `fwd` (every
/// match) matches `hay[s..e]`; `Err` if the lazy DFA gave up.
fn ends_fwd(
    fwd: &DFA,
    cache: &mut DfaCache,
    hay: &[u8],
    s: usize,
    end: usize,
    out: &mut Vec<usize>,
) -> Result<(), ()> {
    let sid = anchored_start(fwd, cache, hay, s..end, false)?;
    // Matches show one byte late: one seen at the `i`-th byte ends before
    // it.
    let bytes = hay[s..end].iter().copied();
    let mut sid = match walk(fwd, cache, sid, bytes, |i| {
        out.push(s + i);
        false
    })? {
        Walked::Ended(sid) => sid,
        Walked::Dead | Walked::Stopped => return Ok(()),
    };
    // The byte after, or the end of input, shows a match that ends at `end`.
    sid = match hay.get(end) {
        Some(&b) => fwd.next_state(cache, sid, b),
        None => fwd.next_eoi_state(cache, sid),
    }
    .map_err(|_| ())?;
    if sid.is_match() {
        out.push(end);
    }
    Ok(())
}

impl Bound {
    /// The bound between `left` and `right`.
    fn new(left: &[String], right: &[String], parts: &mut Parts) -> Result<Bound, String> {
        // The elements of the parts, found once for their two kinds each.
        let (left, right) = (parts.elements(left)?, parts.elements(right)?);
        let first = parts.lazy(&left, Kind::Leftmost);
        let rest = parts.lazy(&right, Kind::FORWARD);
        let left = parts.lazy(&left, Kind::FORWARD);
        let right = parts.lazy(&right, Kind::RELAXED_REVERSED);
        Ok(Bound {
            left,
            right,
            first,
            rest,
        })
    }

    /// The indices of the caches of the left and right parts, and of
    /// `first` and `rest`.
    fn cache(&self, shared: &mut SharedCaches) -> [usize; 4] {
        [
            shared.get(&self.left),
            shared.get(&self.right),
            shared.get(&self.first),
            shared.get(&self.rest),
        ]
    }

    /// The bound in a match `..end` whose left part starts at `s`, if it is
    /// the only position where the left part can end and the right part
    /// start (or the only one where the left part can end), or else the
    /// end of the first path through the left part where the right part
    /// goes on from it (see [`Bound::first_path`]); `cache` are the
    /// indices in `dfas` of the caches of the parts.
    #[allow(clippy::too_many_arguments)]
    fn find(
        &self,
        cache: [usize; 4],
        dfas: &mut [Option<DfaCache>],
        lefts: &mut Vec<usize>,
        rights: &mut Vec<usize>,
        hay: &[u8],
        s: usize,
        end: usize,
    ) -> Option<usize> {
        lefts.clear();
        rights.clear();
        let (left, lc) = self.left.get(&mut dfas[cache[0]])?;
        ends_fwd(left, lc, hay, s, end, lefts).ok()?;
        match lefts[..] {
            [] => return None,
            [one] => return Some(one),
            _ => {}
        }
        let (right, rc) = self.right.get(&mut dfas[cache[1]])?;
        starts_rev(right, rc, None, hay, s, end, rights).ok()?;
        // `lefts` ascends, `rights` descends.
        let mut found = None;
        let mut j = rights.len();
        for &l in lefts.iter() {
            while j > 0 && rights[j - 1] < l {
                j -= 1;
            }
            if j > 0 && rights[j - 1] == l {
                if found.is_some() {
                    return self.first_path(cache, dfas, rights, hay, s, end);
                }
                found = Some(l);
            }
        }
        found
    }

    /// The bound in a match `..end` whose left part starts at `s`, where
    /// it is not the one candidate: the end `e` of the first path through
    /// the left part (in leftmost-first order, within `..end`), if the
    /// right part matches `e..end`; `rights` is scratch.
    ///
    /// The first path through the pattern from `s` is the first path
    /// through the left part that the right part can go on from to the
    /// match end, then the first such path through the right part (paths
    /// through a sequence are ordered by their path through its first
    /// part, then by the rest). So when the right part goes on from the
    /// end of the first path through the left part, that path is the
    /// match's, and its end the bound. Else the bound is not known.
    #[allow(clippy::too_many_arguments)]
    fn first_path(
        &self,
        cache: [usize; 4],
        dfas: &mut [Option<DfaCache>],
        rights: &mut Vec<usize>,
        hay: &[u8],
        s: usize,
        end: usize,
    ) -> Option<usize> {
        // A leftmost-first DFA's last match before it dies is that of the
        // first path.
        let (first, fc) = self.first.get(&mut dfas[cache[2]])?;
        rights.clear();
        ends_fwd(first, fc, hay, s, end, rights).ok()?;
        let e = *rights.last()?;
        rights.clear();
        let (rest, rc) = self.rest.get(&mut dfas[cache[3]])?;
        ends_fwd(rest, rc, hay, e, end, rights).ok()?;
        (rights.last() == Some(&end)).then_some(e)
    }
}

/// Whether the first match of `bt` from `a` that ends by `b` ends at `b`,
/// its groups in `cache` (for a pattern that ends with `\z`, `hay` is cut
/// at `b`).
fn side(
    bt: &LazyBacktracker,
    cache: &mut Option<(backtrack::Cache, Captures)>,
    hay: &[u8],
    a: usize,
    b: usize,
) -> bool {
    let Some(bt) = bt.get() else {
        return false;
    };
    let (cache, caps) = cache.get_or_insert_with(|| (bt.create_cache(), bt.create_captures()));
    let input = Input::new(hay).range(a..b).anchored(Anchored::Yes);
    if bt.try_captures(cache, input, caps).is_err() {
        return false;
    }
    caps.get_match().is_some_and(|m| m.end() == b)
}

impl Split {
    /// The split at the bounds of each element that is one group with no
    /// groups inside and wide, if there is one.
    fn new(parts_src: &[String], parts: &mut Parts) -> Result<Option<Split>, String> {
        let n = parts_src.len();
        let mut groups = Vec::with_capacity(n);
        let mut wide = Vec::with_capacity(n);
        for p in parts_src {
            let h = parts.hir(p)?;
            groups.push(h.properties().explicit_captures_len());
            wide.push(match h.kind() {
                HirKind::Capture(c) => {
                    c.sub.properties().explicit_captures_len() == 0 && p.len() >= SPLIT_MIN
                }
                _ => false,
            });
        }
        if !wide.contains(&true) {
            return Ok(None);
        }
        // Element indices of the bounds, 0 and n at the ends.
        let mut cuts = vec![0];
        for (i, _) in wide.iter().enumerate().filter(|(_, &w)| w) {
            for c in [i, i + 1] {
                if cuts.last() != Some(&c) {
                    cuts.push(c);
                }
            }
        }
        if cuts.last() != Some(&n) {
            cuts.push(n);
        }
        let rest = match cuts[..] {
            [.., c, _] if c > 0 => {
                let elements = parts.elements(&parts_src[c..])?;
                Some(parts.lazy(&elements, Kind::Leftmost))
            }
            _ => None,
        };
        let mut bounds = Vec::new();
        for w in cuts.windows(3) {
            bounds.push(Bound::new(
                &parts_src[w[0]..w[1]],
                &parts_src[w[1]..],
                parts,
            )?);
        }
        let mut pieces = Vec::new();
        for w in cuts.windows(2) {
            let r = w[0]..w[1];
            let g: usize = groups[r.clone()].iter().sum();
            pieces.push(if r.len() == 1 && wide[r.start] {
                Piece::Group
            } else if g == 0 {
                Piece::Bare
            } else {
                let trees = parts.trees(&parts_src[r.clone()])?;
                // The look-arounds of a sequence are those of its elements.
                let looks_only = |set: LookSet| {
                    trees
                        .iter()
                        .all(|h| h.properties().look_set().subtract(set).is_empty())
                };
                let pinned = r.end < n && looks_only(LookSet::singleton(Look::Start));
                let memo = looks_only(LookSet::singleton(Look::Start).insert(Look::End));
                Piece::Groups {
                    bt: LazyBacktracker::new(parts.group_nfas(&parts_src[r])?, pinned),
                    groups: g,
                    pinned,
                    memo,
                }
            });
        }
        let tails = cuts
            .iter()
            .skip(1)
            .take(bounds.len().saturating_sub(1))
            .map(|&c| {
                Ok(LazyBacktracker::new(
                    parts.group_nfas(&parts_src[c..])?,
                    false,
                ))
            })
            .collect::<Result<_, String>>()?;
        Ok(Some(Split {
            bounds,
            pieces,
            tails,
            rest,
        }))
    }

    fn cache(&self, shared: &mut SharedCaches) -> SplitCache {
        SplitCache {
            bounds: self.bounds.iter().map(|b| b.cache(shared)).collect(),
            rest: self.rest.as_ref().map(|r| shared.get(r)),
            pieces: self.pieces.iter().map(|_| PieceCache::default()).collect(),
            tails: self.tails.iter().map(|_| None).collect(),
            lefts: Vec::new(),
            rights: Vec::new(),
            at: Vec::new(),
        }
    }

    /// The end of the leftmost-first match that starts at `s` (of a
    /// pattern with no look-around), its bounds in `c.at` (see
    /// [`Split::captures`]); `Ok(None)` if there is none, `Err` if not
    /// known (a lazy DFA gave up, or the path it follows goes on to no
    /// match).
    ///
    /// Paths through a sequence are ordered by their path through its
    /// first part, then by the rest, so the match is the first path through
    /// the elements before the first bound after which the rest matches,
    /// then the first path through the rest from there. Where each piece
    /// between bounds, and the elements after the last bound, match after
    /// the first path through the piece before, those first paths make the
    /// match's path (by induction from the last piece): each ends at a
    /// bound, and the last one ends the match. The leftmost-first lazy DFAs
    /// of the pieces are shared by rules (the speaker's noun phrase opens
    /// many, the reported clause ends many) where that of the whole pattern
    /// is each rule's own, and the bounds come with the end.
    fn match_end(
        &self,
        c: &mut SplitCache,
        dfas: &mut [Option<DfaCache>],
        hay: &[u8],
        s: usize,
    ) -> Result<Option<usize>, ()> {
        let (Some(rest), Some(rc)) = (&self.rest, c.rest) else {
            return Err(());
        };
        c.at.clear();
        c.at.push(s);
        let mut e = s;
        for (k, (bound, bc)) in self.bounds.iter().zip(&c.bounds).enumerate() {
            let (first, fc) = bound.first.get(&mut dfas[bc[2]]).ok_or(())?;
            e = match walk_fwd(first, fc, hay, e)? {
                Some(e) => e,
                // No path through the elements before the first bound: no
                // match.
                None if k == 0 => return Ok(None),
                None => return Err(()),
            };
            c.at.push(e);
        }
        let (rest, rc) = rest.get(&mut dfas[rc]).ok_or(())?;
        let Some(end) = walk_fwd(rest, rc, hay, e)? else {
            return Err(());
        };
        c.at.push(end);
        Ok(Some(end))
    }

    /// The groups of the match `s..end` into `spans`, by group index, if
    /// the split finds them; with `bounded`, its bounds and its end are in
    /// `c.at` already (see [`Split::match_end`]).
    #[allow(clippy::too_many_arguments)]
    fn captures(
        &self,
        c: &mut SplitCache,
        dfas: &mut [Option<DfaCache>],
        hay: &[u8],
        s: usize,
        end: usize,
        bounded: bool,
        spans: &mut Vec<Option<(usize, usize)>>,
    ) -> bool {
        // The first bound not found, if any.
        let mut missing = None;
        if !bounded {
            c.at.clear();
            c.at.push(s);
            let mut p = s;
            for (k, (bound, bc)) in self.bounds.iter().zip(&c.bounds).enumerate() {
                match bound.find(*bc, dfas, &mut c.lefts, &mut c.rights, hay, p, end) {
                    Some(q) => p = q,
                    None => {
                        missing = Some(k);
                        break;
                    }
                }
                c.at.push(p);
            }
        }
        let known = match missing {
            Some(0) => return false,
            Some(k) => k,
            None => {
                if !bounded {
                    c.at.push(end);
                }
                self.pieces.len()
            }
        };
        spans.clear();
        spans.push(Some((s, end)));
        for (k, (piece, pc)) in self
            .pieces
            .iter()
            .zip(c.pieces.iter_mut())
            .enumerate()
            .take(known)
        {
            let (a, b) = (c.at[k], c.at[k + 1]);
            match (piece, pc) {
                (Piece::Group, _) => spans.push(Some((a, b))),
                (
                    Piece::Groups {
                        bt,
                        groups,
                        pinned,
                        memo,
                    },
                    pc,
                ) => {
                    let cut = if *pinned { &hay[..b] } else { hay };
                    if !pc.groups(bt, cut, a, b, *groups, *memo, spans) {
                        return false;
                    }
                }
                (Piece::Bare, _) => {}
            }
        }
        if let Some(k) = missing {
            // The rest: the first path from the last bound found.
            let Some(bt) = self.tails[k - 1].get() else {
                return false;
            };
            let (cache, caps) =
                c.tails[k - 1].get_or_insert_with(|| (bt.create_cache(), bt.create_captures()));
            let input = Input::new(hay).range(c.at[k]..end).anchored(Anchored::Yes);
            if bt.try_captures(cache, input, caps).is_err()
                || !caps.get_match().is_some_and(|m| m.end() == end)
            {
                return false;
            }
            spans.extend(
                (1..caps.group_len()).map(|i| caps.get_group(i).map(|sp| (sp.start, sp.end))),
            );
        }
        true
    }
}

/// How long (in regex text) an element must be for [`Split`] to walk
/// around it.
const SPLIT_MIN: usize = 256;

/// Search state for every rule: one entry per matcher, and the caches of
/// the lazy DFAs that matchers hold (rules share parts, such as the speaker
/// and the elements around it), one per lazy DFA, so that each state is
/// built once for all the rules that share it. A matcher's state holds the
/// indices of its lazy DFAs' caches; each cache is made on its first use,
/// as the DFA is compiled.
#[derive(Debug)]
pub(crate) struct Scratch {
    matches: Vec<MatchCache>,
    dfas: Vec<Option<DfaCache>>,
}

/// Makes [`Scratch`] for a list of matchers.
pub(crate) fn scratch_for(matchers: &[Arc<Matcher>]) -> Scratch {
    let mut shared = SharedCaches::default();
    let matches = matchers.iter().map(|m| m.cache_in(&mut shared)).collect();
    shared.scratch(matches)
}

/// The index in [`Scratch::dfas`] given so far to each lazy DFA.
#[derive(Default)]
struct SharedCaches(HashMap<*const LazyDfa, usize>);

impl SharedCaches {
    /// The index of the cache of `dfa`.
    fn get(&mut self, dfa: &Arc<LazyDfa>) -> usize {
        let next = self.0.len();
        *self.0.entry(Arc::as_ptr(dfa)).or_insert(next)
    }

    /// The scratch of the matchers' states `matches`, with a cache (made
    /// on first use) for each index given.
    fn scratch(self, matches: Vec<MatchCache>) -> Scratch {
        Scratch {
            matches,
            dfas: (0..self.0.len()).map(|_| None).collect(),
        }
    }
}

/// An anchored leftmost-first search of one pattern over the bytes of an
/// [`Alphabet`]: the end of the match that starts at a given position.
#[derive(Debug, Clone)]
pub(crate) struct AnchoredSearch {
    /// The pattern, forward, leftmost-first (used anchored).
    fwd: DFA,
    /// How [`AnchoredSearch::end_at`] finds the end.
    walk: Walk,
    /// Whether the pattern opened with `^`, which `fwd` leaves out: it
    /// matches only from the start of the haystack, where `^` holds
    /// anyway, and a lazy DFA with no look-around builds cheaper states
    /// (and is walked by [`AnchoredSearch::end_at`] itself).
    at_start: bool,
    /// For a search made by [`AnchoredSearch::exists`], bytes of which
    /// every match holds one (`None`: not known), for
    /// [`AnchoredSearch::starts_before`].
    required: Option<Box<[bool; 256]>>,
}

/// How [`AnchoredSearch::end_at`] finds the end of a match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Walk {
    /// The pattern has no look-around, so that its anchored start state
    /// does not depend on the byte before the start: [`walk_fwd`] walks
    /// the lazy DFA to the last match.
    Plain,
    /// The pattern has no look-around, and a search that only tells
    /// whether there is a match stops at the first ([`walk_to_first`]):
    /// the states past it, which a longer match would walk through, are
    /// never built.
    First,
    /// The pattern looks around: the lazy DFA's own search, stopped at the
    /// first match with `earliest`.
    Search { earliest: bool },
}

impl AnchoredSearch {
    /// Compiles the pattern `src` (as the regex crate does with `unicode`
    /// off), over the alphabet of `parts`.
    ///
    /// # Errors
    /// The message of a pattern that does not compile.
    pub fn new(src: &str, parts: &mut Parts) -> Result<AnchoredSearch, String> {
        // `parts` parses with `(?s)`, which only changes a dot.
        let hir = if src.contains('.') {
            let h = syntax::parse_with(src, &syntax_config()).map_err(|e| e.to_string())?;
            Arc::new(parts.alphabet.hir(&h, &[]))
        } else {
            parts.hir(src)?
        };
        let nfa = folded_nfa(&hir)?;
        let walk = match nfa.look_set_any().is_empty() {
            true => Walk::Plain,
            false => Walk::Search { earliest: false },
        };
        let fwd = dfa(nfa, MatchKind::LeftmostFirst)?;
        Ok(AnchoredSearch {
            fwd,
            walk,
            at_start: false,
            required: None,
        })
    }

    /// Compiles the pattern `src` (as [`AnchoredSearch::new`] does) for a
    /// search that only tells whether a match starts at a position: the
    /// end that [`AnchoredSearch::end_at`] gives is then that of the
    /// shortest match, not of the leftmost-first one. A search of every
    /// match, whose lazy DFA is of the [`language`] of the pattern, builds
    /// states of fewer NFA states, and stopped at its first match, none of
    /// those a longer match goes through (a noun phrase after a cue).
    /// The bytes of which every match holds one are kept for
    /// [`AnchoredSearch::starts_before`].
    ///
    /// # Errors
    /// The message of a pattern that does not compile.
    pub fn exists(src: &str, parts: &mut Parts) -> Result<AnchoredSearch, String> {
        let (hir, required) = if src.contains('.') {
            let h = syntax::parse_with(src, &syntax_config()).map_err(|e| e.to_string())?;
            let h = parts.alphabet.hir(&h, &[]);
            let required = required(&h);
            (h, required)
        } else {
            let h = parts.hir(src)?;
            (language(&h, false, false), required(&h))
        };
        let (hir, at_start) = without_start(hir);
        let nfa = folded_nfa(&hir)?;
        let walk = match nfa.look_set_any().is_empty() {
            true => Walk::First,
            false => Walk::Search { earliest: true },
        };
        let fwd = dfa(nfa, MatchKind::All)?;
        Ok(AnchoredSearch {
            fwd,
            walk,
            at_start,
            required: required.map(Box::new),
        })
    }

    /// Fresh search state.
    pub fn cache(&self) -> DfaCache {
        self.fwd.create_cache()
    }

    /// The end of the leftmost-first match in `hay` (renumbered by the
    /// alphabet) that starts at `s` (of the shortest, for a search made by
    /// [`AnchoredSearch::exists`]), if any; `Err` if the lazy DFA gave up.
    pub fn end_at(&self, cache: &mut DfaCache, hay: &[u8], s: usize) -> Result<Option<usize>, ()> {
        if self.walk == Walk::Plain {
            return walk_fwd(&self.fwd, cache, hay, s);
        }
        self.other_end_at(cache, hay, s)
    }

    /// [`AnchoredSearch::end_at`] of a search not walked by [`walk_fwd`]
    /// (kept apart so that its tests cost nothing to those that are).
    fn other_end_at(
        &self,
        cache: &mut DfaCache,
        hay: &[u8],
        s: usize,
    ) -> Result<Option<usize>, ()> {
        if self.at_start && s > 0 {
            return Ok(None);
        }
        match self.walk {
            Walk::Search { earliest } => {
                let input = Input::new(hay)
                    .range(s..)
                    .anchored(Anchored::Yes)
                    .earliest(earliest);
                let m = self.fwd.try_search_fwd(cache, &input).map_err(|_| ())?;
                Ok(m.map(|m| m.offset()))
            }
            Walk::First => walk_to_first(&self.fwd, cache, hay, s),
            Walk::Plain => walk_fwd(&self.fwd, cache, hay, s),
        }
    }

    /// A position in `hay` (renumbered by the alphabet) at or after which no
    /// match starts, if the search knows one (see [`AnchoredSearch::exists`]):
    /// one past the last byte of those that every match holds one of.
    ///
    /// An attribution holds a cue, and most of the text after a comma holds
    /// none: the searches from those commas are ruled out by one scan.
    pub fn starts_before(&self, hay: &[u8]) -> Option<usize> {
        let required = self.required.as_deref()?;
        Some(
            hay.iter()
                .rposition(|&b| required[usize::from(b)])
                .map_or(0, |i| i + 1),
        )
    }

    /// Whether a match in `hay` (renumbered by the alphabet) starts at `s`;
    /// `Err` if the lazy DFA gave up. For a search made by
    /// [`AnchoredSearch::exists`], the walk stops at the first match state:
    /// the answer is known there, and going on to the longest match would
    /// build the states of every longer one (the noun phrase of an
    /// attribution goes on for many words).
    pub fn matches_at(&self, cache: &mut DfaCache, hay: &[u8], s: usize) -> Result<bool, ()> {
        Ok(self.end_at(cache, hay, s)?.is_some())
    }
}

/// The NFA of `hir`, forward and without groups, its unions folded (see
/// [`folded`]).
fn folded_nfa(hir: &Hir) -> Result<NFA, String> {
    let part = PartNfa::new(nfa(hir, false, false)?);
    match part.folds {
        true => concat_nfas(&[&part], false, false),
        false => Ok(part.nfa),
    }
}

/// `h` without the `^` it opens with, and whether it had one.
fn without_start(h: Hir) -> (Hir, bool) {
    let start = |h: &Hir| matches!(h.kind(), HirKind::Look(Look::Start));
    if start(&h) {
        return (Hir::empty(), true);
    }
    match h.into_kind() {
        HirKind::Concat(mut v) if v.first().is_some_and(start) => {
            v.remove(0);
            (Hir::concat(v), true)
        }
        kind => (rebuild(kind), false),
    }
}

/// The end of the first (shortest) match in `hay` that starts at `s` of
/// the anchored search of `fwd`, a lazy DFA of a pattern with no
/// look-around; `Err` if the lazy DFA gave up. As [`walk_fwd`], but
/// stopped at the first match state (by [`walk`]).
fn walk_to_first(
    fwd: &DFA,
    cache: &mut DfaCache,
    hay: &[u8],
    s: usize,
) -> Result<Option<usize>, ()> {
    let config = start::Config::new().anchored(Anchored::Yes);
    let sid = fwd.start_state(cache, &config).map_err(|_| ())?;
    let mut first = None;
    // Matches show one byte late: one entered by the `i`-th byte ends at
    // `s + i`.
    let stop = |i| {
        first = Some(s + i);
        true
    };
    match walk(fwd, cache, sid, hay[s..].iter().copied(), stop)? {
        Walked::Stopped => Ok(first),
        Walked::Dead => Ok(None),
        Walked::Ended(sid) => {
            // The end of input shows a match that ends there.
            let sid = fwd.next_eoi_state(cache, sid).map_err(|_| ())?;
            Ok(sid.is_match().then_some(hay.len()))
        }
    }
}

/// A set of bytes (by byte) of which every match of `h` holds one, if
/// there is one: that of a class or a literal, that of one of the elements
/// of a concatenation that must match (the smallest), those of every
/// alternative together. Look-arounds and the empty string hold none.
fn required(h: &Hir) -> Option<[bool; 256]> {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => None,
        HirKind::Literal(l) => {
            let &b = l.0.first()?;
            let mut set = [false; 256];
            set[usize::from(b)] = true;
            Some(set)
        }
        HirKind::Class(Class::Bytes(c)) => {
            let mut set = [false; 256];
            for r in c.ranges() {
                for b in r.start()..=r.end() {
                    set[usize::from(b)] = true;
                }
            }
            Some(set)
        }
        HirKind::Class(Class::Unicode(_)) => None,
        HirKind::Repetition(r) if r.min >= 1 => required(&r.sub),
        HirKind::Repetition(_) => None,
        HirKind::Capture(c) => required(&c.sub),
        HirKind::Concat(xs) => xs
            .iter()
            .filter_map(required)
            .min_by_key(|set| set.iter().filter(|&&b| b).count()),
        HirKind::Alternation(xs) => {
            let mut set = [false; 256];
            for x in xs {
                for (s, r) in set.iter_mut().zip(required(x)?) {
                    *s |= r;
                }
            }
            Some(set)
        }
    }
}

/// The end of the leftmost-first match in `hay` that starts at `s` of the
/// anchored search of `fwd`, a leftmost-first lazy DFA of a pattern with no
/// look-around; `Err` if the lazy DFA gave up.
///
/// This is the walk of `try_search_fwd` (regex-automata's `find_fwd`)
/// without its set-up: most starts die within a few bytes, so the set-up
/// cost more than the walk. With no look-around, every start state of the
/// anchored search is the same, whatever byte comes before.
fn walk_fwd(fwd: &DFA, cache: &mut DfaCache, hay: &[u8], s: usize) -> Result<Option<usize>, ()> {
    let config = start::Config::new().anchored(Anchored::Yes);
    let mut sid = fwd.start_state(cache, &config).map_err(|_| ())?;
    let mut end = None;
    // The steps of [`walk`], in a loop of its own: past the first match of
    // a pattern that ends with a wide element (a reported clause), most
    // states are match states, and a loop that only keeps the last costs
    // less for them than one that stops at each.
    for (at, &b) in (s..).zip(&hay[s..]) {
        sid = if sid.is_tagged() {
            fwd.next_state(cache, sid, b).map_err(|_| ())?
        } else {
            let next = fwd.next_state_untagged(cache, sid, b);
            if next.is_unknown() {
                fwd.next_state(cache, sid, b).map_err(|_| ())?
            } else {
                next
            }
        };
        if sid.is_tagged() {
            if sid.is_match() {
                // Matches show one byte late: this one ends at `at`.
                // A later one is a longer match of higher priority
                // (leftmost-first match states encode priority).
                end = Some(at);
            } else if sid.is_dead() {
                return Ok(end);
            } else if sid.is_quit() {
                return Err(());
            }
        }
    }
    // The end of input shows a match that ends there.
    sid = fwd.next_eoi_state(cache, sid).map_err(|_| ())?;
    if sid.is_match() {
        end = Some(hay.len());
    }
    Ok(end)
}

/// The leftmost-first matches of a pattern with no anchor token (the noun
/// phrase of mentions), as `regex::bytes::Regex::find_at` finds them, by an
/// anchored search at each byte the pattern can start with. An unanchored
/// search follows every possible start at once and its lazy DFA builds many
/// states; anchored, it follows one start, and the byte table skips the
/// positions no match starts at. The first position with a match is the
/// leftmost match start, and the anchored leftmost-first match there is the
/// one the unanchored search gives.
#[derive(Debug, Clone)]
pub(crate) struct StartSearch {
    /// The pattern, anchored.
    search: AnchoredSearch,
    /// The bytes a match can start with (all, for a pattern that matches
    /// the empty string).
    first: [bool; 256],
    /// By the first byte, the set (a bit per byte) of second bytes a match
    /// can go on with (all, where the first byte is not enough to tell).
    /// Most starts the first byte allows die at the second, and this test
    /// is cheaper than starting a search.
    second: Box<[[u64; 4]; 256]>,
    /// The search state that made `first` and `second`: the states it
    /// built (those of the first two bytes of every start) are the ones
    /// each search walks first, and each fresh search state is a copy of
    /// it rather than built again.
    warm: DfaCache,
}

impl StartSearch {
    /// Compiles the pattern `src` (as the regex crate does with `unicode`
    /// off), over the alphabet of `parts`.
    ///
    /// # Errors
    /// The message of a pattern that does not compile.
    pub fn new(src: &str, parts: &mut Parts) -> Result<StartSearch, String> {
        let search = AnchoredSearch::new(src, parts)?;
        let fwd = &search.fwd;
        let mut cache = fwd.create_cache();
        let mut first = [true; 256];
        let mut second = Box::new([[u64::MAX; 4]; 256]);
        let empty = Input::new(&[][..]).anchored(Anchored::Yes);
        if !matches!(fwd.try_search_fwd(&mut cache, &empty), Ok(None)) {
            return Ok(StartSearch {
                search,
                first,
                second,
                warm: cache,
            });
        }
        for (b, (f, next)) in first.iter_mut().zip(second.iter_mut()).enumerate() {
            let byte = [b as u8];
            let input = Input::new(&byte[..]).anchored(Anchored::Yes);
            let Some(sid) = fwd
                .start_state_forward(&mut cache, &input)
                .ok()
                .and_then(|s| fwd.next_state(&mut cache, s, b as u8).ok())
            else {
                continue;
            };
            *f = !sid.is_dead();
            if !*f || sid.is_tagged() {
                // A dead start is skipped by `first`; a match or quit
                // state after one byte is left to the search.
                continue;
            }
            // The second bytes after which the search is dead: none where
            // that is not known.
            if let Some(live) = live_after(fwd, &mut cache, &[b as u8]) {
                for (c, _) in live.iter().enumerate().filter(|(_, &l)| !l) {
                    next[c / 64] &= !(1 << (c % 64));
                }
            }
        }
        Ok(StartSearch {
            search,
            first,
            second,
            warm: cache,
        })
    }

    /// Fresh search state, with the states built to make the tables.
    pub fn cache(&self) -> DfaCache {
        self.warm.clone()
    }

    /// The end of the leftmost-first match in `hay` (renumbered by the
    /// alphabet) that starts at `s`, if any; `Err` if the lazy DFA gave up.
    pub fn anchored_end(
        &self,
        cache: &mut DfaCache,
        hay: &[u8],
        s: usize,
    ) -> Result<Option<usize>, ()> {
        self.search.end_at(cache, hay, s)
    }

    /// The leftmost-first match in `hay` (renumbered by the alphabet) that
    /// starts at `at` or later, as `find_at(hay, at)` of the regex crate
    /// finds it in the bytes before renumbering; `Err` if the lazy DFA gave
    /// up.
    pub fn find_at(
        &self,
        cache: &mut DfaCache,
        hay: &[u8],
        at: usize,
    ) -> Result<Option<(usize, usize)>, ()> {
        for s in at..=hay.len() {
            if let Some(&b) = hay.get(s) {
                if !self.first[usize::from(b)] {
                    continue;
                }
                // A match can be one byte long, and end at the end of
                // `hay`: only a second byte rules one out.
                if let Some(&c) = hay.get(s + 1) {
                    let next = &self.second[usize::from(b)];
                    if next[usize::from(c / 64)] >> (c % 64) & 1 == 0 {
                        continue;
                    }
                }
            }
            if let Some(end) = self.anchored_end(cache, hay, s)? {
                return Ok(Some((s, end)));
            }
        }
        Ok(None)
    }
}

/// `h` simplified for a search that reports every match, where only the
/// language of `h` counts, not the order of its alternatives, whether a
/// repetition is greedy, or its groups: alternatives that open (or end)
/// alike share that part, and neighbouring repetitions of one expression
/// are one. A lazy DFA's states are sets of NFA states, and each copy of
/// an expression that can match the same input adds its states to the set
/// (the speaker noun phrase has many alternatives that open and end alike),
/// so each transition of the lazy DFA is cheaper to build. With `relax`,
/// of a wider language: a repetition up to more than one is unbounded.
/// With `ends_first`, alternatives that end alike are factored first, then
/// those that open alike (the other way round otherwise): a search of the
/// reversed expression reads the alternatives from their ends, and shares
/// more states where they share their ends.
fn language(h: &Hir, relax: bool, ends_first: bool) -> Hir {
    match h.kind() {
        HirKind::Empty | HirKind::Literal(_) | HirKind::Class(_) | HirKind::Look(_) => h.clone(),
        HirKind::Capture(c) => language(&c.sub, relax, ends_first),
        // Relaxed, a count above one is dropped: `x{0,4}` is `x*`,
        // `x{2,3}` is `x+` (see [`LazyDfa`]), and a set of NFA states
        // holds one state of `x*` where it held one for each count of
        // `x{0,4}` that fits.
        HirKind::Repetition(r) if relax && r.max.map_or(true, |m| m > 1) => {
            Hir::repetition(Repetition {
                min: r.min.min(1),
                max: None,
                greedy: true,
                sub: Box::new(language(&r.sub, relax, ends_first)),
            })
        }
        HirKind::Repetition(r) => Hir::repetition(Repetition {
            min: r.min,
            max: r.max,
            greedy: true,
            sub: Box::new(language(&r.sub, relax, ends_first)),
        }),
        HirKind::Concat(v) => {
            let mut seq = Vec::new();
            for h in v {
                push_seq(&mut seq, language(h, relax, ends_first));
            }
            from_seq(seq)
        }
        HirKind::Alternation(v) => alternatives(
            v.iter().map(|h| language(h, relax, ends_first)).collect(),
            ends_first,
        ),
    }
}

/// Appends to `seq` the elements of `h` (each byte of a literal one),
/// each repetition merged with the one before it when they repeat the same
/// expression: `x{a,b}x{c,d}` is `x{a+c,b+d}`.
fn push_seq(seq: &mut Vec<Hir>, h: Hir) {
    match h.into_kind() {
        HirKind::Concat(v) => {
            for h in v {
                push_seq(seq, h);
            }
        }
        HirKind::Literal(l) if l.0.len() > 1 => {
            for &b in l.0.iter() {
                seq.push(Hir::literal([b]));
            }
        }
        HirKind::Empty => {}
        kind => {
            let h = rebuild(kind);
            if let Some(prev) = seq.last_mut() {
                if let Some(merged) = merge_repetitions(prev, &h) {
                    *prev = merged;
                    return;
                }
            }
            seq.push(h);
        }
    }
}

/// `h` back from its kind.
fn rebuild(kind: HirKind) -> Hir {
    match kind {
        HirKind::Empty => Hir::empty(),
        HirKind::Literal(l) => Hir::literal(l.0),
        HirKind::Class(c) => Hir::class(c),
        HirKind::Look(l) => Hir::look(l),
        HirKind::Repetition(r) => Hir::repetition(r),
        HirKind::Capture(c) => Hir::capture(c),
        HirKind::Concat(v) => Hir::concat(v),
        HirKind::Alternation(v) => Hir::alternation(v),
    }
}

/// `a` then `b` as one repetition, if at least one of them repeats and
/// both repeat the same expression.
fn merge_repetitions(a: &Hir, b: &Hir) -> Option<Hir> {
    /// The expression `h` repeats, and its bounds.
    fn bounds(h: &Hir) -> (&Hir, u32, Option<u32>) {
        match h.kind() {
            HirKind::Repetition(r) => (&r.sub, r.min, r.max),
            _ => (h, 1, Some(1)),
        }
    }
    if !matches!(a.kind(), HirKind::Repetition(_)) && !matches!(b.kind(), HirKind::Repetition(_)) {
        return None;
    }
    let (sa, mina, maxa) = bounds(a);
    let (sb, minb, maxb) = bounds(b);
    if sa != sb {
        return None;
    }
    Some(Hir::repetition(Repetition {
        min: mina.checked_add(minb)?,
        max: match (maxa, maxb) {
            (Some(x), Some(y)) => Some(x.checked_add(y)?),
            _ => None,
        },
        greedy: true,
        sub: Box::new(sa.clone()),
    }))
}

/// The sequence `seq` as one expression.
fn from_seq(seq: Vec<Hir>) -> Hir {
    Hir::concat(seq)
}

/// The elements of `h` in sequence (each byte of a literal one).
fn seq_of(h: Hir) -> Vec<Hir> {
    let mut seq = Vec::new();
    push_seq(&mut seq, h);
    seq
}

/// The alternation of `alts` (already simplified), identical alternatives
/// once, and those that open with the same element sharing their longest
/// common opening, then those that end with the same element sharing their
/// longest common ending (the endings first, with `ends_first`).
fn alternatives(alts: Vec<Hir>, ends_first: bool) -> Hir {
    let mut seqs: Vec<Vec<Hir>> = Vec::new();
    for h in alts {
        // Nested alternations are alternatives of this one.
        match h.into_kind() {
            HirKind::Alternation(v) => seqs.extend(v.into_iter().map(seq_of)),
            kind => seqs.push(seq_of(rebuild(kind))),
        }
    }
    let mut uniq: Vec<Vec<Hir>> = Vec::with_capacity(seqs.len());
    for s in seqs {
        if !uniq.contains(&s) {
            uniq.push(s);
        }
    }
    let seqs = factor(uniq, ends_first, ends_first);
    let seqs = factor(seqs, !ends_first, ends_first);
    Hir::alternation(merge_classes(seqs.into_iter().map(from_seq).collect()))
}

/// The alternatives `alts` with those that match one byte (a class or a
/// one-byte literal) as one class, where the first of them stood: in a
/// search that reports every match their order does not count, and a set
/// of NFA states then holds one state for them, not one each.
fn merge_classes(alts: Vec<Hir>) -> Vec<Hir> {
    let byte_set = |h: &Hir| match h.kind() {
        HirKind::Literal(l) if l.0.len() == 1 => {
            Some(ClassBytes::new([ClassBytesRange::new(l.0[0], l.0[0])]))
        }
        HirKind::Class(Class::Bytes(c)) => Some(c.clone()),
        _ => None,
    };
    let mut out: Vec<Hir> = Vec::with_capacity(alts.len());
    // The index in `out` of the merged class, and the class.
    let mut merged: Option<(usize, ClassBytes)> = None;
    for h in alts {
        match (byte_set(&h), &mut merged) {
            (Some(c), Some((_, m))) => m.union(&c),
            (Some(c), None) => {
                merged = Some((out.len(), c));
                out.push(h);
            }
            (None, _) => out.push(h),
        }
    }
    if let Some((i, c)) = merged {
        out[i] = Hir::class(Class::Bytes(c));
    }
    out
}

/// `seqs` with those that open (or, with `end`, end) with the same element
/// as one: their common part and the alternation of the rest (made by
/// [`alternatives`] with `ends_first`).
fn factor(seqs: Vec<Vec<Hir>>, end: bool, ends_first: bool) -> Vec<Vec<Hir>> {
    fn key(s: &[Hir], end: bool) -> Option<&Hir> {
        if end {
            s.last()
        } else {
            s.first()
        }
    }
    let mut groups: Vec<Vec<Vec<Hir>>> = Vec::new();
    for s in seqs {
        let found = groups
            .iter_mut()
            .find(|g| key(&s, end).is_some() && key(&g[0], end) == key(&s, end));
        match found {
            Some(g) => g.push(s),
            None => groups.push(vec![s]),
        }
    }
    groups
        .into_iter()
        .map(|mut members| {
            if members.len() == 1 {
                return members.pop().unwrap_or_default();
            }
            // The longest part all members share.
            let first = &members[0];
            let n = members[1..]
                .iter()
                .map(|m| {
                    if end {
                        first
                            .iter()
                            .rev()
                            .zip(m.iter().rev())
                            .take_while(|(a, b)| a == b)
                            .count()
                    } else {
                        first.iter().zip(m).take_while(|(a, b)| a == b).count()
                    }
                })
                .min()
                .unwrap_or(0);
            let mut common = Vec::new();
            let rests: Vec<Hir> = members
                .into_iter()
                .map(|mut m| {
                    let rest = if end {
                        let tail = m.split_off(m.len() - n);
                        if common.is_empty() {
                            common = tail;
                        }
                        m
                    } else {
                        let rest = m.split_off(n);
                        if common.is_empty() {
                            common = m;
                        }
                        rest
                    };
                    from_seq(rest)
                })
                .collect();
            let rest = alternatives(rests, ends_first);
            let mut out = Vec::new();
            if end {
                push_seq(&mut out, rest);
                out.extend(common);
            } else {
                out.extend(common);
                push_seq(&mut out, rest);
            }
            out
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only a regex that is one group is shared; the noun phrase is one.
    #[test]
    fn groups() {
        assert!(is_group(r"(?:a|b)"));
        assert!(is_group(r"(?:[\x28\x29)(]+(?:x)|\))"));
        assert!(!is_group(r"(?:a)|(?:b)"));
        assert!(!is_group(r"(?:a)(b)"));
        assert!(!is_group(r"(a)"));
        assert!(!is_group(r"(?:[[:alpha:]])"));
        let rules = crate::rules::RuleSet::compile(
            Vec::new(),
            &crate::cues::Lexicon::builtin().expect("lexicon"),
            &Default::default(),
        )
        .expect("compiles");
        assert!(is_group(&rules.np));
    }

    /// Group names are dropped from the keys of lazy DFAs, escaped
    /// parentheses kept.
    #[test]
    fn unnamed_groups() {
        assert_eq!(
            unnamed(r"(?P<speaker>[\x41]+)(?P<q0>b)"),
            r"(?:[\x41]+)(?:b)"
        );
        assert_eq!(unnamed(r"\(?P<x>"), r"\(?P<x>");
        assert_eq!(unnamed(r"a(?:b)"), r"a(?:b)");
    }

    /// The [`language`] of a pattern matches exactly the strings the
    /// pattern matches, its alternatives factored from the front or the
    /// back; relaxed, it matches those and maybe more (every string up to
    /// five bytes over the pattern's letters, whole-string matches).
    #[test]
    fn language_keeps_or_widens_what_matches() {
        let table = [
            r"ab|ac",
            r"ab|cb|b",
            r"a{0,4}b|a{0,3}c",
            r"x{0,2}x{1,2}y|xy",
            r"(?:ab|cb)d?|(?:ab|cb)",
            r"a(?:b|c){1,3}|ad|a",
            r"(?:a|ab|abc)(?:c|bc)",
            r"(?P<g>a[bc]?)x{0,2}|b(?:a|c){2}x",
            r"^a?b|b$|ab",
            r"(?:(?:xa|ya)b|(?:xa|ya)c)+",
        ];
        let full = |h: Hir| {
            let whole = Hir::concat(vec![Hir::look(Look::Start), h, Hir::look(Look::End)]);
            meta::Regex::builder()
                .syntax(syntax_config())
                .build_from_hir(&whole)
                .expect("compiles")
        };
        let letters = b"abcdxy";
        for src in table {
            let h = syntax::parse_with(src, &syntax_config()).expect("parses");
            let exact = full(h.clone());
            let langs: Vec<(bool, meta::Regex)> =
                [(false, false), (false, true), (true, false), (true, true)]
                    .into_iter()
                    .map(|(relax, ends_first)| (relax, full(language(&h, relax, ends_first))))
                    .collect();
            let mut widened = false;
            each_word(letters, 5, |word| {
                let want = exact.is_match(word);
                for (relax, re) in &langs {
                    let got = re.is_match(word);
                    if *relax {
                        assert!(got || !want, "{src}: relaxed misses {word:?}");
                        widened |= got && !want;
                    } else {
                        assert_eq!(got, want, "{src}: {word:?}");
                    }
                }
            });
            // Relaxing drops counts: `a{0,4}` is `a*`.
            if src.contains("{0,4}") {
                assert!(widened, "{src}: relaxed matches nothing more");
            }
        }
    }

    /// Calls `f` with every string of up to `max` bytes over `letters`,
    /// shortest first.
    fn each_word(letters: &[u8], max: u32, mut f: impl FnMut(&[u8])) {
        let mut word = Vec::new();
        for n in 0..=max {
            for code in 0..letters.len().pow(n) {
                word.clear();
                let mut c = code;
                for _ in 0..n {
                    word.push(letters[c % letters.len()]);
                    c /= letters.len();
                }
                f(&word);
            }
        }
    }

    /// The NFA of parts made of the NFAs of each part finds the ends (and,
    /// reversed, the starts) that the NFA of the parts compiled as one
    /// finds, leftmost-first (the first path's) and every match, on every
    /// string up to five bytes over the parts' letters.
    #[test]
    fn concatenated_nfas_match_alike() {
        let table: [&[&str]; 5] = [
            &["a", "b"],
            &["a*", "(?:ab|a)", "b?"],
            &["(?:a|ab)", "(?:c|bc)"],
            &["x{0,2}", "(?:x|y)+?", "^?y"],
            &["(a)", "b*", "(?:c|)", "$"],
        ];
        let letters = b"abcxy";
        for parts in table {
            let hirs: Vec<Hir> = parts
                .iter()
                .map(|p| syntax::parse_with(p, &syntax_config()).expect("parses"))
                .collect();
            let whole = Hir::concat(hirs.clone());
            for (reverse, kind) in [
                (false, MatchKind::LeftmostFirst),
                (false, MatchKind::All),
                (true, MatchKind::All),
            ] {
                let one = dfa(nfa(&whole, reverse, false).expect("nfa"), kind).expect("dfa");
                let nfas: Vec<PartNfa> = hirs
                    .iter()
                    .map(|h| PartNfa::new(nfa(h, reverse, false).expect("nfa")))
                    .collect();
                let refs: Vec<&PartNfa> = nfas.iter().collect();
                let made =
                    dfa(concat_nfas(&refs, reverse, false).expect("concat"), kind).expect("dfa");
                let (mut c1, mut c2) = (one.create_cache(), made.create_cache());
                each_word(letters, 5, |word| {
                    let input = Input::new(word).anchored(Anchored::Yes);
                    let (want, got) = if reverse {
                        (
                            one.try_search_rev(&mut c1, &input).expect("search"),
                            made.try_search_rev(&mut c2, &input).expect("search"),
                        )
                    } else {
                        (
                            one.try_search_fwd(&mut c1, &input).expect("search"),
                            made.try_search_fwd(&mut c2, &input).expect("search"),
                        )
                    };
                    assert_eq!(got, want, "{parts:?} {reverse} {kind:?} on {word:?}");
                });
            }
        }
    }

    /// The NFA of parts with their groups made of the NFAs of each part
    /// names its groups as the NFA of the parts compiled as one does, and
    /// its groups take the same spans, on every string up to five bytes
    /// over the parts' letters.
    #[test]
    fn concatenated_nfas_capture_alike() {
        let table: [&[&str]; 3] = [
            &["(?P<a>x)+", "(y)?", "(?:(?P<b>x)|y)*"],
            &["x*", "(?P<q0>(x)|xy)", "(y?)", "$"],
            &["^(?P<s>x|y)", "((x)(y))?", "(?P<c>[xy]*?)", "x?"],
        ];
        let letters = b"xyz";
        for parts in table {
            let hirs: Vec<Arc<Hir>> = parts
                .iter()
                .map(|p| Arc::new(syntax::parse_with(p, &syntax_config()).expect("parses")))
                .collect();
            let one = nfa(&concat(&hirs), false, true).expect("nfa");
            let nfas: Vec<PartNfa> = hirs
                .iter()
                .map(|h| PartNfa::new(nfa(h, false, true).expect("nfa")))
                .collect();
            let refs: Vec<&PartNfa> = nfas.iter().collect();
            let made = concat_nfas(&refs, false, true).expect("concat");
            let names = |n: &NFA| -> Vec<Option<String>> {
                n.group_info()
                    .pattern_names(PatternID::ZERO)
                    .map(|n| n.map(str::to_string))
                    .collect()
            };
            assert_eq!(names(&made), names(&one), "{parts:?}");
            let (b1, b2) = (
                BoundedBacktracker::new_from_nfa(one).expect("bt"),
                BoundedBacktracker::new_from_nfa(made).expect("bt"),
            );
            let (mut c1, mut c2) = (b1.create_cache(), b2.create_cache());
            let (mut k1, mut k2) = (b1.create_captures(), b2.create_captures());
            each_word(letters, 5, |word| {
                let input = Input::new(word).anchored(Anchored::Yes);
                b1.try_captures(&mut c1, input.clone(), &mut k1)
                    .expect("search");
                b2.try_captures(&mut c2, input, &mut k2).expect("search");
                let spans = |k: &Captures| -> Vec<Option<(usize, usize)>> {
                    (0..k.group_len())
                        .map(|i| k.get_group(i).map(|s| (s.start, s.end)))
                        .collect()
                };
                assert_eq!(spans(&k2), spans(&k1), "{parts:?} on {word:?}");
            });
        }
    }

    /// A part that holds a shared group parses to the same tree, shared or
    /// not (renumbered alike).
    /// A search of whether a match starts at a position, of a pattern
    /// that opens with `^` (which its lazy DFA leaves out), finds one from
    /// the start of the haystack only, and there as the regex crate does.
    #[test]
    fn exists_of_a_pattern_that_opens_with_start() {
        let src = r"^[\x41]?(?:[\x42]+[\x43]|[\x43][\x42]{1,3})";
        let mut parts = Parts::new([src], &[]);
        let search = AnchoredSearch::exists(src, &mut parts).unwrap();
        let re = regex::bytes::Regex::new(&format!("(?-u){src}")).unwrap();
        let mut cache = search.cache();
        let hays: [&[u8]; 8] = [b"ABBC", b"BC", b"ABB", b"xBC", b"CBBBB", b"ACB", b"C", b""];
        for hay in hays {
            let mut mapped = Vec::new();
            parts.alphabet().translate(hay, &mut mapped);
            for s in 0..=hay.len() {
                let got = search.end_at(&mut cache, &mapped, s).unwrap().is_some();
                assert_eq!(got, s == 0 && re.is_match(hay), "{hay:?} from {s}");
            }
        }
    }

    #[test]
    fn shared_parts() {
        let shared = r"(?:[\x41\x42]+(?:[\x43]|[\x44\x45]{1,3}))";
        let part = format!(r"(?P<speaker>{shared})(?:,{shared})?[\x46]");
        let with = Parts::new([part.as_str()], &[shared]);
        let without = Parts::new([part.as_str()], &[]);
        assert_eq!(with.hirs[&part], without.hirs[&part]);
    }
}
