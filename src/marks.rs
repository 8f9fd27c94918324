//! Stage 2: quotation marks. Finds the outermost quoted stretches of a text.
//!
//! Marks are paired by family (double: `" “ ” „ « » ‟`; single:
//! `' ‘ ’ ‚ ‹ ›`), and each mark is judged by what stands on either side of
//! it, so apostrophes (`Jones'`, `haven‘t`, `’90s`) neither open nor close.
//! A quote still open at a line break continues when the next paragraph
//! reopens with a mark of the same family (the news convention for long
//! quotes); otherwise it ends at the break. Only outermost quotes are kept.

use crate::cues::is_alphanumeric;

/// One paragraph's piece of an outermost quotation, in byte offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct QuotePiece {
    /// Offset of the opening mark.
    pub open: usize,
    /// Offset one past the closing mark, or the end of the content when the
    /// piece is not closed in its paragraph.
    pub close: usize,
    /// The content between the marks, white space trimmed.
    pub content: (usize, usize),
    /// This piece continues the quote of the previous piece (a reopened
    /// paragraph).
    pub continues: bool,
    /// The piece ends with a closing mark.
    pub closed: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Family {
    Double,
    Single,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Role {
    Open,
    Close,
    None,
}

#[derive(Clone, Copy)]
struct OpenMark {
    family: Family,
    at: usize,
    len: usize,
    /// `„` and `‚` close with `“`/`‘` (German style).
    low: bool,
}

/// The family of a quotation mark `c` (double or single), or `None` for
/// any other character.
#[inline]
fn family(c: char) -> Option<Family> {
    match c {
        '"' | '“' | '”' | '„' | '«' | '»' | '‟' => Some(Family::Double),
        '\'' | '‘' | '’' | '‚' | '‹' | '›' => Some(Family::Single),
        _ => None,
    }
}

/// Judges one mark `c` with `p` before it and `n` after it (and `nn`, the first
/// letter of the word after `n` when `n` is a space). The neighbours are
/// read by their classes (see [`class_of`]).
fn role(c: char, p: Option<char>, n: Option<char>, nn: Option<char>, stack: &[OpenMark]) -> Role {
    let (pk, nk) = (class_of(p), class_of(n));
    let p_word = pk & WORD != 0;
    let n_word = nk & WORD != 0;
    let n_space = nk & SPACE != 0;
    let p_space = pk & SPACE != 0;
    match c {
        '„' | '‚' => {
            if n_space {
                Role::None
            } else {
                Role::Open
            }
        }
        // French style sets these off with spaces: « Rentrez ».
        '«' | '‹' => Role::Open,
        '»' | '›' => Role::Close,
        '“' | '‘' => {
            let low_open = stack.last().is_some_and(|m| m.low);
            if low_open && !p_space {
                return Role::Close;
            }
            if p_word && n_word {
                return Role::None; // an apostrophe typed as a left mark: haven‘t
            }
            if n_space {
                if p_space {
                    Role::None
                } else {
                    Role::Close
                }
            } else if pk & OPENS != 0 || !p_word {
                Role::Open
            } else {
                Role::None
            }
        }
        '”' | '’' | '\'' | '"' => {
            let single = c != '”' && c != '"';
            if single && p_word && n_word {
                return Role::None; // don't, it's
            }
            if single && p_space && n.is_some_and(|c| c.is_ascii_digit()) {
                return Role::None; // ’90s
            }
            if single && p == Some('s') && n == Some(' ') && nn.is_some_and(|c| c.is_lowercase()) {
                return Role::None; // drivers' union, United States’ war
            }
            let can_open =
                pk & OPENS != 0 && !n_space && (c == '"' || c == '\'' || stack.is_empty());
            let can_close = !p_space && !n_word;
            match (can_open, can_close) {
                (true, false) => Role::Open,
                (false, true) => Role::Close,
                (true, true) => {
                    // e.g. `("` or `:"` followed by a word: prefer opening.
                    if n_word {
                        Role::Open
                    } else {
                        Role::Close
                    }
                }
                // `'a flight,' " he said`: a double mark set off by spaces
                // closes an open double quote (a typed space after a nested
                // single quote).
                (false, false)
                    if !single
                        && p_space
                        && n_space
                        && stack.last().is_some_and(|m| m.family == Family::Double) =>
                {
                    Role::Close
                }
                (false, false) => Role::None,
            }
        }
        _ => Role::None,
    }
}

/// [`ASCII_CLASS`]: the character is white space (`char::is_whitespace`).
const SPACE: u8 = 1;
/// [`ASCII_CLASS`]: the character is a letter or digit ([`is_alphanumeric`]).
const WORD: u8 = 2;
/// [`ASCII_CLASS`]: a mark after the character may open ([`opening_context`]).
const OPENS: u8 = 4;
/// [`ASCII_CLASS`]: the character is a digit.
const DIGIT: u8 = 8;
/// The code of the start or the end of the text among the ASCII bytes in
/// [`ASCII_CLASS`] (no ASCII byte, and no neighbour a character can have).
const EDGE: u8 = 0x80;

/// What [`role`] asks of a neighbour of a mark, for each ASCII character
/// and (at [`EDGE`]) for the start or end of the text: so that a mark
/// between ASCII characters is judged by two look-ups instead of the char
/// predicates (see [`ascii_role`]).
const ASCII_CLASS: [u8; 129] = {
    let mut t = [0u8; 129];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        let mut k = 0;
        if c.is_ascii_alphanumeric() {
            k |= WORD;
        }
        if c.is_ascii_digit() {
            k |= DIGIT;
        }
        // `char::is_whitespace` of an ASCII character: `\t \n \v \f \r` and
        // the space (`u8::is_ascii_whitespace` leaves out `\v`).
        if matches!(c, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ') {
            k |= SPACE | OPENS;
        }
        if matches!(c, b'(' | b'[' | b'{' | b'-' | b'/' | b':' | b'"') {
            k |= OPENS;
        }
        t[b] = k;
        b += 1;
    }
    // No character: white space and an opening context (see `role`).
    t[EDGE as usize] = SPACE | OPENS;
    t
};

