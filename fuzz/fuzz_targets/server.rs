//! The server side fed arbitrary client values: `SRP_A`, the claim's responses
//! (`PASSWORD_CLAIM_SECRET_BLOCK`, `PASSWORD_CLAIM_SIGNATURE`, `TIMESTAMP`, …), the clock, and
//! a `ConfirmDevice` config. Only documented errors; a forged claim never verifies.
#![no_main]

use chrono::DateTime;
use cognito_srp_auth::server::{DeviceVerifier, ServerSrp, UserVerifier, verify_secret_hash};
use cognito_srp_auth::{ClientSecret, DeviceSecretVerifierConfig, Error, Password};
use cognito_srp_auth_fuzz::{CounterRng, Input, hex_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = Input::parse(data);
    let salt = hex_bytes(input.setting("salt", "8ce82918"), 64);
    let user = UserVerifier::from_salt(
        "us-east-1_Fuzz",
        "fuzz-user",
        &Password::from(input.setting("password", "pw")),
        &salt,
    )
    .unwrap_or_else(|_| unreachable!());
    let seed = input
        .setting("b", "1")
        .bytes()
        .fold(0u64, |h, c| h.wrapping_mul(31).wrapping_add(u64::from(c)));
    match ServerSrp::for_user(&user, input.setting("srp_a", "2"), &mut CounterRng(seed)) {
        Ok(srp) => {
            assert!(!srp.srp_b().is_empty() && !srp.srp_b().starts_with('0'));
            let secs = input
                .setting("now", "1700000000")
                .parse::<i64>()
                .unwrap_or(0)
                .clamp(-62_135_596_800, 253_402_300_799);
            let now = DateTime::from_timestamp(secs, 0).unwrap_or_default();
            let block_matches = input
                .params
                .get("PASSWORD_CLAIM_SECRET_BLOCK")
                .map(String::as_str)
                == Some(srp.secret_block());
            match srp.verify(input.lookup(), now) {
                // The secret block is fresh randomness the input cannot know: a fuzzed claim never verifies.
                Ok(()) => panic!("a forged claim verified (secret block matched: {block_matches})"),
                Err(e) => assert!(
                    matches!(
                        e,
                        Error::MissingParameter { .. }
                            | Error::IncorrectClaim
                            | Error::InvalidTimestamp
                            | Error::StaleTimestamp
                            | Error::IllegalScrambler
                    ),
                    "{e:?}"
                ),
            }
        }
        Err(e) => assert!(
            matches!(
                e,
                Error::MalformedParameter { name: "SRP_A" } | Error::IllegalClientA
            ),
            "{e:?}"
        ),
    }
    if let (Some(salt), Some(verifier)) = (
        input.settings.get("device_salt"),
        input.settings.get("device_verifier"),
    ) {
        let config = DeviceSecretVerifierConfig::new(salt.clone(), verifier.clone());
        if let Err(e) = DeviceVerifier::from_config("us-east-1_dev", "-Grp", &config) {
            assert!(
                matches!(
                    e,
                    Error::MalformedParameter {
                        name: "Salt" | "PasswordVerifier"
                    }
                ),
                "{e:?}"
            );
        }
    }
    if let Some(hash) = input.settings.get("secret_hash") {
        let secret = ClientSecret::from(input.setting("client_secret", "s"));
        let verdict =
            verify_secret_hash(input.setting("username", "u"), "fuzz-client", &secret, hash);
        let expected =
            cognito_srp_auth::secret_hash(input.setting("username", "u"), "fuzz-client", &secret);
        assert_eq!(verdict.is_ok(), *hash == expected);
    }
});
