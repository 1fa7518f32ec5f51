//! The notification form: [`parse_form_body`] decodes it once, [`verify_notify_params`] and
//! [`verify_cert_notify_params`] believe it only with a valid signature.

use std::collections::BTreeMap;

use alipay_core::notify::{NotifyRule, parse_form_body, verify_cert_notify_params, verify_notify_params};
use alipay_core::sign::sign_content_excluding;
use alipay_core::{Backend, Charset, ErrorKind, PublicKey, SignType};
use serde_json::Value;

use super::{reached, run};
use crate::support::{s, vector};

struct Seed {
    body: Vec<u8>,
    key: PublicKey,
    rule: NotifyRule,
}

fn excluded(rule: NotifyRule) -> &'static [&'static str] {
    match rule {
        NotifyRule::V1 => &["sign", "sign_type"],
        _ => &["sign"],
    }
}

fn content(params: &BTreeMap<String, String>, rule: NotifyRule) -> String {
    sign_content_excluding(params.iter().map(|(k, v)| (k.as_str(), v.as_str())), excluded(rule))
}

fn form(params: &Value) -> Vec<u8> {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in params.as_object().expect("params") {
        out.append_pair(k, v.as_str().expect("string param"));
    }
    out.finish().into_bytes()
}

fn seeds() -> Vec<Seed> {
    let key = |text: &str| PublicKey::from_text_with_backend(text, Backend::default()).expect("vector key");
    let d = vector("derived_notify_v1.json");
    let t = vector("node_notify_trade_status_sync_rsaCheckV1.json");
    let m = vector("node_notify_servicemarket_rsaCheckV2.json");
    let derived = key(s(&d, "alipay_public_key_pem"));
    vec![
        Seed { body: s(&d, "form_urlencoded_body").as_bytes().to_vec(), key: derived.clone(), rule: NotifyRule::V1 },
        Seed { body: form(&t["notify_params"]), key: key(s(&t, "alipay_public_key_b64")), rule: NotifyRule::V1 },
        Seed { body: form(&m["notify_params"]), key: key(s(&m, "alipay_public_key_pem")), rule: NotifyRule::V2 },
        Seed {
            body: b"charset=GBK&subject=%B2%E2%CA%D4&sign=AAAA&a=+%2B+".to_vec(),
            key: derived,
            rule: NotifyRule::V1,
        },
    ]
}

#[test]
fn fuzz_notification_form() {
    let seeds = seeds();
    let bodies: Vec<Vec<u8>> = seeds.iter().map(|s| s.body.clone()).collect();
    // The sign content of every genuine notification: the only ones that may ever verify.
    let genuine: Vec<String> = seeds
        .iter()
        .filter_map(|s| {
            let params = parse_form_body(&s.body).ok()?;
            verify_notify_params(params.clone(), &s.key, s.rule, SignType::Rsa2).ok()?;
            Some(content(&params, s.rule))
        })
        .collect();
    assert_eq!(genuine.len(), 3, "the three vector notifications verify");
    let tally = run("notification form", 4000, &bodies, |from, input| {
        let seed = &seeds[from.unwrap_or(0)];
        let params = match parse_form_body(input) {
            Ok(params) => params,
            Err(e) => {
                assert!(!e.message.is_empty() && e.verified_node.is_none());
                return "not a form";
            }
        };
        let utf8 = params.get("charset").is_none_or(|c| c.parse::<Charset>().ok() == Some(Charset::Utf8));
        if utf8 {
            // Encoding the pairs again gives a body that decodes to the same pairs.
            let mut again = form_urlencoded::Serializer::new(String::new());
            again.extend_pairs(params.iter());
            let again = again.finish();
            if !again.trim().is_empty() {
                assert_eq!(parse_form_body(again.as_bytes()).as_ref(), Ok(&params), "re-encoded: {again}");
            }
        }
        let mut outcome = "signature error";
        for sign_type in [SignType::Rsa2, SignType::Rsa] {
            match verify_notify_params(params.clone(), &seed.key, seed.rule, sign_type) {
                Ok(v) => {
                    // What verified is what was signed, and how it was signed: nothing else.
                    let mut covered = params.clone();
                    covered.retain(|k, v| {
                        matches!(k.as_str(), "sign" | "sign_type" | "alipay_cert_sn")
                            || !(alipay_core::sign::is_blank(k) || alipay_core::sign::is_blank(v))
                    });
                    assert_eq!(v.params(), &covered);
                    assert!(genuine.contains(&content(&params, seed.rule)), "a forged notification verified");
                    outcome = "verified";
                }
                Err(e) if e.kind() == ErrorKind::Signature => {}
                Err(e) => {
                    assert_eq!(e.kind(), ErrorKind::Decode, "{e}");
                    outcome = "decode error";
                }
            }
        }
        match verify_cert_notify_params(params.clone(), std::slice::from_ref(&seed.key), seed.rule, SignType::Rsa2) {
            Ok(_) => {
                let mut without = params.clone();
                without.remove("alipay_cert_sn");
                let (a, b) = (content(&params, seed.rule), content(&without, seed.rule));
                assert!(genuine.contains(&a) || genuine.contains(&b), "a forged certificate notification verified");
            }
            Err(e) => assert!(matches!(e.kind(), ErrorKind::Decode | ErrorKind::Signature), "{e}"),
        }
        outcome
    });
    reached(&tally, "verified", 3);
    reached(&tally, "signature error", 500);
    reached(&tally, "not a form", 100);
}
