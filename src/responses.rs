//! Typed builders for the `ChallengeResponses` of every challenge, and the `AuthParameters`
//! of `InitiateAuth` / `AdminInitiateAuth`.

use alloc::format;
use alloc::string::String;

use crate::challenge::{auth_flow, challenge_name, param};
use crate::client::UserPoolClient;
use crate::secret::{EphemeralKey, Password};
use crate::wire::{AuthParameters, ChallengeResponses};

/// Builds the `ChallengeResponses` of one sign-in with the glue every response needs:
/// `USERNAME` (the internal user name once a challenge has revealed it), `SECRET_HASH` over
/// that same name when the app client has a secret, and `DEVICE_KEY` when the client holds a
/// remembered device (spec section 12.3: sent with every response of the sign-in).
///
/// ```
/// use cognito_srp_auth::{ClientSecret, Responder, UserPoolClient};
///
/// let client = UserPoolClient::new("us-east-1_Abc", "123abd")?
///     .with_client_secret(ClientSecret::from("clientSecret"));
/// let responses = Responder::new(&client, "test").with_device_key("us-east-1_dev").sms_mfa("123456");
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

/// The first factor chosen in a `SELECT_CHALLENGE` answer (`USER_AUTH`).
#[derive(Debug)]
#[non_exhaustive]
pub enum FirstFactor<'a> {
    /// `PASSWORD`, with the password.
    Password(&'a Password),
    /// `PASSWORD_SRP`, with the `SRP_A` of a fresh ephemeral (a `PASSWORD_VERIFIER` follows).
    PasswordSrp(&'a EphemeralKey),
    /// `EMAIL_OTP` (an `EMAIL_OTP` challenge follows).
    EmailOtp,
    /// `SMS_OTP` (an `SMS_OTP` challenge follows).
    SmsOtp,
    /// `WEB_AUTHN` (a `WEB_AUTHN` challenge follows).
    WebAuthn,
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
    fn build(
        &self,
        name: impl Into<alloc::borrow::Cow<'static, str>>,
        fill: impl FnOnce(&mut ChallengeResponses),
    ) -> ChallengeResponses {
        let mut responses = ChallengeResponses::new(name);
        responses.insert(param::USERNAME, String::from(self.username));
        fill(&mut responses);
        if let Some(hash) = self.client.secret_hash(self.username) {
            responses.insert(param::SECRET_HASH, hash);
        }
        if let Some(device_key) = self.device_key {
            responses.insert(param::DEVICE_KEY, String::from(device_key));
        }
        responses
    }

    /// `SMS_MFA`: `SMS_MFA_CODE`.
    #[must_use]
    pub fn sms_mfa(&self, code: &str) -> ChallengeResponses {
        self.build(challenge_name::SMS_MFA, |r| {
            r.insert(param::SMS_MFA_CODE, String::from(code))
        })
    }

    /// `SOFTWARE_TOKEN_MFA`: `SOFTWARE_TOKEN_MFA_CODE` (TOTP).
    #[must_use]
    pub fn software_token_mfa(&self, code: &str) -> ChallengeResponses {
        self.build(challenge_name::SOFTWARE_TOKEN_MFA, |r| {
            r.insert(param::SOFTWARE_TOKEN_MFA_CODE, String::from(code));
        })
    }

    /// `EMAIL_OTP`: `EMAIL_OTP_CODE` (email MFA, or passwordless email sign-in).
    #[must_use]
    pub fn email_otp(&self, code: &str) -> ChallengeResponses {
        self.build(challenge_name::EMAIL_OTP, |r| {
            r.insert(param::EMAIL_OTP_CODE, String::from(code))
        })
    }

    /// `SMS_OTP`: `SMS_OTP_CODE` (passwordless SMS sign-in).
    #[must_use]
    pub fn sms_otp(&self, code: &str) -> ChallengeResponses {
        self.build(challenge_name::SMS_OTP, |r| {
            r.insert(param::SMS_OTP_CODE, String::from(code))
        })
    }

    /// `CUSTOM_CHALLENGE`: `ANSWER`.
    #[must_use]
    pub fn custom_challenge(&self, answer: &str) -> ChallengeResponses {
        self.build(challenge_name::CUSTOM_CHALLENGE, |r| {
            r.insert(param::ANSWER, String::from(answer))
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
            r.insert(param::EMAIL, String::from(email))
        })
    }

    /// `SELECT_MFA_TYPE`: `ANSWER` = `SMS_MFA`, `SOFTWARE_TOKEN_MFA` or `EMAIL_OTP`.
    #[must_use]
    pub fn select_mfa_type(&self, mfa_type: &str) -> ChallengeResponses {
        self.build(challenge_name::SELECT_MFA_TYPE, |r| {
            r.insert(param::ANSWER, String::from(mfa_type))
        })
    }

    /// `SELECT_CHALLENGE`: `ANSWER` = the chosen first factor, with `PASSWORD` or `SRP_A`
    /// when it needs one.
    #[must_use]
    pub fn select_challenge(&self, choice: &FirstFactor<'_>) -> ChallengeResponses {
        self.build(challenge_name::SELECT_CHALLENGE, |r| match choice {
            FirstFactor::Password(password) => {
                r.insert(param::ANSWER, String::from(challenge_name::PASSWORD));
                r.insert(param::PASSWORD, String::from(password.expose()));
            }
            FirstFactor::PasswordSrp(key) => {
                r.insert(param::ANSWER, String::from(challenge_name::PASSWORD_SRP));
                r.insert(param::SRP_A, String::from(key.srp_a()));
            }
            FirstFactor::EmailOtp => {
                r.insert(param::ANSWER, String::from(challenge_name::EMAIL_OTP))
            }
            FirstFactor::SmsOtp => r.insert(param::ANSWER, String::from(challenge_name::SMS_OTP)),
            FirstFactor::WebAuthn => {
                r.insert(param::ANSWER, String::from(challenge_name::WEB_AUTHN))
            }
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
            r.insert(param::SRP_A, String::from(key.srp_a()))
        })
    }

    /// `WEB_AUTHN`: `CREDENTIAL` = the authenticator's `AuthenticationResponseJSON` as text.
    #[must_use]
    pub fn web_authn(&self, credential_json: &str) -> ChallengeResponses {
        self.build(challenge_name::WEB_AUTHN, |r| {
            r.insert(param::CREDENTIAL, String::from(credential_json))
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
    /// Shared part: `USERNAME` (as typed), `SECRET_HASH` over it, the flow's own keys.
    fn initiate(flow: &'static str, client: &UserPoolClient, username: &str) -> Self {
        let mut parameters = Self::new(flow);
        parameters.insert(param::USERNAME, String::from(username));
        if let Some(hash) = client.secret_hash(username) {
            parameters.insert(param::SECRET_HASH, hash);
        }
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
        let mut parameters = Self::initiate(auth_flow::USER_SRP_AUTH, client, username);
        parameters.insert(param::SRP_A, String::from(key.srp_a()));
        parameters
    }

    /// `CUSTOM_AUTH` starting with SRP: as `USER_SRP_AUTH`, plus `CHALLENGE_NAME` = `SRP_A`
    /// (the literal key, not the API text's `ChallengeName`).
    #[must_use]
    pub fn custom_auth_with_srp(
        client: &UserPoolClient,
        username: &str,
        key: &EphemeralKey,
    ) -> Self {
        let mut parameters = Self::initiate(auth_flow::CUSTOM_AUTH, client, username);
        parameters.insert(param::SRP_A, String::from(key.srp_a()));
        parameters.insert(param::CHALLENGE_NAME, String::from(challenge_name::SRP_A));
        parameters
    }

    /// `USER_AUTH` with `PREFERRED_CHALLENGE` = `PASSWORD_SRP` and `SRP_A`.
    #[must_use]
    pub fn user_auth_password_srp(
        client: &UserPoolClient,
        username: &str,
        key: &EphemeralKey,
    ) -> Self {
        let mut parameters = Self::initiate(auth_flow::USER_AUTH, client, username);
        parameters.insert(
            param::PREFERRED_CHALLENGE,
            String::from(challenge_name::PASSWORD_SRP),
        );
        parameters.insert(param::SRP_A, String::from(key.srp_a()));
        parameters
    }

    /// `REFRESH_TOKEN_AUTH`: `REFRESH_TOKEN` and, for a client with a secret, `SECRET_HASH`
    /// over the **internal** user name (`cognito:username` of the tokens; the generated id in
    /// pools that sign in by email or phone), not the alias. No `USERNAME` is sent. Add
    /// `DEVICE_KEY` for a remembered device.
    ///
    /// ```
    /// use cognito_srp_auth::{AuthParameters, ClientSecret, UserPoolClient};
    /// let client = UserPoolClient::new("us-east-1_Abc", "123abd")?
    ///     .with_client_secret(ClientSecret::from("clientSecret"));
    /// let parameters = AuthParameters::refresh_token_auth(&client, "test", "eyJj…");
    /// assert_eq!(parameters.get("SECRET_HASH"), Some("LoIX/oPJWZzFYv8liJYRo+CHv16FNDY10JlZEDjL3Vg="));
    /// assert_eq!(parameters.get("USERNAME"), None);
    /// # Ok::<(), cognito_srp_auth::Error>(())
    /// ```
    #[must_use]
    pub fn refresh_token_auth(
        client: &UserPoolClient,
        internal_username: &str,
        refresh_token: &str,
    ) -> Self {
        let mut parameters = Self::new(auth_flow::REFRESH_TOKEN_AUTH);
        parameters.insert(param::REFRESH_TOKEN, String::from(refresh_token));
        if let Some(hash) = client.secret_hash(internal_username) {
            parameters.insert(param::SECRET_HASH, hash);
        }
        parameters
    }
}