/// The [`ASCII_CLASS`] bits of a neighbour `c` of a mark (`None`: the
/// start or the end of the text), for any character: what [`role`] asks
/// of it. A mark may open after white space, an opening bracket, a dash,
/// a slash, a colon or an opening mark, and close before anything but a
/// letter or digit ([`is_alphanumeric`]). Marks and dashes, the commonest
/// non-ASCII neighbours, need no Unicode tables.
#[inline]
fn class_of(c: Option<char>) -> u8 {
    match c {
        None => ASCII_CLASS[EDGE as usize],
        Some(c) if c.is_ascii() => ASCII_CLASS[c as usize],
        Some('“' | '‘' | '„' | '«' | '—' | '–') => OPENS,
        Some('”' | '’' | '‚' | '‟' | '‹' | '›' | '»' | '…') => 0,
        Some(c) if c.is_whitespace() => SPACE | OPENS,
        Some(c) if is_alphanumeric(c) => WORD,
        Some(_) => 0,
    }
}

/// [`role`] of the ASCII mark `c` (`"` or `'`) after the ASCII character
/// `p` and before the ASCII character `n` (either may be [`EDGE`]), read
/// off their [`ASCII_CLASS`]es; `None` when the judgement needs more (the
/// `'` of `drivers' union`, whose word after the space decides). The
/// same verdicts as `role`, without decoding or classifying characters:
/// the marks of news text mostly stand between ASCII characters.
#[inline]
fn ascii_role(c: u8, p: u8, n: u8, stack: &[OpenMark]) -> Option<Role> {
    let pk = ASCII_CLASS[p as usize];
    let nk = ASCII_CLASS[n as usize];
    if c == b'\'' {
        if p == b's' && n == b' ' {
            return None;
        }
        if pk & nk & WORD != 0 || (pk & SPACE != 0 && nk & DIGIT != 0) {
            return Some(Role::None); // don't, ’90s
        }
    }
    // A mark that may close closes, as `role` prefers closing when a mark
    // may do both and no word follows (and one that may close has none
    // after it).
    let can_close = pk & SPACE == 0 && nk & WORD == 0;
    let can_open = pk & OPENS != 0 && nk & SPACE == 0;
    Some(if can_close {
        Role::Close
    } else if can_open {
        Role::Open
    } else if c == b'"'
        && pk & nk & SPACE != 0
        && stack.last().is_some_and(|m| m.family == Family::Double)
    {
        // A double mark set off by spaces in an open double quote.
        Role::Close
    } else {
        Role::None
    })
}

