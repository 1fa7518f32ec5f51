//! The checked-in JSON Schema documents (`models/*.schema.json`), from which every binding's types are
//! generated, are exactly what the core's types say today. `make generate` rewrites them (it runs this
//! test with `ALIPAY_WRITE_GENERATED=1`), then regenerates each language from them.

use crate::support::repo_root;

fn check(file: &str, generated: serde_json::Value) {
    let path = repo_root().join("models").join(file);
    let text = serde_json::to_string_pretty(&generated).expect("a schema serializes") + "\n";
    if std::env::var_os("ALIPAY_WRITE_GENERATED").is_some() {
        std::fs::write(&path, &text).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
        return;
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        checked_in == text,
        "{} is stale: a core model changed. Run `make generate` and commit what it writes.",
        path.display()
    );
}

#[test]
fn the_answers_schema_is_current() {
    check("answers.schema.json", alipay_core::schema::answers());
}

#[test]
fn the_requests_schema_is_current() {
    check("requests.schema.json", alipay_core::schema::requests());
}
