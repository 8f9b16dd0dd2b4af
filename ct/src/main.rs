//! Constant-time check of `cognito-srp-auth` under valgrind memcheck ("ctgrind").
//!
//! Every secret input is marked *undefined* with a memcheck client request before the crate
//! sees it. Memcheck then reports each conditional branch ("Conditional jump or move depends
//! on uninitialised value(s)") and each memory address ("Use of uninitialised value of size
//! N") computed from a secret: exactly the two kinds of secret-dependent timing a constant-time
//! implementation must not have.
//!
//! The harness never marks anything the crate computes as public: the crate declassifies, at
//! its own declassification points (`src/declassify.rs`, active through its internal
//! `ctgrind` feature, which this harness enables), exactly the values the protocol publishes
//! (`A`, `B`, the length and sign byte of `enc(S)` and `enc(v)`, the claim signature, the
//! padding count of a received device verifier) and each verdict before its branch. There is
//! no suppression file: every other branch or address that depends on a secret is an error.
//! `SECRET_HASH` and the device verifier stay secret from end to end: the server checks them in
//! constant time and declassifies only its verdict.
//!
//! ```text
//! ct check     # the crate's secret computations: must report no error
//! ct control   # num-bigint's modpow on a secret exponent, and a public-only encoder of the
//!              # crate called on a secret outside a declassification point: must report errors
//! ```
//!
//! Run both under `valgrind --error-exitcode=1` (see `.ci/ctgrind.sh`). Outside valgrind the
//! client requests do nothing: the computations run and are checked, nothing else.

use std::convert::Infallible;
use std::process::ExitCode;

use chrono::{DateTime, TimeZone as _, Utc};
use cognito_srp_auth::rand_core::{TryCryptoRng, TryRng};
use cognito_srp_auth::server::{DeviceVerifier, ServerSrp, UserVerifier, verify_secret_hash};
use cognito_srp_auth::{
    ChallengeResponses, ClientSecret, DevicePasswordVerifierChallenge, EphemeralKey, Password,
    PasswordVerifierChallenge, RememberedDevice, Timestamp, UserPoolClient, hazmat,
};
use crabgrind::memcheck::{MemState, mark_memory};
use num_bigint::BigUint;

const POOL_ID: &str = "us-east-1_ctgrind";
const CLIENT_ID: &str = "ctgrindclient";
const USER_ID: &str = "8f1e7c3a-ctgrind-user";
const DEVICE_KEY: &str = "us-east-1_0f1e2d3c-ctgrind";
const DEVICE_GROUP_KEY: &str = "-ctgrindGroup";
/// How many times each scenario runs, each time with other secrets.
const ROUNDS: u64 = 2;

/// Mark `bytes` undefined: from here on memcheck reports every branch and every memory
/// address that depends on them. The bytes themselves are not changed.
fn secret(bytes: &[u8]) {
    // `Err` only outside valgrind, where there is nothing to mark.
    let _ = mark_memory(bytes.as_ptr().cast(), bytes.len(), MemState::Undefined);
}

/// Declassify `bytes`: a value that the protocol publishes (it is sent over the wire).
fn public(bytes: &[u8]) {
    let _ = mark_memory(bytes.as_ptr().cast(), bytes.len(), MemState::Defined);
}

/// Mark a whole value in place (its own bytes, not what it points to) defined: only for the
/// control's own results, never for anything the crate computes.
fn public_header<T>(value: &mut T) {
    let _ = mark_memory(
        core::ptr::from_mut(value).cast_const().cast(),
        size_of::<T>(),
        MemState::Defined,
    );
}

/// `SplitMix64`: a deterministic source of test secrets (their values do not matter, their
/// definedness does).
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn fill(&mut self, dst: &mut [u8]) {
        for chunk in dst.chunks_mut(8) {
            let word = self.next().to_le_bytes();
            chunk.copy_from_slice(word.get(..chunk.len()).unwrap_or_default());
        }
    }

    fn bytes<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0u8; N];
        self.fill(&mut out);
        out
    }

    /// A password-like text of `len` printable ASCII characters (defined; the caller marks it).
    fn text(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from(b'!' + u8::try_from(self.next() % 94).unwrap_or(0)))
            .collect()
    }
}

/// The server's RNG: its first `secret_fills` outputs (the ephemeral `b`) are marked undefined,
/// the rest (the public secret block) stay defined.
struct SecretRng {
    source: SplitMix,
    secret_fills: usize,
    /// Defined copies of the secret outputs, for reference computations.
    drawn: Vec<Vec<u8>>,
}

