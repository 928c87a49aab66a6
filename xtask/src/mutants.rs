//! `cargo xtask mutants`: mutation testing with cargo-mutants, run the same
//! way by everyone (and by CI, on the changed lines).
//!
//! The shared settings (which files, timeouts, the test tool) are in
//! `.cargo/mutants.toml`; this module picks, for each crate, which packages'
//! tests run against its mutants, and adds up the results.
//!
//! # Which tests run against which crate
//!
//! A mutant can only be caught by a test that links the mutated crate or
//! runs its program. So instead of every package's tests for every mutant
//! (`--test-workspace=true`), each crate's mutants run the tests of the
//! packages that depend on it, which catch exactly as much:
//!
//! | Crate | Tier 1: its own tests | Tier 2: every package whose tests reach it |
//! |---|---|---|
//! | `client` (`telnyx-accounts`) | `telnyx-accounts` | `telnyx-accounts`, `telnyx-accounts-tests` |
//! | `mock` (`telnyx-accounts-mock`) | `telnyx-accounts-mock` | `telnyx-accounts-mock`, `telnyx-accounts`, `telnyx-accounts-tests` |
//! | `xtask` | `xtask` | (none: nothing else depends on it or runs it) |
//!
//! `telnyx-accounts-gen` has no tests and is never mutated (it is generated);
//! the mock does not depend on the client; nothing but xtask's own tests
//! runs xtask; `fuzz/` is outside the workspace.
//!
//! Tier 1 runs every selected mutant against the crate's own tests, which
//! build and run in a fraction of the time. The mutants it does not catch
//! (missed or timed out) then run against tier 2, every test that can reach
//! them. A mutant caught by some tests is caught by a superset of them, so
//! the result is the one a single run with the tier 2 tests gives.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The usage text of `cargo xtask mutants`.
pub const USAGE: &str = "\
usage: cargo xtask mutants [--crate client|mock|xtask]... [--in-diff BASE] [--shard K/N]
                           [--list] [-- CARGO_MUTANTS_ARGS...]

  --crate NAME     mutate this crate (repeatable; default: all three); its mutants run
                   first against its own tests, then the ones that survive against
                   every package whose tests reach it (see xtask/src/mutants.rs)
  --in-diff BASE   only the mutants on lines changed since the merge base of BASE and
                   HEAD (working tree included); when HEAD is already in BASE (a run
                   on BASE itself), the lines HEAD's own commit changed
  --shard K/N      only every N-th of each crate's mutants, from the K-th (K from 0):
                   a sample of each crate, or one of N machines' share of the sweep
  --list           list the mutants that would run, and stop
  -- ARGS          passed to every cargo-mutants run as they are

Settings are in .cargo/mutants.toml. Builds go to TARGET/mutants/build, results to
TARGET/mutants/CRATE (TARGET: $CARGO_TARGET_DIR, else ./target). Exits 1 when a
mutant was missed.";

/// A crate the sweep mutates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crate {
    /// `telnyx-accounts`, the hand-written client.
    Client,
    /// `telnyx-accounts-mock`, the fake server.
    Mock,
    /// `xtask`, this program.
    Xtask,
}

impl Crate {
    /// Every crate the sweep covers, in the order it runs them.
    pub const ALL: [Crate; 3] = [Crate::Client, Crate::Mock, Crate::Xtask];

    /// The short name `--crate` takes.
    pub fn name(self) -> &'static str {
        match self {
            Crate::Client => "client",
            Crate::Mock => "mock",
            Crate::Xtask => "xtask",
        }
    }

    /// The Cargo package.
    pub fn package(self) -> &'static str {
        match self {
            Crate::Client => "telnyx-accounts",
            Crate::Mock => "telnyx-accounts-mock",
            Crate::Xtask => "xtask",
        }
    }

    /// The packages whose tests run against this crate's mutants: first its
    /// own, then (for the survivors) every package whose tests reach it.
    pub fn tiers(self) -> &'static [&'static [&'static str]] {
        match self {
            Crate::Client => &[
                &["telnyx-accounts"],
                &["telnyx-accounts", "telnyx-accounts-tests"],
            ],
            Crate::Mock => &[
                &["telnyx-accounts-mock"],
                &[
                    "telnyx-accounts-mock",
                    "telnyx-accounts",
                    "telnyx-accounts-tests",
                ],
            ],
            Crate::Xtask => &[&["xtask"]],
        }
    }

    /// The crate `--crate` names: its short name or its package.
    pub fn parse(s: &str) -> Option<Crate> {
        Crate::ALL
            .into_iter()
            .find(|c| c.name() == s || c.package() == s)
    }
}

