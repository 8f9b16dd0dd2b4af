//! Property tests of the client side.
//!
//! - differential: `to_java_bytes_vartime` and `to_minimal_hex_vartime` against `num-bigint`, `SRP_A` against
//!   `BigUint::modpow`, and the whole `PASSWORD_CLAIM_SIGNATURE` against an independent
//!   `num-bigint` computation of every step;
//! - `Timestamp` against an independent civil-date calculation for every second of years
//!   1 to 9999;
//! - arbitrary challenge parameter maps give `Ok` or exactly the documented error, never a
//!   panic;
//! - the structure of the `PASSWORD_VERIFIER` responses.
#![cfg(feature = "hazmat")]
// Test code: `expect`/`unwrap`/indexing on values the test itself built are assertions, and
// std paths are the natural ones here.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::std_instead_of_core,
    clippy::std_instead_of_alloc
)]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::LazyLock;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use chrono::{DateTime, Utc};
use cognito_srp_auth::hazmat::{self, Trace};
use cognito_srp_auth::{
    ClientSecret, Error, Password, PasswordVerifierChallenge, Timestamp, UserPoolClient, group,
    param, secret_hash,
};
use hkdf::Hkdf;
use hmac::{Hmac, KeyInit as _, Mac as _};
use num_bigint::{BigInt, BigUint, Sign};
use proptest::collection::{hash_map, vec};
use proptest::prelude::*;
use sha2::{Digest as _, Sha256};

// ---------------------------------------------------------------------------------------
// Independent reference values.
// ---------------------------------------------------------------------------------------

/// N, parsed from the crate's public bytes (the group itself is pinned by `group.rs`'s own
/// tests and by the vectors).
static N: LazyLock<BigUint> = LazyLock::new(|| BigUint::from_bytes_be(&group::modulus_bytes()));

/// `N` as minimal lowercase hex (768 digits).
static N_HEX: LazyLock<String> = LazyLock::new(|| N.to_str_radix(16));

/// The five parameter names `from_params` reads.
const PARAMETER_NAMES: [&str; 5] = [
    param::SALT,
    param::SRP_B,
    param::SECRET_BLOCK,
    param::USER_ID_FOR_SRP,
    param::USERNAME,
];

/// Java `BigInteger.toByteArray()` of a signed integer. `num-bigint` returns `[0]` for zero,
/// like Java.
fn java_bytes(n: &BigInt) -> Vec<u8> {
    n.to_signed_bytes_be()
}

fn java_bytes_unsigned(n: &BigUint) -> Vec<u8> {
    java_bytes(&BigInt::from_biguint(Sign::Plus, n.clone()))
}

fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    for part in parts {
        h.update(part);
    }
    h.finalize().into()
}

fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// Whether `text` is a hexadecimal integer in the documented wire form: ASCII hex digits
/// of either case, at least one, optionally after one `-` when `allow_negative`.
fn is_hex_int(text: &str, allow_negative: bool) -> bool {
    let digits = match text.strip_prefix('-') {
        Some(rest) if allow_negative => rest,
        Some(_) => return false,
        None => text,
    };
    !digits.is_empty() && digits.bytes().all(|c| c.is_ascii_hexdigit())
}

/// The signed integer of a text accepted by [`is_hex_int`].
fn parse_hex(text: &str) -> BigInt {
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => (Sign::Minus, rest),
        None => (Sign::Plus, text),
    };
    let magnitude = BigUint::parse_bytes(digits.as_bytes(), 16).expect("checked hex digits");
    BigInt::from_biguint(sign, magnitude)
}

/// How a `SECRET_BLOCK` text must fare under the documented rule: RFC 4648 standard base64,
/// with the URL-safe characters `-` `_` read as `+` `/`, and `=` padding optional.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Base64Class {
    /// Canonical (zero trailing bits; full padding or none): must decode.
    Valid,
    /// Not base64 under any reading: must be refused.
    Invalid,
    /// Partial padding (`ab=`) or non-zero trailing bits (`YR`): decoders differ, either
    /// outcome is acceptable.
    Unspecified,
}

