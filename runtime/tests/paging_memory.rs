//! A paging stream remembers the page tokens it was given (to stop a loop) in memory that
//! does not grow with their size: 300 pages with 1 MiB tokens each must not hold 300 MiB.
//! This test binary counts the bytes allocated and not yet freed, so the figure is the
//! stream's own and not the whole process's.

use openapi_rust_gen_runtime::Error;

/// Counts the bytes this process holds, and the most it held.
#[global_allocator]
static ALLOCATOR: peak_alloc::PeakAlloc = peak_alloc::PeakAlloc;

const PAGES: u64 = 300;
const TOKEN_BYTES: usize = 1024 * 1024;

#[tokio::test(flavor = "current_thread")]
async fn three_hundred_pages_with_1_mib_tokens_stay_in_a_few_mib() {
    use futures_util::StreamExt;
    let start = ALLOCATOR.current_usage();
    ALLOCATOR.reset_peak_usage();
    use openapi_rust_gen_runtime::__private::{page_items, pages, PageLimit};
    // The stream a generated list method returns: pages fetched by token, then their items.
    let fetched = pages(PageLimit { max_pages: 1_000 }, |token: Option<String>| {
        // Page n names page n + 1 with a token of 1 MiB that differs from every other.
        let n = token.map_or(0, |t| t.len() as u64 - TOKEN_BYTES as u64 + 1);
        async move {
            let next = (n + 1 < PAGES).then(|| {
                let mut t = "t".repeat(TOKEN_BYTES);
                t.push_str(&"n".repeat(n as usize));
                t
            });
            Ok::<_, Error<()>>((vec![n], 1, Ok(next)))
        }
    });
    let stream = page_items(fetched, |items| items);
    let items: Vec<u64> = stream
        .map(|item| item.expect("every page reads"))
        .collect()
        .await;
    assert_eq!(
        items,
        (0..PAGES).collect::<Vec<_>>(),
        "every page, in order"
    );
    let peak = ALLOCATOR.peak_usage().saturating_sub(start);
    println!(
        "paging: {PAGES} pages with 1 MiB tokens, peak {} KiB held",
        peak / 1024
    );
    assert!(
        peak < 16 * 1024 * 1024,
        "the stream held {} MiB at its peak",
        peak / (1024 * 1024)
    );
}
