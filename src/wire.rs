//! The string maps this crate hands to an SDK: `ChallengeResponses` and `AuthParameters`.

use alloc::borrow::Cow;
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;

use zeroize::Zeroizing;

use crate::challenge::param;

/// Keys whose values are public by protocol: `Debug` prints these and redacts every other
/// value (passwords, codes, answers, credentials, refresh tokens, `SECRET_HASH`, attribute
/// values, and any key this crate does not know). `SECRET_HASH` is a bearer value: whoever
/// holds it can reuse it for that user until the client secret is rotated.
pub(crate) const PUBLIC: &[&str] = &[
    param::USERNAME,
    param::SRP_A,
    param::DEVICE_KEY,
    param::TIMESTAMP,
    param::PASSWORD_CLAIM_SECRET_BLOCK,
    param::PASSWORD_CLAIM_SIGNATURE,
    param::CHALLENGE_NAME,
    param::PREFERRED_CHALLENGE,
];

fn is_sensitive(key: &str) -> bool {
    !PUBLIC.contains(&key)
}

/// Ordered `(key, value)` pairs; values are wiped on drop. An index by key keeps insertion
/// and look-up at `O(log n)`, so a map built from many caller-supplied pairs is not quadratic.
#[derive(Default)]
pub(crate) struct WireMap {
    entries: Vec<(Cow<'static, str>, Zeroizing<String>)>,
    index: BTreeMap<Cow<'static, str>, usize>,
}

impl WireMap {
    /// Set `key` to `value`, replacing an earlier value (which is wiped).
    pub(crate) fn insert(&mut self, key: impl Into<Cow<'static, str>>, value: String) {
        let key = key.into();
        let value = Zeroizing::new(value);
        match self.index.get(&key).and_then(|&i| self.entries.get_mut(i)) {
            Some(entry) => entry.1 = value,
            None => {
                self.index.insert(key.clone(), self.entries.len());
                self.entries.push((key, value));
            }
        }
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.index
            .get(key)
            .and_then(|&i| self.entries.get(i))
            .map(|(_, v)| v.as_str())
    }

    fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + '_ {
        self.entries.iter().map(|(k, v)| (k.as_ref(), v.as_str()))
    }

    fn into_pairs(mut self) -> impl Iterator<Item = (String, String)> {
        core::mem::take(&mut self.entries)
            .into_iter()
            .map(|(k, mut v)| (k.into_owned(), core::mem::take(&mut *v)))
    }
}

impl fmt::Debug for WireMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (k, v) in self.iter() {
            map.entry(&k, if is_sensitive(k) { &"<redacted>" } else { &v });
        }
        map.finish()
    }
}

macro_rules! wire_map_type {
    ($(#[$doc:meta])* $name:ident, $label:ident, $label_doc:literal) => {
        $(#[$doc])*
        pub struct $name {
            $label: Cow<'static, str>,
            map: WireMap,
        }

        impl $name {
            pub(crate) fn new($label: impl Into<Cow<'static, str>>) -> Self {
                Self { $label: $label.into(), map: WireMap::default() }
            }

            /// Set `key` to `value`, replacing an earlier value.
            pub(crate) fn insert(&mut self, key: impl Into<Cow<'static, str>>, value: String) {
                self.map.insert(key, value);
            }

            #[doc = $label_doc]
            #[must_use]
            pub fn $label(&self) -> &str {
                &self.$label
            }

            /// Add `DEVICE_KEY`, for a sign-in with a remembered device.
            #[must_use]
            pub fn with_device_key(mut self, device_key: &str) -> Self {
                self.insert(param::DEVICE_KEY, String::from(device_key));
                self
            }

            /// The value of one key.
            #[must_use]
            pub fn get(&self, key: &str) -> Option<&str> {
                self.map.get(key)
            }

            /// The `(key, value)` pairs, in insertion order.
            #[must_use]
            pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &str)> + '_ {
                self.map.iter()
            }

            /// Number of keys.
            #[must_use]
            pub fn len(&self) -> usize {
                self.map.entries.len()
            }

            /// Whether there are no keys.
            #[must_use]
            pub fn is_empty(&self) -> bool {
                self.map.entries.is_empty()
            }
        }

        impl<'a> IntoIterator for &'a $name {
            type Item = (&'a str, &'a str);
            type IntoIter = alloc::boxed::Box<dyn Iterator<Item = (&'a str, &'a str)> + 'a>;

            fn into_iter(self) -> Self::IntoIter {
                alloc::boxed::Box::new(self.iter())
            }
        }

        #[cfg(feature = "std")]
        impl<S: core::hash::BuildHasher + Default> From<$name>
            for std::collections::HashMap<String, String, S>
        {
            /// The map the AWS SDK for Rust takes.
            fn from(value: $name) -> Self {
                value.map.into_pairs().collect()
            }
        }

        impl From<$name> for BTreeMap<String, String> {
            fn from(value: $name) -> Self {
                value.map.into_pairs().collect()
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name))
                    .field(stringify!($label), &self.$label)
                    .field("entries", &self.map)
                    .finish()
            }
        }
    };
}

wire_map_type! {
    /// The `ChallengeResponses` of a `RespondToAuthChallenge` (or
    /// `AdminRespondToAuthChallenge`) request, with the challenge they answer.
    ///
    /// Iterate it as `(&str, &str)` pairs, or convert it into the `HashMap<String, String>`
    /// that the AWS SDK for Rust takes (`.set_challenge_responses(Some(responses.into()))`).
    /// Values are wiped on drop; `Debug` redacts passwords, answers and codes.
    ChallengeResponses, challenge_name, "The `ChallengeName` these responses answer, e.g. `\"PASSWORD_VERIFIER\"`."
}

wire_map_type! {
    /// The `AuthParameters` of an `InitiateAuth` (or `AdminInitiateAuth`) request, with its
    /// `AuthFlow`.
    ///
    /// Iterate it as `(&str, &str)` pairs, or convert it into the `HashMap<String, String>`
    /// that the AWS SDK for Rust takes (`.set_auth_parameters(Some(parameters.into()))`).
    /// Values are wiped on drop; `Debug` redacts secrets.
    AuthParameters, auth_flow, "The `AuthFlow` these parameters belong to, e.g. `\"USER_SRP_AUTH\"`."
}
