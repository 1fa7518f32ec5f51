//! Asynchronous notifications: a signed form POST (the V1 rule) to the trade's `notify_url` for every
//! state change and every refund, retried on Alipay's back-off schedule (4m, 10m, 10m, 1h, 2h, 6h, 15h,
//! in virtual time) until the receiver answers exactly `success`. The sandbox queues a [`Delivery`] for
//! every state change, and its background task sends the ones that are due.

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

use alipay_core::clock::format_shanghai;
use alipay_core::sign::sign_content_excluding;
use alipay_core::transport::{HttpMethod, HttpRequest, Transport};
use alipay_core::{Charset, PrivateKey, SignType};
use serde::Serialize;

use crate::gateway::trade_api::{BUYER_LOGON_ID, BUYER_USER_ID};
use crate::sandbox::Sandbox;
use crate::trades::Event;

/// The waits between delivery attempts after the first.
pub const RETRY_SCHEDULE: [Duration; 7] = [
    Duration::from_secs(4 * 60),
    Duration::from_secs(10 * 60),
    Duration::from_secs(10 * 60),
    Duration::from_secs(3600),
    Duration::from_secs(2 * 3600),
    Duration::from_secs(6 * 3600),
    Duration::from_secs(15 * 3600),
];

/// One delivery attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attempt {
    /// When (virtual time, `yyyy-MM-dd HH:mm:ss` Shanghai).
    pub at: String,
    /// What the receiver answered: `HTTP 200: success`, or the transport failure.
    pub outcome: String,
}

/// A notification and its delivery history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Delivery {
    /// The `notify_id`.
    pub notify_id: String,
    /// Where it goes.
    pub notify_url: String,
    /// The trade.
    pub out_trade_no: String,
    /// The `trade_status` it reports.
    pub trade_status: String,
    /// Every field sent, `sign` included.
    pub params: BTreeMap<String, String>,
    /// The attempts so far.
    pub attempts: Vec<Attempt>,
    /// `true` once the receiver answered `success`.
    pub acknowledged: bool,
    /// `true` when every retry is spent without `success`.
    pub abandoned: bool,
    #[serde(skip)]
    pub(crate) next_at: Option<SystemTime>,
    #[serde(skip)]
    pub(crate) in_flight: bool,
}

