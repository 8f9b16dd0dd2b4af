//! `SECRET_HASH = b64(HMAC-SHA256(key = client secret, message = user name ‖ client id))`.

use alloc::string::String;

use hmac::Mac as _;

use crate::encoding::base64_encode;
use crate::secret::ClientSecret;
use crate::srp::hmac_sha256;

/// The `SECRET_HASH` (or `SecretHash`) of a request, for an app client that has a secret.
///
/// `username` must be the user name sent in the **same** request: the name as typed (possibly
/// an alias) in `InitiateAuth`, `SignUp`, `ForgotPassword` and the like; the internal user name
/// (the challenge's `USERNAME`) in every `RespondToAuthChallenge` and in `REFRESH_TOKEN_AUTH`.
///
/// ```
/// use cognito_srp_auth::{secret_hash, ClientSecret};
///
/// let hash = secret_hash("test", "123abd", &ClientSecret::from("clientSecret"));
/// assert_eq!(hash, "LoIX/oPJWZzFYv8liJYRo+CHv16FNDY10JlZEDjL3Vg=");
/// ```
#[must_use]
pub fn secret_hash(username: &str, client_id: &str, client_secret: &ClientSecret) -> String {
    let mut mac = hmac_sha256(client_secret.expose().as_bytes());
    mac.update(username.as_bytes());
    mac.update(client_id.as_bytes());
    base64_encode(&mac.finalize().into_bytes())
}
