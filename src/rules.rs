//! Stage 3b: attribution rules. A rule is a pattern over the token classes of
//! one sentence (see `src/rules/english.toml` and the crate docs, "Rule
//! patterns"), compiled once into a regular expression over class bytes.

use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};

use std::sync::Arc;

use serde::Deserialize;

use crate::cues::{key, CueDef, Lexicon};
use crate::error::Error;
use crate::matcher::{Alphabet, Anchor, AnchoredSearch, Matcher, Parts, StartSearch};
use crate::segment::class as c;
use crate::segment::{Classifier, Vocab};

/// What a rule yields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Yields {
    Direct,
    Indirect,
    /// A lead-in: a line that names the speaker of the quotation that
    /// follows it ("From the office of Ann Lee, mayor.").
    Speaker,
}

/// One example of a rule, run by [`crate::Extractor::check_examples`].
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Example {
    pub text: String,
    pub content: String,
    #[serde(default)]
    pub speaker: Option<String>,
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub cue: Option<String>,
}

/// A rule as written in a rule file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleDef {
    pub id: String,
    #[serde(default = "default_priority")]
    pub priority: i32,
    pub yields: Yields,
    #[serde(default = "default_confidence")]
    pub confidence: f32,
    /// A record whose pattern has no `{speaker}` takes the speaker of its
    /// sentence or of the previous record (participle clauses); `false` for
    /// rules whose speaker is unknown by nature ("Asked about ...").
    #[serde(default = "default_true")]
    pub inherit_speaker: bool,
    pub pattern: String,
    #[serde(default)]
    pub examples: Vec<Example>,
}

fn default_priority() -> i32 {
    50
}
fn default_true() -> bool {
    true
}
fn default_confidence() -> f32 {
    0.7
}

/// A rule file: rules and cue entries.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleFile {
    #[serde(default)]
    pub rule: Vec<RuleDef>,
    #[serde(default)]
    pub cue: Vec<CueDef>,
}

impl RuleFile {
    pub fn parse(src: &str, file: &str) -> Result<RuleFile, Error> {
        toml::from_str(src)
            .map_err(|e| Error::rule_file(file, None, e.to_string().trim_end().to_string()))
    }
}

/// The placeholders a pattern can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hole {
    Quote,
    Content,
    ContentMixed,
    ContentParagraph,
    Speaker,
    SpeakerName,
    Cue,
    CueParticiple,
    CueAddressee,
    CueAccording,
    Addressee,
    Who,
    Aside,
    Source,
}

/// A compiled rule.
#[derive(Debug, Clone)]
pub(crate) struct Rule {
    pub def: RuleDef,
    /// The regex the pattern compiles to (one byte per token class).
    #[cfg_attr(not(test), allow(dead_code))]
    pub src: String,
    pub matcher: Arc<Matcher>,
    /// The content runs on to the end of the paragraph.
    pub paragraph: bool,
    /// A document can only match when it holds, for each entry, at least one
    /// of its bytes (the quotation and cue tokens the pattern requires).
    pub needs: Vec<Vec<u8>>,
    /// Capture-group indices of the pattern's parts.
    pub groups: Groups,
}

/// Capture-group indices of a rule's parts.
#[derive(Debug, Clone, Default)]
pub(crate) struct Groups {
    pub quotes: Vec<usize>,
    pub content: Option<usize>,
    pub speaker: Option<usize>,
    pub cue: Option<usize>,
    pub who: Option<usize>,
}

impl Groups {
    fn of(names: &[Option<String>]) -> Groups {
        let mut g = Groups::default();
        for (i, name) in names.iter().enumerate() {
            match name.as_deref() {
                Some("content") => g.content = Some(i),
                Some("speaker") => g.speaker = Some(i),
                Some("cue") => g.cue = Some(i),
                Some("who") => g.who = Some(i),
                Some(q) if q.starts_with('q') => g.quotes.push(i),
                _ => {}
            }
        }
        g
    }
}

