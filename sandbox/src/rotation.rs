//! What Alipay's certificate rotates to ([`Sandbox::rotate_alipay_cert_to`]): the genuine rotation, and
//! the hostile ones a client must refuse — what an attacker holding some other certificate's key, or
//! able to tamper with the certificate download, would try.
//!
//! [`Sandbox::rotate_alipay_cert_to`]: crate::Sandbox::rotate_alipay_cert_to

use std::fmt;
use std::str::FromStr;

/// A rotation of the sandbox's Alipay certificate. After it, certificate-mode answers and notifications
/// are signed with the new certificate's key and name its SN; `alipay.open.app.alipaycert.download`
/// serves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Rotation {
    /// A new Alipay certificate for this merchant from the Class 2 CA: clients follow it.
    #[default]
    Genuine,
    /// This merchant's subject, but from a CA outside the root file.
    Rogue,
    /// Another merchant's app certificate (`CN=<other PID>-<other app id>`, not a CA), which chains to
    /// the root.
    OtherMerchantApp,
    /// Another merchant's Alipay certificate (`CN=支付宝(中国)网络技术有限公司-<other PID>`), which chains to
    /// the root.
    OtherMerchantAlipay,
    /// This merchant's Alipay subject, issued by another merchant's app certificate (a leaf, not a CA).
    IssuedByLeaf,
    /// A genuine new certificate, but the download answer is an unsigned `40004` error node that
    /// carries the certificate anyway.
    UnsignedErrorDownload,
    /// A genuine new certificate, but the download answer is a success node without `sign`.
    UnsignedDownload,
}

impl Rotation {
    /// Every rotation.
    pub const ALL: [Rotation; 7] = [
        Rotation::Genuine,
        Rotation::Rogue,
        Rotation::OtherMerchantApp,
        Rotation::OtherMerchantAlipay,
        Rotation::IssuedByLeaf,
        Rotation::UnsignedErrorDownload,
        Rotation::UnsignedDownload,
    ];

    /// Its name in `POST /sandbox/certs/rotate` (`variant=`): `genuine`, `rogue`, `other_merchant_app`,
    /// `other_merchant_alipay`, `issued_by_leaf`, `unsigned_error_download`, `unsigned_download`.
    pub fn as_str(self) -> &'static str {
        match self {
            Rotation::Genuine => "genuine",
            Rotation::Rogue => "rogue",
            Rotation::OtherMerchantApp => "other_merchant_app",
            Rotation::OtherMerchantAlipay => "other_merchant_alipay",
            Rotation::IssuedByLeaf => "issued_by_leaf",
            Rotation::UnsignedErrorDownload => "unsigned_error_download",
            Rotation::UnsignedDownload => "unsigned_download",
        }
    }
}

impl fmt::Display for Rotation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not a [`Rotation`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown rotation {0:?}; use one of genuine, rogue, other_merchant_app, other_merchant_alipay, issued_by_leaf, unsigned_error_download, unsigned_download"
)]
pub struct UnknownRotation(pub String);

impl FromStr for Rotation {
    type Err = UnknownRotation;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Rotation::ALL.into_iter().find(|r| r.as_str() == s.trim()).ok_or_else(|| UnknownRotation(s.to_string()))
    }
}
