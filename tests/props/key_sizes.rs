//! The size of the private ephemerals: the crate draws `a` (and, server side, `b`) as 64
//! bytes, and keys of either size class (512 bits, as drawn; 1024 bits, as the official
//! clients and the test vectors have them) give `A`, the claim and the server's `S` the
//! independent `num-bigint` oracle computes.
#![cfg(all(feature = "hazmat", feature = "server"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::std_instead_of_core,
    clippy::std_instead_of_alloc
)]

use std::collections::BTreeMap;
use std::convert::Infallible;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{TimeZone, Utc};
use cognito_srp_auth::rand_core::{TryCryptoRng, TryRng};
use cognito_srp_auth::server::{ServerSrp, UserVerifier};
use cognito_srp_auth::{
    EphemeralKey, Password, PasswordVerifierChallenge, Timestamp, UserPoolClient, hazmat,
};
use num_bigint::BigUint;
use proptest::prelude::*;

use crate::oracle;

const POOL: &str = "us-east-1_KeySizes";
/// The pool name: the SRP realm of users.
const REALM: &str = "KeySizes";
const USER: &str = "0f0f0f0f-key-sizes";
const PASSWORD: &str = "Key-Sizes-1!";

/// An RNG that records the size of every request and fills it with a counter.
struct Recording {
    sizes: Vec<usize>,
    next: u8,
}

impl TryRng for Recording {
    type Error = Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        unreachable!("the crate draws bytes")
    }
    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        unreachable!("the crate draws bytes")
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        self.sizes.push(dst.len());
        for b in dst.iter_mut() {
            self.next = self.next.wrapping_add(37);
            *b = self.next | 1;
        }
        Ok(())
    }
}

impl TryCryptoRng for Recording {}

#[test]
fn the_crate_draws_64_byte_ephemerals() {
    let mut rng = Recording {
        sizes: Vec::new(),
        next: 0,
    };
    let key = EphemeralKey::from_rng(&mut rng).unwrap();
    assert_eq!(rng.sizes, [64]);
    // `a` is the 64 bytes drawn: A is the oracle's g^a of them.
    let mut replay = Recording {
        sizes: Vec::new(),
        next: 0,
    };
    let mut a = [0u8; 64];
    replay.try_fill_bytes(&mut a).unwrap();
    assert_eq!(
        key.srp_a(),
        oracle::srp_a(&BigUint::from_bytes_be(&a)).to_str_radix(16)
    );

    // The server draws `b` (64 bytes), then its 64-byte secret block.
    let verifier =
        UserVerifier::from_salt(POOL, USER, &Password::from(PASSWORD), &[1, 2, 3]).unwrap();
    let mut rng = Recording {
        sizes: Vec::new(),
        next: 0,
    };
    ServerSrp::for_user(&verifier, key.srp_a(), &mut rng).unwrap();
    assert_eq!(rng.sizes, [64, 64]);
}

/// A whole claim with `a` and `b` of the given sizes: `A` and `B` are the oracle's, the
/// client's signature is the oracle's, and the server (its `S` of a `b` of that size)
/// accepts it.
fn claim_agrees(a: &[u8], b: &[u8], salt: &[u8], block: &[u8]) {
    let n = oracle::n();
    let a_int = BigUint::from_bytes_be(a);
    let b_int = BigUint::from_bytes_be(b);
    let inner = oracle::sha256(&[REALM.as_bytes(), USER.as_bytes(), b":", PASSWORD.as_bytes()]);
    let salt_enc = oracle::enc(&BigUint::from_bytes_be(salt));
    let x = BigUint::from_bytes_be(&oracle::sha256(&[&salt_enc, &inner]));
    let v = oracle::verifier(&x);

    let key = hazmat::ephemeral_key_from_be_bytes(a).unwrap();
    assert_eq!(key.srp_a(), oracle::srp_a(&a_int).to_str_radix(16), "A");
    let server = hazmat::server_srp_from_parts(
        REALM,
        USER,
        &salt_enc,
        &v.to_bytes_be(),
        b,
        key.srp_a(),
        block,
    )
    .unwrap();
    let big_b = (oracle::k() * &v + oracle::g().modpow(&b_int, &n)) % &n;
    assert_eq!(server.srp_b(), big_b.to_str_radix(16), "B");

    let now = Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap();
    let timestamp = Timestamp::from(now);
    let params = BTreeMap::from([
        ("SALT", server.salt().to_owned()),
        ("SRP_B", server.srp_b().to_owned()),
        ("SECRET_BLOCK", STANDARD.encode(block)),
        ("USER_ID_FOR_SRP", USER.to_owned()),
    ]);
    let challenge =
        PasswordVerifierChallenge::from_params(|k| params.get(k).map(String::as_str)).unwrap();
    let client = UserPoolClient::new(POOL, "client").unwrap();
    let responses = key
        .password_verifier(&client, &challenge, &Password::from(PASSWORD), &timestamp)
        .unwrap();
    let expected = oracle::claim(
        &a_int,
        REALM,
        USER,
        PASSWORD,
        &salt_enc,
        &big_b,
        block,
        timestamp.as_str(),
    )
    .expect("B and u are not zero");
    assert_eq!(
        responses.get("PASSWORD_CLAIM_SIGNATURE"),
        Some(expected.signature.as_str()),
        "signature"
    );
    let answer: BTreeMap<&str, &str> = responses.iter().collect();
    assert_eq!(server.verify(|k| answer.get(k).copied(), now), Ok(()));
}

#[test]
fn both_size_classes_agree_with_the_oracle_at_the_extremes() {
    let block = [0x5a; 48];
    for (a, b) in [
        (vec![0xff; 64], vec![0xff; 64]),
        (vec![0xff; 128], vec![0xff; 128]),
        (vec![0xff; 64], vec![0xff; 128]),
        (vec![0x01; 128], vec![0x80; 64]),
        (vec![0x03], vec![0x05]),
    ] {
        claim_agrees(&a, &b, &[0x8c, 0xe8, 0x29], &block);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn both_size_classes_agree_with_the_oracle(
        a in prop::collection::vec(any::<u8>(), 64..=128),
        b in prop::collection::vec(any::<u8>(), 64..=128),
        salt in prop::collection::vec(any::<u8>(), 1..=16),
        block in prop::collection::vec(any::<u8>(), 1..=64),
    ) {
        prop_assume!(a.iter().any(|&x| x != 0));
        claim_agrees(&a, &b, &salt, &block);
    }
}
