//! Telnyx's `{"errors": [...]}` body of a non-2xx response.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    for e in telnyx_accounts::fuzzing::parse_error_body(body) {
        let _ = format!("{e:?}");
    }
});
