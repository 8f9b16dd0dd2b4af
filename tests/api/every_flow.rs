//! Every sign-in flow `SignIn` starts, as scripted conversations that assert every request
//! exactly (operation, `AuthParameters` or `ChallengeResponses`, `Session`,
//! `ClientMetadata`): plain password, custom challenges without SRP, passwordless and
//! passkey `USER_AUTH`, device SRP after each, the password asked for, refresh, and every
//! kind of service error. The device claims are the shared vectors'; `SECRET_HASH` values
//! come from the independent oracle.
#![cfg(feature = "hazmat")]
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::panic_in_result_fn,
    clippy::std_instead_of_core,
    clippy::std_instead_of_alloc
)]

use std::collections::BTreeMap;

use cognito_srp_auth::rand_core::TryCryptoRng;
use cognito_srp_auth::{
    Answer, Challenge, ClientSecret, CodeChallenge, Error, FirstFactor, Flow, NewDeviceMetadata,
    Password, Question, RememberedDevice, Request, RequestContext, ServerAnswer, ServiceError,
    ServiceErrorKind, SignIn, Step, UserPoolClient,
};
use serde_json::Value;

use crate::data::text;
use crate::oracle;
use crate::script::*;

const POOL: &str = "eu-west-1_EveryFlow";
const TYPED: &str = "carol@example.com";
const PASSWORD: &str = "Pw-every-flow-9";

/// The remembered device of a `device_claim` vector: `(device, its case)`.
fn vector_device() -> (RememberedDevice, Value) {
    let dev = first_case("device_claim.json");
    let input = &dev["input"];
    let device = RememberedDevice::new(
        text(input, &["device_key"]),
        text(input, &["device_group_key"]),
        Password::from(text(input, &["device_password"])),
    )
    .unwrap();
    (device, dev)
}

fn secret_client() -> UserPoolClient {
    UserPoolClient::new(POOL, CLIENT_ID)
        .unwrap()
        .with_client_secret(ClientSecret::from(CLIENT_SECRET))
}

fn hash(name: &str) -> String {
    oracle::secret_hash(name, CLIENT_ID, CLIENT_SECRET)
}

/// One request: its operation, flow or challenge name, session and exact map.
fn expect(
    step: Step,
    operation: &str,
    name: &str,
    session: Option<&str>,
    pairs: &[(&str, &str)],
) -> Request {
    let (request, params) = sent(step);
    assert_eq!(request.operation(), operation);
    assert_eq!(
        name_and_session(&request),
        (name.to_owned(), session.map(str::to_owned))
    );
    assert_eq!(params, map(pairs.iter().copied()), "{name}");
    request
}

/// The device part every device flow ends with: `DEVICE_SRP_AUTH` → `DEVICE_PASSWORD_VERIFIER`
/// → tokens, with a client secret, asserting both responses exactly.
fn device_srp<R: TryCryptoRng>(
    sign_in: &mut SignIn<R>,
    dev: &Value,
    metadata: &BTreeMap<String, String>,
    operation: &str,
) -> cognito_srp_auth::SignedIn {
    let dinput = &dev["input"];
    let user = text(dinput, &["username"]);
    let key = text(dinput, &["device_key"]);
    let srp_auth = challenge("DEVICE_SRP_AUTH", map([("USERNAME", user)]), Some("d1"));
    let request = expect(
        sign_in.handle(srp_auth, &now(dev)).unwrap(),
        operation,
        "DEVICE_SRP_AUTH",
        Some("d1"),
        &[
            ("USERNAME", user),
            ("DEVICE_KEY", key),
            ("SRP_A", text(dev, &["expected", "SRP_A"])),
            ("SECRET_HASH", &hash(user)),
        ],
    );
    assert_eq!(&request.context().client_metadata, metadata);
    let dpv = challenge(
        "DEVICE_PASSWORD_VERIFIER",
        str_map(&dinput["challenge_parameters"]),
        Some("d2"),
    );
    let (request, params) = sent(sign_in.handle(dpv, &now(dev)).unwrap());
    assert_eq!(request.operation(), operation);
    assert_eq!(
        name_and_session(&request),
        ("DEVICE_PASSWORD_VERIFIER".to_owned(), Some("d2".to_owned()))
    );
    let mut want = str_map(&dev["expected"]);
    want.remove("SRP_A");
    want.insert("SECRET_HASH".into(), hash(user));
    assert_eq!(params, want);
    assert_eq!(&request.context().client_metadata, metadata);
    let end = sign_in
        .handle(ServerAnswer::authenticated(None, None), &now(dev))
        .unwrap();
    let signed_in = done(end);
    assert_eq!(signed_in.username, user);
    assert_eq!(signed_in.device_key.as_deref(), Some(key));
    signed_in
}

