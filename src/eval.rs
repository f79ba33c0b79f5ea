/*!
The regression harness: compares the pipeline's analysis of each fixture with its hand-checked
expectations and reports precision, recall and F1 per kind plus every difference.

A fixture is a directory holding `article.txt` (any text newsx reads) and `expected.json` (see
`fixtures/README.md`). Items match on kind and exact span; a matched item whose value fields
differ is a *wrong value*. Every field an expectation states is compared; fields it leaves out
are not. Expectations whose `text` does not equal the bytes they point at are reported as
fixture errors, so offsets typed by hand cannot drift unnoticed.
*/
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde_json::{json, Map, Value as Json};

use crate::doc::Document;
use crate::error::{Error, Result};
use crate::input::Article;
use crate::pipeline::Pipeline;
use crate::sink::wire::AnalysisRecord;

/// Counts for one kind of item.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Expected and found.
    pub tp: u64,
    /// Found but not expected.
    pub fp: u64,
    /// Expected but not found.
    pub fn_: u64,
}

impl Counts {
    /// Precision, recall, F1 (1.0 when there is nothing to find and nothing found).
    pub fn prf(&self) -> (f64, f64, f64) {
        let ratio = |a: u64, b: u64| if b == 0 { 1.0 } else { a as f64 / b as f64 };
        let p = ratio(self.tp, self.tp + self.fp);
        let r = ratio(self.tp, self.tp + self.fn_);
        let f = if p + r == 0.0 { 0.0 } else { 2.0 * p * r / (p + r) };
        (p, r, f)
    }
}

/// What kind of difference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DiffKind {
    /// Expected, not produced.
    Missing,
    /// Produced, not expected.
    Spurious,
    /// Produced at the expected place with another value.
    Wrong,
    /// The expectation itself is inconsistent with the article.
    Fixture,
}

/// One difference between expectation and output.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    /// Fixture name.
    pub fixture: String,
    /// Item kind (`date`, `sentence`, `quote`, `event.date`...).
    pub item: String,
    /// Kind of difference.
    pub kind: DiffKind,
    /// What differs, with the text concerned.
    pub detail: String,
}

impl Diff {
    /// One line: `fixture item kind: detail`.
    pub fn line(&self) -> String {
        let kind = serde_json::to_string(&self.kind).unwrap_or_default();
        format!("{} {} {}: {}", self.fixture, self.item, kind.trim_matches('"'), self.detail)
    }
}

/// The result of evaluating fixtures.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Report {
    /// Fixtures evaluated.
    pub fixtures: usize,
    /// Counts per item kind, sorted by name.
    pub counts: BTreeMap<String, Counts>,
    /// Every difference, by fixture then item.
    pub diffs: Vec<Diff>,
}

impl Report {
    /// A readable table of P/R/F1 per kind followed by every difference.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(out, "{} fixtures", self.fixtures);
        let _ = writeln!(
            out,
            "{:<18} {:>5} {:>5} {:>5} {:>7} {:>7} {:>7}",
            "kind", "tp", "fp", "fn", "P", "R", "F1"
        );
        for (kind, c) in &self.counts {
            let (p, r, f) = c.prf();
            let _ = writeln!(
                out,
                "{kind:<18} {:>5} {:>5} {:>5} {p:>7.3} {r:>7.3} {f:>7.3}",
                c.tp, c.fp, c.fn_
            );
        }
        if self.diffs.is_empty() {
            let _ = writeln!(out, "no differences");
        } else {
            let _ = writeln!(out, "{} differences:", self.diffs.len());
            for d in &self.diffs {
                let _ = writeln!(out, "  {}", d.line());
            }
        }
        out
    }
}

/// One fixture on disk.
#[derive(Debug, Clone)]
pub struct Fixture {
    /// Directory name.
    pub name: String,
    /// The fixture's directory.
    pub dir: PathBuf,
}

/// Fixtures in `dir` (subdirectories holding `expected.json`), sorted by name, keeping those
/// whose name contains `filter`.
pub fn fixtures(dir: &Path, filter: Option<&str>) -> Result<Vec<Fixture>> {
    let io = |source| Error::Io { path: dir.to_path_buf(), source };
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        if path.join("expected.json").is_file() && filter.is_none_or(|f| name.contains(f)) {
            found.push(Fixture { name, dir: path });
        }
    }
    found.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(found)
}

impl Fixture {
    /// Reads the article and runs the pipeline on it. The id is the fixture name, so that
    /// output does not depend on where the fixtures live.
    pub fn analyze(&self, pipeline: &Pipeline) -> Result<Document> {
        let path = self.dir.join("article.txt");
        let text = std::fs::read_to_string(&path).map_err(|source| Error::Io { path, source })?;
        Ok(pipeline.annotate(Article::from_text(&self.name, text)))
    }

