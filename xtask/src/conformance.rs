//! `cargo xtask conformance --spec FILE|DIR... [--overlay FILE]...`: every operation of a
//! spec called on the wire against an independent mock server of the same spec.
//!
//! For each spec, the client is generated (with its conformance hooks) into a scratch
//! workspace beside one driver program that can call any operation of any of the
//! clients; it is built once. Then Stoplight Prism serves each spec on loopback, with
//! request validation (a request that breaks the spec is answered 422), and the driver
//! calls every operation: once for its success answer, and once for each documented
//! error status (asked for with `Prefer: code=N`). Arguments and bodies are made from the
//! spec's schemas (see `conformance_synth`). A call passes when the answer decodes into
//! the generated type (an error's body into the error type, where one is documented).
//! One table, the failures listed under it with the operation, what was sent and what
//! came back; the exit code is non-zero on any failure.

use crate::bench_scratch::write;
use crate::conformance_run::{serve_and_call, write_driver, Case, Prepared};
use crate::conformance_synth::Synth;
use crate::Failure;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Failures known and explained, one a line: the spec's file name, the operationId, and
/// why (`#` starts a comment). A listed call that fails is reported but does not fail the
/// run; one that passes does, so that the list only ever shrinks.
fn read_known(path: Option<&Path>) -> Result<Vec<(String, String, String)>, Failure> {
    let Some(path) = path else {
        return Ok(Vec::new());
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::Io(format!("cannot read {}: {e}", path.display())))?;
    Ok(text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|l| {
            let mut parts = l.splitn(3, char::is_whitespace);
            Some((
                parts.next()?.to_string(),
                parts.next()?.to_string(),
                parts.next().unwrap_or_default().trim().to_string(),
            ))
        })
        .collect())
}

pub fn conformance(
    specs: &[PathBuf],
    overlay_paths: &[PathBuf],
    known_path: Option<&Path>,
) -> Result<ExitCode, Failure> {
    let known = read_known(known_path)?;
    let root = crate::workspace::workspace_root();
    let prism = prism_command(&root)?;
    let scratch = root.join("target/conformance");
    let _ = std::fs::remove_dir_all(scratch.join("crates"));
    let overlays: Vec<generator::Overlay> = overlay_paths
        .iter()
        .map(|p| {
            std::fs::read_to_string(p)
                .map(|text| {
                    generator::Overlay::new(
                        p.file_name()
                            .map(|n| n.to_string_lossy().into_owned())
                            .unwrap_or_default(),
                        text,
                    )
                })
                .map_err(|e| Failure::Io(format!("cannot read {}: {e}", p.display())))
        })
        .collect::<Result<_, _>>()?;
    let mut prepared = Vec::new();
    for (i, spec) in spec_files(specs)?.iter().enumerate() {
        match prepare(&scratch, i, spec, &overlays)? {
            Some(p) => prepared.push(p),
            None => println!("{}: no operations to call", spec.display()),
        }
    }
    if prepared.is_empty() {
        return Err(Failure::Usage(
            "none of the specs has an operation to call".into(),
        ));
    }
    write_driver(&scratch, &prepared)?;
    let target = root.join("target/scratch");
    crate::bench_scratch::cargo(
        &scratch,
        &target,
        &["build", "--quiet", "-p", "conformance-driver"],
    )?;
    let driver = target.join("debug/conformance-driver");

    let mut rows = Vec::new();
    let mut failures = Vec::new();
    let mut known_failures = Vec::new();
    let mut passed_known = std::collections::BTreeSet::new();
    let mut unsupported = Vec::new();
    for (i, spec) in prepared.iter().enumerate() {
        let port = 4100 + u16::try_from(i % 800).unwrap_or(0);
        let results = serve_and_call(&prism, &driver, &scratch, spec, port)?;
        let mut row = Row {
            spec: spec.label.clone(),
            operations: spec.operations,
            ..Row::default()
        };
        let file = spec
            .label
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or_default()
            .to_string();
        for (case, result) in spec.cases.iter().zip(&results) {
            row.calls += 1;
            let verdict = judge(case, result);
            let listed = known
                .iter()
                .find(|(f, op, _)| *f == file && *op == case.operation);
            let mut fail = |why: String| match listed {
                Some((_, _, reason)) => {
                    known_failures.push(format!("{} ({reason})", describe(spec, case, &why)))
                }
                None => failures.push(describe(spec, case, &why)),
            };
            match verdict {
                Verdict::Pass => {
                    row.accepted += 1;
                    row.decoded += 1;
                    if let Some(entry) = listed {
                        passed_known.insert(entry.clone());
                    }
                }
                Verdict::Undecoded(why) => {
                    row.accepted += 1;
                    fail(why);
                }
                Verdict::Rejected(why) => fail(why),
                Verdict::Unsupported(why) => {
                    row.unsupported += 1;
                    unsupported.push(describe(spec, case, &why));
                }
            }
        }
        rows.push(row);
    }
    print_table(&rows);
    if !unsupported.is_empty() {
        println!("\nnot counted (Prism cannot serve these):");
        for u in &unsupported {
            println!("- {u}");
        }
    }
    if !known_failures.is_empty() {
        println!("\nknown failures (listed with why in the known-failures file):");
        for f in &known_failures {
            println!("- {f}");
        }
    }
    // An operation listed as failing whose calls all pass now comes off the list.
    let fixed: Vec<_> = passed_known
        .iter()
        .filter(|entry| {
            !known_failures
                .iter()
                .any(|f| f.contains(&format!("`{}`", entry.1)) && f.contains(entry.0.as_str()))
        })
        .collect();
    for (file, op, _) in &fixed {
        println!("\nfixed: {file} {op} passes now; take it off the known-failures list");
    }
    if failures.is_empty() && fixed.is_empty() {
        println!(
            "\nconformance: every call passed, but for {} known failures and {} Prism cannot serve",
            known_failures.len(),
            unsupported.len()
        );
        Ok(ExitCode::SUCCESS)
    } else {
        if !failures.is_empty() {
            println!("\nfailures:");
            for f in &failures {
                println!("- {f}");
            }
        }
        println!("\nconformance: {} failed", failures.len() + fixed.len());
        Ok(ExitCode::from(1))
    }
}

