//! Typed builders for the `ChallengeResponses` of every challenge, and the `AuthParameters`
//! of `InitiateAuth` / `AdminInitiateAuth`. One function, `client::identify`, writes the
//! `USERNAME`, `SECRET_HASH` and `DEVICE_KEY` of every map.

use alloc::borrow::Cow;
use alloc::format;
use alloc::string::String;

use crate::challenge::{CodeChallenge, FirstFactor};
use crate::client::{Identity, UserPoolClient, identify};
use crate::ephemeral::EphemeralKey;
use crate::secret::Password;
use crate::wire::{AuthParameters, ChallengeResponses, auth_flow, challenge_name, param};

/// Builds the `ChallengeResponses` of one sign-in with the glue every response needs:
/// `USERNAME` (the internal user name once a challenge has revealed it), `SECRET_HASH` over
/// that same name when the app client has a secret, and `DEVICE_KEY` when the client holds a
/// remembered device (sent with every response of the sign-in).
///
/// ```
/// use cognito_srp_auth::{ClientSecret, CodeChallenge, Responder, UserPoolClient};
///
/// let client = UserPoolClient::new("us-east-1_Abc", "123abd")?
///     .with_client_secret(ClientSecret::from("clientSecret"));
/// let responses = Responder::new(&client, "test")
///     .with_device_key("us-east-1_dev")
///     .code(CodeChallenge::SmsMfa, "123456");
/// assert_eq!(responses.challenge_name(), "SMS_MFA");
/// assert_eq!(responses.get("SMS_MFA_CODE"), Some("123456"));
/// assert_eq!(responses.get("USERNAME"), Some("test"));
/// assert_eq!(responses.get("SECRET_HASH"), Some("LoIX/oPJWZzFYv8liJYRo+CHv16FNDY10JlZEDjL3Vg="));
/// assert_eq!(responses.get("DEVICE_KEY"), Some("us-east-1_dev"));
/// # Ok::<(), cognito_srp_auth::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Responder<'a> {
    client: &'a UserPoolClient,
    username: &'a str,
    device_key: Option<&'a str>,
}

impl<'a> Responder<'a> {
    /// Responses for `username`, which must be the internal user name once a challenge has
    /// carried one (`USERNAME` of the challenge parameters), never an alias after that.
    #[must_use]
    pub fn new(client: &'a UserPoolClient, username: &'a str) -> Self {
        Self {
            client,
            username,
            device_key: None,
        }
    }

    /// Add `DEVICE_KEY` to every response.
    #[must_use]
    pub fn with_device_key(mut self, device_key: &'a str) -> Self {
        self.device_key = Some(device_key);
        self
    }

    /// `USERNAME`, the answer's own keys (via `fill`), then `SECRET_HASH` and `DEVICE_KEY`.
    pub(crate) fn build(
        &self,
        name: impl Into<Cow<'static, str>>,
        fill: impl FnOnce(&mut ChallengeResponses),
    ) -> ChallengeResponses {
        let mut responses = ChallengeResponses::new(name);
        let who = Identity {
            client: self.client,
            username: self.username,
            send_username: true,
            device_key: self.device_key,
        };
        identify(&mut responses, &who, fill);
        responses
    }

    /// A code challenge (`SMS_MFA`, `SOFTWARE_TOKEN_MFA`, `EMAIL_OTP`, `SMS_OTP`): its code
    /// key (`SMS_MFA_CODE`, …).
    #[must_use]
    pub fn code(&self, challenge: CodeChallenge, code: &str) -> ChallengeResponses {
        self.build(challenge.wire_name(), |r| {
            r.insert(challenge.code_key(), String::from(code));
        })
    }

    /// `CUSTOM_CHALLENGE`: `ANSWER`.
    #[must_use]
    pub fn custom_challenge(&self, answer: &str) -> ChallengeResponses {
        self.build(challenge_name::CUSTOM_CHALLENGE, |r| {
            r.insert(param::ANSWER, String::from(answer));
        })
    }

    /// `NEW_PASSWORD_REQUIRED`: `NEW_PASSWORD`, and `userAttributes.<name>` for each
    /// `(name, value)` (a name may already carry the `userAttributes.` prefix, as the
    /// challenge's `requiredAttributes` list does).
    #[must_use]
    pub fn new_password_required(
        &self,
        new_password: &Password,
        attributes: &[(&str, &str)],
    ) -> ChallengeResponses {
        self.build(challenge_name::NEW_PASSWORD_REQUIRED, |r| {
            r.insert(param::NEW_PASSWORD, String::from(new_password.expose()));
            for (name, value) in attributes {
                let name = name
                    .strip_prefix(param::USER_ATTRIBUTES_PREFIX)
                    .unwrap_or(name);
                r.insert(
                    format!("{}{name}", param::USER_ATTRIBUTES_PREFIX),
                    String::from(*value),
                );
            }
        })
    }

