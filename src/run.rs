/*!
Running the pipeline over a stream of articles: bounded batches, parallel over articles with
rayon, written in input order.

Three kinds of work overlap: a reader thread parses the input into batches, the caller's rayon
pool annotates a batch in parallel, and a writer thread hands the documents of the batch before
to the sink. The caller picks the number of analysis threads by running [`run`] inside a rayon
pool; reading and writing have a thread each besides. Output order and content do not depend on
the thread count: each batch is annotated in parallel, collected in input order and written
sequentially.
*/
use std::sync::mpsc::{sync_channel, Receiver, SyncSender};
use std::thread;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use crate::doc::Document;
use crate::error::{Error, Result};
use crate::input::Article;
use crate::pipeline::Pipeline;
use crate::sink::Sink;

/// Receives progress and per-article errors as the run goes (the binary shows them; the
/// library never prints). Called from the reader and writer threads.
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
/// about two batches of articles and three of documents.
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
/// `input` is read on a thread of its own and `sink` written on another, while the current
/// rayon pool annotates: the pool annotates batch k while the writer writes batch k - 1 and the
/// reader reads batch k + 1, so a slow sink (a database) hides behind the analysis even with a
/// pool of one thread. Documents are still written in input order, and each hand-over waits for
/// the receiving side (one batch of documents may wait), so at most two batches of articles and
/// three of documents are held.
pub fn run(
    input: impl Iterator<Item = Result<Article>> + Send,
    pipeline: &Pipeline,
    sink: &mut (dyn Sink + Send),
    observer: &dyn Observer,
    limits: BatchLimits,
) -> Result<Summary> {
    let start = Instant::now();
    sink.begin()?;
    let writer_sink = &mut *sink;
    let mut summary = thread::scope(|scope| -> Result<Summary> {
        // Capacity 0 for articles: a batch is handed over only when the pool takes it, which
        // bounds memory; the sides still overlap, since each works on its own batch meanwhile.
        // One batch of documents may wait for the writer, so that the pool goes on while the
        // writer waits for the disk (a database commit).
        let (to_pool, from_reader) = sync_channel::<Vec<Article>>(0);
        let (to_writer, from_pool) = sync_channel::<Vec<Document>>(1);
        let reader = spawn(scope, "newsx-read", move || read(input, limits, observer, to_pool))?;
        let writer = spawn(scope, "newsx-write", move || write(from_pool, writer_sink, observer))?;
        // When the writer stops on an error, the send fails: annotation stops, and dropping
        // `from_reader` stops the reader in turn.
        for batch in from_reader {
            let docs: Vec<Document> = batch.into_par_iter().map(|a| pipeline.annotate(a)).collect();
            if to_writer.send(docs).is_err() {
                break;
            }
        }
        drop(to_writer);
        let failed = join(reader);
        let mut summary = join(writer)?;
        summary.failed = failed;
        Ok(summary)
    })?;
    sink.finish()?;
    summary.elapsed = start.elapsed();
    Ok(summary)
}

/// Starts a named thread in `scope` (names show in `top -H` and profiles).
fn spawn<'scope, T: Send + 'scope>(
    scope: &'scope thread::Scope<'scope, '_>,
    name: &str,
    work: impl FnOnce() -> T + Send + 'scope,
) -> Result<thread::ScopedJoinHandle<'scope, T>> {
    thread::Builder::new()
        .name(name.to_string())
        .spawn_scoped(scope, work)
        .map_err(|e| Error::Pipeline(format!("cannot start thread {name}: {e}")))
}

/// Waits for a thread; its panic goes on in the caller.
fn join<T>(handle: thread::ScopedJoinHandle<'_, T>) -> T {
    handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
}

/// The reader thread: sends batches of articles until the input ends or nobody receives them.
/// Returns the number of input records that failed.
fn read(
    mut input: impl Iterator<Item = Result<Article>>,
    limits: BatchLimits,
    observer: &dyn Observer,
    batches: SyncSender<Vec<Article>>,
) -> u64 {
    let mut failed = 0;
    loop {
        let batch = next_batch(&mut input, limits, &mut failed, observer);
        if batch.is_empty() || batches.send(batch).is_err() {
            return failed;
        }
    }
}

/// The writer thread: writes each batch's documents in order, until the batches end or the sink
/// fails.
fn write(
    batches: Receiver<Vec<Document>>,
    sink: &mut (dyn Sink + Send),
    observer: &dyn Observer,
) -> Result<Summary> {
    let mut summary = Summary::default();
    for batch in batches {
        sink.write_batch(&batch)?;
        for doc in &batch {
            summary.articles += 1;
            summary.events += doc.events.len() as u64;
            summary.bytes += doc.text.len() as u64;
        }
        observer.progress(summary.articles, summary.bytes);
    }
    Ok(summary)
}

