//! ⚠️ Low-level access for known-answer tests: **easy to misuse**.
//!
//! These items let a test inject the private ephemeral `a` (or the server's `b`) and observe
//! every secret intermediate of a claim (`x`, `S`, the session key). Production code never
//! needs them: a fixed `a` destroys the security of SRP, and the intermediates are secrets.
//! They are behind the `hazmat` feature and exempt from SemVer guarantees.
//!
//! The contract of every item here: what goes in as a secret (`a`, `b`, `x`, random bytes)
//! must be a fresh value from a cryptographically secure RNG used for one exchange only, or a
//! published test value used in a test; what comes out as a secret (a [`Trace`], a power of
//! `g`, `S`) is wiped on drop and must not be logged or copied out. Each function computes
//! exactly what its production counterpart computes, with the same constant-time arithmetic
//! and the same checks, unless its documentation says otherwise.

use alloc::vec::Vec;
use core::fmt;

use zeroize::Zeroizing;

use crate::encoding::u3072_from_be_array;
use crate::error::Result;
use crate::srp::Observer;
use crate::{
    ChallengeResponses, DevicePasswordVerifierChallenge, DeviceSecretVerifierConfig, EphemeralKey,
    Password, PasswordVerifierChallenge, RememberedDevice, Timestamp, UserPoolClient,
};

/// An ephemeral key with a chosen `a` (big-endian, at most 128 bytes). Up to 64 bytes it is a
/// 512-bit key, as the crate draws them; 65 to 128 bytes a 1024-bit one, as the official
/// clients draw them (the test vectors). The size class follows the length, never the value.
///
/// Contract: `a` is secret and used for one claim only; a known or repeated `a` lets an
/// eavesdropper test password guesses offline.
///
/// # Errors
/// [`crate::Error::IllegalEphemeral`] for more than 128 bytes or `a = 0`.
pub fn ephemeral_key_from_be_bytes(a: &[u8]) -> Result<EphemeralKey> {
    EphemeralKey::from_be_bytes(a)
}

/// `g^a mod N` for a secret `a` of 128 big-endian bytes (`0 ≤ a < 2^1024`): the raw
/// fixed-base exponentiation behind `A`, as the 384 big-endian bytes of the result, leading
/// zeros kept (no `enc`, no hex, no check that `a ≠ 0`: `a = 0` gives 1).
///
/// Constant time in `a`, like every exponentiation of the crate, and with nothing
/// data-dependent after it: this is the entry point of the `ct/` harness and of the dudect
/// tests `raw_g_pow_a*`, which time the exponentiation without the variable-time encoding of the
/// public `SRP_A` that [`ephemeral_key_from_be_bytes`] also performs. The result is wiped on
/// drop (for an `a` that is not an SRP ephemeral it may be a secret).
///
/// ```
/// let mut a = [0u8; 128];
/// a[127] = 3;
/// let big_a = cognito_srp_auth::hazmat::pow_g_1024(&a);
/// assert_eq!(big_a[383], 8); // 2^3
/// assert!(big_a[..383].iter().all(|&b| b == 0));
/// ```
#[must_use]
pub fn pow_g_1024(a: &[u8; 128]) -> Zeroizing<[u8; 384]> {
    pow_g_of(a, crate::group::pow_g_1024)
}

/// [`pow_g_1024`] for a 64-byte `a` (`0 ≤ a < 2^512`), the size this crate draws: the
/// 512-bit fixed-base tables, half the work. Same contract.
///
/// ```
/// let mut a = [0u8; 64];
/// a[63] = 5;
/// let big_a = cognito_srp_auth::hazmat::pow_g_512(&a);
/// assert_eq!(big_a[383], 32); // 2^5
/// ```
#[must_use]
pub fn pow_g_512(a: &[u8; 64]) -> Zeroizing<[u8; 384]> {
    pow_g_of(a, crate::group::pow_g_512)
}

