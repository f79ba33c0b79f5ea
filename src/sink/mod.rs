/*!
Output sinks: where analysed documents go. Push model: `begin`, then `write` per document in
input order, then `finish`.
*/
pub mod jsonl;
pub mod wire;

use crate::doc::Document;
use crate::error::Result;

/// A destination for analysed documents.
pub trait Sink {
    /// Called once before the first document (a health check: create tables, test the
    /// connection).
    fn begin(&mut self) -> Result<()> {
        Ok(())
    }
    /// Writes one document's records.
    fn write(&mut self, doc: &Document) -> Result<()>;
    /// Flushes and closes.
    fn finish(&mut self) -> Result<()>;
}

pub mod csv;
mod insert;
#[cfg(feature = "postgres")]
pub mod postgres;
pub mod sqlite;
