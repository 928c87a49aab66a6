//! Integration tests live in `tests/tests/`.

/// The workspace README's Rust examples, compiled (and, where they can run
/// against the embedded mock, run) by `cargo test --doc`. This crate is
/// never published, so the README above it is always there.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct WorkspaceReadme;
