//! The secrets of a sign-in in each in-memory form the library may hold them in, cut into
//! patterns for the scanner; and the oracle computations (num-bigint, shared with the tests)
//! that give the derived secrets (`x`, `v`, `S`, the session key, …) from the public values the
//! harness sees on the wire.
//!
//! Every function here registers with the scanner disarmed: its own temporaries (which hold
//! secrets) may be freed.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hkdf::Hkdf;
use hmac::{Hmac, KeyInit, Mac as _};
use num_bigint::BigUint;
use sha2::Sha256;

use crate::oracle;
use crate::scanner::{self, Label};

/// Bytes in a chunk of a long form.
const CHUNK: usize = 16;
/// Chunks registered per form (evenly spread: first, …, last).
const CHUNKS_PER_FORM: usize = 4;
/// Bytes of a 3072-bit integer.
const WIDE: usize = 384;
/// Non-zero bytes a pattern needs: one with fewer is too common to be evidence of a secret
/// (e.g. the 513th bit of `a + u·x` in its 384-byte limbs: `01` then 15 zero bytes, which any
/// `U3072` holding 1 contains, such as the Montgomery parameters).
const MIN_NONZERO: usize = 4;

/// Whether `chunk` can be a pattern: a length the scanner takes, not one repeated byte
/// ([`scanner::usable`]), and at least [`MIN_NONZERO`] non-zero bytes.
fn distinctive(chunk: &[u8]) -> bool {
    scanner::usable(chunk) && chunk.iter().filter(|&&b| b != 0).count() >= MIN_NONZERO
}

/// The patterns of one form: its non-overlapping 16-byte chunks (and its last 16 bytes when
/// the length is not a multiple of 16), without single-byte chunks (all-zero ones included)
/// or chunks of fewer than [`MIN_NONZERO`] non-zero bytes, at most [`CHUNKS_PER_FORM`] of them
/// spread over the form; a form of 6 to 15 bytes is one pattern.
fn chunks(bytes: &[u8]) -> Vec<&[u8]> {
    if bytes.len() < CHUNK {
        return if distinctive(bytes) {
            vec![bytes]
        } else {
            Vec::new()
        };
    }
    let mut all: Vec<&[u8]> = bytes.chunks_exact(CHUNK).collect();
    if !bytes.len().is_multiple_of(CHUNK)
        && let Some(tail) = bytes.get(bytes.len() - CHUNK..)
    {
        all.push(tail);
    }
    all.retain(|c| distinctive(c));
    if all.len() <= CHUNKS_PER_FORM {
        return all;
    }
    let last = all.len() - 1;
    (0..CHUNKS_PER_FORM)
        .filter_map(|i| all.get(i * last / (CHUNKS_PER_FORM - 1)).copied())
        .collect()
}

/// Register one form of one secret. Returns the number of new patterns (0 when every chunk
/// is already registered, e.g. the same `v` seen again).
///
/// # Errors
/// When a table is full.
pub fn form(
    secret: &'static str,
    instance: u32,
    form: &'static str,
    bytes: &[u8],
) -> Result<usize, String> {
    scanner::disarmed(|| {
        let fresh: Vec<&[u8]> = chunks(bytes)
            .into_iter()
            .filter(|c| !scanner::is_registered(c))
            .collect();
        if fresh.is_empty() {
            return Ok(0);
        }
        let label = scanner::new_label(Label {
            secret,
            instance,
            form,
        })
        .map_err(|e| e.to_string())?;
        let mut added = 0;
        for chunk in fresh {
            if scanner::add_pattern(label, chunk).map_err(|e| e.to_string())? {
                added += 1;
            }
        }
        Ok(added)
    })
}

/// `n` as `len` big-endian bytes (`n` must fit).
pub fn be_padded(n: &BigUint, len: usize) -> Vec<u8> {
    let bytes = n.to_bytes_be();
    let mut out = vec![0u8; len.saturating_sub(bytes.len())];
    out.extend_from_slice(&bytes);
    out
}

/// `n` as `len` little-endian bytes: the memory of a crypto-bigint `Uint` (little-endian
/// 64-bit limbs, least significant first) on x86-64.
pub fn le_padded(n: &BigUint, len: usize) -> Vec<u8> {
    let mut out = n.to_bytes_le();
    out.resize(len.max(out.len()), 0);
    out
}

/// The Montgomery form crypto-bigint's `FixedMontyForm` stores: `n · 2^3072 mod N`.
pub fn montgomery(n: &BigUint) -> BigUint {
    (n << (WIDE * 8)) % oracle::n()
}

