//! A small offline user pool: it answers the requests a [`SignIn`](crate::SignIn) yields as
//! Cognito does, checking every `SECRET_HASH`, every claim, password and code, and every
//! device: `USER_SRP_AUTH`, `USER_PASSWORD_AUTH` / `ADMIN_USER_PASSWORD_AUTH`, `CUSTOM_AUTH`
//! (with or without SRP, driven by a test-supplied challenge function), `USER_AUTH`
//! (`PASSWORD`, `PASSWORD_SRP`, `EMAIL_OTP`, `SELECT_CHALLENGE`), device SRP, and
//! `REFRESH_TOKEN_AUTH`.
//!
//! This file only declares the modules and re-exports; each module imports only those
//! listed before it:
//! - [`refusals`]: Cognito's exception names and messages;
//! - [`hex`]: hex text for random ids and JSON escapes;
//! - [`pending`]: what the pool keeps of an unanswered challenge;
//! - [`state`]: the pool, its settings, app clients, users, devices, refresh tokens and
//!   unanswered challenges, and the lookups and bookkeeping every handler shares;
//! - [`setup`]: app clients, users and devices added, and what the pool "sent" read back;
//! - [`fake`]: the verifier of a name no user has;
//! - [`tokens`]: access, id and refresh tokens, and new devices;
//! - [`answers`]: [`UserPool::handle`] and one handler per request kind;
//! - [`json`]: the pool on the wire ([`UserPool::handle_json`]).

mod answers;
mod fake;
mod hex;
mod json;
mod pending;
mod refusals;
mod setup;
mod state;
mod tokens;

pub use json::{JsonAnswer, MAX_JSON_BODY};
pub use state::{CustomAuth, CustomStep, TokenSigner, UserPool, UserPoolConfig};
