//! The sans-IO `SignIn` state machine: server answers in, the next request (or a question
//! for the user) out. No I/O, no async, no SDK dependency, in the spirit of rustls and
//! quinn-proto: the caller owns the transport and the clock.
//!
//! - this file: the machine ([`SignIn`], its states, one handler per kind of challenge);
//! - [`messages`]: the requests it hands out and the server's answers;
//! - [`questions`]: what it asks the user and the answers it takes.

mod messages;
mod questions;

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use rand_core::TryCryptoRng;
use zeroize::Zeroizing;

pub use messages::{
    AnalyticsMetadata, Challenge, ContextData, InitiateAuthRequest, NewDeviceMetadata, Request,
    RequestContext, RespondToAuthChallengeRequest, ServerAnswer, ServiceError, UserContextData,
};
pub use questions::{Answer, Question};

use crate::challenge::{CodeChallenge, FirstFactor, PasswordVerifierChallenge, optional};
use crate::client::UserPoolClient;
use crate::device::{
    DevicePasswordVerifierChallenge, DeviceSecretVerifierConfig, RememberedDevice,
};
use crate::ephemeral::{EPHEMERAL_BYTES, EphemeralKey};
use crate::error::{Error, Result, ServiceErrorKind};
use crate::responses::Responder;
use crate::secret::Password;
use crate::timestamp::Timestamp;
use crate::wire::{AuthParameters, ChallengeResponses, challenge_name, param};

/// Which `AuthFlow` a [`SignIn`] starts with.
#[derive(Clone, Copy, Debug, Default, Eq, PartialEq)]
#[non_exhaustive]
pub enum Flow {
    /// `USER_SRP_AUTH` (the default): SRP, the password never leaves the client.
    #[default]
    UserSrp,
    /// `USER_PASSWORD_AUTH` (`ADMIN_USER_PASSWORD_AUTH` with [`SignIn::admin`]): the
    /// password is sent as it is. Choose it only where the app client must use it.
    UserPassword,
    /// `CUSTOM_AUTH` without SRP: the pool's Lambda triggers define every challenge (magic
    /// links, one-time codes).
    CustomAuth,
    /// `CUSTOM_AUTH` starting with SRP (`CHALLENGE_NAME` = `SRP_A`); the pool's Lambda
    /// triggers define what follows (typically `CUSTOM_CHALLENGE`).
    CustomAuthWithSrp,
    /// `USER_AUTH`, choice-based sign-in, with a `PREFERRED_CHALLENGE` or none (Cognito
    /// then answers `SELECT_CHALLENGE`). `PASSWORD_SRP` keeps the password on the client,
    /// `PASSWORD` sends it as it is; `EMAIL_OTP`, `SMS_OTP` and `WEB_AUTHN` need no password.
    UserAuth {
        /// `PREFERRED_CHALLENGE`.
        preferred: Option<FirstFactor>,
    },
}

impl Flow {
    /// Whether the flow needs the user's password before `InitiateAuth` (a flow that does
    /// not may still ask for it later, as [`Question::Password`]).
    ///
    /// ```
    /// use cognito_srp_auth::{FirstFactor, Flow};
    /// assert!(Flow::UserSrp.needs_password());
    /// assert!(!Flow::CustomAuth.needs_password());
    /// assert!(!Flow::UserAuth { preferred: Some(FirstFactor::EmailOtp) }.needs_password());
    /// ```
    #[must_use]
    pub fn needs_password(self) -> bool {
        match self {
            Self::UserSrp | Self::UserPassword | Self::CustomAuthWithSrp => true,
            Self::CustomAuth => false,
            Self::UserAuth { preferred } => preferred.is_some_and(FirstFactor::needs_password),
        }
    }

    /// Whether choosing the flow is choosing to send the password as it is.
    fn sends_password(self) -> bool {
        matches!(
            self,
            Self::UserPassword
                | Self::UserAuth {
                    preferred: Some(FirstFactor::Password)
                }
        )
    }
}

/// A device Cognito asked to remember: send `ConfirmDevice { AccessToken, DeviceKey,
/// DeviceSecretVerifierConfig }` with the new access token, then store the device.
#[derive(Debug)]
#[non_exhaustive]
pub struct DeviceToConfirm {
    /// The device, to store for the next sign-in.
    pub device: RememberedDevice,
    /// `DeviceSecretVerifierConfig` of `ConfirmDevice` (already self-checked).
    pub config: DeviceSecretVerifierConfig,
}

