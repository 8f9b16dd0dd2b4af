//! Feature `server`: the Cognito side of SRP, so that whole sign-ins run offline and every
//! value a client sends is checked by a real verifier.
//!
//! - [`UserVerifier`]: a user's salt and verifier `v = g^x`, as Cognito stores them.
//! - [`DeviceVerifier`]: a device's, from the `DeviceSecretVerifierConfig` of `ConfirmDevice`.
//! - [`ServerSrp`]: one exchange: `B = k·v + g^b` for the client's `A`, the challenge
//!   parameters, and the verification of the claim (`TIMESTAMP` as Cognito reads it, the
//!   signature compared in constant time).
//! - [`verify_secret_hash`]: Cognito's `SECRET_HASH` check.
//! - [`UserPool`]: a small offline user pool that answers the requests of a
//!   [`SignIn`](crate::SignIn).
//!
//! `b`, `v`, `v^u`, `S` and the session key get the same constant-time arithmetic and wiping
//! as the client's secrets.
#![allow(clippy::many_single_char_names)]

mod pool;

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use crypto_bigint::{U256, U3072};
use rand_core::TryCryptoRng;
use subtle::ConstantTimeEq as _;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

pub use pool::{UserPool, UserPoolConfig};

use crate::challenge::{ServerPublic, param};
use crate::client::pool_name;
use crate::device::DeviceSecretVerifierConfig;
use crate::encoding::{
    base64_encode, decode_base64_lenient, to_java_bytes, to_java_bytes_secret, to_minimal_hex,
    u3072_from_be_slice,
};
use crate::error::{Error, Result};
use crate::group::{Monty, PARAMS, k_monty, pow_g_1024};
use crate::secret::ClientSecret;
use crate::srp::{identity_hash, private_key, session_key, signature_bytes, verifier};
use crate::timestamp::Timestamp;

/// Public bit bound of the server's private ephemeral `b` (128 random bytes).
const B_BITS: u32 = 1024;
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
struct StoredVerifier {
    id: Identity,
    salt_enc: Vec<u8>,
    /// `v` in Montgomery form (secret: an offline dictionary attack needs only `v`).
    v: Monty,
}

impl StoredVerifier {
    fn derive(realm: &str, identity: &str, password: &[u8], salt_enc: Vec<u8>) -> Self {
        let inner = identity_hash(realm, identity, password);
        let x_bytes = private_key(&salt_enc, &inner);
        let x = Zeroizing::new(U256::from_be_slice(x_bytes.as_ref()));
        let v = verifier(&x);
        Self {
            id: Identity {
                realm: String::from(realm),
                identity: String::from(identity),
            },
            salt_enc,
            v: *v,
        }
    }

    /// `SALT` as Cognito sends it: minimal lowercase hex of the salt integer.
    fn salt_text(&self) -> String {
        to_minimal_hex(&self.salt_enc)
    }
}

impl Drop for StoredVerifier {
    fn drop(&mut self) {
        self.v.zeroize();
    }
}

/// A user's SRP verifier: what Cognito stores when a password is set.
pub struct UserVerifier(StoredVerifier);

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
            to_java_bytes(salt),
        )))
    }

    /// The internal user name.
    #[must_use]
    pub fn username(&self) -> &str {
        &self.0.id.identity
    }
}

impl fmt::Debug for UserVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserVerifier")
            .field("username", &self.0.id.identity)
            .finish_non_exhaustive()
    }
}

impl ZeroizeOnDrop for UserVerifier {}

/// A device's SRP verifier, from the `DeviceSecretVerifierConfig` of `ConfirmDevice`.
pub struct DeviceVerifier(StoredVerifier);

