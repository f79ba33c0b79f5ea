/*!
Casualties: who was killed, wounded, kidnapped, arrested, missing or displaced, and how many.

A two-level cascade after the JRC/EMM grammars: rule patterns (`rules/casualties.rules`) bind a
casualty term (`were killed`, `killing`, `deaths of`) to a list of counted victim phrases
(`two US soldiers and an interpreter`), and each list item is read by the `item` pattern into a
count and a victim. Sentences run through the patterns only when a stem automaton fires.

Totals count each victim once: counts in one clause-sentence add up; across sentences, a victim
group (soldiers, assailants...) takes its largest count (tolls are restated and only grow), and
generic restatements (`people`, a toll) never add to the specific groups.
*/
mod folded;
mod lists;
mod numbers;
mod rules;
mod sentence;
#[cfg(test)]
mod tests;

use aho_corasick::AhoCorasick;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::doc::{Document, Kind, Mention, Provenance, Span, Value};
use crate::hash::FxMap;
use crate::pipeline::{Layer, Stage};
use folded::Pattern;
use numbers::Numbers;

/// A casualty count.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CasualtyValue {
    /// `killed`, `wounded`, `kidnapped`, `missing`, `arrested` or `displaced`.
    #[serde(rename = "type")]
    pub casualty_type: &'static str,
    /// How many (a lower bound for `at least`).
    pub count: u32,
    /// The victim phrase.
    pub victim: String,
    /// `victim` or `perpetrator`.
    pub role: &'static str,
    /// True when the count is a minimum (`at least 12`, `more than 100`, `dozens`).
    pub lower_bound: bool,
    /// True when the count is a vague amount or an approximation (`dozens`, `about 50`).
    pub estimate: bool,
    /// True for a sub-count of a total given beside it (`including two children`): not added.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub subset: bool,
}

/// Article casualty totals, each victim counted once; `None` where the article reports none.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Totals {
    /// Killed.
    pub killed: Option<u32>,
    /// Wounded.
    pub wounded: Option<u32>,
    /// Kidnapped.
    pub kidnapped: Option<u32>,
    /// Missing.
    pub missing: Option<u32>,
    /// Arrested.
    pub arrested: Option<u32>,
    /// Displaced.
    pub displaced: Option<u32>,
}

/// The casualty types, in `Totals` order.
const TYPES: [&str; 6] = ["killed", "wounded", "kidnapped", "missing", "arrested", "displaced"];

impl Totals {
    fn slot(&mut self, ty: &str) -> Option<&mut Option<u32>> {
        Some(match ty {
            "killed" => &mut self.killed,
            "wounded" => &mut self.wounded,
            "kidnapped" => &mut self.kidnapped,
            "missing" => &mut self.missing,
            "arrested" => &mut self.arrested,
            "displaced" => &mut self.displaced,
            _ => return None,
        })
    }
}

/// A victim noun's group and role.
#[derive(Debug, Clone)]
struct Noun {
    class: String,
    role: &'static str,
    plural: bool,
}

/// One compiled rule of `rules/casualties.rules`.
struct CasualtyRule {
    name: String,
    re: Pattern,
    /// The indexes of the groups `verb`, `also` and `list` (`usize::MAX` when absent).
    verb: usize,
    also: usize,
    list: usize,
    /// The pattern opens with a word boundary and `re` is anchored (`^`): it is tried at each
    /// word start in turn (an unanchored search's automaton, holding every partial list at
    /// once, spent its time building lazy-DFA states).
    anchored: bool,
    /// What an anchored rule's match opens with: the word starts worth trying (few enough
    /// that a looser pattern run first to rule them out, as there was, only cost time).
    head: rules::Head,
    ty: Option<&'static str>,
    count: Option<u32>,
    role: Option<&'static str>,
    generic: bool,
    /// `Some(true)`: an explicit zero toll; `Some(false)`: a negated term, claimed only.
    zero: Option<bool>,
    subset: bool,
    block: Vec<String>,
    bare_checked: bool,
    /// For a chain pattern (`(?P<also>{pp}) and ...`): the last words (lower case) of the
    /// chained class's terms. Such a match holds a blank-delimited word ending with one of
    /// them right before `and` and another word, so the rule is tried only before the last
    /// such word (most sentences have none).
    chain_ends: Vec<String>,
}

