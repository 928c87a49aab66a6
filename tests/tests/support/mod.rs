//! What several suites share.

use std::path::PathBuf;

/// The repository's vendored copy of Telnyx's official spec, which
/// `cargo xtask regen --check` keeps identical to what the fragment was
/// derived from.
///
/// Found at run time (cargo sets `CARGO_MANIFEST_DIR` for tests): a test
/// binary reused from a build in another checkout, as after CI's fresh
/// clone shares the target directory, must read this checkout's copy, not
/// the one it was compiled in.
pub fn official_spec_path() -> PathBuf {
    let here = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")));
    here.join("../openapi/upstream/telnyx-accounts.official.openapi.json")
}
