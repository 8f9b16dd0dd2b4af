//! A small offline user pool: it answers the requests a [`SignIn`](crate::SignIn) yields as
//! Cognito does, checking every `SECRET_HASH`, every claim, password and code, and every
//! device: `USER_SRP_AUTH`, `USER_PASSWORD_AUTH` / `ADMIN_USER_PASSWORD_AUTH`, `CUSTOM_AUTH`
//! (with or without SRP, driven by a test-supplied challenge function), `USER_AUTH`
//! (`PASSWORD`, `PASSWORD_SRP`, `EMAIL_OTP`, `SELECT_CHALLENGE`), device SRP, and
//! `REFRESH_TOKEN_AUTH`.
//!
//! - this file: the pool, its settings, app clients, users, devices, refresh tokens, tokens
//!   and unanswered challenges;
//! - [`answers`]: one handler per request kind;
//! - [`json`]: the pool on the wire ([`UserPool::handle_json`]).

mod answers;
mod json;

use alloc::borrow::ToOwned;
use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString as _};
use alloc::vec::Vec;
use core::fmt;

use chrono::{DateTime, Utc};
use hmac::Mac as _;
use rand_core::TryCryptoRng;
use zeroize::Zeroizing;

use crate::client::pool_name;
use crate::device::DeviceSecretVerifierConfig;
use crate::encoding::{to_java_bytes_vartime, u3072_from_be_slice};
use crate::error::{Error, Result};
use crate::flow::{Challenge, NewDeviceMetadata, Request, ServerAnswer};
use crate::secret::{ClientSecret, Password};
use crate::server::exchange::{
    DeviceVerifier, ServerSrp, StoredVerifier, UserVerifier, verify_secret_hash,
};
use crate::srp::hmac_sha256;
pub use json::{JsonAnswer, MAX_JSON_BODY};

/// The settings of a [`UserPool`]. `Debug` prints whether there is a client secret, never
/// the secret.
#[non_exhaustive]
pub struct UserPoolConfig {
    /// `UserPoolId`, e.g. `us-east-1_Example`.
    pub pool_id: String,
    /// The first app client's id (add more with [`UserPool::add_client`]).
    pub client_id: String,
    /// The first app client's secret, if it has one.
    pub client_secret: Option<ClientSecret>,
    /// Whether successful sign-ins without a device get `NewDeviceMetadata`.
    pub device_tracking: bool,
    /// How long a challenge stays answerable, in seconds of the clock passed to
    /// [`UserPool::handle`] (Cognito's default session lifetime: 3 minutes).
    pub session_lifetime_seconds: i64,
    /// How many unanswered challenges the pool keeps; beyond it the oldest is dropped.
    pub max_pending: usize,
}

impl fmt::Debug for UserPoolConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserPoolConfig")
            .field("pool_id", &self.pool_id)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("device_tracking", &self.device_tracking)
            .field("session_lifetime_seconds", &self.session_lifetime_seconds)
            .field("max_pending", &self.max_pending)
            .finish()
    }
}

impl UserPoolConfig {
    /// A pool with one app client (more with [`UserPool::add_client`]), device tracking on,
    /// sessions of 180 s, at most 1,024 unanswered challenges.
    #[must_use]
    pub fn new(pool_id: &str, client_id: &str, client_secret: Option<ClientSecret>) -> Self {
        Self {
            pool_id: String::from(pool_id),
            client_id: String::from(client_id),
            client_secret,
            device_tracking: true,
            session_lifetime_seconds: 180,
            max_pending: 1024,
        }
    }
}

/// What a pool's custom-authentication function (its Lambda triggers, in one) decides.
#[derive(Clone, Debug, Eq, PartialEq)]
#[non_exhaustive]
pub enum CustomStep {
    /// Ask a `CUSTOM_CHALLENGE` with these public parameters.
    Challenge(BTreeMap<String, String>),
    /// Issue tokens.
    Succeed,
    /// Refuse: `NotAuthorizedException`.
    Fail,
}

/// The custom-authentication function of a pool ([`UserPool::with_custom_auth`]): given the
/// internal user name and the answers the user gave so far (after the SRP claim, when the
/// flow started with SRP), the next step.
pub type CustomAuth = Box<dyn FnMut(&str, &[String]) -> CustomStep + Send>;

