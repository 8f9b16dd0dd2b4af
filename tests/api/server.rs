//! The server side (feature `server`): what Cognito refuses, with the right error, and what
//! it accepts. Clients that sign a non-canonical `TIMESTAMP` are played by the independent
//! oracle (`tests/common/oracle.rs`), since this crate cannot produce one.
#![cfg(all(feature = "hazmat", feature = "server"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::std_instead_of_core,
    clippy::std_instead_of_alloc
)]

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Duration, TimeZone, Utc};
use cognito_srp_auth::server::{
    DeviceVerifier, ServerSrp, UserPool, UserPoolConfig, UserVerifier, verify_secret_hash,
};
use cognito_srp_auth::{
    ClientSecret, DeviceSecretVerifierConfig, Error, Password, PasswordVerifierChallenge,
    RememberedDevice, Request, ServerAnswer, ServiceErrorKind, SignIn, Step, Timestamp,
    UserPoolClient, group, hazmat, param,
};
use num_bigint::BigUint;
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::oracle;
use crate::rng;
use crate::rng::ConstantRng;

const POOL: &str = "eu-west-1_Server1";
const USER: &str = "5b0c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3";
const PASSWORD: &str = "Correct-Horse-9";

fn instant() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 11, 5, 9, 1, 2).unwrap()
}

