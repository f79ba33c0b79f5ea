/*!
The entity gazetteers' rows read without allocating: [`crate::data::DataFile::tsv`] builds a
`Vec` of columns per row and trims each column with the Unicode test, which for the ~10⁵ rows
of the place and name files was a quarter of [`super::Entities::load`]. Same rows, same
columns, same errors.
*/
use crate::data::DataFile;
use crate::error::Result;

/// The most columns any entity gazetteer has (`cities.tsv`); later ones are not kept.
const MAX_COLS: usize = 9;

/// One row: its columns, trimmed.
pub(crate) struct Row<'a> {
    /// 1-based line number in its file.
    pub line: usize,
    cols: [&'a str; MAX_COLS],
}

impl<'a> Row<'a> {
    /// Column `i`, or `""` if the row is shorter.
    pub fn get(&self, i: usize) -> &'a str {
        self.cols.get(i).copied().unwrap_or("")
    }

    /// Column `i` split on `|` into its non-empty trimmed parts (alias lists).
    pub fn list(&self, i: usize) -> impl Iterator<Item = &'a str> {
        split(self.get(i), b'|').map(trim).filter(|s| !s.is_empty())
    }
}

/// The parts of `s` between the bytes `sep` (an ASCII character), as `str::split` gives them
/// (a byte loop: the parts are short, and a `memchr` call per part cost more than it saved).
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

/// The lines of `s` (split at `\n`, by `memchr`: lines are long enough for it).
fn lines(s: &str) -> impl Iterator<Item = &str> {
    let mut from = 0;
    memchr::memchr_iter(b'\n', s.as_bytes()).chain([s.len()]).map(move |end| {
        let line = &s[from..end];
        from = end + 1;
        line
    })
}

/// True when `c` is a visible ASCII character (so no whitespace).
#[inline(always)]
fn visible(c: Option<&u8>) -> bool {
    c.is_some_and(|c| (b'!'..0x80).contains(c))
}

/// `str::trim`, without the Unicode test when both ends are visible ASCII (almost always).
#[inline(always)]
pub(crate) fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    if b.is_empty() || visible(b.first()) && visible(b.last()) {
        s
    } else {
        s.trim()
    }
}

/// The rows of `file` with at least `min_cols` tab-separated columns, as
/// [`DataFile::tsv`] reads them (lines as [`DataFile::lines`] gives them); a shorter row is
/// that function's error.
pub(crate) fn rows(file: &DataFile, min_cols: usize) -> impl Iterator<Item = Result<Row<'_>>> {
    let mut lines = lines(file.text()).enumerate();
    std::iter::from_fn(move || loop {
        let (i, raw) = lines.next()?;
        let text = if visible(raw.as_bytes().last()) { raw } else { raw.trim_end() };
        if text.is_empty() || text.starts_with('#') {
            continue;
        }
        let mut cols = [""; MAX_COLS];
        let mut n = 0;
        for col in split(text, b'\t') {
            if let Some(c) = cols.get_mut(n) {
                *c = trim(col);
            }
            n += 1;
        }
        if n < min_cols {
            return Some(Err(match file.tsv(min_cols) {
                Err(e) => e,
                Ok(_) => file.error(i + 1, format!("fewer than {min_cols} tab-separated columns")),
            }));
        }
        return Some(Ok(Row { line: i + 1, cols }));
    })
}
