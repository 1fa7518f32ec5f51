//! A payment's own expiry, which the workflow sets so that "not paid" can be settled safely.
//!
//! A pay request can be held up anywhere between the client and Alipay and arrive after the workflow
//! has stopped waiting. Queries then say `ACQ.TRADE_NOT_EXIST` and a cancel has nothing to cancel, yet
//! the request may still land and charge the buyer. So a trade nobody has seen is settled "not created"
//! only once its absolute expiry `time_expire` has passed (plus [`SETTLE_MARGIN`]): Alipay refuses a
//! payment that arrives after it. Every workflow payment carries one — the caller's, the caller's
//! `timeout_express` made absolute, or [`super::PollPolicy::trade_expiry`] from now.

use std::time::{Duration, SystemTime};

use crate::clock::{format_shanghai, parse_shanghai};
use crate::error::InvalidInput;

/// How long after a trade's expiry a trade never seen is settled "not created": room for a clock that
/// runs ahead of Alipay's.
pub const SETTLE_MARGIN: Duration = Duration::from_secs(5 * 60);

/// The `time_expire` a workflow sends: `time_expire` as given, else `timeout_express` (`90m`, `2h`,
/// `1d`) counted from `now`, else `default` from `now`. `Ok(None)` only for a `timeout_express` this
/// library cannot turn into a time (`1c`, "the end of today"): then the trade has no expiry the
/// workflow can count on, and a trade never seen stays unknown until a query shows it closed.
///
/// # Errors
/// [`InvalidInput`] for a `time_expire` that is not `yyyy-MM-dd HH:mm:ss`.
pub(crate) fn time_expire(
    time_expire: Option<&str>,
    timeout_express: Option<&str>,
    default: Duration,
    now: SystemTime,
) -> Result<Option<String>, InvalidInput> {
    if let Some(at) = time_expire {
        parse_shanghai(at).ok_or_else(|| {
            InvalidInput::new("time_expire", format!("{at:?} is not a time like 2026-11-22 10:05:00"))
        })?;
        return Ok(Some(at.to_string()));
    }
    let after = match timeout_express {
        Some(relative) => match parse_timeout_express(relative) {
            Some(d) => d,
            None => return Ok(None),
        },
        None => default,
    };
    Ok(now.checked_add(after).map(format_shanghai))
}

/// The moment after which a trade expiring at `time_expire` (as journaled) and never seen is settled
/// "not created".
pub(crate) fn settle_after(time_expire: Option<&str>) -> Option<SystemTime> {
    parse_shanghai(time_expire?)?.checked_add(SETTLE_MARGIN)
}

/// `90m`, `2h`, `1d` (Alipay's relative timeouts, 1 minute to 15 days); `None` for anything else.
fn parse_timeout_express(text: &str) -> Option<Duration> {
    let text = text.trim();
    let unit = text.chars().last()?;
    let n: u64 = text[..text.len() - unit.len_utf8()].parse().ok()?;
    let seconds = match unit {
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        _ => return None,
    };
    let d = Duration::from_secs(n.checked_mul(seconds)?);
    (Duration::from_secs(60)..=Duration::from_secs(15 * 86_400)).contains(&d).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> SystemTime {
        parse_shanghai(s).expect("time")
    }

    #[test]
    fn the_callers_expiry_wins_then_their_timeout_then_the_policys() {
        let now = at("2026-11-22 10:00:00");
        let two_minutes = Duration::from_secs(120);
        let given = time_expire(Some("2026-11-22 10:30:00"), Some("2m"), two_minutes, now).expect("ok");
        assert_eq!(given.as_deref(), Some("2026-11-22 10:30:00"));
        let relative = time_expire(None, Some("90m"), two_minutes, now).expect("ok");
        assert_eq!(relative.as_deref(), Some("2026-11-22 11:30:00"));
        let default = time_expire(None, None, two_minutes, now).expect("ok");
        assert_eq!(default.as_deref(), Some("2026-11-22 10:02:00"));
        assert_eq!(time_expire(None, Some("1c"), two_minutes, now).expect("ok"), None);
        assert!(time_expire(Some("tomorrow"), None, two_minutes, now).is_err());
    }

    #[test]
    fn a_trade_never_seen_is_settled_only_after_its_expiry_and_the_margin() {
        assert_eq!(settle_after(Some("2026-11-22 10:02:00")), Some(at("2026-11-22 10:07:00")));
        assert_eq!(settle_after(None), None);
        assert_eq!(parse_timeout_express("0m"), None);
        assert_eq!(parse_timeout_express("16d"), None);
        assert_eq!(parse_timeout_express("15d"), Some(Duration::from_secs(15 * 86_400)));
        assert_eq!(parse_timeout_express("九m"), None);
    }
}
