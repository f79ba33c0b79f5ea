/*!
SQLite output (`--db PATH.sqlite`): the normalized relational schema, also used by the
PostgreSQL sink, and the embedded default database.

Tables (`docs/sql.md` documents every column): `articles`, `events`, `event_actors`,
`casualties`, `mentions`, `quotes`, `schema_version`, and the view `event_summary` (events with
date, place and killed). Every table has an `article_id` column: re-running over the same
articles first deletes their rows, so a run is idempotent by article id. Writes go in batched
transactions in WAL mode. Opening the sink creates the schema and checks its version (the health
check), before the first article is read.
*/
use std::borrow::Cow;
use std::collections::HashSet;
use std::path::Path;

use rusqlite::Connection;

use super::attrs::write_without;
use super::insert::Insert;
use super::Sink;
use crate::doc::{Document, Value};
use crate::error::{Error, Result};

/// A column's SQL type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SqlType {
    Int,
    Real,
    Text,
}

/// One table of the schema: name and (column, type) list, `article_id` always included.
pub(crate) struct Table {
    pub name: &'static str,
    pub columns: &'static [(&'static str, SqlType)],
    /// The primary key, if the table has one.
    pub key: Option<&'static str>,
}

use SqlType::{Int, Real, Text};

/// The schema, in load order.
pub(crate) const TABLES: &[Table] = &[
    Table {
        name: "articles",
        key: Some("article_id"),
        columns: &[
            ("article_id", Text),
            ("published", Text),
            ("title", Text),
            ("dateline", Text),
            ("bytes", Int),
            ("sentences", Int),
            ("events", Int),
            ("killed", Int),
            ("wounded", Int),
            ("kidnapped", Int),
            ("missing", Int),
            ("arrested", Int),
            ("displaced", Int),
        ],
    },
    Table {
        name: "events",
        key: Some("event_id"),
        columns: &[
            ("event_id", Text),
            ("article_id", Text),
            ("seq", Int),
            ("type", Text),
            ("subtype", Text),
            ("acled_event_type", Text),
            ("acled_sub_event_type", Text),
            ("cameo", Text),
            ("trigger_text", Text),
            ("trigger_start", Int),
            ("trigger_end", Int),
            ("date_value", Text),
            ("date_text", Text),
            ("date_start", Int),
            ("date_end", Int),
            ("date_fallback", Int),
            ("location_name", Text),
            ("location_country", Text),
            ("location_lat", Real),
            ("location_lon", Real),
            ("location_text", Text),
            ("location_start", Int),
            ("location_end", Int),
            ("killed", Int),
            ("wounded", Int),
            ("sentence", Int),
            ("quotes", Text),
            ("confidence", Real),
            ("evidence", Text),
            ("interaction", Int),
        ],
    },
    Table {
        name: "event_actors",
        key: None,
        columns: &[
            ("event_id", Text),
            ("article_id", Text),
            ("seq", Int),
            ("role", Text),
            ("name", Text),
            ("kind", Text),
            ("country", Text),
            ("start_byte", Int),
            ("end_byte", Int),
            ("inter", Int),
        ],
    },
    Table {
        name: "casualties",
        key: None,
        columns: &[
            ("event_id", Text),
            ("article_id", Text),
            ("seq", Int),
            ("type", Text),
            ("count", Int),
            ("victim", Text),
            ("start_byte", Int),
            ("end_byte", Int),
        ],
    },
    Table {
        name: "mentions",
        key: None,
        columns: &[
            ("article_id", Text),
            ("seq", Int),
            ("kind", Text),
            ("start_byte", Int),
            ("end_byte", Int),
            ("text", Text),
            ("sentence", Int),
            ("value", Text),
            ("attrs", Text),
            ("rule", Text),
        ],
    },
    Table {
        name: "quotes",
        key: None,
        columns: &[
            ("article_id", Text),
            ("quote_index", Int),
            ("start_byte", Int),
            ("end_byte", Int),
            ("text", Text),
            ("speaker", Text),
            ("speaker_start", Int),
            ("speaker_end", Int),
            ("verb", Text),
        ],
    },
];

/// The version of the SQL schema (its own number, apart from the JSON records' version).
pub(crate) const SCHEMA_VERSION: u32 = 3;

