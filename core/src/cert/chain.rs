//! Does a certificate chain to the Alipay root certificate? (Alipay's 公钥证书 docs.) When Alipay rotates its
//! certificate, the new one arrives through an API answer; it is believed only if every link up to a
//! certificate of the configured root file verifies, every certificate is within its validity, and every
//! certificate that issues another is a CA allowed to sign certificates.

use std::time::SystemTime;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use x509_cert::Certificate;
use x509_cert::der::Encode as _;
use x509_cert::ext::pkix::{BasicConstraints, KeyUsage};

use super::error::MAX_DEPTH;
use super::{TrustError, key_of, sn_of, subject_of};
use crate::crypto::SignType;

/// Checks that `chain[0]` (the leaf, e.g. a downloaded Alipay public-key certificate) leads, through
/// the other certificates of `chain`, to a certificate in `roots`: every signature verifies, every
/// certificate is valid at `now`, and every issuer — intermediates and the root — is a CA
/// (basicConstraints `cA=true`, keyUsage with `keyCertSign` when it has one, its pathLenConstraint
/// respected). A chain through an end-entity certificate (another merchant's app certificate, say) does
/// not verify, however good its signatures.
///
/// # Errors
/// [`TrustError`] naming the first certificate that fails.
pub fn verify_chain(chain: &[Certificate], roots: &[Certificate], now: SystemTime) -> Result<(), TrustError> {
    let Some(mut current) = chain.first() else {
        return Err(TrustError::TooLong);
    };
    // `below`: how many intermediate certificates lie between the issuer looked for and the leaf.
    for below in 0..MAX_DEPTH {
        check_validity(current, now)?;
        if let Some(root) = roots.iter().find(|r| issued(r, current)) {
            check_issuer(root, below)?;
            return check_validity(root, now);
        }
        match chain.iter().find(|c| !std::ptr::eq(*c, current) && issued(c, current)) {
            Some(issuer) => {
                check_issuer(issuer, below)?;
                current = issuer;
            }
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

/// Checks that `issuer`, which signed a certificate with `below` intermediates under it, may do so.
fn check_issuer(issuer: &Certificate, below: usize) -> Result<(), TrustError> {
    let tbs = &issuer.tbs_certificate;
    let named = || (sn_of(issuer), subject_of(issuer));
    match tbs.get::<BasicConstraints>() {
        Ok(Some((_, bc))) if bc.ca => {
            if let Some(max) = bc.path_len_constraint
                && below > usize::from(max)
            {
                let (sn, subject) = named();
                return Err(TrustError::PathTooLong { sn, subject, max });
            }
        }
        _ => {
            let (sn, subject) = named();
            return Err(TrustError::NotACa { sn, subject });
        }
    }
    match tbs.get::<KeyUsage>() {
        Ok(None) => Ok(()),
        Ok(Some((_, usage))) if usage.key_cert_sign() => Ok(()),
        _ => {
            let (sn, subject) = named();
            Err(TrustError::CannotSignCertificates { sn, subject })
        }
    }
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
