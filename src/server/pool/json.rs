//! The pool on the wire: Cognito's JSON API (AWS JSON 1.1), sans I/O. The operation name of
//! the `X-Amz-Target` header and the request body go in; an HTTP status and Cognito's JSON
//! body come out. The body is parsed into the crate's typed [`Request`] and answered by
//! [`UserPool::handle`]'s own logic, so both entry points behave the same.

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use chrono::{DateTime, Utc};
use rand_core::TryCryptoRng;
use serde_json::{Map, Value};
use zeroize::{Zeroize as _, Zeroizing};

use super::hex;
use super::refusals::{INTERNAL_ERROR, Refusal, error, invalid_parameter, unknown_operation};
use super::state::{Answered, Reply, Tokens, UserPool};
use super::tokens::TOKEN_LIFETIME_SECONDS;
use crate::flow::{Challenge, Request, RequestContext};
use crate::wire::{AuthParameters, ChallengeResponses};

/// The largest request body [`UserPool::handle_json`] parses: 1 MiB. A longer one is refused
/// (`InvalidParameterException`) before it is read.
pub const MAX_JSON_BODY: usize = 1 << 20;

/// The most entries one map of a request (`AuthParameters`, `ChallengeResponses`,
/// `ClientMetadata`) may have.
const MAX_MAP_ENTRIES: usize = 128;

/// The answer of [`UserPool::handle_json`]: an HTTP status and Cognito's JSON body, to be sent
/// with `Content-Type: application/x-amz-json-1.1`.
///
/// The status is 200 for a challenge or tokens, 400 for a refusal (`{"__type":…,
/// "message":…}`), and 500 for `InternalErrorException` (the pool's RNG failed).
///
/// `Debug` prints the status and the body's length, never the body: it carries tokens and
/// sessions (bearer values). Wipe it once it is sent.
#[non_exhaustive]
pub struct JsonAnswer {
    /// The HTTP status code.
    pub status: u16,
    /// The JSON body.
    pub body: String,
}

impl fmt::Debug for JsonAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonAnswer")
            .field("status", &self.status)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

/// The operations the pool answers.
#[derive(Clone, Copy)]
enum Operation {
    InitiateAuth,
    AdminInitiateAuth,
    RespondToAuthChallenge,
    AdminRespondToAuthChallenge,
}

impl Operation {
    fn from_name(name: &str) -> Option<Self> {
        match name {
            "InitiateAuth" => Some(Self::InitiateAuth),
            "AdminInitiateAuth" => Some(Self::AdminInitiateAuth),
            "RespondToAuthChallenge" => Some(Self::RespondToAuthChallenge),
            "AdminRespondToAuthChallenge" => Some(Self::AdminRespondToAuthChallenge),
            _ => None,
        }
    }

    fn is_admin(self) -> bool {
        matches!(
            self,
            Self::AdminInitiateAuth | Self::AdminRespondToAuthChallenge
        )
    }

    fn initiates(self) -> bool {
        matches!(self, Self::InitiateAuth | Self::AdminInitiateAuth)
    }
}

