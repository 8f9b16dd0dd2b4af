//! The `check` scenarios. Each registers the secrets it knows up front, arms the scanner
//! around the library calls *and* the drops of everything the library returned, and plays the
//! transport: it reads the public challenge parameters as they pass and registers the derived
//! secrets (`x`, `v`, `S`, the session key, …) with the scanner disarmed, before the library
//! computes them, then re-arms.
//!
//! Every derived value is checked against the library's public outputs (`SRP_A = g^a`,
//! `SRP_B = k·v + g^b`, the claim's signature, a new device's verifier text), and every
//! recorded code and refresh token against what the pool reports (`sent_code`,
//! `refresh_token`), and every predicted access and id token against the
//! `AuthenticationResult` of `handle_json`, so the patterns searched for are known to be the
//! secrets the library really holds.

use std::collections::{BTreeMap, HashMap};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, TimeZone as _, Utc};
use cognito_srp_auth::rand_core::TryCryptoRng;
use cognito_srp_auth::server::{
    CustomAuth, CustomStep, DeviceVerifier, ServerSrp, UserPool, UserPoolConfig, UserVerifier,
    verify_secret_hash,
};
use cognito_srp_auth::{
    Answer, AuthParameters, Challenge, ChallengeResponses, ClientSecret, CodeChallenge,
    DevicePasswordVerifierChallenge, DeviceSecretVerifierConfig, EphemeralKey, Error, FirstFactor,
    Flow, Password, PasswordVerifierChallenge, Question, RememberedDevice, Request, RequestContext,
    ServerAnswer, ServiceErrorKind, SignIn, SignedIn, Step, Timestamp, UserPoolClient, auth_flow,
    challenge_name, param,
};
use num_bigint::BigUint;
use zeroize::{Zeroize as _, Zeroizing};

use crate::json;
use crate::oracle;
use crate::rng::{Recorder, RecordingRng, Role, TokenClaims};
use crate::scanner;
use crate::secrets::{self, Exchange, Kind};

pub const POOL_ID: &str = "eu-west-1_MemScan42";
const CLIENT_ID: &str = "3memscan5client7id9abcdefg";
pub const CLIENT_SECRET: &str = "memscan-client-secret-0123456789abcdefghijklmnopqrstuv";
const USER_ID: &str = "5d41402a-bc4b-4a76-b971-9d911017c592";
const EMAIL: &str = "mallory@example.com";
pub const PASSWORD: &str = "Tr0ub4dor&3-correct-horse-battery";
pub const DEVICE_KEY: &str = "eu-west-1_0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
pub const DEVICE_GROUP_KEY: &str = "-memscanGroup7";
/// A password that is not the user's.
const WRONG_PASSWORD: &str = "Tr0ub4dor&4-incorrect-horse-staple";
/// A name no user of the pool has.
const UNKNOWN_USER: &str = "nobody@example.com";
/// The new password of `NEW_PASSWORD_REQUIRED`.
const NEW_PASSWORD: &str = "n3w-Passw0rd!-purple-monkey-dishwasher";
/// An MFA code: 8 digits, since a pattern needs 8 bytes (the crate does not look at its length).
const MFA_CODE: &str = "73914682";
/// The answer of a `CUSTOM_CHALLENGE`.
const CUSTOM_ANSWER: &str = "the-owl-flies-at-midnight/42";
/// The second answer of the pool's custom-authentication function.
const SECOND_CUSTOM_ANSWER: &str = "and-the-lark-sings-at-dawn/17";
/// An answer the pool's custom-authentication function refuses.
const WRONG_CUSTOM_ANSWER: &str = "the-owl-sleeps-at-noon/41";
/// A wrong `EMAIL_OTP` code: six digits, as the pool's.
const WRONG_CODE: &str = "271828";
/// The pool's answer to a wrong one-time code.
const CODE_MISMATCH: &str = "Invalid code received for user";
/// A device password with a space in it: `RememberedDevice::new` refuses it.
const SPACED_DEVICE_PASSWORD: &str = "c3BhY2Ug aW4gdGhlIGRldmljZSBwYXNzd29yZA==";
/// The pool's answer to a claim with a device it does not know (any more).
const NO_DEVICE: &str = "Device does not exist.";
/// The pool's answer to a claim that does not verify, or from a name it does not know.
const INCORRECT: &str = "Incorrect username or password.";
/// A second user of `json-password`, whose password a JSON body must escape.
const QUOTED_USER_ID: &str = "8c1f3e2a-7d64-4b9e-a0f5-6e2d9c8b7a31";
/// Its alias.
const QUOTED_EMAIL: &str = "trudy@example.com";
/// Its password: a quote, a backslash and letters outside ASCII.
const QUOTED_PASSWORD: &str = "Qu\"oted\\pässwörd-é-2024!";
/// [`QUOTED_PASSWORD`] as a JSON string in a body: `\"`, `\\`, `\u00e4`, `\u00f6` and `\u00e9`
/// (`serde_json` unescapes such a string in its scratch buffer).
const QUOTED_PASSWORD_JSON: &str = r#"Qu\"oted\\p\u00e4ssw\u00f6rd-\u00e9-2024!"#;
/// [`WRONG_PASSWORD`] as a JSON string in a body, its `&` escaped as `\u0026`.
const WRONG_PASSWORD_JSON: &str = r"Tr0ub4dor\u00264-incorrect-horse-staple";

/// A check scenario: its name and body.
pub type Scenario = (&'static str, fn() -> Result<(), String>);

/// The `check` scenarios, in order.
pub const SCENARIOS: &[Scenario] = &[
    ("ephemeral-claim", ephemeral_claim),
    ("sign-in", sign_in_with_device),
    ("remembered-device", remembered_device),
    ("device-claim", device_claim),
    ("stale-device", stale_device),
    ("dropped-sign-in", dropped_sign_in),
    ("answers", answers),
    ("unknown-user", unknown_user),
    ("wrong-password", wrong_password),
    ("error-paths", error_paths),
    ("check-password", check_password),
    ("user-password", user_password),
    ("email-otp", email_otp),
    ("select-challenge", select_challenge),
    ("custom-auth", custom_auth),
    ("refresh", refresh),
    ("json-password", json_password),
    ("json-sign-in", json_sign_in),
];

/// The fixed clock of every scenario.
pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 11, 5, 9, 1, 2)
        .single()
        .unwrap_or_default()
}

/// Run `f` armed: every block freed meanwhile is scanned.
pub fn armed<T>(f: impl FnOnce() -> T) -> T {
    scanner::arm();
    let value = f();
    scanner::disarm();
    value
}

fn pool_name() -> &'static str {
    POOL_ID.split_once('_').map_or(POOL_ID, |(_, name)| name)
}

fn fail(what: &str) -> impl FnOnce(cognito_srp_auth::Error) -> String + '_ {
    move |e| format!("{what}: {e}")
}

fn lookup<'a>(pairs: &'a [(&'static str, String)], name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.as_str())
}

/// Compare a claim's signature with the oracle's (both public).
fn check_signature(expected: &str, sent: Option<&str>) -> Result<(), String> {
    scanner::disarmed(|| {
        if sent == Some(expected) {
            Ok(())
        } else {
            Err("the claim's signature differs from the oracle's: the derived patterns would be wrong".to_owned())
        }
    })
}

/// a. `EphemeralKey::from_rng` and `password_verifier` against `ServerSrp::for_user`, as
/// ct/src/main.rs `user_sign_in`: client secret, `SECRET_HASH` checked, claim verified.
fn ephemeral_claim() -> Result<(), String> {
    let client_rng = Recorder::new(Role::Client, 0x5eed_a001);
    let server_rng = Recorder::new(Role::Server, 0x5eed_a002);
    let salt: [u8; 16] = *b"\x8a\x17memscan-salt!!";
    let timestamp = Timestamp::from(now());
    secrets::text("user password", 1, PASSWORD)?;
    secrets::text("client secret", 1, CLIENT_SECRET)?;
    secrets::verifier(
        Kind::User,
        1,
        pool_name(),
        USER_ID,
        PASSWORD,
        &secrets::salt_enc(&salt),
    )?;
    armed(|| -> Result<(), String> {
        let password = Password::from(PASSWORD);
        let verifier = UserVerifier::from_salt(POOL_ID, USER_ID, &password, &salt)
            .map_err(fail("verifier"))?;
        let client = UserPoolClient::new(POOL_ID, CLIENT_ID)
            .map_err(fail("client"))?
            .with_client_secret(ClientSecret::from(CLIENT_SECRET));
        let key = EphemeralKey::from_rng(&mut client_rng.rng()).map_err(fail("a"))?;
        let server = ServerSrp::for_user(&verifier, key.srp_a(), &mut server_rng.rng())
            .map_err(fail("server"))?;
        // The transport: public values only, then the derived secrets.
        let (params, expected) = scanner::disarmed(|| -> Result<_, String> {
            let a = client_rng.last_ephemeral()?;
            secrets::check_srp_a(&a, key.srp_a())?;
            server_rng.check_secret_block(server.secret_block())?;
            let expected = secrets::exchange(&Exchange {
                instance: 1,
                kind: Kind::User,
                a: &a,
                b: &server_rng.last_ephemeral()?,
                realm: pool_name(),
                identity: USER_ID,
                password: PASSWORD,
                salt: server.salt(),
                srp_b: server.srp_b(),
                secret_block: server.secret_block(),
                timestamp: timestamp.as_str(),
                server_verifier: None,
            })?;
            let params = vec![
                (param::SALT, server.salt().to_owned()),
                (param::SRP_B, server.srp_b().to_owned()),
                (param::SECRET_BLOCK, server.secret_block().to_owned()),
                (param::USER_ID_FOR_SRP, USER_ID.to_owned()),
                (param::USERNAME, USER_ID.to_owned()),
            ];
            Ok((params, expected))
        })?;
        let challenge = PasswordVerifierChallenge::from_params(|name| lookup(&params, name))
            .map_err(fail("challenge"))?;
        let responses = key
            .password_verifier(&client, &challenge, &password, &timestamp)
            .map_err(fail("claim"))?;
        check_signature(&expected, responses.get(param::PASSWORD_CLAIM_SIGNATURE))?;
        verify_secret_hash(
            USER_ID,
            CLIENT_ID,
            &ClientSecret::from(CLIENT_SECRET),
            responses.get(param::SECRET_HASH).unwrap_or_default(),
        )
        .map_err(fail("SECRET_HASH"))?;
        server
            .verify(|name| responses.get(name), now())
            .map_err(fail("verification"))
    })?;
    client_rng.error()?;
    server_rng.error()
}

/// The app client, with its secret.
fn app_client() -> Result<UserPoolClient, String> {
    UserPoolClient::new(POOL_ID, CLIENT_ID)
        .map(|c| c.with_client_secret(ClientSecret::from(CLIENT_SECRET)))
        .map_err(fail("client"))
}

/// A sign-in as `username` with `password`, its ephemerals from `client_rng`.
fn new_sign_in<'a>(
    client_rng: &'a Recorder,
    username: &str,
    password: &str,
) -> Result<SignIn<RecordingRng<'a>>, String> {
    Ok(SignIn::with_rng(
        app_client()?,
        username,
        Password::from(password),
        client_rng.rng(),
    ))
}

