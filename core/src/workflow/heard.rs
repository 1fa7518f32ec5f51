//! What one call told the workflow, sorted by how far it can be believed.

use crate::error::{ConfigError, Error, ErrorKind, GatewayError};

/// One call's result, classified for the decision functions.
#[derive(Debug)]
pub(crate) enum Heard<T> {
    /// A verified success answer.
    Answer(T),
    /// A verified refusal: Alipay definitely did not do it (and said why).
    Refused(GatewayError),
    /// The request may or may not have been applied (`20000`, a lost answer, a 5xx, an unreadable body).
    Unknown(Error),
    /// An answer came but cannot be believed (bad or missing signature, an unsigned error).
    Unverified(Error),
    /// The request never reached Alipay.
    NotSent(Error),
}

/// Sorts a call's result by its [`ErrorKind`] — the one classification every binding shows too. An
/// unsigned error is not proof of anything, so it counts as unverified.
pub(crate) fn hear<T>(result: Result<T, Error>) -> Heard<T> {
    let error = match result {
        Ok(answer) => return Heard::Answer(answer),
        Err(error) => error,
    };
    match (error.kind(), error) {
        (ErrorKind::Rejected, Error::Gateway(g)) => Heard::Refused(*g),
        (ErrorKind::Signature, e) => Heard::Unverified(e),
        (ErrorKind::NotSent, e) => Heard::NotSent(e),
        // Lost after sending, an unreadable body, and anything unexpected: we cannot tell.
        (_, e) => Heard::Unknown(e),
    }
}

impl<T> Heard<T> {
    /// `true` when this came from a verified answer.
    pub(crate) fn verified(&self) -> bool {
        matches!(self, Heard::Answer(_) | Heard::Refused(_))
    }
}

/// How far a workflow's answers could be believed so far: the ground for giving up with
/// [`ConfigError::Unverifiable`] instead of acting blindly.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Credibility {
    verified_any: bool,
    unverified: u32,
}

impl Credibility {
    /// Counts one call's result.
    pub(crate) fn note<T>(&mut self, heard: &Heard<T>) {
        if heard.verified() {
            self.verified_any = true;
        } else if matches!(heard, Heard::Unverified(_)) {
            self.unverified += 1;
        }
    }

    /// `true` once any answer verified.
    pub(crate) fn verified_any(self) -> bool {
        self.verified_any
    }

    /// Answers that failed verification.
    pub(crate) fn unverified(self) -> u32 {
        self.unverified
    }

    /// `true` when answers came but not one verified: most likely the wrong Alipay key.
    pub(crate) fn nothing_verifies(self) -> bool {
        !self.verified_any && self.unverified > 0
    }

    /// The error for workflow `key` when nothing verifies.
    pub(crate) fn unverifiable(self, key: &str) -> Error {
        ConfigError::Unverifiable { workflow: key.to_string(), answers: self.unverified }.into()
    }
}

/// Remembers a trade number an answer told (an empty one tells nothing).
pub(crate) fn learn_trade_no(slot: &mut Option<String>, told: Option<&str>) {
    if let Some(t) = told.filter(|t| !t.is_empty()) {
        *slot = Some(t.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{SignatureError, TransportError, TransportErrorKind};

    fn gateway(code: &str, sub_code: &str, verified: bool) -> Error {
        GatewayError::v2("alipay.trade.pay", code, "m", Some(sub_code.into()), None, verified).into()
    }

    #[test]
    fn only_verified_refusals_count_as_refusals() {
        assert!(matches!(hear::<()>(Err(gateway("40004", "ACQ.TRADE_NOT_EXIST", true))), Heard::Refused(_)));
        assert!(matches!(hear::<()>(Err(gateway("40004", "ACQ.TRADE_NOT_EXIST", false))), Heard::Unverified(_)));
        assert!(matches!(hear::<()>(Err(gateway("20000", "ACQ.SYSTEM_ERROR", true))), Heard::Unknown(_)));
        assert!(matches!(hear::<()>(Err(gateway("40004", "ACQ.SYSTEM_ERROR", true))), Heard::Unknown(_)));
    }

    #[test]
    fn transport_failures_split_on_whether_anything_was_sent() {
        let sent = TransportError::outcome_unknown(TransportErrorKind::Timeout, "t");
        let not_sent = TransportError::not_sent(TransportErrorKind::Connect, "c");
        assert!(matches!(hear::<()>(Err(sent.into())), Heard::Unknown(_)));
        assert!(matches!(hear::<()>(Err(not_sent.into())), Heard::NotSent(_)));
        let forged = SignatureError::Mismatch { what: "x".into() };
        assert!(matches!(hear::<()>(Err(forged.into())), Heard::Unverified(_)));
        assert!(hear::<u8>(Ok(1)).verified());
    }
}