/// All compiled rules with the literal-word table they share.
#[derive(Debug, Clone)]
pub(crate) struct RuleSet {
    pub rules: Vec<Rule>,
    pub literals: HashMap<String, u8>,
    /// The speaker noun-phrase regex, for mention detection.
    pub np: String,
    /// The same, searched from the bytes it can start with, over `alphabet`.
    pub np_starts: StartSearch,
    /// The byte numbering that the rules' matchers and `np_starts` search.
    pub alphabet: Alphabet,
    /// The subject of a clause, for participle clauses without a speaker.
    #[cfg_attr(not(test), allow(dead_code))]
    pub subject: String,
    /// Its syntax tree (over the class bytes, not renumbered).
    pub subject_hir: regex_syntax::hir::Hir,
    /// The same, searched from the bytes it can start with, over
    /// `alphabet`.
    pub subject_starts: StartSearch,
    /// Anchored: a speaker and a finite cue ("Ann Lee has said"), where a
    /// reported clause must stop.
    pub attribution: String,
    /// The same, searched over `alphabet`, for whether a match starts at a
    /// position (see [`AnchoredSearch::exists`]).
    pub attribution_search: AnchoredSearch,
}

const MAX_LITERALS: usize = 64;

fn byte_class(bytes: &[u8]) -> String {
    let mut s = String::from("[");
    for b in bytes {
        s.push_str(&format!("\\x{b:02X}"));
    }
    s.push(']');
    s
}

/// Any token but these, and never the sentence separator.
fn not_class(bytes: &[u8]) -> String {
    let mut s = format!("[^\\x{:02X}", c::SEP);
    for b in bytes {
        s.push_str(&format!("\\x{b:02X}"));
    }
    s.push(']');
    s
}

/// Builds regex fragments for token classes, including the literal bytes whose
/// words belong to each class.
struct Classes {
    /// base class -> literal bytes whose word has that base class.
    extra: HashMap<u8, Vec<u8>>,
    /// Literal bytes whose word is a cue.
    cue_literals: HashSet<u8>,
}

impl Classes {
    /// The bytes of these base classes and of the literals that belong to them.
    fn bytes(&self, base: &[u8]) -> Vec<u8> {
        let mut v: Vec<u8> = base.to_vec();
        for b in base {
            if let Some(x) = self.extra.get(b) {
                v.extend_from_slice(x);
            }
        }
        v
    }

    fn set(&self, base: &[u8]) -> String {
        let mut v: Vec<u8> = base.to_vec();
        for b in base {
            if let Some(x) = self.extra.get(b) {
                v.extend_from_slice(x);
            }
        }
        byte_class(&v)
    }

