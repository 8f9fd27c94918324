//! Stage 3c: rules to drafts. The matches of the rules in a block of
//! paragraphs ([`candidates`](Extractor::candidates)) are weighed against each
//! other into draft records ([`drafts`](Extractor::drafts)), and the
//! quotations no rule claimed are added. A long text is cut into blocks ([`blocks`])
//! between paragraphs, where no match and no quotation crosses.

use super::*;

/// A match of one rule before conflicts are settled (token indices).
#[derive(Debug, Clone, Copy)]
struct Candidate {
    rule: usize,
    priority: i32,
    /// Where its quotation tokens stand in [`Candidates::quotes`].
    quotes: (usize, usize),
    content: Option<(usize, usize)>,
    speaker: Option<(usize, usize)>,
    cue: Option<(usize, usize)>,
    who: Option<usize>,
}

impl Candidate {
    /// Its quotation tokens, out of `all` (see [`Candidates::quotes`]).
    fn quotes<'a>(&self, all: &'a [usize]) -> &'a [usize] {
        &all[self.quotes.0..self.quotes.1]
    }
}

/// The matches of the rules in a document, in the order they are weighed,
/// and the quotation tokens of all of them, one after another (so that a
/// match takes no list of its own).
struct Candidates {
    list: Vec<Candidate>,
    quotes: Vec<usize>,
}

/// One block of a document for the stages after tokens: rules, drafts,
/// speakers (see [`blocks`]).
pub(super) struct Block<'b> {
    /// Its sentences.
    pub(super) sents: Range<usize>,
    /// The tokens of its quotation pieces, with their pieces, in order.
    pub(super) quote_tokens: &'b [(usize, usize)],
    /// Per token of the document: 0 free, 1 speaker or cue of a record, 2
    /// content of a record.
    pub(super) used: &'b mut [u8],
    /// Per quotation piece of the document: the draft of its block that
    /// holds it.
    pub(super) draft_of_piece: &'b mut [Option<usize>],
}

/// The tokens of sentences `sents` and any between them and the next
/// block (to the end for the last).
pub(super) fn block_token_range(doc: &Doc<'_>, sents: &Range<usize>) -> Range<usize> {
    let start = if sents.start == 0 {
        0
    } else {
        doc.sentences[sents.start].tokens.start
    };
    let end = match doc.sentences.get(sents.end) {
        Some(s) => s.tokens.start,
        None => doc.tokens.len(),
    };
    start..end.max(start)
}

/// The blocks of a document for the stages after tokens, as ranges of
/// sentences: a new block opens at a paragraph once the block before holds
/// `size` tokens or more, unless the paragraph's first quotation piece (or,
/// with none, the next piece) continues a quotation of the paragraph before.
/// At least one block, which is all of a text of fewer than `2 × size`
/// tokens.
///
/// The rules never match across sentences and a reported clause ends with
/// its paragraph, so the candidates of a block hold tokens of that block
/// only, and weighing each block's candidates on their own gives the drafts
/// of weighing all of them at once; a quotation over several paragraphs
/// stays in one block. Speakers and coreference go on from one block to the
/// next (see [`Extractor::resolve`]). So the records are those of one block
/// of all, while each block's tokens stay in the processor's cache through
/// the stages and the lists those stages make are in proportion to a block.
pub(super) fn blocks(doc: &Doc<'_>, size: usize) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    if doc.tokens.len() >= size.max(1).saturating_mul(2) {
        let mut piece = 0;
        for (i, w) in doc.sentences.windows(2).enumerate() {
            let (prev, s) = (&w[0], &w[1]);
            let i = i + 1;
            if s.para == prev.para
                || s.tokens.start - doc.sentences[start].tokens.start < size
                || doc.tokens.len() - s.tokens.start < size
            {
                continue;
            }
            // The first piece at or after the paragraph.
            while piece < doc.quotes.len()
                && doc.quotes[piece].open < doc.tokens[s.tokens.start].start()
            {
                piece += 1;
            }
            if doc.quotes.get(piece).is_some_and(|q| q.continues) {
                continue;
            }
            out.push(start..i);
            start = i;
        }
    }
    out.push(start..doc.sentences.len());
    out
}

/// A record before speakers are resolved.
#[derive(Debug, Clone)]
pub(super) struct Draft<'r> {
    pub(super) kind: QuoteKind,
    pub(super) start: usize,
    pub(super) end: usize,
    /// First token of the content, for ordering and sentence look-up.
    pub(super) tok: usize,
    pub(super) speaker: Option<(usize, usize)>,
    /// The mention runs on past the speaker's noun phrase to this token
    /// (appositives and relative clauses after an inverted cue).
    pub(super) mention_end: Option<usize>,
    pub(super) who: Option<usize>,
    /// Inherit the speaker of the record at this index.
    pub(super) inherit: bool,
    pub(super) cue: Option<(usize, usize)>,
    pub(super) rule: &'r str,
    pub(super) confidence: f32,
    pub(super) piece: Option<usize>,
    /// A lead-in line: it names the speaker of the quotation that follows
    /// and is no record itself.
    pub(super) leadin: bool,
    /// A record whose rule names no speaker by nature ("Asked whether ...").
    pub(super) anonymous: bool,
}

