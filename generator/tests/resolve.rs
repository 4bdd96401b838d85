//! What the resolver makes of each construct, and the diagnostics it gives for broken
//! specs, checked on the model rather than on the rendered text.

mod common;

use generator::diagnostics::{Diagnostic, Severity};
use generator::model::{Api, TypeKind, TypeRef};

fn model(text: &str) -> Api {
    match generator::resolve_model(text) {
        Ok((api, _)) => api,
        Err(d) => panic!("{d:#?}"),
    }
}

fn errors(text: &str) -> Vec<Diagnostic> {
    match generator::resolve_model(text) {
        Ok(_) => panic!("expected the spec to be rejected"),
        Err(d) => d
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .collect(),
    }
}

fn fixture(name: &str) -> String {
    common::fixtures()
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, t)| t)
        .expect("fixture exists")
}

fn type_names(api: &Api) -> Vec<&str> {
    api.types.iter().map(|t| t.name.as_str()).collect()
}

fn struct_fields<'a>(api: &'a Api, name: &str) -> Vec<&'a str> {
    let def = api
        .types
        .iter()
        .find(|t| t.name == name)
        .unwrap_or_else(|| panic!("no type {name}"));
    match &def.kind {
        TypeKind::Struct(s) => s.fields.iter().map(|f| f.wire_name.as_str()).collect(),
        other => panic!("{name} is not a struct: {other:?}"),
    }
}

const HEAD: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n";

#[test]
fn required_only_overlays_reuse_the_referenced_type() {
    let api = model(&fixture("all_of_required_only"));
    assert_eq!(type_names(&api), vec!["Plugin", "ListPluginsResponse"]);
    let plugin = TypeRef::Named(generator::model::TypeId(0));
    assert_eq!(api.operations[0].success.body.as_ref(), Some(&plugin));
}

#[test]
fn all_of_refinements_merge_into_one_type_with_combined_required() {
    let api = model(&fixture("all_of_refinement"));
    assert_eq!(type_names(&api), vec!["ObjectMeta", "Thing"]);
    assert_eq!(
        struct_fields(&api, "Thing"),
        vec!["id", "kind", "name", "meta"]
    );
    let TypeKind::Struct(thing) = &api.types[1].kind else {
        panic!("struct")
    };
    let required: Vec<&str> = thing
        .fields
        .iter()
        .filter(|f| f.required)
        .map(|f| f.wire_name.as_str())
        .collect();
    assert_eq!(required, vec!["id", "name"]);
    assert_eq!(thing.fields[2].constraints.max_length, Some(10));
}

#[test]
fn discriminated_one_of_is_tagged_and_variants_lose_the_tag_field() {
    let api = model(&fixture("one_of_discriminator"));
    let tagged: Vec<_> = api
        .types
        .iter()
        .filter_map(|t| match &t.kind {
            TypeKind::Tagged(d) => Some((t.name.as_str(), d)),
            _ => None,
        })
        .collect();
    assert_eq!(
        tagged.len(),
        2,
        "one for requests (closed) and one for responses (open)"
    );
    for (name, def) in &tagged {
        let values: Vec<&str> = def.variants.iter().map(|v| v.tag_value.as_str()).collect();
        assert_eq!(values, vec!["PRESIGNED_URL_LOCATION", "GitRepo"], "{name}");
        assert_eq!(def.open, *name == "Source");
    }
    assert_eq!(struct_fields(&api, "PresignedUrl"), vec!["upload_id"]);
    assert_eq!(struct_fields(&api, "GitRepo"), vec!["url"]);
}

#[test]
fn read_only_fields_are_left_out_of_request_types() {
    let api = model(&fixture("read_only"));
    assert_eq!(
        struct_fields(&api, "ApiKey"),
        vec!["id", "secret", "description", "owner"]
    );
    assert_eq!(
        struct_fields(&api, "ApiKeyRequest"),
        vec!["description", "owner"]
    );
    // Owner is the same both ways, so it is one type, validated because requests use it.
    let owners: Vec<_> = api
        .types
        .iter()
        .filter(|t| t.name.starts_with("Owner"))
        .collect();
    assert_eq!(owners.len(), 1);
    assert!(owners[0].validated);
    assert!(!api
        .types
        .iter()
        .find(|t| t.name == "ApiKey")
        .is_some_and(|t| t.validated));
}

