/*! Dates: temporal expressions normalized to TIMEX3 values. (Placeholder; being written.) */
use serde::Serialize;

use crate::data::Gazetteers;
use crate::doc::Document;
use crate::error::Result;
use crate::pipeline::{Layer, Stage};

/// A normalized temporal expression (TIMEX3).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DateValue {
    /// `DATE`, `TIME`, `DURATION` or `SET`.
    #[serde(rename = "type")]
    pub timex_type: &'static str,
    /// The TIMEX3 value (`2025-12-13`, `P3Y`, `PRESENT_REF`).
    pub value: String,
    /// True for an absolute expression, false for one resolved against an anchor.
    pub anchored: bool,
}

/// The dates stage.
pub struct DateTagger;

impl DateTagger {
    /// Builds the stage from its gazetteers.
    pub fn new(_gazetteers: &Gazetteers) -> Result<DateTagger> {
        Ok(DateTagger)
    }
}

impl Stage for DateTagger {
    fn name(&self) -> &'static str {
        "dates"
    }
    fn requires(&self) -> &'static [Layer] {
        &[Layer::Sentences]
    }
    fn provides(&self) -> Layer {
        Layer::Dates
    }
    fn annotate(&self, _doc: &mut Document) {}
}
