//! The administration operations serve answers itself: `CreateUserPool`, `DeleteUserPool`,
//! `CreateUserPoolClient`, `AdminCreateUser`, `AdminSetUserPassword` and `AdminGetUser`.
//! AWS credentials are not checked (any signature, or none, is accepted).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Utc};
use cognito_srp_auth::server::TokenSigner;
use cognito_srp_auth::{ClientSecret, Password};
use serde_json::{Value, json};
use zeroize::Zeroizing;

use super::api::{
    ApiError, Fields, constraint, internal, invalid_parameter, limit_exceeded, missing,
    user_not_found,
};
use super::jwt::PoolKey;
use super::pools::{
    ALNUM, ClientRecord, DeviceSettings, LOWER_ALNUM, MAX_CLIENTS, MAX_POOLS, MAX_USERS,
    PasswordPolicy, Pool, Profile, Profiles, Service, Settings, UserRecord, core_pool, lock,
    random_text, uuid,
};

/// The longest pool id Cognito accepts (`UserPoolId`).
const MAX_POOL_ID: usize = 55;
/// The longest user name.
const MAX_USERNAME: usize = 128;
/// The longest password.
const MAX_PASSWORD: usize = 256;
/// The most attributes of a user.
const MAX_ATTRIBUTES: usize = 64;

/// `ExplicitAuthFlows` values Cognito accepts.
const AUTH_FLOWS: [&str; 9] = [
    "ADMIN_NO_SRP_AUTH",
    "CUSTOM_AUTH_FLOW_ONLY",
    "USER_PASSWORD_AUTH",
    "ALLOW_ADMIN_USER_PASSWORD_AUTH",
    "ALLOW_CUSTOM_AUTH",
    "ALLOW_USER_PASSWORD_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_USER_AUTH",
];

/// Cognito's app client flows without `ExplicitAuthFlows`.
const DEFAULT_FLOWS: [&str; 3] = [
    "ALLOW_REFRESH_TOKEN_AUTH",
    "ALLOW_USER_SRP_AUTH",
    "ALLOW_CUSTOM_AUTH",
];

/// The standard attributes (those of `OpenID` Connect, as Cognito's schema has them); `custom:…`
/// attributes are accepted too.
const STANDARD_ATTRIBUTES: [&str; 19] = [
    "address",
    "birthdate",
    "email",
    "email_verified",
    "family_name",
    "gender",
    "given_name",
    "locale",
    "middle_name",
    "name",
    "nickname",
    "phone_number",
    "phone_number_verified",
    "picture",
    "preferred_username",
    "profile",
    "updated_at",
    "website",
    "zoneinfo",
];

/// Why `AdminSetUserPassword` without `Permanent: true` is refused.
const PERMANENT_ONLY: &str = "cognito-srp serve supports permanent passwords only \
    (AdminSetUserPassword with Permanent: true): it has no NEW_PASSWORD_REQUIRED challenge.";

/// Why a second `AdminSetUserPassword` for a user is refused.
const PASSWORD_ONCE: &str = "cognito-srp serve sets a user's password once: its offline \
    pool cannot replace a password verifier.";

impl PasswordPolicy {
    /// Cognito's default policy.
    const DEFAULT: Self = Self {
        minimum_length: 8,
        uppercase: true,
        lowercase: true,
        numbers: true,
        symbols: true,
    };

    /// Refuse a password the policy does not allow, with Cognito's message
    /// (`InvalidPasswordException`). Cognito's symbols, and the space, are symbols.
    fn check(&self, password: &str) -> Result<(), ApiError> {
        /// Cognito's special characters, and the space.
        const SYMBOLS: &str = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ";
        let refuse = |rule: &str| {
            Err(ApiError::new(
                "InvalidPasswordException",
                format!("Password did not conform with policy: {rule}"),
            ))
        };
        if password.chars().count() < self.minimum_length {
            return refuse("Password not long enough");
        }
        if self.lowercase && !password.chars().any(char::is_lowercase) {
            return refuse("Password must have lowercase characters");
        }
        if self.uppercase && !password.chars().any(char::is_uppercase) {
            return refuse("Password must have uppercase characters");
        }
        if self.numbers && !password.chars().any(|c| c.is_ascii_digit()) {
            return refuse("Password must have numeric characters");
        }
        if self.symbols && !password.chars().any(|c| SYMBOLS.contains(c)) {
            return refuse("Password must have symbol characters");
        }
        Ok(())
    }

