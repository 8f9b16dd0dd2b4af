//! RFC 6238 codes for the MFA tests.

/// RFC 6238 TOTP: HMAC-SHA1 over the 30-second step counter, 6 digits. The secret is base32
/// (case-insensitive, as authenticator apps read it).
pub(crate) fn totp(secret_base32: &str) -> String {
    use hmac::{KeyInit, Mac};
    let mut bits: u64 = 0;
    let mut count = 0;
    let mut key = Vec::new();
    for c in secret_base32
        .trim_end_matches('=')
        .to_ascii_uppercase()
        .chars()
    {
        let v = match c {
            'A'..='Z' => c as u64 - 'A' as u64,
            '2'..='7' => c as u64 - '2' as u64 + 26,
            _ => panic!("not base32: {c}"),
        };
        bits = (bits << 5) | v;
        count += 5;
        if count >= 8 {
            count -= 8;
            key.push(u8::try_from(bits >> count).expect("below 2^8"));
            bits &= (1 << count) - 1;
        }
    }
    let step = chrono::Utc::now().timestamp() / 30;
    let mut mac = hmac::Hmac::<sha1::Sha1>::new_from_slice(&key).expect("any key length");
    mac.update(&step.to_be_bytes());
    let digest = mac.finalize().into_bytes();
    let offset = usize::from(digest[19] & 0x0f);
    let code = u32::from_be_bytes([
        digest[offset],
        digest[offset + 1],
        digest[offset + 2],
        digest[offset + 3],
    ]) & 0x7fff_ffff;
    format!("{:06}", code % 1_000_000)
}
