//! Criterion benchmarks of the sign-in math, and of the `num-bigint` baseline (the engine of
//! the existing Rust Cognito crates) on the same inputs.
//!
//! Inputs are the first case of `tests/data/password_claim.json` (and of `secret_hash.json`,
//! `device_verifier.json`, `device_claim.json`);
//! every setup checks once, outside the timed loop, that the benchmarked code reproduces the
//! vector's expected output.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

#[path = "../tests/common/data.rs"]
mod data;
#[path = "../tests/common/oracle.rs"]
mod oracle;

use data::{load, text};

use core::hint::black_box;
use core::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use cognito_srp_auth::hazmat::{self, ephemeral_key_from_be_bytes};
use cognito_srp_auth::{
    ClientSecret, Password, PasswordVerifierChallenge, Timestamp, UserPoolClient, param,
    secret_hash,
};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use num_bigint::BigUint;
use serde_json::Value;

/// A client id for the benchmark's app client (the vectors have none: no `SECRET_HASH`).
const CLIENT_ID: &str = "1example23456789abcdefghij";

/// Samples for the functions that do 3072-bit modular exponentiations.
const MODEXP_SAMPLES: usize = 20;

/// The first `password_claim` case, in the forms both implementations take.
struct Fixture {
    pool_id: String,
    pool_name: String,
    user_id: String,
    password: String,
    a: BigUint,
    a_bytes: Vec<u8>,
    params: serde_json::Map<String, Value>,
    salt_enc: Vec<u8>,
    b: BigUint,
    secret_block: Vec<u8>,
    now: DateTime<Utc>,
    timestamp: String,
    srp_a: String,
    signature: String,
}

impl Fixture {
    fn load() -> Self {
        let file = load("password_claim.json");
        let case = file["cases"]
            .as_array()
            .and_then(|c| c.first())
            .expect("a password_claim");
        let input = &case["input"];
        let params = input["challenge_parameters"]
            .as_object()
            .expect("challenge_parameters");
        let pool_id = text(input, &["user_pool_id"]);
        let a = oracle::from_hex(text(input, &["a"])).expect("a is hex");
        Self {
            pool_id: pool_id.to_owned(),
            pool_name: pool_id.split_once('_').expect("pool id").1.to_owned(),
            user_id: text(input, &["challenge_parameters", "USER_ID_FOR_SRP"]).to_owned(),
            password: text(input, &["password"]).to_owned(),
            a_bytes: a.to_bytes_be(),
            a,
            params: params.clone(),
            salt_enc: oracle::enc(
                &oracle::from_hex(text(input, &["challenge_parameters", "SALT"])).unwrap(),
            ),
            b: oracle::from_hex(text(input, &["challenge_parameters", "SRP_B"])).unwrap(),
            secret_block: STANDARD
                .decode(text(input, &["challenge_parameters", "SECRET_BLOCK"]))
                .unwrap(),
            now: DateTime::parse_from_rfc3339(text(input, &["now"]))
                .unwrap()
                .to_utc(),
            timestamp: text(input, &["timestamp"]).to_owned(),
            srp_a: text(case, &["expected", "SRP_A"]).to_owned(),
            signature: text(case, &["expected", "PASSWORD_CLAIM_SIGNATURE"]).to_owned(),
        }
    }

    fn challenge(&self) -> PasswordVerifierChallenge {
        PasswordVerifierChallenge::from_params(|k| self.params.get(k).and_then(Value::as_str))
            .expect("the vector's challenge parses")
    }

    fn oracle_claim(&self, a: &BigUint) -> Option<oracle::OracleClaim> {
        oracle::claim(
            a,
            &self.pool_name,
            &self.user_id,
            &self.password,
            &self.salt_enc,
            &self.b,
            &self.secret_block,
            &self.timestamp,
        )
    }
}

