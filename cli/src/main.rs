//! `cognito-srp`: sign in to an Amazon Cognito user pool from a terminal and print the tokens
//! as one JSON object, or serve a local user-pool endpoint to test Cognito clients against
//! (see the README for usage).
//!
//! Exit status: 0 signed in (or refreshed, or the device forgotten, or `serve` stopped by a
//! signal); 1 Cognito refused (its `<Exception>: <message>` on stderr); 2 usage,
//! configuration or local errors.

mod answers;
mod output;
mod serve;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use cognito_srp_auth_sdk::{
    Authenticator, ClientSecret, DeviceStore as _, Error, FileDeviceStore, FirstFactor, Flow,
    UserPoolClient,
};

use crate::answers::Terminal;

/// Sign in to an Amazon Cognito user pool with SRP and print the tokens as JSON.
///
/// Secrets never go on the command line: the password comes from `COGNITO_PASSWORD` (else it
/// is asked on the terminal without echo, or read from stdin when stdin is not a terminal),
/// the client secret from `COGNITO_CLIENT_SECRET`, the refresh token from
/// `COGNITO_REFRESH_TOKEN`.
#[derive(Debug, Parser)]
#[command(name = "cognito-srp", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Sign in and print `AccessToken`, `IdToken`, `RefreshToken`, `ExpiresIn`, `TokenType`
    /// and `Username` (the internal user name) as one JSON object.
    SignIn {
        #[command(flatten)]
        pool: PoolArgs,
        /// The user name or an alias (email, phone number, preferred user name).
        #[arg(long)]
        username: String,
        /// The authentication flow.
        #[arg(long, value_enum, default_value_t = FlowArg::Srp)]
        flow: FlowArg,
        /// The first factor `USER_AUTH` prefers.
        #[arg(long, value_enum)]
        preferred: Option<PreferredArg>,
        /// Use and keep a remembered device in this file (written with mode 0600).
        #[arg(long)]
        device_file: Option<PathBuf>,
        /// The name `ConfirmDevice` gives a new device.
        #[arg(long, default_value = "cognito-srp")]
        device_name: String,
    },
    /// Refresh tokens with the refresh token in `COGNITO_REFRESH_TOKEN` and print them as
    /// `sign-in` does (`REFRESH_TOKEN_AUTH`; `--rotate` for `GetTokensFromRefreshToken`).
    Refresh {
        #[command(flatten)]
        pool: PoolArgs,
        /// The internal user name (the `Username` that `sign-in` printed): `SECRET_HASH` is
        /// computed over it.
        #[arg(long)]
        username: String,
        /// The remembered device the tokens belong to.
        #[arg(long)]
        device_file: Option<PathBuf>,
        /// Use `GetTokensFromRefreshToken`, which returns a new refresh token when the app
        /// client rotates them.
        #[arg(long)]
        rotate: bool,
    },
    /// Forget the remembered device in `--device-file` (`ForgetDevice`) and delete the file.
    /// The access token comes from `COGNITO_ACCESS_TOKEN`, else from a sign-in with the same
    /// options as `sign-in`.
    ForgetDevice {
        #[command(flatten)]
        pool: PoolArgs,
        /// The user name or an alias, for the sign-in (without `COGNITO_ACCESS_TOKEN`).
        #[arg(long)]
        username: Option<String>,
        /// The device file.
        #[arg(long)]
        device_file: PathBuf,
    },
    /// Serve a local Cognito user-pool endpoint on 127.0.0.1 (`CreateUserPool`,
    /// `AdminCreateUser`, SRP and device SRP sign-ins, RS256 tokens, devices) until SIGINT or
    /// SIGTERM. Prints `{"Endpoint":"http://127.0.0.1:<port>"}` once it is ready.
    Serve {
        /// The port (0: any free port; the endpoint line tells which).
        #[arg(long, default_value_t = 0)]
        port: u16,
        /// The region of the pools it creates (their ids are `<region>_<id>`).
        #[arg(long, default_value = "us-east-1")]
        region: String,
    },
}

