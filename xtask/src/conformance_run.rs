//! The wire side of `cargo xtask conformance`: the driver program that calls any operation
//! of any of the generated clients, and a Prism mock server started for one spec at a
//! time, whose log says what it found wrong with each request.

use crate::bench_scratch::write;
use crate::Failure;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One call the driver makes.
pub(crate) struct Case {
    /// The spec's example of the answer asked for is not of its schema's type (a JSON
    /// text in a string where an object is described, say): it cannot decode.
    pub(crate) example_mismatch: Option<String>,
    pub(crate) operation: String,
    /// The status asked of Prism (`Prefer: code=N`); none for the success answer.
    pub(crate) prefer: Option<u16>,
    pub(crate) args: Value,
    /// How the request authenticates: `none`, `basic`, `bearer`, or `keys:a,b`.
    pub(crate) auth: String,
    /// Whether the answer for `prefer` documents a JSON body to decode.
    pub(crate) json_body: bool,
    /// Walks the operation's paging stream instead of calling it once.
    pub(crate) stream: bool,
}

/// A spec ready to be served and called.
pub(crate) struct Prepared {
    pub(crate) label: String,
    /// The file Prism serves.
    pub(crate) served: PathBuf,
    pub(crate) crate_name: String,
    pub(crate) operations: usize,
    pub(crate) cases: Vec<Case>,
}

/// The driver: one program that calls any operation of any of the clients, told which
/// client, which server and which calls on its command line.
pub(crate) fn write_driver(scratch: &Path, prepared: &[Prepared]) -> Result<(), Failure> {
    let root = crate::workspace::workspace_root();
    let runtime = root.join("runtime").to_string_lossy().replace('\\', "/");
    let mut manifest = String::from(
        "[package]\nname = \"conformance-driver\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\n",
    );
    manifest.push_str(&format!(
        "openapi-rust-gen-runtime = {{ path = \"{runtime}\" }}\n\
         serde_json = {{ version = \"1\", features = [\"preserve_order\"] }}\n\
         tokio = {{ version = \"1\", features = [\"macros\", \"rt\"] }}\n"
    ));
    let mut arms = String::new();
    let mut calls = String::new();
    for p in prepared {
        let krate = p.crate_name.replace('-', "_");
        manifest.push_str(&format!(
            "{} = {{ path = \"../crates/{}\" }}\n",
            p.crate_name, p.crate_name
        ));
        arms.push_str(&format!(
            "            \"{krate}\" => call_{krate}(&base, &case).await,\n"
        ));
        calls.push_str(&format!(
            r#"
async fn call_{krate}(base: &str, case: &Value) -> Result<Outcome, String> {{
    let mut builder = {krate}::Client::builder()
        .base_url(base)
        .retry_policy(openapi_rust_gen_runtime::RetryPolicy::disabled())
        .allow_insecure_http(true);
    if let Some(code) = case["prefer"].as_u64() {{
        builder = builder.default_header("Prefer", format!("code={{code}}"));
    }}
    if let Some(credentials) = credentials(case["auth"].as_str().unwrap_or("none")) {{
        builder = builder.credentials(credentials);
    }}
    let client = builder.build().map_err(|e| e.to_string())?;
    let operation = case["operation"].as_str().unwrap_or_default();
    let o = if case["stream"].as_bool() == Some(true) {{
        client.__conformance_stream(operation, &case["args"]).await?
    }} else {{
        client.__conformance(operation, &case["args"]).await?
    }};
    Ok(Outcome {{ status: o.status, kind: o.kind, body_decoded: o.body_decoded, message: o.message }})
}}
"#
        ));
    }
    let main = format!(
        r#"//! Calls operations of the conformance clients: `conformance-driver CRATE BASE_URL CASES`,
//! CASES a JSON file of calls; one JSON line a call on standard output.

use serde_json::{{json, Value}};

struct Outcome {{
    status: Option<u16>,
    kind: &'static str,
    body_decoded: bool,
    message: String,
}}

fn credentials(auth: &str) -> Option<openapi_rust_gen_runtime::Credentials> {{
    use openapi_rust_gen_runtime::Credentials;
    match auth {{
        "basic" => Some(Credentials::api_key("key-id", "key-secret")),
        "bearer" => Some(Credentials::bearer_token("token")),
        keys if keys.starts_with("keys:") => Some(Credentials::keys(
            keys["keys:".len()..].split(',').map(|scheme| (scheme.to_string(), "key".to_string())),
        )),
        _ => None,
    }}
}}

#[tokio::main(flavor = "current_thread")]
async fn main() {{
    let args: Vec<String> = std::env::args().collect();
    let (krate, base, file) = match args.as_slice() {{
        [_, krate, base, file] => (krate.clone(), base.clone(), file.clone()),
        _ => {{
            eprintln!("usage: conformance-driver CRATE BASE_URL CASES");
            std::process::exit(2);
        }}
    }};
    let text = std::fs::read_to_string(&file).unwrap_or_default();
    let cases: Vec<Value> = serde_json::from_str(&text).unwrap_or_default();
    for case in cases {{
        let result = match krate.as_str() {{
{arms}            other => Err(format!("no client `{{other}}`")),
        }};
        let line = match result {{
            Ok(o) => json!({{"status": o.status, "kind": o.kind, "decoded": o.body_decoded, "message": o.message}}),
            Err(e) => json!({{"status": null, "kind": "arguments", "decoded": false, "message": e}}),
        }};
        println!("{{line}}");
    }}
}}
{calls}"#
    );
    write(&scratch.join("driver/Cargo.toml"), &manifest)?;
    write(&scratch.join("driver/src/main.rs"), &main)?;
    let mut members: Vec<String> = prepared
        .iter()
        .map(|p| format!("crates/{}", p.crate_name))
        .collect();
    members.push("driver".into());
    crate::bench_scratch::write_workspace(scratch, &members, "")
}

