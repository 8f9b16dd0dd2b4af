//! Regression tests of the second hardening round: each test replays an attack on the public
//! API (a hostile server, a hostile client of the offline pool, a careless caller) and asserts
//! the exact outcome. Each of them failed on the code before the fix.
#![cfg(all(feature = "hazmat", feature = "server"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::panic_in_result_fn,
    clippy::indexing_slicing,
    clippy::std_instead_of_core,
    clippy::std_instead_of_alloc
)]

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Duration, TimeZone, Utc};
use cognito_srp_auth::rand_core::{TryCryptoRng, TryRng};
use cognito_srp_auth::server::{DeviceVerifier, UserPool, UserPoolConfig};
use cognito_srp_auth::{
    Answer, Challenge, ClientSecret, ContextData, DeviceSecretVerifierConfig, Error, FirstFactor,
    Flow, NewDeviceMetadata, Password, PasswordVerifierChallenge, Question, RememberedDevice,
    Request, Responder, ServerAnswer, ServiceErrorKind, SignIn, Step, Timestamp, UserContextData,
    UserPoolClient,
};
use num_bigint::BigUint;
use rand::SeedableRng;
use rand::rngs::StdRng;

use crate::oracle;

const POOL: &str = "eu-west-1_Harden1";
const CLIENT_ID: &str = "hardening-client";
const CLIENT_SECRET: &str = "hardening-client-secret-0123456789";
const USER: &str = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const EMAIL: &str = "carol@example.com";
const PASSWORD: &str = "Pw-7bT!q3-never-on-the-wire";
const DEVICE_KEY: &str = "eu-west-1_0a0b0c0d-1111-2222-3333-444455556666";
const DEVICE_GROUP: &str = "-HardGrp";
const DEVICE_PASSWORD: &str = "ZGV2aWNlLXBhc3N3b3JkLWhhcmRlbmluZw==";

/// Public SRP challenge values that parse (`B` is not 0 mod N).
const SALT: &str = "8ce8291892390f6b53a245933faf6164";
const SRP_B: &str = "a56b56b665a9a51e";
const SECRET_BLOCK: &str = "c2VjcmV0";

fn instant() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap()
}

fn now() -> Timestamp {
    Timestamp::from(instant())
}

fn client() -> UserPoolClient {
    UserPoolClient::new(POOL, CLIENT_ID).unwrap()
}

fn device() -> RememberedDevice {
    RememberedDevice::new(DEVICE_KEY, DEVICE_GROUP, Password::from(DEVICE_PASSWORD)).unwrap()
}

fn sign_in(flow: Flow) -> SignIn<StdRng> {
    SignIn::with_rng(
        client(),
        USER,
        Password::from(PASSWORD),
        StdRng::seed_from_u64(12),
    )
    .with_flow(flow)
}

fn challenge(name: &str, params: &[(&str, &str)], session: Option<&str>) -> ServerAnswer {
    ServerAnswer::Challenge(Challenge::new(
        name,
        params.iter().map(|&(k, v)| (k, v)),
        session,
    ))
}

fn password_verifier() -> ServerAnswer {
    challenge(
        "PASSWORD_VERIFIER",
        &[
            ("SALT", SALT),
            ("SRP_B", SRP_B),
            ("SECRET_BLOCK", SECRET_BLOCK),
            ("USER_ID_FOR_SRP", USER),
            ("USERNAME", USER),
        ],
        None,
    )
}

fn device_password_verifier() -> ServerAnswer {
    challenge(
        "DEVICE_PASSWORD_VERIFIER",
        &[
            ("SALT", SALT),
            ("SRP_B", SRP_B),
            ("SECRET_BLOCK", SECRET_BLOCK),
            ("USERNAME", USER),
            ("DEVICE_KEY", DEVICE_KEY),
        ],
        Some("device-session"),
    )
}

/// Every value of a request.
fn values(request: &Request) -> Vec<String> {
    match request {
        Request::InitiateAuth(r) => r
            .auth_parameters
            .iter()
            .map(|(_, v)| v.to_owned())
            .collect(),
        Request::RespondToAuthChallenge(r) => r
            .challenge_responses
            .iter()
            .map(|(_, v)| v.to_owned())
            .collect(),
    }
}

fn sent(step: &Step) -> &Request {
    match step {
        Step::Send(request) => request,
        other => panic!("expected a request, got {other:?}"),
    }
}

