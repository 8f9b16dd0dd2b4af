//! The shared test vectors of `tests/data/` (provenance in `tests/data/README.md`), for the
//! test files and the benchmarks that include this file with `#[path]`.
#![allow(dead_code, unreachable_pub, clippy::panic)]

use serde_json::Value;

/// The JSON document `tests/data/{name}`.
pub fn load(name: &str) -> Value {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The string at `path` (object keys) inside `v`.
pub fn text<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    path.iter()
        .fold(v, |v, key| &v[*key])
        .as_str()
        .unwrap_or_else(|| panic!("{path:?} is not a string"))
}
