//! Stage 1: text to tokens, sentences and paragraphs.
//!
//! Each quotation found by [`crate::marks`] becomes one token, so sentence
//! breaks inside a quotation never split the sentence that holds it. Every
//! token gets a one-byte class (see [`class`]) from the lexicon; the rules of
//! [`crate::rules`] are regular expressions over these class bytes.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use crate::cues::{key, key_into, Form, Lexicon};
use crate::marks::QuotePiece;
use crate::record::CueClass;

/// Token classes: one ASCII byte each. Bytes from 0x80 up stand for literal
/// words of the rules (two per literal: lowercase and capitalised).
pub(crate) mod class {
    pub const QUOTE: u8 = b'Q';
    pub const CUE: u8 = b'V';
    pub const CUE_TELL: u8 = b'T';
    pub const CUE_ING: u8 = b'G';
    pub const CUE_TELLING: u8 = b'U';
    pub const ACCORDING: u8 = b'A';
    pub const NAME: u8 = b'N';
    pub const PRONOUN: u8 = b'P';
    pub const DET: u8 = b'D';
    pub const QUANT: u8 = b'k';
    pub const SOURCE: u8 = b'H';
    pub const WORD: u8 = b'n';
    pub const NUM: u8 = b'9';
    pub const THAT: u8 = b't';
    pub const PREP: u8 = b'o';
    pub const AND: u8 = b'&';
    pub const WHO: u8 = b'w';
    pub const AUX: u8 = b'x';
    pub const CONJ: u8 = b'c';
    pub const VERB: u8 = b'v';
    pub const POSS: u8 = b's';
    pub const COMMA: u8 = b',';
    pub const COLON: u8 = b':';
    pub const SEMI: u8 = b';';
    pub const LPAREN: u8 = b'(';
    pub const RPAREN: u8 = b')';
    pub const DASH: u8 = b'-';
    pub const STOP: u8 = b'.';
    pub const OTHER: u8 = b'y';
    /// Weekdays, months and "today": a time adverbial, never a speaker.
    pub const TIME: u8 = b'm';
    /// Separates sentences in [`super::Doc::hay`]; no pattern crosses it.
    pub const SEP: u8 = b'|';
    /// First byte of the literal-word range.
    pub const LITERAL: u8 = 0x80;
}

/// One token: a word, a punctuation mark, or a whole quotation; 16 bytes,
/// since a long document holds millions.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Token {
    /// Byte offsets into the text (documents are below 4 GiB).
    start: u32,
    end: u32,
    /// Index into the lexicon's cue entries (cue tokens) or into the quote
    /// pieces (quotation tokens, [`flag::QUOTE`]); [`Token::NONE`] for
    /// neither.
    idx: u32,
    /// The word starts with an uppercase letter.
    pub capital: bool,
    /// The class as the lexicon alone gives it (ignoring rule literals).
    pub base: u8,
    /// What the word lists say of the token's key beyond its class (see
    /// [`flag`]), so that the passes after tokenising look nothing up; and
    /// from bit [`flag::KINDS_SHIFT`] up, the speaker's word kinds of the
    /// token (see [`Token::kinds`]).
    flags: u16,
}

/// Bits of [`Token::flags`]: the token's key is in a word list.
mod flag {
    /// A name particle ("van", "de").
    pub const PARTICLE: u16 = 1;
    /// A cue form that is also a noun ("claims").
    pub const NOUN: u16 = 2;
    /// A form of "be" ([`super::BE`]).
    pub const BE: u16 = 4;
    /// The key is "'s".
    pub const POSS_S: u16 = 8;
    /// The key is "it".
    pub const IT: u16 = 16;
    /// The token is a quotation: [`super::Token::idx`] is a quote piece.
    pub const QUOTE: u16 = 32;
    /// The bits below this are the flags above; the bits from it up hold
    /// the [`crate::speaker::WordKinds`] flags of the token's text, 0 when
    /// the tokeniser left them to the speaker's own look-up.
    pub const KINDS_SHIFT: u32 = 6;
    /// The flags above, without the word kinds.
    pub const TOKEN_BITS: u16 = (1 << KINDS_SHIFT) - 1;
}

/// Where a token's word kinds start in its flags (see [`Token::kinds`]).
pub(crate) use flag::KINDS_SHIFT;

/// The longest text the tokeniser takes: offsets are 32-bit.
pub(crate) const MAX_TEXT: usize = u32::MAX as usize;

impl Token {
    const NONE: u32 = u32::MAX;

    /// A token of `start..end` (byte offsets, below [`MAX_TEXT`]).
    fn new(
        start: usize,
        end: usize,
        cue: Option<u32>,
        quote: Option<u32>,
        capital: bool,
        base: u8,
    ) -> Token {
        Token {
            start: start as u32,
            end: end as u32,
            idx: quote.or(cue).unwrap_or(Token::NONE),
            capital,
            base,
            flags: if quote.is_some() { flag::QUOTE } else { 0 },
        }
    }

    /// The token of a word at `start..end` (byte offsets, below
    /// [`MAX_TEXT`]) with its base class, cue entry ([`Token::NONE`] for
    /// none) and [`flag`] bits (no [`flag::QUOTE`]).
    #[inline(always)]
    fn word(start: usize, end: usize, cue: u32, capital: bool, base: u8, flags: u16) -> Token {
        Token {
            start: start as u32,
            end: end as u32,
            idx: cue,
            capital,
            base,
            flags,
        }
    }

    /// The token with its [`flag`] bits set (but [`flag::QUOTE`], which
    /// stays as it is).
    fn with_flags(mut self, flags: u16) -> Token {
        self.flags = (self.flags & flag::QUOTE) | (flags & !flag::QUOTE);
        self
    }

    /// The [`crate::speaker::WordKinds`] flags of the token's text, as the
    /// tokeniser found them with the word's vocabulary entry; 0 when it
    /// left them to the speaker's own look-up (a quotation, a punctuation
    /// mark, a hyphenated word, a multi-word cue).
    #[inline]
    pub fn kinds(&self) -> u16 {
        self.flags >> flag::KINDS_SHIFT
    }

    /// Byte offset of the token's first byte.
    pub fn start(&self) -> usize {
        self.start as usize
    }

    /// Byte offset one past the token's last byte.
    pub fn end(&self) -> usize {
        self.end as usize
    }

    /// Index into the lexicon's cue entries, for cue tokens.
    pub fn cue(&self) -> Option<u32> {
        (self.flags & flag::QUOTE == 0 && self.idx != Token::NONE).then_some(self.idx)
    }

    /// Whether the token is "'s" (or "’s").
    pub fn possessive_s(&self) -> bool {
        self.flags & flag::POSS_S != 0
    }

    /// Index into the quote pieces, for quotation tokens.
    pub fn quote(&self) -> Option<u32> {
        (self.flags & flag::QUOTE != 0 && self.idx != Token::NONE).then_some(self.idx)
    }

    /// The token is no cue after all ("was told": a passive).
    fn clear_cue(&mut self) {
        if self.flags & flag::QUOTE == 0 {
            self.idx = Token::NONE;
        }
    }
}

/// A sentence: a range of tokens in one paragraph.
#[derive(Debug, Clone)]
pub(crate) struct Sentence {
    pub tokens: std::ops::Range<usize>,
    pub para: usize,
}

/// A tokenised document.
#[derive(Debug)]
pub(crate) struct Doc<'t> {
    pub text: &'t str,
    pub tokens: Vec<Token>,
    /// The class byte of each token, parallel to `tokens`.
    pub classes: Vec<u8>,
    pub sentences: Vec<Sentence>,
    pub quotes: Vec<QuotePiece>,
    /// The class bytes of the whole document, sentence by sentence, with
    /// `|` before the first sentence, `||` between sentences and `|` after the
    /// last: `^` in a pattern matches one separator and `$` another.
    pub hay: Vec<u8>,
    /// For each byte of `hay`, its token (a separator: the next token).
    pub hay_tok: Vec<u32>,
}

impl<'t> Doc<'t> {
    pub fn tok_text(&self, i: usize) -> &'t str {
        let t = &self.tokens[i];
        &self.text[t.start()..t.end()]
    }

    /// Byte span of tokens `a..b` (b exclusive, non-empty).
    pub fn span(&self, a: usize, b: usize) -> (usize, usize) {
        (self.tokens[a].start(), self.tokens[b - 1].end())
    }

    pub fn sentence_of(&self, tok: usize) -> usize {
        self.sentences.partition_point(|s| s.tokens.end <= tok)
    }

    /// Gives the lists of the document back to `bufs`, for the next
    /// [`tokenize_into`] to fill (they are emptied there).
    pub fn recycle(self, bufs: &mut DocBuffers) {
        bufs.tokens = self.tokens;
        bufs.classes = self.classes;
        bufs.sentences = self.sentences;
        bufs.hay = self.hay;
        bufs.hay_tok = self.hay_tok;
        bufs.quotes = self.quotes;
    }
}

/// What the tokeniser needs to classify words.
pub(crate) struct Classifier<'a> {
    pub lexicon: &'a Lexicon,
    pub classes: &'a HashSet<CueClass>,
    /// The word lists and rule literals, one entry per word (see [`Vocab`]).
    pub vocab: &'a Vocab,
}

/// What the lexicon and the rules say of one word key, so that the
/// tokeniser classifies a word with one hash look-up.
#[derive(Debug, Clone, Copy)]
struct WordInfo {
    /// A single-word cue of a cue class that makes records: its entry, its
    /// token class, and whether it is finite.
    cue: Option<(u32, u8, bool)>,
    /// A closed-class word's class.
    word: Option<u8>,
    calendar: bool,
    /// A literal word of some rule: its index.
    literal: Option<u8>,
    /// Some multi-word cue of a cue class that makes records opens with
    /// this word: its index in [`Vocab::multi`].
    multi: Option<u32>,
    /// The key with a full stop after it is an abbreviation ("mr" for
    /// "mr.").
    abbrev: bool,
    /// The token [`flag`]s of the key, with its word kinds (see
    /// [`Token::kinds`]).
    flags: u16,
    /// The key is a title or a source noun: the last part of a hyphenated
    /// word that heads a source ("co-anchor").
    head: bool,
    /// The base class the lists give the word and its cue entry
    /// ([`Token::NONE`] for none), lowercase (`[0]`) and capitalised
    /// (`[1]`): what [`Classifier::base_class_of`] makes of the fields
    /// above, worked out once. Class 0 when the lists decide nothing (the
    /// word's shape does).
    class: [(u8, u32); 2],
    /// The word's byte in the hay, lowercase and capitalised, when it is a
    /// literal of some rule; 0 otherwise (the byte is the base class).
    hay: [u8; 2],
    /// The word's byte in the hay, lowercase and capitalised, as far as
    /// the lists settle it: [`WordInfo::hay`], else the class of
    /// [`WordInfo::class`] (0 when the word's shape decides).
    cls: [u8; 2],
    /// The [`Scan`] lists a token of the word joins by its class and flags
    /// alone, lowercase and capitalised (see [`note`]); 0 for none, as for
    /// nearly every word.
    notes: [u8; 2],
}

/// Bits of [`WordInfo::notes`].
mod note {
    /// The word's class is a cue class: [`super::Scan::cues`].
    pub const CUE: u8 = 1;
    /// The word is a lowercase particle: [`super::Scan::particles`].
    pub const PARTICLE: u8 = 2;
    /// The word's class is that of a stop or a quotation:
    /// [`super::Scan::ends`].
    pub const END: u8 = 4;
    /// Some multi-word cue opens with the word ([`super::WordInfo::multi`]):
    /// in no list, but the tokeniser's fast path leaves such a word to
    /// [`super::Tokenizer::finish_word`], and one test of the notes serves
    /// both.
    pub const MULTI: u8 = 8;
}

