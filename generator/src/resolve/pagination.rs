//! Finds list operations whose pages can be followed, in each way public APIs page:
//!
//! - a cursor parameter and the next cursor in the body (`cursor`/`next_cursor`,
//!   `page_token`/`next_page_token`, `marker`/`next_marker`, `pageToken`/`nextPageToken`),
//!   or a URL in the body that carries it (Confluent's `page_token` and `metadata.next`);
//! - `after`/`starting_after` with the last item's id while `has_more` is true;
//! - the next page's URL in the body (`next`, `links.next`, `_links.next.href`,
//!   `@odata.nextLink`, `nextLink`);
//! - a `Link: <…>; rel="next"` response header (RFC 8288);
//! - an `offset` (or a `page` number beside a page size) until a page is empty or the
//!   body's total is reached.
//!
//! The spec can say it where names cannot: `x-pagination` on the operation (see
//! [`declared`]), which also turns paging off, and Azure's `x-ms-pageable`. Recognition
//! wants every part it names (an optional parameter of the right type, a list in the body,
//! the field that leads on): when in doubt there is no stream, and a note says why.

use crate::model::Unnamed;
use crate::model::{
    Api, Field, FieldStep, Operation, Pagination, PagingStyle, ParameterLocation, TypeId, TypeKind,
    TypeRef,
};
use serde_json::Value;

/// How the operation's pages are followed, or why one that looks like a list (or that the
/// spec says pages) is not: `(None, None)` for an operation that is no list.
pub(super) fn paging_of(
    api: &Api<Unnamed, ()>,
    op: &Operation<Unnamed, ()>,
    raw: &Value,
) -> (Option<Pagination<Unnamed>>, Option<String>) {
    let node = raw.pointer(&op.origin);
    let found = match declared(api, op, node) {
        Some(Ok(found)) => found,
        Some(Err(why)) => return (None, Some(why)),
        None => match recognized(api, op) {
            Ok(found) => found,
            Err(why) => return (None, why),
        },
    };
    let Some((item, items, style, is_declared)) = found else {
        let turned_off = node
            .is_some_and(|n| n.get("x-pagination").is_some() || n.get("x-ms-pageable").is_some());
        return (
            None,
            turned_off.then(|| "does not page: the spec says so".into()),
        );
    };
    let pagination = Pagination {
        names: (),
        item,
        items,
        style,
        declared: is_declared,
    };
    (Some(pagination), None)
}

/// The item type, where the list is, the style, and whether the spec declared it.
type Found = Option<(TypeRef, Vec<FieldStep<Unnamed>>, PagingStyle<Unnamed>, bool)>;

/// Paging the spec declares. `x-pagination` (on the operation, written there or by an
/// overlay):
///
/// ```yaml
/// x-pagination:
///   style: cursor        # cursor | after | next-url | link | offset | page | none
///   param: page_token    # the query parameter that takes the cursor, id, offset or page
///   next: meta.next      # cursor: the body field with the next cursor (dotted path);
///                        # next-url: the body field with the next page's URL
///   items: data          # the list in the body (dotted path; absent: the body is one)
///   has_more: has_more   # after: the flag that says more pages follow
///   total: total         # offset, page: the body's total count (optional)
/// ```
///
/// `style: none` (or `x-pagination: false`) turns paging off. Azure's `x-ms-pageable`
/// (`nextLinkName`, `itemName`) is read as `next-url`. `None` when the spec says nothing;
/// `Err` when what it says cannot be followed, with why.
fn declared(
    api: &Api<Unnamed, ()>,
    op: &Operation<Unnamed, ()>,
    node: Option<&Value>,
) -> Option<Result<Found, String>> {
    let node = node?;
    if let Some(spec) = node.get("x-pagination") {
        return Some(declared_pagination(api, op, spec));
    }
    let pageable = node.get("x-ms-pageable")?;
    let next = pageable.get("nextLinkName").and_then(Value::as_str);
    let Some(next) = next else {
        // `nextLinkName: null`: one page holds everything.
        return Some(Ok(None));
    };
    let items = pageable
        .get("itemName")
        .and_then(Value::as_str)
        .unwrap_or("value");
    let spec = serde_json::json!({"style": "next-url", "next": next, "items": items});
    Some(declared_pagination(api, op, &spec))
}

