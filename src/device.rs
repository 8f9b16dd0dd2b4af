//! Remembered devices: `ConfirmDevice` registration and device SRP (`DEVICE_SRP_AUTH` →
//! `DEVICE_PASSWORD_VERIFIER`). The SRP math is the user's, with realm = device group key,
//! identity = device key and password = the device password.

use alloc::string::String;
use core::fmt;

use crypto_bigint::U3072;
use rand_core::TryCryptoRng;
use subtle::ConstantTimeEq as _;
use zeroize::Zeroizing;

use crate::challenge::{
    SrpParameters, debug_public_fields, non_empty, optional, required, try_from_sdk_map,
};
use crate::declassify::verdict;
use crate::encoding::{
    base64_encode, decode_base64_vartime, parse_hex_int_vartime, to_java_bytes_secret,
    to_java_bytes_vartime, to_minimal_hex_vartime,
};
use crate::error::{Error, Result};
use crate::group::verifier_in_range;
use crate::secret::Password;
use crate::srp::{Observer, Unobserved, derive_x, verifier};
use crate::wire::param;

/// Number of random bytes in a device password (its base64 text is the password).
pub(crate) const DEVICE_PASSWORD_BYTES: usize = 40;
/// Number of random bytes in a device salt.
pub(crate) const DEVICE_SALT_BYTES: usize = 16;
/// First token of the storage form.
const STORAGE_TAG: &str = "cognito-srp-device/1";

/// The `DeviceSecretVerifierConfig` of a `ConfirmDevice` request: `Salt` and
/// `PasswordVerifier`, both base64 of Java-`BigInteger` bytes.
///
/// The verifier `v = g^x` lets whoever holds it test guesses of the device password offline,
/// so it is treated as a secret here: wiped on drop, not `Clone`, redacted in `Debug`.
pub struct DeviceSecretVerifierConfig {
    salt: String,
    password_verifier: Zeroizing<String>,
}

impl fmt::Debug for DeviceSecretVerifierConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DeviceSecretVerifierConfig")
            .field("salt", &self.salt)
            .field("password_verifier", &"<redacted>")
            .finish()
    }
}

impl zeroize::ZeroizeOnDrop for DeviceSecretVerifierConfig {}

impl DeviceSecretVerifierConfig {
    /// The values of a `ConfirmDevice` request, as received (for a server side).
    #[must_use]
    pub fn new(salt: String, password_verifier: String) -> Self {
        Self {
            salt,
            password_verifier: Zeroizing::new(password_verifier),
        }
    }

    /// `Salt`: `b64(enc(salt))`.
    #[must_use]
    pub fn salt(&self) -> &str {
        &self.salt
    }

    /// `PasswordVerifier`: `b64(enc(g^x mod N))`.
    #[must_use]
    pub fn password_verifier(&self) -> &str {
        &self.password_verifier
    }
}

/// A device Cognito remembers: its key, its group key and the device password only this
/// client knows. The application must store it between sign-ins (per user), for instance with
/// [`to_storage_string`](Self::to_storage_string). Wiped on drop; `Debug` prints no password.
pub struct RememberedDevice {
    pub(crate) device_key: String,
    pub(crate) device_group_key: String,
    pub(crate) device_password: Password,
}

/// Refuse an empty field or one with white space. Constant time over the bytes (the device
/// password goes through here): one OR-fold of "is ASCII white space" flags; only the verdict
/// is declassified. It copies nothing, so no copy of the password is left behind.
fn check_field(value: &str) -> Result<()> {
    let mut white = subtle::Choice::from(0u8);
    for &b in value.as_bytes() {
        for ws in [b' ', b'\t', b'\n', b'\r', 0x0b, 0x0c] {
            white |= b.ct_eq(&ws);
        }
    }
    if value.is_empty() || verdict(white) {
        return Err(Error::MalformedDevice);
    }
    Ok(())
}

impl RememberedDevice {
    /// A device registered earlier (by this crate or another SDK).
    ///
    /// # Errors
    /// [`Error::MalformedDevice`] when a key, the group key or the password is empty or
    /// contains white space.
    pub fn new(
        device_key: &str,
        device_group_key: &str,
        device_password: Password,
    ) -> Result<Self> {
        check_field(device_password.expose())?;
        check_field(device_key)?;
        check_field(device_group_key)?;
        Ok(Self {
            device_key: String::from(device_key),
            device_group_key: String::from(device_group_key),
            device_password,
        })
    }

