//! `Extractor::analyze_sections`: a long text analysed section by section
//! gives the records of its articles, with offsets into the whole text.

use whosaid::{Extractor, DEFAULT_SECTION_BYTES};

fn fixture(name: &str) -> String {
    let path = format!("{}/benches/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(path).expect("fixture")
}

/// Records as (start, end, kind, speaker name, cue start), for comparison.
type Row = (usize, usize, String, Option<String>, Option<usize>);

fn rows(a: &whosaid::Analysis) -> Vec<Row> {
    a.quotes
        .iter()
        .map(|q| {
            (
                q.start,
                q.end,
                format!("{:?}", q.kind),
                q.speaker.as_ref().map(|s| s.name.clone()),
                q.cue.as_ref().map(|c| c.start),
            )
        })
        .collect()
}

#[test]
fn sections_give_the_records_of_the_whole_text() {
    let articles = [
        fixture("short.txt"),
        fixture("quotes.txt"),
        fixture("long.txt"),
    ];
    let ex = Extractor::new();
    let mut text = String::new();
    for art in articles.iter().cycle().take(12) {
        text.push_str(art.trim_end());
        text.push_str("\n\n");
    }
    assert!(text.len() > 100_000);
    let whole = ex.analyze(&text);
    let mut got: Vec<Row> = Vec::new();
    let mut sections = 0;
    ex.analyze_sections(&text, 8192, |a| {
        sections += 1;
        for q in &a.quotes {
            assert_eq!(&text[q.start..q.end], q.text);
            if let Some(s) = &q.speaker {
                assert_eq!(&text[s.start..s.end], s.mention);
                assert_eq!(a.speakers[s.index].name, s.name);
            }
        }
        let counted: usize = a.speakers.iter().map(|s| s.quotes).sum();
        assert_eq!(
            counted,
            a.quotes.iter().filter(|q| q.speaker.is_some()).count()
        );
        got.extend(rows(&a));
    });
    assert!(sections >= 10, "{sections} sections");
    // Every record once, at the same place, with the same cue; speakers
    // resolved within the context agree with the whole text's.
    let want = rows(&whole);
    assert_eq!(got.len(), want.len());
    let same = |g: &Row, w: &Row| (g.0, g.1, &g.2, g.4) == (w.0, w.1, &w.2, w.4);
    assert!(got.iter().zip(&want).all(|(g, w)| same(g, w)));
    let named_alike = got.iter().zip(&want).filter(|(g, w)| g.3 == w.3).count();
    assert!(named_alike == want.len(), "{named_alike} of {}", want.len());
}

#[test]
fn a_text_below_the_section_size_is_one_section() {
    let text = fixture("quotes.txt");
    let ex = Extractor::new();
    let mut all = Vec::new();
    ex.analyze_sections(&text, DEFAULT_SECTION_BYTES, |a| all.push(a));
    assert_eq!(all.len(), 1);
    assert_eq!(all[0], ex.analyze(&text));
}

/// Invented news sentences with quotations, joined with spaces into one
/// line: no blank line and no line break to cut at.
fn one_line_text(n: usize) -> String {
    let names = ["Ivo Lund", "Mara Koss", "Teo Brandt", "Rina Solt"];
    let things = ["dam", "levy", "bridge", "ferry", "mill"];
    let mut text = String::new();
    for i in 0..n {
        let name = names[i % names.len()];
        let last = name.split(' ').nth(1).unwrap_or(name);
        let thing = things[i % things.len()];
        let s = match i % 4 {
            0 => format!(
                "“The {thing} is old,” said {name}, a farmer. {last} said the {thing} was unfair. "
            ),
            1 => format!(
                "{name} said: “We cannot wait for the {thing}.” The council did not reply. "
            ),
            2 => format!("“Nobody asked us,” {last} said. “The {thing} can wait!” "),
            _ => format!("According to {name}, the {thing} will reopen in spring. "),
        };
        text.push_str(&s);
    }
    text
}

#[test]
fn a_text_without_line_breaks_is_cut_at_sentence_ends() {
    let text = one_line_text(3000);
    assert!(!text.contains('\n') && text.len() > 200_000);
    let ex = Extractor::new();
    let whole = ex.analyze(&text);
    let mut got: Vec<Row> = Vec::new();
    let mut sections = 0;
    let mut longest = 0;
    ex.analyze_sections(&text, 8192, |a| {
        sections += 1;
        let (first, last) = match (a.quotes.first(), a.quotes.last()) {
            (Some(f), Some(l)) => (f.start, l.start),
            _ => return,
        };
        longest = longest.max(last - first);
        for q in &a.quotes {
            assert_eq!(&text[q.start..q.end], q.text);
        }
        got.extend(rows(&a));
    });
    assert!(sections >= 20, "{sections} sections");
    assert!(longest <= 2 * 8192, "{longest}");
    // Every record once, the same as in the whole text, speakers included.
    assert_eq!(got, rows(&whole));
}

#[test]
fn a_text_without_spaces_is_still_cut() {
    let text = "é".repeat(50_000);
    let ex = Extractor::new();
    let mut sections = 0;
    ex.analyze_sections(&text, 1000, |a| {
        sections += 1;
        assert!(a.quotes.is_empty());
    });
    assert!(sections >= 50, "{sections}");
}
