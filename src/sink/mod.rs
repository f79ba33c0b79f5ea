/*!
Output sinks: where analysed documents go. Push model: `begin`, then `write` per document (or
`write_batch` per batch of documents) in input order, then `finish`.
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
    /// Writes the records of several documents, in order, as [`Sink::write`] of each would; a
    /// sink may keep rows of several documents to write them together.
    fn write_batch(&mut self, docs: &[Document]) -> Result<()> {
        docs.iter().try_for_each(|doc| self.write(doc))
    }
    /// Flushes and closes.
    fn finish(&mut self) -> Result<()>;
}

mod attrs;
pub mod csv;
mod insert;
#[cfg(feature = "postgres")]
pub mod postgres;
pub mod sqlite;
