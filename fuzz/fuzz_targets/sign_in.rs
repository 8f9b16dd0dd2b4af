//! The `SignIn` state machine fed arbitrary server answers and user answers: every call is a
//! request, a question, success or a documented error; every challenge response carries
//! `USERNAME`, a `SECRET_HASH` over exactly that name (with a secret) and `DEVICE_KEY` while a
//! device is in use; nothing is accepted after the end.
#![no_main]

use arbitrary::Arbitrary;
use chrono::DateTime;
use cognito_srp_auth::{
    Answer, Challenge, ClientSecret, FirstFactor, Flow, NewDeviceMetadata, Password,
    RememberedDevice, Request, ServerAnswer, SignIn, Step, Timestamp, UserPoolClient,
    challenge_name, secret_hash,
};
use cognito_srp_auth_fuzz::{CounterRng, documented};
use libfuzzer_sys::fuzz_target;

const KEYS: &[&str] = &[
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
    "CODE_DELIVERY_DELIVERY_MEDIUM",
    "CREDENTIAL_REQUEST_OPTIONS",
];

#[derive(Arbitrary, Debug)]
enum Name {
    Known(u8),
    Other(String),
}

impl Name {
    fn text(&self) -> String {
        match self {
            Self::Known(i) => {
                challenge_name::ALL[usize::from(*i) % challenge_name::ALL.len()].to_owned()
            }
            Self::Other(s) => s.clone(),
        }
    }
}

#[derive(Arbitrary, Debug)]
enum Event {
    Challenge {
        name: Name,
        params: Vec<(u8, String)>,
        session: Option<String>,
        available: Vec<Name>,
    },
    Authenticated {
        device: Option<(String, String)>,
    },
    Error {
        stale_device: bool,
        code: String,
        message: String,
    },
    Password,
    Code(String),
    Custom(String),
    NewPassword(String, Vec<(String, String)>),
    MfaType(String),
    Totp(String),
    Email(String),
    First(u8),
    WebAuthn(String),
    Responses(Vec<(String, String)>),
}

#[derive(Arbitrary, Debug)]
struct Script {
    flow: u8,
    password: bool,
    preferences: Vec<u8>,
    secret: bool,
    device: bool,
    admin: bool,
    seed: u64,
    events: Vec<Event>,
}

