//! Encoding round trips: minimal hex ↔ Java-`BigInteger` bytes, the device storage form,
//! `SECRET_HASH` and `TIMESTAMP` formatting of any instant.
#![no_main]

use arbitrary::Arbitrary;
use chrono::DateTime;
use cognito_srp_auth::{ClientSecret, RememberedDevice, Timestamp, secret_hash};
use cognito_srp_auth_fuzz::hex_bytes;
use libfuzzer_sys::fuzz_target;

#[derive(Arbitrary, Debug)]
struct Values {
    magnitude: Vec<u8>,
    stored: String,
    username: String,
    client_id: String,
    secret: String,
    secs: i64,
}

fuzz_target!(|v: Values| {
    // enc: shortest two's complement of a non-negative value.
    let enc = cognito_srp_auth::to_java_bytes_vartime(&v.magnitude);
    let digits: Vec<u8> = v
        .magnitude
        .iter()
        .copied()
        .skip_while(|&b| b == 0)
        .collect();
    assert!(enc.first().is_some_and(|&b| b < 0x80));
    match enc.split_first() {
        Some((0, rest)) if !digits.is_empty() => assert_eq!(rest, &digits[..]),
        _ => assert_eq!(
            enc,
            if digits.is_empty() {
                vec![0]
            } else {
                digits.clone()
            }
        ),
    }
    // Minimal hex: no leading zero digit, and it decodes back to the same value.
    let hex = cognito_srp_auth::to_minimal_hex_vartime(&v.magnitude);
    assert!(hex == "0" || !hex.starts_with('0'));
    assert!(
        hex.bytes()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
    );
    assert_eq!(
        cognito_srp_auth::to_java_bytes_vartime(&hex_bytes(&hex, usize::MAX)),
        enc
    );
    // Device storage: loads only in the exact format, then round-trips.
    if let Ok(device) = RememberedDevice::from_storage_string(&v.stored) {
        assert_eq!(device.to_storage_string().as_str(), v.stored);
    }
    // SECRET_HASH: 32 bytes of base64 for any strings.
    assert_eq!(
        secret_hash(
            &v.username,
            &v.client_id,
            &ClientSecret::from(v.secret.as_str())
        )
        .len(),
        44
    );
    // TIMESTAMP: single spaces, literal UTC, unpadded day.
    if let Some(instant) = DateTime::from_timestamp(v.secs % 253_402_300_800, 0) {
        let t = Timestamp::from(instant);
        let parts: Vec<&str> = t.as_str().split(' ').collect();
        assert_eq!(parts.len(), 6, "{t}");
        assert_eq!(parts[4], "UTC");
        assert!(!parts[2].starts_with('0'), "{t}");
    }
});
