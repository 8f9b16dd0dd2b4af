//! The crate's `SignIn` over the AWS SDK for Rust against ministack, an emulator whose Cognito
//! verifies the SRP signature and (with `AUTH=true`) enforces `SECRET_HASH`. `.ci/run` starts it
//! and sets `MINISTACK_ENDPOINT`. Device SRP, which the emulator lacks, runs the same driver
//! code path against the crate's own server side.

#[path = "common/totp.rs"]
mod totp;

use std::sync::atomic::{AtomicU32, Ordering};

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_cognitoidentityprovider::types::{
    AliasAttributeType, ExplicitAuthFlowsType, MessageActionType, UserPoolMfaType,
};
use cognito_srp_auth::server::{UserPool, UserPoolConfig};
use cognito_srp_auth::{
    Answer, AuthParameters, ClientSecret, CodeChallenge, Flow, Password, Question,
    RememberedDevice, Request, RequestContext, ServerAnswer, ServiceErrorKind, SignIn,
    UserPoolClient,
};
use cognito_srp_auth_integration::{DriverError, Transport, attribute, sign_in};
use totp::totp;

static NEXT: AtomicU32 = AtomicU32::new(0);

fn unique(prefix: &str) -> String {
    format!(
        "{prefix}{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

async fn sdk() -> Client {
    let endpoint = std::env::var("MINISTACK_ENDPOINT")
        .expect("MINISTACK_ENDPOINT must name a running ministack (bash .ci/run starts one)");
    let config = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new("test", "test", None, None, "ministack"))
        .load()
        .await;
    Client::new(&config)
}

/// A pool (optionally with email as an alias) and an app client (optionally with a secret).
struct Pool {
    pool_id: String,
    client_id: String,
    client_secret: Option<String>,
}

impl Pool {
    async fn create(sdk: &Client, email_alias: bool, with_secret: bool) -> Self {
        Self::create_with_mfa(sdk, email_alias, with_secret, UserPoolMfaType::Off).await
    }

    async fn create_with_mfa(
        sdk: &Client,
        email_alias: bool,
        with_secret: bool,
        mfa: UserPoolMfaType,
    ) -> Self {
        let mut pool = sdk
            .create_user_pool()
            .pool_name(unique("pool"))
            .mfa_configuration(mfa);
        if email_alias {
            pool = pool.alias_attributes(AliasAttributeType::Email);
        }
        let pool = pool.send().await.expect("CreateUserPool");
        let pool_id = pool
            .user_pool()
            .and_then(|p| p.id())
            .expect("pool id")
            .to_owned();
        let client = sdk
            .create_user_pool_client()
            .user_pool_id(&pool_id)
            .client_name(unique("client"))
            .generate_secret(with_secret)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserSrpAuth)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowAdminUserPasswordAuth)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
            .send()
            .await
            .expect("CreateUserPoolClient");
        let client = client.user_pool_client().expect("client");
        Self {
            pool_id,
            client_id: client.client_id().expect("client id").to_owned(),
            client_secret: client.client_secret().map(str::to_owned),
        }
    }

    fn client(&self) -> UserPoolClient {
        let client = UserPoolClient::new(&self.pool_id, &self.client_id).expect("pool id");
        match &self.client_secret {
            Some(secret) => client.with_client_secret(ClientSecret::from(secret.as_str())),
            None => client,
        }
    }

    /// A confirmed user with a permanent password.
    async fn user(&self, sdk: &Client, username: &str, password: &str, email: Option<&str>) {
        let mut create = sdk
            .admin_create_user()
            .user_pool_id(&self.pool_id)
            .username(username)
            .message_action(MessageActionType::Suppress);
        if let Some(email) = email {
            create = create
                .user_attributes(attribute("email", email))
                .user_attributes(attribute("email_verified", "true"));
        }
        create.send().await.expect("AdminCreateUser");
        sdk.admin_set_user_password()
            .user_pool_id(&self.pool_id)
            .username(username)
            .password(password)
            .permanent(true)
            .send()
            .await
            .expect("AdminSetUserPassword");
    }
}

fn no_questions(question: &Question) -> Answer {
    panic!("unexpected question {question:?}")
}

