//! The wire: every key and name Cognito's sign-in API uses ([`param`], [`challenge_name`],
//! [`auth_flow`]), and the string maps this crate hands to an SDK (`ChallengeResponses`,
//! `AuthParameters`). Nothing here imports another module of the crate.

use alloc::borrow::Cow;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use zeroize::Zeroizing;

/// Wire names of `ChallengeParameters`, `ChallengeResponses` and `AuthParameters` keys.
pub mod param {
    /// The user name: typed (possibly an alias) in `InitiateAuth`, internal in challenges.
    pub const USERNAME: &str = "USERNAME";
    /// The internal user name that the SRP verifier was built with.
    pub const USER_ID_FOR_SRP: &str = "USER_ID_FOR_SRP";
    /// The user's (or device's) salt, hex.
    pub const SALT: &str = "SALT";
    /// The server's public ephemeral `B`, hex.
    pub const SRP_B: &str = "SRP_B";
    /// The client's public ephemeral `A`, hex.
    pub const SRP_A: &str = "SRP_A";
    /// The server's opaque secret block, base64.
    pub const SECRET_BLOCK: &str = "SECRET_BLOCK";
    /// `SECRET_BLOCK` echoed back unchanged.
    pub const PASSWORD_CLAIM_SECRET_BLOCK: &str = "PASSWORD_CLAIM_SECRET_BLOCK";
    /// The claim's HMAC signature, base64.
    pub const PASSWORD_CLAIM_SIGNATURE: &str = "PASSWORD_CLAIM_SIGNATURE";
    /// The signed timestamp text.
    pub const TIMESTAMP: &str = "TIMESTAMP";
    /// `SECRET_HASH` for app clients with a secret.
    pub const SECRET_HASH: &str = "SECRET_HASH";
    /// The remembered device's key.
    pub const DEVICE_KEY: &str = "DEVICE_KEY";
    /// The first challenge of `CUSTOM_AUTH` with SRP (`AuthParameters`, value `SRP_A`).
    pub const CHALLENGE_NAME: &str = "CHALLENGE_NAME";
    /// The preferred first challenge of `USER_AUTH` (`AuthParameters`).
    pub const PREFERRED_CHALLENGE: &str = "PREFERRED_CHALLENGE";
    /// The refresh token of `REFRESH_TOKEN_AUTH` (`AuthParameters`).
    pub const REFRESH_TOKEN: &str = "REFRESH_TOKEN";
    /// The code of `SMS_MFA`.
    pub const SMS_MFA_CODE: &str = "SMS_MFA_CODE";
    /// The code of `SOFTWARE_TOKEN_MFA`.
    pub const SOFTWARE_TOKEN_MFA_CODE: &str = "SOFTWARE_TOKEN_MFA_CODE";
    /// The code of `EMAIL_OTP`.
    pub const EMAIL_OTP_CODE: &str = "EMAIL_OTP_CODE";
    /// The code of `SMS_OTP`.
    pub const SMS_OTP_CODE: &str = "SMS_OTP_CODE";
    /// The answer of `CUSTOM_CHALLENGE`, `SELECT_MFA_TYPE` and `SELECT_CHALLENGE`.
    pub const ANSWER: &str = "ANSWER";
    /// The new password of `NEW_PASSWORD_REQUIRED`.
    pub const NEW_PASSWORD: &str = "NEW_PASSWORD";
    /// The prefix of required attributes in `NEW_PASSWORD_REQUIRED` responses.
    pub const USER_ATTRIBUTES_PREFIX: &str = "userAttributes.";
    /// The password of the `PASSWORD` challenge (`USER_AUTH`).
    pub const PASSWORD: &str = "PASSWORD";
    /// The WebAuthn assertion (JSON text) of `WEB_AUTHN`.
    pub const CREDENTIAL: &str = "CREDENTIAL";
    /// The email address of an email `MFA_SETUP`.
    pub const EMAIL: &str = "EMAIL";
    /// Challenge parameter: how a code was delivered (`SMS`, `EMAIL`).
    pub const CODE_DELIVERY_DELIVERY_MEDIUM: &str = "CODE_DELIVERY_DELIVERY_MEDIUM";
    /// Challenge parameter: where a code was delivered (masked).
    pub const CODE_DELIVERY_DESTINATION: &str = "CODE_DELIVERY_DESTINATION";
    /// Challenge parameter of `NEW_PASSWORD_REQUIRED`: the user's attributes (JSON object).
    pub const USER_ATTRIBUTES: &str = "userAttributes";
    /// Challenge parameter of `NEW_PASSWORD_REQUIRED`: required attributes (JSON array).
    pub const REQUIRED_ATTRIBUTES: &str = "requiredAttributes";
    /// Challenge parameter of `SELECT_MFA_TYPE` (JSON array).
    pub const MFAS_CAN_CHOOSE: &str = "MFAS_CAN_CHOOSE";
    /// Challenge parameter of `MFA_SETUP` (JSON array).
    pub const MFAS_CAN_SETUP: &str = "MFAS_CAN_SETUP";
    /// Challenge parameter of `WEB_AUTHN` (JSON).
    pub const CREDENTIAL_REQUEST_OPTIONS: &str = "CREDENTIAL_REQUEST_OPTIONS";
}

