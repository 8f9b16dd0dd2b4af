//! Any sequence of server answers and user answers fed to a `SignIn` gives a request, a
//! question, success, or a typed error; never a panic. Every challenge response the machine
//! yields carries `USERNAME`, a `SECRET_HASH` over exactly that name when the client has a
//! secret, and `DEVICE_KEY` while a remembered device is in use. The password is never in a
//! request unless the user chose `PASSWORD` as the first factor.
#![cfg(feature = "hazmat")]
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::std_instead_of_core,
    clippy::std_instead_of_alloc
)]

use chrono::DateTime;
use cognito_srp_auth::{
    Answer, Challenge, ClientSecret, Error, FirstFactor, Flow, NewDeviceMetadata, Password,
    RememberedDevice, Request, ServerAnswer, SignIn, Step, Timestamp, UserPoolClient,
    challenge_name, secret_hash,
};
use proptest::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;

const CLIENT_ID: &str = "client-id";
const SECRET: &str = "client-secret";
const DEVICE_KEY: &str = "us-east-1_11111111-2222-3333-4444-555555555555";
/// Distinct from anything the strategies generate.
const PASSWORD: &str = "pw-Zq9!never-sent";

#[derive(Debug, Clone)]
enum Event {
    Server(ServerAnswer),
    User(AnswerSpec),
}

/// `Answer` is not `Clone` (it may hold a password); generate a description instead.
#[derive(Debug, Clone)]
enum AnswerSpec {
    Password,
    Code(String),
    Custom(String),
    NewPassword(Vec<(String, String)>),
    MfaType(String),
    Totp(String),
    Email(String),
    First(u8),
    WebAuthn(String),
    Responses(Vec<(String, String)>),
}

impl AnswerSpec {
    fn to_answer(&self) -> Answer {
        match self {
            Self::Password => Answer::Password(Password::from(PASSWORD)),
            Self::Code(c) => Answer::Code(c.clone()),
            Self::Custom(c) => Answer::CustomAnswer(c.clone()),
            Self::NewPassword(a) => Answer::NewPassword {
                password: Password::from("new-pass"),
                attributes: a.clone(),
            },
            Self::MfaType(t) => Answer::MfaType(t.clone()),
            Self::Totp(s) => Answer::MfaSetupTotp { session: s.clone() },
            Self::Email(e) => Answer::MfaSetupEmail { email: e.clone() },
            Self::First(n) => Answer::FirstFactor(match n % 5 {
                0 => FirstFactor::Password,
                1 => FirstFactor::PasswordSrp,
                2 => FirstFactor::EmailOtp,
                3 => FirstFactor::SmsOtp,
                _ => FirstFactor::WebAuthn,
            }),
            Self::WebAuthn(c) => Answer::WebAuthnCredential(c.clone()),
            Self::Responses(p) => Answer::Responses(p.clone()),
        }
    }
}

fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9a-f]{1,64}",
        "[0-9a-f]{700,768}",
        "-?[0-9a-fA-F]{1,40}",
        "[A-Za-z0-9+/]{0,64}={0,2}",
        r#"\["[A-Z_]{1,12}"(,"[A-Za-z_.]{1,20}"){0,2}\]"#,
        ".{0,12}",
        Just(String::new()),
    ]
}

fn challenge_name_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(challenge_name::ALL).prop_map(str::to_owned),
        Just("FUTURE_CHALLENGE".to_owned()),
        ".{0,8}",
    ]
}

