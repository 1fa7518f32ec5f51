//! How long workflows wait and how often they retry. The defaults are the official face-to-face
//! demo's: query every 5 s, 5 queries for a barcode payment, cancel tried 3 times 2 s apart.

use std::time::Duration;

/// Polling and cancelling for [`super::Workflows::pay_and_wait`] and
/// [`super::Workflows::precreate_and_wait`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PollPolicy {
    /// The wait before each query (official: 5 s).
    pub query_interval: Duration,
    /// How many queries before the buyer is given up on and the trade cancelled (official: 5).
    pub max_queries: u32,
    /// An overall limit from the start of the workflow: once the next query would come after it, the
    /// trade is cancelled at once. `None`: only `max_queries` limits the wait.
    pub deadline: Option<Duration>,
    /// How many times a cancel is sent before its outcome counts as unknown (official: 3; at least 1).
    pub cancel_attempts: u32,
    /// The wait between cancel attempts (official: 2 s).
    pub cancel_interval: Duration,
    /// The trade's own expiry, sent as `time_expire` when the request has neither `time_expire` nor
    /// `timeout_express` (barcode: 2 minutes, as the official demo; QR: 5 minutes). A trade nobody has
    /// seen is settled "not created" only after it (see [`super::SETTLE_MARGIN`]), so keep it short.
    pub trade_expiry: Duration,
}

impl PollPolicy {
    /// The official barcode defaults: 5 queries 5 s apart (≈25 s for the buyer to confirm), then cancel,
    /// tried 3 times 2 s apart.
    pub fn barcode() -> Self {
        Self {
            query_interval: Duration::from_secs(5),
            max_queries: 5,
            deadline: None,
            cancel_attempts: 3,
            cancel_interval: Duration::from_secs(2),
            trade_expiry: Duration::from_secs(120),
        }
    }

    /// QR defaults: 24 queries 5 s apart — two minutes for the buyer to scan and pay — then cancel.
    /// (The official demo does not poll QR payments at all; two minutes is our choice for a checkout
    /// screen. The QR code itself stays valid for two hours unless cancelled.)
    pub fn qr() -> Self {
        Self { max_queries: 24, trade_expiry: Duration::from_secs(300), ..Self::barcode() }
    }

    /// The same policy with another query interval.
    pub fn with_query_interval(mut self, interval: Duration) -> Self {
        self.query_interval = interval;
        self
    }

    /// The same policy with another number of queries.
    pub fn with_max_queries(mut self, max_queries: u32) -> Self {
        self.max_queries = max_queries;
        self
    }

    /// The same policy with an overall deadline.
    pub fn with_deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// The same policy with another expiry for the trades it creates.
    pub fn with_trade_expiry(mut self, expiry: Duration) -> Self {
        self.trade_expiry = expiry;
        self
    }

    /// The same policy with another cancel schedule.
    pub fn with_cancel(mut self, attempts: u32, interval: Duration) -> Self {
        self.cancel_attempts = attempts;
        self.cancel_interval = interval;
        self
    }
}

impl Default for PollPolicy {
    fn default() -> Self {
        Self::barcode()
    }
}

/// Retrying and confirming for [`super::Workflows::refund_until_known`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RefundPolicy {
    /// How many times the refund is sent (always with the same `out_request_no`; at least 1).
    pub attempts: u32,
    /// How many refund queries may be spent confirming.
    pub confirm_queries: u32,
    /// The wait before a retry or a confirming query.
    pub interval: Duration,
}

impl RefundPolicy {
    /// The same policy with another interval.
    pub fn with_interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// The same policy with other limits.
    pub fn with_limits(mut self, attempts: u32, confirm_queries: u32) -> Self {
        self.attempts = attempts;
        self.confirm_queries = confirm_queries;
        self
    }
}

impl Default for RefundPolicy {
    /// 3 attempts and up to 5 confirming queries, 2 s apart.
    fn default() -> Self {
        Self { attempts: 3, confirm_queries: 5, interval: Duration::from_secs(2) }
    }
}
