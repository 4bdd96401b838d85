//! What a spec change does to the public Rust API of the generated crate: operations,
//! types, fields, variants, and the conversions and defaults of types added, removed or
//! changed, with the changes that break callers marked, and the semver bump they call for.
//!
//! Two models are compared by the Rust names the naming pass gave them, so a report speaks
//! of what users write (`Client::list_environments`, `Environment::display_name`), not of
//! the spec's pointers. Documentation changes are not reported.

use crate::model::{Api, Operation, TypeId, TypeKind, TypeRef};
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// One change to the public API.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// Whether code that compiled against the old crate may no longer compile.
    pub breaking: bool,
    /// What changed, e.g. "removed field `Environment::display_name`".
    pub what: String,
    /// Why it breaks, or what it was before.
    pub detail: Option<String>,
}

/// The changes between two versions of a generated crate's API, in a stable order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiDiff {
    pub changes: Vec<Change>,
}

/// Why adding a public field to a struct breaks callers, said once.
const NEW_FIELD: &str =
    "a struct literal that does not end in `..Default::default()` (or `..`) must name it";

impl ApiDiff {
    /// The version bump the changes call for: `major` when any breaks callers, `minor` when
    /// the API grew, `patch` otherwise (the crate's behaviour may still have changed).
    pub fn semver(&self) -> &'static str {
        if self.changes.iter().any(|c| c.breaking) {
            "major"
        } else if !self.changes.is_empty() {
            "minor"
        } else {
            "patch"
        }
    }

    /// The report as Markdown, for a pull request's description or a terminal.
    pub fn to_markdown(&self, crate_name: &str) -> String {
        let breaking: Vec<&Change> = self.changes.iter().filter(|c| c.breaking).collect();
        let other: Vec<&Change> = self.changes.iter().filter(|c| !c.breaking).collect();
        let mut out = format!("### `{crate_name}`\n\n");
        if self.changes.is_empty() {
            out.push_str("No change to the public Rust API (semver: patch).\n");
            return out;
        }
        let _ = writeln!(
            out,
            "Semver: **{}** ({} breaking, {} compatible).\n",
            self.semver(),
            breaking.len(),
            other.len()
        );
        for (title, changes) in [("Breaking", breaking), ("Compatible", other)] {
            if changes.is_empty() {
                continue;
            }
            let _ = writeln!(out, "{title}:\n");
            for c in changes {
                match &c.detail {
                    Some(detail) => {
                        let _ = writeln!(out, "- {}: {detail}", c.what);
                    }
                    None => {
                        let _ = writeln!(out, "- {}", c.what);
                    }
                }
            }
            out.push('\n');
        }
        out
    }
}

/// Compares the API generated from `old` with the one generated from `new`.
pub fn diff(old: &Api, new: &Api) -> ApiDiff {
    let mut changes = Vec::new();
    let mut change = |breaking: bool, what: String, detail: Option<String>| {
        changes.push(Change {
            breaking,
            what,
            detail,
        })
    };

    let old_ops = operations(old);
    let new_ops = operations(new);
    for (name, op) in &old_ops {
        if !new_ops.contains_key(name) {
            change(
                true,
                format!("removed operation `Client::{name}`"),
                Some(route(op)),
            );
        }
    }
    for (name, op) in &new_ops {
        let Some(before) = old_ops.get(name) else {
            change(
                false,
                format!("added operation `Client::{name}`"),
                Some(route(op)),
            );
            continue;
        };
        compare_operation(old, before, new, op, &mut change);
    }

    let old_types = types(old);
    let new_types = types(new);
    for (name, (_, def)) in &old_types {
        if !new_types.contains_key(name) {
            change(
                true,
                format!("removed type `{name}`"),
                merged_into(new, &def.origin),
            );
        }
    }
    for (name, (id, def)) in &new_types {
        let Some((before_id, before)) = old_types.get(name) else {
            change(false, format!("added type `{name}`"), None);
            continue;
        };
        compare_type(name, old, &before.kind, new, &def.kind, &mut change);
        compare_constructor(name, before, def, &mut change);
        compare_impls(name, (old, *before_id), (new, *id), &mut change);
    }

    let hooks = |api: &Api| -> BTreeMap<String, String> {
        api.webhooks
            .iter()
            .map(|w| {
                let body = w
                    .body
                    .as_ref()
                    .map(|b| type_name(api, &b.ty))
                    .unwrap_or_default();
                (w.function_name.to_string(), body)
            })
            .collect()
    };
    let (old_hooks, new_hooks) = (hooks(old), hooks(new));
    for (name, body) in &old_hooks {
        match new_hooks.get(name) {
            None => change(
                true,
                format!("removed webhook decoder `webhooks::{name}`"),
                None,
            ),
            Some(now) if now != body => change(
                true,
                format!("changed webhook decoder `webhooks::{name}`"),
                Some(format!("decodes `{now}`, was `{body}`")),
            ),
            Some(_) => {}
        }
    }
    for name in new_hooks.keys() {
        if !old_hooks.contains_key(name) {
            change(
                false,
                format!("added webhook decoder `webhooks::{name}`"),
                None,
            );
        }
    }

    // Breaking first, then by what changed, so the order does not depend on the spec's.
    changes.sort_by(|a, b| (!a.breaking, &a.what).cmp(&(!b.breaking, &b.what)));
    changes.dedup();
    ApiDiff { changes }
}