    /// The hand-written expectations.
    pub fn expected(&self) -> Result<Json> {
        let path = self.dir.join("expected.json");
        let text = std::fs::read_to_string(&path)
            .map_err(|source| Error::Io { path: path.clone(), source })?;
        serde_json::from_str(&text).map_err(|e| Error::Data {
            file: path.display().to_string(),
            line: e.line(),
            message: e.to_string(),
        })
    }
}

/// Evaluates every fixture in `dir` (filtered by name) with `pipeline`.
pub fn evaluate(dir: &Path, filter: Option<&str>, pipeline: &Pipeline) -> Result<Report> {
    let mut report = Report::default();
    for fixture in fixtures(dir, filter)? {
        let doc = fixture.analyze(pipeline)?;
        compare(&fixture.name, &fixture.expected()?, &doc, &mut report);
        report.fixtures += 1;
    }
    Ok(report)
}

/// Compares one document with its expectations, adding counts and diffs to `report`.
pub fn compare(name: &str, expected: &Json, doc: &Document, report: &mut Report) {
    let actual = serde_json::to_value(AnalysisRecord::new(doc)).unwrap_or(Json::Null);
    let mut cmp = Comparison { name, doc, report };
    cmp.check_texts(expected);
    cmp.scalar("published", &expected["published"], &actual["published"]);
    cmp.span_object("title", &expected["title"], &actual["title"]);
    cmp.span_object("dateline", &expected["dateline"], &actual["dateline"]);
    cmp.dateline_place(&expected["dateline"], &actual);
    cmp.spans(
        "sentence",
        list(&expected["sentences"]),
        list(&actual["sentences"]),
        &["start", "end", "text"],
    );
    for kind in ["date", "place", "org", "person", "casualty"] {
        let of_kind = |v: &Json| -> Vec<Json> {
            list(&v["mentions"]).into_iter().filter(|m| m["kind"] == kind).collect()
        };
        cmp.spans(kind, of_kind(expected), of_kind(&actual), &["kind", "start", "end", "text"]);
    }
    cmp.spans(
        "quote",
        list(&expected["quotes"]),
        list(&actual["quotes"]),
        &["start", "end", "text"],
    );
    if let Some(totals) = expected["totals"].as_object() {
        for (key, want) in totals {
            cmp.scalar(&format!("totals.{key}"), want, &actual["totals"][key]);
        }
    }
    cmp.events(list(&expected["events"]), list(&actual["events"]));
}

fn list(v: &Json) -> Vec<Json> {
    v.as_array().cloned().unwrap_or_default()
}

struct Comparison<'a> {
    name: &'a str,
    doc: &'a Document,
    report: &'a mut Report,
}

