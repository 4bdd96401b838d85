//! A fault-injection soak: a scripted loopback server answers a long random schedule of
//! faults (every status, bodies cut off, slow drips, hangs, huge and malformed headers,
//! bursts of 401, a failing token endpoint, redirects of every kind) to many concurrent
//! requests of one client. The count of requests and the time are bounded. It checks that
//! nothing panics, memory stays under a fixed ceiling, every request ends within its
//! budget, token fetches stay within what the schedule allows, nothing is sent to another
//! origin, and no socket or task of the client is left once it is gone. It prints its
//! figures; the README's reliability section quotes them.
//!
//! `SOAK_SEED` picks another schedule and `SOAK_REQUESTS` another length; the defaults
//! are what CI runs.

use confluent_custom_plugin_client::{Client, Credentials, Error, RetryPolicy};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

// ---- memory: the bytes this process holds, counted at every allocation ----

/// Counts the bytes this process holds, and the most it held.
#[global_allocator]
static ALLOCATOR: peak_alloc::PeakAlloc = peak_alloc::PeakAlloc;

// ---- the schedule ----

/// A small deterministic generator (xorshift64*): the same seed, the same schedule.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// What the server does with one API request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Fault {
    Ok,
    Status(u16),
    RateLimited(&'static str),
    Unavailable(&'static str),
    Unauthorized,
    BadJson,
    WrongContentType,
    HugeBody,
    CutBody,
    SlowDrip,
    Hang,
    Close,
    HugeHeader,
    MalformedHeader,
    GarbageStatusLine,
    RedirectSameOrigin,
    RedirectOtherOrigin,
    RedirectToHttpsOther,
    RedirectGarbage,
}

/// What the server does with one token request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum TokenFault {
    Ok,
    ShortLived,
    ServerError,
    RetryAfter,
    Hang,
    NotJson,
    BadToken,
    Cut,
}

const STATUSES: &[u16] = &[400, 403, 404, 409, 418, 500, 501, 502, 504, 599];

fn fault(rng: &mut Rng, in_401_burst: bool) -> Fault {
    if in_401_burst {
        return Fault::Unauthorized;
    }
    match rng.below(100) {
        0..=39 => Fault::Ok,
        40..=47 => Fault::Status(STATUSES[rng.below(STATUSES.len() as u64) as usize]),
        48..=50 => {
            Fault::RateLimited(["0", "1", "18446744073709551615", "soon"][rng.below(4) as usize])
        }
        51..=53 => {
            Fault::Unavailable(["0", "1", "Wed, 21 Oct 2015 07:28:00 GMT"][rng.below(3) as usize])
        }
        54..=56 => Fault::Unauthorized,
        57..=59 => Fault::BadJson,
        60..=61 => Fault::WrongContentType,
        62..=63 => Fault::HugeBody,
        64..=67 => Fault::CutBody,
        68..=70 => Fault::SlowDrip,
        71..=73 => Fault::Hang,
        74..=77 => Fault::Close,
        78..=80 => Fault::HugeHeader,
        81..=84 => Fault::MalformedHeader,
        85..=86 => Fault::GarbageStatusLine,
        87..=89 => Fault::RedirectSameOrigin,
        90..=94 => Fault::RedirectOtherOrigin,
        95..=96 => Fault::RedirectToHttpsOther,
        _ => Fault::RedirectGarbage,
    }
}

fn token_fault(rng: &mut Rng) -> TokenFault {
    match rng.below(100) {
        0..=49 => TokenFault::Ok,
        50..=59 => TokenFault::ShortLived,
        60..=67 => TokenFault::ServerError,
        68..=74 => TokenFault::RetryAfter,
        75..=81 => TokenFault::Hang,
        82..=87 => TokenFault::NotJson,
        88..=93 => TokenFault::BadToken,
        _ => TokenFault::Cut,
    }
}

// ---- the server ----

