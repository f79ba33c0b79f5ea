/*!
Places: gazetteer matches (countries, admin1, cities, curated regions and camps), filtered by
capitalisation evidence and resolved in context.

Resolution scores each candidate entry of a name: a country beats a region, which beats a
first-level division, and a city scores by population (a big city beats a division of the same
name: `Washington`, `Idlib`); the countries of the article (unambiguous places, demonyms, the
dateline) add to candidates there (`Tripoli` in Lebanon after `Beirut`); a qualifier `X, Y`
(`Paris, Texas`) decides outright. A name keeps its resolution through the article unless a
qualifier says otherwise (one sense per discourse). Names that are also common words or first
names (`Nice`, `Reading`, `Florence`) need a cue (`in Nice`, `Nice, France`, a dateline).

A compass word before a country, division or region is part of the mention (`northern Syria`,
name `Syria`). At the end of this stage, the last entity stage, `doc.mentions` is sorted.
*/
use serde::Serialize;

use super::entities::overlap::{admit, Candidate, Priority};
use super::entities::text::{tok_at, Scan, Tok};
use super::entities::{flag, Entities, FxMap, Inner, Place, NONE};
use crate::data::Gazetteers;
use crate::doc::{Document, Kind, Mention, Provenance, Span, Value};
use crate::error::Result;
use crate::pipeline::{Layer, Stage};

/// A resolved place.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlaceValue {
    /// Canonical name.
    pub name: String,
    /// ISO 3166-1 alpha-2 country code (absent for an area across countries, such as the Sahel).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub country: String,
    /// Name of the first-level division it lies in (or is), if known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub admin1: Option<String>,
    /// `country`, `admin1`, `county`, `city`, `region`, `camp`, `area` or `water`.
    pub feature: &'static str,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
    /// `government` when the name stands for its government rather than the place: a country or
    /// national capital as the subject of a speech or decision verb (`Washington said`,
    /// `Moscow denied`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metonymy: Option<&'static str>,
}

/// The [`PlaceValue::metonymy`] of a place that stands for its country's government.
pub const METONYMY_GOVERNMENT: &str = "government";

/// True when a place mention stands for its country's government; events and quotes can take
/// such a place as a government actor.
pub fn stands_for_government(m: &Mention) -> bool {
    matches!(&m.value, Value::Place(p) if p.metonymy == Some(METONYMY_GOVERNMENT))
}

/// The places stage.
pub struct PlaceTagger {
    entities: Entities,
}

impl PlaceTagger {
    /// Builds the stage from its gazetteers.
    pub fn new(_gazetteers: &Gazetteers, entities: &Entities) -> Result<PlaceTagger> {
        Ok(PlaceTagger { entities: entities.clone() })
    }
}

/// Compass words that join the following place into one mention.
fn compass(w: &str) -> bool {
    // Lower-cased without hyphens, in a stack buffer (this runs for every place hit).
    let mut buf = [0u8; 16];
    let mut n = 0;
    for &b in w.as_bytes() {
        if b == b'-' {
            continue;
        }
        let Some(slot) = buf.get_mut(n) else { return false };
        *slot = b.to_ascii_lowercase();
        n += 1;
    }
    let w = &buf[..n];
    let base = w.strip_suffix(b"ern").unwrap_or(w);
    matches!(
        base,
        b"north"
            | b"south"
            | b"east"
            | b"west"
            | b"northeast"
            | b"northwest"
            | b"southeast"
            | b"southwest"
            | b"central"
    )
}

/// Lower-case words before a place that show it is one.
pub(crate) fn place_cue(w: &str) -> bool {
    matches!(
        w,
        "in" | "near"
            | "at"
            | "from"
            | "to"
            | "outside"
            | "into"
            | "across"
            | "around"
            | "towards"
            | "toward"
            | "via"
            | "visit"
            | "visited"
            | "city"
            | "town"
            | "of"
    )
}

/// True when the place mention ending at token `last` is the subject of a verb in
/// `metonymy_verbs.txt` (`Moscow denied`, `Beijing has warned`) and no preposition precedes it
/// (`officials in Washington said`).
fn governs(toks: &[Tok], text: &str, first: usize, last: usize) -> bool {
    let verb = |i: usize| toks.get(i).is_some_and(|t| t.joined && t.w.is(flag::GOV_VERB));
    let aux = |i: usize| {
        toks.get(i).is_some_and(|t| {
            t.joined && matches!(t.text(text), "has" | "had" | "have" | "will" | "would" | "also")
        })
    };
    let preposition = first > 0 && toks[first].joined && lower_is_cue(toks[first - 1].text(text));
    !preposition && (verb(last + 1) || (aux(last + 1) && verb(last + 2)))
}

/// [`place_cue`] of the ASCII-lower-cased word.
fn lower_is_cue(w: &str) -> bool {
    w.len() <= 12 && place_cue(&w.to_ascii_lowercase())
}