#[test]
fn seed_operation_is_modelled() {
    let api = model(&common::seed_spec());
    let op = &api.operations[0];
    assert_eq!(op.names.method, "get_connect_v1_custom_connector_plugin");
    assert_eq!(
        op.accepts,
        generator::model::Accepts {
            basic: true,
            bearer: true,
            anonymous: false,
            keys: Vec::new(),
        }
    );
    // 400, 401, 403, 404, 429 and 500.
    assert_eq!(op.errors.len(), 6);
    // Six inline copies of Failure (and its Error item) become one type each.
    assert_eq!(api.types.iter().filter(|t| t.name == "Failure").count(), 1);
    assert_eq!(
        api.default_server.as_deref(),
        Some("https://api.confluent.cloud")
    );
    let headers = &api.header_sets[op.success.headers.expect("documented").0];
    let kinds: Vec<_> = headers
        .headers
        .iter()
        .map(|h| (h.rust_name.as_str(), h.kind))
        .collect();
    use generator::model::HeaderKind::*;
    assert_eq!(
        kinds,
        vec![
            ("x_request_id", String),
            ("x_rate_limit_limit", Integer),
            ("x_rate_limit_remaining", Integer),
            ("x_rate_limit_reset", Seconds)
        ]
    );
    assert_eq!(api.security_schemes.len(), 2);
}

/// The seed page prints the discriminator mapping with the target schema inline; the
/// error for that form says where and what to do.
#[test]
fn the_seed_as_printed_gets_an_actionable_error() {
    let page = std::fs::read_to_string(
        common::repo_root().join("../shared/seed/000_5bca21f154913c5e.txt"),
    );
    let Ok(page) = page else {
        eprintln!("skipped: ../shared/seed is not present");
        return;
    };
    let start = page.find("paths:\n").expect("the page holds YAML");
    let text = format!("{HEAD}{}", &page[start..]);
    let errors = errors(&text);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let e = &errors[0];
    assert!(
        e.pointer
            .ends_with("/upload_source/discriminator/mapping/PRESIGNED_URL_LOCATION"),
        "{}",
        e.pointer
    );
    assert!(e.position.is_some());
    assert!(
        e.message.contains("inline schema") && e.message.contains("requires a reference"),
        "{}",
        e.message
    );
    let help = e.help.as_deref().unwrap_or_default();
    assert!(
        help.contains("`connect.v1.UploadSource.PresignedUrl`"),
        "{help}"
    );
    assert!(
        help.contains("'#/components/schemas/connect.v1.UploadSource.PresignedUrl'"),
        "{help}"
    );
}

#[test]
fn broken_references_are_reported_with_their_pointer() {
    let text = format!(
        "{HEAD}paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: x\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Missing'}}\n        '400':\n          description: y\n          content:\n            application/json:\n              schema: {{$ref: 'other.yaml#/Thing'}}\n"
    );
    let errors = errors(&text);
    assert_eq!(errors.len(), 2, "{errors:#?}");
    assert_eq!(
        errors[0].pointer,
        "/paths/~1a/get/responses/200/content/application~1json/schema/$ref"
    );
    assert!(errors[0].message.contains("`#/components/schemas/Missing`"));
    assert_eq!(errors[0].position.map(|p| p.line), Some(11));
    assert!(
        errors[1].message.contains("names another file"),
        "{}",
        errors[1].message
    );
}

