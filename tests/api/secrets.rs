#![cfg(all(feature = "hazmat", feature = "server"))]
//! Every public type that holds (or derives from) a secret prints no secret in `Debug`, and
//! the wiping contract holds, tested soundly: through `zeroize`'s traits, the type system and
//! observable behaviour, with no `unsafe` at all.
//!
//! # What is proven
//!
//! - **No secret in `Debug`** (`{:?}` and `{:#?}`): for `Password`, `ClientSecret`,
//!   `EphemeralKey`, `RememberedDevice`, `UserPoolClient`, `ChallengeResponses`,
//!   `AuthParameters`, `Responder`, `FirstFactor`, `hazmat::Trace`, `SignIn`, `Answer`,
//!   `Request` / `Step` / `SignedIn` / `DeviceToConfirm`, and `server::{UserVerifier,
//!   DeviceVerifier, ServerSrp, UserPool, UserPoolConfig}`, the output contains none of: the
//!   password, the new password, the device password, the client secret, the one-time codes,
//!   the custom answer, the WebAuthn credential, the refresh token, and, for the SRP secrets
//!   `a`, `b`, `x`, `H(realm ‖ identity ‖ ":" ‖ password)`, `v = g^x` (also in Montgomery
//!   form), `S` and the session key, any of their textual forms (lower/upper hex, limb-sized
//!   hex chunks, base64, a decimal byte list; see [`byte_forms`]). The secret texts use only
//!   characters `Debug` does not escape (checked), so a leak would show verbatim; every check
//!   also asserts that something public (the type name, a key, a user name) *is* printed and
//!   that the secret really is held (e.g. `get(NEW_PASSWORD)` returns it), so no check can
//!   pass vacuously.
//! - **The type-level wiping contract**: `Password`, `ClientSecret`, `EphemeralKey`,
//!   `RememberedDevice`, `server::UserVerifier`, `server::DeviceVerifier` and
//!   `server::ServerSrp` implement `zeroize::ZeroizeOnDrop` (a generic bound, checked at
//!   compile time); none of the secret-holding types is `Clone` or `Display` (compile-time
//!   `const` assertions through an inherent-vs-trait probe, whose own controls are tested).
//! - **Observable wiping behaviour**: `RememberedDevice::to_storage_string` returns a
//!   `Zeroizing<String>` that `zeroize()` empties in place; `ChallengeResponses` /
//!   `AuthParameters` move their values into the caller's `BTreeMap` / `HashMap` (the map is
//!   then the caller's to wipe, as shown); a `SignIn` drops its password once the SRP claim is
//!   answered (`holds_password: false`), or, with a remembered device, when the sign-in ends.
//!
//! # What is proven elsewhere, and what is not proven
//!
//! `ZeroizeOnDrop` is a marker trait without methods: implementing it is a promise, not a
//! mechanism. The mechanism is in `src/`: `Zeroizing<String>` inside `Password` and
//! `ClientSecret` (`src/secret.rs`), `a` in its own `Box<Zeroizing<U3072>>` inside
//! `EphemeralKey` (`src/secret.rs`; the key itself holds only that pointer and public values,
//! so moving a key into or out of a `SignIn`'s state moves a pointer), the `Password` field of
//! `RememberedDevice` (`src/device.rs`), and `v` and `b` in their own zeroizing boxes inside
//! `StoredVerifier` (behind `UserVerifier` / `DeviceVerifier`) and `ServerSrp`
//! (`src/server.rs`), so that the `UserPool`'s lists of users and pending exchanges hold
//! pointers only. Checking that the bytes really are zero after `drop` means inspecting
//! freed memory, which needs a custom `GlobalAlloc` and so `unsafe` (forbidden in this
//! crate): `memscan/` (its own crate, run by `.ci/run`) does exactly that, for every public
//! operation, client and server, and finds no secret in any freed block; this file proves the
//! contract and the reviewable structure. Copies the compiler makes on the stack or in
//! registers, and the SHA-256/HMAC/HKDF states, are outside the contract (README, Security).
//! Reusing a `hazmat::Trace` wipes its previous secret contents before it writes
//! new ones.
//!
//! # Types that hold a secret but are not `ZeroizeOnDrop` (read from `src/`)
//!
//! They wipe through their fields, whose types are wiped types
//! ([`composite_secret_holders_wipe_through_their_fields`] checks those field types):
//!
//! - `UserPoolClient`: `client_secret: Option<ClientSecret>`.
//! - `ChallengeResponses`, `AuthParameters`: values are `Zeroizing<String>` (`src/wire.rs`);
//!   keys are public names. A converted map is the caller's to wipe.
//! - `hazmat::Trace`: `identity_hash`, `x`, `s_padded`, `hkdf_key`, `verifier_padded` are
//!   `Zeroizing<Vec<u8>>`; `salt_padded`, `u`, `u_padded` are public.
//! - `SignIn`: `Option<Password>`, `Option<RememberedDevice>`, `UserPoolClient`, and its state
//!   holds at most one pending `EphemeralKey` (the RNG is the caller's).
//! - `Request`, `Step`, `InitiateAuthRequest`, `RespondToAuthChallengeRequest`: through
//!   `AuthParameters` / `ChallengeResponses`. `SignedIn`, `DeviceToConfirm`: through
//!   `RememberedDevice`. `Responder`, `FirstFactor`: references only.
//! - `server::UserPool`: `UserPoolConfig` (`client_secret: Option<ClientSecret>`), users'
//!   `UserVerifier`s and `DeviceVerifier`s, pending `ServerSrp`s.
//! - `Answer`: wipes its strings on drop and is `ZeroizeOnDrop` (this test file first found
//!   that it did not: [`answer_wipes_its_secret_strings_on_drop`]).
//!
//! `DeviceSecretVerifierConfig` keeps its `PasswordVerifier` (`b64(enc(g^x))`) in a wiped
//! string, is not `Clone`, and redacts it in `Debug` (also a finding of this file, fixed:
//! [`device_secret_verifier_config_debug_hides_the_verifier`]).
// Test code: `expect`/`unwrap`/`panic`/indexing on values the test itself built are
// assertions, and std paths are the natural ones here.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::std_instead_of_core,
    clippy::std_instead_of_alloc
)]

