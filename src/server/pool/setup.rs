//! Setting a pool up and looking into it, outside requests: its custom-authentication
//! function and token signer, app clients, users and devices, and the codes and refresh
//! tokens it "sent".

use alloc::string::String;
use alloc::vec::Vec;

use rand_core::TryCryptoRng;

use super::refusals::MAX_CLIENT_ID;
use super::state::{AppClient, CustomAuth, TokenSigner, User, UserPool};
use crate::device::DeviceSecretVerifierConfig;
use crate::error::{Error, Result};
use crate::secret::{ClientSecret, Password};
use crate::server::exchange::{DeviceVerifier, UserVerifier};

impl<R: TryCryptoRng> UserPool<R> {
    /// The pool's custom-authentication function (`CUSTOM_AUTH`): without one, `CUSTOM_AUTH`
    /// is refused.
    #[must_use]
    pub fn with_custom_auth(mut self, custom_auth: CustomAuth) -> Self {
        self.custom_auth = Some(custom_auth);
        self
    }

    /// Mint tokens with `signer` (e.g. as RS256 JWTs) instead of as unsecured JWTs; see
    /// [`TokenSigner`] for the claims it is given.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use cognito_srp_auth::Password;
    /// use cognito_srp_auth::server::{UserPool, UserPoolConfig};
    /// use rand::SeedableRng;
    ///
    /// let config = UserPoolConfig::new("us-east-1_Example", "client", None);
    /// let mut pool = UserPool::new(config, rand::rngs::StdRng::seed_from_u64(1))?
    ///     .with_token_signer(Box::new(|claims: &str| {
    ///         let kind = if claims.contains(r#""token_use":"id""#) { "id" } else { "access" };
    ///         format!("signed.{kind}.token")
    ///     }));
    /// pool.add_user("alice", &Password::from("Correct-Horse-1"), &[])?;
    /// let body = br#"{"ClientId":"client","AuthFlow":"USER_PASSWORD_AUTH",
    ///     "AuthParameters":{"USERNAME":"alice","PASSWORD":"Correct-Horse-1"}}"#;
    /// let now = Utc.with_ymd_and_hms(2026, 11, 30, 10, 0, 0).unwrap();
    /// let answer = pool.handle_json("InitiateAuth", body, now);
    /// assert_eq!(answer.status, 200);
    /// assert!(answer.body.starts_with(
    ///     r#"{"AuthenticationResult":{"AccessToken":"signed.access.token","ExpiresIn":3600,"#
    /// ));
    /// assert!(answer.body.contains(r#""IdToken":"signed.id.token""#));
    /// # Ok::<(), cognito_srp_auth::Error>(())
    /// ```
    #[must_use]
    pub fn with_token_signer(mut self, signer: TokenSigner) -> Self {
        self.token_signer = Some(signer);
        self
    }

    /// Add an app client: requests whose `ClientId` is `client_id` go through it, and with a
    /// `secret` their `SECRET_HASH` is checked with it. The config's client stays the first.
    ///
    /// # Errors
    /// [`Error::MalformedParameter`] naming `ClientId` when `client_id` is empty, longer than
    /// 128 bytes, or already a client of this pool.
    ///
    /// ```
    /// use cognito_srp_auth::server::{UserPool, UserPoolConfig};
    /// use cognito_srp_auth::{ClientSecret, Error};
    /// use rand::SeedableRng;
    ///
    /// let config = UserPoolConfig::new("us-east-1_Example", "web", None);
    /// let mut pool = UserPool::new(config, rand::rngs::StdRng::seed_from_u64(1))?;
    /// pool.add_client("backend", Some(ClientSecret::from("backend-secret")))?;
    /// assert_eq!(
    ///     pool.add_client("web", None),
    ///     Err(Error::MalformedParameter { name: "ClientId" })
    /// );
    /// # Ok::<(), cognito_srp_auth::Error>(())
    /// ```
    pub fn add_client(&mut self, client_id: &str, secret: Option<ClientSecret>) -> Result<()> {
        if client_id.is_empty()
            || client_id.len() > MAX_CLIENT_ID
            || self.clients.iter().any(|c| c.id == client_id)
        {
            return Err(Error::MalformedParameter { name: "ClientId" });
        }
        self.clients.push(AppClient {
            id: String::from(client_id),
            secret,
        });
        Ok(())
    }

