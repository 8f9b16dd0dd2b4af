//! What a sign-in asks the user ([`Question`]) and what the user answers ([`Answer`]), and the
//! parsing of the challenges a user answers.

use alloc::collections::BTreeMap;
use alloc::string::{String, ToString as _};
use alloc::vec::Vec;
use core::fmt;

use super::messages::{Challenge, KeysOnly, redacted};
use crate::challenge::{CodeChallenge, FirstFactor, optional};
use crate::error::{Error, Result};
use crate::secret::Password;
use crate::wire::{challenge_name, param};

/// Something only the user (or the application) can provide. `Debug` redacts the
/// `MFA_SETUP` session, user attributes, WebAuthn options and the values of custom and unknown
/// challenge parameters.
#[derive(Clone, Eq, PartialEq)]
#[non_exhaustive]
pub enum Question {
    /// The flow needs the user's password and the sign-in was started without one: answer
    /// [`Answer::Password`].
    Password,
    /// A one-time code: answer [`Answer::Code`].
    Code {
        /// Which code challenge.
        challenge: CodeChallenge,
        /// `CODE_DELIVERY_DELIVERY_MEDIUM`, when sent.
        delivery_medium: Option<String>,
        /// `CODE_DELIVERY_DESTINATION` (masked), when sent.
        destination: Option<String>,
    },
    /// A `CUSTOM_CHALLENGE` with its public parameters: answer [`Answer::CustomAnswer`].
    CustomChallenge {
        /// The Lambda's public challenge parameters.
        parameters: BTreeMap<String, String>,
    },
    /// `NEW_PASSWORD_REQUIRED`: answer [`Answer::NewPassword`] with a value for each required
    /// attribute that has none yet, and for no required attribute that already has one
    /// (Cognito refuses that; change it later with `UpdateUserAttributes`).
    NewPassword {
        /// Required attribute names, without the `userAttributes.` prefix.
        required_attributes: Vec<String>,
        /// The user's current attributes (`userAttributes`), by name.
        user_attributes: BTreeMap<String, String>,
    },
    /// `SELECT_MFA_TYPE`: answer [`Answer::MfaType`] with one of `options`.
    SelectMfaType {
        /// `MFAS_CAN_CHOOSE`.
        options: Vec<String>,
    },
    /// `MFA_SETUP`: for TOTP, call `AssociateSoftwareToken` with `session`, let the user add
    /// the secret to an authenticator, call `VerifySoftwareToken`, and answer
    /// [`Answer::MfaSetupTotp`] with the session it returned; for email, answer
    /// [`Answer::MfaSetupEmail`].
    MfaSetup {
        /// `MFAS_CAN_SETUP`.
        options: Vec<String>,
        /// The challenge's `Session`, for `AssociateSoftwareToken`.
        session: Option<String>,
    },
    /// `SELECT_CHALLENGE` (`USER_AUTH`) when no first factor of the sign-in's preference is
    /// offered: answer [`Answer::FirstFactor`] with one of `available`. Choosing
    /// [`FirstFactor::Password`] sends the password itself (no SRP): offer it only where the
    /// user expects that.
    SelectChallenge {
        /// `AvailableChallenges` this crate knows, in Cognito's order.
        available: Vec<FirstFactor>,
    },
    /// `WEB_AUTHN`: run the authenticator with the options and answer
    /// [`Answer::WebAuthnCredential`] with its `AuthenticationResponseJSON`. The crate does no
    /// WebAuthn itself: both texts pass through unchanged.
    WebAuthn {
        /// `CREDENTIAL_REQUEST_OPTIONS` (JSON text), when sent.
        credential_request_options: Option<String>,
    },
    /// A challenge this crate does not know: answer [`Answer::Responses`].
    Unknown(Challenge),
}