/// The end of a successful sign-in.
#[derive(Debug)]
#[non_exhaustive]
pub struct SignedIn {
    /// The internal user name (the challenges' `USERNAME`), e.g. for `REFRESH_TOKEN_AUTH`.
    pub username: String,
    /// The key of the remembered device this sign-in used (`None` without one, or after a
    /// stale device was dropped).
    pub device_key: Option<String>,
    /// A new device to confirm, when Cognito sent `NewDeviceMetadata`.
    pub new_device: Option<DeviceToConfirm>,
    /// Cognito sent `NewDeviceMetadata` but no device could be registered (malformed
    /// metadata, or the RNG failed): the sign-in still succeeded, without a remembered device.
    pub device_registration_error: Option<Error>,
    /// The stored device was unknown to Cognito ("Device does not exist.") and was dropped:
    /// delete it from storage.
    pub forget_stored_device: bool,
}

impl SignedIn {
    /// The `AuthParameters` of `REFRESH_TOKEN_AUTH` for the tokens of this sign-in:
    /// `REFRESH_TOKEN`, `SECRET_HASH` over the internal user name (not the alias typed), and
    /// the `DEVICE_KEY` the tokens belong to (the new device's once Cognito sent
    /// `NewDeviceMetadata`, else the remembered device's). Send them with
    /// [`Request::initiate_auth`] or your SDK's `InitiateAuth`.
    ///
    /// `GetTokensFromRefreshToken` (which rotates refresh tokens) takes the same refresh
    /// token with `ClientId`, the raw `ClientSecret` (not a `SECRET_HASH`) and `DeviceKey`:
    /// [`refresh_device_key`](Self::refresh_device_key).
    #[must_use]
    pub fn refresh_token_auth(
        &self,
        client: &UserPoolClient,
        refresh_token: &str,
    ) -> AuthParameters {
        AuthParameters::refresh_token_auth(
            client,
            &self.username,
            refresh_token,
            self.refresh_device_key(),
        )
    }

    /// The device key refreshed tokens must name: the new device's, else the remembered
    /// device's.
    #[must_use]
    pub fn refresh_device_key(&self) -> Option<&str> {
        self.new_device
            .as_ref()
            .map(|d| d.device.device_key())
            .or(self.device_key.as_deref())
    }
}

/// What the caller does next.
#[derive(Debug)]
pub enum Step {
    /// Send this request and feed the answer to [`SignIn::handle`].
    Send(Request),
    /// Ask the user and feed the answer to [`SignIn::answer`].
    Ask(Question),
    /// Signed in.
    Done(SignedIn),
}

/// The ephemeral an outstanding request will need. `a` lives in the key's own heap box, so
/// moving a `Pending` (or the state holding it) moves a pointer, never a copy of `a`.
enum Pending {
    /// The answer needs no ephemeral.
    Nothing,
    /// `SRP_A` went out for a user claim: answers a `PASSWORD_VERIFIER`.
    PasswordClaim(EphemeralKey),
    /// `SRP_A` went out for a device claim: answers a `DEVICE_PASSWORD_VERIFIER`.
    DeviceClaim(EphemeralKey),
}

/// What the answer to a pending question goes into.
enum Resume {
    /// `InitiateAuth` (the question is the password the flow needs).
    Initiate,
    /// The responses to this challenge.
    Challenge {
        name: String,
        session: Option<String>,
    },
    /// The `SELECT_CHALLENGE` answer for this factor (the question is the password).
    Select {
        factor: FirstFactor,
        session: Option<String>,
    },
}

/// What the machine waits for.
enum State {
    /// [`SignIn::start`] has not been called.
    New,
    /// A request is out.
    AwaitServer(Pending),
    /// A question is out.
    AwaitUser { question: Question, resume: Resume },
    /// Signed in, or failed: nothing more to do.
    Finished,
}

impl State {
    fn name(&self) -> &'static str {
        match self {
            Self::New => "New",
            Self::AwaitServer(_) => "AwaitServer",
            Self::AwaitUser { .. } => "AwaitUser",
            Self::Finished => "Finished",
        }
    }
}

/// What one sign-in attempt has used up. A stale-device restart starts a new attempt.
#[derive(Clone, Copy, Debug, Default)]
struct Attempt {
    /// Requests sent.
    requests: usize,
    /// Whether a `PASSWORD_VERIFIER` claim has been answered.
    password_claim: bool,
    /// Whether a `DEVICE_PASSWORD_VERIFIER` claim has been answered.
    device_claim: bool,
}

