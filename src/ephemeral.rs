//! The client's SRP ephemeral key and every claim it signs: `A` is computed once, when the
//! key is made, and a claim consumes the key, so one `a` never serves two claims.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crypto_bigint::U3072;
use rand_core::TryCryptoRng;
use zeroize::{ZeroizeOnDrop, Zeroizing};

use crate::challenge::PasswordVerifierChallenge;
use crate::client::{Identity, UserPoolClient, identify};
use crate::declassify::{declassify, verdict};
use crate::device::{DevicePasswordVerifierChallenge, RememberedDevice};
use crate::encoding::{to_java_bytes_vartime, to_minimal_hex_vartime, u3072_from_be_slice};
use crate::error::{Error, Result};
use crate::group::EphemeralBits;
use crate::secret::Password;
use crate::srp::{ClaimInput, Observer, Unobserved, claim_signature};
use crate::timestamp::Timestamp;
use crate::wire::{ChallengeResponses, challenge_name, param};

/// Bytes of a private ephemeral (`a`, and the server's `b`) this crate draws: 512 bits, twice
/// the 256-bit minimum of RFC 5054 and above the 275 bits RFC 7919 (Appendix A) and OpenSSL
/// give the 3072-bit MODP group; `a + u·x` then stays below 2^513, so S takes 513 squarings
/// instead of 1025. Cognito sees only `A`.
pub(crate) const EPHEMERAL_BYTES: usize = 64;

/// The client's private SRP ephemeral `a` together with its public `A = g^a mod N`.
///
/// Create one per sign-in attempt, before the password is needed: [`srp_a`](Self::srp_a) is
/// the `SRP_A` of `InitiateAuth`, and `A` is computed exactly once, here. The key is then
/// consumed by the claim that uses it (for example
/// [`password_verifier`](Self::password_verifier)), so one `a` can never serve two claims;
/// it is not `Clone`, it is wiped on drop and its `Debug` prints no secret.
///
/// `a` lives in its own heap box, wiped when the key is dropped: moving a key (into a
/// [`SignIn`](crate::SignIn)'s state, out of it, into a claim) moves a pointer, so the one
/// copy of `a` in memory is wiped exactly once, wherever the key travels.
pub struct EphemeralKey {
    /// The secret exponent, `0 < a < 2^bits`, in its own zeroizing heap box.
    a: Box<Zeroizing<U3072>>,
    /// The size class of `a` (public: how many bytes it was drawn as).
    bits: EphemeralBits,
    /// `hex(A)`, the wire form.
    srp_a: String,
    /// `enc(A)`, hashed into `u`.
    a_enc: Vec<u8>,
}

impl EphemeralKey {
    /// Draw `a` as 64 bytes (512 bits) from a cryptographically secure RNG and compute
    /// `A = g^a mod N`. The official clients draw 128 bytes; 512 bits are twice the 256-bit
    /// minimum of RFC 5054 and above the 275 bits RFC 7919 recommends for this group, and make
    /// the claim's `S` twice as fast. Cognito sees only `A`.
    ///
    /// Any `rand_core` [`CryptoRng`](rand_core::CryptoRng) works here, as does a fallible
    /// [`TryCryptoRng`] (such as `getrandom::SysRng`).
    ///
    /// # Errors
    /// - [`Error::RandomSource`] when the RNG reports a failure.
    /// - [`Error::IllegalEphemeral`] when it returned 64 zero bytes (a broken RNG).
    pub fn from_rng<R: TryCryptoRng + ?Sized>(rng: &mut R) -> Result<Self> {
        Self::from_rng_sized(rng, EPHEMERAL_BYTES)
    }

    /// `a` drawn as `len` bytes (at most 128): [`from_rng`](Self::from_rng) draws 64; the
    /// known-answer tests draw 128 (`hazmat`).
    pub(crate) fn from_rng_sized<R: TryCryptoRng + ?Sized>(
        rng: &mut R,
        len: usize,
    ) -> Result<Self> {
        let mut bytes = Zeroizing::new([0u8; 128]);
        let drawn = bytes.get_mut(..len).ok_or(Error::IllegalEphemeral)?;
        rng.try_fill_bytes(drawn).map_err(|_| Error::RandomSource)?;
        Self::from_be_bytes(drawn)
    }

