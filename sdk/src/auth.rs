//! [`Authenticator`]: sign-in, MFA setup, refresh and remembered devices over a
//! [`Transport`].

use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::time::SystemTime;

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::DeviceType;
use cognito_srp_auth::{
    Answer, AuthParameters, ClientSecret, DeviceSecretVerifierConfig, DeviceToConfirm, Flow,
    Password, Question, Request, RequestContext, ServerAnswer, ServiceError, ServiceErrorKind,
    SignIn, SignedIn, Step, Timestamp, UserPoolClient,
};
use zeroize::Zeroizing;

use crate::error::{BoxError, Error};
use crate::store::DeviceStore;
use crate::tokens::Tokens;
use crate::totp::TotpSetup;
use crate::transport::{TokenSet, Transport};

/// Signs users in to one app client of a user pool, refreshes their tokens and manages
/// their remembered devices, over a [`Transport`] (the AWS SDK's [`Client`] by default).
///
/// Cheap to share: every call takes `&self`.
pub struct Authenticator<T = Client> {
    transport: T,
    client: UserPoolClient,
    admin: bool,
    totp_issuer: Option<String>,
}

impl<T> fmt::Debug for Authenticator<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authenticator")
            .field("client", &self.client)
            .field("admin", &self.admin)
            .field("totp_issuer", &self.totp_issuer)
            .finish_non_exhaustive()
    }
}

impl<T: Transport> Authenticator<T> {
    /// Sign in through `transport` to the app client `client` (pool id, client id and, when
    /// the app client has one, its secret).
    #[must_use]
    pub fn new(transport: T, client: UserPoolClient) -> Self {
        Self {
            transport,
            client,
            admin: false,
            totp_issuer: None,
        }
    }

    /// Use the `Admin…` operations (`AdminInitiateAuth`, `AdminRespondToAuthChallenge`),
    /// signed with the SDK's AWS credentials, for sign-ins and `REFRESH_TOKEN_AUTH`.
    #[must_use]
    pub fn admin(mut self) -> Self {
        self.admin = true;
        self
    }

    /// The issuer authenticator apps show for a TOTP set up during a sign-in (default: the
    /// user pool id).
    #[must_use]
    pub fn with_totp_issuer(mut self, issuer: &str) -> Self {
        self.totp_issuer = Some(issuer.to_owned());
        self
    }

    /// The transport.
    #[must_use]
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// The app client.
    #[must_use]
    pub fn client(&self) -> &UserPoolClient {
        &self.client
    }

