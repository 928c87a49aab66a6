//! Every README's Rust examples are doctests: each `README.md` in the
//! repository with a Rust code block is included, with
//! `#[doc = include_str!(..)]`, by the `src/lib.rs` of a workspace crate, so
//! `cargo test --doc` compiles it (and runs it unless the block says
//! `no_run`). A README added or moved without that inclusion fails here.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::support;

fn repo() -> PathBuf {
    support::manifest_dir()
        .join("..")
        .canonicalize()
        .expect("the checkout")
}

/// Every `README.md` under `dir`, build output and hidden directories aside.
fn readmes(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a readable directory") {
        let path = entry.expect("an entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() {
            if !name.starts_with('.') && name != "target" {
                readmes(&path, found);
            }
        } else if name == "README.md" {
            found.push(path);
        }
    }
}

/// The info strings of the README's fenced Rust blocks (`rust`,
/// `rust,no_run`, ...).
fn rust_blocks(text: &str) -> Vec<String> {
    let mut open = false;
    let mut blocks = Vec::new();
    for line in text.lines() {
        let Some(info) = line.trim_start().strip_prefix("```") else {
            continue;
        };
        if !open && info.split(',').next() == Some("rust") {
            blocks.push(info.to_owned());
        }
        open = !open;
    }
    blocks
}

/// The READMEs that the workspace crates' `src/lib.rs` include.
fn included() -> BTreeSet<PathBuf> {
    let root = repo();
    let mut set = BTreeSet::new();
    for krate in [
        "telnyx-accounts",
        "telnyx-accounts-mock",
        "telnyx-accounts-gen",
        "tests",
    ] {
        let src = root.join(krate).join("src");
        let lib = std::fs::read_to_string(src.join("lib.rs")).expect("a lib.rs");
        for part in lib.split("include_str!(\"").skip(1) {
            let relative = part.split('"').next().unwrap_or_default();
            if relative.ends_with("README.md") {
                set.insert(
                    src.join(relative)
                        .canonicalize()
                        .expect("an included README"),
                );
            }
        }
    }
    set
}

#[test]
fn every_readme_with_rust_examples_is_a_doctest() {
    let mut found = Vec::new();
    readmes(&repo(), &mut found);
    assert!(found.len() >= 4, "READMEs found: {found:?}");
    let included = included();
    let mut with_rust = 0;
    for readme in found {
        let blocks = rust_blocks(&std::fs::read_to_string(&readme).expect("a README"));
        if blocks.is_empty() {
            continue;
        }
        with_rust += 1;
        assert!(
            included.contains(&readme),
            "{} has Rust examples but no crate includes it as doctests \
             (#[cfg(doctest)] #[doc = include_str!(..)] in a src/lib.rs)",
            readme.display()
        );
        for info in blocks {
            assert!(
                !info.contains("ignore"),
                "{}: a `{info}` block is never compiled; use `no_run`",
                readme.display()
            );
        }
    }
    assert_eq!(with_rust, 3, "the workspace, client and mock READMEs");
}
