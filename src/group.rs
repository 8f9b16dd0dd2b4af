//! The SRP group Cognito uses: the RFC 3526 3072-bit MODP prime N, generator g = 2, and the
//! SRP-6a multiplier k = H(enc(N) ‖ enc(g)).

use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
use crypto_bigint::{Odd, U3072};

/// Limbs of a 3072-bit integer on this target.
pub(crate) const LIMBS: usize = U3072::LIMBS;

/// An integer modulo N in Montgomery form.
pub(crate) type Monty = FixedMontyForm<LIMBS>;

/// N as lowercase hex, 768 digits (RFC 3526 group 15).
const N_HEX: &str = concat!(
    "ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74",
    "020bbea63b139b22514a08798e3404ddef9519b3cd3a431b302b0a6df25f1437",
    "4fe1356d6d51c245e485b576625e7ec6f44c42e9a637ed6b0bff5cb6f406b7ed",
    "ee386bfb5a899fa5ae9f24117c4b1fe649286651ece45b3dc2007cb8a163bf05",
    "98da48361c55d39a69163fa8fd24cf5f83655d23dca3ad961c62f356208552bb",
    "9ed529077096966d670c354e4abc9804f1746c08ca18217c32905e462e36ce3b",
    "e39e772c180e86039b2783a2ec07a28fb5c55df06f4c52c9de2bcbf695581718",
    "3995497cea956ae515d2261898fa051015728e5a8aaac42dad33170d04507a33",
    "a85521abdf1cba64ecfb850458dbef0a8aea71575d060c7db3970f85a6e1e4c7",
    "abf5ae8cdb0933d71e8c94e04a25619dcee3d2261ad2ee6bf12ffa06d98a0864",
    "d87602733ec86a64521f2b18177b200cbbe117577a615d6c770988c0bad946e2",
    "08e24fa074e5ab3143db5bfce0fd108e4b82d120a93ad2caffffffffffffffff",
);

/// The prime modulus N.
pub(crate) const N: Odd<U3072> = Odd::<U3072>::from_be_hex(N_HEX);

/// Montgomery parameters for N, computed at compile time (N is public).
pub(crate) static PARAMS: FixedMontyParams<LIMBS> = FixedMontyParams::new_vartime(N);

/// The generator g.
pub(crate) const G: u64 = 2;

/// k = int(H(0x00 ‖ N ‖ 0x02)): pinned by the test below, which recomputes it.
pub(crate) const K: U3072 = U3072::from_be_hex(concat!(
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "0000000000000000000000000000000000000000000000000000000000000000",
    "538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6",
));

/// The 384 big-endian bytes of N.
#[must_use]
pub fn modulus_bytes() -> [u8; 384] {
    let mut out = [0u8; 384];
    out.copy_from_slice(&N.as_ref().to_be_bytes());
    out
}

/// The generator g = 2.
#[must_use]
pub const fn generator() -> u8 {
    // `G` fits a byte by construction.
    2
}

/// The 32 big-endian bytes of the SRP-6a multiplier k = H(enc(N) ‖ enc(g)).
#[must_use]
pub fn multiplier_bytes() -> [u8; 32] {
    let mut out = [0u8; 32];
    let all = K.to_be_bytes();
    if let Some(tail) = all.get(384 - 32..) {
        out.copy_from_slice(tail);
    }
    out
}

/// g in Montgomery form.
pub(crate) fn g_monty() -> Monty {
    Monty::new(&U3072::from_u64(G), &PARAMS)
}

/// k in Montgomery form.
pub(crate) fn k_monty() -> Monty {
    Monty::new(&K, &PARAMS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encoding::to_java_bytes;
    use sha2::{Digest, Sha256};

    #[test]
    fn k_is_hash_of_java_encoded_n_and_g() {
        let n = to_java_bytes(&modulus_bytes());
        assert_eq!(n.len(), 385, "enc(N) has the 00 sign byte");
        let g = to_java_bytes(&[generator()]);
        assert_eq!(g, [2u8]);
        let mut h = Sha256::new();
        h.update(&n);
        h.update(&g);
        let k: [u8; 32] = h.finalize().into();
        assert_eq!(k, multiplier_bytes());
        assert_eq!(
            multiplier_bytes(),
            [
                0x53, 0x82, 0x82, 0xc4, 0x35, 0x47, 0x42, 0xd7, 0xcb, 0xbd, 0xe2, 0x35, 0x9f, 0xcf,
                0x67, 0xf9, 0xf5, 0xb3, 0xa6, 0xb0, 0x87, 0x91, 0xe5, 0x01, 0x1b, 0x43, 0xb8, 0xa5,
                0xb6, 0x6d, 0x9e, 0xe6
            ]
        );
    }

    #[test]
    fn n_is_the_rfc3526_prime() {
        let n = modulus_bytes();
        assert_eq!(n[..8], [0xff; 8]);
        assert_eq!(n[376..], [0xff; 8]);
        assert_eq!(n[8..12], [0xc9, 0x0f, 0xda, 0xa2]);
    }
}