    /// `Policies.PasswordPolicy` of `CreateUserPool` (the default without).
    fn from_policies(policies: Option<Fields>) -> Result<Self, ApiError> {
        let Some(mut policy) = policies
            .map(|mut p| p.object("PasswordPolicy"))
            .transpose()?
            .flatten()
        else {
            return Ok(Self::DEFAULT);
        };
        let minimum_length = match policy.integer("MinimumLength")? {
            None => Self::DEFAULT.minimum_length,
            Some(n) => usize::try_from(n)
                .ok()
                .filter(|n| (6..=99).contains(n))
                .ok_or_else(|| {
                    constraint(
                        "MinimumLength",
                        "have value greater than or equal to 6 and less than or equal to 99",
                    )
                })?,
        };
        Ok(Self {
            minimum_length,
            uppercase: policy.boolean("RequireUppercase")?.unwrap_or(false),
            lowercase: policy.boolean("RequireLowercase")?.unwrap_or(false),
            numbers: policy.boolean("RequireNumbers")?.unwrap_or(false),
            symbols: policy.boolean("RequireSymbols")?.unwrap_or(false),
        })
    }

    /// `PasswordPolicyType` as `CreateUserPool` answers it.
    fn to_json(self) -> Value {
        json!({
            "MinimumLength": self.minimum_length,
            "RequireUppercase": self.uppercase,
            "RequireLowercase": self.lowercase,
            "RequireNumbers": self.numbers,
            "RequireSymbols": self.symbols,
        })
    }
}

/// Each item of `values` is one of `allowed`, and none twice.
fn check_enum_list(field: &str, values: &[String], allowed: &[&str]) -> Result<(), ApiError> {
    for (i, value) in values.iter().enumerate() {
        if !allowed.contains(&value.as_str()) {
            return Err(constraint(
                field,
                &format!("satisfy enum value set: [{}]", allowed.join(", ")),
            ));
        }
        if values.get(..i).is_some_and(|seen| seen.contains(value)) {
            return Err(invalid_parameter(format!(
                "{field} has a value more than once."
            )));
        }
    }
    Ok(())
}

/// The token signer of a pool: each token's claims as the core pool gives them, with serve's
/// `iss` (see [`Pool::issuer`]), Cognito's `sub` (the user's UUID) and, in id tokens, the
/// user's attributes, signed RS256 with the pool's key; every access token is counted.
fn signer(
    key: Arc<PoolKey>,
    issuer: String,
    profiles: Profiles,
    minted: Arc<AtomicU64>,
) -> TokenSigner {
    Box::new(move |claims: &str| key.sign(&with_profile(claims, &issuer, &profiles, &minted)))
}

/// The claims of a token with serve's issuer and the user's profile (see [`signer`]).
fn with_profile(
    claims: &str,
    issuer: &str,
    profiles: &Mutex<BTreeMap<String, Profile>>,
    minted: &AtomicU64,
) -> String {
    let Ok(Value::Object(mut map)) = serde_json::from_str::<Value>(claims) else {
        return claims.to_owned();
    };
    map.insert("iss".to_owned(), Value::String(issuer.to_owned()));
    let access = map.get("token_use").and_then(Value::as_str) == Some("access");
    if access {
        minted.fetch_add(1, Ordering::Relaxed);
    }
    let name_claim = if access {
        "username"
    } else {
        "cognito:username"
    };
    let profile = map
        .get(name_claim)
        .and_then(Value::as_str)
        .and_then(|name| lock(profiles).get(name).cloned());
    if let Some(profile) = profile {
        map.insert("sub".to_owned(), Value::String(profile.sub));
        if !access {
            for (name, value) in profile.id_claims {
                map.entry(name).or_insert(value);
            }
        }
    }
    Value::Object(map).to_string()
}

/// A user's id token claims from its attributes (`…_verified` as booleans, as Cognito
/// writes them).
fn id_claims(attributes: &[(String, String)]) -> Vec<(String, Value)> {
    attributes
        .iter()
        .map(|(name, value)| {
            let value = if name.ends_with("_verified") {
                Value::Bool(value == "true")
            } else {
                Value::String(value.clone())
            };
            (name.clone(), value)
        })
        .collect()
}

