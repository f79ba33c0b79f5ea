/*!
Persons: capitalised runs (with name particles `al-`, `bin`, `van der`, `de`) accepted on
evidence (a title before them, a listed first name, a speech verb or an age next to them), then
in-document coreference: a later surname, full name or close spelling variant (`Hawach` for
`Hawash`) links to the earliest full mention, whose text is the canonical `name`. A role in an
appositive (`Nanar Hawash, a senior Syria analyst with the International Crisis Group`) is kept
on the person's value with its affiliation.
*/
use serde::Serialize;

use super::entities::overlap::{admit, taken_sorted, Candidate, Priority};
use super::entities::text::{chunks, Scan, Tok};
use super::entities::{flag, Entities, Inner, NONE};
use crate::data::Gazetteers;
use crate::doc::{Document, Kind, Mention, Provenance, Span, Value};
use crate::error::Result;
use crate::pipeline::{Layer, Stage};

/// A resolved person.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonValue {
    /// Canonical full name (the article's first full mention), without titles.
    pub name: String,
    /// The person's role or title where the article gives one (`President`, `senior Syria
    /// analyst`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The organization named with the role (`International Crisis Group`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub affiliation: Option<String>,
}

/// The persons stage.
pub struct PersonTagger {
    entities: Entities,
}

impl PersonTagger {
    /// Builds the stage from its gazetteers.
    pub fn new(_gazetteers: &Gazetteers, entities: &Entities) -> Result<PersonTagger> {
        Ok(PersonTagger { entities: entities.clone() })
    }
}

/// Name particles allowed between name words (lower case as written).
fn particle(w: &str) -> bool {
    matches!(
        w,
        "al" | "bin"
            | "ibn"
            | "bint"
            | "van"
            | "von"
            | "der"
            | "den"
            | "de"
            | "da"
            | "di"
            | "du"
            | "del"
            | "la"
            | "le"
            | "dos"
            | "das"
            | "ul"
            | "ter"
            | "y"
    )
}

/// `f` of the ASCII-lower-cased `w` (the word lists are ASCII), without allocating.
fn lower_is(w: &str, f: fn(&str) -> bool) -> bool {
    let mut buf = [0u8; 16];
    let Some(b) = buf.get_mut(..w.len()) else { return false };
    b.copy_from_slice(w.as_bytes());
    b.make_ascii_lowercase();
    std::str::from_utf8(b).is_ok_and(f)
}

/// Words next to a name that show it is a speaker (lower case).
fn speech_word(w: &str) -> bool {
    matches!(
        w,
        "said"
            | "says"
            | "told"
            | "added"
            | "warned"
            | "wrote"
            | "asked"
            | "stated"
            | "explained"
            | "noted"
            | "according"
            | "argued"
            | "insisted"
            | "replied"
            | "tweeted"
    )
}

/// Levenshtein distance, capped: true when `a` and `b` differ by at most one edit.
fn one_edit(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let (mut i, mut j, mut edits) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            i += 1;
            j += 1;
            continue;
        }
        edits += 1;
        if edits > 1 {
            return false;
        }
        match a.len().cmp(&b.len()) {
            std::cmp::Ordering::Greater => i += 1,
            std::cmp::Ordering::Less => j += 1,
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
            }
        }
    }
    edits + (a.len() - i) + (b.len() - j) <= 1
}

/// True when byte `at` lies in the trailing boilerplate or a credit line (`Reporting by ...;
/// Editing by ...`), whose names are journalists, not actors of the story.
pub(crate) fn credited(layout: &crate::doc::Layout, scan: &Scan, at: usize) -> bool {
    within(&layout.boilerplate, at) || within(&scan.credits, at)
}

/// True when byte `at` lies in one of `spans`.
pub(crate) fn within(spans: &[Span], at: usize) -> bool {
    spans.iter().any(|s| s.start <= at && at < s.end)
}

/// A surname without a hyphenated Arabic article (`al-Sudani` → `Sudani`).
fn strip_article(s: &str) -> &str {
    match s.split_once('-') {
        Some((a, rest)) if super::entities::text::ARTICLES.contains(&a.to_lowercase().as_str()) => {
            rest
        }
        _ => s,
    }
}

/// A person the article introduced by full name.
struct Known {
    name: String,
    surname: String,
    role: Option<String>,
    affiliation: Option<String>,
}

struct Ctx<'a> {
    e: &'a Inner,
    text: &'a str,
    toks: &'a [Tok],
}

