/*!
Events: structured event records assembled from the tagged article.

The stage reads the triggers (`event_triggers.tsv`, one pass over the word starts), drops
those in a future, negated or hypothetical clause (`event_cues.tsv`), and merges the mentions
of one incident into one record: a trigger joins the latest event of a compatible type (violent
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
mod actors;
mod data;
mod merge;
mod record;
mod scan;
#[cfg(test)]
mod tests;
mod text;
mod when_where;

pub use record::{Acled, Actor, Casualties, CasualtyDetail, Event, EventDate, Location, TextRef};

use std::collections::BTreeMap;

use crate::data::Gazetteers;
use crate::doc::{Document, Kind, Span, Value};
use crate::error::Result;
use crate::pipeline::{Layer, Stage};
use data::{Cue, EventData, Strength, TypeRow};

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
    /// `a separate attack`: never the same incident as an earlier one.
    distinct: bool,
    /// Only joins an earlier event (`the strike`).
    refer: bool,
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
        // Sentences that report casualties (weak triggers need one).
        let mut casualty_sentences: Vec<usize> = doc
            .mentions_of(Kind::Casualty)
            .filter(|m| !matches!(&m.value, Value::Casualty(c) if c.count == 0))
            .map(|m| m.sentence)
            .collect();
        casualty_sentences.sort_unstable();
        for (s, e, trig) in self.data.triggers.find_all(text) {
            let Some(sentence) = doc.sentence_at(s) else { continue };
            let sspan = Self::sentence_span(doc, sentence);
            // The filters that need no cue come first: most triggers fail one of them.
            let casualty_here = casualty_sentences.binary_search(&sentence).is_ok();
            if trig.strength == Strength::Weak && !casualty_here {
                continue;
            }
            let before = text::words(text, text::words_before(text, sspan.start, s, 1), s);
            let definite = before.first().is_some_and(|w| self.data.words.has(w, Cue::Definite));
            if trig.strength == Strength::Refer && !definite {
                continue;
            }
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
            // `In a separate attack, gunmen killed...`: the sentence reports a new incident;
            // `another incident` alone speaks of none.
            let distinct_cue = self
                .data
                .cues
                .find(text, text::words_before(text, sspan.start, s, 2), s)
                .any(|(_, _, c)| c.contains(&Cue::Distinct));
            if distinct_cue && trig.strength == Strength::Anaphor {
                continue;
            }
            let distinct = distinct_cue
                || out.last().is_some_and(|c: &Candidate| c.sentence == sentence && c.distinct);
            out.push(Candidate {
                span: Span::new(s, e),
                sentence,
                type_index: trig.type_index,
                rank: trig.rank,
                trigger: trig.index,
                anaphoric: matches!(trig.strength, Strength::Anaphor | Strength::Refer) || definite,
                refer: trig.strength == Strength::Refer,
                distinct,
            });
        }
        out
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
        let mut actors = self.actors(doc, draft);
        for actor in &mut actors {
            actor.inter = self.inter(doc, actor);
        }
        let code = |role: &str| actors.iter().find(|a| a.role == role).and_then(|a| a.inter);
        let interaction = match (code("perpetrator"), code("target")) {
            (Some(a), Some(b)) => Some(10 * a.min(b) + a.max(b)),
            (Some(a), None) | (None, Some(a)) => Some(10 * a),
            (None, None) => None,
        };
        let ty = self.refine(doc, draft, &actors);
        let mut sentences = reading_order(doc, draft);
        let elsewhere = |s: usize| {
            drafts
                .iter()
                .enumerate()
                .any(|(i, d)| i != index && d.cands.iter().any(|c| c.sentence == s))
        };
        let (date, date_rule) = self.date(doc, &sentences, best.span, &elsewhere);
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
            interaction,
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
    /// True when the event's casualties are armed men (`a police sergeant was killed`).
    fn armed_victims(&self, doc: &Document, draft: &Draft) -> bool {
        doc.mentions_of(Kind::Casualty).any(|m| {
            let Value::Casualty(c) = &m.value else { return false };
            draft.cands.iter().any(|d| d.sentence == m.sentence)
                && self
                    .data
                    .cues
                    .find(&c.victim, 0, c.victim.len())
                    .any(|(_, _, k)| k.contains(&Cue::Armed))
        })
    }

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
                .then_some("attack_on_forces")
                .or_else(|| self.armed_victims(doc, draft).then_some("attack_on_forces")),
            ("violent", "armed_clash") => draft
                .cands
                .iter()
                .any(|c| {
                    let s = Self::sentence_span(doc, c.sentence);
                    has_cue(Cue::Crowd, s.start, s.end)
                })
                .then_some("violent_demonstration"),
            ("demo", "peaceful_protest" | "protest_with_intervention") => {
                let rampage = draft.cands.iter().any(|c| {
                    let s = Self::sentence_span(doc, c.sentence);
                    has_cue(Cue::Rampage, s.start, s.end)
                });
                if rampage || draft.cands.iter().any(|c| kinds(c) == ("violent", "armed_clash")) {
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

/// The event's sentences in the order its fields are read: the body first, then the title
/// (which repeats the lede in fewer words).
fn reading_order(doc: &Document, draft: &Draft) -> Vec<usize> {
    let mut sentences = sorted_unique(draft.cands.iter().map(|c| c.sentence));
    let title = doc.layout.title.and_then(|t| doc.sentence_at(t.start));
    if sentences.len() > 1 && title == sentences.first().copied() {
        sentences.remove(0);
        sentences.extend(title);
    }
    sentences
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