/// A fixed-base power of `g` for an exponent of a fixed width, as 384 wiped bytes.
fn pow_g_of<const L: usize>(
    a: &[u8; L],
    pow: fn(&crypto_bigint::U3072) -> crate::group::Monty,
) -> Zeroizing<[u8; 384]> {
    let exponent = Zeroizing::new(u3072_from_be_array(a));
    let power = Zeroizing::new(pow(&exponent));
    fixed_width(&Zeroizing::new(power.retrieve()))
}

/// Every intermediate of one claim, as the bytes the protocol hashes. Secret fields are
/// wiped on drop; `Debug` prints nothing.
#[derive(Default)]
pub struct Trace {
    identity_hash: Zeroizing<Vec<u8>>,
    salt_padded: Vec<u8>,
    x: Zeroizing<Vec<u8>>,
    u: Vec<u8>,
    u_padded: Vec<u8>,
    s_padded: Zeroizing<Vec<u8>>,
    hkdf_key: Zeroizing<Vec<u8>>,
    verifier_padded: Zeroizing<Vec<u8>>,
}

impl Trace {
    /// `H(realm ‖ identity ‖ ":" ‖ password)`, 32 bytes.
    #[must_use]
    pub fn identity_hash(&self) -> &[u8] {
        &self.identity_hash
    }
    /// `enc(salt)`.
    #[must_use]
    pub fn salt_padded(&self) -> &[u8] {
        &self.salt_padded
    }
    /// `x`, 32 bytes (leading zeros kept).
    #[must_use]
    pub fn x(&self) -> &[u8] {
        &self.x
    }
    /// `u`, 32 bytes (leading zeros kept).
    #[must_use]
    pub fn u(&self) -> &[u8] {
        &self.u
    }
    /// `enc(u)`, the HKDF salt.
    #[must_use]
    pub fn u_padded(&self) -> &[u8] {
        &self.u_padded
    }
    /// `enc(S)`, the HKDF input keying material.
    #[must_use]
    pub fn s_padded(&self) -> &[u8] {
        &self.s_padded
    }
    /// The 16-byte session key.
    #[must_use]
    pub fn hkdf_key(&self) -> &[u8] {
        &self.hkdf_key
    }
    /// `enc(v)`, the device verifier of a registration.
    #[must_use]
    pub fn verifier_padded(&self) -> &[u8] {
        &self.verifier_padded
    }
}

impl fmt::Debug for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Trace").finish_non_exhaustive()
    }
}

/// Overwrite a secret buffer, wiping the old contents first.
fn replace_wiped(buffer: &mut Zeroizing<Vec<u8>>, value: &[u8]) {
    zeroize::Zeroize::zeroize(&mut **buffer);
    buffer.extend_from_slice(value);
}

impl Observer for Trace {
    fn identity_hash(&mut self, value: &[u8; 32]) {
        replace_wiped(&mut self.identity_hash, value);
    }
    fn salt_padded(&mut self, value: &[u8]) {
        self.salt_padded = value.to_vec();
    }
    fn x(&mut self, value: &[u8; 32]) {
        replace_wiped(&mut self.x, value);
    }
    fn u(&mut self, value: &[u8; 32]) {
        self.u = value.to_vec();
    }
    fn u_padded(&mut self, value: &[u8]) {
        self.u_padded = value.to_vec();
    }
    fn s_padded(&mut self, value: &[u8]) {
        replace_wiped(&mut self.s_padded, value);
    }
    fn hkdf_key(&mut self, value: &[u8; 16]) {
        replace_wiped(&mut self.hkdf_key, value);
    }
    fn verifier_padded(&mut self, value: &[u8]) {
        replace_wiped(&mut self.verifier_padded, value);
    }
}