/// The character that starts at byte `at` of `text`; `None` at the end of
/// the text or inside a character. An ASCII byte is its own character:
/// the neighbours of a mark mostly are, and need no decoding.
#[inline]
fn char_at(text: &str, at: usize) -> Option<char> {
    match text.as_bytes().get(at) {
        Some(&b) if b < 0x80 => Some(b as char),
        _ => text.get(at..).and_then(|s| s.chars().next()),
    }
}

/// The character that ends at byte `at` of `text` (a character boundary);
/// `None` at the start. As [`char_at`], an ASCII byte at once.
#[inline]
fn char_before(text: &str, at: usize) -> Option<char> {
    match at.checked_sub(1).and_then(|k| text.as_bytes().get(k)) {
        Some(&b) if b < 0x80 => Some(b as char),
        _ => text[..at].chars().next_back(),
    }
}

fn has_word(text: &str) -> bool {
    text.chars().any(is_alphanumeric)
}

fn trimmed(text: &str, start: usize, end: usize) -> (usize, usize) {
    let s = &text[start..end];
    let lead = s.len() - s.trim_start().len();
    let trail = s.len() - s.trim_end().len();
    if lead + trail >= s.len() {
        (start, start)
    } else {
        (start + lead, end - trail)
    }
}

/// Ends the open quote `outer` at `end` without a closing mark; a piece with
/// no word in it is no quotation. Returns whether a piece was kept.
fn push_unclosed(
    out: &mut Vec<QuotePiece>,
    text: &str,
    outer: OpenMark,
    end: usize,
    continues: bool,
) -> bool {
    if outer.at + outer.len >= end {
        // Nothing after the mark: no word, and nothing to trim.
        return false;
    }
    let content = trimmed(text, outer.at + outer.len, end);
    let kept = has_word(&text[content.0..content.1]);
    if kept {
        out.push(QuotePiece {
            open: outer.at,
            close: content.1,
            content,
            continues,
            closed: false,
        });
    }
    kept
}

/// The bytes that can open a line break or a mark (`"`, `'`, `` ` ``, and
/// the first bytes of `“ ” ‘ ’ „ ‚ ‟ ‹ ›` and `« »`), and `#` and `&`,
/// which open none but cost the scan nothing to stop at too: `" # & '` are
/// the bytes `0x22 | m` for `m` in `0x00 0x01 0x04 0x05`, one test of a
/// masked byte (see [`MarkScan::next`]), as `0xC2 0xE2` are.
const MAY_MATTER: [bool; 256] = {
    let mut t = [false; 256];
    t[b'\n' as usize] = true;
    t[b'"' as usize] = true;
    t[b'#' as usize] = true;
    t[b'&' as usize] = true;
    t[b'\'' as usize] = true;
    t[b'`' as usize] = true;
    t[0xC2] = true;
    t[0xE2] = true;
    t
};

/// A scan for the bytes that [`MAY_MATTER`], sixty-four bytes at a time
/// past the stretches of plain ASCII text between marks. It keeps the
/// verdicts of the last chunk it found a byte in, so that the search for
/// the next byte goes on in that chunk instead of judging its bytes anew:
/// marks come close together ("don’t", `," he`).
struct MarkScan {
    /// Where the chunk of `hits` starts; `usize::MAX` before the first.
    at: usize,
    /// Whether `hits` count line breaks (see [`MarkScan::next`]).
    nl: bool,
    /// One byte per byte of the chunk, 0xFF where it matters, eight to a
    /// word.
    hits: [u64; 8],
}

impl MarkScan {
    const CHUNK: usize = 64;

    /// A scan that has judged no chunk yet.
    fn new() -> MarkScan {
        MarkScan {
            at: usize::MAX,
            nl: false,
            hits: [0; 8],
        }
    }

