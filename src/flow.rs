//! The sans-IO `SignIn` state machine: server answers in, the next request (or a question
//! for the user) out. No I/O, no async, no SDK dependency, in the spirit of rustls and
//! quinn-proto: the caller owns the transport and the clock.

use alloc::borrow::ToOwned;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use rand_core::TryCryptoRng;

use crate::challenge::{PasswordVerifierChallenge, challenge_name, optional, param};
use crate::client::UserPoolClient;
use crate::device::{
    DevicePasswordVerifierChallenge, DeviceSecretVerifierConfig, RememberedDevice,
};
use crate::error::{Error, Result};
use crate::responses::{FirstFactor, Responder};
use crate::secret::{EphemeralKey, Password};
use crate::timestamp::Timestamp;
use crate::wire::{AuthParameters, ChallengeResponses};

/// Which `AuthFlow` a [`SignIn`] starts with.
#[derive(Clone, Copy, Debug, Default, Eq, PartialEq)]
#[non_exhaustive]
pub enum Flow {
    /// `USER_SRP_AUTH` (the default).
    #[default]
    UserSrp,
    /// `CUSTOM_AUTH` starting with SRP (`CHALLENGE_NAME` = `SRP_A`); the pool's Lambda
    /// triggers define what follows (typically `CUSTOM_CHALLENGE`).
    CustomAuthWithSrp,
    /// `USER_AUTH` with `PREFERRED_CHALLENGE` = `PASSWORD_SRP`.
    UserAuthPasswordSrp,
}

/// `AnalyticsMetadata` of every request: the Amazon Pinpoint endpoint id.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct AnalyticsMetadata {
    /// `AnalyticsEndpointId`.
    pub analytics_endpoint_id: String,
}

/// `UserContextData` of the non-admin operations (advanced security features). `Debug`
/// redacts `EncodedData`.
#[derive(Clone, Default, Eq, PartialEq)]
pub struct UserContextData {
    /// `IpAddress`.
    pub ip_address: Option<String>,
    /// `EncodedData`.
    pub encoded_data: Option<String>,
}

/// `ContextData` of the `Admin…` operations (advanced security features). `Debug` redacts
/// `EncodedData` and the header values (they may carry cookies or credentials).
#[derive(Clone, Default, Eq, PartialEq)]
pub struct ContextData {
    /// `IpAddress`.
    pub ip_address: String,
    /// `ServerName`.
    pub server_name: String,
    /// `ServerPath`.
    pub server_path: String,
    /// `HttpHeaders` as `(headerName, headerValue)`.
    pub http_headers: Vec<(String, String)>,
    /// `EncodedData`.
    pub encoded_data: Option<String>,
}

/// The fields every request of a sign-in carries besides its own. `Debug` redacts the
/// `ClientMetadata` values (the keys are printed) and the context data's bearer values.
#[derive(Clone, Default, Eq, PartialEq)]
#[non_exhaustive]
pub struct RequestContext {
    /// `UserPoolId`: set for the `Admin…` operations only.
    pub user_pool_id: Option<String>,
    /// `ClientId`.
    pub client_id: String,
    /// `ClientMetadata` (for the pool's Lambda triggers).
    pub client_metadata: BTreeMap<String, String>,
    /// `AnalyticsMetadata`.
    pub analytics_metadata: Option<AnalyticsMetadata>,
    /// `UserContextData` (non-admin operations).
    pub user_context_data: Option<UserContextData>,
    /// `ContextData` (`Admin…` operations).
    pub context_data: Option<ContextData>,
}

impl RequestContext {
    /// Whether the request is for an `Admin…` operation.
    #[must_use]
    pub fn is_admin(&self) -> bool {
        self.user_pool_id.is_some()
    }
}

/// An `InitiateAuth` (or `AdminInitiateAuth`) request.
#[derive(Debug)]
#[non_exhaustive]
pub struct InitiateAuthRequest {
    /// `ClientId`, `UserPoolId` (admin), `ClientMetadata`, `AnalyticsMetadata`, context data.
    pub context: RequestContext,
    /// `AuthFlow` and `AuthParameters`.
    pub auth_parameters: AuthParameters,
}

/// A `RespondToAuthChallenge` (or `AdminRespondToAuthChallenge`) request. `Debug` redacts
/// the `Session`.
#[non_exhaustive]
pub struct RespondToAuthChallengeRequest {
    /// `ClientId`, `UserPoolId` (admin), `ClientMetadata`, `AnalyticsMetadata`, context data.
    pub context: RequestContext,
    /// `ChallengeName` and `ChallengeResponses`.
    pub challenge_responses: ChallengeResponses,
    /// `Session`: the latest one Cognito returned (absent when it sent none).
    pub session: Option<String>,
}

/// A request to send to Cognito.
#[derive(Debug)]
pub enum Request {
    /// `InitiateAuth`, or `AdminInitiateAuth` when `context.user_pool_id` is set.
    InitiateAuth(InitiateAuthRequest),
    /// `RespondToAuthChallenge`, or `AdminRespondToAuthChallenge` when
    /// `context.user_pool_id` is set.
    RespondToAuthChallenge(RespondToAuthChallengeRequest),
}

