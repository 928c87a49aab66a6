//! `cargo xtask`: see the library docs (`xtask/src/lib.rs`).

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask regen [--check] [--from OFFICIAL_SPEC]

  regen                 generate telnyx-accounts-gen/src/ from openapi/telnyx-accounts.yaml
  regen --check         exit 1, naming the stale files, if the checked-in code is out of date
  regen --from SPEC     adapt Telnyx's official OpenAPI 3.1 spec (YAML or JSON) into the
                        fragment, print what changed, then generate";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut opts = xtask::Options::default();
    let mut iter = args.iter();
    match iter.next().map(String::as_str) {
        Some("regen") => {}
        Some("-h") | Some("--help") | None => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Some(other) => {
            eprintln!("xtask: unknown command `{other}`\n{USAGE}");
            return ExitCode::from(2);
        }
    }
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--check" => opts.check = true,
            "--from" => match iter.next() {
                Some(path) => opts.from = Some(PathBuf::from(path)),
                None => {
                    eprintln!("xtask: --from needs a path\n{USAGE}");
                    return ExitCode::from(2);
                }
            },
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
