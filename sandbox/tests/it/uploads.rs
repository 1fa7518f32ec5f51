//! Uploads against the sandbox, in v2 and v3: the files arrive byte for byte with their names and
//! types, the text fields arrive in the request's charset, bad images are refused, and a forged answer
//! is not believed.

use std::collections::BTreeMap;

use alipay_core::upload::{OfflineMaterialImageUploadRequest, OpenFileUploadRequest, UploadFile};
use alipay_core::{Charset, ErrorKind, Protocol};
use alipay_sandbox::{Fault, Sandbox, SandboxConfig};

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR-not-really-but-the-magic-is-right";

fn sandbox_client(protocol: Protocol, charset: Charset) -> (Sandbox, alipay_core::Client) {
    let sb = Sandbox::start(SandboxConfig::default()).expect("sandbox");
    let client = sb.client_builder().expect("builder").protocol(protocol).charset(charset).build().expect("client");
    (sb, client)
}

#[tokio::test]
async fn a_file_and_an_image_arrive_byte_for_byte_in_v2_and_v3() {
    for protocol in [Protocol::V2, Protocol::V3] {
        let (sb, client) = sandbox_client(protocol, Charset::Utf8);
        let bytes: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
        let file = UploadFile::from_bytes("ignored", "报表.bin", "application/octet-stream", bytes.clone());
        let answer =
            client.open_file_upload(&OpenFileUploadRequest::new("openpt_appstore", file)).await.expect("upload");
        let image = UploadFile::from_bytes("ignored", "门头.png", "image/png", PNG.to_vec());
        let uploaded = client
            .offline_material_image_upload(&OfflineMaterialImageUploadRequest::new("png", "门头照", image))
            .await
            .expect("image");
        assert!(uploaded.image_url.ends_with(&uploaded.image_id), "{uploaded:?}");

        let got = sb.uploads();
        assert_eq!(got.len(), 2, "{protocol:?}");
        assert_eq!(got[0].id, answer.file_id);
        assert_eq!((got[0].file.field.as_str(), got[0].file.file_name.as_str()), ("file_content", "报表.bin"));
        assert_eq!(got[0].file.bytes, bytes, "{protocol:?}: every byte");
        assert_eq!(got[0].fields, [("biz_code".to_string(), "openpt_appstore".to_string())]);
        assert_eq!(got[1].file.content_type.as_deref(), Some("image/png"));
        assert_eq!(
            got[1].fields,
            [("image_type".to_string(), "png".to_string()), ("image_name".to_string(), "门头照".to_string())]
        );
    }
}

#[tokio::test]
async fn text_fields_travel_in_a_gbk_clients_charset() {
    let (sb, client) = sandbox_client(Protocol::V2, Charset::Gbk);
    let image = UploadFile::from_bytes("image_content", "a.png", "image/png", PNG.to_vec());
    client
        .offline_material_image_upload(&OfflineMaterialImageUploadRequest::new("png", "收银台", image))
        .await
        .expect("a GBK-signed upload verifies");
    assert_eq!(sb.uploads()[0].fields[1], ("image_name".to_string(), "收银台".to_string()));
}

#[tokio::test]
async fn images_that_are_not_what_they_say_are_refused_with_alipays_codes() {
    let (_sb, client) = sandbox_client(Protocol::V2, Charset::Utf8);
    let image = |bytes: &[u8]| UploadFile::from_bytes("image_content", "a.png", "image/png", bytes.to_vec());
    let sub_code = |e: alipay_core::Error| e.as_gateway().and_then(|g| g.sub_code.clone()).unwrap_or_default();
    let not_png = client
        .offline_material_image_upload(&OfflineMaterialImageUploadRequest::new("png", "x", image(b"GIF89a")))
        .await
        .expect_err("not a PNG");
    assert_eq!(sub_code(not_png), "isv.invalid-file-content");
    let tiff = client
        .offline_material_image_upload(&OfflineMaterialImageUploadRequest::new("tiff", "x", image(PNG)))
        .await
        .expect_err("no TIFF");
    assert_eq!(sub_code(tiff), "isv.invalid-file-extension");
    let fields = BTreeMap::from([("biz_code".to_string(), "x".to_string())]);
    let wrong_field = UploadFile::from_bytes("file", "a.bin", "application/octet-stream", vec![1]);
    let missing = client.upload("alipay.open.file.upload", &fields, &[wrong_field]).await.expect_err("no file_content");
    assert_eq!(sub_code(missing), "isv.missing-file_content");
}

#[tokio::test]
async fn a_forged_upload_answer_is_not_believed_in_v2_or_v3() {
    for protocol in [Protocol::V2, Protocol::V3] {
        let (sb, client) = sandbox_client(protocol, Charset::Utf8);
        sb.inject(Some("alipay.open.file.upload"), Fault::ForgedSignature);
        let file = UploadFile::from_bytes("file_content", "a.bin", "application/octet-stream", vec![1, 2, 3]);
        let err = client.open_file_upload(&OpenFileUploadRequest::new("x", file)).await.expect_err("forged");
        assert_eq!(err.kind(), ErrorKind::Signature, "{protocol:?}: {err}");
    }
}

#[tokio::test]
async fn a_file_is_read_from_a_path_with_its_type_guessed() {
    let (sb, client) = sandbox_client(Protocol::V2, Charset::Utf8);
    let path = std::env::temp_dir().join(format!("alipay-upload-{}.png", std::process::id()));
    std::fs::write(&path, PNG).expect("write");
    let image = UploadFile::from_path("image_content", &path, None).expect("read");
    assert_eq!(image.content_type, "image/png");
    client
        .offline_material_image_upload(&OfflineMaterialImageUploadRequest::new("png", "logo", image))
        .await
        .expect("upload");
    assert_eq!(sb.uploads()[0].file.bytes, PNG);
    let _ = std::fs::remove_file(path);
}