/// The info of a word in no list.
const NO_INFO: WordInfo = WordInfo {
    cue: None,
    word: None,
    calendar: false,
    literal: None,
    multi: None,
    abbrev: false,
    // A word in no list is in none of the speaker's lists either (every
    // key of those is in the vocabulary).
    flags: crate::speaker::WordKinds::NONE << flag::KINDS_SHIFT,
    head: false,
    class: [(0, Token::NONE); 2],
    hay: [0; 2],
    cls: [0; 2],
    notes: [0; 2],
};

impl Default for WordInfo {
    /// The info of a word in no list (an empty slot of the [`ShortTable`]).
    fn default() -> WordInfo {
        NO_INFO
    }
}

impl WordInfo {
    /// What the lexicon says of the word key `k` (no rule literal).
    fn of(lexicon: &Lexicon, classes: &HashSet<CueClass>, k: &str) -> WordInfo {
        let cue = lexicon.cues.get(k).and_then(|&(idx, form)| {
            let e = &lexicon.entries[idx as usize];
            classes
                .contains(&e.class)
                .then(|| (idx, cue_class(form, e.addressee), form == Form::Finite))
        });
        WordInfo {
            cue,
            word: lexicon.words.get(k).copied(),
            calendar: lexicon.calendar.contains(k),
            literal: None,
            multi: None,
            abbrev: false,
            flags: flags_of(lexicon, k),
            head: false,
            class: [(0, Token::NONE); 2],
            hay: [0; 2],
            cls: [0; 2],
            notes: [0; 2],
        }
        .settled()
    }

    /// The info with [`WordInfo::class`] and [`WordInfo::hay`] worked out
    /// from the other fields.
    fn settled(mut self) -> WordInfo {
        for capital in [false, true] {
            // A cue form of a class that makes records (capitalised, a
            // finite one only), then a closed-class word, then a time word.
            self.class[capital as usize] = match (self.cue, self.word) {
                (Some((idx, cls, finite)), _) if !capital || finite => (cls, idx),
                (_, Some(c)) => (c, Token::NONE),
                _ if self.calendar => (class::TIME, Token::NONE),
                _ => (0, Token::NONE),
            };
            self.hay[capital as usize] = self
                .literal
                .map_or(0, |li| class::LITERAL + 2 * li + capital as u8);
            let cls = self.class[capital as usize].0;
            self.cls[capital as usize] = match self.hay[capital as usize] {
                0 => cls,
                lit => lit,
            };
            // (A class by the word's shape is none of these.)
            let mut notes = 0;
            if is_cue_class(cls) {
                notes |= note::CUE;
            }
            if self.flags & flag::PARTICLE != 0 && !capital {
                notes |= note::PARTICLE;
            }
            if matches!(cls, class::STOP | class::QUOTE) {
                notes |= note::END;
            }
            if self.multi.is_some() {
                notes |= note::MULTI;
            }
            self.notes[capital as usize] = notes;
        }
        self
    }
}

/// The token [`flag`]s of the word key `k`.
fn flags_of(lexicon: &Lexicon, k: &str) -> u16 {
    let mut f = 0;
    if lexicon.particles.contains(k) {
        f |= flag::PARTICLE;
    }
    if lexicon.noun_forms.contains(k) {
        f |= flag::NOUN;
    }
    if BE.contains(&k) {
        f |= flag::BE;
    }
    if k == "'s" {
        f |= flag::POSS_S;
    }
    if k == "it" {
        f |= flag::IT;
    }
    f
}

/// A word key of at most [`SHORT`] bytes packed into an integer, its bytes
/// little-endian and zero-padded (no key holds a zero byte).
pub(crate) type ShortKey = u128;

/// The longest key that packs into a [`ShortKey`].
const SHORT: usize = 16;

/// `0x0101...01`: one in every byte of a [`ShortKey`].
const ONES: u128 = u128::MAX / 255;

/// The key of up to [`SHORT`] bytes `k`.
pub(crate) fn pack(k: &[u8]) -> ShortKey {
    let mut buf = [0u8; SHORT];
    buf[..k.len()].copy_from_slice(k);
    u128::from_le_bytes(buf)
}

/// The [`ShortKey`] of the ASCII word `bytes[start..start + len]` (`len`
/// from 1 to [`SHORT`]), lowercased: read as one integer, and the bytes
/// past the word masked off.
///
/// Every byte of an ASCII word (a letter, a digit, or one of `' - . & ,`)
/// but an uppercase letter has bit 0x20 set, so setting that bit in every
/// byte lowercases the word.
#[inline]
fn ascii_key(bytes: &[u8], start: usize, len: usize) -> ShortKey {
    match bytes
        .get(start..start + SHORT)
        .and_then(|b| <[u8; SHORT]>::try_from(b).ok())
    {
        Some(b) => (u128::from_le_bytes(b) | (ONES * 0x20)) & KEY_MASKS[len],
        // Near the end of the text.
        None => lower(pack(&bytes[start..start + len])),
    }
}

/// The [`ShortKey`] of the lexicon key of `word` (its lowercase) when `word`
/// is ASCII and of 1 to [`SHORT`] bytes.
#[inline]
pub(crate) fn short_key(word: &str) -> Option<ShortKey> {
    let b = word.as_bytes();
    (!b.is_empty() && b.len() <= SHORT && word.is_ascii()).then(|| lower(pack(b)))
}

/// The [`ShortKey`] of the [`key`] of the word `w` when `w` is ASCII but
/// for typographic apostrophes (`’ ‘`, which its key spells `'`) and its key
/// has 1 to [`SHORT`] bytes.
fn apostrophe_key(w: &[u8]) -> Option<ShortKey> {
    let mut buf = [0u8; SHORT];
    let mut n = 0;
    let mut at = 0;
    while let Some(&b) = w.get(at) {
        let (k, step) = if b < 0x80 {
            (b.to_ascii_lowercase(), 1)
        } else if matches!(w.get(at..at + 3), Some([0xe2, 0x80, 0x98 | 0x99])) {
            (b'\'', 3)
        } else {
            return None;
        };
        *buf.get_mut(n)? = k;
        n += 1;
        at += step;
    }
    (n > 0).then(|| u128::from_le_bytes(buf))
}

/// `KEY_MASKS[n]` keeps the first `n` bytes of a [`ShortKey`].
const KEY_MASKS: [u128; SHORT + 1] = {
    let mut m = [0u128; SHORT + 1];
    let mut n = 1;
    while n <= SHORT {
        m[n] = (m[n - 1] << 8) | 0xff;
        n += 1;
    }
    m
};

/// Lowercases the ASCII bytes packed in `x` (any ASCII), all at once.
#[inline]
fn lower(x: ShortKey) -> ShortKey {
    // All bytes are below 0x80, so no addition carries into the next byte:
    // the top bit of a byte is set in `ge_a` from `A` up, in `gt_z` from
    // `[` up.
    let ge_a = x + ONES * 0x3f;
    let gt_z = x + ONES * 0x25;
    x | ((ge_a & !gt_z & (ONES * 0x80)) >> 2)
}

/// A key of a [`ShortTable`]: a word key packed into an integer, 0 for
/// none (an empty slot).
pub(crate) trait TableKey: Copy + Eq + Default {
    /// The key folded to 64 bits, for Fibonacci hashing.
    fn fold(self) -> u64;
}

impl TableKey for ShortKey {
    /// The two halves of the key, one rotated (a short key has a zero top
    /// half).
    #[inline(always)]
    fn fold(self) -> u64 {
        (self as u64) ^ ((self >> 64) as u64).rotate_left(29)
    }
}

impl TableKey for SmallKey {
    /// The key itself.
    #[inline(always)]
    fn fold(self) -> u64 {
        self
    }
}

/// A word key of at most [`SMALL`] bytes packed into an integer, as a
/// [`ShortKey`] of such a key in 64 bits: most words of a text are that
/// short, and a 64-bit key is hashed and compared in fewer steps.
pub(crate) type SmallKey = u64;

/// The longest key that packs into a [`SmallKey`].
const SMALL: usize = 8;

/// An open-addressing hash table from word keys ([`ShortKey`]s, or
/// [`SmallKey`]s) to values (word infos): one multiplication and, at a load
/// of at most a half, about one probe per look-up (a word of the text is
/// mostly in no list at all). It always has an empty slot.
#[derive(Debug, Clone)]
pub(crate) struct ShortTable<V, K = ShortKey> {
    /// The key of each slot with its value, side by side so that a probe
    /// reads one place (and a look-up indexes and bounds-checks once); key
    /// 0 (no key) marks an empty slot.
    slots: Vec<(K, V)>,
    /// `slots.len()` is `1 << (64 - shift)`: a hash shifted right by
    /// `shift` is a slot.
    shift: u32,
}

impl<V: Copy + Default, K: TableKey> Default for ShortTable<V, K> {
    fn default() -> ShortTable<V, K> {
        ShortTable::new(Vec::new())
    }
}

impl<V: Copy + Default, K: TableKey> ShortTable<V, K> {
    /// A table of `entries` (keys not 0); a later entry of a key wins.
    pub fn new(entries: Vec<(K, V)>) -> ShortTable<V, K> {
        ShortTable::with_room(entries, 2)
    }

    /// A table of `entries` (keys not 0) with at least `room` slots for
    /// each entry (1 or more); a later entry of a key wins. The more room,
    /// the fewer probes, above all for keys not in the table (which probe
    /// until an empty slot), at the cost of memory that few look-ups touch.
    pub fn with_room(entries: Vec<(K, V)>, room: usize) -> ShortTable<V, K> {
        let mut bits = 4;
        while (1usize << bits) < room * entries.len() {
            bits += 1;
        }
        let mut t = ShortTable {
            slots: vec![(K::default(), V::default()); 1 << bits],
            shift: 64 - bits,
        };
        let mask = t.slots.len() - 1;
        for (k, info) in entries {
            let mut at = t.slot(k);
            while t.slots[at].0 != K::default() && t.slots[at].0 != k {
                at = (at + 1) & mask;
            }
            t.slots[at] = (k, info);
        }
        t
    }

    /// The first slot to probe for `k` (Fibonacci hashing of its
    /// [`TableKey::fold`]).
    #[inline(always)]
    fn slot(&self, k: K) -> usize {
        (k.fold().wrapping_mul(0x9e37_79b9_7f4a_7c15) >> self.shift) as usize
    }

    /// The value of the key `k`, or else the value of an empty slot: the
    /// default value. With no `Option` to unwrap, a caller whose default
    /// value means "in no list" reads the value either way.
    #[inline(always)]
    pub fn get_or_default(&self, k: K) -> &V {
        let mask = self.slots.len() - 1;
        let mut at = self.slot(k);
        loop {
            let (s, v) = &self.slots[at];
            if *s == k || *s == K::default() {
                return v;
            }
            at = (at + 1) & mask;
        }
    }

    /// The value of the key `k`.
    #[inline]
    pub fn get(&self, k: K) -> Option<&V> {
        let mask = self.slots.len() - 1;
        let mut at = self.slot(k);
        loop {
            let (s, v) = &self.slots[at];
            if *s == k {
                return Some(v);
            }
            if *s == K::default() {
                return None;
            }
            at = (at + 1) & mask;
        }
    }
}

/// The word lists of a [`Classifier`] merged into one map, built once per
/// extractor: keys of up to 16 bytes (nearly all) are looked up as integers.
#[derive(Debug, Default)]
pub(crate) struct Vocab {
    /// The keys of up to [`SMALL`] bytes, for the tokeniser's fast path
    /// (they are in [`Vocab::short`] too).
    small: ShortTable<WordInfo, SmallKey>,
    short: ShortTable<WordInfo>,
    long: HashMap<String, WordInfo>,
    /// The multi-word cues that open with a word (see [`WordInfo::multi`]):
    /// the words after the first (keys), the cue entry and the token class,
    /// longest first.
    multi: Vec<Vec<(Vec<String>, u32, u8)>>,
    /// For each list of [`Vocab::multi`], a bit for each ASCII byte that
    /// opens the second word of one of its cues: a cue of the list can
    /// match only where the next word opens with one (see
    /// [`Tokenizer::multi_word`]). Bit 0 is set for a list with a cue that
    /// has no second word or one that opens with no ASCII byte.
    multi_leads: Vec<u128>,
    /// The flags of the possessive "'s".
    poss_flags: u16,
    /// The longest key (in bytes) with a flag: a key as long as a quarter
    /// of a token's text or longer has none.
    flag_len: usize,
    /// A bit for each byte that opens a key with a flag.
    flag_leads: [u64; 4],
}

