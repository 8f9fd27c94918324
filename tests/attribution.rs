//! Attribution patterns: where the speaker and cue stand relative to the
//! quote, indirect and mixed speech, participles, follow-ups and orphans.

mod common;

use common::{analyze, direct, indirect, mixed, run_table};
use whosaid::{QuoteKind, RULE_FOLLOW_UP, RULE_ORPHAN, RULE_SPEAKER_VERB};

#[test]
fn speaker_and_cue_before_or_after_a_direct_quote() {
    run_table(&[
        (
            "Dara Whitlow said, \"The well is dry.\"",
            vec![direct("The well is dry.").by("Dara Whitlow").cue("said")],
        ),
        (
            "Dara Whitlow said: \"The well is dry.\"",
            vec![direct("The well is dry.").by("Dara Whitlow").cue("said")],
        ),
        (
            "Dara Whitlow said: “The well is dry.”",
            vec![direct("The well is dry.").by("Dara Whitlow").cue("said")],
        ),
        (
            "\"The well is dry,\" Dara Whitlow said.",
            vec![direct("The well is dry,").by("Dara Whitlow").cue("said")],
        ),
        (
            "\"The well is dry,\" said Dara Whitlow.",
            vec![direct("The well is dry,").by("Dara Whitlow").cue("said")],
        ),
        (
            "“Is the well dry?” asked Dara Whitlow.",
            vec![direct("Is the well dry?").by("Dara Whitlow").cue("asked")],
        ),
        (
            "\"The pier is closed,\" Orla Fenwick said in a statement on Monday.",
            vec![direct("The pier is closed,").by("Orla Fenwick").cue("said")],
        ),
        (
            "Orla Fenwick said “the pier is closed” and left.",
            vec![direct("the pier is closed").by("Orla Fenwick").cue("said")],
        ),
        (
            "In an interview, Dara Whitlow said: \"The well is dry.\"",
            vec![direct("The well is dry.").by("Dara Whitlow").cue("said")],
        ),
        // A relative clause after the speaker reports a second, indirect quote.
        (
            "\"We need rain,\" said Dara Whitlow, who added that the wells were dry.",
            vec![
                direct("We need rain,").by("Dara Whitlow").cue("said"),
                indirect("the wells were dry")
                    .by("Dara Whitlow")
                    .cue("added"),
            ],
        ),
        // The auxiliary belongs to the cue.
        (
            "\"The pier is finished,\" Orla Fenwick has said.",
            vec![direct("The pier is finished,")
                .by("Orla Fenwick")
                .cue("has said")],
        ),
    ]);
}

#[test]
fn a_split_quote_gives_two_records_with_one_speaker() {
    run_table(&[
        (
            "\"The well is dry,\" Dara Whitlow said, \"and the pump is broken.\"",
            vec![
                direct("The well is dry,").by("Dara Whitlow").cue("said"),
                direct("and the pump is broken.").by("Dara Whitlow"),
            ],
        ),
        (
            "“The well is dry,” Dara Whitlow says, “and the pump is broken.”",
            vec![
                direct("The well is dry,").by("Dara Whitlow").cue("says"),
                direct("and the pump is broken.").by("Dara Whitlow"),
            ],
        ),
        // Cue before the speaker: the second half must not be lost.
        (
            "“The well is dry,” said Dara Whitlow, “and the pump is broken.”",
            vec![
                direct("The well is dry,").by("Dara Whitlow").cue("said"),
                direct("and the pump is broken.").by("Dara Whitlow"),
            ],
        ),
    ]);
    let a = analyze("“The well is dry,” said Dara Whitlow, “and the pump is broken.”");
    assert_eq!(a.speakers.len(), 1);
    assert_eq!(a.speakers[0].quotes, 2);
    let a = analyze("\"The well is dry,\" Dara Whitlow said, \"and the pump is broken.\"");
    let s0 = a.quotes[0].speaker.as_ref().unwrap();
    let s1 = a.quotes[1].speaker.as_ref().unwrap();
    assert_eq!(s0.index, s1.index);
    assert_eq!(a.speakers.len(), 1);
    assert_eq!(a.speakers[0].quotes, 2);
}

#[test]
fn a_second_sentence_quote_is_a_follow_up_without_cue() {
    run_table(&[
        (
            "\"The well is dry,\" Dara Whitlow said. \"The pump is broken too.\"",
            vec![
                direct("The well is dry,").by("Dara Whitlow").cue("said"),
                direct("The pump is broken too.")
                    .by("Dara Whitlow")
                    .no_cue()
                    .rule(RULE_FOLLOW_UP),
            ],
        ),
        (
            "“The well is dry,” said Dara Whitlow. “And the pump is broken.”",
            vec![
                direct("The well is dry,").by("Dara Whitlow").cue("said"),
                direct("And the pump is broken.")
                    .by("Dara Whitlow")
                    .no_cue()
                    .rule(RULE_FOLLOW_UP),
            ],
        ),
        (
            "Dara Whitlow said: \"The well is dry.\" \"We need rain.\"",
            vec![
                direct("The well is dry.").by("Dara Whitlow").cue("said"),
                direct("We need rain.")
                    .by("Dara Whitlow")
                    .no_cue()
                    .rule(RULE_FOLLOW_UP),
            ],
        ),
    ]);
}

