//! The workspace's integration tests, in one test binary: one build and one
//! link of reqwest, hyper, jsonschema and proptest for all of them. Each
//! module is a suite; its doc comment says what it checks.
//!
//! Three suites are test binaries of their own (`tests/Cargo.toml` lists
//! them), each for a reason stated at its top:
//! - `oauth_env.rs` sets environment variables, which are process-wide;
//! - `secrets.rs` installs the global `tracing` subscriber and the
//!   `log` -> `tracing` bridge, which are process-wide;
//! - `large_body.rs` reads the process's peak memory, which other tests in
//!   the process would add to.

mod support;

mod contract;
mod durations;
mod e2e;
mod faults;
mod generated_smoke;
mod nulls;
mod oauth;
mod pipeline;
mod properties;
mod public_api;
mod readmes;
mod retry_fixes;
mod schemas;
mod user_service;
