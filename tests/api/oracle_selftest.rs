//! The `num-bigint` oracle of `tests/common/oracle.rs` against the published vectors, so
//! that the differential tests and the baseline benchmark rest on a checked reference.

#![allow(clippy::panic, clippy::expect_used, clippy::indexing_slicing)]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use num_bigint::BigUint;
use serde_json::Value;

use crate::data::{load, text};
use crate::oracle;

fn hex_int(text: &str) -> BigUint {
    oracle::from_hex(text).unwrap_or_else(|| panic!("not hex: {text}"))
}

fn cases(file: &Value) -> &Vec<Value> {
    file["cases"].as_array().expect("cases array")
}

#[test]
fn constants_match_the_vector_files() {
    let file = load("password_claim.json");
    assert_eq!(oracle::n(), hex_int(text(&file, &["constants", "N"])));
    assert_eq!(oracle::k(), hex_int(text(&file, &["constants", "k"])));
    assert_eq!(oracle::g(), hex_int(text(&file, &["constants", "g"])));
    assert_eq!(oracle::enc(&oracle::n()).len(), 385);
}

#[test]
fn enc_is_java_to_byte_array() {
    let table: [(u64, &[u8]); 8] = [
        (0, &[0x00]),
        (1, &[0x01]),
        (0x7f, &[0x7f]),
        (0x80, &[0x00, 0x80]),
        (0xff, &[0x00, 0xff]),
        (0x100, &[0x01, 0x00]),
        (0xa1b2c, &[0x0a, 0x1b, 0x2c]),
        (0x0001_2345, &[0x01, 0x23, 0x45]),
    ];
    for (n, expected) in table {
        assert_eq!(oracle::enc(&BigUint::from(n)), expected, "enc({n:#x})");
    }
}

#[test]
fn oracle_reproduces_password_claims() {
    let file = load("password_claim.json");
    let mut checked = 0;
    for case in cases(&file) {
        let id = text(case, &["id"]);
        let input = &case["input"];
        let params = &input["challenge_parameters"];
        let inter = &case["intermediate"];

        let (_, pool_name) = text(input, &["user_pool_id"])
            .split_once('_')
            .expect("pool id has a '_'");
        assert_eq!(pool_name, text(inter, &["pool_name"]), "{id}: pool name");
        let salt_enc = oracle::enc(&hex_int(text(params, &["SALT"])));
        assert_eq!(
            oracle::hex_bytes(&salt_enc),
            text(inter, &["salt_padded"]),
            "{id}: salt"
        );
        let secret_block = STANDARD
            .decode(text(params, &["SECRET_BLOCK"]))
            .expect("SECRET_BLOCK is base64");

        let claim = oracle::claim(
            &hex_int(text(input, &["a"])),
            pool_name,
            text(params, &["USER_ID_FOR_SRP"]),
            text(input, &["password"]),
            &salt_enc,
            &hex_int(text(params, &["SRP_B"])),
            &secret_block,
            text(input, &["timestamp"]),
        )
        .unwrap_or_else(|| panic!("{id}: oracle refused a valid case"));

        let hex = |n: &BigUint| n.to_str_radix(16);
        assert_eq!(
            hex(&claim.a_pub),
            text(case, &["expected", "SRP_A"]),
            "{id}: SRP_A"
        );
        assert_eq!(hex(&claim.u), text(inter, &["u"]), "{id}: u");
        assert_eq!(
            oracle::hex_bytes(&oracle::enc(&claim.u)),
            text(inter, &["u_padded"])
        );
        assert_eq!(hex(&claim.x), text(inter, &["x"]), "{id}: x");
        assert_eq!(hex(&claim.s), text(inter, &["S"]), "{id}: S");
        assert_eq!(
            oracle::hex_bytes(&claim.hkdf_key),
            text(inter, &["hkdf_key"]),
            "{id}: K"
        );
        assert_eq!(
            claim.signature,
            text(case, &["expected", "PASSWORD_CLAIM_SIGNATURE"]),
            "{id}: signature"
        );
        checked += 1;
    }
    assert!(
        checked >= 3,
        "expected at least 3 password_claim cases, found {checked}"
    );
}

#[test]
fn oracle_reproduces_srp_a() {
    let file = load("srp_a.json");
    let mut checked = 0;
    for case in cases(&file) {
        let id = text(case, &["id"]);
        let big_a = oracle::srp_a(&hex_int(text(case, &["input", "a"])));
        assert_eq!(
            big_a.to_str_radix(16),
            text(case, &["expected", "SRP_A"]),
            "{id}"
        );
        assert_eq!(
            oracle::hex_bytes(&oracle::enc(&big_a)),
            text(case, &["expected", "A_padded"]),
            "{id}"
        );
        checked += 1;
    }
    assert!(
        checked >= 3,
        "expected at least 3 srp_a cases, found {checked}"
    );
}

#[test]
fn oracle_reproduces_secret_hash() {
    let file = load("secret_hash.json");
    let mut checked = 0;
    for case in cases(&file) {
        let input = &case["input"];
        let hash = oracle::secret_hash(
            text(input, &["username"]),
            text(input, &["client_id"]),
            text(input, &["client_secret"]),
        );
        assert_eq!(
            hash,
            text(case, &["expected", "SECRET_HASH"]),
            "{}",
            text(case, &["id"])
        );
        checked += 1;
    }
    assert!(
        checked >= 3,
        "expected at least 3 secret_hash cases, found {checked}"
    );
}

#[test]
fn oracle_refuses_b_multiple_of_n() {
    let a = BigUint::from(7u32);
    for b in [BigUint::from(0u32), oracle::n(), oracle::n() * 2u32] {
        let claim = oracle::claim(&a, "pool", "user", "pw", &[1], &b, b"block", "ts");
        assert!(claim.is_none());
    }
}
