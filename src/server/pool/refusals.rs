//! The pool's refusals: Cognito's exception names and messages.

use alloc::format;
use alloc::string::String;

use crate::flow::ServerAnswer;

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

/// The longest app client id (Cognito's limit).
pub(super) const MAX_CLIENT_ID: usize = 128;

pub(super) fn error(code: &'static str, message: &str) -> Refusal {
    Refusal {
        code,
        message: String::from(message),
    }
}

pub(super) fn not_authorized(message: &str) -> Refusal {
    error("NotAuthorizedException", message)
}

pub(super) fn missing(name: &str) -> Refusal {
    error(
        "InvalidParameterException",
        &format!("Missing required parameter {name}"),
    )
}

pub(super) const INCORRECT: &str = "Incorrect username or password.";
pub(super) const BAD_SECRET_HASH: &str = "Unable to verify secret hash for client";
pub(super) const INVALID_SESSION: &str = "Invalid session for the user.";
pub(super) const EXPIRED_SESSION: &str = "Invalid session for the user, session is expired.";
pub(super) const NO_DEVICE: &str = "Device does not exist.";

/// An id the pool echoes in a message: at most 128 printable ASCII characters (a longer or
/// stranger text is left out of the message).
pub(super) fn echoable(id: &str) -> Option<&str> {
    (!id.is_empty() && id.len() <= MAX_CLIENT_ID && id.bytes().all(|b| b.is_ascii_graphic()))
        .then_some(id)
}

/// `User pool client <id> does not exist.`
pub(super) fn unknown_client(client_id: &str) -> Refusal {
    let message = match echoable(client_id) {
        Some(id) => format!("User pool client {id} does not exist."),
        None => String::from("User pool client does not exist."),
    };
    error("ResourceNotFoundException", &message)
}

/// `User pool <id> does not exist.`
pub(super) fn unknown_pool(pool_id: &str) -> Refusal {
    let message = match echoable(pool_id) {
        Some(id) => format!("User pool {id} does not exist."),
        None => String::from("User pool does not exist."),
    };
    error("ResourceNotFoundException", &message)
}

pub(super) fn code_mismatch() -> Refusal {
    error("CodeMismatchException", "Invalid code received for user")
}