fn declared_pagination(
    api: &Api<Unnamed, ()>,
    op: &Operation<Unnamed, ()>,
    spec: &Value,
) -> Result<Found, String> {
    if spec == &Value::Bool(false) {
        return Ok(None);
    }
    let text = |key: &str| spec.get(key).and_then(Value::as_str);
    let style = text("style").ok_or("x-pagination has no `style`")?;
    if style == "none" {
        return Ok(None);
    }
    if op.request_body.is_some() {
        return Err("x-pagination: an operation with a request body cannot be paged".into());
    }
    let body = op
        .success
        .body
        .as_ref()
        .ok_or("the operation's success has no body")?;
    if matches!(body, TypeRef::Nullable(_)) {
        return Err("x-pagination: the success body may be null, so it has no next page".into());
    }
    let (item, items) = match text("items") {
        Some(path) => {
            let (steps, ty) = follow(api, body, path).ok_or_else(|| {
                format!("x-pagination: `items: {path}` is not a field of the body")
            })?;
            match ty {
                TypeRef::Array(item) => ((**item).clone(), steps),
                _ => return Err(format!("x-pagination: `items: {path}` is not a list")),
            }
        }
        None => match strip(body).0 {
            TypeRef::Array(item) => ((**item).clone(), Vec::new()),
            _ => items_of(api, body).ok_or("x-pagination: say where the list is with `items`")?,
        },
    };
    let param = |kind: &str| -> Result<usize, String> {
        let wire =
            text("param").ok_or_else(|| format!("x-pagination: style `{kind}` needs `param`"))?;
        // A cursor or an id is a string; an offset or a page number an integer.
        let numeric = matches!(kind, "offset" | "page");
        op.parameters
            .iter()
            .position(|p| {
                p.location == ParameterLocation::Query
                    && p.wire_name == wire
                    && !p.required
                    && if numeric { is_integer(&p.ty) } else { is_string(&p.ty) }
            })
            .ok_or_else(|| {
                let ty = if numeric { "integer" } else { "string" };
                format!("x-pagination: `param: {wire}` is not an optional {ty} query parameter of the operation")
            })
    };
    let path = |key: &str, want: fn(&TypeRef) -> bool| -> Result<Vec<FieldStep<Unnamed>>, String> {
        let written =
            text(key).ok_or_else(|| format!("x-pagination: style `{style}` needs `{key}`"))?;
        let (steps, ty) = follow(api, body, written).ok_or_else(|| {
            format!("x-pagination: `{key}: {written}` is not a field of the body")
        })?;
        if !want(ty) {
            return Err(format!(
                "x-pagination: `{key}: {written}` is not of the type it needs"
            ));
        }
        Ok(steps)
    };
    let unnamed = match style {
        "cursor" => PagingStyle::Cursor {
            param: param(style)?,
            next: path("next", is_string)?,
            in_url: None,
        },
        "after" => PagingStyle::After {
            param: param(style)?,
            has_more: path("has_more", |t| matches!(t, TypeRef::Boolean))?,
            last_id: None,
            item_id: id_field(api, &item),
        },
        "next-url" => PagingStyle::NextUrl {
            next: path("next", is_string)?,
            at_method: (),
        },
        "link" => PagingStyle::LinkHeader {
            header: link_header(api, op).ok_or("x-pagination: style `link` needs the success response to document its `Link` header")?,
            at_method: (),
        },
        "offset" | "page" => {
            let param = param(style)?;
            PagingStyle::Offset {
                param,
                by_page: style == "page",
                total: match text("total") {
                    Some(_) => Some(path("total", is_integer)?),
                    None => None,
                },
            }
        }
        other => {
            return Err(format!(
                "x-pagination: `style: {other}` is none of cursor, after, next-url, link, offset, page, none"
            ))
        }
    };
    if matches!(unnamed, PagingStyle::After { item_id: None, .. }) {
        return Err("x-pagination: style `after` needs items with an `id`".into());
    }
    Ok(Some((item, items, unnamed, true)))
}