/// The prior of a candidate: a country beats a region, which beats a division; a city scores
/// by population. A division loses to a big city of the same name in its country
/// (`big_city`): `Washington`, `Idlib`.
fn base_score(p: &Place, big_city: bool) -> f64 {
    match p.feature {
        "country" => 12.0,
        "region" | "camp" | "area" | "water" => 9.0,
        "admin1" if big_city => 5.0,
        "admin1" => 8.0,
        "county" => 7.0,
        _ => (p.population as f64 + 1.0).ln() / 2.0,
    }
}

impl PlaceTagger {
    /// Gazetteer hits that pass the capitalisation and common-word checks.
    fn hits(
        &self,
        e: &Inner,
        layout: &crate::doc::Layout,
        text: &str,
        scan: &Scan,
        flat: &mut Vec<u32>,
    ) -> Vec<(Span, usize, usize)> {
        let toks = &scan.toks[..];
        let mut out = Vec::new();
        for &(start, end, pid) in &scan.places {
            let ti = tok_at(toks, start);
            let tok = toks.get(ti).filter(|t| t.start == start);
            // An UPPER CASE name is trusted on a capitals line or as a dateline (`DAMASCUS —`).
            let after = &text[end..];
            let dateline = tok.is_some_and(|t| t.sent_start && t.caps)
                && [",", " —", " -", " –", " ("].iter().any(|p| after.starts_with(p));
            let caps_line = tok.is_some_and(|t| t.caps_line) || dateline;
            let surface = &text[start..end];
            let lower_word = surface.contains(char::is_lowercase) && e.lex.is(surface, flag::STOP);
            if compass(surface) || lower_word {
                continue;
            }
            if super::persons::credited(layout, scan, start) {
                continue;
            }
            let entries = e.place_names.hits(pid).iter().filter(|h| !h.upper || caps_line);
            if entries.clone().next().is_none() {
                continue;
            }
            let mut cue = false;
            let mut strong_cue = false;
            if let Some(t) = tok {
                if !caps_line && !t.title_line {
                    // Part of a longer capitalised name (`Grace Road`, `Leicester City`).
                    let last = tok_at(toks, end).saturating_sub(1);
                    let next = toks.get(last + 1).filter(|n| n.joined && toks[last].end == end);
                    let continued = next.is_some_and(|n| {
                        n.cap
                            && !n.w.is(flag::STOP | flag::TITLE)
                            && n.w.demonym == 0
                            && n.w.place == NONE
                            && !compass(n.text(text))
                    });
                    let prev = ti.checked_sub(1).map(|i| &toks[i]).filter(|_| t.joined);
                    let preceded = prev.is_some_and(|p| {
                        p.cap
                            && !p.sent_start
                            && !p.w.is(flag::STOP | flag::TITLE)
                            && !compass(p.text(text))
                            && p.w.place == NONE
                    });
                    if continued || preceded {
                        continue;
                    }
                    cue = prev.is_some_and(|p| place_cue(p.text(text)));
                }
                strong_cue = after.starts_with(", ") && after[2..].starts_with(char::is_uppercase)
                    || (t.sent_start && (after.starts_with(',') || after.starts_with(" (")))
                    || (caps_line && t.sent_start);
            }
            let needs_cue = |p: &Place| {
                p.common
                    || (p.feature == "city"
                        && tok.is_some_and(|t| t.sent_start)
                        && e.lex.is(surface, flag::FIRST))
            };
            let first = flat.len();
            let kept = entries.map(|h| h.entry);
            flat.extend(kept.filter(|&i| !needs_cue(&e.places[i as usize]) || cue || strong_cue));
            if flat.len() > first {
                out.push((Span::new(start, end), first, flat.len()));
            }
        }
        out
    }
}