/// The spec files given: files as they are, folders by their `.yaml`, `.yml` and `.json`
/// files (a folder with an `openapi.yaml` is one multi-file spec).
fn spec_files(specs: &[PathBuf]) -> Result<Vec<PathBuf>, Failure> {
    let mut out = Vec::new();
    for spec in specs {
        if spec.is_dir() {
            let root = spec.join("openapi.yaml");
            if root.is_file() {
                out.push(root);
                continue;
            }
            let mut files: Vec<PathBuf> = std::fs::read_dir(spec)
                .map_err(|e| Failure::Io(format!("cannot read {}: {e}", spec.display())))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.extension()
                        .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
                        && !p.to_string_lossy().contains(".overlay.")
                })
                .collect();
            files.sort();
            out.extend(files);
        } else {
            out.push(spec.clone());
        }
    }
    Ok(out)
}

/// Prism, as `.ci/run` installs it (`npm install --prefix target/prism
/// @stoplight/prism-cli@5`), or the command `PRISM` names.
fn prism_command(root: &Path) -> Result<PathBuf, Failure> {
    if let Some(path) = std::env::var_os("PRISM") {
        return Ok(PathBuf::from(path));
    }
    let installed = root.join("target/prism/node_modules/.bin/prism");
    if installed.is_file() {
        return Ok(installed);
    }
    Err(Failure::Io(
        "Prism is not installed: `npm install --prefix target/prism @stoplight/prism-cli@5` \
         (as .ci/run does), or set PRISM to its command"
            .into(),
    ))
}