impl TryRng for SecretRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        Ok(u32::try_from(self.source.next() >> 32).unwrap_or(0))
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        Ok(self.source.next())
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        self.source.fill(dst);
        if self.secret_fills > 0 {
            self.secret_fills -= 1;
            self.drawn.push(dst.to_vec());
            secret(dst);
        }
        Ok(())
    }
}

impl TryCryptoRng for SecretRng {}

/// A password whose bytes are undefined (its length, public by design, stays defined).
fn secret_password(text: &str) -> Password {
    let owned = String::from(text);
    secret(owned.as_bytes());
    Password::new(owned)
}

/// Copies of a set of challenge responses, as the wire carries them (nothing is marked
/// defined: what the crate declassified is defined, the rest, such as `SECRET_HASH`, stays
/// secret).
fn wire_responses(responses: &ChallengeResponses) -> Vec<(String, String)> {
    responses
        .iter()
        .map(|(key, value)| (key.to_owned(), value.to_owned()))
        .collect()
}

/// Look a name up in public `(name, value)` pairs.
fn lookup<'a>(pairs: &'a [(String, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// A fresh ephemeral key of `len` bytes (64, as the crate draws it, or 128, as the official
/// clients do) from undefined bytes, its `SRP_A` (declassified by the crate), and a defined
/// copy of `a` for reference computations.
fn secret_key_of(
    rng: &mut SplitMix,
    len: usize,
) -> Result<(EphemeralKey, String, Vec<u8>), String> {
    let mut a = vec![0u8; len];
    rng.fill(&mut a);
    // A separate, defined copy (`black_box` keeps the compiler from sharing the memory).
    let reference = core::hint::black_box(a.clone());
    secret(&a);
    let key = hazmat::ephemeral_key_from_be_bytes(&a).map_err(|e| format!("a: {e}"))?;
    let srp_a = key.srp_a().to_owned();
    Ok((key, srp_a, reference))
}

/// A fresh 64-byte ephemeral key, as `EphemeralKey::from_rng` draws it.
fn secret_key(rng: &mut SplitMix) -> Result<(EphemeralKey, String, Vec<u8>), String> {
    secret_key_of(rng, 64)
}

/// `g^e mod N` as minimal hex, by num-bigint on defined values: the reference for `SRP_A`.
fn reference_pow_g(e: &[u8]) -> String {
    let n = BigUint::from_bytes_be(&cognito_srp_auth::group::modulus_bytes());
    let g = BigUint::from(cognito_srp_auth::group::generator());
    g.modpow(&BigUint::from_bytes_be(e), &n).to_str_radix(16)
}

fn instant() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 11, 5, 9, 1, 2)
        .single()
        .unwrap_or_default()
}

/// The parameters of the server's challenge, as the wire carries them.
fn public_challenge(server: &ServerSrp, name_key: &str, name: &str) -> Vec<(String, String)> {
    vec![
        ("SALT".into(), server.salt().to_owned()),
        ("SRP_B".into(), server.srp_b().to_owned()),
        ("SECRET_BLOCK".into(), server.secret_block().to_owned()),
        ("USERNAME".into(), USER_ID.into()),
        (name_key.into(), name.into()),
    ]
}

/// A server RNG whose first output (the ephemeral `b`) is secret.
fn server_rng(rng: &mut SplitMix) -> SecretRng {
    SecretRng {
        source: SplitMix(rng.next()),
        secret_fills: 1,
        drawn: Vec::new(),
    }
}

/// `A = g^a` with a secret `a`; `SRP_A` is compared with num-bigint's.
fn ephemeral(rng: &mut SplitMix) -> Result<(), String> {
    for len in [64, 128] {
        let (_key, srp_a, a) = secret_key_of(rng, len)?;
        if srp_a != reference_pow_g(&a) {
            return Err(format!(
                "SRP_A differs from num-bigint's g^a ({len}-byte a)"
            ));
        }
    }
    Ok(())
}

/// The raw fixed-base exponentiation `g^a` (`hazmat::pow_g_1024`, fixed-width output, no
/// encoding) with a secret `a`: no declassification at all may be needed. The result is compared
/// with num-bigint's once it is made public.
fn raw_pow_g(rng: &mut SplitMix) -> Result<(), String> {
    let a: [u8; 128] = rng.bytes();
    let reference = core::hint::black_box(a);
    secret(&a);
    let power = hazmat::pow_g_1024(&a);
    let power: &[u8] = power.as_ref();
    public(power);
    if cognito_srp_auth::to_minimal_hex_vartime(power) != reference_pow_g(&reference) {
        return Err("raw g^a differs from num-bigint's".into());
    }
    // The 512-bit tables (hazmat::pow_g_512), the size the crate draws.
    let a: [u8; 64] = rng.bytes();
    let reference = core::hint::black_box(a);
    secret(&a);
    let power = hazmat::pow_g_512(&a);
    let power: &[u8] = power.as_ref();
    public(power);
    if cognito_srp_auth::to_minimal_hex_vartime(power) != reference_pow_g(&reference) {
        return Err("raw g^a (512-bit a) differs from num-bigint's".into());
    }
    Ok(())
}

