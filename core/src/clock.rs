//! Time, injected. Alipay wants `timestamp` as `yyyy-MM-dd HH:mm:ss` in China Standard Time (UTC+8)
//! whatever the host's zone; tests pin the clock so signatures are deterministic. Workflows also wait
//! through the clock ([`Clock::sleep`]), so a simulated clock can make a 5-second poll take a millisecond.

use std::fmt;
use std::time::{Duration, SystemTime};

use crate::future::BoxFuture;

use time::format_description::FormatItem;
use time::macros::{format_description, offset};
use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// China Standard Time, UTC+8 (no daylight saving since 1991): the zone of every Alipay timestamp.
pub const SHANGHAI: UtcOffset = offset!(+8);

const TIMESTAMP: &[FormatItem<'static>] = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");

/// A source of the current time.
pub trait Clock: Send + Sync + fmt::Debug {
    /// Now.
    fn now(&self) -> SystemTime;

    /// Waits for `duration` of this clock's time without blocking a thread. The default sleeps on the
    /// tokio timer (real time); a simulated clock sleeps in its own time.
    fn sleep(&self, duration: Duration) -> BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

/// A clock stuck at one instant, for tests and reproducible signatures.
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub SystemTime);

impl FixedClock {
    /// A clock stuck at the given Shanghai wall-clock time, `yyyy-MM-dd HH:mm:ss`.
    ///
    /// # Panics
    /// When `shanghai_time` is not in that format (this constructor is for tests and examples).
    pub fn at_shanghai(shanghai_time: &str) -> Self {
        let t = parse_shanghai(shanghai_time).expect("FixedClock::at_shanghai wants yyyy-MM-dd HH:mm:ss");
        FixedClock(t)
    }
}

impl Clock for FixedClock {
    fn now(&self) -> SystemTime {
        self.0
    }
}

/// Formats `t` as an Alipay timestamp in Shanghai time.
pub fn format_shanghai(t: SystemTime) -> String {
    OffsetDateTime::from(t)
        .to_offset(SHANGHAI)
        .format(TIMESTAMP)
        .expect("a SystemTime always formats as yyyy-MM-dd HH:mm:ss")
}

/// Milliseconds since the Unix epoch (the v3 `timestamp`); 0 before 1970.
pub fn unix_millis(t: SystemTime) -> u64 {
    let ms = t.duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis());
    u64::try_from(ms).unwrap_or(u64::MAX)
}

/// Parses an Alipay timestamp (`yyyy-MM-dd HH:mm:ss`, Shanghai time). `None` when malformed.
pub fn parse_shanghai(s: &str) -> Option<SystemTime> {
    let dt = PrimitiveDateTime::parse(s.trim(), TIMESTAMP).ok()?;
    Some(dt.assume_offset(SHANGHAI).into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn the_epoch_is_eight_in_the_morning_in_shanghai() {
        assert_eq!(format_shanghai(UNIX_EPOCH), "1970-01-01 08:00:00");
    }

    #[test]
    fn a_utc_evening_is_the_next_day_in_shanghai() {
        // 2024-05-13 17:00:00 UTC
        let t = UNIX_EPOCH + Duration::from_secs(1_715_619_600);
        assert_eq!(format_shanghai(t), "2024-05-14 01:00:00");
        assert_eq!(parse_shanghai("2024-05-14 01:00:00"), Some(t));
    }

    #[test]
    fn malformed_timestamps_do_not_parse() {
        assert_eq!(parse_shanghai("2024/05/14 01:00"), None);
    }
}
