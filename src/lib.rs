/*!
newsx turns raw news articles into structured event records.

For every article it finds the sentences; the dates, normalized to calendar values relative to
the article's own date; places (with country code and coordinates), organizations and persons;
casualty counts; direct quotes with their speakers; and from all of it, event records (what
happened, when, where, who did it to whom, how many died, who said what about it), each field
traceable to byte offsets in the text.

The method is gazetteers compiled into `aho-corasick` automata and patterns kept as data
(`gazetteers/`), in a pipeline of stages that each add one layer to a [`Document`]:

| stage | module | adds |
|---|---|---|
| layout | [`layout`] | timestamp, title, dateline, boilerplate (when the document is made) |
| segment | [`segment`] | sentences |
| dates | [`tag::dates`] | date mentions with TIMEX3 values |
| orgs, persons, places | [`tag::orgs`], [`tag::persons`], [`tag::places`] | named entities |
| casualties | [`tag::casualties`] | casualty mentions and article totals |
| quotes | [`tag::quotes`] | direct quotes with speakers |
| events | [`events`] | event records |

```no_run
use newsx::{Article, Gazetteers, Pipeline};

let pipeline = Pipeline::new(&Gazetteers::embedded())?;
let doc = pipeline.annotate(Article::from_text("a.txt", "Two soldiers were killed on Monday."));
for m in &doc.mentions {
    println!("{:?} {}", m.kind(), doc.slice(m.span));
}
# Ok::<(), newsx::Error>(())
```
*/
#![deny(missing_docs)]

pub mod allocator;
pub mod data;
pub mod doc;
pub mod error;
pub mod eval;
pub mod events;
mod hash;
pub mod input;
pub mod layout;
pub mod pipeline;
pub mod run;
pub mod segment;
pub mod sink;
pub mod tag;

pub use data::Gazetteers;
pub use doc::{Document, Kind, Mention, Span, Value};
pub use error::{Error, Result};
pub use input::{Article, Reader, ReaderOptions};
pub use pipeline::{Layer, Pipeline, Stage};
pub use run::{run, BatchLimits, Observer, Summary};
