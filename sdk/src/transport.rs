//! Where requests go: [`Transport`], implemented for the AWS SDK's [`Client`].

use std::collections::HashMap;
use std::future::Future;

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{
    AnalyticsMetadataType, AuthFlowType, AuthenticationResultType, ChallengeNameType,
    ContextDataType, DeviceRememberedStatusType, DeviceSecretVerifierConfigType, DeviceType,
    HttpHeader, UserContextDataType,
};
use cognito_srp_auth::{
    Challenge, DeviceSecretVerifierConfig, NewDeviceMetadata, Request, RequestContext, ServerAnswer,
};
use zeroize::Zeroizing;

use crate::error::Error;

/// The most pages of `ListDevices` read (60 devices each).
const MAX_DEVICE_PAGES: usize = 100;

/// Cognito's answer to a sign-in request, in the state machine's terms.
#[derive(Debug)]
#[non_exhaustive]
pub struct Reply {
    /// The challenge, the authentication or Cognito's service error.
    pub answer: ServerAnswer,
    /// The tokens, when the answer is an authentication.
    pub tokens: Option<TokenSet>,
}

impl Reply {
    /// A reply without tokens (a challenge or a service error).
    #[must_use]
    pub fn new(answer: ServerAnswer) -> Self {
        Self {
            answer,
            tokens: None,
        }
    }

    /// A reply that signed in, with its tokens.
    #[must_use]
    pub fn authenticated(answer: ServerAnswer, tokens: TokenSet) -> Self {
        Self {
            answer,
            tokens: Some(tokens),
        }
    }
}

/// The tokens of an `AuthenticationResult`, each wiped on drop; `Debug` prints none.
#[derive(Default)]
#[non_exhaustive]
pub struct TokenSet {
    /// `AccessToken`.
    pub access_token: Option<Zeroizing<String>>,
    /// `IdToken`.
    pub id_token: Option<Zeroizing<String>>,
    /// `RefreshToken` (a refresh returns one only when the pool rotates refresh tokens).
    pub refresh_token: Option<Zeroizing<String>>,
    /// `ExpiresIn`, seconds.
    pub expires_in: i32,
    /// `TokenType` (`Bearer`).
    pub token_type: Option<String>,
}

impl TokenSet {
    /// The tokens of the SDK's `AuthenticationResult`, moved out of it (not copied).
    #[must_use]
    pub fn from_sdk(result: AuthenticationResultType) -> Self {
        Self {
            access_token: result.access_token.map(Zeroizing::new),
            id_token: result.id_token.map(Zeroizing::new),
            refresh_token: result.refresh_token.map(Zeroizing::new),
            expires_in: result.expires_in,
            token_type: result.token_type,
        }
    }
}

impl std::fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let set = crate::tokens::redacted;
        f.debug_struct("TokenSet")
            .field("access_token", &format_args!("{}", set(&self.access_token)))
            .field("id_token", &format_args!("{}", set(&self.id_token)))
            .field(
                "refresh_token",
                &format_args!("{}", set(&self.refresh_token)),
            )
            .field("expires_in", &self.expires_in)
            .field("token_type", &self.token_type)
            .finish()
    }
}

