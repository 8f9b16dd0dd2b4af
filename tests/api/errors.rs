//! One test per `Error` variant, each asserting the exact value, and checks that neither
//! errors nor secret-bearing types print secrets or parameter values.
#![cfg(feature = "hazmat")]
// Test code: `expect`/`unwrap`/indexing on values the test itself built are assertions, and
// std paths are the natural ones here.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::std_instead_of_core,
    clippy::std_instead_of_alloc
)]

use std::collections::HashMap;

use cognito_srp_auth::hazmat::{self, Trace};
use cognito_srp_auth::{
    ClientSecret, EphemeralKey, Error, Password, PasswordVerifierChallenge, Timestamp,
    UserPoolClient, group, param, pool_name,
};

use crate::rng::{ConstantRng, FailingRng};

const SALT: &str = "8ce8291892390f6b53a245933faf6164";
const SRP_B: &str = "9888c02422f3a7c1";
const SECRET_BLOCK: &str = "c2VjcmV0LWJsb2Nr";
const USER_ID_FOR_SRP: &str = "5f2a0e4c-internal-id";
const POOL_ID: &str = "us-east-1_Abc";
const CLIENT_ID: &str = "client";

/// A well-formed `PASSWORD_VERIFIER` challenge, as wire name → text.
fn valid_params() -> HashMap<&'static str, String> {
    HashMap::from([
        (param::SALT, SALT.to_owned()),
        (param::SRP_B, SRP_B.to_owned()),
        (param::SECRET_BLOCK, SECRET_BLOCK.to_owned()),
        (param::USER_ID_FOR_SRP, USER_ID_FOR_SRP.to_owned()),
    ])
}

fn parse(params: &HashMap<&'static str, String>) -> Result<PasswordVerifierChallenge, Error> {
    PasswordVerifierChallenge::from_params(|k| params.get(k).map(String::as_str))
}

/// The error of parsing the valid challenge with `name` set to `value`.
fn parse_with(name: &'static str, value: &str) -> Option<Error> {
    let mut params = valid_params();
    params.insert(name, value.to_owned());
    parse(&params).err()
}

/// The error of parsing the valid challenge without `name`.
fn parse_without(name: &'static str) -> Option<Error> {
    let mut params = valid_params();
    params.remove(name);
    parse(&params).err()
}