impl Request {
    /// The API operation name, e.g. `"AdminRespondToAuthChallenge"`.
    #[must_use]
    pub fn operation(&self) -> &'static str {
        match self {
            Self::InitiateAuth(r) if r.context.is_admin() => "AdminInitiateAuth",
            Self::InitiateAuth(_) => "InitiateAuth",
            Self::RespondToAuthChallenge(r) if r.context.is_admin() => {
                "AdminRespondToAuthChallenge"
            }
            Self::RespondToAuthChallenge(_) => "RespondToAuthChallenge",
        }
    }

    /// The fields shared by every request.
    #[must_use]
    pub fn context(&self) -> &RequestContext {
        match self {
            Self::InitiateAuth(r) => &r.context,
            Self::RespondToAuthChallenge(r) => &r.context,
        }
    }
}

/// A challenge Cognito answered with: `ChallengeName`, `ChallengeParameters`, `Session`, and
/// `AvailableChallenges` (`USER_AUTH`).
///
/// `Debug` redacts the `Session` (a bearer value: an `MFA_SETUP` session lets whoever holds
/// it enrol an authenticator) and every parameter value but the public ones of the SRP and
/// code-delivery challenges (`SALT`, `SRP_B`, `SECRET_BLOCK`, `USER_ID_FOR_SRP`, `USERNAME`,
/// `DEVICE_KEY`, `CODE_DELIVERY_*`, `MFAS_*`, `requiredAttributes`).
#[derive(Clone, Default, Eq, PartialEq)]
#[non_exhaustive]
pub struct Challenge {
    /// `ChallengeName`.
    pub name: String,
    /// `ChallengeParameters`.
    pub parameters: BTreeMap<String, String>,
    /// `Session`.
    pub session: Option<String>,
    /// `AvailableChallenges`.
    pub available_challenges: Vec<String>,
}

impl Challenge {
    /// A challenge from the fields of an SDK response.
    pub fn new<K, V>(
        name: &str,
        parameters: impl IntoIterator<Item = (K, V)>,
        session: Option<&str>,
    ) -> Self
    where
        K: Into<String>,
        V: Into<String>,
    {
        Self {
            name: String::from(name),
            parameters: parameters
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
            session: session.map(String::from),
            available_challenges: Vec::new(),
        }
    }

    /// With `AvailableChallenges` (a `USER_AUTH` response field).
    #[must_use]
    pub fn with_available_challenges<S: Into<String>>(
        mut self,
        challenges: impl IntoIterator<Item = S>,
    ) -> Self {
        self.available_challenges = challenges.into_iter().map(Into::into).collect();
        self
    }

    fn parameter(&self, name: &str) -> Option<&str> {
        self.parameters.get(name).map(String::as_str)
    }
}

/// `NewDeviceMetadata` of an `AuthenticationResult`.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct NewDeviceMetadata {
    /// `DeviceKey`.
    pub device_key: String,
    /// `DeviceGroupKey`.
    pub device_group_key: String,
}

/// What Cognito answered to the last request.
#[derive(Clone, Debug, Eq, PartialEq)]
#[non_exhaustive]
pub enum ServerAnswer {
    /// A challenge.
    Challenge(Challenge),
    /// An `AuthenticationResult`: the tokens stay with the caller; only `NewDeviceMetadata`
    /// matters here.
    Authenticated {
        /// `AuthenticationResult.NewDeviceMetadata`.
        new_device_metadata: Option<NewDeviceMetadata>,
    },
    /// A service error, by its code (e.g. `ResourceNotFoundException`) and message. Feed it
    /// so that the machine can take the stale-device path ("Device does not exist.").
    Error {
        /// The error code.
        code: String,
        /// The error message.
        message: String,
    },
}

