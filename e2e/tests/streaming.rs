//! Binary bodies as streams: a download read chunk by chunk in little memory, and an
//! upload sent from a stream.

use e2e_fixture_client::runtime::reqwest;
use e2e_fixture_client::runtime::StreamError;
use e2e_fixture_client::{Client, Credentials, Error, RetryPolicy};
use std::process::Command;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const DOWNLOAD_BYTES: u64 = 100 * 1024 * 1024;
const PEAK_LIMIT_KB: u64 = 32 * 1024;

fn client(base_url: &str) -> Client {
    Client::builder()
        .base_url(base_url)
        .credentials(Credentials::api_key("id", "secret"))
        .build()
        .expect("builds")
}

/// The download runs in a process of its own, so that the peak memory it reports is the
/// download's and not that of other tests running beside it.
#[test]
fn a_100_mb_download_streams_in_little_memory() {
    let exe = std::env::current_exe().expect("the test binary is known");
    let out = Command::new(exe)
        .args([
            "--ignored",
            "--exact",
            "download_in_a_process_of_its_own",
            "--nocapture",
        ])
        .env("STREAMING_CHILD", "1")
        .output()
        .expect("the child runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let value = |key: &str| -> u64 {
        stdout
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or_else(|| panic!("the child did not report {key}: {stdout}"))
    };
    let (bytes, peak_kb) = (value("bytes="), value("peak_kb="));
    println!("streamed {bytes} bytes with a peak of {peak_kb} KiB");
    assert_eq!(bytes, DOWNLOAD_BYTES);
    assert!(peak_kb < PEAK_LIMIT_KB, "peak {peak_kb} KiB");
}

/// Run by the test above; alone, it does nothing.
#[tokio::test]
#[ignore = "run by a_100_mb_download_streams_in_little_memory in a process of its own"]
async fn download_in_a_process_of_its_own() {
    if std::env::var_os("STREAMING_CHILD").is_none() {
        return;
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let address = listener.local_addr().expect("has an address");
    tokio::spawn(async move {
        let Ok((mut socket, _)) = listener.accept().await else {
            return;
        };
        let mut request = [0u8; 4096];
        let _ = socket.read(&mut request).await;
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: {DOWNLOAD_BYTES}\r\n\r\n"
        );
        if socket.write_all(head.as_bytes()).await.is_err() {
            return;
        }
        let chunk = vec![7u8; 64 * 1024];
        let mut left = DOWNLOAD_BYTES;
        while left > 0 {
            let n = left.min(chunk.len() as u64) as usize;
            if socket.write_all(&chunk[..n]).await.is_err() {
                return;
            }
            left -= n as u64;
        }
    });
    let client = client(&format!("http://{address}"));
    let mut body = client
        .download_plugin_archive_streaming("ccp-1")
        .await
        .expect("the download starts")
        .body;
    let mut bytes = 0u64;
    while let Some(chunk) = body.chunk().await.expect("the body arrives") {
        assert!(chunk.iter().all(|b| *b == 7));
        bytes += chunk.len() as u64;
    }
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let peak_kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .unwrap_or(0);
    println!("bytes={bytes}");
    println!("peak_kb={peak_kb}");
}

#[tokio::test]
async fn an_upload_comes_from_a_stream() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/connect/v1/custom-connector-plugins/ccp-1/archive"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let chunks = (0..64u8).map(|i| Ok::<_, std::io::Error>(vec![i; 16 * 1024]));
    let body = reqwest::Body::wrap_stream(futures_util::stream::iter(chunks));
    client(&server.uri())
        .upload_plugin_archive("ccp-1", body)
        .await
        .expect("the upload succeeds");
    let received = server.received_requests().await.unwrap_or_default();
    assert_eq!(received.len(), 1);
    let sent = &received[0].body;
    assert_eq!(sent.len(), 64 * 16 * 1024);
    assert!(sent
        .chunks(16 * 1024)
        .enumerate()
        .all(|(i, c)| c.iter().all(|b| *b == i as u8)));
}