/// The offline pool (app client with a secret, device tracking on) with the user, its key and
/// the user's verifier registered as they are drawn, and the `SECRET_HASH`es of the user's
/// names (a bearer value) registered.
fn pool_with_user(pool_rng: &Recorder) -> Result<UserPool<RecordingRng<'_>>, String> {
    for (instance, name) in (1..).zip([EMAIL, USER_ID, UNKNOWN_USER]) {
        let hash = scanner::disarmed(|| oracle::secret_hash(name, CLIENT_ID, CLIENT_SECRET));
        secrets::form("SECRET_HASH", instance, "base64 text", hash.as_bytes())?;
        scanner::disarmed(|| drop(hash));
    }
    let config = UserPoolConfig::new(POOL_ID, CLIENT_ID, Some(ClientSecret::from(CLIENT_SECRET)));
    pool_rng.expect_pool_key();
    let mut pool = UserPool::new(config, pool_rng.rng()).map_err(fail("pool"))?;
    pool_rng.expect_user(pool_name(), USER_ID, PASSWORD);
    pool.add_user(USER_ID, &Password::from(PASSWORD), &[EMAIL])
        .map_err(fail("add_user"))?;
    Ok(pool)
}

/// The harness as the network between a `SignIn` and the offline `UserPool`.
struct Transport<'a> {
    client: &'a Recorder,
    server: &'a Recorder,
    /// The password the client signs in with (the user's, or a wrong one).
    password: &'static str,
    /// The message of a service error the scenario expects (any other one fails it).
    refusal: Option<&'static str>,
    exchanges: u32,
    /// The signature the next claim must carry (public).
    expected_signature: Option<String>,
    /// The device Cognito issued: `(device key, device group key)` (public).
    device: Option<(String, String)>,
    /// Every challenge name (and expected service error) seen (public).
    challenges: Vec<String>,
}

impl<'a> Transport<'a> {
    fn new(client: &'a Recorder, server: &'a Recorder, password: &'static str) -> Self {
        Self {
            client,
            server,
            password,
            refusal: None,
            exchanges: 0,
            expected_signature: None,
            device: None,
            challenges: Vec::new(),
        }
    }

    /// Check a request before it goes out: `SRP_A` is `g^a`, a claim's signature the oracle's.
    fn outgoing(&mut self, request: &Request) -> Result<(), String> {
        match request {
            Request::InitiateAuth(r) => {
                let parameters = &r.auth_parameters;
                let username = parameters.get(param::USERNAME).ok_or("no USERNAME")?;
                if !Self::known(username) {
                    // The pool answers a name it does not know with a fake verifier derived
                    // from its key: registered before the pool derives it.
                    let key = self.server.pool_key()?;
                    secrets::fake_verifier(self.exchanges + 1, &key, username)?;
                }
                if let Some(password) = parameters.get(param::PASSWORD) {
                    self.plain_password(username, password)?;
                }
                match parameters.get(param::SRP_A) {
                    Some(srp_a) => secrets::check_srp_a(&self.client.last_ephemeral()?, srp_a),
                    None if parameters.auth_flow() == auth_flow::USER_SRP_AUTH => {
                        Err("USER_SRP_AUTH without SRP_A".to_owned())
                    }
                    None => Ok(()),
                }
            }
            Request::RespondToAuthChallenge(r) => {
                let responses = &r.challenge_responses;
                match responses.challenge_name() {
                    challenge_name::DEVICE_SRP_AUTH => {
                        let srp_a = responses.get(param::SRP_A).ok_or("no SRP_A")?;
                        secrets::check_srp_a(&self.client.last_ephemeral()?, srp_a)
                    }
                    challenge_name::SELECT_CHALLENGE => {
                        if let Some(password) = responses.get(param::PASSWORD) {
                            let username = responses.get(param::USERNAME).ok_or("no USERNAME")?;
                            self.plain_password(username, password)?;
                        }
                        match responses.get(param::SRP_A) {
                            Some(srp_a) => {
                                secrets::check_srp_a(&self.client.last_ephemeral()?, srp_a)
                            }
                            None => Ok(()),
                        }
                    }
                    challenge_name::PASSWORD_VERIFIER
                    | challenge_name::DEVICE_PASSWORD_VERIFIER => {
                        let expected = self
                            .expected_signature
                            .take()
                            .ok_or("a claim without a challenge")?;
                        check_signature(&expected, responses.get(param::PASSWORD_CLAIM_SIGNATURE))
                    }
                    _ => Ok(()),
                }
            }
        }
    }

    /// Whether the pool has a user of this name (internal, or the alias).
    fn known(username: &str) -> bool {
        username == USER_ID || username == EMAIL
    }

    /// A plain password on its way to the pool (`USER_PASSWORD_AUTH`, `USER_AUTH` with
    /// `PASSWORD`, `SELECT_CHALLENGE` answered with `PASSWORD`), which checks it the way
    /// `UserVerifier::check_password` does: `x` and `g^x` derived again from the stored salt
    /// (the user's, or for a name it does not know the fake one derived from its key), so that
    /// password's `x`, `v`, … are registered (a wrong password's are new ones) before the pool
    /// derives them.
    fn plain_password(&mut self, username: &str, password: &str) -> Result<(), String> {
        self.exchanges += 1;
        let instance = self.exchanges;
        let (identity, salt_enc) = if Self::known(username) {
            (USER_ID, self.server.user_salt_enc()?)
        } else {
            let key = self.server.pool_key()?;
            (
                username,
                secrets::fake_verifier(instance, &key, username)?.0,
            )
        };
        secrets::verifier(
            Kind::User,
            instance,
            pool_name(),
            identity,
            password,
            &salt_enc,
        )?;
        Ok(())
    }

    /// The verifier the pool answered a `PASSWORD_VERIFIER` with, when it is not the one the
    /// client's password gives: a name the pool does not know gets the fake verifier derived
    /// from the pool's key (its `SALT` checked against the derivation).
    fn server_verifier(&self, identity: &str, salt: &str) -> Result<Option<BigUint>, String> {
        if identity == USER_ID {
            return Ok(None);
        }
        let (salt_enc, v) =
            secrets::fake_verifier(self.exchanges, &self.server.pool_key()?, identity)?;
        if oracle::from_hex(salt).map(|s| oracle::enc(&s)) != Some(salt_enc) {
            return Err(
                "the unknown name's SALT is not the one derived from the pool key".to_owned(),
            );
        }
        Ok(Some(v))
    }

    /// Read an answer before the client gets it: register the secrets of a claim's exchange,
    /// or expect a new device's registration.
    fn incoming(&mut self, answer: &ServerAnswer) -> Result<(), String> {
        match answer {
            ServerAnswer::Challenge(c) => {
                self.challenges.push(c.name.clone());
                let get = |name: &str| {
                    c.parameters
                        .get(name)
                        .map(String::as_str)
                        .ok_or(format!("{} without {name}", c.name))
                };
                // The ephemerals of the exchange a verifier challenge ends: the client's last
                // `a`, the server's last `b`, whose secret block is the challenge's.
                let ephemerals = || -> Result<_, String> {
                    self.server.check_secret_block(get(param::SECRET_BLOCK)?)?;
                    Ok((self.client.last_ephemeral()?, self.server.last_ephemeral()?))
                };
                let timestamp = Timestamp::from(now());
                let expected = match c.name.as_str() {
                    challenge_name::PASSWORD_VERIFIER => {
                        let (a, b) = ephemerals()?;
                        self.exchanges += 1;
                        let identity = get(param::USER_ID_FOR_SRP)?;
                        let server_v = self.server_verifier(identity, get(param::SALT)?)?;
                        secrets::exchange(&Exchange {
                            instance: self.exchanges,
                            kind: Kind::User,
                            a: &a,
                            b: &b,
                            realm: pool_name(),
                            identity,
                            password: self.password,
                            salt: get(param::SALT)?,
                            srp_b: get(param::SRP_B)?,
                            secret_block: get(param::SECRET_BLOCK)?,
                            timestamp: timestamp.as_str(),
                            server_verifier: server_v.as_ref(),
                        })?
                    }
                    challenge_name::DEVICE_PASSWORD_VERIFIER => {
                        let (a, b) = ephemerals()?;
                        self.exchanges += 1;
                        let (key, group) = self
                            .device
                            .as_ref()
                            .ok_or("a device challenge without a device")?;
                        self.client.with_device_password(|password| {
                            secrets::exchange(&Exchange {
                                instance: self.exchanges,
                                kind: Kind::Device,
                                a: &a,
                                b: &b,
                                realm: group,
                                identity: key,
                                password,
                                salt: get(param::SALT)?,
                                srp_b: get(param::SRP_B)?,
                                secret_block: get(param::SECRET_BLOCK)?,
                                timestamp: timestamp.as_str(),
                                server_verifier: None,
                            })
                        })?
                    }
                    _ => return Ok(()),
                };
                self.expected_signature = Some(expected);
                Ok(())
            }
            ServerAnswer::Authenticated {
                new_device_metadata: Some(m),
                ..
            } => {
                self.client
                    .expect_device(&m.device_key, &m.device_group_key);
                self.device = Some((m.device_key.clone(), m.device_group_key.clone()));
                Ok(())
            }
            ServerAnswer::Error { code, message } if Some(message.as_str()) == self.refusal => {
                self.challenges.push(format!("{code}: {message}"));
                Ok(())
            }
            ServerAnswer::Error { code, message } => {
                Err(format!("the pool refused: {code}: {message}"))
            }
            _ => Ok(()),
        }
    }

