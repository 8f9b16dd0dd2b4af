//! The verifier of a name no user has: the pool answers it as it answers a user, so that a
//! sign-in cannot tell whether a name exists.

use hmac::Mac as _;
use rand_core::TryCryptoRng;
use zeroize::Zeroizing;

use super::pending::Claimant;
use super::state::UserPool;
use crate::client::pool_name;
use crate::encoding::{to_java_bytes_vartime, u3072_from_be_slice};
use crate::server::exchange::StoredVerifier;
use crate::srp::hmac_sha256;

impl<R: TryCryptoRng> UserPool<R> {
    /// The verifier a name no user has gets: the salt and `v` are derived from the name
    /// with the pool's key, so the same name always gets the same salt, and `v` is a group
    /// element nobody knows the password of.
    fn fake_verifier(&self, name: &str) -> StoredVerifier {
        let block = |label: u8| -> [u8; 32] {
            let mut mac = hmac_sha256(self.fake_key.as_ref());
            mac.update(&[label]);
            mac.update(name.as_bytes());
            mac.finalize().into_bytes().into()
        };
        let salt = block(0);
        // 383 bytes of HMAC output: below 2^3064 < N, and 0 or 1 with negligible probability.
        let mut v_bytes = Zeroizing::new([0u8; 383]);
        for (label, chunk) in (1u8..).zip(v_bytes.chunks_mut(32)) {
            let bytes = Zeroizing::new(block(label));
            chunk.copy_from_slice(bytes.get(..chunk.len()).unwrap_or_default());
        }
        let v = Zeroizing::new(u3072_from_be_slice(v_bytes.as_ref()).unwrap_or_default());
        StoredVerifier::from_parts(
            pool_name(&self.config.pool_id).unwrap_or_default(),
            name,
            to_java_bytes_vartime(salt.get(..16).unwrap_or_default()),
            &v,
        )
    }

    /// The verifier of a claimant: the user's, or a fake one for an unknown name.
    pub(super) fn verifier_of(&self, claimant: Claimant, name: &str) -> Option<StoredVerifier> {
        match claimant {
            Claimant::User(_) => None,
            Claimant::Unknown => Some(self.fake_verifier(name)),
        }
    }
}
