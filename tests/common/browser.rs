//! Drives headless Chromium over the DevTools protocol for browser tests.
//!
//! Chromium is Debian's `chromium`. When it is missing the test is skipped
//! with a message, except under `CI=true`, where a missing browser fails.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tungstenite::WebSocket;
use tungstenite::stream::MaybeTlsStream;

const CHROMIUM: &str = "/usr/bin/chromium";

pub struct Browser {
    child: Child,
    profile: Option<tempfile::TempDir>,
    socket: WebSocket<MaybeTlsStream<TcpStream>>,
    next_id: u64,
}

impl Browser {
    /// Starts Chromium, or returns `None` (skip) when it is not installed
    /// outside CI.
    pub fn launch() -> Option<Self> {
        let path = std::env::var("PRIMER_CHROMIUM").unwrap_or_else(|_| CHROMIUM.to_owned());
        if !std::path::Path::new(&path).exists() {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "Chromium is required under CI=true but {path} is missing (apt-get install chromium)"
            );
            eprintln!("skipping browser test: {path} not found (apt-get install chromium)");
            return None;
        }
        let profile = tempfile::tempdir().unwrap();
        let mut child = Command::new(&path)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
                "--disable-quic",
                "--remote-debugging-port=0",
                "--window-size=1280,900",
            ])
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            // Chromium makes a folder for its singleton socket in TMPDIR
            // and leaves it when killed: inside the profile, it goes with it.
            .env("TMPDIR", profile.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            // A group of its own, so that closing the browser reaches its
            // renderer and helper processes too.
            .process_group(0)
            .spawn()
            .unwrap();
        let port = devtools_port(child.stderr.take().unwrap());
        let targets: Value = serde_json::from_str(&http_get(port, "/json/list")).unwrap();
        let page_url = targets
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["type"] == "page")
            .and_then(|t| t["webSocketDebuggerUrl"].as_str())
            .unwrap()
            .to_owned();
        let (socket, _) = tungstenite::connect(page_url).unwrap();
        let mut browser = Self { child, profile: Some(profile), socket, next_id: 0 };
        browser.call("Page.enable", json!({}));
        browser.call("Runtime.enable", json!({}));
        Some(browser)
    }

    /// Sends a DevTools command and waits for its result.
    pub fn call(&mut self, method: &str, params: Value) -> Value {
        match self.try_call(method, params) {
            Ok(result) => result,
            Err(error) => panic!("{method} failed: {error}"),
        }
    }

    /// [`Browser::call`], with DevTools' error as a value.
    fn try_call(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        self.next_id += 1;
        let id = self.next_id;
        let message = json!({ "id": id, "method": method, "params": params }).to_string();
        self.socket.send(tungstenite::Message::text(message)).unwrap();
        loop {
            let reply = self.socket.read().unwrap();
            let Ok(text) = reply.to_text() else { continue };
            let value: Value = serde_json::from_str(text).unwrap();
            if value["id"] == id {
                return match value.get("error") {
                    Some(error) => Err(error.clone()),
                    None => Ok(value["result"].clone()),
                };
            }
        }
    }

    /// Opens `url` and waits until the page and its deferred scripts ran.
    pub fn goto(&mut self, url: &str) {
        self.call("Page.navigate", json!({ "url": url }));
        self.wait_for(&format!(
            "document.readyState === 'complete' && location.href.startsWith({})",
            json!(url.split('?').next().unwrap())
        ));
    }

    /// Evaluates JavaScript in the page and returns its value.
    pub fn eval(&mut self, expression: &str) -> Value {
        let result = self
            .call("Runtime.evaluate", json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }));
        assert!(result.get("exceptionDetails").is_none(), "{expression} threw: {}", result["exceptionDetails"]);
        result["result"]["value"].clone()
    }

    /// Polls a JavaScript condition until it holds, for up to 10 seconds.
    /// A poll that lands while the page navigates is simply polled again.
    pub fn wait_for(&mut self, condition: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let expression = format!("!!({condition})");
            let polled = self.try_call("Runtime.evaluate", json!({ "expression": expression, "returnByValue": true }));
            if polled.is_ok_and(|result| result["result"]["value"] == json!(true)) {
                return;
            }
            assert!(Instant::now() < deadline, "timed out waiting for {condition}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Clicks the centre of the first element matching `selector` with
    /// real mouse events, as a reader would.
    pub fn click(&mut self, selector: &str) {
        let point = self.eval(&format!(
            "(() => {{ const e = document.querySelector({}); if (!e) return null; e.scrollIntoView({{block: 'center'}}); const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()",
            json!(selector)
        ));
        assert!(!point.is_null(), "nothing matches {selector}");
        let (x, y) = (point[0].as_f64().unwrap(), point[1].as_f64().unwrap());
        for kind in ["mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({ "type": kind, "x": x, "y": y, "button": "left", "clickCount": 1 }),
            );
        }
    }

    /// Presses a key (`"Enter"`, `"Escape"`, `"ArrowDown"`, `"/"`…).
    pub fn press(&mut self, key: &str) {
        let code = match key {
            "Enter" => 13,
            "Escape" => 27,
            "ArrowDown" => 40,
            "ArrowUp" => 38,
            "Tab" => 9,
            " " => 32,
            _ => 0,
        };
        let text = if key.chars().count() == 1 {
            key
        } else if key == "Enter" {
            "\r"
        } else {
            ""
        };
        self.call(
            "Input.dispatchKeyEvent",
            json!({ "type": "keyDown", "key": key, "windowsVirtualKeyCode": code, "text": text }),
        );
        self.call("Input.dispatchKeyEvent", json!({ "type": "keyUp", "key": key, "windowsVirtualKeyCode": code }));
    }

    /// Types text into the focused element.
    pub fn type_text(&mut self, text: &str) {
        self.call("Input.insertText", json!({ "text": text }));
    }

    /// Turns the page's own JavaScript off or on (DevTools evaluation
    /// still works).
    pub fn set_javascript(&mut self, enabled: bool) {
        self.call("Emulation.setScriptExecutionDisabled", json!({ "value": !enabled }));
    }

    /// Sizes the window as a phone (`mobile`) or a desktop would be.
    pub fn set_viewport(&mut self, width: u32, height: u32, mobile: bool) {
        self.call(
            "Emulation.setDeviceMetricsOverride",
            json!({ "width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile }),
        );
    }

    /// Makes the page see a system that prefers dark colours, or light.
    pub fn prefer_dark(&mut self, dark: bool) {
        let scheme = if dark { "dark" } else { "light" };
        self.call(
            "Emulation.setEmulatedMedia",
            json!({ "features": [{ "name": "prefers-color-scheme", "value": scheme }] }),
        );
    }

    /// Runs axe-core on the page and returns its violations as
    /// `rule: target…` lines. `None` (skip) when axe-core is not installed
    /// outside CI (`npm ci --prefix tests/browser`).
    pub fn axe_violations(&mut self) -> Option<Vec<String>> {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/browser/node_modules/axe-core/axe.min.js");
        let Ok(source) = std::fs::read_to_string(path) else {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "axe-core is required under CI=true but {path} is missing (npm ci --prefix tests/browser)"
            );
            eprintln!("skipping accessibility check: {path} not found (npm ci --prefix tests/browser)");
            return None;
        };
        if self.eval("typeof axe") != json!("object") {
            self.eval(&source);
        }
        let found = self.eval(
            "axe.run(document, { resultTypes: ['violations'] }).then(r => r.violations.flatMap(v => v.nodes.map(n => v.id + ': ' + n.target.join(' ') + ' ' + (n.failureSummary || '').replace(/\\s+/g, ' '))))",
        );
        Some(found.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect())
    }

    /// Text of every element matching `selector` that is displayed.
    pub fn visible_texts(&mut self, selector: &str) -> Vec<String> {
        let value = self.eval(&format!(
            "[...document.querySelectorAll({})].filter(e => e.offsetParent !== null).map(e => e.textContent.trim())",
            json!(selector)
        ));
        value.as_array().unwrap().iter().map(|v| v.as_str().unwrap().to_owned()).collect()
    }
}

impl Drop for Browser {
    /// Ends every Chromium process, then removes the profile. Helpers
    /// that outlive the main process a moment write into the profile, so
    /// its removal is tried again until they are gone.
    fn drop(&mut self) {
        let group = nix::unistd::Pid::from_raw(-i32::try_from(self.child.id()).unwrap());
        let _ = nix::sys::signal::kill(group, nix::sys::signal::Signal::SIGKILL);
        let _ = self.child.wait();
        let Some(profile) = self.profile.take() else { return };
        let path = profile.keep();
        let deadline = Instant::now() + Duration::from_secs(5);
        while std::fs::remove_dir_all(&path).is_err() && path.exists() && Instant::now() < deadline {
            let _ = nix::sys::signal::kill(group, nix::sys::signal::Signal::SIGKILL);
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Reads Chromium's stderr until it prints its DevTools port.
fn devtools_port(stderr: impl Read + Send + 'static) -> u16 {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(url) = line.strip_prefix("DevTools listening on ws://") {
                let port = url.split(['/', ':']).nth(1).and_then(|p| p.parse::<u16>().ok());
                let _ = sender.send(port);
            }
        }
    });
    receiver
        .recv_timeout(Duration::from_secs(30))
        .ok()
        .flatten()
        .expect("Chromium did not report its DevTools port within 30 s")
}

/// GET over HTTP/1.1. Chromium keeps the connection open whatever the
/// request says, so the body is read by its Content-Length.
fn http_get(port: u16, path: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n").unwrap();
    let mut reader = BufReader::new(stream);
    let mut length = 0;
    let mut line = String::new();
    while reader.read_line(&mut line).unwrap() > 2 {
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap();
            }
        }
        line.clear();
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    String::from_utf8(body).unwrap()
}
