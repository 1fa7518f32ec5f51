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

mod settings {
    //! `ClientSettings`: the one reader of client settings every binding and the CLI share.

    use std::sync::Arc;
    use std::time::Duration;

    use alipay_core::client::ClientSettings;
    use alipay_core::error::{ConfigError, Error};
    use serde_json::json;

    use crate::support::{NoNetwork, fixture, repo_root};

    fn settings(value: serde_json::Value) -> ClientSettings {
        serde_json::from_value(value).expect("settings deserialize")
    }

    fn keys() -> serde_json::Value {
        json!({
            "app_id": "2021000122671080",
            "app_private_key": fixture("app_pkcs8.pem"),
            "alipay_public_key": fixture("alipay_public_spki.pem"),
            "gateway": "http://127.0.0.1:9/gateway.do",
        })
    }

    fn with(extra: serde_json::Value) -> ClientSettings {
        let mut all = keys();
        all.as_object_mut().expect("object").extend(extra.as_object().expect("object").clone());
        settings(all)
    }

    fn refused(s: &ClientSettings) -> (&'static str, String) {
        match s.build().expect_err("must be refused") {
            Error::Config(ConfigError::Invalid { name, reason }) => (name, reason),
            other => panic!("expected an invalid setting, got {other}"),
        }
    }

    #[test]
    fn inline_keys_or_key_files_build_the_same_client() {
        let inline = keys();
        let files = json!({
            "app_id": "2021000122671080",
            "app_private_key_file": repo_root().join("core/tests/fixtures/app_pkcs8.pem"),
            "alipay_public_key_file": repo_root().join("core/tests/fixtures/alipay_public_spki.pem"),
            "gateway": "http://127.0.0.1:9/gateway.do",
            "timeout": 2.5,
        });
        let build = |s: ClientSettings| s.builder().expect("settings").transport(Arc::new(NoNetwork)).build();
        let (a, b) = (build(settings(inline)).expect("inline"), build(settings(files)).expect("files"));
        assert_eq!(a.config().app_id, b.config().app_id);
        assert!(a.config().alipay_public_key.same_key_as(&b.config().alipay_public_key));
    }

    #[test]
    fn an_incomplete_certificate_mode_is_one_error_naming_what_is_missing() {
        let app_cert = fixture("../../../tests/vectors/cert_node_appCertPublicKey_2021001161683774.crt.txt");
        let (name, reason) = refused(&with(json!({ "app_cert": app_cert })));
        assert_eq!(name, "app_cert");
        assert_eq!(
            reason,
            "certificate mode needs all three of app_cert, alipay_cert and alipay_root_cert (each inline or \
             as a file); alipay_cert and alipay_root_cert missing"
        );
        let (_, reason) = refused(&with(json!({ "alipay_root_cert_file": "/nonexistent" })));
        assert!(reason.starts_with("cannot read /nonexistent"), "{reason}");
    }

    #[test]
    fn a_key_given_both_inline_and_as_a_file_is_refused() {
        let (name, reason) = refused(&with(json!({ "app_private_key_file": "app.pem" })));
        assert_eq!(
            (name, reason.as_str()),
            ("app_private_key", "give app_private_key or app_private_key_file, not both")
        );
    }

    #[test]
    fn timeouts_are_seconds_above_zero_and_unknown_settings_are_refused() {
        assert_eq!(with(json!({ "timeout": 0.25 })).timeout, Some(Duration::from_millis(250)));
        assert_eq!(refused(&with(json!({ "connect_timeout": 0 }))).0, "connect_timeout");
        let negative = serde_json::from_value::<ClientSettings>(json!({ "app_id": "a", "timeout": -1 }));
        assert!(negative.expect_err("negative").to_string().contains("not a number of seconds"));
        let typo = serde_json::from_value::<ClientSettings>(json!({ "app_id": "a", "app_privat_key": "x" }));
        assert!(typo.expect_err("typo").to_string().contains("unknown field `app_privat_key`"));
    }

    #[test]
    fn a_missing_private_key_is_named() {
        let mut s = with(json!({}));
        s.app_private_key = None;
        assert!(matches!(s.build(), Err(Error::Config(ConfigError::Missing("app_private_key")))));
    }
}