fn classify_base64(text: &str) -> Base64Class {
    fn sextet(c: u8) -> Option<u8> {
        match c {
            b'A'..=b'Z' => Some(c - b'A'),
            b'a'..=b'z' => Some(c - b'a' + 26),
            b'0'..=b'9' => Some(c - b'0' + 52),
            b'+' | b'-' => Some(62),
            b'/' | b'_' => Some(63),
            _ => None,
        }
    }
    let body = text.trim_end_matches('=');
    let padding = text.len() - body.len();
    let Some(values) = body.bytes().map(sextet).collect::<Option<Vec<u8>>>() else {
        return Base64Class::Invalid;
    };
    let canonical_padding = (4 - body.len() % 4) % 4;
    match body.len() % 4 {
        1 => return Base64Class::Invalid,
        0 if padding > 0 => return Base64Class::Invalid,
        _ if padding > 2 => return Base64Class::Invalid,
        _ => {}
    }
    let trailing_bits_mask = match body.len() % 4 {
        2 => 0x0f,
        3 => 0x03,
        _ => 0,
    };
    let trailing_bits_clear = values.last().is_none_or(|v| v & trailing_bits_mask == 0);
    if trailing_bits_clear && (padding == 0 || padding == canonical_padding) {
        Base64Class::Valid
    } else {
        Base64Class::Unspecified
    }
}

/// The bytes of a [`Base64Class::Valid`] text.
fn decode_base64(text: &str) -> Vec<u8> {
    let normalized: String = text
        .trim_end_matches('=')
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            other => other,
        })
        .collect();
    STANDARD_NO_PAD
        .decode(normalized)
        .expect("classified as valid base64")
}

/// Every outcome of `from_params` the documentation allows for `map`: parameters are
/// checked in the order `SALT`, `SRP_B`, `SECRET_BLOCK`, `USER_ID_FOR_SRP`, `USERNAME` and the first
/// problem is returned. More than one outcome only for [`Base64Class::Unspecified`].
fn allowed_outcomes(map: &HashMap<String, String>) -> Vec<Result<(), Error>> {
    let get = |k: &str| map.get(k).map(String::as_str);
    let missing = |name| vec![Err(Error::MissingParameter { name })];
    let malformed = |name| vec![Err(Error::MalformedParameter { name })];

    let Some(salt) = get(param::SALT) else {
        return missing(param::SALT);
    };
    if !is_hex_int(salt, true) {
        return malformed(param::SALT);
    }
    let Some(srp_b) = get(param::SRP_B) else {
        return missing(param::SRP_B);
    };
    if !is_hex_int(srp_b, false) {
        return malformed(param::SRP_B);
    }
    let b = parse_hex(srp_b).magnitude().clone();
    if b.bits() > 3072 {
        return malformed(param::SRP_B);
    }
    if (b % &*N).bits() == 0 {
        return vec![Err(Error::IllegalServerB)];
    }
    let Some(block) = get(param::SECRET_BLOCK) else {
        return missing(param::SECRET_BLOCK);
    };
    let mut outcomes = Vec::new();
    match classify_base64(block) {
        Base64Class::Invalid => return malformed(param::SECRET_BLOCK),
        Base64Class::Unspecified => outcomes.push(Err(Error::MalformedParameter {
            name: param::SECRET_BLOCK,
        })),
        Base64Class::Valid => {}
    }
    let rest = match (get(param::USER_ID_FOR_SRP), get(param::USERNAME)) {
        (None, _) => Err(Error::MissingParameter {
            name: param::USER_ID_FOR_SRP,
        }),
        (Some(""), _) => Err(Error::MalformedParameter {
            name: param::USER_ID_FOR_SRP,
        }),
        (Some(_), Some("")) => Err(Error::MalformedParameter {
            name: param::USERNAME,
        }),
        (Some(_), _) => Ok(()),
    };
    outcomes.push(rest);
    outcomes
}

/// Every intermediate of a claim, computed with `num-bigint` from the protocol's formulas.
struct OracleClaim {
    srp_a: String,
    u: Vec<u8>,
    x: Vec<u8>,
    s_padded: Vec<u8>,
    hkdf_key: [u8; 16],
    signature: String,
}

