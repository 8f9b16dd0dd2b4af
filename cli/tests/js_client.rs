//! An independent client installed from its registry, amazon-cognito-identity-js 6.3.21 from
//! npm, against `cognito-srp serve`: SRP sign-in, `ConfirmDevice`, device SRP on the next
//! sign-in, and its retry after "Device does not exist." (it resends the same
//! `PASSWORD_VERIFIER` answer with `DEVICE_KEY: null`). `.ci/run` installs the package and sets
//! `COGNITO_JS_DIR` to the folder holding its `node_modules`; `node` runs `js/sign_in.mjs`
//! there, one sign-in per run, with a file as its `localStorage`.

// Test code: a failed expectation is the test failing.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "common/serve.rs"]
#[allow(dead_code)] // Shared with tests/serve.rs, which uses all of it.
mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use aws_sdk_cognitoidentityprovider::types::{
    AliasAttributeType, DeviceConfigurationType, ExplicitAuthFlowsType, MessageActionType,
};
use common::{Serve, attribute, sdk};
use serde_json::Value;

/// The folder with `node_modules/amazon-cognito-identity-js`, holding a copy of the script.
fn js_dir() -> PathBuf {
    let dir = PathBuf::from(std::env::var("COGNITO_JS_DIR").expect(
        "COGNITO_JS_DIR must name a folder where `npm install amazon-cognito-identity-js@6.3.21` \
         ran (bash .ci/run does)",
    ));
    assert!(
        dir.join("node_modules/amazon-cognito-identity-js").is_dir(),
        "no amazon-cognito-identity-js in {}",
        dir.display()
    );
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/js/sign_in.mjs"),
        dir.join("sign_in.mjs"),
    )
    .expect("the script copied beside node_modules");
    dir
}

/// One sign-in by the JavaScript client: what it printed.
fn js_sign_in(dir: &Path, env: &[(&str, &str)]) -> Value {
    let out = Command::new("node")
        .arg(dir.join("sign_in.mjs"))
        .current_dir(dir)
        .envs(env.iter().copied())
        .output()
        .expect("node runs");
    let stdout = String::from_utf8(out.stdout).expect("UTF-8");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(stdout.trim()).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

fn sent(printed: &Value) -> Vec<&str> {
    printed["sent"]
        .as_array()
        .expect("sent")
        .iter()
        .map(|s| s.as_str().expect("text"))
        .collect()
}

#[tokio::test]
async fn amazon_cognito_identity_js_remembers_a_device_and_retries_after_a_stale_one() {
    let dir = js_dir();
    let serve = Serve::start();
    let sdk = sdk(&serve).await;
    // The JavaScript client supports no client secret: an app client without one.
    let pool = sdk
        .create_user_pool()
        .pool_name("js-client")
        .alias_attributes(AliasAttributeType::Email)
        .device_configuration(
            DeviceConfigurationType::builder()
                .challenge_required_on_new_device(false)
                .device_only_remembered_on_user_prompt(false)
                .build(),
        )
        .send()
        .await
        .expect("CreateUserPool");
    let pool_id = pool
        .user_pool()
        .and_then(|p| p.id())
        .expect("Id")
        .to_owned();
    let client = sdk
        .create_user_pool_client()
        .user_pool_id(&pool_id)
        .client_name("js")
        .generate_secret(false)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserSrpAuth)
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
        .send()
        .await
        .expect("CreateUserPoolClient");
    let client_id = client
        .user_pool_client()
        .and_then(|c| c.client_id())
        .expect("ClientId")
        .to_owned();
    sdk.admin_create_user()
        .user_pool_id(&pool_id)
        .username("jo")
        .user_attributes(attribute("email", "jo@example.com"))
        .user_attributes(attribute("email_verified", "true"))
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .expect("AdminCreateUser");
    sdk.admin_set_user_password()
        .user_pool_id(&pool_id)
        .username("jo")
        .password("Jo-Pass-2026!")
        .permanent(true)
        .send()
        .await
        .expect("AdminSetUserPassword");

    let storage = dir.join(format!("storage-{}.json", std::process::id()));
    let _ = std::fs::remove_file(&storage);
    let storage_text = storage.to_str().expect("UTF-8 path");
    let env = |password: &'static str| {
        [
            ("COGNITO_ENDPOINT", serve.endpoint.clone()),
            ("COGNITO_POOL_ID", pool_id.clone()),
            ("COGNITO_CLIENT_ID", client_id.clone()),
            ("COGNITO_USERNAME", "jo".to_owned()),
            ("COGNITO_PASSWORD", password.to_owned()),
            ("COGNITO_STORAGE", storage_text.to_owned()),
        ]
    };
    let run = |password: &'static str| {
        let env = env(password);
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        js_sign_in(&dir, &env)
    };

    // 1. SRP, then the library confirms the new device and keeps it.
    let first = run("Jo-Pass-2026!");
    assert_eq!(
        sent(&first),
        [
            "InitiateAuth USER_SRP_AUTH",
            "RespondToAuthChallenge PASSWORD_VERIFIER",
            "ConfirmDevice"
        ]
    );
    assert_eq!(first["username"], "jo");
    let device = first["deviceKey"]
        .as_str()
        .expect("a device key")
        .to_owned();
    assert!(device.starts_with("us-east-1_"), "{device}");

    // 2. Device SRP with the remembered device.
    let second = run("Jo-Pass-2026!");
    assert_eq!(
        sent(&second),
        [
            "InitiateAuth USER_SRP_AUTH",
            "RespondToAuthChallenge PASSWORD_VERIFIER",
            "RespondToAuthChallenge DEVICE_SRP_AUTH",
            "RespondToAuthChallenge DEVICE_PASSWORD_VERIFIER"
        ]
    );
    assert_eq!(second["deviceKey"], device.as_str());

    // 3. serve forgets the device; the client still holds it: "Device does not exist.", the
    //    same answer again without DEVICE_KEY, and a new device.
    sdk.forget_device()
        .access_token(second["accessToken"].as_str().expect("access token"))
        .device_key(&device)
        .send()
        .await
        .expect("ForgetDevice");
    let third = run("Jo-Pass-2026!");
    assert_eq!(
        sent(&third),
        [
            "InitiateAuth USER_SRP_AUTH",
            "RespondToAuthChallenge PASSWORD_VERIFIER -> ResourceNotFoundException",
            "RespondToAuthChallenge PASSWORD_VERIFIER",
            "ConfirmDevice"
        ]
    );
    let replaced = third["deviceKey"].as_str().expect("a new device key");
    assert_ne!(replaced, device);

    // 4. A wrong password is refused as Cognito refuses it.
    let wrong = run("Not-Jo-Pass-1!");
    assert_eq!(
        wrong["error"],
        "NotAuthorizedException: Incorrect username or password."
    );
    let _ = std::fs::remove_file(&storage);
}