#[test]
fn follow_ups_keep_the_previous_speaker() {
    run_table(&[
        // Next paragraph.
        (
            "\"The well is dry,\" said Dara Whitlow.\n\n\"We need rain.\"",
            vec![
                direct("The well is dry,").by("Dara Whitlow"),
                direct("We need rain.").by("Dara Whitlow").no_cue().rule(RULE_FOLLOW_UP),
            ],
        ),
        // After an indirect quote.
        (
            "Hildur Ness said the school would stay open. \"We listened.\"",
            vec![
                indirect("the school would stay open").by("Hildur Ness"),
                direct("We listened.").by("Hildur Ness").no_cue().rule(RULE_FOLLOW_UP),
            ],
        ),
        // A chain of follow-ups, the speaker resolved from a pronoun.
        (
            "Osric Pell spoke first. \"We are ready,\" he said. \"The tide is right.\"\n\n\
             \"We leave at six.\"",
            vec![
                direct("We are ready,").by("Osric Pell").mention("he").cue("said"),
                direct("The tide is right.").by("Osric Pell").no_cue().rule(RULE_FOLLOW_UP),
                direct("We leave at six.").by("Osric Pell").no_cue().rule(RULE_FOLLOW_UP),
            ],
        ),
        (
            "Nell Ardagh said the pier was closed. Osric Pell said it was open.\n\n\
             \"It has never been safer.\"",
            vec![
                indirect("the pier was closed").by("Nell Ardagh"),
                indirect("it was open").by("Osric Pell"),
                direct("It has never been safer.").by("Osric Pell").no_cue().rule(RULE_FOLLOW_UP),
            ],
        ),
        // The latest speaker wins.
        (
            "\"The boats are ready,\" said Ingrid Talvik. \"The crew is rested,\" said Osric Pell. \
             \"We sail at six.\"",
            vec![
                direct("The boats are ready,").by("Ingrid Talvik"),
                direct("The crew is rested,").by("Osric Pell"),
                direct("We sail at six.").by("Osric Pell").no_cue().rule(RULE_FOLLOW_UP),
            ],
        ),
    ]);
}

/// A follow-up continues the quotation before it, not reported speech of
/// someone else in the same sentence.
#[test]
fn a_follow_up_keeps_the_speaker_of_the_quotation_it_continues() {
    run_table(&[(
        "“Your ferry is a marvel,” Ola Brandt told Ivo Kern, after Kern said that the route was safe.\n\n“I will ride it myself.”",
        vec![
            direct("Your ferry is a marvel,").by("Ola Brandt").cue("told"),
            indirect("the route was safe").by("Ivo Kern"),
            direct("I will ride it myself.")
                .by("Ola Brandt")
                .rule(RULE_FOLLOW_UP),
        ],
    )]);
}

#[test]
fn a_quote_with_no_earlier_speaker_is_an_orphan() {
    run_table(&[
        (
            "\"We need rain.\"",
            vec![direct("We need rain.").nobody().no_cue().rule(RULE_ORPHAN)],
        ),
        (
            "The village waited all summer.\n\n“We need rain.”",
            vec![direct("We need rain.").nobody().no_cue().rule(RULE_ORPHAN)],
        ),
    ]);
}

/// A quotation that opens its sentence and is followed by a speaker and a
/// verb the lexicon lacks keeps that speaker, with no cue, and the quotes
/// after it follow up on that speaker; a title followed by a noun phrase is
/// no quotation.
#[test]
fn a_speaker_after_the_quote_with_an_unlisted_verb() {
    run_table(&[
        (
            "“The budget is a fantasy,” he grumphs. “Nobody will pay for it.”",
            vec![
                direct("The budget is a fantasy,")
                    .by("he")
                    .no_cue()
                    .rule(RULE_SPEAKER_VERB),
                direct("Nobody will pay for it.")
                    .by("he")
                    .rule(RULE_FOLLOW_UP),
            ],
        ),
        (
            "Mayor Ola Brandt opened the hall.

“Is the roof safe?” Ivo Kern riposted on Friday.",
            vec![direct("Is the roof safe?")
                .by("Ivo Kern")
                .no_cue()
                .rule(RULE_SPEAKER_VERB)],
        ),
        (
            "“We kept the receipts,” ran the statement, which the firm sent late.",
            vec![direct("We kept the receipts,")
                .by("statement")
                .rule(RULE_SPEAKER_VERB)],
        ),
        (
            "“Harbour Lights,” a Norland series that aired in 1989, returns.",
            vec![],
        ),
        ("“Harbour Lights” fans queued for hours.", vec![]),
        (
            "“She will fix the ferry!” a voice-over in the advert proclaims.",
            vec![direct("She will fix the ferry!")
                .by("voice-over in the advert")
                .mention("a voice-over in the advert")
                .cue("proclaims")
                .rule(RULE_SPEAKER_VERB)],
        ),
        (
            "“She will fix the ferry!” a voice-over in the advert booms.",
            vec![direct("She will fix the ferry!")
                .by("voice-over in the advert")
                .no_cue()
                .rule(RULE_SPEAKER_VERB)],
        ),
    ]);
}

/// A quotation alone in its paragraph, signed with a dash and a name in the
/// next one, is that person's; a dash line with no name signs nothing.
#[test]
fn a_quotation_signed_in_the_next_paragraph() {
    run_table(&[
        (
            "The claims of the evening, checked one by one.\n\n“The ferry has never been late.”\n\n— Ivo Kern, at the harbour debate.\n\nThat is not so.",
            vec![direct("The ferry has never been late.")
                .by("Ivo Kern")
                .no_cue()
                .rule("quote-dash-speaker")],
        ),
        (
            "The claims of the evening.\n\n“The ferry has never been late.”\n\n— and so on.",
            vec![direct("The ferry has never been late.").nobody().rule(RULE_ORPHAN)],
        ),
    ]);
}