/// Query parameters that carry a cursor, by their names with case and separators
/// dropped.
/// (`page` is a cursor when it is a string, as in usage APIs, and a page number when it
/// is an integer.)
const CURSOR_PARAMS: &[&str] = &[
    "cursor",
    "page",
    "pagetoken",
    "pagecursor",
    "marker",
    "nexttoken",
    "continuationtoken",
];

/// Paging recognized from names and types. `Err(Some(note))` when an operation looks like
/// a list that pages but some part is missing.
fn recognized(
    api: &Api<Unnamed, ()>,
    op: &Operation<Unnamed, ()>,
) -> Result<Found, Option<String>> {
    if op.request_body.is_some() {
        return Err(None);
    }
    // A body that may be null has no next page to name.
    let Some(body) = op
        .success
        .body
        .as_ref()
        .filter(|b| !matches!(b, TypeRef::Nullable(_)))
    else {
        return Err(None);
    };
    // The parameter's place among the operation's, and the parameter.
    let optional_query = |names: &[&str], want: fn(&TypeRef) -> bool| {
        op.parameters.iter().enumerate().find(|(_, p)| {
            p.location == ParameterLocation::Query
                && !p.required
                && names.contains(&squash(&p.wire_name).as_str())
                && want(&p.ty)
        })
    };
    let cursor = optional_query(CURSOR_PARAMS, is_string);
    let after = optional_query(&["after", "startingafter"], is_string);
    let list = match strip(body).0 {
        TypeRef::Array(item) => Some(((**item).clone(), Vec::new())),
        _ => items_of(api, body),
    };
    let Some((item, items)) = list else {
        if cursor.is_some() || after.is_some() {
            return Err(Some(
                "has a cursor parameter but no list in its body, so it does not page".into(),
            ));
        }
        return Err(None);
    };
    // `after` and `has_more`: the last item's id (or the body's `last_id`) leads on.
    if let Some((after_at, after)) = after {
        let has_more = find_field(api, body, &["hasmore"], |t| matches!(t, TypeRef::Boolean));
        let last_id = find_field(api, body, &["lastid"], is_string);
        let item_id = id_field(api, &item);
        return match has_more {
            Some(has_more) if last_id.is_some() || item_id.is_some() => Ok(Some((
                item,
                items,
                PagingStyle::After {
                    param: after_at,
                    has_more,
                    last_id,
                    item_id,
                },
                false,
            ))),
            _ => Err(Some(format!(
                "has `{}` but no `has_more` flag, or no id to go on after (a `last_id`, or items with an `id`), so it does not page",
                after.wire_name
            ))),
        };
    }
    if let Some((cursor_at, cursor)) = cursor {
        let p = squash(&cursor.wire_name);
        let names = [
            format!("next{p}"),
            "nextcursor".to_string(),
            "nextpagetoken".to_string(),
            "nexttoken".to_string(),
            "nextmarker".to_string(),
            "nextpagecursor".to_string(),
            "continuationtoken".to_string(),
        ];
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        if let Some(next) = find_field(api, body, &names, is_string) {
            return Ok(Some((
                item,
                items,
                PagingStyle::Cursor {
                    param: cursor_at,
                    next,
                    in_url: None,
                },
                false,
            )));
        }
        // A link to the next page that carries the cursor (Confluent's `metadata.next`).
        if let Some(next) = find_field(api, body, &["next"], is_string) {
            if next.len() == 2 {
                return Ok(Some((
                    item,
                    items,
                    PagingStyle::Cursor {
                        param: cursor_at,
                        next,
                        in_url: Some(cursor.wire_name.clone()),
                    },
                    false,
                )));
            }
        }
    }
    // The next page's URL in the body (which also carries any cursor, as Twilio's
    // `meta.next_page_url` carries `PageToken`). Only names that say they are a URL: a
    // `next_page` may as well be a cursor.
    let url_names = ["nextlink", "odatanextlink", "nextpageurl", "nexturl"];
    let next_url = find_field(api, body, &url_names, is_string).or_else(|| {
        // `next` alone is a URL where it sits in a links object.
        find_link(api, body)
    });
    if let Some(next) = next_url {
        return Ok(Some((
            item,
            items,
            PagingStyle::NextUrl {
                next,
                at_method: (),
            },
            false,
        )));
    }
    if let Some((_, cursor)) = cursor {
        return Err(Some(format!(
            "has `{}` but no next cursor or next page URL in its body, so it does not page",
            cursor.wire_name
        )));
    }
    if let Some(header) = link_header(api, op) {
        return Ok(Some((
            item,
            items,
            PagingStyle::LinkHeader {
                header,
                at_method: (),
            },
            false,
        )));
    }
    // An offset, or a page number beside a page size.
    let total = find_field(
        api,
        body,
        &["total", "totalcount", "totalresults", "totalitems", "count"],
        is_integer,
    );
    if let Some((offset_at, _)) = optional_query(&["offset", "skip"], is_integer) {
        return Ok(Some((
            item,
            items,
            PagingStyle::Offset {
                param: offset_at,
                by_page: false,
                total,
            },
            false,
        )));
    }
    let page = optional_query(&["page", "pagenumber", "pageno"], is_integer);
    let size = optional_query(
        &["perpage", "pagesize", "limit", "size", "pagelimit"],
        is_integer,
    );
    match (page, size) {
        (Some((page_at, _)), Some(_)) => Ok(Some((
            item,
            items,
            PagingStyle::Offset {
                param: page_at,
                by_page: true,
                total,
            },
            false,
        ))),
        (Some((_, page)), None) => Err(Some(format!(
            "has `{}` but no page size parameter, so it is not taken for a page number",
            page.wire_name
        ))),
        _ => Err(None),
    }
}

