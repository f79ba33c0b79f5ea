/*!
Organizations: the curated gazetteer (`orgs.tsv`, aliases → one canonical name), acronyms the
article defines (`Syrian Democratic Forces (SDF)`), capitalised names with an organization head
noun (`International Crisis Group`, `Ministry of Health`, `Karam Shaar Advisory`), and
`the <Demonym> army/police/forces/government`. Candidates compete under the entity overlap
policy ([`super::entities::overlap`]).
*/
use std::collections::HashMap;

use serde::Serialize;

use super::entities::overlap::{admit, Candidate, Priority};
use super::entities::text::{chunks, Scan, Tok};
use super::entities::{flag, Entities, Inner, NONE};
use crate::data::Gazetteers;
use crate::doc::{Document, Kind, Mention, Provenance, Span, Value};
use crate::error::Result;
use crate::pipeline::{Layer, Stage};

/// A resolved organization.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrgValue {
    /// Canonical name (`Islamic State` for `ISIS`).
    pub name: String,
    /// `armed_group`, `igo`, `ngo`, `military`, `government`, `police`, `party`, `media`,
    /// `company`, `sports` or `other`.
    #[serde(rename = "type")]
    pub org_type: String,
    /// ISO 3166-1 alpha-2 code of the country it belongs to, if national.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// The orgs stage.
pub struct OrgTagger {
    entities: Entities,
}

impl OrgTagger {
    /// Builds the stage from its gazetteers.
    pub fn new(_gazetteers: &Gazetteers, entities: &Entities) -> Result<OrgTagger> {
        Ok(OrgTagger { entities: entities.clone() })
    }
}

/// Words after a demonym that make `the <Demonym> army` an organization, with the type.
const FORCE_WORDS: &[(&str, &str)] = &[
    ("army", "military"),
    ("military", "military"),
    ("navy", "military"),
    ("police", "police"),
    ("forces", "military"),
];

/// Connectors allowed inside an organization name.
fn org_connector(w: &str) -> bool {
    matches!(w, "of" | "for" | "and" | "on" | "the" | "de" | "du" | "des" | "la" | "&" | "al")
}

struct Found {
    cand: Candidate,
    value: OrgValue,
    rule: String,
}

fn org(span: Span, priority: Priority, name: String, kind: &str, cc: &str, rule: String) -> Found {
    Found {
        cand: Candidate { span, kind: Kind::Org, priority },
        value: OrgValue {
            name,
            org_type: kind.to_string(),
            country: (!cc.is_empty()).then(|| cc.to_string()),
        },
        rule,
    }
}

/// Gazetteer matches: the UPPER CASE variant only on capitals lines, and aliases that are also
/// common words (`IS`, `WHO`) never on capitals lines.
/// True when the gazetteer match `start..end`, token `ti`, is a word-like alias
/// (`org_ambiguous.txt`) whose capital says nothing: at a sentence start or on a Title Case line.
fn weak_capital(toks: &[Tok], ti: usize, start: usize, end: usize) -> bool {
    toks.get(ti).is_some_and(|t| {
        t.start == start
            && t.end == end
            && t.w.is(flag::ORG_AMBIG)
            && (t.sent_start || t.title_line)
    })
}

