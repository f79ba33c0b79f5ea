//! Building the stage: word lists and rule patterns compiled into automata, and how a rule
//! finds its matches.
use std::collections::HashMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::folded::{Folded, Group, Pattern};
use super::lists::Lists;
use super::numbers::Numbers;
use super::sentence::Phrase;
use super::{casualty_type, CasualtyRule, CasualtyTagger, Noun};
use crate::data::rules::{Field, Rule, RuleFile};
use crate::data::Gazetteers;
use crate::error::Result;
use crate::hash::FxMap;

/// The `(?-u:\\b)` that opens most rule patterns.
const WORD_START: &str = "(?-u:\\b)";

/// A rule's match in a unit: the whole match and its named groups.
pub(super) struct Hit<'t> {
    pub whole: Phrase<'t>,
    pub verb: Option<Phrase<'t>>,
    pub also: Option<Phrase<'t>>,
    pub list: Option<Phrase<'t>>,
}

/// What the match of an anchored rule opens with, read from the opening of its pattern: only
/// the word starts that can open it are tried (each try runs a regex).
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Head {
    /// Anything: every word start is tried.
    Any,
    /// A counted item (`{np}`, `{list}`): the starts where the `item` pattern matches.
    Item,
    /// A term of a class (`{act}`), hence one of the rule's anchors: the anchor hits.
    Anchor,
    /// A word of these (lower case, ASCII letters), as in `(?i:no|zero|without)`.
    Words(Vec<String>),
}