impl Extractor {
    /// The matches of every rule in sentences `sents` of `doc` (a block
    /// with `quotes` quotation tokens, see [`blocks`]); `renumbered` is
    /// `doc.hay` in the rules' alphabet.
    fn candidates(
        &self,
        doc: &Doc<'_>,
        renumbered: &[u8],
        sents: Range<usize>,
        quotes: usize,
    ) -> Candidates {
        let rules = &self.inner.rules;
        // Room for two matches a sentence at once (news text has about one),
        // not grown from nothing by doubling: a match is a hundred bytes.
        let mut out = Vec::with_capacity(2 * sents.len());
        // The quotation tokens of the matches: room for two matches of
        // each quotation (rules overlap), not grown from nothing by
        // doubling.
        let mut quote_buf: Vec<usize> = Vec::with_capacity(2 * quotes);
        // Each rule runs once over the whole block: sentences are joined in
        // `doc.hay` with separators that no pattern crosses.
        let hay = &doc.hay[..];
        let needs = &self.inner.needs;
        // Hay position of a sentence's first token: each sentence before it
        // adds two separators, and the text opens with one.
        let first_pos = |i: usize| doc.sentences[i].tokens.start + 1 + 2 * i;
        // Where the anchors of the rules stand (cues and quotations), a list
        // for each set of anchor bytes, and, per group of rules with the same
        // needs, the runs of sentences that hold them (from the separator
        // before a run to the one after it): one pass over the hay for all
        // the rules.
        let mut search = self.inner.scratch.get();
        let search = &mut *search;
        let mut anchors = std::mem::take(&mut search.anchors);
        anchors.iter_mut().for_each(Vec::clear);
        anchors.resize_with(needs.lists, Vec::new);
        // Appends position `k` to the lists of anchors `lists` stands for.
        let push = |anchors: &mut [Vec<u32>], mut lists: u64, k: usize| {
            while lists != 0 {
                anchors[lists.trailing_zeros() as usize].push(k as u32);
                lists &= lists - 1;
            }
        };
        let mut windows = std::mem::take(&mut search.windows);
        windows.iter_mut().for_each(Vec::clear);
        windows.resize_with(needs.groups.len(), Vec::new);
        // Separators that anchor some rule (no built-in one) are anchors too.
        let separator_anchors = needs.by_byte[c::SEP as usize].keys != 0;
        // The groups whose rules' anchors stand since the end of their last
        // run; the others search from their anchors, and do no work where
        // none of theirs stands: their run goes on over such sentences, for
        // one call of the matcher instead of several.
        let mergeable = if separator_anchors { 0 } else { needs.anchored };
        let mut stirred = !mergeable;
        // A run from the separator before sentence `i`'s first token to the
        // one after its last, appended to the runs of group `g`.
        let mut extend = |g: usize, i: usize, merge: bool| {
            let (w0, w1) = (
                first_pos(i) - 1,
                first_pos(i) + doc.sentences[i].tokens.len() + 1,
            );
            match windows[g].last_mut() {
                Some(last) if last.1 + 1 >= w0 || merge => last.1 = w1,
                _ => windows[g].push((w0, w1)),
            }
        };
        for (i, s) in doc.sentences[sents.clone()].iter().enumerate() {
            let i = sents.start + i;
            let (p0, p1) = (first_pos(i), first_pos(i) + s.tokens.len());
            let mut held = 0u64;
            let mut keys = 0u64;
            for (k, &b) in hay[p0..p1].iter().enumerate() {
                let m = needs.by_byte[b as usize];
                held |= m.needs;
                if m.keys != 0 {
                    push(&mut anchors, m.lists, p0 + k);
                    keys |= m.keys;
                }
            }
            // The groups with needs that the sentence meets, one bit each.
            let met = if held == 0 { 0 } else { needs.met(held) };
            let mut bits = met;
            while bits != 0 {
                let g = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                extend(g, i, stirred & (1 << g) == 0);
            }
            stirred = (stirred & !(met & mergeable)) | (keys & !met);
            // Groups past the first 64 (no built-in rules make that many)
            // meet their needs one by one, and their runs go on only where
            // sentences follow each other.
            for (g, &need) in needs.groups.iter().enumerate().skip(64) {
                if need != 0 && held & need == need {
                    extend(g, i, false);
                }
            }
        }
        // The block's hay: from the separator before its first sentence to
        // the one after its last (all the hay for a block of all).
        let span = match (sents.start, sents.end.checked_sub(1)) {
            _ if sents == (0..doc.sentences.len()) && !sents.is_empty() => 0..hay.len(),
            (first, Some(last)) if first <= last => {
                first_pos(first) - 1..first_pos(last) + doc.sentences[last].tokens.len() + 1
            }
            _ => 0..0,
        };
        // A group with no needs searches every sentence, in one run.
        if !span.is_empty() {
            for (g, &need) in needs.groups.iter().enumerate() {
                if need == 0 {
                    windows[g].push((span.start, span.end));
                }
            }
        }
        if separator_anchors {
            // Every position of the hay, separators too, is looked at.
            anchors.iter_mut().for_each(Vec::clear);
            for (k, &b) in hay[span.clone()].iter().enumerate() {
                push(
                    &mut anchors,
                    needs.by_byte[b as usize].lists,
                    span.start + k,
                );
            }
        }
        // Hay positions to token ranges.
        let toks =
            |(s, e): (usize, usize)| (doc.hay_tok[s] as usize, doc.hay_tok[e - 1] as usize + 1);
        let scratch = &mut search.scratch;
        let mut attr_cache = self.inner.attribution_caches.get();
        for (ri, rule) in rules.rules.iter().enumerate() {
            let windows = &windows[needs.group_of[ri]];
            let names = &rule.groups;
            for &(w0, w1) in windows {
                let hay = &hay[..w1];
                rule.matcher.for_each_match(
                    scratch,
                    ri,
                    renumbered,
                    &anchors[needs.list_of[ri]],
                    needs.own_lists,
                    w0,
                    w1,
                    |at, whole, found| {
                        let g =
                            |i: Option<usize>| i.and_then(|i| found.get(i)).filter(|(a, b)| a < b);
                        let q0 = quote_buf.len();
                        quote_buf.extend(
                            names
                                .quotes
                                .iter()
                                .filter_map(|&i| g(Some(i)).map(|x| toks(x).0)),
                        );
                        let quotes = (q0, quote_buf.len());
                        let mut content = g(names.content).map(toks);
                        if rule.paragraph {
                            // A few words after a colon are a label ("Twitter:
                            // @ann", "Clinton: 547"), not a transcript line.
                            content = content.filter(|&(a, b)| b - a >= 4);
                            // Run on to the end of the paragraph.
                            if let Some((a, _)) = content {
                                let para = doc.sentences[doc.sentence_of(a)].para;
                                let last = doc.sentences[doc.sentence_of(a)..]
                                    .iter()
                                    .take_while(|x| x.para == para)
                                    .last();
                                if let Some(last) = last {
                                    content = Some((a, last.tokens.end));
                                }
                            }
                        }
                        // A reported clause ends where another attribution begins
                        // (", Ann Lee said ..."); the search goes on from there.
                        let mut next = whole.1.max(at + 1);
                        if let Some((a, b)) = g(names.content).filter(|_| !rule.paragraph) {
                            if let Some(cut) =
                                self.attribution_after_comma(&mut attr_cache, hay, renumbered, a, b)
                            {
                                content = Some((a, cut)).filter(|(a, b)| a < b).map(toks);
                                if whole.1 == b {
                                    next = cut.max(at + 1);
                                }
                            }
                        }
                        // "Ann Lee, who has proposed a levy, said ...": a relative
                        // clause inside the speaker's phrase ends where the main
                        // clause's cue follows a comma.
                        if let (Some(_), Some((a, b))) = (names.who, g(names.content)) {
                            if let Some(cut) = (a + 1..b).find(|&k| {
                                hay[k] == c::COMMA
                                    && matches!(
                                        doc.tokens[doc.hay_tok[k + 1] as usize].base,
                                        c::CUE | c::CUE_TELL
                                    )
                            }) {
                                content = Some((a, cut)).filter(|(a, b)| a < b).map(toks);
                            }
                        }
                        out.push(Candidate {
                            rule: ri,
                            priority: rule.def.priority,
                            quotes,
                            content,
                            speaker: g(names.speaker).map(toks),
                            cue: g(names.cue).map(toks),
                            who: g(names.who).map(|x| toks(x).0),
                        });
                        next
                    },
                );
            }
        }
        if block_token_range(doc, &sents).len() <= KEEP_TOKENS {
            search.anchors = anchors;
            search.windows = windows;
        }
        // An attribution whose cue lies inside another's reported clause is
        // nested ("X said the board would ask Y to act"): outer ones first.
        // Only clauses reported after their cue hold nested attributions.
        let mut spans: Vec<(usize, usize)> = out
            .iter()
            .filter(|c| c.cue.zip(c.content).is_some_and(|(k, x)| x.0 > k.0))
            .filter_map(|c| c.content)
            .collect();
        spans.sort_unstable();
        // For each start, the furthest end of any span starting at or before it.
        let mut reach = Vec::with_capacity(spans.len());
        let mut far = 0;
        for &(_, e) in &spans {
            far = far.max(e);
            reach.push(far);
        }
        // A quotation set off by a colon or a dash, with its own attribution,
        // is nested in nothing ("critics disagree — “Why?” asked Lee").
        let set_off = |c: &Candidate| {
            c.quotes(&quote_buf)
                .first()
                .is_some_and(|&q| q > 0 && matches!(doc.tokens[q - 1].base, c::COLON | c::DASH))
        };
        let nested = |c: &Candidate| {
            !set_off(c)
                && c.cue.is_some_and(|(k, _)| {
                    let i = spans.partition_point(|&(s, _)| s <= k);
                    i > 0 && reach[i - 1] > k
                })
        };
        // Sorted by their keys and, for equal keys, in the order found.
        let mut order: Vec<_> = out
            .iter()
            .enumerate()
            .map(|(k, c)| {
                let first = c.quotes(&quote_buf).first().copied().unwrap_or(0);
                let at = c.content.map_or(first, |x| x.0);
                (nested(c), std::cmp::Reverse(c.priority), at, k)
            })
            .collect();
        order.sort_unstable();
        Candidates {
            list: order.iter().map(|&(.., k)| out[k]).collect(),
            quotes: quote_buf,
        }
    }