/// A password-like secret: its UTF-8 bytes.
pub fn text(secret: &'static str, instance: u32, value: &str) -> Result<usize, String> {
    form(secret, instance, "UTF-8", value.as_bytes())
}

/// An ephemeral (`a`, `b`; the library draws 64 bytes): the bytes as drawn (big-endian), and
/// the `U3072` limbs (the 384-byte big-endian padding, byte-reversed: the first memory bytes,
/// as many as were drawn, are the reversed draw; the rest are zero).
pub fn ephemeral(secret: &'static str, instance: u32, drawn: &[u8]) -> Result<usize, String> {
    // A fixed array: a harness copy never on the heap.
    let mut buffer = [0u8; 128];
    let le = buffer
        .get_mut(..drawn.len())
        .ok_or("an ephemeral of more than 128 bytes")?;
    for (dst, src) in le.iter_mut().zip(drawn.iter().rev()) {
        *dst = *src;
    }
    Ok(form(secret, instance, "drawn bytes (BE)", drawn)?
        + form(secret, instance, "U3072 limbs (LE)", le)?)
}

/// A 3072-bit secret integer (`v`, `S`, `g^b`, …): 384 big-endian bytes, `U3072` limbs,
/// Montgomery limbs, and `enc()` (Java `BigInteger` bytes).
pub fn int3072(secret: &'static str, instance: u32, n: &BigUint) -> Result<usize, String> {
    Ok(
        form(secret, instance, "BE, 384 bytes", &be_padded(n, WIDE))?
            + form(secret, instance, "U3072 limbs (LE)", &le_padded(n, WIDE))?
            + form(
                secret,
                instance,
                "Montgomery limbs (LE)",
                &le_padded(&montgomery(n), WIDE),
            )?
            + form(secret, instance, "enc() (Java bytes)", &oracle::enc(n))?,
    )
}

/// Intermediates that live only in Montgomery form (`k·v`, `v^u`, …).
fn monty_only(secret: &'static str, instance: u32, n: &BigUint) -> Result<usize, String> {
    form(
        secret,
        instance,
        "Montgomery limbs (LE)",
        &le_padded(&montgomery(n), WIDE),
    )
}

/// Whose verifier: a user's (realm = pool name, identity = internal user name) or a
/// device's (realm = device group key, identity = device key).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A user.
    User,
    /// A device.
    Device,
}

impl Kind {
    fn names(self) -> [&'static str; 4] {
        match self {
            Self::User => [
                "H(pool‖user‖:‖pw) (user)",
                "x (user)",
                "v (user)",
                "k·v (user)",
            ],
            Self::Device => [
                "H(group‖key‖:‖pw) (device)",
                "x (device)",
                "v (device)",
                "k·v (device)",
            ],
        }
    }
}

/// `x = H(salt_enc ‖ H(realm ‖ identity ‖ ":" ‖ password))` and `v = g^x mod N`, registered
/// with the identity hash and `k·v`. Returns `v`.
///
/// # Errors
/// When a table is full.
pub fn verifier(
    kind: Kind,
    instance: u32,
    realm: &str,
    identity: &str,
    password: &str,
    salt_enc: &[u8],
) -> Result<BigUint, String> {
    scanner::disarmed(|| {
        let [inner_name, x_name, v_name, kv_name] = kind.names();
        let inner = oracle::sha256(&[
            realm.as_bytes(),
            identity.as_bytes(),
            b":",
            password.as_bytes(),
        ]);
        let x_bytes = oracle::sha256(&[salt_enc, &inner]);
        let mut x_limbs = x_bytes;
        x_limbs.reverse();
        let x = BigUint::from_bytes_be(&x_bytes);
        let v = oracle::verifier(&x);
        form(inner_name, instance, "32 bytes", &inner)?;
        form(x_name, instance, "BE, 32 bytes", &x_bytes)?;
        form(x_name, instance, "U256 limbs (LE)", &x_limbs)?;
        if kind == Kind::Device {
            // What `ConfirmDevice` sends, and what the server decodes it to.
            let enc_v = oracle::enc(&v);
            form(
                "device verifier",
                instance,
                "base64 text",
                STANDARD.encode(&enc_v).as_bytes(),
            )?;
            form("device verifier", instance, "decoded bytes", &enc_v)?;
        }
        int3072(v_name, instance, &v)?;
        monty_only(kv_name, instance, &((oracle::k() * &v) % oracle::n()))?;
        Ok(v)
    })
}

/// `enc(salt)` from the bytes drawn for it.
pub fn salt_enc(salt: &[u8]) -> Vec<u8> {
    oracle::enc(&BigUint::from_bytes_be(salt))
}