fn challenge_name_of(step: &Step) -> &str {
    match sent(step) {
        Request::RespondToAuthChallenge(r) => r.challenge_responses.challenge_name(),
        other => panic!("expected a RespondToAuthChallenge, got {other:?}"),
    }
}

// --- 1. Password downgrade -------------------------------------------------------------------

#[test]
fn password_challenge_in_an_srp_sign_in_is_a_downgrade_error() {
    for flow in [
        Flow::UserSrp,
        Flow::CustomAuthWithSrp,
        Flow::UserAuth {
            preferred: Some(FirstFactor::PasswordSrp),
        },
    ] {
        // Right after InitiateAuth.
        let mut s = sign_in(flow);
        let first = s.start().unwrap();
        assert!(!values(sent(&first)).iter().any(|v| v == PASSWORD));
        let step = s.handle(challenge("PASSWORD", &[("USERNAME", USER)], None), &now());
        assert_eq!(step.err(), Some(Error::PasswordDowngrade), "{flow:?}");
        // After the SRP claim, with a remembered device (the password is still held then).
        let mut s = sign_in(flow).with_device(device());
        s.start().unwrap();
        let claim = s.handle(password_verifier(), &now()).unwrap();
        assert_eq!(challenge_name_of(&claim), "PASSWORD_VERIFIER");
        let step = s.handle(
            challenge("PASSWORD", &[("USERNAME", USER)], Some("s")),
            &now(),
        );
        assert_eq!(step.err(), Some(Error::PasswordDowngrade), "{flow:?}");
        // The machine is finished: nothing more goes out.
        assert_eq!(
            s.handle(challenge("PASSWORD", &[], None), &now()).err(),
            Some(Error::OutOfOrder)
        );
    }
}

#[test]
fn password_is_sent_only_when_the_caller_chooses_it() {
    let mut s = sign_in(Flow::UserAuth {
        preferred: Some(FirstFactor::PasswordSrp),
    });
    s.start().unwrap();
    let select = ServerAnswer::Challenge(
        Challenge::new("SELECT_CHALLENGE", [("USERNAME", USER)], Some("s1"))
            .with_available_challenges(["PASSWORD", "EMAIL_OTP"]),
    );
    let Step::Ask(Question::SelectChallenge { available }) = s.handle(select, &now()).unwrap()
    else {
        panic!("expected the first-factor question");
    };
    assert_eq!(available, [FirstFactor::Password, FirstFactor::EmailOtp]);
    let step = s
        .answer(Answer::FirstFactor(FirstFactor::Password))
        .unwrap();
    let Request::RespondToAuthChallenge(r) = sent(&step) else {
        panic!("expected a response");
    };
    assert_eq!(r.challenge_responses.get("ANSWER"), Some("PASSWORD"));
    assert_eq!(r.challenge_responses.get("PASSWORD"), Some(PASSWORD));
}

// --- 2. Debug prints no bearer value ------------------------------------------------------------

const SESSION: &str = "SESSION-bearer-7f3a9c";
const ENCODED: &str = "ENCODED-data-91bd0e";
const HEADER_VALUE: &str = "cookie-token-55aa11";
const METADATA_VALUE: &str = "captcha-token-33cc77";
const CUSTOM_VALUE: &str = "custom-param-value-8d2e";

fn assert_redacted(printed: &str, what: &str) {
    for secret in [
        SESSION,
        ENCODED,
        HEADER_VALUE,
        METADATA_VALUE,
        CUSTOM_VALUE,
        PASSWORD,
    ] {
        assert!(
            !printed.contains(secret),
            "{what} prints {secret}: {printed}"
        );
    }
    assert!(printed.contains("<redacted>"), "{what}: {printed}");
}

