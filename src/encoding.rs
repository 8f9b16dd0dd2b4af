//! Wire encodings: the Java-`BigInteger` byte form `enc` ("padHex"), minimal lowercase hex,
//! hex parsing of `SALT` / `SRP_B`, and base64.
//!
//! Every integer that feeds a hash, an HMAC key or the HKDF goes through `enc`: the shortest
//! big-endian two's-complement form, i.e. the magnitude without leading zero bytes, with one
//! `00` byte in front when its top bit is set, and `[00]` for zero.

use alloc::string::String;
use alloc::vec::Vec;

use base64::Engine as _;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use crypto_bigint::U3072;
use subtle::{ConditionallySelectable, ConstantTimeEq};
use zeroize::Zeroizing;

use crate::error::{Error, Result};

/// `enc(n)` of a non-negative integer given as big-endian magnitude bytes (leading zero bytes
/// allowed): what Java's `BigInteger.toByteArray()` returns. For public values only: it
/// branches on the bytes.
#[must_use]
pub(crate) fn to_java_bytes(magnitude: &[u8]) -> Vec<u8> {
    let start = magnitude
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(magnitude.len());
    let digits = magnitude.get(start..).unwrap_or_default();
    let mut out = Vec::with_capacity(digits.len() + 1);
    match digits.first() {
        None => out.push(0),
        Some(&first) if first >= 0x80 => out.push(0),
        Some(_) => {}
    }
    out.extend_from_slice(digits);
    out
}

/// `enc(−m)` for a magnitude `m > 0`: the shortest two's-complement form of a negative
/// integer (Java `BigInteger.toByteArray()`), e.g. −95 → `a1`, −128 → `80`, −129 → `ff 7f`.
/// For a zero magnitude this is `enc(0)`.
fn to_java_bytes_negative(magnitude: &[u8]) -> Vec<u8> {
    let start = magnitude
        .iter()
        .position(|&b| b != 0)
        .unwrap_or(magnitude.len());
    let digits = magnitude.get(start..).unwrap_or_default();
    if digits.is_empty() {
        return alloc::vec![0];
    }
    // Two's complement over `digits.len()` bytes: invert and add one.
    let mut out: Vec<u8> = digits.iter().map(|b| !b).collect();
    for byte in out.iter_mut().rev() {
        let (sum, carry) = byte.overflowing_add(1);
        *byte = sum;
        if !carry {
            break;
        }
    }
    // The value fits in `len` bytes iff m ≤ 2^(8·len − 1), i.e. the top bit of the result is
    // set; otherwise one more sign byte 0xff is needed. Then drop redundant 0xff bytes whose
    // successor keeps the sign (shortest form).
    if out.first().is_some_and(|&b| b < 0x80) {
        out.insert(0, 0xff);
    }
    while out.len() > 1 && out.first() == Some(&0xff) && out.get(1).is_some_and(|&b| b >= 0x80) {
        out.remove(0);
    }
    out
}

/// `enc` of a secret 3072-bit value, e.g. the premaster secret S.
///
/// The position of the first non-zero byte and whether it needs a sign byte are found with a
/// full constant-time scan; only the resulting length is used to shape the output. That length
/// is forced by the protocol (Cognito hashes the minimal encoding), so it is the one piece of
/// information about the value that its timing may reveal: which of ~385 lengths it has.
pub(crate) fn to_java_bytes_secret(value: &U3072) -> Zeroizing<Vec<u8>> {
    let bytes = Zeroizing::new(value.to_be_bytes());
    let bytes: &[u8] = bytes.as_ref();
    let mut leading_zeros: usize = 0;
    let mut in_prefix = subtle::Choice::from(1u8);
    let mut first_significant: u8 = 0;
    for &byte in bytes {
        let is_zero = byte.ct_eq(&0);
        // The first non-zero byte is where `in_prefix` flips from 1 to 0.
        let is_first = in_prefix & !is_zero;
        first_significant.conditional_assign(&byte, is_first);
        in_prefix &= is_zero;
        leading_zeros += usize::from(in_prefix.unwrap_u8());
    }
    // Declassified from here on: the protocol's output length. A zero value keeps one byte.
    let skip = leading_zeros.min(bytes.len() - 1);
    let sign_byte = first_significant >> 7 == 1;
    let mut out = Zeroizing::new(Vec::with_capacity(bytes.len() - skip + 1));
    if sign_byte {
        out.push(0);
    }
    out.extend_from_slice(bytes.get(skip..).unwrap_or_default());
    out
}

