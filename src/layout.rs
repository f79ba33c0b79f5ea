/*!
Article layout: leading timestamp, title line, dateline and trailing boilerplate.
(First version: the whole text is the body. Owned by the segmentation work.)
*/
use chrono::NaiveDate;

use crate::doc::{Layout, Span};

/// What layout detection found.
#[derive(Debug, Clone, Default)]
pub struct Found {
    /// The layout.
    pub layout: Layout,
    /// A publication date read from a leading timestamp.
    pub published: Option<NaiveDate>,
}

/// Finds the layout of `text`. `plain_text` is true for a plain-text file, whose first lines may
/// hold a timestamp and a title; JSON articles carry those as fields.
pub fn detect(text: &str, plain_text: bool) -> Found {
    let _ = plain_text;
    Found {
        layout: Layout { body: Span::new(0, text.len()), ..Layout::default() },
        published: None,
    }
}