/// What `cargo xtask mutants` was asked to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MutantsOptions {
    /// The crates to mutate, in order, each once.
    pub crates: Vec<Crate>,
    /// Only the lines changed since this commit's merge base with HEAD.
    pub in_diff: Option<String>,
    /// `(k, n)`: the k-th of n slices, k < n.
    pub shard: Option<(u32, u32)>,
    /// List the mutants instead of testing them.
    pub list: bool,
    /// Passed to cargo-mutants as they are.
    pub extra: Vec<String>,
}

/// Parses the arguments after `mutants`.
pub fn parse_args(args: &[String]) -> Result<MutantsOptions, String> {
    let mut opts = MutantsOptions {
        crates: Vec::new(),
        in_diff: None,
        shard: None,
        list: false,
        extra: Vec::new(),
    };
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut value = |name: &str| {
            iter.next()
                .cloned()
                .ok_or_else(|| format!("`{name}` needs a value"))
        };
        match arg.as_str() {
            "--crate" => {
                let name = value("--crate")?;
                let c = Crate::parse(&name).ok_or_else(|| {
                    format!("unknown crate `{name}` (expected client, mock or xtask)")
                })?;
                if !opts.crates.contains(&c) {
                    opts.crates.push(c);
                }
            }
            "--in-diff" => opts.in_diff = Some(value("--in-diff")?),
            "--shard" => {
                let shard = value("--shard")?;
                opts.shard = Some(parse_shard(&shard).ok_or_else(|| {
                    format!("`--shard {shard}`: expected K/N with 0 <= K < N, such as 0/4")
                })?);
            }
            "--list" => opts.list = true,
            "--" => {
                opts.extra = iter.cloned().collect();
                break;
            }
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    if opts.crates.is_empty() {
        opts.crates = Crate::ALL.to_vec();
    }
    Ok(opts)
}

fn parse_shard(s: &str) -> Option<(u32, u32)> {
    let (k, n) = s.split_once('/')?;
    let (k, n) = (k.parse().ok()?, n.parse().ok()?);
    (k < n).then_some((k, n))
}

/// The test timeout of the second tier's runs.
pub const SECOND_TIER_TIMEOUT: Duration = Duration::from_secs(300);

/// The arguments after `cargo` for one cargo-mutants run over `krate`'s
/// mutants with `packages`' tests, writing to `out` (its `mutants.out`).
///
/// `diff`: only the mutants that file's changes touch. `only`: only these
/// mutants, by the names cargo-mutants gives them (the survivors of an
/// earlier tier); such a run is never sharded again.
pub fn cargo_mutants_args(
    krate: Crate,
    packages: &[&str],
    opts: &MutantsOptions,
    out: &Path,
    diff: Option<&Path>,
    only: Option<&[String]>,
) -> Vec<String> {
    let mut args = vec![
        "mutants".to_owned(),
        format!("--package={}", krate.package()),
        format!("--test-package={}", packages.join(",")),
        format!("--output={}", out.display()),
    ];
    if let Some(diff) = diff {
        args.push(format!("--in-diff={}", diff.display()));
    }
    match only {
        Some(names) => {
            // cargo-mutants times its baseline with the mutated package's
            // tests only, so its automatic timeout (4 times that, at least
            // a minute) is too short for every test that reaches the crate:
            // those take about a minute on a loaded 2-core machine.
            args.push(format!("--timeout={}", SECOND_TIER_TIMEOUT.as_secs()));
            args.extend(names.iter().map(|n| format!("--re=^{}$", escape_regex(n))));
        }
        None => {
            if let Some((k, n)) = opts.shard {
                // Every N-th mutant, not the N-th consecutive slice: a shard
                // is then a fair sample of the whole crate, and N shards on
                // N machines still cover it exactly once.
                args.push(format!("--shard={k}/{n}"));
                args.push("--sharding=round-robin".to_owned());
            }
        }
    }
    if opts.list {
        args.push("--list".to_owned());
    }
    args.extend(opts.extra.iter().cloned());
    args
}

/// `s` as a regular expression that matches exactly `s`.
pub fn escape_regex(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\.+*?()|[]{}^$#&-~".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// How one run (or a crate's runs together) came out.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Mutants a test failed on.
    pub caught: usize,
    /// Mutants every test passed with, by name.
    pub missed: Vec<String>,
    /// Mutants the tests did not finish on in time, by name.
    pub timeout: Vec<String>,
    /// Mutants that did not build.
    pub unviable: usize,
}

impl Tally {
    /// Reads `out/mutants.out`: `None` when cargo-mutants wrote nothing
    /// there (no mutant was selected, as on a diff that touches none).
    pub fn read(out: &Path) -> Result<Option<Tally>, String> {
        let dir = out.join("mutants.out");
        let outcomes = dir.join("outcomes.json");
        if !outcomes.is_file() {
            return Ok(None);
        }
        let read = |name: &str| {
            let path = dir.join(name);
            fs::read_to_string(&path).map_err(|e| format!("{}: cannot read: {e}", path.display()))
        };
        let lines = |name: &str| -> Result<Vec<String>, String> {
            Ok(read(name)?
                .lines()
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect())
        };
        let json: serde_json::Value = serde_json::from_str(&read("outcomes.json")?)
            .map_err(|e| format!("{}: not JSON: {e}", outcomes.display()))?;
        let count = |key: &str| {
            json.get(key)
                .and_then(serde_json::Value::as_u64)
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(|| format!("{}: no count `{key}`", outcomes.display()))
        };
        Ok(Some(Tally {
            caught: count("caught")?,
            missed: lines("missed.txt")?,
            timeout: lines("timeout.txt")?,
            unviable: count("unviable")?,
        }))
    }

    /// This tally with `later`'s, a rerun of this one's survivors, in
    /// their place.
    ///
    /// Only this tally's survivors are counted: cargo-mutants' `--re` can
    /// select a few mutants besides the ones named (seen: 17 for 13 names),
    /// and those belong to no sample this tally stands for.
    pub fn then(self, later: Tally) -> Tally {
        let survivors = self.survivors();
        let keep = |names: Vec<String>| -> Vec<String> {
            names
                .into_iter()
                .filter(|n| survivors.contains(n))
                .collect()
        };
        let missed = keep(later.missed);
        let timeout = keep(later.timeout);
        let rest = survivors.len().saturating_sub(missed.len() + timeout.len());
        let unviable = later.unviable.min(rest);
        Tally {
            caught: self.caught + (rest - unviable),
            missed,
            timeout,
            unviable: self.unviable + unviable,
        }
    }

    /// The survivors: missed or timed out.
    pub fn survivors(&self) -> Vec<String> {
        self.missed.iter().chain(&self.timeout).cloned().collect()
    }

    /// Every mutant counted.
    pub fn total(&self) -> usize {
        self.caught + self.missed.len() + self.timeout.len() + self.unviable
    }

    /// Mutants that built, so that tests ran against them.
    pub fn viable(&self) -> usize {
        self.caught + self.missed.len() + self.timeout.len()
    }

    /// One line: the counts, and the share of viable mutants caught.
    pub fn summary(&self) -> String {
        let share = if self.viable() == 0 {
            "no viable mutant".to_owned()
        } else {
            format!(
                "{:.1} % of the {} viable caught",
                self.caught as f64 * 100.0 / self.viable() as f64,
                self.viable()
            )
        };
        format!(
            "{} mutants: {} caught, {} missed, {} timeout, {} unviable; {share}",
            self.total(),
            self.caught,
            self.missed.len(),
            self.timeout.len(),
            self.unviable
        )
    }
}

/// A duration as `1h 02m 03s`, `2m 03s` or `3s`.
pub fn human(d: Duration) -> String {
    let s = d.as_secs();
    match (s / 3600, s / 60 % 60, s % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, s) => format!("{m}m {s:02}s"),
        (h, m, s) => format!("{h}h {m:02}m {s:02}s"),
    }
}

