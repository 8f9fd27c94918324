//! Stage 4a: speakers and roles. Splits a speaker's noun phrase into a name
//! and a role ("U.S. National Security Advisor" + "Jake Sullivan"; "Marta
//! Quiroga" + "paramedic" from an appositive), and tells people from
//! organisations.

use rustc_hash::FxHashMap as HashMap;

use crate::coref::Gender;
use crate::cues::{with_key, Lexicon};
use crate::record::SpeakerKind;
use crate::segment::{class as c, pack, short_key, Doc, ShortKey, ShortTable};

/// A personal pronoun that a mention may be, by what it can refer to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pronoun {
    /// "he", "she" or "i": a person.
    Personal,
    /// "it": an organisation.
    It,
    /// "they": an organisation, or people not named.
    They,
    /// Any other pronoun, which refers to nothing.
    Other,
}

/// What a speaker mention says about its speaker; its texts are slices of
/// the document's text, so a mention allocates nothing.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Mention<'t> {
    /// The mention as the record reports it (start, end).
    pub span: (usize, usize),
    /// Name as written here, without title, honorific or leading article.
    pub name: &'t str,
    pub role: Option<&'t str>,
    pub kind: SpeakerKind,
    /// What the mention refers to when it is a pronoun.
    pub pronoun: Option<Pronoun>,
    /// The name is a proper name (capitalised words), not a description.
    pub proper: bool,
    /// An alias given in parentheses: "the U.S. Department of Defense (Pentagon)".
    pub alias: Option<&'t str>,
    /// The phrase opens with "the": a definite description.
    pub definite: bool,
    /// The phrase joins several sources with "and" / "or".
    pub coordinated: bool,
    /// Female or male, when the mention says so: a pronoun, an honorific
    /// or a gendered noun ("she", "Mrs. Lee", "a spokesman").
    pub gender: Option<Gender>,
    /// The mention is the subject of its clause (a speaker, or a name that
    /// opens a sentence or follows a comma); pronouns prefer such antecedents.
    pub subject: bool,
}

/// What the lexicon says of the words of a document's tokens: mostly read
/// off the tokens, whose vocabulary entries carry these flags (see
/// [`crate::segment::Token::kinds`]); for the other tokens looked up once
/// per token, since a speaker's phrase is read several times over (names,
/// titles, the kind of speaker), and a document names the same people
/// again and again.
pub(crate) struct Words<'k> {
    /// Per token: [`Words::KNOWN`] and the other flags, or 0 before the
    /// first look-up.
    flags: Vec<u16>,
    kinds: &'k WordKinds,
}

impl<'k> Words<'k> {
    const KNOWN: u16 = 1;
    /// A title, or a hyphenated word whose last part is one
    /// ("Vice-Chair").
    const TITLE: u16 = 2;
    /// The key is a title itself.
    const TITLE_KEY: u16 = 4;
    const ORG: u16 = 8;
    const HONORIFIC: u16 = 16;
    const SOURCE: u16 = 32;
    /// "the", "a" or "an".
    const ARTICLE: u16 = 64;
    /// "the".
    const THE: u16 = 128;
    /// A word of the lexicon's `female` list ("Mrs.", "spokeswoman").
    const FEMALE: u16 = 256;
    /// A word of the lexicon's `male` list ("Mr.", "spokesman").
    const MALE: u16 = 512;
}

// Ten bits in all: a token keeps them above its own flags.
const _: () = assert!(Words::MALE < 1 << (16 - crate::segment::KINDS_SHIFT));

impl<'k> Words<'k> {
    /// Look-ups for the tokens of `doc`, in the lexicon's `kinds`.
    #[cfg(test)]
    pub fn new(doc: &Doc<'_>, kinds: &'k WordKinds) -> Words<'k> {
        Words::with_flags(doc, kinds, Vec::new())
    }

    /// Look-ups for the tokens of `doc`, in the lexicon's `kinds`, kept in
    /// the buffer `flags` (of an earlier document, see
    /// [`Words::into_flags`]).
    pub fn with_flags(doc: &Doc<'_>, kinds: &'k WordKinds, mut flags: Vec<u16>) -> Words<'k> {
        flags.clear();
        flags.resize(doc.tokens.len(), 0);
        Words { flags, kinds }
    }

    /// The buffer of the look-ups, for another document.
    pub fn into_flags(self) -> Vec<u16> {
        self.flags
    }

    /// Whether token `i` has any of `flag`.
    #[inline]
    fn is(&mut self, doc: &Doc<'_>, i: usize, flag: u16) -> bool {
        self.of(doc, i) & flag != 0
    }

    /// All the flags of token `i`, for a caller that tests several: as
    /// the tokeniser found them with the word's vocabulary entry (see
    /// [`crate::segment::Token::kinds`]), else looked up here.
    #[inline]
    fn of(&mut self, doc: &Doc<'_>, i: usize) -> u16 {
        match doc.tokens[i].kinds() {
            0 => match self.flags[i] {
                0 => self.look_up(doc, i),
                f => f,
            },
            f => f,
        }
    }

    /// Looks up the flags of token `i` and keeps them.
    #[inline(never)]
    fn look_up(&mut self, doc: &Doc<'_>, i: usize) -> u16 {
        // The token's text is sliced only when its key does not tell all.
        let f = if let Some(k) = small_key(doc, i) {
            self.kinds.small_flags(k, || doc.tok_text(i))
        } else if let Some(k) = token_key(doc, i) {
            self.kinds.ascii_flags(k, || doc.tok_text(i))
        } else {
            self.kinds.flags(doc.tok_text(i))
        };
        self.flags[i] = f;
        f
    }
}

