/*!
Input: plain-text files, JSON Lines, gzip of either, directories and standard input, read as a
stream of [`Article`]s.

[`Reader`] walks its inputs in the order given, directories recursively in sorted order, and
yields one `Result` per article: a bad file or line is an [`Error::Input`] naming the file (and
line), and reading goes on with the rest. Nothing is read ahead beyond the current file's
buffered reader, so memory does not grow with the archive.
*/
mod jsonl;
mod source;

use chrono::NaiveDate;

pub use jsonl::FieldMap;
pub use source::{Reader, ReaderOptions};

use crate::error::{Error, Result};

/// One article as read from the input, before any analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct Article {
    /// Identifier: the file path, the JSON `id`, or `FILE:LINE`.
    pub id: String,
    /// The text; all output offsets index into it.
    pub text: String,
    /// Publication date from metadata.
    pub published: Option<NaiveDate>,
    /// Title from metadata (JSON), if any.
    pub title: Option<String>,
    /// Source from metadata, if any.
    pub source: Option<String>,
    /// URL from metadata, if any.
    pub url: Option<String>,
    /// True when read from a plain-text file: its first lines may hold a timestamp and a title.
    pub plain_text: bool,
}

impl Article {
    /// An article from bare text (no metadata), as from a plain-text file.
    pub fn from_text(id: impl Into<String>, text: impl Into<String>) -> Article {
        Article {
            id: id.into(),
            text: text.into(),
            published: None,
            title: None,
            source: None,
            url: None,
            plain_text: true,
        }
    }
}

/// Parses a publication date: `2025-12-27`, RFC 3339 (`2025-12-27T13:46:17Z`) or RFC 2822
/// (`Sat, 27 Dec 2025 13:46:17 +0000`). The calendar date as written is kept (no time-zone
/// shift), since the article's own date is what relative expressions refer to.
pub fn parse_published(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if let Ok(day) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Some(day);
    }
    if let Ok(time) = chrono::DateTime::parse_from_rfc3339(s) {
        return Some(time.naive_local().date());
    }
    if let Ok(time) = chrono::DateTime::parse_from_rfc2822(s) {
        return Some(time.naive_local().date());
    }
    // `2025-12-27 13:46:17` and similar: a date followed by a time of day.
    let (day, rest) = (s.get(..10)?, s.get(10..)?);
    (rest.starts_with(' ') || rest.starts_with('T'))
        .then(|| NaiveDate::parse_from_str(day, "%Y-%m-%d").ok())
        .flatten()
}

fn input_error(origin: impl Into<String>, message: impl Into<String>) -> Error {
    Error::Input { origin: origin.into(), message: message.into() }
}

/// The largest article newsx accepts, in bytes; larger ones are reported, not processed.
pub const DEFAULT_MAX_ARTICLE_BYTES: usize = 16 << 20;

pub(crate) type ArticleResult = Result<Article>;
