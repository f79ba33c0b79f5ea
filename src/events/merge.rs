/*!
Merging the trigger mentions of one incident into one draft event.
*/
use crate::doc::{Document, Kind, Value};
use crate::tag::places::PlaceValue;

use super::{group, Candidate, Draft, EventBuilder, DAY_LEN};

impl EventBuilder {
    /// The day-or-finer date value in `sentence`, if any, for telling incidents apart; a date
    /// that dates a report (`officials said on Tuesday`) does not date the incident.
    pub(super) fn own_date<'d>(&self, doc: &'d Document, sentence: usize) -> Option<&'d str> {
        doc.mentions_of(Kind::Date).filter(|m| m.sentence == sentence).find_map(|m| {
            match &m.value {
                Value::Date(d)
                    if d.timex_type == "DATE"
                        && d.value.len() >= DAY_LEN
                        && !self.reporting_date(doc, m) =>
                {
                    Some(d.value.as_str())
                }
                _ => None,
            }
        })
    }

    /// The specific (below country) place named in `sentence` outside the dateline, if any.
    pub(super) fn own_place<'d>(
        &self,
        doc: &'d Document,
        sentence: usize,
    ) -> Option<&'d PlaceValue> {
        let dateline = doc.layout.dateline.as_ref().map(|d| d.span);
        doc.mentions_of(Kind::Place)
            .filter(|m| m.sentence == sentence && !dateline.is_some_and(|d| d.contains(m.span)))
            .find_map(|m| match &m.value {
                Value::Place(p) if !self.is_country(p) => Some(p),
                _ => None,
            })
    }

    /// True for a place no more specific than a country (a country, or a region across
    /// countries such as the Sahel).
    /// A region inside one country (`Lower Shabelle`) is specific; `southern Somalia` is not.
    pub(super) fn is_country(&self, place: &PlaceValue) -> bool {
        let country_name = self.data.countries.get(&place.country).map(|c| c.0.as_str());
        place.feature == "country"
            || (place.feature == "region"
                && (place.country.is_empty() || country_name == Some(place.name.as_str())))
    }

    /// True when `cand` cannot be the same incident as `draft`: another date or place.
    pub(super) fn conflicts(&self, doc: &Document, draft: &Draft, cand: &Candidate) -> bool {
        let sentences: Vec<usize> = draft.cands.iter().map(|c| c.sentence).collect();
        if sentences.contains(&cand.sentence) {
            return false;
        }
        let differs =
            |a: Option<&str>, b: Option<&str>| matches!((a, b), (Some(a), Some(b)) if a != b);
        // Places differ unless equal or nested (a town and its province).
        let apart = |a: Option<&PlaceValue>, b: Option<&PlaceValue>| match (a, b) {
            (Some(a), Some(b)) => a.name != b.name && !inside(a, b) && !inside(b, a),
            _ => false,
        };
        let date = self.own_date(doc, cand.sentence);
        let place = self.own_place(doc, cand.sentence);
        sentences
            .iter()
            .any(|&s| differs(date, self.own_date(doc, s)) || apart(place, self.own_place(doc, s)))
    }

    /// Groups the candidates into incidents.
    pub(super) fn merge(&self, doc: &Document, cands: Vec<Candidate>) -> Vec<Draft> {
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
            // ACLED codes arrests made at a protest as part of the protest.
            let joins_protest = (crowd_violence(&cand) || ty.event_type == "arrest")
                && drafts.last().is_some_and(|d| group_of(&d.cands[d.best]) == "demo" && near(d));
            // Only a protest word (not `hurled`, `looted`) turns nearby violence into a protest.
            let protest_joins = ty.event_type == "protest"
                && drafts.last().is_some_and(|d| d.cands.iter().all(crowd_violence) && near(d));
            let target = if joins_protest || protest_joins {
                last
            } else {
                drafts.iter().rposition(|d| {
                    group_of(&d.cands[d.best]) == group(&ty.event_type)
                        && (!cand.distinct || d.cands.iter().any(|c| c.sentence == cand.sentence))
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
                None if cand.refer => {}
                None => drafts.push(Draft { cands: vec![cand], best: 0 }),
            }
        }
        drafts
    }
}

/// True when `place` lies in `area` (`Konduga` in `Borno`, whose admin1 is `Borno State`).
fn inside(place: &PlaceValue, area: &PlaceValue) -> bool {
    place.admin1.as_deref().is_some_and(|a| {
        a.strip_prefix(area.name.as_str())
            .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
    })
}
