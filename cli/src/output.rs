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
    let text = json_wiped(&printed, b"\n")?;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&text)?;
    stdout.flush()
}

/// `value` as JSON text followed by `end`, in a buffer allocated at its final size (so that no
/// reallocation leaves an unwiped copy of a token behind) and wiped on drop.
pub(crate) fn json_wiped<T: Serialize + ?Sized>(
    value: &T,
    end: &[u8],
) -> std::io::Result<Zeroizing<Vec<u8>>> {
    /// A writer that only counts.
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 = self.0.saturating_add(buf.len());
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    serde_json::to_writer(&mut count, value)?;
    let mut out = Zeroizing::new(Vec::with_capacity(count.0.saturating_add(end.len())));
    serde_json::to_writer(&mut *out, value)?;
    out.extend_from_slice(end);
    Ok(out)
}
