/*!
Dates: temporal expressions found and normalized to TIMEX3 values (issue 4).

Two phases, as in HeidelTime. (1) Per sentence, the rules of `gazetteers/rules/dates.rules`
propose candidates with *pending* values ([`normalize::Pending`]); overlaps are settled by the
policy in [`select`] (longest span, then earlier rule) and negative rules (`REMOVE`: ages,
counts, money) block what they cover. (2) One pass over the document in text order resolves
each pending value against the publication date, the tense of its clause and the last fully
specified date ([`normalize::Resolver`]).

Speed: one case-sensitive aho-corasick pass and a digit scan find the rules' anchors
([`anchors`]); each rule runs only on windows around its own anchor hits.
*/
mod anchors;
mod compose;
mod normalize;
mod rules;
mod scan;
#[cfg(test)]
mod tests;

use serde::Serialize;

use crate::data::{DataFile, Gazetteers};
use crate::doc::{Document, Mention, Provenance, Span, Value};
use crate::error::Result;
use crate::pipeline::{Layer, Stage};
use anchors::AFTER;
use compose::Connectors;
use normalize::{Resolver, TenseCues};
use rules::{Buffers, Candidate, DocText, RuleSet, Scratch};

/// A normalized temporal expression (TIMEX3).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DateValue {
    /// `DATE`, `TIME`, `DURATION` or `SET`.
    #[serde(rename = "type")]
    pub timex_type: &'static str,
    /// The TIMEX3 value (`2025-12-13`, `P3Y`, `PRESENT_REF`).
    pub value: String,
    /// True for an absolute expression, false for one resolved against an anchor (the
    /// publication date, the date in focus, or the tense of its clause).
    pub anchored: bool,
    /// The TIMEX3 `mod` (`START`, `MID`, `END`), when the expression has one.
    #[serde(rename = "mod", skip_serializing_if = "Option::is_none")]
    pub modifier: Option<&'static str>,
}

/// The dates stage.
pub struct DateTagger {
    rules: RuleSet,
    tense_cues: TenseCues,
    /// The connector phrases of composite dates.
    connectors: Connectors,
}

/// How far around an anchor hit a rule looks (bytes): more than any date reaches from its
/// anchor (`at 10:30 a.m. local time on Wednesday, December 13, 2025`).
const REACH: usize = 48;

impl DateTagger {
    /// Builds the stage from `rules/dates.rules` and `date_words.tsv`.
    pub fn new(gazetteers: &Gazetteers) -> Result<DateTagger> {
        DateTagger::from_files(
            &gazetteers.file("rules/dates.rules")?,
            &gazetteers.file("date_words.tsv")?,
        )
    }

    /// Builds the stage from a rule file and a word table.
    fn from_files(rules_file: &DataFile, words: &DataFile) -> Result<DateTagger> {
        let rules = RuleSet::new(rules_file, words)?;
        let tense_cues = TenseCues::new(&rules.lexicon)?;
        let connectors = Connectors::new(&rules.lexicon)?;
        Ok(DateTagger { rules, tense_cues, connectors })
    }

