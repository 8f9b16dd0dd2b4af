//! Every challenge's `ChallengeResponses` and every flow's `AuthParameters`, as exact maps:
//! `USERNAME`, the challenge's keys, `SECRET_HASH` over the given (internal) user name when the
//! client has a secret, and `DEVICE_KEY` when the responder holds one.
#![cfg(feature = "hazmat")]
#![allow(
    clippy::unwrap_used,
    clippy::std_instead_of_core,
    clippy::std_instead_of_alloc
)]

use std::collections::{BTreeMap, HashMap};

use cognito_srp_auth::{
    AuthParameters, ChallengeResponses, ClientSecret, CodeChallenge, FirstFactor, Password,
    Responder, UserPoolClient, hazmat,
};

use crate::oracle;

const CLIENT_ID: &str = "123abd";
const SECRET: &str = "clientSecret";
const USER: &str = "6f1e2d3c-aaaa-bbbb-cccc-0123456789ab";
const DEVICE: &str = "us-east-1_8d2b6f2a-1c3e-4f5a-9b7c-0d1e2f3a4b5c";

fn clients() -> [UserPoolClient; 2] {
    [
        UserPoolClient::new("us-east-1_Abc", CLIENT_ID).unwrap(),
        UserPoolClient::new("us-east-1_Abc", CLIENT_ID)
            .unwrap()
            .with_client_secret(ClientSecret::from(SECRET)),
    ]
}

/// A builder's output, the expected challenge name, and its own expected pairs.
type Case<'a> = (ChallengeResponses, &'a str, Vec<(&'a str, &'a str)>);

fn map(r: ChallengeResponses) -> BTreeMap<String, String> {
    r.into()
}

/// The expected map: the challenge's own pairs plus the glue.
fn want(own: &[(&str, &str)], secret: bool, device: bool) -> BTreeMap<String, String> {
    let mut m: BTreeMap<String, String> = own
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    m.insert("USERNAME".into(), USER.into());
    if secret {
        m.insert(
            "SECRET_HASH".into(),
            oracle::secret_hash(USER, CLIENT_ID, SECRET),
        );
    }
    if device {
        m.insert("DEVICE_KEY".into(), DEVICE.into());
    }
    m
}

