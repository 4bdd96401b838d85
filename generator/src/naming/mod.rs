//! Every Rust name the generator emits is decided here: case conversion, Rust keywords,
//! characters that cannot start or appear in identifiers, and collisions.
//!
//! `pass` is the naming pass, which names everything a resolved model leaves unnamed:
//! types and their members (struct fields, enum and union variants), methods and their
//! twins, parameter and header structs with their fields, operation parameters, arguments,
//! locals and webhook functions. One choice is made earlier: the variants of a union whose
//! members name themselves by content are chosen by [`union_variant_names`] while resolve
//! reads the union, because the types of its inline members (and everything inside them)
//! are named after them. Resolve describes each member in the spec's words
//! ([`VariantWords`]); the names are made here.
//!
//! The wire name is always kept beside the Rust name in the model, so renaming never
//! changes what goes over the wire.

mod pass;

pub use pass::name;

use crate::model::RustName;
use heck::{ToSnakeCase, ToUpperCamelCase};
use std::collections::BTreeSet;

/// Words that cannot be plain identifiers. Strict and reserved keywords of every edition,
/// plus the primitive and prelude names a generated type must not shadow.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// The names the runtime exports at the root of every generated crate with a client.
pub const RUNTIME_EXPORTS: &[&str] = &[
    "ApiError",
    "ApiResponse",
    "BuildError",
    "ConversionError",
    "Credentials",
    "DecodeError",
    "Error",
    "Known",
    "Open",
    "RateLimit",
    "RetryPolicy",
    "SchemeKey",
    "Secret",
    "ValidationError",
    "WebhookError",
];

/// The names of [`RUNTIME_EXPORTS`] a types-only crate exports (it has no client).
pub const TYPES_RUNTIME_EXPORTS: &[&str] = &["ConversionError", "Known", "Open", "WebhookError"];

/// The types the client module of every generated crate defines.
pub const CLIENT_TYPES: &[&str] = &["Client", "ClientBuilder"];

/// Methods of every generated `Client` besides the operations (`from` and `clone` of its
/// `From` and `Clone` impls, which an inherent method of the same name would shadow), so
/// no operation method may take their names.
pub const CLIENT_METHODS: &[&str] = &["new", "builder", "base_url", "runtime", "from", "clone"];

/// The argument of an operation's method that holds its optional parameters.
pub const PARAMS_ARGUMENT: &str = "params";

/// The argument of an operation's method that holds its request body.
pub const BODY_ARGUMENT: &str = "body";

/// The field that holds a struct's additional properties by name: `additional_properties`,
/// or with a trailing `_` when a property already has that name.
pub fn additional_field(fields: &[RustName]) -> RustName {
    const FIELD: &str = "additional_properties";
    if fields.iter().any(|f| f == FIELD) {
        RustName::new(format!("{FIELD}_"))
    } else {
        RustName::new(FIELD)
    }
}

/// The local that holds the value of a struct's `i`th property (the additional properties
/// after the last) while the struct's decoder reads it. Property names appear in a decoder
/// only as the struct's field labels, so the slots cannot meet one.
pub fn decode_slot(i: usize) -> String {
    format!("f{i}")
}

/// The Cargo feature for a tag (`None`: the operations without a tag), clear of `taken`
/// and of the features every gated crate has (`default`, `full`): lower-case words joined
/// by `-`, as Cargo features are usually written.
pub fn feature_name(tag: Option<&str>, taken: &[&str]) -> String {
    use heck::ToKebabCase;
    let base = match tag {
        None => "untagged".to_string(),
        Some(tag) => {
            let words: String = tag
                .chars()
                .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
                .collect();
            let name = words.to_kebab_case();
            if name.is_empty() {
                "tag".to_string()
            } else {
                name
            }
        }
    };
    let clear = |n: &str| !taken.contains(&n) && n != "default" && n != "full";
    if clear(&base) {
        return base;
    }
    (2..)
        .map(|i| format!("{base}-{i}"))
        .find(|n| clear(n))
        .unwrap_or(base)
}

/// The name of the method that sets an optional field of a generated struct. Field names
/// are unique snake_case identifiers and no other method of a struct starts with `with_`,
/// so setter names cannot collide.
pub fn setter_name(field: &str) -> RustName {
    RustName::new(format!("with_{field}"))
}

