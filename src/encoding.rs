//! Wire encodings: the Java-`BigInteger` byte form `enc` ("padHex"), minimal lowercase hex,
//! hex parsing of `SALT` / `SRP_B`, and base64.
//!
//! Functions that branch on the bytes they encode or decode end in `_vartime` and take public
//! values only (`A`, `B`, `u`, salts, the secret block, a received signature); the others
//! (`to_java_bytes_secret`, `decode_base64_secret`, `base64_encode`) are constant time in the
//! contents of their input.
//!
//! Every integer that feeds a hash, an HMAC key or the HKDF goes through `enc`: the shortest
//! big-endian two's-complement form, i.e. the magnitude without leading zero bytes, with one
//! `00` byte in front when its top bit is set, and `[00]` for zero.

use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::Write as _;

use crypto_bigint::U3072;
use subtle::{Choice, ConditionallySelectable, ConstantTimeEq};
use zeroize::Zeroizing;

use crate::declassify::declassify;
use crate::error::{Error, Result};

/// The big-endian bytes without their leading zero bytes (empty for zero). Variable time:
/// public values only. The one trimmer of the crate.
#[must_use]
pub(crate) fn trim_leading_zeros_vartime(mut bytes: &[u8]) -> &[u8] {
    while let [0, rest @ ..] = bytes {
        bytes = rest;
    }
    bytes
}

