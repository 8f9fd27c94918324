//! Speakers: names, titles, appositives, organisations, unnamed sources,
//! coreference, and the people a sentence names who are not the speaker.

mod common;

use common::{analyze, direct, indirect, mixed, run_table};
use whosaid::SpeakerKind;

#[test]
fn names_titles_and_appositives() {
    run_table(&[
        (
            "\"We sail at dawn,\" said Ingrid Talvik.",
            vec![direct("We sail at dawn,")
                .by("Ingrid Talvik")
                .no_role()
                .person()],
        ),
        (
            "Osric J. Pell said the quay was safe.",
            vec![indirect("the quay was safe").by("Osric J. Pell").person()],
        ),
        (
            "\"We won,\" said Mara Lind-Holt.",
            vec![direct("We won,").by("Mara Lind-Holt").person()],
        ),
        (
            "\"The pier is closed,\" said Port Commissioner Nell Ardagh.",
            vec![direct("The pier is closed,")
                .by("Nell Ardagh")
                .role("Port Commissioner")
                .person()],
        ),
        (
            "Port Commissioner Nell Ardagh said the pier was closed.",
            vec![indirect("the pier was closed")
                .by("Nell Ardagh")
                .role("Port Commissioner")],
        ),
        (
            "\"The pier is closed,\" said port commissioner Nell Ardagh.",
            vec![direct("The pier is closed,")
                .by("Nell Ardagh")
                .role("port commissioner")],
        ),
        (
            "\"The tide is high,\" said Deputy Mayor Ivo Kern.",
            vec![direct("The tide is high,")
                .by("Ivo Kern")
                .role("Deputy Mayor")],
        ),
        // Titles from Westminster and from sport.
        (
            "Local MP Hattie Quist said the clinic would close.",
            vec![indirect("the clinic would close")
                .by("Hattie Quist")
                .role("Local MP")],
        ),
        (
            "\"We lost,\" said striker Leon Haasby.",
            vec![direct("We lost,").by("Leon Haasby").role("striker")],
        ),
        (
            "Harbour Master Ivo Kern said, \"The tide is high.\"",
            vec![direct("The tide is high.")
                .by("Ivo Kern")
                .role("Harbour Master")
                .cue("said")],
        ),
        (
            "Nell Ardagh, the port commissioner, said the pier was closed.",
            vec![indirect("the pier was closed")
                .by("Nell Ardagh")
                .role("port commissioner")],
        ),
        (
            "\"The pier is closed,\" said Nell Ardagh, the port commissioner.",
            vec![direct("The pier is closed,")
                .by("Nell Ardagh")
                .role("port commissioner")],
        ),
        (
            "\"The pier is closed,\" Nell Ardagh, the port commissioner, said.",
            vec![direct("The pier is closed,")
                .by("Nell Ardagh")
                .role("port commissioner")],
        ),
        (
            "Nell Ardagh, head of the port authority, said the pier was closed.",
            vec![indirect("the pier was closed")
                .by("Nell Ardagh")
                .role("head of the port authority")],
        ),
        (
            "In a statement, Nell Ardagh said the pier was closed.",
            vec![indirect("the pier was closed")
                .by("Nell Ardagh")
                .cue("said")],
        ),
        (
            "Nell Ardagh said in a statement: \"The pier is closed.\"",
            vec![direct("The pier is closed.").by("Nell Ardagh").cue("said")],
        ),
        (
            "Fenmoor harbour commissioner Nell Ardagh said the pier was closed.",
            vec![indirect("the pier was closed")
                .by("Nell Ardagh")
                .role("Fenmoor harbour commissioner")],
        ),
        (
            "Fenmoor's mayor, Nell Ardagh, said the pier was closed.",
            vec![indirect("the pier was closed")
                .by("Nell Ardagh")
                .role("Fenmoor's mayor")],
        ),
        (
            "Nell Ardagh, a spokeswoman for the port, said the pier was closed.",
            vec![indirect("the pier was closed")
                .by("Nell Ardagh")
                .role("spokeswoman for the port")
                .person()],
        ),
        (
            "\"The well is dry,\" said Dara Whitlow, a farmer from Lowmoor.",
            vec![direct("The well is dry,")
                .by("Dara Whitlow")
                .role("farmer from Lowmoor")],
        ),
        (
            "\"The well is dry,\" Dara Whitlow, a farmer, told the Lowmoor Echo.",
            vec![direct("The well is dry,")
                .by("Dara Whitlow")
                .role("farmer")
                .cue("told")],
        ),
        (
            "\"The well is dry,\" said Dara Whitlow, 61.",
            vec![direct("The well is dry,").by("Dara Whitlow").no_role()],
        ),
        (
            "Osric Pell, 54, said the quay was safe.",
            vec![indirect("the quay was safe").by("Osric Pell").no_role()],
        ),
        (
            "The port commissioner, Nell Ardagh, said the pier was closed.",
            vec![indirect("the pier was closed")
                .by("Nell Ardagh")
                .role("port commissioner")],
        ),
        (
            "The club's captain, Nell Ardagh, said the pier was closed.",
            vec![indirect("the pier was closed")
                .by("Nell Ardagh")
                .role("club's captain")],
        ),
        (
            "Hildur Ness, a retired teacher, said the school should stay open.",
            vec![indirect("the school should stay open")
                .by("Hildur Ness")
                .role("retired teacher")],
        ),
        (
            "“The school should stay open,” said Hildur Ness, a retired teacher who taught \
             there for 30 years.",
            vec![direct("The school should stay open,")
                .by("Hildur Ness")
                .role("retired teacher")],
        ),
        (
            "\"The fine is fair,\" the judge, Ingrid Talvik, said.",
            vec![direct("The fine is fair,")
                .by("Ingrid Talvik")
                .role("judge")],
        ),
        // A name with lowercase particles is kept whole.
        (
            "Anna van der Berg said the quay was safe.",
            vec![indirect("the quay was safe")
                .by("Anna van der Berg")
                .person()],
        ),
        // An "of Org" phrase after a name is not part of the name.
        (
            "Nell Ardagh of the Fenmoor Port Authority said the pier was closed.",
            vec![indirect("the pier was closed")
                .by("Nell Ardagh")
                .person()
                .cue("said")],
        ),
        // A relative clause after the name is not a role.
        (
            "Ingrid Talvik, who chairs the club, said the fine was unfair.",
            vec![indirect("the fine was unfair")
                .by("Ingrid Talvik")
                .no_role()
                .person()],
        ),
        // Honorifics are neither name nor role.
        (
            "Dr. Ingrid Talvik said the boats were ready.",
            vec![indirect("the boats were ready")
                .by("Ingrid Talvik")
                .no_role()],
        ),
        (
            "Mr. Osric Pell said the quay was safe.",
            vec![indirect("the quay was safe").by("Osric Pell").no_role()],
        ),
        // Non-ASCII names and roles.
        (
            "Łukasz Śliwiński, the café’s owner, said the crème brûlée was sold out.",
            vec![indirect("the crème brûlée was sold out")
                .by("Łukasz Śliwiński")
                .role("café’s owner")],
        ),
        (
            "“Ça va très bien,” said Zoë Brünnhilde-Åström.",
            vec![direct("Ça va très bien,")
                .by("Zoë Brünnhilde-Åström")
                .person()],
        ),
    ]);
}

