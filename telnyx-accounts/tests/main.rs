//! The client's integration tests, in one test binary (one build and one
//! link for all of them). Each module is a suite; its doc comment says what
//! it checks.
//!
//! `tls.rs` is a test binary of its own: it shows that the default client
//! builds with no process-wide TLS setup, which only a process where no
//! other test made any can show.

mod pacing;
mod prefetch;
mod tracing_span;
mod wire;
