//! `cargo xtask bench`: every cost of the generator and of the code it writes, each against
//! its floor measured in the same run (the machine is noisy, so each measurement is
//! repeated and the fastest and median runs are shown), ending with one table:
//! generating the corpus against parsing it, `cargo check` of a generated crate and
//! decoding large responses against plain derives of the same types, one GET against raw
//! `reqwest`, decoding server-sent events against `serde_json` alone, building every
//! corpus client, and checking the large document's client against async-openai.

use crate::bench_measure::{seconds, spec_paths, Row, Spread};
use crate::Failure;
use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// The parts of the bench, to run some of them (`--only`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// Generating the corpus and the world documents.
    Generate,
    /// `cargo check` of a generated crate, and decoding, against plain derives.
    Types,
    /// One GET through the generated client.
    Get,
    /// Building every corpus client.
    Build,
    /// Decoding a stream of server-sent events.
    Events,
    /// `cargo check` of the large document's client against async-openai.
    Large,
}

impl Part {
    pub const NAMES: &'static str = "generate, types, get, build, events or large";

    /// Each part with its name on the command line.
    const ALL: [(&'static str, Part); 6] = [
        ("generate", Part::Generate),
        ("types", Part::Types),
        ("get", Part::Get),
        ("build", Part::Build),
        ("events", Part::Events),
        ("large", Part::Large),
    ];

    pub fn parse(name: &str) -> Option<Part> {
        Self::ALL.iter().find(|(n, _)| *n == name).map(|(_, p)| *p)
    }

    fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, p)| *p == self)
            .map_or("", |(n, _)| n)
    }
}