#[test]
fn user_password_auth_then_device_srp() {
    let (device, dev) = vector_device();
    let key = text(&dev["input"], &["device_key"]).to_owned();
    for admin in [false, true] {
        let mut sign_in = SignIn::with_rng(
            secret_client(),
            TYPED,
            Password::from(PASSWORD),
            Script::new(&[&a_bytes(&dev)]),
        )
        .with_ephemeral_bytes(128)
        .with_flow(Flow::UserPassword)
        .with_device(RememberedDevice::from_storage_string(&device.to_storage_string()).unwrap());
        let (operation, flow) = if admin {
            sign_in = sign_in.admin();
            ("AdminInitiateAuth", "ADMIN_USER_PASSWORD_AUTH")
        } else {
            ("InitiateAuth", "USER_PASSWORD_AUTH")
        };
        expect(
            sign_in.start().unwrap(),
            operation,
            flow,
            None,
            &[
                ("USERNAME", TYPED),
                ("PASSWORD", PASSWORD),
                ("SECRET_HASH", &hash(TYPED)),
                ("DEVICE_KEY", &key),
            ],
        );
        let respond = if admin {
            "AdminRespondToAuthChallenge"
        } else {
            "RespondToAuthChallenge"
        };
        let _ = device_srp(&mut sign_in, &dev, &BTreeMap::new(), respond);
    }
}

#[test]
fn custom_auth_two_rounds_then_device_srp() {
    let (device, dev) = vector_device();
    let user = text(&dev["input"], &["username"]);
    let key = text(&dev["input"], &["device_key"]);
    let metadata = map([("trigger", "magic-link")]);
    let mut sign_in =
        SignIn::with_rng(secret_client(), TYPED, None, Script::new(&[&a_bytes(&dev)]))
            .with_ephemeral_bytes(128)
            .with_flow(Flow::CustomAuth)
            .with_device(device)
            .with_client_metadata(metadata.clone());
    let request = expect(
        sign_in.start().unwrap(),
        "InitiateAuth",
        "CUSTOM_AUTH",
        None,
        &[
            ("USERNAME", TYPED),
            ("SECRET_HASH", &hash(TYPED)),
            ("DEVICE_KEY", key),
        ],
    );
    assert_eq!(request.context().client_metadata, metadata);
    for (round, answer) in [("c1", "first answer"), ("c2", "second answer")] {
        let custom = challenge(
            "CUSTOM_CHALLENGE",
            map([("USERNAME", user), ("round", round)]),
            Some(round),
        );
        let Step::Ask(question) = sign_in.handle(custom, &now(&dev)).unwrap() else {
            panic!("expected the custom question")
        };
        assert_eq!(
            question,
            Question::CustomChallenge {
                parameters: map([("round", round)])
            }
        );
        let request = expect(
            sign_in.answer(Answer::CustomAnswer(answer.into())).unwrap(),
            "RespondToAuthChallenge",
            "CUSTOM_CHALLENGE",
            Some(round),
            &[
                ("USERNAME", user),
                ("ANSWER", answer),
                ("SECRET_HASH", &hash(user)),
                ("DEVICE_KEY", key),
            ],
        );
        assert_eq!(request.context().client_metadata, metadata);
    }
    let _ = device_srp(&mut sign_in, &dev, &metadata, "RespondToAuthChallenge");
}

