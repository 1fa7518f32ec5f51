//! Faults on demand: one-shot faults for a precise scenario, or random ones, deterministic by seed.

use std::time::Duration;

/// Something going wrong between the client and the gateway.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fault {
    /// The answer comes late (virtual time).
    Latency(Duration),
    /// The connection drops before the gateway acted: nothing happened.
    DropBeforeApply,
    /// The gateway acted, then the connection dropped: the answer is lost.
    DropAfterApply,
    /// An HTTP error status (502, 503, 504) from a proxy in front of the gateway, with or without the
    /// request having been acted on.
    Http5xx {
        /// The status.
        status: u16,
        /// Whether the gateway acted before the error.
        applied: bool,
    },
    /// A signed `20000` system-error answer, with or without the request having been acted on.
    SystemError {
        /// Whether the gateway acted before answering 20000.
        applied: bool,
    },
    /// The gateway acted, but the answer's signature is forged (signed by a key that is not Alipay's).
    ForgedSignature,
    /// The request is held up on its way — the connection drops, the client hears nothing — and reaches
    /// the gateway only when [`crate::Sandbox::release_held`] is called: a request stuck in a proxy that
    /// lands after the client gave up on it.
    Hold,
}

/// The names faults go by (`POST /sandbox/faults`, the shared conformance scenarios).
pub const FAULT_NAMES: &[&str] = &[
    "drop_before",
    "drop_after",
    "http_5xx",
    "http_5xx_applied",
    "system_error",
    "system_error_applied",
    "forged_signature",
    "hold",
    "latency",
];

impl std::str::FromStr for Fault {
    type Err = String;

    /// A fault by name (one of [`FAULT_NAMES`]); `latency` is one second (see [`Fault::Latency`]).
    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Ok(match name {
            "drop_before" => Fault::DropBeforeApply,
            "drop_after" => Fault::DropAfterApply,
            "http_5xx" => Fault::Http5xx { status: 502, applied: false },
            "http_5xx_applied" => Fault::Http5xx { status: 502, applied: true },
            "system_error" => Fault::SystemError { applied: false },
            "system_error_applied" => Fault::SystemError { applied: true },
            "forged_signature" => Fault::ForgedSignature,
            "hold" => Fault::Hold,
            "latency" => Fault::Latency(Duration::from_secs(1)),
            _ => return Err(format!("fault must be one of {}", FAULT_NAMES.join(", "))),
        })
    }
}

impl Fault {
    /// Whether the request is acted on under this fault.
    pub(crate) fn applies(self) -> bool {
        match self {
            Fault::Latency(_) | Fault::DropAfterApply | Fault::ForgedSignature => true,
            Fault::DropBeforeApply | Fault::Hold => false,
            Fault::Http5xx { applied, .. } | Fault::SystemError { applied } => applied,
        }
    }
}

/// A fault that fires at random on matching requests.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultRule {
    /// Only requests to this method (`alipay.trade.pay`), or every method when `None`.
    pub method: Option<String>,
    /// Chance per matching request, 0.0–1.0.
    pub probability: f64,
    /// What happens.
    pub fault: Fault,
}

/// The faults in force: a queue of one-shot faults, then random rules drawn from a seeded generator.
#[derive(Debug, Default)]
pub(crate) struct FaultPlan {
    once: Vec<(Option<String>, Fault)>,
    rules: Vec<FaultRule>,
    rng: SplitMix64,
}

impl FaultPlan {
    pub(crate) fn inject(&mut self, method: Option<String>, fault: Fault) {
        self.once.push((method, fault));
    }

    pub(crate) fn set_rules(&mut self, seed: u64, rules: Vec<FaultRule>) {
        self.rules = rules;
        self.rng = SplitMix64(seed);
    }

    pub(crate) fn clear(&mut self) {
        self.once.clear();
        self.rules.clear();
    }

    /// The faults for a request to `method`: the first matching one-shot fault, else the random rules.
    pub(crate) fn draw(&mut self, method: &str) -> Vec<Fault> {
        let matches = |m: &Option<String>| m.as_deref().is_none_or(|m| m == method);
        if let Some(i) = self.once.iter().position(|(m, _)| matches(m)) {
            return vec![self.once.remove(i).1];
        }
        let mut drawn = Vec::new();
        for rule in &self.rules {
            if matches(&rule.method) && self.rng.next_f64() < rule.probability {
                drawn.push(rule.fault);
            }
        }
        drawn
    }
}

/// SplitMix64: a tiny, fully specified generator, so a seed replays the same faults on every platform
/// and every version (general-purpose RNG crates do not promise that).
#[derive(Debug, Default)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_shot_faults_fire_once_on_their_method() {
        let mut plan = FaultPlan::default();
        plan.inject(Some("alipay.trade.pay".into()), Fault::DropAfterApply);
        assert!(plan.draw("alipay.trade.query").is_empty());
        assert_eq!(plan.draw("alipay.trade.pay"), vec![Fault::DropAfterApply]);
        assert!(plan.draw("alipay.trade.pay").is_empty());
    }

    #[test]
    fn random_faults_replay_by_seed() {
        let rule = FaultRule { method: None, probability: 0.3, fault: Fault::DropBeforeApply };
        let run = |seed| {
            let mut plan = FaultPlan::default();
            plan.set_rules(seed, vec![rule.clone()]);
            (0..200).map(|_| plan.draw("m").len()).collect::<Vec<_>>()
        };
        assert_eq!(run(7), run(7));
        assert_ne!(run(7), run(8));
        let hits: usize = run(7).iter().sum();
        assert!((30..90).contains(&hits), "about 30% of 200: {hits}");
    }
}
