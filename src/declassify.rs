//! Declassification points: where a value computed from secrets becomes public by protocol
//! (the model of `BoringSSL`'s `CONSTTIME_DECLASSIFY`).
//!
//! The crate calls these at exactly the places its README lists ("Security"): `A` once `g^a`
//! is computed, `B` on the server, the length and sign byte of `enc` of a secret, the claim
//! signature when it is sent, the padding count of a received device verifier, and each
//! verdict (whether a check on secrets passed) right before the branch on it. Outside the
//! valgrind harness in `ct/` they do nothing. With the crate's internal `ctgrind` feature,
//! which only that harness enables, they tell valgrind memcheck that the bytes are defined from
//! here on, so memcheck keeps reporting every other branch or address that depends on a
//! secret, and the harness needs no suppression file naming the crate's functions or lines.

use subtle::Choice;

/// The bytes of `value` itself (not what it points to) are public from here on.
pub(crate) fn declassify<T>(value: &mut T) {
    #[cfg(feature = "ctgrind")]
    {
        // `Err` only outside valgrind, where there is nothing to mark.
        let _ = crabgrind::memcheck::mark_memory(
            core::ptr::from_mut(value).cast_const().cast(),
            size_of::<T>(),
            crabgrind::memcheck::MemState::Defined,
        );
        // Later uses read the value back from memory, where it is now defined.
        core::hint::black_box(&mut *value);
    }
    #[cfg(not(feature = "ctgrind"))]
    let _ = value;
}

/// A verdict on secrets (whether a check passed), public from here on: the caller branches
/// on the returned `bool`.
pub(crate) fn verdict(choice: Choice) -> bool {
    let mut choice = choice;
    declassify(&mut choice);
    bool::from(choice)
}
