//! The operations ministack lacks (`ConfirmDevice`, `UpdateDeviceStatus`, `ForgetDevice`,
//! `ListDevices`) and the refresh operations, through the AWS SDK's own request-recording
//! test client (`aws-smithy-http-client`'s `StaticReplayClient`): each test asserts the exact
//! operation (`X-Amz-Target`) and JSON body the SDK sends, and parses recorded answers. Also
//! the error classes: a refusal, a timeout, missing credentials.

// Test code: a failed expectation is the test failing.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::time::Duration;

use aws_credential_types::provider::error::CredentialsError;
use aws_credential_types::provider::{ProvideCredentials, future};
use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::config::timeout::TimeoutConfig;
use aws_sdk_cognitoidentityprovider::config::{
    BehaviorVersion, Credentials, Region, SharedCredentialsProvider,
};
use aws_smithy_http_client::test_util::{ReplayEvent, StaticReplayClient};
use aws_smithy_types::body::SdkBody;
use cognito_srp_auth_sdk::{
    Authenticator, ClientSecret, DeviceSecretVerifierConfig, DeviceStore, Error, MemoryDeviceStore,
    NoPrompts, Password, RememberedDevice, ServiceErrorKind, UserPoolClient,
};
use serde_json::{Value, json};

const POOL: &str = "us-east-1_Rec0rded";
const CLIENT: &str = "recorded-client";
const SECRET: &str = "recorded-secret";

fn event(status: u16, body: &str) -> ReplayEvent {
    ReplayEvent::new(
        http::Request::builder()
            .uri("https://cognito-idp.us-east-1.amazonaws.com/")
            .body(SdkBody::empty())
            .expect("request"),
        http::Response::builder()
            .status(status)
            .header("content-type", "application/x-amz-json-1.1")
            .body(SdkBody::from(body))
            .expect("response"),
    )
}

fn sdk_with(http: StaticReplayClient, credentials: SharedCredentialsProvider) -> Client {
    let config = aws_sdk_cognitoidentityprovider::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(credentials)
        .http_client(http)
        .build();
    Client::from_conf(config)
}

/// An authenticator whose SDK answers `answers` in order, and the recorder.
fn recorded(answers: &[(u16, Value)], secret: bool) -> (Authenticator, StaticReplayClient) {
    let replay = StaticReplayClient::new(
        answers
            .iter()
            .map(|(status, body)| event(*status, &body.to_string()))
            .collect(),
    );
    let credentials =
        SharedCredentialsProvider::new(Credentials::new("AKIDTEST", "test", None, None, "test"));
    let client = UserPoolClient::new(POOL, CLIENT).expect("pool id");
    let client = if secret {
        client.with_client_secret(ClientSecret::from(SECRET))
    } else {
        client
    };
    (
        Authenticator::new(sdk_with(replay.clone(), credentials), client),
        replay,
    )
}

/// Each request the SDK sent: its operation (from `X-Amz-Target`) and its JSON body.
fn sent(replay: &StaticReplayClient) -> Vec<(String, Value)> {
    replay
        .actual_requests()
        .map(|r| {
            assert_eq!(
                r.headers().get("content-type"),
                Some("application/x-amz-json-1.1")
            );
            assert_eq!(r.uri(), "https://cognito-idp.us-east-1.amazonaws.com/");
            let target = r.headers().get("x-amz-target").expect("X-Amz-Target");
            let operation = target
                .strip_prefix("AWSCognitoIdentityProviderService.")
                .expect("the service prefix")
                .to_owned();
            let body = serde_json::from_slice(r.body().bytes().expect("a body")).expect("JSON");
            (operation, body)
        })
        .collect()
}

fn config() -> DeviceSecretVerifierConfig {
    DeviceSecretVerifierConfig::new("c2FsdA==".to_owned(), "dmVyaWZpZXI=".to_owned())
}

