//! Following the pages of list operations.

use super::error::Error;

/// The cursor a link to the next page carries in its query parameter `name` (an absolute
/// or relative URL). `None` when there is no link, or it carries no cursor.
#[doc(hidden)]
pub fn cursor_in_url(next: Option<&str>, name: &str) -> Option<String> {
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
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned());
    token.filter(|t| !t.is_empty())
}

/// A cursor or URL read from a page, or `None` when it is absent or empty: an empty
/// cursor is how many APIs say there is no next page.
#[doc(hidden)]
pub fn non_empty(next: Option<&str>) -> Option<String> {
    next.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

/// The target of the `rel="next"` link of a `Link` header (RFC 8288): `<https://…>;
/// rel="next"`, among other links, parameters in any order, `rel` possibly listing
/// several relations. Bounded by the header's own size; `None` when there is none.
#[doc(hidden)]
pub fn link_next(header: Option<&str>) -> Option<String> {
    let mut rest = header?;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        let close = after.find('>')?;
        let target = &after[..close];
        let params_end = after[close..].find('<').map_or(after.len(), |i| i + close);
        let params = &after[close + 1..params_end];
        let is_next = params.split(';').any(|param| {
            let Some((key, value)) = param.split_once('=') else {
                return false;
            };
            // A link ends at the comma before the next one.
            let value = value.split(',').next().unwrap_or_default();
            key.trim().eq_ignore_ascii_case("rel")
                && value
                    .trim()
                    .trim_matches('"')
                    .split_ascii_whitespace()
                    .any(|rel| rel.eq_ignore_ascii_case("next"))
        });
        if is_next && !target.trim().is_empty() {
            return Some(target.trim().to_string());
        }
        rest = &after[params_end..];
    }
    None
}

/// The offset or page number a stream handed on as its cursor.
#[doc(hidden)]
pub fn offset_value<T: std::str::FromStr, E>(cursor: &str) -> Result<T, Error<E>> {
    cursor
        .parse()
        .map_err(|_| Error::Paging(format!("the offset `{cursor}` does not fit its parameter")))
}

/// `at + by`, the next offset or page number, or [`Error::Paging`] when it does not fit
/// the parameter's type: a server that reports more items than an offset can count must not
/// wrap around to the first page.
#[doc(hidden)]
pub fn advance_offset<T, E>(at: T, by: usize) -> Result<T, Error<E>>
where
    T: Copy + Into<i128> + TryFrom<i128> + std::fmt::Display,
{
    let by = i128::try_from(by).unwrap_or(i128::MAX);
    at.into()
        .checked_add(by)
        .and_then(|next| T::try_from(next).ok())
        .ok_or_else(|| Error::Paging(format!("the offset after {at} overflows its parameter")))
}

/// Whether `at` has reached the body's total, when it gives one.
#[doc(hidden)]
pub fn reached<A: Into<i128>, B: Into<i128> + Copy>(at: A, total: Option<&B>) -> bool {
    total.is_some_and(|total| at.into() >= (*total).into())
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

/// Streams the pages of a list: `fetch` gets the cursor of the page to read (`None` for
/// the first) and returns the page, how many items it holds, and the next page's cursor
/// (`None` after the last; an error when the page names a next one that cannot be asked
/// for, which ends the stream after the page). The stream ends after the last page, or after an error, which
/// it yields; when it stops early (the page limit, a cursor it was already given, too many
/// empty pages) it yields [`Error::Paging`] saying why, so that a cut list never looks
/// whole.
#[doc(hidden)]
pub fn pages<'a, P, E, F, Fut>(
    limit: PageLimit,
    fetch: F,
) -> impl futures_util::Stream<Item = Result<P, Error<E>>> + 'a
where
    P: 'a,
    E: 'a,
    F: FnMut(Option<String>) -> Fut + 'a,
    Fut: std::future::Future<Output = Result<(P, usize, Result<Option<String>, Error<E>>), Error<E>>>
        + 'a,
{
    struct State<F, E> {
        fetch: F,
        /// The cursor of the next page to read (`Some(None)`: the first), or why the stream
        /// stops (`Err`), or `None` once it has stopped.
        next: Option<Result<Option<String>, Error<E>>>,
        /// Digests of the cursors given so far: 16 bytes a page, however long a cursor.
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
            Err(why) => return Some((Err(why), state)),
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
            Ok((page, count, next)) => {
                state.empty_in_a_row = if count == 0 {
                    state.empty_in_a_row.saturating_add(1)
                } else {
                    0
                };
                state.next = match next {
                    Err(why) => Some(Err(why)),
                    Ok(None) => None,
                    Ok(Some(t)) if !state.seen.insert(digest(&t)) => Some(Err(Error::Paging(
                        "the server named a page it had already given, so the pages loop".into(),
                    ))),
                    Ok(Some(_)) if state.empty_in_a_row >= MAX_EMPTY_PAGES => {
                        Some(Err(Error::Paging(format!(
                            "the server gave {MAX_EMPTY_PAGES} empty pages in a row, each naming another"
                        ))))
                    }
                    Ok(Some(t)) => Some(Ok(Some(t))),
                };
                Some((Ok(page), state))
            }
            Err(e) => Some((Err(e), state)),
        }
    })
}

/// The items of every page of `pages`, taken out of each page by `items`; an error ends
/// the stream as it ends the pages.
#[doc(hidden)]
pub fn page_items<'a, P, T, E, S, I>(
    pages: S,
    mut items: I,
) -> impl futures_util::Stream<Item = Result<T, Error<E>>> + 'a
where
    P: 'a,
    T: 'a,
    E: 'a,
    S: futures_util::Stream<Item = Result<P, Error<E>>> + 'a,
    I: FnMut(P) -> Vec<T> + 'a,
{
    use futures_util::StreamExt;
    pages.flat_map(move |page| match page {
        Ok(page) => futures_util::stream::iter(items(page).into_iter().map(Ok)).left_stream(),
        Err(e) => futures_util::stream::once(std::future::ready(Err(e))).right_stream(),
    })
}
