//! A complete offline Cognito sign-in: the crate's `SignIn` state machine against the crate's
//! own Cognito-compatible server side (`UserPool`, feature `server`), which checks every
//! `SECRET_HASH`, every SRP claim and every device.
//!
//! 1. User SRP through an app client with a secret, signing in with an email alias.
//! 2. Cognito remembers the device: `ConfirmDevice` with the crate's verifier.
//! 3. A second sign-in with the stored device: `DEVICE_SRP_AUTH` → `DEVICE_PASSWORD_VERIFIER`.
//!
//! Run it with `cargo run --example sign_in`.

use chrono::Utc;
use cognito_srp_auth::server::{UserPool, UserPoolConfig};
use cognito_srp_auth::{
    ClientSecret, Password, RememberedDevice, Request, ServerAnswer, SignIn, SignedIn, Step,
    Timestamp, UserPoolClient,
};

const POOL_ID: &str = "eu-west-1_Demo42";
const CLIENT_ID: &str = "3demo5client7id9abcdefghij";
const CLIENT_SECRET: &str = "demo-client-secret-0123456789abcdefghijklmnopqrstuv";
const USERNAME: &str = "8f14e45f-ceea-467f-a8f3-1c4d7b2b0c11";
const EMAIL: &str = "alice@example.com";
const PASSWORD: &str = "Tr0ub4dor&3-horse";

fn main() -> Result<(), Box<dyn core::error::Error>> {
    // Cognito's side: a pool with one app client (with a secret) and one user.
    let mut pool = UserPool::new(
        UserPoolConfig::new(POOL_ID, CLIENT_ID, Some(ClientSecret::from(CLIENT_SECRET))),
        rand::rng(),
    )?;
    pool.add_user(USERNAME, &Password::from(PASSWORD), &[EMAIL])?;
    let client = || {
        UserPoolClient::new(POOL_ID, CLIENT_ID)
            .map(|c| c.with_client_secret(ClientSecret::from(CLIENT_SECRET)))
    };

    println!("== 1. First sign-in: {EMAIL} (an alias), app client with a secret\n");
    let sign_in = SignIn::new(client()?, EMAIL, Password::from(PASSWORD));
    let done = run(&mut pool, sign_in)?;
    let new_device = done.new_device.ok_or("Cognito sent no NewDeviceMetadata")?;
    println!("Signed in as {} (internal user name).\n", done.username);

    println!("== 2. ConfirmDevice");
    println!("  DeviceKey        = {}", new_device.device.device_key());
    println!("  Salt             = {}", new_device.config.salt());
    println!(
        "  PasswordVerifier = {}",
        abbreviate(new_device.config.password_verifier())
    );
    pool.confirm_device(
        &done.username,
        new_device.device.device_key(),
        &new_device.config,
    )?;
    // The application stores the device (it holds the device password: keep it secret).
    let stored = new_device.device.to_storage_string();
    println!(
        "  stored as        = cognito-srp-device/1 {} {} <device password>\n",
        new_device.device.device_key(),
        new_device.device.device_group_key()
    );

    println!("== 3. Second sign-in with the remembered device\n");
    let device = RememberedDevice::from_storage_string(&stored)?;
    let sign_in = SignIn::new(client()?, EMAIL, Password::from(PASSWORD)).with_device(device);
    let done = run(&mut pool, sign_in)?;
    if done.new_device.is_some() || done.forget_stored_device {
        return Err("the device sign-in did not use the device".into());
    }
    println!(
        "Signed in as {} with device SRP: the remembered device skipped MFA.",
        done.username
    );
    Ok(())
}

/// Drive one sign-in: every request goes to the offline pool, every answer back.
fn run<R: rand::TryCryptoRng>(
    pool: &mut UserPool<rand::rngs::ThreadRng>,
    mut sign_in: SignIn<R>,
) -> Result<SignedIn, Box<dyn core::error::Error>> {
    let mut step = sign_in.start()?;
    loop {
        step = match step {
            Step::Send(request) => {
                print_request(&request);
                let answer = pool.handle(&request, Utc::now());
                print_answer(&answer);
                sign_in.handle(answer, &Timestamp::now())?
            }
            Step::Ask(question) => return Err(format!("unexpected question: {question:?}").into()),
            Step::Done(done) => return Ok(done),
        };
    }
}

fn abbreviate(value: &str) -> String {
    match value.get(..24) {
        Some(head) if value.len() > 48 => format!("{head}… ({} chars)", value.len()),
        _ => value.to_owned(),
    }
}

fn print_request(request: &Request) {
    let (what, pairs, session): (String, Vec<(&str, &str)>, Option<&str>) = match request {
        Request::InitiateAuth(r) => (
            format!("AuthFlow {}", r.auth_parameters.auth_flow()),
            r.auth_parameters.iter().collect(),
            None,
        ),
        Request::RespondToAuthChallenge(r) => (
            format!("ChallengeName {}", r.challenge_responses.challenge_name()),
            r.challenge_responses.iter().collect(),
            r.session.as_deref(),
        ),
    };
    println!("→ {} ({what})", request.operation());
    for (name, value) in pairs {
        println!("    {name:<28} = {}", abbreviate(value));
    }
    if let Some(session) = session {
        println!("    {:<28} = {}", "(Session)", abbreviate(session));
    }
}

fn print_answer(answer: &ServerAnswer) {
    match answer {
        ServerAnswer::Challenge(c) => {
            println!("← ChallengeName {}", c.name);
            for (name, value) in &c.parameters {
                println!("    {name:<28} = {}", abbreviate(value));
            }
            if let Some(session) = &c.session {
                println!("    {:<28} = {}", "(Session)", abbreviate(session));
            }
        }
        ServerAnswer::Authenticated {
            new_device_metadata,
            ..
        } => {
            println!("← AuthenticationResult (tokens)");
            if let Some(m) = new_device_metadata {
                println!(
                    "    NewDeviceMetadata: DeviceKey {}, DeviceGroupKey {}",
                    m.device_key, m.device_group_key
                );
            }
        }
        ServerAnswer::Error { code, message } => println!("← {code}: {message}"),
        other => println!("← {other:?}"),
    }
    println!();
}