fn server_answer() -> impl Strategy<Value = ServerAnswer> {
    let keys = proptest::sample::select(vec![
        "SALT",
        "SRP_B",
        "SECRET_BLOCK",
        "USER_ID_FOR_SRP",
        "USERNAME",
        "DEVICE_KEY",
        "requiredAttributes",
        "userAttributes",
        "MFAS_CAN_CHOOSE",
        "MFAS_CAN_SETUP",
        "CODE_DELIVERY_DESTINATION",
        "junk",
    ]);
    let challenge = (
        challenge_name_strategy(),
        proptest::collection::btree_map(keys, value(), 0..7),
        proptest::option::of("[a-z0-9]{1,12}"),
        proptest::collection::vec(challenge_name_strategy(), 0..3),
    )
        .prop_map(|(name, params, session, available)| {
            ServerAnswer::Challenge(
                Challenge::new(&name, params, session.as_deref())
                    .with_available_challenges(available),
            )
        });
    prop_oneof![
        6 => challenge,
        1 => proptest::option::of(("[a-z0-9_-]{1,20}", "-?[A-Za-z0-9]{1,10}")).prop_map(|m| {
            ServerAnswer::authenticated(
                m.map(|(device_key, device_group_key)| NewDeviceMetadata { device_key, device_group_key }),
                None,
            )
        }),
        1 => (prop_oneof![Just("ResourceNotFoundException".to_owned()), ".{0,10}"],
              prop_oneof![Just("Device does not exist.".to_owned()), ".{0,10}"])
            .prop_map(|(code, message)| ServerAnswer::Error { code, message }),
    ]
}

fn answer_spec() -> impl Strategy<Value = AnswerSpec> {
    let pairs = proptest::collection::vec((".{0,8}", ".{0,8}"), 0..3);
    prop_oneof![
        Just(AnswerSpec::Password),
        "[0-9]{6}".prop_map(AnswerSpec::Code),
        ".{0,10}".prop_map(AnswerSpec::Custom),
        pairs.clone().prop_map(AnswerSpec::NewPassword),
        "[A-Z_]{0,20}".prop_map(AnswerSpec::MfaType),
        "[a-z]{1,10}".prop_map(AnswerSpec::Totp),
        ".{0,10}".prop_map(AnswerSpec::Email),
        any::<u8>().prop_map(AnswerSpec::First),
        ".{0,10}".prop_map(AnswerSpec::WebAuthn),
        pairs.prop_map(AnswerSpec::Responses),
    ]
}

fn event() -> impl Strategy<Value = Event> {
    prop_oneof![3 => server_answer().prop_map(Event::Server), 2 => answer_spec().prop_map(Event::User)]
}

fn allowed(e: &Error) -> bool {
    matches!(
        e,
        Error::OutOfOrder
            | Error::AnswerMismatch
            | Error::Refused { .. }
            | Error::MissingAttribute
            | Error::AttributeAlreadySet
            | Error::UnexpectedChallenge { .. }
            | Error::MissingParameter { .. }
            | Error::MalformedParameter { .. }
            | Error::IllegalServerB
            | Error::IllegalScrambler
            | Error::DeviceKeyMismatch
            | Error::MalformedDevice
            | Error::PasswordDowngrade
            | Error::ClaimLimit { .. }
            | Error::RoundLimit
    )
}