/// Minimal lowercase hex of a non-negative integer's magnitude: no leading zeros, `"0"` for
/// zero. This is the `SRP_A` wire form.
#[must_use]
pub(crate) fn to_minimal_hex(magnitude: &[u8]) -> String {
    let mut out = String::with_capacity(magnitude.len() * 2);
    for &byte in magnitude {
        for nibble in [byte >> 4, byte & 0x0f] {
            if out.is_empty() && nibble == 0 {
                continue;
            }
            out.extend(char::from_digit(u32::from(nibble), 16));
        }
    }
    if out.is_empty() {
        out.push('0');
    }
    out
}

/// A hexadecimal integer parsed from a challenge parameter.
#[derive(Clone, Debug, Eq, PartialEq)]
pub(crate) struct HexInt {
    /// Big-endian magnitude, no leading zero bytes (empty for zero).
    pub(crate) magnitude: Vec<u8>,
    /// `true` for a `-` prefix with a non-zero magnitude.
    pub(crate) negative: bool,
}

impl HexInt {
    /// `enc` of the integer (two's complement for a negative one).
    pub(crate) fn to_java_bytes(&self) -> Vec<u8> {
        if self.negative {
            to_java_bytes_negative(&self.magnitude)
        } else {
            to_java_bytes(&self.magnitude)
        }
    }
}

/// Parse the text of an integer-valued challenge parameter as a base-16 integer, the way the
/// official SDKs do: case-insensitive, odd length and redundant leading zeros allowed, and a
/// leading `-` when `allow_negative`. Anything else (empty, `0x`, `+`, spaces, other
/// characters) is [`Error::MalformedParameter`] naming `name`.
pub(crate) fn parse_hex_int(
    name: &'static str,
    text: &str,
    allow_negative: bool,
) -> Result<HexInt> {
    let malformed = Error::MalformedParameter { name };
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) if allow_negative => (true, rest),
        Some(_) => return Err(malformed),
        None => (false, text),
    };
    let digits = digits.as_bytes();
    if digits.is_empty() {
        return Err(malformed);
    }
    let mut nibbles = Vec::with_capacity(digits.len() + 1);
    if digits.len() % 2 == 1 {
        nibbles.push(0);
    }
    for &c in digits {
        let v = match c {
            b'0'..=b'9' => c - b'0',
            b'a'..=b'f' => c - b'a' + 10,
            b'A'..=b'F' => c - b'A' + 10,
            _ => return Err(malformed),
        };
        nibbles.push(v);
    }
    let bytes: Vec<u8> = nibbles
        .chunks_exact(2)
        .map(|pair| match pair {
            [hi, lo] => (hi << 4) | lo,
            _ => 0, // `chunks_exact(2)` yields pairs only
        })
        .collect();
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    let magnitude = bytes.get(start..).unwrap_or_default().to_vec();
    let negative = negative && !magnitude.is_empty();
    Ok(HexInt {
        magnitude,
        negative,
    })
}

/// Standard base64 with padding: the output form of signatures, `SECRET_HASH`, device
/// passwords and verifiers. Constant time (`base64ct`): some of these bytes are secret when
/// they are encoded (a new device password, a device verifier, the server's expected
/// signature and `SECRET_HASH` before the comparison).
#[must_use]
pub(crate) fn base64_encode(bytes: &[u8]) -> String {
    <base64ct::Base64 as base64ct::Encoding>::encode_string(bytes)
}

/// Standard alphabet, padding optional: after URL-safe characters are mapped, this accepts
/// what Amplify JS v6 accepts.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// Decode a `SECRET_BLOCK`: standard base64, also accepting the URL-safe alphabet (`-`, `_`)
/// and missing `=` padding (as Amplify JS v6 does). Anything else is
/// [`Error::MalformedParameter`] naming `name`.
pub(crate) fn decode_base64_lenient(name: &'static str, text: &str) -> Result<Vec<u8>> {
    let normalized: Vec<u8> = text
        .bytes()
        .map(|c| match c {
            b'-' => b'+',
            b'_' => b'/',
            other => other,
        })
        .collect();
    LENIENT
        .decode(normalized)
        .map_err(|_| Error::MalformedParameter { name })
}