/// Attributions that the sentence splitter once cut off from their
/// quotation: a party label with a full stop before a comma, and an
/// appositive between a question and its cue.
#[test]
fn an_attribution_after_a_stop_inside_the_speakers_phrase() {
    run_table(&[
        (
            "“We will hold the vote,” Senate Leader Ivo Kern, R-Ky., said on Friday.",
            vec![direct("We will hold the vote,")
                .by("Ivo Kern")
                .cue("said")
                .rule("quote-speaker-cue")],
        ),
        (
            "“Is the pier open?” Ola Brandt, a retired welder from Tollby, asked.",
            vec![direct("Is the pier open?")
                .by("Ola Brandt")
                .cue("asked")
                .rule("quote-speaker-cue")],
        ),
        (
            "“We need a new school,” the mayor said.\n\n“We need it now,” her deputy echoed.",
            vec![
                direct("We need a new school,").by("mayor"),
                direct("We need it now,").by("deputy").cue("echoed"),
            ],
        ),
    ]);
}

/// A quotation after a colon, with its speaker and cue after it, is that
/// speaker's, and the words after the cue are no reported clause.
#[test]
fn a_quotation_after_a_colon_then_its_attribution() {
    run_table(&[
        (
            "Kern defends his plan in an advert on Norland TV: “The ferry pays for itself,” the mayor says directly to the camera.",
            vec![direct("The ferry pays for itself,")
                .by("mayor")
                .cue("says")
                .rule("colon-quote-speaker-cue")],
        ),
        (
            "Ola Brandt set out what the town needs most, and why: “A ferry,” she said.",
            vec![direct("A ferry,").by("Ola Brandt").mention("she")],
        ),
    ]);
}

/// "Ann Lee, who has proposed a levy, said": the relative clause inside the
/// speaker's phrase ends before the main cue, so the quotation is hers.
#[test]
fn a_relative_clause_with_a_cue_inside_the_speaker_phrase() {
    run_table(&[(
        "“The levy is fair,” Ola Brandt, who has proposed a port levy, said at the meeting.",
        vec![direct("The levy is fair,")
            .by("Ola Brandt")
            .cue("said")
            .rule("quote-speaker-cue")],
    )]);
}

/// A quotation set off by a colon or a dash from the words before it, with
/// its cue after it, is a direct record alone, not the end of a mixed one.
#[test]
fn a_quotation_after_a_colon_with_the_cue_after_it_is_direct() {
    run_table(&[
        (
            "At the hearing, Brandt turned to the board: “We have done our part,” she said.",
            vec![direct("We have done our part,").by("she").cue("said")],
        ),
        (
            "Then the chair spoke up — “we need the numbers,” she said.",
            vec![direct("we need the numbers,").by("she").cue("said")],
        ),
        (
            "Rents in the old town “have simply doubled,” the tenants’ union said.",
            vec![mixed("Rents in the old town “have simply doubled,”").by("tenants’ union")],
        ),
    ]);
}

#[test]
fn reported_speech_is_indirect() {
    run_table(&[
        (
            "Dara Whitlow said the well was dry.",
            vec![indirect("the well was dry").by("Dara Whitlow").cue("said")],
        ),
        (
            "Dara Whitlow said that the well was dry.",
            vec![indirect("the well was dry").by("Dara Whitlow").cue("said")],
        ),
        (
            "Dara Whitlow stated that the well was dry.",
            vec![indirect("the well was dry")
                .by("Dara Whitlow")
                .cue("stated")],
        ),
        (
            "Dara Whitlow said on Monday that the well was dry.",
            vec![indirect("the well was dry").by("Dara Whitlow").cue("said")],
        ),
        (
            "Dara Whitlow said Thursday that the well was dry.",
            vec![indirect("the well was dry").by("Dara Whitlow").cue("said")],
        ),
        (
            "The Norvale water board said on Tuesday that the reservoir was full.",
            vec![indirect("the reservoir was full")
                .by("Norvale water board")
                .org()],
        ),
        (
            "Orla Fenwick said, however, that the pier would stay.",
            vec![indirect("the pier would stay")
                .by("Orla Fenwick")
                .cue("said")],
        ),
        (
            "Orla Fenwick said the pier, which opened in 1890, would close.",
            vec![indirect("the pier, which opened in 1890, would close").by("Orla Fenwick")],
        ),
        (
            "Orla Fenwick told reporters that the pier was closed.",
            vec![indirect("the pier was closed")
                .by("Orla Fenwick")
                .cue("told")],
        ),
        // A time adverbial after the addressee of "told" is not content.
        (
            "Orla Fenwick told reporters on Friday that the pier was closed.",
            vec![indirect("the pier was closed")
                .by("Orla Fenwick")
                .cue("told")],
        ),
        // Same with a named addressee.
        (
            "Orla Fenwick told the Fenmoor Gazette on Friday that the pier was closed.",
            vec![indirect("the pier was closed")
                .by("Orla Fenwick")
                .cue("told")],
        ),
        // A reported clause starting with "about" is not a short adverbial.
        (
            "Osric Pell said about 300 people cross every day.",
            vec![indirect("about 300 people cross every day")
                .by("Osric Pell")
                .cue("said")],
        ),
    ]);
}

