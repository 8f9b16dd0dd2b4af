//! The offline pool on the wire (feature `server`): `UserPool::handle_json` takes the
//! operation name of `X-Amz-Target` and the JSON body an SDK sends, and answers with Cognito's
//! status and JSON. Sign-ins are driven by the crate's own `SignIn`, each request written as
//! the JSON body Cognito expects and each answer read back as an SDK reads it.
#![cfg(all(feature = "hazmat", feature = "server"))]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::std_instead_of_core,
    clippy::std_instead_of_alloc
)]

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, TimeZone, Utc};
use cognito_srp_auth::server::{JsonAnswer, MAX_JSON_BODY, UserPool, UserPoolConfig};
use cognito_srp_auth::{
    Challenge, ClientSecret, Error, FirstFactor, Flow, NewDeviceMetadata, Password,
    RememberedDevice, Request, ServerAnswer, SignIn, SignedIn, Step, Timestamp, UserPoolClient,
    secret_hash,
};
use rand::SeedableRng;
use rand::rngs::StdRng;
use serde_json::{Map, Value, json};

const POOL: &str = "eu-west-1_JsonWire";
const ISSUER: &str = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_JsonWire";
const CLIENT_ID: &str = "json-wire-client";
const CLIENT_SECRET: &str = "json-wire-client-secret-0123456789";
/// A second app client, without a secret.
const PUBLIC_CLIENT: &str = "json-wire-public-client";
/// A third app client, with its own secret.
const OTHER_CLIENT: &str = "json-wire-other-client";
const OTHER_SECRET: &str = "json-wire-other-secret";
const USER: &str = "6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
const EMAIL: &str = "erin@example.com";
const PASSWORD: &str = "Erin-Pw-2026!";
const OTHER_USER: &str = "7b2c3d4e-5f60-4b7c-9d8e-0f1a2b3c4d5e";
const OTHER_EMAIL: &str = "frank@example.com";
const OTHER_PASSWORD: &str = "Frank-Pw-2026!";
/// `instant()` in seconds.
const T0: i64 = 1_796_032_800;

fn instant() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 10, 0, 0).unwrap()
}

fn client() -> UserPoolClient {
    UserPoolClient::new(POOL, CLIENT_ID)
        .unwrap()
        .with_client_secret(ClientSecret::from(CLIENT_SECRET))
}

fn public_client() -> UserPoolClient {
    UserPoolClient::new(POOL, PUBLIC_CLIENT).unwrap()
}

fn hash(name: &str) -> String {
    secret_hash(name, CLIENT_ID, &ClientSecret::from(CLIENT_SECRET))
}

/// The pool: app client `CLIENT_ID` with a secret, `PUBLIC_CLIENT` without one, and
/// `OTHER_CLIENT` with its own; two users with an email alias each.
fn pool() -> UserPool<StdRng> {
    let config = UserPoolConfig::new(POOL, CLIENT_ID, Some(ClientSecret::from(CLIENT_SECRET)));
    let mut pool = UserPool::new(config, StdRng::seed_from_u64(77)).unwrap();
    pool.add_client(PUBLIC_CLIENT, None).unwrap();
    pool.add_client(OTHER_CLIENT, Some(ClientSecret::from(OTHER_SECRET)))
        .unwrap();
    pool.add_user(USER, &Password::from(PASSWORD), &[EMAIL])
        .unwrap();
    pool.add_user(OTHER_USER, &Password::from(OTHER_PASSWORD), &[OTHER_EMAIL])
        .unwrap();
    pool
}

fn sign_in(client: UserPoolClient, name: &str, password: &str, seed: u64) -> SignIn<StdRng> {
    SignIn::with_rng(
        client,
        name,
        Password::from(password),
        StdRng::seed_from_u64(seed),
    )
}

fn string_map<'a>(pairs: impl Iterator<Item = (&'a str, &'a str)>) -> Value {
    Value::Object(pairs.map(|(k, v)| (k.to_owned(), v.into())).collect())
}

/// The operation and the JSON body an SDK sends for `request`.
fn to_json(request: &Request) -> (&'static str, Value) {
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
            body.insert(
                "ChallengeName".into(),
                r.challenge_responses.challenge_name().into(),
            );
            body.insert(
                "ChallengeResponses".into(),
                string_map(r.challenge_responses.iter()),
            );
            if let Some(session) = &r.session {
                body.insert("Session".into(), session.as_str().into());
            }
        }
    }
    (request.operation(), Value::Object(body))
}

fn send(pool: &mut UserPool<StdRng>, op: &str, body: &Value, now: DateTime<Utc>) -> JsonAnswer {
    pool.handle_json(op, body.to_string().as_bytes(), now)
}

fn parsed(answer: &JsonAnswer) -> Value {
    serde_json::from_str(&answer.body).unwrap()
}

/// The typed answer of a JSON answer, as an SDK reads it.
fn from_json(answer: &JsonAnswer) -> ServerAnswer {
    let v = parsed(answer);
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    match answer.status {
        200 => match v.get("AuthenticationResult") {
            Some(result) => {
                let metadata = result.get("NewDeviceMetadata").map(|m| NewDeviceMetadata {
                    device_key: text(m, "DeviceKey").unwrap(),
                    device_group_key: text(m, "DeviceGroupKey").unwrap(),
                });
                ServerAnswer::authenticated(metadata, text(result, "AccessToken").as_deref())
            }
            None => {
                let parameters: Vec<(String, String)> = v["ChallengeParameters"]
                    .as_object()
                    .unwrap()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned()))
                    .collect();
                let available: Vec<String> = v
                    .get("AvailableChallenges")
                    .map(|a| {
                        a.as_array()
                            .unwrap()
                            .iter()
                            .map(|c| c.as_str().unwrap().to_owned())
                            .collect()
                    })
                    .unwrap_or_default();
                ServerAnswer::Challenge(
                    Challenge::new(
                        &text(&v, "ChallengeName").unwrap(),
                        parameters,
                        text(&v, "Session").as_deref(),
                    )
                    .with_available_challenges(available),
                )
            }
        },
        400 => ServerAnswer::Error {
            code: text(&v, "__type").unwrap(),
            message: text(&v, "message").unwrap(),
        },
        other => panic!("status {other}: {}", answer.body),
    }
}

