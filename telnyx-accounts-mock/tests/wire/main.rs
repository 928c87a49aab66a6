//! Wire-level tests of the mock with a plain HTTP client.

mod accounts;
mod common;
mod conveniences;
mod errors;
mod faults;
mod lifecycle;
mod log;
mod oauth;
mod program;
mod realism;
mod seed;
mod strict;
mod users;