/// Generates the client of `spec` into the scratch workspace and makes its calls.
fn prepare(
    scratch: &Path,
    index: usize,
    spec: &Path,
    overlays: &[generator::Overlay],
) -> Result<Option<Prepared>, Failure> {
    let text = std::fs::read_to_string(spec)
        .map_err(|e| Failure::Io(format!("cannot read {}: {e}", spec.display())))?;
    let label = spec.display().to_string();
    let file_label = spec
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let folder = generator::FolderFiles::new(spec.parent().unwrap_or(Path::new(".")), false);
    let input = generator::Input {
        files: Some(&folder),
        overlays,
        ..generator::Input::text(&file_label, &text)
    };
    let crate_name = format!("conformance-{index}");
    let settings = generator::Settings::new(&crate_name, &file_label)
        .with_standalone(false)
        .with_conformance_hooks(true)
        .with_runtime(generator::RuntimeSource::Path(
            crate::workspace::workspace_root()
                .join("runtime")
                .to_string_lossy()
                .into_owned(),
        ));
    let fail = |d: Vec<generator::diagnostics::Diagnostic>| {
        Failure::Io(format!("{label} does not generate:\n{}", input.report(&d)))
    };
    let generated = generator::generate_input(&input, &settings).map_err(fail)?;
    let (api, _) = generator::resolve_input(&input).map_err(fail)?;
    let document = generator::load_document(&input).map_err(fail)?;
    if api.operations.is_empty() {
        return Ok(None);
    }
    crate::files::write_crate(&scratch.join("crates").join(&crate_name), &generated.files)
        .map_err(Failure::Io)?;
    // Prism serves the spec as written; with overlays, as they leave it.
    let served = if overlays.is_empty() {
        spec.to_path_buf()
    } else {
        let path = scratch.join("specs").join(format!("{crate_name}.json"));
        write(&path, &document.to_string())?;
        path
    };
    let mut synth = Synth::new(&document, 7);
    let mut cases = Vec::new();
    for op in &api.operations {
        let Some(node) = document.pointer(&op.origin) else {
            continue;
        };
        let args = arguments(&mut synth, &document, &op.origin, node, op);
        let auth = auth(op);
        let success = node
            .get("responses")
            .and_then(Value::as_object)
            .and_then(|r| r.iter().find(|(k, _)| k.starts_with('2')))
            .map(|(_, v)| synth.resolve(v));
        cases.push(Case {
            example_mismatch: success.and_then(|r| example_mismatch(&synth, r)),
            operation: op.operation_id.clone(),
            prefer: None,
            args: args.clone(),
            auth: auth.clone(),
            json_body: true,
            stream: false,
        });
        if op.findings.pagination.is_some() {
            cases.push(Case {
                example_mismatch: success.and_then(|r| example_mismatch(&synth, r)),
                operation: op.operation_id.clone(),
                prefer: None,
                args: args.clone(),
                auth: auth.clone(),
                json_body: true,
                stream: true,
            });
        }
        if let Some(Value::Object(responses)) = node.get("responses") {
            for (status, response) in responses {
                let Ok(code) = status.parse::<u16>() else {
                    continue;
                };
                if code < 400 {
                    continue;
                }
                let response = synth.resolve(response);
                let json_body = response
                    .get("content")
                    .and_then(Value::as_object)
                    .is_some_and(|c| c.keys().any(|k| k.contains("json")));
                cases.push(Case {
                    example_mismatch: example_mismatch(&synth, response),
                    operation: op.operation_id.clone(),
                    prefer: Some(code),
                    args: args.clone(),
                    auth: auth.clone(),
                    json_body,
                    stream: false,
                });
            }
        }
    }
    Ok(Some(Prepared {
        label,
        served,
        crate_name,
        operations: api.operations.len(),
        cases,
    }))
}

/// How a response's JSON example is not of its schema's type, if it is not.
fn example_mismatch(synth: &Synth<'_>, response: &Value) -> Option<String> {
    let media = response
        .get("content")
        .and_then(Value::as_object)?
        .iter()
        .find(|(k, _)| k.contains("json"))
        .map(|(_, m)| m)?;
    let example = media.get("example").or_else(|| {
        media
            .get("examples")
            .and_then(Value::as_object)
            .and_then(|e| e.values().next())
            .map(|e| synth.resolve(e))
            .and_then(|e| e.get("value"))
    })?;
    let schema = synth.resolve(media.get("schema")?);
    let declared = schema.get("type").and_then(Value::as_str)?;
    let actual = match example {
        Value::Object(_) => "object",
        Value::Array(_) => "array",
        Value::String(_) => "string",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::Null => "null",
    };
    let fits =
        actual == declared || (actual == "number" && declared == "integer") || actual == "null";
    (!fits).then(|| {
        format!("the spec's example answer is a {actual} where its schema says {declared}")
    })
}

