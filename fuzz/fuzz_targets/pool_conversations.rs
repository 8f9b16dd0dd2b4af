//! Several concurrent `SignIn`s against one offline `server::UserPool`, with a fuzzed network
//! between them: requests are delivered, mutated (sessions swapped, claim values transplanted
//! from another sign-in, `USERNAME` / `SECRET_HASH` / `DEVICE_KEY` / context changed), injected
//! or replayed, and the pool's clock jumps. Oracle: every `Authenticated` answers a
//! `PASSWORD_VERIFIER` or `DEVICE_PASSWORD_VERIFIER` whose `PASSWORD_CLAIM_SIGNATURE` a `SignIn`
//! produced for the very user (and device) the request names (by internal name or alias) while
//! holding that user's password (that device's password), and no signature is ever
//! authenticated twice. No wrong password, no unknown user, no bogus device, no replay. Every
//! `SignIn` call gives a step or a documented error.
//!
//! Input (bytes):
//!
//! - `flags`: bit 0 = the pool's app client has a secret; bits 1-2 = number of sign-in slots - 1.
//! - `seed`: seeds the deterministic RNGs of the pool, the sign-ins and the harness.
//! - per slot, `who` and `device`:
//!   - `who` bits 0-1 = the name typed: user 0's internal name, user 1's, user 0's email
//!     alias, an unknown name; bits 2-3 = the password: 0 and 3 right (user 0's for the unknown
//!     name), 1 wrong, 2 the other user's; bit 4 = wrong client secret (a secret even when the
//!     pool has none); bit 5 = `Admin…` operations; bit 6 = do not `ConfirmDevice` the new
//!     device of a successful sign-in.
//!   - `device` bits 0-2 = the remembered device: 0 and 7 none, 1-4 = device 0-3 of this run
//!     (devices are numbered in the order the pool issued them, confirmed or not; a device not
//!     yet issued when the sign-in starts means none), 5 = an unknown device key, 6 = device 0's
//!     key with a wrong device password.
//!
//!   Sign-ins start lazily (at their first `step`), so they can use a device issued earlier in
//!   the same run.
//! - then at most 64 ops; `op >> 2` (mod 5) is the kind, `op & 3` the slot `i`:
//!   - `0x00 | i` step: start slot `i` (again, with its spec, once finished; at most 8 sign-ins
//!     in all), deliver its outstanding request unmodified, or answer its pending question.
//!   - `0x04 | i`, `m` deliver slot `i`'s request mutated: `m & 7` = what, `(m >> 3) & 3` = the
//!     other slot `j`, `(m >> 5) & 3` = variant, bit 7 = inject (send a mutated copy, discard the
//!     answer, keep the original outstanding). What: 0 `Session` := `j`'s last session; 1 one
//!     value := the same key's in `j`'s last request ([`PASSWORD_CLAIM_SIGNATURE`,
//!     `PASSWORD_CLAIM_SECRET_BLOCK`, `TIMESTAMP`, `SRP_A`][variant]); 2 `USERNAME` := [user 0,
//!     user 1, alias, unknown][variant]; 3 `SECRET_HASH` := [right secret, wrong secret, right
//!     secret over the typed name, absent][variant]; 4 `DEVICE_KEY` := [`j`'s device, unknown,
//!     absent, device 0][variant]; 5 drop [signature, `TIMESTAMP`, secret block,
//!     `Session`][variant]; 6 context: [other `ClientId`, admin, other `UserPoolId`, not
//!     admin][variant]; 7 transplant `j`'s claim (secret block, signature, `TIMESTAMP`), with
//!     `j`'s session when variant bit 0, and `j`'s `USERNAME`, `SECRET_HASH` and `DEVICE_KEY`
//!     when bit 1 (both bits: `j`'s request relayed through `i`'s). An `InitiateAuth` takes
//!     only 1 with variant 3 (a fresh `SRP_A`), 2, 3 (variant 2 as 0), 4 and 6, the rest leave
//!     it as it is; its `AuthParameters` are then rebuilt (with the pool's client secret, but
//!     for 3) by the public constructor around a harness ephemeral. `ChallengeResponses` are
//!     rebuilt through `Responder::other`, keeping every other value (requests are not
//!     `Clone`, and only the `SignIn` builds them).
//!   - `0x08`, `r` replay the recorded request `(r & 0x7f)` from the end (0 = the last one
//!     sent, delivered or mutated; injected copies are not recorded), the very same `Request`
//!     sent again by reference; bit 7 of `r`: feed the answer to the sign-in that sent it, when
//!     it still waits for an answer (its outstanding request is then dropped).
//!   - `0x0c | a` advance the pool's clock (the sign-ins' too) by [1 s, 60 s, 400 s,
//!     30 days][a].
//!   - `0x10 | d` `ForgetDevice` device `d`.
//!
//! Set `POOL_CONVERSATIONS_TRACE=1` to print each conversation.
#![no_main]