#[test]
fn reported_speech_with_a_quoted_fragment_is_mixed() {
    run_table(&[
        (
            "Dara Whitlow said that the well was \"bone dry\" by noon.",
            vec![mixed("the well was \"bone dry\" by noon")
                .by("Dara Whitlow")
                .cue("said")],
        ),
        (
            "Dara Whitlow said the well was “bone dry” by noon.",
            vec![mixed("the well was “bone dry” by noon")
                .by("Dara Whitlow")
                .cue("said")],
        ),
    ]);
    let a = analyze("Dara Whitlow said the well was “bone dry” by noon.");
    assert!(a.quotes[0].is_paraphrase());
}

#[test]
fn according_to_before_or_after_the_content() {
    run_table(&[
        (
            "According to Dara Whitlow, the well is dry.",
            vec![indirect("the well is dry")
                .by("Dara Whitlow")
                .cue("According to")],
        ),
        (
            "The well is dry, according to Dara Whitlow.",
            vec![indirect("The well is dry")
                .by("Dara Whitlow")
                .cue("according to")],
        ),
        (
            "According to the Kestrel Valley water board, the reservoir is half empty.",
            vec![indirect("the reservoir is half empty")
                .by("Kestrel Valley water board")
                .org()],
        ),
        // After "a" and a noun, "report" is a noun of the source, not a cue.
        (
            "The well is dry, according to a county report released Monday.",
            vec![indirect("The well is dry")
                .mention("a county report released Monday")
                .cue("according to")],
        ),
        // Content starting with "about" after "According to X," is kept.
        (
            "According to Osric Pell, about 300 people cross every day.",
            vec![indirect("about 300 people cross every day")
                .by("Osric Pell")
                .cue("According to")],
        ),
    ]);
}

#[test]
fn content_then_speaker_without_marks() {
    run_table(&[
        (
            "The well is dry, Dara Whitlow said.",
            vec![indirect("The well is dry").by("Dara Whitlow").cue("said")],
        ),
        (
            "The well is dry, said Dara Whitlow.",
            vec![indirect("The well is dry").by("Dara Whitlow").cue("said")],
        ),
        (
            "The pier, built in 1890, will close, Orla Fenwick said.",
            vec![indirect("The pier, built in 1890, will close")
                .by("Orla Fenwick")
                .cue("said")],
        ),
    ]);
}

#[test]
fn participle_cues_take_the_sentence_subject() {
    run_table(&[
        (
            "Dara Whitlow closed the tap, noting that the well was dry.",
            vec![indirect("the well was dry")
                .by("Dara Whitlow")
                .cue("noting")],
        ),
        (
            "Dara Whitlow closed the tap, stating: \"The well is dry.\"",
            vec![direct("The well is dry.").by("Dara Whitlow").cue("stating")],
        ),
        (
            "Hildur Ness visited the school, saying: “They kept it running.”",
            vec![direct("They kept it running.")
                .by("Hildur Ness")
                .cue("saying")],
        ),
        (
            "Hildur Ness visited the school, saying they kept it running.",
            vec![indirect("they kept it running")
                .by("Hildur Ness")
                .cue("saying")],
        ),
        (
            "Hildur Ness said the school would stay open, adding that the roof would be fixed.",
            vec![
                indirect("the school would stay open")
                    .by("Hildur Ness")
                    .cue("said"),
                indirect("the roof would be fixed")
                    .by("Hildur Ness")
                    .cue("adding"),
            ],
        ),
        (
            "Dara Whitlow arrived at noon. She closed the tap, noting that the well was dry.",
            vec![indirect("the well was dry")
                .by("Dara Whitlow")
                .mention("She")
                .cue("noting")],
        ),
        (
            "“The pier is closed,” Nell Ardagh said, adding: “It will stay closed.”",
            vec![
                direct("The pier is closed,").by("Nell Ardagh").cue("said"),
                direct("It will stay closed.")
                    .by("Nell Ardagh")
                    .cue("adding"),
            ],
        ),
        (
            "The Hollin Ferry Company cancelled sailings, noting that the storm was severe.",
            vec![indirect("the storm was severe")
                .by("Hollin Ferry Company")
                .org()
                .cue("noting")],
        ),
        // The object of "praised" is no extra record before the quote.
        (
            "Hildur Ness praised the staff, saying: “They kept it running.”",
            vec![direct("They kept it running.")
                .by("Hildur Ness")
                .cue("saying")],
        ),
        // Nor before the reported clause.
        (
            "Hildur Ness praised the staff, saying they kept it running.",
            vec![indirect("they kept it running")
                .by("Hildur Ness")
                .cue("saying")],
        ),
    ]);
}

#[test]
fn praise_or_criticism_of_a_plain_object_is_no_reported_speech() {
    run_table(&[
        // "praised" + noun phrase is not a reported clause.
        ("Hildur Ness praised the staff.", vec![]),
        // "criticized" + noun phrase is not a reported clause.
        ("The mayor criticized the plan.", vec![]),
    ]);
    for text in [
        "Hildur Ness praised the staff.",
        "The mayor criticized the plan.",
    ] {
        assert!(analyze(text).speakers.is_empty(), "{text}");
    }
}

