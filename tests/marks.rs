//! Quotation marks: styles, apostrophes, paragraphs, nesting, stray marks.

mod common;

use common::{analyze, direct, indirect, run_table};

#[test]
fn every_mark_style_opens_and_closes_a_quote() {
    run_table(&[
        (
            "Tamsin Voyle said, \"The ferry is late.\"",
            vec![direct("The ferry is late.").by("Tamsin Voyle").cue("said")],
        ),
        (
            "“The ferry is late,” said Tamsin Voyle.",
            vec![direct("The ferry is late,").by("Tamsin Voyle").cue("said")],
        ),
        (
            "‘The ferry is late,’ said Tamsin Voyle.",
            vec![direct("The ferry is late,").by("Tamsin Voyle").cue("said")],
        ),
        (
            "'The ferry is late,' said Tamsin Voyle.",
            vec![direct("The ferry is late,").by("Tamsin Voyle").cue("said")],
        ),
        (
            "«The ferry is late,» said Tamsin Voyle.",
            vec![direct("The ferry is late,").by("Tamsin Voyle").cue("said")],
        ),
        (
            "Tamsin Voyle said: «The ferry is late.»",
            vec![direct("The ferry is late.").by("Tamsin Voyle").cue("said")],
        ),
        (
            "Tamsin Voyle said: « The ferry is late. »",
            vec![direct("The ferry is late.").by("Tamsin Voyle").cue("said")],
        ),
        (
            "„The ferry is late,“ said Tamsin Voyle.",
            vec![direct("The ferry is late,").by("Tamsin Voyle").cue("said")],
        ),
        (
            "Tamsin Voyle said: „The ferry is late.“",
            vec![direct("The ferry is late.").by("Tamsin Voyle").cue("said")],
        ),
    ]);
}

#[test]
fn apostrophes_never_open_or_close() {
    run_table(&[
        (
            "“Rhys Ellis’ barn burned down,” said Orla Fenwick.",
            vec![direct("Rhys Ellis’ barn burned down,").by("Orla Fenwick")],
        ),
        (
            "\"Rhys Ellis' barn burned down,\" said Orla Fenwick.",
            vec![direct("Rhys Ellis' barn burned down,").by("Orla Fenwick")],
        ),
        (
            "“The United States’ tariffs hurt us,” said Orla Fenwick.",
            vec![direct("The United States’ tariffs hurt us,").by("Orla Fenwick")],
        ),
        (
            "‘The United States’ tariffs hurt us,’ said Orla Fenwick.",
            vec![direct("The United States’ tariffs hurt us,").by("Orla Fenwick")],
        ),
        (
            "“Back in the ’90s we fished here,” said Orla Fenwick.",
            vec![direct("Back in the ’90s we fished here,").by("Orla Fenwick")],
        ),
        (
            "‘Back in the ’90s we fished here,’ said Orla Fenwick.",
            vec![direct("Back in the ’90s we fished here,").by("Orla Fenwick")],
        ),
        (
            "“’90s music was better,” said Orla Fenwick.",
            vec![direct("’90s music was better,").by("Orla Fenwick")],
        ),
        (
            "“We haven‘t been paid,” said Orla Fenwick.",
            vec![direct("We haven‘t been paid,").by("Orla Fenwick")],
        ),
        (
            "‘We haven‘t been paid,’ said Orla Fenwick.",
            vec![direct("We haven‘t been paid,").by("Orla Fenwick")],
        ),
        (
            "'It's the Fenmoor club's fault,' said Orla Fenwick.",
            vec![direct("It's the Fenmoor club's fault,").by("Orla Fenwick")],
        ),
        // Apostrophes in the narration before a quote pair with nothing.
        (
            "Rhys Ellis' barn burned in the ’90s. The United States’ tariffs came later. \
             Orla Fenwick said: “It was arson.”",
            vec![direct("It was arson.").by("Orla Fenwick").cue("said")],
        ),
        (
            "'We fixed the Ellis' roof,' said Orla Fenwick.",
            vec![direct("We fixed the Ellis' roof,").by("Orla Fenwick")],
        ),
        (
            "'Back in the '90s we fished,' said Orla Fenwick.",
            vec![direct("Back in the '90s we fished,").by("Orla Fenwick")],
        ),
        (
            "\"Back in the '90s we fished,\" said Orla Fenwick.",
            vec![direct("Back in the '90s we fished,").by("Orla Fenwick")],
        ),
        (
            "The 12' boat sank. 'We lost it,' said Orla Fenwick.",
            vec![direct("We lost it,").by("Orla Fenwick")],
        ),
    ]);
}

