//! The device path with fuzzed device identifiers, device password, stored form and server
//! values: `RememberedDevice::new` / storage round trip, `DEVICE_SRP_AUTH` and
//! `DEVICE_PASSWORD_VERIFIER` answers. Only documented errors; invariants on every answer.
#![no_main]

use chrono::DateTime;
use cognito_srp_auth::{
    DevicePasswordVerifierChallenge, Error, Password, RememberedDevice, Timestamp, UserPoolClient,
    hazmat,
};
use cognito_srp_auth_fuzz::{Input, hex_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = Input::parse(data);
    // Any stored text: loads only in the exact format, and then round-trips.
    if let Some(stored) = input.settings.get("stored") {
        if let Ok(device) = RememberedDevice::from_storage_string(stored) {
            assert_eq!(device.to_storage_string().as_str(), stored.as_str());
        }
    }
    let device = match RememberedDevice::new(
        input.setting("device_key", "us-east-1_fuzz"),
        input.setting("group_key", "-Fuzz"),
        Password::from(input.setting("password", "cGFzcw==")),
    ) {
        Ok(device) => device,
        Err(e) => return assert_eq!(e, Error::MalformedDevice),
    };
    let reloaded = RememberedDevice::from_storage_string(&device.to_storage_string());
    assert!(
        reloaded.is_ok(),
        "a valid device must survive storage: {reloaded:?}"
    );
    let client =
        UserPoolClient::new("us-east-1_Fuzz", "fuzz-client").unwrap_or_else(|_| unreachable!());
    let key = match hazmat::ephemeral_key_from_be_bytes(&hex_bytes(input.setting("a", "0b"), 128)) {
        Ok(key) => key,
        Err(e) => return assert_eq!(e, Error::IllegalEphemeral),
    };
    let username = input.setting("username", "fuzz-user");
    let auth = key.device_srp_auth(&client, &device, username);
    assert_eq!(auth.get("DEVICE_KEY"), Some(device.device_key()));
    assert_eq!(auth.get("SRP_A"), Some(key.srp_a()));
    let challenge = match DevicePasswordVerifierChallenge::from_params(input.lookup()) {
        Ok(challenge) => challenge,
        Err(e) => {
            return assert!(
                matches!(
                    e,
                    Error::MissingParameter { .. }
                        | Error::MalformedParameter { .. }
                        | Error::IllegalServerB
                ),
                "{e:?}"
            );
        }
    };
    let timestamp = Timestamp::from(DateTime::from_timestamp(1_767_225_600, 0).unwrap_or_default());
    match key.device_password_verifier(&client, &device, &challenge, &timestamp) {
        Ok(responses) => {
            assert_eq!(responses.get("DEVICE_KEY"), Some(device.device_key()));
            assert_eq!(responses.get("USERNAME"), Some(challenge.username()));
            assert_eq!(
                responses.get("PASSWORD_CLAIM_SIGNATURE").map(str::len),
                Some(44)
            );
        }
        Err(e) => assert!(
            matches!(e, Error::DeviceKeyMismatch | Error::IllegalScrambler),
            "{e:?}"
        ),
    }
});
