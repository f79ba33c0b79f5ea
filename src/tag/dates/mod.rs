/*!
Dates: temporal expressions found and normalized to TIMEX3 values (issue 4).

Two phases, as in HeidelTime. (1) Per sentence, the rules of `gazetteers/rules/dates.rules`
propose candidates with *pending* values ([`normalize::Pending`]); overlaps are settled by the
policy in [`select`] (longest span, then earlier rule) and negative rules (`REMOVE`: ages,
counts, money) block what they cover. (2) One pass over the document in text order resolves
each pending value against the publication date, the tense of its clause and the last fully
specified date ([`normalize::Resolver`]).

Speed: one ASCII case-insensitive aho-corasick pass over the text finds month, weekday, unit
and relative words and digits; only sentences with a hit reach the regexes, and there a
`RegexSet` pass picks the rules worth running.
*/
mod normalize;
mod rules;
#[cfg(test)]
mod tests;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde::Serialize;

use crate::data::{DataFile, Gazetteers};
use crate::doc::{Document, Mention, Provenance, Span, Value};
use crate::error::{Error, Result};
use crate::pipeline::{Layer, Stage};
use normalize::Resolver;
use rules::{Candidate, RuleSet};

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
    gate: AhoCorasick,
}

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
        let lex = &rules.lexicon;
        let mut keys: Vec<String> = Vec::new();
        for class in ["month", "weekday", "season", "unit", "pod", "decade", "cue"] {
            keys.extend(lex.words(class).map(|w| w.trim_end_matches('.').to_ascii_lowercase()));
        }
        keys.extend(
            lex.words("holiday")
                .filter_map(|w| w.split_whitespace().next())
                .map(str::to_ascii_lowercase),
        );
        let gate = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostFirst)
            .build(&keys)
            .map_err(|e| Error::Data {
                file: words.origin.clone(),
                line: 0,
                message: format!("date gate: {e}"),
            })?;
        Ok(DateTagger { rules, gate })
    }

    /// Candidates of every gated sentence of `doc`, in no particular order.
    fn candidates(&self, doc: &Document) -> Vec<Candidate> {
        let mut out = Vec::new();
        let mut next_sentence = 0;
        for hit in self.gate.find_iter(&doc.text) {
            if hit.start() < next_sentence {
                continue;
            }
            let Some(i) = doc.sentence_at(hit.start()) else { continue };
            let sentence = doc.sentences[i].span;
            let mut found = Vec::new();
            self.rules.candidates(&doc.text, sentence, &mut found);
            out.extend(select(found, &self.rules));
            next_sentence = sentence.end;
        }
        out
    }
}

/// The overlap policy: the longest candidate wins, then the earlier rule, then the leftmost;
/// a winning negative rule yields nothing but still blocks what it overlaps.
fn select(mut found: Vec<Candidate>, rules: &RuleSet) -> Vec<Candidate> {
    found.sort_by_key(|c| (std::cmp::Reverse(c.span.len()), c.rule, c.span.start));
    // Kept spans by start; they never overlap, so only the neighbours of a new span can
    // collide with it (keeps a pathological sentence with many matches O(n log n)).
    let mut taken: std::collections::BTreeMap<usize, usize> = std::collections::BTreeMap::new();
    let mut kept: Vec<Candidate> = Vec::new();
    for c in found {
        let before = taken.range(..c.span.end).next_back();
        if before.is_some_and(|(_, &end)| end > c.span.start) {
            continue;
        }
        taken.insert(c.span.start, c.span.end);
        kept.push(c);
    }
    kept.retain(|c| !rules.rules[c.rule].remove);
    kept
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
        let mut resolver = Resolver::new(doc.published);
        for c in found {
            let Some(pending) = &c.value else { continue };
            let sentence = doc.sentence_at(c.span.start).unwrap_or(usize::MAX);
            let rule = &self.rules.rules[c.rule];
            let text = &doc.text;
            let tense = || match doc.sentences.get(sentence) {
                Some(s) => {
                    normalize::tense(&text[s.span.start..s.span.end], c.span.start - s.span.start)
                }
                None => normalize::Tense::Past,
            };
            let value = resolver.resolve(pending, tense);
            let timex_type = if rule.timex_type == "DATE" && has_time(&value) {
                "TIME"
            } else {
                rule.timex_type
            };
            doc.mentions.push(Mention {
                span: Span::new(c.span.start, c.span.end),
                sentence,
                value: Value::Date(DateValue {
                    timex_type,
                    value,
                    anchored: pending.anchored(),
                    modifier: c.modifier,
                }),
                provenance: Provenance::new("dates", rule.name.clone()),
            });
        }
    }
}

/// True when a date value carries a time of day (`2025-12-22TMO`, `2025-12-22T15:00`).
fn has_time(value: &str) -> bool {
    value.len() > 10 && value.as_bytes()[10] == b'T'
}
