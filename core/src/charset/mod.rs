//! The request charset: `utf-8` (the default) or `GBK`. It decides which bytes are hashed when signing,
//! how form bodies are percent-encoded, and how answers and notifications are decoded.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use crate::error::{DecodeError, InvalidInput};

mod gbk;
mod java_gbk_overrides;

/// A charset Alipay accepts for requests and notifications.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Charset {
    /// `utf-8`, the default and the only sensible choice for new integrations.
    #[default]
    Utf8,
    /// `GBK`, used by older Chinese merchant systems.
    Gbk,
}

impl Charset {
    /// The value sent in the `charset` parameter.
    pub fn as_str(self) -> &'static str {
        match self {
            Charset::Utf8 => "utf-8",
            Charset::Gbk => "GBK",
        }
    }

    /// Encodes `text` into this charset's bytes — for GBK, exactly as Java's GBK does (see `gbk.rs`).
    ///
    /// # Errors
    /// [`InvalidInput`] naming the first character the charset cannot represent (an emoji in GBK, say):
    /// signing a replacement character, as the Java SDK silently does (`?`), would sign something other
    /// than what the caller meant.
    pub fn encode<'a>(self, text: &'a str) -> Result<Cow<'a, [u8]>, InvalidInput> {
        match self {
            Charset::Utf8 => Ok(Cow::Borrowed(text.as_bytes())),
            Charset::Gbk => gbk::encode(text).map_err(|bad| {
                InvalidInput::new(
                    "charset",
                    format!("the character {bad:?} (U+{:04X}) cannot be encoded in GBK; use charset utf-8", bad as u32),
                )
            }),
        }
    }

    /// Decodes `bytes` in this charset — for GBK, exactly as Java's GBK does — refusing malformed input
    /// rather than guessing.
    ///
    /// # Errors
    /// [`DecodeError`] when the bytes are not valid in this charset.
    pub fn decode<'a>(self, bytes: &'a [u8], what: &str) -> Result<Cow<'a, str>, DecodeError> {
        let decoded = match self {
            Charset::Utf8 => std::str::from_utf8(bytes).ok().map(Cow::Borrowed),
            Charset::Gbk => gbk::decode(bytes),
        };
        decoded.ok_or_else(|| DecodeError::new(format!("{what} is not valid {}", self.as_str())))
    }
}

impl fmt::Display for Charset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Charset {
    type Err = InvalidInput;

    /// Parses `utf-8`/`utf8`/`UTF-8` or `gbk`/`GBK` (also `gb2312`, which Alipay treats as GBK).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" => Ok(Charset::Utf8),
            "gbk" | "gb2312" => Ok(Charset::Gbk),
            other => Err(InvalidInput::new("charset", format!("unsupported charset {other:?}; use utf-8 or GBK"))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_round_trips_chinese_and_refuses_emoji() {
        let bytes = Charset::Gbk.encode("测试").expect("GBK holds Chinese");
        assert_eq!(bytes.as_ref(), &[0xB2, 0xE2, 0xCA, 0xD4]);
        assert_eq!(Charset::Gbk.decode(&bytes, "text").expect("valid GBK"), "测试");
        let err = Charset::Gbk.encode("pay 😀").expect_err("no emoji in GBK");
        assert!(err.reason.contains("😀"), "{err}");
    }

    #[test]
    fn malformed_utf8_is_an_error_not_a_replacement() {
        assert!(Charset::Utf8.decode(&[0xff, 0xfe], "body").is_err());
    }

    #[test]
    fn parses_common_spellings() {
        assert_eq!("UTF-8".parse::<Charset>().expect("utf"), Charset::Utf8);
        assert_eq!("gbk".parse::<Charset>().expect("gbk"), Charset::Gbk);
        assert!("latin1".parse::<Charset>().is_err());
    }
}
