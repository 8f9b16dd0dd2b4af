//! The sans-IO `SignIn` state machine: server answers in, the next request (or a question
//! for the user) out. No I/O, no async, no SDK dependency, in the spirit of rustls and
//! quinn-proto: the caller owns the transport and the clock.

use alloc::borrow::ToOwned;
use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use rand_core::TryCryptoRng;

use crate::challenge::{PasswordVerifierChallenge, challenge_name, param};
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

/// `UserContextData` of the non-admin operations (advanced security features).
#[derive(Clone, Debug, Default, Eq, PartialEq)]
pub struct UserContextData {
    /// `IpAddress`.
    pub ip_address: Option<String>,
    /// `EncodedData`.
    pub encoded_data: Option<String>,
}

/// `ContextData` of the `Admin…` operations (advanced security features).
#[derive(Clone, Debug, Default, Eq, PartialEq)]
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

/// The fields every request of a sign-in carries besides its own.
#[derive(Clone, Debug, Default, Eq, PartialEq)]
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

/// A `RespondToAuthChallenge` (or `AdminRespondToAuthChallenge`) request.
#[derive(Debug)]
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
#[derive(Clone, Debug, Default, Eq, PartialEq)]
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

/// Something only the user (or the application) can provide.
#[derive(Clone, Debug, Eq, PartialEq)]
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

