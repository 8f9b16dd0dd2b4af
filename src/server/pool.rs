//! A small offline user pool: it answers the requests a [`SignIn`](crate::SignIn) yields as
//! Cognito does for `USER_SRP_AUTH` with device tracking, checking every `SECRET_HASH`, every
//! claim and every device.

use alloc::borrow::ToOwned;
use alloc::boxed::Box;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use chrono::{DateTime, Utc};
use hmac::Mac as _;
use rand_core::TryCryptoRng;
use zeroize::Zeroizing;

use super::{
    DeviceVerifier, Identity, ServerSrp, StoredVerifier, UserVerifier, verify_secret_hash,
};
use crate::challenge::{auth_flow, challenge_name, param};
use crate::client::pool_name;
use crate::device::DeviceSecretVerifierConfig;
use crate::encoding::{to_java_bytes_vartime, u3072_from_be_slice};
use crate::error::{Error, Result};
use crate::flow::{Challenge, NewDeviceMetadata, Request, ServerAnswer};
use crate::group::{Monty, PARAMS};
use crate::secret::{ClientSecret, Password};
use crate::srp::hmac_sha256;

/// The settings of a [`UserPool`].
#[derive(Debug)]
#[non_exhaustive]
pub struct UserPoolConfig {
    /// `UserPoolId`, e.g. `us-east-1_Example`.
    pub pool_id: String,
    /// The one app client's id.
    pub client_id: String,
    /// The app client's secret, if it has one.
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
    /// A pool with one app client, device tracking on, sessions of 180 s, at most 1,024
    /// unanswered challenges.
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

struct User {
    verifier: UserVerifier,
    aliases: Vec<String>,
    devices: Vec<DeviceVerifier>,
    /// `(device key, device group key)` issued in `NewDeviceMetadata`, not yet confirmed.
    issued: Vec<(String, String)>,
}

/// Who a `PASSWORD_VERIFIER` challenge went to.
#[derive(Clone, Copy)]
enum Claimant {
    /// A user of the pool (index into `users`).
    User(usize),
    /// A name no user has: the challenge came from a derived fake verifier, so that an
    /// unknown user is answered exactly as a wrong password is.
    Unknown,
}

enum Exchange {
    /// A `PASSWORD_VERIFIER` is out; found by its secret block.
    Password {
        claimant: Claimant,
        srp: ServerSrp,
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

/// An unanswered challenge and when it was sent.
struct Pending {
    sent: DateTime<Utc>,
    exchange: Exchange,
}

/// An offline Cognito user pool for tests and demos: users with SRP verifiers (and aliases),
/// one app client (optionally with a secret), device tracking, and `ConfirmDevice`.
///
/// Like Cognito with user-existence errors prevented, it answers a name no user has with a
/// `PASSWORD_VERIFIER` challenge from a fake verifier derived from the name (the same salt
/// every time, the same work as for a real user), and then refuses the claim exactly as it
/// refuses a wrong password. Challenges expire after
/// [`session_lifetime_seconds`](UserPoolConfig::session_lifetime_seconds) and at most
/// [`max_pending`](UserPoolConfig::max_pending) are kept.
pub struct UserPool<R> {
    config: UserPoolConfig,
    users: Vec<User>,
    /// Unanswered challenges, oldest first.
    pending: Vec<Pending>,
    /// The key fake verifiers are derived with.
    fake_key: Zeroizing<[u8; 32]>,
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

impl<R: TryCryptoRng> UserPool<R> {
    /// An empty pool. Draws the key its fake verifiers are derived with from `rng`.
    ///
    /// # Errors
    /// [`Error::InvalidPoolId`] for a malformed pool id, [`Error::RandomSource`] when the RNG
    /// fails.
    pub fn new(config: UserPoolConfig, mut rng: R) -> Result<Self> {
        pool_name(&config.pool_id)?;
        let mut fake_key = Zeroizing::new([0u8; 32]);
        rng.try_fill_bytes(fake_key.as_mut())
            .map_err(|_| Error::RandomSource)?;
        Ok(Self {
            config,
            users: Vec::new(),
            pending: Vec::new(),
            fake_key,
            rng,
        })
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
            devices: Vec::new(),
            issued: Vec::new(),
        });
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

    fn find_user(&self, name: &str) -> Option<usize> {
        self.users
            .iter()
            .position(|u| u.verifier.username() == name || u.aliases.iter().any(|a| a == name))
    }

    fn check_secret_hash(&self, username: &str, hash: Option<&str>) -> bool {
        match &self.config.client_secret {
            None => true,
            Some(secret) => hash.is_some_and(|h| {
                verify_secret_hash(username, &self.config.client_id, secret, h).is_ok()
            }),
        }
    }

    fn random_hex(&mut self, bytes: usize) -> Option<String> {
        let mut buf = alloc::vec![0u8; bytes];
        self.rng.try_fill_bytes(&mut buf).ok()?;
        Some(buf.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// Answer one request as Cognito would. Refusals are [`ServerAnswer::Error`] with
    /// Cognito's exception names and messages. `now` is the pool's clock: it checks claim
    /// timestamps and expires challenges.
    pub fn handle(&mut self, request: &Request, now: DateTime<Utc>) -> ServerAnswer {
        if request.context().client_id != self.config.client_id {
            return error(
                "ResourceNotFoundException",
                "User pool client does not exist.",
            );
        }
        if request
            .context()
            .user_pool_id
            .as_ref()
            .is_some_and(|p| *p != self.config.pool_id)
        {
            return error("ResourceNotFoundException", "User pool does not exist.");
        }
        let answer = match request {
            Request::InitiateAuth(r) => self.initiate(&r.auth_parameters, now),
            Request::RespondToAuthChallenge(r) => {
                self.respond(&r.challenge_responses, r.session.as_deref(), now)
            }
        };
        self.expire(now);
        answer
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
    fn keep(&mut self, exchange: Exchange, now: DateTime<Utc>) {
        while self.pending.len() >= self.config.max_pending.max(1) {
            self.pending.remove(0);
        }
        self.pending.push(Pending {
            sent: now,
            exchange,
        });
    }

    /// Take the unanswered challenge `matches` selects, refusing an expired one.
    fn take(
        &mut self,
        now: DateTime<Utc>,
        refusal: &str,
        matches: impl Fn(&Exchange) -> bool,
    ) -> core::result::Result<Exchange, ServerAnswer> {
        let index = self
            .pending
            .iter()
            .position(|p| matches(&p.exchange))
            .ok_or_else(|| not_authorized(refusal))?;
        let pending = self.pending.remove(index);
        if self.expired(pending.sent, now) {
            return Err(not_authorized(EXPIRED_SESSION));
        }
        Ok(pending.exchange)
    }

    /// Take the device exchange of `session`: the `DEVICE_SRP_AUTH` one, or the
    /// `DEVICE_PASSWORD_VERIFIER` one when `claim`.
    fn take_session(
        &mut self,
        session: Option<&str>,
        now: DateTime<Utc>,
        claim: bool,
    ) -> core::result::Result<Exchange, ServerAnswer> {
        let session = session.ok_or_else(|| not_authorized(INVALID_SESSION))?;
        self.take(now, INVALID_SESSION, |e| match e {
            Exchange::DeviceAuth { session: s, .. } => !claim && s == session,
            Exchange::DevicePassword { session: s, .. } => claim && s == session,
            Exchange::Password { .. } => false,
        })
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
        StoredVerifier {
            id: Identity {
                realm: String::from(pool_name(&self.config.pool_id).unwrap_or_default()),
                identity: String::from(name),
            },
            salt_enc: to_java_bytes_vartime(salt.get(..16).unwrap_or_default()),
            v: Box::new(Zeroizing::new(Monty::new(&v, &PARAMS))),
        }
    }

    fn initiate(&mut self, parameters: &crate::AuthParameters, now: DateTime<Utc>) -> ServerAnswer {
        if parameters.auth_flow() != auth_flow::USER_SRP_AUTH {
            return error(
                "InvalidParameterException",
                "This pool supports USER_SRP_AUTH only.",
            );
        }
        let Some(typed) = parameters.get(param::USERNAME) else {
            return missing(param::USERNAME);
        };
        // SECRET_HASH over the name as typed (an alias is fine here).
        if !self.check_secret_hash(typed, parameters.get(param::SECRET_HASH)) {
            return not_authorized(BAD_SECRET_HASH);
        }
        let Some(srp_a) = parameters.get(param::SRP_A) else {
            return missing(param::SRP_A);
        };
        let (claimant, started, internal) = match self.find_user(typed) {
            Some(user) => match self.users.get(user) {
                Some(record) => (
                    Claimant::User(user),
                    ServerSrp::for_user(&record.verifier, srp_a, &mut self.rng),
                    String::from(record.verifier.username()),
                ),
                None => return not_authorized(INCORRECT),
            },
            None => {
                let fake = self.fake_verifier(typed);
                (
                    Claimant::Unknown,
                    ServerSrp::start(&fake, srp_a, &mut self.rng),
                    String::from(typed),
                )
            }
        };
        let Ok(srp) = started else {
            return error("InvalidParameterException", "Invalid SRP_A.");
        };
        let challenge = Challenge::new(
            challenge_name::PASSWORD_VERIFIER,
            [
                (param::SALT, String::from(srp.salt())),
                (param::SRP_B, String::from(srp.srp_b())),
                (param::SECRET_BLOCK, String::from(srp.secret_block())),
                (param::USER_ID_FOR_SRP, internal.clone()),
                (param::USERNAME, internal),
            ],
            None,
        );
        let device_key = parameters.get(param::DEVICE_KEY).map(String::from);
        self.keep(
            Exchange::Password {
                claimant,
                srp,
                device_key,
            },
            now,
        );
        ServerAnswer::Challenge(challenge)
    }

    fn respond(
        &mut self,
        responses: &crate::ChallengeResponses,
        session: Option<&str>,
        now: DateTime<Utc>,
    ) -> ServerAnswer {
        let Some(username) = responses.get(param::USERNAME) else {
            return missing(param::USERNAME);
        };
        let answer = match responses.challenge_name() {
            challenge_name::PASSWORD_VERIFIER => self.password_verifier(username, responses, now),
            challenge_name::DEVICE_SRP_AUTH => {
                self.device_srp_auth(username, responses, session, now)
            }
            challenge_name::DEVICE_PASSWORD_VERIFIER => {
                self.device_password_verifier(username, responses, session, now)
            }
            _ => Err(error(
                "InvalidParameterException",
                "Unsupported challenge for this pool.",
            )),
        };
        answer.unwrap_or_else(|refusal| refusal)
    }

    fn password_verifier(
        &mut self,
        username: &str,
        responses: &crate::ChallengeResponses,
        now: DateTime<Utc>,
    ) -> core::result::Result<ServerAnswer, ServerAnswer> {
        let block = responses
            .get(param::PASSWORD_CLAIM_SECRET_BLOCK)
            .unwrap_or_default();
        let exchange = self.take(
            now,
            INCORRECT,
            |e| matches!(e, Exchange::Password { srp, .. } if srp.secret_block() == block),
        )?;
        let Exchange::Password {
            claimant,
            srp,
            device_key,
        } = exchange
        else {
            return Err(not_authorized(INCORRECT));
        };
        let verified = srp.verify(|k| responses.get(k), now);
        // An unknown user fails here, after the same work as a wrong password.
        let Claimant::User(user) = claimant else {
            return Err(not_authorized(INCORRECT));
        };
        self.check_user_response(user, username, responses)?;
        claim_refusal(verified)?;
        let device_key = responses
            .get(param::DEVICE_KEY)
            .map(String::from)
            .or(device_key);
        let Some(device_key) = device_key else {
            return Ok(self.authenticated(user));
        };
        if self.device(user, &device_key).is_none() {
            return Err(error("ResourceNotFoundException", NO_DEVICE));
        }
        let session = self
            .random_hex(32)
            .ok_or_else(|| not_authorized(INCORRECT))?;
        let challenge = Challenge::new(
            challenge_name::DEVICE_SRP_AUTH,
            [(param::USERNAME, String::from(username))],
            Some(&session),
        );
        self.keep(
            Exchange::DeviceAuth {
                user,
                session,
                device_key,
            },
            now,
        );
        Ok(ServerAnswer::Challenge(challenge))
    }

    fn device_srp_auth(
        &mut self,
        username: &str,
        responses: &crate::ChallengeResponses,
        session: Option<&str>,
        now: DateTime<Utc>,
    ) -> core::result::Result<ServerAnswer, ServerAnswer> {
        let exchange = self.take_session(session, now, false)?;
        let Exchange::DeviceAuth {
            user, device_key, ..
        } = exchange
        else {
            return Err(not_authorized(INVALID_SESSION));
        };
        self.check_user_response(user, username, responses)?;
        if responses.get(param::DEVICE_KEY) != Some(device_key.as_str()) {
            return Err(error("ResourceNotFoundException", NO_DEVICE));
        }
        let srp_a = responses
            .get(param::SRP_A)
            .ok_or_else(|| missing(param::SRP_A))?;
        let device = self
            .users
            .get(user)
            .and_then(|u| u.devices.iter().find(|d| d.device_key() == device_key))
            .ok_or_else(|| error("ResourceNotFoundException", NO_DEVICE))?;
        let srp = ServerSrp::start(&device.0, srp_a, &mut self.rng)
            .map_err(|_| error("InvalidParameterException", "Invalid SRP_A."))?;
        let session = self
            .random_hex(32)
            .ok_or_else(|| not_authorized(INCORRECT))?;
        let challenge = Challenge::new(
            challenge_name::DEVICE_PASSWORD_VERIFIER,
            [
                (param::SALT, String::from(srp.salt())),
                (param::SRP_B, String::from(srp.srp_b())),
                (param::SECRET_BLOCK, String::from(srp.secret_block())),
                (param::USERNAME, String::from(username)),
                (param::DEVICE_KEY, device_key.clone()),
            ],
            Some(&session),
        );
        self.keep(
            Exchange::DevicePassword {
                user,
                session,
                device_key,
                srp,
            },
            now,
        );
        Ok(ServerAnswer::Challenge(challenge))
    }

    fn device_password_verifier(
        &mut self,
        username: &str,
        responses: &crate::ChallengeResponses,
        session: Option<&str>,
        now: DateTime<Utc>,
    ) -> core::result::Result<ServerAnswer, ServerAnswer> {
        let exchange = self.take_session(session, now, true)?;
        let Exchange::DevicePassword {
            user,
            device_key,
            srp,
            ..
        } = exchange
        else {
            return Err(not_authorized(INVALID_SESSION));
        };
        self.check_user_response(user, username, responses)?;
        // The device must still be known (it may have been forgotten since DEVICE_SRP_AUTH).
        if responses.get(param::DEVICE_KEY) != Some(device_key.as_str())
            || self.device(user, &device_key).is_none()
        {
            return Err(error("ResourceNotFoundException", NO_DEVICE));
        }
        claim_refusal(srp.verify(|k| responses.get(k), now))?;
        Ok(ServerAnswer::Authenticated {
            new_device_metadata: None,
        })
    }

    fn device(&self, user: usize, device_key: &str) -> Option<&DeviceVerifier> {
        self.users
            .get(user)?
            .devices
            .iter()
            .find(|d| d.device_key() == device_key)
    }

    /// Every challenge response names the internal user and carries its `SECRET_HASH`.
    fn check_user_response(
        &self,
        user: usize,
        username: &str,
        responses: &crate::ChallengeResponses,
    ) -> core::result::Result<(), ServerAnswer> {
        let internal = self.users.get(user).map(|u| u.verifier.username());
        if internal != Some(username) {
            return Err(not_authorized(INCORRECT));
        }
        if !self.check_secret_hash(username, responses.get(param::SECRET_HASH)) {
            return Err(not_authorized(BAD_SECRET_HASH));
        }
        Ok(())
    }

    fn authenticated(&mut self, user: usize) -> ServerAnswer {
        if !self.config.device_tracking {
            return ServerAnswer::Authenticated {
                new_device_metadata: None,
            };
        }
        let region = self
            .config
            .pool_id
            .split('_')
            .next()
            .unwrap_or_default()
            .to_owned();
        let (Some(id), Some(group)) = (self.random_hex(16), self.random_hex(5)) else {
            return not_authorized(INCORRECT);
        };
        let uuid = format!(
            "{}-{}-{}-{}-{}",
            id.get(..8).unwrap_or_default(),
            id.get(8..12).unwrap_or_default(),
            id.get(12..16).unwrap_or_default(),
            id.get(16..20).unwrap_or_default(),
            id.get(20..).unwrap_or_default()
        );
        let metadata = NewDeviceMetadata {
            device_key: format!("{region}_{uuid}"),
            device_group_key: format!("-{group}"),
        };
        if let Some(u) = self.users.get_mut(user) {
            u.issued.push((
                metadata.device_key.clone(),
                metadata.device_group_key.clone(),
            ));
        }
        ServerAnswer::Authenticated {
            new_device_metadata: Some(metadata),
        }
    }
}

/// Cognito's answer to a claim that does not verify.
fn claim_refusal(result: Result<()>) -> core::result::Result<(), ServerAnswer> {
    match result {
        Ok(()) => Ok(()),
        Err(Error::InvalidTimestamp) => Err(error(
            "InvalidParameterException",
            "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.",
        )),
        Err(_) => Err(not_authorized(INCORRECT)),
    }
}

impl<R> fmt::Debug for UserPool<R> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserPool")
            .field("pool_id", &self.config.pool_id)
            .field("client_id", &self.config.client_id)
            .field("users", &self.users.len())
            .field("pending", &self.pending.len())
            .finish_non_exhaustive()
    }
}
