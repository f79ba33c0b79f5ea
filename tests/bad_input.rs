//! Bad input of every kind gets a clear error naming the file (and line), the run goes on with
//! the rest, the summary counts the failures, the exit status is 2, and nothing panics.
use std::io::Write;

use crate::util::{json_lines, newsx, stderr, Dir};

fn ids(out: &std::process::Output) -> Vec<String> {
    json_lines(out).iter().map(|r| r["id"].as_str().unwrap().to_string()).collect()
}

#[test]
fn invalid_utf8_names_file_and_line() {
    let dir = Dir::new("utf8");
    let bad = dir.write("a_bad.txt", b"First line.\nSecond \xff line.\n");
    let good = dir.write("b_good.txt", "Two soldiers were killed.\n");
    let out = newsx(&["analyze", bad.to_str().unwrap(), good.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains(&format!("{}:2: invalid UTF-8 at byte 19", bad.display())), "{err}");
    assert_eq!(ids(&out), vec![good.display().to_string()]);
    assert!(err.contains("1 articles, 1 events, 1 errors"), "{err}");
}

#[test]
fn empty_article_is_an_error() {
    let dir = Dir::new("empty");
    let empty = dir.write("empty.txt", " \n\n");
    let out = newsx(&["analyze", empty.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains(&format!("{}: empty article", empty.display())));
    assert!(out.stdout.is_empty());
}

#[test]
fn malformed_json_lines_are_reported_and_skipped() {
    let dir = Dir::new("jsonl");
    let path = dir.write(
        "in.jsonl",
        concat!(
            "{\"id\": \"one\", \"text\": \"First article.\"}\n",
            "{not json\n",
            "[1, 2]\n",
            "{\"id\": \"no-text\"}\n",
            "{\"id\": \"num\", \"text\": 7}\n",
            "{\"id\": \"bad-date\", \"text\": \"x\", \"published\": \"yesterday\"}\n",
            "{\"id\": \"blank\", \"text\": \"   \"}\n",
            "\n",
            "{\"text\": \"No id here.\"}\n",
        ),
    );
    let out = newsx(&["analyze", path.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    let p = path.display();
    for needle in [
        format!("{p}:2: malformed JSON"),
        format!("{p}:3: a JSON Lines record must be an object"),
        format!("{p}:4: no \"text\" field"),
        format!("{p}:5: field \"text\" is not a string"),
        format!("{p}:6: \"yesterday\" is not a date"),
        format!("{p}:7: empty article"),
    ] {
        assert!(err.contains(&needle), "missing {needle:?} in {err}");
    }
    assert_eq!(ids(&out), vec!["one".to_string(), format!("{p}:9")]);
    assert!(err.contains("2 articles, 0 events, 6 errors"), "{err}");
}

#[test]
fn truncated_gzip_is_reported_with_its_line() {
    let dir = Dir::new("gzip");
    let mut text = String::new();
    for i in 0..400 {
        text.push_str(&format!(
            "{{\"id\": \"a{i}\", \"text\": \"Article number {i} was written on a Monday.\"}}\n"
        ));
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(text.as_bytes()).unwrap();
    let bytes = gz.finish().unwrap();
    let path = dir.write("cut.jsonl.gz", &bytes[..bytes.len() / 2]);
    let good = dir.write("whole.jsonl.gz", &bytes);
    let out = newsx(&["analyze", path.to_str().unwrap(), good.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains(&format!("{}:", path.display())) && err.contains("read failed"), "{err}");
    let ids = ids(&out);
    // Everything before the cut is kept, then the whole second file.
    assert!(ids.len() > 400 && ids.len() < 800, "{}", ids.len());
    assert_eq!(ids[ids.len() - 400..].first().map(String::as_str), Some("a0"));
    assert!(err.contains("1 errors"), "{err}");
}

#[test]
fn unreadable_paths_are_reported() {
    let dir = Dir::new("missing");
    let good = dir.write("ok.txt", "A short article.\n");
    let missing = dir.join("no-such-file.txt");
    let out = newsx(&["analyze", missing.to_str().unwrap(), good.to_str().unwrap()], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains(&format!("{}: cannot open", missing.display())));
    assert_eq!(ids(&out).len(), 1);
}

#[test]
fn enormous_articles_are_refused_not_processed() {
    let dir = Dir::new("huge");
    let big = dir.write("big.txt", "word ".repeat(100));
    let lines = dir.write(
        "big.jsonl",
        format!("{{\"text\": \"{}\"}}\n{{\"text\": \"small\"}}\n", "w".repeat(300)),
    );
    let out = newsx(
        &["analyze", "--max-article-bytes", "200", big.to_str().unwrap(), lines.to_str().unwrap()],
        b"",
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains(&format!("{}: article is over the 200-byte limit", big.display())),
        "{err}"
    );
    assert!(
        err.contains(&format!("{}:1: line is over the 200-byte limit", lines.display())),
        "{err}"
    );
    assert_eq!(ids(&out), vec![format!("{}:2", lines.display())]);
}

/// Odd and hostile texts go through every stage without a panic, and every span the output
/// gives lies on character boundaries of the text.
#[test]
fn no_panic_on_hostile_text() {
    let pipeline = newsx::Pipeline::new(&newsx::Gazetteers::embedded()).unwrap();
    let mut texts: Vec<String> = vec![
        String::new(),
        "\"".into(),
        "“".into(),
        "\"Unclosed quote, said Smith. ".repeat(50),
        "«»„“‘’ ''`` '' \" ” “".into(),
        "...!?!?...……".into(),
        "Mr. Dr. U.S. a.m. p.m. e.g. i.e. No. 5.".into(),
        "\u{0}\u{1}\u{7f}\u{200b}\u{feff}\u{202e}".into(),
        "e\u{301}\u{301}\u{301} 🇸🇾 👩‍👩‍👧 ".repeat(20),
        "killed killed wounded 1,000,000,000,000,000,000 dozens of hundreds".into(),
        "On 99/99/9999 at 25:61 p.m. in the year 0 and 99999, December 45th.".into(),
        "\r\n\r\n\r\nTitle\r\n\r\nPARIS, France (Reuters) -\r\n".into(),
        "a".repeat(200_000),
        "A. ".repeat(5_000),
        "“".repeat(3_000),
    ];
    // Deterministic pseudo-random mixes of the characters that matter to the stages.
    let alphabet: Vec<char> = "aZ 09.,;:!?\"'“”‘’«»()-–—\n\r\tMrUSkilled$%€é".chars().collect();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..200 {
        let len = (seed % 400) as usize;
        let s: String = (0..len)
            .map(|_| {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                alphabet[(seed % alphabet.len() as u64) as usize]
            })
            .collect();
        texts.push(s);
    }
    for (i, text) in texts.into_iter().enumerate() {
        let doc = pipeline.annotate(newsx::Article::from_text(format!("t{i}"), text));
        let spans = doc
            .sentences
            .iter()
            .map(|s| s.span)
            .chain(doc.mentions.iter().map(|m| m.span))
            .chain(doc.quotes.iter().map(|q| q.span));
        for span in spans {
            assert!(span.start <= span.end && span.end <= doc.text.len(), "t{i}: {span:?}");
            assert!(doc.text.is_char_boundary(span.start) && doc.text.is_char_boundary(span.end));
        }
        let record = newsx::sink::wire::AnalysisRecord::new(&doc);
        serde_json::to_string(&record).expect("serializes");
    }
}
