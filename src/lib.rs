#![no_std]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![doc = include_str!("../README.md")]

extern crate alloc;
#[cfg(feature = "std")]
extern crate std;

mod challenge;
mod client;
mod declassify;
mod device;
mod encoding;
mod ephemeral;
mod error;
mod flow;
pub mod group;
#[cfg(feature = "hazmat")]
pub mod hazmat;
mod responses;
mod secret;
#[cfg(feature = "server")]
pub mod server;
mod srp;
mod timestamp;
mod wire;

pub use challenge::{CodeChallenge, FirstFactor, PasswordVerifierChallenge};
pub use client::{UserPoolClient, pool_name, secret_hash};
pub use device::{DevicePasswordVerifierChallenge, DeviceSecretVerifierConfig, RememberedDevice};
pub use encoding::{to_java_bytes_vartime, to_minimal_hex_vartime};
pub use ephemeral::EphemeralKey;
pub use error::{Error, Result, ServiceErrorKind};
pub use flow::{
    AnalyticsMetadata, Answer, Challenge, ContextData, DeviceToConfirm, Flow, InitiateAuthRequest,
    NewDeviceMetadata, Question, Request, RequestContext, RespondToAuthChallengeRequest,
    ServerAnswer, ServiceError, SignIn, SignedIn, Step, UserContextData,
};
pub use responses::Responder;
pub use secret::{ClientSecret, Password};
pub use timestamp::Timestamp;
pub use wire::{AuthParameters, ChallengeResponses, auth_flow, challenge_name, param};

/// The `rand_core` traits this crate takes its randomness through.
pub use rand_core;
