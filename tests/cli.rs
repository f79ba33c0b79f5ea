//! The command line: subcommands, options, inputs, outputs and exit codes.
use std::io::Write;

use crate::util::{json_lines, newsx, root, stderr, Dir};

#[test]
fn help_lists_subcommands_and_exit_codes() {
    let out = newsx(&["--help"], b"");
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8(out.stdout).unwrap();
    for needle in ["extract", "analyze", "eval", "Exit status: 0", "2 when some input failed"] {
        assert!(help.contains(needle), "{needle:?} not in {help}");
    }
    let sub = String::from_utf8(newsx(&["extract", "--help"], b"").stdout).unwrap();
    for needle in ["--threads", "--output", "--gazetteers", "--field", "--format"] {
        assert!(sub.contains(needle), "{needle:?} not in {sub}");
    }
}

#[test]
fn version() {
    let out = newsx(&["--version"], b"");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        format!("newsx {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn usage_errors_exit_1() {
    for args in [
        &["analyze"][..],
        &["frobnicate"],
        &["analyze", "--threads", "many", "x"],
        &["analyze", "--field", "nope=x", "x"],
    ] {
        let out = newsx(args, b"");
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert!(!stderr(&out).is_empty());
    }
}

#[test]
fn analyze_plain_text_file() {
    let dir = Dir::new("plain");
    let path = dir.write("a.txt", "Rebels attacked a village on Monday. Two people died.\n");
    let out = newsx(&["analyze", path.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let records = json_lines(&out);
    assert_eq!(records.len(), 1);
    let r = &records[0];
    assert_eq!(r["schema_version"], 1);
    assert_eq!(r["id"], path.display().to_string());
    let spans: Vec<(u64, u64)> = r["sentences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["start"].as_u64().unwrap(), s["end"].as_u64().unwrap()))
        .collect();
    assert_eq!(spans, vec![(0, 36), (37, 53)]);
    assert!(stderr(&out).contains("newsx: 1 articles, 1 events, 0 errors"), "{}", stderr(&out));
}

#[test]
fn stdin_output_file_and_field_remapping() {
    let dir = Dir::new("stdin");
    let out_path = dir.join("out.jsonl");
    let input = b"{\"uuid\": \"x1\", \"body\": \"Police arrested three men.\", \"date\": \"Sat, 27 Dec 2025 13:46:17 +0000\"}\n";
    let out = newsx(
        &[
            "analyze",
            "--field",
            "id=uuid",
            "--field",
            "text=body",
            "--field",
            "published=date",
            "-o",
            out_path.to_str().unwrap(),
            "-",
        ],
        input,
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let written = std::fs::read_to_string(&out_path).unwrap();
    let r: serde_json::Value = serde_json::from_str(written.trim()).unwrap();
    assert_eq!((r["id"].as_str(), r["published"].as_str()), (Some("x1"), Some("2025-12-27")));
}

#[test]
fn directories_are_walked_in_sorted_order_and_gzip_is_read() {
    let dir = Dir::new("walk");
    dir.write("b.txt", "Second file.\n");
    dir.write("a.txt", "First file.\n");
    dir.write(
        "sub/c.jsonl",
        "{\"id\": \"c1\", \"text\": \"Third.\"}\n{\"id\": \"c2\", \"text\": \"Fourth.\"}\n",
    );
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(b"Fifth, compressed.\n").unwrap();
    dir.write("sub/d.txt.gz", gz.finish().unwrap());
    let out = newsx(&["analyze", "--threads", "2", dir.path.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let ids: Vec<String> =
        json_lines(&out).iter().map(|r| r["id"].as_str().unwrap().to_string()).collect();
    let p = |name: &str| dir.join(name).display().to_string();
    assert_eq!(ids, vec![p("a.txt"), p("b.txt"), "c1".into(), "c2".into(), p("sub/d.txt.gz")]);
}

#[test]
fn extract_writes_one_record_per_event() {
    let seed = root().join("fixtures/seed-palmyra/article.txt");
    let out = newsx(&["extract", seed.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let records = json_lines(&out);
    assert_eq!(records.len(), 1);
    let e = &records[0];
    assert_eq!(e["schema_version"], 1);
    assert_eq!(e["article_id"], seed.display().to_string());
    assert_eq!(e["event_id"], format!("{}#1", seed.display()));
    assert_eq!((e["type"].as_str(), e["subtype"].as_str()), (Some("attack"), Some("ambush")));
    assert_eq!(e["date"]["value"], "2025-12-13");
    assert!(stderr(&out).contains("1 articles, 1 events, 0 errors"), "{}", stderr(&out));
}

#[test]
fn gazetteer_overrides_are_checked() {
    let dir = Dir::new("gaz");
    dir.write("no_such_list.txt", "x\n");
    let out = newsx(&["analyze", "--gazetteers", dir.path.to_str().unwrap(), "-"], b"");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("no gazetteer file is named \"no_such_list.txt\"")
            && err.contains("event_types.tsv"),
        "{err}"
    );

    let dir = Dir::new("gaz2");
    dir.write("event_types.tsv", "# format: test\nattack\tambush\n");
    let out = newsx(&["analyze", "--gazetteers", dir.path.to_str().unwrap(), "-"], b"");
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains(&format!("{}:2:", dir.join("event_types.tsv").display())), "{err}");
}
