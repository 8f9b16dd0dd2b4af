//! One SRP exchange on Cognito's side, and the verifiers it checks claims against.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use chrono::{DateTime, Utc};
use crypto_bigint::{U256, U3072};
use rand_core::TryCryptoRng;
use subtle::ConstantTimeEq as _;
use zeroize::{ZeroizeOnDrop, Zeroizing};

use crate::challenge::{ServerPublic, max_len};
use crate::client::pool_name;
use crate::declassify::{declassify, verdict};
use crate::device::DeviceSecretVerifierConfig;
use crate::encoding::{
    base64_encode, decode_base64_secret, decode_base64_vartime, to_java_bytes_secret,
    to_java_bytes_vartime, to_minimal_hex_vartime, u3072_from_be_slice, u3072_from_wide_be_secret,
};
use crate::ephemeral::EPHEMERAL_BYTES;
use crate::error::{Error, Result};
use crate::group::{EphemeralBits, Monty, PARAMS, k_monty, pow_secret, verifier_in_range};
use crate::secret::ClientSecret;
use crate::srp::{Unobserved, derive_x, scrambler, session_key, signature_bytes, verifier};
use crate::timestamp::Timestamp;
use crate::wire::param;

/// How far a claim's `TIMESTAMP` may be from the server's clock.
pub const TIMESTAMP_WINDOW_SECONDS: i64 = 300;

/// Where a verifier was registered: the realm and identity of its SRP strings.
#[derive(Clone, Debug, Eq, PartialEq)]
struct Identity {
    /// Pool name (users) or device group key (devices).
    realm: String,
    /// Internal user name (users) or device key (devices).
    identity: String,
}

/// A password verifier as Cognito stores it: `enc(salt)` and `v = g^x mod N`.
pub(crate) struct StoredVerifier {
    id: Identity,
    salt_enc: Vec<u8>,
    /// `v` in Montgomery form (secret: an offline dictionary attack needs only `v`), in its
    /// own zeroizing heap box, so that moving the verifier (or the pool's list of users)
    /// moves a pointer.
    v: Box<Zeroizing<Monty>>,
}

impl StoredVerifier {
    /// A verifier from its parts: `enc(salt)` and `v` (already checked to be in range).
    pub(crate) fn from_parts(realm: &str, identity: &str, salt_enc: Vec<u8>, v: &U3072) -> Self {
        Self {
            id: Identity {
                realm: String::from(realm),
                identity: String::from(identity),
            },
            salt_enc,
            v: Box::new(Zeroizing::new(Monty::new(v, &PARAMS))),
        }
    }

    pub(crate) fn derive(realm: &str, identity: &str, password: &[u8], salt_enc: Vec<u8>) -> Self {
        let x = derive_x(realm, identity, password, &salt_enc, &mut Unobserved);
        Self {
            id: Identity {
                realm: String::from(realm),
                identity: String::from(identity),
            },
            salt_enc,
            v: Box::new(verifier(&x)),
        }
    }

    /// `SALT` as Cognito sends it: minimal lowercase hex of the salt integer.
    fn salt_text(&self) -> String {
        to_minimal_hex_vartime(&self.salt_enc)
    }
}

/// A user's SRP verifier: what Cognito stores when a password is set.
pub struct UserVerifier(pub(crate) StoredVerifier);

impl UserVerifier {
    /// Register `username` (the internal user name, `USER_ID_FOR_SRP`) of the pool
    /// `pool_id` with `password` and a 16-byte salt from `rng`.
    ///
    /// # Errors
    /// [`Error::InvalidPoolId`] for a malformed pool id, [`Error::RandomSource`] when the RNG
    /// fails.
    pub fn register<R: TryCryptoRng + ?Sized>(
        pool_id: &str,
        username: &str,
        password: &crate::Password,
        rng: &mut R,
    ) -> Result<Self> {
        let mut salt = [0u8; 16];
        rng.try_fill_bytes(&mut salt)
            .map_err(|_| Error::RandomSource)?;
        Self::from_salt(pool_id, username, password, &salt)
    }

    /// Register with a given salt (its big-endian bytes).
    ///
    /// # Errors
    /// [`Error::InvalidPoolId`] for a malformed pool id.
    pub fn from_salt(
        pool_id: &str,
        username: &str,
        password: &crate::Password,
        salt: &[u8],
    ) -> Result<Self> {
        let realm = pool_name(pool_id)?;
        Ok(Self(StoredVerifier::derive(
            realm,
            username,
            password.expose().as_bytes(),
            to_java_bytes_vartime(salt),
        )))
    }

