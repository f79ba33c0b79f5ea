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
mod numbers;
#[cfg(test)]
mod tests;

use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use chrono::{Datelike, NaiveDate};
use regex::{Captures, Regex, RegexBuilder};
use serde::Serialize;

use crate::data::rules::{Field, Rule, RuleFile};
use crate::data::Gazetteers;
use crate::doc::{Document, Kind, Mention, Provenance, Span, Value};
use crate::error::Result;
use crate::pipeline::{Layer, Stage};
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
    re: Regex,
    ty: Option<&'static str>,
    count: Option<u32>,
    role: Option<&'static str>,
    generic: bool,
    /// `Some(true)`: an explicit zero toll; `Some(false)`: a negated term, claimed only.
    zero: Option<bool>,
    subset: bool,
    block: Vec<String>,
    bare_checked: bool,
}

/// How a rule's list items are read: the type, the rule, and whether a bare number counts.
#[derive(Clone, Copy)]
struct How<'a> {
    ty: &'static str,
    rule: &'a CasualtyRule,
    bare_ok: bool,
    /// An unknown plural head counts (`3 gangsters were killed`); before a verb it cannot
    /// be a time or an object (`killed 2 days ago`), so only there.
    unknown_ok: bool,
    /// The list ends the rule's match, so its last items may run past it.
    open_end: bool,
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
    background: Vec<String>,
    subset_cues: Vec<String>,
    suspect_cues: Vec<String>,
    terms: HashMap<String, (&'static str, Vec<String>)>,
    nouns: HashMap<String, Noun>,
    numbers: Numbers,
    item: Regex,
    rules: Vec<CasualtyRule>,
}

fn casualty_type(name: &str) -> Option<&'static str> {
    TYPES.iter().copied().find(|t| *t == name)
}

/// An alternation of `words`, longest first, regex-escaped, in its cased variants
/// (`killed|Killed|KILLED`): literal alternatives compile to a prefix trie, which keeps the
/// lazy DFA small, where `(?i)` would make a class per letter.
fn alternation<'a>(words: impl Iterator<Item = &'a str>) -> String {
    let mut variants: Vec<String> = Vec::new();
    for w in words {
        let lower = w.to_ascii_lowercase();
        let first = capitalize(&lower, false);
        let title = capitalize(&lower, true);
        let upper = w.to_ascii_uppercase();
        variants.extend([lower, first, title, upper]);
    }
    variants.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    variants.dedup();
    let escaped: Vec<String> = variants.iter().map(|w| regex::escape(w)).collect();
    format!("(?:{})", escaped.join("|"))
}

/// `word` with its first letter (or, `every`, each word's first letter) in upper case.
fn capitalize(word: &str, every: bool) -> String {
    let mut out = String::with_capacity(word.len());
    let mut start = true;
    for ch in word.chars() {
        out.push(if start { ch.to_ascii_uppercase() } else { ch });
        start = every && ch == ' ' || start && !ch.is_ascii_alphanumeric();
    }
    out
}

