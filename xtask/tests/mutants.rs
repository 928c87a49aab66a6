//! `cargo xtask mutants`: which cargo-mutants runs it starts for each crate,
//! with which tests, and what it reports and exits with. A fake `cargo`
//! (through `$CARGO`, as `cargo xtask` sets it) records its arguments and
//! plays back the results a test prepared for each tier.
#![cfg(unix)]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use xtask::mutants::{escape_regex, parse_args, Crate};

const MOCK_TIER1: &str = "telnyx-accounts-mock";
const MOCK_TIER2: &str = "telnyx-accounts-mock,telnyx-accounts,telnyx-accounts-tests";

/// Stands in for `cargo`: logs one line per run (its arguments, then
/// `CARGO_TARGET_DIR`), copies `$FAKE_RESULTS/<--test-package>/` into
/// `<--output>/mutants.out/`, and exits with the code in its `exit` file.
const FAKE_CARGO: &str = r#"#!/bin/sh
out=; packages=
for a in "$@"; do
    case "$a" in
        --output=*) out="${a#--output=}" ;;
        --test-package=*) packages="${a#--test-package=}" ;;
    esac
done
printf '%s\n' "$*" >> "$FAKE_LOG"
printf 'CARGO_TARGET_DIR=%s\n' "$CARGO_TARGET_DIR" >> "$FAKE_LOG"
results="$FAKE_RESULTS/$packages"
if [ -d "$results/mutants.out" ]; then
    cp -r "$results/mutants.out" "$out/"
fi
if [ -f "$results/exit" ]; then exit "$(cat "$results/exit")"; fi
exit 0
"#;

/// A scratch workspace root with the fake `cargo`.
struct Sandbox {
    root: PathBuf,
}