/// A mention found in a sentence, before totals.
#[derive(Debug, Clone)]
struct Found {
    span: Span,
    verb: Span,
    value: CasualtyValue,
    class: String,
    generic: bool,
    rule: usize,
}

/// The casualties stage.
pub struct CasualtyTagger {
    gate: AhoCorasick,
    anchors: AhoCorasick,
    masks: Vec<u64>,
    blockers: Vec<String>,
    stops: Vec<String>,
    follows: Vec<String>,
    /// The `background` cues of casualty_terms.tsv.
    background: AhoCorasick,
    subset_cues: Vec<String>,
    suspect_cues: Vec<String>,
    terms: FxMap<String, (&'static str, Vec<String>)>,
    nouns: FxMap<String, Noun>,
    numbers: Numbers,
    item: Pattern,
    rules: Vec<CasualtyRule>,
}

fn casualty_type(name: &str) -> Option<&'static str> {
    TYPES.iter().copied().find(|t| *t == name)
}

impl Stage for CasualtyTagger {
    fn name(&self) -> &'static str {
        "casualties"
    }
    fn requires(&self) -> &'static [Layer] {
        &[Layer::Sentences]
    }
    fn provides(&self) -> Layer {
        Layer::Casualties
    }
    fn annotate(&self, doc: &mut Document) {
        let mut found = Vec::new();
        let mut zeros = Vec::new();
        // Sentence-sized units, also when the segmenter gives whole paragraphs.
        let mut units = Vec::new();
        for s in &doc.sentences {
            units_of(&doc.text, s.span, &mut units);
        }
        // The word lists match in any letter case: lower-casing the text once (ASCII only, so
        // offsets stay) lets case-sensitive automata, several times faster, do it.
        let lower = doc.text.to_ascii_lowercase();
        let mut next = None;
        let find = |from: usize| {
            let m = self.gate.find(aho_corasick::Input::new(&lower).range(from..))?;
            Some((m.start(), m.end()))
        };
        for unit in &units {
            let folded = &lower[unit.start..unit.end];
            if !gated(*unit, &mut next, find, || self.gate.is_match(folded))
                || background(folded, &self.background, doc.published)
            {
                continue;
            }
            let text = &doc.text[unit.start..unit.end];
            let before = found.len();
            self.sentence(text, folded, unit.start, &mut found, &mut zeros);
            found[before..].sort_by_key(|f| f.span.start);
        }
        doc.totals = totals(&found, &units, &zeros);
        for f in found {
            let sentence = doc.sentence_at(f.span.start).unwrap_or(usize::MAX);
            let rule = self.rules.get(f.rule).map_or("", |r| r.name.as_str()).to_string();
            doc.mentions.push(Mention {
                span: f.span,
                sentence,
                value: Value::Casualty(f.value),
                provenance: Provenance::new("casualties", rule),
            });
        }
        doc.mentions.sort_by_key(|m| (m.span.start, m.span.end, m.kind() != Kind::Casualty));
    }
}

const MONTHS: [&str; 12] = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
];

/// True for a statistic or a count of past events rather than this event's toll: a
/// `background` cue of casualty_terms.tsv (`since 2011`, `so far this year`), or a year after
/// `in`/`since`/`of` or a month that is before the publication date (by more than two months).
fn background(lower: &str, cues: &AhoCorasick, published: Option<NaiveDate>) -> bool {
    if cues.is_match(lower) {
        return true;
    }
    let Some(now) = published else { return false };
    let bytes = lower.as_bytes();
    let mut i = 0;
    while i + 4 <= bytes.len() {
        let is_year = bytes[i..i + 4].iter().all(u8::is_ascii_digit)
            && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric())
            && !bytes.get(i + 4).is_some_and(u8::is_ascii_alphanumeric);
        if !is_year {
            i += 1;
            continue;
        }
        let year: i32 = lower[i..i + 4].parse().unwrap_or(0);
        let before = lower[..i].trim_end();
        let word = before.rsplit(' ').next().unwrap_or("");
        let month = MONTHS.iter().position(|m| *m == word).map(|m| m as i32 + 1);
        let cued = month.is_some() || matches!(word, "in" | "since" | "of");
        let months_ago = (now.year() - year) * 12 + now.month() as i32 - month.unwrap_or(12);
        if cued && (1900..=2100).contains(&year) && year < now.year() && months_ago > 2 {
            return true;
        }
        i += 4;
    }
    false
}