/// `{"Name":…,"Value":…}` items, `sub` first.
pub(super) fn attributes_json(user: &UserRecord) -> Value {
    let mut items = vec![json!({ "Name": "sub", "Value": user.sub })];
    items.extend(
        user.attributes
            .iter()
            .map(|(name, value)| json!({ "Name": name, "Value": value })),
    );
    Value::Array(items)
}

/// `UserType` (`AdminCreateUser`), or `AdminGetUser`'s answer with `attributes` =
/// `UserAttributes`.
fn user_json(user: &UserRecord, attributes: &str) -> Value {
    let status = if user.has_password {
        "CONFIRMED"
    } else {
        "FORCE_CHANGE_PASSWORD"
    };
    let mut value = json!({
        "Username": user.username,
        "UserCreateDate": user.created,
        "UserLastModifiedDate": user.modified,
        "Enabled": true,
        "UserStatus": status,
    });
    if let Some(map) = value.as_object_mut() {
        map.insert(attributes.to_owned(), attributes_json(user));
    }
    value
}

/// `a@b` with something on both sides of one `@`.
fn looks_like_email(name: &str) -> bool {
    name.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty() && !domain.is_empty() && !domain.contains('@')
    })
}

/// `+` and 4 to 15 digits.
fn looks_like_phone(name: &str) -> bool {
    name.strip_prefix('+').is_some_and(|digits| {
        (4..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
    })
}

/// Set `name` to `value` among `attributes` (replacing it).
fn set_attribute(attributes: &mut Vec<(String, String)>, name: &str, value: &str) {
    attributes.retain(|(n, _)| n != name);
    attributes.push((name.to_owned(), value.to_owned()));
}

/// The value of the attribute `name`.
fn attribute<'a>(attributes: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attributes
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

impl Service {
    /// `CreateUserPool`: `PoolName`, `AliasAttributes`, `UsernameAttributes`,
    /// `DeviceConfiguration`, `MfaConfiguration` (`OFF` or `OPTIONAL`; `ON` is refused:
    /// serve has no MFA) and `Policies.PasswordPolicy`; other fields are ignored. A new RSA
    /// key signs the pool's tokens.
    pub(super) fn create_user_pool(
        &self,
        mut f: Fields,
        now: DateTime<Utc>,
    ) -> Result<Value, ApiError> {
        let name = f.string("PoolName", 128)?;
        let alias_attributes = f.strings("AliasAttributes", 3, 32)?.unwrap_or_default();
        let username_attributes = f.strings("UsernameAttributes", 2, 32)?.unwrap_or_default();
        let device = f
            .object("DeviceConfiguration")?
            .map(|mut d| -> Result<DeviceSettings, ApiError> {
                Ok(DeviceSettings {
                    challenge_required_on_new_device: d
                        .boolean("ChallengeRequiredOnNewDevice")?
                        .unwrap_or(false),
                    only_remembered_on_user_prompt: d
                        .boolean("DeviceOnlyRememberedOnUserPrompt")?
                        .unwrap_or(false),
                })
            })
            .transpose()?;
        let mfa = f.string("MfaConfiguration", 16)?;
        let policy = PasswordPolicy::from_policies(f.object("Policies")?)?;
        let Some(name) = name else {
            return Err(missing(&[("PoolName", true)]));
        };
        check_enum_list(
            "AliasAttributes",
            &alias_attributes,
            &["phone_number", "email", "preferred_username"],
        )?;
        check_enum_list(
            "UsernameAttributes",
            &username_attributes,
            &["phone_number", "email"],
        )?;
        if !alias_attributes.is_empty() && !username_attributes.is_empty() {
            return Err(invalid_parameter(
                "Only one of the aliasAttributes or usernameAttributes can be set in a User Pool.",
            ));
        }
        let mfa = match mfa.as_deref() {
            None | Some("OFF") => "OFF",
            Some("OPTIONAL") => "OPTIONAL",
            Some("ON") => {
                return Err(invalid_parameter(
                    "cognito-srp serve has no MFA: MfaConfiguration ON is not supported \
                     (OFF or OPTIONAL).",
                ));
            }
            Some(_) => {
                return Err(constraint(
                    "MfaConfiguration",
                    "satisfy enum value set: [OFF, ON, OPTIONAL]",
                ));
            }
        };
        if self.pool_count() >= MAX_POOLS {
            return Err(limit_exceeded(format!(
                "cognito-srp serve keeps at most {MAX_POOLS} user pools."
            )));
        }
        let key = Arc::new(PoolKey::generate().map_err(|_| internal())?);
        let mut id = String::new();
        for _ in 0..8 {
            id = format!("{}_{}", self.region(), random_text(9, ALNUM)?);
            if !self.has_pool(&id) {
                break;
            }
        }
        let profiles: Profiles = Arc::default();
        let issuer = format!("{}/{id}", self.endpoint());
        let core = core_pool(&id, device.is_some())?.with_token_signer(signer(
            Arc::clone(&key),
            issuer.clone(),
            Arc::clone(&profiles),
            self.minted(),
        ));
        let settings = Settings {
            alias_attributes,
            username_attributes,
            device,
            mfa: mfa.to_owned(),
            policy,
        };
        let pool = Pool {
            id,
            name,
            settings,
            key,
            created: now.timestamp(),
            core: Mutex::new(core),
            directory: Mutex::default(),
            profiles,
            issuer,
        };
        let described = describe_pool(&pool, self.region());
        self.insert_pool(pool)?;
        Ok(json!({ "UserPool": described }))
    }

    /// `DeleteUserPool`: the pool, its clients, users, devices and key are forgotten.
    pub(super) fn delete_user_pool(
        &self,
        mut f: Fields,
        _now: DateTime<Utc>,
    ) -> Result<Value, ApiError> {
        let Some(pool_id) = f.string("UserPoolId", MAX_POOL_ID)? else {
            return Err(missing(&[("UserPoolId", true)]));
        };
        self.remove_pool(&pool_id)?;
        Ok(json!({}))
    }

    /// `CreateUserPoolClient`: `ClientName`, `GenerateSecret`, `ExplicitAuthFlows` (kept
    /// and enforced on `InitiateAuth`); other fields are ignored.
    pub(super) fn create_user_pool_client(
        &self,
        mut f: Fields,
        now: DateTime<Utc>,
    ) -> Result<Value, ApiError> {
        let pool_id = f.string("UserPoolId", MAX_POOL_ID)?;
        let name = f.string("ClientName", 128)?;
        let generate = f.boolean("GenerateSecret")?.unwrap_or(false);
        let flows = f.strings("ExplicitAuthFlows", AUTH_FLOWS.len(), 64)?;
        let absent = [
            ("UserPoolId", pool_id.is_none()),
            ("ClientName", name.is_none()),
        ];
        let (Some(pool_id), Some(name)) = (pool_id, name) else {
            return Err(missing(&absent));
        };
        let flows = match flows {
            Some(flows) => {
                check_enum_list("ExplicitAuthFlows", &flows, &AUTH_FLOWS)?;
                flows
            }
            None => DEFAULT_FLOWS.iter().map(|f| (*f).to_owned()).collect(),
        };
        let pool = self.pool(&pool_id)?;
        let mut directory = lock(&pool.directory);
        if directory.clients.len() >= MAX_CLIENTS {
            return Err(limit_exceeded(format!(
                "cognito-srp serve keeps at most {MAX_CLIENTS} app clients per user pool."
            )));
        }
        let mut client_id = random_text(26, LOWER_ALNUM)?;
        while self.has_client(&client_id) {
            client_id = random_text(26, LOWER_ALNUM)?;
        }
        let secret = if generate {
            Some(Zeroizing::new(random_text(51, LOWER_ALNUM)?))
        } else {
            None
        };
        lock(&pool.core)
            .add_client(
                &client_id,
                secret.as_ref().map(|s| ClientSecret::from(s.as_str())),
            )
            .map_err(|_| internal())?;
        directory.clients.push(ClientRecord {
            id: client_id.clone(),
            flows: flows.clone(),
        });
        drop(directory);
        self.insert_client(&client_id, &pool.id);
        let mut client = json!({
            "UserPoolId": pool.id,
            "ClientName": name,
            "ClientId": client_id,
            "CreationDate": now.timestamp(),
            "LastModifiedDate": now.timestamp(),
            "ExplicitAuthFlows": flows,
        });
        if let (Some(secret), Some(map)) = (secret, client.as_object_mut()) {
            map.insert("ClientSecret".to_owned(), Value::String(secret.to_string()));
        }
        Ok(json!({ "UserPoolClient": client }))
    }

    /// `AdminCreateUser`: `Username`, `UserAttributes`, `MessageAction` (`SUPPRESS`, or
    /// `RESEND` for an existing user), `TemporaryPassword` (checked against the policy, then
    /// discarded: serve has no `NEW_PASSWORD_REQUIRED`; the user signs in once
    /// `AdminSetUserPassword` gives it a permanent password). With `UsernameAttributes` the
    /// internal name is the new `sub` and the email (phone number) an alias; with
    /// `AliasAttributes` a verified email or phone number, and a preferred user name, are.
    pub(super) fn admin_create_user(
        &self,
        mut f: Fields,
        now: DateTime<Utc>,
    ) -> Result<Value, ApiError> {
        let pool_id = f.string("UserPoolId", MAX_POOL_ID)?;
        let username = f.string("Username", MAX_USERNAME)?;
        let mut attributes = f
            .attributes("UserAttributes", MAX_ATTRIBUTES)?
            .unwrap_or_default();
        let temporary = f.secret("TemporaryPassword", MAX_PASSWORD)?;
        let action = f.string("MessageAction", 16)?;
        let absent = [
            ("UserPoolId", pool_id.is_none()),
            ("Username", username.is_none()),
        ];
        let (Some(pool_id), Some(username)) = (pool_id, username) else {
            return Err(missing(&absent));
        };
        if username
            .chars()
            .any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(constraint(
                "Username",
                r"satisfy regular expression pattern: [\p{L}\p{M}\p{S}\p{N}\p{P}]+",
            ));
        }
        let resend = match action.as_deref() {
            None | Some("SUPPRESS") => false,
            Some("RESEND") => true,
            Some(_) => {
                return Err(constraint(
                    "MessageAction",
                    "satisfy enum value set: [RESEND, SUPPRESS]",
                ));
            }
        };
        for (name, _) in &attributes {
            if name == "sub" {
                return Err(invalid_parameter(
                    "Cannot modify the non-mutable attribute sub",
                ));
            }
            if !STANDARD_ATTRIBUTES.contains(&name.as_str()) && !name.starts_with("custom:") {
                return Err(invalid_parameter(format!(
                    "Attributes did not conform to the schema: {name}: Attribute does not exist in the schema."
                )));
            }
        }
        let pool = self.pool(&pool_id)?;
        if let Some(temporary) = &temporary {
            pool.settings.policy.check(temporary)?;
        }
        let mut directory = lock(&pool.directory);
        if resend {
            let index = directory.user_index(&username).ok_or_else(user_not_found)?;
            let user = directory.users.get(index).ok_or_else(user_not_found)?;
            return Ok(json!({ "User": user_json(user, "Attributes") }));
        }
        if directory.users.len() >= MAX_USERS {
            return Err(limit_exceeded(format!(
                "cognito-srp serve keeps at most {MAX_USERS} users per user pool."
            )));
        }
        let settings = &pool.settings;
        let sub = uuid()?;
        let taken = |name: &str| directory.user_index(name).is_some();
        let (internal_name, aliases) = if settings.username_attributes.is_empty() {
            if settings.alias_attributes.iter().any(|a| a == "email") && username.contains('@') {
                return Err(invalid_parameter(
                    "Username cannot be of email format, since user pool is configured for email alias.",
                ));
            }
            if taken(&username) {
                return Err(ApiError::new(
                    "UsernameExistsException",
                    "User account already exists.",
                ));
            }
            let mut aliases = Vec::new();
            for kind in &settings.alias_attributes {
                let verified = match kind.as_str() {
                    "preferred_username" => true,
                    _ => attribute(&attributes, &format!("{kind}_verified")) == Some("true"),
                };
                if let (true, Some(value)) = (verified, attribute(&attributes, kind)) {
                    if taken(value) || value == username {
                        return Err(ApiError::new(
                            "AliasExistsException",
                            format!("An account with the given {kind} already exists."),
                        ));
                    }
                    aliases.push(value.to_owned());
                }
            }
            (username, aliases)
        } else {
            let email = settings.username_attributes.iter().any(|a| a == "email");
            let phone = settings
                .username_attributes
                .iter()
                .any(|a| a == "phone_number");
            let kind = if email && looks_like_email(&username) {
                "email"
            } else if phone && looks_like_phone(&username) {
                "phone_number"
            } else {
                return Err(invalid_parameter(match (email, phone) {
                    (true, true) => "Username should be either an email or a phone number.",
                    (true, false) => "Username should be an email.",
                    _ => "Username should be a phone number.",
                }));
            };
            if taken(&username) {
                return Err(ApiError::new(
                    "UsernameExistsException",
                    format!("An account with the given {kind} already exists."),
                ));
            }
            set_attribute(&mut attributes, kind, &username);
            (sub.clone(), vec![username])
        };
        let user = UserRecord {
            username: internal_name,
            sub,
            attributes,
            aliases,
            has_password: false,
            created: now.timestamp(),
            modified: now.timestamp(),
            devices: Vec::new(),
        };
        lock(&pool.profiles).insert(
            user.username.clone(),
            Profile {
                sub: user.sub.clone(),
                id_claims: id_claims(&user.attributes),
            },
        );
        let answer = json!({ "User": user_json(&user, "Attributes") });
        directory.users.push(user);
        Ok(answer)
    }

    /// `AdminSetUserPassword` with `Permanent: true`: the user (named by its user name, an
    /// alias or its `sub`) can sign in with the password, through the core pool. Without
    /// `Permanent: true`, and for a user that already has a password, refused with
    /// `InvalidParameterException` (see the README).
    pub(super) fn admin_set_user_password(
        &self,
        mut f: Fields,
        now: DateTime<Utc>,
    ) -> Result<Value, ApiError> {
        let pool_id = f.string("UserPoolId", MAX_POOL_ID)?;
        let username = f.string("Username", MAX_USERNAME)?;
        let password = f.secret("Password", MAX_PASSWORD)?;
        let permanent = f.boolean("Permanent")?;
        let absent = [
            ("UserPoolId", pool_id.is_none()),
            ("Username", username.is_none()),
            ("Password", password.is_none()),
        ];
        let (Some(pool_id), Some(username), Some(mut password)) = (pool_id, username, password)
        else {
            return Err(missing(&absent));
        };
        let pool = self.pool(&pool_id)?;
        if permanent != Some(true) {
            return Err(invalid_parameter(PERMANENT_ONLY));
        }
        pool.settings.policy.check(&password)?;
        let mut directory = lock(&pool.directory);
        let index = directory.user_index(&username).ok_or_else(user_not_found)?;
        let user = directory.users.get_mut(index).ok_or_else(user_not_found)?;
        if user.has_password {
            return Err(invalid_parameter(PASSWORD_ONCE));
        }
        let aliases: Vec<&str> = user.aliases.iter().map(String::as_str).collect();
        let password = Password::new(std::mem::take(&mut *password));
        lock(&pool.core)
            .add_user(&user.username, &password, &aliases)
            .map_err(|_| internal())?;
        user.has_password = true;
        user.modified = now.timestamp();
        Ok(json!({}))
    }

    /// `AdminGetUser`: the user (by user name, alias or `sub`) as `UserAttributes`, status
    /// and dates.
    pub(super) fn admin_get_user(
        &self,
        mut f: Fields,
        _now: DateTime<Utc>,
    ) -> Result<Value, ApiError> {
        let pool_id = f.string("UserPoolId", MAX_POOL_ID)?;
        let username = f.string("Username", MAX_USERNAME)?;
        let absent = [
            ("UserPoolId", pool_id.is_none()),
            ("Username", username.is_none()),
        ];
        let (Some(pool_id), Some(username)) = (pool_id, username) else {
            return Err(missing(&absent));
        };
        let pool = self.pool(&pool_id)?;
        let directory = lock(&pool.directory);
        let user = directory
            .user_index(&username)
            .and_then(|i| directory.users.get(i))
            .ok_or_else(user_not_found)?;
        Ok(user_json(user, "UserAttributes"))
    }
}

