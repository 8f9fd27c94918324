//! Who is quoted, how often, across a folder of articles.
//!
//! ```text
//! cargo run --release --example speakers                # three built-in articles
//! cargo run --release --example speakers -- articles/   # every .txt file in a folder
//! ```
//!
//! Speakers are matched across articles by their resolved name, so "Moll"
//! in one story and "Renata Moll" in another count together when each
//! article gives the full name somewhere.

use std::collections::HashMap;
use std::path::Path;
use std::process::ExitCode;

use whosaid::{report, Extractor};

/// Invented articles: the report sample and two follow-ups sharing speakers.
const BUILT_IN: [(&str, &str); 3] = [
    ("ferry-fares.txt", include_str!("../docs/sample-article.txt")),
    (
        "ferry-assembly.txt",
        "Assembly to hear ferry passengers next week

The regional assembly will meet passengers of the Harbourside ferry on Thursday, its transport committee said.

Tomas Ekwueme, chair of the Harbourside Passengers’ Association, said the meeting was “a first step, not a solution.” He said his members wanted the fare rise delayed until the autumn.

“We will listen to everyone,” said committee chair Ilse Brandvold.
",
    ),
    (
        "ferry-fuel.txt",
        "Ferry operator signs new fuel contract

The Coastal Transport Authority said on Friday that it had signed a three-year fuel contract that would cut its costs by a tenth.

“This gives us room to breathe,” said Renata Moll, the authority’s chief executive. Moll said fares would be reviewed again in the spring.

Ilse Brandvold, who chairs the assembly’s transport committee, welcomed the deal. “It is good news for every passenger,” she said.
",
    ),
];

/// One speaker's quotes over all the articles.
#[derive(Default)]
struct Tally {
    articles: usize,
    direct: usize,
    indirect: usize,
    mixed: usize,
}

impl Tally {
    fn quotes(&self) -> usize {
        self.direct + self.indirect + self.mixed
    }
}

/// The `.txt` files of a folder, by name.
fn read_folder(dir: &Path) -> std::io::Result<Vec<(String, String)>> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x == "txt"))
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for p in paths {
        match std::fs::read_to_string(&p) {
            Ok(text) => out.push((p.display().to_string(), text)),
            Err(e) => eprintln!("speakers: skipping {}: {e}", p.display()),
        }
    }
    Ok(out)
}

fn main() -> ExitCode {
    let articles: Vec<(String, String)> = match std::env::args().nth(1) {
        Some(dir) => match read_folder(Path::new(&dir)) {
            Ok(a) => a,
            Err(e) => {
                eprintln!("speakers: cannot read the folder {dir}: {e}");
                return ExitCode::from(2);
            }
        },
        None => BUILT_IN
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect(),
    };

    let ex = Extractor::new();
    let mut tallies: HashMap<String, Tally> = HashMap::new();
    let (mut total, mut unattributed) = (0, 0);
    for (_, text) in &articles {
        let analysis = ex.analyze(text);
        total += analysis.quotes.len();
        let stats = report::speaker_stats(&analysis);
        unattributed += analysis.quotes.len() - stats.iter().map(|s| s.quotes).sum::<usize>();
        for s in stats.into_iter().filter(|s| s.quotes > 0) {
            let t = tallies.entry(s.name).or_default();
            t.articles += 1;
            t.direct += s.direct;
            t.indirect += s.indirect;
            t.mixed += s.mixed;
        }
    }

    let mut rows: Vec<(String, Tally)> = tallies.into_iter().collect();
    rows.sort_by(|a, b| b.1.quotes().cmp(&a.1.quotes()).then_with(|| a.0.cmp(&b.0)));
    let width = rows
        .iter()
        .map(|(n, _)| n.chars().count())
        .max()
        .unwrap_or(0)
        .max("speaker".len());
    println!("{} articles, {total} quotes\n", articles.len());
    println!(
        "{:<width$}  articles  direct  indirect  mixed  quotes  share",
        "speaker"
    );
    for (name, t) in &rows {
        let share = 100.0 * t.quotes() as f64 / total.max(1) as f64;
        let pad = width - name.chars().count();
        println!(
            "{name}{:pad$}  {:>8}  {:>6}  {:>8}  {:>5}  {:>6}  {share:>4.1}%",
            "",
            t.articles,
            t.direct,
            t.indirect,
            t.mixed,
            t.quotes()
        );
    }
    if unattributed > 0 {
        println!("({unattributed} quotes with no speaker)");
    }
    ExitCode::SUCCESS
}
