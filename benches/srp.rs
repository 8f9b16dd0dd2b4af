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

#[path = "../tests/common/oracle.rs"]
mod oracle;

use core::hint::black_box;
use core::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use cognito_srp_auth::hazmat::ephemeral_key_from_be_bytes;
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

fn load(name: &str) -> Value {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn text<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    path.iter()
        .fold(v, |v, key| &v[*key])
        .as_str()
        .unwrap_or_else(|| panic!("{path:?} is not a string"))
}

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

    let mut group = c.benchmark_group("signin");
    group
        .sample_size(MODEXP_SAMPLES)
        .measurement_time(Duration::from_secs(5));
    group.bench_function("srp_a", |bench| {
        bench.iter(|| ephemeral_key_from_be_bytes(black_box(&fx.a_bytes)).unwrap());
    });
    group.bench_function("password_verifier", |bench| {
        bench.iter_batched(
            || ephemeral_key_from_be_bytes(&fx.a_bytes).unwrap(),
            |key| {
                key.password_verifier(
                    black_box(&client),
                    black_box(&challenge),
                    black_box(&password),
                    black_box(&timestamp),
                )
                .unwrap()
            },
            BatchSize::SmallInput,
        );
    });
    group.bench_function("srp_a+password_verifier", |bench| {
        bench.iter(|| {
            let key = ephemeral_key_from_be_bytes(black_box(&fx.a_bytes)).unwrap();
            key.password_verifier(
                black_box(&client),
                black_box(&challenge),
                black_box(&password),
                black_box(&timestamp),
            )
            .unwrap()
        });
    });

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

fn baseline_num_bigint(c: &mut Criterion) {
    let fx = Fixture::load();

    let claim = fx
        .oracle_claim(&fx.a)
        .expect("the oracle accepts the vector");
    assert_eq!(claim.a_pub.to_str_radix(16), fx.srp_a, "oracle SRP_A");
    assert_eq!(
        claim.signature, fx.signature,
        "oracle PASSWORD_CLAIM_SIGNATURE"
    );

    let mut group = c.benchmark_group("baseline_num_bigint");
    group
        .sample_size(MODEXP_SAMPLES)
        .measurement_time(Duration::from_secs(5));
    group.bench_function("srp_a", |bench| {
        bench.iter(|| oracle::srp_a(black_box(&fx.a)));
    });
    group.bench_function("srp_a+password_verifier", |bench| {
        bench.iter(|| fx.oracle_claim(black_box(&fx.a)).unwrap());
    });
    group.finish();
}

/// Device registration (`ConfirmDevice` verifier, with its self-check) and the
/// `DEVICE_PASSWORD_VERIFIER` answer, on the first cases of the device vector files.
fn device(c: &mut Criterion) {
    let reg_file = load("device_verifier.json");
    let reg = &reg_file["cases"][0];
    let reg_key = text(reg, &["input", "device_key"]).to_owned();
    let reg_group = text(reg, &["input", "device_group_key"]).to_owned();
    let password_random: [u8; 40] = hex_array(text(reg, &["input", "password_random_hex"]));
    let salt_random: [u8; 16] = hex_array(text(reg, &["input", "salt_random_hex"]));
    let (_, config) = cognito_srp_auth::hazmat::register_device_from_bytes(
        &reg_key,
        &reg_group,
        &password_random,
        &salt_random,
        &mut cognito_srp_auth::hazmat::Trace::default(),
    )
    .unwrap();
    assert_eq!(
        config.password_verifier(),
        text(
            reg,
            &["expected", "DeviceSecretVerifierConfig", "PasswordVerifier"]
        ),
        "PasswordVerifier"
    );

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
    group.bench_function("register", |bench| {
        bench.iter(|| {
            cognito_srp_auth::hazmat::register_device_from_bytes(
                black_box(&reg_key),
                black_box(&reg_group),
                black_box(&password_random),
                black_box(&salt_random),
                &mut cognito_srp_auth::hazmat::Trace::default(),
            )
            .unwrap()
        });
    });
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

criterion_group!(benches, signin, baseline_num_bigint, device);
criterion_main!(benches);