/// The commit `--in-diff BASE` diffs from: the merge base of `base` and
/// HEAD or, when HEAD is already in `base`, HEAD's parent. Returns it with
/// a sentence saying which it is.
pub fn diff_base(root: &Path, base: &str) -> Result<(String, String), String> {
    let commit = git(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{base}^{{commit}}"),
        ],
    )
    .map_err(|_| {
        format!(
            "--in-diff {base}: not a commit in {} (in a fresh clone, a branch is \
                 origin/NAME)",
            root.display()
        )
    })?;
    let head = git(root, &["rev-parse", "HEAD"])?;
    let merge_base = git(root, &["merge-base", &commit, &head])?;
    if merge_base != head {
        return Ok((
            merge_base.clone(),
            format!("the lines changed since {base}'s merge base with HEAD ({merge_base:.12})"),
        ));
    }
    let parent = git(root, &["rev-parse", "--verify", "--quiet", "HEAD^"])
        .map_err(|_| format!("--in-diff {base}: HEAD is in {base} and has no parent"))?;
    Ok((
        parent,
        format!("HEAD is already in {base}: the lines its own commit ({head:.12}) changed"),
    ))
}

/// The unified diff of the Rust sources from `base` to the working tree.
pub fn rust_diff(root: &Path, base: &str) -> Result<String, String> {
    git(
        root,
        &["diff", "--no-color", "--no-ext-diff", base, "--", "*.rs"],
    )
    .map(|mut d| {
        if !d.is_empty() {
            d.push('\n');
        }
        d
    })
}