    /// Read `answer`, then feed it to the machine.
    fn deliver<R: TryCryptoRng>(
        &mut self,
        sign_in: &mut SignIn<R>,
        answer: ServerAnswer,
    ) -> Result<cognito_srp_auth::Result<Step>, String> {
        scanner::disarmed(|| self.incoming(&answer))?;
        Ok(sign_in.handle(answer, &Timestamp::from(now())))
    }

    /// Check the challenges (and expected service errors) seen, in order.
    fn check_flow(&self, expected: &str) -> Result<(), String> {
        let flow = self.challenges.join(" → ");
        if flow == expected {
            Ok(())
        } else {
            Err(format!("unexpected challenges: {flow}"))
        }
    }
}

/// The request of a step.
fn expect_request(step: Step) -> Result<Request, String> {
    match step {
        Step::Send(request) => Ok(request),
        other => Err(format!("expected a request, got {other:?}")),
    }
}

/// The `ChallengeResponses` of a `RespondToAuthChallenge`, moved out of it.
fn responses_of(request: Request) -> Result<ChallengeResponses, String> {
    match request {
        Request::RespondToAuthChallenge(r) => Ok(r.challenge_responses),
        Request::InitiateAuth(_) => Err("expected a RespondToAuthChallenge".to_owned()),
    }
}

/// Send `request` to the pool and feed its answer to the machine.
fn send<R: TryCryptoRng>(
    pool: &mut UserPool<RecordingRng<'_>>,
    sign_in: &mut SignIn<R>,
    transport: &mut Transport<'_>,
    request: Request,
) -> Result<cognito_srp_auth::Result<Step>, String> {
    scanner::disarmed(|| transport.outgoing(&request))?;
    let answer = pool.handle(&request, now());
    drop(request);
    transport.deliver(sign_in, answer)
}

/// Answer `request` by hand, for what the pool cannot produce: the request is checked and
/// dropped, `answer` fed to the machine.
fn script<R: TryCryptoRng>(
    sign_in: &mut SignIn<R>,
    transport: &mut Transport<'_>,
    request: Request,
    answer: ServerAnswer,
) -> Result<cognito_srp_auth::Result<Step>, String> {
    scanner::disarmed(|| transport.outgoing(&request))?;
    drop(request);
    transport.deliver(sign_in, answer)
}

/// A challenge written by hand for the user: `USERNAME` and `parameters`, with a `Session`.
fn challenge(name: &str, parameters: &[(&str, &str)], session: &str) -> ServerAnswer {
    let parameters = core::iter::once((param::USERNAME, USER_ID)).chain(parameters.iter().copied());
    ServerAnswer::Challenge(Challenge::new(name, parameters, Some(session)))
}

/// Drive one sign-in against the pool (as `examples/sign_in.rs` does).
fn drive<R: TryCryptoRng>(
    pool: &mut UserPool<RecordingRng<'_>>,
    mut sign_in: SignIn<R>,
    transport: &mut Transport<'_>,
) -> Result<SignedIn, String> {
    let step = sign_in.start().map_err(fail("start"))?;
    run_to_end(pool, &mut sign_in, transport, step)
}

/// Carry a sign-in on from `step` to its end, sending every request to the pool (no
/// question may be asked).
fn run_to_end<R: TryCryptoRng>(
    pool: &mut UserPool<RecordingRng<'_>>,
    sign_in: &mut SignIn<R>,
    transport: &mut Transport<'_>,
    mut step: Step,
) -> Result<SignedIn, String> {
    loop {
        step = match step {
            Step::Send(request) => {
                send(pool, sign_in, transport, request)?.map_err(fail("sign-in"))?
            }
            Step::Ask(question) => return Err(format!("unexpected question {question:?}")),
            Step::Done(done) => return Ok(done),
        };
    }
}

/// A sign-in by the alias that gets a new device, checked against the harness's computation
/// and confirmed with the pool: the device to remember.
fn sign_in_and_confirm(
    pool: &mut UserPool<RecordingRng<'_>>,
    transport: &mut Transport<'_>,
) -> Result<RememberedDevice, String> {
    let sign_in = new_sign_in(transport.client, EMAIL, PASSWORD)?;
    let done = drive(pool, sign_in, transport)?;
    let new_device = done.new_device.ok_or("no NewDeviceMetadata")?;
    transport.client.check_device_config(
        new_device.config.salt(),
        new_device.config.password_verifier(),
    )?;
    pool.confirm_device(
        &done.username,
        new_device.device.device_key(),
        &new_device.config,
    )
    .map_err(fail("confirm_device"))?;
    Ok(new_device.device)
}

/// b. A whole `SignIn` with a client secret, by an alias, against `UserPool`, with device
/// tracking: the new device is confirmed and stored, and a second sign-in with it goes through
/// `DEVICE_SRP_AUTH` → `DEVICE_PASSWORD_VERIFIER`.
fn sign_in_with_device() -> Result<(), String> {
    let client_rng = Recorder::new(Role::Client, 0x5eed_b001);
    let pool_rng = Recorder::new(Role::Server, 0x5eed_b002);
    let mut transport = Transport::new(&client_rng, &pool_rng, PASSWORD);
    secrets::text("user password", 1, PASSWORD)?;
    secrets::text("client secret", 1, CLIENT_SECRET)?;
    armed(|| -> Result<(), String> {
        let mut pool = pool_with_user(&pool_rng)?;
        let device = sign_in_and_confirm(&mut pool, &mut transport)?;
        let stored = device.to_storage_string();
        drop(device);
        let device =
            RememberedDevice::from_storage_string(&stored).map_err(fail("stored device"))?;
        drop(stored);

        let sign_in = new_sign_in(&client_rng, EMAIL, PASSWORD)?.with_device(device);
        let done = drive(&mut pool, sign_in, &mut transport)?;
        if done.new_device.is_some() || done.forget_stored_device {
            return Err("the second sign-in did not use the device".to_owned());
        }
        Ok(())
    })?;
    transport.check_flow(
        "PASSWORD_VERIFIER → PASSWORD_VERIFIER → DEVICE_SRP_AUTH → DEVICE_PASSWORD_VERIFIER",
    )?;
    client_rng.error()?;
    pool_rng.error()
}

/// c. `RememberedDevice::register`, `to_storage_string`, `from_storage_string`,
/// `RememberedDevice::new`.
fn remembered_device() -> Result<(), String> {
    let rng = Recorder::new(Role::Client, 0x5eed_c001);
    armed(|| -> Result<(), String> {
        rng.expect_device(DEVICE_KEY, DEVICE_GROUP_KEY);
        let (device, config) =
            RememberedDevice::register(DEVICE_KEY, DEVICE_GROUP_KEY, &mut rng.rng())
                .map_err(fail("register"))?;
        rng.check_device_config(config.salt(), config.password_verifier())?;
        let stored = device.to_storage_string();
        let loaded =
            RememberedDevice::from_storage_string(&stored).map_err(fail("stored device"))?;
        let again = rng.with_device_password(|text| {
            RememberedDevice::new(
                DEVICE_KEY,
                DEVICE_GROUP_KEY,
                Password::new(String::from(text)),
            )
            .map_err(fail("new"))
        })?;
        drop((device, config, stored, loaded, again));
        Ok(())
    })?;
    rng.error()
}

/// d. `DeviceVerifier::from_config`, `ServerSrp::for_device`, a device claim
/// (`device_password_verifier`) and its verification.
fn device_claim() -> Result<(), String> {
    let device_rng = Recorder::new(Role::Client, 0x5eed_d001);
    let client_rng = Recorder::new(Role::Client, 0x5eed_d002);
    let server_rng = Recorder::new(Role::Server, 0x5eed_d003);
    let timestamp = Timestamp::from(now());
    // The device as registered earlier: password and salt from the recording RNG, the
    // verifier computed by the oracle (registered with every form).
    device_rng.expect_device(DEVICE_KEY, DEVICE_GROUP_KEY);
    device_rng.draw(&mut [0u8; 40]);
    device_rng.draw(&mut [0u8; 16]);
    device_rng.error()?;
    let (salt_text, verifier_text) = device_rng.device_config()?;
    armed(|| -> Result<(), String> {
        let config = DeviceSecretVerifierConfig::new(salt_text, verifier_text);
        let verifier = DeviceVerifier::from_config(DEVICE_KEY, DEVICE_GROUP_KEY, &config)
            .map_err(fail("from_config"))?;
        let device = device_rng.with_device_password(|text| {
            RememberedDevice::new(
                DEVICE_KEY,
                DEVICE_GROUP_KEY,
                Password::new(String::from(text)),
            )
            .map_err(fail("device"))
        })?;
        let client = UserPoolClient::new(POOL_ID, CLIENT_ID).map_err(fail("client"))?;
        let key = EphemeralKey::from_rng(&mut client_rng.rng()).map_err(fail("a"))?;
        let server = ServerSrp::for_device(&verifier, key.srp_a(), &mut server_rng.rng())
            .map_err(fail("server"))?;
        let (params, expected) = scanner::disarmed(|| -> Result<_, String> {
            let a = client_rng.last_ephemeral()?;
            let b = server_rng.last_ephemeral()?;
            secrets::check_srp_a(&a, key.srp_a())?;
            server_rng.check_secret_block(server.secret_block())?;
            let expected = device_rng.with_device_password(|password| {
                secrets::exchange(&Exchange {
                    instance: 1,
                    kind: Kind::Device,
                    a: &a,
                    b: &b,
                    realm: DEVICE_GROUP_KEY,
                    identity: DEVICE_KEY,
                    password,
                    salt: server.salt(),
                    srp_b: server.srp_b(),
                    secret_block: server.secret_block(),
                    timestamp: timestamp.as_str(),
                    server_verifier: None,
                })
            })?;
            let params = vec![
                (param::SALT, server.salt().to_owned()),
                (param::SRP_B, server.srp_b().to_owned()),
                (param::SECRET_BLOCK, server.secret_block().to_owned()),
                (param::USERNAME, USER_ID.to_owned()),
                (param::DEVICE_KEY, DEVICE_KEY.to_owned()),
            ];
            Ok((params, expected))
        })?;
        let challenge = DevicePasswordVerifierChallenge::from_params(|name| lookup(&params, name))
            .map_err(fail("challenge"))?;
        let responses = key
            .device_password_verifier(&client, &device, &challenge, &timestamp)
            .map_err(fail("claim"))?;
        check_signature(&expected, responses.get(param::PASSWORD_CLAIM_SIGNATURE))?;
        server
            .verify(|name| responses.get(name), now())
            .map_err(fail("verification"))
    })?;
    client_rng.error()?;
    server_rng.error()
}

