//! `MFA_SETUP` through the AWS SDK for Rust against moto's Cognito: ministack never issues
//! `MFA_SETUP` (a pool with MFA on lets an unenrolled user sign in), moto does, after the
//! `PASSWORD_VERIFIER` of a user without TOTP in a pool with MFA on. Moto does not verify SRP
//! (ministack does, in `ministack.rs`); with `MOTO_COGNITO_IDP_USER_POOL_ENABLE_TOTP=true` it
//! verifies the TOTP code of `VerifySoftwareToken`. `.ci/run` starts moto and sets
//! `MOTO_ENDPOINT`.
//!
//! One moto quirk is corrected in the transport, not in the crate: moto sends
//! `MFAS_CAN_SETUP` as a Python list (`['SOFTWARE_TOKEN_MFA']`) where Cognito sends JSON
//! (`["SOFTWARE_TOKEN_MFA"]`), which the crate rightly refuses.

// Test code: a failed expectation is the test failing.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "common/emulator.rs"]
mod emulator;
#[path = "common/totp.rs"]
mod totp;

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{
    ExplicitAuthFlowsType, MessageActionType, SoftwareTokenMfaConfigType, UserPoolMfaType,
};
use cognito_srp_auth::{Challenge, Request, ServerAnswer};
use cognito_srp_auth_sdk::{
    Answer, Authenticator, BoxError, Error, Password, Prompt, Reply, ServiceErrorKind, Transport,
    UserPoolClient,
};
use totp::totp;
use zeroize::Zeroizing;

/// The SDK, with moto's `MFAS_CAN_SETUP` turned into Cognito's JSON.
struct Moto(Client);

impl Transport for Moto {
    async fn send(&self, request: &Request) -> Result<Reply, Error> {
        let mut reply = Transport::send(&self.0, request).await?;
        if let ServerAnswer::Challenge(c) = &mut reply.answer
            && c.name == "MFA_SETUP"
        {
            {
                let mut parameters = c.parameters.clone();
                if let Some(list) = parameters.get_mut("MFAS_CAN_SETUP") {
                    *list = list.replace('\'', "\"");
                }
                *c = Challenge::new(&c.name, parameters, c.session.as_deref())
                    .with_available_challenges(c.available_challenges.clone());
            }
        }
        Ok(reply)
    }

    async fn associate_software_token(
        &self,
        session: &str,
    ) -> Result<(Zeroizing<String>, String), Error> {
        Transport::associate_software_token(&self.0, session).await
    }

    async fn verify_software_token(
        &self,
        session: &str,
        code: &str,
        friendly_device_name: Option<&str>,
    ) -> Result<String, Error> {
        Transport::verify_software_token(&self.0, session, code, friendly_device_name).await
    }
}

async fn sdk() -> Client {
    emulator::sdk("MOTO_ENDPOINT").await
}

/// A pool with MFA on (TOTP), an app client for SRP and a confirmed user who has no TOTP yet.
async fn pool_with_unenrolled_user(sdk: &Client) -> UserPoolClient {
    let pool = sdk
        .create_user_pool()
        .pool_name("mfa-setup")
        .mfa_configuration(UserPoolMfaType::On)
        .send()
        .await
        .expect("CreateUserPool");
    let pool_id = pool
        .user_pool()
        .and_then(|p| p.id())
        .expect("pool id")
        .to_owned();
    sdk.set_user_pool_mfa_config()
        .user_pool_id(&pool_id)
        .mfa_configuration(UserPoolMfaType::On)
        .software_token_mfa_configuration(
            SoftwareTokenMfaConfigType::builder().enabled(true).build(),
        )
        .send()
        .await
        .expect("SetUserPoolMfaConfig");
    let client = sdk
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("mfa-setup-client")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserSrpAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .send()
        .await
        .expect("CreateUserPoolClient");
    let client_id = client
        .user_pool_client()
        .and_then(|c| c.client_id())
        .expect("client id")
        .to_owned();
    sdk.admin_create_user()
        .user_pool_id(&pool_id)
        .username("lena")
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .expect("AdminCreateUser");
    sdk.admin_set_user_password()
        .user_pool_id(&pool_id)
        .username("lena")
        .password("Lena-Pass-99!")
        .permanent(true)
        .send()
        .await
        .expect("AdminSetUserPassword");
    UserPoolClient::new(&pool_id, &client_id).expect("pool id")
}

/// The handler of an `MFA_SETUP` sign-in: checks the TOTP prompt and answers with `code`
/// computed from its secret; any other prompt is an error.
fn totp_setup_handler(
    pool_id: String,
    code: fn(&str) -> String,
    seen: &mut Vec<String>,
) -> impl FnMut(Prompt) -> std::future::Ready<Result<Answer, BoxError>> + Send + '_ {
    move |prompt| {
        std::future::ready(match prompt {
            Prompt::TotpSetup(setup) => {
                seen.push(setup.uri().to_owned());
                assert!(
                    setup
                        .uri()
                        .starts_with(&format!("otpauth://totp/{pool_id}:lena?secret=")),
                    "{}",
                    setup.uri()
                );
                assert_eq!(format!("{setup:?}"), "TotpSetup(<redacted>)");
                Ok(Answer::Code(code(setup.secret())))
            }
            other => Err(format!("unexpected {other:?}").into()),
        })
    }
}

fn wrong_code(secret: &str) -> String {
    if totp(secret) == "000000" {
        "111111"
    } else {
        "000000"
    }
    .to_owned()
}

/// `MFA_SETUP` carried out inside the sign-in: `AssociateSoftwareToken` with the challenge's
/// session, the handler's first RFC 6238 code, `VerifySoftwareToken`, and the sign-in goes on
/// with the session it returned.
#[tokio::test]
async fn mfa_setup_is_carried_out_through_the_handler() {
    let sdk = sdk().await;
    let client = pool_with_unenrolled_user(&sdk).await;
    let pool_id = client.pool_id().to_owned();
    let auth = Authenticator::new(Moto(sdk), client);
    let mut seen = Vec::new();
    let tokens = auth
        .sign_in("lena", Password::from("Lena-Pass-99!"))
        .run(&mut totp_setup_handler(pool_id.clone(), totp, &mut seen))
        .await
        .expect("sign-in through MFA_SETUP");
    assert_eq!(seen.len(), 1);
    assert!(seen[0].ends_with(&format!(
        "&issuer={pool_id}&algorithm=SHA1&digits=6&period=30"
    )));
    assert_eq!(tokens.username(), "lena");
    assert!(!tokens.access_token().is_empty());
}

/// A code that is not RFC 6238's: `VerifySoftwareToken` refuses it, and the sign-in stops
/// with Cognito's typed refusal.
#[tokio::test]
async fn a_wrong_first_code_stops_the_sign_in_with_the_typed_refusal() {
    let sdk = sdk().await;
    let client = pool_with_unenrolled_user(&sdk).await;
    let pool_id = client.pool_id().to_owned();
    let auth = Authenticator::new(Moto(sdk), client);
    let mut seen = Vec::new();
    let err = auth
        .sign_in("lena", Password::from("Lena-Pass-99!"))
        .run(&mut totp_setup_handler(pool_id, wrong_code, &mut seen))
        .await
        .expect_err("a wrong first code");
    assert_eq!(seen.len(), 1);
    assert_eq!(err.kind(), Some(ServiceErrorKind::CodeMismatch), "{err}");
    assert_eq!(
        err.service_error().map(|e| e.code.as_str()),
        Some("CodeMismatchException")
    );
}