/// A server exchange and the client's challenge parameters for it.
fn exchange(a: &[u8]) -> (ServerSrp, BTreeMap<String, String>, UserVerifier) {
    let verifier = UserVerifier::from_salt(
        POOL,
        USER,
        &Password::from(PASSWORD),
        &[0x8c, 0xe8, 0x29, 0x18],
    )
    .unwrap();
    let key = hazmat::ephemeral_key_from_be_bytes(a).unwrap();
    let srp = ServerSrp::for_user(&verifier, key.srp_a(), &mut StdRng::seed_from_u64(7)).unwrap();
    let params: BTreeMap<String, String> = [
        ("SALT", srp.salt()),
        ("SRP_B", srp.srp_b()),
        ("SECRET_BLOCK", srp.secret_block()),
        ("USER_ID_FOR_SRP", USER),
        ("USERNAME", USER),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    (srp, params, verifier)
}

/// The crate's client answer to `params` with `password`.
fn client_answer(
    a: &[u8],
    params: &BTreeMap<String, String>,
    password: &str,
) -> BTreeMap<String, String> {
    let client = UserPoolClient::new(POOL, "client").unwrap();
    let challenge =
        PasswordVerifierChallenge::from_params(|k| params.get(k).map(String::as_str)).unwrap();
    let key = hazmat::ephemeral_key_from_be_bytes(a).unwrap();
    key.password_verifier(
        &client,
        &challenge,
        &Password::from(password),
        &Timestamp::from(instant()),
    )
    .unwrap()
    .into()
}

/// An oracle client that signs `timestamp` as given (e.g. with a zero-padded day).
fn oracle_answer(
    a: &[u8],
    params: &BTreeMap<String, String>,
    timestamp: &str,
) -> BTreeMap<String, String> {
    let salt = BigUint::parse_bytes(params["SALT"].as_bytes(), 16).unwrap();
    let b = BigUint::parse_bytes(params["SRP_B"].as_bytes(), 16).unwrap();
    let block = STANDARD.decode(&params["SECRET_BLOCK"]).unwrap();
    let claim = oracle::claim(
        &BigUint::from_bytes_be(a),
        "Server1",
        USER,
        PASSWORD,
        &oracle::enc(&salt),
        &b,
        &block,
        timestamp,
    )
    .unwrap();
    [
        ("USERNAME", USER.to_owned()),
        (
            "PASSWORD_CLAIM_SECRET_BLOCK",
            params["SECRET_BLOCK"].clone(),
        ),
        ("PASSWORD_CLAIM_SIGNATURE", claim.signature),
        ("TIMESTAMP", timestamp.to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

fn verify(
    srp: ServerSrp,
    responses: &BTreeMap<String, String>,
    now: DateTime<Utc>,
) -> Result<(), Error> {
    srp.verify(|k| responses.get(k).map(String::as_str), now)
}

const A: [u8; 128] = [0x6b; 128];

#[test]
fn a_correct_claim_verifies_also_from_the_oracle() {
    let (srp, params, _) = exchange(&A);
    assert_eq!(
        verify(srp, &client_answer(&A, &params, PASSWORD), instant()),
        Ok(())
    );
    let (srp, params, _) = exchange(&A);
    let canonical = oracle_answer(&A, &params, "Tue Nov 5 09:01:02 UTC 2024");
    assert_eq!(verify(srp, &canonical, instant()), Ok(()));
}

#[test]
fn wrong_password_is_refused() {
    let (srp, params, _) = exchange(&A);
    assert_eq!(
        verify(
            srp,
            &client_answer(&A, &params, "Correct-Horse-8"),
            instant()
        ),
        Err(Error::IncorrectClaim)
    );
}

#[test]
fn tampered_secret_block_is_refused() {
    let (srp, params, _) = exchange(&A);
    let mut responses = client_answer(&A, &params, PASSWORD);
    let mut block = STANDARD
        .decode(&responses["PASSWORD_CLAIM_SECRET_BLOCK"])
        .unwrap();
    block[0] ^= 1;
    responses.insert("PASSWORD_CLAIM_SECRET_BLOCK".into(), STANDARD.encode(block));
    assert_eq!(
        verify(srp, &responses, instant()),
        Err(Error::IncorrectClaim)
    );
    // A client that signed a tampered block (echoing it) fails too.
    let (srp, mut params, _) = exchange(&A);
    params.insert("SECRET_BLOCK".into(), STANDARD.encode([7u8; 64]));
    assert_eq!(
        verify(srp, &client_answer(&A, &params, PASSWORD), instant()),
        Err(Error::IncorrectClaim)
    );
}

#[test]
fn zero_padded_day_and_wrong_weekday_are_refused_like_a_wrong_password() {
    for bad in [
        "Tue Nov 05 09:01:02 UTC 2024",
        "Wed Nov 5 09:01:02 UTC 2024",
    ] {
        let (srp, params, _) = exchange(&A);
        assert_eq!(
            verify(srp, &oracle_answer(&A, &params, bad), instant()),
            Err(Error::IncorrectClaim),
            "{bad}"
        );
    }
}

#[test]
fn malformed_and_stale_timestamps_are_refused() {
    for bad in [
        "Tue Nov 5 09:01:02 GMT 2024",
        "Di Nov 5 09:01:02 UTC 2024",
        "Tue Nov 5 24:01:02 UTC 2024",
    ] {
        let (srp, params, _) = exchange(&A);
        assert_eq!(
            verify(srp, &oracle_answer(&A, &params, bad), instant()),
            Err(Error::InvalidTimestamp),
            "{bad}"
        );
    }
    let (srp, params, _) = exchange(&A);
    let later = instant() + Duration::seconds(301);
    assert_eq!(
        verify(srp, &client_answer(&A, &params, PASSWORD), later),
        Err(Error::StaleTimestamp)
    );
    let (srp, params, _) = exchange(&A);
    let earlier = instant() - Duration::seconds(300);
    assert_eq!(
        verify(srp, &client_answer(&A, &params, PASSWORD), earlier),
        Ok(())
    );
}

#[test]
fn missing_responses_are_named() {
    let (srp, params, _) = exchange(&A);
    let mut responses = client_answer(&A, &params, PASSWORD);
    responses.remove("TIMESTAMP");
    assert_eq!(
        verify(srp, &responses, instant()),
        Err(Error::MissingParameter { name: "TIMESTAMP" })
    );
}

#[test]
fn illegal_and_over_long_srp_a_are_refused() {
    let verifier = UserVerifier::from_salt(POOL, USER, &Password::from(PASSWORD), &[1]).unwrap();
    let n_hex: String = group::modulus_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let mut rng = StdRng::seed_from_u64(1);
    for zero in ["0", "000", n_hex.as_str()] {
        assert_eq!(
            ServerSrp::for_user(&verifier, zero, &mut rng).err(),
            Some(Error::IllegalClientA),
            "{zero:.8}"
        );
    }
    let too_long = format!("1{}", "0".repeat(768));
    for bad in [too_long.as_str(), "xyz", "-1", ""] {
        assert_eq!(
            ServerSrp::for_user(&verifier, bad, &mut rng).err(),
            Some(Error::MalformedParameter { name: "SRP_A" }),
            "{bad:.8}"
        );
    }
    assert_eq!(
        ServerSrp::for_user(&verifier, "2", &mut rng::FailingRng).err(),
        Some(Error::RandomSource)
    );
    assert!(!format!("{verifier:?}").contains(PASSWORD));
}

#[test]
fn secret_hash_is_checked_over_the_request_user_name() {
    let secret = ClientSecret::from("clientSecret");
    assert_eq!(
        verify_secret_hash(
            "test",
            "123abd",
            &secret,
            "LoIX/oPJWZzFYv8liJYRo+CHv16FNDY10JlZEDjL3Vg="
        ),
        Ok(())
    );
    assert_eq!(
        verify_secret_hash(
            "alias@example.com",
            "123abd",
            &secret,
            "LoIX/oPJWZzFYv8liJYRo+CHv16FNDY10JlZEDjL3Vg="
        ),
        Err(Error::SecretHashMismatch)
    );
    assert_eq!(
        verify_secret_hash("test", "123abd", &secret, ""),
        Err(Error::SecretHashMismatch)
    );
}

#[test]
fn device_verifiers_are_stored_as_cognito_stores_them() {
    let (device, config) =
        RememberedDevice::register("us-east-1_d", "-g", &mut ConstantRng(3)).unwrap();
    assert!(
        DeviceVerifier::from_config(device.device_key(), device.device_group_key(), &config)
            .is_ok()
    );
    // Cognito refuses values whose first byte has the sign bit set ("negative").
    let negative_salt = DeviceSecretVerifierConfig::new(
        STANDARD.encode([0x90u8; 16]),
        config.password_verifier().to_owned(),
    );
    assert_eq!(
        DeviceVerifier::from_config("k", "g", &negative_salt).err(),
        Some(Error::MalformedParameter { name: "Salt" })
    );
    let negative_v =
        DeviceSecretVerifierConfig::new(config.salt().to_owned(), STANDARD.encode([0xffu8; 384]));
    assert_eq!(
        DeviceVerifier::from_config("k", "g", &negative_v).err(),
        Some(Error::MalformedParameter {
            name: "PasswordVerifier"
        })
    );
    let not_base64 =
        DeviceSecretVerifierConfig::new("!!".into(), config.password_verifier().to_owned());
    assert_eq!(
        DeviceVerifier::from_config("k", "g", &not_base64).err(),
        Some(Error::MalformedParameter { name: "Salt" })
    );
}

/// An offline sign-in through the user pool: alias + client secret, wrong password, device
/// registration and device sign-in, stale device.
#[test]
fn user_pool_conversations() {
    let secret = || ClientSecret::from("pool-client-secret");
    let mut pool = UserPool::new(
        UserPoolConfig::new(POOL, "pool-client", Some(secret())),
        StdRng::seed_from_u64(11),
    )
    .unwrap();
    pool.add_user(USER, &Password::from(PASSWORD), &["alice@example.com"])
        .unwrap();
    let client = || {
        UserPoolClient::new(POOL, "pool-client")
            .unwrap()
            .with_client_secret(secret())
    };
    let now = Utc::now();
    let drive = |pool: &mut UserPool<StdRng>,
                 mut sign_in: SignIn<StdRng>|
     -> Result<cognito_srp_auth::SignedIn, Error> {
        let mut step = sign_in.start()?;
        loop {
            step = match step {
                Step::Send(request) => {
                    let answer = pool.handle(&request, now);
                    sign_in.handle(answer, &Timestamp::from(now))?
                }
                Step::Ask(q) => panic!("unexpected question {q:?}"),
                Step::Done(done) => return Ok(done),
            };
        }
    };

    // Wrong password: Cognito's NotAuthorizedException.
    let mut wrong = SignIn::with_rng(
        client(),
        "alice@example.com",
        Password::from("nope"),
        StdRng::seed_from_u64(1),
    );
    let Step::Send(request) = wrong.start().unwrap() else {
        panic!()
    };
    let ServerAnswer::Challenge(pv) = pool.handle(&request, now) else {
        panic!()
    };
    let Step::Send(answer) = wrong
        .handle(ServerAnswer::Challenge(pv), &Timestamp::from(now))
        .unwrap()
    else {
        panic!()
    };
    assert_eq!(
        pool.handle(&answer, now),
        ServerAnswer::Error {
            code: "NotAuthorizedException".into(),
            message: "Incorrect username or password.".into()
        }
    );

    // Alias + secret: signed in, a new device to confirm.
    let done = drive(
        &mut pool,
        SignIn::with_rng(
            client(),
            "alice@example.com",
            Password::from(PASSWORD),
            StdRng::seed_from_u64(2),
        ),
    )
    .unwrap();
    assert_eq!(done.username, USER);
    let new_device = done.new_device.expect("device tracking");
    pool.confirm_device(USER, new_device.device.device_key(), &new_device.config)
        .unwrap();
    // Confirming a device the pool did not issue is refused.
    assert_eq!(
        pool.confirm_device(USER, "us-east-1_other", &new_device.config)
            .err(),
        Some(Error::MalformedDevice)
    );

    // Device sign-in: no new device, the stored one verified.
    let stored = new_device.device.to_storage_string();
    let device = RememberedDevice::from_storage_string(&stored).unwrap();
    let done = drive(
        &mut pool,
        SignIn::with_rng(
            client(),
            "alice@example.com",
            Password::from(PASSWORD),
            StdRng::seed_from_u64(3),
        )
        .with_device(device),
    )
    .unwrap();
    assert!(done.new_device.is_none() && !done.forget_stored_device);

    // A device with a wrong device password is refused at DEVICE_PASSWORD_VERIFIER.
    let device = RememberedDevice::from_storage_string(&stored).unwrap();
    let impostor = RememberedDevice::new(
        device.device_key(),
        device.device_group_key(),
        Password::from("d3JvbmcK"),
    )
    .unwrap();
    let refused = drive(
        &mut pool,
        SignIn::with_rng(
            client(),
            USER,
            Password::from(PASSWORD),
            StdRng::seed_from_u64(4),
        )
        .with_device(impostor),
    );
    assert_eq!(
        refused.err(),
        Some(Error::Refused {
            kind: ServiceErrorKind::NotAuthorized
        })
    );

    // The pool forgets the device: the next sign-in drops it and starts again.
    pool.forget_device(device.device_key());
    let done = drive(
        &mut pool,
        SignIn::with_rng(
            client(),
            USER,
            Password::from(PASSWORD),
            StdRng::seed_from_u64(5),
        )
        .with_device(device),
    )
    .unwrap();
    assert!(done.forget_stored_device);
    assert!(done.new_device.is_some());

    // In a challenge response, SECRET_HASH over the alias is refused and over the internal
    // name accepted (responses rebuilt with a secret-less responder, the hash added by hand).
    for (hash_name, accepted) in [("alice@example.com", false), (USER, true)] {
        let mut s = SignIn::with_rng(
            client(),
            "alice@example.com",
            Password::from(PASSWORD),
            StdRng::seed_from_u64(6),
        );
        let Step::Send(request) = s.start().unwrap() else {
            panic!()
        };
        let ServerAnswer::Challenge(pv) = pool.handle(&request, now) else {
            panic!()
        };
        let Step::Send(Request::RespondToAuthChallenge(mut answer)) = s
            .handle(ServerAnswer::Challenge(pv), &Timestamp::from(now))
            .unwrap()
        else {
            panic!()
        };
        let hash = cognito_srp_auth::secret_hash(hash_name, "pool-client", &secret());
        let mut pairs: Vec<(String, String)> = answer
            .challenge_responses
            .iter()
            .filter(|(k, _)| *k != param::USERNAME && *k != param::SECRET_HASH)
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        pairs.push((param::SECRET_HASH.to_owned(), hash));
        let pairs: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let no_secret = UserPoolClient::new(POOL, "pool-client").unwrap();
        answer.challenge_responses =
            cognito_srp_auth::Responder::new(&no_secret, USER).other("PASSWORD_VERIFIER", &pairs);
        let verdict = pool.handle(&Request::RespondToAuthChallenge(answer), now);
        if accepted {
            assert!(
                matches!(verdict, ServerAnswer::Authenticated { .. }),
                "{verdict:?}"
            );
        } else {
            assert_eq!(
                verdict,
                ServerAnswer::Error {
                    code: "NotAuthorizedException".into(),
                    message: "Unable to verify secret hash for client".into()
                }
            );
        }
    }
}
