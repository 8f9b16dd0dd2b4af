//! The verifier of a name no user has: the pool answers it as it answers a user, so that a
//! sign-in cannot tell whether a name exists.

use crypto_bigint::{EncodedUint, Encoding as _, U3072};
use hmac::Mac as _;
use hmac::digest::consts::U16;
use zeroize::Zeroizing;

use super::state::UserPool;
use crate::encoding::to_java_bytes_vartime;
use crate::server::exchange::StoredVerifier;
use crate::srp::hmac_sha256;

impl<R> UserPool<R> {
    /// The verifier a name no user has gets: the salt and `v` are derived from the name
    /// with the pool's key, so the same name always gets the same salt, and `v` is a group
    /// element nobody knows the password of.
    pub(super) fn fake_verifier(&self, name: &str) -> StoredVerifier {
        let block = |label: u8| {
            let mut mac = hmac_sha256(self.fake_key.as_ref());
            mac.update(&[label]);
            mac.update(name.as_bytes());
            mac.finalize().into_bytes()
        };
        // The salt: the first half of the first block.
        let (salt, _) = block(0).split::<U16>();
        // `v`: a zero byte, then 383 bytes of HMAC output: below 2^3064 < N, and 0 or 1 with
        // negligible probability.
        let mut v_bytes = Zeroizing::new([0u8; U3072::BYTES]);
        let [_, low @ ..] = &mut *v_bytes;
        for (label, chunk) in (1u8..).zip(low.chunks_mut(32)) {
            let bytes = Zeroizing::new(<[u8; 32]>::from(block(label)));
            for (to, from) in chunk.iter_mut().zip(bytes.iter()) {
                *to = *from;
            }
        }
        let v = Zeroizing::new(U3072::from_be_bytes(EncodedUint::from(&*v_bytes)));
        StoredVerifier::from_parts(&self.pool_name, name, to_java_bytes_vartime(&salt), &v)
    }
}