    /// Register a new device after a sign-in whose `AuthenticationResult` carried
    /// `NewDeviceMetadata { DeviceKey, DeviceGroupKey }`: draws the device password (40 random
    /// bytes, base64) and the salt (16 random bytes), in that order, and computes the
    /// `DeviceSecretVerifierConfig` for `ConfirmDevice`.
    ///
    /// Before handing the verifier out, the crate decodes the salt the way Cognito stores it,
    /// re-derives the verifier from the stored password and from the salt text Cognito will
    /// send back, as a later device sign-in does, checks that the verifier text is exactly
    /// the canonical base64 of that value, and refuses a verifier that would not verify (Cognito itself accepts a wrong verifier and fails only at the next
    /// sign-in).
    ///
    /// # Errors
    /// - [`Error::MalformedDevice`] for an empty key or group key, or one with white space.
    /// - [`Error::RandomSource`] when the RNG fails.
    /// - [`Error::DeviceVerifierCheck`] when the self-check fails (a bug; please report it).
    pub fn register<R: TryCryptoRng + ?Sized>(
        device_key: &str,
        device_group_key: &str,
        rng: &mut R,
    ) -> Result<(Self, DeviceSecretVerifierConfig)> {
        let mut password = Zeroizing::new([0u8; DEVICE_PASSWORD_BYTES]);
        rng.try_fill_bytes(password.as_mut())
            .map_err(|_| Error::RandomSource)?;
        let mut salt = [0u8; DEVICE_SALT_BYTES];
        rng.try_fill_bytes(&mut salt)
            .map_err(|_| Error::RandomSource)?;
        Self::register_from_bytes(
            device_key,
            device_group_key,
            &password,
            &salt,
            &mut Unobserved,
        )
    }

    /// [`register`](Self::register) with the operating system's RNG (feature `getrandom`).
    ///
    /// # Errors
    /// As [`register`](Self::register).
    #[cfg(feature = "getrandom")]
    pub fn register_with_os_rng(
        device_key: &str,
        device_group_key: &str,
    ) -> Result<(Self, DeviceSecretVerifierConfig)> {
        Self::register(device_key, device_group_key, &mut getrandom::SysRng)
    }

    /// Registration from the random bytes (also the known-answer entry point).
    pub(crate) fn register_from_bytes(
        device_key: &str,
        device_group_key: &str,
        password_random: &[u8; DEVICE_PASSWORD_BYTES],
        salt_random: &[u8; DEVICE_SALT_BYTES],
        observer: &mut impl Observer,
    ) -> Result<(Self, DeviceSecretVerifierConfig)> {
        let device = Self::new(
            device_key,
            device_group_key,
            Password::new(base64_encode(password_random)),
        )?;
        let salt_enc = to_java_bytes_vartime(salt_random);
        observer.salt_padded(&salt_enc);
        let v = device.verifier_for(&salt_enc, observer);
        // v = g^x is never 0 and is 1 only for x = 0 (probability 2^-256), but a verifier
        // outside [2, N − 1] is refused wherever one is made or read.
        if !verdict(verifier_in_range(&v)) {
            return Err(Error::MalformedParameter {
                name: "PasswordVerifier",
            });
        }
        // enc(v): its length is declassified in `to_java_bytes_secret`, public by protocol
        // (Cognito receives its base64).
        let v_enc = to_java_bytes_secret(&v);
        observer.verifier_padded(&v_enc);
        let config = DeviceSecretVerifierConfig {
            salt: base64_encode(&salt_enc),
            password_verifier: Zeroizing::new(base64_encode(&v_enc)),
        };
        device.check_verifier(&config)?;
        Ok((device, config))
    }

    /// `g^x mod N` for this device and `enc(salt)`.
    fn verifier_for(&self, salt_enc: &[u8], observer: &mut impl Observer) -> Zeroizing<U3072> {
        let x = derive_x(
            &self.device_group_key,
            &self.device_key,
            self.device_password.expose().as_bytes(),
            salt_enc,
            observer,
        );
        Zeroizing::new(verifier(&x).retrieve())
    }

