/*! Quotes: direct quotations and their speakers. (Placeholder; being written.) */
use serde::Serialize;

use crate::data::Gazetteers;
use crate::doc::Document;
use crate::error::Result;
use crate::pipeline::{Layer, Stage};

use crate::doc::Span;

/// A direct quotation with its attribution.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quote {
    /// The quoted words, without the marks.
    #[serde(flatten)]
    pub span: Span,
    /// Canonical speaker name.
    pub speaker: Option<String>,
    /// Start of the words naming the speaker in this attribution.
    pub speaker_start: Option<usize>,
    /// End of those words.
    pub speaker_end: Option<usize>,
    /// The speech verb as written.
    pub verb: Option<String>,
}

/// The quotes stage.
pub struct QuoteTagger;

impl QuoteTagger {
    /// Builds the stage from its gazetteers.
    pub fn new(_gazetteers: &Gazetteers) -> Result<QuoteTagger> {
        Ok(QuoteTagger)
    }
}

impl Stage for QuoteTagger {
    fn name(&self) -> &'static str {
        "quotes"
    }
    fn requires(&self) -> &'static [Layer] {
        &[Layer::Sentences, Layer::Persons, Layer::Orgs]
    }
    fn provides(&self) -> Layer {
        Layer::Quotes
    }
    fn annotate(&self, _doc: &mut Document) {}
}