/// Something only the user (or the application) can provide. `Debug` redacts the
/// `MFA_SETUP` session and the values of custom and unknown challenge parameters.
#[derive(Clone, Eq, PartialEq)]
#[non_exhaustive]
pub enum Question {
    /// A one-time code for `SMS_MFA`, `SOFTWARE_TOKEN_MFA`, `EMAIL_OTP` or `SMS_OTP`: answer
    /// [`Answer::Code`].
    Code {
        /// The challenge name.
        challenge: &'static str,
        /// `CODE_DELIVERY_DELIVERY_MEDIUM`, when sent.
        delivery_medium: Option<String>,
        /// `CODE_DELIVERY_DESTINATION` (masked), when sent.
        destination: Option<String>,
    },
    /// A `CUSTOM_CHALLENGE` with its public parameters: answer [`Answer::CustomAnswer`].
    CustomChallenge {
        /// The Lambda's public challenge parameters.
        parameters: BTreeMap<String, String>,
    },
    /// `NEW_PASSWORD_REQUIRED`: answer [`Answer::NewPassword`] with a value for each required
    /// attribute.
    NewPassword {
        /// Required attribute names, without the `userAttributes.` prefix.
        required_attributes: Vec<String>,
        /// `userAttributes`: the user's current attributes as JSON text, when sent.
        user_attributes_json: Option<String>,
    },
    /// `SELECT_MFA_TYPE`: answer [`Answer::MfaType`] with one of `options`.
    SelectMfaType {
        /// `MFAS_CAN_CHOOSE`.
        options: Vec<String>,
    },
    /// `MFA_SETUP`: for TOTP, call `AssociateSoftwareToken` with `session`, let the user add
    /// the secret to an authenticator, call `VerifySoftwareToken`, and answer
    /// [`Answer::MfaSetupTotp`] with the session it returned; for email, answer
    /// [`Answer::MfaSetupEmail`].
    MfaSetup {
        /// `MFAS_CAN_SETUP`.
        options: Vec<String>,
        /// The challenge's `Session`, for `AssociateSoftwareToken`.
        session: Option<String>,
    },
    /// `SELECT_CHALLENGE` without `PASSWORD_SRP` available: answer [`Answer::FirstFactor`].
    /// Choosing [`FirstFactorChoice::Password`] sends the password itself (no SRP): offer it
    /// only where the user expects that.
    SelectChallenge {
        /// `AvailableChallenges`.
        available: Vec<String>,
    },
    /// `WEB_AUTHN`: run the authenticator and answer [`Answer::WebAuthnCredential`].
    WebAuthn {
        /// `CREDENTIAL_REQUEST_OPTIONS` (JSON text), when sent.
        credential_request_options: Option<String>,
    },
    /// A challenge this crate does not know: answer [`Answer::Responses`].
    Unknown(Challenge),
}

/// The first factor the user picked at a `SELECT_CHALLENGE`.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
#[non_exhaustive]
pub enum FirstFactorChoice {
    /// `PASSWORD` (the sign-in's password is sent as is).
    Password,
    /// `PASSWORD_SRP`.
    PasswordSrp,
    /// `EMAIL_OTP`.
    EmailOtp,
    /// `SMS_OTP`.
    SmsOtp,
    /// `WEB_AUTHN`.
    WebAuthn,
}

/// The caller's answer to a [`Question`].
#[non_exhaustive]
pub enum Answer {
    /// The code of [`Question::Code`].
    Code(String),
    /// The answer of [`Question::CustomChallenge`].
    CustomAnswer(String),
    /// The new password and the `(name, value)` of each required attribute.
    NewPassword {
        /// The new password.
        password: Password,
        /// Attribute values, names with or without the `userAttributes.` prefix.
        attributes: Vec<(String, String)>,
    },
    /// The MFA type chosen at [`Question::SelectMfaType`].
    MfaType(String),
    /// TOTP set up: the `Session` `VerifySoftwareToken` returned.
    MfaSetupTotp {
        /// The session to answer `MFA_SETUP` with.
        session: String,
    },
    /// Email MFA set up with this address.
    MfaSetupEmail {
        /// The address.
        email: String,
    },
    /// The first factor of [`Question::SelectChallenge`].
    FirstFactor(FirstFactorChoice),
    /// The `AuthenticationResponseJSON` of [`Question::WebAuthn`].
    WebAuthnCredential(String),
    /// The responses (besides `USERNAME`, `SECRET_HASH`, `DEVICE_KEY`) of
    /// [`Question::Unknown`].
    Responses(Vec<(String, String)>),
}

impl Drop for Answer {
    fn drop(&mut self) {
        use zeroize::Zeroize as _;
        match self {
            Self::Code(s)
            | Self::CustomAnswer(s)
            | Self::MfaType(s)
            | Self::WebAuthnCredential(s)
            | Self::MfaSetupTotp { session: s }
            | Self::MfaSetupEmail { email: s } => s.zeroize(),
            Self::NewPassword { attributes, .. } => {
                for (name, value) in attributes.iter_mut() {
                    name.zeroize();
                    value.zeroize();
                }
            }
            Self::Responses(pairs) => {
                for (name, value) in pairs.iter_mut() {
                    name.zeroize();
                    value.zeroize();
                }
            }
            Self::FirstFactor(_) => {}
        }
    }
}

/// Codes, answers and credentials are wiped on drop (the new password is a [`Password`]).
impl zeroize::ZeroizeOnDrop for Answer {}

