//! Long texts in sections: [`Extractor::analyze_sections`] splits a text
//! into sections of about a given size (at blank lines where it can, else at
//! line breaks, sentence ends or spaces) and analyses one section at a time,
//! so the memory a call holds stays in proportion to one section rather than
//! to the whole text.

use crate::{Analysis, Extractor};

/// The section size [`Extractor::analyze_sections`] is meant for, in bytes:
/// 256 KiB, several times the longest news article, so that articles are
/// analysed whole while archives joined into one text, and other very long
/// texts, are split. Analysing a section takes memory of some tens of times
/// its size when quotations are dense, so sections are kept this small: the
/// memory for one section (at most 512 KiB and its context) then stays
/// within a few tens of megabytes.
pub const DEFAULT_SECTION_BYTES: usize = 256 << 10;

impl Extractor {
    /// Analyses `text` one section at a time, calling `f` with each section's
    /// [`Analysis`] in text order.
    ///
    /// The text is cut into sections one after another. A rest of the text
    /// of at most `section_bytes` bytes is the last section; otherwise the
    /// section ends at the first of these that lies between `section_bytes`
    /// and `2 × section_bytes` bytes from its start, tried in this order:
    /// after a blank line (a line break, optional spaces, tabs or carriage
    /// returns, a line break); after a line break; after the first space
    /// following a sentence end (a `.`, `?` or `!`, then any closing
    /// quotation marks, then spaces and a word that starts with an
    /// uppercase ASCII letter or an opening quotation mark); after a space;
    /// as a last resort, at `2 × section_bytes` bytes (moved forward to a
    /// character boundary). So no section is longer than
    /// `2 × section_bytes` bytes plus one character, whatever the text. A
    /// text of at most `section_bytes` bytes is one section, and `f` then
    /// gets exactly what [`Extractor::analyze`] returns.
    ///
    /// Every span in the analyses `f` gets (quotes, speakers, cues,
    /// mentions) is a UTF-8 byte offset into `text`, end exclusive, as
    /// [`Extractor::analyze`] gives them. Each section is analysed together
    /// with context: about 64 KiB of text before it and 16 KiB after it,
    /// begun and ended at a line break where one lies within reach, else at
    /// a sentence end, else at a space (see the cut rules above). Each
    /// analysis gives the records whose content starts inside its section.
    ///
    /// Guaranteed: the sections cover `text` without overlap, so no record
    /// is given twice and the records come in text order, each with spans
    /// into `text`. Not guaranteed: that they are the records
    /// [`Extractor::analyze`] finds in the whole text. They differ only
    /// where something a record depends on lies outside its section's
    /// context: a quotation mark opened before the context starts, or a
    /// quotation running on past its end; a pronoun's antecedent; another
    /// mention of the same person (speakers merge, taking their name and
    /// role, within the context only, so past it records may name their
    /// speakers, or give them roles, otherwise than a whole-text analysis
    /// would; in an archive of articles joined by blank lines, that is
    /// often better).
    ///
    /// Each analysis lists the speakers of its own records, with the
    /// mentions inside its section and the mentions its records rest on;
    /// [`crate::SpeakerRef::index`] points into that list. Memory held
    /// during the call is in proportion to the largest section and its
    /// context (at most `2 × section_bytes` + 96 KiB of text), not to
    /// `text`.
    ///
    /// A `section_bytes` of 0 is taken as 1. Never panics and never fails.
    ///
    /// ```
    /// use whosaid::Extractor;
    ///
    /// let one = "“The dam will hold,” said Ines Varga.\n\n";
    /// let text = one.repeat(3);
    /// let ex = Extractor::new();
    /// let mut starts = Vec::new();
    /// ex.analyze_sections(&text, one.len(), |a| {
    ///     starts.extend(a.quotes.iter().map(|q| q.start));
    /// });
    /// let whole: Vec<usize> = ex.extract(&text).iter().map(|q| q.start).collect();
    /// assert_eq!(starts, whole); // offsets into `text`, as for the whole text
    /// assert_eq!(starts.len(), 3);
    /// ```
    pub fn analyze_sections(&self, text: &str, section_bytes: usize, mut f: impl FnMut(Analysis)) {
        let size = section_bytes.max(1);
        if text.len() <= size {
            f(self.analyze(text));
            return;
        }
        for (start, section) in sections(text, size) {
            let end = start + section.len();
            // The context: from about CONTEXT_BEFORE bytes before the section
            // to about CONTEXT_AFTER bytes after it, cut at lines, sentences
            // or words.
            let from = context_start(text, start);
            let to = context_end(text, end).max(end);
            let mut a = self.analyze(&text[from..to]);
            a.shift(from);
            f(a.keep(start, end));
        }
    }
}

/// Bytes of text before a section that its analysis reads for context
/// (antecedents of pronouns, speakers named earlier).
const CONTEXT_BEFORE: usize = 64 << 10;
/// Bytes of text after a section that its analysis reads for context (a
/// signature in the next paragraph, a quotation running past the cut).
const CONTEXT_AFTER: usize = 16 << 10;

