//! An offline walk through the client side of a Cognito `USER_SRP_AUTH` sign-in, from fixed
//! inputs: the `InitiateAuth` parameters, the server's `PASSWORD_VERIFIER` challenge, and the
//! `RespondToAuthChallenge` answer, checked against the published known answer (spec vector 1,
//! the values asserted by the Go client's test suite).
//!
//! Run it with `cargo run --example sign_in`.

// The example checks its known answer with assertions, so that a wrong value cannot pass.
#![allow(clippy::panic_in_result_fn)]

use std::collections::HashMap;

use chrono::{TimeZone, Utc};
use cognito_srp_auth::{
    ClientSecret, Password, PasswordVerifierChallenge, Timestamp, UserPoolClient, hazmat,
};

fn main() -> Result<(), Box<dyn core::error::Error>> {
    let client = UserPoolClient::new("eu-west-1_myPool", "123abd")?
        .with_client_secret(ClientSecret::from("clientSecret"));
    let username = "test";
    let password = Password::from("test");

    // 1. The client's ephemeral. A real client calls `EphemeralKey::generate()?`; the fixed
    //    a = 1234567890 of the known answer needs the `hazmat` door.
    let key = hazmat::ephemeral_key_from_be_bytes(&1_234_567_890_u32.to_be_bytes())?;
    println!(
        "InitiateAuth (AuthFlow USER_SRP_AUTH, ClientId {})",
        client.client_id()
    );
    println!("  USERNAME    = {username}");
    let head = key.srp_a().get(..32).unwrap_or_default();
    println!(
        "  SRP_A       = {head}…  ({} hex digits)",
        key.srp_a().len()
    );
    if let Some(hash) = client.secret_hash(username) {
        println!("  SECRET_HASH = {hash}");
    }

    // 2. Cognito answers with a PASSWORD_VERIFIER challenge.
    let params: HashMap<String, String> = HashMap::from([
        ("SALT".into(), "499602d2".into()),
        ("SRP_B".into(), "499602d2".into()),
        (
            "SECRET_BLOCK".into(),
            "c2VjcmV0c3NlY3Jlc3Rzc2VjcmV0cw==".into(),
        ),
        ("USER_ID_FOR_SRP".into(), "test".into()),
        ("USERNAME".into(), "test".into()),
    ]);
    println!("\nCognito: ChallengeName PASSWORD_VERIFIER");
    let mut sorted: Vec<_> = params.iter().collect();
    sorted.sort();
    for (name, value) in sorted {
        println!("  {name:<15} = {value}");
    }
    let challenge = PasswordVerifierChallenge::try_from(&params)?;

    // 3. The answer, signed at a fixed instant.
    let instant = Utc
        .with_ymd_and_hms(2018, 7, 10, 11, 1, 0)
        .single()
        .ok_or("invalid instant")?;
    let timestamp = Timestamp::from(instant);
    let responses = key.password_verifier(&client, &challenge, &password, &timestamp)?;
    println!(
        "\nRespondToAuthChallenge (ChallengeName {})",
        responses.challenge_name()
    );
    for (name, value) in &responses {
        println!("  {name:<27} = {value}");
    }

    assert_eq!(
        responses.get("PASSWORD_CLAIM_SIGNATURE"),
        Some("tdvQu/Li/qWl8Nni0aFPs+MwY4rvKZm0kSMrGIMSUHk=")
    );
    assert_eq!(
        responses.get("SECRET_HASH"),
        Some("LoIX/oPJWZzFYv8liJYRo+CHv16FNDY10JlZEDjL3Vg=")
    );
    println!("\nThe signature and SECRET_HASH match the published known answer.");
    Ok(())
}