impl DeviceVerifier {
    /// Store what `ConfirmDevice` sent, as Cognito does: both values must be base64 of
    /// positive Java-`BigInteger` bytes.
    ///
    /// # Errors
    /// [`Error::MalformedParameter`] naming `Salt` or `PasswordVerifier` when a value is not
    /// base64, is negative (first byte ≥ 0x80) or is wider than N.
    pub fn from_config(
        device_key: &str,
        device_group_key: &str,
        config: &DeviceSecretVerifierConfig,
    ) -> Result<Self> {
        let salt = decode_base64_lenient("Salt", config.salt())?;
        let v = Zeroizing::new(decode_base64_lenient(
            "PasswordVerifier",
            config.password_verifier(),
        )?);
        let negative = |bytes: &[u8]| bytes.first().is_some_and(|&b| b >= 0x80);
        if negative(&salt) {
            return Err(Error::MalformedParameter { name: "Salt" });
        }
        let bad_v = Error::MalformedParameter {
            name: "PasswordVerifier",
        };
        if negative(&v) {
            return Err(bad_v);
        }
        let magnitude = v
            .get(v.iter().take_while(|&&b| b == 0).count()..)
            .unwrap_or_default();
        let v = Zeroizing::new(u3072_from_be_slice(magnitude).ok_or(bad_v)?);
        Ok(Self(StoredVerifier {
            id: Identity {
                realm: String::from(device_group_key),
                identity: String::from(device_key),
            },
            salt_enc: to_java_bytes(&salt),
            v: Monty::new(&v, &PARAMS),
        }))
    }

    /// The device key.
    #[must_use]
    pub fn device_key(&self) -> &str {
        &self.0.id.identity
    }
}

impl fmt::Debug for DeviceVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceVerifier")
            .field("device_key", &self.0.id.identity)
            .finish_non_exhaustive()
    }
}

impl ZeroizeOnDrop for DeviceVerifier {}

/// One SRP exchange on Cognito's side: created when `SRP_A` arrives, consumed by the
/// verification of the claim. Holds `b` (wiped on drop).
pub struct ServerSrp {
    id: Identity,
    v: Monty,
    b: U3072,
    a_enc: Vec<u8>,
    a: U3072,
    srp_b: String,
    b_enc: Vec<u8>,
    salt_text: String,
    secret_block: String,
    secret_block_bytes: Vec<u8>,
}

impl ServerSrp {
    /// Answer a user's `SRP_A` (from `InitiateAuth`): draws `b` (128 bytes) and a 64-byte
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