/// Where the requests of a sign-in, a refresh and the device calls go: Cognito through the
/// AWS SDK ([`Client`]), or another server (a test double, `cognito-srp-auth`'s offline
/// pool). Only [`send`](Self::send) is required; every other operation answers
/// [`Error::Unsupported`] unless implemented.
///
/// A whole sign-in against `cognito-srp-auth`'s offline pool (feature `server`), which
/// verifies the SRP claim and `SECRET_HASH` as Cognito does:
///
/// ```
/// use std::sync::Mutex;
/// use cognito_srp_auth::server::{UserPool, UserPoolConfig};
/// use cognito_srp_auth::{Request, ServerAnswer};
/// use cognito_srp_auth_sdk::{
///     Authenticator, ClientSecret, Error, NoPrompts, Password, Reply, ServiceErrorKind,
///     TokenSet, Transport, UserPoolClient,
/// };
///
/// struct Offline(Mutex<UserPool<rand::rngs::StdRng>>);
///
/// impl Transport for Offline {
///     async fn send(&self, request: &Request) -> Result<Reply, Error> {
///         let answer = self.0.lock().unwrap().handle(request, chrono::Utc::now());
///         Ok(match &answer {
///             ServerAnswer::Authenticated { access_token, .. } => {
///                 let mut tokens = TokenSet::default();
///                 tokens.access_token = access_token.clone().map(Into::into);
///                 tokens.expires_in = 3600;
///                 Reply::authenticated(answer, tokens)
///             }
///             _ => Reply::new(answer),
///         })
///     }
/// }
///
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use rand::SeedableRng as _;
/// let config = UserPoolConfig::new("us-east-1_Demo", "app", Some(ClientSecret::from("s3cret")));
/// let mut pool = UserPool::new(config, rand::rngs::StdRng::seed_from_u64(7))?;
/// pool.add_user("alice-id", &Password::from("Alice-Pass-1!"), &["alice@example.com"])?;
/// let client = UserPoolClient::new("us-east-1_Demo", "app")?
///     .with_client_secret(ClientSecret::from("s3cret"));
/// let auth = Authenticator::new(Offline(Mutex::new(pool)), client);
///
/// tokio::runtime::Runtime::new()?.block_on(async {
///     let tokens = auth
///         .sign_in("alice@example.com", Password::from("Alice-Pass-1!"))
///         .run(&mut NoPrompts)
///         .await?;
///     assert_eq!(tokens.username(), "alice-id");
///     let refused = auth
///         .sign_in("alice@example.com", Password::from("wrong"))
///         .run(&mut NoPrompts)
///         .await
///         .unwrap_err();
///     assert_eq!(refused.kind(), Some(ServiceErrorKind::NotAuthorized));
///     Ok(())
/// })
/// # }
/// ```
pub trait Transport: Send + Sync {
    /// Send `InitiateAuth` / `RespondToAuthChallenge` (or their `Admin…` variants, when the
    /// request's context names a pool). A service error is an `Ok` reply with
    /// [`ServerAnswer::Error`]; `Err` is for requests that got no answer.
    fn send(&self, request: &Request) -> impl Future<Output = Result<Reply, Error>> + Send;

    /// `AssociateSoftwareToken` with an `MFA_SETUP` session: the TOTP secret (base32) and
    /// the session for `VerifySoftwareToken`.
    fn associate_software_token(
        &self,
        session: &str,
    ) -> impl Future<Output = Result<(Zeroizing<String>, String), Error>> + Send {
        let _ = session;
        unsupported("AssociateSoftwareToken")
    }

    /// `VerifySoftwareToken` with the session and the user's first code: the session that
    /// answers `MFA_SETUP`.
    fn verify_software_token(
        &self,
        session: &str,
        code: &str,
        friendly_device_name: Option<&str>,
    ) -> impl Future<Output = Result<String, Error>> + Send {
        let _ = (session, code, friendly_device_name);
        unsupported("VerifySoftwareToken")
    }

    /// `ConfirmDevice`: whether the user must choose to remember it
    /// (`UserConfirmationNecessary`).
    fn confirm_device(
        &self,
        access_token: &str,
        device_key: &str,
        config: &DeviceSecretVerifierConfig,
        device_name: Option<&str>,
    ) -> impl Future<Output = Result<bool, Error>> + Send {
        let _ = (access_token, device_key, config, device_name);
        unsupported("ConfirmDevice")
    }

    /// `UpdateDeviceStatus`: remembered or not.
    fn update_device_status(
        &self,
        access_token: &str,
        device_key: &str,
        remembered: bool,
    ) -> impl Future<Output = Result<(), Error>> + Send {
        let _ = (access_token, device_key, remembered);
        unsupported("UpdateDeviceStatus")
    }

    /// `ForgetDevice`.
    fn forget_device(
        &self,
        access_token: &str,
        device_key: &str,
    ) -> impl Future<Output = Result<(), Error>> + Send {
        let _ = (access_token, device_key);
        unsupported("ForgetDevice")
    }

    /// `ListDevices`, every page.
    fn list_devices(
        &self,
        access_token: &str,
    ) -> impl Future<Output = Result<Vec<DeviceType>, Error>> + Send {
        let _ = access_token;
        unsupported("ListDevices")
    }

    /// `GetTokensFromRefreshToken` with the raw client secret (not a `SECRET_HASH`).
    fn get_tokens_from_refresh_token(
        &self,
        client_id: &str,
        client_secret: Option<&str>,
        refresh_token: &str,
        device_key: Option<&str>,
    ) -> impl Future<Output = Result<TokenSet, Error>> + Send {
        let _ = (client_id, client_secret, refresh_token, device_key);
        unsupported("GetTokensFromRefreshToken")
    }
}

