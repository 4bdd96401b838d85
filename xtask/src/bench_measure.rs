//! What every benchmark reports: a row of figures, the spread of repeated runs, and the
//! inputs they share (the corpus's specs, the lines of generated code).

use crate::Failure;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Fastest and median of repeated runs, in seconds.
#[derive(Clone, Copy, Debug)]
pub struct Spread {
    pub fastest: f64,
    pub median: f64,
}

impl Spread {
    pub fn of(mut times: Vec<Duration>) -> Spread {
        times.sort();
        let at = |i: usize| times.get(i).map_or(0.0, Duration::as_secs_f64);
        Spread {
            fastest: at(0),
            median: at(times.len() / 2),
        }
    }

    pub fn millis(fastest: f64, median: f64) -> Spread {
        Spread {
            fastest: fastest / 1000.0,
            median: median / 1000.0,
        }
    }
}

/// One line of the final table: a figure, its floor measured in the same run, and the
/// target ratio.
pub struct Row {
    pub figure: String,
    pub floor: String,
    pub ours: Spread,
    pub base: Option<Spread>,
    pub target: Option<f64>,
    pub note: String,
}

pub fn seconds(s: f64) -> String {
    if s < 1e-3 {
        format!("{:.1} µs", s * 1e6)
    } else if s < 1.0 {
        format!("{:.1} ms", s * 1e3)
    } else {
        format!("{s:.2} s")
    }
}

/// The spec files of a folder (YAML and JSON), sorted by name.
pub fn spec_paths(dir: &Path) -> Result<Vec<PathBuf>, Failure> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Failure::Io(format!("cannot read {}: {e}", dir.display())))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.extension()
                .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
        })
        .collect();
    paths.sort();
    Ok(paths)
}

/// Lines of the `.rs` files under `dir`.
pub fn rust_lines(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| {
                    let path = e.path();
                    if path.is_dir() {
                        rust_lines(&path)
                    } else if path.extension().is_some_and(|x| x == "rs") {
                        std::fs::read_to_string(&path).map_or(0, |t| t.lines().count())
                    } else {
                        0
                    }
                })
                .sum()
        })
        .unwrap_or(0)
}
