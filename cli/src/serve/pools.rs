//! What serve keeps, and the dispatch of an operation to it.
//!
//! - [`Service`]: every pool, by id, by app client id and by the header of its tokens, each
//!   pool's limits, and a fallback core pool that answers the sign-in requests no pool takes
//!   (so that malformed ones get the core's exact refusals);
//! - [`Pool`]: one user pool: the core crate's offline [`UserPool`] (SRP, `SECRET_HASH`,
//!   challenges, device SRP, refresh tokens), its RSA key, and the directory of what the core
//!   does not keep (app clients' settings, users' attributes, remembered devices' records);
//! - [`Answer`]: the status and body an operation gets.
//!
//! Locks: the registry is read (briefly) before a pool's locks are taken and never while
//! one is held; a pool's `directory` is taken before its `core`, and its `profiles` last.
//! Every operation runs on a blocking thread (see `http.rs`): the SRP work of one sign-in
//! never holds up the async workers.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError, RwLock};

use chrono::{DateTime, Utc};
use cognito_srp_auth::server::{JsonAnswer, UserPool, UserPoolConfig};
use getrandom::SysRng;
use serde_json::Value;
use zeroize::Zeroizing;

use super::api::{
    ApiError, Fields, internal, invalid_parameter, limit_exceeded, unknown_operation, unknown_pool,
    wipe,
};
use super::jwt::PoolKey;

/// The core crate's offline pool, on the operating system's randomness.
pub(super) type CorePool = UserPool<SysRng>;

/// The most user pools one serve process keeps.
pub(super) const MAX_POOLS: usize = 64;
/// The most app clients a pool has.
pub(super) const MAX_CLIENTS: usize = 64;
/// The most users a pool has.
pub(super) const MAX_USERS: usize = 10_000;
/// The most remembered devices a user has: confirming one more forgets the one that
/// authenticated least recently.
pub(super) const MAX_DEVICES: usize = 32;
/// The most token sets (sign-ins and refreshes) one serve process issues: the core pool
/// keeps every refresh token and every device it offered, so this bounds its memory (about
/// 300 bytes each, 300 MB at most).
pub(super) const MAX_SIGN_INS: u64 = 1_000_000;

/// The answer to one request: the HTTP status, the JSON body (wiped once sent: it may carry
/// tokens), and for a refusal its `__type` (the `x-amzn-ErrorType` header).
pub(super) struct Answer {
    /// The HTTP status.
    pub(super) status: u16,
    /// The JSON body.
    pub(super) body: Zeroizing<Vec<u8>>,
    /// The exception of a refusal.
    pub(super) error_type: Option<String>,
}

impl std::fmt::Debug for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Answer")
            .field("status", &self.status)
            .field("body_len", &self.body.len())
            .field("error_type", &self.error_type)
            .finish()
    }
}

impl From<ApiError> for Answer {
    fn from(e: ApiError) -> Self {
        Self {
            status: e.status,
            body: Zeroizing::new(e.body().into_bytes()),
            error_type: Some(e.kind.to_owned()),
        }
    }
}

impl Answer {
    /// A 200 answer of `value`, serialized into a buffer of its final size (wiped on drop);
    /// `value`'s strings are wiped.
    fn ok(mut value: Value) -> Self {
        // Serializing a `Value` to memory cannot fail; an empty body would be the answer if
        // it did.
        let body = crate::output::json_wiped(&value, b"").unwrap_or_default();
        wipe(&mut value);
        Self {
            status: 200,
            body,
            error_type: None,
        }
    }

    /// The core pool's answer, moved (not copied); a refusal's `__type` read from its body.
    fn from_core(answer: JsonAnswer) -> Self {
        let JsonAnswer { status, body, .. } = answer;
        let error_type = (status != 200).then(|| error_type(&body)).flatten();
        Self {
            status,
            body: Zeroizing::new(body.into_bytes()),
            error_type,
        }
    }
}

