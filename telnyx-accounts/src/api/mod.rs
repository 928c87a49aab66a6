//! The API layer: what users call. The client, one request builder per
//! operation (`resources`), ids, the per-request options every builder
//! shares, and the page walk (`walk`). It builds calls and hands them to
//! the runtime.

pub(crate) mod client;
pub(crate) mod id;
pub(crate) mod request;
pub mod resources;
pub(crate) mod walk;
