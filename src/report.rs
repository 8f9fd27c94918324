//! Reports for people: a self-contained HTML page of an analysed article, and
//! per-speaker counts.
//!
//! [`html`] renders the article with each quote highlighted in its speaker's
//! colour, the cue underlined and the speaker's mention boxed, under a
//! sortable table of the speakers and a legend. Hovering over a quote (or
//! tapping or tabbing to it) shows its speaker, role, kind, cue class, rule
//! and confidence. The page has no external assets: the style sheet and the
//! few lines of script that sort the table are inline, so the file can be
//! mailed or opened offline.
//!
//! ```
//! use whosaid::{report, Extractor};
//!
//! let text = "Council leader Ada Lee said the pool would reopen in May. \
//!             “We owe it to the swimmers,” she said.";
//! let analysis = Extractor::new().analyze(text);
//! let page = report::html(text, &analysis);
//! assert!(page.starts_with("<!DOCTYPE html>"));
//! assert!(page.contains("We owe it to the swimmers"));
//!
//! let stats = report::speaker_stats(&analysis);
//! assert_eq!(stats[0].name, "Ada Lee");
//! assert_eq!((stats[0].direct, stats[0].indirect), (1, 1));
//! assert_eq!(stats[0].share, 1.0);
//! ```

use std::fmt::Write as _;

use serde::Serialize;

use crate::record::{Analysis, Quote, QuoteKind, SpeakerKind};

/// How often one speaker of an [`Analysis`] is quoted, by kind of quote.
///
/// [`speaker_stats`] gives one per entry of [`Analysis::speakers`], in the
/// same order. Serialised with serde, it is the object that
/// `extract --speakers --jsonl` writes for each speaker.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SpeakerStats {
    /// The speaker's resolved name ([`Speaker::name`](crate::Speaker::name)).
    pub name: String,
    /// The speaker's role as written, if the article gives one.
    pub role: Option<String>,
    /// Person, organisation or unknown.
    pub kind: SpeakerKind,
    /// Number of direct quotes attributed to the speaker.
    pub direct: usize,
    /// Number of indirect quotes (reported speech).
    pub indirect: usize,
    /// Number of mixed quotes (reported speech holding a quoted fragment).
    pub mixed: usize,
    /// All quotes of the speaker: `direct + indirect + mixed`.
    pub quotes: usize,
    /// The speaker's share of all the article's quotes, attributed or not,
    /// in `[0, 1]`; `0` when the article has no quote.
    pub share: f64,
}

/// Counts, for each speaker of `analysis`, its direct, indirect and mixed
/// quotes and its share of all quotes.
///
/// The result has one entry per [`Analysis::speakers`] entry, in that order
/// (the order of first mention). A quote counts for the speaker its
/// [`SpeakerRef::index`](crate::SpeakerRef::index) points to; quotes with no
/// speaker (or an index out of range) count for nobody but still count in
/// the total that `share` divides by.
pub fn speaker_stats(analysis: &Analysis) -> Vec<SpeakerStats> {
    let mut out: Vec<SpeakerStats> = analysis
        .speakers
        .iter()
        .map(|s| SpeakerStats {
            name: s.name.clone(),
            role: s.role.clone(),
            kind: s.kind,
            direct: 0,
            indirect: 0,
            mixed: 0,
            quotes: 0,
            share: 0.0,
        })
        .collect();
    for q in &analysis.quotes {
        if let Some(st) = speaker_of(q, analysis.speakers.len()).and_then(|i| out.get_mut(i)) {
            match q.kind {
                QuoteKind::Direct => st.direct += 1,
                QuoteKind::Indirect => st.indirect += 1,
                QuoteKind::Mixed => st.mixed += 1,
            }
            st.quotes += 1;
        }
    }
    let total = analysis.quotes.len();
    if total > 0 {
        for st in &mut out {
            st.share = st.quotes as f64 / total as f64;
        }
    }
    out
}

/// The lowercase name of a speaker kind, as in JSON.
fn kind_str(kind: SpeakerKind) -> &'static str {
    match kind {
        SpeakerKind::Person => "person",
        SpeakerKind::Organization => "organization",
        SpeakerKind::Unknown => "unknown",
    }
}

