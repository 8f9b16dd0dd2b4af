//! `hazmat::pow_g_1024`, the raw fixed-base `g^a mod N` as 384 big-endian bytes: against every
//! case of the shared `srp_a` vectors (whose `SRP_A` four independent clients agree on), against
//! `EphemeralKey`'s `SRP_A` for the same `a`, and against the `num-bigint` oracle.

#![allow(clippy::panic, clippy::expect_used, clippy::indexing_slicing)]

use cognito_srp_auth::hazmat;
use num_bigint::BigUint;

use crate::data::load;
use crate::oracle;

/// Big-endian bytes of a hex integer, left-padded to `N` bytes.
fn padded<const N: usize>(hex: &str) -> [u8; N] {
    let magnitude = oracle::from_hex(hex)
        .unwrap_or_else(|| panic!("not hex: {hex}"))
        .to_bytes_be();
    let mut out = [0u8; N];
    out[N - magnitude.len()..].copy_from_slice(&magnitude);
    out
}

/// Big-endian bytes of `n`, left-padded to 384 bytes.
fn padded_384(n: &BigUint) -> [u8; 384] {
    padded::<384>(&n.to_str_radix(16))
}

#[test]
fn every_srp_a_vector() {
    let doc = load("srp_a.json");
    let cases = doc["cases"].as_array().expect("cases");
    let mut checked = 0;
    for case in cases {
        let id = case["id"].as_str().expect("id");
        let a = padded::<128>(case["input"]["a"].as_str().expect("a"));
        let expected_hex = case["expected"]["SRP_A"].as_str().expect("SRP_A");
        let got = hazmat::pow_g_1024(&a);
        assert_eq!(*got, padded::<384>(expected_hex), "{id}");
        // The same value as the `SRP_A` of an `EphemeralKey` with this `a`.
        let key = hazmat::ephemeral_key_from_be_bytes(&a).expect("a ≠ 0");
        assert_eq!(
            cognito_srp_auth::to_minimal_hex_vartime(&*got),
            key.srp_a(),
            "{id}"
        );
        assert_eq!(key.srp_a(), expected_hex, "{id}");
        checked += 1;
    }
    assert_eq!(checked, 42);
}

#[test]
fn exact_small_and_extreme_exponents() {
    // a = 0: g^0 = 1 (the raw function has no a ≠ 0 check).
    let mut one = [0u8; 384];
    one[383] = 1;
    assert_eq!(*hazmat::pow_g_1024(&[0u8; 128]), one);
    // a = 1, 2, 10: 2, 4, 1024 = 0x0400.
    for (a, tail) in [(1u8, &[0x02][..]), (2, &[0x04]), (10, &[0x04, 0x00])] {
        let mut exponent = [0u8; 128];
        exponent[127] = a;
        let mut expected = [0u8; 384];
        expected[384 - tail.len()..].copy_from_slice(tail);
        assert_eq!(*hazmat::pow_g_1024(&exponent), expected, "a = {a}");
    }
    // a = 2^1023 (the dudect fixed class) and a = 2^1024 − 1 are the vectors' srp_a-017 and
    // srp_a-018, checked above.
}

/// `SplitMix64`, for reproducible test exponents.
fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[test]
fn agrees_with_the_num_bigint_oracle() {
    let mut state = 0x5eed_9a11;
    for round in 0..16 {
        let mut a = [0u8; 128];
        for chunk in a.chunks_mut(8) {
            chunk.copy_from_slice(&splitmix(&mut state).to_be_bytes());
        }
        // Also exponents with leading zero bytes.
        a[..round].fill(0);
        let expected = oracle::srp_a(&BigUint::from_bytes_be(&a));
        assert_eq!(
            *hazmat::pow_g_1024(&a),
            padded_384(&expected),
            "round {round}"
        );
    }
}
