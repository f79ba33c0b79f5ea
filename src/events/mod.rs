/*!
Events: structured event records assembled from the tagged article.

The stage reads the triggers (`event_triggers.tsv`, one aho-corasick pass), drops those in a
future, negated or hypothetical clause (`event_cues.tsv`), and merges the mentions of one
incident into one record: a trigger joins the latest event of a compatible type (violent
incidents; protests and riots; arrests; agreements...) unless its own sentence gives another
date or another place; `the attack` and `the incident` always refer back. Each record then takes
its fields from the other stages' layers:

- **date**: the date mention nearest the trigger in the event's sentences, else the latest one
  before it in the paragraph, else in the lead; the publication date only as a marked fallback;
- **location**: the most specific place in the event's sentences, else the dateline's place,
  else a country named there, else the lead's place;
- **actors**: organizations or generic agents (`gunmen`) marked as perpetrators by their
  position (subject of an active trigger, `by X`, `linked to X`, `X claimed responsibility`), and
  the target (`attack on X`, the object of an active trigger, the subject of a passive one), each
  with a country read from its demonym;
- **casualties**: the casualty mentions of its sentences (the article totals when it is the only
  violent event), with the quotes of its sentences (or, by default, of the lead event).

The type table `event_types.tsv` maps our (type, subtype) to ACLED's `event_type` and
`sub_event_type` and to the CAMEO root code.
*/
mod data;
#[cfg(test)]
mod tests;
mod text;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::data::Gazetteers;
use crate::doc::{Document, Kind, Mention, Span, Value};
use crate::error::Result;
use crate::pipeline::{Layer, Stage};
use crate::tag::places::PlaceValue;
use data::{Cue, EventData, Strength, TypeRow};

/// An event record assembled from the tagged article. Serialized as the event fields of an
/// extract record (`docs/schema.md`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// Our type (`attack`).
    #[serde(rename = "type")]
    pub event_type: String,
    /// Our subtype (`ambush`).
    pub subtype: String,
    /// The ACLED type and sub-event type it corresponds to.
    pub acled: Acled,
    /// The CAMEO root code (`19`).
    pub cameo: String,
    /// The trigger that decided the subtype.
    pub trigger: TextRef,
    /// Every trigger merged into this event, in text order.
    pub mentions: Vec<TextRef>,
    /// When it happened.
    pub date: Option<EventDate>,
    /// Where it happened.
    pub location: Option<Location>,
    /// Who acted and who was targeted.
    pub actors: Vec<Actor>,
    /// Casualties.
    pub casualties: Casualties,
    /// Indices into the article's quotes.
    pub quotes: Vec<usize>,
    /// Index of the first sentence the event was read from.
    pub sentence: usize,
    /// Indices of all its sentences.
    pub sentences: Vec<usize>,
    /// The sentences the event was read from (at most three), joined by spaces.
    pub evidence: String,
    /// 0..1: how much of the record was found in the text.
    pub confidence: f64,
    /// For each field, the rules that decided it (`date` → `dates/...; events/same_sentence`).
    pub provenance: BTreeMap<&'static str, String>,
}

/// ACLED's names for the event's type.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Acled {
    /// `Battles`, `Explosions/Remote violence`...
    pub event_type: String,
    /// `Armed clash`, `Suicide bomb`...
    pub sub_event_type: String,
}

/// A piece of the article's text with its byte span.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TextRef {
    /// The text.
    pub text: String,
    /// Start byte.
    pub start: usize,
    /// End byte.
    pub end: usize,
}

impl TextRef {
    fn new(doc: &Document, span: Span) -> TextRef {
        TextRef { text: doc.slice(span).to_string(), start: span.start, end: span.end }
    }
}

/// The event's date.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EventDate {
    /// TIMEX3 value (`2025-12-13`).
    pub value: String,
    /// The date's words (absent for the publication-date fallback).
    pub text: Option<String>,
    /// Start byte of the date mention.
    pub start: Option<usize>,
    /// End byte.
    pub end: Option<usize>,
    /// True when no date was found in the text and the publication date stands in.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub fallback: bool,
}

/// The event's place.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Location {
    /// Canonical name.
    pub name: String,
    /// ISO 3166-1 alpha-2 code.
    pub country: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// The words (with a leading `near`/`in`... when present).
    pub text: String,
    /// Start byte.
    pub start: usize,
    /// End byte.
    pub end: usize,
}

/// One actor of the event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Actor {
    /// `perpetrator` or `target`.
    pub role: &'static str,
    /// Canonical name (organization, person) or the phrase (`joint US-Syrian patrol`).
    pub name: String,
    /// `org`, `person` or `group` (a generic agent); absent for a target phrase.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<&'static str>,
    /// Country from a demonym in the phrase (`Syrian army` → `SY`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Start byte of the words it was read from.
    pub start: usize,
    /// End byte.
    pub end: usize,
    /// The rule that gave the role.
    pub rule: &'static str,
}