    /// The internal user name.
    #[must_use]
    pub fn username(&self) -> &str {
        &self.0.id.identity
    }
}

impl StoredVerifier {
    /// Whether `password` is the one this verifier was made from: `x` is derived again from
    /// the stored salt and `g^x` compared with `v` in constant time (only the verdict is
    /// declassified). This is what `USER_PASSWORD_AUTH` costs Cognito: one `g^x`.
    pub(crate) fn matches(&self, password: &[u8]) -> bool {
        let x = derive_x(
            &self.id.realm,
            &self.id.identity,
            password,
            &self.salt_enc,
            &mut Unobserved,
        );
        let candidate = verifier(&x);
        let same = candidate.retrieve().ct_eq(&self.v.retrieve());
        verdict(same)
    }
}

impl UserVerifier {
    /// Whether `password` is this user's (`USER_PASSWORD_AUTH`, `USER_AUTH` with
    /// `PASSWORD`): checked against the verifier in constant time, the way Cognito checks a
    /// plain password against what it stores.
    #[must_use]
    pub fn check_password(&self, password: &crate::Password) -> bool {
        self.0.matches(password.expose().as_bytes())
    }
}

/// A stored verifier's `Debug` (its identity only: `v` is a secret) and its wiping (`v` is
/// a `Zeroizing` value in its own box).
macro_rules! stored_verifier_impls {
    ($name:ident, $identity:literal) => {
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name))
                    .field($identity, &self.0.id.identity)
                    .finish_non_exhaustive()
            }
        }

        impl ZeroizeOnDrop for $name {}
    };
}

stored_verifier_impls!(UserVerifier, "username");

/// A device's SRP verifier, from the `DeviceSecretVerifierConfig` of `ConfirmDevice`.
pub struct DeviceVerifier(pub(crate) StoredVerifier);

impl DeviceVerifier {
    /// Store what `ConfirmDevice` sent, as Cognito does: both values are standard base64 of
    /// positive Java-`BigInteger` bytes.
    ///
    /// The verifier is a secret (it lets whoever holds it test guesses of the device password
    /// offline): it is decoded and checked in constant time, and only the verdict, the text's
    /// length and its padding count are public. It must be a usable verifier, `2 ≤ v ≤ N − 1`:
    /// `v ≡ 0` would make `S = 0` and let a claim be forged without the device password.
    ///
    /// # Errors
    /// [`Error::MalformedParameter`] naming `Salt` when the salt is not base64, is negative
    /// (first byte ≥ 0x80) or longer than 1,024 characters; naming `PasswordVerifier` when the
    /// verifier is not padded standard base64 (canonical), is negative, is outside
    /// `[2, N − 1]`, or is longer than 1,024 characters.
    pub fn from_config(
        device_key: &str,
        device_group_key: &str,
        config: &DeviceSecretVerifierConfig,
    ) -> Result<Self> {
        /// Base64 characters accepted for either value (enc(v) has 516 at most).
        const MAX_TEXT: usize = 1024;
        let bad_salt = Error::MalformedParameter { name: "Salt" };
        let bad_v = Error::MalformedParameter {
            name: "PasswordVerifier",
        };
        if config.salt().len() > MAX_TEXT {
            return Err(bad_salt);
        }
        let salt = decode_base64_vartime("Salt", config.salt())?;
        if salt.first().is_some_and(|&b| b >= 0x80) {
            return Err(bad_salt);
        }
        let text = config.password_verifier();
        if text.len() > MAX_TEXT {
            return Err(bad_v);
        }
        /// What [`MAX_TEXT`] base64 characters decode to at the most (three bytes a four).
        const MAX_DECODED: usize = 768;
        let mut buf = Zeroizing::new([0u8; MAX_DECODED]);
        let (decoded, mut valid) = decode_base64_secret(text, buf.as_mut()).ok_or(bad_v)?;
        // enc(v) is non-negative (sign bit of its first byte clear), and every byte above the
        // low 384 is zero: all checked without a branch on the bytes.
        valid &= decoded
            .first()
            .map_or(subtle::Choice::from(0), |b| (b >> 7).ct_eq(&0));
        let (v, fits) = u3072_from_wide_be_secret(decoded);
        valid &= fits & verifier_in_range(&v);
        // Declassified: whether the verifier is acceptable.
        if !verdict(valid) {
            return Err(bad_v);
        }
        Ok(Self(StoredVerifier::from_parts(
            device_group_key,
            device_key,
            to_java_bytes_vartime(&salt),
            &v,
        )))
    }