/// A description holding a name ("a senior Varga adviser") is one speaker,
/// not its first two words; a number with its article ("the 52-year-old")
/// is a speaker too.
#[test]
fn descriptions_that_hold_a_name_or_an_age() {
    run_table(&[
        (
            "“The count was fair,” said a senior Varga adviser. “We will not appeal.”",
            vec![
                direct("The count was fair,")
                    .by("senior Varga adviser")
                    .mention("a senior Varga adviser"),
                direct("We will not appeal.")
                    .by("senior Varga adviser")
                    .rule("follow-up"),
            ],
        ),
        (
            "“The ferry is late again,” said one unaligned Kestrel Bay strategist.",
            vec![direct("The ferry is late again,").by("one unaligned Kestrel Bay strategist")],
        ),
        (
            "“The fund is empty,” councilmember Ivo Kern said.",
            vec![direct("The fund is empty,")
                .by("Ivo Kern")
                .role("councilmember")],
        ),
        (
            "“We open in May,” the Norland actor says.",
            vec![direct("We open in May,").by("Norland actor")],
        ),
        (
            "“It was the best,” his nephew Ivo Kern added.",
            vec![direct("It was the best,").by("Ivo Kern").role("nephew")],
        ),
        (
            "“They must pay,” the harbour committee chairmen wrote.",
            vec![direct("They must pay,").by("harbour committee chairmen")],
        ),
        (
            "“The plan is sound,” the two write.",
            vec![direct("The plan is sound,").by("two").mention("the two")],
        ),
        (
            "“I will run again,” the 52-year-old said.",
            vec![direct("I will run again,")
                .by("52-year-old")
                .mention("the 52-year-old")
                .rule("quote-speaker-cue")],
        ),
    ]);
}

