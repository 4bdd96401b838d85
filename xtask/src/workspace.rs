//! Where things are in this repository: its root, and the overlays kept beside a spec.

use std::path::{Path, PathBuf};

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// The overlays that apply to a spec: files beside it named `<spec stem>.overlay*.yaml`,
/// in name order.
pub fn overlays_beside(spec: &Path) -> Result<Vec<generator::Overlay>, String> {
    let (Some(dir), Some(stem)) = (spec.parent(), spec.file_stem().and_then(|s| s.to_str())) else {
        return Ok(Vec::new());
    };
    let prefix = format!("{stem}.overlay");
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            name.starts_with(&prefix)
                && (name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".json"))
        })
        .collect();
    paths.sort();
    paths.iter().map(|p| read_overlay(p)).collect()
}

pub fn read_overlay(path: &Path) -> Result<generator::Overlay, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let label = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(generator::Overlay::new(label, text))
}
