//! A small HTTP/1.1 client for talking to real `uppfolj` processes, and process helpers.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

/// The Göteborg definition files, the data set the tests import.
pub fn goteborg_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/goteborg")
}

/// Runs the binary with `args` against the database at `url`.
pub fn uppfolj(url: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_uppfolj"))
        .args(args)
        .env("DATABASE_URL", url)
        .env("UPPFOLJ_LOG", "warn")
        .output()
        .expect("the binary runs")
}

/// What a successful run printed; a failed one fails the test with its standard error.
pub fn ok(output: Output) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "failed: {stderr}");
    String::from_utf8(output.stdout).unwrap()
}

/// A reply: status code, headers (lowercased names) and body.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("JSON expected ({e}): {}", self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Sends one request on a fresh connection. `headers` are extra header lines.
pub fn http(
    address: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> std::io::Result<Reply> {
    let mut stream = TcpStream::connect(address)?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut request =
        format!("{method} {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    let body = body.unwrap_or("");
    if !body.is_empty() || method != "GET" {
        request.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes())?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_ascii_lowercase(), v.to_owned()))
        .collect();
    Ok(Reply {
        status,
        headers,
        body: body.to_owned(),
    })
}

/// `http` with a bearer token and a JSON body.
pub fn api(address: &str, method: &str, path: &str, token: &str, body: Option<&str>) -> Reply {
    let auth = format!("Bearer {token}");
    let mut headers = vec![("Authorization", auth.as_str())];
    if body.is_some() {
        headers.push(("Content-Type", "application/json"));
    }
    http(address, method, path, &headers, body).expect("the server answers")
}

/// A running `uppfolj` server, killed when dropped.
pub struct Server {
    pub child: Child,
    pub address: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `uppfolj <command> --bind 127.0.0.1:0` and waits for the line with its address.
pub fn start(command: &str, url: Option<&str>) -> Server {
    start_with(command, url, &[])
}

/// The same, with more environment variables.
pub fn start_with(command: &str, url: Option<&str>, env: &[(&str, &str)]) -> Server {
    let mut process = Command::new(env!("CARGO_BIN_EXE_uppfolj"));
    process
        .args([command, "--bind", "127.0.0.1:0"])
        .env("UPPFOLJ_LOG", "warn")
        .envs(env.iter().copied())
        .stdout(Stdio::piped());
    match url {
        Some(url) => process.env("DATABASE_URL", url),
        None => process.env_remove("DATABASE_URL"),
    };
    let mut child = process.spawn().expect("the binary starts");
    let mut line = String::new();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdout.read_line(&mut line).unwrap();
    // Keep reading, so that the server never writes to a closed pipe.
    std::thread::spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()));
    assert!(
        line.starts_with("Uppfölj är igång: öppna http://127.0.0.1:"),
        "{line}"
    );
    let address = line
        .trim()
        .rsplit("http://")
        .next()
        .unwrap()
        .trim_end_matches('/')
        .to_owned();
    Server { child, address }
}