/// The fake verifier a `UserPool` answers a name it does not know with, from the pool's key:
/// `salt` = the first 16 bytes of `HMAC(key, 0 ‖ name)`, `v` = the first 383 bytes of
/// `HMAC(key, 1 ‖ name) ‖ HMAC(key, 2 ‖ name) ‖ …` (big-endian). `v` is registered as
/// `v (fake)` (its 383 bytes, the forms of [`int3072`]) with `k·v (fake)`. Returns
/// `(enc(salt), v)`.
///
/// # Errors
/// When a table is full.
pub fn fake_verifier(
    instance: u32,
    key: &[u8; 32],
    name: &str,
) -> Result<(Vec<u8>, BigUint), String> {
    scanner::disarmed(|| {
        let block = |label: u8| -> Result<[u8; 32], String> {
            let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).map_err(|_| "HMAC key")?;
            mac.update(&[label]);
            mac.update(name.as_bytes());
            Ok(mac.finalize().into_bytes().into())
        };
        let salt = block(0)?;
        let mut v_bytes = Vec::with_capacity(WIDE);
        for label in 1..=12 {
            v_bytes.extend_from_slice(&block(label)?);
        }
        v_bytes.truncate(WIDE - 1);
        let v = BigUint::from_bytes_be(&v_bytes);
        form("v (fake)", instance, "383 HMAC bytes (BE)", &v_bytes)?;
        int3072("v (fake)", instance, &v)?;
        monty_only("k·v (fake)", instance, &((oracle::k() * &v) % oracle::n()))?;
        Ok((salt_enc(salt.get(..16).unwrap_or_default()), v))
    })
}

/// The base64 text (standard alphabet, padded) of `enc(v)`: a device's `PasswordVerifier`.
pub fn verifier_text(v: &BigUint) -> String {
    STANDARD.encode(oracle::enc(v))
}

/// The base64 text of `enc(salt)`: a device's `Salt`.
pub fn salt_text(salt_enc: &[u8]) -> String {
    STANDARD.encode(salt_enc)
}

/// `g^e mod N` as minimal lowercase hex: `SRP_A` for `a` (or `g^b`).
pub fn pow_g_hex(e: &[u8]) -> String {
    oracle::g()
        .modpow(&BigUint::from_bytes_be(e), &oracle::n())
        .to_str_radix(16)
}

/// Check that the library's `SRP_A` is `g^a` for the `a` the harness recorded.
///
/// # Errors
/// When it is not: the recorded `a` (and so its patterns) would be wrong.
pub fn check_srp_a(a: &[u8], srp_a: &str) -> Result<(), String> {
    scanner::disarmed(|| {
        if pow_g_hex(a) == srp_a.to_ascii_lowercase() {
            Ok(())
        } else {
            Err("SRP_A is not g^a for the recorded a".to_owned())
        }
    })
}

/// Check that the library's `SRP_B` is `k·v + g^b` for the harness's `v` and the recorded
/// `b`: the registered `v` (and so `x`) is the server's.
///
/// # Errors
/// When it is not.
pub fn check_srp_b(v: &BigUint, b: &[u8], srp_b: &str) -> Result<(), String> {
    scanner::disarmed(|| {
        let n = oracle::n();
        let g_b = oracle::g().modpow(&BigUint::from_bytes_be(b), &n);
        if oracle::from_hex(srp_b) == Some((oracle::k() * v + g_b) % &n) {
            Ok(())
        } else {
            Err("SRP_B is not k·v + g^b for the harness's v and the recorded b".to_owned())
        }
    })
}

/// The public values of one SRP exchange as they passed on the wire, with the ephemerals the
/// recording RNGs saw and the secrets the harness gave.
pub struct Exchange<'a> {
    /// Which claim of the scenario (1-based), for the labels.
    pub instance: u32,
    /// A user's or a device's.
    pub kind: Kind,
    /// The client's `a`, as drawn.
    pub a: &'a [u8],
    /// The server's `b`, as drawn.
    pub b: &'a [u8],
    /// Pool name or device group key.
    pub realm: &'a str,
    /// `USER_ID_FOR_SRP` or device key.
    pub identity: &'a str,
    /// The password or device password.
    pub password: &'a str,
    /// `SALT` (hex).
    pub salt: &'a str,
    /// `SRP_B` (hex).
    pub srp_b: &'a str,
    /// `SECRET_BLOCK` (base64).
    pub secret_block: &'a str,
    /// `TIMESTAMP` the claim will sign.
    pub timestamp: &'a str,
    /// The server's verifier when it is not the one `password` gives (a wrong password, an
    /// unknown user's fake verifier), registered by the caller; `None`: the password's.
    pub server_verifier: Option<&'a BigUint>,
}

