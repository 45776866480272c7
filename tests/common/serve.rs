//! `primer serve` run by tests: the real binary on an ephemeral port, its
//! event channel, and raw HTTP requests that no client library normalizes.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A running `primer serve`, stopped when dropped.
pub struct DevServer {
    child: Child,
    pub port: u16,
    /// Lines the server printed after its address.
    pub log: mpsc::Receiver<String>,
}

/// A response: status, headers (lowercase names) and body.
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

impl DevServer {
    /// Starts `primer serve --port 0` in `root` and waits for its address.
    pub fn start(root: &Path) -> Self {
        Self::start_with(root, &[])
    }

    /// [`DevServer::start`] with more arguments for `primer serve`.
    pub fn start_with(root: &Path, args: &[&str]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_primer"))
            .args(["serve", "--port", "0"])
            .args(args)
            .current_dir(root)
            .env("NO_COLOR", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (sender, log) = mpsc::channel();
        let stdout = child.stdout.take().unwrap();
        let stderr = child.stderr.take().unwrap();
        let errors = sender.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let _ = errors.send(line.unwrap_or_default());
            }
        });
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let _ = sender.send(line.unwrap_or_default());
            }
        });
        let deadline = Instant::now() + Duration::from_secs(60);
        let port = loop {
            let line = log.recv_timeout(deadline.saturating_duration_since(Instant::now())).expect("server starts");
            if let Some(rest) = line.strip_prefix("Serving at http://127.0.0.1:") {
                break rest.split('/').next().unwrap().parse().unwrap();
            }
        };
        Self { child, port, log }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// Sends `path` as it is, byte for byte, in a GET request.
    pub fn get(&self, path: &str) -> Response {
        self.get_from(path, "127.0.0.1")
    }

    /// [`DevServer::get`] with `host` as the `Host` header.
    pub fn get_from(&self, path: &str, host: &str) -> Response {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(stream, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let text = String::from_utf8_lossy(&raw).into_owned();
        let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
        let mut lines = head.lines();
        let status = lines.next().unwrap_or_default().split(' ').nth(1).unwrap_or("0").parse().unwrap();
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        Response { status, headers, body: body.to_owned() }
    }

    /// Opens the live-reload event channel.
    pub fn events(&self) -> Events {
        let mut stream = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(stream, "GET /__primer/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
            .unwrap();
        let (sender, receiver) = mpsc::channel();
        std::thread::spawn(move || {
            let mut name = String::new();
            for line in BufReader::new(stream).lines() {
                let Ok(line) = line else { return };
                let event = if let Some(event) = line.strip_prefix("event: ") {
                    name = event.to_owned();
                    None
                } else if let Some(data) = line.strip_prefix("data: ") {
                    Some((std::mem::take(&mut name), data.to_owned()))
                } else {
                    // As in browsers, an event without data is dropped.
                    None
                };
                if event.is_some_and(|event| sender.send(event).is_err()) {
                    return;
                }
            }
        });
        let events = Events { receiver };
        events.expect("hello");
        events
    }

    /// Waits for a log line containing `text`.
    pub fn expect_log(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let line = self
                .log
                .recv_timeout(deadline.saturating_duration_since(Instant::now()))
                .unwrap_or_else(|_| panic!("no log line with `{text}`"));
            if line.contains(text) {
                return line;
            }
        }
    }
}

impl Drop for DevServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Server-sent events as (name, data).
pub struct Events {
    receiver: mpsc::Receiver<(String, String)>,
}

impl Events {
    /// Waits for the event `name` and returns its data; fails on any other
    /// event first, or after a timeout.
    pub fn expect(&self, name: &str) -> String {
        let (event, data) = self
            .receiver
            .recv_timeout(Duration::from_secs(30))
            .unwrap_or_else(|_| panic!("no `{name}` event within 30 s"));
        assert_eq!(event, name, "expected `{name}`, got `{event}` with {data}");
        data
    }

    /// Whether any event arrives within `wait`.
    pub fn quiet_for(&self, wait: Duration) -> bool {
        self.receiver.recv_timeout(wait).is_err()
    }
}
