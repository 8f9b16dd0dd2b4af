//! Drive `cognito-srp-auth`'s sans-IO [`SignIn`] over the AWS SDK for Rust.
//!
//! [`sign_in`] sends each request the state machine yields (`InitiateAuth` /
//! `RespondToAuthChallenge`, or their `Admin…` variants), feeds Cognito's answer (a
//! challenge, the tokens, or a service error) back, and asks the caller's closure whatever
//! only the user can answer. [`confirm_device`] sends `ConfirmDevice` for a new device.

use std::collections::HashMap;
use std::fmt;

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use aws_sdk_cognitoidentityprovider::types::{
    AnalyticsMetadataType, AttributeType, AuthFlowType, AuthenticationResultType,
    ChallengeNameType, ContextDataType, DeviceSecretVerifierConfigType, HttpHeader,
    UserContextDataType,
};
use cognito_srp_auth::rand_core::TryCryptoRng;
use cognito_srp_auth::{
    Answer, Challenge, DeviceToConfirm, NewDeviceMetadata, Question, Request, RequestContext,
    ServerAnswer, SignIn, SignedIn, Step, Timestamp,
};

/// Why a driven sign-in stopped.
#[derive(Debug)]
pub enum DriverError {
    /// The state machine refused an answer (including Cognito refusing the sign-in: then
    /// `service` holds Cognito's error code and message).
    SignIn {
        /// The crate's error.
        error: cognito_srp_auth::Error,
        /// The last service error Cognito returned, as `(code, message)`.
        service: Option<(String, String)>,
    },
    /// The SDK could not get an answer (network, credentials, …).
    Sdk(String),
}

impl fmt::Display for DriverError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::SignIn {
                error,
                service: Some((code, message)),
            } => {
                write!(f, "{error}: {code}: {message}")
            }
            Self::SignIn {
                error,
                service: None,
            } => write!(f, "{error}"),
            Self::Sdk(e) => write!(f, "SDK error: {e}"),
        }
    }
}

impl std::error::Error for DriverError {}

impl DriverError {
    /// The typed kind of Cognito's refusal, when Cognito refused the sign-in.
    #[must_use]
    pub fn kind(&self) -> Option<cognito_srp_auth::ServiceErrorKind> {
        match self {
            Self::SignIn {
                error: cognito_srp_auth::Error::Refused { kind },
                ..
            } => Some(*kind),
            _ => None,
        }
    }

    /// Cognito's error code, when Cognito refused the sign-in.
    #[must_use]
    pub fn service_code(&self) -> Option<&str> {
        match self {
            Self::SignIn {
                service: Some((code, _)),
                ..
            } => Some(code),
            _ => None,
        }
    }
}

/// The end of a driven sign-in: the state machine's result and the server's tokens.
#[derive(Debug)]
pub struct SignInOutcome<T> {
    /// The internal user name, the device to confirm (if any), the stale-device flag.
    pub signed_in: SignedIn,
    /// `AuthenticationResult` (access, id and refresh tokens) for the SDK transport.
    pub tokens: T,
}

/// Where requests go: Cognito through the AWS SDK ([`Client`]), or an offline server.
pub trait Transport {
    /// What a successful sign-in returns besides the state machine's result.
    type Tokens;

    /// Send one request; return the answer, and the tokens when it signed in.
    fn send(
        &mut self,
        request: &Request,
    ) -> impl Future<Output = Result<(ServerAnswer, Option<Self::Tokens>), DriverError>>;
}

impl Transport for &Client {
    type Tokens = AuthenticationResultType;

    async fn send(
        &mut self,
        request: &Request,
    ) -> Result<(ServerAnswer, Option<AuthenticationResultType>), DriverError> {
        send(self, request).await
    }
}

fn to_map<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> HashMap<String, String> {
    pairs.map(|(k, v)| (k.to_owned(), v.to_owned())).collect()
}

/// The shared request fields as the SDK's types.
struct Extras {
    client_metadata: Option<HashMap<String, String>>,
    analytics: Option<AnalyticsMetadataType>,
    user_context: Option<UserContextDataType>,
    context: Option<ContextDataType>,
}