#[tokio::test]
async fn correct_password_gets_tokens_and_wrong_password_is_refused() {
    let sdk = sdk().await;
    let pool = Pool::create(&sdk, false, false).await;
    pool.user(&sdk, "alice", "Correct-Horse-9!", None).await;

    let outcome = sign_in(
        &mut &sdk,
        SignIn::new(pool.client(), "alice", Password::from("Correct-Horse-9!")),
        no_questions,
    )
    .await
    .expect("sign-in");
    assert_eq!(outcome.signed_in.username, "alice");
    assert!(outcome.tokens.access_token().is_some_and(|t| !t.is_empty()));
    assert!(outcome.tokens.id_token().is_some());

    let refused = sign_in(
        &mut &sdk,
        SignIn::new(pool.client(), "alice", Password::from("Wrong-Horse-9!")),
        no_questions,
    )
    .await;
    let err = refused.expect_err("a wrong password must not sign in");
    assert_eq!(err.service_code(), Some("NotAuthorizedException"), "{err}");
}

/// The case both existing Rust crates fail: sign in by email alias through an app client with
/// a secret (SECRET_HASH over the alias in InitiateAuth, over the internal name afterwards).
#[tokio::test]
async fn email_alias_with_client_secret() {
    let sdk = sdk().await;
    let pool = Pool::create(&sdk, true, true).await;
    assert!(pool.client_secret.is_some());
    pool.user(
        &sdk,
        "bob-internal",
        "Tr0ub4dor&3-x",
        Some("bob@example.com"),
    )
    .await;
    let outcome = sign_in(
        &mut &sdk,
        SignIn::new(
            pool.client(),
            "bob@example.com",
            Password::from("Tr0ub4dor&3-x"),
        ),
        no_questions,
    )
    .await
    .expect("alias sign-in with a client secret");
    assert_eq!(outcome.signed_in.username, "bob-internal");
    assert!(outcome.tokens.access_token().is_some());

    // The same through AdminInitiateAuth / AdminRespondToAuthChallenge.
    let outcome = sign_in(
        &mut &sdk,
        SignIn::new(
            pool.client(),
            "bob@example.com",
            Password::from("Tr0ub4dor&3-x"),
        )
        .admin(),
        no_questions,
    )
    .await
    .expect("admin alias sign-in with a client secret");
    assert!(outcome.tokens.access_token().is_some());
}

#[tokio::test]
async fn new_password_required_then_tokens() {
    let sdk = sdk().await;
    let pool = Pool::create(&sdk, false, true).await;
    sdk.admin_create_user()
        .user_pool_id(&pool.pool_id)
        .username("carol")
        .temporary_password("Temp-Pass-123!")
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .expect("AdminCreateUser");
    let mut asked = Vec::new();
    let outcome = sign_in(
        &mut &sdk,
        SignIn::new(pool.client(), "carol", Password::from("Temp-Pass-123!")),
        |q| {
            asked.push(format!("{q:?}"));
            match q {
                Question::NewPassword {
                    required_attributes,
                    ..
                } => Answer::NewPassword {
                    password: Password::from("Brand-New-Pass-456!"),
                    attributes: required_attributes
                        .iter()
                        .map(|a| (a.clone(), "x".to_owned()))
                        .collect(),
                },
                other => panic!("unexpected question {other:?}"),
            }
        },
    )
    .await
    .expect("NEW_PASSWORD_REQUIRED answered");
    assert_eq!(asked.len(), 1, "{asked:?}");
    assert!(outcome.tokens.access_token().is_some());
    // The new password now signs in directly.
    sign_in(
        &mut &sdk,
        SignIn::new(
            pool.client(),
            "carol",
            Password::from("Brand-New-Pass-456!"),
        ),
        no_questions,
    )
    .await
    .expect("sign-in with the new password");
}

/// Fresh ephemerals every time: catches the padding bugs that fail one sign-in in 256.
#[tokio::test]
async fn twenty_sign_ins_in_a_row() {
    let sdk = sdk().await;
    let pool = Pool::create(&sdk, true, true).await;
    pool.user(&sdk, "dave", "Twenty-Times-20!", Some("dave@example.com"))
        .await;
    for i in 0..20 {
        let name = if i % 2 == 0 {
            "dave"
        } else {
            "dave@example.com"
        };
        sign_in(
            &mut &sdk,
            SignIn::new(pool.client(), name, Password::from("Twenty-Times-20!")),
            no_questions,
        )
        .await
        .unwrap_or_else(|e| panic!("sign-in {i} as {name}: {e}"));
    }
}