#[test]
fn user_auth_without_preference_selects_email_otp() {
    let mut sign_in = SignIn::with_rng(secret_client(), TYPED, None, Script::new(&[]))
        .with_flow(Flow::UserAuth { preferred: None });
    expect(
        sign_in.start().unwrap(),
        "InitiateAuth",
        "USER_AUTH",
        None,
        &[("USERNAME", TYPED), ("SECRET_HASH", &hash(TYPED))],
    );
    let internal = "7a1b2c3d-user-auth";
    let select = ServerAnswer::Challenge(
        Challenge::new("SELECT_CHALLENGE", [("USERNAME", internal)], Some("s1"))
            .with_available_challenges(["PASSWORD_SRP", "EMAIL_OTP", "FUTURE_FACTOR"]),
    );
    let Step::Ask(question) = sign_in.handle(select, &now_of_any()).unwrap() else {
        panic!("expected the first-factor question")
    };
    assert_eq!(
        question,
        Question::SelectChallenge {
            available: vec![FirstFactor::PasswordSrp, FirstFactor::EmailOtp]
        }
    );
    // A factor that was not offered does not fit; the question stays pending.
    assert_eq!(
        sign_in
            .answer(Answer::FirstFactor(FirstFactor::WebAuthn))
            .err(),
        Some(Error::AnswerMismatch)
    );
    expect(
        sign_in
            .answer(Answer::FirstFactor(FirstFactor::EmailOtp))
            .unwrap(),
        "RespondToAuthChallenge",
        "SELECT_CHALLENGE",
        Some("s1"),
        &[
            ("USERNAME", internal),
            ("ANSWER", "EMAIL_OTP"),
            ("SECRET_HASH", &hash(internal)),
        ],
    );
    let otp = challenge(
        "EMAIL_OTP",
        map([
            ("USERNAME", internal),
            ("CODE_DELIVERY_DELIVERY_MEDIUM", "EMAIL"),
            ("CODE_DELIVERY_DESTINATION", "c***@e***"),
        ]),
        Some("s2"),
    );
    let Step::Ask(question) = sign_in.handle(otp, &now_of_any()).unwrap() else {
        panic!("expected the code question")
    };
    assert_eq!(
        question,
        Question::Code {
            challenge: CodeChallenge::EmailOtp,
            delivery_medium: Some("EMAIL".into()),
            destination: Some("c***@e***".into()),
        }
    );
    expect(
        sign_in.answer(Answer::Code("24681357".into())).unwrap(),
        "RespondToAuthChallenge",
        "EMAIL_OTP",
        Some("s2"),
        &[
            ("USERNAME", internal),
            ("EMAIL_OTP_CODE", "24681357"),
            ("SECRET_HASH", &hash(internal)),
        ],
    );
    let end = sign_in
        .handle(ServerAnswer::authenticated(None, None), &now_of_any())
        .unwrap();
    assert_eq!(done(end).username, internal);
}

/// Any instant: these conversations sign nothing.
fn now_of_any() -> cognito_srp_auth::Timestamp {
    now(&first_case("device_claim.json"))
}