/// The arguments of an operation, by wire name (the body as `body`): every parameter
/// the operation declares, optional ones too, from its schema (or its `content`'s).
fn arguments<'a>(
    synth: &mut Synth<'a>,
    root: &'a Value,
    origin: &str,
    node: &'a Value,
    op: &generator::model::Operation,
) -> Value {
    let mut args = serde_json::Map::new();
    // Path-level parameters first; the operation's own replace them.
    let item = origin.rsplit_once('/').map(|(p, _)| p).unwrap_or_default();
    let lists = [
        root.pointer(item).and_then(|i| i.get("parameters")),
        node.get("parameters"),
    ];
    for list in lists.into_iter().flatten().filter_map(Value::as_array) {
        for parameter in list {
            let parameter = synth.resolve(parameter);
            let Some(name) = parameter.get("name").and_then(Value::as_str) else {
                continue;
            };
            let place = parameter
                .get("in")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let Some(declared) = op
                .parameters
                .iter()
                .find(|p| p.wire_name == name && p.location.as_str() == place)
            else {
                continue;
            };
            let schema = parameter.get("schema").or_else(|| {
                parameter
                    .get("content")
                    .and_then(Value::as_object)
                    .and_then(|c| c.values().next())
                    .and_then(|m| m.get("schema"))
            });
            let value = match (parameter.get("example"), schema) {
                (Some(example), _) => example.clone(),
                (None, Some(schema)) => synth.value(schema),
                (None, None) => json!("value"),
            };
            args.insert(declared.argument_key(), value);
        }
    }
    if let Some(body) = &op.request_body {
        let body_node = node.get("requestBody").map(|b| synth.resolve(b));
        let media = body_node
            .and_then(|b| b.get("content"))
            .and_then(|c| c.get(&body.content_type));
        // Built from the schema (its properties' own examples included): a whole body's
        // example often leaves out what a request must send, or shows read-only
        // properties it must not.
        let value = match media {
            Some(m) => match (m.get("schema"), m.get("example")) {
                (Some(schema), _) => synth.value(schema),
                (None, Some(example)) => example.clone(),
                (None, None) => json!("body"),
            },
            None => json!({}),
        };
        let value = match body.encoding {
            generator::model::BodyEncoding::Text | generator::model::BodyEncoding::Bytes => {
                match value {
                    Value::String(s) => Value::String(s),
                    other => Value::String(other.to_string()),
                }
            }
            _ => value,
        };
        args.insert("body".into(), value);
    }
    Value::Object(args)
}

/// The credentials an operation takes, by the kind the driver builds.
fn auth(op: &generator::model::Operation) -> String {
    let accepts = &op.accepts;
    if accepts.basic {
        "basic".into()
    } else if accepts.bearer {
        "bearer".into()
    } else if let Some(first) = accepts.keys.first() {
        let schemes: Vec<&str> = first.iter().map(|k| k.scheme.as_str()).collect();
        format!("keys:{}", schemes.join(","))
    } else {
        "none".into()
    }
}

enum Verdict {
    Pass,
    /// The request was accepted, but the answer did not come back as documented.
    Undecoded(String),
    /// Prism refused the request (it breaks the spec), or the client did not send it.
    Rejected(String),
    /// Prism could not answer for reasons of its own.
    Unsupported(String),
}

fn judge(case: &Case, result: &Value) -> Verdict {
    let verdict = judge_call(case, result);
    // Prism serves the spec's own examples: one that breaks the spec's schema is the
    // spec's to fix, not the client's to decode.
    let said = result["prism"].as_str().unwrap_or_default();
    match verdict {
        Verdict::Undecoded(why) | Verdict::Rejected(why)
            if said.contains("Violation: response.body") =>
        {
            Verdict::Unsupported(format!(
                "the spec's example answer breaks its own schema: {why}"
            ))
        }
        other => other,
    }
}

