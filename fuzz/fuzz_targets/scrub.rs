//! The secret masking of decode-error snippets: never panics, and a known
//! key never survives it.
#![no_main]
use libfuzzer_sys::fuzz_target;

const KEY: &str = "KEY0123456789";

fuzz_target!(|body: &[u8]| {
    let out = telnyx_accounts::fuzzing::scrub(body, KEY);
    assert!(!out.contains(KEY), "the key survived scrubbing: {out:?}");
});