/// e. A sign-in with a device the pool has forgotten (`forget_device`): the claim is answered
/// with "Device does not exist.", the machine drops the device, restarts with a fresh `a` and
/// signs in without it (getting a new device, and `forget_stored_device`).
fn stale_device() -> Result<(), String> {
    let client_rng = Recorder::new(Role::Client, 0x5eed_e001);
    let pool_rng = Recorder::new(Role::Server, 0x5eed_e002);
    let mut transport = Transport::new(&client_rng, &pool_rng, PASSWORD);
    transport.refusal = Some(NO_DEVICE);
    secrets::text("user password", 1, PASSWORD)?;
    secrets::text("client secret", 1, CLIENT_SECRET)?;
    armed(|| -> Result<(), String> {
        let mut pool = pool_with_user(&pool_rng)?;
        let device = sign_in_and_confirm(&mut pool, &mut transport)?;
        pool.forget_device(device.device_key());
        let sign_in = new_sign_in(&client_rng, EMAIL, PASSWORD)?.with_device(device);
        let done = drive(&mut pool, sign_in, &mut transport)?;
        if !done.forget_stored_device {
            return Err("the stale device was not reported for deletion".to_owned());
        }
        let new_device = done
            .new_device
            .ok_or("no NewDeviceMetadata after the restart")?;
        client_rng.check_device_config(
            new_device.config.salt(),
            new_device.config.password_verifier(),
        )
    })?;
    transport.check_flow(
        "PASSWORD_VERIFIER → PASSWORD_VERIFIER → ResourceNotFoundException: Device does not \
         exist. → PASSWORD_VERIFIER",
    )?;
    client_rng.error()?;
    pool_rng.error()
}

/// f. A `SignIn` with a remembered device dropped mid-flow: (a) right after `start` (a pending
/// user ephemeral), (b) after answering `DEVICE_SRP_AUTH` (a pending device ephemeral), (c)
/// with a question pending (`SMS_MFA`, written by hand as the answer to the claim).
fn dropped_sign_in() -> Result<(), String> {
    let client_rng = Recorder::new(Role::Client, 0x5eed_f001);
    let pool_rng = Recorder::new(Role::Server, 0x5eed_f002);
    let mut transport = Transport::new(&client_rng, &pool_rng, PASSWORD);
    secrets::text("user password", 1, PASSWORD)?;
    secrets::text("client secret", 1, CLIENT_SECRET)?;
    armed(|| -> Result<(), String> {
        let mut pool = pool_with_user(&pool_rng)?;
        let stored = sign_in_and_confirm(&mut pool, &mut transport)?.to_storage_string();
        let with_device = || -> Result<_, String> {
            let device =
                RememberedDevice::from_storage_string(&stored).map_err(fail("stored device"))?;
            Ok(new_sign_in(&client_rng, EMAIL, PASSWORD)?.with_device(device))
        };

        // (a) A pending user ephemeral.
        let mut sign_in = with_device()?;
        let request = expect_request(sign_in.start().map_err(fail("start"))?)?;
        scanner::disarmed(|| transport.outgoing(&request))?;
        drop((request, sign_in));

        // (b) A pending device ephemeral.
        let mut sign_in = with_device()?;
        let request = expect_request(sign_in.start().map_err(fail("start"))?)?;
        let step = send(&mut pool, &mut sign_in, &mut transport, request)?;
        let claim = expect_request(step.map_err(fail("claim"))?)?;
        let step = send(&mut pool, &mut sign_in, &mut transport, claim)?;
        let device_auth = expect_request(step.map_err(fail("DEVICE_SRP_AUTH"))?)?;
        scanner::disarmed(|| transport.outgoing(&device_auth))?;
        drop((device_auth, sign_in));

        // (c) A pending question.
        let mut sign_in = with_device()?;
        let request = expect_request(sign_in.start().map_err(fail("start"))?)?;
        let step = send(&mut pool, &mut sign_in, &mut transport, request)?;
        let claim = expect_request(step.map_err(fail("claim"))?)?;
        let sms = challenge(challenge_name::SMS_MFA, &[], "sess");
        let step = script(&mut sign_in, &mut transport, claim, sms)?.map_err(fail("SMS_MFA"))?;
        if !matches!(step, Step::Ask(Question::Code { .. })) {
            return Err(format!("SMS_MFA did not ask for a code: {step:?}"));
        }
        drop((step, sign_in));
        Ok(())
    })?;
    transport.check_flow(
        "PASSWORD_VERIFIER → PASSWORD_VERIFIER → DEVICE_SRP_AUTH → PASSWORD_VERIFIER → SMS_MFA",
    )?;
    client_rng.error()?;
    pool_rng.error()
}

/// The caller's side of a map converted from `ChallengeResponses`: check that `key` carries
/// `secret`, then wipe every value, as a careful caller does (the strings were moved out of the
/// crate's wiping storage and are the caller's now).
fn check_and_wipe<'m>(
    entries: impl Iterator<Item = (&'m String, &'m mut String)>,
    key: &str,
    secret: &str,
) -> Result<(), String> {
    let mut found = false;
    for (k, v) in entries {
        found |= k == key && v == secret;
        v.zeroize();
    }
    if found {
        Ok(())
    } else {
        Err(format!("the converted responses do not carry {key}"))
    }
}

