//! Typed challenge parameters in, ready-to-send challenge responses out. Every wire key is
//! written once, in [`param`].

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crypto_bigint::U3072;

use crate::encoding::{
    MAX_HEX_DIGITS, decode_base64_vartime, parse_hex_int_vartime, u3072_from_be_slice,
};
use crate::error::{Error, Result};
use crate::group::N;

pub use crate::wire::{AuthParameters, ChallengeResponses};

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

/// A first factor of `USER_AUTH`: a `PREFERRED_CHALLENGE`, an entry of
/// `AvailableChallenges`, the `ANSWER` of `SELECT_CHALLENGE`.
#[derive(Clone, Copy, Debug, Eq, PartialEq, Hash)]
#[non_exhaustive]
pub enum FirstFactor {
    /// `PASSWORD`: the password itself is sent.
    Password,
    /// `PASSWORD_SRP`: SRP, the password stays with the client.
    PasswordSrp,
    /// `EMAIL_OTP`: a code sent by email.
    EmailOtp,
    /// `SMS_OTP`: a code sent by SMS.
    SmsOtp,
    /// `WEB_AUTHN`: a passkey.
    WebAuthn,
}

impl FirstFactor {
    /// Every first factor, in this order.
    pub const ALL: [Self; 5] = [
        Self::Password,
        Self::PasswordSrp,
        Self::EmailOtp,
        Self::SmsOtp,
        Self::WebAuthn,
    ];

    /// The wire name, e.g. `"PASSWORD_SRP"`.
    #[must_use]
    pub fn wire_name(self) -> &'static str {
        match self {
            Self::Password => challenge_name::PASSWORD,
            Self::PasswordSrp => challenge_name::PASSWORD_SRP,
            Self::EmailOtp => challenge_name::EMAIL_OTP,
            Self::SmsOtp => challenge_name::SMS_OTP,
            Self::WebAuthn => challenge_name::WEB_AUTHN,
        }
    }

    /// The first factor of a wire name; `None` for any other text.
    #[must_use]
    pub fn from_wire(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.wire_name() == name)
    }

    /// Whether choosing it sends the password (`PASSWORD` sends it as it is; `PASSWORD_SRP`
    /// needs it for the claim).
    #[must_use]
    pub fn needs_password(self) -> bool {
        matches!(self, Self::Password | Self::PasswordSrp)
    }
}

/// The challenges answered with a one-time code.
#[derive(Clone, Copy, Debug, Eq, PartialEq, Hash)]
#[non_exhaustive]
pub enum CodeChallenge {
    /// `SMS_MFA`: `SMS_MFA_CODE`.
    SmsMfa,
    /// `SOFTWARE_TOKEN_MFA`: `SOFTWARE_TOKEN_MFA_CODE` (TOTP).
    SoftwareTokenMfa,
    /// `EMAIL_OTP`: `EMAIL_OTP_CODE` (email MFA, or passwordless email sign-in).
    EmailOtp,
    /// `SMS_OTP`: `SMS_OTP_CODE` (passwordless SMS sign-in).
    SmsOtp,
}

impl CodeChallenge {
    /// Every code challenge, in this order.
    pub const ALL: [Self; 4] = [
        Self::SmsMfa,
        Self::SoftwareTokenMfa,
        Self::EmailOtp,
        Self::SmsOtp,
    ];

    /// The challenge name, e.g. `"SMS_MFA"`.
    #[must_use]
    pub fn wire_name(self) -> &'static str {
        match self {
            Self::SmsMfa => challenge_name::SMS_MFA,
            Self::SoftwareTokenMfa => challenge_name::SOFTWARE_TOKEN_MFA,
            Self::EmailOtp => challenge_name::EMAIL_OTP,
            Self::SmsOtp => challenge_name::SMS_OTP,
        }
    }

    /// The response key of the code, e.g. `"SMS_MFA_CODE"`.
    #[must_use]
    pub fn code_key(self) -> &'static str {
        match self {
            Self::SmsMfa => param::SMS_MFA_CODE,
            Self::SoftwareTokenMfa => param::SOFTWARE_TOKEN_MFA_CODE,
            Self::EmailOtp => param::EMAIL_OTP_CODE,
            Self::SmsOtp => param::SMS_OTP_CODE,
        }
    }

    /// The code challenge of a challenge name; `None` for any other.
    #[must_use]
    pub fn from_wire(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.wire_name() == name)
    }
}

