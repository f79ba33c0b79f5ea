/*! Shared data for the entity stages (places, orgs, persons). (Placeholder; being written.) */
use crate::data::Gazetteers;
use crate::error::Result;

/// Data shared by the entity stages, loaded once.
pub struct Entities;

impl Entities {
    /// Loads the shared entity data.
    pub fn load(_gazetteers: &Gazetteers) -> Result<Entities> {
        Ok(Entities)
    }
}
