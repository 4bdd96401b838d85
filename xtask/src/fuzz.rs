//! `cargo xtask fuzz`: feeds the generator mutated specs and checks it never panics and
//! never takes long. Seeds are the repository's specs and fixtures (and the corpus when it
//! is present); each input applies a few random mutations that break YAML, OpenAPI or
//! references in the ways real specs break. Runs are reproducible from the seed.
//!
//! An input that panics, ends with an internal diagnostic (the generator's own failure,
//! error or warning: a panic caught inside the generator is one), or takes longer than a
//! second in a release build, is saved under
//! `generator/tests/fixtures/fuzz/`, where a test replays it on every `cargo test`, when it
//! was made from one of the repository's own specs; one made from a corpus spec is saved
//! under `target/fuzz-findings/` instead, since corpus material is not copied into the
//! repository.

use crate::Failure;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// An input slower than this is a finding (checked in release builds only: a debug build
/// is many times slower).
const SLOW: Duration = Duration::from_secs(1);

/// Lines the mutator splices in: constructs that tend to reach unusual code paths.
const SNIPPETS: &[&str] = &[
    "$ref: '#/components/schemas/Missing'",
    "$ref: '#/components/schemas/A'",
    "$ref: 'other.yaml#/X'",
    "$ref: '#/paths'",
    "type: strin",
    "type: object",
    "type: array",
    "type: [string, 'null']",
    "allOf: [{$ref: '#/components/schemas/A'}]",
    "allOf: [{type: string}, {type: integer}]",
    "oneOf: []",
    "anyOf: [{}]",
    "not: {type: string}",
    "discriminator: {propertyName: kind, mapping: {a: '#/components/schemas/Nope'}}",
    "discriminator: {propertyName: kind, mapping: {a: {type: object}}}",
    "enum: []",
    "enum: [null]",
    "enum: [1, 'a', true]",
    "x-extensible-enum: [A, a, '']",
    "nullable: true",
    "readOnly: true",
    "required: [nope]",
    "items: {$ref: '#/components/schemas/A'}",
    "additionalProperties: {$ref: '#/components/schemas/A'}",
    "additionalProperties: false",
    "pattern: '['",
    "pattern: '(?=x)'",
    "maxLength: -1",
    "minimum: 1e400",
    "format: binary",
    "properties: {'': {type: string}, self: {}, '1': {}}",
    "- {name: id, in: path, required: true, schema: {type: string}}",
    "- {name: q, in: query}",
    "- {name: c, in: cookie, schema: {type: string}}",
    "'999': {description: x}",
    "default: {description: x}",
    "operationId: getThing",
    "content: {'multipart/form-data': {schema: {type: object}}}",
    "content: {'text/plain': {schema: {type: string}}}",
    "security: [{nope: []}]",
    "a: &anchor {b: *anchor}",
    "openapi: 3.1.0",
    "swagger: '2.0'",
    "paths: {}",
    "components: {schemas: {A: {$ref: '#/components/schemas/A'}}}",
    "openapi: 3.2.0",
    "type: [string, integer, 'null']",
    "type: 'null'",
    "const: x",
    "examples: [1, 'a']",
    "prefixItems: [{type: string}, {type: integer}]",
    "items: false",
    "exclusiveMinimum: 1",
    "exclusiveMaximum: true",
    "if: {type: string}",
    "unevaluatedProperties: false",
    "patternProperties: {'^x': {type: integer}}",
    "$defs: {D: {type: string}}",
    "$ref: '#/$defs/D'",
    "$ref: '#/components/schemas/A/properties/a'",
    "$ref: '#/paths/~1a/get/responses/200'",
    "$ref: '#anchor'",
    "$anchor: anchor",
    "$ref: 'https://example.com/schema.json'",
    "$ref: '../outside.yaml'",
    "description: {$ref: '#/info'}",
    "oneOf: [{properties: {kind: {const: a}}}, {properties: {kind: {const: b}}}]",
    "anyOf: [{$ref: '#/components/schemas/A'}, {type: 'null'}]",
    "webhooks: {w: {post: {requestBody: {content: {application/json: {schema: {type: object}}}}}}}",
    "- {name: k, in: cookie, schema: {type: string}}",
    "- {name: path, in: query, required: true, schema: {type: string}}",
    "- {name: q, in: querystring, content: {}}",
    "security: [{key: []}]",
    "key: {type: apiKey, in: cookie, name: session}",
    "tls: {type: mutualTLS}",
];

