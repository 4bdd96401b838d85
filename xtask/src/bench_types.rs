//! The generated types against their floor: the same types written as plain
//! `#[derive(Serialize, Deserialize)]` items, with no client, no validation, no builders and
//! no open enums. Two figures: `cargo check` of a generated crate after touching its
//! `lib.rs`, and decoding a 10 MB list response with `serde_json::from_slice`.
//!
//! Both sides are written from the same model, so they have the same shape: the same
//! names, fields, options, maps, boxes and unions (a discriminated oneOf becomes serde's
//! internally tagged enum, which is what a hand-written client would use).

use crate::bench_measure::{Row, Spread};
use crate::bench_scratch::{cargo, generate_member, touch, write, write_workspace};
use crate::Failure;
use generator::model::{Api, IntegerKind, StringFormat, TypeDef, TypeId, TypeKind, TypeRef};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

/// The spec whose crate the `cargo check` row builds.
const CHECK_SPEC: &str = "networking-v1";
/// How large the decoded list responses are.
const LIST_BYTES: usize = 10_000_000;

/// Plain derive items of every type in `api`, as one Rust module.
pub fn plain_types(api: &Api) -> String {
    let boxed = api.recursive_edges();
    let mut out = String::from(
        "//! Plain derives of a generated crate's types, the floor of `cargo xtask bench`.\n\
         #![allow(dead_code, clippy::all)]\n\
         use serde::{Deserialize, Serialize};\n\n",
    );
    for (index, def) in api.types.iter().enumerate() {
        plain_item(api, &boxed, TypeId(index), def, &mut out);
    }
    out
}

fn plain_item(
    api: &Api,
    boxed: &BTreeSet<(TypeId, TypeId)>,
    id: TypeId,
    def: &TypeDef,
    out: &mut String,
) {
    let derive = "#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]";
    let name = &def.name;
    let ty = |t: &TypeRef| plain_ref(api, boxed, t, Some(id));
    match &def.kind {
        TypeKind::Struct(s) => {
            let _ = writeln!(out, "{derive}\npub struct {name} {{");
            for f in &s.fields {
                let (inner, nullable) = match &f.ty {
                    TypeRef::Nullable(inner) => (inner.as_ref(), true),
                    other => (other, false),
                };
                let mut attrs = vec![format!("rename = {:?}", f.wire_name)];
                let field_ty = if f.required && !nullable {
                    ty(inner)
                } else {
                    attrs.push("default".into());
                    attrs.push("skip_serializing_if = \"Option::is_none\"".into());
                    format!("Option<{}>", ty(inner))
                };
                let _ = writeln!(
                    out,
                    "    #[serde({})]\n    pub {}: {field_ty},",
                    attrs.join(", "),
                    f.rust_name
                );
            }
            if let (Some(value), Some(field)) = (&s.additional, s.additional_field()) {
                let _ = writeln!(
                    out,
                    "    #[serde(flatten)]\n    pub {field}: std::collections::BTreeMap<String, {}>,",
                    plain_ref(api, boxed, &value.ty, None)
                );
            }
            out.push_str("}\n\n");
        }
        TypeKind::Enum(e) => {
            let _ = writeln!(
                out,
                "#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]\npub enum {name} {{"
            );
            for v in &e.variants {
                let _ = writeln!(
                    out,
                    "    #[serde(rename = {:?})]\n    {},",
                    v.wire_value, v.rust_name
                );
            }
            out.push_str("}\n\n");
        }
        TypeKind::Tagged(t) => {
            let _ = writeln!(
                out,
                "{derive}\n#[serde(tag = {:?})]\npub enum {name} {{",
                t.tag
            );
            for v in &t.variants {
                let _ = writeln!(
                    out,
                    "    #[serde(rename = {:?})]\n    {}({}),",
                    v.tag_value,
                    v.rust_name,
                    ty(&TypeRef::Named(v.ty))
                );
            }
            out.push_str("}\n\n");
        }
        TypeKind::Untagged(u) => {
            let _ = writeln!(out, "{derive}\n#[serde(untagged)]\npub enum {name} {{");
            for v in &u.variants {
                let _ = writeln!(out, "    {}({}),", v.rust_name, ty(&v.ty));
            }
            out.push_str("}\n\n");
        }
        TypeKind::Alias(target) => {
            let _ = writeln!(out, "pub type {name} = {};\n", ty(target));
        }
    }
}

