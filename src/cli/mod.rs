/*! The command line: parsing (args), progress display, and the subcommands. Binary-only. */
pub mod args;
pub mod progress;

use std::process::ExitCode;

/// `newsx eval`: runs the regression harness over a fixture directory. Exit 0 when every
/// fixture matches its expectations, 1 on any difference.
pub fn eval(args: args::EvalArgs) -> anyhow::Result<ExitCode> {
    let gazetteers = match &args.gazetteers {
        Some(dir) => newsx::Gazetteers::with_overrides(dir)?,
        None => newsx::Gazetteers::embedded(),
    };
    let pipeline = newsx::Pipeline::new(&gazetteers)?;
    let report = newsx::eval::evaluate(&args.dir, args.filter.as_deref(), &pipeline)?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print!("{}", report.render());
    }
    if args.update {
        for fixture in newsx::eval::fixtures(&args.dir, args.filter.as_deref())? {
            let doc = fixture.analyze(&pipeline)?;
            let proposed = newsx::eval::proposed_expectations(&doc);
            let path = fixture.dir.join("expected.json.new");
            std::fs::write(&path, serde_json::to_string_pretty(&proposed)? + "\n")?;
            eprintln!("newsx: wrote {} for review", path.display());
        }
    }
    if report.fixtures == 0 {
        anyhow::bail!("no fixtures (directories with expected.json) in {}", args.dir.display());
    }
    Ok(if report.diffs.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
