//! The SRP math shared by user and device claims, parameterised by `(realm, identity,
//! password)`: user claims use (pool name, `USER_ID_FOR_SRP`, password), device claims
//! (device group key, device key, device password).
//!
//! ```text
//! u    = int(H(enc(A) ‖ enc(B)))                          public, abort if 0
//! x    = int(H(enc(salt) ‖ H(realm ‖ identity ‖ ":" ‖ password)))
//! S    = (B − k·g^x mod N)^(a + u·x) mod N
//! K    = HKDF-SHA256(salt = enc(u), ikm = enc(S), info = "Caldera Derived Key")[..16]
//! sig  = b64(HMAC(K, realm ‖ identity ‖ secret block ‖ TIMESTAMP))
//! ```
//!
//! Every operation on `a`, `x`, `g^x`, `S`, the exponent and the key is constant time:
//! fixed-precision `crypto-bigint` arithmetic with public exponent bounds (512 bits for the `a`
//! this crate draws, 1024 for a 128-byte `a`; 256 for `x`; one more than `a`'s for `a + u·x`),
//! and SHA-256/HMAC, whose timing depends only on lengths.

use alloc::string::String;

use crypto_bigint::{U256, U512, U3072};
use hkdf::Hkdf;
use hmac::digest::Key;
use hmac::{Hmac, KeyInit as _, Mac as _};
use sha2::{Digest as _, Sha256};
use zeroize::{Zeroize as _, Zeroizing};

use crate::challenge::SrpParameters;
use crate::declassify::declassify;
use crate::encoding::{base64_encode, to_java_bytes_secret, to_java_bytes_vartime};
use crate::error::{Error, Result};
use crate::group::{EphemeralBits, pow_secret};
use crate::group::{LIMBS, Monty, PARAMS, k_monty, pow_g_256};
use crate::timestamp::Timestamp;

/// The HKDF `info` of Cognito's session key.
pub(crate) const HKDF_INFO: &[u8] = b"Caldera Derived Key";

/// HMAC-SHA-256 keyed with `key`, a key of any length: infallible by construction. RFC 2104
/// zero-pads a key of at most one block (64 bytes) to the block and hashes a longer one
/// first; this builds that block here (the length is public) and keys HMAC with exactly one
/// block through the infallible `KeyInit::new`. The block is wiped on drop.
pub(crate) fn hmac_sha256(key: &[u8]) -> Hmac<Sha256> {
    let mut block = Key::<Hmac<Sha256>>::default();
    let hashed;
    let key = if key.len() > block.len() {
        hashed = Zeroizing::new(<[u8; 32]>::from(Sha256::digest(key)));
        hashed.as_slice()
    } else {
        key
    };
    for (dst, src) in block.iter_mut().zip(key) {
        *dst = *src;
    }
    let mac = Hmac::<Sha256>::new(&block);
    block.as_mut_slice().zeroize();
    mac
}

/// Sees the intermediates of a claim: a no-op in production, a recorder for test vectors
/// ([`crate::hazmat`]).
pub(crate) trait Observer {
    /// `H(realm ‖ identity ‖ ":" ‖ password)`.
    fn identity_hash(&mut self, _value: &[u8; 32]) {}
    /// `enc(salt)`.
    fn salt_padded(&mut self, _value: &[u8]) {}
    /// `x` as 32 bytes.
    fn x(&mut self, _value: &[u8; 32]) {}
    /// `u` as 32 bytes.
    fn u(&mut self, _value: &[u8; 32]) {}
    /// `enc(u)`.
    fn u_padded(&mut self, _value: &[u8]) {}
    /// `enc(S)`.
    fn s_padded(&mut self, _value: &[u8]) {}
    /// The 16-byte HKDF key.
    fn hkdf_key(&mut self, _value: &[u8; 16]) {}
    /// `enc(v)` of a device verifier.
    fn verifier_padded(&mut self, _value: &[u8]) {}
}

