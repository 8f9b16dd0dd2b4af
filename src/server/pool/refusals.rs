//! The pool's refusals: Cognito's exception names and messages.

use alloc::format;
use alloc::string::String;

use crate::flow::ServerAnswer;

pub(super) const INCORRECT: &str = "Incorrect username or password.";
pub(super) const BAD_SECRET_HASH: &str = "Unable to verify secret hash for client";
pub(super) const INVALID_SESSION: &str = "Invalid session for the user.";
pub(super) const EXPIRED_SESSION: &str = "Invalid session for the user, session is expired.";

/// The exception of a failure of the pool itself (its RNG): HTTP status 500 on the wire.
pub(super) const INTERNAL_ERROR: &str = "InternalErrorException";

/// The longest app client id (Cognito's limit), and the longest id a message echoes.
pub(super) const MAX_CLIENT_ID: usize = 128;

/// Why the pool refuses a request: Cognito's exception name and message.
pub(super) struct Refusal {
    pub(super) code: &'static str,
    pub(super) message: String,
}

impl From<Refusal> for ServerAnswer {
    fn from(refusal: Refusal) -> Self {
        Self::Error {
            code: String::from(refusal.code),
            message: refusal.message,
        }
    }
}

pub(super) fn error(code: &'static str, message: &str) -> Refusal {
    Refusal {
        code,
        message: String::from(message),
    }
}

pub(super) fn not_authorized(message: &str) -> Refusal {
    error("NotAuthorizedException", message)
}

pub(super) fn invalid_parameter(message: &str) -> Refusal {
    error("InvalidParameterException", message)
}

pub(super) fn missing(name: &str) -> Refusal {
    invalid_parameter(&format!("Missing required parameter {name}"))
}

/// The pool's RNG failed.
pub(super) fn internal_error() -> Refusal {
    error(INTERNAL_ERROR, "Internal error.")
}

pub(super) fn no_device() -> Refusal {
    error("ResourceNotFoundException", "Device does not exist.")
}

pub(super) fn code_mismatch() -> Refusal {
    error("CodeMismatchException", "Invalid code received for user")
}

/// `User pool client <id> does not exist.`
pub(super) fn unknown_client(client_id: &str) -> Refusal {
    echoing(
        "ResourceNotFoundException",
        "User pool client",
        client_id,
        " does not exist.",
    )
}

/// `User pool <id> does not exist.`
pub(super) fn unknown_pool(pool_id: &str) -> Refusal {
    echoing(
        "ResourceNotFoundException",
        "User pool",
        pool_id,
        " does not exist.",
    )
}

/// `Unknown operation <name>.`
pub(super) fn unknown_operation(operation: &str) -> Refusal {
    echoing(
        "UnknownOperationException",
        "Unknown operation",
        operation,
        ".",
    )
}

/// `<head> <id><tail>`, or `<head><tail>` for an id the pool does not echo: at most 128
/// printable ASCII characters are echoed (a longer or stranger text is left out of the
/// message).
fn echoing(code: &'static str, head: &str, id: &str, tail: &str) -> Refusal {
    let echoable =
        !id.is_empty() && id.len() <= MAX_CLIENT_ID && id.bytes().all(|b| b.is_ascii_graphic());
    let message = if echoable {
        format!("{head} {id}{tail}")
    } else {
        format!("{head}{tail}")
    };
    error(code, &message)
}