#[test]
fn a_quote_over_several_paragraphs_is_one_record() {
    run_table(&[
        (
            "Pia Lundgren said: “The first part is here.\n\n“The second part is here.\n\n\
             “And the last one ends it.”",
            vec![direct(
                "The first part is here.\n\n“The second part is here.\n\n“And the last one ends it.",
            )
            .by("Pia Lundgren")
            .cue("said")],
        ),
        (
            "Pia Lundgren said: \"The first part is here.\n\n\"The second part is here.\"",
            vec![direct("The first part is here.\n\n\"The second part is here.").by("Pia Lundgren")],
        ),
        (
            "Pia Lundgren said: ‘The first part is here.\n\n‘The second part is here.’",
            vec![direct("The first part is here.\n\n‘The second part is here.").by("Pia Lundgren")],
        ),
        (
            "Pia Lundgren said: «The first part is here.\n\n«The second part is here.»",
            vec![direct("The first part is here.\n\n«The second part is here.").by("Pia Lundgren")],
        ),
        // Paragraphs separated by a single line break.
        (
            "Pia Lundgren said: “The first part is here.\n“The second part is here.”",
            vec![direct("The first part is here.\n“The second part is here.").by("Pia Lundgren")],
        ),
        // The long quote is a follow-up to an attributed one.
        (
            "“The dock is old,” Pia Lundgren said. “It was built in 1890.\n\n\
             “Nobody has repaired it since.”",
            vec![
                direct("The dock is old,").by("Pia Lundgren").cue("said"),
                direct("It was built in 1890.\n\n“Nobody has repaired it since.")
                    .by("Pia Lundgren")
                    .no_cue()
                    .rule(whosaid::RULE_FOLLOW_UP),
            ],
        ),
    ]);
}

#[test]
fn a_quote_never_closed_ends_at_the_paragraph_break() {
    run_table(&[
        (
            "Pia Lundgren said: “The dock will close\n\nThe council met on Monday.",
            vec![direct("The dock will close").by("Pia Lundgren").cue("said")],
        ),
        // Reopened once, then narration: the quote ends with the second paragraph.
        (
            "Pia Lundgren said: “The first part is here.\n\n“The second part is here.\n\n\
             The council did not reply.",
            vec![direct("The first part is here.\n\n“The second part is here.").by("Pia Lundgren")],
        ),
        // The unclosed quote does not swallow the next paragraph's quote.
        (
            "Pia Lundgren said: “The dock will close\n\n\
             Harbour master Ivo Kern said the dock would stay open.",
            vec![
                direct("The dock will close").by("Pia Lundgren"),
                indirect("the dock would stay open")
                    .by("Ivo Kern")
                    .cue("said"),
            ],
        ),
    ]);
}

#[test]
fn only_the_outermost_of_nested_quotes_is_a_record() {
    run_table(&[
        (
            "“My father always told me, ‘Never sell the boat,’ and I never did,” said Kofi Marren.",
            vec![
                direct("My father always told me, ‘Never sell the boat,’ and I never did,")
                    .by("Kofi Marren")
                    .cue("said"),
            ],
        ),
        (
            "'He shouted \"run\" at us,' said Kofi Marren.",
            vec![direct("He shouted \"run\" at us,").by("Kofi Marren")],
        ),
        (
            "‘He said “go”, so we went,’ said Kofi Marren.",
            vec![direct("He said “go”, so we went,").by("Kofi Marren")],
        ),
        (
            "“He told me ‘never,’” said Kofi Marren.",
            vec![direct("He told me ‘never,’").by("Kofi Marren")],
        ),
        (
            "“She yelled ‘don’t touch the Ellis’ boat’ at me,” said Kofi Marren.",
            vec![direct("She yelled ‘don’t touch the Ellis’ boat’ at me,").by("Kofi Marren")],
        ),
    ]);
}

