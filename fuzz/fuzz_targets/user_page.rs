//! A page of the organization-users list, with and without groups.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    let _ = telnyx_accounts::fuzzing::decode_user_page(body, true);
    if let Ok(page) = telnyx_accounts::fuzzing::decode_user_page(body, false) {
        let _ = page.has_next_page();
    }
});
