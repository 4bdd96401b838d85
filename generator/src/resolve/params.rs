//! Parameters: an operation's path, query, header and cookie parameters, merged from its
//! path item and itself.

use super::bodies::{is_json, pick_content, schema_hint};
use super::{Direction, Resolver};
use crate::diagnostics::pointer_push;
use crate::model::{ParamStyle, Parameter, ParameterLocation, PathSegment, TypeRef, Unnamed};
use openapiv3::{ParameterSchemaOrContent, ReferenceOr};

pub(super) fn parameters<'a>(
    r: &mut Resolver<'a>,
    path: &str,
    pointer: &str,
    path_level: &'a [ReferenceOr<openapiv3::Parameter>],
    op_level: &'a [ReferenceOr<openapiv3::Parameter>],
    operation_id: &str,
) -> Vec<Parameter<Unnamed>> {
    let item_pointer = pointer
        .rsplit_once('/')
        .map(|(p, _)| p.to_string())
        .unwrap_or_default();
    let mut found: Vec<(&'a openapiv3::Parameter, String)> = Vec::new();
    let lists = [
        (path_level, pointer_push(&item_pointer, "parameters")),
        (op_level, pointer_push(pointer, "parameters")),
    ];
    for (list, base) in lists {
        for (i, p) in list.iter().enumerate() {
            let at = pointer_push(&base, &i.to_string());
            let Some((p, at)) = r.follow(p, &at, "parameters", |c| &c.parameters) else {
                continue;
            };
            let data = p.parameter_data_ref();
            // An operation's parameter replaces a path-level one with the same name and place.
            found.retain(|(q, _)| {
                let qd = q.parameter_data_ref();
                !(qd.name == data.name && std::mem::discriminant(*q) == std::mem::discriminant(p))
            });
            found.push((p, at));
        }
    }
    let mut out = Vec::new();
    for (p, at) in found {
        let data = p.parameter_data_ref();
        let location = match p {
            openapiv3::Parameter::Path { .. } => ParameterLocation::Path,
            openapiv3::Parameter::Query { .. } => ParameterLocation::Query,
            openapiv3::Parameter::Header { .. } => ParameterLocation::Header,
            openapiv3::Parameter::Cookie { .. } => ParameterLocation::Cookie,
        };
        if location == ParameterLocation::Header {
            // The specification says these header parameters SHALL be ignored: the client
            // sets the content type and accepted types, and sends credentials itself.
            let lower = data.name.to_ascii_lowercase();
            if lower == "accept" || lower == "content-type" {
                continue;
            }
            if lower == "authorization" {
                r.diags.warning(
                    at,
                    "an `Authorization` header parameter is ignored, as the OpenAPI specification says; \
                     send credentials with `Credentials` (or a default header)",
                );
                continue;
            }
        }
        // A parameter given by `content` is typed by its media type's schema, and its
        // value is written in that media type.
        let (schema, content) = match &data.format {
            ParameterSchemaOrContent::Schema(_) => (r.schema_at(pointer_push(&at, "schema")), None),
            ParameterSchemaOrContent::Content(content) => match pick_content(content) {
                Some((media, _)) if is_json(media) => {
                    let media_at = pointer_push(&pointer_push(&at, "content"), media);
                    (
                        r.schema_at(pointer_push(&media_at, "schema")),
                        Some(media.to_string()),
                    )
                }
                // Another media type is sent as the text it is.
                _ => (None, None),
            },
        };
        let ty = match schema {
            Some(s) => {
                let hint = schema_hint(r, &s.pointer, &format!("{operation_id} {}", data.name));
                r.type_of(&s, Direction::Write, &hint)
            }
            None => TypeRef::String,
        };
        let style = match p {
            openapiv3::Parameter::Path { style, .. } => match style {
                openapiv3::PathStyle::Simple => ParamStyle::Simple,
                openapiv3::PathStyle::Label => ParamStyle::Label,
                openapiv3::PathStyle::Matrix => ParamStyle::Matrix,
            },
            openapiv3::Parameter::Query { style, .. } => match style {
                openapiv3::QueryStyle::Form => ParamStyle::Form,
                openapiv3::QueryStyle::SpaceDelimited => ParamStyle::SpaceDelimited,
                openapiv3::QueryStyle::PipeDelimited => ParamStyle::PipeDelimited,
                openapiv3::QueryStyle::DeepObject => ParamStyle::DeepObject,
            },
            openapiv3::Parameter::Header { .. } => ParamStyle::Simple,
            openapiv3::Parameter::Cookie { .. } => ParamStyle::Form,
        };
        out.push(Parameter {
            style,
            // The specification's default: exploded for `form`, not for the others.
            explode: data.explode.unwrap_or(style == ParamStyle::Form),
            allow_reserved: matches!(
                p,
                openapiv3::Parameter::Query {
                    allow_reserved: true,
                    ..
                }
            ),
            content,
            wire_name: data.name.clone(),
            rust_name: (),
            setter: (),
            location,
            required: data.required || location == ParameterLocation::Path,
            ty,
            doc: data.description.clone(),
        });
    }
    let names = template_names(path);
    // A path parameter the template does not name has nowhere to go.
    out.retain(|p| {
        let unused = p.location == ParameterLocation::Path && !names.contains(&p.wire_name.as_str());
        if unused {
            r.diags.warning(
                pointer.to_string(),
                format!(
                    "the path parameter `{}` does not appear in the path template `{path}`, so it is left out",
                    p.wire_name
                ),
            );
        }
        !unused
    });
    // Every `{name}` in the path template needs a path parameter to fill it; one the
    // operation does not declare is taken to be a string.
    for name in names {
        if !out
            .iter()
            .any(|p| p.location == ParameterLocation::Path && p.wire_name == name)
        {
            r.diags.push(
                crate::diagnostics::Diagnostic::warning(
                    pointer.to_string(),
                    format!(
                        "the path template names `{{{name}}}`, but the operation declares no path parameter `{name}`; it is taken as a string"
                    ),
                )
                .with_help(format!(
                    "add `- {{name: {name}, in: path, required: true, schema: {{type: string}}}}` to the parameters"
                )),
            );
            out.push(Parameter {
                style: ParamStyle::Simple,
                explode: false,
                allow_reserved: false,
                content: None,
                wire_name: name.to_string(),
                rust_name: (),
                setter: (),
                location: ParameterLocation::Path,
                required: true,
                ty: TypeRef::String,
                doc: None,
            });
        }
    }
    out
}

/// A path template as literal text and the path parameters between braces. A name no
/// path parameter declares (an error, reported where parameters are read) and an
/// unclosed brace stay text.
pub(super) fn path_segments(path: &str, parameters: &[Parameter<Unnamed>]) -> Vec<PathSegment> {
    let mut segments = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| c + open) else {
            break;
        };
        if open > 0 {
            segments.push(PathSegment::Literal(rest[..open].to_string()));
        }
        let wire = &rest[open + 1..close];
        let declared = parameters
            .iter()
            .position(|p| p.location == ParameterLocation::Path && p.wire_name == wire);
        segments.push(match declared {
            Some(index) => PathSegment::Parameter(index),
            None => PathSegment::Literal(rest[open..=close].to_string()),
        });
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        segments.push(PathSegment::Literal(rest.to_string()));
    }
    segments
}