fn gazetteer(e: &Inner, text: &str, scan: &Scan, sports: bool, out: &mut Vec<Found>) {
    let toks = &scan.toks[..];
    // Word-like aliases the article also uses mid-sentence (found when first needed).
    let mut confirmed: Option<Vec<u32>> = None;
    let confirm = || -> Vec<u32> {
        scan.orgs
            .iter()
            .filter(|&&(start, end, _)| {
                let ti = super::entities::text::tok_at(toks, start);
                toks.get(ti).is_some_and(|t| t.w.is(flag::ORG_AMBIG))
                    && !weak_capital(toks, ti, start, end)
            })
            .map(|m| m.2)
            .collect()
    };
    for &(start, end, pid) in &scan.orgs {
        // In a sports report a short acronym is a statistic or a league term (`RBI`, `ERA`), not
        // a bank or a party, unless the gazetteer lists it as a sports body.
        let acronym = end - start <= 4 && text[start..end].bytes().all(|b| b.is_ascii_uppercase());
        if sports
            && acronym
            && e.org_names.hits(pid).iter().all(|h| e.orgs[h.entry as usize].kind != "sports")
        {
            continue;
        }
        let ti = super::entities::text::tok_at(toks, start);
        let caps_line = toks.get(ti).is_some_and(|t| t.caps_line);
        let hits = e.org_names.hits(pid);
        let Some(hit) = hits.iter().find(|h| !h.upper || caps_line) else { continue };
        if caps_line && e.lex.is(&text[start..end], flag::STOP) {
            continue;
        }
        // `Shell fragments hit ...`, `Fed up with ...`: a word-like alias needs a capital that
        // means something, here or elsewhere in the article (one sense per discourse).
        if weak_capital(toks, ti, start, end)
            && !confirmed.get_or_insert_with(confirm).contains(&pid)
        {
            continue;
        }
        // `UEFA Cup`, `Labour Day`: a one-word alias followed by a capitalised word is part of
        // a longer name.
        let continued = !caps_line
            && toks.get(ti).is_some_and(|t| t.start == start && t.end == end && !t.title_line)
            && toks.get(ti + 1).is_some_and(|n| {
                n.joined && n.cap && !n.w.is(flag::STOP | flag::TITLE | flag::HEAD)
            });
        if continued {
            continue;
        }
        let o = &e.orgs[hit.entry as usize];
        let rule = o.source.rule();
        out.push(org(
            Span::new(start, end),
            Priority::Curated,
            o.name.clone(),
            o.kind,
            &o.country,
            rule,
        ));
    }
}