/// `UserPoolType` as `CreateUserPool` answers it.
fn describe_pool(pool: &Pool, region: &str) -> Value {
    let mut value = json!({
        "Id": pool.id,
        "Name": pool.name,
        "Arn": format!("arn:aws:cognito-idp:{region}:000000000000:userpool/{}", pool.id),
        "CreationDate": pool.created,
        "LastModifiedDate": pool.created,
        "MfaConfiguration": pool.settings.mfa,
        "Policies": { "PasswordPolicy": pool.settings.policy.to_json() },
        "EstimatedNumberOfUsers": 0,
    });
    let Some(map) = value.as_object_mut() else {
        return value;
    };
    let settings = &pool.settings;
    if !settings.alias_attributes.is_empty() {
        map.insert(
            "AliasAttributes".to_owned(),
            json!(settings.alias_attributes),
        );
    }
    if !settings.username_attributes.is_empty() {
        map.insert(
            "UsernameAttributes".to_owned(),
            json!(settings.username_attributes),
        );
    }
    if let Some(device) = settings.device {
        map.insert(
            "DeviceConfiguration".to_owned(),
            json!({
                "ChallengeRequiredOnNewDevice": device.challenge_required_on_new_device,
                "DeviceOnlyRememberedOnUserPrompt": device.only_remembered_on_user_prompt,
            }),
        );
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_policy_messages_are_cognitos() {
        let policy = PasswordPolicy::DEFAULT;
        for (password, rule) in [
            ("Ab1!", "Password not long enough"),
            ("ABCDEFG1!", "Password must have lowercase characters"),
            ("abcdefg1!", "Password must have uppercase characters"),
            ("Abcdefgh!", "Password must have numeric characters"),
            ("Abcdefgh1", "Password must have symbol characters"),
        ] {
            assert_eq!(
                policy.check(password),
                Err(ApiError::new(
                    "InvalidPasswordException",
                    format!("Password did not conform with policy: {rule}")
                )),
                "{password}"
            );
        }
        assert_eq!(policy.check("Abcdefg1 "), Ok(()), "a space is a symbol");
        let lax = PasswordPolicy {
            minimum_length: 6,
            uppercase: false,
            lowercase: false,
            numbers: false,
            symbols: false,
        };
        assert_eq!(lax.check("aaaaaa"), Ok(()));
    }

    #[test]
    fn tokens_get_the_users_sub_and_attributes() {
        let profiles = Mutex::new(BTreeMap::from([(
            "alice".to_owned(),
            Profile {
                sub: "5a1e…".to_owned(),
                id_claims: id_claims(&[
                    ("email".to_owned(), "alice@example.com".to_owned()),
                    ("email_verified".to_owned(), "true".to_owned()),
                ]),
            },
        )]));
        let minted = AtomicU64::new(0);
        let access = with_profile(
            r#"{"sub":"alice","username":"alice","token_use":"access","iss":"core"}"#,
            "http://127.0.0.1:1/us-east-1_X",
            &profiles,
            &minted,
        );
        assert_eq!(
            access,
            r#"{"iss":"http://127.0.0.1:1/us-east-1_X","sub":"5a1e…","token_use":"access","username":"alice"}"#
        );
        let id = with_profile(
            r#"{"sub":"alice","cognito:username":"alice","token_use":"id","email":"core"}"#,
            "i",
            &profiles,
            &minted,
        );
        assert_eq!(
            id,
            r#"{"cognito:username":"alice","email":"core","email_verified":true,"iss":"i","sub":"5a1e…","token_use":"id"}"#
        );
        let unknown = with_profile(
            r#"{"username":"bob","token_use":"access"}"#,
            "i",
            &profiles,
            &minted,
        );
        assert_eq!(
            unknown,
            r#"{"iss":"i","token_use":"access","username":"bob"}"#
        );
        assert_eq!(
            with_profile("not json", "i", &profiles, &minted),
            "not json"
        );
        assert_eq!(
            minted.load(Ordering::Relaxed),
            2,
            "access tokens are counted"
        );
    }

    #[test]
    fn names_that_look_like_emails_and_phone_numbers() {
        assert!(looks_like_email("a@b"));
        for name in ["a@", "@b", "ab", "a@b@c"] {
            assert!(!looks_like_email(name), "{name}");
        }
        assert!(looks_like_phone("+15555550100"));
        for name in ["15555550100", "+1", "+1555a", "+1234567890123456"] {
            assert!(!looks_like_phone(name), "{name}");
        }
    }
}
