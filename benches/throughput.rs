//! Throughput benchmark: `cargo bench` (or `cargo bench -- PATH.jsonl`).
//!
//! Runs the whole pipeline (every stage on, as `newsx extract`) over the benchmark corpus
//! `../shared/data/news/articles.jsonl` at 1 and 2 threads, and reports MB/s and articles/s,
//! each stage's share of the time, the time to build the pipeline, and peak memory (VmHWM).
//! Output goes to an in-memory sink that discards it, so the figures are the pipeline's.
//! `--threads N` counts analysis threads; reading and writing have a thread each besides, so
//! each run also reports the process's CPU time (user + system) and MB per CPU-second, the
//! figure to judge "MB/s per core" by.
use std::path::PathBuf;
use std::time::Instant;

use newsx::sink::jsonl::{JsonlSink, Records};
use newsx::{BatchLimits, Gazetteers, Pipeline, Reader, ReaderOptions};

// The pipeline makes many short-lived small allocations per article; mimalloc runs the
// benchmark corpus about 10% faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn corpus() -> Option<PathBuf> {
    let given = std::env::args().skip(1).find(|a| !a.starts_with('-')).map(PathBuf::from);
    let default =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/news/articles.jsonl");
    given.or(Some(default)).filter(|p| p.is_file())
}

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// CPU time (user + system) of the whole process so far, in seconds, from `/proc/self/stat`
/// (fields 14 and 15, in clock ticks of 1/100 s: Linux's USER_HZ).
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) may hold spaces; the fields after it are plain numbers.
    let mut fields = stat.get(stat.rfind(')')? + 2..)?.split_whitespace().skip(11);
    let user: f64 = fields.next()?.parse().ok()?;
    let system: f64 = fields.next()?.parse().ok()?;
    Some((user + system) / 100.0)
}

fn main() {
    newsx::allocator::keep_freed_memory();
    let Some(path) = corpus() else {
        eprintln!("SKIPPED: no benchmark corpus (give a .jsonl path, or put ../shared/data/news/articles.jsonl beside the project)");
        return;
    };
    let start = Instant::now();
    let pipeline = Pipeline::new(&Gazetteers::embedded()).expect("pipeline");
    println!("pipeline build: {:.0} ms", start.elapsed().as_secs_f64() * 1e3);
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let before: Vec<_> = pipeline.timings();
        let mut sink = JsonlSink::new(std::io::sink(), Records::Events, "null");
        let reader = Reader::new(std::slice::from_ref(&path), ReaderOptions::default());
        let cpu_before = cpu_seconds();
        let summary = pool
            .install(|| {
                newsx::run(
                    reader,
                    &pipeline,
                    &mut sink,
                    &newsx::run::Silent,
                    BatchLimits::default(),
                )
            })
            .expect("run");
        let secs = summary.elapsed.as_secs_f64();
        let cpu = cpu_before.zip(cpu_seconds()).map_or(f64::NAN, |(b, a)| a - b);
        println!(
            "extract, {threads} analysis thread(s): {} articles, {:.1} MB, {:.2} s, {:.1} MB/s, {:.0} articles/s, {} events, {} errors; CPU {:.2} s (user+sys), {:.1} MB per CPU-second",
            summary.articles,
            summary.bytes as f64 / 1e6,
            secs,
            summary.mb_per_s(),
            summary.articles as f64 / secs,
            summary.events,
            summary.failed,
            cpu,
            summary.bytes as f64 / 1e6 / cpu
        );
        if threads == 1 {
            let total: f64 = pipeline
                .timings()
                .iter()
                .zip(&before)
                .map(|((_, t), (_, b))| (*t - *b).as_secs_f64())
                .sum();
            for ((name, t), (_, b)) in pipeline.timings().iter().zip(&before) {
                let stage = (*t - *b).as_secs_f64();
                println!(
                    "  stage {name:<11} {:>6.2} s {:>5.1}% of pipeline, {:>8.1} MB/s alone",
                    stage,
                    100.0 * stage / total,
                    summary.bytes as f64 / 1e6 / stage
                );
            }
        }
    }
    if let Some(mib) = peak_rss_mib() {
        println!("peak memory (VmHWM): {mib:.0} MiB");
    }
}
