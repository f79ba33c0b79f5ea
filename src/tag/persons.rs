/*! Persons: titles, first names and in-document coreference. (Placeholder; being written.) */
use serde::Serialize;

use crate::data::Gazetteers;
use crate::doc::Document;
use crate::error::Result;
use crate::pipeline::{Layer, Stage};

/// A resolved person.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PersonValue {
    /// Canonical full name.
    pub name: String,
}

/// The persons stage.
pub struct PersonTagger;

impl PersonTagger {
    /// Builds the stage from its gazetteers.
    pub fn new(
        _gazetteers: &Gazetteers,
        _entities: &super::entities::Entities,
    ) -> Result<PersonTagger> {
        Ok(PersonTagger)
    }
}

impl Stage for PersonTagger {
    fn name(&self) -> &'static str {
        "persons"
    }
    fn requires(&self) -> &'static [Layer] {
        &[Layer::Sentences, Layer::Orgs]
    }
    fn provides(&self) -> Layer {
        Layer::Persons
    }
    fn annotate(&self, _doc: &mut Document) {}
}
