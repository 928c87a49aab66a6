//! xtask's integration tests, in one test binary (one build and one link
//! for all of them). Each module is a suite; its doc comment says what it
//! checks.
//!
//! `panics.rs` is a test binary of its own: it installs a panic hook, which
//! is process-wide.

mod mutants;
mod official;
mod rules;
mod summary;
