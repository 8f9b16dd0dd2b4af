//! dudect (Reparaz, Balasch, Verbauwhede, 2017) timing tests of the secret exponentiations of
//! cognito-srp-auth: each test times one operation on inputs of two classes, a *fixed* secret
//! (Left) and a *random* secret (Right), interleaved at random, and reports Welch's t over
//! cropped runtime distributions. |t| > 5 is the usual threshold for "timing depends on the
//! class"; smaller values are no proof, only an absence of evidence at that sample size.
//!
//! Run by hand (not in CI), each test continuously until interrupted:
//!
//! ```text
//! cd ct
//! cargo run --release --example dudect -- --continuous raw_g_pow_a     # raw g^a: fixed vs random a
//! cargo run --release --example dudect -- --continuous raw_g_pow_a_dense # same, a dense fixed a
//! cargo run --release --example dudect -- --continuous g_pow_a         # fixed a vs random a
//! cargo run --release --example dudect -- --continuous g_pow_a_dense   # same, a dense fixed a
//! cargo run --release --example dudect -- --continuous encode_public_a # attribution: A's encoding
//! cargo run --release --example dudect -- --continuous password_claim  # fixed vs random password
//! cargo run --release --example dudect -- --continuous server_b        # fixed b vs random b
//! cargo run --release --example dudect -- --continuous verifier_x      # fixed vs random password
//! cargo run --release --example dudect                                 # each once, one batch
//! ```

use std::cell::Cell;
use std::convert::Infallible;

use chrono::{DateTime, TimeZone as _, Utc};
use cognito_srp_auth::rand_core::{TryCryptoRng, TryRng};
use cognito_srp_auth::server::{ServerSrp, UserVerifier};
use cognito_srp_auth::{
    EphemeralKey, Password, PasswordVerifierChallenge, Timestamp, UserPoolClient, hazmat,
};
use dudect_bencher::rand::{Rng as _, RngExt as _};
use dudect_bencher::{BenchRng, Class, CtRunner, ctbench_main};

const POOL_ID: &str = "us-east-1_dudect";
const CLIENT_ID: &str = "dudectclient";
const USER_ID: &str = "5a0c-dudect-user";
/// Samples per call of a test (one call per line of output in `--continuous` mode).
const BATCH: usize = 2_000;

fn random_bytes<const N: usize>(rng: &mut BenchRng) -> [u8; N] {
    let mut out = [0u8; N];
    rng.fill_bytes(&mut out);
    out
}

fn class(rng: &mut BenchRng) -> Class {
    if rng.random::<bool>() {
        Class::Left
    } else {
        Class::Right
    }
}

/// A password of 24 printable characters.
fn password_text(rng: &mut BenchRng) -> String {
    (0..24)
        .map(|_| char::from(b'!' + rng.random_range(0..94u8)))
        .collect()
}

fn instant() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 11, 5, 9, 1, 2)
        .single()
        .unwrap_or_default()
}

/// A low-weight fixed exponent: only bit 1023 set, the case a square-and-multiply leak would
/// show best, while `A = g^a` stays an ordinary full-size value.
fn fixed_exponent() -> [u8; 128] {
    let mut a = [0u8; 128];
    a[0] = 0x80;
    a
}

fn key(a: &[u8; 128]) -> EphemeralKey {
    hazmat::ephemeral_key_from_be_bytes(a).unwrap_or_else(|e| panic!("a: {e}"))
}

/// The raw fixed-base exponentiation `g^a` alone (`hazmat::pow_g_1024`: 384 fixed-width bytes,
/// no encoding of the result): fixed low-weight `a` vs random `a`. Unlike [`g_pow_a`], nothing
/// in the timed region depends on public data that differs between the classes.
fn raw_g_pow_a(runner: &mut CtRunner, rng: &mut BenchRng) {
    raw_g_pow_a_with(runner, rng, fixed_exponent());
}

/// As [`raw_g_pow_a`], with a fixed `a` of ordinary weight (drawn once per batch).
fn raw_g_pow_a_dense(runner: &mut CtRunner, rng: &mut BenchRng) {
    let fixed = random_bytes(rng);
    raw_g_pow_a_with(runner, rng, fixed);
}

fn raw_g_pow_a_with(runner: &mut CtRunner, rng: &mut BenchRng, fixed: [u8; 128]) {
    fixed_vs_random_a(runner, rng, fixed, |a| {
        hazmat::pow_g_1024(a).last().copied()
    });
}

/// One batch: each sample is the fixed `a` (left) or a fresh random `a` (right), drawn before
/// the timed runs of `f`.
fn fixed_vs_random_a<T>(
    runner: &mut CtRunner,
    rng: &mut BenchRng,
    fixed: [u8; 128],
    f: impl Fn(&[u8; 128]) -> T,
) {
    let inputs: Vec<(Class, [u8; 128])> = (0..BATCH)
        .map(|_| match class(rng) {
            Class::Left => (Class::Left, fixed),
            Class::Right => (Class::Right, random_bytes(rng)),
        })
        .collect();
    for (class, a) in inputs {
        runner.run_one(class, || f(&a));
    }
}

