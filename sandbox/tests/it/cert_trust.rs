//! The sandbox's certificate rotations: the rotate endpoint takes the hostile variants by name.

use alipay_core::transport::{HttpMethod, HttpRequest};
use alipay_sandbox::{Reply, Rotation, Sandbox, SandboxConfig};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rotate_endpoint_takes_a_variant() {
    let sandbox = Sandbox::start(SandboxConfig::default()).expect("sandbox");
    let rotate = |body: &str| {
        let request = HttpRequest {
            method: HttpMethod::Post,
            url: format!("{}/sandbox/certs/rotate", sandbox.base_url()),
            headers: vec![("content-type".into(), "application/x-www-form-urlencoded".into())],
            body: body.as_bytes().to_vec(),
        };
        let sandbox = sandbox.clone();
        async move {
            match sandbox.handle(request).await {
                Reply::Http(r) => (r.status, serde_json::from_slice::<serde_json::Value>(&r.body).expect("json")),
                Reply::Drop => panic!("dropped"),
            }
        }
    };
    for rotation in Rotation::ALL {
        let (status, json) = rotate(&format!("variant={rotation}")).await;
        assert_eq!(status, 200, "{json}");
        assert_eq!(json["variant"], rotation.as_str());
        assert_eq!(json["alipay_cert_sn"], sandbox.current_alipay_cert_sn().expect("sn"));
    }
    assert_eq!(rotate("rogue=true").await.1["variant"], "rogue");
    assert_eq!(rotate("").await.1["variant"], "genuine");
    let (status, json) = rotate("variant=nonsense").await;
    assert_eq!(status, 400);
    assert!(json["error"].as_str().expect("error").contains("issued_by_leaf"), "{json}");
}