    /// The speaker noun phrase. With `closed`, an appositive must end with
    /// its comma (the phrase stands before its cue: "Ann Lee, a nurse, said");
    /// otherwise the phrase may end the sentence ("said Ann Lee, a nurse.").
    fn np(&self, closed: bool) -> String {
        let d = self.set(&[c::DET, c::QUANT]);
        let n = self.set(&[c::NAME]);
        let h = self.set(&[c::SOURCE]);
        let w = self.set(&[c::WORD]);
        let pre = self.set(&[c::NAME, c::NUM, c::POSS]);
        let o = self.set(&[c::PREP]);
        let and = self.set(&[c::AND]);
        let comma = byte_class(&[c::COMMA]);
        let lp = byte_class(&[c::LPAREN]);
        let rp = byte_class(&[c::RPAREN]);
        let p = self.set(&[c::PRONOUN]);
        let s_ = self.set(&[c::POSS]);
        let possessor = format!("(?:{d}?(?:{w}|{n}|{h}){{1,3}}{s_})");
        let num = self.set(&[c::NUM]);
        // "his nephew Ivo Lund": a lowercase description before a name.
        // Alternatives run longest first, since the first that fits wins:
        // a description before a name ("Republican party boss Ann Lee"), a
        // title or source noun with names, a name, a quantifier, a number.
        let quant = self.set(&[c::QUANT]);
        let desc = self.set(&[c::WORD, c::NAME, c::SOURCE, c::NUM, c::POSS]);
        let core = format!(
            "{d}?{desc}{{0,4}}{h}{n}+|{possessor}?{d}{{0,2}}{pre}*(?:(?:{w}|{n}){{0,4}}{h}+{n}*|{n})|{d}?{quant}|{d}?{num}"
        );
        let core = format!("(?:{core})");
        let alias = self.set(&[c::NAME, c::SOURCE]);
        // A parenthesis after the name: an alias "(the Board)", or a party and
        // state "(D-R.I.)", which may be followed by a stray comma.
        let inside = not_class(&[c::RPAREN, c::SEMI, c::QUOTE]);
        let simple = format!(
            "{core}(?:{o}(?:{core}|{d}?{w}{{1,3}}))*(?:{lp}{d}?{alias}+{rp}|{lp}{inside}{{1,6}}{rp}{comma}?)?"
        );
        let name = format!("{n}+");
        let role = format!(
            "{possessor}?{d}{{0,2}}{pre}*(?:{w}|{n}){{0,4}}{h}+(?:{w}|{h}|{n}|{o}|{d}|{pre}|{and})*"
        );
        let coord = format!("{simple}(?:{comma}{simple})*{comma}?{and}{simple}");
        // After a name, an appositive may also be any phrase that opens with a
        // determiner: "Ann Lee, a lawyer who chairs the board,".
        let phrase = not_class(&[c::COMMA, c::STOP, c::SEMI, c::QUOTE, c::CUE, c::CUE_TELL]);
        let end = if closed {
            comma.clone()
        } else {
            format!("{comma}?")
        };
        // "Ann Lee, Director of Research, Norland Institute": a role may end
        // with its organisation.
        // A party label with its stop: "Ann Lee, R-Ky., said".
        let stop = byte_class(&[c::STOP]);
        // The name before an appositive may carry its title: "Senate Leader
        // Ann Lee, a Democrat,".
        // And, before its cue, a party and state: "Sen. Ann Lee (R-Ga.), a
        // co-author, said". (After the cue the appositive has no comma to
        // close it and could run on.)
        let party = if closed {
            format!("(?:{lp}{inside}{{1,6}}{rp})?")
        } else {
            String::new()
        };
        let titled = format!("(?:{d}?{desc}{{0,4}}{h})?{name}{party}");
        let appos = format!(
            "(?:{titled}{comma}(?:{n}{stop}|{num}(?:{comma}(?:{role}|{d}{phrase}+))?|{role}(?:{comma}{alias}+)?|{d}{phrase}+)|{role}{comma}{name}){end}"
        );
        // A relative clause: "Ann Lee, who chairs the board,".
        let who = self.set(&[c::WHO]);
        let rest = not_class(&[c::COMMA, c::STOP, c::SEMI, c::QUOTE]);
        let dash = byte_class(&[c::DASH]);
        let dashless = not_class(&[c::DASH, c::STOP, c::SEMI, c::QUOTE]);
        // Before its cue, a restrictive one with no commas: "others who
        // want to ban it said".
        let restrictive = if closed {
            let words = not_class(&[
                c::COMMA,
                c::STOP,
                c::SEMI,
                c::COLON,
                c::QUOTE,
                c::WHO,
                c::CUE,
                c::CUE_TELL,
                c::CUE_ING,
                c::CUE_TELLING,
                c::ACCORDING,
            ]);
            // It ends in a noun, so that the verb of "who have said" stays
            // the cue.
            let last = self.set(&[c::NAME, c::SOURCE, c::WORD, c::NUM]);
            format!("|{who}{words}{{0,7}}{last}")
        } else {
            String::new()
        };
        let relative = format!("(?:{comma}{who}{rest}+{comma}|{dash}{who}{dashless}+{dash})?");
        // The restrictive one follows no comma: not after an appositive.
        let relative_or_restrictive =
            format!("(?:{comma}{who}{rest}+{comma}|{dash}{who}{dashless}+{dash}{restrictive})?");
        // Last, a determiner and nouns outside the source list: "the club",
        // "her brother".
        // Or a quantifier alone: "many said", "some say".
        let quant = self.set(&[c::QUANT]);
        // The head may follow names: "the GOP speechwriter", "the NFL legend".
        // Or a possessor: "Lund's associates".
        let described = format!(
            "{d}(?:{w}|{n}){{0,3}}{w}|{possessor}(?:{w}|{n}){{0,2}}{w}|{d}?{num}{w}{{1,2}}|{quant}"
        );
        // An age and then a relative clause: "Ann Lee, 58, who lives here,".
        let aged = format!("{titled}{comma}{num}{comma}{who}{rest}+{comma}");
        format!(
            "(?:{aged}|{appos}{relative}|(?:{coord}|{simple}){relative_or_restrictive}|{p}|{described})"
        )
    }

    /// The subject of a clause, more liberal than a speaker: any noun phrase
    /// that opens with a determiner ("the conservative magazine").
    fn subject(&self) -> String {
        let d = self.set(&[c::DET, c::QUANT]);
        let words = self.set(&[c::NAME, c::WORD, c::SOURCE, c::NUM]);
        let head = self.set(&[c::NAME, c::WORD, c::SOURCE]);
        format!("(?:{}|{d}{words}{{0,4}}{head})", self.np(true))
    }
}