/// The event's casualties.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Casualties {
    /// People killed, `null` when none reported.
    pub killed: Option<u32>,
    /// People wounded, `null` when none reported.
    pub wounded: Option<u32>,
    /// Each casualty mention.
    pub details: Vec<CasualtyDetail>,
}

/// One casualty mention of the event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CasualtyDetail {
    /// `killed`, `wounded`...
    #[serde(rename = "type")]
    pub casualty_type: &'static str,
    /// How many.
    pub count: u32,
    /// The victim phrase.
    pub victim: String,
    /// Start byte of the mention.
    pub start: usize,
    /// End byte.
    pub end: usize,
}

/// The events stage.
pub struct EventBuilder {
    data: EventData,
}

/// One trigger occurrence that survived the modality filter.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    span: Span,
    sentence: usize,
    type_index: usize,
    rank: u8,
    trigger: usize,
    anaphoric: bool,
}

/// An event being assembled.
struct Draft {
    cands: Vec<Candidate>,
    best: usize,
}

/// Which event types may describe one incident.
fn group(event_type: &str) -> &str {
    match event_type {
        "attack" | "battle" | "violence_against_civilians" => "violent",
        "protest" | "riot" => "demo",
        other => other,
    }
}

const DAY_LEN: usize = 10;

impl EventBuilder {
    /// Builds the stage from its gazetteers (`event_types.tsv`, `event_triggers.tsv`,
    /// `event_cues.tsv`, `countries.tsv`).
    pub fn new(gazetteers: &Gazetteers) -> Result<EventBuilder> {
        Ok(EventBuilder { data: EventData::load(gazetteers)? })
    }

    fn sentence_span(doc: &Document, i: usize) -> Span {
        doc.sentences.get(i).map_or(Span::default(), |s| s.span)
    }

    /// Trigger occurrences in reading order, without modal ones and weak ones lacking casualties.
    fn candidates(&self, doc: &Document) -> Vec<Candidate> {
        let text = doc.text.as_str();
        let mut out = Vec::new();
        for (s, e, trig) in self.data.triggers.find(text, 0, text.len()) {
            let Some(sentence) = doc.sentence_at(s) else { continue };
            let sspan = Self::sentence_span(doc, sentence);
            let clause = text::clause_start(text, sspan.start, s);
            let window = text::words_before(text, clause, s, 4);
            if self.data.cues.find(text, window, s).any(|(_, _, c)| c.iter().any(|c| c.is_modal()))
            {
                continue;
            }
            // An agent noun (`gunmen`) takes its modality from the verb after it.
            let agent = self.data.cues.find(text, s, e).any(|(_, _, c)| c.contains(&Cue::Agent));
            let after = text::clause_end(text, e, sspan.end);
            let after = text::words_after(text, e, after, 2);
            if agent
                && self
                    .data
                    .cues
                    .find(text, e, after)
                    .any(|(_, _, c)| c.iter().any(|c| c.is_modal()))
            {
                continue;
            }
            let casualty_here = doc.mentions_of(Kind::Casualty).any(|m| {
                m.sentence == sentence && !matches!(&m.value, Value::Casualty(c) if c.count == 0)
            });
            if trig.strength == Strength::Weak && !casualty_here {
                continue;
            }
            // Deaths in a flood or a crash are not violence.
            let generic_death = self.data.types[trig.type_index].subtype == "killing";
            if generic_death
                && self
                    .data
                    .cues
                    .find(text, sspan.start, sspan.end)
                    .any(|(_, _, c)| c.contains(&Cue::Disaster))
            {
                continue;
            }
            let before = text::words(text, text::words_before(text, sspan.start, s, 1), s);
            let definite =
                matches!(before.first().map(String::as_str), Some("the" | "this" | "that"));
            out.push(Candidate {
                span: Span::new(s, e),
                sentence,
                type_index: trig.type_index,
                rank: trig.rank,
                trigger: trig.index,
                anaphoric: trig.strength == Strength::Anaphor || definite,
            });
        }
        out
    }

    /// The day-or-finer date value in `sentence`, if any, for telling incidents apart.
    fn own_date(doc: &Document, sentence: usize) -> Option<&str> {
        doc.mentions_of(Kind::Date).filter(|m| m.sentence == sentence).find_map(|m| {
            match &m.value {
                Value::Date(d) if d.timex_type == "DATE" && d.value.len() >= DAY_LEN => {
                    Some(d.value.as_str())
                }
                _ => None,
            }
        })
    }

