//! Lowercase hexadecimal text: the pool's random ids and the JSON escapes of control
//! characters.

use alloc::string::String;

/// The two lowercase hex digits of a byte.
pub(super) fn digits(byte: u8) -> [char; 2] {
    // Each nibble is below 16, so the digit is `0`–`9` or `a`–`f`.
    [byte >> 4, byte & 0x0f].map(|nibble| {
        char::from(if nibble < 10 {
            b'0' + nibble
        } else {
            b'a' - 10 + nibble
        })
    })
}

/// `bytes` as hex, with a `-` before each byte whose index is in `dashes` (a UUID's
/// `8-4-4-4-12` form: dashes before bytes 4, 6, 8 and 10), written into a text of its final
/// size (no copy of it is left behind in a reallocated block).
pub(super) fn text(bytes: &[u8], dashes: &[usize]) -> String {
    let mut text =
        String::with_capacity(bytes.len().saturating_mul(2).saturating_add(dashes.len()));
    for (index, byte) in bytes.iter().enumerate() {
        if dashes.contains(&index) {
            text.push('-');
        }
        text.extend(digits(*byte));
    }
    text
}