#[test]
fn repeated_operation_ids_and_undeclared_path_parameters_warn_and_still_generate() {
    let text = format!(
        "{HEAD}paths:\n  /a/{{id}}:\n    get:\n      operationId: same\n      responses: {{'200': {{description: x}}}}\n  /b:\n    get:\n      operationId: same\n      responses: {{'200': {{description: x}}}}\n"
    );
    let (api, warnings) = generator::resolve_model(&text).expect("generates");
    let messages: Vec<&str> = warnings.iter().map(|e| e.message.as_str()).collect();
    assert_eq!(warnings.len(), 2, "{messages:?}");
    assert!(
        messages
            .iter()
            .any(|m| m.contains("no path parameter `id`")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("operationId `same` is already used")),
        "{messages:?}"
    );
    let methods: Vec<&str> = api
        .operations
        .iter()
        .map(|o| o.names.method.as_str())
        .collect();
    assert_eq!(methods, vec!["same", "same2"]);
    let id = &api.operations[0].parameters[0];
    assert_eq!(
        (id.wire_name.as_str(), id.ty.clone()),
        ("id", TypeRef::String)
    );
}

#[test]
fn all_of_cycles_and_unknown_types_are_errors() {
    let text = format!(
        "{HEAD}paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: x\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/A'}}\ncomponents:\n  schemas:\n    A:\n      allOf: [{{$ref: '#/components/schemas/B'}}, {{properties: {{x: {{type: strin}}}}}}]\n    B:\n      allOf: [{{$ref: '#/components/schemas/A'}}]\n"
    );
    let errors = errors(&text);
    let messages: Vec<&str> = errors.iter().map(|e| e.message.as_str()).collect();
    assert!(
        messages.iter().any(|m| m.contains("allOf cycle")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("`strin` is not a JSON Schema type")),
        "{messages:?}"
    );
}

#[test]
fn patterns_the_client_cannot_check_are_dropped_with_a_warning() {
    let text = format!(
        "{HEAD}paths:\n  /a:\n    post:\n      requestBody:\n        content:\n          application/json:\n            schema:\n              type: object\n              properties:\n                name: {{type: string, pattern: '^(?=a)b'}}\n      responses: {{'204': {{description: x}}}}\n"
    );
    let (api, warnings) = generator::resolve_model(&text).expect("generates");
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(
        warnings[0].pointer.ends_with("/properties/name/pattern"),
        "{}",
        warnings[0].pointer
    );
    let TypeKind::Struct(s) = &api.types[0].kind else {
        panic!("struct")
    };
    assert_eq!(s.fields[0].constraints.pattern, None);
}

#[test]
fn untagged_variants_put_specific_shapes_first() {
    let api = model(&fixture("one_of_untagged"));
    let def = api
        .types
        .iter()
        .find(|t| t.name == "GetValueResponseEither")
        .expect("exists");
    let TypeKind::Untagged(u) = &def.kind else {
        panic!("untagged")
    };
    let names: Vec<&str> = u.variants.iter().map(|v| v.rust_name.as_str()).collect();
    assert_eq!(names, vec!["Array", "Pair"]);
}

/// A chain of references longer than the nesting bound of one schema: each schema's
/// property is the next schema. References cannot loop, so the chain may be as long as
/// the document has schemas.
#[test]
fn long_chains_of_references_resolve() {
    let mut text = format!(
        "{HEAD}paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: x\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/S0'}}\ncomponents:\n  schemas:\n"
    );
    for i in 0..300 {
        text.push_str(&format!(
            "    S{i}: {{type: object, properties: {{next: {{$ref: '#/components/schemas/S{}'}}}}}}\n",
            i + 1
        ));
    }
    text.push_str("    S300: {type: string}\n");
    let api = model(&text);
    assert_eq!(api.types.len(), 301);
}

/// A schema that is only a reference to itself, directly or through another, defines
/// nothing: an error, not endless recursion.
#[test]
fn schemas_that_are_only_references_to_themselves_are_errors() {
    for schemas in [
        "    A: {$ref: '#/components/schemas/A'}\n",
        "    A: {$ref: '#/components/schemas/B'}\n    B: {$ref: '#/components/schemas/A'}\n",
    ] {
        let text = format!(
            "{HEAD}paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: x\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/A'}}\ncomponents:\n  schemas:\n{schemas}"
        );
        let errors = errors(&text);
        assert!(
            errors
                .iter()
                .any(|e| e.message.contains("defined only in terms of itself")),
            "{errors:#?}"
        );
    }
}