/// The first byte of the [`key`] of a text that opens with `c`.
fn key_lead(c: char) -> u8 {
    let l = match c {
        '’' | '‘' => '\'',
        // The other quotation marks, which open quotation tokens, are
        // their own lowercase: no look-up in the case tables.
        '“' | '”' | '„' | '‟' | '«' | '»' | '‚' | '‹' | '›' => c,
        _ => c.to_lowercase().next().unwrap_or(c),
    };
    let mut buf = [0u8; 4];
    l.encode_utf8(&mut buf).as_bytes()[0]
}

impl Vocab {
    /// The vocabulary of `lexicon` for the cue classes `classes` and the
    /// rule literals `literals`; each entry carries the speaker's word
    /// `kinds` of its key too (see [`Token::kinds`]).
    pub fn new(
        lexicon: &Lexicon,
        classes: &HashSet<CueClass>,
        literals: &HashMap<String, u8>,
        kinds: &crate::speaker::WordKinds,
    ) -> Vocab {
        // Every word some list holds, with all the lists say of it (keyed
        // by the lists' own strings: no copy of a key but a long one's).
        let mut map: HashMap<&str, WordInfo> = HashMap::default();
        // The abbreviations without their full stops ("mr" for "mr.").
        let stems: HashSet<&str> = lexicon
            .abbreviations
            .iter()
            .filter_map(|a| a.strip_suffix('.'))
            .collect();
        let flagged = lexicon
            .particles
            .iter()
            .chain(lexicon.noun_forms.iter())
            .map(String::as_str)
            .chain(BE)
            .chain(["it"]);
        let words = lexicon
            .cues
            .keys()
            .chain(lexicon.words.keys())
            .chain(lexicon.calendar.iter())
            .chain(literals.keys())
            .chain(lexicon.multi.keys())
            .map(String::as_str)
            .chain(stems.iter().copied())
            .chain(flagged.clone())
            .chain(
                lexicon
                    .titles
                    .iter()
                    .chain(&lexicon.sources)
                    .map(String::as_str),
            )
            // Every key of the speaker's word kinds, so that a word in no
            // entry is in none of its lists.
            .chain(kinds.keys());
        for k in words {
            if !map.contains_key(k) {
                let mut info = WordInfo::of(lexicon, classes, k);
                info.abbrev = stems.contains(k);
                info.head = lexicon.titles.contains(k) || lexicon.sources.contains(k);
                map.insert(k, info);
            }
        }
        for (k, &li) in literals {
            if let Some(i) = map.get_mut(k.as_str()) {
                i.literal = Some(li);
            }
        }
        // The multi-word cues by first word, of the classes that make
        // records, with their token classes: as the tokeniser tries them.
        let mut multi = Vec::new();
        let mut multi_leads = Vec::new();
        for (k, list) in &lexicon.multi {
            let kept: Vec<(Vec<String>, u32, u8)> = list
                .iter()
                .filter_map(|(rest, idx, form)| {
                    let e = &lexicon.entries[*idx as usize];
                    classes
                        .contains(&e.class)
                        .then(|| (rest.clone(), *idx, cue_class(*form, e.addressee)))
                })
                .collect();
            if let Some(i) = map.get_mut(k.as_str()).filter(|_| !kept.is_empty()) {
                i.multi = Some(multi.len() as u32);
                let mut leads = 0u128;
                for (rest, _, _) in &kept {
                    match rest.first().and_then(|w| w.bytes().next()) {
                        Some(b) if b.is_ascii() => leads |= 1 << b,
                        _ => leads |= 1,
                    }
                }
                multi_leads.push(leads);
                multi.push(kept);
            }
        }
        for (k, i) in map.iter_mut() {
            *i = i.settled();
            i.flags |= kinds.flags(k) << flag::KINDS_SHIFT;
        }
        let mut vocab = Vocab {
            multi,
            multi_leads,
            poss_flags: flags_of(lexicon, "'s"),
            flag_len: flagged.clone().map(str::len).max().unwrap_or(0),
            ..Vocab::default()
        };
        for b in flagged.filter_map(|k| k.bytes().next()) {
            vocab.flag_leads[(b / 64) as usize] |= 1 << (b % 64);
        }
        let mut short = Vec::new();
        let mut small = Vec::new();
        for (k, info) in map {
            if k.is_empty() {
                continue; // no word of a text has an empty key
            }
            if k.len() <= SMALL {
                small.push((pack(k.as_bytes()) as SmallKey, info));
            }
            if k.len() <= SHORT {
                short.push((pack(k.as_bytes()), info));
            } else {
                vocab.long.insert(k.to_string(), info);
            }
        }
        // Half the words of a text are in no list: with a quarter of the
        // slots taken, such a word mostly finds an empty slot at once.
        vocab.short = ShortTable::with_room(short, 4);
        vocab.small = ShortTable::with_room(small, 4);
        vocab
    }

    /// What the lists say of the key of `len` bytes (1 to [`SHORT`]) that
    /// `key` holds in its first bytes, the bytes past it ignored; or else
    /// [`NO_INFO`]. A key of up to [`SMALL`] bytes (most words) is looked up
    /// by its 64-bit half.
    #[inline(always)]
    fn plain(&self, key: ShortKey, len: usize) -> &WordInfo {
        if len <= SMALL {
            // (The mask of the first `len` bytes by a shift, `len` being 1
            // or more.)
            self.small
                .get_or_default(key as SmallKey & (SmallKey::MAX >> (64 - 8 * len)))
        } else {
            self.short.get_or_default(key & KEY_MASKS[len])
        }
    }

    /// What the lists say of the key `k`.
    fn get(&self, k: &str) -> Option<&WordInfo> {
        if k.is_empty() {
            None
        } else if k.len() <= SHORT {
            self.short.get(pack(k.as_bytes()))
        } else {
            self.long.get(k)
        }
    }

    /// What the lists say of the word `text[range]` ([`NO_INFO`] for a word
    /// in none); `ascii`: the word is ASCII (its key is its lowercase).
    /// `kbuf` is scratch space.
    #[inline(always)]
    fn word(
        &self,
        text: &str,
        range: std::ops::Range<usize>,
        ascii: bool,
        kbuf: &mut String,
    ) -> &WordInfo {
        if ascii && range.len() <= SHORT {
            self.short_ascii(text.as_bytes(), range.start, range.len())
        } else {
            self.word_slow(text, range, kbuf)
        }
    }

    /// [`Vocab::word`] of a short ASCII word `bytes[start..start + len]`.
    #[inline(always)]
    fn short_ascii(&self, bytes: &[u8], start: usize, len: usize) -> &WordInfo {
        self.short.get_or_default(ascii_key(bytes, start, len))
    }

    /// [`Vocab::word`] of a long or non-ASCII word.
    #[cold]
    #[inline(never)]
    fn word_slow(&self, text: &str, range: std::ops::Range<usize>, kbuf: &mut String) -> &WordInfo {
        // "don’t": typographic apostrophes are the commonest non-ASCII
        // characters of words.
        if let Some(k) = apostrophe_key(&text.as_bytes()[range.clone()]) {
            return self.short.get_or_default(k);
        }
        key_into(kbuf, &text[range]);
        self.get(kbuf).unwrap_or(&NO_INFO)
    }

    /// The flags of a token whose text is `text[range]`, which may be no
    /// word (a quotation, a multi-word cue); `kbuf` is scratch space.
    ///
    /// Every key with a flag is in the map, with its flags: one look-up.
    fn flags_of_text(&self, text: &str, range: std::ops::Range<usize>, kbuf: &mut String) -> u16 {
        // A key has at least one byte for each character of the text, and
        // a character has at most four bytes.
        if range.len() >= 4 * (self.flag_len + 1) {
            return 0;
        }
        // Nor has a key whose first byte opens no key with a flag (a
        // quotation's, which opens with its mark): known from the first
        // character, with no key worked out.
        let Some(c) = text[range.clone()].chars().next() else {
            return 0;
        };
        // (A short ASCII key is lowercased by setting bit 0x20 of each
        // byte, which maps a byte that is no letter elsewhere: both count.)
        let (a, b) = match u8::try_from(c).ok().filter(u8::is_ascii) {
            Some(b) => (b.to_ascii_lowercase(), b | 0x20),
            None => {
                let l = key_lead(c);
                (l, l)
            }
        };
        let leads = &self.flag_leads;
        if leads[(a / 64) as usize] & (1 << (a % 64)) == 0
            && leads[(b / 64) as usize] & (1 << (b % 64)) == 0
        {
            return 0;
        }
        let ascii = text[range.clone()].is_ascii();
        // (Without the word kinds: the token need be no word.)
        self.word(text, range, ascii, kbuf).flags & flag::TOKEN_BITS
    }
}

/// Byte classes of the tokeniser's ASCII fast path.
mod byte {
    /// An ASCII letter or digit: a word character.
    pub const ALNUM: u8 = 1;
    /// An ASCII uppercase letter.
    pub const UPPER: u8 = 2;
    /// An ASCII digit.
    pub const DIGIT: u8 = 4;
    /// ASCII white space other than a line break (as `char::is_whitespace`).
    pub const SPACE: u8 = 8;
    /// A line break.
    pub const NL: u8 = 16;
    /// A byte that may join two parts of a word (`' - . & ,`) or start a
    /// character that may continue one (any byte from 0x80 up).
    pub const JOIN: u8 = 32;
}

/// The [`byte`] class of every byte.
const BYTE_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_uppercase() {
            byte::ALNUM | byte::UPPER
        } else if c.is_ascii_digit() {
            byte::ALNUM | byte::DIGIT
        } else if c.is_ascii_lowercase() {
            byte::ALNUM
        } else if c == b'\n' {
            byte::NL
        } else if matches!(c, b'\t' | 0x0b | 0x0c | b'\r' | b' ') {
            byte::SPACE
        } else if matches!(c, b'\'' | b'-' | b'.' | b'&' | b',') {
            byte::JOIN
        } else {
            0
        };
        b += 1;
    }
    while b < 256 {
        t[b] = byte::JOIN;
        b += 1;
    }
    t
};

fn is_word_char(c: char) -> bool {
    crate::cues::is_alphanumeric(c)
}

/// A word character starts at byte `pos` of `text` (a character boundary).
fn word_char_at(text: &str, pos: usize) -> bool {
    match text.as_bytes().get(pos) {
        None => false,
        Some(&b) if b < 0x80 => BYTE_CLASS[b as usize] & byte::ALNUM != 0,
        Some(_) => text[pos..].chars().next().is_some_and(is_word_char),
    }
}

/// A possessive "s" starts at `pos`: an `s` or `S` that no word character
/// follows.
fn possessive_s_at(text: &str, pos: usize) -> bool {
    matches!(text.as_bytes().get(pos), Some(b's' | b'S')) && !word_char_at(text, pos + 1)
}

impl Classifier<'_> {
    /// The base class and cue entry ([`Token::NONE`] for none) of a word:
    /// what its [`WordInfo`] settles, else its shape (see [`shape_class`]).
    #[inline(always)]
    fn base_class_of(
        info: &WordInfo,
        capital: bool,
        numeric: bool,
        agent: impl FnOnce() -> bool,
    ) -> (u8, u32) {
        match info.class[capital as usize] {
            (0, _) => (shape_class(capital, numeric, agent), Token::NONE),
            by_lists => by_lists,
        }
    }

    /// The class a word gets from the lexicon, ignoring rule literals.
    pub fn base_class(&self, k: &str, capital: bool, first: char) -> (u8, Option<u32>) {
        let info = WordInfo::of(self.lexicon, self.classes, k);
        let (cls, cue) = Self::base_class_of(&info, capital, first.is_numeric(), || {
            agent_suffix(k.as_bytes())
        });
        (cls, (cue != Token::NONE).then_some(cue))
    }
}