/// What differs between the SQL dialects of the sinks.
pub(crate) struct Dialect {
    /// The integer column type.
    pub int: &'static str,
    /// The floating-point column type.
    pub real: &'static str,
    /// True for SQLite, false for PostgreSQL (JSON functions differ).
    pub sqlite: bool,
}

/// SQLite's dialect.
pub(crate) const SQLITE: Dialect = Dialect { int: "INTEGER", real: "REAL", sqlite: true };

/// One migration step, from version `from` to `from + 1`. It runs only when `table` has
/// (`present`) or lacks `column`, the mark of the shape it changes: a table the current DDL has
/// just created (in a database that lacked it) is already in the new shape.
pub(crate) struct Migration {
    pub from: u32,
    pub table: &'static str,
    pub column: &'static str,
    pub present: bool,
    pub statements: Vec<String>,
}

/// The statements that bring a database of version `N` to `N + 1`, in order.
pub(crate) fn migrations(d: &Dialect) -> Vec<Migration> {
    // Version 3 stores each mention value once: `value_json` becomes `attrs`, without the
    // fields that `value` holds (see `main_value`).
    let attrs = |col: &str| -> String {
        if d.sqlite {
            format!(
                "NULLIF(CASE kind WHEN 'date' THEN json_remove({col}, '$.value') \
                 WHEN 'casualty' THEN json_remove({col}, '$.type', '$.count') \
                 ELSE json_remove({col}, '$.name') END, '{{}}')"
            )
        } else {
            format!(
                "NULLIF(CASE kind WHEN 'date' THEN {col}::jsonb - 'value' \
                 WHEN 'casualty' THEN {col}::jsonb - 'type' - 'count' \
                 ELSE {col}::jsonb - 'name' END, '{{}}'::jsonb)::text"
            )
        }
    };
    let v3 = vec![
        "ALTER TABLE mentions RENAME COLUMN value_json TO attrs".to_string(),
        format!("UPDATE mentions SET attrs = {}", attrs("attrs")),
    ];
    vec![
        Migration {
            from: 1,
            table: "events",
            column: "interaction",
            present: false,
            statements: vec![
                format!("ALTER TABLE events ADD COLUMN interaction {}", d.int),
                format!("ALTER TABLE event_actors ADD COLUMN inter {}", d.int),
            ],
        },
        Migration {
            from: 2,
            table: "mentions",
            column: "value_json",
            present: true,
            statements: v3,
        },
    ]
}

/// The view for the common query: each event with its date, place and killed.
pub(crate) const VIEW: &str = "CREATE VIEW IF NOT EXISTS event_summary AS \
SELECT e.event_id, e.article_id, a.published, e.type, e.subtype, e.acled_event_type, \
e.date_value AS date, e.location_name AS place, e.location_country AS country, \
e.location_lat AS lat, e.location_lon AS lon, e.killed, e.wounded, e.confidence \
FROM events e JOIN articles a ON a.article_id = e.article_id";

/// The DDL of the schema in dialect `d`.
pub(crate) fn ddl(d: &Dialect) -> Vec<String> {
    let mut out =
        vec!["CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)".to_string()];
    for t in TABLES {
        let cols: Vec<String> = t
            .columns
            .iter()
            .map(|(name, ty)| {
                let ty = match ty {
                    Int => d.int,
                    Real => d.real,
                    Text => "TEXT",
                };
                let key = if t.key == Some(*name) { " PRIMARY KEY" } else { "" };
                format!("{name} {ty}{key}")
            })
            .collect();
        out.push(format!("CREATE TABLE IF NOT EXISTS {} ({})", t.name, cols.join(", ")));
    }
    out.extend(indexes());
    out.push(VIEW.to_string());
    out
}

/// The tables with a secondary index on `article_id`: those not keyed by it.
pub(crate) fn indexed_tables() -> impl Iterator<Item = &'static Table> {
    TABLES.iter().filter(|t| t.key != Some("article_id"))
}

/// The secondary indexes `{table}_article` (for the deletes that make a load idempotent, and for
/// joins).
pub(crate) fn indexes() -> impl Iterator<Item = String> {
    indexed_tables()
        .map(|t| format!("CREATE INDEX IF NOT EXISTS {0}_article ON {0} (article_id)", t.name))
}

