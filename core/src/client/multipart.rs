//! `multipart/form-data` bodies (RFC 7578), as the upload APIs take them.
//!
//! Written here rather than taken from a crate: the v3 upload needs a text part typed
//! `application/json` without a file name (the `data` part Alipay signs), which the multipart builders
//! on crates.io cannot express without a file name, and none of them refuses a file name that would
//! break its header. The sandbox parses these bodies with `multer`, which the tests hold them to.

use crate::error::InvalidInput;
use crate::upload::UploadFile;

/// A body being built.
pub(crate) struct Multipart {
    boundary: String,
    body: Vec<u8>,
}

impl Multipart {
    /// An empty body with a fresh random boundary (128 bits from the OS).
    pub fn new() -> Self {
        let mut bytes = [0u8; 16];
        crate::random::fill(&mut bytes);
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        Self { boundary: format!("alipay-core-{hex}"), body: Vec::new() }
    }

    fn part(&mut self, name: &str, file_name: Option<&str>, content_type: Option<&str>, content: &[u8]) {
        let mut head = format!("--{}\r\nContent-Disposition: form-data; name=\"{name}\"", self.boundary);
        if let Some(file_name) = file_name {
            head.push_str(&format!("; filename=\"{file_name}\""));
        }
        head.push_str("\r\n");
        if let Some(t) = content_type {
            head.push_str(&format!("Content-Type: {t}\r\n"));
        }
        head.push_str("\r\n");
        self.body.extend_from_slice(head.as_bytes());
        self.body.extend_from_slice(content);
        self.body.extend_from_slice(b"\r\n");
    }

    /// A text part of `value`'s bytes (in the request's charset). `name` was checked
    /// ([`crate::upload::check_name`]) by the caller.
    pub fn text(&mut self, name: &str, content_type: Option<&str>, value: &[u8]) {
        self.part(name, None, content_type, value);
    }

    /// A part per file, after checking its names and content type.
    pub fn files(&mut self, files: &[UploadFile]) -> Result<(), InvalidInput> {
        for file in files {
            let mime = file.validate()?;
            self.part(&file.field, Some(&file.file_name), Some(mime.as_ref()), &file.content);
        }
        Ok(())
    }

    /// The body and its `Content-Type` header.
    pub fn finish(mut self) -> (Vec<u8>, String) {
        self.body.extend_from_slice(format!("--{}--\r\n", self.boundary).as_bytes());
        (self.body, format!("multipart/form-data; boundary={}", self.boundary))
    }
}
