//! Every flow `SignIn` starts, against the offline pool (feature `server`), which verifies
//! every claim, password, code, custom answer, device and `SECRET_HASH`: each signs in by an
//! alias through an app client with a secret, registers and confirms a device, signs in again
//! through device SRP, and refreshes; a wrong password, code or device password is refused
//! with its typed kind.
#![cfg(all(feature = "hazmat", feature = "server"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::std_instead_of_core,
    clippy::std_instead_of_alloc
)]

use std::collections::BTreeMap;

use chrono::{DateTime, TimeZone, Utc};
use cognito_srp_auth::server::{CustomStep, UserPool, UserPoolConfig};
use cognito_srp_auth::{
    Answer, ClientSecret, Error, FirstFactor, Flow, Password, Question, RememberedDevice, Request,
    RequestContext, ServerAnswer, ServiceErrorKind, SignIn, SignedIn, Step, Timestamp,
    UserPoolClient,
};
use rand::SeedableRng;
use rand::rngs::StdRng;

const POOL: &str = "eu-central-1_AllFlows";
const CLIENT_ID: &str = "all-flows-client";
const CLIENT_SECRET: &str = "all-flows-client-secret-0123456789";
const USER: &str = "3c9d7e1f-1111-4a4a-9b9b-222233334444";
const EMAIL: &str = "dora@example.com";
const PASSWORD: &str = "Dora-Pw-2026!";
const UNCONFIRMED: &str = "5e5e5e5e-0000-4000-8000-unconfirmed";

fn instant() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 10, 0, 0).unwrap()
}

fn client() -> UserPoolClient {
    UserPoolClient::new(POOL, CLIENT_ID)
        .unwrap()
        .with_client_secret(ClientSecret::from(CLIENT_SECRET))
}

/// The custom-authentication function: "2+2?" then "capital of France?".
fn custom_auth(_user: &str, answers: &[String]) -> CustomStep {
    let question = |q: &str| CustomStep::Challenge(BTreeMap::from([("question".into(), q.into())]));
    match answers {
        [] => question("2+2"),
        [a] if a == "4" => question("capital of France"),
        [a, b] if a == "4" && b == "Paris" => CustomStep::Succeed,
        _ => CustomStep::Fail,
    }
}

fn pool() -> UserPool<StdRng> {
    let config = UserPoolConfig::new(POOL, CLIENT_ID, Some(ClientSecret::from(CLIENT_SECRET)));
    let mut pool = UserPool::new(config, StdRng::seed_from_u64(41))
        .unwrap()
        .with_custom_auth(Box::new(custom_auth));
    pool.add_user(USER, &Password::from(PASSWORD), &[EMAIL])
        .unwrap();
    pool.add_unconfirmed_user(UNCONFIRMED, &Password::from(PASSWORD))
        .unwrap();
    pool
}

/// How the user answers: the right or a wrong password, code or custom answer.
#[derive(Clone, Copy, PartialEq)]
enum User {
    Right,
    WrongCode,
    WrongCustomAnswer,
}

fn answer(question: &Question, pool: &UserPool<StdRng>, user: User) -> Answer {
    match question {
        Question::Password => Answer::Password(Password::from(PASSWORD)),
        Question::Code { .. } => {
            let code = pool.sent_code(USER).expect("a code was sent");
            if user == User::WrongCode {
                Answer::Code(format!("{code}9"))
            } else {
                Answer::Code(code.to_owned())
            }
        }
        Question::CustomChallenge { parameters } => {
            let reply = match parameters["question"].as_str() {
                "2+2" => "4",
                _ if user == User::WrongCustomAnswer => "Lyon",
                _ => "Paris",
            };
            Answer::CustomAnswer(reply.into())
        }
        Question::SelectChallenge { available } => {
            assert!(available.contains(&FirstFactor::EmailOtp), "{available:?}");
            Answer::FirstFactor(FirstFactor::EmailOtp)
        }
        other => panic!("unexpected question {other:?}"),
    }
}

