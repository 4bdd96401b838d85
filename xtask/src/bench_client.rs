//! The costs a user of generated code pays every day, each against its floor measured in
//! the same run: one GET through the generated client against raw `reqwest` and
//! `serde_json` into the same struct, and building the corpus clients in one workspace.

use crate::bench_measure::{Row, Spread};
use crate::bench_scratch::{cargo, generate_member, touch, write_workspace};
use crate::Failure;
use confluent_custom_plugin_client::runtime::reqwest;
use confluent_custom_plugin_client::{Client, Credentials, CustomConnectorPlugin, RetryPolicy};
use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// The system allocator, counting allocations while the per-call figures are measured,
/// so that a row can report them per call. Counting is off otherwise: one counter updated
/// by every thread is a cache line they all fight over, which slows a generator that
/// renders on two threads by a tenth.
pub struct CountingAllocator;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);
static COUNTING: AtomicBool = AtomicBool::new(false);

fn count() {
    if COUNTING.load(Ordering::Relaxed) {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    }
}

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        // SAFETY: forwarded unchanged to the system allocator, with the caller's promises.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as above.
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        // SAFETY: as above.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// A plugin of about 2 KB of JSON, the body every GET returns.
fn plugin_body() -> String {
    let description = "x".repeat(1_700);
    serde_json::json!({
        "api_version": "connect/v1", "kind": "CustomConnectorPlugin", "id": "ccp-1",
        "metadata": {"self": "https://api.confluent.cloud/connect/v1/custom-connector-plugins/ccp-1",
                     "created_at": "2006-01-02T15:04:05-07:00"},
        "display_name": "Datagen", "description": description,
        "connector_class": "io.confluent.Datagen", "connector_type": "SOURCE", "cloud": "AWS",
        "upload_source": {"location": "PRESIGNED_URL_LOCATION", "upload_id": "u-1"}
    })
    .to_string()
}

/// A keep-alive HTTP/1.1 server on loopback that answers every request with `body`.
async fn serve(body: String) -> Result<String, Failure> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| Failure::Io(format!("cannot listen on loopback: {e}")))?;
    let address = listener
        .local_addr()
        .map_err(|e| Failure::Io(e.to_string()))?;
    let answer = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let answer = answer.clone();
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 8192];
                let mut held = Vec::new();
                loop {
                    let Ok(n) = socket.read(&mut buffer).await else {
                        return;
                    };
                    if n == 0 {
                        return;
                    }
                    held.extend_from_slice(&buffer[..n]);
                    // Requests carry no body: each ends at its blank line.
                    while let Some(end) = held.windows(4).position(|w| w == b"\r\n\r\n") {
                        held.drain(..end + 4);
                        if socket.write_all(&answer).await.is_err() {
                            return;
                        }
                    }
                }
            });
        }
    });
    Ok(format!("http://{address}"))
}

/// Per-call time (fastest and median run) and allocations per call.
struct CallCost {
    fastest: Duration,
    median: Duration,
    allocations: f64,
}

async fn measure_calls<F, Fut>(runs: usize, calls: u32, mut call: F) -> Result<CallCost, Failure>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    for _ in 0..200 {
        call().await.map_err(Failure::Io)?;
    }
    let mut times = Vec::new();
    let mut allocations = 0;
    for _ in 0..runs.max(1) {
        let before = ALLOCATIONS.load(Ordering::Relaxed);
        let start = Instant::now();
        for _ in 0..calls {
            call().await.map_err(Failure::Io)?;
        }
        times.push(start.elapsed() / calls);
        allocations = ALLOCATIONS.load(Ordering::Relaxed) - before;
    }
    times.sort();
    Ok(CallCost {
        fastest: times[0],
        median: times[times.len() / 2],
        allocations: allocations as f64 / f64::from(calls),
    })
}

/// One GET with a 2 KB JSON body: the generated client against raw reqwest + serde_json,
/// and against raw reqwest with the timeouts the generated client sets by default. The
/// three take turns run by run, so that drift in the machine's speed falls on all alike.
fn measure_get(runs: usize) -> Result<[CallCost; 3], Failure> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Io(format!("cannot start a runtime: {e}")))?;
    runtime.block_on(async {
        let url = serve(plugin_body()).await?;
        let client = Client::builder()
            .base_url(&url)
            .credentials(Credentials::api_key("id", "secret"))
            .retry_policy(RetryPolicy::disabled())
            .build()
            .map_err(|e| Failure::Io(e.to_string()))?;
        let generated = || async {
            client
                .get_connect_v1_custom_connector_plugin("ccp-1")
                .await
                .map(|_| ())
                .map_err(|e| e.to_string())
        };
        let target = format!("{url}/connect/v1/custom-connector-plugins/ccp-1");
        let raw_call = |raw: reqwest::Client| {
            let target = target.clone();
            async move {
                let response = raw
                    .get(&target)
                    .basic_auth("id", Some("secret"))
                    .send()
                    .await
                    .map_err(|e| e.to_string())?;
                let bytes = response.bytes().await.map_err(|e| e.to_string())?;
                serde_json::from_slice::<CustomConnectorPlugin>(&bytes)
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }
        };
        let raw = reqwest::Client::new();
        let with_timeouts = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| Failure::Io(e.to_string()))?;
        const CALLS: u32 = 2_000;
        let mut costs: [Vec<CallCost>; 3] = Default::default();
        for _ in 0..runs.max(1) {
            costs[0].push(measure_calls(1, CALLS, generated).await?);
            costs[1].push(measure_calls(1, CALLS, || raw_call(raw.clone())).await?);
            costs[2].push(measure_calls(1, CALLS, || raw_call(with_timeouts.clone())).await?);
        }
        Ok(costs.map(combined))
    })
}