/// A title and a name before an appositive are the name, even when the
/// appositive is capitalised ("Democrat of Norland"); a description before a
/// name after a comma is not.
#[test]
fn a_titled_name_before_an_appositive() {
    run_table(&[
        (
            "“The levy stays,” said Senator Ivo Kern, Democrat of Norland. Mr. Kern said the vote was close.",
            vec![
                direct("The levy stays,").by("Ivo Kern").role("Senator"),
                indirect("the vote was close").by("Ivo Kern").mention("Mr. Kern"),
            ],
        ),
        (
            "“The levy stays,” said the director of the Norland Port Authority, Ivo Kern.",
            vec![direct("The levy stays,").by("Ivo Kern")],
        ),
    ]);
}

/// An age between commas belongs to the speaker's phrase and is no role; the
/// role is the appositive after it.
#[test]
fn an_age_between_commas_is_part_of_the_speaker() {
    run_table(&[
        (
            "“The hall is too small,” Tove Marsk, 69, told the Harbour Gazette.",
            vec![direct("The hall is too small,")
                .by("Tove Marsk")
                .mention("Tove Marsk, 69")
                .no_role()
                .cue("told")],
        ),
        (
            "“The hall is too small,” Tove Marsk, 69, a retired welder, said on Friday.",
            vec![direct("The hall is too small,")
                .by("Tove Marsk")
                .role("retired welder")],
        ),
    ]);
}

