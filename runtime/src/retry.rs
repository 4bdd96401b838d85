//! When a failed request is tried again, and how long to wait first.
//!
//! The loop is written here rather than taken from a backoff crate because each decision
//! depends on the answer: a 429 waits for `Retry-After` or `X-RateLimit-Reset` when the
//! server sends them, only some statuses are worth retrying, and POST and PATCH may be
//! repeated only when the server cannot have acted on them. The backoff itself is the
//! usual exponential one with full jitter (a random wait between zero and the cap).

use std::time::Duration;

/// How a client retries: how many attempts, for how long in all, and the backoff.
///
/// Built from the default or from [`RetryPolicy::disabled`] with its `with_` methods, so
/// that a setting added later breaks no caller:
/// `RetryPolicy::default().with_max_attempts(2).with_base_delay(Duration::from_millis(10))`.
/// The fields stay readable (and assignable on a policy of your own).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 switches retries off.
    pub max_attempts: u32,
    /// No retry starts once this much time has passed since the first attempt began
    /// (waits included).
    pub max_elapsed: Duration,
    /// The cap of the first backoff; each further retry doubles it.
    pub base_delay: Duration,
    /// The largest backoff cap.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            max_elapsed: Duration::from_secs(120),
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// Every request is sent once.
    pub fn disabled() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The same policy with `max_attempts` attempts in all (1 switches retries off).
    pub fn with_max_attempts(mut self, max_attempts: u32) -> Self {
        self.max_attempts = max_attempts;
        self
    }

    /// The same policy, starting no retry once `max_elapsed` has passed since the first
    /// attempt began.
    pub fn with_max_elapsed(mut self, max_elapsed: Duration) -> Self {
        self.max_elapsed = max_elapsed;
        self
    }

    /// The same policy with `base_delay` as the cap of the first backoff.
    pub fn with_base_delay(mut self, base_delay: Duration) -> Self {
        self.base_delay = base_delay;
        self
    }

    /// The same policy with `max_delay` as the largest backoff cap.
    pub fn with_max_delay(mut self, max_delay: Duration) -> Self {
        self.max_delay = max_delay;
        self
    }

    /// How long to wait before attempt `attempt + 1`, or `None` to stop. `hint` is what
    /// the server asked for, if anything; it is honoured even when longer than the backoff,
    /// but never past `max_elapsed`.
    #[doc(hidden)]
    pub fn delay(
        &self,
        attempt: u32,
        elapsed: Duration,
        hint: Option<Duration>,
    ) -> Option<Duration> {
        if attempt >= self.max_attempts {
            return None;
        }
        let wait = hint.unwrap_or_else(|| self.backoff(attempt));
        // A wait from the server may be any number: one that overflows is past any budget.
        let done = elapsed.checked_add(wait)?;
        (done <= self.max_elapsed).then_some(wait)
    }

    /// Full jitter: a random wait up to `base_delay * 2^(attempt - 1)`, capped.
    fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1));
        let cap = self.base_delay.saturating_mul(factor).min(self.max_delay);
        cap.mul_f64(fastrand::f64())
    }
}

/// Whether an answer with this status may be retried for this method.
pub(crate) fn status_is_retryable(status: u16, method: &reqwest::Method) -> bool {
    match status {
        429 => true,
        // 501 Not Implemented will not change on a second try.
        501 => false,
        500..=599 => is_idempotent(method),
        _ => false,
    }
}

/// Methods that do the same when sent twice. POST and PATCH are not: the server may
/// have acted on the first request even though the client saw a failure.
pub(crate) fn is_idempotent(method: &reqwest::Method) -> bool {
    matches!(
        method.as_str(),
        "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS" | "TRACE"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_stay_under_the_cap_and_stop_at_the_limits() {
        let policy = RetryPolicy::default();
        for attempt in 1..4 {
            let wait = policy
                .delay(attempt, Duration::ZERO, None)
                .expect("retries");
            assert!(
                wait <= policy.base_delay * 2u32.pow(attempt - 1),
                "{wait:?}"
            );
        }
        assert_eq!(
            policy.delay(4, Duration::ZERO, None),
            None,
            "attempts run out"
        );
        assert_eq!(
            policy.delay(1, Duration::from_secs(119), Some(Duration::from_secs(2))),
            None,
            "deadline"
        );
        assert_eq!(
            policy.delay(1, Duration::ZERO, Some(Duration::from_secs(7))),
            Some(Duration::from_secs(7))
        );
        assert_eq!(RetryPolicy::disabled().delay(1, Duration::ZERO, None), None);
        let capped = RetryPolicy {
            max_delay: Duration::from_millis(10),
            ..policy
        };
        assert!(capped
            .delay(3, Duration::ZERO, None)
            .is_some_and(|w| w <= Duration::from_millis(10)));
    }

    #[test]
    fn what_is_retried() {
        use reqwest::Method;
        assert!(status_is_retryable(429, &Method::POST));
        assert!(status_is_retryable(503, &Method::GET));
        assert!(status_is_retryable(500, &Method::DELETE));
        assert!(!status_is_retryable(503, &Method::POST));
        assert!(!status_is_retryable(503, &Method::PATCH));
        assert!(!status_is_retryable(501, &Method::GET));
        assert!(!status_is_retryable(404, &Method::GET));
    }
}