use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use cognito_srp_auth::rand_core::TryRng as _;
use cognito_srp_auth::server::{UserPool, UserPoolConfig};
use cognito_srp_auth::{
    Answer, AuthParameters, ChallengeResponses, ClientSecret, EphemeralKey, Error, Password,
    RememberedDevice, Request, RequestContext, Responder, ServerAnswer, SignIn, Step, Timestamp,
    UserPoolClient, challenge_name, param, secret_hash,
};
use cognito_srp_auth_fuzz::{CounterRng, documented};
use libfuzzer_sys::fuzz_target;

const POOL_ID: &str = "us-east-1_Conversations";
const CLIENT_ID: &str = "conversations-client";
const CLIENT_SECRET: &str = "conversations-client-secret";
const WRONG_SECRET: &str = "not-the-client-secret";
/// `(internal name, password)`; user 0 also signs in as `ALIAS`.
const USERS: [(&str, &str); 2] = [
    ("0c0ffee0-0000-4000-8000-000000000000", "Correct-Horse-0"),
    ("1c0ffee1-1111-4111-8111-111111111111", "Battery-Staple-1"),
];
const ALIAS: &str = "zero@example.com";
const UNKNOWN: &str = "nobody@example.com";
const WRONG_PASSWORD: &str = "wrong-password";
const BOGUS_DEVICE_KEY: &str = "us-east-1_00000000-dead-4bad-8bad-000000000000";
const BOGUS_GROUP_KEY: &str = "-bogus";
const BOGUS_DEVICE_PASSWORD: &str = "Ym9ndXMtZGV2aWNlLXBhc3N3b3Jk";
const START: i64 = 1_800_000_000;
const CLOCK_STEPS: [i64; 4] = [1, 60, 400, 30 * 86_400];
const MAX_OPS: usize = 64;
const MAX_SIGN_INS: usize = 8;
const MAX_DEVICES: usize = 4;

const SIG: &str = param::PASSWORD_CLAIM_SIGNATURE;
const BLOCK: &str = param::PASSWORD_CLAIM_SECRET_BLOCK;

fn trace() -> bool {
    static TRACE: OnceLock<bool> = OnceLock::new();
    *TRACE.get_or_init(|| std::env::var_os("POOL_CONVERSATIONS_TRACE").is_some())
}

macro_rules! trace {
    ($($arg:tt)*) => {
        if trace() {
            eprintln!($($arg)*);
        }
    };
}

/// What a slot's sign-ins are: fixed by the input's setup bytes.
#[derive(Clone, Copy, Debug)]
struct Spec {
    typed: &'static str,
    password: &'static str,
    wrong_secret: bool,
    admin: bool,
    confirm: bool,
    device: u8,
}

impl Spec {
    fn parse(who: u8, device: u8) -> Self {
        let (typed, user) = match who & 3 {
            0 => (USERS[0].0, 0),
            1 => (USERS[1].0, 1),
            2 => (ALIAS, 0),
            _ => (UNKNOWN, 0),
        };
        let password = match (who >> 2) & 3 {
            1 => WRONG_PASSWORD,
            2 => USERS[1 - user].1,
            _ => USERS[user].1,
        };
        Self {
            typed,
            password,
            wrong_secret: who & 0x10 != 0,
            admin: who & 0x20 != 0,
            confirm: who & 0x40 == 0,
            device: device & 7,
        }
    }
}

/// Where a slot's current sign-in is.
enum Pending {
    NotStarted,
    Send(Box<Request>),
    Ask,
    Over,
}

struct Slot {
    spec: Spec,
    sign_in: Option<SignIn<CounterRng>>,
    /// Number of the current sign-in (over all slots), for recorded requests.
    instance: usize,
    pending: Pending,
    /// `(device key, device password)` of the current sign-in's remembered device.
    device: Option<(String, String)>,
    /// The `Session` of the last challenge this slot received.
    last_session: Option<String>,
}

