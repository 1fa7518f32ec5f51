//! Where a method lives in v3: `alipay.trade.pay` is `POST /v3/alipay/trade/pay`. The path is the method
//! name with `.` turned into `/`; the few query methods that v3 serves with `GET` take their fields in
//! the URL query instead of a body.

use serde_json::{Map, Value};

use crate::error::InvalidInput;
use crate::transport::HttpMethod;

/// Methods v3 serves with `GET`, their fields in the query string (Alipay's OpenAPI v3 reference).
const GET_METHODS: &[&str] = &["alipay.data.dataservice.bill.downloadurl.query"];

/// The HTTP method and path of one API method in v3.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// `POST`, or `GET` for the query methods listed in `GET_METHODS`.
    pub http_method: HttpMethod,
    /// The path, e.g. `/v3/alipay/trade/pay`.
    pub path: String,
}

/// The v3 route of a v2 method name.
///
/// ```
/// use alipay_core::transport::HttpMethod;
/// let r = alipay_core::v3::route("alipay.trade.fastpay.refund.query");
/// assert_eq!((r.http_method, r.path.as_str()), (HttpMethod::Post, "/v3/alipay/trade/fastpay/refund/query"));
/// let bill = alipay_core::v3::route("alipay.data.dataservice.bill.downloadurl.query");
/// assert_eq!(bill.http_method, HttpMethod::Get);
/// ```
pub fn route(method: &str) -> Route {
    let http_method = if GET_METHODS.contains(&method) { HttpMethod::Get } else { HttpMethod::Post };
    Route { http_method, path: format!("/v3/{}", method.replace('.', "/")) }
}

/// The v2 method name a v3 path serves (`/v3/alipay/trade/pay` → `alipay.trade.pay`), if it is one.
pub fn method_of(path: &str) -> Option<String> {
    let rest = path.strip_prefix("/v3/")?;
    let ok = !rest.is_empty()
        && rest.split('/').all(|seg| !seg.is_empty() && seg.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
    ok.then(|| rest.replace('/', "."))
}

/// The URL query of a `GET` call: each field of the business JSON as `name=value`, form-encoded (spaces
/// as `+`), sorted by name. Only text, numbers and booleans fit in a query.
///
/// # Errors
/// [`InvalidInput`] naming a field whose value is an object, an array or null.
pub fn query_string(fields: &Map<String, Value>) -> Result<String, InvalidInput> {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in fields {
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            _ => return Err(InvalidInput::new(name.clone(), "a v3 GET call takes only text, numbers and booleans")),
        };
        query.append_pair(name, &text);
    }
    Ok(query.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_trade_method_has_its_seed_path() {
        for (method, path) in [
            ("alipay.trade.pay", "/v3/alipay/trade/pay"),
            ("alipay.trade.precreate", "/v3/alipay/trade/precreate"),
            ("alipay.trade.create", "/v3/alipay/trade/create"),
            ("alipay.trade.query", "/v3/alipay/trade/query"),
            ("alipay.trade.refund", "/v3/alipay/trade/refund"),
            ("alipay.trade.cancel", "/v3/alipay/trade/cancel"),
            ("alipay.trade.close", "/v3/alipay/trade/close"),
            ("alipay.trade.fastpay.refund.query", "/v3/alipay/trade/fastpay/refund/query"),
        ] {
            assert_eq!(route(method), Route { http_method: HttpMethod::Post, path: path.into() });
            assert_eq!(method_of(path).as_deref(), Some(method));
        }
        let bill = route("alipay.data.dataservice.bill.downloadurl.query");
        assert_eq!(bill.http_method, HttpMethod::Get);
        assert_eq!(bill.path, "/v3/alipay/data/dataservice/bill/downloadurl/query");
    }

    #[test]
    fn only_v3_paths_name_a_method() {
        for path in ["/gateway.do", "/v3/", "/v3//x", "/v3/a/../b", "/v2/alipay/trade/pay"] {
            assert_eq!(method_of(path), None, "{path}");
        }
    }

    #[test]
    fn get_fields_go_in_the_query_form_encoded() {
        let fields = serde_json::json!({"bill_type": "trade", "bill_date": "2024-05-01", "n": 3, "note": "a b&c"});
        let Value::Object(map) = fields else { unreachable!() };
        assert_eq!(query_string(&map).expect("fits"), "bill_date=2024-05-01&bill_type=trade&n=3&note=a+b%26c");
        let nested = serde_json::json!({"bill": {"x": 1}});
        let Value::Object(map) = nested else { unreachable!() };
        assert_eq!(query_string(&map).expect_err("nested").field, "bill");
    }
}