/// The start of the context before a section that starts at `start`: the
/// first of these at or after `start - CONTEXT_BEFORE` (and before `start`):
/// a line start, else a sentence start, else a word start; else
/// `start - CONTEXT_BEFORE` itself (moved forward to a character boundary).
fn context_start(text: &str, start: usize) -> usize {
    let at = start.saturating_sub(CONTEXT_BEFORE);
    if at == 0 {
        return 0;
    }
    let bytes = text.as_bytes();
    let window = &bytes[at - 1..start];
    let found = memchr::memchr(b'\n', window)
        .map(|i| at + i)
        .or_else(|| sentence_start(bytes, at, start).map(|sp| sp + 1))
        .or_else(|| memchr::memchr(b' ', &window[1..]).map(|i| at + i + 1));
    found.unwrap_or_else(|| ceil_char(text, at)).min(start)
}

/// The end of the context after a section that ends at `end`: the first of
/// these at or after `end + CONTEXT_AFTER` and within `CONTEXT_AFTER` more
/// bytes: a line end (after its line break), else a sentence end (before the
/// space that follows it), else a word end; else `end + 2 × CONTEXT_AFTER`
/// (moved forward to a character boundary); never past the text.
fn context_end(text: &str, end: usize) -> usize {
    let at = end.saturating_add(CONTEXT_AFTER);
    if at >= text.len() {
        return text.len();
    }
    let stop = at.saturating_add(CONTEXT_AFTER).min(text.len());
    let bytes = text.as_bytes();
    let window = &bytes[at..stop];
    let found = memchr::memchr(b'\n', window)
        .map(|i| at + i + 1)
        .or_else(|| sentence_start(bytes, at, stop))
        .or_else(|| memchr::memchr(b' ', window).map(|i| at + i));
    found.unwrap_or_else(|| ceil_char(text, stop))
}

/// The first offset at or after `at` that is a character boundary of `text`
/// (the end of the text at most).
fn ceil_char(text: &str, at: usize) -> usize {
    let mut i = at.min(text.len());
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

/// The offset in `bytes` of the first sentence start whose space lies
/// between `from` and `to` (exclusive): a word that starts with an uppercase ASCII letter or an opening quotation
/// mark (`“`, `‘`, `"`), after a `.`, `?` or `!`, any closing quotation
/// marks (`”`, `’`, `"`, `'`) and one or more spaces. The offset is that of
/// the first space, so that a cut there leaves the sentence end, closing
/// marks included, to the part before it. Always a character boundary.
fn sentence_start(bytes: &[u8], from: usize, to: usize) -> Option<usize> {
    let to = to.min(bytes.len());
    let mut i = from;
    while i < to {
        let k = memchr::memchr(b' ', &bytes[i..to])?;
        let sp = i + k;
        i = sp + 1;
        if !ends_sentence(&bytes[..sp]) {
            continue;
        }
        let mut j = sp;
        while j < bytes.len() && bytes[j] == b' ' {
            j += 1;
        }
        let next = &bytes[j..];
        let opens = next.first().is_some_and(u8::is_ascii_uppercase)
            || next.starts_with(b"\"")
            || next.starts_with("\u{201c}".as_bytes())
            || next.starts_with("\u{2018}".as_bytes());
        if opens {
            return Some(sp);
        }
        i = j.max(i);
    }
    None
}

/// Whether `bytes` ends with `.`, `?` or `!`, then any closing quotation
/// marks (`”`, `’`, `"`, `'`).
fn ends_sentence(mut bytes: &[u8]) -> bool {
    loop {
        if let Some(rest) = bytes
            .strip_suffix("\u{201d}".as_bytes())
            .or_else(|| bytes.strip_suffix("\u{2019}".as_bytes()))
            .or_else(|| bytes.strip_suffix(b"\""))
            .or_else(|| bytes.strip_suffix(b"'"))
        {
            bytes = rest;
            continue;
        }
        return matches!(bytes.last(), Some(b'.' | b'?' | b'!'));
    }
}

/// Splits `text` into sections (see [`Extractor::analyze_sections`]);
/// yields each with its byte offset.
fn sections(text: &str, size: usize) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let rest = &text[start..];
        let end = cut(rest, size);
        let s = start;
        start += end;
        Some((s, &text[s..s + end]))
    })
}

/// The length of the section that starts `rest` (see
/// [`Extractor::analyze_sections`]): all of `rest` if it is at most `size`
/// bytes, else a cut in the window from `size` to `2 × size` bytes.
fn cut(rest: &str, size: usize) -> usize {
    if rest.len() <= size {
        return rest.len();
    }
    let bytes = rest.as_bytes();
    let reach = size.saturating_mul(2).min(bytes.len());
    let window = &bytes[..reach];
    blank_line_after(window, size)
        .or_else(|| memchr::memchr(b'\n', &window[size - 1..]).map(|i| size + i))
        .or_else(|| sentence_start(bytes, size - 1, reach).map(|sp| sp + 1))
        .or_else(|| memchr::memchr(b' ', &window[size - 1..]).map(|i| size + i))
        .unwrap_or_else(|| ceil_char(rest, reach))
}

