//! Wire-level tests of the mock with a plain HTTP client.

mod accounts;
mod common;
mod errors;
mod faults;
mod lifecycle;
mod log;
mod program;
mod strict;
mod users;
