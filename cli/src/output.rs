//! The one JSON object on stdout.

use std::io::Write as _;

use cognito_srp_auth_sdk::Tokens;
use serde::Serialize;
use zeroize::Zeroizing;

/// `AuthenticationResult`'s shape plus the internal user name.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct Printed<'a> {
    access_token: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    id_token: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<&'a str>,
    expires_in: u64,
    token_type: &'a str,
    username: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    device_key: Option<&'a str>,
}

/// Print `tokens` as one JSON object and a line end, from a buffer wiped afterwards.
pub(crate) fn print(tokens: &Tokens) -> std::io::Result<()> {
    let printed = Printed {
        access_token: tokens.access_token(),
        id_token: tokens.id_token(),
        refresh_token: tokens.refresh_token(),
        expires_in: tokens.expires_in().as_secs(),
        token_type: tokens.token_type(),
        username: tokens.username(),
        device_key: tokens.device_key(),
    };
    let mut text = Zeroizing::new(Vec::with_capacity(8192));
    serde_json::to_writer(&mut *text, &printed)?;
    text.push(b'\n');
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&text)?;
    stdout.flush()
}