/// Where the type of a schema went when it was folded into the type of the same schema
/// written elsewhere.
fn merged_into(new: &Api, origin: &str) -> Option<String> {
    let (_, into) = new.merged_types.iter().find(|(from, _)| from == origin)?;
    let kept = new.types.iter().find(|t| t.origin == *into)?;
    Some(format!(
        "the same schema is written elsewhere; both places are now the type `{}`",
        kept.name
    ))
}

fn operations(api: &Api) -> BTreeMap<String, &Operation> {
    api.operations
        .iter()
        .map(|op| (op.names.method.to_string(), op))
        .collect()
}

fn types(api: &Api) -> BTreeMap<String, (TypeId, &crate::model::TypeDef)> {
    api.types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.to_string(), (TypeId(i), t)))
        .collect()
}

/// Conversions and defaults a type gained or lost: a lost one breaks the code that used
/// it; a gained one is compatible.
fn compare_impls(
    name: &str,
    (old, old_id): (&Api, TypeId),
    (new, new_id): (&Api, TypeId),
    change: &mut impl FnMut(bool, String, Option<String>),
) {
    let before = crate::render::extra_impls(old, old_id);
    let after = crate::render::extra_impls(new, new_id);
    for gone in before.iter().filter(|i| !after.contains(i)) {
        change(
            true,
            format!("removed `impl {gone} for {name}`"),
            Some("code that converts with it or builds a default no longer compiles".into()),
        );
    }
    for added in after.iter().filter(|i| !before.contains(i)) {
        change(false, format!("added `impl {added} for {name}`"), None);
    }
}

fn route(op: &Operation) -> String {
    format!("`{} {}`", op.http_method.as_str(), op.path)
}

/// The Rust type a reference is written as, without module paths.
fn type_name(api: &Api, ty: &TypeRef) -> String {
    crate::render::type_name(api, ty)
}

/// An operation's arguments (path and required parameters, then the body), its optional
/// parameters (fields of its params struct), and what it returns.
struct Signature {
    arguments: Vec<(String, String)>,
    optional: BTreeMap<String, String>,
    returns: String,
    error: String,
    /// The typed response headers (`H` of `ApiResponse<T, H>`).
    headers: String,
    stream: Option<String>,
    pages: Option<String>,
    byte_stream: Option<String>,
    events: Option<String>,
    upload: Option<String>,
}

fn signature(api: &Api, op: &Operation) -> Signature {
    let mut arguments = Vec::new();
    let mut optional = BTreeMap::new();
    for p in &op.parameters {
        let ty = type_name(api, &p.ty);
        if p.is_positional() {
            arguments.push((p.rust_name.to_string(), ty));
        } else {
            optional.insert(p.rust_name.to_string(), ty);
        }
    }
    if let Some(body) = &op.request_body {
        arguments.push((op.names.body.to_string(), type_name(api, &body.ty)));
    }
    Signature {
        arguments,
        optional,
        returns: op
            .success
            .body
            .as_ref()
            .map(|b| type_name(api, b))
            .unwrap_or_else(|| "()".into()),
        error: type_name(api, &op.error_body),
        headers: op
            .success
            .headers
            .and_then(|h| api.header_sets.get(h.0))
            .map(|set| set.name.to_string())
            .unwrap_or_else(|| "()".into()),
        stream: op
            .findings
            .pagination
            .as_ref()
            .map(|p| p.names.items.to_string()),
        pages: op
            .findings
            .pagination
            .as_ref()
            .map(|p| p.names.pages.to_string()),
        byte_stream: op.names.streaming.as_ref().map(ToString::to_string),
        events: op.names.events.as_ref().map(ToString::to_string),
        upload: op.names.upload.as_ref().map(ToString::to_string),
    }
}