fn signin(c: &mut Criterion) {
    let fx = Fixture::load();
    let client = UserPoolClient::new(&fx.pool_id, CLIENT_ID).unwrap();
    let challenge = fx.challenge();
    let password = Password::from(fx.password.as_str());
    let timestamp = Timestamp::from(fx.now);

    // Check once, outside the timed loops, that the timed work is the right work.
    assert_eq!(timestamp.as_str(), fx.timestamp, "Timestamp::from");
    let key = ephemeral_key_from_be_bytes(&fx.a_bytes).unwrap();
    assert_eq!(key.srp_a(), fx.srp_a, "SRP_A");
    let responses = key
        .password_verifier(&client, &challenge, &password, &timestamp)
        .unwrap();
    assert_eq!(
        responses.get(param::PASSWORD_CLAIM_SIGNATURE),
        Some(fx.signature.as_str()),
        "PASSWORD_CLAIM_SIGNATURE"
    );
    let sh_file = load("secret_hash.json");
    let sh = &sh_file["cases"][0];
    let (sh_user, sh_client) = (
        text(sh, &["input", "username"]),
        text(sh, &["input", "client_id"]),
    );
    let sh_secret = ClientSecret::from(text(sh, &["input", "client_secret"]));
    assert_eq!(
        secret_hash(sh_user, sh_client, &sh_secret),
        text(sh, &["expected", "SECRET_HASH"]),
        "SECRET_HASH"
    );

    // The three exponentiations alone, on the vector's own a, x, u and B.
    let oracle_claim = fx
        .oracle_claim(&fx.a)
        .expect("the oracle accepts the vector");
    let a_fixed: [u8; 128] = padded(&fx.a_bytes);
    let x_fixed: [u8; 32] = padded(&oracle_claim.x.to_bytes_be());
    let u_fixed: [u8; 32] = padded(&oracle_claim.u.to_bytes_be());
    let b_fixed: [u8; 384] = padded(&fx.b.to_bytes_be());
    assert_eq!(
        hazmat::pow_g_256(&x_fixed).as_slice(),
        padded::<384>(&oracle::verifier(&oracle_claim.x).to_bytes_be()),
        "g^x"
    );
    assert_eq!(
        hazmat::premaster_secret(&a_fixed, &b_fixed, &u_fixed, &x_fixed).as_slice(),
        padded::<384>(&oracle_claim.s.to_bytes_be()),
        "S"
    );
    // The 512-bit class (what the crate draws): the low 64 bytes of the vector's `a`, checked
    // against the oracle's claim for that `a`.
    let a512_bytes: [u8; 64] = padded(&fx.a_bytes[fx.a_bytes.len() - 64..]);
    let a512 = BigUint::from_bytes_be(&a512_bytes);
    let oracle_512 = fx
        .oracle_claim(&a512)
        .expect("the oracle accepts a 512-bit a");
    let key = ephemeral_key_from_be_bytes(&a512_bytes).unwrap();
    assert_eq!(
        key.srp_a(),
        oracle_512.a_pub.to_str_radix(16),
        "SRP_A (512)"
    );
    let responses = key
        .password_verifier(&client, &challenge, &password, &timestamp)
        .unwrap();
    assert_eq!(
        responses.get(param::PASSWORD_CLAIM_SIGNATURE),
        Some(oracle_512.signature.as_str()),
        "PASSWORD_CLAIM_SIGNATURE (512)"
    );
    let u512: [u8; 32] = padded(&oracle_512.u.to_bytes_be());
    assert_eq!(
        hazmat::premaster_secret_512(&a512_bytes, &b_fixed, &u512, &x_fixed).as_slice(),
        padded::<384>(&oracle_512.s.to_bytes_be()),
        "S (512)"
    );
    let registration = Registration::load();

    let mut group = c.benchmark_group("signin");
    group
        .sample_size(MODEXP_SAMPLES)
        .measurement_time(Duration::from_secs(5));
    // The whole `PASSWORD_VERIFIER` answer of one ephemeral key.
    let answer = |key: cognito_srp_auth::EphemeralKey| {
        key.password_verifier(
            black_box(&client),
            black_box(&challenge),
            black_box(&password),
            black_box(&timestamp),
        )
        .unwrap()
    };
    // This crate, with the 512-bit `a` it draws and with the official clients' 1024-bit `a`.
    for (class, a_bytes) in [("a512", &a512_bytes[..]), ("a1024", &fx.a_bytes[..])] {
        group.bench_function(format!("{class}/srp_a"), |bench| {
            bench.iter(|| ephemeral_key_from_be_bytes(black_box(a_bytes)).unwrap());
        });
        group.bench_function(format!("{class}/password_verifier"), |bench| {
            bench.iter_batched(
                || ephemeral_key_from_be_bytes(a_bytes).unwrap(),
                answer,
                BatchSize::SmallInput,
            );
        });
        group.bench_function(format!("{class}/srp_a+password_verifier"), |bench| {
            bench.iter(|| answer(ephemeral_key_from_be_bytes(black_box(a_bytes)).unwrap()));
        });
    }
    group.bench_function("a512/premaster_s", |bench| {
        bench.iter(|| {
            hazmat::premaster_secret_512(
                black_box(&a512_bytes),
                black_box(&b_fixed),
                black_box(&u512),
                black_box(&x_fixed),
            )
        });
    });
    group.bench_function("a1024/premaster_s", |bench| {
        bench.iter(|| {
            hazmat::premaster_secret(
                black_box(&a_fixed),
                black_box(&b_fixed),
                black_box(&u_fixed),
                black_box(&x_fixed),
            )
        });
    });
    group.bench_function("g_pow_x", |bench| {
        bench.iter(|| hazmat::pow_g_256(black_box(&x_fixed)));
    });
    group.bench_function("device_register", |bench| {
        bench.iter(|| registration.register());
    });
    // The baseline: num-bigint's `modpow`, the modular exponentiations of the peers (A, g^x,
    // S), then the whole claim computing A as they do; for both sizes of `a`.
    group.bench_function("num_bigint/g_pow_x", |bench| {
        bench.iter(|| oracle::verifier(black_box(&oracle_claim.x)));
    });
    for (class, a, claim) in [
        ("a512", &a512, &oracle_512),
        ("a1024", &fx.a, &oracle_claim),
    ] {
        group.bench_function(format!("num_bigint/{class}/srp_a"), |bench| {
            bench.iter(|| oracle::srp_a(black_box(a)));
        });
        group.bench_function(format!("num_bigint/{class}/premaster_s"), |bench| {
            bench.iter(|| {
                oracle::premaster(
                    black_box(a),
                    black_box(&fx.b),
                    black_box(&claim.u),
                    black_box(&claim.x),
                )
            });
        });
        group.bench_function(
            format!("num_bigint/{class}/srp_a+password_verifier"),
            |bench| {
                bench.iter(|| fx.oracle_claim(black_box(a)).unwrap());
            },
        );
    }
    group.finish();

    let mut group = c.benchmark_group("helpers");
    group
        .sample_size(100)
        .measurement_time(Duration::from_secs(3));
    group.bench_function("secret_hash", |bench| {
        bench.iter(|| {
            secret_hash(
                black_box(sh_user),
                black_box(sh_client),
                black_box(&sh_secret),
            )
        });
    });
    group.bench_function("timestamp", |bench| {
        bench.iter(|| Timestamp::from(black_box(fx.now)));
    });
    group.bench_function("challenge_parse", |bench| {
        let params = &fx.params;
        bench.iter(|| {
            PasswordVerifierChallenge::from_params(|k| {
                black_box(params).get(k).and_then(Value::as_str)
            })
            .unwrap()
        });
    });
    group.finish();
}

