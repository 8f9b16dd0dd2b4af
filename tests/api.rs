//! The public API, one module per file of `tests/api/`, each asserting exact values:
//!
//! - `errors`, `device_errors`: every `Error` variant with its exact value, and what errors and
//!   secret-bearing types print;
//! - `responses`: every challenge's `ChallengeResponses` and every flow's `AuthParameters`;
//! - `flows`, `every_flow`: scripted conversations through the `SignIn` state machine;
//! - `server`, `server_flows`, `server_json`: the server side and the offline pool (feature
//!   `server`), directly and on the wire;
//! - `hardening`: replayed attacks on the public API;
//! - `secrets`: no secret in `Debug`, and the wiping contract;
//! - `hazmat_pow`: the raw `g^a`, against the shared vectors and the oracle;
//! - `oracle_selftest`: the test oracle of `tests/common/oracle.rs` against the shared vectors.
//!
//! The other test binaries: `tests/vectors.rs` (every shared vector of `tests/data/`, one test
//! per kind) and `tests/props.rs` (property tests). Helpers shared by the binaries are in
//! `tests/common/`.

// Tests divide public values only (the constant-time lint is for the crate).
#![allow(clippy::integer_division_remainder_used)]

#[path = "common/data.rs"]
mod data;
#[path = "common/oracle.rs"]
mod oracle;
#[path = "common/rng.rs"]
mod rng;
#[path = "common/script.rs"]
mod script;

#[path = "api/device_errors.rs"]
mod device_errors;
#[path = "api/errors.rs"]
mod errors;
#[path = "api/every_flow.rs"]
mod every_flow;
#[path = "api/flows.rs"]
mod flows;
#[path = "api/hardening.rs"]
mod hardening;
#[path = "api/hazmat_pow.rs"]
mod hazmat_pow;
#[path = "api/oracle_selftest.rs"]
mod oracle_selftest;
#[path = "api/responses.rs"]
mod responses;
#[path = "api/secrets.rs"]
mod secrets;
#[path = "api/server.rs"]
mod server;
#[path = "api/server_flows.rs"]
mod server_flows;
#[path = "api/server_json.rs"]
mod server_json;
