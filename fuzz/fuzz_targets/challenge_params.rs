//! Arbitrary `ChallengeParameters` (as `KEY=VALUE` lines) into both challenge parsers: `Ok`
//! with consistent user names, or a documented error naming a parameter. Never a panic.
#![no_main]

use cognito_srp_auth::{DevicePasswordVerifierChallenge, Error, PasswordVerifierChallenge};
use cognito_srp_auth_fuzz::Input;
use libfuzzer_sys::fuzz_target;

fn parameter_error(e: &Error) -> bool {
    matches!(
        e,
        Error::MissingParameter { .. } | Error::MalformedParameter { .. } | Error::IllegalServerB
    )
}

fuzz_target!(|data: &[u8]| {
    let input = Input::parse(data);
    match PasswordVerifierChallenge::from_params(input.lookup()) {
        Ok(challenge) => {
            let user_id = input.params.get("USER_ID_FOR_SRP").map(String::as_str);
            assert_eq!(Some(challenge.user_id_for_srp()), user_id);
            let expected = input
                .params
                .get("USERNAME")
                .map_or(user_id, |u| Some(u.as_str()));
            assert_eq!(Some(challenge.username()), expected);
            assert!(!challenge.username().is_empty());
        }
        Err(e) => assert!(parameter_error(&e), "undocumented error {e:?}"),
    }
    match DevicePasswordVerifierChallenge::from_params(input.lookup()) {
        Ok(challenge) => {
            assert_eq!(
                Some(challenge.username()),
                input.params.get("USERNAME").map(String::as_str)
            );
        }
        Err(e) => assert!(parameter_error(&e), "undocumented error {e:?}"),
    }
});
