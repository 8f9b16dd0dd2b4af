//! Device SRP end to end through `Authenticator`, with `cognito-srp-auth`'s offline user pool
//! (feature `server`) as the transport: no emulator implements `ConfirmDevice` or the device
//! challenges. A first sign-in by email alias through an app client with a secret confirms
//! and stores a device in a file; the next one signs in through `DEVICE_SRP_AUTH` →
//! `DEVICE_PASSWORD_VERIFIER`; refresh names the device; a device the pool forgot is dropped
//! and replaced; forgetting the stored device empties the file.

// Test code: a failed expectation is the test failing.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Mutex;

use cognito_srp_auth::server::{UserPool, UserPoolConfig};
use cognito_srp_auth::{DeviceSecretVerifierConfig, Request, ServerAnswer};
use cognito_srp_auth_sdk::{
    Authenticator, ClientSecret, DeviceStore, Error, FileDeviceStore, NoPrompts, Password, Reply,
    ServiceErrorKind, TokenSet, Transport, UserPoolClient,
};
use rand::SeedableRng as _;
use rand::rngs::StdRng;
use zeroize::Zeroizing;

const POOL: &str = "us-east-1_Offline1";
const CLIENT: &str = "offline-client";
const SECRET: &str = "offline-client-secret";
const USER: &str = "erin-id";

/// The offline pool behind the `Transport` trait, recording each operation it answers.
struct Offline {
    pool: Mutex<UserPool<StdRng>>,
    calls: Mutex<Vec<String>>,
}

impl Offline {
    fn new() -> Self {
        let config = UserPoolConfig::new(POOL, CLIENT, Some(ClientSecret::from(SECRET)));
        let mut pool = UserPool::new(config, StdRng::from_rng(&mut rand::rng())).expect("pool");
        pool.add_user(USER, &Password::from("Erin-Pass-1!"), &["erin@example.com"])
            .expect("user");
        Self {
            pool: Mutex::new(pool),
            calls: Mutex::new(Vec::new()),
        }
    }

    fn record(&self, call: String) {
        self.calls.lock().expect("calls").push(call);
    }

    fn take_calls(&self) -> Vec<String> {
        std::mem::take(&mut *self.calls.lock().expect("calls"))
    }
}

impl Transport for Offline {
    async fn send(&self, request: &Request) -> Result<Reply, Error> {
        self.record(match request {
            Request::InitiateAuth(r) => format!("InitiateAuth {}", r.auth_parameters.auth_flow()),
            Request::RespondToAuthChallenge(r) => format!(
                "RespondToAuthChallenge {}",
                r.challenge_responses.challenge_name()
            ),
        });
        let mut pool = self.pool.lock().expect("pool");
        let answer = pool.handle(request, chrono::Utc::now());
        Ok(match &answer {
            ServerAnswer::Authenticated { access_token, .. } => {
                let mut set = TokenSet::default();
                set.access_token = access_token.clone().map(Zeroizing::new);
                set.id_token = Some(Zeroizing::new("offline-id-token".to_owned()));
                set.refresh_token = pool
                    .refresh_token(USER)
                    .map(|t| Zeroizing::new(t.to_owned()));
                set.expires_in = 3600;
                Reply::authenticated(answer, set)
            }
            _ => Reply::new(answer),
        })
    }

    async fn confirm_device(
        &self,
        _access_token: &str,
        device_key: &str,
        config: &DeviceSecretVerifierConfig,
        device_name: Option<&str>,
    ) -> Result<bool, Error> {
        self.record(format!("ConfirmDevice {}", device_name.unwrap_or("-")));
        self.pool
            .lock()
            .expect("pool")
            .confirm_device(USER, device_key, config)
            .map_err(Error::SignIn)?;
        Ok(false)
    }

    async fn forget_device(&self, _access_token: &str, device_key: &str) -> Result<(), Error> {
        self.record("ForgetDevice".to_owned());
        self.pool.lock().expect("pool").forget_device(device_key);
        Ok(())
    }
}

fn client() -> UserPoolClient {
    UserPoolClient::new(POOL, CLIENT)
        .expect("pool id")
        .with_client_secret(ClientSecret::from(SECRET))
}

fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("cognito-srp-sdk-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch directory");
    dir
}

