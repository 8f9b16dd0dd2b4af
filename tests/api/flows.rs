//! Scripted server conversations through the `SignIn` state machine, one per flow, each
//! asserting every request exactly. The SRP values come from the shared vectors (picked by
//! their tags, never by id), so the signatures are the four reference clients' values; the
//! expected `SECRET_HASH` values come from the independent oracle.
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

use cognito_srp_auth::{
    Answer, Challenge, ClientSecret, CodeChallenge, ContextData, Error, FirstFactor, Flow,
    NewDeviceMetadata, Password, Question, RememberedDevice, Request, ServerAnswer,
    ServiceErrorKind, SignIn, Step, UserContextData, UserPoolClient,
};

use crate::data::text;
use crate::oracle;
use crate::script::*;

#[test]
fn plain_user_srp() {
    let case = user_case(false);
    let input = &case["input"];
    let client = UserPoolClient::new(text(input, &["user_pool_id"]), CLIENT_ID).unwrap();
    let password = Password::from(text(input, &["password"]));
    let user_context = UserContextData {
        ip_address: Some("198.51.100.7".into()),
        encoded_data: Some("encoded-fingerprint".into()),
    };
    let mut sign_in = SignIn::with_rng(
        client,
        text(input, &["username"]),
        password,
        Script::new(&[&a_bytes(&case)]),
    )
    .with_ephemeral_bytes(128)
    .with_user_context_data(user_context.clone());
    let check_context = |request: &Request| {
        let c = request.context();
        assert_eq!(c.user_pool_id, None);
        assert_eq!(c.client_id, CLIENT_ID);
        assert_eq!(c.user_context_data.as_ref(), Some(&user_context));
        assert!(c.client_metadata.is_empty());
        assert!(c.analytics_metadata.is_none() && c.context_data.is_none());
    };

    let (request, params) = sent(sign_in.start().unwrap());
    check_context(&request);
    assert_eq!(request.operation(), "InitiateAuth");
    assert_eq!(
        name_and_session(&request),
        ("USER_SRP_AUTH".to_owned(), None)
    );
    assert_eq!(request.context().client_id, CLIENT_ID);
    assert_eq!(
        params,
        map([
            ("USERNAME", text(input, &["username"])),
            ("SRP_A", text(&case, &["expected", "SRP_A"]))
        ])
    );

    let pv = challenge(
        "PASSWORD_VERIFIER",
        str_map(&input["challenge_parameters"]),
        None,
    );
    let (request, params) = sent(sign_in.handle(pv, &now(&case)).unwrap());
    check_context(&request);
    assert_eq!(request.operation(), "RespondToAuthChallenge");
    assert_eq!(
        name_and_session(&request),
        ("PASSWORD_VERIFIER".to_owned(), None)
    );
    assert_eq!(params, expected_claim(&case));

    let signed_in = authenticated(&mut sign_in, &case);
    assert_eq!(
        signed_in.username,
        text(input, &["challenge_parameters", "USERNAME"])
    );
    assert!(signed_in.new_device.is_none());
    assert!(!signed_in.forget_stored_device);
    assert!(!format!("{sign_in:?}").contains(text(input, &["password"])));
    // Nothing more to do: further input is out of order.
    assert_eq!(sign_in.start().err(), Some(Error::OutOfOrder));
}