    /// The specific (below country) place named in `sentence`, if any.
    fn own_place<'d>(&self, doc: &'d Document, sentence: usize) -> Option<&'d str> {
        doc.mentions_of(Kind::Place).filter(|m| m.sentence == sentence).find_map(|m| {
            match &m.value {
                Value::Place(p) if !self.is_country(p) => Some(p.name.as_str()),
                _ => None,
            }
        })
    }

    /// True for a place no more specific than a country (a country, or a region across
    /// countries such as the Sahel).
    fn is_country(&self, place: &PlaceValue) -> bool {
        matches!(place.feature, "country" | "region")
    }

    /// True when `cand` cannot be the same incident as `draft`: another date or place.
    fn conflicts(&self, doc: &Document, draft: &Draft, cand: &Candidate) -> bool {
        let sentences: Vec<usize> = draft.cands.iter().map(|c| c.sentence).collect();
        if sentences.contains(&cand.sentence) {
            return false;
        }
        let differs =
            |a: Option<&str>, b: Option<&str>| matches!((a, b), (Some(a), Some(b)) if a != b);
        let date = Self::own_date(doc, cand.sentence);
        let place = self.own_place(doc, cand.sentence);
        sentences.iter().any(|&s| {
            differs(date, Self::own_date(doc, s)) || differs(place, self.own_place(doc, s))
        })
    }

    /// Groups the candidates into incidents.
    fn merge(&self, doc: &Document, cands: Vec<Candidate>) -> Vec<Draft> {
        let mut drafts: Vec<Draft> = Vec::new();
        let group_of = |c: &Candidate| group(&self.data.types[c.type_index].event_type);
        for cand in cands {
            let ty = &self.data.types[cand.type_index];
            let near = |d: &Draft| {
                d.cands
                    .iter()
                    .any(|c| cand.sentence <= c.sentence + 2 && c.sentence <= cand.sentence + 2)
            };
            // Small-arms violence next to a protest is part of it: the crowd fought (a riot) or
            // was fired on (an intervention). Bombs and strikes stay incidents of their own.
            let crowd_violence = |c: &Candidate| {
                let t = &self.data.types[c.type_index];
                group(&t.event_type) == "violent"
                    && matches!(t.subtype.as_str(), "killing" | "armed_assault" | "armed_clash")
            };
            let last = drafts.len().checked_sub(1);
            let joins_protest = crowd_violence(&cand)
                && drafts.last().is_some_and(|d| group_of(&d.cands[d.best]) == "demo" && near(d));
            // Only a protest word (not `hurled`, `looted`) turns nearby violence into a protest.
            let protest_joins = ty.event_type == "protest"
                && drafts.last().is_some_and(|d| d.cands.iter().all(crowd_violence) && near(d));
            let target = if joins_protest || protest_joins {
                last
            } else {
                drafts.iter().rposition(|d| {
                    group_of(&d.cands[d.best]) == group(&ty.event_type)
                        && (cand.anaphoric || !self.conflicts(doc, d, &cand))
                })
            };
            match target {
                Some(i) => {
                    let d = &mut drafts[i];
                    let best = d.cands[d.best];
                    let same_group = group_of(&best) == group(&ty.event_type);
                    if protest_joins || (same_group && cand.rank > best.rank) {
                        d.best = d.cands.len();
                    }
                    d.cands.push(cand);
                }
                // A definite `the attack` with nothing before it still reports an incident.
                None => drafts.push(Draft { cands: vec![cand], best: 0 }),
            }
        }
        drafts
    }

    /// True when the date mention is bound to a speech verb next to it (`said on Tuesday`, `Tuesday said`).
    fn reporting_date(&self, doc: &Document, m: &Mention) -> bool {
        let (t, span) = (&doc.text, m.span);
        let sentence = doc.sentences.get(m.sentence).map_or(Span::new(0, t.len()), |s| s.span);
        let before = text::words_before(t, sentence.start, span.start, 2);
        let after = text::words_after(t, span.end, sentence.end, 1);
        let speech = |a: usize, b: usize| {
            self.data.cues.find(t, a, b).any(|(_, _, c)| c.contains(&Cue::Speech))
        };
        speech(before, span.start) || speech(span.end, after)
    }

    /// The event's date: nearest the trigger in its sentences, else before it, else published.
    fn date(
        &self,
        doc: &Document,
        sentences: &[usize],
        trigger: Span,
    ) -> (Option<EventDate>, String) {
        // A time of day (`Sunday evening`) dates the event to its day; durations and sets never do.
        // A date bound to a reporting verb (`police said Tuesday`) dates the report, not the event.
        let dated = |m: &&Mention| {
            matches!(&m.value, Value::Date(d) if (d.timex_type == "DATE" || d.timex_type == "TIME")
                && d.value.len() >= 4 && d.value.as_bytes()[..4].iter().all(u8::is_ascii_digit))
                && !self.reporting_date(doc, m)
        };
        let value = |m: &Mention| match &m.value {
            Value::Date(d) => d.value.split('T').next().unwrap_or_default().to_string(),
            _ => String::new(),
        };
        let make = |m: &Mention, how: &str| {
            let date = EventDate {
                value: value(m),
                text: Some(doc.slice(m.span).to_string()),
                start: Some(m.span.start),
                end: Some(m.span.end),
                fallback: false,
            };
            (Some(date), format!("{}/{}; events/{how}", m.provenance.stage, m.provenance.rule))
        };
        for &s in sentences {
            let here: Vec<&Mention> =
                doc.mentions_of(Kind::Date).filter(|m| m.sentence == s).filter(dated).collect();
            let distance = |m: &&&Mention| m.span.start.abs_diff(trigger.start);
            let best = here
                .iter()
                .filter(|m| value(m).len() >= DAY_LEN)
                .min_by_key(distance)
                .or_else(|| here.iter().min_by_key(distance));
            if let Some(m) = best {
                return make(m, "event_sentence");
            }
        }
        let first = sentences.first().copied().unwrap_or(0);
        let paragraph = |i: usize| doc.sentences.get(i).map(|s| s.paragraph);
        let lead = doc
            .sentences
            .iter()
            .position(|s| Some(s.paragraph) != paragraph(0))
            .and_then(paragraph);
        let earlier = doc
            .mentions_of(Kind::Date)
            .filter(dated)
            .filter(|m| m.sentence < first && paragraph(m.sentence) == paragraph(first))
            .last();
        if let Some(m) = earlier {
            return make(m, "earlier_sentence");
        }
        let lead_date = doc
            .mentions_of(Kind::Date)
            .filter(dated)
            .find(|m| m.sentence < first && paragraph(m.sentence) == lead);
        if let Some(m) = lead_date {
            return make(m, "lead");
        }
        match doc.published {
            Some(p) => (
                Some(EventDate {
                    value: p.to_string(),
                    text: None,
                    start: None,
                    end: None,
                    fallback: true,
                }),
                "events/published_fallback".to_string(),
            ),
            None => (None, String::new()),
        }
    }

    /// The event's place: specific in its sentences, else the dateline, else a country there,
    /// else the lead's.
    fn location(&self, doc: &Document, sentences: &[usize]) -> (Option<Location>, String) {
        let places: Vec<&Mention> = doc.mentions_of(Kind::Place).collect();
        let specific = |m: &&&Mention| matches!(&m.value, Value::Place(p) if !self.is_country(p));
        let in_event = |m: &&&Mention| sentences.contains(&m.sentence);
        let dateline = doc.layout.dateline.as_ref().map(|d| d.span);
        let in_dateline = |m: &&&Mention| dateline.is_some_and(|d| d.contains(m.span));
        let lead = sentences.first().and_then(|&s| doc.sentences.get(s)).map(|s| s.paragraph);
        let in_lead = |m: &&&Mention| doc.sentences.get(m.sentence).map(|s| s.paragraph) == lead;
        // `near X`, `in X` in the event's own words first; the dateline only as a fallback.
        let introduced = |m: &&&Mention| self.preposition_before(doc, m.span.start) < m.span.start;
        // A country named with the event (`in Kandi Bagh, Nangarhar, Afghanistan`) rules out a
        // namesake town elsewhere.
        let named_countries: Vec<&str> = places
            .iter()
            .filter(in_event)
            .filter(|m| !specific(m))
            .filter_map(|m| match &m.value {
                Value::Place(p) => Some(p.country.as_str()),
                _ => None,
            })
            .collect();
        let agrees = |m: &&&Mention| match &m.value {
            Value::Place(p) => {
                named_countries.is_empty() || named_countries.contains(&p.country.as_str())
            }
            _ => false,
        };
        let chosen = places
            .iter()
            .filter(in_event)
            .filter(agrees)
            .filter(|m| !in_dateline(m))
            .filter(specific)
            .find(introduced)
            .map(|m| (m, "event_sentence_preposition"))
            .or_else(|| {
                let mut own =
                    places.iter().filter(in_event).filter(agrees).filter(|m| !in_dateline(m));
                own.find(specific).map(|m| (m, "event_sentence"))
            })
            .or_else(|| places.iter().filter(in_dateline).find(specific).map(|m| (m, "dateline")))
            .or_else(|| places.iter().find(in_event).map(|m| (m, "event_sentence_country")))
            .or_else(|| places.iter().find(in_dateline).map(|m| (m, "dateline_country")))
            .or_else(|| places.iter().filter(in_lead).find(specific).map(|m| (m, "lead")));
        let Some((m, how)) = chosen else { return self.demonym_location(doc, sentences) };
        let Value::Place(p) = &m.value else { return (None, String::new()) };
        let start = self.preposition_before(doc, m.span.start);
        let location = Location {
            name: p.name.clone(),
            country: p.country.clone(),
            lat: p.lat,
            lon: p.lon,
            text: doc.text[start..m.span.end].to_string(),
            start,
            end: m.span.end,
        };
        (Some(location), format!("{}/{}; events/{how}", m.provenance.stage, m.provenance.rule))
    }

    /// With no place named, the country of the first demonym before a state or home noun in
    /// the event's sentences (`Kenyan police`), at the country's centroid.
    fn demonym_location(&self, doc: &Document, sentences: &[usize]) -> (Option<Location>, String) {
        for &s in sentences {
            let span = Self::sentence_span(doc, s);
            // `Kenyan police` places the event in Kenya; `Somali refugees` does not.
            let home = |b: usize| {
                let next = text::words_after(&doc.text, b, span.end, 1);
                self.data.cues.find(&doc.text, b, next).any(|(_, _, c)| c.contains(&Cue::Home))
            };
            let found =
                self.data.demonyms.find(&doc.text, span.start, span.end).find(|(_, b, _)| home(*b));
            let Some((a, b, iso)) = found else { continue };
            let Some((name, lat, lon)) = self.data.countries.get(iso) else { continue };
            let location = Location {
                name: name.clone(),
                country: iso.clone(),
                lat: *lat,
                lon: *lon,
                text: doc.text[a..b].to_string(),
                start: a,
                end: b,
            };
            return (Some(location), "events/demonym_country".to_string());
        }
        (None, String::new())
    }

    /// The start of a `near `/`in `... directly before `pos`, else `pos`.
    fn preposition_before(&self, doc: &Document, pos: usize) -> usize {
        let start = text::words_before(&doc.text, 0, pos, 1);
        let word = text::words(&doc.text, start, pos);
        match word.first().map(String::as_str) {
            Some("near" | "in" | "outside" | "at" | "around") => start,
            _ => pos,
        }
    }

    /// Perpetrators and targets from the event's sentences.
    fn actors(&self, doc: &Document, draft: &Draft) -> Vec<Actor> {
        let text = doc.text.as_str();
        let mut actors: Vec<Actor> = Vec::new();
        let add = |actors: &mut Vec<Actor>, actor: Actor| {
            if !actors.iter().any(|a| a.role == actor.role && a.name == actor.name) {
                actors.push(actor);
            }
        };
        let sentences: Vec<usize> = sorted_unique(draft.cands.iter().map(|c| c.sentence));
        let named = |m: &Mention| match &m.value {
            Value::Org(o) => Some((o.name.clone(), "org")),
            Value::Person(p) => Some((p.name.clone(), "person")),
            _ => None,
        };
        // The sentence after an event sentence often names who did it (`The attacker was linked
        // to X`), but only through an explicit cue there.
        let para = |i: usize| doc.sentences.get(i).map(|s| s.paragraph);
        let next: Vec<usize> = sentences
            .iter()
            .map(|&s| s + 1)
            .filter(|&s| !sentences.contains(&s) && para(s).is_some() && para(s) == para(s - 1))
            .collect();
        let title = doc.layout.title.and_then(|t| doc.sentence_at(t.start));
        // Named perpetrators: `linked to X`, `by X`, `X claimed responsibility`, `X attacked`.
        for m in doc
            .mentions
            .iter()
            .filter(|m| sentences.contains(&m.sentence) || next.contains(&m.sentence))
        {
            let in_event = sentences.contains(&m.sentence);
            let Some((name, kind)) = named(m) else { continue };
            // A credit (`(AP)`, a dateline's agency) reports the event and never acts in it.
            let dateline = doc.layout.dateline.as_ref().is_some_and(|d| d.span.contains(m.span));
            let bracketed = m.span.start > 0
                && text.as_bytes().get(m.span.start - 1) == Some(&b'(')
                && text.as_bytes().get(m.span.end) == Some(&b')');
            if dateline || bracketed {
                continue;
            }
            let sspan = Self::sentence_span(doc, m.sentence);
            let clause = text::clause_start(text, sspan.start, m.span.start);
            let window = text::words_before(text, clause, m.span.start, 3);
            // `by X` names the perpetrator only right after a trigger (`killed by X`), not in
            // `a report by X`.
            let after_trigger = |a: usize| {
                draft.cands.iter().any(|c| {
                    c.sentence == m.sentence
                        && c.span.end <= a
                        && text::words(text, c.span.end, a).len() <= 2
                })
            };
            let cue_before = self.data.cues.find(text, window, m.span.start).any(|(a, b, c)| {
                c.contains(&Cue::Perpetrator) && (&text[a..b] != "by" || after_trigger(a))
            });
            let claim_end = (m.span.end + 80).min(sspan.end);
            let claim_end =
                (claim_end..=sspan.end).find(|&i| text.is_char_boundary(i)).unwrap_or(sspan.end);
            let claims = self
                .data
                .cues
                .find(text, m.span.end, claim_end)
                .any(|(_, _, c)| c.contains(&Cue::Claim));
            let subject = in_event
                && Some(m.sentence) != title
                && draft.cands.iter().any(|c| {
                    c.sentence == m.sentence
                        && c.span.start > m.span.end
                        && text::words(text, m.span.end, c.span.start).len() <= 2
                        && !c.anaphoric
                        && !self.is_passive(doc, c.span)
                });
            let rule = if claims {
                "claim"
            } else if cue_before {
                "perpetrator_cue"
            } else if subject {
                "subject_of_trigger"
            } else {
                continue;
            };
            let country = match &m.value {
                Value::Org(o) => o.country.clone(),
                _ => None,
            }
            .or_else(|| self.data.demonym_country(doc.slice(m.span)));
            let actor = Actor {
                role: "perpetrator",
                name,
                kind: Some(kind),
                country,
                start: m.span.start,
                end: m.span.end,
                rule,
            };
            add(&mut actors, actor);
        }
        if actors.is_empty() {
            if let Some(agent) = self.agent(doc, draft, &sentences) {
                add(&mut actors, agent);
            }
        }
        if let Some(target) = self.target(doc, draft) {
            add(&mut actors, target);
        }
        actors
    }

    /// A generic agent (`gunmen`) that acts: `by X`, or the subject of an active trigger in its
    /// clause (the nearest one), not a source (`police said`).
    fn agent(&self, doc: &Document, draft: &Draft, sentences: &[usize]) -> Option<Actor> {
        let text = doc.text.as_str();
        let mut best: Option<(usize, Actor)> = None;
        for &s in sentences {
            let sspan = Self::sentence_span(doc, s);
            for (a, b, cue) in self.data.cues.find(text, sspan.start, sspan.end) {
                if !cue.contains(&Cue::Agent) {
                    continue;
                }
                let next = text::words_after(text, b, sspan.end, 1);
                if self.data.cues.find(text, b, next).any(|(_, _, c)| c.contains(&Cue::Speech)) {
                    continue;
                }
                let window = text::words_before(text, sspan.start, a, 1);
                let by = text::words(text, window, a).first().is_some_and(|w| w == "by");
                let distance = draft
                    .cands
                    .iter()
                    .filter(|c| {
                        c.sentence == s
                            && c.span.start >= b
                            && text::clause_start(text, sspan.start, c.span.start) <= a
                            && !c.anaphoric
                            && !self.is_passive(doc, c.span)
                    })
                    .map(|c| c.span.start - b)
                    .min();
                let Some(distance) = (if by { Some(0) } else { distance }) else { continue };
                if best.as_ref().is_some_and(|(d, _)| *d <= distance) {
                    continue;
                }
                let start = self.count_before(doc, a);
                let actor = Actor {
                    role: "perpetrator",
                    name: text[start..b].to_string(),
                    kind: Some("group"),
                    country: self.data.demonym_country(&text[window..b]),
                    start,
                    end: b,
                    rule: "agent",
                };
                best = Some((distance, actor));
            }
        }
        best.map(|(_, a)| a)
    }

    /// A number word or digits directly before an agent noun belongs to it (`two gunmen`).
    fn count_before(&self, doc: &Document, pos: usize) -> usize {
        let start = text::words_before(&doc.text, 0, pos, 1);
        let word = text::words(&doc.text, start, pos);
        let glued = doc.text[start..pos].trim_end().ends_with(|c: char| c.is_ascii_alphanumeric());
        let numeric = glued
            && word.first().is_some_and(|w| {
                w.bytes().all(|b| b.is_ascii_digit())
                    || [
                        "two",
                        "three",
                        "four",
                        "five",
                        "six",
                        "seven",
                        "eight",
                        "nine",
                        "ten",
                        "several",
                        "armed",
                        "unidentified",
                        "unknown",
                    ]
                    .contains(&w.as_str())
            });
        if numeric {
            start
        } else {
            pos
        }
    }

    /// `was attacked`, `were killed`, or a headline's `killed by police`.
    fn is_passive(&self, doc: &Document, trigger: Span) -> bool {
        let start = text::words_before(&doc.text, 0, trigger.start, 2);
        let aux = text::words(&doc.text, start, trigger.start)
            .iter()
            .any(|w| matches!(w.as_str(), "was" | "were" | "been" | "being" | "be" | "is" | "are"));
        let end = text::words_after(&doc.text, trigger.end, doc.text.len(), 1);
        aux || text::words(&doc.text, trigger.end, end).first().is_some_and(|w| w == "by")
    }

    /// The target: the subject of a passive trigger, the phrase after `on`/`against`, or the
    /// object of an active verb trigger.
    fn target(&self, doc: &Document, draft: &Draft) -> Option<Actor> {
        let text = doc.text.as_str();
        let mut order: Vec<&Candidate> = draft.cands.iter().filter(|c| !c.anaphoric).collect();
        order.sort_by_key(|c| std::cmp::Reverse(c.rank));
        for c in order {
            let sspan = Self::sentence_span(doc, c.sentence);
            let found = if self.is_passive(doc, c.span) {
                let aux = text::words_before(text, sspan.start, c.span.start, 1);
                let aux = if text::words(text, aux, c.span.start)
                    .first()
                    .is_some_and(|w| w.ends_with("ly"))
                {
                    text::words_before(text, sspan.start, c.span.start, 2)
                } else {
                    aux
                };
                text::phrase_before(text, sspan.start, aux.saturating_sub(1), &|_, _| false)
                    .map(|p| (p, "passive_subject"))
            } else {
                let end = text::clause_end(text, c.span.end, sspan.end);
                let cue = self.data.cues.find(text, c.span.end, end).find(|(a, b, cue)| {
                    let next = text::words(text, *b, text::words_after(text, *b, end, 1));
                    let quantity = next.first().is_some_and(|w| w == "least" || w == "most");
                    cue.contains(&Cue::Target)
                        && !quantity
                        && text::words(text, c.span.end, *a).len() <= 2
                });
                // Protest verbs take no victim: `marched peacefully through` names no target.
                let ty = &self.data.types[c.type_index];
                let word = doc.slice(c.span).to_ascii_lowercase();
                let verb =
                    word.ends_with("ed") || (ty.subtype == "killing" && !word.ends_with("ing"));
                let transitive = verb && group(&ty.event_type) != "demo";
                // `protest against X` names a grievance, not a target.
                let cue = cue.filter(|_| ty.subtype != "peaceful_protest");
                let stop =
                    |a: usize, b: usize| self.data.triggers.find(text, a, b).next().is_some();
                match cue {
                    Some((_, b, _)) => {
                        text::phrase_after(text, b, end, &stop).map(|p| (p, "target_cue"))
                    }
                    None if transitive => text::phrase_after(text, c.span.end, end, &stop)
                        .map(|p| (p, "object_of_trigger")),
                    None => None,
                }
            };
            let Some(((a, b), rule)) = found else { continue };
            let span = Span::new(a, b);
            // A named organization or person keeps its canonical name.
            let named = doc
                .mentions
                .iter()
                .find(|m| span.contains(m.span) && m.span.len() * 2 >= span.len());
            let (name, kind) = match named.map(|m| &m.value) {
                Some(Value::Org(o)) => (o.name.clone(), Some("org")),
                Some(Value::Person(p)) => (p.name.clone(), Some("person")),
                _ => (doc.slice(span).to_string(), None),
            };
            let country = self.data.demonym_country(doc.slice(span));
            return Some(Actor { role: "target", name, kind, country, start: a, end: b, rule });
        }
        None
    }

    /// Casualty details of the event's sentences.
    fn casualties(&self, doc: &Document, sentences: &[usize], only_violent: bool) -> Casualties {
        let mut details: Vec<CasualtyDetail> = Vec::new();
        for m in doc.mentions_of(Kind::Casualty) {
            let Value::Casualty(c) = &m.value else { continue };
            // `including two children` is already inside the total beside it.
            if c.subset {
                continue;
            }
            if !only_violent && !sentences.contains(&m.sentence) {
                continue;
            }
            // The same victims reported twice count once, at the highest figure; the same toll
            // of the same head noun (`seven al-Shabaab fighters`, `seven fighters`) is a repeat.
            let head = |v: &str| v.rsplit(' ').next().unwrap_or_default().to_ascii_lowercase();
            if let Some(d) = details.iter_mut().find(|d| {
                d.casualty_type == c.casualty_type
                    && (d.victim.eq_ignore_ascii_case(&c.victim)
                        || (d.count == c.count && head(&d.victim) == head(&c.victim)))
            }) {
                d.count = d.count.max(c.count);
                continue;
            }
            details.push(CasualtyDetail {
                casualty_type: c.casualty_type,
                count: c.count,
                victim: c.victim.clone(),
                start: m.span.start,
                end: m.span.end,
            });
        }
        let sum = |t: &str| {
            let v: Vec<u32> =
                details.iter().filter(|d| d.casualty_type == t).map(|d| d.count).collect();
            (!v.is_empty()).then(|| v.iter().sum())
        };
        let (mut killed, mut wounded) = (sum("killed"), sum("wounded"));
        if only_violent {
            killed = doc.totals.killed.or(killed);
            wounded = doc.totals.wounded.or(wounded);
        }
        Casualties { killed, wounded, details }
    }

    fn build(&self, doc: &Document, drafts: &[Draft], index: usize, violent: usize) -> Event {
        let draft = &drafts[index];
        let best = draft.cands[draft.best];
        let actors = self.actors(doc, draft);
        let ty = self.refine(doc, draft, &actors);
        let mut sentences = sorted_unique(draft.cands.iter().map(|c| c.sentence));
        // The title repeats the lede: read fields from the body first.
        let title = doc.layout.title.and_then(|t| doc.sentence_at(t.start));
        if sentences.len() > 1 && title == sentences.first().copied() {
            sentences.remove(0);
            sentences.extend(title);
        }
        let (date, date_rule) = self.date(doc, &sentences, best.span);
        let (location, location_rule) = self.location(doc, &sentences);
        let is_violent = group(&ty.event_type) == "violent";
        // An arrest's sentence often recalls the toll of the incident it follows; that toll
        // belongs to the incident when the article has one.
        let casualties = if ty.event_type == "arrest" && violent > 0 {
            Casualties { killed: None, wounded: None, details: Vec::new() }
        } else {
            self.casualties(doc, &sentences, is_violent && violent == 1)
        };
        let quotes = doc
            .quotes
            .iter()
            .enumerate()
            .filter(|(_, q)| {
                let s = doc.sentence_at(q.span.start);
                let owner =
                    drafts.iter().position(|d| d.cands.iter().any(|c| Some(c.sentence) == s));
                owner.map_or(index == 0, |o| o == index)
            })
            .map(|(i, _)| i)
            .collect();
        sentences.sort_unstable();
        let evidence: Vec<&str> =
            sentences.iter().take(3).map(|&s| doc.slice(Self::sentence_span(doc, s))).collect();
        let found = [
            date.as_ref().is_some_and(|d| !d.fallback),
            location.is_some(),
            actors.iter().any(|a| a.role == "perpetrator"),
            actors.iter().any(|a| a.role == "target"),
            !casualties.details.is_empty(),
            draft.cands.len() > 1,
        ];
        let confidence = 0.35 + 0.1 * found.iter().filter(|f| **f).count() as f64;
        let mut provenance = BTreeMap::new();
        provenance.insert("type", format!("events/{}", self.data.rule(best.trigger)));
        if !date_rule.is_empty() {
            provenance.insert("date", date_rule);
        }
        if !location_rule.is_empty() {
            provenance.insert("location", location_rule);
        }
        let mut mentions: Vec<TextRef> =
            draft.cands.iter().map(|c| TextRef::new(doc, c.span)).collect();
        mentions.sort_by_key(|m| m.start);
        Event {
            event_type: ty.event_type.clone(),
            subtype: ty.subtype.clone(),
            acled: Acled {
                event_type: ty.acled_type.clone(),
                sub_event_type: ty.acled_sub.clone(),
            },
            cameo: ty.cameo.clone(),
            trigger: TextRef::new(doc, best.span),
            mentions,
            date,
            location,
            actors,
            casualties,
            quotes,
            sentence: sentences.first().copied().unwrap_or(0),
            sentences,
            evidence: evidence.join(" "),
            confidence: (confidence.min(0.95) * 100.0).round() / 100.0,
            provenance,
        }
    }
}