struct ClaimText<'a> {
    pool_name: &'a str,
    user_id_for_srp: &'a str,
    password: &'a str,
    salt: &'a str,
    srp_b: &'a str,
    secret_block: &'a [u8],
    timestamp: &'a str,
}

fn oracle_claim(a: &BigUint, c: &ClaimText<'_>) -> OracleClaim {
    let n = &*N;
    let g = BigUint::from(2u8);
    let k = BigUint::from_bytes_be(&sha256(&[
        &java_bytes_unsigned(n),
        &java_bytes_unsigned(&g),
    ]));
    let big_a = g.modpow(a, n);
    let big_b = parse_hex(c.srp_b).magnitude().clone();
    let u = sha256(&[&java_bytes_unsigned(&big_a), &java_bytes_unsigned(&big_b)]);
    let inner = sha256(&[
        c.pool_name.as_bytes(),
        c.user_id_for_srp.as_bytes(),
        b":",
        c.password.as_bytes(),
    ]);
    let x = sha256(&[&java_bytes(&parse_hex(c.salt)), &inner]);
    let u_int = BigUint::from_bytes_be(&u);
    let x_int = BigUint::from_bytes_be(&x);
    let k_v = (&k * g.modpow(&x_int, n)) % n;
    let base = ((&big_b % n) + n - k_v) % n;
    let s = base.modpow(&(a + &u_int * &x_int), n);
    let s_padded = java_bytes_unsigned(&s);
    let u_padded = java_bytes_unsigned(&u_int);
    let mut hkdf_key = [0u8; 16];
    Hkdf::<Sha256>::new(Some(&u_padded), &s_padded)
        .expand(b"Caldera Derived Key", &mut hkdf_key)
        .expect("16 bytes of HKDF output");
    let signature = hmac_sha256(
        &hkdf_key,
        &[
            c.pool_name.as_bytes(),
            c.user_id_for_srp.as_bytes(),
            c.secret_block,
            c.timestamp.as_bytes(),
        ],
    );
    OracleClaim {
        srp_a: big_a.to_str_radix(16),
        u: u.to_vec(),
        x: x.to_vec(),
        s_padded,
        hkdf_key,
        signature: STANDARD.encode(signature),
    }
}

const WEEKDAYS_FROM_SUNDAY: [&str; 7] = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Howard Hinnant's `civil_from_days`: (year, month 1..=12, day 1..=31) of a unix day number.
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// The `TIMESTAMP` of a unix second, computed without chrono.
fn oracle_timestamp(unix_secs: i64) -> String {
    let days = unix_secs.div_euclid(86_400);
    let secs_of_day = unix_secs.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let weekday = WEEKDAYS_FROM_SUNDAY[usize::try_from((days + 4).rem_euclid(7)).unwrap()];
    let month = MONTHS[usize::try_from(month - 1).unwrap()];
    let (h, m, s) = (secs_of_day / 3600, secs_of_day / 60 % 60, secs_of_day % 60);
    format!("{weekday} {month} {day} {h:02}:{m:02}:{s:02} UTC {year:04}")
}

/// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z as unix seconds.
const FIRST_SECOND: i64 = -62_135_596_800;
const LAST_SECOND: i64 = 253_402_300_799;

fn timestamp_at(unix_secs: i64, nanos: u32) -> Timestamp {
    Timestamp::from(DateTime::<Utc>::from_timestamp(unix_secs, nanos).expect("in chrono's range"))
}

// ---------------------------------------------------------------------------------------
// Strategies.
// ---------------------------------------------------------------------------------------

/// Hex texts as the server might spell them and some it should not: lowercase, uppercase,
/// odd length, leading zeros, a `-` prefix, 0 to ~800 digits, around the 768-digit limit,
/// and the special values 0 and N.
fn hexish() -> BoxedStrategy<String> {
    let digits = prop_oneof![
        "[0-9a-f]{0,64}",
        "[0-9a-fA-F]{0,800}",
        "[0-9A-F]{760,780}",
        "1[0]{760,770}",
        Just(N_HEX.clone()),
        Just(N_HEX.to_uppercase()),
    ];
    (prop::bool::weighted(0.15), "0{0,6}", digits)
        .prop_map(|(negative, zeros, digits)| {
            format!("{}{zeros}{digits}", if negative { "-" } else { "" })
        })
        .boxed()
}