/// A sans-IO Cognito sign-in in any flow ([`Flow`]): SRP, plain password, custom
/// challenges, passwordless and passkey `USER_AUTH`; device SRP for a remembered device,
/// every MFA and password challenge, and device registration at the end.
///
/// It gets every request right: `SECRET_HASH` over the name as typed in `InitiateAuth` and
/// over the internal user name in every challenge response, `DEVICE_KEY` in every request of
/// a sign-in with a remembered device, the latest `Session`, and the caller's
/// `ClientMetadata`, `AnalyticsMetadata` and context data in every request.
///
/// The password is optional: a flow that needs one and has none asks for it
/// ([`Question::Password`]). It is kept only while it may still be needed, and never leaves
/// the machine in plaintext unless the caller chose a flow that sends it
/// ([`Flow::UserPassword`], `USER_AUTH` with [`FirstFactor::Password`] preferred or chosen): a
/// server that answers an SRP sign-in with the `PASSWORD` challenge gets
/// [`Error::PasswordDowngrade`]. Each attempt answers at most one password claim and one
/// device claim, and sends at most [`SignIn::MAX_ROUNDS`] requests, so a hostile server
/// cannot collect claim transcripts for offline guessing or keep the sign-in going forever.
/// A refusal is [`Error::Refused`] with its kind; [`SignIn::refusal`] has Cognito's code and
/// message. `Debug` prints no secret.
///
/// ```
/// use cognito_srp_auth::{SignIn, Step, UserPoolClient, Password};
///
/// let client = UserPoolClient::new("us-east-1_Abc", "client-id")?;
/// let mut sign_in = SignIn::new(client, "alice@example.com", Password::from("pw"));
/// let Step::Send(request) = sign_in.start()? else { unreachable!() };
/// assert_eq!(request.operation(), "InitiateAuth");
/// # Ok::<(), cognito_srp_auth::Error>(())
/// ```
pub struct SignIn<R> {
    client: UserPoolClient,
    typed_username: String,
    internal_username: Option<String>,
    password: Option<Password>,
    device: Option<RememberedDevice>,
    flow: Flow,
    preferences: Vec<FirstFactor>,
    context: RequestContext,
    rng: R,
    state: State,
    attempt: Attempt,
    /// The caller chose to send the password as it is (a flow, a preference, an answer).
    plaintext_password_chosen: bool,
    forgot_device: bool,
    refusal: Option<ServiceError>,
    /// Bytes of each ephemeral drawn (64; `hazmat` tests replay the vectors' 128).
    ephemeral_bytes: usize,
}

#[cfg(feature = "getrandom")]
impl SignIn<getrandom::SysRng> {
    /// A sign-in with ephemerals from the operating system's RNG (feature `getrandom`).
    /// `password` may be `None` (a passwordless flow, or the password asked for later).
    #[must_use]
    pub fn new(
        client: UserPoolClient,
        username: &str,
        password: impl Into<Option<Password>>,
    ) -> Self {
        Self::with_rng(client, username, password, getrandom::SysRng)
    }
}

impl<R> SignIn<R> {
    /// The most requests one sign-in attempt sends (`InitiateAuth` and every
    /// `RespondToAuthChallenge`); the next one is [`Error::RoundLimit`]. A real sign-in needs
    /// a handful (SRP, MFA, device SRP, a new password, a few custom challenges).
    pub const MAX_ROUNDS: usize = 32;

    /// The most `(key, value)` pairs an answer may carry ([`Answer::Responses`],
    /// [`Answer::NewPassword`] attributes); more do not fit the question.
    pub const MAX_ANSWER_PAIRS: usize = 100;

    /// Cognito's code and message of the refusal that ended the sign-in
    /// ([`Error::Refused`]).
    #[must_use]
    pub fn refusal(&self) -> Option<&ServiceError> {
        self.refusal.as_ref()
    }

    /// Whether the stored device was dropped after "Device does not exist.".
    #[must_use]
    pub fn device_forgotten(&self) -> bool {
        self.forgot_device
    }
}

impl<R: TryCryptoRng> SignIn<R> {
    /// A sign-in for `username` as the user typed it (a user name or an alias), with
    /// ephemerals (and a new device's password and salt) from `rng`. `password` may be
    /// `None`.
    pub fn with_rng(
        client: UserPoolClient,
        username: &str,
        password: impl Into<Option<Password>>,
        rng: R,
    ) -> Self {
        let context = RequestContext::new(client.client_id());
        Self {
            client,
            typed_username: String::from(username),
            internal_username: None,
            password: password.into(),
            device: None,
            flow: Flow::default(),
            preferences: Vec::new(),
            context,
            rng,
            state: State::New,
            attempt: Attempt::default(),
            plaintext_password_chosen: false,
            forgot_device: false,
            refusal: None,
            ephemeral_bytes: EPHEMERAL_BYTES,
        }
    }

    /// ⚠️ Known-answer tests only (feature `hazmat`): draw each ephemeral as `len` bytes (at
    /// most 128) instead of 64, to replay the 128-byte `a` of the official clients' vectors.
    #[cfg(feature = "hazmat")]
    #[must_use]
    pub fn with_ephemeral_bytes(mut self, len: usize) -> Self {
        self.ephemeral_bytes = len;
        self
    }

