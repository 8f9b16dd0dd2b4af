//! Typed challenge parameters in, ready-to-send challenge responses out. Every wire key is
//! written once, in [`param`].

use alloc::borrow::Cow;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use crypto_bigint::U3072;
use zeroize::Zeroizing;

use crate::encoding::{decode_base64_lenient, parse_hex_int, u3072_from_be_slice};
use crate::error::{Error, Result};
use crate::group::N;

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
    /// The flow of `CUSTOM_AUTH` with SRP first (`AuthParameters`).
    pub const CHALLENGE_NAME: &str = "CHALLENGE_NAME";
}

/// Wire names of challenges (`ChallengeName`).
pub mod challenge_name {
    /// The SRP password claim that follows `USER_SRP_AUTH`.
    pub const PASSWORD_VERIFIER: &str = "PASSWORD_VERIFIER";
    /// The start of device SRP: answer with the device key and a fresh `SRP_A`.
    pub const DEVICE_SRP_AUTH: &str = "DEVICE_SRP_AUTH";
    /// The device SRP claim.
    pub const DEVICE_PASSWORD_VERIFIER: &str = "DEVICE_PASSWORD_VERIFIER";
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
        let salt = parse_hex_int(param::SALT, required(lookup, param::SALT)?, true)?;
        let srp_b = ServerPublic::parse(param::SRP_B, required(lookup, param::SRP_B)?)?;
        let secret_block = required(lookup, param::SECRET_BLOCK)?;
        let secret_block_bytes = decode_base64_lenient(param::SECRET_BLOCK, secret_block)?;
        Ok(Self {
            salt_enc: salt.to_java_bytes(),
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
    /// Parse and check an `SRP_B` text (public value; variable time is fine).
    pub(crate) fn parse(name: &'static str, text: &str) -> Result<Self> {
        let b = parse_hex_int(name, text, false)?;
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
            enc: b.to_java_bytes(),
            reduced,
        })
    }
}

pub(crate) fn required<'a>(
    lookup: &impl Fn(&str) -> Option<&'a str>,
    name: &'static str,
) -> Result<&'a str> {
    lookup(name).ok_or(Error::MissingParameter { name })
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
    ///   negative, nor wider than 3072 bits), `SECRET_BLOCK` is not base64, or a user name is
    ///   empty.
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
        let username = match lookup(param::USERNAME) {
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

/// Keys whose values are secrets or one-time codes: `Debug` prints them as `<redacted>`.
const SENSITIVE: &[&str] = &["NEW_PASSWORD", "PASSWORD", "ANSWER", "CREDENTIAL"];

/// The `ChallengeResponses` of a `RespondToAuthChallenge` (or `AdminRespondToAuthChallenge`)
/// request, with the challenge they answer.
///
/// Iterate it as `(&str, &str)` pairs, or convert it into the `HashMap<String, String>` that
/// the AWS SDK for Rust takes (`.set_challenge_responses(Some(responses.into()))`).
/// Values are wiped on drop.
pub struct ChallengeResponses {
    challenge_name: &'static str,
    entries: Vec<(Cow<'static, str>, Zeroizing<String>)>,
}

impl ChallengeResponses {
    pub(crate) fn new(challenge_name: &'static str) -> Self {
        Self {
            challenge_name,
            entries: Vec::with_capacity(8),
        }
    }

    /// Set `key` to `value`, replacing an earlier value.
    pub(crate) fn insert(&mut self, key: impl Into<Cow<'static, str>>, value: String) {
        let key = key.into();
        let value = Zeroizing::new(value);
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = value,
            None => self.entries.push((key, value)),
        }
    }

    /// Add `DEVICE_KEY`, for a sign-in with a remembered device.
    #[must_use]
    pub fn with_device_key(mut self, device_key: &str) -> Self {
        self.insert(param::DEVICE_KEY, String::from(device_key));
        self
    }

    /// The `ChallengeName` these responses answer, e.g. `"PASSWORD_VERIFIER"`.
    #[must_use]
    pub fn challenge_name(&self) -> &'static str {
        self.challenge_name
    }

    /// The value of one key.
    #[must_use]
    pub fn get(&self, key: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The `(key, value)` pairs, in insertion order.
    #[must_use]
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + '_ {
        self.entries.iter().map(|(k, v)| (k.as_ref(), v.as_str()))
    }

    /// Number of keys.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no keys.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn into_pairs(mut self) -> impl Iterator<Item = (String, String)> {
        core::mem::take(&mut self.entries)
            .into_iter()
            .map(|(k, mut v)| (k.into_owned(), core::mem::take(&mut *v)))
    }
}

impl<'a> IntoIterator for &'a ChallengeResponses {
    type Item = (&'a str, &'a str);
    type IntoIter = alloc::boxed::Box<dyn Iterator<Item = (&'a str, &'a str)> + 'a>;

    fn into_iter(self) -> Self::IntoIter {
        alloc::boxed::Box::new(self.iter())
    }
}

#[cfg(feature = "std")]
impl<S: core::hash::BuildHasher + Default> From<ChallengeResponses>
    for std::collections::HashMap<String, String, S>
{
    /// The map `aws_sdk_cognitoidentityprovider` takes as `ChallengeResponses`.
    fn from(responses: ChallengeResponses) -> Self {
        responses.into_pairs().collect()
    }
}

impl From<ChallengeResponses> for BTreeMap<String, String> {
    fn from(responses: ChallengeResponses) -> Self {
        responses.into_pairs().collect()
    }
}

impl fmt::Debug for ChallengeResponses {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Entries<'a>(&'a ChallengeResponses);
        impl fmt::Debug for Entries<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut map = f.debug_map();
                for (k, v) in self.0.iter() {
                    let secret = SENSITIVE.contains(&k) || k.ends_with("_CODE");
                    map.entry(&k, if secret { &"<redacted>" } else { &v });
                }
                map.finish()
            }
        }
        f.debug_struct("ChallengeResponses")
            .field("challenge_name", &self.challenge_name)
            .field("entries", &Entries(self))
            .finish()
    }
}