/// Base64 of random bytes in each accepted spelling, and base64-alphabet soup.
fn base64ish() -> BoxedStrategy<String> {
    prop_oneof![
        3 => valid_secret_block(),
        1 => "[A-Za-z0-9+/=_-]{0,80}",
    ]
    .boxed()
}

/// Any value at all.
fn any_value() -> BoxedStrategy<String> {
    prop_oneof![
        3 => hexish(),
        3 => base64ish(),
        2 => any::<String>(),
        1 => Just(String::new()),
    ]
    .boxed()
}

fn valid_salt() -> BoxedStrategy<String> {
    (
        prop::bool::weighted(0.2),
        "0{0,4}",
        prop_oneof!["[0-9a-fA-F]{1,64}", "[0-9a-f]{1,800}"],
    )
        .prop_map(|(negative, zeros, digits)| {
            format!("{}{zeros}{digits}", if negative { "-" } else { "" })
        })
        .boxed()
}

/// `SRP_B` texts below 2^3072 and not 0 or N (so accepted), including values above N.
fn valid_srp_b() -> BoxedStrategy<String> {
    let digits = prop_oneof![
        "[1-9a-fA-F][0-9a-fA-F]{0,767}",
        "[89a-f][0-9a-f]{767}",
        // Between N and 2^3072: exercises the reduction mod N.
        "f{16}[d-f][0-9a-f]{751}",
    ];
    ("0{0,4}", digits)
        .prop_map(|(zeros, digits)| format!("{zeros}{digits}"))
        .boxed()
}

fn valid_secret_block() -> BoxedStrategy<String> {
    (vec(any::<u8>(), 0..300), 0..4usize)
        .prop_map(|(bytes, engine)| match engine {
            0 => STANDARD.encode(bytes),
            1 => STANDARD_NO_PAD.encode(bytes),
            2 => URL_SAFE.encode(bytes),
            _ => URL_SAFE_NO_PAD.encode(bytes),
        })
        .boxed()
}

fn valid_name() -> BoxedStrategy<String> {
    prop_oneof![
        "[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}",
        "[a-zA-Z0-9._@+-]{1,30}",
        "\\PC{1,16}",
    ]
    .boxed()
}

/// Mostly well-formed values for `key`, sometimes anything.
fn value_for(key: &'static str) -> BoxedStrategy<String> {
    let valid = match key {
        param::SALT => valid_salt(),
        param::SRP_B => valid_srp_b(),
        param::SECRET_BLOCK => valid_secret_block(),
        _ => valid_name(),
    };
    prop_oneof![5 => valid, 1 => any_value()].boxed()
}

fn junk_key() -> BoxedStrategy<String> {
    prop_oneof![
        Just("salt".to_owned()),
        Just("SRP_A".to_owned()),
        Just("PASSWORD".to_owned()),
        Just(String::new()),
        Just("SALT ".to_owned()),
        Just("USERNAME\0".to_owned()),
        any::<String>(),
    ]
    .boxed()
}

/// Challenge parameter maps: each of the five names present with high probability
/// (`USERNAME` half the time), plus unrelated keys.
fn challenge_map() -> impl Strategy<Value = HashMap<String, String>> {
    (
        prop::option::weighted(0.9, value_for(param::SALT)),
        prop::option::weighted(0.9, value_for(param::SRP_B)),
        prop::option::weighted(0.9, value_for(param::SECRET_BLOCK)),
        prop::option::weighted(0.9, value_for(param::USER_ID_FOR_SRP)),
        prop::option::weighted(0.5, value_for(param::USERNAME)),
        hash_map(junk_key(), any_value(), 0..4),
    )
        .prop_map(|(salt, srp_b, block, user_id, username, junk)| {
            let mut map = junk;
            for (key, value) in [
                (param::SALT, salt),
                (param::SRP_B, srp_b),
                (param::SECRET_BLOCK, block),
                (param::USER_ID_FOR_SRP, user_id),
                (param::USERNAME, username),
            ] {
                if let Some(value) = value {
                    map.insert(key.to_owned(), value);
                }
            }
            map
        })
}