impl fmt::Debug for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Self::Code(_) => "Code",
            Self::CustomAnswer(_) => "CustomAnswer",
            Self::NewPassword { .. } => "NewPassword",
            Self::MfaType(t) => return f.debug_tuple("MfaType").field(t).finish(),
            Self::MfaSetupTotp { .. } => "MfaSetupTotp",
            Self::MfaSetupEmail { .. } => "MfaSetupEmail",
            Self::FirstFactor(c) => return f.debug_tuple("FirstFactor").field(c).finish(),
            Self::WebAuthnCredential(_) => "WebAuthnCredential",
            Self::Responses(_) => "Responses",
        };
        write!(f, "{name}(<redacted>)")
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
    /// A new device to confirm, when Cognito sent `NewDeviceMetadata`.
    pub new_device: Option<DeviceToConfirm>,
    /// Cognito sent `NewDeviceMetadata` but no device could be registered (malformed
    /// metadata, or the RNG failed): the sign-in still succeeded, without a remembered device.
    pub device_registration_error: Option<Error>,
    /// The stored device was unknown to Cognito ("Device does not exist.") and was dropped:
    /// delete it from storage.
    pub forget_stored_device: bool,
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

/// What the machine waits for.
enum State {
    /// [`SignIn::start`] has not been called.
    New,
    /// A request is out.
    AwaitServer(Pending),
    /// A question is out.
    AwaitUser {
        question: Question,
        challenge_name: String,
        session: Option<String>,
    },
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

/// Responses to send, the ephemeral they leave pending, and a `Session` that replaces the
/// challenge's (the one `VerifySoftwareToken` returned).
type Reply = (ChallengeResponses, Pending, Option<String>);

/// A sans-IO Cognito sign-in: `USER_SRP_AUTH` (or `CUSTOM_AUTH` with SRP, or `USER_AUTH`
/// with `PASSWORD_SRP`), device SRP for a remembered device, every MFA and password
/// challenge, and device registration at the end.
///
/// It gets every request right: `SECRET_HASH` over the name as typed in `InitiateAuth` and
/// over the internal user name in every challenge response, `DEVICE_KEY` in every request of
/// a sign-in with a remembered device, the latest `Session`, and the caller's
/// `ClientMetadata`, `AnalyticsMetadata` and context data in every request.
///
/// The password is kept only while it may still be needed: until the SRP claim is answered,
/// or, with a remembered device, until the sign-in ends (a stale device restarts the sign-in
/// without it). It never leaves the machine in plaintext unless the caller chose a flow that
/// sends it (answering `SELECT_CHALLENGE` with [`FirstFactorChoice::Password`]): a server
/// that answers an SRP sign-in with the `PASSWORD` challenge gets [`Error::PasswordDowngrade`].
/// Each attempt answers at most one password claim and one device claim, and sends at most
/// [`SignIn::MAX_ROUNDS`] requests, so a hostile server cannot collect claim transcripts for
/// offline guessing or keep the sign-in going forever. Ephemerals are consumed by their
/// claims. `Debug` prints no secret.
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
    context: RequestContext,
    rng: R,
    state: State,
    attempt: Attempt,
    /// The caller chose a first factor that sends the password as it is.
    plaintext_password_chosen: bool,
    forgot_device: bool,
}

