//! `Client::upload`: the multipart body a maintained parser (`multer`) reads back, text fields signed
//! and files not, and the official Node SDK's signed `alipay.open.file.upload` answer verified
//! through this path.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use alipay_core::transport::{BoxFuture, HttpRequest, HttpResponse, Transport};
use alipay_core::upload::{OpenFileUploadRequest, UploadFile};
use alipay_core::{Client, ErrorKind, Gateway, PublicKey};

use crate::support::{fixture, s, vector};

/// Answers every request with one body and keeps the requests.
#[derive(Debug)]
struct Canned {
    body: String,
    seen: Mutex<Vec<HttpRequest>>,
}

impl Transport for Canned {
    fn send(&self, request: HttpRequest) -> BoxFuture<'_, Result<HttpResponse, alipay_core::error::TransportError>> {
        self.seen.lock().expect("lock").push(request);
        let body = self.body.clone().into_bytes();
        Box::pin(async move { Ok(HttpResponse { status: 200, headers: Vec::new(), body }) })
    }
}

fn node_sdk_client() -> (Client, Arc<Canned>) {
    let v = vector("node_response_sign_file_upload.json");
    let canned = Arc::new(Canned { body: s(&v, "response_raw").to_string(), seen: Mutex::default() });
    let client = Client::builder()
        .app_id("2021000000000000")
        .app_private_key_text(&fixture("app_pkcs8.pem"))
        .expect("app key")
        .alipay_public_key_text(s(&v, "alipay_public_key_pem"))
        .expect("alipay key")
        .gateway(Gateway::Custom("https://openapi.example/gateway.do".into()))
        .transport(canned.clone())
        .build()
        .expect("client");
    (client, canned)
}

/// The parts of a body: (name, file name, content type, bytes).
async fn parts(request: &HttpRequest) -> Vec<(String, Option<String>, Option<String>, Vec<u8>)> {
    let content_type = request.headers.iter().find(|(k, _)| k == "content-type").map(|(_, v)| v.clone()).expect("type");
    let boundary = multer::parse_boundary(&content_type).expect("a multipart/form-data boundary");
    let body = multer::bytes::Bytes::from(request.body.clone());
    let stream = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut parts = Vec::new();
    while let Some(field) = multipart.next_field().await.expect("a well-formed part") {
        let (name, file, mime) = (
            field.name().unwrap_or_default().to_string(),
            field.file_name().map(str::to_string),
            field.content_type().map(ToString::to_string),
        );
        parts.push((name, file, mime, field.bytes().await.expect("bytes").to_vec()));
    }
    parts
}

#[tokio::test]
async fn the_node_sdks_signed_file_upload_answer_verifies_through_upload() {
    let (client, canned) = node_sdk_client();
    let file = UploadFile::from_bytes("file_content", "图标.png", "image/png", b"\x89PNG\r\n\x1a\nbytes".to_vec());
    let answer = client.open_file_upload(&OpenFileUploadRequest::new("openpt_appstore", file)).await.expect("verified");
    assert_eq!(answer.file_id, "CAxAToWB1JsAAAAAAAAAAAAADgSLAQBr");

    let request = canned.seen.lock().expect("lock").pop().expect("one request");
    let query: BTreeMap<String, String> =
        form_urlencoded::parse(request.url.split_once('?').expect("a query").1.as_bytes()).into_owned().collect();
    assert_eq!(query["method"], "alipay.open.file.upload");
    assert!(!query.contains_key("biz_code"), "text fields travel in the body");
    let parts = parts(&request).await;
    assert_eq!(parts[0], ("biz_code".into(), None, None, b"openpt_appstore".to_vec()));
    let (name, file_name, mime, bytes) = &parts[1];
    assert_eq!(
        (name.as_str(), file_name.as_deref(), mime.as_deref()),
        ("file_content", Some("图标.png"), Some("image/png"))
    );
    assert_eq!(bytes, b"\x89PNG\r\n\x1a\nbytes");

    // The signature covers the common parameters and the text field, and not the file.
    let mut signed = query.clone();
    let sign = signed.remove("sign").expect("sign");
    signed.insert("biz_code".into(), "openpt_appstore".into());
    let content = alipay_core::sign::build_sign_content(&signed);
    let app = PublicKey::from_text(&fixture("app_public_spki.pem")).expect("app public key");
    app.verify(content.as_bytes(), &sign, alipay_core::SignType::Rsa2, "upload").expect("the signature verifies");
}

#[tokio::test]
async fn what_cannot_be_sent_is_refused_before_anything_is() {
    let (client, canned) = node_sdk_client();
    let fields = BTreeMap::from([("biz_code".to_string(), "x".to_string())]);
    let png = |name: &str, mime: &str| UploadFile::from_bytes("file_content", name, mime, b"png".to_vec());
    let refused = |result: alipay_core::Result<alipay_core::response::ResponseNode>| {
        let e = result.expect_err("refused");
        assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}");
        e.to_string()
    };
    let method = "alipay.open.file.upload";
    assert!(refused(client.upload(method, &fields, &[]).await).contains("at least one file"));
    assert!(refused(client.upload(method, &fields, &[png("a\"b.png", "image/png")]).await).contains("file_name"));
    assert!(refused(client.upload(method, &fields, &[png("a\r\nb.png", "image/png")]).await).contains("file_name"));
    assert!(refused(client.upload(method, &fields, &[png("a.png", "not a type")]).await).contains("content_type"));
    let twice = UploadFile::from_bytes("biz_code", "a.png", "image/png", Vec::new());
    assert!(refused(client.upload(method, &fields, &[twice]).await).contains("both a text field and a file"));
    let huge =
        UploadFile::from_bytes("file_content", "a.bin", "application/octet-stream", vec![0; 50 * 1024 * 1024 + 1]);
    assert!(refused(client.upload(method, &fields, &[huge]).await).contains("at most"));
    let encrypting = client.with_options(alipay_core::CallOptions::default().encrypt(true));
    assert!(refused(encrypting.upload(method, &fields, &[png("a.png", "image/png")]).await).contains("encrypt"));
    assert!(canned.seen.lock().expect("lock").is_empty(), "nothing was sent");

    let missing = UploadFile::from_path("file_content", "/nonexistent/logo.png", None).expect_err("no such file");
    assert!(missing.reason.contains("/nonexistent/logo.png"), "{}", missing.reason);
}