/// A non-zero private ephemeral of 128 bytes, often with leading zero bytes (small `a`).
fn nonzero_a() -> impl Strategy<Value = Vec<u8>> {
    (vec(any::<u8>(), 128), 0..=127usize, 1..=255u8).prop_map(|(mut a, leading_zeros, last)| {
        a.iter_mut().take(leading_zeros).for_each(|b| *b = 0);
        if a.iter().all(|&b| b == 0) {
            a[127] = last;
        }
        a
    })
}

/// The fixed private ephemeral of the map properties.
fn fixed_a() -> [u8; 128] {
    core::array::from_fn(|i| {
        u8::try_from(i)
            .expect("< 128")
            .wrapping_mul(37)
            .wrapping_add(11)
    })
}

const POOL_ID: &str = "us-east-1_Abc";
const CLIENT_ID: &str = "client";

fn key_set(responses: &cognito_srp_auth::ChallengeResponses) -> BTreeSet<&str> {
    responses.iter().map(|(k, _)| k).collect()
}

fn expected_keys(with_secret: bool) -> BTreeSet<&'static str> {
    let mut keys = BTreeSet::from([
        param::USERNAME,
        param::PASSWORD_CLAIM_SECRET_BLOCK,
        param::PASSWORD_CLAIM_SIGNATURE,
        param::TIMESTAMP,
    ]);
    if with_secret {
        keys.insert(param::SECRET_HASH);
    }
    keys
}

// ---------------------------------------------------------------------------------------
// Properties.
// ---------------------------------------------------------------------------------------

#[test]
fn java_bytes_of_zero_is_one_zero_byte() {
    // Java's `BigInteger.ZERO.toByteArray()` is `[0]`. num-bigint agrees
    // (`BigInt::ZERO.to_signed_bytes_be() == [0]`), but pin the Java form explicitly rather
    // than rely on the oracle for it.
    assert_eq!(BigInt::from(0u8).to_signed_bytes_be(), [0u8]);
    for zero in [&[][..], &[0][..], &[0; 400][..]] {
        assert_eq!(
            cognito_srp_auth::to_java_bytes_vartime(zero),
            [0u8],
            "enc(0) of {} zero bytes",
            zero.len()
        );
        assert_eq!(cognito_srp_auth::to_minimal_hex_vartime(zero), "0");
    }
}