/// An alias sign-in through an app client with a secret, with the `Admin…` operations and
/// every caller-supplied field: the case both existing Rust crates get wrong.
#[test]
fn alias_with_client_secret_admin_and_request_fields() {
    let case = user_case(true);
    let input = &case["input"];
    let typed = text(input, &["username"]);
    let internal = text(input, &["challenge_parameters", "USERNAME"]);
    assert_ne!(typed, internal);
    let pool_id = text(input, &["user_pool_id"]);
    let client = UserPoolClient::new(pool_id, CLIENT_ID)
        .unwrap()
        .with_client_secret(ClientSecret::from(CLIENT_SECRET));
    let metadata = map([("app", "tests"), ("locale", "en")]);
    let context_data = ContextData {
        ip_address: "192.0.2.1".into(),
        server_name: "example.com".into(),
        server_path: "/login".into(),
        http_headers: vec![("User-Agent".into(), "tests".into())],
        encoded_data: None,
    };
    let mut sign_in = SignIn::with_rng(
        client,
        typed,
        Password::from(text(input, &["password"])),
        Script::new(&[&a_bytes(&case)]),
    )
    .with_ephemeral_bytes(128)
    .admin()
    .with_client_metadata(metadata.clone())
    .with_analytics_endpoint_id("endpoint-1")
    .with_context_data(context_data.clone());

    let check_context = |request: &Request| {
        let c = request.context();
        assert_eq!(c.user_pool_id.as_deref(), Some(pool_id));
        assert_eq!(c.client_id, CLIENT_ID);
        assert_eq!(c.client_metadata, metadata);
        assert_eq!(
            c.analytics_metadata
                .as_ref()
                .map(|a| a.analytics_endpoint_id.as_str()),
            Some("endpoint-1")
        );
        assert_eq!(c.context_data.as_ref(), Some(&context_data));
        assert_eq!(c.user_context_data, None);
    };

    let (request, params) = sent(sign_in.start().unwrap());
    assert_eq!(request.operation(), "AdminInitiateAuth");
    check_context(&request);
    let typed_hash = oracle::secret_hash(typed, CLIENT_ID, CLIENT_SECRET);
    assert_eq!(
        params,
        map([
            ("USERNAME", typed),
            ("SRP_A", text(&case, &["expected", "SRP_A"])),
            ("SECRET_HASH", typed_hash.as_str()),
        ])
    );

    let pv = challenge(
        "PASSWORD_VERIFIER",
        str_map(&input["challenge_parameters"]),
        None,
    );
    let (request, params) = sent(sign_in.handle(pv, &now(&case)).unwrap());
    assert_eq!(request.operation(), "AdminRespondToAuthChallenge");
    check_context(&request);
    let internal_hash = oracle::secret_hash(internal, CLIENT_ID, CLIENT_SECRET);
    let mut want = expected_claim(&case);
    want.insert("SECRET_HASH".into(), internal_hash.clone());
    assert_eq!(params, want);
    assert_eq!(params["USERNAME"], internal);

    authenticated(&mut sign_in, &case);
}

/// SMS MFA after SRP, then `NewDeviceMetadata`: the device is registered with the draws of a
/// `device_verifier` vector, so its `ConfirmDevice` values are the reference clients'.
#[test]
fn mfa_after_srp_then_new_device() {
    let case = user_case(true);
    let input = &case["input"];
    let internal = text(input, &["challenge_parameters", "USERNAME"]);
    let reg = first_case("device_verifier.json");
    let client = UserPoolClient::new(text(input, &["user_pool_id"]), CLIENT_ID)
        .unwrap()
        .with_client_secret(ClientSecret::from(CLIENT_SECRET));
    let script = Script::new(&[
        &a_bytes(&case),
        &unhex(text(&reg, &["input", "password_random_hex"])),
        &unhex(text(&reg, &["input", "salt_random_hex"])),
    ]);
    let mut sign_in = SignIn::with_rng(
        client,
        text(input, &["username"]),
        Password::from(text(input, &["password"])),
        script,
    )
    .with_ephemeral_bytes(128);
    sent(sign_in.start().unwrap());
    let pv = challenge(
        "PASSWORD_VERIFIER",
        str_map(&input["challenge_parameters"]),
        None,
    );
    sent(sign_in.handle(pv, &now(&case)).unwrap());

    let mfa = challenge(
        "SMS_MFA",
        map([
            ("CODE_DELIVERY_DELIVERY_MEDIUM", "SMS"),
            ("CODE_DELIVERY_DESTINATION", "+*******0100"),
            ("USERNAME", internal),
        ]),
        Some("session-mfa"),
    );
    let Step::Ask(question) = sign_in.handle(mfa, &now(&case)).unwrap() else {
        panic!()
    };
    assert_eq!(
        question,
        Question::Code {
            challenge: CodeChallenge::SmsMfa,
            delivery_medium: Some("SMS".into()),
            destination: Some("+*******0100".into()),
        }
    );
    // A wrong kind of answer keeps the question pending.
    assert_eq!(
        sign_in.answer(Answer::MfaType("SMS_MFA".into())).err(),
        Some(Error::AnswerMismatch)
    );
    assert_eq!(
        sign_in
            .handle(ServerAnswer::authenticated(None, None), &now(&case))
            .err(),
        Some(Error::OutOfOrder)
    );
    let (request, params) = sent(sign_in.answer(Answer::Code("123456".into())).unwrap());
    assert_eq!(
        name_and_session(&request),
        ("SMS_MFA".to_owned(), Some("session-mfa".to_owned()))
    );
    let hash = oracle::secret_hash(internal, CLIENT_ID, CLIENT_SECRET);
    assert_eq!(
        params,
        map([
            ("USERNAME", internal),
            ("SMS_MFA_CODE", "123456"),
            ("SECRET_HASH", hash.as_str())
        ])
    );

    let metadata = NewDeviceMetadata {
        device_key: text(&reg, &["input", "device_key"]).to_owned(),
        device_group_key: text(&reg, &["input", "device_group_key"]).to_owned(),
    };
    let signed_in = done(
        sign_in
            .handle(
                ServerAnswer::authenticated(Some(metadata), None),
                &now(&case),
            )
            .unwrap(),
    );
    let new_device = signed_in.new_device.expect("a device to confirm");
    let cfg = &reg["expected"]["DeviceSecretVerifierConfig"];
    assert_eq!(new_device.config.salt(), text(cfg, &["Salt"]));
    assert_eq!(
        new_device.config.password_verifier(),
        text(cfg, &["PasswordVerifier"])
    );
    assert_eq!(
        new_device.device.device_key(),
        text(&reg, &["input", "device_key"])
    );
    assert_eq!(
        new_device.device.to_storage_string().rsplit(' ').next(),
        Some(text(&reg, &["expected", "DeviceRandomPassword"]))
    );
}