fn unsupported<T: Send>(operation: &'static str) -> impl Future<Output = Result<T, Error>> + Send {
    std::future::ready(Err(Error::Unsupported { operation }))
}

fn to_map<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> HashMap<String, String> {
    pairs.map(|(k, v)| (k.to_owned(), v.to_owned())).collect()
}

/// The request fields every sign-in operation shares, as the SDK's types.
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

/// The fields of the four sign-in outputs, moved out of them.
struct Output {
    challenge_name: Option<ChallengeNameType>,
    parameters: Option<HashMap<String, String>>,
    session: Option<String>,
    available: Option<Vec<ChallengeNameType>>,
    result: Option<AuthenticationResultType>,
}

macro_rules! output {
    ($o:expr, with_available_challenges) => {{
        let o = $o;
        Output {
            challenge_name: o.challenge_name,
            parameters: o.challenge_parameters,
            session: o.session,
            available: o.available_challenges,
            result: o.authentication_result,
        }
    }};
    ($o:expr) => {{
        let o = $o;
        Output {
            challenge_name: o.challenge_name,
            parameters: o.challenge_parameters,
            session: o.session,
            available: None,
            result: o.authentication_result,
        }
    }};
}

fn reply(out: Output) -> Reply {
    if let Some(result) = out.result {
        let metadata = result.new_device_metadata.as_ref().and_then(|m| {
            Some(NewDeviceMetadata {
                device_key: m.device_key()?.to_owned(),
                device_group_key: m.device_group_key()?.to_owned(),
            })
        });
        let answer = ServerAnswer::authenticated(metadata, result.access_token());
        return Reply::authenticated(answer, TokenSet::from_sdk(result));
    }
    let name = out
        .challenge_name
        .as_ref()
        .map(ChallengeNameType::as_str)
        .unwrap_or_default();
    let available = out.available.unwrap_or_default();
    let challenge = Challenge::new(
        name,
        out.parameters.unwrap_or_default(),
        out.session.as_deref(),
    )
    .with_available_challenges(available.iter().map(|c| c.as_str().to_owned()));
    Reply::new(ServerAnswer::Challenge(challenge))
}

/// The request fields the four sign-in operations share: the plain operations take
/// `UserContextData`, the `Admin…` ones `ContextData`.
macro_rules! with_extras {
    ($builder:expr, $x:ident, plain) => {
        $builder
            .set_client_metadata($x.client_metadata)
            .set_analytics_metadata($x.analytics)
            .set_user_context_data($x.user_context)
    };
    ($builder:expr, $x:ident, admin) => {
        $builder
            .set_client_metadata($x.client_metadata)
            .set_analytics_metadata($x.analytics)
            .set_context_data($x.context)
    };
}

/// A service error as the state machine's answer; any other SDK error as [`Error`].
fn refusal<E, R>(
    err: aws_sdk_cognitoidentityprovider::error::SdkError<E, R>,
) -> Result<Reply, Error>
where
    E: aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata
        + std::error::Error
        + Send
        + Sync
        + 'static,
    R: std::fmt::Debug + Send + Sync + 'static,
{
    match Error::from_sdk(err) {
        Error::Refused(e) => Ok(Reply::new(ServerAnswer::Error {
            code: e.code,
            message: e.message,
        })),
        other => Err(other),
    }
}

impl Transport for Client {
    async fn send(&self, request: &Request) -> Result<Reply, Error> {
        let x = extras(request.context());
        let client_id = &request.context().client_id;
        match (request, request.context().user_pool_id.as_deref()) {
            (Request::InitiateAuth(r), pool) => {
                let flow = AuthFlowType::from(r.auth_parameters.auth_flow());
                let parameters = Some(to_map(r.auth_parameters.iter()));
                match pool {
                    None => with_extras!(self.initiate_auth(), x, plain)
                        .auth_flow(flow)
                        .client_id(client_id)
                        .set_auth_parameters(parameters)
                        .send()
                        .await
                        .map_or_else(refusal, |o| {
                            Ok(reply(output!(o, with_available_challenges)))
                        }),
                    Some(pool) => with_extras!(self.admin_initiate_auth(), x, admin)
                        .user_pool_id(pool)
                        .auth_flow(flow)
                        .client_id(client_id)
                        .set_auth_parameters(parameters)
                        .send()
                        .await
                        .map_or_else(refusal, |o| {
                            Ok(reply(output!(o, with_available_challenges)))
                        }),
                }
            }
            (Request::RespondToAuthChallenge(r), pool) => {
                let name = ChallengeNameType::from(r.challenge_responses.challenge_name());
                let responses = Some(to_map(r.challenge_responses.iter()));
                let session = r.session.clone();
                match pool {
                    None => with_extras!(self.respond_to_auth_challenge(), x, plain)
                        .client_id(client_id)
                        .challenge_name(name)
                        .set_challenge_responses(responses)
                        .set_session(session)
                        .send()
                        .await
                        .map_or_else(refusal, |o| Ok(reply(output!(o)))),
                    Some(pool) => with_extras!(self.admin_respond_to_auth_challenge(), x, admin)
                        .user_pool_id(pool)
                        .client_id(client_id)
                        .challenge_name(name)
                        .set_challenge_responses(responses)
                        .set_session(session)
                        .send()
                        .await
                        .map_or_else(refusal, |o| Ok(reply(output!(o)))),
                }
            }
        }
    }

