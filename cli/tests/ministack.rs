//! The `cognito-srp` command against ministack (`.ci/run` starts it and sets
//! `MINISTACK_ENDPOINT`; it installs the command with `cargo install --path cli` and sets
//! `COGNITO_SRP_BIN` to the installed binary, else the one cargo built is run). Pools and users
//! are made with the SDK's admin calls; answers go in on stdin, as from a script.

// Test code: a failed expectation is the test failing.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../../sdk/tests/common/emulator.rs"]
mod emulator;
#[path = "../../sdk/tests/common/pool.rs"]
#[allow(dead_code)] // Shared with the sdk's tests, which use all of it.
mod pool;
#[path = "../../sdk/tests/common/totp.rs"]
mod totp;

use std::io::Write as _;
use std::process::{Command, Output, Stdio};

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{MessageActionType, UserPoolMfaType};
use pool::Pool;
use serde_json::Value;

fn endpoint() -> String {
    std::env::var("MINISTACK_ENDPOINT").expect("MINISTACK_ENDPOINT (bash .ci/run starts ministack)")
}

/// Run `cognito-srp <args>` with `env` and `stdin`; no AWS credentials unless `env` has them.
fn run(args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
    let bin = std::env::var("COGNITO_SRP_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_cognito-srp").to_owned());
    let mut command = Command::new(bin);
    command
        .args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", std::env::temp_dir())
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command.spawn().expect("cognito-srp runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("stdin written");
    child.wait_with_output().expect("cognito-srp ends")
}

fn pool_args<'a>(pool: &'a Pool, endpoint: &'a str) -> Vec<&'a str> {
    vec![
        "--pool-id",
        &pool.pool_id,
        "--client-id",
        &pool.client_id,
        "--endpoint-url",
        endpoint,
    ]
}

/// The one JSON object on stdout.
fn json(output: &Output) -> Value {
    let stdout = String::from_utf8(output.stdout.clone()).expect("UTF-8");
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    serde_json::from_str(&stdout).expect("one JSON object")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

async fn sdk() -> Client {
    emulator::sdk("MINISTACK_ENDPOINT").await
}

#[tokio::test]
async fn signs_in_by_alias_with_a_client_secret_and_refreshes() {
    let sdk = sdk().await;
    let pool = Pool::create(&sdk, true, true).await;
    pool.user(
        &sdk,
        "nora-internal",
        "Nora-Pass-17!",
        Some("nora@example.com"),
    )
    .await;
    let endpoint = endpoint();
    let secret = pool.client_secret.clone().expect("a secret");
    let mut args = vec!["sign-in"];
    args.extend(pool_args(&pool, &endpoint));
    args.extend(["--username", "nora@example.com"]);
    let env = [
        ("COGNITO_PASSWORD", "Nora-Pass-17!"),
        ("COGNITO_CLIENT_SECRET", secret.as_str()),
    ];
    let out = run(&args, &env, "");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(out.status.code(), Some(0));
    let tokens = json(&out);
    assert_eq!(tokens["Username"], "nora-internal");
    assert_eq!(tokens["TokenType"], "Bearer");
    assert_eq!(tokens["ExpiresIn"], 3600);
    for key in ["AccessToken", "IdToken", "RefreshToken"] {
        assert!(tokens[key].as_str().is_some_and(|t| t.len() > 20), "{key}");
    }
    assert_eq!(stderr(&out), "");

    // The same through the Admin… operations, with AWS credentials from the environment.
    let mut admin = args.clone();
    admin.push("--admin");
    let credentials = [
        ("AWS_ACCESS_KEY_ID", "test"),
        ("AWS_SECRET_ACCESS_KEY", "test"),
    ];
    let out = run(&admin, &[&env[..], &credentials[..]].concat(), "");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["Username"], "nora-internal");

    // Refresh with the refresh token from the environment, both operations.
    let refresh_token = tokens["RefreshToken"].as_str().unwrap().to_owned();
    let mut refresh = vec!["refresh"];
    refresh.extend(pool_args(&pool, &endpoint));
    refresh.extend(["--username", "nora-internal"]);
    let env = [
        ("COGNITO_REFRESH_TOKEN", refresh_token.as_str()),
        ("COGNITO_CLIENT_SECRET", secret.as_str()),
    ];
    let out = run(&refresh, &env, "");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let refreshed = json(&out);
    assert_eq!(refreshed["Username"], "nora-internal");
    assert_eq!(refreshed["RefreshToken"], refresh_token.as_str());
    assert!(
        refreshed["AccessToken"]
            .as_str()
            .is_some_and(|t| t.len() > 20)
    );
    refresh.push("--rotate");
    let out = run(&refresh, &env, "");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        json(&out)["RefreshToken"]
            .as_str()
            .is_some_and(|t| t.len() > 20)
    );
}

