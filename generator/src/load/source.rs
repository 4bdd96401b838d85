//! The files of a spec: how the generator asks for them, which it may ask for, and where
//! each one sits in the combined document.
//!
//! The generator never touches the disk or the network itself. A caller hands it the root
//! document and, for specs made of several files, a [`SpecFiles`] that reads a file by its
//! path. Which paths are asked for is decided here, and it is a security boundary: a
//! document (possibly untrusted) must not make the generator read arbitrary files, so
//! references are followed only to relative paths inside the root document's folder
//! unless the caller allows more, and never to URLs.

use crate::diagnostics::pointer_push;

/// Reads the files of a multi-file spec.
pub trait SpecFiles: Sync {
    /// The text of the file at `path`: relative to the root document's folder,
    /// `/`-separated and normalized (no `.` segments; `..` segments only at the start, and
    /// only when [`ReferencePolicy::allow_outside_folder`] is set). Implementations should
    /// refuse a path that resolves outside the folder through a symbolic link unless
    /// reading outside is allowed.
    fn read(&self, path: &str) -> Result<String, String>;
}

/// Which references to other files are followed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReferencePolicy {
    /// Follow references to files outside the root document's folder (and absolute
    /// paths). Off by default.
    pub allow_outside_folder: bool,
}

/// Most files a spec may consist of, and most bytes in all: a bound on what a document
/// can make the generator read.
pub const MAX_FILES: usize = 20_000;
pub const MAX_TOTAL_BYTES: usize = 512 * 1024 * 1024;

/// A file of the spec and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// The path relative to the root document's folder (the root's own file name for the
    /// root).
    pub path: String,
    /// How diagnostics name the file: the root's label, and the paths of the others
    /// joined to the folder of the root's label.
    pub label: String,
    pub text: String,
}

impl SourceFile {
    /// The file name without its extension, which names a file that is one schema.
    pub fn stem(&self) -> String {
        let name = self.path.rsplit('/').next().unwrap_or(&self.path);
        match name.rsplit_once('.') {
            Some((stem, _)) if !stem.is_empty() => stem.to_string(),
            _ => name.to_string(),
        }
    }
}

/// The top-level key under which the other files of a multi-file spec are placed in the
/// combined document, one entry per file by its index. References into them become
/// ordinary JSON pointers; diagnostics translate these back to the file and its own
/// pointer. The key is an extension key, so the combined document stays valid OpenAPI.
pub const FILES_KEY: &str = "x-openapi-rust-gen-files";

/// The pointer under which file `index` is placed (the root is the document itself).
pub fn file_base(index: usize) -> String {
    if index == 0 {
        String::new()
    } else {
        pointer_push(&pointer_push("", FILES_KEY), &index.to_string())
    }
}

/// Why a reference to another file is not followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathRefusal {
    /// A URL: the generator never fetches from the network.
    Url(String),
    /// A path outside the root document's folder, or absolute, without the option that
    /// allows it.
    OutsideFolder(String),
    /// Not a path this generator can read (another URI scheme, an empty path).
    Unsupported(String),
}

impl PathRefusal {
    pub fn message(&self, reference: &str) -> (String, Option<String>) {
        match self {
            PathRefusal::Url(url) => (
                format!("the reference `{reference}` names a URL (`{url}`); the generator does not fetch documents from the network"),
                Some("download the document next to the spec and refer to it by a relative path".into()),
            ),
            PathRefusal::OutsideFolder(path) => (
                format!("the reference `{reference}` leaves the folder of the root document (`{path}`), so it is not followed"),
                Some("move the file into the spec's folder, or allow references outside it (`--allow-outside-folder`)".into()),
            ),
            PathRefusal::Unsupported(why) => (
                format!("the reference `{reference}` cannot be followed: {why}"),
                None,
            ),
        }
    }
}

