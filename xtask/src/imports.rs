//! The import graph of this repository's crates, to keep it free of cycles: a module that
//! names another (through a `crate::`, `super::` or `self::` path) depends on it, and no
//! two modules may depend on each other, directly or through others. A module using an
//! ancestor (its `super`) is not counted: a parent holds what its children share.
//! Paths inside `quote!` are the generated code's, not the generator's, and are skipped.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The modules of a crate's source folder and the modules each one names.
pub struct Graph {
    edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
}

impl Graph {
    /// Reads every `.rs` file under `src` (a crate's source folder).
    pub fn of_folder(src: &Path) -> Result<Graph, String> {
        let mut files = Vec::new();
        collect(src, src, &mut files)?;
        Graph::of_files(&files)
    }

    /// The graph of files given as (path relative to the source folder, text).
    pub fn of_files(files: &[(String, String)]) -> Result<Graph, String> {
        let mut uses: Vec<(Vec<String>, Vec<Vec<String>>)> = Vec::new();
        for (path, text) in files {
            let module = module_of(path);
            let tokens: TokenStream = text
                .parse()
                .map_err(|e| format!("{path} does not tokenize: {e:?}"))?;
            walk(tokens, &module, &mut uses);
        }
        let modules: BTreeSet<Vec<String>> = uses.iter().map(|(m, _)| m.clone()).collect();
        let mut edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> = BTreeMap::new();
        for (module, paths) in uses {
            let entry = edges.entry(module.clone()).or_default();
            for path in paths {
                let Some(target) = resolve(&module, &path, &modules) else {
                    continue;
                };
                if !module.starts_with(&target) {
                    entry.insert(target);
                }
            }
        }
        Ok(Graph { edges })
    }

    /// Each set of modules that depend on each other, with the uses that tie them, as
    /// text (`a::b -> c`); empty when there is no cycle.
    pub fn cycles(&self) -> Vec<Vec<String>> {
        let components = strongly_connected(&self.edges);
        components
            .into_iter()
            .filter(|c| c.len() > 1)
            .map(|component| {
                let mut ties = Vec::new();
                for from in &component {
                    for to in self.edges.get(from).into_iter().flatten() {
                        if component.contains(to) {
                            ties.push(format!("{} -> {}", from.join("::"), to.join("::")));
                        }
                    }
                }
                ties
            })
            .collect()
    }
}

/// `cargo xtask imports`: the modules of each crate of this repository and the cycles
/// among them (none, or the exit code says so).
pub fn report() -> Result<std::process::ExitCode, crate::Failure> {
    let root = crate::workspace::workspace_root();
    let mut clean = true;
    for src in CRATES {
        let graph = Graph::of_folder(&root.join(src)).map_err(crate::Failure::Io)?;
        let cycles = graph.cycles();
        println!(
            "{src}: {} modules, {} uses between them, {} cycles",
            graph.edges.len(),
            graph.edges.values().map(BTreeSet::len).sum::<usize>(),
            cycles.len()
        );
        for ties in &cycles {
            println!("  cycle: {}", ties.join(", "));
        }
        clean &= cycles.is_empty();
    }
    Ok(if clean {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    })
}

/// The source folders of this repository's hand-written crates.
const CRATES: [&str; 3] = ["generator/src", "runtime/src", "xtask/src"];

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, String)>) -> Result<(), String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            collect(root, &path, out)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let relative = path
                .strip_prefix(root)
                .map_err(|e| e.to_string())?
                .to_string_lossy()
                .replace('\\', "/");
            out.push((relative, text));
        }
    }
    Ok(())
}