    /// A phrase of three words or fewer with no pronoun, no verb the
    /// lexicon knows and no negation: a heading or a label, not a sentence.
    /// An exclamation, a question or a negation ("Absolutely not.") is
    /// speech, however short.
    fn is_heading(&self, text: &str) -> bool {
        let speech_end = text
            .trim_end_matches(|ch: char| !ch.is_alphanumeric() && !matches!(ch, '!' | '?'))
            .ends_with(['!', '?']);
        text.split_whitespace().nth(3).is_none()
            && !speech_end
            && text.split_whitespace().all(|w| {
                let w = w.trim_matches(|ch: char| !ch.is_alphanumeric() && ch != '\'');
                crate::cues::with_key(w, |k| {
                    let class = self.inner.lexicon.words.get(k).copied();
                    !matches!(class, Some(c::PRONOUN | c::VERB | c::AUX | c::CONJ))
                        && !self.inner.lexicon.cues.contains_key(k)
                })
            })
    }

    /// A quotation that closes its paragraph and is signed in the next one,
    /// "“...”\n\n— Ann Lee, speaking in Tollby.": the signature's noun phrase.
    fn byline_after(&self, doc: &Doc<'_>, si: usize) -> Option<(usize, usize)> {
        let s = &doc.sentences[si];
        let next = doc.sentences.get(si + 1)?;
        if next.para != s.para + 1 || doc.tokens[next.tokens.start].base != c::DASH {
            return None;
        }
        let from = next.tokens.start + 1;
        let (ma, mb) = self.subject_find(&doc.classes[from..next.tokens.end])?;
        let (a, b) = (from + ma, from + mb);
        let signed = b == next.tokens.end || matches!(doc.tokens[b].base, c::COMMA | c::STOP);
        let named = (a..b).any(|t| doc.tokens[t].base == c::NAME);
        (ma == 0 && signed && named).then_some((a, b))
    }

    /// After the quotation at token `q`, a speaker's noun phrase and then a
    /// verb: a lowercase word that may be a verb of saying outside the
    /// lexicon (`“Not now,” he mocks.`), or a cue that the rules could not parse
    /// with its speaker. Gives the phrase's tokens and the verb's token. The
    /// quotation must end with a comma, a question mark or an exclamation
    /// mark inside its marks, as a quotation with an attribution after it
    /// does, and hold two words or more; a title (`“Hamlet” fans queued`)
    /// does neither.
    fn speaker_then_verb(
        &self,
        doc: &Doc<'_>,
        q: usize,
        end: usize,
    ) -> Option<((usize, usize), usize)> {
        let piece = doc.quotes[doc.tokens[q].quote()? as usize];
        let inner = doc.text[piece.content.0..piece.content.1].trim_end();
        if !inner.ends_with([',', '?', '!']) || inner.split_whitespace().count() < 2 {
            return None;
        }
        let plain_word = |t: usize| {
            doc.tokens
                .get(t)
                .is_some_and(|t| t.base == c::WORD && !t.capital)
        };
        let cue_word = |t: usize| {
            doc.tokens
                .get(t)
                .is_some_and(|t| matches!(t.base, c::CUE | c::CUE_TELL) && !t.capital)
        };
        // “Not now,” he mocks. The verb ends the clause or takes a preposition
        // (“he went on”); a noun after the phrase (“an HBO series that”)
        // takes more words.
        let clause_ends = |t: usize| {
            t >= end
                || matches!(
                    doc.tokens[t].base,
                    c::STOP | c::COMMA | c::PREP | c::CONJ | c::AUX
                )
        };
        let phrase_word = |t: usize| {
            t < end
                && matches!(
                    doc.tokens[t].base,
                    c::DET | c::WORD | c::NAME | c::SOURCE | c::POSS | c::NUM
                )
        };
        if let Some((ma, mb)) = self.subject_find(&doc.classes[q + 1..end]) {
            let (a, mut b) = (q + 1 + ma, q + 1 + mb);
            // The phrase may end in a short prepositional phrase: "a
            // voice-over in the advert states", "... says".
            if b < end && matches!(doc.tokens[b].base, c::PREP | c::CONJ) {
                let words = (b + 1..end.min(b + 6))
                    .take_while(|&t| phrase_word(t))
                    .count();
                let t = b + 1 + words;
                if words >= 1 && cue_word(t) && clause_ends(t + 1) {
                    b = t;
                } else if words >= 2 && plain_word(t - 1) && clause_ends(t) {
                    b = t - 1;
                }
            }
            let verb = plain_word(b) || cue_word(b);
            if ma == 0 && b < end && verb && clause_ends(b + 1) && b - a <= 8 {
                return Some(((a, b), b));
            }
        }
        // “No,” remembered Ann Lee, the firm's spokeswoman.
        if q + 2 < end && plain_word(q + 1) {
            let (a, b) = (q + 2, q + 2 + self.np_at_start(&doc.classes[q + 2..end])?);
            let closed = b == end || matches!(doc.tokens[b].base, c::COMMA | c::STOP);
            let named = (a..b).any(|t| matches!(doc.tokens[t].base, c::NAME | c::SOURCE));
            if closed && named {
                return Some(((a, b), q + 1));
            }
        }
        None
    }

    /// The first comma in `hay[a..b]` that is followed by a speaker and a cue
    /// ("..., Ann Lee said"), if any; `renumbered` is `hay` in the rules'
    /// alphabet, searched with `cache`.
    fn attribution_after_comma(
        &self,
        cache: &mut DfaCache,
        hay: &[u8],
        renumbered: &[u8],
        a: usize,
        b: usize,
    ) -> Option<usize> {
        // Anchored at each comma, so the cost is the length of a noun phrase.
        // The pattern opens with `^`: each search has its own haystack.
        let search = &self.inner.rules.attribution_search;
        let from = (a + 1).min(b);
        let mut commas = memchr::memchr_iter(c::COMMA, &hay[from..b])
            .map(|i| from + i)
            .peekable();
        // No attribution starts at or after `stop`: most reported clauses
        // hold no cue after their first comma, and every attribution holds
        // one.
        let after = *commas.peek()? + 1;
        let stop = search
            .starts_before(&renumbered[after..b])
            .map_or(b, |p| after + p);
        commas.take_while(|&k| k + 1 < stop).find(|&k| {
            match search.matches_at(cache, &renumbered[k + 1..b], 0) {
                Ok(m) => m,
                Err(()) => self.attribution().is_match(&hay[k + 1..b]),
            }
        })
    }