/// The [`ShortKey`] of token `i` of `doc` (its lowercase, packed) when it is
/// ASCII and of 1 to 16 bytes, read as one integer from the text (the
/// bytes past the token masked off); `None` otherwise, and near the end of
/// the text, where [`short_key`] of its text tells.
fn token_key(doc: &Doc<'_>, i: usize) -> Option<ShortKey> {
    const ONES: ShortKey = ShortKey::MAX / 255;
    let t = &doc.tokens[i];
    let (start, len) = (t.start(), t.end() - t.start());
    if len == 0 || len > 16 {
        return None;
    }
    let Some(b) = doc
        .text
        .as_bytes()
        .get(start..start + 16)
        .and_then(|b| <[u8; 16]>::try_from(b).ok())
    else {
        return short_key(doc.tok_text(i));
    };
    let k = ShortKey::from_le_bytes(b) & (ShortKey::MAX >> (8 * (16 - len)));
    // ASCII: no byte has its top bit set. Then lowercase all bytes at once,
    // as `short_key` does: the top bit of a byte of `ge_a` is set from `A`
    // up, of `gt_z` from `[` up (no addition carries into the next byte).
    if k & (ONES * 0x80) != 0 {
        return None;
    }
    let ge_a = k + ONES * 0x3f;
    let gt_z = k + ONES * 0x25;
    Some(k | ((ge_a & !gt_z & (ONES * 0x80)) >> 2))
}

/// The key of an ASCII word of 1 to 8 bytes, lowercase: its bytes
/// little-endian, zero-padded. Most words are so short, and a key in one
/// machine word is the cheapest to read, lowercase and look up.
type SmallKey = u64;

/// `0x0101...01`: one in every byte of a [`SmallKey`].
const ONES8: SmallKey = SmallKey::MAX / 255;

/// The [`SmallKey`] of token `i` of `doc` when it is ASCII and of 1 to 8
/// bytes, read as one integer from the text (the bytes past the token
/// masked off); `None` otherwise, and near the end of the text.
#[inline]
fn small_key(doc: &Doc<'_>, i: usize) -> Option<SmallKey> {
    let t = &doc.tokens[i];
    let (start, len) = (t.start(), t.end() - t.start());
    if len == 0 || len > 8 {
        return None;
    }
    let b = doc.text.as_bytes().get(start..start + 8)?;
    let k = SmallKey::from_le_bytes(b.try_into().ok()?) & (SmallKey::MAX >> (8 * (8 - len)));
    // ASCII, lowercased all at once as in `token_key`.
    if k & (ONES8 * 0x80) != 0 {
        return None;
    }
    let ge_a = k + ONES8 * 0x3f;
    let gt_z = k + ONES8 * 0x25;
    Some(k | ((ge_a & !gt_z & (ONES8 * 0x80)) >> 2))
}

/// The [`SmallKey`] of a key of 1 to 8 bytes.
fn pack8(k: &[u8]) -> SmallKey {
    let mut buf = [0u8; 8];
    buf[..k.len()].copy_from_slice(k);
    SmallKey::from_le_bytes(buf)
}

/// Some byte of the [`SmallKey`] `k` is a hyphen (as [`has_hyphen`]).
fn small_has_hyphen(k: SmallKey) -> bool {
    let x = k ^ (ONES8 * b'-' as SmallKey);
    x.wrapping_sub(ONES8) & !x & (ONES8 * 0x80) != 0
}

/// An open-addressing table from [`SmallKey`]s to [`Words`] flags, at a
/// load of at most a quarter: one multiplication and about one probe per
/// look-up. Key 0 (no key) marks an empty slot, whose flags are 0.
#[derive(Debug, Clone)]
struct SmallTable {
    slots: Vec<(SmallKey, u16)>,
    /// 64 less the bits of a slot's index.
    shift: u32,
}