/// One value of a row; text borrows from the document where it can.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Field<'a> {
    Null,
    Int(i64),
    Real(f64),
    Text(Cow<'a, str>),
}

impl From<Option<u32>> for Field<'_> {
    fn from(v: Option<u32>) -> Self {
        v.map_or(Field::Null, |v| Field::Int(v.into()))
    }
}
impl From<Option<usize>> for Field<'_> {
    fn from(v: Option<usize>) -> Self {
        v.map_or(Field::Null, |v| Field::Int(v as i64))
    }
}
impl From<usize> for Field<'_> {
    fn from(v: usize) -> Self {
        Field::Int(v as i64)
    }
}
impl<'a> From<&'a str> for Field<'a> {
    fn from(v: &'a str) -> Self {
        Field::Text(Cow::Borrowed(v))
    }
}
impl<'a> From<Option<&'a str>> for Field<'a> {
    fn from(v: Option<&'a str>) -> Self {
        v.map_or(Field::Null, Field::from)
    }
}
impl From<String> for Field<'_> {
    fn from(v: String) -> Self {
        Field::Text(Cow::Owned(v))
    }
}
impl<'a> From<Cow<'a, str>> for Field<'a> {
    fn from(v: Cow<'a, str>) -> Self {
        Field::Text(v)
    }
}
impl From<Option<f64>> for Field<'_> {
    fn from(v: Option<f64>) -> Self {
        v.map_or(Field::Null, Field::Real)
    }
}

impl rusqlite::ToSql for Field<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self {
            Field::Null => ValueRef::Null,
            Field::Int(v) => ValueRef::Integer(*v),
            Field::Real(v) => ValueRef::Real(*v),
            Field::Text(v) => ValueRef::Text(v.as_bytes()),
        }))
    }
}

/// The main normalized value of a mention (for queries without JSON functions) and the JSON
/// fields it holds, which `attrs` leaves out (the version 3 migration knows them too).
fn main_value(value: &Value) -> (Cow<'_, str>, &'static [&'static str]) {
    match value {
        Value::Date(d) => (Cow::Borrowed(&d.value), &["value"]),
        Value::Place(p) => (Cow::Borrowed(&p.name), &["name"]),
        Value::Org(o) => (Cow::Borrowed(&o.name), &["name"]),
        Value::Person(p) => (Cow::Borrowed(&p.name), &["name"]),
        Value::Casualty(c) => {
            (Cow::Owned(format!("{} {}", c.casualty_type, c.count)), &["type", "count"])
        }
    }
}

/// The flat row of event `i` of `doc` (the `events` table's columns), shared with the CSV sink.
pub(crate) fn event_row(doc: &Document, i: usize) -> Vec<Field<'_>> {
    let e = &doc.events[i];
    let date = e.date.as_ref();
    let loc = e.location.as_ref();
    let quotes: Vec<String> = e.quotes.iter().map(usize::to_string).collect();
    vec![
        format!("{}#{}", doc.id, i + 1).into(),
        doc.id.as_str().into(),
        (i + 1).into(),
        e.event_type.as_str().into(),
        e.subtype.as_str().into(),
        e.acled.event_type.as_str().into(),
        e.acled.sub_event_type.as_str().into(),
        e.cameo.as_str().into(),
        e.trigger.text.as_str().into(),
        e.trigger.start.into(),
        e.trigger.end.into(),
        date.map(|d| d.value.as_str()).into(),
        date.and_then(|d| d.text.as_deref()).into(),
        date.and_then(|d| d.start).into(),
        date.and_then(|d| d.end).into(),
        date.map(|d| usize::from(d.fallback)).into(),
        loc.map(|l| l.name.as_str()).into(),
        loc.map(|l| l.country.as_str()).into(),
        loc.map(|l| l.lat).into(),
        loc.map(|l| l.lon).into(),
        loc.map(|l| l.text.as_str()).into(),
        loc.map(|l| l.start).into(),
        loc.map(|l| l.end).into(),
        e.casualties.killed.into(),
        e.casualties.wounded.into(),
        e.sentence.into(),
        format!("[{}]", quotes.join(",")).into(),
        Field::Real(e.confidence),
        e.evidence.as_str().into(),
        e.interaction.map(u32::from).into(),
    ]
}