    /// Candidates of every sentence with anchor hits, in no particular order.
    fn candidates(&self, doc: &Document) -> Vec<Candidate> {
        let text = &doc.text;
        let anchors = &self.rules.anchors;
        let mut scratch = self.rules.scratch();
        // The thread's vectors, taken out while the scratch space is lent to the rules.
        let mut buffers = std::mem::take(&mut scratch.buffers);
        let Buffers { hits, starts, woken, reaches, found, taken } = &mut buffers;
        hits.clear();
        starts.clear();
        anchors.hits(text, hits, starts);
        let mut out = Vec::new();
        let mut i = 0;
        while i < hits.len() {
            let Some(s) = doc.sentence_at(hits[i].0) else {
                i += 1;
                continue;
            };
            let sentence = doc.sentences[s].span;
            let first = i;
            // Rules woken, each with the index of its hit in the sentence's hits; a rule as its
            // rank in the order they run in: negative rules after the others.
            let n = self.rules.rules.len();
            woken.clear();
            while i < hits.len() && hits[i].0 < sentence.end {
                let (at, id) = hits[i];
                for &rank in anchors.woken(id) {
                    let r = usize::from(rank & !AFTER);
                    if rank & AFTER == 0 || anchors.after(r % n, text.as_bytes(), at) {
                        woken.push((r, i - first));
                    }
                }
                i += 1;
            }
            let sentence_hits = &hits[first..i];
            // The window of each hit, worked out once (several rules share a hit).
            reaches.clear();
            reaches.resize(sentence_hits.len(), None);
            let mut window_of = |h: usize, before: Option<usize>| match before {
                Some(before) => reach(text, sentence, sentence_hits[h].0, before),
                None => *reaches[h]
                    .get_or_insert_with(|| reach(text, sentence, sentence_hits[h].0, REACH)),
            };
            let mut scan = SentenceScan {
                text,
                sentence,
                hits: sentence_hits,
                starts,
                found: std::mem::take(found),
            };
            // Per rule, the windows around its hits, merged where they overlap; negative
            // rules last, and only around a date they could block.
            woken.sort_unstable();
            let mut k = 0;
            let mut gated = false;
            while k < woken.len() {
                if !gated && woken[k].0 >= n {
                    gated = true;
                    // Negative rules only around the dates found so far, which they may block.
                    woken.retain(|&(r, h)| {
                        r < n || {
                            let w = window_of(h, None);
                            scan.found.iter().any(|c: &Candidate| c.span.overlaps(w))
                        }
                    });
                    if k >= woken.len() {
                        break;
                    }
                }
                let ranked = woken[k].0;
                let rule = ranked % n;
                let before = self.rules.reach[rule];
                let mut window = window_of(woken[k].1, before);
                // Every match holds one of the rule's anchors, so none starts after the
                // end of the last anchor word of its window.
                let mut last = woken[k].1;
                k += 1;
                while k < woken.len() && woken[k].0 == ranked {
                    let next = window_of(woken[k].1, before);
                    if next.start <= window.end {
                        window.end = window.end.max(next.end);
                    } else {
                        let until = word_end(text, sentence_hits[last].0);
                        self.run(rule, window, until, &mut scan, &mut scratch);
                        window = next;
                    }
                    last = woken[k].1;
                    k += 1;
                }
                let until = word_end(text, sentence_hits[last].0);
                self.run(rule, window, until, &mut scan, &mut scratch);
            }
            *found = scan.found;
            select(found, &self.rules, taken, &mut out);
        }
        scratch.buffers = buffers;
        out
    }

    /// Runs `rule` on `window` when the window can hold a match (its `near:` words are there).
    fn run(
        &self,
        rule: usize,
        window: Span,
        until: usize,
        scan: &mut SentenceScan,
        scratch: &mut Scratch,
    ) {
        let anchors = &self.rules.anchors;
        if anchors.has_near(rule) {
            let hits = scan.hits;
            let lo = hits.partition_point(|h| h.0 < window.start);
            let hi = hits.partition_point(|h| h.0 < window.end);
            if !anchors.near(rule, &hits[lo..hi]) {
                return;
            }
        }
        let doc = DocText { text: scan.text, starts: scan.starts };
        let until = until.min(window.end);
        self.rules.candidates(rule, doc, scan.sentence, window, until, scratch, &mut scan.found);
    }
}

/// What the rules of one sentence work on: the text, the sentence, its anchor hits, and the
/// candidates found so far.
struct SentenceScan<'a> {
    text: &'a str,
    sentence: Span,
    hits: &'a [(usize, usize)],
    /// The word starts of the text ([`anchors::Anchors::hits`]).
    starts: &'a [u64],
    found: Vec<Candidate>,
}

/// The end of the word (ASCII letters and digits) that starts at byte `at`.
fn word_end(text: &str, at: usize) -> usize {
    let bytes = text.as_bytes();
    at + bytes[at..].iter().take_while(|b| b.is_ascii_alphanumeric()).count()
}

