//! `cognito-srp serve`: a local Cognito user-pool endpoint that any Cognito client (an AWS
//! SDK, amazon-cognito-identity-js, pycognito, this crate's `sign-in`) can be pointed at.
//!
//! It listens on 127.0.0.1 only, prints `{"Endpoint":"http://127.0.0.1:<port>"}` on stdout
//! once it accepts connections, and runs until SIGINT or SIGTERM. Each pool is
//! `cognito-srp-auth`'s offline pool (SRP, device SRP, `SECRET_HASH`, refresh tokens, checked
//! as Cognito checks them) with an RSA key that signs its tokens (RS256, served as a JWKS).
//!
//! - [`http`]: HTTP/1.1 routing, headers, bounded bodies, Cognito-shaped refusals;
//! - [`pools`]: the pools and the dispatch of operations (sign-ins go to the core pool);
//! - [`admin`]: `CreateUserPool`, `CreateUserPoolClient`, `AdminCreateUser`, …;
//! - [`devices`]: the access-token operations (`ConfirmDevice`, `ListDevices`, `GetUser`, …);
//! - [`jwt`]: RS256 signing, the key set, token checks;
//! - [`api`]: refusals and request fields.
//!
//! Nothing secret is logged: serve writes nothing but the endpoint line and, on stderr,
//! failures to accept connections.

mod admin;
mod api;
mod devices;
mod http;
mod jwt;
mod pools;

use std::future::Future;
use std::io::Write as _;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use self::pools::Service;

/// The most connections served at once; more wait in the listen queue.
const MAX_CONNECTIONS: usize = 256;

/// How long a client may take to send a request's headers (and, idle, the next request's).
const HEADER_TIMEOUT: Duration = Duration::from_secs(30);

/// The largest buffer hyper keeps for a connection (request line and headers must fit).
const MAX_BUF: usize = 64 * 1024;

/// Serve until SIGINT or SIGTERM, on 127.0.0.1:`port` (0: any free port), with new pools in
/// `region`.
///
/// # Errors
/// A message when the region is malformed, the port cannot be bound, the signal handlers
/// cannot be installed or the endpoint line cannot be written.
pub(crate) async fn run(port: u16, region: &str) -> Result<(), String> {
    // Before the endpoint line: a signal sent once the line is read must end serve cleanly.
    let stop = shutdown_signal()?;
    let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
        .await
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    let address = listener
        .local_addr()
        .map_err(|e| format!("cannot read the bound address: {e}"))?;
    let endpoint = format!("http://127.0.0.1:{}", address.port());
    let service = Arc::new(Service::new(region, &endpoint)?);
    announce(&endpoint).map_err(|e| format!("cannot write the endpoint: {e}"))?;
    accept_loop(&listener, &service, stop).await;
    Ok(())
}

/// Print the endpoint line and flush it.
fn announce(endpoint: &str) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, r#"{{"Endpoint":"{endpoint}"}}"#)?;
    stdout.flush()
}

/// Accept connections, each served on its own task, until `stop` completes.
async fn accept_loop(
    listener: &TcpListener,
    service: &Arc<Service>,
    stop: impl Future<Output = ()>,
) {
    let connections = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    tokio::pin!(stop);
    loop {
        let permit = tokio::select! {
            biased;
            () = &mut stop => return,
            permit = Arc::clone(&connections).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => return,
            },
        };
        let stream = tokio::select! {
            biased;
            () = &mut stop => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(e) => {
                    // Out of file descriptors and the like: wait, then go on.
                    eprintln!("warning: accepting a connection failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        tokio::spawn(serve_connection(stream, Arc::clone(service), permit));
    }
}

/// Serve one connection (keep-alive, HTTP/1.1) until it closes, breaks or times out.
async fn serve_connection(stream: TcpStream, service: Arc<Service>, permit: OwnedSemaphorePermit) {
    let _ = stream.set_nodelay(true);
    let handler = service_fn(move |request| http::handle(Arc::clone(&service), request));
    let connection = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(HEADER_TIMEOUT)
        .max_buf_size(MAX_BUF)
        .writev(true)
        .serve_connection(TokioIo::new(stream), handler);
    // A client that goes away, or sends garbage, ends its own connection only.
    let _ = connection.await;
    drop(permit);
}

/// A future that completes on SIGINT or SIGTERM (Ctrl-C elsewhere), its handlers installed
/// now.
#[cfg(unix)]
fn shutdown_signal() -> Result<impl Future<Output = ()>, String> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt =
        signal(SignalKind::interrupt()).map_err(|e| format!("cannot handle SIGINT: {e}"))?;
    let mut terminate =
        signal(SignalKind::terminate()).map_err(|e| format!("cannot handle SIGTERM: {e}"))?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {}
            _ = terminate.recv() => {}
        }
    })
}

/// A future that completes on Ctrl-C.
#[cfg(not(unix))]
fn shutdown_signal() -> Result<impl Future<Output = ()>, String> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
    })
}
