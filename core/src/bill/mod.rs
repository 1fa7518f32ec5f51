//! Bills (对账单): the download-URL query, and parsing the zip of GBK CSV files it points to.
//!
//! ```no_run
//! # async fn demo(client: &alipay_core::Client) -> alipay_core::Result<()> {
//! use alipay_core::bill::{BillDownloadUrlQueryRequest, BillType};
//! let bill = client.download_bill(&BillDownloadUrlQueryRequest::new(BillType::Trade, "2026-11-21")).await?;
//! for row in &bill.trade_details {
//!     println!("{} {} {}", row.out_trade_no, row.business_type, row.order_amount);
//! }
//! # Ok(()) }
//! ```

mod limits;
mod parse;
mod rows;

pub use limits::{MAX_BILL_DOWNLOAD_BYTES, MAX_BILL_ENTRIES, MAX_BILL_INFLATED_BYTES, MAX_BILL_ROW_BYTES};
pub use parse::{Bill, BillFile, BillFileKind, parse_bill_zip};
pub use rows::{AccountBillRow, BillBusinessType, TradeBillRow, TradeBillSummaryRow};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::enums::open_enum;
use crate::error::InvalidInput;
use crate::trade::ApiRequest;

open_enum! {
    /// Which bill.
    pub enum BillType {
        /// `trade`: the acquiring (收单) bill — every payment and refund. What face-to-face merchants want.
        Trade = "trade",
        /// `signcustomer`: the account (账务) bill — every movement of the merchant's Alipay balance.
        SignCustomer = "signcustomer",
    }
}

/// Asks for the download URL of a day's (`yyyy-MM-dd`) or month's (`yyyy-MM`) bill. Today's bill does
/// not exist yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct BillDownloadUrlQueryRequest {
    /// Which bill.
    pub bill_type: BillType,
    /// `yyyy-MM-dd` or `yyyy-MM`.
    pub bill_date: String,
    /// A secondary merchant id (for `trade_zft_merchant` bills only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub smid: Option<String>,
    /// Any other business field.
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: Map<String, Value>,
}

impl BillDownloadUrlQueryRequest {
    /// The bill of `bill_type` for `bill_date` (`yyyy-MM-dd` or `yyyy-MM`).
    pub fn new(bill_type: BillType, bill_date: impl Into<String>) -> Self {
        Self { bill_type, bill_date: bill_date.into(), smid: None, extra: Map::new() }
    }
}

impl ApiRequest for BillDownloadUrlQueryRequest {
    const METHOD: &'static str = "alipay.data.dataservice.bill.downloadurl.query";
    type Response = BillDownloadUrlQueryResponse;

    fn validate(&self) -> Result<(), InvalidInput> {
        if !is_bill_date(&self.bill_date) {
            return Err(InvalidInput::new("bill_date", format!("{:?} is not yyyy-MM-dd or yyyy-MM", self.bill_date)));
        }
        Ok(())
    }
}

fn is_bill_date(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |r: std::ops::Range<usize>| b.get(r).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let month_ok = digits(0..4) && b.get(4) == Some(&b'-') && digits(5..7);
    match b.len() {
        7 => month_ok,
        10 => month_ok && b.get(7) == Some(&b'-') && digits(8..10),
        _ => false,
    }
}

/// The answer: a URL valid for 30 seconds. Download it at once, from the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct BillDownloadUrlQueryResponse {
    /// `10000`.
    pub code: String,
    /// The gateway message.
    #[serde(default)]
    pub msg: String,
    /// The bill file's URL (valid 30 s).
    pub bill_download_url: String,
    /// Every other field.
    #[serde(flatten)]
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub extra: Map<String, Value>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bill_dates_are_days_or_months() {
        assert!(is_bill_date("2026-11-21") && is_bill_date("2026-11"));
        for bad in ["2026/11/21", "20261121", "2026-1-2", "", "2026-11-2x"] {
            assert!(!is_bill_date(bad), "{bad}");
        }
    }
}