    /// The attribution regex, compiled by the regex crate.
    pub(super) fn attribution(&self) -> &Regex {
        self.inner
            .attribution
            .get_or_init(|| byte_regex(&self.inner.rules.attribution, "attribution"))
    }

    /// Whether tokens `a..b` can be the reported clause of `cue`.
    fn content_ok(
        &self,
        doc: &Doc<'_>,
        mut a: usize,
        b: usize,
        cue: Option<(usize, usize)>,
    ) -> bool {
        let a0 = a;
        while a < b && matches!(doc.tokens[a].base, c::THAT | c::COMMA | c::COLON) {
            a += 1;
        }
        if a >= b {
            return false;
        }
        // Right after "told" comes its hearer, not its content.
        if cue.is_some_and(|(_, e)| e == a && doc.tokens[e - 1].base == c::CUE_TELL) {
            return false;
        }
        // The first word's key, lowercased on the stack.
        token_key(doc, a, |first| self.clause_ok(doc, a0, a, b, cue, first))
    }

    /// [`Extractor::content_ok`] for the content `a..b` (`a0..b` before its
    /// leading "that", commas and colons), whose first word has the key
    /// `first`.
    fn clause_ok(
        &self,
        doc: &Doc<'_>,
        a0: usize,
        a: usize,
        b: usize,
        cue: Option<(usize, usize)>,
        first: &str,
    ) -> bool {
        // "said on Monday in Ohio": an adverbial alone is no reported clause.
        // A day with "'s" is no adverbial: "said Monday's vote was fair".
        let possessive = a + 1 < b && doc.tokens[a + 1].possessive_s();
        // A day alone before a clause is the cue's time: "said Tuesday the
        // bridge was safe" (a determiner or a pronoun opens the clause).
        let day_then_clause =
            a + 2 < b && matches!(doc.tokens[a + 1].base, c::DET | c::PRONOUN | c::THAT);
        // So is "on" and a day: "told reporters on Monday the plan was dead".
        let on_day_then_clause = first == "on"
            && a + 3 < b
            && doc.tokens[a + 1].base == c::TIME
            && matches!(doc.tokens[a + 2].base, c::DET | c::PRONOUN | c::THAT);
        // Looked up only where it decides (below): the lists are long.
        let adverbial = || {
            (ADVERBIAL_START.contains(&first) && !on_day_then_clause)
                || (self.inner.lexicon.calendar.contains(first) && !possessive && !day_then_clause)
        };
        // "said on Monday, blaming the weather": nor one closed by a comma.
        // Only right after the cue: a sentence may well open with "In fact,".
        // After "that" the phrase opens the reported clause: "said that in
        // May, prices rose".
        let opened = (a0.saturating_sub(1)..a).any(|t| doc.tokens[t].base == c::THAT);
        let after_cue = cue.is_some_and(|(_, e)| e <= a && a <= e + 1);
        let early_comma = after_cue && (a..b.min(a + 6)).any(|i| doc.tokens[i].base == c::COMMA);
        if !opened && (b - a <= 6 || early_comma) && adverbial() {
            return false;
        }
        // "the plan described by the mayor": a cue right before "by" is a
        // passive participle, and what follows names its agent.
        if after_cue && first == "by" {
            return false;
        }
        // "said so on Monday": "so" stands for what was said, and the time
        // or place after it is the cue's ("said so many had left" reports).
        if after_cue && first == "so" && a + 1 < b {
            let next_is = |t: usize| {
                doc.tokens[t].base == c::TIME
                    || key_among(doc, t, ADVERBIAL_START)
                    || token_key(doc, t, |k| self.inner.lexicon.calendar.contains(k))
            };
            if next_is(a + 1) {
                return false;
            }
        }
        // One word is no reported clause ("said the", "more").
        if b - a < 2 && doc.tokens[a].base != c::QUOTE {
            return false;
        }
        let entry = cue
            .and_then(|(x, y)| (x..y).rev().find_map(|t| doc.tokens[t].cue()))
            .map(|e| &self.inner.lexicon.entries[e as usize]);
        // "told her aides as she worked": after the hearer, a clause of time
        // is no reported clause.
        let after_hearer = cue.is_some_and(|(_, e)| e < a0);
        if after_hearer
            && !opened
            && entry.is_some_and(|e| e.addressee)
            && matches!(first, "as" | "while")
        {
            return false;
        }
        // "pledged to stay", "pledged not to use".
        let infinitive =
            first == "to" || (first == "not" && a + 1 < b && key_among(doc, a + 1, &["to"]));
        if infinitive {
            return entry.is_some_and(|e| e.infinitive);
        }
        // Some verbs report only a that-clause or a quotation: "maintained
        // that ...", not "maintained close ties".
        if let (Some(e), Some((_, k))) = (entry, cue) {
            if e.needs_that && k <= a0 {
                let opened = (k..a).any(|t| matches!(doc.tokens[t].base, c::THAT | c::COLON))
                    || doc.tokens[a].base == c::QUOTE;
                return opened;
            }
        }
        true
    }

