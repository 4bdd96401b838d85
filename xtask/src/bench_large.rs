//! `cargo check` of the client generated for the large public document
//! (`../shared/large/openai.yaml`, gated by tag) against async-openai, the hand-written SDK
//! of the same API, from the registry, measured in the same run: the whole API against
//! async-openai's `full`, and the chat tag alone against its `chat-completion` feature.
//! Dependencies are built first; each run checks the API crate alone.

use crate::bench_measure::{Row, Spread};
use crate::bench_scratch::{cargo, touch, write, write_workspace};
use crate::Failure;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// The hand-written SDK's version the rows compare with.
const ASYNC_OPENAI: &str = "0.41.3";

pub fn rows(runs: usize) -> Result<Vec<Row>, Failure> {
    let root = crate::workspace::workspace_root();
    let spec = root.join("../shared/large/openai.yaml");
    let Ok(text) = std::fs::read_to_string(&spec) else {
        println!(
            "\nlarge API rows skipped: {} is not present",
            spec.display()
        );
        return Ok(Vec::new());
    };
    let scratch = root.join("target/bench-large");
    let target = scratch.join("target");
    let settings = generator::Settings::new("openai-bench", "openai.yaml")
        .with_standalone(false)
        .with_tag_features(true)
        .with_runtime(generator::RuntimeSource::Path(
            root.join("runtime").to_string_lossy().into_owned(),
        ));
    let generated = generator::generate(&text, &settings)
        .map_err(|_| Failure::Io("openai.yaml does not generate".into()))?;
    crate::files::write_crate(&scratch.join("openai"), &generated.files).map_err(Failure::Io)?;
    // The SDK without a TLS provider, whose C build says nothing about the SDK's own cost.
    write(
        &scratch.join("sdk/Cargo.toml"),
        &format!(
            "[package]\nname = \"sdk-probe\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\nasync-openai = {{ version = \"={ASYNC_OPENAI}\", default-features = false, features = [\"rustls-no-provider\"] }}\n\n\
             [features]\nfull = [\"async-openai/full\"]\nchat = [\"async-openai/chat-completion\"]\n"
        ),
    )?;
    write(&scratch.join("sdk/src/lib.rs"), "")?;
    write_workspace(&scratch, &["openai".into(), "sdk".into()], "")?;
    let ours_full: &[&str] = &["check", "-q", "-p", "openai-bench"];
    let ours_chat: &[&str] = &[
        "check",
        "-q",
        "-p",
        "openai-bench",
        "--no-default-features",
        "--features",
        "chat",
    ];
    let theirs_full: &[&str] = &["check", "-q", "-p", "sdk-probe", "--features", "full"];
    let theirs_chat: &[&str] = &["check", "-q", "-p", "sdk-probe", "--features", "chat"];
    // Dependencies, once; a registry that cannot be reached skips the rows.
    if let Err(Failure::Io(e) | Failure::Usage(e)) = cargo(&scratch, &target, &["fetch", "-q"]) {
        println!("\nlarge API rows skipped: async-openai {ASYNC_OPENAI} cannot be fetched from the registry ({e})");
        return Ok(Vec::new());
    }
    for args in [ours_full, ours_chat, theirs_full, theirs_chat] {
        timed(&scratch, &target, args)?;
    }
    let generated_crate = scratch.join("openai/src/lib.rs");
    let mut measured: [Vec<(Duration, Option<u64>)>; 4] = Default::default();
    for _ in 0..runs.clamp(1, 3) {
        for (i, args) in [ours_full, theirs_full, ours_chat, theirs_chat]
            .into_iter()
            .enumerate()
        {
            if i % 2 == 0 {
                touch(&generated_crate)?;
            } else {
                cargo(&scratch, &target, &["clean", "-q", "-p", "async-openai"])?;
            }
            measured[i].push(timed(&scratch, &target, args)?);
        }
    }
    let lines = scratch_lines(&scratch.join("openai/src"));
    let [ours_full, theirs_full, ours_chat, theirs_chat] = measured;
    println!(
        "\n`cargo check` of the API crate alone (dependencies built), {} lines generated for openai.yaml, async-openai {ASYNC_OPENAI} from the registry:",
        lines
    );
    let row = |figure: &str,
               floor: &str,
               ours: &[(Duration, Option<u64>)],
               theirs: &[(Duration, Option<u64>)],
               target: f64| {
        let spread =
            |m: &[(Duration, Option<u64>)]| Spread::of(m.iter().map(|(d, _)| *d).collect());
        let peak = |m: &[(Duration, Option<u64>)]| m.iter().filter_map(|(_, kb)| *kb).max();
        let memory = match (peak(ours), peak(theirs)) {
            (Some(a), Some(b)) => format!(
                "peak memory {:.2} GB against {:.2} GB ({:.2}x)",
                a as f64 / 1e6,
                b as f64 / 1e6,
                a as f64 / b as f64
            ),
            _ => "peak memory not measured (no /usr/bin/time)".into(),
        };
        println!("  {figure}: {memory}");
        Row {
            figure: figure.into(),
            floor: floor.into(),
            ours: spread(ours),
            base: Some(spread(theirs)),
            target: Some(target),
            note: memory,
        }
    };
    Ok(vec![
        row(
            "cargo check, generated openai.yaml client (full)",
            "async-openai, all features",
            &ours_full,
            &theirs_full,
            1.0,
        ),
        row(
            "cargo check, generated openai.yaml client (`chat` feature)",
            "async-openai, `chat-completion` feature",
            &ours_chat,
            &theirs_chat,
            1.5,
        ),
    ])
}

/// Runs cargo, timing it, and reads its peak memory (of cargo and the compilers it ran,
/// in KB) with `/usr/bin/time` when the machine has it. Not incremental: a crate from the
/// registry never is, so each check of the generated crate starts from nothing too.
fn timed(dir: &Path, target: &Path, args: &[&str]) -> Result<(Duration, Option<u64>), Failure> {
    let cargo_bin = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let time = Path::new("/usr/bin/time");
    let mut command = if time.exists() {
        let mut c = Command::new(time);
        c.args(["-f", "%M"]).arg(cargo_bin);
        c
    } else {
        Command::new(cargo_bin)
    };
    let start = Instant::now();
    let out = command
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_INCREMENTAL", "0")
        .output()
        .map_err(|e| Failure::Io(format!("cannot run cargo: {e}")))?;
    let elapsed = start.elapsed();
    if !out.status.success() {
        return Err(Failure::Io(format!(
            "`cargo {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    let peak = time
        .exists()
        .then(|| {
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .and_then(|l| l.trim().parse::<u64>().ok())
        })
        .flatten();
    Ok((elapsed, peak))
}

fn scratch_lines(dir: &Path) -> usize {
    crate::bench_measure::rust_lines(dir)
}