impl<R: TryCryptoRng> UserPool<R> {
    /// Answer one request of Cognito's JSON API as Cognito would: `operation` is the name
    /// after `AWSCognitoIdentityProviderService.` in the `X-Amz-Target` header, `body` the
    /// request body, `now` the pool's clock (as for [`handle`](Self::handle)).
    ///
    /// Operations: `InitiateAuth`, `AdminInitiateAuth`, `RespondToAuthChallenge` and
    /// `AdminRespondToAuthChallenge`, with the fields `ClientId`, `UserPoolId` (the `Admin…`
    /// operations; ignored by the others), `AuthFlow` and `AuthParameters`, or
    /// `ChallengeName`, `ChallengeResponses` and `Session`, and `ClientMetadata`;
    /// `AnalyticsMetadata`, `UserContextData` and `ContextData` are accepted (objects) and
    /// ignored, as are fields the API does not have. JSON `null`, for a field or for a value
    /// of a map, is an absent value (amazon-cognito-identity-js sends `"DEVICE_KEY": null`).
    ///
    /// A challenge is `{"ChallengeName":…,"ChallengeParameters":{…},"Session":…}` (with
    /// `AvailableChallenges` for `SELECT_CHALLENGE`); tokens are
    /// `{"AuthenticationResult":{"AccessToken":…,"ExpiresIn":3600,"TokenType":"Bearer",
    /// "RefreshToken":…,"IdToken":…,"NewDeviceMetadata":{"DeviceKey":…,"DeviceGroupKey":…}},
    /// "ChallengeParameters":{}}`, without `RefreshToken` for a refresh and without
    /// `NewDeviceMetadata` unless the pool asks the client to remember a device. The tokens
    /// are the pool's ([`TokenSigner`](super::state::TokenSigner)).
    ///
    /// Refusals have status 400 and the body `{"__type":"<exception>","message":"<message>"}`:
    /// those of [`handle`](Self::handle), and for the request itself:
    /// - `UnknownOperationException` for another operation;
    /// - `InvalidParameterException` for a body over [`MAX_JSON_BODY`] bytes (refused before
    ///   it is parsed), a missing `ClientId`, `AuthFlow`, `ChallengeName` or (`Admin…`)
    ///   `UserPoolId` (Cognito's `1 validation error detected: Value null at 'clientId' failed
    ///   to satisfy constraint: Member must not be null`), or a map of more than 128 entries;
    /// - `SerializationException` for a body that is not JSON, not a JSON object, or has a
    ///   field (or a map value) of the wrong JSON type.
    ///
    /// Never panics. Messages name fields, never their values (an operation or client id is
    /// echoed only when it is short printable ASCII). The request's values are wiped once it
    /// is answered.
    ///
    /// ```
    /// use chrono::{TimeZone, Utc};
    /// use cognito_srp_auth::Password;
    /// use cognito_srp_auth::server::{UserPool, UserPoolConfig};
    /// use rand::SeedableRng;
    ///
    /// let config = UserPoolConfig::new("us-east-1_Example", "client", None);
    /// let mut pool = UserPool::new(config, rand::rngs::StdRng::seed_from_u64(1))?;
    /// pool.add_user("alice", &Password::from("Correct-Horse-1"), &["alice@example.com"])?;
    /// let now = Utc.with_ymd_and_hms(2026, 11, 30, 10, 0, 0).unwrap();
    ///
    /// let body = br#"{"ClientId":"client","AuthFlow":"USER_PASSWORD_AUTH",
    ///     "AuthParameters":{"USERNAME":"alice@example.com","PASSWORD":"Correct-Horse-1"}}"#;
    /// let answer = pool.handle_json("InitiateAuth", body, now);
    /// assert_eq!(answer.status, 200);
    /// assert!(answer.body.starts_with(r#"{"AuthenticationResult":{"AccessToken":"#));
    ///
    /// let wrong = br#"{"ClientId":"client","AuthFlow":"USER_PASSWORD_AUTH",
    ///     "AuthParameters":{"USERNAME":"alice","PASSWORD":"guess","DEVICE_KEY":null}}"#;
    /// let answer = pool.handle_json("InitiateAuth", wrong, now);
    /// assert_eq!(answer.status, 400);
    /// assert_eq!(
    ///     answer.body,
    ///     r#"{"__type":"NotAuthorizedException","message":"Incorrect username or password."}"#
    /// );
    ///
    /// let answer = pool.handle_json("InitiateAuth", br#"{"ClientId":7}"#, now);
    /// assert_eq!(
    ///     answer.body,
    ///     r#"{"__type":"SerializationException","message":"Unexpected JSON type for ClientId."}"#
    /// );
    /// # Ok::<(), cognito_srp_auth::Error>(())
    /// ```
    pub fn handle_json(&mut self, operation: &str, body: &[u8], now: DateTime<Utc>) -> JsonAnswer {
        let answer = match parse(operation, body) {
            Ok(mut request) => {
                let answer = self.answer(&request, now);
                wipe_request(&mut request);
                answer
            }
            Err(refusal) => Err(refusal),
        };
        render(&answer)
    }
}