#[test]
fn user_auth_preferring_web_authn_passes_the_json_through() {
    let client = UserPoolClient::new(POOL, CLIENT_ID).unwrap();
    let mut sign_in =
        SignIn::with_rng(client, TYPED, None, Script::new(&[])).with_flow(Flow::UserAuth {
            preferred: Some(FirstFactor::WebAuthn),
        });
    expect(
        sign_in.start().unwrap(),
        "InitiateAuth",
        "USER_AUTH",
        None,
        &[("USERNAME", TYPED), ("PREFERRED_CHALLENGE", "WEB_AUTHN")],
    );
    let options = r#"{"challenge":"q1w2e3","rpId":"example.com","allowCredentials":[]}"#;
    let credential = r#"{"id":"cred-1","response":{"signature":"c2ln"},"type":"public-key"}"#;
    let web_authn = challenge(
        "WEB_AUTHN",
        map([("USERNAME", "u-1"), ("CREDENTIAL_REQUEST_OPTIONS", options)]),
        Some("w1"),
    );
    let Step::Ask(question) = sign_in.handle(web_authn, &now_of_any()).unwrap() else {
        panic!("expected the passkey question")
    };
    assert_eq!(
        question,
        Question::WebAuthn {
            credential_request_options: Some(options.into())
        }
    );
    expect(
        sign_in
            .answer(Answer::WebAuthnCredential(credential.into()))
            .unwrap(),
        "RespondToAuthChallenge",
        "WEB_AUTHN",
        Some("w1"),
        &[("USERNAME", "u-1"), ("CREDENTIAL", credential)],
    );
}

#[test]
fn user_auth_with_password_and_sms_otp() {
    let mut sign_in = SignIn::with_rng(
        secret_client(),
        TYPED,
        Password::from(PASSWORD),
        Script::new(&[]),
    )
    .with_flow(Flow::UserAuth {
        preferred: Some(FirstFactor::Password),
    });
    expect(
        sign_in.start().unwrap(),
        "InitiateAuth",
        "USER_AUTH",
        None,
        &[
            ("USERNAME", TYPED),
            ("PREFERRED_CHALLENGE", "PASSWORD"),
            ("PASSWORD", PASSWORD),
            ("SECRET_HASH", &hash(TYPED)),
        ],
    );
    let end = sign_in
        .handle(ServerAnswer::authenticated(None, None), &now_of_any())
        .unwrap();
    assert_eq!(done(end).username, TYPED);

    let mut sign_in = SignIn::with_rng(secret_client(), TYPED, None, Script::new(&[])).with_flow(
        Flow::UserAuth {
            preferred: Some(FirstFactor::SmsOtp),
        },
    );
    expect(
        sign_in.start().unwrap(),
        "InitiateAuth",
        "USER_AUTH",
        None,
        &[
            ("USERNAME", TYPED),
            ("PREFERRED_CHALLENGE", "SMS_OTP"),
            ("SECRET_HASH", &hash(TYPED)),
        ],
    );
    let otp = challenge("SMS_OTP", map([("USERNAME", "u-2")]), Some("o1"));
    let Step::Ask(Question::Code { challenge, .. }) = sign_in.handle(otp, &now_of_any()).unwrap()
    else {
        panic!("expected the code question")
    };
    assert_eq!(challenge, CodeChallenge::SmsOtp);
    expect(
        sign_in.answer(Answer::Code("975310".into())).unwrap(),
        "RespondToAuthChallenge",
        "SMS_OTP",
        Some("o1"),
        &[
            ("USERNAME", "u-2"),
            ("SMS_OTP_CODE", "975310"),
            ("SECRET_HASH", &hash("u-2")),
        ],
    );
}

