/*!
The event's date and place, read from its sentences.
*/
use crate::doc::{Document, Kind, Mention, Span, Value};

use super::data::Cue;
use super::{text, EventBuilder, EventDate, Location, DAY_LEN};

impl EventBuilder {
    /// True when the date mention is bound to a speech verb next to it (`said on Tuesday`, `Tuesday said`).
    pub(super) fn reporting_date(&self, doc: &Document, m: &Mention) -> bool {
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
    pub(super) fn date(
        &self,
        doc: &Document,
        sentences: &[usize],
        trigger: Span,
        elsewhere: &dyn Fn(usize) -> bool,
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
        // The sentence after the lede often gives the details (`... on Sunday morning`) when it
        // reports no other event.
        let next = first + 1;
        let detail = doc
            .mentions_of(Kind::Date)
            .filter(dated)
            .find(|m| m.sentence == next && !sentences.contains(&next) && !elsewhere(next));
        if let Some(m) = detail {
            return make(m, "next_sentence");
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
    pub(super) fn location(
        &self,
        doc: &Document,
        sentences: &[usize],
    ) -> (Option<Location>, String) {
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
        // The most specific place (a town over its province), then one introduced by `in`,
        // `near`..., then the first.
        let level = |m: &&&Mention| match &m.value {
            Value::Place(p) => match p.feature {
                "admin1" | "region" => 2,
                "county" => 1,
                _ => 0,
            },
            _ => 3,
        };
        let chosen = places
            .iter()
            .filter(in_event)
            .filter(agrees)
            .filter(|m| !in_dateline(m))
            .filter(specific)
            .min_by_key(|m| (level(m), !introduced(m), m.span.start))
            .map(|m| {
                (m, if introduced(&m) { "event_sentence_preposition" } else { "event_sentence" })
            })
            .or_else(|| places.iter().filter(in_dateline).find(specific).map(|m| (m, "dateline")))
            .or_else(|| places.iter().find(in_event).map(|m| (m, "event_sentence_country")))
            .or_else(|| places.iter().find(in_dateline).map(|m| (m, "dateline_country")))
            .or_else(|| places.iter().filter(in_lead).find(specific).map(|m| (m, "lead")));
        let Some((m, how)) = chosen else { return self.inferred_location(doc, sentences) };
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
            inferred: None,
        };
        (Some(location), format!("{}/{}; events/{how}", m.provenance.stage, m.provenance.rule))
    }

    /// With no place named in the event's sentences, the dateline or the lead: the country of
    /// the article's other places, else a demonym before a state, home or agent noun (`Kenyan
    /// police`), else a named organization's home country (in the event's sentences, then
    /// anywhere: an armed group often acts abroad), at the country's centroid and marked as
    /// inferred.
    pub(super) fn inferred_location(
        &self,
        doc: &Document,
        sentences: &[usize],
    ) -> (Option<Location>, String) {
        let text = doc.text.as_str();
        let make = |iso: &str, span: Span, how: &'static str| {
            let (name, lat, lon) = self.data.countries.get(iso)?;
            let location = Location {
                name: name.clone(),
                country: iso.to_string(),
                lat: *lat,
                lon: *lon,
                text: text[span.start..span.end].to_string(),
                start: span.start,
                end: span.end,
                inferred: Some(how),
            };
            Some((Some(location), format!("events/{how}")))
        };
        // The country most of the article's places lie in.
        let mut counts: Vec<(&str, usize, Span)> = Vec::new();
        for m in doc.mentions_of(Kind::Place) {
            let Value::Place(p) = &m.value else { continue };
            if p.country.is_empty() {
                continue;
            }
            match counts.iter_mut().find(|c| c.0 == p.country) {
                Some(c) => c.1 += 1,
                None => counts.push((p.country.as_str(), 1, m.span)),
            }
        }
        let top = counts.iter().enumerate().max_by_key(|(i, c)| (c.1, std::cmp::Reverse(*i)));
        if let Some(found) = top.and_then(|(_, c)| make(c.0, c.2, "article_place")) {
            return found;
        }
        for &s in sentences {
            let span = Self::sentence_span(doc, s);
            // `Kenyan police` places the event in Kenya; `Somali refugees` does not.
            let home = |b: usize| {
                let next = text::words_after(text, b, span.end, 1);
                self.data
                    .cues
                    .find(text, b, next)
                    .any(|(_, _, c)| c.contains(&Cue::Home) || c.contains(&Cue::Agent))
            };
            let found =
                self.data.demonyms.find(text, span.start, span.end).find(|(_, b, _)| home(*b));
            let Some((a, b, iso)) = found else { continue };
            if let Some(found) = make(iso, Span::new(a, b), "demonym") {
                return found;
            }
        }
        fn org_country(m: &Mention) -> Option<(&str, Span)> {
            match &m.value {
                Value::Org(o) => o.country.as_deref().map(|c| (c, m.span)),
                _ => None,
            }
        }
        let org = doc
            .mentions
            .iter()
            .filter(|m| sentences.contains(&m.sentence))
            .find_map(org_country)
            .or_else(|| doc.mentions.iter().find_map(org_country));
        if let Some(found) = org.and_then(|(iso, span)| make(iso, span, "org_country")) {
            return found;
        }
        (None, String::new())
    }

    /// The start of a `near `/`in `... (class `place_preposition`) directly before `pos`, else
    /// `pos`.
    pub(super) fn preposition_before(&self, doc: &Document, pos: usize) -> usize {
        let start = text::words_before(&doc.text, 0, pos, 1);
        let word = text::words(&doc.text, start, pos);
        match word.first() {
            Some(w) if self.data.words.has(w, Cue::PlacePreposition) => start,
            _ => pos,
        }
    }
}