#[test]
fn cue_verbs_beyond_said() {
    let table: &[(&str, QuoteKind, &str, &str)] = &[
        (
            "\"The roof leaks,\" added Dara Whitlow.",
            QuoteKind::Direct,
            "The roof leaks,",
            "added",
        ),
        (
            "\"The roof leaks,\" Dara Whitlow grumbled.",
            QuoteKind::Direct,
            "The roof leaks,",
            "grumbled",
        ),
        (
            "\"The roof leaks,\" Dara Whitlow explained.",
            QuoteKind::Direct,
            "The roof leaks,",
            "explained",
        ),
        (
            "\"The roof is sound,\" Dara Whitlow insisted.",
            QuoteKind::Direct,
            "The roof is sound,",
            "insisted",
        ),
        (
            "Dara Whitlow warned: \"The roof will leak.\"",
            QuoteKind::Direct,
            "The roof will leak.",
            "warned",
        ),
        (
            "Dara Whitlow told reporters: \"The roof leaks.\"",
            QuoteKind::Direct,
            "The roof leaks.",
            "told",
        ),
        (
            "\"The roof leaks,\" Dara Whitlow told the Lowmoor Echo.",
            QuoteKind::Direct,
            "The roof leaks,",
            "told",
        ),
        (
            "Dara Whitlow warned that the roof would leak.",
            QuoteKind::Indirect,
            "the roof would leak",
            "warned",
        ),
        (
            "Dara Whitlow insisted the roof was sound.",
            QuoteKind::Indirect,
            "the roof was sound",
            "insisted",
        ),
        (
            "Dara Whitlow admitted that the roof leaked.",
            QuoteKind::Indirect,
            "the roof leaked",
            "admitted",
        ),
        (
            "Dara Whitlow claimed the roof was sound.",
            QuoteKind::Indirect,
            "the roof was sound",
            "claimed",
        ),
        (
            "Dara Whitlow announced that the hall would reopen.",
            QuoteKind::Indirect,
            "the hall would reopen",
            "announced",
        ),
        (
            "Dara Whitlow told the Lowmoor Echo that the roof leaked.",
            QuoteKind::Indirect,
            "the roof leaked",
            "told",
        ),
        (
            "\"We will fight on,\" Dara Whitlow vowed.",
            QuoteKind::Direct,
            "We will fight on,",
            "vowed",
        ),
        (
            "\"We made mistakes,\" Dara Whitlow conceded.",
            QuoteKind::Direct,
            "We made mistakes,",
            "conceded",
        ),
        (
            "\"Only on Sundays,\" Dara Whitlow quipped.",
            QuoteKind::Direct,
            "Only on Sundays,",
            "quipped",
        ),
        (
            "\"Not yet,\" Dara Whitlow replied.",
            QuoteKind::Direct,
            "Not yet,",
            "replied",
        ),
        (
            "\"The plan is dead,\" Dara Whitlow tweeted.",
            QuoteKind::Direct,
            "The plan is dead,",
            "tweeted",
        ),
        (
            "\"It was busy,\" Dara Whitlow recalled.",
            QuoteKind::Direct,
            "It was busy,",
            "recalled",
        ),
        (
            "\"The quay is safe,\" Dara Whitlow wrote in a letter.",
            QuoteKind::Direct,
            "The quay is safe,",
            "wrote",
        ),
        (
            "Dara Whitlow argued that the plan was too costly.",
            QuoteKind::Indirect,
            "the plan was too costly",
            "argued",
        ),
        (
            "Dara Whitlow pointed out that the plan was too costly.",
            QuoteKind::Indirect,
            "the plan was too costly",
            "pointed out",
        ),
        (
            "Dara Whitlow noted that the plan was too costly.",
            QuoteKind::Indirect,
            "the plan was too costly",
            "noted",
        ),
        (
            "Dara Whitlow acknowledged that the plan was too costly.",
            QuoteKind::Indirect,
            "the plan was too costly",
            "acknowledged",
        ),
        (
            "Dara Whitlow declared that the plan was dead.",
            QuoteKind::Indirect,
            "the plan was dead",
            "declared",
        ),
        (
            "Dara Whitlow recalled that the pier was once busy.",
            QuoteKind::Indirect,
            "the pier was once busy",
            "recalled",
        ),
    ];
    let rows: Vec<(&str, Vec<common::Exp>)> = table
        .iter()
        .map(|&(text, kind, content, cue)| {
            let e = match kind {
                QuoteKind::Direct => direct(content),
                _ => indirect(content),
            };
            (text, vec![e.by("Dara Whitlow").cue(cue)])
        })
        .collect();
    run_table(&rows);
}

#[test]
fn cue_lemma_and_span_point_at_the_verb() {
    let text = "\"The roof leaks,\" Dara Whitlow grumbled.";
    let a = analyze(text);
    let cue = a.quotes[0].cue.as_ref().unwrap();
    assert_eq!(cue.text, "grumbled");
    assert_eq!(cue.lemma, "grumble");
    assert_eq!(cue.start, text.find("grumbled").unwrap());
    assert_eq!(cue.span().slice(text), Some("grumbled"));
    let a = analyze("According to Dara Whitlow, the well is dry.");
    assert_eq!(a.quotes[0].cue.as_ref().unwrap().lemma, "according to");
}