/// [`EphemeralKey::password_verifier`], recording every intermediate into `trace` (also
/// those computed before an error). The responses are the same bytes; the trace holds
/// secrets (`x`, `S`, the session key) and is wiped on drop.
///
/// # Errors
/// As [`EphemeralKey::password_verifier`].
pub fn password_verifier_traced(
    key: EphemeralKey,
    client: &UserPoolClient,
    challenge: &PasswordVerifierChallenge,
    password: &Password,
    timestamp: &Timestamp,
    trace: &mut Trace,
) -> Result<ChallengeResponses> {
    key.password_verifier_observed(client, challenge, password, timestamp, trace)
}

/// [`RememberedDevice::register`] from chosen random bytes (40 for the password, 16 for the
/// salt), recording the intermediates into `trace`, with the same self-check. Contract: in
/// production the bytes come from a cryptographically secure RNG, once.
///
/// # Errors
/// As [`RememberedDevice::register`].
pub fn register_device_from_bytes(
    device_key: &str,
    device_group_key: &str,
    password_random: &[u8; 40],
    salt_random: &[u8; 16],
    trace: &mut Trace,
) -> Result<(RememberedDevice, DeviceSecretVerifierConfig)> {
    RememberedDevice::register_from_bytes(
        device_key,
        device_group_key,
        password_random,
        salt_random,
        trace,
    )
}

/// [`EphemeralKey::device_password_verifier`], recording every intermediate into `trace`
/// (the same checks, the same responses).
///
/// # Errors
/// As [`EphemeralKey::device_password_verifier`].
pub fn device_password_verifier_traced(
    key: EphemeralKey,
    client: &UserPoolClient,
    device: &RememberedDevice,
    challenge: &DevicePasswordVerifierChallenge,
    timestamp: &Timestamp,
    trace: &mut Trace,
) -> Result<ChallengeResponses> {
    key.device_password_verifier_observed(client, device, challenge, timestamp, trace)
}

/// A server-side exchange with a chosen verifier `v` and ephemeral `b` (big-endian bytes,
/// `b` at most 128 of them), for the vectors' `server` fields (feature `server`): the
/// exchange [`crate::server::ServerSrp::for_user`] makes, with `b` and the secret block given
/// instead of drawn, and `v` taken as it is (not checked to be in `[2, N − 1]`). Contract: `b`
/// is secret and used once.
///
/// # Errors
/// As [`crate::server::ServerSrp::for_user`], and [`crate::Error::IllegalEphemeral`] for a
/// `b` longer than 128 bytes.
#[cfg(feature = "server")]
pub fn server_srp_from_parts(
    realm: &str,
    identity: &str,
    salt_enc: &[u8],
    v: &[u8],
    b: &[u8],
    srp_a: &str,
    secret_block: &[u8],
) -> Result<crate::server::ServerSrp> {
    crate::server::exchange::server_srp_from_parts(
        realm,
        identity,
        salt_enc,
        v,
        b,
        srp_a,
        secret_block,
    )
}

/// `value` as 384 big-endian bytes, wiped on drop.
fn fixed_width(value: &crypto_bigint::U3072) -> Zeroizing<[u8; 384]> {
    let mut bytes = value.to_be_bytes();
    let mut out = Zeroizing::new([0u8; 384]);
    for (dst, src) in out.iter_mut().zip(bytes.as_ref()) {
        *dst = *src;
    }
    zeroize::Zeroize::zeroize(bytes.as_mut());
    out
}

/// The raw fixed-base exponentiation `g^x mod N` for a 32-byte big-endian `x` (the private
/// key of a verifier, `x = H(salt ‖ H(realm ‖ identity ‖ ":" ‖ password))`), as 384
/// big-endian bytes. Constant time in `x`; the result (a verifier) is wiped on drop.
///
/// ```
/// let mut x = [0u8; 32];
/// x[31] = 10;
/// let v = cognito_srp_auth::hazmat::pow_g_256(&x);
/// assert_eq!(v[382..], [0x04, 0x00]); // 2^10
/// assert!(v[..382].iter().all(|&b| b == 0));
/// ```
#[must_use]
pub fn pow_g_256(x: &[u8; 32]) -> Zeroizing<[u8; 384]> {
    let exponent = Zeroizing::new(crypto_bigint::U256::from_be_slice(x));
    let power = Zeroizing::new(crate::group::pow_g_256(&exponent));
    fixed_width(&Zeroizing::new(power.retrieve()))
}

