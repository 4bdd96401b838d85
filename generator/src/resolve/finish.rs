//! The last resolve pass: fold duplicate types together, mark the types requests use as
//! validated, and compact the arena into the model, each type with the hint for its name.

use super::{Arena, Direction, TypeBody};
use crate::diagnostics::Diagnostics;
use crate::model::{Api, TypeDef, TypeHint, TypeId, TypeKind, TypeRef, Unnamed};
use std::collections::{BTreeMap, BTreeSet};

pub(super) fn finish(
    mut api: Api<Unnamed, ()>,
    arena: Arena,
    diags: &mut Diagnostics,
) -> Api<Unnamed, ()> {
    let Arena {
        defs,
        hints,
        mut redirects,
        ..
    } = arena;
    let mut defs: Vec<TypeBody> = defs
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            d.unwrap_or_else(|| {
                // A slot is left empty when the schema turned out to be another type
                // (redirected, and dropped below), or when its conversion stopped on an
                // error, which was reported where it happened. Anything else is a bug.
                if !redirects.contains_key(&TypeId(i)) {
                    diags.internal_warning(
                        "",
                        format!("type {i} was never defined; it is rendered as a JSON value"),
                    );
                }
                TypeBody {
                    origin: String::new(),
                    doc: None,
                    validated: false,
                    kind: TypeKind::Alias(TypeRef::Json),
                }
            })
        })
        .collect();

    merge_write_views(&mut defs, &hints, &mut redirects);
    let merged = merge_same_inline(&mut defs, &hints, &mut redirects);
    let remap = compact(&defs, &redirects);
    let mut kept_hints = Vec::new();
    let mut kept = Vec::new();
    for (i, def) in defs.into_iter().enumerate() {
        if remap.get(&TypeId(i)) == Some(&TypeId(kept.len())) && !redirects.contains_key(&TypeId(i))
        {
            kept.push(def);
            kept_hints.push(hints[i].clone());
        }
    }
    let rewrite = |t: &mut TypeRef| rewrite_ref(t, &remap);
    for def in &mut kept {
        def.kind.for_each_leaf_mut(&mut |t| rewrite(t));
        if let TypeKind::Tagged(tagged) = &mut def.kind {
            for v in &mut tagged.variants {
                v.ty = remap.get(&v.ty).copied().unwrap_or(v.ty);
            }
        }
    }
    api.for_each_operation_ref_mut(&mut |t| rewrite(t));
    api.merged_types = merged
        .into_iter()
        .filter_map(|(origin, id)| {
            let into = kept.get(remap.get(&id)?.0)?;
            Some((origin, into.origin.clone()))
        })
        .collect();
    prune_unreachable(&mut api, &mut kept, &mut kept_hints);
    propagate_validation(&mut kept);
    api.request_views = pair_views(&kept, &kept_hints);
    api.types = kept
        .into_iter()
        .zip(kept_hints)
        .map(|(body, hint)| TypeDef {
            name: hint,
            origin: body.origin,
            doc: body.doc,
            validated: body.validated,
            kind: body.kind,
        })
        .collect();
    api
}

/// The request-side and response-side structs of each component schema that has both.
fn pair_views(types: &[TypeBody], hints: &[TypeHint]) -> Vec<(TypeId, TypeId)> {
    let is_struct = |i: usize| matches!(types[i].kind, TypeKind::Struct(_));
    let read: BTreeMap<&str, usize> = hints
        .iter()
        .enumerate()
        .filter(|(i, h)| h.direction == Direction::Read && h.component.is_some() && is_struct(*i))
        .filter_map(|(i, h)| Some((h.component.as_deref()?, i)))
        .collect();
    hints
        .iter()
        .enumerate()
        .filter(|(i, h)| h.direction == Direction::Write && is_struct(*i))
        .filter_map(|(i, h)| {
            let twin = read.get(h.component.as_deref()?)?;
            Some((TypeId(i), TypeId(*twin)))
        })
        .collect()
}