/// A client secret whose bytes are undefined.
fn secret_client_secret(text: &str) -> ClientSecret {
    let owned = String::from(text);
    secret(owned.as_bytes());
    ClientSecret::new(owned)
}

/// A whole user sign-in with secret password, client secret, `a` and `b`: the server's
/// verifier (`x`, `g^x`), `A`, `B = k·v + g^b`, the client's `PASSWORD_VERIFIER` answer
/// (`x`, `g^x`, `S`, HKDF, signature, `SECRET_HASH`) and the server's checks of both; with the
/// 64-byte `a` the crate draws (513-bit exponent of `S`) and a 128-byte one (1025 bits).
fn user_sign_in(rng: &mut SplitMix) -> Result<(), String> {
    user_sign_in_with(rng, 64)?;
    user_sign_in_with(rng, 128)
}

fn user_sign_in_with(rng: &mut SplitMix, a_len: usize) -> Result<(), String> {
    let text = rng.text(24);
    let client_secret_text = rng.text(52);
    let salt: [u8; 16] = rng.bytes();

    let verifier = UserVerifier::from_salt(POOL_ID, USER_ID, &secret_password(&text), &salt)
        .map_err(|e| format!("verifier: {e}"))?;
    let client = UserPoolClient::new(POOL_ID, CLIENT_ID)
        .map_err(|e| format!("client: {e}"))?
        .with_client_secret(secret_client_secret(&client_secret_text));

    let (key, srp_a, _) = secret_key_of(rng, a_len)?;
    let server = ServerSrp::for_user(&verifier, &srp_a, &mut server_rng(rng))
        .map_err(|e| format!("server: {e}"))?;
    let params = public_challenge(&server, "USER_ID_FOR_SRP", USER_ID);
    let challenge = PasswordVerifierChallenge::from_params(|name| lookup(&params, name))
        .map_err(|e| format!("challenge: {e}"))?;
    let now = instant();
    let responses = key
        .password_verifier(
            &client,
            &challenge,
            &secret_password(&text),
            &Timestamp::from(now),
        )
        .map_err(|e| format!("claim: {e}"))?;
    let responses = wire_responses(&responses);

    let hash = lookup(&responses, "SECRET_HASH").unwrap_or_default();
    verify_secret_hash(
        USER_ID,
        CLIENT_ID,
        &secret_client_secret(&client_secret_text),
        hash,
    )
    .map_err(|e| format!("SECRET_HASH: {e}"))?;
    server
        .verify(|name| lookup(&responses, name), now)
        .map_err(|e| format!("verification: {e}"))
}

/// Device registration (`RememberedDevice::register`) with a secret device password (the RNG's
/// 40 bytes; the salt is public), then the device loaded again as an application loads it
/// (`from_storage_string`, `new`) with its password secret, and a device sign-in with secret
/// `a` and `b`, checked by the server. The verifier `ConfirmDevice` sends stays secret from the
/// moment it is made to the moment the server has decoded and checked it
/// (`DeviceVerifier::from_config`).
fn device(rng: &mut SplitMix) -> Result<(), String> {
    let mut device_rng = server_rng(rng);
    let (registered, config) =
        RememberedDevice::register(DEVICE_KEY, DEVICE_GROUP_KEY, &mut device_rng)
            .map_err(|e| format!("registration: {e}"))?;
    drop(registered);

    // The stored form, with the password part secret.
    let random = device_rng.drawn.first().cloned().unwrap_or_default();
    let text = <base64ct::Base64 as base64ct::Encoding>::encode_string(&random);
    let stored = format!("cognito-srp-device/1 {DEVICE_KEY} {DEVICE_GROUP_KEY} {text}");
    secret(
        stored
            .as_bytes()
            .get(stored.len() - text.len()..)
            .unwrap_or_default(),
    );
    let loaded =
        RememberedDevice::from_storage_string(&stored).map_err(|e| format!("stored: {e}"))?;
    drop(loaded);
    let device = RememberedDevice::new(DEVICE_KEY, DEVICE_GROUP_KEY, secret_password(&text))
        .map_err(|e| format!("device: {e}"))?;

    let verifier = DeviceVerifier::from_config(DEVICE_KEY, DEVICE_GROUP_KEY, &config)
        .map_err(|e| format!("stored verifier: {e}"))?;
    let (key, srp_a, _) = secret_key(rng)?;
    let server = ServerSrp::for_device(&verifier, &srp_a, &mut server_rng(rng))
        .map_err(|e| format!("server: {e}"))?;
    let params = public_challenge(&server, "DEVICE_KEY", DEVICE_KEY);
    let challenge = DevicePasswordVerifierChallenge::from_params(|name| lookup(&params, name))
        .map_err(|e| format!("challenge: {e}"))?;
    let client = UserPoolClient::new(POOL_ID, CLIENT_ID).map_err(|e| format!("client: {e}"))?;
    let now = instant();
    let responses = key
        .device_password_verifier(&client, &device, &challenge, &Timestamp::from(now))
        .map_err(|e| format!("claim: {e}"))?;
    let responses = wire_responses(&responses);
    server
        .verify(|name| lookup(&responses, name), now)
        .map_err(|e| format!("verification: {e}"))
}

