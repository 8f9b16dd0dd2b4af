//! Sign in to a user pool with SRP, answering any question (an MFA code, the first code of a
//! TOTP setup) on the terminal; keep the remembered device in `device.txt`; refresh.
//!
//! `COGNITO_POOL_ID`, `COGNITO_CLIENT_ID`, `COGNITO_USERNAME`, `COGNITO_PASSWORD` and, for an
//! app client with a secret, `COGNITO_CLIENT_SECRET`; the AWS SDK's own settings
//! (`AWS_REGION`, `AWS_ENDPOINT_URL`, …) apply. `cargo run -p cognito-srp-auth-sdk --example sign_in`.

use cognito_srp_auth_sdk::{
    Answer, Authenticator, BoxError, ClientSecret, FileDeviceStore, Password, Prompt,
    UserPoolClient,
};

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let var = |name: &str| std::env::var(name).map_err(|_| format!("set {name}"));
    let sdk = aws_sdk_cognitoidentityprovider::Client::new(&aws_config::load_from_env().await);
    let mut client = UserPoolClient::new(&var("COGNITO_POOL_ID")?, &var("COGNITO_CLIENT_ID")?)?;
    if let Ok(secret) = var("COGNITO_CLIENT_SECRET") {
        client = client.with_client_secret(ClientSecret::new(secret));
    }
    let auth = Authenticator::new(sdk, client);
    let mut device = FileDeviceStore::new("device.txt");
    let tokens = auth
        .sign_in(
            &var("COGNITO_USERNAME")?,
            Password::new(var("COGNITO_PASSWORD")?),
        )
        .device_store(&mut device)
        .run(&mut ask_on_the_terminal)
        .await?;
    println!(
        "Signed in as {} until {:?}",
        tokens.username(),
        tokens.expires_at()
    );
    let refreshed = auth.refresh(&tokens).await?;
    println!("Refreshed until {:?}", refreshed.expires_at());
    Ok(())
}

/// Show what is asked on stderr, read one line from stdin as the code.
async fn ask_on_the_terminal(prompt: Prompt) -> Result<Answer, BoxError> {
    match &prompt {
        Prompt::TotpSetup(setup) => eprintln!("Add to your authenticator: {}", setup.uri()),
        other => eprintln!("Cognito asks for {}.", other.name()),
    }
    eprint!("Code: ");
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(Answer::Code(line.trim().to_owned()))
}
