//! Pools, app clients and users on an emulator, made with the SDK's admin calls (shared by
//! the sdk crate's and the command line's emulator tests).

use std::sync::atomic::{AtomicU32, Ordering};

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{
    AliasAttributeType, AttributeType, ExplicitAuthFlowsType, MessageActionType, UserPoolMfaType,
};
use cognito_srp_auth_sdk::{ClientSecret, UserPoolClient};

static NEXT: AtomicU32 = AtomicU32::new(0);

pub(crate) fn unique(prefix: &str) -> String {
    format!(
        "{prefix}{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

/// A pool (optionally with email as an alias) and an app client (optionally with a secret).
pub(crate) struct Pool {
    pub(crate) pool_id: String,
    pub(crate) client_id: String,
    pub(crate) client_secret: Option<String>,
}

impl Pool {
    pub(crate) async fn create(sdk: &Client, email_alias: bool, with_secret: bool) -> Self {
        Self::create_with_mfa(sdk, email_alias, with_secret, UserPoolMfaType::Off).await
    }

    pub(crate) async fn create_with_mfa(
        sdk: &Client,
        email_alias: bool,
        with_secret: bool,
        mfa: UserPoolMfaType,
    ) -> Self {
        let mut pool = sdk
            .create_user_pool()
            .pool_name(unique("pool"))
            .mfa_configuration(mfa);
        if email_alias {
            pool = pool.alias_attributes(AliasAttributeType::Email);
        }
        let pool = pool.send().await.expect("CreateUserPool");
        let pool_id = pool
            .user_pool()
            .and_then(|p| p.id())
            .expect("pool id")
            .to_owned();
        let client = sdk
            .create_user_pool_client()
            .user_pool_id(&pool_id)
            .client_name(unique("client"))
            .generate_secret(with_secret)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserSrpAuth)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowAdminUserPasswordAuth)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
            .send()
            .await
            .expect("CreateUserPoolClient");
        let client = client.user_pool_client().expect("client");
        Self {
            pool_id,
            client_id: client.client_id().expect("client id").to_owned(),
            client_secret: client.client_secret().map(str::to_owned),
        }
    }

    pub(crate) fn client(&self) -> UserPoolClient {
        let client = UserPoolClient::new(&self.pool_id, &self.client_id).expect("pool id");
        match &self.client_secret {
            Some(secret) => client.with_client_secret(ClientSecret::from(secret.as_str())),
            None => client,
        }
    }

    /// A confirmed user with a permanent password.
    pub(crate) async fn user(
        &self,
        sdk: &Client,
        username: &str,
        password: &str,
        email: Option<&str>,
    ) {
        let mut create = sdk
            .admin_create_user()
            .user_pool_id(&self.pool_id)
            .username(username)
            .message_action(MessageActionType::Suppress);
        if let Some(email) = email {
            create = create
                .user_attributes(attribute("email", email))
                .user_attributes(attribute("email_verified", "true"));
        }
        create.send().await.expect("AdminCreateUser");
        sdk.admin_set_user_password()
            .user_pool_id(&self.pool_id)
            .username(username)
            .password(password)
            .permanent(true)
            .send()
            .await
            .expect("AdminSetUserPassword");
    }
}

pub(crate) fn attribute(name: &str, value: &str) -> AttributeType {
    AttributeType::builder()
        .name(name)
        .value(value)
        .build()
        .expect("name is set")
}