impl Comparison<'_> {
    fn diff(&mut self, item: &str, kind: DiffKind, detail: String) {
        self.report.diffs.push(Diff {
            fixture: self.name.to_string(),
            item: item.to_string(),
            kind,
            detail,
        });
    }

    fn count(&mut self, item: &str) -> &mut Counts {
        self.report.counts.entry(item.to_string()).or_default()
    }

    /// Every expectation object with `start`, `end` and `text` must point at exactly that text.
    fn check_texts(&mut self, v: &Json) {
        match v {
            Json::Object(map) => {
                if let (Some(s), Some(e), Some(t)) = (
                    map.get("start").and_then(Json::as_u64),
                    map.get("end").and_then(Json::as_u64),
                    map.get("text").and_then(Json::as_str),
                ) {
                    let at = self.doc.text.get(s as usize..e as usize);
                    if at != Some(t) {
                        self.diff(
                            "fixture",
                            DiffKind::Fixture,
                            format!("{s}..{e} is {at:?}, expectation says {t:?}"),
                        );
                    }
                }
                map.values().for_each(|x| self.check_texts(x));
            }
            Json::Array(items) => items.iter().for_each(|x| self.check_texts(x)),
            _ => {}
        }
    }

    fn scalar(&mut self, item: &str, want: &Json, got: &Json) {
        let got = if got.is_null() && want.is_null() { want } else { got };
        if !same(want, got) {
            self.diff(item, DiffKind::Wrong, format!("expected {want}, got {got}"));
        }
    }

    fn span_object(&mut self, item: &str, want: &Json, got: &Json) {
        match (want, got) {
            (Json::Null, Json::Null) => {}
            (Json::Null, g) => self.diff(item, DiffKind::Spurious, format!("{}", g["text"])),
            (w, Json::Null) => self.diff(item, DiffKind::Missing, format!("{}", w["text"])),
            (w, g) => {
                for key in ["start", "end", "text"] {
                    if !same(&w[key], &g[key]) {
                        self.diff(
                            item,
                            DiffKind::Wrong,
                            format!("{key}: expected {}, got {}", w[key], g[key]),
                        );
                    }
                }
            }
        }
    }

    /// The first place mention inside the dateline is the dateline's place.
    fn dateline_place(&mut self, want: &Json, actual: &Json) {
        let (Some(place), Some(end)) = (want.get("place"), want["end"].as_u64()) else { return };
        let start = want["start"].as_u64().unwrap_or(0);
        let found = list(&actual["mentions"]).into_iter().find(|m| {
            m["kind"] == "place" && m["start"].as_u64().is_some_and(|s| s >= start && s < end)
        });
        let got = found
            .as_ref()
            .map_or(json!({}), |m| json!({"place": m["name"], "country": m["country"]}));
        let want = json!({"place": place, "country": want["country"]});
        if !same(&want, &got) {
            self.diff("dateline.place", DiffKind::Wrong, format!("expected {want}, got {got}"));
        }
    }

    /// Matches items by exact span; compares the expected value fields of matched ones.
    fn spans(&mut self, item: &str, want: Vec<Json>, got: Vec<Json>, not_values: &[&str]) {
        let key = |v: &Json| (v["start"].as_u64(), v["end"].as_u64());
        let mut got_left: Vec<Option<Json>> = got.into_iter().map(Some).collect();
        for w in &want {
            let slot = got_left.iter_mut().find(|g| g.as_ref().is_some_and(|g| key(g) == key(w)));
            match slot.and_then(Option::take) {
                Some(g) => {
                    self.count(item).tp += 1;
                    let wrong = value_differences(w, &g, not_values);
                    if !wrong.is_empty() {
                        self.diff(
                            item,
                            DiffKind::Wrong,
                            format!("{} {}", describe(w, self.doc), wrong.join(", ")),
                        );
                    }
                }
                None => {
                    self.count(item).fn_ += 1;
                    self.diff(item, DiffKind::Missing, describe(w, self.doc));
                }
            }
        }
        for g in got_left.into_iter().flatten() {
            self.count(item).fp += 1;
            self.diff(item, DiffKind::Spurious, describe(&g, self.doc));
        }
    }

    /// Events match in order on (type, subtype); each expected field is then compared.
    fn events(&mut self, want: Vec<Json>, got: Vec<Json>) {
        let mut got_left: Vec<Option<Json>> = got.iter().map(|g| Some(event_summary(g))).collect();
        for w in &want {
            let slot = got_left.iter_mut().find(|g| {
                g.as_ref().is_some_and(|g| g["type"] == w["type"] && g["subtype"] == w["subtype"])
            });
            let label = format!(
                "{}/{}",
                w["type"].as_str().unwrap_or("?"),
                w["subtype"].as_str().unwrap_or("?")
            );
            match slot.and_then(Option::take) {
                Some(g) => {
                    self.count("event").tp += 1;
                    for field in w.as_object().into_iter().flat_map(|m| m.keys()) {
                        if field == "type" || field == "subtype" {
                            continue;
                        }
                        let item = format!("event.{field}");
                        let agrees = match field.as_str() {
                            "actors" => same_actors(&w[field], &g[field]),
                            _ => same(&w[field], &g[field]),
                        };
                        if agrees {
                            self.count(&item).tp += 1;
                        } else {
                            let c = self.count(&item);
                            c.fp += u64::from(!g[field].is_null());
                            c.fn_ += 1;
                            self.diff(
                                &item,
                                DiffKind::Wrong,
                                format!("{label}: expected {}, got {}", w[field], g[field]),
                            );
                        }
                    }
                }
                None => {
                    self.count("event").fn_ += 1;
                    self.diff("event", DiffKind::Missing, label);
                }
            }
        }
        for g in got_left.into_iter().flatten() {
            self.count("event").fp += 1;
            self.diff(
                "event",
                DiffKind::Spurious,
                format!("{}/{}: {}", g["type"], g["subtype"], g),
            );
        }
    }
}

/// Equality that treats numbers by value (`3` == `3.0`) and coordinates within 0.01 degree.
fn same(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => (x - y).abs() < 0.01,
            _ => x == y,
        },
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.iter().all(|(k, v)| same(v, y.get(k).unwrap_or(&Json::Null)))
        }
        _ => a == b,
    }
}