    /// Draw `a` from the operating system's RNG (feature `getrandom`, on by default).
    ///
    /// ```
    /// let key = cognito_srp_auth::EphemeralKey::generate()?;
    /// assert!(key.srp_a().len() > 700);
    /// # Ok::<(), cognito_srp_auth::Error>(())
    /// ```
    ///
    /// # Errors
    /// [`Error::RandomSource`] when the operating system cannot provide randomness.
    #[cfg(feature = "getrandom")]
    pub fn generate() -> Result<Self> {
        Self::from_rng(&mut getrandom::SysRng)
    }

    /// `a` from big-endian bytes (at most 128 of them); up to 64 bytes it is a 512-bit key,
    /// above that a 1024-bit one (the size class follows the length, never the value).
    pub(crate) fn from_be_bytes(bytes: &[u8]) -> Result<Self> {
        let bits = EphemeralBits::of_len(bytes.len()).ok_or(Error::IllegalEphemeral)?;
        let mut a = Box::new(Zeroizing::new(U3072::ZERO));
        **a = u3072_from_be_slice(bytes).ok_or(Error::IllegalEphemeral)?;
        // Declassified: only whether `a` is zero, which makes the key unusable.
        if verdict(a.is_zero().into()) {
            return Err(Error::IllegalEphemeral);
        }
        // Declassified: A = g^a is public by protocol (`SRP_A`).
        let mut a_bytes = bits.pow_g(&a).retrieve().to_be_bytes();
        declassify(&mut a_bytes);
        Ok(Self {
            a,
            bits,
            srp_a: to_minimal_hex_vartime(a_bytes.as_ref()),
            a_enc: to_java_bytes_vartime(a_bytes.as_ref()),
        })
    }

    /// `SRP_A`: `A` as minimal lowercase hex, for `InitiateAuth`'s `AuthParameters` (or the
    /// `DEVICE_SRP_AUTH` / `SELECT_CHALLENGE` responses).
    #[must_use]
    pub fn srp_a(&self) -> &str {
        &self.srp_a
    }

    /// `enc(A)`.
    pub(crate) fn a_enc(&self) -> &[u8] {
        &self.a_enc
    }

    /// The secret exponent.
    pub(crate) fn a(&self) -> &U3072 {
        &self.a
    }

    /// The size class of `a`.
    pub(crate) fn bits(&self) -> EphemeralBits {
        self.bits
    }
}

/// `a` is a `Zeroizing` value in its own box: wiped in place when the key is dropped.
impl ZeroizeOnDrop for EphemeralKey {}

impl fmt::Debug for EphemeralKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EphemeralKey").finish_non_exhaustive()
    }
}

impl EphemeralKey {
    /// Answer a `PASSWORD_VERIFIER` challenge.
    ///
    /// The responses hold `USERNAME` (the challenge's internal user name),
    /// `PASSWORD_CLAIM_SECRET_BLOCK` (the `SECRET_BLOCK` as received),
    /// `PASSWORD_CLAIM_SIGNATURE`, `TIMESTAMP`, and `SECRET_HASH` over that same `USERNAME`
    /// when the client has a secret. Add `DEVICE_KEY` with
    /// [`with_device_key`](ChallengeResponses::with_device_key) when signing in with a
    /// remembered device. Respond within a few seconds of `timestamp`.
    ///
    /// Consumes the key: one `a` never serves two claims.
    ///
    /// # Errors
    /// [`Error::IllegalScrambler`] when `u = H(A ‖ B)` is zero; nothing secret has been
    /// computed then. (`SRP_B ≡ 0 mod N` was refused when the challenge was parsed.)
    pub fn password_verifier(
        self,
        client: &UserPoolClient,
        challenge: &PasswordVerifierChallenge,
        password: &Password,
        timestamp: &Timestamp,
    ) -> Result<ChallengeResponses> {
        self.password_verifier_observed(client, challenge, password, timestamp, &mut Unobserved)
    }

    pub(crate) fn password_verifier_observed(
        self,
        client: &UserPoolClient,
        challenge: &PasswordVerifierChallenge,
        password: &Password,
        timestamp: &Timestamp,
        observer: &mut impl Observer,
    ) -> Result<ChallengeResponses> {
        let input = ClaimInput {
            realm: client.pool_name(),
            identity: &challenge.user_id_for_srp,
            password: password.expose().as_bytes(),
            srp: &challenge.srp,
            timestamp,
        };
        answer_claim(
            self,
            challenge_name::PASSWORD_VERIFIER,
            &input,
            &challenge.username,
            None,
            client,
            observer,
        )
    }
}

