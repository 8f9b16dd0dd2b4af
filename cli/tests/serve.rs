//! `cognito-srp serve` end to end: each test starts the binary (`COGNITO_SRP_BIN`, else the
//! one cargo built) with `serve --port 0`, reads its endpoint line, and kills it when done
//! (also when the test panics). Pools and users are made with the AWS SDK's admin calls;
//! sign-ins go through the sdk crate over the SDK, through the command line, and as raw
//! HTTP. Only 127.0.0.1 is ever contacted.

// Test code: a failed expectation is the test failing.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::io::{Read as _, Write as _};
use std::net::{Shutdown, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_cognitoidentityprovider::types::{
    AliasAttributeType, DeviceRememberedStatusType, DeviceType, MessageActionType,
    UsernameAttributeType,
};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cognito_srp_auth::{DeviceSecretVerifierConfig, Request};
use cognito_srp_auth_sdk::{
    Authenticator, ClientSecret, Error, FileDeviceStore, NoPrompts, Password, Reply,
    ServiceErrorKind, TokenSet, Tokens, Transport, UserPoolClient,
};
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::sha2::Sha256;
use rsa::signature::Verifier as _;
use rsa::{BigUint, RsaPublicKey};
use serde_json::{Value, json};
use zeroize::Zeroizing;

#[path = "common/serve.rs"]
mod common;

use common::{Pool, Serve, attribute, attribute_value, sdk};

const ALICE: &str = "alice";
const ALICE_EMAIL: &str = "alice@example.com";
const ALICE_PASSWORD: &str = "Alice-Pass-1!";

/// The SDK client as the sdk crate's transport, recording each operation it sends with the
/// flow or challenge name.
struct Recording {
    inner: Client,
    calls: Mutex<Vec<String>>,
}

impl Recording {
    fn new(inner: Client) -> Self {
        Self {
            inner,
            calls: Mutex::new(Vec::new()),
        }
    }

    fn record(&self, call: String) {
        self.calls.lock().unwrap().push(call);
    }

    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.calls.lock().unwrap())
    }
}

impl Transport for Recording {
    async fn send(&self, request: &Request) -> Result<Reply, Error> {
        let admin = if request.context().user_pool_id.is_some() {
            "Admin"
        } else {
            ""
        };
        self.record(match request {
            Request::InitiateAuth(r) => {
                format!("{admin}InitiateAuth {}", r.auth_parameters.auth_flow())
            }
            Request::RespondToAuthChallenge(r) => format!(
                "{admin}RespondToAuthChallenge {}",
                r.challenge_responses.challenge_name()
            ),
        });
        Transport::send(&self.inner, request).await
    }

    async fn associate_software_token(
        &self,
        session: &str,
    ) -> Result<(Zeroizing<String>, String), Error> {
        self.record("AssociateSoftwareToken".to_owned());
        Transport::associate_software_token(&self.inner, session).await
    }

    async fn verify_software_token(
        &self,
        session: &str,
        code: &str,
        friendly_device_name: Option<&str>,
    ) -> Result<String, Error> {
        self.record("VerifySoftwareToken".to_owned());
        Transport::verify_software_token(&self.inner, session, code, friendly_device_name).await
    }

    async fn confirm_device(
        &self,
        access_token: &str,
        device_key: &str,
        config: &DeviceSecretVerifierConfig,
        device_name: Option<&str>,
    ) -> Result<bool, Error> {
        self.record("ConfirmDevice".to_owned());
        Transport::confirm_device(&self.inner, access_token, device_key, config, device_name).await
    }

    async fn update_device_status(
        &self,
        access_token: &str,
        device_key: &str,
        remembered: bool,
    ) -> Result<(), Error> {
        self.record("UpdateDeviceStatus".to_owned());
        Transport::update_device_status(&self.inner, access_token, device_key, remembered).await
    }

    async fn forget_device(&self, access_token: &str, device_key: &str) -> Result<(), Error> {
        self.record("ForgetDevice".to_owned());
        Transport::forget_device(&self.inner, access_token, device_key).await
    }

    async fn list_devices(&self, access_token: &str) -> Result<Vec<DeviceType>, Error> {
        self.record("ListDevices".to_owned());
        Transport::list_devices(&self.inner, access_token).await
    }

    async fn get_tokens_from_refresh_token(
        &self,
        client_id: &str,
        client_secret: Option<&str>,
        refresh_token: &str,
        device_key: Option<&str>,
    ) -> Result<TokenSet, Error> {
        self.record("GetTokensFromRefreshToken".to_owned());
        Transport::get_tokens_from_refresh_token(
            &self.inner,
            client_id,
            client_secret,
            refresh_token,
            device_key,
        )
        .await
    }
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cognito-srp-serve-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

/// The claims of a compact JWT (unverified).
fn claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("a payload");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64url")).expect("JSON")
}

fn device_attribute(device: &DeviceType, name: &str) -> Option<String> {
    attribute_value(device.device_attributes(), name)
}

/// The code and message of an SDK refusal.
fn refusal<E: ProvideErrorMetadata, R>(e: &SdkError<E, R>) -> (String, String) {
    let service = e.as_service_error().expect("a service error");
    (
        service.code().unwrap_or_default().to_owned(),
        service.message().unwrap_or_default().to_owned(),
    )
}

/// The code and message of an sdk crate refusal.
fn sdk_refusal(e: &Error) -> (String, String) {
    let service = e.service_error().expect("a service error");
    (service.code.clone(), service.message.clone())
}

