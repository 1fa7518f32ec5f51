//! Building a client: every configuration mistake is named, and nothing secret is printed.

use std::sync::Arc;

use alipay_core::error::{ConfigError, Error};
use alipay_core::keys::{KeyProblem, KeyRole};
use alipay_core::{Client, Gateway, PrivateKey, PublicKey, SignType};

use crate::support::{NoNetwork, fixture, offline_builder};

fn config_error(result: Result<Client, Error>) -> ConfigError {
    match result.expect_err("must be refused") {
        Error::Config(c) => c,
        other => panic!("expected a configuration error, got {other}"),
    }
}

#[test]
fn the_app_public_key_configured_as_the_alipay_key_is_named() {
    let own_public = PublicKey::from_text(&fixture("app_public_spki.pem")).expect("key");
    let err = config_error(offline_builder().alipay_public_key(own_public).build());
    assert!(matches!(err, ConfigError::AppPublicKeyAsAlipayPublicKey));
    assert!(err.to_string().contains("支付宝公钥"), "{err}");
}

#[test]
fn a_public_key_given_as_the_app_private_key_is_named() {
    let err =
        Client::builder().app_private_key_text(&fixture("alipay_public_spki.pem")).expect_err("public as private");
    let Error::Config(ConfigError::Key(k)) = &err else { panic!("{err}") };
    assert_eq!((k.role, &k.problem), (KeyRole::AppPrivateKey, &KeyProblem::PublicWherePrivateExpected));
    assert!(err.to_string().starts_with("configuration error: the app private key is a public key"), "{err}");
    let err = Client::builder().alipay_public_key_text(&fixture("app_pkcs8.pem")).expect_err("private as public");
    assert!(err.to_string().contains("the Alipay public key is a private key"), "{err}");
}

#[test]
fn a_1024_bit_key_is_refused_for_rsa2() {
    let short = PrivateKey::from_text(&fixture("rsa1024_pkcs1.pem")).expect("loads");
    let err = config_error(offline_builder().app_private_key(short.clone()).build());
    let ConfigError::Key(k) = err else { panic!("expected a key error") };
    assert_eq!(k.role, KeyRole::AppPrivateKey);
    assert!(matches!(k.problem, KeyProblem::TooShort { bits: 1024, .. }));
    // A legacy RSA app may still use it.
    offline_builder().app_private_key(short).sign_type(SignType::Rsa).build().expect("legacy RSA allows 1024 bits");
}

#[test]
fn missing_and_malformed_settings_are_named() {
    let app = PrivateKey::from_text(&fixture("app_pkcs1.pem")).expect("key");
    let base = || Client::builder().transport(Arc::new(NoNetwork));
    assert!(matches!(config_error(base().build()), ConfigError::Missing("app_id")));
    assert!(matches!(config_error(base().app_id("1").build()), ConfigError::Missing("app_private_key")));
    assert!(matches!(
        config_error(base().app_id("1").app_private_key(app.clone()).build()),
        ConfigError::Missing("alipay_public_key")
    ));
    assert!(matches!(
        config_error(offline_builder().app_id("2021 000").build()),
        ConfigError::Invalid { name: "app_id", .. }
    ));
    assert!(matches!(
        config_error(offline_builder().gateway(Gateway::Custom("openapi.alipay.com/gateway.do".into())).build()),
        ConfigError::Invalid { name: "gateway", .. }
    ));
}

#[cfg(feature = "reqwest")]
#[test]
fn a_malformed_proxy_is_named() {
    let builder = Client::builder()
        .app_id("2021000122671080")
        .app_private_key_text(&fixture("app_pkcs1.pem"))
        .expect("key")
        .alipay_public_key_text(&fixture("alipay_public_spki.pem"))
        .expect("key")
        .proxy("not a url at all");
    assert!(matches!(config_error(builder.build()), ConfigError::Invalid { name: "proxy", .. }));
}

#[test]
fn clients_are_send_sync_and_cheap_to_clone_and_debug_prints_no_secrets() {
    fn assert_send_sync<T: Send + Sync + Clone + 'static>() {}
    assert_send_sync::<Client>();
    let client = offline_builder().build().expect("client");
    let debug = format!("{client:?} {:?}", client.config());
    let pem = fixture("app_pkcs1.pem");
    let secret_piece = &pem.lines().nth(1).expect("body")[200..240];
    assert!(!debug.contains(secret_piece), "{debug}");
    assert!(debug.contains("2021000122671080"));
}

#[test]
fn certificate_files_are_read_and_a_missing_one_is_named() {
    let vectors = crate::support::repo_root().join("tests/vectors");
    let app = vectors.join("cert_node_appCertPublicKey_2021001161683774.crt.txt");
    let alipay = vectors.join("cert_node_alipayCertPublicKey_RSA2.crt.txt");
    let root = vectors.join("cert_node_alipayRootCert.crt.txt");
    // The vector app certificate holds another app's key: the files load, the build names the mismatch.
    let builder = offline_builder().certificate_files(&app, &alipay, &root).expect("the files load");
    assert!(matches!(config_error(builder.build()), ConfigError::Invalid { name: "app_cert", .. }));
    let missing = vectors.join("no-such.crt");
    let err = offline_builder().certificate_files(&app, &missing, &root).expect_err("missing file");
    match err {
        Error::Config(ConfigError::Invalid { name: "alipay_cert", reason }) => {
            assert!(reason.contains("no-such.crt"), "{reason}");
        }
        other => panic!("{other}"),
    }
}

#[test]
fn a_secret_pasted_into_the_wrong_setting_is_never_echoed() {
    let key = fixture("app_pkcs1.pem");
    let err = key.parse::<Gateway>().expect_err("a key is no gateway");
    let text = err.to_string();
    assert!(!text.contains("PRIVATE") && !text.contains(&key[40..80]), "{text}");
    assert!(text.contains("gateway") && text.contains("characters, not shown"), "{text}");
    let builder = offline_builder().gateway(Gateway::Custom(format!("https://x/{key}")));
    let err = config_error(builder.build()).to_string();
    assert!(!err.contains(&key[40..80]), "{err}");
    #[cfg(feature = "reqwest")]
    {
        let proxy = Client::builder()
            .app_id("2021000122671080")
            .app_private_key_text(&key)
            .expect("key")
            .alipay_public_key_text(&fixture("alipay_public_spki.pem"))
            .expect("key")
            .proxy("user:pa ss-secret@ proxy without a scheme");
        let err = config_error(proxy.build()).to_string();
        assert!(!err.contains("pa ss-secret"), "{err}");
    }
}