#[tokio::test]
async fn confirm_device_then_mark_it_remembered_when_the_user_may_choose() {
    let (auth, replay) = recorded(
        &[
            (200, json!({ "UserConfirmationNecessary": true })),
            (200, json!({})),
        ],
        false,
    );
    let necessary = auth
        .confirm_device(
            "access-1",
            "us-east-1_dev1",
            &config(),
            Some("Erin's laptop"),
            true,
        )
        .await
        .expect("ConfirmDevice");
    assert!(necessary);
    assert_eq!(
        sent(&replay),
        [
            (
                "ConfirmDevice".to_owned(),
                json!({
                    "AccessToken": "access-1",
                    "DeviceKey": "us-east-1_dev1",
                    "DeviceSecretVerifierConfig": {
                        "PasswordVerifier": "dmVyaWZpZXI=",
                        "Salt": "c2FsdA==",
                    },
                    "DeviceName": "Erin's laptop",
                })
            ),
            (
                "UpdateDeviceStatus".to_owned(),
                json!({
                    "AccessToken": "access-1",
                    "DeviceKey": "us-east-1_dev1",
                    "DeviceRememberedStatus": "remembered",
                })
            ),
        ]
    );
}

#[tokio::test]
async fn confirm_device_sends_no_status_when_the_pool_always_remembers_or_the_user_declines() {
    for (necessary, remember) in [(false, true), (true, false)] {
        let (auth, replay) = recorded(
            &[(200, json!({ "UserConfirmationNecessary": necessary }))],
            false,
        );
        let answered = auth
            .confirm_device("access-1", "us-east-1_dev1", &config(), None, remember)
            .await
            .expect("ConfirmDevice");
        assert_eq!(answered, necessary);
        let requests = sent(&replay);
        assert_eq!(requests.len(), 1);
        assert_eq!(requests[0].0, "ConfirmDevice");
        assert_eq!(requests[0].1.get("DeviceName"), None);
    }
}

#[tokio::test]
async fn update_device_status_not_remembered() {
    let (auth, replay) = recorded(&[(200, json!({}))], false);
    auth.set_device_remembered("access-1", "us-east-1_dev1", false)
        .await
        .expect("UpdateDeviceStatus");
    assert_eq!(
        sent(&replay),
        [(
            "UpdateDeviceStatus".to_owned(),
            json!({
                "AccessToken": "access-1",
                "DeviceKey": "us-east-1_dev1",
                "DeviceRememberedStatus": "not_remembered",
            })
        )]
    );
}

#[tokio::test]
async fn list_devices_reads_every_page() {
    let (auth, replay) = recorded(
        &[
            (
                200,
                json!({
                    "Devices": [{
                        "DeviceKey": "us-east-1_dev1",
                        "DeviceAttributes": [
                            { "Name": "device_name", "Value": "Erin's laptop" },
                            { "Name": "dev:device_remembered_status", "Value": "remembered" },
                        ],
                        "DeviceLastAuthenticatedDate": 1.7e9,
                    }],
                    "PaginationToken": "page-2",
                }),
            ),
            (
                200,
                json!({ "Devices": [{ "DeviceKey": "us-east-1_dev2" }] }),
            ),
        ],
        false,
    );
    let devices = auth.list_devices("access-1").await.expect("ListDevices");
    let keys: Vec<_> = devices
        .iter()
        .map(|d| d.device_key().unwrap_or("-"))
        .collect();
    assert_eq!(keys, ["us-east-1_dev1", "us-east-1_dev2"]);
    let name = devices[0]
        .device_attributes()
        .iter()
        .find(|a| a.name() == "device_name")
        .and_then(|a| a.value());
    assert_eq!(name, Some("Erin's laptop"));
    assert_eq!(
        devices[0]
            .device_last_authenticated_date()
            .map(|d| d.secs()),
        Some(1_700_000_000)
    );
    assert_eq!(
        sent(&replay),
        [
            (
                "ListDevices".to_owned(),
                json!({ "AccessToken": "access-1", "Limit": 60 })
            ),
            (
                "ListDevices".to_owned(),
                json!({ "AccessToken": "access-1", "Limit": 60, "PaginationToken": "page-2" })
            ),
        ]
    );
}

fn stored_device() -> MemoryDeviceStore {
    let mut store = MemoryDeviceStore::new();
    let device = RememberedDevice::new("us-east-1_dev1", "-Grp1", Password::from("cGFzcw=="))
        .expect("device");
    store.save(&device).expect("save");
    store
}