/// A name with case, `_`, `-`, `.` and `@` dropped: `next_page_token`, `nextPageToken` and
/// `@odata.nextLink` meet as `nextpagetoken` and `odatanextlink`.
fn squash(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The list in a body: its one list field, or among several the one with a list's usual
/// name.
fn items_of(api: &Api<Unnamed, ()>, body: &TypeRef) -> Option<(TypeRef, Vec<FieldStep<Unnamed>>)> {
    let fields = struct_fields(api, body)?;
    let lists: Vec<Place<'_>> = fields
        .places()
        .filter(|p| matches!(options_of(p.field).0, TypeRef::Array(_)))
        .collect();
    let chosen = match lists.as_slice() {
        [one] => *one,
        _ => {
            let usual = [
                "data", "items", "results", "value", "entries", "records", "elements",
            ];
            let named: Vec<&Place<'_>> = lists
                .iter()
                .filter(|p| usual.contains(&squash(&p.field.wire_name).as_str()))
                .collect();
            match named.as_slice() {
                [one] => **one,
                _ => return None,
            }
        }
    };
    let TypeRef::Array(item) = options_of(chosen.field).0 else {
        return None;
    };
    Some(((**item).clone(), vec![chosen.step()]))
}

/// A field of the body (or of an object field of the body, one level down) whose name is
/// one of `names` (squashed) and whose type `want` accepts. Several matches: none.
fn find_field(
    api: &Api<Unnamed, ()>,
    body: &TypeRef,
    names: &[&str],
    want: fn(&TypeRef) -> bool,
) -> Option<Vec<FieldStep<Unnamed>>> {
    let fields = struct_fields(api, body)?;
    let mut found = Vec::new();
    for p in fields.places() {
        let (ty, _) = options_of(p.field);
        if names.contains(&squash(&p.field.wire_name).as_str()) && want(ty) {
            found.push(vec![p.step()]);
        }
    }
    if found.is_empty() {
        for p in fields.places() {
            let (ty, _) = options_of(p.field);
            for inner in struct_fields(api, ty).iter().flat_map(Fields::places) {
                if names.contains(&squash(&inner.field.wire_name).as_str())
                    && want(options_of(inner.field).0)
                {
                    found.push(vec![p.step(), inner.step()]);
                }
            }
        }
    }
    match found.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    }
}

