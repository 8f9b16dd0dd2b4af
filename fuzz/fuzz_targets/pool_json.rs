//! The offline `server::UserPool` on the wire: arbitrary operation names and request bodies
//! into `UserPool::handle_json`, several per input against one pool, so that a body can answer
//! a challenge an earlier one started.
//!
//! Oracle: no panic; every answer has status 200 or 400 and a JSON object body: a refusal is
//! exactly `{"__type", "message"}` (strings, the type one the pool documents), a success a
//! challenge (`ChallengeName`, `ChallengeParameters`, optional `Session` and
//! `AvailableChallenges`) or tokens (`AuthenticationResult` with `AccessToken`,
//! `ExpiresIn` = 3600, `TokenType` = `Bearer`, `IdToken`, and `ChallengeParameters` = `{}`). Tokens
//! come only for a body carrying a credential: a user's password, a code the pool sent, or a
//! refresh token it issued (nobody can forge an SRP claim here). `Debug` of an answer never
//! prints its body.
//!
//! Input (bytes):
//!
//! - `flags`: bit 0 = the first app client has a secret (`json-fuzz-client`; the second,
//!   `json-fuzz-public`, has none). The pool has one user, with an email alias.
//! - then at most 16 messages, each `sel`, `len` (one byte: the body's length, up to the bytes
//!   left), `body`:
//!   - `sel & 7`: 0-3 `InitiateAuth`, `AdminInitiateAuth`, `RespondToAuthChallenge`,
//!     `AdminRespondToAuthChallenge`; 4 the operation is the body's first line (lossy UTF-8),
//!     the body the rest; 5 `GetUser`; 6 `InitiateAuth`; 7 `RespondToAuthChallenge`;
//!   - `sel & 0x18`: 0x10 the body padded with spaces to exactly 1 MiB, 0x18 to 1 MiB + 1;
//!   - `sel & 0x60`: the clock moves by [0 s, 1 s, 200 s, 1 day] first.
//!
//!   In the body, `$S` is the last `Session` the pool sent, `$B` its last `SECRET_BLOCK`, `$C`
//!   the last code it sent, `$R` the last refresh token it issued, `$A` a valid `SRP_A`, `$P`
//!   user 0's password, `$U` and `$E` user 0's internal name and alias, `$H` and `$h` the
//!   `SECRET_HASH` of `$U` and of `$E` for the first client, `$D` the last device key issued.
//!
//! Seeds: `make_corpus.py`. Set `POOL_JSON_TRACE=1` to print each request and answer.
#![no_main]

use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use cognito_srp_auth::server::{MAX_JSON_BODY, UserPool, UserPoolConfig};
use cognito_srp_auth::{ClientSecret, Password, hazmat, secret_hash};
use cognito_srp_auth_fuzz::CounterRng;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

const POOL_ID: &str = "us-east-1_JsonFuzz";
const CLIENT_ID: &str = "json-fuzz-client";
const CLIENT_SECRET: &str = "json-fuzz-client-secret";
const PUBLIC_CLIENT: &str = "json-fuzz-public";
/// `(internal name, password, alias)`: one user (each costs a 3072-bit `g^x` per input; the
/// `pool_conversations` target has two).
const USERS: [(&str, &str, &str); 1] = [(
    "0aaaaaaa-0000-4000-8000-000000000000",
    "Fuzz-Pw-0",
    "zero@example.com",
)];
const START: i64 = 1_800_000_000;
const CLOCK_STEPS: [i64; 4] = [0, 1, 200, 86_400];
const MAX_MESSAGES: usize = 16;
/// The exception names the pool answers with.
const TYPES: &[&str] = &[
    "InvalidParameterException",
    "SerializationException",
    "UnknownOperationException",
    "ResourceNotFoundException",
    "NotAuthorizedException",
    "UserNotConfirmedException",
    "CodeMismatchException",
];

