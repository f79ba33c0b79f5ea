/*!
The event's actors: perpetrators and targets with their roles.
*/
use crate::doc::{Document, Kind, Mention, Span, Value};

use super::data::Cue;
use super::{group, reading_order, text, Actor, Candidate, Draft, EventBuilder};

/// Bytes between an agent and its trigger that still make it the trigger's subject.
const NEAR: usize = 24;

impl EventBuilder {
    /// Perpetrators and targets from the event's sentences.
    pub(super) fn actors(&self, doc: &Document, draft: &Draft) -> Vec<Actor> {
        let text = doc.text.as_str();
        let mut actors: Vec<Actor> = Vec::new();
        let add = |actors: &mut Vec<Actor>, actor: Actor| {
            if !actors.iter().any(|a| a.role == actor.role && a.name == actor.name) {
                actors.push(actor);
            }
        };
        let sentences = reading_order(doc, draft);
        let named = |m: &Mention| match &m.value {
            Value::Org(o) => Some((o.name.clone(), "org")),
            Value::Person(p) => Some((p.name.clone(), "person")),
            _ => None,
        };
        // The sentence after an event sentence, in its paragraph or opening the next, often names
        // who did it (`The attacker was linked to X`, `Officials blamed X`), but only through an
        // explicit cue there.
        let para = |i: usize| doc.sentences.get(i).map(|s| s.paragraph);
        let next: Vec<usize> = sentences
            .iter()
            .map(|&s| s + 1)
            .filter(|&s| !sentences.contains(&s) && para(s).is_some())
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
                        && text::at_most_words(text, c.span.end, a, 2)
                })
            };
            let cue_before = self.data.cues.find(text, window, m.span.start).any(|(a, b, c)| {
                c.contains(&Cue::Perpetrator)
                    && (!self.data.words.has(&text[a..b], Cue::PassiveAgent) || after_trigger(a))
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
                        && text::at_most_words(text, m.span.end, c.span.start, 2)
                        && !c.anaphoric
                        && !self.is_passive(doc, c.span)
                        && !self.repels(text, c.span)
                });
            let rule = if claims {
                "claim"
            } else if in_event && self.reports_own_strike(doc, draft, m) {
                "reports_own_strike"
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
                inter: None,
            };
            add(&mut actors, actor);
        }
        if actors.is_empty() {
            if let Some(agent) = self.agent(doc, draft, &sentences) {
                add(&mut actors, agent);
            }
        }
        if actors.is_empty() {
            if let Some(country) = self.demonym_perpetrator(doc, draft) {
                add(&mut actors, country);
            }
        }
        let accord = matches!(
            self.data.types[draft.cands[draft.best].type_index].event_type.as_str(),
            "agreement" | "cooperation"
        );
        if accord && actors.is_empty() {
            for party in self.parties(doc, &sentences) {
                add(&mut actors, party);
            }
            return actors;
        }
        if let Some(target) = self.target(doc, draft) {
            add(&mut actors, target);
        }
        actors
    }

    /// A state force saying that `the strike was conducted` (with no `by` naming another) reports
    /// its own strike.
    fn reports_own_strike(&self, doc: &Document, draft: &Draft, m: &Mention) -> bool {
        let text = doc.text.as_str();
        let state = matches!(&m.value, Value::Org(o) if matches!(o.org_type.as_str(), "military" | "government"));
        if !state {
            return false;
        }
        let sspan = Self::sentence_span(doc, m.sentence);
        draft
            .cands
            .iter()
            .filter(|c| c.sentence == m.sentence && c.anaphoric && c.span.start > m.span.end)
            .any(|c| {
                let said = self
                    .data
                    .cues
                    .find(text, m.span.end, c.span.start)
                    .any(|(_, _, k)| k.contains(&Cue::Speech));
                let end = text::clause_end(text, c.span.end, sspan.end);
                let own = text::words_after(text, c.span.end, end, 3);
                let own = self
                    .data
                    .cues
                    .find(text, c.span.end, own)
                    .find(|(_, _, k)| k.contains(&Cue::OwnAction));
                let by_other = |b: usize| {
                    text::words(text, b, text::words_after(text, b, end, 1))
                        .first()
                        .is_some_and(|w| self.data.words.has(w, Cue::PassiveAgent))
                };
                said && text::at_most_words(text, m.span.end, c.span.start, 8)
                    && own.is_some_and(|(_, b, _)| !by_other(b))
            })
    }

    /// The ACLED actor type of `actor`: from an organization's type, a state (`Russia`), or the
    /// last actor-type word of the phrase (`three Somali soldiers` → 1).
    pub(super) fn inter(&self, doc: &Document, actor: &Actor) -> Option<u8> {
        let span = Span::new(actor.start, actor.end);
        let org = doc.mentions.iter().find_map(|m| match &m.value {
            Value::Org(o) if span.contains(m.span) => Some(o.org_type.as_str()),
            _ => None,
        });
        match (actor.kind, org) {
            (Some("country"), _) => return Some(1),
            (_, Some("military" | "police" | "government")) => return Some(1),
            (_, Some("armed_group")) => return Some(2),
            (_, Some("party")) => return Some(3),
            _ => {}
        }
        let text = doc.text.get(actor.start..actor.end)?;
        self.data
            .cues
            .find(text, 0, text.len())
            .filter_map(|(_, _, c)| {
                c.iter().find_map(|k| match k {
                    Cue::Inter(n) => Some(*n),
                    _ => None,
                })
            })
            .last()
    }

    /// The two parties of an agreement: `X and Y agreed...` (the first as `perpetrator`, the
    /// second as `target`, as ACLED's actor1 and actor2).
    fn parties(&self, doc: &Document, sentences: &[usize]) -> Vec<Actor> {
        let text = doc.text.as_str();
        let dateline = doc.layout.dateline.as_ref().map_or(0, |d| d.span.end);
        for &s in sentences {
            let sspan = Self::sentence_span(doc, s);
            let start = sspan.start.max(dateline.min(sspan.end));
            let verb = self
                .data
                .cues
                .find(text, start, sspan.end)
                .find(|(_, _, c)| c.contains(&Cue::Accord));
            let Some((v, _, _)) = verb else { continue };
            let subject = &text[start..v];
            let Some(and) = subject.find(" and ") else { continue };
            let halves = [(start, start + and), (start + and + 5, v)];
            let mut out = Vec::new();
            for ((a, b), role) in halves.into_iter().zip(["perpetrator", "target"]) {
                let Some((a, b)) = text::phrase_after(text, a, b, &self.data.words, &|_, _| false)
                else {
                    break;
                };
                let span = Span::new(a, b);
                let named = doc.mentions.iter().find(|m| span.contains(m.span));
                let (name, kind) = match named.map(|m| &m.value) {
                    Some(Value::Org(o)) => (o.name.clone(), Some("org")),
                    Some(Value::Person(p)) => (p.name.clone(), Some("person")),
                    _ => (doc.slice(span).to_string(), None),
                };
                let country = self.data.demonym_country(doc.slice(span));
                out.push(Actor {
                    role,
                    name,
                    kind,
                    country,
                    start: a,
                    end: b,
                    rule: "agreement_party",
                    inter: None,
                });
            }
            if out.len() == 2 {
                return out;
            }
        }
        Vec::new()
    }

    /// The country of a demonym right before a trigger (`Russian drone strike`, `Israeli
    /// airstrikes`): the state that fired.
    fn demonym_perpetrator(&self, doc: &Document, draft: &Draft) -> Option<Actor> {
        let text = doc.text.as_str();
        draft.cands.iter().filter(|c| !c.anaphoric).find_map(|c| {
            let start = text::words_before(text, 0, c.span.start, 1);
            let (a, b, iso) = self.data.demonyms.find(text, start, c.span.start).last()?;
            if !text[b..c.span.start].trim().is_empty() {
                return None;
            }
            let (name, _, _) = self.data.countries.get(iso)?;
            let actor = Actor {
                role: "perpetrator",
                name: name.clone(),
                kind: Some("country"),
                country: Some(iso.clone()),
                start: a,
                end: b,
                rule: "demonym_of_trigger",
                inter: None,
            };
            Some(actor)
        })
    }

    /// A generic agent (`gunmen`) that acts: `by X`, or the subject of an active trigger in its
    /// clause (the nearest one), not a source (`police said`).
    pub(super) fn agent(
        &self,
        doc: &Document,
        draft: &Draft,
        sentences: &[usize],
    ) -> Option<Actor> {
        let text = doc.text.as_str();
        // A near subject (`gunmen opened fire`) in the body wins over one in the title; with none
        // near, the nearest anywhere.
        let mut best: Option<((bool, usize, usize), Actor)> = None;
        for (order, &s) in sentences.iter().enumerate() {
            let sspan = Self::sentence_span(doc, s);
            for (a, b, cue) in self.data.cues.find(text, sspan.start, sspan.end) {
                if !cue.contains(&Cue::Agent) {
                    continue;
                }
                let next = text::words_after(text, b, sspan.end, 1);
                if self.data.cues.find(text, b, next).any(|(_, _, c)| c.contains(&Cue::Speech)) {
                    continue;
                }
                // `against al-Shabaab militants` names the target.
                let before = text::words_before(text, sspan.start, a, 2).max(text::clause_start(
                    text,
                    sspan.start,
                    a,
                ));
                if self.data.cues.find(text, before, a).any(|(_, _, c)| c.contains(&Cue::Target)) {
                    continue;
                }
                let window = text::words_before(text, sspan.start, a, 1);
                let by = text::words(text, window, a)
                    .first()
                    .is_some_and(|w| self.data.words.has(w, Cue::PassiveAgent));
                // An agent that is itself the trigger (`a suicide bomber rammed`) acts.
                let itself = draft.cands.iter().any(|c| {
                    c.span.start == a
                        && !c.anaphoric
                        && group(&self.data.types[c.type_index].event_type) == "violent"
                });
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
                let Some(distance) = (if by || itself { Some(0) } else { distance }) else {
                    continue;
                };
                let key = if distance <= NEAR {
                    (false, order, distance)
                } else {
                    (true, distance, order)
                };
                if best.as_ref().is_some_and(|(k, _)| *k <= key) {
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
                    inter: None,
                };
                best = Some((key, actor));
            }
        }
        best.map(|(_, a)| a)
    }

    /// A number word or digits directly before an agent noun belongs to it (`two gunmen`).
    pub(super) fn count_before(&self, doc: &Document, pos: usize) -> usize {
        let start = text::words_before(&doc.text, 0, pos, 1);
        let word = text::words(&doc.text, start, pos);
        let glued = doc.text[start..pos].trim_end().ends_with(|c: char| c.is_ascii_alphanumeric());
        let numeric = glued
            && word.first().is_some_and(|w| {
                w.bytes().all(|b| b.is_ascii_digit()) || self.data.words.has(w, Cue::Count)
            });
        if numeric {
            start
        } else {
            pos
        }
    }

    /// `was attacked`, `were killed`, or a headline's `killed by police`.
    pub(super) fn is_passive(&self, doc: &Document, trigger: Span) -> bool {
        let start = text::words_before(&doc.text, 0, trigger.start, 2);
        let words = &self.data.words;
        let aux = text::words(&doc.text, start, trigger.start)
            .iter()
            .any(|w| words.has(w, Cue::Auxiliary));
        let end = text::words_after(&doc.text, trigger.end, doc.text.len(), 1);
        aux || text::words(&doc.text, trigger.end, end)
            .first()
            .is_some_and(|w| words.has(w, Cue::PassiveAgent))
    }

    /// The target: the subject of a passive trigger, the phrase after `on`/`against`, or the
    /// object of an active verb trigger.
    pub(super) fn target(&self, doc: &Document, draft: &Draft) -> Option<Actor> {
        if let Some(actor) = self.defenders(doc, draft) {
            return Some(actor);
        }
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
                text::phrase_before(
                    text,
                    sspan.start,
                    aux.saturating_sub(1),
                    &self.data.words,
                    &|_, _| false,
                )
                .map(|p| (p, "passive_subject"))
            } else {
                let end = text::clause_end(text, c.span.end, sspan.end);
                let cue = self.data.cues.find(text, c.span.end, end).find(|(a, b, cue)| {
                    let next = text::words(text, *b, text::words_after(text, *b, end, 1));
                    let quantity =
                        next.first().is_some_and(|w| self.data.words.has(w, Cue::Quantity));
                    cue.contains(&Cue::Target)
                        && !quantity
                        && text::at_most_words(text, c.span.end, *a, 2)
                });
                // Protest verbs take no victim: `marched peacefully through` names no target.
                let ty = &self.data.types[c.type_index];
                let word = doc.slice(c.span).to_ascii_lowercase();
                let last = word.rsplit(' ').next().unwrap_or_default();
                let irregular = self.data.words.has(last, Cue::IrregularPast);
                let verb = word.ends_with("ed")
                    || irregular
                    || (ty.subtype == "killing" && !word.ends_with("ing"));
                let transitive = verb && group(&ty.event_type) != "demo";
                // `protest against X` names a grievance, not a target.
                let cue = cue.filter(|_| ty.subtype != "peaceful_protest");
                // A trigger ends the phrase (`attack on X kills`) unless it names people
                // (`at Paris protesters`).
                let stop = |a: usize, b: usize| {
                    self.data.triggers.find(text, a, b).next().is_some()
                        && !self.data.cues.find(text, a, b).any(|(_, _, c)| c.contains(&Cue::Agent))
                };
                match cue {
                    Some((_, b, _)) => text::phrase_after(text, b, end, &self.data.words, &stop)
                        .map(|p| (p, "target_cue")),
                    None if transitive => {
                        text::phrase_after(text, c.span.end, end, &self.data.words, &stop)
                            .map(|p| (p, "object_of_trigger"))
                    }
                    None => None,
                }
            };
            let Some(((a, b), rule)) = found else { continue };
            if let Some(actor) = self.target_named(doc, a, b, rule) {
                return Some(actor);
            }
        }
        None
    }

    /// True when the trigger is a defence verb (`fought off`): its subject defends.
    fn repels(&self, text: &str, trigger: Span) -> bool {
        let end = text::words_after(text, trigger.end, text.len(), 1);
        self.data
            .cues
            .find(text, trigger.start, end)
            .any(|(a, _, c)| a == trigger.start && c.contains(&Cue::Repel))
    }

    /// The defenders as the target: the subject of `fought off / repelled <an attack>` (the
    /// attack's own `by X` names the perpetrator).
    fn defenders(&self, doc: &Document, draft: &Draft) -> Option<Actor> {
        let text = doc.text.as_str();
        for s in reading_order(doc, draft) {
            let sspan = Self::sentence_span(doc, s);
            for (a, b, cue) in self.data.cues.find(text, sspan.start, sspan.end) {
                let attack = draft.cands.iter().any(|c| {
                    c.sentence == s
                        && c.span.start >= b
                        && text::at_most_words(text, b, c.span.start, 2)
                        && group(&self.data.types[c.type_index].event_type) == "violent"
                });
                if !cue.contains(&Cue::Repel) || !attack {
                    continue;
                }
                let Some((pa, pb)) =
                    text::phrase_before(text, sspan.start, a, &self.data.words, &|_, _| false)
                else {
                    continue;
                };
                if let Some(actor) = self.target_named(doc, pa, pb, "defender") {
                    return Some(actor);
                }
            }
        }
        None
    }

    /// The target actor of phrase `text[a..b]`, unless it only names a place or a date.
    fn target_named(
        &self,
        doc: &Document,
        a: usize,
        b: usize,
        rule: &'static str,
    ) -> Option<Actor> {
        let text = doc.text.as_str();
        // A place or a date is never a target: `on Kharkiv` names where, `Paris protesters` who.
        let place = doc
            .mentions
            .iter()
            .filter(|m| matches!(m.kind(), Kind::Place | Kind::Date))
            .find(|m| m.span.start == a && m.span.end <= b);
        let a = match place {
            Some(m) if text[m.span.end..b].trim().is_empty() => return None,
            Some(m) => m.span.end,
            None => a,
        };
        let a = a + text[a..b].len() - text[a..b].trim_start().len();
        let span = Span::new(a, b);
        // A named organization or person keeps its canonical name; an armed group named in
        // the phrase is the target (`seven al-Shabaab fighters` → al-Shabaab, ACLED's actor2).
        let named = doc.mentions.iter().find(|m| {
            let armed = matches!(&m.value, Value::Org(o) if o.org_type == "armed_group");
            let named = matches!(&m.value, Value::Org(_) | Value::Person(_));
            span.contains(m.span) && named && (armed || m.span.len() * 2 >= span.len())
        });
        let (name, kind) = match named.map(|m| &m.value) {
            Some(Value::Org(o)) => (o.name.clone(), Some("org")),
            Some(Value::Person(p)) => (p.name.clone(), Some("person")),
            _ => (doc.slice(span).to_string(), None),
        };
        let country = self.data.demonym_country(doc.slice(span));
        Some(Actor { role: "target", name, kind, country, start: a, end: b, rule, inter: None })
    }
}
