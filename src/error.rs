/*! The library's error type. The library never prints or exits: every failure is a value. */
use std::path::PathBuf;

/// Any error newsx's library returns.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// A gazetteer or rule file has a bad line (or several: `message` lists them all).
    #[error("{file}:{line}: {message}")]
    Data {
        /// Where the data came from (`embedded:dates.rules` or a path).
        file: String,
        /// 1-based line number (0 when the whole file is at fault).
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// One input record (a file, or a line of a JSON Lines file) could not be read.
    #[error("{origin}: {message}")]
    Input {
        /// `path` or `path:line`.
        origin: String,
        /// What is wrong.
        message: String,
    },
    /// The pipeline's stages are in an order that cannot work.
    #[error("pipeline: {0}")]
    Pipeline(String),
    /// An output sink failed.
    #[error("output: {0}")]
    Sink(String),
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