/// After an inverted cue the mention runs on with the whole phrase that
/// says who the speaker is: an appositive with its complement, a
/// description with the words that single it out, a party label in
/// parentheses; it stops at a dash. Name and role stay short.
#[test]
fn the_mention_covers_the_speakers_whole_phrase() {
    run_table(&[
        (
            "“The dam will hold,” said Ivo Strand, an expert on rivers at Norland College.",
            vec![direct("The dam will hold,")
                .by("Ivo Strand")
                .mention("Ivo Strand, an expert on rivers at Norland College")],
        ),
        (
            "“The dam will hold,” said Ivo Strand, adviser to the Norland water board.",
            vec![direct("The dam will hold,")
                .by("Ivo Strand")
                .mention("Ivo Strand, adviser to the Norland water board")
                .role("adviser")],
        ),
        (
            "“The dam will hold,” said one engineer involved in the repairs, who asked not to be named.",
            vec![direct("The dam will hold,")
                .by("one engineer")
                .mention("one engineer involved in the repairs")],
        ),
        (
            "“The dam will hold,” said Sen. Ivo Strand (D-Nor.), who chairs the water board.",
            vec![direct("The dam will hold,")
                .by("Ivo Strand")
                .role("Sen.")
                .mention("Sen. Ivo Strand (D-Nor.), who chairs the water board")],
        ),
        // Before the cue, a restrictive relative clause belongs to the
        // speaker; one that ends in an auxiliary leaves its verb as the cue.
        (
            "Farmers who grow barley near the dam said the water was low.",
            vec![indirect("the water was low")
                .by("Farmers")
                .mention("Farmers who grow barley near the dam")],
        ),
        (
            "Ivo Strand and others who fish the river said the dam would hold.",
            vec![indirect("the dam would hold")
                .mention("Ivo Strand and others who fish the river")],
        ),
        // After "of" or "in", a quantifier may open the noun phrase.
        (
            "The dam will hold, engineers in both towns insist.",
            vec![indirect("The dam will hold").mention("engineers in both towns")],
        ),
        // A possessor and a plain noun: "Lund's neighbours".
        (
            "Ivo Strand's neighbours said the dam would hold.",
            vec![indirect("the dam would hold").mention("Ivo Strand's neighbours")],
        ),
        // A relative clause that reports speech of its own gives its own
        // record; the speaker of the main clause is the name before it.
        (
            "Ivo Strand, who said the dam was old, said it would hold.",
            vec![
                indirect("the dam was old").by("Ivo Strand").mention("who"),
                indirect("it would hold")
                    .by("Ivo Strand")
                    .mention("Ivo Strand"),
            ],
        ),
        // An aside may stand between the speaker and "told".
        (
            "Ivo Strand, in contrast, told reporters the dam would hold.",
            vec![indirect("the dam would hold").by("Ivo Strand").cue("told")],
        ),
        // A participle may open an aside between the speaker and the cue.
        (
            "Judge Ivo Strand, writing for the majority, said the dam would hold.",
            vec![indirect("the dam would hold")
                .by("Ivo Strand")
                .cue("said")],
        ),
        // A party label's full stop ends no sentence mid-phrase, and ends
        // one before a capitalised word.
        (
            "The dam is old, Rep. Ivo Strand (D-Nor.) said on Monday.",
            vec![indirect("The dam is old").by("Ivo Strand").cue("said")],
        ),
        (
            "The dam is old, said Rep. Ivo Strand, D-Nor. Ola Berg said it was new.",
            vec![
                indirect("The dam is old").by("Ivo Strand"),
                indirect("it was new").by("Ola Berg"),
            ],
        ),
        // Before the cue, a party and state may stand between the name and
        // its appositive.
        (
            "Sen. Ivo Strand (D-Nor.), one of the few engineers in the chamber, said the dam would hold.",
            vec![indirect("the dam would hold")
                .by("Ivo Strand")
                .mention("Sen. Ivo Strand (D-Nor.), one of the few engineers in the chamber")],
        ),
        (
            "“The dam will hold,” said Ivo Strand, who runs the mill — which floods every spring.",
            vec![direct("The dam will hold,")
                .by("Ivo Strand")
                .mention("Ivo Strand, who runs the mill")],
        ),
        (
            "“The dam will hold,” said Ivo Strand, whose farm lies below it.",
            vec![direct("The dam will hold,").by("Ivo Strand").no_role()],
        ),
        (
            "“The dam will hold,” said Ivo Strand, whose doubts have grown since he all but lost the vote.",
            vec![direct("The dam will hold,").by("Ivo Strand").no_role()],
        ),
        (
            "“The dam will hold,” wrote the authors of the “Norland Water Plan,” citing the old survey.",
            vec![direct("The dam will hold,")
                .by("authors")
                .mention("the authors of the “Norland Water Plan,”")],
        ),
    ]);
}

#[test]
fn a_role_given_in_another_sentence_stays_with_the_speaker() {
    run_table(&[(
        "Education Minister Hildur Ness said the school would stay open. Ness said: \"We listened.\"",
        vec![
            indirect("the school would stay open").by("Hildur Ness").role("Education Minister"),
            direct("We listened.")
                .by("Hildur Ness")
                .mention("Ness")
                .role("Education Minister"),
        ],
    )]);
}