fn literal_word(tok: &str) -> bool {
    tok.chars()
        .all(|ch| ch.is_alphanumeric() || ch == '\'' || ch == '-' || ch == '.')
        && tok.chars().next().is_some_and(char::is_alphanumeric)
}

fn collect_literals(defs: &[(RuleDef, String)]) -> Result<Vec<String>, Error> {
    let mut lits: Vec<String> = Vec::new();
    for (def, file) in defs {
        for raw in def.pattern.split_whitespace() {
            let tok = raw.strip_suffix('?').unwrap_or(raw);
            for tok in tok.split('|').filter(|w| literal_word(w)) {
                let k = key(tok);
                if !lits.contains(&k) {
                    lits.push(k);
                }
                if lits.len() > MAX_LITERALS {
                    return Err(Error::rule_file(
                        file,
                        Some(&def.id),
                        format!("too many distinct literal words across all rules (at most {MAX_LITERALS})"),
                    ));
                }
            }
        }
    }
    Ok(lits)
}

impl RuleSet {
    /// Compiles rule definitions. `defs` pairs each rule with its file name.
    pub fn compile(
        defs: Vec<(RuleDef, String)>,
        lexicon: &Lexicon,
        cue_classes: &HashSet<crate::CueClass>,
    ) -> Result<RuleSet, Error> {
        let mut seen = HashSet::default();
        for (def, file) in &defs {
            if !seen.insert(def.id.clone()) {
                return Err(Error::rule_file(
                    file,
                    Some(&def.id),
                    "duplicate rule id".into(),
                ));
            }
            if def.id.trim().is_empty() {
                return Err(Error::rule_file(
                    file,
                    None,
                    "a rule has an empty id".into(),
                ));
            }
            if !(0.0..=1.0).contains(&def.confidence) {
                return Err(Error::rule_file(
                    file,
                    Some(&def.id),
                    format!("confidence {} is outside [0, 1]", def.confidence),
                ));
            }
        }
        let lits = collect_literals(&defs)?;
        let literals: HashMap<String, u8> = lits
            .iter()
            .enumerate()
            .map(|(i, w)| (w.clone(), i as u8))
            .collect();
        // Which base classes each literal byte belongs to.
        let vocab = Vocab::default();
        let cl = Classifier {
            lexicon,
            classes: cue_classes,
            vocab: &vocab,
        };
        let mut extra: HashMap<u8, Vec<u8>> = HashMap::default();
        for (i, w) in lits.iter().enumerate() {
            let first = w.chars().next().unwrap_or('a');
            for cap in [false, true] {
                let (base, _) = cl.base_class(w, cap, first);
                extra
                    .entry(base)
                    .or_default()
                    .push(c::LITERAL + 2 * i as u8 + cap as u8);
            }
        }
        let cue_literals = [
            c::CUE,
            c::CUE_TELL,
            c::CUE_ING,
            c::CUE_TELLING,
            c::ACCORDING,
        ]
        .iter()
        .flat_map(|b| extra.get(b).cloned().unwrap_or_default())
        .collect();
        let classes = Classes {
            extra,
            cue_literals,
        };
        let np = classes.np(false);
        let np_closed = classes.np(true);
        let compiled = defs
            .into_iter()
            .map(|(def, file)| {
                let c = compile_pattern(&def, &file, &classes, &literals, [&np, &np_closed])?;
                Ok((def, file, c))
            })
            .collect::<Result<Vec<_>, Error>>()?;
        // An adverbial may come first: ", at the hearing this week she said".
        let adverbial = format!(
            "(?:{}{}{{0,6}}?)?",
            classes.set(&[c::PREP, c::CONJ]),
            not_class(&[c::COMMA, c::STOP, c::SEMI, c::QUOTE, c::CUE, c::CUE_TELL])
        );
        // ... or an inverted one: ", said Ann Lee".
        let cue = classes.set(&[c::CUE, c::CUE_TELL]);
        // A coordinator may join it to the clause before: ", and Ann Lee said".
        let attribution = format!(
            "^{}?(?:{adverbial}(?:{np_closed}){}{{0,3}}{cue}|{cue}(?:{np_closed}))",
            classes.set(&[c::AND]),
            classes.set(&[c::AUX]),
        );
        let subject = classes.subject();
        // One alphabet for every pattern, made from all their parts.
        let mut parts = Parts::new(
            compiled
                .iter()
                .flat_map(|(_, _, c)| c.parts.iter().map(String::as_str))
                .chain([np.as_str(), attribution.as_str(), subject.as_str()]),
            &[&np, &np_closed],
        );
        let mut rules = Vec::with_capacity(compiled.len());
        for (def, file, compiled) in compiled {
            let Compiled {
                src,
                parts: elements,
                paragraph,
                needs,
                anchor,
            } = compiled;
            let matcher =
                Matcher::new(&src, &elements, anchor.as_ref(), &mut parts).map_err(|e| {
                    Error::rule_file(
                        &file,
                        Some(&def.id),
                        format!("pattern does not compile: {e}"),
                    )
                })?;
            let groups = Groups::of(&matcher.group_names());
            rules.push(Rule {
                def,
                src,
                groups,
                matcher: Arc::new(matcher),
                paragraph,
                needs,
            });
        }
        let np_starts = StartSearch::new(&np, &mut parts)
            .map_err(|e| Error::rule_file("<builtin>", None, e))?;
        let attribution_search = AnchoredSearch::exists(&attribution, &mut parts)
            .map_err(|e| Error::rule_file("<builtin>", None, e))?;
        let subject_starts = StartSearch::new(&subject, &mut parts)
            .map_err(|e| Error::rule_file("<builtin>", None, e))?;
        let subject_hir = parts
            .original(&subject)
            .map_err(|e| Error::rule_file("<builtin>", None, e))?;
        Ok(RuleSet {
            rules,
            literals,
            alphabet: parts.alphabet().clone(),
            np_starts,
            attribution_search,
            np,
            subject,
            subject_hir,
            subject_starts,
            attribution,
        })
    }
}

