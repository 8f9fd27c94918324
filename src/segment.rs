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
    /// pieces (quotation tokens); [`Token::NONE`] for neither.
    idx: u32,
    /// `idx` is a quote piece.
    is_quote: bool,
    /// The word starts with an uppercase letter.
    pub capital: bool,
    /// The class as the lexicon alone gives it (ignoring rule literals).
    pub base: u8,
}

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
            is_quote: quote.is_some(),
            capital,
            base,
        }
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
        (!self.is_quote && self.idx != Token::NONE).then_some(self.idx)
    }

    /// Index into the quote pieces, for quotation tokens.
    pub fn quote(&self) -> Option<u32> {
        (self.is_quote && self.idx != Token::NONE).then_some(self.idx)
    }

    /// The token is no cue after all ("was told": a passive).
    fn clear_cue(&mut self) {
        if !self.is_quote {
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
#[derive(Debug, Clone, Copy, Default)]
struct WordInfo {
    /// A single-word cue of a cue class that makes records: its entry, its
    /// token class, and whether it is finite.
    cue: Option<(u32, u8, bool)>,
    /// A closed-class word's class.
    word: Option<u8>,
    calendar: bool,
    /// A literal word of some rule: its index.
    literal: Option<u8>,
    /// Some multi-word cue opens with this word.
    multi: bool,
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
            multi: false,
        }
    }
}

/// The word lists of a [`Classifier`] merged into one map, built once per
/// extractor.
#[derive(Debug, Default)]
pub(crate) struct Vocab {
    map: HashMap<String, WordInfo>,
}

impl Vocab {
    pub fn new(
        lexicon: &Lexicon,
        classes: &HashSet<CueClass>,
        literals: &HashMap<String, u8>,
    ) -> Vocab {
        // Every word some list holds, with all the lists say of it.
        let mut map: HashMap<String, WordInfo> = HashMap::default();
        let words = lexicon
            .cues
            .keys()
            .chain(lexicon.words.keys())
            .chain(lexicon.calendar.iter())
            .chain(literals.keys())
            .chain(lexicon.multi.keys());
        for k in words {
            if !map.contains_key(k) {
                map.insert(k.clone(), WordInfo::of(lexicon, classes, k));
            }
        }
        for (k, &li) in literals {
            if let Some(i) = map.get_mut(k) {
                i.literal = Some(li);
            }
        }
        for k in lexicon.multi.keys() {
            if let Some(i) = map.get_mut(k) {
                i.multi = true;
            }
        }
        Vocab { map }
    }
}

fn is_word_char(c: char) -> bool {
    crate::cues::is_alphanumeric(c)
}

impl Classifier<'_> {
    /// [`Classifier::base_class`] from the word's [`WordInfo`].
    fn base_class_of(
        &self,
        info: Option<&WordInfo>,
        k: &str,
        capital: bool,
        first: char,
    ) -> (u8, Option<u32>) {
        if let Some(info) = info {
            if let Some((idx, cls, finite)) = info.cue {
                if !capital || finite {
                    return (cls, Some(idx));
                }
            }
            if let Some(c) = info.word {
                return (c, None);
            }
            if info.calendar {
                return (class::TIME, None);
            }
        }
        if first.is_numeric() {
            return (class::NUM, None);
        }
        if capital {
            (class::NAME, None)
        } else if AGENT_SUFFIXES
            .iter()
            .any(|s| k.len() > s.len() + 2 && k.ends_with(s))
        {
            // Agent nouns outside the source list: "economists", "historian".
            (class::SOURCE, None)
        } else {
            (class::WORD, None)
        }
    }

    /// The class a word gets from the lexicon, ignoring rule literals.
    pub fn base_class(&self, k: &str, capital: bool, first: char) -> (u8, Option<u32>) {
        let info = WordInfo::of(self.lexicon, self.classes, k);
        self.base_class_of(Some(&info), k, capital, first)
    }
}