fn extras(c: &RequestContext) -> Extras {
    let client_metadata = (!c.client_metadata.is_empty()).then(|| {
        c.client_metadata
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    });
    let analytics = c.analytics_metadata.as_ref().map(|a| {
        AnalyticsMetadataType::builder()
            .analytics_endpoint_id(&a.analytics_endpoint_id)
            .build()
    });
    let user_context = c.user_context_data.as_ref().map(|u| {
        UserContextDataType::builder()
            .set_ip_address(u.ip_address.clone())
            .set_encoded_data(u.encoded_data.clone())
            .build()
    });
    let context = c.context_data.as_ref().and_then(|d| {
        let headers = d
            .http_headers
            .iter()
            .map(|(name, value)| {
                HttpHeader::builder()
                    .header_name(name)
                    .header_value(value)
                    .build()
            })
            .collect();
        ContextDataType::builder()
            .ip_address(&d.ip_address)
            .server_name(&d.server_name)
            .server_path(&d.server_path)
            .set_http_headers(Some(headers))
            .set_encoded_data(d.encoded_data.clone())
            .build()
            .ok()
    });
    Extras {
        client_metadata,
        analytics,
        user_context,
        context,
    }
}

/// What Cognito answered, in the state machine's terms, plus the tokens when it signed in.
fn answer_from(
    challenge_name: Option<&ChallengeNameType>,
    parameters: Option<&HashMap<String, String>>,
    session: Option<&str>,
    available: &[ChallengeNameType],
    result: Option<&AuthenticationResultType>,
) -> (ServerAnswer, Option<AuthenticationResultType>) {
    if let Some(result) = result {
        let metadata = result.new_device_metadata().and_then(|m| {
            Some(NewDeviceMetadata {
                device_key: m.device_key()?.to_owned(),
                device_group_key: m.device_group_key()?.to_owned(),
            })
        });
        return (
            ServerAnswer::authenticated(metadata, result.access_token()),
            Some(result.clone()),
        );
    }
    let name = challenge_name
        .map(ChallengeNameType::as_str)
        .unwrap_or_default();
    let parameters = parameters.cloned().unwrap_or_default();
    let challenge = Challenge::new(name, parameters, session)
        .with_available_challenges(available.iter().map(|c| c.as_str().to_owned()));
    (ServerAnswer::Challenge(challenge), None)
}

fn service_error<E: ProvideErrorMetadata + fmt::Debug>(
    err: aws_sdk_cognitoidentityprovider::error::SdkError<E>,
) -> Result<ServerAnswer, DriverError> {
    match err.as_service_error() {
        Some(service) => Ok(ServerAnswer::Error {
            code: service.code().unwrap_or_default().to_owned(),
            message: service.message().unwrap_or_default().to_owned(),
        }),
        None => Err(DriverError::Sdk(format!("{err:?}"))),
    }
}

/// An SDK output (or error) as the state machine's answer; only the `InitiateAuth` outputs
/// have `AvailableChallenges`.
macro_rules! answer {
    ($out:expr, with_available_challenges) => {
        match $out {
            Ok(o) => Ok(answer_from(
                o.challenge_name(),
                o.challenge_parameters(),
                o.session(),
                o.available_challenges(),
                o.authentication_result(),
            )),
            Err(e) => service_error(e).map(|a| (a, None)),
        }
    };
    ($out:expr) => {
        match $out {
            Ok(o) => Ok(answer_from(
                o.challenge_name(),
                o.challenge_parameters(),
                o.session(),
                &[],
                o.authentication_result(),
            )),
            Err(e) => service_error(e).map(|a| (a, None)),
        }
    };
}