impl Sandbox {
    fn new(name: &str) -> Sandbox {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("mutants-{name}"));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(root.join("xtask")).expect("mkdir");
        fs::create_dir_all(root.join("fake/results")).expect("mkdir");
        let cargo = root.join("fake/cargo");
        fs::write(&cargo, FAKE_CARGO).expect("write fake cargo");
        fs::set_permissions(&cargo, fs::Permissions::from_mode(0o755)).expect("chmod");
        Sandbox { root }
    }

    /// What cargo-mutants reports for a run with `packages`' tests.
    fn results(&self, packages: &str, caught: usize, unviable: usize, missed: &[&str]) {
        self.results_with(packages, caught, unviable, missed, &[], 0);
    }

    fn results_with(
        &self,
        packages: &str,
        caught: usize,
        unviable: usize,
        missed: &[&str],
        timeout: &[&str],
        exit: i32,
    ) {
        let dir = self.root.join("fake/results").join(packages);
        let out = dir.join("mutants.out");
        fs::create_dir_all(&out).expect("mkdir");
        let lines = |names: &[&str]| names.iter().map(|n| format!("{n}\n")).collect::<String>();
        let json = serde_json::json!({
            "total_mutants": caught + unviable + missed.len() + timeout.len(),
            "caught": caught,
            "missed": missed.len(),
            "timeout": timeout.len(),
            "unviable": unviable,
            "success": 0,
        });
        fs::write(out.join("outcomes.json"), json.to_string()).expect("write");
        fs::write(out.join("missed.txt"), lines(missed)).expect("write");
        fs::write(out.join("timeout.txt"), lines(timeout)).expect("write");
        fs::write(dir.join("exit"), exit.to_string()).expect("write");
    }

    /// A run that fails before testing anything, writing no results.
    fn fails(&self, packages: &str, exit: i32) {
        let dir = self.root.join("fake/results").join(packages);
        fs::create_dir_all(&dir).expect("mkdir");
        fs::write(dir.join("exit"), exit.to_string()).expect("write");
    }

    fn xtask(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_xtask"))
            .arg("mutants")
            .args(args)
            .current_dir(&self.root)
            .env("CARGO", self.root.join("fake/cargo"))
            .env("CARGO_MANIFEST_DIR", self.root.join("xtask"))
            .env("CARGO_TARGET_DIR", self.root.join("target"))
            .env("FAKE_LOG", self.root.join("fake/log"))
            .env("FAKE_RESULTS", self.root.join("fake/results"))
            .output()
            .expect("run xtask")
    }

    /// The fake cargo's runs: (arguments, CARGO_TARGET_DIR line).
    fn runs(&self) -> Vec<(String, String)> {
        let log = fs::read_to_string(self.root.join("fake/log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines
            .chunks(2)
            .map(|c| (c[0].to_owned(), c[1].to_owned()))
            .collect()
    }

    fn git(&self, args: &[&str]) {
        let ok = Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(&self.root)
            .output()
            .expect("git");
        assert!(ok.status.success(), "git {args:?}: {ok:?}");
    }
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const A: &str = "telnyx-accounts-mock/src/log.rs:10:5: replace RequestLog::len -> usize with 0";
const B: &str =
    "telnyx-accounts-mock/src/ratelimit.rs:72:27: replace * with + in RateLimiter::check";
const C: &str =
    "telnyx-accounts-mock/src/faults.rs:3:1: replace <impl Drop for Guard<'_>>::drop with ()";

#[test]
fn the_survivors_of_a_crates_own_tests_run_again_with_every_test_that_reaches_it() {
    let sb = Sandbox::new("tiers");
    sb.results_with(MOCK_TIER1, 5, 1, &[A, B], &[C], 2);
    // With more packages' tests, one survivor no longer builds (unviable).
    sb.results(MOCK_TIER2, 1, 1, &[B]);

    let out = sb.xtask(&["--crate", "mock", "--shard", "1/4"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));

    let runs = sb.runs();
    assert_eq!(runs.len(), 2, "{runs:?}");
    let (tier1, tier2) = (&runs[0].0, &runs[1].0);
    assert!(
        tier1.starts_with("mutants --package=telnyx-accounts-mock "),
        "{tier1}"
    );
    assert!(
        tier1.contains(&format!("--test-package={MOCK_TIER1} ")),
        "{tier1}"
    );
    assert!(
        tier1.contains("--shard=1/4 --sharding=round-robin"),
        "{tier1}"
    );
    // The second tier is exactly the three survivors, unsharded.
    assert!(
        tier2.contains(&format!("--test-package={MOCK_TIER2} ")),
        "{tier2}"
    );
    // (cargo-mutants refuses `--sharding` without `--shard`.)
    assert!(!tier2.contains("--shard"), "{tier2}");
    // Its own timeout: cargo-mutants would time the tier 1 tests only.
    assert!(tier2.contains("--timeout=300 "), "{tier2}");
    assert!(!tier1.contains("--timeout"), "{tier1}");
    for name in [A, B, C] {
        assert!(
            tier2.contains(&format!("--re=^{}$", escape_regex(name))),
            "{name} not rerun: {tier2}"
        );
    }
    assert_eq!(tier2.matches("--re=").count(), 3, "{tier2}");
    // Builds go beside the results, not into the workspace's own target.
    let build = sb.root.join("target/mutants/build");
    for (_, target) in &runs {
        assert_eq!(target, &format!("CARGO_TARGET_DIR={}", build.display()));
    }

    let report = stdout(&out);
    assert!(
        report.contains(
            "mock: 9 mutants: 6 caught, 1 missed, 0 timeout, 2 unviable; \
             85.7 % of the 7 viable caught"
        ),
        "{report}"
    );
    assert!(report.contains(&format!("\n  missed: {B}")), "{report}");
    assert!(!report.contains(&format!("missed: {A}")), "{report}");
}

#[test]
fn mutants_a_rerun_selects_beyond_the_survivors_are_not_counted() {
    let sb = Sandbox::new("extras");
    sb.results_with(MOCK_TIER1, 5, 1, &[A, B], &[C], 2);
    // Three survivors rerun; cargo-mutants also ran two other mutants, one
    // of them missed, which no sample asked for.
    const D: &str = "telnyx-accounts-mock/src/faults.rs:9:1: replace f -> bool with true";
    sb.results(MOCK_TIER2, 3, 0, &[B, D]);

    let out = sb.xtask(&["--crate", "mock"]);
    let report = stdout(&out);
    assert!(
        report.contains(
            "mock: 9 mutants: 7 caught, 1 missed, 0 timeout, 1 unviable; \
             87.5 % of the 8 viable caught"
        ),
        "{report}"
    );
    assert!(!report.contains(D), "{report}");
}

#[test]
fn a_crate_whose_own_tests_catch_everything_needs_no_second_run() {
    let sb = Sandbox::new("clean");
    sb.results(MOCK_TIER1, 4, 2, &[]);
    sb.results(MOCK_TIER2, 0, 0, &[A]);

    let out = sb.xtask(&["--crate", "telnyx-accounts-mock"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(sb.runs().len(), 1, "{:?}", sb.runs());
    assert!(
        stdout(&out).contains(
            "mock: 6 mutants: 4 caught, 0 missed, 0 timeout, 2 unviable; \
             100.0 % of the 4 viable caught"
        ),
        "{}",
        stdout(&out)
    );
}

#[test]
fn every_crate_runs_by_default_each_with_its_own_tests() {
    let sb = Sandbox::new("all");
    sb.results("telnyx-accounts", 3, 0, &[]);
    sb.results(MOCK_TIER1, 3, 0, &[]);
    sb.results(
        "xtask",
        1,
        0,
        &["xtask/src/diff.rs:1:1: replace cut -> String with String::new()"],
    );

    let out = sb.xtask(&[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let packages: Vec<String> = sb
        .runs()
        .iter()
        .map(|(args, _)| {
            let p = args
                .split(' ')
                .find(|a| a.starts_with("--package="))
                .unwrap_or("");
            let t = args
                .split(' ')
                .find(|a| a.starts_with("--test-package="))
                .unwrap_or("");
            format!("{p} {t}")
        })
        .collect();
    assert_eq!(
        packages,
        [
            "--package=telnyx-accounts --test-package=telnyx-accounts",
            "--package=telnyx-accounts-mock --test-package=telnyx-accounts-mock",
            "--package=xtask --test-package=xtask",
        ]
    );
    let report = stdout(&out);
    assert!(report.contains("client: 3 mutants: 3 caught"), "{report}");
    assert!(
        report.contains("xtask: 2 mutants: 1 caught, 1 missed"),
        "{report}"
    );
    assert!(report.contains("50.0 % of the 2 viable caught"), "{report}");
}

#[test]
fn a_cargo_mutants_failure_is_an_error_naming_its_log() {
    let sb = Sandbox::new("baseline");
    // 4: the unmutated tree's tests fail.
    sb.fails("xtask", 4);
    let out = sb.xtask(&["--crate", "xtask"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("cargo mutants for xtask failed"), "{err}");
    assert!(
        err.contains("target/mutants/xtask/tier1/mutants.out"),
        "{err}"
    );
}

#[test]
fn arguments_after_a_double_dash_reach_cargo_mutants() {
    let sb = Sandbox::new("extra");
    sb.results("xtask", 1, 0, &[]);
    let out = sb.xtask(&["--crate", "xtask", "--", "--jobs=2", "--iterate"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        sb.runs()[0].0.ends_with(" --jobs=2 --iterate"),
        "{:?}",
        sb.runs()
    );
}

#[test]
fn list_lists_each_crate_once_and_tests_nothing() {
    let sb = Sandbox::new("list");
    let out = sb.xtask(&["--list", "--crate", "mock", "--crate", "xtask"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let runs = sb.runs();
    assert_eq!(runs.len(), 2, "{runs:?}");
    assert!(runs.iter().all(|(a, _)| a.ends_with(" --list")), "{runs:?}");
}

/// Listing while a sweep runs (from another terminal) leaves that sweep's
/// results alone: they are written as it goes, and read at its end.
#[test]
fn list_leaves_a_running_sweeps_results_alone() {
    let sb = Sandbox::new("list-while-running");
    let running = sb.root.join("target/mutants/mock/tier1/mutants.out");
    fs::create_dir_all(running.join("log")).expect("mkdir");
    fs::write(running.join("log/baseline.log"), "building").expect("write");
    let out = sb.xtask(&["--list", "--crate", "mock"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        fs::read_to_string(running.join("log/baseline.log"))
            .ok()
            .as_deref(),
        Some("building")
    );
}

/// A repository with `main` (one commit) and `branch` (one more, changing
/// `lib.rs` and a README).
fn repo(sb: &Sandbox) {
    fs::write(sb.root.join(".gitignore"), "/fake\n/target\n").expect("write");
    fs::write(sb.root.join("xtask/lib.rs"), "fn a() {}\n").expect("write");
    sb.git(&["init", "--quiet", "--initial-branch=main"]);
    sb.git(&["add", "."]);
    sb.git(&["commit", "--quiet", "-m", "one"]);
    sb.git(&["checkout", "--quiet", "-b", "branch"]);
    fs::write(sb.root.join("xtask/lib.rs"), "fn a() {}\nfn changed() {}\n").expect("write");
    fs::write(sb.root.join("README.md"), "words\n").expect("write");
    sb.git(&["add", "."]);
    sb.git(&["commit", "--quiet", "-m", "two"]);
}

#[test]
fn in_diff_tests_the_lines_a_branch_changed_since_its_merge_base() {
    let sb = Sandbox::new("diff-branch");
    repo(&sb);
    // Uncommitted changes count too.
    fs::write(
        sb.root.join("xtask/lib.rs"),
        "fn a() {}\nfn changed() {}\nfn uncommitted() {}\n",
    )
    .expect("write");
    sb.results("xtask", 1, 0, &[]);

    let out = sb.xtask(&["--crate", "xtask", "--in-diff", "main"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("merge base with HEAD"),
        "{}",
        stdout(&out)
    );
    let diff_file = sb.root.join("target/mutants/changes.diff");
    let args = &sb.runs()[0].0;
    assert!(
        args.contains(&format!("--in-diff={}", diff_file.display())),
        "{args}"
    );
    let diff = fs::read_to_string(&diff_file).expect("diff");
    assert!(diff.contains("+fn changed() {}"), "{diff}");
    assert!(diff.contains("+fn uncommitted() {}"), "{diff}");
    assert!(!diff.contains("README"), "only Rust sources: {diff}");
}

#[test]
fn in_diff_on_the_base_branch_itself_tests_the_last_commit() {
    let sb = Sandbox::new("diff-main");
    repo(&sb);
    sb.git(&["checkout", "--quiet", "main"]);
    sb.git(&["merge", "--quiet", "--ff-only", "branch"]);
    sb.results("xtask", 1, 0, &[]);

    let out = sb.xtask(&["--crate", "xtask", "--in-diff", "main"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("HEAD is already in main"),
        "{}",
        stdout(&out)
    );
    let diff = fs::read_to_string(sb.root.join("target/mutants/changes.diff")).expect("diff");
    assert!(diff.contains("+fn changed() {}"), "{diff}");
}

#[test]
fn in_diff_without_rust_changes_tests_nothing() {
    let sb = Sandbox::new("diff-none");
    repo(&sb);
    sb.git(&["checkout", "--quiet", "-b", "docs"]);
    fs::write(sb.root.join("README.md"), "more words\n").expect("write");
    sb.git(&["commit", "--quiet", "-am", "docs"]);

    let out = sb.xtask(&["--in-diff", "branch"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("no Rust source changed"),
        "{}",
        stdout(&out)
    );
    assert!(sb.runs().is_empty(), "{:?}", sb.runs());
}

#[test]
fn in_diff_names_a_base_that_is_not_a_commit() {
    let sb = Sandbox::new("diff-bad");
    repo(&sb);
    let out = sb.xtask(&["--in-diff", "nosuch"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("--in-diff nosuch: not a commit"),
        "{}",
        stderr(&out)
    );
    assert!(sb.runs().is_empty());
}

#[test]
fn bad_arguments_are_refused_with_the_reason() {
    let err = |args: &[&str]| {
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        parse_args(&args).expect_err("refused")
    };
    assert!(err(&["--crate", "gen"]).contains("unknown crate `gen`"));
    assert!(err(&["--crate"]).contains("`--crate` needs a value"));
    assert!(err(&["--shard", "4/4"]).contains("expected K/N with 0 <= K < N"));
    assert!(err(&["--shard", "x"]).contains("expected K/N"));
    assert!(err(&["--jobs"]).contains("unknown option `--jobs`"));

    let ok = parse_args(&[
        "--crate".into(),
        "xtask".into(),
        "--crate".into(),
        "xtask".into(),
    ])
    .expect("parsed");
    assert_eq!(ok.crates, [Crate::Xtask]);
    assert_eq!(ok.shard, None);
}

#[test]
fn the_rerun_patterns_match_exactly_the_survivors_names() {
    for name in [A, B, C] {
        let re = regex::Regex::new(&format!("^{}$", escape_regex(name))).expect("regex");
        assert!(re.is_match(name), "{name}");
        // Another mutant on the same line is not rerun in its place.
        assert!(!re.is_match(&name.replace(" with ", " with - ")), "{name}");
        assert!(!re.is_match(&format!("{name}!")), "{name}");
    }
}

#[test]
fn run_times_read_as_hours_minutes_and_seconds() {
    use std::time::Duration;
    let human = |s| xtask::mutants::human(Duration::from_secs(s));
    assert_eq!(human(7), "7s");
    assert_eq!(human(11 * 60), "11m 00s");
    assert_eq!(human(59 * 60 + 5), "59m 05s");
    assert_eq!(human(2 * 3600 + 3 * 60 + 4), "2h 03m 04s");
}
