//! A scripted HTTP/1.1 server on loopback, for what a mock server cannot do: answer in
//! chunks of chosen sizes, cut a connection halfway, stall, or never end a line; and read a
//! request body without holding it.

#![allow(dead_code)]

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// A request as the server read it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    /// The body, when the server kept it.
    pub body: Vec<u8>,
    /// How many body bytes came.
    pub body_len: u64,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A running server: its base URL, the requests it read, in order.
pub struct Server {
    pub url: String,
    pub requests: Arc<Mutex<Vec<Request>>>,
    connections: Arc<AtomicUsize>,
}

impl Server {
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    pub fn requests(&self) -> Vec<Request> {
        self.requests.lock().expect("not poisoned").clone()
    }
}

/// Starts a server that reads each request (keeping its body when `keep_body`) and hands
/// it, with the connection and the number of the connection (from 0), to `answer`.
pub async fn serve<F, Fut>(keep_body: bool, answer: F) -> Server
where
    F: Fn(usize, Request, TcpStream) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    let requests = Arc::new(Mutex::new(Vec::new()));
    let connections = Arc::new(AtomicUsize::new(0));
    let answer = Arc::new(answer);
    let (seen, count) = (requests.clone(), connections.clone());
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let n = count.fetch_add(1, Ordering::SeqCst);
            let (answer, seen) = (answer.clone(), seen.clone());
            tokio::spawn(async move {
                let Some(request) = read_request(&mut socket, keep_body).await else {
                    return;
                };
                seen.lock().expect("not poisoned").push(request.clone());
                answer(n, request, socket).await;
            });
        }
    });
    Server {
        url,
        requests,
        connections,
    }
}

async fn read_request(socket: &mut TcpStream, keep_body: bool) -> Option<Request> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 64 * 1024];
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, path) = (first.next()?.to_string(), first.next()?.to_string());
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut request = Request {
        method,
        path,
        headers,
        body: Vec::new(),
        body_len: 0,
    };
    let mut rest = buffer[head_end + 4..].to_vec();
    if let Some(length) = request
        .header("content-length")
        .and_then(|v| v.parse::<u64>().ok())
    {
        let mut got = rest.len() as u64;
        if keep_body {
            request.body.append(&mut rest);
        }
        while got < length {
            let n = socket.read(&mut chunk).await.ok()?;
            if n == 0 {
                return None;
            }
            got += n as u64;
            if keep_body {
                request.body.extend_from_slice(&chunk[..n]);
            }
        }
        request.body_len = got;
    } else if request
        .header("transfer-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
    {
        // Chunked: sizes in hex, each chunk followed by CRLF, a zero size at the end.
        loop {
            let line_end = loop {
                if let Some(at) = rest.windows(2).position(|w| w == b"\r\n") {
                    break at;
                }
                let n = socket.read(&mut chunk).await.ok()?;
                if n == 0 {
                    return None;
                }
                rest.extend_from_slice(&chunk[..n]);
            };
            let size_text = String::from_utf8_lossy(&rest[..line_end]).into_owned();
            let size = u64::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
            rest.drain(..line_end + 2);
            let mut need = size + 2;
            while need > 0 {
                if rest.is_empty() {
                    let n = socket.read(&mut chunk).await.ok()?;
                    if n == 0 {
                        return None;
                    }
                    rest.extend_from_slice(&chunk[..n]);
                }
                let take = (need.min(rest.len() as u64)) as usize;
                let data_take = take.min(need.saturating_sub(2) as usize);
                if keep_body {
                    request.body.extend_from_slice(&rest[..data_take]);
                }
                request.body_len += data_take as u64;
                rest.drain(..take);
                need -= take as u64;
            }
            if size == 0 {
                break;
            }
        }
    }
    Some(request)
}

/// Writes a response head for a chunked body of `content_type`.
pub async fn start_chunked(socket: &mut TcpStream, status: u16, content_type: &str) {
    let head = format!(
        "HTTP/1.1 {status} OK\r\ncontent-type: {content_type}\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n"
    );
    let _ = socket.write_all(head.as_bytes()).await;
}

/// Writes one chunk of a chunked body; `false` once the client has gone.
pub async fn chunk(socket: &mut TcpStream, data: &[u8]) -> bool {
    if data.is_empty() {
        return true;
    }
    let mut frame = format!("{:x}\r\n", data.len()).into_bytes();
    frame.extend_from_slice(data);
    frame.extend_from_slice(b"\r\n");
    socket.write_all(&frame).await.is_ok() && socket.flush().await.is_ok()
}

/// Ends a chunked body.
pub async fn finish(socket: &mut TcpStream) {
    let _ = socket.write_all(b"0\r\n\r\n").await;
    let _ = socket.shutdown().await;
}

/// Answers with a whole JSON body.
pub async fn json(socket: &mut TcpStream, status: u16, body: &str) {
    let answer = format!(
        "HTTP/1.1 {status} OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = socket.write_all(answer.as_bytes()).await;
    let _ = socket.shutdown().await;
}
