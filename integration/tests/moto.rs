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

#[path = "common/totp.rs"]
mod totp;

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata as _;
use aws_sdk_cognitoidentityprovider::types::AuthenticationResultType;
use aws_sdk_cognitoidentityprovider::types::{
    ExplicitAuthFlowsType, MessageActionType, SoftwareTokenMfaConfigType, UserPoolMfaType,
};
use cognito_srp_auth::{
    Answer, Challenge, Password, Question, Request, ServerAnswer, SignIn, UserPoolClient,
};
use cognito_srp_auth_integration::{DriverError, Transport, sign_in};
use tokio::runtime::Handle;
use totp::totp;

/// The SDK, with moto's `MFAS_CAN_SETUP` turned into Cognito's JSON.
struct Moto<'a>(&'a Client);

impl Transport for Moto<'_> {
    type Tokens = AuthenticationResultType;

    async fn send(
        &mut self,
        request: &Request,
    ) -> Result<(ServerAnswer, Option<AuthenticationResultType>), DriverError> {
        let (answer, tokens) = cognito_srp_auth_integration::send(self.0, request).await?;
        let answer = match answer {
            ServerAnswer::Challenge(c) if c.name == "MFA_SETUP" => {
                let mut parameters = c.parameters.clone();
                if let Some(list) = parameters.get_mut("MFAS_CAN_SETUP") {
                    *list = list.replace('\'', "\"");
                }
                ServerAnswer::Challenge(
                    Challenge::new(&c.name, parameters, c.session.as_deref())
                        .with_available_challenges(c.available_challenges.clone()),
                )
            }
            other => other,
        };
        Ok((answer, tokens))
    }
}

async fn sdk() -> Client {
    let endpoint = std::env::var("MOTO_ENDPOINT")
        .expect("MOTO_ENDPOINT must name a running moto server (bash .ci/run starts one)");
    let config = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new("test", "test", None, None, "moto"))
        .load()
        .await;
    Client::new(&config)
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

/// The `MFA_SETUP` question answered the way an application does it: `AssociateSoftwareToken`
/// with the challenge's session, the user's authenticator (here RFC 6238 computed from the
/// secret), `VerifySoftwareToken`, and the session it returned. `refused` gets the error code
/// of a `VerifySoftwareToken` that refused the code.
fn set_up_totp(
    sdk: &Client,
    question: &Question,
    code: impl Fn(&str) -> String,
    refused: &mut Option<String>,
) -> Answer {
    let Question::MfaSetup { options, session } = question else {
        panic!("unexpected question {question:?}")
    };
    assert_eq!(options, &["SOFTWARE_TOKEN_MFA"]);
    let session = session.clone().expect("the MFA_SETUP session");
    tokio::task::block_in_place(|| {
        Handle::current().block_on(async {
            let associated = sdk
                .associate_software_token()
                .session(&session)
                .send()
                .await
                .expect("AssociateSoftwareToken");
            let secret = associated.secret_code().expect("secret code");
            let session = associated.session().unwrap_or(&session).to_owned();
            let verified = sdk
                .verify_software_token()
                .session(&session)
                .user_code(code(secret))
                .send()
                .await;
            match verified {
                Ok(out) => Answer::MfaSetupTotp {
                    session: out.session().expect("a new session").to_owned(),
                },
                Err(e) => {
                    *refused = e
                        .as_service_error()
                        .and_then(|e| e.code())
                        .map(str::to_owned);
                    Answer::MfaSetupTotp { session }
                }
            }
        })
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn mfa_setup_through_associate_and_verify_software_token() {
    let sdk = sdk().await;
    let client = pool_with_unenrolled_user(&sdk).await;
    let mut asked = 0;
    let outcome = sign_in(
        &mut Moto(&sdk),
        SignIn::new(client, "lena", Password::from("Lena-Pass-99!")),
        |question| {
            asked += 1;
            set_up_totp(&sdk, question, totp, &mut None)
        },
    )
    .await
    .expect("sign-in through MFA_SETUP");
    assert_eq!(asked, 1);
    assert!(outcome.tokens.access_token().is_some_and(|t| !t.is_empty()));
    assert_eq!(outcome.signed_in.username, "lena");
}

#[tokio::test(flavor = "multi_thread")]
async fn verify_software_token_refuses_a_wrong_totp_code() {
    let sdk = sdk().await;
    let client = pool_with_unenrolled_user(&sdk).await;
    let wrong = |secret: &str| {
        let right = totp(secret);
        if right == "000000" {
            "111111"
        } else {
            "000000"
        }
        .to_owned()
    };
    let mut refused = None;
    // Moto then accepts the MFA_SETUP answer whatever its session (Cognito would not): what
    // this test checks is that VerifySoftwareToken refuses a code that is not RFC 6238's.
    let _ = sign_in(
        &mut Moto(&sdk),
        SignIn::new(client, "lena", Password::from("Lena-Pass-99!")),
        |question| set_up_totp(&sdk, question, wrong, &mut refused),
    )
    .await;
    assert_eq!(refused.as_deref(), Some("CodeMismatchException"));
}