impl Default for SmallTable {
    fn default() -> SmallTable {
        SmallTable::new(Vec::new())
    }
}

impl SmallTable {
    /// A table of `entries` (keys not 0, each once).
    fn new(entries: Vec<(SmallKey, u16)>) -> SmallTable {
        let mut bits = 4;
        while (1usize << bits) < 4 * entries.len() {
            bits += 1;
        }
        let mut t = SmallTable {
            slots: vec![(0, 0); 1 << bits],
            shift: 64 - bits,
        };
        let mask = t.slots.len() - 1;
        for (k, f) in entries {
            let mut at = t.slot(k);
            while t.slots[at].0 != 0 {
                at = (at + 1) & mask;
            }
            t.slots[at] = (k, f);
        }
        t
    }

    /// The first slot to probe for `k` (Fibonacci hashing).
    #[inline]
    fn slot(&self, k: SmallKey) -> usize {
        (k.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> self.shift) as usize
    }

    /// The flags of `k`, 0 for a key not in the table.
    #[inline]
    fn get(&self, k: SmallKey) -> u16 {
        let mask = self.slots.len() - 1;
        let mut at = self.slot(k);
        loop {
            let (s, f) = self.slots[at];
            if s == k || s == 0 {
                return f;
            }
            at = (at + 1) & mask;
        }
    }
}

/// Some byte of the [`ShortKey`] `k` is a hyphen.
fn has_hyphen(k: ShortKey) -> bool {
    const ONES: ShortKey = ShortKey::MAX / 255;
    // The bytes that are a hyphen become zero in `x`, and `(x - ONES) & !x`
    // has the top bit of its lowest zero byte set, or no top bit set when
    // no byte is zero (all bytes of a key are ASCII).
    let x = k ^ (ONES * b'-' as ShortKey);
    x.wrapping_sub(ONES) & !x & (ONES * 0x80) != 0
}

/// The lexicon's titles, organisation words, honorifics, source nouns and
/// gendered words in one map: which of them a word is, in one look-up.
#[derive(Debug, Clone, Default)]
pub(crate) struct WordKinds {
    /// Every key.
    all: HashMap<String, u16>,
    /// The keys of 1 to 16 bytes, looked up as integers.
    short: ShortTable<u16>,
    /// The keys of 1 to 8 bytes, looked up as machine words.
    small: SmallTable,
}

impl WordKinds {
    /// The flags of a word in none of the lists, with no hyphen.
    pub const NONE: u16 = Words::KNOWN;

    /// The word lists of `lex`.
    pub fn new(lex: &Lexicon) -> WordKinds {
        let mut m: HashMap<String, u16> = HashMap::default();
        for (set, bit) in [
            (&lex.titles, Words::TITLE_KEY),
            (&lex.org_words, Words::ORG),
            (&lex.honorifics, Words::HONORIFIC),
            (&lex.sources, Words::SOURCE),
            (&lex.female, Words::FEMALE),
            (&lex.male, Words::MALE),
        ] {
            for w in set {
                *m.entry(w.clone()).or_insert(0) |= bit;
            }
        }
        // The articles are keys too, so that one look-up tells them.
        for (k, bits) in [
            ("the", Words::ARTICLE | Words::THE),
            ("a", Words::ARTICLE),
            ("an", Words::ARTICLE),
        ] {
            *m.entry(k.to_string()).or_insert(0) |= bits;
        }
        let short = m
            .iter()
            .filter(|(k, _)| !k.is_empty() && k.len() <= 16)
            .map(|(k, &f)| (pack(k.as_bytes()), f))
            .collect();
        let small = m
            .iter()
            .filter(|(k, _)| !k.is_empty() && k.len() <= 8)
            .map(|(k, &f)| (pack8(k.as_bytes()), f))
            .collect();
        WordKinds {
            short: ShortTable::new(short),
            small: SmallTable::new(small),
            all: m,
        }
    }

    /// The lists that hold the key `k`, as [`Words`] flags.
    fn get(&self, k: &str) -> u16 {
        match short_key(k) {
            // A key is lowercase: its short key is itself packed.
            Some(sk) => self.short.get(sk).copied().unwrap_or(0),
            None => self.all.get(k).copied().unwrap_or(0),
        }
    }