/// How a pool mints its tokens ([`UserPool::with_token_signer`]): given a token's claims as
/// JSON text (the payload of the JWT), the compact token `header.payload.signature`, e.g. an
/// RS256 JWS with the key of a JWKS the application publishes.
///
/// Without one, the pool issues unsecured JWTs (RFC 7519, section 6):
/// `base64url({"alg":"none","typ":"JWT"})`, a dot, `base64url(claims)` and a dot.
///
/// The access token's claims are `sub` and `username` (the internal user name), `iss`
/// (`https://cognito-idp.<region>.amazonaws.com/<pool id>`), `client_id`, `token_use` =
/// `access`, `scope` = `aws.cognito.signin.user.admin`, `auth_time`, `iat`, `exp` (`iat` +
/// 3,600 s, the `ExpiresIn` of the answer), `jti` and, when the tokens belong to a device,
/// `device_key`. The id token's are `sub`, `cognito:username`, `iss`, `aud` (the client id),
/// `token_use` = `id`, `auth_time`, `iat`, `exp` and `jti`. Times are seconds of the clock
/// passed to [`UserPool::handle`].
pub type TokenSigner = Box<dyn FnMut(&str) -> String + Send>;

/// How long the tokens the pool issues are valid: `ExpiresIn`, and `exp` − `iat`.
const TOKEN_LIFETIME_SECONDS: i64 = 3600;

/// The longest app client id (Cognito's limit).
const MAX_CLIENT_ID: usize = 128;

/// An app client of the pool.
struct AppClient {
    id: String,
    secret: Option<ClientSecret>,
}

struct User {
    verifier: UserVerifier,
    aliases: Vec<String>,
    confirmed: bool,
    devices: Vec<DeviceVerifier>,
    /// `(device key, device group key)` issued in `NewDeviceMetadata`, not yet confirmed.
    issued: Vec<(String, String)>,
}

/// A refresh token the pool issued.
struct RefreshToken {
    /// A bearer value: wiped when the pool drops it.
    token: Zeroizing<String>,
    user: usize,
    /// The app client it was issued through (index into `clients`): only that client may use
    /// it.
    client: usize,
    /// The device the tokens belong to: `REFRESH_TOKEN_AUTH` must name it.
    device_key: Option<String>,
    /// When the user signed in (`auth_time` of the tokens it refreshes).
    auth_time: DateTime<Utc>,
}

/// The request being answered: through which app client, on what clock.
#[derive(Clone, Copy)]
struct Call {
    /// Index into `clients`.
    client: usize,
    now: DateTime<Utc>,
}

/// Tokens the pool issued: bearer values, wiped on drop.
struct Tokens {
    access_token: Zeroizing<String>,
    id_token: Zeroizing<String>,
    /// Absent on a refresh.
    refresh_token: Option<Zeroizing<String>>,
    new_device: Option<NewDeviceMetadata>,
}

/// What the pool answers, before it becomes a [`ServerAnswer`] or JSON.
enum Reply {
    Challenge(Challenge),
    Tokens(Tokens),
}

/// Who a challenge went to.
#[derive(Clone, Copy)]
enum Claimant {
    /// A user of the pool (index into `users`).
    User(usize),
    /// A name no user has: the pool answers it as it answers a wrong password.
    Unknown,
}

/// What an unanswered challenge continues with once its first factor is verified.
#[derive(Clone, Copy, Eq, PartialEq)]
enum Then {
    /// Tokens (or device SRP, with a device key).
    Tokens,
    /// The custom-authentication function (`CUSTOM_AUTH` with SRP).
    Custom,
}

