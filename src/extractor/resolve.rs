//! Stage 4c: drafts to records. Names the speakers of the drafts, block after
//! block, with coreference running over the whole text, and makes the records.

use super::*;

impl Extractor {
    /// The leftmost-first matches of the subject pattern in `classes` (the
    /// class bytes of tokens), in order, as the regex's `find_iter` finds
    /// them, put in `out`; `renumbered` is `classes` in the rules'
    /// alphabet. Each match is the first from where the one before ends:
    /// an anchored search from each byte a match can start with (see
    /// [`StartSearch`]) finds it with a lazy DFA of fewer and smaller
    /// states than the unanchored search forward and then in reverse, which
    /// is searched only if the lazy DFA gives up.
    pub(super) fn subject_phrases<'o>(
        &self,
        classes: &[u8],
        renumbered: &[u8],
        out: &'o mut Vec<(usize, usize)>,
    ) -> &'o [(usize, usize)] {
        out.clear();
        let mut cache = self.inner.subject_caches.get();
        let mut at = 0;
        while at < renumbered.len() {
            match self
                .inner
                .subject_starts
                .find_at(&mut cache, renumbered, at)
            {
                // The pattern matches no empty string, so the next search
                // starts where this match ends.
                Ok(Some((a, b))) if a < b => {
                    out.push((a, b));
                    at = b;
                }
                Ok(None) => return out,
                _ => {
                    out.clear();
                    if let Some(re) = self.subject() {
                        out.extend(re.find_iter(classes).map(|m| (m.start(), m.end())));
                    }
                    return out;
                }
            }
        }
        out
    }

    /// Names the speakers of the drafts that `next_block` gives, block
    /// after block in text order (each block's drafts in text order), and
    /// makes the records; `renumbered` is `doc.hay` in the rules' alphabet.
    /// The analysis lists the speakers only when `want_speakers`.
    ///
    /// Coreference runs over the whole text, one block after another: the
    /// registry sees every mention in text order as for one block of all,
    /// and the records get their speakers' names and roles once the last
    /// block is done.
    pub(super) fn resolve<'t, 'r>(
        &'r self,
        doc: &Doc<'t>,
        renumbered: &[u8],
        mut next_block: impl FnMut() -> Option<(Range<usize>, Vec<Draft<'r>>)>,
        want_speakers: bool,
    ) -> Analysis {
        let lex = &self.inner.lexicon;
        // The subject phrases of a sentence, kept for the next.
        let mut subjects = Vec::new();
        // Coreference sees every mention in text order, a speaker's before a
        // name's at the same offset. Name mentions come in text order from the
        // search below and are linked as they come, so they are never all
        // held at once; the speakers' (one per record) are sorted first.
        let mut events: Vec<(usize, usize, Mention)> = Vec::new();
        let mut pooled = self.inner.registries.get();
        let ResolveBuffers {
            registry,
            flags,
            spoken: mut speaker_toks,
            mut linked,
            mut entity_at,
            mut parts,
            mut order,
            mut index_of,
        } = std::mem::take(&mut *pooled);
        // Made at the first block, sized for it (one block of all for an
        // article).
        let mut registry = Some(registry);
        let mut reg: Option<Registry<'t>> = None;
        let mut words = speaker::Words::with_flags(doc, &self.inner.word_kinds, flags);
        speaker_toks.clear();
        speaker_toks.resize(doc.tokens.len(), false);
        // The entity of each draft's speaker and the span of its mention.
        linked.clear();
        entity_at.clear();
        // The phrase analysed last and what it gave: records that inherit
        // their speaker, and those that share one ("A, officials said,
        // B"), come one after another with the same phrase.
        let mut last: Option<((usize, usize), Mention)> = None;
        // The speaker mentions not linked yet are `events[next_speaker..]`
        // (read in place: a mention is large, and most calls below link
        // none).
        let mut next_speaker = 0;
        // The last drafts of the block before (whose speakers the next
        // block's drafts may inherit), then those of this one; `base` is the
        // number of the first among all the text's drafts.
        let mut drafts: Vec<Draft<'r>> = Vec::new();
        let mut base = 0;
        let mut quotes = Vec::new();
        // The draft of each record.
        let mut draft_of_quote = Vec::new();
        let hay = &doc.hay[..];
        let starts = &self.inner.np_starts;
        let mut np_cache = self.inner.np_caches.get();
        while let Some((sents, new)) = next_block() {
            // `drafts` holds the end of the block before's (numbered from
            // `base`), then this block's.
            let from = drafts.len();
            if from == 0 {
                drafts = new;
            } else {
                drafts.extend(new);
            }
            // Inherited speakers: participle clauses take the latest speaker
            // in their sentence, or the sentence's subject; follow-ups take
            // the previous record's speaker in this or the previous
            // paragraph.
            for i in from..drafts.len() {
                if !drafts[i].inherit {
                    continue;
                }
                let tok = drafts[i].tok;
                let si = doc.sentence_of(tok);
                let para = doc.sentences[si].para;
                let follow = drafts[i].cue.is_none();
                // Drafts are in text order, so when the one just before does
                // not qualify, no earlier one does: look at that one alone
                // (linear). A question with no speaker of its own ("Asked
                // whether ...") does not break a chain of follow-ups.
                let before = i.checked_sub(1).map(|j| {
                    if drafts[j].anonymous && j > 0 {
                        j - 1
                    } else {
                        j
                    }
                });
                let prev = before.filter(|&j| {
                    let pj = doc.sentences[doc.sentence_of(drafts[j].tok)].para;
                    if follow {
                        pj + 1 >= para
                    } else {
                        doc.sentence_of(drafts[j].tok) == si
                    }
                });
                // A follow-up quotation continues the quotation before it:
                // when the sentence of the previous record also holds
                // reported speech of someone else ("“...,” Ann said, after Bo
                // said that ..."), the speaker of its latest quotation is
                // kept.
                let prev = prev.map(|j| {
                    if !follow || drafts[j].kind == QuoteKind::Direct {
                        return j;
                    }
                    let sj = doc.sentence_of(drafts[j].tok);
                    (0..j)
                        .rev()
                        .take_while(|&k| doc.sentence_of(drafts[k].tok) == sj)
                        .find(|&k| {
                            drafts[k].kind == QuoteKind::Direct && drafts[k].speaker.is_some()
                        })
                        .unwrap_or(j)
                });
                if let Some(j) = prev {
                    drafts[i].speaker = drafts[j].speaker;
                    drafts[i].mention_end = drafts[j].mention_end;
                    drafts[i].who = drafts[j].who;
                    if drafts[j].leadin {
                        drafts[i].rule = drafts[j].rule;
                        drafts[i].confidence = drafts[j].confidence;
                        drafts[i].cue = drafts[j].cue;
                    }
                    if follow && drafts[j].speaker.is_none() {
                        drafts[i].rule = RULE_ORPHAN;
                        drafts[i].confidence = 0.3;
                    }
                    continue;
                }
                if !follow {
                    // The subject of the sentence.
                    let s = &doc.sentences[si];
                    let hay = &doc.classes[s.tokens.start..tok];
                    // The last noun phrase that opens the sentence or follows
                    // a comma and is not itself followed by one. Failing
                    // that, the noun phrase that opens the sentence even when
                    // an appositive follows it ("Ann Lee, the treasurer, has
                    // rejected the label, noting ..."). The sentence's bytes
                    // in `renumbered`: after its separator(s).
                    let h0 = s.tokens.start + 2 * si + 1;
                    let phrases =
                        self.subject_phrases(hay, &renumbered[h0..h0 + hay.len()], &mut subjects);
                    let subject = phrases
                        .iter()
                        .rev()
                        .find(|&&(k, e)| {
                            // After a comma, a dash, a semicolon, or ", and" /
                            // ", but" that opens a clause of its own.
                            let opens = k == 0
                                || matches!(hay[k - 1], c::COMMA | c::DASH | c::SEMI)
                                || (k >= 2 && hay[k - 1] == c::AND && hay[k - 2] == c::COMMA);
                            opens && hay.get(e).is_some_and(|&b| b != c::COMMA && b != c::STOP)
                        })
                        .or_else(|| phrases.first().filter(|m| m.0 == 0));
                    if let Some(&(a, b)) = subject {
                        drafts[i].speaker = Some((s.tokens.start + a, s.tokens.start + b));
                    }
                } else {
                    drafts[i].rule = RULE_ORPHAN;
                    drafts[i].confidence = 0.3;
                }
            }
            let reg = reg.get_or_insert_with(|| {
                let buffers = registry.take().unwrap_or_default();
                let mut r = Registry::with_buffers(buffers, doc.sentences.len() + drafts.len());
                r.keep_mentions = want_speakers;
                r
            });
            linked.resize(base + drafts.len(), None);
            // The block's speaker mentions join those not linked yet, all in
            // text order (a speaker may stand in a later block: a signature
            // line after the quotation).
            events.drain(..next_speaker);
            next_speaker = 0;
            events.reserve(drafts.len() - from);
            for (i, d) in drafts.iter().enumerate().skip(from) {
                if let Some((a, b)) = d.speaker {
                    let mut m = match &last {
                        Some((ab, m)) if *ab == (a, b) => m.clone(),
                        _ => {
                            let m = speaker::analyze(doc, lex, &mut words, a, b);
                            last = Some(((a, b), m.clone()));
                            m
                        }
                    };
                    if m.name.trim().is_empty() || m.span.0 >= m.span.1 {
                        // Nothing to name: no speaker rather than an empty one.
                        continue;
                    }
                    if let Some(w) = d.who {
                        m.span = (doc.tokens[w].start(), doc.tokens[w].end());
                    } else if let Some(e) = d.mention_end.filter(|&e| e > b) {
                        m.span.1 = doc.tokens[e - 1].end();
                    }
                    speaker_toks[a..b].iter_mut().for_each(|x| *x = true);
                    events.push((doc.tokens[a].start(), base + i, m));
                }
            }
            events.sort_by_key(|(p, _, _)| *p);
            // Links the speaker mentions up to byte `upto`. One mention that
            // serves two records ("A, officials said, B") is one speaker:
            // its entity is looked up, not made twice.
            let mut link_speakers = |reg: &mut Registry<'t>, upto: usize| {
                while let Some((pos, i, m)) = events.get(next_speaker).filter(|e| e.0 <= upto) {
                    next_speaker += 1;
                    let e = *entity_at
                        .entry(m.span)
                        .or_insert_with(|| reg.observe(m, *pos));
                    linked[*i] = Some((e, m.span));
                }
            };
            // Only a phrase with a name in it is a mention, and no phrase
            // crosses a sentence (the pattern never takes the separator, nor
            // looks around): each sentence that holds a name is searched on
            // its own, from its start (where a search from before it finds
            // its first phrase too) and only until the phrases can no longer
            // hold its last name. A phrase that starts after the last name
            // holds none, nor does any after it, so what is left out is
            // never a mention; the phrases found are the ones a search of
            // the whole text finds. A name in a speaker's phrase counts for
            // none: a phrase that holds it overlaps the speaker's and is no
            // mention, so the search stops at the last name outside the
            // speakers' phrases, and a sentence with no such name is not
            // searched at all.
            for (i, s) in doc.sentences[sents.clone()].iter().enumerate() {
                let i = sents.start + i;
                // The sentence's bytes in `hay`: after its separator(s).
                let h0 = s.tokens.start + 2 * i + 1;
                let h1 = h0 + s.tokens.len();
                let Some(last) = doc.tokens[s.tokens.clone()]
                    .iter()
                    .zip(&speaker_toks[s.tokens.clone()])
                    .rposition(|(t, &spoken)| t.base == c::NAME && !spoken)
                    .map(|k| h0 + k)
                else {
                    continue;
                };
                let mut at = h0;
                while at <= last {
                    // The regex crate's search if the lazy DFA gives up.
                    let found = match starts.find_at(&mut np_cache, &renumbered[..h1], at) {
                        Ok(m) => m,
                        Err(()) => self
                            .np()
                            .find_at(&hay[..h1], at)
                            .map(|m| (m.start(), m.end())),
                    };
                    let Some((ma, mb)) = found.filter(|m| m.0 <= last) else {
                        break;
                    };
                    at = mb.max(at + 1);
                    let (a, b) = (doc.hay_tok[ma] as usize, doc.hay_tok[mb - 1] as usize + 1);
                    if speaker_toks[a..b].iter().any(|&x| x)
                        || !(a..b).any(|i| doc.tokens[i].base == c::NAME)
                    {
                        continue;
                    }
                    let subject = ma == 0 || matches!(hay[ma - 1], c::COMMA | c::SEP);
                    // "Ann Lee and Bo Dahl": each name is a mention of its own.
                    parts.clear();
                    if !(a..b).any(|i| doc.tokens[i].base == c::AND) {
                        parts.push((a, b));
                    } else {
                        let mut p0 = a;
                        for i in a..=b {
                            if i == b || matches!(doc.tokens[i].base, c::AND | c::COMMA) {
                                if p0 < i {
                                    parts.push((p0, i));
                                }
                                p0 = i + 1;
                            }
                        }
                    }
                    for &(pa, pb) in &parts {
                        if !(pa..pb).any(|i| doc.tokens[i].base == c::NAME) {
                            continue;
                        }
                        let mut men = speaker::analyze(doc, lex, &mut words, pa, pb);
                        men.subject = subject;
                        let pos = doc.tokens[pa].start();
                        link_speakers(reg, pos);
                        reg.observe(&men, pos);
                    }
                }
            }
            // The block's records, their speakers named once all are known.
            quotes.reserve(drafts.len() - from);
            draft_of_quote.reserve(drafts.len() - from);
            for (i, d) in drafts.iter().enumerate().skip(from) {
                if d.leadin {
                    continue;
                }
                let cue = d.cue.map(|(a, b)| {
                    let (s, e) = doc.span(a, b);
                    let entry = (a..b)
                        .rev()
                        .find_map(|t| doc.tokens[t].cue())
                        .map(|x| &lex.entries[x as usize]);
                    Cue {
                        text: doc.text[s..e].to_string(),
                        lemma: entry.map_or_else(String::new, |e| e.lemma.clone()),
                        start: s,
                        end: e,
                        class: entry.map_or(CueClass::Speech, |e| e.class),
                    }
                });
                draft_of_quote.push(base + i);
                quotes.push(Quote {
                    kind: d.kind,
                    start: d.start,
                    end: d.end,
                    text: doc.text[d.start..d.end].to_string(),
                    speaker: None,
                    cue,
                    rule: d.rule.to_string(),
                    confidence: d.confidence,
                });
            }
            // What the next block's drafts may inherit from: the last two
            // drafts (one before a question with no speaker) and the others
            // of their sentences.
            let keep = match drafts.len().checked_sub(2) {
                Some(k) => {
                    let s = doc.sentence_of(drafts[k].tok);
                    (0..k)
                        .rev()
                        .take_while(|&j| doc.sentence_of(drafts[j].tok) >= s)
                        .last()
                        .unwrap_or(k)
                }
                None => 0,
            };
            base += keep;
            drafts.drain(..keep);
        }
        // Grown block by block, the list may have room for twice its
        // records: it is handed over with little more than it holds.
        if quotes.capacity() - quotes.len() > quotes.len() / 8 {
            quotes.shrink_to_fit();
        }
        let mut reg = reg.unwrap_or_else(|| {
            // No block at all.
            let buffers = registry.take().unwrap_or_default();
            let mut r = Registry::with_buffers(buffers, doc.sentences.len());
            r.keep_mentions = want_speakers;
            r
        });
        // The speaker mentions after the last name.
        for (pos, i, m) in events.drain(next_speaker..) {
            let e = *entity_at
                .entry(m.span)
                .or_insert_with(|| reg.observe(&m, pos));
            linked[i] = Some((e, m.span));
        }
        // Speakers: entities with quotes, in order of first mention.
        // Distinct entities first, so each entity's mentions are scanned once.
        // Lead-ins name speakers but are no records.
        order.clear();
        order.extend(
            draft_of_quote
                .iter()
                .filter_map(|&i| linked[i].map(|(e, _)| e)),
        );
        order.sort_unstable();
        order.dedup();
        order.sort_by_key(|&e| reg.entities[e].first);
        // Entities without quotes have no index.
        index_of.clear();
        index_of.resize(reg.entities.len(), usize::MAX);
        for (idx, &e) in order.iter().enumerate() {
            index_of[e] = idx;
        }
        let mut speakers: Vec<Speaker> = Vec::new();
        if want_speakers {
            // How many mentions each speaker has, so that its list of them
            // is allocated once.
            let mut counts = vec![0; order.len()];
            for &(e, _) in &reg.mentions {
                if let Some(n) = counts.get_mut(index_of[e]) {
                    *n += 1;
                }
            }
            speakers = order
                .iter()
                .zip(&counts)
                .map(|(&e, &n)| {
                    let en = &reg.entities[e];
                    Speaker {
                        name: clean_name(en.name),
                        role: en.role.map(str::to_string),
                        kind: en.kind,
                        mentions: Vec::with_capacity(n),
                        quotes: 0,
                    }
                })
                .collect();
            // Each speaker's mentions in text order, each once.
            for &(e, (a, b)) in &reg.mentions {
                if let Some(sp) = speakers.get_mut(index_of[e]) {
                    sp.mentions.push(crate::Span::new(a, b));
                }
            }
            for sp in &mut speakers {
                sp.mentions.sort();
                sp.mentions.dedup();
            }
        }
        for (q, &i) in quotes.iter_mut().zip(&draft_of_quote) {
            // A mention is always linked to an entity.
            q.speaker = linked[i].map(|(e, span)| {
                let index = index_of[e];
                // Without the list of speakers, what a speaker would hold
                // is read off its entity.
                let (name, role, kind) = match speakers.get_mut(index) {
                    Some(sp) => {
                        sp.quotes += 1;
                        (sp.name.clone(), sp.role.clone(), sp.kind)
                    }
                    None => {
                        let en = &reg.entities[e];
                        (clean_name(en.name), en.role.map(str::to_string), en.kind)
                    }
                };
                SpeakerRef {
                    name,
                    mention: doc.text[span.0..span.1].to_string(),
                    start: span.0,
                    end: span.1,
                    role,
                    kind,
                    index,
                }
            });
        }
        // Kept for the next document, unless this one was so long that
        // they would hold memory in proportion to it.
        let keep = doc.tokens.len() <= KEEP_TOKENS;
        *pooled = if !keep {
            ResolveBuffers::default()
        } else {
            ResolveBuffers {
                registry: reg.into_buffers(),
                flags: words.into_flags(),
                spoken: speaker_toks,
                linked,
                entity_at,
                parts,
                order,
                index_of,
            }
        };
        Analysis { quotes, speakers }
    }
}

/// `name` as a speaker's name: trimmed, without a leading article.
fn clean_name(name: &str) -> String {
    let t = name.trim();
    // Only a name that opens with "t", "T", "a" or "A" can open with an
    // article.
    if matches!(t.as_bytes().first(), Some(b't' | b'T' | b'a' | b'A')) {
        for art in ["the ", "The ", "a ", "A ", "an ", "An "] {
            if let Some(rest) = t.strip_prefix(art) {
                return rest.to_string();
            }
        }
    }
    t.to_string()
}