impl EventBuilder {
    fn type_row(&self, subtype: &str) -> Option<&TypeRow> {
        self.data.types.iter().find(|t| t.subtype == subtype)
    }

    /// The ACLED distinctions the trigger alone cannot make: an attack on armed men is a
    /// battle; a clash of crowds, or a protest with fighting, a riot; a protest with shots or
    /// killings, one with intervention.
    fn refine(&self, doc: &Document, draft: &Draft, actors: &[Actor]) -> &TypeRow {
        let best = draft.cands[draft.best];
        let ty = &self.data.types[best.type_index];
        let kinds = |c: &Candidate| {
            let t = &self.data.types[c.type_index];
            (group(&t.event_type), t.subtype.as_str())
        };
        let has_cue = |cue: Cue, a: usize, b: usize| {
            self.data.cues.find(&doc.text, a, b).any(|(_, _, c)| c.contains(&cue))
        };
        let refined = match (group(&ty.event_type), ty.subtype.as_str()) {
            ("violent", "killing" | "armed_assault") => actors
                .iter()
                .any(|a| {
                    let armed_org = doc.mentions.iter().any(|m| {
                        Span::new(a.start, a.end).contains(m.span)
                            && matches!(&m.value, Value::Org(o) if matches!(o.org_type.as_str(), "military" | "police" | "armed_group"))
                    });
                    a.role == "target" && (armed_org || has_cue(Cue::Armed, a.start, a.end))
                })
                .then_some("attack_on_forces"),
            ("violent", "armed_clash") => draft
                .cands
                .iter()
                .any(|c| {
                    let s = Self::sentence_span(doc, c.sentence);
                    has_cue(Cue::Crowd, s.start, s.end)
                })
                .then_some("violent_demonstration"),
            ("demo", "peaceful_protest" | "protest_with_intervention") => {
                if draft.cands.iter().any(|c| kinds(c) == ("violent", "armed_clash")) {
                    Some("violent_demonstration")
                } else if draft.cands.iter().any(|c| kinds(c).0 == "violent") {
                    Some("protest_with_intervention")
                } else {
                    None
                }
            }
            _ => None,
        };
        refined.and_then(|s| self.type_row(s)).unwrap_or(ty)
    }
}

fn sorted_unique(it: impl Iterator<Item = usize>) -> Vec<usize> {
    let mut v: Vec<usize> = it.collect();
    v.sort_unstable();
    v.dedup();
    v
}

impl Stage for EventBuilder {
    fn name(&self) -> &'static str {
        "events"
    }
    fn requires(&self) -> &'static [Layer] {
        &[
            Layer::Sentences,
            Layer::Dates,
            Layer::Places,
            Layer::Orgs,
            Layer::Persons,
            Layer::Casualties,
            Layer::Quotes,
        ]
    }
    fn provides(&self) -> Layer {
        Layer::Events
    }
    fn annotate(&self, doc: &mut Document) {
        let cands = self.candidates(doc);
        if cands.is_empty() {
            return;
        }
        let drafts = self.merge(doc, cands);
        let violent = drafts
            .iter()
            .filter(|d| group(&self.data.types[d.cands[d.best].type_index].event_type) == "violent")
            .count();
        let events = (0..drafts.len()).map(|i| self.build(doc, &drafts, i, violent)).collect();
        doc.events = events;
    }
}