/// Endings of lowercase agent nouns, which can head a source like the
/// nouns of the source list ("hacking specialists say", "participants
/// said").
const AGENT_SUFFIXES: [&str; 5] = ["ists", "ians", "ers", "ist", "ian"];

/// The key `k` (or an ASCII word, whose key is its lowercase) ends with an
/// agent-noun suffix (one of [`AGENT_SUFFIXES`]) after at least three other
/// bytes.
///
/// Its last four bytes are read as one integer, lowercased by setting bit
/// 0x20 of each (which maps a byte to a lowercase letter only from that
/// letter or its capital), and compared with each suffix at once.
fn agent_suffix(k: &[u8]) -> bool {
    let n = k.len();
    if n < 6 {
        return false;
    }
    let last4 = u32::from_le_bytes([k[n - 4], k[n - 3], k[n - 2], k[n - 1]]) | 0x2020_2020;
    let last3 = last4 >> 8;
    (n >= 7 && (last4 == AGENT_4[0] || last4 == AGENT_4[1])) || AGENT_3.contains(&last3)
}

/// The four-byte [`AGENT_SUFFIXES`] as integers (little-endian).
const AGENT_4: [u32; 2] = {
    let (a, b) = (AGENT_SUFFIXES[0].as_bytes(), AGENT_SUFFIXES[1].as_bytes());
    [
        u32::from_le_bytes([a[0], a[1], a[2], a[3]]),
        u32::from_le_bytes([b[0], b[1], b[2], b[3]]),
    ]
};

/// The three-byte [`AGENT_SUFFIXES`] as integers (little-endian, the top
/// byte 0).
const AGENT_3: [u32; 3] = {
    let s = [
        AGENT_SUFFIXES[2].as_bytes(),
        AGENT_SUFFIXES[3].as_bytes(),
        AGENT_SUFFIXES[4].as_bytes(),
    ];
    [
        u32::from_le_bytes([s[0][0], s[0][1], s[0][2], 0]),
        u32::from_le_bytes([s[1][0], s[1][1], s[1][2], 0]),
        u32::from_le_bytes([s[2][0], s[2][1], s[2][2], 0]),
    ]
};

fn cue_class(form: Form, addressee: bool) -> u8 {
    match (form, addressee) {
        (Form::Finite, false) => class::CUE,
        (Form::Finite, true) => class::CUE_TELL,
        (Form::Participle, false) => class::CUE_ING,
        (Form::Participle, true) => class::CUE_TELLING,
        (Form::According, _) => class::ACCORDING,
    }
}

/// Matches the words of `rest` (lowercase keys) at the start of `s`, skipping
/// white space between them; returns the bytes consumed.
fn match_words(s: &str, rest: &[String]) -> Option<usize> {
    let mut pos = 0;
    for w in rest {
        let tail = &s[pos..];
        let trimmed = tail.trim_start_matches([' ', '\u{a0}', '\t']);
        if trimmed.len() == tail.len() {
            return None; // no space between the words
        }
        pos += tail.len() - trimmed.len();
        let end = trimmed
            .find(|c: char| !is_word_char(c) && c != '\'' && c != '’')
            .unwrap_or(trimmed.len());
        let word = &trimmed[..end];
        // An ASCII word's key is its lowercase.
        let same = if word.is_ascii() {
            word.eq_ignore_ascii_case(w)
        } else {
            key(word) == *w
        };
        if !same {
            return None;
        }
        pos += end;
    }
    Some(pos)
}

/// The extent of a word (see [`scan_word`]).
/// A party and state label such as "R-Ga" or "D-Conn" (before its full
/// stop): R, D or I, a hyphen, and a capitalised abbreviation of two to five
/// letters. Its full stop abbreviates; it ends no sentence.
fn party_label(w: &str) -> bool {
    let b = w.as_bytes();
    b.len() >= 4
        && b.len() <= 7
        && matches!(b[0], b'R' | b'D' | b'I')
        && b[1] == b'-'
        && b[2].is_ascii_uppercase()
        && b[3..].iter().all(|c| c.is_ascii_lowercase())
}

struct Word {
    /// One past its last byte.
    end: usize,
    /// A full stop joins two of its parts ("U.S").
    dots: bool,
    /// It is ASCII: its key is its lowercase.
    ascii: bool,
    /// The byte offset of its last hyphen, if a hyphen joins two parts.
    hyphen: Option<usize>,
}

/// The word that starts at `start` with the word character `c` of `clen`
/// bytes: letters and digits, joined by internal ' ’ - . & when a letter
/// or digit follows (and `,` between digits of a number).
#[inline]
fn scan_word(text: &str, start: usize, c: char, clen: usize) -> Word {
    let bytes = text.as_bytes();
    let mut end = start + clen;
    let mut dots = false;
    let mut ascii = clen == 1;
    let mut hyphen = None;
    loop {
        end = alnum_run(bytes, end);
        let Some(&n) = bytes.get(end) else {
            break;
        };
        if n >= 0x80 {
            let Some(n) = text[end..].chars().next() else {
                break;
            };
            let nlen = n.len_utf8();
            if is_word_char(n) {
                ascii = false;
                end += nlen;
                continue;
            }
            if matches!(n, '’' | '‘') && word_char_at(text, end + nlen) {
                // Possessive 's stays a token of its own.
                if n == '’' && possessive_s_at(text, end + nlen) {
                    break;
                }
                ascii = false;
                end += nlen;
                continue;
            }
            break;
        }
        if matches!(n, b'\'' | b'-' | b'.' | b'&' | b',') && word_char_at(text, end + 1) {
            if n == b','
                && !(c.is_ascii_digit() && bytes.get(end + 1).is_some_and(u8::is_ascii_digit))
            {
                break;
            }
            // Possessive 's stays a token of its own.
            if n == b'\'' && possessive_s_at(text, end + 1) {
                break;
            }
            if n == b'.' {
                dots = true;
            }
            if n == b'-' {
                hyphen = Some(end);
            }
            end += 1;
            continue;
        }
        break;
    }
    Word {
        end,
        dots,
        ascii,
        hyphen,
    }
}

/// The end of the run of ASCII letters and digits from `from`: eight bytes
/// at a time.
#[inline]
fn alnum_run(bytes: &[u8], from: usize) -> usize {
    let mut n = from;
    while let Some(chunk) = bytes.get(n..n + 8) {
        let mut a = [0u8; 8];
        a.copy_from_slice(chunk);
        let stop = not_alnum(u64::from_le_bytes(a));
        if stop != 0 {
            return n + (stop.trailing_zeros() / 8) as usize;
        }
        n += 8;
    }
    while bytes
        .get(n)
        .is_some_and(|&b| BYTE_CLASS[b as usize] & byte::ALNUM != 0)
    {
        n += 1;
    }
    n
}

/// The top bit of the first byte of `x` (the lowest) that is no ASCII
/// letter or digit, and maybe of bytes after it: the lowest bit set is
/// exact, and none is set when every byte is a letter or digit.
#[inline]
fn not_alnum(x: u64) -> u64 {
    const ONES: u64 = u64::MAX / 255;
    const HIGH: u64 = ONES * 0x80;
    // The top bit of a byte of `x + ONES * (0x80 - lo)` is set when it is
    // `lo` or more, of `x + ONES * (0x7f - hi)` when it is above `hi`, if
    // no byte below it carries into it. No letter or digit carries, and
    // no byte below 0x80 overflows, so up to the first byte that is no
    // letter or digit, each verdict is exact (a byte from 0x80 up is none,
    // whatever its sums: `!x`); past it, a carry may set more bits.
    let digit = x.wrapping_add(ONES * (0x80 - 0x30)) & !x.wrapping_add(ONES * (0x7f - 0x39));
    let l = x | (ONES * 0x20);
    let letter = l.wrapping_add(ONES * (0x80 - 0x61)) & !l.wrapping_add(ONES * (0x7f - 0x7a));
    !((digit | letter) & !x) & HIGH
}

/// The tokens of a text as the scan collects them, with lists of the tokens
/// that the passes after the scan visit, so that none of them walks every
/// token.
struct Scan {
    tokens: Vec<Token>,
    /// The class byte of each token (see [`Doc::classes`]), and zeros past
    /// the last: made at its full length, so that a push writes a byte at
    /// the token's place, with no length of its own to keep (see
    /// [`Scan::append`]); cut to the tokens when the scan ends.
    classes: Vec<u8>,
    /// For each paragraph break, the token after it, in order (a paragraph
    /// with no token leaves the same token twice).
    breaks: Vec<usize>,
    /// The tokens of a cue class, in order: `mark_nouns`, `mark_adverbs`
    /// and `mark_voice` look at no other.
    cues: Vec<usize>,
    /// The lowercase tokens with the particle flag, in order: where
    /// `mark_particles` looks.
    particles: Vec<usize>,
    /// The tokens that [`may_end`] a sentence, in order: where
    /// `split_sentences` looks.
    ends: Vec<usize>,
}

impl Scan {
    /// Room for the tokens of a text of `len` bytes.
    #[cfg(test)]
    fn with_capacity(len: usize) -> Scan {
        Scan::from_buffers(len, &mut DocBuffers::default())
    }

    /// Room for the tokens of a text of `len` bytes, in the lists of
    /// `bufs` (emptied; what room they have is kept).
    fn from_buffers(len: usize, bufs: &mut DocBuffers) -> Scan {
        // Takes `v` emptied, with room for `n` items at least.
        fn room<T>(v: &mut Vec<T>, n: usize) -> Vec<T> {
            let mut v = std::mem::take(v);
            v.clear();
            v.reserve(n);
            v
        }
        // News text has a token every six bytes or so (a quotation is one
        // token), a cue or a sentence end every hundred or so, a paragraph
        // every few hundred.
        let mut classes = std::mem::take(&mut bufs.classes);
        classes.clear();
        classes.resize(len / 5 + 4, 0);
        Scan {
            tokens: room(&mut bufs.tokens, len / 5 + 4),
            classes,
            breaks: room(&mut bufs.breaks, len / 256 + 4),
            cues: room(&mut bufs.cues, len / 128 + 4),
            particles: room(&mut bufs.particles, 0),
            ends: room(&mut bufs.ends, len / 64 + 4),
        }
    }

    /// Appends the token `t` of the text `bytes` with the hay byte `cls`,
    /// and notes it in the lists it belongs to.
    #[inline(always)]
    fn push(&mut self, bytes: &[u8], t: Token, cls: u8) {
        let at = self.tokens.len();
        if is_cue_class(t.base) {
            self.cues.push(at);
        }
        if t.flags & flag::PARTICLE != 0 && !t.capital {
            self.particles.push(at);
        }
        if may_end(bytes, &t) {
            self.ends.push(at);
        }
        self.append(t, cls);
    }

    /// Appends the token `t` with the hay byte `cls` (and nothing else).
    #[inline(always)]
    fn append(&mut self, t: Token, cls: u8) {
        let at = self.tokens.len();
        self.tokens.push(t);
        match self.classes.get_mut(at) {
            Some(c) => *c = cls,
            None => self.grow_classes(cls),
        }
    }

    /// Appends the hay byte `cls` of the last token when `classes` has no
    /// room for it, with room for as many bytes again.
    #[cold]
    #[inline(never)]
    fn grow_classes(&mut self, cls: u8) {
        let at = self.tokens.len() - 1;
        self.classes.resize(2 * at + 4, 0);
        self.classes[at] = cls;
    }

    /// The class bytes of the tokens (see [`Scan::classes`]).
    fn take_classes(&mut self) -> Vec<u8> {
        let mut classes = std::mem::take(&mut self.classes);
        classes.truncate(self.tokens.len());
        classes
    }

    /// Appends the token `t` with the hay byte `cls`, which joins none of
    /// the lists (or has been noted in them: see [`Scan::note`]).
    #[inline(always)]
    fn push_plain(&mut self, t: Token, cls: u8) {
        self.append(t, cls);
    }