/// `NEW_PASSWORD_REQUIRED` (no required attributes, one attribute anyway), answered with
/// `Answer::NewPassword`; its responses converted into a `BTreeMap`.
fn answer_new_password<R: TryCryptoRng>(
    sign_in: &mut SignIn<R>,
    transport: &mut Transport<'_>,
    claim: Request,
) -> Result<(), String> {
    let asked = challenge(
        challenge_name::NEW_PASSWORD_REQUIRED,
        &[
            (param::REQUIRED_ATTRIBUTES, "[]"),
            (param::USER_ATTRIBUTES, r#"{"email":"mallory@example.com"}"#),
        ],
        "sess-1",
    );
    let step = script(sign_in, transport, claim, asked)?.map_err(fail("NEW_PASSWORD_REQUIRED"))?;
    if !matches!(&step, Step::Ask(Question::NewPassword { required_attributes, .. }) if required_attributes.is_empty())
    {
        return Err(format!("NEW_PASSWORD_REQUIRED asked {step:?}"));
    }
    let answer = Answer::NewPassword {
        password: Password::from(NEW_PASSWORD),
        attributes: vec![("name".to_owned(), "Mallory".to_owned())],
    };
    let request = expect_request(sign_in.answer(answer).map_err(fail("new password"))?)?;
    let mut map: BTreeMap<String, String> = responses_of(request)?.into();
    check_and_wipe(map.iter_mut(), param::NEW_PASSWORD, NEW_PASSWORD)
}

/// `SMS_MFA`, first answered with a mismatched `Answer::CustomAnswer` (refused, the question
/// stays), then with `Answer::Code`; its responses converted into a `HashMap`.
fn answer_code<R: TryCryptoRng>(
    sign_in: &mut SignIn<R>,
    transport: &mut Transport<'_>,
) -> Result<(), String> {
    let asked = challenge(
        challenge_name::SMS_MFA,
        &[
            (param::CODE_DELIVERY_DELIVERY_MEDIUM, "SMS"),
            (param::CODE_DELIVERY_DESTINATION, "+*******4242"),
        ],
        "sess-2",
    );
    let step = transport
        .deliver(sign_in, asked)?
        .map_err(fail("SMS_MFA"))?;
    if !matches!(step, Step::Ask(Question::Code { .. })) {
        return Err(format!("SMS_MFA asked {step:?}"));
    }
    match sign_in.answer(Answer::CustomAnswer(CUSTOM_ANSWER.to_owned())) {
        Err(Error::AnswerMismatch) => {}
        other => return Err(format!("a mismatched answer was not refused: {other:?}")),
    }
    let answer = Answer::Code(MFA_CODE.to_owned());
    let request = expect_request(sign_in.answer(answer).map_err(fail("code"))?)?;
    let mut map: HashMap<String, String> = responses_of(request)?.into();
    check_and_wipe(map.iter_mut(), param::SMS_MFA_CODE, MFA_CODE)
}

/// `CUSTOM_CHALLENGE`, answered with `Answer::CustomAnswer`; its responses dropped as they are
/// (the crate's own wiping); then tokens.
fn answer_custom<R: TryCryptoRng>(
    sign_in: &mut SignIn<R>,
    transport: &mut Transport<'_>,
) -> Result<SignedIn, String> {
    let asked = challenge(
        challenge_name::CUSTOM_CHALLENGE,
        &[("question", "What flies at midnight?")],
        "sess-3",
    );
    let step = transport
        .deliver(sign_in, asked)?
        .map_err(fail("CUSTOM_CHALLENGE"))?;
    if !matches!(step, Step::Ask(Question::CustomChallenge { .. })) {
        return Err(format!("CUSTOM_CHALLENGE asked {step:?}"));
    }
    let answer = Answer::CustomAnswer(CUSTOM_ANSWER.to_owned());
    let request = expect_request(sign_in.answer(answer).map_err(fail("custom answer"))?)?;
    let responses = responses_of(request)?;
    if responses.get(param::ANSWER) != Some(CUSTOM_ANSWER) {
        return Err("the responses do not carry the custom answer".to_owned());
    }
    drop(responses);
    let tokens = ServerAnswer::authenticated(None, None);
    match transport.deliver(sign_in, tokens)? {
        Ok(Step::Done(done)) => Ok(done),
        other => Err(format!("tokens did not end the sign-in: {other:?}")),
    }
}

/// g. Answers that carry secrets, to challenges written by hand after the claim:
/// `NEW_PASSWORD_REQUIRED` (the new password), `SMS_MFA` (a code), `CUSTOM_CHALLENGE` (an
/// answer), and the `ChallengeResponses` → `BTreeMap` / `HashMap` conversions.
fn answers() -> Result<(), String> {
    let client_rng = Recorder::new(Role::Client, 0x5eed_1001);
    let pool_rng = Recorder::new(Role::Server, 0x5eed_1002);
    let mut transport = Transport::new(&client_rng, &pool_rng, PASSWORD);
    secrets::text("user password", 1, PASSWORD)?;
    secrets::text("client secret", 1, CLIENT_SECRET)?;
    secrets::text("new password", 1, NEW_PASSWORD)?;
    secrets::text("MFA code", 1, MFA_CODE)?;
    secrets::text("custom answer", 1, CUSTOM_ANSWER)?;
    armed(|| -> Result<(), String> {
        let mut pool = pool_with_user(&pool_rng)?;
        let mut sign_in = new_sign_in(&client_rng, EMAIL, PASSWORD)?;
        let request = expect_request(sign_in.start().map_err(fail("start"))?)?;
        let step = send(&mut pool, &mut sign_in, &mut transport, request)?;
        let claim = expect_request(step.map_err(fail("claim"))?)?;
        answer_new_password(&mut sign_in, &mut transport, claim)?;
        answer_code(&mut sign_in, &mut transport)?;
        let done = answer_custom(&mut sign_in, &mut transport)?;
        drop((done, sign_in, pool));
        Ok(())
    })?;
    transport
        .check_flow("PASSWORD_VERIFIER → NEW_PASSWORD_REQUIRED → SMS_MFA → CUSTOM_CHALLENGE")?;
    client_rng.error()?;
    pool_rng.error()
}

/// h. A sign-in for a name the pool does not know, with a wrong password: the pool answers
/// with a fake `PASSWORD_VERIFIER` (salt and `v` derived from its key), verifies the claim
/// against it and refuses it.
fn unknown_user() -> Result<(), String> {
    let client_rng = Recorder::new(Role::Client, 0x5eed_2001);
    let pool_rng = Recorder::new(Role::Server, 0x5eed_2002);
    let mut transport = Transport::new(&client_rng, &pool_rng, WRONG_PASSWORD);
    transport.refusal = Some(INCORRECT);
    secrets::text("user password", 1, PASSWORD)?;
    secrets::text("wrong password", 1, WRONG_PASSWORD)?;
    secrets::text("client secret", 1, CLIENT_SECRET)?;
    armed(|| -> Result<(), String> {
        let mut pool = pool_with_user(&pool_rng)?;
        let mut sign_in = new_sign_in(&client_rng, UNKNOWN_USER, WRONG_PASSWORD)?;
        let request = expect_request(sign_in.start().map_err(fail("start"))?)?;
        let step = send(&mut pool, &mut sign_in, &mut transport, request)?;
        let claim = expect_request(step.map_err(fail("claim"))?)?;
        match send(&mut pool, &mut sign_in, &mut transport, claim)? {
            Err(Error::Refused {
                kind: ServiceErrorKind::NotAuthorized,
            }) => {}
            other => {
                return Err(format!(
                    "the unknown name's claim was not refused: {other:?}"
                ));
            }
        }
        drop((sign_in, pool));
        Ok(())
    })?;
    transport.check_flow(
        "PASSWORD_VERIFIER → NotAuthorizedException: Incorrect username or password.",
    )?;
    client_rng.error()?;
    pool_rng.error()
}

/// i. A `PASSWORD_VERIFIER` claim with a wrong password, refused by `ServerSrp::verify`
/// (its error path): the client's `x`, `v`, `S`, … are the wrong password's (instance 2),
/// the server's `v` the right one's (instance 1), and its own `S` is `S (server)`.
fn wrong_password() -> Result<(), String> {
    let client_rng = Recorder::new(Role::Client, 0x5eed_3001);
    let server_rng = Recorder::new(Role::Server, 0x5eed_3002);
    let salt: [u8; 16] = *b"\x1b\x07wrong-pw-salt!";
    let timestamp = Timestamp::from(now());
    secrets::text("user password", 1, PASSWORD)?;
    secrets::text("wrong password", 1, WRONG_PASSWORD)?;
    secrets::text("client secret", 1, CLIENT_SECRET)?;
    let v = secrets::verifier(
        Kind::User,
        1,
        pool_name(),
        USER_ID,
        PASSWORD,
        &secrets::salt_enc(&salt),
    )?;
    armed(|| -> Result<(), String> {
        let verifier = UserVerifier::from_salt(POOL_ID, USER_ID, &Password::from(PASSWORD), &salt)
            .map_err(fail("verifier"))?;
        let client = app_client()?;
        let key = EphemeralKey::from_rng(&mut client_rng.rng()).map_err(fail("a"))?;
        let server = ServerSrp::for_user(&verifier, key.srp_a(), &mut server_rng.rng())
            .map_err(fail("server"))?;
        let (params, expected) = scanner::disarmed(|| -> Result<_, String> {
            let a = client_rng.last_ephemeral()?;
            secrets::check_srp_a(&a, key.srp_a())?;
            server_rng.check_secret_block(server.secret_block())?;
            let expected = secrets::exchange(&Exchange {
                instance: 2,
                kind: Kind::User,
                a: &a,
                b: &server_rng.last_ephemeral()?,
                realm: pool_name(),
                identity: USER_ID,
                password: WRONG_PASSWORD,
                salt: server.salt(),
                srp_b: server.srp_b(),
                secret_block: server.secret_block(),
                timestamp: timestamp.as_str(),
                server_verifier: Some(&v),
            })?;
            let params = vec![
                (param::SALT, server.salt().to_owned()),
                (param::SRP_B, server.srp_b().to_owned()),
                (param::SECRET_BLOCK, server.secret_block().to_owned()),
                (param::USER_ID_FOR_SRP, USER_ID.to_owned()),
                (param::USERNAME, USER_ID.to_owned()),
            ];
            Ok((params, expected))
        })?;
        let challenge = PasswordVerifierChallenge::from_params(|name| lookup(&params, name))
            .map_err(fail("challenge"))?;
        let responses = key
            .password_verifier(
                &client,
                &challenge,
                &Password::from(WRONG_PASSWORD),
                &timestamp,
            )
            .map_err(fail("claim"))?;
        check_signature(&expected, responses.get(param::PASSWORD_CLAIM_SIGNATURE))?;
        match server.verify(|name| responses.get(name), now()) {
            Err(Error::IncorrectClaim) => Ok(()),
            other => Err(format!(
                "the wrong password's claim was not refused: {other:?}"
            )),
        }
    })?;
    client_rng.error()?;
    server_rng.error()
}

/// `enc(v + N)` of a device's verifier text: an unreduced verifier (as secret as `v`, outside
/// `[2, N − 1]`), registered as its base64 text, its bytes and its low 3072 bits' limbs.
/// Returns the text.
fn unreduced_verifier(verifier_text: &str) -> Result<String, String> {
    scanner::disarmed(|| {
        let enc_v = STANDARD
            .decode(verifier_text)
            .map_err(|_| "the verifier text is not base64")?;
        let unreduced = BigUint::from_bytes_be(&enc_v) + oracle::n();
        let enc = oracle::enc(&unreduced);
        let text = STANDARD.encode(&enc);
        let low = unreduced % (BigUint::from(1u8) << 3072u32);
        secrets::form("unreduced verifier", 1, "base64 text", text.as_bytes())?;
        secrets::form("unreduced verifier", 1, "decoded bytes", &enc)?;
        secrets::form(
            "unreduced verifier",
            1,
            "low U3072 limbs (LE)",
            &secrets::le_padded(&low, 384),
        )?;
        Ok(text)
    })
}

/// Malformed storage forms holding the device password: a wrong tag, a space inside the
/// password, a missing field (the password in the group key's place). Built disarmed, wiped on
/// drop.
fn malformed_storage_forms(rng: &Recorder) -> Result<Vec<Zeroizing<String>>, String> {
    scanner::disarmed(|| {
        rng.with_device_password(|password| {
            let (head, tail) = password.split_at(password.len() / 2);
            Ok(vec![
                Zeroizing::new(format!(
                    "cognito-srp-device/2 {DEVICE_KEY} {DEVICE_GROUP_KEY} {password}"
                )),
                Zeroizing::new(format!(
                    "cognito-srp-device/1 {DEVICE_KEY} {DEVICE_GROUP_KEY} {head} {tail}"
                )),
                Zeroizing::new(format!("cognito-srp-device/1 {DEVICE_KEY} {password}")),
            ])
        })
    })
}

/// j. Error paths that hold secrets: `RememberedDevice::new` with a password containing a
/// space, `from_storage_string` of malformed forms, `DeviceVerifier::from_config` with
/// verifiers outside `[2, N − 1]` (`enc(N)`, and an unreduced `enc(v + N)`), and
/// `verify_secret_hash` with another user's hash.
fn error_paths() -> Result<(), String> {
    let device_rng = Recorder::new(Role::Client, 0x5eed_4001);
    // A device as registered earlier (as in device-claim), for its password and verifier.
    device_rng.expect_device(DEVICE_KEY, DEVICE_GROUP_KEY);
    device_rng.draw(&mut [0u8; 40]);
    device_rng.draw(&mut [0u8; 16]);
    device_rng.error()?;
    let (salt_text, verifier_text) = device_rng.device_config()?;
    secrets::text("device password", 2, SPACED_DEVICE_PASSWORD)?;
    secrets::text("client secret", 1, CLIENT_SECRET)?;
    let (hash, other_hash) = scanner::disarmed(|| {
        (
            oracle::secret_hash(USER_ID, CLIENT_ID, CLIENT_SECRET),
            oracle::secret_hash(UNKNOWN_USER, CLIENT_ID, CLIENT_SECRET),
        )
    });
    secrets::form("SECRET_HASH", 1, "base64 text", hash.as_bytes())?;
    let out_of_range = [
        scanner::disarmed(|| STANDARD.encode(oracle::enc(&oracle::n()))),
        unreduced_verifier(&verifier_text)?,
    ];
    let stored = malformed_storage_forms(&device_rng)?;
    let malformed = |result: Result<RememberedDevice, Error>| match result {
        Err(Error::MalformedDevice) => Ok(()),
        other => Err(format!("a malformed device was not refused: {other:?}")),
    };
    armed(|| -> Result<(), String> {
        malformed(RememberedDevice::new(
            DEVICE_KEY,
            DEVICE_GROUP_KEY,
            Password::from(SPACED_DEVICE_PASSWORD),
        ))?;
        for text in stored {
            malformed(RememberedDevice::from_storage_string(&text))?;
        }
        for text in out_of_range {
            let config = DeviceSecretVerifierConfig::new(salt_text.clone(), text);
            match DeviceVerifier::from_config(DEVICE_KEY, DEVICE_GROUP_KEY, &config) {
                Err(Error::MalformedParameter {
                    name: "PasswordVerifier",
                }) => {}
                other => return Err(format!("a verifier out of range was taken: {other:?}")),
            }
        }
        // The verifier in range is taken: the refusals above are the range check's.
        let config = DeviceSecretVerifierConfig::new(salt_text, verifier_text);
        DeviceVerifier::from_config(DEVICE_KEY, DEVICE_GROUP_KEY, &config)
            .map_err(fail("from_config"))?;
        let secret = ClientSecret::from(CLIENT_SECRET);
        match verify_secret_hash(USER_ID, CLIENT_ID, &secret, &other_hash) {
            Err(Error::SecretHashMismatch) => {}
            other => return Err(format!("another user's SECRET_HASH was taken: {other:?}")),
        }
        verify_secret_hash(USER_ID, CLIENT_ID, &secret, &hash).map_err(fail("SECRET_HASH"))
    })?;
    scanner::disarmed(|| drop((hash, other_hash)));
    device_rng.error()
}

/// A sign-in as `username` in `flow`, started without a password: one is asked for
/// (`Question::Password`) when the flow needs it.
fn sign_in_without_password<'a>(
    client_rng: &'a Recorder,
    username: &str,
    flow: Flow,
) -> Result<SignIn<RecordingRng<'a>>, String> {
    Ok(SignIn::with_rng(app_client()?, username, None, client_rng.rng()).with_flow(flow))
}