/// The index just past the group that opens `s` (`s` starts with `(`), skipping escapes
/// and classes.
pub(super) fn group_end(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let (mut depth, mut i, mut class) = (0usize, 0, false);
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'[' if !class => class = true,
            b']' if class => class = false,
            b'(' if !class => depth += 1,
            b')' if !class => {
                depth -= 1;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// True when `s` is an alternation at its top level (`a|b`), outside groups and classes.
fn alternation_at_top(s: &str) -> bool {
    let mut rest = s;
    while let Some(i) = rest.find(['(', '|', '\\', '[']) {
        match rest.as_bytes()[i] {
            b'|' => return true,
            b'(' => match group_end(&rest[i..]) {
                Some(end) => rest = &rest[i + end..],
                None => return true,
            },
            b'\\' => rest = rest.get(i + 2..).unwrap_or(""),
            _ => match rest[i + 1..].find(']') {
                // `[]...]` and `[^]...]` do not occur in the rules; a bad class is no head
                Some(j) => rest = &rest[i + j + 2..],
                None => return true,
            },
        }
    }
    false
}

/// True when the element before `after` is made optional or repeated by a quantifier.
fn quantified(after: &str) -> bool {
    after.starts_with(['?', '*', '+'])
        || after.strip_prefix('{').is_some_and(|q| q.starts_with(|c: char| c.is_ascii_digit()))
}

/// The [`Head`] of a pattern of the rule file (before macro expansion): `macros` are the raw
/// macros, `classes` the term classes. Anything it cannot read is [`Head::Any`].
pub(super) fn head(
    pattern: &str,
    macros: &HashMap<String, String>,
    classes: &HashMap<String, Vec<String>>,
) -> Head {
    match pattern.strip_prefix(WORD_START) {
        Some(rest) => opening(rest, macros, classes, 0),
        None => Head::Any,
    }
}

fn opening(
    s: &str,
    macros: &HashMap<String, String>,
    classes: &HashMap<String, Vec<String>>,
    depth: usize,
) -> Head {
    if depth > 8 || alternation_at_top(s) {
        return Head::Any;
    }
    if let Some((name, after)) = s.strip_prefix('{').and_then(|r| r.split_once('}')) {
        if quantified(after) {
            return Head::Any;
        }
        return match name {
            "np" | "item" => Head::Item,
            _ if classes.contains_key(name) => Head::Anchor,
            _ => macros.get(name).map_or(Head::Any, |m| opening(m, macros, classes, depth + 1)),
        };
    }
    let Some(end) = s.starts_with('(').then(|| group_end(s)).flatten() else {
        return Head::Any;
    };
    let (group, after) = (&s[..end], &s[end..]);
    if quantified(after) {
        return Head::Any;
    }
    if let Some(body) = group.strip_prefix("(?i:").and_then(|g| g.strip_suffix(')')) {
        // plain words, whole: after the group comes no letter
        let plain = body.bytes().all(|b| b.is_ascii_alphanumeric() || b" |'-".contains(&b));
        let bounded = after.starts_with(' ')
            || after.starts_with(WORD_START)
            || after.starts_with("(?: ")
                && group_end(after).is_some_and(|e| !alternation_at_top(&after[4..e - 1]));
        let words: Vec<String> = body
            .split('|')
            .map(|w| {
                let run = w.bytes().take_while(u8::is_ascii_alphabetic).count();
                w[..run].to_ascii_lowercase()
            })
            .collect();
        return if plain && bounded && words.iter().all(|w| !w.is_empty()) {
            Head::Words(words)
        } else {
            Head::Any
        };
    }
    match group.strip_prefix("(?P<").and_then(|g| g.split_once('>')) {
        Some((_, body)) => opening(&body[..body.len() - 1], macros, classes, depth + 1),
        None => Head::Any,
    }
}

impl CasualtyRule {
    /// The leftmost match in the unit starting at or after `at`, as the unanchored search
    /// finds it. An anchored rule tries each word start in `starts` (the ASCII word starts
    /// its [`Head`] lets through: its opening boundary holds only at a word start, and a
    /// slice starting there sees the same boundary, as the byte before is no word byte).
    pub(super) fn find<'t>(&self, f: &Folded<'t>, starts: &[usize], at: usize) -> Option<Hit<'t>> {
        let text = f.text();
        let c = if self.anchored {
            let first = starts.partition_point(|&p| p < at);
            starts[first..].iter().find_map(|&p| {
                let c = self.re.captures(f, p, text.len(), p)?;
                let group = |i| c.get(i).map(|g: Group<'t>| (p + g.start(), p + g.end()));
                Some([group(0), group(self.verb), group(self.also), group(self.list)])
            })?
        } else {
            let c = self.re.captures(f, 0, text.len(), at)?;
            let group = |i| c.get(i).map(|g: Group<'t>| (g.start(), g.end()));
            [group(0), group(self.verb), group(self.also), group(self.list)]
        };
        let phrase = |g: Option<(usize, usize)>| {
            g.and_then(|(s, e)| Some(Phrase { text: text.get(s..e)?, start: s }))
        };
        Some(Hit {
            whole: phrase(c[0])?,
            verb: phrase(c[1]),
            also: phrase(c[2]),
            list: phrase(c[3]),
        })
    }
}

/// The name of the macro made by [`list_head`].
const LIST_HEAD: &str = "list_head";

/// The `list` macro `{np}(?:(?:SEP){np})*REST` as `(?:(?:^|SEP){np})+REST`, for a list that
/// opens an anchored rule tried only where an item starts: there `^` holds and no separator
/// can (none opens an item), so it reads the same, while the automaton holds one copy of the
/// item pattern instead of two (half the states, of the backtracker's visited set too).
fn list_head(list: &str) -> Option<String> {
    let rest = list.strip_prefix("{np}(?:(?:")?;
    let (sep, rest) = rest.split_once("){np})*")?;
    Some(format!("(?:(?:^|{sep}){{np}})+{rest}"))
}

/// Rewrites each `(?i:a|b c)` group of plain words in `pattern` as an alternation of
/// [`Lists`].
fn cased_groups(pattern: &str, lists: &mut Lists) -> String {
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
                out.push_str(&lists.alternation(body[..j].split('|')));
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
        let mut nouns = FxMap::default();
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
        let mut terms: FxMap<String, (&'static str, Vec<String>)> = FxMap::default();
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
        let background =
            AhoCorasick::new(&background).map_err(|e| terms_file.error(0, e.to_string()))?;
        let gate = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostFirst)
            .build(&stems)
            .map_err(|e| terms_file.error(0, e.to_string()))?;

        let rules_file = gazetteers.file("rules/casualties.rules")?;
        let mut extra: HashMap<String, String> = HashMap::new();
        let mut lists = Lists::default();
        extra.insert("number".into(), numbers.pattern(&mut lists));
        extra.insert("noun".into(), lists.alternation(nouns.keys().map(String::as_str)));
        extra.insert("noun_sg".into(), lists.alternation(singulars.iter().map(String::as_str)));
        for (class, words) in &by_class {
            extra.insert(class.clone(), lists.alternation(words.iter().map(String::as_str)));
        }
        // Macros may use macros: expand `item` first (the list macro `np` is `item` without
        // group names), then the rest, in place until none is left.
        let expand_macro =
            |rf: &RuleFile, name: &str, extra: &HashMap<String, String>| -> Result<String> {
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
                    let next = rf.expand(&probe, "pattern", extra)?;
                    if next == body {
                        break;
                    }
                    body = next;
                }
                Ok(body)
            };
        let expand_all =
            |mut rf: RuleFile, extra: &HashMap<String, String>| -> Result<(RuleFile, String)> {
                let item_src = expand_macro(&rf, "item", extra)?;
                rf.macros.insert("item".into(), item_src.clone());
                rf.macros.insert("np".into(), unnamed(&item_src));
                let names: Vec<String> = rf.macros.keys().cloned().collect();
                for name in names {
                    let body = expand_macro(&rf, &name, extra)?;
                    rf.macros.insert(name, body);
                }
                Ok((rf, item_src))
            };
        let raw_macros = RuleFile::parse(&rules_file)?.macros;
        let mut parsed = RuleFile::parse(&rules_file)?;
        if let Some(list) = raw_macros.get("list").and_then(|l| list_head(l)) {
            parsed.macros.insert(LIST_HEAD.into(), list);
        }
        let (rf, item_src) = expand_all(parsed, &extra)?;
        let mut compile = |src: &str, line: usize, name: &str, scan: bool| {
            let src = cased_groups(src, &mut lists);
            Pattern::new(&src, scan, &lists).map_err(|e| rf.err(line, name, &e))
        };
        let greedy = item_src.replace("}? ", "} ").replace(")??", ")?");
        let item = compile(&format!("^(?:{greedy})"), 0, "item", false)?;
        let mut rules = Vec::new();
        for rule in &rf.rules {
            let raw = rule.get("pattern").unwrap_or("");
            let anchored = raw.starts_with(WORD_START);
            let head = if anchored { head(raw, &raw_macros, &by_class) } else { Head::Any };
            // A list opening an anchored rule tried only at item starts: its one-item form.
            let opening_list = format!("{WORD_START}(?P<list>{{list}})");
            let src = if head == Head::Item
                && raw.starts_with(&opening_list)
                && rf.macros.contains_key(LIST_HEAD)
            {
                let mut rule = rule.clone();
                if let Some(f) = rule.fields.iter_mut().find(|f| f.key == "pattern") {
                    f.value = f.value.replacen("{list}", &format!("{{{LIST_HEAD}}}"), 1);
                }
                rf.expand(&rule, "pattern", &extra)?
            } else {
                rf.expand(rule, "pattern", &extra)?
            };
            let re = if anchored {
                compile(&format!("^(?:{src})"), rule.line, &rule.name, false)?
            } else {
                // opening with plain words, it fails at once at most positions
                let words = raw.starts_with("(?i:") || raw.starts_with("(?P<verb>(?i:");
                compile(&src, rule.line, &rule.name, words)?
            };
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
            let mut chain_ends: Vec<String> = by_class
                .iter()
                .filter(|(class, _)| raw.contains(&format!("(?P<also>{{{class}}}) and ")))
                .flat_map(|(_, terms)| {
                    terms.iter().map(|t| t.rsplit(' ').next().unwrap_or("").to_string())
                })
                .collect();
            chain_ends.sort();
            chain_ends.dedup();
            let group = |name: &str| re.index(name).unwrap_or(usize::MAX);
            rules.push(CasualtyRule {
                name: rule.name.clone(),
                verb: group("verb"),
                also: group("also"),
                list: group("list"),
                re,
                anchored,
                head,
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
                chain_ends,
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
}
