//! The differential oracle: a straightforward, variable-time reimplementation of the Cognito
//! user SRP password claim (the formulas of `src/srp.rs`'s module docs) on `num-bigint`, the engine of the existing
//! Rust Cognito crates. It shares no code with the crate under test.
//!
//! It is also the performance baseline of `benches/srp.rs`.
// Each test binary uses a different part; `pub` items of a private module; test code may
// `expect` on operations that cannot fail.
#![allow(dead_code, unreachable_pub, clippy::expect_used)]

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hkdf::Hkdf;
use hmac::{Hmac, KeyInit as _, Mac as _};
use num_bigint::BigUint;
use sha2::{Digest as _, Sha256};

/// `N` as hex (RFC 3526 group 15, 3072 bits).
const N_HEX: &str = concat!(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74",
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437",
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED",
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05",
    "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB",
    "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B",
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718",
    "3995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33",
    "A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7",
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864",
    "D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2",
    "08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A93AD2CAFFFFFFFFFFFFFFFF",
);

/// The generator `g = 2`.
const G: u32 = 2;

/// The HKDF `info` of the session key.
const HKDF_INFO: &[u8] = b"Caldera Derived Key";

/// `n == 0`, without pulling in `num-traits`.
fn is_zero(n: &BigUint) -> bool {
    n.bits() == 0
}

/// Parse hexadecimal text (case-insensitive, any length, leading zeros allowed) as an
/// unsigned integer. `None` for empty or non-hex text.
pub fn from_hex(text: &str) -> Option<BigUint> {
    BigUint::parse_bytes(text.as_bytes(), 16)
}

/// Lowercase hex of raw bytes (fixed width: two digits a byte).
pub fn hex_bytes(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The prime modulus `N`.
pub fn n() -> BigUint {
    from_hex(N_HEX).expect("N_HEX is hex")
}

/// `g = 2` as an integer.
pub fn g() -> BigUint {
    BigUint::from(G)
}

/// `H(m)`: SHA-256.
pub fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut h = Sha256::new();
    for part in parts {
        h.update(part);
    }
    h.finalize().into()
}

/// `enc(n)`: Java `BigInteger.toByteArray()` of a non-negative integer: minimal big-endian
/// bytes, one `00` prepended when the top bit of the first byte is set, `[0]` for zero.
pub fn enc(n: &BigUint) -> Vec<u8> {
    // `to_bytes_be` of zero is `[0]`.
    let mut bytes = n.to_bytes_be();
    if bytes.first().is_some_and(|&b| b & 0x80 != 0) {
        bytes.insert(0, 0);
    }
    bytes
}

/// The SRP-6a multiplier `k = int(H(enc(N) ‖ enc(g)))`, computed (not pinned).
pub fn k() -> BigUint {
    BigUint::from_bytes_be(&sha256(&[&enc(&n()), &enc(&g())]))
}

/// `A = g^a mod N`.
pub fn srp_a(a: &BigUint) -> BigUint {
    g().modpow(a, &n())
}

/// A verifier `v = g^x mod N`.
pub fn verifier(x: &BigUint) -> BigUint {
    g().modpow(x, &n())
}

/// The premaster secret `S = (B − k·g^x mod N)^(a + u·x) mod N`.
#[allow(clippy::many_single_char_names)]
pub fn premaster(a: &BigUint, b: &BigUint, u: &BigUint, x: &BigUint) -> BigUint {
    let n = n();
    let k_v = (k() * verifier(x)) % &n;
    // Reduce into [0, N) before exponentiating: B − k·v is usually negative.
    let base = ((b % &n) + &n - k_v) % &n;
    base.modpow(&(a + u * x), &n)
}

/// Every value of one password claim.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OracleClaim {
    /// `A = g^a mod N`.
    pub a_pub: BigUint,
    /// `u = int(H(enc(A) ‖ enc(B)))`.
    pub u: BigUint,
    /// `x = int(H(enc(salt) ‖ H(pool ‖ user ‖ ":" ‖ password)))`.
    pub x: BigUint,
    /// `S = (B − k·g^x mod N)^(a + u·x) mod N`.
    pub s: BigUint,
    /// `HKDF-SHA256(salt = enc(u), ikm = enc(S), info = "Caldera Derived Key")`, 16 bytes.
    pub hkdf_key: [u8; 16],
    /// `b64(HMAC-SHA256(K, pool ‖ user ‖ secret block ‖ timestamp))`.
    pub signature: String,
}

/// The user password claim, from the private ephemeral `a` (A is computed here, as the peers
/// do during sign-in). `salt_enc` is `enc(salt)`, `b` the integer `SRP_B`, `secret_block`
/// the base64-decoded `SECRET_BLOCK`. `None` when `B ≡ 0 (mod N)` or `u = 0`.
#[allow(clippy::too_many_arguments, clippy::many_single_char_names)]
pub fn claim(
    a: &BigUint,
    pool_name: &str,
    user_id: &str,
    password: &str,
    salt_enc: &[u8],
    b: &BigUint,
    secret_block: &[u8],
    timestamp: &str,
) -> Option<OracleClaim> {
    let n = n();
    let a_pub = srp_a(a);
    if is_zero(&(b % &n)) {
        return None;
    }
    let u = BigUint::from_bytes_be(&sha256(&[&enc(&a_pub), &enc(b)]));
    if is_zero(&u) {
        return None;
    }
    let inner = sha256(&[
        pool_name.as_bytes(),
        user_id.as_bytes(),
        b":",
        password.as_bytes(),
    ]);
    let x = BigUint::from_bytes_be(&sha256(&[salt_enc, &inner]));

    let s = premaster(a, b, &u, &x);

    let mut hkdf_key = [0u8; 16];
    Hkdf::<Sha256>::new(Some(&enc(&u)), &enc(&s))
        .expand(HKDF_INFO, &mut hkdf_key)
        .expect("16 bytes is one HKDF block");

    let mut mac = Hmac::<Sha256>::new_from_slice(&hkdf_key).expect("HMAC takes any key length");
    mac.update(pool_name.as_bytes());
    mac.update(user_id.as_bytes());
    mac.update(secret_block);
    mac.update(timestamp.as_bytes());
    let signature = STANDARD.encode(mac.finalize().into_bytes());

    Some(OracleClaim {
        a_pub,
        u,
        x,
        s,
        hkdf_key,
        signature,
    })
}

/// `SECRET_HASH = b64(HMAC-SHA256(key = client secret, username ‖ client id))`.
pub fn secret_hash(username: &str, client_id: &str, client_secret: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(client_secret.as_bytes()).expect("HMAC takes any key");
    mac.update(username.as_bytes());
    mac.update(client_id.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}