/// The raw `g^a` of the 512-bit class (`hazmat::pow_g_512`, the `a` the crate draws): fixed
/// low-weight `a` (only bit 511) vs random `a`.
fn raw_g_pow_a_512(runner: &mut CtRunner, rng: &mut BenchRng) {
    let mut fixed = [0u8; 64];
    fixed[0] = 0x80;
    let inputs: Vec<(Class, [u8; 64])> = (0..BATCH)
        .map(|_| match class(rng) {
            Class::Left => (Class::Left, fixed),
            Class::Right => (Class::Right, random_bytes(rng)),
        })
        .collect();
    for (class, a) in inputs {
        runner.run_one(class, || hazmat::pow_g_512(&a).last().copied());
    }
}

/// `S = (B − k·g^x)^(a + u·x)` of the 512-bit class alone (`hazmat::premaster_secret_512`,
/// a 513-bit exponent): fixed low-weight `a` vs random `a`, with the same `B`, `u` and `x`.
fn premaster_s_512(runner: &mut CtRunner, rng: &mut BenchRng) {
    let mut fixed = [0u8; 64];
    fixed[0] = 0x80;
    let mut b: [u8; 384] = random_bytes(rng);
    b[0] &= 0x7f;
    let (u, x): ([u8; 32], [u8; 32]) = (random_bytes(rng), random_bytes(rng));
    let inputs: Vec<(Class, [u8; 64])> = (0..BATCH)
        .map(|_| match class(rng) {
            Class::Left => (Class::Left, fixed),
            Class::Right => (Class::Right, random_bytes(rng)),
        })
        .collect();
    for (class, a) in inputs {
        runner.run_one(class, || {
            hazmat::premaster_secret_512(&a, &b, &u, &x).last().copied()
        });
    }
}

/// `A = g^a` (`EphemeralKey` creation: the fixed-base exponentiation and the encoding of the
/// public `A`): fixed low-weight `a` vs random `a`.
fn g_pow_a(runner: &mut CtRunner, rng: &mut BenchRng) {
    g_pow_a_with(runner, rng, fixed_exponent());
}

/// As [`g_pow_a`], with a fixed `a` of ordinary weight (drawn once per batch).
fn g_pow_a_dense(runner: &mut CtRunner, rng: &mut BenchRng) {
    let fixed = random_bytes(rng);
    g_pow_a_with(runner, rng, fixed);
}

fn g_pow_a_with(runner: &mut CtRunner, rng: &mut BenchRng, fixed: [u8; 128]) {
    fixed_vs_random_a(runner, rng, fixed, |a| {
        hazmat::ephemeral_key_from_be_bytes(a).is_ok()
    });
}

/// Attribution: only the variable-time encodings of the public `A` that `EphemeralKey`
/// creation also performs (`SRP_A` hex and `enc(A)`), for the fixed `A = g^(2^1023)` vs random
/// values of the same size. Timing differences here concern public data.
fn encode_public_a(runner: &mut CtRunner, rng: &mut BenchRng) {
    let fixed_key = key(&fixed_exponent());
    let fixed = hex_to_bytes(fixed_key.srp_a());
    let inputs: Vec<(Class, Vec<u8>)> = (0..BATCH * 10)
        .map(|_| match class(rng) {
            Class::Left => (Class::Left, fixed.clone()),
            Class::Right => (Class::Right, random_bytes::<384>(rng).to_vec()),
        })
        .collect();
    for (class, a) in inputs {
        runner.run_one(class, || {
            (
                cognito_srp_auth::to_minimal_hex_vartime(&a).len(),
                cognito_srp_auth::to_java_bytes_vartime(&a).len(),
            )
        });
    }
}

/// The 384 big-endian bytes of a hex integer.
fn hex_to_bytes(hex: &str) -> Vec<u8> {
    let magnitude = num_bigint::BigUint::parse_bytes(hex.as_bytes(), 16)
        .unwrap_or_default()
        .to_bytes_be();
    let mut out = vec![0u8; 384usize.saturating_sub(magnitude.len())];
    out.extend(magnitude);
    out
}

/// `v = g^x` (`UserVerifier::from_salt`: the password hashes and the fixed-base
/// exponentiation by `x`, with no public output to encode): fixed vs random password.
fn verifier_x(runner: &mut CtRunner, rng: &mut BenchRng) {
    let fixed = password_text(rng);
    let salt: [u8; 16] = random_bytes(rng);
    let inputs: Vec<(Class, Password)> = (0..BATCH)
        .map(|_| match class(rng) {
            Class::Left => (Class::Left, Password::from(fixed.as_str())),
            Class::Right => (Class::Right, Password::new(password_text(rng))),
        })
        .collect();
    for (class, password) in &inputs {
        runner.run_one(*class, || {
            UserVerifier::from_salt(POOL_ID, USER_ID, password, &salt).is_ok()
        });
    }
}

