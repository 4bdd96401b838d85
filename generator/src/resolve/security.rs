//! Security: the schemes a document declares and the credentials each operation accepts.

use super::Resolver;
use crate::diagnostics::pointer_push;
use crate::model::Unnamed;
use crate::model::{Accepts, Api, ParameterLocation, SecurityScheme};

/// What credentials a list of security requirements accepts. Each requirement is an
/// alternative; a requirement naming several schemes needs all of them, which a client
/// holding one kind of credentials can meet only when they are all of that kind (for
/// `apiKey` schemes, one key each). A requirement naming a scheme the document does not
/// declare, or one this client cannot send, gets a warning where it is written.
pub(super) fn accepts(
    r: &mut Resolver<'_>,
    api: &Api<Unnamed, ()>,
    security: Option<(&Vec<openapiv3::SecurityRequirement>, String)>,
) -> Accepts {
    let Some((requirements, at)) = security else {
        return Accepts {
            anonymous: true,
            ..Accepts::default()
        };
    };
    let mut out = Accepts {
        anonymous: requirements.is_empty(),
        ..Accepts::default()
    };
    for (i, requirement) in requirements.iter().enumerate() {
        if requirement.is_empty() {
            out.anonymous = true;
            continue;
        }
        let mut schemes: Vec<Option<&SecurityScheme>> = Vec::new();
        for name in requirement.keys() {
            let found = api.security_schemes.iter().find(|s| s.name() == name);
            if found.is_none() {
                let declared = r
                    .loaded
                    .raw
                    .pointer("/components/securitySchemes")
                    .and_then(|s| s.get(name))
                    .is_some();
                let message = if declared {
                    format!("the security scheme `{name}` is not one this client can send, so this requirement cannot be met")
                } else {
                    format!("the security requirement names `{name}`, which `components/securitySchemes` does not declare")
                };
                r.diags.warning(pointer_push(&at, &i.to_string()), message);
            }
            schemes.push(found);
        }
        let all = |f: &dyn Fn(&SecurityScheme) -> bool| schemes.iter().all(|s| s.is_some_and(f));
        if all(&|s| matches!(s, SecurityScheme::HttpBasic { .. })) {
            out.basic = true;
        } else if all(&|s| {
            matches!(
                s,
                SecurityScheme::HttpBearer { .. } | SecurityScheme::OAuth2ClientCredentials { .. }
            )
        }) {
            out.bearer = true;
        } else if all(&|s| matches!(s, SecurityScheme::ApiKey { .. })) {
            let uses = schemes
                .iter()
                .flatten()
                .filter_map(|s| match s {
                    SecurityScheme::ApiKey {
                        name,
                        location,
                        key_name,
                        ..
                    } => Some(crate::model::KeyUse {
                        scheme: name.clone(),
                        location: *location,
                        key_name: key_name.clone(),
                    }),
                    _ => None,
                })
                .collect();
            out.keys.push(uses);
        }
    }
    out
}

pub(super) fn security_schemes(r: &mut Resolver<'_>) -> Vec<SecurityScheme> {
    let Some(components) = r.loaded.document.components.as_ref() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (name, scheme) in &components.security_schemes {
        let at = pointer_push("/components/securitySchemes", name);
        let Some((scheme, at)) = r.follow(scheme, &at, "securitySchemes", |c| &c.security_schemes)
        else {
            continue;
        };
        let name = name.clone();
        match scheme {
            openapiv3::SecurityScheme::HTTP { scheme, .. } => {
                match scheme.to_ascii_lowercase().as_str() {
                    "basic" => out.push(SecurityScheme::HttpBasic { name }),
                    "bearer" => out.push(SecurityScheme::HttpBearer { name }),
                    other => r.diags.warning(
                        at,
                        format!("the HTTP auth scheme `{other}` is not supported"),
                    ),
                }
            }
            openapiv3::SecurityScheme::OAuth2 { flows, .. } => match &flows.client_credentials {
                Some(cc) => out.push(SecurityScheme::OAuth2ClientCredentials {
                    name,
                    token_url: cc.token_url.clone(),
                }),
                // Other flows involve a person (authorization code, implicit, password):
                // the caller obtains the token, which the client sends as a bearer token.
                None => out.push(SecurityScheme::HttpBearer { name }),
            },
            openapiv3::SecurityScheme::APIKey {
                location,
                name: key_name,
                ..
            } => {
                let location = match location {
                    openapiv3::APIKeyLocation::Query => ParameterLocation::Query,
                    openapiv3::APIKeyLocation::Header => ParameterLocation::Header,
                    openapiv3::APIKeyLocation::Cookie => ParameterLocation::Cookie,
                };
                out.push(SecurityScheme::ApiKey {
                    name,
                    location,
                    key_name: key_name.clone(),
                });
            }
            // The caller obtains the token from the provider; the client sends it as a
            // bearer token.
            openapiv3::SecurityScheme::OpenIDConnect { .. } => {
                out.push(SecurityScheme::HttpBearer { name })
            }
        }
    }
    out
}