const PLUGIN: &str = r#"{"api_version":"connect/v1","kind":"CustomConnectorPlugin","id":"ccp-1","display_name":"Datagen","connector_class":"io.confluent.Datagen","connector_type":"SOURCE"}"#;
const PLUGIN_PATH: &str = "/connect/v1/custom-connector-plugins/ccp-1";
const TOKEN_PATH: &str = "/sts/v1/oauth2/token";
/// The longest the server holds a connection that hangs or drips: longer than any
/// request's budget, so the client's limits are what end it.
const SERVER_HOLD: Duration = Duration::from_secs(20);

#[derive(Default)]
struct Counts {
    faults: BTreeMap<String, u64>,
    token_faults: BTreeMap<String, u64>,
}

struct Script {
    rng: Mutex<Rng>,
    counts: Mutex<Counts>,
    api_requests: AtomicU64,
    token_requests: AtomicU64,
    /// Requests left in the current burst of 401s.
    burst: AtomicU64,
    other_origin: String,
}

impl Script {
    fn next_fault(&self) -> Fault {
        let n = self.api_requests.fetch_add(1, Ordering::SeqCst);
        let in_burst = self
            .burst
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |b| b.checked_sub(1))
            .is_ok();
        let fault = {
            let mut rng = self.rng.lock().unwrap_or_else(|e| e.into_inner());
            // Now and then a burst of 401s to every request, as when a permission changes.
            if !in_burst && n % 251 == 250 {
                self.burst.store(20 + rng.below(30), Ordering::SeqCst);
            }
            fault(&mut rng, in_burst)
        };
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        *counts.faults.entry(format!("{fault:?}")).or_default() += 1;
        fault
    }

    fn next_token_fault(&self) -> (TokenFault, u64) {
        let n = self.token_requests.fetch_add(1, Ordering::SeqCst);
        let fault = token_fault(&mut self.rng.lock().unwrap_or_else(|e| e.into_inner()));
        let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
        *counts.token_faults.entry(format!("{fault:?}")).or_default() += 1;
        (fault, n)
    }
}

/// Reads one request head (and its body, by its `content-length`); `None` when the
/// connection ends first. Returns the request's path.
async fn read_request(socket: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<String> {
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        if buffer.len() > 1 << 20 {
            return None;
        }
        match socket.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(k) => buffer.extend_from_slice(&chunk[..k]),
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
    let length = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())
                .flatten()
        })
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        match socket.read(&mut chunk).await {
            Ok(0) | Err(_) => return None,
            Ok(k) => buffer.extend_from_slice(&chunk[..k]),
        }
    }
    buffer.drain(..head_end + length);
    let path = head.split_whitespace().nth(1)?.to_string();
    Some(path)
}