/// One request and its answer.
struct Sent {
    op: &'static str,
    body: Value,
    answer: JsonAnswer,
}

/// Drive `sign_in` through `handle_json`; `rewrite` may change each body before it is sent.
fn run(
    pool: &mut UserPool<StdRng>,
    mut sign_in: SignIn<StdRng>,
    now: DateTime<Utc>,
    mut rewrite: impl FnMut(&str, &mut Value),
) -> (Result<SignedIn, Error>, Vec<Sent>) {
    let mut sent = Vec::new();
    let mut step = sign_in.start();
    loop {
        step = match step {
            Ok(Step::Send(request)) => {
                let (op, mut body) = to_json(&request);
                rewrite(op, &mut body);
                let answer = send(pool, op, &body, now);
                let typed = from_json(&answer);
                sent.push(Sent { op, body, answer });
                sign_in.handle(typed, &Timestamp::from(now))
            }
            Ok(Step::Done(done)) => return (Ok(done), sent),
            Ok(Step::Ask(question)) => panic!("unexpected question {question:?}"),
            Err(e) => return (Err(e), sent),
        }
    }
}

fn unchanged(_: &str, _: &mut Value) {}

/// The header, claims and signature of a token.
fn jwt(token: &str) -> (Value, Value, String) {
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "{token}");
    let decode = |p: &str| serde_json::from_slice(&URL_SAFE_NO_PAD.decode(p).unwrap()).unwrap();
    (decode(parts[0]), decode(parts[1]), parts[2].to_owned())
}

/// The claims of an unsecured token, with its `jti` checked (a UUID) and removed.
fn claims(token: &str) -> Value {
    let (header, mut claims, signature) = jwt(token);
    assert_eq!(header, json!({"alg": "none", "typ": "JWT"}));
    assert_eq!(signature, "");
    let jti = claims
        .as_object_mut()
        .unwrap()
        .remove("jti")
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned();
    let groups: Vec<usize> = jti.split('-').map(str::len).collect();
    assert_eq!(groups, [8, 4, 4, 4, 12], "{jti}");
    assert!(jti.bytes().all(|b| b == b'-' || b.is_ascii_hexdigit()));
    claims
}

fn refusal(answer: &JsonAnswer) -> Refusal {
    let v = parsed(answer);
    assert_eq!(
        v.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["__type", "message"],
        "{}",
        answer.body
    );
    (
        answer.status,
        v["__type"].as_str().unwrap().to_owned(),
        v["message"].as_str().unwrap().to_owned(),
    )
}

/// A refusal: status, `__type` and `message`.
type Refusal = (u16, String, String);

fn refused(code: &str, message: &str) -> Refusal {
    (400, code.to_owned(), message.to_owned())
}

const INCORRECT: &str = "Incorrect username or password.";

/// Sign in once (by the alias) and confirm the new device: `(key, stored device)`.
fn registered_device(pool: &mut UserPool<StdRng>, seed: u64) -> (String, String) {
    let (done, _) = run(
        pool,
        sign_in(client(), EMAIL, PASSWORD, seed),
        instant(),
        unchanged,
    );
    let new_device = done.unwrap().new_device.unwrap();
    let key = new_device.device.device_key().to_owned();
    pool.confirm_device(USER, &key, &new_device.config).unwrap();
    (
        key,
        new_device.device.to_storage_string().as_str().to_owned(),
    )
}

#[test]
fn srp_sign_in_through_json_by_alias_with_a_client_secret() {
    let mut pool = pool();
    let (done, sent) = run(
        &mut pool,
        sign_in(client(), EMAIL, PASSWORD, 1),
        instant(),
        unchanged,
    );
    let done = done.unwrap();
    assert_eq!(done.username, USER);
    let ops: Vec<&str> = sent.iter().map(|s| s.op).collect();
    assert_eq!(ops, ["InitiateAuth", "RespondToAuthChallenge"]);
    assert_eq!(sent[0].body["AuthFlow"], "USER_SRP_AUTH");
    assert_eq!(sent[0].body["AuthParameters"]["USERNAME"], EMAIL);

    // The challenge, as Cognito writes it.
    let challenge = parsed(&sent[0].answer);
    assert_eq!(sent[0].answer.status, 200);
    let keys: Vec<&String> = challenge.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["ChallengeName", "ChallengeParameters"]);
    assert_eq!(challenge["ChallengeName"], "PASSWORD_VERIFIER");
    let parameters = challenge["ChallengeParameters"].as_object().unwrap();
    let names: Vec<&String> = parameters.keys().collect();
    assert_eq!(
        names,
        [
            "SALT",
            "SECRET_BLOCK",
            "SRP_B",
            "USERNAME",
            "USER_ID_FOR_SRP"
        ]
    );
    assert_eq!(parameters["USERNAME"], USER);
    assert_eq!(parameters["USER_ID_FOR_SRP"], USER);
    assert_eq!(
        sent[0].answer.body,
        format!(
            r#"{{"ChallengeName":"PASSWORD_VERIFIER","ChallengeParameters":{{"SALT":"{}","SECRET_BLOCK":"{}","SRP_B":"{}","USERNAME":"{USER}","USER_ID_FOR_SRP":"{USER}"}}}}"#,
            parameters["SALT"].as_str().unwrap(),
            parameters["SECRET_BLOCK"].as_str().unwrap(),
            parameters["SRP_B"].as_str().unwrap(),
        )
    );

    // The tokens, as Cognito writes them.
    let answer = &sent[1].answer;
    assert_eq!(answer.status, 200);
    let v = parsed(answer);
    let result = &v["AuthenticationResult"];
    let access = result["AccessToken"].as_str().unwrap();
    let id = result["IdToken"].as_str().unwrap();
    let refresh = result["RefreshToken"].as_str().unwrap();
    let new_device = done.new_device.as_ref().unwrap();
    let key = new_device.device.device_key();
    let group = new_device.device.device_group_key();
    assert_eq!(
        answer.body,
        format!(
            r#"{{"AuthenticationResult":{{"AccessToken":"{access}","ExpiresIn":3600,"TokenType":"Bearer","RefreshToken":"{refresh}","IdToken":"{id}","NewDeviceMetadata":{{"DeviceKey":"{key}","DeviceGroupKey":"{group}"}}}},"ChallengeParameters":{{}}}}"#
        )
    );
    assert_eq!(Some(refresh), pool.refresh_token(USER));
    assert_eq!(refresh.len(), 64);
    assert!(key.starts_with("eu-west-1_"), "{key}");
    assert_eq!(
        claims(access),
        json!({
            "sub": USER,
            "iss": ISSUER,
            "client_id": CLIENT_ID,
            "token_use": "access",
            "scope": "aws.cognito.signin.user.admin",
            "auth_time": T0,
            "iat": T0,
            "exp": T0 + 3600,
            "username": USER,
            "device_key": key,
        })
    );
    assert_eq!(
        claims(id),
        json!({
            "sub": USER,
            "iss": ISSUER,
            "aud": CLIENT_ID,
            "cognito:username": USER,
            "token_use": "id",
            "auth_time": T0,
            "iat": T0,
            "exp": T0 + 3600,
        })
    );

    // Debug prints the status and the length, never the body.
    assert_eq!(
        format!("{answer:?}"),
        format!(
            "JsonAnswer {{ status: 200, body_len: {}, .. }}",
            answer.body.len()
        )
    );
    assert!(!format!("{answer:#?}").contains(refresh));
}