#[tokio::test]
async fn forget_the_stored_device() {
    let (auth, replay) = recorded(&[(200, json!({}))], false);
    let mut store = stored_device();
    assert!(
        auth.forget_stored_device("access-1", &mut store)
            .await
            .expect("ForgetDevice")
    );
    assert!(store.is_empty());
    assert_eq!(
        sent(&replay),
        [(
            "ForgetDevice".to_owned(),
            json!({ "AccessToken": "access-1", "DeviceKey": "us-east-1_dev1" })
        )]
    );
    // Nothing stored: nothing sent.
    assert!(
        !auth
            .forget_stored_device("access-1", &mut store)
            .await
            .expect("empty")
    );
    assert_eq!(sent(&replay).len(), 1);
}

#[tokio::test]
async fn a_device_cognito_no_longer_knows_leaves_the_store_and_a_refusal_keeps_it() {
    let (auth, _) = recorded(
        &[(
            400,
            json!({ "__type": "ResourceNotFoundException", "message": "Device does not exist." }),
        )],
        false,
    );
    let mut store = stored_device();
    assert!(
        auth.forget_stored_device("access-1", &mut store)
            .await
            .expect("dropped")
    );
    assert!(store.is_empty());

    let (auth, _) = recorded(
        &[(
            400,
            json!({ "__type": "NotAuthorizedException", "message": "Access Token has expired" }),
        )],
        false,
    );
    let mut store = stored_device();
    let err = auth
        .forget_stored_device("access-1", &mut store)
        .await
        .expect_err("an expired access token");
    assert_eq!(err.kind(), Some(ServiceErrorKind::NotAuthorized));
    assert_eq!(
        err.to_string(),
        "NotAuthorizedException: Access Token has expired"
    );
    assert!(!store.is_empty());
}

fn authentication_result(refresh_token: Option<&str>) -> Value {
    let mut result = json!({
        "AccessToken": "access-2",
        "IdToken": "id-2",
        "ExpiresIn": 3600,
        "TokenType": "Bearer",
    });
    if let Some(token) = refresh_token {
        result["RefreshToken"] = json!(token);
    }
    json!({ "AuthenticationResult": result })
}

#[tokio::test]
async fn refresh_token_auth_sends_the_secret_hash_over_the_internal_name_and_the_device_key() {
    for admin in [false, true] {
        let (auth, replay) = recorded(&[(200, authentication_result(None))], true);
        let auth = if admin { auth.admin() } else { auth };
        let tokens = auth
            .refresh_token_auth("erin-id", "refresh-1", Some("us-east-1_dev1"))
            .await
            .expect("REFRESH_TOKEN_AUTH");
        assert_eq!(tokens.access_token(), "access-2");
        assert_eq!(tokens.id_token(), Some("id-2"));
        assert_eq!(tokens.refresh_token(), Some("refresh-1"));
        assert_eq!(tokens.username(), "erin-id");
        assert_eq!(tokens.device_key(), Some("us-east-1_dev1"));
        assert_eq!(tokens.expires_in(), Duration::from_secs(3600));
        let at = tokens.expires_at();
        assert!(!tokens.expires_within(Duration::from_secs(59), at - Duration::from_secs(60)));
        assert!(tokens.expires_within(Duration::from_secs(60), at - Duration::from_secs(60)));
        // A margin beyond what `SystemTime` holds is past any expiry, not an overflow panic.
        assert!(tokens.expires_within(Duration::MAX, at - Duration::from_secs(3600)));
        let secret_hash =
            cognito_srp_auth::secret_hash("erin-id", CLIENT, &ClientSecret::from(SECRET));
        let mut body = json!({
            "AuthFlow": "REFRESH_TOKEN_AUTH",
            "ClientId": CLIENT,
            "AuthParameters": {
                "REFRESH_TOKEN": "refresh-1",
                "SECRET_HASH": secret_hash,
                "DEVICE_KEY": "us-east-1_dev1",
            },
        });
        let operation = if admin {
            body["UserPoolId"] = json!(POOL);
            "AdminInitiateAuth"
        } else {
            "InitiateAuth"
        };
        assert_eq!(sent(&replay), [(operation.to_owned(), body)]);
    }
}

#[tokio::test]
async fn get_tokens_from_refresh_token_sends_the_raw_secret_and_takes_the_rotated_token() {
    let (auth, replay) = recorded(&[(200, authentication_result(Some("refresh-2")))], true);
    let tokens = auth
        .get_tokens_from_refresh_token("erin-id", "refresh-1", Some("us-east-1_dev1"))
        .await
        .expect("GetTokensFromRefreshToken");
    assert_eq!(tokens.refresh_token(), Some("refresh-2"));
    assert_eq!(tokens.access_token(), "access-2");
    assert_eq!(
        sent(&replay),
        [(
            "GetTokensFromRefreshToken".to_owned(),
            json!({
                "RefreshToken": "refresh-1",
                "ClientId": CLIENT,
                "ClientSecret": SECRET,
                "DeviceKey": "us-east-1_dev1",
            })
        )]
    );
}

