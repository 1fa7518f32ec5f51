//! Unzipping a bill archive, decoding its GBK CSVs and mapping them to typed rows.

use std::io::Cursor;

use crate::charset::Charset;
use crate::error::DecodeError;

use super::limits::{BillLimits, InflateBudget, RowBudget};
use super::rows::{AccountBillRow, Table, TradeBillRow, TradeBillSummaryRow, account_rows, summary_rows, trade_rows};

/// What a file in a bill archive is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum BillFileKind {
    /// `…_业务明细.csv`: every payment and refund.
    TradeDetail,
    /// `…_业务明细(汇总).csv`: totals per store.
    TradeSummary,
    /// `…_账务明细.csv`: every balance movement.
    AccountDetail,
    /// `…_账务明细(汇总).csv`: account totals (kept as text).
    AccountSummary,
    /// Anything else (kept as text).
    Other,
}

/// One file of the archive, decoded to text (nothing is dropped, even when it is not typed).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct BillFile {
    /// The file name inside the zip (GBK names decoded).
    pub name: String,
    /// What it is.
    pub kind: BillFileKind,
    /// Its full text, comment lines included.
    pub text: String,
}

/// A parsed bill archive.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct Bill {
    /// Every file in the archive.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub files: Vec<BillFile>,
    /// The rows of the trade detail file(s).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_details: Vec<TradeBillRow>,
    /// The rows of the trade summary file(s), the `合计` total row included.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub trade_summary: Vec<TradeBillSummaryRow>,
    /// The rows of the account detail file(s).
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub account_details: Vec<AccountBillRow>,
}

/// Parses the zip Alipay serves as a bill: GBK CSVs with `#` comment header and footer lines.
///
/// The archive may hold at most [`MAX_BILL_ENTRIES`](super::MAX_BILL_ENTRIES) files, inflating to at
/// most [`MAX_BILL_INFLATED_BYTES`](super::MAX_BILL_INFLATED_BYTES) together (nothing is inflated past
/// that), whose typed rows take at most [`MAX_BILL_ROW_BYTES`](super::MAX_BILL_ROW_BYTES) of memory.
///
/// # Errors
/// [`DecodeError`] when the bytes are not a zip, the archive passes a limit (the message names it), a
/// file is not GBK, or a typed column holds garbage.
pub fn parse_bill_zip(bytes: &[u8]) -> Result<Bill, DecodeError> {
    parse_bill_zip_with_limits(bytes, &BillLimits::DEFAULT)
}

/// [`parse_bill_zip`] under other limits (tests reach them cheaply).
pub(crate) fn parse_bill_zip_with_limits(bytes: &[u8], limits: &BillLimits) -> Result<Bill, DecodeError> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| DecodeError::new(format!("the bill is not a zip archive: {e}")))?;
    limits.check_entries(archive.len())?;
    let mut budget = InflateBudget::new(limits);
    let mut rows = RowBudget::new(limits);
    let mut bill = Bill::default();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| DecodeError::new(format!("bill archive entry {i}: {e}")))?;
        if entry.is_dir() {
            continue;
        }
        let name = decode_name(entry.name_raw());
        let raw = budget.read(&mut entry, &name)?;
        let text = decode_text(&raw, &name)?;
        let kind = classify(&name, &text);
        match kind {
            BillFileKind::TradeDetail => bill.trade_details.extend(trade_rows(table(&text, &name)?, &mut rows)?),
            BillFileKind::TradeSummary => bill.trade_summary.extend(summary_rows(table(&text, &name)?, &mut rows)?),
            BillFileKind::AccountDetail => bill.account_details.extend(account_rows(table(&text, &name)?, &mut rows)?),
            BillFileKind::AccountSummary | BillFileKind::Other => {}
        }
        bill.files.push(BillFile { name, kind, text });
    }
    Ok(bill)
}

/// Zip names are GBK bytes without the UTF-8 flag in Alipay's archives.
fn decode_name(raw: &[u8]) -> String {
    match std::str::from_utf8(raw) {
        Ok(s) => s.to_string(),
        Err(_) => match Charset::Gbk.decode(raw, "a file name") {
            Ok(name) => name.into_owned(),
            Err(_) => encoding_rs::GBK.decode_without_bom_handling(raw).0.into_owned(),
        },
    }
}

/// GBK, unless the file starts with a UTF-8 byte-order mark.
fn decode_text(raw: &[u8], name: &str) -> Result<String, DecodeError> {
    match raw.strip_prefix(b"\xEF\xBB\xBF") {
        Some(utf8) => Charset::Utf8.decode(utf8, &format!("bill file {name}")).map(|c| c.into_owned()),
        None => Charset::Gbk.decode(raw, &format!("bill file {name}")).map(|c| c.into_owned()),
    }
}

fn classify(name: &str, text: &str) -> BillFileKind {
    let first = text.lines().next().unwrap_or("").trim();
    let by_title = match first {
        t if t.starts_with("#支付宝业务明细查询") => Some(BillFileKind::TradeDetail),
        t if t.starts_with("#支付宝业务汇总查询") => Some(BillFileKind::TradeSummary),
        t if t.starts_with("#支付宝账务明细查询") => Some(BillFileKind::AccountDetail),
        t if t.starts_with("#支付宝账务汇总查询") => Some(BillFileKind::AccountSummary),
        _ => None,
    };
    by_title.unwrap_or_else(|| {
        let summary = name.contains("汇总");
        match (name.contains("业务明细"), name.contains("账务明细"), summary) {
            (true, _, false) => BillFileKind::TradeDetail,
            (true, _, true) => BillFileKind::TradeSummary,
            (_, true, false) => BillFileKind::AccountDetail,
            (_, true, true) => BillFileKind::AccountSummary,
            _ => BillFileKind::Other,
        }
    })
}

/// The CSV under the `#` comment lines: its first row the header, the rest data, read one row at a
/// time; cells trimmed of the trailing TAB Alipay adds and of spaces, rows of empty cells skipped.
fn table<'a>(text: &'a str, name: &'a str) -> Result<Table<'a>, DecodeError> {
    let reader =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).comment(Some(b'#')).from_reader(text.as_bytes());
    let mut rows = reader
        .into_records()
        .map(move |record| {
            let record = record.map_err(|e| DecodeError::new(format!("bill file {name}: {e}")))?;
            Ok(record.iter().map(|c| c.trim_matches(|ch: char| ch == '\t' || ch.is_whitespace()).to_string()).collect())
        })
        .filter(
            |row: &Result<Vec<String>, DecodeError>| !matches!(row, Ok(cells) if cells.iter().all(String::is_empty)),
        );
    let headers = rows.next().ok_or_else(|| DecodeError::new(format!("bill file {name} has no header row")))??;
    Ok(Table { headers, rows: Box::new(rows) })
}
