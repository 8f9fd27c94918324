//! Stage 4b: coreference. Links each speaker mention to an entity of the
//! article: a pronoun to the latest fitting person or organisation, a surname
//! or alias ("Sullivan", "(Pentagon)") to the full name, and a definite
//! description ("the embassy") to the earlier mention whose head it repeats.

use std::hash::BuildHasher;

use rustc_hash::{FxBuildHasher, FxHashMap as HashMap};

use crate::cues::with_key;
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
}

/// How many of the latest entities a pronoun or a description may refer to.
const WINDOW: usize = 64;

/// The article's entities, filled mention by mention in text order.
///
/// Look-ups are by hash for names and over a window of the latest entities
/// for pronouns and descriptions, so linking a mention costs O(1) amortised
/// whatever the length of the article. Names and roles are slices of the
/// article's text; a mention allocates only when it brings a new name.
#[derive(Debug, Default)]
pub(crate) struct Registry<'t> {
    pub entities: Vec<Entity<'t>>,
    /// Every mention linked (its entity, its span), in the order linked.
    pub mentions: Vec<(usize, (usize, usize))>,
    /// Normalised names and aliases to entities.
    by_name: NameMap,
    /// Last words of people's names (surnames) to the latest such entity.
    by_surname: NameMap,
    /// The latest entities, oldest first.
    recent: Vec<usize>,
    /// The normalised names of the entities and the aliases, one after
    /// another: the keys of `by_name` and `by_surname` are spans of it.
    norms: String,
    /// Scratch space for the normalised name of the mention being linked.
    buf: String,
}

/// A map from names to entities whose keys are spans of one string (the
/// registry's `norms`), so that adding a key allocates nothing: each hash
/// of a key leads to a chain of the entries with that hash.
#[derive(Debug, Default)]
struct NameMap {
    /// The hash of a key to its latest entry.
    heads: HashMap<u64, usize>,
    /// The entries: the key's span, its entity, and the entry before it
    /// with the same hash ([`NameMap::END`] for none).
    entries: Vec<((usize, usize), usize, usize)>,
}

impl NameMap {
    /// No entry.
    const END: usize = usize::MAX;

    /// An empty map with room for `n` keys.
    fn with_capacity(n: usize) -> NameMap {
        NameMap {
            heads: HashMap::with_capacity_and_hasher(n, FxBuildHasher),
            entries: Vec::with_capacity(n),
        }
    }

    /// The entry whose key (a span of `keys`) is `k`, with the hash of `k`.
    fn find(&self, keys: &str, k: &str) -> (Option<usize>, u64) {
        let h = FxBuildHasher.hash_one(k);
        let mut at = self.heads.get(&h).copied().unwrap_or(NameMap::END);
        while at != NameMap::END {
            let ((a, b), _, prev) = self.entries[at];
            if &keys[a..b] == k {
                return (Some(at), h);
            }
            at = prev;
        }
        (None, h)
    }

    /// The entity of the key `k`.
    fn get(&self, keys: &str, k: &str) -> Option<usize> {
        self.find(keys, k).0.map(|e| self.entries[e].1)
    }

    /// Maps the key `keys[a..b]` to entity `i`.
    fn set(&mut self, keys: &str, (a, b): (usize, usize), i: usize) {
        match self.find(keys, &keys[a..b]) {
            (Some(e), _) => self.entries[e].1 = i,
            (None, h) => {
                let prev = self.heads.insert(h, self.entries.len());
                self.entries.push(((a, b), i, prev.unwrap_or(NameMap::END)));
            }
        }
    }
}

/// Lowercase words without punctuation and leading "the"; hyphens stay, so
/// "Lind-Holt" is one word. Written into `out`, which is cleared first.
fn norm_into(out: &mut String, s: &str) {
    out.clear();
    if s.is_ascii() {
        // The same, byte by byte: the key of ASCII text is its lowercase.
        let s = match s.as_bytes().get(..4) {
            Some(the) if the.eq_ignore_ascii_case(b"the ") => &s[4..],
            _ => s,
        };
        let b = s.as_bytes();
        // Most names are words of letters and digits with one space between
        // them ("Ann Lee"): their key is their lowercase.
        if plain(b) {
            out.push_str(s);
            out.make_ascii_lowercase();
            return;
        }
        let part = |c: u8| c.is_ascii_alphanumeric() || c == b'-';
        let mut i = 0;
        while i < b.len() {
            // A run of letters, digits and hyphens, without its outer hyphens.
            let run = i;
            while i < b.len() && part(b[i]) {
                i += 1;
            }
            let (mut start, mut end) = (run, i);
            while start < end && b[start] == b'-' {
                start += 1;
            }
            while end > start && b[end - 1] == b'-' {
                end -= 1;
            }
            i += 1;
            if start >= end {
                continue;
            }
            if !out.is_empty() {
                out.push(' ');
            }
            let at = out.len();
            out.push_str(&s[start..end]);
            out[at..].make_ascii_lowercase();
        }
        return;
    }
    with_key(s, |k| {
        let k = k.strip_prefix("the ").unwrap_or(k);
        for w in k
            .split(|c: char| !c.is_alphanumeric() && c != '-')
            .map(|w| w.trim_matches('-'))
            .filter(|w| !w.is_empty())
        {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(w);
        }
    })
}

