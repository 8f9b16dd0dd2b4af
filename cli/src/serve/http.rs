//! The HTTP/1.1 side: one request in, one answer out.
//!
//! - `POST /` with `X-Amz-Target: AWSCognitoIdentityProviderService.<Operation>` and
//!   `Content-Type: application/x-amz-json-1.1` (parameters such as `charset` allowed): the
//!   operation, answered with that content type;
//! - `GET /<pool id>/.well-known/jwks.json`: the pool's key set, and
//!   `GET /<pool id>/.well-known/openid-configuration`: its `issuer` and `jwks_uri`
//!   (`application/json`).
//!
//! Refusals are JSON `{"__type":…,"message":…}` with `x-amzn-ErrorType: <__type>`:
//! - a body over 1 MiB: 400 `InvalidParameterException` (the core pool's refusal of a longer
//!   body), found while reading (no more is kept) and the connection closed;
//! - a missing `X-Amz-Target`, one without the service prefix, and a missing or other
//!   content type: 400 `UnknownOperationException` (as AWS JSON services, which pick the
//!   operation by target and protocol); an unknown operation: the same;
//! - another method on `/`: 400 `UnknownOperationException`; another path: 404
//!   `ResourceNotFoundException`;
//! - a body that ends early (the client closed): 400 `SerializationException`; one not sent
//!   within 30 s: 408 `RequestTimeoutException`; both close the connection.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use cognito_srp_auth::server::MAX_JSON_BODY;
use http_body_util::{BodyExt as _, Full};
use hyper::body::{Bytes, Incoming};
use hyper::header::{CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use zeroize::Zeroizing;

use super::api::{
    ApiError, internal, resource_not_found, serialization, unknown_operation, unknown_pool,
};
use super::pools::{Answer, Service, uuid};

/// The largest request body: 1 MiB, as the core pool's.
pub(super) const MAX_BODY: usize = MAX_JSON_BODY;

/// How long a request body may take to arrive.
const BODY_TIMEOUT: Duration = Duration::from_secs(30);

/// What `X-Amz-Target` starts with.
const TARGET_PREFIX: &str = "AWSCognitoIdentityProviderService.";

/// The content type of requests and answers.
const JSON_1_1: &str = "application/x-amz-json-1.1";

/// Where the key sets are: `/<pool id>` + this.
const JWKS_SUFFIX: &str = "/.well-known/jwks.json";

/// Where the `OpenID` Connect discovery documents are: `/<pool id>` + this.
const OPENID_SUFFIX: &str = "/.well-known/openid-configuration";

/// Why a request body could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum BodyError {
    /// Over [`MAX_BODY`] bytes.
    TooLarge,
    /// The connection ended (or broke) before the body did.
    Broken,
    /// Not sent within [`BODY_TIMEOUT`].
    Timeout,
}

/// Answer one request (hyper's service function: it never fails).
///
/// # Errors
/// Never.
pub(super) async fn handle(
    service: Arc<Service>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    Ok(respond(service, request).await)
}