/// Actors agree when each side's actors pair up one to one with the same role and
/// compatible names: equal ignoring case, or the same head noun (the last word, ignoring a
/// plural `s`), so that `three Somali soldiers` matches `Somali soldiers` and `crowd` matches
/// `block party crowd`, while `army base` does not match `Nigerian Army`.
fn same_actors(want: &Json, got: &Json) -> bool {
    let head = |name: &str| {
        let last = name.split_whitespace().last().unwrap_or("").to_lowercase();
        last.strip_suffix('s').map(str::to_string).unwrap_or(last)
    };
    let compatible = |w: &Json, g: &Json| {
        let (wn, gn) = (w["name"].as_str().unwrap_or(""), g["name"].as_str().unwrap_or(""));
        w["role"] == g["role"] && (wn.eq_ignore_ascii_case(gn) || head(wn) == head(gn))
    };
    let (want, got) = (list(want), list(got));
    let mut left: Vec<Option<&Json>> = got.iter().map(Some).collect();
    want.len() == got.len()
        && want.iter().all(|w| {
            let slot = left.iter_mut().find(|g| g.is_some_and(|g| compatible(w, g)));
            slot.and_then(Option::take).is_some()
        })
}

fn value_differences(want: &Json, got: &Json, not_values: &[&str]) -> Vec<String> {
    let Some(fields) = want.as_object() else { return Vec::new() };
    fields
        .iter()
        .filter(|(k, _)| !not_values.contains(&k.as_str()))
        .filter(|(k, v)| !same(v, &got[k.as_str()]))
        .map(|(k, v)| format!("{k}: expected {v}, got {}", got[k.as_str()]))
        .collect()
}

fn describe(v: &Json, doc: &Document) -> String {
    let (s, e) =
        (v["start"].as_u64().unwrap_or(0) as usize, v["end"].as_u64().unwrap_or(0) as usize);
    let text = doc.text.get(s..e).unwrap_or("?");
    let shown: String = text.chars().take(80).collect();
    let extra: Vec<String> = v
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| {
            !["kind", "start", "end", "text", "sentence", "rule", "paragraph"].contains(&k.as_str())
        })
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    format!("{s}..{e} {shown:?} {}", extra.join(" "))
}

/// The comparable fields of an event record, in the shape fixture expectations use.
fn event_summary(e: &Json) -> Json {
    let actors: Vec<Json> =
        list(&e["actors"]).iter().map(|a| json!({"role": a["role"], "name": a["name"]})).collect();
    json!({
        "type": e["type"],
        "subtype": e["subtype"],
        "date": e["date"]["value"],
        "location": if e["location"].is_null() { Json::Null } else { json!({"name": e["location"]["name"], "country": e["location"]["country"]}) },
        "killed": e["casualties"]["killed"],
        "wounded": e["casualties"]["wounded"],
        "actors": actors,
        "quotes": e["quotes"],
    })
}

/// The expectations this output would make, in fixture format, for a human to review
/// (`newsx eval --update` writes them to `expected.json.new`, never over `expected.json`).
pub fn proposed_expectations(doc: &Document) -> Json {
    let actual = serde_json::to_value(AnalysisRecord::new(doc)).unwrap_or(Json::Null);
    let keep = |v: &Json, keys: &[&str]| -> Json {
        let mut out = Map::new();
        for k in keys {
            if let Some(x) = v.get(*k) {
                out.insert((*k).to_string(), x.clone());
            }
        }
        Json::Object(out)
    };
    let with_text = |v: &Json| -> Json {
        let (s, e) =
            (v["start"].as_u64().unwrap_or(0) as usize, v["end"].as_u64().unwrap_or(0) as usize);
        let mut o = keep(v, &["start", "end"]);
        o["text"] = Json::String(doc.text.get(s..e).unwrap_or("").to_string());
        o
    };
    let mentions: Vec<Json> = list(&actual["mentions"])
        .iter()
        .map(|m| {
            let fields: &[&str] = match m["kind"].as_str() {
                Some("date") => &["kind", "start", "end", "text", "type", "value"],
                Some("place") => &["kind", "start", "end", "text", "name", "country"],
                Some("casualty") => &["kind", "start", "end", "text", "type", "count", "role"],
                _ => &["kind", "start", "end", "text", "name"],
            };
            keep(m, fields)
        })
        .collect();
    let quotes: Vec<Json> = list(&actual["quotes"])
        .iter()
        .map(|q| {
            keep(q, &["start", "end", "text", "speaker", "speaker_start", "speaker_end", "verb"])
        })
        .collect();
    let dateline = match &actual["dateline"] {
        Json::Null => Json::Null,
        d => with_text(d),
    };
    json!({
        "published": actual["published"],
        "title": if actual["title"]["start"].is_null() { Json::Null } else { with_text(&actual["title"]) },
        "dateline": dateline,
        "sentences": list(&actual["sentences"]).iter().map(with_text).collect::<Vec<_>>(),
        "mentions": mentions,
        "quotes": quotes,
        "totals": actual["totals"],
        "events": list(&actual["events"]).iter().map(event_summary).collect::<Vec<_>>(),
    })
}