    /// The first byte of `bytes` at or after `from` that [`MAY_MATTER`]
    /// (leaving out line breaks unless `NL`). The comparisons of a chunk
    /// compile to a few vector instructions: each byte's verdict goes into
    /// a byte of its own, the chunk's verdicts are OR-ed together, and the
    /// first byte that matters is found eight verdicts at a time.
    fn next<const NL: bool>(&mut self, bytes: &[u8], from: usize) -> Option<usize> {
        let mut at = from;
        if self.nl == NL && from >= self.at && from - self.at < Self::CHUNK {
            // The rest of the chunk judged last.
            let off = from - self.at;
            let mut k = off / 8;
            let mut v = self.hits[k] & (u64::MAX << (8 * (off % 8)));
            loop {
                if v != 0 {
                    return Some(self.at + 8 * k + (v.trailing_zeros() / 8) as usize);
                }
                k += 1;
                match self.hits.get(k) {
                    Some(&w) => v = w,
                    None => break,
                }
            }
            at = self.at + Self::CHUNK;
        }
        while let Some(chunk) = bytes.get(at..at + Self::CHUNK) {
            let mut hit = [0u8; Self::CHUNK];
            for (h, &b) in hit.iter_mut().zip(chunk) {
                // The bytes of `MAY_MATTER`: 0xFF, as a vector comparison
                // sets a byte, so that no more steps make a verdict of it.
                // (Masked, so that one comparison takes two or four of
                // them: see `MAY_MATTER`.)
                let matters =
                    (NL & (b == b'\n')) | (b & !0x05 == b'"') | (b == b'`') | (b & !0x20 == 0xC2);
                *h = (matters as u8).wrapping_neg();
            }
            if hit.iter().fold(0, |x, &y| x | y) != 0 {
                for (w, eight) in self.hits.iter_mut().zip(hit.chunks_exact(8)) {
                    let mut e = [0u8; 8];
                    e.copy_from_slice(eight);
                    *w = u64::from_le_bytes(e);
                }
                self.at = at;
                self.nl = NL;
                for (k, &v) in self.hits.iter().enumerate() {
                    if v != 0 {
                        return Some(at + 8 * k + (v.trailing_zeros() / 8) as usize);
                    }
                }
            }
            at += Self::CHUNK;
        }
        let k = bytes
            .get(at..)?
            .iter()
            .position(|&b| MAY_MATTER[b as usize] && (NL || b != b'\n'))?;
        Some(at + k)
    }
}

/// Finds the outermost quotations in `text`, one piece per paragraph.
///
/// Linear in the length of the text: each mark is pushed and popped at most
/// once.
pub(crate) fn find_quotes(text: &str) -> Vec<QuotePiece> {
    find_quotes_in(text, Vec::new())
}

