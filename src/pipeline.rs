/*!
The pipeline: stages that each read the [`Document`] and add one layer to it.

[`Pipeline::new`] builds every stage once (automata and regexes are compiled here, never per
article) and checks that each stage's required layers are provided by an earlier stage.
The pipeline is `Send + Sync` and shared by all worker threads.
*/
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::data::Gazetteers;
use crate::doc::Document;
use crate::error::{Error, Result};
use crate::input::Article;
use crate::layout::Layouter;

/// An annotation layer a stage provides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Layer {
    /// Sentence spans and paragraph indices.
    Sentences,
    /// Date mentions.
    Dates,
    /// Place mentions.
    Places,
    /// Organization mentions.
    Orgs,
    /// Person mentions.
    Persons,
    /// Casualty mentions and totals.
    Casualties,
    /// Quotes with speakers.
    Quotes,
    /// Event records.
    Events,
}

/// A pipeline stage: an annotator with a declared contract.
pub trait Stage: Send + Sync {
    /// Short name (`dates`), used in provenance, timings and errors.
    fn name(&self) -> &'static str;
    /// Layers that must exist before this stage runs.
    fn requires(&self) -> &'static [Layer];
    /// The layer this stage adds.
    fn provides(&self) -> Layer;
    /// Adds this stage's layer to `doc`. Never runs another stage.
    fn annotate(&self, doc: &mut Document);
}

/// The ordered stages, with per-stage timing.
pub struct Pipeline {
    layouter: Layouter,
    stages: Vec<Box<dyn Stage>>,
    nanos: Vec<AtomicU64>,
}

impl Pipeline {
    /// The standard pipeline built from `gazetteers`: segmentation, dates, orgs, persons, places,
    /// casualties, quotes, events.
    ///
    /// Stages are compiled concurrently on the current rayon pool: building the automata is
    /// most of a short run's time, and the stages share nothing but the entity gazetteers.
    pub fn new(gazetteers: &Gazetteers) -> Result<Pipeline> {
        use crate::tag;
        type Built = Result<Box<dyn Stage>>;
        let independent = || -> Result<(Layouter, [Box<dyn Stage>; 5])> {
            let ((layouter, segment), (dates, (casualties, (quotes, events)))) = rayon::join(
                || (Layouter::new(gazetteers), boxed(crate::segment::Segmenter::new(gazetteers))),
                || {
                    rayon::join(
                        || boxed(tag::dates::DateTagger::new(gazetteers)),
                        || {
                            rayon::join(
                                || boxed(tag::casualties::CasualtyTagger::new(gazetteers)),
                                || {
                                    rayon::join(
                                        || boxed(tag::quotes::QuoteTagger::new(gazetteers)),
                                        || boxed(crate::events::EventBuilder::new(gazetteers)),
                                    )
                                },
                            )
                        },
                    )
                },
            );
            Ok((layouter?, [segment?, dates?, casualties?, quotes?, events?]))
        };
        let entity_stages = || -> Result<[Box<dyn Stage>; 3]> {
            let entities = tag::entities::Entities::load(gazetteers)?;
            let (orgs, (persons, places)): (Built, (Built, Built)) = rayon::join(
                || boxed(tag::orgs::OrgTagger::new(gazetteers, &entities)),
                || {
                    rayon::join(
                        || boxed(tag::persons::PersonTagger::new(gazetteers, &entities)),
                        || boxed(tag::places::PlaceTagger::new(gazetteers, &entities)),
                    )
                },
            );
            Ok([orgs?, persons?, places?])
        };
        let (independent, entity_stages) = rayon::join(independent, entity_stages);
        let (layouter, [segment, dates, casualties, quotes, events]) = independent?;
        let [orgs, persons, places] = entity_stages?;
        Pipeline::from_stages(
            layouter,
            vec![segment, dates, orgs, persons, places, casualties, quotes, events],
        )
    }

    /// A pipeline of the given stages after `layouter`, checked for order: every required
    /// layer must be provided by an earlier stage.
    pub fn from_stages(layouter: Layouter, stages: Vec<Box<dyn Stage>>) -> Result<Pipeline> {
        let mut provided = Vec::new();
        for stage in &stages {
            for need in stage.requires() {
                if !provided.contains(need) {
                    let by = stages
                        .iter()
                        .find(|s| s.provides() == *need)
                        .map(|s| format!("provided by `{}`, which must come first", s.name()))
                        .unwrap_or_else(|| "which no stage provides".to_string());
                    return Err(Error::Pipeline(format!(
                        "stage `{}` requires {need:?}, {by}",
                        stage.name()
                    )));
                }
            }
            provided.push(stage.provides());
        }
        let nanos = stages.iter().map(|_| AtomicU64::new(0)).collect();
        Ok(Pipeline { layouter, stages, nanos })
    }

    /// Runs every stage over one article.
    pub fn annotate(&self, article: Article) -> Document {
        let found = self.layouter.detect(&article.text, article.plain_text);
        let mut doc = Document::with_layout(article, found);
        for (stage, nanos) in self.stages.iter().zip(&self.nanos) {
            let start = Instant::now();
            stage.annotate(&mut doc);
            nanos.fetch_add(start.elapsed().as_nanos() as u64, Ordering::Relaxed);
        }
        doc
    }

    /// Time spent in each stage so far, summed over all threads.
    pub fn timings(&self) -> Vec<(&'static str, Duration)> {
        self.stages
            .iter()
            .zip(&self.nanos)
            .map(|(s, n)| (s.name(), Duration::from_nanos(n.load(Ordering::Relaxed))))
            .collect()
    }
}

fn boxed<S: Stage + 'static>(stage: Result<S>) -> Result<Box<dyn Stage>> {
    stage.map(|s| Box::new(s) as Box<dyn Stage>)
}