pub fn bench(corpus: &Path, runs: usize, only: &[Part]) -> Result<ExitCode, Failure> {
    let runs_part = |part: Part| only.is_empty() || only.contains(&part);
    if cfg!(debug_assertions) {
        // Timings of a debug build say little; run the same command from a release build.
        let status =
            std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
                .args([
                    "run",
                    "--release",
                    "--quiet",
                    "--package",
                    "xtask",
                    "--",
                    "bench",
                    "--corpus",
                ])
                .arg(corpus)
                .args(["--runs", &runs.to_string()])
                .args(only.iter().flat_map(|p| ["--only", p.name()]))
                .status()
                .map_err(|e| Failure::Io(format!("cannot run cargo: {e}")))?;
        return Ok(if status.success() {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }
    let mut rows = Vec::new();
    if runs_part(Part::Generate) {
        generation_rows(corpus, runs, &mut rows)?;
    }
    if runs_part(Part::Types) {
        rows.extend(crate::bench_types::rows(corpus, runs)?);
    }
    if runs_part(Part::Get) {
        rows.push(crate::bench_client::get_overhead(runs)?);
    }
    if runs_part(Part::Events) {
        rows.push(crate::bench_events::events_decode(runs)?);
    }
    if runs_part(Part::Build) {
        rows.push(crate::bench_client::corpus_build(corpus, runs)?);
    }
    if runs_part(Part::Large) {
        rows.extend(crate::bench_large::rows(runs)?);
    }
    print_table(&rows);
    Ok(ExitCode::SUCCESS)
}

/// Generating the corpus (and the world documents beside it), each against parsing them.
fn generation_rows(corpus: &Path, runs: usize, rows: &mut Vec<Row>) -> Result<(), Failure> {
    let specs = read_specs(corpus)?;
    let bytes: usize = specs.iter().map(|(_, t)| t.len()).sum();
    println!(
        "{}: {} specs, {:.1} MB, {runs} runs each (release build)",
        corpus.display(),
        specs.len(),
        bytes as f64 / 1e6
    );
    let parse = measure(runs, || {
        for (name, text) in &specs {
            if let Err(e) = serde_yaml::from_str::<openapiv3::OpenAPI>(text) {
                return Err(format!("{name}: {e}"));
            }
        }
        Ok(())
    })?;
    let (generate, format) = report(&specs, runs, &parse, "parse YAML into openapiv3 (baseline)")?;
    rows.push(Row {
        figure: format!("generate the {} corpus specs", specs.len()),
        floor: "parse them into openapiv3".into(),
        note: format_note(&format, &parse),
        ours: Spread::of(generate),
        base: Some(Spread::of(parse)),
        target: Some(2.0),
    });
    // One large document: every corpus spec merged into one JSON file, as big APIs publish.
    let merged = merged_document(&specs)?;
    let settings = generator::Settings::new("bench", "merged.json");
    let times = measure(runs, || {
        generator::generate(&merged, &settings)
            .map(|_| ())
            .map_err(|d| format!("the merged document does not generate: {:?}", d.first()))
    })?;
    println!(
        "\none document of the corpus merged ({:.1} MB of JSON): generate fastest {:.1} ms, median {:.1} ms",
        merged.len() as f64 / 1e6,
        ms(times[0]),
        ms(times[times.len() / 2])
    );
    // The public OpenAPI 3.1 documents: `openapiv3` reads 3.0 only (one of them has no
    // `paths`, which 3.0 requires), so their baseline is reading the JSON text into a
    // `serde_json::Value`, the least any reader does.
    let world = corpus.with_file_name("world");
    if world.is_dir() {
        let specs = read_specs(&world)?;
        let bytes: usize = specs.iter().map(|(_, t)| t.len()).sum();
        println!(
            "\n{}: {} specs, {:.1} MB, {runs} runs each (release build)",
            world.display(),
            specs.len(),
            bytes as f64 / 1e6
        );
        let parse = measure(runs, || {
            for (name, text) in &specs {
                if let Err(e) = serde_json::from_str::<serde_json::Value>(text) {
                    return Err(format!("{name}: {e}"));
                }
            }
            Ok(())
        })?;
        let (generate, format) = report(
            &specs,
            runs,
            &parse,
            "parse JSON into serde_json (baseline)",
        )?;
        rows.push(Row {
            figure: format!("generate the {} world specs (3.1, JSON)", specs.len()),
            floor: "parse them into serde_json".into(),
            note: format_note(&format, &parse),
            ours: Spread::of(generate),
            base: Some(Spread::of(parse)),
            target: Some(2.0),
        });
    }
    Ok(())
}

/// How checking and formatting the output alone compares with the floor.
fn format_note(format: &[Duration], parse: &[Duration]) -> String {
    let (format, parse) = (Spread::of(format.to_vec()), Spread::of(parse.to_vec()));
    format!(
        "syn + prettyplease on the generated code alone take {} ({:.2}x the floor, on one thread; generation spreads them over two)",
        seconds(format.fastest),
        format.fastest / parse.fastest
    )
}

fn print_table(rows: &[Row]) {
    println!("\n| figure | floor | ours (fastest / median) | floor (fastest / median) | ratio (fastest / median) | target | |");
    println!("|---|---|---|---|---|---|---|");
    for row in rows {
        let ours = format!(
            "{} / {}",
            seconds(row.ours.fastest),
            seconds(row.ours.median)
        );
        let (base, ratio, verdict) = match row.base {
            Some(base) => {
                let fastest = row.ours.fastest / base.fastest;
                let median = row.ours.median / base.median;
                let verdict = match row.target {
                    Some(target) if fastest <= target => "met",
                    Some(_) => "missed",
                    None => "",
                };
                (
                    format!("{} / {}", seconds(base.fastest), seconds(base.median)),
                    format!("{fastest:.2}x / {median:.2}x"),
                    verdict,
                )
            }
            None => ("—".into(), "—".into(), ""),
        };
        let target = row.target.map_or("—".into(), |t| format!("≤ {t}x"));
        println!(
            "| {} | {} | {ours} | {base} | {ratio} | {target} | {verdict} |",
            row.figure, row.floor
        );
    }
    for row in rows.iter().filter(|r| !r.note.is_empty()) {
        println!("- {}: {}", row.figure, row.note);
    }
}

/// Measures loading, resolving and generating `specs`, and prints them with `parse`, the
/// baseline measured in the same run, and the ratio of generating to the baseline.
fn report(
    specs: &[(String, String)],
    runs: usize,
    parse: &[Duration],
    baseline: &str,
) -> Result<(Vec<Duration>, Vec<Duration>), Failure> {
    let load = measure(runs, || {
        for (name, text) in specs {
            if generator::load_document(&generator::Input::text(name, text)).is_err() {
                return Err(format!("{name} does not load"));
            }
        }
        Ok(())
    })?;
    let resolve = measure(runs, || {
        for (name, text) in specs {
            if generator::resolve_model(text).is_err() {
                return Err(format!("{name} does not resolve"));
            }
        }
        Ok(())
    })?;
    let generate = measure(runs, || {
        for (name, text) in specs {
            let settings = generator::Settings::new("bench", name.as_str());
            if generator::generate(text, &settings).is_err() {
                return Err(format!("{name} does not generate"));
            }
        }
        Ok(())
    })?;
    // What checking the output with syn and printing it with prettyplease costs by
    // itself, measured on the generated files: a cost every run pays, whatever renders.
    let mut outputs = Vec::new();
    for (name, text) in specs {
        let settings = generator::Settings::new("bench", name.as_str());
        if let Ok(generated) = generator::generate(text, &settings) {
            outputs.extend(
                generated
                    .files
                    .into_iter()
                    .filter(|f| f.path.ends_with(".rs") && !f.path.starts_with("src/runtime/"))
                    .map(|f| f.contents),
            );
        }
    }
    let output_lines: usize = outputs.iter().map(|o| o.lines().count()).sum();
    let format = measure(runs, || {
        for text in &outputs {
            let file = syn::parse_file(text).map_err(|e| e.to_string())?;
            std::hint::black_box(prettyplease::unparse(&file));
        }
        Ok(())
    })?;
    let show = |label: &str, t: &[Duration]| {
        println!(
            "{label:<38} fastest {:>8.1} ms   median {:>8.1} ms",
            ms(t[0]),
            ms(t[t.len() / 2])
        );
    };
    show(baseline, parse);
    show("  load (text, checks, structure into openapiv3)", &load);
    show("  load and resolve", &resolve);
    show("generate (load, resolve, render, format)", &generate);
    show(
        &format!("  of which syn + prettyplease alone ({output_lines} lines, one thread)"),
        &format,
    );
    println!(
        "ratio generate / baseline: fastest {:.2}x, median {:.2}x",
        ms(generate[0]) / ms(parse[0]),
        ms(generate[generate.len() / 2]) / ms(parse[parse.len() / 2])
    );
    let (name, slowest) = specs
        .iter()
        .map(|(name, text)| {
            let settings = generator::Settings::new("bench", name.as_str());
            let start = Instant::now();
            let _ = generator::generate(text, &settings);
            (name, start.elapsed())
        })
        .max_by_key(|(_, t)| *t)
        .unwrap_or((&specs[0].0, Duration::ZERO));
    println!(
        "slowest single spec to generate: {name}, {:.1} ms",
        ms(slowest)
    );
    Ok((generate, format))
}

/// Every spec merged into one document: paths prefixed with the spec's name, components
/// renamed `<spec>.<name>` (and references to them), operationIds prefixed.
fn merged_document(specs: &[(String, String)]) -> Result<String, Failure> {
    use serde_json::{Map, Value};
    fn rename(node: &mut Value, prefix: &str) {
        match node {
            Value::Object(map) => {
                for (key, value) in map.iter_mut() {
                    match (key.as_str(), value) {
                        ("$ref", Value::String(r)) if r.starts_with("#/components/") => {
                            let mut parts: Vec<String> = r.split('/').map(str::to_string).collect();
                            if let Some(name) = parts.get_mut(3) {
                                *name = format!("{prefix}.{name}");
                            }
                            *r = parts.join("/");
                        }
                        ("operationId", Value::String(id)) => *id = format!("{prefix}_{id}"),
                        ("mapping", Value::Object(mapping)) => {
                            for target in mapping.values_mut() {
                                if let Value::String(r) = target {
                                    if let Some(rest) = r.strip_prefix("#/components/schemas/") {
                                        *r = format!("#/components/schemas/{prefix}.{rest}");
                                    }
                                }
                            }
                        }
                        (_, value) => rename(value, prefix),
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|i| rename(i, prefix)),
            _ => {}
        }
    }
    let mut paths = Map::new();
    let mut components: Map<String, Value> = Map::new();
    for (name, text) in specs {
        let prefix = name.trim_end_matches(".yaml").replace('-', "_");
        let mut doc = generator::parse_text(text, "a spec")
            .map_err(|d| Failure::Io(format!("{name}: {}", d.message)))?;
        rename(&mut doc, &prefix);
        if let Some(Value::Object(p)) = doc.get("paths") {
            for (path, item) in p {
                paths.insert(format!("/{prefix}{path}"), item.clone());
            }
        }
        if let Some(Value::Object(c)) = doc.get("components") {
            for (section, entries) in c {
                let Value::Object(entries) = entries else {
                    continue;
                };
                let target = components
                    .entry(section.clone())
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(target) = target {
                    for (entry, value) in entries {
                        // Security schemes are shared by name, as requirements name them.
                        let key = if section == "securitySchemes" {
                            entry.clone()
                        } else {
                            format!("{prefix}.{entry}")
                        };
                        target.insert(key, value.clone());
                    }
                }
            }
        }
    }
    let doc = serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "Merged corpus", "version": "1"},
        "paths": paths,
        "components": components,
    });
    serde_json::to_string_pretty(&doc).map_err(|e| Failure::Io(e.to_string()))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// Runs `f` `runs` times and returns the durations, fastest first.
fn measure(
    runs: usize,
    mut f: impl FnMut() -> Result<(), String>,
) -> Result<Vec<Duration>, Failure> {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        f().map_err(Failure::Io)?;
        times.push(start.elapsed());
    }
    times.sort();
    Ok(times)
}

fn read_specs(dir: &Path) -> Result<Vec<(String, String)>, Failure> {
    spec_paths(dir)?
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p)
                .map_err(|e| Failure::Io(format!("cannot read {}: {e}", p.display())))?;
            Ok((
                p.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                text,
            ))
        })
        .collect()
}