/// The path of the file a reference names, relative to the root document's folder:
/// `target` (the part of the reference before `#`, percent-decoded here) is resolved
/// against the folder of `referrer` (a path as this function returns it) and normalized.
pub fn resolve_path(
    referrer: &str,
    target: &str,
    policy: ReferencePolicy,
) -> Result<String, PathRefusal> {
    // Escapes are decoded first, so that an encoded `:` or `..` is judged like a plain one.
    let decoded = percent_decode(target).replace('\\', "/");
    let drive = drive_root(&decoded);
    if drive.is_none() {
        if let Some(scheme) = uri_scheme(&decoded) {
            let lower = scheme.to_ascii_lowercase();
            return Err(if lower == "http" || lower == "https" {
                PathRefusal::Url(target.to_string())
            } else {
                PathRefusal::Unsupported(format!("`{scheme}:` references are not supported"))
            });
        }
    }
    // An absolute target starts from its own root; a relative one from the referring
    // file's folder (which is itself absolute when reading outside the folder is allowed
    // and the referring file was reached by an absolute path).
    let (root, start) = match drive {
        Some(drive) => (Some(drive), &decoded[drive.len()..]),
        None if decoded.starts_with('/') => (Some("/"), &decoded[1..]),
        None => (None, decoded.as_str()),
    };
    if root.is_some() && !policy.allow_outside_folder {
        return Err(PathRefusal::OutsideFolder(decoded.clone()));
    }
    let referrer = referrer.replace('\\', "/");
    let folder = referrer.rsplit_once('/').map_or("", |(dir, _)| dir);
    let (root, segments): (Option<&str>, Vec<&str>) = match root {
        Some(root) => (Some(root), start.split('/').collect()),
        None => match drive_root(folder) {
            Some(drive) => (
                Some(drive),
                folder[drive.len()..]
                    .split('/')
                    .chain(start.split('/'))
                    .collect(),
            ),
            None if folder.starts_with('/') => (
                Some("/"),
                folder[1..].split('/').chain(start.split('/')).collect(),
            ),
            None => (None, folder.split('/').chain(start.split('/')).collect()),
        },
    };
    let mut parts: Vec<&str> = Vec::new();
    // `..` segments that climbed above the root document's folder (an absolute path
    // cannot climb above its root).
    let mut above = 0usize;
    for segment in segments {
        match segment {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|p| *p != "..") {
                    parts.pop();
                } else if parts.is_empty() && root.is_none() {
                    above += 1;
                }
            }
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        return Err(PathRefusal::Unsupported(
            "it names a folder, not a file".into(),
        ));
    }
    let mut path = root.map_or_else(|| "../".repeat(above), str::to_string);
    path.push_str(&parts.join("/"));
    if (above > 0 || root.is_some()) && !policy.allow_outside_folder {
        return Err(PathRefusal::OutsideFolder(path));
    }
    Ok(path)
}