#[test]
fn organisations_and_unnamed_sources() {
    run_table(&[
        (
            "The Kestrel Valley water board said the reservoir was full.",
            vec![indirect("the reservoir was full")
                .by("Kestrel Valley water board")
                .mention("The Kestrel Valley water board")
                .org()],
        ),
        (
            "\"The reservoir is full,\" the Kestrel Valley water board said.",
            vec![direct("The reservoir is full,")
                .by("Kestrel Valley water board")
                .org()],
        ),
        (
            "The Ministry of Coastal Affairs said the pier would be rebuilt.",
            vec![indirect("the pier would be rebuilt")
                .by("Ministry of Coastal Affairs")
                .org()],
        ),
        (
            "The Fenmoor Gazette reported that the boats were ready.",
            vec![indirect("the boats were ready")
                .by("Fenmoor Gazette")
                .org()
                .cue("reported")],
        ),
        (
            "A spokeswoman said the reservoir was full.",
            vec![indirect("the reservoir was full")
                .by("spokeswoman")
                .mention("A spokeswoman")
                .person()],
        ),
        (
            "\"The reservoir is full,\" a spokeswoman said.",
            vec![direct("The reservoir is full,").by("spokeswoman").person()],
        ),
        (
            "\"No oil has leaked,\" a coastguard officer said.",
            vec![direct("No oil has leaked,")
                .by("coastguard officer")
                .person()],
        ),
        (
            "The Norvale water board said the reservoir was full.",
            vec![indirect("the reservoir was full")
                .by("Norvale water board")
                .org()],
        ),
        (
            "Fenmoor Council said the road would reopen.",
            vec![indirect("the road would reopen")
                .by("Fenmoor Council")
                .org()],
        ),
        (
            "Officials said the road would reopen.",
            vec![indirect("the road would reopen").by("Officials")],
        ),
        (
            "Residents said the noise was unbearable.",
            vec![indirect("the noise was unbearable").by("Residents")],
        ),
        (
            "\"The road will reopen,\" police said.",
            vec![direct("The road will reopen,").by("police")],
        ),
        // "club" is a source head noun.
        (
            "The club said the fine was unfair.",
            vec![indirect("the fine was unfair")
                .by("club")
                .mention("The club")
                .org()],
        ),
        // "coastguard" is a source head noun.
        (
            "The coastguard said no oil had leaked.",
            vec![indirect("no oil had leaked")
                .by("coastguard")
                .mention("The coastguard")
                .cue("said")],
        ),
        // "neighbour" is a person head noun.
        (
            "A neighbour said the rain was late.",
            vec![indirect("the rain was late")
                .by("neighbour")
                .mention("A neighbour")
                .person()],
        ),
        // A possessive kinship noun is a speaker, also for mixed speech.
        (
            "Her brother said the rain was “far too late”.",
            vec![mixed("the rain was “far too late”")
                .by("brother")
                .mention("Her brother")
                .person()],
        ),
        // A spokeswoman for an organisation is a person.
        (
            "A spokeswoman for the Fenmoor council said the road would reopen.",
            vec![indirect("the road would reopen")
                .by("spokeswoman for the Fenmoor council")
                .person()],
        ),
        // A spokesman for an organisation is a person, also after the quote.
        (
            "\"The reservoir is full,\" said a spokesman for the water board.",
            vec![direct("The reservoir is full,")
                .by("spokesman for the water board")
                .person()
                .cue("said")],
        ),
    ]);
}

#[test]
fn pronouns_resolve_to_the_previous_named_speaker() {
    run_table(&[
        (
            "Ingrid Talvik visited the quay on Monday. She said the boats were ready.",
            vec![indirect("the boats were ready")
                .by("Ingrid Talvik")
                .mention("She")
                .person()],
        ),
        (
            "Osric Pell inspected the hull. He said: \"It will float.\"",
            vec![direct("It will float.")
                .by("Osric Pell")
                .mention("He")
                .cue("said")],
        ),
        (
            "Hildur Ness said the school would stay open. She added: \"We listened.\"",
            vec![
                indirect("the school would stay open").by("Hildur Ness"),
                direct("We listened.")
                    .by("Hildur Ness")
                    .mention("She")
                    .cue("added"),
            ],
        ),
        (
            "“The dock is old,” said Pia Lundgren.\n\n“It was built in 1890,” she added.",
            vec![
                direct("The dock is old,").by("Pia Lundgren"),
                direct("It was built in 1890,")
                    .by("Pia Lundgren")
                    .mention("she")
                    .cue("added"),
            ],
        ),
        (
            "The Hollin Ferry Company cancelled sailings. It said the storm was to blame.",
            vec![indirect("the storm was to blame")
                .by("Hollin Ferry Company")
                .mention("It")
                .org()],
        ),
        // The topic of the first quote is not the "she" of the second.
        (
            "Ingrid Talvik said of Osric Pell: \"He is a fine captain.\" She added: \"He never sleeps.\"",
            vec![
                direct("He is a fine captain.").by("Ingrid Talvik").cue("said"),
                direct("He never sleeps.")
                    .by("Ingrid Talvik")
                    .mention("She")
                    .cue("added"),
            ],
        ),
        // Nor is the addressee.
        (
            "Ingrid Talvik told Osric Pell: \"The boats are ready.\" She added: \"We sail at six.\"",
            vec![
                direct("The boats are ready.").by("Ingrid Talvik").cue("told"),
                direct("We sail at six.")
                    .by("Ingrid Talvik")
                    .mention("She")
                    .cue("added"),
            ],
        ),
    ]);
}