/// Serves the spec with Prism on `port`, runs its calls, and stops Prism.
pub(crate) fn serve_and_call(
    prism: &Path,
    driver: &Path,
    scratch: &Path,
    spec: &Prepared,
    port: u16,
) -> Result<Vec<Value>, Failure> {
    let log = std::fs::File::create(scratch.join(format!("prism-{}.log", spec.crate_name)))
        .map_err(|e| Failure::Io(e.to_string()))?;
    let mut server = Command::new(prism)
        .args(["mock", "--host", "127.0.0.1", "--port", &port.to_string()])
        .arg(&spec.served)
        .stdout(log.try_clone().map_err(|e| Failure::Io(e.to_string()))?)
        .stderr(log)
        .spawn()
        .map_err(|e| Failure::Io(format!("cannot start Prism: {e}")))?;
    let started = Instant::now();
    let mut ready = false;
    while started.elapsed() < Duration::from_secs(60) {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            ready = true;
            break;
        }
        if let Ok(Some(_)) = server.try_wait() {
            break;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    let results: Vec<Value> = if ready {
        let cases: Vec<Value> = spec
            .cases
            .iter()
            .map(|c| json!({"operation": c.operation, "prefer": c.prefer, "args": c.args, "auth": c.auth, "stream": c.stream}))
            .collect();
        let file = scratch.join(format!("cases-{}.json", spec.crate_name));
        write(&file, &Value::Array(cases).to_string())?;
        let out = Command::new(driver)
            .arg(spec.crate_name.replace('-', "_"))
            .arg(format!("http://127.0.0.1:{port}"))
            .arg(&file)
            .stderr(Stdio::inherit())
            .output()
            .map_err(|e| Failure::Io(format!("cannot run the driver: {e}")))?;
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    } else {
        Vec::new()
    };
    let _ = server.kill();
    let _ = server.wait();
    if !ready {
        return Err(Failure::Io(format!(
            "Prism did not start for {} (see target/conformance/prism-{}.log)",
            spec.label, spec.crate_name
        )));
    }
    // What Prism said of each request it received, in order; calls the client refused to
    // send never reached it.
    let log = std::fs::read_to_string(scratch.join(format!("prism-{}.log", spec.crate_name)))
        .unwrap_or_default();
    let mut said = prism_segments(&log).into_iter();
    Ok(results
        .into_iter()
        .map(|mut result| {
            let sent = !matches!(
                result["kind"].as_str(),
                Some("arguments" | "invalid-request" | "validation")
            );
            if sent {
                result["prism"] = json!(said.next().unwrap_or_default());
            }
            result
        })
        .collect())
}

/// The errors Prism logged for each request it received, one text per request.
fn prism_segments(log: &str) -> Vec<String> {
    let mut segments: Vec<Vec<String>> = Vec::new();
    for line in log.lines() {
        if line.contains("Request received") {
            segments.push(Vec::new());
        } else if let (Some(current), Some(at)) = (segments.last_mut(), line.find("error")) {
            if line.contains('✖') {
                current.push(line[at + "error".len()..].trim().to_string());
            }
        }
    }
    segments.into_iter().map(|s| s.join("; ")).collect()
}