/// `b` is words of ASCII letters and digits with one space between them.
fn plain(b: &[u8]) -> bool {
    let mut space = true; // before the first word
    for &c in b {
        if c == b' ' {
            if space {
                return false;
            }
            space = true;
        } else if c.is_ascii_alphanumeric() {
            space = false;
        } else {
            return false;
        }
    }
    !space
}

fn last_word(n: &str) -> &str {
    match n.as_bytes().iter().rposition(|&b| b == b' ') {
        Some(k) => &n[k + 1..],
        None => n,
    }
}

/// The word `w` is one of the space-separated words of `n`.
fn has_word(n: &str, w: &str) -> bool {
    let (n, w) = (n.as_bytes(), w.as_bytes());
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
    /// An empty registry with room for about `n` mentions.
    pub fn with_capacity(n: usize) -> Registry<'t> {
        Registry {
            entities: Vec::with_capacity(n),
            mentions: Vec::with_capacity(n),
            by_name: NameMap::with_capacity(n),
            by_surname: NameMap::with_capacity(n),
            recent: Vec::with_capacity(WINDOW + 1),
            norms: String::with_capacity(16 * n),
            buf: String::new(),
        }
    }

    /// Links a mention at byte `pos` to an entity, creating one when nothing
    /// fits, and returns its index.
    pub fn observe(&mut self, m: &Mention<'t>, pos: usize) -> usize {
        let mut n = std::mem::take(&mut self.buf);
        norm_into(&mut n, m.name);
        let i = self.link(m, pos, &n);
        self.mentions.push((i, m.span));
        if let Some(a) = m.alias {
            norm_into(&mut n, a);
            let k = self.push_norm(&n);
            self.by_name.set(&self.norms, k, i);
        }
        self.buf = n;
        if self.entities[i].proper && self.entities[i].kind == SpeakerKind::Person {
            let (a, b) = self.entities[i].norm;
            let surname = last_word(&self.norms[a..b]);
            let a = b - surname.len();
            self.by_surname.set(&self.norms, (a, b), i);
        }
        if let Some(p) = self.recent.iter().position(|&x| x == i) {
            self.recent.remove(p);
        }
        self.recent.push(i);
        if self.recent.len() > WINDOW {
            self.recent.remove(0);
        }
        i
    }

    /// The normalised name of entity `i`.
    fn norm(&self, i: usize) -> &str {
        let (a, b) = self.entities[i].norm;
        &self.norms[a..b]
    }

    /// Keeps the normalised name `n` with the others; returns where it stands.
    fn push_norm(&mut self, n: &str) -> (usize, usize) {
        let a = self.norms.len();
        self.norms.push_str(n);
        (a, self.norms.len())
    }

    /// [`Registry::observe`] but for the alias, the surname and the window
    /// of the latest entities; `n` is `norm(m.name)`.
    fn link(&mut self, m: &Mention<'t>, pos: usize, n: &str) -> usize {
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
            self.by_name.get(norms, n).or_else(|| {
                if !n.contains(' ') {
                    // A surname alone: "Osei" after "Amara Osei".
                    self.by_surname.get(norms, n)
                } else {
                    // A full name after its surname alone: "Osei", then "Amara Osei".
                    self.by_name
                        .get(norms, last_word(n))
                        .filter(|&i| self.entities[i].proper && !self.norm(i).contains(' '))
                }
            })
        } else if m.definite && !m.coordinated {
            // "the embassy" repeats the head of "the Russian embassy in Kyiv".
            let head = last_word(n);
            if head.is_empty() {
                None
            } else {
                let norms = &self.norms;
                self.latest(|e| has_word(&norms[e.norm.0..e.norm.1], head))
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
                    let span = self.push_norm(n);
                    self.entities[i].norm = span;
                    self.index_name(i, span);
                }
                i
            }
            None => {
                let norm = self.push_norm(n);
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
                });
                let i = self.entities.len() - 1;
                if m.pronoun.is_none() {
                    self.index_name(i, norm);
                }
                i
            }
        }
    }

    /// Maps the name `norms[a..b]` to entity `i`.
    fn index_name(&mut self, i: usize, (a, b): (usize, usize)) {
        if a < b {
            self.by_name.set(&self.norms, (a, b), i);
        }
    }

    /// Among the latest entities, the one that fits and was latest the
    /// subject of a clause; failing that, the latest that fits.
    fn latest_subject(&self, f: impl Fn(&Entity) -> bool) -> Option<usize> {
        self.recent
            .iter()
            .copied()
            .filter(|&i| self.entities[i].last_subject.is_some() && f(&self.entities[i]))
            .max_by_key(|&i| self.entities[i].last_subject)
            .or_else(|| self.latest(f))
    }

    /// Among the latest entities, the latest one that fits.
    fn latest(&self, f: impl Fn(&Entity) -> bool) -> Option<usize> {
        self.recent
            .iter()
            .copied()
            .filter(|&i| f(&self.entities[i]))
            .max_by_key(|&i| self.entities[i].last)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            assert_eq!(has_word(n, w), want, "{n:?} {w:?}");
        }
    }

    #[test]
    fn norm_agrees_with_the_reference() {
        let mut out = String::new();
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
        ] {
            norm_into(&mut out, s);
            assert_eq!(out, reference(s), "{s:?}");
        }
    }
}