/// The runs of one measurement taken together: fastest, median, allocations of the last.
fn combined(mut runs: Vec<CallCost>) -> CallCost {
    let allocations = runs.last().map_or(0.0, |r| r.allocations);
    runs.sort_by_key(|r| r.fastest);
    CallCost {
        fastest: runs.first().map_or(Duration::ZERO, |r| r.fastest),
        median: runs
            .get(runs.len() / 2)
            .map_or(Duration::ZERO, |r| r.fastest),
        allocations,
    }
}

pub fn get_overhead(runs: usize) -> Result<Row, Failure> {
    COUNTING.store(true, Ordering::Relaxed);
    let measured = measure_get(runs);
    COUNTING.store(false, Ordering::Relaxed);
    let [generated, floor, with_timeouts] = measured?;
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!("\none GET with a 2 KB JSON body, loopback keep-alive server, 2,000 calls a run:");
    for (label, cost) in [
        ("raw reqwest + serde_json (floor)", &floor),
        ("raw reqwest with 60 s/10 s timeouts", &with_timeouts),
        ("generated client", &generated),
    ] {
        println!(
            "  {label:<36} fastest {:>7.1} µs   median {:>7.1} µs   {:>6.1} allocations a call",
            us(cost.fastest),
            us(cost.median),
            cost.allocations
        );
    }
    println!(
        "  ratio generated / floor: fastest {:.2}x, median {:.2}x; against reqwest with the same timeouts: fastest {:.2}x, median {:.2}x",
        us(generated.fastest) / us(floor.fastest),
        us(generated.median) / us(floor.median),
        us(generated.fastest) / us(with_timeouts.fastest),
        us(generated.median) / us(with_timeouts.median),
    );
    Ok(Row {
        figure: "one GET, 2 KB JSON body, loopback keep-alive".into(),
        floor: "raw reqwest + serde_json".into(),
        ours: Spread {
            fastest: generated.fastest.as_secs_f64(),
            median: generated.median.as_secs_f64(),
        },
        base: Some(Spread {
            fastest: floor.fastest.as_secs_f64(),
            median: floor.median.as_secs_f64(),
        }),
        target: Some(1.1),
        note: format!(
            "allocations per call: {:.1} vs {:.1}; raw reqwest with the client's default timeouts (60 s, connect 10 s) takes {}, and the generated client {:.2}x that",
            generated.allocations,
            floor.allocations,
            crate::bench_measure::seconds(with_timeouts.fastest.as_secs_f64()),
            generated.fastest.as_secs_f64() / with_timeouts.fastest.as_secs_f64()
        ),
    })
}

/// Builds every corpus client in one workspace (debug, dependencies built first and not
/// timed): the time to rebuild them all after touching each `lib.rs`, and the size of the
/// target folder.
pub fn corpus_build(corpus: &Path, runs: usize) -> Result<Row, Failure> {
    let root = crate::workspace::workspace_root();
    let scratch = root.join("target/bench-corpus");
    let _ = std::fs::remove_dir_all(scratch.join("crates"));
    let specs = crate::bench_measure::spec_paths(corpus)?;
    let name_of = |spec: &Path| {
        spec.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let mut members = Vec::new();
    for spec in &specs {
        let name = name_of(spec);
        let text = std::fs::read_to_string(spec).map_err(|e| Failure::Io(e.to_string()))?;
        generate_member(&scratch, &name, &text, &format!("corpus-{name}"), false)?;
        members.push(format!("crates/corpus-{name}"));
    }
    write_workspace(&scratch, &members, "")?;
    let target = scratch.join("target");
    let build = ["build", "--workspace", "--quiet"];
    cargo(&scratch, &target, &build)?;
    let mut times = Vec::new();
    for _ in 0..runs.max(1) {
        for member in &members {
            touch(&scratch.join(member).join("src/lib.rs"))?;
        }
        times.push(cargo(&scratch, &target, &build)?);
    }
    times.sort();
    let size = folder_size(&target);
    println!(
        "\nbuild the {} corpus clients in one workspace (debug, dependencies built), after touching every lib.rs:\n  fastest {:.1} s, median {:.1} s; target folder {:.0} MB",
        specs.len(),
        times[0].as_secs_f64(),
        times[times.len() / 2].as_secs_f64(),
        size as f64 / 1e6
    );
    // Gigabytes of build output that nothing else uses.
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(Row {
        figure: format!(
            "build the {} corpus clients in one workspace after touching every lib.rs (debug)",
            specs.len()
        ),
        floor: "—".into(),
        ours: Spread::of(times),
        base: None,
        target: None,
        note: format!("target folder {:.0} MB", size as f64 / 1e6),
    })
}

fn folder_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => folder_size(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}