    /// Every key of the lists: a word whose key is none of them has the
    /// flags [`WordKinds::NONE`], unless it is hyphenated.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.all.keys().map(String::as_str)
    }

    /// All the [`Words`] flags of the word `word` (with [`Words::KNOWN`]);
    /// they fit in 10 bits (see [`crate::segment::Token::kinds`]).
    pub fn flags(&self, word: &str) -> u16 {
        if let Some(k) = short_key(word) {
            return self.ascii_flags(k, || word);
        }
        with_key(word, |k| {
            let mut f = Words::KNOWN | self.get(k);
            if f & Words::TITLE_KEY != 0 || self.last_part_is_title(k) {
                f |= Words::TITLE;
            }
            // (The articles' flags come with their keys.)
            f
        })
    }

    /// [`WordKinds::flags`] of an ASCII word of 1 to 8 bytes, whose key is
    /// `k` ([`small_key`]); `word` gives the word, which only a hyphenated
    /// one needs.
    #[inline]
    fn small_flags<'w>(&self, k: SmallKey, word: impl FnOnce() -> &'w str) -> u16 {
        let mut f = Words::KNOWN | self.small.get(k);
        // Vice-Chair: judge the last part, as `ascii_flags` does.
        if f & Words::TITLE_KEY != 0 || small_has_hyphen(k) && self.last_part_is_title(word()) {
            f |= Words::TITLE;
        }
        f
    }

    /// Whether the part of the hyphenated `word` after its last hyphen is
    /// a title ("Vice-Chair"): such a word is judged by its last part.
    fn last_part_is_title(&self, word: &str) -> bool {
        word.as_bytes()
            .iter()
            .rposition(|&b| b == b'-')
            .is_some_and(|h| self.get(&word[h + 1..]) & Words::TITLE_KEY != 0)
    }

    /// [`WordKinds::flags`] of an ASCII word of 1 to 16 bytes, whose key
    /// packed is `k` ([`short_key`]); `word` gives the word, which only a
    /// hyphenated one needs.
    #[inline]
    fn ascii_flags<'w>(&self, k: ShortKey, word: impl FnOnce() -> &'w str) -> u16 {
        // An empty slot's value is 0: in no list.
        let mut f = Words::KNOWN | *self.short.get_or_default(k);
        // Vice-Chair, Director-General: judge the last part.
        if f & Words::TITLE_KEY != 0 || has_hyphen(k) && self.last_part_is_title(word()) {
            f |= Words::TITLE;
        }
        f
    }
}

/// Whether the lexicon key of `word` ([`crate::cues::key`]) is `key`, a
/// word of lowercase ASCII letters with no `k`: only `key` itself in any
/// case has that key (of the other characters, only the Kelvin sign
/// lowercases to ASCII letters alone, to `k`), so no key is built.
fn is_key(word: &str, key: &str) -> bool {
    debug_assert!(key.bytes().all(|b| b.is_ascii_lowercase() && b != b'k'));
    word.eq_ignore_ascii_case(key)
}

/// Text of tokens a..b (exclusive), or "" when empty.
#[inline]
fn text_of<'t>(doc: &Doc<'t>, a: usize, b: usize) -> &'t str {
    if a >= b {
        return "";
    }
    let (s, e) = doc.span(a, b);
    &doc.text[s..e]
}

fn strip_article(doc: &Doc<'_>, w: &mut Words, a: usize, b: usize, all_determiners: bool) -> usize {
    if a < b && (w.is(doc, a, Words::ARTICLE) || (all_determiners && doc.tokens[a].base == c::DET))
    {
        return a + 1;
    }
    a
}

fn name_like(doc: &Doc<'_>, w: &mut Words, a: usize, b: usize) -> bool {
    a < b
        && (a..b).all(|i| {
            let t = &doc.tokens[i];
            (t.capital && matches!(t.base, c::NAME | c::SOURCE | c::WORD))
                && !w.is(doc, i, Words::TITLE)
                || t.base == c::POSS
        })
}

/// A set of token classes (see [`classes_in`]): a bit for each class that
/// [`analyze`] asks about, and one shared by all the others.
type Classes = u8;

/// The bit of `class` in a [`Classes`].
const fn class_bit(class: u8) -> Classes {
    match class {
        c::NAME => 1,
        c::WHO => 2,
        c::COMMA => 4,
        c::AND => 8,
        c::PREP => 16,
        _ => 32,
    }
}

/// [`class_bit`] of every byte, so that a token's bit is one load.
const CLASS_BITS: [Classes; 256] = {
    let mut t = [0; 256];
    let mut k = 0;
    while k < 256 {
        t[k] = class_bit(k as u8);
        k += 1;
    }
    t
};

