//! Stage 4b: coreference. Links each speaker mention to an entity of the
//! article: a pronoun to the latest fitting person or organisation, a surname
//! or alias ("Sullivan", "(Pentagon)") to the full name, and a definite
//! description ("the embassy") to the earlier mention whose head it repeats.

use std::hash::BuildHasher;

use rustc_hash::FxBuildHasher;

use crate::record::SpeakerKind;
use crate::speaker::{Mention, Pronoun};

/// A person's gender as the article gives it, for pronoun agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gender {
    Female,
    Male,
}

/// One person or organisation of the article.
#[derive(Debug, Clone)]
pub(crate) struct Entity<'t> {
    pub name: &'t str,
    pub role: Option<&'t str>,
    pub kind: SpeakerKind,
    /// Byte offset where its earliest mention starts.
    pub first: usize,
    pub proper: bool,
    /// Female or male, once a mention or a pronoun linked to it has said so.
    gender: Option<Gender>,
    /// Where `norm(name)` stands in [`Registry::norms`].
    norm: (usize, usize),
    /// Byte offset of the latest mention.
    last: usize,
    /// Byte offset of the latest mention as a subject.
    last_subject: Option<usize>,
    /// Where its latest link stands in [`Registry::log`] ([`NOT_RECENT`]
    /// once it has left the log).
    seen: usize,
    /// One bit per word of `norm(name)` (see [`word_bit`]): a description
    /// can repeat no word whose bit is clear, so most entities are passed
    /// over without reading their names.
    words: u64,
    /// The hash of the last word of `norm(name)` (see [`hash`]), the key a
    /// person's surname is indexed by (for a proper name only).
    surname_hash: u64,
    /// The entry of that key in [`Registry::by_surname`], once it has one
    /// ([`NameMap::END`] before): mapping the surname again needs no look-up.
    surname_entry: usize,
}

/// [`Entity::seen`] of an entity that is in no entry of the log.
const NOT_RECENT: usize = usize::MAX;

/// How many of the latest entities a pronoun or a description may refer to.
const WINDOW: usize = 64;

/// The article's entities, filled mention by mention in text order.
///
/// Look-ups are by hash for names and over a window of the latest entities
/// for pronouns and descriptions, so linking a mention costs O(1) amortised
/// whatever the length of the article. Names and roles are slices of the
/// article's text; a mention allocates only when it brings a new name.
/// A name is normalised and hashed once per mention, and the hash serves
/// every look-up of it.
#[derive(Debug, Default)]
pub(crate) struct Registry<'t> {
    pub entities: Vec<Entity<'t>>,
    /// Every mention linked (its entity, its span), in the order linked,
    /// when [`Registry::keep_mentions`].
    pub mentions: Vec<(usize, (usize, usize))>,
    /// Whether to keep [`Registry::mentions`] (only a list of the speakers
    /// reads them).
    pub keep_mentions: bool,
    /// Normalised names and aliases to entities.
    by_name: NameMap,
    /// Last words of people's names (surnames) to the latest such entity.
    by_surname: NameMap,
    /// The entities in the order linked, latest last: an entry is live
    /// when it is its entity's latest ([`Entity::seen`]), and the latest
    /// [`WINDOW`] live entries are the window of the latest entities. Each
    /// link appends one entry and moves no other, and the stale ones are
    /// dropped now and then ([`Registry::compact`]).
    log: Vec<usize>,
    /// The normalised names of the entities and the aliases, one after
    /// another: the keys of `by_name` and `by_surname` are spans of it.
    /// Bytes (of UTF-8), not a `String`, so that a name is lowercased as
    /// it is copied, eight bytes at a time (see [`plain`]).
    norms: Vec<u8>,
    /// Scratch space for the normalised name of the mention being linked.
    buf: Vec<u8>,
}

/// The buffers of a [`Registry`] that no name of its article is in, kept
/// from one article to the next (see [`Registry::with_buffers`]) so that a
/// registry allocates only for its entities.
#[derive(Debug, Default)]
pub(crate) struct Buffers {
    mentions: Vec<(usize, (usize, usize))>,
    by_name: NameMap,
    by_surname: NameMap,
    log: Vec<usize>,
    norms: Vec<u8>,
    buf: Vec<u8>,
}

/// A map from names to entities whose keys are spans of one string (the
/// registry's `norms`), so that adding a key allocates nothing: each hash
/// of a key leads to a chain of the entries with that hash.
#[derive(Debug, Default)]
struct NameMap {
    /// The hash of a key to its latest entry.
    heads: Heads,
    /// The entries: the key's span, its entity, and the entry before it
    /// with the same hash ([`NameMap::END`] for none).
    entries: Vec<((usize, usize), usize, usize)>,
}

