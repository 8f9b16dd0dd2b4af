//! Secret-bearing text: passwords and the app client secret.
//!
//! Each is wiped on drop, prints as `<redacted>` and is neither `Clone` nor `Display`.

use alloc::string::String;
use core::fmt;

use zeroize::{ZeroizeOnDrop, Zeroizing};

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
