//! A deterministic recording RNG: it registers every secret the library draws from it, at the
//! moment it is drawn, with the scanner disarmed for the harness's own bookkeeping.
//!
//! Fills are told apart by the RNG that draws them (a client's or a server's, which may be a
//! `UserPool`'s) and by their size and order:
//!
//! - each 64-byte fill of a client's RNG is an ephemeral `a` (`EphemeralKey::from_rng`, and
//!   every key a `SignIn` draws);
//! - a server draws two 64-byte fills per exchange (`ServerSrp::start`, behind `for_user`,
//!   `for_device` and every SRP challenge of a `UserPool`): first `b` (registered with `g^b`),
//!   then at once its `SECRET_BLOCK`, which is public: it is kept (to be checked against the
//!   challenge's `SECRET_BLOCK`) and registered as nothing. Any other fill right after `b` is
//!   an error;
//! - each 40-byte fill of a client's RNG is a device password (its base64 text is the
//!   password);
//! - the first 16-byte fill after [`Recorder::expect_user`] or [`Recorder::expect_device`] is
//!   that verifier's salt: `x`, `v` (and for a device the verifier text) are registered before
//!   the library has computed them;
//! - the first 32-byte fill after [`Recorder::expect_pool_key`] is a `UserPool`'s key, which
//!   its fake verifiers (for names it does not know) are derived with;
//! - the first 32-byte fill after [`Recorder::expect_refresh_token`] is a refresh token the
//!   pool issues (its 64-character hex text is the token);
//! - after [`Recorder::expect_tokens`], the same, and the two 16-byte fills that follow the
//!   refresh token are the `jti`s of the access and id tokens minted with it (public):
//!   the harness knows every other claim, so each token is predicted and registered (its
//!   text after the public header) before the pool mints it, and checked against the answer
//!   afterwards ([`Recorder::check_tokens`]). Their `device_key` claim is the new device's
//!   when the refresh token came right after one (a 16-byte then a 5-byte fill);
//! - each 6-byte fill of a server's RNG is an `EMAIL_OTP` code (the pool's six digits,
//!   `'0' + byte % 10`);
//! - a pool's other fills are public: 32 bytes for a session (a fill of 32 bytes that was not
//!   expected as a key or a refresh token), 16 and 5 bytes for a new device's key and group key
//!   (16 also for the `jti` of each token, access and id).
//!
//! Any other size (e.g. an ephemeral of another length than the library's 64 bytes) is an
//! error: the library draws something this recorder does not know, and its patterns would be
//! missing.

use core::cell::RefCell;
use core::convert::Infallible;

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use cognito_srp_auth::rand_core::{TryCryptoRng, TryRng};
use num_bigint::BigUint;
use serde_json::json;

use crate::scanner;
use crate::secrets::{self, Kind};

/// Bytes of a private ephemeral (`a`, `b`) the library draws (`EPHEMERAL_BYTES` in
/// src/secret.rs): 512 bits.
pub const EPHEMERAL_BYTES: usize = 64;
/// Bytes of the `SECRET_BLOCK` a server draws right after `b` (public).
const SECRET_BLOCK_BYTES: usize = 64;
/// Bytes of a salt (a user's or a device's verifier); a pool's new device key and each token's
/// `jti` are drawn as 16 bytes too.
const SALT_BYTES: usize = 16;
/// Random bytes of a pool's session (public).
const SESSION_BYTES: usize = 32;
/// Random bytes of a pool's new device group key (public).
const DEVICE_GROUP_BYTES: usize = 5;
/// Random bytes of a device password.
const DEVICE_PASSWORD_BYTES: usize = 40;
/// Length of its base64 text.
const DEVICE_PASSWORD_TEXT: usize = 56;
/// Bytes of a `UserPool`'s fake-verifier key.
const POOL_KEY_BYTES: usize = 32;
/// Random bytes of a refresh token the pool issues (its text is their lowercase hex).
const REFRESH_TOKEN_BYTES: usize = 32;
/// Length of its text.
const REFRESH_TOKEN_TEXT: usize = 2 * REFRESH_TOKEN_BYTES;
/// Digits of an `EMAIL_OTP` code (one random byte each).
const EMAIL_CODE_DIGITS: usize = 6;
/// The header of the pool's unsecured JWTs (public), before its dot.
const JWT_HEADER: &[u8] = br#"{"alg":"none","typ":"JWT"}"#;