#[tokio::test]
async fn sdk_signs_in_by_alias_remembers_the_device_and_refreshes() {
    let serve = Serve::start();
    let sdk = sdk(&serve).await;
    let pool = Pool::with_email_alias(&sdk, false).await;
    let sub = pool.user(&sdk, ALICE, ALICE_EMAIL, ALICE_PASSWORD).await;
    let auth = Authenticator::new(Recording::new(sdk.clone()), pool.client());
    let dir = scratch("sdk");
    let mut store = FileDeviceStore::new(dir.join("alice.device"));

    let first = auth
        .sign_in(ALICE_EMAIL, Password::from(ALICE_PASSWORD))
        .device_store(&mut store)
        .device_name("serve-test-device")
        .run(&mut NoPrompts)
        .await
        .expect("first sign-in");
    assert_eq!(
        auth.transport().take(),
        [
            "InitiateAuth USER_SRP_AUTH",
            "RespondToAuthChallenge PASSWORD_VERIFIER",
            "ConfirmDevice"
        ]
    );
    assert_eq!(first.username(), ALICE);
    assert!(first.device_error().is_none());
    let device_key = first.device_key().expect("a device").to_owned();
    assert!(device_key.starts_with("us-east-1_"), "{device_key}");
    assert_eq!(device_key.len(), "us-east-1_".len() + 36);

    let second = auth
        .sign_in(ALICE_EMAIL, Password::from(ALICE_PASSWORD))
        .device_store(&mut store)
        .run(&mut NoPrompts)
        .await
        .expect("sign-in with the remembered device");
    assert_eq!(
        auth.transport().take(),
        [
            "InitiateAuth USER_SRP_AUTH",
            "RespondToAuthChallenge PASSWORD_VERIFIER",
            "RespondToAuthChallenge DEVICE_SRP_AUTH",
            "RespondToAuthChallenge DEVICE_PASSWORD_VERIFIER"
        ]
    );
    assert_eq!(second.device_key(), Some(device_key.as_str()));
    assert_eq!(claims(second.access_token())["device_key"], device_key);

    let refreshed = auth.refresh(&second).await.expect("refresh");
    assert_eq!(auth.transport().take(), ["InitiateAuth REFRESH_TOKEN_AUTH"]);
    assert_ne!(refreshed.access_token(), second.access_token());
    assert_eq!(refreshed.expires_in(), Duration::from_secs(3600));
    assert_eq!(claims(refreshed.access_token())["device_key"], device_key);
    assert_eq!(
        claims(refreshed.access_token())["auth_time"],
        claims(second.access_token())["auth_time"]
    );

    let devices = auth
        .list_devices(refreshed.access_token())
        .await
        .expect("ListDevices");
    assert_eq!(auth.transport().take(), ["ListDevices"]);
    assert_eq!(devices.len(), 1);
    assert_eq!(devices[0].device_key(), Some(device_key.as_str()));
    assert_eq!(
        device_attribute(&devices[0], "device_name").as_deref(),
        Some("serve-test-device")
    );
    assert_eq!(
        device_attribute(&devices[0], "dev:device_remembered_status").as_deref(),
        Some("remembered")
    );
    assert_eq!(
        device_attribute(&devices[0], "device_status").as_deref(),
        Some("valid")
    );
    let created = devices[0].device_create_date().expect("created").secs();
    assert!((created - chrono::Utc::now().timestamp()).abs() < 120);
    assert!(
        devices[0]
            .device_last_authenticated_date()
            .expect("authenticated")
            .secs()
            >= created
    );

    let user = sdk
        .get_user()
        .access_token(refreshed.access_token())
        .send()
        .await
        .expect("GetUser");
    assert_eq!(user.username(), ALICE);
    assert_eq!(
        user.user_attributes(),
        [
            attribute("sub", &sub),
            attribute("email", ALICE_EMAIL),
            attribute("email_verified", "true")
        ]
    );

    // Marked not remembered, then read back one by one.
    sdk.update_device_status()
        .access_token(refreshed.access_token())
        .device_key(&device_key)
        .device_remembered_status(DeviceRememberedStatusType::NotRemembered)
        .send()
        .await
        .expect("UpdateDeviceStatus");
    let device = sdk
        .get_device()
        .access_token(refreshed.access_token())
        .device_key(&device_key)
        .send()
        .await
        .expect("GetDevice");
    assert_eq!(
        device_attribute(
            device.device().expect("Device"),
            "dev:device_remembered_status"
        )
        .as_deref(),
        Some("not_remembered")
    );

    // A wrong password is refused as Cognito refuses it.
    let wrong = auth
        .sign_in(ALICE_EMAIL, Password::from("Not-Alice-1!"))
        .run(&mut NoPrompts)
        .await
        .unwrap_err();
    assert_eq!(
        sdk_refusal(&wrong),
        (
            "NotAuthorizedException".to_owned(),
            "Incorrect username or password.".to_owned()
        )
    );
    assert_eq!(
        auth.transport().take(),
        [
            "InitiateAuth USER_SRP_AUTH",
            "RespondToAuthChallenge PASSWORD_VERIFIER"
        ]
    );

    // Forgotten: the store is emptied, the pool lists no device and knows it no more.
    auth.forget_stored_device(refreshed.access_token(), &mut store)
        .await
        .expect("ForgetDevice");
    assert_eq!(auth.transport().take(), ["ForgetDevice"]);
    assert!(!dir.join("alice.device").exists());
    let devices = auth.list_devices(refreshed.access_token()).await.unwrap();
    assert!(devices.is_empty());
    let missing = sdk
        .get_device()
        .access_token(refreshed.access_token())
        .device_key(&device_key)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&missing),
        (
            "ResourceNotFoundException".to_owned(),
            "Device does not exist.".to_owned()
        )
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn devices_remembered_on_prompt_are_confirmed_then_remembered() {
    let serve = Serve::start();
    let sdk = sdk(&serve).await;
    let pool = Pool::with_email_alias(&sdk, true).await;
    pool.user(&sdk, ALICE, ALICE_EMAIL, ALICE_PASSWORD).await;
    let auth = Authenticator::new(Recording::new(sdk.clone()), pool.client());
    let dir = scratch("prompt");
    let mut store = FileDeviceStore::new(dir.join("alice.device"));
    let tokens = auth
        .sign_in(ALICE, Password::from(ALICE_PASSWORD))
        .device_store(&mut store)
        .run(&mut NoPrompts)
        .await
        .expect("sign-in");
    assert_eq!(
        auth.transport().take(),
        [
            "InitiateAuth USER_SRP_AUTH",
            "RespondToAuthChallenge PASSWORD_VERIFIER",
            "ConfirmDevice",
            "UpdateDeviceStatus"
        ]
    );
    let devices = auth.list_devices(tokens.access_token()).await.unwrap();
    assert_eq!(
        device_attribute(&devices[0], "dev:device_remembered_status").as_deref(),
        Some("remembered")
    );
    assert_eq!(
        device_attribute(&devices[0], "device_name").as_deref(),
        None,
        "no name given"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// `GET <path>` over a raw TCP connection: the status and the body.
fn http_get(serve: &Serve, path: &str) -> (u16, Vec<u8>) {
    let request = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
    let response = raw(serve, request.as_bytes());
    (response.status, response.body)
}

/// An RSA key of a JWKS.
fn jwk_key(jwk: &Value) -> VerifyingKey<Sha256> {
    let number = |name: &str| {
        BigUint::from_bytes_be(&URL_SAFE_NO_PAD.decode(jwk[name].as_str().unwrap()).unwrap())
    };
    VerifyingKey::new(RsaPublicKey::new(number("n"), number("e")).expect("an RSA key"))
}

/// Verify a compact RS256 JWS with `key`: its header.
fn verify(key: &VerifyingKey<Sha256>, token: &str) -> Value {
    let (input, signature) = token.rsplit_once('.').unwrap();
    let signature = Signature::try_from(URL_SAFE_NO_PAD.decode(signature).unwrap().as_slice())
        .expect("a signature");
    key.verify(input.as_bytes(), &signature)
        .expect("the signature verifies");
    let header = input.split_once('.').unwrap().0;
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).unwrap()).unwrap()
}

