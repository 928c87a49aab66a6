//! `{"data": OrganizationUser}` (retrieve, remove).
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    let _ = telnyx_accounts::fuzzing::decode_user(body, true);
    let _ = telnyx_accounts::fuzzing::decode_user(body, false);
});