/// The index into `analysis.speakers` of a quote's speaker, when it has one
/// that is in range.
fn speaker_of(q: &Quote, n_speakers: usize) -> Option<usize> {
    q.speaker
        .as_ref()
        .map(|s| s.index)
        .filter(|&i| i < n_speakers)
}

/// Appends `s` with `& < > " '` escaped, safe in element content and in
/// double-quoted attribute values. Line breaks become `&#10;` when
/// `attribute` is set, so that a `title` keeps them.
fn escape_into(out: &mut String, s: &str, attribute: bool) {
    let mut last = 0;
    for (i, b) in s.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            b'\n' if attribute => "&#10;",
            b'\r' if attribute => "",
            _ => continue,
        };
        out.push_str(&s[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&s[last..]);
}

/// `s` escaped for HTML element content.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s, false);
    out
}

/// `s` escaped for a double-quoted HTML attribute value.
fn esc_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s, true);
    out
}

/// The hue of speaker `i`: ten well-separated hues, then the golden angle.
fn hue(i: usize) -> u32 {
    const HUES: [u32; 10] = [212, 28, 140, 290, 350, 180, 50, 100, 320, 255];
    match HUES.get(i) {
        Some(&h) => h,
        // 137.5° apart, offset so as not to start on a palette hue.
        None => ((i as u64 * 1375 / 10 + 17) % 360) as u32,
    }
}

/// The largest character boundary of `text` at or below `i` (clamped to the
/// text's length).
fn floor_boundary(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// What a marked span of the article is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Item {
    /// The content of quote `n`.
    Quote(usize),
    /// The speaker mention that quote `n` is attributed to.
    Who(usize),
    /// Another mention of speaker `n` (it carries no quote here).
    Ref(usize),
    /// The cue of quote `n`.
    Cue(usize),
}

impl Item {
    /// Elements nest in layer order: a quote holds mentions, a mention cues.
    fn layer(self) -> usize {
        match self {
            Item::Quote(_) => 0,
            Item::Who(_) | Item::Ref(_) => 1,
            Item::Cue(_) => 2,
        }
    }

    /// Which of two spans of the same layer wins where they overlap: the
    /// smaller rank (attributions over plain mentions).
    fn rank(self) -> u8 {
        match self {
            Item::Ref(_) => 1,
            _ => 0,
        }
    }
}

/// A span of the article to mark: byte offsets on character boundaries,
/// never empty.
#[derive(Clone, Copy, Debug)]
struct Mark {
    start: usize,
    end: usize,
    item: Item,
}

/// The paragraphs of `text` as byte ranges: separated by blank lines when
/// the text has any, otherwise by line breaks. The separating whitespace
/// belongs to no paragraph.
fn paragraphs(text: &str) -> Vec<(usize, usize)> {
    let blank_lines = text.contains("\n\n") || text.contains("\n\r\n");
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    let mut start = 0;
    while i < b.len() {
        if b[i] == b'\n' {
            // The run of whitespace around this line break.
            let mut s = i;
            while s > start && matches!(b[s - 1], b' ' | b'\t' | b'\r') {
                s -= 1;
            }
            let mut e = i;
            let mut breaks = 0;
            while e < b.len() && matches!(b[e], b' ' | b'\t' | b'\r' | b'\n') {
                breaks += usize::from(b[e] == b'\n');
                e += 1;
            }
            // Leading and trailing whitespace belongs to no paragraph either.
            if breaks >= 2 || !blank_lines || s == start || e == b.len() {
                if s > start {
                    out.push((start, s));
                }
                start = e;
            }
            i = e;
        } else {
            i += 1;
        }
    }
    if start < b.len() && !text[start..].trim().is_empty() {
        out.push((start, b.len()));
    }
    out
}

/// Whether the first paragraph reads as a headline: a short single line
/// followed by more text, not ending like a sentence.
fn is_headline(text: &str, paras: &[(usize, usize)]) -> bool {
    let Some(&(s, e)) = paras.first() else {
        return false;
    };
    let line = text[s..e].trim();
    paras.len() > 1
        && !line.is_empty()
        && line.chars().count() <= 160
        && !line.contains('\n')
        && !line.ends_with(['.', ':', ';', ','])
}