/// The `__type` of a refusal's body.
fn error_type(body: &str) -> Option<String> {
    match serde_json::from_str::<Value>(body).ok()?.get("__type")? {
        Value::String(kind) => Some(kind.clone()),
        _ => None,
    }
}

/// A lock, also after a thread panicked while holding it (nothing here panics; the data
/// stays consistent at every step anyway).
pub(super) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The pool settings `CreateUserPool` chose.
#[derive(Debug, Clone)]
pub(super) struct Settings {
    /// `AliasAttributes`: `email`, `phone_number`, `preferred_username`.
    pub(super) alias_attributes: Vec<String>,
    /// `UsernameAttributes`: `email`, `phone_number`.
    pub(super) username_attributes: Vec<String>,
    /// `DeviceConfiguration`: device tracking is on with one.
    pub(super) device: Option<DeviceSettings>,
    /// `MfaConfiguration`: `OFF` or `OPTIONAL`.
    pub(super) mfa: String,
    /// `Policies.PasswordPolicy`.
    pub(super) policy: PasswordPolicy,
}

/// `DeviceConfiguration`.
#[derive(Debug, Clone, Copy)]
pub(super) struct DeviceSettings {
    /// `ChallengeRequiredOnNewDevice` (kept and returned; serve has no MFA to require).
    pub(super) challenge_required_on_new_device: bool,
    /// `DeviceOnlyRememberedOnUserPrompt`: a confirmed device starts `not_remembered` and
    /// `ConfirmDevice` answers `UserConfirmationNecessary: true`.
    pub(super) only_remembered_on_user_prompt: bool,
}

/// `PasswordPolicy` (Cognito's default: 8 characters, all four kinds).
#[derive(Debug, Clone, Copy)]
pub(super) struct PasswordPolicy {
    /// `MinimumLength`.
    pub(super) minimum_length: usize,
    /// `RequireUppercase`.
    pub(super) uppercase: bool,
    /// `RequireLowercase`.
    pub(super) lowercase: bool,
    /// `RequireNumbers`.
    pub(super) numbers: bool,
    /// `RequireSymbols`.
    pub(super) symbols: bool,
}

/// An app client's record (the core pool keeps its id and secret).
#[derive(Debug, Clone)]
pub(super) struct ClientRecord {
    /// `ClientId`.
    pub(super) id: String,
    /// `ExplicitAuthFlows`, as given (Cognito's default without).
    pub(super) flows: Vec<String>,
}

/// A user's record (the core pool keeps its verifier and aliases once it has a password).
#[derive(Debug, Clone)]
pub(super) struct UserRecord {
    /// The internal user name (`cognito:username`).
    pub(super) username: String,
    /// `sub`, a UUID.
    pub(super) sub: String,
    /// `UserAttributes` other than `sub`, in order.
    pub(super) attributes: Vec<(String, String)>,
    /// The names that sign in as the user besides `username`.
    pub(super) aliases: Vec<String>,
    /// Whether `AdminSetUserPassword` gave it its (permanent) password.
    pub(super) has_password: bool,
    /// `UserCreateDate`, seconds.
    pub(super) created: i64,
    /// `UserLastModifiedDate`, seconds.
    pub(super) modified: i64,
    /// Its confirmed devices, oldest first.
    pub(super) devices: Vec<DeviceRecord>,
}

/// A confirmed device's record.
#[derive(Debug, Clone)]
pub(super) struct DeviceRecord {
    /// `DeviceKey`.
    pub(super) key: String,
    /// `DeviceName` of `ConfirmDevice`.
    pub(super) name: Option<String>,
    /// `dev:device_remembered_status`.
    pub(super) remembered: bool,
    /// `DeviceCreateDate`, seconds.
    pub(super) created: i64,
    /// `DeviceLastModifiedDate`, seconds.
    pub(super) modified: i64,
    /// `DeviceLastAuthenticatedDate`, seconds.
    pub(super) last_authenticated: i64,
}