/// `links.next` or `_links.next.href`: a URL named `next` inside a links object.
fn find_link(api: &Api<Unnamed, ()>, body: &TypeRef) -> Option<Vec<FieldStep<Unnamed>>> {
    let links = struct_fields(api, body)?.places().find(|p| {
        matches!(
            squash(&p.field.wire_name).as_str(),
            "links" | "link" | "paging" | "pagination"
        )
    })?;
    let next = struct_fields(api, options_of(links.field).0)?
        .places()
        .find(|p| squash(&p.field.wire_name) == "next")?;
    let (ty, _) = options_of(next.field);
    if is_string(ty) {
        return Some(vec![links.step(), next.step()]);
    }
    // HAL: `_links.next.href`.
    let href = struct_fields(api, ty)?
        .places()
        .find(|p| p.field.wire_name == "href" && is_string(options_of(p.field).0))?;
    Some(vec![links.step(), next.step(), href.step()])
}

/// The place of the field that holds `Link` in the operation's success header set.
fn link_header(api: &Api<Unnamed, ()>, op: &Operation<Unnamed, ()>) -> Option<usize> {
    let set = api.header_sets.get(op.success.headers?.0)?;
    set.headers.iter().position(|h| {
        h.wire_name.eq_ignore_ascii_case("link") && h.kind == crate::model::HeaderKind::String
    })
}

/// The `id` field of a list's items, when it is a string and the items are a struct.
fn id_field(api: &Api<Unnamed, ()>, item: &TypeRef) -> Option<FieldStep<Unnamed>> {
    if !matches!(item, TypeRef::Named(_)) {
        return None;
    }
    struct_fields(api, item)?
        .places()
        .find(|p| p.field.wire_name == "id" && is_string(options_of(p.field).0))
        .map(|p| p.step())
}

/// A dotted path of wire names through the body's fields, with the type it ends at.
fn follow<'a>(
    api: &'a Api<Unnamed, ()>,
    body: &'a TypeRef,
    path: &str,
) -> Option<(Vec<FieldStep<Unnamed>>, &'a TypeRef)> {
    let mut ty = body;
    let mut steps = Vec::new();
    for name in path.split('.') {
        let p = struct_fields(api, ty)?
            .places()
            .find(|p| p.field.wire_name == name)?;
        steps.push(p.step());
        ty = options_of(p.field).0;
    }
    Some((steps, ty))
}

fn is_string(t: &TypeRef) -> bool {
    matches!(t, TypeRef::String)
}

fn is_integer(t: &TypeRef) -> bool {
    matches!(t, TypeRef::Integer(_))
}

/// The fields of a struct, with the struct they belong to.
struct Fields<'a> {
    owner: TypeId,
    list: &'a [Field<Unnamed>],
}

/// A field with its struct and its place there: what a step refers to.
#[derive(Clone, Copy)]
struct Place<'a> {
    owner: TypeId,
    place: usize,
    field: &'a Field<Unnamed>,
}

impl<'a> Fields<'a> {
    fn places(&self) -> impl Iterator<Item = Place<'a>> + '_ {
        self.list.iter().enumerate().map(|(place, field)| Place {
            owner: self.owner,
            place,
            field,
        })
    }
}

impl Place<'_> {
    /// The step into this field, and through the `Option`s that wrap it.
    fn step(&self) -> FieldStep<Unnamed> {
        FieldStep {
            field: (self.owner, self.place),
            options: self.field.option_depth(),
        }
    }
}

/// The fields of the struct a reference leads to, through aliases.
fn struct_fields<'a>(api: &'a Api<Unnamed, ()>, t: &TypeRef) -> Option<Fields<'a>> {
    let mut t = strip(t).0;
    // Through aliases, as far as the model goes.
    for _ in 0..=api.types.len() {
        let TypeRef::Named(id) = t else {
            return None;
        };
        match &api.types.get(id.0)?.kind {
            TypeKind::Struct(s) => {
                return Some(Fields {
                    owner: *id,
                    list: &s.fields,
                })
            }
            TypeKind::Alias(inner) => t = strip(inner).0,
            _ => return None,
        }
    }
    None
}

/// The type under any `Nullable`, and whether there was one.
fn strip(t: &TypeRef) -> (&TypeRef, bool) {
    match t {
        TypeRef::Nullable(inner) => (inner, true),
        other => (other, false),
    }
}

/// A field's value type and how many `Option`s wrap it.
fn options_of(f: &Field<Unnamed>) -> (&TypeRef, u8) {
    (f.value_type(), f.option_depth())
}
