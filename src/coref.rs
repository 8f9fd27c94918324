//! Stage 4b: coreference. Links each speaker mention to an entity of the
//! article: a pronoun to the latest fitting person or organisation, a surname
//! or alias ("Sullivan", "(Pentagon)") to the full name, and a definite
//! description ("the embassy") to the earlier mention whose head it repeats.

use rustc_hash::FxHashMap as HashMap;

use crate::cues::with_key;
use crate::record::SpeakerKind;
use crate::speaker::Mention;

/// A person's gender as the article gives it, for pronoun agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Gender {
    Female,
    Male,
}

/// One person or organisation of the article.
#[derive(Debug, Clone)]
pub(crate) struct Entity {
    pub name: String,
    pub role: Option<String>,
    pub kind: SpeakerKind,
    pub mentions: Vec<(usize, usize)>,
    pub proper: bool,
    /// Female or male, once a mention or a pronoun linked to it has said so.
    gender: Option<Gender>,
    /// `norm(name)`, kept with the name.
    norm: String,
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
/// whatever the length of the article.
#[derive(Debug, Default)]
pub(crate) struct Registry {
    pub entities: Vec<Entity>,
    /// Normalised names and aliases to entities.
    by_name: HashMap<String, usize>,
    /// Last words of people's names (surnames) to the latest such entity.
    by_surname: HashMap<String, usize>,
    /// The latest entities, oldest first.
    recent: Vec<usize>,
}

/// Lowercase words without punctuation and leading "the"; hyphens stay, so
/// "Lind-Holt" is one word.
fn norm(s: &str) -> String {
    if s.is_ascii() {
        // The same, byte by byte: the key of ASCII text is its lowercase.
        let b = s.as_bytes();
        let b = match b.get(..4) {
            Some(the) if the.eq_ignore_ascii_case(b"the ") => &b[4..],
            _ => b,
        };
        let mut out = String::with_capacity(b.len());
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
        return out;
    }
    with_key(s, |k| {
        let k = k.strip_prefix("the ").unwrap_or(k);
        let mut out = String::with_capacity(k.len());
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
        out
    })
}

fn last_word(n: &str) -> &str {
    n.rsplit(' ').next().unwrap_or("")
}

impl Registry {
    /// Links a mention at byte `pos` to an entity, creating one when nothing
    /// fits, and returns its index.
    pub fn observe(&mut self, m: &Mention, pos: usize) -> usize {
        let n = norm(&m.name);
        let found = if let Some(p) = &m.pronoun {
            let want: &[SpeakerKind] = match p.as_str() {
                "he" | "she" | "i" => &[SpeakerKind::Person],
                "it" => &[SpeakerKind::Organization],
                "they" => &[SpeakerKind::Organization, SpeakerKind::Person],
                _ => &[],
            };
            // "she" never refers to a person the article calls male, nor
            // "he" to one it calls female.
            let agrees =
                |e: &Entity| m.gender.is_none() || e.gender.is_none() || e.gender == m.gender;
            self.latest_subject(|e| {
                agrees(e)
                    && want.contains(&e.kind)
                    && (p != "they" || e.kind == SpeakerKind::Organization || !e.proper)
                    && (e.kind != SpeakerKind::Person || p == "they" || e.proper)
            })
        } else if m.proper {
            self.by_name.get(&n).copied().or_else(|| {
                if !n.contains(' ') {
                    // A surname alone: "Osei" after "Amara Osei".
                    self.by_surname.get(&n).copied()
                } else {
                    // A full name after its surname alone: "Osei", then "Amara Osei".
                    self.by_name.get(last_word(&n)).copied().filter(|&i| {
                        self.entities[i].proper && !self.entities[i].norm.contains(' ')
                    })
                }
            })
        } else if m.definite && !m.coordinated {
            // "the embassy" repeats the head of "the Russian embassy in Kyiv".
            let head = last_word(&n).to_string();
            if head.is_empty() {
                None
            } else {
                self.latest(|e| e.norm.split(' ').any(|w| w == head))
            }
        } else {
            None
        };
        let i = match found {
            Some(i) => {
                let e = &mut self.entities[i];
                e.mentions.push(m.span);
                e.last = e.last.max(pos);
                if m.subject {
                    e.last_subject = Some(pos);
                }
                if e.role.is_none() {
                    e.role = m.role.clone();
                }
                if e.kind == SpeakerKind::Unknown {
                    e.kind = m.kind;
                }
                if e.gender.is_none() && !m.coordinated {
                    e.gender = m.gender;
                }
                // The fullest proper name wins.
                if m.proper && m.pronoun.is_none() && (!e.proper || n.len() > e.norm.len()) {
                    e.name = m.name.clone();
                    e.norm = n.clone();
                    e.proper = true;
                    self.index_name(i, n);
                }
                i
            }
            None => {
                self.entities.push(Entity {
                    name: m.name.clone(),
                    role: m.role.clone(),
                    kind: m.kind,
                    mentions: vec![m.span],
                    proper: m.proper,
                    gender: m.gender,
                    norm: n.clone(),
                    last: pos,
                    last_subject: m.subject.then_some(pos),
                });
                let i = self.entities.len() - 1;
                if m.pronoun.is_none() {
                    self.index_name(i, n);
                }
                i
            }
        };
        if let Some(a) = &m.alias {
            self.by_name.insert(norm(a), i);
        }
        if self.entities[i].proper && self.entities[i].kind == SpeakerKind::Person {
            let surname = last_word(&self.entities[i].norm);
            if self.by_surname.get(surname) != Some(&i) {
                self.by_surname.insert(surname.to_string(), i);
            }
        }
        self.recent.retain(|&x| x != i);
        self.recent.push(i);
        if self.recent.len() > WINDOW {
            self.recent.remove(0);
        }
        i
    }

    fn index_name(&mut self, i: usize, n: String) {
        if !n.is_empty() {
            self.by_name.insert(n, i);
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
