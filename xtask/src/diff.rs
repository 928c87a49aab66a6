//! The unified diff `regen --check` prints for each stale file, cut short
//! where a whole file was rewritten.

use std::fmt::Write as _;
use std::time::Duration;

use similar::{Algorithm, ChangeTag, TextDiff};

/// At most this many lines of one file's diff are shown: enough for any
/// hand edit, while a file rewritten throughout does not flood a CI log.
pub const MAX_LINES: usize = 120;
/// Longer lines (the spec's descriptions) are cut to this many characters.
const MAX_LINE_CHARS: usize = 200;

/// The unified diff (3 lines of context) from `old`, the file at `rel` as
/// it is (`None`: missing), to `new`, what `regen` would write there; at
/// most `max_lines` lines of it, then a line saying how many were left out.
pub fn unified(rel: &str, old: Option<&str>, new: &str, max_lines: usize) -> String {
    let mut out = format!(
        "--- {}\n+++ {rel} (as regen derives it)\n",
        if old.is_some() {
            format!("{rel} (checked in)")
        } else {
            "/dev/null".to_owned()
        }
    );
    let diff = TextDiff::configure()
        .algorithm(Algorithm::Myers)
        // A pathological pair of files gives a coarser diff, not a hang.
        .timeout(Duration::from_secs(5))
        .diff_lines(old.unwrap_or(""), new);
    let mut shown = 0;
    let mut left_out = 0;
    for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
        let mut lines = vec![hunk.header().to_string()];
        for change in hunk.iter_changes() {
            let marker = match change.tag() {
                ChangeTag::Delete => '-',
                ChangeTag::Insert => '+',
                ChangeTag::Equal => ' ',
            };
            let text = change.as_str().unwrap_or_default();
            let text = text.strip_suffix('\n').unwrap_or(text);
            lines.push(format!("{marker}{}", cut(text)));
            if change.missing_newline() {
                lines.push("\\ No newline at end of file".to_owned());
            }
        }
        for line in lines {
            if shown < max_lines {
                let _ = writeln!(out, "{line}");
                shown += 1;
            } else {
                left_out += 1;
            }
        }
    }
    if left_out > 0 {
        let _ = writeln!(
            out,
            "... {left_out} more lines of this diff not shown (run `cargo xtask regen` and `git diff {rel}`)"
        );
    }
    out
}

fn cut(line: &str) -> String {
    match line.char_indices().nth(MAX_LINE_CHARS) {
        Some((at, _)) => format!("{}...", &line[..at]),
        None => line.to_owned(),
    }
}
