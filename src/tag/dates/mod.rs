/*!
Dates: temporal expressions found and normalized to TIMEX3 values (issue 4).

Two phases, as in HeidelTime. (1) Per sentence, the rules of `gazetteers/rules/dates.rules`
propose candidates with *pending* values ([`normalize::Pending`]); overlaps are settled by the
policy in [`select`] (longest span, then earlier rule) and negative rules (`REMOVE`: ages,
counts, money) block what they cover. (2) One pass over the document in text order resolves
each pending value against the publication date, the tense of its clause and the last fully
specified date ([`normalize::Resolver`]).

Speed: one pass over the words and a digit scan find the rules' anchors ([`anchors`]); each
rule runs only on windows around its own anchor hits, and the windows of the whole document
are searched together ([`scan`]: one lazy DFA for all rules, walked from all start positions
side by side).
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
use rules::{Buffers, Candidate, DocText, Job, RuleSet};

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

    /// Candidates of every sentence with anchor hits, in no particular order. Two passes over
    /// the document: every sentence's rules first, then its negative rules (only around the
    /// dates found, which they may block); each pass runs its rules on all windows of the
    /// document at once ([`RuleSet::run`]).
    fn candidates(&self, doc: &Document) -> Vec<Candidate> {
        let text = &doc.text;
        let anchors = &self.rules.anchors;
        let mut scratch = self.rules.scratch();
        // The thread's vectors, taken out while the scratch space is lent to the rules.
        let mut buffers = std::mem::take(&mut scratch.buffers);
        let Buffers { hits, starts, woken, reaches, found, taken, jobs, negatives, sentences } =
            &mut buffers;
        hits.clear();
        starts.clear();
        anchors.hits(text, hits, starts);
        let n = self.rules.rules.len();
        jobs.clear();
        negatives.clear();
        sentences.clear();
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
            woken.clear();
            while i < hits.len() && hits[i].0 < sentence.end {
                let (at, id) = hits[i];
                for &rank in anchors.woken(id) {
                    let r = usize::from(rank & !AFTER);
                    if rank & AFTER == 0 || anchors.after(rule_of(r, n), text.as_bytes(), at) {
                        woken.push((r, i - first));
                    }
                }
                i += 1;
            }
            woken.sort_unstable();
            let rules = woken.partition_point(|w| w.0 < n);
            let scan = SentenceScan { text, sentence, hits: &hits[first..i] };
            self.jobs(&scan, &woken[..rules], reaches, jobs);
            negatives.extend(woken[rules..].iter().map(|&(r, h)| (sentences.len(), r, h)));
            sentences.push((sentence, first, i));
        }
        let doc_text = DocText { text, starts };
        found.clear();
        self.rules.run(doc_text, jobs, &mut scratch, found);
        // The negative rules of each sentence, around its dates.
        jobs.clear();
        let (mut c, mut k) = (0, 0);
        for (s, &(sentence, first, last)) in sentences.iter().enumerate() {
            let scan = SentenceScan { text, sentence, hits: &hits[first..last] };
            let from = c;
            while c < found.len() && found[c].span.start < sentence.end {
                c += 1;
            }
            woken.clear();
            while k < negatives.len() && negatives[k].0 == s {
                let (_, r, h) = negatives[k];
                let w = reach(text, sentence, scan.hits[h].0, REACH);
                if found[from..c].iter().any(|c| c.span.overlaps(w)) {
                    woken.push((r, h));
                }
                k += 1;
            }
            self.jobs(&scan, woken, reaches, jobs);
        }
        let rules = found.len();
        self.rules.run(doc_text, jobs, &mut scratch, found);
        // Per sentence, its candidates (a sentence's lie inside it), then the overlap policy.
        // Moved out (not cloned: a clone counts the value's `Arc` up and down again).
        let (positive, negative) = found.split_at_mut(rules);
        let (mut p, mut q) = (0, 0);
        let mut out = Vec::new();
        let mut mine = Vec::new();
        for &(sentence, _, _) in sentences.iter() {
            for (list, k) in [(&mut *positive, &mut p), (&mut *negative, &mut q)] {
                while *k < list.len() && list[*k].span.start < sentence.end {
                    let c = &mut list[*k];
                    mine.push(Candidate { value: c.value.take(), ..*c });
                    *k += 1;
                }
            }
            select(&mut mine, &self.rules, taken, &mut out);
        }
        found.clear();
        scratch.buffers = buffers;
        out
    }

    /// The jobs of the rules `woken` (ranks, each with the index of its hit in the sentence's
    /// hits, sorted) on a sentence: per rule, the windows around its hits, merged where they
    /// overlap, each when it can hold a match (its `near:` words are there). `reaches` is
    /// scratch space.
    fn jobs(
        &self,
        scan: &SentenceScan,
        woken: &[(usize, usize)],
        reaches: &mut Vec<Option<Span>>,
        jobs: &mut Vec<Job>,
    ) {
        let (text, sentence, hits) = (scan.text, scan.sentence, scan.hits);
        let n = self.rules.rules.len();
        // The window of each hit, worked out once (several rules share a hit).
        reaches.clear();
        reaches.resize(hits.len(), None);
        let mut window_of = |h: usize, before: Option<usize>| match before {
            Some(before) => reach(text, sentence, hits[h].0, before),
            None => *reaches[h].get_or_insert_with(|| reach(text, sentence, hits[h].0, REACH)),
        };
        let mut k = 0;
        while k < woken.len() {
            let ranked = woken[k].0;
            let rule = rule_of(ranked, n);
            // A rule whose `near:` words are nowhere in the sentence has none in any window
            // of it either (most of the rules with a `near:` line, in most sentences).
            if !self.rules.anchors.near(rule, hits) {
                while k < woken.len() && woken[k].0 == ranked {
                    k += 1;
                }
                continue;
            }
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
                    let until = word_end(text, hits[last].0);
                    jobs.extend(self.job(rule, window, until, scan));
                    window = next;
                }
                last = woken[k].1;
                k += 1;
            }
            let until = word_end(text, hits[last].0);
            jobs.extend(self.job(rule, window, until, scan));
        }
    }

    /// The job of running `rule` on `window`, when the window can hold a match (its `near:`
    /// words are there).
    fn job(&self, rule: usize, window: Span, until: usize, scan: &SentenceScan) -> Option<Job> {
        let anchors = &self.rules.anchors;
        if anchors.has_near(rule) {
            let hits = scan.hits;
            let lo = hits.partition_point(|h| h.0 < window.start);
            let hi = hits.partition_point(|h| h.0 < window.end);
            if !anchors.near(rule, &hits[lo..hi]) {
                return None;
            }
        }
        Some(Job { rule, sentence: scan.sentence, window, until: until.min(window.end) })
    }
}

/// The rule of a rank (negative rules rank after the `n` rules: see [`DateTagger::candidates`]);
/// a subtraction, not the division of `rank % n`.
#[inline(always)]
fn rule_of(rank: usize, n: usize) -> usize {
    if rank >= n {
        rank - n
    } else {
        rank
    }
}

/// A sentence the rules are woken in: the text, the sentence, and its anchor hits.
struct SentenceScan<'a> {
    text: &'a str,
    sentence: Span,
    hits: &'a [(usize, usize)],
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
