//! Helpers of the scripted conversations (`tests/api/flows.rs`, `tests/api/every_flow.rs`): an
//! RNG that plays back the vectors' random bytes, the vectors' cases, and the requests as maps.
// Each test binary uses a different part; test code may `unwrap`, index and panic, and std
// paths are the natural ones here.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::panic_in_result_fn,
    clippy::std_instead_of_core,
    clippy::std_instead_of_alloc
)]

use std::collections::BTreeMap;
use std::convert::Infallible;

use chrono::{DateTime, Utc};
use cognito_srp_auth::{
    Challenge, Password, Request, ServerAnswer, SignIn, SignedIn, Step, Timestamp, UserPoolClient,
};
use rand::{TryCryptoRng, TryRng};
use serde_json::Value;

use super::data::{load, text};

/// The app client id of the scripted conversations.
pub const CLIENT_ID: &str = "4example7clientid9abcdefgh";
/// Its secret, when it has one.
pub const CLIENT_SECRET: &str = "1s2e3c4r5e6t7o8f9t0h1e2a3p4p5c6l7i8e9n0t1x2y3z";

/// An RNG that plays back fixed bytes: the `a` values of the vectors, then device draws.
pub struct Script {
    bytes: Vec<u8>,
}

impl Script {
    pub fn new(parts: &[&[u8]]) -> Self {
        Self {
            bytes: parts.concat(),
        }
    }
}

impl TryRng for Script {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        unreachable!("the crate draws bytes")
    }
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        unreachable!("the crate draws bytes")
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        assert!(
            self.bytes.len() >= dst.len(),
            "the script ran out of random bytes"
        );
        let rest = self.bytes.split_off(dst.len());
        dst.copy_from_slice(&self.bytes);
        self.bytes = rest;
        Ok(())
    }
}

impl TryCryptoRng for Script {}

pub fn unhex(hex: &str) -> Vec<u8> {
    let padded = if hex.len() % 2 == 1 {
        format!("0{hex}")
    } else {
        hex.to_owned()
    };
    (0..padded.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&padded[i..i + 2], 16).unwrap())
        .collect()
}

/// `a` as the 128 bytes the crate draws.
pub fn a_bytes(case: &Value) -> Vec<u8> {
    let a = unhex(text(case, &["input", "a"]));
    let mut out = vec![0u8; 128 - a.len()];
    out.extend_from_slice(&a);
    out
}

/// A `password_claim` case with (or without) an alias that differs from the internal name.
pub fn user_case(alias: bool) -> Value {
    let file = load("password_claim.json");
    file["cases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            let tags = c["tags"].as_array().unwrap();
            tags.iter()
                .any(|t| t == "username:alias_differs_from_user_id_for_srp")
                == alias
        })
        .cloned()
        .unwrap()
}

pub fn first_case(file: &str) -> Value {
    load(file)["cases"][0].clone()
}

pub fn map<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> BTreeMap<String, String> {
    pairs
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

pub fn str_map(v: &Value) -> BTreeMap<String, String> {
    v.as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
        .collect()
}

pub fn now(case: &Value) -> Timestamp {
    Timestamp::from(
        text(case, &["input", "now"])
            .parse::<DateTime<Utc>>()
            .unwrap(),
    )
}

/// The request of a `Step::Send`, as (operation, flow or challenge name, map, session).
pub fn sent(step: Step) -> (Request, BTreeMap<String, String>) {
    let Step::Send(request) = step else {
        panic!("expected a request, got {step:?}")
    };
    let pairs = match &request {
        Request::InitiateAuth(r) => map(r.auth_parameters.iter()),
        Request::RespondToAuthChallenge(r) => map(r.challenge_responses.iter()),
    };
    (request, pairs)
}

pub fn name_and_session(request: &Request) -> (String, Option<String>) {
    match request {
        Request::InitiateAuth(r) => (r.auth_parameters.auth_flow().to_owned(), None),
        Request::RespondToAuthChallenge(r) => (
            r.challenge_responses.challenge_name().to_owned(),
            r.session.clone(),
        ),
    }
}

pub fn challenge(
    name: &str,
    params: BTreeMap<String, String>,
    session: Option<&str>,
) -> ServerAnswer {
    ServerAnswer::Challenge(Challenge::new(name, params, session))
}

pub fn done(step: Step) -> SignedIn {
    match step {
        Step::Done(signed_in) => signed_in,
        other => panic!("expected the end of the sign-in, got {other:?}"),
    }
}

/// The server's final answer (tokens, no new device) at the case's instant: the sign-in ends.
pub fn authenticated(sign_in: &mut SignIn<Script>, case: &Value) -> SignedIn {
    done(
        sign_in
            .handle(ServerAnswer::authenticated(None, None), &now(case))
            .unwrap(),
    )
}

/// A sign-in for a `password_claim` case's typed user name and password.
/// The script replays the vectors' 128-byte `a`s: the sign-in draws ephemerals of that size.
pub fn user_sign_in(case: &Value, client: UserPoolClient, script: Script) -> SignIn<Script> {
    let input = &case["input"];
    SignIn::with_rng(
        client,
        text(input, &["username"]),
        Password::from(text(input, &["password"])),
        script,
    )
    .with_ephemeral_bytes(128)
}

/// The `PASSWORD_VERIFIER` responses a vector expects (without `SRP_A`).
pub fn expected_claim(case: &Value) -> BTreeMap<String, String> {
    let mut want = str_map(&case["expected"]);
    want.remove("SRP_A");
    want
}
