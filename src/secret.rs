//! Secret-bearing types: passwords, the app client secret and the private ephemeral `a`.
//!
//! Each is wiped on drop, prints as `<redacted>` and is neither `Clone` nor `Display`.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crypto_bigint::U3072;
use rand_core::TryCryptoRng;
use zeroize::{ZeroizeOnDrop, Zeroizing};

use crate::declassify::{declassify, verdict};
use crate::encoding::{to_java_bytes_vartime, to_minimal_hex_vartime};
use crate::error::{Error, Result};
use crate::group::EphemeralBits;

/// Bytes of a private ephemeral (`a`, and the server's `b`) this crate draws: 512 bits, twice
/// the 256-bit minimum of RFC 5054 and above the 275 bits RFC 7919 (Appendix A) and OpenSSL
/// give the 3072-bit MODP group; `a + u·x` then stays below 2^513, so S takes 513 squarings
/// instead of 1025. Cognito sees only `A`.
pub(crate) const EPHEMERAL_BYTES: usize = 64;

macro_rules! secret_string {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        pub struct $name(Zeroizing<String>);

        impl $name {
            /// Wrap the secret. Takes ownership so that no unwiped copy is left behind.
            #[must_use]
            pub fn new(secret: String) -> Self {
                Self(Zeroizing::new(secret))
            }

            /// The secret text, for the hash computations of this crate only.
            pub(crate) fn expose(&self) -> &str {
                &self.0
            }
        }

        impl From<String> for $name {
            fn from(secret: String) -> Self {
                Self::new(secret)
            }
        }

        impl From<&str> for $name {
            /// Copies the text; the caller's copy stays the caller's to wipe.
            fn from(secret: &str) -> Self {
                Self::new(String::from(secret))
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(concat!(stringify!($name), "(<redacted>)"))
            }
        }

        impl ZeroizeOnDrop for $name {}
    };
}

secret_string! {
    /// A user's (or a device's) password. Hashed as its UTF-8 bytes, without normalisation.
    /// Wiped on drop; never printed.
    ///
    /// ```
    /// use cognito_srp_auth::Password;
    /// let password = Password::from("correct horse battery staple");
    /// assert_eq!(format!("{password:?}"), "Password(<redacted>)");
    /// ```
    Password
}

secret_string! {
    /// The secret of an app client, the HMAC key of `SECRET_HASH` (its UTF-8 bytes, not
    /// base64-decoded). Wiped on drop; never printed.
    ///
    /// ```
    /// use cognito_srp_auth::ClientSecret;
    /// let secret = ClientSecret::from("clientSecret");
    /// assert_eq!(format!("{secret:?}"), "ClientSecret(<redacted>)");
    /// ```
    ClientSecret
}

impl ClientSecret {
    /// The secret text, for the one operation that sends it as it is:
    /// `GetTokensFromRefreshToken`'s `ClientSecret` (every other request carries a
    /// `SECRET_HASH` instead). Never log or store what this returns.
    ///
    /// ```
    /// use cognito_srp_auth::ClientSecret;
    /// assert_eq!(ClientSecret::from("clientSecret").expose_secret(), "clientSecret");
    /// ```
    #[must_use]
    pub fn expose_secret(&self) -> &str {
        self.expose()
    }
}

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
        **a = crate::encoding::u3072_from_be_slice(bytes).ok_or(Error::IllegalEphemeral)?;
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