/// A claim a `SignIn` produced, as it produced it.
struct Claim {
    instance: usize,
    challenge: String,
    username: String,
    device_key: Option<String>,
    password: &'static str,
    device_password: Option<String>,
}

/// A device the pool issued in this run (`NewDeviceMetadata` of a successful sign-in).
struct Device {
    key: String,
    group: String,
    /// The user it was issued to (`SignedIn::username`), if one of ours.
    user: Option<usize>,
    password: String,
    confirmed: bool,
}

struct Harness {
    pool: UserPool<CounterRng>,
    pool_secret: bool,
    slots: Vec<Slot>,
    seeds: CounterRng,
    rng: CounterRng,
    sign_ins: usize,
    /// Every request sent: `(slot, instance, request)`.
    recorded: Vec<(usize, usize, Request)>,
    claims: BTreeMap<String, Claim>,
    authenticated: HashSet<String>,
    devices: Vec<Device>,
    clock: i64,
    /// Authenticated `PASSWORD_VERIFIER`s and `DEVICE_PASSWORD_VERIFIER`s.
    wins: [usize; 2],
}

fn pairs_of(request: &Request) -> Vec<(String, String)> {
    let pairs: Vec<(&str, &str)> = match request {
        Request::InitiateAuth(r) => r.auth_parameters.iter().collect(),
        Request::RespondToAuthChallenge(r) => r.challenge_responses.iter().collect(),
    };
    pairs
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn get<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// Set (or, with `None`, remove) one key, keeping the order of the others.
fn set(pairs: &mut Vec<(String, String)>, key: &str, value: Option<String>) {
    match (pairs.iter().position(|(k, _)| k == key), value) {
        (Some(i), Some(v)) => pairs[i].1 = v,
        (Some(i), None) => {
            pairs.remove(i);
        }
        (None, Some(v)) => pairs.push((key.to_owned(), v)),
        (None, None) => {}
    }
}

/// `ChallengeResponses` with exactly these pairs (`USERNAME` first, empty when absent), through
/// the public `Responder::other` of a client without a secret and without a device.
fn rebuild(challenge: &str, pairs: &[(String, String)]) -> ChallengeResponses {
    let client = UserPoolClient::new(POOL_ID, CLIENT_ID).unwrap_or_else(|_| unreachable!());
    let username = get(pairs, param::USERNAME).unwrap_or_default();
    let refs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    Responder::new(&client, username).other(challenge, &refs)
}

/// The user a name signs in as: an internal name, or user 0's alias.
fn user_of(name: &str) -> Option<usize> {
    if name == ALIAS {
        return Some(0);
    }
    USERS.iter().position(|u| u.0 == name)
}

fn right_hash(username: &str) -> String {
    secret_hash(username, CLIENT_ID, &ClientSecret::from(CLIENT_SECRET))
}

fn now(clock: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(START + clock, 0).unwrap_or_default()
}

fn describe(request: &Request) -> String {
    let pairs = pairs_of(request);
    let short = |k: &str| {
        get(&pairs, k).map(|v| {
            let head: String = v.chars().take(12).collect();
            format!(" {k}={head}")
        })
    };
    let keys = [param::USERNAME, param::DEVICE_KEY, SIG];
    let fields: String = keys.iter().filter_map(|k| short(k)).collect();
    match request {
        Request::InitiateAuth(r) => format!("{}{fields}", r.auth_parameters.auth_flow()),
        Request::RespondToAuthChallenge(r) => format!(
            "{}{fields}{}",
            r.challenge_responses.challenge_name(),
            if r.session.is_some() { " +session" } else { "" }
        ),
    }
}

fn describe_answer(answer: &ServerAnswer) -> String {
    match answer {
        ServerAnswer::Challenge(c) => format!("challenge {}", c.name),
        ServerAnswer::Authenticated {
            new_device_metadata,
            ..
        } => format!(
            "AUTHENTICATED{}",
            if new_device_metadata.is_some() {
                " (new device)"
            } else {
                ""
            }
        ),
        ServerAnswer::Error { code, message } => format!("{code}: {message}"),
        other => format!("{other:?}"),
    }
}

impl Harness {
    fn new(data: &[u8]) -> (Self, &[u8]) {
        let byte = |i: usize| data.get(i).copied().unwrap_or(0);
        let flags = byte(0);
        let pool_secret = flags & 1 != 0;
        let slots = usize::from((flags >> 1) & 3) + 1;
        let mut seeds = CounterRng(u64::from(byte(1)) | 0x00c0_ffee_0000_0000);
        let mut next = || seeds.try_next_u64().unwrap_or_default();
        let (pool_seed, rng_seed) = (next(), next());
        let config = UserPoolConfig::new(
            POOL_ID,
            CLIENT_ID,
            pool_secret.then(|| ClientSecret::from(CLIENT_SECRET)),
        );
        let mut pool =
            UserPool::new(config, CounterRng(pool_seed)).unwrap_or_else(|_| unreachable!());
        pool.add_user(USERS[0].0, &Password::from(USERS[0].1), &[ALIAS])
            .unwrap_or_else(|_| unreachable!());
        pool.add_user(USERS[1].0, &Password::from(USERS[1].1), &[])
            .unwrap_or_else(|_| unreachable!());
        let slots = (0..slots)
            .map(|i| Slot {
                spec: Spec::parse(byte(2 + 2 * i), byte(3 + 2 * i)),
                sign_in: None,
                instance: usize::MAX,
                pending: Pending::NotStarted,
                device: None,
                last_session: None,
            })
            .collect::<Vec<_>>();
        let ops = data.get(2 + 2 * slots.len()..).unwrap_or_default();
        trace!(
            "setup: client secret {pool_secret}, {} slots: {:?}",
            slots.len(),
            slots.iter().map(|s| s.spec).collect::<Vec<_>>()
        );
        let harness = Self {
            pool,
            pool_secret,
            slots,
            seeds,
            rng: CounterRng(rng_seed),
            sign_ins: 0,
            recorded: Vec::new(),
            claims: BTreeMap::new(),
            authenticated: HashSet::new(),
            devices: Vec::new(),
            clock: 0,
            wins: [0; 2],
        };
        (harness, ops)
    }

    fn timestamp(&self) -> Timestamp {
        Timestamp::from(now(self.clock))
    }

    fn run(&mut self, ops: &[u8]) {
        let mut ops = ops.iter().copied();
        for _ in 0..MAX_OPS {
            let Some(op) = ops.next() else { break };
            let i = usize::from(op & 3) % self.slots.len();
            match (op >> 2) % 5 {
                0 => self.step(i),
                1 => {
                    let m = ops.next().unwrap_or(0);
                    self.deliver_mutated(i, m);
                }
                2 => {
                    let r = ops.next().unwrap_or(0);
                    self.replay(usize::from(r & 0x7f), r & 0x80 != 0);
                }
                3 => {
                    self.clock += CLOCK_STEPS[usize::from(op & 3)];
                    trace!("clock +{} s", CLOCK_STEPS[usize::from(op & 3)]);
                }
                _ => {
                    if let Some(device) = self.devices.get(usize::from(op & 3)) {
                        trace!("forget device {}", op & 3);
                        self.pool.forget_device(&device.key);
                    }
                }
            }
        }
        trace!(
            "summary: {} PASSWORD_VERIFIER and {} DEVICE_PASSWORD_VERIFIER authenticated, {} devices issued ({} confirmed), {} sign-ins, {} requests sent",
            self.wins[0],
            self.wins[1],
            self.devices.len(),
            self.devices.iter().filter(|d| d.confirmed).count(),
            self.sign_ins,
            self.recorded.len()
        );
    }

    /// Start, deliver unmodified, answer, or restart.
    fn step(&mut self, i: usize) {
        match core::mem::replace(&mut self.slots[i].pending, Pending::Over) {
            Pending::Send(request) => self.deliver(i, *request),
            Pending::Ask => {
                trace!("[{i}] answers its question");
                let result = match self.slots[i].sign_in.as_mut() {
                    Some(sign_in) => sign_in.answer(Answer::Code(String::from("123456"))),
                    None => return,
                };
                self.absorb(i, result);
            }
            Pending::NotStarted | Pending::Over => self.start(i),
        }
    }

    fn resolve_device(&self, spec: Spec) -> Option<(String, String, String)> {
        match spec.device {
            d @ 1..=4 => self
                .devices
                .get(usize::from(d - 1))
                .map(|d| (d.key.clone(), d.group.clone(), d.password.clone())),
            5 => Some((
                BOGUS_DEVICE_KEY.to_owned(),
                BOGUS_GROUP_KEY.to_owned(),
                BOGUS_DEVICE_PASSWORD.to_owned(),
            )),
            6 => self.devices.first().map(|d| {
                (
                    d.key.clone(),
                    d.group.clone(),
                    BOGUS_DEVICE_PASSWORD.to_owned(),
                )
            }),
            _ => None,
        }
    }

    fn start(&mut self, i: usize) {
        if self.sign_ins >= MAX_SIGN_INS {
            return;
        }
        let spec = self.slots[i].spec;
        let mut client = UserPoolClient::new(POOL_ID, CLIENT_ID).unwrap_or_else(|_| unreachable!());
        if spec.wrong_secret {
            client = client.with_client_secret(ClientSecret::from(WRONG_SECRET));
        } else if self.pool_secret {
            client = client.with_client_secret(ClientSecret::from(CLIENT_SECRET));
        }
        let seed = self.seeds.try_next_u64().unwrap_or_default();
        let mut sign_in = SignIn::with_rng(
            client,
            spec.typed,
            Password::from(spec.password),
            CounterRng(seed),
        );
        let device = self.resolve_device(spec);
        if let Some((key, group, password)) = &device {
            let device = RememberedDevice::new(key, group, Password::from(password.as_str()))
                .unwrap_or_else(|e| panic!("a device of the pool is malformed: {e:?}"));
            sign_in = sign_in.with_device(device);
        }
        if spec.admin {
            sign_in = sign_in.admin();
        }
        trace!(
            "[{i}] sign-in #{} starts: {} with {}, device {:?}",
            self.sign_ins,
            spec.typed,
            spec.password,
            device.as_ref().map(|d| &d.0)
        );
        let slot = &mut self.slots[i];
        slot.instance = self.sign_ins;
        slot.device = device.map(|(key, _, password)| (key, password));
        slot.last_session = None;
        self.sign_ins += 1;
        let result = sign_in.start();
        slot.sign_in = Some(sign_in);
        self.absorb(i, result);
    }

    /// Take a `SignIn` result: record its claim, its question, its end.
    fn absorb(&mut self, i: usize, result: Result<Step, Error>) {
        let slot = &mut self.slots[i];
        match result {
            Ok(Step::Send(request)) => {
                trace!("[{i}] -> {}", describe(&request));
                if let Request::RespondToAuthChallenge(r) = &request {
                    let responses = &r.challenge_responses;
                    if let Some(signature) = responses.get(SIG) {
                        self.claims
                            .entry(signature.to_owned())
                            .or_insert_with(|| Claim {
                                instance: slot.instance,
                                challenge: responses.challenge_name().to_owned(),
                                username: responses
                                    .get(param::USERNAME)
                                    .unwrap_or_default()
                                    .to_owned(),
                                device_key: responses.get(param::DEVICE_KEY).map(str::to_owned),
                                password: slot.spec.password,
                                device_password: slot.device.as_ref().map(|d| d.1.clone()),
                            });
                    }
                }
                slot.pending = Pending::Send(Box::new(request));
            }
            Ok(Step::Ask(question)) => {
                trace!("[{i}] asks {question:?}");
                slot.pending = Pending::Ask;
            }
            Ok(Step::Done(signed_in)) => {
                trace!(
                    "[{i}] signed in as {} (new device: {})",
                    signed_in.username,
                    signed_in.new_device.is_some()
                );
                slot.pending = Pending::Over;
                let confirm = slot.spec.confirm;
                if let Some(new) = signed_in.new_device
                    && self.devices.len() < MAX_DEVICES
                {
                    let stored = new.device.to_storage_string();
                    let password = stored.rsplit(' ').next().unwrap_or_default().to_owned();
                    let key = new.device.device_key().to_owned();
                    let confirmed = confirm
                        && match self
                            .pool
                            .confirm_device(&signed_in.username, &key, &new.config)
                        {
                            Ok(()) => true,
                            Err(e) => {
                                assert!(documented(&e), "ConfirmDevice: {e:?}");
                                false
                            }
                        };
                    trace!(
                        "device {} issued: {key}, confirmed {confirmed}",
                        self.devices.len()
                    );
                    self.devices.push(Device {
                        key,
                        group: new.device.device_group_key().to_owned(),
                        user: USERS.iter().position(|u| u.0 == signed_in.username),
                        password,
                        confirmed,
                    });
                }
            }
            Err(e) => {
                trace!("[{i}] error {e:?}");
                assert!(documented(&e), "undocumented error {e:?}");
                slot.pending = Pending::Over;
            }
        }
    }

    /// Send one request to the pool and check the oracle on its answer.
    fn send(&mut self, request: &Request, who: &str) -> ServerAnswer {
        let answer = self.pool.handle(request, now(self.clock));
        trace!(
            "    {who}: {} => {}",
            describe(request),
            describe_answer(&answer)
        );
        if let ServerAnswer::Authenticated { .. } = answer {
            self.check_authenticated(request);
        }
        answer
    }

    /// The oracle.
    fn check_authenticated(&mut self, request: &Request) {
        let Request::RespondToAuthChallenge(r) = request else {
            panic!("an InitiateAuth was authenticated");
        };
        let responses = &r.challenge_responses;
        let name = responses.challenge_name();
        assert!(
            name == challenge_name::PASSWORD_VERIFIER
                || name == challenge_name::DEVICE_PASSWORD_VERIFIER,
            "authenticated on {name}"
        );
        let signature = responses
            .get(SIG)
            .unwrap_or_else(|| panic!("{name} authenticated without a signature"));
        let claim = self
            .claims
            .get(signature)
            .unwrap_or_else(|| panic!("{name} authenticated a signature no sign-in produced"));
        assert!(
            self.authenticated.insert(signature.to_owned()),
            "replay: {name} signature of sign-in #{} authenticated twice",
            claim.instance
        );
        assert_eq!(
            claim.challenge, name,
            "a {} signature authenticated a {name}",
            claim.challenge
        );
        // The request may name the user by alias (the pool accepts it, with `SECRET_HASH` over
        // that name).
        let username = responses.get(param::USERNAME).unwrap_or_default();
        let user = user_of(username)
            .unwrap_or_else(|| panic!("{name}: unknown user {username:?} authenticated"));
        assert_eq!(
            user_of(&claim.username),
            Some(user),
            "{name}: a claim for another user was authenticated"
        );
        if name == challenge_name::PASSWORD_VERIFIER {
            assert_eq!(
                claim.password, USERS[user].1,
                "PASSWORD_VERIFIER: a wrong password was authenticated (sign-in #{})",
                claim.instance
            );
        } else {
            let key = claim
                .device_key
                .as_deref()
                .unwrap_or_else(|| panic!("DEVICE_PASSWORD_VERIFIER claim without a device"));
            let device = self
                .devices
                .iter()
                .find(|d| d.key == key && d.confirmed)
                .unwrap_or_else(|| panic!("an unconfirmed or unknown device was authenticated"));
            assert_eq!(
                device.user,
                Some(user),
                "another user's device was authenticated"
            );
            assert_eq!(
                claim.device_password.as_deref(),
                Some(device.password.as_str()),
                "DEVICE_PASSWORD_VERIFIER: a wrong device password was authenticated (sign-in #{})",
                claim.instance
            );
            assert_eq!(
                responses.get(param::DEVICE_KEY),
                Some(key),
                "DEVICE_PASSWORD_VERIFIER authenticated a request naming another device"
            );
        }
        self.wins[usize::from(name != challenge_name::PASSWORD_VERIFIER)] += 1;
    }

    /// Feed the pool's answer to slot `i`'s sign-in.
    fn feed(&mut self, i: usize, answer: ServerAnswer) {
        if let ServerAnswer::Challenge(c) = &answer {
            self.slots[i].last_session = c.session.clone();
        }
        let timestamp = self.timestamp();
        let Some(sign_in) = self.slots[i].sign_in.as_mut() else {
            return;
        };
        let result = sign_in.handle(answer, &timestamp);
        self.absorb(i, result);
    }

    fn deliver(&mut self, i: usize, request: Request) {
        let answer = self.send(&request, &format!("[{i}] deliver"));
        let instance = self.slots[i].instance;
        self.recorded.push((i, instance, request));
        self.feed(i, answer);
    }

    fn replay(&mut self, back: usize, feed: bool) {
        let Some(index) = self
            .recorded
            .len()
            .checked_sub(1 + back % self.recorded.len().max(1))
        else {
            return;
        };
        // Move it out for the call (the pool takes `&Request`), then put it back.
        let (slot, instance, request) = self.recorded.remove(index);
        let answer = self.send(&request, &format!("replay #{index} of [{slot}]"));
        self.recorded.insert(index, (slot, instance, request));
        let owner = &self.slots[slot];
        if feed && owner.instance == instance && matches!(owner.pending, Pending::Send(_)) {
            self.slots[slot].pending = Pending::Over;
            self.feed(slot, answer);
        }
    }

    /// The pairs of slot `j`'s last request: the outstanding one, else the last one sent.
    fn donor_pairs(&self, j: usize) -> Vec<(String, String)> {
        if let Pending::Send(request) = &self.slots[j].pending {
            return pairs_of(request);
        }
        self.recorded
            .iter()
            .rev()
            .find(|(slot, _, _)| *slot == j)
            .map(|(_, _, request)| pairs_of(request))
            .unwrap_or_default()
    }

    fn deliver_mutated(&mut self, i: usize, m: u8) {
        if !matches!(self.slots[i].pending, Pending::Send(_)) {
            return;
        }
        let Pending::Send(mut request) =
            core::mem::replace(&mut self.slots[i].pending, Pending::Over)
        else {
            return;
        };
        let inject = m & 0x80 != 0;
        // Keep what a mutation replaces, to put it back after an injection.
        let saved = self.mutate(i, &mut request, m);
        let label = format!(
            "[{i}] {} {m:#04x}",
            if inject { "inject" } else { "mutated" }
        );
        let answer = self.send(&request, &label);
        if inject {
            restore(&mut request, saved);
            self.slots[i].pending = Pending::Send(request);
        } else {
            let instance = self.slots[i].instance;
            self.recorded.push((i, instance, *request));
            self.feed(i, answer);
        }
    }

    fn mutate(&mut self, i: usize, request: &mut Request, m: u8) -> Saved {
        let what = m & 7;
        let j = usize::from((m >> 3) & 3) % self.slots.len();
        let variant = (m >> 5) & 3;
        let donor = self.donor_pairs(j);
        let donor_session = self.slots[j].last_session.clone();
        let donor_device = self.slots[j].device.as_ref().map(|d| d.0.clone());
        let device0 = self.devices.first().map(|d| d.key.clone());
        let typed = self.slots[i].spec.typed;
        let names = [USERS[0].0, USERS[1].0, ALIAS, UNKNOWN];
        let mut saved = Saved::of(request);
        if what == 6 {
            let context: &mut RequestContext = match request {
                Request::InitiateAuth(r) => &mut r.context,
                Request::RespondToAuthChallenge(r) => &mut r.context,
            };
            match variant {
                0 => context.client_id = String::from("another-client"),
                1 => context.user_pool_id = Some(String::from(POOL_ID)),
                2 => context.user_pool_id = Some(String::from("us-east-1_Another")),
                _ => context.user_pool_id = None,
            }
            return saved;
        }
        match request {
            Request::InitiateAuth(r) => {
                let pairs = pairs_of_params(&r.auth_parameters);
                let (mut name, mut secret) = (
                    get(&pairs, param::USERNAME).unwrap_or_default().to_owned(),
                    self.pool_secret.then_some(CLIENT_SECRET),
                );
                let mut device = get(&pairs, param::DEVICE_KEY).map(str::to_owned);
                match (what, variant) {
                    (1, 3) => {}
                    (2, v) => name = names[usize::from(v)].to_owned(),
                    (3, 1) => secret = Some(WRONG_SECRET),
                    (3, 3) => secret = None,
                    (3, _) => secret = Some(CLIENT_SECRET),
                    (4, 0) => device = donor_device,
                    (4, 1) => device = Some(BOGUS_DEVICE_KEY.to_owned()),
                    (4, 2) => device = None,
                    (4, _) => device = device0,
                    _ => return saved,
                }
                // A new name or secret hash needs new AuthParameters: only the public
                // constructors can build them, around a harness ephemeral.
                let Ok(key) = EphemeralKey::from_rng(&mut self.rng) else {
                    return saved;
                };
                let mut client =
                    UserPoolClient::new(POOL_ID, CLIENT_ID).unwrap_or_else(|_| unreachable!());
                if let Some(secret) = secret {
                    client = client.with_client_secret(ClientSecret::from(secret));
                }
                let mut parameters = AuthParameters::user_srp_auth(&client, &name, &key);
                if let Some(device) = &device {
                    parameters = parameters.with_device_key(device);
                }
                saved.parameters = Some(core::mem::replace(&mut r.auth_parameters, parameters));
            }
            Request::RespondToAuthChallenge(r) => {
                let mut pairs = pairs_of_responses(&r.challenge_responses);
                let username = get(&pairs, param::USERNAME).unwrap_or_default().to_owned();
                let copy = |pairs: &mut Vec<(String, String)>, key: &str| {
                    if let Some(value) = get(&donor, key) {
                        set(pairs, key, Some(value.to_owned()));
                    }
                };
                match what {
                    0 => r.session = donor_session,
                    1 => copy(
                        &mut pairs,
                        [SIG, BLOCK, param::TIMESTAMP, param::SRP_A][usize::from(variant)],
                    ),
                    2 => set(
                        &mut pairs,
                        param::USERNAME,
                        Some(names[usize::from(variant)].to_owned()),
                    ),
                    3 => {
                        let hash = match variant {
                            0 => Some(right_hash(&username)),
                            1 => Some(secret_hash(
                                &username,
                                CLIENT_ID,
                                &ClientSecret::from(WRONG_SECRET),
                            )),
                            2 => Some(right_hash(typed)),
                            _ => None,
                        };
                        set(&mut pairs, param::SECRET_HASH, hash);
                    }
                    4 => {
                        let device = match variant {
                            0 => donor_device,
                            1 => Some(BOGUS_DEVICE_KEY.to_owned()),
                            2 => None,
                            _ => device0,
                        };
                        set(&mut pairs, param::DEVICE_KEY, device);
                    }
                    5 => match variant {
                        0 => set(&mut pairs, SIG, None),
                        1 => set(&mut pairs, param::TIMESTAMP, None),
                        2 => set(&mut pairs, BLOCK, None),
                        _ => r.session = None,
                    },
                    _ => {
                        for key in [BLOCK, SIG, param::TIMESTAMP] {
                            copy(&mut pairs, key);
                        }
                        if variant & 1 != 0 {
                            r.session = donor_session;
                        }
                        if variant & 2 != 0 {
                            for key in [param::USERNAME, param::SECRET_HASH, param::DEVICE_KEY] {
                                copy(&mut pairs, key);
                            }
                        }
                    }
                }
                let challenge = r.challenge_responses.challenge_name().to_owned();
                r.challenge_responses = rebuild(&challenge, &pairs);
            }
        }
        saved
    }
}

fn pairs_of_params(parameters: &AuthParameters) -> Vec<(String, String)> {
    parameters
        .iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

fn pairs_of_responses(responses: &ChallengeResponses) -> Vec<(String, String)> {
    responses
        .iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// What a mutation may change in a request, to undo it after an injection.
struct Saved {
    context: RequestContext,
    session: Option<String>,
    /// The original maps, rebuilt from their pairs (the maps are not `Clone`).
    responses: Option<(String, Vec<(String, String)>)>,
    parameters: Option<AuthParameters>,
}

impl Saved {
    fn of(request: &Request) -> Self {
        match request {
            Request::InitiateAuth(r) => Self {
                context: r.context.clone(),
                session: None,
                responses: None,
                parameters: None,
            },
            Request::RespondToAuthChallenge(r) => Self {
                context: r.context.clone(),
                session: r.session.clone(),
                responses: Some((
                    r.challenge_responses.challenge_name().to_owned(),
                    pairs_of_responses(&r.challenge_responses),
                )),
                parameters: None,
            },
        }
    }
}

fn restore(request: &mut Request, saved: Saved) {
    match request {
        Request::InitiateAuth(r) => {
            r.context = saved.context;
            if let Some(parameters) = saved.parameters {
                r.auth_parameters = parameters;
            }
        }
        Request::RespondToAuthChallenge(r) => {
            r.context = saved.context;
            r.session = saved.session;
            if let Some((name, pairs)) = saved.responses {
                r.challenge_responses = rebuild(&name, &pairs);
            }
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let (mut harness, ops) = Harness::new(data);
    harness.run(ops);
});