/// The `ChallengeParameters` of a `PASSWORD_VERIFIER` challenge, parsed and checked.
///
/// `SALT` and `SRP_B` are parsed as hexadecimal integers (case-insensitive, odd length and
/// leading zeros allowed; a negative `SALT` is kept as its two's-complement bytes, as Amplify
/// JS does). `SECRET_BLOCK` is standard base64 (URL-safe characters and missing padding are
/// accepted too) and is echoed back exactly as received. The signature identity is
/// `USER_ID_FOR_SRP`; the `USERNAME` of the responses and of their `SECRET_HASH` is the
/// challenge's `USERNAME`, or `USER_ID_FOR_SRP` when that is absent.
#[derive(Clone)]
pub struct PasswordVerifierChallenge {
    pub(crate) srp: SrpParameters,
    pub(crate) user_id_for_srp: String,
    pub(crate) username: String,
}

/// The parameters every SRP claim challenge carries: `SALT`, `SRP_B`, `SECRET_BLOCK`.
#[derive(Clone)]
pub(crate) struct SrpParameters {
    /// `enc(salt)`.
    pub(crate) salt_enc: Vec<u8>,
    /// The checked server ephemeral.
    pub(crate) srp_b: ServerPublic,
    /// `SECRET_BLOCK` as received.
    pub(crate) secret_block: String,
    /// `SECRET_BLOCK` decoded.
    pub(crate) secret_block_bytes: Vec<u8>,
}

impl SrpParameters {
    /// Parse `SALT`, `SRP_B` and `SECRET_BLOCK`, in that order.
    pub(crate) fn parse<'a>(lookup: &impl Fn(&str) -> Option<&'a str>) -> Result<Self> {
        let salt = parse_hex_int_vartime(param::SALT, required(lookup, param::SALT)?, true)?;
        let srp_b = ServerPublic::parse_vartime(param::SRP_B, required(lookup, param::SRP_B)?)?;
        let secret_block = required(lookup, param::SECRET_BLOCK)?;
        let secret_block_bytes = decode_base64_vartime(param::SECRET_BLOCK, secret_block)?;
        Ok(Self {
            salt_enc: salt.to_java_bytes_vartime(),
            srp_b,
            secret_block: String::from(secret_block),
            secret_block_bytes,
        })
    }
}

/// A checked server public ephemeral `B`: `0 < B mod N`, at most 3072 bits.
#[derive(Clone)]
pub(crate) struct ServerPublic {
    /// `enc(B)` of the integer as sent (this is what `u` hashes).
    pub(crate) enc: Vec<u8>,
    /// `B mod N`.
    pub(crate) reduced: U3072,
}

impl ServerPublic {
    /// Parse and check an `SRP_B` (or, server side, `SRP_A`) text: a public value.
    pub(crate) fn parse_vartime(name: &'static str, text: &str) -> Result<Self> {
        let b = parse_hex_int_vartime(name, text, false)?;
        let value = u3072_from_be_slice(&b.magnitude).ok_or(Error::MalformedParameter { name })?;
        // B < 2^3072 < 2N, so one conditional subtraction reduces it.
        let n = N.as_ref();
        let reduced = if value >= *n {
            value.wrapping_sub(n)
        } else {
            value
        };
        if bool::from(reduced.is_zero()) {
            return Err(Error::IllegalServerB);
        }
        Ok(Self {
            enc: b.to_java_bytes_vartime(),
            reduced,
        })
    }
}

/// The longest value accepted for a parameter, checked before the value is parsed or copied.
/// Cognito's own values are far shorter: `SRP_B` has at most 768 hex digits, salts 32, a
/// `SECRET_BLOCK` about 1,500 base64 characters, a user name at most 128 characters.
#[must_use]
pub(crate) fn max_len(name: &str) -> usize {
    match name {
        param::SALT | param::SRP_A | param::SRP_B => MAX_HEX_DIGITS + 1,
        param::USERNAME | param::USER_ID_FOR_SRP | param::DEVICE_KEY => 2048,
        param::TIMESTAMP => 64,
        param::PASSWORD_CLAIM_SIGNATURE => 128,
        param::SECRET_BLOCK | param::PASSWORD_CLAIM_SECRET_BLOCK => 16 * 1024,
        _ => 64 * 1024,
    }
}

