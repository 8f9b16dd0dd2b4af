//! The pool's state: its settings, app clients, users, devices, refresh tokens and
//! unanswered challenges, and what every handler shares to read and keep them.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use chrono::{DateTime, Utc};
use rand_core::TryCryptoRng;
use zeroize::Zeroizing;

use super::hex;
use super::pending::{Exchange, Pending};
use super::refusals::{
    BAD_SECRET_HASH, EXPIRED_SESSION, INVALID_SESSION, Refusal, error, internal_error,
    not_authorized,
};
use crate::client::pool_name;
use crate::error::{Error, Result};
use crate::flow::{Challenge, NewDeviceMetadata};
use crate::secret::ClientSecret;
use crate::server::exchange::{DeviceVerifier, UserVerifier, verify_secret_hash};

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

    /// Whether a challenge sent at `sent` has expired at `now`.
    fn expired(&self, sent: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        (now - sent).num_seconds() > self.session_lifetime_seconds
    }
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

/// An app client of the pool.
pub(super) struct AppClient {
    pub(super) id: String,
    pub(super) secret: Option<ClientSecret>,
}

pub(super) struct User {
    pub(super) verifier: UserVerifier,
    pub(super) aliases: Vec<String>,
    pub(super) confirmed: bool,
    pub(super) devices: Vec<DeviceVerifier>,
    /// `(device key, device group key)` issued in `NewDeviceMetadata`, not yet confirmed.
    pub(super) issued: Vec<(String, String)>,
}

impl User {
    /// The confirmed device `device_key`.
    pub(super) fn device(&self, device_key: &str) -> Option<&DeviceVerifier> {
        self.devices.iter().find(|d| d.device_key() == device_key)
    }
}

/// A refresh token the pool issued.
pub(super) struct RefreshToken {
    /// A bearer value: wiped when the pool drops it.
    pub(super) token: Zeroizing<String>,
    pub(super) user: usize,
    /// The app client it was issued through (index into `clients`): only that client may use
    /// it.
    pub(super) client: usize,
    /// The device the tokens belong to: `REFRESH_TOKEN_AUTH` must name it.
    pub(super) device_key: Option<String>,
    /// When the user signed in (`auth_time` of the tokens it refreshes).
    pub(super) auth_time: DateTime<Utc>,
}

/// The request being answered: through which app client, on what clock.
#[derive(Clone, Copy)]
pub(super) struct Call {
    /// Index into `clients`.
    pub(super) client: usize,
    pub(super) now: DateTime<Utc>,
}

/// Tokens the pool issued: bearer values, wiped on drop.
pub(super) struct Tokens {
    pub(super) access_token: Zeroizing<String>,
    pub(super) id_token: Zeroizing<String>,
    /// Absent on a refresh.
    pub(super) refresh_token: Option<Zeroizing<String>>,
    pub(super) new_device: Option<NewDeviceMetadata>,
}

/// What the pool answers, before it becomes a [`ServerAnswer`](crate::flow::ServerAnswer)
/// or JSON.
pub(super) enum Reply {
    Challenge(Challenge),
    Tokens(Tokens),
}

/// An answer to a request, or the refusal that ends it.
pub(super) type Answered = core::result::Result<Reply, Refusal>;

/// Where the dashes of a UUID drawn as 16 bytes go (see [`hex::text`]).
const UUID_DASHES: [usize; 4] = [4, 6, 8, 10];

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
    pub(super) config: UserPoolConfig,
    /// The region of the pool id (`us-east-1` of `us-east-1_Example`), checked at
    /// construction.
    pub(super) region: String,
    /// The pool name of the pool id (`Example` of `us-east-1_Example`), checked at
    /// construction.
    pub(super) pool_name: String,
    /// The app clients; the config's first.
    pub(super) clients: Vec<AppClient>,
    pub(super) users: Vec<User>,
    /// Unanswered challenges, oldest first.
    pub(super) pending: Vec<Pending>,
    /// The key fake verifiers are derived with.
    pub(super) fake_key: Zeroizing<[u8; 32]>,
    pub(super) custom_auth: Option<CustomAuth>,
    pub(super) token_signer: Option<TokenSigner>,
    /// The last `EMAIL_OTP` code sent to each user.
    pub(super) codes: Vec<(usize, Zeroizing<String>)>,
    pub(super) refresh_tokens: Vec<RefreshToken>,
    pub(super) rng: R,
}