    async fn associate_software_token(
        &self,
        session: &str,
    ) -> Result<(Zeroizing<String>, String), Error> {
        let out = self
            .associate_software_token()
            .session(session)
            .send()
            .await
            .map_err(Error::from_sdk)?;
        let secret = out
            .secret_code
            .map(Zeroizing::new)
            .ok_or(Error::MissingField { name: "SecretCode" })?;
        let session = out.session.ok_or(Error::MissingField { name: "Session" })?;
        Ok((secret, session))
    }

    async fn verify_software_token(
        &self,
        session: &str,
        code: &str,
        friendly_device_name: Option<&str>,
    ) -> Result<String, Error> {
        let out = self
            .verify_software_token()
            .session(session)
            .user_code(code)
            .set_friendly_device_name(friendly_device_name.map(str::to_owned))
            .send()
            .await
            .map_err(Error::from_sdk)?;
        out.session.ok_or(Error::MissingField { name: "Session" })
    }

    async fn confirm_device(
        &self,
        access_token: &str,
        device_key: &str,
        config: &DeviceSecretVerifierConfig,
        device_name: Option<&str>,
    ) -> Result<bool, Error> {
        let config = DeviceSecretVerifierConfigType::builder()
            .salt(config.salt())
            .password_verifier(config.password_verifier())
            .build();
        let out = self
            .confirm_device()
            .access_token(access_token)
            .device_key(device_key)
            .device_secret_verifier_config(config)
            .set_device_name(device_name.map(str::to_owned))
            .send()
            .await
            .map_err(Error::from_sdk)?;
        Ok(out.user_confirmation_necessary())
    }

    async fn update_device_status(
        &self,
        access_token: &str,
        device_key: &str,
        remembered: bool,
    ) -> Result<(), Error> {
        let status = if remembered {
            DeviceRememberedStatusType::Remembered
        } else {
            DeviceRememberedStatusType::NotRemembered
        };
        self.update_device_status()
            .access_token(access_token)
            .device_key(device_key)
            .device_remembered_status(status)
            .send()
            .await
            .map_err(Error::from_sdk)?;
        Ok(())
    }

    async fn forget_device(&self, access_token: &str, device_key: &str) -> Result<(), Error> {
        self.forget_device()
            .access_token(access_token)
            .device_key(device_key)
            .send()
            .await
            .map_err(Error::from_sdk)?;
        Ok(())
    }

    async fn list_devices(&self, access_token: &str) -> Result<Vec<DeviceType>, Error> {
        let mut devices = Vec::new();
        let mut token = None;
        for _ in 0..MAX_DEVICE_PAGES {
            let out = self
                .list_devices()
                .access_token(access_token)
                .limit(60)
                .set_pagination_token(token)
                .send()
                .await
                .map_err(Error::from_sdk)?;
            devices.extend(out.devices.unwrap_or_default());
            token = out.pagination_token;
            if token.is_none() {
                break;
            }
        }
        Ok(devices)
    }

    async fn get_tokens_from_refresh_token(
        &self,
        client_id: &str,
        client_secret: Option<&str>,
        refresh_token: &str,
        device_key: Option<&str>,
    ) -> Result<TokenSet, Error> {
        let out = self
            .get_tokens_from_refresh_token()
            .client_id(client_id)
            .set_client_secret(client_secret.map(str::to_owned))
            .refresh_token(refresh_token)
            .set_device_key(device_key.map(str::to_owned))
            .send()
            .await
            .map_err(Error::from_sdk)?;
        out.authentication_result
            .map(TokenSet::from_sdk)
            .ok_or(Error::MissingField {
                name: "AuthenticationResult",
            })
    }
}
