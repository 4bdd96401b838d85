//! Reads one custom connector plugin and prints it as JSON with the request id.
//!
//! ```sh
//! CONFLUENT_CLOUD_API_KEY=... CONFLUENT_CLOUD_API_SECRET=... \
//!   cargo run -p confluent-custom-plugin-client --example get_custom_connector_plugin -- ccp-12345
//! ```
//!
//! `CONFLUENT_CLOUD_ENDPOINT` overrides the base URL (default: the spec's server).
//!
//! With `CONFLUENT_CLOUD_OAUTH_CLIENT_ID` and `CONFLUENT_CLOUD_OAUTH_CLIENT_SECRET` set, it
//! uses OAuth2 client credentials instead of the API key: it fetches bearer tokens from
//! the spec's token endpoint, or from `CONFLUENT_CLOUD_TOKEN_URL` when that is set.

use confluent_custom_plugin_client::{Client, Credentials, DEFAULT_BASE_URL};
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let id = std::env::args()
        .nth(1)
        .ok_or("usage: get_custom_connector_plugin PLUGIN_ID")?;
    let endpoint =
        std::env::var("CONFLUENT_CLOUD_ENDPOINT").unwrap_or_else(|_| DEFAULT_BASE_URL.to_string());
    let mut builder = Client::builder().base_url(endpoint);
    let oauth = (
        std::env::var("CONFLUENT_CLOUD_OAUTH_CLIENT_ID"),
        std::env::var("CONFLUENT_CLOUD_OAUTH_CLIENT_SECRET"),
    );
    builder = match oauth {
        (Ok(client_id), Ok(client_secret)) => {
            if let Ok(token_url) = std::env::var("CONFLUENT_CLOUD_TOKEN_URL") {
                builder = builder.token_url(token_url);
            }
            builder.credentials(Credentials::client_credentials(client_id, client_secret))
        }
        _ => {
            let key = std::env::var("CONFLUENT_CLOUD_API_KEY").map_err(|_| {
                "set CONFLUENT_CLOUD_API_KEY and CONFLUENT_CLOUD_API_SECRET, or \
                 CONFLUENT_CLOUD_OAUTH_CLIENT_ID and CONFLUENT_CLOUD_OAUTH_CLIENT_SECRET"
            })?;
            let secret = std::env::var("CONFLUENT_CLOUD_API_SECRET")
                .map_err(|_| "CONFLUENT_CLOUD_API_SECRET is not set")?;
            builder.credentials(Credentials::api_key(key, secret))
        }
    };
    let client = builder.build().map_err(|e| e.to_string())?;
    let response = client
        .get_connect_v1_custom_connector_plugin(&id)
        .await
        .map_err(|e| e.to_string())?;
    let json = serde_json::to_string_pretty(&response.body).map_err(|e| e.to_string())?;
    println!("{json}");
    println!(
        "request id: {}",
        response.request_id.as_deref().unwrap_or("(none)")
    );
    Ok(())
}
