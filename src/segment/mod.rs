/*!
Sentence segmentation with byte offsets.

The shape is the one of Pragmatic Segmenter (pySBD) and syntok: candidate terminals (`.` `?`
`!` `…`) are found with `memchr`, and at each one an ordered list of "no split" checks looks at
the token before and the token after; a boundary is made when none fires.

Before that, the body is cut into blocks by lines: a blank line or a deeper indent (wire copy's
paragraph indent) starts a paragraph; a list item, a `#` heading or the line after a short
unpunctuated line (a heading, a dateline) starts a block of its own. Any other single newline is
a space, so hard-wrapped wire text reads as running text. The title is its own sentence
(paragraph 0); a dateline on its own line is its own sentence, an inline dateline stays in the
first sentence and is not scanned for terminals.

Word lists are data: `abbreviations.tsv` (classes general, prepositive, numeric, time),
`sentence_starters.txt` and `not_after_time.txt`.
*/
mod split;

use std::collections::{HashMap, HashSet};

use crate::data::{word_list, Gazetteers};
use crate::doc::{Document, Sentence, Span};
use crate::error::Result;
use crate::pipeline::{Layer, Stage};

/// How an abbreviation behaves before the next word (pySBD's classes, plus `time`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Ends a sentence only before a sentence starter (`Inc.`, `Jan.`, `U.S.`).
    General,
    /// A title before a name: never ends a sentence before a capital or digit (`Mr.`, `Gen.`).
    Prepositive,
    /// Before a number: never ends a sentence before a digit (`No.`, `pp.`).
    Numeric,
    /// `a.m.`/`p.m.`: ends a sentence before a capitalised word other than a weekday, month or
    /// zone, unless the sentence would be the time phrase alone.
    Time,
}

/// The sentence segmenter.
pub struct Segmenter {
    /// Abbreviations matched in any ASCII case, keyed in lower case, without the final period.
    folded: HashMap<Vec<u8>, Class>,
    /// Abbreviations matched only as written (`Ill`, `Mass`: also ordinary words).
    exact: HashMap<Vec<u8>, Class>,
    starters: HashSet<Vec<u8>>,
    after_time: HashSet<Vec<u8>>,
    /// Finds `…`, built once.
    ellipsis: memchr::memmem::Finder<'static>,
}

impl Segmenter {
    /// Builds the segmenter from its word lists.
    pub fn new(gazetteers: &Gazetteers) -> Result<Segmenter> {
        let file = gazetteers.file("abbreviations.tsv")?;
        let mut folded = HashMap::new();
        let mut exact = HashMap::new();
        for row in file.tsv(2)? {
            let class = match row.get(1) {
                "general" => Class::General,
                "prepositive" => Class::Prepositive,
                "numeric" => Class::Numeric,
                "time" => Class::Time,
                other => {
                    return Err(
                        file.error(row.line, format!("unknown abbreviation class {other:?}"))
                    )
                }
            };
            let word = row.get(0).trim_end_matches('.');
            if word.bytes().any(|b| b.is_ascii_uppercase()) {
                exact.insert(word.as_bytes().to_vec(), class);
            } else {
                folded.insert(word.as_bytes().to_vec(), class);
            }
        }
        let words = |name: &str| -> Result<HashSet<Vec<u8>>> {
            let file = gazetteers.file(name)?;
            Ok(word_list(&file).into_iter().map(|w| w.as_bytes().to_vec()).collect())
        };
        Ok(Segmenter {
            folded,
            exact,
            starters: words("sentence_starters.txt")?,
            after_time: words("not_after_time.txt")?,
            ellipsis: memchr::memmem::Finder::new("…"),
        })
    }

    /// The class of `word` (without its final period) if it is a listed abbreviation.
    fn abbreviation(&self, word: &[u8]) -> Option<Class> {
        if let Some(class) = self.exact.get(word) {
            return Some(*class);
        }
        // A capital letter is an initial (`Joseph P. Jamail`), not `p.` folded.
        if word.len() == 1 {
            return self.folded.get(word).copied();
        }
        let mut buf = [0u8; 16];
        let folded = buf.get_mut(..word.len())?;
        folded.copy_from_slice(word);
        folded.make_ascii_lowercase();
        self.folded.get(&*folded).copied()
    }

    /// Sentences of `text` in `body`, appended to `out`.
    pub fn segment(&self, text: &str, body: Span, start: Start, out: &mut Vec<Sentence>) {
        split::Splitter::new(self, text, start, out).body(body);
    }
}

/// Where segmentation of a body starts.
#[derive(Debug, Clone, Copy, Default)]
pub struct Start {
    /// Index of the body's first paragraph (1 after a title).
    pub paragraph: usize,
    /// A dateline on its own line ends here: a sentence of its own.
    pub break_after: Option<usize>,
    /// An inline dateline ends here: no terminal before it is looked at.
    pub no_scan_until: usize,
}

impl Stage for Segmenter {
    fn name(&self) -> &'static str {
        "segment"
    }
    fn requires(&self) -> &'static [Layer] {
        &[]
    }
    fn provides(&self) -> Layer {
        Layer::Sentences
    }
    fn annotate(&self, doc: &mut Document) {
        let layout = &doc.layout;
        let mut sentences = Vec::new();
        let mut start = Start::default();
        if let Some(title) = layout.title {
            sentences.push(Sentence { span: title, paragraph: 0 });
            start.paragraph = 1;
        }
        if let Some(dateline) = &layout.dateline {
            let rest = doc.text.get(dateline.span.end..layout.body.end).unwrap_or("");
            if rest.split('\n').next().unwrap_or("").trim().is_empty() {
                start.break_after = Some(dateline.span.end);
            } else {
                start.no_scan_until = dateline.span.end;
            }
        }
        self.segment(&doc.text, layout.body, start, &mut sentences);
        doc.sentences = sentences;
    }
}

#[cfg(test)]
mod golden;
#[cfg(test)]
mod tests;