fn trace() -> bool {
    static TRACE: OnceLock<bool> = OnceLock::new();
    *TRACE.get_or_init(|| std::env::var_os("POOL_JSON_TRACE").is_some())
}

/// A valid `SRP_A` (computing `g^a` once).
fn srp_a() -> &'static str {
    static SRP_A: OnceLock<String> = OnceLock::new();
    SRP_A.get_or_init(|| {
        hazmat::ephemeral_key_from_be_bytes(&[7; 64])
            .map(|key| key.srp_a().to_owned())
            .unwrap_or_default()
    })
}

/// What the pool sent so far, for the placeholders and the oracle.
#[derive(Default)]
struct Seen {
    session: String,
    secret_block: String,
    code: String,
    refresh_token: String,
    device_key: String,
    /// Every code sent and refresh token issued: the credentials besides the passwords.
    credentials: Vec<String>,
}

fn substitute(body: &[u8], seen: &Seen, secret: bool) -> Vec<u8> {
    let hash = |name: &str| {
        if secret {
            secret_hash(name, CLIENT_ID, &ClientSecret::from(CLIENT_SECRET))
        } else {
            String::new()
        }
    };
    let mut out = Vec::with_capacity(body.len());
    let mut bytes = body.iter().copied().peekable();
    while let Some(b) = bytes.next() {
        let value = match (b, bytes.peek()) {
            (b'$', Some(b'S')) => seen.session.clone(),
            (b'$', Some(b'B')) => seen.secret_block.clone(),
            (b'$', Some(b'C')) => seen.code.clone(),
            (b'$', Some(b'R')) => seen.refresh_token.clone(),
            (b'$', Some(b'D')) => seen.device_key.clone(),
            (b'$', Some(b'A')) => srp_a().to_owned(),
            (b'$', Some(b'P')) => USERS[0].1.to_owned(),
            (b'$', Some(b'U')) => USERS[0].0.to_owned(),
            (b'$', Some(b'E')) => USERS[0].2.to_owned(),
            (b'$', Some(b'H')) => hash(USERS[0].0),
            (b'$', Some(b'h')) => hash(USERS[0].2),
            _ => {
                out.push(b);
                continue;
            }
        };
        bytes.next();
        out.extend_from_slice(value.as_bytes());
    }
    out
}

fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// Check one answer's shape; record what it carries. Returns whether it issued tokens.
fn check_answer(status: u16, body: &str, seen: &mut Seen) -> bool {
    let value: Value =
        serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"));
    let object = value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {body}"));
    match status {
        400 => {
            let keys: Vec<&String> = object.keys().collect();
            assert_eq!(keys, ["__type", "message"], "{body}");
            let kind = text(&value, "__type").unwrap_or_else(|| panic!("{body}"));
            assert!(TYPES.contains(&kind), "undocumented exception {kind}");
            assert!(text(&value, "message").is_some(), "{body}");
            false
        }
        200 => {
            let parameters = value
                .get("ChallengeParameters")
                .and_then(Value::as_object)
                .unwrap_or_else(|| panic!("no ChallengeParameters: {body}"));
            if let Some(result) = value.get("AuthenticationResult") {
                assert!(parameters.is_empty(), "{body}");
                assert_eq!(object.len(), 2, "{body}");
                assert_eq!(result.get("ExpiresIn"), Some(&Value::from(3600)), "{body}");
                assert_eq!(text(result, "TokenType"), Some("Bearer"), "{body}");
                assert!(text(result, "AccessToken").is_some(), "{body}");
                assert!(text(result, "IdToken").is_some(), "{body}");
                if let Some(token) = text(result, "RefreshToken") {
                    seen.refresh_token = token.to_owned();
                    seen.credentials.push(token.to_owned());
                }
                if let Some(device) = result.get("NewDeviceMetadata") {
                    assert!(text(device, "DeviceGroupKey").is_some(), "{body}");
                    seen.device_key = text(device, "DeviceKey")
                        .unwrap_or_else(|| panic!("{body}"))
                        .to_owned();
                }
                true
            } else {
                assert!(text(&value, "ChallengeName").is_some(), "{body}");
                for key in object.keys() {
                    assert!(
                        [
                            "ChallengeName",
                            "ChallengeParameters",
                            "Session",
                            "AvailableChallenges"
                        ]
                        .contains(&key.as_str()),
                        "{body}"
                    );
                }
                assert!(parameters.values().all(Value::is_string), "{body}");
                if let Some(session) = text(&value, "Session") {
                    seen.session = session.to_owned();
                }
                if let Some(block) = parameters.get("SECRET_BLOCK").and_then(Value::as_str) {
                    seen.secret_block = block.to_owned();
                }
                false
            }
        }
        other => panic!("status {other}: {body}"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, mut rest)) = data.split_first() else {
        return;
    };
    let secret = flags & 1 != 0;
    let config = UserPoolConfig::new(
        POOL_ID,
        CLIENT_ID,
        secret.then(|| ClientSecret::from(CLIENT_SECRET)),
    );
    let mut pool = UserPool::new(config, CounterRng(u64::from(flags)))
        .unwrap_or_else(|e| panic!("pool: {e:?}"));
    pool.add_client(PUBLIC_CLIENT, None)
        .unwrap_or_else(|e| panic!("client: {e:?}"));
    for (name, password, alias) in USERS {
        pool.add_user(name, &Password::from(password), &[alias])
            .unwrap_or_else(|e| panic!("user: {e:?}"));
    }
    let mut seen = Seen::default();
    let mut clock = START;
    for _ in 0..MAX_MESSAGES {
        let [sel, len, tail @ ..] = rest else {
            break;
        };
        let (body, next) = tail.split_at(usize::from(*len).min(tail.len()));
        rest = next;
        clock += CLOCK_STEPS[usize::from((sel >> 5) & 3)];
        let now = DateTime::<Utc>::from_timestamp(clock, 0).unwrap_or_default();
        let mut body = substitute(body, &seen, secret);
        let op = match sel & 7 {
            0 | 6 => "InitiateAuth".to_owned(),
            1 => "AdminInitiateAuth".to_owned(),
            2 | 7 => "RespondToAuthChallenge".to_owned(),
            3 => "AdminRespondToAuthChallenge".to_owned(),
            4 => {
                let line = body.iter().position(|&b| b == b'\n').unwrap_or(body.len());
                let op = String::from_utf8_lossy(&body[..line]).into_owned();
                body.drain(..(line + 1).min(body.len()));
                op
            }
            _ => "GetUser".to_owned(),
        };
        match sel & 0x18 {
            0x10 => body.resize(MAX_JSON_BODY.max(body.len()), b' '),
            0x18 => body.resize((MAX_JSON_BODY + 1).max(body.len()), b' '),
            _ => {}
        }
        let answer = pool.handle_json(&op, &body, now);
        if trace() {
            let head = |b: &[u8]| String::from_utf8_lossy(&b[..b.len().min(160)]).into_owned();
            eprintln!(
                "{op} {}\n  => {} {}",
                head(&body),
                answer.status,
                head(answer.body.as_bytes())
            );
        }
        let printed = format!("{answer:?}");
        assert!(
            answer.body.len() < 8 || !printed.contains(&answer.body),
            "Debug printed the body"
        );
        let issued = check_answer(answer.status, &answer.body, &mut seen);
        if issued {
            let sent = String::from_utf8_lossy(&body);
            let credential = USERS.iter().any(|u| sent.contains(u.1))
                || seen.credentials.iter().any(|c| sent.contains(c.as_str()));
            assert!(credential, "tokens for a body without a credential: {sent}");
        }
        // Every code the pool sent so far (the last one per user).
        for (name, _, _) in USERS {
            if let Some(code) = pool.sent_code(name)
                && !seen.credentials.iter().any(|c| c == code)
            {
                seen.code = code.to_owned();
                seen.credentials.push(code.to_owned());
            }
        }
    }
});
