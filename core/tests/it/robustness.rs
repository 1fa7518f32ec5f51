//! Malformed answers and notifications get typed errors, never a panic — a table of known-bad inputs,
//! then thousands of deterministic mutations of good ones.

use alipay_core::notify::{NotifyRule, verify_notify_body};
use alipay_core::response::verify_response;
use alipay_core::{Charset, ErrorKind, SignType};

use crate::support::{backends, public_key, s, vector};

#[test]
fn malformed_answers_get_typed_errors() {
    let v = vector("derived_v2_response_verify.json");
    let key = public_key(s(&v, "alipay_public_key_pem"), backends()[0]);
    let good = s(&v["cases"][0], "raw");
    let deep = format!("{{\"alipay_trade_pay_response\":{}{}}}", "[".repeat(5000), "]".repeat(5000));
    let cases: Vec<(&str, Vec<u8>, ErrorKind)> = vec![
        ("empty", Vec::new(), ErrorKind::Decode),
        ("whitespace", b"  \n".to_vec(), ErrorKind::Decode),
        ("html", b"<html><body>502 Bad Gateway</body></html>".to_vec(), ErrorKind::Decode),
        ("a JSON array", b"[1,2,3]".to_vec(), ErrorKind::Decode),
        ("no node", br#"{"sign":"abc"}"#.to_vec(), ErrorKind::Decode),
        ("node is null", br#"{"alipay_trade_pay_response":null,"sign":"abc"}"#.to_vec(), ErrorKind::Decode),
        ("node is a number", br#"{"alipay_trade_pay_response":1,"sign":"abc"}"#.to_vec(), ErrorKind::Decode),
        ("sign is a number", br#"{"alipay_trade_pay_response":{"code":"10000"},"sign":1}"#.to_vec(), ErrorKind::Decode),
        ("truncated", good.as_bytes()[..good.len() / 2].to_vec(), ErrorKind::Decode),
        ("trailing garbage", format!("{good}}}").into_bytes(), ErrorKind::Decode),
        (
            "duplicated node",
            good.replacen("{", "{\"alipay_trade_pay_response\":{},", 1).into_bytes(),
            ErrorKind::Decode,
        ),
        ("invalid UTF-8", [good.as_bytes(), b"\xff"].concat(), ErrorKind::Decode),
        ("nested 5000 deep", deep.into_bytes(), ErrorKind::Decode),
        ("sign not base64", good.replace("\"sign\":\"MOtm", "\"sign\":\"!!!!").into_bytes(), ErrorKind::Signature),
        (
            "empty sign on success",
            br#"{"alipay_trade_pay_response":{"code":"10000"},"sign":""}"#.to_vec(),
            ErrorKind::Signature,
        ),
        ("string node without sign", br#"{"alipay_trade_pay_response":"c2VjcmV0"}"#.to_vec(), ErrorKind::Signature),
    ];
    for (name, body, kind) in cases {
        let err = verify_response(&body, "alipay.trade.pay", &key, SignType::Rsa2, Charset::Utf8).expect_err(name);
        assert_eq!(err.kind(), kind, "{name}: {err}");
    }
}

/// xorshift64*, deterministic.
fn next(state: &mut u64) -> u64 {
    *state ^= *state >> 12;
    *state ^= *state << 25;
    *state ^= *state >> 27;
    state.wrapping_mul(0x2545_F491_4F6C_DD1D)
}

fn mutate(input: &[u8], state: &mut u64) -> Vec<u8> {
    let mut out = input.to_vec();
    for _ in 0..1 + next(state) % 4 {
        if out.is_empty() {
            break;
        }
        let at = (next(state) % out.len() as u64) as usize;
        match next(state) % 4 {
            0 => out[at] = next(state) as u8,
            1 => {
                out.remove(at);
            }
            2 => out.insert(at, b"{}[]\",:\\/%+&="[(next(state) % 13) as usize]),
            _ => out.truncate(at),
        }
    }
    out
}

#[test]
fn mutated_answers_and_notifications_never_panic_and_never_verify_as_the_original() {
    let v = vector("derived_v2_response_verify.json");
    let key = public_key(s(&v, "alipay_public_key_pem"), backends()[0]);
    let answer = s(&v["cases"][0], "raw").as_bytes().to_vec();
    let n = vector("derived_notify_v1.json");
    let notify_key = public_key(s(&n, "alipay_public_key_pem"), backends()[0]);
    let body = s(&n, "form_urlencoded_body").as_bytes().to_vec();
    let mut state = 0x0123_4567_89AB_CDEF;
    let mut verified_mutants = 0;
    for _ in 0..3000 {
        let m = mutate(&answer, &mut state);
        if let Ok(node) = verify_response(&m, "alipay.trade.pay", &key, SignType::Rsa2, Charset::Utf8) {
            // Only mutations outside the signed node (e.g. in whitespace-free padding) may still verify,
            // and then the node must be exactly the original.
            assert_eq!(node.raw, s(&v["cases"][0], "signed_content"));
            verified_mutants += 1;
        }
        let m = mutate(&body, &mut state);
        if let Ok(verified) = verify_notify_body(&m, &notify_key, NotifyRule::V1, alipay_core::SignType::Rsa2) {
            assert_eq!(verified.get("total_amount"), Some("0.10"));
            assert_eq!(verified.get("out_trade_no"), Some("T20240513001"));
        }
    }
    assert!(verified_mutants < 3000);
}
