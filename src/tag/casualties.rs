/*! Casualties: who was killed, wounded, kidnapped, and how many. (Placeholder; being written.) */
use serde::Serialize;

use crate::data::Gazetteers;
use crate::doc::Document;
use crate::error::Result;
use crate::pipeline::{Layer, Stage};

/// A casualty count.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CasualtyValue {
    /// `killed`, `wounded`, `kidnapped`, `missing`, `arrested` or `displaced`.
    #[serde(rename = "type")]
    pub casualty_type: &'static str,
    /// How many (a lower bound for `at least`).
    pub count: u32,
    /// The victim phrase.
    pub victim: String,
    /// `victim` or `perpetrator`.
    pub role: &'static str,
}

/// Article casualty totals, each victim counted once; `None` where the article reports none.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Totals {
    /// Killed.
    pub killed: Option<u32>,
    /// Wounded.
    pub wounded: Option<u32>,
    /// Kidnapped.
    pub kidnapped: Option<u32>,
    /// Missing.
    pub missing: Option<u32>,
    /// Arrested.
    pub arrested: Option<u32>,
    /// Displaced.
    pub displaced: Option<u32>,
}

/// The casualties stage.
pub struct CasualtyTagger;

impl CasualtyTagger {
    /// Builds the stage from its gazetteers.
    pub fn new(_gazetteers: &Gazetteers) -> Result<CasualtyTagger> {
        Ok(CasualtyTagger)
    }
}

impl Stage for CasualtyTagger {
    fn name(&self) -> &'static str {
        "casualties"
    }
    fn requires(&self) -> &'static [Layer] {
        &[Layer::Sentences]
    }
    fn provides(&self) -> Layer {
        Layer::Casualties
    }
    fn annotate(&self, _doc: &mut Document) {}
}