#[test]
fn a_surname_alone_resolves_to_the_full_name() {
    run_table(&[
        (
            "\"We sail at dawn,\" said Ingrid Talvik.\n\nTalvik added that the crew was ready.",
            vec![
                direct("We sail at dawn,").by("Ingrid Talvik"),
                indirect("the crew was ready").by("Ingrid Talvik").mention("Talvik").cue("added"),
            ],
        ),
        (
            "Mayor Osric Pell said the boats were ready. Pell also said the quay was safe.",
            vec![
                indirect("the boats were ready").by("Osric Pell").role("Mayor"),
                indirect("the quay was safe")
                    .by("Osric Pell")
                    .mention("Pell")
                    .role("Mayor")
                    .cue("also said"),
            ],
        ),
        // The full name was given in narration, not in an attribution.
        (
            "Osric Pell arrived late. \"Sorry,\" Pell said.",
            vec![direct("Sorry,").by("Osric Pell").mention("Pell").person()],
        ),
        (
            "Osric Pell met Ingrid Talvik at the quay. Pell said the boats were ready.",
            vec![indirect("the boats were ready").by("Osric Pell").mention("Pell")],
        ),
        (
            "Osric Pell said the quay was safe. Mr. Pell added that repairs were done.",
            vec![
                indirect("the quay was safe").by("Osric Pell"),
                indirect("repairs were done").by("Osric Pell").mention("Mr. Pell"),
            ],
        ),
        (
            "Łukasz Śliwiński opened the café in May. Śliwiński said the crème brûlée was sold out.",
            vec![indirect("the crème brûlée was sold out")
                .by("Łukasz Śliwiński")
                .mention("Śliwiński")],
        ),
        (
            "Nell Ardagh visited the pier. Commissioner Ardagh said it was unsafe.",
            vec![indirect("it was unsafe").by("Nell Ardagh").role("Commissioner")],
        ),
        (
            "Nell Ardagh visited the pier. \"It is unsafe,\" said Ms. Ardagh.",
            vec![direct("It is unsafe,").by("Nell Ardagh").mention("Ms. Ardagh")],
        ),
        // A hyphenated surname resolves to the full name given in narration.
        (
            "Mara Lind-Holt spoke first. \"We won,\" Lind-Holt said.",
            vec![direct("We won,")
                .by("Mara Lind-Holt")
                .mention("Lind-Holt")
                .person()],
        ),
        // A hyphenated surname resolves to the full name of an earlier speaker.
        (
            "\"We won,\" said Mara Lind-Holt. Lind-Holt added: \"It was close.\"",
            vec![
                direct("We won,").by("Mara Lind-Holt"),
                direct("It was close.")
                    .by("Mara Lind-Holt")
                    .mention("Lind-Holt")
                    .cue("added"),
            ],
        ),
        // A full name first given inside a coordination still resolves.
        (
            "Ingrid Talvik and Osric Pell met at the quay. Pell said the boats were ready.",
            vec![indirect("the boats were ready")
                .by("Osric Pell")
                .mention("Pell")
                .person()],
        ),
    ]);
    // The hyphenated surname makes no second speaker.
    let a = analyze("\"We won,\" said Mara Lind-Holt. Lind-Holt added: \"It was close.\"");
    let got: Vec<(&str, SpeakerKind, usize)> = a
        .speakers
        .iter()
        .map(|s| (s.name.as_str(), s.kind, s.quotes))
        .collect();
    assert_eq!(got, [("Mara Lind-Holt", SpeakerKind::Person, 2)]);
}

