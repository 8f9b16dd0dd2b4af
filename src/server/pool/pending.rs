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

/// A sign-in at its first factor: who it signs in as, and the device it names.
pub(super) struct Attempt {
    pub(super) claimant: Claimant,
    /// The internal name (the typed one for an unknown name).
    pub(super) name: String,
    pub(super) device_key: Option<String>,
}

/// What an unanswered challenge continues with once its first factor is verified.
#[derive(Clone, Copy, Eq, PartialEq)]
pub(super) enum Then {
    /// Tokens (or device SRP, with a device key).
    Tokens,
    /// The custom-authentication function (`CUSTOM_AUTH` with SRP).
    Custom,
}

/// The state of one unanswered challenge.
pub(super) enum Exchange {
    /// A `PASSWORD_VERIFIER` is out; found by its secret block.
    Password {
        attempt: Attempt,
        srp: ServerSrp,
        then: Then,
    },
    /// A `SELECT_CHALLENGE` is out.
    Select(Attempt),
    /// An `EMAIL_OTP` code was sent.
    EmailOtp {
        attempt: Attempt,
        code: Zeroizing<String>,
    },
    /// A `CUSTOM_CHALLENGE` is out.
    Custom {
        user: usize,
        /// The user's answers so far (they may be one-time codes): wiped on drop.
        answers: Zeroizing<Vec<String>>,
        device_key: Option<String>,
    },
    /// A `DEVICE_SRP_AUTH` is out.
    DeviceAuth { user: usize, device_key: String },
    /// A `DEVICE_PASSWORD_VERIFIER` is out.
    DevicePassword {
        user: usize,
        device_key: String,
        srp: ServerSrp,
    },
}

/// An unanswered challenge, when it was sent and through which app client (only that client
/// may answer it).
pub(super) struct Pending {
    pub(super) sent: DateTime<Utc>,
    pub(super) client: usize,
    /// The session it is found by; none for `PASSWORD_VERIFIER` (found by its secret block).
    pub(super) session: Option<String>,
    pub(super) exchange: Exchange,
}