    /// The records of `block` before their speakers are named, in text
    /// order: its rules' candidates weighed against each other (see
    /// [`Extractor::candidates`]), then the quotations no rule claimed.
    pub(super) fn drafts(
        &self,
        doc: &Doc<'_>,
        renumbered: &[u8],
        block: &mut Block<'_>,
    ) -> Vec<Draft<'_>> {
        let rules = &self.inner.rules;
        let n = doc.tokens.len();
        // 0 free, 1 speaker or cue of a record, 2 content of a record.
        let used = &mut *block.used;
        let Candidates {
            list: candidates,
            quotes: quote_buf,
        } = self.candidates(
            doc,
            renumbered,
            block.sents.clone(),
            block.quote_tokens.len(),
        );
        // A record or two for each candidate, and one for each quotation.
        let mut drafts: Vec<Draft<'_>> =
            Vec::with_capacity(candidates.len() + block.quote_tokens.len());
        // Accepted attributions: cue, speaker, and the side of the content
        // (-1 before the cue, 1 after it and a comma, 0 otherwise).
        type Span = (usize, usize);
        // A set, so that a long document does not scan all of them for
        // each candidate; made once to its size.
        let mut attributions: HashSet<(Span, Option<Span>, i8)> =
            HashSet::with_capacity_and_hasher(candidates.len(), Default::default());
        for mut cand in candidates {
            // A speaker before its cue whose noun phrase the patterns could
            // not take whole ("families of those hit by the floods said"):
            // from the sentence start, words of a noun phrase and nothing
            // else lead up to it, so the whole run is the subject.
            // Not for a relative pronoun's antecedent ("met the critics who
            // say").
            if let (Some((a, b)), Some((k, _)), None) = (cand.speaker, cand.cue, cand.who) {
                let s0 = doc.sentences[doc.sentence_of(a)].tokens.start;
                let opens = |t: usize| {
                    matches!(
                        doc.tokens[t].base,
                        c::DET | c::QUANT | c::NAME | c::SOURCE | c::WORD | c::NUM
                    )
                };
                let inner = |t: usize| {
                    opens(t) || matches!(doc.tokens[t].base, c::PREP | c::POSS | c::CONJ)
                };
                if b <= k && s0 < a && a - s0 <= 12 && opens(s0) && (s0 + 1..a).all(inner) {
                    cand.speaker = Some((s0, b));
                }
            }
            // "warned about X", "spoke of X": the preposition is the cue's.
            if let (Some((k0, k1)), Some((a, b))) = (cand.cue, cand.content) {
                // Not before a number: "said about 300 people came".
                if a == k1
                    && b > a + 2
                    && doc.tokens[a + 1].base != c::NUM
                    && key_among(doc, a, &["about", "of", "against"])
                {
                    cand.cue = Some((k0, k1 + 1));
                    cand.content = Some((a + 1, b));
                }
            }
            // "the vote was fair, but critics disagree — “Why?” asked Lee": a
            // reported clause ends before a quotation that a colon or a dash
            // sets off and a cue of its own follows.
            if let (Some((a, b)), Some((_, k1))) = (cand.content, cand.cue) {
                if k1 <= a {
                    let cut = (a + 1..b.saturating_sub(1)).find(|&k| {
                        matches!(doc.tokens[k].base, c::COLON | c::DASH)
                            && doc.tokens[k + 1].base == c::QUOTE
                            && (k + 2..b.min(k + 8))
                                .any(|t| matches!(doc.tokens[t].base, c::CUE | c::CUE_TELL))
                    });
                    if let Some(k) = cut.filter(|&k| k >= a + 2) {
                        cand.content = Some((a, k));
                    }
                }
            }
            // "While Lee said the plan works, critics disagree": a cue inside
            // a clause that opens with a subordinator reports only up to the
            // comma that ends that clause; the main clause follows.
            if let (Some((a, b)), Some((k0, k1))) = (cand.content, cand.cue) {
                if k1 <= a {
                    // So does a relative clause on the subject: "Ria Kohl, who
                    // said it would pay, voted no."
                    let subject_relative = cand.who.is_some()
                        && cand.speaker.is_some_and(|(s, _)| {
                            s == doc.sentences[doc.sentence_of(s)].tokens.start
                        });
                    let cut = if subject_relative {
                        clause_comma(doc, a, b)
                    } else {
                        subordinate_end(doc, k0, a, b)
                    };
                    if let Some(k) = cut {
                        cand.content = Some((a, k));
                    }
                }
            }
            let quoted = cand.quotes(&quote_buf);
            let content = cand.content;
            let content_toks = || quoted.iter().map(|&q| (q, q + 1)).chain(content);
            // A token serves one record's content, and a cue one attribution.
            // A participle cue with no speaker of its own opens a clause only
            // after a comma, a dash or a quotation: in "a petition calling on
            // him to resign" it modifies the noun before it.
            if let (None, Some((k, _))) = (cand.speaker, cand.cue) {
                let participle = matches!(doc.tokens[k].base, c::CUE_ING | c::CUE_TELLING);
                // After a source noun it reports what the source says: "a
                // statement saying", "a letter urging".
                let opens = k > 0
                    && matches!(
                        doc.tokens[k - 1].base,
                        c::COMMA
                            | c::DASH
                            | c::QUOTE
                            | c::SEMI
                            | c::LPAREN
                            | c::CONJ
                            | c::AND
                            | c::SOURCE
                    );
                if participle && !opens && k > 0 {
                    continue;
                }
            }
            if let Some((a, b)) = cand.content {
                if !self.content_ok(doc, a, b, cand.cue) {
                    continue;
                }
                if let (Some((k, e)), Some((s, _))) = (cand.cue, cand.speaker) {
                    // After "told" and its kin a noun phrase is the hearer:
                    // in "..., told Radio North" the station said nothing.
                    let entry = (k..e)
                        .rev()
                        .find_map(|t| doc.tokens[t].cue())
                        .map(|x| &self.inner.lexicon.entries[x as usize]);
                    if s >= e && b <= k && entry.is_some_and(|x| x.addressee && !x.inverts) {
                        continue;
                    }
                    // Names alone before ", said" are no reported clause: in
                    // "Lee and her deputy, Ann Berg, said the talks went well"
                    // they are the speakers.
                    let names_only = (a..b).all(|t| {
                        matches!(
                            doc.tokens[t].base,
                            c::NAME | c::AND | c::COMMA | c::DET | c::POSS | c::SOURCE
                        )
                    }) && (a..b).any(|t| doc.tokens[t].base == c::NAME);
                    if s >= e && b <= k && names_only {
                        continue;
                    }
                    // "..., said the early vote is fair": a common noun phrase
                    // after the cue that a verb follows is the subject of what
                    // was said, not the speaker.
                    let after = cand.speaker.map_or(n, |(_, y)| y);
                    if s >= e
                        && b <= k
                        && after < n
                        && matches!(doc.tokens[s].base, c::DET | c::WORD)
                        && matches!(doc.tokens[after].base, c::AUX | c::VERB)
                    {
                        continue;
                    }
                    // "..., she said in a video message.": after a speaker set
                    // off by a comma, a phrase opening with a preposition is
                    // the cue's adverbial; the clause before is the content.
                    if a == e
                        && s > 0
                        && doc.tokens[s - 1].base == c::COMMA
                        && key_among(doc, a, ADVERBIAL_START)
                        && (a..b).all(|t| doc.tokens[t].base != c::THAT)
                    {
                        continue;
                    }
                }
                // "a program called Sandy Hook Promise": naming, not saying.
                let naming = cand
                    .cue
                    .and_then(|(x, y)| (x..y).rev().find_map(|t| doc.tokens[t].cue()))
                    .is_some_and(|e| self.inner.lexicon.entries[e as usize].naming);
                if naming {
                    let name_only = (a..b).enumerate().all(|(i, t)| {
                        matches!(doc.tokens[t].base, c::NAME | c::STOP)
                            || doc.tokens[t].capital
                            || (i == 0 && doc.tokens[t].base == c::DET)
                    });
                    // An indefinite noun right before the cue: "a choir called".
                    let indefinite = cand.cue.is_some_and(|(k, _)| {
                        (k.saturating_sub(3)..k).any(|t| {
                            key_among(doc, t, &["a", "an"])
                                && (t + 1..k).all(|u| {
                                    matches!(doc.tokens[u].base, c::WORD | c::SOURCE | c::NAME)
                                })
                        })
                    });
                    if name_only || indefinite {
                        continue;
                    }
                }
                // "pledged not to use the arms that ...": after an infinitive,
                // "that" opens a relative clause, not this cue's content.
                if let Some((_, e)) = cand
                    .cue
                    .filter(|&(_, e)| e < a && doc.tokens[a - 1].base == c::THAT)
                {
                    let infinitive = (e..a - 1).any(|i| key_among(doc, i, &["to", "not"]));
                    if infinitive {
                        continue;
                    }
                }
            }
            // One attribution may serve the clauses on both of its sides
            // ("If the plan fails, Lee said, the city pays"; "A, according
            // to X, B"): a cue already taken with the same speaker for the
            // clause on the other side, the clause after it set off by a
            // comma.
            let side = |cue: (usize, usize), content: Option<(usize, usize)>| match content {
                Some((a, _)) if a >= cue.1 => {
                    let comma = doc.tokens[a].base == c::COMMA
                        || (a > 0 && doc.tokens[a - 1].base == c::COMMA);
                    if comma {
                        1
                    } else {
                        0
                    }
                }
                Some(_) => -1,
                None => 0,
            };
            let shared = cand.cue.is_some_and(|k| {
                let mine = side(k, cand.content);
                mine != 0 && attributions.contains(&(k, cand.speaker, -mine))
            });
            // "Ann Lee, who said the vote was fair, said she would stay": a
            // relative clause that holds another record's content is left out
            // of this speaker's phrase.
            if let Some((a, b)) = cand.speaker {
                if used[a..b].contains(&2) {
                    let relative = (a + 1..b.saturating_sub(1)).find(|&k| {
                        matches!(doc.tokens[k].base, c::COMMA | c::DASH)
                            && doc.tokens[k + 1].base == c::WHO
                    });
                    if let Some(k) = relative.filter(|&k| !used[a..k].contains(&2)) {
                        cand.speaker = Some((a, k));
                    }
                }
            }
            let clash = content_toks().any(|(a, b)| used[a..b].iter().any(|&u| u != 0))
                || cand.speaker.is_some_and(|(a, b)| used[a..b].contains(&2))
                || (!shared
                    && cand
                        .cue
                        .is_some_and(|(a, b)| used[a..b].iter().any(|&u| u != 0)));
            if clash {
                continue;
            }
            if let Some(k) = cand.cue {
                attributions.insert((k, cand.speaker, side(k, cand.content)));
            }
            for (a, b) in content_toks() {
                used[a..b].iter_mut().for_each(|u| *u = 2);
            }
            for &(a, b) in [cand.speaker, cand.cue].iter().flatten() {
                used[a..b].iter_mut().for_each(|u| *u = (*u).max(1));
            }
            let rule = &rules.rules[cand.rule];
            let inherit = cand.speaker.is_none() && rule.def.inherit_speaker;
            // A speaker named after its cue and after the content runs on with
            // its appositives and relative clauses ("said Ann Lee, 34, a nurse").
            let last_content = quoted
                .iter()
                .map(|&q| q + 1)
                .chain(cand.content.map(|x| x.1))
                .max()
                .unwrap_or(0);
            let mention_end = match (cand.cue, cand.speaker) {
                (Some(cue), Some(sp))
                    if sp.0 >= cue.1
                        && sp.0 >= last_content
                        && last_content <= cue.0
                        && cand.who.is_none() =>
                {
                    Some(speaker_clause_end(doc, sp.0, sp.1))
                }
                // An appositive the rule read as an aside between commas
                // ("Ann Lee, Republican of Ohio, said"): part of the mention.
                // The phrase may have kept the comma after a party label:
                // "Sen. Ann Lee (D-Ohio), a Democrat, said".
                (Some(cue), Some(sp))
                    if sp.1 + 1 < cue.0 && doc.tokens[cue.0 - 1].base == c::COMMA && {
                        let (last, first) = if doc.tokens[sp.1].base == c::COMMA {
                            (sp.1 - 1, sp.1 + 1)
                        } else {
                            (sp.1.saturating_sub(2), sp.1)
                        };
                        first + 1 < cue.0
                            && (first == sp.1 + 1 || doc.tokens[sp.1 - 1].base == c::COMMA)
                            && matches!(doc.tokens[last].base, c::NAME | c::RPAREN)
                            && matches!(
                                doc.tokens[first].base,
                                c::NAME | c::DET | c::QUANT | c::SOURCE | c::NUM
                            )
                    } =>
                {
                    Some(cue.0 - 1)
                }
                _ => None,
            };
            // A record of this candidate: its content span, first token and
            // quote piece.
            let record = |kind, (start, end): (usize, usize), tok, piece, anonymous| Draft {
                kind,
                start,
                end,
                tok,
                speaker: cand.speaker,
                mention_end,
                who: cand.who,
                inherit,
                cue: cand.cue,
                rule: &rule.def.id,
                confidence: rule.def.confidence,
                piece,
                leadin: false,
                anonymous,
            };
            for &q in quoted {
                let piece = doc.tokens[q].quote().map(|p| p as usize);
                let (s, e) = piece.map_or((doc.tokens[q].start(), doc.tokens[q].end()), |p| {
                    doc.quotes[p].content
                });
                drafts.push(record(QuoteKind::Direct, (s, e), q, piece, false));
            }
            if let (Yields::Speaker, Some(sp)) = (rule.def.yields, cand.speaker) {
                drafts.push(Draft {
                    kind: QuoteKind::Direct,
                    start: doc.tokens[sp.0].start(),
                    end: doc.tokens[sp.0].start(),
                    tok: sp.0,
                    speaker: cand.speaker,
                    mention_end: None,
                    who: None,
                    inherit: false,
                    cue: cand.cue,
                    rule: &rule.def.id,
                    confidence: rule.def.confidence,
                    piece: None,
                    leadin: true,
                    anonymous: false,
                });
            }
            if let Some((mut a, mut b)) = cand.content {
                while a < b && matches!(doc.tokens[a].base, c::THAT | c::COMMA | c::COLON | c::DASH)
                {
                    a += 1;
                }
                // "said in a statement that ...", "warned voters that ...":
                // an adverbial or a hearer between the cue and "that" is no
                // part of the content.
                if cand.cue.is_some_and(|(_, k)| k == a) {
                    let that = (a + 1..b.min(a + 9)).find(|&t| doc.tokens[t].base == c::THAT);
                    if let Some(t) = that {
                        let plain = (a..t).all(|i| {
                            !matches!(
                                doc.tokens[i].base,
                                c::COMMA | c::QUOTE | c::CUE | c::CUE_TELL | c::VERB | c::AUX
                            )
                        });
                        let hearer = t - a <= 3
                            && (doc.tokens[t - 1].base == c::SOURCE
                                || key_among(doc, t - 1, &["him", "her", "them", "us", "me"]));
                        let adverbial = || key_among(doc, a, ADVERBIAL_START);
                        if plain && (hearer || adverbial()) && b - t > 2 {
                            a = t + 1;
                        }
                    }
                }
                // "asked whether the ferry runs": the question word opens
                // the reported question.
                if cand.cue.is_some_and(|(_, k)| k < a) && key_among(doc, a - 1, QUESTION_WORDS) {
                    a -= 1;
                }
                // "said Monday that ...", "told reporters on Monday the ...": a
                // time right after the cue or its hearer is the cue's, not the
                // content's.
                if cand.cue.is_some_and(|(_, k)| k <= a) {
                    let mut t = a;
                    if t < b && doc.tokens[t].base == c::CONJ && doc.tok_text(t) == "on" {
                        t += 1;
                    }
                    // Not with "'s": "said Monday's vote was fair".
                    let possessive = t + 1 < b && doc.tokens[t + 1].possessive_s();
                    if t < b && doc.tokens[t].base == c::TIME && !possessive {
                        t += 1;
                        if t < b && doc.tokens[t].base == c::WORD && b - t > 3 {
                            t += 1;
                        }
                        while t < b && matches!(doc.tokens[t].base, c::THAT | c::COMMA) {
                            t += 1;
                        }
                        if b - t >= 2 {
                            a = t;
                        }
                    }
                }
                while b > a
                    && matches!(
                        doc.tokens[b - 1].base,
                        c::COMMA | c::COLON | c::DASH | c::STOP
                    )
                {
                    b -= 1;
                }
                // "Then she turned to the board: “We are done,” she said.":
                // a quotation set off by a colon or a dash from the words
                // before it, with the cue after it, is the record alone.
                if b >= a + 3
                    && doc.tokens[b - 1].base == c::QUOTE
                    && matches!(doc.tokens[b - 2].base, c::COLON | c::DASH)
                    && cand.cue.is_some_and(|(k, _)| k >= b)
                {
                    a = b - 1;
                }
                if a < b {
                    let mixed = (a..b).any(|i| doc.tokens[i].base == c::QUOTE);
                    // Content that is one quotation and nothing else is direct.
                    let piece = (b == a + 1)
                        .then(|| doc.tokens[a].quote())
                        .flatten()
                        .map(|p| p as usize);
                    let (s, e) = piece.map_or_else(|| doc.span(a, b), |p| doc.quotes[p].content);
                    let kind = match (piece, mixed) {
                        (Some(_), _) => QuoteKind::Direct,
                        (None, true) => QuoteKind::Mixed,
                        (None, false) => QuoteKind::Indirect,
                    };
                    let anonymous = cand.speaker.is_none() && !rule.def.inherit_speaker;
                    drafts.push(record(kind, (s, e), a, piece, anonymous));
                }
            }
        }
        // Quotations no rule claimed: continuations, follow-ups and orphans.
        // The draft that holds each quote piece, so a continuation finds its
        // draft at once.
        // (Only the block's pieces are looked up: no quotation over several
        // paragraphs crosses from one block to the next.)
        let draft_of_piece = &mut *block.draft_of_piece;
        for (k, d) in drafts.iter().enumerate() {
            if let Some(x) = d.piece.filter(|&x| x < doc.quotes.len()) {
                draft_of_piece[x].get_or_insert(k);
            }
        }
        for &(i, p) in block.quote_tokens {
            if doc.tokens[i].base != c::QUOTE || used[i] != 0 {
                continue;
            }
            let piece = doc.quotes[p];
            if piece.continues && p > 0 {
                if let Some(d) = draft_of_piece[p - 1].map(|k| &mut drafts[k]) {
                    d.end = piece.content.1;
                    d.piece = Some(p);
                    draft_of_piece[p] = draft_of_piece[p - 1];
                    continue;
                }
            }
            let si = doc.sentence_of(i);
            let s = &doc.sentences[si];
            let first = (s.tokens.start..i)
                .all(|j| matches!(doc.tokens[j].base, c::CONJ | c::AND | c::DASH | c::LPAREN));
            let alone =
                (i + 1..s.tokens.end).all(|j| matches!(doc.tokens[j].base, c::STOP | c::RPAREN));
            // A quotation that opens its sentence is kept even when the cue
            // after it could not be parsed with its speaker; followed by other
            // words and no cue, it is a title or a scare quote.
            let cue_after = (i + 1..s.tokens.end.min(i + 8))
                .any(|j| matches!(doc.tokens[j].base, c::CUE | c::CUE_TELL));
            let speaker_verb = if first && !alone {
                self.speaker_then_verb(doc, i, s.tokens.end)
            } else {
                None
            };
            if !(first && (alone || cue_after || speaker_verb.is_some())) {
                continue;
            }
            // A short phrase in marks that makes a paragraph of its own and
            // reads as no sentence (`is_heading`) is a heading ("‘A change
            // warrior.’"), not a quotation ("“We need rain.”").
            let own_paragraph = alone
                && (si == 0 || doc.sentences[si - 1].para != s.para)
                && doc.sentences.get(si + 1).map_or(true, |n| n.para != s.para);
            if own_paragraph
                && piece.closed
                && self.is_heading(&doc.text[piece.content.0..piece.content.1])
            {
                continue;
            }
            draft_of_piece[p] = Some(drafts.len());
            // Its own speaker, when a signature or a speaker with an unlisted
            // verb names one; else, alone in its sentence, it follows up the
            // previous speaker; with words after it, its own attribution is
            // there but unparsed, and the previous speaker is a weaker guess.
            let own = alone
                .then(|| self.byline_after(doc, si))
                .flatten()
                .map(|sp| (sp, None, RULE_QUOTE_DASH, 0.7))
                .or(speaker_verb.map(|(sp, v)| {
                    // A verb from the lexicon is the cue.
                    let cue =
                        matches!(doc.tokens[v].base, c::CUE | c::CUE_TELL).then_some((v, v + 1));
                    (sp, cue, RULE_SPEAKER_VERB, 0.5)
                }));
            let (speaker, cue, rule, confidence) = match own {
                Some((sp, cue, rule, conf)) => (Some(sp), cue, rule, conf),
                None => (None, None, RULE_FOLLOW_UP, if alone { 0.6 } else { 0.4 }),
            };
            drafts.push(Draft {
                kind: QuoteKind::Direct,
                start: piece.content.0,
                end: piece.content.1,
                tok: i,
                speaker,
                mention_end: None,
                who: None,
                inherit: speaker.is_none(),
                cue,
                rule,
                confidence,
                piece: Some(p),
                leadin: false,
                anonymous: false,
            });
        }
        // A quotation over several paragraphs is one record: a piece a rule
        // claimed ("“... ,” Lee added.") takes in the pieces before it that
        // it continues, and the records those made with no cue of their own
        // go.
        let mut gone = vec![false; drafts.len()];
        for k in 0..drafts.len() {
            let Some(p) = drafts[k].piece.filter(|&p| p < doc.quotes.len()) else {
                continue;
            };
            if drafts[k].cue.is_none() || !doc.quotes[p].continues {
                continue;
            }
            let mut first = p;
            while first > 0 && doc.quotes[first].continues {
                first -= 1;
            }
            let others: Vec<usize> = (first..p)
                .filter_map(|x| draft_of_piece[x])
                .filter(|&o| o != k)
                .collect();
            if others.iter().any(|&o| drafts[o].cue.is_some()) {
                continue;
            }
            others.iter().for_each(|&o| gone[o] = true);
            drafts[k].start = doc.quotes[first].content.0;
        }
        let mut k = 0;
        drafts.retain(|_| {
            k += 1;
            !gone[k - 1]
        });
        drafts.sort_by_key(|d| (d.start, d.end));
        drafts
    }
}