/// The offline server side behind the same driver: device SRP, which ministack lacks.
struct Offline(UserPool<rand::rngs::ThreadRng>);

impl Transport for Offline {
    type Tokens = ();

    async fn send(&mut self, request: &Request) -> Result<(ServerAnswer, Option<()>), DriverError> {
        let answer = self.0.handle(request, chrono::Utc::now());
        let tokens = matches!(answer, ServerAnswer::Authenticated { .. }).then_some(());
        Ok((answer, tokens))
    }
}

#[tokio::test]
async fn device_srp_through_the_same_driver_against_the_crate_server() {
    let secret = "offline-client-secret";
    let config = UserPoolConfig::new(
        "us-east-1_Offline1",
        "offline-client",
        Some(ClientSecret::from(secret)),
    );
    let mut transport = Offline(UserPool::new(config, rand::rng()).expect("pool"));
    transport
        .0
        .add_user(
            "erin-id",
            &Password::from("Erin-Pass-1!"),
            &["erin@example.com"],
        )
        .expect("user");
    let client = || {
        UserPoolClient::new("us-east-1_Offline1", "offline-client")
            .expect("pool id")
            .with_client_secret(ClientSecret::from(secret))
    };
    let first = sign_in(
        &mut transport,
        SignIn::new(client(), "erin@example.com", Password::from("Erin-Pass-1!")),
        no_questions,
    )
    .await
    .expect("first sign-in");
    let new_device = first.signed_in.new_device.expect("NewDeviceMetadata");
    transport
        .0
        .confirm_device(
            "erin-id",
            new_device.device.device_key(),
            &new_device.config,
        )
        .expect("ConfirmDevice");
    let stored = new_device.device.to_storage_string();
    let device = RememberedDevice::from_storage_string(&stored).expect("stored device");
    let second = sign_in(
        &mut transport,
        SignIn::new(client(), "erin@example.com", Password::from("Erin-Pass-1!"))
            .with_device(device),
        no_questions,
    )
    .await
    .expect("device sign-in");
    assert!(second.signed_in.new_device.is_none() && !second.signed_in.forget_stored_device);
}

/// The emulator really checks what the crate gets right: a wrong client secret, and a
/// `SECRET_HASH` over the alias in the `PASSWORD_VERIFIER` response, are refused.
#[tokio::test]
async fn secret_hash_is_enforced() {
    let sdk = sdk().await;
    let pool = Pool::create(&sdk, true, true).await;
    pool.user(
        &sdk,
        "frank-internal",
        "Frank-Pass-77!",
        Some("frank@example.com"),
    )
    .await;

    let wrong_secret = UserPoolClient::new(&pool.pool_id, &pool.client_id)
        .expect("pool id")
        .with_client_secret(ClientSecret::from("not-the-secret"));
    let err = sign_in(
        &mut &sdk,
        SignIn::new(
            wrong_secret,
            "frank@example.com",
            Password::from("Frank-Pass-77!"),
        ),
        no_questions,
    )
    .await
    .expect_err("a wrong client secret must be refused");
    assert_eq!(err.service_code(), Some("NotAuthorizedException"), "{err}");

    // Walk to the PASSWORD_VERIFIER answer, then swap its SECRET_HASH for one over the alias.
    let mut machine = SignIn::new(
        pool.client(),
        "frank@example.com",
        Password::from("Frank-Pass-77!"),
    );
    let cognito_srp_auth::Step::Send(initiate) = machine.start().expect("start") else {
        panic!()
    };
    let (pv, _) = cognito_srp_auth_integration::send(&sdk, &initiate)
        .await
        .expect("InitiateAuth");
    let cognito_srp_auth::Step::Send(Request::RespondToAuthChallenge(mut answer)) = machine
        .handle(pv, &cognito_srp_auth::Timestamp::now())
        .expect("PASSWORD_VERIFIER")
    else {
        panic!()
    };
    let secret = ClientSecret::from(pool.client_secret.as_deref().expect("secret"));
    let alias_hash = cognito_srp_auth::secret_hash("frank@example.com", &pool.client_id, &secret);
    let mut pairs: Vec<(String, String)> = answer
        .challenge_responses
        .iter()
        .filter(|(k, _)| *k != "USERNAME" && *k != "SECRET_HASH")
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    pairs.push(("SECRET_HASH".to_owned(), alias_hash));
    let pairs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let no_secret = UserPoolClient::new(&pool.pool_id, &pool.client_id).expect("pool id");
    answer.challenge_responses = cognito_srp_auth::Responder::new(&no_secret, "frank-internal")
        .other("PASSWORD_VERIFIER", &pairs);
    let (refused, tokens) =
        cognito_srp_auth_integration::send(&sdk, &Request::RespondToAuthChallenge(answer))
            .await
            .expect("RespondToAuthChallenge");
    assert!(tokens.is_none());
    assert!(
        matches!(&refused, ServerAnswer::Error { code, .. } if code == "NotAuthorizedException"),
        "{refused:?}"
    );
}

