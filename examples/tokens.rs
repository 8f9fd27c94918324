//! How the rules see a text: the token class of every word, sentence by
//! sentence, and the records that come out. A tool for writing rule patterns.
//!
//! ```text
//! echo 'Ann Lee said: "Go."' | cargo run --example tokens
//! ```

use std::io::Read;

fn main() {
    let mut s = String::new();
    if std::io::stdin().read_to_string(&mut s).is_err() {
        eprintln!("tokens: stdin is not UTF-8 text");
        std::process::exit(2);
    }
    let ex = whosaid::Extractor::new();
    print!("{}", ex.token_classes(&s));
    for q in ex.extract(&s) {
        println!(
            "{:?} {:?} <- {:?} [{}]",
            q.kind,
            q.text,
            q.speaker.as_ref().map(|s| (&s.mention, &s.name)),
            q.rule
        );
    }
}
