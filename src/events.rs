/*! Events: structured event records assembled from the tagged article. (Placeholder; being written.) */
use serde::Serialize;

use crate::data::Gazetteers;
use crate::doc::Document;
use crate::error::Result;
use crate::pipeline::{Layer, Stage};

use crate::doc::Span;

/// An event record assembled from the tagged article.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Event {
    /// Our type (`attack`).
    pub event_type: String,
    /// Our subtype (`ambush`).
    pub subtype: String,
    /// The trigger word.
    pub trigger: Span,
}

/// The events stage.
pub struct EventBuilder;

impl EventBuilder {
    /// Builds the stage from its gazetteers.
    pub fn new(_gazetteers: &Gazetteers) -> Result<EventBuilder> {
        Ok(EventBuilder)
    }
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
    fn annotate(&self, _doc: &mut Document) {}
}
