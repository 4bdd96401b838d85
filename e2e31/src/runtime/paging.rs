//! Following the pages of list operations.

use super::error::Error;

/// The `page_token` of the next page, from the link a list response gives for it (an
/// absolute or relative URL). `None` when there is no link, or it carries no token.
#[doc(hidden)]
pub fn next_page_token(next: Option<&str>) -> Option<String> {
    let next = next?.trim();
    if next.is_empty() {
        return None;
    }
    let url = reqwest::Url::parse(next)
        .or_else(|_| {
            reqwest::Url::parse("http://relative.invalid/").and_then(|base| base.join(next))
        })
        .ok()?;
    let token = url
        .query_pairs()
        .find(|(k, _)| k == "page_token")
        .map(|(_, v)| v.into_owned());
    token.filter(|t| !t.is_empty())
}

/// Streams the items of every page: `fetch` gets the token of the page to read (`None` for
/// the first) and returns its items and the next page's token. The stream ends after the
/// last page, after an error (which it yields), or when a server hands back a token it
/// already gave (which would otherwise loop forever).
#[doc(hidden)]
pub fn paginate<'a, T, E, F, Fut>(
    fetch: F,
) -> impl futures_util::Stream<Item = Result<T, Error<E>>> + 'a
where
    T: 'a,
    E: 'a,
    F: FnMut(Option<String>) -> Fut + 'a,
    Fut: std::future::Future<Output = Result<(Vec<T>, Option<String>), Error<E>>> + 'a,
{
    use futures_util::StreamExt;
    struct State<F> {
        fetch: F,
        next: Option<Option<String>>,
        seen: std::collections::HashSet<String>,
    }
    let start = State {
        fetch,
        next: Some(None),
        seen: std::collections::HashSet::new(),
    };
    futures_util::stream::unfold(start, |mut state| async move {
        let token = state.next.take()?;
        match (state.fetch)(token).await {
            Ok((items, next)) => {
                state.next = next.filter(|t| state.seen.insert(t.clone())).map(Some);
                Some((Ok(items), state))
            }
            Err(e) => Some((Err(e), state)),
        }
    })
    .flat_map(|page| match page {
        Ok(items) => futures_util::stream::iter(items.into_iter().map(Ok)).left_stream(),
        Err(e) => futures_util::stream::once(std::future::ready(Err(e))).right_stream(),
    })
}
