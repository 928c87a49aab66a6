//! The public API of `telnyx-accounts`, checked against a reviewed snapshot:
//! `tests/public-api/telnyx-accounts.txt`, one line per public item (every
//! type, field, variant, function, method, trait impl and auto trait; blanket
//! impls left out), as `cargo public-api` lists it.
//!
//! Any change to the public surface fails this test until the snapshot is
//! updated, so it shows up in review as a diff of that file:
//!
//! ```text
//! UPDATE_PUBLIC_API=1 cargo test -p telnyx-accounts-tests --test main public_api
//! ```
//!
//! How: `cargo rustdoc` writes the crate's rustdoc JSON (an unstable rustdoc
//! output, enabled on the stable toolchain with `RUSTC_BOOTSTRAP=1`, as no
//! nightly toolchain can be installed here; see [`rustdoc_json`]), with the
//! `schemars` and `csv` features, in the workspace's target directory (cargo
//! lets go of it while tests run); the `public-api` library (the one behind
//! `cargo public-api`) turns it into the listing. No TLS feature: they choose
//! how the default HTTP client is built and add no public item (the listing
//! is the same with the default `rustls`), and without them no TLS crate is
//! needed.
//!
//! On a toolchain whose rustdoc writes a JSON format that `public-api` cannot
//! read, the check is skipped and says so on stderr, so that the README's
//! `cargo test --workspace` passes on any stable toolchain. CI sets
//! `PUBLIC_API_STRICT=1`, which makes that a failure: there, a toolchain
//! change cannot hide an API change.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support;

fn snapshot() -> PathBuf {
    support::manifest_dir()
        .join("public-api")
        .join("telnyx-accounts.txt")
}

/// The rustdoc JSON formats `public-api` 0.51 reads (it parses 57, one
/// field newer than its own 56, because it ignores unknown fields).
const FORMATS: [u64; 2] = [56, 57];

/// Set (to anything but `0`) in CI: an unreadable format fails the check.
const STRICT: &str = "PUBLIC_API_STRICT";

/// Whether the check can read rustdoc's JSON `format`: `Ok(true)`; or
/// `Ok(false)`, skip it (another toolchain, a contributor's machine); or,
/// when `strict`, an error saying what to do.
fn readable(format: u64, strict: bool) -> Result<bool, String> {
    if FORMATS.contains(&format) {
        return Ok(true);
    }
    let why = format!("rustdoc writes JSON format {format}; public-api 0.51 reads {FORMATS:?}");
    if strict {
        Err(format!(
            "{why}: pin the public-api version that reads {format} in the workspace Cargo.toml \
             (or run the toolchain CI uses)"
        ))
    } else {
        Ok(false)
    }
}

#[test]
fn an_unreadable_format_is_skipped_unless_strict() {
    assert_eq!(readable(57, false), Ok(true));
    assert_eq!(readable(56, true), Ok(true));
    assert_eq!(readable(99, false), Ok(false));
    let e = readable(99, true).unwrap_err();
    assert!(
        e.contains("format 99") && e.contains("pin the public-api version"),
        "{e}"
    );
}

/// Writes telnyx-accounts' rustdoc JSON and returns its path.
///
/// In the workspace's own target directory, so that it reuses the
/// dependencies' metadata the other builds made (clippy's, the docs'): in an
/// empty one of its own it checked 129 units again, 20 s on two cores. Its
/// features are those of no other build, but differ from theirs in 4 units.
///
/// The JSON output is unstable, allowed on a stable toolchain by
/// `RUSTC_BOOTSTRAP=1`. Set for the whole cargo command, that would reach
/// rustc and the build scripts too; two of these (proc-macro2's, thiserror's)
/// rerun when it changes, and their crates and most of the dependencies with
/// them would be rebuilt, there and again in the next ordinary build. So it
/// is set for rustdoc alone, by a two-line script that cargo runs as
/// `RUSTDOC` (on Unix; elsewhere the command gets `RUSTC_BOOTSTRAP=1` and a
/// target directory of its own).
fn rustdoc_json() -> PathBuf {
    let workspace = support::manifest_dir().join("..");
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let mut cargo = Command::new(env!("CARGO"));
    let target = match rustdoc_with_unstable_options(tmp) {
        Some(script) => {
            cargo
                .env("RUSTDOC", script)
                .env(REAL_RUSTDOC, real_rustdoc());
            tmp.parent().expect("the target directory").to_path_buf()
        }
        None => {
            cargo.env("RUSTC_BOOTSTRAP", "1");
            tmp.join("public-api")
        }
    };
    let output = cargo
        .current_dir(&workspace)
        .env_remove("RUSTDOCFLAGS")
        .env_remove("CARGO_ENCODED_RUSTDOCFLAGS")
        .args([
            "rustdoc",
            "--locked",
            "--quiet",
            "-p",
            "telnyx-accounts",
            "--lib",
        ])
        .args(["--no-default-features", "--features", "schemars,csv"])
        .arg("--target-dir")
        .arg(&target)
        .args(["--", "-Z", "unstable-options", "--output-format", "json"])
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo rustdoc failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    target.join("doc").join("telnyx_accounts.json")
}

