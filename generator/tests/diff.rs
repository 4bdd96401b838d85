//! The change report between two versions of a spec.

mod common;

fn model(name: &str) -> generator::model::Api {
    let path = common::repo_root()
        .join("generator/tests/fixtures/diff")
        .join(name);
    let text = std::fs::read_to_string(&path).expect("the fixture reads");
    generator::resolve_model(&text)
        .expect("the fixture resolves")
        .0
}

/// Each change the report lists, and whether it breaks callers.
fn changes(report: &generator::diff::ApiDiff) -> Vec<(&str, bool)> {
    report
        .changes
        .iter()
        .map(|c| (c.what.as_str(), c.breaking))
        .collect()
}

#[test]
fn the_report_names_removed_fields_and_added_operations() {
    let (old, new) = (model("old.yaml"), model("new.yaml"));
    let report = generator::diff::diff(&old, &new);
    let whats = changes(&report);
    assert!(
        whats.contains(&("removed field `Environment::display_name`", true)),
        "{whats:?}"
    );
    assert!(
        whats.contains(&("added operation `Client::create_environment`", false)),
        "{whats:?}"
    );
    assert!(
        whats.contains(&("removed operation `Client::delete_environment`", true)),
        "{whats:?}"
    );
    assert_eq!(report.semver(), "major");
    insta::assert_snapshot!("old_to_new", report.to_markdown("environments-client"));
}

#[test]
fn the_report_back_the_other_way_is_the_mirror() {
    let (old, new) = (model("old.yaml"), model("new.yaml"));
    let back = generator::diff::diff(&new, &old);
    let whats: Vec<&str> = back.changes.iter().map(|c| c.what.as_str()).collect();
    assert!(
        whats.contains(&"added field `Environment::display_name`"),
        "{whats:?}"
    );
    assert!(
        whats.contains(&"removed operation `Client::create_environment`"),
        "{whats:?}"
    );
    insta::assert_snapshot!("new_to_old", back.to_markdown("environments-client"));
}

#[test]
fn an_unchanged_spec_or_a_documentation_change_is_a_patch() {
    let old = model("old.yaml");
    let same = generator::diff::diff(&old, &old);
    assert!(same.changes.is_empty(), "{:?}", same.changes);
    assert_eq!(same.semver(), "patch");
    // Only descriptions differ: nothing the Rust API shows.
    let text =
        std::fs::read_to_string(common::repo_root().join("generator/tests/fixtures/diff/old.yaml"))
            .expect("reads")
            .replace(
                "operationId: listEnvironments",
                "operationId: listEnvironments\n      description: Lists them.",
            );
    let documented = generator::resolve_model(&text).expect("resolves").0;
    assert!(generator::diff::diff(&old, &documented).changes.is_empty());
}

#[test]
fn only_additions_are_a_minor_change() {
    let old = model("old.yaml");
    let text =
        std::fs::read_to_string(common::repo_root().join("generator/tests/fixtures/diff/old.yaml"))
            .expect("reads")
            .replace(
            "components:",
            "  /health:\n    get:\n      operationId: health\n      responses: {'204': {description: up}}\ncomponents:",
        );
    let grown = generator::resolve_model(&text).expect("resolves").0;
    let report = generator::diff::diff(&old, &grown);
    assert_eq!(report.changes.len(), 1, "{:?}", report.changes);
    assert_eq!(report.changes[0].what, "added operation `Client::health`");
    assert_eq!(report.semver(), "minor");
}

/// `new` takes the required properties in the spec's order: a new order is a break the
/// report names, since two string arguments could otherwise swap without a compile error.
#[test]
fn a_new_order_of_required_properties_is_a_break() {
    let spec = |first: &str, second: &str| {
        format!(
            "openapi: 3.0.3\ninfo: {{title: t, version: '1'}}\npaths:\n  /x:\n    post:\n      operationId: createX\n      requestBody:\n        required: true\n        content:\n          application/json:\n            schema: {{$ref: '#/components/schemas/X'}}\n      responses: {{'204': {{description: ok}}}}\ncomponents:\n  schemas:\n    X:\n      type: object\n      required: [{first}, {second}]\n      properties:\n        {first}: {{type: string}}\n        {second}: {{type: string}}\n"
        )
    };
    let resolve = |text: String| generator::resolve_model(&text).expect("resolves").0;
    let report = generator::diff::diff(
        &resolve(spec("name", "region")),
        &resolve(spec("region", "name")),
    );
    let whats: Vec<&str> = report.changes.iter().map(|c| c.what.as_str()).collect();
    assert_eq!(
        whats,
        vec!["changed the arguments of `X::new`"],
        "{:?}",
        report.changes
    );
    assert_eq!(report.semver(), "major");
}