/// Appends to `texts` the attributes (JSON, see `main_value`) and the rule of each mention of
/// `doc`, and to `ends` where each starts, where its rule starts and where that ends in `texts`: [`rows`] borrows them from there, so that its
/// rows live as long as the document (a sink may keep rows of several documents to write them
/// at once).
pub(crate) fn mention_texts(
    doc: &Document,
    texts: &mut String,
    ends: &mut Vec<(usize, usize, usize)>,
) {
    let mut attrs = Vec::new();
    for m in &doc.mentions {
        write_without(&m.value, main_value(&m.value).1, &mut attrs);
        let start = texts.len();
        // serde_json writes UTF-8.
        texts.push_str(std::str::from_utf8(&attrs).unwrap_or_default());
        let attrs_end = texts.len();
        texts.push_str(m.provenance.stage);
        texts.push('/');
        texts.push_str(&m.provenance.rule);
        ends.push((start, attrs_end, texts.len()));
    }
}

/// Passes every row `doc` gives to `emit`, as (index into [`TABLES`], row), in load order.
/// `texts` and `ends` are what [`mention_texts`] made for this document (`ends` its part only).
/// Rows live on the stack and borrow the document: loading allocates little per row.
pub(crate) fn rows<'d>(
    doc: &'d Document,
    texts: &'d str,
    ends: &[(usize, usize, usize)],
    emit: &mut dyn FnMut(usize, &[Field<'d>]) -> Result<()>,
) -> Result<()> {
    let title = match (doc.layout.title, &doc.meta_title) {
        (Some(span), _) => Some(doc.slice(span)),
        (None, title) => title.as_deref(),
    };
    let t = &doc.totals;
    emit(
        0,
        &[
            doc.id.as_str().into(),
            doc.published.map(|d| d.to_string()).map_or(Field::Null, Field::from),
            title.into(),
            doc.layout.dateline.as_ref().map(|d| doc.slice(d.span)).into(),
            doc.text.len().into(),
            doc.sentences.len().into(),
            doc.events.len().into(),
            t.killed.into(),
            t.wounded.into(),
            t.kidnapped.into(),
            t.missing.into(),
            t.arrested.into(),
            t.displaced.into(),
        ],
    )?;
    for (i, e) in doc.events.iter().enumerate() {
        let row = event_row(doc, i);
        emit(1, &row)?;
        let event_id = &row[0];
        for (seq, a) in e.actors.iter().enumerate() {
            emit(
                2,
                &[
                    event_id.clone(),
                    doc.id.as_str().into(),
                    (seq + 1).into(),
                    a.role.into(),
                    a.name.as_str().into(),
                    a.kind.into(),
                    a.country.as_deref().into(),
                    a.start.into(),
                    a.end.into(),
                    a.inter.map(u32::from).into(),
                ],
            )?;
        }
        for (seq, c) in e.casualties.details.iter().enumerate() {
            emit(
                3,
                &[
                    event_id.clone(),
                    doc.id.as_str().into(),
                    (seq + 1).into(),
                    c.casualty_type.into(),
                    Field::Int(c.count.into()),
                    c.victim.as_str().into(),
                    c.start.into(),
                    c.end.into(),
                ],
            )?;
        }
    }
    for (seq, (m, &(start, attrs_end, rule_end))) in doc.mentions.iter().zip(ends).enumerate() {
        let attrs = texts.get(start..attrs_end).unwrap_or_default();
        let rule = texts.get(attrs_end..rule_end).unwrap_or_default();
        emit(
            4,
            &[
                doc.id.as_str().into(),
                (seq + 1).into(),
                m.kind().as_str().into(),
                m.span.start.into(),
                m.span.end.into(),
                doc.slice(m.span).into(),
                m.sentence.into(),
                main_value(&m.value).0.into(),
                if attrs.is_empty() { Field::Null } else { attrs.into() },
                rule.into(),
            ],
        )?;
    }
    for (seq, q) in doc.quotes.iter().enumerate() {
        emit(
            5,
            &[
                doc.id.as_str().into(),
                seq.into(),
                q.span.start.into(),
                q.span.end.into(),
                doc.slice(q.span).into(),
                q.speaker.as_deref().into(),
                q.speaker_start.into(),
                q.speaker_end.into(),
                q.verb.as_deref().into(),
            ],
        )?;
    }
    Ok(())
}

/// How many ids the fresh-database shortcut remembers before it falls back to deleting.
const MAX_SEEN: usize = 1 << 20;

/// Articles per transaction.
const BATCH: usize = 2000;

/// Articles per transaction of a load through a rollback journal (see `SqliteSink::open`):
/// each commit there waits for five disk syncs (tens of milliseconds on a shared machine, while
/// the analysis may wait for the writer), where a WAL commit syncs nothing.
const ROLLBACK_BATCH: usize = 10_000;

/// Writes documents into an SQLite database file.
pub struct SqliteSink {
    /// Per table of [`TABLES`], the INSERT of `1 << i` rows at index `i`, prepared when first
    /// needed; declared before `conn`, so dropped before it.
    inserts: Vec<Vec<Option<Insert>>>,
    /// The SQL of each table's INSERT up to `VALUES `.
    insert_heads: Vec<String>,
    /// The per-batch buffer of [`mention_texts`], kept for its capacity.
    scratch: String,
    conn: Connection,
    path: String,
    deletes: Vec<String>,
    /// Articles written since the last commit.
    in_batch: usize,
    /// True when the database held no article at open: then only an id seen earlier in this
    /// run can have rows to replace, and the deletes are skipped for the others.
    fresh: bool,
    seen: HashSet<String>,
    /// False while a fresh database is loaded without its secondary indexes (built once at the
    /// end, by sorting).
    indexed: bool,
    /// For a fresh database: the last article id written while the ids have come in ascending
    /// order (see [`SqliteSink::keep_indexes`]); `None` once one came out of order.
    ascending: Option<String>,
    /// True for a load that runs with a rollback journal, until `finish` returns to WAL.
    rollback: bool,
}

impl SqliteSink {
    /// Opens (or creates) the database at `path`, creates the schema and checks its version.
    pub fn open(path: &Path) -> Result<SqliteSink> {
        let name = path.display().to_string();
        let conn = Connection::open(path).map_err(|e| db_error(&name, e))?;
        let insert_heads = TABLES
            .iter()
            .map(|t| {
                let cols: Vec<&str> = t.columns.iter().map(|c| c.0).collect();
                format!("INSERT INTO {} ({}) VALUES ", t.name, cols.join(", "))
            })
            .collect();
        let deletes = TABLES
            .iter()
            .map(|t| format!("DELETE FROM {} WHERE article_id = ?1", t.name))
            .collect();
        let mut sink = SqliteSink {
            inserts: TABLES.iter().map(|_| Vec::new()).collect(),
            insert_heads,
            scratch: String::new(),
            conn,
            path: name,
            deletes,
            in_batch: 0,
            fresh: false,
            seen: HashSet::new(),
            indexed: true,
            ascending: None,
            rollback: false,
        };
        // A large page cache keeps a batch's pages in memory until its commit; sorts for the
        // indexes stay in memory.
        sink.conn
            .execute_batch("PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;")
            .map_err(|e| sink.err(e))?;
        let pages: i64 =
            sink.conn.query_row("PRAGMA page_count", [], |r| r.get(0)).map_err(|e| sink.err(e))?;
        if pages == 0 {
            // A new file: 16 KiB pages mean fewer pages and system calls per row than SQLite's
            // default 4 KiB. It is loaded through a rollback journal (below) from the start,
            // and its schema goes into the first load transaction: nothing waits for the disk
            // before the first commit. A run that fails before it leaves an empty file.
            sink.conn
                .execute_batch(
                    "PRAGMA page_size=16384; PRAGMA journal_mode=TRUNCATE; \
                     PRAGMA synchronous=FULL; BEGIN",
                )
                .map_err(|e| sink.err(e))?;
            sink.init()?;
            sink.fresh = true;
        } else {
            // WAL lets readers query while a load runs; with WAL, NORMAL syncs only at
            // checkpoints and a crash loses at most the last batches, never the database
            // (docs/sql.md).
            sink.journal("WAL")?;
            sink.conn.execute_batch("PRAGMA synchronous=NORMAL").map_err(|e| sink.err(e))?;
            sink.init()?;
            sink.fresh = sink
                .conn
                .query_row("SELECT NOT EXISTS (SELECT 1 FROM articles)", [], |r| r.get(0))
                .map_err(|e| sink.err(e))?;
            if sink.fresh {
                sink.journal("TRUNCATE")?;
                sink.conn.execute_batch("PRAGMA synchronous=FULL").map_err(|e| sink.err(e))?;
            }
        }
        if sink.fresh {
            // The indexes stay while the ids come in order (see `keep_indexes`).
            sink.ascending = Some(String::new());
            // A first load only appends new pages, which a rollback journal does not copy:
            // the data is written once, where WAL writes it twice (log, then checkpoint).
            // FULL keeps it power-safe; `finish` returns to WAL (docs/sql.md).
            sink.rollback = true;
        }
        Ok(sink)
    }

    fn err(&self, e: rusqlite::Error) -> Error {
        db_error(&self.path, e)
    }

    /// Sets the journal mode (outside any transaction).
    fn journal(&self, mode: &str) -> Result<()> {
        let sql = format!("PRAGMA journal_mode={mode}");
        let _: String = self.conn.query_row(&sql, [], |r| r.get(0)).map_err(|e| self.err(e))?;
        Ok(())
    }

    /// On a fresh database, decides before article `id` is written whether the `*_article`
    /// indexes grow with the load. While the ids come in ascending order, every index entry
    /// goes at the end of its index, which costs less than building the index at the end by
    /// sorting, and overlaps the analysis instead of running after it. At the first id out of
    /// order the indexes are dropped (entries at random places cost more than the sort) and
    /// built at the end; unless the id is `repeated`, since its deletes need them at once.
    fn keep_indexes(&mut self, id: &str, repeated: bool) -> Result<()> {
        let Some(last) = &mut self.ascending else { return Ok(()) };
        if id > last.as_str() {
            last.clear();
            last.push_str(id);
            return Ok(());
        }
        self.ascending = None;
        if self.indexed && !repeated {
            for t in indexed_tables() {
                let sql = format!("DROP INDEX IF EXISTS {}_article", t.name);
                self.conn.execute(&sql, []).map_err(|e| self.err(e))?;
            }
            self.indexed = false;
        }
        Ok(())
    }

    fn create_indexes(&mut self) -> Result<()> {
        for sql in indexes() {
            self.conn.execute(&sql, []).map_err(|e| db_error(&self.path, e))?;
        }
        self.indexed = true;
        Ok(())
    }

    /// Creates the schema where missing and checks (or migrates) its version.
    fn init(&mut self) -> Result<()> {
        for stmt in ddl(&SQLITE) {
            self.conn.execute(&stmt, []).map_err(|e| self.err(e))?;
        }
        let version: Option<i64> = self
            .conn
            .query_row("SELECT MAX(version) FROM schema_version", [], |r| r.get(0))
            .map_err(|e| self.err(e))?;
        match version {
            None => {
                self.conn
                    .execute("INSERT INTO schema_version (version) VALUES (?1)", [SCHEMA_VERSION])
                    .map_err(|e| self.err(e))?;
            }
            Some(v) if v == i64::from(SCHEMA_VERSION) => {}
            // An older database is migrated in one transaction, so a failure leaves it as it was.
            Some(v) if v >= 1 && v < i64::from(SCHEMA_VERSION) => {
                let tx = self.conn.transaction().map_err(|e| db_error(&self.path, e))?;
                for m in migrations(&SQLITE) {
                    let has: bool = tx
                        .query_row(
                            "SELECT EXISTS (SELECT 1 FROM pragma_table_info(?1) WHERE name = ?2)",
                            [m.table, m.column],
                            |r| r.get(0),
                        )
                        .map_err(|e| db_error(&self.path, e))?;
                    if i64::from(m.from) >= v && has == m.present {
                        for stmt in &m.statements {
                            tx.execute(stmt, []).map_err(|e| db_error(&self.path, e))?;
                        }
                    }
                }
                tx.execute("INSERT INTO schema_version (version) VALUES (?1)", [SCHEMA_VERSION])
                    .map_err(|e| db_error(&self.path, e))?;
                tx.commit().map_err(|e| db_error(&self.path, e))?;
            }
            Some(v) => {
                return Err(Error::Sink(format!(
                    "{}: schema version {v}, this newsx writes version {SCHEMA_VERSION}",
                    self.path
                )))
            }
        }
        Ok(())
    }
}

/// Rows per INSERT, at most (a power of two).
const MAX_ROWS: usize = 64;

/// What inserting needs of a [`SqliteSink`], borrowed apart from the rows' buffers.
struct Writer<'s> {
    conn: &'s Connection,
    inserts: &'s mut [Vec<Option<Insert>>],
    heads: &'s [String],
    path: &'s str,
}