#[test]
fn timestamp_range_ends() {
    assert_eq!(
        timestamp_at(FIRST_SECOND, 0).as_str(),
        "Mon Jan 1 00:00:00 UTC 0001"
    );
    assert_eq!(
        timestamp_at(LAST_SECOND, 999_999_999).as_str(),
        "Fri Dec 31 23:59:59 UTC 9999"
    );
    assert_eq!(timestamp_at(0, 0).as_str(), "Thu Jan 1 00:00:00 UTC 1970");
    for secs in [
        FIRST_SECOND,
        LAST_SECOND,
        0,
        -1,
        951_782_400, /* 2000-02-29 */
    ] {
        assert_eq!(
            timestamp_at(secs, 0).as_str(),
            oracle_timestamp(secs),
            "unix second {secs}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn java_bytes_match_num_bigint(bytes in vec(any::<u8>(), 0..=400)) {
        let oracle = BigInt::from_bytes_be(Sign::Plus, &bytes).to_signed_bytes_be();
        prop_assert_eq!(cognito_srp_auth::to_java_bytes_vartime(&bytes), oracle);
    }

    #[test]
    fn java_bytes_with_leading_zeros_match_num_bigint(
        zeros in 0..8usize,
        bytes in vec(any::<u8>(), 0..=48),
    ) {
        let mut padded = vec![0u8; zeros];
        padded.extend_from_slice(&bytes);
        let oracle = BigInt::from_bytes_be(Sign::Plus, &padded).to_signed_bytes_be();
        prop_assert_eq!(cognito_srp_auth::to_java_bytes_vartime(&padded), oracle);
    }

    #[test]
    fn minimal_hex_matches_num_bigint(
        zeros in 0..8usize,
        bytes in vec(any::<u8>(), 0..=400),
    ) {
        let mut padded = vec![0u8; zeros];
        padded.extend_from_slice(&bytes);
        prop_assert_eq!(
            cognito_srp_auth::to_minimal_hex_vartime(&padded),
            BigUint::from_bytes_be(&padded).to_str_radix(16)
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn timestamp_matches_civil_date_oracle(
        secs in FIRST_SECOND..=LAST_SECOND,
        nanos in prop_oneof![Just(0u32), 0..1_000_000_000u32, Just(999_999_999u32)],
    ) {
        // Fractions of a second are truncated, never rounded.
        prop_assert_eq!(timestamp_at(secs, nanos).to_string(), oracle_timestamp(secs));
    }

    #[test]
    fn timestamp_of_a_leap_second_is_second_59(
        minute in (FIRST_SECOND / 60)..(LAST_SECOND / 60),
        nanos in 1_000_000_000..2_000_000_000u32,
    ) {
        // chrono represents a leap second as second 59 with nanos >= 10^9.
        let secs = minute * 60 + 59;
        prop_assert_eq!(timestamp_at(secs, nanos).to_string(), oracle_timestamp(secs));
    }

    #[test]
    fn arbitrary_maps_parse_or_fail_as_documented(map in challenge_map()) {
        let parsed = PasswordVerifierChallenge::from_params(|k| map.get(k).map(String::as_str));
        let outcome = parsed.as_ref().map(|_| ()).map_err(|e| *e);
        match outcome {
            Err(Error::MissingParameter { name }) => {
                prop_assert!(PARAMETER_NAMES[..4].contains(&name), "missing {name}");
            }
            Err(Error::MalformedParameter { name }) => {
                prop_assert!(PARAMETER_NAMES.contains(&name), "malformed {name}");
            }
            Ok(()) | Err(Error::IllegalServerB) => {}
            Err(other) => return Err(TestCaseError::fail(format!("undocumented {other:?}"))),
        }
        let allowed = allowed_outcomes(&map);
        prop_assert!(allowed.contains(&outcome), "got {:?}, allowed {:?}", outcome, allowed);
        if let Ok(challenge) = parsed {
            let user_id = &map[param::USER_ID_FOR_SRP];
            prop_assert_eq!(challenge.user_id_for_srp(), user_id);
            prop_assert_eq!(
                challenge.username(),
                map.get(param::USERNAME).unwrap_or(user_id).as_str()
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn srp_a_matches_modpow(a in nonzero_a()) {
        let key = hazmat::ephemeral_key_from_be_bytes(&a).expect("non-zero a");
        let oracle = BigUint::from(2u8).modpow(&BigUint::from_bytes_be(&a), &N);
        prop_assert_eq!(key.srp_a(), oracle.to_str_radix(16));
    }

    /// Maps that parse run through the whole claim: `Ok` with the documented keys (or
    /// `IllegalScrambler`, which no real input reaches), and every intermediate equal to the
    /// `num-bigint` oracle.
    #[test]
    fn parsed_maps_sign_like_the_oracle(
        map in challenge_map(),
        client_secret in prop::option::of("[!-~]{1,52}"),
        password in any::<String>(),
        secs in 0..=LAST_SECOND,
    ) {
        let parsed = PasswordVerifierChallenge::from_params(|k| map.get(k).map(String::as_str));
        let Ok(challenge) = parsed else {
            return Err(TestCaseError::reject("challenge does not parse"));
        };
        let block_text = &map[param::SECRET_BLOCK];
        prop_assume!(classify_base64(block_text) == Base64Class::Valid);

        let mut client = UserPoolClient::new(POOL_ID, CLIENT_ID).expect("valid pool id");
        if let Some(secret) = &client_secret {
            client = client.with_client_secret(ClientSecret::from(secret.as_str()));
        }
        let timestamp = timestamp_at(secs, 0);
        let key = hazmat::ephemeral_key_from_be_bytes(&fixed_a()).expect("non-zero a");
        let srp_a = key.srp_a().to_owned();
        let mut trace = Trace::default();
        let result = hazmat::password_verifier_traced(
            key, &client, &challenge, &Password::from(password.as_str()), &timestamp, &mut trace,
        );
        let responses = match result {
            Ok(responses) => responses,
            Err(Error::IllegalScrambler) => return Ok(()),
            Err(other) => return Err(TestCaseError::fail(format!("unexpected {other:?}"))),
        };
        prop_assert_eq!(key_set(&responses), expected_keys(client_secret.is_some()));

        let secret_block = decode_base64(block_text);
        let oracle = oracle_claim(&BigUint::from_bytes_be(&fixed_a()), &ClaimText {
            pool_name: client.pool_name(),
            user_id_for_srp: challenge.user_id_for_srp(),
            password: &password,
            salt: &map[param::SALT],
            srp_b: &map[param::SRP_B],
            secret_block: &secret_block,
            timestamp: timestamp.as_str(),
        });
        prop_assert_eq!(srp_a, oracle.srp_a, "SRP_A");
        prop_assert_eq!(trace.u(), &oracle.u[..], "u");
        prop_assert_eq!(trace.x(), &oracle.x[..], "x");
        prop_assert_eq!(trace.s_padded(), &oracle.s_padded[..], "enc(S)");
        prop_assert_eq!(trace.hkdf_key(), &oracle.hkdf_key[..], "HKDF key");
        prop_assert_eq!(
            responses.get(param::PASSWORD_CLAIM_SIGNATURE),
            Some(oracle.signature.as_str()),
            "signature"
        );
    }

    /// `SALT` (negative ones too, around the two's-complement byte boundaries) is hashed as
    /// Java's `BigInteger.toByteArray()` of the parsed integer, and the claim follows.
    #[test]
    fn salt_is_hashed_as_java_bytes(
        salt in prop_oneof![
            valid_salt(),
            "-?0{0,3}(1|7f|80|81|ff|100)(00){0,3}",
            "-[0-9a-fA-F]{1,40}",
        ],
        password in "\\PC{0,20}",
    ) {
        let params = HashMap::from([
            (param::SALT, salt.as_str()),
            (param::SRP_B, "9888c02422f3a7c1"),
            (param::SECRET_BLOCK, "c2VjcmV0"),
            (param::USER_ID_FOR_SRP, "user-id"),
        ]);
        let challenge = PasswordVerifierChallenge::from_params(|k| params.get(k).copied())
            .expect("valid challenge");
        let client = UserPoolClient::new(POOL_ID, CLIENT_ID).expect("valid pool id");
        let timestamp = timestamp_at(1_762_232_767, 0);
        let mut trace = Trace::default();
        let responses = hazmat::password_verifier_traced(
            hazmat::ephemeral_key_from_be_bytes(&fixed_a()).expect("non-zero a"),
            &client,
            &challenge,
            &Password::from(password.as_str()),
            &timestamp,
            &mut trace,
        )
        .expect("claim");
        prop_assert_eq!(trace.salt_padded(), &java_bytes(&parse_hex(&salt))[..], "enc(salt)");
        let oracle = oracle_claim(&BigUint::from_bytes_be(&fixed_a()), &ClaimText {
            pool_name: "Abc",
            user_id_for_srp: "user-id",
            password: &password,
            salt: &salt,
            srp_b: "9888c02422f3a7c1",
            secret_block: b"secret",
            timestamp: timestamp.as_str(),
        });
        prop_assert_eq!(trace.x(), &oracle.x[..], "x");
        prop_assert_eq!(
            responses.get(param::PASSWORD_CLAIM_SIGNATURE),
            Some(oracle.signature.as_str()),
            "signature"
        );
    }

    /// The responses carry the challenge's `USERNAME` (else `USER_ID_FOR_SRP`), the
    /// `SECRET_BLOCK` text as received, the `TIMESTAMP`, and a `SECRET_HASH` over that same
    /// `USERNAME`; a wrong password gives a different signature.
    #[test]
    fn responses_have_the_documented_structure(
        salt in valid_salt(),
        srp_b in valid_srp_b(),
        secret_block in valid_secret_block(),
        user_id in valid_name(),
        username in prop::option::of(valid_name()),
        (password, wrong_password) in (any::<String>(), any::<String>())
            .prop_filter("passwords differ", |(p, w)| p != w),
        pool_id in "[a-z]{2}-[a-z]{4,9}-[1-9]_[A-Za-z0-9]{1,12}",
        client_id in "[a-z0-9]{1,32}",
        client_secret in prop::option::of("[!-~]{1,52}"),
        a in nonzero_a(),
        secs in FIRST_SECOND..=LAST_SECOND,
        nanos in 0..1_000_000_000u32,
    ) {
        let mut params = HashMap::from([
            (param::SALT, salt.as_str()),
            (param::SRP_B, srp_b.as_str()),
            (param::SECRET_BLOCK, secret_block.as_str()),
            (param::USER_ID_FOR_SRP, user_id.as_str()),
        ]);
        if let Some(username) = &username {
            params.insert(param::USERNAME, username.as_str());
        }
        let challenge = PasswordVerifierChallenge::from_params(|k| params.get(k).copied())
            .expect("valid challenge");
        let mut client = UserPoolClient::new(&pool_id, &client_id).expect("valid pool id");
        if let Some(secret) = &client_secret {
            client = client.with_client_secret(ClientSecret::from(secret.as_str()));
        }
        let timestamp = timestamp_at(secs, nanos);
        let sign = |password: &str| {
            let key = hazmat::ephemeral_key_from_be_bytes(&a).expect("non-zero a");
            key.password_verifier(&client, &challenge, &Password::from(password), &timestamp)
                .expect("claim")
        };
        let responses = sign(&password);

        prop_assert_eq!(responses.challenge_name(), "PASSWORD_VERIFIER");
        prop_assert_eq!(key_set(&responses), expected_keys(client_secret.is_some()));
        prop_assert_eq!(responses.len(), expected_keys(client_secret.is_some()).len());
        let expected_username = username.as_deref().unwrap_or(&user_id);
        prop_assert_eq!(responses.get(param::USERNAME), Some(expected_username));
        prop_assert_eq!(
            responses.get(param::PASSWORD_CLAIM_SECRET_BLOCK).map(str::as_bytes),
            Some(secret_block.as_bytes())
        );
        prop_assert_eq!(responses.get(param::TIMESTAMP), Some(timestamp.as_str()));
        prop_assert_eq!(timestamp.as_str(), oracle_timestamp(secs));
        let signature = responses.get(param::PASSWORD_CLAIM_SIGNATURE).expect("signature");
        prop_assert_eq!(STANDARD.decode(signature).map(|s| s.len()), Ok(32));
        match &client_secret {
            Some(secret) => {
                let secret = ClientSecret::from(secret.as_str());
                let expected = secret_hash(expected_username, &client_id, &secret);
                prop_assert_eq!(responses.get(param::SECRET_HASH), Some(expected.as_str()));
                if expected_username != user_id {
                    let over_user_id = secret_hash(&user_id, &client_id, &secret);
                    prop_assert_ne!(responses.get(param::SECRET_HASH), Some(over_user_id.as_str()));
                }
            }
            None => prop_assert_eq!(responses.get(param::SECRET_HASH), None),
        }
        let as_map = BTreeMap::<String, String>::from(sign(&password));
        let as_pairs: BTreeMap<String, String> =
            responses.iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
        prop_assert_eq!(as_map, as_pairs, "same inputs, same responses");

        let wrong = sign(&wrong_password);
        prop_assert_ne!(
            wrong.get(param::PASSWORD_CLAIM_SIGNATURE),
            Some(signature),
            "a wrong password must change the signature"
        );
        for key in [param::USERNAME, param::PASSWORD_CLAIM_SECRET_BLOCK, param::TIMESTAMP] {
            prop_assert_eq!(wrong.get(key), responses.get(key));
        }
    }
}
