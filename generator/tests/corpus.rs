//! Every real Confluent Cloud spec in `../shared/corpus` generates without errors, and
//! its crate passes clippy and rustdoc with warnings denied and round-trips the spec's
//! examples. Prints one line per spec. Skips, saying so, when the corpus is absent.
//!
//! All specs are written as members of one scratch workspace under `target/` that shares
//! the target folder of the fixture compile check, so dependencies are built once.

mod common;

use std::collections::BTreeMap;

struct Row {
    operations: usize,
    webhooks: usize,
    streams: usize,
    types: usize,
    lines: usize,
    fallbacks: usize,
}

/// The specs of a shared folder with one of the given extensions, sorted; none when the
/// folder is absent (it is said so).
fn specs_in(folder: &str, extensions: &[&str]) -> Vec<std::path::PathBuf> {
    let dir = common::repo_root().join(folder);
    if !dir.is_dir() {
        println!("skipped: {} is not present", dir.display());
        return Vec::new();
    }
    let mut specs: Vec<_> = std::fs::read_dir(&dir)
        .expect("the folder reads")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .is_some_and(|e| extensions.iter().any(|x| e == *x))
        })
        .collect();
    specs.sort();
    specs
}

/// The Confluent Cloud corpus (OpenAPI 3.0, YAML) and the public OpenAPI 3.1 documents of
/// another vendor (JSON), one of them with only webhooks.
#[test]
fn corpus_specs_generate_compile_and_round_trip_their_examples() {
    let mut specs = specs_in("../shared/corpus", &["yaml"]);
    specs.extend(specs_in("../shared/world", &["json", "yaml"]));
    if specs.is_empty() {
        return;
    }

    let root = common::repo_root().join("target/corpus-crates");
    let _ = std::fs::remove_dir_all(root.join("crates"));
    let mut rows = BTreeMap::new();
    let mut failures = Vec::new();
    for spec in &specs {
        let name = spec
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(spec).expect("the spec reads");
        let settings = common::scratch_settings(format!("corpus-{name}"), spec_label(spec));
        let generated = match generator::generate(&text, &settings) {
            Ok(g) => {
                common::assert_no_internal(&name, &g.warnings);
                g
            }
            Err(d) => {
                failures.push(format!(
                    "{name}: {} diagnostics, first: {}",
                    d.len(),
                    d[0].display(&name)
                ));
                continue;
            }
        };
        let (api, _) = generator::resolve_model(&text).expect("resolves when it generated");
        let lines = generated
            .files
            .iter()
            .filter(|f| f.path == "src/types.rs" || f.path == "src/client.rs")
            .map(|f| common::code_lines(&f.contents))
            .sum();
        for w in &generated.warnings {
            println!("{}", w.display(&spec_label(spec)));
        }
        rows.insert(
            name.clone(),
            Row {
                operations: api.operations.len(),
                webhooks: api.webhooks.len(),
                streams: api
                    .operations
                    .iter()
                    .filter(|op| op.findings.pagination.is_some())
                    .count(),
                types: api.types.len(),
                lines,
                fallbacks: generated.warnings.len(),
            },
        );
        common::write_crate(&root.join("crates").join(&name), &generated.files);
    }
    let mut members: Vec<String> = rows.keys().map(|n| format!("crates/{n}")).collect();
    let sharing = ["org-v2", "iam-v2"].iter().all(|n| rows.contains_key(*n));
    if sharing {
        write_shared_tokens_crate(&root.join("shared-tokens"));
        members.push("shared-tokens".into());
    }
    common::write_workspace(&root, members);

    common::check_workspace(&root);
    let tests = common::cargo(
        &root,
        &[
            "test",
            "--workspace",
            "--no-fail-fast",
            "--test",
            "examples",
            "--",
            "--nocapture",
        ],
        &[],
    );
    let examples = example_counts(&tests);
    if sharing {
        // Two corpus clients, built apart from clones of one credentials value, fetch one
        // OAuth2 token between them.
        common::cargo(&root, &["test", "-p", "shared-tokens", "--quiet"], &[]);
    }

    let mut summary = vec![format!(
        "{:<30} {:>5} {:>5} {:>6} {:>7} {:>8} {:>9} {:>8}  result",
        "spec", "ops", "hooks", "types", "lines", "lines/op", "examples", "skipped"
    )];
    let (mut ops, mut lines, mut checked, mut skipped, mut fallbacks, mut streams) =
        (0, 0, 0, 0, 0, 0);
    for (name, row) in &rows {
        let (ok, total, skip) = examples
            .get(&format!("corpus_{}", name.replace('-', "_")))
            .copied()
            .unwrap_or((0, 0, 0));
        let result = if ok == total { "ok" } else { "EXAMPLES FAIL" };
        if ok != total {
            failures.push(format!("{name}: {} of {total} examples failed", total - ok));
        }
        summary.push(format!(
            "{name:<30} {:>5} {:>5} {:>6} {:>7} {:>8.0} {:>9} {:>8}  {result}",
            row.operations,
            row.webhooks,
            row.types,
            row.lines,
            row.lines as f64 / (row.operations + row.webhooks).max(1) as f64,
            total,
            skip
        ));
        ops += row.operations;
        lines += row.lines;
        checked += total;
        skipped += skip;
        fallbacks += row.fallbacks;
        streams += row.streams;
    }
    summary.push(format!(
        "{} specs, {ops} operations ({streams} with a paging stream), {lines} generated lines ({:.0} per operation), \
         {checked} examples round-tripped, {skipped} skipped as breaking their own schema, {fallbacks} fallbacks",
        rows.len(),
        lines as f64 / ops.max(1) as f64
    ));
    // cargo test shows a passing test's output only with --nocapture, so the summary is
    // also written where CI prints it from.
    let text = summary.join("\n");
    println!("{text}");
    let _ = std::fs::write(
        common::repo_root().join("target/corpus-summary.txt"),
        format!("{text}\n"),
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(rows.len(), specs.len());
}

/// Per crate (by its library name): examples that round-tripped, examples checked, and
/// examples skipped, read from the example tests' output (`name: N of M examples
/// round-trip`, `name: skipped, ...`).
fn example_counts(output: &str) -> BTreeMap<String, (usize, usize, usize)> {
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = BTreeMap::new();
    for line in output.lines() {
        let Some((name, rest)) = line.split_once(": ") else {
            continue;
        };
        if rest.starts_with("skipped, the example breaks its own schema") {
            *skipped.entry(name.to_string()).or_default() += 1;
        } else if let Some(counts) = parse_counts(rest) {
            out.insert(name.to_string(), counts);
        }
    }
    out.into_iter()
        .map(|(name, (ok, total))| {
            let skip = skipped.get(&name).copied().unwrap_or(0);
            (name, (ok, total, skip))
        })
        .collect()
}

fn spec_label(spec: &std::path::Path) -> String {
    spec.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn parse_counts(rest: &str) -> Option<(usize, usize)> {
    let rest = rest.strip_suffix(" examples round-trip")?;
    let (ok, total) = rest.split_once(" of ")?;
    Some((ok.trim().parse().ok()?, total.trim().parse().ok()?))
}

/// A crate whose test runs the org-v2 and iam-v2 clients against a local server and token
/// endpoint, with clones of one credentials value.
fn write_shared_tokens_crate(dir: &std::path::Path) {
    let runtime = common::repo_root().join("runtime");
    let manifest = format!(
        "[package]\nname = \"shared-tokens\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dev-dependencies]\ncorpus-org-v2 = {{ path = \"../crates/org-v2\" }}\n\
         corpus-iam-v2 = {{ path = \"../crates/iam-v2\" }}\n\
         openapi-rust-gen-runtime = {{ path = {:?} }}\n\
         serde_json = \"1\"\ntokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n\
         wiremock = \"0.6\"\n",
        runtime.to_string_lossy()
    );
    std::fs::create_dir_all(dir.join("src")).expect("makes the crate folder");
    std::fs::create_dir_all(dir.join("tests")).expect("makes the tests folder");
    std::fs::write(dir.join("Cargo.toml"), manifest).expect("writes the manifest");
    std::fs::write(dir.join("src/lib.rs"), "//! Only its test.\n").expect("writes lib.rs");
    std::fs::write(dir.join("tests/shared.rs"), SHARED_TOKENS_TEST).expect("writes the test");
}

const SHARED_TOKENS_TEST: &str = r#"//! The org-v2 and iam-v2 clients share one token fetch.

use openapi_rust_gen_runtime::Credentials;
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn org_and_iam_clients_share_one_token_fetch() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/sts/v1/oauth2/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "access_token": "shared", "token_type": "Bearer", "expires_in": 3600
        })))
        .expect(1)
        .mount(&server)
        .await;
    for (at, kind) in [("/org/v2/environments", "EnvironmentList"), ("/iam/v2/users", "UserList")] {
        Mock::given(method("GET"))
            .and(path(at))
            .and(header("authorization", "Bearer shared"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "api_version": "v2", "kind": kind, "metadata": {}, "data": []
            })))
            .expect(4)
            .mount(&server)
            .await;
    }
    let credentials = Credentials::client_credentials("id", "secret");
    let token_url = format!("{}/sts/v1/oauth2/token", server.uri());
    let org = corpus_org_v2::Client::builder()
        .base_url(server.uri())
        .token_url(&token_url)
        .credentials(credentials.clone())
        .build()
        .expect("the org client builds");
    let iam = corpus_iam_v2::Client::builder()
        .base_url(server.uri())
        .token_url(&token_url)
        .credentials(credentials)
        .build()
        .expect("the iam client builds");
    let (environment_params, user_params) = (Default::default(), Default::default());
    for _ in 0..4 {
        let (environments, users) = tokio::join!(
            org.list_org_v2_environments(&environment_params),
            iam.list_iam_v2_users(&user_params),
        );
        environments.expect("environments are listed");
        users.expect("users are listed");
    }
}
"#;
