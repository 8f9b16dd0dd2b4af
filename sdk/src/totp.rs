//! [`TotpSetup`]: the secret of a TOTP set up during a sign-in, and its `otpauth://` URI.

use std::fmt;
use std::fmt::Write as _;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use zeroize::Zeroizing;

/// Characters left as they are in a label or parameter of the URI (RFC 3986 unreserved).
const KEEP: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// A TOTP secret from `AssociateSoftwareToken`, for the user's authenticator app.
///
/// The secret and the URI are wiped on drop; `Debug` prints neither.
pub struct TotpSetup {
    secret: Zeroizing<String>,
    uri: Zeroizing<String>,
}

impl TotpSetup {
    /// The setup of `secret` (base32), labelled `issuer:account` in authenticator apps.
    #[must_use]
    pub fn new(secret: Zeroizing<String>, issuer: &str, account: &str) -> Self {
        let issuer = utf8_percent_encode(issuer, KEEP).to_string();
        let account = utf8_percent_encode(account, KEEP).to_string();
        let secret_field = secret.trim_end_matches('=');
        // Sized up front, so the text holding the secret never reallocates (which would
        // leave a copy in the freed block).
        let len = "otpauth://totp/:?secret=&issuer=&algorithm=SHA1&digits=6&period=30".len()
            + 2 * issuer.len()
            + account.len()
            + secret_field.len();
        let mut uri = Zeroizing::new(String::with_capacity(len));
        let _ = write!(
            uri,
            "otpauth://totp/{issuer}:{account}?secret={secret_field}&issuer={issuer}&algorithm=SHA1&digits=6&period=30"
        );
        Self { secret, uri }
    }

    /// The secret, base32 (for manual entry into an authenticator).
    #[must_use]
    pub fn secret(&self) -> &str {
        &self.secret
    }

    /// The `otpauth://totp/<issuer>:<account>?secret=…&issuer=…` key URI (Google
    /// Authenticator's format, which every authenticator app reads; show it as a QR code).
    #[must_use]
    pub fn uri(&self) -> &str {
        &self.uri
    }
}

impl fmt::Debug for TotpSetup {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSetup(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_encodes_issuer_and_account_and_keeps_the_secret() {
        let setup = TotpSetup::new(
            Zeroizing::new("JBSWY3DPEHPK3PXP".to_owned()),
            "us-east-1_AbC",
            "alice@example.com",
        );
        assert_eq!(setup.secret(), "JBSWY3DPEHPK3PXP");
        assert_eq!(
            setup.uri(),
            "otpauth://totp/us-east-1_AbC:alice%40example.com?secret=JBSWY3DPEHPK3PXP\
             &issuer=us-east-1_AbC&algorithm=SHA1&digits=6&period=30"
        );
        assert_eq!(format!("{setup:?}"), "TotpSetup(<redacted>)");
    }

    #[test]
    fn uri_encodes_spaces_colons_and_non_ascii() {
        let setup = TotpSetup::new(Zeroizing::new("AB==".to_owned()), "My App: prod", "zoë");
        assert_eq!(
            setup.uri(),
            "otpauth://totp/My%20App%3A%20prod:zo%C3%AB?secret=AB\
             &issuer=My%20App%3A%20prod&algorithm=SHA1&digits=6&period=30"
        );
    }
}
