//! GBK is Java's GBK (Alipay's 自行实现签名 doc): every mapping of the Java SDK's table, both ways, and nothing else.

use std::collections::HashMap;

use alipay_core::Charset;

/// The table: (bytes, code point) pairs, every mapping Java's GBK has beyond ASCII.
fn java_gbk() -> Vec<(Vec<u8>, char)> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors/java_gbk_table.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let (bytes, cp) = line.split_once(' ').expect("two columns");
            let bytes =
                (0..bytes.len()).step_by(2).map(|i| u8::from_str_radix(&bytes[i..i + 2], 16).expect("hex")).collect();
            (bytes, char::from_u32(u32::from_str_radix(cp.trim(), 16).expect("hex")).expect("a char"))
        })
        .collect()
}

#[test]
fn gbk_is_javas_gbk_exactly() {
    let table = java_gbk();
    assert_eq!(table.len(), 23_940);
    let by_char: HashMap<char, &[u8]> = table.iter().map(|(b, c)| (*c, b.as_slice())).collect();
    let by_bytes: HashMap<&[u8], char> = table.iter().map(|(b, c)| (b.as_slice(), *c)).collect();
    // Every character: encoded to Java's bytes, or refused when Java has none.
    for c in (0x80..=0x10FFFF).filter_map(char::from_u32) {
        let ours = Charset::Gbk.encode(c.encode_utf8(&mut [0; 4])).ok().map(|b| b.into_owned());
        assert_eq!(ours.as_deref(), by_char.get(&c).copied(), "U+{:04X}", c as u32);
    }
    // Every one- and two-byte sequence: decoded to Java's character, or refused as malformed.
    let mut sequences: Vec<Vec<u8>> = (0x80..=0xFF).map(|b| vec![b]).collect();
    sequences.extend((0x81..=0xFE).flat_map(|lead| (0x00..=0xFF).map(move |trail| vec![lead, trail])));
    for bytes in sequences {
        let ours = Charset::Gbk.decode(&bytes, "bytes").ok().map(|s| s.into_owned());
        let java = by_bytes.get(bytes.as_slice()).map(|c| c.to_string());
        assert_eq!(ours, java, "{bytes:02X?}");
    }
    // Text round-trips, ASCII included.
    let text: String = table.iter().map(|(_, c)| *c).chain("abc 123".chars()).collect();
    let bytes = Charset::Gbk.encode(&text).expect("every table character");
    assert_eq!(Charset::Gbk.decode(&bytes, "text").expect("decodes"), text);
}

#[test]
fn a_gbk_request_is_signed_over_javas_bytes_and_what_java_cannot_hold_is_refused() {
    use std::collections::BTreeMap;
    let key = alipay_core::PrivateKey::from_text(&crate::support::fixture("app_pkcs1.pem")).expect("key");
    let sign = |value: &str| {
        let params = BTreeMap::from([("subject".to_string(), value.to_string())]);
        alipay_core::sign::sign_params(&params, &key, alipay_core::SignType::Rsa2, Charset::Gbk)
    };
    // € is A2 E3 in Java's GBK (80 in WHATWG's); U+E000 is in Java's private-use mapping.
    for (text, bytes) in [("€", vec![0xA2, 0xE3]), ("\u{E000}", vec![0xAA, 0xA1])] {
        assert_eq!(Charset::Gbk.encode(text).expect("Java maps it").as_ref(), bytes.as_slice(), "{text:?}");
        let expected = key.sign(&[b"subject=".as_slice(), &bytes].concat(), alipay_core::SignType::Rsa2).expect("sign");
        assert_eq!(sign(text).expect("signs"), expected, "{text:?}");
    }
    let err = sign("\u{1E3F}").expect_err("Java's GBK has no U+1E3F");
    assert!(err.to_string().contains("U+1E3F"), "{err}");
}

/// Prints `core/src/charset/java_gbk_overrides.rs` from the table (run it after the table changes).
#[test]
#[ignore]
fn print_java_gbk_overrides() {
    let table = java_gbk();
    let code = |b: &[u8]| b.iter().fold(0u16, |acc, x| acc << 8 | u16::from(*x));
    let by_char: HashMap<u32, u16> = table.iter().map(|(b, c)| (*c as u32, code(b))).collect();
    let by_bytes: HashMap<u16, u32> = table.iter().map(|(b, c)| (code(b), *c as u32)).collect();
    let mut encode = Vec::new();
    for c in (0x80..=0x10FFFF).filter_map(char::from_u32) {
        let mut buf = [0; 4];
        let (out, _, unmappable) = encoding_rs::GBK.encode(c.encode_utf8(&mut buf));
        let whatwg = (!unmappable).then(|| code(&out));
        let java = by_char.get(&(c as u32)).copied();
        if whatwg != java {
            encode.push((c as u32, java.unwrap_or(0)));
        }
    }
    let mut decode = Vec::new();
    let pairs = (0x81u16..=0xFE).flat_map(|lead| (0x40u16..=0xFE).filter(|t| *t != 0x7F).map(move |t| lead << 8 | t));
    for bytes in (0x80u16..=0xFF).chain(pairs) {
        let raw = if bytes < 0x100 { vec![bytes as u8] } else { bytes.to_be_bytes().to_vec() };
        let (text, malformed) = encoding_rs::GBK.decode_without_bom_handling(&raw);
        let mut chars = text.chars();
        let whatwg = match (malformed, chars.next(), chars.next()) {
            (false, Some(c), None) => Some(c as u32),
            _ => None,
        };
        let java = by_bytes.get(&bytes).copied();
        if whatwg != java {
            decode.push((bytes, java.unwrap_or(0)));
        }
    }
    println!("ENCODE ({} entries):", encode.len());
    for chunk in encode.chunks(6) {
        println!(
            "    {},",
            chunk.iter().map(|(c, b)| format!("(0x{c:04X}, 0x{b:04X})")).collect::<Vec<_>>().join(", ")
        );
    }
    println!("DECODE ({} entries):", decode.len());
    for chunk in decode.chunks(6) {
        println!(
            "    {},",
            chunk.iter().map(|(b, c)| format!("(0x{b:04X}, 0x{c:04X})")).collect::<Vec<_>>().join(", ")
        );
    }
}