/// The premaster secret `S = (B − k·g^x)^(a + u·x) mod N` from the 128-byte private
/// ephemeral `a`, the server's public `B` (384 big-endian bytes, any value below 2^3072), the
/// scrambler `u` and the private key `x` (32 bytes each), as 384 big-endian bytes: the
/// variable-base exponentiation of a claim, alone. No check of `B` or `u` (see
/// [`password_verifier_traced`] for the whole claim). Constant time in `a` and `x`; the
/// result is wiped on drop.
///
/// ```
/// use cognito_srp_auth::hazmat::premaster_secret;
/// // x = 0, so g^x = 1 and k·g^x = k; with B = k + 2, the base B − k·g^x is 2.
/// // a = 1 and u = 1, so the exponent a + u·x is 1 and S = 2.
/// let (mut a, mut u, x) = ([0u8; 128], [0u8; 32], [0u8; 32]);
/// a[127] = 1;
/// u[31] = 1;
/// let k = cognito_srp_auth::group::multiplier_bytes();
/// assert!(k[31] < 0xfe, "k + 2 does not carry out of the last byte");
/// let mut b = [0u8; 384];
/// b[384 - 32..].copy_from_slice(&k);
/// b[383] += 2;
/// let s = premaster_secret(&a, &b, &u, &x);
/// assert_eq!(s[383], 2);
/// assert!(s[..383].iter().all(|&byte| byte == 0));
/// ```
#[must_use]
pub fn premaster_secret(
    a: &[u8; 128],
    srp_b: &[u8; 384],
    u: &[u8; 32],
    x: &[u8; 32],
) -> Zeroizing<[u8; 384]> {
    premaster_of(a, crate::group::EphemeralBits::B1024, srp_b, u, x)
}

/// [`premaster_secret`] for a 64-byte `a`, the size this crate draws: the exponent `a + u·x`
/// then has a 513-bit public bound instead of 1025.
///
/// ```
/// use cognito_srp_auth::hazmat::{premaster_secret, premaster_secret_512};
/// let (mut a, mut b, mut u, mut x) = ([0u8; 64], [0u8; 384], [0u8; 32], [0u8; 32]);
/// a[63] = 7;
/// b[383] = 3;
/// u[0] = 0x80;
/// x[31] = 5;
/// let mut long_a = [0u8; 128];
/// long_a[127] = 7;
/// // The same value of `a` in either size class gives the same S.
/// assert_eq!(*premaster_secret_512(&a, &b, &u, &x), *premaster_secret(&long_a, &b, &u, &x));
/// ```
#[must_use]
pub fn premaster_secret_512(
    a: &[u8; 64],
    srp_b: &[u8; 384],
    u: &[u8; 32],
    x: &[u8; 32],
) -> Zeroizing<[u8; 384]> {
    premaster_of(a, crate::group::EphemeralBits::B512, srp_b, u, x)
}

fn premaster_of<const L: usize>(
    a: &[u8; L],
    bits: crate::group::EphemeralBits,
    srp_b: &[u8; 384],
    u: &[u8; 32],
    x: &[u8; 32],
) -> Zeroizing<[u8; 384]> {
    let a = Zeroizing::new(u3072_from_be_array(a));
    let b = u3072_from_be_array(srp_b);
    let u = crypto_bigint::U256::from_be_slice(u);
    let x = Zeroizing::new(crypto_bigint::U256::from_be_slice(x));
    fixed_width(&crate::srp::premaster(&a, bits, &b, &u, &x))
}
