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

/// How far a paging stream goes: at most `max_pages` pages, and at most
/// [`MAX_EMPTY_PAGES`] empty pages in a row that still point to a next one.
#[doc(hidden)]
#[derive(Clone, Copy, Debug)]
pub struct PageLimit {
    pub max_pages: u64,
}

/// A 128-bit digest of a page token, to tell whether a token came before without keeping
/// it: a server's tokens may be any size. Two SipHash passes over the token, each behind a
/// different prefix; the same token always gives the same digest, and two tokens the same
/// one only by a 2^-128 chance. A server that forged a collision would only stop its own
/// list early, with [`Error::Paging`].
fn digest(token: &str) -> u128 {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let half = |prefix: u8| {
        let mut hasher = DefaultHasher::new();
        prefix.hash(&mut hasher);
        token.hash(&mut hasher);
        hasher.finish()
    };
    (u128::from(half(1)) << 64) | u128::from(half(2))
}

/// Empty pages in a row, each naming a next page, after which a stream stops: a server
/// that hands out fresh tokens with nothing in them would otherwise be followed forever.
pub const MAX_EMPTY_PAGES: u32 = 100;

/// Streams the items of every page: `fetch` gets the token of the page to read (`None` for
/// the first) and returns its items and the next page's token. The stream ends after the
/// last page, or after an error, which it yields; when it stops early (the page limit,
/// a token it was already given, too many empty pages) it yields [`Error::Paging`] saying
/// why, so that a cut list never looks whole.
#[doc(hidden)]
pub fn paginate<'a, T, E, F, Fut>(
    limit: PageLimit,
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
        /// The token of the next page to read (`Some(None)`: the first), or why the stream
        /// stops (`Err`), or `None` once it has stopped.
        next: Option<Result<Option<String>, String>>,
        /// Digests of the tokens given so far: 16 bytes a page, however long a token.
        seen: std::collections::HashSet<u128>,
        pages: u64,
        empty_in_a_row: u32,
    }
    let start = State {
        fetch,
        next: Some(Ok(None)),
        seen: std::collections::HashSet::new(),
        pages: 0,
        empty_in_a_row: 0,
    };
    futures_util::stream::unfold(start, move |mut state| async move {
        let token = match state.next.take()? {
            Ok(token) => token,
            Err(why) => return Some((Err(Error::Paging(why)), state)),
        };
        if state.pages >= limit.max_pages {
            let why = format!(
                "it has more than {} pages, the most a stream reads (ClientBuilder::max_pages)",
                limit.max_pages
            );
            return Some((Err(Error::Paging(why)), state));
        }
        state.pages += 1;
        match (state.fetch)(token).await {
            Ok((items, next)) => {
                state.empty_in_a_row = if items.is_empty() {
                    state.empty_in_a_row.saturating_add(1)
                } else {
                    0
                };
                state.next = match next {
                    None => None,
                    Some(t) if !state.seen.insert(digest(&t)) => Some(Err(
                        "the server named a page it had already given, so the pages loop".into(),
                    )),
                    Some(_) if state.empty_in_a_row >= MAX_EMPTY_PAGES => Some(Err(format!(
                        "the server gave {MAX_EMPTY_PAGES} empty pages in a row, each naming another"
                    ))),
                    Some(t) => Some(Ok(Some(t))),
                };
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