    /// [`Scan::push`] for a word token `t` whose [`WordInfo::notes`] are
    /// `notes`: with the lists it joins known, one test settles them for
    /// nearly every word. `dotted`: its text has three bytes or more and
    /// ends with a full stop.
    #[inline(always)]
    fn push_word(&mut self, t: Token, cls: u8, notes: u8, dotted: bool) {
        if notes != 0 || dotted {
            self.note(notes, dotted);
        }
        self.append(t, cls);
    }

    /// Notes the next token in the lists its `notes` and `dotted` name
    /// (see [`Scan::push_word`]).
    #[cold]
    fn note(&mut self, notes: u8, dotted: bool) {
        let at = self.tokens.len();
        if notes & note::CUE != 0 {
            self.cues.push(at);
        }
        if notes & note::PARTICLE != 0 {
            self.particles.push(at);
        }
        if dotted || notes & note::END != 0 {
            self.ends.push(at);
        }
    }

    /// A paragraph break before the next token.
    fn paragraph(&mut self) {
        self.breaks.push(self.tokens.len());
    }
}

/// Whether `split_sentences` may end a sentence with the token `t` of the
/// text `bytes`: a stop, a quotation, or a token of three bytes or more that
/// ends with a full stop ("U.S.", "Ga."). The passes after the scan never
/// give a token the class of a stop or a quotation, and never change its
/// text, so this is known when the token is pushed.
#[inline(always)]
fn may_end(bytes: &[u8], t: &Token) -> bool {
    matches!(t.base, class::STOP | class::QUOTE)
        || (t.end - t.start > 2 && bytes[t.end() - 1] == b'.')
}

/// The ASCII word that starts at `i` (an ASCII letter or digit) when it is
/// plain, as nearly every word of news text is: up to fifteen ASCII letters
/// and digits that no joining mark continues (see [`scan_word`]; a
/// possessive 's after it, which is a token of its own, is no joining
/// mark). Returns its length; the text's sixteen bytes from `i` as one
/// integer, lowercased like a [`ShortKey`] (see [`ascii_key`]): masked with
/// [`KEY_MASKS`] it is the key of the word, or of the word and the byte
/// after it; and that byte.
///
/// One load serves both the extent of the word and its key, and the byte
/// after the word is shifted out of it.
///
/// (The tokeniser's fast path makes these tests in two steps, see
/// [`alnum_word`]; the tests check this one against [`scan_word`].)
#[cfg(test)]
fn plain_word(text: &str, i: usize) -> Option<(usize, ShortKey, u8)> {
    let (len, key, after) = alnum_word(text.as_bytes(), i)?;
    if BYTE_CLASS[after as usize] & byte::JOIN != 0 && !join_ends(text, i + len, after) {
        return None;
    }
    Some((len, key, after))
}

/// [`plain_word`] but for the look at the byte after the run: the run of
/// up to fifteen ASCII letters and digits from `i`, whatever follows it.
/// The tokeniser's fast path takes a word that a space follows (most
/// words) with no more tests, and looks closer at the byte after the rest.
#[inline(always)]
fn alnum_word(bytes: &[u8], i: usize) -> Option<(usize, ShortKey, u8)> {
    let a: [u8; SHORT] = bytes.get(i..i + SHORT)?.try_into().ok()?;
    let x = u128::from_le_bytes(a);
    // The top bit of the first byte that is no letter or digit: its bit
    // offset is that of the byte, plus seven.
    let lo = not_alnum(x as u64);
    let (len, after) = if lo != 0 {
        let top = lo.trailing_zeros();
        ((top / 8) as usize, ((x as u64) >> (top - 7)) as u8)
    } else {
        let hi = not_alnum((x >> 64) as u64);
        if hi == 0 {
            return None; // sixteen bytes or more
        }
        let top = hi.trailing_zeros();
        (
            8 + (top / 8) as usize,
            ((x >> 64) as u64 >> (top - 7)) as u8,
        )
    };
    Some((len, x | (ONES * 0x20), after))
}

/// Whether a run of ASCII letters and digits that the byte `b` (of the
/// [`byte::JOIN`] class) at `at` follows ends there as [`scan_word`] would
/// end it; false when that takes more than a look at the next bytes.
#[inline(always)]
fn join_ends(text: &str, at: usize, b: u8) -> bool {
    let bytes = text.as_bytes();
    if b >= 0x80 {
        // A word character continues the word; a typographic apostrophe
        // may; a dash or a quotation mark ends it.
        let Some(c) = text.get(at..).and_then(|s| s.chars().next()) else {
            return false;
        };
        if is_word_char(c) {
            return false;
        }
        if !matches!(c, '’' | '‘') {
            return true;
        }
        // Before a word character an apostrophe joins, but for a
        // possessive 's.
        return match bytes.get(at + c.len_utf8()) {
            None => true,
            Some(&n) if n < 0x80 => {
                BYTE_CLASS[n as usize] & byte::ALNUM == 0
                    || (c == '’' && plain_possessive(bytes, at + c.len_utf8()))
            }
            Some(_) => false,
        };
    }
    // A mark between word characters may join them ("U.S", "O'Brien",
    // "1,000"), but for a possessive 's ("Lee's").
    match bytes.get(at + 1) {
        None => true,
        Some(&n) if n < 0x80 => {
            BYTE_CLASS[n as usize] & byte::ALNUM == 0
                || (b == b'\'' && plain_possessive(bytes, at + 1))
        }
        Some(_) => false,
    }
}

/// A possessive "s" starts at `pos` (see [`possessive_s_at`]) that the
/// end of the text or an ASCII byte other than a letter or digit follows;
/// false for an "s" that a non-ASCII character follows (which takes a
/// closer look).
#[inline(always)]
fn plain_possessive(bytes: &[u8], pos: usize) -> bool {
    matches!(bytes.get(pos), Some(b's' | b'S'))
        && bytes.get(pos + 1).map_or(true, |&n| {
            n < 0x80 && BYTE_CLASS[n as usize] & byte::ALNUM == 0
        })
}

/// One tokenising scan over a text.
struct Tokenizer<'a, 't> {
    text: &'t str,
    vocab: &'a Vocab,
    out: Scan,
    /// Scratch space for the keys of long and non-ASCII words.
    kbuf: String,
}

