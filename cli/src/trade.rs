//! `alipay trade query|refund|cancel|close`: for operators fixing a stuck order.

use std::path::PathBuf;

use alipay_core::trade::{ApiRequest, TradeCancelRequest, TradeCloseRequest, TradeQueryRequest, TradeRefundRequest};
use clap::Subcommand;

#[derive(clap::Args)]
pub struct TradeArgs {
    /// A JSON profile (app_id, keys, gateway); without it the ALIPAY_* environment is used.
    #[arg(long, global = true)]
    profile: Option<PathBuf>,
    #[command(subcommand)]
    op: TradeOp,
}

#[derive(clap::Args)]
struct TradeRef {
    /// Your order number.
    #[arg(long)]
    out_trade_no: Option<String>,
    /// Alipay's trade number.
    #[arg(long)]
    trade_no: Option<String>,
}

#[derive(Subcommand)]
enum TradeOp {
    /// alipay.trade.query
    Query(TradeRef),
    /// alipay.trade.refund (idempotent by --out-request-no: reuse it to retry)
    Refund {
        #[command(flatten)]
        trade: TradeRef,
        /// The amount to refund, e.g. 1.00.
        #[arg(long)]
        amount: String,
        /// This refund's number.
        #[arg(long)]
        out_request_no: String,
        /// Shown to the buyer.
        #[arg(long)]
        reason: Option<String>,
    },
    /// alipay.trade.cancel (close if unpaid, refund if paid)
    Cancel(TradeRef),
    /// alipay.trade.close (unpaid trades only)
    Close(TradeRef),
}

fn reference<T>(r: &TradeRef, by_out: impl Fn(String) -> T, by_no: impl Fn(String) -> T) -> Result<T, String> {
    match (&r.out_trade_no, &r.trade_no) {
        (Some(o), _) => Ok(by_out(o.clone())),
        (None, Some(t)) => Ok(by_no(t.clone())),
        (None, None) => Err("give --out-trade-no or --trade-no".into()),
    }
}

pub async fn run(args: TradeArgs) -> Result<(), String> {
    let client = crate::profile::client(args.profile.as_deref())?;
    let (method, biz) = match &args.op {
        TradeOp::Query(r) => {
            encode(&reference(r, TradeQueryRequest::by_out_trade_no, TradeQueryRequest::by_trade_no)?)?
        }
        TradeOp::Cancel(r) => {
            encode(&reference(r, TradeCancelRequest::by_out_trade_no, TradeCancelRequest::by_trade_no)?)?
        }
        TradeOp::Close(r) => {
            encode(&reference(r, TradeCloseRequest::by_out_trade_no, TradeCloseRequest::by_trade_no)?)?
        }
        TradeOp::Refund { trade, amount, out_request_no, reason } => {
            let amount = amount.parse().map_err(|e: alipay_core::error::InvalidInput| e.to_string())?;
            let mut req = reference(
                trade,
                |o| TradeRefundRequest::by_out_trade_no(o, amount, out_request_no.clone()),
                |t| TradeRefundRequest::by_trade_no(t, amount, out_request_no.clone()),
            )?;
            req.refund_reason = reason.clone();
            encode(&req)?
        }
    };
    let node = client.execute(method, &biz).await.map_err(|e| e.to_string())?;
    println!("{}", serde_json::to_string_pretty(&node.value).map_err(|e| e.to_string())?);
    Ok(())
}

fn encode<R: ApiRequest>(req: &R) -> Result<(&'static str, serde_json::Value), String> {
    req.validate().map_err(|e| e.to_string())?;
    Ok((R::METHOD, serde_json::to_value(req).map_err(|e| e.to_string())?))
}