/// Indirect speech whose attribution the speaker patterns used to miss.
#[test]
fn indirect_speech_around_its_attribution() {
    run_table(&[
        // A parenthetical attribution reports the clauses on both sides.
        (
            "If the dam fails, Mayor Ilse Brandvold said, the valley must be evacuated.",
            vec![
                indirect("If the dam fails")
                    .by("Ilse Brandvold")
                    .cue("said"),
                indirect("the valley must be evacuated")
                    .by("Ilse Brandvold")
                    .cue("said"),
            ],
        ),
        // A clause between commas is no aside of the speaker's: the
        // attribution after it is inverted.
        (
            "As the storm moved north, the harbour stayed calm, said Teodor Vask, a pilot in Brinmouth.",
            vec![indirect("As the storm moved north, the harbour stayed calm")
                .by("Teodor Vask")
                .cue("said")],
        ),
        // A time adverbial between the speaker and the cue.
        (
            "Councillor Mave Ostrow on Tuesday announced that the ferry would run all winter.",
            vec![indirect("the ferry would run all winter")
                .by("Mave Ostrow")
                .cue("announced")],
        ),
        // "As X reported, ..." reports the clause after the comma.
        (
            "As the Harbour Gazette reported, the ferry will be sold in May.",
            vec![indirect("the ferry will be sold in May")
                .by("Harbour Gazette")
                .cue("reported")],
        ),
        // A restrictive relative clause: the speaker is who it stands for.
        (
            "The board ignored the farmers who say the dyke is too low.",
            vec![indirect("the dyke is too low").cue("say")],
        ),
        // A participle after a document reports what the subject says.
        (
            "Mayor Ilse Brandvold issued a statement saying the ferry would run again.",
            vec![indirect("the ferry would run again")
                .by("Ilse Brandvold")
                .cue("saying")],
        ),
        // "A, according to X, B": the clause after the attribution too.
        (
            "The council raised fees and, according to officials, adopted a plan to fix the roads.",
            vec![
                indirect("The council raised fees and")
                    .by("officials")
                    .cue("according to"),
                indirect("adopted a plan to fix the roads")
                    .by("officials")
                    .cue("according to"),
            ],
        ),
        (
            "The ferry runs twice a day according to a Harbour Gazette survey.",
            vec![indirect("The ferry runs twice a day")
                .by("Harbour Gazette survey")
                .cue("according to")],
        ),
        // A noun outside the source list heads a described speaker.
        (
            "The Brinmouth bandleader said the parade would go ahead.",
            vec![indirect("the parade would go ahead")
                .by("Brinmouth bandleader")
                .cue("said")],
        ),
        (
            "One fisherman said the catch was poor. Another said the nets were torn.",
            vec![
                indirect("the catch was poor").cue("said"),
                indirect("the nets were torn").by("Another").cue("said"),
            ],
        ),
    ]);
}

/// Cue forms that are also nouns ("claims", "reports") are cues after a
/// subject and words elsewhere.
#[test]
fn cue_forms_that_are_also_nouns() {
    run_table(&[
        (
            "Ormond Pike claims the ballots were lost.",
            vec![indirect("the ballots were lost")
                .by("Ormond Pike")
                .cue("claims")],
        ),
        (
            "The Harbour Gazette reports that the ferry will be sold.",
            vec![indirect("the ferry will be sold")
                .by("Harbour Gazette")
                .cue("reports")],
        ),
        // After a determiner the form is a noun, and a noun phrase can
        // head a source.
        (
            "His claims were false. News reports said the ferry was sold.",
            vec![indirect("the ferry was sold")
                .by("News reports")
                .cue("said")],
        ),
        // Verbs of speaking about a topic.
        (
            "Mayor Ilse Brandvold pointed to the rising cost of fuel.",
            vec![indirect("the rising cost of fuel")
                .by("Ilse Brandvold")
                .cue("pointed to")],
        ),
        (
            "Ilse Brandvold made it clear that the ferry will stay.",
            vec![indirect("the ferry will stay")
                .by("Ilse Brandvold")
                .cue("made it clear")],
        ),
        (
            "As Ilse Brandvold put it, the harbour is full.",
            vec![indirect("the harbour is full")
                .by("Ilse Brandvold")
                .cue("put it")],
        ),
        // Negated and contracted auxiliaries belong to the cue.
        (
            "Speaker Ann Lorne wouldn't say when the council will vote.",
            vec![indirect("when the council will vote")
                .by("Ann Lorne")
                .cue("wouldn't say")],
        ),
        (
            "Ann Lorne chairs the board. She's said the vote will be close.",
            vec![indirect("the vote will be close")
                .by("Ann Lorne")
                .cue("'s said")],
        ),
        (
            "Ann Lorne has since said she would back a wage increase.",
            vec![indirect("she would back a wage increase")
                .by("Ann Lorne")
                .cue("has since said")],
        ),
        // "but told X that ..." with the subject of the sentence.
        (
            "Ivo Stam backed the plan but told the Harbour Gazette that it would fail.",
            vec![indirect("it would fail").by("Ivo Stam").cue("told")],
        ),
        // A gerund may open the content.
        (
            "Mike Hollis called for closing the bridge.",
            vec![indirect("closing the bridge")
                .by("Mike Hollis")
                .cue("called for")],
        ),
        // A subject whose noun phrase the patterns cannot take whole.
        (
            "Families of those hit by the floods urged the council to act.",
            vec![indirect("the council to act")
                .by("Families of those hit by the floods")
                .cue("urged")],
        ),
        // An appositive read as an aside still belongs to the mention.
        (
            "Senator Ola Rubin, Republican of Ohio, said the levy would pass.",
            vec![indirect("the levy would pass")
                .by("Ola Rubin")
                .mention("Senator Ola Rubin, Republican of Ohio")
                .cue("said")],
        ),
        (
            "Sen. Rob Portly (R-Ohio), another vulnerable incumbent, said he had not decided.",
            vec![indirect("he had not decided")
                .by("Rob Portly")
                .mention("Sen. Rob Portly (R-Ohio), another vulnerable incumbent")
                .cue("said")],
        ),
        // An age and a relative clause after the name.
        (
            "Woodrow Benfeld, 58, who lives outside Ashby, said he liked the plan.",
            vec![indirect("he liked the plan")
                .by("Woodrow Benfeld")
                .cue("said")],
        ),
        // A participle clause takes the subject that opens the sentence, even
        // with an appositive after it.
        (
            "Dan Backer, the fund's treasurer, has rejected the label, noting that it costs money to raise money.",
            vec![indirect("it costs money to raise money")
                .by("Dan Backer")
                .cue("noting")],
        ),
        // Verbs that report only a that-clause or a quotation.
        (
            "Ola Brandt maintained close ties with the union. She maintained that the strike was lawful.",
            vec![indirect("the strike was lawful")
                .by("Ola Brandt")
                .cue("maintained")],
        ),
        (
            "Mayor Ola Brandt pledged not to raise the fares.",
            vec![indirect("not to raise the fares")
                .by("Ola Brandt")
                .cue("pledged")],
        ),
        (
            "Mayor Ola Brandt threatened to close the ferry.",
            vec![indirect("to close the ferry")
                .by("Ola Brandt")
                .cue("threatened")],
        ),
        // Indefinite pronouns are speakers.
        (
            "Someone told the mayor that the dyke was weak.",
            vec![indirect("the dyke was weak").by("Someone").cue("told")],
        ),
        // A participle inside an aside belongs to the aside.
        (
            "Ann Lorne, in the wake of a poll showing a loss, told the Harbour Gazette that she would stay.",
            vec![indirect("she would stay").by("Ann Lorne").cue("told")],
        ),
        // A time right after the cue is no part of the content.
        (
            "Ann Lorne said Monday that the ferry would stay.",
            vec![indirect("the ferry would stay").by("Ann Lorne").cue("said")],
        ),
        (
            "Ola Brandt called upon the council to act.",
            vec![indirect("the council to act")
                .by("Ola Brandt")
                .cue("called upon")],
        ),
        // An adverbial or a hearer before "that" is not reported.
        (
            "Ola Brandt said in a statement that the ferry would stay.",
            vec![indirect("the ferry would stay").by("Ola Brandt").cue("said")],
        ),
        (
            "Ola Brandt warned voters that the bridge was unsafe.",
            vec![indirect("the bridge was unsafe")
                .by("Ola Brandt")
                .cue("warned")],
        ),
        // The preposition after a cue is the cue's.
        (
            "Ola Brandt warned about rising ferry fares.",
            vec![indirect("rising ferry fares")
                .by("Ola Brandt")
                .cue("warned about")],
        ),
        // "called" with an object and a description still reports.
        (
            "Ola Brandt called the ferry plan a disaster.",
            vec![indirect("the ferry plan a disaster")
                .by("Ola Brandt")
                .cue("called")],
        ),
        // A subject and a name around the cue: "Ivo Stam, after ..., said".
        (
            "Ivo Stam, after the storm broke the dykes, said the pumps had failed.",
            vec![indirect("the pumps had failed").by("Ivo Stam").cue("said")],
        ),
    ]);
}