/// Types no operation can reach are not generated: a component only an example mentions,
/// and the bodies of error statuses that the operation's error type does not use.
#[test]
fn unreachable_types_are_not_generated() {
    let api = model(
        r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /things:
    get:
      operationId: listThings
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Thing'}
        '400':
          description: bad
          content:
            application/json:
              schema: {type: object, properties: {code: {type: integer}}}
        '500':
          description: broken
          content:
            application/json:
              schema: {type: object, properties: {error_code: {type: integer}, detail: {type: string}}}
components:
  schemas:
    Thing:
      type: object
      properties:
        part: {$ref: '#/components/schemas/Part'}
    Part: {type: object, properties: {name: {type: string}}}
    Unused:
      type: object
      properties: {x: {type: string}}
      example: {x: y}
"#,
    );
    assert_eq!(type_names(&api), vec!["Thing", "Part"]);
    assert!(api.examples.iter().all(|e| !e.pointer.contains("Unused")));
}

/// Typed formats, and where a request's string keeps its rules by staying a string; error
/// bodies that are not JSON are read as JSON values when they parse.
#[test]
fn formats_rules_and_non_json_error_bodies() {
    use generator::model::StringFormat;
    let api = model(
        r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /links:
    post:
      operationId: createLink
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              properties:
                link: {type: string, format: uri}
                short: {type: string, format: uri, maxLength: 10}
                at: {type: string, format: date-time}
      responses:
        '204': {description: ok}
        '404':
          description: missing
          content:
            application/xml:
              schema: {type: object}
"#,
    );
    let def = api
        .types
        .iter()
        .find(|t| t.name.contains("Request") || t.name.contains("Link"))
        .expect("the body type");
    let TypeKind::Struct(s) = &def.kind else {
        panic!("a struct: {def:?}")
    };
    let ty = |name: &str| {
        s.fields
            .iter()
            .find(|f| f.rust_name == name)
            .map(|f| f.ty.clone())
            .expect("the field")
    };
    assert_eq!(ty("link"), TypeRef::Format(StringFormat::Url));
    assert_eq!(ty("short"), TypeRef::String);
    assert_eq!(ty("at"), TypeRef::Format(StringFormat::DateTime));
    assert_eq!(api.operations[0].error_body, TypeRef::Json);
}

/// A union's variants are named by what each member is, so writing its members in another
/// order names them the same.
#[test]
fn union_variant_names_do_not_depend_on_member_order() {
    let members = [
        "{type: number}",
        "{type: string, enum: [auto]}",
        "{type: array, items: {type: string}}",
        "{type: array, items: {type: integer}}",
        "{type: object, required: [url], properties: {url: {type: string}}}",
        "{title: Named tool, type: object, properties: {name: {type: string}}}",
        "{$ref: '#/components/schemas/Pair'}",
    ];
    let variants = |order: &[usize]| -> Vec<(String, String)> {
        let listed: Vec<String> = order
            .iter()
            .map(|&i| format!("        - {}", members[i]))
            .collect();
        let spec = format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /c:\n    get:\n      operationId: getChoice\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '#/components/schemas/Choice'}}\ncomponents:\n  schemas:\n    Pair: {{type: object, properties: {{left: {{type: string}}}}}}\n    Choice:\n      oneOf:\n{}\n",
            listed.join("\n")
        );
        let api = model(&spec);
        let choice = api
            .types
            .iter()
            .find(|t| t.name == "Choice")
            .unwrap_or_else(|| panic!("the union is a type: {:?}", type_names(&api)));
        let TypeKind::Untagged(u) = &choice.kind else {
            panic!("{:?}", choice.kind)
        };
        let mut named: Vec<(String, String)> = u
            .variants
            .iter()
            .map(|v| (v.rust_name.to_string(), generator::type_name(&api, &v.ty)))
            .collect();
        named.sort();
        named
    };
    let forward = variants(&[0, 1, 2, 3, 4, 5, 6]);
    let backward = variants(&[6, 5, 4, 3, 2, 1, 0]);
    assert_eq!(forward, backward);
    let names: Vec<&str> = forward.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "Auto",
            "IntegerArray",
            "NamedTool",
            "Number",
            "Pair",
            "StringArray",
            "Url"
        ]
    );
}

