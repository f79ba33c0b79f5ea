/*!
The event record's output types (`docs/schema.md`).
*/
use std::collections::BTreeMap;

use serde::Serialize;

use crate::doc::{Document, Span};

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
    /// ACLED `interaction`: the perpetrator's and target's `inter` codes, lower first (`17`),
    /// or one code times ten when only one actor's type is known (`60`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interaction: Option<u8>,
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
    pub(super) fn new(doc: &Document, span: Span) -> TextRef {
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
    /// How a country-level place was inferred when the event's sentences name no place:
    /// `article_place` (the country of the article's other places), `org_country` (a named
    /// organization's home country), `demonym` (`Kenyan police`). Absent when named.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inferred: Option<&'static str>,
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
    /// ACLED actor type code (1 state forces, 2 rebels, 3 political militias, 4 identity
    /// militias, 5 rioters, 6 protesters, 7 civilians, 8 external/other), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inter: Option<u8>,
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