/// Memcheck errors raised while `f` runs (0 outside valgrind).
fn errors_during<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = crabgrind::valgrind::count_errors();
    let value = f();
    (
        value,
        crabgrind::valgrind::count_errors().saturating_sub(before),
    )
}

/// Control 1: num-bigint's variable-time `modpow` with a secret exponent. Memcheck must report
/// it, or the harness would not see leaks at all.
fn control_modpow(rng: &mut SplitMix) -> Result<usize, String> {
    let e: [u8; 128] = rng.bytes();
    let reference = reference_pow_g(&core::hint::black_box(e));
    secret(&e);
    let n = BigUint::from_bytes_be(&cognito_srp_auth::group::modulus_bytes());
    let exponent = BigUint::from_bytes_be(&e);
    let (result, found) = errors_during(|| BigUint::from(2u8).modpow(&exponent, &n));
    let mut digits = result.to_bytes_be();
    public_header(&mut digits);
    public(&digits);
    if BigUint::from_bytes_be(&digits).to_str_radix(16) != reference {
        return Err("modpow result differs".into());
    }
    Ok(found)
}

/// Control 2: the crate's variable-time encoder for *public* values, called on a secret from
/// outside any declassification point. Memcheck must report it: the declassification entries
/// are tied to their call sites, not to the functions they accept.
fn control_public_encoder(rng: &mut SplitMix) -> Result<usize, String> {
    let value: [u8; 48] = rng.bytes();
    secret(&value);
    let (mut encoded, found) = errors_during(|| cognito_srp_auth::to_java_bytes_vartime(&value));
    public_header(&mut encoded);
    public(&encoded);
    if encoded.is_empty() {
        return Err("empty encoding".into());
    }
    Ok(found)
}

type Check = (&'static str, fn(&mut SplitMix) -> Result<(), String>);
type Control = (&'static str, fn(&mut SplitMix) -> Result<usize, String>);

const CHECKS: &[Check] = &[
    ("raw g^a (hazmat::pow_g_1024, pow_g_512)", raw_pow_g),
    ("A = g^a", ephemeral),
    ("user sign-in", user_sign_in),
    ("device registration and sign-in", device),
];

const CONTROLS: &[Control] = &[
    ("num-bigint modpow", control_modpow),
    (
        "to_java_bytes_vartime outside a declassification point",
        control_public_encoder,
    ),
];

fn run_checks() -> ExitCode {
    for (name, check) in CHECKS {
        for round in 0..ROUNDS {
            if let Err(message) = check(&mut SplitMix(0x5eed_0000 + round)) {
                eprintln!("{name} (round {round}): FAILED: {message}");
                return ExitCode::FAILURE;
            }
            eprintln!("{name} (round {round}): ok");
        }
    }
    ExitCode::SUCCESS
}

/// Prints `control <errors> <name>` per control, for .ci/ctgrind.sh: each must be > 0.
fn run_controls() -> ExitCode {
    for (name, control) in CONTROLS {
        let mut total = 0;
        for round in 0..ROUNDS {
            match control(&mut SplitMix(0xc0de_0000 + round)) {
                Ok(found) => total += found,
                Err(message) => {
                    eprintln!("{name} (round {round}): FAILED: {message}");
                    return ExitCode::FAILURE;
                }
            }
        }
        println!("control {total} {name}");
    }
    ExitCode::SUCCESS
}

fn main() -> ExitCode {
    let mode = std::env::args().nth(1).unwrap_or_default();
    if crabgrind::valgrind::running_mode().is_native() {
        eprintln!("note: not under valgrind, secrets are not tracked (see .ci/ctgrind.sh)");
    }
    match mode.as_str() {
        "check" => run_checks(),
        "control" => run_controls(),
        _ => {
            eprintln!("usage: ct check|control");
            ExitCode::from(2)
        }
    }
}
