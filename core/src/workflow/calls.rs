//! The table of workflow entry points every binding offers, each with the request model it takes and
//! what it returns. Bindings generate their workflow methods from it (through the requests schema's
//! `x-alipay-workflows`), as they generate their typed calls from [`crate::client::TYPED_CALLS`].

/// One workflow entry point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct WorkflowCall {
    /// The method's name (a [`super::Workflows`] method).
    pub name: &'static str,
    /// The request model it takes.
    pub request: &'static str,
    /// What it returns: `PaymentOutcome`, `PaymentHandle` or `RefundOutcome`.
    pub returns: &'static str,
    /// What it does, in one sentence.
    pub summary: &'static str,
}

/// Every workflow entry point, in the order bindings list them.
pub const WORKFLOW_CALLS: &[WorkflowCall] = &[
    WorkflowCall {
        name: "pay_and_wait",
        request: "TradePayRequest",
        returns: "PaymentOutcome",
        summary: "Barcode pay to the truth: charges the payment code, polls while the buyer confirms, and \
                  cancels the trade if they never do. Hand over the goods only if the outcome is paid.",
    },
    WorkflowCall {
        name: "start_pay",
        request: "TradePayRequest",
        returns: "PaymentHandle",
        summary: "As pay_and_wait, returning the payment's handle (its cancel button) once the intent is journaled.",
    },
    WorkflowCall {
        name: "precreate_and_wait",
        request: "TradePrecreateRequest",
        returns: "PaymentHandle",
        summary: "QR pay: returns the handle once its qr_code is known; the workflow then waits for the buyer \
                  in the background and cancels the trade if they never pay.",
    },
    WorkflowCall {
        name: "refund_until_known",
        request: "TradeRefundRequest",
        returns: "RefundOutcome",
        summary: "Refunds, retrying under the same out_request_no (a fresh one when empty) and confirming with \
                  refund queries, so the money moves at most once. Calling again resumes safely.",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_workflow_call_returns_a_known_model() {
        for call in WORKFLOW_CALLS {
            assert!(["PaymentOutcome", "PaymentHandle", "RefundOutcome"].contains(&call.returns), "{call:?}");
            assert!(call.request.ends_with("Request"), "{call:?}");
        }
    }
}
