//! The v2 answer envelope: [`extract`] finds the signed text, [`verify_response`] and
//! [`verify_envelope`] believe it only with a valid signature.

use alipay_core::encrypt::EncryptKey;
use alipay_core::response::{ERROR_RESPONSE, extract, response_node_name, verify_envelope, verify_response};
use alipay_core::{Backend, Charset, ErrorKind, PublicKey, SignType};

use super::{reached, run, text};
use crate::support::{s, vector};

/// A seed answer: its method, the key that verifies it, and the text its signature covers (when it
/// is genuinely signed). A mutant is checked with its seed's method and key.
struct Seed {
    raw: String,
    method: String,
    key: PublicKey,
    signed: Option<String>,
}

fn seeds() -> Vec<Seed> {
    let key = |text: &str| PublicKey::from_text_with_backend(text, Backend::default()).expect("vector key");
    let v = vector("derived_v2_response_verify.json");
    let derived = key(s(&v, "alipay_public_key_pem"));
    let mut seeds: Vec<Seed> = v["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| Seed {
            raw: s(c, "raw").to_string(),
            method: s(c, "method").to_string(),
            key: derived.clone(),
            signed: (c["expected_verify"] == true).then(|| s(c, "signed_content").to_string()),
        })
        .collect();
    let g = vector("gopay_sync_response_trade_pay_rsa2.json");
    seeds.push(Seed {
        raw: s(&g, "reconstructed_full_response_for_extraction_tests").to_string(),
        method: "alipay.trade.pay".into(),
        key: key(s(&g, "alipay_public_key_b64")),
        signed: Some(s(&g, "signed_content").to_string()),
    });
    let f = vector("node_response_sign_file_upload.json");
    seeds.push(Seed {
        raw: s(&f, "response_raw").to_string(),
        method: s(&f, "method").to_string(),
        key: key(s(&f, "alipay_public_key_pem")),
        signed: Some(s(&f, "signed_content").to_string()),
    });
    let a = vector("derived_aes_encrypted_v2_v3.json");
    seeds.push(Seed {
        raw: s(&a["v2_response"], "raw").to_string(),
        method: "alipay.trade.precreate".into(),
        key: derived.clone(),
        signed: Some(s(&a["v2_response"], "signed_content_INCLUDING_QUOTES").to_string()),
    });
    for (cases, field) in
        [("java_extractSignContent_cases.json", "response"), ("node_getSignStr_extraction.json", "raw")]
    {
        for c in vector(cases).as_array().expect("cases") {
            let raw = s(c, field);
            // The method is the first key: `alipay_x_y_response` → `alipay.x.y`.
            let node = raw.trim_start_matches('{').trim_start_matches('"').split('"').next().unwrap_or("");
            let method = node.trim_end_matches("_response").replace('_', ".");
            seeds.push(Seed { raw: raw.to_string(), method, key: derived.clone(), signed: None });
        }
    }
    seeds
}

/// Backslash-escaped slashes aside (a gateway may sign either form), the text a signature covers.
fn unescaped(text: &str) -> String {
    text.replace("\\/", "/")
}

#[test]
fn fuzz_response_envelope() {
    let seeds = seeds();
    let bytes: Vec<Vec<u8>> = seeds.iter().map(|s| s.raw.clone().into_bytes()).collect();
    // Every text Alipay (or the stand-in key) signed: the only ones that may ever verify.
    let genuine: Vec<String> = seeds.iter().filter_map(|s| s.signed.as_deref().map(unescaped)).collect();
    let aes = EncryptKey::from_base64(s(&vector("derived_aes_encrypted_v2_v3.json"), "encrypt_key_b64")).expect("aes");
    let tally = run("response envelope", 4000, &bytes, |from, input| {
        let seed = &seeds[from.unwrap_or(0)];
        let body = text(input);
        let outcome = match extract(&body, &seed.method) {
            Ok(env) => {
                let (start, len) = (env.signed_text.as_ptr() as usize - body.as_ptr() as usize, env.signed_text.len());
                assert_eq!(
                    body.get(start..start + len),
                    Some(env.signed_text),
                    "the signed text is a slice of the input"
                );
                assert!(env.node_name == response_node_name(&seed.method) || env.node_name == ERROR_RESPONSE);
                let (open, close) = if env.encrypted { ('"', '"') } else { ('{', '}') };
                assert!(len >= 2 && env.signed_text.starts_with(open) && env.signed_text.ends_with(close));
                let verified =
                    verify_envelope(&env, &seed.method, &seed.key, SignType::Rsa2, Charset::Utf8, Some(&aes));
                match verified {
                    Ok(node) if node.signed => {
                        assert!(genuine.contains(&unescaped(env.signed_text)), "a forged text verified");
                        if !env.encrypted {
                            assert_eq!(node.raw, env.signed_text);
                        }
                        "verified"
                    }
                    Ok(node) => {
                        assert!(node.sub_code().is_some() && node.code() != "10000", "unsigned: errors only");
                        assert!(!env.encrypted && env.sign.is_none());
                        "unsigned error"
                    }
                    Err(e) if e.kind() == ErrorKind::Signature => "signature error",
                    Err(e) => {
                        assert_eq!(e.kind(), ErrorKind::Decode, "{e}");
                        "extracted, then a decode error"
                    }
                }
            }
            Err(e) => {
                assert!(!e.message.is_empty() && e.verified_node.is_none());
                "not extracted"
            }
        };
        // The whole path from raw bytes, as the client takes it: the same verdicts, typed.
        match verify_response(input, &seed.method, &seed.key, SignType::Rsa2, Charset::Utf8) {
            Ok(node) if node.signed => assert!(genuine.contains(&unescaped(&node.raw)), "a forged answer verified"),
            Ok(node) => assert!(node.sub_code().is_some() && node.code() != "10000"),
            Err(e) => {
                assert!(matches!(e.kind(), ErrorKind::Decode | ErrorKind::Signature | ErrorKind::Config), "{e}")
            }
        }
        outcome
    });
    reached(&tally, "verified", 5);
    reached(&tally, "signature error", 500);
    reached(&tally, "not extracted", 500);
}
