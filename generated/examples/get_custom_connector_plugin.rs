//! Reads one custom connector plugin and prints it as JSON with the request id.
//!
//! ```sh
//! CONFLUENT_CLOUD_API_KEY=... CONFLUENT_CLOUD_API_SECRET=... \
//!   cargo run -p confluent-custom-plugin-client --example get_custom_connector_plugin -- ccp-12345
//! ```
//!
//! `CONFLUENT_CLOUD_ENDPOINT` overrides the base URL (default: the spec's server).

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
    let key = std::env::var("CONFLUENT_CLOUD_API_KEY")
        .map_err(|_| "CONFLUENT_CLOUD_API_KEY is not set")?;
    let secret = std::env::var("CONFLUENT_CLOUD_API_SECRET")
        .map_err(|_| "CONFLUENT_CLOUD_API_SECRET is not set")?;
    let client = Client::builder()
        .base_url(endpoint)
        .credentials(Credentials::api_key(key, secret))
        .build()
        .map_err(|e| e.to_string())?;
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