    /// A sign-in of `username` (the user name or an alias: email, phone number, preferred
    /// user name) with `password` (`None` for a passwordless flow, or to be asked for it).
    /// Configure it, then [`run`](SignInBuilder::run) it.
    #[must_use]
    pub fn sign_in(
        &self,
        username: &str,
        password: impl Into<Option<Password>>,
    ) -> SignInBuilder<'_, T> {
        SignInBuilder {
            auth: self,
            username: username.to_owned(),
            password: password.into(),
            flow: Flow::UserSrp,
            store: None,
            device_name: None,
            remember: true,
            client_metadata: BTreeMap::new(),
        }
    }

    /// A copy of the app client for one sign-in (the state machine owns its client).
    fn app_client(&self) -> Result<UserPoolClient, Error> {
        let client = UserPoolClient::new(self.client.pool_id(), self.client.client_id())
            .map_err(Error::SignIn)?;
        Ok(match self.client.client_secret() {
            Some(secret) => client.with_client_secret(ClientSecret::from(secret.expose_secret())),
            None => client,
        })
    }

    fn context(&self) -> RequestContext {
        let context = RequestContext::new(self.client.client_id());
        if self.admin {
            context.admin(self.client.pool_id())
        } else {
            context
        }
    }

    /// Refresh `tokens` through `REFRESH_TOKEN_AUTH` (`InitiateAuth`, or `AdminInitiateAuth`
    /// with [`admin`](Self::admin)): `SECRET_HASH` over the internal user name, the
    /// device key the tokens belong to. The refresh token is kept (this operation never
    /// rotates it).
    ///
    /// # Errors
    /// [`Error::MissingField`] when `tokens` has no refresh token; [`Error::Refused`] when
    /// Cognito refuses (an expired or revoked token is `NotAuthorized`); transport errors.
    pub async fn refresh(&self, tokens: &Tokens) -> Result<Tokens, Error> {
        let refresh_token = refresh_token_of(tokens)?;
        self.refresh_token_auth(tokens.username(), refresh_token, tokens.device_key())
            .await
    }

    /// `REFRESH_TOKEN_AUTH` from its parts: the internal user name (the `cognito:username`
    /// claim, not an alias), the refresh token and the remembered device's key.
    ///
    /// # Errors
    /// As [`refresh`](Self::refresh).
    pub async fn refresh_token_auth(
        &self,
        username: &str,
        refresh_token: &str,
        device_key: Option<&str>,
    ) -> Result<Tokens, Error> {
        let parameters =
            AuthParameters::refresh_token_auth(&self.client, username, refresh_token, device_key);
        let request = Request::initiate_auth(self.context(), parameters);
        let reply = self.transport.send(&request).await?;
        match (reply.answer, reply.tokens) {
            (ServerAnswer::Error { code, message }, _) => {
                Err(Error::Refused(ServiceError::new(&code, &message)))
            }
            (ServerAnswer::Authenticated { access_token, .. }, Some(set)) => {
                // The reply's copy of the access token (the token set holds its own).
                drop(access_token.map(Zeroizing::new));
                Tokens::new(
                    set,
                    SystemTime::now(),
                    username.to_owned(),
                    device_key.map(str::to_owned),
                    Some(refresh_token),
                )
            }
            (other, _) => {
                wipe_answer(other);
                Err(Error::MissingField {
                    name: "AuthenticationResult",
                })
            }
        }
    }

    /// Refresh `tokens` through `GetTokensFromRefreshToken`, which returns a new refresh
    /// token when the app client rotates them: the raw client secret (this operation takes
    /// no `SECRET_HASH`) and the device key the tokens belong to.
    ///
    /// # Errors
    /// As [`refresh`](Self::refresh).
    pub async fn refresh_rotating(&self, tokens: &Tokens) -> Result<Tokens, Error> {
        let refresh_token = refresh_token_of(tokens)?;
        self.get_tokens_from_refresh_token(tokens.username(), refresh_token, tokens.device_key())
            .await
    }

    /// `GetTokensFromRefreshToken` from its parts (`username` is only carried into the
    /// returned [`Tokens`]).
    ///
    /// # Errors
    /// As [`refresh`](Self::refresh).
    pub async fn get_tokens_from_refresh_token(
        &self,
        username: &str,
        refresh_token: &str,
        device_key: Option<&str>,
    ) -> Result<Tokens, Error> {
        let secret = self.client.client_secret().map(ClientSecret::expose_secret);
        let set = self
            .transport
            .get_tokens_from_refresh_token(
                self.client.client_id(),
                secret,
                refresh_token,
                device_key,
            )
            .await?;
        Tokens::new(
            set,
            SystemTime::now(),
            username.to_owned(),
            device_key.map(str::to_owned),
            Some(refresh_token),
        )
    }

    /// `ConfirmDevice` for a device a sign-in registered (its key and
    /// `DeviceSecretVerifierConfig`, from [`DeviceToConfirm`]), named `device_name`; then,
    /// when the pool lets the user choose (`UserConfirmationNecessary`) and `remember` is
    /// true, `UpdateDeviceStatus` to remembered. Returns whether the user had the choice.
    ///
    /// # Errors
    /// [`Error::Refused`] or a transport error of either call.
    pub async fn confirm_device(
        &self,
        access_token: &str,
        device_key: &str,
        config: &DeviceSecretVerifierConfig,
        device_name: Option<&str>,
        remember: bool,
    ) -> Result<bool, Error> {
        let necessary = self
            .transport
            .confirm_device(access_token, device_key, config, device_name)
            .await?;
        if necessary && remember {
            self.transport
                .update_device_status(access_token, device_key, true)
                .await?;
        }
        Ok(necessary)
    }

    /// `UpdateDeviceStatus`: mark a device remembered or not (where the pool lets the user
    /// choose).
    ///
    /// # Errors
    /// [`Error::Refused`] or a transport error.
    pub async fn set_device_remembered(
        &self,
        access_token: &str,
        device_key: &str,
        remembered: bool,
    ) -> Result<(), Error> {
        self.transport
            .update_device_status(access_token, device_key, remembered)
            .await
    }

    /// `ListDevices`: the user's devices, every page.
    ///
    /// # Errors
    /// [`Error::Refused`] or a transport error.
    pub async fn list_devices(&self, access_token: &str) -> Result<Vec<DeviceType>, Error> {
        self.transport.list_devices(access_token).await
    }

    /// `ForgetDevice` for `device_key`.
    ///
    /// # Errors
    /// [`Error::Refused`] or a transport error.
    pub async fn forget_device(&self, access_token: &str, device_key: &str) -> Result<(), Error> {
        self.transport.forget_device(access_token, device_key).await
    }

    /// Forget the device in `store`: `ForgetDevice`, then remove it from the store (also when
    /// Cognito no longer knows it). Returns whether a device was stored.
    ///
    /// # Errors
    /// [`Error::Store`] when the store fails; [`Error::Refused`] (other than an unknown
    /// device) or a transport error, and the device stays stored.
    pub async fn forget_stored_device(
        &self,
        access_token: &str,
        store: &mut dyn DeviceStore,
    ) -> Result<bool, Error> {
        let Some(device) = store.load()? else {
            return Ok(false);
        };
        match self.forget_device(access_token, device.device_key()).await {
            Err(e) if e.kind() != Some(ServiceErrorKind::ResourceNotFound) => return Err(e),
            _ => {}
        }
        store.remove()?;
        Ok(true)
    }
}