/// Rewrites each `(?i:a|b c)` group of plain words in `pattern` as an [`alternation`].
fn cased_groups(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(i) = rest.find("(?i:") {
        out.push_str(&rest[..i]);
        let body = &rest[i + 4..];
        let end = body.find(')').filter(|&j| {
            body[..j].bytes().all(|b| b.is_ascii_alphanumeric() || b" |'-".contains(&b))
                && !body[..j].is_empty()
        });
        match end {
            Some(j) => {
                out.push_str(&alternation(body[..j].split('|')));
                rest = &body[j + 1..];
            }
            None => {
                out.push_str("(?i:");
                rest = body;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A subject phrase within a list, with its offset in the sentence.
struct Phrase<'t> {
    text: &'t str,
    start: usize,
}

impl<'t> Phrase<'t> {
    fn as_str(&self) -> &'t str {
        self.text
    }
    fn start(&self) -> usize {
        self.start
    }
    fn end(&self) -> usize {
        self.start + self.text.len()
    }
    fn is_empty(&self) -> bool {
        self.text.trim().is_empty()
    }
}

/// The last clause of `list` (at `start`): after the last `who`, `when`, `before`, `and`...
fn last_clause(list: &str, start: usize) -> Phrase<'_> {
    let lower = list.to_ascii_lowercase();
    let cut = [
        " who ", " when ", " before ", " after ", " and ", " but ", " that ", " as ", " while ",
        " where ",
    ]
    .iter()
    .filter_map(|w| lower.rfind(w).map(|i| i + w.len()))
    .max()
    .unwrap_or(0);
    Phrase { text: &list[cut..], start: start + cut }
}

/// True when `text` starts with the words `word` followed by a non-letter.
fn starts_word(text: &str, word: &str) -> bool {
    text.len() > word.len()
        && text.as_bytes()[..word.len()].eq_ignore_ascii_case(word.as_bytes())
        && !text.as_bytes()[word.len()].is_ascii_alphabetic()
}

/// Lets each space of a pattern match a run of blanks (`killing  one`, a line break).
fn flexible_spaces(pattern: &str) -> String {
    pattern.replace(' ', "[ \t\r\n]+")
}

/// Removes the names of capture groups so that a macro can repeat in one pattern.
fn unnamed(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len());
    let mut rest = pattern;
    while let Some(i) = rest.find("(?P<") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 4..];
        match after.find('>') {
            Some(j) => {
                out.push_str("(?:");
                rest = &after[j + 1..];
            }
            None => {
                out.push_str(&rest[i..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

impl CasualtyTagger {
    /// Builds the stage from its gazetteers.
    pub fn new(gazetteers: &Gazetteers) -> Result<CasualtyTagger> {
        let numbers = Numbers::load(&gazetteers.file("number_words.tsv")?)?;

        let nouns_file = gazetteers.file("victim_nouns.tsv")?;
        let mut nouns = HashMap::new();
        let mut singulars = Vec::new();
        for row in nouns_file.tsv(4)? {
            let role = match row.get(3) {
                "perpetrator" => "perpetrator",
                "victim" => "victim",
                "none" => "none",
                other => return Err(nouns_file.error(row.line, format!("unknown role {other:?}"))),
            };
            let class = row.get(2).to_string();
            let (sg, pl) = (row.get(0).to_ascii_lowercase(), row.get(1).to_ascii_lowercase());
            nouns.insert(pl.clone(), Noun { class: class.clone(), role, plural: pl != sg });
            nouns.entry(sg.clone()).or_insert(Noun { class, role, plural: false });
            singulars.push(sg);
        }

        let terms_file = gazetteers.file("casualty_terms.tsv")?;
        let mut terms: HashMap<String, (&'static str, Vec<String>)> = HashMap::new();
        let mut by_class: HashMap<String, Vec<String>> = HashMap::new();
        let mut stems = Vec::new();
        let mut blockers = Vec::new();
        let mut stops = Vec::new();
        let mut follows = Vec::new();
        let mut background = Vec::new();
        let mut subset_cues = Vec::new();
        let mut suspect_cues = Vec::new();
        for row in terms_file.tsv(3)? {
            let (term, class) = (row.get(0).to_ascii_lowercase(), row.get(2));
            match class {
                "stem" => stems.push(term),
                "block" => blockers.push(term),
                "stop" => stops.push(term),
                "follow" => follows.push(term),
                "background" => background.push(term),
                "subset" => subset_cues.push(term),
                "suspect" => suspect_cues.push(term),
                _ => {
                    let ty = casualty_type(row.get(1)).ok_or_else(|| {
                        terms_file.error(row.line, format!("unknown type {:?}", row.get(1)))
                    })?;
                    let entry = terms.entry(term.clone()).or_insert((ty, Vec::new()));
                    entry.1.push(class.to_string());
                    by_class.entry(class.to_string()).or_default().push(term);
                }
            }
        }
        let gate = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostFirst)
            .build(&stems)
            .map_err(|e| terms_file.error(0, e.to_string()))?;

        let rules_file = gazetteers.file("rules/casualties.rules")?;
        let mut rf = RuleFile::parse(&rules_file)?;
        let mut extra: HashMap<String, String> = HashMap::new();
        extra.insert("number".into(), numbers.pattern());
        extra.insert("noun".into(), alternation(nouns.keys().map(String::as_str)));
        extra.insert("noun_sg".into(), alternation(singulars.iter().map(String::as_str)));
        for (class, words) in &by_class {
            extra.insert(class.clone(), alternation(words.iter().map(String::as_str)));
        }
        // Macros may use macros: expand `item` first (the list macro `np` is `item` without
        // group names), then the rest, in place until none is left.
        let expand_macro = |rf: &RuleFile, name: &str| -> Result<String> {
            let mut body = rf
                .macros
                .get(name)
                .cloned()
                .ok_or_else(|| rules_file.error(0, format!("no `define: {name}` macro")))?;
            while body.contains('{') {
                let probe = Rule {
                    name: format!("define {name}"),
                    line: 0,
                    fields: vec![Field { key: "pattern".into(), value: body.clone(), line: 0 }],
                };
                let next = rf.expand(&probe, "pattern", &extra)?;
                if next == body {
                    break;
                }
                body = next;
            }
            Ok(body)
        };
        let item_src = expand_macro(&rf, "item")?;
        rf.macros.insert("item".into(), item_src.clone());
        rf.macros.insert("np".into(), unnamed(&item_src));
        let names: Vec<String> = rf.macros.keys().cloned().collect();
        for name in names {
            let body = expand_macro(&rf, &name)?;
            rf.macros.insert(name, body);
        }
        // The word-list alternations make big automata: a larger lazy-DFA cache keeps them
        // from being rebuilt over and over.
        let compile = |src: &str, line: usize, name: &str| {
            RegexBuilder::new(&cased_groups(src))
                .dfa_size_limit(32 << 20)
                .build()
                .map_err(|e| rf.err(line, name, &e.to_string()))
        };
        let greedy = item_src.replace("}? ", "} ").replace(")??", ")?");
        let item = compile(&flexible_spaces(&format!("^(?:{greedy})")), 0, "item")?;
        let mut rules = Vec::new();
        for rule in &rf.rules {
            let src = rf.expand(rule, "pattern", &extra)?;
            let re = compile(&flexible_spaces(&src), rule.line, &rule.name)?;
            let bad = |m: &str| rf.err(rule.line, &rule.name, m);
            let ty = match rule.get("type") {
                Some(t) => Some(casualty_type(t).ok_or_else(|| bad("unknown `type:`"))?),
                None => None,
            };
            let count = match rule.get("count") {
                Some(c) => Some(c.parse().map_err(|_| bad("`count:` is not a number"))?),
                None => None,
            };
            let role = match rule.get("role") {
                Some("perpetrator") => Some("perpetrator"),
                Some("victim") => Some("victim"),
                Some(_) => return Err(bad("`role:` is victim or perpetrator")),
                None => None,
            };
            rules.push(CasualtyRule {
                name: rule.name.clone(),
                re,
                ty,
                count,
                role,
                generic: rule.get("generic") == Some("yes"),
                zero: match rule.get("zero") {
                    Some("yes") => Some(true),
                    Some("claim") => Some(false),
                    Some(_) => return Err(bad("`zero:` is yes or claim")),
                    None => None,
                },
                bare_checked: rule.get("bare") == Some("checked"),
                subset: rule.get("subset") == Some("yes"),
                block: rule
                    .get("block")
                    .map_or(Vec::new(), |b| b.split('|').map(|w| w.trim().to_string()).collect()),
            });
        }
        // Each rule runs only on units holding one of its anchors: the terms of the classes its
        // pattern uses, or its own `anchor:` words.
        let mut anchor_masks: HashMap<String, u64> = HashMap::new();
        for (i, rule) in rf.rules.iter().enumerate().take(64) {
            let bit = 1u64 << i;
            let raw = rule.get("pattern").unwrap_or("");
            let mut words: Vec<String> = rule
                .get("anchor")
                .map(|a| a.split('|').map(|w| w.trim().to_ascii_lowercase()).collect())
                .unwrap_or_default();
            for (class, terms) in &by_class {
                if raw.contains(&format!("{{{class}}}")) {
                    words.extend(terms.iter().cloned());
                }
            }
            if words.is_empty() {
                return Err(rf.err(rule.line, &rule.name, "no anchor: add `anchor:` words"));
            }
            for w in words {
                *anchor_masks.entry(w).or_default() |= bit;
            }
        }
        if rf.rules.len() > 64 {
            return Err(rules_file.error(0, "more than 64 rules"));
        }
        let (anchor_words, masks): (Vec<String>, Vec<u64>) = anchor_masks.into_iter().unzip();
        let anchors = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .build(&anchor_words)
            .map_err(|e| rules_file.error(0, e.to_string()))?;
        Ok(CasualtyTagger {
            anchors,
            masks,
            gate,
            blockers,
            stops,
            follows,
            background,
            subset_cues,
            suspect_cues,
            terms,
            nouns,
            numbers,
            item,
            rules,
        })
    }

    /// The type of a casualty term as written (`were killed` -> killed), if it is one.
    fn term_type(&self, verb: &str) -> Option<&'static str> {
        let lower = verb.to_ascii_lowercase();
        let words: Vec<&str> = lower.split_whitespace().collect();
        let key = words.join(" ");
        self.terms.get(&key).map(|(t, _)| *t)
    }

    /// True when `verb` can also be an active verb (`killed` in `gunmen killed two`).
    fn is_active(&self, verb: &str) -> bool {
        let lower = verb.to_ascii_lowercase();
        self.terms.get(&lower).is_some_and(|(_, classes)| classes.iter().any(|c| c == "act"))
    }

    /// The list item at the start of `rest`, its victim phrase cut before a stop word or a
    /// number (`two soldiers and a civilian` -> `two soldiers`).
    fn item_capture<'t>(&self, rest: &'t str) -> Option<Captures<'t>> {
        let mut c = self.item.captures(rest)?;
        while let Some(vp) = c.name("vp") {
            let mut cut = None;
            let mut at = vp.start();
            // the complement (`of his family`) may hold stop words
            let head = c.name("tail").map_or(vp.as_str(), |t| &rest[vp.start()..t.start()]);
            for word in head.split([' ', '\t', '\r', '\n']) {
                let lower = word.to_ascii_lowercase();
                if !word.is_empty()
                    && (self.stops.contains(&lower)
                        || self.terms.contains_key(&lower)
                        || self.numbers.is_number(word))
                {
                    cut = Some(at);
                    break;
                }
                at += word.len() + 1;
            }
            let Some(cut) = cut else { break };
            let shorter = self.item.captures(rest.get(..cut)?.trim_end())?;
            if shorter.get(0).map(|m| m.end()) == c.get(0).map(|m| m.end()) {
                break;
            }
            c = shorter;
        }
        Some(c)
    }

    /// True when a word of the clause just before `start` makes the count hypothetical,
    /// negated or background.
    fn blocked(&self, text: &str, start: usize, extra: &[String]) -> bool {
        let before = &text[..start];
        let clause_start = [";", ": ", ". ", " but ", " while ", " whereas ", " however"]
            .iter()
            .filter_map(|b| before.rfind(b).map(|i| i + b.len()))
            .max()
            .unwrap_or(0);
        let clause = &before[clause_start..];
        clause
            .split(|c: char| !c.is_ascii_alphabetic())
            .rev()
            .filter(|w| !w.is_empty())
            .take(8)
            .any(|w| {
                let w = w.to_ascii_lowercase();
                self.blockers.iter().chain(extra).any(|b| *b == w)
            })
    }

    /// Reads the items of `list` (`two soldiers and a civilian, including ...`) into mentions
    /// (those after a `subset` cue are sub-counts),
    /// each with its longest phrase, cut at a stop word; a list that ends its pattern
    /// (`killing [two] soldiers`) may run on. Items of the `sub` part are sub-counts. False when
    /// the list does not read as items from its start to its end.
    fn read_list(
        &self,
        text: &str,
        list: Span,
        how: How,
        out: &mut Vec<(Span, CasualtyValue, String, bool)>,
    ) -> bool {
        let mut pos = list.start;
        let mut in_sub = false;
        let mut clean = true;
        // Before the verb the list is whole; after it (`killing [two] soldiers`) the last item
        // may run on.
        let bound = if how.open_end { text.len() } else { list.end };
        while pos < bound {
            let rest = &text[pos..bound];
            let blank = rest.len() - rest.trim_start().len();
            pos += blank;
            let rest = &rest[blank..];
            let m = self.item_capture(rest).and_then(|c| c.get(0)).map_or(0, |m| m.end());
            if m == 0 && pos >= list.end {
                // after a separator past the list (`killing two and wounding five`)
                return clean;
            }
            if m == 0 {
                // not an item here (`the other attack three people`): try the next word
                pos += rest.find([' ', '\n']).map_or(rest.len(), |i| i + 1);
                clean = in_sub;
                continue;
            }
            let Some(c) = self.item_capture(rest) else { break };
            // the complement (`of his family`) is read but not part of the mention
            let shown = c.name("tail").map_or(m, |t| t.start());
            let span = Span::new(pos, pos + shown);
            let beyond = pos >= list.end;
            // Past the list, the subject of a new clause ends it
            // (`arrested 43 people and [11 officers] were injured`).
            if beyond && self.starts_clause(&text[span.end..]) {
                return clean;
            }
            match self.item_value(text, span, &c, how) {
                Some((mut value, class, generic)) => {
                    value.subset = in_sub;
                    out.push((span, value, class, generic));
                }
                None if beyond => return clean,
                None => clean &= in_sub,
            }
            pos += m;
            // Go on only over a list separator, or into the sub-count part.
            let after = &text[pos..];
            let sep = after.len() - after.trim_start_matches([',', ' ', '\n']).len();
            let next = &after[sep..];
            let cue = self.subset_cues.iter().find(|w| starts_word(next, w));
            if let Some(word) =
                ["and ", "or ", "along with "].iter().find(|w| next.starts_with(**w))
            {
                pos += sep + word.len();
            } else if let Some(cue) = cue.filter(|_| !in_sub) {
                in_sub = true;
                pos += sep + cue.len();
            } else if sep > 0 && after.starts_with(',') && !in_sub {
                pos += sep;
            } else {
                return in_sub || (clean && pos + sep >= list.end);
            }
        }
        clean
    }

    /// True when `rest` opens with an auxiliary or a casualty term: the words before it are a
    /// new clause's subject, not an object.
    fn starts_clause(&self, rest: &str) -> bool {
        let word = rest.trim_start().split(|c: char| !c.is_ascii_alphabetic()).next().unwrap_or("");
        matches!(word, "were" | "was" | "are" | "is" | "have" | "has" | "had")
            || self.terms.contains_key(&word.to_ascii_lowercase())
    }

    /// The value of one list item; `None` when it is no count (a year, an age, a bare number
    /// where one is not allowed).
    fn item_value(
        &self,
        text: &str,
        span: Span,
        c: &Captures,
        how: How,
    ) -> Option<(CasualtyValue, String, bool)> {
        let How { ty, rule, bare_ok, unknown_ok, .. } = how;
        let noun = c.name("noun").map(|n| n.as_str().to_ascii_lowercase());
        let noun = noun.as_deref().and_then(|n| {
            let key = n.split_whitespace().collect::<Vec<_>>().join(" ");
            self.nouns.get(&key)
        });
        let victim = match (c.name("vp"), c.name("tail")) {
            (Some(v), Some(t)) => v.as_str().get(..t.start() - v.start()).unwrap_or(""),
            (Some(v), None) => v.as_str(),
            _ => "",
        }
        .trim()
        .to_string();
        if let Some(r) = c.name("refl") {
            let class = "attacker".to_string();
            let value = CasualtyValue {
                casualty_type: ty,
                count: 1,
                victim: r.as_str().to_string(),
                role: "perpetrator",
                lower_bound: false,
                estimate: false,
                subset: false,
            };
            return Some((value, class, false));
        }
        let n = c.name("n")?;
        if noun.is_some_and(|x| x.role == "none") {
            return None;
        }
        let item_end = span.start + c.get(0).map_or(0, |m| m.end());
        let det = self.numbers.read(n.as_str()).is_some_and(|r| r.needs_noun);
        // An unknown head word counts before the verb (`3 gangsters were killed`), or after an
        // active verb when the phrase ends there (`killing a rider in`), but a determiner with
        // an unknown word before the verb is left to the singular rule.
        let unknown = c.name("unk").filter(|_| {
            noun.is_none() && if unknown_ok { !det } else { self.bare_follow(&text[item_end..]) }
        });
        // An unknown head has no `vp` group: the victim is what follows the number.
        let victim = match unknown {
            Some(_) => c.get(0).map_or("", |m| m.as_str()).get(n.end()..).unwrap_or("").trim(),
            None => victim.as_str(),
        };
        let victim = victim.strip_prefix("of ").unwrap_or(victim).to_string();
        let after = text[span.start + n.end()..].chars().next();
        // A number before an unknown word that cannot be a victim (`killed 2 days ago`).
        if noun.is_none() && unknown.is_none() && (!bare_ok || c.name("unk").is_some()) {
            return None;
        }
        // `25-year-old`, `30%`, `10:30`, `3.5`: not a head count.
        let decimal = after == Some('.')
            && text[span.start + n.end() + 1..].starts_with(|ch: char| ch.is_ascii_digit());
        if c.name("vp").is_none()
            && unknown.is_none()
            && (matches!(after, Some('-' | '%' | ':' | '/')) || decimal)
        {
            return None;
        }
        let read = self.numbers.read(n.as_str())?;
        if read.needs_noun && (noun.is_none() || noun.is_some_and(|x| x.plural)) {
            return None;
        }
        if noun.is_none() && (1900..=2100).contains(&read.value) && n.as_str().len() == 4 {
            return None;
        }
        let q = c.name("q").map(|q| q.as_str().to_ascii_lowercase());
        let qual = q.as_deref().unwrap_or("");
        let lower = read.lower
            || matches!(qual, "at least" | "more than" | "over" | "as many as")
            || qual.starts_with("more");
        let estimate = read.estimate
            || matches!(
                qual,
                "about"
                    | "around"
                    | "approximately"
                    | "roughly"
                    | "nearly"
                    | "almost"
                    | "some"
                    | "close to"
                    | "an estimated"
                    | "estimated"
                    | "up to"
            );
        let (class, role, generic) = match (noun, unknown) {
            (Some(x), _) => (x.class.clone(), x.role, x.class == "generic" || rule.generic),
            (None, Some(u)) => (u.as_str().to_ascii_lowercase(), "victim", rule.generic),
            (None, None) => ("generic".to_string(), "victim", true),
        };
        let value = CasualtyValue {
            casualty_type: ty,
            count: rule.count.unwrap_or(read.value),
            victim,
            role: rule.role.unwrap_or(role),
            lower_bound: lower,
            estimate,
            subset: false,
        };
        Some((value, class, generic))
    }

    /// Finds the casualty mentions of one sentence (`base` is its offset in the text).
    fn sentence(
        &self,
        text: &str,
        base: usize,
        found: &mut Vec<Found>,
        zeros: &mut Vec<&'static str>,
    ) {
        let mut claims: Vec<Span> = Vec::new();
        let bytes = text.as_bytes();
        let mut active = 0u64;
        for m in self.anchors.find_overlapping_iter(text) {
            let word_start = m.start() == 0 || !bytes[m.start() - 1].is_ascii_alphabetic();
            if word_start {
                active |= self.masks[m.pattern().as_usize()];
            }
        }
        for (ri, rule) in self.rules.iter().enumerate() {
            if active & (1u64 << ri.min(63)) == 0 {
                continue;
            }
            let mut at = 0;
            while at < text.len() {
                let Some(c) = rule.re.captures_at(text, at) else { break };
                let Some(whole) = c.get(0) else { break };
                // A list that does not read cleanly may have started too early
                // (`The blast left [3] dead`): then search again from the next word.
                let retry =
                    text[whole.start()..].find(' ').map_or(text.len(), |i| whole.start() + i + 1);
                at = if whole.end() > whole.start() { whole.end() } else { retry };
                let Some(verb) = c.name("verb") else { continue };
                let (whole, whole_end) = (whole.start(), whole.end());
                let ty = match rule.ty.or_else(|| self.term_type(verb.as_str())) {
                    Some(t) => t,
                    None => continue,
                };
                let verb_span = Span::new(base + verb.start(), base + verb.end());
                let taken = |sp: Span| {
                    claims.iter().any(|c: &Span| c.overlaps(sp))
                        || found.iter().any(|f| f.verb.overlaps(sp) || f.span.contains(sp))
                };
                if taken(verb_span) {
                    continue;
                }
                if let Some(zero) = rule.zero {
                    if zero {
                        zeros.push(ty);
                    }
                    claims.push(verb_span);
                    continue;
                }
                // A chained term (`abducted and later killed`) belongs to this match.
                if let Some(also) = c.name("also") {
                    claims.push(Span::new(base + also.start(), base + also.end()));
                }
                let Some(list) = c.name("list") else { continue };
                if self.blocked(text, whole, &rule.block) {
                    continue;
                }
                // `arrested 43 people and 11 officers were injured`: the first items are the
                // object of the active term before the list; look again after the `and`.
                let word_before = text[..list.start()].trim_end().rsplit(' ').next().unwrap_or("");
                let and = list.as_str().find(" and ");
                if let Some(and) =
                    and.filter(|_| list.end() <= verb.start() && self.is_active(word_before))
                {
                    at = list.start() + and + 5;
                    continue;
                }
                // `gunmen killed two` is active, not `gunmen [were] killed`.
                let between = text.get(list.end()..verb.start());
                if between
                    .is_some_and(|b| b.trim_matches(|ch: char| ch == ',' || ch == ' ').is_empty())
                    && self.is_active(verb.as_str())
                    && !self.bare_follow(&text[verb.end()..])
                {
                    continue;
                }
                let mut items = Vec::new();
                if let Some(n) = rule.count {
                    // The subject is the last clause of the list (`X was a star before [she]`);
                    // a bare relative pronoun has no antecedent here.
                    let list = last_clause(list.as_str(), list.start());
                    let subject = list.as_str().to_ascii_lowercase();
                    if list.is_empty()
                        || matches!(subject.as_str(), "who" | "which" | "that" | "it")
                    {
                        continue;
                    }
                    // a fixed count is for one person (`he`, `Nabi`), not `the victims` (the first noun)
                    let plural = list
                        .as_str()
                        .split(' ')
                        .find_map(|w| self.nouns.get(&w.to_ascii_lowercase()))
                        .is_some_and(|x| x.plural && x.role != "none");
                    if plural {
                        continue;
                    }
                    let value = CasualtyValue {
                        casualty_type: ty,
                        count: n,
                        victim: list.as_str().to_string(),
                        role: rule.role.unwrap_or("victim"),
                        lower_bound: false,
                        estimate: false,
                        subset: false,
                    };
                    items.push((
                        Span::new(list.start(), list.end()),
                        value,
                        "named".to_string(),
                        false,
                    ));
                } else {
                    let bare_ok = !rule.bare_checked || self.bare_follow(&text[list.end()..]);
                    let how = How {
                        ty,
                        rule,
                        bare_ok,
                        unknown_ok: list.end() <= verb.start(),
                        open_end: list.end() == whole_end,
                    };
                    let list_span = Span::new(list.start(), list.end());
                    if !self.read_list(text, list_span, how, &mut items) {
                        at = retry;
                        continue;
                    }
                }
                // People arrested over the attack are its suspected perpetrators.
                let suspects = ty == "arrested" && {
                    let lower = text.to_ascii_lowercase();
                    self.suspect_cues.iter().any(|c| lower.contains(c.as_str()))
                };
                for (span, mut value, class, generic) in items {
                    value.subset |= rule.subset;
                    if suspects {
                        value.role = "perpetrator";
                    }
                    let span = Span::new(base + span.start, base + span.end);
                    if found.iter().any(|f| f.span.overlaps(span)) {
                        continue;
                    }
                    found.push(Found {
                        span,
                        verb: verb_span,
                        value,
                        class,
                        generic: generic || rule.generic,
                        rule: ri,
                    });
                }
            }
        }
    }

    /// True when the words after a bare number (or a verb) end the phrase: punctuation, the
    /// end, or a `follow` word of casualty_terms.tsv (`killing 5 and`, `killed 3 in`), not
    /// another noun (`killed 2 days`).
    fn bare_follow(&self, rest: &str) -> bool {
        let rest = rest.trim_start_matches(' ');
        if rest.is_empty() || rest.starts_with(|c: char| !c.is_alphanumeric()) {
            return true;
        }
        let word = rest.split(|c: char| !c.is_ascii_alphabetic()).next().unwrap_or("");
        self.follows.iter().any(|f| f == word)
    }
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
        let mut units = Vec::new();
        for s in &doc.sentences {
            // Sentence-sized units, also when the segmenter gives whole paragraphs.
            for unit in units_of(&doc.text, s.span) {
                units.push(unit);
                let text = &doc.text[unit.start..unit.end];
                if !self.gate.is_match(text)
                    || background(&text.to_ascii_lowercase(), &self.background, doc.published)
                {
                    continue;
                }
                let before = found.len();
                self.sentence(text, unit.start, &mut found, &mut zeros);
                found[before..].sort_by_key(|f| f.span.start);
            }
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
fn background(lower: &str, cues: &[String], published: Option<NaiveDate>) -> bool {
    if cues.iter().any(|c| lower.contains(c.as_str())) {
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

/// Splits `span` at sentence ends (`. ` before a capital or digit) into units.
fn units_of(text: &str, span: Span) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = span.start;
    let bytes = text.as_bytes();
    let mut i = span.start;
    while i + 2 < span.end {
        if matches!(bytes[i], b'.' | b'!' | b'?')
            && matches!(bytes[i + 1], b' ' | b'\n')
            && (bytes[i + 2].is_ascii_uppercase() || bytes[i + 2].is_ascii_digit())
            && i > start + 3
        {
            out.push(Span::new(start, i + 1));
            start = i + 2;
        }
        i += 1;
    }
    if start < span.end {
        out.push(Span::new(start, span.end));
    }
    out
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
    let mut per_group: HashMap<&str, u32> = HashMap::new();
    let mut best_unit = None;
    for unit in units {
        let in_unit: Vec<&&Found> = mine.iter().filter(|f| unit.contains(f.span)).collect();
        if in_unit.is_empty() {
            continue;
        }
        let mut sums: HashMap<&str, u32> = HashMap::new();
        let mut unit_total = 0u32;
        for f in &in_unit {
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
