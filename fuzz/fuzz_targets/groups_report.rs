//! The JSON groups report.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    let _ = telnyx_accounts::fuzzing::decode_groups_report(body);
});