/// The tokens of the quotation pieces, in order, with their pieces. Each
/// piece is one token, which starts at its opening mark: found by its
/// start, or, where that fails (a mark inside a word), by a scan of all
/// the tokens.
pub(super) fn quote_tokens(doc: &Doc<'_>) -> Vec<(usize, usize)> {
    let mut out = Vec::with_capacity(doc.quotes.len());
    for (p, q) in doc.quotes.iter().enumerate() {
        // The pieces come in text order, so each search starts after the
        // token of the one before.
        let from: usize = out.last().map_or(0, |&(last, _)| last + 1);
        let before = from
            .checked_sub(1)
            .map_or(true, |k| doc.tokens[k].start() < q.open);
        let i = gallop(&doc.tokens, from, |t| t.start() < q.open);
        let found = doc.tokens.get(i).and_then(|t| t.quote()) == Some(p as u32);
        if !found || !before {
            return (doc.tokens.iter().enumerate())
                .filter_map(|(i, t)| Some((i, t.quote()? as usize)))
                .collect();
        }
        out.push((i, p));
    }
    out
}

/// The index where `before` turns false in `items[from..]` (whose items
/// it holds for first and then not), as `from` plus `partition_point` on
/// that slice would give: a galloping search, whose cost grows with the
/// distance walked rather than with the slice, so that a walk through a
/// long document reads its tokens near where it is.
fn gallop<T>(items: &[T], from: usize, before: impl Fn(&T) -> bool) -> usize {
    let (mut lo, mut hi, mut step) = (from, from, 1);
    while hi < items.len() && before(&items[hi]) {
        lo = hi + 1;
        hi += step;
        step *= 2;
    }
    let hi = hi.min(items.len());
    lo + items[lo..hi].partition_point(before)
}

