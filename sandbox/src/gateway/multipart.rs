//! Upload requests: `multipart/form-data` bodies parsed with `multer` into text fields and files.

use std::convert::Infallible;

/// A file part of an upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilePart {
    /// The form field.
    pub field: String,
    /// Its `filename`.
    pub file_name: String,
    /// Its `Content-Type`, when it had one.
    pub content_type: Option<String>,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// A parsed body: the text parts (name, bytes as sent, content type) in order, and the files.
#[derive(Debug, Default)]
pub struct Form {
    pub texts: Vec<(String, Vec<u8>, Option<String>)>,
    pub files: Vec<FilePart>,
}

impl Form {
    /// The text parts as a form-encoded body (bytes percent-encoded as sent), for the v2 reader.
    pub fn texts_as_form_body(&self) -> Vec<u8> {
        let pairs: Vec<String> = self
            .texts
            .iter()
            .map(|(k, v, _)| {
                let enc = |b: &[u8]| form_urlencoded::byte_serialize(b).collect::<String>();
                format!("{}={}", enc(k.as_bytes()), enc(v))
            })
            .collect();
        pairs.join("&").into_bytes()
    }
}

/// The boundary of a `multipart/form-data` content type, or `None` for any other type.
pub fn boundary(headers: &[(String, String)]) -> Option<String> {
    let content_type = headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("content-type")).map(|(_, v)| v)?;
    multer::parse_boundary(content_type).ok()
}

/// Parses a body; a part with a file name is a file, any other is text (in the request's charset).
pub async fn parse(boundary: &str, body: &[u8]) -> Result<Form, String> {
    let bytes = bytes_of(body);
    let stream = futures_util::stream::once(async move { Ok::<_, Infallible>(bytes) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut form = Form::default();
    while let Some(field) = multipart.next_field().await.map_err(|e| format!("multipart body: {e}"))? {
        let name = field.name().unwrap_or_default().to_string();
        let file_name = field.file_name().map(str::to_string);
        let content_type = field.content_type().map(ToString::to_string);
        let data = field.bytes().await.map_err(|e| format!("multipart part `{name}`: {e}"))?;
        match file_name {
            Some(file_name) => form.files.push(FilePart { field: name, file_name, content_type, bytes: data.to_vec() }),
            None => form.texts.push((name, data.to_vec(), content_type)),
        }
    }
    Ok(form)
}

fn bytes_of(body: &[u8]) -> multer::bytes::Bytes {
    multer::bytes::Bytes::copy_from_slice(body)
}