/// A server RNG that returns the given `b`, then a fixed secret block.
struct GivenB([u8; 128], bool);

impl TryRng for GivenB {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok(7)
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        Ok(7)
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        if self.1 {
            dst.fill(0x5a);
        } else {
            for (d, s) in dst.iter_mut().zip(self.0) {
                *d = s;
            }
            self.1 = true;
        }
        Ok(())
    }
}

impl TryCryptoRng for GivenB {}

/// The whole `PASSWORD_VERIFIER` answer (`x`, `g^x`, `S`, HKDF, signature) for a fixed
/// password vs a random password of the same length; `a` is random in both classes and its
/// key is made outside the timed region.
fn password_claim(runner: &mut CtRunner, rng: &mut BenchRng) {
    let fixed = password_text(rng);
    let salt: [u8; 16] = random_bytes(rng);
    let verifier =
        UserVerifier::from_salt(POOL_ID, USER_ID, &Password::from(fixed.as_str()), &salt)
            .unwrap_or_else(|e| panic!("verifier: {e}"));
    let server_key = key(&random_bytes(rng));
    let server = ServerSrp::for_user(
        &verifier,
        server_key.srp_a(),
        &mut GivenB(random_bytes(rng), false),
    )
    .unwrap_or_else(|e| panic!("server: {e}"));
    let params = [
        ("SALT", server.salt()),
        ("SRP_B", server.srp_b()),
        ("SECRET_BLOCK", server.secret_block()),
        ("USER_ID_FOR_SRP", USER_ID),
    ];
    let challenge = PasswordVerifierChallenge::from_params(|name| {
        params.iter().find(|(k, _)| *k == name).map(|(_, v)| *v)
    })
    .unwrap_or_else(|e| panic!("challenge: {e}"));
    let client = UserPoolClient::new(POOL_ID, CLIENT_ID).unwrap_or_else(|e| panic!("{e}"));
    let timestamp = Timestamp::from(instant());

    let inputs: Vec<(Class, Cell<Option<EphemeralKey>>, Password)> = (0..BATCH)
        .map(|_| {
            let key = Cell::new(Some(key(&random_bytes(rng))));
            match class(rng) {
                Class::Left => (Class::Left, key, Password::from(fixed.as_str())),
                Class::Right => (Class::Right, key, Password::new(password_text(rng))),
            }
        })
        .collect();
    for (class, key, password) in &inputs {
        runner.run_one(*class, || {
            key.take()
                .map(|k| k.password_verifier(&client, &challenge, password, &timestamp))
                .is_some_and(|r| r.is_ok())
        });
    }
}

/// The server's secret work for one exchange, `B = k·v + g^b` (`ServerSrp::for_user`) and
/// `S = (A·v^u)^b` with the HKDF and the signature check (`ServerSrp::verify`, on a claim that
/// does not verify, so that it runs to the end): fixed `b` vs random `b`.
fn server_b(runner: &mut CtRunner, rng: &mut BenchRng) {
    let salt: [u8; 16] = random_bytes(rng);
    let verifier =
        UserVerifier::from_salt(POOL_ID, USER_ID, &Password::new(password_text(rng)), &salt)
            .unwrap_or_else(|e| panic!("verifier: {e}"));
    let client_key = key(&random_bytes(rng));
    let srp_a = client_key.srp_a().to_owned();
    let now = instant();
    let timestamp = Timestamp::from(now);
    let fixed = fixed_exponent();
    // Every exchange draws the same secret block (see `GivenB`): the claim echoes it.
    let block = ServerSrp::for_user(&verifier, &srp_a, &mut GivenB(fixed, false))
        .unwrap_or_else(|e| panic!("server: {e}"))
        .secret_block()
        .to_owned();
    let claim = [
        ("PASSWORD_CLAIM_SECRET_BLOCK", block.as_str()),
        ("TIMESTAMP", timestamp.as_str()),
        (
            "PASSWORD_CLAIM_SIGNATURE",
            "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
        ),
    ];
    let inputs: Vec<(Class, [u8; 128])> = (0..BATCH)
        .map(|_| match class(rng) {
            Class::Left => (Class::Left, fixed),
            Class::Right => (Class::Right, random_bytes(rng)),
        })
        .collect();
    for (class, b) in inputs {
        runner.run_one(class, || {
            ServerSrp::for_user(&verifier, &srp_a, &mut GivenB(b, false)).map(|server| {
                server.verify(
                    |name| claim.iter().find(|(k, _)| *k == name).map(|(_, v)| *v),
                    now,
                )
            })
        });
    }
}

ctbench_main!(
    raw_g_pow_a,
    raw_g_pow_a_512,
    premaster_s_512,
    raw_g_pow_a_dense,
    g_pow_a,
    g_pow_a_dense,
    encode_public_a,
    password_claim,
    server_b,
    verifier_x
);
