//! A deterministic recording RNG: it registers every secret the library draws from it, at the
//! moment it is drawn, with the scanner disarmed for the harness's own bookkeeping.
//!
//! - each 128-byte fill is an ephemeral: `a` for a client's RNG, `b` (and `g^b`) for a server's;
//! - each 40-byte fill is a device password (its base64 text is the password);
//! - the first 16-byte fill after [`Recorder::expect_user`] or [`Recorder::expect_device`] is
//!   that verifier's salt: `x`, `v` (and for a device the verifier text) are registered before
//!   the library has computed them;
//! - the first 32-byte fill after [`Recorder::expect_pool_key`] is a `UserPool`'s key, which
//!   its fake verifiers (for names it does not know) are derived with.

use core::cell::RefCell;
use core::convert::Infallible;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use cognito_srp_auth::rand_core::{TryCryptoRng, TryRng};
use num_bigint::BigUint;

use crate::scanner;
use crate::secrets::{self, Kind};

/// Random bytes of a device password.
const DEVICE_PASSWORD_BYTES: usize = 40;
/// Length of its base64 text.
const DEVICE_PASSWORD_TEXT: usize = 56;
/// Bytes of a `UserPool`'s fake-verifier key.
const POOL_KEY_BYTES: usize = 32;

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
    /// The client: 128-byte fills are `a`.
    Client,
    /// The server: 128-byte fills are `b`.
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
    last_ephemeral: [u8; 128],
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
            last_ephemeral: [0; 128],
            device_passwords: 0,
            device_password: None,
            verifiers: 0,
            expect: Expect::Nothing,
            device_config: None,
            expect_pool_key: false,
            pool_key: None,
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

    /// The last ephemeral drawn (a copy on the stack).
    pub fn last_ephemeral(&self) -> [u8; 128] {
        self.0.borrow().last_ephemeral
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
        let result = match dst.len() {
            128 => state.ephemeral(dst),
            DEVICE_PASSWORD_BYTES => state.device_password(dst),
            16 => state.salt(dst),
            POOL_KEY_BYTES if state.expect_pool_key => state.pool_key(dst),
            _ => Ok(()),
        };
        if let Err(e) = result {
            state.error.get_or_insert(e);
        }
    }
}

impl State {
    fn ephemeral(&mut self, drawn: &[u8]) -> Result<(), String> {
        let mut copy = [0u8; 128];
        copy.copy_from_slice(drawn);
        self.last_ephemeral = copy;
        self.ephemerals += 1;
        let i = self.ephemerals;
        match self.role {
            Role::Client => {
                secrets::ephemeral("a", i, &copy)?;
            }
            Role::Server => {
                secrets::ephemeral("b", i, &copy)?;
                let g_b =
                    crate::oracle::g().modpow(&BigUint::from_bytes_be(&copy), &crate::oracle::n());
                secrets::int3072("g^b", i, &g_b)?;
            }
        }
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
