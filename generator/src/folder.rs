//! Reading the files of a spec from its folder on disk: the reader the command line and
//! build scripts give the loader.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// The files of a spec, read from the folder of its root document. Paths come from the
/// loader already normalized and checked against the folder; the check is repeated here on
/// the real path, so that a symbolic link cannot lead outside either. Every file read is
/// remembered ([`FolderFiles::read_paths`]), so that a build script can ask to be rerun
/// when any of them changes.
pub struct FolderFiles {
    folder: PathBuf,
    allow_outside_folder: bool,
    read: Mutex<Vec<PathBuf>>,
}

/// The largest file of a spec this reader accepts.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

impl FolderFiles {
    pub fn new(folder: &Path, allow_outside_folder: bool) -> Self {
        FolderFiles {
            folder: folder.to_path_buf(),
            allow_outside_folder,
            read: Mutex::new(Vec::new()),
        }
    }

    /// The real paths of the files read so far, in the order they were read.
    pub fn read_paths(&self) -> Vec<PathBuf> {
        self.read.lock().map(|r| r.clone()).unwrap_or_default()
    }
}

impl crate::SpecFiles for FolderFiles {
    fn read(&self, path: &str) -> Result<String, String> {
        use std::io::Read;
        let full = self.folder.join(path);
        let real = full
            .canonicalize()
            .map_err(|e| format!("{}: {e}", full.display()))?;
        if !self.allow_outside_folder {
            let folder = self
                .folder
                .canonicalize()
                .map_err(|e| format!("{}: {e}", self.folder.display()))?;
            if !real.starts_with(&folder) {
                return Err(format!(
                    "`{path}` leads outside the spec's folder through a symbolic link"
                ));
            }
        }
        if let Ok(mut read) = self.read.lock() {
            read.push(real.clone());
        }
        let file = std::fs::File::open(&real).map_err(|e| e.to_string())?;
        let mut bytes = Vec::new();
        file.take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| e.to_string())?;
        if bytes.len() as u64 > MAX_FILE_BYTES {
            return Err(format!(
                "the file is larger than {} MiB",
                MAX_FILE_BYTES / (1024 * 1024)
            ));
        }
        String::from_utf8(bytes).map_err(|_| "the file is not UTF-8 text".to_string())
    }
}
