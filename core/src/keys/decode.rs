//! From the text a user pastes to classified DER: PEM (any label, any line width, CRLF) or the bare
//! one-line base64 that Alipay's key tool emits; PKCS#1 or PKCS#8 private keys, SPKI or PKCS#1 public keys.

use base64::Engine as _;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use pkcs1::der::Decode as _;

use super::KeyProblem;

/// `1.2.840.113549.1.1.1`, rsaEncryption.
const RSA_ENCRYPTION: pkcs8::ObjectIdentifier = pkcs8::ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");

/// Standard base64 that tolerates missing `=` padding (some consoles strip it).
pub(crate) const LENIENT_B64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// An RSA key's public half: big-endian modulus and exponent without leading zeros.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct RsaPublicParts {
    pub n: Vec<u8>,
    pub e: Vec<u8>,
}

impl RsaPublicParts {
    fn new(n: &[u8], e: &[u8]) -> Self {
        Self { n: strip_zeros(n).to_vec(), e: strip_zeros(e).to_vec() }
    }

    /// The modulus size in bits.
    pub fn bits(&self) -> usize {
        match self.n.first() {
            None => 0,
            Some(&top) => self.n.len() * 8 - top.leading_zeros() as usize,
        }
    }
}

fn strip_zeros(b: &[u8]) -> &[u8] {
    let first = b.iter().position(|&x| x != 0).unwrap_or(b.len());
    &b[first..]
}

/// What the decoded DER turned out to be.
pub(crate) enum Decoded {
    /// An RSA private key; `pkcs1_der` is the PKCS#1 `RSAPrivateKey` (unwrapped from PKCS#8 if needed).
    Private { pkcs1_der: Vec<u8>, public: RsaPublicParts },
    /// An RSA public key.
    Public { public: RsaPublicParts },
}

/// Decodes key text into DER bytes (PEM armor removed, base64 decoded).
pub(crate) fn text_to_der(text: &str) -> Result<Vec<u8>, KeyProblem> {
    let text = text.trim_start_matches('\u{feff}').trim();
    if text.is_empty() {
        return Err(KeyProblem::Empty);
    }
    let (body, first_line) = match text.find("-----BEGIN ") {
        Some(start) => pem_body(&text[start..], text[..start].lines().count() + 1)?,
        None => (text, 1),
    };
    let mut b64 = String::with_capacity(body.len());
    for (i, line) in body.lines().enumerate() {
        let line = line.trim();
        if let Some(bad) = line.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))) {
            // `\n` written literally (a key copied out of a JSON or properties file) is a common paste error.
            let hint = if line.contains("\\n") { " (a literal \\n: unescape the key text first)" } else { "" };
            return Err(KeyProblem::Base64 {
                line: first_line + i,
                detail: format!("unexpected character {bad:?}{hint}"),
            });
        }
        b64.push_str(line);
    }
    LENIENT_B64.decode(b64.as_bytes()).map_err(|e| KeyProblem::Base64 { line: first_line, detail: e.to_string() })
}

/// Returns the base64 body between the BEGIN and END lines, and the body's first line number.
fn pem_body(pem: &str, begin_line: usize) -> Result<(&str, usize), KeyProblem> {
    let label_end = pem["-----BEGIN ".len()..].find("-----").ok_or(KeyProblem::Pem("malformed BEGIN line"))?;
    let label = &pem["-----BEGIN ".len().."-----BEGIN ".len() + label_end];
    if label.contains("ENCRYPTED") {
        return Err(KeyProblem::Encrypted);
    }
    if label.contains("CERTIFICATE") {
        return Err(KeyProblem::Certificate);
    }
    let Some(after_begin) = pem.find('\n').map(|i| i + 1) else {
        if pem.contains("\\n") {
            let detail = "the key is on one line with literal \\n sequences: unescape the key text first".to_string();
            return Err(KeyProblem::Base64 { line: begin_line, detail });
        }
        return Err(KeyProblem::Pem("nothing after the BEGIN line"));
    };
    let end = pem.find("-----END ").ok_or(KeyProblem::Pem("no END line"))?;
    if end < after_begin {
        return Err(KeyProblem::Pem("END line before any content"));
    }
    let body = &pem[after_begin..end];
    if body.lines().any(|l| l.contains("Proc-Type:") && l.contains("ENCRYPTED")) {
        return Err(KeyProblem::Encrypted);
    }
    Ok((body, begin_line + 1))
}

/// Classifies DER as an RSA private or public key in any of the four encodings.
pub(crate) fn classify(der: &[u8]) -> Result<Decoded, KeyProblem> {
    if let Ok(info) = pkcs8::PrivateKeyInfo::try_from(der) {
        if info.algorithm.oid != RSA_ENCRYPTION {
            return Err(KeyProblem::NotRsa(info.algorithm.oid.to_string()));
        }
        let key = pkcs1::RsaPrivateKey::from_der(info.private_key)
            .map_err(|e| KeyProblem::Der(format!("PKCS#8 key holds no valid PKCS#1 RSA key: {e}")))?;
        let public = RsaPublicParts::new(key.modulus.as_bytes(), key.public_exponent.as_bytes());
        return Ok(Decoded::Private { pkcs1_der: info.private_key.to_vec(), public });
    }
    if let Ok(key) = pkcs1::RsaPrivateKey::from_der(der) {
        let public = RsaPublicParts::new(key.modulus.as_bytes(), key.public_exponent.as_bytes());
        return Ok(Decoded::Private { pkcs1_der: der.to_vec(), public });
    }
    if let Ok(spki) = spki::SubjectPublicKeyInfoRef::try_from(der) {
        if spki.algorithm.oid != RSA_ENCRYPTION {
            return Err(KeyProblem::NotRsa(spki.algorithm.oid.to_string()));
        }
        let bits = spki
            .subject_public_key
            .as_bytes()
            .ok_or(KeyProblem::Der("public key bit string is not byte-aligned".into()))?;
        let key = pkcs1::RsaPublicKey::from_der(bits)
            .map_err(|e| KeyProblem::Der(format!("SubjectPublicKeyInfo holds no valid RSA public key: {e}")))?;
        return Ok(Decoded::Public {
            public: RsaPublicParts::new(key.modulus.as_bytes(), key.public_exponent.as_bytes()),
        });
    }
    if let Ok(key) = pkcs1::RsaPublicKey::from_der(der) {
        return Ok(Decoded::Public {
            public: RsaPublicParts::new(key.modulus.as_bytes(), key.public_exponent.as_bytes()),
        });
    }
    if looks_like_certificate(der) {
        return Err(KeyProblem::Certificate);
    }
    Err(KeyProblem::Der("not a PKCS#1, PKCS#8 or SubjectPublicKeyInfo RSA key".into()))
}

/// An X.509 certificate is SEQUENCE { SEQUENCE (tbs) { [0] version ... } ... }.
fn looks_like_certificate(der: &[u8]) -> bool {
    // Outer SEQUENCE header, then inner SEQUENCE header, then the explicit [0] version tag 0xA0.
    fn skip_header(b: &[u8]) -> Option<&[u8]> {
        let (&tag, rest) = b.split_first()?;
        if tag != 0x30 {
            return None;
        }
        let (&len, rest) = rest.split_first()?;
        let extra = if len & 0x80 != 0 { (len & 0x7f) as usize } else { 0 };
        rest.get(extra..)
    }
    skip_header(der).and_then(skip_header).and_then(|b| b.first().copied()) == Some(0xA0)
}