/// Schwartz & Hearst: the start (byte offset into `long`) of the shortest suffix of `long`
/// whose letters spell `acr`, each acronym letter's match for the first letter starting a word.
fn acronym_start(acr: &str, long: &str) -> Option<usize> {
    let a: Vec<char> =
        acr.chars().filter(|c| c.is_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect();
    let l: Vec<(usize, char)> =
        long.char_indices().map(|(i, c)| (i, c.to_ascii_lowercase())).collect();
    let mut j = l.len();
    for (ai, &c) in a.iter().enumerate().rev() {
        loop {
            if j == 0 {
                return None;
            }
            j -= 1;
            let word_start = j == 0 || !l[j - 1].1.is_alphanumeric();
            if l[j].1 == c && (ai > 0 || word_start) {
                break;
            }
        }
    }
    Some(l[j].0)
}

/// True for a sports report: a sport opens the first line (`SOCCER - ...`), or three different
/// sports words occur.
fn sports_report(e: &Inner, text: &str, toks: &[Tok]) -> bool {
    if toks.first().is_some_and(|t| e.sports_headlines.contains(&t.text(text).to_uppercase())) {
        return true;
    }
    let mut seen: Vec<u32> = Vec::new();
    for m in e.sports_cues.find_iter(text) {
        let id = m.pattern().as_u32();
        if super::entities::text::on_word_boundary(text, m.start(), m.end()) && !seen.contains(&id)
        {
            seen.push(id);
            if seen.len() >= 3 {
                return true;
            }
        }
    }
    false
}

/// Clubs in a sports report: a place name other than a country (`Newcastle`, `BOSTON`), or an
/// unknown name in a result (`Derbyshire 2 Kent 1`, `Essex beat Kent`), is a team. Places after
/// `in`/`at` and the dateline stay places; listed first names are players.
fn sports_teams(
    e: &Inner,
    text: &str,
    toks: &[Tok],
    runs: &[(usize, usize)],
    out: &mut Vec<Found>,
) {
    let word = |i: usize| toks[i].text(text);
    for &(first, last) in runs {
        let span = Span::new(toks[first].start, toks[last].end);
        let name = &text[span.start..span.end];
        let prev =
            first.checked_sub(1).filter(|_| toks[first].joined).map(|i| word(i).to_lowercase());
        if prev.as_deref().is_some_and(|p| matches!(p, "in" | "at" | "near" | "from" | "to" | "of"))
        {
            continue;
        }
        let after = &text[span.end..];
        let line_end = after.find('\n').unwrap_or(after.len());
        let rest = after[..line_end].trim_start();
        let dateline = toks[first].sent_start
            && rest.len() >= 10
            && rest.as_bytes()[..4].iter().all(u8::is_ascii_digit);
        if dateline || e.word(name).demonym > 0 {
            continue;
        }
        let upper = name.to_uppercase();
        let place = e
            .place_lookup(name)
            .or_else(|| toks[first].caps_line.then(|| e.place_lookup(&upper)).flatten());
        let is_country = |hits: &[super::entities::Hit]| {
            hits.iter().any(|h| {
                matches!(e.places[h.entry as usize].feature, "country" | "region" | "water")
            })
        };
        let team = match place {
            // Divisions are teams only in capitals tables (`FLORIDA 5 COLORADO 3`); `England`
            // and `Texas` in running text are places.
            Some(hits) => {
                !is_country(hits)
                    && (toks[first].caps_line
                        || hits.iter().any(|h| {
                            matches!(e.places[h.entry as usize].feature, "city" | "county")
                        }))
            }
            None => {
                let next = (last + 1 < toks.len()).then(|| word(last + 1).to_lowercase());
                let versus = |w: Option<&str>| {
                    w.is_some_and(|w| {
                        matches!(w, "beat" | "v" | "vs" | "drew" | "against" | "lost" | "beats")
                    })
                };
                let result =
                    rest.starts_with(|c: char| c.is_ascii_digit()) && toks[first].sent_start;
                let initial = word(first).len() == 1 && last > first;
                let person = initial
                    || (toks[first].w.is(flag::FIRST)
                        && !toks[first].w.is(flag::FIRST_COMMON)
                        && last > first);
                !person
                    && !e.is_org(name)
                    && !toks[first].w.is(flag::TITLE)
                    && (result || versus(prev.as_deref()) || versus(next.as_deref()))
            }
        };
        if team {
            out.push(org(
                span,
                Priority::Curated,
                name.to_string(),
                "sports",
                "",
                "doc_sports_team".into(),
            ));
        }
    }
}

impl OrgTagger {
    fn candidates(&self, text: &str, scan: &Scan, out: &mut Vec<Found>) -> HashMap<String, usize> {
        let e = &*self.entities.0;
        let toks = &scan.toks[..];
        let sports = sports_report(e, text, toks);
        gazetteer(e, text, scan, sports, out);
        let word = |i: usize| toks[i].text(text);
        let is_head = |i: usize| toks[i].w.is(flag::HEAD);
        let is_name = |i: usize| toks[i].namey && !toks[i].w.is(flag::STOP);
        let runs = chunks(toks, is_name, |i| org_connector(word(i)));
        let mut defined = HashMap::new();

        // Acronyms defined in parentheses right after a capitalised run.
        for &(first, last) in &runs {
            let Some(next) = toks.get(last + 1) else { continue };
            let gap = &text[toks[last].end..next.start];
            let close = &text[next.end..];
            if gap.trim() != "("
                || !close.starts_with(')')
                || !next.caps
                || next.end - next.start > 8
            {
                continue;
            }
            let long = &text[toks[first].start..toks[last].end];
            let Some(off) = acronym_start(word(last + 1), long) else { continue };
            let long_span = Span::new(toks[first].start + off, toks[last].end);
            let long_text = &text[long_span.start..long_span.end];
            if e.is_place(long_text) {
                continue;
            }
            let (name, kind, cc) = match e.org_lookup(long_text).and_then(|h| h.first()) {
                Some(h) => {
                    let o = &e.orgs[h.entry as usize];
                    (o.name.clone(), o.kind.to_string(), o.country.clone())
                }
                None => (long_text.to_string(), "other".to_string(), String::new()),
            };
            out.push(org(
                long_span,
                Priority::Curated,
                name.clone(),
                &kind,
                &cc,
                "doc_acronym_long".into(),
            ));
            defined.insert(word(last + 1).to_string(), out.len() - 1);
        }

        // Capitalised runs with an organization head noun; `X Group and the Y Ministry` is two.
        let mut parts = Vec::with_capacity(runs.len());
        for &(first, last) in &runs {
            let mut from = first;
            for i in first + 1..last {
                let and = word(i) == "and";
                if and && (from..i).any(is_head) && (i + 1..=last).any(is_head) {
                    parts.push((from, i - 1));
                    from = i + 1;
                }
            }
            parts.push((from, last));
        }
        // `Cook County Medical Examiner's Office`: a name, a possessive and a head noun are one
        // organization, unless the name before the `'s` is a place, organization, demonym or first
        // name (`Syria's Defence Ministry`).
        for pair in runs.windows(2) {
            let ((first, a), (b, last)) = (pair[0], pair[1]);
            let s = a + 1;
            let w = toks[a].w;
            let possessive = b == s + 1
                && word(s) == "s"
                && matches!(&text[toks[a].end..toks[s].start], "'" | "’")
                && toks[b].joined
                && is_head(last)
                && w.place == NONE
                && w.org == NONE
                && w.demonym == 0
                && !w.is(flag::FIRST);
            if possessive {
                parts.push((first, last));
            }
        }
        for &(first, last) in &parts {
            let mut first = first;
            while first < last && (toks[first].w.is(flag::TITLE) || org_connector(word(first))) {
                first += 1;
            }
            let Some(head) = (first..=last).rev().find(|&i| is_head(i)) else {
                continue;
            };
            // `Ahmed Jabbar of the Kirkuk Operations Command`: before a connector that precedes
            // every head, the words are not part of the organization.
            if let Some(h0) = (first..=head).find(|&i| is_head(i)) {
                if let Some(c) = (first..h0).rev().find(|&i| matches!(word(i), "of" | "the")) {
                    first = c + 1;
                }
            }
            if head == first && (head == last || !matches!(word(head + 1), "of" | "for")) {
                continue;
            }
            // `West Bank`: a place name ending in a head word is a place.
            if e.is_place(&text[toks[first].start..toks[head].end]) {
                continue;
            }
            // A title after the head starts a person: `Crisis Group director Ann Lee`.
            let mut end = last;
            if let Some(t) = (head + 1..=last).find(|&i| toks[i].w.is(flag::TITLE)) {
                end = t - 1;
            }
            while end > head && org_connector(word(end)) {
                end -= 1;
            }
            let span = Span::new(toks[first].start, toks[end].end);
            let name = &text[span.start..span.end];
            let priority = if toks[first].sent_start && head == first {
                Priority::Weak
            } else {
                Priority::Pattern
            };
            let rule = if priority == Priority::Weak { "weak_org_head" } else { "org_head" };
            out.push(org(span, priority, name.to_string(), "other", "", rule.into()));
        }

        // `analysts at Bernstein`: a cue noun and `at`/`with`/`from` before a name that is no place.
        for (k, &(first, mut last)) in runs.iter().enumerate() {
            let cued = first >= 2
                && toks[first].joined
                && toks[first - 1].joined
                && matches!(word(first - 1), "at" | "with" | "from")
                && toks[first - 2].w.is(flag::ORG_CUE);
            if !cued || (last > first && toks[first].w.is(flag::FIRST)) {
                continue;
            }
            // `A.G. Edwards & Sons`, `McDonald & Co`.
            if let Some(&(f2, l2)) = runs.get(k + 1) {
                if f2 == last + 1 && text[toks[last].end..toks[f2].start] == *" & " {
                    last = l2;
                }
            }
            let span = Span::new(toks[first].start, toks[last].end);
            let name = &text[span.start..span.end];
            if e.is_place(name) || e.is_org(name) {
                continue;
            }
            out.push(org(
                span,
                Priority::Pattern,
                name.to_string(),
                "company",
                "",
                "org_cue".into(),
            ));
        }

        if sports {
            sports_teams(e, text, toks, &runs, out);
        }

        // `the <Demonym> army`.
        for i in 1..toks.len().saturating_sub(1) {
            if !toks[i].cap {
                continue;
            }
            let Some(cc) = e.demonym_cc(toks[i].w) else { continue };
            let (prev, next) = (&toks[i - 1], &toks[i + 1]);
            if !next.joined
                || !toks[i].joined
                || !word(i - 1).eq_ignore_ascii_case("the")
                || prev.end > toks[i].start
            {
                continue;
            }
            let Some(&(w, kind)) = FORCE_WORDS.iter().find(|(w, _)| *w == word(i + 1)) else {
                continue;
            };
            let mut head = w.to_string();
            head[..1].make_ascii_uppercase();
            let name = format!("{} {head}", word(i));
            let span = Span::new(toks[i].start, next.end);
            out.push(org(span, Priority::Pattern, name, kind, cc, "demonym_force".into()));
        }
        defined
    }
}

impl Stage for OrgTagger {
    fn name(&self) -> &'static str {
        "orgs"
    }
    fn requires(&self) -> &'static [Layer] {
        &[Layer::Sentences]
    }
    fn provides(&self) -> Layer {
        Layer::Orgs
    }
    fn annotate(&self, doc: &mut Document) {
        let text = doc.text.as_str();
        let e = &*self.entities.0;
        let scan = super::entities::text::scan(e, text);
        let toks = &scan.toks[..];
        let mut found = Vec::new();
        let defined = self.candidates(text, &scan, &mut found);
        // Every later use of a defined acronym is that organization.
        for t in toks.iter().filter(|t| t.caps && !defined.is_empty()) {
            let w = t.text(text);
            if let Some(&k) = defined.get(w) {
                let v = found[k].value.clone();
                let rule = "doc_acronym".to_string();
                found.push(Found {
                    cand: Candidate {
                        span: Span::new(t.start, t.end),
                        kind: Kind::Org,
                        priority: Priority::Curated,
                    },
                    value: v,
                    rule,
                });
            }
        }
        found.sort_by(|a, b| {
            (b.cand.priority, b.cand.span.len(), a.cand.span.start).cmp(&(
                a.cand.priority,
                a.cand.span.len(),
                b.cand.span.start,
            ))
        });
        // `Lumeris Energy` ... `Lumeris`: the distinctive first word of a two-word name with a
        // head noun names the organization later in the article.
        let mut short: Vec<(String, OrgValue)> = Vec::new();
        for f in &found {
            let name = &text[f.cand.span.start..f.cand.span.end];
            if let Some((first, head)) = name.split_once(' ') {
                let (fw, hw) = (e.word(first), e.word(head));
                let distinctive = f.rule == "org_head"
                    && hw.is(flag::HEAD)
                    && first.chars().count() >= 4
                    && !first.contains('.')
                    && fw.place == super::entities::NONE
                    && fw.demonym == 0
                    && !fw.is(flag::FIRST | flag::STOP);
                if distinctive {
                    short.push((first.to_string(), f.value.clone()));
                }
            }
        }
        if !short.is_empty() {
            for t in toks.iter().filter(|t| t.cap) {
                let w = t.text(text);
                if let Some((_, v)) = short.iter().find(|(s, _)| s == w) {
                    let span = Span::new(t.start, t.end);
                    found.push(Found {
                        cand: Candidate { span, kind: Kind::Org, priority: Priority::Pattern },
                        value: v.clone(),
                        rule: "doc_org_short".into(),
                    });
                }
            }
        }
        for f in found {
            if admit(&mut doc.mentions, &f.cand) {
                let sentence = doc.sentence_at(f.cand.span.start).unwrap_or(usize::MAX);
                doc.mentions.push(Mention {
                    span: f.cand.span,
                    sentence,
                    value: Value::Org(f.value),
                    provenance: Provenance::new("orgs", f.rule),
                });
            }
        }
    }
}