/// Wipe what a request holds outside its wiped maps: the `Session` and the `ClientMetadata`
/// values.
fn wipe_request(request: &mut Request) {
    let context = match request {
        Request::InitiateAuth(r) => &mut r.context,
        Request::RespondToAuthChallenge(r) => {
            r.session.zeroize();
            &mut r.context
        }
    };
    context
        .client_metadata
        .values_mut()
        .for_each(|v| v.zeroize());
}

fn serialization(message: &str) -> Refusal {
    error("SerializationException", message)
}

fn wrong_type(field: &str) -> Refusal {
    serialization(&format!("Unexpected JSON type for {field}."))
}

/// A field of the wrong JSON type: its value wiped, the field named.
fn wrong(mut value: Value, field: &str) -> Refusal {
    wipe(&mut value);
    wrong_type(field)
}

/// The request's fields, with every string wiped when they are dropped (the values taken out
/// are moved, not copied).
struct Fields(Map<String, Value>);

impl Drop for Fields {
    fn drop(&mut self) {
        self.0.values_mut().for_each(wipe);
    }
}

/// Wipe every string of a JSON value (its depth is bounded by the parser's recursion limit).
fn wipe(value: &mut Value) {
    match value {
        Value::String(s) => s.zeroize(),
        Value::Array(items) => items.iter_mut().for_each(wipe),
        Value::Object(map) => map.values_mut().for_each(wipe),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

impl Fields {
    /// A field taken out; `None` when absent or `null`.
    fn take(&mut self, field: &str) -> Option<Value> {
        match self.0.remove(field) {
            None | Some(Value::Null) => None,
            value => value,
        }
    }

    /// A string field; `None` when absent or `null`.
    fn string(&mut self, field: &str) -> Result<Option<String>, Refusal> {
        match self.take(field) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(wrong(other, field)),
        }
    }

    /// A map of strings; empty when absent or `null`, `null` values left out. Each string is
    /// moved out of the map; on a refusal the map's drop wipes what is left in it.
    fn map(&mut self, field: &str) -> Result<Vec<(String, Zeroizing<String>)>, Refusal> {
        let mut map = match self.take(field) {
            None => return Ok(Vec::new()),
            Some(Value::Object(map)) => Self(map),
            Some(other) => return Err(wrong(other, field)),
        };
        if map.0.len() > MAX_MAP_ENTRIES {
            return Err(invalid_parameter(&format!(
                "{field} has more than {MAX_MAP_ENTRIES} entries."
            )));
        }
        let mut pairs = Vec::with_capacity(map.0.len());
        for (key, value) in &mut map.0 {
            match value {
                Value::String(s) => pairs.push((key.clone(), Zeroizing::new(core::mem::take(s)))),
                Value::Null => {}
                _ => return Err(wrong_type(&format!("a value of {field}"))),
            }
        }
        Ok(pairs)
    }

    /// A field accepted and ignored: an object, or `null`.
    fn ignored(&self, field: &str) -> Result<(), Refusal> {
        match self.0.get(field) {
            None | Some(Value::Null | Value::Object(_)) => Ok(()),
            Some(_) => Err(wrong_type(field)),
        }
    }
}

/// Cognito's refusal of missing required fields (named as the API's validation names them).
fn validation_error(missing: &[&str]) -> Refusal {
    let errors: Vec<String> = missing
        .iter()
        .map(|field| {
            format!("Value null at '{field}' failed to satisfy constraint: Member must not be null")
        })
        .collect();
    let plural = if missing.len() == 1 { "" } else { "s" };
    invalid_parameter(&format!(
        "{} validation error{plural} detected: {}",
        missing.len(),
        errors.join("; ")
    ))
}

/// The JSON value of a body, `None` when it is not one JSON value.
///
/// `serde_json` unescapes a string with an escape (`\"`, `\u00e9`, …) in a scratch buffer it
/// keeps for the whole parse, grows by reallocation and frees unwiped: a password with a quote
/// would be left in freed memory. For a body with a backslash, one deserializer reads a
/// padding string as long as the body (harmless bytes), so that no string of the body outgrows
/// the buffer, then the body, then the padding again, which overwrites every byte a string of
/// the body left there. A string the body leaves open ends at the padding's quote and the
/// `\n` after it is no JSON; an array or object it leaves open is never closed: the stream is
/// three values exactly when the body is one. The copy of the body this needs, and every value
/// read but the body's, are wiped.
fn from_json(body: &[u8]) -> Option<Value> {
    if !body.contains(&b'\\') {
        return serde_json::from_slice(body).ok();
    }
    // `"\n`, as many `0`, `" `: `body.len() + 5` bytes.
    let pad = |input: &mut Vec<u8>| {
        input.extend_from_slice(b"\"\\n");
        input.resize(input.len().saturating_add(body.len()), b'0');
        input.extend_from_slice(b"\" ");
    };
    // Both paddings, the body and a space: never reallocated (which would leave the body in
    // the block it outgrows).
    let capacity = body.len().saturating_mul(3).saturating_add(11);
    let mut input = Zeroizing::new(Vec::with_capacity(capacity));
    pad(&mut input);
    input.extend_from_slice(body);
    input.push(b' ');
    pad(&mut input);
    let (mut read, mut failed, mut value) = (0usize, false, None);
    for item in serde_json::Deserializer::from_slice(&input).into_iter::<Value>() {
        match item {
            Ok(item) if read == 1 => {
                read += 1;
                value = Some(item);
            }
            Ok(mut item) => {
                read += 1;
                wipe(&mut item);
            }
            Err(_) => failed = true,
        }
    }
    match value {
        Some(value) if read == 3 && !failed => Some(value),
        Some(mut value) => {
            wipe(&mut value);
            None
        }
        None => None,
    }
}

/// The typed request of an operation and its JSON body.
fn parse(operation: &str, body: &[u8]) -> Result<Request, Refusal> {
    let op = Operation::from_name(operation).ok_or_else(|| unknown_operation(operation))?;
    if body.len() > MAX_JSON_BODY {
        return Err(invalid_parameter(&format!(
            "The request body is longer than {MAX_JSON_BODY} bytes."
        )));
    }
    let value =
        from_json(body).ok_or_else(|| serialization("The request body is not valid JSON."))?;
    let mut fields = match value {
        Value::Object(map) => Fields(map),
        mut other => {
            wipe(&mut other);
            return Err(serialization("The request body is not a JSON object."));
        }
    };
    // Every field's type first, then the required ones, as Cognito deserializes, then
    // validates.
    let user_pool_id = fields.string("UserPoolId")?;
    let client_id = fields.string("ClientId")?;
    let (name_field, map_field) = if op.initiates() {
        ("AuthFlow", "AuthParameters")
    } else {
        ("ChallengeName", "ChallengeResponses")
    };
    let name = fields.string(name_field)?;
    let pairs = fields.map(map_field)?;
    let session = if op.initiates() {
        None
    } else {
        fields.string("Session")?
    };
    let metadata = fields.map("ClientMetadata")?;
    for field in ["AnalyticsMetadata", "UserContextData", "ContextData"] {
        fields.ignored(field)?;
    }
    let (user_pool_id, client_id, name) = match (user_pool_id, client_id, name) {
        (Some(pool), Some(client), Some(name)) => (Some(pool), client, name),
        (pool, Some(client), Some(name)) if !op.is_admin() => (pool, client, name),
        (pool, client, name) => {
            let mut missing = Vec::new();
            if op.is_admin() && pool.is_none() {
                missing.push("userPoolId");
            }
            if client.is_none() {
                missing.push("clientId");
            }
            if name.is_none() {
                missing.push(if op.initiates() {
                    "authFlow"
                } else {
                    "challengeName"
                });
            }
            return Err(validation_error(&missing));
        }
    };
    let mut context = RequestContext::new(&client_id);
    if op.is_admin() {
        context.user_pool_id = user_pool_id;
    }
    context.client_metadata = metadata
        .into_iter()
        .map(|(k, mut v)| (k, core::mem::take(&mut *v)))
        .collect();
    if op.initiates() {
        let mut parameters = AuthParameters::new(name);
        for (key, mut value) in pairs {
            parameters.insert(key, core::mem::take(&mut *value));
        }
        Ok(Request::initiate_auth(context, parameters))
    } else {
        let mut responses = ChallengeResponses::new(name);
        for (key, mut value) in pairs {
            responses.insert(key, core::mem::take(&mut *value));
        }
        Ok(Request::respond_to_auth_challenge(
            context, responses, session,
        ))
    }
}

/// Where JSON text goes: first counted, then written into a string of exactly that length,
/// so the body (which may carry tokens) is never reallocated and copied.
trait Out {
    fn raw(&mut self, text: &str);
}

struct Count(usize);

impl Out for Count {
    fn raw(&mut self, text: &str) {
        self.0 = self.0.saturating_add(text.len());
    }
}

impl Out for String {
    fn raw(&mut self, text: &str) {
        self.push_str(text);
    }
}

/// What a JSON string escapes: `"`, `\` and the control characters.
fn special(c: char) -> bool {
    c == '"' || c == '\\' || c < ' '
}

/// A JSON string: `"`, `\` and control characters escaped.
fn string(out: &mut dyn Out, text: &str) {
    out.raw("\"");
    // The text is the pieces between its special characters, one fewer of those than pieces.
    let mut specials = text.matches(special);
    for piece in text.split(special) {
        out.raw(piece);
        if let Some(special) = specials.next() {
            escape(out, special);
        }
    }
    out.raw("\"");
}

/// The escape of a special character (one ASCII character).
fn escape(out: &mut dyn Out, special: &str) {
    match special {
        "\"" => out.raw("\\\""),
        "\\" => out.raw("\\\\"),
        "\n" => out.raw("\\n"),
        "\r" => out.raw("\\r"),
        "\t" => out.raw("\\t"),
        control => {
            for byte in control.bytes() {
                out.raw("\\u00");
                for digit in hex::digits(byte) {
                    out.raw(digit.encode_utf8(&mut [0; 4]));
                }
            }
        }
    }
}

/// A comma before every member but the first.
fn separate(out: &mut dyn Out, first: &mut bool) {
    if !core::mem::take(first) {
        out.raw(",");
    }
}

/// `,"key":` (or without the comma for the first member).
fn key(out: &mut dyn Out, first: &mut bool, name: &str) {
    separate(out, first);
    string(out, name);
    out.raw(":");
}

fn challenge(out: &mut dyn Out, c: &Challenge) {
    out.raw("{\"ChallengeName\":");
    string(out, &c.name);
    out.raw(",\"ChallengeParameters\":{");
    let mut first = true;
    for (name, value) in &c.parameters {
        key(out, &mut first, name);
        string(out, value);
    }
    out.raw("}");
    if let Some(session) = &c.session {
        out.raw(",\"Session\":");
        string(out, session);
    }
    if !c.available_challenges.is_empty() {
        out.raw(",\"AvailableChallenges\":[");
        let mut first = true;
        for name in &c.available_challenges {
            separate(out, &mut first);
            string(out, name);
        }
        out.raw("]");
    }
    out.raw("}");
}

fn tokens(out: &mut dyn Out, t: &Tokens, expires_in: &str) {
    out.raw("{\"AuthenticationResult\":{\"AccessToken\":");
    string(out, &t.access_token);
    out.raw(",\"ExpiresIn\":");
    out.raw(expires_in);
    out.raw(",\"TokenType\":\"Bearer\"");
    if let Some(refresh) = &t.refresh_token {
        out.raw(",\"RefreshToken\":");
        string(out, refresh);
    }
    out.raw(",\"IdToken\":");
    string(out, &t.id_token);
    if let Some(device) = &t.new_device {
        out.raw(",\"NewDeviceMetadata\":{\"DeviceKey\":");
        string(out, &device.device_key);
        out.raw(",\"DeviceGroupKey\":");
        string(out, &device.device_group_key);
        out.raw("}");
    }
    out.raw("},\"ChallengeParameters\":{}}");
}

fn refusal(out: &mut dyn Out, code: &str, message: &str) {
    out.raw("{\"__type\":");
    string(out, code);
    out.raw(",\"message\":");
    string(out, message);
    out.raw("}");
}

/// The body of an answer.
fn write(out: &mut dyn Out, answer: &Answered, expires_in: &str) {
    match answer {
        Ok(Reply::Challenge(c)) => challenge(out, c),
        Ok(Reply::Tokens(t)) => tokens(out, t, expires_in),
        Err(r) => refusal(out, r.code, &r.message),
    }
}

/// The status and body of an answer.
fn render(answer: &Answered) -> JsonAnswer {
    let status = match answer {
        Ok(_) => 200,
        Err(r) if r.code == INTERNAL_ERROR => 500,
        Err(_) => 400,
    };
    let expires_in = format!("{TOKEN_LIFETIME_SECONDS}");
    let mut count = Count(0);
    write(&mut count, answer, &expires_in);
    let mut body = String::with_capacity(count.0);
    write(&mut body, answer, &expires_in);
    JsonAnswer { status, body }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(text: &str) -> String {
        let mut out = String::new();
        string(&mut out, text);
        out
    }

    #[test]
    fn bodies_with_escapes_are_read_as_serde_json_reads_them() {
        let mut bodies: Vec<Vec<u8>> = [
            &br#"{"AuthParameters":{"PASSWORD":"Qu\"oted\\p\u00e4ss"}}"#[..],
            br#" {"a":"\n\t\u0041","b":["\\",1.5e300,123456789012345678901234567890,null]} "#,
            br#"{"a\u0022":"\/","b":"\ud83d\ude00"}"#,
            br#""\n0""#,
            br#"{"a":"b\"}"#,
            br#"{"a":"\n"} {}"#,
            br#"{"a":"\n"} "\n00""#,
            br#"{"a":"\n"}"\n"#,
            br#"{"a":"\n","#,
            br#"{"a":"\"#,
            br#"["\n"] 3"#,
            br#"7 "\n""#,
            br#"\"#,
            br#"\n"#,
            br#"{"a":"\x"}"#,
            br#"{"a":"\ud800"}"#,
        ]
        .iter()
        .map(|b| b.to_vec())
        .collect();
        // The parser's depth limit (128) is the same through the padded stream.
        for depth in [127, 128, 129] {
            let nested = format!("{}\"\\n\"{}", "[".repeat(depth), "]".repeat(depth));
            bodies.push(nested.into_bytes());
        }
        for body in &bodies {
            let expected: Option<Value> = serde_json::from_slice(body).ok();
            assert_eq!(
                from_json(body),
                expected,
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn strings_are_escaped_as_json() {
        assert_eq!(escaped("plain"), r#""plain""#);
        assert_eq!(escaped("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(
            escaped("\n\r\t\u{1}\u{1f}é"),
            "\"\\n\\r\\t\\u0001\\u001fé\""
        );
        for text in ["", "\"", "x\u{0}y", "€\u{7f}\u{2028}", "\\\\\"\n"] {
            let back: String = serde_json::from_str(&escaped(text)).unwrap_or_default();
            assert_eq!(back, text);
        }
    }
}