impl Ctx<'_> {
    fn word(&self, i: usize) -> &str {
        self.toks[i].text(self.text)
    }
    fn is_title(&self, i: usize) -> bool {
        self.toks[i].w.is(flag::TITLE)
    }
    fn known_name(&self, s: &str) -> bool {
        let w = self.e.word(s);
        w.place != NONE || w.org != NONE
    }

    /// Evidence that tokens `first..=last` name a person, with the title words before them.
    fn evidence(
        &self,
        run_first: usize,
        first: usize,
        last: usize,
    ) -> Option<(Priority, Option<String>)> {
        let n = last - first + 1;
        let toks = self.toks;
        if first > run_first {
            let role = &self.text[toks[run_first].start..toks[first - 1].end];
            return Some((Priority::Pattern, Some(role.to_string())));
        }
        if first > 0 && toks[first].joined && self.is_title(first - 1) {
            return Some((Priority::Pattern, Some(self.word(first - 1).to_string())));
        }
        if n < 2 {
            return None;
        }
        // An initial: `S. Waugh`, `J. R. Smith`.
        let initial = self.word(first).len() == 1 && toks[first].cap && toks[first + 1].joined;
        if initial {
            return Some((Priority::Pattern, None));
        }
        let fw = toks[first].w;
        if fw.is(flag::FIRST) && (!fw.is(flag::FIRST_COMMON) || !toks[first].sent_start) {
            return Some((Priority::Pattern, None));
        }
        let before = first.checked_sub(1).is_some_and(|i| lower_is(self.word(i), speech_word));
        let after = last + 1 < toks.len() && lower_is(self.word(last + 1), speech_word);
        if before || after {
            return Some((Priority::Pattern, None));
        }
        let rest = &self.text[toks[last].end..];
        let age = rest.strip_prefix(", ").is_some_and(|r| {
            let d = r.bytes().take_while(u8::is_ascii_digit).count();
            (1..=3).contains(&d) && r[d..].starts_with(',')
        });
        // An appositive role: `Nanar Hawash, a senior analyst`.
        let role = rest.strip_prefix(", ").is_some_and(|r| {
            let r = ["a ", "an ", "the "].iter().find_map(|a| r.strip_prefix(a));
            r.is_some_and(|r| {
                let stop = r.find([',', '.', ';', '\n']).unwrap_or(r.len());
                r[..stop].split([' ', '-']).take(8).any(|w| self.e.lex.is(w, flag::TITLE))
            })
        });
        // `Folake Adeyemi, a 38-year-old teacher`.
        let aged = rest.strip_prefix(", a ").is_some_and(|r| {
            let d = r.bytes().take_while(u8::is_ascii_digit).count();
            (1..=3).contains(&d) && r[d..].starts_with("-year-old")
        });
        (age || role || aged).then_some((Priority::Pattern, None))
    }

    /// The appositive after a person (`, a senior Syria analyst with the International Crisis
    /// Group`): the role words and the organization they are affiliated with.
    fn appositive(&self, end: usize, mentions: &[Mention]) -> (Option<String>, Option<String>) {
        let rest = &self.text[end..];
        let Some(r) = rest.strip_prefix(", ") else { return (None, None) };
        let stop = r.find([',', '.', ';', '\n', '“', '"', '(']).unwrap_or(r.len()).min(160);
        let stop = (0..=stop).rev().find(|&i| r.is_char_boundary(i)).unwrap_or(0);
        let phrase = &r[..stop];
        let phrase_start = end + 2;
        let body =
            ["a ", "an ", "the "].iter().find_map(|a| phrase.strip_prefix(a)).unwrap_or(phrase);
        let body_start = phrase_start + (phrase.len() - body.len());
        let has_title = body.split([' ', '-']).any(|w| self.e.lex.is(w, flag::TITLE));
        if !has_title || body.is_empty() {
            return (None, None);
        }
        let org = mentions.iter().find(|m| {
            m.kind() == Kind::Org
                && m.span.start >= body_start
                && m.span.end <= phrase_start + phrase.len()
        });
        match org {
            Some(m) => {
                let before = &self.text[body_start..m.span.start];
                let role = before
                    .trim_end()
                    .trim_end_matches(" the")
                    .trim_end_matches([' '])
                    .rsplit_once(' ')
                    .filter(|(_, prep)| {
                        matches!(*prep, "with" | "at" | "of" | "for" | "from" | "in")
                    })
                    .map(|(r, _)| r.trim().to_string())
                    .unwrap_or_else(|| before.trim().to_string());
                let name = match &m.value {
                    Value::Org(o) => Some(o.name.clone()),
                    _ => None,
                };
                ((!role.is_empty()).then_some(role), name)
            }
            None => (Some(body.trim().to_string()), None),
        }
    }
}