/// The public claims of the tokens a pool will issue, as the harness knows them before they
/// are minted (all but the `jti`s and a new device's key, which the recorder sees drawn).
/// `&'static` texts: setting the expectation allocates nothing.
#[derive(Clone, Copy, Debug)]
pub struct TokenClaims {
    /// The pool id (`iss` and the device key's region).
    pub pool_id: &'static str,
    /// The app client the request came through (`client_id`, `aud`).
    pub client_id: &'static str,
    /// The internal user name (`sub`, `username`, `cognito:username`).
    pub username: &'static str,
    /// `iat` and `auth_time` (a sign-in: both the pool's clock), in seconds.
    pub time: i64,
}

/// 16 random bytes as the pool writes them as a UUID (a `jti`, a device key's):
/// lowercase hex, `8-4-4-4-12`.
fn uuid(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let hex: String = bytes
        .iter()
        .flat_map(|b| [b >> 4, b & 0xf])
        .map(|nibble| char::from(HEX.get(usize::from(nibble)).copied().unwrap_or(b'0')))
        .collect();
    format!(
        "{}-{}-{}-{}-{}",
        hex.get(..8).unwrap_or_default(),
        hex.get(8..12).unwrap_or_default(),
        hex.get(12..16).unwrap_or_default(),
        hex.get(16..20).unwrap_or_default(),
        hex.get(20..).unwrap_or_default()
    )
}

/// `SplitMix64`: deterministic test secrets.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn fill(&mut self, dst: &mut [u8]) {
        for chunk in dst.chunks_mut(8) {
            let word = self.next().to_le_bytes();
            for (d, s) in chunk.iter_mut().zip(word) {
                *d = s;
            }
        }
    }
}

/// Whose ephemerals a recorder draws.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The client: 64-byte fills are `a`.
    Client,
    /// The server (`ServerSrp`, `UserPool`): 64-byte fills are `b`, then its secret block.
    Server,
}

/// The verifier whose salt the next 16-byte fill is.
enum Expect {
    Nothing,
    User {
        realm: String,
        identity: String,
        password: &'static str,
    },
    Device {
        group: String,
        key: String,
    },
}

struct State {
    stream: SplitMix,
    role: Role,
    ephemerals: u32,
    /// The last `a` or `b` drawn (a fixed array: never on the heap).
    last_ephemeral: Option<[u8; EPHEMERAL_BYTES]>,
    /// A server's `b` was just drawn: its secret block must come next.
    awaiting_block: bool,
    /// The last secret block a server drew (public).
    last_secret_block: Option<[u8; SECRET_BLOCK_BYTES]>,
    device_passwords: u32,
    /// The last device password's text (a fixed array: never on the heap).
    device_password: Option<[u8; DEVICE_PASSWORD_TEXT]>,
    verifiers: u32,
    expect: Expect,
    /// The last device's expected `Salt` and `PasswordVerifier` texts. The verifier is a
    /// harness copy of a secret: replaced and dropped only while disarmed.
    device_config: Option<(String, String)>,
    /// The next 32-byte fill is a pool's key.
    expect_pool_key: bool,
    /// That key, once drawn (a fixed array: never on the heap).
    pool_key: Option<[u8; POOL_KEY_BYTES]>,
    /// `enc(salt)` of the last user verifier (public).
    user_salt_enc: Option<Vec<u8>>,
    /// The next 32-byte fill is a refresh token.
    expect_refresh_token: bool,
    refresh_tokens: u32,
    /// The last refresh token's text (a fixed array: never on the heap).
    refresh_token: Option<[u8; REFRESH_TOKEN_TEXT]>,
    email_codes: u32,
    /// The last `EMAIL_OTP` code (a fixed array: never on the heap).
    email_code: Option<[u8; EMAIL_CODE_DIGITS]>,
    /// The size and (up to 16) first bytes of the previous fill (public: only read for a
    /// 16-byte fill, a device key or a `jti`).
    previous: (usize, [u8; SALT_BYTES]),
    /// The key bytes of a new device whose group key was the previous fill (public).
    new_device: Option<[u8; SALT_BYTES]>,
    /// The claims of the tokens the next refresh token comes with ([`Recorder::expect_tokens`]).
    token_claims: Option<TokenClaims>,
    /// The device key of those tokens (public).
    token_device: Option<String>,
    /// `jti` fills still expected: 2 (access, then id) after such a refresh token.
    jtis: u8,
    access_tokens: u32,
    id_tokens: u32,
    /// The last access and id tokens predicted. Harness copies of secrets: replaced only in a
    /// fill (disarmed), dropped with the recorder after the scenario.
    tokens: (Option<String>, Option<String>),
    /// A registration that failed inside a fill (the RNG itself cannot fail).
    error: Option<String>,
}

