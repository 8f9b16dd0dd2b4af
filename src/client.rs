//! The user sign-in front end: pool name + `USER_ID_FOR_SRP` into the shared SRP math, and
//! the `PASSWORD_VERIFIER` challenge responses out.

use alloc::string::String;
use core::fmt;

use crate::challenge::PasswordVerifierChallenge;
use crate::error::{Error, Result};
use crate::responses::{Identity, identify};
use crate::secret::{ClientSecret, EphemeralKey, Password};
use crate::secret_hash::secret_hash;
use crate::srp::{ClaimInput, Observer, Unobserved, claim_signature};
use crate::timestamp::Timestamp;
use crate::wire::{ChallengeResponses, challenge_name, param};

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
    client_id: String,
    client_secret: Option<ClientSecret>,
}

impl UserPoolClient {
    /// An app client without a secret.
    ///
    /// # Errors
    /// [`Error::InvalidPoolId`] when `pool_id` is not `<region>_<name>` (see [`pool_name`]).
    pub fn new(pool_id: &str, client_id: &str) -> Result<Self> {
        pool_name(pool_id)?;
        Ok(Self {
            pool_id: String::from(pool_id),
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
        // Checked in `new`.
        pool_name(&self.pool_id).unwrap_or_default()
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

impl EphemeralKey {
    /// Answer a `PASSWORD_VERIFIER` challenge.
    ///
    /// The responses hold `USERNAME` (the challenge's internal user name),
    /// `PASSWORD_CLAIM_SECRET_BLOCK` (the `SECRET_BLOCK` as received),
    /// `PASSWORD_CLAIM_SIGNATURE`, `TIMESTAMP`, and `SECRET_HASH` over that same `USERNAME`
    /// when the client has a secret. Add `DEVICE_KEY` with
    /// [`with_device_key`](ChallengeResponses::with_device_key) when signing in with a
    /// remembered device. Respond within a few seconds of `timestamp`.
    ///
    /// Consumes the key: one `a` never serves two claims.
    ///
    /// # Errors
    /// [`Error::IllegalScrambler`] when `u = H(A ‖ B)` is zero; nothing secret has been
    /// computed then. (`SRP_B ≡ 0 mod N` was refused when the challenge was parsed.)
    pub fn password_verifier(
        self,
        client: &UserPoolClient,
        challenge: &PasswordVerifierChallenge,
        password: &Password,
        timestamp: &Timestamp,
    ) -> Result<ChallengeResponses> {
        self.password_verifier_observed(client, challenge, password, timestamp, &mut Unobserved)
    }

    pub(crate) fn password_verifier_observed(
        self,
        client: &UserPoolClient,
        challenge: &PasswordVerifierChallenge,
        password: &Password,
        timestamp: &Timestamp,
        observer: &mut impl Observer,
    ) -> Result<ChallengeResponses> {
        let input = ClaimInput {
            realm: client.pool_name(),
            identity: &challenge.user_id_for_srp,
            password: password.expose().as_bytes(),
            srp: &challenge.srp,
            timestamp,
        };
        answer_claim(
            self,
            challenge_name::PASSWORD_VERIFIER,
            &input,
            &challenge.username,
            None,
            client,
            observer,
        )
    }
}

/// Sign a claim and build its answer: `USERNAME`, `PASSWORD_CLAIM_SECRET_BLOCK`,
/// `PASSWORD_CLAIM_SIGNATURE`, `TIMESTAMP`, then `SECRET_HASH` over that same `USERNAME` when
/// the client has a secret and `DEVICE_KEY` (device claims).
pub(crate) fn answer_claim(
    key: EphemeralKey,
    challenge_name: &'static str,
    input: &ClaimInput<'_>,
    username: &str,
    device_key: Option<&str>,
    client: &UserPoolClient,
    observer: &mut impl Observer,
) -> Result<ChallengeResponses> {
    let signature = claim_signature(key, input, observer)?;
    let mut responses = ChallengeResponses::new(challenge_name);
    let who = Identity {
        client,
        username,
        send_username: true,
        device_key,
    };
    identify(
        &mut responses,
        &who,
        |r, k, v| r.insert(k, v),
        |r| {
            r.insert(
                param::PASSWORD_CLAIM_SECRET_BLOCK,
                input.srp.secret_block.clone(),
            );
            r.insert(param::PASSWORD_CLAIM_SIGNATURE, signature);
            r.insert(param::TIMESTAMP, String::from(input.timestamp.as_str()));
        },
    );
    Ok(responses)
}