/// What the core pool does not keep.
#[derive(Debug, Default)]
pub(super) struct Directory {
    /// App clients, in creation order.
    pub(super) clients: Vec<ClientRecord>,
    /// Users, in creation order.
    pub(super) users: Vec<UserRecord>,
}

impl Directory {
    /// The user `name` designates in an `Admin…` request: its internal name, an alias or its
    /// `sub`.
    pub(super) fn user_index(&self, name: &str) -> Option<usize> {
        self.users
            .iter()
            .position(|u| u.username == name)
            .or_else(|| {
                self.users
                    .iter()
                    .position(|u| u.aliases.iter().any(|a| a == name))
            })
            .or_else(|| self.users.iter().position(|u| u.sub == name))
    }

    /// The user of an access token (by its internal name).
    pub(super) fn user_by_username(&mut self, username: &str) -> Option<&mut UserRecord> {
        self.users.iter_mut().find(|u| u.username == username)
    }

    /// Record that `device_key` just signed in (device SRP).
    fn touch_device(&mut self, device_key: &str, now: i64) {
        if let Some(device) = self
            .users
            .iter_mut()
            .flat_map(|u| u.devices.iter_mut())
            .find(|d| d.key == device_key)
        {
            device.last_authenticated = now;
        }
    }
}

/// The claims serve adds to a user's tokens: Cognito's `sub` (a UUID, where the core pool
/// writes the internal name) and, in id tokens, the user's attributes.
#[derive(Debug, Clone)]
pub(super) struct Profile {
    /// `sub`.
    pub(super) sub: String,
    /// The id token's attribute claims (`…_verified` as booleans).
    pub(super) id_claims: Vec<(String, Value)>,
}

/// Internal name → profile, read by the token signer.
pub(super) type Profiles = Arc<Mutex<BTreeMap<String, Profile>>>;

/// One user pool.
#[derive(Debug)]
pub(super) struct Pool {
    /// `Id`, `<region>_<9 letters or digits>`.
    pub(super) id: String,
    /// `Name`.
    pub(super) name: String,
    /// What `CreateUserPool` chose.
    pub(super) settings: Settings,
    /// Its RSA key.
    pub(super) key: Arc<PoolKey>,
    /// `CreationDate`, seconds.
    pub(super) created: i64,
    /// The core pool.
    pub(super) core: Mutex<CorePool>,
    /// What the core does not keep.
    pub(super) directory: Mutex<Directory>,
    /// Read by the token signer.
    pub(super) profiles: Profiles,
    /// `iss` of its tokens: `<endpoint>/<pool id>`.
    pub(super) issuer: String,
}

impl Pool {
    /// `iss` of its tokens, `http://127.0.0.1:<port>/<pool id>`: where Cognito's tokens name
    /// `https://cognito-idp.<region>.amazonaws.com/<pool id>`, serve's name the address that
    /// serves the key set (`<iss>/.well-known/jwks.json`), as Cognito's do.
    pub(super) fn issuer(&self) -> &str {
        &self.issuer
    }