/// The tooltip of a quote: speaker, role, kind, cue and class, rule and
/// confidence, one a line.
fn tooltip(q: &Quote) -> String {
    let mut t = String::new();
    match &q.speaker {
        Some(s) if s.mention != s.name => {
            let _ = write!(t, "speaker: {} (“{}”)", s.name, s.mention);
        }
        Some(s) => {
            let _ = write!(t, "speaker: {}", s.name);
        }
        None => t.push_str("speaker: none in the text"),
    }
    if let Some(s) = &q.speaker {
        let _ = write!(
            t,
            "\nrole: {}\nspeaker kind: {}",
            s.role.as_deref().unwrap_or("–"),
            kind_str(s.kind)
        );
    }
    let _ = write!(t, "\nkind: {}", q.kind.as_str());
    match &q.cue {
        Some(c) => {
            let _ = write!(
                t,
                "\ncue: {} ({}, class {})",
                c.text,
                c.lemma,
                c.class.as_str()
            );
        }
        None => t.push_str("\ncue: none"),
    }
    let _ = write!(t, "\nrule: {}\nconfidence: {:.2}", q.rule, q.confidence);
    t
}

/// The colour class of a quote's speaker: `s<index>`, or `sx` for none.
fn colour_class(q: &Quote, n_speakers: usize) -> String {
    match speaker_of(q, n_speakers) {
        Some(i) => format!("s{i}"),
        None => "sx".to_string(),
    }
}

/// The opening tag of a mark.
fn open_tag(out: &mut String, item: Item, a: &Analysis, tips: &[String], first: &mut [bool]) {
    let n = a.speakers.len();
    match item {
        Item::Quote(k) => {
            let q = &a.quotes[k];
            let kind = match q.kind {
                QuoteKind::Direct => "dir",
                QuoteKind::Indirect => "ind",
                QuoteKind::Mixed => "ind mix",
            };
            let _ = write!(
                out,
                "<mark class=\"q {kind} {}\" tabindex=\"0\" title=\"{tip}\" data-tip=\"{tip}\"",
                colour_class(q, n),
                tip = tips[k]
            );
            if std::mem::take(&mut first[k]) {
                let _ = write!(out, " id=\"q{}\"", k + 1);
            }
            out.push('>');
        }
        Item::Who(k) => {
            let q = &a.quotes[k];
            let name = q.speaker.as_ref().map_or("", |s| s.name.as_str());
            let _ = write!(
                out,
                "<span class=\"who {}\" title=\"speaker of quote {}: {}\">",
                colour_class(q, n),
                k + 1,
                esc_attr(name)
            );
        }
        Item::Ref(i) => {
            let name = a.speakers.get(i).map_or("", |s| s.name.as_str());
            let _ = write!(
                out,
                "<span class=\"ref s{i}\" title=\"mention of {}\">",
                esc_attr(name)
            );
        }
        Item::Cue(k) => {
            let q = &a.quotes[k];
            let title = q.cue.as_ref().map_or(String::new(), |c| {
                format!("cue of quote {}: {} ({})", k + 1, c.lemma, c.class.as_str())
            });
            let _ = write!(
                out,
                "<u class=\"cue {}\" title=\"{}\">",
                colour_class(q, n),
                esc_attr(&title)
            );
        }
    }
}

/// The closing tag of a mark.
fn close_tag(out: &mut String, item: Item) {
    out.push_str(match item {
        Item::Quote(_) => "</mark>",
        Item::Who(_) | Item::Ref(_) => "</span>",
        Item::Cue(_) => "</u>",
    });
}