impl<'a> Tokenizer<'a, '_> {
    /// Tokenises the whole text; `quotes` are its quotation pieces, each
    /// of which becomes one token.
    fn run(&mut self, quotes: &[QuotePiece]) {
        let text = self.text;
        let bytes = text.as_bytes();
        let mut qi = 0usize;
        // Where the next quotation opens.
        let mut next_open = quotes.first().map_or(usize::MAX, |q| q.open);
        let mut i = 0usize;
        let mut pending_break = false;
        while i < bytes.len() {
            if next_open <= i {
                let q = quotes[qi];
                if pending_break {
                    self.out.paragraph();
                    pending_break = false;
                }
                let t = Token::new(
                    q.open,
                    q.close.max(q.open + 1),
                    None,
                    Some(qi as u32),
                    false,
                    class::QUOTE,
                );
                let t = t.with_flags(self.vocab.flags_of_text(
                    text,
                    t.start()..t.end(),
                    &mut self.kbuf,
                ));
                self.out.push(bytes, t, class::QUOTE);
                i = t.end().max(i + 1);
                qi += 1;
                next_open = quotes.get(qi).map_or(usize::MAX, |q| q.open);
                // A piece not closed in its paragraph ends at a line break.
                continue;
            }
            let b = bytes[i];
            let bc = BYTE_CLASS[b as usize];
            // Words first: they are most of the text.
            if bc & byte::ALNUM != 0 {
                if pending_break {
                    self.out.paragraph();
                    pending_break = false;
                }
                i = self.ascii_word(i, bc, next_open);
                continue;
            }
            if bc & byte::SPACE != 0 {
                i += 1;
                continue;
            }
            if bc & byte::NL != 0 {
                pending_break = true;
                i += 1;
                continue;
            }
            let (c, clen) = if b < 0x80 {
                (b as char, 1)
            } else {
                let Some(c) = text[i..].chars().next() else {
                    break;
                };
                if c.is_whitespace() {
                    i += c.len_utf8();
                    continue;
                }
                (c, c.len_utf8())
            };
            if pending_break {
                self.out.paragraph();
                pending_break = false;
            }
            if b == b'"' {
                // A straight double mark outside the quotations pairs with
                // nothing: no token (as `punctuation` would find, after its
                // tests for the commoner marks).
                i += 1;
                continue;
            }
            i = if b >= 0x80 && is_word_char(c) {
                self.word(i, c, clen, next_open)
            } else {
                self.punctuation(i, c, clen)
            };
        }
    }

    /// Tokenises the word that starts at `i` with an ASCII letter or digit
    /// of the [`byte`] class `bc`, and the words that follow it after a
    /// space or nothing; returns where the scan goes on.
    ///
    /// Not inlined: the scan's loop stays small, and this, the path of
    /// nearly every token, gets the registers to itself; it goes on from
    /// word to word as the scan would, so that a run of words costs one
    /// call. A plain word (a run of [`alnum_word`] that no joining mark
    /// continues) that opens no multi-word cue and is no percentage is
    /// classified here, the rest by [`Tokenizer::word`] and
    /// [`Tokenizer::finish_word`].
    #[inline(never)]
    fn ascii_word(&mut self, mut i: usize, mut bc: u8, next_open: usize) -> usize {
        let text = self.text;
        let bytes = text.as_bytes();
        let vocab = self.vocab;
        loop {
            let Some((len, key, after)) = alnum_word(bytes, i) else {
                return self.word(i, bytes[i] as char, 1, next_open);
            };
            let mut info = vocab.plain(key, len);
            let capital = bc & byte::UPPER != 0;
            let mut end = i + len;
            let mut dotted = false;
            // The byte at `end`.
            let mut at_end = after;
            // A space after the word, as after most, settles its extent: no
            // mark joins it to more, it keeps no full stop, and it is no
            // percentage.
            if after != b' ' {
                // Not plain after all (see `plain_word`).
                if BYTE_CLASS[after as usize] & byte::JOIN != 0 && !join_ends(text, end, after) {
                    return self.word(i, bytes[i] as char, 1, next_open);
                }
                // Abbreviation or initial: keep its full stop (as
                // `Tokenizer::word` does; a plain word has no inner stop
                // or hyphen, so it is no party label). The key with it is
                // that of the word and the byte after it.
                if after == b'.' && ((len == 1 && capital) || info.abbrev) {
                    // (The key read anew: the fast path keeps no more than
                    // it needs across the look-up.)
                    info = vocab.short_ascii(bytes, i, len + 1);
                    end += 1;
                    // (Three bytes or more, with the stop: see `may_end`.)
                    dotted = len >= 2;
                    // (At the end of the text: no byte, which `mark_after`
                    // takes.)
                    at_end = bytes.get(end).copied().unwrap_or(0);
                } else if after == b'%' && bc & byte::DIGIT != 0 {
                    return self.finish_word(i, end, info, bytes[i] as char, true, None, next_open);
                }
            }
            let notes = info.notes[capital as usize];
            if notes != 0 || dotted {
                if notes & note::MULTI != 0 && self.may_open_multi(info, end) {
                    return self.finish_word(i, end, info, bytes[i] as char, true, None, next_open);
                }
                self.out.note(notes, dotted);
            }
            // As `finish_word` classifies.
            let (mut base, cue) = info.class[capital as usize];
            let mut cls = info.cls[capital as usize];
            if base == 0 {
                base = shape_class(capital, bc & byte::DIGIT != 0, || {
                    agent_suffix(&bytes[i..end])
                });
                if cls == 0 {
                    cls = base;
                }
            }
            self.out
                .push_plain(Token::word(i, end, cue, capital, base, info.flags), cls);
            // The space after a word at once (as `finish_word` does), and
            // an ASCII punctuation mark after it with the space after that
            // (as `punctuation` and the scan would take them).
            let mut next = end;
            if next_open > end {
                if at_end == b' ' {
                    next += 1;
                } else if BYTE_CLASS[at_end as usize] & (byte::SPACE | byte::NL | byte::JOIN) == 0
                    || matches!(at_end, b',' | b'.' | b'\'' | b'-')
                {
                    next = self.mark_after(end, next_open);
                }
            }
            // The scan goes on with the word that starts here, if one does
            // and no quotation opens here: as the scan would, with no
            // paragraph break pending.
            match bytes.get(next) {
                Some(&b) if next_open > next && BYTE_CLASS[b as usize] & byte::ALNUM != 0 => {
                    i = next;
                    bc = BYTE_CLASS[b as usize];
                }
                _ => return next,
            }
        }
    }

    /// Tokenises the ASCII punctuation mark at `at` (before which no
    /// quotation opens), no letter, digit or white space, as
    /// [`Tokenizer::punctuation`] would, and skips a space after it, as the
    /// scan would; returns where the scan goes on.
    #[inline(always)]
    fn mark_after(&mut self, at: usize, next_open: usize) -> usize {
        let bytes = self.text.as_bytes();
        let after = bytes.get(at + 1).copied();
        // The commonest first, as `punctuation` takes them.
        let next = match bytes.get(at).copied() {
            None => return at,
            Some(b',') => {
                let t = Token::new(at, at + 1, None, None, false, class::COMMA);
                self.out.push_word(t, class::COMMA, 0, false);
                at + 1
            }
            Some(b'.') if !matches!(after, Some(b'.' | b'!' | b'?' | 0xe2)) => {
                let t = Token::new(at, at + 1, None, None, false, class::STOP);
                self.out.push_word(t, class::STOP, note::END, false);
                at + 1
            }
            Some(b) => self.punctuation(at, b as char, 1),
        };
        if next_open > next && bytes.get(next) == Some(&b' ') {
            next + 1
        } else {
            next
        }
    }

    /// Tokenises the word that starts at `i` with the word character `c` of
    /// `clen` bytes, whatever its length and characters; returns where the
    /// scan goes on.
    #[inline(never)]
    fn word(&mut self, i: usize, c: char, clen: usize, next_open: usize) -> usize {
        let text = self.text;
        let vocab = self.vocab;
        // A word: letters and digits, joined by internal ' ’ - . & when a
        // letter or digit follows.
        let Word {
            mut end,
            dots,
            ascii,
            hyphen,
        } = scan_word(text, i, c, clen);
        let mut info = vocab.word(text, i..end, ascii, &mut self.kbuf);
        // Abbreviation or initial: keep its full stop.
        if text.as_bytes().get(end) == Some(&b'.') {
            let initial = end - i == clen && c.is_uppercase();
            if dots || initial || party_label(&text[i..end]) || info.abbrev {
                end += 1;
                info = vocab.word(text, i..end, ascii, &mut self.kbuf);
            }
        }
        self.finish_word(i, end, info, c, ascii, hyphen, next_open)
    }

    /// Classifies and pushes the word `text[i..end]` that opens with the
    /// character `c`: `info` is what the word lists say of it, `ascii`
    /// whether it is ASCII, `hyphen` its last inner hyphen. Returns where
    /// the scan goes on.
    #[allow(clippy::too_many_arguments)]
    #[inline(always)]
    fn finish_word(
        &mut self,
        i: usize,
        mut end: usize,
        info: &WordInfo,
        c: char,
        ascii: bool,
        hyphen: Option<usize>,
        next_open: usize,
    ) -> usize {
        let text = self.text;
        let bytes = text.as_bytes();
        let (capital, numeric) = if c.is_ascii() {
            let bc = BYTE_CLASS[c as usize];
            (bc & byte::UPPER != 0, bc & byte::DIGIT != 0)
        } else {
            (c.is_uppercase(), c.is_numeric())
        };
        // Multi-word cue?
        if let Some(list) = info.multi {
            if let Some(e) = self.multi_word(i, end, capital, list) {
                return e;
            }
        }
        let mut flags = info.flags;
        // "Vice-Chair": the speaker's kinds of a hyphenated word depend on
        // its last part too, which the speaker looks up itself.
        if hyphen.is_some() {
            flags &= flag::TOKEN_BITS;
        }
        // "47%": a percentage is one number.
        if c.is_ascii_digit() && bytes.get(end) == Some(&b'%') {
            end += 1;
            flags = self.vocab.flags_of_text(text, i..end, &mut self.kbuf);
        }
        let (mut base, cue) = Classifier::base_class_of(info, capital, numeric, || {
            // (A percentage is a number, never asked.)
            let w = &text[i..end];
            if ascii {
                agent_suffix(w.as_bytes())
            } else {
                agent_suffix(key(w).as_bytes())
            }
        });
        // "co-anchor", "Vice-Chair": a hyphenated word whose last part is
        // a title or a source noun heads a source as that noun would.
        if matches!(base, class::WORD | class::NAME) {
            if let Some(h) = hyphen.filter(|&h| h + 1 < end) {
                // Every title and source noun is in the vocabulary.
                let part = h + 1..end;
                let ascii = text[part.clone()].is_ascii();
                if self.vocab.word(text, part, ascii, &mut self.kbuf).head {
                    base = class::SOURCE;
                }
            }
        }
        let cls = match info.hay[capital as usize] {
            0 => base,
            lit => lit,
        };
        self.out
            .push(bytes, Token::word(i, end, cue, capital, base, flags), cls);
        // The space after a word at once (when no quotation opened inside
        // the word: its token ends the same way).
        if next_open > end && bytes.get(end) == Some(&b' ') {
            end += 1;
        }
        end
    }

    /// Whether a multi-word cue that opens with the word whose info is
    /// `info` and that ends at `end` may go on from there: false when the
    /// next word opens with an ASCII byte that opens the second word of no
    /// cue of its list (see [`Vocab::multi_leads`]), as
    /// [`Tokenizer::multi_word`] would find.
    #[cold]
    fn may_open_multi(&self, info: &WordInfo, end: usize) -> bool {
        let Some(list) = info.multi else {
            return false;
        };
        let bytes = self.text.as_bytes();
        // The first byte after one space or none, as `multi_word` trims
        // spaces, no-break spaces and tabs (any other: no telling).
        let lead = match bytes.get(end) {
            Some(b' ') => bytes.get(end + 1),
            b => b,
        };
        match lead {
            Some(&b) if b.is_ascii() && !matches!(b, b' ' | b'\t') => {
                self.vocab.multi_leads[list as usize] & (1 | 1 << b.to_ascii_lowercase()) != 0
            }
            _ => true,
        }
    }

    /// Pushes the multi-word cue that opens with the word `text[i..end]`,
    /// if one of the list `list` of [`Vocab::multi`] does; returns where the
    /// scan goes on.
    #[inline(never)]
    fn multi_word(&mut self, i: usize, end: usize, capital: bool, list: u32) -> Option<usize> {
        let text = self.text;
        let vocab = self.vocab;
        // The first byte of the next word, lowercased, when it is ASCII:
        // then the key of the word opens with it, and a cue whose next word
        // opens otherwise is passed over at once (most are).
        let tail = &text[end..];
        let lead = tail
            .trim_start_matches([' ', '\u{a0}', '\t'])
            .bytes()
            .next()
            .filter(u8::is_ascii)
            .map(|b| b.to_ascii_lowercase());
        for (rest, idx, cls) in &vocab.multi[list as usize] {
            let first = rest.first().and_then(|w| w.bytes().next());
            if lead.is_some() && first.is_some() && lead != first {
                continue;
            }
            if let Some(n) = match_words(tail, rest) {
                let e = end + n;
                let t = Token::new(i, e, Some(*idx), None, capital, *cls)
                    .with_flags(vocab.flags_of_text(text, i..e, &mut self.kbuf));
                self.out.push(text.as_bytes(), t, *cls);
                return Some(e);
            }
        }
        None
    }

    /// Pushes the punctuation mark `c` of `clen` bytes at `i` (with the
    /// marks that make one token with it), unless it is a stray quotation
    /// mark or a bare apostrophe; returns where the scan goes on.
    #[inline(never)]
    fn punctuation(&mut self, i: usize, c: char, clen: usize) -> usize {
        let text = self.text;
        let bytes = text.as_bytes();
        // The commonest marks first: a comma, and a full stop that no other
        // stop follows, are tokens of one byte that no list but that of
        // the stops (for the full stop) holds.
        let single_stop = c == '.' && !matches!(bytes.get(i + 1), Some(b'.' | b'!' | b'?' | 0xe2));
        if c == ',' || single_stop {
            let cls = if c == ',' { class::COMMA } else { class::STOP };
            let t = Token::new(i, i + 1, None, None, false, cls);
            self.out
                .push_word(t, cls, if single_stop { note::END } else { 0 }, false);
            return i + 1;
        }
        let mut end = i + clen;
        let mut flags = 0;
        let cls = match c {
            '\'' | '’' => {
                // Possessive 's, or a bare apostrophe.
                if possessive_s_at(text, end) {
                    end += 1;
                    flags = self.vocab.poss_flags;
                    class::POSS
                } else {
                    return end;
                }
            }
            ',' => class::COMMA,
            ':' => class::COLON,
            ';' => class::SEMI,
            '(' | '[' => class::LPAREN,
            ')' | ']' => class::RPAREN,
            '—' | '–' | '―' => class::DASH,
            '-' => {
                while bytes.get(end) == Some(&b'-') {
                    end += 1;
                }
                class::DASH
            }
            '.' | '!' | '?' | '…' => {
                loop {
                    match bytes.get(end) {
                        Some(b'.' | b'!' | b'?') => end += 1,
                        Some(0xe2) if text[end..].starts_with('…') => end += '…'.len_utf8(),
                        _ => break,
                    }
                }
                class::STOP
            }
            '"' | '“' | '”' | '„' | '«' | '»' | '‘' | '‚' | '‹' | '›' => {
                // A stray mark that pairs with nothing.
                return end;
            }
            _ => class::OTHER,
        };
        self.out.push(
            bytes,
            Token::new(i, end, None, None, false, cls).with_flags(flags),
            cls,
        );
        end
    }
}

/// The class of a word the lexicon says nothing of (or nothing that
/// decides its class): a number, a name, an agent noun or a plain word by
/// its shape; `agent`: its key ends like an agent noun (asked only when it
/// matters).
#[inline(always)]
fn shape_class(capital: bool, numeric: bool, agent: impl FnOnce() -> bool) -> u8 {
    if numeric {
        class::NUM
    } else if capital {
        class::NAME
    } else if agent() {
        // Agent nouns outside the source list: "economists", "historian".
        class::SOURCE
    } else {
        class::WORD
    }
}

/// The lists of a [`Doc`] and of the scan that makes it, kept from one
/// document to the next (see [`tokenize_into`] and [`Doc::recycle`]), so
/// that a document allocates them only when it needs more room than any
/// before: the system allocator spends more on growing, freeing and
/// merging these big blocks than on the small ones.
#[derive(Debug, Default)]
pub(crate) struct DocBuffers {
    tokens: Vec<Token>,
    classes: Vec<u8>,
    sentences: Vec<Sentence>,
    hay: Vec<u8>,
    hay_tok: Vec<u32>,
    breaks: Vec<usize>,
    cues: Vec<usize>,
    particles: Vec<usize>,
    ends: Vec<usize>,
    quotes: Vec<QuotePiece>,
}

impl DocBuffers {
    /// The list of quotation pieces, for `marks::find_quotes_in` to fill.
    pub fn take_quotes(&mut self) -> Vec<QuotePiece> {
        std::mem::take(&mut self.quotes)
    }
}

/// Tokenises `text` and splits it into sentences and paragraphs, in lists
/// of its own.
pub(crate) fn tokenize<'t>(text: &'t str, quotes: Vec<QuotePiece>, cl: &Classifier<'_>) -> Doc<'t> {
    tokenize_into(text, quotes, cl, &mut DocBuffers::default())
}

