//! The device error variants, each asserting the exact value, and the redaction of
//! `RememberedDevice`.
#![cfg(feature = "hazmat")]
#![allow(
    clippy::unwrap_used,
    clippy::std_instead_of_core,
    clippy::std_instead_of_alloc
)]

use std::collections::HashMap;

use chrono::DateTime;
use cognito_srp_auth::{
    DevicePasswordVerifierChallenge, Error, Password, RememberedDevice, Timestamp, UserPoolClient,
    hazmat,
};

use crate::rng::{ConstantRng, FailingRng};

const KEY: &str = "us-east-1_8d2b6f2a-1c3e-4f5a-9b7c-0d1e2f3a4b5c";
const GROUP: &str = "-Dj5Xa1bC";
const PASSWORD: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJw==";

fn device() -> RememberedDevice {
    RememberedDevice::new(KEY, GROUP, Password::from(PASSWORD)).unwrap()
}

fn challenge(extra: &[(&str, &str)]) -> HashMap<String, String> {
    let mut map: HashMap<String, String> = [
        ("SALT", "9f1e2d3c4b5a69788796a5b4c3d2e1f0"),
        ("SRP_B", "68a9226c82034ac6"),
        ("SECRET_BLOCK", "c2VjcmV0"),
        ("USERNAME", "6f1e2d3c-aaaa-bbbb-cccc-0123456789ab"),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect();
    for (k, v) in extra {
        map.insert((*k).to_owned(), (*v).to_owned());
    }
    map
}

#[test]
fn malformed_device() {
    let bad_fields = [
        ("", GROUP, PASSWORD),
        (KEY, "", PASSWORD),
        (KEY, GROUP, ""),
        ("a b", GROUP, PASSWORD),
        (KEY, "g\tk", PASSWORD),
        (KEY, GROUP, "pass word"),
    ];
    for (key, group, password) in bad_fields {
        assert_eq!(
            RememberedDevice::new(key, group, Password::from(password)).err(),
            Some(Error::MalformedDevice),
            "{key:?} {group:?}"
        );
    }
    let stored = device().to_storage_string();
    assert_eq!(
        RememberedDevice::from_storage_string(&stored).map(|d| d.device_key().to_owned()),
        Ok(KEY.to_owned())
    );
    for bad in [
        String::new(),
        format!("cognito-srp-device/2 {KEY} {GROUP} {PASSWORD}"),
        format!("cognito-srp-device/1 {KEY} {GROUP}"),
        format!("cognito-srp-device/1 {KEY} {GROUP} {PASSWORD} extra"),
        format!("cognito-srp-device/1 {KEY}  {GROUP} {PASSWORD}"),
        format!("cognito-srp-device/1 {KEY} {GROUP} {PASSWORD}\n"),
        format!(" cognito-srp-device/1 {KEY} {GROUP} {PASSWORD}"),
    ] {
        assert!(
            matches!(
                RememberedDevice::from_storage_string(&bad),
                Err(Error::MalformedDevice)
            ),
            "{bad:?}"
        );
    }
}

#[test]
fn registration_of_malformed_keys_and_failing_rng() {
    assert_eq!(
        RememberedDevice::register("", GROUP, &mut ConstantRng(0)).err(),
        Some(Error::MalformedDevice)
    );
    assert_eq!(
        RememberedDevice::register(KEY, GROUP, &mut FailingRng).err(),
        Some(Error::RandomSource)
    );
    // The all-zero draw is a valid (if unlucky) registration: salt `AA==`.
    let (_, config) = RememberedDevice::register(KEY, GROUP, &mut ConstantRng(0)).unwrap();
    assert_eq!(config.salt(), "AA==");
}

#[test]
fn device_key_mismatch() {
    let client = UserPoolClient::new("us-east-1_Abc", "client").unwrap();
    let params = challenge(&[(
        "DEVICE_KEY",
        "us-east-1_00000000-0000-0000-0000-000000000000",
    )]);
    let parsed = DevicePasswordVerifierChallenge::try_from(&params).unwrap();
    let key = hazmat::ephemeral_key_from_be_bytes(&[0x42; 128]).unwrap();
    let ts = Timestamp::from(DateTime::from_timestamp(1_767_225_600, 0).unwrap());
    assert_eq!(
        key.device_password_verifier(&client, &device(), &parsed, &ts)
            .err(),
        Some(Error::DeviceKeyMismatch)
    );
    // The device's own key is accepted, and so is a challenge without DEVICE_KEY.
    for params in [challenge(&[("DEVICE_KEY", KEY)]), challenge(&[])] {
        let parsed = DevicePasswordVerifierChallenge::try_from(&params).unwrap();
        let key = hazmat::ephemeral_key_from_be_bytes(&[0x42; 128]).unwrap();
        let responses = key
            .device_password_verifier(&client, &device(), &parsed, &ts)
            .unwrap();
        assert_eq!(responses.get("DEVICE_KEY"), Some(KEY));
    }
}

#[test]
fn device_challenge_parameters() {
    let parse =
        |map: &HashMap<String, String>| DevicePasswordVerifierChallenge::try_from(map).err();
    let mut missing = challenge(&[]);
    missing.remove("USERNAME");
    assert_eq!(
        parse(&missing),
        Some(Error::MissingParameter { name: "USERNAME" })
    );
    assert_eq!(
        parse(&challenge(&[("USERNAME", "")])),
        Some(Error::MalformedParameter { name: "USERNAME" })
    );
    assert_eq!(
        parse(&challenge(&[("DEVICE_KEY", "")])),
        Some(Error::MalformedParameter { name: "DEVICE_KEY" })
    );
    assert_eq!(
        parse(&challenge(&[("SRP_B", "0")])),
        Some(Error::IllegalServerB)
    );
    assert_eq!(
        parse(&challenge(&[("SALT", "xyz")])),
        Some(Error::MalformedParameter { name: "SALT" })
    );
    assert_eq!(
        parse(&challenge(&[("SECRET_BLOCK", "!!")])),
        Some(Error::MalformedParameter {
            name: "SECRET_BLOCK"
        })
    );
}

/// `DeviceVerifierCheck` guards against a bug in the crate itself: a verifier that the crate
/// computed but that would not verify. It cannot be produced from the outside; every
/// registration (also the edge cases of the vectors: zero salt, short salt, short verifier)
/// passes the check, which this asserts for a range of draws.
#[test]
fn device_verifier_check_passes_for_valid_registrations() {
    for fill in [0x00u8, 0x01, 0x7f, 0x80, 0xff] {
        let result = RememberedDevice::register(KEY, GROUP, &mut ConstantRng(fill));
        assert!(result.is_ok(), "fill {fill:#04x}: {:?}", result.err());
    }
    assert_eq!(
        Error::DeviceVerifierCheck.to_string(),
        "device verifier failed its self-check"
    );
}

#[test]
fn debug_of_a_device_prints_no_password() {
    let printed = format!("{:?} {:#?}", device(), device());
    assert!(
        printed.contains(KEY) && printed.contains(GROUP),
        "{printed}"
    );
    assert!(!printed.contains(PASSWORD), "{printed}");
    assert!(!printed.contains("AAECAwQF"), "{printed}");
}
