//! The SRP group Cognito uses: the RFC 3526 3072-bit MODP prime N, generator g = 2, and the
//! SRP-6a multiplier k = H(enc(N) ‖ enc(g)).

use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
use crypto_bigint::{Odd, U256, U3072};
use subtle::ConstantTimeEq as _;
use zeroize::Zeroizing;

/// Limbs of a 3072-bit integer on this target.
pub(crate) const LIMBS: usize = U3072::LIMBS;

/// An integer modulo N in Montgomery form.
pub(crate) type Monty = FixedMontyForm<LIMBS>;

mod modulus;

use modulus::N_HEX;

mod mont;

use mont::{from_limbs, to_limbs};

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

/// Whether `v` is a usable password verifier: `2 ≤ v ≤ N − 1`. Constant time; the caller
/// declassifies the verdict. `v = 0` (or `N`) makes `S = 0` whatever the password, and
/// `v = 1` is `g^0`: both would let a claim be forged without the password.
pub(crate) fn verifier_in_range(v: &U3072) -> subtle::Choice {
    use subtle::{ConstantTimeGreater as _, ConstantTimeLess as _};
    v.ct_gt(&U3072::ONE) & v.ct_lt(N.as_ref())
}

/// g in Montgomery form.
#[cfg(test)]
pub(crate) fn g_monty() -> Monty {
    Monty::new(&U3072::from_u8(generator()), &PARAMS)
}

/// Teeth of the comb tables written by `build.rs`: `2^8 = 256` entries per table.
const COMB_TEETH: usize = 8;

/// Bytes of one comb-table entry (a Montgomery-form residue, little-endian).
const ENTRY_BYTES: usize = U3072::BYTES;

/// Bytes of one comb table.
const COMB_BYTES: usize = (1 << COMB_TEETH) * ENTRY_BYTES;

/// Spacing of the teeth of the 1024-bit comb tables, in bits: `8 · 128 = 1024` exponent bits.
const SPACING_1024: usize = 128;

/// Spacing of the teeth of the 512-bit comb tables, in bits: `8 · 64 = 512` exponent bits.
const SPACING_512: usize = 64;

/// Spacing of the teeth of [`COMB_256`], in bits: `8 · 32 = 256` exponent bits.
const SPACING_256: usize = 32;

/// Comb tables for exponents below 2^1024: entry `s` of table `t` is
/// `g^(Σ_{j ∈ bits(s)} 2^(128·j + 64·t)) · R mod N`. Public constants computed by `build.rs`,
/// checked by the tests below.
static COMB_1024: [&[u8; COMB_BYTES]; 2] = [
    include_bytes!(concat!(env!("OUT_DIR"), "/g_comb_1024_0.bin")),
    include_bytes!(concat!(env!("OUT_DIR"), "/g_comb_1024_1.bin")),
];

/// Comb tables for exponents below 2^512: entry `s` of table `t` is
/// `g^(Σ_{j ∈ bits(s)} 2^(64·j + 32·t)) · R mod N`.
static COMB_512: [&[u8; COMB_BYTES]; 2] = [
    include_bytes!(concat!(env!("OUT_DIR"), "/g_comb_512_0.bin")),
    include_bytes!(concat!(env!("OUT_DIR"), "/g_comb_512_1.bin")),
];

/// Comb table for exponents below 2^256: entry `s` is `g^(Σ_{j ∈ bits(s)} 2^(32·j)) · R mod N`.
static COMB_256: [&[u8; COMB_BYTES]; 1] =
    [include_bytes!(concat!(env!("OUT_DIR"), "/g_comb_256.bin"))];

/// Entry `index` of a comb table (Montgomery form), in constant time: every entry is read and
/// masked, 64 bits at a time, so neither a branch nor an address depends on the (secret) index.
fn comb_lookup(table: &[u8; COMB_BYTES], index: u8) -> mont::Limbs {
    let mut entry = [0u64; mont::LIMBS];
    for (candidate, position) in table.chunks_exact(ENTRY_BYTES).zip(0..=u8::MAX) {
        let mask = 0u64.wrapping_sub(u64::from(position.ct_eq(&index).unwrap_u8()));
        for (out, word) in entry.iter_mut().zip(candidate.chunks_exact(8)) {
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(word);
            *out |= u64::from_le_bytes(bytes) & mask;
        }
    }
    entry
}