/// Answer `Question::Password`, which `step` must ask, with `Answer::Password`.
fn answer_password<R: TryCryptoRng>(
    sign_in: &mut SignIn<R>,
    step: Step,
    password: &str,
) -> Result<Step, String> {
    if !matches!(step, Step::Ask(Question::Password)) {
        return Err(format!("expected the password question, got {step:?}"));
    }
    drop(step);
    sign_in
        .answer(Answer::Password(Password::from(password)))
        .map_err(fail("password"))
}

/// Answer `Question::SelectChallenge`, which `step` must ask with `factor` offered, with
/// `Answer::FirstFactor`.
fn choose<R: TryCryptoRng>(
    sign_in: &mut SignIn<R>,
    step: Step,
    factor: FirstFactor,
) -> Result<Step, String> {
    if !matches!(&step, Step::Ask(Question::SelectChallenge { available }) if available.contains(&factor))
    {
        return Err(format!(
            "expected SELECT_CHALLENGE offering {factor:?}, got {step:?}"
        ));
    }
    drop(step);
    sign_in
        .answer(Answer::FirstFactor(factor))
        .map_err(fail("first factor"))
}

/// Answer `Question::CustomChallenge`, which `step` must ask, with `Answer::CustomAnswer`.
fn answer_custom_challenge<R: TryCryptoRng>(
    sign_in: &mut SignIn<R>,
    step: Step,
    answer: &str,
) -> Result<Step, String> {
    if !matches!(step, Step::Ask(Question::CustomChallenge { .. })) {
        return Err(format!("expected a custom challenge, got {step:?}"));
    }
    drop(step);
    sign_in
        .answer(Answer::CustomAnswer(answer.to_owned()))
        .map_err(fail("custom answer"))
}

/// The end of a sign-in the pool refused with `kind`.
fn expect_refused(
    step: cognito_srp_auth::Result<Step>,
    kind: ServiceErrorKind,
) -> Result<(), String> {
    match step {
        Err(Error::Refused { kind: refused }) if refused == kind => Ok(()),
        other => Err(format!("expected a refusal ({kind:?}), got {other:?}")),
    }
}

/// Check that the pool's last refresh token for the user is the one recorded.
fn check_refresh_token(
    pool: &UserPool<RecordingRng<'_>>,
    pool_rng: &Recorder,
) -> Result<(), String> {
    pool_rng.check_refresh_token(pool.refresh_token(USER_ID))
}

/// k. `UserVerifier::check_password` (what `USER_PASSWORD_AUTH` costs the server: `x` and
/// `g^x` derived again and compared with `v`), with the right password and a wrong one; the
/// verifier's `v` checked against `SRP_B` of a `ServerSrp::for_user`.
fn check_password() -> Result<(), String> {
    let client_rng = Recorder::new(Role::Client, 0x5eed_5001);
    let server_rng = Recorder::new(Role::Server, 0x5eed_5002);
    let salt: [u8; 16] = *b"\x3c\x11check-pw-salt!";
    let salt_enc = secrets::salt_enc(&salt);
    secrets::text("user password", 1, PASSWORD)?;
    secrets::text("wrong password", 1, WRONG_PASSWORD)?;
    let v = secrets::verifier(Kind::User, 1, pool_name(), USER_ID, PASSWORD, &salt_enc)?;
    // What checking the wrong password derives: its own x and g^x.
    secrets::verifier(
        Kind::User,
        2,
        pool_name(),
        USER_ID,
        WRONG_PASSWORD,
        &salt_enc,
    )?;
    armed(|| -> Result<(), String> {
        let verifier = UserVerifier::from_salt(POOL_ID, USER_ID, &Password::from(PASSWORD), &salt)
            .map_err(fail("verifier"))?;
        let key = EphemeralKey::from_rng(&mut client_rng.rng()).map_err(fail("a"))?;
        let server = ServerSrp::for_user(&verifier, key.srp_a(), &mut server_rng.rng())
            .map_err(fail("server"))?;
        scanner::disarmed(|| -> Result<(), String> {
            secrets::check_srp_a(&client_rng.last_ephemeral()?, key.srp_a())?;
            secrets::check_srp_b(&v, &server_rng.last_ephemeral()?, server.srp_b())?;
            server_rng.check_secret_block(server.secret_block())
        })?;
        drop((key, server));
        if !verifier.check_password(&Password::from(PASSWORD)) {
            return Err("check_password refused the right password".to_owned());
        }
        if verifier.check_password(&Password::from(WRONG_PASSWORD)) {
            return Err("check_password took a wrong password".to_owned());
        }
        drop(verifier);
        Ok(())
    })?;
    client_rng.error()?;
    server_rng.error()
}

/// l. Passwords asked for and sent as they are: (a) a `USER_SRP_AUTH` `SignIn` created
/// without a password (`Question::Password`, `Answer::Password`), whose `PASSWORD_VERIFIER`
/// checks the user's `v`; (b) `Flow::UserPassword` with the password asked for: the pool checks
/// it as `check_password` does; (c) `USER_PASSWORD_AUTH` with a wrong password, refused;
/// (d) a name the pool does not know, checked against its fake verifier, refused.
fn user_password() -> Result<(), String> {
    let client_rng = Recorder::new(Role::Client, 0x5eed_6001);
    let pool_rng = Recorder::new(Role::Server, 0x5eed_6002);
    let mut transport = Transport::new(&client_rng, &pool_rng, PASSWORD);
    transport.refusal = Some(INCORRECT);
    secrets::text("user password", 1, PASSWORD)?;
    secrets::text("wrong password", 1, WRONG_PASSWORD)?;
    secrets::text("client secret", 1, CLIENT_SECRET)?;
    armed(|| -> Result<(), String> {
        let mut pool = pool_with_user(&pool_rng)?;
        for flow in [Flow::UserSrp, Flow::UserPassword] {
            let mut sign_in = sign_in_without_password(&client_rng, EMAIL, flow)?;
            let step = sign_in.start().map_err(fail("start"))?;
            let step = answer_password(&mut sign_in, step, PASSWORD)?;
            pool_rng.expect_refresh_token();
            let done = run_to_end(&mut pool, &mut sign_in, &mut transport, step)?;
            check_refresh_token(&pool, &pool_rng)?;
            if done.username != USER_ID {
                return Err(format!("{flow:?} did not name the internal user"));
            }
            drop((done, sign_in));
        }
        for name in [EMAIL, UNKNOWN_USER] {
            let mut sign_in =
                new_sign_in(&client_rng, name, WRONG_PASSWORD)?.with_flow(Flow::UserPassword);
            let request = expect_request(sign_in.start().map_err(fail("start"))?)?;
            expect_refused(
                send(&mut pool, &mut sign_in, &mut transport, request)?,
                ServiceErrorKind::NotAuthorized,
            )?;
            drop(sign_in);
        }
        drop(pool);
        Ok(())
    })?;
    transport.check_flow(
        "PASSWORD_VERIFIER → NotAuthorizedException: Incorrect username or password. → \
         NotAuthorizedException: Incorrect username or password.",
    )?;
    client_rng.error()?;
    pool_rng.error()
}

