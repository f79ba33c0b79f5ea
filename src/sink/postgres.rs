/*!
PostgreSQL output (`--db postgres://...`, cargo feature `postgres`): the SQLite sink's schema
([`super::sqlite`]), loaded with `COPY ... FROM STDIN` in batches, each batch in one transaction
that first deletes the batch's articles (idempotent by article id).

Opening the sink connects, creates the schema, checks its version and runs `SELECT 1`: a bad URL
or a down server fails before the first article is read.
*/
use std::io::Write;

use postgres::{Client, NoTls};

use super::sqlite::{ddl, mention_texts, migrations, rows, Dialect, Field, SCHEMA_VERSION, TABLES};
use super::Sink;
use crate::doc::Document;
use crate::error::{Error, Result};

/// PostgreSQL's dialect.
const POSTGRES: Dialect = Dialect { int: "BIGINT", real: "DOUBLE PRECISION", sqlite: false };

/// Articles per batch (one transaction, one COPY per table).
const BATCH: usize = 1000;

/// Writes documents into a PostgreSQL database.
pub struct PostgresSink {
    client: Client,
    /// The URL without its password, for messages.
    name: String,
    ids: Vec<String>,
    /// One COPY text-format buffer per table.
    buffers: Vec<Vec<u8>>,
}

fn pg_error(name: &str, e: impl std::fmt::Display) -> Error {
    Error::Sink(format!("{name}: {e}"))
}

/// The URL with any password replaced, safe to print.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            let user = creds.split(':').next().unwrap_or("");
            format!("{}{user}:***{}", &url[..scheme + 3], &url[at..])
        }
        _ => url.to_string(),
    }
}

/// Appends one field in COPY text format (`\N` for null; backslash, tab, newline, CR escaped).
fn copy_field(out: &mut Vec<u8>, f: &Field) {
    match f {
        Field::Null => out.extend_from_slice(b"\\N"),
        Field::Int(v) => out.extend_from_slice(v.to_string().as_bytes()),
        Field::Real(v) => out.extend_from_slice(v.to_string().as_bytes()),
        Field::Text(s) => {
            for &b in s.as_bytes() {
                match b {
                    b'\\' => out.extend_from_slice(b"\\\\"),
                    b'\t' => out.extend_from_slice(b"\\t"),
                    b'\n' => out.extend_from_slice(b"\\n"),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    // COPY rejects NUL bytes in text; JSON input may carry them.
                    0 => {}
                    _ => out.push(b),
                }
            }
        }
    }
}

impl PostgresSink {
    /// Connects to `url`, creates the schema and checks its version.
    pub fn connect(url: &str) -> Result<PostgresSink> {
        let name = redact(url);
        let mut client = Client::connect(url, NoTls).map_err(|e| pg_error(&name, e))?;
        client.simple_query("SELECT 1").map_err(|e| pg_error(&name, e))?;
        let mut tx = client.transaction().map_err(|e| pg_error(&name, e))?;
        // Two loaders starting at once must not both create the schema.
        tx.execute("SELECT pg_advisory_xact_lock(74657831)", &[])
            .map_err(|e| pg_error(&name, e))?;
        for stmt in ddl(&POSTGRES) {
            let stmt = stmt.replace("CREATE VIEW IF NOT EXISTS", "CREATE OR REPLACE VIEW");
            tx.batch_execute(&stmt).map_err(|e| pg_error(&name, e))?;
        }
        let row = tx
            .query_one("SELECT MAX(version) FROM schema_version", &[])
            .map_err(|e| pg_error(&name, e))?;
        let version: Option<i32> = row.get(0);
        match version {
            None => {
                tx.execute(
                    "INSERT INTO schema_version (version) VALUES ($1)",
                    &[&(SCHEMA_VERSION as i32)],
                )
                .map_err(|e| pg_error(&name, e))?;
            }
            Some(v) if v == SCHEMA_VERSION as i32 => {}
            // Older databases are migrated inside this transaction.
            Some(v) if v >= 1 && v < SCHEMA_VERSION as i32 => {
                for m in migrations(&POSTGRES) {
                    let has: bool = tx
                        .query_one(
                            "SELECT EXISTS (SELECT 1 FROM information_schema.columns \
                             WHERE table_schema = current_schema() AND table_name = $1 \
                             AND column_name = $2)",
                            &[&m.table, &m.column],
                        )
                        .map_err(|e| pg_error(&name, e))?
                        .get(0);
                    if m.from as i32 >= v && has == m.present {
                        for stmt in &m.statements {
                            tx.batch_execute(stmt).map_err(|e| pg_error(&name, e))?;
                        }
                    }
                }
                tx.execute(
                    "INSERT INTO schema_version (version) VALUES ($1)",
                    &[&(SCHEMA_VERSION as i32)],
                )
                .map_err(|e| pg_error(&name, e))?;
            }
            Some(v) => {
                return Err(Error::Sink(format!(
                    "{name}: schema version {v}, this newsx writes version {SCHEMA_VERSION}"
                )))
            }
        }
        tx.commit().map_err(|e| pg_error(&name, e))?;
        Ok(PostgresSink { client, name, ids: Vec::new(), buffers: vec![Vec::new(); TABLES.len()] })
    }

    fn flush_batch(&mut self) -> Result<()> {
        if self.ids.is_empty() {
            return Ok(());
        }
        let name = self.name.clone();
        let err = |e: postgres::Error| pg_error(&name, e);
        let mut tx = self.client.transaction().map_err(err)?;
        for t in TABLES {
            let sql = format!("DELETE FROM {} WHERE article_id = ANY($1)", t.name);
            tx.execute(&sql, &[&self.ids]).map_err(err)?;
        }
        for (t, buffer) in TABLES.iter().zip(&mut self.buffers) {
            if buffer.is_empty() {
                continue;
            }
            let cols: Vec<&str> = t.columns.iter().map(|c| c.0).collect();
            let sql = format!("COPY {} ({}) FROM STDIN", t.name, cols.join(", "));
            let mut writer = tx.copy_in(&sql).map_err(err)?;
            writer.write_all(buffer).map_err(|e| pg_error(&name, e))?;
            writer.finish().map_err(err)?;
            buffer.clear();
        }
        tx.commit().map_err(err)?;
        self.ids.clear();
        Ok(())
    }
}

impl Sink for PostgresSink {
    fn write(&mut self, doc: &Document) -> Result<()> {
        // An article given twice in one batch keeps its last version, as in SQLite.
        if self.ids.contains(&doc.id) {
            self.flush_batch()?;
        }
        self.ids.push(doc.id.clone());
        let buffers = &mut self.buffers;
        let (mut texts, mut ends) = (String::new(), Vec::new());
        mention_texts(doc, &mut texts, &mut ends);
        rows(doc, &texts, &ends, &mut |table, row| {
            let out = &mut buffers[table];
            for (i, f) in row.iter().enumerate() {
                if i > 0 {
                    out.push(b'\t');
                }
                copy_field(out, f);
            }
            out.push(b'\n');
            Ok(())
        })?;
        if self.ids.len() >= BATCH {
            self.flush_batch()?;
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        self.flush_batch()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn copy_escapes_and_redaction() {
        let mut out = Vec::new();
        copy_field(&mut out, &Field::from("a\tb\\c\nd\0"));
        out.push(b'|');
        copy_field(&mut out, &Field::Null);
        assert_eq!(out, b"a\\tb\\\\c\\nd|\\N");
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://h/db"), "postgres://h/db");
    }
}