#[cfg(feature = "getrandom")]
impl SignIn<getrandom::SysRng> {
    /// A sign-in with ephemerals from the operating system's RNG (feature `getrandom`).
    #[must_use]
    pub fn new(client: UserPoolClient, username: &str, password: Password) -> Self {
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
}

impl<R: TryCryptoRng> SignIn<R> {
    /// A sign-in for `username` as the user typed it (a user name or an alias), with
    /// ephemerals (and a new device's password and salt) from `rng`.
    pub fn with_rng(client: UserPoolClient, username: &str, password: Password, rng: R) -> Self {
        let context = RequestContext {
            client_id: String::from(client.client_id()),
            ..RequestContext::default()
        };
        Self {
            client,
            typed_username: String::from(username),
            internal_username: None,
            password: Some(password),
            device: None,
            flow: Flow::default(),
            context,
            rng,
            state: State::New,
            attempt: Attempt::default(),
            plaintext_password_chosen: false,
            forgot_device: false,
        }
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

    /// Whether the stored device was dropped after "Device does not exist.".
    #[must_use]
    pub fn device_forgotten(&self) -> bool {
        self.forgot_device
    }

    /// The first request: `InitiateAuth` (or `AdminInitiateAuth`).
    ///
    /// # Errors
    /// - [`Error::OutOfOrder`] when the sign-in has already started.
    /// - [`Error::RandomSource`] when the RNG fails.
    pub fn start(&mut self) -> Result<Step> {
        match core::mem::replace(&mut self.state, State::Finished) {
            State::New => {
                let step = self.initiate();
                self.release_if_failed(step)
            }
            other => {
                self.state = other;
                Err(Error::OutOfOrder)
            }
        }
    }

    /// `InitiateAuth`: a new attempt.
    fn initiate(&mut self) -> Result<Step> {
        self.attempt = Attempt::default();
        let key = EphemeralKey::from_rng(&mut self.rng)?;
        let username = &self.typed_username;
        let mut parameters = match self.flow {
            Flow::UserSrp => AuthParameters::user_srp_auth(&self.client, username, &key),
            Flow::CustomAuthWithSrp => {
                AuthParameters::custom_auth_with_srp(&self.client, username, &key)
            }
            Flow::UserAuthPasswordSrp => {
                AuthParameters::user_auth_password_srp(&self.client, username, &key)
            }
        };
        if let Some(device) = &self.device {
            parameters = parameters.with_device_key(device.device_key());
        }
        self.attempt.requests = 1;
        self.state = State::AwaitServer(Pending::PasswordClaim(key));
        Ok(Step::Send(Request::InitiateAuth(InitiateAuthRequest {
            context: self.context.clone(),
            auth_parameters: parameters,
        })))
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
        Ok(Step::Send(Request::RespondToAuthChallenge(
            RespondToAuthChallengeRequest {
                context: self.context.clone(),
                challenge_responses: responses,
                session,
            },
        )))
    }

    /// A fresh ephemeral for a user claim (`PASSWORD_SRP`), unless this attempt has already
    /// answered one.
    fn user_claim_key(&mut self, asked_by: &'static str) -> Result<EphemeralKey> {
        if self.attempt.password_claim {
            return Err(Error::ClaimLimit { name: asked_by });
        }
        EphemeralKey::from_rng(&mut self.rng)
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
    /// - [`Error::UnexpectedChallenge`] for a known challenge this sign-in cannot be in (e.g.
    ///   `DEVICE_SRP_AUTH` without a remembered device, a second `PASSWORD_VERIFIER`).
    /// - [`Error::PasswordDowngrade`] for the `PASSWORD` challenge in a sign-in whose caller
    ///   did not choose to send the password.
    /// - [`Error::ClaimLimit`] when the server asks for a second password (or device) claim
    ///   in one attempt; [`Error::RoundLimit`] after [`SignIn::MAX_ROUNDS`] requests.
    /// - [`Error::MissingParameter`], [`Error::MalformedParameter`],
    ///   [`Error::IllegalServerB`], [`Error::IllegalScrambler`],
    ///   [`Error::DeviceKeyMismatch`]: a challenge's parameters are unusable.
    /// - [`Error::ServerRefused`] for a service error other than a stale device.
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
            } => Ok(self.on_authenticated(new_device_metadata)),
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

    fn on_error(&mut self, code: &str, message: &str) -> Result<Step> {
        let stale_device = code.contains("ResourceNotFoundException")
            && message.contains("Device does not exist")
            && self.device.is_some()
            && self.password.is_some();
        if !stale_device {
            return Err(Error::ServerRefused);
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
        if let Some(name) = optional(&lookup, param::USERNAME)?.filter(|n| !n.is_empty()) {
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
            challenge_name::PASSWORD => {
                let password = self
                    .password
                    .as_ref()
                    .filter(|_| self.plaintext_password_chosen)
                    .ok_or(Error::PasswordDowngrade)?;
                let responses = self.responder().password(password);
                self.release_password_unless_device();
                self.commit(Pending::Nothing, responses, session)
            }
            challenge_name::SELECT_CHALLENGE => self.on_select_challenge(challenge),
            name => {
                let question = question_for(name, challenge)?;
                Ok(self.ask(question, challenge))
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
        let unexpected = Error::UnexpectedChallenge {
            name: challenge_name::PASSWORD_VERIFIER,
        };
        let Pending::PasswordClaim(key) = pending else {
            return Err(unexpected);
        };
        if self.attempt.password_claim {
            return Err(Error::ClaimLimit {
                name: challenge_name::PASSWORD_VERIFIER,
            });
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
        let key = EphemeralKey::from_rng(&mut self.rng)?;
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
        let unexpected = Error::UnexpectedChallenge {
            name: challenge_name::DEVICE_PASSWORD_VERIFIER,
        };
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

    /// `SELECT_CHALLENGE`: `PASSWORD_SRP` when offered (or nothing is listed) and a password
    /// is held; otherwise the user chooses.
    fn on_select_challenge(&mut self, challenge: &Challenge) -> Result<Step> {
        let srp_available = challenge.available_challenges.is_empty()
            || challenge
                .available_challenges
                .iter()
                .any(|c| c == challenge_name::PASSWORD_SRP);
        if srp_available && self.password.is_some() {
            let key = self.user_claim_key(challenge_name::SELECT_CHALLENGE)?;
            let responses = self
                .responder()
                .select_challenge(&FirstFactor::PasswordSrp(&key));
            return self.commit(
                Pending::PasswordClaim(key),
                responses,
                challenge.session.clone(),
            );
        }
        let question = Question::SelectChallenge {
            available: challenge.available_challenges.clone(),
        };
        Ok(self.ask(question, challenge))
    }

    fn ask(&mut self, question: Question, challenge: &Challenge) -> Step {
        self.state = State::AwaitUser {
            question: question.clone(),
            challenge_name: challenge.name.clone(),
            session: challenge.session.clone(),
        };
        Step::Ask(question)
    }

    /// Tokens were issued: the sign-in succeeded, whatever happens to a new device.
    fn on_authenticated(&mut self, metadata: Option<NewDeviceMetadata>) -> Step {
        self.password = None;
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
            new_device,
            device_registration_error,
            forget_stored_device: self.forgot_device,
        })
    }

    /// Feed the user's answer to the pending [`Question`].
    ///
    /// # Errors
    /// - [`Error::OutOfOrder`] when no question is pending.
    /// - [`Error::AnswerMismatch`] when the answer does not fit the question, or carries more
    ///   than [`SignIn::MAX_ANSWER_PAIRS`] pairs (the question stays pending: answer again).
    /// - [`Error::ClaimLimit`] for `PASSWORD_SRP` chosen after this attempt's password
    ///   claim; [`Error::RoundLimit`] after [`SignIn::MAX_ROUNDS`] requests.
    /// - [`Error::RandomSource`] when the RNG fails.
    pub fn answer(&mut self, answer: Answer) -> Result<Step> {
        let (question, name, session) = match core::mem::replace(&mut self.state, State::Finished) {
            State::AwaitUser {
                question,
                challenge_name,
                session,
            } => (question, challenge_name, session),
            other => {
                self.state = other;
                return Err(Error::OutOfOrder);
            }
        };
        match self.reply(&question, &name, &answer) {
            Ok(Some((responses, pending, new_session))) => {
                let step = self.commit(pending, responses, new_session.or(session));
                self.release_if_failed(step)
            }
            Ok(None) => {
                self.state = State::AwaitUser {
                    question,
                    challenge_name: name,
                    session,
                };
                Err(Error::AnswerMismatch)
            }
            Err(e) => self.release_if_failed(Err(e)),
        }
    }

    /// The responses an answer gives to a question; `None` when it does not fit.
    fn reply(&mut self, question: &Question, name: &str, answer: &Answer) -> Result<Option<Reply>> {
        let r = self.responder();
        let responses = match (question, answer) {
            (Question::Code { challenge, .. }, Answer::Code(code)) => match *challenge {
                challenge_name::SMS_MFA => r.sms_mfa(code),
                challenge_name::SOFTWARE_TOKEN_MFA => r.software_token_mfa(code),
                challenge_name::EMAIL_OTP => r.email_otp(code),
                _ => r.sms_otp(code),
            },
            (Question::CustomChallenge { .. }, Answer::CustomAnswer(a)) => r.custom_challenge(a),
            (
                Question::NewPassword { .. },
                Answer::NewPassword {
                    password,
                    attributes,
                },
            ) if attributes.len() <= Self::MAX_ANSWER_PAIRS => {
                let pairs: Vec<(&str, &str)> = attributes
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                let responses = r.new_password_required(password, &pairs);
                self.release_password_unless_device();
                responses
            }
            (Question::SelectMfaType { .. }, Answer::MfaType(t)) => r.select_mfa_type(t),
            (Question::MfaSetup { .. }, Answer::MfaSetupTotp { session }) => {
                return Ok(Some((
                    r.mfa_setup(),
                    Pending::Nothing,
                    Some(session.clone()),
                )));
            }
            (Question::MfaSetup { .. }, Answer::MfaSetupEmail { email }) => {
                r.mfa_setup_email(email)
            }
            (Question::SelectChallenge { .. }, Answer::FirstFactor(choice)) => {
                return self.first_factor(*choice);
            }
            (Question::WebAuthn { .. }, Answer::WebAuthnCredential(c)) => r.web_authn(c),
            (Question::Unknown(_), Answer::Responses(pairs))
                if pairs.len() <= Self::MAX_ANSWER_PAIRS =>
            {
                let pairs: Vec<(&str, &str)> = pairs
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                r.other(name, &pairs)
            }
            _ => return Ok(None),
        };
        Ok(Some((responses, Pending::Nothing, None)))
    }

    /// The `SELECT_CHALLENGE` answer for the first factor the user chose.
    fn first_factor(&mut self, choice: FirstFactorChoice) -> Result<Option<Reply>> {
        let factor = match choice {
            FirstFactorChoice::Password => {
                let Some(password) = &self.password else {
                    return Ok(None);
                };
                // The caller chose to send the password as it is.
                self.plaintext_password_chosen = true;
                let responses = self
                    .responder()
                    .select_challenge(&FirstFactor::Password(password));
                self.release_password_unless_device();
                return Ok(Some((responses, Pending::Nothing, None)));
            }
            FirstFactorChoice::PasswordSrp => {
                let key = self.user_claim_key(challenge_name::SELECT_CHALLENGE)?;
                let responses = self
                    .responder()
                    .select_challenge(&FirstFactor::PasswordSrp(&key));
                return Ok(Some((responses, Pending::PasswordClaim(key), None)));
            }
            FirstFactorChoice::EmailOtp => FirstFactor::EmailOtp,
            FirstFactorChoice::SmsOtp => FirstFactor::SmsOtp,
            FirstFactorChoice::WebAuthn => FirstFactor::WebAuthn,
        };
        let responses = self.responder().select_challenge(&factor);
        Ok(Some((responses, Pending::Nothing, None)))
    }
}

/// The question a user-answered challenge asks.
fn question_for(name: &str, challenge: &Challenge) -> Result<Question> {
    let text = |key: &str| challenge.parameter(key).map(String::from);
    let list = |key: &'static str| -> Result<Vec<String>> {
        match challenge.parameter(key) {
            Some(json) => {
                parse_json_string_array(json).ok_or(Error::MalformedParameter { name: key })
            }
            None => Ok(Vec::new()),
        }
    };
    let code = |challenge: &'static str| Question::Code {
        challenge,
        delivery_medium: text(param::CODE_DELIVERY_DELIVERY_MEDIUM),
        destination: text(param::CODE_DELIVERY_DESTINATION),
    };
    Ok(match name {
        challenge_name::SMS_MFA => code(challenge_name::SMS_MFA),
        challenge_name::SOFTWARE_TOKEN_MFA => code(challenge_name::SOFTWARE_TOKEN_MFA),
        challenge_name::EMAIL_OTP => code(challenge_name::EMAIL_OTP),
        challenge_name::SMS_OTP => code(challenge_name::SMS_OTP),
        challenge_name::CUSTOM_CHALLENGE => {
            let mut parameters = challenge.parameters.clone();
            parameters.remove(param::USERNAME);
            Question::CustomChallenge { parameters }
        }
        challenge_name::NEW_PASSWORD_REQUIRED => Question::NewPassword {
            required_attributes: list(param::REQUIRED_ATTRIBUTES)?
                .into_iter()
                .map(|a| {
                    a.strip_prefix(param::USER_ATTRIBUTES_PREFIX)
                        .map_or(a.clone(), ToOwned::to_owned)
                })
                .collect(),
            user_attributes_json: text(param::USER_ATTRIBUTES),
        },
        challenge_name::SELECT_MFA_TYPE => Question::SelectMfaType {
            options: list(param::MFAS_CAN_CHOOSE)?,
        },
        challenge_name::MFA_SETUP => Question::MfaSetup {
            options: list(param::MFAS_CAN_SETUP)?,
            session: challenge.session.clone(),
        },
        challenge_name::WEB_AUTHN => Question::WebAuthn {
            credential_request_options: text(param::CREDENTIAL_REQUEST_OPTIONS),
        },
        _ => Question::Unknown(challenge.clone()),
    })
}

/// Parse a JSON array of strings (`["a","b"]`), as Cognito sends `requiredAttributes`,
/// `MFAS_CAN_CHOOSE` and `MFAS_CAN_SETUP`. `None` for anything else.
fn parse_json_string_array(text: &str) -> Option<Vec<String>> {
    let mut chars = text.trim().chars().peekable();
    let mut out = Vec::new();
    let skip_ws = |chars: &mut core::iter::Peekable<core::str::Chars<'_>>| {
        while chars.peek().is_some_and(|c| c.is_ascii_whitespace()) {
            chars.next();
        }
    };
    if chars.next()? != '[' {
        return None;
    }
    skip_ws(&mut chars);
    if chars.peek() == Some(&']') {
        chars.next();
        return chars.next().is_none().then_some(out);
    }
    loop {
        skip_ws(&mut chars);
        if chars.next()? != '"' {
            return None;
        }
        let mut s = String::new();
        loop {
            match chars.next()? {
                '"' => break,
                '\\' => match chars.next()? {
                    '"' => s.push('"'),
                    '\\' => s.push('\\'),
                    '/' => s.push('/'),
                    'b' => s.push('\u{8}'),
                    'f' => s.push('\u{c}'),
                    'n' => s.push('\n'),
                    'r' => s.push('\r'),
                    't' => s.push('\t'),
                    'u' => {
                        let mut code: u32 = 0;
                        for _ in 0..4 {
                            code = code * 16 + chars.next()?.to_digit(16)?;
                        }
                        // Surrogate pairs are not expected in attribute names; a lone or
                        // paired surrogate is refused rather than guessed.
                        s.push(char::from_u32(code)?);
                    }
                    _ => return None,
                },
                c if u32::from(c) < 0x20 => return None,
                c => s.push(c),
            }
        }
        out.push(s);
        skip_ws(&mut chars);
        match chars.next()? {
            ',' => continue,
            ']' => break,
            _ => return None,
        }
    }
    chars.next().is_none().then_some(out)
}

/// Prints `<redacted>` in place of a bearer or secret value.
struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// `Some(<redacted>)` or `None`.
fn redacted<T>(value: Option<&T>) -> Option<Redacted> {
    value.map(|_| Redacted)
}

/// A map printed with its keys and `<redacted>` values, except the keys in `public`.
struct KeysOnly<'a, I> {
    entries: I,
    public: &'a [&'a str],
}