#[test]
fn password_verifier_sms_mfa_then_device_srp() {
    let case = user_case(false);
    let input = &case["input"];
    let (device, dev) = vector_device();
    let key = text(&dev["input"], &["device_key"]);
    let user = text(&dev["input"], &["username"]);
    let client = UserPoolClient::new(text(input, &["user_pool_id"]), CLIENT_ID)
        .unwrap()
        .with_client_secret(ClientSecret::from(CLIENT_SECRET));
    let mut sign_in = SignIn::with_rng(
        client,
        text(input, &["username"]),
        Password::from(text(input, &["password"])),
        Script::new(&[&a_bytes(&case), &a_bytes(&dev)]),
    )
    .with_ephemeral_bytes(128)
    .with_device(device);
    let typed = text(input, &["username"]);
    expect(
        sign_in.start().unwrap(),
        "InitiateAuth",
        "USER_SRP_AUTH",
        None,
        &[
            ("USERNAME", typed),
            ("SRP_A", text(&case, &["expected", "SRP_A"])),
            ("SECRET_HASH", &hash(typed)),
            ("DEVICE_KEY", key),
        ],
    );
    let pv = challenge(
        "PASSWORD_VERIFIER",
        str_map(&input["challenge_parameters"]),
        None,
    );
    let (_, params) = sent(sign_in.handle(pv, &now(&case)).unwrap());
    let internal = text(input, &["challenge_parameters", "USERNAME"]);
    let mut want = expected_claim(&case);
    want.insert("SECRET_HASH".into(), hash(internal));
    want.insert("DEVICE_KEY".into(), key.to_owned());
    assert_eq!(params, want);
    let mfa = challenge("SMS_MFA", map([("USERNAME", user)]), Some("m1"));
    let Step::Ask(_) = sign_in.handle(mfa, &now(&case)).unwrap() else {
        panic!("expected the code question")
    };
    expect(
        sign_in.answer(Answer::Code("112233".into())).unwrap(),
        "RespondToAuthChallenge",
        "SMS_MFA",
        Some("m1"),
        &[
            ("USERNAME", user),
            ("SMS_MFA_CODE", "112233"),
            ("SECRET_HASH", &hash(user)),
            ("DEVICE_KEY", key),
        ],
    );
    let _ = device_srp(
        &mut sign_in,
        &dev,
        &BTreeMap::new(),
        "RespondToAuthChallenge",
    );
}

#[test]
fn custom_auth_with_a_stale_remembered_device_restarts_without_it() {
    let (device, dev) = vector_device();
    let key = text(&dev["input"], &["device_key"]);
    let mut sign_in = SignIn::with_rng(secret_client(), TYPED, None, Script::new(&[]))
        .with_flow(Flow::CustomAuth)
        .with_device(device);
    expect(
        sign_in.start().unwrap(),
        "InitiateAuth",
        "CUSTOM_AUTH",
        None,
        &[
            ("USERNAME", TYPED),
            ("SECRET_HASH", &hash(TYPED)),
            ("DEVICE_KEY", key),
        ],
    );
    let custom = challenge("CUSTOM_CHALLENGE", map([("USERNAME", "u-3")]), Some("c1"));
    sign_in.handle(custom, &now_of_any()).unwrap();
    expect(
        sign_in.answer(Answer::CustomAnswer("42".into())).unwrap(),
        "RespondToAuthChallenge",
        "CUSTOM_CHALLENGE",
        Some("c1"),
        &[
            ("USERNAME", "u-3"),
            ("ANSWER", "42"),
            ("SECRET_HASH", &hash("u-3")),
            ("DEVICE_KEY", key),
        ],
    );
    // A passwordless flow restarts without the device, with nothing to ask.
    let stale = ServerAnswer::Error {
        code: "ResourceNotFoundException".into(),
        message: "Device does not exist.".into(),
    };
    expect(
        sign_in.handle(stale, &now_of_any()).unwrap(),
        "InitiateAuth",
        "CUSTOM_AUTH",
        None,
        &[("USERNAME", TYPED), ("SECRET_HASH", &hash(TYPED))],
    );
    assert!(sign_in.device_forgotten());
}

#[test]
fn refresh_with_an_alias_a_client_secret_and_a_device() {
    let (device, dev) = vector_device();
    let key = text(&dev["input"], &["device_key"]);
    let user = text(&dev["input"], &["username"]);
    let mut sign_in = SignIn::with_rng(
        secret_client(),
        TYPED,
        Password::from(PASSWORD),
        Script::new(&[&a_bytes(&dev)]),
    )
    .with_ephemeral_bytes(128)
    .with_flow(Flow::UserPassword)
    .with_device(device);
    sign_in.start().unwrap();
    let signed_in = device_srp(
        &mut sign_in,
        &dev,
        &BTreeMap::new(),
        "RespondToAuthChallenge",
    );
    let parameters = signed_in.refresh_token_auth(&secret_client(), "eyJjdHkiOi-refresh");
    assert_eq!(parameters.auth_flow(), "REFRESH_TOKEN_AUTH");
    assert_eq!(
        map(parameters.iter()),
        map([
            ("REFRESH_TOKEN", "eyJjdHkiOi-refresh"),
            ("SECRET_HASH", hash(user).as_str()),
            ("DEVICE_KEY", key),
        ])
    );
    let request = Request::initiate_auth(RequestContext::new(CLIENT_ID), parameters);
    assert_eq!(request.operation(), "InitiateAuth");
    assert_eq!(signed_in.refresh_device_key(), Some(key));
}

