//! Stage 3a: the cue lexicon and the closed word classes, loaded from the
//! data files in `src/rules/` (`cues.toml`, `words.toml`).

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use serde::Deserialize;

use crate::error::Error;
use crate::record::CueClass;

/// One cue entry of a rule file: a lemma, its class and its forms.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct CueDef {
    pub lemma: String,
    pub class: String,
    #[serde(default)]
    pub addressee: bool,
    /// True when the verb reports with an infinitive ("vowed to fight").
    #[serde(default)]
    pub infinitive: bool,
    /// True when the verb reports only a that-clause, a quotation or (with
    /// `infinitive`) an infinitive: "maintained that ...", not "maintained
    /// close ties".
    #[serde(default)]
    pub needs_that: bool,
    /// True for a verb that names as often as it reports ("a group called
    /// Sandy Hook Promise"): a content of capitalised words only, or a
    /// speaker that opens with "a" or "an", makes no record.
    #[serde(default)]
    pub naming: bool,
    /// For a verb with an `addressee`: true when its speaker may still follow
    /// it after the content ("“Why?” asked Lee"). Without it, a noun phrase
    /// after such a cue is its hearer ("..., told Radio North").
    #[serde(default)]
    pub inverts: bool,
    #[serde(default)]
    pub finite: Vec<String>,
    #[serde(default)]
    pub participle: Vec<String>,
    /// Multi-word cues that stand before their speaker ("according to").
    #[serde(default)]
    pub phrase: Vec<String>,
    /// Multi-word finite cues ("pointed out").
    #[serde(default)]
    pub phrase_finite: Vec<String>,
    /// Multi-word participle cues ("pointing out").
    #[serde(default)]
    pub phrase_participle: Vec<String>,
    /// Finite forms that are also nouns ("claims", "reports"): cues only
    /// after a name, a pronoun, a source noun, an auxiliary or "who".
    #[serde(default)]
    pub noun: Vec<String>,
}

/// The grammatical form of a cue word, which decides its token class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    Finite,
    Participle,
    According,
}

/// A cue entry after loading.
#[derive(Debug, Clone)]
pub(crate) struct CueEntry {
    pub lemma: String,
    pub class: CueClass,
    pub addressee: bool,
    pub infinitive: bool,
    /// See [`CueDef::needs_that`].
    pub needs_that: bool,
    /// See [`CueDef::naming`].
    pub naming: bool,
    /// See [`CueDef::inverts`].
    pub inverts: bool,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct WordsFile {
    determiners: Vec<String>,
    quantifiers: Vec<String>,
    copulas: Vec<String>,
    pronouns: Vec<String>,
    relatives: Vec<String>,
    prepositions: Vec<String>,
    coordinators: Vec<String>,
    auxiliaries: Vec<String>,
    conjunctions: Vec<String>,
    sources: Vec<String>,
    titles: Vec<String>,
    honorifics: Vec<String>,
    organization_words: Vec<String>,
    calendar: Vec<String>,
    abbreviations: Vec<String>,
    particles: Vec<String>,
    ly_nouns: Vec<String>,
    female: Vec<String>,
    male: Vec<String>,
}

/// The compiled lexicon: every word list the tokeniser and the speaker
/// analysis consult. Keys are lowercase, with `’` written as `'`.
#[derive(Debug, Clone)]
pub(crate) struct Lexicon {
    /// Closed-class words to their token class.
    pub words: HashMap<String, u8>,
    /// Single-word cues to (entry, form).
    pub cues: HashMap<String, (u32, Form)>,
    /// Multi-word cues by first word: (remaining words, entry, form).
    pub multi: HashMap<String, Vec<(Vec<String>, u32, Form)>>,
    pub entries: Vec<CueEntry>,
    pub titles: HashSet<String>,
    pub honorifics: HashSet<String>,
    pub org_words: HashSet<String>,
    pub sources: HashSet<String>,
    pub calendar: HashSet<String>,
    pub abbreviations: HashSet<String>,
    pub particles: HashSet<String>,
    /// Lowercase words in -ly that are nouns, not adverbs ("the family said").
    pub ly_nouns: HashSet<String>,
    /// Honorifics and nouns that call a person female ("Mrs.", "spokeswoman").
    pub female: HashSet<String>,
    /// Honorifics and nouns that call a person male ("Mr.", "spokesman").
    pub male: HashSet<String>,
    /// Cue forms that are also nouns (the `noun` forms of the cue entries).
    pub noun_forms: HashSet<String>,
}

/// `char::is_alphanumeric`, without the Unicode tables for ASCII and for the
/// quotation marks and dashes news text is full of (none of them is a
/// letter or a digit).
#[inline]
pub(crate) fn is_alphanumeric(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    match c {
        '“' | '”' | '‘' | '’' | '„' | '‚' | '‟' | '‹' | '›' | '«' | '»' | '—' | '–' | '…' => {
            false
        }
        _ => c.is_alphanumeric(),
    }
}

/// Lowercases a word for lexicon look-up, folding `’` to `'`.
pub(crate) fn key(word: &str) -> String {
    let mut s = String::with_capacity(word.len());
    key_into(&mut s, word);
    s
}

/// Calls `f` with the [`key`] of `word`; a short ASCII word is lowercased on
/// the stack, with no allocation.
pub(crate) fn with_key<R>(word: &str, f: impl FnOnce(&str) -> R) -> R {
    const MAX: usize = 32;
    let b = word.as_bytes();
    if word.is_ascii() {
        if !b.iter().any(u8::is_ascii_uppercase) {
            // Already lowercase.
            return f(word);
        }
        if b.len() <= MAX {
            let mut buf = [0u8; MAX];
            let k = &mut buf[..b.len()];
            k.copy_from_slice(b);
            k.make_ascii_lowercase();
            if let Ok(k) = std::str::from_utf8(k) {
                return f(k);
            }
        }
    }
    f(&key(word))
}

/// [`key`] into a buffer that the caller reuses: no allocation per word.
pub(crate) fn key_into(buf: &mut String, word: &str) {
    buf.clear();
    if word.is_ascii() {
        buf.push_str(word);
        buf.make_ascii_lowercase();
        return;
    }
    for c in word.chars() {
        if c == '’' || c == '‘' {
            buf.push('\'');
        } else {
            buf.extend(c.to_lowercase());
        }
    }
}

const BUILTIN_WORDS: &str = include_str!("rules/words.toml");

impl Lexicon {
    /// Loads the built-in word lists; cue entries are added with [`Lexicon::add_cue`].
    pub fn builtin() -> Result<Lexicon, Error> {
        let w: WordsFile = toml::from_str(BUILTIN_WORDS)
            .map_err(|e| Error::rule_file("src/rules/words.toml", None, e.to_string()))?;
        let mut words = HashMap::default();
        use crate::segment::class as c;
        // Later lists win: sources (H) must not override determiners etc.
        for (list, cls) in [
            (&w.sources, c::SOURCE),
            (&w.conjunctions, c::CONJ),
            (&w.auxiliaries, c::AUX),
            (&w.coordinators, c::AND),
            (&w.prepositions, c::PREP),
            (&w.relatives, c::WHO),
            (&w.pronouns, c::PRONOUN),
            (&w.determiners, c::DET),
            (&w.quantifiers, c::QUANT),
            (&w.copulas, c::VERB),
        ] {
            for word in list {
                words.insert(key(word), cls);
            }
        }
        words.insert("that".into(), c::THAT);
        // Titles head noun phrases like source nouns: "former congressman X".
        for t in &w.titles {
            words.entry(key(t)).or_insert(c::SOURCE);
        }
        let set = |v: &Vec<String>| v.iter().map(|s| key(s)).collect::<HashSet<_>>();
        Ok(Lexicon {
            words,
            cues: HashMap::default(),
            multi: HashMap::default(),
            entries: Vec::new(),
            titles: set(&w.titles),
            honorifics: set(&w.honorifics),
            org_words: set(&w.organization_words),
            sources: set(&w.sources),
            calendar: set(&w.calendar),
            abbreviations: set(&w.abbreviations),
            particles: set(&w.particles),
            ly_nouns: set(&w.ly_nouns),
            female: set(&w.female),
            male: set(&w.male),
            noun_forms: HashSet::default(),
        })
    }

