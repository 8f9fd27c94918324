//! The smallest use of the library: text in, quotes out.
//!
//! ```text
//! cargo run --example basic
//! ```

fn main() {
    let text = "Mayor Ines Kowal opened the new bridge on Friday. \
                “It took us eleven years,” she said. \
                Engineers said the bridge would last a century.";
    for q in whosaid::Extractor::new().extract(text) {
        let who = q.speaker.as_ref().map_or("(unknown)", |s| s.name.as_str());
        println!("{:<8} {who}: {}", q.kind.as_str(), q.text);
    }
}