#[tokio::test]
async fn a_refused_refresh_says_why() {
    let (auth, _) = recorded(
        &[(
            400,
            json!({ "__type": "NotAuthorizedException", "message": "Refresh Token has expired" }),
        )],
        true,
    );
    let err = auth
        .refresh_token_auth("erin-id", "refresh-1", None)
        .await
        .expect_err("expired");
    assert_eq!(err.kind(), Some(ServiceErrorKind::NotAuthorized));
    let service = err.service_error().expect("a refusal");
    assert_eq!(service.code, "NotAuthorizedException");
    assert_eq!(service.message, "Refresh Token has expired");
}

/// An answer the SDK cannot parse is a transport error whose `Debug` and `Display` carry no
/// byte of the body: the SDK keeps the whole body in its response error, tokens included.
#[tokio::test]
async fn an_unparsable_answer_prints_none_of_its_tokens() {
    let (auth, _) = recorded(
        &[(
            200,
            json!({ "AuthenticationResult": {
                "AccessToken": 5,
                "RefreshToken": "refresh-token-in-a-bad-body",
                "IdToken": "id-token-in-a-bad-body",
            }}),
        )],
        true,
    );
    let err = auth
        .refresh_token_auth("erin-id", "refresh-1", None)
        .await
        .expect_err("unparsable");
    assert!(matches!(err, Error::Transport(_)), "{err}");
    for text in [format!("{err:?}"), format!("{err}")] {
        assert!(!text.contains("in-a-bad-body"), "{text}");
        assert!(!text.contains("AuthenticationResult"), "{text}");
    }
}

#[derive(Debug)]
struct NoCredentials;

impl ProvideCredentials for NoCredentials {
    fn provide_credentials<'a>(&'a self) -> future::ProvideCredentials<'a>
    where
        Self: 'a,
    {
        future::ProvideCredentials::ready(Err(CredentialsError::not_loaded(
            "no credentials in this test",
        )))
    }
}

/// An `Admin…` sign-in without AWS credentials is a credential error, not a refusal, and
/// nothing is sent.
#[tokio::test]
async fn missing_credentials_are_their_own_error() {
    let replay = StaticReplayClient::new(vec![]);
    let sdk = sdk_with(
        replay.clone(),
        SharedCredentialsProvider::new(NoCredentials),
    );
    let auth = Authenticator::new(sdk, UserPoolClient::new(POOL, CLIENT).expect("pool id")).admin();
    let err = auth
        .sign_in("erin", Password::from("Erin-Pass-1!"))
        .run(&mut NoPrompts)
        .await
        .expect_err("no credentials");
    assert!(matches!(err, Error::Credentials(_)), "{err:?}");
    assert_eq!(err.kind(), None);
    assert_eq!(sent(&replay).len(), 0);
}

/// A server that accepts the connection and never answers: a timeout, not a refusal.
#[tokio::test]
async fn a_silent_server_is_a_timeout() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = listener.local_addr().expect("port").port();
    let held = tokio::spawn(async move {
        let mut open = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            open.push(socket);
        }
    });
    let config = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(format!("http://127.0.0.1:{port}"))
        .credentials_provider(Credentials::new("AKIDTEST", "test", None, None, "test"))
        .retry_config(aws_config::retry::RetryConfig::disabled())
        .timeout_config(
            TimeoutConfig::builder()
                .operation_timeout(Duration::from_millis(300))
                .build(),
        )
        .load()
        .await;
    let auth = Authenticator::new(
        Client::new(&config),
        UserPoolClient::new(POOL, CLIENT).expect("pool id"),
    );
    let err = auth
        .sign_in("erin", Password::from("Erin-Pass-1!"))
        .run(&mut NoPrompts)
        .await
        .expect_err("no answer");
    assert!(matches!(err, Error::Timeout(_)), "{err:?}");
    assert!(err.to_string().starts_with("timed out"), "{err}");
    held.abort();
}