#[tokio::test]
async fn tokens_verify_with_the_pools_jwks() {
    let serve = Serve::start();
    let sdk = sdk(&serve).await;
    let pool = Pool::with_email_alias(&sdk, false).await;
    let sub = pool.user(&sdk, ALICE, ALICE_EMAIL, ALICE_PASSWORD).await;
    let auth = Authenticator::new(sdk.clone(), pool.client());
    let tokens: Tokens = auth
        .sign_in(ALICE_EMAIL, Password::from(ALICE_PASSWORD))
        .run(&mut NoPrompts)
        .await
        .expect("sign-in");

    // As with Cognito, the key set is at `<iss>/.well-known/jwks.json`, and the discovery
    // document says so.
    let issuer = claims(tokens.access_token())["iss"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(issuer, pool.issuer(&serve));
    let (status, body) = http_get(
        &serve,
        &format!("/{}/.well-known/openid-configuration", pool.pool_id),
    );
    assert_eq!(status, 200);
    let discovery: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(discovery["issuer"], issuer);
    assert_eq!(
        discovery["jwks_uri"],
        format!("{issuer}/.well-known/jwks.json")
    );
    let jwks_path = format!(
        "{}/.well-known/jwks.json",
        issuer.strip_prefix(&serve.endpoint).unwrap()
    );
    let (status, body) = http_get(&serve, &jwks_path);
    assert_eq!(status, 200);
    let jwks: Value = serde_json::from_slice(&body).unwrap();
    let keys = jwks["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1);
    let jwk = &keys[0];
    assert_eq!(
        jwk.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["alg", "e", "kid", "kty", "n", "use"]
    );
    assert_eq!(
        (&jwk["alg"], &jwk["e"], &jwk["kty"], &jwk["use"]),
        (
            &json!("RS256"),
            &json!("AQAB"),
            &json!("RSA"),
            &json!("sig")
        )
    );
    assert_eq!(jwk["n"].as_str().unwrap().len(), 342, "2048-bit modulus");
    let key = jwk_key(jwk);
    let expected_header = json!({"kid": jwk["kid"], "alg": "RS256"});

    let id_token = tokens.id_token().expect("an id token");
    assert_eq!(verify(&key, id_token), expected_header);
    let id = claims(id_token);
    assert_eq!(id["cognito:username"], ALICE);
    assert_eq!(id["aud"], pool.client_id);
    assert_eq!(id["iss"], pool.issuer(&serve));
    assert_eq!(id["token_use"], "id");
    assert_eq!(id["sub"], sub);
    assert_eq!(id["email"], ALICE_EMAIL);
    assert_eq!(id["email_verified"], true);
    let now = chrono::Utc::now().timestamp();
    let exp = id["exp"].as_i64().unwrap();
    assert_eq!(exp - id["iat"].as_i64().unwrap(), 3600);
    assert!((exp - 3600 - now).abs() < 120);

    assert_eq!(verify(&key, tokens.access_token()), expected_header);
    let access = claims(tokens.access_token());
    assert_eq!(access["username"], ALICE);
    assert_eq!(access["client_id"], pool.client_id);
    assert_eq!(access["iss"], pool.issuer(&serve));
    assert_eq!(access["token_use"], "access");
    assert_eq!(access["scope"], "aws.cognito.signin.user.admin");
    assert_eq!(access["sub"], sub);
    assert_eq!(access.get("aud"), None);

    // A token whose claims were changed, or that another pool signed, is no access token.
    let (head, rest) = tokens.access_token().split_once('.').unwrap();
    let signature = rest.rsplit_once('.').unwrap().1;
    let mut forged = access.clone();
    forged["username"] = json!("mallory");
    let forged = format!(
        "{head}.{}.{signature}",
        URL_SAFE_NO_PAD.encode(forged.to_string())
    );
    let other = Pool::with_email_alias(&sdk, false).await;
    other.user(&sdk, ALICE, ALICE_EMAIL, ALICE_PASSWORD).await;
    let other_tokens = Authenticator::new(sdk.clone(), other.client())
        .sign_in(ALICE, Password::from(ALICE_PASSWORD))
        .run(&mut NoPrompts)
        .await
        .unwrap();
    let other_head = other_tokens.access_token().split_once('.').unwrap().0;
    assert_ne!(other_head, head, "each pool has its own key");
    let swapped = format!("{other_head}.{rest}");
    for (token, why) in [
        (forged.as_str(), "changed claims"),
        (swapped.as_str(), "another pool's key"),
        (id_token, "an id token"),
        ("not-a-token", "garbage"),
    ] {
        let refused = sdk.get_user().access_token(token).send().await.unwrap_err();
        assert_eq!(
            refusal(&refused),
            (
                "NotAuthorizedException".to_owned(),
                "Invalid Access Token".to_owned()
            ),
            "{why}"
        );
    }

    let (status, body) = http_get(&serve, "/us-east-1_Nowhere99/.well-known/jwks.json");
    assert_eq!(status, 404);
    assert_eq!(
        serde_json::from_slice::<Value>(&body).unwrap(),
        json!({"__type": "ResourceNotFoundException", "message": "User pool us-east-1_Nowhere99 does not exist."})
    );
}

#[tokio::test]
async fn email_as_username_signs_in_as_the_sub() {
    let serve = Serve::start();
    let sdk = sdk(&serve).await;
    let created = sdk
        .create_user_pool()
        .pool_name("serve-email-username")
        .username_attributes(UsernameAttributeType::Email)
        .send()
        .await
        .expect("CreateUserPool");
    let pool_id = created.user_pool().unwrap().id().unwrap().to_owned();
    assert_eq!(
        created.user_pool().unwrap().username_attributes(),
        [UsernameAttributeType::Email]
    );
    let pool = Pool::with_client(&sdk, pool_id).await;
    let user = sdk
        .admin_create_user()
        .user_pool_id(&pool.pool_id)
        .username("bob@example.com")
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .expect("AdminCreateUser");
    let user = user.user().unwrap();
    let internal = user.username().unwrap().to_owned();
    assert_eq!(internal.len(), 36, "a UUID: {internal}");
    assert_eq!(
        attribute_value(user.attributes(), "sub").as_deref(),
        Some(internal.as_str())
    );
    assert_eq!(
        attribute_value(user.attributes(), "email").as_deref(),
        Some("bob@example.com")
    );
    sdk.admin_set_user_password()
        .user_pool_id(&pool.pool_id)
        .username("bob@example.com")
        .password("Bob-Pass-2!")
        .permanent(true)
        .send()
        .await
        .expect("AdminSetUserPassword by email");
    let got = sdk
        .admin_get_user()
        .user_pool_id(&pool.pool_id)
        .username("bob@example.com")
        .send()
        .await
        .expect("AdminGetUser");
    assert_eq!(got.username(), internal);
    assert_eq!(got.user_status().map(|s| s.as_str()), Some("CONFIRMED"));

    let auth = Authenticator::new(sdk.clone(), pool.client());
    let tokens = auth
        .sign_in("bob@example.com", Password::from("Bob-Pass-2!"))
        .run(&mut NoPrompts)
        .await
        .expect("sign-in by email");
    assert_eq!(tokens.username(), internal);
    assert_eq!(
        claims(tokens.id_token().unwrap())["cognito:username"],
        internal
    );
    assert_eq!(
        tokens.device_key(),
        None,
        "no DeviceConfiguration: no device"
    );

    // Through AdminInitiateAuth too.
    let admin = Authenticator::new(Recording::new(sdk.clone()), pool.client()).admin();
    admin
        .sign_in("bob@example.com", Password::from("Bob-Pass-2!"))
        .run(&mut NoPrompts)
        .await
        .expect("admin sign-in");
    assert_eq!(
        admin.transport().take(),
        [
            "AdminInitiateAuth USER_SRP_AUTH",
            "AdminRespondToAuthChallenge PASSWORD_VERIFIER"
        ]
    );

    let not_email = sdk
        .admin_create_user()
        .user_pool_id(&pool.pool_id)
        .username("carol")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&not_email),
        (
            "InvalidParameterException".to_owned(),
            "Username should be an email.".to_owned()
        )
    );
    let twice = sdk
        .admin_create_user()
        .user_pool_id(&pool.pool_id)
        .username("bob@example.com")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&twice),
        (
            "UsernameExistsException".to_owned(),
            "An account with the given email already exists.".to_owned()
        )
    );
}