/// "Any string, or one of these": `Open` of the known values, whatever the order and
/// with null allowed.
#[test]
fn a_free_string_beside_string_enums_is_open_of_the_known_values() {
    let api = model(&fixture("unions_named"));
    let alias = |name: &str| {
        let def = api
            .types
            .iter()
            .find(|t| t.name == name)
            .unwrap_or_else(|| panic!("{name} is a type: {:?}", type_names(&api)));
        match &def.kind {
            TypeKind::Alias(t) => generator::type_name(&api, t),
            other => panic!("{name} is {other:?}"),
        }
    };
    assert_eq!(alias("ModelId"), "Open<ModelIdKnown>");
    assert_eq!(alias("Voice"), "Option<Open<KnownVoice>>");
    assert_eq!(alias("ResponsesModelId"), "Open<ResponsesModelIdKnown>");
    let known = api
        .types
        .iter()
        .find(|t| t.name == "ResponsesModelIdKnown")
        .expect("the merged known values are a type");
    let TypeKind::Enum(e) = &known.kind else {
        panic!("{:?}", known.kind)
    };
    let values: Vec<&str> = e.variants.iter().map(|v| v.wire_value.as_str()).collect();
    assert_eq!(values, ["model-deep", "model-large", "model-small"]);
    // Members that only say which properties are required leave the object itself.
    assert_eq!(
        struct_fields(&api, "CompletionRequestImage"),
        ["image_url", "file_id"]
    );
}

/// Paging recognized by names and types in each spelling public APIs use, and none where
/// an operation only looks like a list that pages.
#[test]
fn paging_is_recognized_in_each_spelling_and_only_there() {
    let op = |id: &str, params: &str, body: &str| {
        format!(
            "  /{id}:\n    get:\n      operationId: {id}\n      parameters: [{params}]\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {body}\n"
        )
    };
    let q = |name: &str, ty: &str| format!("{{name: {name}, in: query, schema: {{type: {ty}}}}}");
    let things = "{type: array, items: {$ref: '#/components/schemas/Thing'}}";
    let paths = [
        op("google", &q("pageToken", "string"), &format!("{{type: object, properties: {{things: {things}, nextPageToken: {{type: string}}}}}}")),
        op("s3", &q("marker", "string"), &format!("{{type: object, properties: {{contents: {things}, next_marker: {{type: string}}}}}}")),
        op("stripe", &q("starting_after", "string"), &format!("{{type: object, properties: {{data: {things}, has_more: {{type: boolean}}}}}}")),
        op("hal", "", &format!("{{type: object, properties: {{items: {things}, _links: {{type: object, properties: {{next: {{type: object, properties: {{href: {{type: string}}}}}}}}}}}}}}")),
        op("skip", &format!("{}, {}", q("skip", "integer"), q("top", "integer")), things),
        op("usage", &q("page", "string"), &format!("{{type: object, properties: {{data: {things}, next_page: {{type: string}}}}}}")),
        op("noNext", &q("cursor", "string"), &format!("{{type: object, properties: {{items: {things}}}}}")),
        op("pageOfABook", &q("page", "integer"), things),
        op("afterAlone", &q("after", "string"), &format!("{{type: object, properties: {{data: {things}}}}}")),
        op("twoLists", &q("cursor", "string"), &format!("{{type: object, properties: {{left: {things}, right: {things}, next_cursor: {{type: string}}}}}}")),
        op("oneThing", "", "{$ref: '#/components/schemas/Thing'}"),
    ];
    let spec = format!(
        "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n{}components:\n  schemas:\n    Thing: {{type: object, required: [id], properties: {{id: {{type: string}}}}}}\n",
        paths.concat()
    );
    let api = model(&spec);
    let style = |id: &str| {
        let op = api
            .operations
            .iter()
            .find(|o| o.operation_id == id)
            .unwrap_or_else(|| panic!("{id} is an operation"));
        op.findings.pagination.as_ref().map(|p| p.style.name())
    };
    assert_eq!(style("google"), Some("cursor"));
    assert_eq!(style("s3"), Some("cursor"));
    assert_eq!(style("stripe"), Some("after"));
    assert_eq!(style("hal"), Some("next URL"));
    assert_eq!(style("skip"), Some("offset"));
    assert_eq!(
        style("usage"),
        Some("cursor"),
        "a string `page` is a cursor"
    );
    for id in [
        "noNext",
        "pageOfABook",
        "afterAlone",
        "twoLists",
        "oneThing",
    ] {
        assert_eq!(style(id), None, "{id} must not page");
    }
    let note = |id: &str| paging_note(&api, id);
    assert!(
        note("noNext").contains("no next cursor"),
        "{}",
        note("noNext")
    );
    assert!(
        note("pageOfABook").contains("no page size"),
        "{}",
        note("pageOfABook")
    );
    assert!(
        note("afterAlone").contains("no `has_more`"),
        "{}",
        note("afterAlone")
    );
    assert!(
        note("google").starts_with("pages by cursor"),
        "{}",
        note("google")
    );
}