/// The next batch of articles within `limits` (at least one article unless the input has
/// ended); input errors on the way are counted and reported.
fn next_batch(
    input: &mut impl Iterator<Item = Result<Article>>,
    limits: BatchLimits,
    failed: &mut u64,
    observer: &dyn Observer,
) -> Vec<Article> {
    let mut batch = Vec::new();
    let mut batch_bytes = 0;
    while batch.len() < limits.articles.max(1) && batch_bytes < limits.bytes.max(1) {
        match input.next() {
            Some(Ok(article)) => {
                batch_bytes += article.text.len();
                batch.push(article);
            }
            Some(Err(error)) => {
                *failed += 1;
                observer.input_error(&error);
            }
            None => break,
        }
    }
    batch
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU64, Ordering};

    use super::*;
    use crate::data::Gazetteers;

    /// Keeps the ids it is given; fails at write number `fail_at` when set.
    #[derive(Default)]
    struct Recorder {
        ids: Vec<String>,
        began: bool,
        finished: bool,
        fail_at: Option<usize>,
    }

    impl Sink for Recorder {
        fn begin(&mut self) -> Result<()> {
            self.began = true;
            Ok(())
        }
        fn write(&mut self, doc: &Document) -> Result<()> {
            if self.fail_at == Some(self.ids.len()) {
                return Err(Error::Sink("disk full".to_string()));
            }
            self.ids.push(doc.id.clone());
            Ok(())
        }
        fn finish(&mut self) -> Result<()> {
            self.finished = true;
            Ok(())
        }
    }

    /// Counts the articles the input gave out, so a test sees where reading stopped.
    struct Counted<'a> {
        next: usize,
        end: usize,
        given: &'a AtomicU64,
    }

    impl Iterator for Counted<'_> {
        type Item = Result<Article>;
        fn next(&mut self) -> Option<Result<Article>> {
            if self.next == self.end {
                return None;
            }
            self.next += 1;
            self.given.fetch_add(1, Ordering::Relaxed);
            if self.next % 10 == 0 {
                return Some(Err(Error::Sink(format!("bad record {}", self.next))));
            }
            Some(Ok(Article::from_text(format!("a{}", self.next), "Two soldiers were killed.")))
        }
    }

    fn pipeline() -> &'static Pipeline {
        static PIPELINE: std::sync::OnceLock<Pipeline> = std::sync::OnceLock::new();
        PIPELINE.get_or_init(|| Pipeline::new(&Gazetteers::embedded()).expect("pipeline"))
    }

    const SMALL: BatchLimits = BatchLimits { articles: 3, bytes: usize::MAX };

    #[test]
    fn documents_are_written_in_input_order_and_errors_counted() {
        let pipeline = pipeline();
        let given = AtomicU64::new(0);
        let input = Counted { next: 0, end: 25, given: &given };
        let mut sink = Recorder::default();
        let summary = run(input, pipeline, &mut sink, &Silent, SMALL).expect("run");
        let expected: Vec<String> =
            (1..=25).filter(|i| i % 10 != 0).map(|i| format!("a{i}")).collect();
        assert_eq!(sink.ids, expected);
        assert!(sink.began && sink.finished);
        assert_eq!((summary.articles, summary.failed), (23, 2));
    }

    #[test]
    fn empty_input_begins_and_finishes() {
        let pipeline = pipeline();
        let given = AtomicU64::new(0);
        let mut sink = Recorder::default();
        let input = Counted { next: 0, end: 0, given: &given };
        let summary = run(input, pipeline, &mut sink, &Silent, SMALL).expect("run");
        assert_eq!(summary.articles, 0);
        assert!(sink.began && sink.finished);
    }

    #[test]
    fn sink_error_ends_the_run_and_stops_reading() {
        let pipeline = pipeline();
        let given = AtomicU64::new(0);
        let input = Counted { next: 0, end: 100_000, given: &given };
        let mut sink = Recorder { fail_at: Some(4), ..Recorder::default() };
        let error = run(input, pipeline, &mut sink, &Silent, SMALL).expect_err("sink fails");
        assert!(error.to_string().contains("disk full"), "{error}");
        assert_eq!(sink.ids.len(), 4);
        assert!(!sink.finished, "a failed run does not finish the sink");
        // The reader stopped a few batches after the failure, not at the end of the input.
        assert!(given.load(Ordering::Relaxed) < 30, "read {}", given.load(Ordering::Relaxed));
    }

    #[test]
    fn sink_panic_reaches_the_caller() {
        struct Panics;
        impl Sink for Panics {
            fn write(&mut self, _: &Document) -> Result<()> {
                panic!("sink bug")
            }
            fn finish(&mut self) -> Result<()> {
                Ok(())
            }
        }
        let pipeline = pipeline();
        let given = AtomicU64::new(0);
        let input = Counted { next: 0, end: 100_000, given: &given };
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            run(input, pipeline, &mut Panics, &Silent, SMALL)
        }));
        assert!(outcome.is_err());
        assert!(given.load(Ordering::Relaxed) < 30);
    }
}
