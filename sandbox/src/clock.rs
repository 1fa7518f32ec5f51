//! Virtual time: the sandbox's clock runs `speed` times faster than the wall clock, and can be advanced
//! on demand, so a 5-second poll or a 2-hour trade timeout takes milliseconds in tests.

use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime};

/// The sandbox's clock.
#[derive(Debug)]
pub struct VirtualClock {
    start_real: Instant,
    start_virtual: SystemTime,
    speed: f64,
    advanced: Mutex<Duration>,
}

impl VirtualClock {
    /// A clock starting at the current time, running `speed` times faster than real time.
    pub fn new(speed: f64) -> Self {
        let speed = if speed.is_finite() && speed > 0.0 { speed } else { 1.0 };
        Self {
            start_real: Instant::now(),
            start_virtual: SystemTime::now(),
            speed,
            advanced: Mutex::new(Duration::ZERO),
        }
    }

    /// The speed factor.
    pub fn speed(&self) -> f64 {
        self.speed
    }

    /// Virtual now.
    pub fn now(&self) -> SystemTime {
        let elapsed = self.start_real.elapsed().mul_f64(self.speed);
        self.start_virtual + elapsed + *self.advanced.lock().expect("clock lock")
    }

    /// Jumps virtual time forward (to reach tomorrow's bill, a trade's timeout…).
    pub fn advance(&self, by: Duration) {
        *self.advanced.lock().expect("clock lock") += by;
    }

    /// The real time that `virtual_duration` takes at this speed.
    pub fn real(&self, virtual_duration: Duration) -> Duration {
        virtual_duration.div_f64(self.speed)
    }

    /// Sleeps for a virtual duration.
    pub async fn sleep(&self, virtual_duration: Duration) {
        tokio::time::sleep(self.real(virtual_duration)).await;
    }
}
