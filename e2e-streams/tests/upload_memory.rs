//! A 200 MB file is uploaded from disk in a few MiB: the multipart body is read from the
//! file as it is sent, never whole. This test binary counts the bytes allocated and not
//! yet freed, and its server counts the body bytes and throws them away, so the peak is the
//! client's own.

mod support;

use e2e_streams_client::runtime::FilePart;
use e2e_streams_client::{Client, Credentials, FileUpload, FileUploadPurpose, RetryPolicy};
use std::io::Write;

/// Counts the bytes this process holds, and the most it held.
#[global_allocator]
static ALLOCATOR: peak_alloc::PeakAlloc = peak_alloc::PeakAlloc;

const FILE_BYTES: u64 = 200 * 1024 * 1024;

#[tokio::test(flavor = "current_thread")]
async fn a_200_mb_file_is_uploaded_in_a_few_mib() {
    let path = std::env::temp_dir().join(format!("e2e-streams-200mb-{}.bin", std::process::id()));
    {
        let mut file = std::fs::File::create(&path).expect("a temporary file");
        let block = vec![0xA5u8; 1024 * 1024];
        for _ in 0..FILE_BYTES / block.len() as u64 {
            file.write_all(&block).expect("written");
        }
    }
    let server = support::serve(false, |_, request, mut socket| async move {
        let answer = format!(
            r#"{{"id":"f","bytes":{},"filename":"big.bin"}}"#,
            request.body_len
        );
        support::json(&mut socket, 201, &answer).await;
    })
    .await;
    let client = Client::builder()
        .base_url(&server.url)
        .retry_policy(RetryPolicy::disabled())
        .credentials(Credentials::bearer_token("t-1"))
        .build()
        .expect("the client builds");
    let upload = FileUpload::new(FilePart::path(&path), FileUploadPurpose::Batch);
    let start = ALLOCATOR.current_usage();
    ALLOCATOR.reset_peak_usage();
    let stored = client
        .upload_file(&upload)
        .await
        .expect("the upload is stored");
    let peak = ALLOCATOR.peak_usage().saturating_sub(start);
    let _ = std::fs::remove_file(&path);
    // The body is the file and the parts' headers.
    assert!(
        stored.body.bytes as u64 > FILE_BYTES,
        "{}",
        stored.body.bytes
    );
    let request = &server.requests()[0];
    assert!(
        request.header("content-length").is_some(),
        "the size of a form of files on disk is known before sending"
    );
    println!(
        "uploaded {} bytes with a peak of {} KiB allocated",
        stored.body.bytes,
        peak / 1024
    );
    assert!(peak < 8 * 1024 * 1024, "peak {peak} bytes");
}
