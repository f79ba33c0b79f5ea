/*!
Running the pipeline over a stream of articles: bounded batches, parallel over articles with
rayon, written in input order.

The caller picks the thread count by running [`run`] inside a rayon pool. Output order and
content do not depend on the thread count: each batch is annotated in parallel, collected in
input order and written sequentially.
*/
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::doc::Document;
use crate::error::{Error, Result};
use crate::input::Article;
use crate::pipeline::Pipeline;
use crate::sink::Sink;

/// Receives progress and per-article errors as the run goes (the binary shows them; the
/// library never prints).
pub trait Observer: Sync {
    /// An article was read and written (`bytes` of text).
    fn progress(&self, _articles: u64, _bytes: u64) {}
    /// An input record failed; the run goes on.
    fn input_error(&self, _error: &Error) {}
}

/// An observer that ignores everything.
pub struct Silent;
impl Observer for Silent {}

/// How many articles (and bytes of text) one batch holds at most. Memory use is bounded by
/// about two batches.
#[derive(Debug, Clone, Copy)]
pub struct BatchLimits {
    /// Articles per batch.
    pub articles: usize,
    /// Text bytes per batch.
    pub bytes: usize,
}

impl Default for BatchLimits {
    fn default() -> BatchLimits {
        BatchLimits { articles: 512, bytes: 8 << 20 }
    }
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Summary {
    /// Articles analysed and written.
    pub articles: u64,
    /// Input records that failed (bad files or lines).
    pub failed: u64,
    /// Event records written.
    pub events: u64,
    /// Text bytes analysed.
    pub bytes: u64,
    /// Wall-clock time.
    pub elapsed: Duration,
}

impl Summary {
    /// Throughput in MB/s (10^6 bytes) of article text.
    pub fn mb_per_s(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.bytes as f64 / 1e6 / secs
        } else {
            0.0
        }
    }
}

/// Reads every article from `input`, annotates it with `pipeline` and writes it to `sink`.
/// Input errors are passed to `observer` and counted; a sink error ends the run.
///
/// The sink writes one batch while the pool annotates the next, so a slow sink (a database)
/// overlaps with the analysis; documents are still written in input order, and at most two
/// batches of documents are held.
pub fn run(
    input: impl Iterator<Item = Result<Article>>,
    pipeline: &Pipeline,
    sink: &mut (dyn Sink + Send),
    observer: &dyn Observer,
    limits: BatchLimits,
) -> Result<Summary> {
    let start = Instant::now();
    let mut summary = Summary::default();
    let mut input = input.peekable();
    sink.begin()?;
    let mut annotated: Vec<Document> = Vec::new();
    while input.peek().is_some() || !annotated.is_empty() {
        let batch = next_batch(&mut input, limits, &mut summary, observer);
        let (next, written) = rayon::join(
            || batch.into_par_iter().map(|a| pipeline.annotate(a)).collect::<Vec<Document>>(),
            || annotated.iter().try_for_each(|doc| sink.write(doc)),
        );
        written?;
        if !annotated.is_empty() {
            for doc in &annotated {
                summary.articles += 1;
                summary.events += doc.events.len() as u64;
                summary.bytes += doc.text.len() as u64;
            }
            observer.progress(summary.articles, summary.bytes);
        }
        annotated = next;
    }
    sink.finish()?;
    summary.elapsed = start.elapsed();
    Ok(summary)
}

/// The next batch of articles within `limits`; input errors on the way are counted and
/// reported.
fn next_batch(
    input: &mut impl Iterator<Item = Result<Article>>,
    limits: BatchLimits,
    summary: &mut Summary,
    observer: &dyn Observer,
) -> Vec<Article> {
    let mut batch = Vec::new();
    let mut batch_bytes = 0;
    while batch.len() < limits.articles && batch_bytes < limits.bytes {
        match input.next() {
            Some(Ok(article)) => {
                batch_bytes += article.text.len();
                batch.push(article);
            }
            Some(Err(error)) => {
                summary.failed += 1;
                observer.input_error(&error);
            }
            None => break,
        }
    }
    batch
}