/// An open-addressing table from hashes (already hashed: they index it
/// as they are) to entries of a [`NameMap`], at a load of at most a half:
/// about one probe per look-up, and no hashing of the hash.
#[derive(Debug, Default)]
struct Heads {
    /// Each slot's hash and entry ([`NameMap::END`] for an empty slot).
    slots: Vec<(u64, usize)>,
    /// How many slots are taken.
    len: usize,
}

impl Heads {
    /// Empties the table and makes room for `n` hashes, in the slots it
    /// has when they are enough.
    fn reset(&mut self, n: usize) {
        self.slots.clear();
        self.slots
            .resize((2 * n).next_power_of_two().max(16), (0, NameMap::END));
        self.len = 0;
    }

    /// The slot of `h`, or the empty slot where it goes.
    #[inline]
    fn slot(&self, h: u64) -> usize {
        let mask = self.slots.len() - 1;
        // An Fx hash ends rotated so that its best mixed bits are its
        // lowest.
        let mut at = h as usize & mask;
        loop {
            let (k, e) = self.slots[at];
            if k == h || e == NameMap::END {
                return at;
            }
            at = (at + 1) & mask;
        }
    }

    /// The entry of `h` ([`NameMap::END`] for none).
    #[inline]
    fn get(&self, h: u64) -> usize {
        self.slots[self.slot(h)].1
    }

    /// Maps `h` to entry `e`; returns the entry it had ([`NameMap::END`]
    /// for none).
    fn insert(&mut self, h: u64, e: usize) -> usize {
        if 2 * (self.len + 1) > self.slots.len() {
            let grown = vec![(0, NameMap::END); 2 * self.slots.len()];
            let old = std::mem::replace(&mut self.slots, grown);
            for (k, x) in old {
                if x != NameMap::END {
                    let at = self.slot(k);
                    self.slots[at] = (k, x);
                }
            }
        }
        let at = self.slot(h);
        let prev = self.slots[at].1;
        if prev == NameMap::END {
            self.len += 1;
        }
        self.slots[at] = (h, e);
        prev
    }
}

impl NameMap {
    /// No entry.
    const END: usize = usize::MAX;

    /// Empties the map and makes room for `n` keys, in the space it has
    /// when that is enough. The hash table starts with room for a quarter
    /// of them, and grows if it must: `n` counts every mention that may
    /// add a key, and most mentions repeat a name, so a table made for all
    /// of them would be mostly empty, and in a long document would clear
    /// megabytes that are never used.
    fn reset(&mut self, n: usize) {
        self.heads.reset(n / 4);
        self.entries.clear();
        self.entries.reserve(n);
    }

    /// The entry whose key (a span of `keys`) is `k`; `h` is `hash(k)`.
    fn find(&self, keys: &[u8], k: &[u8], h: u64) -> Option<usize> {
        let mut at = self.heads.get(h);
        while at != NameMap::END {
            let ((a, b), _, prev) = self.entries[at];
            if &keys[a..b] == k {
                return Some(at);
            }
            at = prev;
        }
        None
    }

    /// The entity of the key `k`; `h` is `hash(k)`.
    fn get(&self, keys: &[u8], k: &[u8], h: u64) -> Option<usize> {
        self.find(keys, k, h).map(|e| self.entries[e].1)
    }

    /// Maps the key `keys[a..b]` to entity `i`; `h` is its hash. Returns
    /// the key's entry, which stays the key's for good.
    fn set(&mut self, keys: &[u8], (a, b): (usize, usize), h: u64, i: usize) -> usize {
        match self.find(keys, &keys[a..b], h) {
            Some(e) => {
                self.entries[e].1 = i;
                e
            }
            None => self.add((a, b), h, i),
        }
    }

    /// [`NameMap::set`] for a key that has no entry yet.
    fn add(&mut self, span: (usize, usize), h: u64, i: usize) -> usize {
        let prev = self.heads.insert(h, self.entries.len());
        self.entries.push((span, i, prev));
        self.entries.len() - 1
    }
}

/// What [`norm_into`] learns of the normalised name as it writes it, so
/// that its words are not read again.
#[derive(Debug, Clone, Copy)]
struct Shape {
    /// The [`word_bits`] of the name.
    words: u64,
    /// Where its last word starts (see [`last_word`]).
    last: usize,
}

impl Shape {
    /// The shape of the normalised name `n`, read from it.
    fn of(n: &[u8]) -> Shape {
        Shape {
            words: word_bits(n),
            last: n.len() - last_word(n).len(),
        }
    }
}

