//! `cargo xtask`: the project's own commands.
//!
//! - `cargo xtask codegen [--check] [--since REV] [--report FILE]`: regenerate (or check)
//!   the checked-in client crates, and report what the spec changes since the git revision
//!   `REV` (default `HEAD`) did to each crate's public API (also written to `FILE`).
//! - `cargo xtask diff OLD NEW [--overlay FILE]... [--name CRATE]`: that report between two
//!   specs, with overlays applied to `NEW`.
//! - `cargo xtask generate --spec FILE --out DIR [--name CRATE] [--overlay FILE]...
//!   [--allow-outside-folder]`: write a client crate for any OpenAPI 3.0, 3.1 or 3.2
//!   document (one file, or a root file with the files it refers to), with Overlay 1.0
//!   documents applied first. The crate depends on this repository's runtime crate by
//!   path unless `--runtime-path`, `--runtime-version` or `--vendor-runtime` (a copy of the
//!   runtime inside the crate) says otherwise; it joins the workspace that encloses `DIR`,
//!   if any, unless `--standalone`; `--types-only` leaves the client out;
//!   `--string-formats` keeps `date-time`, `date`, `uuid` and `uri` values as strings.
//!   `--tag-features` gates the operations by the spec's tags, a Cargo feature per tag
//!   (and `full`, the default, for all).
//! - `cargo xtask bench [--corpus DIR] [--runs N] [--only PARTS]`: time generation,
//!   compiling and using generated code, each against its floor, and print one table.
//! - `cargo xtask fuzz [--inputs N] [--seed S]`: feed the generator mutated specs.
//! - `cargo xtask conformance --spec FILE|DIR... [--overlay FILE]... [--known-failures FILE]`:
//!   call every operation of each spec's client against Prism serving the same spec.
//!
//! Exit codes: 0 success, 1 the spec has errors (or the tree is stale), 2 bad command-line
//! use or an I/O failure.

mod bench;
mod bench_client;
mod bench_events;
mod bench_large;
mod bench_measure;
mod bench_scratch;
mod bench_types;
mod codegen;
mod conformance;
mod conformance_run;
mod conformance_synth;
mod files;
mod fuzz;
mod imports;
mod report;
mod workspace;

use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "usage:
  cargo xtask codegen [--check] [--deny-warnings] [--since REV] [--report FILE]
  cargo xtask diff OLD NEW [--overlay FILE]... [--name CRATE]
  cargo xtask generate --spec FILE --out DIR [--name CRATE] [--overlay FILE]... [--deny-warnings]
                       [--allow-outside-folder] [--types-only] [--string-formats] [--tag-features] [--standalone]
                       [--vendor-runtime | --runtime-path DIR | --runtime-version REQ]
  cargo xtask imports
  cargo xtask bench [--corpus DIR] [--runs N] [--only generate,types,get,build,events,large]
  cargo xtask fuzz [--inputs N] [--seed S] [--keep-from N]
  cargo xtask conformance --spec FILE|DIR... [--overlay FILE]... [--known-failures FILE]";