/// The refresh token of `tokens`, or the error that says there is none.
fn refresh_token_of(tokens: &Tokens) -> Result<&str, Error> {
    tokens.refresh_token().ok_or(Error::MissingField {
        name: "RefreshToken",
    })
}

/// Answers what only the user can, during a sign-in: codes, a new password, a custom
/// challenge, the first TOTP code of an MFA setup. Implemented for every
/// `FnMut(Prompt) -> impl Future<Output = Result<Answer, BoxError>>`.
pub trait Handler: Send {
    /// The answer to `prompt`; an error stops the sign-in with [`Error::Handler`].
    fn answer(&mut self, prompt: Prompt) -> impl Future<Output = Result<Answer, BoxError>> + Send;
}

impl<F, Fut> Handler for F
where
    F: FnMut(Prompt) -> Fut + Send,
    Fut: Future<Output = Result<Answer, BoxError>> + Send,
{
    fn answer(&mut self, prompt: Prompt) -> impl Future<Output = Result<Answer, BoxError>> + Send {
        self(prompt)
    }
}

/// A handler for sign-ins that must not ask anything: every prompt stops the sign-in with
/// [`Error::Handler`], naming what was asked.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoPrompts;

impl Handler for NoPrompts {
    async fn answer(&mut self, prompt: Prompt) -> Result<Answer, BoxError> {
        Err(format!(
            "the sign-in asked {}, and this handler answers nothing",
            prompt.name()
        )
        .into())
    }
}

/// What a sign-in asks its [`Handler`].
#[derive(Debug)]
#[non_exhaustive]
pub enum Prompt {
    /// A question of the sign-in (see [`Question`] for the answer each wants).
    /// `Question::MfaSetup` never comes here: the sign-in carries it out with the prompts
    /// below.
    Question(Question),
    /// `MFA_SETUP` offers TOTP and email: answer [`Answer::MfaType`] with
    /// `SOFTWARE_TOKEN_MFA` or `EMAIL_OTP`.
    ChooseMfaSetup {
        /// `MFAS_CAN_SETUP` (those this crate can set up).
        options: Vec<String>,
    },
    /// `MFA_SETUP` with TOTP: `AssociateSoftwareToken` gave this secret; let the user add
    /// it to an authenticator (the [`uri`](TotpSetup::uri) as a QR code) and answer
    /// [`Answer::Code`] with the authenticator's first code, which goes to
    /// `VerifySoftwareToken`.
    TotpSetup(TotpSetup),
    /// `MFA_SETUP` with email: answer [`Answer::MfaSetupEmail`] with the address to send
    /// codes to.
    EmailMfaSetup,
}

impl Prompt {
    /// A short name of what is asked (`"an MFA code"`, `"a TOTP setup"`, …), for messages.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Self::Question(Question::Password) => "the password",
            Self::Question(Question::Code { .. }) => "a one-time code",
            Self::Question(Question::CustomChallenge { .. }) => "a custom challenge",
            Self::Question(Question::NewPassword { .. }) => "a new password",
            Self::Question(Question::SelectMfaType { .. }) => "an MFA type",
            Self::Question(Question::SelectChallenge { .. }) => "a first factor",
            Self::Question(Question::WebAuthn { .. }) => "a WebAuthn credential",
            Self::Question(_) => "an unknown challenge",
            Self::ChooseMfaSetup { .. } => "which MFA to set up",
            Self::TotpSetup(_) => "a TOTP setup",
            Self::EmailMfaSetup => "an email address for MFA",
        }
    }
}