/// The production observer: sees nothing.
pub(crate) struct Unobserved;

impl Observer for Unobserved {}

/// The strings and bytes a claim signs, besides the ephemeral key.
pub(crate) struct ClaimInput<'a> {
    /// Pool name, or device group key.
    pub(crate) realm: &'a str,
    /// `USER_ID_FOR_SRP`, or device key.
    pub(crate) identity: &'a str,
    /// The (user or device) password's UTF-8 bytes.
    pub(crate) password: &'a [u8],
    /// `SALT`, `SRP_B` and `SECRET_BLOCK` of the challenge.
    pub(crate) srp: &'a SrpParameters,
    /// The `TIMESTAMP`.
    pub(crate) timestamp: &'a Timestamp,
}

/// `u = int(H(enc(A) ‖ enc(B)))`, refused when zero. Public. The one computation of `u`, for
/// the client's claims and the server's check alike.
pub(crate) fn scrambler(a_enc: &[u8], b_enc: &[u8]) -> Result<[u8; 32]> {
    let mut h = Sha256::new();
    h.update(a_enc);
    h.update(b_enc);
    let u: [u8; 32] = h.finalize().into();
    if u == [0u8; 32] {
        return Err(Error::IllegalScrambler);
    }
    Ok(u)
}

/// `H(realm ‖ identity ‖ ":" ‖ password)`.
pub(crate) fn identity_hash(realm: &str, identity: &str, password: &[u8]) -> Zeroizing<[u8; 32]> {
    let mut h = Sha256::new();
    h.update(realm.as_bytes());
    h.update(identity.as_bytes());
    h.update(b":");
    h.update(password);
    Zeroizing::new(h.finalize().into())
}

/// `x = H(enc(salt) ‖ identity hash)` as 32 bytes.
pub(crate) fn private_key(salt_enc: &[u8], identity_hash: &[u8; 32]) -> Zeroizing<[u8; 32]> {
    let mut h = Sha256::new();
    h.update(salt_enc);
    h.update(identity_hash);
    Zeroizing::new(h.finalize().into())
}

/// `x = int(H(enc(salt) ‖ H(realm ‖ identity ‖ ":" ‖ password)))`: the one derivation of `x`,
/// for the client's claims, device registration and the server's verifiers alike.
pub(crate) fn derive_x(
    realm: &str,
    identity: &str,
    password: &[u8],
    salt_enc: &[u8],
    observer: &mut impl Observer,
) -> Zeroizing<U256> {
    let inner = identity_hash(realm, identity, password);
    observer.identity_hash(&inner);
    let x_bytes = private_key(salt_enc, &inner);
    observer.x(&x_bytes);
    Zeroizing::new(U256::from_be_slice(x_bytes.as_ref()))
}

/// `g^x mod N`, in Montgomery form (fixed-base, constant time in `x`).
pub(crate) fn verifier(x: &U256) -> Zeroizing<Monty> {
    Zeroizing::new(pow_g_256(x))
}

/// `S = (B − k·g^x mod N)^(a + u·x) mod N`. The exponent's public bit bound is one more than
/// `a`'s size class (`u·x < 2^512 ≤ 2^bits`): 513 for a 512-bit `a`, 1025 for a 1024-bit one.
pub(crate) fn premaster(
    a: &U3072,
    a_bits: EphemeralBits,
    b: &U3072,
    u: &U256,
    x: &U256,
) -> Zeroizing<U3072> {
    let v = verifier(x);
    let k_v = Zeroizing::new(k_monty().mul(&v));
    let base = Zeroizing::new(Monty::new(b, &PARAMS).sub(&k_v));
    let u_x: Zeroizing<U512> = Zeroizing::new(u.concatenating_mul(x));
    let exponent = Zeroizing::new(a.wrapping_add(&u_x.resize::<LIMBS>()));
    Zeroizing::new(pow_secret(&base, &exponent, a_bits.bits() + 1).retrieve())
}

