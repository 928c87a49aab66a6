//! A managed account's global channel limit.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    let _ = telnyx_accounts::fuzzing::decode_channel_limit(body);
});