/// Where the noun phrase of a speaker named after its cue ends, with its
/// appositives and relative clauses: at the end of the sentence, or before a
/// quotation or a participle clause.
fn speaker_clause_end(doc: &Doc<'_>, start_np: usize, mut end: usize) -> usize {
    let s = &doc.sentences[doc.sentence_of(end.saturating_sub(1))];
    // The phrase runs on after a comma ("said Ann Lee, 34, a nurse"), and
    // after an appositive also through its "of" phrase ("said Ann Lee, Democrat
    // of Ohio and a former mayor").
    let appositive = (start_np..end).any(|i| doc.tokens[i].base == c::COMMA);
    if end >= s.tokens.end {
        return end;
    }
    let next = doc.tokens[end].base;
    // An appositive runs on through its complement ("Ann Lee, an expert on
    // tides", "Ann Lee, adviser to the mayor"); a description through the
    // words that tell which one it is, up to a comma ("a source involved in
    // the talks", "one official close to the mayor", "the authors of the
    // report").
    let description = matches!(doc.tokens[start_np].base, c::DET | c::QUANT)
        || key_among(doc, start_np, &["the", "a", "an"]);
    let complement = matches!(next, c::PREP | c::CONJ | c::WORD | c::SOURCE);
    let description_on = description
        && !appositive
        && (next == c::WORD || key_among(doc, end, &["of", "to", "from", "with"]));
    let runs_on = matches!(next, c::COMMA | c::WHO) || appositive && complement || description_on;
    // "A, according to Ann Lee, is slowing": after the comma a verb goes on
    // with the clause, not with the speaker's phrase.
    let clause_on = next == c::COMMA
        && doc
            .tokens
            .get(end + 1)
            .is_some_and(|t| matches!(t.base, c::VERB | c::AUX | c::CUE | c::CUE_TELL | c::THAT));
    if !runs_on || clause_on {
        return end;
    }
    let stop_at_comma = description_on;
    let start = end;
    let mut i = end;
    while i < s.tokens.end {
        let b = doc.tokens[i].base;
        if matches!(b, c::CUE | c::CUE_TELL) {
            // "said Ann Lee, who added that ...": that clause is a record's own.
            return start;
        }
        // A short quotation is a title inside the phrase ("the authors of
        // the “Growth Report,”"); a longer one is a record's own.
        let title = b == c::QUOTE
            && doc.tokens[i].quote().is_some_and(|p| {
                let (qs, qe) = doc.quotes[p as usize].content;
                doc.text[qs..qe].split_whitespace().count() <= 6
            });
        if matches!(
            b,
            c::STOP | c::SEMI | c::QUOTE | c::CUE_ING | c::CUE_TELLING | c::COLON | c::DASH
        ) && !title
            || stop_at_comma && b == c::COMMA
        {
            break;
        }
        if b != c::COMMA {
            end = i + 1;
        }
        // A title closed by a comma inside its marks closes the phrase.
        if title
            && stop_at_comma
            && doc
                .tok_text(i)
                .trim_end_matches(['”', '"', '’', '\''])
                .ends_with(',')
        {
            break;
        }
        i += 1;
    }
    end
}

