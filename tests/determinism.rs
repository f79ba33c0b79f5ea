//! Output is byte-identical whatever the thread count and batch size.
use newsx::sink::jsonl::{JsonlSink, Records};
use newsx::{BatchLimits, Gazetteers, Pipeline, Reader, ReaderOptions};

use crate::util::{newsx, root, stderr, Dir};

/// Many articles: every fixture's text, repeated with varied ids and dates.
fn corpus(dir: &Dir) -> std::path::PathBuf {
    let mut lines = String::new();
    for round in 0..12 {
        for entry in std::fs::read_dir(root().join("fixtures")).unwrap() {
            let path = entry.unwrap().path().join("article.txt");
            if let Ok(text) = std::fs::read_to_string(&path) {
                let record = serde_json::json!({"id": format!("{}-{round}", path.display()), "text": text, "published": format!("2025-0{}-1{}", 1 + round % 9, round % 10)});
                lines.push_str(&record.to_string());
                lines.push('\n');
            }
        }
    }
    dir.write("corpus.jsonl", lines)
}

#[test]
fn threads_do_not_change_output() {
    let dir = Dir::new("threads");
    let input = corpus(&dir);
    let run = |threads: &str, cmd: &str| {
        let out = newsx(&[cmd, "--threads", threads, input.to_str().unwrap()], b"");
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(!out.stdout.is_empty());
        out.stdout
    };
    for cmd in ["analyze", "extract"] {
        let one = run("1", cmd);
        assert!(one == run("3", cmd), "{cmd}: --threads 1 and 3 differ");
        assert!(one == run("8", cmd), "{cmd}: --threads 1 and 8 differ");
    }
}

#[test]
fn batch_size_does_not_change_output() {
    let dir = Dir::new("batches");
    let input = corpus(&dir);
    let pipeline = Pipeline::new(&Gazetteers::embedded()).unwrap();
    let run = |limits: BatchLimits| {
        let mut out = Vec::new();
        let mut sink = JsonlSink::new(&mut out, Records::Analysis, "mem");
        let reader = Reader::new(std::slice::from_ref(&input), ReaderOptions::default());
        newsx::run(reader, &pipeline, &mut sink, &newsx::run::Silent, limits).unwrap();
        drop(sink);
        out
    };
    let whole = run(BatchLimits::default());
    assert!(whole == run(BatchLimits { articles: 1, bytes: usize::MAX }));
    assert!(whole == run(BatchLimits { articles: 7, bytes: 5_000 }));
}

#[test]
fn pipeline_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<Pipeline>();
}
