//! Certificate mode (Alipay's 公钥证书 docs): the serial numbers it sends (`app_cert_sn`, `alipay_root_cert_sn`),
//! the key inside the Alipay public-key certificate, and the trust in rotated Alipay certificates.
//!
//! The SN of a certificate is the lowercase hex MD5 of its issuer DN, rendered RFC 2253 style (most
//! specific RDN first, `,` without spaces), followed by its serial number in decimal.
//!
//! A rotated Alipay certificate is admitted only if its chain verifies up to the root file, every
//! issuer in it is a CA, and it names the subject of the Alipay certificate the merchant configured
//! ([`CertMode::check`]); downloads that notifications ask for are limited by a [`DownloadGuard`].

mod chain;
mod error;
mod guard;
mod store;

pub use chain::verify_chain;
pub use error::TrustError;
pub use guard::{DownloadGuard, FAILED_DOWNLOAD_RETRY_AFTER, MAX_DOWNLOADS_PER_MINUTE, NEGATIVE_CACHE_SIZE};
pub use store::{CertMode, CheckedCert};

use base64::Engine as _;
use md5::{Digest as _, Md5};
use x509_cert::Certificate;
use x509_cert::der::{Decode as _, Encode as _};

use crate::error::DecodeError;
use crate::keys::{KeyError, LENIENT_B64, PublicKey};

/// The signature algorithms that count in `alipay_root_cert_sn`: the RSA family.
const RSA_FAMILY_PREFIX: &str = "1.2.840.113549.1.1";

/// Every certificate in a PEM text (one or more `CERTIFICATE` blocks), in file order.
///
/// # Errors
/// [`DecodeError`] when there is no certificate or one does not decode.
pub fn parse_certificates(pem: &str) -> Result<Vec<Certificate>, DecodeError> {
    let mut certs = Vec::new();
    let mut rest = pem;
    while let Some(start) = rest.find("-----BEGIN CERTIFICATE-----") {
        let body_start = start + "-----BEGIN CERTIFICATE-----".len();
        let end = rest[body_start..]
            .find("-----END CERTIFICATE-----")
            .ok_or_else(|| DecodeError::new("a certificate has no END line"))?;
        let b64: String = rest[body_start..body_start + end].chars().filter(|c| !c.is_whitespace()).collect();
        let der = LENIENT_B64
            .decode(b64.as_bytes())
            .map_err(|e| DecodeError::new(format!("certificate {} is not valid base64: {e}", certs.len() + 1)))?;
        let cert = Certificate::from_der(&der)
            .map_err(|e| DecodeError::new(format!("certificate {} is not valid X.509: {e}", certs.len() + 1)))?;
        certs.push(cert);
        rest = &rest[body_start + end..];
    }
    if certs.is_empty() {
        return Err(DecodeError::new("no `-----BEGIN CERTIFICATE-----` block found"));
    }
    Ok(certs)
}

/// The SN of one certificate.
pub fn sn_of(cert: &Certificate) -> String {
    let tbs = &cert.tbs_certificate;
    let text = format!("{}{}", rfc2253(&tbs.issuer), decimal(tbs.serial_number.as_bytes()));
    format!("{:032x}", u128::from_be_bytes(Md5::digest(text.as_bytes()).into()))
}

/// `app_cert_sn` / the Alipay cert's SN: the SN of the first certificate in the file.
///
/// # Errors
/// [`DecodeError`] when the text holds no valid certificate.
pub fn cert_sn(pem: &str) -> Result<String, DecodeError> {
    Ok(sn_of(&parse_certificates(pem)?[0]))
}

/// `alipay_root_cert_sn`: the SNs of the RSA-signed certificates of the root file, joined with `_`.
///
/// # Errors
/// [`DecodeError`] when the text holds no valid certificate, or none is RSA-signed.
pub fn root_cert_sn(pem: &str) -> Result<String, DecodeError> {
    let sns: Vec<String> = parse_certificates(pem)?
        .iter()
        .filter(|c| c.signature_algorithm.oid.to_string().starts_with(RSA_FAMILY_PREFIX))
        .map(sn_of)
        .collect();
    if sns.is_empty() {
        return Err(DecodeError::new("the root certificate file holds no RSA-signed certificate"));
    }
    Ok(sns.join("_"))
}