#[test]
fn debug_redacts_sessions_secret_hash_and_context_data() {
    let secret_client = || client().with_client_secret(ClientSecret::from(CLIENT_SECRET));
    let hash = secret_client().secret_hash(USER).unwrap();
    let metadata = BTreeMap::from([("captcha".to_owned(), METADATA_VALUE.to_owned())]);
    let user_context = UserContextData {
        ip_address: Some("192.0.2.1".into()),
        encoded_data: Some(ENCODED.into()),
    };
    let admin_context = ContextData {
        ip_address: "192.0.2.1".into(),
        server_name: "example.com".into(),
        server_path: "/login".into(),
        http_headers: vec![("Cookie".into(), HEADER_VALUE.into())],
        encoded_data: Some(ENCODED.into()),
    };
    assert_redacted(&format!("{user_context:?}"), "UserContextData");
    assert_redacted(&format!("{admin_context:#?}"), "ContextData");

    let mut s = SignIn::with_rng(
        secret_client(),
        USER,
        Password::from(PASSWORD),
        StdRng::seed_from_u64(3),
    )
    .with_client_metadata(metadata)
    .with_user_context_data(user_context);
    let first = s.start().unwrap();
    let printed = format!("{first:?}");
    assert_redacted(&printed, "Step::Send(InitiateAuth)");
    assert!(!printed.contains(&hash), "SECRET_HASH printed: {printed}");
    assert_redacted(&format!("{:?}", sent(&first).context()), "RequestContext");

    // A challenge with a session and a custom parameter, and the request that answers it.
    let custom = challenge(
        "CUSTOM_CHALLENGE",
        &[("USERNAME", USER), ("magic", CUSTOM_VALUE)],
        Some(SESSION),
    );
    assert_redacted(&format!("{custom:?}"), "ServerAnswer::Challenge");
    let question = s.handle(custom, &now()).unwrap();
    assert_redacted(&format!("{question:?}"), "Question::CustomChallenge");
    let response = s.answer(Answer::CustomAnswer("42".into())).unwrap();
    let printed = format!("{response:#?}");
    assert_redacted(&printed, "Step::Send(RespondToAuthChallenge)");
    assert!(printed.contains(USER), "{printed}");
    let hash = secret_client().secret_hash(USER).unwrap();
    assert!(!printed.contains(&hash), "SECRET_HASH printed: {printed}");

    // MFA_SETUP: the session lets whoever holds it enrol an authenticator.
    let setup = challenge(
        "MFA_SETUP",
        &[
            ("USERNAME", USER),
            ("MFAS_CAN_SETUP", "[\"SOFTWARE_TOKEN_MFA\"]"),
        ],
        Some(SESSION),
    );
    let question = s.handle(setup, &now()).unwrap();
    let printed = format!("{question:?}");
    assert_redacted(&printed, "Question::MfaSetup");
    assert!(printed.contains("SOFTWARE_TOKEN_MFA"), "{printed}");
    let next = s
        .answer(Answer::MfaSetupTotp {
            session: SESSION.into(),
        })
        .unwrap();
    assert_redacted(&format!("{next:?}"), "Step::Send after MfaSetupTotp");
    let Request::RespondToAuthChallenge(r) = sent(&next) else {
        panic!("expected a response");
    };
    assert_eq!(r.session.as_deref(), Some(SESSION));
}

// --- 5. Bounded sign-ins ------------------------------------------------------------------------

#[test]
fn one_password_claim_per_attempt() {
    let mut s = sign_in(Flow::UserAuth {
        preferred: Some(FirstFactor::PasswordSrp),
    });
    s.start().unwrap();
    let claim = s.handle(password_verifier(), &now()).unwrap();
    assert_eq!(challenge_name_of(&claim), "PASSWORD_VERIFIER");
    // The server asks for SRP again, to collect a second claim for another B.
    let again = s.handle(
        challenge("PASSWORD_SRP", &[("USERNAME", USER)], Some("s")),
        &now(),
    );
    assert_eq!(
        again.err(),
        Some(Error::ClaimLimit {
            name: "PASSWORD_SRP"
        })
    );
    // The same through SELECT_CHALLENGE, with a device (the password is held until the end).
    let mut s = sign_in(Flow::UserAuth {
        preferred: Some(FirstFactor::PasswordSrp),
    })
    .with_device(device());
    s.start().unwrap();
    s.handle(password_verifier(), &now()).unwrap();
    let select = challenge("SELECT_CHALLENGE", &[("USERNAME", USER)], Some("s"));
    assert_eq!(
        s.handle(select, &now()).err(),
        Some(Error::ClaimLimit {
            name: "SELECT_CHALLENGE"
        })
    );
}

#[test]
fn one_device_claim_per_attempt() {
    let mut s = sign_in(Flow::UserSrp).with_device(device());
    s.start().unwrap();
    s.handle(password_verifier(), &now()).unwrap();
    let auth = challenge("DEVICE_SRP_AUTH", &[("USERNAME", USER)], Some("s"));
    assert_eq!(
        challenge_name_of(&s.handle(auth.clone(), &now()).unwrap()),
        "DEVICE_SRP_AUTH"
    );
    let claim = s.handle(device_password_verifier(), &now()).unwrap();
    assert_eq!(challenge_name_of(&claim), "DEVICE_PASSWORD_VERIFIER");
    assert_eq!(
        s.handle(auth, &now()).err(),
        Some(Error::ClaimLimit {
            name: "DEVICE_SRP_AUTH"
        })
    );
}