/// The base classes of tokens `a..b`: read in one pass, so that a search
/// for a class the phrase lacks is skipped.
fn classes_in(doc: &Doc<'_>, a: usize, b: usize) -> Classes {
    doc.tokens[a..b]
        .iter()
        .fold(0, |m, t| m | CLASS_BITS[usize::from(t.base)])
}

/// Whether the class set `m` (see [`classes_in`]) may hold `class`.
fn has(m: Classes, class: u8) -> bool {
    m & class_bit(class) != 0
}

/// What the words of a phrase are, from the lexicon's lists: read in one
/// pass for both its kind and its gender.
#[derive(Default)]
struct Facts {
    /// Some word is an organisation word.
    org: bool,
    /// Some word is a title or an honorific.
    person: bool,
    /// The last word is a source noun.
    last_source: bool,
    /// Some word says female (see [`gender_of`]).
    female: bool,
    /// Some word says male.
    male: bool,
}

impl Facts {
    /// The facts of tokens `a..b`.
    fn of(doc: &Doc<'_>, w: &mut Words, a: usize, b: usize) -> Facts {
        let mut x = Facts::default();
        for i in a..b {
            let f = w.of(doc, i);
            x.org |= f & Words::ORG != 0;
            x.person |= f & (Words::TITLE_KEY | Words::HONORIFIC) != 0;
            if i + 1 == b {
                x.last_source = f & Words::SOURCE != 0;
            }
            if gendered(doc, i, f) {
                x.female |= f & Words::FEMALE != 0;
                x.male |= f & Words::MALE != 0;
            }
        }
        x
    }

    /// The gender the words give, `None` when they give none or both.
    fn gender(&self) -> Option<Gender> {
        match (self.female, self.male) {
            (true, false) => Some(Gender::Female),
            (false, true) => Some(Gender::Male),
            _ => None,
        }
    }
}

/// Kind of a name or description; `present` holds the classes of its
/// tokens (see [`classes_in`]; a superset will do).
#[allow(clippy::too_many_arguments)]
fn kind_of(
    doc: &Doc<'_>,
    w: &mut Words,
    lex: &Lexicon,
    a: usize,
    b: usize,
    has_title: bool,
    present: Classes,
    facts: Option<&Facts>,
) -> SpeakerKind {
    // The head noun stands before any "of"/"for" phrase: "spokesman for the board".
    let head_end = if has(present, c::PREP) {
        (a..b).find(|&i| doc.tokens[i].base == c::PREP).unwrap_or(b)
    } else {
        b
    };
    let head_title = if head_end > a {
        w.is(doc, head_end - 1, Words::TITLE_KEY)
    } else {
        lex.titles.contains("")
    };
    if has_title || head_title {
        return SpeakerKind::Person;
    }
    // What the words are: an organisation word, a title or honorific, and
    // whether the last is a source noun.
    let own;
    let facts = match facts {
        Some(f) => f,
        None => {
            own = Facts::of(doc, w, a, b);
            &own
        }
    };
    if facts.org {
        return SpeakerKind::Organization;
    }
    if facts.person {
        return SpeakerKind::Person;
    }
    // Two or more names and nothing else: a person.
    let caps = if present == class_bit(c::NAME) {
        b - a
    } else {
        (a..b).filter(|&i| doc.tokens[i].base == c::NAME).count()
    };
    if caps >= 2 && caps == b - a {
        return SpeakerKind::Person;
    }
    if facts.last_source {
        // official, spokesman, voters: people unless an org word said otherwise.
        return SpeakerKind::Person;
    }
    SpeakerKind::Unknown
}

/// Analyses the speaker noun phrase in tokens `a..b`, `w` holding the
/// look-ups of `doc`'s words.
pub(crate) fn analyze<'t>(
    doc: &Doc<'t>,
    lex: &Lexicon,
    w: &mut Words,
    a: usize,
    b: usize,
) -> Mention<'t> {
    // Most mentions are capitalised names alone ("Ann Lee", "Sen. Ann
    // Lee"), for which most steps of the general analysis do nothing.
    names_only(doc, w, a, b).unwrap_or_else(|| analyze_phrase(doc, lex, w, a, b))
}

