//! `Authenticator` over the AWS SDK for Rust against ministack, an emulator whose Cognito
//! verifies the SRP signature and (with `AUTH=true`) enforces `SECRET_HASH`. `.ci/run` starts it
//! and sets `MINISTACK_ENDPOINT`. Device SRP, which the emulator lacks, is in `offline.rs`;
//! `MFA_SETUP`, which it never issues, in `moto.rs`; the device operations it lacks in
//! `recorded.rs`.

// Test code: a failed expectation is the test failing.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "common/emulator.rs"]
mod emulator;
#[path = "common/pool.rs"]
mod pool;
#[path = "common/totp.rs"]
mod totp;

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_cognitoidentityprovider::types::{MessageActionType, UserPoolMfaType};
use cognito_srp_auth::{
    AuthParameters, Request, RequestContext, ServerAnswer, SignIn, Step, Timestamp,
};
use cognito_srp_auth_sdk::{
    Answer, Authenticator, BoxError, ClientSecret, CodeChallenge, Error, Flow, NoPrompts, Password,
    Prompt, Question, ServiceErrorKind, Transport, UserPoolClient,
};
use pool::Pool;
use totp::totp;

async fn sdk() -> Client {
    emulator::sdk("MINISTACK_ENDPOINT").await
}

impl Pool {
    fn auth(&self, sdk: &Client) -> Authenticator {
        Authenticator::new(sdk.clone(), self.client())
    }
}

fn expect_refused(err: &Error, kind: ServiceErrorKind, code: &str, message: &str) {
    let service = err
        .service_error()
        .unwrap_or_else(|| panic!("not a refusal: {err}"));
    assert_eq!(err.kind(), Some(kind), "{err}");
    assert_eq!(service.code, code, "{err}");
    assert_eq!(service.message, message, "{err}");
}

#[tokio::test]
async fn correct_password_gets_tokens_and_wrong_password_is_refused() {
    let sdk = sdk().await;
    let pool = Pool::create(&sdk, false, false).await;
    pool.user(&sdk, "alice", "Correct-Horse-9!", None).await;
    let auth = pool.auth(&sdk);

    let before = std::time::SystemTime::now();
    let tokens = auth
        .sign_in("alice", Password::from("Correct-Horse-9!"))
        .run(&mut NoPrompts)
        .await
        .expect("sign-in");
    assert_eq!(tokens.username(), "alice");
    assert_eq!(tokens.token_type(), "Bearer");
    assert!(!tokens.access_token().is_empty());
    assert!(tokens.id_token().is_some_and(|t| !t.is_empty()));
    assert!(tokens.refresh_token().is_some_and(|t| !t.is_empty()));
    assert_eq!(tokens.expires_in(), std::time::Duration::from_secs(3600));
    assert!(tokens.expires_at() >= before + tokens.expires_in());
    assert_eq!(tokens.device_key(), None);
    let shown = format!("{tokens:?}");
    assert!(!shown.contains(tokens.access_token()), "{shown}");

    let err = auth
        .sign_in("alice", Password::from("Wrong-Horse-9!"))
        .run(&mut NoPrompts)
        .await
        .expect_err("a wrong password must not sign in");
    expect_refused(
        &err,
        ServiceErrorKind::NotAuthorized,
        "NotAuthorizedException",
        "Incorrect username or password.",
    );
    assert_eq!(
        err.to_string(),
        "NotAuthorizedException: Incorrect username or password."
    );
}

/// The case both earlier Rust crates fail: sign in by email alias through an app client with a
/// secret (`SECRET_HASH` over the alias in `InitiateAuth`, over the internal name afterwards),
/// through the plain and the `Admin…` operations.
#[tokio::test]
async fn email_alias_with_client_secret_plain_and_admin() {
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
    for auth in [pool.auth(&sdk), pool.auth(&sdk).admin()] {
        let tokens = auth
            .sign_in("bob@example.com", Password::from("Tr0ub4dor&3-x"))
            .run(&mut NoPrompts)
            .await
            .unwrap_or_else(|e| panic!("alias sign-in with a client secret ({auth:?}): {e}"));
        assert_eq!(tokens.username(), "bob-internal");
        assert!(!tokens.access_token().is_empty());
    }
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
    let auth = pool.auth(&sdk);
    let mut asked = Vec::new();
    let tokens = auth
        .sign_in("carol", Password::from("Temp-Pass-123!"))
        .run(&mut |prompt: Prompt| {
            asked.push(prompt.name());
            async move {
                match prompt {
                    Prompt::Question(Question::NewPassword {
                        required_attributes,
                        ..
                    }) => Ok(Answer::NewPassword {
                        password: Password::from("Brand-New-Pass-456!"),
                        attributes: required_attributes
                            .iter()
                            .map(|a| (a.clone(), "x".to_owned()))
                            .collect(),
                    }),
                    other => Err(BoxError::from(format!("unexpected {other:?}"))),
                }
            }
        })
        .await
        .expect("NEW_PASSWORD_REQUIRED answered");
    assert_eq!(asked, ["a new password"]);
    assert_eq!(tokens.username(), "carol");
    // The new password now signs in directly; the old one no longer does.
    auth.sign_in("carol", Password::from("Brand-New-Pass-456!"))
        .run(&mut NoPrompts)
        .await
        .expect("sign-in with the new password");
    let err = auth
        .sign_in("carol", Password::from("Temp-Pass-123!"))
        .run(&mut NoPrompts)
        .await
        .expect_err("the temporary password is spent");
    assert_eq!(err.kind(), Some(ServiceErrorKind::NotAuthorized), "{err}");
}