/// Where the pool is.
#[derive(Debug, clap::Args)]
struct PoolArgs {
    /// The user pool id, `<region>_<id>`.
    #[arg(long)]
    pool_id: String,
    /// The app client id.
    #[arg(long)]
    client_id: String,
    /// Another endpoint than Cognito's (an emulator, `cognito-srp serve`).
    #[arg(long)]
    endpoint_url: Option<String>,
    /// The region (default: the pool id's).
    #[arg(long)]
    region: Option<String>,
    /// Use the `Admin…` operations, signed with the default AWS credential chain.
    #[arg(long)]
    admin: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FlowArg {
    /// `USER_SRP_AUTH`.
    Srp,
    /// `USER_PASSWORD_AUTH` (the password itself is sent, over TLS).
    Password,
    /// `CUSTOM_AUTH` without SRP.
    Custom,
    /// `CUSTOM_AUTH` after SRP.
    CustomSrp,
    /// `USER_AUTH` (choice-based).
    UserAuth,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum PreferredArg {
    /// `PASSWORD_SRP`.
    PasswordSrp,
    /// `PASSWORD` (the password itself is sent).
    Password,
    /// `EMAIL_OTP`.
    EmailOtp,
    /// `SMS_OTP`.
    SmsOtp,
}

/// Why the command stopped: 1 for a refusal, 2 for the rest.
enum Failure {
    Refused(Error),
    Local(String),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        if e.service_error().is_some() {
            Self::Refused(e)
        } else {
            Self::Local(e.to_string())
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Refused(e)) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
        Err(Failure::Local(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

async fn run(command: Command) -> Result<(), Failure> {
    match command {
        Command::SignIn {
            pool,
            username,
            flow,
            preferred,
            device_file,
            device_name,
        } => {
            let auth = authenticator(&pool).await?;
            let flow = to_flow(flow, preferred)?;
            let mut terminal = Terminal::new();
            let password = if flow.needs_password() {
                Some(terminal.password("Password")?)
            } else {
                None
            };
            let mut store = device_file.map(FileDeviceStore::new);
            let mut sign_in = auth.sign_in(&username, password).flow(flow);
            if let Some(store) = store.as_mut() {
                sign_in = sign_in.device_store(store).device_name(&device_name);
            }
            let tokens = sign_in.run(&mut terminal).await?;
            if let Some(e) = tokens.device_error() {
                eprintln!("warning: the new device was not kept: {e}");
            }
            output::print(&tokens).map_err(|e| Failure::Local(e.to_string()))
        }
        Command::Refresh {
            pool,
            username,
            device_file,
            rotate,
        } => {
            let auth = authenticator(&pool).await?;
            let refresh_token = secret_env("COGNITO_REFRESH_TOKEN")
                .ok_or_else(|| Failure::Local("set COGNITO_REFRESH_TOKEN".to_owned()))?;
            let device = match device_file {
                Some(path) => FileDeviceStore::new(path)
                    .load()
                    .map_err(|e| Failure::Local(format!("device file: {e}")))?,
                None => None,
            };
            let key = device.as_ref().map(|d| d.device_key());
            let tokens = if rotate {
                auth.get_tokens_from_refresh_token(&username, &refresh_token, key)
                    .await?
            } else {
                auth.refresh_token_auth(&username, &refresh_token, key)
                    .await?
            };
            output::print(&tokens).map_err(|e| Failure::Local(e.to_string()))
        }
        Command::ForgetDevice {
            pool,
            username,
            device_file,
        } => {
            let auth = authenticator(&pool).await?;
            let mut store = FileDeviceStore::new(device_file);
            let Some(device) = store
                .load()
                .map_err(|e| Failure::Local(format!("device file: {e}")))?
            else {
                return Err(Failure::Local("the device file holds no device".to_owned()));
            };
            let access_token = match secret_env("COGNITO_ACCESS_TOKEN") {
                Some(token) => token,
                None => {
                    let username = username.ok_or_else(|| {
                        Failure::Local(
                            "set COGNITO_ACCESS_TOKEN, or give --username to sign in".to_owned(),
                        )
                    })?;
                    let mut terminal = Terminal::new();
                    let password = terminal.password("Password")?;
                    let tokens = auth
                        .sign_in(&username, password)
                        .device_store(&mut store)
                        .run(&mut terminal)
                        .await?;
                    zeroize::Zeroizing::new(tokens.access_token().to_owned())
                }
            };
            auth.forget_stored_device(&access_token, &mut store).await?;
            println!(
                "{}",
                serde_json::json!({ "ForgottenDeviceKey": device.device_key() })
            );
            Ok(())
        }
        Command::Serve { port, region } => serve::run(port, &region).await.map_err(Failure::Local),
    }
}

/// A secret from the environment, wiped on drop (`None` when unset or not UTF-8).
fn secret_env(name: &str) -> Option<zeroize::Zeroizing<String>> {
    std::env::var(name).ok().map(zeroize::Zeroizing::new)
}

async fn authenticator(pool: &PoolArgs) -> Result<Authenticator, Failure> {
    let mut client = UserPoolClient::new(&pool.pool_id, &pool.client_id)
        .map_err(|e| Failure::Local(format!("--pool-id: {e}")))?;
    if let Some(secret) = secret_env("COGNITO_CLIENT_SECRET") {
        client = client.with_client_secret(ClientSecret::from(secret.as_str()));
    }
    let region = pool.region.clone().unwrap_or_else(|| {
        let pool_id = pool.pool_id.as_str();
        pool_id
            .split_once('_')
            .map_or(pool_id, |(region, _)| region)
            .to_owned()
    });
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(region));
    if let Some(url) = &pool.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    if !pool.admin {
        // The user operations need no AWS credentials: send them unsigned.
        loader = loader.no_credentials();
    }
    let sdk = aws_sdk_cognitoidentityprovider::Client::new(&loader.load().await);
    let auth = Authenticator::new(sdk, client);
    Ok(if pool.admin { auth.admin() } else { auth })
}

fn to_flow(flow: FlowArg, preferred: Option<PreferredArg>) -> Result<Flow, Failure> {
    let preferred = preferred.map(|p| match p {
        PreferredArg::PasswordSrp => FirstFactor::PasswordSrp,
        PreferredArg::Password => FirstFactor::Password,
        PreferredArg::EmailOtp => FirstFactor::EmailOtp,
        PreferredArg::SmsOtp => FirstFactor::SmsOtp,
    });
    Ok(match flow {
        FlowArg::Srp => Flow::UserSrp,
        FlowArg::Password => Flow::UserPassword,
        FlowArg::Custom => Flow::CustomAuth,
        FlowArg::CustomSrp => Flow::CustomAuthWithSrp,
        FlowArg::UserAuth => Flow::UserAuth { preferred },
    })
    .and_then(|f| match (preferred, &f) {
        (Some(_), Flow::UserAuth { .. }) | (None, _) => Ok(f),
        (Some(_), _) => Err(Failure::Local(
            "--preferred goes with --flow user-auth".to_owned(),
        )),
    })
}