/// Two inline schemas that become the same shape are one type; the report says where the
/// other one went rather than only that it is gone.
#[test]
fn a_type_folded_into_its_twin_is_reported_with_where_it_went() {
    let spec = |shipping: &str| {
        format!(
            r#"
openapi: 3.0.3
info: {{title: Shop, version: '1'}}
paths:
  /orders:
    get:
      operationId: getOrder
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  billing:
                    type: object
                    properties: {{street: {{type: string}}, city: {{type: string}}}}
                  shipping:
                    type: object
                    description: Where it goes.
                    properties: {{street: {{type: string}}, {shipping}: {{type: string}}}}
"#
        )
    };
    let model = |text: &str| generator::resolve_model(text).expect("the spec resolves").0;
    let (old, new) = (model(&spec("town")), model(&spec("city")));
    let names = |api: &generator::model::Api| -> Vec<String> {
        api.types.iter().map(|t| t.name.to_string()).collect()
    };
    assert!(
        names(&old).contains(&"GetOrderResponseShipping".to_string()),
        "{:?}",
        names(&old)
    );
    assert!(
        !names(&new).contains(&"GetOrderResponseShipping".to_string()),
        "{:?}",
        names(&new)
    );
    let report = generator::diff::diff(&old, &new);
    let removed = report
        .changes
        .iter()
        .find(|c| c.what == "removed type `GetOrderResponseShipping`")
        .unwrap_or_else(|| panic!("{report:?}"));
    assert!(removed.breaking);
    assert_eq!(
        removed.detail.as_deref(),
        Some("the same schema is written elsewhere; both places are now the type `GetOrderResponseBilling`")
    );
}

/// A list operation that starts to page gains both its streams, which the report lists.
#[test]
fn paging_that_appears_adds_both_streams() {
    let spec = |next: &str| {
        format!(
            r#"
openapi: 3.0.3
info: {{title: t, version: '1'}}
paths:
  /things:
    get:
      operationId: listThings
      parameters: [{{name: cursor, in: query, schema: {{type: string}}}}]
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  items: {{type: array, items: {{type: string}}}}
                  {next}: {{type: string}}
"#
        )
    };
    let model = |text: &str| generator::resolve_model(text).expect("resolves").0;
    let report = generator::diff::diff(&model(&spec("note")), &model(&spec("next_cursor")));
    let whats: Vec<&str> = report.changes.iter().map(|c| c.what.as_str()).collect();
    assert!(
        whats.contains(&"added paging stream `Client::list_things_stream`"),
        "{whats:?}"
    );
    assert!(
        whats.contains(&"added pages stream `Client::list_things_pages`"),
        "{whats:?}"
    );
}

#[test]
fn conversions_and_defaults_that_go_are_breaks_and_those_that_come_are_not() {
    let spec = |filter_required: &str, shape_members: &str| {
        format!(
            "openapi: 3.0.3
info: {{title: Search, version: '1'}}
paths:
  /search:
    post:
      operationId: search
      requestBody:
        required: true
        content: {{application/json: {{schema: {{$ref: '#/components/schemas/Filter'}}}}}}
      responses:
        '200':
          description: ok
          content: {{application/json: {{schema: {{$ref: '#/components/schemas/Shape'}}}}}}
components:
  schemas:
    Filter:
      type: object
      {filter_required}
      properties: {{q: {{type: string}}}}
    Shape:
      oneOf: [{shape_members}]
"
        )
    };
    let model = |text: String| {
        generator::resolve_model(&text)
            .expect("the spec resolves")
            .0
    };
    let old = model(spec("", "{type: string}, {type: integer}"));
    let new = model(spec(
        "required: [q]",
        "{type: string}, {type: integer}, {type: array, items: {type: string}}",
    ));
    let report = generator::diff::diff(&old, &new);
    let whats = changes(&report);
    assert!(
        whats.contains(&("removed `impl Default for Filter`", true)),
        "{whats:?}"
    );
    assert!(
        whats.contains(&("added `impl From<Vec<String>> for Shape`", false)),
        "{whats:?}"
    );
    // Back the other way: the list's conversion goes, which breaks; the default comes.
    let back = generator::diff::diff(&new, &old);
    let whats = changes(&back);
    assert!(
        whats.contains(&("removed `impl From<Vec<String>> for Shape`", true)),
        "{whats:?}"
    );
    assert!(
        whats.contains(&("added `impl Default for Filter`", false)),
        "{whats:?}"
    );
}