#[tokio::test]
async fn a_wrong_password_exits_1_with_the_exception_on_stderr() {
    let sdk = sdk().await;
    let pool = Pool::create(&sdk, false, false).await;
    pool.user(&sdk, "omar", "Omar-Pass-17!", None).await;
    let endpoint = endpoint();
    let mut args = vec!["sign-in"];
    args.extend(pool_args(&pool, &endpoint));
    args.extend(["--username", "omar"]);
    // The password from stdin (no COGNITO_PASSWORD, stdin not a terminal).
    let out = run(&args, &[], "Not-His-Password-1!\n");
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert_eq!(
        stderr(&out),
        "Password: \nNotAuthorizedException: Incorrect username or password.\n"
    );
    // The right one, from stdin too.
    let out = run(&args, &[], "Omar-Pass-17!\n");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["Username"], "omar");
    // A refresh token Cognito does not know: refused, exit 1.
    let mut refresh = vec!["refresh"];
    refresh.extend(pool_args(&pool, &endpoint));
    refresh.extend(["--username", "omar"]);
    let out = run(&refresh, &[("COGNITO_REFRESH_TOKEN", "not-a-token")], "");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "NotAuthorizedException: Invalid Refresh Token\n"
    );
}

#[tokio::test]
async fn new_password_required_with_answers_on_stdin() {
    let sdk = sdk().await;
    let pool = Pool::create(&sdk, false, true).await;
    sdk.admin_create_user()
        .user_pool_id(&pool.pool_id)
        .username("pia")
        .temporary_password("Temp-Pass-123!")
        .message_action(MessageActionType::Suppress)
        .send()
        .await
        .expect("AdminCreateUser");
    let endpoint = endpoint();
    let secret = pool.client_secret.clone().expect("a secret");
    let mut args = vec!["sign-in"];
    args.extend(pool_args(&pool, &endpoint));
    args.extend(["--username", "pia"]);
    let out = run(
        &args,
        &[
            ("COGNITO_PASSWORD", "Temp-Pass-123!"),
            ("COGNITO_CLIENT_SECRET", &secret),
        ],
        "Brand-New-Pass-456!\n",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["Username"], "pia");
    assert_eq!(stderr(&out), "New password: \n");
    let out = run(
        &args,
        &[
            ("COGNITO_PASSWORD", "Brand-New-Pass-456!"),
            ("COGNITO_CLIENT_SECRET", &secret),
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[tokio::test]
async fn totp_mfa_with_the_code_on_stdin() {
    let sdk = sdk().await;
    let pool = Pool::create_with_mfa(&sdk, true, true, UserPoolMfaType::Optional).await;
    pool.user(
        &sdk,
        "quinn-internal",
        "Quinn-Pass-55!",
        Some("quinn@example.com"),
    )
    .await;
    let endpoint = endpoint();
    let secret = pool.client_secret.clone().expect("a secret");
    let mut args = vec!["sign-in"];
    args.extend(pool_args(&pool, &endpoint));
    args.extend(["--username", "quinn@example.com"]);
    let env = [
        ("COGNITO_PASSWORD", "Quinn-Pass-55!"),
        ("COGNITO_CLIENT_SECRET", secret.as_str()),
    ];
    let first = json(&run(&args, &env, ""));
    let access_token = first["AccessToken"].as_str().expect("access token");
    let associated = sdk
        .associate_software_token()
        .access_token(access_token)
        .send()
        .await
        .expect("AssociateSoftwareToken");
    let totp_secret = associated.secret_code().expect("secret").to_owned();
    sdk.verify_software_token()
        .access_token(access_token)
        .user_code(totp::totp(&totp_secret))
        .send()
        .await
        .expect("VerifySoftwareToken");

    let out = run(&args, &env, &format!("{}\n", totp::totp(&totp_secret)));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(json(&out)["Username"], "quinn-internal");
    assert_eq!(stderr(&out), "SOFTWARE_TOKEN_MFA code: \n");
    // A wrong code: Cognito's refusal, exit 1.
    let wrong = if totp::totp(&totp_secret) == "000000" {
        "111111"
    } else {
        "000000"
    };
    let out = run(&args, &env, &format!("{wrong}\n"));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "SOFTWARE_TOKEN_MFA code: \nCodeMismatchException: Invalid code received for user\n"
    );
}

#[test]
fn usage_and_configuration_errors_exit_2() {
    // A missing option: clap's usage error.
    let out = run(&["sign-in", "--client-id", "c", "--username", "u"], &[], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--pool-id"), "{}", stderr(&out));
    // A malformed pool id.
    let out = run(
        &[
            "sign-in",
            "--pool-id",
            "nounderscore",
            "--client-id",
            "c",
            "--username",
            "u",
        ],
        &[("COGNITO_PASSWORD", "x")],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("error: --pool-id: "),
        "{}",
        stderr(&out)
    );
    // No password anywhere: stdin is empty.
    let out = run(
        &[
            "sign-in",
            "--pool-id",
            "us-east-1_X",
            "--client-id",
            "c",
            "--username",
            "u",
        ],
        &[],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no answer on stdin"),
        "{}",
        stderr(&out)
    );
    // --preferred without --flow user-auth.
    let out = run(
        &[
            "sign-in",
            "--pool-id",
            "us-east-1_X",
            "--client-id",
            "c",
            "--username",
            "u",
            "--preferred",
            "email-otp",
        ],
        &[("COGNITO_PASSWORD", "x")],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "error: --preferred goes with --flow user-auth\n"
    );
}
