/*! JSON Lines articles: one JSON object per line, with remappable field names. */
use serde_json::Value;

use super::{input_error, parse_published, Article};
use crate::error::Result;

/// Which JSON fields hold the article's parts. Defaults: `id`, `text`, `title`, `published`,
/// `source`, `url`.
#[derive(Debug, Clone)]
pub struct FieldMap {
    /// Field holding the id.
    pub id: String,
    /// Field holding the text (required in every record).
    pub text: String,
    /// Field holding the title.
    pub title: String,
    /// Field holding the publication date.
    pub published: String,
    /// Field holding the source.
    pub source: String,
    /// Field holding the URL.
    pub url: String,
}

impl Default for FieldMap {
    fn default() -> FieldMap {
        FieldMap {
            id: "id".into(),
            text: "text".into(),
            title: "title".into(),
            published: "published".into(),
            source: "source".into(),
            url: "url".into(),
        }
    }
}

impl FieldMap {
    /// Applies one `NAME=FIELD` remapping (`text=body`). Returns an error message for an
    /// unknown NAME or a missing `=`.
    pub fn remap(&mut self, spec: &str) -> Result<(), String> {
        let (name, field) = spec
            .split_once('=')
            .ok_or_else(|| format!("field mapping {spec:?} is not NAME=FIELD"))?;
        let slot = match name.trim() {
            "id" => &mut self.id,
            "text" => &mut self.text,
            "title" => &mut self.title,
            "published" => &mut self.published,
            "source" => &mut self.source,
            "url" => &mut self.url,
            other => {
                return Err(format!(
                    "unknown field {other:?} in {spec:?} (id, text, title, published, source, url)"
                ))
            }
        };
        *slot = field.trim().to_string();
        Ok(())
    }

    /// Parses one JSON line into an article; `origin` is `FILE:LINE`.
    pub(crate) fn parse(&self, line: &str, origin: &str) -> Result<Article> {
        let value: Value = serde_json::from_str(line)
            .map_err(|e| input_error(origin, format!("malformed JSON: {e}")))?;
        let Value::Object(obj) = value else {
            return Err(input_error(origin, "a JSON Lines record must be an object"));
        };
        let text = match obj.get(&self.text) {
            Some(Value::String(s)) => s.clone(),
            Some(_) => {
                return Err(input_error(origin, format!("field {:?} is not a string", self.text)))
            }
            None => return Err(input_error(origin, format!("no {:?} field", self.text))),
        };
        let string = |key: &str| -> Option<String> {
            match obj.get(key)? {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            }
        };
        let published = match string(&self.published) {
            Some(raw) if !raw.trim().is_empty() => {
                Some(parse_published(&raw).ok_or_else(|| {
                    input_error(
                        origin,
                        format!("{:?} is not a date, RFC 3339 or RFC 2822 time", raw),
                    )
                })?)
            }
            _ => None,
        };
        Ok(Article {
            id: string(&self.id).unwrap_or_else(|| origin.to_string()),
            text,
            published,
            title: string(&self.title),
            source: string(&self.source),
            url: string(&self.url),
            plain_text: false,
        })
    }
}
