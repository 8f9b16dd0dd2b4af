//! Property tests (proptest), one module per file of `tests/props/`:
//!
//! - `client_props`: encodings, `SRP_A` and the whole password claim against independent
//!   `num-bigint` computations, `Timestamp` against a civil-date calculation, arbitrary
//!   challenge parameter maps, and the structure of the responses;
//! - `exponentiations`: the three modular exponentiations of a sign-in against the oracle;
//! - `key_sizes`: both size classes of the private ephemerals against the oracle;
//! - `device_props`: registered devices sign in, wrong device passwords never do;
//! - `flow_props`: any sequence of answers fed to a `SignIn` gives a request, a question,
//!   success or a typed error, never a panic;
//! - `server_props`: the crate's client and its offline pool agree.
//!
//! A failing case proptest finds is saved next to its file as `<file>.proptest-regressions`
//! (e.g. `tests/props/flow_props.proptest-regressions`) and replayed first on every run.
//! Helpers shared by the test binaries are in `tests/common/`.

// Tests divide public values only (the constant-time lint is for the crate).
#![allow(clippy::integer_division_remainder_used)]

#[path = "common/oracle.rs"]
mod oracle;

#[path = "props/client_props.rs"]
mod client_props;
#[path = "props/device_props.rs"]
mod device_props;
#[path = "props/exponentiations.rs"]
mod exponentiations;
#[path = "props/flow_props.rs"]
mod flow_props;
#[path = "props/key_sizes.rs"]
mod key_sizes;
#[path = "props/server_props.rs"]
mod server_props;
