//! Render on models built by hand: it writes the names, paths and types the model gives,
//! and decides none of its own.

use super::render;
use crate::model::testing::{operation, string_parameter};
use crate::model::{
    Accepts, Api, Field, MethodLocals, MethodNames, Operation, ParameterLocation, PathSegment,
    ResponseEncoding, StructDef, SuccessResponse, TypeDef, TypeId, TypeKind, TypeRef,
};
use crate::Settings;

/// A model of one struct and one operation that reads it, every name unusual, so that
/// the output shows where each comes from.
fn model() -> Api {
    let thing = TypeDef {
        name: "Gadget".into(),
        origin: "/components/schemas/thing".into(),
        doc: Some("A thing.".into()),
        validated: false,
        kind: TypeKind::Struct(StructDef {
            fields: vec![Field {
                wire_name: "display-name".into(),
                rust_name: "label".into(),
                setter: "with_label".into(),
                ty: TypeRef::String,
                required: true,
                doc: None,
                constraints: Default::default(),
            }],
            additional: None,
        }),
    };
    let id_parameter = string_parameter(
        "thing-id",
        ParameterLocation::Path,
        "which".into(),
        "with_which".into(),
    );
    let names = MethodNames {
        method: "fetch_gadget".into(),
        params_type: "FetchOptions".into(),
        params: "options".into(),
        body: "payload".into(),
        streaming: None,
        events: None,
        upload: None,
        locals: MethodLocals {
            request: "req".into(),
            response: "resp".into(),
            path: "segments".into(),
            query: "q".into(),
            cookies: "jar".into(),
            value: "v".into(),
            page_url: "url".into(),
        },
    };
    let operation = Operation {
        path: "/things/{thing-id}".into(),
        path_segments: vec![
            PathSegment::Literal("/v9/things/".into()),
            PathSegment::Parameter(0),
            PathSegment::Literal("/detail".into()),
        ],
        parameters: vec![id_parameter],
        success: SuccessResponse {
            body: Some(TypeRef::Named(TypeId(0))),
            encoding: ResponseEncoding::Json,
            headers: None,
            stream: None,
        },
        accepts: Accepts {
            anonymous: true,
            ..Accepts::default()
        },
        ..operation("readThing", names)
    };
    Api {
        title: "Hand-built".into(),
        version: "1".into(),
        types: vec![thing],
        operations: vec![operation],
        ..Api::default()
    }
}

fn file(api: &Api, path: &str) -> String {
    let files = render(api, &Settings::new("hand-built", "hand.yaml")).expect("renders");
    files
        .into_iter()
        .find(|f| f.path == path)
        .map(|f| f.contents)
        .unwrap_or_else(|| panic!("no {path}"))
}

#[test]
fn the_method_is_written_with_the_names_and_path_the_model_gives() {
    let client = file(&model(), "src/client.rs");
    assert!(client.contains("pub async fn fetch_gadget("), "{client}");
    assert!(client.contains("which: &str,"), "{client}");
    // The path sent is the model's segments; the template is only named in traces.
    assert!(client.contains("\"/v9/things/\""), "{client}");
    assert!(client.contains("\"/detail\""), "{client}");
    assert!(
        client.contains("path_segment(\"thing-id\", which)"),
        "{client}"
    );
    // The locals are the model's.
    for local in ["let segments", "let req", "let resp"] {
        assert!(client.contains(local), "{local} in {client}");
    }
    assert!(client.contains("super::types::Gadget"), "{client}");
}

#[test]
fn the_struct_is_written_with_the_names_the_model_gives() {
    let types = file(&model(), "src/types.rs");
    assert!(types.contains("pub struct Gadget {"), "{types}");
    assert!(types.contains("pub label: String,"), "{types}");
    // The wire name stays what goes over the wire.
    assert!(types.contains("\"display-name\""), "{types}");
    assert!(!types.contains("display_name"), "{types}");
}

#[test]
fn one_spelling_of_a_type_serves_code_and_reports() {
    use crate::model::{IntegerKind, StringFormat};
    let api = model();
    let cx = super::context::TypeContext::new(&api);
    let gadget = || Box::new(TypeRef::Named(TypeId(0)));
    let cases = [
        (
            TypeRef::Map(Box::new(TypeRef::Array(Box::new(TypeRef::Nullable(Box::new(
                TypeRef::Open(gadget()),
            )))))),
            "BTreeMap<String, Vec<Option<Open<Gadget>>>>",
            ":: std :: collections :: BTreeMap < String , Vec < Option < super :: runtime :: Open < super :: types :: Gadget > > > >",
        ),
        (
            TypeRef::Tuple(vec![TypeRef::Integer(IntegerKind::I32), TypeRef::Json]),
            "(i32, serde_json::Value)",
            "(i32 , :: serde_json :: Value ,)",
        ),
        (
            TypeRef::Format(StringFormat::DateTime),
            "chrono::DateTime<chrono::FixedOffset>",
            "super :: runtime :: chrono :: DateTime < super :: runtime :: chrono :: FixedOffset >",
        ),
        // An id outside the model is any JSON value.
        (
            TypeRef::Named(TypeId(7)),
            "serde_json::Value",
            ":: serde_json :: Value",
        ),
    ];
    for (t, text, tokens) in cases {
        assert_eq!(super::type_name(&api, &t), text);
        assert_eq!(cx.tokens(&t, None).to_string(), tokens);
    }
}