    /// Refuse a flow the app client does not allow (`InvalidParameterException`
    /// `<FLOW> flow not enabled for this client`), as Cognito does.
    fn check_flow(&self, client_id: &str, flow: &str) -> Result<(), ApiError> {
        let directory = lock(&self.directory);
        let Some(client) = directory.clients.iter().find(|c| c.id == client_id) else {
            return Ok(());
        };
        let allowed = |name: &str| client.flows.iter().any(|f| f == name);
        let legacy = [
            "ADMIN_NO_SRP_AUTH",
            "CUSTOM_AUTH_FLOW_ONLY",
            "USER_PASSWORD_AUTH",
        ]
        .iter()
        .any(|l| allowed(l));
        let enabled = match flow {
            "USER_SRP_AUTH" => legacy || allowed("ALLOW_USER_SRP_AUTH"),
            "REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN" => legacy || allowed("ALLOW_REFRESH_TOKEN_AUTH"),
            "USER_PASSWORD_AUTH" => {
                allowed("ALLOW_USER_PASSWORD_AUTH") || allowed("USER_PASSWORD_AUTH")
            }
            "ADMIN_USER_PASSWORD_AUTH" | "ADMIN_NO_SRP_AUTH" => {
                allowed("ALLOW_ADMIN_USER_PASSWORD_AUTH") || allowed("ADMIN_NO_SRP_AUTH")
            }
            "CUSTOM_AUTH" => allowed("ALLOW_CUSTOM_AUTH") || allowed("CUSTOM_AUTH_FLOW_ONLY"),
            "USER_AUTH" => allowed("ALLOW_USER_AUTH"),
            // The core pool refuses the rest as Cognito does.
            _ => true,
        };
        if enabled {
            Ok(())
        } else {
            Err(invalid_parameter(format!(
                "{flow} flow not enabled for this client"
            )))
        }
    }
}

/// Every pool, and where requests find them.
#[derive(Debug, Default)]
struct Registry {
    /// Pool id → pool.
    pools: BTreeMap<String, Arc<Pool>>,
    /// App client id → pool id.
    clients: BTreeMap<String, String>,
    /// Token header (it names the key) → pool id.
    headers: BTreeMap<String, String>,
}

/// serve's state: the pools, the region of new pools, and the count of issued token sets.
#[derive(Debug)]
pub(super) struct Service {
    /// The region of new pools' ids.
    region: String,
    /// `http://127.0.0.1:<port>`.
    endpoint: String,
    /// Every pool.
    registry: RwLock<Registry>,
    /// A pool without users or reachable clients: it answers the sign-in requests no pool
    /// takes, with the core's exact refusals for malformed ones and
    /// `User pool client <id> does not exist.` for the rest.
    fallback: Mutex<CorePool>,
    /// Access tokens minted, by every pool.
    minted: Arc<AtomicU64>,
}

/// The sign-in fields serve routes by (and records a device sign-in with), read from a
/// body the core pool then parses itself.
#[derive(Debug, Default)]
struct Peek {
    /// `ClientId`.
    client_id: Option<String>,
    /// `UserPoolId`.
    pool_id: Option<String>,
    /// `AuthFlow`.
    auth_flow: Option<String>,
    /// `ChallengeName`.
    challenge: Option<String>,
    /// `ChallengeResponses.DEVICE_KEY`.
    device_key: Option<String>,
}

impl Peek {
    /// The fields, when the body is a JSON object and they are strings (otherwise absent:
    /// the core pool refuses the body).
    fn of(body: &[u8]) -> Self {
        let Ok(mut fields) = Fields::parse(body) else {
            return Self::default();
        };
        let mut text = |field: &str| fields.string(field, 1024).ok().flatten();
        let (client_id, pool_id) = (text("ClientId"), text("UserPoolId"));
        let (auth_flow, challenge) = (text("AuthFlow"), text("ChallengeName"));
        let device_key = fields
            .object("ChallengeResponses")
            .ok()
            .flatten()
            .and_then(|mut responses| responses.string("DEVICE_KEY", 1024).ok().flatten());
        Self {
            client_id,
            pool_id,
            auth_flow,
            challenge,
            device_key,
        }
    }
}

/// An operation serve answers itself (the sign-in operations go to the core pool).
type Handler = fn(&Service, Fields, DateTime<Utc>) -> Result<Value, ApiError>;