/// `PASSWORD_VERIFIER` → `DEVICE_SRP_AUTH` → `DEVICE_PASSWORD_VERIFIER` with a remembered
/// device: `DEVICE_KEY` in every request, the device claim of a `device_claim` vector.
#[test]
fn device_srp_after_password_verifier() {
    let case = user_case(false);
    let input = &case["input"];
    let dev = first_case("device_claim.json");
    let dinput = &dev["input"];
    let device_key = text(dinput, &["device_key"]);
    let device = RememberedDevice::new(
        device_key,
        text(dinput, &["device_group_key"]),
        Password::from(text(dinput, &["device_password"])),
    )
    .unwrap();
    let client = UserPoolClient::new(text(input, &["user_pool_id"]), CLIENT_ID).unwrap();
    let mut sign_in = user_sign_in(
        &case,
        client,
        Script::new(&[&a_bytes(&case), &a_bytes(&dev)]),
    )
    .with_device(device);

    let (_, params) = sent(sign_in.start().unwrap());
    assert_eq!(
        params.get("DEVICE_KEY").map(String::as_str),
        Some(device_key)
    );

    let pv = challenge(
        "PASSWORD_VERIFIER",
        str_map(&input["challenge_parameters"]),
        None,
    );
    let (_, params) = sent(sign_in.handle(pv, &now(&case)).unwrap());
    let mut want = expected_claim(&case);
    want.insert("DEVICE_KEY".into(), device_key.to_owned());
    assert_eq!(params, want);

    let device_user = text(dinput, &["username"]);
    let srp_auth = challenge(
        "DEVICE_SRP_AUTH",
        map([("USERNAME", device_user)]),
        Some("session-d1"),
    );
    let (request, params) = sent(sign_in.handle(srp_auth, &now(&dev)).unwrap());
    assert_eq!(
        name_and_session(&request),
        ("DEVICE_SRP_AUTH".to_owned(), Some("session-d1".to_owned()))
    );
    assert_eq!(
        params,
        map([
            ("USERNAME", device_user),
            ("DEVICE_KEY", device_key),
            ("SRP_A", text(&dev, &["expected", "SRP_A"]))
        ])
    );

    let dpv = challenge(
        "DEVICE_PASSWORD_VERIFIER",
        str_map(&dinput["challenge_parameters"]),
        Some("session-d2"),
    );
    let (request, params) = sent(sign_in.handle(dpv, &now(&dev)).unwrap());
    assert_eq!(
        name_and_session(&request),
        (
            "DEVICE_PASSWORD_VERIFIER".to_owned(),
            Some("session-d2".to_owned())
        )
    );
    assert_eq!(params, expected_claim(&dev));

    let signed_in = done(
        sign_in
            .handle(ServerAnswer::authenticated(None, None), &now(&dev))
            .unwrap(),
    );
    assert_eq!(signed_in.username, device_user);
}

