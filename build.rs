//! Build script: writes the fixed-base comb tables of g = 2 that `src/group.rs` includes.
//!
//! A comb table with `TEETH` teeth spaced `spacing` bits apart, starting at bit `offset`,
//! holds for every `s` in `0..2^TEETH` the entry `T[s] = g^(Σ_{j ∈ bits(s)} 2^(spacing·j +
//! offset)) · R mod N` (Montgomery form, R = 2^3072) as 384 little-endian bytes. Everything here is public: the group's constants.
//! `src/group.rs` checks every entry against independent powers of g in its unit tests.

// A build script reports a failure by panicking; its indices are in bounds by construction.
#![allow(clippy::expect_used, clippy::indexing_slicing)]

use std::path::PathBuf;

use crypto_bigint::modular::{FixedMontyForm, FixedMontyParams};
use crypto_bigint::{Odd, U3072};

include!("src/group/modulus.rs");

/// Teeth of every comb table: 2^8 = 256 entries.
const TEETH: usize = 8;

/// The tables: file name, spacing and offset in bits. Two tables for 1024-bit exponents (teeth
/// at bits `128·j` and `128·j + 64`), two for 512-bit exponents (teeth at bits `64·j` and
/// `64·j + 32`), one for 256-bit exponents (teeth at bits `32·j`).
const TABLES: [(&str, u32, u32); 5] = [
    ("g_comb_1024_0.bin", 128, 0),
    ("g_comb_1024_1.bin", 128, 64),
    ("g_comb_512_0.bin", 64, 0),
    ("g_comb_512_1.bin", 64, 32),
    ("g_comb_256.bin", 32, 0),
];

fn comb_table(params: &FixedMontyParams<{ U3072::LIMBS }>, spacing: u32, offset: u32) -> Vec<u8> {
    let mut base = FixedMontyForm::new(&U3072::from_u8(2), params).square_repeat_vartime(offset);
    let mut teeth = Vec::with_capacity(TEETH);
    for _ in 0..TEETH {
        teeth.push(base);
        base = base.square_repeat_vartime(spacing);
    }
    let mut table: Vec<FixedMontyForm<{ U3072::LIMBS }>> = Vec::with_capacity(1 << TEETH);
    table.push(FixedMontyForm::one(params));
    for s in 1usize..1 << TEETH {
        let lowest = s.trailing_zeros() as usize;
        let entry = table[s & (s - 1)].mul(&teeth[lowest]);
        table.push(entry);
    }
    table
        .iter()
        .flat_map(|entry| entry.as_montgomery().to_le_bytes().as_ref().to_vec())
        .collect()
}

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-changed=src/group/modulus.rs");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let n = Odd::<U3072>::from_be_hex(N_HEX);
    let params = FixedMontyParams::new_vartime(n);
    for (name, spacing, offset) in TABLES {
        std::fs::write(out.join(name), comb_table(&params, spacing, offset))
            .expect("the build script can write to OUT_DIR");
    }
}