/// The root of a Windows path with a drive letter (`C:/`), if the path has one.
fn drive_root(path: &str) -> Option<&str> {
    let bytes = path.as_bytes();
    (bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/')
        .then(|| &path[..3])
}

/// The scheme of a URI reference such as `https://...` or `file:...`, if it has one.
fn uri_scheme(reference: &str) -> Option<&str> {
    let (scheme, _) = reference.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic()
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.')))
    .then_some(scheme)
}

/// Decodes `%XX` escapes (RFC 3986); invalid escapes and invalid UTF-8 are kept as written.
pub fn percent_decode(text: &str) -> String {
    if !text.contains('%') {
        return text.to_string();
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

/// Where the nodes of the combined document come from: files placed under [`FILES_KEY`],
/// and objects the loader copied in place of a reference (see `inline`).
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    /// Pointer of a copy → pointer of what it copies, in the combined document.
    copies: std::collections::BTreeMap<String, String>,
}

impl SourceMap {
    pub fn record_copy(&mut self, site: String, origin: String) {
        self.copies.insert(site, origin);
    }

    /// The pointer a node was copied from, following copies of copies; the pointer itself
    /// when it is not inside a copy.
    pub fn origin_of(&self, pointer: &str) -> String {
        let mut current = pointer.to_string();
        if self.copies.is_empty() {
            return current;
        }
        // Each step moves to an earlier copy; the bound guards against a malformed map.
        for _ in 0..=self.copies.len() {
            match self.copy_containing(&current) {
                Some((site, origin)) => {
                    current = format!("{origin}{}", &current[site.len()..]);
                }
                None => break,
            }
        }
        current
    }

    /// The innermost recorded copy whose site contains `pointer`.
    fn copy_containing<'p>(&'p self, pointer: &'p str) -> Option<(&'p str, &'p str)> {
        let mut p = pointer;
        loop {
            if let Some(origin) = self.copies.get(p) {
                return Some((p, origin));
            }
            let cut = p.rfind('/')?;
            p = &p[..cut];
        }
    }
}

/// Splits a pointer of the combined document into the index of the file it is in and the
/// pointer within that file.
pub fn split_file(pointer: &str) -> (usize, &str) {
    let prefix = pointer_push("", FILES_KEY);
    if let Some(rest) = pointer.strip_prefix(prefix.as_str()) {
        if let Some(rest) = rest.strip_prefix('/') {
            let (index, local) = match rest.find('/') {
                Some(cut) => (&rest[..cut], &rest[cut..]),
                None => (rest, ""),
            };
            if let Ok(index) = index.parse::<usize>() {
                return (index, local);
            }
        }
    }
    (0, pointer)
}

#[cfg(test)]
mod tests {
    use super::*;

    const INSIDE: ReferencePolicy = ReferencePolicy {
        allow_outside_folder: false,
    };
    const ANYWHERE: ReferencePolicy = ReferencePolicy {
        allow_outside_folder: true,
    };

    #[test]
    fn paths_resolve_against_the_referring_file() {
        assert_eq!(
            resolve_path("openapi.yaml", "schemas/pet.yaml", INSIDE),
            Ok("schemas/pet.yaml".into())
        );
        assert_eq!(
            resolve_path("paths/pets.yaml", "../schemas/./pet.yaml", INSIDE),
            Ok("schemas/pet.yaml".into())
        );
        assert_eq!(
            resolve_path("a/b/c.yaml", "../../d%20e.json", INSIDE),
            Ok("d e.json".into())
        );
        // Backslashes separate folders, as on Windows.
        assert_eq!(
            resolve_path("a\\b.yaml", "c.yaml", INSIDE),
            Ok("a/c.yaml".into())
        );
    }

    #[test]
    fn leaving_the_folder_urls_and_other_schemes_are_refused() {
        assert_eq!(
            resolve_path("openapi.yaml", "../secret.yaml", INSIDE),
            Err(PathRefusal::OutsideFolder("../secret.yaml".into()))
        );
        assert_eq!(
            resolve_path("a/x.yaml", "../../../etc/passwd", INSIDE),
            Err(PathRefusal::OutsideFolder("../../etc/passwd".into()))
        );
        assert!(matches!(
            resolve_path("openapi.yaml", "/etc/passwd", INSIDE),
            Err(PathRefusal::OutsideFolder(_))
        ));
        assert!(matches!(
            resolve_path("openapi.yaml", "https://example.com/a.yaml", ANYWHERE),
            Err(PathRefusal::Url(_))
        ));
        assert!(matches!(
            resolve_path("openapi.yaml", "file:///etc/passwd", ANYWHERE),
            Err(PathRefusal::Unsupported(_))
        ));
        assert_eq!(
            resolve_path("openapi.yaml", "../shared/x.yaml", ANYWHERE),
            Ok("../shared/x.yaml".into())
        );
        assert!(matches!(
            resolve_path("openapi.yaml", "sub/..", INSIDE),
            Err(PathRefusal::Unsupported(_))
        ));
        // Escapes are judged decoded: an encoded drive or climb is refused the same way.
        assert!(matches!(
            resolve_path("openapi.yaml", "C%3A/Windows/x.yaml", INSIDE),
            Err(PathRefusal::OutsideFolder(_))
        ));
        assert!(matches!(
            resolve_path("openapi.yaml", "%2e%2e/x.yaml", INSIDE),
            Err(PathRefusal::OutsideFolder(_))
        ));
        assert!(matches!(
            resolve_path("openapi.yaml", "mailto%3Ax", INSIDE),
            Err(PathRefusal::Unsupported(_))
        ));
    }

    #[test]
    fn absolute_paths_are_normalized_when_allowed() {
        assert_eq!(
            resolve_path("openapi.yaml", "/shared/./a/../b.yaml", ANYWHERE),
            Ok("/shared/b.yaml".into())
        );
        // A file reached by an absolute path refers relative to its own folder.
        assert_eq!(
            resolve_path("/shared/a.yaml", "c.yaml", ANYWHERE),
            Ok("/shared/c.yaml".into())
        );
        assert_eq!(
            resolve_path("C:/specs/a.yaml", "..\\common\\b.yaml", ANYWHERE),
            Ok("C:/common/b.yaml".into())
        );
        assert_eq!(
            resolve_path("openapi.yaml", "/../../etc/x.yaml", ANYWHERE),
            Ok("/etc/x.yaml".into())
        );
    }

    #[test]
    fn percent_escapes_decode_and_bad_ones_stay() {
        assert_eq!(percent_decode("a%20b%2Fc"), "a b/c");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz"), "%zz");
        assert_eq!(percent_decode("%C3%A9"), "é");
    }

    #[test]
    fn copies_and_files_map_back() {
        let mut map = SourceMap::default();
        map.record_copy("/paths/~1a/get/parameters/0".into(), "/x/1".into());
        map.record_copy("/x/1".into(), "/components/parameters/p".into());
        assert_eq!(
            map.origin_of("/paths/~1a/get/parameters/0/schema"),
            "/components/parameters/p/schema"
        );
        assert_eq!(map.origin_of("/info"), "/info");
        let base = file_base(3);
        assert_eq!(split_file(&format!("{base}/a/b")), (3, "/a/b"));
        assert_eq!(split_file(&base), (3, ""));
        assert_eq!(split_file("/components"), (0, "/components"));
    }
}
