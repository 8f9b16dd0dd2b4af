//! Issuing tokens: the access and id tokens (unsecured JWTs, or the pool's
//! [`TokenSigner`](super::state::TokenSigner)'s), refresh tokens and new devices.

use alloc::format;
use alloc::string::{String, ToString as _};

use chrono::{DateTime, Utc};
use rand_core::TryCryptoRng;
use serde_json::{Map, Value};
use zeroize::Zeroizing;

use super::refusals::Refusal;
use super::state::{Answered, Call, RefreshToken, Reply, Tokens, UserPool};
use crate::flow::NewDeviceMetadata;

/// How long the tokens the pool issues are valid: `ExpiresIn`, and `exp` − `iat`.
pub(super) const TOKEN_LIFETIME_SECONDS: i64 = 3600;

/// The access and id tokens of one sign-in or refresh.
type TokenPair = (Zeroizing<String>, Zeroizing<String>);

impl<R: TryCryptoRng> UserPool<R> {
    /// Tokens: a refresh token bound to the device used (or to a new one Cognito asks the
    /// client to remember) and to the request's app client, and `NewDeviceMetadata` with
    /// device tracking and no device.
    pub(super) fn authenticated(
        &mut self,
        user: usize,
        device_used: Option<String>,
        call: Call,
    ) -> Answered {
        self.check_confirmed(user)?;
        let metadata = match (&device_used, self.config.device_tracking) {
            (None, true) => Some(self.new_device(user)?),
            _ => None,
        };
        let token = Zeroizing::new(self.random_hex(32)?);
        let device_key = device_used.or_else(|| metadata.as_ref().map(|m| m.device_key.clone()));
        let (access_token, id_token) =
            self.mint_tokens(user, device_key.as_deref(), call.now, call)?;
        self.refresh_tokens.push(RefreshToken {
            token: token.clone(),
            user,
            client: call.client,
            device_key,
            auth_time: call.now,
        });
        Ok(Reply::Tokens(Tokens {
            access_token,
            id_token,
            refresh_token: Some(token),
            new_device: metadata,
        }))
    }

    /// The access and id tokens of `user` (see
    /// [`TokenSigner`](super::state::TokenSigner) for their claims).
    pub(super) fn mint_tokens(
        &mut self,
        user: usize,
        device_key: Option<&str>,
        auth_time: DateTime<Utc>,
        call: Call,
    ) -> Result<TokenPair, Refusal> {
        let username = Value::from(self.username_of(user));
        let client_id = Value::from(self.client_id(call));
        let issuer = Value::from(format!(
            "https://cognito-idp.{}.amazonaws.com/{}",
            self.region, self.config.pool_id
        ));
        let (iat, auth_time) = (call.now.timestamp(), auth_time.timestamp());
        let times = [
            ("auth_time", Value::from(auth_time)),
            ("iat", Value::from(iat)),
            (
                "exp",
                Value::from(iat.saturating_add(TOKEN_LIFETIME_SECONDS)),
            ),
        ];
        let access = claims(
            [
                ("sub", username.clone()),
                ("iss", issuer.clone()),
                ("client_id", client_id.clone()),
                ("token_use", Value::from("access")),
                ("scope", Value::from("aws.cognito.signin.user.admin")),
            ]
            .into_iter()
            .chain(times.clone())
            .chain([
                ("jti", Value::from(self.random_uuid()?)),
                ("username", username.clone()),
            ])
            .chain(device_key.map(|key| ("device_key", Value::from(key)))),
        );
        let id = claims(
            [
                ("sub", username.clone()),
                ("iss", issuer),
                ("aud", client_id),
                ("cognito:username", username),
                ("token_use", Value::from("id")),
            ]
            .into_iter()
            .chain(times)
            .chain([("jti", Value::from(self.random_uuid()?))]),
        );
        Ok((self.mint(&access), self.mint(&id)))
    }

    /// One token from its claims: the [`TokenSigner`](super::state::TokenSigner)'s, or an
    /// unsecured JWT.
    fn mint(&mut self, claims: &Value) -> Zeroizing<String> {
        let payload = Zeroizing::new(claims.to_string());
        if let Some(signer) = self.token_signer.as_mut() {
            return Zeroizing::new(signer(&payload));
        }
        let encode = <base64ct::Base64UrlUnpadded as base64ct::Encoding>::encode_string;
        let header = encode(br#"{"alg":"none","typ":"JWT"}"#);
        let payload = Zeroizing::new(encode(payload.as_bytes()));
        // Written at its final size: a `format!` grows by reallocation and leaves the token's
        // first part in each block it outgrows.
        let mut token = Zeroizing::new(String::with_capacity(header.len() + payload.len() + 2));
        for part in [header.as_str(), ".", payload.as_str(), "."] {
            token.push_str(part);
        }
        token
    }

    /// `NewDeviceMetadata` for a new device of `user`.
    fn new_device(&mut self, user: usize) -> Result<NewDeviceMetadata, Refusal> {
        let (id, group) = (self.random_uuid()?, self.random_hex(5)?);
        let metadata = NewDeviceMetadata {
            device_key: format!("{}_{id}", self.region),
            device_group_key: format!("-{group}"),
        };
        if let Some(u) = self.users.get_mut(user) {
            u.issued.push((
                metadata.device_key.clone(),
                metadata.device_group_key.clone(),
            ));
        }
        Ok(metadata)
    }
}

/// A token's claims, in the order given.
fn claims<'a>(entries: impl IntoIterator<Item = (&'a str, Value)>) -> Value {
    Value::Object(
        entries
            .into_iter()
            .map(|(name, value)| (String::from(name), value))
            .collect::<Map<String, Value>>(),
    )
}
