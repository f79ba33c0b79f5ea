/*! Organizations: gazetteer and pattern matches. (Placeholder; being written.) */
use serde::Serialize;

use crate::data::Gazetteers;
use crate::doc::Document;
use crate::error::Result;
use crate::pipeline::{Layer, Stage};

/// A resolved organization.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OrgValue {
    /// Canonical name (`Islamic State` for `ISIS`).
    pub name: String,
}

/// The orgs stage.
pub struct OrgTagger;

impl OrgTagger {
    /// Builds the stage from its gazetteers.
    pub fn new(
        _gazetteers: &Gazetteers,
        _entities: &super::entities::Entities,
    ) -> Result<OrgTagger> {
        Ok(OrgTagger)
    }
}

impl Stage for OrgTagger {
    fn name(&self) -> &'static str {
        "orgs"
    }
    fn requires(&self) -> &'static [Layer] {
        &[Layer::Sentences]
    }
    fn provides(&self) -> Layer {
        Layer::Orgs
    }
    fn annotate(&self, _doc: &mut Document) {}
}
