//! The runtime layer: the machinery under the API. The request loop
//! (`transport`), what it knows of each operation (`operation`), the
//! builders' extra query and body fields (`extras`), pacing (`limiter`),
//! credentials and the OAuth2 token cache (`auth`, `oauth`), response
//! metadata (`response`), the checked configuration (`config`) and the
//! attempt timers kept between attempts (`timer`).
//! `retry.rs` and `hooks.rs` are in this folder too, mounted at the crate
//! root (`telnyx_accounts::retry`, `::hooks`). Nothing here imports from
//! the API layer.

pub(crate) mod auth;
pub(crate) mod config;
pub(crate) mod extras;
pub(crate) mod limiter;
pub(crate) mod oauth;
pub(crate) mod operation;
pub(crate) mod response;
pub(crate) mod timer;
pub(crate) mod transport;