/// The public key of the first certificate (the Alipay public key in certificate mode).
///
/// # Errors
/// [`DecodeError`] for a bad certificate; the key's own problems as a decode error too.
pub fn public_key_of(pem: &str) -> Result<PublicKey, DecodeError> {
    key_of(&parse_certificates(pem)?[0])
}

/// The public key of one certificate.
///
/// # Errors
/// [`DecodeError`] when the key is not a usable RSA key.
pub fn key_of(cert: &Certificate) -> Result<PublicKey, DecodeError> {
    let spki = cert
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(|e| DecodeError::new(format!("certificate key: {e}")))?;
    PublicKey::from_der_with_backend(&spki, crate::Backend::default())
        .map_err(|e: KeyError| DecodeError::new(format!("the certificate's key: {e}")))
}

/// The subject of a certificate, RFC 2253 style (most specific RDN first), e.g.
/// `CN=支付宝(中国)网络技术有限公司-2088831204659217,OU=Alipay,O=…,C=CN`.
pub fn subject_of(cert: &Certificate) -> String {
    rfc2253(&cert.tbs_certificate.subject)
}

/// A distinguished name RFC 2253 style: RDNs most specific first, joined by `,`.
fn rfc2253(name: &x509_cert::name::Name) -> String {
    name.0
        .iter()
        .rev()
        .map(|rdn| {
            rdn.0
                .iter()
                .map(|atv| {
                    let oid = atv.oid.to_string();
                    let short = match oid.as_str() {
                        "2.5.4.3" => Some("CN"),
                        "2.5.4.6" => Some("C"),
                        "2.5.4.7" => Some("L"),
                        "2.5.4.8" => Some("ST"),
                        "2.5.4.9" => Some("STREET"),
                        "2.5.4.10" => Some("O"),
                        "2.5.4.11" => Some("OU"),
                        "0.9.2342.19200300.100.1.1" => Some("UID"),
                        "0.9.2342.19200300.100.1.25" => Some("DC"),
                        _ => None,
                    };
                    let text = x509_cert::der::asn1::Utf8StringRef::try_from(&atv.value)
                        .map(|s| s.as_str().to_string())
                        .or_else(|_| {
                            x509_cert::der::asn1::PrintableStringRef::try_from(&atv.value)
                                .map(|s| s.as_str().to_string())
                        })
                        .or_else(|_| {
                            x509_cert::der::asn1::Ia5StringRef::try_from(&atv.value).map(|s| s.as_str().to_string())
                        });
                    match (short, text) {
                        (Some(s), Ok(t)) => format!("{s}={}", escape(&t)),
                        // Unknown types and encodings: the OID and the hex of the value's DER (RFC 2253 §2.4).
                        _ => format!("{oid}=#{}", atv.value.to_der().map(|d| hex(&d)).unwrap_or_default()),
                    }
                })
                .collect::<Vec<_>>()
                .join("+")
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for (i, c) in value.chars().enumerate() {
        let special = matches!(c, ',' | '+' | '"' | '\\' | '<' | '>' | ';') || (i == 0 && matches!(c, '#' | ' '));
        if special || (c == ' ' && i + 1 == value.chars().count()) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A big-endian unsigned integer in decimal.
fn decimal(be: &[u8]) -> String {
    let mut digits: Vec<u8> = vec![0]; // little-endian base-10 digits
    for &byte in be {
        let mut carry = u32::from(byte);
        for d in digits.iter_mut() {
            let v = u32::from(*d) * 256 + carry;
            *d = (v % 10) as u8;
            carry = v / 10;
        }
        while carry > 0 {
            digits.push((carry % 10) as u8);
            carry /= 10;
        }
    }
    while digits.len() > 1 && digits.last() == Some(&0) {
        digits.pop();
    }
    digits.iter().rev().map(|d| char::from(b'0' + d)).collect()
}

#[cfg(test)]
mod tests {
    use super::decimal;

    #[test]
    fn serial_numbers_in_decimal() {
        assert_eq!(decimal(&[0x00]), "0");
        assert_eq!(decimal(&[0x01, 0x00]), "256");
        assert_eq!(decimal(&[0x69, 0xe2, 0xfe, 0xc0, 0x17, 0x0a, 0xc6, 0x7b]), "7629940819692799611");
    }
}