fn compare_operation(
    old_api: &Api,
    old: &Operation,
    new_api: &Api,
    new: &Operation,
    change: &mut impl FnMut(bool, String, Option<String>),
) {
    let name = &new.names.method;
    let (before, after) = (signature(old_api, old), signature(new_api, new));
    if before.arguments != after.arguments {
        let list = |args: &[(String, String)]| {
            args.iter()
                .map(|(n, t)| format!("{n}: {t}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        change(
            true,
            format!("changed the arguments of `Client::{name}`"),
            Some(format!(
                "`({})`, was `({})`",
                list(&after.arguments),
                list(&before.arguments)
            )),
        );
    }
    let params = &new.names.params_type;
    for (field, ty) in &before.optional {
        match after.optional.get(field) {
            None => change(
                true,
                format!("removed optional parameter `{params}::{field}`"),
                None,
            ),
            Some(now) if now != ty => change(
                true,
                format!("changed optional parameter `{params}::{field}`"),
                Some(format!("`Option<{now}>`, was `Option<{ty}>`")),
            ),
            Some(_) => {}
        }
    }
    for field in after.optional.keys() {
        if !before.optional.contains_key(field) {
            change(
                true,
                format!("added optional parameter `{params}::{field}`"),
                Some(NEW_FIELD.into()),
            );
        }
    }
    if before.returns != after.returns {
        change(
            true,
            format!("changed what `Client::{name}` returns"),
            Some(format!("`{}`, was `{}`", after.returns, before.returns)),
        );
    }
    if before.error != after.error {
        change(
            true,
            format!("changed the error body of `Client::{name}`"),
            Some(format!("`{}`, was `{}`", after.error, before.error)),
        );
    }
    if before.headers != after.headers {
        change(
            true,
            format!("changed the response headers of `Client::{name}`"),
            Some(format!("`{}`, was `{}`", after.headers, before.headers)),
        );
    }
    for (kind, was, now) in [
        ("paging stream", &before.stream, &after.stream),
        ("pages stream", &before.pages, &after.pages),
        (
            "streaming download",
            &before.byte_stream,
            &after.byte_stream,
        ),
        ("event stream", &before.events, &after.events),
        ("multipart upload", &before.upload, &after.upload),
    ] {
        match (was, now) {
            (Some(s), None) => change(true, format!("removed {kind} `Client::{s}`"), None),
            (None, Some(s)) => change(false, format!("added {kind} `Client::{s}`"), None),
            (Some(a), Some(b)) if a != b => change(
                true,
                format!("renamed {kind} `Client::{a}`"),
                Some(format!("now `Client::{b}`")),
            ),
            _ => {}
        }
    }
    if old.http_method != new.http_method || old.path != new.path {
        // The Rust signature may be the same, but the call goes somewhere else.
        change(
            true,
            format!("changed the route of `Client::{name}`"),
            Some(format!("{}, was {}", route(new), route(old))),
        );
    }
}

fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct(_) => "struct",
        TypeKind::Enum(_) => "enum",
        TypeKind::Tagged(_) => "enum (tagged)",
        TypeKind::Untagged(_) => "enum (untagged)",
        TypeKind::Alias(_) => "type alias",
    }
}