/// `x-pagination` says what names cannot, or turns paging off; a declaration that names
/// what the operation does not have is a note, not a stream.
#[test]
fn x_pagination_declares_corrects_or_turns_off_paging() {
    let spec = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /declared:
    get:
      operationId: declared
      x-pagination: {style: offset, param: start, items: rows, total: meta.count}
      parameters: [{name: start, in: query, schema: {type: integer}}]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  rows: {type: array, items: {type: string}}
                  meta: {type: object, properties: {count: {type: integer}}}
  /off:
    get:
      operationId: off
      x-pagination: false
      parameters: [{name: cursor, in: query, schema: {type: string}}]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  items: {type: array, items: {type: string}}
                  next_cursor: {type: string}
  /wrong:
    get:
      operationId: wrong
      x-pagination: {style: cursor, param: nope, next: next_cursor}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  items: {type: array, items: {type: string}}
                  next_cursor: {type: string}
  /azure:
    get:
      operationId: azure
      x-ms-pageable: {nextLinkName: nextLink, itemName: value}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  value: {type: array, items: {type: string}}
                  nextLink: {type: string}
"#;
    let api = model(spec);
    let paging = |id: &str| {
        api.operations
            .iter()
            .find(|o| o.operation_id == id)
            .and_then(|o| o.findings.pagination.as_ref())
    };
    let declared = paging("declared").expect("declared paging");
    assert!(declared.declared);
    assert!(matches!(
        &declared.style,
        generator::model::PagingStyle::Offset { by_page: false, total: Some(total), .. } if total.len() == 2
    ));
    assert!(paging("off").is_none());
    assert!(paging("wrong").is_none());
    assert_eq!(paging("azure").map(|p| p.style.name()), Some("next URL"));
    let note = |id: &str| paging_note(&api, id);
    assert!(
        note("wrong").contains("`param: nope` is not an optional string query parameter"),
        "{}",
        note("wrong")
    );
    assert!(note("off").contains("the spec says so"), "{}", note("off"));
}

/// What the generate summary says of an operation's paging (empty when nothing).
fn paging_note(api: &Api, operation_id: &str) -> String {
    api.paging_notes()
        .into_iter()
        .find(|n| n.operation_id == operation_id)
        .map(|n| n.note)
        .unwrap_or_default()
}

