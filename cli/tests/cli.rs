//! The `alipay` command, run as a user runs it.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn alipay(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_alipay")).args(args).output().expect("run alipay")
}

fn alipay_stdin(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_alipay"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    child.stdin.take().expect("stdin").write_all(stdin).expect("write");
    child.wait_with_output().expect("wait")
}

fn vectors() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/vectors")
}

fn vector(name: &str) -> Value {
    let text = std::fs::read_to_string(vectors().join(name)).expect("vector");
    serde_json::from_str(&text.lines().filter(|l| !l.starts_with('#')).collect::<Vec<_>>().join("\n")).expect("json")
}

fn temp_file(name: &str, content: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("alipay-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let path = dir.join(name);
    std::fs::write(&path, content).expect("write");
    path
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn the_demo_walks_through_every_step_and_verifies_everything() {
    let out = alipay(&["demo", "--speed", "120"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = stdout(&out);
    for needle in [
        "[1/6]",
        "[6/6]",
        "waiting for the buyer (query 1/5",
        "paid after",
        "alipay.trade.cancel at once (buyer_timeout)",
        "cancelled with action close",
        "ACQ.TRADE_NOT_EXIST",
        "fund_change N",
        "REFUND_SUCCESS",
        "TRADE_CLOSED",
        "detail rows",
        "75.80 yuan taken, service fees -0.45, net 75.35 yuan",
        "signature verified, order checked",
    ] {
        assert!(text.contains(needle), "the demo output lacks {needle:?}:\n{text}");
    }
    assert!(text.contains('█'), "the QR code is drawn");
}

#[test]
fn sign_prints_the_sign_content_and_the_vector_signature() {
    let v = vector("derived_sign_node_util_params.json");
    let key = temp_file("app.pem", v["private_key_pem"].as_str().expect("pem"));
    let mut args: Vec<String> = vec!["sign".into(), "--app-private-key".into(), key.display().to_string()];
    for (k, val) in v["params"].as_object().expect("params") {
        args.push(format!("{k}={}", val.as_str().expect("str")));
    }
    let out = alipay(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let json: Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(json["sign_content"], v["expected_sign_content"]);
    assert_eq!(json["sign"], v["expected_sign_RSA2"]);
}

#[test]
fn verify_response_exits_0_with_the_node_or_1_with_the_reason() {
    let v = vector("node_response_sign_file_upload.json");
    let key = temp_file("alipay_pub.pem", v["alipay_public_key_pem"].as_str().expect("pem"));
    let args =
        ["verify-response", "--method", "alipay.open.file.upload", "--alipay-public-key", key.to_str().expect("p")];
    let raw = v["response_raw"].as_str().expect("raw");
    let ok = alipay_stdin(&args, raw.as_bytes());
    assert!(ok.status.success());
    assert_eq!(stdout(&ok).trim(), v["signed_content"].as_str().expect("content"));
    let bad = alipay_stdin(&args, raw.replace("CAxAToWB", "CAxAToWC").as_bytes());
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&bad.stderr).contains("does not verify"),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
}

#[test]
fn verify_notify_reads_the_raw_form_body() {
    let v = vector("derived_notify_v1.json");
    let key = temp_file("notify_pub.pem", v["alipay_public_key_pem"].as_str().expect("pem"));
    let body = v["form_urlencoded_body"].as_str().expect("body");
    let out = alipay_stdin(&["verify-notify", "--alipay-public-key", key.to_str().expect("p")], body.as_bytes());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let pairs: Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(pairs["subject"], "测试 订单&1");
    let v2 = alipay_stdin(
        &["verify-notify", "--alipay-public-key", key.to_str().expect("p"), "--rule", "v2"],
        body.as_bytes(),
    );
    assert_eq!(v2.status.code(), Some(1), "the V2 rule keeps sign_type in the content: no match");
}

#[test]
fn keys_generate_prints_usable_keys_and_cert_sn_matches_the_node_sdk() {
    let out = alipay(&["keys", "generate"]);
    assert!(out.status.success());
    let keys: Value = serde_json::from_str(&stdout(&out)).expect("json");
    let private =
        alipay_core::PrivateKey::from_text(keys["app_private_key_pkcs8_base64"].as_str().expect("b64")).expect("loads");
    let public =
        alipay_core::PublicKey::from_text(keys["app_public_key_base64"].as_str().expect("b64")).expect("loads");
    assert!(private.public_key().same_key_as(&public));
    assert!(keys["app_private_key_pkcs1_pem"].as_str().expect("pem").starts_with("-----BEGIN RSA PRIVATE KEY-----"));

    let cert = vectors().join("cert_node_alipayCertPublicKey_RSA2.crt.txt");
    let out = alipay(&["cert-sn", cert.to_str().expect("p")]);
    assert_eq!(stdout(&out).trim(), "7513daaaa48aa3ba2e4018d84402479c");
    let root = vectors().join("cert_node_alipayRootCert.crt.txt");
    let out = alipay(&["root-cert-sn", root.to_str().expect("p")]);
    assert_eq!(stdout(&out).trim(), "687b59193f3f462dd5336e5abf83c5d8_02941eef3187dddf3d3b83462e1dfcf6");
    let bad = alipay(&["cert-sn", "/nonexistent.crt"]);
    assert_eq!(bad.status.code(), Some(1));
}

/// `alipay sandbox` served on loopback: the process, its description, a profile file for it, and a
/// client of it.
struct Served {
    child: tokio::process::Child,
    info: Value,
    profile: PathBuf,
    client: alipay_core::Client,
}

async fn served_sandbox(speed: &str) -> Served {
    use tokio::io::AsyncBufReadExt;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_alipay"))
        .args(["sandbox", "--port", "0", "--speed", speed])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn");
    let mut lines = tokio::io::BufReader::new(child.stdout.take().expect("stdout")).lines();
    let line = lines.next_line().await.expect("read").expect("one line");
    let info: Value = serde_json::from_str(&line).expect("the first line is JSON");
    let gateway = info["gateway"].as_str().expect("gateway").to_string();
    let key_file = temp_file("sandbox_app.pem", info["app_private_key"].as_str().expect("generated key"));
    let pub_file = temp_file("sandbox_alipay.pem", info["alipay_public_key"].as_str().expect("pem"));
    let profile = temp_file(
        "profile.json",
        &serde_json::json!({
            "app_id": info["app_id"], "gateway": gateway,
            "app_private_key_file": key_file, "alipay_public_key_file": pub_file,
        })
        .to_string(),
    );
    let client = alipay_core::Client::builder()
        .app_id(info["app_id"].as_str().expect("app id"))
        .app_private_key_text(info["app_private_key"].as_str().expect("key"))
        .expect("key")
        .alipay_public_key_text(info["alipay_public_key"].as_str().expect("key"))
        .expect("key")
        .gateway(alipay_core::Gateway::Custom(gateway))
        .build()
        .expect("client");
    Served { child, info, profile, client }
}

#[tokio::test]
async fn sandbox_prints_one_json_line_and_serves_trade_operations() {
    let Served { mut child, info, profile, client } = served_sandbox("10").await;
    let gateway = info["gateway"].as_str().expect("gateway");
    assert!(gateway.starts_with("http://127.0.0.1:") && gateway.ends_with("/gateway.do"));
    let req = alipay_core::trade::TradePayRequest::new(
        "CLI-1",
        "5.00".parse().expect("m"),
        "x",
        alipay_sandbox::buyer::PAYS_AT_ONCE,
    );
    client.trade_pay(&req).await.expect("pay through the served sandbox");

    let p = profile.to_str().expect("p");
    let run = |args: Vec<&str>| {
        let mut all = vec!["trade", "--profile", p];
        all.extend(args);
        alipay(&all)
    };
    let q = run(vec!["query", "--out-trade-no", "CLI-1"]);
    assert!(q.status.success(), "{}", String::from_utf8_lossy(&q.stderr));
    assert_eq!(serde_json::from_str::<Value>(&stdout(&q)).expect("json")["trade_status"], "TRADE_SUCCESS");
    let r = run(vec!["refund", "--out-trade-no", "CLI-1", "--amount", "1.00", "--out-request-no", "R1"]);
    assert_eq!(serde_json::from_str::<Value>(&stdout(&r)).expect("json")["fund_change"], "Y");
    let c = run(vec!["cancel", "--out-trade-no", "CLI-1"]);
    assert_eq!(serde_json::from_str::<Value>(&stdout(&c)).expect("json")["action"], "refund");
    let closed = run(vec!["close", "--out-trade-no", "CLI-1"]);
    assert_eq!(closed.status.code(), Some(1), "a paid (now refunded) trade cannot be closed");
    assert!(String::from_utf8_lossy(&closed.stderr).contains("ACQ.TRADE_STATUS_ERROR"));

    // -vv: each call on stderr with its verdict and Alipay's codes; the output on stdout unchanged.
    let logged = alipay(&["-vv", "trade", "--profile", p, "query", "--out-trade-no", "CLI-1"]);
    let log = String::from_utf8_lossy(&logged.stderr);
    assert!(log.contains("alipay.call{method=\"alipay.trade.query\"") && log.contains("verdict=\"verified\""), "{log}");
    assert_eq!(serde_json::from_str::<Value>(&stdout(&logged)).expect("json")["out_trade_no"], "CLI-1");
    let key = info["app_private_key"].as_str().expect("key");
    assert!(
        key.lines().filter(|l| l.len() > 16 && !l.starts_with("-----")).all(|l| !log.contains(l)),
        "no key in the log"
    );
    let quiet = alipay(&["trade", "--profile", p, "query", "--out-trade-no", "CLI-1"]);
    assert!(quiet.stderr.is_empty(), "without -v nothing is logged");
    child.kill().await.expect("stop the sandbox");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn journal_inspect_lists_what_a_crash_left_and_journal_recover_finishes_it() {
    use alipay_core::journal::{JournalEntry, SqliteJournal, TradeJournal as _, WorkflowKind};
    let Served { mut child, profile, client, .. } = served_sandbox("100").await;
    let journal = temp_file("journal.sqlite3", "");
    std::fs::remove_file(&journal).expect("a fresh journal");
    // What a crashed process leaves: an intent, and a payment whose buyer is still deciding.
    let pay = alipay_core::trade::TradePayRequest::new(
        "CLI-CRASH-1",
        "9.00".parse().expect("m"),
        "x",
        alipay_sandbox::buyer::NEVER_CONFIRMS,
    );
    {
        let crashed = SqliteJournal::open(&journal).expect("journal");
        let mut intent = JournalEntry::new(
            JournalEntry::trade_key("CLI-CRASH-1"),
            WorkflowKind::Pay,
            r#"{"out_trade_no":"CLI-CRASH-1","total_amount":"9.00"}"#.into(),
            std::time::SystemTime::now(),
        );
        intent.out_trade_no = Some("CLI-CRASH-1".into());
        crashed.begin(intent).await.expect("intent");
        assert!(client.trade_pay(&pay).await.expect("pay").is_waiting_for_buyer());
    }
    let j = journal.to_str().expect("path");
    let inspect = alipay(&["journal", "inspect", "--journal", j]);
    assert!(inspect.status.success(), "{}", String::from_utf8_lossy(&inspect.stderr));
    let listed: Value = serde_json::from_str(&stdout(&inspect)).expect("json");
    assert_eq!(listed[0]["key"], "trade:CLI-CRASH-1", "{listed}");
    assert_eq!(listed[0]["state"], "open");
    assert!(listed[0].get("biz_content").is_none(), "no request body is printed");

    let p = profile.to_str().expect("p");
    let recover = alipay(&["journal", "recover", "--journal", j, "--profile", p]);
    assert!(recover.status.success(), "{}", String::from_utf8_lossy(&recover.stderr));
    let report: Value = serde_json::from_str(&stdout(&recover)).expect("json");
    assert_eq!(report["recovered"][0]["key"], "trade:CLI-CRASH-1", "{report}");
    assert_eq!(report["recovered"][0]["outcome"]["status"], "not_paid", "{report}");
    assert_eq!(report["still_unfinished"], 0);
    let after = alipay(&["journal", "inspect", "--journal", j]);
    assert_eq!(serde_json::from_str::<Value>(&stdout(&after)).expect("json"), serde_json::json!([]));

    let missing = alipay(&["journal", "inspect"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("--journal"));
    child.kill().await.expect("stop the sandbox");
}

#[test]
fn qr_draws_in_the_terminal_and_writes_svg_and_png() {
    let text = "https://qr.alipay.com/bax08431ptpwnzudonnb00f5";
    let drawn = alipay(&["qr", text]);
    assert!(drawn.status.success(), "{}", String::from_utf8_lossy(&drawn.stderr));
    assert!(stdout(&drawn).contains('█'), "half blocks: {}", stdout(&drawn));
    let svg = temp_file("qr.svg", "");
    let png = temp_file("qr.png", "");
    let (svg_path, png_path) = (svg.to_str().expect("p"), png.to_str().expect("p"));
    let written = alipay(&["qr", text, "--svg", svg_path, "--png", png_path, "--size", "300"]);
    assert!(written.status.success(), "{}", String::from_utf8_lossy(&written.stderr));
    assert!(stdout(&written).is_empty(), "files only, unless --terminal");
    assert!(std::fs::read_to_string(&svg).expect("svg").contains("<svg"));
    assert_eq!(&std::fs::read(&png).expect("png")[..4], b"\x89PNG");
    let too_small = alipay(&["qr", text, "--png", png_path, "--size", "10"]);
    assert_eq!(too_small.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&too_small.stderr).contains("size"));
}

#[tokio::test]
async fn a_profile_in_certificate_mode_with_aes_over_v3_follows_a_rotation() {
    use alipay_core::transport::{HttpMethod, HttpRequest, ReqwestTransport, Transport, TransportSettings};
    use tokio::io::AsyncBufReadExt;
    let key = "aYA0GP8JEW+D7/UFaskCWA==";
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_alipay"))
        .args(["sandbox", "--port", "0", "--certificates", "--encrypt-key", key])
        .stdout(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("spawn");
    let mut lines = tokio::io::BufReader::new(child.stdout.take().expect("stdout")).lines();
    let info: Value = serde_json::from_str(&lines.next_line().await.expect("read").expect("line")).expect("JSON");
    let gateway = info["gateway"].as_str().expect("gateway");
    assert_eq!(info["v3_endpoint"].as_str().map(|e| format!("{e}/gateway.do")).as_deref(), Some(gateway));
    assert_eq!(info["encrypt_key"], key);
    let certs = &info["certificates"];
    let file = |name: &str, v: &Value| temp_file(name, v.as_str().expect("pem")).to_str().expect("p").to_string();
    let profile = temp_file(
        "cert-profile.json",
        &serde_json::json!({
            "app_id": info["app_id"], "gateway": gateway, "protocol": "v3", "encrypt_key": key,
            "app_private_key_file": file("cert_app.pem", &info["app_private_key"]),
            "app_cert_file": file("app_cert.crt", &certs["app_cert"]),
            "alipay_cert_file": file("alipay_cert.crt", &certs["alipay_cert"]),
            "alipay_root_cert_file": file("root_cert.crt", &certs["root_cert"]),
        })
        .to_string(),
    );
    let p = profile.to_str().expect("p");
    let query = || alipay(&["trade", "--profile", p, "query", "--out-trade-no", "NOBODY"]);
    let before = query();
    assert_eq!(before.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&before.stderr).contains("ACQ.TRADE_NOT_EXIST"), "a verified v3 refusal");

    let http = ReqwestTransport::new(&TransportSettings::default()).expect("http");
    let rotate = |rogue: bool| HttpRequest {
        method: HttpMethod::Post,
        url: format!("{}/sandbox/certs/rotate", info["v3_endpoint"].as_str().expect("endpoint")),
        headers: vec![("content-type".into(), "application/x-www-form-urlencoded".into())],
        body: format!("rogue={rogue}").into_bytes(),
        max_body_bytes: None,
    };
    let rotated = http.send(rotate(false)).await.expect("rotate");
    assert_eq!(rotated.status, 200);
    let after = query();
    assert!(String::from_utf8_lossy(&after.stderr).contains("ACQ.TRADE_NOT_EXIST"), "the new certificate is admitted");
    http.send(rotate(true)).await.expect("rotate to a rogue");
    let rogue = query();
    let err = String::from_utf8_lossy(&rogue.stderr).to_string();
    assert!(err.contains("is not trusted") && err.contains("does not chain"), "{err}");
    child.kill().await.expect("stop the sandbox");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconcile_prints_the_report_writes_the_csv_and_exits_2_when_something_does_not_match() {
    use alipay_core::journal::SqliteJournal;
    use alipay_core::transport::{HttpMethod, HttpRequest, ReqwestTransport, Transport, TransportSettings};
    let Served { mut child, info, profile, client } = served_sandbox("1").await;
    let journal = temp_file("reconcile.sqlite3", "");
    std::fs::remove_file(&journal).expect("a fresh journal");
    let day = alipay_core::clock::format_shanghai(std::time::SystemTime::now())[..10].to_string();
    {
        let workflows = alipay_core::workflow::Workflows::new(
            client.clone(),
            std::sync::Arc::new(SqliteJournal::open(&journal).expect("journal")),
        );
        let buyer = alipay_sandbox::buyer::PAYS_AT_ONCE;
        let journaled = alipay_core::trade::TradePayRequest::new("CLI-REC-1", "12.00".parse().expect("m"), "x", buyer);
        assert!(workflows.pay_and_wait(journaled).await.expect("pay").is_paid());
        let outside = alipay_core::trade::TradePayRequest::new("CLI-REC-2", "3.00".parse().expect("m"), "y", buyer);
        client.trade_pay(&outside).await.expect("pay outside the workflows");
    }
    let control = info["gateway"].as_str().expect("gateway").replace("/gateway.do", "/sandbox/time/advance");
    let transport = ReqwestTransport::new(&TransportSettings::default()).expect("transport");
    let advance = HttpRequest {
        method: HttpMethod::Post,
        url: control,
        headers: vec![("content-type".into(), "application/x-www-form-urlencoded".into())],
        body: b"seconds=86400".to_vec(),
        max_body_bytes: None,
    };
    assert_eq!(transport.send(advance).await.expect("a day later").status, 200);

    let (j, p) = (journal.to_str().expect("j"), profile.to_str().expect("p"));
    let csv = temp_file("reconcile.csv", "");
    let out = alipay(&["reconcile", "--date", &day, "--journal", j, "--profile", p, "--csv", csv.to_str().expect("c")]);
    assert_eq!(out.status.code(), Some(2), "a mismatch: {}", String::from_utf8_lossy(&out.stderr));
    let report: Value = serde_json::from_str(&stdout(&out)).expect("json");
    let found: Vec<(&str, &str)> = report["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|i| (i["finding"].as_str().expect("f"), i["out_trade_no"].as_str().expect("o")))
        .collect();
    assert_eq!(found, [("matched", "CLI-REC-1"), ("in_bill_only", "CLI-REC-2")], "{report}");
    assert_eq!(report["totals"]["payment_amount"], "15.00");
    assert_eq!(report["totals"]["service_fee"], "-0.09", "0.07 + 0.02");
    let written = std::fs::read_to_string(&csv).expect("csv");
    assert_eq!(written.lines().count(), 3, "a header and two items: {written}");

    let orders = temp_file(
        "orders.json",
        r#"[{"out_trade_no":"CLI-REC-1","amount":"12.00","status":"paid"},
            {"out_trade_no":"CLI-REC-2","amount":"3.00","status":"paid"}]"#,
    );
    let o = orders.to_str().expect("o");
    let clean = alipay(&["reconcile", "--date", &day, "--journal", j, "--profile", p, "--orders", o]);
    assert!(clean.status.success(), "everything matches: {}", stdout(&clean));

    let bad = temp_file("orders.csv", "out_trade_no,amount,status\nCLI-REC-1,12.001,paid\n");
    let refused =
        alipay(&["reconcile", "--date", &day, "--journal", j, "--profile", p, "--orders", bad.to_str().expect("b")]);
    assert_eq!(refused.status.code(), Some(1));
    let message = String::from_utf8_lossy(&refused.stderr);
    assert!(message.contains("orders.csv") && message.contains("row 2, `amount`"), "{message}");
    child.kill().await.expect("stop the sandbox");
}

#[tokio::test]
async fn the_readmes_signature_failure_steps_show_both_sign_contents() {
    let Served { mut child, info, .. } = served_sandbox("1").await;
    // A profile whose private key is not the app's: what "sign check fail" is, nine times in ten.
    let stranger = alipay_core::keys::generate_rsa2048().expect("key").private_pkcs8_pem;
    let profile = temp_file(
        "stranger-profile.json",
        &serde_json::json!({
            "app_id": info["app_id"], "gateway": info["gateway"],
            "app_private_key_file": temp_file("stranger.pem", &stranger),
            "alipay_public_key_file": temp_file("sandbox_alipay2.pem", info["alipay_public_key"].as_str().expect("pem")),
        })
        .to_string(),
    );
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).expect("README");
    let section = readme.split("## Debugging a signature failure").nth(1).expect("the section");
    let command = section.lines().find(|l| l.starts_with("alipay -vv ")).expect("the command");
    let args: Vec<String> = command
        .split(" 2>&1")
        .next()
        .expect("args")
        .split_whitespace()
        .skip(1)
        .map(|a| if a == "profile.json" { profile.to_str().expect("p").to_string() } else { a.to_string() })
        .collect();
    let out = alipay(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(1));
    let log = String::from_utf8_lossy(&out.stderr);
    let line = log.lines().find(|l| l.contains("isv.invalid-signature") && l.contains(" signed=")).expect("diagnosis");
    let (_, fields) = line.split_once(" signed=").expect("signed");
    let (signed, verified) = fields.split_once(" gateway_verified=").expect("gateway_verified");
    assert_eq!(signed, verified, "the README's first case: the same text, so the keys differ");
    assert!(signed.contains("method=alipay.trade.query"), "{signed}");
    child.kill().await.expect("stop the sandbox");
}