    /// Decode `config` as Cognito stores it and re-derive the verifier as a device sign-in
    /// will: the salt comes back as hex text, which the challenge parser re-encodes.
    fn check_verifier(&self, config: &DeviceSecretVerifierConfig) -> Result<()> {
        let salt =
            decode_base64_vartime("Salt", &config.salt).map_err(|_| Error::DeviceVerifierCheck)?;
        // A non-canonical salt would not survive the round trip through its hex text (the salt
        // is public).
        if to_java_bytes_vartime(&salt) != salt {
            return Err(Error::DeviceVerifierCheck);
        }
        // Re-derive v as a later device sign-in will: from the salt's hex text, through the
        // challenge parser.
        let salt_text = to_minimal_hex_vartime(&salt);
        let salt_enc = parse_hex_int_vartime(param::SALT, &salt_text, true)
            .map_err(|_| Error::DeviceVerifierCheck)?
            .to_java_bytes_vartime();
        let derived = self.verifier_for(&salt_enc, &mut Unobserved);
        let derived_enc = to_java_bytes_secret(&derived);
        // The verifier text must be exactly the canonical padded base64 of enc(v) (positive,
        // no redundant zero byte), compared in constant time.
        let expected = Zeroizing::new(base64_encode(&derived_enc));
        let passed = expected
            .as_bytes()
            .ct_eq(config.password_verifier.as_bytes());
        // Declassified: whether the check passed.
        if verdict(passed) {
            Ok(())
        } else {
            Err(Error::DeviceVerifierCheck)
        }
    }

    /// The device key (`DEVICE_KEY`).
    #[must_use]
    pub fn device_key(&self) -> &str {
        &self.device_key
    }

    /// The device group key (the SRP realm of the device).
    #[must_use]
    pub fn device_group_key(&self) -> &str {
        &self.device_group_key
    }

    /// The stable storage form: one line,
    /// `cognito-srp-device/1 <device key> <device group key> <device password>`, separated by
    /// single spaces. It contains the device password: store it as a secret (a keychain, an
    /// encrypted file). The returned string is wiped on drop.
    ///
    /// ```
    /// use cognito_srp_auth::{Password, RememberedDevice};
    /// let device = RememberedDevice::new("us-east-1_0f1e", "-AbC1", Password::from("cGFzcw=="))?;
    /// let stored = device.to_storage_string();
    /// assert_eq!(stored.as_str(), "cognito-srp-device/1 us-east-1_0f1e -AbC1 cGFzcw==");
    /// let loaded = RememberedDevice::from_storage_string(&stored)?;
    /// assert_eq!(loaded.device_key(), "us-east-1_0f1e");
    /// # Ok::<(), cognito_srp_auth::Error>(())
    /// ```
    #[must_use]
    pub fn to_storage_string(&self) -> Zeroizing<String> {
        let password = self.device_password.expose();
        let fields = [
            STORAGE_TAG,
            self.device_key.as_str(),
            self.device_group_key.as_str(),
            password,
        ];
        // Allocated at its final size, so the text holding the password never reallocates
        // (which would leave a copy in the freed block).
        let mut out = Zeroizing::new(String::with_capacity(
            fields.iter().map(|f| f.len() + 1).sum(),
        ));
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(field);
        }
        out
    }

    /// Load the form written by [`to_storage_string`](Self::to_storage_string).
    ///
    /// # Errors
    /// [`Error::MalformedDevice`] unless the text is exactly the tag and three non-empty
    /// fields separated by single spaces.
    pub fn from_storage_string(stored: &str) -> Result<Self> {
        // Split off the three public fields only, byte by byte: the loop stops at the third
        // space, so it never reads the password (`new` checks that in constant time).
        let bytes = stored.as_bytes();
        let mut cuts = [0usize; 3];
        let mut found = 0;
        for (i, &b) in bytes.iter().enumerate() {
            if b == b' ' {
                if let Some(cut) = cuts.get_mut(found) {
                    *cut = i;
                }
                found += 1;
                if found == cuts.len() {
                    break;
                }
            }
        }
        let [tag_end, key_end, group_end] = cuts;
        let field = |from: usize, to: usize| stored.get(from..to).ok_or(Error::MalformedDevice);
        if found < 3 || field(0, tag_end)? != STORAGE_TAG {
            return Err(Error::MalformedDevice);
        }
        let key = field(tag_end + 1, key_end)?;
        let group = field(key_end + 1, group_end)?;
        // `strip_prefix` cuts after a matched (public) prefix without inspecting the password's
        // first byte, which slicing at its index would (a UTF-8 boundary check).
        let password = field(0, group_end)
            .ok()
            .and_then(|head| stored.strip_prefix(head))
            .and_then(|rest| rest.strip_prefix(' '))
            .ok_or(Error::MalformedDevice)?;
        Self::new(key, group, Password::from(password))
    }
}

/// The device password is a [`Password`], wiped on drop; the keys are not secret.
impl zeroize::ZeroizeOnDrop for RememberedDevice {}

