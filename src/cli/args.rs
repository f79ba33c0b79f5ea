/*! Raw command-line arguments (clap). No I/O here. */
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// newsx: turn raw news articles into structured event records.
#[derive(Debug, Parser)]
#[command(name = "newsx", version, about, long_about = None, after_help = EXIT_CODES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The exit codes, shown in `--help`.
pub const EXIT_CODES: &str = "Exit status: 0 when every input was read, 2 when some input failed \
(each failure is reported on stderr with its file and line, and the run goes on), 1 on usage \
errors or when output cannot be written.";

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write event records (one JSON object per event) for the articles in INPUT.
    #[command(after_help = EXIT_CODES)]
    Extract(RunArgs),
    /// Write the full analysis of each article (sentences, mentions, quotes, totals, events).
    #[command(after_help = EXIT_CODES)]
    Analyze(RunArgs),
    /// Check the pipeline against hand-checked fixtures; exit 1 on any difference.
    Eval(EvalArgs),
}

/// Options shared by `extract` and `analyze`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Files, directories (walked recursively, sorted) or `-` for JSON Lines on stdin. Plain
    /// text files are one article each; `.jsonl`/`.ndjson` hold one article per line; either
    /// may be gzip-compressed (`.gz`).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Write to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Jsonl)]
    pub format: Format,
    /// Analysis threads (default: one per core). Reading the input and writing the output
    /// have a thread each besides, which overlap with the analysis. Output is identical for
    /// any value.
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,
    /// Directory of gazetteer files overriding the embedded ones, file by file.
    #[arg(long, value_name = "DIR")]
    pub gazetteers: Option<PathBuf>,
    /// Remap a JSON field: NAME=FIELD, NAME one of id, text, title, published, source, url
    /// (e.g. `--field text=body`). Repeatable.
    #[arg(long = "field", value_name = "NAME=FIELD")]
    pub fields: Vec<String>,
    /// Articles larger than this many bytes are reported and skipped.
    #[arg(long, value_name = "BYTES", default_value_t = newsx::input::DEFAULT_MAX_ARTICLE_BYTES)]
    pub max_article_bytes: usize,
    /// Write into a database instead: `PATH.sqlite` / `PATH.db` (SQLite, created if missing) or
    /// `postgres://USER:PASS@HOST/DB`. Both commands then load the same normalized tables
    /// (articles, events, event_actors, casualties, mentions, quotes; see docs/sql.md); articles
    /// already there are replaced, so re-running is safe. Nothing is written to stdout.
    #[arg(long, value_name = "URL", conflicts_with_all = ["output", "format"])]
    pub db: Option<String>,
    /// Never show a progress bar (it is shown only when stderr is a terminal).
    #[arg(long)]
    pub no_progress: bool,
}

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// JSON Lines.
    Jsonl,
    /// CSV, one row per event (columns in docs/sql.md), for both commands.
    Csv,
}

/// Options of `eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Fixture directory (each subdirectory holds article.txt and expected.json).
    #[arg(default_value = "fixtures")]
    pub dir: PathBuf,
    /// Only fixtures whose name contains this text.
    #[arg(long, value_name = "TEXT")]
    pub filter: Option<String>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Write proposed expectations as expected.json.new beside each fixture, for review.
    #[arg(long)]
    pub update: bool,
    /// Directory of gazetteer files overriding the embedded ones.
    #[arg(long, value_name = "DIR")]
    pub gazetteers: Option<PathBuf>,
}