/// The offset just past the first blank line that starts at or after `from`
/// in `bytes` (and ends inside it).
fn blank_line_after(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from.saturating_sub(1);
    while let Some(k) = memchr::memchr(b'\n', &bytes[i..]) {
        let nl = i + k;
        let mut j = nl + 1;
        while j < bytes.len() && matches!(bytes[j], b' ' | b'\t' | b'\r') {
            j += 1;
        }
        if j < bytes.len() && bytes[j] == b'\n' && nl + 1 >= from {
            return Some(j + 1);
        }
        i = nl + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{context_end, context_start, sections, CONTEXT_AFTER, CONTEXT_BEFORE};

    fn cuts(text: &str, size: usize) -> Vec<&str> {
        sections(text, size).map(|(_, s)| s).collect()
    }

    #[test]
    fn sections_end_after_a_blank_line_and_cover_the_text() {
        let text = "aaaa\n\nbbbb\n \ncccc";
        assert_eq!(cuts(text, 4), ["aaaa\n\n", "bbbb\n \n", "cccc"]);
        assert_eq!(cuts(text, 100), [text]);
        let offsets: Vec<usize> = sections(text, 4).map(|(o, _)| o).collect();
        assert_eq!(offsets, [0, 6, 13]);
    }

    #[test]
    fn without_a_blank_line_a_line_break_in_reach() {
        assert_eq!(cuts("ab\ncd\nef\ngh", 2), ["ab\n", "cd\n", "ef\n", "gh"]);
        assert_eq!(cuts("abc\ndefgh", 2), ["abc\n", "defg", "h"]);
        assert_eq!(cuts("", 2), Vec::<&str>::new());
    }

    #[test]
    fn without_a_line_break_a_sentence_end_then_a_space() {
        assert_eq!(cuts("Ab cd. Ef gh. Ij", 4), ["Ab cd. ", "Ef gh. ", "Ij"]);
        // Closing and opening quotation marks around a sentence end.
        assert_eq!(cuts("Ab cd.” “Ef gh", 6), ["Ab cd.” ", "“Ef ", "gh"]);
        // A period before a lowercase word ends no sentence: a later
        // sentence end in reach, else the first space.
        assert_eq!(cuts("ab. cd. Ef gh", 4), ["ab. cd. ", "Ef gh"]);
        assert_eq!(cuts("ab. cd. ef gh", 4), ["ab. ", "cd. ", "ef gh"]);
        assert_eq!(cuts("abcd efghij", 3), ["abcd ", "efghij"]);
        // No space within reach: at twice the size.
        assert_eq!(cuts("abcdefgh", 2), ["abcd", "efgh"]);
        // A blank line or a line break in reach comes first.
        assert_eq!(cuts("Ab. C\nef. Gh", 3), ["Ab. C\n", "ef. ", "Gh"]);
        assert_eq!(cuts("Ab\n\nC. Def", 3), ["Ab\n\n", "C. ", "Def"]);
    }

    #[test]
    fn no_section_is_longer_than_twice_the_size() {
        let text = "Ab cd. ef\ngh ij. Kl mn\n\nopqrstuvwxyz é é é. “Ok.” x".repeat(7);
        for size in 1..40 {
            let all = cuts(&text, size);
            assert_eq!(all.concat(), text);
            for s in &all {
                assert!(s.len() <= 2 * size + 3, "{size}: {s:?}"); // + part of a character
                assert!(!s.is_empty());
            }
        }
    }

    #[test]
    fn context_is_cut_at_a_line_sentence_or_word() {
        let sentence = "The mill is old. ";
        let text = sentence.repeat(2 * (CONTEXT_BEFORE + CONTEXT_AFTER) / sentence.len());
        let start = CONTEXT_BEFORE + 100;
        let from = context_start(&text, start);
        assert!(from >= start - CONTEXT_BEFORE && from < start);
        assert!(text[from..].starts_with("The mill"), "{from}");
        let end = 1000;
        let to = context_end(&text, end);
        assert!(to >= end + CONTEXT_AFTER && to <= end + 2 * CONTEXT_AFTER);
        assert!(text[..to].ends_with("old."), "{to}");
        let words = "word ".repeat(CONTEXT_BEFORE);
        let from = context_start(&words, start);
        assert!(words[from..].starts_with("word"));
        let lines = "a line\n".repeat(CONTEXT_BEFORE);
        let from = context_start(&lines, start);
        assert!(lines[..from].ends_with('\n'));
        let to = context_end(&lines, end);
        assert!(lines[..to].ends_with('\n'));
        let solid = "é".repeat(CONTEXT_BEFORE);
        let to = context_end(&solid, 11);
        assert!(solid.is_char_boundary(to) && to <= 11 + 2 * CONTEXT_AFTER + 1);
        assert_eq!(context_start("short", 3), 0);
        assert_eq!(context_end("short", 3), 5);
    }

    #[test]
    fn sections_never_split_a_character() {
        let text = "é\n\né\n\né";
        for size in 1..text.len() {
            let joined: String = cuts(text, size).concat();
            assert_eq!(joined, text);
        }
    }
}