impl<'a, I, K, V> fmt::Debug for KeysOnly<'a, I>
where
    I: Iterator<Item = (K, V)> + Clone,
    K: AsRef<str>,
    V: AsRef<str>,
{
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (k, v) in self.entries.clone() {
            let (k, v) = (k.as_ref(), v.as_ref());
            if self.public.contains(&k) {
                map.entry(&k, &v);
            } else {
                map.entry(&k, &Redacted);
            }
        }
        map.finish()
    }
}

/// Challenge parameters whose values `Debug` prints: public by protocol.
const PUBLIC_PARAMETERS: &[&str] = &[
    param::SALT,
    param::SRP_B,
    param::SECRET_BLOCK,
    param::USER_ID_FOR_SRP,
    param::USERNAME,
    param::DEVICE_KEY,
    param::CODE_DELIVERY_DELIVERY_MEDIUM,
    param::CODE_DELIVERY_DESTINATION,
    param::MFAS_CAN_CHOOSE,
    param::MFAS_CAN_SETUP,
    param::REQUIRED_ATTRIBUTES,
];

impl fmt::Debug for UserContextData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserContextData")
            .field("ip_address", &self.ip_address)
            .field("encoded_data", &redacted(self.encoded_data.as_ref()))
            .finish()
    }
}

