//! Resolve: the loaded document into the intermediate model. The document's structure
//! (operations, parameters, responses) is read through `openapiv3`; schemas are read from
//! the JSON tree itself (see `view`), in the same way for OpenAPI 3.0 and 3.1.
//!
//! The passes run in this order:
//! 1. `operations` walks every operation in spec order and converts the schemas it uses,
//!    on demand, through `schema` (which follows `$ref`s, merges `allOf` with `view`, and
//!    builds tagged enums for discriminated `oneOf` in `one_of`). What an operation is made
//!    of is read by a module for each part: `params`, `bodies`, `responses` (with `events`
//!    for streamed answers), `security` and `servers`.
//! 2. `webhooks` does the same for the requests the API sends to its users, and
//!    `examples` records the examples of the component schemas responses use.
//! 3. `finish` folds duplicate types together and compacts the type arena into the
//!    model, each type with the hint for its name.
//! 4. With the types finished, each operation gets its [`Findings`]: `pagination` finds
//!    how a list's pages are followed, `events` the body property that turns a stream on.
//!    Until then an operation holds `()` there, so nothing can read findings not yet made.
//!
//! The model goes on unnamed: [`crate::naming`] names it.
//!
//! A schema is converted separately for each *direction*: what the client reads from
//! responses and what it writes in requests differ (readOnly properties are never
//! written; enum values the client does not know are accepted only when read).

mod bodies;
mod events;
mod example_check;
mod examples;
mod finish;
mod one_of;
mod operations;
mod pagination;
mod params;
mod refs;
mod responses;
mod schema;
mod security;
mod servers;
mod view;
mod webhooks;

use crate::diagnostics::Diagnostics;
use crate::load::Loaded;
use crate::model::{Api, Findings, TypeHint, TypeId, TypeKind, TypeRef, Unnamed};
use std::collections::BTreeMap;

pub use crate::model::Direction;

/// A type's definition while resolving: everything but the hint for its name, which the
/// arena keeps beside it.
#[derive(Debug, Clone, PartialEq)]
struct TypeBody {
    /// The JSON pointer of the schema this type comes from.
    origin: String,
    doc: Option<String>,
    /// Whether values of this type are validated before being sent.
    validated: bool,
    kind: TypeKind<Unnamed>,
}

/// The type arena while resolving. Entries are `None` while a referenced component is
/// being converted, which is what lets recursive schemas refer to themselves.
struct Arena {
    defs: Vec<Option<TypeBody>>,
    hints: Vec<TypeHint>,
    /// Types found to be the same as another; rewritten away by `finish`.
    redirects: BTreeMap<TypeId, TypeId>,
    /// Interned inline types by name hint, to find duplicates without a scan.
    by_base: BTreeMap<String, Vec<TypeId>>,
}

impl Arena {
    fn reserve(&mut self, hint: TypeHint) -> TypeId {
        self.defs.push(None);
        self.hints.push(hint);
        TypeId(self.defs.len() - 1)
    }

    /// Adds an inline type, or returns an existing one with the same name hint and the same
    /// definition: specs often repeat one inline schema (an error body, say) many times.
    fn intern(&mut self, def: TypeBody, hint: TypeHint) -> TypeId {
        let candidates = self.by_base.entry(hint.base.clone()).or_default();
        let same = candidates.iter().copied().find(|id| {
            self.defs[id.0].as_ref().is_some_and(|d| {
                d.kind == def.kind && d.doc == def.doc && d.validated == def.validated
            })
        });
        if let Some(id) = same {
            return id;
        }
        let id = TypeId(self.defs.len());
        candidates.push(id);
        self.defs.push(Some(def));
        self.hints.push(hint);
        id
    }
}

/// Key of a converted referenced schema: the JSON pointer of the schema, the direction,
/// and the discriminator property removed from it when it is a variant of a tagged enum.
/// and whether it is the upload view (files for binary properties).
type ComponentKey = (String, Direction, Option<String>, bool);

pub struct Resolver<'a> {
    loaded: &'a Loaded,
    diags: Diagnostics,
    arena: Arena,
    components: BTreeMap<ComponentKey, TypeRef>,
    in_progress: BTreeMap<ComponentKey, TypeId>,
    /// Schemas that are only a reference, being followed, to detect a chain that loops.
    aliasing: Vec<ComponentKey>,
    /// Pointers of referenced schemas whose allOf is being expanded, to detect allOf
    /// cycles.
    expanding: Vec<String>,
    /// How deep schema conversion currently is.
    depth: usize,
    /// Property summaries of referenced components, by reference.
    summaries: BTreeMap<String, schema::PropertyFlags>,
    /// Whether each pattern seen compiles, so each is compiled once.
    patterns: BTreeMap<String, Option<String>>,
    /// A multipart request body is being converted: its binary properties are files.
    uploading: bool,
}

impl<'a> Resolver<'a> {
    /// The schema written at `pointer`, if there is a node there.
    pub(super) fn schema_at(&self, pointer: String) -> Option<view::Member<'a>> {
        let loaded: &'a Loaded = self.loaded;
        let node = loaded.raw.pointer(&pointer)?;
        Some(view::Member::at(pointer, node, loaded.version))
    }
}

/// Runs every resolve pass. Returns the model, or `None` when errors were found; either
/// way the diagnostics list every problem seen.
pub fn resolve(loaded: &Loaded) -> (Option<Api<Unnamed>>, Diagnostics) {
    let mut r = Resolver {
        loaded,
        diags: Diagnostics::default(),
        arena: Arena {
            defs: Vec::new(),
            hints: Vec::new(),
            redirects: BTreeMap::new(),
            by_base: BTreeMap::new(),
        },
        components: BTreeMap::new(),
        in_progress: BTreeMap::new(),
        aliasing: Vec::new(),
        expanding: Vec::new(),
        depth: 0,
        summaries: BTreeMap::new(),
        patterns: BTreeMap::new(),
        uploading: false,
    };
    let mut api = operations::resolve_api(&mut r);
    webhooks::resolve_webhooks(&mut r, &mut api);
    examples::schema_examples(&mut r, &mut api);
    if r.diags.has_errors() {
        return (None, r.diags);
    }
    let api = finish::finish(api, r.arena, &mut r.diags);
    let api = api.with_findings(|api, op| {
        let (pagination, unpaged) = pagination::paging_of(api, op, &r.loaded.raw);
        Findings {
            pagination,
            unpaged,
            stream_switch: events::stream_switch(api, op),
        }
    });
    (Some(api), r.diags)
}