/// The caller's answer to a [`Question`].
#[non_exhaustive]
pub enum Answer {
    /// The password of [`Question::Password`].
    Password(Password),
    /// The code of [`Question::Code`].
    Code(String),
    /// The answer of [`Question::CustomChallenge`].
    CustomAnswer(String),
    /// The new password and the `(name, value)` of each required attribute.
    NewPassword {
        /// The new password.
        password: Password,
        /// Attribute values, names with or without the `userAttributes.` prefix.
        attributes: Vec<(String, String)>,
    },
    /// The MFA type chosen at [`Question::SelectMfaType`].
    MfaType(String),
    /// TOTP set up: the `Session` `VerifySoftwareToken` returned.
    MfaSetupTotp {
        /// The session to answer `MFA_SETUP` with.
        session: String,
    },
    /// Email MFA set up with this address.
    MfaSetupEmail {
        /// The address.
        email: String,
    },
    /// The first factor of [`Question::SelectChallenge`].
    FirstFactor(FirstFactor),
    /// The `AuthenticationResponseJSON` of [`Question::WebAuthn`], as text.
    WebAuthnCredential(String),
    /// The responses (besides `USERNAME`, `SECRET_HASH`, `DEVICE_KEY`) of
    /// [`Question::Unknown`].
    Responses(Vec<(String, String)>),
}

impl Drop for Answer {
    fn drop(&mut self) {
        use zeroize::Zeroize as _;
        match self {
            Self::Code(s)
            | Self::CustomAnswer(s)
            | Self::MfaType(s)
            | Self::WebAuthnCredential(s)
            | Self::MfaSetupTotp { session: s }
            | Self::MfaSetupEmail { email: s } => s.zeroize(),
            Self::NewPassword { attributes, .. } => {
                for (name, value) in attributes.iter_mut() {
                    name.zeroize();
                    value.zeroize();
                }
            }
            Self::Responses(pairs) => {
                for (name, value) in pairs.iter_mut() {
                    name.zeroize();
                    value.zeroize();
                }
            }
            Self::Password(_) | Self::FirstFactor(_) => {}
        }
    }
}

/// Codes, answers and credentials are wiped on drop (passwords are [`Password`]s).
impl zeroize::ZeroizeOnDrop for Answer {}

impl fmt::Debug for Answer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Self::Password(_) => "Password",
            Self::Code(_) => "Code",
            Self::CustomAnswer(_) => "CustomAnswer",
            Self::NewPassword { .. } => "NewPassword",
            Self::MfaType(t) => return f.debug_tuple("MfaType").field(t).finish(),
            Self::MfaSetupTotp { .. } => "MfaSetupTotp",
            Self::MfaSetupEmail { .. } => "MfaSetupEmail",
            Self::FirstFactor(c) => return f.debug_tuple("FirstFactor").field(c).finish(),
            Self::WebAuthnCredential(_) => "WebAuthnCredential",
            Self::Responses(_) => "Responses",
        };
        write!(f, "{name}(<redacted>)")
    }
}

impl Question {
    /// Whether `answer` fits this question: `Ok` when it does, the error to return (the
    /// question stays pending) when it does not.
    pub(super) fn check(&self, answer: &Answer, max_pairs: usize) -> Result<()> {
        let fits = match (self, answer) {
            (Self::Password, Answer::Password(_))
            | (Self::Code { .. }, Answer::Code(_))
            | (Self::CustomChallenge { .. }, Answer::CustomAnswer(_))
            | (Self::SelectMfaType { .. }, Answer::MfaType(_))
            | (Self::MfaSetup { .. }, Answer::MfaSetupTotp { .. } | Answer::MfaSetupEmail { .. })
            | (Self::WebAuthn { .. }, Answer::WebAuthnCredential(_)) => true,
            (Self::SelectChallenge { available }, Answer::FirstFactor(factor)) => {
                available.is_empty() || available.contains(factor)
            }
            (Self::Unknown(_), Answer::Responses(pairs)) => pairs.len() <= max_pairs,
            (
                Self::NewPassword {
                    required_attributes,
                    user_attributes,
                },
                Answer::NewPassword { attributes, .. },
            ) => {
                if attributes.len() > max_pairs {
                    return Err(Error::AnswerMismatch);
                }
                return check_attributes(required_attributes, user_attributes, attributes);
            }
            _ => false,
        };
        if fits {
            Ok(())
        } else {
            Err(Error::AnswerMismatch)
        }
    }
}

