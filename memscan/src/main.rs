//! Freed-memory check of `cognito-srp-auth`: does the library leave any secret in heap memory
//! it frees?
//!
//! A scanning global allocator ([`scanner`]) searches every block freed while it is *armed*
//! for pieces of every secret of the scenario, in every in-memory form the library may hold it
//! in (UTF-8 text, big-endian bytes, crypto-bigint little-endian limbs, Montgomery limbs,
//! Java `BigInteger` bytes, base64 text). The secrets come from a recording RNG (`a`, `b`,
//! device passwords), from the harness (passwords, client secret), and from the independent
//! num-bigint oracle of the tests, fed with the public values as they pass (`x`, `v`, `S`,
//! the session key, …); each derived value is checked against the library's public outputs.
//!
//! ```text
//! memscan check     # the library's sign-in scenarios: must report no hit
//! memscan control   # deliberate leaks: each must be reported (and a wiped copy must not)
//! ```
//!
//! Run in release from the repository root: `bash memscan/run.sh`.

use std::process::ExitCode;

#[path = "../../tests/common/oracle.rs"]
#[allow(clippy::format_collect)] // Shared test code, linted with the main crate's settings.
mod oracle;

mod control;
mod json;
mod rng;
mod scanner;
mod scenarios;
mod secrets;

#[global_allocator]
static ALLOCATOR: scanner::ScanningAllocator = scanner::ScanningAllocator;

/// Print the hits recorded since the last reset.
fn print_hits() {
    for (label, size) in scanner::hits() {
        println!("  hit: {label} in a freed block of {size} bytes");
    }
    let unrecorded = scanner::hit_count().saturating_sub(scanner::MAX_HITS);
    if unrecorded > 0 {
        println!("  ({unrecorded} more hits not recorded)");
    }
}

fn run_check() -> ExitCode {
    let mut failed = false;
    for (name, scenario) in scenarios::SCENARIOS {
        scanner::reset();
        let result = scenario();
        scanner::disarm();
        let hits = scanner::hit_count();
        println!(
            "memscan {name}: {} freed blocks scanned, {hits} hits",
            scanner::scanned()
        );
        print_hits();
        println!(
            "  ({} patterns of {} secret forms)",
            scanner::pattern_count(),
            scanner::label_count()
        );
        if let Err(message) = result {
            println!("  FAILED: {message}");
            failed = true;
        }
        failed |= hits > 0;
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn run_control() -> ExitCode {
    let mut leaks = 0;
    let mut caught = 0;
    let mut failed = false;
    for control in control::CONTROLS {
        scanner::reset();
        let result = (control.run)();
        scanner::disarm();
        let hits = scanner::hits();
        let found = |secret: &str, form: &str| {
            hits.iter()
                .find(|(l, _)| l.secret == secret && l.form == form)
                .map(|(l, size)| format!("{l} in a freed block of {size} bytes"))
        };
        let verdict = match (&result, control.expect) {
            (Err(message), _) => {
                failed = true;
                format!("FAILED: {message}")
            }
            (Ok(()), Some((secret, form))) => {
                leaks += 1;
                if let Some(hit) = found(secret, form) {
                    caught += 1;
                    format!("caught: {hit}")
                } else {
                    format!("MISSED ({} hits)", scanner::hit_count())
                }
            }
            (Ok(()), None) if hits.is_empty() => "not reported, as it must be".to_owned(),
            (Ok(()), None) => {
                failed = true;
                format!("REPORTED although wiped ({} hits)", hits.len())
            }
        };
        println!("control {}: {verdict}", control.name);
        print_hits();
    }
    println!("memscan control: {caught} of {leaks} deliberate leaks caught");
    if failed || caught != leaks {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn main() -> ExitCode {
    match std::env::args().nth(1).as_deref() {
        Some("check") => run_check(),
        Some("control") => run_control(),
        _ => {
            eprintln!("usage: memscan check|control");
            ExitCode::from(2)
        }
    }
}