    /// The device key.
    #[must_use]
    pub fn device_key(&self) -> &str {
        &self.0.id.identity
    }
}

stored_verifier_impls!(DeviceVerifier, "device_key");

/// One SRP exchange on Cognito's side: created when `SRP_A` arrives, consumed by the
/// verification of the claim. Holds `b` and `v`, each in its own zeroizing heap box (wiped on
/// drop; moving the exchange moves pointers).
pub struct ServerSrp {
    id: Identity,
    v: Box<Zeroizing<Monty>>,
    b: Box<Zeroizing<U3072>>,
    /// The size class of `b` (public: how many bytes it was drawn as).
    b_bits: EphemeralBits,
    a_enc: Vec<u8>,
    a: U3072,
    srp_b: String,
    b_enc: Vec<u8>,
    salt_text: String,
    secret_block: String,
    secret_block_bytes: Vec<u8>,
}

impl ServerSrp {
    /// Answer a user's `SRP_A` (from `InitiateAuth`): draws `b` (64 bytes, 512 bits, as the
    /// crate's own `a`) and a 64-byte
    /// secret block from `rng`.
    ///
    /// # Errors
    /// - [`Error::MalformedParameter`] naming `SRP_A`: not hex, negative, or wider than
    ///   3072 bits.
    /// - [`Error::IllegalClientA`]: `A ≡ 0 (mod N)`.
    /// - [`Error::RandomSource`] when the RNG fails.
    pub fn for_user<R: TryCryptoRng + ?Sized>(
        user: &UserVerifier,
        srp_a: &str,
        rng: &mut R,
    ) -> Result<Self> {
        Self::start(&user.0, srp_a, rng)
    }

    /// Answer a device's `SRP_A` (from `DEVICE_SRP_AUTH`).
    ///
    /// # Errors
    /// As [`for_user`](Self::for_user).
    pub fn for_device<R: TryCryptoRng + ?Sized>(
        device: &DeviceVerifier,
        srp_a: &str,
        rng: &mut R,
    ) -> Result<Self> {
        Self::start(&device.0, srp_a, rng)
    }

    pub(crate) fn start<R: TryCryptoRng + ?Sized>(
        stored: &StoredVerifier,
        srp_a: &str,
        rng: &mut R,
    ) -> Result<Self> {
        let mut b = Zeroizing::new([0u8; EPHEMERAL_BYTES]);
        rng.try_fill_bytes(b.as_mut())
            .map_err(|_| Error::RandomSource)?;
        let mut block = [0u8; 64];
        rng.try_fill_bytes(&mut block)
            .map_err(|_| Error::RandomSource)?;
        Self::with_b(stored, srp_a, b.as_ref(), &block)
    }

    fn with_b(
        stored: &StoredVerifier,
        srp_a: &str,
        b_bytes: &[u8],
        secret_block: &[u8],
    ) -> Result<Self> {
        if srp_a.len() > max_len(param::SRP_A) {
            return Err(Error::MalformedParameter { name: param::SRP_A });
        }
        let a = ServerPublic::parse_vartime(param::SRP_A, srp_a).map_err(|e| match e {
            Error::IllegalServerB => Error::IllegalClientA,
            other => other,
        })?;
        let b_bits = EphemeralBits::of_len(b_bytes.len()).ok_or(Error::IllegalEphemeral)?;
        let mut b = Box::new(Zeroizing::new(U3072::ZERO));
        **b = u3072_from_be_slice(b_bytes).ok_or(Error::IllegalEphemeral)?;
        // B = k·v + g^b mod N; declassified: B is public by protocol (`SRP_B`).
        let mut b_bytes_public = (k_monty().mul(&stored.v).add(&b_bits.pow_g(&b)))
            .retrieve()
            .to_be_bytes();
        declassify(&mut b_bytes_public);
        Ok(Self {
            id: stored.id.clone(),
            v: Box::new(Zeroizing::new(**stored.v)),
            b,
            b_bits,
            a_enc: a.enc,
            a: a.reduced,
            srp_b: to_minimal_hex_vartime(b_bytes_public.as_ref()),
            b_enc: to_java_bytes_vartime(b_bytes_public.as_ref()),
            salt_text: stored.salt_text(),
            secret_block: base64_encode(secret_block),
            secret_block_bytes: secret_block.to_vec(),
        })
    }