/// N as minimal lowercase hex, from the crate's public bytes.
fn modulus_hex() -> String {
    group::modulus_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A fixed, non-zero private ephemeral with a recognisable pattern.
const A: [u8; 128] = [0xa5; 128];

fn fixed_key() -> EphemeralKey {
    hazmat::ephemeral_key_from_be_bytes(&A).expect("non-zero a")
}

fn timestamp() -> Timestamp {
    Timestamp::from(chrono::DateTime::from_timestamp(1_762_232_767, 0).expect("in range"))
}

#[test]
fn missing_parameter() {
    for name in [
        param::SALT,
        param::SRP_B,
        param::SECRET_BLOCK,
        param::USER_ID_FOR_SRP,
    ] {
        assert_eq!(
            parse_without(name),
            Some(Error::MissingParameter { name }),
            "without {name}"
        );
    }
    // USERNAME is optional: it falls back to USER_ID_FOR_SRP.
    let challenge = parse(&valid_params()).expect("valid challenge");
    assert_eq!(challenge.username(), USER_ID_FOR_SRP);
    // Checked in the documented order: the first missing one is reported.
    assert_eq!(
        parse(&HashMap::new()).err(),
        Some(Error::MissingParameter { name: param::SALT })
    );
    let mut params = valid_params();
    params.remove(param::SECRET_BLOCK);
    params.remove(param::USER_ID_FOR_SRP);
    assert_eq!(
        parse(&params).err(),
        Some(Error::MissingParameter {
            name: param::SECRET_BLOCK
        })
    );
}

#[test]
fn malformed_parameter() {
    let salt = Some(Error::MalformedParameter { name: param::SALT });
    for bad in [
        "zz", "", "-", "0x8ce8", "+8ce8", " 8ce8", "8ce8 ", "8c e8", "--1", "8ce8é",
    ] {
        assert_eq!(parse_with(param::SALT, bad), salt, "SALT {bad:?}");
    }

    let srp_b = Some(Error::MalformedParameter { name: param::SRP_B });
    for bad in ["xyz", "", "0x1", "1_000", "-5", "-0", "-9888c02422f3a7c1"] {
        assert_eq!(parse_with(param::SRP_B, bad), srp_b, "SRP_B {bad:?}");
    }
    // 2^3072: 769 hex digits, one bit wider than the group.
    let too_wide = format!("1{}", "0".repeat(768));
    assert_eq!(too_wide.len(), 769);
    assert_eq!(parse_with(param::SRP_B, &too_wide), srp_b, "SRP_B = 2^3072");
    let all_ones_3073 = format!("1{}", "f".repeat(768));
    assert_eq!(
        parse_with(param::SRP_B, &all_ones_3073),
        srp_b,
        "SRP_B = 2^3073 - 1"
    );
    // The widest accepted value, and leading zeros that do not count towards the width.
    assert_eq!(
        parse_with(param::SRP_B, &"f".repeat(768)),
        None,
        "SRP_B = 2^3072 - 1"
    );
    assert_eq!(
        parse_with(param::SRP_B, &format!("{}1", "0".repeat(1000))),
        None
    );

    let block = Some(Error::MalformedParameter {
        name: param::SECRET_BLOCK,
    });
    for bad in [
        "not base64!",
        "c2VjcmV0=x",
        "a",
        "ab c=",
        "====",
        "c2Vj\ncmV0",
        "c2VjcmV0é",
    ] {
        assert_eq!(
            parse_with(param::SECRET_BLOCK, bad),
            block,
            "SECRET_BLOCK {bad:?}"
        );
    }

    assert_eq!(
        parse_with(param::USER_ID_FOR_SRP, ""),
        Some(Error::MalformedParameter {
            name: param::USER_ID_FOR_SRP
        })
    );
    assert_eq!(
        parse_with(param::USERNAME, ""),
        Some(Error::MalformedParameter {
            name: param::USERNAME
        })
    );

    // Checked in the documented order: a malformed SALT wins over a missing SRP_B.
    let mut params = valid_params();
    params.insert(param::SALT, "zz".to_owned());
    params.remove(param::SRP_B);
    assert_eq!(parse(&params).err(), salt);
}

#[test]
fn invalid_pool_id() {
    for bad in ["nounderscore", "_name", "region_", "a_b_c", "", "_"] {
        assert_eq!(
            pool_name(bad),
            Err(Error::InvalidPoolId),
            "pool_name({bad:?})"
        );
        assert_eq!(
            UserPoolClient::new(bad, CLIENT_ID).err(),
            Some(Error::InvalidPoolId),
            "UserPoolClient::new({bad:?})"
        );
    }
    assert_eq!(pool_name(POOL_ID), Ok("Abc"));
    assert_eq!(
        UserPoolClient::new(POOL_ID, CLIENT_ID).map(|c| c.pool_name().to_owned()),
        Ok("Abc".to_owned())
    );
}

#[test]
fn illegal_server_b() {
    // Below 2^3072, the only multiples of N are 0 and N itself (2N > 2^3072).
    let n = modulus_hex();
    assert_eq!(n.len(), 768);
    let cases = [
        "0".to_owned(),
        "000".to_owned(),
        "0".repeat(1000),
        n.clone(),
        n.to_uppercase(),
        format!("000{n}"),
    ];
    for b in &cases {
        assert_eq!(
            parse_with(param::SRP_B, b),
            Some(Error::IllegalServerB),
            "SRP_B {b:?}"
        );
    }
    // N ± 1 are fine.
    let n_minus_1 = format!("{}e", &n[..767]);
    let n_plus_1 = format!("{}0", &n[..767]);
    assert!(n.ends_with('f'));
    assert_eq!(parse_with(param::SRP_B, &n_minus_1), None, "SRP_B = N - 1");
    assert_eq!(parse_with(param::SRP_B, &n_plus_1), None, "SRP_B = N + 1");
}

/// `IllegalScrambler` needs `SHA-256(enc(A) ‖ enc(B)) = 0`: a preimage of the all-zero
/// digest, which nobody can construct (and `A` and `B` are fixed by the caller's `a` and the
/// server's `SRP_B` only through a 3072-bit exponentiation and SHA-256). The check is there
/// because SRP-6a requires it; here we only check that an ordinary claim does not trip it.
#[test]
fn illegal_scrambler_is_not_returned_for_an_ordinary_claim() {
    let challenge = parse(&valid_params()).expect("valid challenge");
    let client = UserPoolClient::new(POOL_ID, CLIENT_ID).expect("valid pool id");
    let result =
        fixed_key().password_verifier(&client, &challenge, &Password::from("pw"), &timestamp());
    assert_eq!(result.map(|r| r.len()), Ok(4));
    assert_eq!(
        format!("{}", Error::IllegalScrambler),
        "SRP scrambling parameter u is zero"
    );
}

#[test]
fn illegal_ephemeral() {
    let cases: [&[u8]; 6] = [&[0; 128], &[0; 64], &[], &[0], &[1; 129], &[0; 129]];
    for a in cases {
        assert_eq!(
            hazmat::ephemeral_key_from_be_bytes(a).err(),
            Some(Error::IllegalEphemeral),
            "a of {} bytes",
            a.len()
        );
    }
    // An RNG that returns only zeros is refused the same way.
    assert_eq!(
        EphemeralKey::from_rng(&mut ConstantRng(0)).err(),
        Some(Error::IllegalEphemeral)
    );
    // Any non-zero a of at most 128 bytes is accepted; the RNG's a is 64 bytes.
    assert_eq!(hazmat::ephemeral_key_from_be_bytes(&[1]).err(), None);
    assert_eq!(
        EphemeralKey::from_rng(&mut ConstantRng(7)).map(|k| k.srp_a().to_owned()),
        hazmat::ephemeral_key_from_be_bytes(&[7; 64]).map(|k| k.srp_a().to_owned())
    );
}

#[test]
fn random_source() {
    assert_eq!(
        EphemeralKey::from_rng(&mut FailingRng).err(),
        Some(Error::RandomSource)
    );
}

/// Display names the parameter for the parameter variants, and every message is a
/// lowercase phrase without a trailing period.
#[test]
fn display_names_the_parameter() {
    for name in [
        param::SALT,
        param::SRP_B,
        param::SECRET_BLOCK,
        param::USER_ID_FOR_SRP,
        param::USERNAME,
    ] {
        let missing = Error::MissingParameter { name }.to_string();
        let malformed = Error::MalformedParameter { name }.to_string();
        assert_eq!(missing, format!("missing challenge parameter {name}"));
        assert_eq!(malformed, format!("malformed challenge parameter {name}"));
    }
    assert!(Error::IllegalServerB.to_string().contains("SRP_B"));
    let all = [
        Error::MissingParameter { name: param::SALT },
        Error::MalformedParameter { name: param::SALT },
        Error::InvalidPoolId,
        Error::IllegalServerB,
        Error::IllegalScrambler,
        Error::IllegalEphemeral,
        Error::RandomSource,
    ];
    for e in all {
        let message = e.to_string();
        // Lowercase, except for an acronym such as "SRP".
        let first_word = message.split(' ').next().expect("non-empty message");
        let acronym = first_word
            .chars()
            .all(|c| c.is_ascii_uppercase() || c == '_');
        assert!(
            acronym || first_word.chars().all(|c| !c.is_uppercase()),
            "{message:?} starts lowercase"
        );
        assert!(
            !message.ends_with('.'),
            "{message:?} has no trailing period"
        );
        // Usable as `dyn Error`.
        let boxed: Box<dyn std::error::Error> = Box::new(e);
        assert_eq!(boxed.to_string(), message);
    }
}

/// Errors never carry or print the parameter's value.
#[test]
fn errors_do_not_print_values() {
    let n = modulus_hex();
    let cases: [(&'static str, &str, Error); 6] = [
        (
            param::SALT,
            "zz-secret-zz",
            Error::MalformedParameter { name: param::SALT },
        ),
        (
            param::SRP_B,
            "secret9888",
            Error::MalformedParameter { name: param::SRP_B },
        ),
        (
            param::SRP_B,
            "-9888c02422",
            Error::MalformedParameter { name: param::SRP_B },
        ),
        (param::SRP_B, &n, Error::IllegalServerB),
        (
            param::SECRET_BLOCK,
            "secret!block",
            Error::MalformedParameter {
                name: param::SECRET_BLOCK,
            },
        ),
        (
            param::USERNAME,
            "",
            Error::MalformedParameter {
                name: param::USERNAME,
            },
        ),
    ];
    for (name, value, expected) in cases {
        let e = parse_with(name, value).expect("an error");
        assert_eq!(e, expected, "{name} = {value:?}");
        for printed in [format!("{e}"), format!("{e:?}"), format!("{e:#?}")] {
            if !value.is_empty() {
                assert!(
                    !printed.contains(value),
                    "{printed:?} contains the value of {name}"
                );
            }
            assert!(!printed.contains("secret"), "{printed:?} contains a value");
            assert!(!printed.contains("9888"), "{printed:?} contains a value");
            assert!(!printed.contains(&n[..16]), "{printed:?} contains N");
        }
    }
}

/// Secret-bearing types print no secret in `Debug`.
#[test]
fn debug_prints_no_secrets() {
    const PASSWORD: &str = "correct-horse-battery-staple";
    const CLIENT_SECRET: &str = "s3cr3t-of-the-app-client";

    let password = Password::from(PASSWORD);
    let client_secret = ClientSecret::from(CLIENT_SECRET);
    assert_eq!(format!("{password:?}"), "Password(<redacted>)");
    assert_eq!(format!("{client_secret:?}"), "ClientSecret(<redacted>)");

    let client = UserPoolClient::new(POOL_ID, CLIENT_ID)
        .expect("valid pool id")
        .with_client_secret(ClientSecret::from(CLIENT_SECRET));
    let printed = format!("{client:?}{client:#?}");
    assert!(
        printed.contains(POOL_ID) && printed.contains(CLIENT_ID),
        "{printed}"
    );
    assert!(!printed.contains(CLIENT_SECRET), "{printed}");

    let key = fixed_key();
    let a_forms = [
        "a5a5a5a5".to_owned(),
        "A5A5A5A5".to_owned(),
        "165, 165, 165".to_owned(),
        format!("{:?}", &A[..4]),
    ];
    let printed = format!("{key:?}{key:#?}");
    for form in &a_forms {
        assert!(!printed.contains(form.as_str()), "{printed} contains a");
    }

    let challenge = parse(&valid_params()).expect("valid challenge");
    let mut trace = Trace::default();
    let responses = hazmat::password_verifier_traced(
        fixed_key(),
        &client,
        &challenge,
        &Password::from(PASSWORD),
        &timestamp(),
        &mut trace,
    )
    .expect("claim");
    assert_eq!(responses.len(), 5);
    assert_eq!(trace.hkdf_key().len(), 16);
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    let secrets = [
        hex(trace.x()),
        hex(trace.s_padded()),
        hex(trace.hkdf_key()),
        hex(trace.identity_hash()),
        format!("{:?}", trace.hkdf_key()),
        format!("{:?}", &trace.x()[..4]),
    ];
    let printed = format!("{trace:?}{trace:#?}{challenge:?}{responses:?}");
    for secret in secrets.iter().chain(&a_forms) {
        assert!(
            !printed.contains(secret.as_str()),
            "{printed} contains {secret}"
        );
    }
    assert!(
        !printed.contains(PASSWORD) && !printed.contains(CLIENT_SECRET),
        "{printed}"
    );
}