/// `enc(n)`: the Java `BigInteger.toByteArray()` form of a non-negative integer given as
/// big-endian magnitude bytes (leading zeros allowed), the form every integer takes before
/// it is hashed. Variable time: for public values only (it branches on the bytes).
///
/// ```
/// use cognito_srp_auth::to_java_bytes_vartime;
/// assert_eq!(to_java_bytes_vartime(&[0x00, 0x80]), [0x00, 0x80]);
/// assert_eq!(to_java_bytes_vartime(&[0x00, 0x00, 0x7f]), [0x7f]);
/// assert_eq!(to_java_bytes_vartime(&[]), [0x00]);
/// ```
#[must_use]
pub fn to_java_bytes_vartime(magnitude: &[u8]) -> Vec<u8> {
    let digits = trim_leading_zeros_vartime(magnitude);
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
fn to_java_bytes_negative_vartime(magnitude: &[u8]) -> Vec<u8> {
    let digits = trim_leading_zeros_vartime(magnitude);
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
    let mut in_prefix = Choice::from(1u8);
    let mut first_significant: u8 = 0;
    for &byte in bytes {
        let is_zero = byte.ct_eq(&0);
        // The first non-zero byte is where `in_prefix` flips from 1 to 0.
        let is_first = in_prefix & !is_zero;
        first_significant.conditional_assign(&byte, is_first);
        in_prefix &= is_zero;
        leading_zeros += usize::from(in_prefix.unwrap_u8());
    }
    // Declassified: the protocol's output length and sign byte (Cognito hashes the minimal
    // encoding). A zero value keeps one byte.
    let mut sign = first_significant >> 7;
    declassify(&mut leading_zeros);
    declassify(&mut sign);
    let skip = leading_zeros.min(bytes.len() - 1);
    let sign_byte = sign == 1;
    let mut out = Zeroizing::new(Vec::with_capacity(bytes.len() - skip + 1));
    if sign_byte {
        out.push(0);
    }
    out.extend(bytes.iter().skip(skip));
    out
}

/// Minimal lowercase hex of a non-negative integer's big-endian magnitude: no leading zeros,
/// `"0"` for zero; the `SRP_A` (and `SRP_B`, `SALT`) wire form. Variable time: for public
/// values only.
///
/// ```
/// assert_eq!(cognito_srp_auth::to_minimal_hex_vartime(&[0x00, 0x0a, 0xbc]), "abc");
/// ```
#[must_use]
pub fn to_minimal_hex_vartime(magnitude: &[u8]) -> String {
    let digits = trim_leading_zeros_vartime(magnitude);
    let mut out = String::with_capacity(digits.len() * 2 + 1);
    let Some((first, rest)) = digits.split_first() else {
        out.push('0');
        return out;
    };
    // The first byte without its leading zero nibble, then two digits a byte.
    let _ = write!(out, "{first:x}");
    for byte in rest {
        let _ = write!(out, "{byte:02x}");
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
    pub(crate) fn to_java_bytes_vartime(&self) -> Vec<u8> {
        if self.negative {
            to_java_bytes_negative_vartime(&self.magnitude)
        } else {
            to_java_bytes_vartime(&self.magnitude)
        }
    }
}

/// The longest hexadecimal text accepted for an integer parameter (`SRP_A`, `SRP_B`, `SALT`):
/// 3072 bits are 768 digits; the rest is a margin for redundant leading zeros.
pub(crate) const MAX_HEX_DIGITS: usize = 1024;

/// Parse the text of an integer-valued challenge parameter as a base-16 integer, the way the
/// official SDKs do: case-insensitive, odd length and redundant leading zeros allowed, and a
/// leading `-` when `allow_negative`. Anything else (empty, `0x`, `+`, spaces, other
/// characters, more than [`MAX_HEX_DIGITS`] digits, refused before any is read) is
/// [`Error::MalformedParameter`] naming `name`.
pub(crate) fn parse_hex_int_vartime(
    name: &'static str,
    text: &str,
    allow_negative: bool,
) -> Result<HexInt> {
    let malformed = Error::MalformedParameter { name };
    if text.len() > MAX_HEX_DIGITS + 1 {
        return Err(malformed);
    }
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) if allow_negative => (true, rest),
        Some(_) => return Err(malformed),
        None => (false, text),
    };
    let digits = digits.as_bytes();
    if digits.is_empty() {
        return Err(malformed);
    }
    // An odd-length text's first digit is a byte of its own; the rest walk in pairs.
    let (head, pairs) = digits.split_at(digits.len() & 1);
    let bytes = core::iter::once(head)
        .filter(|h| !h.is_empty())
        .chain(pairs.chunks(2))
        .map(|digits| {
            digits.iter().try_fold(0u8, |acc, &c| {
                let value = char::from(c).to_digit(16)?;
                Some((acc << 4) | u8::try_from(value).ok()?)
            })
        })
        .collect::<Option<Vec<u8>>>()
        .ok_or(malformed)?;
    let magnitude = trim_leading_zeros_vartime(&bytes).to_vec();
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

/// Decode a public base64 value (a `SECRET_BLOCK`, a salt, a received signature): standard
/// base64, also accepting the URL-safe alphabet (`-`, `_`) and missing `=` padding (as Amplify
/// JS v6 does). Anything else is [`Error::MalformedParameter`] naming `name`. Variable time:
/// public values only (a secret goes through [`decode_base64_secret`]).
pub(crate) fn decode_base64_vartime(name: &'static str, text: &str) -> Result<Vec<u8>> {
    let malformed = Error::MalformedParameter { name };
    // Up to the canonical number of `=` (fewer, or none, are accepted), then unpadded base64.
    let body = text.trim_end_matches('=');
    let pads = text.len() - body.len();
    let canonical_pads = body.len().wrapping_neg() & 3;
    if pads > canonical_pads {
        return Err(malformed);
    }
    let normalized: String = body
        .chars()
        .map(|c| match c {
            '-' => '+',
            '_' => '/',
            other => other,
        })
        .collect();
    <base64ct::Base64Unpadded as base64ct::Encoding>::decode_vec(&normalized).map_err(|_| malformed)
}

/// One standard-alphabet base64 character in constant time: its 6-bit value, and whether it
/// is one of the 64 characters. Each range test is `-1` (all ones) inside the range and `0`
/// outside, with no branch and no table.
#[cfg(feature = "server")]
fn decode_sextet(c: u8) -> (u8, Choice) {
    let c = i16::from(c);
    let inside = |lo: u8, hi: u8| ((i16::from(lo) - 1 - c) & (c - i16::from(hi) - 1)) >> 8;
    let mut v: i16 = -1;
    v += inside(b'A', b'Z') & (c - 64); // 'A' → 0
    v += inside(b'a', b'z') & (c - 70); // 'a' → 26
    v += inside(b'0', b'9') & (c + 5); // '0' → 52
    v += inside(b'+', b'+') & 63; // → 62
    v += inside(b'/', b'/') & 64; // → 63
    let [low, high] = v.to_le_bytes();
    // `v` is −1 (high byte 0xff) exactly for a character outside the alphabet.
    (low & 0x3f, !Choice::from(high & 1))
}

/// Decode standard base64 with `=` padding (the form `ConfirmDevice` sends a device verifier
/// in) into `out`, in constant time in the characters: no branch and no memory index depends
/// on them. The text's length is public, and so is its padding count (a function of the
/// decoded length, which the protocol publishes); it is declassified here.
///
/// Returns the decoded length and whether the text is valid canonical base64 (every
/// character in the alphabet, `=` only as padding, the unused bits of the last character
/// zero), a verdict the caller declassifies; `None` for a length that cannot be base64 or
/// that does not fit `out` (public facts).
#[cfg(feature = "server")]
pub(crate) fn decode_base64_secret<'o>(
    text: &str,
    out: &'o mut [u8],
) -> Option<(&'o [u8], Choice)> {
    let bytes = text.as_bytes();
    let quads = bytes.len() >> 2;
    if bytes.is_empty() || !bytes.len().is_multiple_of(4) {
        return None;
    }
    let (last, second) = match bytes {
        [.., second, last] => (*last, *second),
        _ => return None,
    };
    let pad_last = last.ct_eq(&b'=');
    let pad_second = second.ct_eq(&b'=');
    // `=` at the second-last place only with `=` at the last.
    let mut valid = !(pad_second & !pad_last);
    let mut pads = pad_last.unwrap_u8() + (pad_second & pad_last).unwrap_u8();
    declassify(&mut pads);
    let len = quads * 3 - usize::from(pads);
    let out = out.get_mut(..len)?;
    let mut written = 0;
    for (q, quad) in bytes.chunks_exact(4).enumerate() {
        // Padding positions are public (the last quad, its last `pads` characters).
        let data = if q + 1 == quads {
            4 - usize::from(pads)
        } else {
            4
        };
        let mut acc: u32 = 0;
        for (j, &c) in quad.iter().enumerate() {
            acc <<= 6;
            if j < data {
                let (value, ok) = decode_sextet(c);
                valid &= ok;
                acc |= u32::from(value);
            }
        }
        // The bits of the last data character that no output byte uses must be zero.
        let unused = match data {
            3 => 0xff,
            2 => 0xffff,
            _ => 0,
        };
        valid &= (acc & unused).ct_eq(&0);
        let [_, b0, b1, b2] = acc.to_be_bytes();
        for byte in [b0, b1, b2].into_iter().take(data - 1) {
            if let Some(slot) = out.get_mut(written) {
                *slot = byte;
            }
            written += 1;
        }
    }
    Some((out, valid))
}