#[test]
fn a_stray_mark_loses_nothing_else() {
    run_table(&[
        // An inch mark.
        (
            "Workers fitted the 6\" pipes. “The job is done,” said Kofi Marren. “We go home now.”",
            vec![
                direct("The job is done,").by("Kofi Marren").cue("said"),
                direct("We go home now.").by("Kofi Marren").no_cue(),
            ],
        ),
        (
            "He measured 5\" and 7\" pipes. \"Fine,\" said Kofi Marren.",
            vec![direct("Fine,").by("Kofi Marren")],
        ),
        // A lone opening mark between two attributions.
        (
            "“We built it,” said Kofi Marren. “ Tilda Brask said the roof leaks.",
            vec![
                direct("We built it,").by("Kofi Marren"),
                indirect("the roof leaks").by("Tilda Brask").cue("said"),
            ],
        ),
        // A lone closing mark in an earlier paragraph.
        (
            "A headline with a stray ” mark\n\n“We built it ourselves,” said Kofi Marren. \
             Tilda Brask said: “It took a year.”",
            vec![
                direct("We built it ourselves,").by("Kofi Marren"),
                direct("It took a year.").by("Tilda Brask"),
            ],
        ),
        // A lone opening mark in an earlier paragraph.
        (
            "Stray opening “ here.\n\n“We built it ourselves,” said Kofi Marren. \
             Tilda Brask said: “It took a year.”",
            vec![
                direct("We built it ourselves,").by("Kofi Marren"),
                direct("It took a year.").by("Tilda Brask"),
            ],
        ),
        // A lone closing mark between two attributions.
        (
            "“We built it ourselves,” said Kofi Marren. ” Tilda Brask said the roof leaks.",
            vec![
                direct("We built it ourselves,").by("Kofi Marren"),
                indirect("the roof leaks").by("Tilda Brask").cue("said"),
            ],
        ),
    ]);
}

#[test]
fn a_quote_after_a_guillemet_quote_is_kept() {
    run_table(&[
        // A second « » quote after a « » quote in the same paragraph.
        (
            "Tamsin Voyle said: «The ferry is late.» «Again,» she added.",
            vec![
                direct("The ferry is late.").by("Tamsin Voyle").cue("said"),
                direct("Again,")
                    .by("Tamsin Voyle")
                    .mention("she")
                    .cue("added"),
            ],
        ),
        // A “ ” quote after a « » quote in the same paragraph.
        (
            "Tamsin Voyle said: «The ferry is late.» “Again,” she added.",
            vec![
                direct("The ferry is late.").by("Tamsin Voyle").cue("said"),
                direct("Again,")
                    .by("Tamsin Voyle")
                    .mention("she")
                    .cue("added"),
            ],
        ),
    ]);
}

#[test]
fn quote_spans_sit_just_inside_the_marks() {
    let text = "«The ferry is late,» said Tamsin Voyle. “Again,” she added.";
    let a = analyze(text);
    assert_eq!(a.quotes.len(), 2);
    let open = text.find('«').unwrap() + '«'.len_utf8();
    let close = text.find('»').unwrap();
    assert_eq!((a.quotes[0].start, a.quotes[0].end), (open, close));
    let open = text.find('“').unwrap() + '“'.len_utf8();
    let close = text.find('”').unwrap();
    assert_eq!((a.quotes[1].start, a.quotes[1].end), (open, close));
    assert_eq!(a.quotes[1].speaker.as_ref().unwrap().name, "Tamsin Voyle");
}

/// A double mark typed with spaces on both sides after a nested single quote
/// closes the open quotation; with no quotation open it is a stray mark.
#[test]
fn a_spaced_double_mark_after_a_nested_quote_closes_it() {
    run_table(&[
        (
            "\"We call it 'a safe harbour,' \" he said.\n\n\"The fleet stays in port.\"",
            vec![
                direct("We call it 'a safe harbour,'").by("he").cue("said"),
                direct("The fleet stays in port.")
                    .by("he")
                    .rule("follow-up"),
            ],
        ),
        (
            "The screen measures 12 \" across, Ivo Kern said.",
            vec![indirect("The screen measures 12 \" across").by("Ivo Kern")],
        ),
    ]);
}
