/*! Walking the inputs: files, directories, gzip and standard input. */
use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;

use super::{input_error, Article, ArticleResult, FieldMap, DEFAULT_MAX_ARTICLE_BYTES};
use crate::error::Error;

/// How to read the inputs.
#[derive(Debug, Clone)]
pub struct ReaderOptions {
    /// JSON field names.
    pub fields: FieldMap,
    /// Articles longer than this many bytes are reported as errors and skipped.
    pub max_article_bytes: usize,
}

impl Default for ReaderOptions {
    fn default() -> ReaderOptions {
        ReaderOptions { fields: FieldMap::default(), max_article_bytes: DEFAULT_MAX_ARTICLE_BYTES }
    }
}

/// A streaming reader over all inputs: yields one `Result<Article>` per article (or per bad
/// record), in input order.
pub struct Reader {
    options: ReaderOptions,
    /// Inputs not yet opened, in reverse order (popped from the end).
    pending: Vec<PathBuf>,
    /// Files of the directory being walked, in sorted order.
    walk: Option<walkdir::IntoIter>,
    /// The open JSON Lines stream, if any.
    lines: Option<LineStream>,
}

struct LineStream {
    name: String,
    reader: Box<dyn BufRead + Send>,
    line: usize,
    buf: Vec<u8>,
}

/// True for names that hold JSON Lines (`.jsonl`, `.ndjson`, with or without `.gz`).
fn is_jsonl(path: &Path) -> bool {
    let name = path.to_string_lossy();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    name.ends_with(".jsonl") || name.ends_with(".ndjson")
}

fn is_gzip(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "gz")
}

impl Reader {
    /// A reader over `inputs` (paths, or `-` for JSON Lines on standard input).
    pub fn new(inputs: &[PathBuf], options: ReaderOptions) -> Reader {
        let mut pending: Vec<PathBuf> = inputs.to_vec();
        pending.reverse();
        Reader { options, pending, walk: None, lines: None }
    }

    /// Total size in bytes of the given inputs, for a progress bar's ETA: known only when
    /// every input is an uncompressed file or directory (text bytes then track file bytes
    /// closely; gzip or stdin gives no estimate).
    pub fn total_bytes(inputs: &[PathBuf]) -> Option<u64> {
        let mut total = 0;
        for input in inputs {
            if input.as_os_str() == "-" {
                return None;
            }
            for entry in walkdir::WalkDir::new(input).into_iter().flatten() {
                if entry.file_type().is_file() {
                    if is_gzip(entry.path()) {
                        return None;
                    }
                    total += entry.metadata().ok()?.len();
                }
            }
        }
        Some(total)
    }

    fn open(&mut self, path: &Path) -> Option<ArticleResult> {
        let name = path.display().to_string();
        if path.as_os_str() == "-" {
            let stdin: Box<dyn BufRead + Send> = Box::new(BufReader::new(io::stdin()));
            self.lines = Some(LineStream {
                name: "<stdin>".into(),
                reader: stdin,
                line: 0,
                buf: Vec::new(),
            });
            return None;
        }
        let file = match File::open(path) {
            Ok(f) => f,
            Err(e) => return Some(Err(input_error(&name, format!("cannot open: {e}")))),
        };
        let raw: Box<dyn Read + Send> = if is_gzip(path) {
            Box::new(MultiGzDecoder::new(BufReader::new(file)))
        } else {
            Box::new(file)
        };
        if is_jsonl(path) {
            let reader = Box::new(BufReader::with_capacity(1 << 16, raw));
            self.lines = Some(LineStream { name, reader, line: 0, buf: Vec::new() });
            return None;
        }
        Some(self.read_text_file(raw, &name))
    }

    fn read_text_file(&self, raw: Box<dyn Read + Send>, name: &str) -> ArticleResult {
        let limit = self.options.max_article_bytes;
        let mut bytes = Vec::new();
        raw.take(limit as u64 + 1).read_to_end(&mut bytes).map_err(|e| {
            input_error(name, format!("read failed after {} bytes: {e}", bytes.len()))
        })?;
        if bytes.len() > limit {
            return Err(input_error(name, format!("article is over the {limit}-byte limit")));
        }
        let text = String::from_utf8(bytes).map_err(|e| {
            let at = e.utf8_error().valid_up_to();
            let line = 1 + e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count();
            input_error(format!("{name}:{line}"), format!("invalid UTF-8 at byte {at}"))
        })?;
        if text.trim().is_empty() {
            return Err(input_error(name, "empty article"));
        }
        Ok(Article::from_text(name, text))
    }

    /// The next line of the open JSON Lines stream, parsed; `None` at its end.
    fn next_line(&mut self) -> Option<ArticleResult> {
        let limit = self.options.max_article_bytes;
        let stream = self.lines.as_mut()?;
        loop {
            stream.buf.clear();
            stream.line += 1;
            let origin = format!("{}:{}", stream.name, stream.line);
            match stream.reader.as_mut().take(limit as u64 + 2).read_until(b'\n', &mut stream.buf) {
                Ok(0) => {
                    self.lines = None;
                    return None;
                }
                Ok(_) => {}
                Err(e) => {
                    self.lines = None;
                    return Some(Err(input_error(origin, format!("read failed: {e}"))));
                }
            }
            if stream.buf.len() > limit && !stream.buf.ends_with(b"\n") {
                // Skip the rest of the over-long line before reporting it.
                let mut sink = Vec::new();
                while stream
                    .reader
                    .read_until(b'\n', &mut sink)
                    .map(|n| n > 0 && !sink.ends_with(b"\n"))
                    .unwrap_or(false)
                {
                    sink.clear();
                }
                return Some(Err(input_error(
                    origin,
                    format!("line is over the {limit}-byte limit"),
                )));
            }
            let line = match std::str::from_utf8(&stream.buf) {
                Ok(s) => s.trim(),
                Err(e) => {
                    return Some(Err(input_error(
                        origin,
                        format!("invalid UTF-8 at byte {}", e.valid_up_to()),
                    )))
                }
            };
            if line.is_empty() {
                continue;
            }
            let parsed = self.options.fields.parse(line, &origin);
            return Some(parsed.and_then(|a| {
                if a.text.trim().is_empty() {
                    Err(input_error(origin, "empty article"))
                } else {
                    Ok(a)
                }
            }));
        }
    }
}

impl Iterator for Reader {
    type Item = Result<Article, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.lines.is_some() {
                if let Some(item) = self.next_line() {
                    return Some(item);
                }
                continue;
            }
            if let Some(walk) = self.walk.as_mut() {
                match walk.next() {
                    Some(Ok(entry)) if entry.file_type().is_file() => {
                        if let Some(item) = self.open(&entry.into_path()) {
                            return Some(item);
                        }
                    }
                    Some(Ok(_)) => {}
                    Some(Err(e)) => {
                        let origin = e.path().map(|p| p.display().to_string()).unwrap_or_default();
                        return Some(Err(input_error(origin, format!("cannot read: {e}"))));
                    }
                    None => self.walk = None,
                }
                continue;
            }
            let path = self.pending.pop()?;
            if path.is_dir() {
                self.walk = Some(walkdir::WalkDir::new(&path).sort_by_file_name().into_iter());
                continue;
            }
            if let Some(item) = self.open(&path) {
                return Some(item);
            }
        }
    }
}