#[test]
fn device_srp_and_refresh_through_json() {
    let mut pool = pool();
    let (key, stored) = registered_device(&mut pool, 2);
    let device = RememberedDevice::from_storage_string(&stored).unwrap();
    let later = instant() + Duration::seconds(60);
    // pycognito's device SRP: USERNAME is the alias and SECRET_HASH is over it.
    let by_alias = |op: &str, body: &mut Value| {
        let name = body["ChallengeName"].as_str().unwrap_or_default();
        if op == "RespondToAuthChallenge" && name.starts_with("DEVICE_") {
            body["ChallengeResponses"]["USERNAME"] = EMAIL.into();
            body["ChallengeResponses"]["SECRET_HASH"] = hash(EMAIL).into();
        }
    };
    let (done, sent) = run(
        &mut pool,
        sign_in(client(), EMAIL, PASSWORD, 3).with_device(device),
        later,
        by_alias,
    );
    let done = done.unwrap();
    assert_eq!(done.device_key.as_deref(), Some(key.as_str()));
    assert!(done.new_device.is_none());
    let names: Vec<String> = sent
        .iter()
        .map(|s| {
            let body = &s.body;
            let name = body.get("ChallengeName").or(body.get("AuthFlow"));
            format!("{} {}", s.op, name.unwrap().as_str().unwrap())
        })
        .collect();
    assert_eq!(
        names,
        [
            "InitiateAuth USER_SRP_AUTH",
            "RespondToAuthChallenge PASSWORD_VERIFIER",
            "RespondToAuthChallenge DEVICE_SRP_AUTH",
            "RespondToAuthChallenge DEVICE_PASSWORD_VERIFIER",
        ]
    );
    assert_eq!(sent[3].body["ChallengeResponses"]["USERNAME"], EMAIL);
    // The device challenges name the internal user.
    for s in &sent[1..3] {
        let v = parsed(&s.answer);
        assert_eq!(
            v["ChallengeParameters"]["USERNAME"], USER,
            "{}",
            s.answer.body
        );
        assert!(v["Session"].is_string());
    }
    let v = parsed(&sent[3].answer);
    let result = v["AuthenticationResult"].as_object().unwrap();
    let keys: Vec<&String> = result.keys().collect();
    assert_eq!(
        keys,
        [
            "AccessToken",
            "ExpiresIn",
            "IdToken",
            "RefreshToken",
            "TokenType"
        ]
    );
    let access = claims(result["AccessToken"].as_str().unwrap());
    assert_eq!(access["device_key"], key.as_str());
    assert_eq!(access["auth_time"], T0 + 60);

    // REFRESH_TOKEN_AUTH (and its other name REFRESH_TOKEN): access and id tokens, no refresh
    // token, no device; `auth_time` stays the sign-in's.
    let token = pool.refresh_token(USER).unwrap().to_owned();
    assert_eq!(result["RefreshToken"], token.as_str());
    let refresh_at = later + Duration::seconds(1000);
    for flow in ["REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"] {
        let body = json!({
            "ClientId": CLIENT_ID,
            "AuthFlow": flow,
            "AuthParameters": {
                "REFRESH_TOKEN": token,
                "SECRET_HASH": hash(USER),
                "DEVICE_KEY": key,
            },
        });
        let answer = send(&mut pool, "InitiateAuth", &body, refresh_at);
        assert_eq!(answer.status, 200, "{flow}: {}", answer.body);
        let v = parsed(&answer);
        let access = v["AuthenticationResult"]["AccessToken"].as_str().unwrap();
        let id = v["AuthenticationResult"]["IdToken"].as_str().unwrap();
        assert_eq!(
            answer.body,
            format!(
                r#"{{"AuthenticationResult":{{"AccessToken":"{access}","ExpiresIn":3600,"TokenType":"Bearer","IdToken":"{id}"}},"ChallengeParameters":{{}}}}"#
            )
        );
        let id = claims(id);
        assert_eq!(id["auth_time"], T0 + 60);
        assert_eq!(id["iat"], T0 + 1060);
        assert_eq!(id["exp"], T0 + 4660);
        assert_eq!(claims(access)["device_key"], key.as_str());
    }
    // SECRET_HASH over the alias: refused, as before.
    let body = json!({
        "ClientId": CLIENT_ID,
        "AuthFlow": "REFRESH_TOKEN_AUTH",
        "AuthParameters": {"REFRESH_TOKEN": token, "SECRET_HASH": hash(EMAIL), "DEVICE_KEY": key},
    });
    assert_eq!(
        refusal(&send(&mut pool, "InitiateAuth", &body, refresh_at)),
        refused(
            "NotAuthorizedException",
            "Unable to verify secret hash for client"
        )
    );
}

