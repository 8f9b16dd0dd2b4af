//! Criterion benchmarks of the hardening bounds: the offline pool's `InitiateAuth` for a user
//! it has and for a name it does not have (the two must cost the same: the pool must not tell
//! whether a user exists by its timing), and a response map built from many caller pairs
//! (linear, not quadratic).
#![allow(clippy::unwrap_used, clippy::panic, missing_docs)]

use core::hint::black_box;
use core::time::Duration;

use chrono::{TimeZone, Utc};
use cognito_srp_auth::server::{UserPool, UserPoolConfig};
use cognito_srp_auth::{Password, Responder, ServerAnswer, SignIn, Step, UserPoolClient};
use criterion::{Criterion, criterion_group, criterion_main};
use rand::SeedableRng;
use rand::rngs::StdRng;

const POOL: &str = "eu-west-1_Bench1";
const CLIENT_ID: &str = "bench-client";
const USER: &str = "7d2f1c3b-0000-4a5b-8c6d-7e8f90a1b2c3";

fn pool(c: &mut Criterion) {
    let mut pool = UserPool::new(
        UserPoolConfig::new(POOL, CLIENT_ID, None),
        StdRng::seed_from_u64(1),
    )
    .unwrap();
    pool.add_user(
        USER,
        &Password::from("bench-password"),
        &["bench@example.com"],
    )
    .unwrap();
    let request = |name: &str| {
        let client = UserPoolClient::new(POOL, CLIENT_ID).unwrap();
        let mut sign_in =
            SignIn::with_rng(client, name, Password::from("x"), StdRng::seed_from_u64(2));
        match sign_in.start().unwrap() {
            Step::Send(request) => request,
            other => panic!("expected InitiateAuth, got {other:?}"),
        }
    };
    let now = Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap();
    let known = request(USER);
    let unknown = request("nobody@example.com");
    let answers = [pool.handle(&known, now), pool.handle(&unknown, now)];
    for answer in &answers {
        assert!(
            matches!(answer, ServerAnswer::Challenge(c) if c.name == "PASSWORD_VERIFIER"),
            "{answer:?}"
        );
    }

    let mut group = c.benchmark_group("pool");
    group
        .sample_size(30)
        .measurement_time(Duration::from_secs(4));
    group.bench_function("initiate_auth/known_user", |b| {
        b.iter(|| pool.handle(black_box(&known), now));
    });
    group.bench_function("initiate_auth/unknown_user", |b| {
        b.iter(|| pool.handle(black_box(&unknown), now));
    });
    group.finish();
}

fn responses(c: &mut Criterion) {
    let client = UserPoolClient::new(POOL, CLIENT_ID).unwrap();
    let owned: Vec<(String, String)> = (0..40_000)
        .map(|i| (format!("KEY_{i}"), format!("value-{i}")))
        .collect();
    let pairs: Vec<(&str, &str)> = owned
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        Responder::new(&client, USER).other("FUTURE", &pairs).len(),
        40_001
    );
    let mut group = c.benchmark_group("responses");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(4));
    group.bench_function("other/40000_pairs", |b| {
        b.iter(|| Responder::new(&client, USER).other("FUTURE", black_box(&pairs)));
    });
    group.finish();
}

criterion_group!(benches, pool, responses);
criterion_main!(benches);