impl Stage for PlaceTagger {
    fn name(&self) -> &'static str {
        "places"
    }
    fn requires(&self) -> &'static [Layer] {
        &[Layer::Sentences, Layer::Orgs, Layer::Persons]
    }
    fn provides(&self) -> Layer {
        Layer::Places
    }
    fn annotate(&self, doc: &mut Document) {
        let e = &*self.entities.0;
        let text = doc.text.as_str();
        let scan = super::entities::text::scan(e, text);
        let toks = &scan.toks[..];
        // The candidates of all hits in one buffer (two vectors per hit cost ~10% of the stage).
        let mut flat = Vec::new();
        let found = self.hits(e, &doc.layout, text, &scan, &mut flat);
        let hits: Vec<(Span, &[u32])> = found.iter().map(|&(s, a, b)| (s, &flat[a..b])).collect();

        // Country context: unambiguous places, demonyms, the dateline.
        let key = |i: u32| e.place_keys[i as usize];
        let mut context: FxMap<u16, f64> = FxMap::default();
        let dateline = doc.layout.dateline.as_ref().map(|d| d.span);
        for (span, cands) in &hits {
            let cc = key(cands[0]).cc;
            if cands.iter().all(|&i| key(i).cc == cc) {
                let w = if dateline.is_some_and(|d| d.contains(*span)) { 3.0 } else { 1.0 };
                *context.entry(cc).or_default() += w;
            }
        }
        for t in toks.iter().filter(|t| t.cap) {
            if let Some(cc) = e.demonym_cc_id(t.w) {
                *context.entry(cc).or_default() += 1.0;
            }
        }

        let mut resolved: FxMap<&str, u32> = FxMap::default();
        let mut chosen: Vec<(Span, u32)> = Vec::with_capacity(hits.len());
        for (k, (span, cands)) in hits.iter().enumerate() {
            let surface = &text[span.start..span.end];
            // `X, Y`: the next hit right after a comma qualifies this one.
            let qualifier = hits.get(k + 1).filter(|(s, _)| text[span.end..s.start].trim() == ",");
            // ... and this one qualifies the previous one, whose country and division it holds.
            let qualified = k
                .checked_sub(1)
                .filter(|&j| text[hits[j].0.end..span.start].trim() == ",")
                .and_then(|j| chosen.iter().rev().find(|(s, _)| *s == hits[j].0))
                .map(|&(_, i)| &e.places[i as usize]);
            if qualifier.is_none() && qualified.is_none() {
                if let Some(&i) = resolved.get(surface) {
                    chosen.push((*span, i));
                    continue;
                }
            }
            let best = cands
                .iter()
                .map(|&i| {
                    let p = &e.places[i as usize];
                    let cc = key(i).cc;
                    let big_city = cands.iter().any(|&j| key(j).big_city && key(j).cc == cc);
                    let mut s = base_score(p, big_city);
                    s += context.get(&cc).map_or(0.0, |c| 2.0 + c.min(5.0) / 5.0);
                    if let Some((_, qc)) = qualifier {
                        for &j in qc.iter() {
                            let q = &e.places[j as usize];
                            let same_admin1 = match (p.admin1, q.admin1) {
                                (Some(a), Some(b)) => e.str(a) == e.str(b),
                                (a, b) => a == b,
                            };
                            if q.cc == p.cc && (q.feature == "country" || same_admin1) {
                                s += if q.feature == "admin1" { 25.0 } else { 20.0 };
                                break;
                            }
                        }
                    }
                    if let Some(x) = qualified {
                        let holds = x.cc == p.cc
                            && (p.feature == "country"
                                || (p.feature == "admin1"
                                    && x.admin1.is_some_and(|a| e.str(a) == e.str(p.name))));
                        if holds {
                            s += 20.0;
                        }
                    }
                    (s, i)
                })
                .max_by(|a, b| a.0.total_cmp(&b.0).then(b.1.cmp(&a.1)));
            if let Some((_, i)) = best {
                resolved.entry(surface).or_insert(i);
                chosen.push((*span, i));
            }
        }

        for (span, i) in chosen {
            let p = &e.places[i as usize];
            let mut span = span;
            let mut feature = p.feature;
            if matches!(p.feature, "country" | "admin1" | "region") {
                let ti = tok_at(toks, span.start);
                if ti > 0 && toks.get(ti).is_some_and(|t| t.start == span.start && t.joined) {
                    let prev = &toks[ti - 1];
                    if compass(prev.text(text)) {
                        span = Span::new(prev.start, span.end);
                        feature = "region";
                    }
                }
            }
            let cand = Candidate { span, kind: Kind::Place, priority: Priority::Curated };
            if !admit(&mut doc.mentions, &cand) {
                continue;
            }
            let sentence = doc.sentence_at(span.start).unwrap_or(usize::MAX);
            let (ft, lt) = (tok_at(toks, span.start), tok_at(toks, span.end).saturating_sub(1));
            let metonymy = ((p.feature == "country" || p.capital)
                && toks.get(ft).is_some_and(|t| t.start == span.start)
                && toks.get(lt).is_some_and(|t| t.end == span.end)
                && governs(toks, text, ft, lt))
            .then_some(METONYMY_GOVERNMENT);
            doc.mentions.push(Mention {
                span,
                sentence,
                value: Value::Place(PlaceValue {
                    name: e.str(p.name).to_string(),
                    country: e.str(p.cc).to_string(),
                    admin1: p
                        .admin1
                        .filter(|&a| e.str(a) != e.str(p.name))
                        .map(|a| e.str(a).to_string()),
                    feature,
                    lat: p.lat,
                    lon: p.lon,
                    metonymy,
                }),
                provenance: Provenance::new("places", p.source.rule()),
            });
        }
        // Stable, and it moves each (large) mention once instead of through a scratch copy.
        doc.mentions.sort_by_cached_key(|m| (m.span.start, m.span.end));
    }
}
