/*! Sentence segmentation. (Placeholder: one sentence per paragraph; being replaced.) */
use crate::data::Gazetteers;
use crate::doc::{Document, Sentence, Span};
use crate::error::Result;
use crate::pipeline::{Layer, Stage};

/// The sentence segmenter.
pub struct Segmenter;

impl Segmenter {
    /// Builds the segmenter from its word lists.
    pub fn new(_gazetteers: &Gazetteers) -> Result<Segmenter> {
        Ok(Segmenter)
    }
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
        let body = doc.layout.body;
        let mut start = body.start;
        for (paragraph, block) in doc.text[body.start..body.end].split("\n\n").enumerate() {
            let trimmed = block.trim();
            if !trimmed.is_empty() {
                let s = start + (block.len() - block.trim_start().len());
                doc.sentences.push(Sentence { span: Span::new(s, s + trimmed.len()), paragraph });
            }
            start += block.len() + 2;
        }
    }
}