/// The shared state of one recording RNG; hand out [`RecordingRng`]s that point to it.
pub struct Recorder(RefCell<State>);

/// An RNG drawing from a [`Recorder`] (several may share one, e.g. two sign-ins).
pub struct RecordingRng<'a>(pub &'a Recorder);

impl Recorder {
    /// A recorder for `role`, seeded with `seed`.
    pub fn new(role: Role, seed: u64) -> Self {
        Self(RefCell::new(State {
            stream: SplitMix(seed),
            role,
            ephemerals: 0,
            last_ephemeral: None,
            awaiting_block: false,
            last_secret_block: None,
            device_passwords: 0,
            device_password: None,
            verifiers: 0,
            expect: Expect::Nothing,
            device_config: None,
            expect_pool_key: false,
            pool_key: None,
            user_salt_enc: None,
            expect_refresh_token: false,
            refresh_tokens: 0,
            refresh_token: None,
            email_codes: 0,
            email_code: None,
            previous: (0, [0; SALT_BYTES]),
            new_device: None,
            token_claims: None,
            token_device: None,
            jtis: 0,
            access_tokens: 0,
            id_tokens: 0,
            tokens: (None, None),
            error: None,
        }))
    }

    /// An RNG for the library.
    pub fn rng(&self) -> RecordingRng<'_> {
        RecordingRng(self)
    }

    /// The next 16-byte fill is the salt of `identity`'s verifier in pool `realm`.
    pub fn expect_user(&self, realm: &str, identity: &str, password: &'static str) {
        scanner::disarmed(|| {
            self.0.borrow_mut().expect = Expect::User {
                realm: realm.to_owned(),
                identity: identity.to_owned(),
                password,
            };
        });
    }

    /// The next 40-byte fill is this device's password, the 16-byte fill after it its salt.
    pub fn expect_device(&self, key: &str, group: &str) {
        scanner::disarmed(|| {
            self.0.borrow_mut().expect = Expect::Device {
                group: group.to_owned(),
                key: key.to_owned(),
            };
        });
    }

    /// The next 32-byte fill is the key of a `UserPool` (drawn by `UserPool::new`).
    pub fn expect_pool_key(&self) {
        self.0.borrow_mut().expect_pool_key = true;
    }

    /// The next 32-byte fill is a refresh token: call it before the request the pool answers
    /// with tokens (no session is drawn in that answer, so the token is its one 32-byte fill).
    pub fn expect_refresh_token(&self) {
        self.0.borrow_mut().expect_refresh_token = true;
    }

    /// As [`expect_refresh_token`](Self::expect_refresh_token), and the access and id tokens
    /// minted with that refresh token have these `claims`: each is predicted and registered
    /// as its `jti` is drawn, before the pool mints it.
    pub fn expect_tokens(&self, claims: TokenClaims) {
        let mut state = self.0.borrow_mut();
        state.expect_refresh_token = true;
        state.token_claims = Some(claims);
    }

    /// Check the tokens of an `AuthenticationResult` (its `AccessToken`, `IdToken` and
    /// `RefreshToken`) against the last ones recorded: the registered patterns are the
    /// tokens'.
    ///
    /// # Errors
    /// When one differs or was not recorded.
    pub fn check_tokens(
        &self,
        access: Option<&str>,
        id: Option<&str>,
        refresh: Option<&str>,
    ) -> Result<(), String> {
        self.check_refresh_token(refresh)?;
        scanner::disarmed(|| {
            let state = self.0.borrow();
            let (expected_access, expected_id) = &state.tokens;
            if access.is_none() || access != expected_access.as_deref() {
                return Err("the AccessToken is not the one predicted".to_owned());
            }
            if id.is_none() || id != expected_id.as_deref() {
                return Err("the IdToken is not the one predicted".to_owned());
            }
            Ok(())
        })
    }

    /// Check the refresh token the pool reports (`UserPool::refresh_token`) against the last
    /// one recorded: the recorded bytes (and so their patterns) are the token's.
    ///
    /// # Errors
    /// When they differ or no refresh token was recorded.
    pub fn check_refresh_token(&self, token: Option<&str>) -> Result<(), String> {
        scanner::disarmed(|| {
            let state = self.0.borrow();
            let recorded = state
                .refresh_token
                .as_ref()
                .ok_or("no refresh token was recorded")?;
            if token.map(str::as_bytes) == Some(recorded.as_slice()) {
                Ok(())
            } else {
                Err("the pool's refresh token is not the one recorded".to_owned())
            }
        })
    }

    /// Check the `EMAIL_OTP` code the pool reports (`UserPool::sent_code`) against the last
    /// one recorded.
    ///
    /// # Errors
    /// When they differ or no code was recorded.
    pub fn check_email_code(&self, code: Option<&str>) -> Result<(), String> {
        scanner::disarmed(|| {
            let state = self.0.borrow();
            let recorded = state.email_code.as_ref().ok_or("no code was recorded")?;
            if code.map(str::as_bytes) == Some(recorded.as_slice()) {
                Ok(())
            } else {
                Err("the pool's EMAIL_OTP code is not the one recorded".to_owned())
            }
        })
    }

    /// `enc(salt)` of the last user verifier whose salt was drawn (public).
    ///
    /// # Errors
    /// When no user salt was drawn.
    pub fn user_salt_enc(&self) -> Result<Vec<u8>, String> {
        scanner::disarmed(|| {
            self.0
                .borrow()
                .user_salt_enc
                .clone()
                .ok_or_else(|| "no user salt was drawn".to_owned())
        })
    }

    /// The pool's key (a copy on the stack).
    ///
    /// # Errors
    /// When no pool key was drawn.
    pub fn pool_key(&self) -> Result<[u8; POOL_KEY_BYTES], String> {
        self.0
            .borrow()
            .pool_key
            .ok_or_else(|| "no pool key was drawn".to_owned())
    }

    /// The last ephemeral drawn (a copy on the stack): `a` for a client, `b` for a server.
    ///
    /// # Errors
    /// A registration that failed inside a fill (e.g. a draw of a size this recorder does
    /// not know), or no ephemeral drawn yet.
    pub fn last_ephemeral(&self) -> Result<[u8; EPHEMERAL_BYTES], String> {
        self.error()?;
        self.0
            .borrow()
            .last_ephemeral
            .ok_or_else(|| "no ephemeral was drawn".to_owned())
    }

    /// Check a server's `SECRET_BLOCK` (base64, public) against the secret block drawn right
    /// after the last `b`: the 64-byte fills were told apart in the library's order.
    ///
    /// # Errors
    /// When they differ, or no secret block was drawn.
    pub fn check_secret_block(&self, text: &str) -> Result<(), String> {
        self.error()?;
        scanner::disarmed(|| {
            let recorded = self
                .0
                .borrow()
                .last_secret_block
                .ok_or("no secret block was drawn")?;
            let sent = STANDARD
                .decode(text)
                .map_err(|_| "SECRET_BLOCK is not base64")?;
            if sent == recorded {
                Ok(())
            } else {
                Err("SECRET_BLOCK is not the 64 bytes drawn after b".to_owned())
            }
        })
    }

    /// Run `f` on the last device password's text.
    ///
    /// # Errors
    /// When no device password was drawn.
    pub fn with_device_password<T>(
        &self,
        f: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<T, String> {
        let state = self.0.borrow();
        let text = state
            .device_password
            .as_ref()
            .ok_or("no device password was drawn")?;
        f(core::str::from_utf8(text).map_err(|_| "device password text")?)
    }

    /// Check a device's `DeviceSecretVerifierConfig` (salt and verifier texts) against the
    /// harness's computation.
    ///
    /// # Errors
    /// When they differ or no device was registered.
    pub fn check_device_config(&self, salt: &str, verifier: &str) -> Result<(), String> {
        scanner::disarmed(|| {
            let state = self.0.borrow();
            let (expected_salt, expected_verifier) = state
                .device_config
                .as_ref()
                .ok_or("no device verifier was computed")?;
            if salt != expected_salt {
                return Err("the device Salt differs from the harness's".to_owned());
            }
            if verifier != expected_verifier {
                return Err("the device PasswordVerifier differs from the harness's".to_owned());
            }
            Ok(())
        })
    }

    /// A device's `(Salt, PasswordVerifier)` texts, as computed for the last device, to hand
    /// to the library (which takes ownership and wipes them).
    ///
    /// # Errors
    /// When no device was registered.
    pub fn device_config(&self) -> Result<(String, String), String> {
        let state = self.0.borrow();
        let (salt, verifier) = state
            .device_config
            .as_ref()
            .ok_or("no device verifier was computed")?;
        Ok((salt.clone(), verifier.clone()))
    }

    /// Draw from the recorder directly (the harness's own draws), registering as for the
    /// library.
    pub fn draw(&self, dst: &mut [u8]) {
        scanner::disarmed(|| self.fill(dst));
    }

    /// A registration that failed inside a fill.
    ///
    /// # Errors
    /// That failure.
    pub fn error(&self) -> Result<(), String> {
        match &self.0.borrow().error {
            Some(e) => Err(e.clone()),
            None => Ok(()),
        }
    }

    fn fill(&self, dst: &mut [u8]) {
        let mut state = self.0.borrow_mut();
        state.stream.fill(dst);
        if let Err(e) = state.record(dst) {
            state.error.get_or_insert(e);
        }
    }
}