/// Left-pad big-endian bytes (at most 384 of them) to a 3072-bit integer.
pub(crate) fn u3072_from_be_slice(bytes: &[u8]) -> Option<U3072> {
    let offset = 384usize.checked_sub(bytes.len())?;
    let mut buf = Zeroizing::new([0u8; 384]);
    buf.get_mut(offset..)?.copy_from_slice(bytes);
    Some(U3072::from_be_slice(buf.as_ref()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn java_bytes_table_of_spec_section_2() {
        let cases: &[(&[u8], &[u8])] = &[
            (&[], &[0x00]),
            (&[0x00], &[0x00]),
            (&[0x01], &[0x01]),
            (&[0x7f], &[0x7f]),
            (&[0x80], &[0x00, 0x80]),
            (&[0xff], &[0x00, 0xff]),
            (&[0x01, 0x00], &[0x01, 0x00]),
            (&[0x0a, 0x1b, 0x2c], &[0x0a, 0x1b, 0x2c]),
            (&[0x00, 0x01, 0x23, 0x45], &[0x01, 0x23, 0x45]),
            (&[0x00, 0x00, 0x80, 0x01], &[0x00, 0x80, 0x01]),
        ];
        for (input, expected) in cases {
            assert_eq!(to_java_bytes(input), *expected, "enc({input:02x?})");
        }
    }

    #[test]
    fn negative_java_bytes_table_of_spec_section_2() {
        let cases: &[(&[u8], &[u8])] = &[
            (&[0x5f], &[0xa1]),                   // −95
            (&[0x80], &[0x80]),                   // −128
            (&[0x81], &[0xff, 0x7f]),             // −129
            (&[0x01, 0x00], &[0xff, 0x00]),       // −256
            (&[0x01], &[0xff]),                   // −1
            (&[0x7f], &[0x81]),                   // −127
            (&[0x00, 0x80, 0x00], &[0x80, 0x00]), // −32768
            (&[0x80, 0x01], &[0xff, 0x7f, 0xff]), // −32769
        ];
        for (input, expected) in cases {
            assert_eq!(
                to_java_bytes_negative(input),
                *expected,
                "enc(-{input:02x?})"
            );
        }
        assert_eq!(to_java_bytes_negative(&[]), [0x00]);
    }

    #[test]
    fn secret_java_bytes_agree_with_public_ones() {
        let mut samples: Vec<[u8; 384]> = Vec::new();
        samples.push([0u8; 384]);
        let mut one = [0u8; 384];
        one[383] = 1;
        samples.push(one);
        let mut high = [0u8; 384];
        high[0] = 0x80;
        samples.push(high);
        let mut mid = [0u8; 384];
        mid[5] = 0x7f;
        mid[6] = 0xff;
        samples.push(mid);
        let mut mid_high = [0u8; 384];
        mid_high[5] = 0x81;
        samples.push(mid_high);
        samples.push([0xab; 384]);
        for s in samples {
            let v = U3072::from_be_slice(&s);
            assert_eq!(*to_java_bytes_secret(&v), to_java_bytes(&s));
        }
    }

    #[test]
    fn minimal_hex() {
        assert_eq!(to_minimal_hex(&[]), "0");
        assert_eq!(to_minimal_hex(&[0, 0]), "0");
        assert_eq!(to_minimal_hex(&[0x02]), "2");
        assert_eq!(to_minimal_hex(&[0x00, 0x0a, 0xbc]), "abc");
        assert_eq!(to_minimal_hex(&[0xab, 0x01]), "ab01");
    }

    #[test]
    fn hex_parsing_rules() {
        let p = |t: &str| parse_hex_int("SALT", t, true);
        assert_eq!(p("abc").map(|h| h.magnitude), Ok(alloc::vec![0x0a, 0xbc]));
        assert_eq!(p("ABC"), p("abc"));
        assert_eq!(p("000abc"), p("abc"));
        assert_eq!(p("0").map(|h| h.to_java_bytes()), Ok(alloc::vec![0]));
        assert_eq!(p("-0").map(|h| h.to_java_bytes()), Ok(alloc::vec![0]));
        assert_eq!(p("-5f").map(|h| h.to_java_bytes()), Ok(alloc::vec![0xa1]));
        for bad in ["", "-", "0x12", "+12", " 12", "12 ", "1g", "--1", "é"] {
            assert_eq!(
                p(bad),
                Err(Error::MalformedParameter { name: "SALT" }),
                "{bad:?}"
            );
        }
        assert_eq!(
            parse_hex_int("SRP_B", "-1", false),
            Err(Error::MalformedParameter { name: "SRP_B" })
        );
    }

    #[test]
    fn secret_block_decoding_rules() {
        let d = |t: &str| decode_base64_lenient("SECRET_BLOCK", t);
        assert_eq!(d("+/8="), Ok(alloc::vec![0xfb, 0xff]));
        assert_eq!(d("-_8="), Ok(alloc::vec![0xfb, 0xff]));
        assert_eq!(d("+/8"), Ok(alloc::vec![0xfb, 0xff]));
        assert_eq!(d(""), Ok(alloc::vec![]));
        for bad in ["+/8=x", "a", "ab!c", "ab c=", "===="] {
            assert_eq!(
                d(bad),
                Err(Error::MalformedParameter {
                    name: "SECRET_BLOCK"
                }),
                "{bad:?}"
            );
        }
    }
}
