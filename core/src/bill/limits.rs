//! How big a bill may be: the download, the number of files in the archive, and what they inflate to.
//!
//! A bill is a zip fetched from a URL, so its size is whatever the other end sends, and a few
//! megabytes of deflated zeros inflate to gigabytes. Every limit is enforced while reading — the
//! download stops at [`MAX_BILL_DOWNLOAD_BYTES`], and an entry is inflated through [`Read::take`] with
//! what is left of [`MAX_BILL_INFLATED_BYTES`] — and passing one is an error naming it, never a
//! silent truncation.
//!
//! A typed row takes far more memory than its text: a few hundred bytes of struct for a line of two
//! bytes. So the rows are limited too, by the memory they take ([`MAX_BILL_ROW_BYTES`]), counted as
//! each row is made; the CSV is read one row at a time, never held as a table of cells.
//!
//! The sizes: a trade-detail row is about 230 bytes of GBK text and deflates about 5:1, so a monthly
//! bill of a merchant with a million payments is some 230 MiB of CSV in a zip of about 45 MiB, and
//! its rows take about 700 MiB. The limits admit that, and a little more; a parse at the limits holds
//! the decoded text and the rows, about 1.5 GiB. A merchant whose monthly bill is larger should fetch
//! daily bills.

use std::io::Read;

use crate::error::DecodeError;

/// The most bytes a bill download may have (64 MiB of zip, about 300 MiB of CSV at Alipay's
/// compression ratio). A longer body fails with
/// [`TransportErrorKind::BodyTooLarge`](crate::error::TransportErrorKind::BodyTooLarge).
pub const MAX_BILL_DOWNLOAD_BYTES: u64 = 64 * 1024 * 1024;

/// The most bytes all the files of a bill archive may inflate to, together (256 MiB). There is no
/// smaller limit per file: the detail file is nearly all of a real bill.
pub const MAX_BILL_INFLATED_BYTES: u64 = 256 * 1024 * 1024;

/// The most files a bill archive may hold (a real one has two).
pub const MAX_BILL_ENTRIES: usize = 64;

/// The most memory the typed rows of a bill may take, all files together (1 GiB), counted as the size
/// of each row's struct plus the text it holds — what a row of a real bill costs is about three times
/// its CSV line.
pub const MAX_BILL_ROW_BYTES: u64 = 1024 * 1024 * 1024;

/// The limits a bill archive is parsed under ([`BillLimits::DEFAULT`] outside tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BillLimits {
    /// At most this many files.
    pub entries: usize,
    /// At most this many inflated bytes, all files together.
    pub inflated_bytes: u64,
    /// At most this much memory in typed rows, all files together.
    pub row_bytes: u64,
}

impl BillLimits {
    /// [`MAX_BILL_ENTRIES`], [`MAX_BILL_INFLATED_BYTES`] and [`MAX_BILL_ROW_BYTES`].
    pub const DEFAULT: BillLimits = BillLimits {
        entries: MAX_BILL_ENTRIES,
        inflated_bytes: MAX_BILL_INFLATED_BYTES,
        row_bytes: MAX_BILL_ROW_BYTES,
    };

    /// Refuses an archive of more than [`BillLimits::entries`] files.
    pub fn check_entries(&self, count: usize) -> Result<(), DecodeError> {
        if count > self.entries {
            return Err(DecodeError::new(format!(
                "the bill archive holds {count} files; at most {} are allowed (MAX_BILL_ENTRIES)",
                self.entries
            )));
        }
        Ok(())
    }
}

/// What is left of the inflated-size budget of one archive.
#[derive(Debug)]
pub(crate) struct InflateBudget {
    limit: u64,
    used: u64,
}

impl InflateBudget {
    pub fn new(limits: &BillLimits) -> Self {
        Self { limit: limits.inflated_bytes, used: 0 }
    }

    /// Inflates one entry, reading at most one byte past what is left of the budget: a file that would
    /// bring the total past the limit is refused without being inflated further.
    pub fn read(&mut self, entry: impl Read, name: &str) -> Result<Vec<u8>, DecodeError> {
        let left = self.limit - self.used;
        let mut raw = Vec::new();
        entry
            .take(left.saturating_add(1))
            .read_to_end(&mut raw)
            .map_err(|e| DecodeError::new(format!("bill file {name}: {e}")))?;
        let read = raw.len() as u64;
        if read > left {
            return Err(DecodeError::new(format!(
                "the bill archive inflates to more than {} bytes (MAX_BILL_INFLATED_BYTES), at file {name}",
                self.limit
            )));
        }
        self.used += read;
        Ok(raw)
    }
}

/// What is left of the row-memory budget of one archive.
#[derive(Debug)]
pub(crate) struct RowBudget {
    limit: u64,
    used: u64,
}