    /// `MFA_SETUP` for TOTP: no extra key, but send it with the `Session` that
    /// `VerifySoftwareToken` returned (after `AssociateSoftwareToken` with the challenge's).
    #[must_use]
    pub fn mfa_setup(&self) -> ChallengeResponses {
        self.build(challenge_name::MFA_SETUP, |_| {})
    }

    /// `MFA_SETUP` for email MFA: `EMAIL` = the address to verify.
    #[must_use]
    pub fn mfa_setup_email(&self, email: &str) -> ChallengeResponses {
        self.build(challenge_name::MFA_SETUP, |r| {
            r.insert(param::EMAIL, String::from(email));
        })
    }

    /// `SELECT_MFA_TYPE`: `ANSWER` = `SMS_MFA`, `SOFTWARE_TOKEN_MFA` or `EMAIL_OTP`.
    #[must_use]
    pub fn select_mfa_type(&self, mfa_type: &str) -> ChallengeResponses {
        self.build(challenge_name::SELECT_MFA_TYPE, |r| {
            r.insert(param::ANSWER, String::from(mfa_type));
        })
    }

    /// `SELECT_CHALLENGE` answered with `EMAIL_OTP`, `SMS_OTP` or `WEB_AUTHN` (the challenge
    /// of that name follows). `PASSWORD` and `PASSWORD_SRP` carry a value and have their own
    /// builders, [`select_password`](Self::select_password) and
    /// [`select_password_srp`](Self::select_password_srp): for them this is `None`.
    #[must_use]
    pub fn select_challenge(&self, factor: FirstFactor) -> Option<ChallengeResponses> {
        (!factor.needs_password()).then(|| {
            self.build(challenge_name::SELECT_CHALLENGE, |r| {
                r.insert(param::ANSWER, String::from(factor.wire_name()));
            })
        })
    }

    /// `SELECT_CHALLENGE` answered with `PASSWORD`: `ANSWER` and the `PASSWORD` itself.
    #[must_use]
    pub fn select_password(&self, password: &Password) -> ChallengeResponses {
        self.build(challenge_name::SELECT_CHALLENGE, |r| {
            r.insert(param::ANSWER, String::from(challenge_name::PASSWORD));
            r.insert(param::PASSWORD, String::from(password.expose()));
        })
    }

    /// `SELECT_CHALLENGE` answered with `PASSWORD_SRP`: `ANSWER` and the `SRP_A` of a fresh
    /// ephemeral (a `PASSWORD_VERIFIER` follows).
    #[must_use]
    pub fn select_password_srp(&self, key: &EphemeralKey) -> ChallengeResponses {
        self.build(challenge_name::SELECT_CHALLENGE, |r| {
            r.insert(param::ANSWER, String::from(challenge_name::PASSWORD_SRP));
            r.insert(param::SRP_A, String::from(key.srp_a()));
        })
    }

    /// `PASSWORD` (`USER_AUTH`): `PASSWORD`.
    #[must_use]
    pub fn password(&self, password: &Password) -> ChallengeResponses {
        self.build(challenge_name::PASSWORD, |r| {
            r.insert(param::PASSWORD, String::from(password.expose()));
        })
    }

    /// `PASSWORD_SRP` (`USER_AUTH`): `SRP_A` of a fresh ephemeral.
    #[must_use]
    pub fn password_srp(&self, key: &EphemeralKey) -> ChallengeResponses {
        self.build(challenge_name::PASSWORD_SRP, |r| {
            r.insert(param::SRP_A, String::from(key.srp_a()));
        })
    }

    /// `WEB_AUTHN`: `CREDENTIAL` = the authenticator's `AuthenticationResponseJSON` as text.
    #[must_use]
    pub fn web_authn(&self, credential_json: &str) -> ChallengeResponses {
        self.build(challenge_name::WEB_AUTHN, |r| {
            r.insert(param::CREDENTIAL, String::from(credential_json));
        })
    }

    /// `DEVICE_SRP_AUTH`: `DEVICE_KEY` (this responder's) and the `SRP_A` of a fresh
    /// ephemeral, kept for the `DEVICE_PASSWORD_VERIFIER` that follows. `None` when the
    /// responder has no device key.
    #[must_use]
    pub fn device_srp_auth(&self, key: &EphemeralKey) -> Option<ChallengeResponses> {
        self.device_key?;
        Some(self.build(challenge_name::DEVICE_SRP_AUTH, |r| {
            r.insert(param::SRP_A, String::from(key.srp_a()));
        }))
    }