/// The JSON body of the `PASSWORD_VERIFIER` answer of `s`, through `handle_json`.
fn first_claim(pool: &mut UserPool<StdRng>, mut s: SignIn<StdRng>) -> Value {
    let Ok(Step::Send(initiate)) = s.start() else {
        panic!("expected InitiateAuth")
    };
    let (op, body) = to_json(&initiate);
    assert_eq!(op, "InitiateAuth");
    let answer = send(pool, op, &body, instant());
    let Ok(Step::Send(claim)) = s.handle(from_json(&answer), &Timestamp::from(instant())) else {
        panic!("expected the claim: {}", answer.body)
    };
    let (op, body) = to_json(&claim);
    assert_eq!(op, "RespondToAuthChallenge");
    assert_eq!(body["ChallengeName"], "PASSWORD_VERIFIER");
    body
}

/// A sign-in with `stored` (a device the pool forgot) up to its `PASSWORD_VERIFIER` answer:
/// the JSON body of that answer, carrying `DEVICE_KEY`.
fn claim_with_stale_device(
    pool: &mut UserPool<StdRng>,
    stored: &str,
    password: &str,
    seed: u64,
) -> Value {
    let device = RememberedDevice::from_storage_string(stored).unwrap();
    let body = first_claim(
        pool,
        sign_in(client(), EMAIL, password, seed).with_device(device),
    );
    assert!(body["ChallengeResponses"]["DEVICE_KEY"].is_string());
    body
}

fn without_device(body: &Value, as_null: bool) -> Value {
    let mut body = body.clone();
    let responses = body["ChallengeResponses"].as_object_mut().unwrap();
    if as_null {
        responses.insert("DEVICE_KEY".into(), Value::Null);
    } else {
        responses.remove("DEVICE_KEY");
    }
    body
}

#[test]
fn the_same_answer_without_a_stale_device_signs_in() {
    let mut pool = pool();
    let (key, stored) = registered_device(&mut pool, 4);
    pool.forget_device(&key);
    let no_device = refused("ResourceNotFoundException", "Device does not exist.");
    // amazon-cognito-identity-js sends "DEVICE_KEY": null; others leave it out.
    for (seed, as_null) in [(5, true), (6, false)] {
        let claim = claim_with_stale_device(&mut pool, &stored, PASSWORD, seed);
        let op = "RespondToAuthChallenge";
        let answer = send(&mut pool, op, &claim, instant());
        assert_eq!(refusal(&answer), no_device);
        // Refused again with the device: the exchange is still there.
        let answer = send(&mut pool, op, &claim, instant());
        assert_eq!(refusal(&answer), no_device);
        let retry = without_device(&claim, as_null);
        let answer = send(&mut pool, op, &retry, instant());
        assert_eq!(answer.status, 200, "{}", answer.body);
        let v = parsed(&answer);
        let result = &v["AuthenticationResult"];
        assert!(result["RefreshToken"].is_string());
        // No device: the pool asks the client to remember a new one.
        let new_key = result["NewDeviceMetadata"]["DeviceKey"].as_str().unwrap();
        assert_ne!(new_key, key);
        assert_eq!(
            claims(result["AccessToken"].as_str().unwrap())["device_key"],
            new_key
        );
        // The exchange is used up.
        let answer = send(&mut pool, op, &retry, instant());
        assert_eq!(
            refusal(&answer),
            refused("NotAuthorizedException", INCORRECT)
        );
    }
}

/// `PASSWORD_CLAIM_SIGNATURE` of 32 zero bytes: a claim that does not verify.
fn with_wrong_signature(body: &Value) -> Value {
    let mut body = body.clone();
    body["ChallengeResponses"]["PASSWORD_CLAIM_SIGNATURE"] =
        "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=".into();
    body
}

#[test]
fn a_claim_that_does_not_verify_ends_the_exchange_even_after_a_stale_device() {
    let mut pool = pool();
    let (key, stored) = registered_device(&mut pool, 7);
    pool.forget_device(&key);
    let op = "RespondToAuthChallenge";
    let incorrect = refused("NotAuthorizedException", INCORRECT);

    // The right claim with the stale device, then a wrong one without: the wrong one ends the
    // exchange, and the right one cannot be sent again.
    let claim = claim_with_stale_device(&mut pool, &stored, PASSWORD, 8);
    assert_eq!(
        refusal(&send(&mut pool, op, &claim, instant())),
        refused("ResourceNotFoundException", "Device does not exist.")
    );
    let retry = without_device(&claim, true);
    let wrong = with_wrong_signature(&retry);
    assert_eq!(refusal(&send(&mut pool, op, &wrong, instant())), incorrect);
    assert_eq!(refusal(&send(&mut pool, op, &retry, instant())), incorrect);

    // A wrong claim with the stale device is a wrong password, not a missing device, and
    // ends the exchange.
    let claim = claim_with_stale_device(&mut pool, &stored, PASSWORD, 9);
    assert_eq!(
        refusal(&send(
            &mut pool,
            op,
            &with_wrong_signature(&claim),
            instant()
        )),
        incorrect
    );
    let retry = without_device(&claim, true);
    assert_eq!(refusal(&send(&mut pool, op, &retry, instant())), incorrect);

    // A wrong password with the stale device: the same.
    let claim = claim_with_stale_device(&mut pool, &stored, "not the password", 10);
    assert_eq!(refusal(&send(&mut pool, op, &claim, instant())), incorrect);
    let retry = without_device(&claim, false);
    assert_eq!(refusal(&send(&mut pool, op, &retry, instant())), incorrect);
}