    /// Adds one cue entry; later entries override earlier forms.
    pub fn add_cue(&mut self, def: &CueDef, file: &str) -> Result<(), Error> {
        let class = CueClass::parse(&def.class).ok_or_else(|| {
            Error::cue_entry(
                file,
                &def.lemma,
                format!(
                    "unknown cue class {:?} (expected speech, report, belief, evidence or stance)",
                    def.class
                ),
            )
        })?;
        if def.lemma.trim().is_empty() {
            return Err(Error::rule_file(
                file,
                None,
                "a cue has an empty lemma".into(),
            ));
        }
        let idx = self.entries.len() as u32;
        self.entries.push(CueEntry {
            lemma: def.lemma.clone(),
            class,
            addressee: def.addressee,
            infinitive: def.infinitive,
            needs_that: def.needs_that,
            naming: def.naming,
            inverts: def.inverts,
        });
        let forms = def
            .finite
            .iter()
            .map(|w| (w, Form::Finite))
            .chain(def.participle.iter().map(|w| (w, Form::Participle)))
            .chain(def.phrase.iter().map(|w| (w, Form::According)))
            .chain(def.phrase_finite.iter().map(|w| (w, Form::Finite)))
            .chain(def.phrase_participle.iter().map(|w| (w, Form::Participle)))
            .chain(def.noun.iter().map(|w| (w, Form::Finite)));
        for w in &def.noun {
            self.noun_forms.insert(key(w));
        }
        for (form_text, form) in forms {
            let parts: Vec<String> = form_text.split_whitespace().map(key).collect();
            match parts.as_slice() {
                [] => {
                    return Err(Error::cue_entry(
                        file,
                        &def.lemma,
                        "a cue form is empty".into(),
                    ));
                }
                [one] => {
                    if form == Form::According {
                        return Err(Error::cue_entry(
                            file,
                            &def.lemma,
                            format!("phrase {form_text:?} needs at least two words"),
                        ));
                    }
                    self.cues.insert(one.clone(), (idx, form));
                }
                [first, rest @ ..] => {
                    let v = self.multi.entry(first.clone()).or_default();
                    v.retain(|(r, _, _)| r.as_slice() != rest);
                    v.push((rest.to_vec(), idx, form));
                    // Longest phrases first.
                    v.sort_by_key(|(r, _, _)| std::cmp::Reverse(r.len()));
                }
            }
        }
        Ok(())
    }
}