impl Stage for PersonTagger {
    fn name(&self) -> &'static str {
        "persons"
    }
    fn requires(&self) -> &'static [Layer] {
        &[Layer::Sentences, Layer::Orgs]
    }
    fn provides(&self) -> Layer {
        Layer::Persons
    }
    fn annotate(&self, doc: &mut Document) {
        let e = &*self.entities.0;
        let text = doc.text.as_str();
        let scan = super::entities::text::scan(e, text);
        let toks = &scan.toks[..];
        let cx = Ctx { e, text, toks };
        let mentions = &doc.mentions;
        let mut entity_spans: Vec<Span> = mentions
            .iter()
            .filter(|m| matches!(m.kind(), Kind::Place | Kind::Org | Kind::Person))
            .map(|m| m.span)
            .collect();
        entity_spans.sort();
        let is_name = |i: usize| {
            let t = &toks[i];
            t.namey
                && !t.caps
                && !t.w.is(flag::STOP)
                && t.w.demonym == 0
                && !taken_sorted(&entity_spans, Span::new(t.start, t.end))
        };
        let runs = chunks(toks, is_name, |i| particle(toks[i].text(text)));

        let mut known: Vec<Known> = Vec::new();
        let mut found: Vec<(Span, usize, Priority, &'static str)> = Vec::new();
        let mut rest = Vec::new();
        let introduce = |known: &mut Vec<Known>, span: Span, role: Option<String>| {
            let words = &text[span.start..span.end];
            match known.iter().position(|k| k.name == words) {
                Some(k) => k,
                None => {
                    let (arole, affiliation) = cx.appositive(span.end, mentions);
                    let surname = words.rsplit(' ').next().unwrap_or(words).to_string();
                    known.push(Known {
                        name: words.to_string(),
                        surname,
                        role: arole.or(role),
                        affiliation,
                    });
                    known.len() - 1
                }
            }
        };
        // Full names with evidence first, so that any other mention can link to them.
        for &(run_first, last) in &runs {
            if toks[run_first].caps_line || credited(&doc.layout, &scan, toks[run_first].start) {
                continue;
            }
            let first =
                (run_first..=last).rev().find(|&i| cx.is_title(i)).map_or(run_first, |t| t + 1);
            if first > last {
                continue;
            }
            let span = Span::new(toks[first].start, toks[last].end);
            let words = &text[span.start..span.end];
            let rejected = cx.known_name(words)
                || toks[last].w.is(flag::HEAD)
                || ((first..=last).all(|i| {
                    let w = toks[i].w;
                    w.place != NONE || w.org != NONE
                }) && !toks[first].w.is(flag::FIRST));
            let evidence = if rejected { None } else { cx.evidence(run_first, first, last) };
            match evidence {
                Some((priority, role)) if last > first => {
                    let k = introduce(&mut known, span, role);
                    found.push((span, k, priority, "person"));
                }
                _ => rest.push((first, last, evidence)),
            }
        }
        // Other mentions by surname, full name or a close spelling variant link to them; a
        // titled single name (`Mr. Hawash`) not seen in full starts a person of its own.
        for (first, last, evidence) in rest {
            let span = Span::new(toks[first].start, toks[last].end);
            let words = &text[span.start..span.end];
            let the_x_noun = first > 0
                && cx.word(first - 1).eq_ignore_ascii_case("the")
                && toks.get(last + 1).is_some_and(|t| t.joined && !t.cap);
            // `visited Jordan` after `Michael Jordan`: a place cue keeps a place name a place.
            let place_cued = first > 0
                && lower_is(cx.word(first - 1), super::places::place_cue)
                && e.is_place(words);
            if the_x_noun || place_cued {
                continue;
            }
            let link = known
                .iter()
                .position(|k| {
                    k.name == words || k.surname == words || strip_article(&k.surname) == words
                })
                .or_else(|| {
                    (first == last && words.chars().count() >= 5 && !cx.known_name(words))
                        .then(|| {
                            known.iter().position(|k| {
                                k.surname.chars().next() == words.chars().next()
                                    && one_edit(&k.surname, words)
                            })
                        })
                        .flatten()
                });
            match (link, evidence) {
                (Some(k), _) => found.push((span, k, Priority::Curated, "doc_coref")),
                (None, Some((priority, role))) => {
                    let k = introduce(&mut known, span, role);
                    found.push((span, k, priority, "person_titled"));
                }
                (None, None) => {}
            }
        }
        for (span, k, priority, rule) in found {
            let cand = Candidate { span, kind: Kind::Person, priority };
            if admit(&mut doc.mentions, &cand) {
                let p = &known[k];
                let value = PersonValue {
                    name: p.name.clone(),
                    role: p.role.clone(),
                    affiliation: p.affiliation.clone(),
                };
                let sentence = doc.sentence_at(span.start).unwrap_or(usize::MAX);
                doc.mentions.push(Mention {
                    span,
                    sentence,
                    value: Value::Person(value),
                    provenance: Provenance::new("persons", rule),
                });
            }
        }
    }
}