/// [`analyze`] of any phrase, step by step ([`names_only`] gives the same
/// for a phrase of names alone, in one pass).
pub(crate) fn analyze_phrase<'t>(
    doc: &Doc<'t>,
    lex: &Lexicon,
    w: &mut Words,
    mut a: usize,
    mut b: usize,
) -> Mention<'t> {
    // Trim punctuation at the edges.
    while a < b
        && matches!(
            doc.tokens[b - 1].base,
            c::COMMA | c::STOP | c::DASH | c::COLON
        )
    {
        b -= 1;
    }
    while a < b && matches!(doc.tokens[a].base, c::COMMA | c::DASH | c::COLON) {
        a += 1;
    }
    let full = if a < b {
        doc.span(a, b)
    } else {
        (
            doc.tokens[a.min(doc.tokens.len() - 1)].start(),
            doc.tokens[a.min(doc.tokens.len() - 1)].start(),
        )
    };
    if b == a + 1 && doc.tokens[a].base == c::PRONOUN {
        let t = doc.tok_text(a);
        let (pronoun, gender) = if is_key(t, "he") {
            (Pronoun::Personal, Some(Gender::Male))
        } else if is_key(t, "she") {
            (Pronoun::Personal, Some(Gender::Female))
        } else if is_key(t, "i") {
            (Pronoun::Personal, None)
        } else if is_key(t, "it") {
            (Pronoun::It, None)
        } else if is_key(t, "they") {
            (Pronoun::They, None)
        } else {
            (Pronoun::Other, None)
        };
        let kind = match pronoun {
            Pronoun::Personal => SpeakerKind::Person,
            Pronoun::It => SpeakerKind::Organization,
            _ => SpeakerKind::Unknown,
        };
        return Mention {
            span: full,
            name: doc.tok_text(a),
            role: None,
            kind,
            gender,
            pronoun: Some(pronoun),
            proper: false,
            alias: None,
            definite: false,
            coordinated: false,
            subject: true,
        };
    }
    let present = classes_in(doc, a, b);
    // "farmers who grow barley": a restrictive relative clause is part of
    // the mention, not of the name.
    if let Some(k) = (a + 1..b).filter(|_| has(present, c::WHO)).find(|&i| {
        doc.tokens[i].base == c::WHO && !matches!(doc.tokens[i - 1].base, c::COMMA | c::DASH)
    }) {
        let inner = analyze(doc, lex, w, a, k);
        return Mention {
            span: full,
            ..inner
        };
    }
    // Parenthetical alias at the end: "... (Pentagon)".
    let mut alias = None;
    if b >= a + 3 && doc.tokens[b - 1].base == c::RPAREN {
        if let Some(lp) = (a..b).rev().find(|&i| doc.tokens[i].base == c::LPAREN) {
            alias = Some(text_of(doc, lp + 1, b - 1));
            b = lp;
        }
    }
    // Appositive: split at the first comma that is not part of a coordination.
    // (The classes of `a..b` are among those of the phrase with its alias.)
    let comma = (a..b)
        .filter(|_| has(present, c::COMMA))
        .find(|&i| doc.tokens[i].base == c::COMMA);
    let has_and = has(present, c::AND) && (a..b).any(|i| doc.tokens[i].base == c::AND);
    // "Ann Lee, who chairs the board and ...", "Ann Lee, whose book ...": a
    // relative clause is no role, and an "and" inside it joins no sources.
    let relative_at =
        comma.filter(|&k| k > a && k + 1 < b && !(a..k).any(|i| doc.tokens[i].base == c::AND));
    if let Some(k) = relative_at {
        let next = &doc.tokens[k + 1];
        if next.base == c::WHO || is_key(doc.tok_text(k + 1), "whose") {
            let inner = analyze(doc, lex, w, a, k);
            return Mention {
                span: full,
                ..inner
            };
        }
    }
    if let (Some(k), false) = (comma, has_and) {
        let (l0, l1) = (strip_article(doc, w, a, k, true), k);
        let (mut r0, mut r1) = (strip_article(doc, w, k + 1, b, true), b);
        // An age is no role: "Ann Lee, 34, a nurse" has the role "nurse".
        if r0 < r1
            && doc.tokens[r0].base == c::NUM
            && (r0 + 1 == r1 || doc.tokens[r0 + 1].base == c::COMMA)
        {
            r0 = strip_article(doc, w, (r0 + 2).min(r1), r1, true);
        }
        // "whose" is a determiner elsewhere, but after the comma it opens a
        // relative clause as "who" does.
        let whose = k + 1 < r1 && is_key(doc.tok_text(k + 1), "whose");
        if r0 < r1 && doc.tokens[r0].base == c::WHO || whose {
            // "Ann Lee, who chairs the board,": a relative clause is no role.
            let inner = analyze(doc, lex, w, a, k);
            return Mention {
                span: full,
                ..inner
            };
        }
        // An appositive ends at its comma ("a nurse, who ..."), unless only
        // the name of an organisation follows ("Director, Norland Institute").
        if let Some(k2) = (r0..r1).find(|&i| doc.tokens[i].base == c::COMMA) {
            if !(k2 + 1 < r1 && (k2 + 1..r1).all(|i| doc.tokens[i].capital)) {
                r1 = k2;
            }
        }
        // A title and a name before the comma ("Senate Leader Ann Lee, R-Ky.")
        // are the name, whatever follows.
        let titled = (l0..l1)
            .rev()
            .find(|&i| w.is(doc, i, Words::TITLE))
            .is_some_and(|t| t + 1 < l1 && (t + 1..l1).all(|i| doc.tokens[i].base == c::NAME));
        let (name_part, role_part) =
            if titled || name_like(doc, w, l0, l1) && !name_like(doc, w, r0, r1) {
                ((l0, l1), (r0, r1))
            } else if name_like(doc, w, r0, r1) {
                ((r0, r1), (l0, l1))
            } else {
                ((l0, l1), (r0, r1))
            };
        let inner = analyze(doc, lex, w, name_part.0, name_part.1);
        let role = inner
            .role
            .or_else(|| Some(text_of(doc, role_part.0, role_part.1)).filter(|r| !r.is_empty()));
        let kind = if inner.kind == SpeakerKind::Unknown && role.is_some() {
            SpeakerKind::Person
        } else {
            inner.kind
        };
        return Mention {
            span: full,
            role,
            kind,
            alias: alias.or(inner.alias),
            gender: inner.gender.or_else(|| {
                let head = (role_part.0..role_part.1)
                    .find(|&i| doc.tokens[i].base == c::PREP)
                    .unwrap_or(role_part.1);
                gender_of(doc, w, role_part.0, head)
            }),
            ..inner
        };
    }
    let start = strip_article(doc, w, a, b, false);
    // "Nell Ardagh of the Port Authority": a person's name, then where she is from.
    if let Some(k) = (start..b)
        .filter(|_| has(present, c::PREP))
        .find(|&i| doc.tokens[i].base == c::PREP)
    {
        if k >= start + 2
            && name_like(doc, w, start, k)
            && kind_of(doc, w, lex, start, k, false, present, None) == SpeakerKind::Person
        {
            let inner = analyze(doc, lex, w, start, k);
            return Mention {
                span: full,
                alias,
                ..inner
            };
        }
    }
    // Title + name: the role runs to the last title or lowercase word that is
    // followed only by capitalised words.
    let mut split = None;
    for i in (start..b).rev() {
        let t = &doc.tokens[i];
        let lower_noun = !t.capital && matches!(t.base, c::SOURCE | c::WORD);
        if w.is(doc, i, Words::TITLE) || lower_noun {
            if i + 1 < b
                && (i + 1..b)
                    .all(|j| doc.tokens[j].base == c::NAME || doc.tokens[j].base == c::POSS)
            {
                split = Some(i + 1);
            }
            break;
        }
        if !matches!(t.base, c::NAME | c::POSS) || !t.capital {
            break;
        }
    }
    // Honorifics are neither name nor role.
    let mut name_start = split.unwrap_or(start);
    while name_start + 1 < b && w.is(doc, name_start, Words::HONORIFIC) {
        name_start += 1;
    }
    let role = split.and_then(|s| {
        let mut r0 = start;
        // Drop possessive determiners from a role ("Its finance chief").
        if r0 < s && doc.tokens[r0].base == c::DET {
            r0 += 1;
        }
        let r = text_of(doc, r0, s);
        // An honorific is no role. A role of one word is one look-up of
        // its flags, which are mostly known already.
        let honorific = |w: &mut Words| {
            if s == r0 + 1 {
                w.is(doc, r0, Words::HONORIFIC)
            } else {
                with_key(r, |k| lex.honorifics.contains(k))
            }
        };
        (!r.is_empty() && !honorific(w)).then_some(r)
    });
    // An unnamed source is named by its noun phrase without the article or
    // possessive: "her brother" is "brother".
    let name_start = if split.is_none() {
        let lowercase_head = b > name_start && !doc.tokens[b - 1].capital;
        strip_article(doc, w, name_start, b, lowercase_head)
    } else {
        name_start
    };
    let name = text_of(doc, name_start, b);
    let proper = (name_start..b).all(|i| {
        doc.tokens[i].capital
            || doc.tokens[i].base == c::POSS
            || doc.tokens[i].base == c::PREP
            || doc.tokens[i].base == c::DET
    }) && name_start < b;
    // The words' kinds and genders, read once for both.
    let facts = Facts::of(doc, w, a, b);
    let kind = kind_of(doc, w, lex, a, b, role.is_some(), present, Some(&facts));
    // The mention: the name without title when the name is a person's.
    let span = full;
    let definite = w.is(doc, a, Words::THE);
    Mention {
        span,
        name,
        role,
        kind,
        pronoun: None,
        proper,
        alias,
        definite,
        gender: if has_and { None } else { facts.gender() },
        coordinated: has_and,
        subject: true,
    }
}