/// Wire names of challenges (`ChallengeName`).
pub mod challenge_name {
    /// The SRP password claim that follows `USER_SRP_AUTH`.
    pub const PASSWORD_VERIFIER: &str = "PASSWORD_VERIFIER";
    /// The start of device SRP: answer with the device key and a fresh `SRP_A`.
    pub const DEVICE_SRP_AUTH: &str = "DEVICE_SRP_AUTH";
    /// The device SRP claim.
    pub const DEVICE_PASSWORD_VERIFIER: &str = "DEVICE_PASSWORD_VERIFIER";
    /// An SMS MFA code.
    pub const SMS_MFA: &str = "SMS_MFA";
    /// A TOTP MFA code.
    pub const SOFTWARE_TOKEN_MFA: &str = "SOFTWARE_TOKEN_MFA";
    /// An email code (email MFA, or passwordless email OTP).
    pub const EMAIL_OTP: &str = "EMAIL_OTP";
    /// A passwordless SMS code (`USER_AUTH`).
    pub const SMS_OTP: &str = "SMS_OTP";
    /// A challenge defined by the pool's Lambda triggers.
    pub const CUSTOM_CHALLENGE: &str = "CUSTOM_CHALLENGE";
    /// A new password (and required attributes) before the first sign-in completes.
    pub const NEW_PASSWORD_REQUIRED: &str = "NEW_PASSWORD_REQUIRED";
    /// The user chooses an MFA method.
    pub const SELECT_MFA_TYPE: &str = "SELECT_MFA_TYPE";
    /// The user must set up MFA.
    pub const MFA_SETUP: &str = "MFA_SETUP";
    /// The user chooses the first factor (`USER_AUTH`).
    pub const SELECT_CHALLENGE: &str = "SELECT_CHALLENGE";
    /// A plain password (`USER_AUTH`).
    pub const PASSWORD: &str = "PASSWORD";
    /// SRP as the first factor of `USER_AUTH`: answer with `SRP_A`.
    pub const PASSWORD_SRP: &str = "PASSWORD_SRP";
    /// A passkey assertion (`USER_AUTH`).
    pub const WEB_AUTHN: &str = "WEB_AUTHN";
    /// The start of `CUSTOM_AUTH` with SRP (`AuthParameters` `CHALLENGE_NAME`).
    pub const SRP_A: &str = "SRP_A";

