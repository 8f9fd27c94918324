//! Stage 4b: coreference. Links each speaker mention to an entity of the
//! article: a pronoun to the latest fitting person or organisation, a surname
//! or alias ("Sullivan", "(Pentagon)") to the full name, and a definite
//! description ("the embassy") to the earlier mention whose head it repeats.

use crate::cues::key;
use crate::record::SpeakerKind;
use crate::speaker::Mention;

/// One person or organisation of the article.
#[derive(Debug, Clone)]
pub(crate) struct Entity {
    pub name: String,
    pub role: Option<String>,
    pub kind: SpeakerKind,
    pub mentions: Vec<(usize, usize)>,
    pub proper: bool,
    pub aliases: Vec<String>,
    /// Byte offset of the latest mention.
    pub last: usize,
    /// Byte offset of the latest mention as a subject.
    pub last_subject: Option<usize>,
}

/// The article's entities, filled mention by mention in text order.
#[derive(Debug, Default)]
pub(crate) struct Registry {
    pub entities: Vec<Entity>,
}

/// Lowercase words without punctuation and leading "the"; hyphens stay, so
/// "Lind-Holt" is one word.
fn norm(s: &str) -> String {
    let k = key(s);
    let k = k.strip_prefix("the ").unwrap_or(&k).to_string();
    k.split(|c: char| !c.is_alphanumeric() && c != '-')
        .map(|w| w.trim_matches('-'))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn last_word(s: &str) -> String {
    norm(s).rsplit(' ').next().unwrap_or("").to_string()
}

impl Registry {
    /// Links a mention at byte `pos` to an entity, creating one when nothing
    /// fits, and returns its index.
    pub fn observe(&mut self, m: &Mention, pos: usize) -> usize {
        let found = if let Some(p) = &m.pronoun {
            let want: &[SpeakerKind] = match p.as_str() {
                "he" | "she" | "i" => &[SpeakerKind::Person],
                "it" => &[SpeakerKind::Organization],
                "they" => &[SpeakerKind::Organization, SpeakerKind::Person],
                _ => &[],
            };
            self.latest_subject(|e| {
                want.contains(&e.kind)
                    && (p != "they" || e.kind == SpeakerKind::Organization || !e.proper)
                    && (e.kind != SpeakerKind::Person || p == "they" || e.proper)
            })
        } else if m.proper {
            let n = norm(&m.name);
            let words = n.split(' ').count();
            self.entities
                .iter()
                .position(|e| norm(&e.name) == n || e.aliases.iter().any(|a| norm(a) == n))
                .or_else(|| {
                    if words == 1 {
                        self.latest(|e| {
                            e.proper && e.kind == SpeakerKind::Person && last_word(&e.name) == n
                        })
                    } else {
                        // A full name after its surname alone: "Osei", then "Amara Osei".
                        self.latest(|e| {
                            e.proper
                                && norm(&e.name).split(' ').count() == 1
                                && last_word(&m.name) == norm(&e.name)
                        })
                    }
                })
        } else if m.definite && !m.coordinated {
            // "the embassy" repeats the head of "the Russian embassy in Kyiv".
            let head = last_word(&m.name);
            if head.is_empty() {
                None
            } else {
                self.latest(|e| norm(&e.name).split(' ').any(|w| w == head))
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
                // The fullest proper name wins.
                if m.proper
                    && m.pronoun.is_none()
                    && (!e.proper || norm(&m.name).len() > norm(&e.name).len())
                {
                    let old = std::mem::replace(&mut e.name, m.name.clone());
                    e.aliases.push(old);
                    e.proper = true;
                }
                if e.role.is_none() {
                    e.role = m.role.clone();
                }
                if e.kind == SpeakerKind::Unknown {
                    e.kind = m.kind;
                }
                if let Some(a) = &m.alias {
                    e.aliases.push(a.clone());
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
                    aliases: m.alias.iter().cloned().collect(),
                    last: pos,
                    last_subject: m.subject.then_some(pos),
                });
                self.entities.len() - 1
            }
        }
    }

    /// The entity that fits and was latest the subject of a clause; failing
    /// that, the latest that fits.
    fn latest_subject(&self, f: impl Fn(&Entity) -> bool) -> Option<usize> {
        self.entities
            .iter()
            .enumerate()
            .filter(|(_, e)| e.last_subject.is_some() && f(e))
            .max_by_key(|(_, e)| e.last_subject)
            .map(|(i, _)| i)
            .or_else(|| self.latest(f))
    }

    fn latest(&self, f: impl Fn(&Entity) -> bool) -> Option<usize> {
        self.entities
            .iter()
            .enumerate()
            .filter(|(_, e)| f(e))
            .max_by_key(|(_, e)| e.last)
            .map(|(i, _)| i)
    }
}
