//! The three modular exponentiations of a sign-in, alone, against the `num-bigint` oracle:
//! `g^a` (512-bit `a`, as the crate draws it, and 1024-bit `a`, as the official clients do: two
//! comb tables each), `g^x` (256-bit `x`, one comb table) and `S = (B − k·g^x)^(a + u·x)`
//! (variable base, 513- or 1025-bit exponent).
//!
//! The comb reads the exponent as 8 rows of 64, 128 (or 32) bits, split between tables in
//! the middle of each row: exponents with bits on each side of those boundaries, all ones, and single bits
//! everywhere catch an off-by-one in the column/row/table mapping that a random exponent might
//! hide; random exponents (proptest) cover the rest.
#![cfg(feature = "hazmat")]
#![allow(clippy::expect_used, clippy::indexing_slicing)]

use cognito_srp_auth::hazmat;
use num_bigint::BigUint;
use proptest::prelude::*;

use crate::oracle;

/// Big-endian bytes of `n`, left-padded to `L` bytes.
fn padded<const L: usize>(n: &BigUint) -> [u8; L] {
    let magnitude = n.to_bytes_be();
    let mut out = [0u8; L];
    out[L - magnitude.len()..].copy_from_slice(&magnitude);
    out
}

fn check_g_pow_a(a: &[u8; 128]) {
    let expected = padded::<384>(&oracle::srp_a(&BigUint::from_bytes_be(a)));
    assert_eq!(*hazmat::pow_g_1024(a), expected, "g^a for a = {a:02x?}");
}

fn check_g_pow_a_512(a: &[u8; 64]) {
    let expected = padded::<384>(&oracle::srp_a(&BigUint::from_bytes_be(a)));
    assert_eq!(*hazmat::pow_g_512(a), expected, "g^a for a = {a:02x?}");
}

fn check_g_pow_x(x: &[u8; 32]) {
    let expected = padded::<384>(&oracle::verifier(&BigUint::from_bytes_be(x)));
    assert_eq!(*hazmat::pow_g_256(x), expected, "g^x for x = {x:02x?}");
}

fn check_premaster(a: &[u8; 128], b: &[u8; 384], u: &[u8; 32], x: &[u8; 32]) {
    let expected = oracle::premaster(
        &BigUint::from_bytes_be(a),
        &BigUint::from_bytes_be(b),
        &BigUint::from_bytes_be(u),
        &BigUint::from_bytes_be(x),
    );
    assert_eq!(
        *hazmat::premaster_secret(a, b, u, x),
        padded::<384>(&expected),
        "S"
    );
}

fn check_premaster_512(a: &[u8; 64], b: &[u8; 384], u: &[u8; 32], x: &[u8; 32]) {
    let expected = oracle::premaster(
        &BigUint::from_bytes_be(a),
        &BigUint::from_bytes_be(b),
        &BigUint::from_bytes_be(u),
        &BigUint::from_bytes_be(x),
    );
    assert_eq!(
        *hazmat::premaster_secret_512(a, b, u, x),
        padded::<384>(&expected),
        "S (512-bit a)"
    );
}

/// A big-endian `L`-byte integer with exactly bit `bit` (from the least significant) set.
fn single_bit<const L: usize>(bit: usize) -> [u8; L] {
    let mut out = [0u8; L];
    out[L - 1 - bit / 8] = 1 << (bit % 8);
    out
}

/// `check` on every single-bit `a` of `L` bytes, on 0 and all ones, and on `a` with all ones in
/// one comb table's half-rows and zeros in the other's, both ways round: the exponent is read
/// as 8 rows of `L` bits, and the second table starts half-way through each row.
fn every_single_bit_and_the_extremes<const L: usize>(check: fn(&[u8; L])) {
    for bit in 0..8 * L {
        check(&single_bit::<L>(bit));
    }
    check(&[0; L]);
    check(&[0xff; L]);
    let half_row_bytes = L / 16;
    let mut halves = [0u8; L];
    for (i, byte) in halves.iter_mut().enumerate() {
        // Byte i (big-endian) holds bits 8·(L − 1 − i)….
        *byte = if (L - 1 - i) % (2 * half_row_bytes) < half_row_bytes {
            0xff
        } else {
            0x00
        };
    }
    check(&halves);
    check(&halves.map(|b| !b));
}

