//! A running `cognito-srp serve` and pools made on it with the AWS SDK's admin calls (shared by
//! the serve tests and the independent-client test).

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_cognitoidentityprovider::types::{
    AliasAttributeType, AttributeType, DeviceConfigurationType, ExplicitAuthFlowsType,
    MessageActionType,
};
use cognito_srp_auth_sdk::{ClientSecret, UserPoolClient};
use serde_json::Value;

/// A running `cognito-srp serve`, killed when dropped.
pub(crate) struct Serve {
    pub(crate) child: Child,
    pub(crate) endpoint: String,
}

impl Serve {
    pub(crate) fn bin() -> String {
        std::env::var("COGNITO_SRP_BIN")
            .unwrap_or_else(|_| env!("CARGO_BIN_EXE_cognito-srp").to_owned())
    }

    /// Start serve and read its endpoint line.
    pub(crate) fn start() -> Self {
        let child = Command::new(Self::bin())
            .args(["serve", "--port", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("cognito-srp serve starts");
        let mut serve = Self {
            child,
            endpoint: String::new(),
        };
        let stdout = serve.child.stdout.take().expect("stdout");
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the endpoint line");
        let announced: Value = serde_json::from_str(&line).expect("one JSON object");
        let endpoint = announced["Endpoint"].as_str().expect("Endpoint").to_owned();
        assert_eq!(line, format!("{{\"Endpoint\":\"{endpoint}\"}}\n"));
        assert!(endpoint.starts_with("http://127.0.0.1:"), "{endpoint}");
        serve.endpoint = endpoint;
        serve
    }

    /// `127.0.0.1:<port>`.
    pub(crate) fn address(&self) -> &str {
        self.endpoint.trim_start_matches("http://")
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The AWS SDK's client of `serve`, with test credentials (serve checks none).
pub(crate) async fn sdk(serve: &Serve) -> Client {
    let config = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(&serve.endpoint)
        .credentials_provider(Credentials::new("test", "test", None, None, "serve-tests"))
        .load()
        .await;
    Client::new(&config)
}

/// A pool and an app client with a secret (SRP and refresh allowed).
pub(crate) struct Pool {
    pub(crate) pool_id: String,
    pub(crate) client_id: String,
    pub(crate) secret: String,
}

impl Pool {
    /// A pool with email as an alias, device tracking (remembered always, or on the user's
    /// prompt) and a client with a secret.
    pub(crate) async fn with_email_alias(sdk: &Client, on_prompt: bool) -> Self {
        let pool = sdk
            .create_user_pool()
            .pool_name("serve-tests")
            .alias_attributes(AliasAttributeType::Email)
            .device_configuration(
                DeviceConfigurationType::builder()
                    .challenge_required_on_new_device(false)
                    .device_only_remembered_on_user_prompt(on_prompt)
                    .build(),
            )
            .send()
            .await
            .expect("CreateUserPool");
        let pool_id = pool
            .user_pool()
            .and_then(|p| p.id())
            .expect("Id")
            .to_owned();
        Self::with_client(sdk, pool_id).await
    }

    pub(crate) async fn with_client(sdk: &Client, pool_id: String) -> Self {
        let client = sdk
            .create_user_pool_client()
            .user_pool_id(&pool_id)
            .client_name("serve-tests-client")
            .generate_secret(true)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserSrpAuth)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
            .send()
            .await
            .expect("CreateUserPoolClient");
        let client = client.user_pool_client().expect("UserPoolClient");
        assert_eq!(client.user_pool_id(), Some(pool_id.as_str()));
        assert_eq!(client.client_name(), Some("serve-tests-client"));
        assert_eq!(
            client.explicit_auth_flows(),
            [
                ExplicitAuthFlowsType::AllowUserSrpAuth,
                ExplicitAuthFlowsType::AllowRefreshTokenAuth
            ]
        );
        Self {
            pool_id,
            client_id: client.client_id().expect("ClientId").to_owned(),
            secret: client.client_secret().expect("ClientSecret").to_owned(),
        }
    }

    /// A user with a permanent password and (verified) email attribute: its `sub`.
    pub(crate) async fn user(
        &self,
        sdk: &Client,
        username: &str,
        email: &str,
        password: &str,
    ) -> String {
        let created = sdk
            .admin_create_user()
            .user_pool_id(&self.pool_id)
            .username(username)
            .user_attributes(attribute("email", email))
            .user_attributes(attribute("email_verified", "true"))
            .message_action(MessageActionType::Suppress)
            .send()
            .await
            .expect("AdminCreateUser");
        let user = created.user().expect("User");
        assert_eq!(user.username(), Some(username));
        assert_eq!(
            user.user_status().map(|s| s.as_str()),
            Some("FORCE_CHANGE_PASSWORD")
        );
        assert!(user.enabled());
        let sub = attribute_value(user.attributes(), "sub").expect("sub");
        sdk.admin_set_user_password()
            .user_pool_id(&self.pool_id)
            .username(username)
            .password(password)
            .permanent(true)
            .send()
            .await
            .expect("AdminSetUserPassword");
        sub
    }

    pub(crate) fn client(&self) -> UserPoolClient {
        UserPoolClient::new(&self.pool_id, &self.client_id)
            .expect("pool id")
            .with_client_secret(ClientSecret::from(self.secret.as_str()))
    }

    /// `iss` of the pool's tokens: serve's address of the pool.
    pub(crate) fn issuer(&self, serve: &Serve) -> String {
        format!("{}/{}", serve.endpoint, self.pool_id)
    }
}

pub(crate) fn attribute(name: &str, value: &str) -> AttributeType {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .expect("name")
}

pub(crate) fn attribute_value(attributes: &[AttributeType], name: &str) -> Option<String> {
    attributes
        .iter()
        .find(|a| a.name() == name)
        .and_then(|a| a.value())
        .map(str::to_owned)
}