impl<R: TryCryptoRng> UserPool<R> {
    /// An empty pool. Draws the key its fake verifiers are derived with from `rng`.
    ///
    /// # Errors
    /// [`Error::InvalidPoolId`] for a malformed pool id, [`Error::RandomSource`] when the RNG
    /// fails.
    pub fn new(mut config: UserPoolConfig, mut rng: R) -> Result<Self> {
        // `pool_name` checks the id; its region is what stands before the `_`.
        let (region, name) = match config.pool_id.split_once('_') {
            Some((region, name)) if pool_name(&config.pool_id) == Ok(name) => {
                (String::from(region), String::from(name))
            }
            _ => return Err(Error::InvalidPoolId),
        };
        let mut fake_key = Zeroizing::new([0u8; 32]);
        rng.try_fill_bytes(fake_key.as_mut())
            .map_err(|_| Error::RandomSource)?;
        let first = AppClient {
            id: config.client_id.clone(),
            secret: config.client_secret.take(),
        };
        Ok(Self {
            config,
            region,
            pool_name: name,
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

    /// `bytes` random bytes as hex (sessions, device group keys, refresh tokens).
    pub(super) fn random_hex(&mut self, bytes: usize) -> core::result::Result<String, Refusal> {
        self.random_text(bytes, &[])
    }

    /// A random UUID (`8-4-4-4-12` hex digits: device keys, token ids).
    pub(super) fn random_uuid(&mut self) -> core::result::Result<String, Refusal> {
        self.random_text(16, &UUID_DASHES)
    }

    /// `bytes` random bytes drawn into a wiped buffer and written as [`hex::text`].
    fn random_text(
        &mut self,
        bytes: usize,
        dashes: &[usize],
    ) -> core::result::Result<String, Refusal> {
        let mut buf = Zeroizing::new(alloc::vec![0u8; bytes]);
        self.draw(&mut buf)?;
        Ok(hex::text(&buf, dashes))
    }

    /// Fill `buf` from the pool's RNG.
    pub(super) fn draw(&mut self, buf: &mut [u8]) -> core::result::Result<(), Refusal> {
        self.rng.try_fill_bytes(buf).map_err(|_| internal_error())
    }

    /// Send `challenge` in a new session, keeping its exchange for the answer (found by that
    /// session).
    pub(super) fn challenge_in_session(
        &mut self,
        mut challenge: Challenge,
        exchange: Exchange,
        call: Call,
    ) -> Answered {
        let session = self.random_hex(32)?;
        challenge.session = Some(session.clone());
        self.keep(Some(session), exchange, call);
        Ok(Reply::Challenge(challenge))
    }
}

impl<R> UserPool<R> {
    /// The user whose internal name is `username`.
    pub(super) fn internal(&self, username: &str) -> Option<usize> {
        self.users
            .iter()
            .position(|u| u.verifier.username() == username)
    }

    /// The user a name signs in as: the one whose internal name it is, else the one with it
    /// as an alias.
    pub(super) fn find_user(&self, name: &str) -> Option<usize> {
        self.internal(name).or_else(|| {
            self.users
                .iter()
                .position(|u| u.aliases.iter().any(|a| a == name))
        })
    }

    pub(super) fn username_of(&self, user: usize) -> String {
        self.users
            .get(user)
            .map(|u| String::from(u.verifier.username()))
            .unwrap_or_default()
    }

    /// Whether `user` has confirmed the sign-up: `UserNotConfirmedException` unless.
    pub(super) fn check_confirmed(&self, user: usize) -> core::result::Result<(), Refusal> {
        if self.users.get(user).is_some_and(|u| !u.confirmed) {
            return Err(error("UserNotConfirmedException", "User is not confirmed."));
        }
        Ok(())
    }

    /// The device `device_key` of `user`, if it is confirmed.
    pub(super) fn device(&self, user: usize, device_key: &str) -> Option<&DeviceVerifier> {
        self.users.get(user)?.device(device_key)
    }

    /// That `hash` is the `SECRET_HASH` of `username` for the request's app client (any
    /// value, or none, for a client without a secret).
    pub(super) fn check_secret_hash(
        &self,
        call: Call,
        username: &str,
        hash: Option<&str>,
    ) -> core::result::Result<(), Refusal> {
        let verified = self
            .clients
            .get(call.client)
            .is_some_and(|client| match &client.secret {
                None => true,
                Some(secret) => hash
                    .is_some_and(|h| verify_secret_hash(username, &client.id, secret, h).is_ok()),
            });
        if verified {
            Ok(())
        } else {
            Err(not_authorized(BAD_SECRET_HASH))
        }
    }

    /// The request's app client id.
    pub(super) fn client_id(&self, call: Call) -> String {
        self.clients
            .get(call.client)
            .map(|c| c.id.clone())
            .unwrap_or_default()
    }

    /// Drop expired challenges.
    pub(super) fn expire(&mut self, now: DateTime<Utc>) {
        let config = &self.config;
        self.pending.retain(|p| !config.expired(p.sent, now));
    }

    /// Keep a challenge, dropping the oldest beyond the bound.
    fn keep(&mut self, session: Option<String>, exchange: Exchange, call: Call) {
        while self.pending.len() >= self.config.max_pending.max(1) {
            self.pending.remove(0);
        }
        self.pending.push(Pending {
            sent: call.now,
            client: call.client,
            session,
            exchange,
        });
    }

    /// Send `challenge` (its answer is found by its secret block), keeping its exchange for
    /// the answer.
    pub(super) fn challenge(
        &mut self,
        challenge: Challenge,
        exchange: Exchange,
        call: Call,
    ) -> Reply {
        self.keep(None, exchange, call);
        Reply::Challenge(challenge)
    }

    /// Take the unanswered challenge of the request's app client that `matches` selects,
    /// refusing an expired one; with where it was, to put it back with
    /// [`restore`](Self::restore).
    pub(super) fn take_pending(
        &mut self,
        call: Call,
        refusal: &str,
        matches: impl Fn(&Pending) -> bool,
    ) -> core::result::Result<(usize, Pending), Refusal> {
        let index = self
            .pending
            .iter()
            .position(|p| p.client == call.client && matches(p))
            .ok_or_else(|| not_authorized(refusal))?;
        let pending = self.pending.remove(index);
        if self.config.expired(pending.sent, call.now) {
            return Err(not_authorized(EXPIRED_SESSION));
        }
        Ok((index, pending))
    }

    /// Put back a challenge taken with [`take_pending`](Self::take_pending), where it was.
    pub(super) fn restore(&mut self, index: usize, pending: Pending) {
        self.pending.insert(index.min(self.pending.len()), pending);
    }

    /// Take the exchange of `session`.
    pub(super) fn take_session(
        &mut self,
        session: Option<&str>,
        call: Call,
    ) -> core::result::Result<Exchange, Refusal> {
        let session = session.ok_or_else(|| not_authorized(INVALID_SESSION))?;
        self.take_pending(call, INVALID_SESSION, |p| {
            p.session.as_deref() == Some(session)
        })
        .map(|(_, pending)| pending.exchange)
    }
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