#[tokio::test]
async fn admin_operations_and_sign_ins_refuse_like_cognito() {
    let serve = Serve::start();
    let sdk = sdk(&serve).await;
    let pool = Pool::with_email_alias(&sdk, false).await;
    pool.user(&sdk, ALICE, ALICE_EMAIL, ALICE_PASSWORD).await;

    let unknown_pool = sdk
        .admin_create_user()
        .user_pool_id("us-east-1_Nowhere99")
        .username("x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&unknown_pool),
        (
            "ResourceNotFoundException".to_owned(),
            "User pool us-east-1_Nowhere99 does not exist.".to_owned()
        )
    );
    let duplicate = sdk
        .admin_create_user()
        .user_pool_id(&pool.pool_id)
        .username(ALICE)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&duplicate),
        (
            "UsernameExistsException".to_owned(),
            "User account already exists.".to_owned()
        )
    );
    let email_name = sdk
        .admin_create_user()
        .user_pool_id(&pool.pool_id)
        .username("dave@example.com")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&email_name),
        (
            "InvalidParameterException".to_owned(),
            "Username cannot be of email format, since user pool is configured for email alias."
                .to_owned()
        )
    );
    let taken_alias = sdk
        .admin_create_user()
        .user_pool_id(&pool.pool_id)
        .username("eve")
        .user_attributes(attribute("email", ALICE_EMAIL))
        .user_attributes(attribute("email_verified", "true"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&taken_alias),
        (
            "AliasExistsException".to_owned(),
            "An account with the given email already exists.".to_owned()
        )
    );
    let no_user = sdk
        .admin_set_user_password()
        .user_pool_id(&pool.pool_id)
        .username("nobody")
        .password(ALICE_PASSWORD)
        .permanent(true)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&no_user),
        (
            "UserNotFoundException".to_owned(),
            "User does not exist.".to_owned()
        )
    );
    // A user with an unverified email: no alias, so it signs in by user name only.
    sdk.admin_create_user()
        .user_pool_id(&pool.pool_id)
        .username("frank")
        .user_attributes(attribute("email", "frank@example.com"))
        .temporary_password("Temp-Pass-3!")
        .send()
        .await
        .expect("AdminCreateUser with a temporary password");
    let temporary = sdk
        .admin_set_user_password()
        .user_pool_id(&pool.pool_id)
        .username("frank")
        .password("Frank-Pass-3!")
        .permanent(false)
        .send()
        .await
        .unwrap_err();
    assert_eq!(refusal(&temporary).0, "InvalidParameterException");
    assert!(refusal(&temporary).1.contains("permanent passwords only"));
    let weak = sdk
        .admin_set_user_password()
        .user_pool_id(&pool.pool_id)
        .username("frank")
        .password("frankfrank")
        .permanent(true)
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        refusal(&weak),
        (
            "InvalidPasswordException".to_owned(),
            "Password did not conform with policy: Password must have uppercase characters"
                .to_owned()
        )
    );
    sdk.admin_set_user_password()
        .user_pool_id(&pool.pool_id)
        .username("frank")
        .password("Frank-Pass-3!")
        .permanent(true)
        .send()
        .await
        .expect("AdminSetUserPassword");
    let again = sdk
        .admin_set_user_password()
        .user_pool_id(&pool.pool_id)
        .username("frank")
        .password("Frank-Pass-4!")
        .permanent(true)
        .send()
        .await
        .unwrap_err();
    assert_eq!(refusal(&again).0, "InvalidParameterException");
    let auth = Authenticator::new(sdk.clone(), pool.client());
    let by_unverified = auth
        .sign_in("frank@example.com", Password::from("Frank-Pass-3!"))
        .run(&mut NoPrompts)
        .await
        .unwrap_err();
    assert_eq!(by_unverified.kind(), Some(ServiceErrorKind::NotAuthorized));
    let frank = auth
        .sign_in("frank", Password::from("Frank-Pass-3!"))
        .run(&mut NoPrompts)
        .await
        .expect("frank signs in by user name");
    assert_eq!(frank.username(), "frank");

    // Flows the app client does not allow, clients and pools that do not exist.
    let password_flow = Authenticator::new(sdk.clone(), pool.client())
        .sign_in(ALICE, Password::from(ALICE_PASSWORD))
        .flow(cognito_srp_auth_sdk::Flow::UserPassword)
        .run(&mut NoPrompts)
        .await
        .unwrap_err();
    assert_eq!(
        sdk_refusal(&password_flow),
        (
            "InvalidParameterException".to_owned(),
            "USER_PASSWORD_AUTH flow not enabled for this client".to_owned()
        )
    );
    let stranger = UserPoolClient::new(&pool.pool_id, "nosuchclient").unwrap();
    let unknown_client = Authenticator::new(sdk.clone(), stranger)
        .sign_in(ALICE, Password::from(ALICE_PASSWORD))
        .run(&mut NoPrompts)
        .await
        .unwrap_err();
    assert_eq!(
        sdk_refusal(&unknown_client),
        (
            "ResourceNotFoundException".to_owned(),
            "User pool client nosuchclient does not exist.".to_owned()
        )
    );
    let elsewhere = UserPoolClient::new("us-east-1_Nowhere99", &pool.client_id)
        .unwrap()
        .with_client_secret(ClientSecret::from(pool.secret.as_str()));
    let unknown_admin_pool = Authenticator::new(sdk.clone(), elsewhere)
        .admin()
        .sign_in(ALICE, Password::from(ALICE_PASSWORD))
        .run(&mut NoPrompts)
        .await
        .unwrap_err();
    assert_eq!(
        sdk_refusal(&unknown_admin_pool),
        (
            "ResourceNotFoundException".to_owned(),
            "User pool us-east-1_Nowhere99 does not exist.".to_owned()
        )
    );
    let no_secret = UserPoolClient::new(&pool.pool_id, &pool.client_id).unwrap();
    let unhashed = Authenticator::new(sdk.clone(), no_secret)
        .sign_in(ALICE, Password::from(ALICE_PASSWORD))
        .run(&mut NoPrompts)
        .await
        .unwrap_err();
    assert_eq!(
        sdk_refusal(&unhashed),
        (
            "NotAuthorizedException".to_owned(),
            "Unable to verify secret hash for client".to_owned()
        )
    );

    // A deleted pool is gone with its clients and key.
    sdk.delete_user_pool()
        .user_pool_id(&pool.pool_id)
        .send()
        .await
        .expect("DeleteUserPool");
    let after = auth
        .sign_in(ALICE, Password::from(ALICE_PASSWORD))
        .run(&mut NoPrompts)
        .await
        .unwrap_err();
    assert_eq!(sdk_refusal(&after).0, "ResourceNotFoundException");
    let stale = sdk
        .get_user()
        .access_token(frank.access_token())
        .send()
        .await
        .unwrap_err();
    assert_eq!(refusal(&stale).1, "Invalid Access Token");
}