impl Service {
    /// No pools yet; new pools get ids in `region`, and their tokens' issuer under
    /// `endpoint` (`http://127.0.0.1:<port>`).
    ///
    /// # Errors
    /// A message when `region` cannot be a pool id's region (letters, digits and dashes) or
    /// the fallback pool cannot be made.
    pub(super) fn new(region: &str, endpoint: &str) -> Result<Self, String> {
        let valid = !region.is_empty()
            && region.len() <= 32
            && region
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !valid {
            return Err("--region: lowercase letters, digits and dashes, e.g. us-east-1".into());
        }
        let fallback = core_pool(&format!("{region}_serve"), false)
            .map_err(|e| format!("cannot start: {}", e.message))?;
        Ok(Self {
            region: region.to_owned(),
            endpoint: endpoint.to_owned(),
            registry: RwLock::new(Registry::default()),
            fallback: Mutex::new(fallback),
            minted: Arc::new(AtomicU64::new(0)),
        })
    }

    /// The region of new pools.
    pub(super) fn region(&self) -> &str {
        &self.region
    }

    /// Where serve listens, `http://127.0.0.1:<port>`.
    pub(super) fn endpoint(&self) -> &str {
        &self.endpoint
    }

    /// The issuer of a pool's tokens, and its JWKS, by pool id.
    pub(super) fn openid(&self, pool_id: &str) -> Option<(String, String)> {
        self.registry()
            .pools
            .get(pool_id)
            .map(|p| (p.issuer.clone(), p.key.jwks().to_owned()))
    }

    /// The counter of minted access tokens, for a pool's signer.
    pub(super) fn minted(&self) -> Arc<AtomicU64> {
        Arc::clone(&self.minted)
    }

    /// The registry, to read (briefly: no pool lock is taken while it is held).
    fn registry(&self) -> std::sync::RwLockReadGuard<'_, Registry> {
        self.registry.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// The registry, to change.
    fn registry_mut(&self) -> std::sync::RwLockWriteGuard<'_, Registry> {
        self.registry
            .write()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The pool `pool_id`.
    ///
    /// # Errors
    /// `ResourceNotFoundException` `User pool <id> does not exist.`.
    pub(super) fn pool(&self, pool_id: &str) -> Result<Arc<Pool>, ApiError> {
        self.registry()
            .pools
            .get(pool_id)
            .cloned()
            .ok_or_else(|| unknown_pool(pool_id))
    }

    /// The pool whose key signed tokens with this header.
    pub(super) fn pool_by_token_header(&self, header: &str) -> Option<Arc<Pool>> {
        let registry = self.registry();
        let pool_id = registry.headers.get(header)?;
        registry.pools.get(pool_id).cloned()
    }

    /// Keep a new pool.
    ///
    /// # Errors
    /// `LimitExceededException` beyond [`MAX_POOLS`].
    pub(super) fn insert_pool(&self, pool: Pool) -> Result<(), ApiError> {
        let mut registry = self.registry_mut();
        if registry.pools.len() >= MAX_POOLS {
            return Err(limit_exceeded(format!(
                "cognito-srp serve keeps at most {MAX_POOLS} user pools."
            )));
        }
        registry
            .headers
            .insert(pool.key.header().to_owned(), pool.id.clone());
        registry.pools.insert(pool.id.clone(), Arc::new(pool));
        Ok(())
    }

    /// Forget a pool, its clients and its key.
    ///
    /// # Errors
    /// `ResourceNotFoundException` for an unknown pool.
    pub(super) fn remove_pool(&self, pool_id: &str) -> Result<(), ApiError> {
        let mut registry = self.registry_mut();
        let pool = registry
            .pools
            .remove(pool_id)
            .ok_or_else(|| unknown_pool(pool_id))?;
        registry.clients.retain(|_, p| p != pool_id);
        registry.headers.remove(pool.key.header());
        Ok(())
    }

    /// Route requests with `client_id` to `pool_id` (its client was just added).
    pub(super) fn insert_client(&self, client_id: &str, pool_id: &str) {
        self.registry_mut()
            .clients
            .insert(client_id.to_owned(), pool_id.to_owned());
    }

