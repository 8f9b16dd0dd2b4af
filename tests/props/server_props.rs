//! The crate's client and server agree: random users, passwords (any Unicode), aliases,
//! client secrets and devices sign in through `SignIn` against the offline `UserPool`, and a
//! wrong password or device password never does.
#![cfg(all(feature = "hazmat", feature = "server"))]
#![allow(
    clippy::unwrap_used,
    clippy::panic,
    clippy::panic_in_result_fn,
    clippy::std_instead_of_core,
    clippy::std_instead_of_alloc
)]

use chrono::{DateTime, Utc};
use cognito_srp_auth::server::{UserPool, UserPoolConfig};
use cognito_srp_auth::{
    ClientSecret, Error, Password, RememberedDevice, ServiceErrorKind, SignIn, SignedIn, Step,
    Timestamp, UserPoolClient,
};
use proptest::prelude::*;
use rand::SeedableRng;
use rand::rngs::StdRng;

const POOL: &str = "ap-south-1_Props";
const CLIENT: &str = "props-client";

fn drive(
    pool: &mut UserPool<StdRng>,
    mut sign_in: SignIn<StdRng>,
    now: DateTime<Utc>,
) -> Result<SignedIn, Error> {
    let mut step = sign_in.start()?;
    loop {
        step = match step {
            Step::Send(request) => {
                sign_in.handle(pool.handle(&request, now), &Timestamp::from(now))?
            }
            Step::Ask(question) => panic!("unexpected question {question:?}"),
            Step::Done(done) => return Ok(done),
        };
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn client_and_server_agree(
        seed in any::<u64>(),
        username in "[a-z0-9][a-z0-9._-]{0,30}",
        password in "\\PC{1,40}",
        wrong in "\\PC{1,40}",
        alias in proptest::option::of("[a-z]{1,10}@[a-z]{1,8}\\.example"),
        secret in proptest::option::of("[a-z0-9]{20,60}"),
        secs in 1_500_000_000i64..2_500_000_000,
    ) {
        prop_assume!(wrong != password);
        let now = DateTime::from_timestamp(secs, 0).unwrap();
        let client_secret = || secret.as_deref().map(ClientSecret::from);
        let mut pool = UserPool::new(UserPoolConfig::new(POOL, CLIENT, client_secret()), StdRng::seed_from_u64(seed)).unwrap();
        let aliases: Vec<&str> = alias.iter().map(String::as_str).collect();
        pool.add_user(&username, &Password::from(password.as_str()), &aliases).unwrap();
        let client = || {
            let c = UserPoolClient::new(POOL, CLIENT).unwrap();
            match client_secret() { Some(s) => c.with_client_secret(s), None => c }
        };
        let typed = alias.clone().unwrap_or_else(|| username.clone());
        let mut rng_seed = seed;
        let mut rng = || { rng_seed = rng_seed.wrapping_add(1); StdRng::seed_from_u64(rng_seed) };

        // A wrong password is refused.
        let refused = drive(&mut pool, SignIn::with_rng(client(), &typed, Password::from(wrong.as_str()), rng()), now);
        prop_assert_eq!(refused.err(), Some(Error::Refused { kind: ServiceErrorKind::NotAuthorized }));

        // The right one signs in and gets a device to confirm.
        let done = drive(&mut pool, SignIn::with_rng(client(), &typed, Password::from(password.as_str()), rng()), now).unwrap();
        prop_assert_eq!(&done.username, &username);
        let new_device = done.new_device.unwrap();
        pool.confirm_device(&username, new_device.device.device_key(), &new_device.config).unwrap();
        let stored = new_device.device.to_storage_string();

        // The registered device's verifier verifies in a device sign-in.
        let device = RememberedDevice::from_storage_string(&stored).unwrap();
        let done = drive(&mut pool, SignIn::with_rng(client(), &typed, Password::from(password.as_str()), rng()).with_device(device), now).unwrap();
        prop_assert!(done.new_device.is_none() && !done.forget_stored_device);

        // A wrong device password never does.
        let device = RememberedDevice::from_storage_string(&stored).unwrap();
        let impostor = RememberedDevice::new(device.device_key(), device.device_group_key(), Password::from("d3Jvbmc=")).unwrap();
        let refused = drive(&mut pool, SignIn::with_rng(client(), &typed, Password::from(password.as_str()), rng()).with_device(impostor), now);
        prop_assert_eq!(refused.err(), Some(Error::Refused { kind: ServiceErrorKind::NotAuthorized }));
    }
}