    /// Every challenge name of the API's `ChallengeNameType` that a client can answer.
    pub const ALL: &[&str] = &[
        PASSWORD_VERIFIER,
        DEVICE_SRP_AUTH,
        DEVICE_PASSWORD_VERIFIER,
        SMS_MFA,
        SOFTWARE_TOKEN_MFA,
        EMAIL_OTP,
        SMS_OTP,
        CUSTOM_CHALLENGE,
        NEW_PASSWORD_REQUIRED,
        SELECT_MFA_TYPE,
        MFA_SETUP,
        SELECT_CHALLENGE,
        PASSWORD,
        PASSWORD_SRP,
        WEB_AUTHN,
    ];
}

/// Wire names of `AuthFlow`.
pub mod auth_flow {
    /// SRP sign-in.
    pub const USER_SRP_AUTH: &str = "USER_SRP_AUTH";
    /// Plain password sign-in (`InitiateAuth`): the password is sent as it is.
    pub const USER_PASSWORD_AUTH: &str = "USER_PASSWORD_AUTH";
    /// Plain password sign-in through `AdminInitiateAuth`.
    pub const ADMIN_USER_PASSWORD_AUTH: &str = "ADMIN_USER_PASSWORD_AUTH";
    /// Lambda-defined challenges, started with SRP or not.
    pub const CUSTOM_AUTH: &str = "CUSTOM_AUTH";
    /// Choice-based sign-in (passwordless, passkeys, passwords).
    pub const USER_AUTH: &str = "USER_AUTH";
    /// New tokens from a refresh token.
    pub const REFRESH_TOKEN_AUTH: &str = "REFRESH_TOKEN_AUTH";
}

/// Keys whose values are public by protocol: `Debug` prints these and redacts every other
/// value (passwords, codes, answers, credentials, refresh tokens, `SECRET_HASH`, attribute
/// values, and any key this crate does not know). `SECRET_HASH` is a bearer value: whoever
/// holds it can reuse it for that user until the client secret is rotated.
pub(crate) const PUBLIC: &[&str] = &[
    param::USERNAME,
    param::SRP_A,
    param::DEVICE_KEY,
    param::TIMESTAMP,
    param::PASSWORD_CLAIM_SECRET_BLOCK,
    param::PASSWORD_CLAIM_SIGNATURE,
    param::CHALLENGE_NAME,
    param::PREFERRED_CHALLENGE,
];

fn is_sensitive(key: &str) -> bool {
    !PUBLIC.contains(&key)
}

/// Ordered `(key, value)` pairs; values are wiped on drop. An index by key keeps insertion
/// and look-up at `O(log n)`, so a map built from many caller-supplied pairs is not quadratic.
#[derive(Default)]
pub(crate) struct WireMap {
    entries: Vec<(Cow<'static, str>, Zeroizing<String>)>,
    index: BTreeMap<Cow<'static, str>, usize>,
}

impl WireMap {
    /// Set `key` to `value`, replacing an earlier value (which is wiped).
    pub(crate) fn insert(&mut self, key: impl Into<Cow<'static, str>>, value: String) {
        let key = key.into();
        let value = Zeroizing::new(value);
        match self.index.get(&key).and_then(|&i| self.entries.get_mut(i)) {
            Some(entry) => entry.1 = value,
            None => {
                self.index.insert(key.clone(), self.entries.len());
                self.entries.push((key, value));
            }
        }
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.index
            .get(key)
            .and_then(|&i| self.entries.get(i))
            .map(|(_, v)| v.as_str())
    }

    fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + '_ {
        self.entries.iter().map(|(k, v)| (k.as_ref(), v.as_str()))
    }

    fn into_pairs(mut self) -> impl Iterator<Item = (String, String)> {
        core::mem::take(&mut self.entries)
            .into_iter()
            .map(|(k, mut v)| (k.into_owned(), core::mem::take(&mut *v)))
    }
}

impl fmt::Debug for WireMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (k, v) in self.iter() {
            map.entry(&k, if is_sensitive(k) { &"<redacted>" } else { &v });
        }
        map.finish()
    }
}