/// Fresh ephemerals every time: catches the padding bugs that fail one sign-in in 256.
#[tokio::test]
async fn twenty_sign_ins_in_a_row() {
    let sdk = sdk().await;
    let pool = Pool::create(&sdk, true, true).await;
    pool.user(&sdk, "dave", "Twenty-Times-20!", Some("dave@example.com"))
        .await;
    let auth = pool.auth(&sdk);
    for i in 0..20 {
        let name = if i % 2 == 0 {
            "dave"
        } else {
            "dave@example.com"
        };
        let tokens = auth
            .sign_in(name, Password::from("Twenty-Times-20!"))
            .run(&mut NoPrompts)
            .await
            .unwrap_or_else(|e| panic!("sign-in {i} as {name}: {e}"));
        assert_eq!(tokens.username(), "dave");
    }
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
    let err = Authenticator::new(sdk.clone(), wrong_secret)
        .sign_in("frank@example.com", Password::from("Frank-Pass-77!"))
        .run(&mut NoPrompts)
        .await
        .expect_err("a wrong client secret must be refused");
    assert_eq!(err.kind(), Some(ServiceErrorKind::NotAuthorized), "{err}");

    // Walk to the PASSWORD_VERIFIER answer, then swap its SECRET_HASH for one over the alias.
    let mut machine = SignIn::new(
        pool.client(),
        "frank@example.com",
        Password::from("Frank-Pass-77!"),
    );
    let Step::Send(initiate) = machine.start().expect("start") else {
        panic!("the first step sends InitiateAuth")
    };
    let pv = Transport::send(&sdk, &initiate)
        .await
        .expect("InitiateAuth");
    let Step::Send(Request::RespondToAuthChallenge(mut answer)) = machine
        .handle(pv.answer, &Timestamp::now())
        .expect("PASSWORD_VERIFIER")
    else {
        panic!("PASSWORD_VERIFIER is answered")
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
    let refused = Transport::send(&sdk, &Request::RespondToAuthChallenge(answer))
        .await
        .expect("RespondToAuthChallenge");
    assert!(refused.tokens.is_none());
    assert!(
        matches!(&refused.answer, ServerAnswer::Error { code, .. } if code == "NotAuthorizedException"),
        "{:?}",
        refused.answer
    );
}

/// MFA after SRP: the user sets up TOTP, then every sign-in answers `SOFTWARE_TOKEN_MFA`
/// through the handler, with the internal name and `SECRET_HASH`; a wrong code is refused.
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
    let auth = pool.auth(&sdk);
    let first = auth
        .sign_in("gina@example.com", Password::from("Gina-Pass-55!"))
        .run(&mut NoPrompts)
        .await
        .expect("sign-in before MFA");
    let associated = sdk
        .associate_software_token()
        .access_token(first.access_token())
        .send()
        .await
        .expect("AssociateSoftwareToken");
    let secret = associated.secret_code().expect("secret").to_owned();
    sdk.verify_software_token()
        .access_token(first.access_token())
        .user_code(totp(&secret))
        .send()
        .await
        .expect("VerifySoftwareToken");

    let mut asked = 0;
    let tokens = auth
        .sign_in("gina@example.com", Password::from("Gina-Pass-55!"))
        .run(&mut |prompt: Prompt| {
            asked += 1;
            let code = totp(&secret);
            async move {
                match prompt {
                    Prompt::Question(Question::Code {
                        challenge: CodeChallenge::SoftwareTokenMfa,
                        ..
                    }) => Ok(Answer::Code(code)),
                    other => Err(BoxError::from(format!("unexpected {other:?}"))),
                }
            }
        })
        .await
        .expect("sign-in with TOTP MFA");
    assert_eq!(asked, 1);
    assert_eq!(tokens.username(), "gina-internal");

    let wrong = if totp(&secret) == "000000" {
        "111111"
    } else {
        "000000"
    };
    let err = auth
        .sign_in("gina@example.com", Password::from("Gina-Pass-55!"))
        .run(&mut |_| async move { Ok(Answer::Code(wrong.to_owned())) })
        .await
        .expect_err("a wrong TOTP code must be refused");
    expect_refused(
        &err,
        ServiceErrorKind::CodeMismatch,
        "CodeMismatchException",
        "Invalid code received for user",
    );
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
    let tokens = pool
        .auth(&sdk)
        .sign_in("hana@example.com", Password::from("Hana-Pass-21!"))
        .flow(Flow::UserPassword)
        .run(&mut NoPrompts)
        .await
        .expect("USER_PASSWORD_AUTH");
    assert_eq!(tokens.username(), "hana-internal");
}