/// Send a passwordless `USER_AUTH` `InitiateAuth` (`EMAIL_OTP` preferred) to the pool: the
/// code question, with the code the pool sent checked against the one recorded.
fn email_otp_question<R: TryCryptoRng>(
    pool: &mut UserPool<RecordingRng<'_>>,
    sign_in: &mut SignIn<R>,
    transport: &mut Transport<'_>,
) -> Result<(), String> {
    let request = expect_request(sign_in.start().map_err(fail("start"))?)?;
    let step = send(pool, sign_in, transport, request)?.map_err(fail("EMAIL_OTP"))?;
    if !matches!(
        step,
        Step::Ask(Question::Code {
            challenge: CodeChallenge::EmailOtp,
            ..
        })
    ) {
        return Err(format!("EMAIL_OTP asked {step:?}"));
    }
    transport.server.check_email_code(pool.sent_code(USER_ID))
}

/// m. Passwordless `USER_AUTH` with `EMAIL_OTP` preferred against the pool, which "sends" a
/// six-digit code (read with `sent_code`): (a) answered with a wrong code, refused
/// (`CodeMismatch`); (b) answered with the code sent (`Answer::Code`), then tokens.
fn email_otp() -> Result<(), String> {
    let client_rng = Recorder::new(Role::Client, 0x5eed_7001);
    let pool_rng = Recorder::new(Role::Server, 0x5eed_7002);
    let mut transport = Transport::new(&client_rng, &pool_rng, PASSWORD);
    transport.refusal = Some(CODE_MISMATCH);
    secrets::text("user password", 1, PASSWORD)?;
    secrets::text("client secret", 1, CLIENT_SECRET)?;
    secrets::text("wrong code", 1, WRONG_CODE)?;
    let flow = Flow::UserAuth {
        preferred: Some(FirstFactor::EmailOtp),
    };
    armed(|| -> Result<(), String> {
        let mut pool = pool_with_user(&pool_rng)?;

        // (a) A wrong code.
        let mut sign_in = sign_in_without_password(&client_rng, EMAIL, flow)?;
        email_otp_question(&mut pool, &mut sign_in, &mut transport)?;
        if pool.sent_code(USER_ID) == Some(WRONG_CODE) {
            return Err("the wrong code is the one sent: change WRONG_CODE".to_owned());
        }
        let answer = Answer::Code(WRONG_CODE.to_owned());
        let request = expect_request(sign_in.answer(answer).map_err(fail("code"))?)?;
        expect_refused(
            send(&mut pool, &mut sign_in, &mut transport, request)?,
            ServiceErrorKind::CodeMismatch,
        )?;
        drop(sign_in);

        // (b) The code sent, as the user reads it from the mailbox.
        let mut sign_in = sign_in_without_password(&client_rng, EMAIL, flow)?;
        email_otp_question(&mut pool, &mut sign_in, &mut transport)?;
        let code = String::from(pool.sent_code(USER_ID).ok_or("no code was sent")?);
        let step = sign_in.answer(Answer::Code(code)).map_err(fail("code"))?;
        pool_rng.expect_refresh_token();
        let done = run_to_end(&mut pool, &mut sign_in, &mut transport, step)?;
        check_refresh_token(&pool, &pool_rng)?;
        drop((done, sign_in, pool));
        Ok(())
    })?;
    transport.check_flow(
        "EMAIL_OTP → CodeMismatchException: Invalid code received for user → EMAIL_OTP",
    )?;
    client_rng.error()?;
    pool_rng.error()
}

/// n. `USER_AUTH` without a preference nor a password against the pool: `SELECT_CHALLENGE`
/// answered (a) `Answer::FirstFactor(PasswordSrp)`, then `Answer::Password`: a
/// `PASSWORD_VERIFIER` (which checks the user's `v`); (b) `Answer::FirstFactor(Password)`,
/// then `Answer::Password`: the password itself in the `SELECT_CHALLENGE` response, checked
/// by the pool as `check_password` does.
fn select_challenge() -> Result<(), String> {
    let client_rng = Recorder::new(Role::Client, 0x5eed_8001);
    let pool_rng = Recorder::new(Role::Server, 0x5eed_8002);
    let mut transport = Transport::new(&client_rng, &pool_rng, PASSWORD);
    secrets::text("user password", 1, PASSWORD)?;
    secrets::text("client secret", 1, CLIENT_SECRET)?;
    armed(|| -> Result<(), String> {
        let mut pool = pool_with_user(&pool_rng)?;
        for factor in [FirstFactor::PasswordSrp, FirstFactor::Password] {
            let flow = Flow::UserAuth { preferred: None };
            let mut sign_in = sign_in_without_password(&client_rng, EMAIL, flow)?;
            let request = expect_request(sign_in.start().map_err(fail("start"))?)?;
            let step = send(&mut pool, &mut sign_in, &mut transport, request)?
                .map_err(fail("SELECT_CHALLENGE"))?;
            let step = choose(&mut sign_in, step, factor)?;
            let step = answer_password(&mut sign_in, step, PASSWORD)?;
            pool_rng.expect_refresh_token();
            let done = run_to_end(&mut pool, &mut sign_in, &mut transport, step)?;
            check_refresh_token(&pool, &pool_rng)?;
            drop((done, sign_in));
        }
        drop(pool);
        Ok(())
    })?;
    transport.check_flow("SELECT_CHALLENGE → PASSWORD_VERIFIER → SELECT_CHALLENGE")?;
    client_rng.error()?;
    pool_rng.error()
}

/// The pool's custom-authentication function: two questions, [`CUSTOM_ANSWER`] then
/// [`SECOND_CUSTOM_ANSWER`]; any other answer fails.
fn custom_function() -> CustomAuth {
    let question = |text: &str| {
        CustomStep::Challenge(BTreeMap::from([("question".to_owned(), text.to_owned())]))
    };
    Box::new(move |_user: &str, answers: &[String]| match answers {
        [] => question("What flies at midnight?"),
        [first] if first == CUSTOM_ANSWER => question("And at dawn?"),
        [first, second] if first == CUSTOM_ANSWER && second == SECOND_CUSTOM_ANSWER => {
            CustomStep::Succeed
        }
        _ => CustomStep::Fail,
    })
}

/// Send `request` to the pool, which must answer with a question.
fn custom_challenge<R: TryCryptoRng>(
    pool: &mut UserPool<RecordingRng<'_>>,
    sign_in: &mut SignIn<R>,
    transport: &mut Transport<'_>,
    request: Request,
) -> Result<Step, String> {
    send(pool, sign_in, transport, request)?.map_err(fail("CUSTOM_CHALLENGE"))
}

/// o. `Flow::CustomAuth` (no password) against the pool's `with_custom_auth` function, which
/// sees every answer: (a) a wrong answer, refused; (b) two right answers, then tokens.
fn custom_auth() -> Result<(), String> {
    let client_rng = Recorder::new(Role::Client, 0x5eed_9001);
    let pool_rng = Recorder::new(Role::Server, 0x5eed_9002);
    let mut transport = Transport::new(&client_rng, &pool_rng, PASSWORD);
    transport.refusal = Some(INCORRECT);
    secrets::text("user password", 1, PASSWORD)?;
    secrets::text("client secret", 1, CLIENT_SECRET)?;
    secrets::text("custom answer", 1, CUSTOM_ANSWER)?;
    secrets::text("custom answer", 2, SECOND_CUSTOM_ANSWER)?;
    secrets::text("wrong custom answer", 1, WRONG_CUSTOM_ANSWER)?;
    armed(|| -> Result<(), String> {
        let mut pool = pool_with_user(&pool_rng)?.with_custom_auth(custom_function());
        let pool = &mut pool;
        let transport = &mut transport;

        // (a) A wrong answer.
        let mut sign_in = sign_in_without_password(&client_rng, EMAIL, Flow::CustomAuth)?;
        let request = expect_request(sign_in.start().map_err(fail("start"))?)?;
        let step = custom_challenge(pool, &mut sign_in, transport, request)?;
        let step = answer_custom_challenge(&mut sign_in, step, WRONG_CUSTOM_ANSWER)?;
        let refusal = send(pool, &mut sign_in, transport, expect_request(step)?)?;
        expect_refused(refusal, ServiceErrorKind::NotAuthorized)?;
        drop(sign_in);

        // (b) Two right answers.
        let mut sign_in = sign_in_without_password(&client_rng, EMAIL, Flow::CustomAuth)?;
        let request = expect_request(sign_in.start().map_err(fail("start"))?)?;
        let step = custom_challenge(pool, &mut sign_in, transport, request)?;
        let step = answer_custom_challenge(&mut sign_in, step, CUSTOM_ANSWER)?;
        let step = custom_challenge(pool, &mut sign_in, transport, expect_request(step)?)?;
        let step = answer_custom_challenge(&mut sign_in, step, SECOND_CUSTOM_ANSWER)?;
        pool_rng.expect_refresh_token();
        let done = run_to_end(pool, &mut sign_in, transport, step)?;
        check_refresh_token(pool, &pool_rng)?;
        drop((done, sign_in));
        Ok(())
    })?;
    transport.check_flow(
        "CUSTOM_CHALLENGE → NotAuthorizedException: Incorrect username or password. → \
         CUSTOM_CHALLENGE → CUSTOM_CHALLENGE",
    )?;
    client_rng.error()?;
    pool_rng.error()
}

