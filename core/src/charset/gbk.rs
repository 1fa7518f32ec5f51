//! GBK as Java writes and reads it — the charset the official Java SDK signs GBK requests with, and
//! Alipay's gateway (a Java service) decodes them with (Alipay's 自行实现签名 doc). It is WHATWG's GBK (`encoding_rs`)
//! except where [`java_gbk_overrides`](super::java_gbk_overrides) says otherwise: `€` is `A2 E3` (not
//! `80`), the private-use area E000–E765 is mapped, and some characters WHATWG maps (U+1E3F, U+01F9,
//! …) Java cannot encode. Four-byte GB18030 sequences are not GBK.

use std::borrow::Cow;

use super::java_gbk_overrides::{DECODE, ENCODE};

/// Java's bytes for `c`, `None` when Java's GBK cannot encode it.
fn encode_char(c: char, out: &mut Vec<u8>) -> Option<()> {
    if c.is_ascii() {
        out.push(c as u8);
        return Some(());
    }
    if let Ok(i) = ENCODE.binary_search_by_key(&(c as u32), |(cp, _)| *cp) {
        let bytes = ENCODE[i].1;
        if bytes == 0 {
            return None;
        }
        out.extend_from_slice(&bytes.to_be_bytes());
        return Some(());
    }
    let mut buf = [0u8; 4];
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(c.encode_utf8(&mut buf));
    // WHATWG's GBK writes one or two bytes for what it maps; anything else is not GBK.
    (!unmappable && bytes.len() == 2).then(|| out.extend_from_slice(&bytes))
}

/// `text` in Java's GBK, or the first character it cannot hold.
pub(crate) fn encode(text: &str) -> Result<Cow<'_, [u8]>, char> {
    if text.is_ascii() {
        return Ok(Cow::Borrowed(text.as_bytes()));
    }
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        encode_char(c, &mut out).ok_or(c)?;
    }
    Ok(Cow::Owned(out))
}

/// The character Java reads from the two-byte sequence `lead trail`.
fn decode_pair(lead: u8, trail: u8) -> Option<char> {
    if !(0x40..=0xFE).contains(&trail) || trail == 0x7F {
        return None;
    }
    if let Ok(i) = DECODE.binary_search_by_key(&u16::from_be_bytes([lead, trail]), |(bytes, _)| *bytes) {
        return char::from_u32(DECODE[i].1).filter(|c| *c != '\0');
    }
    let pair = [lead, trail];
    let (text, malformed) = encoding_rs::GBK.decode_without_bom_handling(&pair);
    let mut chars = text.chars();
    match (malformed, chars.next(), chars.next()) {
        (false, Some(c), None) => Some(c),
        _ => None,
    }
}

/// `bytes` read as Java's GBK; `None` when they are malformed there.
pub(crate) fn decode(bytes: &[u8]) -> Option<Cow<'_, str>> {
    if bytes.is_ascii() {
        return std::str::from_utf8(bytes).ok().map(Cow::Borrowed);
    }
    let mut out = String::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some((&first, tail)) = rest.split_first() {
        if first < 0x80 {
            out.push(char::from(first));
            rest = tail;
            continue;
        }
        let (&trail, tail) = tail.split_first().filter(|_| (0x81..=0xFE).contains(&first))?;
        out.push(decode_pair(first, trail)?);
        rest = tail;
    }
    Some(Cow::Owned(out))
}