#[test]
fn refresh_names_the_new_device() {
    let reg = first_case("device_verifier.json");
    let new_key = text(&reg, &["input", "device_key"]);
    let mut sign_in = SignIn::with_rng(
        secret_client(),
        TYPED,
        Password::from(PASSWORD),
        Script::new(&[
            &unhex(text(&reg, &["input", "password_random_hex"])),
            &unhex(text(&reg, &["input", "salt_random_hex"])),
        ]),
    )
    .with_flow(Flow::UserPassword);
    sign_in.start().unwrap();
    let metadata = NewDeviceMetadata {
        device_key: new_key.to_owned(),
        device_group_key: text(&reg, &["input", "device_group_key"]).to_owned(),
    };
    let end = sign_in
        .handle(
            ServerAnswer::authenticated(Some(metadata), None),
            &now_of_any(),
        )
        .unwrap();
    let signed_in = done(end);
    assert_eq!(signed_in.device_key, None);
    let parameters = signed_in.refresh_token_auth(&secret_client(), "rt");
    assert_eq!(parameters.get("DEVICE_KEY"), Some(new_key));
    assert_eq!(parameters.get("SECRET_HASH"), Some(hash(TYPED).as_str()));
}

#[test]
fn the_password_is_asked_for_when_none_was_given() {
    let case = user_case(false);
    let input = &case["input"];
    let client = UserPoolClient::new(text(input, &["user_pool_id"]), CLIENT_ID).unwrap();
    let typed = text(input, &["username"]);
    let mut sign_in = SignIn::with_rng(client, typed, None, Script::new(&[&a_bytes(&case)]))
        .with_ephemeral_bytes(128);
    let Step::Ask(question) = sign_in.start().unwrap() else {
        panic!("expected the password question")
    };
    assert_eq!(question, Question::Password);
    assert_eq!(
        sign_in.answer(Answer::Code("1".into())).err(),
        Some(Error::AnswerMismatch)
    );
    expect(
        sign_in
            .answer(Answer::Password(Password::from(text(input, &["password"]))))
            .unwrap(),
        "InitiateAuth",
        "USER_SRP_AUTH",
        None,
        &[
            ("USERNAME", typed),
            ("SRP_A", text(&case, &["expected", "SRP_A"])),
        ],
    );
    let pv = challenge(
        "PASSWORD_VERIFIER",
        str_map(&input["challenge_parameters"]),
        None,
    );
    let (_, params) = sent(sign_in.handle(pv, &now(&case)).unwrap());
    assert_eq!(params, expected_claim(&case));

    // USER_PASSWORD_AUTH asks too, and so does PASSWORD chosen at SELECT_CHALLENGE.
    let mut sign_in = SignIn::with_rng(secret_client(), TYPED, None, Script::new(&[]))
        .with_flow(Flow::UserPassword);
    assert!(matches!(sign_in.start(), Ok(Step::Ask(Question::Password))));
    let mut sign_in = SignIn::with_rng(secret_client(), TYPED, None, Script::new(&[]))
        .with_flow(Flow::UserAuth { preferred: None })
        .with_first_factors(&[FirstFactor::Password]);
    sign_in.start().unwrap();
    let select = ServerAnswer::Challenge(
        Challenge::new("SELECT_CHALLENGE", [("USERNAME", "u-4")], Some("s1"))
            .with_available_challenges(["PASSWORD", "EMAIL_OTP"]),
    );
    assert!(matches!(
        sign_in.handle(select, &now_of_any()),
        Ok(Step::Ask(Question::Password))
    ));
    expect(
        sign_in
            .answer(Answer::Password(Password::from(PASSWORD)))
            .unwrap(),
        "RespondToAuthChallenge",
        "SELECT_CHALLENGE",
        Some("s1"),
        &[
            ("USERNAME", "u-4"),
            ("ANSWER", "PASSWORD"),
            ("PASSWORD", PASSWORD),
            ("SECRET_HASH", &hash("u-4")),
        ],
    );
}