    /// Sign in with a remembered device: `DEVICE_KEY` goes into every request, and device
    /// SRP answers `DEVICE_SRP_AUTH`.
    #[must_use]
    pub fn with_device(mut self, device: RememberedDevice) -> Self {
        self.device = Some(device);
        self
    }

    /// The `AuthFlow` to start with (default [`Flow::UserSrp`]).
    #[must_use]
    pub fn with_flow(mut self, flow: Flow) -> Self {
        self.flow = flow;
        self
    }

    /// The first factors to pick at `SELECT_CHALLENGE` (`USER_AUTH`), most preferred first:
    /// the first one offered is chosen without asking. Without a preference (and without a
    /// `PREFERRED_CHALLENGE` in the flow), the user is asked with the offered ones. Listing
    /// [`FirstFactor::Password`] is choosing to send the password as it is.
    #[must_use]
    pub fn with_first_factors(mut self, preferences: &[FirstFactor]) -> Self {
        self.preferences = preferences.to_vec();
        self
    }

    /// Use `AdminInitiateAuth` / `AdminRespondToAuthChallenge` (server side, with AWS
    /// credentials): every request then carries `UserPoolId`.
    #[must_use]
    pub fn admin(mut self) -> Self {
        self.context.user_pool_id = Some(String::from(self.client.pool_id()));
        self
    }

    /// `ClientMetadata` for every request.
    #[must_use]
    pub fn with_client_metadata(mut self, metadata: BTreeMap<String, String>) -> Self {
        self.context.client_metadata = metadata;
        self
    }

    /// `AnalyticsMetadata` for every request.
    #[must_use]
    pub fn with_analytics_endpoint_id(mut self, endpoint_id: &str) -> Self {
        self.context.analytics_metadata = Some(AnalyticsMetadata {
            analytics_endpoint_id: String::from(endpoint_id),
        });
        self
    }

    /// `UserContextData` for every (non-admin) request.
    #[must_use]
    pub fn with_user_context_data(mut self, data: UserContextData) -> Self {
        self.context.user_context_data = Some(data);
        self
    }

    /// `ContextData` for every `Admin…` request.
    #[must_use]
    pub fn with_context_data(mut self, data: ContextData) -> Self {
        self.context.context_data = Some(data);
        self
    }

    /// The first step: `InitiateAuth` (or `AdminInitiateAuth`), or [`Question::Password`]
    /// when the flow needs a password and none was given.
    ///
    /// # Errors
    /// - [`Error::OutOfOrder`] when the sign-in has already started.
    /// - [`Error::RandomSource`] when the RNG fails.
    pub fn start(&mut self) -> Result<Step> {
        match core::mem::replace(&mut self.state, State::Finished) {
            State::New => {
                self.plaintext_password_chosen =
                    self.flow.sends_password() || self.preferences.contains(&FirstFactor::Password);
                let step = self.initiate_or_ask();
                self.release_if_failed(step)
            }
            other => {
                self.state = other;
                Err(Error::OutOfOrder)
            }
        }
    }

    /// `InitiateAuth`, or the question for the password the flow needs first.
    fn initiate_or_ask(&mut self) -> Result<Step> {
        if self.flow.needs_password() && self.password.is_none() {
            return Ok(self.ask(Question::Password, Resume::Initiate));
        }
        self.initiate()
    }

    /// `InitiateAuth`: a new attempt.
    fn initiate(&mut self) -> Result<Step> {
        self.attempt = Attempt::default();
        let (mut parameters, pending) = self.auth_parameters()?;
        if let Some(device) = &self.device {
            parameters = parameters.with_device_key(device.device_key());
        }
        self.attempt.requests = 1;
        self.state = State::AwaitServer(pending);
        Ok(Step::Send(Request::initiate_auth(
            self.context.clone(),
            parameters,
        )))
    }

