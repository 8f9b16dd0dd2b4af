//! The crate's one error type.

use core::fmt;

/// Everything that can go wrong while computing Cognito SRP values.
///
/// Every variant that concerns a server value names the wire parameter (`"SRP_B"`, `"SALT"`, …)
/// and never carries or prints the value itself, so errors are safe to log.
#[derive(Clone, Copy, Debug, Eq, PartialEq, Hash)]
#[non_exhaustive]
pub enum Error {
    /// A required challenge parameter is absent.
    MissingParameter {
        /// Wire name of the parameter, e.g. `"SRP_B"`.
        name: &'static str,
    },
    /// A challenge parameter is present but is not of its wire form: not hexadecimal
    /// (`SALT`, `SRP_B`), not base64 (`SECRET_BLOCK`), empty, or out of range (an `SRP_B`
    /// wider than 3072 bits).
    MalformedParameter {
        /// Wire name of the parameter, e.g. `"SECRET_BLOCK"`.
        name: &'static str,
    },
    /// The user pool id is not of the form `<region>_<name>` (exactly one `_`, both parts
    /// non-empty).
    InvalidPoolId,
    /// The server's `SRP_B` is zero modulo N. SRP-6a requires the client to abort: such a
    /// value would make the session key independent of the password.
    IllegalServerB,
    /// The scrambling parameter `u = H(A ‖ B)` is zero. SRP-6a requires the client to abort.
    IllegalScrambler,
    /// The private ephemeral `a` is zero (only possible with injected bytes).
    IllegalEphemeral,
    /// The random number generator failed to produce bytes.
    RandomSource,
    /// A remembered device's key, group key or stored form is malformed (empty, contains
    /// white space, or is not of the storage format of
    /// [`RememberedDevice::to_storage_string`](crate::RememberedDevice::to_storage_string)).
    MalformedDevice,
    /// The `DEVICE_KEY` of a `DEVICE_PASSWORD_VERIFIER` challenge is not the device's key.
    DeviceKeyMismatch,
    /// A freshly generated device verifier did not verify when re-derived the way a later
    /// sign-in derives it; it was not handed out.
    DeviceVerifierCheck,
    /// A [`SignIn`](crate::SignIn) call came out of order: `handle` with no request out,
    /// `answer` with no question pending, or `start` twice.
    OutOfOrder,
    /// Cognito sent a known challenge that this sign-in cannot be in (for example
    /// `DEVICE_SRP_AUTH` without a remembered device, or a `PASSWORD_VERIFIER` that no
    /// `SRP_A` asked for).
    UnexpectedChallenge {
        /// The challenge name.
        name: &'static str,
    },
    /// The answer does not fit the pending question; the question is still pending.
    AnswerMismatch,
    /// Cognito refused the request with a service error the sign-in cannot recover from;
    /// [`SignIn::refusal`](crate::SignIn::refusal) has its code and message.
    Refused {
        /// What kind of refusal it is.
        kind: ServiceErrorKind,
    },
    /// The server answered a sign-in that keeps the password off the wire (SRP) with the
    /// `PASSWORD` challenge, which would send it in plaintext. Only a flow the caller chose
    /// for it sends the plaintext password.
    PasswordDowngrade,
    /// The server asked for a second password claim (or device claim) in one sign-in
    /// attempt; each claim is one more transcript for an offline guessing attack.
    ClaimLimit {
        /// The challenge that asked for it.
        name: &'static str,
    },
    /// The sign-in attempt reached [`SignIn::MAX_ROUNDS`](crate::SignIn::MAX_ROUNDS)
    /// requests.
    RoundLimit,
    /// Server side (feature `server`): the client's `SRP_A` is zero modulo N.
    #[cfg(feature = "server")]
    IllegalClientA,
    /// Server side (feature `server`): the claim does not verify (wrong password, another secret block, or a
    /// non-canonical `TIMESTAMP` such as a zero-padded day or a wrong weekday).
    #[cfg(feature = "server")]
    IncorrectClaim,
    /// Server side (feature `server`): the `TIMESTAMP` is not of the form `Www Mmm d HH:mm:ss UTC yyyy`.
    #[cfg(feature = "server")]
    InvalidTimestamp,
    /// Server side (feature `server`): the `TIMESTAMP` is too far from the server's clock.
    #[cfg(feature = "server")]
    StaleTimestamp,
    /// Server side (feature `server`): the `SECRET_HASH` is not the one of the request's user name.
    #[cfg(feature = "server")]
    SecretHashMismatch,
    /// A [`NEW_PASSWORD_REQUIRED`](crate::Question::NewPassword) answer leaves a required
    /// attribute without a value; the question is still pending.
    MissingAttribute,
    /// A [`NEW_PASSWORD_REQUIRED`](crate::Question::NewPassword) answer sets a required
    /// attribute that already has a value (Cognito refuses that); the question is still
    /// pending.
    AttributeAlreadySet,
}