const TOKENS: &[&str] = &[
    "",
    "~",
    "null",
    "0",
    "-1",
    "1.5",
    "1e999",
    "true",
    "[]",
    "{}",
    "'{'",
    "\"\\u0000\"",
    "*a",
    "&a x",
    "!!binary AA==",
    "|",
    ">",
    "- -",
    ": :",
    "#",
    "%YAML 1.2",
    "\t",
    "é",
    "\u{202e}",
    "0x10",
    "{a: [",
    "'''",
];

/// `keep_from`: from this input on, each input is written to `target/fuzz-current.yaml`
/// before it runs, so that an input that aborts the process (a stack overflow cannot be
/// caught) can be recovered: rerun with the same seed.
pub fn fuzz(inputs: u64, seed: u64, keep_from: Option<u64>) -> Result<ExitCode, Failure> {
    let root = crate::workspace::workspace_root();
    let seeds = read_seeds(&root)?;
    if seeds.is_empty() {
        return Err(Failure::Io("no seed specs were found".into()));
    }
    let findings_dir = root.join("generator/tests/fixtures/fuzz");
    let corpus_findings_dir = root.join("target/fuzz-findings");
    // Panics are findings, reported below; the default hook would print each one.
    std::panic::set_hook(Box::new(|_| {}));

    let current = Arc::new(AtomicU64::new(u64::MAX));
    let started_at = Arc::new(AtomicU64::new(0));
    let clock = Instant::now();
    spawn_watchdog(current.clone(), started_at.clone(), clock);

    let mut rng = fastrand::Rng::with_seed(seed);
    let (mut panics, mut internal, mut slow, mut rejected) = (0u64, 0u64, 0u64, 0u64);
    let mut slowest = (Duration::ZERO, String::new());
    let settings = generator::Settings::new("fuzz", "fuzz.yaml");
    let run_started = Instant::now();
    for n in 0..inputs {
        let (seed_name, seed_text, from_corpus) = &seeds[rng.usize(..seeds.len())];
        let findings = if *from_corpus {
            &corpus_findings_dir
        } else {
            &findings_dir
        };
        let input = mutate(&mut rng, seed_text);
        if keep_from.is_some_and(|from| n >= from) {
            let path = root.join("target/fuzz-current.yaml");
            std::fs::write(&path, &input)
                .map_err(|e| Failure::Io(format!("cannot write {}: {e}", path.display())))?;
        }
        current.store(n, Ordering::SeqCst);
        started_at.store(clock.elapsed().as_millis() as u64, Ordering::SeqCst);
        let start = Instant::now();
        let outcome =
            std::panic::catch_unwind(AssertUnwindSafe(|| generator::generate(&input, &settings)));
        let took = start.elapsed();
        match outcome {
            Err(_) => {
                panics += 1;
                let path = save(findings, "panic", &input)?;
                eprintln!(
                    "input {n} (from {seed_name}) panicked; saved as {}",
                    path.display()
                );
            }
            Ok(result) => {
                let diagnostics = match &result {
                    Ok(generated) => &generated.warnings,
                    Err(diagnostics) => diagnostics,
                };
                if let Some(d) = diagnostics.iter().find(|d| d.internal) {
                    internal += 1;
                    let path = save(findings, "internal", &input)?;
                    eprintln!(
                        "input {n} (from {seed_name}) ended with an internal diagnostic ({}); saved as {}",
                        d.message,
                        path.display()
                    );
                }
                if result.is_err() {
                    rejected += 1;
                }
            }
        }
        if took > slowest.0 {
            slowest = (took, seed_name.clone());
        }
        if took > SLOW && !cfg!(debug_assertions) {
            slow += 1;
            let path = save(findings, "slow", &input)?;
            eprintln!(
                "input {n} (from {seed_name}) took {took:?}; saved as {}",
                path.display()
            );
        }
        if (n + 1) % 10_000 == 0 {
            println!(
                "{} inputs, {panics} panics, {internal} internal, {slow} slow, slowest {:?}",
                n + 1,
                slowest.0
            );
        }
    }
    current.store(u64::MAX, Ordering::SeqCst);
    let elapsed = run_started.elapsed();
    println!(
        "fuzz: {inputs} inputs from {} seeds (seed {seed}) in {:.1} s; {} generated, {rejected} rejected with diagnostics; \
         {panics} panics; {internal} internal diagnostics; slowest {:.1} ms (from {}){}",
        seeds.len(),
        elapsed.as_secs_f64(),
        inputs - rejected - panics,
        slowest.0.as_secs_f64() * 1000.0,
        slowest.1,
        if cfg!(debug_assertions) { " (debug build: times are not judged)" } else { "" }
    );
    Ok(if panics == 0 && internal == 0 && slow == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Ends the run if one input hangs, naming it: a hang would otherwise stall CI silently.
fn spawn_watchdog(current: Arc<AtomicU64>, started_at: Arc<AtomicU64>, clock: Instant) {
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_secs(1));
        let n = current.load(Ordering::SeqCst);
        if n == u64::MAX {
            continue;
        }
        let since = clock.elapsed().as_millis() as u64 - started_at.load(Ordering::SeqCst);
        if since > 60_000 && current.load(Ordering::SeqCst) == n {
            eprintln!("input {n} has run for over a minute: the generator hangs on it");
            std::process::exit(1);
        }
    });
}