/// Run `cognito-srp <args>` with only `env` (and `PATH`, `HOME`) in its environment.
fn run_cli(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(Serve::bin())
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", std::env::temp_dir())
        .envs(env.iter().copied())
        .stdin(Stdio::null())
        .output()
        .expect("cognito-srp runs")
}

/// The one JSON object on stdout of a successful run.
fn printed(output: &Output) -> Value {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert_eq!(stderr, "");
    let stdout = String::from_utf8(output.stdout.clone()).unwrap();
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    serde_json::from_str(&stdout).unwrap()
}

/// The device key in a device file (`<tag> <key> <group> <password>`).
fn stored_key(path: &std::path::Path) -> String {
    let text = std::fs::read_to_string(path).expect("the device file");
    text.split(' ').nth(1).expect("a device key").to_owned()
}

#[tokio::test]
async fn command_line_signs_in_remembers_and_forgets_the_device() {
    let serve = Serve::start();
    let sdk = sdk(&serve).await;
    let pool = Pool::with_email_alias(&sdk, false).await;
    pool.user(&sdk, ALICE, ALICE_EMAIL, ALICE_PASSWORD).await;
    let dir = scratch("cli");
    let device_file = dir.join("alice.device");
    let device_path = device_file.to_str().unwrap();
    let common = [
        "--endpoint-url",
        serve.endpoint.as_str(),
        "--pool-id",
        pool.pool_id.as_str(),
        "--client-id",
        pool.client_id.as_str(),
        "--username",
        ALICE_EMAIL,
        "--device-file",
        device_path,
    ];
    let env = [
        ("COGNITO_PASSWORD", ALICE_PASSWORD),
        ("COGNITO_CLIENT_SECRET", pool.secret.as_str()),
    ];
    let sign_in: Vec<&str> = ["sign-in"].into_iter().chain(common).collect();

    let first = printed(&run_cli(&sign_in, &env));
    assert_eq!(first["Username"], ALICE);
    assert_eq!(first["TokenType"], "Bearer");
    assert_eq!(first["ExpiresIn"], 3600);
    let key = stored_key(&device_file);
    assert_eq!(first["DeviceKey"], key);
    let stored = std::fs::read_to_string(&device_file).unwrap();

    let second = printed(&run_cli(&sign_in, &env));
    assert_eq!(second["DeviceKey"], key, "the remembered device signed in");
    assert_eq!(
        claims(second["AccessToken"].as_str().unwrap())["device_key"],
        key
    );
    assert_eq!(
        std::fs::read_to_string(&device_file).unwrap(),
        stored,
        "the device file is unchanged"
    );

    let forget: Vec<&str> = ["forget-device"].into_iter().chain(common).collect();
    let forgotten = printed(&run_cli(&forget, &env));
    assert_eq!(forgotten, json!({ "ForgottenDeviceKey": key }));
    assert!(!device_file.exists(), "the device file is deleted");
    let tokens = Authenticator::new(sdk.clone(), pool.client())
        .sign_in(ALICE, Password::from(ALICE_PASSWORD))
        .run(&mut NoPrompts)
        .await
        .unwrap();
    let devices = sdk
        .list_devices()
        .access_token(tokens.access_token())
        .send()
        .await
        .expect("ListDevices");
    assert!(devices.devices().is_empty(), "the pool forgot the device");

    // A wrong password: exit 1 with Cognito's refusal.
    let wrong = run_cli(
        &sign_in,
        &[
            ("COGNITO_PASSWORD", "Wrong-Pass-9!"),
            ("COGNITO_CLIENT_SECRET", pool.secret.as_str()),
        ],
    );
    assert_eq!(wrong.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&wrong.stderr),
        "NotAuthorizedException: Incorrect username or password.\n"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// A parsed HTTP response.
struct RawResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl RawResponse {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("a JSON body")
    }
}

