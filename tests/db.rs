//! Database sinks, through the real binary: SQLite always, PostgreSQL when the environment
//! variable `NEWSX_TEST_POSTGRES` holds a connection URL (`.ci/postgres.sh` prints one).
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::util::Dir;

/// Two articles with one incident each, ids prefixed with `prefix`.
fn input(dir: &Path, prefix: &str) -> PathBuf {
    let path = dir.join("in.jsonl");
    let articles = [
        serde_json::json!({"id": format!("{prefix}a"), "published": "2025-05-04",
            "text": "Gunmen opened fire on a crowded market, killing four people."}),
        serde_json::json!({"id": format!("{prefix}b"), "published": "2025-05-05",
            "text": "Hundreds of teachers protested outside the ministry.\n\nPolice used tear gas."}),
    ];
    let lines: Vec<String> = articles.iter().map(|a| a.to_string()).collect();
    std::fs::write(&path, lines.join("\n") + "\n").expect("write input");
    path
}

/// Runs `newsx extract INPUT --db URL` and checks it succeeded.
fn load(input: &Path, db: &str) {
    let out = Command::new(env!("CARGO_BIN_EXE_newsx"))
        .args(["extract", "--no-progress", "--db", db])
        .arg(input)
        .output()
        .expect("run newsx");
    assert!(out.status.success(), "newsx failed: {}", String::from_utf8_lossy(&out.stderr));
    assert!(out.stdout.is_empty(), "--db writes nothing to stdout");
}

#[test]
fn sqlite_loads_idempotently_with_view() {
    let dir = Dir::new("sqlite");
    let input = input(&dir.path, "t-");
    let db = dir.path.join("news.sqlite");
    let db_str = db.to_str().expect("utf-8 path");
    load(&input, db_str);
    let conn = rusqlite::Connection::open(&db).expect("open");
    let count = |table: &str| -> i64 {
        conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0)).expect("count")
    };
    let first: Vec<i64> =
        ["articles", "events", "event_actors", "casualties", "mentions", "quotes"]
            .iter()
            .map(|t| count(t))
            .collect();
    assert_eq!(first[0], 2);
    assert_eq!(first[1], 2, "one event per article");
    load(&input, db_str);
    let second: Vec<i64> =
        ["articles", "events", "event_actors", "casualties", "mentions", "quotes"]
            .iter()
            .map(|t| count(t))
            .collect();
    assert_eq!(first, second, "a re-run replaces rows, never duplicates them");
    let version: i64 = conn
        .query_row("SELECT MAX(version) FROM schema_version", [], |r| r.get(0))
        .expect("version");
    assert_eq!(version, 3);
    // Gunmen (3, an unidentified armed group) on people (7); police (1) on teachers (6).
    let codes: Vec<(Option<i64>, Option<i64>)> = conn
        .prepare(
            "SELECT e.interaction, a.inter FROM events e LEFT JOIN event_actors a \
                  ON a.event_id = e.event_id AND a.role = 'perpetrator' ORDER BY e.event_id",
        )
        .expect("prepare")
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(codes[0].1, Some(3));
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).expect("mode");
    assert_eq!(mode, "wal");
    let mut stmt = conn
        .prepare("SELECT event_id, type, date, place, killed FROM event_summary ORDER BY event_id")
        .expect("view");
    let rows: Vec<(String, String, Option<String>)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    let ids: Vec<&str> = rows.iter().map(|r| r.0.as_str()).collect();
    assert_eq!(ids, ["t-a#1", "t-b#1"]);
    assert_eq!(rows[1].1, "protest");
    // No date in either text: the publication date stands in, marked as a fallback.
    assert_eq!(rows[0].2.as_deref(), Some("2025-05-04"));
    let fallback: i64 = conn
        .query_row("SELECT date_fallback FROM events WHERE event_id = 't-a#1'", [], |r| r.get(0))
        .expect("fallback");
    assert_eq!(fallback, 1);
}

