//! Writes the HTML report of an article: quotes highlighted by speaker, the
//! speaker table and a legend, in one self-contained file.
//!
//! ```text
//! cargo run --example html_report                        # built-in sample article
//! cargo run --example html_report -- article.txt         # your article
//! cargo run --example html_report -- article.txt out.html
//! ```
//!
//! Without an output path, the page goes to `report.html` in the build's
//! `target/` directory (or the system temporary directory when the example
//! is not run from there), and the path is printed.

use std::path::PathBuf;
use std::process::ExitCode;

/// An invented article with three speakers and direct, indirect and mixed
/// quotes (the one in `docs/report.png`).
const SAMPLE: &str = include_str!("../docs/sample-article.txt");

/// `target/report.html` beside the running binary (`target/<profile>/examples/`),
/// else in the temporary directory.
fn default_output() -> PathBuf {
    let target = std::env::current_exe().ok().and_then(|exe| {
        exe.ancestors()
            .find(|d| d.file_name().is_some_and(|n| n == "target"))
            .map(PathBuf::from)
    });
    target
        .unwrap_or_else(std::env::temp_dir)
        .join("report.html")
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let text = match args.first() {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("html_report: cannot read {path}: {e}");
                return ExitCode::from(2);
            }
        },
        None => SAMPLE.to_string(),
    };
    let out = args.get(1).map_or_else(default_output, PathBuf::from);

    let analysis = whosaid::Extractor::new().analyze(&text);
    let page = whosaid::report::html(&text, &analysis);
    if let Err(e) = std::fs::write(&out, page) {
        eprintln!("html_report: cannot write {}: {e}", out.display());
        return ExitCode::from(2);
    }
    println!(
        "{} quotes from {} speakers: wrote {}",
        analysis.quotes.len(),
        analysis.speakers.len(),
        out.display()
    );
    ExitCode::SUCCESS
}