/// Run a sign-in to its end against the pool.
fn run(
    pool: &mut UserPool<StdRng>,
    mut sign_in: SignIn<StdRng>,
    user: User,
) -> Result<SignedIn, (Error, Option<String>)> {
    let now = Timestamp::from(instant());
    let mut step = sign_in.start();
    loop {
        step = match step {
            Ok(Step::Send(request)) => sign_in.handle(pool.handle(&request, instant()), &now),
            Ok(Step::Ask(question)) => sign_in.answer(answer(&question, pool, user)),
            Ok(Step::Done(done)) => return Ok(done),
            Err(e) => return Err((e, sign_in.refusal().map(ToString::to_string))),
        }
    }
}

/// A sign-in by the alias, in `flow`, with the password given or not.
fn sign_in(flow: Flow, password: Option<&str>, seed: u64) -> SignIn<StdRng> {
    SignIn::with_rng(
        client(),
        EMAIL,
        password.map(Password::from),
        StdRng::seed_from_u64(seed),
    )
    .with_flow(flow)
}

/// Every flow, with whether it starts with the password.
fn flows() -> Vec<(&'static str, Flow, Option<&'static str>, Vec<FirstFactor>)> {
    let user_auth = |preferred| Flow::UserAuth { preferred };
    vec![
        ("USER_SRP_AUTH", Flow::UserSrp, Some(PASSWORD), vec![]),
        ("USER_SRP_AUTH, password asked", Flow::UserSrp, None, vec![]),
        (
            "USER_PASSWORD_AUTH",
            Flow::UserPassword,
            Some(PASSWORD),
            vec![],
        ),
        ("CUSTOM_AUTH", Flow::CustomAuth, None, vec![]),
        (
            "CUSTOM_AUTH with SRP",
            Flow::CustomAuthWithSrp,
            Some(PASSWORD),
            vec![],
        ),
        (
            "USER_AUTH PASSWORD_SRP",
            user_auth(Some(FirstFactor::PasswordSrp)),
            Some(PASSWORD),
            vec![],
        ),
        (
            "USER_AUTH PASSWORD",
            user_auth(Some(FirstFactor::Password)),
            Some(PASSWORD),
            vec![],
        ),
        (
            "USER_AUTH EMAIL_OTP",
            user_auth(Some(FirstFactor::EmailOtp)),
            None,
            vec![],
        ),
        ("USER_AUTH, user chooses", user_auth(None), None, vec![]),
        (
            "USER_AUTH, preference PASSWORD_SRP",
            user_auth(None),
            Some(PASSWORD),
            vec![FirstFactor::PasswordSrp],
        ),
    ]
}

#[test]
fn every_flow_signs_in_registers_a_device_signs_in_with_it_and_refreshes() {
    for (seed, (name, flow, password, preferences)) in (1u64..).zip(flows()) {
        let mut pool = pool();
        let first = run(
            &mut pool,
            sign_in(flow, password, seed).with_first_factors(&preferences),
            User::Right,
        )
        .unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(first.username, USER, "{name}");
        let new_device = first.new_device.expect("NewDeviceMetadata");
        let key = new_device.device.device_key().to_owned();
        pool.confirm_device(USER, &key, &new_device.config).unwrap();
        let stored = new_device.device.to_storage_string();

        // The same flow with the remembered device: it ends in device SRP.
        let device = RememberedDevice::from_storage_string(&stored).unwrap();
        let again = sign_in(flow, password, seed + 100)
            .with_first_factors(&preferences)
            .with_device(device);
        let second = run(&mut pool, again, User::Right).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(second.device_key.as_deref(), Some(key.as_str()), "{name}");
        assert!(second.new_device.is_none(), "{name}");

        // Refresh with the device's key and SECRET_HASH over the internal name.
        let token = pool.refresh_token(USER).unwrap().to_owned();
        let refresh = Request::initiate_auth(
            RequestContext::new(CLIENT_ID),
            second.refresh_token_auth(&client(), &token),
        );
        let ServerAnswer::Authenticated {
            new_device_metadata: None,
            access_token: Some(_),
        } = pool.handle(&refresh, instant())
        else {
            panic!("{name}: the refresh was refused")
        };
        // Without the device key, or with SECRET_HASH over the alias: refused.
        let no_device =
            cognito_srp_auth::AuthParameters::refresh_token_auth(&client(), USER, &token, None);
        let alias_hash = cognito_srp_auth::AuthParameters::refresh_token_auth(
            &client(),
            EMAIL,
            &token,
            Some(&key),
        );
        for (parameters, message) in [
            (no_device, "Invalid Refresh Token"),
            (alias_hash, "Unable to verify secret hash for client"),
        ] {
            let request = Request::initiate_auth(RequestContext::new(CLIENT_ID), parameters);
            assert_eq!(
                pool.handle(&request, instant()),
                ServerAnswer::Error {
                    code: "NotAuthorizedException".into(),
                    message: message.into()
                },
                "{name}"
            );
        }
    }
}