#[test]
fn custom_auth_with_srp() {
    let case = user_case(false);
    let input = &case["input"];
    let internal = text(input, &["challenge_parameters", "USERNAME"]);
    let client = UserPoolClient::new(text(input, &["user_pool_id"]), CLIENT_ID).unwrap();
    let mut sign_in = user_sign_in(&case, client, Script::new(&[&a_bytes(&case)]))
        .with_flow(Flow::CustomAuthWithSrp);

    let (request, params) = sent(sign_in.start().unwrap());
    assert_eq!(name_and_session(&request).0, "CUSTOM_AUTH");
    assert_eq!(
        params,
        map([
            ("USERNAME", text(input, &["username"])),
            ("SRP_A", text(&case, &["expected", "SRP_A"])),
            ("CHALLENGE_NAME", "SRP_A"),
        ])
    );
    let pv = challenge(
        "PASSWORD_VERIFIER",
        str_map(&input["challenge_parameters"]),
        Some("session-c1"),
    );
    let (request, params) = sent(sign_in.handle(pv, &now(&case)).unwrap());
    assert_eq!(name_and_session(&request).1.as_deref(), Some("session-c1"));
    assert_eq!(params, expected_claim(&case));

    let custom = challenge(
        "CUSTOM_CHALLENGE",
        map([("USERNAME", internal), ("question", "2+2")]),
        Some("session-c2"),
    );
    let Step::Ask(question) = sign_in.handle(custom, &now(&case)).unwrap() else {
        panic!()
    };
    assert_eq!(
        question,
        Question::CustomChallenge {
            parameters: map([("question", "2+2")])
        }
    );
    let (request, params) = sent(sign_in.answer(Answer::CustomAnswer("4".into())).unwrap());
    assert_eq!(
        name_and_session(&request),
        ("CUSTOM_CHALLENGE".to_owned(), Some("session-c2".to_owned()))
    );
    assert_eq!(params, map([("USERNAME", internal), ("ANSWER", "4")]));
    authenticated(&mut sign_in, &case);
}

#[test]
fn user_auth_with_password_srp() {
    let case = user_case(false);
    let input = &case["input"];
    let client = UserPoolClient::new(text(input, &["user_pool_id"]), CLIENT_ID).unwrap();
    let mut sign_in =
        user_sign_in(&case, client, Script::new(&[&a_bytes(&case)])).with_flow(Flow::UserAuth {
            preferred: Some(FirstFactor::PasswordSrp),
        });
    let (request, params) = sent(sign_in.start().unwrap());
    assert_eq!(name_and_session(&request).0, "USER_AUTH");
    assert_eq!(
        params,
        map([
            ("USERNAME", text(input, &["username"])),
            ("PREFERRED_CHALLENGE", "PASSWORD_SRP"),
            ("SRP_A", text(&case, &["expected", "SRP_A"])),
        ])
    );
    let pv = challenge(
        "PASSWORD_VERIFIER",
        str_map(&input["challenge_parameters"]),
        Some("session-u1"),
    );
    let (_, params) = sent(sign_in.handle(pv, &now(&case)).unwrap());
    assert_eq!(params, expected_claim(&case));
    authenticated(&mut sign_in, &case);
}

/// `USER_AUTH` answered with `SELECT_CHALLENGE`: the machine picks `PASSWORD_SRP` with a fresh
/// ephemeral, and that ephemeral answers the `PASSWORD_VERIFIER`.
#[test]
fn user_auth_select_challenge_picks_password_srp() {
    let case = user_case(false);
    let input = &case["input"];
    let typed = text(input, &["username"]);
    let client = UserPoolClient::new(text(input, &["user_pool_id"]), CLIENT_ID).unwrap();
    let first_a = [0x11u8; 128];
    let mut sign_in = SignIn::with_rng(
        client,
        typed,
        Password::from(text(input, &["password"])),
        Script::new(&[&first_a, &a_bytes(&case)]),
    )
    .with_ephemeral_bytes(128)
    .with_flow(Flow::UserAuth {
        preferred: Some(FirstFactor::PasswordSrp),
    });
    sent(sign_in.start().unwrap());
    let select = ServerAnswer::Challenge(
        Challenge::new(
            "SELECT_CHALLENGE",
            BTreeMap::<String, String>::new(),
            Some("session-s1"),
        )
        .with_available_challenges(["EMAIL_OTP", "PASSWORD_SRP"]),
    );
    let (request, params) = sent(sign_in.handle(select, &now(&case)).unwrap());
    assert_eq!(
        name_and_session(&request),
        ("SELECT_CHALLENGE".to_owned(), Some("session-s1".to_owned()))
    );
    assert_eq!(
        params,
        map([
            ("USERNAME", typed),
            ("ANSWER", "PASSWORD_SRP"),
            ("SRP_A", text(&case, &["expected", "SRP_A"]))
        ])
    );
    let pv = challenge(
        "PASSWORD_VERIFIER",
        str_map(&input["challenge_parameters"]),
        Some("session-s2"),
    );
    let (_, params) = sent(sign_in.handle(pv, &now(&case)).unwrap());
    assert_eq!(params, expected_claim(&case));
}