/// The names between braces in a path template, in order.
pub fn template_names(path: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        names.push(&after[..close]);
        rest = &after[close + 1..];
    }
    names
}

#[cfg(test)]
mod tests {
    use super::{path_segments, template_names};
    use crate::model::testing::string_parameter;
    use crate::model::{Parameter, ParameterLocation, PathSegment, Unnamed};

    fn parameter(wire: &str, location: ParameterLocation) -> Parameter<Unnamed> {
        string_parameter(wire, location, (), ())
    }

    #[test]
    fn path_segments_point_at_the_path_parameters() {
        let parameters = [
            parameter("id", ParameterLocation::Query),
            parameter("id", ParameterLocation::Path),
            parameter("sub", ParameterLocation::Path),
        ];
        assert_eq!(
            path_segments("/a/{id}/b/{sub}.json", &parameters),
            vec![
                PathSegment::Literal("/a/".into()),
                PathSegment::Parameter(1),
                PathSegment::Literal("/b/".into()),
                PathSegment::Parameter(2),
                PathSegment::Literal(".json".into()),
            ]
        );
        // Undeclared names and unclosed braces are text.
        assert_eq!(
            path_segments("/{nope}/{x", &parameters),
            vec![
                PathSegment::Literal("/".into()),
                PathSegment::Literal("{nope}".into()),
                PathSegment::Literal("/{x".into()),
            ]
        );
    }

    #[test]
    fn template_names_in_order() {
        assert_eq!(
            template_names("/a/{id}/b/{other_id}"),
            vec!["id", "other_id"]
        );
        assert!(template_names("/plain").is_empty());
        assert_eq!(template_names("/broken/{x"), Vec::<&str>::new());
    }
}
