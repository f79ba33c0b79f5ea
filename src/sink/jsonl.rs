/*! JSON Lines output: one analysis per article (`analyze`) or one record per event (`extract`). */
use std::io::{BufWriter, Write};

use super::wire::{AnalysisRecord, EventRecord};
use super::Sink;
use crate::doc::Document;
use crate::error::{Error, Result};

/// What each line holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Records {
    /// One [`AnalysisRecord`] per article.
    Analysis,
    /// One [`EventRecord`] per event.
    Events,
}

/// Writes JSON Lines to any writer.
pub struct JsonlSink<W: Write> {
    out: BufWriter<W>,
    records: Records,
    name: String,
}

impl<W: Write> JsonlSink<W> {
    /// A sink writing `records` to `out`; `name` names the destination in errors.
    pub fn new(out: W, records: Records, name: &str) -> JsonlSink<W> {
        JsonlSink { out: BufWriter::with_capacity(1 << 16, out), records, name: name.to_string() }
    }

    fn io(&self, source: std::io::Error) -> Error {
        Error::Io { path: self.name.clone().into(), source }
    }

    fn line<T: serde::Serialize>(&mut self, record: &T) -> Result<()> {
        serde_json::to_writer(&mut self.out, record).map_err(|e| self.io(e.into()))?;
        self.out.write_all(b"\n").map_err(|e| self.io(e))
    }
}

impl<W: Write> Sink for JsonlSink<W> {
    fn write(&mut self, doc: &Document) -> Result<()> {
        match self.records {
            Records::Analysis => self.line(&AnalysisRecord::new(doc)),
            Records::Events => {
                for (index, _) in doc.events.iter().enumerate() {
                    self.line(&EventRecord::new(doc, index))?;
                }
                Ok(())
            }
        }
    }

    fn finish(&mut self) -> Result<()> {
        self.out.flush().map_err(|e| self.io(e))
    }
}