/// `HKDF-SHA256(salt = enc(u), ikm = enc(S), info = "Caldera Derived Key")`, 16 bytes.
pub(crate) fn session_key(u_enc: &[u8], s_enc: &[u8]) -> Zeroizing<[u8; 16]> {
    let mut okm = Zeroizing::new([0u8; 16]);
    let ok = Hkdf::<Sha256>::new(Some(u_enc), s_enc)
        .expand(HKDF_INFO, okm.as_mut())
        .is_ok();
    // `expand` fails only for more than 255 blocks of output; 16 bytes is one block.
    debug_assert!(ok, "HKDF expand of 16 bytes cannot fail");
    okm
}

/// `HMAC(K, realm ‖ identity ‖ secret block ‖ TIMESTAMP)`, the 32 signature bytes.
pub(crate) fn signature_bytes(
    key: &[u8; 16],
    realm: &str,
    identity: &str,
    secret_block: &[u8],
    timestamp: &str,
) -> [u8; 32] {
    let mut mac = hmac_sha256(key);
    mac.update(realm.as_bytes());
    mac.update(identity.as_bytes());
    mac.update(secret_block);
    mac.update(timestamp.as_bytes());
    mac.finalize().into_bytes().into()
}

/// The claim signature for the secret ephemeral `a` (of size class `a_bits`) and its public
/// `enc(A)`. The only checks are on public values and come before any secret-dependent work.
pub(crate) fn claim_signature(
    a: &U3072,
    a_bits: EphemeralBits,
    a_enc: &[u8],
    input: &ClaimInput<'_>,
    observer: &mut impl Observer,
) -> Result<String> {
    let u_bytes = scrambler(a_enc, &input.srp.srp_b.enc)?;
    let u_enc = to_java_bytes_vartime(&u_bytes);
    observer.u(&u_bytes);
    observer.u_padded(&u_enc);
    observer.salt_padded(&input.srp.salt_enc);

    let x = derive_x(
        input.realm,
        input.identity,
        input.password,
        &input.srp.salt_enc,
        observer,
    );
    let u = U256::from_be_slice(&u_bytes);
    let s = premaster(a, a_bits, &input.srp.srp_b.reduced, &u, &x);
    let s_enc = to_java_bytes_secret(&s);
    observer.s_padded(&s_enc);

    let k = session_key(&u_enc, &s_enc);
    observer.hkdf_key(&k);
    let mut signature = signature_bytes(
        &k,
        input.realm,
        input.identity,
        &input.srp.secret_block_bytes,
        input.timestamp.as_str(),
    );
    // Declassified: the signature is public by protocol (`PASSWORD_CLAIM_SIGNATURE`).
    declassify(&mut signature);
    Ok(base64_encode(&signature))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys of every length from empty to three blocks give the MAC that `new_from_slice`
    /// gives, and RFC 4231 test case 6 (a 131-byte key, hashed first) its published value.
    #[test]
    fn hmac_keys_of_any_length() {
        let message = b"Test Using Larger Than Block-Size Key - Hash Key First";
        for len in 0..=192u8 {
            let key: alloc::vec::Vec<u8> = (0..len).map(|i: u8| i.wrapping_mul(7) ^ 3).collect();
            let Ok(mut reference) = Hmac::<Sha256>::new_from_slice(&key) else {
                unreachable!("HMAC takes keys of any length");
            };
            let mut ours = hmac_sha256(&key);
            reference.update(message);
            ours.update(message);
            assert_eq!(
                ours.finalize().into_bytes(),
                reference.finalize().into_bytes(),
                "{len}"
            );
        }
        let mut mac = hmac_sha256(&[0xaa; 131]);
        mac.update(message);
        let expected = "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54";
        let hex: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| alloc::format!("{b:02x}"))
            .collect();
        assert_eq!(hex, expected);
    }
}
