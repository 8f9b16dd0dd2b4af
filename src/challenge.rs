//! Typed, checked `ChallengeParameters`: the SRP claim challenges and the names of the
//! first factors and code challenges. This module only parses; the wire names live in
//! [`crate::wire`].

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crypto_bigint::U3072;

use crate::encoding::{
    MAX_HEX_DIGITS, decode_base64_vartime, parse_hex_int_vartime, u3072_from_be_slice,
};
use crate::error::{Error, Result};
use crate::group::N;
use crate::wire::{challenge_name, param};

/// `Debug` that prints the named (public) fields only and marks the rest as elided.
macro_rules! debug_public_fields {
    ($name:ident { $($field:ident),* }) => {
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name))
                    $(.field(stringify!($field), &self.$field))*
                    .finish_non_exhaustive()
            }
        }
    };
}
pub(crate) use debug_public_fields;

/// `TryFrom` the `HashMap` the AWS SDK for Rust returns as `challenge_parameters()`, through
/// the type's `from_params`.
macro_rules! try_from_sdk_map {
    ($name:ident) => {
        #[cfg(feature = "std")]
        impl<S: core::hash::BuildHasher> TryFrom<&std::collections::HashMap<String, String, S>>
            for $name
        {
            type Error = Error;

            /// Parse the map the AWS SDK for Rust returns as `challenge_parameters()`.
            fn try_from(params: &std::collections::HashMap<String, String, S>) -> Result<Self> {
                Self::from_params(|name| params.get(name).map(String::as_str))
            }
        }
    };
}
pub(crate) use try_from_sdk_map;

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

try_from_sdk_map!(PasswordVerifierChallenge);
debug_public_fields!(PasswordVerifierChallenge {
    user_id_for_srp,
    username
});
