//! Quotation marks that do not make a quotation record: titles of works,
//! scare quotes, quoted terms, cue words inside a quotation, empty pairs.

mod common;

use common::{analyze, direct, indirect, run_table};

#[test]
fn titles_scare_quotes_and_terms_give_no_record() {
    let texts = [
        "The Lantern Theatre will stage “The Salt Orchard” in May.",
        "The choir will sing “Nobody Said Goodbye” on Sunday.",
        "The so-called “reform” cost the town a fortune.",
        "The new “Harbour Plan” was published on Friday and nobody read it.",
        "Locals call the bridge 'the Spine' because of its shape.",
        "Locals call the bridge ‘the Spine’ because of its shape.",
        "The 'green corridor' plan was dropped.",
        "He typed \"\" into the box.",
        "The form had a “” field and a ‘’ field.",
        // "called" names here; it reports nothing.
        "The town founded a choir called the Harbour Singers.",
        "Ola Brandt leads a group called Save Our Pier.",
        // A cue before "by" is a passive participle.
        "The harbour described by the mayor in her last speech is now closed to ferries.",
    ];
    for text in texts {
        let a = analyze(text);
        let got: Vec<String> = a.quotes.iter().map(common::describe).collect();
        assert!(a.quotes.is_empty(), "{text:?} gave {got:#?}");
        assert!(
            a.speakers.is_empty(),
            "{text:?} gave speakers {:?}",
            a.speakers
        );
    }
}

#[test]
fn titles_and_terms_do_not_hide_a_real_quote() {
    run_table(&[
        (
            "The Lantern Theatre will stage “The Salt Orchard” in May. \
             “It is our best play,” said director Hal Brenner.",
            vec![direct("It is our best play,")
                .by("Hal Brenner")
                .role("director")],
        ),
        (
            "The form had a blank \"\" field. Ingrid Talvik said the form was wrong.",
            vec![indirect("the form was wrong")
                .by("Ingrid Talvik")
                .cue("said")],
        ),
    ]);
}

#[test]
fn said_inside_a_quotation_starts_no_record() {
    run_table(&[
        (
            "“Nobody said it would be easy,” said Ingrid Talvik.",
            vec![direct("Nobody said it would be easy,")
                .by("Ingrid Talvik")
                .cue("said")],
        ),
        (
            "Ingrid Talvik said: “My mother said the sea gives and takes.”",
            vec![direct("My mother said the sea gives and takes.").by("Ingrid Talvik")],
        ),
        (
            "“I told him he said too much,” Ingrid Talvik said.",
            vec![direct("I told him he said too much,").by("Ingrid Talvik")],
        ),
        (
            "“She said ‘the pier is safe’ and left,” Ingrid Talvik said.",
            vec![direct("She said ‘the pier is safe’ and left,").by("Ingrid Talvik")],
        ),
        (
            "“According to my father, the pier is safe,” said Ingrid Talvik.",
            vec![direct("According to my father, the pier is safe,").by("Ingrid Talvik")],
        ),
    ]);
}

/// A paragraph that is only a short phrase in marks, with no pronoun, no
/// verb and no negation, and not an exclamation or a question, is a section
/// heading; a short sentence or answer in marks is still a quote.
#[test]
fn a_short_phrase_in_marks_as_its_own_paragraph_is_a_heading() {
    run_table(&[
        (
            "“The ferry runs on time,” said Ivo Kern.\n\n‘A harbour reborn.’\n\nThe works began in May.",
            vec![direct("The ferry runs on time,").by("Ivo Kern")],
        ),
        (
            "“The ferry runs on time,” said Ivo Kern.\n\n“We need rain.”\n\nThe works began in May.",
            vec![
                direct("The ferry runs on time,").by("Ivo Kern"),
                direct("We need rain.").by("Ivo Kern"),
            ],
        ),
        (
            "“Will you run again?” the host asked Ivo Kern.\n\n“Absolutely not.”\n\nThe works began in May.",
            vec![
                direct("Will you run again?").by("host"),
                direct("Absolutely not.").by("host"),
            ],
        ),
        (
            "“The ferry runs on time,” said Ivo Kern.\n\n“Never again!”\n\nThe works began in May.",
            vec![
                direct("The ferry runs on time,").by("Ivo Kern"),
                direct("Never again!").by("Ivo Kern"),
            ],
        ),
        (
            "“The ferry runs on time,” said Ivo Kern.\n\n“A harbour reborn at last.”\n\nThe works began in May.",
            vec![
                direct("The ferry runs on time,").by("Ivo Kern"),
                direct("A harbour reborn at last.").by("Ivo Kern"),
            ],
        ),
    ]);
}

/// "said so" stands for what was said: the time or place after it is no
/// reported clause, while "so" opening one ("so many ...", "so far ...")
/// still reports.
#[test]
fn said_so_with_a_time_or_place_reports_nothing() {
    run_table(&[
        ("Tove Lind said so on Monday.", vec![]),
        ("Tove Lind said so in a letter to the council.", vec![]),
        ("Two thirds of the members said so last year.", vec![]),
        (
            "Tove Lind said so far the repairs had gone well.",
            vec![indirect("so far the repairs had gone well").by("Tove Lind")],
        ),
    ]);
}