/// [`analyze`] of tokens `a..b` when they are all capitalised names (of
/// class [`c::NAME`]) but for a determiner that may open them ("the
/// Senate", "his Ohio office" is not one), and none is a title, read in
/// one pass; `None` for any other phrase.
///
/// Such a phrase has no punctuation to trim, no pronoun, relative clause,
/// alias, appositive, "of" phrase or role: what `analyze` makes of it is its
/// article, its honorifics and the facts of its words, which one pass
/// gathers. (A title is a source word in the tokeniser's classes, so a
/// phrase of names alone with a title is rare: it takes the general path.)
/// A determiner is no name, so it leaves the phrase a person's only by its
/// words (not for having two names or more), and it is part of the name
/// unless an article.
pub(crate) fn names_only<'t>(
    doc: &Doc<'t>,
    w: &mut Words,
    a: usize,
    b: usize,
) -> Option<Mention<'t>> {
    if a >= b {
        return None;
    }
    let mut facts = Facts::default();
    // The flags of the first word.
    let mut first = 0;
    // The phrase opens with a determiner (followed by a name).
    let det = doc.tokens[a].base == c::DET && b - a >= 2;
    for i in a..b {
        let t = &doc.tokens[i];
        if (t.base != c::NAME || !t.capital) && !(det && i == a) {
            return None;
        }
        let f = w.of(doc, i);
        if f & Words::TITLE != 0 {
            return None;
        }
        if i == a {
            first = f;
        }
        facts.org |= f & Words::ORG != 0;
        facts.person |= f & (Words::TITLE_KEY | Words::HONORIFIC) != 0;
        if gendered(doc, i, f) {
            facts.female |= f & Words::FEMALE != 0;
            facts.male |= f & Words::MALE != 0;
        }
        if i + 1 == b {
            facts.last_source = f & Words::SOURCE != 0;
        }
    }
    // As `strip_article`, and the honorific loop of `analyze` over the
    // words after the article.
    let mut name_start = if first & Words::ARTICLE != 0 {
        a + 1
    } else {
        a
    };
    while name_start + 1 < b && w.is(doc, name_start, Words::HONORIFIC) {
        name_start += 1;
    }
    // The head is capitalised: only an article is stripped.
    name_start = strip_article(doc, w, name_start, b, false);
    // As `kind_of` for a phrase of names alone with no role.
    let kind = if w.is(doc, b - 1, Words::TITLE_KEY) {
        SpeakerKind::Person
    } else if facts.org {
        SpeakerKind::Organization
    } else if facts.person || (!det && b - a >= 2) || facts.last_source {
        SpeakerKind::Person
    } else {
        SpeakerKind::Unknown
    };
    Some(Mention {
        span: doc.span(a, b),
        name: text_of(doc, name_start, b),
        role: None,
        kind,
        pronoun: None,
        proper: name_start < b,
        alias: None,
        definite: first & Words::THE != 0,
        gender: facts.gender(),
        coordinated: false,
        subject: true,
    })
}

