package alipay.core

import alipay.core.models.AlipayException
import alipay.core.models.BillDownloadUrlQueryRequest
import alipay.core.models.CallOptions
import alipay.core.models.PageFormat
import alipay.core.models.TradePagePayRequest
import alipay.core.models.TradePayRequest
import alipay.core.models.TradeQueryRequest
import alipay.core.models.TradeWapPayRequest
import kotlinx.coroutines.runBlocking
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.math.BigDecimal
import java.net.URI

/** Page and wap pay signed without a call, executeV3, and a day's bill downloaded and parsed. */
class SignedAndBillsTest {
    @Test
    fun `page and wap pay as a form or a URL, with the client's options`() = Sandbox().use { sandbox ->
        val client = clientOf(sandbox).withOptions(CallOptions(returnUrl = "https://shop.example/done"))
        val form = client.tradePagePay(TradePagePayRequest(outTradeNo = sandbox.order("PG"), totalAmount = BigDecimal("9.90"), subject = "s"), PageFormat.FORM)
        assertTrue(form.startsWith("<form") && form.contains("alipay.trade.page.pay"))
        val url = client.tradeWapPay(TradeWapPayRequest(outTradeNo = sandbox.order("WAP"), totalAmount = BigDecimal("9.90"), subject = "s"), PageFormat.URL)
        assertTrue(url.startsWith(sandbox.gateway) && url.contains("sign="))
        assertTrue(URI(url).rawQuery.contains("return_url=https%3A%2F%2Fshop.example%2Fdone"), url)
    }

    @Test
    fun `executeV3 posts JSON and gets the verified answer with its trace id`() = runBlocking {
        Sandbox().use { sandbox ->
            val no = sandbox.order("V3X")
            val body = JSONObject(mapOf("out_trade_no" to no, "total_amount" to "2.00", "subject" to "s")).toString()
            val answer = clientOf(sandbox).executeV3("POST", "/v3/alipay/trade/precreate", emptyMap(), body)
            assertEquals(200.toUShort(), answer.status)
            assertEquals(no, JSONObject(answer.body).getString("out_trade_no"))
            assertNotNull(answer.traceId)
            val path = assertThrows<AlipayException.InvalidInput> {
                runBlocking { clientOf(sandbox).executeV3("POST", "/v2/nope", emptyMap(), null) }
            }
            assertEquals("path", path.field)
        }
    }

    @Test
    fun `a day's bill is downloaded and parsed, amounts as BigDecimal`() = runBlocking {
        Sandbox().use { sandbox ->
            val client = clientOf(sandbox)
            val no = sandbox.order("BILL")
            client.tradePay(TradePayRequest(outTradeNo = no, totalAmount = BigDecimal("12"), subject = "咖啡", authCode = sandbox.buyers.getValue("pays_at_once")))
            val day = client.tradeQuery(TradeQueryRequest(outTradeNo = no)).sendPayDate!!.substring(0, 10)
            val request = BillDownloadUrlQueryRequest(billType = "trade", billDate = day)
            val early = assertThrows<AlipayException.Gateway> { runBlocking { client.downloadBill(request) } }
            assertEquals("isp.bill_not_exist", early.subCode)
            sandbox.advance(24 * 3600)
            val bill = client.downloadBill(request)
            val row = bill.tradeDetails.first { it.outTradeNo == no }
            assertEquals("咖啡", row.subject)
            assertEquals(BigDecimal("12.00"), row.orderAmount)
            assertTrue(bill.tradeSummary.any { it.isTotal })
        }
    }
}
