//! The `check` scenarios. Each registers the secrets it knows up front, arms the scanner
//! around the library calls *and* the drops of everything the library returned, and plays the
//! transport: it reads the public challenge parameters as they pass and registers the derived
//! secrets (`x`, `v`, `S`, the session key, …) with the scanner disarmed, before the library
//! computes them, then re-arms.
//!
//! Every derived value is checked against the library's public outputs (`SRP_A = g^a`,
//! `SRP_B = k·v + g^b`, the claim's signature, a new device's verifier text), so the patterns
//! searched for are known to be the secrets the library really holds.

use std::collections::{BTreeMap, HashMap};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, TimeZone as _, Utc};
use cognito_srp_auth::rand_core::TryCryptoRng;
use cognito_srp_auth::server::{
    DeviceVerifier, ServerSrp, UserPool, UserPoolConfig, UserVerifier, verify_secret_hash,
};
use cognito_srp_auth::{
    Answer, Challenge, ChallengeResponses, ClientSecret, DevicePasswordVerifierChallenge,
    DeviceSecretVerifierConfig, EphemeralKey, Error, Password, PasswordVerifierChallenge, Question,
    RememberedDevice, Request, ServerAnswer, ServiceErrorKind, SignIn, SignedIn, Step, Timestamp,
    UserPoolClient, challenge_name, param,
};
use num_bigint::BigUint;
use zeroize::{Zeroize as _, Zeroizing};

use crate::oracle;
use crate::rng::{Recorder, RecordingRng, Role};
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
/// A device password with a space in it: `RememberedDevice::new` refuses it.
const SPACED_DEVICE_PASSWORD: &str = "c3BhY2Ug aW4gdGhlIGRldmljZSBwYXNzd29yZA==";
/// The pool's answer to a claim with a device it does not know (any more).
const NO_DEVICE: &str = "Device does not exist.";
/// The pool's answer to a claim that does not verify, or from a name it does not know.
const INCORRECT: &str = "Incorrect username or password.";

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
            let a = client_rng.last_ephemeral();
            secrets::check_srp_a(&a, key.srp_a())?;
            let expected = secrets::exchange(&Exchange {
                instance: 1,
                kind: Kind::User,
                a: &a,
                b: &server_rng.last_ephemeral(),
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
                let username = r
                    .auth_parameters
                    .get(param::USERNAME)
                    .ok_or("no USERNAME")?;
                if username != USER_ID && username != EMAIL {
                    // The pool answers a name it does not know with a fake verifier derived
                    // from its key: registered before the pool derives it.
                    let key = self.server.pool_key()?;
                    secrets::fake_verifier(self.exchanges + 1, &key, username)?;
                }
                let srp_a = r.auth_parameters.get(param::SRP_A).ok_or("no SRP_A")?;
                secrets::check_srp_a(&self.client.last_ephemeral(), srp_a)
            }
            Request::RespondToAuthChallenge(r) => {
                let responses = &r.challenge_responses;
                match responses.challenge_name() {
                    challenge_name::DEVICE_SRP_AUTH => {
                        let srp_a = responses.get(param::SRP_A).ok_or("no SRP_A")?;
                        secrets::check_srp_a(&self.client.last_ephemeral(), srp_a)
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
                let a = self.client.last_ephemeral();
                let b = self.server.last_ephemeral();
                let timestamp = Timestamp::from(now());
                let expected = match c.name.as_str() {
                    challenge_name::PASSWORD_VERIFIER => {
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
    let mut step = sign_in.start().map_err(fail("start"))?;
    loop {
        step = match step {
            Step::Send(request) => {
                send(pool, &mut sign_in, transport, request)?.map_err(fail("sign-in"))?
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
            let a = client_rng.last_ephemeral();
            secrets::check_srp_a(&a, key.srp_a())?;
            let expected = device_rng.with_device_password(|password| {
                secrets::exchange(&Exchange {
                    instance: 1,
                    kind: Kind::Device,
                    a: &a,
                    b: &server_rng.last_ephemeral(),
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
            let a = client_rng.last_ephemeral();
            secrets::check_srp_a(&a, key.srp_a())?;
            let expected = secrets::exchange(&Exchange {
                instance: 2,
                kind: Kind::User,
                a: &a,
                b: &server_rng.last_ephemeral(),
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
