//! Feature `server`: the Cognito side of SRP, so that whole sign-ins run offline and every
//! value a client sends is checked by a real verifier.
//!
//! - [`UserVerifier`]: a user's salt and verifier `v = g^x`, as Cognito stores them.
//! - [`DeviceVerifier`]: a device's, from the `DeviceSecretVerifierConfig` of `ConfirmDevice`.
//! - [`ServerSrp`]: one exchange: `B = k·v + g^b` for the client's `A`, the challenge
//!   parameters, and the verification of the claim (`TIMESTAMP` as Cognito reads it, the
//!   signature compared in constant time).
//! - [`verify_secret_hash`]: Cognito's `SECRET_HASH` check.
//! - [`UserPool`]: a small offline user pool that answers the requests of a
//!   [`SignIn`](crate::SignIn) ([`UserPool::handle`]), and Cognito's JSON API
//!   ([`UserPool::handle_json`]: operation name and body in, [`JsonAnswer`] out).
//!
//! `b`, `v`, `v^u`, `S` and the session key get the same constant-time arithmetic and wiping
//! as the client's secrets.

pub(crate) mod exchange;
mod pool;

pub use exchange::{
    DeviceVerifier, ServerSrp, TIMESTAMP_WINDOW_SECONDS, UserVerifier, verify_secret_hash,
};
pub use pool::{
    CustomAuth, CustomStep, JsonAnswer, MAX_JSON_BODY, TokenSigner, UserPool, UserPoolConfig,
};
