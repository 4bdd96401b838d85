//! Lists the environments of a Confluent Cloud organization and reads a custom connector
//! plugin, with one OAuth2 token for both APIs.
//!
//! `CLIENT_ID=... CLIENT_SECRET=... cargo run -p build-script-example -- PLUGIN_ID`
//! (`BASE_URL` and `TOKEN_URL` point it at another server).

use build_script_example::{clients, environments, Settings};
use openapi_rust_gen_runtime::{Credentials, RetryPolicy};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let (Ok(id), Ok(secret), Some(plugin)) = (
        std::env::var("CLIENT_ID"),
        std::env::var("CLIENT_SECRET"),
        std::env::args().nth(1),
    ) else {
        eprintln!("usage: CLIENT_ID=... CLIENT_SECRET=... build-script-example PLUGIN_ID");
        return ExitCode::from(2);
    };
    let base_url =
        std::env::var("BASE_URL").unwrap_or_else(|_| environments::DEFAULT_BASE_URL.to_string());
    let token_url = std::env::var("TOKEN_URL")
        .ok()
        .or(environments::DEFAULT_TOKEN_URL.map(str::to_string))
        .unwrap_or_default();
    let settings = Settings {
        base_url,
        token_url,
        credentials: Credentials::client_credentials(id, secret),
        retry: RetryPolicy::default(),
    };
    let (plugins, environments) = match clients(&settings) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let params = environments::ListEnvironmentsParams::default();
    let (listed, read) = tokio::join!(
        environments.list_environments(&params),
        plugins.get_connect_v1_custom_connector_plugin(&plugin),
    );
    // Each API has its own error body type; the error type around it is the runtime's.
    let listed = match listed {
        Ok(listed) => listed,
        Err(e) => {
            eprintln!("error listing environments: {e}");
            return ExitCode::FAILURE;
        }
    };
    let read = match read {
        Ok(read) => read,
        Err(e) => {
            eprintln!("error reading plugin {plugin}: {e}");
            return ExitCode::FAILURE;
        }
    };
    for environment in &listed.body.data {
        println!("environment {}", environment.id);
    }
    println!("plugin {plugin}: {:?}", read.body.display_name);
    ExitCode::SUCCESS
}
