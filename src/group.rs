//! The SRP group Cognito uses: the RFC 3526 3072-bit MODP prime N, generator g = 2, and the
//! SRP-6a multiplier k = H(enc(N) ‖ enc(g)).

mod g_table;

use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
use crypto_bigint::{MultiExponentiateBoundedExp as _, Odd, U64, U128, U256, U3072, Uint};
use zeroize::Zeroize as _;

use g_table::G_TABLE_MONTGOMERY;

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
#[cfg(test)]
pub(crate) fn g_monty() -> Monty {
    Monty::new(&U3072::from_u8(generator()), &PARAMS)
}

/// Fixed-base exponentiation `g^e mod N`, constant time in `e`.
///
/// `e` (little-endian bytes) is cut into `M` chunks of `Uint::<L>::BITS` bits; chunk `j`
/// is the exponent of the precomputed public base `g^(2^(64·STEP·j))`, and one
/// multi-exponentiation (`crypto-bigint`'s, constant time with a public bit bound) computes
/// the product. This replaces ~`bits` squarings by ~`bits / M` of them. Only chunk positions,
/// which are public, are used as indices.
fn pow_g_chunked<const M: usize, const L: usize, const STEP: usize>(e_le: &[u8]) -> Monty {
    let chunk_bytes = Uint::<L>::BYTES;
    let mut pairs: [(Monty, Uint<L>); M] = core::array::from_fn(|j| {
        let base = G_TABLE_MONTGOMERY
            .get(j * STEP)
            .map_or(Monty::one(&PARAMS), |b| Monty::from_montgomery(*b, &PARAMS));
        let chunk = e_le
            .get(j * chunk_bytes..(j + 1) * chunk_bytes)
            .map_or(Uint::<L>::ZERO, Uint::<L>::from_le_slice);
        (base, chunk)
    });
    let result = Monty::multi_exponentiate_bounded_exp(&pairs, Uint::<L>::BITS);
    for (_, chunk) in &mut pairs {
        chunk.zeroize();
    }
    result
}

/// `g^a mod N` for a secret `a < 2^1024`: 8 bases `g^(2^(128·j))`, 128-bit chunks.
pub(crate) fn pow_g_1024(a: &U3072) -> Monty {
    let mut bytes = a.to_le_bytes();
    let result = pow_g_chunked::<8, { U128::LIMBS }, 2>(bytes.as_ref());
    bytes.as_mut().zeroize();
    result
}

/// `g^x mod N` for a secret `x < 2^256`: 4 bases `g^(2^(64·j))`, 64-bit chunks.
pub(crate) fn pow_g_256(x: &U256) -> Monty {
    let mut bytes = x.to_le_bytes();
    let result = pow_g_chunked::<4, { U64::LIMBS }, 1>(bytes.as_ref());
    bytes.as_mut().zeroize();
    result
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
    fn g_table_is_powers_of_g() {
        // Regenerate with: R = 2^3072 mod N; entry j = (2^(2^(64·j)) mod N) · R mod N.
        let mut power = g_monty();
        for (j, entry) in G_TABLE_MONTGOMERY.iter().enumerate() {
            assert_eq!(
                Monty::from_montgomery(*entry, &PARAMS).retrieve(),
                power.retrieve(),
                "entry {j}"
            );
            for _ in 0..64 {
                power = power.square();
            }
        }
    }

    #[test]
    fn fixed_base_exponentiation_matches_plain_pow() {
        let samples = [
            U3072::ZERO,
            U3072::ONE,
            U3072::from_u64(0x1234_5678_9abc_def0),
            U3072::MAX.shr_vartime(2048),
            U3072::MAX
                .shr_vartime(2048)
                .wrapping_sub(&U3072::from_u64(12345)),
            U3072::ONE.shl_vartime(1023),
            U3072::ONE.shl_vartime(127),
            U3072::ONE.shl_vartime(128),
        ];
        for a in samples {
            assert_eq!(
                pow_g_1024(&a).retrieve(),
                g_monty().pow_bounded_exp(&a, 1024).retrieve()
            );
            let x: U256 = a.resize();
            assert_eq!(
                pow_g_256(&x).retrieve(),
                g_monty().pow_bounded_exp(&x, 256).retrieve()
            );
        }
    }

    #[test]
    fn n_is_the_rfc3526_prime() {
        let n = modulus_bytes();
        assert_eq!(n[..8], [0xff; 8]);
        assert_eq!(n[376..], [0xff; 8]);
        assert_eq!(n[8..12], [0xc9, 0x0f, 0xda, 0xa2]);
    }
}
