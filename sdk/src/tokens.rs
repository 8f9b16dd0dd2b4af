//! [`Tokens`]: what a sign-in or a refresh returns.

use std::fmt;
use std::time::{Duration, SystemTime};

use zeroize::Zeroizing;

use crate::error::Error;
use crate::transport::TokenSet;

/// The tokens of a sign-in or a refresh, with the internal user name and the remembered
/// device they belong to.
///
/// Every token is wiped on drop; `Debug` prints none of them (only the user name, the device
/// key, the token type and the expiry).
#[non_exhaustive]
pub struct Tokens {
    access_token: Zeroizing<String>,
    id_token: Option<Zeroizing<String>>,
    refresh_token: Option<Zeroizing<String>>,
    token_type: String,
    expires_in: Duration,
    expires_at: SystemTime,
    username: String,
    device_key: Option<String>,
    device_error: Option<Error>,
}

impl Tokens {
    /// The tokens of `set`, received at `now`; `refresh_token` is kept when `set` has none
    /// (a refresh without rotation).
    pub(crate) fn new(
        set: TokenSet,
        now: SystemTime,
        username: String,
        device_key: Option<String>,
        refresh_token: Option<&str>,
    ) -> Result<Self, Error> {
        let access_token = set.access_token.ok_or(Error::MissingField {
            name: "AuthenticationResult.AccessToken",
        })?;
        let expires_in = Duration::from_secs(u64::try_from(set.expires_in).unwrap_or(0));
        Ok(Self {
            access_token,
            id_token: set.id_token,
            refresh_token: set
                .refresh_token
                .or_else(|| refresh_token.map(|t| Zeroizing::new(t.to_owned()))),
            token_type: set.token_type.unwrap_or_else(|| "Bearer".to_owned()),
            expires_in,
            expires_at: now + expires_in,
            username,
            device_key,
            device_error: None,
        })
    }

    pub(crate) fn with_device_error(mut self, error: Option<Error>) -> Self {
        self.device_error = error;
        self
    }

    /// `AccessToken`: the bearer token of Cognito's user operations (`GetUser`, devices, …).
    #[must_use]
    pub fn access_token(&self) -> &str {
        &self.access_token
    }

    /// `IdToken`: the user's claims, for the application's back end.
    #[must_use]
    pub fn id_token(&self) -> Option<&str> {
        self.id_token.as_deref().map(String::as_str)
    }

    /// `RefreshToken` (after a refresh without rotation: the one that refreshed).
    #[must_use]
    pub fn refresh_token(&self) -> Option<&str> {
        self.refresh_token.as_deref().map(String::as_str)
    }

    /// `TokenType` (`Bearer`).
    #[must_use]
    pub fn token_type(&self) -> &str {
        &self.token_type
    }

    /// `ExpiresIn`: how long the access and id tokens were valid when they were received.
    #[must_use]
    pub fn expires_in(&self) -> Duration {
        self.expires_in
    }

    /// When the access and id tokens expire (the time they were received plus `ExpiresIn`).
    #[must_use]
    pub fn expires_at(&self) -> SystemTime {
        self.expires_at
    }

    /// Whether the access token expires within `margin` of `now` (refresh before then).
    #[must_use]
    pub fn expires_within(&self, margin: Duration, now: SystemTime) -> bool {
        // A `now + margin` beyond what `SystemTime` holds is past any expiry.
        now.checked_add(margin).is_none_or(|t| t >= self.expires_at)
    }

    /// The internal user name (the `cognito:username` claim), not the alias typed: what
    /// `REFRESH_TOKEN_AUTH`'s `SECRET_HASH` is computed over.
    #[must_use]
    pub fn username(&self) -> &str {
        &self.username
    }

    /// The key of the remembered device these tokens belong to, which a refresh must name.
    #[must_use]
    pub fn device_key(&self) -> Option<&str> {
        self.device_key.as_deref()
    }

    /// Why the device Cognito asked to remember was not confirmed or stored, when that
    /// failed (the sign-in itself succeeded; the next one will be offered a new device).
    #[must_use]
    pub fn device_error(&self) -> Option<&Error> {
        self.device_error.as_ref()
    }
}

impl fmt::Debug for Tokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tokens")
            .field("access_token", &format_args!("<redacted>"))
            .field("id_token", &format_args!("{}", redacted(&self.id_token)))
            .field(
                "refresh_token",
                &format_args!("{}", redacted(&self.refresh_token)),
            )
            .field("token_type", &self.token_type)
            .field("expires_at", &self.expires_at)
            .field("username", &self.username)
            .field("device_key", &self.device_key)
            .field("device_error", &self.device_error)
            .finish()
    }
}

/// How an optional token shows in `Debug`: whether it is there, never what it is.
pub(crate) fn redacted(token: &Option<Zeroizing<String>>) -> &'static str {
    if token.is_some() {
        "<redacted>"
    } else {
        "None"
    }
}