    /// Whether some pool has the app client `client_id`.
    pub(super) fn has_client(&self, client_id: &str) -> bool {
        self.registry().clients.contains_key(client_id)
    }

    /// How many pools there are.
    pub(super) fn pool_count(&self) -> usize {
        self.registry().pools.len()
    }

    /// Whether a pool has the id `pool_id`.
    pub(super) fn has_pool(&self, pool_id: &str) -> bool {
        self.registry().pools.contains_key(pool_id)
    }

    /// Answer `operation` (the name after `AWSCognitoIdentityProviderService.`) with `body`
    /// at `now`. Never panics; blocking (SRP work, key generation): call it off the async
    /// workers.
    pub(super) fn answer(&self, operation: &str, body: &[u8], now: DateTime<Utc>) -> Answer {
        let handler: Handler = match operation {
            "InitiateAuth"
            | "AdminInitiateAuth"
            | "RespondToAuthChallenge"
            | "AdminRespondToAuthChallenge" => return self.sign_in(operation, body, now),
            "CreateUserPool" => Self::create_user_pool,
            "DeleteUserPool" => Self::delete_user_pool,
            "CreateUserPoolClient" => Self::create_user_pool_client,
            "AdminCreateUser" => Self::admin_create_user,
            "AdminSetUserPassword" => Self::admin_set_user_password,
            "AdminGetUser" => Self::admin_get_user,
            "GetUser" => Self::get_user,
            "ConfirmDevice" => Self::confirm_device,
            "UpdateDeviceStatus" => Self::update_device_status,
            "GetDevice" => Self::get_device,
            "ListDevices" => Self::list_devices,
            "ForgetDevice" => Self::forget_device,
            _ => return unknown_operation(operation).into(),
        };
        match Fields::parse(body).and_then(|fields| handler(self, fields, now)) {
            Ok(value) => Answer::ok(value),
            Err(e) => e.into(),
        }
    }

    /// A sign-in request: the body goes, as it is, to the `handle_json` of the pool its
    /// `ClientId` (or, for `Admin…`, its `UserPoolId` and `ClientId`) names.
    fn sign_in(&self, operation: &str, body: &[u8], now: DateTime<Utc>) -> Answer {
        let admin = operation.starts_with("Admin");
        let peek = Peek::of(body);
        let Some((pool, client_id)) = self.route(admin, &peek) else {
            return self.unroutable(operation, body, now, admin, &peek);
        };
        if operation.ends_with("InitiateAuth")
            && let Some(flow) = &peek.auth_flow
            && let Err(e) = pool.check_flow(&client_id, flow)
        {
            return e.into();
        }
        if self.minted.load(Ordering::Relaxed) >= MAX_SIGN_INS {
            return limit_exceeded(format!(
                "cognito-srp serve issues at most {MAX_SIGN_INS} sets of tokens; restart it."
            ))
            .into();
        }
        let answer = lock(&pool.core).handle_json(operation, body, now);
        if answer.status == 200
            && peek.challenge.as_deref() == Some("DEVICE_PASSWORD_VERIFIER")
            && let Some(device_key) = &peek.device_key
        {
            lock(&pool.directory).touch_device(device_key, now.timestamp());
        }
        Answer::from_core(answer)
    }

    /// The pool and app client of a sign-in request: the client's pool, which for
    /// `Admin…` must be the `UserPoolId`.
    fn route(&self, admin: bool, peek: &Peek) -> Option<(Arc<Pool>, String)> {
        let registry = self.registry();
        let client_id = peek.client_id.as_deref()?;
        let pool_id = registry.clients.get(client_id)?;
        if admin && peek.pool_id.as_deref() != Some(pool_id.as_str()) {
            return None;
        }
        let pool = registry.pools.get(pool_id)?;
        Some((Arc::clone(pool), client_id.to_owned()))
    }