fn plain_ref(
    api: &Api,
    boxed: &BTreeSet<(TypeId, TypeId)>,
    t: &TypeRef,
    from: Option<TypeId>,
) -> String {
    match t {
        TypeRef::String => "String".into(),
        TypeRef::Integer(IntegerKind::I32) => "i32".into(),
        TypeRef::Integer(IntegerKind::I64) => "i64".into(),
        TypeRef::Number => "f64".into(),
        TypeRef::Boolean => "bool".into(),
        TypeRef::Json => "serde_json::Value".into(),
        TypeRef::Bytes | TypeRef::File => "Vec<u8>".into(),
        TypeRef::Array(inner) => format!("Vec<{}>", plain_ref(api, boxed, inner, None)),
        TypeRef::Map(inner) => format!(
            "std::collections::BTreeMap<String, {}>",
            plain_ref(api, boxed, inner, None)
        ),
        TypeRef::Tuple(items) => {
            let items: Vec<String> = items
                .iter()
                .map(|t| plain_ref(api, boxed, t, from))
                .collect();
            format!("({},)", items.join(", "))
        }
        TypeRef::Named(id) => match api.type_def(*id) {
            None => "serde_json::Value".into(),
            Some(def) => match from {
                Some(from) if boxed.contains(&(from, *id)) => format!("Box<{}>", def.name),
                _ => def.name.to_string(),
            },
        },
        TypeRef::Open(inner) => plain_ref(api, boxed, inner, from),
        TypeRef::Nullable(inner) => format!("Option<{}>", plain_ref(api, boxed, inner, from)),
        TypeRef::Format(StringFormat::DateTime) => "chrono::DateTime<chrono::FixedOffset>".into(),
        TypeRef::Format(StringFormat::Date) => "chrono::NaiveDate".into(),
        TypeRef::Format(StringFormat::Uuid) => "uuid::Uuid".into(),
        TypeRef::Format(StringFormat::Url) => "url::Url".into(),
    }
}

/// Writes JSON values of a model's types, with every optional property present (to a
/// depth), so that a decode measures every field. Discriminators are written first, as
/// servers usually write them. Counts the bytes written inside discriminated unions.
struct Sampler<'a> {
    api: &'a Api,
    out: String,
    tagged_bytes: usize,
}

/// Optional properties are written down to this depth, required ones further.
const OPTIONAL_DEPTH: usize = 5;
const MAX_DEPTH: usize = 12;

impl Sampler<'_> {
    fn value(&mut self, t: &TypeRef, depth: usize, pick: usize) {
        match t {
            TypeRef::String => self.out.push_str("\"sample-text-0123456789\""),
            TypeRef::Integer(_) => self.out.push_str("12345"),
            TypeRef::Number => self.out.push_str("12.5"),
            TypeRef::Boolean => self.out.push_str("true"),
            TypeRef::Json => self.out.push_str("{\"key\":\"value\",\"n\":1}"),
            TypeRef::Bytes | TypeRef::File => self.out.push_str("[]"),
            TypeRef::Array(inner) => {
                self.out.push('[');
                if depth < MAX_DEPTH {
                    self.value(inner, depth + 1, pick);
                    self.out.push(',');
                    self.value(inner, depth + 1, pick + 1);
                }
                self.out.push(']');
            }
            TypeRef::Map(inner) => {
                self.out.push('{');
                if depth < MAX_DEPTH {
                    self.out.push_str("\"first\":");
                    self.value(inner, depth + 1, pick);
                    self.out.push_str(",\"second\":");
                    self.value(inner, depth + 1, pick + 1);
                }
                self.out.push('}');
            }
            TypeRef::Tuple(items) => {
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.value(item, depth + 1, pick);
                }
                self.out.push(']');
            }
            TypeRef::Open(inner) | TypeRef::Nullable(inner) => self.value(inner, depth, pick),
            TypeRef::Format(StringFormat::DateTime) => {
                self.out.push_str("\"2024-05-01T12:34:56.789+02:00\"")
            }
            TypeRef::Format(StringFormat::Date) => self.out.push_str("\"2024-05-01\""),
            TypeRef::Format(StringFormat::Uuid) => self
                .out
                .push_str("\"6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f\""),
            TypeRef::Format(StringFormat::Url) => {
                self.out.push_str("\"https://api.example.com/v1/items/42\"")
            }
            TypeRef::Named(id) => self.named(*id, depth, pick, None),
        }
    }

    /// A named type; `tag` is a discriminator to write first when the type is an object.
    fn named(&mut self, id: TypeId, depth: usize, pick: usize, tag: Option<(&str, &str)>) {
        let Some(def) = self.api.type_def(id) else {
            self.out.push_str("null");
            return;
        };
        match &def.kind {
            TypeKind::Struct(s) => {
                self.out.push('{');
                let mut first = true;
                if let Some((name, value)) = tag {
                    let _ = write!(self.out, "{name:?}:{value:?}");
                    first = false;
                }
                for f in &s.fields {
                    if depth >= MAX_DEPTH || (!f.required && depth >= OPTIONAL_DEPTH) {
                        continue;
                    }
                    if !first {
                        self.out.push(',');
                    }
                    first = false;
                    let _ = write!(self.out, "{:?}:", f.wire_name);
                    self.value(&f.ty, depth + 1, pick);
                }
                if let (Some(value), true) = (&s.additional, depth < OPTIONAL_DEPTH) {
                    if !first {
                        self.out.push(',');
                    }
                    self.out.push_str("\"x-extra-property\":");
                    self.value(&value.ty, depth + 1, pick);
                }
                self.out.push('}');
            }
            TypeKind::Enum(e) => match e.variants.get(pick % e.variants.len().max(1)) {
                Some(v) => {
                    let _ = write!(self.out, "{:?}", v.wire_value);
                }
                None => self.out.push_str("\"\""),
            },
            TypeKind::Tagged(t) => match t.variants.get(pick % t.variants.len().max(1)) {
                Some(v) => {
                    let start = self.out.len();
                    self.named(v.ty, depth, pick, Some((&t.tag, &v.tag_value)));
                    self.tagged_bytes += self.out.len() - start;
                }
                None => self.out.push_str("{}"),
            },
            TypeKind::Untagged(u) => match u.variants.first() {
                Some(v) => self.value(&v.ty, depth, pick),
                None => self.out.push_str("null"),
            },
            TypeKind::Alias(target) => self.value(target, depth, pick),
        }
    }
}

