//! Cargo features that gate a crate's API by the spec's tags: a feature per tag, so that a
//! user compiles only the operations they call and the types those need.

use super::{Api, TypeId, TypeRef};
use std::collections::BTreeSet;

/// The crate's API gated by the spec's tags. An operation is compiled when any feature of
/// its tags is on; a type when any feature of an operation that reaches it is on (the
/// types a webhook needs, and types no operation reaches, always).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FeatureGates {
    /// One feature per tag, in the order tags first appear (operations without a tag
    /// share one more), with the tag it stands for and how many operations it holds.
    pub features: Vec<TagFeature>,
    /// For each operation (by index in [`Api::operations`]), its features.
    pub operations: Vec<Vec<usize>>,
    /// For each type (by [`TypeId`]), the features that need it; `None` when it is always
    /// compiled.
    pub types: Vec<Option<Vec<usize>>>,
    /// For each response header set, the features of the operations that use it.
    pub header_sets: Vec<Option<Vec<usize>>>,
}

/// A Cargo feature standing for one tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagFeature {
    /// The feature's name in `Cargo.toml`.
    pub name: String,
    /// The tag as the spec writes it; `None` for the operations without a tag.
    pub tag: Option<String>,
    pub operations: usize,
}

impl FeatureGates {
    /// The features a gate lists, `None` when the item is always compiled: it is needed by
    /// every feature (or by none that the gates know of).
    pub fn gate<'a>(&'a self, features: &'a [usize]) -> Option<Vec<&'a str>> {
        if features.len() >= self.features.len() {
            return None;
        }
        Some(
            features
                .iter()
                .filter_map(|&f| self.features.get(f).map(|t| t.name.as_str()))
                .collect(),
        )
    }
}

impl Api {
    /// The model with its API gated by tag (`Api::features` set).
    pub fn with_tag_features(mut self) -> Self {
        let mut features: Vec<TagFeature> = Vec::new();
        let mut operations = Vec::with_capacity(self.operations.len());
        for op in &self.operations {
            let tags: Vec<Option<&str>> = if op.tags.is_empty() {
                vec![None]
            } else {
                op.tags.iter().map(|t| Some(t.as_str())).collect()
            };
            let mut own = Vec::new();
            for tag in tags {
                let index = match features.iter().position(|f| f.tag.as_deref() == tag) {
                    Some(i) => i,
                    None => {
                        let taken: Vec<&str> = features.iter().map(|f| f.name.as_str()).collect();
                        let name = crate::naming::feature_name(tag, &taken);
                        features.push(TagFeature {
                            name,
                            tag: tag.map(str::to_string),
                            operations: 0,
                        });
                        features.len() - 1
                    }
                };
                if !own.contains(&index) {
                    own.push(index);
                    features[index].operations += 1;
                }
            }
            own.sort_unstable();
            operations.push(own);
        }
        let children = self.type_children();
        let mut needed: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); self.types.len()];
        for (op, own) in self.operations.iter().zip(&operations) {
            let mut stack = Vec::new();
            let mut push = |t: &TypeRef| t.named_ids(&mut stack);
            op.parameters.iter().for_each(|p| push(&p.ty));
            if let Some(b) = &op.request_body {
                push(&b.ty);
            }
            if let Some(b) = &op.upload {
                push(&b.ty);
            }
            if let Some(b) = &op.success.body {
                push(b);
            }
            if let Some(s) = &op.success.stream {
                push(&s.item);
            }
            op.errors
                .iter()
                .filter_map(|e| e.body.as_ref())
                .for_each(&mut push);
            push(&op.error_body);
            if let Some(p) = &op.findings.pagination {
                push(&p.item);
            }
            let mut seen = BTreeSet::new();
            while let Some(id) = stack.pop() {
                if id.0 >= needed.len() || !seen.insert(id) {
                    continue;
                }
                needed[id.0].extend(own.iter().copied());
                stack.extend(children[id.0].iter().copied());
            }
        }
        // What a webhook needs is always there.
        let mut always = vec![false; self.types.len()];
        let mut stack = Vec::new();
        for hook in &self.webhooks {
            if let Some(b) = &hook.body {
                b.ty.named_ids(&mut stack);
            }
            if let Some(t) = &hook.response {
                t.named_ids(&mut stack);
            }
        }
        while let Some(id) = stack.pop() {
            if id.0 < always.len() && !always[id.0] {
                always[id.0] = true;
                stack.extend(children[id.0].iter().copied());
            }
        }
        let types = needed
            .into_iter()
            .zip(always)
            .map(|(set, always)| (!always && !set.is_empty()).then(|| set.into_iter().collect()))
            .collect();
        let header_sets = self
            .header_sets
            .iter()
            .enumerate()
            .map(|(i, _)| {
                let set: BTreeSet<usize> = self
                    .operations
                    .iter()
                    .zip(&operations)
                    .filter(|(op, _)| op.success.headers.is_some_and(|h| h.0 == i))
                    .flat_map(|(_, own)| own.iter().copied())
                    .collect();
                (!set.is_empty()).then(|| set.into_iter().collect())
            })
            .collect();
        self.features = Some(FeatureGates {
            features,
            operations,
            types,
            header_sets,
        });
        self
    }

    /// The types each type's code names: its fields, items and variants, and the
    /// response-side view a request type converts from.
    fn type_children(&self) -> Vec<Vec<TypeId>> {
        let mut children = self.named_children();
        for (request, read) in &self.request_views {
            if let Some(list) = children.get_mut(request.0) {
                list.push(*read);
            }
        }
        children
    }
}
