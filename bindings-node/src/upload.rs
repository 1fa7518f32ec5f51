//! The files of an upload, as `lib/` hands them over: bytes (a Buffer, or a stream `lib/` has read)
//! with their name and type, or a path the core reads.

use alipay_core::Error;
use alipay_core::error::InvalidInput;
use alipay_core::upload::UploadFile;
use napi::bindgen_prelude::{Buffer, spawn_blocking};
use napi_derive::napi;

use crate::errors::{js, to_js};

/// The most one upload sends, every file together (the core's `MAX_UPLOAD_BYTES`: 50 MiB).
#[napi]
pub const MAX_UPLOAD_BYTES: u32 = alipay_core::upload::MAX_UPLOAD_BYTES as u32;

/// One file: `content` (its bytes) with `file_name` and `content_type` (`application/octet-stream`
/// when not given), or `path` (named by its last component and typed by its extension unless
/// `file_name` or `content_type` say otherwise). `field` is the form field (set by the typed uploads).
#[napi(object, object_to_js = false)]
pub struct NativeUploadFile {
    /// The form field, e.g. `file_content`.
    pub field: Option<String>,
    /// The file's name as sent.
    pub file_name: Option<String>,
    /// Its content type, e.g. `image/png`.
    pub content_type: Option<String>,
    /// Its bytes.
    pub content: Option<Buffer>,
    /// Where the core reads it from instead.
    pub path: Option<String>,
}

/// The core's file; `name` is where the caller gave it (`files[0]`, `file`), for errors.
pub(crate) async fn upload_file(file: NativeUploadFile, name: &str) -> napi::Result<UploadFile> {
    let NativeUploadFile { field, file_name, content_type, content, path } = file;
    let field = field.unwrap_or_default();
    match (content, path) {
        (Some(content), None) => {
            let file_name = file_name.ok_or_else(|| js(InvalidInput::new(format!("{name}.fileName"), "is missing")))?;
            let content_type = content_type.unwrap_or_else(|| "application/octet-stream".into());
            Ok(UploadFile::from_bytes(field, file_name, content_type, content.to_vec()))
        }
        (None, Some(path)) => {
            let read = spawn_blocking(move || UploadFile::from_path(field, path, content_type.as_deref()));
            let mut file = read.await.map_err(|e| to_js(&Error::Internal(e.to_string())))?.map_err(js)?;
            if let Some(file_name) = file_name {
                file.file_name = file_name;
            }
            Ok(file)
        }
        _ => Err(js(InvalidInput::new(format!("{name}.content"), "is not a Buffer, a stream or a path"))),
    }
}

/// Every file of an upload (`files[0]`, `files[1]`, … in errors).
pub(crate) async fn upload_files(files: Vec<NativeUploadFile>) -> napi::Result<Vec<UploadFile>> {
    let mut out = Vec::with_capacity(files.len());
    for (i, file) in files.into_iter().enumerate() {
        out.push(upload_file(file, &format!("files[{i}]")).await?);
    }
    Ok(out)
}
