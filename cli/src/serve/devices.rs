//! The operations authorized by a user's access token: `ConfirmDevice`,
//! `UpdateDeviceStatus`, `GetDevice`, `ListDevices`, `ForgetDevice` and `GetUser`.
//!
//! The token must be one a pool of this process signed (its RS256 signature verifies with
//! the key its header names), with `token_use` = `access`, the pool's `iss`, the scope
//! `aws.cognito.signin.user.admin` and an `exp` still ahead; the user is its `username`.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use cognito_srp_auth::DeviceSecretVerifierConfig;
use serde_json::{Value, json};
use zeroize::Zeroizing;

use super::admin::attributes_json;
use super::api::{
    ApiError, Fields, constraint, invalid_parameter, missing, not_authorized, resource_not_found,
};
use super::jwt::header_of;
use super::pools::{DeviceRecord, MAX_DEVICES, Pool, Service, UserRecord, lock};

/// The longest access token read (Cognito's are about 1 KiB).
const MAX_ACCESS_TOKEN: usize = 16 * 1024;
/// The longest device key (`<region>_<UUID>`).
const MAX_DEVICE_KEY: usize = 55;
/// The longest device name.
const MAX_DEVICE_NAME: usize = 1024;
/// The longest `Salt` or `PasswordVerifier` (base64 of at most 385 bytes, with room).
const MAX_VERIFIER: usize = 1024;
/// The most devices of one `ListDevices` page (Cognito's bound and default).
const MAX_PAGE: usize = 60;

/// `NotAuthorizedException` `Invalid Access Token`.
fn invalid_token() -> ApiError {
    not_authorized("Invalid Access Token")
}

/// `ResourceNotFoundException` `Device does not exist.`.
fn no_device() -> ApiError {
    resource_not_found("Device does not exist.")
}

/// `DeviceType`.
fn device_json(device: &DeviceRecord) -> Value {
    let mut attributes = vec![json!({ "Name": "device_status", "Value": "valid" })];
    if let Some(name) = &device.name {
        attributes.push(json!({ "Name": "device_name", "Value": name }));
    }
    let status = if device.remembered {
        "remembered"
    } else {
        "not_remembered"
    };
    attributes.push(json!({ "Name": "dev:device_remembered_status", "Value": status }));
    json!({
        "DeviceKey": device.key,
        "DeviceAttributes": attributes,
        "DeviceCreateDate": device.created,
        "DeviceLastModifiedDate": device.modified,
        "DeviceLastAuthenticatedDate": device.last_authenticated,
    })
}

/// The user of a checked access token.
fn user_of<'a>(
    directory: &'a mut super::pools::Directory,
    username: &str,
) -> Result<&'a mut UserRecord, ApiError> {
    directory
        .user_by_username(username)
        .ok_or_else(|| not_authorized("User does not exist."))
}

impl Service {
    /// The pool and internal user name of an access token (see the module docs).
    ///
    /// # Errors
    /// `NotAuthorizedException` `Invalid Access Token`, or `Access Token has expired`.
    fn authenticate(
        &self,
        token: &Zeroizing<String>,
        now: DateTime<Utc>,
    ) -> Result<(Arc<Pool>, String), ApiError> {
        let header = header_of(token).ok_or_else(invalid_token)?;
        let pool = self
            .pool_by_token_header(header)
            .ok_or_else(invalid_token)?;
        let claims = pool.key.verify(token).ok_or_else(invalid_token)?;
        let text = |name: &str| claims.get(name).and_then(Value::as_str);
        let scoped = text("scope")
            .is_some_and(|s| s.split(' ').any(|s| s == "aws.cognito.signin.user.admin"));
        if text("token_use") != Some("access") || text("iss") != Some(pool.issuer()) || !scoped {
            return Err(invalid_token());
        }
        let expires = claims
            .get("exp")
            .and_then(Value::as_i64)
            .ok_or_else(invalid_token)?;
        if expires <= now.timestamp() {
            return Err(not_authorized("Access Token has expired"));
        }
        let username = text("username").ok_or_else(invalid_token)?.to_owned();
        Ok((pool, username))
    }