#[test]
fn new_password_required() {
    let case = user_case(false);
    let input = &case["input"];
    let internal = text(input, &["challenge_parameters", "USERNAME"]);
    let client = UserPoolClient::new(text(input, &["user_pool_id"]), CLIENT_ID)
        .unwrap()
        .with_client_secret(ClientSecret::from(CLIENT_SECRET));
    let mut sign_in = user_sign_in(&case, client, Script::new(&[&a_bytes(&case)]));
    sent(sign_in.start().unwrap());
    let pv = challenge(
        "PASSWORD_VERIFIER",
        str_map(&input["challenge_parameters"]),
        None,
    );
    sent(sign_in.handle(pv, &now(&case)).unwrap());
    // The password is no longer held once the claim is answered (no device to restart with).
    assert!(format!("{sign_in:?}").contains("holds_password: false"));

    let npr = challenge(
        "NEW_PASSWORD_REQUIRED",
        map([
            ("USERNAME", internal),
            ("userAttributes", r#"{"email":"a@example.com"}"#),
            (
                "requiredAttributes",
                r#"["userAttributes.name","userAttributes.family_name"]"#,
            ),
        ]),
        Some("session-n1"),
    );
    let Step::Ask(question) = sign_in.handle(npr, &now(&case)).unwrap() else {
        panic!()
    };
    assert_eq!(
        question,
        Question::NewPassword {
            required_attributes: vec!["name".into(), "family_name".into()],
            user_attributes: [("email".to_owned(), "a@example.com".to_owned())].into(),
        }
    );
    let answer = Answer::NewPassword {
        password: Password::from("N3w-password!"),
        attributes: vec![
            ("name".into(), "Alice".into()),
            ("userAttributes.family_name".into(), "Liddell".into()),
        ],
    };
    let (request, params) = sent(sign_in.answer(answer).unwrap());
    assert_eq!(
        name_and_session(&request),
        (
            "NEW_PASSWORD_REQUIRED".to_owned(),
            Some("session-n1".to_owned())
        )
    );
    let hash = oracle::secret_hash(internal, CLIENT_ID, CLIENT_SECRET);
    assert_eq!(
        params,
        map([
            ("USERNAME", internal),
            ("NEW_PASSWORD", "N3w-password!"),
            ("userAttributes.name", "Alice"),
            ("userAttributes.family_name", "Liddell"),
            ("SECRET_HASH", hash.as_str()),
        ])
    );
    assert!(!format!("{request:?}").contains("N3w-password!"));
    authenticated(&mut sign_in, &case);
}

/// "Device does not exist.": the device is dropped and the sign-in starts again without it,
/// with a fresh ephemeral; the caller learns to delete the stored device.
#[test]
fn stale_device_restarts_without_it() {
    let case = user_case(false);
    let input = &case["input"];
    let device = RememberedDevice::new(
        "us-east-1_00000000-dead-beef-0000-000000000000",
        "-Gone1",
        Password::from("cGFzcw=="),
    )
    .unwrap();
    let client = UserPoolClient::new(text(input, &["user_pool_id"]), CLIENT_ID).unwrap();
    let mut sign_in = user_sign_in(
        &case,
        client,
        Script::new(&[&[0x22u8; 128], &a_bytes(&case)]),
    )
    .with_device(device);
    let (_, params) = sent(sign_in.start().unwrap());
    assert!(params.contains_key("DEVICE_KEY"));

    let stale = ServerAnswer::Error {
        code: "ResourceNotFoundException".into(),
        message: "Device does not exist.".into(),
    };
    let (request, params) = sent(sign_in.handle(stale, &now(&case)).unwrap());
    assert_eq!(request.operation(), "InitiateAuth");
    assert!(sign_in.device_forgotten());
    assert_eq!(
        params,
        map([
            ("USERNAME", text(input, &["username"])),
            ("SRP_A", text(&case, &["expected", "SRP_A"]))
        ])
    );
    let pv = challenge(
        "PASSWORD_VERIFIER",
        str_map(&input["challenge_parameters"]),
        None,
    );
    let (_, params) = sent(sign_in.handle(pv, &now(&case)).unwrap());
    assert_eq!(params, expected_claim(&case));
    let signed_in = authenticated(&mut sign_in, &case);
    assert!(signed_in.forget_stored_device);
}

#[test]
fn unexpected_and_unknown_challenges() {
    let case = user_case(false);
    let input = &case["input"];
    let make = || {
        let client = UserPoolClient::new(text(input, &["user_pool_id"]), CLIENT_ID).unwrap();
        let mut s = user_sign_in(
            &case,
            client,
            Script::new(&[&a_bytes(&case), &[0x33u8; 128]]),
        );
        sent(s.start().unwrap());
        s
    };
    // Device challenges without a device.
    let mut s = make();
    assert_eq!(
        s.handle(
            challenge("DEVICE_SRP_AUTH", BTreeMap::new(), None),
            &now(&case)
        )
        .err(),
        Some(Error::UnexpectedChallenge {
            name: "DEVICE_SRP_AUTH"
        })
    );
    let mut s = make();
    assert_eq!(
        s.handle(
            challenge("DEVICE_PASSWORD_VERIFIER", BTreeMap::new(), None),
            &now(&case)
        )
        .err(),
        Some(Error::UnexpectedChallenge {
            name: "DEVICE_PASSWORD_VERIFIER"
        })
    );
    // A second PASSWORD_VERIFIER: no SRP_A asked for it.
    let mut s = make();
    let pv = || {
        challenge(
            "PASSWORD_VERIFIER",
            str_map(&input["challenge_parameters"]),
            None,
        )
    };
    sent(s.handle(pv(), &now(&case)).unwrap());
    assert_eq!(
        s.handle(pv(), &now(&case)).err(),
        Some(Error::UnexpectedChallenge {
            name: "PASSWORD_VERIFIER"
        })
    );
    // A missing parameter.
    let mut s = make();
    let mut params = str_map(&input["challenge_parameters"]);
    params.remove("SRP_B");
    assert_eq!(
        s.handle(challenge("PASSWORD_VERIFIER", params, None), &now(&case))
            .err(),
        Some(Error::MissingParameter { name: "SRP_B" })
    );
    // An unknown challenge is handed to the caller, who answers it.
    let mut s = make();
    let Step::Ask(Question::Unknown(c)) = s
        .handle(
            challenge("FUTURE_CHALLENGE", map([("hint", "x")]), Some("session-f")),
            &now(&case),
        )
        .unwrap()
    else {
        panic!()
    };
    assert_eq!(c.name, "FUTURE_CHALLENGE");
    let (request, params) = sent(
        s.answer(Answer::Responses(vec![(
            "FUTURE_ANSWER".into(),
            "42".into(),
        )]))
        .unwrap(),
    );
    assert_eq!(
        name_and_session(&request),
        ("FUTURE_CHALLENGE".to_owned(), Some("session-f".to_owned()))
    );
    assert_eq!(
        params,
        map([
            ("USERNAME", text(input, &["username"])),
            ("FUTURE_ANSWER", "42")
        ])
    );
    // Other service errors end the sign-in.
    let mut s = make();
    let refused = ServerAnswer::Error {
        code: "NotAuthorizedException".into(),
        message: "Incorrect username or password.".into(),
    };
    assert_eq!(
        s.handle(refused, &now(&case)).err(),
        Some(Error::Refused {
            kind: ServiceErrorKind::NotAuthorized
        })
    );
    // Out of order: an answer with no question pending.
    let mut s = make();
    assert_eq!(
        s.answer(Answer::Code("1".into())).err(),
        Some(Error::OutOfOrder)
    );
    assert_eq!(s.start().err(), Some(Error::OutOfOrder));
}

#[test]
fn mfa_setup_select_mfa_type_and_select_challenge_questions() {
    let case = user_case(false);
    let input = &case["input"];
    let internal = text(input, &["challenge_parameters", "USERNAME"]);
    let client = UserPoolClient::new(text(input, &["user_pool_id"]), CLIENT_ID).unwrap();
    let mut s = user_sign_in(&case, client, Script::new(&[&a_bytes(&case)]));
    sent(s.start().unwrap());
    sent(
        s.handle(
            challenge(
                "PASSWORD_VERIFIER",
                str_map(&input["challenge_parameters"]),
                None,
            ),
            &now(&case),
        )
        .unwrap(),
    );

    let select = challenge(
        "SELECT_MFA_TYPE",
        map([
            ("MFAS_CAN_CHOOSE", r#"["SMS_MFA","SOFTWARE_TOKEN_MFA"]"#),
            ("USERNAME", internal),
        ]),
        Some("session-m1"),
    );
    let Step::Ask(q) = s.handle(select, &now(&case)).unwrap() else {
        panic!()
    };
    assert_eq!(
        q,
        Question::SelectMfaType {
            options: vec!["SMS_MFA".into(), "SOFTWARE_TOKEN_MFA".into()]
        }
    );
    let (_, params) = sent(
        s.answer(Answer::MfaType("SOFTWARE_TOKEN_MFA".into()))
            .unwrap(),
    );
    assert_eq!(
        params,
        map([("USERNAME", internal), ("ANSWER", "SOFTWARE_TOKEN_MFA")])
    );

    let setup = challenge(
        "MFA_SETUP",
        map([("MFAS_CAN_SETUP", r#"["SOFTWARE_TOKEN_MFA"]"#)]),
        Some("session-m2"),
    );
    let Step::Ask(q) = s.handle(setup, &now(&case)).unwrap() else {
        panic!()
    };
    assert_eq!(
        q,
        Question::MfaSetup {
            options: vec!["SOFTWARE_TOKEN_MFA".into()],
            session: Some("session-m2".into())
        }
    );
    let (request, params) = sent(
        s.answer(Answer::MfaSetupTotp {
            session: "session-from-verify".into(),
        })
        .unwrap(),
    );
    assert_eq!(
        name_and_session(&request),
        (
            "MFA_SETUP".to_owned(),
            Some("session-from-verify".to_owned())
        )
    );
    assert_eq!(params, map([("USERNAME", internal)]));

    let bad = challenge(
        "SELECT_MFA_TYPE",
        map([("MFAS_CAN_CHOOSE", "SMS_MFA")]),
        None,
    );
    assert_eq!(
        s.handle(bad, &now(&case)).err(),
        Some(Error::MalformedParameter {
            name: "MFAS_CAN_CHOOSE"
        })
    );

    // SELECT_CHALLENGE without PASSWORD_SRP on offer: the user picks.
    let client = UserPoolClient::new(text(input, &["user_pool_id"]), CLIENT_ID).unwrap();
    let mut s = SignIn::with_rng(
        client,
        "alice",
        Password::from("pw"),
        Script::new(&[&[0x44u8; 128]]),
    )
    .with_flow(Flow::UserAuth {
        preferred: Some(FirstFactor::PasswordSrp),
    });
    sent(s.start().unwrap());
    let select = ServerAnswer::Challenge(
        Challenge::new(
            "SELECT_CHALLENGE",
            BTreeMap::<String, String>::new(),
            Some("session-x"),
        )
        .with_available_challenges(["EMAIL_OTP", "WEB_AUTHN"]),
    );
    let Step::Ask(q) = s.handle(select, &now(&case)).unwrap() else {
        panic!()
    };
    assert_eq!(
        q,
        Question::SelectChallenge {
            available: vec![FirstFactor::EmailOtp, FirstFactor::WebAuthn]
        }
    );
    let (_, params) = sent(
        s.answer(Answer::FirstFactor(FirstFactor::EmailOtp))
            .unwrap(),
    );
    assert_eq!(
        params,
        map([("USERNAME", "alice"), ("ANSWER", "EMAIL_OTP")])
    );
    let otp = challenge(
        "EMAIL_OTP",
        map([("CODE_DELIVERY_DELIVERY_MEDIUM", "EMAIL")]),
        Some("session-y"),
    );
    let Step::Ask(Question::Code {
        challenge: CodeChallenge::EmailOtp,
        ..
    }) = s.handle(otp, &now(&case)).unwrap()
    else {
        panic!()
    };
    let (_, params) = sent(s.answer(Answer::Code("87654321".into())).unwrap());
    assert_eq!(
        params,
        map([("USERNAME", "alice"), ("EMAIL_OTP_CODE", "87654321")])
    );
}