impl State {
    /// Register what a fill of the library is, by the RNG's role, the fill's size and order.
    fn record(&mut self, drawn: &[u8]) -> Result<(), String> {
        let mut head = [0u8; SALT_BYTES];
        for (dst, src) in head.iter_mut().zip(drawn) {
            *dst = *src;
        }
        let previous = core::mem::replace(&mut self.previous, (drawn.len(), head));
        if core::mem::take(&mut self.awaiting_block) {
            // `ServerSrp::start` draws `b`, then at once its secret block.
            return self.secret_block(drawn);
        }
        match (self.role, drawn.len()) {
            (Role::Server, SALT_BYTES) if self.jtis > 0 => self.token_jti(drawn),
            (_, EPHEMERAL_BYTES) => self.ephemeral(drawn),
            (_, SALT_BYTES) => self.salt(drawn),
            (Role::Client, DEVICE_PASSWORD_BYTES) => self.device_password(drawn),
            (Role::Server, POOL_KEY_BYTES) if self.expect_pool_key => self.pool_key(drawn),
            (Role::Server, REFRESH_TOKEN_BYTES) if self.expect_refresh_token => {
                // A new device's key and group key are drawn right before the refresh token.
                let device = match previous.0 {
                    DEVICE_GROUP_BYTES => self.new_device.take(),
                    _ => None,
                };
                self.refresh_token(drawn, device)
            }
            (Role::Server, EMAIL_CODE_DIGITS) => self.email_code(drawn),
            (Role::Server, DEVICE_GROUP_BYTES) => {
                // A new device: its key (16 bytes) was drawn just before its group key.
                self.new_device = (previous.0 == SALT_BYTES).then_some(previous.1);
                Ok(())
            }
            (Role::Server, SESSION_BYTES) => Ok(()),
            (role, len) => Err(format!(
                "the {role:?}'s RNG drew {len} bytes, a size memscan does not know: its \
                 patterns would be missing (see src/rng.rs)"
            )),
        }
    }