impl RowBudget {
    pub fn new(limits: &BillLimits) -> Self {
        Self { limit: limits.row_bytes, used: 0 }
    }

    /// Counts a row of `bytes`; refuses it when the rows so far pass the limit.
    pub fn charge(&mut self, bytes: usize) -> Result<(), DecodeError> {
        self.used = self.used.saturating_add(bytes as u64);
        if self.used > self.limit {
            return Err(DecodeError::new(format!(
                "the bill's rows take more than {} bytes of memory (MAX_BILL_ROW_BYTES)",
                self.limit
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::bill::parse::parse_bill_zip_with_limits;

    /// A zip of `entries` files of `size` deflated zeros each (a zip bomb, in miniature).
    fn zeros_zip(entries: usize, size: usize) -> Vec<u8> {
        let mut out = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        let zeros = vec![b'0'; size];
        for i in 0..entries {
            zip.start_file(format!("bomb_{i}.csv"), opts).expect("start file");
            zip.write_all(&zeros).expect("write");
        }
        zip.finish().expect("finish");
        out.into_inner()
    }

    const SMALL: BillLimits = BillLimits { entries: 16, inflated_bytes: 100_000, row_bytes: 1_000_000 };

    #[test]
    fn many_entries_each_under_the_limit_cannot_inflate_past_it_together() {
        // 12 × 10,000 bytes: every file is far below the limit, the total is not.
        let zip = zeros_zip(12, 10_000);
        assert!(zip.len() < 5_000, "deflated zeros are tiny: {}", zip.len());
        let err = parse_bill_zip_with_limits(&zip, &SMALL).expect_err("past the total");
        assert!(err.message.contains("more than 100000 bytes") && err.message.contains("bomb_10"), "{}", err.message);
        assert!(parse_bill_zip_with_limits(&zeros_zip(10, 10_000), &SMALL).is_ok(), "exactly at the limit");
    }

    #[test]
    fn one_entry_past_the_limit_is_refused_and_not_inflated_further() {
        let err = parse_bill_zip_with_limits(&zeros_zip(1, 100_001), &SMALL).expect_err("past the limit");
        assert!(err.message.contains("bomb_0"), "{}", err.message);
        let mut budget = InflateBudget::new(&SMALL);
        let mut endless = std::io::repeat(0);
        assert!(budget.read(&mut endless, "endless").is_err(), "an endless entry ends at the limit");
    }

    #[test]
    fn too_many_entries_are_refused_before_any_is_inflated() {
        let err = parse_bill_zip_with_limits(&zeros_zip(17, 1), &SMALL).expect_err("17 files");
        assert!(err.message.contains("17 files") && err.message.contains("at most 16"), "{}", err.message);
    }

    /// A detail file of `rows` lines of one short cell under a header of `columns` columns.
    fn tiny_rows_zip(columns: usize, rows: usize) -> Vec<u8> {
        let header: Vec<String> =
            ["支付宝交易号".to_string()].into_iter().chain((1..columns).map(|i| format!("列{i}"))).collect();
        let text = format!("#支付宝业务明细查询\n{}\n{}", header.join(","), "7\n".repeat(rows));
        let mut out = std::io::Cursor::new(Vec::new());
        let mut zip = zip::ZipWriter::new(&mut out);
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        zip.start_file("x_业务明细.csv", opts).expect("start file");
        zip.write_all(&encoding_rs::GBK.encode(&text).0).expect("write");
        zip.finish().expect("finish");
        out.into_inner()
    }

    #[test]
    fn rows_of_two_bytes_cannot_take_hundreds_of_times_their_size_in_memory() {
        // 10,000 rows of 2 bytes: 20 kB of text, each row a struct of a few hundred bytes.
        let row = std::mem::size_of::<crate::bill::TradeBillRow>();
        assert!(row > 200, "{row}");
        let limits = BillLimits { row_bytes: 1_000_000, ..BillLimits::DEFAULT };
        let err = parse_bill_zip_with_limits(&tiny_rows_zip(1, 10_000), &limits).expect_err("past the budget");
        assert!(err.message.contains("MAX_BILL_ROW_BYTES") && err.message.contains("1000000"), "{}", err.message);
        let bill = parse_bill_zip_with_limits(&tiny_rows_zip(1, 1_000), &limits).expect("within the budget");
        assert_eq!(bill.trade_details.len(), 1_000);
    }

    #[test]
    fn columns_a_row_does_not_have_are_not_invented_for_it() {
        // A header of 5,000 unknown columns over rows of one cell: no row gets 5,000 empty extras.
        let bill = parse_bill_zip_with_limits(&tiny_rows_zip(5_000, 1_000), &BillLimits::DEFAULT).expect("parses");
        assert_eq!(bill.trade_details.len(), 1_000);
        assert!(bill.trade_details.iter().all(|r| r.extra.is_empty() && r.trade_no == "7"));
    }
}
