/*!
The serialized record types (`schema_version` 1), separate from the document model.

Field by field, the full schema is documented in `docs/schema.md`. All offsets are byte offsets
into the article's text, half-open.
*/
use serde::Serialize;

use crate::doc::{Document, Mention, Span, Value};
use crate::events::Event;
use crate::tag::casualties::Totals;
use crate::tag::quotes::Quote;

/// The schema version written in every record.
pub const SCHEMA_VERSION: u32 = 1;

/// A span with its text.
#[derive(Debug, Serialize)]
pub struct TextSpan<'a> {
    /// Start byte (absent for a title that came as metadata).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<usize>,
    /// End byte.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end: Option<usize>,
    /// The text.
    pub text: &'a str,
}

impl<'a> TextSpan<'a> {
    fn of(doc: &'a Document, span: Span) -> TextSpan<'a> {
        TextSpan { start: Some(span.start), end: Some(span.end), text: doc.slice(span) }
    }
}

/// `newsx analyze`: everything found in one article.
#[derive(Debug, Serialize)]
pub struct AnalysisRecord<'a> {
    /// Always [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Article id.
    pub id: &'a str,
    /// Publication date `YYYY-MM-DD`, if known.
    pub published: Option<String>,
    /// The title (from the text, with offsets, or from metadata, without).
    pub title: Option<TextSpan<'a>>,
    /// The dateline.
    pub dateline: Option<TextSpan<'a>>,
    /// Sentences: `{start, end, paragraph}`.
    pub sentences: &'a [crate::doc::Sentence],
    /// Mentions of every kind, in text order.
    pub mentions: Vec<MentionRecord<'a>>,
    /// Direct quotations.
    pub quotes: Vec<QuoteRecord<'a>>,
    /// Casualty totals.
    pub totals: &'a Totals,
    /// Event records.
    pub events: Vec<EventRecord<'a>>,
}

impl<'a> AnalysisRecord<'a> {
    /// The analysis record of `doc`.
    pub fn new(doc: &'a Document) -> AnalysisRecord<'a> {
        let title = match (doc.layout.title, &doc.meta_title) {
            (Some(span), _) => Some(TextSpan::of(doc, span)),
            (None, Some(text)) => Some(TextSpan { start: None, end: None, text }),
            (None, None) => None,
        };
        AnalysisRecord {
            schema_version: SCHEMA_VERSION,
            id: &doc.id,
            published: doc.published.map(|d| d.to_string()),
            title,
            dateline: doc.layout.dateline.as_ref().map(|d| TextSpan::of(doc, d.span)),
            sentences: &doc.sentences,
            mentions: doc.mentions.iter().map(|m| MentionRecord::new(doc, m)).collect(),
            quotes: doc
                .quotes
                .iter()
                .map(|q| QuoteRecord { text: doc.slice(q.span), quote: q })
                .collect(),
            totals: &doc.totals,
            events: (0..doc.events.len()).map(|i| EventRecord::new(doc, i)).collect(),
        }
    }
}

/// One mention: kind, span, text, sentence index, the kind's value fields, and provenance.
#[derive(Debug, Serialize)]
pub struct MentionRecord<'a> {
    /// `date`, `place`, `org`, `person` or `casualty`.
    pub kind: &'static str,
    /// Start byte.
    pub start: usize,
    /// End byte.
    pub end: usize,
    /// The mention's text.
    pub text: &'a str,
    /// Index of its sentence.
    pub sentence: usize,
    /// The kind's value fields (see `docs/schema.md`).
    #[serde(flatten)]
    pub value: &'a Value,
    /// `stage/rule` that produced it.
    pub rule: String,
}

impl<'a> MentionRecord<'a> {
    fn new(doc: &'a Document, m: &'a Mention) -> MentionRecord<'a> {
        MentionRecord {
            kind: m.kind().as_str(),
            start: m.span.start,
            end: m.span.end,
            text: doc.slice(m.span),
            sentence: m.sentence,
            value: &m.value,
            rule: format!("{}/{}", m.provenance.stage, m.provenance.rule),
        }
    }
}

/// One quote: its text plus the quote's fields (see `docs/schema.md`).
#[derive(Debug, Serialize)]
pub struct QuoteRecord<'a> {
    /// The quoted words, without the marks.
    pub text: &'a str,
    /// Span, speaker, speaker span, verb...
    #[serde(flatten)]
    pub quote: &'a Quote,
}

/// `newsx extract`: one event, self-contained.
#[derive(Debug, Serialize)]
pub struct EventRecord<'a> {
    /// Always [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// `ARTICLE_ID#N`, N counting from 1 in the article.
    pub event_id: String,
    /// The article id.
    pub article_id: &'a str,
    /// The event's fields (see `docs/schema.md`).
    #[serde(flatten)]
    pub event: &'a Event,
}

impl<'a> EventRecord<'a> {
    /// The record of `doc.events[index]`.
    pub fn new(doc: &'a Document, index: usize) -> EventRecord<'a> {
        EventRecord {
            schema_version: SCHEMA_VERSION,
            event_id: format!("{}#{}", doc.id, index + 1),
            article_id: &doc.id,
            event: &doc.events[index],
        }
    }
}