/// Endings of lowercase agent nouns, which can head a source like the
/// nouns of the source list ("hacking specialists say", "participants
/// said").
const AGENT_SUFFIXES: [&str; 5] = ["ists", "ians", "ers", "ist", "ian"];

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
        if key(&trimmed[..end]) != *w {
            return None;
        }
        pos += end;
    }
    Some(pos)
}

/// Tokenises `text` and splits it into sentences and paragraphs.
pub(crate) fn tokenize<'t>(text: &'t str, quotes: Vec<QuotePiece>, cl: &Classifier<'_>) -> Doc<'t> {
    let bytes = text.as_bytes();
    let mut tokens: Vec<Token> = Vec::with_capacity(text.len() / 5 + 4);
    let mut classes: Vec<u8> = Vec::with_capacity(text.len() / 5 + 4);
    // Paragraph break before token i.
    let mut breaks: Vec<usize> = Vec::new();
    let mut qi = 0usize;
    let mut i = 0usize;
    let mut pending_break = false;
    let mut kbuf = String::with_capacity(32);
    let push = |tokens: &mut Vec<Token>, classes: &mut Vec<u8>, t: Token, c: u8| {
        tokens.push(t);
        classes.push(c);
    };
    while i < bytes.len() {
        if qi < quotes.len() && quotes[qi].open <= i {
            let q = quotes[qi];
            if pending_break {
                breaks.push(tokens.len());
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
            push(&mut tokens, &mut classes, t, class::QUOTE);
            i = t.end().max(i + 1);
            qi += 1;
            // A piece not closed in its paragraph ends at a line break.
            continue;
        }
        let b = bytes[i];
        if b == b'\n' {
            pending_break = true;
            i += 1;
            continue;
        }
        if b.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let c = if b < 0x80 {
            b as char
        } else {
            let Some(c) = text[i..].chars().next() else {
                break;
            };
            c
        };
        let clen = c.len_utf8();
        if c.is_whitespace() {
            i += clen;
            continue;
        }
        if pending_break {
            breaks.push(tokens.len());
            pending_break = false;
        }
        if is_word_char(c) {
            // A word: letters and digits, joined by internal ' ’ - . & when a
            // letter or digit follows.
            let mut end = i + clen;
            let mut dots = false;
            loop {
                // A run of ASCII letters and digits at once.
                while bytes.get(end).is_some_and(u8::is_ascii_alphanumeric) {
                    end += 1;
                }
                let Some(n) = text[end..].chars().next() else {
                    break;
                };
                if is_word_char(n) {
                    end += n.len_utf8();
                    continue;
                }
                if matches!(n, '\'' | '’' | '-' | '.' | '&' | ',' | '‘') {
                    let after = text[end + n.len_utf8()..].chars().next();
                    if after.is_some_and(is_word_char) {
                        if n == ','
                            && !(c.is_ascii_digit() && after.is_some_and(|a| a.is_ascii_digit()))
                        {
                            break;
                        }
                        // Possessive 's stays a token of its own.
                        if matches!(n, '\'' | '’') {
                            let rest = &text[end + n.len_utf8()..];
                            let mut rc = rest.chars();
                            if matches!(rc.next(), Some('s') | Some('S'))
                                && !rc.next().is_some_and(is_word_char)
                            {
                                break;
                            }
                        }
                        if n == '.' {
                            dots = true;
                        }
                        end += n.len_utf8();
                        continue;
                    }
                }
                break;
            }
            // Abbreviation or initial: keep its full stop.
            if bytes.get(end) == Some(&b'.') {
                let w = &text[i..end];
                let initial = w.chars().count() == 1 && c.is_uppercase();
                if dots || initial || {
                    key_into(&mut kbuf, w);
                    kbuf.push('.');
                    cl.lexicon.abbreviations.contains(kbuf.as_str())
                } {
                    end += 1;
                }
            }
            let w = &text[i..end];
            // A lowercase ASCII word is its own key.
            let k = if w.bytes().all(|b| b.is_ascii() && !b.is_ascii_uppercase()) {
                w
            } else {
                key_into(&mut kbuf, w);
                kbuf.as_str()
            };
            let capital = c.is_uppercase();
            let info = cl.vocab.map.get(k);
            // Multi-word cue?
            let mut cue_tok = None;
            if let Some(list) = info
                .filter(|i| i.multi)
                .and_then(|_| cl.lexicon.multi.get(k))
            {
                for (rest, idx, form) in list {
                    let e = &cl.lexicon.entries[*idx as usize];
                    if !cl.classes.contains(&e.class) {
                        continue;
                    }
                    if let Some(n) = match_words(&text[end..], rest) {
                        cue_tok = Some((end + n, cue_class(*form, e.addressee), *idx));
                        break;
                    }
                }
            }
            if let Some((e, cls, idx)) = cue_tok {
                let t = Token::new(i, e, Some(idx), None, capital, cls);
                push(&mut tokens, &mut classes, t, cls);
                i = e;
                continue;
            }
            // "47%": a percentage is one number.
            if c.is_ascii_digit() && bytes.get(end) == Some(&b'%') {
                end += 1;
            }
            let (base, cue) = cl.base_class_of(info, k, capital, c);
            let cls = match info.and_then(|i| i.literal) {
                Some(li) => class::LITERAL + 2 * li + capital as u8,
                None => base,
            };
            push(
                &mut tokens,
                &mut classes,
                Token::new(i, end, cue, None, capital, base),
                cls,
            );
            i = end;
            continue;
        }
        // Punctuation.
        let mut end = i + clen;
        let cls = match c {
            '\'' | '’' => {
                // Possessive 's, or a bare apostrophe.
                let rest = &text[end..];
                let mut rc = rest.chars();
                if matches!(rc.next(), Some('s') | Some('S'))
                    && !rc.next().is_some_and(is_word_char)
                {
                    end += 1;
                    class::POSS
                } else {
                    i = end;
                    continue;
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
                while let Some(n) = text[end..].chars().next() {
                    if matches!(n, '.' | '!' | '?' | '…') {
                        end += n.len_utf8();
                    } else {
                        break;
                    }
                }
                class::STOP
            }
            '"' | '“' | '”' | '„' | '«' | '»' | '‘' | '‚' | '‹' | '›' => {
                // A stray mark that pairs with nothing.
                i = end;
                continue;
            }
            _ => class::OTHER,
        };
        push(
            &mut tokens,
            &mut classes,
            Token::new(i, end, None, None, false, cls),
            cls,
        );
        i = end;
    }
    mark_nouns(text, cl.lexicon, &mut tokens, &mut classes);
    mark_adverbs(text, cl.lexicon, &mut tokens, &mut classes);
    mark_voice(text, &mut tokens, &mut classes);
    mark_particles(text, cl.lexicon, &mut tokens, &mut classes);
    let sentences = split_sentences(text, &tokens, &classes, &breaks, &quotes);
    let mut hay = Vec::with_capacity(classes.len() + 2 * sentences.len() + 1);
    let mut hay_tok = Vec::with_capacity(hay.capacity());
    for (i, s) in sentences.iter().enumerate() {
        let seps = if i == 0 { 1 } else { 2 };
        for _ in 0..seps {
            hay.push(class::SEP);
            hay_tok.push(s.tokens.start as u32);
        }
        hay.extend_from_slice(&classes[s.tokens.clone()]);
        hay_tok.extend(s.tokens.clone().map(|t| t as u32));
    }
    hay.push(class::SEP);
    hay_tok.push(tokens.len() as u32);
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
fn mark_particles(text: &str, lex: &Lexicon, tokens: &mut [Token], classes: &mut [u8]) {
    let mut i = 1;
    let mut k = String::new();
    while i < tokens.len() {
        if tokens[i - 1].base != class::NAME {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < tokens.len()
            && j - i < 3
            && !tokens[j].capital
            && same_paragraph(text, &tokens[j - 1], &tokens[j])
            && {
                key_into(&mut k, &text[tokens[j].start()..tokens[j].end()]);
                lex.particles.contains(k.as_str())
            }
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
        i = j.max(i + 1);
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
fn mark_nouns(text: &str, lex: &Lexicon, tokens: &mut [Token], classes: &mut [u8]) {
    if lex.noun_forms.is_empty() {
        return;
    }
    let mut k = String::new();
    for i in 0..tokens.len() {
        if !matches!(tokens[i].base, class::CUE | class::CUE_TELL) {
            continue;
        }
        key_into(&mut k, &text[tokens[i].start()..tokens[i].end()]);
        if !lex.noun_forms.contains(&k) {
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
            // "News reports said": a cue right after it makes it a noun.
            && !tokens
                .get(i + 1)
                .is_some_and(|t| matches!(t.base, class::CUE | class::CUE_TELL | class::AUX));
        if !verb {
            // The class the word has as a noun: "reports" heads a source.
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

/// A form of "be" before a cue: with a participle it is the progressive, part
/// of the cue ("is saying"); with a past participle it is the passive, and the
/// subject is not the speaker ("was told"), so the word is no cue.
/// "quietly said", "are privately saying": up to two lowercase words in -ly
/// right before a cue are adverbs and join it as auxiliaries, unless the
/// lexicon lists them as nouns (`ly_nouns`: "the family said").
fn mark_adverbs(text: &str, lex: &Lexicon, tokens: &mut [Token], classes: &mut [u8]) {
    for i in 1..tokens.len() {
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

fn mark_voice(text: &str, tokens: &mut [Token], classes: &mut [u8]) {
    for i in 1..tokens.len() {
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
        let w = key(&text[p.start()..p.end()]);
        if !BE.contains(&w.as_str()) || !same_paragraph(text, p, &tokens[i]) {
            continue;
        }
        // "he's said" is "he has said": after a personal pronoun, "'s"
        // before a cue is an auxiliary.
        let ing = matches!(tokens[i].base, class::CUE_ING | class::CUE_TELLING);
        if w == "'s"
            && !ing
            && b >= 1
            && tokens[b - 1].base == class::PRONOUN
            && key(&text[tokens[b - 1].start()..tokens[b - 1].end()]) != "it"
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

fn ends_sentence_mark(s: &str) -> bool {
    s.trim_end_matches(['"', '”', '’', '\'', '“', '‘', '»', '«', '›', '‹', ')'])
        .ends_with(['.', '!', '?', '…'])
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

/// The quotation ends with a question mark or an exclamation mark.
fn asks_or_exclaims(s: &str) -> bool {
    s.trim_end_matches(['"', '”', '’', '\'', '“', '‘', '»', '«', '›', '‹', ')'])
        .ends_with(['!', '?'])
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

fn split_sentences(
    text: &str,
    tokens: &[Token],
    classes: &[u8],
    breaks: &[usize],
    quotes: &[QuotePiece],
) -> Vec<Sentence> {
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut para = 0usize;
    let mut bi = 0usize;
    let n = tokens.len();
    let mut i = 0usize;
    while i < n {
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
                q.closed
                    && ends_sentence_mark(&text[q.content.0..q.close])
                    && next_starts(i + 1)
                    && (tokens[start..i].iter().any(|t| t.cue().is_some())
                        || !cue_follows(tokens, i + 1))
                    && !(asks_or_exclaims(&text[q.content.0..q.close])
                        && name_then_verb(tokens, i + 1))
            }
            class::NAME | class::SOURCE | class::WORD => {
                // "in the U.S. He said": an abbreviation's stop before a
                // capitalised function word ends the sentence.
                let w = &text[tokens[i].start()..tokens[i].end()];
                w.ends_with('.')
                    && w.len() > 2
                    && i + 1 < n
                    && (tokens[i + 1].capital
                        && matches!(
                            tokens[i + 1].base,
                            class::PRONOUN | class::DET | class::CONJ
                        )
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
    out
}