#[test]
fn every_kind_of_service_error_is_typed_with_its_message() {
    let cases = [
        ("NotAuthorizedException", ServiceErrorKind::NotAuthorized),
        ("UserNotFoundException", ServiceErrorKind::UserNotFound),
        (
            "UserNotConfirmedException",
            ServiceErrorKind::UserNotConfirmed,
        ),
        (
            "PasswordResetRequiredException",
            ServiceErrorKind::PasswordResetRequired,
        ),
        ("CodeMismatchException", ServiceErrorKind::CodeMismatch),
        ("ExpiredCodeException", ServiceErrorKind::ExpiredCode),
        (
            "TooManyFailedAttemptsException",
            ServiceErrorKind::TooManyFailedAttempts,
        ),
        ("LimitExceededException", ServiceErrorKind::LimitExceeded),
        (
            "InvalidPasswordException",
            ServiceErrorKind::InvalidPassword,
        ),
        (
            "ResourceNotFoundException",
            ServiceErrorKind::ResourceNotFound,
        ),
        (
            "com.amazonaws.cognito#TooManyRequestsException",
            ServiceErrorKind::TooManyRequests,
        ),
        ("UserLambdaValidationException", ServiceErrorKind::Lambda),
        ("BrandNewException", ServiceErrorKind::Other),
    ];
    for (code, kind) in cases {
        let mut sign_in = SignIn::with_rng(
            UserPoolClient::new(POOL, CLIENT_ID).unwrap(),
            TYPED,
            None,
            Script::new(&[]),
        )
        .with_flow(Flow::CustomAuth);
        sign_in.start().unwrap();
        let refusal = ServerAnswer::Error {
            code: code.into(),
            message: format!("message of {code}"),
        };
        assert_eq!(
            sign_in.handle(refusal, &now_of_any()).err(),
            Some(Error::Refused { kind }),
            "{code}"
        );
        let error = sign_in.refusal().cloned().unwrap();
        assert_eq!(
            error,
            ServiceError::new(code, &format!("message of {code}"))
        );
        assert_eq!(error.kind, kind);
        let short = code.rsplit('#').next().unwrap();
        assert_eq!(error.to_string(), format!("{short}: message of {code}"));
        // Debug shows the error's name and Cognito's message: both public.
        assert_eq!(
            format!("{error:?}"),
            format!(
                "ServiceError {{ kind: {kind:?}, code: {code:?}, message: \"message of {code}\" }}"
            )
        );
    }
}