/// A sign-in being configured: [`Authenticator::sign_in`], then [`run`](Self::run).
pub struct SignInBuilder<'a, T> {
    auth: &'a Authenticator<T>,
    username: String,
    password: Option<Password>,
    flow: Flow,
    store: Option<&'a mut dyn DeviceStore>,
    device_name: Option<String>,
    remember: bool,
    client_metadata: BTreeMap<String, String>,
}

impl<T> fmt::Debug for SignInBuilder<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignInBuilder")
            .field("username", &self.username)
            .field("flow", &self.flow)
            .field("device_store", &self.store.is_some())
            .field("device_name", &self.device_name)
            .field("remember", &self.remember)
            .finish_non_exhaustive()
    }
}

impl<'a, T: Transport> SignInBuilder<'a, T> {
    /// The flow (default: [`Flow::UserSrp`]).
    #[must_use]
    pub fn flow(mut self, flow: Flow) -> Self {
        self.flow = flow;
        self
    }

    /// Keep the user's remembered device in `store`: the sign-in uses the stored device
    /// (device SRP), confirms and stores a device Cognito asks to remember, and removes a
    /// stored device Cognito no longer knows. Without a store no device is confirmed.
    #[must_use]
    pub fn device_store(mut self, store: &'a mut dyn DeviceStore) -> Self {
        self.store = Some(store);
        self
    }

    /// The name `ConfirmDevice` gives a new device (for example `"Alice's laptop"`).
    #[must_use]
    pub fn device_name(mut self, name: &str) -> Self {
        self.device_name = Some(name.to_owned());
        self
    }

    /// Where the pool lets the user choose, mark a new device remembered (`true`, the
    /// default) or leave it not remembered (`false`).
    #[must_use]
    pub fn remember_device(mut self, remember: bool) -> Self {
        self.remember = remember;
        self
    }

    /// `ClientMetadata` for the Lambda triggers.
    #[must_use]
    pub fn client_metadata(mut self, metadata: BTreeMap<String, String>) -> Self {
        self.client_metadata = metadata;
        self
    }

    /// Run the sign-in to the tokens: every request goes through the transport, every
    /// question to `handler`, `MFA_SETUP` is carried out here (`AssociateSoftwareToken`,
    /// the handler's first code, `VerifySoftwareToken`), and a new device is confirmed and
    /// stored when a [`device_store`](Self::device_store) is set.
    ///
    /// # Errors
    /// - [`Error::Refused`]: Cognito refused (a wrong password is `NotAuthorized`).
    /// - [`Error::SignIn`]: a malformed challenge, an answer that does not fit its question.
    /// - [`Error::Handler`], [`Error::Store`], transport, credential and timeout errors.
    pub async fn run<H: Handler + ?Sized>(self, handler: &mut H) -> Result<Tokens, Error> {
        let Self {
            auth,
            username,
            password,
            flow,
            store,
            device_name,
            remember,
            client_metadata,
        } = self;
        let mut machine = SignIn::new(auth.app_client()?, &username, password)
            .with_flow(flow)
            .with_client_metadata(client_metadata);
        if auth.admin {
            machine = machine.admin();
        }
        let mut store = store;
        if let Some(store) = store.as_deref_mut()
            && let Some(device) = store.load()?
        {
            machine = machine.with_device(device);
        }
        let (mut signed_in, set) = auth.drive(&mut machine, &username, handler).await?;
        let set = set.ok_or(Error::MissingField {
            name: "AuthenticationResult",
        })?;
        let tokens = Tokens::new(
            set,
            SystemTime::now(),
            signed_in.username.clone(),
            signed_in.refresh_device_key().map(str::to_owned),
            None,
        )?;
        let mut device_error = signed_in
            .device_registration_error
            .take()
            .map(Error::SignIn);
        if let Some(store) = store {
            if signed_in.forget_stored_device
                && let Err(e) = store.remove()
            {
                device_error = Some(e.into());
            }
            if let Some(new) = signed_in.new_device.take() {
                let kept = auth
                    .keep_device(&tokens, &new, store, device_name.as_deref(), remember)
                    .await;
                if let Err(e) = kept {
                    device_error = Some(e);
                }
            }
        }
        Ok(tokens.with_device_error(device_error))
    }
}