/// MFA after SRP: the user sets up TOTP, then every sign-in answers `SOFTWARE_TOKEN_MFA`
/// through the state machine's question, with the internal name and SECRET_HASH.
#[tokio::test]
async fn totp_mfa_after_srp() {
    let sdk = sdk().await;
    let pool = Pool::create_with_mfa(&sdk, true, true, UserPoolMfaType::Optional).await;
    pool.user(
        &sdk,
        "gina-internal",
        "Gina-Pass-55!",
        Some("gina@example.com"),
    )
    .await;
    let first = sign_in(
        &mut &sdk,
        SignIn::new(
            pool.client(),
            "gina@example.com",
            Password::from("Gina-Pass-55!"),
        ),
        no_questions,
    )
    .await
    .expect("sign-in before MFA");
    let access_token = first
        .tokens
        .access_token()
        .expect("access token")
        .to_owned();
    let associated = sdk
        .associate_software_token()
        .access_token(&access_token)
        .send()
        .await
        .expect("AssociateSoftwareToken");
    let secret = associated.secret_code().expect("secret").to_owned();
    sdk.verify_software_token()
        .access_token(&access_token)
        .user_code(totp(&secret))
        .send()
        .await
        .expect("VerifySoftwareToken");

    let mut questions = 0;
    let outcome = sign_in(
        &mut &sdk,
        SignIn::new(
            pool.client(),
            "gina@example.com",
            Password::from("Gina-Pass-55!"),
        ),
        |q| {
            questions += 1;
            match q {
                Question::Code {
                    challenge: CodeChallenge::SoftwareTokenMfa,
                    ..
                } => Answer::Code(totp(&secret)),
                other => panic!("unexpected question {other:?}"),
            }
        },
    )
    .await
    .expect("sign-in with TOTP MFA");
    assert_eq!(questions, 1);
    assert!(outcome.tokens.access_token().is_some());

    // A wrong code is refused by the emulator.
    let wrong = sign_in(
        &mut &sdk,
        SignIn::new(
            pool.client(),
            "gina@example.com",
            Password::from("Gina-Pass-55!"),
        ),
        |_| {
            Answer::Code(if totp(&secret) == "000000" {
                "111111".into()
            } else {
                "000000".into()
            })
        },
    )
    .await
    .expect_err("a wrong TOTP code must be refused");
    assert!(wrong.service_code().is_some(), "{wrong}");
}

/// `USER_PASSWORD_AUTH` by an email alias through an app client with a secret: the machine
/// learns the internal name from the access token (no challenge names it).
#[tokio::test]
async fn user_password_auth_with_alias_and_secret() {
    let sdk = sdk().await;
    let pool = Pool::create(&sdk, true, true).await;
    pool.user(
        &sdk,
        "hana-internal",
        "Hana-Pass-21!",
        Some("hana@example.com"),
    )
    .await;
    let outcome = sign_in(
        &mut &sdk,
        SignIn::new(
            pool.client(),
            "hana@example.com",
            Password::from("Hana-Pass-21!"),
        )
        .with_flow(Flow::UserPassword),
        no_questions,
    )
    .await
    .expect("USER_PASSWORD_AUTH");
    assert_eq!(outcome.signed_in.username, "hana-internal");
    assert!(outcome.tokens.access_token().is_some());
}

