//! Why an Alipay certificate is not trusted: the reason inside
//! [`SignatureError::UntrustedCertificate`](crate::error::SignatureError::UntrustedCertificate).
//!
//! Some reasons are about the certificate itself (it does not chain to the root, an issuer is not a
//! CA, it names another subject), some about how it arrived (the download answer did not verify, or
//! sent another certificate), and some say that it was not downloaded at all (a notification that
//! cannot be Alipay's, a download that failed moments ago, too many downloads).

/// How many certificates a chain may have between the leaf and the root.
pub(crate) const MAX_DEPTH: usize = 6;

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
    /// The chain is longer than any real one (or empty).
    #[error("the certificate chain is empty or longer than {MAX_DEPTH}")]
    TooLong,
    /// A certificate that issued another one in the chain is not a CA (its basicConstraints does not say
    /// `cA=true`) — an end-entity certificate, such as another merchant's app certificate, cannot vouch
    /// for anything.
    #[error(
        "certificate {sn} ({subject}) issued another certificate of the chain but is not a CA (no basicConstraints cA=true)"
    )]
    NotACa {
        /// The SN of the issuing certificate.
        sn: String,
        /// Its subject.
        subject: String,
    },
    /// A CA of the chain has a keyUsage extension without `keyCertSign`.
    #[error(
        "certificate {sn} ({subject}) issued another certificate of the chain but may not sign certificates (keyUsage without keyCertSign)"
    )]
    CannotSignCertificates {
        /// The SN of the issuing certificate.
        sn: String,
        /// Its subject.
        subject: String,
    },
    /// A CA of the chain allows fewer intermediate CAs below it than the chain has.
    #[error("certificate {sn} ({subject}) allows {max} intermediate CAs below it, the chain has more")]
    PathTooLong {
        /// The SN of the constrained CA.
        sn: String,
        /// Its subject.
        subject: String,
        /// Its pathLenConstraint.
        max: u8,
    },
    /// The certificate chains to the root but is issued to someone else: every Alipay certificate of a
    /// merchant names the subject of the one configured (`…,OU=Alipay,CN=支付宝(中国)网络技术有限公司-<PID>`).
    /// Another merchant's app or Alipay certificate is refused here.
    #[error(
        "certificate {sn} is issued to `{subject}`, not to `{expected}` (the subject of the configured Alipay certificate)"
    )]
    WrongSubject {
        /// Its SN.
        sn: String,
        /// Its subject (RFC 2253).
        subject: String,
        /// The subject of the configured Alipay certificate (RFC 2253).
        expected: String,
    },
    /// The downloaded certificate text cannot be used (not base64 PEM, not X.509, not an RSA key).
    #[error("the downloaded certificate cannot be read: {reason}")]
    Unreadable {
        /// What is wrong with it.
        reason: String,
    },
    /// The certificate download answered without a certificate (e.g. `40004` `ACQ.CERT_NOT_EXIST`).
    #[error("the certificate download answered {code} {sub_code} without a certificate")]
    NoCertificate {
        /// The answer's `code`.
        code: String,
        /// The answer's `sub_code` (empty when it has none).
        sub_code: String,
    },
    /// The certificate download answer is unsigned, does not verify, is signed by an unknown
    /// certificate, or is not a success: the certificate it carries is not believed.
    #[error("the certificate download answer does not verify: {reason}")]
    UnverifiedDownload {
        /// Why.
        reason: String,
    },
    /// The download answer carried another certificate than the one asked for.
    #[error("asked for certificate {requested}, the download answer carried {sent}")]
    WrongCertificate {
        /// The SN asked for.
        requested: String,
        /// The SN of the certificate it carried.
        sent: String,
    },
    /// A notification names a certificate not known yet, and nothing fetched it.
    #[error(
        "not seen yet; `Client::receive_notification_params` fetches it and checks it chains to the root, is issued by CAs and names the configured subject"
    )]
    NotSeenYet,
    /// A notification names an unknown certificate, but its `sign` is not a well-formed signature (base64
    /// of exactly the length an RSA key of the known size signs): it cannot be Alipay's, so the
    /// certificate was not downloaded.
    #[error(
        "the notification's `sign` is not a well-formed RSA signature ({found} bytes, expected one of {expected:?}); the certificate was not downloaded"
    )]
    MalformedSign {
        /// The length the `sign` decodes to (0 when it is not base64).
        found: usize,
        /// The signature lengths of the known Alipay keys.
        expected: Vec<usize>,
    },
    /// A download of this certificate for a notification failed or was refused a short while ago; it is
    /// not tried again until the retry time has passed (see [`crate::cert::DownloadGuard`]).
    #[error("a download of this certificate failed recently; it is not tried again for {retry_in_secs} s")]
    DownloadDeferred {
        /// Seconds until a download is tried again.
        retry_in_secs: u64,
    },
    /// Notifications asked for more certificate downloads in the last minute than allowed (see
    /// [`crate::cert::DownloadGuard`]).
    #[error("notifications asked for more than {per_minute} certificate downloads in the last minute; try again later")]
    RateLimited {
        /// The limit.
        per_minute: usize,
    },
}
