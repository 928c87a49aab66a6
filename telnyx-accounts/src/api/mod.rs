//! The API layer: what users call. The client, one request builder per
//! operation (`resources`), ids and the per-request options every builder
//! shares. `pagination.rs`, the page walk, is in this folder too, mounted
//! at the crate root (`telnyx_accounts::pagination`). It builds calls and
//! hands them to the runtime.

pub(crate) mod client;
pub(crate) mod id;
pub(crate) mod request;
pub mod resources;