/// Lowercase words without punctuation and leading "the"; hyphens stay, so
/// "Lind-Holt" is one word. Written into `out` (as UTF-8), which is
/// cleared first; returns the [`Shape`] of what it wrote.
///
/// The words are those of the lexicon key ([`crate::cues::key`]) of `s`,
/// read in one pass over `s` with no key built: a key starts with "the "
/// exactly when `s` does in any case (no other character lowercases to
/// ASCII "t", "h" or "e"), and a curly apostrophe, which the key makes
/// straight, parts words as any punctuation does.
fn norm_into(out: &mut Vec<u8>, s: &str) -> Shape {
    out.clear();
    let s = match s.as_bytes().get(..4) {
        Some(the) if the.eq_ignore_ascii_case(b"the ") => &s[4..],
        _ => s,
    };
    // Most names are words of letters and digits with one space between
    // them ("Ann Lee"): their key is their lowercase, which `plain` writes.
    if let Some(shape) = plain(s.as_bytes(), out) {
        return shape;
    }
    out.clear();
    // A name of ASCII but for curly quotation marks ("O’Malley") is its
    // words (runs of letters, digits and hyphens, without the hyphens at
    // their ends) joined by one space, lowercase: what the loop below
    // makes of it, a word at a time rather than a character.
    if let Some(shape) = ascii_words(out, s) {
        return shape;
    }
    out.clear();
    // Where the word being read starts in `out`, if one is.
    let mut word: Option<usize> = None;
    let mut take = |out: &mut Vec<u8>, c: char| {
        if c.is_alphanumeric() || c == '-' {
            if word.is_none() {
                if c == '-' {
                    // A word starts after its hyphens.
                    return;
                }
                if !out.is_empty() {
                    out.push(b' ');
                }
                word = Some(out.len());
            }
            out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
        } else if word.take().is_some() {
            // And ends before them.
            while out.last() == Some(&b'-') {
                out.pop();
            }
        }
    };
    for c in s.chars() {
        if c.is_ascii() {
            take(out, c.to_ascii_lowercase());
        } else {
            c.to_lowercase().for_each(|l| take(out, l));
        }
    }
    take(out, ' ');
    Shape::of(out)
}

/// Writes the words of `s` (see [`norm_into`]) to `out`, lowercase, when `s`
/// is ASCII but for curly quotation marks (`‘ ’`, which part words as any
/// punctuation does), and returns their [`Shape`]; `None`, with `out` half
/// written, for any other character.
fn ascii_words(out: &mut Vec<u8>, s: &str) -> Option<Shape> {
    /// Per byte: 1 for an ASCII letter or digit, 2 for a hyphen, 4 for a
    /// byte of no ASCII character, else 0.
    const KIND: [u8; 256] = {
        let mut t = [0u8; 256];
        let mut c = 0;
        while c < 256 {
            if (c as u8).is_ascii_alphanumeric() {
                t[c] = 1;
            } else if c >= 0x80 {
                t[c] = 4;
            }
            c += 1;
        }
        t[b'-' as usize] = 2;
        t
    };
    let b = s.as_bytes();
    let mut at = 0;
    let mut shape = Shape { words: 0, last: 0 };
    while at < b.len() {
        match KIND[b[at] as usize] {
            0 => at += 1,
            4 => match b.get(at..at + 3) {
                Some([0xe2, 0x80, 0x98 | 0x99]) => at += 3,
                _ => return None,
            },
            _ => {
                let mut end = at + 1;
                while end < b.len() && KIND[b[end] as usize] & 3 != 0 {
                    end += 1;
                }
                // Without the hyphens at its ends (which few words have).
                let word = &s[at..end];
                let word = if word.starts_with('-') || word.ends_with('-') {
                    word.trim_matches('-')
                } else {
                    word
                };
                if let Some(&last) = word.as_bytes().last() {
                    if !out.is_empty() {
                        out.push(b' ');
                    }
                    shape.last = out.len();
                    shape.words |= word_bit_of(word.len(), last.to_ascii_lowercase());
                    out.extend_from_slice(word.as_bytes());
                }
                at = end;
            }
        }
    }
    out.make_ascii_lowercase();
    if out.is_empty() {
        // No word: as `word_bits` has it.
        shape.words = word_bits(out);
    }
    Some(shape)
}

