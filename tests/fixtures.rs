//! The regression harness: every fixture must match its hand-checked expectations, and the
//! harness itself must catch differences and never overwrite expectations.
use std::collections::BTreeSet;

use newsx::{Gazetteers, Pipeline};

use crate::util::{newsx, root, stderr, Dir};

/// Every fixture matches its expectations, except for the differences recorded (each reviewed
/// by hand: the expectation is right and the program is not yet) in
/// `fixtures/known_differences.txt`. Both directions fail: a new difference is a regression,
/// and a recorded one that no longer occurs must be struck from the list.
#[test]
fn every_fixture_matches_its_expectations() {
    let pipeline = Pipeline::new(&Gazetteers::embedded()).unwrap();
    let filter = std::env::var("NEWSX_FIXTURE").ok();
    let report =
        newsx::eval::evaluate(&root().join("fixtures"), filter.as_deref(), &pipeline).unwrap();
    assert!(report.fixtures >= 16 || filter.is_some(), "only {} fixtures", report.fixtures);
    let known_text =
        std::fs::read_to_string(root().join("fixtures/known_differences.txt")).unwrap();
    let known: BTreeSet<&str> = known_text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .filter(|l| {
            filter.as_deref().is_none_or(|f| l.split(' ').next().is_some_and(|n| n.contains(f)))
        })
        .collect();
    let lines: Vec<String> = report.diffs.iter().map(|d| d.line()).collect();
    let found: BTreeSet<&str> = lines.iter().map(String::as_str).collect();
    let new: Vec<&&str> = found.difference(&known).collect();
    let gone: Vec<&&str> = known.difference(&found).collect();
    assert!(
        new.is_empty() && gone.is_empty(),
        "\nnew differences (regressions):\n{new:#?}\nrecorded differences that no longer occur (strike them):\n{gone:#?}\n\n{}",
        report.render()
    );
}

fn fixture(dir: &Dir, expected: &serde_json::Value) {
    dir.write("one/article.txt", "Police arrested two men in Paris on Monday.\n");
    dir.write("one/expected.json", serde_json::to_string_pretty(expected).unwrap());
}

#[test]
fn eval_reports_differences_and_exits_1() {
    let dir = Dir::new("harness");
    fixture(
        &dir,
        &serde_json::json!({
            "sentences": [{"start": 0, "end": 43, "text": "Police arrested two men in Paris on Monday."}],
            "mentions": [{"kind": "date", "start": 36, "end": 42, "text": "Monday", "type": "DATE", "value": "1999-01-01"},
                         {"kind": "org", "start": 0, "end": 6, "text": "Polite", "name": "Police"}]
        }),
    );
    let out = newsx(&["eval", dir.path.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = String::from_utf8(out.stdout).unwrap();
    assert!(report.contains("one date wrong: 36..42 \"Monday\""), "{report}");
    assert!(
        report
            .contains("one fixture fixture: 0..6 is Some(\"Police\"), expectation says \"Polite\""),
        "{report}"
    );
    assert!(report.contains("one org missing: 0..6"), "{report}");
}

#[test]
fn update_writes_beside_never_over() {
    let dir = Dir::new("update");
    let expected = serde_json::json!({"sentences": []});
    fixture(&dir, &expected);
    let before = std::fs::read(dir.join("one/expected.json")).unwrap();
    let out = newsx(&["eval", "--update", dir.path.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(std::fs::read(dir.join("one/expected.json")).unwrap(), before);
    let proposed: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("one/expected.json.new")).unwrap()).unwrap();
    assert_eq!(proposed["sentences"][0]["text"], "Police arrested two men in Paris on Monday.");
}

#[test]
fn eval_without_fixtures_is_an_error() {
    let dir = Dir::new("nofixtures");
    let out = newsx(&["eval", dir.path.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("no fixtures"));
}