fn answer(status: &str, headers: &str, body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status}\r\n{headers}content-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Answers one API request. Returns whether the connection may serve another.
async fn serve_api(socket: &mut TcpStream, script: &Script) -> bool {
    let json = "content-type: application/json\r\n";
    let fault = script.next_fault();
    let bytes = match fault {
        Fault::Ok => answer("200 OK", json, PLUGIN),
        Fault::Status(status) => answer(
            &format!("{status} Whatever"),
            json,
            r#"{"errors":[{"status":"x","detail":"no"}]}"#,
        ),
        Fault::RateLimited(wait) => answer(
            "429 Too Many Requests",
            &format!("retry-after: {wait}\r\nx-ratelimit-reset: {wait}\r\n"),
            "",
        ),
        Fault::Unavailable(wait) => answer(
            "503 Service Unavailable",
            &format!("retry-after: {wait}\r\n"),
            "",
        ),
        Fault::Unauthorized => answer("401 Unauthorized", json, r#"{"errors":[]}"#),
        Fault::BadJson => answer("200 OK", json, r#"{"kind": 5, "metadata": "#),
        Fault::WrongContentType => answer("200 OK", "content-type: text/html\r\n", "<html>"),
        Fault::HugeBody => {
            // Claims 512 MiB and sends 2 MiB: over the client's 1 MiB limit either way.
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 536870912\r\n\r\n";
            if socket.write_all(head.as_bytes()).await.is_err() {
                return false;
            }
            let filler = vec![b' '; 64 * 1024];
            for _ in 0..32 {
                if socket.write_all(&filler).await.is_err() {
                    return false;
                }
            }
            return false;
        }
        Fault::CutBody => {
            let head = format!(
                "HTTP/1.1 200 OK\r\n{json}content-length: {}\r\n\r\n{}",
                PLUGIN.len() * 2,
                &PLUGIN[..20]
            );
            let _ = socket.write_all(head.as_bytes()).await;
            return false;
        }
        Fault::SlowDrip => {
            let head = format!(
                "HTTP/1.1 200 OK\r\n{json}content-length: {}\r\n\r\n",
                PLUGIN.len()
            );
            if socket.write_all(head.as_bytes()).await.is_err() {
                return false;
            }
            let started = Instant::now();
            for byte in PLUGIN.bytes() {
                if started.elapsed() > SERVER_HOLD || socket.write_all(&[byte]).await.is_err() {
                    return false;
                }
                tokio::time::sleep(Duration::from_millis(40)).await;
            }
            return true;
        }
        Fault::Hang => {
            tokio::time::sleep(SERVER_HOLD).await;
            return false;
        }
        Fault::Close => return false,
        Fault::HugeHeader => answer(
            "200 OK",
            &format!("{json}x-padding: {}\r\n", "p".repeat(512 * 1024)),
            PLUGIN,
        ),
        Fault::MalformedHeader => {
            let mut bytes = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-request-id: \xff\xfe\x01bad\r\nx-ratelimit-reset: -99999999999999999999\r\ncontent-length: 5\r\ncontent-length: 7\r\n\r\n".to_vec();
            bytes.extend_from_slice(PLUGIN.as_bytes());
            bytes
        }
        Fault::GarbageStatusLine => b"HTTP/1.1 OK maybe\r\n\r\n".to_vec(),
        Fault::RedirectSameOrigin => {
            answer("302 Found", &format!("location: {PLUGIN_PATH}\r\n"), "")
        }
        Fault::RedirectOtherOrigin => answer(
            "307 Temporary Redirect",
            &format!("location: {}{PLUGIN_PATH}\r\n", script.other_origin),
            "",
        ),
        Fault::RedirectToHttpsOther => answer(
            "308 Permanent Redirect",
            "location: https://example.invalid/steal\r\n",
            "",
        ),
        Fault::RedirectGarbage => answer("301 Moved", "location: http://[::1\r\n", ""),
    };
    socket.write_all(&bytes).await.is_ok()
        && !matches!(fault, Fault::MalformedHeader | Fault::GarbageStatusLine)
}

/// Answers one token request. Returns whether the connection may serve another.
async fn serve_token(socket: &mut TcpStream, script: &Script) -> bool {
    let json = "content-type: application/json\r\n";
    let (fault, n) = script.next_token_fault();
    let bytes = match fault {
        TokenFault::Ok => answer(
            "200 OK",
            json,
            &format!(r#"{{"access_token":"t{n}","token_type":"Bearer","expires_in":3600}}"#),
        ),
        TokenFault::ShortLived => answer(
            "200 OK",
            json,
            &format!(r#"{{"access_token":"t{n}","token_type":"Bearer","expires_in":0}}"#),
        ),
        TokenFault::ServerError => answer(
            "500 Internal Server Error",
            json,
            r#"{"error":"server_error"}"#,
        ),
        TokenFault::RetryAfter => answer("503 Service Unavailable", "retry-after: 2\r\n", ""),
        TokenFault::Hang => {
            tokio::time::sleep(SERVER_HOLD).await;
            return false;
        }
        TokenFault::NotJson => answer("200 OK", "content-type: text/html\r\n", "<html>"),
        TokenFault::BadToken => answer(
            "200 OK",
            json,
            r#"{"access_token":"bad\u0001token","expires_in":3600}"#,
        ),
        TokenFault::Cut => {
            let _ = socket
                .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 400\r\n\r\n{\"access")
                .await;
            return false;
        }
    };
    socket.write_all(&bytes).await.is_ok()
}

async fn serve_connection(mut socket: TcpStream, script: Arc<Script>) {
    let mut buffer = Vec::new();
    while let Some(path) = read_request(&mut socket, &mut buffer).await {
        let again = if path == TOKEN_PATH {
            serve_token(&mut socket, &script).await
        } else {
            serve_api(&mut socket, &script).await
        };
        if !again {
            break;
        }
    }
    let _ = socket.shutdown().await;
}

// ---- what the process holds ----

fn open_sockets() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, |d| {
        d.filter_map(Result::ok)
            .filter(|e| {
                std::fs::read_link(e.path())
                    .is_ok_and(|t| t.display().to_string().contains("socket:"))
            })
            .count()
    })
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

const CONCURRENCY: usize = 48;
/// The time between the starts of two requests, at the most.
const PACE: Duration = Duration::from_millis(5);
const MEMORY_CEILING: usize = 256 * 1024 * 1024;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_long_random_schedule_of_faults() {
    let seed = env_number("SOAK_SEED", 0x5eed_f00d);
    let requests = env_number("SOAK_REQUESTS", 3_000);
    let metrics = tokio::runtime::Handle::current().metrics();
    let tasks_before = metrics.num_alive_tasks();
    let sockets_before = open_sockets();

    // Another origin, which must never be asked for anything.
    let other = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let other_origin = format!("http://{}", other.local_addr().expect("address"));
    let other_connections = Arc::new(AtomicU64::new(0));
    let counted = other_connections.clone();
    let mut servers = tokio::task::JoinSet::new();
    servers.spawn(async move {
        while let Ok((socket, _)) = other.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            drop(socket);
        }
    });

    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let base = format!("http://{}", listener.local_addr().expect("address"));
    let script = Arc::new(Script {
        rng: Mutex::new(Rng(seed | 1)),
        counts: Mutex::new(Counts::default()),
        api_requests: AtomicU64::new(0),
        token_requests: AtomicU64::new(0),
        burst: AtomicU64::new(0),
        other_origin,
    });
    let connections = Arc::new(Mutex::new(tokio::task::JoinSet::new()));
    let (served, accepted) = (script.clone(), connections.clone());
    servers.spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let script = served.clone();
            if let Ok(mut set) = accepted.lock() {
                set.spawn(serve_connection(socket, script));
                // Finished connections are collected as new ones come.
                while set.try_join_next().is_some() {}
            }
        }
    });

    let policy = RetryPolicy::default()
        .with_max_attempts(4)
        .with_max_elapsed(Duration::from_secs(3))
        .with_base_delay(Duration::from_millis(10))
        .with_max_delay(Duration::from_millis(200));
    let timeout = Duration::from_secs(1);
    let client = Client::builder()
        .base_url(&base)
        .token_url(format!("{base}{TOKEN_PATH}"))
        .credentials(Credentials::client_credentials("soak", "soak-secret"))
        .timeout(timeout)
        .connect_timeout(timeout)
        .token_fetch_timeout(Some(timeout))
        .max_body_bytes(1024 * 1024)
        .retry_policy(policy.clone())
        .build()
        .expect("builds");
    // The longest a request may take: no retry starts after the budget, and the attempt
    // under way then ends within the client's timeout (its token fetch and any wait for
    // the token cache are bounded by what is left of the budget); a second of slack for
    // a loaded machine.
    let budget = policy.max_elapsed + timeout + Duration::from_secs(1);

    let started = Instant::now();
    let outcomes = {
        use futures_util::StreamExt;
        futures_util::stream::iter(0..requests)
            .map(|n| {
                let client = client.clone();
                // Requests are paced, so that the run lasts long enough for tokens to age,
                // failures to be forgotten and the schedule to change under them.
                let due = tokio::time::Instant::from_std(started) + PACE * n as u32;
                tokio::spawn(async move {
                    tokio::time::sleep_until(due).await;
                    let began = Instant::now();
                    let result = client.get_connect_v1_custom_connector_plugin("ccp-1").await;
                    let outcome = match &result {
                        Ok(_) => "ok".to_string(),
                        Err(e) => {
                            // A request the client itself could not build means a value from
                            // the wire reached a header unchecked.
                            if let Error::Transport(t) = e {
                                assert!(!t.is_builder(), "a request could not be built: {e}");
                            }
                            assert!(
                                !matches!(e, Error::InvalidRequest(_)),
                                "an invalid request: {e}"
                            );
                            // Error text stays bounded whatever the server sent.
                            assert!(e.to_string().len() < 4_096, "{} bytes", e.to_string().len());
                            let kind = format!("{e:?}");
                            kind.split(['(', ' '])
                                .next()
                                .unwrap_or_default()
                                .to_string()
                        }
                    };
                    (began.elapsed(), outcome)
                })
            })
            .buffer_unordered(CONCURRENCY)
            .collect::<Vec<_>>()
            .await
    };
    let elapsed = started.elapsed();

    let mut by_outcome: BTreeMap<String, u64> = BTreeMap::new();
    let mut longest = Duration::ZERO;
    for joined in outcomes {
        // A panic in the client (or a failed check above) surfaces here.
        let (took, outcome) = joined.expect("no request panicked");
        longest = longest.max(took);
        *by_outcome.entry(outcome).or_default() += 1;
    }

    drop(client);
    // The server's side is shut first, so that what is left open is the client's.
    servers.shutdown().await;
    let pending = std::mem::take(&mut *connections.lock().unwrap_or_else(|e| e.into_inner()));
    let mut pending = pending;
    pending.shutdown().await;
    let mut left = (usize::MAX, usize::MAX);
    for _ in 0..400 {
        left = (metrics.num_alive_tasks(), open_sockets());
        if left.0 <= tasks_before && left.1 <= sockets_before {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let fetches = script.token_requests.load(Ordering::SeqCst);
    let sent = script.api_requests.load(Ordering::SeqCst);
    // Token fetches the schedule allows: a fetch that fails is remembered for at least a
    // second (every request in that second gets the failure), and one that succeeds gives
    // a token that lives at least 10 s, refreshed after 8, which a 401 retires only once
    // it is 5 s old. So at most one failed fetch a second and one good one per 5 s, each
    // plus the one under way when the run ends.
    let seconds = elapsed.as_secs_f64().ceil() as u64;
    let allowed = seconds + 1 + seconds / 5 + 1;
    let counts = script.counts.lock().unwrap_or_else(|e| e.into_inner());
    let peak = ALLOCATOR.peak_usage();

    println!(
        "soak: seed {seed:#x}, {requests} requests ({CONCURRENCY} at a time) in {:.1} s; \
         {sent} reached the API (retries and redirects included); outcomes {by_outcome:?}; \
         faults {:?}; token endpoint {:?}; {fetches} token fetches (allowed {allowed}); \
         longest request {:.2} s (budget {:.2} s); peak memory {} MiB (ceiling {} MiB); \
         {} connections to the other origin",
        elapsed.as_secs_f64(),
        counts.faults,
        counts.token_faults,
        longest.as_secs_f64(),
        budget.as_secs_f64(),
        peak / (1024 * 1024),
        MEMORY_CEILING / (1024 * 1024),
        other_connections.load(Ordering::SeqCst),
    );

    assert!(
        longest <= budget,
        "a request took {longest:?}, budget {budget:?}"
    );
    assert!(
        peak < MEMORY_CEILING,
        "peak memory {} MiB",
        peak / (1024 * 1024)
    );
    assert!(
        fetches <= allowed,
        "{fetches} token fetches, {allowed} allowed"
    );
    assert_eq!(
        other_connections.load(Ordering::SeqCst),
        0,
        "a redirect to another origin was followed"
    );
    assert!(
        by_outcome.get("ok").copied().unwrap_or(0) > 0,
        "some requests succeed: {by_outcome:?}"
    );
    assert!(
        left.0 <= tasks_before && left.1 <= sockets_before,
        "{} tasks ({tasks_before} before) and {} sockets ({sockets_before} before) left",
        left.0,
        left.1
    );
}