    /// `SRP_B`: minimal lowercase hex.
    #[must_use]
    pub fn srp_b(&self) -> &str {
        &self.srp_b
    }

    /// `SALT`: the salt integer as minimal lowercase hex, as Cognito sends it.
    #[must_use]
    pub fn salt(&self) -> &str {
        &self.salt_text
    }

    /// `SECRET_BLOCK` (base64).
    #[must_use]
    pub fn secret_block(&self) -> &str {
        &self.secret_block
    }

    /// Check a claim's `PASSWORD_CLAIM_SECRET_BLOCK`, `TIMESTAMP` and
    /// `PASSWORD_CLAIM_SIGNATURE` the way Cognito does: the timestamp is parsed (a
    /// zero-padded day and any weekday parse), the signature is recomputed over the
    /// canonical re-formatting of that instant, and compared in constant time; so a
    /// zero-padded day or a wrong weekday fails as a wrong password does.
    ///
    /// # Errors
    /// - [`Error::MissingParameter`] for an absent response key.
    /// - [`Error::IncorrectClaim`]: another secret block, a signature that does not verify
    ///   (wrong password, non-canonical timestamp), or not base64.
    /// - [`Error::InvalidTimestamp`]: a `TIMESTAMP` Cognito cannot parse.
    /// - [`Error::StaleTimestamp`]: more than [`TIMESTAMP_WINDOW_SECONDS`] from `now`.
    /// - [`Error::IllegalScrambler`]: `u = 0`.
    pub fn verify<'a>(
        self,
        responses: impl Fn(&str) -> Option<&'a str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        self.check(responses, now)
    }

    /// [`verify`](Self::verify) without consuming the exchange: the pool keeps an exchange
    /// whose claim verified when it refuses the request for another reason (a device it does
    /// not know), so that the same claim can be sent again.
    pub(crate) fn check<'a>(
        &self,
        responses: impl Fn(&str) -> Option<&'a str>,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let get = |name: &'static str| responses(name).ok_or(Error::MissingParameter { name });
        let block = get(param::PASSWORD_CLAIM_SECRET_BLOCK)?;
        let text = get(param::TIMESTAMP)?;
        let claimed = get(param::PASSWORD_CLAIM_SIGNATURE)?;
        if block != self.secret_block {
            return Err(Error::IncorrectClaim);
        }
        // Bounded before they are parsed: an over-long timestamp cannot be one Cognito reads,
        // an over-long signature cannot verify.
        if text.len() > max_len(param::TIMESTAMP) {
            return Err(Error::InvalidTimestamp);
        }
        if claimed.len() > max_len(param::PASSWORD_CLAIM_SIGNATURE) {
            return Err(Error::IncorrectClaim);
        }
        let instant = Timestamp::parse_unix_seconds_vartime(text).ok_or(Error::InvalidTimestamp)?;
        if now.timestamp().abs_diff(instant) > TIMESTAMP_WINDOW_SECONDS.unsigned_abs() {
            return Err(Error::StaleTimestamp);
        }
        let canonical = Timestamp::from_unix_seconds(instant);
        let expected = self.expected_signature(&canonical)?;
        let claimed = decode_base64_vartime(param::PASSWORD_CLAIM_SIGNATURE, claimed)
            .map_err(|_| Error::IncorrectClaim)?;
        // Declassified: whether the claim verifies.
        if claimed.len() == expected.len() && verdict(claimed.ct_eq(&expected)) {
            Ok(())
        } else {
            Err(Error::IncorrectClaim)
        }
    }

    /// The 32 signature bytes the client must send for `timestamp`.
    fn expected_signature(&self, timestamp: &Timestamp) -> Result<Zeroizing<Vec<u8>>> {
        let u_bytes = scrambler(&self.a_enc, &self.b_enc)?;
        let u = U256::from_be_slice(&u_bytes);
        let u_wide: U3072 = u.resize();
        // S = (A · v^u)^b mod N, constant time in v and b (u is public).
        let v_u = Zeroizing::new(pow_secret(&self.v, &u_wide, 256));
        let base = Zeroizing::new(Monty::new(&self.a, &PARAMS).mul(&v_u));
        let s = Zeroizing::new(pow_secret(&base, &self.b, self.b_bits.bits()).retrieve());
        let s_enc = to_java_bytes_secret(&s);
        let key = session_key(&to_java_bytes_vartime(&u_bytes), &s_enc);
        let bytes = Zeroizing::new(signature_bytes(
            &key,
            &self.id.realm,
            &self.id.identity,
            &self.secret_block_bytes,
            timestamp.as_str(),
        ));
        Ok(Zeroizing::new(bytes.to_vec()))
    }
}

