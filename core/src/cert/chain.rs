//! Does a certificate chain to the Alipay root certificate? (PROTOCOL §5.) When Alipay rotates its
//! certificate, the new one arrives through an API answer; it is believed only if every link up to a
//! certificate of the configured root file verifies, and every certificate is within its validity.

use std::time::SystemTime;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use x509_cert::Certificate;
use x509_cert::der::Encode as _;

use super::{key_of, sn_of};
use crate::crypto::SignType;

/// How many certificates a chain may have between the leaf and the root.
const MAX_DEPTH: usize = 6;

/// Why a certificate is not trusted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TrustError {
    /// No certificate of the chain or the root file issued this one (or its signature does not verify).
    #[error("certificate {sn} ({subject}) does not chain to the Alipay root certificate: no trusted issuer `{issuer}`")]
    NotChained {
        /// The SN of the certificate left without an issuer.
        sn: String,
        /// Its subject.
        subject: String,
        /// The issuer it names.
        issuer: String,
    },
    /// A certificate is not valid at this time.
    #[error("certificate {sn} ({subject}) is outside its validity ({not_before} to {not_after})")]
    Expired {
        /// Its SN.
        sn: String,
        /// Its subject.
        subject: String,
        /// Valid from.
        not_before: String,
        /// Valid until.
        not_after: String,
    },
    /// The certificate is signed with an algorithm this library does not check (only RSA with SHA-256
    /// or SHA-1 occurs in Alipay's RSA hierarchy).
    #[error("certificate {sn} is signed with an unsupported algorithm {oid}")]
    UnsupportedAlgorithm {
        /// Its SN.
        sn: String,
        /// The signature algorithm OID.
        oid: String,
    },
    /// The chain is longer than any real one.
    #[error("the certificate chain is longer than {MAX_DEPTH}")]
    TooLong,
}

/// Checks that `chain[0]` (the leaf, e.g. a downloaded Alipay public-key certificate) leads, through
/// the other certificates of `chain`, to a certificate in `roots`, every signature verifying and every
/// certificate valid at `now`.
///
/// # Errors
/// [`TrustError`] naming the first certificate that fails.
pub fn verify_chain(chain: &[Certificate], roots: &[Certificate], now: SystemTime) -> Result<(), TrustError> {
    let Some(mut current) = chain.first() else {
        return Err(TrustError::TooLong);
    };
    for _ in 0..MAX_DEPTH {
        check_validity(current, now)?;
        if let Some(root) = roots.iter().find(|r| issued(r, current)) {
            return check_validity(root, now);
        }
        match chain.iter().find(|c| !std::ptr::eq(*c, current) && issued(c, current)) {
            Some(issuer) => current = issuer,
            None => {
                return Err(match supported(current) {
                    Some(_) => TrustError::NotChained {
                        sn: sn_of(current),
                        subject: current.tbs_certificate.subject.to_string(),
                        issuer: current.tbs_certificate.issuer.to_string(),
                    },
                    None => TrustError::UnsupportedAlgorithm {
                        sn: sn_of(current),
                        oid: current.signature_algorithm.oid.to_string(),
                    },
                });
            }
        }
    }
    Err(TrustError::TooLong)
}

/// The sign type of a certificate's signature, when it is one we check.
fn supported(cert: &Certificate) -> Option<SignType> {
    match cert.signature_algorithm.oid.to_string().as_str() {
        "1.2.840.113549.1.1.11" => Some(SignType::Rsa2),
        "1.2.840.113549.1.1.5" => Some(SignType::Rsa),
        _ => None,
    }
}

/// `true` when `issuer`'s subject is `cert`'s issuer and `issuer`'s key verifies `cert`'s signature.
fn issued(issuer: &Certificate, cert: &Certificate) -> bool {
    if issuer.tbs_certificate.subject != cert.tbs_certificate.issuer {
        return false;
    }
    let (Some(sign_type), Ok(key), Ok(tbs)) = (supported(cert), key_of(issuer), cert.tbs_certificate.to_der()) else {
        return false;
    };
    let Some(signature) = cert.signature.as_bytes() else { return false };
    key.verify(&tbs, &STANDARD.encode(signature), sign_type, "certificate").is_ok()
}

fn check_validity(cert: &Certificate, now: SystemTime) -> Result<(), TrustError> {
    let validity = &cert.tbs_certificate.validity;
    let (from, until) = (validity.not_before.to_system_time(), validity.not_after.to_system_time());
    if now < from || now > until {
        return Err(TrustError::Expired {
            sn: sn_of(cert),
            subject: cert.tbs_certificate.subject.to_string(),
            not_before: validity.not_before.to_string(),
            not_after: validity.not_after.to_string(),
        });
    }
    Ok(())
}