enum Exchange {
    /// A `PASSWORD_VERIFIER` is out; found by its secret block.
    Password {
        claimant: Claimant,
        srp: ServerSrp,
        device_key: Option<String>,
        then: Then,
    },
    /// A `SELECT_CHALLENGE` is out; found by its session.
    Select {
        claimant: Claimant,
        /// The internal name (the typed one for an unknown name).
        name: String,
        session: String,
        device_key: Option<String>,
    },
    /// An `EMAIL_OTP` code was sent; found by its session.
    EmailOtp {
        claimant: Claimant,
        session: String,
        code: Zeroizing<String>,
        device_key: Option<String>,
    },
    /// A `CUSTOM_CHALLENGE` is out; found by its session.
    Custom {
        user: usize,
        session: String,
        /// The user's answers so far (they may be one-time codes): wiped on drop.
        answers: Zeroizing<Vec<String>>,
        device_key: Option<String>,
    },
    /// A `DEVICE_SRP_AUTH` is out; found by its session.
    DeviceAuth {
        user: usize,
        session: String,
        device_key: String,
    },
    /// A `DEVICE_PASSWORD_VERIFIER` is out; found by its session.
    DevicePassword {
        user: usize,
        session: String,
        device_key: String,
        srp: ServerSrp,
    },
}

impl Exchange {
    /// The session it is found by (none for `PASSWORD_VERIFIER`).
    fn session(&self) -> Option<&str> {
        match self {
            Self::Password { .. } => None,
            Self::Select { session, .. }
            | Self::EmailOtp { session, .. }
            | Self::Custom { session, .. }
            | Self::DeviceAuth { session, .. }
            | Self::DevicePassword { session, .. } => Some(session),
        }
    }
}

/// An unanswered challenge, when it was sent and through which app client (only that client
/// may answer it).
struct Pending {
    sent: DateTime<Utc>,
    client: usize,
    exchange: Exchange,
}

/// An offline Cognito user pool for tests and demos: users with SRP verifiers (and aliases),
/// app clients (each optionally with a secret), every sign-in flow, device tracking,
/// `ConfirmDevice`, refresh tokens, and Cognito's JSON API ([`handle_json`](Self::handle_json)).
///
/// Every challenge, and every refresh token, belongs to the app client its request came
/// through: a response (or a refresh) through another client is refused as one with an
/// unknown session (token). A challenge response's `USERNAME` may be the internal user name
/// or an alias of the user the challenge went to, with `SECRET_HASH` over that same name.
///
/// Like Cognito with user-existence errors prevented, it answers a name no user has with a
/// `PASSWORD_VERIFIER` challenge from a fake verifier derived from the name (the same salt
/// every time, the same work as for a real user), and then refuses the claim exactly as it
/// refuses a wrong password. Challenges expire after
/// [`session_lifetime_seconds`](UserPoolConfig::session_lifetime_seconds) and at most
/// [`max_pending`](UserPoolConfig::max_pending) are kept. Codes and refresh tokens it
/// "sends" are read with [`sent_code`](Self::sent_code) and
/// [`refresh_token`](Self::refresh_token).
pub struct UserPool<R> {
    config: UserPoolConfig,
    /// The app clients; the config's first.
    clients: Vec<AppClient>,
    users: Vec<User>,
    /// Unanswered challenges, oldest first.
    pending: Vec<Pending>,
    /// The key fake verifiers are derived with.
    fake_key: Zeroizing<[u8; 32]>,
    custom_auth: Option<CustomAuth>,
    token_signer: Option<TokenSigner>,
    /// The last `EMAIL_OTP` code sent to each user.
    codes: Vec<(usize, Zeroizing<String>)>,
    refresh_tokens: Vec<RefreshToken>,
    rng: R,
}

fn error(code: &str, message: &str) -> ServerAnswer {
    ServerAnswer::Error {
        code: String::from(code),
        message: String::from(message),
    }
}

fn not_authorized(message: &str) -> ServerAnswer {
    error("NotAuthorizedException", message)
}

fn missing(name: &str) -> ServerAnswer {
    error(
        "InvalidParameterException",
        &format!("Missing required parameter {name}"),
    )
}

const INCORRECT: &str = "Incorrect username or password.";
const BAD_SECRET_HASH: &str = "Unable to verify secret hash for client";
const INVALID_SESSION: &str = "Invalid session for the user.";
const EXPIRED_SESSION: &str = "Invalid session for the user, session is expired.";
const NO_DEVICE: &str = "Device does not exist.";

/// An id the pool echoes in a message: at most 128 printable ASCII characters (a longer or
/// stranger text is left out of the message).
fn echoable(id: &str) -> Option<&str> {
    (!id.is_empty() && id.len() <= MAX_CLIENT_ID && id.bytes().all(|b| b.is_ascii_graphic()))
        .then_some(id)
}