    /// The flow's `AuthParameters`, and the ephemeral its `SRP_A` came from.
    fn auth_parameters(&mut self) -> Result<(AuthParameters, Pending)> {
        let (client, name) = (&self.client, self.typed_username.as_str());
        let len = self.ephemeral_bytes;
        let password = || self.password.as_ref().ok_or(Error::OutOfOrder);
        let srp =
            |rng: &mut R, build: fn(&UserPoolClient, &str, &EphemeralKey) -> AuthParameters| {
                let key = EphemeralKey::from_rng_sized(rng, len)?;
                Ok((build(client, name, &key), Pending::PasswordClaim(key)))
            };
        let plain = |parameters| Ok((parameters, Pending::Nothing));
        match self.flow {
            Flow::UserSrp => srp(&mut self.rng, AuthParameters::user_srp_auth),
            Flow::CustomAuthWithSrp => srp(&mut self.rng, AuthParameters::custom_auth_with_srp),
            Flow::UserAuth {
                preferred: Some(FirstFactor::PasswordSrp),
            } => srp(&mut self.rng, AuthParameters::user_auth_password_srp),
            Flow::UserPassword if self.context.is_admin() => plain(
                AuthParameters::admin_user_password_auth(client, name, password()?),
            ),
            Flow::UserPassword => plain(AuthParameters::user_password_auth(
                client,
                name,
                password()?,
            )),
            Flow::CustomAuth => plain(AuthParameters::custom_auth(client, name)),
            Flow::UserAuth {
                preferred: Some(FirstFactor::Password),
            } => plain(AuthParameters::user_auth_password(
                client,
                name,
                password()?,
            )),
            Flow::UserAuth { preferred } => {
                plain(AuthParameters::user_auth(client, name, preferred).ok_or(Error::OutOfOrder)?)
            }
        }
    }

    /// The user name for challenge responses: the internal one once known.
    fn username(&self) -> &str {
        self.internal_username
            .as_deref()
            .unwrap_or(&self.typed_username)
    }

