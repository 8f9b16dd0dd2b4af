//! What the pool keeps of a challenge it sent until the answer comes.

use alloc::string::String;
use alloc::vec::Vec;

use chrono::{DateTime, Utc};
use zeroize::Zeroizing;

use crate::server::exchange::ServerSrp;

/// Who a challenge went to.
#[derive(Clone, Copy)]
pub(super) enum Claimant {
    /// A user of the pool (index into `users`).
    User(usize),
    /// A name no user has: the pool answers it as it answers a wrong password.
    Unknown,
}

/// What an unanswered challenge continues with once its first factor is verified.
#[derive(Clone, Copy, Eq, PartialEq)]
pub(super) enum Then {
    /// Tokens (or device SRP, with a device key).
    Tokens,
    /// The custom-authentication function (`CUSTOM_AUTH` with SRP).
    Custom,
}

pub(super) enum Exchange {
    /// A `PASSWORD_VERIFIER` is out; found by its secret block.
    Password {
        claimant: Claimant,
        srp: ServerSrp,
        device_key: Option<String>,
        then: Then,
    },
    /// A `SELECT_CHALLENGE` is out; found by its session.
    Select {
        claimant: Claimant,
        /// The internal name (the typed one for an unknown name).
        name: String,
        session: String,
        device_key: Option<String>,
    },
    /// An `EMAIL_OTP` code was sent; found by its session.
    EmailOtp {
        claimant: Claimant,
        session: String,
        code: Zeroizing<String>,
        device_key: Option<String>,
    },
    /// A `CUSTOM_CHALLENGE` is out; found by its session.
    Custom {
        user: usize,
        session: String,
        /// The user's answers so far (they may be one-time codes): wiped on drop.
        answers: Zeroizing<Vec<String>>,
        device_key: Option<String>,
    },
    /// A `DEVICE_SRP_AUTH` is out; found by its session.
    DeviceAuth {
        user: usize,
        session: String,
        device_key: String,
    },
    /// A `DEVICE_PASSWORD_VERIFIER` is out; found by its session.
    DevicePassword {
        user: usize,
        session: String,
        device_key: String,
        srp: ServerSrp,
    },
}

impl Exchange {
    /// The session it is found by (none for `PASSWORD_VERIFIER`).
    pub(super) fn session(&self) -> Option<&str> {
        match self {
            Self::Password { .. } => None,
            Self::Select { session, .. }
            | Self::EmailOtp { session, .. }
            | Self::Custom { session, .. }
            | Self::DeviceAuth { session, .. }
            | Self::DevicePassword { session, .. } => Some(session),
        }
    }
}

/// An unanswered challenge, when it was sent and through which app client (only that client
/// may answer it).
pub(super) struct Pending {
    pub(super) sent: DateTime<Utc>,
    pub(super) client: usize,
    pub(super) exchange: Exchange,
}