/// The Cognito exceptions a sign-in UI must tell apart, from the code of a service error
/// (`NotAuthorizedException`, also with a `…#` namespace prefix).
#[derive(Clone, Copy, Debug, Eq, PartialEq, Hash)]
#[non_exhaustive]
pub enum ServiceErrorKind {
    /// `NotAuthorizedException`: wrong password, wrong `SECRET_HASH`, expired session, a
    /// disabled user, a refused refresh token.
    NotAuthorized,
    /// `UserNotFoundException` (only where the pool reveals it).
    UserNotFound,
    /// `UserNotConfirmedException`: the user must confirm the sign-up first.
    UserNotConfirmed,
    /// `PasswordResetRequiredException`: the user must reset the password.
    PasswordResetRequired,
    /// `CodeMismatchException`: a wrong one-time code.
    CodeMismatch,
    /// `ExpiredCodeException`: an expired one-time code.
    ExpiredCode,
    /// `TooManyFailedAttemptsException`.
    TooManyFailedAttempts,
    /// `LimitExceededException`.
    LimitExceeded,
    /// `TooManyRequestsException`: throttled.
    TooManyRequests,
    /// `InvalidPasswordException`: a new password the pool's policy refuses.
    InvalidPassword,
    /// `ResourceNotFoundException`: an unknown client, pool or device.
    ResourceNotFound,
    /// `InvalidParameterException`.
    InvalidParameter,
    /// `CodeDeliveryFailureException`: a code could not be sent.
    CodeDeliveryFailure,
    /// `MFAMethodNotFoundException`.
    MfaMethodNotFound,
    /// `InvalidUserPoolConfigurationException`.
    InvalidUserPoolConfiguration,
    /// `UnexpectedLambdaException`, `UserLambdaValidationException` or
    /// `InvalidLambdaResponseException`: a trigger failed.
    Lambda,
    /// `InternalErrorException`.
    InternalError,
    /// Any other code (kept verbatim in [`ServiceError`](crate::ServiceError)).
    Other,
}

impl ServiceErrorKind {
    /// The kind of an error code as Cognito (or an SDK) reports it: `NotAuthorizedException`,
    /// with or without a namespace before a `#`.
    #[must_use]
    pub fn from_code(code: &str) -> Self {
        let name = code.rsplit_once('#').map_or(code, |(_, name)| name);
        match name {
            "NotAuthorizedException" => Self::NotAuthorized,
            "UserNotFoundException" => Self::UserNotFound,
            "UserNotConfirmedException" => Self::UserNotConfirmed,
            "PasswordResetRequiredException" => Self::PasswordResetRequired,
            "CodeMismatchException" => Self::CodeMismatch,
            "ExpiredCodeException" => Self::ExpiredCode,
            "TooManyFailedAttemptsException" => Self::TooManyFailedAttempts,
            "LimitExceededException" => Self::LimitExceeded,
            "TooManyRequestsException" => Self::TooManyRequests,
            "InvalidPasswordException" => Self::InvalidPassword,
            "ResourceNotFoundException" => Self::ResourceNotFound,
            "InvalidParameterException" => Self::InvalidParameter,
            "CodeDeliveryFailureException" => Self::CodeDeliveryFailure,
            "MFAMethodNotFoundException" => Self::MfaMethodNotFound,
            "InvalidUserPoolConfigurationException" => Self::InvalidUserPoolConfiguration,
            "UnexpectedLambdaException"
            | "UserLambdaValidationException"
            | "InvalidLambdaResponseException" => Self::Lambda,
            "InternalErrorException" => Self::InternalError,
            _ => Self::Other,
        }
    }
}