fuzz_target!(|script: Script| {
    let mut client =
        UserPoolClient::new("us-east-1_Fuzz", "fuzz-client").unwrap_or_else(|_| unreachable!());
    if script.secret {
        client = client.with_client_secret(ClientSecret::from("fuzz-secret"));
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
    let flow = flows[usize::from(script.flow) % flows.len()];
    let preferences: Vec<FirstFactor> = script
        .preferences
        .iter()
        .take(5)
        .map(|&i| FirstFactor::ALL[usize::from(i) % FirstFactor::ALL.len()])
        .collect();
    let password = script.password.then(|| Password::from("pw-never-sent-Zq9"));
    let mut sign_in = SignIn::with_rng(
        client,
        "typed@example.com",
        password,
        CounterRng(script.seed),
    )
    .with_flow(flow)
    .with_first_factors(&preferences);
    if script.device {
        let device = RememberedDevice::new("us-east-1_dev", "-Grp", Password::from("cGFzcw=="))
            .unwrap_or_else(|_| unreachable!());
        sign_in = sign_in.with_device(device);
    }
    if script.admin {
        sign_in = sign_in.admin();
    }
    let now = Timestamp::from(DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default());
    let mut finished = false;
    // The password may go out only where the caller chose it: the flow, a preference, or an
    // answer choosing PASSWORD.
    let plaintext_chosen = std::cell::Cell::new(
        matches!(
            flow,
            Flow::UserPassword
                | Flow::UserAuth {
                    preferred: Some(FirstFactor::Password)
                }
        ) || preferences.contains(&FirstFactor::Password),
    );
    let check = |result: Result<Step, cognito_srp_auth::Error>, sign_in: &SignIn<CounterRng>| {
        match result {
            Ok(Step::Send(request)) => {
                assert_eq!(request.context().is_admin(), script.admin);
                let sends_password = match &request {
                    Request::InitiateAuth(r) => r
                        .auth_parameters
                        .iter()
                        .any(|(_, v)| v == "pw-never-sent-Zq9"),
                    Request::RespondToAuthChallenge(r) => r
                        .challenge_responses
                        .iter()
                        .any(|(_, v)| v == "pw-never-sent-Zq9"),
                };
                assert!(
                    !sends_password || plaintext_chosen.get(),
                    "the password went out in plaintext without the caller choosing it"
                );
                if let Request::RespondToAuthChallenge(r) = &request {
                    let responses = &r.challenge_responses;
                    let username = responses
                        .get("USERNAME")
                        .expect("USERNAME in every response");
                    let expected = script.secret.then(|| {
                        secret_hash(username, "fuzz-client", &ClientSecret::from("fuzz-secret"))
                    });
                    assert_eq!(responses.get("SECRET_HASH").map(str::to_owned), expected);
                    assert_eq!(
                        responses.get("DEVICE_KEY").is_some(),
                        script.device && !sign_in.device_forgotten()
                    );
                }
                false
            }
            Ok(Step::Ask(_)) => false,
            Ok(Step::Done(_)) => true,
            Err(e) => {
                assert!(documented(&e), "undocumented error {e:?}");
                !matches!(
                    e,
                    cognito_srp_auth::Error::OutOfOrder | cognito_srp_auth::Error::AnswerMismatch
                )
            }
        }
    };
    let start = sign_in.start();
    finished |= check(start, &sign_in);
    for event in script.events.into_iter().take(12) {
        let result = match event {
            Event::Challenge {
                name,
                params,
                session,
                available,
            } => {
                let params: Vec<(String, String)> = params
                    .into_iter()
                    .map(|(k, v)| (KEYS[usize::from(k) % KEYS.len()].to_owned(), v))
                    .collect();
                let challenge = Challenge::new(&name.text(), params, session.as_deref())
                    .with_available_challenges(available.iter().map(Name::text));
                sign_in.handle(ServerAnswer::Challenge(challenge), &now)
            }
            Event::Authenticated { device } => sign_in.handle(
                ServerAnswer::authenticated(
                    device.map(|(device_key, device_group_key)| NewDeviceMetadata {
                        device_key,
                        device_group_key,
                    }),
                    None,
                ),
                &now,
            ),
            Event::Error {
                stale_device,
                code,
                message,
            } => {
                let (code, message) = if stale_device {
                    (
                        "ResourceNotFoundException".to_owned(),
                        "Device does not exist.".to_owned(),
                    )
                } else {
                    (code, message)
                };
                sign_in.handle(ServerAnswer::Error { code, message }, &now)
            }
            Event::Password => {
                sign_in.answer(Answer::Password(Password::from("pw-never-sent-Zq9")))
            }
            Event::Code(c) => sign_in.answer(Answer::Code(c)),
            Event::Custom(c) => sign_in.answer(Answer::CustomAnswer(c)),
            Event::NewPassword(p, attributes) => sign_in.answer(Answer::NewPassword {
                password: Password::from(p),
                attributes,
            }),
            Event::MfaType(t) => sign_in.answer(Answer::MfaType(t)),
            Event::Totp(session) => sign_in.answer(Answer::MfaSetupTotp { session }),
            Event::Email(email) => sign_in.answer(Answer::MfaSetupEmail { email }),
            Event::First(n) => {
                if n % 5 == 0 {
                    plaintext_chosen.set(true);
                }
                sign_in.answer(Answer::FirstFactor(match n % 5 {
                    0 => FirstFactor::Password,
                    1 => FirstFactor::PasswordSrp,
                    2 => FirstFactor::EmailOtp,
                    3 => FirstFactor::SmsOtp,
                    _ => FirstFactor::WebAuthn,
                }))
            }
            Event::WebAuthn(c) => sign_in.answer(Answer::WebAuthnCredential(c)),
            Event::Responses(pairs) => sign_in.answer(Answer::Responses(pairs)),
        };
        let accepted = result.is_ok();
        let was_finished = finished;
        finished |= check(result, &sign_in);
        assert!(
            !(was_finished && accepted),
            "input accepted after the sign-in ended"
        );
    }
});