/// Big-endian bytes of a fixed width of at most 384 as a 3072-bit integer: infallible, the
/// width is checked when the crate is compiled. Constant time in the bytes.
#[cfg(feature = "hazmat")]
pub(crate) fn u3072_from_be_array<const L: usize>(bytes: &[u8; L]) -> U3072 {
    const { assert!(L <= 384, "wider than 3072 bits") };
    let mut buf = Zeroizing::new([0u8; 384]);
    for (dst, src) in buf.iter_mut().rev().zip(bytes.iter().rev()) {
        *dst = *src;
    }
    U3072::from_be_slice(buf.as_ref())
}

/// A secret's big-endian bytes, of any length, as a 3072-bit integer, with whether every byte
/// above the low 384 is zero (the verdict, for the caller to declassify). Constant time in the
/// bytes; only their count is used for a branch or a bound.
#[cfg(feature = "server")]
pub(crate) fn u3072_from_wide_be_secret(bytes: &[u8]) -> (Zeroizing<U3072>, Choice) {
    let (high, low) = bytes.split_at(bytes.len().saturating_sub(384));
    let mut fits = Choice::from(1u8);
    for b in high {
        fits &= b.ct_eq(&0);
    }
    let mut buf = Zeroizing::new([0u8; 384]);
    for (dst, src) in buf.iter_mut().rev().zip(low.iter().rev()) {
        *dst = *src;
    }
    (Zeroizing::new(U3072::from_be_slice(buf.as_ref())), fits)
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

    /// Every text of up to six characters over an alphabet that covers the standard and the
    /// URL-safe characters, padding, a character outside base64, and last characters with and
    /// without unused bits set: the lenient decoder accepts exactly what the `base64` crate's
    /// standard engine with optional padding accepts, with the same bytes.
    #[test]
    fn lenient_base64_matches_an_independent_decoder() {
        use base64::Engine as _;
        use base64::engine::DecodePaddingMode;
        use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
        let oracle = GeneralPurpose::new(
            &base64::alphabet::STANDARD,
            GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
        );
        let alphabet = ['A', 'B', 'Q', 'g', '/', '+', '-', '_', '=', '*'];
        let mut texts = alloc::vec![String::new()];
        let mut checked = 0usize;
        for _ in 0..6 {
            let mut longer = Vec::new();
            for text in &texts {
                for c in alphabet {
                    let mut t = text.clone();
                    t.push(c);
                    let mapped = t.replace('-', "+").replace('_', "/");
                    let expected = oracle.decode(mapped.as_bytes()).ok();
                    assert_eq!(decode_base64_vartime("X", &t).ok(), expected, "{t:?}");
                    checked += 1;
                    longer.push(t);
                }
            }
            texts = longer;
        }
        assert_eq!(checked, (1..=6).map(|n| 10usize.pow(n)).sum::<usize>());
    }

    #[test]
    fn java_bytes_table() {
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
            assert_eq!(to_java_bytes_vartime(input), *expected, "enc({input:02x?})");
        }
    }

    #[test]
    fn negative_java_bytes_table() {
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
                to_java_bytes_negative_vartime(input),
                *expected,
                "enc(-{input:02x?})"
            );
        }
        assert_eq!(to_java_bytes_negative_vartime(&[]), [0x00]);
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
            assert_eq!(*to_java_bytes_secret(&v), to_java_bytes_vartime(&s));
        }
    }

    #[test]
    fn minimal_hex() {
        assert_eq!(to_minimal_hex_vartime(&[]), "0");
        assert_eq!(to_minimal_hex_vartime(&[0, 0]), "0");
        assert_eq!(to_minimal_hex_vartime(&[0x02]), "2");
        assert_eq!(to_minimal_hex_vartime(&[0x00, 0x0a, 0xbc]), "abc");
        assert_eq!(to_minimal_hex_vartime(&[0xab, 0x01]), "ab01");
    }

    #[test]
    fn hex_parsing_rules() {
        let p = |t: &str| parse_hex_int_vartime("SALT", t, true);
        assert_eq!(p("abc").map(|h| h.magnitude), Ok(alloc::vec![0x0a, 0xbc]));
        assert_eq!(p("ABC"), p("abc"));
        assert_eq!(p("000abc"), p("abc"));
        assert_eq!(
            p("0").map(|h| h.to_java_bytes_vartime()),
            Ok(alloc::vec![0])
        );
        assert_eq!(
            p("-0").map(|h| h.to_java_bytes_vartime()),
            Ok(alloc::vec![0])
        );
        assert_eq!(
            p("-5f").map(|h| h.to_java_bytes_vartime()),
            Ok(alloc::vec![0xa1])
        );
        for bad in ["", "-", "0x12", "+12", " 12", "12 ", "1g", "--1", "é"] {
            assert_eq!(
                p(bad),
                Err(Error::MalformedParameter { name: "SALT" }),
                "{bad:?}"
            );
        }
        assert_eq!(
            parse_hex_int_vartime("SRP_B", "-1", false),
            Err(Error::MalformedParameter { name: "SRP_B" })
        );
    }

    /// The constant-time decoder against `base64ct` (strict, padded) on every length up to 40
    /// bytes, every byte value at every position of a short input, and malformed texts.
    #[cfg(feature = "server")]
    #[test]
    fn secret_base64_decoding_matches_base64ct() {
        let decode = |text: &str| {
            let mut out = [0u8; 64];
            decode_base64_secret(text, &mut out).map(|(bytes, ok)| (bool::from(ok), bytes.to_vec()))
        };
        let encode = <base64ct::Base64 as base64ct::Encoding>::encode_string;
        let strict = |text: &str| <base64ct::Base64 as base64ct::Encoding>::decode_vec(text).ok();
        let mut inputs: Vec<Vec<u8>> = (1..=40u8)
            .map(|n| (0..n).map(|i| i.wrapping_mul(37) ^ n).collect())
            .collect();
        for value in 0..=255u8 {
            for position in 0..3 {
                let mut input = alloc::vec![0x5au8; 3];
                input[position] = value;
                inputs.push(input.clone());
                inputs.push(input[..2].to_vec());
                inputs.push(input[..1].to_vec());
            }
        }
        for input in inputs {
            let text = encode(&input);
            assert_eq!(decode(&text), Some((true, input.clone())), "{text}");
            assert_eq!(strict(&text), Some(input));
        }
        // Every character, valid or not, at each place of a quad.
        for c in 0..=255u8 {
            for place in 0..4 {
                let mut text = alloc::vec![b'Q'; 4];
                text[place] = c;
                let Ok(text) = core::str::from_utf8(&text) else {
                    continue;
                };
                let ours = decode(text).filter(|(ok, _)| *ok).map(|(_, bytes)| bytes);
                assert_eq!(ours, strict(text), "{text:?}");
            }
        }
        // Malformed: non-canonical trailing bits, misplaced padding, bad lengths.
        for text in [
            "QR==", "QUF=", "Q===", "=QUE", "QU=E", "QUE", "QUFB====", "QU==",
        ] {
            let ours = decode(text).filter(|(ok, _)| *ok).map(|(_, bytes)| bytes);
            assert_eq!(ours, strict(text), "{text:?}");
        }
        assert_eq!(decode("QUFB").map(|(_, b)| b), Some(b"AAA".to_vec()));
        // An empty text is no verifier (base64ct decodes it to nothing).
        assert_eq!(decode(""), None);
        let mut small = [0u8; 2];
        assert!(decode_base64_secret("QUFB", &mut small).is_none());
    }

    #[test]
    fn secret_block_decoding_rules() {
        let d = |t: &str| decode_base64_vartime("SECRET_BLOCK", t);
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