impl fmt::Debug for ContextData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let headers = KeysOnly {
            entries: self.http_headers.iter().map(|(k, v)| (k, v)),
            public: &[],
        };
        f.debug_struct("ContextData")
            .field("ip_address", &self.ip_address)
            .field("server_name", &self.server_name)
            .field("server_path", &self.server_path)
            .field("http_headers", &headers)
            .field("encoded_data", &redacted(self.encoded_data.as_ref()))
            .finish()
    }
}

impl fmt::Debug for RequestContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let metadata = KeysOnly {
            entries: self.client_metadata.iter(),
            public: &[],
        };
        f.debug_struct("RequestContext")
            .field("user_pool_id", &self.user_pool_id)
            .field("client_id", &self.client_id)
            .field("client_metadata", &metadata)
            .field("analytics_metadata", &self.analytics_metadata)
            .field("user_context_data", &self.user_context_data)
            .field("context_data", &self.context_data)
            .finish()
    }
}

impl fmt::Debug for RespondToAuthChallengeRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RespondToAuthChallengeRequest")
            .field("context", &self.context)
            .field("challenge_responses", &self.challenge_responses)
            .field("session", &redacted(self.session.as_ref()))
            .finish()
    }
}

impl fmt::Debug for Challenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parameters = KeysOnly {
            entries: self.parameters.iter(),
            public: PUBLIC_PARAMETERS,
        };
        f.debug_struct("Challenge")
            .field("name", &self.name)
            .field("parameters", &parameters)
            .field("session", &redacted(self.session.as_ref()))
            .field("available_challenges", &self.available_challenges)
            .finish()
    }
}