#[test]
fn wrong_passwords_codes_answers_and_device_passwords_are_refused_with_their_kind() {
    let not_authorized = Error::Refused {
        kind: ServiceErrorKind::NotAuthorized,
    };
    let incorrect = Some("NotAuthorizedException: Incorrect username or password.".to_owned());
    for (name, flow, password, preferences) in flows() {
        if password.is_none() {
            continue;
        }
        let mut pool = pool();
        let wrong = SignIn::with_rng(
            client(),
            EMAIL,
            Password::from("not the password"),
            StdRng::seed_from_u64(3),
        )
        .with_flow(flow)
        .with_first_factors(&preferences);
        assert_eq!(
            run(&mut pool, wrong, User::Right).err(),
            Some((not_authorized, incorrect.clone())),
            "{name}"
        );
    }
    let mut pool = pool();
    let email_otp = sign_in(
        Flow::UserAuth {
            preferred: Some(FirstFactor::EmailOtp),
        },
        None,
        4,
    );
    assert_eq!(
        run(&mut pool, email_otp, User::WrongCode).err(),
        Some((
            Error::Refused {
                kind: ServiceErrorKind::CodeMismatch
            },
            Some("CodeMismatchException: Invalid code received for user".to_owned())
        ))
    );
    let custom = sign_in(Flow::CustomAuth, None, 5);
    assert_eq!(
        run(&mut pool, custom, User::WrongCustomAnswer).err(),
        Some((not_authorized, incorrect.clone()))
    );

    // A device with the wrong device password.
    let first = run(
        &mut pool,
        sign_in(Flow::UserSrp, Some(PASSWORD), 6),
        User::Right,
    )
    .unwrap();
    let new_device = first.new_device.unwrap();
    let key = new_device.device.device_key().to_owned();
    pool.confirm_device(USER, &key, &new_device.config).unwrap();
    let group = new_device.device.device_group_key().to_owned();
    let impostor =
        RememberedDevice::new(&key, &group, Password::from("bm90IHRoZSBwYXNzd29yZA==")).unwrap();
    let with_impostor = sign_in(Flow::UserPassword, Some(PASSWORD), 7).with_device(impostor);
    assert_eq!(
        run(&mut pool, with_impostor, User::Right).err(),
        Some((not_authorized, incorrect))
    );
}

#[test]
fn an_unconfirmed_user_gets_its_kind_once_the_password_is_verified() {
    let mut pool = pool();
    for flow in [Flow::UserSrp, Flow::UserPassword] {
        let s = SignIn::with_rng(
            client(),
            UNCONFIRMED,
            Password::from(PASSWORD),
            StdRng::seed_from_u64(9),
        )
        .with_flow(flow);
        assert_eq!(
            run(&mut pool, s, User::Right).err(),
            Some((
                Error::Refused {
                    kind: ServiceErrorKind::UserNotConfirmed
                },
                Some("UserNotConfirmedException: User is not confirmed.".to_owned())
            ))
        );
    }
}
