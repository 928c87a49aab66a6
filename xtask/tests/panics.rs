//! `generate` turns a progenitor panic into an error naming it, on any
//! number of threads at once, and leaves the process's panic hook as it was.
//!
//! This binary holds one test because it installs a panic hook of its own:
//! other tests in the same process would see it.

use std::panic;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Barrier};

/// A fragment progenitor panics on: a path parameter that is not required
/// (`assert!(parameter_data.required)` in progenitor-impl's method.rs).
const PANICKING: &str = "\
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /things/{id}:
    get:
      operationId: GetThing
      parameters:
      - {name: id, in: path, required: false, schema: {type: string}}
      responses:
        '200': {description: ok}
";

static OUTSIDE_PANICS: AtomicUsize = AtomicUsize::new(0);

#[test]
fn concurrent_generations_each_report_their_own_panic_and_keep_the_hook() {
    // The hook a test harness (or the xtask binary) had before.
    panic::set_hook(Box::new(|_| {
        OUTSIDE_PANICS.fetch_add(1, Ordering::SeqCst);
    }));

    const THREADS: usize = 8;
    const ROUNDS: usize = 50;
    let start = Arc::new(Barrier::new(THREADS));
    let workers: Vec<_> = (0..THREADS)
        .map(|_| {
            let start = Arc::clone(&start);
            std::thread::spawn(move || {
                start.wait();
                (0..ROUNDS)
                    .map(
                        |_| match xtask::generate::generate(PANICKING, "fragment.yaml") {
                            Ok(_) => "generated".to_owned(),
                            Err(e) => e,
                        },
                    )
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let errors: Vec<String> = workers
        .into_iter()
        .flat_map(|w| w.join().expect("worker"))
        .collect();

    // Every run names progenitor's own message and the operation.
    let vague: Vec<_> = errors
        .iter()
        .filter(|e| {
            !(e.contains("assertion failed: parameter_data.required") && e.contains("GetThing"))
        })
        .collect();
    assert!(
        vague.is_empty(),
        "{} of {} runs lost the panic: {:?}",
        vague.len(),
        errors.len(),
        vague.first()
    );
    assert_eq!(
        OUTSIDE_PANICS.load(Ordering::SeqCst),
        0,
        "progenitor's panics reached the process's hook"
    );

    // The process's hook is the one set above, not a stale capture.
    let caught = panic::catch_unwind(|| panic!("outside"));
    assert!(caught.is_err());
    let outside = OUTSIDE_PANICS.load(Ordering::SeqCst);
    let _ = panic::take_hook();
    assert_eq!(
        outside, 1,
        "a panic outside generate no longer reaches the hook"
    );
}