/// Sign a claim and build its answer: `USERNAME`, `PASSWORD_CLAIM_SECRET_BLOCK`,
/// `PASSWORD_CLAIM_SIGNATURE`, `TIMESTAMP`, then `SECRET_HASH` over that same `USERNAME` when
/// the client has a secret and `DEVICE_KEY` (device claims).
pub(crate) fn answer_claim(
    key: EphemeralKey,
    challenge_name: &'static str,
    input: &ClaimInput<'_>,
    username: &str,
    device_key: Option<&str>,
    client: &UserPoolClient,
    observer: &mut impl Observer,
) -> Result<ChallengeResponses> {
    // `a` is used here and wiped when `key` drops, at the end of this call.
    let signature = claim_signature(key.a(), key.bits(), key.a_enc(), input, observer)?;
    drop(key);
    let mut responses = ChallengeResponses::new(challenge_name);
    let who = Identity {
        client,
        username,
        send_username: true,
        device_key,
    };
    identify(&mut responses, &who, |r| {
        r.insert(
            param::PASSWORD_CLAIM_SECRET_BLOCK,
            input.srp.secret_block.clone(),
        );
        r.insert(param::PASSWORD_CLAIM_SIGNATURE, signature);
        r.insert(param::TIMESTAMP, String::from(input.timestamp.as_str()));
    });
    Ok(responses)
}

impl EphemeralKey {
    /// Answer a `DEVICE_SRP_AUTH` challenge: `USERNAME` (the internal user name, i.e. the
    /// `USERNAME` of the previous challenge), `DEVICE_KEY`, `SRP_A` of this (fresh) key, and
    /// `SECRET_HASH` over `username` when the client has a secret. Keep the key for the
    /// `DEVICE_PASSWORD_VERIFIER` that follows.
    #[must_use]
    pub fn device_srp_auth(
        &self,
        client: &UserPoolClient,
        device: &RememberedDevice,
        username: &str,
    ) -> ChallengeResponses {
        let mut responses = ChallengeResponses::new(challenge_name::DEVICE_SRP_AUTH);
        let who = Identity {
            client,
            username,
            send_username: true,
            device_key: Some(&device.device_key),
        };
        identify(&mut responses, &who, |r| {
            r.insert(param::SRP_A, String::from(self.srp_a()));
        });
        responses
    }

    /// Answer a `DEVICE_PASSWORD_VERIFIER` challenge: `USERNAME` (the challenge's),
    /// `DEVICE_KEY`, `PASSWORD_CLAIM_SECRET_BLOCK`, `PASSWORD_CLAIM_SIGNATURE`, `TIMESTAMP`,
    /// and `SECRET_HASH` over that `USERNAME` when the client has a secret. Consumes the key.
    ///
    /// # Errors
    /// - [`Error::DeviceKeyMismatch`] when the challenge names another device.
    /// - [`Error::IllegalScrambler`] when `u = 0` (before any secret-dependent work).
    pub fn device_password_verifier(
        self,
        client: &UserPoolClient,
        device: &RememberedDevice,
        challenge: &DevicePasswordVerifierChallenge,
        timestamp: &Timestamp,
    ) -> Result<ChallengeResponses> {
        self.device_password_verifier_observed(
            client,
            device,
            challenge,
            timestamp,
            &mut Unobserved,
        )
    }

    pub(crate) fn device_password_verifier_observed(
        self,
        client: &UserPoolClient,
        device: &RememberedDevice,
        challenge: &DevicePasswordVerifierChallenge,
        timestamp: &Timestamp,
        observer: &mut impl Observer,
    ) -> Result<ChallengeResponses> {
        if challenge
            .device_key
            .as_deref()
            .is_some_and(|k| k != device.device_key)
        {
            return Err(Error::DeviceKeyMismatch);
        }
        let input = ClaimInput {
            realm: &device.device_group_key,
            identity: &device.device_key,
            password: device.device_password.expose().as_bytes(),
            srp: &challenge.srp,
            timestamp,
        };
        answer_claim(
            self,
            challenge_name::DEVICE_PASSWORD_VERIFIER,
            &input,
            &challenge.username,
            Some(&device.device_key),
            client,
            observer,
        )
    }
}