    fn ephemeral(&mut self, drawn: &[u8]) -> Result<(), String> {
        let mut copy = [0u8; EPHEMERAL_BYTES];
        copy.copy_from_slice(drawn);
        self.last_ephemeral = Some(copy);
        self.ephemerals += 1;
        let i = self.ephemerals;
        match self.role {
            Role::Client => {
                secrets::ephemeral("a", i, &copy)?;
            }
            Role::Server => {
                self.awaiting_block = true;
                secrets::ephemeral("b", i, &copy)?;
                let g_b =
                    crate::oracle::g().modpow(&BigUint::from_bytes_be(&copy), &crate::oracle::n());
                secrets::int3072("g^b", i, &g_b)?;
            }
        }
        Ok(())
    }

    fn secret_block(&mut self, drawn: &[u8]) -> Result<(), String> {
        let block: [u8; SECRET_BLOCK_BYTES] = drawn.try_into().map_err(|_| {
            format!(
                "b was followed by a {}-byte fill, not by its {SECRET_BLOCK_BYTES}-byte secret \
                 block",
                drawn.len()
            )
        })?;
        self.last_secret_block = Some(block);
        Ok(())
    }

    fn device_password(&mut self, drawn: &[u8]) -> Result<(), String> {
        self.device_passwords += 1;
        let i = self.device_passwords;
        let mut text = [0u8; DEVICE_PASSWORD_TEXT];
        STANDARD
            .encode_slice(drawn, &mut text)
            .map_err(|_| "device password: base64 length")?;
        self.device_password = Some(text);
        secrets::form("device password", i, "drawn bytes", drawn)?;
        secrets::form("device password", i, "UTF-8 (base64 text)", &text)?;
        Ok(())
    }