/// A pattern compiled to a regex source, with what the rule needs to know of it.
struct Compiled {
    src: String,
    /// The regex of each element, in order: `src` without its flags.
    parts: Vec<String>,
    paragraph: bool,
    needs: Vec<Vec<u8>>,
    /// Where the search anchors (see [`crate::matcher`]).
    anchor: Option<Anchor>,
}

fn compile_pattern(
    def: &RuleDef,
    file: &str,
    classes: &Classes,
    literals: &HashMap<String, u8>,
    [np, np_closed]: [&str; 2],
) -> Result<Compiled, Error> {
    let err = |pos: usize, msg: String| {
        Error::rule_file(
            file,
            Some(&def.id),
            format!("pattern {:?}, element {}: {msg}", def.pattern, pos + 1),
        )
    };
    let elems: Vec<&str> = def.pattern.split_whitespace().collect();
    if elems.is_empty() {
        return Err(err(0, "the pattern is empty".into()));
    }
    let mut out = String::from("(?s-u)");
    let mut quotes = 0usize;
    let mut needs: Vec<Vec<u8>> = Vec::new();
    let mut content = false;
    let mut paragraph = false;
    let mut speaker = false;
    let mut cue = false;
    let stop_like = [c::STOP, c::SEMI];
    // The regex of each element, and the anchors: the first required cue
    // (its bytes and the regex of what its element holds before it), the
    // first required quote.
    let mut parts: Vec<String> = Vec::with_capacity(elems.len());
    let mut cue_anchor: Option<(usize, Vec<u8>, String)> = None;
    let mut quote_anchor: Option<(usize, Vec<u8>)> = None;
    let mut other_anchor: Option<(usize, Vec<u8>)> = None;
    for (pos, raw) in elems.iter().enumerate() {
        let (tok, optional) = match raw.strip_suffix('?') {
            Some(t) if !t.is_empty() => (t, true),
            _ => (*raw, false),
        };
        let last = pos + 1 == elems.len();
        let frag: String = if let Some(inner) =
            tok.strip_prefix('{').and_then(|t| t.strip_suffix('}'))
        {
            let hole = match inner {
                "quote" => Hole::Quote,
                "content" => Hole::Content,
                "content:mixed" => Hole::ContentMixed,
                "content:paragraph" => Hole::ContentParagraph,
                "speaker" => Hole::Speaker,
                "speaker:name" => Hole::SpeakerName,
                "cue" => Hole::Cue,
                "cue:participle" => Hole::CueParticiple,
                "cue:addressee" => Hole::CueAddressee,
                "cue:according" => Hole::CueAccording,
                "addressee" => Hole::Addressee,
                "who" => Hole::Who,
                "aside" => Hole::Aside,
                "source" => Hole::Source,
                other => {
                    return Err(err(pos, format!(
                        "unknown placeholder {{{other}}} (known: quote, content, content:mixed, content:paragraph, speaker, speaker:name, cue, cue:participle, cue:addressee, cue:according, addressee, who, aside, source)"
                    )))
                }
            };
            let aux = classes.set(&[c::AUX]);
            match hole {
                Hole::Quote => {
                    if !optional {
                        needs.push(classes.bytes(&[c::QUOTE]));
                        if quote_anchor.is_none() {
                            quote_anchor = Some((pos, classes.bytes(&[c::QUOTE])));
                        }
                    }
                    let g = format!("(?P<q{quotes}>{})", classes.set(&[c::QUOTE]));
                    quotes += 1;
                    g
                }
                Hole::ContentParagraph => {
                    if content || !last {
                        return Err(err(
                            pos,
                            "{content:paragraph} must come last, and only once".into(),
                        ));
                    }
                    content = true;
                    paragraph = true;
                    // The rest of the sentence; the extractor runs it on to the
                    // end of the paragraph.
                    format!("(?P<content>{}+)", not_class(&[c::STOP]))
                }
                Hole::ContentMixed => {
                    if content {
                        return Err(err(pos, "a pattern holds at most one {content}".into()));
                    }
                    content = true;
                    // Reported speech that ends in a quotation: `his crews would "hold on"`.
                    // At least one word comes first; a quotation alone is {quote}.
                    format!(
                        "(?P<content>{}+?{})",
                        not_class(&stop_like),
                        classes.set(&[c::QUOTE])
                    )
                }
                Hole::Content => {
                    if content {
                        return Err(err(pos, "a pattern holds at most one {content}".into()));
                    }
                    content = true;
                    let body = not_class(&stop_like);
                    if last {
                        // A reported clause runs to the end of the sentence, or
                        // to a comma that opens a participle cue.
                        // A participle cue after a comma or a quotation opens a
                        // clause of its own ("..., noting that"); after a word
                        // it belongs to the content ("is acknowledging").
                        // A colon before a quotation opens a direct quote, and
                        // "and said" a second attribution. "According to"
                        // names the source of what comes before it, so the
                        // clause ends there.
                        let conj = classes.bytes(&[c::AND]);
                        let mut stops = vec![
                            c::STOP,
                            c::SEMI,
                            c::COMMA,
                            c::COLON,
                            c::CUE_ING,
                            c::CUE_TELLING,
                            c::ACCORDING,
                        ];
                        stops.extend_from_slice(&conj);
                        let x = not_class(&stops);
                        stops.push(c::QUOTE);
                        let w = not_class(&stops);
                        let g = byte_class(&[c::CUE_ING, c::CUE_TELLING]);
                        let cj = byte_class(&conj);
                        let no_cue = not_class(&[
                            c::STOP,
                            c::SEMI,
                            c::COMMA,
                            c::CUE,
                            c::CUE_TELL,
                            c::CUE_ING,
                            c::CUE_TELLING,
                        ]);
                        // Right after its cue it may open with a gerund:
                        // "called for denying entry".
                        let after_cue = pos > 0 && elems[pos - 1].starts_with("{cue");
                        // After a determiner a participle is a noun, first
                        // or after a comma too: "said the warning was clear".
                        let det = classes.set(&[c::DET, c::POSS, c::QUANT, c::NUM]);
                        let noun = format!("{det}{g}");
                        let first = if after_cue {
                            format!("(?:{noun}|{x}|{g})")
                        } else {
                            format!("(?:{noun}|{x})")
                        };
                        format!(
                            "(?P<content>{first}(?:{w}{g}|{x}|,(?:{noun}|{x})|:{w}|,?{cj}{no_cue})*)"
                        )
                    } else {
                        format!("(?P<content>{body}+?)")
                    }
                }
                Hole::SpeakerName => {
                    if speaker {
                        return Err(err(pos, "a pattern holds at most one {speaker}".into()));
                    }
                    speaker = true;
                    // Capitalised words only, a title among them: "SEN. LEE", "Ann Lee".
                    format!("(?P<speaker>{}+)", classes.set(&[c::NAME, c::SOURCE]))
                }
                Hole::Speaker | Hole::Source => {
                    if speaker {
                        return Err(err(pos, "a pattern holds at most one {speaker}".into()));
                    }
                    speaker = true;
                    if hole == Hole::Source {
                        // Any phrase up to a comma or the sentence end: "a recent
                        // poll by the state university".
                        // Last in its pattern, the phrase may hold an appositive.
                        let any = not_class(&[
                            c::COMMA,
                            c::STOP,
                            c::SEMI,
                            c::QUOTE,
                            c::CUE,
                            c::CUE_TELL,
                            c::COLON,
                        ]);
                        // An appositive opens like a noun phrase: ", a rail
                        // analyst", ", director of the bureau".
                        let opens = classes.set(&[c::DET, c::QUANT, c::SOURCE, c::NAME, c::NUM]);
                        let tail = if last || elems.get(pos + 1) == Some(&"$") {
                            format!("(?:,{opens}{any}*)?")
                        } else {
                            String::new()
                        };
                        format!("(?P<speaker>{any}+{tail})")
                    } else {
                        // Before its cue, an appositive closes with a comma.
                        let next = elems.get(pos + 1).map_or("", |e| e.trim_end_matches('?'));
                        let np = if next.starts_with("{cue") || next == "{aside}" {
                            np_closed
                        } else {
                            np
                        };
                        format!("(?P<speaker>{np})")
                    }
                }
                Hole::Cue | Hole::CueParticiple | Hole::CueAddressee | Hole::CueAccording => {
                    if cue {
                        return Err(err(pos, "a pattern holds at most one cue".into()));
                    }
                    cue = true;
                    // A time adverbial may stand before a finite cue: "Lee
                    // on Monday said", "the board Tuesday announced".
                    // An adverb may come first: "Lee later Thursday told".
                    let when = format!(
                        "(?:{}?{}?{}{}?)?",
                        classes.set(&[c::CONJ, c::PREP]),
                        classes.set(&[c::AUX]),
                        classes.set(&[c::TIME]),
                        classes.set(&[c::WORD])
                    );
                    if !optional {
                        let key = classes.bytes(match hole {
                            Hole::Cue => &[c::CUE, c::CUE_TELL],
                            Hole::CueAddressee => &[c::CUE_TELL],
                            Hole::CueParticiple => &[c::CUE_ING, c::CUE_TELLING],
                            _ => &[c::ACCORDING],
                        });
                        let before = match hole {
                            Hole::Cue | Hole::CueAddressee => format!("{when}{aux}{{0,3}}"),
                            _ => String::new(),
                        };
                        cue_anchor = Some((pos, key.clone(), before));
                        needs.push(key);
                    }
                    // Keep in step with `before` above: the element is
                    // `before` and then the cue's own token.
                    match hole {
                        Hole::Cue => format!(
                            "{when}(?P<cue>{aux}{{0,3}}{})",
                            classes.set(&[c::CUE, c::CUE_TELL])
                        ),
                        Hole::CueAddressee => {
                            format!("{when}(?P<cue>{aux}{{0,3}}{})", classes.set(&[c::CUE_TELL]))
                        }
                        Hole::CueParticiple => {
                            format!("(?P<cue>{})", classes.set(&[c::CUE_ING, c::CUE_TELLING]))
                        }
                        _ => format!("(?P<cue>{})", classes.set(&[c::ACCORDING])),
                    }
                }
                Hole::Addressee => format!("(?P<addressee>{np})"),
                Hole::Who => format!("(?P<who>{})", classes.set(&[c::WHO])),
                Hole::Aside => {
                    // No verb inside: ", the race will be tight," is a
                    // clause of its own, not an aside. A participle inside
                    // it, though not first, modifies a noun there: ", in the
                    // wake of a poll showing a loss,".
                    const LATER: [u8; 11] = [
                        c::AUX,
                        c::VERB,
                        c::THAT,
                        c::WHO,
                        c::COMMA,
                        c::STOP,
                        c::SEMI,
                        c::QUOTE,
                        c::CUE,
                        c::CUE_TELL,
                        c::ACCORDING,
                    ];
                    // A participle may open it: ", writing for the court,".
                    let later = not_class(&LATER);
                    format!(",{later}{{1,12}},")
                }
            }
        } else if tok == "..." {
            // Before "that", a subject and its verb open a clause: "said
            // they are worried that ..." reports the whole clause, not what
            // follows "that".
            let before_that = elems.get(pos + 1).is_some_and(|e| *e == "that");
            let clause: &[u8] = if before_that { &[c::PRONOUN] } else { &[] };
            let skip = not_class(
                &[
                    clause,
                    &[
                        c::QUOTE,
                        c::CUE,
                        c::CUE_TELL,
                        c::CUE_ING,
                        c::CUE_TELLING,
                        c::ACCORDING,
                        c::STOP,
                        c::SEMI,
                    ],
                ]
                .concat(),
            );
            format!("{skip}{{0,8}}?")
        } else if tok == "^" {
            if pos != 0 {
                return Err(err(pos, "^ must come first".into()));
            }
            byte_class(&[c::SEP])
        } else if tok == "$" {
            if !last {
                return Err(err(pos, "$ must come last".into()));
            }
            format!("{}?{}", byte_class(&[c::STOP]), byte_class(&[c::SEP]))
        } else if let Some(set) = tok.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
            let mut bytes = Vec::new();
            for ch in set.chars() {
                bytes.push(punct_class(ch).ok_or_else(|| {
                    err(
                        pos,
                        format!("{ch:?} is not a punctuation mark a pattern knows"),
                    )
                })?);
            }
            if bytes.is_empty() {
                return Err(err(pos, "empty [ ]".into()));
            }
            byte_class(&bytes)
        } else if tok
            .split('|')
            .all(|w| literal_word(w) || single_punct(w).is_some())
        {
            let mut bytes = Vec::new();
            for w in tok.split('|') {
                match single_punct(w) {
                    Some(b) => bytes.push(b),
                    None => {
                        let i = literals[&key(w)];
                        bytes.extend([c::LITERAL + 2 * i, c::LITERAL + 2 * i + 1]);
                    }
                }
            }
            // With no {cue} in the pattern, a literal cue word is the cue:
            // "when|after? asked {content}".
            let is_cue = bytes.iter().all(|b| classes.cue_literals.contains(b));
            if !cue && is_cue && !elems.iter().any(|e| e.starts_with("{cue")) {
                cue = true;
                if !optional {
                    needs.push(bytes.clone());
                    cue_anchor = Some((pos, bytes.clone(), String::new()));
                }
                format!("(?P<cue>{})", byte_class(&bytes))
            } else {
                // A required word or mark can anchor a rule that has no cue
                // and no quotation ("^ {speaker:name} : {content:paragraph}").
                if !optional && other_anchor.is_none() {
                    other_anchor = Some((pos, bytes.clone()));
                }
                byte_class(&bytes)
            }
        } else {
            return Err(err(
                pos,
                format!("{tok:?} is not a placeholder, a word, or a punctuation mark"),
            ));
        };
        let part = if optional {
            format!("(?:{frag})?")
        } else {
            frag
        };
        out.push_str(&part);
        parts.push(part);
    }
    let anchor = match (cue_anchor, quote_anchor.or(other_anchor)) {
        (Some(a), _) => Some(a),
        (None, Some((pos, key))) => Some((pos, key, String::new())),
        (None, None) => None,
    }
    .map(|(pos, key, before)| Anchor {
        element: pos,
        key,
        before,
    });
    let yields_quote = quotes > 0 && !content;
    match def.yields {
        Yields::Direct if !yields_quote => {
            return Err(err(
                0,
                "yields direct, so the pattern needs a {quote} and no {content}".into(),
            ))
        }
        Yields::Speaker if !speaker || content || quotes > 0 => {
            return Err(err(
                0,
                "yields speaker (a lead-in), so the pattern needs a {speaker} and no {quote} or {content}".into(),
            ))
        }
        Yields::Indirect if !content => {
            return Err(err(
                0,
                "yields indirect, so the pattern needs a {content}".into(),
            ))
        }
        _ => {}
    }
    Ok(Compiled {
        src: out,
        parts,
        paragraph,
        needs,
        anchor,
    })
}

fn single_punct(w: &str) -> Option<u8> {
    let mut it = w.chars();
    let ch = it.next()?;
    if it.next().is_some() {
        return None;
    }
    punct_class(ch)
}

fn punct_class(ch: char) -> Option<u8> {
    Some(match ch {
        ',' => c::COMMA,
        ':' => c::COLON,
        ';' => c::SEMI,
        '(' => c::LPAREN,
        ')' => c::RPAREN,
        '-' | '—' | '–' => c::DASH,
        '.' => c::STOP,
        _ => return None,
    })
}