/// The secrets `S` leads to: HKDF's PRK `HMAC(enc(u), enc(S))` and the 16-byte session key.
fn session_secrets(u: &BigUint, s: &BigUint) -> Result<([u8; 32], [u8; 16]), String> {
    let mut extract =
        <Hmac<Sha256> as KeyInit>::new_from_slice(&oracle::enc(u)).map_err(|_| "HMAC key")?;
    extract.update(&oracle::enc(s));
    let prk: [u8; 32] = extract.finalize().into_bytes().into();
    let mut key = [0u8; 16];
    Hkdf::<Sha256>::new(Some(&oracle::enc(u)), &oracle::enc(s))
        .expand(b"Caldera Derived Key", &mut key)
        .map_err(|_| "HKDF length")?;
    Ok((prk, key))
}

/// Register every secret of one exchange, after checking `SRP_B = k·v + g^b` (with the
/// server's `v`): `x`, `v`, `k·v`, `S` (four forms), the session key and HKDF's PRK, `u·x`,
/// the exponent `a + u·x`, the base `B − k·v`, and the server's `v^u` and `A·v^u`. When the
/// server's verifier is not the password's (a claim it will refuse), the client's `x`, `v`,
/// `S`, … come from the password and the server's own `S = (A·v^u)^b`, session key and PRK
/// are registered as `S (server)`, … Returns the `PASSWORD_CLAIM_SIGNATURE` the client must
/// send (a public value), to check the computation against the library's.
///
/// # Errors
/// On an unparsable value, a wrong `SRP_B` or a full table.
#[allow(clippy::many_single_char_names)] // The protocol's names: a, b, n, u, v, x.
pub fn exchange(e: &Exchange<'_>) -> Result<String, String> {
    scanner::disarmed(|| {
        let n = oracle::n();
        let salt_enc = oracle::enc(&oracle::from_hex(e.salt).ok_or("SALT is not hex")?);
        let big_b = oracle::from_hex(e.srp_b).ok_or("SRP_B is not hex")?;
        let block = STANDARD
            .decode(e.secret_block)
            .map_err(|_| "SECRET_BLOCK is not base64")?;
        let v = verifier(
            e.kind, e.instance, e.realm, e.identity, e.password, &salt_enc,
        )?;
        let k_v = (oracle::k() * &v) % &n;
        let server_v = e.server_verifier.unwrap_or(&v);
        let b = BigUint::from_bytes_be(e.b);
        let g_b = oracle::g().modpow(&b, &n);
        if (oracle::k() * server_v + &g_b) % &n != big_b {
            return Err("SRP_B is not k·v + g^b for the recorded b and the server's v".to_owned());
        }
        let a = BigUint::from_bytes_be(e.a);
        let claim = oracle::claim(
            &a,
            e.realm,
            e.identity,
            e.password,
            &salt_enc,
            &big_b,
            &block,
            e.timestamp,
        )
        .ok_or("the oracle refused the exchange")?;
        let i = e.instance;
        int3072("S", i, &claim.s)?;
        // HKDF-Extract's PRK = HMAC(enc(u), enc(S)), the key of the expand step.
        let (prk, key) = session_secrets(&claim.u, &claim.s)?;
        if key != claim.hkdf_key {
            return Err("the session key differs from the oracle's".to_owned());
        }
        form("session key", i, "16 bytes", &key)?;
        form("HKDF PRK", i, "32 bytes", &prk)?;
        form(
            "u·x",
            i,
            "U512 limbs (LE)",
            &le_padded(&(&claim.u * &claim.x), 64),
        )?;
        form(
            "a+u·x",
            i,
            "limbs (LE)",
            &le_padded(&(&a + &claim.u * &claim.x), WIDE),
        )?;
        let base = (&big_b + &n - &k_v) % &n;
        form("B−k·v", i, "U3072 limbs (LE)", &le_padded(&base, WIDE))?;
        monty_only("B−k·v", i, &base)?;
        let v_u = server_v.modpow(&claim.u, &n);
        let base_server = (&claim.a_pub * &v_u) % &n;
        monty_only("v^u", i, &v_u)?;
        monty_only("A·v^u", i, &base_server)?;
        if e.server_verifier.is_some() {
            let s_server = base_server.modpow(&b, &n);
            int3072("S (server)", i, &s_server)?;
            let (prk, key) = session_secrets(&claim.u, &s_server)?;
            form("session key (server)", i, "16 bytes", &key)?;
            form("HKDF PRK (server)", i, "32 bytes", &prk)?;
        }
        Ok(claim.signature)
    })
}