/// Both refresh operations with a client secret after an alias sign-in, and a refresh whose
/// `SECRET_HASH` is over the alias (not the internal name) refused.
#[tokio::test]
async fn refresh_token_auth_and_get_tokens_from_refresh_token() {
    let sdk = sdk().await;
    let pool = Pool::create(&sdk, true, true).await;
    pool.user(
        &sdk,
        "ivan-internal",
        "Ivan-Pass-34!",
        Some("ivan@example.com"),
    )
    .await;
    let outcome = sign_in(
        &mut &sdk,
        SignIn::new(
            pool.client(),
            "ivan@example.com",
            Password::from("Ivan-Pass-34!"),
        ),
        no_questions,
    )
    .await
    .expect("sign-in");
    let refresh_token = outcome
        .tokens
        .refresh_token()
        .expect("refresh token")
        .to_owned();

    let parameters = outcome
        .signed_in
        .refresh_token_auth(&pool.client(), &refresh_token);
    let request = Request::initiate_auth(RequestContext::new(&pool.client_id), parameters);
    let (answer, tokens) = cognito_srp_auth_integration::send(&sdk, &request)
        .await
        .expect("REFRESH_TOKEN_AUTH");
    assert!(
        matches!(answer, ServerAnswer::Authenticated { .. }),
        "{answer:?}"
    );
    assert!(
        tokens
            .and_then(|t| t.access_token().map(str::to_owned))
            .is_some()
    );

    // GetTokensFromRefreshToken takes the raw client secret and the device key.
    let rotated = sdk
        .get_tokens_from_refresh_token()
        .refresh_token(&refresh_token)
        .client_id(&pool.client_id)
        .set_client_secret(pool.client_secret.clone())
        .set_device_key(outcome.signed_in.refresh_device_key().map(str::to_owned))
        .send()
        .await
        .expect("GetTokensFromRefreshToken");
    assert!(
        rotated
            .authentication_result()
            .and_then(|r| r.access_token())
            .is_some()
    );

    // SECRET_HASH over the alias: refused.
    let wrong = AuthParameters::refresh_token_auth(
        &pool.client(),
        "ivan@example.com",
        &refresh_token,
        None,
    );
    let request = Request::initiate_auth(RequestContext::new(&pool.client_id), wrong);
    let (answer, _) = cognito_srp_auth_integration::send(&sdk, &request)
        .await
        .expect("REFRESH_TOKEN_AUTH");
    assert!(
        matches!(&answer, ServerAnswer::Error { code, .. } if code == "NotAuthorizedException"),
        "{answer:?}"
    );
}

/// A wrong password and an unconfirmed user arrive as their typed kinds, with Cognito's
/// message.
#[tokio::test]
async fn refusals_arrive_as_typed_kinds() {
    let sdk = sdk().await;
    let pool = Pool::create(&sdk, false, true).await;
    pool.user(&sdk, "jules", "Jules-Pass-8!", None).await;
    let wrong = sign_in(
        &mut &sdk,
        SignIn::new(pool.client(), "jules", Password::from("Wrong-Pass-8!")),
        no_questions,
    )
    .await
    .expect_err("a wrong password must not sign in");
    assert_eq!(
        wrong.kind(),
        Some(ServiceErrorKind::NotAuthorized),
        "{wrong}"
    );

    // A user who signed up and never confirmed.
    let secret = ClientSecret::from(pool.client_secret.as_deref().expect("secret"));
    sdk.sign_up()
        .client_id(&pool.client_id)
        .username("kim")
        .password("Kim-Pass-13!")
        .secret_hash(cognito_srp_auth::secret_hash(
            "kim",
            &pool.client_id,
            &secret,
        ))
        .send()
        .await
        .expect("SignUp");
    for flow in [Flow::UserSrp, Flow::UserPassword] {
        let unconfirmed = sign_in(
            &mut &sdk,
            SignIn::new(pool.client(), "kim", Password::from("Kim-Pass-13!")).with_flow(flow),
            no_questions,
        )
        .await
        .expect_err("an unconfirmed user must not sign in");
        assert_eq!(
            unconfirmed.kind(),
            Some(ServiceErrorKind::UserNotConfirmed),
            "{unconfirmed}"
        );
        assert_eq!(
            unconfirmed.service_code(),
            Some("UserNotConfirmedException")
        );
    }
}
