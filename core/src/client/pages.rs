//! Page, wap and app pay: signed like every call, rendered for the buyer's side, no HTTP call.

use crate::charset::Charset;
use crate::error::{Error, InvalidInput};
use crate::trade::{PagePayApi, TradeAppPayRequest, TradePagePayRequest, TradeWapPayRequest};

use super::{Client, params};

/// How a page or wap payment is handed to the browser.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum PageFormat {
    /// An HTML form that POSTs itself to the gateway: write it into the page.
    #[default]
    Form,
    /// A GET URL with every parameter: redirect the browser to it.
    Url,
}

impl std::str::FromStr for PageFormat {
    type Err = InvalidInput;

    /// `form` or `url`.
    ///
    /// ```
    /// use alipay_core::PageFormat;
    /// assert_eq!("url".parse::<PageFormat>().unwrap(), PageFormat::Url);
    /// assert_eq!("pdf".parse::<PageFormat>().unwrap_err().field, "format");
    /// ```
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "form" => Ok(PageFormat::Form),
            "url" => Ok(PageFormat::Url),
            other => {
                Err(InvalidInput::new("format", format!("unknown page format {other:?}; use \"form\" or \"url\"")))
            }
        }
    }
}

impl Client {
    /// `alipay.trade.page.pay` as a self-submitting form or a redirect URL.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the request fails its checks.
    pub fn trade_page_pay(&self, request: &TradePagePayRequest, format: PageFormat) -> Result<String, Error> {
        self.render_page(request, format)
    }

    /// `alipay.trade.wap.pay` as a self-submitting form or a redirect URL.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the request fails its checks.
    pub fn trade_wap_pay(&self, request: &TradeWapPayRequest, format: PageFormat) -> Result<String, Error> {
        self.render_page(request, format)
    }

    /// `alipay.trade.app.pay` as the order string for the Alipay mobile SDK: every parameter, `sign`
    /// included, sorted and URL-encoded.
    ///
    /// # Errors
    /// [`Error::InvalidInput`] when the request fails its checks.
    pub fn trade_app_pay(&self, request: &TradeAppPayRequest) -> Result<String, Error> {
        let signed = self.sign_page_request(request)?;
        Ok(params::form_encode(signed.iter().map(|(k, v)| (k.as_str(), v.as_str())), self.config().charset))
    }

    fn sign_page_request<R: PagePayApi>(
        &self,
        request: &R,
    ) -> Result<std::collections::BTreeMap<String, String>, Error> {
        request.validate()?;
        let biz = serde_json::to_string(request).map_err(|e| InvalidInput::new("biz_content", e.to_string()))?;
        params::signed_params(self.config(), R::METHOD, Some(&biz), self.options(), &self.timestamp())
    }

    pub(super) fn render_page<R: PagePayApi>(&self, request: &R, format: PageFormat) -> Result<String, Error> {
        let signed = self.sign_page_request(request)?;
        let config = self.config();
        let gateway = config.gateway.url();
        Ok(match format {
            PageFormat::Url => params::url_with_query(
                gateway,
                &params::form_encode(signed.iter().map(|(k, v)| (k.as_str(), v.as_str())), config.charset),
            ),
            PageFormat::Form => {
                let (query, fields) = params::split_for_post(&signed);
                let action = params::url_with_query(gateway, &params::form_encode(query, config.charset));
                html_form(&action, &fields, config.charset)
            }
        })
    }
}

/// An auto-submitting form. Every attribute value is HTML-escaped (`"` becomes `&quot;`), so the
/// browser submits exactly the signed values.
fn html_form(action: &str, fields: &[(&str, &str)], charset: Charset) -> String {
    let mut html = format!(
        "<form id=\"alipaysubmit\" name=\"alipaysubmit\" action=\"{}\" method=\"POST\" accept-charset=\"{}\">\n",
        escape(action),
        charset.as_str()
    );
    for (name, value) in fields {
        html.push_str(&format!("<input type=\"hidden\" name=\"{}\" value=\"{}\">\n", escape(name), escape(value)));
    }
    html.push_str("<input type=\"submit\" value=\"Pay with Alipay\" style=\"display:none\">\n</form>\n");
    html.push_str("<script>document.forms['alipaysubmit'].submit();</script>");
    html
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}