/// Fixed-base exponentiation `g^e mod N` by the comb method (Lim–Lee), constant time in `e`.
///
/// `e` (little-endian bytes, below `2^(8·SPACING)`) is read as 8 rows of `SPACING` bits, and
/// each row's columns are split among the `V` tables: table `t` holds every product of the 8
/// public bases `g^(2^(SPACING·j + t·SPACING/V))`. Column `i` (bit `i` of every row) selects
/// one entry of one table, so `g^e` takes `SPACING/V − 1` squarings and `SPACING − 1`
/// multiplications (the dedicated kernel, `group/mont.rs`), each entry fetched by a full
/// constant-time scan. Only bit positions, which are public, are used as indices.
#[allow(clippy::integer_division_remainder_used)] // public bit positions and constants only
fn pow_g_comb<const SPACING: usize, const V: usize>(
    tables: &[&[u8; COMB_BYTES]; V],
    e_le: &[u8],
) -> Monty {
    let span = SPACING / V;
    let column = |i: usize| -> u8 {
        (0..COMB_TEETH).fold(0u8, |index, row| {
            let position = row * SPACING + i;
            let bit = e_le
                .get(position / 8)
                .map_or(0, |byte| (byte >> (position % 8)) & 1);
            index | (bit << row)
        })
    };
    // The first entry starts the product (the branches are on public loop positions only).
    let mut acc = Zeroizing::new(mont::R_MOD_N);
    let mut entry = Zeroizing::new([0u64; mont::LIMBS]);
    let mut started = false;
    for i in (0..span).rev() {
        if started {
            *acc = mont::mont_sqr(&acc);
        }
        for (t, table) in tables.iter().enumerate() {
            *entry = comb_lookup(table, column(t * span + i));
            *acc = if started {
                mont::mont_mul(&acc, &entry)
            } else {
                *entry
            };
            started = true;
        }
    }
    Monty::from_montgomery(from_limbs(&acc), &PARAMS)
}

/// `g^a mod N` for a secret `a < 2^1024` (A, the server's `g^b`); bits of `a` above 2^1024 are
/// not read (the 1024-bit class: 65 to 128 bytes).
pub(crate) fn pow_g_1024(a: &U3072) -> Monty {
    let bytes = Zeroizing::new(a.to_le_bytes());
    pow_g_comb::<SPACING_1024, 2>(&COMB_1024, bytes.as_ref())
}

/// `g^a mod N` for a secret `a < 2^512` (a 64-byte ephemeral); bits of `a` above 2^512 are
/// not read.
pub(crate) fn pow_g_512(a: &U3072) -> Monty {
    let bytes = Zeroizing::new(a.to_le_bytes());
    pow_g_comb::<SPACING_512, 2>(&COMB_512, bytes.as_ref())
}

/// The size class of a private ephemeral (`a` or `b`): a public property of the key, the
/// number of bytes it was drawn (or given) as, never of its value. It bounds the exponent of
/// `g^a` and of `S`.
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
pub(crate) enum EphemeralBits {
    /// 64 bytes: what this crate draws.
    B512,
    /// 65 to 128 bytes: what the official clients draw (and the test vectors use).
    B1024,
}

impl EphemeralBits {
    /// The class of an ephemeral of `len` big-endian bytes; `None` above 128.
    pub(crate) fn of_len(len: usize) -> Option<Self> {
        match len {
            0..=64 => Some(Self::B512),
            65..=128 => Some(Self::B1024),
            _ => None,
        }
    }

    /// The public bit bound of the ephemeral.
    pub(crate) fn bits(self) -> u32 {
        match self {
            Self::B512 => 512,
            Self::B1024 => 1024,
        }
    }

    /// `g^e mod N` with the fixed-base tables of this class.
    pub(crate) fn pow_g(self, e: &U3072) -> Monty {
        match self {
            Self::B512 => pow_g_512(e),
            Self::B1024 => pow_g_1024(e),
        }
    }
}

/// `g^x mod N` for a secret `x < 2^256` (the verifiers `g^x`).
pub(crate) fn pow_g_256(x: &U256) -> Monty {
    let bytes = Zeroizing::new(x.to_le_bytes());
    pow_g_comb::<SPACING_256, 1>(&COMB_256, bytes.as_ref())
}

