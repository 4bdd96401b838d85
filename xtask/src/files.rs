//! Writing generated files so that a failed run leaves the disk as it was, and comparing
//! what would be written with what is there.

use generator::GeneratedFile;
use std::fs;
use std::path::{Path, PathBuf};

/// How a file on disk differs from what the generator produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    Stale(PathBuf),
    Missing(PathBuf),
    /// A file in a generated folder (`src/`) that the generator does not write.
    Extra(PathBuf),
}

/// Compares `files` with the crate at `root`. Only `src/` is scanned for extra files:
/// folders such as `tests/` and `examples/` hold hand-written code.
pub fn differences(root: &Path, files: &[GeneratedFile]) -> Result<Vec<Difference>, String> {
    let mut out = Vec::new();
    for file in files {
        let path = root.join(&file.path);
        match fs::read(&path) {
            Ok(bytes) if bytes == file.contents.as_bytes() => {}
            Ok(_) => out.push(Difference::Stale(path)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                out.push(Difference::Missing(path))
            }
            Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
        }
    }
    let src = root.join("src");
    if src.is_dir() {
        let mut found = Vec::new();
        list_files(&src, &mut found).map_err(|e| format!("cannot list {}: {e}", src.display()))?;
        found.sort();
        for path in found {
            let known = files.iter().any(|f| root.join(&f.path) == path);
            if !known {
                out.push(Difference::Extra(path));
            }
        }
    }
    Ok(out)
}

fn list_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            list_files(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// Writes the files that differ under `root`. Everything is first written into a staging
/// folder beside `root`; only when all of it is written are the files renamed into place,
/// so an I/O failure part-way leaves `root` untouched. Files whose content is unchanged are
/// not rewritten. Returns the paths written.
pub fn write_crate(root: &Path, files: &[GeneratedFile]) -> Result<Vec<PathBuf>, String> {
    let changed: Vec<&GeneratedFile> = files
        .iter()
        .filter(|f| {
            fs::read(root.join(&f.path)).map_or(true, |bytes| bytes != f.contents.as_bytes())
        })
        .collect();
    if changed.is_empty() {
        return Ok(Vec::new());
    }
    let parent = root
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let base = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "out".into());
    fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    let staging = parent.join(format!(".{base}.staging-{}", std::process::id()));
    let result = stage_and_move(root, &staging, &changed);
    // The staging folder is scratch space either way.
    let _ = fs::remove_dir_all(&staging);
    result
}

fn stage_and_move(
    root: &Path,
    staging: &Path,
    changed: &[&GeneratedFile],
) -> Result<Vec<PathBuf>, String> {
    for f in changed {
        let path = staging.join(&f.path);
        if let Some(dir) = path.parent() {
            fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        fs::write(&path, &f.contents)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    if !root.exists() {
        fs::rename(staging, root)
            .map_err(|e| format!("cannot move the new crate to {}: {e}", root.display()))?;
        return Ok(changed.iter().map(|f| root.join(&f.path)).collect());
    }
    let mut written = Vec::new();
    for f in changed {
        let target = root.join(&f.path);
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        }
        fs::rename(staging.join(&f.path), &target)
            .map_err(|e| format!("cannot write {}: {e}", target.display()))?;
        written.push(target);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(path: &str, contents: &str) -> GeneratedFile {
        GeneratedFile {
            path: path.into(),
            contents: contents.into(),
        }
    }

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-files-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    #[test]
    fn writes_new_crates_and_only_changed_files() {
        let root = scratch("write").join("crate");
        let files = vec![file("Cargo.toml", "a"), file("src/lib.rs", "b")];
        assert_eq!(write_crate(&root, &files).unwrap().len(), 2);
        assert!(differences(&root, &files).unwrap().is_empty());
        let files = vec![file("Cargo.toml", "a"), file("src/lib.rs", "c")];
        assert_eq!(
            write_crate(&root, &files).unwrap(),
            vec![root.join("src/lib.rs")]
        );
        assert!(write_crate(&root, &files).unwrap().is_empty());
        let leftovers: Vec<_> = fs::read_dir(root.parent().unwrap()).unwrap().collect();
        assert_eq!(leftovers.len(), 1, "the staging folder is removed");
    }

    #[test]
    fn reports_stale_missing_and_extra_files() {
        let root = scratch("diff");
        fs::create_dir_all(root.join("src")).unwrap();
        fs::create_dir_all(root.join("tests")).unwrap();
        fs::write(root.join("src/lib.rs"), "old").unwrap();
        fs::write(root.join("src/stray.rs"), "").unwrap();
        fs::write(root.join("tests/hand_written.rs"), "").unwrap();
        let files = vec![file("src/lib.rs", "new"), file("Cargo.toml", "x")];
        let diffs = differences(&root, &files).unwrap();
        assert_eq!(
            diffs,
            vec![
                Difference::Stale(root.join("src/lib.rs")),
                Difference::Missing(root.join("Cargo.toml")),
                Difference::Extra(root.join("src/stray.rs")),
            ]
        );
    }
}