/// The first case of `device_verifier.json`: a `ConfirmDevice` registration from fixed
/// random bytes, checked against the vector once.
struct Registration {
    key: String,
    group: String,
    password_random: [u8; 40],
    salt_random: [u8; 16],
}

impl Registration {
    fn load() -> Self {
        let file = load("device_verifier.json");
        let case = &file["cases"][0];
        let registration = Self {
            key: text(case, &["input", "device_key"]).to_owned(),
            group: text(case, &["input", "device_group_key"]).to_owned(),
            password_random: hex_array(text(case, &["input", "password_random_hex"])),
            salt_random: hex_array(text(case, &["input", "salt_random_hex"])),
        };
        let (_, config) = registration.register();
        assert_eq!(
            config.password_verifier(),
            text(
                case,
                &["expected", "DeviceSecretVerifierConfig", "PasswordVerifier"]
            ),
            "PasswordVerifier"
        );
        registration
    }

    fn register(
        &self,
    ) -> (
        cognito_srp_auth::RememberedDevice,
        cognito_srp_auth::DeviceSecretVerifierConfig,
    ) {
        hazmat::register_device_from_bytes(
            black_box(&self.key),
            black_box(&self.group),
            black_box(&self.password_random),
            black_box(&self.salt_random),
            &mut hazmat::Trace::default(),
        )
        .unwrap()
    }
}

