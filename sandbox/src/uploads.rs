//! The upload APIs: `alipay.open.file.upload` and `alipay.offline.material.image.upload` keep what was
//! sent and answer with a signed id, as Alipay does.

use crate::gateway::answer::Node;
use crate::gateway::multipart::FilePart;
use crate::gateway::request::GatewayRequest;
use crate::sandbox::Sandbox;

/// The largest material image accepted (Alipay's limit).
pub const MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;

/// A file the sandbox received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// The id answered (`file_id` or `image_id`).
    pub id: String,
    /// The method it came with.
    pub method: String,
    /// The text fields that came with it (`biz_code`, `image_type`, `image_name`, …).
    pub fields: Vec<(String, String)>,
    /// The file part.
    pub file: FilePart,
}

fn missing(what: &str) -> Node {
    Node::failure(
        "40001",
        "Missing Required Arguments",
        &format!("isv.missing-{what}"),
        &format!("缺少必选参数 {what}"),
    )
}

/// `true` when the bytes start as an image of `image_type` does.
fn looks_like(image_type: &str, bytes: &[u8]) -> bool {
    match image_type {
        "png" => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "jpg" | "jpeg" => bytes.starts_with(&[0xff, 0xd8, 0xff]),
        "gif" => bytes.starts_with(b"GIF8"),
        "bmp" => bytes.starts_with(b"BM"),
        _ => false,
    }
}

impl Sandbox {
    /// Every file uploaded so far, in order.
    pub fn uploads(&self) -> Vec<Upload> {
        self.state().uploads.clone()
    }

    /// Answers an upload method; `None` for any other method.
    pub(crate) fn upload(&self, req: &GatewayRequest) -> Option<Node> {
        let (file_field, names): (&str, &[&str]) = match req.method.as_str() {
            "alipay.open.file.upload" => ("file_content", &["biz_code"]),
            "alipay.offline.material.image.upload" => ("image_content", &["image_type", "image_name", "image_pid"]),
            _ => return None,
        };
        let Some(file) = req.files.iter().find(|f| f.field == file_field) else { return Some(missing(file_field)) };
        let fields: Vec<(String, String)> =
            names.iter().filter_map(|n| req.field(n).map(|v| (n.to_string(), v.to_string()))).collect();
        let node = if req.method == "alipay.open.file.upload" {
            if req.field("biz_code").is_none() {
                return Some(missing("biz_code"));
            }
            None
        } else {
            let image_type = req.field("image_type").map(str::to_ascii_lowercase);
            match (image_type.as_deref(), req.field("image_name")) {
                (None, _) => return Some(missing("image_type")),
                (_, None) => return Some(missing("image_name")),
                (Some(t), _) if !["jpg", "jpeg", "png", "bmp", "gif"].contains(&t) => Some(Node::business_failure(
                    "isv.invalid-file-extension",
                    "图片格式不支持，请上传jpg、png、bmp、gif格式",
                )),
                _ if file.bytes.len() > MAX_IMAGE_BYTES => {
                    Some(Node::business_failure("isv.invalid-file-size", "图片大小超过5M"))
                }
                (Some(t), _) if !looks_like(t, &file.bytes) => {
                    Some(Node::business_failure("isv.invalid-file-content", "图片内容与格式不符"))
                }
                _ => None,
            }
        };
        if let Some(refusal) = node {
            return Some(refusal);
        }
        let mut state = self.state();
        let id = format!("A*{:016}", state.uploads.len() + 1);
        state.uploads.push(Upload { id: id.clone(), method: req.method.clone(), fields, file: file.clone() });
        drop(state);
        Some(if req.method == "alipay.open.file.upload" {
            Node::success().with("file_id", id)
        } else {
            let url = format!("{}/sandbox/images/{id}", self.base_url());
            Node::success().with("image_id", id).with("image_url", url)
        })
    }
}