    /// `AccessToken` and `DeviceKey`, both required.
    fn token_and_device(f: &mut Fields) -> Result<(Zeroizing<String>, String), ApiError> {
        let token = f.secret("AccessToken", MAX_ACCESS_TOKEN)?;
        let device_key = f.string("DeviceKey", MAX_DEVICE_KEY)?;
        match (token, device_key) {
            (Some(token), Some(device_key)) => Ok((token, device_key)),
            (token, device_key) => Err(missing(&[
                ("AccessToken", token.is_none()),
                ("DeviceKey", device_key.is_none()),
            ])),
        }
    }

    /// `ConfirmDevice`: the device the core pool offered the user (`NewDeviceMetadata`)
    /// gets its verifier and becomes a remembered device (`not_remembered`, with
    /// `UserConfirmationNecessary: true`, when the pool remembers devices on the user's
    /// prompt only). Beyond 32 devices the one that authenticated least recently is
    /// forgotten.
    pub(super) fn confirm_device(
        &self,
        mut f: Fields,
        now: DateTime<Utc>,
    ) -> Result<Value, ApiError> {
        let (token, device_key) = Self::token_and_device(&mut f)?;
        let config = f.object("DeviceSecretVerifierConfig")?;
        let name = f.string("DeviceName", MAX_DEVICE_NAME)?;
        let (salt, verifier) = match config {
            Some(mut c) => (
                c.string("Salt", MAX_VERIFIER)?,
                c.secret("PasswordVerifier", MAX_VERIFIER)?,
            ),
            None => (None, None),
        };
        let (pool, username) = self.authenticate(&token, now)?;
        let (Some(salt), Some(mut verifier)) = (salt, verifier) else {
            return Err(invalid_parameter(
                "DeviceSecretVerifierConfig needs a Salt and a PasswordVerifier.",
            ));
        };
        let config = DeviceSecretVerifierConfig::new(salt, std::mem::take(&mut *verifier));
        let mut directory = lock(&pool.directory);
        let user = user_of(&mut directory, &username)?;
        {
            let mut core = lock(&pool.core);
            match core.confirm_device(&username, &device_key, &config) {
                Ok(()) => {}
                Err(cognito_srp_auth::Error::MalformedDevice) => return Err(no_device()),
                Err(_) => {
                    return Err(invalid_parameter(
                        "DeviceSecretVerifierConfig is malformed (Salt or PasswordVerifier).",
                    ));
                }
            }
            while user.devices.len() >= MAX_DEVICES {
                let Some(oldest) = user
                    .devices
                    .iter()
                    .enumerate()
                    .min_by_key(|(_, d)| d.last_authenticated)
                    .map(|(i, _)| i)
                else {
                    break;
                };
                let evicted = user.devices.remove(oldest);
                core.forget_device(&evicted.key);
            }
        }
        let on_prompt = pool
            .settings
            .device
            .is_some_and(|d| d.only_remembered_on_user_prompt);
        user.devices.push(DeviceRecord {
            key: device_key,
            name,
            remembered: !on_prompt,
            created: now.timestamp(),
            modified: now.timestamp(),
            last_authenticated: now.timestamp(),
        });
        Ok(json!({ "UserConfirmationNecessary": on_prompt }))
    }

    /// `UpdateDeviceStatus`: `DeviceRememberedStatus` `remembered` or `not_remembered`.
    pub(super) fn update_device_status(
        &self,
        mut f: Fields,
        now: DateTime<Utc>,
    ) -> Result<Value, ApiError> {
        let (token, device_key) = Self::token_and_device(&mut f)?;
        let remembered = match f.string("DeviceRememberedStatus", 16)?.as_deref() {
            None => None,
            Some("remembered") => Some(true),
            Some("not_remembered") => Some(false),
            Some(_) => {
                return Err(constraint(
                    "DeviceRememberedStatus",
                    "satisfy enum value set: [remembered, not_remembered]",
                ));
            }
        };
        let (pool, username) = self.authenticate(&token, now)?;
        let mut directory = lock(&pool.directory);
        let device = device_of(user_of(&mut directory, &username)?, &device_key)?;
        if let Some(remembered) = remembered {
            device.remembered = remembered;
        }
        device.modified = now.timestamp();
        Ok(json!({}))
    }

