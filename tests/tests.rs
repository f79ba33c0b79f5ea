//! newsx integration tests: one binary, one module per area.

/// Test helpers: temp dirs and running the real binary.
mod util;

/// Bad input of every kind: reported with file and line, counted, never a panic.
mod bad_input;
/// The command line: subcommands, options, exit codes, formats.
mod cli;
/// Database sinks (SQLite always; PostgreSQL when NEWSX_TEST_POSTGRES is set).
mod db;
/// Same output for any thread count.
mod determinism;
/// The regression harness over every fixture.
mod fixtures;
