//! What keeps the dev server to its owner: requests must name a host the
//! server serves (a page on another site can make the browser send
//! requests to loopback under its own name, by DNS rebinding), and a
//! connection that sends and receives nothing for a while is closed (a
//! few hundred idle connections would otherwise starve the server).

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{Instant, Sleep};

/// Host names the server answers to besides IP addresses and `localhost`.
#[derive(Debug, Clone, Default)]
pub(super) struct Hosts(pub(super) Arc<Vec<String>>);

impl Hosts {
    /// Whether a `Host` header names this server: an IP address (which
    /// no rebinding can forge), `localhost` or a name below it, or a name
    /// allowed with `--allow-host`. The port is not looked at.
    pub(super) fn allows(&self, host: &str) -> bool {
        let name = match host.strip_prefix('[') {
            Some(v6) => v6.split(']').next().unwrap_or_default(),
            None => {
                host.rsplit_once(':').map_or(host, |(name, port)| if port.parse::<u16>().is_ok() { name } else { host })
            }
        };
        let name = name.trim_end_matches('.').to_ascii_lowercase();
        name.parse::<IpAddr>().is_ok()
            || name == "localhost"
            || name.ends_with(".localhost")
            || self.0.iter().any(|allowed| allowed.eq_ignore_ascii_case(&name))
    }
}

/// Refuses requests whose `Host` the server does not serve.
pub(super) async fn check_host(State(hosts): State<Hosts>, request: Request, next: Next) -> Response {
    let host = request.headers().get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
    if hosts.allows(host) {
        return next.run(request).await;
    }
    let message = format!(
        "primer serve does not answer to the host `{}`: open it by IP address or localhost, or pass --allow-host\n",
        host.escape_debug()
    );
    (StatusCode::MISDIRECTED_REQUEST, message).into_response()
}

/// A TCP listener whose connections close after a time of silence both
/// ways. Live-reload streams send a keep-alive every 15 seconds, so with
/// the default minute they stay open.
#[derive(Debug)]
pub(super) struct IdleListener(pub(super) TcpListener, pub(super) Duration);

impl axum::serve::Listener for IdleListener {
    type Io = IdleStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (stream, address) = axum::serve::Listener::accept(&mut self.0).await;
        (IdleStream::new(stream, self.1), address)
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        self.0.local_addr()
    }
}

/// A stream that fails with `TimedOut` once nothing has moved for `limit`.
#[derive(Debug)]
pub(super) struct IdleStream {
    inner: TcpStream,
    deadline: Pin<Box<Sleep>>,
    limit: Duration,
}

impl IdleStream {
    fn new(inner: TcpStream, limit: Duration) -> Self {
        Self { inner, deadline: Box::pin(tokio::time::sleep(limit)), limit }
    }

    fn moved(&mut self) {
        let next = Instant::now() + self.limit;
        self.deadline.as_mut().reset(next);
    }

    /// `Pending` from the stream becomes an error once the deadline passed.
    fn pending_or_timed_out<T>(&mut self, cx: &mut Context<'_>) -> Poll<std::io::Result<T>> {
        match self.deadline.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(std::io::ErrorKind::TimedOut.into())),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncRead for IdleStream {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.inner).poll_read(cx, buf) {
            Poll::Ready(result) => {
                if buf.filled().len() > before {
                    this.moved();
                }
                Poll::Ready(result)
            }
            Poll::Pending => this.pending_or_timed_out(cx),
        }
    }
}

impl AsyncWrite for IdleStream {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_write(cx, data) {
            Poll::Ready(result) => {
                if result.as_ref().is_ok_and(|&n| n > 0) {
                    this.moved();
                }
                Poll::Ready(result)
            }
            Poll::Pending => this.pending_or_timed_out(cx),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_addresses_localhost_and_allowed_names_are_served() {
        let hosts = Hosts(Arc::new(vec!["docs.internal".to_owned()]));
        for good in [
            "127.0.0.1:3000",
            "localhost:3000",
            "localhost",
            "[::1]:3000",
            "192.168.1.5",
            "a.localhost:1",
            "Docs.Internal:80",
        ] {
            assert!(hosts.allows(good), "{good}");
        }
        for bad in ["evil.example:3000", "", "localhost.evil.example", "127.0.0.1.nip.io:3000"] {
            assert!(!hosts.allows(bad), "{bad}");
        }
    }
}