/// `bytes` (big-endian) left-padded with zeros to `L` bytes.
fn padded<const L: usize>(bytes: &[u8]) -> [u8; L] {
    let mut out = [0u8; L];
    out[L - bytes.len()..].copy_from_slice(bytes);
    out
}

/// The `DEVICE_PASSWORD_VERIFIER` answer, on the first case of `device_claim.json` (device
/// registration is in the `signin` group).
fn device(c: &mut Criterion) {
    let claim_file = load("device_claim.json");
    let case = &claim_file["cases"][0];
    let input = &case["input"];
    let device = cognito_srp_auth::RememberedDevice::new(
        text(input, &["device_key"]),
        text(input, &["device_group_key"]),
        Password::from(text(input, &["device_password"])),
    )
    .unwrap();
    let params = input["challenge_parameters"].clone();
    let challenge = cognito_srp_auth::DevicePasswordVerifierChallenge::from_params(|k| {
        params.get(k).and_then(Value::as_str)
    })
    .unwrap();
    let a_bytes = oracle::from_hex(text(input, &["a"])).unwrap().to_bytes_be();
    let now: DateTime<Utc> = text(input, &["now"]).parse().unwrap();
    let timestamp = Timestamp::from(now);
    let client = UserPoolClient::new("us-east-1_Bench", CLIENT_ID).unwrap();
    let responses = ephemeral_key_from_be_bytes(&a_bytes)
        .unwrap()
        .device_password_verifier(&client, &device, &challenge, &timestamp)
        .unwrap();
    assert_eq!(
        responses.get(param::PASSWORD_CLAIM_SIGNATURE),
        Some(text(case, &["expected", "PASSWORD_CLAIM_SIGNATURE"])),
        "device PASSWORD_CLAIM_SIGNATURE"
    );

    let mut group = c.benchmark_group("device");
    group
        .sample_size(MODEXP_SAMPLES)
        .measurement_time(Duration::from_secs(5));
    group.bench_function("device_password_verifier", |bench| {
        bench.iter_batched(
            || ephemeral_key_from_be_bytes(&a_bytes).unwrap(),
            |key| {
                key.device_password_verifier(
                    black_box(&client),
                    black_box(&device),
                    black_box(&challenge),
                    black_box(&timestamp),
                )
                .unwrap()
            },
            BatchSize::SmallInput,
        );
    });
    group.finish();
}

fn hex_array<const L: usize>(hex: &str) -> [u8; L] {
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect();
    bytes.try_into().unwrap()
}

criterion_group!(benches, signin, device);
criterion_main!(benches);