/// Tokenises `text` and splits it into sentences and paragraphs, in the
/// lists of `bufs` (which [`Doc::recycle`] gives back; the scan's own
/// lists are back in `bufs` when this returns).
pub(crate) fn tokenize_into<'t>(
    text: &'t str,
    quotes: Vec<QuotePiece>,
    cl: &Classifier<'_>,
    bufs: &mut DocBuffers,
) -> Doc<'t> {
    let mut tk = Tokenizer {
        text,
        vocab: cl.vocab,
        out: Scan::from_buffers(text.len(), bufs),
        kbuf: String::new(),
    };
    tk.run(&quotes);
    let mut classes = tk.out.take_classes();
    let Scan {
        mut tokens,
        breaks,
        cues,
        particles,
        ends,
        ..
    } = tk.out;
    mark_nouns(text, cl.lexicon, &mut tokens, &mut classes, &cues);
    mark_adverbs(text, cl.lexicon, &mut tokens, &mut classes, &cues);
    mark_voice(text, &mut tokens, &mut classes, &cues);
    mark_particles(text, &mut tokens, &mut classes, &particles);
    let mut sentences = std::mem::take(&mut bufs.sentences);
    split_sentences(
        text,
        &tokens,
        &classes,
        &breaks,
        &ends,
        &quotes,
        &mut sentences,
    );
    (bufs.breaks, bufs.cues, bufs.particles, bufs.ends) = (breaks, cues, particles, ends);
    // The sentences cover the tokens in order, so the hay is the class
    // bytes with the separators between: made at its full length, with
    // each sentence's bytes copied to their place and their token numbers
    // written there, rather than pushed a byte at a time.
    let len = classes.len() + (2 * sentences.len()).max(1);
    let mut hay = std::mem::take(&mut bufs.hay);
    hay.clear();
    hay.resize(len, class::SEP);
    // The token numbers are pushed in order (no slot is written twice): a
    // separator's is the next sentence's first token, and the separator
    // after the last sentence has none.
    let mut hay_tok = std::mem::take(&mut bufs.hay_tok);
    hay_tok.clear();
    hay_tok.reserve(len);
    // Where the next sentence's bytes go: after its one or two separators.
    let mut at = 1;
    for s in &sentences {
        let (start, end_tok) = (s.tokens.start as u32, s.tokens.end as u32);
        if at > 1 {
            hay_tok.push(start);
        }
        hay_tok.push(start);
        hay_tok.extend(start..end_tok);
        let end = at + s.tokens.len();
        hay[at..end].copy_from_slice(&classes[s.tokens.clone()]);
        at = end + 2;
    }
    hay_tok.resize(len, tokens.len() as u32);
    Doc {
        hay,
        hay_tok,
        text,
        tokens,
        classes,
        sentences,
        quotes,
    }
}

/// "Anna van der Berg": lowercase particles between capitalised words are
/// part of the name.
///
/// `particles` are the lowercase tokens with the particle flag, in order:
/// a run of particles starts at one of them.
fn mark_particles(text: &str, tokens: &mut [Token], classes: &mut [u8], particles: &[usize]) {
    // The first token where a run may start: a run ends where the next
    // may start, and the first starts after a name.
    let mut next = 1;
    for &i in particles {
        if i < next || tokens[i - 1].base != class::NAME {
            continue;
        }
        let mut j = i;
        while j < tokens.len()
            && j - i < 3
            && !tokens[j].capital
            && tokens[j].flags & flag::PARTICLE != 0
            && same_paragraph(text, &tokens[j - 1], &tokens[j])
        {
            j += 1;
        }
        if j > i
            && j < tokens.len()
            && tokens[j].base == class::NAME
            && same_paragraph(text, &tokens[j - 1], &tokens[j])
        {
            for k in i..j {
                tokens[k].base = class::NAME;
                classes[k] = class::NAME;
            }
        }
        next = j.max(i + 1);
    }
}

/// No line break (a paragraph break for `marks` and `tokenize`) stands
/// between two consecutive tokens, so a look-ahead never lets the next
/// paragraph change this one.
fn same_paragraph(text: &str, a: &Token, b: &Token) -> bool {
    !text.as_bytes()[a.end().min(b.start())..b.start()].contains(&b'\n')
}

/// A cue form that is also a noun ("claims", "reports") is a verb only
/// after a subject or an auxiliary: "Lee claims", "she reports", "who
/// claims", "has reported"; otherwise ("his claims", "news reports") a word.
///
/// `cues` are the tokens that had a cue class when tokenised, in order: no
/// other token can be one.
fn mark_nouns(text: &str, lex: &Lexicon, tokens: &mut [Token], classes: &mut [u8], cues: &[usize]) {
    for &i in cues {
        if !matches!(tokens[i].base, class::CUE | class::CUE_TELL)
            || tokens[i].flags & flag::NOUN == 0
        {
            continue;
        }
        let verb = i > 0
            && matches!(
                tokens[i - 1].base,
                class::NAME
                    | class::PRONOUN
                    | class::SOURCE
                    | class::AUX
                    | class::WHO
                    | class::RPAREN
            )
            && same_paragraph(text, &tokens[i - 1], &tokens[i])
            // "a police report": after "a" and a noun it is a noun too.
            && !(i >= 2
                && matches!(
                    key(&text[tokens[i - 2].start()..tokens[i - 2].end()]).as_str(),
                    "a" | "an"
                ))
            // "News reports said": a cue right after it makes it a noun.
            && !tokens
                .get(i + 1)
                .is_some_and(|t| matches!(t.base, class::CUE | class::CUE_TELL | class::AUX));
        if !verb {
            // The class the word has as a noun: "reports" heads a source.
            let k = key(&text[tokens[i].start()..tokens[i].end()]);
            let noun = lex.words.get(&k).copied().unwrap_or(class::WORD);
            tokens[i].clear_cue();
            if classes[i] == tokens[i].base {
                classes[i] = noun;
            }
            tokens[i].base = noun;
        }
    }
}

const BE: [&str; 8] = ["is", "are", "was", "were", "been", "be", "'s", "'re"];

/// "quietly said", "are privately saying": up to two lowercase words in -ly
/// right before a cue are adverbs and join it as auxiliaries, unless the
/// lexicon lists them as nouns (`ly_nouns`: "the family said").
///
/// `cues` as for [`mark_nouns`].
fn mark_adverbs(
    text: &str,
    lex: &Lexicon,
    tokens: &mut [Token],
    classes: &mut [u8],
    cues: &[usize],
) {
    for &i in cues.iter().filter(|&&i| i >= 1) {
        if !matches!(
            tokens[i].base,
            class::CUE | class::CUE_TELL | class::CUE_ING | class::CUE_TELLING
        ) {
            continue;
        }
        for j in (i.saturating_sub(2)..i).rev() {
            let t = &tokens[j];
            let w = &text[t.start()..t.end()];
            let adverb = t.base == class::WORD
                && w.len() >= 5
                && w.ends_with("ly")
                && w.bytes().all(|b| b.is_ascii_lowercase())
                && !lex.ly_nouns.contains(w);
            if !adverb || !same_paragraph(text, t, &tokens[i]) {
                break;
            }
            if classes[j] == tokens[j].base {
                classes[j] = class::AUX;
            }
            tokens[j].base = class::AUX;
        }
    }
}

/// Whether `t` is an adverb that [`mark_adverbs`] made an auxiliary.
fn is_adverb(text: &str, t: &Token) -> bool {
    t.base == class::AUX && text[t.start()..t.end()].ends_with("ly")
}

/// A form of "be" before a cue: with a participle it is the progressive, part
/// of the cue ("is saying"); with a past participle it is the passive, and the
/// subject is not the speaker ("was told"), so the word is no cue.
///
/// `cues` as for [`mark_nouns`]: that pass only takes cue classes away.
fn mark_voice(text: &str, tokens: &mut [Token], classes: &mut [u8], cues: &[usize]) {
    for &i in cues.iter().filter(|&&i| i >= 1) {
        let is_cue = matches!(
            tokens[i].base,
            class::CUE | class::CUE_TELL | class::CUE_ING | class::CUE_TELLING
        );
        if !is_cue {
            continue;
        }
        // "are quietly saying": the adverbs stand between "be" and the cue.
        let mut b = i - 1;
        while b > 0 && is_adverb(text, &tokens[b]) {
            b -= 1;
        }
        let p = &tokens[b];
        if p.flags & flag::BE == 0 || !same_paragraph(text, p, &tokens[i]) {
            continue;
        }
        // "he's said" is "he has said": after a personal pronoun, "'s"
        // before a cue is an auxiliary.
        let ing = matches!(tokens[i].base, class::CUE_ING | class::CUE_TELLING);
        if p.flags & flag::POSS_S != 0
            && !ing
            && b >= 1
            && tokens[b - 1].base == class::PRONOUN
            && tokens[b - 1].flags & flag::IT == 0
        {
            if classes[b] == tokens[b].base {
                classes[b] = class::AUX;
            }
            tokens[b].base = class::AUX;
            continue;
        }
        let (base, cls) = match tokens[i].base {
            class::CUE_ING => (class::CUE, class::CUE),
            class::CUE_TELLING => (class::CUE_TELL, class::CUE_TELL),
            _ => (class::WORD, class::WORD),
        };
        if base == class::WORD {
            tokens[i].clear_cue();
        }
        if classes[i] == tokens[i].base {
            classes[i] = cls;
        }
        tokens[i].base = base;
        if base != class::WORD && classes[b] == tokens[b].base {
            classes[b] = class::AUX;
            tokens[b].base = class::AUX;
        }
    }
}

/// The token classes of cue words, which `mark_nouns` and `mark_voice`
/// look at.
fn is_cue_class(c: u8) -> bool {
    matches!(
        c,
        class::CUE | class::CUE_TELL | class::CUE_ING | class::CUE_TELLING
    )
}

/// The last character of `s` before the quotation marks and closing
/// parentheses that end it, if any. An ASCII byte is read as its own
/// character; only the others are decoded.
fn last_before_closers(s: &str) -> Option<char> {
    let mut end = s.len();
    while let Some(&b) = end.checked_sub(1).and_then(|k| s.as_bytes().get(k)) {
        let c = if b < 0x80 {
            b as char
        } else {
            s[..end].chars().next_back()?
        };
        if !matches!(
            c,
            '"' | '”' | '’' | '\'' | '“' | '‘' | '»' | '«' | '›' | '‹' | ')'
        ) {
            return Some(c);
        }
        end -= c.len_utf8();
    }
    None
}

/// A quotation whose [`last_before_closers`] is `last` ends a sentence:
/// with a full stop, a question mark, an exclamation mark or an ellipsis
/// before its closing marks.
fn ends_sentence_mark(last: Option<char>) -> bool {
    matches!(last, Some('.' | '!' | '?' | '…'))
}

/// "“Is it over?” Ann asked.": a cue within a short noun phrase after a
/// quotation that ends with a full stop or question mark still attributes it.
fn cue_follows(tokens: &[Token], from: usize) -> bool {
    // A short appositive may stand between: "“Why?” Ann Lee, a nurse from
    // Tollby, asked."
    for t in tokens.iter().skip(from).take(10) {
        match t.base {
            class::CUE | class::CUE_TELL => return true,
            class::NAME
            | class::SOURCE
            | class::DET
            | class::PRONOUN
            | class::WORD
            | class::POSS
            | class::AUX
            | class::COMMA
            | class::NUM
            | class::PREP => {}
            _ => return false,
        }
    }
    false
}

/// A quotation whose [`last_before_closers`] is `last` ends with a question
/// mark or an exclamation mark.
fn asks_or_exclaims(last: Option<char>) -> bool {
    matches!(last, Some('!' | '?'))
}

