//! The v3 protocol's signing and verification against the derived vectors, on every backend.

use alipay_core::v3::{AuthString, authorization_header, new_nonce, response_content, string_to_sign, verify_response};
use alipay_core::{PrivateKey, PublicKey};

use crate::support::{backends, fixture, s, vector};

/// Splits a vector's auth string back into its parts.
fn auth_of(text: &str) -> AuthString {
    let field = |name: &str| text.split(',').find_map(|kv| kv.strip_prefix(&format!("{name}="))).map(str::to_string);
    let ts: u64 = field("timestamp").expect("timestamp").parse().expect("ms");
    AuthString::new(
        &field("app_id").expect("app_id"),
        field("app_cert_sn").as_deref(),
        &field("nonce").expect("nonce"),
        ts,
    )
}

#[test]
fn request_authorization_matches_every_case() {
    let v = vector("derived_v3_request_authorization.json");
    for &backend in backends() {
        let key = PrivateKey::from_text_with_backend(&fixture("app_pkcs1.pem"), backend).expect("app key");
        for case in v["cases"].as_array().expect("cases") {
            let name = s(case, "name");
            let auth = auth_of(s(case, "auth_string"));
            assert_eq!(auth.as_str(), s(case, "auth_string"), "{name}");
            // The vector's string to sign gives method, URI and body; rebuild it from them.
            let sts = s(case, "string_to_sign");
            let mut lines = sts.split('\n').skip(1);
            let (method, uri, body) =
                (lines.next().expect("method"), lines.next().expect("uri"), lines.next().expect("body"));
            let token = case["alipay-app-auth-token"].as_str();
            assert_eq!(string_to_sign(&auth, method, uri, body, token), sts, "{name}");
            let header = authorization_header(&auth, &key, sts).expect("sign");
            assert_eq!(header, s(case, "authorization_header"), "{name} {backend:?}");
        }
    }
}

#[test]
fn response_verification_over_timestamp_nonce_and_raw_body() {
    let v = vector("derived_v3_response_verify.json");
    let h = &v["headers"];
    let body = s(&v, "body").as_bytes();
    assert_eq!(
        response_content(s(h, "alipay-timestamp"), s(h, "alipay-nonce"), body),
        s(&v, "string_to_verify").as_bytes()
    );
    for &backend in backends() {
        let key = PublicKey::from_text_with_backend(s(&v, "alipay_public_key_pem"), backend).expect("key");
        let verify = |body: &[u8], ts: &str| {
            verify_response(Some(ts), h["alipay-nonce"].as_str(), h["alipay-signature"].as_str(), body, &key)
        };
        verify(body, s(h, "alipay-timestamp")).expect("the vector verifies");
        let tampered = s(&v, "body").replace("88.88", "88.89");
        assert!(verify(tampered.as_bytes(), s(h, "alipay-timestamp")).is_err(), "a changed amount fails");
        assert!(verify(body, "1717756911577").is_err(), "a changed timestamp fails");
        assert!(verify_response(None, None, None, body, &key).is_err(), "no signature headers fails");
    }
}

#[test]
fn nonces_are_uuid_v4_and_fresh() {
    let (a, b) = (new_nonce(), new_nonce());
    assert_ne!(a, b);
    assert_eq!(a.len(), 36);
    assert_eq!(&a[14..15], "4", "{a}");
    assert!(matches!(&a[19..20], "8" | "9" | "a" | "b"), "{a}");
}
