//! The full `PASSWORD_VERIFIER` answer with fuzzed server values (`SALT`, `SRP_B`,
//! `SECRET_BLOCK`), identifiers (pool id, `USER_ID_FOR_SRP`, `USERNAME`), password, client
//! secret, clock and `a`: only documented errors, and every answer keeps its invariants.
#![no_main]

use chrono::DateTime;
use cognito_srp_auth::{
    ClientSecret, Error, Password, PasswordVerifierChallenge, Timestamp, UserPoolClient, hazmat,
    secret_hash,
};
use cognito_srp_auth_fuzz::{Input, hex_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = Input::parse(data);
    let pool_id = input.setting("pool", "us-east-1_Fuzz");
    let client_id = input.setting("client", "fuzz-client");
    let client = match UserPoolClient::new(pool_id, client_id) {
        Ok(client) => client,
        Err(e) => return assert_eq!(e, Error::InvalidPoolId),
    };
    let secret = input.settings.get("secret").cloned();
    let client = match &secret {
        Some(s) => client.with_client_secret(ClientSecret::from(s.as_str())),
        None => client,
    };
    let key = match hazmat::ephemeral_key_from_be_bytes(&hex_bytes(input.setting("a", "07"), 128)) {
        Ok(key) => key,
        Err(e) => return assert_eq!(e, Error::IllegalEphemeral),
    };
    let challenge = match PasswordVerifierChallenge::from_params(input.lookup()) {
        Ok(challenge) => challenge,
        Err(e) => {
            return assert!(
                matches!(
                    e,
                    Error::MissingParameter { .. }
                        | Error::MalformedParameter { .. }
                        | Error::IllegalServerB
                ),
                "{e:?}"
            );
        }
    };
    let secs = input
        .setting("now", "1700000000")
        .parse::<i64>()
        .unwrap_or(0)
        .clamp(-62_135_596_800, 253_402_300_799);
    let timestamp = Timestamp::from(DateTime::from_timestamp(secs, 0).unwrap_or_default());
    let password = Password::from(input.setting("password", ""));
    let srp_a = key.srp_a().to_owned();
    assert!(!srp_a.is_empty() && !srp_a.starts_with('0'));
    match key.password_verifier(&client, &challenge, &password, &timestamp) {
        Ok(responses) => {
            assert_eq!(responses.challenge_name(), "PASSWORD_VERIFIER");
            assert_eq!(responses.get("USERNAME"), Some(challenge.username()));
            assert_eq!(
                responses.get("PASSWORD_CLAIM_SECRET_BLOCK"),
                input.params.get("SECRET_BLOCK").map(String::as_str)
            );
            assert_eq!(responses.get("TIMESTAMP"), Some(timestamp.as_str()));
            assert_eq!(
                responses.get("PASSWORD_CLAIM_SIGNATURE").map(str::len),
                Some(44)
            );
            let expected_hash = secret.map(|s| {
                secret_hash(
                    challenge.username(),
                    client_id,
                    &ClientSecret::from(s.as_str()),
                )
            });
            assert_eq!(
                responses.get("SECRET_HASH").map(str::to_owned),
                expected_hash
            );
        }
        Err(e) => assert_eq!(e, Error::IllegalScrambler),
    }
});