/// Renders the article: paragraphs, with the marks nested quote > mention >
/// cue. Where spans cross each other or a paragraph break, elements are
/// closed and reopened, so the markup is always well-formed.
fn render_article(out: &mut String, text: &str, a: &Analysis) {
    let n = a.speakers.len();
    let mut marks: Vec<Mark> = Vec::new();
    let mut push = |start: usize, end: usize, item: Item| {
        let (start, end) = (floor_boundary(text, start), floor_boundary(text, end));
        if start < end {
            marks.push(Mark { start, end, item });
        }
    };
    let mut attributed = vec![false; n];
    for (k, q) in a.quotes.iter().enumerate() {
        push(q.start, q.end, Item::Quote(k));
        if let Some(s) = &q.speaker {
            push(s.start, s.end, Item::Who(k));
            if let Some(i) = speaker_of(q, n) {
                attributed[i] = true;
            }
        }
        if let Some(c) = &q.cue {
            push(c.start, c.end, Item::Cue(k));
        }
    }
    // Other mentions of the quoted speakers, lightly.
    for (i, s) in a.speakers.iter().enumerate() {
        if attributed[i] {
            for m in &s.mentions {
                push(m.start, m.end, Item::Ref(i));
            }
        }
    }
    marks.sort_by_key(|m| (m.start, m.end));

    let tips: Vec<String> = a.quotes.iter().map(|q| esc_attr(&tooltip(q))).collect();
    let mut first = vec![true; a.quotes.len()];
    let paras = paragraphs(text);
    let headline = is_headline(text, &paras);

    let mut next = 0;
    let mut active: Vec<Mark> = Vec::new();
    for (p, &(ps, pe)) in paras.iter().enumerate() {
        let tag = if p == 0 && headline { "h1" } else { "p" };
        let _ = write!(out, "<{tag}>");
        // Marks that started before this paragraph and reach into it.
        active.retain(|m| m.end > ps);
        while next < marks.len() && marks[next].start < ps {
            if marks[next].end > ps {
                active.push(marks[next]);
            }
            next += 1;
        }
        // Segment boundaries: the paragraph's ends and every mark end inside.
        let mut cuts: Vec<usize> = vec![ps, pe];
        cuts.extend(active.iter().map(|m| m.end).filter(|&e| e < pe));
        for m in marks[next..].iter().take_while(|m| m.start < pe) {
            cuts.extend([m.start, m.end.min(pe)]);
        }
        cuts.sort_unstable();
        cuts.dedup();
        let mut open: Vec<Item> = Vec::new();
        for w in cuts.windows(2) {
            let (s, e) = (w[0], w[1]);
            while next < marks.len() && marks[next].start <= s {
                active.push(marks[next]);
                next += 1;
            }
            active.retain(|m| m.end > s);
            // The winning mark of each layer over [s, e).
            let mut want: [Option<Mark>; 3] = [None; 3];
            for m in &active {
                let slot = &mut want[m.item.layer()];
                let better = match slot {
                    None => true,
                    Some(cur) => {
                        (m.item.rank(), m.start, m.end) < (cur.item.rank(), cur.start, cur.end)
                    }
                };
                if better {
                    *slot = Some(*m);
                }
            }
            let want: Vec<Item> = want.iter().flatten().map(|m| m.item).collect();
            let same = open.iter().zip(&want).take_while(|(a, b)| a == b).count();
            while open.len() > same {
                if let Some(item) = open.pop() {
                    close_tag(out, item);
                }
            }
            for &item in &want[same..] {
                open_tag(out, item, a, &tips, &mut first);
                open.push(item);
            }
            escape_into(out, &text[s..e], false);
        }
        while let Some(item) = open.pop() {
            close_tag(out, item);
        }
        let _ = writeln!(out, "</{tag}>");
    }
}

