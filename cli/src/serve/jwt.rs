//! RS256 tokens: each pool's RSA-2048 key, the compact JWS it signs the pool's claims into,
//! its key set (JWKS), and the check of the tokens it signed.
//!
//! A token is `base64url(header) . base64url(claims) . base64url(signature)` without padding
//! (RFC 7515, compact serialization), the header `{"kid":"<kid>","alg":"RS256"}` as Cognito
//! writes it, the signature RSASSA-PKCS1-v1_5 with SHA-256. The `kid` is the key's RFC 7638
//! thumbprint.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::rand_core::OsRng;
use rsa::sha2::{Digest as _, Sha256};
use rsa::signature::{RandomizedSigner as _, SignatureEncoding as _, Verifier as _};
use rsa::traits::PublicKeyParts as _;
use rsa::{RsaPrivateKey, RsaPublicKey};
use serde_json::{Map, Value};

/// The size of every pool's key, as Cognito's.
pub(super) const KEY_BITS: usize = 2048;

/// The longest token [`PoolKey::verify`] looks at (Cognito's are about 1 KiB).
const MAX_TOKEN_LEN: usize = 16 * 1024;

/// A pool's signing key, with what is derived from it once: the `kid`, the encoded header of
/// its tokens and its JWKS. `Debug` prints the `kid` only; the private key is wiped on drop
/// (by the `rsa` crate).
pub(super) struct PoolKey {
    /// The private key (wiped on drop by the `rsa` crate).
    signing: SigningKey<Sha256>,
    /// The public key.
    verifying: VerifyingKey<Sha256>,
    /// The RFC 7638 thumbprint.
    kid: String,
    /// `base64url({"kid":…,"alg":"RS256"})`: the first part of every token of this key.
    header: String,
    /// The key set served for the pool.
    jwks: String,
}

impl std::fmt::Debug for PoolKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PoolKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl PoolKey {
    /// A new RSA-2048 key from the operating system's randomness (takes a fraction of a
    /// second: call it off the async workers).
    ///
    /// # Errors
    /// The `rsa` crate's, when key generation fails.
    pub(super) fn generate() -> Result<Self, rsa::Error> {
        RsaPrivateKey::new(&mut OsRng, KEY_BITS).map(Self::from_key)
    }