    /// A challenge this crate does not know: `USERNAME`, the caller's pairs, `SECRET_HASH`
    /// and `DEVICE_KEY`.
    #[must_use]
    pub fn other(&self, challenge: &str, pairs: &[(&str, &str)]) -> ChallengeResponses {
        self.build(String::from(challenge), |r| {
            for (k, v) in pairs {
                r.insert(String::from(*k), String::from(*v));
            }
        })
    }
}

impl AuthParameters {
    /// Shared part: `USERNAME` (as typed), the flow's own keys, `SECRET_HASH` over the typed
    /// name. Add `DEVICE_KEY` with [`with_device_key`](Self::with_device_key).
    fn initiate(
        flow: &'static str,
        client: &UserPoolClient,
        username: &str,
        fill: impl FnOnce(&mut Self),
    ) -> Self {
        let mut parameters = Self::new(flow);
        let who = Identity {
            client,
            username,
            send_username: true,
            device_key: None,
        };
        identify(&mut parameters, &who, fill);
        parameters
    }

    /// `USER_SRP_AUTH`: `USERNAME` as the user typed it (an alias is fine here), `SRP_A`,
    /// and `SECRET_HASH` over that typed name. Add `DEVICE_KEY` with
    /// [`with_device_key`](Self::with_device_key) for a remembered device.
    ///
    /// ```
    /// use cognito_srp_auth::{AuthParameters, EphemeralKey, UserPoolClient};
    /// let client = UserPoolClient::new("us-east-1_Abc", "client")?;
    /// let key = EphemeralKey::generate()?;
    /// let parameters = AuthParameters::user_srp_auth(&client, "alice@example.com", &key);
    /// assert_eq!(parameters.auth_flow(), "USER_SRP_AUTH");
    /// assert_eq!(parameters.get("SRP_A"), Some(key.srp_a()));
    /// # Ok::<(), cognito_srp_auth::Error>(())
    /// ```
    #[must_use]
    pub fn user_srp_auth(client: &UserPoolClient, username: &str, key: &EphemeralKey) -> Self {
        Self::initiate(auth_flow::USER_SRP_AUTH, client, username, |p| {
            p.insert(param::SRP_A, String::from(key.srp_a()));
        })
    }

    /// `USER_PASSWORD_AUTH`: the password is sent as it is (no SRP). Only for app clients
    /// that allow it, and only when the application chose it.
    #[must_use]
    pub fn user_password_auth(
        client: &UserPoolClient,
        username: &str,
        password: &Password,
    ) -> Self {
        Self::password_auth(auth_flow::USER_PASSWORD_AUTH, client, username, password)
    }

    /// `ADMIN_USER_PASSWORD_AUTH` (`AdminInitiateAuth`): as
    /// [`user_password_auth`](Self::user_password_auth).
    #[must_use]
    pub fn admin_user_password_auth(
        client: &UserPoolClient,
        username: &str,
        password: &Password,
    ) -> Self {
        Self::password_auth(
            auth_flow::ADMIN_USER_PASSWORD_AUTH,
            client,
            username,
            password,
        )
    }

    /// A plain-password flow: `USERNAME`, `PASSWORD` and `SECRET_HASH`.
    fn password_auth(
        flow: &'static str,
        client: &UserPoolClient,
        username: &str,
        password: &Password,
    ) -> Self {
        Self::initiate(flow, client, username, |p| {
            p.insert(param::PASSWORD, String::from(password.expose()));
        })
    }

    /// `CUSTOM_AUTH` without SRP: the pool's Lambda triggers define every challenge.
    #[must_use]
    pub fn custom_auth(client: &UserPoolClient, username: &str) -> Self {
        Self::initiate(auth_flow::CUSTOM_AUTH, client, username, |_| {})
    }

    /// `CUSTOM_AUTH` starting with SRP: as `USER_SRP_AUTH`, plus `CHALLENGE_NAME` = `SRP_A`
    /// (the literal key, not the API text's `ChallengeName`).
    #[must_use]
    pub fn custom_auth_with_srp(
        client: &UserPoolClient,
        username: &str,
        key: &EphemeralKey,
    ) -> Self {
        Self::initiate(auth_flow::CUSTOM_AUTH, client, username, |p| {
            p.insert(param::SRP_A, String::from(key.srp_a()));
            p.insert(param::CHALLENGE_NAME, String::from(challenge_name::SRP_A));
        })
    }