#[test]
fn aliases_and_definite_descriptions_resolve() {
    run_table(&[
        (
            "The Marrow Creek Drainage Board (MCDB) said the river was high. \
             The MCDB said the levees would hold.",
            vec![
                indirect("the river was high").by("Marrow Creek Drainage Board"),
                indirect("the levees would hold")
                    .by("Marrow Creek Drainage Board")
                    .mention("The MCDB"),
            ],
        ),
        (
            "A spokeswoman said the road was shut. \"It will reopen,\" the spokeswoman said.",
            vec![
                indirect("the road was shut").by("spokeswoman"),
                direct("It will reopen,").by("spokeswoman").mention("the spokeswoman"),
            ],
        ),
        (
            "The Fenmoor Harbour Authority (FHA) met on Monday. The FHA said the quay would close.",
            vec![indirect("the quay would close").by("Fenmoor Harbour Authority").mention("The FHA")],
        ),
        (
            "The Hollin Ferry Company cancelled sailings on Sunday. \
             The company said the storm was to blame.",
            vec![indirect("the storm was to blame")
                .by("Hollin Ferry Company")
                .mention("The company")
                .org()],
        ),
        (
            "The Hollin Ferry Company cancelled sailings on Sunday. \
             \"The storm is to blame,\" the company said.",
            vec![direct("The storm is to blame,").by("Hollin Ferry Company")],
        ),
        (
            "The Kestrel Valley Water Board met on Monday. \"The reservoir is full,\" the board said.",
            vec![direct("The reservoir is full,").by("Kestrel Valley Water Board").mention("the board")],
        ),
        (
            "The Kestrel Valley water board said the reservoir was full. \
             The board said the dam was safe.",
            vec![
                indirect("the reservoir was full").by("Kestrel Valley water board"),
                indirect("the dam was safe").by("Kestrel Valley water board").mention("The board"),
            ],
        ),
        (
            "The Norvale Water Board said the reservoir was full. Later the board said the dam was safe.",
            vec![
                indirect("the reservoir was full").by("Norvale Water Board"),
                indirect("the dam was safe").by("Norvale Water Board").mention("the board"),
            ],
        ),
        // A speaker with an alias that has an article still makes a record.
        (
            "The Marrow Creek Drainage Board (the Board) said the river was high.",
            vec![indirect("the river was high")
                .by("Marrow Creek Drainage Board")
                .org()
                .cue("said")],
        ),
        // An alias with an article resolves to the full name.
        (
            "The Marrow Creek Drainage Board (the Board) met on Friday. \
             The Board said the levees would hold.",
            vec![indirect("the levees would hold")
                .by("Marrow Creek Drainage Board")
                .mention("The Board")
                .org()],
        ),
        // Same after a direct quote.
        (
            "The Marrow Creek Drainage Board (the Board) met on Friday. \
             \"The levees will hold,\" the Board said.",
            vec![direct("The levees will hold,")
                .by("Marrow Creek Drainage Board")
                .mention("the Board")
                .org()],
        ),
        // "The board" resolves to a lowercase organisation named only in narration.
        (
            "The Kestrel Valley water board met on Monday. The board said the reservoir was full.",
            vec![indirect("the reservoir was full")
                .by("Kestrel Valley water board")
                .mention("The board")
                .org()],
        ),
        // "The club" resolves to a club named only in narration.
        (
            "The Fenmoor Rowing Club was fined on Tuesday. The club said the fine was unfair.",
            vec![indirect("the fine was unfair")
                .by("Fenmoor Rowing Club")
                .mention("The club")
                .org()],
        ),
    ]);
}