    fn start<R: TryCryptoRng + ?Sized>(
        stored: &StoredVerifier,
        srp_a: &str,
        rng: &mut R,
    ) -> Result<Self> {
        let mut b = Zeroizing::new([0u8; 128]);
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
        let a = ServerPublic::parse(param::SRP_A, srp_a).map_err(|e| match e {
            Error::IllegalServerB => Error::IllegalClientA,
            other => other,
        })?;
        let b = Zeroizing::new(u3072_from_be_slice(b_bytes).ok_or(Error::IllegalEphemeral)?);
        // B = k·v + g^b mod N.
        let big_b = (k_monty().mul(&stored.v).add(&pow_g_1024(&b))).retrieve();
        let b_bytes_public = big_b.to_be_bytes();
        Ok(Self {
            id: stored.id.clone(),
            v: stored.v,
            b: *b,
            a_enc: a.enc,
            a: a.reduced,
            srp_b: to_minimal_hex(b_bytes_public.as_ref()),
            b_enc: to_java_bytes(b_bytes_public.as_ref()),
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
        let get = |name: &'static str| responses(name).ok_or(Error::MissingParameter { name });
        let block = get(param::PASSWORD_CLAIM_SECRET_BLOCK)?;
        let text = get(param::TIMESTAMP)?;
        let claimed = get(param::PASSWORD_CLAIM_SIGNATURE)?;
        if block != self.secret_block {
            return Err(Error::IncorrectClaim);
        }
        let instant = parse_timestamp(text).ok_or(Error::InvalidTimestamp)?;
        if (now - instant).num_seconds().abs() > TIMESTAMP_WINDOW_SECONDS {
            return Err(Error::StaleTimestamp);
        }
        let canonical = Timestamp::from(instant);
        let expected = self.expected_signature(&canonical)?;
        let claimed = decode_base64_lenient(param::PASSWORD_CLAIM_SIGNATURE, claimed)
            .map_err(|_| Error::IncorrectClaim)?;
        // Declassified: whether the claim verifies.
        if claimed.len() == expected.len() && bool::from(claimed.ct_eq(&expected)) {
            Ok(())
        } else {
            Err(Error::IncorrectClaim)
        }
    }

    /// The 32 signature bytes the client must send for `timestamp`.
    fn expected_signature(&self, timestamp: &Timestamp) -> Result<Zeroizing<Vec<u8>>> {
        let mut h = <sha2::Sha256 as sha2::Digest>::new();
        sha2::Digest::update(&mut h, &self.a_enc);
        sha2::Digest::update(&mut h, &self.b_enc);
        let u_bytes: [u8; 32] = sha2::Digest::finalize(h).into();
        if u_bytes == [0u8; 32] {
            return Err(Error::IllegalScrambler);
        }
        let u = U256::from_be_slice(&u_bytes);
        let u_wide: U3072 = u.resize();
        // S = (A · v^u)^b mod N, constant time in v and b (u is public).
        let v_u = Zeroizing::new(self.v.pow_amm_bounded_exp(&u_wide, 256));
        let base = Zeroizing::new(Monty::new(&self.a, &PARAMS).mul(&v_u));
        let s = Zeroizing::new(base.pow_amm_bounded_exp(&self.b, B_BITS).retrieve());
        let s_enc = to_java_bytes_secret(&s);
        let key = session_key(&to_java_bytes(&u_bytes), &s_enc);
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

impl Drop for ServerSrp {
    fn drop(&mut self) {
        self.b.zeroize();
        self.v.zeroize();
    }
}

impl ZeroizeOnDrop for ServerSrp {}

impl fmt::Debug for ServerSrp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerSrp")
            .field("realm", &self.id.realm)
            .field("identity", &self.id.identity)
            .finish_non_exhaustive()
    }
}

/// Parse a `TIMESTAMP` as Cognito reads it: `Www Mmm d HH:mm:ss UTC yyyy` with English
/// names, where the day may be zero-padded and the weekday is not checked against the date
/// (the signature over the canonical form catches both).
fn parse_timestamp(text: &str) -> Option<DateTime<Utc>> {
    const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mut parts = text.split(' ');
    let (Some(weekday), Some(month), Some(day), Some(time), Some("UTC"), Some(year), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    if !WEEKDAYS.contains(&weekday) {
        return None;
    }
    let month = MONTHS.iter().position(|&m| m == month)?;
    let digits = |s: &str, lens: &[usize]| -> Option<u32> {
        (lens.contains(&s.len()) && s.bytes().all(|c| c.is_ascii_digit()))
            .then(|| s.parse().ok())?
    };
    let day = digits(day, &[1, 2])?;
    let year = i32::try_from(digits(year, &[4])?).ok()?;
    let mut hms = time.split(':');
    let (Some(h), Some(m), Some(s), None) = (hms.next(), hms.next(), hms.next(), hms.next()) else {
        return None;
    };
    let date = NaiveDate::from_ymd_opt(year, u32::try_from(month + 1).ok()?, day)?;
    let time = date.and_hms_opt(digits(h, &[2])?, digits(m, &[2])?, digits(s, &[2])?)?;
    Some(time.and_utc())
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
    let expected = crate::secret_hash(username, client_id, client_secret);
    if expected.len() == hash.len() && bool::from(expected.as_bytes().ct_eq(hash.as_bytes())) {
        Ok(())
    } else {
        Err(Error::SecretHashMismatch)
    }
}

/// Known-answer access for tests: a server exchange with a chosen `b` and verifier `v`.
#[cfg(feature = "hazmat")]
#[allow(clippy::too_many_arguments)]
pub(crate) fn server_srp_from_parts(
    realm: &str,
    identity: &str,
    salt_enc: &[u8],
    v_be: &[u8],
    b_be: &[u8],
    srp_a: &str,
    secret_block: &[u8],
) -> Result<ServerSrp> {
    let magnitude = v_be
        .get(v_be.iter().take_while(|&&b| b == 0).count()..)
        .unwrap_or_default();
    let v = Zeroizing::new(
        u3072_from_be_slice(magnitude).ok_or(Error::MalformedParameter { name: "v" })?,
    );
    let stored = StoredVerifier {
        id: Identity {
            realm: String::from(realm),
            identity: String::from(identity),
        },
        salt_enc: salt_enc.to_vec(),
        v: Monty::new(&v, &PARAMS),
    };
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
        let t = |s: &str| parse_timestamp(s).map(|d| String::from(Timestamp::from(d).as_str()));
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