/// An optional parameter, refused when longer than [`max_len`].
pub(crate) fn optional<'a>(
    lookup: &impl Fn(&str) -> Option<&'a str>,
    name: &'static str,
) -> Result<Option<&'a str>> {
    match lookup(name) {
        Some(value) if value.len() > max_len(name) => Err(Error::MalformedParameter { name }),
        other => Ok(other),
    }
}

/// A required parameter, refused when absent or longer than [`max_len`].
pub(crate) fn required<'a>(
    lookup: &impl Fn(&str) -> Option<&'a str>,
    name: &'static str,
) -> Result<&'a str> {
    optional(lookup, name)?.ok_or(Error::MissingParameter { name })
}

pub(crate) fn non_empty(name: &'static str, value: &str) -> Result<String> {
    if value.is_empty() {
        return Err(Error::MalformedParameter { name });
    }
    Ok(String::from(value))
}

impl PasswordVerifierChallenge {
    /// Parse the `ChallengeParameters` of a `PASSWORD_VERIFIER` challenge through a lookup
    /// function, so that any map type works:
    ///
    /// ```
    /// use std::collections::HashMap;
    /// use cognito_srp_auth::{Error, PasswordVerifierChallenge};
    ///
    /// let params: HashMap<String, String> = HashMap::from([
    ///     ("SALT".into(), "8ce8291892390f6b53a245933faf6164".into()),
    ///     ("SRP_B".into(), "0".into()),
    ///     ("SECRET_BLOCK".into(), "c2VjcmV0".into()),
    ///     ("USER_ID_FOR_SRP".into(), "alice".into()),
    /// ]);
    /// let parsed = PasswordVerifierChallenge::from_params(|k| params.get(k).map(String::as_str));
    /// assert_eq!(parsed.err(), Some(Error::IllegalServerB));
    /// ```
    ///
    /// # Errors
    /// Parameters are checked in the order `SALT`, `SRP_B`, `SECRET_BLOCK`,
    /// `USER_ID_FOR_SRP`, `USERNAME`; the first problem is returned:
    /// - [`Error::MissingParameter`]: one of the first four is absent (`USERNAME` may be).
    /// - [`Error::MalformedParameter`]: `SALT` or `SRP_B` is not hex (`SRP_B` may not be
    ///   negative, nor wider than 3072 bits), `SECRET_BLOCK` is not base64, a user name is
    ///   empty, or a value is longer than any Cognito sends (more than 1,025 characters of
    ///   hex, 16 KiB of `SECRET_BLOCK`, 2 KiB of user name; refused before it is parsed).
    /// - [`Error::IllegalServerB`]: `SRP_B ≡ 0 (mod N)`.
    pub fn from_params<'a, F>(lookup: F) -> Result<Self>
    where
        F: Fn(&str) -> Option<&'a str>,
    {
        let srp = SrpParameters::parse(&lookup)?;
        let user_id_for_srp = non_empty(
            param::USER_ID_FOR_SRP,
            required(&lookup, param::USER_ID_FOR_SRP)?,
        )?;
        let username = match optional(&lookup, param::USERNAME)? {
            Some(name) => non_empty(param::USERNAME, name)?,
            None => user_id_for_srp.clone(),
        };
        Ok(Self {
            srp,
            user_id_for_srp,
            username,
        })
    }

    /// The internal user name the responses carry as `USERNAME` (and hash in `SECRET_HASH`).
    #[must_use]
    pub fn username(&self) -> &str {
        &self.username
    }

    /// `USER_ID_FOR_SRP`, the identity the verifier and the signature are built with.
    #[must_use]
    pub fn user_id_for_srp(&self) -> &str {
        &self.user_id_for_srp
    }
}

#[cfg(feature = "std")]
impl<S: core::hash::BuildHasher> TryFrom<&std::collections::HashMap<String, String, S>>
    for PasswordVerifierChallenge
{
    type Error = Error;

    /// Parse the map the AWS SDK for Rust returns as `challenge_parameters()`.
    fn try_from(params: &std::collections::HashMap<String, String, S>) -> Result<Self> {
        Self::from_params(|name| params.get(name).map(String::as_str))
    }
}

impl fmt::Debug for PasswordVerifierChallenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PasswordVerifierChallenge")
            .field("user_id_for_srp", &self.user_id_for_srp)
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}