/// The gate's next stem: where the search started, and the leftmost match from there.
type NextStem = Option<(usize, Option<(usize, usize)>)>;

/// True when `unit` holds a gate stem. `find(from)` is the gate's leftmost match starting at
/// or after `from`; `next` keeps the last one found, as units come in text order: a unit
/// that ends before it holds no stem and needs no search (most units hold none, and a search
/// per unit, or per stem in the whole text, was most of the cost). A match that only
/// straddles the unit's end leaves the unit to be searched on its own (`search`).
fn gated(
    unit: Span,
    next: &mut NextStem,
    find: impl Fn(usize) -> Option<(usize, usize)>,
    search: impl FnOnce() -> bool,
) -> bool {
    let stale = match *next {
        Some((from, m)) => from > unit.start || m.is_some_and(|(start, _)| start < unit.start),
        None => true,
    };
    if stale {
        *next = Some((unit.start, find(unit.start)));
    }
    match next.and_then(|(_, m)| m) {
        Some((start, end)) if start < unit.end => end <= unit.end || search(),
        _ => false,
    }
}

/// Splits `span` at sentence ends (`. ` before a capital or digit) into units, added to `out`.
fn units_of(text: &str, span: Span, out: &mut Vec<Span>) {
    let mut start = span.start;
    let bytes = text.as_bytes();
    let within = bytes.get(span.start..span.end.saturating_sub(2)).unwrap_or_default();
    for i in memchr::memchr3_iter(b'.', b'!', b'?', within).map(|i| span.start + i) {
        if matches!(bytes[i + 1], b' ' | b'\n')
            && (bytes[i + 2].is_ascii_uppercase() || bytes[i + 2].is_ascii_digit())
            && i > start + 3
        {
            out.push(Span::new(start, i + 1));
            start = i + 2;
        }
    }
    if start < span.end {
        out.push(Span::new(start, span.end));
    }
}

/// Article totals: per type, victims and perpetrators each counted once and then added (a
/// toll of `people` rarely includes the bomber). Within a role, counts in one unit add up;
/// across units each victim group keeps its largest count, and a generic restatement
/// (`people`, a toll) never adds to the groups.
fn totals(found: &[Found], units: &[Span], zeros: &[&'static str]) -> Totals {
    let mut t = Totals::default();
    for ty in TYPES {
        let mut total = None;
        for role in ["victim", "perpetrator"] {
            let mine: Vec<&Found> = found
                .iter()
                .filter(|f| f.value.casualty_type == ty && f.value.role == role && !f.value.subset)
                .collect();
            if let Some(n) = role_total(&mine, units) {
                total = Some(total.unwrap_or(0u32).saturating_add(n));
            }
        }
        if let Some(slot) = t.slot(ty) {
            *slot = total.or_else(|| zeros.contains(&ty).then_some(0));
        }
    }
    t
}

/// The count of one role's mentions of one type, each victim once (see [`totals`]).
fn role_total(mine: &[&Found], units: &[Span]) -> Option<u32> {
    if mine.is_empty() {
        return None;
    }
    let mut per_group: FxMap<&str, u32> = FxMap::default();
    let mut best_unit = None;
    for unit in units {
        let mut in_unit = mine.iter().filter(|f| unit.contains(f.span)).peekable();
        if in_unit.peek().is_none() {
            continue;
        }
        let mut sums: FxMap<&str, u32> = FxMap::default();
        let mut unit_total = 0u32;
        for f in in_unit {
            unit_total = unit_total.saturating_add(f.value.count);
            if !f.generic {
                let e = sums.entry(f.class.as_str()).or_default();
                *e = e.saturating_add(f.value.count);
            }
        }
        for (g, n) in sums {
            let e = per_group.entry(g).or_default();
            *e = (*e).max(n);
        }
        best_unit = Some(best_unit.unwrap_or(0).max(unit_total));
    }
    let groups = per_group.values().fold(0u32, |a, b| a.saturating_add(*b));
    best_unit.map(|b| groups.max(b))
}