/// `b` and `v` are `Zeroizing` values in their own boxes: wiped in place on drop.
impl ZeroizeOnDrop for ServerSrp {}

impl fmt::Debug for ServerSrp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerSrp")
            .field("realm", &self.id.realm)
            .field("identity", &self.id.identity)
            .finish_non_exhaustive()
    }
}

/// Cognito's `SECRET_HASH` check: `hash` must be the `SECRET_HASH` of `username` (the name
/// the same request carries: as typed in `InitiateAuth`, internal in challenge responses) for
/// `client_id` and `client_secret`. Compared in constant time.
///
/// # Errors
/// [`Error::SecretHashMismatch`] when it is not.
pub fn verify_secret_hash(
    username: &str,
    client_id: &str,
    client_secret: &ClientSecret,
    hash: &str,
) -> Result<()> {
    let expected = Zeroizing::new(crate::secret_hash(username, client_id, client_secret));
    // Declassified: whether the hash matches (the lengths are public).
    if expected.len() == hash.len() && verdict(expected.as_bytes().ct_eq(hash.as_bytes())) {
        Ok(())
    } else {
        Err(Error::SecretHashMismatch)
    }
}

/// Known-answer access for tests: a server exchange with a chosen `b` and verifier `v`.
#[cfg(feature = "hazmat")]
pub(crate) fn server_srp_from_parts(
    realm: &str,
    identity: &str,
    salt_enc: &[u8],
    v_be: &[u8],
    b_be: &[u8],
    srp_a: &str,
    secret_block: &[u8],
) -> Result<ServerSrp> {
    // `v` is a secret: read in constant time, only whether it fits is declassified.
    let (v, fits) = u3072_from_wide_be_secret(v_be);
    if !verdict(fits) {
        return Err(Error::MalformedParameter { name: "v" });
    }
    let stored = StoredVerifier::from_parts(realm, identity, salt_enc.to_vec(), &v);
    if b_be.len() > 128 {
        return Err(Error::IllegalEphemeral);
    }
    ServerSrp::with_b(&stored, srp_a, b_be, secret_block)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_as_cognito_parses_them() {
        let t = |s: &str| {
            Timestamp::parse_unix_seconds_vartime(s)
                .map(|d| String::from(Timestamp::from_unix_seconds(d).as_str()))
        };
        assert_eq!(
            t("Tue Nov 5 09:01:02 UTC 2024").as_deref(),
            Some("Tue Nov 5 09:01:02 UTC 2024")
        );
        // Zero-padded day and wrong weekday parse, to the canonical (different) text.
        assert_eq!(
            t("Tue Nov 05 09:01:02 UTC 2024").as_deref(),
            Some("Tue Nov 5 09:01:02 UTC 2024")
        );
        assert_eq!(
            t("Mon Nov 5 09:01:02 UTC 2024").as_deref(),
            Some("Tue Nov 5 09:01:02 UTC 2024")
        );
        for bad in [
            "",
            "Tue Nov 5 09:01:02 GMT 2024",
            "Die Nov 5 09:01:02 UTC 2024",
            "Tue Noe 5 09:01:02 UTC 2024",
            "Tue Nov 5 24:00:00 UTC 2024",
            "Tue Nov 5 9:01:02 UTC 2024",
            "Tue Nov 31 09:01:02 UTC 2024",
            "Tue Nov 5 09:01:02 UTC 24",
            "Tue  Nov 5 09:01:02 UTC 2024",
            "Tue Nov 5 09:01:02 UTC 2024 ",
            "Tue Nov +5 09:01:02 UTC 2024",
        ] {
            assert_eq!(t(bad), None, "{bad:?}");
        }
    }
}