impl AnswerSpec {
    /// Whether this answer chooses to send the password as it is.
    fn chooses_plaintext_password(&self) -> bool {
        matches!(self, Self::First(n) if n % 5 == 0)
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_sequence_is_a_step_or_a_typed_error(
        seed in any::<u64>(),
        flow in 0usize..10,
        with_password in any::<bool>(),
        preferences in proptest::collection::vec(0usize..5, 0..3),
        with_secret in any::<bool>(),
        with_device in any::<bool>(),
        admin in any::<bool>(),
        events in proptest::collection::vec(event(), 0..10),
    ) {
        let mut client = UserPoolClient::new("us-east-1_Props", CLIENT_ID).unwrap();
        if with_secret {
            client = client.with_client_secret(ClientSecret::from(SECRET));
        }
        let user_auth = |preferred| Flow::UserAuth { preferred };
        let flows = [
            Flow::UserSrp,
            Flow::UserPassword,
            Flow::CustomAuth,
            Flow::CustomAuthWithSrp,
            user_auth(None),
            user_auth(Some(FirstFactor::Password)),
            user_auth(Some(FirstFactor::PasswordSrp)),
            user_auth(Some(FirstFactor::EmailOtp)),
            user_auth(Some(FirstFactor::SmsOtp)),
            user_auth(Some(FirstFactor::WebAuthn)),
        ];
        let flow = flows[flow];
        let preferences: Vec<FirstFactor> = preferences.into_iter().map(|i| FirstFactor::ALL[i]).collect();
        // The caller chose to send the password: by the flow, or by a preference.
        let plaintext_by_choice = matches!(flow, Flow::UserPassword | Flow::UserAuth { preferred: Some(FirstFactor::Password) })
            || preferences.contains(&FirstFactor::Password);
        let password = with_password.then(|| Password::from(PASSWORD));
        let mut sign_in = SignIn::with_rng(client, "typed@example.com", password, StdRng::seed_from_u64(seed))
            .with_flow(flow)
            .with_first_factors(&preferences);
        if with_device {
            sign_in = sign_in.with_device(RememberedDevice::new(DEVICE_KEY, "-Grp", Password::from("cGFzcw==")).unwrap());
        }
        if admin {
            sign_in = sign_in.admin();
        }
        let now = Timestamp::from(DateTime::from_timestamp(1_800_000_000, 0).unwrap());
        let mut finished = false;
        let mut chose_plaintext = plaintext_by_choice;
        let check = |result: Result<Step, Error>, sign_in: &SignIn<StdRng>, chose_plaintext: bool| -> Result<bool, TestCaseError> {
            let mut ends = false;
            match result {
                Ok(Step::Send(request)) => {
                    prop_assert_eq!(request.context().is_admin(), admin);
                    if let Request::InitiateAuth(r) = &request {
                        let sends_password = r.auth_parameters.iter().any(|(_, v)| v == PASSWORD);
                        prop_assert!(!sends_password || chose_plaintext, "password sent: {:?}", r.auth_parameters.auth_flow());
                    }
                    if let Request::RespondToAuthChallenge(r) = &request {
                        let responses = &r.challenge_responses;
                        let sends_password = responses.iter().any(|(_, v)| v == PASSWORD);
                        prop_assert!(!sends_password || chose_plaintext, "password sent: {:?}", responses.challenge_name());
                        let username = responses.get("USERNAME");
                        prop_assert!(username.is_some(), "no USERNAME in {:?}", responses);
                        let expected_hash = with_secret
                            .then(|| secret_hash(username.unwrap(), CLIENT_ID, &ClientSecret::from(SECRET)));
                        prop_assert_eq!(responses.get("SECRET_HASH").map(str::to_owned), expected_hash);
                        let device_in_use = with_device && !sign_in.device_forgotten();
                        prop_assert_eq!(responses.get("DEVICE_KEY").is_some(), device_in_use);
                    }
                }
                Ok(Step::Ask(_)) => {}
                Ok(Step::Done(_)) => ends = true,
                Err(e) => {
                    prop_assert!(allowed(&e), "undocumented error {:?}", e);
                    if !matches!(e, Error::OutOfOrder | Error::AnswerMismatch) {
                        ends = true;
                    }
                }
            }
            Ok(ends)
        };
        let first = sign_in.start();
        finished |= check(first, &sign_in, chose_plaintext)?;
        for event in events {
            let result = match &event {
                Event::Server(answer) => sign_in.handle(answer.clone(), &now),
                Event::User(spec) => {
                    chose_plaintext |= spec.chooses_plaintext_password();
                    sign_in.answer(spec.to_answer())
                }
            };
            let was_finished = finished;
            let is_err = result.is_err();
            finished |= check(result, &sign_in, chose_plaintext)?;
            if was_finished {
                // Nothing is accepted after the end.
                prop_assert!(is_err, "input accepted after the sign-in ended: {:?}", event);
            }
        }
        let printed = format!("{:?}", sign_in);
        prop_assert!(!printed.contains(PASSWORD), "{}", printed);
    }
}
