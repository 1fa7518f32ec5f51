//! The handle of a running payment workflow: its events, its cancel button, its outcome.

use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use super::event::WorkflowEvent;
use super::outcome::PaymentOutcome;
use crate::error::Error;

/// What the handle tells its workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Signal {
    /// Carry on.
    Run,
    /// Stop waiting for the buyer: take the cancel path now.
    Stop,
    /// The handle let go without stopping: carry on to the end alone.
    Detached,
}

/// A payment workflow running in the background.
///
/// * [`PaymentHandle::cancel`] — or dropping the handle — makes the workflow stop waiting for the buyer
///   and cancel the trade at once; it still runs to a truthful end (a buyer who paid in the meantime is
///   reported paid, or refunded by the cancel), recorded in the journal.
/// * [`PaymentHandle::detach`] lets the workflow finish on its own; its outcome goes to the journal
///   and to the event callback.
/// * [`PaymentHandle::next_event`] streams progress; [`PaymentHandle::outcome`] waits for the end.
#[derive(Debug)]
pub struct PaymentHandle {
    pub(crate) out_trade_no: String,
    pub(crate) qr_code: Option<String>,
    pub(crate) signal: watch::Sender<Signal>,
    pub(crate) task: Option<JoinHandle<Result<PaymentOutcome, Error>>>,
    pub(crate) events: mpsc::UnboundedReceiver<WorkflowEvent>,
}

impl PaymentHandle {
    /// Your order number.
    pub fn out_trade_no(&self) -> &str {
        &self.out_trade_no
    }

    /// The QR code to show (QR payments, once `alipay.trade.precreate` answered). `None` for barcode
    /// payments, or when the precreate failed — then [`PaymentHandle::outcome`] says how.
    pub fn qr_code(&self) -> Option<&str> {
        self.qr_code.as_deref()
    }

    /// Stop waiting for the buyer and cancel the trade now (the buyer walked away, the cashier pressed
    /// cancel). Has no effect once the workflow is cancelling or done.
    pub fn cancel(&self) {
        self.signal.send_replace(Signal::Stop);
    }

    /// A cancel button that can be pressed from elsewhere while [`PaymentHandle::outcome`] waits (the
    /// handle itself is consumed by the wait).
    pub fn canceller(&self) -> Canceller {
        Canceller(self.signal.clone())
    }

    /// The next progress event, or `None` once the workflow has ended and every event was read.
    pub async fn next_event(&mut self) -> Option<WorkflowEvent> {
        self.events.recv().await
    }

    /// Waits for the workflow's end.
    ///
    /// # Errors
    /// [`Error::Config`] (`Unverifiable`) when no answer verified — nothing was cancelled blindly and
    /// the journal keeps the workflow for `recover()`; [`Error::Internal`] if the workflow's task
    /// panicked (a bug; the journal still holds the workflow).
    pub async fn outcome(mut self) -> Result<PaymentOutcome, Error> {
        let task = self.task.take().ok_or_else(|| Error::Internal("the outcome was already taken".into()))?;
        match task.await {
            Ok(result) => result,
            Err(e) => Err(Error::Internal(format!("the payment workflow task failed: {e}"))),
        }
    }

    /// Lets the workflow run to its end without this handle (it will not be cancelled).
    pub fn detach(self) {
        self.signal.send_replace(Signal::Detached);
    }
}

/// The cancel button of one payment workflow (see [`PaymentHandle::canceller`]).
#[derive(Debug, Clone)]
pub struct Canceller(watch::Sender<Signal>);

impl Canceller {
    /// As [`PaymentHandle::cancel`]: stop waiting for the buyer and cancel the trade now. Has no
    /// effect once the workflow is cancelling, detached or done.
    pub fn cancel(&self) {
        stop_if_running(&self.0);
    }
}

/// `Run` becomes `Stop`; a detached or stopping workflow is left alone.
fn stop_if_running(signal: &watch::Sender<Signal>) {
    signal.send_if_modified(|s| {
        let stop = *s == Signal::Run;
        if stop {
            *s = Signal::Stop;
        }
        stop
    });
}

impl Drop for PaymentHandle {
    fn drop(&mut self) {
        // Dropping without detaching means "stop waiting"; once detached (or finished) it changes nothing.
        stop_if_running(&self.signal);
    }
}

/// A [`PaymentHandle`] that many owners share by reference, as a binding's handle object is shared by
/// its language's runtime: its order number, QR code and cancel button stay readable, and its outcome
/// (or detaching) is taken once. Dropping the last owner with the handle still inside drops it, which
/// takes the cancel path.
#[derive(Debug)]
pub struct SharedPaymentHandle {
    out_trade_no: String,
    qr_code: Option<String>,
    canceller: Canceller,
    handle: std::sync::Mutex<Option<PaymentHandle>>,
}

impl From<PaymentHandle> for SharedPaymentHandle {
    fn from(handle: PaymentHandle) -> Self {
        Self {
            out_trade_no: handle.out_trade_no.clone(),
            qr_code: handle.qr_code.clone(),
            canceller: handle.canceller(),
            handle: std::sync::Mutex::new(Some(handle)),
        }
    }
}

#[cfg(feature = "qr")]
impl SharedPaymentHandle {
    /// The QR code as an SVG document ([`crate::qr::svg`]).
    ///
    /// # Errors
    /// [`Error::InvalidInput`] naming `qr_code` for a payment without one (barcode pay, or a failed
    /// precreate).
    pub fn qr_svg(&self) -> Result<String, Error> {
        crate::qr::svg(self.qr_text()?)
    }

    /// The QR code as a PNG at most `size` pixels a side ([`crate::qr::png`]).
    ///
    /// # Errors
    /// As [`SharedPaymentHandle::qr_svg`], and [`Error::InvalidInput`] naming `size` for a size the
    /// code does not fit.
    pub fn qr_png(&self, size: u32) -> Result<Vec<u8>, Error> {
        crate::qr::png(self.qr_text()?, size)
    }

    fn qr_text(&self) -> Result<&str, Error> {
        let none = "this payment has no QR code (barcode pay, or the precreate failed)";
        self.qr_code().ok_or_else(|| crate::error::InvalidInput::new("qr_code", none).into())
    }
}

impl SharedPaymentHandle {
    /// Your order number.
    pub fn out_trade_no(&self) -> &str {
        &self.out_trade_no
    }

    /// The QR code to show (QR payments).
    pub fn qr_code(&self) -> Option<&str> {
        self.qr_code.as_deref()
    }

    /// As [`PaymentHandle::cancel`]; works after the handle was taken too (until the workflow ends).
    pub fn cancel(&self) {
        self.canceller.cancel();
    }

    /// The handle, once: to await its outcome or detach it.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] (field `handle`) when it was taken before.
    pub fn take(&self) -> Result<PaymentHandle, Error> {
        self.handle.lock().unwrap_or_else(std::sync::PoisonError::into_inner).take().ok_or_else(|| {
            crate::error::InvalidInput::new("handle", "the outcome was already awaited, or the handle detached").into()
        })
    }
}