    /// `USER_AUTH` with no preference (Cognito answers `SELECT_CHALLENGE`) or with
    /// `PREFERRED_CHALLENGE` = `EMAIL_OTP`, `SMS_OTP` or `WEB_AUTHN`. `PASSWORD` and
    /// `PASSWORD_SRP` carry a value and have their own builders
    /// ([`user_auth_password`](Self::user_auth_password),
    /// [`user_auth_password_srp`](Self::user_auth_password_srp)): for them this is `None`.
    #[must_use]
    pub fn user_auth(
        client: &UserPoolClient,
        username: &str,
        preferred: Option<FirstFactor>,
    ) -> Option<Self> {
        if preferred.is_some_and(FirstFactor::needs_password) {
            return None;
        }
        Some(match preferred {
            Some(factor) => Self::user_auth_preferring(client, username, factor, |_| {}),
            None => Self::initiate(auth_flow::USER_AUTH, client, username, |_| {}),
        })
    }

    /// `USER_AUTH` with `PREFERRED_CHALLENGE` = `PASSWORD`: the password is sent as it is.
    #[must_use]
    pub fn user_auth_password(
        client: &UserPoolClient,
        username: &str,
        password: &Password,
    ) -> Self {
        Self::user_auth_preferring(client, username, FirstFactor::Password, |p| {
            p.insert(param::PASSWORD, String::from(password.expose()));
        })
    }

    /// `USER_AUTH` with `PREFERRED_CHALLENGE` = `PASSWORD_SRP` and `SRP_A`.
    #[must_use]
    pub fn user_auth_password_srp(
        client: &UserPoolClient,
        username: &str,
        key: &EphemeralKey,
    ) -> Self {
        Self::user_auth_preferring(client, username, FirstFactor::PasswordSrp, |p| {
            p.insert(param::SRP_A, String::from(key.srp_a()));
        })
    }

    /// `USER_AUTH` with a `PREFERRED_CHALLENGE`, then the factor's own keys (`fill`).
    fn user_auth_preferring(
        client: &UserPoolClient,
        username: &str,
        preferred: FirstFactor,
        fill: impl FnOnce(&mut Self),
    ) -> Self {
        Self::initiate(auth_flow::USER_AUTH, client, username, |p| {
            p.insert(
                param::PREFERRED_CHALLENGE,
                String::from(preferred.wire_name()),
            );
            fill(p);
        })
    }

    /// `REFRESH_TOKEN_AUTH`: `REFRESH_TOKEN`, `SECRET_HASH` over the **internal** user name
    /// for a client with a secret (`cognito:username` of the tokens; the generated id in pools
    /// that sign in by email or phone, not the alias), and `DEVICE_KEY` for a remembered
    /// device (required once device tracking is on: Cognito answers "Invalid Refresh Token"
    /// without it). No `USERNAME` is sent.
    /// [`SignedIn::refresh_token_auth`](crate::SignedIn::refresh_token_auth) fills both from
    /// a sign-in.
    ///
    /// `GetTokensFromRefreshToken`, the operation that also rotates refresh tokens, takes
    /// other fields: `RefreshToken`, `ClientId`, `ClientSecret` (the raw secret, not a
    /// `SECRET_HASH`) and `DeviceKey`.
    ///
    /// ```
    /// use cognito_srp_auth::{AuthParameters, ClientSecret, UserPoolClient};
    /// let client = UserPoolClient::new("us-east-1_Abc", "123abd")?
    ///     .with_client_secret(ClientSecret::from("clientSecret"));
    /// let parameters = AuthParameters::refresh_token_auth(&client, "test", "eyJj…", None);
    /// assert_eq!(parameters.get("SECRET_HASH"), Some("LoIX/oPJWZzFYv8liJYRo+CHv16FNDY10JlZEDjL3Vg="));
    /// assert_eq!(parameters.get("USERNAME"), None);
    /// # Ok::<(), cognito_srp_auth::Error>(())
    /// ```
    #[must_use]
    pub fn refresh_token_auth(
        client: &UserPoolClient,
        internal_username: &str,
        refresh_token: &str,
        device_key: Option<&str>,
    ) -> Self {
        let mut parameters = Self::new(auth_flow::REFRESH_TOKEN_AUTH);
        let who = Identity {
            client,
            username: internal_username,
            send_username: false,
            device_key,
        };
        identify(&mut parameters, &who, |p| {
            p.insert(param::REFRESH_TOKEN, String::from(refresh_token));
        });
        parameters
    }
}
