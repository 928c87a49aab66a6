//! What the builders check before anything is sent: page numbers and sizes,
//! and the length of `contains` filters.

use crate::error::{Error, Result};

/// The largest `page[size]` Telnyx accepts.
pub const MAX_PAGE_SIZE: u32 = 250;

/// Checks `page_number` (>= 1) and `page_size` (1..=250).
pub(super) fn check_page(number: Option<u32>, size: Option<u32>) -> Result<()> {
    if number == Some(0) {
        return Err(Error::invalid("page_number", "must be 1 or more"));
    }
    match size {
        Some(s) if !(1..=MAX_PAGE_SIZE).contains(&s) => Err(Error::invalid(
            "page_size",
            format!("must be between 1 and {MAX_PAGE_SIZE}, not {s}"),
        )),
        _ => Ok(()),
    }
}

/// Telnyx's `contains` filters need at least three characters.
pub(super) fn check_contains(parameter: &str, value: Option<&str>) -> Result<()> {
    match value {
        Some(v) if v.chars().count() < 3 => Err(Error::invalid(
            parameter,
            format!("needs at least 3 characters, got {}", v.chars().count()),
        )),
        _ => Ok(()),
    }
}