#[test]
fn sqlite_version_1_database_is_migrated() {
    let dir = Dir::new("sqlite-migrate");
    let input = input(&dir.path, "t-");
    let db = dir.path.join("old.sqlite");
    {
        // The version 1 tables that gained columns, as an older newsx left them.
        let conn = rusqlite::Connection::open(&db).expect("open");
        conn.execute_batch(
            "CREATE TABLE schema_version (version INTEGER NOT NULL);
             INSERT INTO schema_version VALUES (1);
             CREATE TABLE events (event_id TEXT PRIMARY KEY, article_id TEXT, seq INTEGER,
               type TEXT, subtype TEXT, acled_event_type TEXT, acled_sub_event_type TEXT,
               cameo TEXT, trigger_text TEXT, trigger_start INTEGER, trigger_end INTEGER,
               date_value TEXT, date_text TEXT, date_start INTEGER, date_end INTEGER,
               date_fallback INTEGER, location_name TEXT, location_country TEXT,
               location_lat REAL, location_lon REAL, location_text TEXT, location_start INTEGER,
               location_end INTEGER, killed INTEGER, wounded INTEGER, sentence INTEGER,
               quotes TEXT, confidence REAL, evidence TEXT);
             CREATE TABLE event_actors (event_id TEXT, article_id TEXT, seq INTEGER, role TEXT,
               name TEXT, kind TEXT, country TEXT, start_byte INTEGER, end_byte INTEGER);",
        )
        .expect("create version 1");
    }
    let db_str = db.to_str().expect("utf-8 path");
    load(&input, db_str);
    load(&input, db_str);
    let conn = rusqlite::Connection::open(&db).expect("open");
    let version: i64 = conn
        .query_row("SELECT MAX(version) FROM schema_version", [], |r| r.get(0))
        .expect("version");
    assert_eq!(version, 3);
    let n: i64 = conn
        .query_row("SELECT COUNT(*) FROM events WHERE interaction IS NOT NULL", [], |r| r.get(0))
        .expect("count");
    assert_eq!(n, 2, "both events carry an interaction code after the migration");
}