/// The style sheet. Speaker colours are hues set per speaker class (`--h`);
/// light and dark schemes differ only in lightness and saturation.
const CSS: &str = r#"
:root{color-scheme:light dark;--bg:#fdfdfc;--fg:#1d1f23;--muted:#5b6270;--line:#d8dbe0;--card:#f3f4f6;--tipbg:#20242b;--tipfg:#f5f6f8}
@media (prefers-color-scheme:dark){:root{--bg:#15171b;--fg:#e4e6ea;--muted:#9aa1ad;--line:#343a44;--card:#1e2127;--tipbg:#eef0f3;--tipfg:#15171b}}
*,::before,::after{box-sizing:border-box}
body{margin:0 auto;max-width:46rem;padding:1rem 1rem 3rem;background:var(--bg);color:var(--fg);font:1.0625rem/1.65 Georgia,"Iowan Old Style","Times New Roman",serif;overflow-wrap:break-word}
header,section,.legend,table,.hint,.tool{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}
.tool{margin:.5rem 0 0;font-size:.8rem;letter-spacing:.08em;text-transform:uppercase;color:var(--muted)}
.summary{margin:.25rem 0 1rem;color:var(--muted);font-size:.95rem}
h2{font-size:1rem;margin:1.25rem 0 .5rem}
.scroll{overflow-x:auto;border:1px solid var(--line);border-radius:.5rem}
table{border-collapse:collapse;width:100%;font-size:.9rem}
th,td{padding:.4rem .6rem;text-align:left;border-bottom:1px solid var(--line);vertical-align:top}
tbody tr:last-child td{border-bottom:none}
tfoot td{border-top:2px solid var(--line);border-bottom:none;color:var(--muted)}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
th button{all:unset;cursor:pointer;font-weight:600}
th button:focus-visible{outline:2px solid currentColor;outline-offset:2px}
th[aria-sort=ascending] button::after{content:" \25B2";font-size:.7em}
th[aria-sort=descending] button::after{content:" \25BC";font-size:.7em}
.chip{display:inline-block;width:.85em;height:.85em;border-radius:.2em;margin-right:.4em;vertical-align:-.05em;background:hsl(var(--h),80%,62%);border:1px solid hsl(var(--h),60%,35%)}
.hint{font-size:.8rem;color:var(--muted);margin:.35rem 0 0}
.legend ul{list-style:none;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.35rem 1.25rem;font-size:.875rem}
.legend li{line-height:1.9}
article{margin-top:1.5rem;border-top:1px solid var(--line)}
article h1{font-size:1.65rem;line-height:1.25;margin:1.25rem 0 1rem}
article p{white-space:pre-line;margin:0 0 1rem}
mark.q{color:inherit;background:hsl(var(--h),88%,86%);border-radius:.2em;padding:.05em .1em;-webkit-box-decoration-break:clone;box-decoration-break:clone;cursor:help}
mark.q.ind{background:hsl(var(--h),85%,93%);border-bottom:2px dashed hsl(var(--h),55%,45%)}
mark.q.sx{background:hsl(0,0%,88%)}
mark.q.ind.sx{background:hsl(0,0%,94%);border-bottom-color:hsl(0,0%,50%)}
mark.q:focus{outline:none;box-shadow:0 0 0 2px hsl(var(--h),60%,40%)}
mark.q:focus::after{content:attr(data-tip);display:inline-block;width:100%;text-indent:0;white-space:pre-line;margin:.35rem 0;padding:.5rem .7rem;border-radius:.4rem;background:var(--tipbg);color:var(--tipfg);font:.8rem/1.45 system-ui,sans-serif}
u.cue{text-decoration:underline 2.5px hsl(var(--h),65%,38%);text-underline-offset:.2em}
u.cue.sx{text-decoration-color:hsl(0,0%,45%)}
.who{border:2px solid hsl(var(--h),60%,42%);border-radius:.3em;padding:0 .15em;font-weight:600}
.who.sx{border-color:hsl(0,0%,50%)}
.ref{border-bottom:2px dotted hsl(var(--h),60%,42%)}
@media (prefers-color-scheme:dark){
.chip{background:hsl(var(--h),55%,50%);border-color:hsl(var(--h),60%,70%)}
mark.q{background:hsl(var(--h),42%,30%)}
mark.q.ind{background:hsl(var(--h),32%,21%);border-bottom-color:hsl(var(--h),70%,66%)}
mark.q.sx{background:hsl(0,0%,30%)}
mark.q.ind.sx{background:hsl(0,0%,22%);border-bottom-color:hsl(0,0%,65%)}
mark.q:focus{box-shadow:0 0 0 2px hsl(var(--h),70%,70%)}
u.cue{text-decoration-color:hsl(var(--h),75%,68%)}
u.cue.sx{text-decoration-color:hsl(0,0%,70%)}
.who{border-color:hsl(var(--h),65%,66%)}
.who.sx{border-color:hsl(0,0%,65%)}
.ref{border-bottom-color:hsl(var(--h),65%,66%)}
}
@media (max-width:480px){body{font-size:1rem;padding:.75rem .75rem 2rem}article h1{font-size:1.35rem}th,td{padding:.35rem .4rem}}
"#;

/// Sorts the speaker table by the clicked column: numbers by `data-v`,
/// text by its content; a second click reverses.
const SCRIPT: &str = r##"
document.querySelectorAll("#speakers th button").forEach(function (b) {
  b.addEventListener("click", function () {
    var th = b.parentNode, i = th.cellIndex, tb = th.closest("table").tBodies[0], up = th.getAttribute("aria-sort") !== "ascending";
    var key = function (r) { var c = r.cells[i]; return c.dataset.v !== undefined ? parseFloat(c.dataset.v) : c.textContent.toLowerCase(); };
    Array.prototype.slice.call(tb.rows).sort(function (x, y) { var a = key(x), z = key(y); return (a < z ? -1 : a > z ? 1 : 0) * (up ? 1 : -1); }).forEach(function (r) { tb.appendChild(r); });
    th.parentNode.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", up ? "ascending" : "descending");
  });
});
"##;

/// A percentage with one decimal, for the share column.
fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

/// Renders `analysis` of `text` as one self-contained HTML page.
///
/// The page shows, from the top: the number of quotes of each kind; a table
/// of the speakers (colour, name, role, kind, direct, indirect and mixed
/// quotes, share of all quotes), sortable by clicking a column heading; a
/// legend; and the article, with every quote highlighted in its speaker's
/// colour (reported speech paler, with a dashed underline; quotes with no
/// speaker grey), its cue underlined and the mention it is attributed to
/// boxed. Hovering over a quote shows its speaker, role, kind, cue and cue
/// class, rule and confidence; tapping it or moving to it with the keyboard
/// shows the same below it. If the article's first line reads as a headline
/// (short, followed by more text, not ending in a full stop), it is the
/// page's title.
///
/// Everything from the text and the analysis is HTML-escaped, so markup in
/// an article shows as text. The page loads nothing: styles and the sorting
/// script are inline. It follows the reader's light or dark colour scheme
/// and reflows down to phone widths.
///
/// Spans are the byte offsets of the records. The page is built by walking
/// the text once with them; spans that overlap, cross a paragraph break, lie
/// outside `text` or off character boundaries (an analysis of another text)
/// are clamped, split or dropped, never a panic.
pub fn html(text: &str, analysis: &Analysis) -> String {
    let a = analysis;
    let stats = speaker_stats(a);
    let total = a.quotes.len();
    let count = |k: QuoteKind| a.quotes.iter().filter(|q| q.kind == k).count();
    let (direct, indirect, mixed) = (
        count(QuoteKind::Direct),
        count(QuoteKind::Indirect),
        count(QuoteKind::Mixed),
    );
    let unattributed = a
        .quotes
        .iter()
        .filter(|q| speaker_of(q, a.speakers.len()).is_none())
        .collect::<Vec<_>>();

    let paras = paragraphs(text);
    let title = if is_headline(text, &paras) {
        text[paras[0].0..paras[0].1].trim().to_string()
    } else {
        "Quotations".to_string()
    };

    let mut out = String::with_capacity(text.len() * 3 + CSS.len() + 4096);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<meta name=\"color-scheme\" content=\"light dark\">\n");
    out.push_str("<meta name=\"generator\" content=\"whosaid\">\n");
    let _ = writeln!(out, "<title>{} · who said what</title>", esc(&title));
    out.push_str("<style>");
    out.push_str(CSS);
    // One hue per speaker.
    for i in 0..a.speakers.len() {
        let _ = write!(out, ".s{i}{{--h:{}}}", hue(i));
    }
    out.push_str(".sx{--h:0}\n</style>\n</head>\n<body>\n<header>\n");
    out.push_str("<p class=\"tool\">whosaid · who said what</p>\n");
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    let quoted = stats.iter().filter(|s| s.quotes > 0).count();
    let _ = write!(
        out,
        "<p class=\"summary\">{}: {direct} direct, {indirect} indirect, {mixed} mixed; {}",
        plural(total, "quote", "quotes"),
        plural(quoted, "speaker quoted", "speakers quoted"),
    );
    if !unattributed.is_empty() {
        let _ = write!(out, "; {} with no speaker", unattributed.len());
    }
    out.push_str(".</p>\n</header>\n");

    // The speaker table.
    out.push_str("<section aria-labelledby=\"h-speakers\">\n<h2 id=\"h-speakers\">Speakers</h2>\n");
    if stats.is_empty() && unattributed.is_empty() {
        out.push_str("<p class=\"hint\">No quotations found.</p>\n");
    } else {
        out.push_str("<div class=\"scroll\"><table id=\"speakers\">\n<thead><tr>");
        for (label, numeric) in [
            ("Speaker", false),
            ("Role", false),
            ("Kind", false),
            ("Direct", true),
            ("Indirect", true),
            ("Mixed", true),
            ("Share", true),
        ] {
            let class = if numeric { " class=\"n\"" } else { "" };
            let _ = write!(
                out,
                "<th{class} scope=\"col\"><button type=\"button\">{label}</button></th>"
            );
        }
        out.push_str("</tr></thead>\n<tbody>\n");
        for (i, s) in stats.iter().enumerate() {
            let _ = writeln!(
                out,
                "<tr><td><span class=\"chip s{i}\"></span>{}</td><td>{}</td><td>{}</td>\
                 <td class=\"n\" data-v=\"{}\">{}</td><td class=\"n\" data-v=\"{}\">{}</td>\
                 <td class=\"n\" data-v=\"{}\">{}</td><td class=\"n\" data-v=\"{:.6}\">{}</td></tr>",
                esc(&s.name),
                s.role.as_deref().map_or("–".to_string(), esc),
                kind_str(s.kind),
                s.direct,
                s.direct,
                s.indirect,
                s.indirect,
                s.mixed,
                s.mixed,
                s.share,
                percent(s.share),
            );
        }
        out.push_str("</tbody>\n<tfoot>\n");
        if !unattributed.is_empty() {
            let n = unattributed.len();
            let c = |k: QuoteKind| unattributed.iter().filter(|q| q.kind == k).count();
            let _ = writeln!(
                out,
                "<tr><td><span class=\"chip sx\"></span>(no speaker)</td><td>–</td><td>–</td>\
                 <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                c(QuoteKind::Direct),
                c(QuoteKind::Indirect),
                c(QuoteKind::Mixed),
                percent(n as f64 / total.max(1) as f64),
            );
        }
        let _ = writeln!(
            out,
            "<tr><td>All quotes</td><td></td><td></td><td class=\"n\">{direct}</td>\
             <td class=\"n\">{indirect}</td><td class=\"n\">{mixed}</td><td class=\"n\">{}</td></tr>",
            if total > 0 { "100.0%" } else { "–" },
        );
        out.push_str("</tfoot>\n</table></div>\n");
        out.push_str("<p class=\"hint\">Click a column heading to sort.</p>\n");
    }
    out.push_str("</section>\n");

    // The legend: the marks, drawn in the first speaker's colour.
    let eg = if a.speakers.is_empty() { "sx" } else { "s0" };
    let _ = write!(
        out,
        "<section class=\"legend\" aria-labelledby=\"h-legend\">\n<h2 id=\"h-legend\">Legend</h2>\n<ul>\
         <li><mark class=\"q dir {eg}\">direct quote</mark> the speaker's words</li>\
         <li><mark class=\"q ind {eg}\">indirect or mixed</mark> reported speech</li>\
         <li><mark class=\"q dir sx\">no speaker</mark> no source in the text</li>\
         <li><u class=\"cue {eg}\">said</u> the cue</li>\
         <li><span class=\"who {eg}\">She</span> the mention a quote is attributed to</li>\
         <li><span class=\"ref {eg}\">Moll</span> another mention of a speaker</li>\
         </ul>\n<p class=\"hint\">Colour: the speaker, as in the table. Hover over a quote, or tap it, \
         for its speaker, role, kind, cue class, rule and confidence.</p>\n</section>\n"
    );

    out.push_str("<article>\n");
    render_article(&mut out, text, a);
    out.push_str("</article>\n<script>");
    out.push_str(SCRIPT);
    out.push_str("</script>\n</body>\n</html>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_split_on_blank_lines_or_else_on_lines() {
        let t = "Title\n\nOne.\nStill one.\n \n\nTwo.\n";
        let p: Vec<&str> = paragraphs(t).iter().map(|&(s, e)| &t[s..e]).collect();
        assert_eq!(p, ["Title", "One.\nStill one.", "Two."]);
        let t = "\nA.\r\nB.\n";
        let p: Vec<&str> = paragraphs(t).iter().map(|&(s, e)| &t[s..e]).collect();
        assert_eq!(p, ["A.", "B."]);
        assert!(paragraphs("").is_empty());
        assert!(paragraphs("\n\n \n").is_empty());
    }

    #[test]
    fn escaping() {
        assert_eq!(
            esc("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
        assert_eq!(esc_attr("a\nb\r\n"), "a&#10;b&#10;");
    }

    #[test]
    fn boundaries_clamp() {
        let t = "Zoë";
        assert_eq!(floor_boundary(t, 3), 2);
        assert_eq!(floor_boundary(t, 99), 4);
    }
}