#[test]
fn another_users_device_is_a_stale_device() {
    let mut pool = pool();
    let (key, _) = registered_device(&mut pool, 11);
    // OTHER_USER's claim names USER's device: refused, then signs in without it.
    let claim = first_claim(&mut pool, sign_in(client(), OTHER_USER, OTHER_PASSWORD, 12));
    let mut with_device = claim.clone();
    with_device["ChallengeResponses"]["DEVICE_KEY"] = key.as_str().into();
    let op = "RespondToAuthChallenge";
    assert_eq!(
        refusal(&send(&mut pool, op, &with_device, instant())),
        refused("ResourceNotFoundException", "Device does not exist.")
    );
    let answer = send(&mut pool, op, &claim, instant());
    assert_eq!(answer.status, 200, "{}", answer.body);
    let v = parsed(&answer);
    let access = claims(v["AuthenticationResult"]["AccessToken"].as_str().unwrap());
    assert_eq!(access["username"], OTHER_USER);
    assert_ne!(access["device_key"], key.as_str());
}

/// A sign-in by the alias up to its `PASSWORD_VERIFIER` answer, with `USERNAME` and
/// `SECRET_HASH` replaced: the pool's answer.
fn claim_as(pool: &mut UserPool<StdRng>, username: &str, hashed: &str, seed: u64) -> JsonAnswer {
    let (_, sent) = run(
        pool,
        sign_in(client(), EMAIL, PASSWORD, seed),
        instant(),
        |op, body| {
            if op == "RespondToAuthChallenge" {
                body["ChallengeResponses"]["USERNAME"] = username.into();
                body["ChallengeResponses"]["SECRET_HASH"] = hash(hashed).into();
            }
        },
    );
    assert_eq!(sent.len(), 2);
    sent.into_iter().nth(1).unwrap().answer
}

#[test]
fn a_challenge_response_may_name_the_user_by_alias_with_its_secret_hash() {
    let mut pool = pool();
    for (seed, username, hashed) in [(20, EMAIL, EMAIL), (21, USER, USER)] {
        let answer = claim_as(&mut pool, username, hashed, seed);
        assert_eq!(answer.status, 200, "{username}: {}", answer.body);
        let v = parsed(&answer);
        let access = claims(v["AuthenticationResult"]["AccessToken"].as_str().unwrap());
        assert_eq!(access["username"], USER);
    }
    let bad_hash = refused(
        "NotAuthorizedException",
        "Unable to verify secret hash for client",
    );
    let incorrect = refused("NotAuthorizedException", INCORRECT);
    for (seed, username, hashed, want) in [
        (22, EMAIL, USER, &bad_hash),
        (23, USER, EMAIL, &bad_hash),
        (24, OTHER_USER, OTHER_USER, &incorrect),
        (25, OTHER_EMAIL, OTHER_EMAIL, &incorrect),
        (26, "nobody@example.com", "nobody@example.com", &incorrect),
    ] {
        let answer = claim_as(&mut pool, username, hashed, seed);
        assert_eq!(&refusal(&answer), want, "{username} / {hashed}");
    }
}

