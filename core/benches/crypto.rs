//! Sign and verify speed of each compiled-in crypto backend, on a typical `alipay.trade.pay` sign content.
//!
//! `cargo bench -p alipay-core --all-features --bench crypto`; compare with `openssl speed rsa2048`
//! (`scripts/bench-crypto` runs both).

use std::hint::black_box;

use alipay_core::{Backend, PrivateKey, SignType};
use criterion::{Criterion, criterion_group, criterion_main};

const APP_KEY: &str = include_str!("../tests/fixtures/app_pkcs1.pem");
const CONTENT: &str = "alipay_sdk=alipay-core&app_id=2014072300007148&biz_content={\"out_trade_no\":\"20150320010101001\",\
\"scene\":\"bar_code\",\"auth_code\":\"28763443825664394\",\"subject\":\"Iphone6 16G\",\"total_amount\":\"88.88\"}\
&charset=utf-8&format=JSON&method=alipay.trade.pay&notify_url=https://example.com/notify&sign_type=RSA2\
&timestamp=2014-07-24 03:07:50&version=1.0";

fn crypto(c: &mut Criterion) {
    for &backend in Backend::available() {
        let key = PrivateKey::from_text_with_backend(APP_KEY, backend).expect("fixture key");
        let public = key.public_key().clone();
        let sign = key.sign(CONTENT.as_bytes(), SignType::Rsa2).expect("sign");
        c.bench_function(&format!("{backend:?}/sign_rsa2"), |b| {
            b.iter(|| key.sign(black_box(CONTENT.as_bytes()), SignType::Rsa2).expect("sign"))
        });
        c.bench_function(&format!("{backend:?}/verify_rsa2"), |b| {
            b.iter(|| public.verify(black_box(CONTENT.as_bytes()), &sign, SignType::Rsa2, "bench").expect("verify"))
        });
    }
}

criterion_group!(benches, crypto);
criterion_main!(benches);
