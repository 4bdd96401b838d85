//! What several test files share: the plugin the servers answer with, a clock skip for
//! tests in real time, and a raw HTTP/1.1 server on loopback for servers that must
//! misbehave in ways a mock server cannot (endless bodies, connections cut mid-body).

// Each test file is its own crate and uses only part of this module.
#![allow(dead_code)]

use serde_json::{json, Value};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The plugin `ccp-1`, as the servers in these tests answer with it.
pub fn plugin() -> Value {
    json!({
        "api_version": "connect/v1", "kind": "CustomConnectorPlugin", "id": "ccp-1",
        "display_name": "Datagen", "connector_class": "io.confluent.Datagen", "connector_type": "SOURCE"
    })
}

/// Moves tokio's clock ahead without sleeping. Tests that fetch tokens run in real time:
/// a fetch is bounded by the retry budget, and paused time would jump to that deadline
/// whenever the client waits for the server.
pub async fn skip(by: Duration) {
    tokio::time::pause();
    tokio::time::advance(by).await;
    tokio::time::resume();
}

/// What a raw loopback server writes on one connection: `head` (status line, headers and
/// the start of a body), then `filler` bytes of `x` in 64 KiB writes until the client
/// hangs up, then it closes the connection.
#[derive(Clone)]
pub struct RawAnswer {
    pub head: Vec<u8>,
    pub filler: u64,
}

/// A loopback HTTP/1.1 server that answers its n-th connection with `answers[n]` (the
/// last one for any further connection). Returns its base URL, the bytes it wrote and
/// the connections it took.
pub async fn raw_server(answers: Vec<RawAnswer>) -> (String, Arc<AtomicU64>, Arc<AtomicU64>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let address = listener.local_addr().expect("address");
    let written = Arc::new(AtomicU64::new(0));
    let connections = Arc::new(AtomicU64::new(0));
    let (w, c) = (written.clone(), connections.clone());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let n = c.fetch_add(1, Ordering::SeqCst) as usize;
            let Some(answer) = answers.get(n).or(answers.last()).cloned() else {
                return;
            };
            let w = w.clone();
            tokio::spawn(async move {
                // Reads the request head (these requests have no body).
                let mut request = Vec::new();
                let mut buf = [0u8; 4096];
                while !request.windows(4).any(|x| x == b"\r\n\r\n") && request.len() < 65536 {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(k) => request.extend_from_slice(&buf[..k]),
                    }
                }
                if socket.write_all(&answer.head).await.is_err() {
                    return;
                }
                w.fetch_add(answer.head.len() as u64, Ordering::SeqCst);
                let chunk = vec![b'x'; 64 * 1024];
                let mut left = answer.filler;
                while left > 0 {
                    let k = left.min(chunk.len() as u64) as usize;
                    if socket.write_all(&chunk[..k]).await.is_err() {
                        return;
                    }
                    w.fetch_add(k as u64, Ordering::SeqCst);
                    left -= k as u64;
                }
                let _ = socket.shutdown().await;
            });
        }
    });
    (format!("http://{address}"), written, connections)
}

/// Collects what the client traces, as text: a `tracing_subscriber` writer.
#[derive(Clone, Default)]
pub struct Trace(pub Arc<Mutex<Vec<u8>>>);

impl Trace {
    pub fn text(&self) -> String {
        self.0
            .lock()
            .map(|b| String::from_utf8_lossy(&b).into_owned())
            .unwrap_or_default()
    }
}

impl std::io::Write for Trace {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if let Ok(mut b) = self.0.lock() {
            b.extend_from_slice(buf);
        }
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