    fn pool_key(&mut self, drawn: &[u8]) -> Result<(), String> {
        self.expect_pool_key = false;
        let mut key = [0u8; POOL_KEY_BYTES];
        key.copy_from_slice(drawn);
        self.pool_key = Some(key);
        secrets::form("pool key", 1, "32 bytes", &key)?;
        Ok(())
    }

    fn refresh_token(
        &mut self,
        drawn: &[u8],
        new_device: Option<[u8; SALT_BYTES]>,
    ) -> Result<(), String> {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        self.expect_refresh_token = false;
        if let Some(claims) = self.token_claims {
            self.jtis = 2;
            let region = claims.pool_id.split('_').next().unwrap_or_default();
            self.token_device = new_device.map(|key| format!("{region}_{}", uuid(&key)));
        }
        self.refresh_tokens += 1;
        let i = self.refresh_tokens;
        let mut text = [0u8; REFRESH_TOKEN_TEXT];
        for (pair, byte) in text.chunks_exact_mut(2).zip(drawn) {
            for (dst, nibble) in pair.iter_mut().zip([byte >> 4, byte & 0xf]) {
                *dst = HEX.get(usize::from(nibble)).copied().unwrap_or(b'0');
            }
        }
        self.refresh_token = Some(text);
        secrets::form("refresh token", i, "drawn bytes", drawn)?;
        secrets::form("refresh token", i, "hex text", &text)?;
        Ok(())
    }