#[test]
fn new_password_required_checks_the_required_attributes_before_sending() {
    let mut sign_in = SignIn::with_rng(
        secret_client(),
        TYPED,
        Password::from(PASSWORD),
        Script::new(&[]),
    )
    .with_flow(Flow::UserPassword);
    sign_in.start().unwrap();
    let npr = challenge(
        "NEW_PASSWORD_REQUIRED",
        map([
            ("USERNAME", "u-5"),
            (
                "requiredAttributes",
                r#"["userAttributes.email","userAttributes.name"]"#,
            ),
            (
                "userAttributes",
                r#"{"email":"c@example.com","email_verified":"true"}"#,
            ),
        ]),
        Some("n1"),
    );
    let Step::Ask(question) = sign_in.handle(npr, &now_of_any()).unwrap() else {
        panic!("expected the new-password question")
    };
    assert_eq!(
        question,
        Question::NewPassword {
            required_attributes: vec!["email".into(), "name".into()],
            user_attributes: [
                ("email".to_owned(), "c@example.com".to_owned()),
                ("email_verified".to_owned(), "true".to_owned()),
            ]
            .into(),
        }
    );
    let answer = |attributes: &[(&str, &str)]| Answer::NewPassword {
        password: Password::from("N3w-Pw!"),
        attributes: attributes
            .iter()
            .map(|&(k, v)| (k.to_owned(), v.to_owned()))
            .collect(),
    };
    assert_eq!(
        sign_in.answer(answer(&[])).err(),
        Some(Error::MissingAttribute)
    );
    assert_eq!(
        sign_in
            .answer(answer(&[("name", "Carol"), ("email", "other@example.com")]))
            .err(),
        Some(Error::AttributeAlreadySet)
    );
    expect(
        sign_in.answer(answer(&[("name", "Carol")])).unwrap(),
        "RespondToAuthChallenge",
        "NEW_PASSWORD_REQUIRED",
        Some("n1"),
        &[
            ("USERNAME", "u-5"),
            ("NEW_PASSWORD", "N3w-Pw!"),
            ("userAttributes.name", "Carol"),
            ("SECRET_HASH", &hash("u-5")),
        ],
    );
}

/// `MFA_SETUP` (TOTP, then email) after `USER_PASSWORD_AUTH` by an alias: the challenge names
/// the user only in `USER_ID_FOR_SRP`, and the response's `USERNAME` and `SECRET_HASH` are
/// that internal name, not the alias typed; so is the signed-in user name.
#[test]
fn mfa_setup_names_the_user_of_user_id_for_srp() {
    for email in [false, true] {
        let mut sign_in = SignIn::with_rng(
            secret_client(),
            TYPED,
            Password::from(PASSWORD),
            Script::new(&[]),
        )
        .with_flow(Flow::UserPassword);
        expect(
            sign_in.start().unwrap(),
            "InitiateAuth",
            "USER_PASSWORD_AUTH",
            None,
            &[
                ("USERNAME", TYPED),
                ("PASSWORD", PASSWORD),
                ("SECRET_HASH", &hash(TYPED)),
            ],
        );
        let options = if email {
            r#"["EMAIL_OTP"]"#
        } else {
            r#"["SOFTWARE_TOKEN_MFA"]"#
        };
        let setup = challenge(
            "MFA_SETUP",
            map([("MFAS_CAN_SETUP", options), ("USER_ID_FOR_SRP", "carol-id")]),
            Some("s1"),
        );
        let Step::Ask(Question::MfaSetup {
            options: offered,
            session,
        }) = sign_in.handle(setup, &now_of_any()).unwrap()
        else {
            panic!("MFA_SETUP is a question")
        };
        assert_eq!(session.as_deref(), Some("s1"));
        let (answer, session, extra) = if email {
            assert_eq!(offered, ["EMAIL_OTP"]);
            let answer = Answer::MfaSetupEmail {
                email: "carol@example.com".into(),
            };
            (answer, "s1", Some(("EMAIL", "carol@example.com")))
        } else {
            assert_eq!(offered, ["SOFTWARE_TOKEN_MFA"]);
            let answer = Answer::MfaSetupTotp {
                session: "verified".into(),
            };
            (answer, "verified", None)
        };
        let mut pairs = vec![("USERNAME", "carol-id")];
        pairs.extend(extra);
        let carol = hash("carol-id");
        pairs.push(("SECRET_HASH", &carol));
        expect(
            sign_in.answer(answer).unwrap(),
            "RespondToAuthChallenge",
            "MFA_SETUP",
            Some(session),
            &pairs,
        );
        let end = sign_in
            .handle(ServerAnswer::authenticated(None, None), &now_of_any())
            .unwrap();
        assert_eq!(done(end).username, "carol-id");
    }
}