    /// The key of `private`, with its `kid`, token header and JWKS.
    pub(super) fn from_key(private: RsaPrivateKey) -> Self {
        let public = private.to_public_key();
        let (n, e) = public_parts(&public);
        let kid = thumbprint(&n, &e);
        let header = URL_SAFE_NO_PAD.encode(format!(r#"{{"kid":"{kid}","alg":"RS256"}}"#));
        let jwks = format!(
            r#"{{"keys":[{{"alg":"RS256","e":"{e}","kid":"{kid}","kty":"RSA","n":"{n}","use":"sig"}}]}}"#
        );
        Self {
            signing: SigningKey::new(private),
            verifying: VerifyingKey::new(public),
            kid,
            header,
            jwks,
        }
    }

    /// The key id: the RFC 7638 thumbprint of the public key.
    #[cfg(test)]
    fn kid(&self) -> &str {
        &self.kid
    }

    /// The first part of every token this key signs.
    pub(super) fn header(&self) -> &str {
        &self.header
    }

    /// The JSON Web Key Set `/<pool id>/.well-known/jwks.json` serves:
    /// `{"keys":[{"alg":"RS256","e":…,"kid":…,"kty":"RSA","n":…,"use":"sig"}]}`.
    pub(super) fn jwks(&self) -> &str {
        &self.jwks
    }

    /// The compact RS256 JWS of `claims` (JSON text). Never panics: should the signature fail
    /// (it cannot for this key size and hash), the token's signature part is empty and the
    /// token verifies nowhere.
    pub(super) fn sign(&self, claims: &str) -> String {
        sign_compact(&self.signing, &self.header, claims.as_bytes())
    }

    /// The claims of `token` when this key signed it: the header is exactly this key's, the
    /// signature verifies and the payload is a JSON object. `None` otherwise, and for a token
    /// over 16 KiB.
    pub(super) fn verify(&self, token: &str) -> Option<Map<String, Value>> {
        if token.len() > MAX_TOKEN_LEN {
            return None;
        }
        let (input, signature) = token.rsplit_once('.')?;
        let (header, payload) = input.split_once('.')?;
        if header != self.header || payload.contains('.') {
            return None;
        }
        let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
        let signature = Signature::try_from(signature.as_slice()).ok()?;
        self.verifying.verify(input.as_bytes(), &signature).ok()?;
        match serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()? {
            Value::Object(claims) => Some(claims),
            _ => None,
        }
    }
}

/// The header part of a compact token (`None` when it has no dot).
pub(super) fn header_of(token: &str) -> Option<&str> {
    token.split_once('.').map(|(header, _)| header)
}

/// `n` and `e` of a public key, base64url without padding (big-endian, no leading zeros).
fn public_parts(public: &RsaPublicKey) -> (String, String) {
    (
        URL_SAFE_NO_PAD.encode(public.n().to_bytes_be()),
        URL_SAFE_NO_PAD.encode(public.e().to_bytes_be()),
    )
}

/// The RFC 7638 thumbprint of an RSA key: base64url(SHA-256 of
/// `{"e":"<e>","kty":"RSA","n":"<n>"}`), without padding.
fn thumbprint(n: &str, e: &str) -> String {
    let members = format!(r#"{{"e":"{e}","kty":"RSA","n":"{n}"}}"#);
    URL_SAFE_NO_PAD.encode(Sha256::digest(members.as_bytes()))
}

/// The length of `bytes` bytes in base64 without padding.
fn unpadded_len(bytes: usize) -> usize {
    bytes.saturating_mul(4).div_ceil(3)
}

/// `header . base64url(payload) . base64url(RS256 signature)`, signed with blinding. The
/// token is allocated at its final size.
fn sign_compact(key: &SigningKey<Sha256>, header: &str, payload: &[u8]) -> String {
    let mut token = String::with_capacity(
        header.len() + 2 + unpadded_len(payload.len()) + unpadded_len(KEY_BITS / 8),
    );
    token.push_str(header);
    token.push('.');
    URL_SAFE_NO_PAD.encode_string(payload, &mut token);
    let signature = key.try_sign_with_rng(&mut OsRng, token.as_bytes());
    token.push('.');
    if let Ok(signature) = signature {
        URL_SAFE_NO_PAD.encode_string(signature.to_bytes(), &mut token);
    }
    token
}

#[cfg(test)]
mod tests {
    use rsa::BigUint;

    use super::*;

    fn number(b64: &str) -> BigUint {
        BigUint::from_bytes_be(&URL_SAFE_NO_PAD.decode(b64).unwrap())
    }

    /// The RSA key of RFC 7515, appendix A.2.1.
    fn rfc7515_key() -> RsaPrivateKey {
        let n = "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ";
        let d = "Eq5xpGnNCivDflJsRQBXHx1hdR1k6Ulwe2JZD50LpXyWPEAeP88vLNO97IjlA7_GQ5sLKMgvfTeXZx9SE-7YwVol2NXOoAJe46sui395IW_GO-pWJ1O0BkTGoVEn2bKVRUCgu-GjBVaYLU6f3l9kJfFNS3E0QbVdxzubSu3Mkqzjkn439X0M_V51gfpRLI9JYanrC4D4qAdGcopV_0ZHHzQlBjudU2QvXt4ehNYTCBr6XCLQUShb1juUO1ZdiYoFaFQT5Tw8bGUl_x_jTj3ccPDVZFD9pIuhLhBOneufuBiB4cS98l2SR_RQyGWSeWjnczT0QU91p1DhOVRuOopznQ";
        RsaPrivateKey::from_components(number(n), number("AQAB"), number(d), Vec::new()).unwrap()
    }

    #[test]
    fn signs_the_rfc7515_rs256_example_exactly() {
        // RFC 7515, appendix A.2: header {"alg":"RS256"}, the payload with its CRLFs.
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256"}"#);
        assert_eq!(header, "eyJhbGciOiJSUzI1NiJ9");
        let payload =
            b"{\"iss\":\"joe\",\r\n \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}";
        let token = sign_compact(&SigningKey::new(rfc7515_key()), &header, payload);
        assert_eq!(
            token,
            concat!(
                "eyJhbGciOiJSUzI1NiJ9",
                ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ",
                ".cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7",
                "AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4",
                "BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K",
                "0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqv",
                "hJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrB",
                "p0igcN_IoypGlUPQGe77Rw"
            )
        );
        assert_eq!(token.capacity(), token.len(), "allocated at its final size");
    }

    #[test]
    fn kid_is_the_rfc7638_thumbprint() {
        // RFC 7638, section 3.1.
        let n = "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw";
        assert_eq!(
            thumbprint(n, "AQAB"),
            "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"
        );
    }

    #[test]
    fn jwks_header_and_round_trip_of_the_rfc7515_key() {
        let key = PoolKey::from_key(rfc7515_key());
        let kid = key.kid().to_owned();
        assert_eq!(kid.len(), 43);
        assert_eq!(
            URL_SAFE_NO_PAD.decode(key.header()).unwrap(),
            format!(r#"{{"kid":"{kid}","alg":"RS256"}}"#).into_bytes()
        );
        let jwks: Value = serde_json::from_str(key.jwks()).unwrap();
        assert_eq!(
            jwks,
            serde_json::json!({"keys": [{
                "alg": "RS256",
                "e": "AQAB",
                "kid": kid,
                "kty": "RSA",
                "n": "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ",
                "use": "sig",
            }]})
        );

        let token = key.sign(r#"{"token_use":"access","exp":2}"#);
        assert_eq!(header_of(&token), Some(key.header()));
        let claims = key.verify(&token).unwrap();
        assert_eq!(
            Value::Object(claims),
            serde_json::json!({"token_use":"access","exp":2})
        );
    }

    #[test]
    fn refuses_what_it_did_not_sign() {
        let key = PoolKey::from_key(rfc7515_key());
        let token = key.sign(r#"{"username":"alice"}"#);
        let (input, signature) = token.rsplit_once('.').unwrap();
        let (header, _) = input.split_once('.').unwrap();
        let forged = format!(
            "{header}.{}.{signature}",
            URL_SAFE_NO_PAD.encode(br#"{"username":"mallory"}"#)
        );
        let unsigned = format!("{input}.");
        let other_header = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256"}"#),
            token.split_once('.').unwrap().1
        );
        let not_object = key.sign("[1]");
        let long = format!("{token}{}", "A".repeat(MAX_TOKEN_LEN));
        for bad in [
            forged.as_str(),
            unsigned.as_str(),
            other_header.as_str(),
            not_object.as_str(),
            long.as_str(),
            "",
            "...",
            "a.b",
            "a.b.c.d",
        ] {
            assert_eq!(key.verify(bad), None, "{bad:.40}");
        }
        assert!(key.verify(&token).is_some());
    }
}
