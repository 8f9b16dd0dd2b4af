//! The SDK client of an emulator `.ci/run` started on loopback.

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::config::{BehaviorVersion, Credentials, Region};

/// A client of the emulator whose endpoint is in the environment variable `endpoint_var`,
/// with test credentials (the emulators accept any).
pub(crate) async fn sdk(endpoint_var: &str) -> Client {
    let endpoint = std::env::var(endpoint_var).unwrap_or_else(|_| {
        panic!("{endpoint_var} must name a running emulator (bash .ci/run starts one)")
    });
    let config = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new("test", "test", None, None, "emulator"))
        .load()
        .await;
    Client::new(&config)
}