/// Send one request; return Cognito's answer (and the tokens, when it signed in).
///
/// # Errors
/// [`DriverError::Sdk`] when no answer came back.
pub async fn send(
    client: &Client,
    request: &Request,
) -> Result<(ServerAnswer, Option<AuthenticationResultType>), DriverError> {
    let x = extras(request.context());
    let client_id = &request.context().client_id;
    match request {
        Request::InitiateAuth(r) => {
            let flow = AuthFlowType::from(r.auth_parameters.auth_flow());
            let parameters = Some(to_map(r.auth_parameters.iter()));
            match &r.context.user_pool_id {
                None => {
                    let out = client
                        .initiate_auth()
                        .auth_flow(flow)
                        .client_id(client_id)
                        .set_auth_parameters(parameters)
                        .set_client_metadata(x.client_metadata)
                        .set_analytics_metadata(x.analytics)
                        .set_user_context_data(x.user_context)
                        .send()
                        .await;
                    answer!(out, with_available_challenges)
                }
                Some(pool) => {
                    let out = client
                        .admin_initiate_auth()
                        .user_pool_id(pool)
                        .auth_flow(flow)
                        .client_id(client_id)
                        .set_auth_parameters(parameters)
                        .set_client_metadata(x.client_metadata)
                        .set_analytics_metadata(x.analytics)
                        .set_context_data(x.context)
                        .send()
                        .await;
                    answer!(out, with_available_challenges)
                }
            }
        }
        Request::RespondToAuthChallenge(r) => {
            let name = ChallengeNameType::from(r.challenge_responses.challenge_name());
            let responses = Some(to_map(r.challenge_responses.iter()));
            match &r.context.user_pool_id {
                None => {
                    let out = client
                        .respond_to_auth_challenge()
                        .client_id(client_id)
                        .challenge_name(name)
                        .set_challenge_responses(responses)
                        .set_session(r.session.clone())
                        .set_client_metadata(x.client_metadata)
                        .set_analytics_metadata(x.analytics)
                        .set_user_context_data(x.user_context)
                        .send()
                        .await;
                    answer!(out)
                }
                Some(pool) => {
                    let out = client
                        .admin_respond_to_auth_challenge()
                        .user_pool_id(pool)
                        .client_id(client_id)
                        .challenge_name(name)
                        .set_challenge_responses(responses)
                        .set_session(r.session.clone())
                        .set_client_metadata(x.client_metadata)
                        .set_analytics_metadata(x.analytics)
                        .set_context_data(x.context)
                        .send()
                        .await;
                    answer!(out)
                }
            }
        }
    }
}

/// Run a whole sign-in over the SDK. `ask` answers the questions only the user can
/// (MFA codes, a new password, …).
///
/// # Errors
/// [`DriverError::SignIn`] when the state machine or Cognito refuses, [`DriverError::Sdk`]
/// when no answer came back.
pub async fn sign_in<T: Transport, R: TryCryptoRng>(
    transport: &mut T,
    mut sign_in: SignIn<R>,
    mut ask: impl FnMut(&Question) -> Answer,
) -> Result<SignInOutcome<T::Tokens>, DriverError> {
    let mut tokens = None;
    let mut last_service_error = None;
    let fail = |error, service: &Option<(String, String)>| DriverError::SignIn {
        error,
        service: service.clone(),
    };
    let mut step = sign_in.start().map_err(|e| fail(e, &None))?;
    loop {
        step = match step {
            Step::Send(request) => {
                let (answer, result) = transport.send(&request).await?;
                if let ServerAnswer::Error { code, message } = &answer {
                    last_service_error = Some((code.clone(), message.clone()));
                }
                tokens = result.or(tokens);
                sign_in
                    .handle(answer, &Timestamp::now())
                    .map_err(|e| fail(e, &last_service_error))?
            }
            Step::Ask(question) => sign_in
                .answer(ask(&question))
                .map_err(|e| fail(e, &last_service_error))?,
            Step::Done(signed_in) => {
                let tokens =
                    tokens.ok_or_else(|| DriverError::Sdk("no AuthenticationResult".into()))?;
                return Ok(SignInOutcome { signed_in, tokens });
            }
        };
    }
}

/// `ConfirmDevice` for the device a sign-in registered; returns `UserConfirmationNecessary`.
///
/// # Errors
/// [`DriverError::Sdk`] with the SDK's error.
pub async fn confirm_device(
    client: &Client,
    access_token: &str,
    device: &DeviceToConfirm,
    device_name: &str,
) -> Result<bool, DriverError> {
    let config = DeviceSecretVerifierConfigType::builder()
        .salt(device.config.salt())
        .password_verifier(device.config.password_verifier())
        .build();
    let out = client
        .confirm_device()
        .access_token(access_token)
        .device_key(device.device.device_key())
        .device_secret_verifier_config(config)
        .device_name(device_name)
        .send()
        .await
        .map_err(|e| DriverError::Sdk(format!("{e:?}")))?;
    Ok(out.user_confirmation_necessary())
}

/// A user attribute, for the admin calls of tests.
#[must_use]
pub fn attribute(name: &str, value: &str) -> AttributeType {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .expect("name is set")
}