/// `a/b.rs` is `a::b`; `a/mod.rs` is `a`; `lib.rs` and `main.rs` are the crate root.
fn module_of(path: &str) -> Vec<String> {
    let mut parts: Vec<String> = path
        .trim_end_matches(".rs")
        .split('/')
        .map(str::to_string)
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// Records the paths each module names. An inline `mod name { .. }` is a module of its
/// own; `quote!` bodies are skipped.
fn walk(tokens: TokenStream, module: &[String], out: &mut Vec<(Vec<String>, Vec<Vec<String>>)>) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            TokenTree::Ident(id)
                if (id == "quote" || id == "quote_spanned") && is_bang(tokens.get(i + 1)) =>
            {
                i += 3;
                continue;
            }
            TokenTree::Ident(id) if id == "mod" => {
                if let (Some(TokenTree::Ident(name)), Some(TokenTree::Group(g))) =
                    (tokens.get(i + 1), tokens.get(i + 2))
                {
                    if g.delimiter() == Delimiter::Brace {
                        let mut inner = module.to_vec();
                        inner.push(name.to_string());
                        walk(g.stream(), &inner, out);
                        i += 3;
                        continue;
                    }
                }
            }
            TokenTree::Ident(id) if id == "crate" || id == "super" || id == "self" => {
                let (paths, next) = path_at(&tokens, i, Vec::new());
                found.extend(paths);
                i = next;
                continue;
            }
            TokenTree::Group(g) => {
                let mut nested = Vec::new();
                walk(g.stream(), module, &mut nested);
                for (m, paths) in nested {
                    if m == module {
                        found.extend(paths);
                    } else {
                        out.push((m, paths));
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    out.push((module.to_vec(), found));
}

fn is_bang(token: Option<&TokenTree>) -> bool {
    matches!(token, Some(TokenTree::Punct(p)) if p.as_char() == '!')
}

fn is_path_sep(tokens: &[TokenTree], at: usize) -> bool {
    matches!((tokens.get(at), tokens.get(at + 1)),
        (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b))) if a.as_char() == ':' && b.as_char() == ':')
}

/// The path (or paths, through `{..}` lists) starting at `start`, after `prefix`, and the
/// index after it.
fn path_at(tokens: &[TokenTree], start: usize, prefix: Vec<String>) -> (Vec<Vec<String>>, usize) {
    let mut path = prefix;
    let mut i = start;
    while let Some(TokenTree::Ident(id)) = tokens.get(i) {
        path.push(id.to_string());
        i += 1;
        if !is_path_sep(tokens, i) {
            return (vec![path], i);
        }
        i += 2;
        if let Some(TokenTree::Group(g)) = tokens.get(i) {
            if g.delimiter() == Delimiter::Brace {
                let inner: Vec<TokenTree> = g.stream().into_iter().collect();
                let mut paths = Vec::new();
                let mut at = 0;
                while at < inner.len() {
                    if matches!(&inner[at], TokenTree::Ident(_)) {
                        let (more, next) = path_at(&inner, at, path.clone());
                        paths.extend(more);
                        at = next;
                    } else {
                        at += 1;
                    }
                }
                return (paths, i + 1);
            }
        }
    }
    (vec![path], i)
}

/// The module a path leads into: the longest known module its start names.
fn resolve(
    module: &[String],
    path: &[String],
    modules: &BTreeSet<Vec<String>>,
) -> Option<Vec<String>> {
    let mut base: Vec<String> = Vec::new();
    let mut rest = path;
    match rest.first().map(String::as_str) {
        Some("crate") => rest = &rest[1..],
        Some("self") => {
            base = module.to_vec();
            rest = &rest[1..];
        }
        Some("super") => {
            base = module.to_vec();
            while rest.first().is_some_and(|s| s == "super") {
                base.pop();
                rest = &rest[1..];
            }
        }
        _ => return None,
    }
    let mut found = None;
    let mut candidate = base;
    if modules.contains(&candidate) {
        found = Some(candidate.clone());
    }
    for segment in rest {
        candidate.push(segment.clone());
        if modules.contains(&candidate) {
            found = Some(candidate.clone());
        }
    }
    found
}

/// Tarjan's strongly connected components.
fn strongly_connected(
    edges: &BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
) -> Vec<Vec<Vec<String>>> {
    struct State<'g> {
        edges: &'g BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        index: BTreeMap<&'g Vec<String>, usize>,
        low: BTreeMap<&'g Vec<String>, usize>,
        stack: Vec<&'g Vec<String>>,
        on_stack: BTreeSet<&'g Vec<String>>,
        out: Vec<Vec<Vec<String>>>,
    }
    fn visit<'g>(s: &mut State<'g>, v: &'g Vec<String>) {
        let n = s.index.len();
        s.index.insert(v, n);
        s.low.insert(v, n);
        s.stack.push(v);
        s.on_stack.insert(v);
        let edges = s.edges;
        for w in edges.get(v).into_iter().flatten() {
            let Some((w, _)) = edges.get_key_value(w) else {
                continue;
            };
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[w].min(s.low[v]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.index[w].min(s.low[v]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.clone());
                if w == v {
                    break;
                }
            }
            s.out.push(component);
        }
    }
    let mut state = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        out: Vec::new(),
    };
    for v in edges.keys() {
        if !state.index.contains_key(v) {
            visit(&mut state, v);
        }
    }
    state.out
}

#[cfg(test)]
mod tests {
    use super::Graph;

    fn files(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(p, t)| (p.to_string(), t.to_string()))
            .collect()
    }

    #[test]
    fn a_cycle_between_siblings_is_found_and_a_parent_is_not_one() {
        let graph = Graph::of_files(&files(&[
            ("lib.rs", "mod a; mod b; pub struct Shared;"),
            (
                "a/mod.rs",
                "use crate::b::{x, y::Z}; mod inner; fn f() -> crate::Shared { todo!() }",
            ),
            (
                "a/inner.rs",
                "use super::super::Shared; fn g() { super::f(); crate::b::x(); }",
            ),
            ("b.rs", "pub fn x() { crate::a::inner::g(); }"),
        ]))
        .expect("tokenizes");
        let cycles = graph.cycles();
        assert_eq!(cycles.len(), 1, "{cycles:?}");
        let ties = &cycles[0];
        // `a` names `b` too, but only its child is named back; children naming their
        // parent (`super::f`, `super::super::Shared`) are not ties.
        assert_eq!(ties, &["a::inner -> b", "b -> a::inner"], "{ties:?}");
    }

    #[test]
    fn paths_in_quote_and_in_test_modules_of_their_own_are_apart() {
        let graph = Graph::of_files(&files(&[
            ("lib.rs", "mod a; mod b;"),
            (
                "a.rs",
                "fn f() { let t = quote!(super::b::x()); crate::b::y(); }",
            ),
            ("b.rs", "pub fn y() {} mod tests { use crate::a::*; }"),
        ]))
        .expect("tokenizes");
        assert!(graph.cycles().is_empty(), "{:?}", graph.cycles());
    }

    #[test]
    fn this_repository_has_no_import_cycle() {
        let root = crate::workspace::workspace_root();
        for src in super::CRATES {
            let graph = Graph::of_folder(&root.join(src)).expect("the sources read");
            assert!(
                graph.cycles().is_empty(),
                "{src} has modules that depend on each other: {:#?}",
                graph.cycles()
            );
        }
    }
}