/// Every required attribute without a value gets one; no required attribute that has a value
/// is set again.
fn check_attributes(
    required: &[String],
    current: &BTreeMap<String, String>,
    answer: &[(String, String)],
) -> Result<()> {
    let name = |n: &str| String::from(n.strip_prefix(param::USER_ATTRIBUTES_PREFIX).unwrap_or(n));
    let answered: Vec<String> = answer
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(n, _)| name(n))
        .collect();
    for attribute in required {
        let has_value = current.get(attribute).is_some_and(|v| !v.is_empty());
        let set = answered.contains(attribute);
        if has_value && set {
            return Err(Error::AttributeAlreadySet);
        }
        if !has_value && !set {
            return Err(Error::MissingAttribute);
        }
    }
    Ok(())
}

/// The question a user-answered challenge asks.
pub(super) fn question_for(challenge: &Challenge) -> Result<Question> {
    let lookup = |key: &str| challenge.parameters.get(key).map(String::as_str);
    let text = |key: &'static str| -> Result<Option<String>> {
        Ok(optional(&lookup, key)?.map(String::from))
    };
    let list = |key: &'static str| -> Result<Vec<String>> {
        match optional(&lookup, key)? {
            Some(json) => {
                serde_json::from_str(json).map_err(|_| Error::MalformedParameter { name: key })
            }
            None => Ok(Vec::new()),
        }
    };
    if let Some(code) = CodeChallenge::from_wire(&challenge.name) {
        return Ok(Question::Code {
            challenge: code,
            delivery_medium: text(param::CODE_DELIVERY_DELIVERY_MEDIUM)?,
            destination: text(param::CODE_DELIVERY_DESTINATION)?,
        });
    }
    Ok(match challenge.name.as_str() {
        challenge_name::CUSTOM_CHALLENGE => {
            let mut parameters = challenge.parameters.clone();
            parameters.remove(param::USERNAME);
            Question::CustomChallenge { parameters }
        }
        challenge_name::NEW_PASSWORD_REQUIRED => Question::NewPassword {
            required_attributes: list(param::REQUIRED_ATTRIBUTES)?
                .into_iter()
                .map(|a| match a.strip_prefix(param::USER_ATTRIBUTES_PREFIX) {
                    Some(name) => String::from(name),
                    None => a,
                })
                .collect(),
            user_attributes: user_attributes(optional(&lookup, param::USER_ATTRIBUTES)?)?,
        },
        challenge_name::SELECT_MFA_TYPE => Question::SelectMfaType {
            options: list(param::MFAS_CAN_CHOOSE)?,
        },
        challenge_name::MFA_SETUP => Question::MfaSetup {
            options: list(param::MFAS_CAN_SETUP)?,
            session: challenge.session.clone(),
        },
        challenge_name::WEB_AUTHN => Question::WebAuthn {
            credential_request_options: text(param::CREDENTIAL_REQUEST_OPTIONS)?,
        },
        _ => Question::Unknown(challenge.clone()),
    })
}

/// `userAttributes`: a JSON object of attribute names and (string) values; `null` values are
/// left out, numbers and booleans kept as their JSON text.
fn user_attributes(json: Option<&str>) -> Result<BTreeMap<String, String>> {
    let Some(json) = json else {
        return Ok(BTreeMap::new());
    };
    let malformed = Error::MalformedParameter {
        name: param::USER_ATTRIBUTES,
    };
    let object: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(json).map_err(|_| malformed)?;
    object
        .into_iter()
        .filter_map(|(name, value)| match value {
            serde_json::Value::Null => None,
            serde_json::Value::String(s) => Some(Ok((name, s))),
            serde_json::Value::Bool(_) | serde_json::Value::Number(_) => {
                Some(Ok((name, value.to_string())))
            }
            serde_json::Value::Array(_) | serde_json::Value::Object(_) => Some(Err(malformed)),
        })
        .collect()
}