/// Both refresh operations with a client secret after an alias sign-in (plain and admin), a
/// refresh whose `SECRET_HASH` is over the alias refused, and a forged refresh token refused.
#[tokio::test]
async fn both_refresh_operations_with_a_client_secret() {
    let sdk = sdk().await;
    let pool = Pool::create(&sdk, true, true).await;
    pool.user(
        &sdk,
        "ivan-internal",
        "Ivan-Pass-34!",
        Some("ivan@example.com"),
    )
    .await;
    let auth = pool.auth(&sdk);
    let tokens = auth
        .sign_in("ivan@example.com", Password::from("Ivan-Pass-34!"))
        .run(&mut NoPrompts)
        .await
        .expect("sign-in");
    let refresh_token = tokens.refresh_token().expect("refresh token").to_owned();

    let refreshed = auth.refresh(&tokens).await.expect("REFRESH_TOKEN_AUTH");
    assert_eq!(refreshed.username(), "ivan-internal");
    assert!(!refreshed.access_token().is_empty());
    // REFRESH_TOKEN_AUTH returns no refresh token: the one that refreshed is kept.
    assert_eq!(refreshed.refresh_token(), Some(refresh_token.as_str()));
    let admin = pool
        .auth(&sdk)
        .admin()
        .refresh(&tokens)
        .await
        .expect("admin REFRESH_TOKEN_AUTH");
    assert_eq!(admin.username(), "ivan-internal");

    // GetTokensFromRefreshToken takes the raw client secret.
    let rotated = auth
        .refresh_rotating(&tokens)
        .await
        .expect("GetTokensFromRefreshToken");
    assert_eq!(rotated.username(), "ivan-internal");
    assert!(!rotated.access_token().is_empty());
    assert!(rotated.refresh_token().is_some());

    // SECRET_HASH over the alias: refused.
    let err = auth
        .refresh_token_auth("ivan@example.com", &refresh_token, None)
        .await
        .expect_err("SECRET_HASH over the alias");
    assert_eq!(err.kind(), Some(ServiceErrorKind::NotAuthorized), "{err}");
    // A token that is not one: refused by both operations, with Cognito's message.
    for err in [
        auth.refresh_token_auth("ivan-internal", "not-a-token", None)
            .await,
        auth.get_tokens_from_refresh_token("ivan-internal", "not-a-token", None)
            .await,
    ]
    .map(|r| r.expect_err("a forged refresh token"))
    {
        expect_refused(
            &err,
            ServiceErrorKind::NotAuthorized,
            "NotAuthorizedException",
            "Invalid Refresh Token",
        );
    }
    // The parameters the refresh sent are the core crate's.
    let parameters =
        AuthParameters::refresh_token_auth(&pool.client(), "ivan-internal", &refresh_token, None);
    let sent = Transport::send(
        &sdk,
        &Request::initiate_auth(RequestContext::new(&pool.client_id), parameters),
    )
    .await
    .expect("REFRESH_TOKEN_AUTH");
    assert!(
        matches!(sent.answer, ServerAnswer::Authenticated { .. }),
        "{:?}",
        sent.answer
    );
}

/// A wrong password and an unconfirmed user arrive as their typed kinds, with Cognito's
/// message; a dead endpoint is a transport error, not a refusal.
#[tokio::test]
async fn refusals_arrive_as_typed_kinds() {
    let sdk = sdk().await;
    let pool = Pool::create(&sdk, false, true).await;
    pool.user(&sdk, "jules", "Jules-Pass-8!", None).await;
    let auth = pool.auth(&sdk);
    let wrong = auth
        .sign_in("jules", Password::from("Wrong-Pass-8!"))
        .run(&mut NoPrompts)
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
        let err = auth
            .sign_in("kim", Password::from("Kim-Pass-13!"))
            .flow(flow)
            .run(&mut NoPrompts)
            .await
            .expect_err("an unconfirmed user must not sign in");
        expect_refused(
            &err,
            ServiceErrorKind::UserNotConfirmed,
            "UserNotConfirmedException",
            "User is not confirmed.",
        );
    }

    // Nothing listens on port 9 of loopback: no answer is not a refusal.
    let config = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url("http://127.0.0.1:9")
        .credentials_provider(Credentials::new("test", "test", None, None, "none"))
        .retry_config(aws_config::retry::RetryConfig::disabled())
        .load()
        .await;
    let dead = Authenticator::new(Client::new(&config), pool.client());
    let err = dead
        .sign_in("jules", Password::from("Jules-Pass-8!"))
        .run(&mut NoPrompts)
        .await
        .expect_err("nothing answers");
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(err.kind(), None);
}
