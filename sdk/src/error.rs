//! Why a call stopped: Cognito's refusal, kept apart from transport, credential and timeout
//! failures.

use std::error::Error as StdError;
use std::fmt;

use aws_sdk_cognitoidentityprovider::error::{ProvideErrorMetadata, SdkError};
use cognito_srp_auth::{ServiceError, ServiceErrorKind};

use crate::store::StoreError;

/// A boxed error from the SDK, the network or the caller's handler.
pub type BoxError = Box<dyn StdError + Send + Sync + 'static>;

/// Why a sign-in, a refresh or a device call stopped.
///
/// `Display` prints Cognito's exception and message for a refusal
/// (`NotAuthorizedException: Incorrect username or password.`) and never a password, a token,
/// a session or a code.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Cognito refused: the typed kind, the exception's name and Cognito's message.
    Refused(ServiceError),
    /// The sign-in state machine refused what Cognito or the handler sent (a malformed
    /// challenge, an answer that does not fit the question, too many rounds, …).
    SignIn(cognito_srp_auth::Error),
    /// No answer came back: DNS, TCP, TLS, an unparsable response.
    Transport(BoxError),
    /// The AWS credentials an `Admin…` operation needs could not be loaded.
    Credentials(BoxError),
    /// The request timed out.
    Timeout(BoxError),
    /// The caller's handler failed (it could not ask the user, the user gave up, …).
    Handler(BoxError),
    /// The device store failed.
    Store(StoreError),
    /// Cognito's answer lacks what the operation returns (the tokens, a session).
    MissingField {
        /// The missing field, e.g. `AuthenticationResult.AccessToken`.
        name: &'static str,
    },
    /// `MFA_SETUP` offered nothing this crate can set up inside a sign-in (SMS needs a
    /// phone number set beforehand).
    MfaSetupUnavailable,
    /// The transport does not implement this operation.
    Unsupported {
        /// The operation, e.g. `ListDevices`.
        operation: &'static str,
    },
}

impl Error {
    /// The typed kind of Cognito's refusal (`None` for every other error).
    #[must_use]
    pub fn kind(&self) -> Option<ServiceErrorKind> {
        match self {
            Self::Refused(e) => Some(e.kind),
            _ => None,
        }
    }

    /// Cognito's refusal (exception name and message), when Cognito refused.
    #[must_use]
    pub fn service_error(&self) -> Option<&ServiceError> {
        match self {
            Self::Refused(e) => Some(e),
            _ => None,
        }
    }

    /// An SDK error: a service error becomes [`Error::Refused`]; a timeout, a credential
    /// failure and a failed dispatch stay apart.
    pub(crate) fn from_sdk<E, R>(err: SdkError<E, R>) -> Self
    where
        E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
        R: fmt::Debug + Send + Sync + 'static,
    {
        if let Some(service) = err.as_service_error() {
            return Self::Refused(ServiceError::new(
                service.code().unwrap_or("UnknownError"),
                service.message().unwrap_or_default(),
            ));
        }
        let timeout = match &err {
            SdkError::TimeoutError(_) => true,
            SdkError::DispatchFailure(d) => d.is_timeout(),
            _ => false,
        };
        let credentials =
            has_source::<aws_credential_types::provider::error::CredentialsError>(&err);
        // Only the cause is kept: a response error also holds the raw response, whose body
        // (read whole by the SDK) may carry tokens and sessions, and whose `Debug` prints it.
        let boxed: BoxError = match err.into_source() {
            Ok(source) => source,
            Err(err) => Box::from(err.to_string()),
        };
        if timeout {
            Self::Timeout(boxed)
        } else if credentials {
            Self::Credentials(boxed)
        } else {
            Self::Transport(boxed)
        }
    }
}

/// Whether `T` is somewhere in the source chain of `err`.
fn has_source<T: StdError + 'static>(err: &(dyn StdError + 'static)) -> bool {
    let mut next = Some(err);
    while let Some(e) = next {
        if e.is::<T>() {
            return true;
        }
        next = e.source();
    }
    false
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Refused(e) => write!(f, "{e}"),
            Self::SignIn(e) => write!(f, "sign-in: {e}"),
            Self::Transport(e) => write!(f, "no answer from Cognito: {}", chain(e.as_ref())),
            Self::Credentials(e) => write!(f, "AWS credentials: {}", chain(e.as_ref())),
            Self::Timeout(e) => write!(f, "timed out: {}", chain(e.as_ref())),
            Self::Handler(e) => write!(f, "handler: {e}"),
            Self::Store(e) => write!(f, "device store: {e}"),
            Self::MissingField { name } => write!(f, "Cognito's answer has no {name}"),
            Self::MfaSetupUnavailable => {
                f.write_str("MFA_SETUP offers neither TOTP nor email, which a sign-in can set up")
            }
            Self::Unsupported { operation } => {
                write!(f, "the transport does not implement {operation}")
            }
        }
    }
}

/// The innermost message of an SDK error chain (the SDK's own `Display` says only
/// "dispatch failure").
fn chain(err: &(dyn StdError + 'static)) -> String {
    let mut text = err.to_string();
    let mut next = err.source();
    while let Some(e) = next {
        text.push_str(": ");
        text.push_str(&e.to_string());
        next = e.source();
    }
    text
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Self::Refused(_) | Self::MissingField { .. } | Self::MfaSetupUnavailable => None,
            Self::Unsupported { .. } => None,
            Self::SignIn(e) => Some(e),
            Self::Store(e) => Some(e),
            Self::Transport(e) | Self::Credentials(e) | Self::Timeout(e) | Self::Handler(e) => {
                Some(e.as_ref())
            }
        }
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Self {
        Self::Store(e)
    }
}