#[test]
fn g_pow_a_of_every_single_bit_and_of_the_extremes() {
    every_single_bit_and_the_extremes::<128>(check_g_pow_a);
}

#[test]
fn g_pow_a_512_of_every_single_bit_and_of_the_extremes() {
    every_single_bit_and_the_extremes::<64>(check_g_pow_a_512);
}

#[test]
fn g_pow_x_of_every_single_bit_and_of_the_extremes() {
    for bit in 0..256 {
        check_g_pow_x(&single_bit::<32>(bit));
    }
    check_g_pow_x(&[0; 32]);
    check_g_pow_x(&[0xff; 32]);
    check_g_pow_x(&[0x5a; 32]);
}

#[test]
fn premaster_at_the_edges_of_b_and_the_exponent() {
    let n = oracle::n();
    let ones_a = [0xff; 128];
    let ones_32 = [0xff; 32];
    let some_b = padded::<384>(&(&n / 3u32));
    // The largest exponent a + u·x (1025 bits).
    check_premaster(&ones_a, &some_b, &ones_32, &ones_32);
    // B = 0, B = N − 1, B = N (≡ 0) and B = 2^3072 − 1 (above N): the base is reduced.
    for b in [
        BigUint::from(0u32),
        &n - 1u32,
        n.clone(),
        (BigUint::from(1u32) << 3072) - 1u32,
    ] {
        check_premaster(&ones_a, &padded::<384>(&b), &ones_32, &ones_32);
    }
    // Exponent 0: S = 1.
    check_premaster(&[0; 128], &some_b, &[0; 32], &ones_32);
    // The 512-bit class: the largest exponent (513 bits: 2^512 − 1 + (2^256 − 1)^2), the
    // edges of B, exponent 0.
    let ones_64 = [0xff; 64];
    check_premaster_512(&ones_64, &some_b, &ones_32, &ones_32);
    for b in [&n - 1u32, n.clone(), (BigUint::from(1u32) << 3072) - 1u32] {
        check_premaster_512(&ones_64, &padded::<384>(&b), &ones_32, &ones_32);
    }
    check_premaster_512(&[0; 64], &some_b, &[0; 32], &ones_32);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn g_pow_a_matches_modpow(a in prop::collection::vec(any::<u8>(), 128)) {
        check_g_pow_a(&a.try_into().expect("128 bytes"));
    }

    #[test]
    fn g_pow_a_512_matches_modpow(a in prop::collection::vec(any::<u8>(), 64)) {
        check_g_pow_a_512(&a.try_into().expect("64 bytes"));
    }

    #[test]
    fn premaster_512_matches_modpow(
        a in prop::collection::vec(any::<u8>(), 64),
        b in prop::collection::vec(any::<u8>(), 384),
        u in prop::array::uniform32(any::<u8>()),
        x in prop::array::uniform32(any::<u8>()),
    ) {
        let a: [u8; 64] = a.try_into().expect("64 bytes");
        let b: [u8; 384] = b.try_into().expect("384 bytes");
        check_premaster_512(&a, &b, &u, &x);
    }

    #[test]
    fn g_pow_x_matches_modpow(x in prop::array::uniform32(any::<u8>())) {
        check_g_pow_x(&x);
    }

    #[test]
    fn premaster_matches_modpow(
        a in prop::collection::vec(any::<u8>(), 128),
        b in prop::collection::vec(any::<u8>(), 384),
        u in prop::array::uniform32(any::<u8>()),
        x in prop::array::uniform32(any::<u8>()),
    ) {
        let a: [u8; 128] = a.try_into().expect("128 bytes");
        let b: [u8; 384] = b.try_into().expect("384 bytes");
        check_premaster(&a, &b, &u, &x);
    }
}
