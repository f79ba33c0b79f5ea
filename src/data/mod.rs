/*!
Gazetteers and rule files: the word lists and patterns every stage is built from.

All files under `gazetteers/` are embedded in the binary at build time (see `build.rs`), so newsx
runs with no set-up. A user can override any of them file by file with `--gazetteers DIR`: a file
`DIR/orgs.tsv` replaces the embedded `orgs.tsv`, and the rest stay embedded.

Every file is UTF-8 text. Lines starting with `#` are comments (each file opens with `# format:`,
`# source:` and `# licence:` lines) and blank lines are skipped.
*/
pub mod rules;

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_gazetteers.rs"));
}

/// Where gazetteer files come from: the embedded defaults, overridden per file by a directory.
#[derive(Debug, Clone, Default)]
pub struct Gazetteers {
    override_dir: Option<PathBuf>,
}

impl Gazetteers {
    /// The embedded defaults only.
    pub fn embedded() -> Gazetteers {
        Gazetteers { override_dir: None }
    }

    /// The embedded defaults, with files in `dir` taking their place. Fails if `dir` is not a
    /// readable directory or holds a data file whose name matches no embedded file (a typo there
    /// would otherwise be silently ignored).
    pub fn with_overrides(dir: &Path) -> Result<Gazetteers> {
        let io = |source| Error::Io { path: dir.to_path_buf(), source };
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.map_err(|e| io(e.into()))?;
            if !entry.file_type().is_file() {
                continue;
            }
            let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            let rel = rel.to_string_lossy().replace('\\', "/");
            let is_data = [".tsv", ".txt", ".rules"].iter().any(|ext| rel.ends_with(ext));
            if is_data && !embedded::EMBEDDED.iter().any(|(name, _)| *name == rel) {
                return Err(Error::Data {
                    file: entry.path().display().to_string(),
                    line: 0,
                    message: format!(
                        "no gazetteer file is named {rel:?}; known files: {}",
                        Self::names().collect::<Vec<_>>().join(", ")
                    ),
                });
            }
        }
        Ok(Gazetteers { override_dir: Some(dir.to_path_buf()) })
    }

    /// Names of all embedded files, relative to `gazetteers/`.
    pub fn names() -> impl Iterator<Item = &'static str> {
        embedded::EMBEDDED.iter().map(|(name, _)| *name)
    }

    /// Loads one file by its name relative to `gazetteers/` (`orgs.tsv`, `rules/dates.rules`).
    pub fn file(&self, name: &str) -> Result<DataFile> {
        if let Some(dir) = &self.override_dir {
            let path = dir.join(name);
            if path.exists() {
                let text = std::fs::read_to_string(&path)
                    .map_err(|source| Error::Io { path: path.clone(), source })?;
                return Ok(DataFile { origin: path.display().to_string(), text: Cow::Owned(text) });
            }
        }
        embedded::EMBEDDED
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(n, text)| DataFile {
                origin: format!("embedded:{n}"),
                text: Cow::Borrowed(text),
            })
            .ok_or_else(|| Error::Data {
                file: name.to_string(),
                line: 0,
                message: "no such gazetteer file is embedded".to_string(),
            })
    }
}

/// One loaded gazetteer or rule file.
#[derive(Debug, Clone)]
pub struct DataFile {
    /// `embedded:NAME` or the override path, for error messages.
    pub origin: String,
    text: Cow<'static, str>,
}

impl DataFile {
    /// Makes a data file from text, e.g. for tests (`origin` names it in errors).
    pub fn from_text(origin: &str, text: impl Into<String>) -> DataFile {
        DataFile { origin: origin.to_string(), text: Cow::Owned(text.into()) }
    }

    /// The whole text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Data lines with their 1-based line numbers: no comments, no blank lines, trailing
    /// whitespace (including `\r`) trimmed.
    pub fn lines(&self) -> impl Iterator<Item = (usize, &str)> {
        self.text.lines().enumerate().filter_map(|(i, line)| {
            let line = line.trim_end();
            (!line.is_empty() && !line.starts_with('#')).then_some((i + 1, line))
        })
    }