/// "“Why?” Ann Lee pressed.": a name and a lowercase word that ends the
/// clause (or takes a preposition) after a question or an exclamation still
/// attribute it, though the verb is not in the lexicon.
fn name_then_verb(tokens: &[Token], from: usize) -> bool {
    let names = tokens
        .iter()
        .skip(from)
        .take_while(|t| t.base == class::NAME && t.capital)
        .count();
    let verb = tokens.get(from + names);
    let after = tokens.get(from + names + 1);
    (1..=4).contains(&names)
        && verb.is_some_and(|t| t.base == class::WORD && !t.capital)
        && after.map_or(true, |t| {
            matches!(
                t.base,
                class::STOP | class::COMMA | class::PREP | class::CONJ
            )
        })
}

/// A sentence runs to at most this many tokens (a quotation is one token);
/// a longer run is cut. No news sentence comes near it, and it keeps the rule
/// search linear: a reported clause cut at each of many ", X said" in one
/// sentence is searched again from each cut, which costs the square of the
/// sentence's length.
const MAX_SENTENCE_TOKENS: usize = 256;

/// Splits the tokens into sentences: at paragraph breaks (`breaks`, see
/// [`Scan::breaks`]), after the tokens of `ends` that end one (the tokens
/// that [`may_end`] one, in order), and at [`MAX_SENTENCE_TOKENS`].
/// The sentences go to `out` (emptied first; its room is kept).
fn split_sentences(
    text: &str,
    tokens: &[Token],
    classes: &[u8],
    breaks: &[usize],
    ends: &[usize],
    quotes: &[QuotePiece],
    out: &mut Vec<Sentence>,
) {
    // News sentences run to some twenty tokens.
    out.clear();
    out.reserve(tokens.len() / 12 + 1);
    let mut start = 0usize;
    let mut para = 0usize;
    let mut bi = 0usize;
    let mut ei = 0usize;
    let n = tokens.len();
    let mut i = 0usize;
    loop {
        // Nothing happens at a token with no break before it that may not
        // end a sentence and is short of the limit: go to the next that
        // has or may, or is at the limit.
        while ends.get(ei).is_some_and(|&e| e < i) {
            ei += 1;
        }
        let next_break = breaks.get(bi).copied().unwrap_or(n);
        let next_end = ends.get(ei).copied().unwrap_or(n);
        i = next_break
            .min(next_end)
            .min(start + MAX_SENTENCE_TOKENS - 1);
        if i >= n {
            break;
        }
        // A paragraph break before token i ends the open sentence.
        if bi < breaks.len() && breaks[bi] == i {
            if start < i {
                out.push(Sentence {
                    tokens: start..i,
                    para,
                });
            }
            start = i;
            para += 1;
            // A paragraph of stray marks alone has no token, so two breaks
            // can fall before the same token: skip them all, or every later
            // break would be missed.
            while bi < breaks.len() && breaks[bi] <= i {
                bi += 1;
            }
        }
        let next_starts = |j: usize| -> bool {
            j >= n
                || (bi < breaks.len() && breaks[bi] == j)
                || tokens[j].capital
                || classes[j] == class::QUOTE
                || tokens[j].base == class::NUM
        };
        let end_here = match tokens[i].base {
            // "(D-Conn.), who ...": a stop closed by a parenthesis ends the
            // sentence only when a new one starts after it.
            // A stop before a comma ("Mitch Lee, R-Ky., said") ends nothing.
            class::STOP => {
                !(i + 1 < n && tokens[i + 1].base == class::RPAREN && !next_starts(i + 2)
                    || i + 1 < n && tokens[i + 1].base == class::COMMA)
            }
            class::QUOTE => {
                let q = &quotes[tokens[i].quote().unwrap_or(0) as usize];
                // (Read once for both tests below.)
                let last = if q.closed {
                    last_before_closers(&text[q.content.0..q.close])
                } else {
                    None
                };
                q.closed
                    && ends_sentence_mark(last)
                    && next_starts(i + 1)
                    && (tokens[start..i].iter().any(|t| t.cue().is_some())
                        || !cue_follows(tokens, i + 1))
                    && !(asks_or_exclaims(last) && name_then_verb(tokens, i + 1))
            }
            class::NAME | class::SOURCE | class::WORD => {
                // "in the U.S. He said": an abbreviation's stop before a
                // capitalised function word ends the sentence.
                // A party label ("R-Ga.") stands mid-sentence before a comma
                // or a parenthesis: before any capitalised word it ends one.
                let (s, e) = (tokens[i].start(), tokens[i].end());
                let party =
                    e - s > 2 && text.as_bytes()[e - 1] == b'.' && party_label(&text[s..e - 1]);
                e - s > 2
                    && text.as_bytes()[e - 1] == b'.'
                    && i + 1 < n
                    && (tokens[i + 1].capital
                        && (party
                            || matches!(
                                tokens[i + 1].base,
                                class::PRONOUN | class::DET | class::CONJ
                            ))
                        || tokens[i + 1].base == class::QUOTE
                            && text[tokens[i + 1].start()..tokens[i + 1].end()]
                                .chars()
                                .find(|c| c.is_alphanumeric())
                                .is_some_and(char::is_uppercase))
            }
            _ => false,
        };
        if end_here || i + 1 - start >= MAX_SENTENCE_TOKENS {
            out.push(Sentence {
                tokens: start..i + 1,
                para,
            });
            start = i + 1;
        }
        i += 1;
    }
    if start < n {
        out.push(Sentence {
            tokens: start..n,
            para,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_classes_agree_with_char() {
        for b in 0u8..128 {
            let c = b as char;
            let t = BYTE_CLASS[b as usize];
            assert_eq!(t & byte::ALNUM != 0, is_word_char(c), "{b:#x}");
            assert_eq!(t & byte::UPPER != 0, c.is_uppercase(), "{b:#x}");
            assert_eq!(t & byte::DIGIT != 0, c.is_numeric(), "{b:#x}");
            assert_eq!(
                t & (byte::SPACE | byte::NL) != 0,
                c.is_whitespace(),
                "{b:#x}"
            );
            assert_eq!(t & byte::NL != 0, c == '\n', "{b:#x}");
        }
        for b in 0u8..128 {
            let join = matches!(b, b'\'' | b'-' | b'.' | b'&' | b',');
            assert_eq!(BYTE_CLASS[b as usize] & byte::JOIN != 0, join, "{b:#x}");
        }
        assert!(BYTE_CLASS[128..].iter().all(|&t| t == byte::JOIN));
    }

    #[test]
    fn class_bytes_outgrow_their_room() {
        // Room for four tokens, and fifty pushed: each class byte stays at
        // its token's place.
        let mut scan = Scan::with_capacity(0);
        for k in 0..50u8 {
            let t = Token::new(k as usize, k as usize + 1, None, None, false, class::WORD);
            match k % 3 {
                0 => scan.push_plain(t, k),
                1 => scan.push_word(t, k, 0, false),
                _ => scan.push(&[b'x'; 64], t, k),
            }
        }
        assert_eq!(scan.take_classes(), (0..50).collect::<Vec<u8>>());
    }

    #[test]
    fn ascii_keys_are_packed_lowercase_keys() {
        let text = "Said O'Brien-Smith,McDonald's CEO AT&T TOLD reporters at 9.30 a.m.";
        for start in 0..text.len() {
            for len in 1..=SHORT.min(text.len() - start) {
                let w = &text[start..start + len];
                if w.contains(' ') {
                    continue; // no word
                }
                assert_eq!(
                    ascii_key(text.as_bytes(), start, len),
                    pack(key(w).as_bytes()),
                    "{w:?}"
                );
            }
        }
    }

    #[test]
    fn alnum_runs_agree_with_the_byte_classes() {
        for b in 0..=255u8 {
            for at in 0..8 {
                let mut chunk = *b"abcZ0129";
                chunk[at] = b;
                let stop = not_alnum(u64::from_le_bytes(chunk));
                if BYTE_CLASS[b as usize] & byte::ALNUM == 0 {
                    assert_eq!(stop.trailing_zeros() as usize, 8 * at + 7, "{b:#x} at {at}");
                } else {
                    assert_eq!(stop, 0, "{b:#x} at {at}");
                }
                // Whatever follows the first byte that is none.
                for c in [0u8, b' ', 0x80, 0xff] {
                    let mut chunk = chunk;
                    chunk[at] = c;
                    chunk[..at].fill(b);
                    let stop = not_alnum(u64::from_le_bytes(chunk));
                    let first = chunk.iter().position(|&y| !y.is_ascii_alphanumeric());
                    assert_eq!(
                        stop.trailing_zeros() as usize,
                        first.map_or(64, |f| 8 * f + 7),
                        "{chunk:?}"
                    );
                }
            }
        }
        let text = b"Hello2you, world-wide web\xe2 x";
        for from in 0..text.len() {
            let mut want = from;
            while want < text.len() && text[want].is_ascii_alphanumeric() {
                want += 1;
            }
            assert_eq!(alnum_run(text, from), want, "{from}");
        }
    }

    #[test]
    fn agent_suffixes_as_the_list_says() {
        let naive = |k: &[u8]| {
            AGENT_SUFFIXES.iter().any(|s| {
                k.len() > s.len() + 2 && k[k.len() - s.len()..].eq_ignore_ascii_case(s.as_bytes())
            })
        };
        let words = [
            "",
            "ers",
            "iers",
            "doers",
            "DOERS",
            "makers",
            "economists",
            "ists",
            "xists",
            "yxists",
            "historian",
            "IAN",
            "brian",
            "Brian",
            "indian",
            "asian",
            "ians",
            "xians",
            "xyians",
            "xyzians",
            "tellers",
            "teller",
            "pianist",
            "pianISt",
            "ers\u{301}",
            "makers.",
            "mak\u{e9}rs",
            "make\x0drs",
            "makeRS",
            "mak@RS",
        ];
        for w in words {
            assert_eq!(agent_suffix(w.as_bytes()), naive(w.as_bytes()), "{w:?}");
        }
        for n in 0..9 {
            for b in [
                b'a', b'e', b'r', b's', b'i', b'n', b't', b'E', b'R', b'S', b'@', 0xc3,
            ] {
                let mut w = vec![b'x'; n];
                w.extend_from_slice(b"ers");
                let k = n.min(w.len() - 1);
                w[k] = b;
                assert_eq!(agent_suffix(&w), naive(&w), "{w:?}");
            }
        }
    }

    #[test]
    fn apostrophe_keys_are_packed_keys() {
        for w in [
            "don’t",
            "DON‘T",
            "O’Brien’s",
            "rock’n’roll",
            "Müller",
            "’’’’’’",
            "’’’’’’’’’’’’’’’’’",
            "abcdefghijklmnop",
            "abcdefghijklmnopq",
            "x”y",
        ] {
            let k = key(w);
            let want = (k.len() <= SHORT && k.is_ascii()).then(|| pack(k.as_bytes()));
            assert_eq!(apostrophe_key(w.as_bytes()), want, "{w:?}");
        }
    }

    #[test]
    fn plain_words_end_where_scan_word_ends_them() {
        let texts = [
            "Lee's dog, Lee’s cat, Lees’ house, O'Brien’s don't rock‘n’roll",
            "the U.S. and 1,000 or 3.5% of co-workers' AT&T; s’é x’y",
            "Lee'S Lee's\u{e9} Lee’sé Lee’s’ Lee' s 'tis ‘quoted’ word’",
            "end of text Lee's",
            "end of text Lee’s",
            "end of text Lee’",
        ];
        for text in texts {
            let text = format!("{text}                ");
            for i in 0..text.len() {
                let b = text.as_bytes()[i];
                if !b.is_ascii_alphanumeric() {
                    continue;
                }
                if let Some((len, _, after)) = plain_word(&text, i) {
                    let w = scan_word(&text, i, b as char, 1);
                    assert_eq!(w.end, i + len, "{text:?} at {i}");
                    assert!(w.ascii, "{text:?} at {i}");
                    assert_eq!(text.as_bytes()[i + len], after, "{text:?} at {i}");
                }
            }
        }
    }

    #[test]
    fn a_token_is_16_bytes() {
        assert_eq!(std::mem::size_of::<Token>(), 16);
    }
}