#[test]
fn adverbs_hearers_and_adverbials_around_the_cue() {
    run_table(&[
        // An adverb in -ly joins the cue, even after "be".
        (
            "The harbour board quietly said it would sell the pier.",
            vec![indirect("it would sell the pier")
                .by("harbour board")
                .cue("quietly said")],
        ),
        (
            "Some fishermen are privately saying the season is lost.",
            vec![indirect("the season is lost")
                .by("Some fishermen")
                .cue("are privately saying")],
        ),
        // A noun in -ly is no adverb.
        (
            "The Ostrow family said the boy was safe.",
            vec![indirect("the boy was safe").by("Ostrow family").cue("said")],
        ),
        // An adverb and a time between the speaker and the cue.
        (
            "Ivo Lund later Thursday told Radio North: \"The talks are over.\"",
            vec![direct("The talks are over.").by("Ivo Lund").cue("told")],
        ),
        // A time with its preposition before the cue, after a subject the
        // patterns take whole only from the sentence start.
        (
            "Farmers trying to sell their crops in March say prices have fallen.",
            vec![indirect("prices have fallen")
                .by("Farmers trying to sell their crops")
                .cue("say")],
        ),
        // "'s" before a participle is "is": the progressive.
        (
            "She's suggesting the vote be held again.",
            vec![indirect("the vote be held again")
                .by("She")
                .cue("'s suggesting")],
        ),
        // Up to four words between the article and the head.
        (
            "The billionaire shipping fleet magnate says the dock will flood.",
            vec![indirect("the dock will flood")
                .by("billionaire shipping fleet magnate")
                .cue("says")],
        ),
        // "of" and a bare plural inside the speaker.
        (
            "Owners of small farms said the tariff would ruin them.",
            vec![indirect("the tariff would ruin them")
                .by("Owners of small farms")
                .cue("said")],
        ),
        // After "told", a noun phrase is the hearer, never the speaker.
        ("Taxes will rise, told Radio Brinmouth on Sunday.", vec![]),
        // A phrase opening with a preposition after ", she said" is the
        // cue's adverbial; the clause before the comma is the content.
        (
            "The ferry will run all winter, she said in a letter to the council.",
            vec![indirect("The ferry will run all winter")
                .by("she")
                .cue("said")],
        ),
    ]);
}