/// Seed specs as (file name, text, whether it comes from the corpus).
fn read_seeds(root: &Path) -> Result<Vec<(String, String, bool)>, Failure> {
    let dirs = [
        root.join("spec"),
        root.join("generator/tests/fixtures/specs"),
        root.join("generator/tests/fixtures/e2e"),
        root.join("generator/tests/fixtures/diagnostics"),
        root.join("../shared/corpus"),
        root.join("../shared/world"),
    ];
    let mut seeds = Vec::new();
    for dir in dirs {
        let from_corpus = dir.ends_with("corpus") || dir.ends_with("world");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
            .collect();
        paths.sort();
        for p in paths {
            let text = std::fs::read_to_string(&p)
                .map_err(|e| Failure::Io(format!("cannot read {}: {e}", p.display())))?;
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            seeds.push((name, text, from_corpus));
        }
    }
    Ok(seeds)
}

/// Applies one to four mutations.
fn mutate(rng: &mut fastrand::Rng, seed: &str) -> String {
    let mut lines: Vec<String> = seed.lines().map(str::to_string).collect();
    for _ in 0..rng.usize(1..=4) {
        if lines.is_empty() {
            lines.push(String::new());
        }
        let i = rng.usize(..lines.len());
        match rng.u8(..9) {
            0 => {
                lines.remove(i);
            }
            1 => {
                let copy = lines[i].clone();
                lines.insert(i, copy);
            }
            2 => {
                let j = rng.usize(..lines.len());
                lines.swap(i, j);
            }
            3 => {
                let line = &mut lines[i];
                if rng.bool() {
                    line.insert_str(0, "  ");
                } else if line.starts_with("  ") {
                    line.replace_range(..2, "");
                }
            }
            4 => {
                let indent: String = lines[i].chars().take_while(|c| *c == ' ').collect();
                let snippet = SNIPPETS[rng.usize(..SNIPPETS.len())];
                lines.insert(i + 1, format!("{indent}{snippet}"));
            }
            5 => {
                // Replace the value after a key.
                let token = TOKENS[rng.usize(..TOKENS.len())];
                if let Some(colon) = lines[i].find(": ") {
                    lines[i].replace_range(colon + 2.., token);
                }
            }
            6 => {
                let line = &mut lines[i];
                let chars: Vec<char> = line.chars().collect();
                if !chars.is_empty() {
                    let at = rng.usize(..chars.len());
                    let pick = "{}[]:,-'\"#&*!|>% \tab1é".chars().collect::<Vec<_>>();
                    let mut out = chars;
                    out[at] = pick[rng.usize(..pick.len())];
                    *line = out.into_iter().collect();
                }
            }
            7 => lines.truncate(i.max(1)),
            _ => {
                let key = lines[i]
                    .trim_start()
                    .split(':')
                    .next()
                    .unwrap_or_default()
                    .to_string();
                if !key.is_empty() {
                    let other = key.chars().rev().collect::<String>();
                    lines[i] = lines[i].replacen(&key, &other, 1);
                }
            }
        }
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

fn save(dir: &Path, kind: &str, input: &str) -> Result<PathBuf, Failure> {
    std::fs::create_dir_all(dir)
        .map_err(|e| Failure::Io(format!("cannot create {}: {e}", dir.display())))?;
    // A content hash names the file, so the same finding is saved once.
    let hash = input.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let path = dir.join(format!("{kind}-{hash:016x}.yaml"));
    std::fs::write(&path, input)
        .map_err(|e| Failure::Io(format!("cannot write {}: {e}", path.display())))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutation_is_reproducible_from_the_seed() {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";
        let a: Vec<String> = (0..5)
            .scan(fastrand::Rng::with_seed(7), |rng, _| {
                Some(mutate(rng, text))
            })
            .collect();
        let b: Vec<String> = (0..5)
            .scan(fastrand::Rng::with_seed(7), |rng, _| {
                Some(mutate(rng, text))
            })
            .collect();
        assert_eq!(a, b);
        assert!(a.iter().any(|m| m != text), "mutations change the text");
    }
}