/// `User pool client <id> does not exist.`
fn unknown_client(client_id: &str) -> ServerAnswer {
    let message = match echoable(client_id) {
        Some(id) => format!("User pool client {id} does not exist."),
        None => String::from("User pool client does not exist."),
    };
    error("ResourceNotFoundException", &message)
}

/// `User pool <id> does not exist.`
fn unknown_pool(pool_id: &str) -> ServerAnswer {
    let message = match echoable(pool_id) {
        Some(id) => format!("User pool {id} does not exist."),
        None => String::from("User pool does not exist."),
    };
    error("ResourceNotFoundException", &message)
}

/// An answer to a request, or the refusal that ends it.
type Answered = core::result::Result<Reply, ServerAnswer>;

impl<R: TryCryptoRng> UserPool<R> {
    /// An empty pool. Draws the key its fake verifiers are derived with from `rng`.
    ///
    /// # Errors
    /// [`Error::InvalidPoolId`] for a malformed pool id, [`Error::RandomSource`] when the RNG
    /// fails.
    pub fn new(mut config: UserPoolConfig, mut rng: R) -> Result<Self> {
        pool_name(&config.pool_id)?;
        let mut fake_key = Zeroizing::new([0u8; 32]);
        rng.try_fill_bytes(fake_key.as_mut())
            .map_err(|_| Error::RandomSource)?;
        let first = AppClient {
            id: config.client_id.clone(),
            secret: config.client_secret.take(),
        };
        Ok(Self {
            config,
            clients: alloc::vec![first],
            users: Vec::new(),
            pending: Vec::new(),
            fake_key,
            custom_auth: None,
            token_signer: None,
            codes: Vec::new(),
            refresh_tokens: Vec::new(),
            rng,
        })
    }

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
        let verifier =
            UserVerifier::register(&self.config.pool_id, username, password, &mut self.rng)?;
        self.users.push(User {
            verifier,
            aliases: aliases.iter().map(|a| String::from(*a)).collect(),
            confirmed: true,
            devices: Vec::new(),
            issued: Vec::new(),
        });
        Ok(())
    }

    /// Add a user who has signed up but not confirmed: every sign-in gets
    /// `UserNotConfirmedException` once the password is verified.
    ///
    /// # Errors
    /// [`Error::RandomSource`] when the RNG fails.
    pub fn add_unconfirmed_user(&mut self, username: &str, password: &Password) -> Result<()> {
        self.add_user(username, password, &[])?;
        if let Some(user) = self.users.last_mut() {
            user.confirmed = false;
        }
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
        let index = user
            .issued
            .iter()
            .position(|(k, _)| k == device_key)
            .ok_or(Error::MalformedDevice)?;
        let (key, group) = user.issued.get(index).ok_or(Error::MalformedDevice)?;
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

    /// Answer one request as Cognito would. Refusals are [`ServerAnswer::Error`] with
    /// Cognito's exception names and messages. `now` is the pool's clock: it checks claim
    /// timestamps and expires challenges.
    ///
    /// The request's `ClientId` picks the app client (`ResourceNotFoundException`
    /// `User pool client <id> does not exist.` for another), and an `Admin…` request's
    /// `UserPoolId` must be this pool's (`User pool <id> does not exist.`).
    ///
    /// A `PASSWORD_VERIFIER` answer whose claim verifies but whose `DEVICE_KEY` the pool does
    /// not know for the user is refused with `ResourceNotFoundException`
    /// `Device does not exist.` and its exchange is kept: the same answer sent again without
    /// `DEVICE_KEY` (amazon-cognito-identity-js's retry) signs in. A claim that does not verify
    /// ends the exchange whatever its `DEVICE_KEY`.
    pub fn handle(&mut self, request: &Request, now: DateTime<Utc>) -> ServerAnswer {
        match self.answer(request, now) {
            Ok(Reply::Challenge(challenge)) => ServerAnswer::Challenge(challenge),
            Ok(Reply::Tokens(tokens)) => {
                ServerAnswer::authenticated(tokens.new_device, Some(&tokens.access_token))
            }
            Err(refusal) => refusal,
        }
    }

    /// [`handle`](Self::handle), before the answer takes its form.
    fn answer(&mut self, request: &Request, now: DateTime<Utc>) -> Answered {
        let context = request.context();
        let client = self
            .clients
            .iter()
            .position(|c| c.id == context.client_id)
            .ok_or_else(|| unknown_client(&context.client_id))?;
        if let Some(pool_id) = &context.user_pool_id
            && *pool_id != self.config.pool_id
        {
            return Err(unknown_pool(pool_id));
        }
        let call = Call { client, now };
        let answer = match request {
            Request::InitiateAuth(r) => {
                self.initiate(&r.auth_parameters, r.context.is_admin(), call)
            }
            Request::RespondToAuthChallenge(r) => {
                self.respond(&r.challenge_responses, r.session.as_deref(), call)
            }
        };
        self.expire(now);
        answer
    }

    fn internal(&self, username: &str) -> Option<usize> {
        self.users
            .iter()
            .position(|u| u.verifier.username() == username)
    }

    /// The user a name signs in as: the one whose internal name it is, else the one with it
    /// as an alias.
    fn find_user(&self, name: &str) -> Option<usize> {
        self.internal(name).or_else(|| {
            self.users
                .iter()
                .position(|u| u.aliases.iter().any(|a| a == name))
        })
    }

    fn username_of(&self, user: usize) -> String {
        self.users
            .get(user)
            .map(|u| String::from(u.verifier.username()))
            .unwrap_or_default()
    }

    /// Whether `hash` is the `SECRET_HASH` of `username` for the request's app client (any
    /// value, or none, for a client without a secret).
    fn check_secret_hash(&self, call: Call, username: &str, hash: Option<&str>) -> bool {
        let Some(client) = self.clients.get(call.client) else {
            return false;
        };
        match &client.secret {
            None => true,
            Some(secret) => {
                hash.is_some_and(|h| verify_secret_hash(username, &client.id, secret, h).is_ok())
            }
        }
    }

    /// The request's app client id.
    fn client_id(&self, call: Call) -> String {
        self.clients
            .get(call.client)
            .map(|c| c.id.clone())
            .unwrap_or_default()
    }

    /// `bytes` random bytes as hex (sessions, device keys, refresh tokens): drawn into a wiped
    /// buffer and written into a text of its final size, so no copy is left behind.
    fn random_hex(&mut self, bytes: usize) -> core::result::Result<String, ServerAnswer> {
        let mut buf = Zeroizing::new(alloc::vec![0u8; bytes]);
        self.rng
            .try_fill_bytes(&mut buf)
            .map_err(|_| error("InternalErrorException", "Internal error."))?;
        let mut text = String::with_capacity(2 * bytes);
        for b in buf.iter() {
            let _ = fmt::Write::write_fmt(&mut text, format_args!("{b:02x}"));
        }
        Ok(text)
    }

    /// Whether a challenge sent at `sent` has expired at `now`.
    fn expired(&self, sent: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        (now - sent).num_seconds() > self.config.session_lifetime_seconds
    }

    /// Drop expired challenges.
    fn expire(&mut self, now: DateTime<Utc>) {
        let lifetime = self.config.session_lifetime_seconds;
        self.pending
            .retain(|p| (now - p.sent).num_seconds() <= lifetime);
    }

    /// Keep a challenge, dropping the oldest beyond the bound.
    fn keep(&mut self, exchange: Exchange, call: Call) {
        while self.pending.len() >= self.config.max_pending.max(1) {
            self.pending.remove(0);
        }
        self.pending.push(Pending {
            sent: call.now,
            client: call.client,
            exchange,
        });
    }

    /// Send `challenge`, keeping its exchange for the answer.
    fn challenge(&mut self, challenge: Challenge, exchange: Exchange, call: Call) -> Reply {
        self.keep(exchange, call);
        Reply::Challenge(challenge)
    }

    /// Take the unanswered challenge of the request's app client that `matches` selects,
    /// refusing an expired one; with where it was, to put it back with
    /// [`restore`](Self::restore).
    fn take_pending(
        &mut self,
        call: Call,
        refusal: &str,
        matches: impl Fn(&Exchange) -> bool,
    ) -> core::result::Result<(usize, Pending), ServerAnswer> {
        let index = self
            .pending
            .iter()
            .position(|p| p.client == call.client && matches(&p.exchange))
            .ok_or_else(|| not_authorized(refusal))?;
        let pending = self.pending.remove(index);
        if self.expired(pending.sent, call.now) {
            return Err(not_authorized(EXPIRED_SESSION));
        }
        Ok((index, pending))
    }

    /// Put back a challenge taken with [`take_pending`](Self::take_pending), where it was.
    fn restore(&mut self, index: usize, pending: Pending) {
        self.pending.insert(index.min(self.pending.len()), pending);
    }

    /// Take the unanswered challenge `matches` selects (see
    /// [`take_pending`](Self::take_pending)).
    fn take(
        &mut self,
        call: Call,
        refusal: &str,
        matches: impl Fn(&Exchange) -> bool,
    ) -> core::result::Result<Exchange, ServerAnswer> {
        self.take_pending(call, refusal, matches)
            .map(|(_, pending)| pending.exchange)
    }

    /// Take the exchange of `session`.
    fn take_session(
        &mut self,
        session: Option<&str>,
        call: Call,
    ) -> core::result::Result<Exchange, ServerAnswer> {
        let session = session.ok_or_else(|| not_authorized(INVALID_SESSION))?;
        self.take(call, INVALID_SESSION, |e| e.session() == Some(session))
    }

    /// The verifier a name no user has gets: the salt and `v` are derived from the name
    /// with the pool's key, so the same name always gets the same salt, and `v` is a group
    /// element nobody knows the password of.
    fn fake_verifier(&self, name: &str) -> StoredVerifier {
        let block = |label: u8| -> [u8; 32] {
            let mut mac = hmac_sha256(self.fake_key.as_ref());
            mac.update(&[label]);
            mac.update(name.as_bytes());
            mac.finalize().into_bytes().into()
        };
        let salt = block(0);
        // 383 bytes of HMAC output: below 2^3064 < N, and 0 or 1 with negligible probability.
        let mut v_bytes = Zeroizing::new([0u8; 383]);
        for (label, chunk) in (1u8..).zip(v_bytes.chunks_mut(32)) {
            let bytes = Zeroizing::new(block(label));
            chunk.copy_from_slice(bytes.get(..chunk.len()).unwrap_or_default());
        }
        let v = Zeroizing::new(u3072_from_be_slice(v_bytes.as_ref()).unwrap_or_default());
        StoredVerifier::from_parts(
            pool_name(&self.config.pool_id).unwrap_or_default(),
            name,
            to_java_bytes_vartime(salt.get(..16).unwrap_or_default()),
            &v,
        )
    }

    /// The verifier of a claimant: the user's, or a fake one for an unknown name.
    fn verifier_of(&self, claimant: Claimant, name: &str) -> Option<StoredVerifier> {
        match claimant {
            Claimant::User(_) => None,
            Claimant::Unknown => Some(self.fake_verifier(name)),
        }
    }

    fn device(&self, user: usize, device_key: &str) -> Option<&DeviceVerifier> {
        self.users
            .get(user)?
            .devices
            .iter()
            .find(|d| d.device_key() == device_key)
    }

    /// Tokens: a refresh token bound to the device used (or to a new one Cognito asks the
    /// client to remember) and to the request's app client, and `NewDeviceMetadata` with
    /// device tracking and no device.
    fn authenticated(&mut self, user: usize, device_used: Option<String>, call: Call) -> Answered {
        if self.users.get(user).is_some_and(|u| !u.confirmed) {
            return Err(error("UserNotConfirmedException", "User is not confirmed."));
        }
        let metadata = match (&device_used, self.config.device_tracking) {
            (None, true) => Some(self.new_device(user)?),
            _ => None,
        };
        let token = Zeroizing::new(self.random_hex(32)?);
        let device_key = device_used.or_else(|| metadata.as_ref().map(|m| m.device_key.clone()));
        let (access_token, id_token) =
            self.mint_tokens(user, device_key.as_deref(), call.now, call)?;
        self.refresh_tokens.push(RefreshToken {
            token: token.clone(),
            user,
            client: call.client,
            device_key,
            auth_time: call.now,
        });
        Ok(Reply::Tokens(Tokens {
            access_token,
            id_token,
            refresh_token: Some(token),
            new_device: metadata,
        }))
    }

    /// The access and id tokens of `user` (see [`TokenSigner`] for their claims).
    fn mint_tokens(
        &mut self,
        user: usize,
        device_key: Option<&str>,
        auth_time: DateTime<Utc>,
        call: Call,
    ) -> core::result::Result<(Zeroizing<String>, Zeroizing<String>), ServerAnswer> {
        let username = self.username_of(user);
        let client_id = self.client_id(call);
        let region = self.config.pool_id.split('_').next().unwrap_or_default();
        let issuer = format!(
            "https://cognito-idp.{region}.amazonaws.com/{}",
            self.config.pool_id
        );
        let (iat, auth_time) = (call.now.timestamp(), auth_time.timestamp());
        let exp = iat.saturating_add(TOKEN_LIFETIME_SECONDS);
        let mut access = serde_json::json!({
            "sub": username,
            "iss": issuer,
            "client_id": client_id,
            "token_use": "access",
            "scope": "aws.cognito.signin.user.admin",
            "auth_time": auth_time,
            "iat": iat,
            "exp": exp,
            "jti": uuid(&self.random_hex(16)?),
            "username": username,
        });
        if let (Some(key), Some(claims)) = (device_key, access.as_object_mut()) {
            claims.insert(
                String::from("device_key"),
                serde_json::Value::from(String::from(key)),
            );
        }
        let id = serde_json::json!({
            "sub": username,
            "iss": issuer,
            "aud": client_id,
            "cognito:username": username,
            "token_use": "id",
            "auth_time": auth_time,
            "iat": iat,
            "exp": exp,
            "jti": uuid(&self.random_hex(16)?),
        });
        Ok((self.mint(&access), self.mint(&id)))
    }

    /// One token from its claims: the [`TokenSigner`]'s, or an unsecured JWT.
    fn mint(&mut self, claims: &serde_json::Value) -> Zeroizing<String> {
        let payload = Zeroizing::new(claims.to_string());
        if let Some(signer) = self.token_signer.as_mut() {
            return Zeroizing::new(signer(&payload));
        }
        let encode = <base64ct::Base64UrlUnpadded as base64ct::Encoding>::encode_string;
        let header = encode(br#"{"alg":"none","typ":"JWT"}"#);
        let payload = Zeroizing::new(encode(payload.as_bytes()));
        // Written at its final size: a `format!` grows by reallocation and leaves the token's
        // first part in each block it outgrows.
        let mut token = Zeroizing::new(String::with_capacity(header.len() + payload.len() + 2));
        for part in [header.as_str(), ".", payload.as_str(), "."] {
            token.push_str(part);
        }
        token
    }

    /// `NewDeviceMetadata` for a new device of `user`.
    fn new_device(&mut self, user: usize) -> core::result::Result<NewDeviceMetadata, ServerAnswer> {
        let region = self
            .config
            .pool_id
            .split('_')
            .next()
            .unwrap_or_default()
            .to_owned();
        let (id, group) = (self.random_hex(16)?, self.random_hex(5)?);
        let metadata = NewDeviceMetadata {
            device_key: format!("{region}_{}", uuid(&id)),
            device_group_key: format!("-{group}"),
        };
        if let Some(u) = self.users.get_mut(user) {
            u.issued.push((
                metadata.device_key.clone(),
                metadata.device_group_key.clone(),
            ));
        }
        Ok(metadata)
    }
}

/// 32 hex digits as a UUID: `8-4-4-4-12`.
fn uuid(hex: &str) -> String {
    format!(
        "{}-{}-{}-{}-{}",
        hex.get(..8).unwrap_or_default(),
        hex.get(8..12).unwrap_or_default(),
        hex.get(12..16).unwrap_or_default(),
        hex.get(16..20).unwrap_or_default(),
        hex.get(20..).unwrap_or_default()
    )
}

impl<R> fmt::Debug for UserPool<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserPool")
            .field("pool_id", &self.config.pool_id)
            .field("client_id", &self.config.client_id)
            .field("clients", &self.clients.len())
            .field("users", &self.users.len())
            .field("pending", &self.pending.len())
            .field("custom_auth", &self.custom_auth.is_some())
            .field("token_signer", &self.token_signer.is_some())
            .finish_non_exhaustive()
    }
}
