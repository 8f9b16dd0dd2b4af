//! Device SRP properties: a registered device's verifier always verifies in a simulated device
//! sign-in, and a wrong device password never does. The server side is an independent
//! `num-bigint` computation (`tests/common/oracle.rs`): it stores what `ConfirmDevice` sent,
//! answers `DEVICE_SRP_AUTH` with `B = k·v + g^b`, and checks the signature with
//! `S = (A·v^u)^b`, as Cognito does.
#![cfg(feature = "hazmat")]
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::std_instead_of_core,
    clippy::std_instead_of_alloc
)]

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::DateTime;
use cognito_srp_auth::{
    DevicePasswordVerifierChallenge, Password, RememberedDevice, Timestamp, UserPoolClient, hazmat,
};
use hmac::{KeyInit, Mac};
use num_bigint::BigUint;
use proptest::prelude::*;

use crate::oracle;

/// What the simulated server computes for one device sign-in.
struct Server {
    challenge: HashMap<String, String>,
    b: BigUint,
    v: BigUint,
    big_b: BigUint,
}

fn server_challenge(
    salt_b64: &str,
    verifier_b64: &str,
    b_bytes: &[u8],
    username: &str,
    device_key: &str,
    secret_block: &[u8],
) -> Server {
    // Cognito stores the uploaded bytes as (signed, positive) integers and sends the salt
    // back as hex.
    let salt = BigUint::from_bytes_be(&STANDARD.decode(salt_b64).unwrap());
    let v = BigUint::from_bytes_be(&STANDARD.decode(verifier_b64).unwrap());
    let n = oracle::n();
    let b = BigUint::from_bytes_be(b_bytes);
    let big_b = (oracle::k() * &v + oracle::g().modpow(&b, &n)) % &n;
    let challenge = HashMap::from([
        ("SALT".to_owned(), salt.to_str_radix(16)),
        ("SRP_B".to_owned(), big_b.to_str_radix(16)),
        ("SECRET_BLOCK".to_owned(), STANDARD.encode(secret_block)),
        ("USERNAME".to_owned(), username.to_owned()),
        ("DEVICE_KEY".to_owned(), device_key.to_owned()),
    ]);
    Server {
        challenge,
        b,
        v,
        big_b,
    }
}

impl Server {
    /// The signature Cognito expects for this session.
    fn expected_signature(
        &self,
        srp_a: &str,
        group: &str,
        key: &str,
        block: &[u8],
        ts: &str,
    ) -> String {
        let n = oracle::n();
        let a = BigUint::parse_bytes(srp_a.as_bytes(), 16).unwrap();
        let u = BigUint::from_bytes_be(&oracle::sha256(&[
            &oracle::enc(&a),
            &oracle::enc(&self.big_b),
        ]));
        let s = (a * self.v.modpow(&u, &n)).modpow(&self.b, &n);
        let hk = hkdf::Hkdf::<sha2::Sha256>::new(Some(&oracle::enc(&u)), &oracle::enc(&s));
        let mut key16 = [0u8; 16];
        hk.expand(b"Caldera Derived Key", &mut key16).unwrap();
        let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(&key16).unwrap();
        mac.update(group.as_bytes());
        mac.update(key.as_bytes());
        mac.update(block);
        mac.update(ts.as_bytes());
        STANDARD.encode(mac.finalize().into_bytes())
    }
}

fn device_key_strategy() -> impl Strategy<Value = String> {
    "[a-z]{2}-[a-z]{4,9}-[1-3]_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn registered_device_signs_in_and_wrong_password_does_not(
        device_key in device_key_strategy(),
        group in "-?[A-Za-z0-9]{9}",
        username in "[a-z0-9-]{1,36}",
        password_random in proptest::array::uniform32(any::<u8>()),
        password_tail in proptest::array::uniform8(any::<u8>()),
        salt_random in proptest::array::uniform16(any::<u8>()),
        salt_leading_zeros in 0usize..3,
        a in proptest::array::uniform32(any::<u8>()),
        b in proptest::array::uniform32(any::<u8>()),
        secret_block in proptest::collection::vec(any::<u8>(), 1..200),
        secs in 0i64..4_102_444_800,
        wrong in "[A-Za-z0-9+/]{56}",
    ) {
        let mut pw = [0u8; 40];
        pw[..32].copy_from_slice(&password_random);
        pw[32..].copy_from_slice(&password_tail);
        let mut salt = salt_random;
        for byte in salt.iter_mut().take(salt_leading_zeros) {
            *byte = 0; // exercise short salts (enc drops leading zero bytes)
        }
        let mut trace = hazmat::Trace::default();
        let (device, config) =
            hazmat::register_device_from_bytes(&device_key, &group, &pw, &salt, &mut trace)
                .expect("registration");
        // The application stores the device and loads it back for the next sign-in.
        let device = RememberedDevice::from_storage_string(&device.to_storage_string()).unwrap();
        let server = server_challenge(config.salt(), config.password_verifier(), &b, &username, &device_key, &secret_block);

        let client = UserPoolClient::new("eu-west-1_Devices", "client").unwrap();
        let timestamp = Timestamp::from(DateTime::from_timestamp(secs, 0).unwrap());
        let key = hazmat::ephemeral_key_from_be_bytes(&a).unwrap();
        let srp_a = key.device_srp_auth(&client, &device, &username).get("SRP_A").unwrap().to_owned();
        let challenge = DevicePasswordVerifierChallenge::try_from(&server.challenge).unwrap();
        let responses = key.device_password_verifier(&client, &device, &challenge, &timestamp).unwrap();
        let expected = server.expected_signature(&srp_a, &group, &device_key, &secret_block, timestamp.as_str());
        prop_assert_eq!(responses.get("PASSWORD_CLAIM_SIGNATURE"), Some(expected.as_str()));
        prop_assert_eq!(responses.get("DEVICE_KEY"), Some(device_key.as_str()));
        prop_assert_eq!(responses.get("USERNAME"), Some(username.as_str()));

        // The same sign-in with a wrong device password is refused by the server.
        let stored_password = device.to_storage_string().rsplit(' ').next().unwrap().to_owned();
        prop_assume!(wrong != stored_password);
        let impostor = RememberedDevice::new(&device_key, &group, Password::from(wrong.as_str())).unwrap();
        let key = hazmat::ephemeral_key_from_be_bytes(&a).unwrap();
        let responses = key.device_password_verifier(&client, &impostor, &challenge, &timestamp).unwrap();
        prop_assert_ne!(responses.get("PASSWORD_CLAIM_SIGNATURE"), Some(expected.as_str()));
    }
}