/// The [`Shape`] of the lowercase of `b` when `b` is words of ASCII letters
/// and digits with one space between them, the lowercase written to `out`
/// (which is empty); `None` otherwise, with `out` partly written.
///
/// Read eight bytes at a time: each test below sets the top bit of every
/// byte it holds for, and no addition carries into the next byte, as every
/// byte is ASCII by then. The lowercase is written so too: setting bit 0x20
/// of each byte lowercases a letter and keeps a digit or a space.
fn plain(b: &[u8], out: &mut Vec<u8>) -> Option<Shape> {
    const ONES: u64 = u64::MAX / 255;
    const HIGH: u64 = ONES * 0x80;
    let (&end, _) = b.split_last()?;
    if end == b' ' {
        return None;
    }
    let mut shape = Shape { words: 0, last: 0 };
    // The top bit of the first byte's slot when the byte before the
    // chunk is a space (before the first word is as after a space).
    let mut before = 0x80;
    let mut at = 0;
    while at < b.len() {
        // A chunk, the short last one padded with letters.
        let x = match b.get(at..at + 8) {
            Some(c) => u64::from_le_bytes(c.try_into().ok()?),
            None => {
                // Its `n` bytes (1 to 7): the last eight bytes of a name
                // that has eight, shifted down, else the whole name.
                let n = b.len() - at;
                let tail = match b.len().checked_sub(8) {
                    Some(s) => u64::from_le_bytes(b[s..].try_into().ok()?) >> (8 * (8 - n)),
                    None => short_word(b),
                };
                tail | ((ONES * b'a' as u64) << (8 * n))
            }
        };
        if x & HIGH != 0 {
            return None;
        }
        // Letters in either case (0x20 set lowercases them), digits, and
        // spaces (the bytes that are 0 in `t`).
        let y = x | (ONES * 0x20);
        let letter = (y + ONES * 0x1f) & !(y + ONES * 0x05);
        let digit = (x + ONES * 0x50) & !(x + ONES * 0x46);
        let t = x ^ (ONES * 0x20);
        let space = !(((t & !HIGH) + !HIGH) | t) & HIGH;
        // Neither another byte nor a second space in a row.
        if (letter | digit | space) & HIGH != HIGH || space & ((space << 8) | before) != 0 {
            return None;
        }
        before = space >> 56;
        // All eight bytes (a copy of fixed length is a store): the padding
        // of the last chunk is cut off below.
        out.extend_from_slice(&y.to_le_bytes());
        // A word ends at each space (a letter or digit lowercases with bit
        // 0x20 set).
        let mut ends = space;
        while ends != 0 {
            let k = at + (ends.trailing_zeros() / 8) as usize;
            shape.words |= word_bit_of(k - shape.last, b[k - 1] | 0x20);
            shape.last = k + 1;
            ends &= ends - 1;
        }
        at += 8;
    }
    shape.words |= word_bit_of(b.len() - shape.last, end | 0x20);
    out.truncate(b.len());
    Some(shape)
}

/// The 1 to 7 bytes of `b` as the low bytes of a word, the others 0: two
/// reads that overlap (the bytes both read are the same), so that no loop
/// or copy of variable length is needed.
fn short_word(b: &[u8]) -> u64 {
    let n = b.len();
    if n >= 4 {
        let lo = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        let hi = u32::from_le_bytes([b[n - 4], b[n - 3], b[n - 2], b[n - 1]]);
        u64::from(lo) | (u64::from(hi) << (8 * (n - 4)))
    } else if n >= 2 {
        let lo = u16::from_le_bytes([b[0], b[1]]);
        let hi = u16::from_le_bytes([b[n - 2], b[n - 1]]);
        u64::from(lo) | (u64::from(hi) << (8 * (n - 2)))
    } else {
        b.first().map_or(0, |&c| u64::from(c))
    }
}

/// Keeps the normalised name `n` after the others in `norms` (see
/// [`Registry::norms`]); returns where it stands.
fn push_norm(norms: &mut Vec<u8>, n: &[u8]) -> (usize, usize) {
    let a = norms.len();
    norms.extend_from_slice(n);
    (a, norms.len())
}

/// The hash of a normalised name or word, by which [`NameMap`]s find it.
fn hash(k: &[u8]) -> u64 {
    FxBuildHasher.hash_one(k)
}

/// The bit of [`Entity::words`] for the word `w`.
fn word_bit(w: &[u8]) -> u64 {
    word_bit_of(w.len(), w.last().map_or(0, |&b| b))
}

/// [`word_bit`] of a word of `len` bytes whose last byte is `last`.
fn word_bit_of(len: usize, last: u8) -> u64 {
    // The length and the last byte tell most words of a name apart, and
    // cost nothing to read.
    1 << ((len * 7 + last as usize) & 63)
}

/// The [`word_bit`]s of the space-separated words of `n`.
fn word_bits(n: &[u8]) -> u64 {
    let b = n;
    let (mut bits, mut start) = (0, 0);
    for (k, &c) in b.iter().enumerate() {
        if c == b' ' {
            bits |= word_bit(&b[start..k]);
            start = k + 1;
        }
    }
    bits | word_bit(&b[start..])
}