/// The body of a `RespondToAuthChallenge` of this app client (with its secret).
fn respond(challenge: &str, session: &str, responses: Value) -> (String, Value) {
    (
        "RespondToAuthChallenge".to_owned(),
        json!({
            "ClientId": CLIENT,
            "ChallengeName": challenge,
            "Session": session,
            "ChallengeResponses": responses,
        }),
    )
}

fn secret_hash(name: &str) -> String {
    cognito_srp_auth::secret_hash(name, CLIENT, &ClientSecret::from(SECRET))
}

fn password_auth(name: &str) -> (String, Value) {
    (
        "InitiateAuth".to_owned(),
        json!({
            "AuthFlow": "USER_PASSWORD_AUTH",
            "ClientId": CLIENT,
            "AuthParameters": {
                "USERNAME": name,
                "PASSWORD": "Erin-Pass-1!",
                "SECRET_HASH": secret_hash(name),
            },
        }),
    )
}

fn mfa_setup(options: &str) -> Value {
    json!({
        "ChallengeName": "MFA_SETUP",
        "Session": "session-1",
        "ChallengeParameters": { "MFAS_CAN_SETUP": options, "USER_ID_FOR_SRP": "erin-id" },
    })
}

/// `MFA_SETUP` with TOTP inside a sign-in, as the SDK sends it: `AssociateSoftwareToken` with
/// the challenge's session, the handler's code to `VerifySoftwareToken`, and `MFA_SETUP`
/// answered with the session that returned (`USERNAME` and `SECRET_HASH` over the internal
/// name).
#[tokio::test]
async fn mfa_setup_with_totp_sends_associate_verify_and_the_verified_session() {
    let (auth, replay) = recorded(
        &[
            (200, mfa_setup("[\"SOFTWARE_TOKEN_MFA\"]")),
            (
                200,
                json!({ "SecretCode": "JBSWY3DPEHPK3PXP", "Session": "session-2" }),
            ),
            (200, json!({ "Status": "SUCCESS", "Session": "session-3" })),
            (200, authentication_result(Some("refresh-1"))),
        ],
        true,
    );
    let mut prompts = Vec::new();
    let tokens = auth
        .sign_in("erin@example.com", Password::from("Erin-Pass-1!"))
        .flow(cognito_srp_auth_sdk::Flow::UserPassword)
        .run(&mut |prompt: cognito_srp_auth_sdk::Prompt| {
            let answer = match &prompt {
                cognito_srp_auth_sdk::Prompt::TotpSetup(setup) => {
                    prompts.push(setup.uri().to_owned());
                    Ok(cognito_srp_auth_sdk::Answer::Code("123456".to_owned()))
                }
                other => Err(format!("unexpected {other:?}").into()),
            };
            std::future::ready(answer)
        })
        .await
        .expect("sign-in through MFA_SETUP");
    assert_eq!(
        prompts,
        [format!(
            "otpauth://totp/{POOL}:erin%40example.com?secret=JBSWY3DPEHPK3PXP&issuer={POOL}\
             &algorithm=SHA1&digits=6&period=30"
        )]
    );
    assert_eq!(tokens.username(), "erin-id");
    assert_eq!(tokens.refresh_token(), Some("refresh-1"));
    assert_eq!(
        sent(&replay),
        [
            password_auth("erin@example.com"),
            (
                "AssociateSoftwareToken".to_owned(),
                json!({ "Session": "session-1" })
            ),
            (
                "VerifySoftwareToken".to_owned(),
                json!({ "Session": "session-2", "UserCode": "123456" })
            ),
            respond(
                "MFA_SETUP",
                "session-3",
                json!({ "USERNAME": "erin-id", "SECRET_HASH": secret_hash("erin-id") })
            ),
        ]
    );
}