impl fmt::Debug for Question {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Password => f.write_str("Password"),
            Self::Code {
                challenge,
                delivery_medium,
                destination,
            } => f
                .debug_struct("Code")
                .field("challenge", challenge)
                .field("delivery_medium", delivery_medium)
                .field("destination", destination)
                .finish(),
            Self::CustomChallenge { parameters } => f
                .debug_struct("CustomChallenge")
                .field(
                    "parameters",
                    &KeysOnly {
                        entries: parameters.iter(),
                        public: &[],
                    },
                )
                .finish(),
            Self::NewPassword {
                required_attributes,
                user_attributes,
            } => f
                .debug_struct("NewPassword")
                .field("required_attributes", required_attributes)
                .field(
                    "user_attributes",
                    &KeysOnly {
                        entries: user_attributes.iter(),
                        public: &[],
                    },
                )
                .finish(),
            Self::SelectMfaType { options } => f
                .debug_struct("SelectMfaType")
                .field("options", options)
                .finish(),
            Self::MfaSetup { options, session } => f
                .debug_struct("MfaSetup")
                .field("options", options)
                .field("session", &redacted(session.as_ref()))
                .finish(),
            Self::SelectChallenge { available } => f
                .debug_struct("SelectChallenge")
                .field("available", available)
                .finish(),
            Self::WebAuthn {
                credential_request_options,
            } => f
                .debug_struct("WebAuthn")
                .field(
                    "credential_request_options",
                    &redacted(credential_request_options.as_ref()),
                )
                .finish(),
            Self::Unknown(challenge) => f.debug_tuple("Unknown").field(challenge).finish(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    fn challenge(name: &str, params: &[(&str, &str)]) -> Challenge {
        Challenge::new(name, params.iter().copied(), None)
    }

    #[test]
    fn json_parameters() {
        let q = question_for(&challenge(
            "NEW_PASSWORD_REQUIRED",
            &[
                ("requiredAttributes", r#"["userAttributes.email","name"]"#),
                (
                    "userAttributes",
                    r#"{"email":"","name":"Ann \"A\"","email_verified":true,"phone":null}"#,
                ),
            ],
        ));
        let Ok(Question::NewPassword {
            required_attributes,
            user_attributes,
        }) = q
        else {
            panic!("{q:?}");
        };
        assert_eq!(required_attributes, ["email", "name"]);
        assert_eq!(
            user_attributes.into_iter().collect::<Vec<_>>(),
            vec![
                ("email".into(), String::new()),
                ("email_verified".into(), "true".into()),
                ("name".into(), "Ann \"A\"".into()),
            ]
        );
        for (key, bad) in [
            ("requiredAttributes", "[1]"),
            ("requiredAttributes", "[\"a\""),
            ("userAttributes", "[]"),
            ("userAttributes", r#"{"a":{"b":"c"}}"#),
        ] {
            let name = if key == "userAttributes" {
                param::USER_ATTRIBUTES
            } else {
                param::REQUIRED_ATTRIBUTES
            };
            assert_eq!(
                question_for(&challenge("NEW_PASSWORD_REQUIRED", &[(key, bad)])),
                Err(Error::MalformedParameter { name }),
                "{bad}"
            );
        }
    }

    #[test]
    fn new_password_attribute_rules() {
        let required = vec![String::from("email"), String::from("name")];
        let current = BTreeMap::from([(String::from("email"), String::from("a@b.c"))]);
        let answer = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs.iter().map(|&(k, v)| (k.into(), v.into())).collect()
        };
        let check = |pairs: &[(&str, &str)]| check_attributes(&required, &current, &answer(pairs));
        assert_eq!(check(&[("name", "Ann")]), Ok(()));
        assert_eq!(
            check(&[("userAttributes.name", "Ann"), ("locale", "fr")]),
            Ok(())
        );
        assert_eq!(check(&[]), Err(Error::MissingAttribute));
        assert_eq!(check(&[("name", "")]), Err(Error::MissingAttribute));
        assert_eq!(
            check(&[("name", "Ann"), ("email", "x@y.z")]),
            Err(Error::AttributeAlreadySet)
        );
    }
}