#[test]
fn rounds_are_capped() {
    // PASSWORD_SRP over and over without a claim: each one draws a new ephemeral.
    let mut s = sign_in(Flow::UserAuth {
        preferred: Some(FirstFactor::PasswordSrp),
    });
    s.start().unwrap();
    let srp = challenge("PASSWORD_SRP", &[("USERNAME", USER)], Some("s"));
    let mut answered = 1;
    let end = loop {
        match s.handle(srp.clone(), &now()) {
            Ok(step) => {
                assert_eq!(challenge_name_of(&step), "PASSWORD_SRP");
                answered += 1;
            }
            Err(e) => break e,
        }
        assert!(answered <= SignIn::<StdRng>::MAX_ROUNDS, "not capped");
    };
    assert_eq!(end, Error::RoundLimit);
    assert_eq!(answered, SignIn::<StdRng>::MAX_ROUNDS);

    // MFA codes over and over, answered by the user each time.
    let mut s = sign_in(Flow::UserSrp);
    s.start().unwrap();
    s.handle(password_verifier(), &now()).unwrap();
    let mfa = challenge("SMS_MFA", &[("USERNAME", USER)], Some("s"));
    let mut sent_requests = 2;
    let end = loop {
        let Step::Ask(_) = s.handle(mfa.clone(), &now()).unwrap() else {
            panic!("expected the code question");
        };
        match s.answer(Answer::Code("123456".into())) {
            Ok(_) => sent_requests += 1,
            Err(e) => break e,
        }
    };
    assert_eq!(end, Error::RoundLimit);
    assert_eq!(sent_requests, SignIn::<StdRng>::MAX_ROUNDS);
}

#[test]
fn stale_device_restart_is_a_new_attempt() {
    let mut s = sign_in(Flow::UserSrp).with_device(device());
    s.start().unwrap();
    s.handle(password_verifier(), &now()).unwrap();
    let stale = ServerAnswer::Error {
        code: "ResourceNotFoundException".into(),
        message: "Device does not exist.".into(),
    };
    let restart = s.handle(stale, &now()).unwrap();
    assert!(matches!(sent(&restart), Request::InitiateAuth(_)));
    // The new attempt answers its own claim.
    let claim = s.handle(password_verifier(), &now()).unwrap();
    assert_eq!(challenge_name_of(&claim), "PASSWORD_VERIFIER");
    assert!(s.device_forgotten());
}

// --- 6. Degenerate device verifiers -------------------------------------------------------------

/// `b64(enc(v))` of an integer given as big-endian bytes.
fn verifier_text(v: &BigUint) -> String {
    STANDARD.encode(oracle::enc(v))
}

#[test]
fn device_verifiers_outside_2_to_n_minus_1_are_refused() {
    let n = oracle::n();
    let salt = STANDARD.encode([0x11u8; 16]);
    let bad = Error::MalformedParameter {
        name: "PasswordVerifier",
    };
    let max = (BigUint::from(1u8) << 3072) - 1u8;
    for v in [
        BigUint::from(0u8),
        BigUint::from(1u8),
        n.clone(),
        &n + 1u8,
        &n + 2u8,
        max,
    ] {
        let config = DeviceSecretVerifierConfig::new(salt.clone(), verifier_text(&v));
        let stored = DeviceVerifier::from_config(DEVICE_KEY, DEVICE_GROUP, &config);
        assert_eq!(stored.err(), Some(bad), "v = {v:x}");
    }
    for v in [BigUint::from(2u8), &n - 1u8] {
        let config = DeviceSecretVerifierConfig::new(salt.clone(), verifier_text(&v));
        assert!(DeviceVerifier::from_config(DEVICE_KEY, DEVICE_GROUP, &config).is_ok());
    }
    // Negative (no sign byte), not base64, unpadded, longer than 1,024 characters.
    let two = verifier_text(&BigUint::from(2u8));
    for text in [
        STANDARD.encode([0x80u8, 1, 2]),
        "not base64!".to_owned(),
        two.trim_end_matches('=').to_owned(),
        "A".repeat(1028),
    ] {
        let config = DeviceSecretVerifierConfig::new(salt.clone(), text.clone());
        assert_eq!(
            DeviceVerifier::from_config(DEVICE_KEY, DEVICE_GROUP, &config).err(),
            Some(bad),
            "{text}"
        );
    }
}

