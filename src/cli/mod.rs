/*! The command line: parsing (args), progress display, and the subcommands. Binary-only. */
pub mod args;
pub mod progress;

use std::process::ExitCode;

/// `newsx eval`: (being written).
pub fn eval(_args: args::EvalArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!("eval is not written yet")
}