/// The response to one request (see the module docs for the routes and refusals).
async fn respond(service: Arc<Service>, request: Request<Incoming>) -> Response<Full<Bytes>> {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path();
    let pool_document = |suffix: &str| {
        path.strip_prefix('/')
            .and_then(|p| p.strip_suffix(suffix))
            .filter(|p| !p.contains('/'))
    };
    if let Some((pool_id, openid)) = pool_document(JWKS_SUFFIX)
        .map(|id| (id, false))
        .or_else(|| pool_document(OPENID_SUFFIX).map(|id| (id, true)))
    {
        if parts.method != Method::GET && parts.method != Method::HEAD {
            let e = ApiError::new("UnknownOperationException", "Documents are read with GET.");
            return reply(e.into(), false);
        }
        let Some((issuer, jwks)) = service.openid(pool_id) else {
            return reply(unknown_pool(pool_id).with_status(404).into(), false);
        };
        let document = if openid {
            serde_json::json!({
                "issuer": issuer,
                "jwks_uri": format!("{issuer}{JWKS_SUFFIX}"),
                "id_token_signing_alg_values_supported": ["RS256"],
                "subject_types_supported": ["public"],
                "response_types_supported": ["code", "token"],
            })
            .to_string()
        } else {
            jwks
        };
        let answer = Answer {
            status: 200,
            body: Zeroizing::new(document.into_bytes()),
            error_type: None,
        };
        let mut response = reply(answer, false);
        response
            .headers_mut()
            .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        return response;
    }
    if path != "/" {
        let e = resource_not_found(
            "No such resource: POST operations to /, GET /<pool id>/.well-known/jwks.json.",
        )
        .with_status(404);
        return reply(e.into(), false);
    }
    if parts.method != Method::POST {
        let e = ApiError::new(
            "UnknownOperationException",
            "Operations are sent with POST.",
        );
        return reply(e.into(), false);
    }
    let body = match read_body(body, declared_length(&parts.headers)).await {
        Ok(body) => body,
        Err(BodyError::TooLarge) => {
            let e = super::api::invalid_parameter(format!(
                "The request body is longer than {MAX_BODY} bytes."
            ));
            return reply(e.into(), true);
        }
        Err(BodyError::Broken) => {
            return reply(serialization("The request body ended early.").into(), true);
        }
        Err(BodyError::Timeout) => {
            let e = ApiError::new(
                "RequestTimeoutException",
                "The request body was not sent in time.",
            )
            .with_status(408);
            return reply(e.into(), true);
        }
    };
    let operation = match operation(&parts.headers) {
        Ok(operation) => operation,
        Err(e) => return reply(e.into(), false),
    };
    if let Err(e) = check_content_type(&parts.headers) {
        return reply(e.into(), false);
    }
    let now = Utc::now();
    // The SRP work, key generation and lock waits happen on a blocking thread, so the async
    // workers keep answering other connections.
    let answer = tokio::task::spawn_blocking(move || service.answer(&operation, &body, now))
        .await
        .unwrap_or_else(|_| internal().into());
    reply(answer, false)
}

/// The `Content-Length` of a request, when it has one that is a number.
fn declared_length(headers: &HeaderMap) -> Option<usize> {
    headers
        .get(CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Read a request body, at most [`MAX_BODY`] bytes (refused as soon as a frame goes past
/// it), within [`BODY_TIMEOUT`]. The buffer is wiped on drop, and when it grows.
async fn read_body(
    mut body: Incoming,
    declared: Option<usize>,
) -> Result<Zeroizing<Vec<u8>>, BodyError> {
    let read = async {
        // The declared length is the client's word: at most 64 KiB is reserved before the
        // bytes arrive (the buffer grows, wiped, from there).
        let mut buf = Zeroizing::new(Vec::with_capacity(declared.unwrap_or(0).min(64 * 1024)));
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|_| BodyError::Broken)?;
            if let Ok(data) = frame.into_data() {
                if buf.len().saturating_add(data.len()) > MAX_BODY {
                    return Err(BodyError::TooLarge);
                }
                append(&mut buf, &data);
            }
        }
        Ok(buf)
    };
    tokio::time::timeout(BODY_TIMEOUT, read)
        .await
        .unwrap_or(Err(BodyError::Timeout))
}

/// Append `data` (the total is at most [`MAX_BODY`]); when the buffer must grow, the bytes
/// move to a larger one and the old one is wiped (no unwiped copy is left by a
/// reallocation).
fn append(buf: &mut Zeroizing<Vec<u8>>, data: &[u8]) {
    let needed = buf.len().saturating_add(data.len());
    if needed > buf.capacity() {
        let capacity = needed
            .max(buf.capacity().saturating_mul(2))
            .min(MAX_BODY)
            .max(needed);
        let mut grown = Zeroizing::new(Vec::with_capacity(capacity));
        grown.extend_from_slice(buf);
        *buf = grown;
    }
    buf.extend_from_slice(data);
}

/// The operation named by `X-Amz-Target`.
fn operation(headers: &HeaderMap) -> Result<String, ApiError> {
    let target = headers.get("x-amz-target").ok_or_else(|| {
        ApiError::new(
            "UnknownOperationException",
            "Missing the X-Amz-Target header.",
        )
    })?;
    let target = target.to_str().map_err(|_| unknown_operation(""))?;
    target
        .strip_prefix(TARGET_PREFIX)
        .map(str::to_owned)
        .ok_or_else(|| unknown_operation(target))
}

/// `Content-Type` is `application/x-amz-json-1.1` (any case, parameters allowed).
fn check_content_type(headers: &HeaderMap) -> Result<(), ApiError> {
    let json = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case(JSON_1_1));
    if json {
        Ok(())
    } else {
        Err(ApiError::new(
            "UnknownOperationException",
            "The content type must be application/x-amz-json-1.1.",
        ))
    }
}

