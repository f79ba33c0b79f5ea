/*! Places: gazetteer matches resolved in context. (Placeholder; being written.) */
use serde::Serialize;

use crate::data::Gazetteers;
use crate::doc::Document;
use crate::error::Result;
use crate::pipeline::{Layer, Stage};

/// A resolved place.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlaceValue {
    /// Canonical name.
    pub name: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
    /// Latitude.
    pub lat: f64,
    /// Longitude.
    pub lon: f64,
}

/// The places stage.
pub struct PlaceTagger;

impl PlaceTagger {
    /// Builds the stage from its gazetteers.
    pub fn new(
        _gazetteers: &Gazetteers,
        _entities: &super::entities::Entities,
    ) -> Result<PlaceTagger> {
        Ok(PlaceTagger)
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
    fn annotate(&self, _doc: &mut Document) {}
}