/// A request-side view of a schema that came out the same as its response-side view is
/// the same type. Repeats until nothing changes, since folding children can make parents
/// equal.
fn merge_write_views(
    defs: &mut [TypeBody],
    hints: &[TypeHint],
    redirects: &mut BTreeMap<TypeId, TypeId>,
) {
    loop {
        let resolved = |id: TypeId, r: &BTreeMap<TypeId, TypeId>| follow(id, r);
        let kinds: Vec<TypeKind<Unnamed>> = defs
            .iter()
            .map(|d| {
                let mut k = d.kind.clone();
                k.for_each_leaf_mut(&mut |t| redirect_ref(t, redirects));
                if let TypeKind::Tagged(t) = &mut k {
                    for v in &mut t.variants {
                        v.ty = resolved(v.ty, redirects);
                    }
                }
                k
            })
            .collect();
        let mut changed = false;
        for i in 0..defs.len() {
            if hints[i].direction != Direction::Write || redirects.contains_key(&TypeId(i)) {
                continue;
            }
            let twin = (0..defs.len()).find(|&j| {
                j != i
                    && hints[j].direction == Direction::Read
                    && hints[j].base == hints[i].base
                    && !redirects.contains_key(&TypeId(j))
                    && kinds[j] == kinds[i]
                    && defs[j].doc == defs[i].doc
            });
            if let Some(j) = twin {
                redirects.insert(TypeId(i), TypeId(j));
                defs[j].validated |= defs[i].validated;
                changed = true;
            }
        }
        if !changed {
            return;
        }
    }
}

/// Inline schemas written the same way in several places (the same keywords, whatever
/// their descriptions say) are one type, named for its shortest use: users need not
/// convert between copies, and the crate compiles each shape once. A schema given by
/// reference keeps its own name and is never folded. Repeats until nothing changes, since
/// folding children can make parents equal. Returns where each folded schema was written
/// and the type it became.
fn merge_same_inline(
    defs: &mut [TypeBody],
    hints: &[TypeHint],
    redirects: &mut BTreeMap<TypeId, TypeId>,
) -> Vec<(String, TypeId)> {
    let mut merged = Vec::new();
    loop {
        let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, def) in defs.iter().enumerate() {
            if hints[i].component.is_some() || redirects.contains_key(&TypeId(i)) {
                continue;
            }
            groups
                .entry(shape_key(&def.kind, redirects))
                .or_default()
                .push(i);
        }
        let mut changed = false;
        for members in groups.values().filter(|m| m.len() > 1) {
            // The shortest name among the uses, the first written on a tie.
            let Some(&keep) = members.iter().min_by_key(|&&i| (hints[i].base.len(), i)) else {
                continue;
            };
            for &i in members.iter().filter(|&&i| i != keep) {
                redirects.insert(TypeId(i), TypeId(keep));
                defs[keep].validated |= defs[i].validated;
                merged.push((defs[i].origin.clone(), TypeId(keep)));
                changed = true;
            }
        }
        if !changed {
            // Ids redirected to a type later folded into another end where it ended.
            return merged
                .into_iter()
                .map(|(origin, id)| (origin, follow(id, redirects)))
                .collect();
        }
    }
}

/// What makes two types the same shape: their kind, with references followed and the
/// documentation of their fields left out.
fn shape_key(kind: &TypeKind<Unnamed>, redirects: &BTreeMap<TypeId, TypeId>) -> String {
    let mut k = kind.clone();
    k.for_each_leaf_mut(&mut |t| redirect_ref(t, redirects));
    match &mut k {
        TypeKind::Struct(s) => s.fields.iter_mut().for_each(|f| f.doc = None),
        TypeKind::Tagged(t) => t
            .variants
            .iter_mut()
            .for_each(|v| v.ty = follow(v.ty, redirects)),
        _ => {}
    }
    format!("{k:?}")
}

fn follow(mut id: TypeId, redirects: &BTreeMap<TypeId, TypeId>) -> TypeId {
    // Redirect chains are short and acyclic by construction; the bound guards anyway.
    for _ in 0..=redirects.len() {
        match redirects.get(&id) {
            Some(next) if *next != id => id = *next,
            _ => break,
        }
    }
    id
}

fn redirect_ref(t: &mut TypeRef, redirects: &BTreeMap<TypeId, TypeId>) {
    if let TypeRef::Named(id) = t {
        *id = follow(*id, redirects);
    }
}

/// New ids for the types that survive, in their old order, and where redirected ones go.
fn compact(defs: &[TypeBody], redirects: &BTreeMap<TypeId, TypeId>) -> BTreeMap<TypeId, TypeId> {
    let mut remap = BTreeMap::new();
    let mut next = 0;
    for i in 0..defs.len() {
        if !redirects.contains_key(&TypeId(i)) {
            remap.insert(TypeId(i), TypeId(next));
            next += 1;
        }
    }
    for i in 0..defs.len() {
        let target = follow(TypeId(i), redirects);
        if let Some(new) = remap.get(&target).copied() {
            remap.insert(TypeId(i), new);
        }
    }
    remap
}

