//! The messages of a sign-in: the requests the machine hands out, with the fields every
//! request carries, and the server's answers.

use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crate::error::ServiceErrorKind;
use crate::wire::{AuthParameters, ChallengeResponses, param};

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
    /// The context of a request through the app client `client_id` (no `UserPoolId`: not an
    /// `Admin…` operation; add it with [`admin`](Self::admin)).
    #[must_use]
    pub fn new(client_id: &str) -> Self {
        Self {
            client_id: String::from(client_id),
            ..Self::default()
        }
    }

    /// The same context for the `Admin…` operations of the pool `user_pool_id`.
    #[must_use]
    pub fn admin(mut self, user_pool_id: &str) -> Self {
        self.user_pool_id = Some(String::from(user_pool_id));
        self
    }

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
    /// An `InitiateAuth` (or, with a `UserPoolId` in `context`, `AdminInitiateAuth`) request:
    /// for a flow [`SignIn`](crate::SignIn) does not run itself, such as the
    /// `REFRESH_TOKEN_AUTH` parameters of [`SignedIn::refresh_token_auth`](crate::SignedIn::refresh_token_auth).
    #[must_use]
    pub fn initiate_auth(context: RequestContext, auth_parameters: AuthParameters) -> Self {
        Self::InitiateAuth(InitiateAuthRequest {
            context,
            auth_parameters,
        })
    }

    /// A `RespondToAuthChallenge` (or `AdminRespondToAuthChallenge`) request, for responses
    /// built with [`Responder`](crate::Responder).
    #[must_use]
    pub fn respond_to_auth_challenge(
        context: RequestContext,
        challenge_responses: ChallengeResponses,
        session: Option<String>,
    ) -> Self {
        Self::RespondToAuthChallenge(RespondToAuthChallengeRequest {
            context,
            challenge_responses,
            session,
        })
    }

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
}

/// `NewDeviceMetadata` of an `AuthenticationResult`.
#[derive(Clone, Debug, Eq, PartialEq)]
pub struct NewDeviceMetadata {
    /// `DeviceKey`.
    pub device_key: String,
    /// `DeviceGroupKey`.
    pub device_group_key: String,
}

/// What Cognito answered to the last request. `Debug` redacts the access token.
#[derive(Clone, Eq, PartialEq)]
#[non_exhaustive]
pub enum ServerAnswer {
    /// A challenge.
    Challenge(Challenge),
    /// An `AuthenticationResult`: the tokens stay with the caller. The machine reads
    /// `NewDeviceMetadata`, and the internal user name from the access token's `username`
    /// claim when the flow revealed it in no challenge (a plain password or a custom
    /// challenge answered at once): build it with [`ServerAnswer::authenticated`].
    Authenticated {
        /// `AuthenticationResult.NewDeviceMetadata`.
        new_device_metadata: Option<NewDeviceMetadata>,
        /// `AuthenticationResult.AccessToken` (a bearer value; only its `username` claim is
        /// read, the token is not verified, and [`SignIn::handle`](crate::SignIn::handle)
        /// wipes it once read).
        access_token: Option<String>,
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

impl ServerAnswer {
    /// An `AuthenticationResult` from its `NewDeviceMetadata` and `AccessToken`.
    #[must_use]
    pub fn authenticated(
        new_device_metadata: Option<NewDeviceMetadata>,
        access_token: Option<&str>,
    ) -> Self {
        Self::Authenticated {
            new_device_metadata,
            access_token: access_token.map(String::from),
        }
    }
}

impl fmt::Debug for ServerAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Challenge(challenge) => f.debug_tuple("Challenge").field(challenge).finish(),
            Self::Authenticated {
                new_device_metadata,
                access_token,
            } => f
                .debug_struct("Authenticated")
                .field("new_device_metadata", new_device_metadata)
                .field("access_token", &redacted(access_token.as_ref()))
                .finish(),
            Self::Error { code, message } => f
                .debug_struct("Error")
                .field("code", code)
                .field("message", message)
                .finish(),
        }
    }
}

/// The `username` claim (the internal user name) of a Cognito access token, or
/// `cognito:username` of an id token: the payload is read, the signature is not checked (the
/// token came from Cognito over TLS; this only names the user). `None` for anything else.
pub(super) fn token_username(token: &str) -> Option<String> {
    const MAX_TOKEN: usize = 16 * 1024;
    if token.len() > MAX_TOKEN {
        return None;
    }
    let payload = token.split('.').nth(1)?;
    let json = <base64ct::Base64UrlUnpadded as base64ct::Encoding>::decode_vec(
        payload.trim_end_matches('='),
    )
    .ok()?;
    let claims: BTreeMap<String, serde_json::Value> = serde_json::from_slice(&json).ok()?;
    ["username", "cognito:username"]
        .iter()
        .find_map(|k| claims.get(*k)?.as_str().filter(|u| !u.is_empty()))
        .map(String::from)
}

/// A service error Cognito refused a request with: its kind, and its code and message as
/// they came. `Debug` prints all three: `code` is the error's name (e.g.
/// `CodeMismatchException`), not a verification code, and Cognito's messages name no secret.
#[derive(Clone, Debug, Eq, PartialEq)]
#[non_exhaustive]
pub struct ServiceError {
    /// The typed kind of `code`.
    pub kind: ServiceErrorKind,
    /// The error's name as it came, e.g. `NotAuthorizedException` (public).
    pub code: String,
    /// Cognito's message, e.g. `Incorrect username or password.`.
    pub message: String,
}

impl ServiceError {
    /// A service error from its code and message.
    #[must_use]
    pub fn new(code: &str, message: &str) -> Self {
        Self {
            kind: ServiceErrorKind::from_code(code),
            code: String::from(code),
            message: String::from(message),
        }
    }
}

/// `NotAuthorizedException: Incorrect username or password.` (the code without a namespace).
impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let code = self
            .code
            .rsplit_once('#')
            .map_or(self.code.as_str(), |(_, name)| name);
        write!(f, "{code}: {}", self.message)
    }
}

/// Prints `<redacted>` in place of a bearer or secret value.
pub(super) struct Redacted;

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// `Some(<redacted>)` or `None`.
pub(super) fn redacted<T>(value: Option<&T>) -> Option<Redacted> {
    value.map(|_| Redacted)
}

/// A map printed with its keys and `<redacted>` values, except the keys in `public`.
pub(super) struct KeysOnly<'a, I> {
    pub(super) entries: I,
    pub(super) public: &'a [&'a str],
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