impl<T: Transport> Authenticator<T> {
    /// Run the state machine to its end: the machine's result and the tokens.
    async fn drive<R, H>(
        &self,
        machine: &mut SignIn<R>,
        typed_name: &str,
        handler: &mut H,
    ) -> Result<(SignedIn, Option<TokenSet>), Error>
    where
        R: cognito_srp_auth::rand_core::TryCryptoRng + Send,
        H: Handler + ?Sized,
    {
        let mut tokens = None;
        let refused = |machine: &SignIn<R>, e| match machine.refusal() {
            Some(service) => Error::Refused(service.clone()),
            None => Error::SignIn(e),
        };
        let mut step = machine.start().map_err(Error::SignIn)?;
        loop {
            step = match step {
                Step::Send(request) => {
                    let reply = self.transport.send(&request).await?;
                    tokens = reply.tokens.or(tokens);
                    machine
                        .handle(reply.answer, &Timestamp::now())
                        .map_err(|e| refused(machine, e))?
                }
                Step::Ask(Question::MfaSetup { options, session }) => {
                    let answer = self
                        .set_up_mfa(&options, session, typed_name, handler)
                        .await?;
                    machine.answer(answer).map_err(Error::SignIn)?
                }
                Step::Ask(question) => {
                    let answer = handler
                        .answer(Prompt::Question(question))
                        .await
                        .map_err(Error::Handler)?;
                    machine.answer(answer).map_err(Error::SignIn)?
                }
                Step::Done(signed_in) => return Ok((signed_in, tokens)),
            };
        }
    }

    /// `MFA_SETUP` carried out: TOTP through `AssociateSoftwareToken` and
    /// `VerifySoftwareToken`, or email; the answer the machine sends. The TOTP's account
    /// label is the name the user typed (`USER_ID_FOR_SRP` may be an opaque `sub`).
    async fn set_up_mfa<H: Handler + ?Sized>(
        &self,
        options: &[String],
        session: Option<String>,
        account: &str,
        handler: &mut H,
    ) -> Result<Answer, Error> {
        const TOTP: &str = "SOFTWARE_TOKEN_MFA";
        const EMAIL: &str = "EMAIL_OTP";
        let offered: Vec<String> = [TOTP, EMAIL]
            .into_iter()
            .filter(|o| options.iter().any(|x| x == o))
            .map(str::to_owned)
            .collect();
        let choice = match offered.as_slice() {
            [] => return Err(Error::MfaSetupUnavailable),
            [one] => one.clone(),
            _ => {
                let answer = handler
                    .answer(Prompt::ChooseMfaSetup {
                        options: offered.clone(),
                    })
                    .await
                    .map_err(Error::Handler)?;
                match &answer {
                    Answer::MfaType(t) if offered.contains(t) => t.clone(),
                    _ => return Err(Error::SignIn(cognito_srp_auth::Error::AnswerMismatch)),
                }
            }
        };
        if choice == EMAIL {
            let answer = handler
                .answer(Prompt::EmailMfaSetup)
                .await
                .map_err(Error::Handler)?;
            return match answer {
                Answer::MfaSetupEmail { .. } => Ok(answer),
                _ => Err(Error::SignIn(cognito_srp_auth::Error::AnswerMismatch)),
            };
        }
        // Sessions are bearer values: each is wiped when it is dropped here.
        let session = Zeroizing::new(session.ok_or(Error::MissingField {
            name: "MFA_SETUP Session",
        })?);
        let (secret, session) = self.transport.associate_software_token(&session).await?;
        let session = Zeroizing::new(session);
        let issuer = self.totp_issuer.as_deref().unwrap_or(self.client.pool_id());
        let setup = TotpSetup::new(secret, issuer, account);
        let answer = handler
            .answer(Prompt::TotpSetup(setup))
            .await
            .map_err(Error::Handler)?;
        let Answer::Code(code) = &answer else {
            return Err(Error::SignIn(cognito_srp_auth::Error::AnswerMismatch));
        };
        let session = self
            .transport
            .verify_software_token(&session, code, None)
            .await?;
        Ok(Answer::MfaSetupTotp { session })
    }

    /// `ConfirmDevice` (and `UpdateDeviceStatus`) for the new device, then store it.
    async fn keep_device(
        &self,
        tokens: &Tokens,
        new: &DeviceToConfirm,
        store: &mut dyn DeviceStore,
        device_name: Option<&str>,
        remember: bool,
    ) -> Result<(), Error> {
        self.confirm_device(
            tokens.access_token(),
            new.device.device_key(),
            &new.config,
            device_name,
            remember,
        )
        .await?;
        store.save(&new.device)?;
        Ok(())
    }
}

/// Drop an answer no sign-in reads, wiping its bearer values (an access token, a session).
fn wipe_answer(answer: ServerAnswer) {
    match answer {
        ServerAnswer::Authenticated { access_token, .. } => drop(access_token.map(Zeroizing::new)),
        ServerAnswer::Challenge(challenge) => drop(challenge.session.map(Zeroizing::new)),
        _ => {}
    }
}