/// Where a reported clause that starts at `a` (and ends before `b`) ends,
/// when its cue at `k` stands in a subordinate clause that opens the
/// sentence ("Although Lee said ..., ..."): at the first comma after two
/// words of content, outside quotation marks. `None` when the sentence does
/// not open with a subordinator, or a comma stands between it and the cue
/// (the subordinate clause ended before: "While in Oslo, Lee said ...").
fn subordinate_end(doc: &Doc<'_>, k: usize, a: usize, b: usize) -> Option<usize> {
    let s0 = doc.sentences[doc.sentence_of(k)].tokens.start;
    let mut t = s0;
    // A conjunction may come first: "But while ...".
    if t < k && key_among(doc, t, &["but", "and", "yet"]) {
        t += 1;
    }
    let opens = token_key(doc, t, |first| match first {
        "although" | "though" | "while" | "whereas" | "unless" | "because" | "since" | "if"
        | "when" | "once" => true,
        "even" => t + 1 < k && key_among(doc, t + 1, &["though", "as", "if", "when"]),
        _ => false,
    });
    if !opens || (t..k).any(|u| matches!(doc.tokens[u].base, c::COMMA | c::QUOTE)) {
        return None;
    }
    clause_comma(doc, a, b)
}

/// The first comma in `a..b` after two words, outside quotation marks.
fn clause_comma(doc: &Doc<'_>, a: usize, b: usize) -> Option<usize> {
    let mut inside = false;
    for u in a..b {
        match doc.tokens[u].base {
            c::QUOTE => inside = !inside,
            c::COMMA if !inside && u >= a + 2 => return Some(u),
            _ => {}
        }
    }
    None
}

/// Words that open a reported question: "asked whether ...".
const QUESTION_WORDS: &[&str] = &[
    "whether", "if", "how", "why", "what", "which", "who", "when", "where",
];

/// Prepositions and time words that open an adverbial, not a reported
/// clause: "said on Monday", "said in a statement".
const ADVERBIAL_START: &[&str] = &[
    "on",
    "in",
    "at",
    "during",
    "after",
    "before",
    "with",
    "by",
    "from",
    "over",
    "under",
    "into",
    "without",
    "against",
    "between",
    "through",
    "of",
    "for",
    "last",
    "earlier",
    "later",
    "yesterday",
    "today",
    "tonight",
    "ago",
    "again",
    "afterward",
    "afterwards",
    "recently",
    "repeatedly",
    "privately",
    "publicly",
    "more",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gallop_finds_what_partition_point_finds() {
        for n in 0..40usize {
            let items: Vec<usize> = (0..n).map(|i| 3 * i).collect();
            for pos in 0..3 * n + 2 {
                let want = items.partition_point(|&x| x < pos);
                for from in 0..=want {
                    assert_eq!(
                        gallop(&items, from, |&x| x < pos),
                        want,
                        "n {n} pos {pos} from {from}"
                    );
                }
            }
        }
    }

    /// Blocks open only at a paragraph, once the block before is big
    /// enough, and never inside a quotation over several paragraphs.
    #[test]
    fn blocks_open_between_paragraphs_outside_quotations() {
        let ex = Extractor::new();
        let text = "Ola Berg spoke. She left.\n\n“One part.\n\n“Two parts,” he said.\n\n\
                    The end.\n\nMore text here.";
        let doc = ex.doc_of(text);
        let paras: Vec<usize> = doc.sentences.iter().map(|s| s.para).collect();
        assert_eq!(paras, [0, 0, 1, 2, 3, 4]);
        // A block at every paragraph but the one that goes on with a
        // quotation.
        assert_eq!(blocks(&doc, 1), [0..2, 2..4, 4..5, 5..6]);
        // Blocks of 6 tokens or more, the last too: "Ola Berg spoke. She
        // left." has 6; a quotation piece is one token, so the next block
        // reaches 6 only with "The end.", and "More text here." (4) is too
        // short to be one.
        assert_eq!(blocks(&doc, 6), [0..2, 2..6]);
        // A text of fewer than twice the size is one block.
        for size in [doc.tokens.len(), usize::MAX] {
            let one = blocks(&doc, size);
            assert_eq!((one.len(), one[0].clone()), (1, 0..6));
        }
    }
}