#[test]
fn the_addressee_and_the_topic_are_never_the_speaker() {
    run_table(&[
        (
            "Ingrid Talvik told the Fenmoor Gazette that the boats were ready.",
            vec![indirect("the boats were ready").by("Ingrid Talvik").cue("told")],
        ),
        (
            "\"The boats are ready,\" Ingrid Talvik told the Fenmoor Gazette.",
            vec![direct("The boats are ready,").by("Ingrid Talvik").cue("told")],
        ),
        (
            "Ingrid Talvik told the Fenmoor Gazette on Friday: \"The boats are ready.\"",
            vec![direct("The boats are ready.").by("Ingrid Talvik").cue("told")],
        ),
        (
            "Ingrid Talvik told Osric Pell: \"The boats are ready.\"",
            vec![direct("The boats are ready.").by("Ingrid Talvik")],
        ),
        (
            "\"The boats are ready,\" Ingrid Talvik told Osric Pell.",
            vec![direct("The boats are ready,").by("Ingrid Talvik")],
        ),
        (
            "Ingrid Talvik told Osric Pell that the boats were ready.",
            vec![indirect("the boats were ready").by("Ingrid Talvik")],
        ),
        (
            "Ingrid Talvik said of Osric Pell: \"He is a fine captain.\"",
            vec![direct("He is a fine captain.").by("Ingrid Talvik").cue("said")],
        ),
        (
            "\"He is a fine captain,\" Ingrid Talvik said of Osric Pell.",
            vec![direct("He is a fine captain,").by("Ingrid Talvik").cue("said")],
        ),
        (
            "Ingrid Talvik said of Osric Pell that he was a fine captain.",
            vec![indirect("he was a fine captain").by("Ingrid Talvik")],
        ),
        (
            "Osric Pell was praised by the mayor. \"He is a fine captain,\" Ingrid Talvik said of Pell.",
            vec![direct("He is a fine captain,").by("Ingrid Talvik")],
        ),
        (
            "Asked about Osric Pell, Ingrid Talvik said: \"He is a fine captain.\"",
            vec![direct("He is a fine captain.").by("Ingrid Talvik")],
        ),
    ]);
    // Neither hearer nor topic shows up among the speakers.
    for text in [
        "Ingrid Talvik told the Fenmoor Gazette that the boats were ready.",
        "\"He is a fine captain,\" Ingrid Talvik said of Osric Pell.",
    ] {
        let a = analyze(text);
        let names: Vec<&str> = a.speakers.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["Ingrid Talvik"], "{text}");
    }
}

#[test]
fn speaker_kinds() {
    let cases = [
        (
            "\"We sail at dawn,\" said Ingrid Talvik.",
            SpeakerKind::Person,
        ),
        (
            "The Hollin Ferry Company said the storm was to blame.",
            SpeakerKind::Organization,
        ),
        (
            "A spokeswoman said the reservoir was full.",
            SpeakerKind::Person,
        ),
        (
            "Port Commissioner Nell Ardagh said the pier was closed.",
            SpeakerKind::Person,
        ),
    ];
    for (text, kind) in cases {
        let a = analyze(text);
        assert_eq!(a.quotes.len(), 1, "{text}");
        assert_eq!(
            a.quotes[0].speaker.as_ref().map(|s| s.kind),
            Some(kind),
            "{text}"
        );
        assert_eq!(a.speakers[0].kind, kind, "{text}");
    }
}

#[test]
fn pronouns_agree_in_gender_with_what_the_article_says() {
    run_table(&[
        // An honorific tells: "she" skips the latest subject, a man.
        (
            "Mrs. Ada Lund met Mr. Ivo Holm on Monday. Holm said the talks were over. \
             She said she would try again.",
            vec![
                indirect("the talks were over").by("Ivo Holm"),
                indirect("she would try again")
                    .by("Ada Lund")
                    .mention("She"),
            ],
        ),
        // So does a gendered noun in the role.
        (
            "Tove Brandt met the harbour chairman, Emil Saar. \
             Saar said the quay would reopen. She said the date was not set.",
            vec![
                indirect("the quay would reopen").by("Emil Saar"),
                indirect("the date was not set")
                    .by("Tove Brandt")
                    .mention("She"),
            ],
        ),
        // And a pronoun once linked: "he" stays with the man it named.
        (
            "Jonas Varg spoke before Ms. Lina Dahl. He said the budget was short. \
             Dahl said the budget was fine. He said he disagreed.",
            vec![
                indirect("the budget was short").by("Jonas Varg"),
                indirect("the budget was fine").by("Lina Dahl"),
                indirect("he disagreed").by("Jonas Varg").mention("He"),
            ],
        ),
    ]);
}

#[test]
fn one_mention_serving_two_clauses_is_one_speaker() {
    let a = analyze("The ferry, officials said, will run all winter.");
    assert_eq!(a.quotes.len(), 2, "{:#?}", a.quotes);
    assert_eq!(a.speakers.len(), 1, "{:#?}", a.speakers);
    assert_eq!(a.speakers[0].name, "officials");
    assert_eq!(a.speakers[0].quotes, 2);
}

#[test]
fn a_hyphenated_title_heads_the_speaker() {
    run_table(&[(
        "\"That was the first time in years,\" Radio North co-Anchor Ada Quist said. \"It will not be the last.\"",
        vec![
            direct("That was the first time in years,")
                .by("Ada Quist")
                .cue("said"),
            direct("It will not be the last.").by("Ada Quist"),
        ],
    )]);
}