/// `base^e mod N` for a secret `base` and a secret `e`, of which only the low `bits` bits are
/// read (a public bound): the dedicated Montgomery kernel (`group/mont.rs`), constant time in
/// `base` and `e`.
pub(crate) fn pow_secret(base: &Monty, e: &U3072, bits: u32) -> Monty {
    let base = Zeroizing::new(to_limbs(base.as_montgomery()));
    let e = Zeroizing::new(to_limbs(e));
    let power = Zeroizing::new(mont::pow(&base, &e, bits));
    Monty::from_montgomery(from_limbs(&power), &PARAMS)
}

/// k in Montgomery form.
pub(crate) fn k_monty() -> Monty {
    Monty::new(&K, &PARAMS)
}

#[cfg(test)]
#[allow(clippy::integer_division_remainder_used)] // tests compute on public values
mod tests {
    use super::*;
    use crate::encoding::to_java_bytes_vartime;
    use sha2::{Digest, Sha256};

    #[test]
    fn k_is_hash_of_java_encoded_n_and_g() {
        let n = to_java_bytes_vartime(&modulus_bytes());
        assert_eq!(n.len(), 385, "enc(N) has the 00 sign byte");
        let g = to_java_bytes_vartime(&[generator()]);
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

    /// Entry `s` of a comb table, read directly (test only).
    fn entry(table: &[u8; COMB_BYTES], s: usize) -> U3072 {
        Monty::from_montgomery(
            U3072::from_le_slice(&table[s * ENTRY_BYTES..(s + 1) * ENTRY_BYTES]),
            &PARAMS,
        )
        .retrieve()
    }

    fn check_comb_table(table: &[u8; COMB_BYTES], spacing: usize, offset: usize) {
        let (spacing, offset) = (
            u32::try_from(spacing).unwrap(),
            u32::try_from(offset).unwrap(),
        );
        // The teeth are g^(2^(spacing·j + offset)), from repeated squaring of g.
        let mut tooth = g_monty().square_repeat_vartime(offset);
        let mut teeth = alloc::vec::Vec::new();
        for j in 0..COMB_TEETH {
            assert_eq!(entry(table, 1 << j), tooth.retrieve(), "tooth {j}");
            teeth.push(tooth);
            tooth = tooth.square_repeat_vartime(spacing);
        }
        // Every entry is the product of its teeth (the empty product is 1).
        for s in 0..1usize << COMB_TEETH {
            let product = (0..COMB_TEETH)
                .filter(|j| s >> j & 1 == 1)
                .fold(Monty::one(&PARAMS), |p, j| p.mul(&teeth[j]));
            assert_eq!(entry(table, s), product.retrieve(), "entry {s}");
        }
        // And a few of them by plain exponentiation with the whole exponent.
        for s in [0x03usize, 0x81, 0xa5, 0xff] {
            let mut exponent = U3072::ZERO;
            for j in (0..COMB_TEETH).filter(|j| s >> j & 1 == 1) {
                let bit = spacing * u32::try_from(j).unwrap() + offset;
                exponent = exponent.wrapping_add(&U3072::ONE.shl_vartime(bit));
            }
            assert_eq!(
                entry(table, s),
                g_monty().pow_vartime(&exponent).retrieve(),
                "entry {s}"
            );
        }
    }

    #[test]
    fn comb_tables_are_products_of_powers_of_g() {
        check_comb_table(COMB_1024[0], SPACING_1024, 0);
        check_comb_table(COMB_1024[1], SPACING_1024, SPACING_1024 / 2);
        check_comb_table(COMB_512[0], SPACING_512, 0);
        check_comb_table(COMB_512[1], SPACING_512, SPACING_512 / 2);
        check_comb_table(COMB_256[0], SPACING_256, 0);
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
            U3072::ONE.shl_vartime(511),
            U3072::ONE.shl_vartime(63),
            U3072::MAX.shr_vartime(2560),
        ];
        for a in samples {
            assert_eq!(
                pow_g_1024(&a).retrieve(),
                g_monty().pow_bounded_exp(&a, 1024).retrieve()
            );
            let a512 = a.bitand(&U3072::MAX.shr_vartime(3072 - 512));
            assert_eq!(
                pow_g_512(&a512).retrieve(),
                g_monty().pow_bounded_exp(&a512, 512).retrieve()
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