#[test]
fn an_event_stream_beside_json_gets_an_events_method_typed_by_its_schema() {
    let api = model(&common::read_repo_file(
        "generator/tests/fixtures/e2e/streams.yaml",
    ));
    let op = |id: &str| {
        api.operations
            .iter()
            .find(|o| o.operation_id == id)
            .unwrap_or_else(|| panic!("no operation {id}"))
    };
    let completion = op("createCompletion");
    let stream = completion.success.stream.as_ref().expect("a stream");
    assert_eq!(stream.format, generator::model::EventFormat::Sse);
    let switch = completion
        .findings
        .stream_switch
        .as_ref()
        .expect("the stream switch");
    assert_eq!(
        (
            switch.wire_name.as_str(),
            switch.field.as_str(),
            switch.options
        ),
        ("stream", "stream", 1)
    );
    let TypeRef::Named(item) = &stream.item else {
        panic!("{:?}", stream.item)
    };
    assert_eq!(api.types[item.0].name, "CompletionChunk");
    // The JSON method stays, answering the JSON body.
    assert_eq!(completion.names.method, "create_completion");
    assert_eq!(
        completion.names.events.as_deref(),
        Some("create_completion_events")
    );
    let export = op("readExport").success.stream.as_ref().expect("a stream");
    assert_eq!(export.format, generator::model::EventFormat::JsonLines);
    assert!(op("uploadFile").success.stream.is_none());
}

#[test]
fn an_upload_body_holds_files_where_the_schema_says_binary() {
    let api = model(&common::read_repo_file(
        "generator/tests/fixtures/e2e/streams.yaml",
    ));
    let upload = api
        .types
        .iter()
        .find(|t| t.name == "FileUpload")
        .expect("the upload type");
    let TypeKind::Struct(s) = &upload.kind else {
        panic!("{:?}", upload.kind)
    };
    let field = |name: &str| {
        &s.fields
            .iter()
            .find(|f| f.wire_name == name)
            .expect("a field")
            .ty
    };
    assert_eq!(field("file"), &TypeRef::File);
    assert_eq!(
        field("attachments"),
        &TypeRef::Array(Box::new(TypeRef::File))
    );
    assert_eq!(field("notes"), &TypeRef::String);
    let op = &api
        .operations
        .iter()
        .find(|o| o.operation_id == "uploadFile")
        .expect("op");
    let body = op.request_body.as_ref().expect("a body");
    let encodings: Vec<(&str, Option<&str>)> = body
        .form_fields
        .iter()
        .map(|f| (f.name.as_str(), f.content_type.as_deref()))
        .collect();
    assert_eq!(
        encodings,
        [
            ("metadata", Some("application/json")),
            ("notes", Some("text/markdown"))
        ]
    );
    // A binary string outside an upload stays what it was.
    let stored = api
        .types
        .iter()
        .find(|t| t.name == "StoredFile")
        .expect("type");
    assert!(!format!("{:?}", stored.kind).contains("File)"));
}

#[test]
fn a_3_2_item_schema_types_the_data_of_each_event() {
    let api = model(
        "openapi: 3.2.0\ninfo: {title: t, version: '1'}\npaths:\n  /ticks:\n    get:\n      operationId: ticks\n      responses:\n        '200':\n          description: ok\n          content:\n            text/event-stream:\n              itemSchema:\n                type: object\n                properties:\n                  event: {type: string}\n                  data:\n                    type: string\n                    contentMediaType: application/json\n                    contentSchema: {$ref: '#/components/schemas/Tick'}\n  /lines:\n    get:\n      operationId: lines\n      responses:\n        '200':\n          description: ok\n          content:\n            application/jsonl:\n              itemSchema: {$ref: '#/components/schemas/Tick'}\n  /plain:\n    get:\n      operationId: plain\n      responses:\n        '200':\n          description: ok\n          content:\n            text/event-stream:\n              itemSchema:\n                type: object\n                properties:\n                  data: {type: string}\ncomponents:\n  schemas:\n    Tick:\n      type: object\n      properties:\n        price: {type: number}\n",
    );
    let item = |id: &str| {
        let op = api
            .operations
            .iter()
            .find(|o| o.operation_id == id)
            .expect("op");
        op.success.stream.as_ref().expect("a stream").item.clone()
    };
    let tick = |t: TypeRef| match t {
        TypeRef::Named(id) => api.types[id.0].name.to_string(),
        other => format!("{other:?}"),
    };
    assert_eq!(tick(item("ticks")), "Tick");
    assert_eq!(tick(item("lines")), "Tick");
    // Data the schema gives as a plain string is kept as text.
    assert_eq!(item("plain"), TypeRef::String);
}
