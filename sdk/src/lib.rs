//! Amazon Cognito user-pool sign-in with SRP over the AWS SDK for Rust, built on
//! [`cognito_srp_auth`] (the constant-time SRP math and the sans-IO sign-in state machine).
//!
//! - [`Authenticator::sign_in`] runs a whole sign-in in one async call: SRP (or any flow the
//!   state machine knows), `SECRET_HASH` with the right user name at every step, MFA codes,
//!   `NEW_PASSWORD_REQUIRED`, custom challenges, device SRP with a remembered device, and
//!   `MFA_SETUP` carried out inside (`AssociateSoftwareToken`, the user's first code,
//!   `VerifySoftwareToken`). The caller answers through a [`Handler`].
//! - [`Tokens`] holds the tokens (wiped on drop, never printed), when they expire, the
//!   internal user name and the remembered device's key.
//! - [`Authenticator::refresh`] (`REFRESH_TOKEN_AUTH`) and
//!   [`Authenticator::refresh_rotating`] (`GetTokensFromRefreshToken`) refresh them.
//! - Remembered devices: confirmed and stored by the sign-in ([`DeviceStore`],
//!   [`FileDeviceStore`], [`MemoryDeviceStore`]), listed, marked remembered or not, forgotten.
//! - [`Error`] tells Cognito's refusals (with the typed [`ServiceErrorKind`] and Cognito's
//!   message) apart from transport, credential and timeout failures.
//!
//! ```no_run
//! use cognito_srp_auth_sdk::{Authenticator, FileDeviceStore, NoPrompts, Password, UserPoolClient};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let config = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
//! let sdk = aws_sdk_cognitoidentityprovider::Client::new(&config);
//! let auth = Authenticator::new(sdk, UserPoolClient::new("us-east-1_AbCdEf123", "client-id")?);
//! let mut device = FileDeviceStore::new("alice.device");
//! let tokens = auth
//!     .sign_in("alice@example.com", Password::from("correct horse battery staple"))
//!     .device_store(&mut device)
//!     .run(&mut NoPrompts)
//!     .await?;
//! println!("signed in as {}", tokens.username());
//! let tokens = auth.refresh(&tokens).await?;
//! # let _ = tokens;
//! # Ok(())
//! # }
//! ```
//!
//! The runnable example is `examples/sign_in.rs`; the README has one with a handler.

mod auth;
mod error;
mod store;
mod tokens;
mod totp;
mod transport;

pub use auth::{Authenticator, Handler, NoPrompts, Prompt, SignInBuilder};
pub use error::{BoxError, Error};
pub use store::{DeviceStore, FileDeviceStore, MemoryDeviceStore, StoreError};
pub use tokens::Tokens;
pub use totp::TotpSetup;
pub use transport::{Reply, TokenSet, Transport};

/// The core crate, for what this crate does not re-export.
pub use cognito_srp_auth;
pub use cognito_srp_auth::{
    Answer, ClientSecret, CodeChallenge, DeviceSecretVerifierConfig, FirstFactor, Flow, Password,
    Question, RememberedDevice, ServiceError, ServiceErrorKind, UserPoolClient,
};