use std::collections::{BTreeMap, HashMap};
use std::convert::Infallible;
use std::fmt;
use std::marker::PhantomData;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, TimeZone as _, Utc};
use cognito_srp_auth::hazmat::{self, Trace};
use cognito_srp_auth::rand_core::{TryCryptoRng, TryRng};
use cognito_srp_auth::server::{DeviceVerifier, ServerSrp, UserPool, UserPoolConfig, UserVerifier};
use cognito_srp_auth::{
    Answer, AuthParameters, Challenge, ChallengeResponses, ClientSecret, CodeChallenge,
    DevicePasswordVerifierChallenge, DeviceSecretVerifierConfig, DeviceToConfirm, EphemeralKey,
    FirstFactor, Flow, Password, PasswordVerifierChallenge, Question, RememberedDevice, Request,
    Responder, ServerAnswer, SignIn, SignedIn, Step, Timestamp, UserPoolClient, challenge_name,
    param, pool_name,
};
use num_bigint::BigUint;
use rand::SeedableRng as _;
use rand::rngs::StdRng;
use zeroize::{Zeroize as _, ZeroizeOnDrop, Zeroizing};

use crate::oracle;

// Secret texts: distinctive, and made of characters `Debug` prints verbatim (checked in
// `secret_texts_print_verbatim_when_leaked`), so a leak cannot hide behind escaping.
const PASSWORD: &str = "Pw-Quokka-7319-Zephyr";
const NEW_PASSWORD: &str = "NewPw-Ocelot-4482-Mistral";
const DEVICE_PASSWORD: &str = "DevPw-Narwhal-0615-Sirocco";
const CLIENT_SECRET: &str = "ClientSecret-Axolotl-2750-Bora";
const SMS_CODE: &str = "sms-code-731946";
const TOTP_CODE: &str = "totp-code-284017";
const EMAIL_CODE: &str = "email-code-559301";
const SMS_OTP_CODE: &str = "sms-otp-code-860224";
const CUSTOM_ANSWER: &str = "custom-answer-Pangolin-3391";
const WEBAUTHN_CREDENTIAL: &str = "webauthn-assertion-Tapir-7720";
const REFRESH_TOKEN: &str = "refresh-token-eyJjdHkiOiJKV1Qi-Kinkajou-1188";
const TOTP_SESSION: &str = "totp-session-Okapi-6604";

// Public values, which `Debug` may (and for the positive checks, must) print.
const POOL: &str = "eu-west-1_SecretsPool";
const CLIENT_ID: &str = "secrets-client-id";
const USER: &str = "7c1d2e3f-4a5b-4c6d-8e7f-90a1b2c3d4e5";
const ALIAS: &str = "alice@example.com";
const DEVICE_KEY: &str = "eu-west-1_0f1e2d3c-device";
const DEVICE_GROUP_KEY: &str = "-DeviceGroupKey9";

/// Every secret text above.
const SECRET_TEXTS: &[&str] = &[
    PASSWORD,
    NEW_PASSWORD,
    DEVICE_PASSWORD,
    CLIENT_SECRET,
    SMS_CODE,
    TOTP_CODE,
    EMAIL_CODE,
    SMS_OTP_CODE,
    CUSTOM_ANSWER,
    WEBAUTHN_CREDENTIAL,
    REFRESH_TOKEN,
    TOTP_SESSION,
];

fn texts(secrets: &[&str]) -> Vec<String> {
    secrets.iter().map(|s| (*s).to_owned()).collect()
}

/// A fixed instant for claims and the offline pool.
fn instant() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 11, 5, 9, 1, 2).unwrap()
}

fn client() -> UserPoolClient {
    UserPoolClient::new(POOL, CLIENT_ID)
        .unwrap()
        .with_client_secret(ClientSecret::from(CLIENT_SECRET))
}

/// `len` distinctive, high-entropy bytes: SHA-256 of `label ‖ counter`, block after block.
fn stream(label: &str, len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 32);
    let mut counter = 0u64;
    while out.len() < len {
        out.extend_from_slice(&oracle::sha256(&[label.as_bytes(), &counter.to_be_bytes()]));
        counter += 1;
    }
    out.truncate(len);
    out
}

/// An "RNG" that replays given bytes (cyclically), so the test knows `b` and the salts.
struct Replay {
    bytes: Vec<u8>,
    position: usize,
}

impl Replay {
    fn new(bytes: Vec<u8>) -> Self {
        assert!(!bytes.is_empty());
        Self { bytes, position: 0 }
    }
}

impl TryRng for Replay {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        let mut word = [0u8; 4];
        self.try_fill_bytes(&mut word)?;
        Ok(u32::from_be_bytes(word))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        let mut word = [0u8; 8];
        self.try_fill_bytes(&mut word)?;
        Ok(u64::from_be_bytes(word))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for byte in dst {
            *byte = self.bytes[self.position % self.bytes.len()];
            self.position += 1;
        }
        Ok(())
    }
}

impl TryCryptoRng for Replay {}