#[test]
fn every_challenge_response_map() {
    let key = hazmat::ephemeral_key_from_be_bytes(&[0x5a; 128]).unwrap();
    let password = Password::from("hunter2!");
    for (secret, client) in [false, true].into_iter().zip(clients()) {
        for device in [false, true] {
            let base = Responder::new(&client, USER);
            let r = if device {
                base.with_device_key(DEVICE)
            } else {
                base
            };
            let cases: Vec<Case<'_>> = vec![
                (
                    r.code(CodeChallenge::SmsMfa, "111111"),
                    "SMS_MFA",
                    vec![("SMS_MFA_CODE", "111111")],
                ),
                (
                    r.code(CodeChallenge::SoftwareTokenMfa, "222222"),
                    "SOFTWARE_TOKEN_MFA",
                    vec![("SOFTWARE_TOKEN_MFA_CODE", "222222")],
                ),
                (
                    r.code(CodeChallenge::EmailOtp, "33333333"),
                    "EMAIL_OTP",
                    vec![("EMAIL_OTP_CODE", "33333333")],
                ),
                (
                    r.code(CodeChallenge::SmsOtp, "444444"),
                    "SMS_OTP",
                    vec![("SMS_OTP_CODE", "444444")],
                ),
                (
                    r.custom_challenge("blue"),
                    "CUSTOM_CHALLENGE",
                    vec![("ANSWER", "blue")],
                ),
                (
                    r.new_password_required(
                        &password,
                        &[("name", "Alice"), ("userAttributes.email", "a@x.org")],
                    ),
                    "NEW_PASSWORD_REQUIRED",
                    vec![
                        ("NEW_PASSWORD", "hunter2!"),
                        ("userAttributes.name", "Alice"),
                        ("userAttributes.email", "a@x.org"),
                    ],
                ),
                (r.mfa_setup(), "MFA_SETUP", vec![]),
                (
                    r.mfa_setup_email("a@x.org"),
                    "MFA_SETUP",
                    vec![("EMAIL", "a@x.org")],
                ),
                (
                    r.select_mfa_type("SOFTWARE_TOKEN_MFA"),
                    "SELECT_MFA_TYPE",
                    vec![("ANSWER", "SOFTWARE_TOKEN_MFA")],
                ),
                (
                    r.select_password(&password),
                    "SELECT_CHALLENGE",
                    vec![("ANSWER", "PASSWORD"), ("PASSWORD", "hunter2!")],
                ),
                (
                    r.select_password_srp(&key),
                    "SELECT_CHALLENGE",
                    vec![("ANSWER", "PASSWORD_SRP"), ("SRP_A", key.srp_a())],
                ),
                (
                    r.select_challenge(FirstFactor::EmailOtp).unwrap(),
                    "SELECT_CHALLENGE",
                    vec![("ANSWER", "EMAIL_OTP")],
                ),
                (
                    r.select_challenge(FirstFactor::SmsOtp).unwrap(),
                    "SELECT_CHALLENGE",
                    vec![("ANSWER", "SMS_OTP")],
                ),
                (
                    r.select_challenge(FirstFactor::WebAuthn).unwrap(),
                    "SELECT_CHALLENGE",
                    vec![("ANSWER", "WEB_AUTHN")],
                ),
                (
                    r.password(&password),
                    "PASSWORD",
                    vec![("PASSWORD", "hunter2!")],
                ),
                (
                    r.password_srp(&key),
                    "PASSWORD_SRP",
                    vec![("SRP_A", key.srp_a())],
                ),
                (
                    r.web_authn(r#"{"id":"x"}"#),
                    "WEB_AUTHN",
                    vec![("CREDENTIAL", r#"{"id":"x"}"#)],
                ),
                (r.other("FUTURE", &[("K", "V")]), "FUTURE", vec![("K", "V")]),
            ];
            for (responses, name, own) in cases {
                assert_eq!(responses.challenge_name(), name);
                let printed = format!("{responses:?}");
                assert!(
                    !printed.contains("hunter2!") && !printed.contains("111111"),
                    "{printed}"
                );
                assert_eq!(
                    map(responses),
                    want(&own, secret, device),
                    "{name} secret={secret} device={device}"
                );
            }
            match r.device_srp_auth(&key) {
                Some(responses) => {
                    assert!(device);
                    assert_eq!(responses.challenge_name(), "DEVICE_SRP_AUTH");
                    assert_eq!(
                        map(responses),
                        want(&[("SRP_A", key.srp_a())], secret, true)
                    );
                }
                None => assert!(!device, "DEVICE_SRP_AUTH needs a device key"),
            }
        }
    }
}

#[test]
fn every_auth_parameters_map() {
    let key = hazmat::ephemeral_key_from_be_bytes(&[0x5a; 128]).unwrap();
    let typed = "alice@example.com";
    for (secret, client) in [false, true].into_iter().zip(clients()) {
        let hash = oracle::secret_hash(typed, CLIENT_ID, SECRET);
        let glue = |own: &[(&str, &str)]| {
            let mut m: BTreeMap<String, String> = own
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
            m.insert("USERNAME".into(), typed.into());
            if secret {
                m.insert("SECRET_HASH".into(), hash.clone());
            }
            m
        };
        let p = AuthParameters::user_srp_auth(&client, typed, &key);
        assert_eq!(p.auth_flow(), "USER_SRP_AUTH");
        assert_eq!(BTreeMap::from(p), glue(&[("SRP_A", key.srp_a())]));
        let p = AuthParameters::custom_auth_with_srp(&client, typed, &key).with_device_key(DEVICE);
        assert_eq!(p.auth_flow(), "CUSTOM_AUTH");
        assert_eq!(
            BTreeMap::from(p),
            glue(&[
                ("SRP_A", key.srp_a()),
                ("CHALLENGE_NAME", "SRP_A"),
                ("DEVICE_KEY", DEVICE)
            ])
        );
        let p = AuthParameters::user_auth_password_srp(&client, typed, &key);
        assert_eq!(p.auth_flow(), "USER_AUTH");
        assert_eq!(
            BTreeMap::from(p),
            glue(&[
                ("SRP_A", key.srp_a()),
                ("PREFERRED_CHALLENGE", "PASSWORD_SRP")
            ])
        );

        // REFRESH_TOKEN_AUTH: SECRET_HASH over the internal name, no USERNAME.
        let p = AuthParameters::refresh_token_auth(&client, USER, "refresh-token-value", None);
        assert_eq!(p.auth_flow(), "REFRESH_TOKEN_AUTH");
        assert!(!format!("{p:?}").contains("refresh-token-value"));
        let mut want =
            BTreeMap::from([("REFRESH_TOKEN".to_owned(), "refresh-token-value".to_owned())]);
        if secret {
            want.insert(
                "SECRET_HASH".into(),
                oracle::secret_hash(USER, CLIENT_ID, SECRET),
            );
        }
        let got: HashMap<String, String> = p.into();
        assert_eq!(got.into_iter().collect::<BTreeMap<_, _>>(), want);
    }
}