fn rewrite_ref(t: &mut TypeRef, remap: &BTreeMap<TypeId, TypeId>) {
    t.for_each_leaf_mut(&mut |t| {
        if let TypeRef::Named(id) = t {
            if let Some(new) = remap.get(id) {
                *id = *new;
            }
        }
    });
}

/// Drops the types no operation or webhook can reach: schemas converted only to check
/// their examples, or error bodies of statuses whose bodies the operation's error type does
/// not use. Their examples go with them, since no generated code could decode into them.
fn prune_unreachable(
    api: &mut Api<Unnamed, ()>,
    types: &mut Vec<TypeBody>,
    hints: &mut Vec<TypeHint>,
) {
    if api.operations.is_empty() && api.webhooks.is_empty() {
        // A document of schemas alone: its types are what it is for.
        return;
    }
    let mut stack = Vec::new();
    for op in &api.operations {
        for p in &op.parameters {
            p.ty.named_ids(&mut stack);
        }
        if let Some(b) = &op.request_body {
            b.ty.named_ids(&mut stack);
        }
        if let Some(b) = &op.upload {
            b.ty.named_ids(&mut stack);
        }
        if let Some(b) = &op.success.body {
            b.named_ids(&mut stack);
        }
        if let Some(stream) = &op.success.stream {
            stream.item.named_ids(&mut stack);
        }
        op.error_body.named_ids(&mut stack);
    }
    for hook in &api.webhooks {
        if let Some(b) = &hook.body {
            b.ty.named_ids(&mut stack);
        }
        if let Some(t) = &hook.response {
            t.named_ids(&mut stack);
        }
    }
    let mut reachable = BTreeSet::new();
    while let Some(id) = stack.pop() {
        if id.0 >= types.len() || !reachable.insert(id) {
            continue;
        }
        let mut kind = types[id.0].kind.clone();
        kind.for_each_leaf_mut(&mut |t| t.named_ids(&mut stack));
        if let TypeKind::Tagged(tagged) = &kind {
            stack.extend(tagged.variants.iter().map(|v| v.ty));
        }
    }
    if reachable.len() == types.len() {
        return;
    }
    let remap: BTreeMap<TypeId, TypeId> = reachable
        .iter()
        .enumerate()
        .map(|(new, old)| (*old, TypeId(new)))
        .collect();
    let mut index = 0;
    types.retain(|_| {
        index += 1;
        reachable.contains(&TypeId(index - 1))
    });
    let mut index = 0;
    hints.retain(|_| {
        index += 1;
        reachable.contains(&TypeId(index - 1))
    });
    let rewrite = |t: &mut TypeRef| rewrite_ref(t, &remap);
    for def in types.iter_mut() {
        def.kind.for_each_leaf_mut(&mut |t| rewrite(t));
        if let TypeKind::Tagged(tagged) = &mut def.kind {
            for v in &mut tagged.variants {
                v.ty = remap.get(&v.ty).copied().unwrap_or(v.ty);
            }
        }
    }
    let kept = |t: &TypeRef| {
        let mut ids = Vec::new();
        t.named_ids(&mut ids);
        ids.iter().all(|id| remap.contains_key(id))
    };
    for op in &mut api.operations {
        for e in &mut op.errors {
            // A status's own body type, when the operation's error type does not use it.
            if e.body.as_ref().is_some_and(|b| !kept(b)) {
                e.body = None;
            }
        }
    }
    api.examples.retain(|e| kept(&e.ty));
    api.for_each_operation_ref_mut(&mut |t| rewrite(t));
}

/// A validated type checks its parts, so everything it contains must be validatable too.
fn propagate_validation(types: &mut [TypeBody]) {
    let mut stack: Vec<TypeId> = (0..types.len())
        .filter(|&i| types[i].validated)
        .map(TypeId)
        .collect();
    let mut seen: BTreeSet<TypeId> = stack.iter().copied().collect();
    while let Some(id) = stack.pop() {
        let mut children = Vec::new();
        let mut kind = types[id.0].kind.clone();
        kind.for_each_leaf_mut(&mut |t| {
            if let TypeRef::Named(c) = t {
                children.push(*c);
            }
        });
        if let TypeKind::Tagged(t) = &kind {
            children.extend(t.variants.iter().map(|v| v.ty));
        }
        for c in children {
            if matches!(types[c.0].kind, TypeKind::Enum(_)) {
                continue;
            }
            types[c.0].validated = true;
            if seen.insert(c) {
                stack.push(c);
            }
        }
    }
}