/// A list response type of a spec: the type an operation that pages returns, and its
/// items' field.
struct ListType {
    spec: String,
    list: TypeId,
    name: String,
    data_field: String,
    item: TypeRef,
    item_bytes: usize,
    tagged_share: f64,
}

fn list_types(spec: &str, api: &Api) -> Vec<ListType> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for op in &api.operations {
        let (Some(paging), Some(TypeRef::Named(list))) =
            (&op.findings.pagination, &op.success.body)
        else {
            continue;
        };
        // A list field of the body, one level down (the bench's lists are Confluent's).
        let [data] = paging.items.as_slice() else {
            continue;
        };
        if !seen.insert(*list) {
            continue;
        }
        let Some(def) = api.type_def(*list) else {
            continue;
        };
        let mut sampler = Sampler {
            api,
            out: String::new(),
            tagged_bytes: 0,
        };
        // A few items, so that every variant of a union is seen.
        for pick in 0..4 {
            sampler.value(&paging.item, 1, pick);
        }
        out.push(ListType {
            spec: spec.to_string(),
            list: *list,
            name: def.name.to_string(),
            data_field: data.field.to_string(),
            item: paging.item.clone(),
            item_bytes: sampler.out.len() / 4,
            tagged_share: sampler.tagged_bytes as f64 / sampler.out.len().max(1) as f64,
        });
    }
    out
}

/// A list response of about `LIST_BYTES`: the list type's own properties, and items.
fn list_document(api: &Api, list: &ListType) -> String {
    let mut sampler = Sampler {
        api,
        out: String::with_capacity(LIST_BYTES + 100_000),
        tagged_bytes: 0,
    };
    sampler.out.push('{');
    let mut first = true;
    if let Some(TypeKind::Struct(s)) = api.type_def(list.list).map(|d| &d.kind) {
        for f in s.fields.iter().filter(|f| f.wire_name != list.data_field) {
            if !first {
                sampler.out.push(',');
            }
            first = false;
            let _ = write!(sampler.out, "{:?}:", f.wire_name);
            sampler.value(&f.ty, 1, 0);
        }
    }
    if !first {
        sampler.out.push(',');
    }
    let _ = write!(sampler.out, "{:?}:[", list.data_field);
    let mut pick = 0;
    while sampler.out.len() < LIST_BYTES {
        if pick > 0 {
            sampler.out.push(',');
        }
        sampler.value(&list.item, 2, pick);
        pick += 1;
    }
    sampler.out.push_str("]}");
    sampler.out
}