#[test]
fn sqlite_version_2_mentions_are_migrated() {
    // Version 3 stores a mention's main value once: `value_json` becomes `attrs`, without it.
    let dir = Dir::new("sqlite-migrate-2");
    let input = input(&dir.path, "t-");
    let db = dir.path.join("old.sqlite");
    {
        let conn = rusqlite::Connection::open(&db).expect("open");
        conn.execute_batch(
            r#"CREATE TABLE schema_version (version INTEGER NOT NULL);
             INSERT INTO schema_version VALUES (1), (2);
             CREATE TABLE mentions (article_id TEXT, seq INTEGER, kind TEXT,
               start_byte INTEGER, end_byte INTEGER, text TEXT, sentence INTEGER, value TEXT,
               value_json TEXT, rule TEXT);
             INSERT INTO mentions VALUES
               ('old', 1, 'place', 0, 2, 'US', 0, 'United States',
                '{"name":"United States","country":"US","feature":"country"}', 'places/x'),
               ('old', 2, 'date', 5, 8, 'now', 0, 'PRESENT_REF',
                '{"type":"DATE","value":"PRESENT_REF","anchored":true}', 'dates/x'),
               ('old', 3, 'person', 9, 12, 'Ann', 0, 'Ann', '{"name":"Ann"}', 'persons/x'),
               ('old', 4, 'casualty', 13, 20, 'killed 3', 0, 'killed 3',
                '{"type":"killed","count":3,"victim":"people"}', 'casualties/x');"#,
        )
        .expect("create version 2");
    }
    load(&input, db.to_str().expect("utf-8 path"));
    let conn = rusqlite::Connection::open(&db).expect("open");
    let version: i64 = conn
        .query_row("SELECT MAX(version) FROM schema_version", [], |r| r.get(0))
        .expect("version");
    assert_eq!(version, 3);
    let attrs: Vec<Option<String>> = conn
        .prepare("SELECT attrs FROM mentions WHERE article_id = 'old' ORDER BY seq")
        .expect("prepare")
        .query_map([], |r| r.get(0))
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows");
    assert_eq!(
        attrs,
        [
            Some(r#"{"country":"US","feature":"country"}"#.to_string()),
            Some(r#"{"type":"DATE","anchored":true}"#.to_string()),
            None,
            Some(r#"{"victim":"people"}"#.to_string()),
        ]
    );
    let new: i64 = conn
        .query_row("SELECT COUNT(*) FROM mentions WHERE article_id LIKE 't-%'", [], |r| r.get(0))
        .expect("count");
    assert!(new > 0, "the new articles' mentions are loaded after the migration");
}

#[test]
fn sqlite_article_given_twice_in_one_run_is_stored_once() {
    let dir = Dir::new("sqlite-twice");
    let input = input(&dir.path, "t-");
    let text = std::fs::read_to_string(&input).expect("read input");
    let twice = dir.path.join("twice.jsonl");
    std::fs::write(&twice, format!("{text}{text}")).expect("write input");
    let db = dir.path.join("news.sqlite");
    load(&twice, db.to_str().expect("utf-8 path"));
    let conn = rusqlite::Connection::open(&db).expect("open");
    let n: i64 = conn.query_row("SELECT COUNT(*) FROM events", [], |r| r.get(0)).expect("count");
    assert_eq!(n, 2);
}

#[test]
fn sqlite_open_failure_is_reported_before_reading() {
    let dir = Dir::new("sqlite-bad");
    let input = input(&dir.path, "t-");
    let db = dir.path.join("no-such-dir").join("x.sqlite");
    let out = Command::new(env!("CARGO_BIN_EXE_newsx"))
        .args(["extract", "--no-progress", "--db"])
        .arg(&db)
        .arg(&input)
        .output()
        .expect("run newsx");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("x.sqlite"));
}

#[cfg(feature = "postgres")]
#[test]
fn postgres_loads_idempotently_with_view() {
    let Ok(url) = std::env::var("NEWSX_TEST_POSTGRES") else {
        eprintln!("SKIPPED: NEWSX_TEST_POSTGRES not set (run `eval \"$(.ci/postgres.sh)\"`)");
        return;
    };
    let dir = Dir::new("postgres");
    // Unique ids, so that concurrent runs against one server do not see each other's rows.
    let prefix = format!("pgtest-{}-", std::process::id());
    let input = input(&dir.path, &prefix);
    let mut client = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
    let like = format!("{prefix}%");
    let counts = |client: &mut postgres::Client| -> Vec<i64> {
        ["articles", "events", "event_actors", "casualties", "mentions", "quotes"]
            .iter()
            .map(|t| {
                let sql = format!("SELECT COUNT(*) FROM {t} WHERE article_id LIKE $1");
                client.query_one(&sql, &[&like]).expect("count").get(0)
            })
            .collect()
    };
    load(&input, &url);
    let first = counts(&mut client);
    assert_eq!(&first[..2], [2, 2]);
    load(&input, &url);
    assert_eq!(first, counts(&mut client), "a re-run replaces rows, never duplicates them");
    let rows = client
        .query(
            "SELECT event_id, type, date FROM event_summary WHERE article_id LIKE $1 ORDER BY event_id",
            &[&like],
        )
        .expect("view");
    let got: Vec<(String, String, Option<String>)> =
        rows.iter().map(|r| (r.get(0), r.get(1), r.get(2))).collect();
    assert_eq!(
        got[0],
        (format!("{prefix}a#1"), "attack".to_string(), Some("2025-05-04".to_string()))
    );
    assert_eq!(got[1].1, "protest");
    let coded: i64 = client
        .query_one(
            "SELECT COUNT(*) FROM events WHERE article_id LIKE $1 AND interaction IS NOT NULL",
            &[&like],
        )
        .expect("interaction")
        .get(0);
    assert_eq!(coded, 2);
    for t in ["articles", "events", "event_actors", "casualties", "mentions", "quotes"] {
        let sql = format!("DELETE FROM {t} WHERE article_id LIKE $1");
        client.execute(&sql, &[&like]).expect("clean up");
    }
}

#[test]
fn sqlite_fresh_load_ends_with_its_indexes() {
    // A fresh database grows its secondary indexes while the ids come in ascending order; ids
    // out of order drop them, and they are built once at the end; an id given twice builds
    // them early (its second copy deletes the first by index). Every load ends in WAL.
    let dir = Dir::new("sqlite-indexes");
    let input = input(&dir.path, "t-");
    let text = std::fs::read_to_string(&input).expect("read input");
    let twice = dir.path.join("twice.jsonl");
    std::fs::write(&twice, format!("{text}{text}")).expect("write input");
    let reversed = dir.path.join("reversed.jsonl");
    let lines: Vec<&str> = text.lines().rev().collect();
    std::fs::write(&reversed, lines.join("\n") + "\n").expect("write input");
    for (name, file) in
        [("once.sqlite", &input), ("twice.sqlite", &twice), ("reversed.sqlite", &reversed)]
    {
        let db = dir.path.join(name);
        load(file, db.to_str().expect("utf-8 path"));
        let conn = rusqlite::Connection::open(&db).expect("open");
        let mode: String =
            conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).expect("journal mode");
        assert_eq!(mode, "wal", "{name}");
        let events: i64 =
            conn.query_row("SELECT COUNT(*) FROM events", [], |r| r.get(0)).expect("count");
        assert_eq!(events, 2, "{name}");
        let mut names: Vec<String> = conn
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%_article'",
            )
            .expect("prepare")
            .query_map([], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        names.sort();
        assert_eq!(
            names,
            [
                "casualties_article",
                "event_actors_article",
                "events_article",
                "mentions_article",
                "quotes_article"
            ],
            "{name}"
        );
    }
}