/// Prelude names a generated type must not take. Together with [`RUNTIME_EXPORTS`] they
/// are reserved: because no generated type can take one of these names, generated code may
/// name the prelude's `Option`, `String`, `Vec`, `Box` and `Result` without a path
/// (shorter, and still unambiguous whatever the spec's schemas are called).
const PRELUDE_NAMES: &[&str] = &[
    "Self", "String", "Option", "Result", "Vec", "Box", "Some", "None", "Ok", "Err", "Value",
];

fn is_reserved_type_name(name: &str) -> bool {
    PRELUDE_NAMES.contains(&name) || RUNTIME_EXPORTS.contains(&name) || CLIENT_TYPES.contains(&name)
}

/// Keeps only characters that are valid in an ASCII identifier; others become separators.
fn ascii_words(raw: &str) -> String {
    raw.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

/// A snake_case identifier for a field, parameter or method.
pub fn snake_ident(raw: &str) -> String {
    // Words are split before case conversion so that `X-RateLimit-Limit` and
    // `x_rate_limit_limit` agree.
    let mut name = ascii_words(raw).to_snake_case();
    if name.is_empty() {
        name = "value".to_string();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("n{name}");
    }
    if KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// An UpperCamelCase identifier for a type or variant.
pub fn camel_ident(raw: &str) -> String {
    let mut name = ascii_words(raw).to_upper_camel_case();
    if name.is_empty() {
        name = "Empty".to_string();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("V{name}");
    }
    // `Self` is the only keyword in UpperCamelCase; an underscore would break the case
    // convention (and the lint that checks it), so a word is appended instead.
    if KEYWORDS.contains(&name.as_str()) {
        name.push_str("Value");
    }
    name
}

/// The type name for a schema name such as `connect.v1.CustomConnectorPlugin`: the package
/// prefix (leading lower-case dotted segments) is dropped when `short` is set, since the
/// crate is already the package.
pub fn type_ident(schema_name: &str, short: bool) -> String {
    let base = if short {
        strip_package(schema_name)
    } else {
        schema_name
    };
    let name = camel_ident(base);
    if is_reserved_type_name(&name) {
        format!("{name}Type")
    } else {
        name
    }
}

fn strip_package(schema_name: &str) -> &str {
    let mut rest = schema_name;
    while let Some((head, tail)) = rest.split_once('.') {
        // A package is a run of dotted words before the schema's own name; a dot after a
        // space is inside a property name (`Connector config confluent.connector.type`).
        if head.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
            && !head.contains(' ')
            && !tail.is_empty()
        {
            rest = tail;
        } else {
            break;
        }
    }
    rest
}

/// The Rust names of an operation's parameters, in the order given as (wire name,
/// location). Two parameters whose names meet after case conversion (`id` in the path and
/// `id` in the query) are told apart by the later one's location (`id_query`). `body` and
/// `params` are the method's own arguments (the request body and the optional
/// parameters), so a parameter of that name is told apart the same way.
pub fn parameter_names(parameters: &[(&str, crate::model::ParameterLocation)]) -> Vec<RustName> {
    let mut scope = Scope::with_reserved(&[BODY_ARGUMENT, PARAMS_ARGUMENT]);
    parameters
        .iter()
        .map(|(wire, location)| {
            let name = snake_ident(wire);
            if !scope.is_taken(&name) {
                return RustName::new(scope.claim(name));
            }
            RustName::new(scope.claim(format!("{name}_{}", location.as_str())))
        })
        .collect()
}

/// The locals of an operation's method, clear of its arguments.
pub fn method_locals(arguments: &[&str]) -> crate::model::MethodLocals {
    let mut scope = Scope::with_reserved(arguments);
    let mut claim = |name: &str| RustName::new(scope.claim(name.to_string()));
    crate::model::MethodLocals {
        request: claim("request"),
        response: claim("response"),
        path: claim("path"),
        query: claim("query"),
        cookies: claim("cookies"),
        value: claim("value"),
        page_url: claim("page_url"),
    }
}

/// The locals of a paging stream method, clear of its arguments.
pub fn stream_locals(arguments: &[&str]) -> crate::model::StreamLocals {
    let mut scope = Scope::with_reserved(arguments);
    let mut claim = |name: &str| RustName::new(scope.claim(name.to_string()));
    crate::model::StreamLocals {
        token: claim("token"),
        page: claim("page"),
        response: claim("response"),
        count: claim("count"),
        value: claim("value"),
        next: claim("next"),
    }
}

/// What a union member offers to name its variant after, in the spec's words: resolve
/// describes a member's content with these, and this module turns them into names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VariantWords {
    /// A schema's name or a title, named as a type is (`Plugin`).
    TypeName(String),
    /// A literal value: a tag property's, or the member's one enum value (`Auto`).
    Value(String),
    /// The kind of value the member holds (`String`, `Array`, `Object`), already a name.
    Kind(&'static str),
    /// A union inside the union, after the first name each of its members offers
    /// (`ImageUrlOrText`); each inner member's offers are listed in order.
    Either(Vec<Vec<VariantWords>>),
    /// A list, after the first name its items offer that is not `Array` (`StringArray`).
    ListOf(Vec<VariantWords>),
    /// An object, after the properties it requires (`IdAndName`).
    Requiring(Vec<String>),
}

impl VariantWords {
    /// The name these words give, when they give one.
    fn name(&self) -> Option<String> {
        match self {
            VariantWords::TypeName(raw) => Some(type_ident(raw, true)),
            VariantWords::Value(raw) => Some(camel_ident(raw)),
            VariantWords::Kind(kind) => Some((*kind).to_string()),
            VariantWords::Either(members) => {
                let firsts: Option<Vec<String>> =
                    members.iter().map(|offers| first_name(offers)).collect();
                firsts.map(|parts| parts.join("Or"))
            }
            VariantWords::ListOf(items) => items
                .iter()
                .filter_map(VariantWords::name)
                .find(|n| n != "Array")
                .map(|item| format!("{item}Array")),
            VariantWords::Requiring(properties) => Some(
                properties
                    .iter()
                    .map(|p| camel_ident(p))
                    .collect::<Vec<_>>()
                    .join("And"),
            ),
        }
    }
}

/// The first name a member's offers give.
fn first_name(offers: &[VariantWords]) -> Option<String> {
    offers.iter().find_map(VariantWords::name)
}

/// The variant names of a union whose members name themselves by content: `offers` holds
/// what each member offers, in order of preference (a title, a tag value, a schema name,
/// a primitive type, its required properties). In each round every member still unnamed
/// proposes its next candidate, and a proposal is taken when no other member proposes or
/// holds it; so the outcome depends on the members' content, not on their order. A member
/// left without a name is numbered by its place (`Variant2`), the last resort.
pub fn union_variant_names(offers: &[Vec<VariantWords>]) -> Vec<String> {
    let candidates: Vec<Vec<String>> = offers
        .iter()
        .map(|words| words.iter().filter_map(VariantWords::name).collect())
        .collect();
    choose_variant_names(&candidates)
}

/// [`union_variant_names`], from each member's names.
fn choose_variant_names(candidates: &[Vec<String>]) -> Vec<String> {
    let mut chosen: Vec<Option<String>> = vec![None; candidates.len()];
    let rounds = candidates.iter().map(Vec::len).max().unwrap_or(0);
    for round in 0..rounds {
        let proposals: Vec<Option<&String>> = candidates
            .iter()
            .zip(&chosen)
            .map(|(c, done)| if done.is_some() { None } else { c.get(round) })
            .collect();
        for i in 0..candidates.len() {
            let Some(name) = proposals[i] else { continue };
            let contested = proposals
                .iter()
                .enumerate()
                .any(|(j, other)| j != i && *other == Some(name))
                || chosen.iter().any(|c| c.as_ref() == Some(name));
            if !contested {
                chosen[i] = Some(name.clone());
            }
        }
    }
    let mut scope = Scope::with_reserved(
        &chosen
            .iter()
            .flatten()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    chosen
        .into_iter()
        .enumerate()
        .map(|(i, c)| c.unwrap_or_else(|| scope.claim(format!("Variant{}", i + 1))))
        .collect()
}

/// The variant of a tagged union that keeps objects whose tag the client does not know.
pub const UNKNOWN_VARIANT: &str = "Unknown";

/// Names the members of one type as they are found, in spec order: the fields of a struct
/// or of a header set (snake_case), or the variants of an enum or a union (UpperCamelCase),
/// told apart by number when two meet after case conversion.
#[derive(Debug)]
pub struct MemberNames {
    scope: Scope,
    variants: bool,
}

impl MemberNames {
    /// Fields of a struct or of a response-header set, named after their wire names.
    pub fn fields() -> Self {
        MemberNames {
            scope: Scope::new(),
            variants: false,
        }
    }

    /// Variants of a string enum, named after their values.
    pub fn variants() -> Self {
        MemberNames {
            scope: Scope::new(),
            variants: true,
        }
    }

    /// Variants of a tagged union, named after their tag values, clear of
    /// [`UNKNOWN_VARIANT`].
    pub fn tagged_variants() -> Self {
        MemberNames {
            scope: Scope::with_reserved(&[UNKNOWN_VARIANT]),
            variants: true,
        }
    }

    /// The next member's name, from its wire name or value.
    pub fn name(&mut self, wire: &str) -> RustName {
        let wanted = if self.variants {
            camel_ident(wire)
        } else {
            snake_ident(wire)
        };
        RustName::new(self.scope.claim(wanted))
    }

    /// The next variant's name, from the type it holds, for unions whose members have no
    /// names of their own (`String`, `Integer`, `Array`; `Variant2` by place otherwise).
    pub fn name_by_type(&mut self, ty: &crate::model::TypeRef, index: usize) -> RustName {
        use crate::model::TypeRef;
        let wanted = match ty {
            TypeRef::String => "String".into(),
            TypeRef::Integer(_) => "Integer".into(),
            TypeRef::Number => "Number".into(),
            TypeRef::Boolean => "Boolean".into(),
            TypeRef::File => "File".into(),
            TypeRef::Array(_) | TypeRef::Tuple(_) => "Array".into(),
            TypeRef::Map(_) => "Object".into(),
            _ => format!("Variant{}", index + 1),
        };
        RustName::new(self.scope.claim(wanted))
    }
}

/// Hands out names unique within one scope (a struct's fields, an enum's variants, the
/// crate's types): the first claimant gets the name, later ones get `2`, `3`, ... appended.
/// Claims are made in spec order, so the outcome is deterministic.
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    pub fn new() -> Self {
        Scope::default()
    }

    /// A scope in which `reserved` names are already taken.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Scope {
            taken: reserved.iter().map(|s| s.to_string()).collect(),
        }
    }

    pub fn is_taken(&self, name: &str) -> bool {
        self.taken.contains(name)
    }

    pub fn claim(&mut self, wanted: String) -> String {
        if self.taken.insert(wanted.clone()) {
            return wanted;
        }
        let sep = if wanted.ends_with(|c: char| c.is_ascii_digit()) {
            "_"
        } else {
            ""
        };
        (2..)
            .map(|n| format!("{wanted}{sep}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .unwrap_or(wanted)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn union_members_are_named_from_the_words_resolve_found() {
        use VariantWords::*;
        let offers = vec![
            // A list of lists of strings is named by the first item name that is not
            // `Array`.
            vec![ListOf(vec![Kind("Array"), Kind("String")])],
            // A union inside: the first name of each of its members.
            vec![Either(vec![
                vec![TypeName("image url".into())],
                vec![ListOf(vec![Kind("Array")]), Kind("String")],
            ])],
            // The title comes first; an empty list of words names nothing.
            vec![ListOf(Vec::new()), TypeName("plugin.v1.Plugin".into())],
            vec![Requiring(vec!["id".into(), "display-name".into()])],
            vec![Value("on hold".into())],
            // Offers nothing: numbered by its place.
            vec![Either(vec![vec![Kind("String")], Vec::new()])],
        ];
        assert_eq!(
            union_variant_names(&offers),
            [
                "StringArray",
                "ImageUrlOrString",
                "Plugin",
                "IdAndDisplayName",
                "OnHold",
                "Variant6"
            ]
        );
    }

    #[test]
    fn union_variants_are_named_by_content_whatever_their_order() {
        let names = |c: &[&[&str]]| {
            let c: Vec<Vec<String>> = c
                .iter()
                .map(|m| m.iter().map(|s| s.to_string()).collect())
                .collect();
            choose_variant_names(&c)
        };
        // Two members offer `String`: neither takes it, each takes its next name.
        assert_eq!(
            names(&[&["Auto", "String"], &["String"], &["Plugin"]]),
            ["Auto", "String", "Plugin"]
        );
        assert_eq!(
            names(&[&["String"], &["Plugin"], &["Auto", "String"]]),
            ["String", "Plugin", "Auto"]
        );
        assert_eq!(
            names(&[&["Object", "ImageUrl"], &["Object", "FileId"]]),
            ["ImageUrl", "FileId"]
        );
        // Nothing tells two members apart: numbered, as a last resort.
        assert_eq!(names(&[&["Object"], &["Object"]]), ["Variant1", "Variant2"]);
        assert_eq!(names(&[&[], &["Variant1"]]), ["Variant1_2", "Variant1"]);
    }

    #[test]
    fn snake_names() {
        assert_eq!(
            snake_ident("getConnectV1CustomConnectorPlugin"),
            "get_connect_v1_custom_connector_plugin"
        );
        assert_eq!(snake_ident("X-RateLimit-Limit"), "x_rate_limit_limit");
        assert_eq!(snake_ident("type"), "type_");
        assert_eq!(snake_ident("self"), "self_");
        assert_eq!(snake_ident("1st"), "n1st");
        assert_eq!(snake_ident(""), "value");
        assert_eq!(snake_ident("spec.display_name"), "spec_display_name");
        assert_eq!(snake_ident("naïve"), "na_ve");
    }

    #[test]
    fn camel_names() {
        assert_eq!(
            camel_ident("PRESIGNED_URL_LOCATION"),
            "PresignedUrlLocation"
        );
        assert_eq!(camel_ident("connect/v1"), "ConnectV1");
        assert_eq!(camel_ident("2xx"), "V2xx");
        assert_eq!(camel_ident("-"), "Empty");
        assert_eq!(camel_ident("self"), "SelfValue");
    }

    #[test]
    fn type_names_drop_the_package_and_avoid_prelude_names() {
        assert_eq!(
            type_ident("connect.v1.CustomConnectorPlugin", true),
            "CustomConnectorPlugin"
        );
        assert_eq!(
            type_ident("connect.v1.UploadSource.PresignedUrl", true),
            "UploadSourcePresignedUrl"
        );
        assert_eq!(
            type_ident("connect.v1.CustomConnectorPlugin", false),
            "ConnectV1CustomConnectorPlugin"
        );
        assert_eq!(type_ident("String", true), "StringType");
        assert_eq!(type_ident("Error", true), "ErrorType");
        assert_eq!(type_ident("v1", true), "V1");
        // A dotted property name is not a package: the name keeps its schema.
        assert_eq!(
            type_ident("connect.v1.Connector config confluent.connector.type", true),
            "ConnectorConfigConfluentConnectorType"
        );
        assert_eq!(
            type_ident("inline_object config confluent.connector.type", true),
            "InlineObjectConfigConfluentConnectorType"
        );
    }

    #[test]
    fn parameters_meeting_after_case_conversion_are_told_apart_by_location() {
        use crate::model::ParameterLocation::*;
        let names = parameter_names(&[
            ("id", Path),
            ("id", Query),
            ("Id", Header),
            ("body", Query),
            ("page-size", Query),
            ("page_size", Cookie),
        ]);
        assert_eq!(
            names,
            vec![
                "id",
                "id_query",
                "id_header",
                "body_query",
                "page_size",
                "page_size_cookie"
            ]
        );
    }

    #[test]
    fn locals_step_aside_for_parameters() {
        let locals = method_locals(&["request", "path", "query", "value", "self_"]);
        assert_eq!(locals.request, "request2");
        assert_eq!(locals.path, "path2");
        assert_eq!(locals.query, "query2");
        assert_eq!(locals.value, "value2");
        assert_eq!(locals.response, "response");
        let locals = stream_locals(&["token", "page", "params"]);
        assert_eq!(
            (locals.token.as_str(), locals.page.as_str()),
            ("token2", "page2")
        );
    }

    #[test]
    fn scope_suffixes_collisions_in_claim_order() {
        let mut scope = Scope::with_reserved(&["Client"]);
        assert_eq!(scope.claim("Client".into()), "Client2");
        assert_eq!(scope.claim("A".into()), "A");
        assert_eq!(scope.claim("A".into()), "A2");
        assert_eq!(scope.claim("V1".into()), "V1");
        assert_eq!(scope.claim("V1".into()), "V1_2");
    }
}