    /// Add a confirmed user by internal user name, with aliases (email, phone) it can also
    /// sign in with.
    ///
    /// # Errors
    /// [`Error::RandomSource`] when the RNG fails.
    pub fn add_user(
        &mut self,
        username: &str,
        password: &Password,
        aliases: &[&str],
    ) -> Result<()> {
        self.push_user(username, password, aliases, true)
    }

    /// Add a user who has signed up but not confirmed: every sign-in gets
    /// `UserNotConfirmedException` once the password is verified.
    ///
    /// # Errors
    /// [`Error::RandomSource`] when the RNG fails.
    pub fn add_unconfirmed_user(&mut self, username: &str, password: &Password) -> Result<()> {
        self.push_user(username, password, &[], false)
    }

    fn push_user(
        &mut self,
        username: &str,
        password: &Password,
        aliases: &[&str],
        confirmed: bool,
    ) -> Result<()> {
        let verifier =
            UserVerifier::register(&self.config.pool_id, username, password, &mut self.rng)?;
        self.users.push(User {
            verifier,
            aliases: aliases.iter().map(|a| String::from(*a)).collect(),
            confirmed,
            devices: Vec::new(),
            issued: Vec::new(),
        });
        Ok(())
    }

    /// `ConfirmDevice` for a device this pool issued to `username` (after a successful
    /// sign-in with `NewDeviceMetadata`).
    ///
    /// # Errors
    /// - [`Error::MalformedDevice`] when the pool did not issue this device key to the user.
    /// - [`Error::MalformedParameter`] for a malformed `Salt` / `PasswordVerifier` (see
    ///   [`DeviceVerifier::from_config`]); the device can then be confirmed again.
    pub fn confirm_device(
        &mut self,
        username: &str,
        device_key: &str,
        config: &DeviceSecretVerifierConfig,
    ) -> Result<()> {
        let user = self
            .users
            .iter_mut()
            .find(|u| u.verifier.username() == username)
            .ok_or(Error::MalformedDevice)?;
        let (index, (key, group)) = user
            .issued
            .iter()
            .enumerate()
            .find(|(_, (k, _))| k == device_key)
            .ok_or(Error::MalformedDevice)?;
        let verifier = DeviceVerifier::from_config(key, group, config)?;
        user.issued.remove(index);
        user.devices.push(verifier);
        Ok(())
    }

    /// Forget a device (as `ForgetDevice` does): a later sign-in with it meets
    /// "Device does not exist.".
    pub fn forget_device(&mut self, device_key: &str) {
        for user in &mut self.users {
            user.devices.retain(|d| d.device_key() != device_key);
        }
    }

    /// The last `EMAIL_OTP` code the pool "sent" to `username` (the internal name), as a
    /// test reads it from the mailbox.
    #[must_use]
    pub fn sent_code(&self, username: &str) -> Option<&str> {
        let user = self.internal(username)?;
        self.codes
            .iter()
            .rev()
            .find(|(u, _)| *u == user)
            .map(|(_, code)| code.as_str())
    }

    /// The last refresh token the pool issued to `username` (the internal name), as the
    /// `AuthenticationResult` carried it.
    #[must_use]
    pub fn refresh_token(&self, username: &str) -> Option<&str> {
        let user = self.internal(username)?;
        self.refresh_tokens
            .iter()
            .rev()
            .find(|t| t.user == user)
            .map(|t| t.token.as_str())
    }
}