/// p. `REFRESH_TOKEN_AUTH`: a sign-in that gets a new device and a refresh token (a bearer
/// value, recorded as it is drawn), the caller's copy of it in a wiping `String`,
/// `SignedIn::refresh_token_auth` → `Request::initiate_auth` → `UserPool::handle` (new tokens),
/// then the same token without the device it is bound to (`AuthParameters::refresh_token_auth`
/// with no `DEVICE_KEY`), refused.
fn refresh() -> Result<(), String> {
    let client_rng = Recorder::new(Role::Client, 0x5eed_0a01);
    let pool_rng = Recorder::new(Role::Server, 0x5eed_0a02);
    let mut transport = Transport::new(&client_rng, &pool_rng, PASSWORD);
    secrets::text("user password", 1, PASSWORD)?;
    secrets::text("client secret", 1, CLIENT_SECRET)?;
    armed(|| -> Result<(), String> {
        let mut pool = pool_with_user(&pool_rng)?;
        pool_rng.expect_refresh_token();
        let done = drive(
            &mut pool,
            new_sign_in(&client_rng, EMAIL, PASSWORD)?,
            &mut transport,
        )?;
        check_refresh_token(&pool, &pool_rng)?;
        let token = Zeroizing::new(String::from(
            pool.refresh_token(USER_ID).ok_or("no refresh token")?,
        ));
        let client = app_client()?;

        let parameters = done.refresh_token_auth(&client, &token);
        let request = Request::initiate_auth(RequestContext::new(CLIENT_ID), parameters);
        match pool.handle(&request, now()) {
            ServerAnswer::Authenticated {
                access_token: Some(_),
                ..
            } => {}
            other => return Err(format!("the refresh got no tokens: {other:?}")),
        }
        drop(request);

        let parameters = AuthParameters::refresh_token_auth(&client, &done.username, &token, None);
        let request = Request::initiate_auth(RequestContext::new(CLIENT_ID), parameters);
        match pool.handle(&request, now()) {
            ServerAnswer::Error { message, .. } if message == "Invalid Refresh Token" => {}
            other => {
                return Err(format!(
                    "a refresh without the token's device was not refused: {other:?}"
                ));
            }
        }
        drop((request, token, client, done, pool));
        Ok(())
    })?;
    transport.check_flow("PASSWORD_VERIFIER")?;
    client_rng.error()?;
    pool_rng.error()
}

/// The claims of the tokens the pool issues to `username` through the app client, now.
fn token_claims(username: &'static str) -> TokenClaims {
    TokenClaims {
        pool_id: POOL_ID,
        client_id: CLIENT_ID,
        username,
        time: now().timestamp(),
    }
}

/// `handle_json` as a careful caller uses it: `body` (the caller's buffer, built disarmed) is
/// wiped once the pool has answered, the answer is read (disarmed; its tokens checked against
/// the ones recorded) and its body, the caller's too (tokens, sessions), wiped.
fn post_json(
    pool: &mut UserPool<RecordingRng<'_>>,
    pool_rng: &Recorder,
    operation: &str,
    mut body: Vec<u8>,
) -> Result<ServerAnswer, String> {
    let mut answer = pool.handle_json(operation, &body, now());
    body.zeroize();
    drop(body);
    let typed = json::read_answer(&answer, pool_rng);
    answer.body.zeroize();
    drop(answer);
    typed
}

/// [`send`] through the pool's JSON API: `request` written as the JSON body an SDK sends,
/// the answer read back as an SDK reads it and fed to the machine.
fn send_json<R: TryCryptoRng>(
    pool: &mut UserPool<RecordingRng<'_>>,
    sign_in: &mut SignIn<R>,
    transport: &mut Transport<'_>,
    request: Request,
) -> Result<cognito_srp_auth::Result<Step>, String> {
    scanner::disarmed(|| transport.outgoing(&request))?;
    let (operation, body) = json::body_of(&request);
    drop(request);
    let answer = post_json(pool, transport.server, operation, body)?;
    transport.deliver(sign_in, answer)
}

/// One `USER_PASSWORD_AUTH` body of `json-password`.
struct PlainCase {
    /// `USERNAME` (`SECRET_HASH` is over it).
    name: &'static str,
    /// The internal name of the user it names.
    identity: &'static str,
    /// The password sent.
    password: &'static str,
    /// The password as the body writes it (escaped).
    written: &'static str,
    /// Whether it is the user's (tokens), or a wrong one (refused).
    right: bool,
}

/// q. `USER_PASSWORD_AUTH` through `UserPool::handle_json`: `InitiateAuth` bodies written by
/// hand with the password in `AuthParameters.PASSWORD` and `SECRET_HASH`: (a) the user by its
/// alias, tokens; (b) a second user whose password the body escapes (`\"`, `\\`, `\u00e9`, …:
/// `serde_json` unescapes it in its scratch buffer), tokens; (c) a wrong password with an escape,
/// refused. The caller's body and the answer's body are wiped by the harness; the tokens are
/// registered as the pool draws them.
fn json_password() -> Result<(), String> {
    let pool_rng = Recorder::new(Role::Server, 0x5eed_0b02);
    secrets::text("user password", 1, PASSWORD)?;
    secrets::text("user password", 2, QUOTED_PASSWORD)?;
    secrets::form(
        "user password",
        2,
        "JSON string text",
        QUOTED_PASSWORD_JSON.as_bytes(),
    )?;
    secrets::text("wrong password", 1, WRONG_PASSWORD)?;
    secrets::form(
        "wrong password",
        1,
        "JSON string text",
        WRONG_PASSWORD_JSON.as_bytes(),
    )?;
    secrets::text("client secret", 1, CLIENT_SECRET)?;
    armed(|| -> Result<(), String> {
        let mut pool = pool_with_user(&pool_rng)?;
        let user_salt = pool_rng.user_salt_enc()?;
        let hash =
            scanner::disarmed(|| oracle::secret_hash(QUOTED_EMAIL, CLIENT_ID, CLIENT_SECRET));
        secrets::form("SECRET_HASH", 4, "base64 text", hash.as_bytes())?;
        scanner::disarmed(|| drop(hash));
        pool_rng.expect_user(pool_name(), QUOTED_USER_ID, QUOTED_PASSWORD);
        pool.add_user(
            QUOTED_USER_ID,
            &Password::from(QUOTED_PASSWORD),
            &[QUOTED_EMAIL],
        )
        .map_err(fail("add_user"))?;
        let quoted_salt = pool_rng.user_salt_enc()?;
        let cases = [
            PlainCase {
                name: EMAIL,
                identity: USER_ID,
                password: PASSWORD,
                written: PASSWORD,
                right: true,
            },
            PlainCase {
                name: QUOTED_EMAIL,
                identity: QUOTED_USER_ID,
                password: QUOTED_PASSWORD,
                written: QUOTED_PASSWORD_JSON,
                right: true,
            },
            PlainCase {
                name: USER_ID,
                identity: USER_ID,
                password: WRONG_PASSWORD,
                written: WRONG_PASSWORD_JSON,
                right: false,
            },
        ];
        for (instance, case) in (3..).zip(cases) {
            let PlainCase {
                name,
                identity,
                password,
                written,
                right,
            } = case;
            let salt = if identity == QUOTED_USER_ID {
                &quoted_salt
            } else {
                &user_salt
            };
            // What the pool derives to check the password (for a right one, the user's own
            // `x` and `v`, registered when the user was added); the harness's `v` is dropped
            // disarmed.
            scanner::disarmed(|| {
                secrets::verifier(Kind::User, instance, pool_name(), identity, password, salt)
                    .map(drop)
            })?;
            let body = scanner::disarmed(|| {
                let hash = oracle::secret_hash(name, CLIENT_ID, CLIENT_SECRET);
                format!(
                    r#"{{"ClientId":"{CLIENT_ID}","AuthFlow":"USER_PASSWORD_AUTH","AuthParameters":{{"USERNAME":"{name}","PASSWORD":"{written}","SECRET_HASH":"{hash}"}}}}"#
                )
                .into_bytes()
            });
            if right {
                pool_rng.expect_tokens(token_claims(identity));
            }
            let answer = post_json(&mut pool, &pool_rng, "InitiateAuth", body)?;
            scanner::disarmed(|| match answer {
                ServerAnswer::Authenticated {
                    new_device_metadata: Some(_),
                    access_token: Some(_),
                } if right => pool_rng.check_refresh_token(pool.refresh_token(identity)),
                ServerAnswer::Error { code, message }
                    if !right && code == "NotAuthorizedException" && message == INCORRECT =>
                {
                    Ok(())
                }
                other => Err(format!("{name}: unexpected answer {other:?}")),
            })?;
        }
        drop((user_salt, quoted_salt, pool));
        Ok(())
    })?;
    pool_rng.error()
}

/// r. A whole SRP sign-in through `UserPool::handle_json`: a `SignIn` with a client secret,
/// by the alias, each request written as the JSON body an SDK sends and each answer read back
/// as an SDK reads it (as `tests/api/server_json.rs` does): `USER_SRP_AUTH`,
/// `PASSWORD_VERIFIER` (the claim's secrets registered as the transport sees its challenge),
/// tokens (registered as the pool draws them) and a new device. The request bodies and the
/// answers' bodies are wiped by the harness.
fn json_sign_in() -> Result<(), String> {
    let client_rng = Recorder::new(Role::Client, 0x5eed_0c01);
    let pool_rng = Recorder::new(Role::Server, 0x5eed_0c02);
    let mut transport = Transport::new(&client_rng, &pool_rng, PASSWORD);
    secrets::text("user password", 1, PASSWORD)?;
    secrets::text("client secret", 1, CLIENT_SECRET)?;
    armed(|| -> Result<(), String> {
        let mut pool = pool_with_user(&pool_rng)?;
        let mut sign_in = new_sign_in(&client_rng, EMAIL, PASSWORD)?;
        let request = expect_request(sign_in.start().map_err(fail("start"))?)?;
        let step = send_json(&mut pool, &mut sign_in, &mut transport, request)?
            .map_err(fail("USER_SRP_AUTH"))?;
        let claim = expect_request(step)?;
        pool_rng.expect_tokens(token_claims(USER_ID));
        let done = match send_json(&mut pool, &mut sign_in, &mut transport, claim)? {
            Ok(Step::Done(done)) => done,
            other => return Err(format!("the claim did not end the sign-in: {other:?}")),
        };
        check_refresh_token(&pool, &pool_rng)?;
        let new_device = done.new_device.as_ref().ok_or("no NewDeviceMetadata")?;
        client_rng.check_device_config(
            new_device.config.salt(),
            new_device.config.password_verifier(),
        )?;
        drop((done, sign_in, pool));
        Ok(())
    })?;
    transport.check_flow("PASSWORD_VERIFIER")?;
    client_rng.error()?;
    pool_rng.error()
}