impl fmt::Display for ServiceErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::NotAuthorized => "not authorized",
            Self::UserNotFound => "user not found",
            Self::UserNotConfirmed => "user not confirmed",
            Self::PasswordResetRequired => "password reset required",
            Self::CodeMismatch => "code mismatch",
            Self::ExpiredCode => "expired code",
            Self::TooManyFailedAttempts => "too many failed attempts",
            Self::LimitExceeded => "limit exceeded",
            Self::TooManyRequests => "too many requests",
            Self::InvalidPassword => "invalid password",
            Self::ResourceNotFound => "resource not found",
            Self::InvalidParameter => "invalid parameter",
            Self::CodeDeliveryFailure => "code delivery failure",
            Self::MfaMethodNotFound => "MFA method not found",
            Self::InvalidUserPoolConfiguration => "invalid user pool configuration",
            Self::Lambda => "a Lambda trigger failed",
            Self::InternalError => "internal error",
            Self::Other => "other service error",
        })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingParameter { name } => write!(f, "missing challenge parameter {name}"),
            Self::MalformedParameter { name } => write!(f, "malformed challenge parameter {name}"),
            Self::InvalidPoolId => f.write_str("user pool id is not of the form <region>_<name>"),
            Self::IllegalServerB => f.write_str("server SRP_B is zero modulo N"),
            Self::IllegalScrambler => f.write_str("SRP scrambling parameter u is zero"),
            Self::IllegalEphemeral => f.write_str("private ephemeral a is zero"),
            Self::RandomSource => f.write_str("random number generator failed"),
            Self::MalformedDevice => f.write_str("malformed remembered device"),
            Self::DeviceKeyMismatch => {
                f.write_str("challenge DEVICE_KEY is not the remembered device's key")
            }
            Self::DeviceVerifierCheck => f.write_str("device verifier failed its self-check"),
            Self::OutOfOrder => f.write_str("sign-in step called out of order"),
            Self::UnexpectedChallenge { name } => write!(f, "unexpected challenge {name}"),
            Self::AnswerMismatch => f.write_str("answer does not fit the pending question"),
            Self::Refused { kind } => write!(f, "the server refused the sign-in: {kind}"),
            Self::PasswordDowngrade => {
                f.write_str("the server asked for the plaintext password in an SRP sign-in")
            }
            Self::ClaimLimit { name } => {
                write!(f, "{name} asked for a second claim in one sign-in attempt")
            }
            Self::RoundLimit => f.write_str("too many requests in one sign-in attempt"),
            #[cfg(feature = "server")]
            Self::IllegalClientA => f.write_str("client SRP_A is zero modulo N"),
            #[cfg(feature = "server")]
            Self::IncorrectClaim => f.write_str("the password claim does not verify"),
            #[cfg(feature = "server")]
            Self::InvalidTimestamp => f.write_str("malformed TIMESTAMP"),
            #[cfg(feature = "server")]
            Self::StaleTimestamp => f.write_str("TIMESTAMP outside the accepted window"),
            #[cfg(feature = "server")]
            Self::SecretHashMismatch => f.write_str("SECRET_HASH does not match"),
            Self::MissingAttribute => f.write_str("a required attribute has no value"),
            Self::AttributeAlreadySet => {
                f.write_str("a required attribute that already has a value is set")
            }
        }
    }
}

impl core::error::Error for Error {}

/// `Result` with this crate's [`Error`].
pub type Result<T> = core::result::Result<T, Error>;