    /// A sign-in request no pool takes: the fallback pool's answer (the core's refusal of a
    /// malformed body, else `User pool client <id> does not exist.`), or for an `Admin…`
    /// request naming no pool, `User pool <id> does not exist.`.
    fn unroutable(
        &self,
        operation: &str,
        body: &[u8],
        now: DateTime<Utc>,
        admin: bool,
        peek: &Peek,
    ) -> Answer {
        let answer = Answer::from_core(lock(&self.fallback).handle_json(operation, body, now));
        match &peek.pool_id {
            Some(pool_id)
                if admin
                    && !self.has_pool(pool_id)
                    && answer.error_type.as_deref() == Some("ResourceNotFoundException") =>
            {
                unknown_pool(pool_id).into()
            }
            _ => answer,
        }
    }
}

/// A core pool with a hidden app client that no request can name (it is never returned and
/// no route leads to it), device tracking as the pool's `DeviceConfiguration` says.
///
/// # Errors
/// `InternalErrorException` when the randomness fails or the pool id is malformed.
pub(super) fn core_pool(pool_id: &str, device_tracking: bool) -> Result<CorePool, ApiError> {
    let hidden = format!("internal-{}", random_text(32, HEX)?);
    let mut config = UserPoolConfig::new(pool_id, &hidden, None);
    config.device_tracking = device_tracking;
    UserPool::new(config, SysRng).map_err(|_| internal())
}

/// Lowercase hexadecimal digits.
pub(super) const HEX: &[u8] = b"0123456789abcdef";
/// Lowercase letters and digits (app client ids and secrets).
pub(super) const LOWER_ALNUM: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
/// Letters and digits (pool ids).
pub(super) const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/// `len` characters drawn uniformly from `alphabet` (at most 256 characters) with the
/// operating system's randomness, by rejection (no modulo bias).
///
/// # Errors
/// `InternalErrorException` when the randomness fails.
pub(super) fn random_text(len: usize, alphabet: &[u8]) -> Result<String, ApiError> {
    let size = alphabet.len();
    if size == 0 || size > 256 {
        return Err(internal());
    }
    // The largest multiple of `size` not above 256: bytes at or above it are drawn again.
    let limit = 256 - 256 % size;
    let mut out = String::with_capacity(len);
    let mut pool = [0u8; 64];
    while out.len() < len {
        getrandom::fill(&mut pool).map_err(|_| internal())?;
        for &b in &pool {
            if usize::from(b) < limit && out.len() < len {
                let c = alphabet.get(usize::from(b) % size).copied().unwrap_or(b'0');
                out.push(char::from(c));
            }
        }
    }
    Ok(out)
}

/// A random (version 4) UUID, as Cognito's `sub`.
///
/// # Errors
/// `InternalErrorException` when the randomness fails.
pub(super) fn uuid() -> Result<String, ApiError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|_| internal())?;
    Ok(uuid::Builder::from_random_bytes(bytes)
        .into_uuid()
        .hyphenated()
        .to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_text_uses_its_alphabet_and_length() {
        let text = random_text(500, ALNUM).unwrap();
        assert_eq!(text.len(), 500);
        assert!(text.bytes().all(|b| ALNUM.contains(&b)));
        assert!(random_text(3, b"").is_err());
        let id = uuid().unwrap();
        assert_eq!(id.len(), 36);
        assert_eq!(id.get(14..15), Some("4"));
        assert!(matches!(id.get(19..20), Some("8" | "9" | "a" | "b")));
    }

    #[test]
    fn json_bodies_are_allocated_at_their_final_size() {
        let body = crate::output::json_wiped(
            &serde_json::json!({"a": ["b", 1, null], "c": {"d": "é\""}}),
            b"\n",
        )
        .expect("a Value serializes");
        assert_eq!(
            body.as_slice(),
            "{\"a\":[\"b\",1,null],\"c\":{\"d\":\"é\\\"\"}}\n".as_bytes()
        );
        assert_eq!(body.capacity(), body.len());
    }
}