impl Writer<'_> {
    /// Inserts `fields`, whole rows of table `table`, through statements of `2^i` rows each
    /// (binary decomposition of the count, so that few statements serve every count).
    fn insert(&mut self, table: usize, fields: &[Field<'_>]) -> Result<()> {
        self.insert_width(table, TABLES[table].columns.len(), fields)
    }

    /// [`Writer::insert`] for rows of `width` fields.
    fn insert_width(&mut self, table: usize, width: usize, fields: &[Field<'_>]) -> Result<()> {
        let mut fields = fields;
        while !fields.is_empty() {
            let rows = fields.len() / width;
            let log = rows.ilog2() as usize;
            let n = 1 << log;
            let slots = &mut self.inserts[table];
            if slots.len() <= log {
                slots.resize_with(log + 1, || None);
            }
            let insert = match &mut slots[log] {
                Some(insert) => insert,
                slot => {
                    let row = format!("({})", vec!["?"; width].join(", "));
                    let sql = format!("{}{}", self.heads[table], vec![row; n].join(", "));
                    slot.insert(Insert::new(self.conn, &sql).map_err(|e| db_error(self.path, e))?)
                }
            };
            let (now, rest) = fields.split_at(n * width);
            insert.run(now).map_err(|e| db_error(self.path, e))?;
            fields = rest;
        }
        Ok(())
    }
}

fn db_error(path: &str, e: impl std::fmt::Display) -> Error {
    Error::Sink(format!("{path}: {e}"))
}

impl Writer<'_> {
    /// Inserts every pending row, table by table, and empties the buffers.
    fn flush(&mut self, pending: &mut [Vec<Field<'_>>]) -> Result<()> {
        for (table, buffer) in pending.iter_mut().enumerate() {
            self.insert(table, buffer)?;
            buffer.clear();
        }
        Ok(())
    }
}

impl SqliteSink {
    /// What inserting needs, borrowed apart from the rest of the sink.
    fn writer(&mut self) -> Writer<'_> {
        Writer {
            conn: &self.conn,
            inserts: &mut self.inserts,
            heads: &self.insert_heads,
            path: &self.path,
        }
    }

    /// Writes the rows of `docs`; `texts` and `ends` are their mentions' [`mention_texts`],
    /// `doc_ends[i]` where document `i`'s part of `ends` ends.
    fn write_rows(
        &mut self,
        docs: &[Document],
        texts: &str,
        ends: &[(usize, usize, usize)],
        doc_ends: &[usize],
    ) -> Result<()> {
        // Rows wait per table, across the documents of the batch, and go MAX_ROWS at a time:
        // one statement run per several rows saves the per-run work (cursor, seek to the
        // table's end, halt) that costs as much as a row.
        let mut pending: Vec<Vec<Field<'_>>> = TABLES.iter().map(|_| Vec::new()).collect();
        // The articles with rows waiting: deleting one of them must wait until they are in.
        let mut waiting: HashSet<&str> = HashSet::new();
        let mut from = 0;
        for (doc, &to) in docs.iter().zip(doc_ends) {
            if self.conn.is_autocommit() {
                self.conn.execute_batch("BEGIN").map_err(|e| self.err(e))?;
            }
            // Idempotent by article id: a re-run replaces the article's rows.
            if self.seen.len() >= MAX_SEEN {
                // Memory must not grow with the archive: from here on, always delete.
                self.fresh = false;
                self.seen = HashSet::new();
            }
            let first_time = self.fresh && self.seen.insert(doc.id.clone());
            if self.fresh {
                self.keep_indexes(&doc.id, !first_time)?;
            }
            if !first_time {
                if waiting.contains(doc.id.as_str()) {
                    self.writer().flush(&mut pending)?;
                    waiting.clear();
                }
                if !self.indexed {
                    self.create_indexes()?;
                }
                for sql in &self.deletes {
                    let mut stmt =
                        self.conn.prepare_cached(sql).map_err(|e| db_error(&self.path, e))?;
                    stmt.execute([&doc.id]).map_err(|e| db_error(&self.path, e))?;
                }
            }
            waiting.insert(&doc.id);
            let mut writer = self.writer();
            rows(doc, texts, &ends[from..to], &mut |table, row| {
                let buffer = &mut pending[table];
                buffer.extend_from_slice(row);
                if buffer.len() == MAX_ROWS * row.len() {
                    writer.insert(table, buffer)?;
                    buffer.clear();
                }
                Ok(())
            })?;
            from = to;
            self.in_batch += 1;
            if self.in_batch >= if self.rollback { ROLLBACK_BATCH } else { BATCH } {
                self.writer().flush(&mut pending)?;
                waiting.clear();
                self.conn.execute_batch("COMMIT").map_err(|e| self.err(e))?;
                self.in_batch = 0;
            }
        }
        self.writer().flush(&mut pending)
    }
}