    /// The `jti` of the access token (the first after the refresh token) or of the id token
    /// (the second): the token is predicted from its claims as the pool writes them
    /// (`serde_json`, keys in order, then an unsecured JWT) and registered as its text after
    /// the public header (the base64url claims and the final dot); the claims' JSON text is
    /// not registered (its 16-byte chunks may lie inside public values: the user name, the
    /// issuer, the scope, the `jti`).
    fn token_jti(&mut self, drawn: &[u8]) -> Result<(), String> {
        let claims = self.token_claims.ok_or("a jti without token claims")?;
        let jti = uuid(drawn);
        let issuer = format!(
            "https://cognito-idp.{}.amazonaws.com/{}",
            claims.pool_id.split('_').next().unwrap_or_default(),
            claims.pool_id
        );
        let exp = claims.time + 3600;
        let access = self.jtis == 2;
        self.jtis -= 1;
        let payload = if access {
            let mut payload = json!({
                "sub": claims.username,
                "iss": issuer,
                "client_id": claims.client_id,
                "token_use": "access",
                "scope": "aws.cognito.signin.user.admin",
                "auth_time": claims.time,
                "iat": claims.time,
                "exp": exp,
                "jti": jti,
                "username": claims.username,
            });
            if let (Some(key), Some(map)) = (&self.token_device, payload.as_object_mut()) {
                map.insert("device_key".to_owned(), key.as_str().into());
            }
            payload
        } else {
            self.token_claims = None;
            json!({
                "sub": claims.username,
                "iss": issuer,
                "aud": claims.client_id,
                "cognito:username": claims.username,
                "token_use": "id",
                "auth_time": claims.time,
                "iat": claims.time,
                "exp": exp,
                "jti": jti,
            })
        };
        let header = URL_SAFE_NO_PAD.encode(JWT_HEADER);
        let token = format!(
            "{header}.{}.",
            URL_SAFE_NO_PAD.encode(payload.to_string().as_bytes())
        );
        let after_header = token.get(header.len() + 1..).unwrap_or_default().as_bytes();
        if access {
            self.access_tokens += 1;
            secrets::form(
                "access token",
                self.access_tokens,
                "text after the header",
                after_header,
            )?;
            self.tokens.0 = Some(token);
        } else {
            self.id_tokens += 1;
            secrets::form(
                "id token",
                self.id_tokens,
                "text after the header",
                after_header,
            )?;
            self.tokens.1 = Some(token);
        }
        Ok(())
    }

    fn email_code(&mut self, drawn: &[u8]) -> Result<(), String> {
        self.email_codes += 1;
        let i = self.email_codes;
        let mut code = [0u8; EMAIL_CODE_DIGITS];
        for (dst, byte) in code.iter_mut().zip(drawn) {
            *dst = b'0' + byte % 10;
        }
        self.email_code = Some(code);
        if secrets::form("EMAIL_OTP code", i, "UTF-8", &code)? == 0 {
            return Err(
                "an EMAIL_OTP code that is no pattern (one repeated digit): change the seed"
                    .to_owned(),
            );
        }
        Ok(())
    }

    fn salt(&mut self, drawn: &[u8]) -> Result<(), String> {
        let salt_enc = secrets::salt_enc(drawn);
        match core::mem::replace(&mut self.expect, Expect::Nothing) {
            Expect::Nothing => Ok(()),
            Expect::User {
                realm,
                identity,
                password,
            } => {
                self.verifiers += 1;
                self.user_salt_enc = Some(salt_enc.clone());
                secrets::verifier(
                    Kind::User,
                    self.verifiers,
                    &realm,
                    &identity,
                    password,
                    &salt_enc,
                )?;
                Ok(())
            }
            Expect::Device { group, key } => {
                let text = self
                    .device_password
                    .ok_or("a device salt before its password")?;
                let password = core::str::from_utf8(&text).map_err(|_| "device password text")?;
                self.verifiers += 1;
                let v = secrets::verifier(
                    Kind::Device,
                    self.verifiers,
                    &group,
                    &key,
                    password,
                    &salt_enc,
                )?;
                self.device_config =
                    Some((secrets::salt_text(&salt_enc), secrets::verifier_text(&v)));
                Ok(())
            }
        }
    }
}

impl TryRng for RecordingRng<'_> {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut bytes = [0u8; 4];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u32::from_le_bytes(bytes))
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut bytes = [0u8; 8];
        self.try_fill_bytes(&mut bytes)?;
        Ok(u64::from_le_bytes(bytes))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        let recorder = self.0;
        // The bookkeeping (oracle computations, labels) frees its own temporaries: disarmed.
        // The library is paused inside this call, so nothing of its own is freed meanwhile.
        scanner::disarmed(|| recorder.fill(dst));
        Ok(())
    }
}

impl TryCryptoRng for RecordingRng<'_> {}
