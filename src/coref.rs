//! Stage 4b: coreference. Links each speaker mention to an entity of the
//! article: a pronoun to the latest fitting person or organisation, a surname
//! or alias ("Sullivan", "(Pentagon)") to the full name, and a definite
//! description ("the embassy") to the earlier mention whose head it repeats.

use rustc_hash::FxHashMap as HashMap;

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
    pub mentions: Vec<(usize, usize)>,
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
    /// Normalised names and aliases to entities.
    by_name: HashMap<String, usize>,
    /// Last words of people's names (surnames) to the latest such entity.
    by_surname: HashMap<String, usize>,
    /// The latest entities, oldest first.
    recent: Vec<usize>,
    /// The normalised names of the entities, one after another.
    norms: String,
    /// Scratch space for the normalised name of the mention being linked.
    buf: String,
}

/// Lowercase words without punctuation and leading "the"; hyphens stay, so
/// "Lind-Holt" is one word. Written into `out`, which is cleared first.
fn norm_into(out: &mut String, s: &str) {
    out.clear();
    if s.is_ascii() {
        // The same, byte by byte: the key of ASCII text is its lowercase.
        let b = s.as_bytes();
        let b = match b.get(..4) {
            Some(the) if the.eq_ignore_ascii_case(b"the ") => &b[4..],
            _ => b,
        };
        for w in b.split(|c| !c.is_ascii_alphanumeric() && *c != b'-') {
            let start = w.iter().position(|&c| c != b'-').unwrap_or(w.len());
            let end = w.iter().rposition(|&c| c != b'-').map_or(start, |e| e + 1);
            if start >= end {
                continue;
            }
            if !out.is_empty() {
                out.push(' ');
            }
            out.extend(w[start..end].iter().map(|c| c.to_ascii_lowercase() as char));
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

fn last_word(n: &str) -> &str {
    n.rsplit(' ').next().unwrap_or("")
}

/// The word `w` is one of the space-separated words of `n`.
fn has_word(n: &str, w: &str) -> bool {
    n.as_bytes()
        .split(|&b| b == b' ')
        .any(|x| x == w.as_bytes())
}

/// Maps `k` to `i` in `map`, allocating the key only when it is new.
fn set(map: &mut HashMap<String, usize>, k: &str, i: usize) {
    match map.get_mut(k) {
        Some(v) => *v = i,
        None => {
            map.insert(k.to_owned(), i);
        }
    }
}

impl<'t> Registry<'t> {
    /// Links a mention at byte `pos` to an entity, creating one when nothing
    /// fits, and returns its index.
    pub fn observe(&mut self, m: &Mention<'t>, pos: usize) -> usize {
        let mut n = std::mem::take(&mut self.buf);
        norm_into(&mut n, m.name);
        let i = self.link(m, pos, &n);
        if let Some(a) = m.alias {
            norm_into(&mut n, a);
            set(&mut self.by_name, &n, i);
        }
        self.buf = n;
        if self.entities[i].proper && self.entities[i].kind == SpeakerKind::Person {
            let (a, b) = self.entities[i].norm;
            let surname = last_word(&self.norms[a..b]);
            if self.by_surname.get(surname) != Some(&i) {
                set(&mut self.by_surname, surname, i);
            }
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
            self.by_name.get(n).copied().or_else(|| {
                if !n.contains(' ') {
                    // A surname alone: "Osei" after "Amara Osei".
                    self.by_surname.get(n).copied()
                } else {
                    // A full name after its surname alone: "Osei", then "Amara Osei".
                    self.by_name
                        .get(last_word(n))
                        .copied()
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
                e.mentions.push(m.span);
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
                    self.index_name(i, n);
                }
                i
            }
            None => {
                let norm = self.push_norm(n);
                self.entities.push(Entity {
                    name: m.name,
                    role: m.role,
                    kind: m.kind,
                    mentions: vec![m.span],
                    proper: m.proper,
                    gender: m.gender,
                    norm,
                    last: pos,
                    last_subject: m.subject.then_some(pos),
                });
                let i = self.entities.len() - 1;
                if m.pronoun.is_none() {
                    self.index_name(i, n);
                }
                i
            }
        }
    }

    fn index_name(&mut self, i: usize, n: &str) {
        if !n.is_empty() {
            set(&mut self.by_name, n, i);
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
