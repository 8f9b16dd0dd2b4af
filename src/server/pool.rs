//! A small offline user pool: it answers the requests a [`SignIn`](crate::SignIn) yields as
//! Cognito does for `USER_SRP_AUTH` with device tracking, checking every `SECRET_HASH`, every
//! claim and every device.

use alloc::borrow::ToOwned;
use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use chrono::{DateTime, Utc};
use rand_core::TryCryptoRng;

use super::{DeviceVerifier, ServerSrp, UserVerifier, verify_secret_hash};
use crate::challenge::{auth_flow, challenge_name, param};
use crate::client::pool_name;
use crate::device::DeviceSecretVerifierConfig;
use crate::error::{Error, Result};
use crate::flow::{Challenge, NewDeviceMetadata, Request, ServerAnswer};
use crate::secret::{ClientSecret, Password};

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
}

impl UserPoolConfig {
    /// A pool with one app client, device tracking on.
    #[must_use]
    pub fn new(pool_id: &str, client_id: &str, client_secret: Option<ClientSecret>) -> Self {
        Self {
            pool_id: String::from(pool_id),
            client_id: String::from(client_id),
            client_secret,
            device_tracking: true,
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

enum Pending {
    /// A `PASSWORD_VERIFIER` is out; found by its secret block.
    Password {
        user: usize,
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
        srp: ServerSrp,
    },
}

/// An offline Cognito user pool for tests and demos: users with SRP verifiers (and aliases),
/// one app client (optionally with a secret), device tracking, and `ConfirmDevice`.
pub struct UserPool<R> {
    config: UserPoolConfig,
    users: Vec<User>,
    pending: Vec<Pending>,
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

const INCORRECT: &str = "Incorrect username or password.";
const BAD_SECRET_HASH: &str = "Unable to verify secret hash for client";

impl<R: TryCryptoRng> UserPool<R> {
    /// An empty pool.
    ///
    /// # Errors
    /// [`Error::InvalidPoolId`] for a malformed pool id.
    pub fn new(config: UserPoolConfig, rng: R) -> Result<Self> {
        pool_name(&config.pool_id)?;
        Ok(Self {
            config,
            users: Vec::new(),
            pending: Vec::new(),
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
    /// - [`Error::MalformedParameter`] for a negative or malformed `Salt` / `PasswordVerifier`.
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
        let (key, group) = user.issued.remove(index);
        user.devices
            .push(DeviceVerifier::from_config(&key, &group, config)?);
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
    /// Cognito's exception names and messages.
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
        match request {
            Request::InitiateAuth(r) => self.initiate(&r.auth_parameters, now),
            Request::RespondToAuthChallenge(r) => {
                self.respond(&r.challenge_responses, r.session.as_deref(), now)
            }
        }
    }

    fn initiate(
        &mut self,
        parameters: &crate::AuthParameters,
        _now: DateTime<Utc>,
    ) -> ServerAnswer {
        if parameters.auth_flow() != auth_flow::USER_SRP_AUTH {
            return error(
                "InvalidParameterException",
                "This pool supports USER_SRP_AUTH only.",
            );
        }
        let Some(typed) = parameters.get(param::USERNAME) else {
            return error(
                "InvalidParameterException",
                "Missing required parameter USERNAME",
            );
        };
        // SECRET_HASH over the name as typed (an alias is fine here).
        if !self.check_secret_hash(typed, parameters.get(param::SECRET_HASH)) {
            return not_authorized(BAD_SECRET_HASH);
        }
        let Some(user) = self.find_user(typed) else {
            return error("UserNotFoundException", "User does not exist.");
        };
        let Some(srp_a) = parameters.get(param::SRP_A) else {
            return error(
                "InvalidParameterException",
                "Missing required parameter SRP_A",
            );
        };
        let Some(record) = self.users.get(user) else {
            return not_authorized(INCORRECT);
        };
        let srp = match ServerSrp::for_user(&record.verifier, srp_a, &mut self.rng) {
            Ok(srp) => srp,
            Err(_) => return error("InvalidParameterException", "Invalid SRP_A."),
        };
        let internal = String::from(record.verifier.username());
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
        self.pending.push(Pending::Password {
            user,
            srp,
            device_key,
        });
        ServerAnswer::Challenge(challenge)
    }

    fn respond(
        &mut self,
        responses: &crate::ChallengeResponses,
        session: Option<&str>,
        now: DateTime<Utc>,
    ) -> ServerAnswer {
        let Some(username) = responses.get(param::USERNAME) else {
            return error(
                "InvalidParameterException",
                "Missing required parameter USERNAME",
            );
        };
        match responses.challenge_name() {
            challenge_name::PASSWORD_VERIFIER => {
                let block = responses
                    .get(param::PASSWORD_CLAIM_SECRET_BLOCK)
                    .unwrap_or_default();
                let Some(index) = self.pending.iter().position(
                    |p| matches!(p, Pending::Password { srp, .. } if srp.secret_block() == block),
                ) else {
                    return not_authorized(INCORRECT);
                };
                let Pending::Password {
                    user,
                    srp,
                    device_key,
                } = self.pending.swap_remove(index)
                else {
                    return not_authorized(INCORRECT);
                };
                if let Some(refusal) = self.check_user_response(user, username, responses) {
                    return refusal;
                }
                if let Some(refusal) = claim_refusal(srp.verify(|k| responses.get(k), now)) {
                    return refusal;
                }
                let device_key = responses
                    .get(param::DEVICE_KEY)
                    .map(String::from)
                    .or(device_key);
                match device_key {
                    Some(device_key) => {
                        let known = self.users.get(user).is_some_and(|u| {
                            u.devices.iter().any(|d| d.device_key() == device_key)
                        });
                        if !known {
                            return error("ResourceNotFoundException", "Device does not exist.");
                        }
                        let Some(session) = self.random_hex(32) else {
                            return not_authorized(INCORRECT);
                        };
                        self.pending.push(Pending::DeviceAuth {
                            user,
                            session: session.clone(),
                            device_key,
                        });
                        ServerAnswer::Challenge(Challenge::new(
                            challenge_name::DEVICE_SRP_AUTH,
                            [(param::USERNAME, String::from(username))],
                            Some(&session),
                        ))
                    }
                    None => self.authenticated(user),
                }
            }
            challenge_name::DEVICE_SRP_AUTH => {
                let Some(index) = self.pending_by_session(session, false) else {
                    return not_authorized("Invalid session for the user.");
                };
                let Pending::DeviceAuth {
                    user, device_key, ..
                } = self.pending.swap_remove(index)
                else {
                    return not_authorized("Invalid session for the user.");
                };
                if let Some(refusal) = self.check_user_response(user, username, responses) {
                    return refusal;
                }
                if responses.get(param::DEVICE_KEY) != Some(device_key.as_str()) {
                    return error("ResourceNotFoundException", "Device does not exist.");
                }
                let Some(srp_a) = responses.get(param::SRP_A) else {
                    return error(
                        "InvalidParameterException",
                        "Missing required parameter SRP_A",
                    );
                };
                let Some(device) = self
                    .users
                    .get(user)
                    .and_then(|u| u.devices.iter().find(|d| d.device_key() == device_key))
                else {
                    return error("ResourceNotFoundException", "Device does not exist.");
                };
                let srp = match ServerSrp::for_device(device, srp_a, &mut self.rng) {
                    Ok(srp) => srp,
                    Err(_) => return error("InvalidParameterException", "Invalid SRP_A."),
                };
                let Some(session) = self.random_hex(32) else {
                    return not_authorized(INCORRECT);
                };
                let challenge = Challenge::new(
                    challenge_name::DEVICE_PASSWORD_VERIFIER,
                    [
                        (param::SALT, String::from(srp.salt())),
                        (param::SRP_B, String::from(srp.srp_b())),
                        (param::SECRET_BLOCK, String::from(srp.secret_block())),
                        (param::USERNAME, String::from(username)),
                        (param::DEVICE_KEY, device_key),
                    ],
                    Some(&session),
                );
                self.pending
                    .push(Pending::DevicePassword { user, session, srp });
                ServerAnswer::Challenge(challenge)
            }
            challenge_name::DEVICE_PASSWORD_VERIFIER => {
                let Some(index) = self.pending_by_session(session, true) else {
                    return not_authorized("Invalid session for the user.");
                };
                let Pending::DevicePassword { user, srp, .. } = self.pending.swap_remove(index)
                else {
                    return not_authorized("Invalid session for the user.");
                };
                if let Some(refusal) = self.check_user_response(user, username, responses) {
                    return refusal;
                }
                if let Some(refusal) = claim_refusal(srp.verify(|k| responses.get(k), now)) {
                    return refusal;
                }
                ServerAnswer::Authenticated {
                    new_device_metadata: None,
                }
            }
            _ => error(
                "InvalidParameterException",
                "Unsupported challenge for this pool.",
            ),
        }
    }

    fn pending_by_session(&self, session: Option<&str>, device_password: bool) -> Option<usize> {
        let session = session?;
        self.pending.iter().position(|p| match p {
            Pending::DeviceAuth { session: s, .. } => !device_password && s == session,
            Pending::DevicePassword { session: s, .. } => device_password && s == session,
            Pending::Password { .. } => false,
        })
    }

    /// Every challenge response names the internal user and carries its `SECRET_HASH`.
    fn check_user_response(
        &self,
        user: usize,
        username: &str,
        responses: &crate::ChallengeResponses,
    ) -> Option<ServerAnswer> {
        let internal = self.users.get(user).map(|u| u.verifier.username());
        if internal != Some(username) {
            return Some(not_authorized(INCORRECT));
        }
        if !self.check_secret_hash(username, responses.get(param::SECRET_HASH)) {
            return Some(not_authorized(BAD_SECRET_HASH));
        }
        None
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
fn claim_refusal(result: Result<()>) -> Option<ServerAnswer> {
    match result {
        Ok(()) => None,
        Err(Error::InvalidTimestamp) => Some(error(
            "InvalidParameterException",
            "TIMESTAMP format should be EEE MMM d HH:mm:ss z yyyy in english.",
        )),
        Err(_) => Some(not_authorized(INCORRECT)),
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