impl fmt::Debug for Question {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Code {
                challenge,
                delivery_medium,
                destination,
            } => f
                .debug_struct("Code")
                .field("challenge", challenge)
                .field("delivery_medium", delivery_medium)
                .field("destination", destination)
                .finish(),
            Self::CustomChallenge { parameters } => f
                .debug_struct("CustomChallenge")
                .field(
                    "parameters",
                    &KeysOnly {
                        entries: parameters.iter(),
                        public: &[],
                    },
                )
                .finish(),
            Self::NewPassword {
                required_attributes,
                user_attributes_json,
            } => f
                .debug_struct("NewPassword")
                .field("required_attributes", required_attributes)
                .field(
                    "user_attributes_json",
                    &redacted(user_attributes_json.as_ref()),
                )
                .finish(),
            Self::SelectMfaType { options } => f
                .debug_struct("SelectMfaType")
                .field("options", options)
                .finish(),
            Self::MfaSetup { options, session } => f
                .debug_struct("MfaSetup")
                .field("options", options)
                .field("session", &redacted(session.as_ref()))
                .finish(),
            Self::SelectChallenge { available } => f
                .debug_struct("SelectChallenge")
                .field("available", available)
                .finish(),
            Self::WebAuthn {
                credential_request_options,
            } => f
                .debug_struct("WebAuthn")
                .field(
                    "credential_request_options",
                    &redacted(credential_request_options.as_ref()),
                )
                .finish(),
            Self::Unknown(challenge) => f.debug_tuple("Unknown").field(challenge).finish(),
        }
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
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_string_arrays() {
        let p = parse_json_string_array;
        assert_eq!(p("[]"), Some(Vec::new()));
        assert_eq!(
            p(" [ \"a\" , \"b\" ] "),
            Some(alloc::vec!["a".into(), "b".into()])
        );
        assert_eq!(
            p(r#"["userAttributes.email","x\"y\\z\u00e9"]"#),
            Some(alloc::vec![
                "userAttributes.email".into(),
                "x\"y\\zé".into()
            ])
        );
        for bad in [
            "",
            "[",
            "[\"a\"",
            "[\"a\",]",
            "[a]",
            "[\"a\"] x",
            "{}",
            "[\"\\x\"]",
            "[\"\\ud800\"]",
            "[1]",
        ] {
            assert_eq!(p(bad), None, "{bad:?}");
        }
    }
}