/// The in-memory form still reads the whole body, as `Bytes`.
#[tokio::test]
async fn the_in_memory_download_gives_bytes() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/connect/v1/custom-connector-plugins/ccp-1/archive"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![1u8, 2, 3]))
        .mount(&server)
        .await;
    let body = client(&server.uri())
        .download_plugin_archive("ccp-1")
        .await
        .expect("downloads")
        .body;
    assert_eq!(&body[..], &[1, 2, 3]);
}

/// A loopback server that answers each connection with `head` and then holds the
/// connection open, sending nothing more, for a minute.
async fn stalling_server(head: &'static [u8]) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("binds");
    let address = listener.local_addr().expect("has an address");
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = socket.read(&mut request).await;
                if socket.write_all(head).await.is_err() {
                    return;
                }
                tokio::time::sleep(Duration::from_secs(60)).await;
            });
        }
    });
    format!("http://{address}")
}

fn stream_client(base_url: &str) -> Client {
    Client::builder()
        .base_url(base_url)
        .credentials(Credentials::api_key("id", "secret"))
        .timeout(Duration::from_millis(500))
        .stream_timeout(Duration::from_secs(30))
        .stream_idle_timeout(Duration::from_millis(500))
        .retry_policy(RetryPolicy::disabled())
        .build()
        .expect("builds")
}

#[tokio::test]
async fn a_stream_whose_headers_never_come_ends_at_the_client_timeout() {
    let base = stalling_server(b"").await;
    let started = Instant::now();
    let err = stream_client(&base)
        .download_plugin_archive_streaming("ccp-1")
        .await
        .expect_err("no headers");
    assert!(matches!(err, Error::Timeout(_)), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "waited {:?}, not the 0.5 s timeout",
        started.elapsed()
    );
}

#[tokio::test]
async fn an_error_body_that_never_comes_ends_at_the_client_timeout() {
    let base =
        stalling_server(b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 100\r\n\r\n{")
            .await;
    let started = Instant::now();
    let err = stream_client(&base)
        .download_plugin_archive_streaming("ccp-1")
        .await
        .expect_err("no error body");
    assert!(matches!(err, Error::Timeout(_)), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_stalled_body_ends_at_the_idle_timeout() {
    let base = stalling_server(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: 1000\r\n\r\n0123456789",
    )
    .await;
    let mut body = stream_client(&base)
        .download_plugin_archive_streaming("ccp-1")
        .await
        .expect("the download starts")
        .body;
    let first = body
        .chunk()
        .await
        .expect("the first bytes")
        .expect("a chunk");
    assert_eq!(&first[..], b"0123456789");
    let started = Instant::now();
    let err = body.chunk().await.expect_err("no byte since");
    assert!(matches!(err, StreamError::Idle(_)), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn documented_secret_headers_stay_out_of_debug() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/connect/v1/custom-connector-plugins/ccp-1/archive"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-request-id", "req-42")
                .insert_header("set-cookie", "session=cookie-secret-1")
                .insert_header("x-download-token", "token-secret-2")
                .set_body_bytes(vec![1u8]),
        )
        .mount(&server)
        .await;
    let response = client(&server.uri())
        .download_plugin_archive("ccp-1")
        .await
        .expect("downloads");
    assert_eq!(
        response.headers.set_cookie.as_deref(),
        Some("session=cookie-secret-1"),
        "the value is there to read"
    );
    let shown = format!("{:?}", response.headers);
    assert!(!shown.contains("cookie-secret-1"), "{shown}");
    assert!(!shown.contains("token-secret-2"), "{shown}");
    assert!(shown.contains("req-42"), "other headers are shown: {shown}");
    let shown = format!("{response:?}");
    assert!(
        !shown.contains("cookie-secret-1") && !shown.contains("token-secret-2"),
        "{shown}"
    );
}