/// `MFA_SETUP` offering TOTP and email: the handler chooses email, gives the address, and
/// answers the `EMAIL_OTP` code that follows.
#[tokio::test]
async fn mfa_setup_with_email_when_the_user_chooses_it() {
    let (auth, replay) = recorded(
        &[
            (200, mfa_setup("[\"SOFTWARE_TOKEN_MFA\",\"EMAIL_OTP\"]")),
            (
                200,
                json!({
                    "ChallengeName": "EMAIL_OTP",
                    "Session": "session-2",
                    "ChallengeParameters": {
                        "CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL",
                        "CODE_DELIVERY_DESTINATION": "e***@e***",
                        "USERNAME": "erin-id",
                    },
                }),
            ),
            (200, authentication_result(Some("refresh-1"))),
        ],
        true,
    );
    let mut asked = Vec::new();
    let tokens = auth
        .sign_in("erin@example.com", Password::from("Erin-Pass-1!"))
        .flow(cognito_srp_auth_sdk::Flow::UserPassword)
        .run(&mut |prompt: cognito_srp_auth_sdk::Prompt| {
            use cognito_srp_auth_sdk::{Answer, Prompt, Question};
            asked.push(prompt.name());
            let answer = match prompt {
                Prompt::ChooseMfaSetup { options } => {
                    assert_eq!(options, ["SOFTWARE_TOKEN_MFA", "EMAIL_OTP"]);
                    Ok(Answer::MfaType("EMAIL_OTP".to_owned()))
                }
                Prompt::EmailMfaSetup => Ok(Answer::MfaSetupEmail {
                    email: "erin@example.com".to_owned(),
                }),
                Prompt::Question(Question::Code { .. }) => Ok(Answer::Code("87654321".to_owned())),
                other => Err(format!("unexpected {other:?}").into()),
            };
            std::future::ready(answer)
        })
        .await
        .expect("sign-in through MFA_SETUP with email");
    assert_eq!(
        asked,
        [
            "which MFA to set up",
            "an email address for MFA",
            "a one-time code"
        ]
    );
    assert_eq!(tokens.username(), "erin-id");
    let hash = secret_hash("erin-id");
    assert_eq!(
        sent(&replay),
        [
            password_auth("erin@example.com"),
            respond(
                "MFA_SETUP",
                "session-1",
                json!({ "USERNAME": "erin-id", "SECRET_HASH": hash, "EMAIL": "erin@example.com" })
            ),
            respond(
                "EMAIL_OTP",
                "session-2",
                json!({ "USERNAME": "erin-id", "SECRET_HASH": hash, "EMAIL_OTP_CODE": "87654321" })
            ),
        ]
    );
}

/// `MFA_SETUP` offering only SMS (which needs a phone number set beforehand) stops with a
/// typed error; an answer of the wrong kind to the TOTP prompt too, before
/// `VerifySoftwareToken`.
#[tokio::test]
async fn mfa_setup_that_cannot_be_carried_out_is_a_typed_error() {
    let (auth, replay) = recorded(&[(200, mfa_setup("[\"SMS_MFA\"]"))], true);
    let err = auth
        .sign_in("erin@example.com", Password::from("Erin-Pass-1!"))
        .flow(cognito_srp_auth_sdk::Flow::UserPassword)
        .run(&mut NoPrompts)
        .await
        .expect_err("SMS only");
    assert!(matches!(err, Error::MfaSetupUnavailable), "{err:?}");
    assert_eq!(sent(&replay).len(), 1);

    let (auth, replay) = recorded(
        &[
            (200, mfa_setup("[\"SOFTWARE_TOKEN_MFA\"]")),
            (
                200,
                json!({ "SecretCode": "JBSWY3DPEHPK3PXP", "Session": "session-2" }),
            ),
        ],
        true,
    );
    let err = auth
        .sign_in("erin@example.com", Password::from("Erin-Pass-1!"))
        .flow(cognito_srp_auth_sdk::Flow::UserPassword)
        .run(&mut |_| {
            std::future::ready(Ok(cognito_srp_auth_sdk::Answer::MfaType(
                "SOFTWARE_TOKEN_MFA".to_owned(),
            )))
        })
        .await
        .expect_err("not a code");
    assert!(
        matches!(err, Error::SignIn(cognito_srp_auth::Error::AnswerMismatch)),
        "{err:?}"
    );
    assert_eq!(sent(&replay).len(), 2);

    // The handler's own failure stops the sign-in with its message.
    let (auth, _) = recorded(&[(200, mfa_setup("[\"EMAIL_OTP\"]"))], true);
    let err = auth
        .sign_in("erin@example.com", Password::from("Erin-Pass-1!"))
        .flow(cognito_srp_auth_sdk::Flow::UserPassword)
        .run(&mut NoPrompts)
        .await
        .expect_err("NoPrompts answers nothing");
    assert_eq!(
        err.to_string(),
        "handler: the sign-in asked an email address for MFA, and this handler answers nothing"
    );
}