/// Counts allocations for `cargo xtask bench`'s per-call figures; otherwise the system
/// allocator.
#[global_allocator]
static ALLOCATOR: bench_client::CountingAllocator = bench_client::CountingAllocator;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}\n\n{USAGE}");
            ExitCode::from(2)
        }
        Err(Failure::Io(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

pub enum Failure {
    Usage(String),
    Io(String),
}

fn run(args: &[String]) -> Result<ExitCode, Failure> {
    let (command, rest) = args
        .split_first()
        .ok_or_else(|| Failure::Usage("no command given".into()))?;
    match command.as_str() {
        "codegen" => {
            let mut check = false;
            let mut deny_warnings = false;
            let mut since = "HEAD".to_string();
            let mut report = None;
            let mut it = rest.iter();
            while let Some(flag) = it.next() {
                match flag.as_str() {
                    "--check" => check = true,
                    "--deny-warnings" => deny_warnings = true,
                    "--since" | "--report" => {
                        let value = it
                            .next()
                            .ok_or_else(|| Failure::Usage(format!("{flag} needs a value")))?;
                        if flag == "--since" {
                            since = value.clone();
                        } else {
                            report = Some(PathBuf::from(value));
                        }
                    }
                    other => {
                        return Err(Failure::Usage(format!(
                            "unknown option to codegen: `{other}`"
                        )))
                    }
                }
            }
            codegen::codegen(&codegen::Codegen {
                check,
                deny_warnings,
                since,
                report,
            })
        }
        "diff" => {
            let mut specs = Vec::new();
            let mut overlays = Vec::new();
            let mut name = "client".to_string();
            let mut it = rest.iter();
            while let Some(arg) = it.next() {
                match arg.as_str() {
                    "--overlay" | "--name" => {
                        let value = it
                            .next()
                            .ok_or_else(|| Failure::Usage(format!("{arg} needs a value")))?;
                        if arg == "--overlay" {
                            overlays.push(PathBuf::from(value));
                        } else {
                            name = value.clone();
                        }
                    }
                    other if other.starts_with("--") => {
                        return Err(Failure::Usage(format!("unknown option `{other}`")))
                    }
                    spec => specs.push(PathBuf::from(spec)),
                }
            }
            let [old, new] = specs.as_slice() else {
                return Err(Failure::Usage("diff takes two specs: OLD NEW".into()));
            };
            report::diff_command(old, new, &overlays, &name)
        }
        "generate" => {
            let mut spec = None;
            let mut out = None;
            let mut name = None;
            let mut overlays = Vec::new();
            let mut deny_warnings = false;
            let mut allow_outside_folder = false;
            let mut runtime = None;
            let mut types_only = false;
            let mut string_formats = false;
            let mut tag_features = false;
            let mut standalone = false;
            let mut it = rest.iter();
            while let Some(flag) = it.next() {
                match flag.as_str() {
                    "--deny-warnings" => deny_warnings = true,
                    "--allow-outside-folder" => allow_outside_folder = true,
                    "--types-only" => types_only = true,
                    "--string-formats" => string_formats = true,
                    "--tag-features" => tag_features = true,
                    "--standalone" => standalone = true,
                    "--vendor-runtime" => runtime = Some(generator::RuntimeSource::Vendored),
                    _ => {
                        // Options that take a value.
                        let mut value = || {
                            it.next()
                                .cloned()
                                .ok_or_else(|| Failure::Usage(format!("{flag} needs a value")))
                        };
                        match flag.as_str() {
                            "--spec" => spec = Some(PathBuf::from(value()?)),
                            "--out" => out = Some(PathBuf::from(value()?)),
                            "--name" => name = Some(value()?),
                            "--overlay" => overlays.push(PathBuf::from(value()?)),
                            "--runtime-path" => {
                                runtime = Some(generator::RuntimeSource::Path(value()?))
                            }
                            "--runtime-version" => {
                                runtime = Some(generator::RuntimeSource::Version(value()?))
                            }
                            other => {
                                return Err(Failure::Usage(format!("unknown option `{other}`")))
                            }
                        }
                    }
                }
            }
            let spec = spec.ok_or_else(|| Failure::Usage("--spec is required".into()))?;
            let out = out.ok_or_else(|| Failure::Usage("--out is required".into()))?;
            codegen::generate_standalone(&codegen::GenerateRequest {
                spec,
                out,
                name,
                overlays,
                deny_warnings,
                allow_outside_folder,
                runtime,
                types_only,
                string_formats,
                tag_features,
                standalone,
            })
        }
        "bench" => {
            let mut corpus = workspace::workspace_root().join("../shared/corpus");
            let mut runs = 5;
            let mut only = Vec::new();
            let mut it = rest.iter();
            while let Some(flag) = it.next() {
                let value = it
                    .next()
                    .ok_or_else(|| Failure::Usage(format!("{flag} needs a value")))?;
                match flag.as_str() {
                    "--corpus" => corpus = PathBuf::from(value),
                    "--only" => {
                        for part in value.split(',') {
                            let part = bench::Part::parse(part).ok_or_else(|| {
                                Failure::Usage(format!(
                                    "--only takes {}, not `{part}`",
                                    bench::Part::NAMES
                                ))
                            })?;
                            only.push(part);
                        }
                    }
                    "--runs" => {
                        runs = value.parse().map_err(|_| {
                            Failure::Usage(format!("--runs takes a number, not `{value}`"))
                        })?
                    }
                    other => return Err(Failure::Usage(format!("unknown option `{other}`"))),
                }
            }
            bench::bench(&corpus, runs, &only)
        }
        "imports" => imports::report(),
        "fuzz" => {
            let mut inputs = 10_000u64;
            let mut seed = 1u64;
            let mut keep_from = None;
            let mut it = rest.iter();
            while let Some(flag) = it.next() {
                let value = it
                    .next()
                    .ok_or_else(|| Failure::Usage(format!("{flag} needs a value")))?;
                let number = value
                    .parse()
                    .map_err(|_| Failure::Usage(format!("{flag} takes a number, not `{value}`")))?;
                match flag.as_str() {
                    "--inputs" => inputs = number,
                    "--seed" => seed = number,
                    "--keep-from" => keep_from = Some(number),
                    other => return Err(Failure::Usage(format!("unknown option `{other}`"))),
                }
            }
            fuzz::fuzz(inputs, seed, keep_from)
        }
        "conformance" => {
            let mut specs = Vec::new();
            let mut overlays = Vec::new();
            let mut known = None;
            let mut it = rest.iter();
            while let Some(flag) = it.next() {
                let value = it
                    .next()
                    .ok_or_else(|| Failure::Usage(format!("{flag} needs a value")))?;
                match flag.as_str() {
                    "--spec" => specs.push(PathBuf::from(value)),
                    "--overlay" => overlays.push(PathBuf::from(value)),
                    "--known-failures" => known = Some(PathBuf::from(value)),
                    other => return Err(Failure::Usage(format!("unknown option `{other}`"))),
                }
            }
            if specs.is_empty() {
                return Err(Failure::Usage("--spec is required".into()));
            }
            conformance::conformance(&specs, &overlays, known.as_deref())
        }
        "help" | "--help" | "-h" => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        other => Err(Failure::Usage(format!("unknown command `{other}`"))),
    }
}
