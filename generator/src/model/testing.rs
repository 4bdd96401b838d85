//! Models written by hand in unit tests start here: the least an operation or a parameter
//! needs, so that a test spells out only what it is about.

use super::{
    Accepts, Findings, HttpMethod, Operation, ParamStyle, Parameter, ParameterLocation,
    ResponseEncoding, Stage, SuccessResponse, TypeRef,
};

/// A GET of `/` named `id`: no parameters, no body, a JSON success without a body.
pub(crate) fn operation<S: Stage>(id: &str, names: S::Methods) -> Operation<S> {
    Operation {
        origin: String::new(),
        operation_id: id.into(),
        tags: Vec::new(),
        http_method: HttpMethod::Get,
        path: "/".into(),
        path_segments: Vec::new(),
        doc: None,
        deprecated: false,
        parameters: Vec::new(),
        request_body: None,
        success: SuccessResponse {
            body: None,
            encoding: ResponseEncoding::Json,
            headers: None,
            stream: None,
        },
        errors: Vec::new(),
        error_body: TypeRef::Json,
        upload: None,
        accepts: Accepts::default(),
        names,
        findings: Findings::default(),
    }
}

/// A required string parameter written in the simple style.
pub(crate) fn string_parameter<S: Stage>(
    wire: &str,
    location: ParameterLocation,
    rust_name: S::Member,
    setter: S::Member,
) -> Parameter<S> {
    Parameter {
        wire_name: wire.into(),
        rust_name,
        setter,
        location,
        style: ParamStyle::Simple,
        explode: false,
        allow_reserved: false,
        content: None,
        required: true,
        ty: TypeRef::String,
        doc: None,
    }
}
