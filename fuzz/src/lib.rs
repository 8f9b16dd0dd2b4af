//! Shared helpers of the fuzz targets: the line format of their inputs, a deterministic RNG,
//! and the set of documented errors.
//!
//! Text targets read their input as lines `KEY=VALUE`. Keys starting with `@` configure the
//! harness (`@pool`, `@client`, `@secret`, `@password`, `@a`, `@now`, `@device_key`,
//! `@group_key`, `@username`); every other line is a challenge (or response) parameter. The
//! seed corpora in `corpus/<target>/` are the shared test vectors written in this format.

use std::collections::BTreeMap;

use cognito_srp_auth::Error;
use cognito_srp_auth::rand_core::{TryCryptoRng, TryRng};

/// The parsed lines of a text input.
#[derive(Debug, Default)]
pub struct Input {
    /// Harness settings (`@key` lines, without the `@`).
    pub settings: BTreeMap<String, String>,
    /// Parameters (all other lines). A repeated key keeps its last value.
    pub params: BTreeMap<String, String>,
}

impl Input {
    /// Parse `KEY=VALUE` lines; lines without `=` are ignored.
    #[must_use]
    pub fn parse(data: &[u8]) -> Self {
        let text = String::from_utf8_lossy(data);
        let mut input = Self::default();
        for line in text.split('\n') {
            if let Some((key, value)) = line.split_once('=') {
                match key.strip_prefix('@') {
                    Some(setting) => input.settings.insert(setting.to_owned(), value.to_owned()),
                    None => input.params.insert(key.to_owned(), value.to_owned()),
                };
            }
        }
        input
    }

    /// A setting, or `default`.
    #[must_use]
    pub fn setting<'a>(&'a self, key: &str, default: &'a str) -> &'a str {
        self.settings.get(key).map_or(default, String::as_str)
    }

    /// A parameter lookup for `from_params`.
    #[must_use]
    pub fn lookup<'a>(&'a self) -> impl Fn(&str) -> Option<&'a str> + 'a {
        move |name| self.params.get(name).map(String::as_str)
    }
}

/// Decode hex leniently (odd length gets a leading zero; anything else is dropped), at most
/// `max` bytes.
#[must_use]
pub fn hex_bytes(text: &str, max: usize) -> Vec<u8> {
    let digits: Vec<u8> = text
        .bytes()
        .filter_map(|c| (c as char).to_digit(16).map(|d| d as u8))
        .collect();
    let mut out = Vec::new();
    let mut iter = digits.iter();
    if digits.len() % 2 == 1 {
        out.push(*iter.next().unwrap_or(&0));
    }
    while let (Some(hi), Some(lo)) = (iter.next(), iter.next()) {
        out.push((hi << 4) | lo);
    }
    out.truncate(max);
    out
}

/// The errors the crate documents for untrusted input; anything else is a finding.
#[must_use]
pub fn documented(e: &Error) -> bool {
    matches!(
        e,
        Error::MissingParameter { .. }
            | Error::MalformedParameter { .. }
            | Error::InvalidPoolId
            | Error::IllegalServerB
            | Error::IllegalScrambler
            | Error::IllegalEphemeral
            | Error::MalformedDevice
            | Error::DeviceKeyMismatch
            | Error::OutOfOrder
            | Error::UnexpectedChallenge { .. }
            | Error::AnswerMismatch
            | Error::Refused { .. }
            | Error::PasswordDowngrade
            | Error::ClaimLimit { .. }
            | Error::RoundLimit
            | Error::IllegalClientA
            | Error::IncorrectClaim
            | Error::InvalidTimestamp
            | Error::StaleTimestamp
            | Error::SecretHashMismatch
    )
}

/// A deterministic "RNG" for fuzzing: a counter hashed into bytes. Never use outside tests.
#[derive(Debug)]
pub struct CounterRng(pub u64);

impl TryRng for CounterRng {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok(self.try_next_u64()? as u32)
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        // SplitMix64.
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        Ok(z ^ (z >> 31))
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for chunk in dst.chunks_mut(8) {
            let v = self.try_next_u64()?.to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
        Ok(())
    }
}

impl TryCryptoRng for CounterRng {}
