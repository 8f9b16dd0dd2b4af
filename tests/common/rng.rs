//! Test RNGs: one that always fails, one that returns a single byte value forever.
#![allow(
    dead_code,
    unreachable_pub,
    clippy::std_instead_of_core,
    clippy::std_instead_of_alloc
)]

use std::convert::Infallible;
use std::fmt;

use rand::{TryCryptoRng, TryRng};

/// An RNG that fails every request.
pub struct FailingRng;

#[derive(Debug)]
pub struct RngFailure;

impl fmt::Display for RngFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("entropy source failed")
    }
}

impl std::error::Error for RngFailure {}

impl TryRng for FailingRng {
    type Error = RngFailure;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Err(RngFailure)
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Err(RngFailure)
    }

    fn try_fill_bytes(&mut self, _dst: &mut [u8]) -> Result<(), Self::Error> {
        Err(RngFailure)
    }
}

impl TryCryptoRng for FailingRng {}

/// An infallible "RNG" that returns one byte value forever.
pub struct ConstantRng(pub u8);

impl TryRng for ConstantRng {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok(u32::from_ne_bytes([self.0; 4]))
    }

    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        Ok(u64::from_ne_bytes([self.0; 8]))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        dst.fill(self.0);
        Ok(())
    }
}

impl TryCryptoRng for ConstantRng {}