/// Runs git in `root`; its standard output, trimmed.
fn git(root: &Path, args: &[&str]) -> Result<String, String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "`git {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Where the sweep's builds and results go: `TARGET/mutants`.
pub fn mutants_dir(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|t| if t.is_absolute() { t } else { root.join(t) })
        .unwrap_or_else(|| root.join("target"))
        .join("mutants")
}

/// Runs the sweep in `root`; returns the lines of its final report, and
/// whether no mutant was missed. cargo-mutants' own output goes to the
/// terminal as it runs.
pub fn run(root: &Path, opts: &MutantsOptions) -> Result<(Vec<String>, bool), String> {
    let dir = mutants_dir(root);
    fs::create_dir_all(&dir).map_err(|e| format!("{}: cannot create: {e}", dir.display()))?;
    let diff = match &opts.in_diff {
        None => None,
        Some(base) => {
            let (from, said) = diff_base(root, base)?;
            println!("mutants: {said}");
            let text = rust_diff(root, &from)?;
            if text.is_empty() {
                return Ok((
                    vec![format!(
                        "mutants: no Rust source changed since {from:.12}: nothing to test"
                    )],
                    true,
                ));
            }
            let path = dir.join("changes.diff");
            fs::write(&path, text).map_err(|e| format!("{}: cannot write: {e}", path.display()))?;
            Some(path)
        }
    };
    let mut report = Vec::new();
    let mut clean = true;
    for &krate in &opts.crates {
        let started = Instant::now();
        let mut tally: Option<Tally> = None;
        for (i, packages) in krate.tiers().iter().enumerate() {
            let only = match &tally {
                None => None,
                Some(t) if t.survivors().is_empty() => break,
                Some(t) => Some(t.survivors()),
            };
            let out = dir.join(krate.name()).join(format!("tier{}", i + 1));
            // Stale results would be read as this run's. A listing writes
            // none, and leaves alone those of a sweep running elsewhere.
            if !opts.list {
                let _ = fs::remove_dir_all(&out);
                fs::create_dir_all(&out)
                    .map_err(|e| format!("{}: cannot create: {e}", out.display()))?;
            }
            println!(
                "mutants: {} (tier {}: tests of {})",
                krate.package(),
                i + 1,
                packages.join(", ")
            );
            let args = cargo_mutants_args(
                krate,
                packages,
                opts,
                &out,
                diff.as_deref(),
                only.as_deref(),
            );
            let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
                .args(&args)
                .current_dir(root)
                .env("CARGO_TARGET_DIR", dir.join("build"))
                .status()
                .map_err(|e| format!("cannot run cargo mutants: {e}"))?;
            if opts.list {
                break;
            }
            // 0: all caught; 2: some missed; 3: some timed out.
            if !matches!(status.code(), Some(0 | 2 | 3)) {
                return Err(format!(
                    "cargo mutants for {} failed ({status}); its log is in {}",
                    krate.package(),
                    out.join("mutants.out").display()
                ));
            }
            let Some(this) = Tally::read(&out)? else {
                break;
            };
            tally = Some(match tally {
                None => this,
                Some(before) => before.then(this),
            });
        }
        if opts.list {
            continue;
        }
        let took = human(started.elapsed());
        match tally {
            None => report.push(format!("{}: no mutants to test ({took})", krate.name())),
            Some(t) => {
                let mut line = format!("{}: {} ({took})", krate.name(), t.summary());
                for m in &t.missed {
                    let _ = write!(line, "\n  missed: {m}");
                }
                for m in &t.timeout {
                    let _ = write!(line, "\n  timeout: {m}");
                }
                clean &= t.missed.is_empty();
                report.push(line);
            }
        }
    }
    Ok((report, clean))
}