debug_public_fields!(RememberedDevice {
    device_key,
    device_group_key
});

/// The `ChallengeParameters` of a `DEVICE_PASSWORD_VERIFIER` challenge, parsed and checked:
/// `SALT`, `SRP_B`, `SECRET_BLOCK` as for users, `USERNAME` (the internal user name), and
/// `DEVICE_KEY` when the server sends it.
#[derive(Clone)]
pub struct DevicePasswordVerifierChallenge {
    pub(crate) srp: SrpParameters,
    pub(crate) username: String,
    pub(crate) device_key: Option<String>,
}

impl DevicePasswordVerifierChallenge {
    /// Parse the challenge parameters through a lookup function (any map type works).
    ///
    /// # Errors
    /// Checked in the order `SALT`, `SRP_B`, `SECRET_BLOCK`, `USERNAME`, `DEVICE_KEY`:
    /// - [`Error::MissingParameter`]: one of the first four is absent.
    /// - [`Error::MalformedParameter`]: `SALT` / `SRP_B` not hex, `SECRET_BLOCK` not base64,
    ///   an empty `USERNAME` or `DEVICE_KEY`.
    /// - [`Error::IllegalServerB`]: `SRP_B ≡ 0 (mod N)`.
    pub fn from_params<'a, F>(lookup: F) -> Result<Self>
    where
        F: Fn(&str) -> Option<&'a str>,
    {
        let srp = SrpParameters::parse(&lookup)?;
        let username = non_empty(param::USERNAME, required(&lookup, param::USERNAME)?)?;
        let device_key = optional(&lookup, param::DEVICE_KEY)?
            .map(|k| non_empty(param::DEVICE_KEY, k))
            .transpose()?;
        Ok(Self {
            srp,
            username,
            device_key,
        })
    }

    /// The internal user name the responses carry as `USERNAME`.
    #[must_use]
    pub fn username(&self) -> &str {
        &self.username
    }
}

try_from_sdk_map!(DevicePasswordVerifierChallenge);
debug_public_fields!(DevicePasswordVerifierChallenge {
    username,
    device_key
});

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::{format, vec};

    /// A registered device and its configuration, from fixed random bytes.
    fn registered() -> (RememberedDevice, DeviceSecretVerifierConfig) {
        let password = [0x5au8; DEVICE_PASSWORD_BYTES];
        let salt = [0xa5u8; DEVICE_SALT_BYTES];
        RememberedDevice::register_from_bytes(
            "us-east-1_0f1e",
            "-AbC1",
            &password,
            &salt,
            &mut Unobserved,
        )
        .unwrap_or_else(|e| panic!("registration: {e}"))
    }

    #[test]
    fn self_check_refuses_a_verifier_that_would_not_verify() {
        let (device, config) = registered();
        assert_eq!(device.check_verifier(&config), Ok(()));
        let salt = String::from(config.salt());
        let text = String::from(config.password_verifier());
        let stored = <base64ct::Base64 as base64ct::Encoding>::decode_vec(&text)
            .unwrap_or_else(|e| panic!("{e}"));
        let encode = <base64ct::Base64 as base64ct::Encoding>::encode_string;
        let check = |verifier: String| {
            device.check_verifier(&DeviceSecretVerifierConfig::new(salt.clone(), verifier))
        };
        // The same value with a redundant leading zero byte, and without its sign byte or
        // with its top byte flipped (negative or another value).
        let mut longer = vec![0u8];
        longer.extend_from_slice(&stored);
        let mut flipped = stored.clone();
        if let Some(first) = flipped.first_mut() {
            *first ^= 0x80;
        }
        let tail = stored.get(1..).unwrap_or_default().to_vec();
        let mut other = stored.clone();
        if let Some(last) = other.last_mut() {
            *last ^= 1;
        }
        for bad in [
            encode(&longer),
            encode(&flipped),
            encode(&tail),
            encode(&other),
        ] {
            assert_eq!(check(bad), Err(Error::DeviceVerifierCheck));
        }
        // Not padded, padded wrongly, not base64.
        let unpadded = String::from(text.trim_end_matches('='));
        let broken = format!("{}*", text.get(..text.len() - 1).unwrap_or_default());
        for bad in [
            unpadded.clone(),
            format!("{unpadded}="),
            format!("{text}===="),
            broken,
        ] {
            if bad != text {
                assert_eq!(check(bad.clone()), Err(Error::DeviceVerifierCheck), "{bad}");
            }
        }
        assert_eq!(check(text), Ok(()));
    }
}
