//! The caller's side of `UserPool::handle_json`, as `tests/api/server_json.rs` writes it: a
//! typed `Request` as the JSON body an SDK sends, and the pool's JSON answer read back as an SDK
//! reads it. Every function here runs disarmed: the bodies and parsed values are the harness's
//! (the caller's) copies, and the secrets in them (a password, `SECRET_HASH`, tokens) are
//! freed unscanned; the buffer handed to the pool and the answer's body are wiped by the
//! scenarios themselves, while armed.

use cognito_srp_auth::server::JsonAnswer;
use cognito_srp_auth::{Challenge, NewDeviceMetadata, Request, ServerAnswer};
use serde_json::{Map, Value};

use crate::rng::Recorder;
use crate::scanner;

fn string_map<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> Value {
    Value::Object(pairs.map(|(k, v)| (k.to_owned(), v.into())).collect())
}

/// The operation and the JSON body an SDK sends for `request`.
pub fn body_of(request: &Request) -> (&'static str, Vec<u8>) {
    scanner::disarmed(|| {
        let context = request.context();
        let mut body = Map::new();
        if let Some(pool) = &context.user_pool_id {
            body.insert("UserPoolId".into(), pool.as_str().into());
        }
        body.insert("ClientId".into(), context.client_id.as_str().into());
        if !context.client_metadata.is_empty() {
            let metadata = context
                .client_metadata
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()));
            body.insert("ClientMetadata".into(), string_map(metadata));
        }
        match request {
            Request::InitiateAuth(r) => {
                body.insert("AuthFlow".into(), r.auth_parameters.auth_flow().into());
                body.insert(
                    "AuthParameters".into(),
                    string_map(r.auth_parameters.iter()),
                );
            }
            Request::RespondToAuthChallenge(r) => {
                let responses = &r.challenge_responses;
                body.insert("ChallengeName".into(), responses.challenge_name().into());
                body.insert("ChallengeResponses".into(), string_map(responses.iter()));
                if let Some(session) = &r.session {
                    body.insert("Session".into(), session.as_str().into());
                }
            }
        }
        (
            request.operation(),
            Value::Object(body).to_string().into_bytes(),
        )
    })
}

fn text(value: &Value, key: &str) -> Option<String> {
    value.get(key).and_then(Value::as_str).map(str::to_owned)
}

/// The typed answer of a JSON answer, as an SDK reads it (an `AuthenticationResult` with its
/// `NewDeviceMetadata` and `AccessToken`). The tokens of an `AuthenticationResult` are
/// checked against the ones `pool_rng` predicted and recorded.
///
/// # Errors
/// An answer that is not Cognito's JSON, or tokens that are not the recorded ones.
pub fn read_answer(answer: &JsonAnswer, pool_rng: &Recorder) -> Result<ServerAnswer, String> {
    scanner::disarmed(|| {
        let v: Value = serde_json::from_str(&answer.body)
            .map_err(|_| format!("status {}: the body is not JSON", answer.status))?;
        match (answer.status, v.get("AuthenticationResult")) {
            (200, Some(result)) => {
                let access = text(result, "AccessToken");
                pool_rng.check_tokens(
                    access.as_deref(),
                    text(result, "IdToken").as_deref(),
                    text(result, "RefreshToken").as_deref(),
                )?;
                let metadata = match result.get("NewDeviceMetadata") {
                    Some(m) => Some(NewDeviceMetadata {
                        device_key: text(m, "DeviceKey").ok_or("no DeviceKey")?,
                        device_group_key: text(m, "DeviceGroupKey").ok_or("no DeviceGroupKey")?,
                    }),
                    None => None,
                };
                Ok(ServerAnswer::authenticated(metadata, access.as_deref()))
            }
            (200, None) => {
                let parameters = v
                    .get("ChallengeParameters")
                    .and_then(Value::as_object)
                    .ok_or("a challenge without ChallengeParameters")?
                    .iter()
                    .map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                    .collect::<Option<Vec<_>>>()
                    .ok_or("a challenge parameter that is not a string")?;
                let available: Vec<String> = v
                    .get("AvailableChallenges")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(|c| c.as_str().map(str::to_owned)))
                    .into_iter()
                    .flatten()
                    .collect();
                let name = text(&v, "ChallengeName").ok_or("no ChallengeName")?;
                Ok(ServerAnswer::Challenge(
                    Challenge::new(&name, parameters, text(&v, "Session").as_deref())
                        .with_available_challenges(available),
                ))
            }
            (400, _) => Ok(ServerAnswer::Error {
                code: text(&v, "__type").ok_or("a refusal without __type")?,
                message: text(&v, "message").ok_or("a refusal without message")?,
            }),
            (status, _) => Err(format!("status {status}: {}", answer.body)),
        }
    })
}
