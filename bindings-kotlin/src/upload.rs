//! The files of an upload (`AlipayClient.upload`, `openFileUpload`, `offlineMaterialImageUpload`):
//! the core's `UploadFile` record made from bytes by its constructor, or read from a path here.

use alipay_core::upload::UploadFile;

use crate::error::{Result, guarded_sync};

/// A file read from `path` for the form field `field`, named by its last component. Without
/// `content_type`, the type is guessed from the extension (`application/octet-stream` when unknown).
/// A path that cannot be read, or a file over 50 MiB, throws `AlipayException.InvalidInput`.
#[uniffi::export(default(content_type = None))]
pub fn upload_file_from_path(field: String, path: String, content_type: Option<String>) -> Result<UploadFile> {
    guarded_sync(|| Ok(UploadFile::from_path(field, path, content_type.as_deref()).map_err(alipay_core::Error::from)?))
}