fn compare_type(
    name: &str,
    old_api: &Api,
    old: &TypeKind,
    new_api: &Api,
    new: &TypeKind,
    change: &mut impl FnMut(bool, String, Option<String>),
) {
    match (old, new) {
        (TypeKind::Struct(a), TypeKind::Struct(b)) => {
            let fields =
                |api: &Api, s: &crate::model::StructDef| -> BTreeMap<String, (String, bool)> {
                    s.fields
                        .iter()
                        .map(|f| (f.rust_name.to_string(), (type_name(api, &f.ty), f.required)))
                        .collect()
                };
            let (before, after) = (fields(old_api, a), fields(new_api, b));
            let shown = |(ty, required): &(String, bool)| {
                if *required {
                    format!("`{ty}`")
                } else {
                    format!("`Option<{ty}>`")
                }
            };
            for (field, was) in &before {
                match after.get(field) {
                    None => change(true, format!("removed field `{name}::{field}`"), None),
                    Some(now) if now != was => change(
                        true,
                        format!("changed field `{name}::{field}`"),
                        Some(format!("{}, was {}", shown(now), shown(was))),
                    ),
                    Some(_) => {}
                }
            }
            for (field, now) in &after {
                if !before.contains_key(field) {
                    let why = if now.1 {
                        format!("required, {}; {NEW_FIELD}", shown(now))
                    } else {
                        format!("optional, {}; {NEW_FIELD}", shown(now))
                    };
                    change(true, format!("added field `{name}::{field}`"), Some(why));
                }
            }
            let extra = |api: &Api, s: &crate::model::StructDef| {
                s.additional.as_ref().map(|a| type_name(api, &a.ty))
            };
            if extra(old_api, a) != extra(new_api, b) {
                change(
                    true,
                    format!("changed the additional properties of `{name}`"),
                    None,
                );
            }
        }
        (TypeKind::Enum(a), TypeKind::Enum(b)) => {
            let variants = |e: &crate::model::EnumDef| -> Vec<String> {
                e.variants.iter().map(|v| v.rust_name.to_string()).collect()
            };
            compare_variants(name, &variants(a), &variants(b), change);
        }
        (TypeKind::Tagged(a), TypeKind::Tagged(b)) => {
            let variants = |api: &Api, t: &crate::model::TaggedDef| -> Vec<String> {
                t.variants
                    .iter()
                    .map(|v| format!("{}({})", v.rust_name, type_name(api, &TypeRef::Named(v.ty))))
                    .collect()
            };
            compare_variants(name, &variants(old_api, a), &variants(new_api, b), change);
            if a.tag != b.tag {
                change(
                    false,
                    format!("changed the tag property of `{name}`"),
                    Some(format!("`{}`, was `{}`", b.tag, a.tag)),
                );
            }
        }
        (TypeKind::Untagged(a), TypeKind::Untagged(b)) => {
            let variants = |api: &Api, u: &crate::model::UntaggedDef| -> Vec<String> {
                u.variants
                    .iter()
                    .map(|v| format!("{}({})", v.rust_name, type_name(api, &v.ty)))
                    .collect()
            };
            compare_variants(name, &variants(old_api, a), &variants(new_api, b), change);
        }
        (TypeKind::Alias(a), TypeKind::Alias(b)) => {
            let (was, now) = (type_name(old_api, a), type_name(new_api, b));
            if was != now {
                change(
                    true,
                    format!("changed type alias `{name}`"),
                    Some(format!("`{now}`, was `{was}`")),
                );
            }
        }
        _ => change(
            true,
            format!("changed type `{name}`"),
            Some(format!("a {}, was a {}", kind_name(new), kind_name(old))),
        ),
    }
}

/// The constructor and setters of a request type: `new` takes the required properties in
/// the spec's order, so a new order is a break even when the fields are the same (two
/// string arguments could swap silently).
fn compare_constructor(
    name: &str,
    old: &crate::model::TypeDef,
    new: &crate::model::TypeDef,
    change: &mut impl FnMut(bool, String, Option<String>),
) {
    let arguments = |def: &crate::model::TypeDef| -> Option<Vec<String>> {
        let TypeKind::Struct(s) = &def.kind else {
            return None;
        };
        def.validated.then(|| {
            s.fields
                .iter()
                .filter(|f| f.required)
                .map(|f| f.rust_name.to_string())
                .collect()
        })
    };
    match (arguments(old), arguments(new)) {
        (Some(_), None) => change(
            true,
            format!("removed the builder of `{name}` (`new` and `with_` methods)"),
            Some("the type is no longer sent in a request".into()),
        ),
        (None, Some(_)) => change(
            false,
            format!("added a builder to `{name}` (`new` and `with_` methods)"),
            None,
        ),
        (Some(a), Some(b)) if a != b => change(
            true,
            format!("changed the arguments of `{name}::new`"),
            Some(format!("`({})`, was `({})`", b.join(", "), a.join(", "))),
        ),
        _ => {}
    }
}

/// Variants of an exhaustive enum: adding one breaks every `match` without a wildcard.
fn compare_variants(
    name: &str,
    before: &[String],
    after: &[String],
    change: &mut impl FnMut(bool, String, Option<String>),
) {
    for v in before {
        if !after.contains(v) {
            change(true, format!("removed variant `{name}::{v}`"), None);
        }
    }
    for v in after {
        if !before.contains(v) {
            change(
                true,
                format!("added variant `{name}::{v}`"),
                Some("a `match` without a wildcard arm must handle it".into()),
            );
        }
    }
}