#[test]
fn app_clients_check_their_own_secret_and_keep_their_challenges() {
    let mut pool = pool();
    let malformed = Err(Error::MalformedParameter { name: "ClientId" });
    assert_eq!(pool.add_client(PUBLIC_CLIENT, None), malformed);
    assert_eq!(pool.add_client(CLIENT_ID, None), malformed);
    assert_eq!(pool.add_client("", None), malformed);
    assert_eq!(pool.add_client(&"c".repeat(129), None), malformed);
    assert!(format!("{pool:?}").contains("clients: 3"), "{pool:?}");

    // The public client (no secret) and the other client (its own secret).
    let (done, sent) = run(
        &mut pool,
        sign_in(public_client(), EMAIL, PASSWORD, 30),
        instant(),
        unchanged,
    );
    assert_eq!(done.unwrap().username, USER);
    assert!(sent[0].body["AuthParameters"].get("SECRET_HASH").is_none());
    let v = parsed(&sent[1].answer);
    let result = &v["AuthenticationResult"];
    assert_eq!(
        claims(result["AccessToken"].as_str().unwrap())["client_id"],
        PUBLIC_CLIENT
    );
    assert_eq!(
        claims(result["IdToken"].as_str().unwrap())["aud"],
        PUBLIC_CLIENT
    );
    let other = |secret: &str| {
        UserPoolClient::new(POOL, OTHER_CLIENT)
            .unwrap()
            .with_client_secret(ClientSecret::from(secret))
    };
    let (done, _) = run(
        &mut pool,
        sign_in(other(OTHER_SECRET), EMAIL, PASSWORD, 31),
        instant(),
        unchanged,
    );
    assert_eq!(done.unwrap().username, USER);
    let (done, sent) = run(
        &mut pool,
        sign_in(other(CLIENT_SECRET), EMAIL, PASSWORD, 32),
        instant(),
        unchanged,
    );
    assert!(done.is_err());
    assert_eq!(
        refusal(&sent[0].answer),
        refused(
            "NotAuthorizedException",
            "Unable to verify secret hash for client"
        )
    );

    // A PASSWORD_VERIFIER started through CLIENT_ID, answered through PUBLIC_CLIENT: refused,
    // and still answerable through CLIENT_ID.
    let claim = {
        let mut s = sign_in(client(), EMAIL, PASSWORD, 33);
        let Ok(Step::Send(initiate)) = s.start() else {
            panic!()
        };
        let (op, body) = to_json(&initiate);
        let answer = send(&mut pool, op, &body, instant());
        let Ok(Step::Send(claim)) = s.handle(from_json(&answer), &Timestamp::from(instant()))
        else {
            panic!()
        };
        to_json(&claim).1
    };
    let mut elsewhere = claim.clone();
    elsewhere["ClientId"] = PUBLIC_CLIENT.into();
    let op = "RespondToAuthChallenge";
    assert_eq!(
        refusal(&send(&mut pool, op, &elsewhere, instant())),
        refused("NotAuthorizedException", INCORRECT)
    );
    assert_eq!(send(&mut pool, op, &claim, instant()).status, 200);

    // A session (EMAIL_OTP) started through CLIENT_ID, answered through PUBLIC_CLIENT.
    let start = json!({
        "ClientId": CLIENT_ID,
        "AuthFlow": "USER_AUTH",
        "AuthParameters": {
            "USERNAME": EMAIL,
            "PREFERRED_CHALLENGE": "EMAIL_OTP",
            "SECRET_HASH": hash(EMAIL),
        },
    });
    let answer = send(&mut pool, "InitiateAuth", &start, instant());
    let v = parsed(&answer);
    assert_eq!(v["ChallengeName"], "EMAIL_OTP", "{}", answer.body);
    assert_eq!(
        v["ChallengeParameters"],
        json!({
            "CODE_DELIVERY_DELIVERY_MEDIUM": "EMAIL",
            "CODE_DELIVERY_DESTINATION": "u***@e***",
            "USERNAME": USER,
        })
    );
    let session = v["Session"].as_str().unwrap().to_owned();
    let code = pool.sent_code(USER).unwrap().to_owned();
    let respond = |client_id: &str| {
        json!({
            "ClientId": client_id,
            "ChallengeName": "EMAIL_OTP",
            "Session": session,
            "ChallengeResponses": {
                "USERNAME": USER,
                "EMAIL_OTP_CODE": code,
                "SECRET_HASH": hash(USER),
            },
        })
    };
    assert_eq!(
        refusal(&send(&mut pool, op, &respond(PUBLIC_CLIENT), instant())),
        refused("NotAuthorizedException", "Invalid session for the user.")
    );
    let answer = send(&mut pool, op, &respond(CLIENT_ID), instant());
    assert_eq!(answer.status, 200, "{}", answer.body);
    let device_key = parsed(&answer)["AuthenticationResult"]["NewDeviceMetadata"]["DeviceKey"]
        .as_str()
        .unwrap()
        .to_owned();
    let used_up = parsed(&send(&mut pool, op, &respond(CLIENT_ID), instant()));
    assert_eq!(
        used_up,
        json!({"__type": "NotAuthorizedException", "message": "Invalid session for the user."})
    );

    // The refresh token works through CLIENT_ID only.
    let token = pool.refresh_token(USER).unwrap().to_owned();
    let refresh = |client_id: &str| {
        json!({
            "ClientId": client_id,
            "AuthFlow": "REFRESH_TOKEN_AUTH",
            "AuthParameters": {"REFRESH_TOKEN": token, "SECRET_HASH": hash(USER),
                               "DEVICE_KEY": device_key},
        })
    };
    assert_eq!(
        refusal(&send(
            &mut pool,
            "InitiateAuth",
            &refresh(PUBLIC_CLIENT),
            instant()
        )),
        refused("NotAuthorizedException", "Invalid Refresh Token")
    );
    let answer = send(&mut pool, "InitiateAuth", &refresh(CLIENT_ID), instant());
    assert_eq!(answer.status, 200, "{}", answer.body);

    // Unknown clients and pools.
    let unknown = |client_id: &str| json!({"ClientId": client_id, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": {}});
    assert_eq!(
        refusal(&send(
            &mut pool,
            "InitiateAuth",
            &unknown("nope"),
            instant()
        )),
        refused(
            "ResourceNotFoundException",
            "User pool client nope does not exist."
        )
    );
    for strange in ["c".repeat(129), "with space".to_owned(), String::new()] {
        assert_eq!(
            refusal(&send(
                &mut pool,
                "InitiateAuth",
                &unknown(&strange),
                instant()
            )),
            refused(
                "ResourceNotFoundException",
                "User pool client does not exist."
            )
        );
    }
    let admin = json!({
        "UserPoolId": "eu-west-1_Other",
        "ClientId": CLIENT_ID,
        "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": USER, "PASSWORD": PASSWORD, "SECRET_HASH": hash(USER)},
    });
    assert_eq!(
        refusal(&send(&mut pool, "AdminInitiateAuth", &admin, instant())),
        refused(
            "ResourceNotFoundException",
            "User pool eu-west-1_Other does not exist."
        )
    );
}

#[test]
fn admin_operations_through_json() {
    let mut pool = pool();
    // ADMIN_USER_PASSWORD_AUTH through AdminInitiateAuth, an SRP sign-in through
    // AdminInitiateAuth and AdminRespondToAuthChallenge.
    let body = json!({
        "UserPoolId": POOL,
        "ClientId": CLIENT_ID,
        "AuthFlow": "ADMIN_USER_PASSWORD_AUTH",
        "AuthParameters": {"USERNAME": EMAIL, "PASSWORD": PASSWORD, "SECRET_HASH": hash(EMAIL)},
        "ContextData": {"IpAddress": "192.0.2.1", "ServerName": "s", "ServerPath": "/", "HttpHeaders": []},
    });
    let answer = send(&mut pool, "AdminInitiateAuth", &body, instant());
    assert_eq!(answer.status, 200, "{}", answer.body);
    // The same through InitiateAuth: not a flow of that operation.
    let answer = send(&mut pool, "InitiateAuth", &body, instant());
    assert_eq!(
        refusal(&answer),
        refused(
            "InvalidParameterException",
            "The AuthFlow is not supported for this operation."
        )
    );
    let (done, sent) = run(
        &mut pool,
        sign_in(client(), EMAIL, PASSWORD, 40).admin(),
        instant(),
        unchanged,
    );
    assert_eq!(done.unwrap().username, USER);
    let ops: Vec<&str> = sent.iter().map(|s| s.op).collect();
    assert_eq!(ops, ["AdminInitiateAuth", "AdminRespondToAuthChallenge"]);
    assert_eq!(sent[1].body["UserPoolId"], POOL);
}

#[test]
fn select_challenge_carries_available_challenges() {
    let mut pool = pool();
    let (done, sent) = run(
        &mut pool,
        sign_in(public_client(), EMAIL, PASSWORD, 41)
            .with_flow(Flow::UserAuth { preferred: None })
            .with_first_factors(&[FirstFactor::PasswordSrp]),
        instant(),
        unchanged,
    );
    assert_eq!(done.unwrap().username, USER);
    let v = parsed(&sent[0].answer);
    let session = v["Session"].as_str().unwrap();
    assert_eq!(
        sent[0].answer.body,
        format!(
            r#"{{"ChallengeName":"SELECT_CHALLENGE","ChallengeParameters":{{"USERNAME":"{USER}"}},"Session":"{session}","AvailableChallenges":["PASSWORD_SRP","PASSWORD","EMAIL_OTP"]}}"#
        )
    );
}

#[test]
fn json_null_is_an_absent_value() {
    let mut pool = pool();
    let with_nulls = |op: &str, body: &mut Value| {
        let map = if op == "InitiateAuth" {
            "AuthParameters"
        } else {
            "ChallengeResponses"
        };
        body[map]["DEVICE_KEY"] = Value::Null;
        body[map]["SECRET_HASH"] = Value::Null;
        for field in [
            "ClientMetadata",
            "AnalyticsMetadata",
            "UserContextData",
            "ContextData",
            "UserPoolId",
            "Session",
        ] {
            body[field] = Value::Null;
        }
        body["ClientMetadata"] = json!({"app": "json", "gone": null});
    };
    let (done, sent) = run(
        &mut pool,
        sign_in(public_client(), EMAIL, PASSWORD, 50),
        instant(),
        with_nulls,
    );
    assert_eq!(done.unwrap().username, USER);
    assert_eq!(
        sent[1].body["ChallengeResponses"]["DEVICE_KEY"],
        Value::Null
    );
    assert_eq!(sent[1].answer.status, 200);

    // A required field that is null is missing.
    let body = json!({"ClientId": null, "AuthFlow": "USER_SRP_AUTH", "AuthParameters": {}});
    assert_eq!(
        refusal(&send(&mut pool, "InitiateAuth", &body, instant())),
        refused(
            "InvalidParameterException",
            "1 validation error detected: Value null at 'clientId' failed to satisfy constraint: Member must not be null"
        )
    );
    // So is a parameter the flow needs.
    let body = json!({"ClientId": PUBLIC_CLIENT, "AuthFlow": "USER_SRP_AUTH",
                      "AuthParameters": {"USERNAME": null}});
    assert_eq!(
        refusal(&send(&mut pool, "InitiateAuth", &body, instant())),
        refused(
            "InvalidParameterException",
            "Missing required parameter USERNAME"
        )
    );
}

fn raw(pool: &mut UserPool<StdRng>, op: &str, body: &[u8]) -> Refusal {
    refusal(&pool.handle_json(op, body, instant()))
}

#[test]
fn malformed_requests_get_cognito_shaped_refusals() {
    let mut pool = pool();
    let serialization = |m: &str| refused("SerializationException", m);
    let not_json = serialization("The request body is not valid JSON.");
    let not_object = serialization("The request body is not a JSON object.");
    let deep = format!(
        r#"{{"AnalyticsMetadata":{}{}}}"#,
        "[".repeat(200),
        "]".repeat(200)
    );
    let cases: Vec<(&str, Vec<u8>, Refusal)> = vec![
        ("InitiateAuth", b"{".to_vec(), not_json.clone()),
        ("InitiateAuth", b"".to_vec(), not_json.clone()),
        ("InitiateAuth", b"{}{}".to_vec(), not_json.clone()),
        ("InitiateAuth", b"\xff\xfe".to_vec(), not_json.clone()),
        (
            "InitiateAuth",
            br#"{"ClientId":"\ud800"}"#.to_vec(),
            not_json.clone(),
        ),
        ("InitiateAuth", deep.into_bytes(), not_json.clone()),
        ("InitiateAuth", b"[]".to_vec(), not_object.clone()),
        ("InitiateAuth", b"\"x\"".to_vec(), not_object.clone()),
        (
            "RespondToAuthChallenge",
            b"null".to_vec(),
            not_object.clone(),
        ),
        ("InitiateAuth", b"42".to_vec(), not_object.clone()),
        (
            "InitiateAuth",
            br#"{"ClientId":5,"AuthFlow":"USER_SRP_AUTH"}"#.to_vec(),
            serialization("Unexpected JSON type for ClientId."),
        ),
        (
            "InitiateAuth",
            br#"{"ClientId":5}"#.to_vec(),
            serialization("Unexpected JSON type for ClientId."),
        ),
        (
            "InitiateAuth",
            br#"{"ClientId":"c","AuthFlow":["USER_SRP_AUTH"]}"#.to_vec(),
            serialization("Unexpected JSON type for AuthFlow."),
        ),
        (
            "InitiateAuth",
            br#"{"ClientId":"c","AuthFlow":"USER_SRP_AUTH","AuthParameters":[]}"#.to_vec(),
            serialization("Unexpected JSON type for AuthParameters."),
        ),
        (
            "InitiateAuth",
            br#"{"ClientId":"c","AuthFlow":"USER_SRP_AUTH","AuthParameters":{"USERNAME":5}}"#
                .to_vec(),
            serialization("Unexpected JSON type for a value of AuthParameters."),
        ),
        (
            "InitiateAuth",
            br#"{"ClientId":"c","AuthFlow":"USER_SRP_AUTH","ClientMetadata":{"a":true}}"#.to_vec(),
            serialization("Unexpected JSON type for a value of ClientMetadata."),
        ),
        (
            "InitiateAuth",
            br#"{"ClientId":"c","AuthFlow":"USER_SRP_AUTH","AnalyticsMetadata":"x"}"#.to_vec(),
            serialization("Unexpected JSON type for AnalyticsMetadata."),
        ),
        (
            "AdminInitiateAuth",
            br#"{"UserPoolId":1,"ClientId":"c","AuthFlow":"USER_SRP_AUTH"}"#.to_vec(),
            serialization("Unexpected JSON type for UserPoolId."),
        ),
        (
            "RespondToAuthChallenge",
            br#"{"ClientId":"c","ChallengeName":"PASSWORD_VERIFIER","Session":{}}"#.to_vec(),
            serialization("Unexpected JSON type for Session."),
        ),
        (
            "RespondToAuthChallenge",
            br#"{"ClientId":"c","ChallengeName":"PASSWORD_VERIFIER","ChallengeResponses":"x"}"#
                .to_vec(),
            serialization("Unexpected JSON type for ChallengeResponses."),
        ),
        (
            "RespondToAuthChallenge",
            br#"{"ClientId":"c","ChallengeName":true}"#.to_vec(),
            serialization("Unexpected JSON type for ChallengeName."),
        ),
        (
            "RespondToAuthChallenge",
            br#"{"ClientId":"c","ChallengeName":"X","UserContextData":[]}"#.to_vec(),
            serialization("Unexpected JSON type for UserContextData."),
        ),
        (
            "InitiateAuth",
            b"{}".to_vec(),
            refused(
                "InvalidParameterException",
                "2 validation errors detected: Value null at 'clientId' failed to satisfy constraint: Member must not be null; Value null at 'authFlow' failed to satisfy constraint: Member must not be null",
            ),
        ),
        (
            "InitiateAuth",
            br#"{"ClientId":"c"}"#.to_vec(),
            refused(
                "InvalidParameterException",
                "1 validation error detected: Value null at 'authFlow' failed to satisfy constraint: Member must not be null",
            ),
        ),
        (
            "RespondToAuthChallenge",
            br#"{"ClientId":"c","ChallengeResponses":{}}"#.to_vec(),
            refused(
                "InvalidParameterException",
                "1 validation error detected: Value null at 'challengeName' failed to satisfy constraint: Member must not be null",
            ),
        ),
        (
            "AdminInitiateAuth",
            format!(r#"{{"ClientId":"{CLIENT_ID}","AuthFlow":"ADMIN_USER_PASSWORD_AUTH"}}"#)
                .into_bytes(),
            refused(
                "InvalidParameterException",
                "1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null",
            ),
        ),
        (
            "AdminRespondToAuthChallenge",
            b"{}".to_vec(),
            refused(
                "InvalidParameterException",
                "3 validation errors detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null; Value null at 'clientId' failed to satisfy constraint: Member must not be null; Value null at 'challengeName' failed to satisfy constraint: Member must not be null",
            ),
        ),
        (
            "GetUser",
            b"{}".to_vec(),
            refused("UnknownOperationException", "Unknown operation GetUser."),
        ),
        (
            "AWSCognitoIdentityProviderService.InitiateAuth",
            b"{}".to_vec(),
            refused(
                "UnknownOperationException",
                "Unknown operation AWSCognitoIdentityProviderService.InitiateAuth.",
            ),
        ),
        (
            "",
            b"{".to_vec(),
            refused("UnknownOperationException", "Unknown operation."),
        ),
        (
            "Initiate Auth",
            b"{}".to_vec(),
            refused("UnknownOperationException", "Unknown operation."),
        ),
        (
            "initiateauth",
            b"{}".to_vec(),
            refused(
                "UnknownOperationException",
                "Unknown operation initiateauth.",
            ),
        ),
    ];
    for (op, body, want) in &cases {
        assert_eq!(
            &raw(&mut pool, op, body),
            want,
            "{op} {}",
            String::from_utf8_lossy(body)
        );
    }
    let long_op = "A".repeat(129);
    assert_eq!(
        raw(&mut pool, &long_op, b"{}"),
        refused("UnknownOperationException", "Unknown operation.")
    );

    // Over 1 MiB: refused before it is parsed. Exactly 1 MiB is parsed.
    assert_eq!(MAX_JSON_BODY, 1_048_576);
    let huge = vec![b' '; MAX_JSON_BODY + 1];
    assert_eq!(
        raw(&mut pool, "InitiateAuth", &huge),
        refused(
            "InvalidParameterException",
            "The request body is longer than 1048576 bytes."
        )
    );
    let mut largest = br#"{"ClientId":"nope","AuthFlow":"USER_SRP_AUTH"}"#.to_vec();
    largest.resize(MAX_JSON_BODY, b' ');
    assert_eq!(
        raw(&mut pool, "InitiateAuth", &largest),
        refused(
            "ResourceNotFoundException",
            "User pool client nope does not exist."
        )
    );

    // At most 128 entries per map.
    let entries = |n: usize| {
        let mut map = Map::new();
        map.insert("USERNAME".into(), EMAIL.into());
        for i in 1..n {
            map.insert(format!("EXTRA_{i:03}"), "x".into());
        }
        json!({"ClientId": PUBLIC_CLIENT, "AuthFlow": "USER_AUTH", "AuthParameters": map})
    };
    let answer = send(&mut pool, "InitiateAuth", &entries(128), instant());
    assert_eq!(parsed(&answer)["ChallengeName"], "SELECT_CHALLENGE");
    assert_eq!(
        refusal(&send(&mut pool, "InitiateAuth", &entries(129), instant())),
        refused(
            "InvalidParameterException",
            "AuthParameters has more than 128 entries."
        )
    );

    // Fields the API does not have are ignored; the per-parameter bounds stay.
    let body = json!({"ClientId": PUBLIC_CLIENT, "AuthFlow": "USER_SRP_AUTH", "Extra": [1, {}],
                      "AuthParameters": {"USERNAME": EMAIL, "SRP_A": "f".repeat(2000)}});
    assert_eq!(
        refusal(&send(&mut pool, "InitiateAuth", &body, instant())),
        refused("InvalidParameterException", "Invalid SRP_A.")
    );
    // A name the pool echoes (an unknown user's) is escaped.
    let strange = "a\"b\\c\u{1}\n";
    let key = cognito_srp_auth::EphemeralKey::from_rng(&mut StdRng::seed_from_u64(51)).unwrap();
    let body = json!({"ClientId": PUBLIC_CLIENT, "AuthFlow": "USER_SRP_AUTH",
                      "AuthParameters": {"USERNAME": strange, "SRP_A": key.srp_a()}});
    let answer = send(&mut pool, "InitiateAuth", &body, instant());
    assert!(
        answer.body.contains(r#""USERNAME":"a\"b\\c\u0001\n""#),
        "{}",
        answer.body
    );
    assert_eq!(parsed(&answer)["ChallengeParameters"]["USERNAME"], strange);
}