/// A map a request's keys are written into: [`ChallengeResponses`] or [`AuthParameters`].
pub(crate) trait WireInsert {
    /// Set `key` to `value`, replacing an earlier value.
    fn insert(&mut self, key: &'static str, value: String);
}

macro_rules! wire_map_type {
    ($(#[$doc:meta])* $name:ident, $label:ident, $label_doc:literal) => {
        $(#[$doc])*
        pub struct $name {
            $label: Cow<'static, str>,
            map: WireMap,
        }

        impl $name {
            pub(crate) fn new($label: impl Into<Cow<'static, str>>) -> Self {
                Self { $label: $label.into(), map: WireMap::default() }
            }

            /// Set `key` to `value`, replacing an earlier value.
            pub(crate) fn insert(&mut self, key: impl Into<Cow<'static, str>>, value: String) {
                self.map.insert(key, value);
            }

            #[doc = $label_doc]
            #[must_use]
            pub fn $label(&self) -> &str {
                &self.$label
            }

            /// Add `DEVICE_KEY`, for a sign-in with a remembered device.
            #[must_use]
            pub fn with_device_key(mut self, device_key: &str) -> Self {
                self.insert(param::DEVICE_KEY, String::from(device_key));
                self
            }

            /// The value of one key.
            #[must_use]
            pub fn get(&self, key: &str) -> Option<&str> {
                self.map.get(key)
            }

            /// The `(key, value)` pairs, in insertion order.
            #[must_use]
            pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + '_ {
                self.map.iter()
            }

            /// Number of keys.
            #[must_use]
            pub fn len(&self) -> usize {
                self.map.entries.len()
            }

            /// Whether there are no keys.
            #[must_use]
            pub fn is_empty(&self) -> bool {
                self.map.entries.is_empty()
            }
        }

        impl WireInsert for $name {
            fn insert(&mut self, key: &'static str, value: String) {
                self.map.insert(key, value);
            }
        }

        impl<'a> IntoIterator for &'a $name {
            type Item = (&'a str, &'a str);
            type IntoIter = alloc::boxed::Box<dyn Iterator<Item = (&'a str, &'a str)> + 'a>;

            fn into_iter(self) -> Self::IntoIter {
                alloc::boxed::Box::new(self.iter())
            }
        }

        #[cfg(feature = "std")]
        impl<S: core::hash::BuildHasher + Default> From<$name>
            for std::collections::HashMap<String, String, S>
        {
            /// The map the AWS SDK for Rust takes.
            fn from(value: $name) -> Self {
                value.map.into_pairs().collect()
            }
        }

        impl From<$name> for BTreeMap<String, String> {
            fn from(value: $name) -> Self {
                value.map.into_pairs().collect()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name))
                    .field(stringify!($label), &self.$label)
                    .field("entries", &self.map)
                    .finish()
            }
        }
    };
}

wire_map_type! {
    /// The `ChallengeResponses` of a `RespondToAuthChallenge` (or
    /// `AdminRespondToAuthChallenge`) request, with the challenge they answer.
    ///
    /// Iterate it as `(&str, &str)` pairs, or convert it into the `HashMap<String, String>`
    /// that the AWS SDK for Rust takes (`.set_challenge_responses(Some(responses.into()))`).
    /// Values are wiped on drop; `Debug` redacts passwords, answers and codes.
    ChallengeResponses, challenge_name, "The `ChallengeName` these responses answer, e.g. `\"PASSWORD_VERIFIER\"`."
}

wire_map_type! {
    /// The `AuthParameters` of an `InitiateAuth` (or `AdminInitiateAuth`) request, with its
    /// `AuthFlow`.
    ///
    /// Iterate it as `(&str, &str)` pairs, or convert it into the `HashMap<String, String>`
    /// that the AWS SDK for Rust takes (`.set_auth_parameters(Some(parameters.into()))`).
    /// Values are wiped on drop; `Debug` redacts secrets.
    AuthParameters, auth_flow, "The `AuthFlow` these parameters belong to, e.g. `\"USER_SRP_AUTH\"`."
}
