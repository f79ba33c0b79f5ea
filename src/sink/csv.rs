/*!
CSV output (`--format csv`): one row per event, flat columns, with a header line.

The columns are those of the `events` table (`docs/sql.md`) plus `published`, `perpetrators` and
`targets` (names joined by `; `) and `casualty_details` (`type:count:victim` joined by `; `).
Both `extract` and `analyze` write event rows in this format.
*/
use std::io::Write;

use super::sqlite::{event_row, Field, TABLES};
use super::Sink;
use crate::doc::Document;
use crate::error::{Error, Result};

/// Writes one CSV row per event.
pub struct CsvSink<W: Write> {
    out: csv::Writer<W>,
    name: String,
}

impl<W: Write> CsvSink<W> {
    /// A sink writing to `out`; `name` names the destination in errors.
    pub fn new(out: W, name: &str) -> CsvSink<W> {
        CsvSink { out: csv::Writer::from_writer(out), name: name.to_string() }
    }

    fn err(&self, e: csv::Error) -> Error {
        match e.into_kind() {
            csv::ErrorKind::Io(source) => Error::Io { path: self.name.clone().into(), source },
            other => Error::Sink(format!("{}: {other:?}", self.name)),
        }
    }
}

/// The extra columns after the `events` table's.
const EXTRA: &[&str] = &["published", "perpetrators", "targets", "casualty_details"];

fn cell(f: &Field) -> String {
    match f {
        Field::Null => String::new(),
        Field::Int(v) => v.to_string(),
        Field::Real(v) => v.to_string(),
        Field::Text(v) => v.to_string(),
    }
}

impl<W: Write> Sink for CsvSink<W> {
    fn begin(&mut self) -> Result<()> {
        let header = TABLES[1].columns.iter().map(|c| c.0).chain(EXTRA.iter().copied());
        self.out.write_record(header).map_err(|e| self.err(e))
    }

    fn write(&mut self, doc: &Document) -> Result<()> {
        for (i, e) in doc.events.iter().enumerate() {
            let mut record: Vec<String> = event_row(doc, i).iter().map(cell).collect();
            let names = |role: &str| {
                let v: Vec<&str> =
                    e.actors.iter().filter(|a| a.role == role).map(|a| a.name.as_str()).collect();
                v.join("; ")
            };
            let details: Vec<String> = e
                .casualties
                .details
                .iter()
                .map(|d| format!("{}:{}:{}", d.casualty_type, d.count, d.victim))
                .collect();
            record.push(doc.published.map(|d| d.to_string()).unwrap_or_default());
            record.push(names("perpetrator"));
            record.push(names("target"));
            record.push(details.join("; "));
            self.out.write_record(&record).map_err(|e| self.err(e))?;
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        self.out.flush().map_err(|source| Error::Io { path: self.name.clone().into(), source })
    }
}