#[tokio::test]
async fn device_srp_end_to_end_with_a_file_store() {
    let auth = Authenticator::new(Offline::new(), client());
    let dir = scratch("e2e");
    let mut store = FileDeviceStore::new(dir.join("erin.device"));

    // 1. Password sign-in by alias: Cognito sends NewDeviceMetadata; the device is confirmed
    //    with its name and stored.
    let first = auth
        .sign_in("erin@example.com", Password::from("Erin-Pass-1!"))
        .device_store(&mut store)
        .device_name("Erin's laptop")
        .run(&mut NoPrompts)
        .await
        .expect("first sign-in");
    assert_eq!(
        auth.transport().take_calls(),
        [
            "InitiateAuth USER_SRP_AUTH",
            "RespondToAuthChallenge PASSWORD_VERIFIER",
            "ConfirmDevice Erin's laptop",
        ]
    );
    assert_eq!(first.username(), USER);
    assert!(first.device_error().is_none(), "{:?}", first.device_error());
    let stored = store.load().expect("load").expect("a stored device");
    assert_eq!(first.device_key(), Some(stored.device_key()));
    assert!(stored.device_key().starts_with("us-east-1_"));

    // 2. The next sign-in goes through device SRP, and registers no new device.
    let second = auth
        .sign_in("erin@example.com", Password::from("Erin-Pass-1!"))
        .device_store(&mut store)
        .run(&mut NoPrompts)
        .await
        .expect("device sign-in");
    assert_eq!(
        auth.transport().take_calls(),
        [
            "InitiateAuth USER_SRP_AUTH",
            "RespondToAuthChallenge PASSWORD_VERIFIER",
            "RespondToAuthChallenge DEVICE_SRP_AUTH",
            "RespondToAuthChallenge DEVICE_PASSWORD_VERIFIER",
        ]
    );
    assert_eq!(second.device_key(), Some(stored.device_key()));

    // 3. Refresh names the device (the pool refuses a refresh without it).
    let refreshed = auth.refresh(&second).await.expect("REFRESH_TOKEN_AUTH");
    assert_eq!(refreshed.device_key(), Some(stored.device_key()));
    assert_eq!(refreshed.username(), USER);
    assert_eq!(
        auth.transport().take_calls(),
        ["InitiateAuth REFRESH_TOKEN_AUTH"]
    );

    // 4. The pool forgets the device: "Device does not exist.", the sign-in goes on without
    //    it, and the new device replaces the stale one in the file.
    auth.transport()
        .pool
        .lock()
        .expect("pool")
        .forget_device(stored.device_key());
    let third = auth
        .sign_in("erin@example.com", Password::from("Erin-Pass-1!"))
        .device_store(&mut store)
        .run(&mut NoPrompts)
        .await
        .expect("sign-in after the device was forgotten");
    let calls = auth.transport().take_calls();
    assert_eq!(
        calls.first().map(String::as_str),
        Some("InitiateAuth USER_SRP_AUTH")
    );
    assert_eq!(calls.last().map(String::as_str), Some("ConfirmDevice -"));
    let replaced = store.load().expect("load").expect("a new device");
    assert_ne!(replaced.device_key(), stored.device_key());
    assert_eq!(third.device_key(), Some(replaced.device_key()));

    // 5. Forget the stored device: ForgetDevice, then the file is gone.
    assert!(
        auth.forget_stored_device(third.access_token(), &mut store)
            .await
            .expect("forget")
    );
    assert_eq!(auth.transport().take_calls(), ["ForgetDevice"]);
    assert!(store.load().expect("load").is_none());
    assert!(!store.path().exists());
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
async fn wrong_password_is_refused_with_the_typed_kind_and_nothing_is_stored() {
    let auth = Authenticator::new(Offline::new(), client());
    let mut store = cognito_srp_auth_sdk::MemoryDeviceStore::new();
    let err = auth
        .sign_in("erin@example.com", Password::from("not-her-password"))
        .device_store(&mut store)
        .run(&mut NoPrompts)
        .await
        .expect_err("a wrong password");
    assert_eq!(err.kind(), Some(ServiceErrorKind::NotAuthorized), "{err}");
    assert_eq!(
        err.to_string(),
        "NotAuthorizedException: Incorrect username or password."
    );
    assert!(store.is_empty());
}

/// A transport that implements only `send` answers the other operations with a typed error.
#[tokio::test]
async fn operations_a_transport_lacks_are_typed_errors() {
    let auth = Authenticator::new(Offline::new(), client());
    let err = auth.list_devices("token").await.expect_err("unsupported");
    assert!(
        matches!(
            err,
            Error::Unsupported {
                operation: "ListDevices"
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "the transport does not implement ListDevices"
    );
}

/// No `Debug` or `Display` of this crate prints the client secret, a token, a session or the
/// device password: the authenticator, the tokens, a reply, the stores and the errors.
#[tokio::test]
async fn nothing_secret_is_printed() {
    let auth = Authenticator::new(Offline::new(), client());
    let mut store = cognito_srp_auth_sdk::MemoryDeviceStore::new();
    let tokens = auth
        .sign_in("erin@example.com", Password::from("Erin-Pass-1!"))
        .device_store(&mut store)
        .run(&mut NoPrompts)
        .await
        .expect("sign-in");
    let device = store.load().expect("load").expect("a device");
    let storage = device.to_storage_string();
    let device_password = storage.rsplit(' ').next().expect("the password field");
    let refresh = tokens.refresh_token().expect("a refresh token").to_owned();
    let mut set = TokenSet::default();
    set.access_token = Some(Zeroizing::new(tokens.access_token().to_owned()));
    set.refresh_token = Some(Zeroizing::new(refresh.clone()));
    let printed = [
        format!("{auth:?}"),
        format!("{tokens:?}"),
        format!("{tokens:#?}"),
        format!("{store:?}"),
        format!(
            "{:?}",
            Reply::new(ServerAnswer::authenticated(
                None,
                Some(tokens.access_token())
            ))
        ),
        format!("{set:?}"),
        format!("{device:?}"),
    ];
    for text in &printed {
        for secret in [
            SECRET,
            tokens.access_token(),
            &refresh,
            device_password,
            "Erin-Pass-1!",
        ] {
            assert!(!text.contains(secret), "{text}");
        }
    }
    assert!(
        printed[1].contains("username: \"erin-id\""),
        "{}",
        printed[1]
    );
}
