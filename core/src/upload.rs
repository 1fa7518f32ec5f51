//! File upload: the multipart APIs (`alipay.open.file.upload`, `alipay.offline.material.image.upload`,
//! `alipay.merchant.item.file.upload`, …).
//!
//! A call carries text fields and files. The text fields are signed like any parameters; the files
//! are not (Alipay signs only text). In v2 the common parameters and the signature go in the URL
//! query, and the text fields and files are the `multipart/form-data` body. In v3 the text fields are
//! the JSON of a `data` part, which is what the `Authorization` signature covers, and each file is a
//! part of its own. The answer is verified like every other.
//!
//! ```no_run
//! # async fn demo(client: &alipay_core::Client) -> alipay_core::Result<()> {
//! use alipay_core::upload::{OfflineMaterialImageUploadRequest, UploadFile};
//! let image = UploadFile::from_path("image_content", "/srv/pos/logo.png", None)?;
//! let uploaded = client.offline_material_image_upload(&OfflineMaterialImageUploadRequest::new("png", "logo", image)).await?;
//! println!("{}", uploaded.image_id);
//! # Ok(()) }
//! ```

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::InvalidInput;

/// The most one call uploads, every file together (Alipay's own limits are lower: 5 MiB for a
/// material image, 50 MiB for `alipay.open.file.upload`).
pub const MAX_UPLOAD_BYTES: usize = 50 * 1024 * 1024;

/// One file of an upload: the form field it goes in, its name, its content type and its bytes.
#[derive(Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct UploadFile {
    /// The form field, e.g. `file_content` or `image_content`.
    pub field: String,
    /// The file's name as sent (`filename=` of the part).
    pub file_name: String,
    /// Its content type, e.g. `image/png`.
    pub content_type: String,
    /// Its bytes.
    pub content: Vec<u8>,
}

impl fmt::Debug for UploadFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadFile")
            .field("field", &self.field)
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("bytes", &self.content.len())
            .finish()
    }
}

impl UploadFile {
    /// A file from bytes.
    pub fn from_bytes(
        field: impl Into<String>,
        file_name: impl Into<String>,
        content_type: impl Into<String>,
        content: Vec<u8>,
    ) -> Self {
        Self { field: field.into(), file_name: file_name.into(), content_type: content_type.into(), content }
    }

    /// A file read from `path`, named by its last component. Without `content_type`, the type is
    /// guessed from the extension (`application/octet-stream` when unknown).
    ///
    /// # Errors
    /// [`InvalidInput`] naming the path when it cannot be read or is larger than [`MAX_UPLOAD_BYTES`]
    /// (checked before reading).
    pub fn from_path(
        field: impl Into<String>,
        path: impl AsRef<Path>,
        content_type: Option<&str>,
    ) -> Result<Self, InvalidInput> {
        let path = path.as_ref();
        let shown = path.display();
        let unreadable = |e: std::io::Error| InvalidInput::new("path", format!("cannot read {shown}: {e}"));
        let size = std::fs::metadata(path).map_err(unreadable)?.len();
        if size > MAX_UPLOAD_BYTES as u64 {
            return Err(InvalidInput::new(
                "path",
                format!("{shown} is {size} bytes; at most {MAX_UPLOAD_BYTES} are uploaded"),
            ));
        }
        let content = std::fs::read(path).map_err(unreadable)?;
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let content_type = match content_type {
            Some(t) => t.to_string(),
            None => mime_guess::from_path(path).first_or_octet_stream().essence_str().to_string(),
        };
        Ok(Self { field: field.into(), file_name, content_type, content })
    }

    /// Checks the names and type can be sent as a part header.
    pub(crate) fn validate(&self) -> Result<mime::Mime, InvalidInput> {
        check_name("field", &self.field)?;
        check_name("file_name", &self.file_name)?;
        self.content_type.parse::<mime::Mime>().map_err(|_| {
            InvalidInput::new("content_type", format!("{:?} is not a content type like image/png", self.content_type))
        })
    }
}

/// A part's field or file name goes inside `"…"` in its header: no quotes, backslashes or control
/// characters, and not empty.
pub(crate) fn check_name(what: &str, name: &str) -> Result<(), InvalidInput> {
    if name.is_empty() || name.len() > 255 {
        return Err(InvalidInput::new(what, format!("{name:?} must be 1 to 255 bytes")));
    }
    if name.chars().any(|c| c == '"' || c == '\\' || c.is_control()) {
        return Err(InvalidInput::new(what, format!("{name:?} holds a quote, a backslash or a control character")));
    }
    Ok(())
}

/// `alipay.open.file.upload`: uploads a file for later calls to name by its `file_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OpenFileUploadRequest {
    /// What the file is for (`biz_code`), e.g. `openpt_appstore`, `content_creation`.
    pub biz_code: String,
    /// The file (sent in the field `file_content`).
    pub file: UploadFile,
}

impl OpenFileUploadRequest {
    /// The method.
    pub const METHOD: &'static str = "alipay.open.file.upload";

    /// A file for `biz_code`; its field is set to `file_content`.
    pub fn new(biz_code: impl Into<String>, mut file: UploadFile) -> Self {
        file.field = "file_content".into();
        Self { biz_code: biz_code.into(), file }
    }
}

/// The answer to `alipay.open.file.upload`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct OpenFileUploadResponse {
    /// The file's id, for the calls that use it.
    pub file_id: String,
}

/// `alipay.offline.material.image.upload`: uploads an image (a store photo, a logo) for later calls to
/// name by its `image_id`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OfflineMaterialImageUploadRequest {
    /// `jpg`, `jpeg`, `png`, `bmp` or `gif`.
    pub image_type: String,
    /// The image's name, without the extension.
    pub image_name: String,
    /// The image (sent in the field `image_content`).
    pub image_content: UploadFile,
    /// The partner id the image belongs to, for ISVs.
    pub image_pid: Option<String>,
}

impl OfflineMaterialImageUploadRequest {
    /// The method.
    pub const METHOD: &'static str = "alipay.offline.material.image.upload";

    /// An image of `image_type` named `image_name`; its field is set to `image_content`.
    pub fn new(image_type: impl Into<String>, image_name: impl Into<String>, mut image: UploadFile) -> Self {
        image.field = "image_content".into();
        Self { image_type: image_type.into(), image_name: image_name.into(), image_content: image, image_pid: None }
    }
}

/// The answer to `alipay.offline.material.image.upload`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
#[non_exhaustive]
pub struct OfflineMaterialImageUploadResponse {
    /// The image's id, for the calls that use it.
    pub image_id: String,
    /// Where the image can be seen.
    pub image_url: String,
}