    fn responder(&self) -> Responder<'_> {
        let responder = Responder::new(&self.client, self.username());
        match &self.device {
            Some(device) => responder.with_device_key(device.device_key()),
            None => responder,
        }
    }

    /// The one place that sends a `RespondToAuthChallenge`: counts the round and commits
    /// the next state.
    fn commit(
        &mut self,
        pending: Pending,
        responses: ChallengeResponses,
        session: Option<String>,
    ) -> Result<Step> {
        if self.attempt.requests >= Self::MAX_ROUNDS {
            return Err(Error::RoundLimit);
        }
        self.attempt.requests += 1;
        self.state = State::AwaitServer(pending);
        Ok(Step::Send(Request::respond_to_auth_challenge(
            self.context.clone(),
            responses,
            session,
        )))
    }

    /// The one place that asks: commits the question.
    fn ask(&mut self, question: Question, resume: Resume) -> Step {
        self.state = State::AwaitUser {
            question: question.clone(),
            resume,
        };
        Step::Ask(question)
    }

    /// A fresh ephemeral for a user claim (`PASSWORD_SRP`), unless this attempt has already
    /// answered one.
    fn user_claim_key(&mut self, asked_by: &'static str) -> Result<EphemeralKey> {
        if self.attempt.password_claim {
            return Err(Error::ClaimLimit { name: asked_by });
        }
        EphemeralKey::from_rng_sized(&mut self.rng, self.ephemeral_bytes)
    }

    /// Drop the password when no restart can need it any more.
    fn release_password_unless_device(&mut self) {
        if self.device.is_none() {
            self.password = None;
        }
    }

    /// Feed Cognito's answer to the last request.
    ///
    /// # Errors
    /// - [`Error::OutOfOrder`] when no request is out (a question is pending, or the sign-in
    ///   has not started or has ended).
    /// - [`Error::Refused`] for a service error other than a stale device
    ///   ([`SignIn::refusal`] has its code and message).
    /// - [`Error::UnexpectedChallenge`] for a known challenge this sign-in cannot be in (e.g.
    ///   `DEVICE_SRP_AUTH` without a remembered device, a second `PASSWORD_VERIFIER`).
    /// - [`Error::PasswordDowngrade`] for the `PASSWORD` challenge in a sign-in whose caller
    ///   did not choose to send the password.
    /// - [`Error::ClaimLimit`] when the server asks for a second password (or device) claim
    ///   in one attempt; [`Error::RoundLimit`] after [`SignIn::MAX_ROUNDS`] requests.
    /// - [`Error::MissingParameter`], [`Error::MalformedParameter`],
    ///   [`Error::IllegalServerB`], [`Error::IllegalScrambler`],
    ///   [`Error::DeviceKeyMismatch`]: a challenge's parameters are unusable.
    /// - [`Error::RandomSource`] when the RNG fails.
    ///
    /// After an error the machine is finished, except after [`Error::OutOfOrder`].
    pub fn handle(&mut self, answer: ServerAnswer, now: &Timestamp) -> Result<Step> {
        let pending = match core::mem::replace(&mut self.state, State::Finished) {
            State::AwaitServer(pending) => pending,
            other => {
                self.state = other;
                return Err(Error::OutOfOrder);
            }
        };
        let step = match answer {
            ServerAnswer::Challenge(challenge) => self.on_challenge(&challenge, pending, now),
            ServerAnswer::Authenticated {
                new_device_metadata,
                access_token,
            } => {
                // A bearer value: wiped once its user name is read.
                let access_token = access_token.map(Zeroizing::new);
                let access_token = access_token.as_deref().map(String::as_str);
                Ok(self.on_authenticated(new_device_metadata, access_token))
            }
            ServerAnswer::Error { code, message } => self.on_error(&code, &message),
        };
        self.release_if_failed(step)
    }

    /// After a terminal error, nothing the machine holds is needed any more.
    fn release_if_failed(&mut self, step: Result<Step>) -> Result<Step> {
        if step.is_err() {
            self.password = None;
            self.device = None;
            self.state = State::Finished;
        }
        step
    }

    /// A service error: the stale-device restart, or the end.
    fn on_error(&mut self, code: &str, message: &str) -> Result<Step> {
        let refusal = ServiceError::new(code, message);
        let stale_device = refusal.kind == ServiceErrorKind::ResourceNotFound
            && message.contains("Device does not exist")
            && self.device.is_some()
            && (self.password.is_some() || !self.flow.needs_password());
        if !stale_device {
            let kind = refusal.kind;
            self.refusal = Some(refusal);
            return Err(Error::Refused { kind });
        }
        self.device = None;
        self.forgot_device = true;
        self.internal_username = None;
        self.initiate()
    }

    fn on_challenge(
        &mut self,
        challenge: &Challenge,
        pending: Pending,
        now: &Timestamp,
    ) -> Result<Step> {
        let lookup = |name: &str| challenge.parameters.get(name).map(String::as_str);
        // The internal name: the challenge's `USERNAME`, or `USER_ID_FOR_SRP` when it has none
        // (`MFA_SETUP` and the MFA challenges after `USER_PASSWORD_AUTH` carry only that).
        let username = match optional(&lookup, param::USERNAME)?.filter(|n| !n.is_empty()) {
            Some(name) => Some(name),
            None => optional(&lookup, param::USER_ID_FOR_SRP)?.filter(|n| !n.is_empty()),
        };
        if let Some(name) = username {
            self.internal_username = Some(String::from(name));
        }
        let session = challenge.session.clone();
        match challenge.name.as_str() {
            challenge_name::PASSWORD_VERIFIER => {
                let responses = self.on_password_verifier(challenge, pending, now)?;
                self.commit(Pending::Nothing, responses, session)
            }
            challenge_name::DEVICE_SRP_AUTH => {
                let (responses, key) = self.on_device_srp_auth()?;
                self.commit(Pending::DeviceClaim(key), responses, session)
            }
            challenge_name::DEVICE_PASSWORD_VERIFIER => {
                let responses = self.on_device_password_verifier(challenge, pending, now)?;
                self.commit(Pending::Nothing, responses, session)
            }
            challenge_name::PASSWORD_SRP => {
                let key = self.user_claim_key(challenge_name::PASSWORD_SRP)?;
                let responses = self.responder().password_srp(&key);
                self.commit(Pending::PasswordClaim(key), responses, session)
            }
            challenge_name::PASSWORD => self.on_password(session),
            challenge_name::SELECT_CHALLENGE => self.on_select_challenge(challenge),
            _ => {
                let question = questions::question_for(challenge)?;
                let resume = Resume::Challenge {
                    name: challenge.name.clone(),
                    session,
                };
                Ok(self.ask(question, resume))
            }
        }
    }

    /// `PASSWORD_VERIFIER`: the user claim, with the key `SRP_A` came from.
    fn on_password_verifier(
        &mut self,
        challenge: &Challenge,
        pending: Pending,
        now: &Timestamp,
    ) -> Result<ChallengeResponses> {
        let name = challenge_name::PASSWORD_VERIFIER;
        let unexpected = Error::UnexpectedChallenge { name };
        let Pending::PasswordClaim(key) = pending else {
            return Err(unexpected);
        };
        if self.attempt.password_claim {
            return Err(Error::ClaimLimit { name });
        }
        let password = self.password.as_ref().ok_or(unexpected)?;
        let parsed = PasswordVerifierChallenge::from_params(|name| {
            challenge.parameters.get(name).map(String::as_str)
        })?;
        self.internal_username = Some(String::from(parsed.username()));
        let mut responses = key.password_verifier(&self.client, &parsed, password, now)?;
        self.attempt.password_claim = true;
        if let Some(device) = &self.device {
            responses = responses.with_device_key(device.device_key());
        }
        self.release_password_unless_device();
        Ok(responses)
    }

    /// `DEVICE_SRP_AUTH`: a fresh ephemeral for the device claim.
    fn on_device_srp_auth(&mut self) -> Result<(ChallengeResponses, EphemeralKey)> {
        let name = challenge_name::DEVICE_SRP_AUTH;
        if self.device.is_none() {
            return Err(Error::UnexpectedChallenge { name });
        }
        if self.attempt.device_claim {
            return Err(Error::ClaimLimit { name });
        }
        let key = EphemeralKey::from_rng_sized(&mut self.rng, self.ephemeral_bytes)?;
        let responses = self
            .responder()
            .device_srp_auth(&key)
            .ok_or(Error::UnexpectedChallenge { name })?;
        Ok((responses, key))
    }

    /// `DEVICE_PASSWORD_VERIFIER`: the device claim, with the key of `DEVICE_SRP_AUTH`.
    fn on_device_password_verifier(
        &mut self,
        challenge: &Challenge,
        pending: Pending,
        now: &Timestamp,
    ) -> Result<ChallengeResponses> {
        let name = challenge_name::DEVICE_PASSWORD_VERIFIER;
        let unexpected = Error::UnexpectedChallenge { name };
        let (Pending::DeviceClaim(key), Some(device)) = (pending, self.device.as_ref()) else {
            return Err(unexpected);
        };
        let parsed = DevicePasswordVerifierChallenge::from_params(|name| {
            challenge.parameters.get(name).map(String::as_str)
        })?;
        self.internal_username = Some(String::from(parsed.username()));
        let responses = key.device_password_verifier(&self.client, device, &parsed, now)?;
        self.attempt.device_claim = true;
        Ok(responses)
    }

    /// `PASSWORD`: answered only in a sign-in whose caller chose to send the password.
    fn on_password(&mut self, session: Option<String>) -> Result<Step> {
        if !self.plaintext_password_chosen {
            return Err(Error::PasswordDowngrade);
        }
        if self.password.is_none() {
            let resume = Resume::Challenge {
                name: String::from(challenge_name::PASSWORD),
                session,
            };
            return Ok(self.ask(Question::Password, resume));
        }
        self.send_password(session)
    }

    /// The `PASSWORD` challenge's responses, with the password held.
    fn send_password(&mut self, session: Option<String>) -> Result<Step> {
        let password = self.password.as_ref().ok_or(Error::OutOfOrder)?;
        let responses = self.responder().password(password);
        self.release_password_unless_device();
        self.commit(Pending::Nothing, responses, session)
    }

    /// `SELECT_CHALLENGE`: the first preferred factor offered, or the user's choice.
    fn on_select_challenge(&mut self, challenge: &Challenge) -> Result<Step> {
        let available: Vec<FirstFactor> = challenge
            .available_challenges
            .iter()
            .filter_map(|name| FirstFactor::from_wire(name))
            .collect();
        let preferred = match self.flow {
            Flow::UserAuth { preferred } => preferred,
            _ => None,
        };
        let pick = preferred
            .into_iter()
            .chain(self.preferences.iter().copied())
            .find(|f| available.is_empty() || available.contains(f));
        match pick {
            Some(factor) => self.select(factor, challenge.session.clone()),
            None => {
                let resume = Resume::Challenge {
                    name: challenge.name.clone(),
                    session: challenge.session.clone(),
                };
                Ok(self.ask(Question::SelectChallenge { available }, resume))
            }
        }
    }

    /// Answer `SELECT_CHALLENGE` with `factor`, asking for the password first when it needs
    /// one and none is held.
    fn select(&mut self, factor: FirstFactor, session: Option<String>) -> Result<Step> {
        if factor.needs_password() && self.password.is_none() {
            return Ok(self.ask(Question::Password, Resume::Select { factor, session }));
        }
        let (responses, pending) = match factor {
            FirstFactor::PasswordSrp => {
                let key = self.user_claim_key(challenge_name::SELECT_CHALLENGE)?;
                let responses = self.responder().select_password_srp(&key);
                (responses, Pending::PasswordClaim(key))
            }
            FirstFactor::Password => {
                // The caller chose to send the password as it is.
                self.plaintext_password_chosen = true;
                let password = self.password.as_ref().ok_or(Error::OutOfOrder)?;
                let responses = self.responder().select_password(password);
                self.release_password_unless_device();
                (responses, Pending::Nothing)
            }
            other => {
                let responses = self
                    .responder()
                    .select_challenge(other)
                    .ok_or(Error::OutOfOrder)?;
                (responses, Pending::Nothing)
            }
        };
        self.commit(pending, responses, session)
    }

    /// Tokens were issued: the sign-in succeeded, whatever happens to a new device.
    fn on_authenticated(
        &mut self,
        metadata: Option<NewDeviceMetadata>,
        access_token: Option<&str>,
    ) -> Step {
        self.password = None;
        if let Some(name) = access_token.and_then(messages::token_username) {
            self.internal_username = Some(name);
        }
        let (new_device, device_registration_error) = match metadata {
            Some(m) => {
                match RememberedDevice::register(&m.device_key, &m.device_group_key, &mut self.rng)
                {
                    Ok((device, config)) => (Some(DeviceToConfirm { device, config }), None),
                    Err(e) => (None, Some(e)),
                }
            }
            None => (None, None),
        };
        Step::Done(SignedIn {
            username: String::from(self.username()),
            device_key: self.device.as_ref().map(|d| String::from(d.device_key())),
            new_device,
            device_registration_error,
            forget_stored_device: self.forgot_device,
        })
    }

    /// Feed the user's answer to the pending [`Question`].
    ///
    /// # Errors
    /// - [`Error::OutOfOrder`] when no question is pending.
    /// - [`Error::AnswerMismatch`] when the answer does not fit the question (another kind,
    ///   a first factor that was not offered, more than [`SignIn::MAX_ANSWER_PAIRS`] pairs),
    ///   [`Error::MissingAttribute`] or [`Error::AttributeAlreadySet`] for a
    ///   `NEW_PASSWORD_REQUIRED` answer that leaves a required attribute unset or sets one
    ///   that has a value: the question stays pending, answer again.
    /// - [`Error::ClaimLimit`] for `PASSWORD_SRP` chosen after this attempt's password
    ///   claim; [`Error::RoundLimit`] after [`SignIn::MAX_ROUNDS`] requests.
    /// - [`Error::RandomSource`] when the RNG fails.
    pub fn answer(&mut self, answer: Answer) -> Result<Step> {
        let (question, resume) = match core::mem::replace(&mut self.state, State::Finished) {
            State::AwaitUser { question, resume } => (question, resume),
            other => {
                self.state = other;
                return Err(Error::OutOfOrder);
            }
        };
        if let Err(e) = question.check(&answer, Self::MAX_ANSWER_PAIRS) {
            self.state = State::AwaitUser { question, resume };
            return Err(e);
        }
        let step = self.resume(resume, answer);
        self.release_if_failed(step)
    }

    /// Carry on with a (fitting) answer where the question left off.
    fn resume(&mut self, resume: Resume, mut answer: Answer) -> Result<Step> {
        if let Answer::Password(password) = &mut answer {
            let password = core::mem::replace(password, Password::new(String::new()));
            self.password = Some(password);
        }
        match resume {
            Resume::Initiate => self.initiate(),
            Resume::Select { factor, session } => self.select(factor, session),
            Resume::Challenge { session, .. } if matches!(answer, Answer::Password(_)) => {
                self.send_password(session)
            }
            Resume::Challenge { name, session } => self.respond(&name, session, &mut answer),
        }
    }

    /// The responses an answer gives to the challenge `name`.
    fn respond(
        &mut self,
        name: &str,
        session: Option<String>,
        answer: &mut Answer,
    ) -> Result<Step> {
        let r = self.responder();
        let responses = match answer {
            Answer::Code(code) => {
                let challenge = CodeChallenge::from_wire(name).ok_or(Error::AnswerMismatch)?;
                r.code(challenge, code)
            }
            Answer::CustomAnswer(a) => r.custom_challenge(a),
            Answer::NewPassword {
                password,
                attributes,
            } => {
                let pairs: Vec<(&str, &str)> = attributes
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                let responses = r.new_password_required(password, &pairs);
                self.release_password_unless_device();
                responses
            }
            Answer::MfaType(t) => r.select_mfa_type(t),
            Answer::MfaSetupTotp { session: s } => {
                let responses = r.mfa_setup();
                let session = Some(core::mem::take(s));
                return self.commit(Pending::Nothing, responses, session);
            }
            Answer::MfaSetupEmail { email } => r.mfa_setup_email(email),
            Answer::FirstFactor(factor) => return self.select(*factor, session),
            Answer::WebAuthnCredential(c) => r.web_authn(c),
            Answer::Responses(pairs) => {
                let pairs: Vec<(&str, &str)> = pairs
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                r.other(name, &pairs)
            }
            Answer::Password(_) => return Err(Error::AnswerMismatch),
        };
        self.commit(Pending::Nothing, responses, session)
    }
}

impl<R> fmt::Debug for SignIn<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignIn")
            .field("client", &self.client)
            .field("typed_username", &self.typed_username)
            .field("internal_username", &self.internal_username)
            .field("device", &self.device)
            .field("flow", &self.flow)
            .field("state", &self.state.name())
            .field("holds_password", &self.password.is_some())
            .field("refusal", &self.refusal)
            .finish_non_exhaustive()
    }
}
