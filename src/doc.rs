/*!
The document model: one article's text and every annotation the stages add to it.

**Offsets.** Every [`Span`] is a half-open range `[start, end)` of **byte offsets into
[`Document::text`]**, exactly as the article was given (for a plain-text file: the whole file's
content, timestamp and title line included). Offsets from `regex` and `aho-corasick` are already
byte offsets, so stages never convert them. Spans always lie on `char` boundaries.

Stages run in order and each adds its own layer ([`crate::pipeline::Layer`]); none edits
another's layer, except that the entity stages share the mention list under one overlap policy.
*/
use chrono::NaiveDate;
use serde::Serialize;

use crate::events::Event;
use crate::input::Article;
use crate::tag::casualties::{CasualtyValue, Totals};
use crate::tag::dates::DateValue;
use crate::tag::orgs::OrgValue;
use crate::tag::persons::PersonValue;
use crate::tag::places::PlaceValue;
use crate::tag::quotes::Quote;

/// A half-open byte range `[start, end)` into a document's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span; `start <= end` is checked in debug builds.
    pub fn new(start: usize, end: usize) -> Span {
        debug_assert!(start <= end, "span {start}..{end}");
        Span { start, end }
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// True for an empty span.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// True when the two spans share at least one byte.
    pub fn overlaps(&self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// True when `other` lies within this span.
    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

/// Where a value came from: the stage and the rule or gazetteer entry that produced it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Provenance {
    /// The stage's name (`dates`, `places`...).
    pub stage: &'static str,
    /// The rule name or gazetteer entry (`month_day_year`, `orgs.tsv:41`).
    pub rule: String,
}

impl Provenance {
    /// Provenance from `stage` by `rule`.
    pub fn new(stage: &'static str, rule: impl Into<String>) -> Provenance {
        Provenance { stage, rule: rule.into() }
    }
}

/// The article's layout, found before segmentation: which bytes are metadata, title, dateline,
/// body and trailing boilerplate.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Layout {
    /// A leading timestamp (`Sat Dec 27 13:46:17 UTC 2025:`), if one was recognised.
    pub timestamp: Option<Span>,
    /// The title words (without a `## ` marker), if the text opens with a title line.
    pub title: Option<Span>,
    /// The dateline (`PALMYRA, Syria (Reuters) -`), if the body opens with one.
    pub dateline: Option<Dateline>,
    /// The body: from after the title to before trailing boilerplate.
    pub body: Span,
    /// Trailing boilerplate blocks (`Read More`, `Reporting by ...`) excluded from the body.
    pub boilerplate: Vec<Span>,
}

/// A dateline at the start of the body.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dateline {
    /// The whole dateline including its closing dash.
    pub span: Span,
    /// The place words (`Palmyra, Syria`).
    pub place: Span,
}

/// One sentence (or title, heading, dateline line).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Sentence {
    /// Its bytes, without surrounding whitespace.
    #[serde(flatten)]
    pub span: Span,
    /// Index of its paragraph (blank-line separated block) in the text; the title is paragraph 0.
    pub paragraph: usize,
}

/// The kind of a mention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A temporal expression.
    Date,
    /// A place.
    Place,
    /// An organization.
    Org,
    /// A person.
    Person,
    /// A casualty count.
    Casualty,
}

impl Kind {
    /// The kind's name as in the output (`date`, `place`...).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Date => "date",
            Kind::Place => "place",
            Kind::Org => "org",
            Kind::Person => "person",
            Kind::Casualty => "casualty",
        }
    }
}

/// A mention's normalized value, typed per kind.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Value {
    /// A date, time, duration or set.
    Date(DateValue),
    /// A resolved place.
    Place(PlaceValue),
    /// An organization.
    Org(OrgValue),
    /// A person.
    Person(PersonValue),
    /// A casualty count.
    Casualty(CasualtyValue),
}

impl Value {
    /// The mention kind this value belongs to.
    pub fn kind(&self) -> Kind {
        match self {
            Value::Date(_) => Kind::Date,
            Value::Place(_) => Kind::Place,
            Value::Org(_) => Kind::Org,
            Value::Person(_) => Kind::Person,
            Value::Casualty(_) => Kind::Casualty,
        }
    }
}

/// A typed mention: a span of text with its normalized value.
#[derive(Debug, Clone, PartialEq)]
pub struct Mention {
    /// Its bytes.
    pub span: Span,
    /// Index of the sentence it lies in (`usize::MAX` if in none, e.g. in the dateline before
    /// segmentation, which does not happen after the sentences layer).
    pub sentence: usize,
    /// The normalized value.
    pub value: Value,
    /// Rule or gazetteer entry that produced it.
    pub provenance: Provenance,
}

impl Mention {
    /// The mention's kind.
    pub fn kind(&self) -> Kind {
        self.value.kind()
    }
}

/// An article with its annotations. Stages read it and add to it.
#[derive(Debug, Clone)]
pub struct Document {
    /// The article id (a file path, a JSON `id`, or `FILE:LINE`).
    pub id: String,
    /// The text exactly as given: every span indexes into it.
    pub text: String,
    /// The publication date, from metadata or a leading timestamp; dates resolve against it.
    pub published: Option<NaiveDate>,
    /// A title given as metadata (JSON `title`), not part of `text`.
    pub meta_title: Option<String>,
    /// Where the title, dateline, body and boilerplate are.
    pub layout: Layout,
    /// Sentences in text order.
    pub sentences: Vec<Sentence>,
    /// Mentions of every kind, kept sorted by span start once the entity stages have run.
    pub mentions: Vec<Mention>,
    /// Direct quotations.
    pub quotes: Vec<Quote>,
    /// Casualty totals for the article, each victim counted once.
    pub totals: Totals,
    /// Event records.
    pub events: Vec<Event>,
}

impl Document {
    /// A document for `article` with its layout found by the embedded word lists, and no
    /// annotations yet. [`crate::Pipeline`] uses its own layout data (which `--gazetteers` can
    /// override) through [`Document::with_layout`].
    pub fn new(article: Article) -> Document {
        let found = crate::layout::detect(&article.text, article.plain_text);
        Document::with_layout(article, found)
    }

    /// A document for `article` with the layout already found, and no annotations yet.
    pub fn with_layout(article: Article, found: crate::layout::Found) -> Document {
        let published = article.published.or(found.published);
        Document {
            id: article.id,
            published,
            meta_title: article.title,
            layout: found.layout,
            text: article.text,
            sentences: Vec::new(),
            mentions: Vec::new(),
            quotes: Vec::new(),
            totals: Totals::default(),
            events: Vec::new(),
        }
    }

    /// The text of `span`.
    pub fn slice(&self, span: Span) -> &str {
        &self.text[span.start..span.end]
    }

    /// Index of the sentence containing byte `offset`, if any.
    pub fn sentence_at(&self, offset: usize) -> Option<usize> {
        let i = self.sentences.partition_point(|s| s.span.end <= offset);
        (i < self.sentences.len() && self.sentences[i].span.start <= offset).then_some(i)
    }

    /// Mentions of one kind, in order.
    pub fn mentions_of(&self, kind: Kind) -> impl Iterator<Item = &Mention> {
        self.mentions.iter().filter(move |m| m.kind() == kind)
    }
}