fn parse_response(bytes: &[u8]) -> RawResponse {
    let text = String::from_utf8_lossy(bytes);
    let (head, body) = text.split_once("\r\n\r\n").expect("headers and body");
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status = status_line.split(' ').nth(1).unwrap().parse().unwrap();
    let headers = lines
        .map(|l| {
            let (n, v) = l.split_once(':').unwrap();
            (n.trim().to_owned(), v.trim().to_owned())
        })
        .collect();
    RawResponse {
        status,
        headers,
        body: body.as_bytes().to_vec(),
    }
}

/// Send `request` on a new connection and read the response until serve closes it.
fn raw(serve: &Serve, request: &[u8]) -> RawResponse {
    let mut stream = TcpStream::connect(serve.address()).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream.write_all(request).expect("request written");
    let mut out = Vec::new();
    stream.read_to_end(&mut out).expect("response read");
    parse_response(&out)
}

/// `POST /` with the given target and content type (each left out when `None`).
fn post(target: Option<&str>, content_type: Option<&str>, body: &[u8]) -> Vec<u8> {
    let mut head = format!(
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(target) = target {
        head.push_str(&format!("X-Amz-Target: {target}\r\n"));
    }
    if let Some(content_type) = content_type {
        head.push_str(&format!("Content-Type: {content_type}\r\n"));
    }
    head.push_str("\r\n");
    let mut request = head.into_bytes();
    request.extend_from_slice(body);
    request
}

const INITIATE: &str = "AWSCognitoIdentityProviderService.InitiateAuth";
const JSON_1_1: &str = "application/x-amz-json-1.1";

#[tokio::test]
async fn malformed_requests_get_cognito_shaped_refusals() {
    let serve = Serve::start();
    let one_mib = 1 << 20;
    // Exactly 1 MiB is read (and answered as a request for an unknown client).
    let mut exact = br#"{"ClientId":"padded","AuthFlow":"USER_SRP_AUTH""#.to_vec();
    exact.resize(one_mib - 1, b' ');
    exact.push(b'}');
    let over = vec![b' '; one_mib + 1];
    let cases: Vec<(&str, Vec<u8>, u16, &str, &str)> = vec![
        (
            "bad JSON",
            post(Some(INITIATE), Some(JSON_1_1), br#"{"ClientId":"#),
            400,
            "SerializationException",
            "The request body is not valid JSON.",
        ),
        (
            "JSON not an object",
            post(Some(INITIATE), Some(JSON_1_1), b"[1,2]"),
            400,
            "SerializationException",
            "The request body is not a JSON object.",
        ),
        (
            "a field of the wrong type",
            post(Some(INITIATE), Some(JSON_1_1), br#"{"ClientId":7}"#),
            400,
            "SerializationException",
            "Unexpected JSON type for ClientId.",
        ),
        (
            "missing fields",
            post(Some(INITIATE), Some(JSON_1_1), b"{}"),
            400,
            "InvalidParameterException",
            "2 validation errors detected: Value null at 'clientId' failed to satisfy constraint: Member must not be null; Value null at 'authFlow' failed to satisfy constraint: Member must not be null",
        ),
        (
            "unknown operation",
            post(
                Some("AWSCognitoIdentityProviderService.DescribeEverything"),
                Some(JSON_1_1),
                b"{}",
            ),
            400,
            "UnknownOperationException",
            "Unknown operation DescribeEverything.",
        ),
        (
            "target without the service prefix",
            post(Some("InitiateAuth"), Some(JSON_1_1), b"{}"),
            400,
            "UnknownOperationException",
            "Unknown operation InitiateAuth.",
        ),
        (
            "missing target",
            post(None, Some(JSON_1_1), b"{}"),
            400,
            "UnknownOperationException",
            "Missing the X-Amz-Target header.",
        ),
        (
            "wrong content type",
            post(Some(INITIATE), Some("application/json"), b"{}"),
            400,
            "UnknownOperationException",
            "The content type must be application/x-amz-json-1.1.",
        ),
        (
            "missing content type",
            post(Some(INITIATE), None, b"{}"),
            400,
            "UnknownOperationException",
            "The content type must be application/x-amz-json-1.1.",
        ),
        (
            "a body of exactly 1 MiB",
            post(Some(INITIATE), Some(JSON_1_1), &exact),
            400,
            "ResourceNotFoundException",
            "User pool client padded does not exist.",
        ),
        (
            "a body of 1 MiB + 1 byte",
            post(Some(INITIATE), Some(JSON_1_1), &over),
            400,
            "InvalidParameterException",
            "The request body is longer than 1048576 bytes.",
        ),
        (
            "GET /",
            b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".to_vec(),
            400,
            "UnknownOperationException",
            "Operations are sent with POST.",
        ),
        (
            "another path",
            b"POST /elsewhere HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n".to_vec(),
            404,
            "ResourceNotFoundException",
            "No such resource: POST operations to /, GET /<pool id>/.well-known/jwks.json.",
        ),
        (
            "an admin operation without fields",
            post(
                Some("AWSCognitoIdentityProviderService.AdminCreateUser"),
                Some(JSON_1_1),
                b"{}",
            ),
            400,
            "InvalidParameterException",
            "2 validation errors detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null; Value null at 'username' failed to satisfy constraint: Member must not be null",
        ),
        (
            "a device operation with a bad token",
            post(
                Some("AWSCognitoIdentityProviderService.ListDevices"),
                Some(JSON_1_1),
                br#"{"AccessToken":"a.b.c"}"#,
            ),
            400,
            "NotAuthorizedException",
            "Invalid Access Token",
        ),
    ];
    for (name, request, status, kind, message) in cases {
        let response = raw(&serve, &request);
        assert_eq!(response.status, status, "{name}");
        assert_eq!(
            response.json(),
            json!({ "__type": kind, "message": message }),
            "{name}"
        );
        assert_eq!(response.header("x-amzn-ErrorType"), Some(kind), "{name}");
        assert_eq!(response.header("content-type"), Some(JSON_1_1), "{name}");
    }

    // A body shorter than its Content-Length, then the connection closed: for writing only
    // (the refusal still arrives), or altogether; serve answers the next requests at once.
    let mut partial = post(Some(INITIATE), Some(JSON_1_1), &[b' '; 100]);
    partial.truncate(partial.len() - 90);
    let mut half_closed = TcpStream::connect(serve.address()).unwrap();
    half_closed.write_all(&partial).unwrap();
    half_closed.shutdown(Shutdown::Write).unwrap();
    half_closed
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    let mut answer = Vec::new();
    half_closed.read_to_end(&mut answer).unwrap();
    let response = parse_response(&answer);
    assert_eq!(response.status, 400);
    assert_eq!(
        response.json(),
        json!({"__type": "SerializationException", "message": "The request body ended early."})
    );
    assert_eq!(response.header("connection"), Some("close"));
    let mut closed = TcpStream::connect(serve.address()).unwrap();
    closed.write_all(&partial).unwrap();
    drop(closed);
    // One that stays open mid-body while others are answered.
    let mut slow = TcpStream::connect(serve.address()).unwrap();
    slow.write_all(&partial).unwrap();
    let started = Instant::now();
    let response = raw(&serve, &post(Some(INITIATE), Some(JSON_1_1), b"[]"));
    assert_eq!(response.status, 400);
    assert!(started.elapsed() < Duration::from_secs(5));

    // A request missing one of two required fields names that one only.
    for (operation, body, member) in [
        (
            "AdminGetUser",
            r#"{"UserPoolId":"us-east-1_X"}"#,
            "username",
        ),
        ("AdminGetUser", r#"{"Username":"alice"}"#, "userPoolId"),
        (
            "CreateUserPoolClient",
            r#"{"UserPoolId":"us-east-1_X"}"#,
            "clientName",
        ),
    ] {
        let target = format!("AWSCognitoIdentityProviderService.{operation}");
        let response = raw(
            &serve,
            &post(Some(&target), Some(JSON_1_1), body.as_bytes()),
        );
        assert_eq!(response.status, 400, "{operation}");
        assert_eq!(
            response.json(),
            json!({
                "__type": "InvalidParameterException",
                "message": format!(
                    "1 validation error detected: Value null at '{member}' failed to satisfy \
                     constraint: Member must not be null"
                ),
            }),
            "{operation}"
        );
    }

    // After all of that, a normal sign-in.
    let sdk = sdk(&serve).await;
    let pool = Pool::with_email_alias(&sdk, false).await;
    pool.user(&sdk, ALICE, ALICE_EMAIL, ALICE_PASSWORD).await;
    let tokens = Authenticator::new(sdk.clone(), pool.client())
        .sign_in(ALICE_EMAIL, Password::from(ALICE_PASSWORD))
        .run(&mut NoPrompts)
        .await
        .expect("sign-in after the malformed requests");
    assert_eq!(tokens.username(), ALICE);
    drop(slow);
}

#[test]
fn sigterm_ends_serve_cleanly() {
    let mut serve = Serve::start();
    let pid = serve.child.id().to_string();
    let status = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = serve.child.try_wait().expect("wait") {
            assert_eq!(status.code(), Some(0), "serve exits 0 on SIGTERM");
            break;
        }
        assert!(Instant::now() < deadline, "serve did not stop on SIGTERM");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// serve's resident memory in KiB (Linux; `None` elsewhere).
fn resident_kib(serve: &Serve) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{}/status", serve.child.id())).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// 2,000 SRP sign-ins from 16 concurrent tasks against one serve process. Prints p50, p99,
/// the total time and serve's memory growth (run with `--nocapture` to see them).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_two_thousand_sign_ins_from_sixteen_tasks() {
    const SIGN_INS: usize = 2000;
    const TASKS: usize = 16;
    let serve = Serve::start();
    let sdk = sdk(&serve).await;
    let created = sdk
        .create_user_pool()
        .pool_name("serve-load")
        .alias_attributes(AliasAttributeType::Email)
        .send()
        .await
        .unwrap();
    let pool = Pool::with_client(&sdk, created.user_pool().unwrap().id().unwrap().to_owned()).await;
    pool.user(&sdk, ALICE, ALICE_EMAIL, ALICE_PASSWORD).await;
    let auth = Arc::new(Authenticator::new(sdk.clone(), pool.client()));
    let memory_before = resident_kib(&serve);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let tasks: Vec<_> = (0..TASKS)
        .map(|_| {
            let (auth, next) = (Arc::clone(&auth), Arc::clone(&next));
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut errors = Vec::new();
                while next.fetch_add(1, Ordering::Relaxed) < SIGN_INS {
                    let one = Instant::now();
                    match auth
                        .sign_in(ALICE_EMAIL, Password::from(ALICE_PASSWORD))
                        .run(&mut NoPrompts)
                        .await
                    {
                        Ok(tokens) if tokens.username() == ALICE => {
                            latencies.push(one.elapsed());
                        }
                        Ok(tokens) => errors.push(format!("signed in as {}", tokens.username())),
                        Err(e) => errors.push(e.to_string()),
                    }
                }
                (latencies, errors)
            })
        })
        .collect();
    let mut latencies = Vec::with_capacity(SIGN_INS);
    let mut errors = Vec::new();
    let all = tokio::time::timeout(Duration::from_secs(900), async {
        let mut results = Vec::new();
        for task in tasks {
            results.push(task.await.expect("task"));
        }
        results
    })
    .await
    .expect("the load test ends within 15 minutes");
    for (l, e) in all {
        latencies.extend(l);
        errors.extend(e);
    }
    let total = started.elapsed();
    assert_eq!(errors, Vec::<String>::new(), "no sign-in fails");
    assert_eq!(latencies.len(), SIGN_INS);
    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let p50 = latencies[SIGN_INS / 2];
    let p99 = latencies[SIGN_INS * 99 / 100];
    println!(
        "serve load: {SIGN_INS} SRP sign-ins from {TASKS} tasks: p50 {:.1} ms, p99 {:.1} ms, total {:.1} s, {:.1} sign-ins/s",
        ms(p50),
        ms(p99),
        total.as_secs_f64(),
        SIGN_INS as f64 / total.as_secs_f64()
    );
    if let (Some(before), Some(after)) = (memory_before, resident_kib(&serve)) {
        // Mostly fixed costs (threads, allocator arenas); the pool keeps about 300 bytes
        // per sign-in (its refresh tokens).
        println!("serve memory: {before} KiB before, {after} KiB after {SIGN_INS} sign-ins");
    }
}
