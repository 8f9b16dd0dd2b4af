//! The app client: the user pool id and its pool name, the client id and secret, and the
//! `USERNAME` / `SECRET_HASH` / `DEVICE_KEY` every request carries for it.

use alloc::string::String;
use core::fmt;

use hmac::Mac as _;

use crate::encoding::base64_encode;
use crate::error::{Error, Result};
use crate::secret::ClientSecret;
use crate::srp::hmac_sha256;
use crate::wire::{WireInsert, param};

/// The pool name of a user pool id: the part after the `_` (`us-east-1_AbC` → `AbC`).
///
/// ```
/// assert_eq!(cognito_srp_auth::pool_name("us-east-1_AbCdEf123"), Ok("AbCdEf123"));
/// ```
///
/// # Errors
/// [`Error::InvalidPoolId`] unless the id is `<region>_<name>` with exactly one `_` and both
/// parts non-empty.
pub fn pool_name(pool_id: &str) -> Result<&str> {
    match pool_id.split_once('_') {
        Some((region, name)) if !region.is_empty() && !name.is_empty() && !name.contains('_') => {
            Ok(name)
        }
        _ => Err(Error::InvalidPoolId),
    }
}

/// The app client a sign-in goes through: user pool id, client id and, for app clients that
/// have one, the client secret.
pub struct UserPoolClient {
    pool_id: String,
    /// The part of `pool_id` after its `_`, checked when the client was made.
    pool_name: String,
    client_id: String,
    client_secret: Option<ClientSecret>,
}

impl UserPoolClient {
    /// An app client without a secret.
    ///
    /// # Errors
    /// [`Error::InvalidPoolId`] when `pool_id` is not `<region>_<name>` (see [`pool_name`]).
    pub fn new(pool_id: &str, client_id: &str) -> Result<Self> {
        let name = pool_name(pool_id)?;
        Ok(Self {
            pool_id: String::from(pool_id),
            pool_name: String::from(name),
            client_id: String::from(client_id),
            client_secret: None,
        })
    }

    /// The same app client with its secret: every request then carries a `SECRET_HASH`.
    #[must_use]
    pub fn with_client_secret(mut self, secret: ClientSecret) -> Self {
        self.client_secret = Some(secret);
        self
    }

    /// The user pool id.
    #[must_use]
    pub fn pool_id(&self) -> &str {
        &self.pool_id
    }

    /// The pool name, the SRP realm of users.
    #[must_use]
    pub fn pool_name(&self) -> &str {
        &self.pool_name
    }

    /// The app client id.
    #[must_use]
    pub fn client_id(&self) -> &str {
        &self.client_id
    }

    /// The app client's secret, when it has one: for `GetTokensFromRefreshToken`, which sends
    /// it as it is ([`ClientSecret::expose_secret`]), or to build the same client again.
    #[must_use]
    pub fn client_secret(&self) -> Option<&ClientSecret> {
        self.client_secret.as_ref()
    }

    /// Whether the app client has a secret.
    #[must_use]
    pub fn has_secret(&self) -> bool {
        self.client_secret.is_some()
    }

    /// `SECRET_HASH` over `username` when the client has a secret, `None` otherwise.
    ///
    /// The user name must be the one the same request carries:
    ///
    /// | request | field | user name |
    /// | --- | --- | --- |
    /// | `InitiateAuth` / `AdminInitiateAuth` (SRP, custom, `USER_AUTH`) | `AuthParameters.SECRET_HASH` | as typed (alias allowed) |
    /// | every `RespondToAuthChallenge` | `ChallengeResponses.SECRET_HASH` | internal (the challenge's `USERNAME`) |
    /// | `REFRESH_TOKEN_AUTH` | `AuthParameters.SECRET_HASH` | internal (`cognito:username`) |
    /// | `SignUp`, `ConfirmSignUp`, `ResendConfirmationCode`, `ForgotPassword`, `ConfirmForgotPassword` | top-level `SecretHash` | the request's `Username` |
    ///
    /// The sign-in builders ([`AuthParameters`](crate::AuthParameters),
    /// [`Responder`](crate::Responder), [`SignIn`](crate::SignIn)) apply this table
    /// themselves; call this for the other operations:
    ///
    /// ```
    /// use cognito_srp_auth::{ClientSecret, UserPoolClient};
    /// let client = UserPoolClient::new("us-east-1_Abc", "123abd")?
    ///     .with_client_secret(ClientSecret::from("clientSecret"));
    /// // SignUp { ClientId, Username: "test", Password, SecretHash: … }
    /// let sign_up_secret_hash = client.secret_hash("test");
    /// assert_eq!(sign_up_secret_hash.as_deref(), Some("LoIX/oPJWZzFYv8liJYRo+CHv16FNDY10JlZEDjL3Vg="));
    /// # Ok::<(), cognito_srp_auth::Error>(())
    /// ```
    #[must_use]
    pub fn secret_hash(&self, username: &str) -> Option<String> {
        self.client_secret
            .as_ref()
            .map(|secret| secret_hash(username, &self.client_id, secret))
    }
}

impl fmt::Debug for UserPoolClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserPoolClient")
            .field("pool_id", &self.pool_id)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .finish()
    }
}

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

/// Who a request speaks for: written into every `ChallengeResponses` and `AuthParameters`.
#[derive(Clone, Copy)]
pub(crate) struct Identity<'a> {
    pub(crate) client: &'a UserPoolClient,
    /// `USERNAME`, and the name `SECRET_HASH` is computed over.
    pub(crate) username: &'a str,
    /// Whether `USERNAME` itself is sent (`REFRESH_TOKEN_AUTH` sends only `SECRET_HASH`).
    pub(crate) send_username: bool,
    pub(crate) device_key: Option<&'a str>,
}

/// The one writer of the keys every map carries: `USERNAME` (unless `send_username` is off),
/// then the map's own keys (`fill`), then `SECRET_HASH` over that user name when the client
/// has a secret, then `DEVICE_KEY` with a remembered device.
pub(crate) fn identify<M: WireInsert>(map: &mut M, who: &Identity<'_>, fill: impl FnOnce(&mut M)) {
    if who.send_username {
        map.insert(param::USERNAME, String::from(who.username));
    }
    fill(map);
    if let Some(hash) = who.client.secret_hash(who.username) {
        map.insert(param::SECRET_HASH, hash);
    }
    if let Some(device_key) = who.device_key {
        map.insert(param::DEVICE_KEY, String::from(device_key));
    }
}