/// The window of `sentence` from `before` bytes before byte `at` to [`REACH`] after it,
/// widened to whitespace (so no word is cut) and kept on character boundaries.
fn reach(text: &str, sentence: Span, at: usize, before: usize) -> Span {
    let bytes = text.as_bytes();
    let mut lo = at.saturating_sub(before).max(sentence.start);
    let floor = lo.saturating_sub(32).max(sentence.start);
    while lo > floor && !bytes[lo - 1].is_ascii_whitespace() {
        lo -= 1;
    }
    let mut hi = (at + REACH).min(sentence.end);
    let ceil = (hi + 32).min(sentence.end);
    while hi < ceil && !bytes[hi].is_ascii_whitespace() {
        hi += 1;
    }
    while !text.is_char_boundary(lo) {
        lo += 1;
    }
    while !text.is_char_boundary(hi) {
        hi += 1;
    }
    Span::new(lo, hi.max(lo))
}

/// The overlap policy: the longest candidate wins, then the earlier rule, then the leftmost;
/// a winning negative rule yields nothing but still blocks what it overlaps. The winners of
/// `found` (emptied) go to `out`; `taken` is scratch space.
fn select(
    found: &mut Vec<Candidate>,
    rules: &RuleSet,
    taken: &mut Vec<Span>,
    out: &mut Vec<Candidate>,
) {
    found.sort_by_key(|c| (std::cmp::Reverse(c.span.len()), c.rule, c.span.start));
    // Kept spans never overlap, so in a tree by start only the neighbour of a new span can
    // collide with it (keeps a pathological sentence with many matches O(n log n)); a
    // short list is cheaper for the usual handful.
    let small = found.len() <= 32;
    taken.clear();
    let mut tree: std::collections::BTreeMap<usize, usize> = std::collections::BTreeMap::new();
    for c in found.drain(..) {
        let clash = if small {
            taken.iter().any(|t| t.overlaps(c.span))
        } else {
            tree.range(..c.span.end).next_back().is_some_and(|(_, &end)| end > c.span.start)
        };
        if clash {
            continue;
        }
        if small {
            taken.push(c.span);
        } else {
            tree.insert(c.span.start, c.span.end);
        }
        if !rules.rules[c.rule].remove {
            out.push(c);
        }
    }
}

impl Stage for DateTagger {
    fn name(&self) -> &'static str {
        "dates"
    }
    fn requires(&self) -> &'static [Layer] {
        &[Layer::Sentences]
    }
    fn provides(&self) -> Layer {
        Layer::Dates
    }
    fn annotate(&self, doc: &mut Document) {
        let mut found = self.candidates(doc);
        // A leading timestamp is metadata (it gave `published`), not a date of the story.
        if let Some(ts) = doc.layout.timestamp {
            found.retain(|c| !c.span.overlaps(ts));
        }
        found.sort_by_key(|c| c.span.start);
        let items = self.connectors.join(&doc.text, found);
        let mut resolver = Resolver::new(doc.published);
        for c in items {
            let sentence = doc.sentence_at(c.span.start).unwrap_or(usize::MAX);
            let rule = &self.rules.rules[c.rule];
            let text = &doc.text;
            let tense = || match doc.sentences.get(sentence) {
                Some(s) => self.tense_cues.tense(
                    &text[s.span.start..s.span.end],
                    c.span.start - s.span.start,
                    c.span.end - s.span.start,
                ),
                None => None,
            };
            let value = resolver.resolve(&c.value, tense);
            let timex_type = if rule.timex_type == "DATE" && has_time(&value) {
                "TIME"
            } else {
                rule.timex_type
            };
            let provenance = match c.joined {
                Some(how) => Provenance::new("dates", format!("compose/{how}")),
                None => Provenance::new("dates", rule.name.clone()),
            };
            doc.mentions.push(Mention {
                span: Span::new(c.span.start, c.span.end),
                sentence,
                value: Value::Date(DateValue {
                    timex_type,
                    value,
                    anchored: c.value.anchored(),
                    modifier: c.modifier,
                }),
                provenance,
            });
        }
    }
}

/// True when a date value carries a time of day (`2025-12-22TMO`, `2025-12-22T15:00`).
fn has_time(value: &str) -> bool {
    value.len() > 10 && value.as_bytes()[10] == b'T'
}