    /// Tab-separated rows with at least `min_cols` columns; a shorter row is an error naming
    /// its line. Missing trailing columns beyond `min_cols` read as empty strings via
    /// [`TsvRow::get`].
    pub fn tsv(&self, min_cols: usize) -> Result<Vec<TsvRow<'_>>> {
        let mut rows = Vec::new();
        let mut bad_lines = Vec::new();
        for row in self.split_rows(min_cols) {
            match row {
                Ok(row) => rows.push(row),
                Err(line) => bad_lines.push(line),
            }
        }
        if let Some(&first) = bad_lines.first() {
            let all: Vec<String> = bad_lines.iter().map(usize::to_string).collect();
            let message =
                format!("fewer than {min_cols} tab-separated columns (lines {})", all.join(", "));
            return Err(self.error(first, message));
        }
        Ok(rows)
    }

    /// The rows of [`DataFile::tsv`] one at a time, without collecting them (the entity
    /// gazetteers have ~10^5 rows); a row with fewer than `min_cols` columns is an error
    /// naming its line.
    pub fn rows(&self, min_cols: usize) -> impl Iterator<Item = Result<TsvRow<'_>>> {
        self.split_rows(min_cols).map(move |row| {
            row.map_err(|line| {
                self.error(line, format!("fewer than {min_cols} tab-separated columns"))
            })
        })
    }

    /// The rows of [`DataFile::rows`], a short row as `Err(its line)`.
    fn split_rows(
        &self,
        min_cols: usize,
    ) -> impl Iterator<Item = std::result::Result<TsvRow<'_>, usize>> {
        // Split at '\n' by memchr rather than `str::lines`, and trim without the Unicode test
        // when both ends are visible ASCII (almost always): together with no `Vec` per row,
        // a quarter of the entity data's load time.
        let text = self.text();
        let mut from = 0;
        let ends = memchr::memchr_iter(b'\n', text.as_bytes()).chain([text.len()]);
        ends.enumerate().filter_map(move |(i, end)| {
            let raw = &text[from.min(end)..end];
            from = end + 1;
            let line = if visible(raw.as_bytes().last()) { raw } else { raw.trim_end() };
            if line.is_empty() || line.starts_with('#') {
                return None;
            }
            let mut cols = [""; MAX_COLS];
            let mut n = 0;
            for col in split(line, b'\t') {
                if let Some(c) = cols.get_mut(n) {
                    *c = trim(col);
                }
                n += 1;
            }
            Some(if n < min_cols { Err(i + 1) } else { Ok(TsvRow { line: i + 1, cols }) })
        })
    }

    /// An error about line `line` of this file.
    pub fn error(&self, line: usize, message: impl Into<String>) -> Error {
        Error::Data { file: self.origin.clone(), line, message: message.into() }
    }
}

/// The most columns a TSV gazetteer row keeps (`cities.tsv` has 9); later ones read as empty.
const MAX_COLS: usize = 12;

/// One row of a TSV gazetteer.
#[derive(Debug, Clone)]
pub struct TsvRow<'a> {
    /// 1-based line number in its file.
    pub line: usize,
    cols: [&'a str; MAX_COLS],
}

impl<'a> TsvRow<'a> {
    /// Column `i`, or `""` if the row is shorter.
    pub fn get(&self, i: usize) -> &'a str {
        self.cols.get(i).copied().unwrap_or("")
    }

    /// Column `i` split on `|` into its non-empty parts (alias lists).
    pub fn list(&self, i: usize) -> impl Iterator<Item = &'a str> {
        split(self.get(i), b'|').map(trim).filter(|s| !s.is_empty())
    }
}

/// The parts of `s` between the bytes `sep` (an ASCII character), as `str::split` gives them
/// (a byte loop: the parts are short, and `str::split`'s `memchr` call per part cost more than
/// it saved).
fn split(s: &str, sep: u8) -> impl Iterator<Item = &str> {
    let mut rest = Some(s);
    std::iter::from_fn(move || {
        let r = rest?;
        match r.bytes().position(|b| b == sep) {
            Some(i) => {
                rest = Some(&r[i + 1..]);
                Some(&r[..i])
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

/// True when `c` is a visible ASCII character (so no whitespace).
#[inline(always)]
fn visible(c: Option<&u8>) -> bool {
    c.is_some_and(|c| (b'!'..0x80).contains(c))
}

/// `str::trim`, without the Unicode test when both ends are visible ASCII (almost always).
#[inline(always)]
pub fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    if b.is_empty() || visible(b.first()) && visible(b.last()) {
        s
    } else {
        s.trim()
    }
}

/// Loads a one-entry-per-line word list (speech verbs, abbreviations...).
pub fn word_list(file: &DataFile) -> Vec<&str> {
    file.lines().map(|(_, line)| line.trim()).collect()
}

#[cfg(test)]
mod tests {
    use super::DataFile;

    #[test]
    fn tsv_rows_skip_comments_and_blanks_and_trim_columns() {
        let text =
            "# format: a\tb\n\nx \t y|z | \t\r\n  #not a comment\tq\r\nlast\tcol\tthree\u{a0}";
        let file = DataFile::from_text("t.tsv", text);
        let rows: Vec<_> = file
            .rows(2)
            .map(|r| {
                let r = r.unwrap();
                (r.line, r.get(0), r.get(1), r.get(2), r.get(20), r.list(1).collect::<Vec<_>>())
            })
            .collect();
        assert_eq!(
            rows,
            [
                (3, "x", "y|z |", "", "", vec!["y", "z"]),
                (4, "#not a comment", "q", "", "", vec!["q"]),
                (5, "last", "col", "three", "", vec!["col"]),
            ]
        );
        assert_eq!(file.tsv(2).unwrap().len(), 3);
    }

    #[test]
    fn short_tsv_rows_are_errors_naming_their_lines() {
        let file = DataFile::from_text("t.tsv", "a\tb\nc\nd\te\nf\n");
        let first = file.rows(2).find_map(Result::err).map(|e| e.to_string());
        assert_eq!(first.as_deref(), Some("t.tsv:2: fewer than 2 tab-separated columns"));
        let all = file.tsv(2).err().map(|e| e.to_string());
        assert_eq!(
            all.as_deref(),
            Some("t.tsv:2: fewer than 2 tab-separated columns (lines 2, 4)")
        );
    }
}