#[test]
fn quotations_over_paragraphs_and_after_a_byte_order_mark() {
    run_table(&[
        // The attribution in the last paragraph serves the whole quotation.
        (
            "Harbour master Lin Hoyt spoke first.\n\n“The money is there.\n\n“The will is there,” Hoyt added.",
            vec![direct("The money is there.\n\n“The will is there,")
                .by("Lin Hoyt")
                .cue("added")],
        ),
        // A byte-order mark before the text changes nothing.
        (
            "\u{feff}“Yes,” said Bo Lindqvist.",
            vec![direct("Yes,").by("Bo Lindqvist").cue("said")],
        ),
        // Three paragraphs, the attribution after the last.
        (
            "“The pier is old.\n\n“It was built in 1890.\n\n“It will be rebuilt,” said Ilse Brandvold.",
            vec![direct("The pier is old.\n\n“It was built in 1890.\n\n“It will be rebuilt,")
                .by("Ilse Brandvold")
                .cue("said")],
        ),
    ]);
}

#[test]
fn a_quotation_set_off_by_a_dash_inside_reported_speech() {
    run_table(&[(
        "The town says the vote was fair, but critics disagree \u{2014} \u{201c}why not count again?\u{201d} asked Ivo Lund, a lawyer.",
        vec![
            indirect("the vote was fair, but critics disagree")
                .by("town")
                .cue("says"),
            direct("why not count again?").by("Ivo Lund").cue("asked"),
        ],
    )]);
}

#[test]
fn where_a_reported_clause_ends() {
    run_table(&[
        // After "that", a phrase opening with a preposition belongs to the
        // reported clause, and so does a comma right after "that".
        (
            "Teodor Vance said that in March prices rose.",
            vec![indirect("in March prices rose")
                .by("Teodor Vance")
                .cue("said")],
        ),
        (
            "Teodor Vance said in a letter that, if the figures hold, the mill will close.",
            vec![indirect("if the figures hold, the mill will close")
                .by("Teodor Vance")
                .cue("said")],
        ),
        // "According to" names the source of the whole sentence: the clause
        // of a cue before it ends there, and the sentence is the survey's.
        (
            "Farmers said the harvest was poor, according to a survey by the Ulm grain office.",
            vec![indirect("Farmers said the harvest was poor")
                .by("survey by the Ulm grain office")
                .cue("according to")],
        ),
        // A cue in a clause that opens with a subordinator reports up to the
        // comma that closes the clause.
        (
            "While Petra Osk said the bridge was safe, engineers closed it.",
            vec![indirect("the bridge was safe").by("Petra Osk").cue("said")],
        ),
        (
            "But although Petra Osk said that the bridge was safe, engineers closed it.",
            vec![indirect("the bridge was safe").by("Petra Osk").cue("said")],
        ),
        // Not when a comma ends the opening phrase before the speaker.
        (
            "While in Ulm, Petra Osk said the bridge, the road and the tunnel were safe.",
            vec![indirect("the bridge, the road and the tunnel were safe")
                .by("Petra Osk")
                .cue("said")],
        ),
        // After a determiner, a participle cue is a noun of the clause.
        (
            "Teodor Vance said the warning was ignored.",
            vec![indirect("the warning was ignored")
                .by("Teodor Vance")
                .cue("said")],
        ),
        // A subject pronoun after the cue opens the reported clause, even
        // with a "that" further on.
        (
            "Teodor Vance said he was worried that the mill would close.",
            vec![indirect("he was worried that the mill would close")
                .by("Teodor Vance")
                .cue("said")],
        ),
        // A day alone between the cue and a clause is the cue's time.
        (
            "Officials said Tuesday the ferry would run.",
            vec![indirect("the ferry would run").by("Officials").cue("said")],
        ),
        (
            "Officials told reporters on Tuesday the ferry would run.",
            vec![indirect("the ferry would run").by("Officials").cue("told")],
        ),
        // An object pronoun is the hearer of "told".
        (
            "Officials told them the ferry would run.",
            vec![indirect("the ferry would run").by("Officials").cue("told")],
        ),
        // A day with "'s" opens the reported clause.
        (
            "Teodor Vance said Monday's vote was fair.",
            vec![indirect("Monday's vote was fair")
                .by("Teodor Vance")
                .cue("said")],
        ),
        (
            "Teodor Vance said Monday’s vote was fair.",
            vec![indirect("Monday’s vote was fair")
                .by("Teodor Vance")
                .cue("said")],
        ),
        // After the cue, a common noun phrase that a verb follows is the
        // subject of what was said: no speaker there.
        (
            "The count was slow, said the clerk.",
            vec![indirect("The count was slow").by("clerk").cue("said")],
        ),
        (
            "The count was slow, said the new rules were unclear.",
            vec![],
        ),
        // Names before ", said" are speakers, not what was said.
        (
            "Ada Quist and her deputy, Ola Hanssen, said the talks went well.",
            vec![indirect("the talks went well").cue("said")],
        ),
        // After the hearer of "told", a clause of time is not what was told.
        (
            "The budget is fine, Ada Lund told her aides as she left the hall.",
            vec![indirect("The budget is fine").by("Ada Lund").cue("told")],
        ),
        // A relative clause on the subject ends at its comma; at the end of
        // the sentence it runs on.
        (
            "Ria Kohl, who said the levy would pay for itself, voted against it.",
            vec![indirect("the levy would pay for itself")
                .by("Ria Kohl")
                .cue("said")],
        ),
        (
            "The levy was backed by Ria Kohl, who said it would pay for roads, schools and parks.",
            vec![indirect("it would pay for roads, schools and parks")
                .by("Ria Kohl")
                .cue("said")],
        ),
    ]);
}
