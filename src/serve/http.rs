//! The dev server's HTTP side: serves the latest good build from memory,
//! with a live-reload script injected into HTML, and a server-sent events
//! channel that tells browsers to reload, swap stylesheets, or show and
//! clear the build-error overlay.
//!
//! A URL path is only ever a key into the built site's file list; it is
//! never joined to a folder on disk. Paths with `..`, `.`, backslashes,
//! NUL or an empty segment are refused before the lookup all the same.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use futures_util::Stream;
use percent_encoding::percent_decode_str;
use tokio::sync::watch;

use super::Published;
use super::guard::{Hosts, check_host};

/// Where the injected script and the event channel live.
const LIVE_SCRIPT: &str = "/__primer/live.js";
const EVENTS: &str = "/__primer/events";
const LIVE_JS: &str = include_str!("live.js");

/// The dev server's routes over the published builds.
/// Requests for a host the server does not serve are refused first.
pub(super) fn router(published: watch::Receiver<Arc<Published>>, hosts: Hosts) -> Router {
    Router::new()
        .route(LIVE_SCRIPT, get(|| async { with_type("text/javascript; charset=utf-8", LIVE_JS.as_bytes().to_vec()) }))
        .route(EVENTS, get(events))
        .fallback(get(file))
        .with_state(published)
        .layer(axum::middleware::from_fn_with_state(hosts, check_host))
}

/// A site path from a request path: decoded, checked, with `index.html`
/// for folders. `None` for anything that tries to leave the site.
fn site_path(raw: &str) -> Option<String> {
    let decoded = percent_decode_str(raw).decode_utf8().ok()?;
    let rel = decoded.strip_prefix('/')?;
    if rel.contains(['\\', '\0']) || rel.starts_with('/') {
        return None;
    }
    let segments: Vec<&str> = rel.split('/').collect();
    let last = segments.len() - 1;
    let bad = segments.iter().enumerate().any(|(i, s)| *s == ".." || *s == "." || (s.is_empty() && i != last));
    if bad {
        return None;
    }
    Some(if rel.is_empty() || rel.ends_with('/') { format!("{rel}index.html") } else { rel.to_owned() })
}

async fn file(State(published): State<watch::Receiver<Arc<Published>>>, uri: Uri) -> Response {
    let site = published.borrow().site.clone();
    let Some(path) = site_path(uri.path()) else {
        return (StatusCode::BAD_REQUEST, "bad path\n").into_response();
    };
    if let Some(bytes) = site.files.get(&path) {
        return serve_bytes(&path, bytes, StatusCode::OK);
    }
    // A folder asked for without its slash: send the browser to it, so
    // relative links resolve, as static hosts do.
    if site.files.contains_key(&format!("{path}/index.html")) {
        let location = format!("/{path}/");
        return (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, location)]).into_response();
    }
    if let Some(disk) = site.assets.get(&path) {
        if let Ok(bytes) = tokio::fs::read(disk).await {
            return serve_bytes(&path, &bytes, StatusCode::OK);
        }
    }
    match site.files.get("404.html") {
        Some(page) => serve_bytes("404.html", page, StatusCode::NOT_FOUND),
        None => {
            serve_bytes("404.html", b"<!doctype html><title>Not built yet</title><body></body>", StatusCode::NOT_FOUND)
        }
    }
}

fn serve_bytes(path: &str, bytes: &[u8], status: StatusCode) -> Response {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    let kind = match mime.type_() {
        mime_guess::mime::TEXT => format!("{mime}; charset=utf-8"),
        _ if mime.subtype() == "javascript" || mime.subtype() == "json" || mime.subtype() == "xml" => {
            format!("{mime}; charset=utf-8")
        }
        _ => mime.to_string(),
    };
    let body = if mime.subtype() == "html" { inject(bytes) } else { bytes.to_vec() };
    let mut response = with_type(&kind, body);
    *response.status_mut() = status;
    response
}

fn with_type(kind: &str, body: Vec<u8>) -> Response {
    let mut response = Response::new(Body::from(body));
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(kind) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    // Every rebuild may change any file: never let the browser reuse one.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The page with the live-reload script before `</body>`.
fn inject(html: &[u8]) -> Vec<u8> {
    let tag = format!("<script src=\"{LIVE_SCRIPT}\"></script>");
    let text = String::from_utf8_lossy(html);
    match text.rfind("</body>") {
        Some(at) => format!("{}{tag}{}", &text[..at], &text[at..]).into_bytes(),
        None => format!("{text}{tag}").into_bytes(),
    }
}

/// What a browser was last told, to send it only what changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Seen {
    reload: u64,
    styles: u64,
    error: u64,
}

impl Seen {
    fn of(published: &Published) -> Self {
        Self { reload: published.reload, styles: published.styles, error: published.error.as_ref().map_or(0, |e| e.id) }
    }
}

/// Server-sent events: `hello` on connect (with the error overlay if the
/// last build failed), then `reload`, `styles`, `failed` or `ok`. Every
/// event carries data: browsers drop events whose data is empty.
async fn events(
    State(mut receiver): State<watch::Receiver<Arc<Published>>>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let first = receiver.borrow_and_update().clone();
    let hello = Event::default().event("hello").data("primer");
    let mut opening = vec![hello];
    if let Some(error) = &first.error {
        opening.push(Event::default().event("failed").data(&error.json));
    }
    let opening = futures_util::stream::iter(opening.into_iter().map(Ok));
    let updates = futures_util::stream::unfold((receiver, Seen::of(&first)), |(mut receiver, seen)| async move {
        loop {
            receiver.changed().await.ok()?;
            let now = receiver.borrow_and_update().clone();
            let next = Seen::of(&now);
            let event = match &now.error {
                Some(error) if next.error != seen.error => Some(Event::default().event("failed").data(&error.json)),
                Some(_) => None,
                None if next.reload != seen.reload => {
                    Some(Event::default().event("reload").data(next.reload.to_string()))
                }
                None if next.styles != seen.styles => {
                    Some(Event::default().event("styles").data(next.styles.to_string()))
                }
                None if seen.error != 0 => Some(Event::default().event("ok").data("cleared")),
                None => None,
            };
            if let Some(event) = event {
                return Some((Ok(event), (receiver, next)));
            }
        }
    });
    Sse::new(futures_util::StreamExt::chain(opening, updates))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
}

#[cfg(test)]
mod tests {
    use super::site_path;

    #[test]
    fn site_paths_stay_inside_the_site() {
        assert_eq!(site_path("/").as_deref(), Some("index.html"));
        assert_eq!(site_path("/recipes/a/").as_deref(), Some("recipes/a/index.html"));
        assert_eq!(site_path("/assets/style.css").as_deref(), Some("assets/style.css"));
        assert_eq!(site_path("/caf%C3%A9/").as_deref(), Some("café/index.html"));
        for bad in [
            "/../etc/passwd",
            "/a/../../etc/passwd",
            "/%2e%2e/etc/passwd",
            "/%2E%2E%2Fetc%2Fpasswd",
            "/a%2f..%2f..%2fetc",
            "/..%5cetc",
            "/a\\..\\etc",
            "//etc/passwd",
            "/a//b",
            "/./a",
            "/a%00",
            "/%ff",
        ] {
            assert_eq!(site_path(bad), None, "{bad}");
        }
    }
}