/// [`find_quotes`] in the list `out` (emptied first; its room is kept, so
/// that a list kept from one document to the next is not allocated anew).
pub(crate) fn find_quotes_in(text: &str, mut out: Vec<QuotePiece>) -> Vec<QuotePiece> {
    // Room for a piece every half kilobyte, which news text seldom passes.
    out.clear();
    out.reserve(text.len() / 512 + 4);
    let mut stack: Vec<OpenMark> = Vec::with_capacity(8);
    // The piece being built continues an earlier one.
    let mut continuing = false;
    let bytes = text.as_bytes();
    // Only line breaks and marks matter; the scan jumps from one to the
    // next. `prev` is the character before the one at hand as the scan saw
    // it (a pair '' is seen as "), valid when it ends at `prev_end`;
    // otherwise the text says.
    let mut prev: Option<char> = None;
    let mut prev_end = 0usize;
    let mut from = 0usize;
    // Outside a quote a line break changes nothing, so the scan looks for
    // marks alone there: news text has a line break between most marks.
    // (What stands before the next mark is read off the text, as the line
    // break leaves `prev_end` behind.)
    let mut scan = MarkScan::new();
    while let Some(i) = match bytes.get(from) {
        // The byte right after the last one that mattered: marks and line
        // breaks often stand side by side (`,’”`, `”\n`), and one look
        // costs less than a step of the scan.
        Some(&b) if MAY_MATTER[b as usize] && (b != b'\n' || !stack.is_empty()) => Some(from),
        _ if stack.is_empty() => scan.next::<false>(bytes, from),
        _ => scan.next::<true>(bytes, from),
    } {
        // The commonest marks first, as the full judgement below would
        // take them.
        let ascii_word_at = |k: usize| bytes.get(k).is_some_and(u8::is_ascii_alphanumeric);
        // An apostrophe between two ASCII letters or digits ("don't",
        // "Lee’s"): no mark, whatever the stack (see `role`).
        let apostrophe = match bytes[i] {
            b'\'' => Some(('\'', 1)),
            0xe2 if bytes[i..].starts_with("’".as_bytes()) => Some(('’', 3)),
            _ => None,
        };
        if let Some((c, clen)) = apostrophe {
            if i > 0 && ascii_word_at(i - 1) && ascii_word_at(i + clen) {
                prev = Some(c);
                from = i + clen;
                prev_end = from;
                continue;
            }
        }
        // A straight mark between ASCII characters: judged by byte
        // classes (see `ascii_role`). `''` is a double mark, judged below.
        let fast = match bytes[i] {
            c @ (b'"' | b'\'') => {
                let p = if prev_end == i {
                    prev.map_or(Some(EDGE), |p| u8::try_from(p).ok().filter(u8::is_ascii))
                } else {
                    i.checked_sub(1)
                        .map_or(Some(EDGE), |k| Some(bytes[k]).filter(u8::is_ascii))
                };
                let n = bytes.get(i + 1).map_or(Some(EDGE), |&n| {
                    Some(n).filter(|&n| n.is_ascii() && (c == b'"' || n != c))
                });
                match (p, n) {
                    (Some(p), Some(n)) => ascii_role(c, p, n, &stack).map(|r| (c as char, r)),
                    _ => None,
                }
            }
            _ => None,
        };
        let (c, clen, fam, role) = if let Some((c, role)) = fast {
            from = i + 1;
            prev_end = from;
            let fam = if c == '"' {
                Family::Double
            } else {
                Family::Single
            };
            (c, 1, fam, role)
        } else {
            let Some(c) = char_at(text, i) else {
                break;
            };
            from = i + c.len_utf8();
            if c != '\n' && family(c).is_none() && c != '`' {
                continue;
            }
            if prev_end != i {
                prev = char_before(text, i);
            }
            prev_end = from;
            let next = char_at(text, from);
            if c == '\n' {
                if let Some(outer) = stack.first().copied() {
                    // Paragraph break inside an open quote.
                    // Does the next paragraph reopen with a mark of the same family?
                    let rest = &text[i..];
                    let skip = rest.len() - rest.trim_start().len();
                    let head = &rest[skip..];
                    let reopen = if head.starts_with("''") || head.starts_with("``") {
                        Some(('"', 2)).filter(|_| outer.family == Family::Double)
                    } else {
                        head.chars()
                            .next()
                            .filter(|&m| {
                                family(m) == Some(outer.family) && !matches!(m, '”' | '»' | '›')
                            })
                            .map(|m| (m, m.len_utf8()))
                    };
                    if push_unclosed(&mut out, text, outer, i, continuing) {
                        continuing = reopen.is_some();
                    } else {
                        continuing = false;
                    }
                    stack.clear();
                    if let Some((m, len)) = reopen {
                        let at = i + skip;
                        stack.push(OpenMark {
                            family: outer.family,
                            at,
                            len,
                            low: false,
                        });
                        // Jump past the reopening mark.
                        from = at + len;
                        prev_end = from;
                        prev = Some(m);
                        continue;
                    }
                }
                prev = Some(c);
                continue;
            }
            // Two apostrophes or two backticks stand for a double mark ('' and ``).
            let (c, clen, next) = if (c == '\'' || c == '`') && next == Some(c) {
                from = i + 2;
                prev_end = from;
                let after = char_at(text, i + 2);
                (if c == '`' { '“' } else { '"' }, 2, after)
            } else {
                (c, c.len_utf8(), next)
            };
            let Some(fam) = family(c) else {
                prev = Some(c);
                continue;
            };
            let nn = if next == Some(' ') {
                char_at(text, i + clen + 1)
            } else {
                None
            };
            (c, clen, fam, role(c, prev, next, nn, &stack))
        };
        match role {
            Role::Open => {
                if let Some(pos) = stack.iter().rposition(|m| m.family == fam) {
                    if fam == Family::Double || pos == 0 {
                        // A new opening mark of the same family while one is open:
                        // the earlier quote was never closed; it ends here.
                        let outer = stack[0];
                        if pos == 0 {
                            push_unclosed(&mut out, text, outer, i, continuing);
                            continuing = false;
                            stack.clear();
                        } else {
                            stack.truncate(pos);
                        }
                    }
                }
                stack.push(OpenMark {
                    family: fam,
                    at: i,
                    len: clen,
                    low: matches!(c, '„' | '‚'),
                });
            }
            Role::Close => {
                if let Some(pos) = stack.iter().rposition(|m| m.family == fam) {
                    if pos == 0 {
                        let outer = stack[0];
                        let content = trimmed(text, outer.at + outer.len, i);
                        if has_word(&text[content.0..content.1]) {
                            out.push(QuotePiece {
                                open: outer.at,
                                close: i + clen,
                                content,
                                continues: continuing,
                                closed: true,
                            });
                        }
                        continuing = false;
                        stack.clear();
                    } else {
                        stack.truncate(pos);
                    }
                }
            }
            Role::None => {}
        }
        prev = Some(c);
    }
    if let Some(outer) = stack.first().copied() {
        push_unclosed(&mut out, text, outer, bytes.len(), continuing);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contents(text: &str) -> Vec<&str> {
        find_quotes(text)
            .iter()
            .map(|q| &text[q.content.0..q.content.1])
            .collect()
    }

    #[test]
    fn the_scan_stops_at_every_byte_that_may_matter() {
        // Two chunks and a tail, searched from a few places before the
        // byte and from the byte itself.
        let len = 2 * MarkScan::CHUNK + 9;
        for b in 0..=255u8 {
            for at in 0..len {
                let mut text = vec![b'a'; len];
                text[at] = b;
                let want = text.iter().position(|&b| MAY_MATTER[b as usize]);
                let want_mark = want.filter(|_| b != b'\n');
                for from in (0..at).step_by(5).chain([at]) {
                    assert_eq!(
                        MarkScan::new().next::<true>(&text, from),
                        want,
                        "{b:#x} at {at} from {from}"
                    );
                    assert_eq!(
                        MarkScan::new().next::<false>(&text, from),
                        want_mark,
                        "{b:#x} at {at} from {from}"
                    );
                }
            }
        }
    }

    #[test]
    fn the_scan_goes_on_in_the_chunk_it_judged() {
        // Marks and line breaks at many offsets, searched for in turn with
        // one scan (switching between the two searches) and each afresh.
        let mut text = vec![b'a'; 150];
        for (k, at) in [0, 3, 7, 8, 31, 32, 33, 40, 63, 64, 90, 127, 140, 149]
            .into_iter()
            .enumerate()
        {
            text[at] = if k % 3 == 0 { b'\n' } else { b'"' };
        }
        let mut scan = MarkScan::new();
        for from in 0..text.len() {
            let nl = from % 5 < 2;
            let got = if nl {
                scan.next::<true>(&text, from)
            } else {
                scan.next::<false>(&text, from)
            };
            let want = (from..text.len()).find(|&k| text[k] == b'"' || (nl && text[k] == b'\n'));
            assert_eq!(got, want, "from {from}");
        }
    }

    // The judgement of `role` as it was written before the classes of
    // `class_of`, by char predicates: the reference they are tested against.
    /// A mark after `p` may open a quotation: `p` is a space, an opening
    /// bracket, a dash, a slash, a colon or an opening mark (or the text starts).
    fn opening_context(p: Option<char>) -> bool {
        match p {
            None => true,
            Some(c) => {
                c.is_whitespace()
                    || matches!(
                        c,
                        '(' | '[' | '{' | '—' | '–' | '-' | '/' | ':' | '“' | '"' | '‘' | '„' | '«'
                    )
            }
        }
    }

    /// A mark followed by `n` may close a quotation: `n` is no letter or digit
    /// (a space, punctuation, another mark, or the end of the text).
    fn closing_context(n: Option<char>) -> bool {
        n.map_or(true, |c| !is_alphanumeric(c))
    }

    /// Judges one mark `c` with `p` before it and `n` after it (and `nn`, the first
    /// letter of the word after `n` when `n` is a space).
    ///
    /// The oracle of the tests below: [`role`] as it was before it read its
    /// neighbours by class bits, kept verbatim (char predicates, no tables)
    /// so that the two are compared, not derived one from the other.
    fn role_by_chars(
        c: char,
        p: Option<char>,
        n: Option<char>,
        nn: Option<char>,
        stack: &[OpenMark],
    ) -> Role {
        let p_word = p.is_some_and(is_alphanumeric);
        let n_word = n.is_some_and(is_alphanumeric);
        let n_space = n.map_or(true, char::is_whitespace);
        let p_space = p.map_or(true, char::is_whitespace);
        match c {
            '„' | '‚' => {
                if n_space {
                    Role::None
                } else {
                    Role::Open
                }
            }
            // French style sets these off with spaces: « Rentrez ».
            '«' | '‹' => Role::Open,
            '»' | '›' => Role::Close,
            '“' | '‘' => {
                let low_open = stack.last().is_some_and(|m| m.low);
                if low_open && !p_space {
                    return Role::Close;
                }
                if p_word && n_word {
                    return Role::None; // an apostrophe typed as a left mark: haven‘t
                }
                if n_space {
                    if p_space {
                        Role::None
                    } else {
                        Role::Close
                    }
                } else if opening_context(p) || !p_word {
                    Role::Open
                } else {
                    Role::None
                }
            }
            '”' | '’' | '\'' | '"' => {
                let single = c != '”' && c != '"';
                if single && p_word && n_word {
                    return Role::None; // don't, it's
                }
                if single && p_space && n.is_some_and(|c| c.is_ascii_digit()) {
                    return Role::None; // ’90s
                }
                if single
                    && p == Some('s')
                    && n == Some(' ')
                    && nn.is_some_and(|c| c.is_lowercase())
                {
                    return Role::None; // drivers' union, United States’ war
                }
                let can_open =
                    opening_context(p) && !n_space && (c == '"' || c == '\'' || stack.is_empty());
                let can_close = !p_space && closing_context(n);
                match (can_open, can_close) {
                    (true, false) => Role::Open,
                    (false, true) => Role::Close,
                    (true, true) => {
                        // e.g. `("` or `:"` followed by a word: prefer opening.
                        if n_word {
                            Role::Open
                        } else {
                            Role::Close
                        }
                    }
                    // `'a flight,' " he said`: a double mark set off by spaces
                    // closes an open double quote (a typed space after a nested
                    // single quote).
                    (false, false)
                        if !single
                            && p_space
                            && n_space
                            && stack.last().is_some_and(|m| m.family == Family::Double) =>
                    {
                        Role::Close
                    }
                    (false, false) => Role::None,
                }
            }
            _ => Role::None,
        }
    }

    /// The stack states that `role` tells apart.
    fn stacks() -> Vec<Vec<OpenMark>> {
        let mark = |family, low| OpenMark {
            family,
            at: 0,
            len: 1,
            low,
        };
        vec![
            vec![],
            vec![mark(Family::Double, false)],
            vec![mark(Family::Single, false)],
            vec![mark(Family::Double, true)],
            vec![mark(Family::Single, true)],
            vec![mark(Family::Double, false), mark(Family::Single, true)],
        ]
    }

    #[test]
    fn role_by_classes_is_role_by_chars() {
        // Every mark, every ASCII neighbour and the non-ASCII ones that
        // `class_of` names or reads by Unicode (letters, digits, spaces,
        // symbols), on either side, in every stack state.
        let marks = "\"'`“”‘’„‚«»‹›‟";
        let others = "“”‘’„‚«»‹›‟—–―…éßЖ中\u{a0}\u{2003}\u{85}\u{2028}½²٣€·";
        let sides: Vec<Option<char>> = (0..128u8)
            .map(char::from)
            .chain(others.chars())
            .map(Some)
            .chain([None])
            .collect();
        for c in marks.chars() {
            for &p in &sides {
                for &n in &sides {
                    for stack in &stacks() {
                        for nn in [None, Some('a'), Some('A'), Some('é'), Some('É')] {
                            assert_eq!(
                                role(c, p, n, nn, stack),
                                role_by_chars(c, p, n, nn, stack),
                                "{c:?} {p:?} {n:?} {nn:?}"
                            );
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn ascii_role_is_role() {
        // Every ASCII neighbour (or none) on either side, every stack state
        // that `role` tells apart, and words after a space of either case.
        let mark = |family, low| OpenMark {
            family,
            at: 0,
            len: 1,
            low,
        };
        let stacks: [&[OpenMark]; 5] = [
            &[],
            &[mark(Family::Double, false)],
            &[mark(Family::Single, false)],
            &[mark(Family::Double, true)],
            &[mark(Family::Double, false), mark(Family::Single, true)],
        ];
        let sides = || (0..128u8).map(Some).chain([None]);
        for c in [b'"', b'\''] {
            for p in sides() {
                for n in sides() {
                    for stack in stacks {
                        let fast = ascii_role(c, p.unwrap_or(EDGE), n.unwrap_or(EDGE), stack);
                        for nn in [None, Some('a'), Some('A'), Some('é')] {
                            let nn = nn.filter(|_| n == Some(b' '));
                            let slow = role_by_chars(
                                c as char,
                                p.map(char::from),
                                n.map(char::from),
                                nn,
                                stack,
                            );
                            if let Some(fast) = fast {
                                assert_eq!(fast, slow, "{c:?} {p:?} {n:?} {nn:?}");
                            } else {
                                assert!(c == b'\'' && p == Some(b's') && n == Some(b' '));
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn mark_styles() {
        let table: &[(&str, &[&str])] = &[
            ("He said \"Go home\" twice.", &["Go home"]),
            ("He said “Go home” twice.", &["Go home"]),
            ("He said 'Go home' twice.", &["Go home"]),
            ("Il a dit « Rentrez » hier.", &["Rentrez"]),
            ("Er sagte: „Geht heim.“ Dann ging er.", &["Geht heim."]),
            ("She wrote ‘Not today’ on the card.", &["Not today"]),
        ];
        for (text, want) in table {
            assert_eq!(&contents(text), want, "{text}");
        }
    }

    #[test]
    fn apostrophes_never_pair() {
        let table: &[(&str, &[&str])] = &[
            (
                "'The Hendersons' dog bit me,' said Lou.",
                &["The Hendersons' dog bit me,"],
            ),
            (
                "In the ’90s the United States’ mills closed. “Yes,” he said.",
                &["Yes,"],
            ),
            ("“We haven‘t paid,” said Ana.", &["We haven‘t paid,"]),
            ("Bo's and Jo's 'best' pies.", &["best"]),
        ];
        for (text, want) in table {
            assert_eq!(&contents(text), want, "{text}");
        }
    }

    #[test]
    fn paragraph_rules() {
        let text = "“One.\n\n“Two.\n\n“Three.”\n\nNarration.";
        let q = find_quotes(text);
        assert_eq!(q.len(), 3);
        assert!(!q[0].continues && q[1].continues && q[2].continues);
        assert!(q[2].closed && !q[0].closed);
        let text = "“Never closed\n\nThe next paragraph is narration with “a quote”.";
        assert_eq!(contents(text), vec!["Never closed", "a quote"]);
    }

    #[test]
    fn nested_and_stray() {
        assert_eq!(
            contents("“He told me, ‘Stop,’ and left,” Kai said."),
            vec!["He told me, ‘Stop,’ and left,"]
        );
        assert_eq!(
            contents("old headline\"\n\"New quote,\" said Ed."),
            vec!["New quote,"]
        );
        assert!(contents("The field was \"\"= for every row.").is_empty());
        assert_eq!(
            contents("''It is over,'' said Ann. ``Done.''"),
            vec!["It is over,", "Done."]
        );
    }
}