/// The rustdoc the script runs: the one `RUSTDOC` names, else the one beside
/// the cargo running the tests (a toolchain's `bin/`), else `rustdoc`.
const REAL_RUSTDOC: &str = "PUBLIC_API_REAL_RUSTDOC";

fn real_rustdoc() -> std::ffi::OsString {
    if let Some(rustdoc) = std::env::var_os("RUSTDOC") {
        return rustdoc;
    }
    let cargo = PathBuf::from(env!("CARGO"));
    let beside = cargo.with_file_name(format!("rustdoc{}", std::env::consts::EXE_SUFFIX));
    if beside.is_file() {
        beside.into_os_string()
    } else {
        "rustdoc".into()
    }
}

/// Writes the script that runs rustdoc with `RUSTC_BOOTSTRAP=1`.
#[cfg(unix)]
fn rustdoc_with_unstable_options(tmp: &Path) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = tmp.join("rustdoc-unstable-options");
    let script = format!("#!/bin/sh\nRUSTC_BOOTSTRAP=1 exec \"${REAL_RUSTDOC}\" \"$@\"\n");
    std::fs::create_dir_all(tmp).expect("the target's tmp directory");
    std::fs::write(&path, script).expect("write the rustdoc script");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
        .expect("make the rustdoc script executable");
    Some(path)
}

#[cfg(not(unix))]
fn rustdoc_with_unstable_options(_: &Path) -> Option<PathBuf> {
    None
}

#[test]
fn the_public_api_matches_the_snapshot() {
    let json = rustdoc_json();
    let text = std::fs::read_to_string(&json).expect("rustdoc JSON written");
    let format = serde_json::from_str::<serde_json::Value>(&text).expect("JSON")["format_version"]
        .as_u64()
        .expect("a format_version");
    let strict = std::env::var_os(STRICT).is_some_and(|v| !v.is_empty() && v != "0");
    match readable(format, strict) {
        Ok(true) => {}
        Ok(false) => {
            // Straight to stderr: libtest captures `eprintln!` of passing
            // tests, and a skip nobody sees would look like a pass.
            let _ = writeln!(
                std::io::stderr(),
                "\nwarning: public API snapshot check SKIPPED: rustdoc writes JSON format \
                 {format}, which public-api 0.51 does not read ({FORMATS:?}); CI \
                 ({STRICT}=1) runs it"
            );
            return;
        }
        Err(e) => panic!("{e}"),
    }
    let api = public_api::Builder::from_rustdoc_json(&json)
        .omit_blanket_impls(true)
        .build()
        .expect("public-api reads the rustdoc JSON");
    let current = api.to_string();

    let path = snapshot();
    if std::env::var_os("UPDATE_PUBLIC_API").is_some() {
        std::fs::create_dir_all(path.parent().expect("a directory"))
            .expect("create the snapshot directory");
        std::fs::write(&path, &current).expect("write the snapshot");
        println!("public API snapshot written: {}", path.display());
        return;
    }
    let snapshot = std::fs::read_to_string(&path).unwrap_or_default();
    if snapshot == current {
        return;
    }
    let old: BTreeSet<&str> = snapshot.lines().collect();
    let new: BTreeSet<&str> = current.lines().collect();
    let mut diff = String::new();
    for line in old.difference(&new) {
        diff.push_str(&format!("- {line}\n"));
    }
    for line in new.difference(&old) {
        diff.push_str(&format!("+ {line}\n"));
    }
    panic!(
        "the public API of telnyx-accounts changed ({} removed, {} added):\n\n{diff}\n\
         If the change is meant, update the snapshot and commit it with the change:\n    \
         UPDATE_PUBLIC_API=1 cargo test -p telnyx-accounts-tests --test main public_api",
        old.difference(&new).count(),
        new.difference(&old).count(),
    );
}
