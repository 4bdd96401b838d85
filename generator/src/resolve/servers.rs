//! Servers: the base URL a client sends to.

/// A server's URL with each `{variable}` replaced by the variable's default value.
pub(super) fn server_url(server: &openapiv3::Server) -> String {
    let mut url = server.url.clone();
    for (name, variable) in server.variables.iter().flatten() {
        url = url.replace(&format!("{{{name}}}"), &variable.default);
    }
    url
}