/// The `cargo check` row and the two decode rows.
pub fn rows(corpus: &Path, runs: usize) -> Result<Vec<Row>, Failure> {
    let root = crate::workspace::workspace_root();
    let scratch = root.join("target/bench-types");
    let _ = std::fs::remove_dir_all(scratch.join("crates"));
    let mut models = Vec::new();
    for path in crate::bench_measure::spec_paths(corpus)? {
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Failure::Io(format!("cannot read {}: {e}", path.display())))?;
        let (api, _) = generator::resolve_model(&text)
            .map_err(|_| Failure::Io(format!("{name} does not resolve")))?;
        models.push((name, text, api));
    }
    let lists: Vec<ListType> = models
        .iter()
        .flat_map(|(name, _, api)| list_types(name, api))
        .collect();
    let largest = lists
        .iter()
        .max_by_key(|l| l.item_bytes)
        .ok_or_else(|| Failure::Io("no list operation in the corpus".into()))?;
    let tagged = lists
        .iter()
        .filter(|l| l.tagged_share > 0.0)
        .max_by(|a, b| a.tagged_share.total_cmp(&b.tagged_share))
        .ok_or_else(|| Failure::Io("no list of discriminated unions in the corpus".into()))?;
    let model = |spec: &str| {
        models
            .iter()
            .find(|(name, _, _)| name == spec)
            .ok_or_else(|| Failure::Io(format!("{spec} is not in the corpus")))
    };

    // The scratch workspace: the generated crate and its plain twin for the check row,
    // types-only crates and plain twins of the listed specs, and a decoding program.
    let mut members = Vec::new();
    let write_plain = |spec: &str, members: &mut Vec<String>| -> Result<(), Failure> {
        let dir = scratch.join("crates").join(format!("plain-{spec}"));
        if dir.exists() {
            return Ok(());
        }
        let (_, _, api) = model(spec)?;
        write(&dir.join("src/lib.rs"), &plain_types(api))?;
        write(
            &dir.join("Cargo.toml"),
            &format!(
                "[package]\nname = \"plain-{spec}\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
                 [dependencies]\nserde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\n\
                 chrono = {{ version = \"0.4\", default-features = false, features = [\"serde\", \"std\"] }}\n\
                 uuid = {{ version = \"1\", default-features = false, features = [\"serde\", \"std\"] }}\n\
                 url = {{ version = \"2\", features = [\"serde\"] }}\n"
            ),
        )?;
        members.push(format!("crates/plain-{spec}"));
        Ok(())
    };
    let generate = |spec: &str, crate_name: &str, types_only: bool| -> Result<(), Failure> {
        let (_, text, _) = model(spec)?;
        generate_member(&scratch, spec, text, crate_name, types_only)
    };
    generate(CHECK_SPEC, &format!("gen-{CHECK_SPEC}"), false)?;
    members.push(format!("crates/gen-{CHECK_SPEC}"));
    write_plain(CHECK_SPEC, &mut members)?;
    let decoded = [("largest list", largest), ("list of tagged unions", tagged)];
    let mut decode_rows = String::new();
    let mut decode_deps = BTreeSet::new();
    for (label, list) in decoded {
        let types_crate = format!("types-{}", list.spec);
        if decode_deps.insert(types_crate.clone()) {
            generate(&list.spec, &types_crate, true)?;
            members.push(format!("crates/{types_crate}"));
        }
        write_plain(&list.spec, &mut members)?;
        decode_deps.insert(format!("plain-{}", list.spec));
        let (_, _, api) = model(&list.spec)?;
        let file = scratch.join(format!("{}.json", list.name));
        write(&file, &list_document(api, list))?;
        let label = format!(
            "{label}: {} ({}, {:.0}% of an item in unions)",
            list.name,
            list.spec,
            list.tagged_share * 100.0
        );
        let _ = writeln!(
            decode_rows,
            "    row::<{}::types::{name}, {}::{name}>({label:?}, {:?}, runs);",
            types_crate.replace('-', "_"),
            format!("plain-{}", list.spec).replace('-', "_"),
            file.display(),
            name = list.name,
        );
    }
    let decode_deps: String = decode_deps
        .iter()
        .map(|c| format!("{c} = {{ path = \"../crates/{c}\" }}\n"))
        .collect();
    write(
        &scratch.join("decode/Cargo.toml"),
        &format!(
            "[package]\nname = \"bench-decode\"\nversion = \"0.1.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dependencies]\nserde = \"1\"\nserde_json = \"1\"\n{decode_deps}"
        ),
    )?;
    write(
        &scratch.join("decode/src/main.rs"),
        &DECODE_MAIN.replace("    // ROWS\n", &decode_rows),
    )?;
    members.push("decode".into());
    members.sort();
    members.dedup();
    write_workspace(&scratch, &members, "\n[profile.release]\ndebug = 1\n")?;
    let target = scratch.join("target");

    // Decoding: a release build of the program, which prints a line a row.
    cargo(
        &scratch,
        &target,
        &["build", "--release", "--quiet", "-p", "bench-decode"],
    )?;
    let output = Command::new(target.join("release/bench-decode"))
        .arg(runs.max(1).to_string())
        // The C allocator gives freed memory back to the system, or keeps it, depending on
        // how the heap happens to lie after the previous decode; the next decode then pays
        // for page faults, or not, by chance (a tenth of its time either way). Keeping
        // freed memory and serving large blocks from the heap takes that chance out, for
        // both sides alike.
        .env("MALLOC_TRIM_THRESHOLD_", "4294967296")
        .env("MALLOC_MMAP_THRESHOLD_", "33554432")
        .output()
        .map_err(|e| Failure::Io(format!("cannot run the decode program: {e}")))?;
    if !output.status.success() {
        return Err(Failure::Io(format!(
            "the decode program failed: {}",
            String::from_utf8_lossy(&output.stderr)
        )));
    }
    let mut rows = Vec::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let parts: Vec<&str> = line.split('\t').collect();
        let [label, ours_fast, ours_median, floor_fast, floor_median, ours_allocs, floor_allocs] =
            parts[..]
        else {
            return Err(Failure::Io(format!("unexpected decode output: {line}")));
        };
        let number = |s: &str| -> Result<f64, Failure> {
            s.parse()
                .map_err(|_| Failure::Io(format!("unexpected decode output: {line}")))
        };
        rows.push(Row {
            figure: format!("decode 10 MB, {label}"),
            floor: "serde_json into plain derives".into(),
            ours: Spread::millis(number(ours_fast)?, number(ours_median)?),
            base: Some(Spread::millis(number(floor_fast)?, number(floor_median)?)),
            target: Some(1.2),
            note: format!(
                "allocations per decode: {} vs {}",
                ours_allocs, floor_allocs
            ),
        });
    }

    // `cargo check` after touching lib.rs, the generated crate and its twin in turn.
    let gen = format!("gen-{CHECK_SPEC}");
    let plain = format!("plain-{CHECK_SPEC}");
    // Each package is checked alone once first: checked together, their dependencies'
    // features unify differently, and the first lone check would build them again.
    for package in [&gen, &plain] {
        cargo(&scratch, &target, &["check", "--quiet", "-p", package])?;
    }
    let mut ours = Vec::new();
    let mut base = Vec::new();
    for _ in 0..runs.max(1) {
        for (package, times) in [(&gen, &mut ours), (&plain, &mut base)] {
            touch(&scratch.join("crates").join(package).join("src/lib.rs"))?;
            let start = Instant::now();
            cargo(&scratch, &target, &["check", "--quiet", "-p", package])?;
            times.push(start.elapsed());
        }
    }
    let lines = |package: &str| {
        crate::bench_measure::rust_lines(&scratch.join("crates").join(package).join("src"))
    };
    rows.insert(
        0,
        Row {
            figure: format!("cargo check {CHECK_SPEC} after touching lib.rs"),
            floor: "plain derives, no client".into(),
            ours: Spread::of(ours),
            base: Some(Spread::of(base)),
            target: Some(1.5),
            note: format!("{} lines vs {} lines of Rust", lines(&gen), lines(&plain)),
        },
    );
    // Gigabytes of build output that nothing else uses.
    let _ = std::fs::remove_dir_all(&scratch);
    Ok(rows)
}