/// The gender the words of tokens `a..b` give a person, from the lexicon's
/// `female` and `male` lists; `None` when they give none or both.
fn gender_of(doc: &Doc<'_>, w: &mut Words, a: usize, b: usize) -> Option<Gender> {
    let mut x = Facts::default();
    for i in a..b {
        let f = w.of(doc, i);
        if gendered(doc, i, f) {
            x.female |= f & Words::FEMALE != 0;
            x.male |= f & Words::MALE != 0;
        }
    }
    x.gender()
}

/// Whether token `i`, whose flags are `f`, says a gender: a word of the
/// `female` or `male` list, and when capitalised only as an honorific or a
/// title ("Mr.", "Spokeswoman Ann Lee"; not the surname in "Ada King").
fn gendered(doc: &Doc<'_>, i: usize, f: u16) -> bool {
    f & (Words::FEMALE | Words::MALE) != 0
        && !(doc.tokens[i].capital && f & (Words::HONORIFIC | Words::TITLE_KEY) == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hyphens_are_found_in_packed_keys() {
        for w in [
            "a",
            "-",
            "vice-chair",
            "co-",
            "-x",
            "abcdefghijklmno-",
            "abcdefghijklmnop",
            "x-y-z",
        ] {
            let k = short_key(w).unwrap();
            assert_eq!(has_hyphen(k), w.contains('-'), "{w}");
            if w.len() <= 8 {
                assert_eq!(
                    small_has_hyphen(pack8(w.as_bytes())),
                    w.contains('-'),
                    "{w}"
                );
            }
        }
    }
}