/// The textual forms a leaked secret integer or byte string could take in `Debug` output:
/// lower and upper hex of the bytes and of the minimal magnitude (as `SRP_A`-style hex and
/// `crypto-bigint`'s `Uint(0x…)` print them), every 8-byte limb (aligned from the least
/// significant end, as `Limb(0x…)` prints it), base64, and a decimal byte list (as
/// `Vec<u8>` prints it).
fn byte_forms(bytes: &[u8]) -> Vec<String> {
    assert!(bytes.len() >= 16, "too short to have distinctive forms");
    let start = bytes.iter().take_while(|&&b| b == 0).count();
    let magnitude = &bytes[start..];
    let minimal_hex = oracle::hex_bytes(magnitude)
        .trim_start_matches('0')
        .to_owned();
    let decimal = |b: &[u8]| {
        b.iter()
            .take(4)
            .map(u8::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut forms = vec![
        oracle::hex_bytes(bytes),
        oracle::hex_bytes(bytes).to_uppercase(),
        minimal_hex.clone(),
        minimal_hex.to_uppercase(),
        STANDARD.encode(bytes),
        STANDARD.encode(magnitude),
        decimal(bytes),
        decimal(magnitude),
    ];
    for limb in bytes.rchunks(8).filter(|limb| limb.len() == 8) {
        forms.push(oracle::hex_bytes(limb));
        forms.push(oracle::hex_bytes(limb).to_uppercase());
    }
    forms
}

/// `x` as the 384-byte big-endian form of `n` (`U3072` width).
fn be_384(n: &BigUint) -> Vec<u8> {
    let bytes = n.to_bytes_be();
    let mut out = vec![0u8; 384 - bytes.len()];
    out.extend_from_slice(&bytes);
    out
}

/// The forms of a verifier `v`: of `v` itself and of its Montgomery form `v·2^3072 mod N`,
/// in which the crate stores it.
fn verifier_forms(v: &BigUint) -> Vec<String> {
    let n = oracle::n();
    let montgomery = (v << 3072usize) % &n;
    let mut forms = byte_forms(&be_384(v));
    forms.extend(byte_forms(&be_384(&montgomery)));
    forms
}

/// Format `value` with `{:?}` and `{:#?}`; assert that neither contains any of `secrets`
/// and both contain each of `shown`. Returns the compact form.
#[track_caller]
fn assert_debug_hides<T: fmt::Debug + ?Sized>(
    value: &T,
    secrets: &[String],
    shown: &[&str],
) -> String {
    let compact = format!("{value:?}");
    let pretty = format!("{value:#?}");
    for printed in [&compact, &pretty] {
        for secret in secrets {
            assert!(
                !printed.contains(secret.as_str()),
                "Debug output leaks {secret:?}:\n{printed}"
            );
        }
        for public in shown {
            assert!(
                printed.contains(public),
                "Debug output lacks {public:?}:\n{printed}"
            );
        }
    }
    compact
}

// ---------------------------------------------------------------------------------------
// Type-level contract.
// ---------------------------------------------------------------------------------------

/// Compiles only if `T: ZeroizeOnDrop`.
fn assert_zod<T: ZeroizeOnDrop>() {}

/// Trait probe usable in `const` assertions: `Probe::<T>::CLONE` resolves to the inherent
/// constant (`true`) when `T: Clone` holds, and otherwise falls back to the trait constant
/// (`false`). Inherent associated items take precedence over trait ones only when their
/// bounds hold, so this is a sound negative check without specialization or `unsafe`.
struct Probe<T: ?Sized>(PhantomData<T>);

trait Otherwise {
    const ZEROIZE_ON_DROP: bool = false;
    const CLONE: bool = false;
    const DISPLAY: bool = false;
}

impl<T: ?Sized> Otherwise for Probe<T> {}

impl<T: ?Sized + ZeroizeOnDrop> Probe<T> {
    const ZEROIZE_ON_DROP: bool = true;
}

impl<T: Clone> Probe<T> {
    const CLONE: bool = true;
}

impl<T: ?Sized + fmt::Display> Probe<T> {
    const DISPLAY: bool = true;
}

/// `const`-assert that none of the types is `Clone` or `Display`.
macro_rules! assert_neither_clone_nor_display {
    ($($t:ty),+ $(,)?) => {
        $(
            const {
                assert!(!Probe::<$t>::CLONE, concat!(stringify!($t), " must not be Clone"));
                assert!(!Probe::<$t>::DISPLAY, concat!(stringify!($t), " must not be Display"));
            }
        )+
    };
}

/// The probe is not vacuous: it says `true` where the trait is implemented and `false`
/// where it is not, for each of the three traits.
#[test]
fn probe_tells_implemented_from_missing_traits() {
    const {
        assert!(Probe::<String>::CLONE);
        assert!(Probe::<String>::DISPLAY);
        assert!(!Probe::<String>::ZEROIZE_ON_DROP);
        assert!(Probe::<Zeroizing<String>>::ZEROIZE_ON_DROP);
        assert!(Probe::<Password>::ZEROIZE_ON_DROP);
        assert!(!Probe::<Password>::CLONE);
        assert!(!Probe::<Password>::DISPLAY);
        // Public, cloneable types of the crate.
        assert!(Probe::<Timestamp>::CLONE);
        assert!(Probe::<Timestamp>::DISPLAY);
        assert!(Probe::<Challenge>::CLONE);
        assert!(!Probe::<DeviceSecretVerifierConfig>::CLONE);
        assert!(!Probe::<Challenge>::DISPLAY);
    }
}

/// The secret types carry the `ZeroizeOnDrop` marker (checked by the compiler through a
/// generic bound). The marker is a promise; the `Drop` impls in `src/` keep it.
#[test]
fn secret_types_are_zeroize_on_drop() {
    assert_zod::<Password>();
    assert_zod::<ClientSecret>();
    assert_zod::<EphemeralKey>();
    assert_zod::<RememberedDevice>();
    assert_zod::<UserVerifier>();
    assert_zod::<DeviceVerifier>();
    assert_zod::<ServerSrp>();
    // The container the crate hands out for the device's storage form.
    assert_zod::<Zeroizing<String>>();
}

/// The types that hold secrets without the marker hold them in fields of wiped types (the
/// field types are read from `src/`; see the module documentation).
#[test]
fn composite_secret_holders_wipe_through_their_fields() {
    // `UserPoolClient::client_secret`, `UserPoolConfig::client_secret`.
    assert_zod::<Option<ClientSecret>>();
    // `SignIn::password`, `SignIn::device`, the ephemerals of its state.
    assert_zod::<Option<Password>>();
    assert_zod::<Option<RememberedDevice>>();
    assert_zod::<Option<EphemeralKey>>();
    // `UserPool`'s users and pending exchanges.
    assert_zod::<Vec<UserVerifier>>();
    assert_zod::<Vec<DeviceVerifier>>();
    assert_zod::<Option<ServerSrp>>();
    // The values of `ChallengeResponses` / `AuthParameters`, the secret fields of `Trace`.
    assert_zod::<Zeroizing<String>>();
    assert_zod::<Zeroizing<Vec<u8>>>();
}

/// No secret-holding type can be duplicated (`Clone`) or printed for users (`Display`).
#[test]
fn secret_types_are_neither_clone_nor_display() {
    assert_neither_clone_nor_display!(
        Password,
        ClientSecret,
        EphemeralKey,
        RememberedDevice,
        UserPoolClient,
        ChallengeResponses,
        AuthParameters,
        Trace,
        SignIn<StdRng>,
        Answer,
        Request,
        Step,
        SignedIn,
        DeviceToConfirm,
        UserVerifier,
        DeviceVerifier,
        ServerSrp,
        UserPool<StdRng>,
        UserPoolConfig,
    );
}

// ---------------------------------------------------------------------------------------
// Debug.
// ---------------------------------------------------------------------------------------

/// The secret texts would appear verbatim in `Debug` output if they leaked: `Debug` of each
/// is the text in quotes, with nothing escaped. Also checks they are pairwise distinct.
#[test]
fn secret_texts_print_verbatim_when_leaked() {
    for secret in SECRET_TEXTS {
        assert_eq!(format!("{secret:?}"), format!("\"{secret}\""));
        assert_eq!(format!("{secret:#?}"), format!("\"{secret}\""));
        assert!(secret.len() >= 12 && !secret.contains(char::is_whitespace));
        let others = SECRET_TEXTS.iter().filter(|s| s.contains(secret)).count();
        assert_eq!(others, 1, "{secret} is contained in another secret text");
    }
    // And a leak is caught: the check fails on a type that does print its contents.
    let leaky = (USER, PASSWORD);
    let caught = std::panic::catch_unwind(|| {
        assert_debug_hides(&leaky, &texts(&[PASSWORD]), &[USER]);
    });
    assert!(caught.is_err(), "assert_debug_hides missed a leak");
}

#[test]
fn password_and_client_secret_print_redacted() {
    let password = Password::from(PASSWORD);
    let owned = Password::new(String::from(NEW_PASSWORD));
    let client_secret = ClientSecret::from(CLIENT_SECRET);
    let secrets = texts(SECRET_TEXTS);
    assert_debug_hides(&password, &secrets, &["Password", "<redacted>"]);
    assert_debug_hides(&owned, &secrets, &["Password", "<redacted>"]);
    assert_debug_hides(&client_secret, &secrets, &["ClientSecret", "<redacted>"]);
    assert_eq!(format!("{password:?}"), "Password(<redacted>)");
    assert_eq!(format!("{password:#?}"), "Password(<redacted>)");
    assert_eq!(format!("{client_secret:?}"), "ClientSecret(<redacted>)");
    assert_eq!(format!("{client_secret:#?}"), "ClientSecret(<redacted>)");
}

#[test]
fn user_pool_client_prints_its_ids_but_not_its_secret() {
    let with_secret = client();
    assert!(with_secret.has_secret());
    assert_debug_hides(
        &with_secret,
        &texts(&[CLIENT_SECRET]),
        &[
            "UserPoolClient",
            POOL,
            CLIENT_ID,
            "ClientSecret(<redacted>)",
        ],
    );
    // The secret is really in use: the SECRET_HASH (public) is the oracle's.
    assert_eq!(
        with_secret.secret_hash(USER),
        Some(oracle::secret_hash(USER, CLIENT_ID, CLIENT_SECRET))
    );
    let responder = Responder::new(&with_secret, USER).with_device_key(DEVICE_KEY);
    assert_debug_hides(
        &responder,
        &texts(&[CLIENT_SECRET]),
        &["Responder", POOL, USER, DEVICE_KEY],
    );
}

#[test]
fn ephemeral_key_prints_no_part_of_a() {
    let a = stream("a", 128);
    let key = hazmat::ephemeral_key_from_be_bytes(&a).unwrap();
    // The key is the one for `a`: its public `A` is the oracle's `g^a mod N`.
    let expected_a = oracle::srp_a(&BigUint::from_bytes_be(&a));
    assert_eq!(key.srp_a(), expected_a.to_str_radix(16));
    let mut secrets = byte_forms(&a);
    secrets.extend(byte_forms(&be_384(&BigUint::from_bytes_be(&a))));
    assert_debug_hides(&key, &secrets, &["EphemeralKey"]);
}

#[test]
fn remembered_device_prints_its_keys_but_not_its_password() {
    let device = RememberedDevice::new(
        DEVICE_KEY,
        DEVICE_GROUP_KEY,
        Password::from(DEVICE_PASSWORD),
    )
    .unwrap();
    // The password is really held: the storage form carries it.
    assert!(device.to_storage_string().ends_with(DEVICE_PASSWORD));
    assert_debug_hides(
        &device,
        &texts(SECRET_TEXTS),
        &["RememberedDevice", DEVICE_KEY, DEVICE_GROUP_KEY],
    );

    // A registered device: the password is base64 of 40 random bytes.
    let random = stream("device password", 40);
    let random: [u8; 40] = random.try_into().unwrap();
    let mut trace = Trace::default();
    let (registered, _config) = hazmat::register_device_from_bytes(
        DEVICE_KEY,
        DEVICE_GROUP_KEY,
        &random,
        &[0x5a; 16],
        &mut trace,
    )
    .unwrap();
    let password = STANDARD.encode(random);
    let stored = registered.to_storage_string();
    assert_eq!(stored.rsplit(' ').next(), Some(password.as_str()));
    let mut secrets = byte_forms(&random);
    secrets.push(password);
    assert_debug_hides(
        &registered,
        &secrets,
        &["RememberedDevice", DEVICE_KEY, DEVICE_GROUP_KEY],
    );
}

/// The responses and parameters that carry a secret value print its key and
/// `<redacted>`, never the value; public values (`USERNAME`) are printed.
#[test]
fn wire_maps_redact_secret_values() {
    let client = client();
    let responder = Responder::new(&client, USER).with_device_key(DEVICE_KEY);
    let new_password = Password::from(NEW_PASSWORD);
    let password = Password::from(PASSWORD);
    let secrets = texts(SECRET_TEXTS);

    let cases: Vec<(ChallengeResponses, &str, &str)> = vec![
        (
            responder.new_password_required(&new_password, &[("name", "Alice Example")]),
            param::NEW_PASSWORD,
            NEW_PASSWORD,
        ),
        (responder.password(&password), param::PASSWORD, PASSWORD),
        (
            responder.select_password(&password),
            param::PASSWORD,
            PASSWORD,
        ),
        (
            responder.code(CodeChallenge::SmsMfa, SMS_CODE),
            param::SMS_MFA_CODE,
            SMS_CODE,
        ),
        (
            responder.code(CodeChallenge::SoftwareTokenMfa, TOTP_CODE),
            param::SOFTWARE_TOKEN_MFA_CODE,
            TOTP_CODE,
        ),
        (
            responder.code(CodeChallenge::EmailOtp, EMAIL_CODE),
            param::EMAIL_OTP_CODE,
            EMAIL_CODE,
        ),
        (
            responder.code(CodeChallenge::SmsOtp, SMS_OTP_CODE),
            param::SMS_OTP_CODE,
            SMS_OTP_CODE,
        ),
        (
            responder.custom_challenge(CUSTOM_ANSWER),
            param::ANSWER,
            CUSTOM_ANSWER,
        ),
        (
            responder.web_authn(WEBAUTHN_CREDENTIAL),
            param::CREDENTIAL,
            WEBAUTHN_CREDENTIAL,
        ),
    ];
    for (responses, key, secret) in &cases {
        // The secret really is in the map, under `key`.
        assert_eq!(responses.get(key), Some(*secret));
        assert_debug_hides(
            responses,
            &secrets,
            &[
                "ChallengeResponses",
                responses.challenge_name(),
                key,
                "<redacted>",
                param::USERNAME,
                USER,
                DEVICE_KEY,
            ],
        );
    }

    let refresh = AuthParameters::refresh_token_auth(&client, USER, REFRESH_TOKEN, None)
        .with_device_key(DEVICE_KEY);
    assert_eq!(refresh.get(param::REFRESH_TOKEN), Some(REFRESH_TOKEN));
    assert_debug_hides(
        &refresh,
        &secrets,
        &[
            "AuthParameters",
            "REFRESH_TOKEN_AUTH",
            param::REFRESH_TOKEN,
            "<redacted>",
            param::SECRET_HASH,
            DEVICE_KEY,
        ],
    );
}

/// A user claim end to end against the server side: the trace of the client's
/// intermediates, the responses, the verifier and the server exchange print none of `a`,
/// `b`, `x`, the identity hash, `v`, `S` or the session key. The claim verifies, so the
/// values compared are the real ones.
#[test]
fn user_claim_values_print_no_intermediate() {
    let client = client();
    let a = stream("user a", 128);
    let b_and_block = stream("user b", 192);
    let b = &b_and_block[..128];
    let salt = stream("user salt", 16);

    let verifier = UserVerifier::from_salt(POOL, USER, &Password::from(PASSWORD), &salt).unwrap();
    let key = hazmat::ephemeral_key_from_be_bytes(&a).unwrap();
    let srp = ServerSrp::for_user(
        &verifier,
        key.srp_a(),
        &mut Replay::new(b_and_block.clone()),
    )
    .unwrap();
    // Printed now, checked once the secrets are known.
    let verifier_printed = [format!("{verifier:?}"), format!("{verifier:#?}")];
    let srp_printed = [format!("{srp:?}"), format!("{srp:#?}")];
    let key_printed = [format!("{key:?}"), format!("{key:#?}")];

    let params: BTreeMap<&str, String> = [
        (param::SALT, srp.salt().to_owned()),
        (param::SRP_B, srp.srp_b().to_owned()),
        (param::SECRET_BLOCK, srp.secret_block().to_owned()),
        (param::USER_ID_FOR_SRP, USER.to_owned()),
        (param::USERNAME, USER.to_owned()),
    ]
    .into();
    let challenge =
        PasswordVerifierChallenge::from_params(|k| params.get(k).map(String::as_str)).unwrap();
    let mut trace = Trace::default();
    let responses = hazmat::password_verifier_traced(
        key,
        &client,
        &challenge,
        &Password::from(PASSWORD),
        &Timestamp::from(instant()),
        &mut trace,
    )
    .unwrap();

    // v = g^x mod N, from the traced x, by the independent oracle.
    let x = BigUint::from_bytes_be(trace.x());
    let v = oracle::g().modpow(&x, &oracle::n());
    let mut secrets = texts(SECRET_TEXTS);
    for bytes in [
        &a[..],
        b,
        trace.x(),
        trace.identity_hash(),
        trace.s_padded(),
        trace.hkdf_key(),
    ] {
        secrets.extend(byte_forms(bytes));
    }
    secrets.extend(verifier_forms(&v));

    let shown_srp = ["ServerSrp", pool_name(POOL).unwrap(), USER];
    for printed in srp_printed
        .iter()
        .chain(&verifier_printed)
        .chain(&key_printed)
    {
        for secret in &secrets {
            assert!(
                !printed.contains(secret.as_str()),
                "{printed} leaks {secret}"
            );
        }
    }
    for public in shown_srp {
        assert!(
            srp_printed.iter().all(|p| p.contains(public)),
            "{srp_printed:?}"
        );
    }
    assert!(
        verifier_printed
            .iter()
            .all(|p| p.contains("UserVerifier") && p.contains(USER))
    );
    assert!(key_printed.iter().all(|p| p.contains("EphemeralKey")));
    assert_debug_hides(&trace, &secrets, &["Trace"]);
    assert_debug_hides(
        &responses,
        &secrets,
        &[
            "PASSWORD_VERIFIER",
            param::PASSWORD_CLAIM_SIGNATURE,
            param::TIMESTAMP,
            USER,
        ],
    );
    assert_debug_hides(&verifier, &secrets, &["UserVerifier", USER]);

    // The exchange is real: the server accepts the claim.
    srp.verify(|k| responses.get(k), instant()).unwrap();
}

/// A device claim end to end: registration, the stored device verifier, the server exchange
/// and the client's trace print none of the device password, `x`, `v`, `b`, `S` or the
/// session key.
#[test]
fn device_claim_values_print_no_intermediate() {
    let client = client();
    let random: [u8; 40] = stream("device random", 40).try_into().unwrap();
    let salt: [u8; 16] = stream("device salt", 16).try_into().unwrap();
    let mut registration = Trace::default();
    let (device, config) = hazmat::register_device_from_bytes(
        DEVICE_KEY,
        DEVICE_GROUP_KEY,
        &random,
        &salt,
        &mut registration,
    )
    .unwrap();
    let device_password = STANDARD.encode(random);
    let v = BigUint::from_bytes_be(registration.verifier_padded());

    let stored = DeviceVerifier::from_config(DEVICE_KEY, DEVICE_GROUP_KEY, &config).unwrap();
    let a = stream("device a", 128);
    let b_and_block = stream("device b", 192);
    let key = hazmat::ephemeral_key_from_be_bytes(&a).unwrap();
    let srp =
        ServerSrp::for_device(&stored, key.srp_a(), &mut Replay::new(b_and_block.clone())).unwrap();
    let params: BTreeMap<&str, String> = [
        (param::SALT, srp.salt().to_owned()),
        (param::SRP_B, srp.srp_b().to_owned()),
        (param::SECRET_BLOCK, srp.secret_block().to_owned()),
        (param::USERNAME, USER.to_owned()),
        (param::DEVICE_KEY, DEVICE_KEY.to_owned()),
    ]
    .into();
    let challenge =
        DevicePasswordVerifierChallenge::from_params(|k| params.get(k).map(String::as_str))
            .unwrap();
    let srp_printed = format!("{srp:?}{srp:#?}");
    let key_printed = format!("{key:?}{key:#?}");
    let mut trace = Trace::default();
    let responses = hazmat::device_password_verifier_traced(
        key,
        &client,
        &device,
        &challenge,
        &Timestamp::from(instant()),
        &mut trace,
    )
    .unwrap();

    let mut secrets = texts(SECRET_TEXTS);
    secrets.push(device_password);
    for bytes in [
        &random[..],
        &a[..],
        &b_and_block[..128],
        registration.x(),
        registration.identity_hash(),
        trace.x(),
        trace.s_padded(),
        trace.hkdf_key(),
    ] {
        secrets.extend(byte_forms(bytes));
    }
    secrets.extend(verifier_forms(&v));
    // The registration and the claim derived the same x (same device, same salt).
    assert_eq!(registration.x(), trace.x());

    for secret in &secrets {
        assert!(
            !srp_printed.contains(secret.as_str()),
            "{srp_printed} leaks {secret}"
        );
        assert!(
            !key_printed.contains(secret.as_str()),
            "{key_printed} leaks {secret}"
        );
    }
    assert!(srp_printed.contains("ServerSrp") && srp_printed.contains(DEVICE_KEY));
    assert!(srp_printed.contains(DEVICE_GROUP_KEY));
    assert_debug_hides(&stored, &secrets, &["DeviceVerifier", DEVICE_KEY]);
    assert_debug_hides(&device, &secrets, &["RememberedDevice", DEVICE_KEY]);
    assert_debug_hides(&trace, &secrets, &["Trace"]);
    assert_debug_hides(&registration, &secrets, &["Trace"]);
    assert_debug_hides(
        &challenge,
        &secrets,
        &["DevicePasswordVerifierChallenge", USER],
    );
    assert_debug_hides(
        &responses,
        &secrets,
        &["DEVICE_PASSWORD_VERIFIER", DEVICE_KEY, USER],
    );

    srp.verify(|k| responses.get(k), instant()).unwrap();
}

/// Every `Answer` prints its variant name; only the MFA type and the first-factor choice
/// (public menu items) are printed, everything else is `<redacted>`.
#[test]
fn answers_print_their_variant_but_no_secret() {
    let secrets = texts(SECRET_TEXTS);
    let cases: [(Answer, &[&str]); 9] = [
        (Answer::Code(SMS_CODE.to_owned()), &["Code(<redacted>)"]),
        (
            Answer::CustomAnswer(CUSTOM_ANSWER.to_owned()),
            &["CustomAnswer(<redacted>)"],
        ),
        (
            Answer::NewPassword {
                password: Password::from(NEW_PASSWORD),
                attributes: vec![("name".to_owned(), "Alice Example".to_owned())],
            },
            &["NewPassword(<redacted>)"],
        ),
        (
            Answer::MfaType("SOFTWARE_TOKEN_MFA".to_owned()),
            &["MfaType", "SOFTWARE_TOKEN_MFA"],
        ),
        (
            Answer::MfaSetupTotp {
                session: TOTP_SESSION.to_owned(),
            },
            &["MfaSetupTotp(<redacted>)"],
        ),
        (
            Answer::MfaSetupEmail {
                email: ALIAS.to_owned(),
            },
            &["MfaSetupEmail(<redacted>)"],
        ),
        (
            Answer::FirstFactor(FirstFactor::Password),
            &["FirstFactor", "Password"],
        ),
        (
            Answer::WebAuthnCredential(WEBAUTHN_CREDENTIAL.to_owned()),
            &["WebAuthnCredential(<redacted>)"],
        ),
        (
            Answer::Responses(vec![("CUSTOM_KEY".to_owned(), CUSTOM_ANSWER.to_owned())]),
            &["Responses(<redacted>)"],
        ),
    ];
    for (answer, shown) in &cases {
        let mut all = secrets.clone();
        // The e-mail address is personal data: redacted too.
        all.push(ALIAS.to_owned());
        assert_debug_hides(answer, &all, shown);
    }
}

/// Drive `sign_in` against `pool` to the end, checking the `Debug` of the sign-in, of every
/// step and of the pool along the way. Returns the end and whether the sign-in still held
/// the password right after each request it sent (in order).
fn drive(
    pool: &mut UserPool<StdRng>,
    mut sign_in: SignIn<StdRng>,
    secrets: &[String],
    shown: &[&str],
) -> (SignedIn, Vec<(String, bool)>) {
    let now = instant();
    let holds = |sign_in: &SignIn<StdRng>| {
        let printed = format!("{sign_in:?}");
        assert!(
            printed.contains("holds_password: true") != printed.contains("holds_password: false"),
            "{printed}"
        );
        printed.contains("holds_password: true")
    };
    assert!(holds(&sign_in), "a new sign-in holds its password");
    assert_debug_hides(&sign_in, secrets, shown);
    let mut sent = Vec::new();
    let mut step = sign_in.start().unwrap();
    loop {
        assert_debug_hides(&sign_in, secrets, shown);
        assert_debug_hides(pool, secrets, &["UserPool", POOL, CLIENT_ID]);
        assert_debug_hides(&step, secrets, &[]);
        step = match step {
            Step::Send(request) => {
                let name = match &request {
                    Request::InitiateAuth(r) => r.auth_parameters.auth_flow().to_owned(),
                    Request::RespondToAuthChallenge(r) => {
                        r.challenge_responses.challenge_name().to_owned()
                    }
                };
                sent.push((name, holds(&sign_in)));
                let answer = pool.handle(&request, now);
                assert!(!matches!(answer, ServerAnswer::Error { .. }), "{answer:?}");
                sign_in.handle(answer, &Timestamp::from(now)).unwrap()
            }
            Step::Ask(question) => panic!("unexpected question {question:?}"),
            Step::Done(done) => {
                assert!(!holds(&sign_in), "a finished sign-in holds no password");
                assert_debug_hides(&sign_in, secrets, shown);
                return (done, sent);
            }
        };
    }
}

/// Offline sign-ins (alias + client secret, device registration, then device SRP) print no
/// secret at any step: not the sign-in, the requests, the pool, nor the new device. The
/// sign-in drops its password once the claim is answered (or, with a device, at the end).
#[test]
fn sign_ins_and_the_user_pool_print_no_secret_and_release_the_password() {
    let config = UserPoolConfig::new(POOL, CLIENT_ID, Some(ClientSecret::from(CLIENT_SECRET)));
    assert_debug_hides(
        &config,
        &texts(SECRET_TEXTS),
        &["UserPoolConfig", POOL, CLIENT_ID, "<redacted>"],
    );
    assert!(format!("{config:?}").contains(r#"client_secret: Some("<redacted>")"#));
    let without = UserPoolConfig::new(POOL, CLIENT_ID, None);
    assert!(format!("{without:?}").contains("client_secret: None"));
    let mut pool = UserPool::new(config, StdRng::seed_from_u64(21)).unwrap();
    pool.add_user(USER, &Password::from(PASSWORD), &[ALIAS])
        .unwrap();
    let secrets = texts(SECRET_TEXTS);
    assert_debug_hides(&pool, &secrets, &["UserPool", POOL, CLIENT_ID]);

    // 1. Password sign-in: a new device to confirm.
    let sign_in = SignIn::with_rng(
        client(),
        ALIAS,
        Password::from(PASSWORD),
        StdRng::seed_from_u64(22),
    );
    let (done, sent) = drive(
        &mut pool,
        sign_in,
        &secrets,
        &["SignIn", ALIAS, POOL, CLIENT_ID],
    );
    assert_eq!(
        sent,
        [
            ("USER_SRP_AUTH".to_owned(), true),
            ("PASSWORD_VERIFIER".to_owned(), false),
        ],
        "the password is released once the claim is answered"
    );
    let new_device = done.new_device.as_ref().expect("device tracking is on");
    let stored = new_device.device.to_storage_string();
    let device_password = stored.rsplit(' ').next().unwrap().to_owned();
    let mut with_device = secrets.clone();
    with_device.push(device_password.clone());
    let device_key = new_device.device.device_key().to_owned();
    assert_debug_hides(&done, &with_device, &["SignedIn", USER, &device_key]);
    assert_debug_hides(new_device, &with_device, &["DeviceToConfirm", &device_key]);
    let step = Step::Done(done);
    assert_debug_hides(&step, &with_device, &["Done", &device_key]);
    let Step::Done(done) = step else {
        unreachable!()
    };
    let new_device = done.new_device.unwrap();
    pool.confirm_device(USER, &device_key, &new_device.config)
        .unwrap();
    assert_debug_hides(&pool, &with_device, &["UserPool"]);

    // 2. Device sign-in: the password is kept until the end (a stale device would restart).
    let sign_in = SignIn::with_rng(
        client(),
        ALIAS,
        Password::from(PASSWORD),
        StdRng::seed_from_u64(23),
    )
    .with_device(new_device.device);
    let (done, sent) = drive(
        &mut pool,
        sign_in,
        &with_device,
        &["SignIn", ALIAS, &device_key],
    );
    assert_eq!(
        sent,
        [
            ("USER_SRP_AUTH".to_owned(), true),
            ("PASSWORD_VERIFIER".to_owned(), true),
            ("DEVICE_SRP_AUTH".to_owned(), true),
            ("DEVICE_PASSWORD_VERIFIER".to_owned(), true),
        ]
    );
    assert!(done.new_device.is_none() && !done.forget_stored_device);
    assert_debug_hides(&done, &with_device, &["SignedIn", USER]);
}

/// The requests a sign-in sends for user-answered challenges (new password, a code, a
/// custom answer, the `PASSWORD` first factor) print none of those secrets.
#[test]
fn sign_in_requests_redact_new_passwords_codes_answers_and_passwords() {
    let now = Timestamp::from(instant());
    let secrets = texts(SECRET_TEXTS);
    let challenge = |name: &str, extra: &[(&str, &str)]| {
        let mut parameters = vec![(param::USERNAME, USER)];
        parameters.extend_from_slice(extra);
        ServerAnswer::Challenge(Challenge::new(name, parameters, Some("session-1")))
    };
    let sent = |step: Step, key: &str, secret: &str| {
        let Step::Send(Request::RespondToAuthChallenge(request)) = &step else {
            panic!("expected a challenge response, got {step:?}")
        };
        // The secret is really sent.
        assert_eq!(request.challenge_responses.get(key), Some(secret));
        assert_debug_hides(
            &step,
            &secrets,
            &["RespondToAuthChallenge", key, "<redacted>", USER],
        );
    };

    // NEW_PASSWORD_REQUIRED, then SMS_MFA, then a custom challenge.
    let mut sign_in = SignIn::with_rng(
        client(),
        ALIAS,
        Password::from(PASSWORD),
        StdRng::seed_from_u64(31),
    );
    assert_debug_hides(
        &sign_in.start().unwrap(),
        &secrets,
        &["InitiateAuth", ALIAS],
    );
    let step = sign_in
        .handle(
            challenge(
                challenge_name::NEW_PASSWORD_REQUIRED,
                &[(param::REQUIRED_ATTRIBUTES, "[\"userAttributes.name\"]")],
            ),
            &now,
        )
        .unwrap();
    assert!(
        matches!(step, Step::Ask(Question::NewPassword { .. })),
        "{step:?}"
    );
    assert_debug_hides(&sign_in, &secrets, &["holds_password: true"]);
    let step = sign_in
        .answer(Answer::NewPassword {
            password: Password::from(NEW_PASSWORD),
            attributes: vec![("name".to_owned(), "Alice Example".to_owned())],
        })
        .unwrap();
    sent(step, param::NEW_PASSWORD, NEW_PASSWORD);
    assert_debug_hides(&sign_in, &secrets, &["holds_password: false"]);

    let step = sign_in
        .handle(challenge(challenge_name::SMS_MFA, &[]), &now)
        .unwrap();
    assert!(matches!(step, Step::Ask(Question::Code { .. })), "{step:?}");
    let step = sign_in.answer(Answer::Code(SMS_CODE.to_owned())).unwrap();
    sent(step, param::SMS_MFA_CODE, SMS_CODE);

    let step = sign_in
        .handle(challenge(challenge_name::CUSTOM_CHALLENGE, &[]), &now)
        .unwrap();
    assert!(
        matches!(step, Step::Ask(Question::CustomChallenge { .. })),
        "{step:?}"
    );
    let step = sign_in
        .answer(Answer::CustomAnswer(CUSTOM_ANSWER.to_owned()))
        .unwrap();
    sent(step, param::ANSWER, CUSTOM_ANSWER);

    // USER_AUTH where only PASSWORD is offered: the password itself is sent.
    let mut sign_in = SignIn::with_rng(
        client(),
        ALIAS,
        Password::from(PASSWORD),
        StdRng::seed_from_u64(32),
    )
    .with_flow(Flow::UserAuth {
        preferred: Some(FirstFactor::PasswordSrp),
    });
    sign_in.start().unwrap();
    let select = Challenge::new(
        challenge_name::SELECT_CHALLENGE,
        [(param::USERNAME, USER)],
        Some("session-2"),
    )
    .with_available_challenges([challenge_name::PASSWORD, challenge_name::EMAIL_OTP]);
    let step = sign_in
        .handle(ServerAnswer::Challenge(select), &now)
        .unwrap();
    assert!(
        matches!(step, Step::Ask(Question::SelectChallenge { .. })),
        "{step:?}"
    );
    let step = sign_in
        .answer(Answer::FirstFactor(FirstFactor::Password))
        .unwrap();
    sent(step, param::PASSWORD, PASSWORD);
    assert_debug_hides(&sign_in, &secrets, &["holds_password: false"]);
}

// ---------------------------------------------------------------------------------------
// Wiping behaviour observable in safe code.
// ---------------------------------------------------------------------------------------

/// The storage form is a `Zeroizing<String>` (checked by the type annotation): wiped on
/// drop, and the holder can wipe it earlier, in place.
#[test]
fn storage_string_is_zeroizing_and_can_be_wiped_in_place() {
    let device = RememberedDevice::new(
        DEVICE_KEY,
        DEVICE_GROUP_KEY,
        Password::from(DEVICE_PASSWORD),
    )
    .unwrap();
    let mut stored: Zeroizing<String> = device.to_storage_string();
    assert!(stored.ends_with(DEVICE_PASSWORD));
    let reloaded = RememberedDevice::from_storage_string(&stored).unwrap();
    assert_eq!(reloaded.device_key(), DEVICE_KEY);
    let capacity = stored.capacity();
    stored.zeroize();
    assert!(stored.is_empty(), "zeroize() leaves {:?}", stored.as_str());
    // `String::zeroize` overwrites the buffer and clears it without freeing it (the bytes
    // themselves cannot be read back without `unsafe`).
    assert_eq!(stored.capacity(), capacity);
    // The device itself is unaffected: it still yields its storage form.
    assert!(device.to_storage_string().ends_with(DEVICE_PASSWORD));
}

/// Converting `ChallengeResponses` / `AuthParameters` into the map an SDK takes moves the
/// values out (no second copy is made); the map is then the caller's to wipe, for example
/// value by value with `Zeroize`, as done here.
#[test]
fn wire_maps_hand_their_values_to_the_caller_to_wipe() {
    let client = client();
    let responder = Responder::new(&client, USER);
    let responses = responder.new_password_required(&Password::from(NEW_PASSWORD), &[]);
    let mut map: BTreeMap<String, String> = responses.into();
    assert_eq!(map[param::NEW_PASSWORD], NEW_PASSWORD);
    assert_eq!(map[param::USERNAME], USER);
    map.values_mut().for_each(zeroize::Zeroize::zeroize);
    assert!(map.values().all(String::is_empty), "{map:?}");

    let parameters = AuthParameters::refresh_token_auth(&client, USER, REFRESH_TOKEN, None);
    let mut map: HashMap<String, String> = parameters.into();
    assert_eq!(map[param::REFRESH_TOKEN], REFRESH_TOKEN);
    assert!(map.contains_key(param::SECRET_HASH));
    map.values_mut().for_each(zeroize::Zeroize::zeroize);
    assert!(map.values().all(String::is_empty), "{map:?}");

    let responses = responder.code(CodeChallenge::SmsMfa, SMS_CODE);
    let mut pairs: Zeroizing<Vec<String>> = Zeroizing::new(
        BTreeMap::<String, String>::from(responses)
            .into_values()
            .collect(),
    );
    assert!(pairs.iter().any(|v| v == SMS_CODE));
    pairs.zeroize();
    assert!(pairs.is_empty());
}

// ---------------------------------------------------------------------------------------
// Findings of this file, fixed in src/ and kept as regression tests.
// ---------------------------------------------------------------------------------------

/// `Answer` (src/flow.rs) holds one-time codes, custom-challenge answers, WebAuthn
/// assertions, unknown-challenge responses and the TOTP-setup session in plain `String`s,
/// and neither implements `Drop` nor `ZeroizeOnDrop`: `SignIn::answer` copies the value into
/// the (wiped) `ChallengeResponses` and then drops the caller's `String` unwiped. Only
/// `Answer::NewPassword`'s password (a `Password`) is wiped.
#[test]
fn answer_wipes_its_secret_strings_on_drop() {
    let answer_is_zeroize_on_drop = std::hint::black_box(Probe::<Answer>::ZEROIZE_ON_DROP);
    assert!(
        answer_is_zeroize_on_drop,
        "Answer::Code(String) and its siblings are not wiped on drop"
    );
}

/// `DeviceSecretVerifierConfig` holds `PasswordVerifier` = `b64(enc(g^x))` of the device,
/// which the README (Security) lists among the secret values: its `Debug` (and so that of
/// the `DeviceToConfirm`, `SignedIn` and `Step::Done` that carry it) must not print it.
#[test]
fn device_secret_verifier_config_debug_hides_the_verifier() {
    let (_device, config) = RememberedDevice::register(
        DEVICE_KEY,
        DEVICE_GROUP_KEY,
        &mut Replay::new(stream("config", 56)),
    )
    .unwrap();
    let v = STANDARD.decode(config.password_verifier()).unwrap();
    let mut secrets = byte_forms(&v);
    secrets.push(config.password_verifier().to_owned());
    assert_debug_hides(&config, &secrets, &["DeviceSecretVerifierConfig"]);
}