/// The decoding program: each row decodes one file into the generated type and into its
/// plain twin, alternately, and prints fastest and median milliseconds and allocations.
const DECODE_MAIN: &str = r#"use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

struct Counting;
static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn decode<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> (Duration, u64) {
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    let start = Instant::now();
    let value = serde_json::from_slice::<T>(bytes);
    let elapsed = start.elapsed();
    let allocations = ALLOCATIONS.load(Ordering::Relaxed) - before;
    if let Err(e) = &value {
        eprintln!("{} does not decode: {e}", std::any::type_name::<T>());
        std::process::exit(1);
    }
    drop(std::hint::black_box(value));
    (elapsed, allocations)
}

fn row<Ours: serde::de::DeserializeOwned, Plain: serde::de::DeserializeOwned>(
    label: &str,
    file: &str,
    runs: usize,
) {
    let bytes = match std::fs::read(file) {
        Ok(bytes) => bytes,
        Err(e) => {
            eprintln!("cannot read {file}: {e}");
            std::process::exit(1);
        }
    };
    let (mut ours, mut plain) = (Vec::new(), Vec::new());
    let (mut ours_allocations, mut plain_allocations) = (0, 0);
    for _ in 0..runs {
        let (t, a) = decode::<Ours>(&bytes);
        ours.push(t);
        ours_allocations = a;
        let (t, a) = decode::<Plain>(&bytes);
        plain.push(t);
        plain_allocations = a;
    }
    ours.sort();
    plain.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{label}\t{}\t{}\t{}\t{}\t{ours_allocations}\t{plain_allocations}",
        ms(ours[0]),
        ms(ours[ours.len() / 2]),
        ms(plain[0]),
        ms(plain[plain.len() / 2]),
    );
}