#[test]
fn pool_refuses_a_zero_verifier_at_confirm_device() {
    let (mut pool, signed_in) = pool_with_signed_in_user(true);
    let new_device = signed_in.new_device.expect("NewDeviceMetadata");
    let key = new_device.device.device_key().to_owned();
    // v = 0 would make S = 0: a claim forged without the device password would verify.
    let zero = DeviceSecretVerifierConfig::new(
        new_device.config.salt().to_owned(),
        verifier_text(&BigUint::from(0u8)),
    );
    assert_eq!(
        pool.confirm_device(USER, &key, &zero),
        Err(Error::MalformedParameter {
            name: "PasswordVerifier"
        })
    );
    // The device stays confirmable with its real verifier.
    assert_eq!(pool.confirm_device(USER, &key, &new_device.config), Ok(()));
}

// --- 7. The offline pool ------------------------------------------------------------------------

fn pool() -> UserPool<StdRng> {
    let config = UserPoolConfig::new(POOL, CLIENT_ID, None);
    let mut pool = UserPool::new(config, StdRng::seed_from_u64(99)).unwrap();
    pool.add_user(USER, &Password::from(PASSWORD), &[EMAIL])
        .unwrap();
    pool
}

/// Run a sign-in against the pool, every request at `clock(i)` for the i-th request.
fn run(
    pool: &mut UserPool<StdRng>,
    mut s: SignIn<StdRng>,
    clock: impl Fn(usize) -> DateTime<Utc>,
) -> Result<cognito_srp_auth::SignedIn, (Error, ServerAnswer)> {
    let mut step = s.start().unwrap();
    for i in 0.. {
        match step {
            Step::Send(request) => {
                let answer = pool.handle(&request, clock(i));
                step = s
                    .handle(answer.clone(), &Timestamp::from(clock(i)))
                    .map_err(|e| (e, answer))?;
            }
            Step::Done(done) => return Ok(done),
            Step::Ask(q) => panic!("unexpected question {q:?}"),
        }
    }
    unreachable!()
}

fn pool_with_signed_in_user(tracking: bool) -> (UserPool<StdRng>, cognito_srp_auth::SignedIn) {
    let mut config = UserPoolConfig::new(POOL, CLIENT_ID, None);
    config.device_tracking = tracking;
    let mut pool = UserPool::new(config, StdRng::seed_from_u64(5)).unwrap();
    pool.add_user(USER, &Password::from(PASSWORD), &[EMAIL])
        .unwrap();
    let done = run(&mut pool, sign_in(Flow::UserSrp), |_| instant()).unwrap();
    (pool, done)
}