/// The signed fields of the notification for `event`.
pub fn notification_params(
    event: &Event,
    notify_id: &str,
    app_id: &str,
    seller_id: &str,
    now: SystemTime,
    key: &PrivateKey,
    cert_sn: Option<&str>,
) -> BTreeMap<String, String> {
    let t = &event.trade;
    let mut p = BTreeMap::new();
    let mut put = |k: &str, v: String| {
        p.insert(k.to_string(), v);
    };
    put("notify_time", format_shanghai(now));
    put("notify_type", "trade_status_sync".into());
    put("notify_id", notify_id.into());
    put("app_id", app_id.into());
    put("auth_app_id", app_id.into());
    // In the charset of the request that created the trade, as Alipay notifies.
    put("charset", t.charset.as_str().into());
    put("version", "1.0".into());
    put("sign_type", "RSA2".into());
    put("trade_no", t.trade_no.clone());
    put("out_trade_no", t.out_trade_no.clone());
    put("buyer_id", BUYER_USER_ID.into());
    put("buyer_logon_id", BUYER_LOGON_ID.into());
    put("seller_id", seller_id.into());
    put("trade_status", t.status.as_str().into());
    put("total_amount", t.total_amount.to_string());
    put("subject", t.subject.clone());
    put("gmt_create", format_shanghai(t.created_at));
    if let Some(paid) = t.paid_at {
        let amount = t.total_amount.to_string();
        put("receipt_amount", amount.clone());
        put("invoice_amount", amount.clone());
        put("buyer_pay_amount", amount.clone());
        put("point_amount", "0.00".into());
        put("gmt_payment", format_shanghai(paid));
        put("fund_bill_list", format!(r#"[{{"amount":"{amount}","fundChannel":"ALIPAYACCOUNT"}}]"#));
    }
    if let Some(closed) = t.closed_at {
        put("gmt_close", format_shanghai(closed));
    }
    if let Some(refund) = &event.refund {
        put("out_biz_no", refund.out_request_no.clone());
        put("refund_fee", alipay_core::Amount::from_fen(t.refunded()).to_string());
        put("send_back_fee", refund.amount.to_string());
        put("gmt_refund", format!("{}.00", format_shanghai(refund.at)));
    }
    if let Some(passback) = &t.passback_params {
        put("passback_params", passback.clone());
    }
    // Certificate mode: which certificate signed — signed like every other field, as the official SDKs'
    // rsaCertCheckV1 expects (it leaves out only `sign` and `sign_type`).
    if let Some(sn) = cert_sn {
        p.insert(alipay_core::notify::ALIPAY_CERT_SN.into(), sn.to_string());
    }
    let content = sign_content_excluding(p.iter().map(|(k, v)| (k.as_str(), v.as_str())), &["sign", "sign_type"]);
    let bytes = t.charset.encode(&content).unwrap_or_else(|_| content.as_bytes().to_vec().into());
    let sign = key.sign(&bytes, SignType::Rsa2).expect("the sandbox key signs");
    p.insert("sign".into(), sign);
    p
}

/// The form body of a notification, form-encoded in the charset it declares (GBK or UTF-8).
pub fn form_body(params: &BTreeMap<String, String>) -> Vec<u8> {
    let mut form = form_urlencoded::Serializer::new(String::new());
    if params.get("charset").and_then(|c| c.parse::<Charset>().ok()) == Some(Charset::Gbk) {
        form.encoding_override(Some(&crate::gbk::encode));
    }
    form.extend_pairs(params).finish().into_bytes()
}

impl Delivery {
    /// Records an attempt's outcome and schedules the next one.
    pub(crate) fn record(&mut self, at: SystemTime, acknowledged: bool, outcome: String) {
        self.in_flight = false;
        self.attempts.push(Attempt { at: format_shanghai(at), outcome });
        if acknowledged {
            self.acknowledged = true;
            self.next_at = None;
            return;
        }
        match RETRY_SCHEDULE.get(self.attempts.len() - 1) {
            Some(wait) => self.next_at = Some(at + *wait),
            None => {
                self.abandoned = true;
                self.next_at = None;
            }
        }
    }
}

impl Sandbox {
    /// Turns state changes into notifications for trades that have a `notify_url`.
    pub(crate) fn enqueue(&self, events: Vec<Event>) {
        if events.is_empty() {
            return;
        }
        let now = self.now();
        let cert_signer = if events.iter().any(|e| e.trade.cert_mode) { self.current_cert_signer() } else { None };
        let mut state = self.state();
        for event in events {
            let Some(url) = event.trade.notify_url.clone() else { continue };
            let (key, cert_sn) = match (&cert_signer, event.trade.cert_mode) {
                (Some((key, sn)), true) => (key, Some(sn.as_str())),
                _ => (&self.inner.alipay_key, None),
            };
            state.notify_seq += 1;
            let notify_id =
                format!("{}0022{:010}", format_shanghai(now).replace(['-', ' ', ':'], ""), state.notify_seq);
            let params =
                notification_params(&event, &notify_id, &self.inner.app_id, self.seller_id(), now, key, cert_sn);
            state.deliveries.push(Delivery {
                notify_id,
                notify_url: url,
                out_trade_no: event.trade.out_trade_no.clone(),
                trade_status: event.trade.status.to_string(),
                params,
                attempts: Vec::new(),
                acknowledged: false,
                abandoned: false,
                next_at: Some(now),
                in_flight: false,
            });
        }
    }

    /// Sends due notifications.
    pub(crate) fn deliver_due(&self) {
        let now = self.now();
        let due: Vec<(usize, String, Vec<u8>)> = {
            let mut state = self.state();
            state
                .deliveries
                .iter_mut()
                .enumerate()
                .filter(|(_, d)| !d.in_flight && d.next_at.is_some_and(|at| at <= now))
                .map(|(i, d)| {
                    d.in_flight = true;
                    (i, d.notify_url.clone(), form_body(&d.params))
                })
                .collect()
        };
        for (index, url, body) in due {
            let sandbox = self.clone();
            tokio::spawn(async move {
                let request = HttpRequest {
                    method: HttpMethod::Post,
                    url,
                    headers: vec![("content-type".into(), "application/x-www-form-urlencoded; charset=utf-8".into())],
                    body,
                    max_body_bytes: None,
                };
                let (acknowledged, outcome) = match sandbox.inner.http.send(request).await {
                    Ok(r) => {
                        let text = String::from_utf8_lossy(&r.body).trim().to_string();
                        (
                            (200..300).contains(&r.status) && text == "success",
                            format!("HTTP {}: {}", r.status, text.chars().take(64).collect::<String>()),
                        )
                    }
                    Err(e) => (false, e.to_string()),
                };
                let at = sandbox.now();
                if let Some(d) = sandbox.state().deliveries.get_mut(index) {
                    d.record(at, acknowledged, outcome);
                }
            });
        }
    }
}