impl Sink for SqliteSink {
    fn write(&mut self, doc: &Document) -> Result<()> {
        self.write_batch(std::slice::from_ref(doc))
    }

    fn write_batch(&mut self, docs: &[Document]) -> Result<()> {
        // The mentions' attributes and rules of the whole batch first: the rows borrow them.
        let mut texts = std::mem::take(&mut self.scratch);
        texts.clear();
        let (mut ends, mut doc_ends) = (Vec::new(), Vec::with_capacity(docs.len()));
        for doc in docs {
            mention_texts(doc, &mut texts, &mut ends);
            doc_ends.push(ends.len());
        }
        let written = self.write_rows(docs, &texts, &ends, &doc_ends);
        self.scratch = texts;
        written
    }

    fn finish(&mut self) -> Result<()> {
        // One last transaction: the last articles (or a new file's schema), and the indexes.
        if !self.indexed {
            if self.conn.is_autocommit() {
                self.conn.execute_batch("BEGIN").map_err(|e| self.err(e))?;
            }
            self.create_indexes()?;
        }
        if !self.conn.is_autocommit() {
            self.conn.execute_batch("COMMIT").map_err(|e| self.err(e))?;
        }
        self.in_batch = 0;
        if self.rollback {
            self.journal("WAL")?;
            self.rollback = false;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multi_row_statements_split_by_powers_of_two() {
        // 13 rows of a two-column table go as 8 + 4 + 1 rows, in order.
        let conn = Connection::open_in_memory().expect("open");
        conn.execute_batch("CREATE TABLE t (a INTEGER, b TEXT)").expect("create");
        let text: Vec<String> = (0..13).map(|i| format!("row {i}")).collect();
        let fields: Vec<Field> =
            (0..13).flat_map(|i| [Field::Int(i), Field::from(text[i as usize].as_str())]).collect();
        let mut inserts: Vec<Vec<Option<Insert>>> = vec![Vec::new()];
        let heads = ["INSERT INTO t (a, b) VALUES ".to_string()];
        let mut writer = Writer { conn: &conn, inserts: &mut inserts, heads: &heads, path: "mem" };
        writer.insert_width(0, 2, &fields).expect("insert");
        let rows: Vec<(i64, String)> = conn
            .prepare("SELECT a, b FROM t ORDER BY rowid")
            .expect("prepare")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("rows");
        assert_eq!(rows.len(), 13);
        assert!(rows.iter().enumerate().all(|(i, (a, b))| *a == i as i64 && *b == text[i]));
        let prepared: Vec<bool> = inserts[0].iter().map(Option::is_some).collect();
        assert_eq!(prepared, [true, false, true, true]);
    }
}
