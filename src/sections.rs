//! Long texts in sections: [`Extractor::analyze_sections`] splits a text at
//! blank lines into sections of about a given size and analyses one section
//! at a time, so the memory a call holds stays in proportion to one section
//! rather than to the whole text.

use crate::{Analysis, Extractor};

/// The section size [`Extractor::analyze_sections`] is meant for: 4 MiB, far
/// above any news article, so only archives joined into one text are split.
pub const DEFAULT_SECTION_BYTES: usize = 4 << 20;

impl Extractor {
    /// Analyses `text` one section at a time, calling `f` with each section's
    /// [`Analysis`] in text order.
    ///
    /// A section is a run of whole paragraphs: the text is cut at the first
    /// blank line (a line break, optional spaces or tabs, a line break) at
    /// or after each `section_bytes` bytes of it. Without such a line, the
    /// cut falls at the first line break after `2 × section_bytes` bytes;
    /// without one either, the rest of the text is one section. A text of at
    /// most `section_bytes` bytes is one section, and `f` then gets exactly
    /// what [`Extractor::analyze`] returns.
    ///
    /// Every span in the analyses `f` gets (quotes, speakers, cues,
    /// mentions) is a UTF-8 byte offset into `text`, end exclusive, as
    /// [`Extractor::analyze`] gives them. Each section is analysed with the
    /// whole lines of up to 64 KiB of text before it and 16 KiB after it as
    /// context, and gives the records whose content starts inside it, so
    /// every record is given once. A pronoun resolves, and speakers merge,
    /// within that reach only: past it, records may name their speakers
    /// otherwise than [`Extractor::analyze`] on the whole text would (in an
    /// archive of articles joined by blank lines, that is often better).
    /// Each analysis lists the speakers of its own records, with the
    /// mentions inside its section and the mentions its records rest on;
    /// [`crate::SpeakerRef::index`] points into that list. Memory held
    /// during the call is in proportion to the largest section and its
    /// context, not to `text`.
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
            // The context: whole lines from about CONTEXT_BEFORE bytes before
            // the section to about CONTEXT_AFTER bytes after it.
            let from = line_start_after(text, start.saturating_sub(CONTEXT_BEFORE)).min(start);
            let to =
                line_end_after(text, end.saturating_add(CONTEXT_AFTER).min(text.len())).max(end);
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

/// The start of the first line that starts at or after `at`, or the end of
/// the text.
fn line_start_after(text: &str, at: usize) -> usize {
    if at == 0 {
        return 0;
    }
    memchr::memchr(b'\n', &text.as_bytes()[at - 1..]).map_or(text.len(), |i| at + i)
}

/// The end (after its line break) of the line that holds byte `at`, or the
/// end of the text.
fn line_end_after(text: &str, at: usize) -> usize {
    memchr::memchr(b'\n', &text.as_bytes()[at..]).map_or(text.len(), |i| at + i + 1)
}

/// Splits `text` into sections of whole paragraphs (see
/// [`Extractor::analyze_sections`]); yields each with its byte offset.
fn sections(text: &str, size: usize) -> impl Iterator<Item = (usize, &str)> {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= text.len() {
            return None;
        }
        let rest = &text.as_bytes()[start..];
        let end = if rest.len() <= size {
            rest.len()
        } else {
            blank_line_after(rest, size)
                .or_else(|| {
                    let from = size.saturating_mul(2);
                    (from < rest.len())
                        .then(|| memchr::memchr(b'\n', &rest[from..]).map(|i| from + i + 1))
                        .flatten()
                })
                .unwrap_or(rest.len())
        };
        let s = start;
        start += end;
        Some((s, &text[s..s + end]))
    })
}

/// The offset just past the first blank line that starts at or after `from`
/// in `bytes`.
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
    use super::sections;

    fn cuts(text: &str, size: usize) -> Vec<&str> {
        sections(text, size).map(|(_, s)| s).collect()
    }

    #[test]
    fn sections_end_after_a_blank_line_and_cover_the_text() {
        let text = "aaaa\n\nbbbb\n \ncccc";
        assert_eq!(cuts(text, 3), ["aaaa\n\n", "bbbb\n \n", "cccc"]);
        assert_eq!(cuts(text, 100), [text]);
        let offsets: Vec<usize> = sections(text, 3).map(|(o, _)| o).collect();
        assert_eq!(offsets, [0, 6, 13]);
    }

    #[test]
    fn without_a_blank_line_a_line_break_after_twice_the_size() {
        assert_eq!(cuts("ab\ncd\nef\ngh", 2), ["ab\ncd\n", "ef\ngh"]);
        assert_eq!(cuts("abcdefgh", 2), ["abcdefgh"]);
        assert_eq!(cuts("", 2), Vec::<&str>::new());
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