fn judge_call(case: &Case, result: &Value) -> Verdict {
    let kind = result["kind"].as_str().unwrap_or_default();
    let status = result["status"]
        .as_u64()
        .and_then(|s| u16::try_from(s).ok());
    let mut message = result["message"].as_str().unwrap_or_default().to_string();
    let said = result["prism"].as_str().unwrap_or_default();
    if !said.is_empty() {
        message = format!("{message} [Prism: {said}]");
    }
    // Prism's validator does not follow JSON Schema 2020-12 tuples (`prefixItems` with
    // `items: false`): each item reads as breaking `false`.
    let violations: Vec<&str> = said
        .split("; ")
        .filter(|v| v.starts_with("Request body property"))
        .collect();
    if !violations.is_empty()
        && violations
            .iter()
            .all(|v| v.ends_with("boolean schema is false"))
    {
        return Verdict::Unsupported(format!(
            "Prism cannot validate a 2020-12 tuple (prefixItems): {message}"
        ));
    }
    let prism_error = |m: &str| {
        m.split("stoplight.io/prism/errors#").nth(1).map(|rest| {
            rest.split(['"', ' ', ','])
                .next()
                .unwrap_or_default()
                .to_string()
        })
    };
    if let Some(error) = prism_error(&message) {
        let expected = case.prefer == status && case.prefer.is_some();
        if !expected {
            return match error.as_str() {
                "UNPROCESSABLE_ENTITY"
                | "UNAUTHORIZED"
                | "NO_PATH_MATCHED_ERROR"
                | "NO_METHOD_MATCHED_ERROR"
                | "INVALID_CONTENT_TYPE" => {
                    Verdict::Rejected(format!("Prism refused the request ({error}): {message}"))
                }
                _ => Verdict::Unsupported(format!("Prism could not answer ({error}): {message}")),
            };
        }
    }
    if let (Some(why), "decode") = (&case.example_mismatch, kind) {
        return Verdict::Unsupported(format!("{why}: {message}"));
    }
    match case.prefer {
        None if kind == "ok" => Verdict::Pass,
        None if kind == "api" => Verdict::Rejected(format!("answered {status:?}: {message}")),
        None => Verdict::Undecoded(format!("{kind}: {message}")),
        Some(code) if status == Some(code) && kind == "api" => {
            if result["decoded"].as_bool() == Some(true) || !case.json_body {
                Verdict::Pass
            } else {
                Verdict::Undecoded(format!("the {code} body did not decode: {message}"))
            }
        }
        Some(code) => Verdict::Rejected(format!(
            "asked for {code}, got {status:?} ({kind}): {message}"
        )),
    }
}

fn describe(spec: &Prepared, case: &Case, why: &str) -> String {
    let asked = match (case.prefer, case.stream) {
        (Some(c), _) => format!(" (asked for {c})"),
        (None, true) => " (its paging stream)".to_string(),
        (None, false) => String::new(),
    };
    let mut sent = case.args.to_string();
    if sent.len() > 300 {
        let cut = (0..=300)
            .rev()
            .find(|i| sent.is_char_boundary(*i))
            .unwrap_or(0);
        sent.truncate(cut);
        sent.push('…');
    }
    let mut why = why.replace('\n', " ");
    if why.len() > 600 {
        let cut = (0..=600)
            .rev()
            .find(|i| why.is_char_boundary(*i))
            .unwrap_or(0);
        why.truncate(cut);
        why.push('…');
    }
    format!(
        "{} `{}`{asked}: {why}; sent {sent}",
        spec.label, case.operation
    )
}

#[derive(Default)]
struct Row {
    spec: String,
    operations: usize,
    calls: usize,
    accepted: usize,
    decoded: usize,
    unsupported: usize,
}

fn print_table(rows: &[Row]) {
    println!(
        "{:<52} {:>4} {:>6} {:>9} {:>8} {:>12}",
        "spec", "ops", "calls", "accepted", "decoded", "not counted"
    );
    let mut totals = Row::default();
    for r in rows {
        let name = r.spec.rsplit(['/', '\\']).take(2).collect::<Vec<_>>();
        let name = name.into_iter().rev().collect::<Vec<_>>().join("/");
        println!(
            "{:<52} {:>4} {:>6} {:>9} {:>8} {:>12}",
            name, r.operations, r.calls, r.accepted, r.decoded, r.unsupported
        );
        totals.operations += r.operations;
        totals.calls += r.calls;
        totals.accepted += r.accepted;
        totals.decoded += r.decoded;
        totals.unsupported += r.unsupported;
    }
    println!(
        "{:<52} {:>4} {:>6} {:>9} {:>8} {:>12}",
        format!("{} specs", rows.len()),
        totals.operations,
        totals.calls,
        totals.accepted,
        totals.decoded,
        totals.unsupported
    );
}