/// The last space-separated word of `n`.
fn last_word(n: &[u8]) -> &[u8] {
    match n.iter().rposition(|&b| b == b' ') {
        Some(k) => &n[k + 1..],
        None => n,
    }
}

/// The word `w` is one of the space-separated words of `n`.
fn has_word(n: &[u8], w: &[u8]) -> bool {
    // From the last word, which a description mostly repeats; the bytes
    // are compared only for a word of the same length.
    let mut end = n.len();
    loop {
        let start = n[..end]
            .iter()
            .rposition(|&b| b == b' ')
            .map_or(0, |k| k + 1);
        if end - start == w.len() && &n[start..end] == w {
            return true;
        }
        if start == 0 {
            return false;
        }
        end = start - 1;
    }
}

impl<'t> Registry<'t> {
    /// The length of [`Registry::log`] at which its stale entries are
    /// dropped: so many that dropping them costs O(1) per link amortised,
    /// and so few that a walk over the window reads few stale entries.
    const LOG: usize = 4 * WINDOW;

    /// An empty registry with room for about `n` mentions, in `buffers`
    /// (those of an earlier registry, see [`Registry::into_buffers`]) as
    /// far as they have room.
    pub fn with_buffers(buffers: Buffers, n: usize) -> Registry<'t> {
        let Buffers {
            mut mentions,
            mut by_name,
            mut by_surname,
            mut log,
            mut norms,
            mut buf,
        } = buffers;
        mentions.clear();
        mentions.reserve(n);
        by_name.reset(n);
        by_surname.reset(n);
        log.clear();
        log.reserve(Registry::LOG);
        norms.clear();
        norms.reserve(16 * n);
        buf.clear();
        buf.reserve(64);
        Registry {
            entities: Vec::with_capacity(n),
            mentions,
            keep_mentions: true,
            by_name,
            by_surname,
            log,
            norms,
            buf,
        }
    }

    /// The buffers of the registry, for the registry of another article
    /// (see [`Registry::with_buffers`]).
    pub fn into_buffers(self) -> Buffers {
        Buffers {
            mentions: self.mentions,
            by_name: self.by_name,
            by_surname: self.by_surname,
            log: self.log,
            norms: self.norms,
            buf: self.buf,
        }
    }

    /// Links a mention at byte `pos` to an entity, creating one when nothing
    /// fits, and returns its index. Mentions come in text order: `pos` is
    /// never less than the `pos` of the mention before, so that the window
    /// of the latest entities is in the order of their latest mentions too
    /// (see [`Registry::latest`]).
    pub fn observe(&mut self, m: &Mention<'t>, pos: usize) -> usize {
        debug_assert!(
            self.log
                .last()
                .map_or(true, |&j| self.entities[j].last <= pos),
            "mentions in text order"
        );
        let shape = norm_into(&mut self.buf, m.name);
        let i = self.link(m, pos, hash(&self.buf), shape);
        if self.keep_mentions {
            self.mentions.push((i, m.span));
        }
        if let Some(a) = m.alias {
            norm_into(&mut self.buf, a);
            let k = push_norm(&mut self.norms, &self.buf);
            self.by_name.set(&self.norms, k, hash(&self.buf), i);
        }
        let e = &self.entities[i];
        if e.proper && e.kind == SpeakerKind::Person {
            if e.surname_entry != NameMap::END {
                self.by_surname.entries[e.surname_entry].1 = i;
            } else {
                let (a, b) = e.norm;
                let surname = last_word(&self.norms[a..b]);
                let a = b - surname.len();
                let k = self.by_surname.set(&self.norms, (a, b), e.surname_hash, i);
                self.entities[i].surname_entry = k;
            }
        }
        self.touch(i);
        i
    }

    /// Makes entity `i` the latest of the window.
    fn touch(&mut self, i: usize) {
        if self.log.len() >= Registry::LOG {
            self.compact();
        }
        self.entities[i].seen = self.log.len();
        self.log.push(i);
    }

    /// Drops the stale entries of the log, and the live ones older than the
    /// window, which no look-up reads.
    fn compact(&mut self) {
        let mut kept = Vec::with_capacity(Registry::LOG);
        let mut live = 0;
        for k in (0..self.log.len()).rev() {
            let i = self.log[k];
            if self.entities[i].seen != k {
                continue;
            }
            live += 1;
            if live <= WINDOW {
                kept.push(i);
            } else {
                self.entities[i].seen = NOT_RECENT;
            }
        }
        kept.reverse();
        for (k, &i) in kept.iter().enumerate() {
            self.entities[i].seen = k;
        }
        self.log = kept;
    }

    /// The entities of the window, latest first.
    fn window(&self) -> impl Iterator<Item = usize> + '_ {
        self.log
            .iter()
            .enumerate()
            .rev()
            .filter(|&(k, &i)| self.entities[i].seen == k)
            .map(|(_, &i)| i)
            .take(WINDOW)
    }

    /// The normalised name of entity `i`.
    fn norm(&self, i: usize) -> &[u8] {
        let (a, b) = self.entities[i].norm;
        &self.norms[a..b]
    }

    /// [`Registry::observe`] but for the alias, the surname and the window
    /// of the latest entities; `buf` holds `norm(m.name)`, `h` is its hash
    /// and `shape` its shape.
    fn link(&mut self, m: &Mention<'t>, pos: usize, h: u64, shape: Shape) -> usize {
        // (Read in place: the fields written below are others.)
        let n = &self.buf[..];
        // `n` is known to have no entry in `by_name`.
        let mut absent = false;
        // The hash of the last word of `n`, once computed.
        let mut last_hash = None;
        let found = if let Some(p) = m.pronoun {
            let want: &[SpeakerKind] = match p {
                Pronoun::Personal => &[SpeakerKind::Person],
                Pronoun::It => &[SpeakerKind::Organization],
                Pronoun::They => &[SpeakerKind::Organization, SpeakerKind::Person],
                Pronoun::Other => &[],
            };
            let they = p == Pronoun::They;
            // "she" never refers to a person the article calls male, nor
            // "he" to one it calls female.
            let agrees =
                |e: &Entity| m.gender.is_none() || e.gender.is_none() || e.gender == m.gender;
            self.latest_subject(|e| {
                agrees(e)
                    && want.contains(&e.kind)
                    && (!they || e.kind == SpeakerKind::Organization || !e.proper)
                    && (e.kind != SpeakerKind::Person || they || e.proper)
            })
        } else if m.proper {
            let norms = &self.norms;
            let named = self.by_name.get(norms, n, h);
            // The name has no entry, and gets none until it is indexed.
            absent = named.is_none();
            named.or_else(|| {
                // (A name has a space exactly when its last word starts
                // after its first byte.)
                if shape.last == 0 {
                    // A surname alone: "Osei" after "Amara Osei".
                    self.by_surname.get(norms, n, h)
                } else {
                    // A full name after its surname alone: "Osei", then "Amara Osei".
                    let last = &n[shape.last..];
                    let lh = *last_hash.insert(hash(last));
                    self.by_name
                        .get(norms, last, lh)
                        .filter(|&i| self.entities[i].proper && !self.norm(i).contains(&b' '))
                }
            })
        } else if m.definite && !m.coordinated {
            // "the embassy" repeats the head of "the Russian embassy in Kyiv".
            let head = &n[shape.last..];
            if head.is_empty() {
                None
            } else {
                let norms = &self.norms;
                let bit = word_bit(head);
                self.latest(|e| e.words & bit != 0 && has_word(&norms[e.norm.0..e.norm.1], head))
            }
        } else {
            None
        };
        match found {
            Some(i) => {
                let e = &mut self.entities[i];
                e.first = e.first.min(m.span.0);
                e.last = e.last.max(pos);
                if m.subject {
                    e.last_subject = Some(pos);
                }
                if e.role.is_none() {
                    e.role = m.role;
                }
                if e.kind == SpeakerKind::Unknown {
                    e.kind = m.kind;
                }
                if e.gender.is_none() && !m.coordinated {
                    e.gender = m.gender;
                }
                // The fullest proper name wins.
                if m.proper && m.pronoun.is_none() && (!e.proper || n.len() > e.norm.1 - e.norm.0) {
                    e.name = m.name;
                    e.proper = true;
                    let span = push_norm(&mut self.norms, n);
                    self.set_norm(i, span, (h, last_hash), absent, shape);
                }
                i
            }
            None => {
                let norm = push_norm(&mut self.norms, n);
                self.entities.push(Entity {
                    name: m.name,
                    role: m.role,
                    kind: m.kind,
                    first: m.span.0,
                    proper: m.proper,
                    gender: m.gender,
                    norm,
                    last: pos,
                    last_subject: m.subject.then_some(pos),
                    seen: NOT_RECENT,
                    words: 0,
                    surname_hash: 0,
                    surname_entry: NameMap::END,
                });
                let i = self.entities.len() - 1;
                if m.pronoun.is_none() {
                    self.set_norm(i, norm, (h, last_hash), absent, shape);
                } else {
                    self.entities[i].words = shape.words;
                }
                i
            }
        }
    }

    /// Gives entity `i` the normalised name `norms[a..b]`, whose hash is
    /// `h` (and that of its last word `last_hash`, when computed already)
    /// and whose shape is `shape`, and maps that name to it; `absent`
    /// when the name is known to have no entry yet, which spares looking
    /// for one.
    fn set_norm(
        &mut self,
        i: usize,
        (a, b): (usize, usize),
        (h, last_hash): (u64, Option<u64>),
        absent: bool,
        shape: Shape,
    ) {
        let n = &self.norms[a..b];
        let e = &mut self.entities[i];
        e.norm = (a, b);
        e.words = shape.words;
        e.surname_entry = NameMap::END;
        if e.proper {
            // Only a proper name gives a surname (see `Registry::observe`);
            // a name of one word is its own.
            e.surname_hash = if shape.last == 0 {
                h
            } else {
                last_hash.unwrap_or_else(|| hash(&n[shape.last..]))
            };
        }
        if a < b && absent {
            self.by_name.add((a, b), h, i);
        } else if a < b {
            self.by_name.set(&self.norms, (a, b), h, i);
        }
    }

    /// Among the latest entities, the one that fits and was latest the
    /// subject of a clause; failing that, the latest that fits. One walk
    /// over the window finds both.
    fn latest_subject(&self, f: impl Fn(&Entity) -> bool) -> Option<usize> {
        // The latest of equals wins, as the latest entity comes first.
        let mut subject: Option<(usize, usize)> = None;
        let mut latest: Option<usize> = None;
        for i in self.window() {
            let e = &self.entities[i];
            // An entity was last a subject no later than it was last
            // mentioned, and the entities further on were last mentioned
            // no later than this one (see `Registry::latest`): none of
            // them is a later subject.
            if subject.is_some_and(|(_, b)| e.last <= b) {
                break;
            }
            let as_subject = e
                .last_subject
                .filter(|&s| subject.map_or(true, |(_, b)| s > b));
            if (as_subject.is_some() || latest.is_none()) && f(e) {
                if let Some(s) = as_subject {
                    subject = Some((i, s));
                }
                latest = latest.or(Some(i));
            }
        }
        subject.map(|(i, _)| i).or(latest)
    }

    /// Among the latest entities, the latest one that fits: the first in
    /// the window. Mentions come in text order, so each link makes its
    /// entity's latest mention the latest of all: the window, in the order
    /// of the entities' links, is in the order of their latest mentions.
    fn latest(&self, f: impl Fn(&Entity) -> bool) -> Option<usize> {
        self.window().find(|&i| f(&self.entities[i]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cues::with_key;

    /// The normalisation as first written: split, trim, lowercase.
    fn reference(s: &str) -> String {
        with_key(s, |k| {
            let k = k.strip_prefix("the ").unwrap_or(k);
            k.split(|c: char| !c.is_alphanumeric() && c != '-')
                .map(|w| w.trim_matches('-'))
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join(" ")
        })
    }

    /// The window after any links is the latest [`WINDOW`] distinct
    /// entities, latest first, as a list that moves each linked entity to
    /// its end and drops its first beyond the window.
    #[test]
    fn the_window_keeps_the_latest_entities() {
        let mut reg = Registry::with_buffers(Buffers::default(), 0);
        let n = 3 * WINDOW;
        for _ in 0..n {
            reg.entities.push(Entity {
                name: "",
                role: None,
                kind: SpeakerKind::Unknown,
                first: 0,
                proper: false,
                gender: None,
                norm: (0, 0),
                last: 0,
                last_subject: None,
                seen: NOT_RECENT,
                words: 0,
                surname_hash: 0,
                surname_entry: NameMap::END,
            });
        }
        let mut recent: Vec<usize> = Vec::new();
        let mut x = 7usize;
        for step in 0..20 * Registry::LOG {
            // Runs of one entity, and entities from a range that drifts.
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let i = if step % 5 == 0 {
                0
            } else {
                (x >> 33) % (WINDOW + step / 40) % n
            };
            reg.touch(i);
            if let Some(p) = recent.iter().position(|&y| y == i) {
                recent.remove(p);
            }
            recent.push(i);
            if recent.len() > WINDOW {
                recent.remove(0);
            }
            let want: Vec<usize> = recent.iter().rev().copied().collect();
            assert_eq!(reg.window().collect::<Vec<_>>(), want, "step {step}");
        }
    }

    /// [`plain`] as first written, a byte at a time.
    fn plain_reference(b: &[u8]) -> Option<Shape> {
        /// Per byte: 1 for an ASCII letter or digit, 2 for a space, else 0.
        const KIND: [u8; 256] = {
            let mut t = [0u8; 256];
            let mut c = 0;
            while c < 256 {
                if (c as u8).is_ascii_alphanumeric() {
                    t[c] = 1;
                }
                c += 1;
            }
            t[b' ' as usize] = 2;
            t
        };
        // A table look-up per byte; before the first word is as after a space.
        let mut prev = 2;
        let mut shape = Shape { words: 0, last: 0 };
        for (k, &c) in b.iter().enumerate() {
            let kind = KIND[c as usize];
            // Neither another byte nor a second space in a row.
            if kind == 0 || kind & prev == 2 {
                return None;
            }
            if kind == 2 {
                // A word ends (a letter or digit lowercases with bit 0x20 set).
                shape.words |= word_bit_of(k - shape.last, b[k - 1] | 0x20);
                shape.last = k + 1;
            }
            prev = kind;
        }
        if prev != 1 {
            return None;
        }
        shape.words |= word_bit_of(b.len() - shape.last, b[b.len() - 1] | 0x20);
        Some(shape)
    }

    /// Every string of up to 10 bytes of letters, digits, spaces and other
    /// bytes, in every arrangement of a few: [`plain`] agrees with the
    /// reference.
    #[test]
    fn plain_agrees_with_the_reference() {
        let alphabet = [
            b'a', b'Z', b'0', b'9', b' ', b'-', b'.', b'@', b'[', b'`', b'{', 0x7f,
        ];
        let mut x = 1u64;
        for len in 0..=17 {
            for _ in 0..4000 {
                let mut v = Vec::new();
                for _ in 0..len {
                    x = x
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    // Mostly letters and spaces, as names are.
                    let r = (x >> 33) as usize % 24;
                    v.push(if r < 12 {
                        alphabet[r]
                    } else if r < 20 {
                        b'q'
                    } else {
                        b' '
                    });
                }
                let mut out = Vec::new();
                let (got, want) = (plain(&v, &mut out), plain_reference(&v));
                assert_eq!(
                    got.map(|s| (s.words, s.last)),
                    want.map(|s| (s.words, s.last)),
                    "{v:?}"
                );
                if got.is_some() {
                    assert_eq!(out, v.to_ascii_lowercase(), "{v:?}");
                }
            }
        }
        assert!(plain("Ann Lee".as_bytes(), &mut Vec::new()).is_some());
        assert!(plain("Ann  Lee".as_bytes(), &mut Vec::new()).is_none());
        assert!(plain("Ann Lée".as_bytes(), &mut Vec::new()).is_none());
    }

    #[test]
    fn short_words_are_read_whole() {
        let b = b"abcdefg";
        for n in 0..8 {
            let mut buf = [0; 8];
            buf[..n].copy_from_slice(&b[..n]);
            assert_eq!(short_word(&b[..n]), u64::from_le_bytes(buf), "{n}");
        }
    }

    #[test]
    fn words_are_found_whole() {
        for (n, w) in [
            ("", "a"),
            ("a", "a"),
            ("russian embassy in kyiv", "embassy"),
            ("russian embassy", "embassy"),
            ("embassy", "embass"),
            ("the  embassy", "embassy"),
            ("embassy staff", "embassy"),
            ("embassys", "embassy"),
            (" x", "x"),
            ("x ", "x"),
        ] {
            let want = n.split(' ').any(|x| x == w);
            assert_eq!(has_word(n.as_bytes(), w.as_bytes()), want, "{n:?} {w:?}");
        }
    }

    #[test]
    fn norm_agrees_with_the_reference() {
        let mut out = Vec::new();
        for s in [
            "",
            " ",
            "Ann Lee",
            "The U.S. Department of Defense",
            "the  embassy",
            "THE Embassy ",
            " Lind-Holt",
            "--Jo--",
            "Mr. O'Neil, 34",
            "Ana Şahin",
            "The Ministry’s spokesman",
            "a - b",
            "Them",
            "the",
            "The ",
            "the-x y",
            "İstanbul Mayor",
            "Ms. Ağaoğlu-",
            "- -",
            "O’Neil–Smith",
            "THE ÉCOLE",
            "a  b",
            "a b ",
            "Ann Lee2 X",
            "O’Malley’s  -x- Y",
            "‘Z’",
            "Bo",
        ] {
            let shape = norm_into(&mut out, s);
            assert_eq!(out, reference(s).as_bytes(), "{s:?}");
            assert_eq!(
                shape.last == 0,
                !out.contains(&b' '),
                "{s:?}: a space exactly when the last word starts later"
            );
            let want = Shape::of(&out);
            assert_eq!((shape.words, shape.last), (want.words, want.last), "{s:?}");
        }
    }
}