/// What the machine waits for. The ephemerals are boxed: moving the state then moves a
/// pointer, not another copy of `a`.
enum State {
    /// [`SignIn::start`] has not been called.
    New,
    /// A request is out; `srp` answers a `PASSWORD_VERIFIER`, `device_srp` a
    /// `DEVICE_PASSWORD_VERIFIER`.
    AwaitServer {
        srp: Option<Box<EphemeralKey>>,
        device_srp: Option<Box<EphemeralKey>>,
    },
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
            Self::AwaitServer { .. } => "AwaitServer",
            Self::AwaitUser { .. } => "AwaitUser",
            Self::Finished => "Finished",
        }
    }
}

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
/// without it). Ephemerals are consumed by their claims. `Debug` prints no secret.
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
        if !matches!(self.state, State::New) {
            return Err(Error::OutOfOrder);
        }
        self.initiate()
    }

    fn initiate(&mut self) -> Result<Step> {
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
        self.state = State::AwaitServer {
            srp: Some(Box::new(key)),
            device_srp: None,
        };
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

    fn respond(&mut self, responses: ChallengeResponses, session: Option<String>) -> Step {
        Step::Send(Request::RespondToAuthChallenge(
            RespondToAuthChallengeRequest {
                context: self.context.clone(),
                challenge_responses: responses,
                session,
            },
        ))
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
    /// - [`Error::MissingParameter`], [`Error::MalformedParameter`],
    ///   [`Error::IllegalServerB`], [`Error::IllegalScrambler`],
    ///   [`Error::DeviceKeyMismatch`]: a challenge's parameters are unusable.
    /// - [`Error::ServerRefused`] for a service error other than a stale device.
    /// - [`Error::RandomSource`] when the RNG fails.
    ///
    /// After an error the machine is finished, except after [`Error::OutOfOrder`].
    pub fn handle(&mut self, answer: ServerAnswer, now: &Timestamp) -> Result<Step> {
        if !matches!(self.state, State::AwaitServer { .. }) {
            return Err(Error::OutOfOrder);
        }
        let State::AwaitServer { srp, device_srp } =
            core::mem::replace(&mut self.state, State::Finished)
        else {
            return Err(Error::OutOfOrder);
        };
        let step = match answer {
            ServerAnswer::Challenge(challenge) => {
                self.on_challenge(challenge, srp, device_srp, now)
            }
            ServerAnswer::Authenticated {
                new_device_metadata,
            } => self.on_authenticated(new_device_metadata),
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
        challenge: Challenge,
        srp: Option<Box<EphemeralKey>>,
        device_srp: Option<Box<EphemeralKey>>,
        now: &Timestamp,
    ) -> Result<Step> {
        if let Some(name) = challenge
            .parameter(param::USERNAME)
            .filter(|n| !n.is_empty())
        {
            self.internal_username = Some(String::from(name));
        }
        let session = challenge.session.clone();
        let lookup = |name: &str| challenge.parameters.get(name).map(String::as_str);
        match challenge.name.as_str() {
            challenge_name::PASSWORD_VERIFIER => {
                let key = srp.ok_or(Error::UnexpectedChallenge {
                    name: challenge_name::PASSWORD_VERIFIER,
                })?;
                let password = self.password.as_ref().ok_or(Error::UnexpectedChallenge {
                    name: challenge_name::PASSWORD_VERIFIER,
                })?;
                let parsed = PasswordVerifierChallenge::from_params(lookup)?;
                self.internal_username = Some(String::from(parsed.username()));
                let mut responses = key.password_verifier(&self.client, &parsed, password, now)?;
                if let Some(device) = &self.device {
                    responses = responses.with_device_key(device.device_key());
                }
                self.release_password_unless_device();
                self.state = State::AwaitServer {
                    srp: None,
                    device_srp: None,
                };
                Ok(self.respond(responses, session))
            }
            challenge_name::DEVICE_SRP_AUTH => {
                if self.device.is_none() {
                    return Err(Error::UnexpectedChallenge {
                        name: challenge_name::DEVICE_SRP_AUTH,
                    });
                }
                let key = EphemeralKey::from_rng(&mut self.rng)?;
                let responses =
                    self.responder()
                        .device_srp_auth(&key)
                        .ok_or(Error::UnexpectedChallenge {
                            name: challenge_name::DEVICE_SRP_AUTH,
                        })?;
                self.state = State::AwaitServer {
                    srp: None,
                    device_srp: Some(Box::new(key)),
                };
                Ok(self.respond(responses, session))
            }
            challenge_name::DEVICE_PASSWORD_VERIFIER => {
                let unexpected = Error::UnexpectedChallenge {
                    name: challenge_name::DEVICE_PASSWORD_VERIFIER,
                };
                let key = device_srp.ok_or(unexpected)?;
                let device = self.device.as_ref().ok_or(unexpected)?;
                let parsed = DevicePasswordVerifierChallenge::from_params(lookup)?;
                self.internal_username = Some(String::from(parsed.username()));
                let responses = key.device_password_verifier(&self.client, device, &parsed, now)?;
                self.state = State::AwaitServer {
                    srp: None,
                    device_srp: None,
                };
                Ok(self.respond(responses, session))
            }
            challenge_name::PASSWORD_SRP => {
                let key = EphemeralKey::from_rng(&mut self.rng)?;
                let responses = self.responder().password_srp(&key);
                self.state = State::AwaitServer {
                    srp: Some(Box::new(key)),
                    device_srp: None,
                };
                Ok(self.respond(responses, session))
            }
            challenge_name::PASSWORD => {
                let password = self.password.as_ref().ok_or(Error::UnexpectedChallenge {
                    name: challenge_name::PASSWORD,
                })?;
                let responses = self.responder().password(password);
                self.release_password_unless_device();
                self.state = State::AwaitServer {
                    srp: None,
                    device_srp: None,
                };
                Ok(self.respond(responses, session))
            }
            challenge_name::SELECT_CHALLENGE => {
                let srp_available = challenge.available_challenges.is_empty()
                    || challenge
                        .available_challenges
                        .iter()
                        .any(|c| c == challenge_name::PASSWORD_SRP);
                if srp_available && self.password.is_some() {
                    let key = EphemeralKey::from_rng(&mut self.rng)?;
                    let responses = self
                        .responder()
                        .select_challenge(&FirstFactor::PasswordSrp(&key));
                    self.state = State::AwaitServer {
                        srp: Some(Box::new(key)),
                        device_srp: None,
                    };
                    return Ok(self.respond(responses, session));
                }
                let question = Question::SelectChallenge {
                    available: challenge.available_challenges.clone(),
                };
                Ok(self.ask(question, &challenge))
            }
            name => {
                let question = question_for(name, &challenge)?;
                Ok(self.ask(question, &challenge))
            }
        }
    }

    fn ask(&mut self, question: Question, challenge: &Challenge) -> Step {
        self.state = State::AwaitUser {
            question: question.clone(),
            challenge_name: challenge.name.clone(),
            session: challenge.session.clone(),
        };
        Step::Ask(question)
    }

    fn on_authenticated(&mut self, metadata: Option<NewDeviceMetadata>) -> Result<Step> {
        self.password = None;
        let new_device = match metadata {
            Some(m) => {
                let (device, config) =
                    RememberedDevice::register(&m.device_key, &m.device_group_key, &mut self.rng)?;
                Some(DeviceToConfirm { device, config })
            }
            None => None,
        };
        Ok(Step::Done(SignedIn {
            username: String::from(self.username()),
            new_device,
            forget_stored_device: self.forgot_device,
        }))
    }

    /// Feed the user's answer to the pending [`Question`].
    ///
    /// # Errors
    /// - [`Error::OutOfOrder`] when no question is pending.
    /// - [`Error::AnswerMismatch`] when the answer does not fit the question (the question
    ///   stays pending: answer again).
    /// - [`Error::RandomSource`] when the RNG fails.
    pub fn answer(&mut self, answer: Answer) -> Result<Step> {
        if !matches!(self.state, State::AwaitUser { .. }) {
            return Err(Error::OutOfOrder);
        }
        let State::AwaitUser {
            question,
            challenge_name: name,
            session,
        } = core::mem::replace(&mut self.state, State::Finished)
        else {
            return Err(Error::OutOfOrder);
        };
        let mut srp = None;
        let mut session = session;
        let responses = match (&question, &answer) {
            (Question::Code { challenge, .. }, Answer::Code(code)) => {
                let r = self.responder();
                match *challenge {
                    challenge_name::SMS_MFA => r.sms_mfa(code),
                    challenge_name::SOFTWARE_TOKEN_MFA => r.software_token_mfa(code),
                    challenge_name::EMAIL_OTP => r.email_otp(code),
                    _ => r.sms_otp(code),
                }
            }
            (Question::CustomChallenge { .. }, Answer::CustomAnswer(a)) => {
                self.responder().custom_challenge(a)
            }
            (
                Question::NewPassword { .. },
                Answer::NewPassword {
                    password,
                    attributes,
                },
            ) => {
                let pairs: Vec<(&str, &str)> = attributes
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                self.responder().new_password_required(password, &pairs)
            }
            (Question::SelectMfaType { .. }, Answer::MfaType(t)) => {
                self.responder().select_mfa_type(t)
            }
            (Question::MfaSetup { .. }, Answer::MfaSetupTotp { session: s }) => {
                session = Some(s.clone());
                self.responder().mfa_setup()
            }
            (Question::MfaSetup { .. }, Answer::MfaSetupEmail { email }) => {
                self.responder().mfa_setup_email(email)
            }
            (Question::SelectChallenge { .. }, Answer::FirstFactor(choice)) => match choice {
                FirstFactorChoice::Password => match &self.password {
                    Some(p) => self.responder().select_challenge(&FirstFactor::Password(p)),
                    None => return Err(self.mismatch(question, name, session)),
                },
                FirstFactorChoice::PasswordSrp => {
                    let key = match EphemeralKey::from_rng(&mut self.rng) {
                        Ok(key) => key,
                        Err(e) => return self.release_if_failed(Err(e)),
                    };
                    let r = self
                        .responder()
                        .select_challenge(&FirstFactor::PasswordSrp(&key));
                    srp = Some(Box::new(key));
                    r
                }
                FirstFactorChoice::EmailOtp => {
                    self.responder().select_challenge(&FirstFactor::EmailOtp)
                }
                FirstFactorChoice::SmsOtp => {
                    self.responder().select_challenge(&FirstFactor::SmsOtp)
                }
                FirstFactorChoice::WebAuthn => {
                    self.responder().select_challenge(&FirstFactor::WebAuthn)
                }
            },
            (Question::WebAuthn { .. }, Answer::WebAuthnCredential(c)) => {
                self.responder().web_authn(c)
            }
            (Question::Unknown(_), Answer::Responses(pairs)) => {
                let pairs: Vec<(&str, &str)> = pairs
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                self.responder().other(&name, &pairs)
            }
            _ => return Err(self.mismatch(question, name, session)),
        };
        if matches!(question, Question::NewPassword { .. })
            || matches!(answer, Answer::FirstFactor(FirstFactorChoice::Password))
        {
            self.release_password_unless_device();
        }
        self.state = State::AwaitServer {
            srp,
            device_srp: None,
        };
        Ok(self.respond(responses, session))
    }

    /// Keep the question pending after an answer that does not fit it.
    fn mismatch(
        &mut self,
        question: Question,
        challenge_name: String,
        session: Option<String>,
    ) -> Error {
        self.state = State::AwaitUser {
            question,
            challenge_name,
            session,
        };
        Error::AnswerMismatch
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
