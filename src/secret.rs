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
use crate::group::pow_g_1024;

/// Public bit bound of the private ephemeral `a`: it is drawn as 128 random bytes.
pub(crate) const A_BITS: u32 = 1024;

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
    /// The secret exponent, `0 < a < 2^1024`, in its own zeroizing heap box.
    a: Box<Zeroizing<U3072>>,
    /// `hex(A)`, the wire form.
    srp_a: String,
    /// `enc(A)`, hashed into `u`.
    a_enc: Vec<u8>,
}

impl EphemeralKey {
    /// Draw `a` as 128 bytes from a cryptographically secure RNG and compute `A = g^a mod N`.
    ///
    /// Any `rand_core` [`CryptoRng`](rand_core::CryptoRng) works here, as does a fallible
    /// [`TryCryptoRng`] (such as `getrandom::SysRng`).
    ///
    /// # Errors
    /// - [`Error::RandomSource`] when the RNG reports a failure.
    /// - [`Error::IllegalEphemeral`] when it returned 128 zero bytes (a broken RNG).
    pub fn from_rng<R: TryCryptoRng + ?Sized>(rng: &mut R) -> Result<Self> {
        let mut bytes = Zeroizing::new([0u8; 128]);
        rng.try_fill_bytes(bytes.as_mut())
            .map_err(|_| Error::RandomSource)?;
        Self::from_be_bytes(bytes.as_ref())
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

    /// `a` from big-endian bytes (at most 128 of them).
    pub(crate) fn from_be_bytes(bytes: &[u8]) -> Result<Self> {
        if bytes.len() > 128 {
            return Err(Error::IllegalEphemeral);
        }
        let mut a = Box::new(Zeroizing::new(U3072::ZERO));
        **a = crate::encoding::u3072_from_be_slice(bytes).ok_or(Error::IllegalEphemeral)?;
        // Declassified: only whether `a` is zero, which makes the key unusable.
        if verdict(a.is_zero().into()) {
            return Err(Error::IllegalEphemeral);
        }
        // Declassified: A = g^a is public by protocol (`SRP_A`).
        let mut a_bytes = pow_g_1024(&a).retrieve().to_be_bytes();
        declassify(&mut a_bytes);
        Ok(Self {
            a,
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
}

/// `a` is a `Zeroizing` value in its own box: wiped in place when the key is dropped.
impl ZeroizeOnDrop for EphemeralKey {}

impl fmt::Debug for EphemeralKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EphemeralKey").finish_non_exhaustive()
    }
}