fn main() {
    let runs: usize = std::env::args().nth(1).and_then(|r| r.parse().ok()).unwrap_or(5);
    // ROWS
}
"#;

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r##"
openapi: 3.0.3
info: {title: Shapes, version: "1"}
paths:
  /shapes:
    get:
      operationId: listShapes
      parameters:
        - {name: page_token, in: query, schema: {type: string}}
      responses:
        "200":
          description: A page of shapes.
          content:
            application/json:
              schema: {$ref: "#/components/schemas/ShapeList"}
components:
  schemas:
    ShapeList:
      type: object
      required: [data]
      properties:
        metadata:
          type: object
          properties:
            next: {type: string}
        data:
          type: array
          items: {$ref: "#/components/schemas/Shape"}
    Shape:
      type: object
      properties:
        id: {type: string}
        created: {type: string, format: date-time}
        outline:
          oneOf:
            - $ref: "#/components/schemas/Circle"
            - $ref: "#/components/schemas/Square"
          discriminator:
            propertyName: kind
            mapping:
              circle: "#/components/schemas/Circle"
              square: "#/components/schemas/Square"
        parent: {$ref: "#/components/schemas/Node"}
    Circle:
      type: object
      required: [radius]
      properties:
        radius: {type: number}
    Square:
      type: object
      required: [side]
      properties:
        side: {type: integer}
    Node:
      type: object
      properties:
        label: {type: string}
        next: {$ref: "#/components/schemas/Node"}
"##;

    #[test]
    fn plain_twins_have_the_shape_of_the_generated_types() {
        let (api, _) = generator::resolve_model(SPEC).expect("the spec resolves");
        let plain = plain_types(&api);
        // A discriminated oneOf is serde's internally tagged enum.
        assert!(plain.contains("#[serde(tag = \"kind\")]"), "{plain}");
        assert!(plain.contains("#[serde(rename = \"circle\")]"), "{plain}");
        // A type that holds itself by value is boxed, as in the generated crate.
        assert!(plain.contains("Option<Box<Node>>"), "{plain}");
        assert!(
            plain.contains("chrono::DateTime<chrono::FixedOffset>"),
            "{plain}"
        );
        // What the generated crate adds is absent.
        assert!(
            !plain.contains("garde") && !plain.contains("Open<"),
            "{plain}"
        );
    }

    #[test]
    fn list_documents_are_large_json_with_the_tag_first() {
        let (api, _) = generator::resolve_model(SPEC).expect("the spec resolves");
        let lists = list_types("shapes", &api);
        let [list] = &lists[..] else {
            panic!("one list type expected, found {}", lists.len());
        };
        assert_eq!(list.name, "ShapeList");
        assert!(list.tagged_share > 0.0 && list.tagged_share < 1.0);
        let document = list_document(&api, list);
        assert!(document.len() >= LIST_BYTES);
        let value: serde_json::Value = serde_json::from_str(&document).expect("valid JSON");
        let items = value["data"].as_array().expect("a data list");
        // Items take turns among the union's variants, each object with its tag first.
        let outlines: Vec<&str> = items[..2]
            .iter()
            .map(|item| item["outline"]["kind"].as_str().unwrap_or_default())
            .collect();
        assert_eq!(outlines, ["circle", "square"]);
        assert!(document.contains("\"outline\":{\"kind\":\"circle\",\"radius\":12.5}"));
    }
}