    /// `GetDevice`.
    pub(super) fn get_device(&self, mut f: Fields, now: DateTime<Utc>) -> Result<Value, ApiError> {
        let (token, device_key) = Self::token_and_device(&mut f)?;
        let (pool, username) = self.authenticate(&token, now)?;
        let mut directory = lock(&pool.directory);
        let device = device_of(user_of(&mut directory, &username)?, &device_key)?;
        Ok(json!({ "Device": device_json(device) }))
    }

    /// `ListDevices`: `Limit` 1 to 60 (0 or none: 60), oldest first; `PaginationToken` is
    /// the key of the next device.
    pub(super) fn list_devices(
        &self,
        mut f: Fields,
        now: DateTime<Utc>,
    ) -> Result<Value, ApiError> {
        let token = f.secret("AccessToken", MAX_ACCESS_TOKEN)?;
        let limit = f.integer("Limit")?;
        let from = f.string("PaginationToken", 256)?;
        let Some(token) = token else {
            return Err(missing(&[("AccessToken", true)]));
        };
        let limit = match limit {
            None | Some(0) => MAX_PAGE,
            Some(n) => usize::try_from(n)
                .ok()
                .filter(|n| *n <= MAX_PAGE)
                .ok_or_else(|| {
                    constraint(
                        "Limit",
                        "have value greater than or equal to 0 and less than or equal to 60",
                    )
                })?,
        };
        let (pool, username) = self.authenticate(&token, now)?;
        let mut directory = lock(&pool.directory);
        let devices = &user_of(&mut directory, &username)?.devices;
        let start = match &from {
            None => 0,
            Some(key) => devices
                .iter()
                .position(|d| &d.key == key)
                .ok_or_else(|| invalid_parameter("Invalid pagination token."))?,
        };
        let page: Vec<Value> = devices
            .iter()
            .skip(start)
            .take(limit)
            .map(device_json)
            .collect();
        let mut answer = json!({ "Devices": page });
        if let (Some(next), Some(map)) = (
            devices.get(start.saturating_add(limit)),
            answer.as_object_mut(),
        ) {
            map.insert(
                "PaginationToken".to_owned(),
                Value::String(next.key.clone()),
            );
        }
        Ok(answer)
    }

    /// `ForgetDevice`: the device's record goes, and the core pool forgets its verifier (a
    /// sign-in with it then meets `Device does not exist.`).
    pub(super) fn forget_device(
        &self,
        mut f: Fields,
        now: DateTime<Utc>,
    ) -> Result<Value, ApiError> {
        let (token, device_key) = Self::token_and_device(&mut f)?;
        let (pool, username) = self.authenticate(&token, now)?;
        let mut directory = lock(&pool.directory);
        let user = user_of(&mut directory, &username)?;
        let index = user
            .devices
            .iter()
            .position(|d| d.key == device_key)
            .ok_or_else(no_device)?;
        user.devices.remove(index);
        lock(&pool.core).forget_device(&device_key);
        Ok(json!({}))
    }

    /// `GetUser`: `Username` (the internal name) and `UserAttributes` (`sub` first).
    pub(super) fn get_user(&self, mut f: Fields, now: DateTime<Utc>) -> Result<Value, ApiError> {
        let Some(token) = f.secret("AccessToken", MAX_ACCESS_TOKEN)? else {
            return Err(missing(&[("AccessToken", true)]));
        };
        let (pool, username) = self.authenticate(&token, now)?;
        let mut directory = lock(&pool.directory);
        let user = user_of(&mut directory, &username)?;
        Ok(json!({ "Username": user.username, "UserAttributes": attributes_json(user) }))
    }
}

/// The user's device of `key`, or Cognito's refusal for a device it does not know.
fn device_of<'u>(user: &'u mut UserRecord, key: &str) -> Result<&'u mut DeviceRecord, ApiError> {
    user.devices
        .iter_mut()
        .find(|d| d.key == key)
        .ok_or_else(no_device)
}
