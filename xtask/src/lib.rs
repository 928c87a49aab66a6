//! `cargo xtask`: the project's automation.
//!
//! - `cargo xtask regen`: generate `telnyx-accounts-gen/src/` from
//!   `openapi/telnyx-accounts.yaml` with progenitor.
//! - `cargo xtask regen --check`: fail, naming the stale file, when the
//!   checked-in code differs from what the fragment generates.
//! - `cargo xtask regen --from SPEC`: first adapt Telnyx's official 3.1 spec
//!   (YAML or JSON, whole or a subset) into the fragment, print what changed,
//!   then generate.

#![forbid(unsafe_code)]

pub mod adapt;
pub mod generate;
pub mod summary;

use std::fs;
use std::path::{Path, PathBuf};

/// The fragment, relative to the workspace root.
pub const FRAGMENT: &str = "openapi/telnyx-accounts.yaml";
/// Where the generated crate's sources go, relative to the workspace root.
pub const GEN_DIR: &str = "telnyx-accounts-gen/src";

/// What `regen` was asked to do.
#[derive(Debug, Default)]
pub struct Options {
    /// Compare instead of writing.
    pub check: bool,
    /// Adapt this official spec into the fragment first.
    pub from: Option<PathBuf>,
}

/// The workspace root (the parent of `xtask/`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Reads an official spec, YAML or JSON.
pub fn read_spec(path: &Path) -> Result<serde_yaml::Value, String> {
    let text =
        fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    // JSON is YAML, so one parser serves both, keeping key order.
    serde_yaml::from_str(&text)
        .map_err(|e| format!("{}: not valid YAML or JSON: {e}", path.display()))
}

/// Adapts `official` into fragment text, with the change summary against
/// `current` (the fragment now checked in, if any).
pub fn adapt_text(
    official: &serde_yaml::Value,
    current: Option<&str>,
) -> Result<(String, Vec<String>), String> {
    let doc = adapt::adapt(official).map_err(|e| format!("cannot adapt the official spec: {e}"))?;
    let text = adapt::render(&doc).map_err(|e| format!("cannot render the fragment: {e}"))?;
    let old = current.and_then(|t| serde_yaml::from_str::<serde_yaml::Value>(t).ok());
    Ok((text, summary::summarize(old.as_ref(), &doc)))
}

/// Runs `regen` in `root`; returns the lines to print, or an error message.
pub fn regen(root: &Path, opts: &Options) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let fragment_path = root.join(FRAGMENT);
    let current = fs::read_to_string(&fragment_path).ok();
    let mut stale = Vec::new();

    let fragment_text = if let Some(from) = &opts.from {
        let official = read_spec(from)?;
        let (text, changes) = adapt_text(&official, current.as_deref())?;
        if changes.is_empty() {
            println!("{FRAGMENT}: no operation, parameter, field or enum value changed");
        } else {
            println!(
                "{FRAGMENT}: {} change(s) against the checked-in fragment:",
                changes.len()
            );
            for c in changes {
                println!("  {c}");
            }
        }
        if current.as_deref() != Some(text.as_str()) {
            if opts.check {
                stale.push(FRAGMENT.to_owned());
            } else {
                fs::write(&fragment_path, &text)
                    .map_err(|e| format!("{FRAGMENT}: cannot write: {e}"))?;
                out.push(format!("wrote {FRAGMENT}"));
            }
        }
        text
    } else {
        current.ok_or_else(|| format!("{}: cannot read the fragment", fragment_path.display()))?
    };

    let generated = generate::generate(&fragment_text, FRAGMENT)?;
    for (name, contents) in &generated.files {
        let path = root.join(GEN_DIR).join(name);
        let on_disk = fs::read_to_string(&path).ok();
        if on_disk.as_deref() == Some(contents.as_str()) {
            continue;
        }
        let rel = format!("{GEN_DIR}/{name}");
        if opts.check {
            stale.push(rel);
        } else {
            fs::write(&path, contents).map_err(|e| format!("{rel}: cannot write: {e}"))?;
            out.push(format!("wrote {rel}"));
        }
    }
    if !stale.is_empty() {
        return Err(format!(
            "stale generated files (run `cargo xtask regen{}` and commit): {}",
            opts.from
                .as_ref()
                .map(|p| format!(" --from {}", p.display()))
                .unwrap_or_default(),
            stale.join(", ")
        ));
    }
    if opts.check {
        out.push("generated code is up to date".to_owned());
    }
    Ok(out)
}
