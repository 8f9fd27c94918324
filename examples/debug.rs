use std::io::Read;
fn main() {
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s).unwrap();
    let ex = whosaid::Extractor::new();
    print!("{}", ex.debug_sentences(&s));
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
