//! A page of the managed-accounts list.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|body: &[u8]| {
    if let Ok(page) = telnyx_accounts::fuzzing::decode_managed_account_page(body) {
        let _ = page.has_next_page();
    }
});