/// The HTTP response of an answer: its status and body (handed to hyper without a copy,
/// wiped when hyper drops it), `Content-Type: application/x-amz-json-1.1`, a request id,
/// `x-amzn-ErrorType` for a refusal, and `Connection: close` when asked.
fn reply(answer: Answer, close: bool) -> Response<Full<Bytes>> {
    let Answer {
        status,
        body,
        error_type,
    } = answer;
    let mut response = Response::new(Full::new(Bytes::from_owner(body)));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(JSON_1_1));
    if let Some(kind) = error_type.and_then(|k| HeaderValue::from_str(&k).ok()) {
        headers.insert(HeaderName::from_static("x-amzn-errortype"), kind);
    }
    if let Some(id) = uuid().ok().and_then(|id| HeaderValue::from_str(&id).ok()) {
        headers.insert(HeaderName::from_static("x-amzn-requestid"), id);
    }
    if close {
        headers.insert(CONNECTION, HeaderValue::from_static("close"));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(
                HeaderName::from_static(name),
                HeaderValue::from_static(value),
            );
        }
        map
    }

    #[test]
    fn targets_name_cognito_operations() {
        assert_eq!(
            operation(&headers(&[(
                "x-amz-target",
                "AWSCognitoIdentityProviderService.InitiateAuth"
            )])),
            Ok("InitiateAuth".to_owned())
        );
        assert_eq!(
            operation(&headers(&[("x-amz-target", "DynamoDB_20120810.GetItem")])),
            Err(unknown_operation("DynamoDB_20120810.GetItem"))
        );
        assert_eq!(
            operation(&headers(&[])).map_err(|e| e.kind),
            Err("UnknownOperationException")
        );
    }

    #[test]
    fn content_type_is_json_1_1() {
        for ok in [
            "application/x-amz-json-1.1",
            "Application/X-Amz-Json-1.1; charset=utf-8",
        ] {
            let mut map = HeaderMap::new();
            map.insert(CONTENT_TYPE, HeaderValue::from_static(ok));
            assert_eq!(check_content_type(&map), Ok(()), "{ok}");
        }
        for bad in ["application/json", "application/x-amz-json-1.0", ""] {
            let mut map = HeaderMap::new();
            map.insert(CONTENT_TYPE, HeaderValue::from_static(bad));
            assert!(check_content_type(&map).is_err(), "{bad}");
        }
        assert!(check_content_type(&HeaderMap::new()).is_err());
    }

    #[test]
    fn bodies_grow_into_wiped_buffers_up_to_the_bound() {
        let mut buf = Zeroizing::new(Vec::new());
        append(&mut buf, b"abc");
        append(&mut buf, &[7; 100]);
        assert_eq!(buf.len(), 103);
        assert_eq!(buf.get(..3), Some(&b"abc"[..]));
        let mut full = Zeroizing::new(Vec::with_capacity(10));
        append(&mut full, &vec![1; MAX_BODY]);
        assert_eq!(full.len(), MAX_BODY);
        assert_eq!(full.capacity(), MAX_BODY);
    }
}
