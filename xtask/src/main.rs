//! `cargo xtask`: see the library docs (`xtask/src/lib.rs`).

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask regen [--check] [--from [OFFICIAL_SPEC]]
       cargo xtask mutants [--crate client|mock|xtask]... [--in-diff BASE] [--shard K/N] [--list]
                           [-- CARGO_MUTANTS_ARGS...]   (`cargo xtask mutants --help`)
       cargo xtask cycles [--edges]

  regen                 derive the fragment (openapi/telnyx-accounts.yaml) from the vendored
                        official spec (openapi/upstream/), then telnyx-accounts-gen/src/ from it
  regen --from          the same (the vendored spec is the default source)
  regen --from SPEC     first cut Telnyx's official OpenAPI 3.1 spec (YAML or JSON, whole or a
                        subset) to the twelve operations into openapi/upstream/, print what
                        changed, then derive the rest
  --check               write nothing; exit 1, naming the file and printing a diff of it, if
                        any of the three is not what the one before it derives (a hand
                        edit, or a forgotten regen)

  cycles                fail on an import cycle between the files of telnyx-accounts,
                        telnyx-accounts-mock or xtask, or on an import from the client's
                        runtime/ or models/ into a layer above (xtask/src/cycles.rs)
  --edges               also print every import between files";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut opts = xtask::Options::default();
    let mut iter = args.iter();
    match iter.next().map(String::as_str) {
        Some("regen") => {}
        Some("mutants") => return mutants(&args[1..]),
        Some("cycles") => return cycles(&args[1..]),
        Some("-h") | Some("--help") | None => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => {
            eprintln!("xtask: unknown command `{other}`\n{USAGE}");
            return ExitCode::from(2);
        }
    }
    let mut iter = iter.peekable();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--check" => opts.check = true,
            "--from" => {
                // No path (or another option next): the vendored spec.
                if let Some(path) = iter.next_if(|a| !a.starts_with("--")) {
                    opts.from = Some(PathBuf::from(path));
                }
            }
            other => {
                eprintln!("xtask: unknown option `{other}`\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    // Relative --from paths are relative to where the user ran cargo.
    match xtask::regen(&xtask::workspace_root(), &opts) {
        Ok(lines) => {
            for l in lines {
                println!("{l}");
            }
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("xtask regen: {message}");
            ExitCode::FAILURE
        }
    }
}

/// `cargo xtask mutants`: see `xtask::mutants`.
fn mutants(args: &[String]) -> ExitCode {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{}", xtask::mutants::USAGE);
        return ExitCode::SUCCESS;
    }
    let opts = match xtask::mutants::parse_args(args) {
        Ok(opts) => opts,
        Err(message) => {
            eprintln!("xtask mutants: {message}\n{}", xtask::mutants::USAGE);
            return ExitCode::from(2);
        }
    };
    finish(
        "mutants",
        xtask::mutants::run(&xtask::workspace_root(), &opts),
    )
}

/// `cargo xtask cycles`: see `xtask::cycles`.
fn cycles(args: &[String]) -> ExitCode {
    let edges = match args {
        [] => false,
        [flag] if flag == "--edges" => true,
        _ => {
            eprintln!("xtask cycles: the only option is --edges\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    finish(
        "cycles",
        xtask::cycles::run(&xtask::workspace_root(), edges),
    )
}

/// Prints a command's report; fails when it found a problem or could not run.
fn finish(command: &str, result: Result<(Vec<String>, bool), String>) -> ExitCode {
    match result {
        Ok((report, clean)) => {
            for line in report {
                println!("{line}");
            }
            if clean {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(message) => {
            eprintln!("xtask {command}: {message}");
            ExitCode::FAILURE
        }
    }
}