fn refusal(answer: &ServerAnswer) -> (&str, &str) {
    match answer {
        ServerAnswer::Error { code, message } => (code, message),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn pool_answers_an_unknown_user_as_a_wrong_password() {
    let mut pool = pool();
    let attempt = |pool: &mut UserPool<StdRng>, name: &str, password: &str| {
        let s = SignIn::with_rng(
            client(),
            name,
            Password::from(password),
            StdRng::seed_from_u64(4),
        );
        run(pool, s, |_| instant()).unwrap_err()
    };
    let (wrong_error, wrong) = attempt(&mut pool, EMAIL, "wrong password");
    let (unknown_error, unknown) = attempt(&mut pool, "nobody@example.com", "wrong password");
    assert_eq!(
        wrong_error,
        Error::Refused {
            kind: ServiceErrorKind::NotAuthorized
        }
    );
    assert_eq!(
        unknown_error,
        Error::Refused {
            kind: ServiceErrorKind::NotAuthorized
        }
    );
    assert_eq!(
        refusal(&wrong),
        ("NotAuthorizedException", "Incorrect username or password.")
    );
    assert_eq!(refusal(&unknown), refusal(&wrong));

    // The unknown name gets a PASSWORD_VERIFIER challenge whose salt never changes, like a
    // real user's.
    let salt_of = |pool: &mut UserPool<StdRng>, name: &str| {
        let mut s = SignIn::with_rng(
            client(),
            name,
            Password::from("x"),
            StdRng::seed_from_u64(8),
        );
        let first = s.start().unwrap();
        match pool.handle(sent(&first), instant()) {
            ServerAnswer::Challenge(c) => {
                assert_eq!(c.name, "PASSWORD_VERIFIER");
                c.parameters["SALT"].clone()
            }
            other => panic!("expected a challenge, got {other:?}"),
        }
    };
    let first = salt_of(&mut pool, "nobody@example.com");
    assert_eq!(salt_of(&mut pool, "nobody@example.com"), first);
    assert_ne!(salt_of(&mut pool, "somebody-else@example.com"), first);
}

#[test]
fn pool_expires_challenges() {
    let mut pool = pool();
    // Answered 181 s after the challenge (with a fresh timestamp), and 30 days after.
    for delay in [Duration::seconds(181), Duration::days(30)] {
        let s = SignIn::with_rng(
            client(),
            USER,
            Password::from(PASSWORD),
            StdRng::seed_from_u64(6),
        );
        let late = |i: usize| if i == 0 { instant() } else { instant() + delay };
        let (error, answer) = run(&mut pool, s, late).unwrap_err();
        assert_eq!(
            error,
            Error::Refused {
                kind: ServiceErrorKind::NotAuthorized
            }
        );
        assert_eq!(
            refusal(&answer),
            (
                "NotAuthorizedException",
                "Invalid session for the user, session is expired."
            )
        );
    }
    // Within the lifetime it signs in.
    let s = SignIn::with_rng(
        client(),
        USER,
        Password::from(PASSWORD),
        StdRng::seed_from_u64(6),
    );
    let in_time = |i: usize| instant() + Duration::seconds(if i == 0 { 0 } else { 179 });
    assert_eq!(run(&mut pool, s, in_time).unwrap().username, USER);
}

#[test]
fn pool_bounds_unanswered_challenges() {
    let mut config = UserPoolConfig::new(POOL, CLIENT_ID, None);
    config.max_pending = 4;
    config.device_tracking = false;
    let mut pool = UserPool::new(config, StdRng::seed_from_u64(1)).unwrap();
    pool.add_user(USER, &Password::from(PASSWORD), &[]).unwrap();
    // Ten abandoned challenges, then the first one is answered: it was dropped.
    let mut sign_ins: Vec<(SignIn<StdRng>, ServerAnswer)> = (0..10)
        .map(|i| {
            let mut s = SignIn::with_rng(
                client(),
                USER,
                Password::from(PASSWORD),
                StdRng::seed_from_u64(i),
            );
            let first = s.start().unwrap();
            let answer = pool.handle(sent(&first), instant());
            (s, answer)
        })
        .collect();
    assert!(format!("{pool:?}").contains("pending: 4"), "{pool:?}");
    let (mut oldest, challenge) = sign_ins.remove(0);
    let claim = oldest.handle(challenge, &now()).unwrap();
    let answer = pool.handle(sent(&claim), instant());
    assert_eq!(
        refusal(&answer),
        ("NotAuthorizedException", "Incorrect username or password.")
    );
    // The newest one is still answerable.
    let (mut newest, challenge) = sign_ins.pop().unwrap();
    let claim = newest.handle(challenge, &now()).unwrap();
    let answer = pool.handle(sent(&claim), instant());
    assert!(
        matches!(answer, ServerAnswer::Authenticated { .. }),
        "{answer:?}"
    );
}

#[test]
fn pool_refuses_a_device_forgotten_during_its_sign_in() {
    let (mut pool, signed_in) = pool_with_signed_in_user(true);
    let new_device = signed_in.new_device.expect("NewDeviceMetadata");
    let key = new_device.device.device_key().to_owned();
    pool.confirm_device(USER, &key, &new_device.config).unwrap();
    let mut s = sign_in(Flow::UserSrp).with_device(new_device.device);
    let mut step = s.start().unwrap();
    // InitiateAuth, PASSWORD_VERIFIER, DEVICE_SRP_AUTH: then the device is forgotten.
    for _ in 0..3 {
        let answer = pool.handle(sent(&step), instant());
        step = s.handle(answer, &now()).unwrap();
    }
    assert_eq!(challenge_name_of(&step), "DEVICE_PASSWORD_VERIFIER");
    pool.forget_device(&key);
    let answer = pool.handle(sent(&step), instant());
    assert_eq!(
        refusal(&answer),
        ("ResourceNotFoundException", "Device does not exist.")
    );
}

/// amazon-cognito-identity-js answers "Device does not exist." by sending the same
/// `PASSWORD_VERIFIER` answer without `DEVICE_KEY`: through the typed `handle` too, the
/// exchange of a claim that verified survives that refusal (it was consumed), and is used up by
/// the retry.
#[test]
fn pool_keeps_a_verified_claim_after_a_stale_device_for_the_retry() {
    let (mut pool, signed_in) = pool_with_signed_in_user(true);
    let new_device = signed_in.new_device.expect("NewDeviceMetadata");
    let key = new_device.device.device_key().to_owned();
    pool.confirm_device(USER, &key, &new_device.config).unwrap();
    pool.forget_device(&key);
    let mut s = sign_in(Flow::UserSrp).with_device(new_device.device);
    let initiate = s.start().unwrap();
    let answer = pool.handle(sent(&initiate), instant());
    let claim = s.handle(answer, &now()).unwrap();
    let Request::RespondToAuthChallenge(with_device) = sent(&claim) else {
        panic!("expected the claim");
    };
    assert_eq!(
        with_device.challenge_responses.get("DEVICE_KEY"),
        Some(key.as_str())
    );
    let answer = pool.handle(sent(&claim), instant());
    assert_eq!(
        refusal(&answer),
        ("ResourceNotFoundException", "Device does not exist.")
    );
    let pairs: Vec<(&str, &str)> = with_device
        .challenge_responses
        .iter()
        .filter(|(k, _)| *k != "DEVICE_KEY")
        .collect();
    let retry = Request::respond_to_auth_challenge(
        with_device.context.clone(),
        Responder::new(&client(), USER).other("PASSWORD_VERIFIER", &pairs),
        with_device.session.clone(),
    );
    let ServerAnswer::Authenticated {
        new_device_metadata: Some(_),
        access_token: Some(_),
    } = pool.handle(&retry, instant())
    else {
        panic!("the retry without DEVICE_KEY was refused");
    };
    assert_eq!(
        refusal(&pool.handle(&retry, instant())),
        ("NotAuthorizedException", "Incorrect username or password.")
    );
}

// --- 8. A failed device registration leaves the sign-in successful -----------------------------

/// An RNG that serves `fills` requests from a seeded generator, then fails.
struct FailAfter {
    inner: StdRng,
    fills: usize,
}

#[derive(Debug)]
struct Exhausted;

impl core::fmt::Display for Exhausted {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("exhausted")
    }
}

impl core::error::Error for Exhausted {}

impl TryRng for FailAfter {
    type Error = Exhausted;

    fn try_next_u32(&mut self) -> Result<u32, Exhausted> {
        Err(Exhausted)
    }

    fn try_next_u64(&mut self) -> Result<u64, Exhausted> {
        Err(Exhausted)
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Exhausted> {
        if self.fills == 0 {
            return Err(Exhausted);
        }
        self.fills -= 1;
        rand::Rng::fill_bytes(&mut self.inner, dst);
        Ok(())
    }
}

impl TryCryptoRng for FailAfter {}

#[test]
fn failed_device_registration_keeps_the_sign_in() {
    let authenticated = |key: &str, group: &str| {
        let metadata = NewDeviceMetadata {
            device_key: key.into(),
            device_group_key: group.into(),
        };
        ServerAnswer::authenticated(Some(metadata), None)
    };
    // Malformed NewDeviceMetadata.
    let mut s = sign_in(Flow::UserSrp);
    s.start().unwrap();
    s.handle(password_verifier(), &now()).unwrap();
    let Step::Done(done) = s
        .handle(authenticated("key with space", "-G"), &now())
        .unwrap()
    else {
        panic!("expected the end");
    };
    assert_eq!(done.username, USER);
    assert!(done.new_device.is_none());
    assert_eq!(done.device_registration_error, Some(Error::MalformedDevice));

    // The RNG fails at the registration (after `a` was drawn).
    let rng = FailAfter {
        inner: StdRng::seed_from_u64(2),
        fills: 1,
    };
    let mut s = SignIn::with_rng(client(), USER, Password::from(PASSWORD), rng);
    s.start().unwrap();
    s.handle(password_verifier(), &now()).unwrap();
    let Step::Done(done) = s
        .handle(authenticated(DEVICE_KEY, DEVICE_GROUP), &now())
        .unwrap()
    else {
        panic!("expected the end");
    };
    assert!(done.new_device.is_none());
    assert_eq!(done.device_registration_error, Some(Error::RandomSource));
}

// --- 9. Oversized input -------------------------------------------------------------------------

#[test]
fn oversized_parameters_are_refused_before_parsing() {
    let params = |srp_b: &str, block: &str, user: &str| {
        BTreeMap::from([
            ("SALT".to_owned(), SALT.to_owned()),
            ("SRP_B".to_owned(), srp_b.to_owned()),
            ("SECRET_BLOCK".to_owned(), block.to_owned()),
            ("USER_ID_FOR_SRP".to_owned(), user.to_owned()),
        ])
    };
    let parse = |p: &BTreeMap<String, String>| {
        PasswordVerifierChallenge::from_params(|k| p.get(k).map(String::as_str)).err()
    };
    let malformed = |name| Some(Error::MalformedParameter { name });
    // The longest accepted SRP_B: 1,025 digits (768 significant, the rest leading zeros).
    let longest = format!("{}{SRP_B}", "0".repeat(1025 - SRP_B.len()));
    assert_eq!(parse(&params(&longest, SECRET_BLOCK, USER)), None);
    let too_long = format!("0{longest}");
    assert_eq!(
        parse(&params(&too_long, SECRET_BLOCK, USER)),
        malformed("SRP_B")
    );
    let huge = "f".repeat(10_000_000);
    assert_eq!(
        parse(&params(&huge, SECRET_BLOCK, USER)),
        malformed("SRP_B")
    );
    let block = "A".repeat(16 * 1024 + 4);
    assert_eq!(
        parse(&params(SRP_B, &block, USER)),
        malformed("SECRET_BLOCK")
    );
    let user = "u".repeat(2049);
    assert_eq!(
        parse(&params(SRP_B, SECRET_BLOCK, &user)),
        malformed("USER_ID_FOR_SRP")
    );
}

/// Found by the `server` fuzz target: an over-long `TIMESTAMP` gave an undocumented error.
#[test]
fn oversized_claim_values_get_the_documented_errors() {
    let verifier = cognito_srp_auth::server::UserVerifier::from_salt(
        POOL,
        USER,
        &Password::from(PASSWORD),
        &[1, 2, 3],
    )
    .unwrap();
    let key = cognito_srp_auth::hazmat::ephemeral_key_from_be_bytes(&[7; 64]).unwrap();
    let huge = "A".repeat(10_000_000);
    for (timestamp, signature, want) in [
        (huge.as_str(), "c2ln", Error::InvalidTimestamp),
        (
            "Mon Nov 30 09:00:00 UTC 2026",
            huge.as_str(),
            Error::IncorrectClaim,
        ),
    ] {
        let srp = cognito_srp_auth::server::ServerSrp::for_user(
            &verifier,
            key.srp_a(),
            &mut StdRng::seed_from_u64(1),
        )
        .unwrap();
        let block = srp.secret_block().to_owned();
        let responses = BTreeMap::from([
            ("PASSWORD_CLAIM_SECRET_BLOCK", block.as_str()),
            ("TIMESTAMP", timestamp),
            ("PASSWORD_CLAIM_SIGNATURE", signature),
        ]);
        assert_eq!(
            srp.verify(|k| responses.get(k).copied(), instant()),
            Err(want)
        );
    }
}

#[test]
fn answers_with_too_many_pairs_do_not_fit() {
    let mut s = sign_in(Flow::UserSrp);
    s.start().unwrap();
    s.handle(password_verifier(), &now()).unwrap();
    let unknown = challenge("FUTURE_CHALLENGE", &[("USERNAME", USER)], Some("s"));
    let Step::Ask(Question::Unknown(_)) = s.handle(unknown, &now()).unwrap() else {
        panic!("expected the unknown-challenge question");
    };
    let pairs: Vec<(String, String)> = (0..40_000)
        .map(|i| (format!("K{i}"), format!("v{i}")))
        .collect();
    assert_eq!(
        s.answer(Answer::Responses(pairs)).err(),
        Some(Error::AnswerMismatch)
    );
    // The question is still pending; an answer of a reasonable size goes out.
    let step = s
        .answer(Answer::Responses(vec![("ANSWER".into(), "ok".into())]))
        .unwrap();
    assert_eq!(challenge_name_of(&step), "FUTURE_CHALLENGE");
}

#[test]
fn response_maps_keep_order_and_replace_duplicates_at_scale() {
    let client = client();
    let pairs: Vec<(String, String)> = (0..40_000)
        .map(|i| (format!("K{}", i % 30_000), format!("v{i}")))
        .collect();
    let borrowed: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let responses = Responder::new(&client, USER).other("FUTURE", &borrowed);
    // USERNAME and 30,000 distinct keys; later values replace earlier ones in place.
    assert_eq!(responses.len(), 30_001);
    assert_eq!(responses.get("K5"), Some("v30005"));
    assert_eq!(responses.get("K29999"), Some("v29999"));
    let keys: Vec<&str> = responses.iter().take(3).map(|(k, _)| k).collect();
    assert_eq!(keys, ["USERNAME", "K0", "K1"]);
}
