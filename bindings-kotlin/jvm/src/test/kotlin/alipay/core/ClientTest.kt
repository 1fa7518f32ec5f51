package alipay.core

import alipay.core.models.ClientSettings
import alipay.core.models.TradePayRequest
import alipay.core.models.TradeQueryRequest
import alipay.core.models.TradeRefundRequest
import alipay.core.models.TradeAppPayRequest
import alipay.core.models.TradePrecreateRequest
import alipay.core.models.ErrorKind
import alipay.core.models.AlipayException
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import java.math.BigDecimal

/** The client from Kotlin: typed calls in public-key mode, certificate mode and v3, with AES; errors. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClientTest {
    private val aesKey = java.util.Base64.getEncoder().encodeToString(ByteArray(16) { it.toByte() })
    private val sandbox = Sandbox("--certificates", "--encrypt-key", aesKey)

    @AfterAll
    fun stop() = sandbox.close()

    private fun pay(no: String, amount: String) =
        TradePayRequest(outTradeNo = no, totalAmount = BigDecimal(amount), subject = "咖啡", authCode = sandbox.buyers.getValue("pays_at_once"))

    @Test
    fun `a barcode payment resolves to the verified answer, money as BigDecimal`() = runBlocking {
        val client = clientOf(sandbox)
        val no = sandbox.order("KT")
        val paid = client.tradePay(pay(no, "12.50"))
        assertEquals("10000", paid.code)
        assertEquals(no, paid.outTradeNo)
        assertEquals(BigDecimal("12.50"), paid.totalAmount)
        assertEquals("TRADE_SUCCESS", client.tradeQuery(TradeQueryRequest(outTradeNo = no)).tradeStatus)
    }

    @Test
    fun `every call works in certificate mode, v2 and v3, plain and AES`() = runBlocking {
        val certificates = sandbox.certificates!!
        for (protocol in listOf("v2", "v3")) {
            for (encrypt in listOf(false, true)) {
                val client = AlipayClient(
                    ClientSettings(
                        appId = sandbox.appId, appPrivateKey = sandbox.appPrivateKey, gateway = sandbox.gateway,
                        appCert = certificates.getValue("app_cert"), alipayCert = certificates.getValue("alipay_cert"),
                        alipayRootCert = certificates.getValue("root_cert"), encryptKey = aesKey,
                        encryptByDefault = encrypt, protocol = protocol,
                    ),
                )
                val no = sandbox.order("MODE")
                assertEquals("10000", client.tradePay(pay(no, "3.30")).code)
                val refund = client.tradeRefund(TradeRefundRequest(outTradeNo = no, refundAmount = BigDecimal("1"), outRequestNo = "R1"))
                assertEquals(true, refund.fundChange)
                assertEquals(BigDecimal("1.00"), refund.refundFee)
                val missing = assertThrows<AlipayException.Gateway> {
                    runBlocking { client.tradeQuery(TradeQueryRequest(outTradeNo = sandbox.order("NONE"))) }
                }
                assertEquals("ACQ.TRADE_NOT_EXIST", missing.subCode)
                // Alipay's trace id for support: v3's alipay-trace-id header, v2's trace_id header.
                assertNotNull(missing.traceId)
                if (protocol == "v3") {
                    assertEquals(400.toUShort(), missing.httpStatus)
                }
            }
        }
    }

    @Test
    fun `errors carry the core's fields`() = runBlocking {
        val client = clientOf(sandbox)
        val refused = assertThrows<AlipayException.Gateway> {
            runBlocking { client.tradeQuery(TradeQueryRequest(outTradeNo = sandbox.order("NOBODY"))) }
        }
        assertEquals(ErrorKind.REJECTED, refused.kind)
        assertEquals("40004", refused.code)
        assertEquals(true, refused.verified)
        assertEquals(false, refused.outcomeUnknown)
        assertTrue(refused.msg!!.isNotEmpty() && refused.subMsg!!.isNotEmpty())

        val precise = assertThrows<AlipayException.InvalidInput> { runBlocking { client.tradePay(pay(sandbox.order("P"), "1.001")) } }
        assertEquals("amount", precise.field, "the amount that is no amount is refused as it crosses over")
        val config = assertThrows<AlipayException.Config> { AlipayClient(ClientSettings(appId = sandbox.appId, appPrivateKey = "not a key")) }
        assertTrue(config.detail.contains("app private key"), config.detail)
        assertEquals(ErrorKind.CONFIG, config.kind)
        val down = clientOf(sandbox) { it.copy(gateway = "http://127.0.0.1:9/gateway.do", connectTimeout = java.time.Duration.ofSeconds(1)) }
        val unsent = assertThrows<AlipayException.Transport> { runBlocking { down.tradeQuery(TradeQueryRequest(outTradeNo = "DOWN")) } }
        assertEquals(false, unsent.outcomeUnknown)
    }

    @Test
    fun `app pay and QR codes, signed and verified`() = runBlocking {
        val client = clientOf(sandbox)
        val orderString = client.tradeAppPay(TradeAppPayRequest(outTradeNo = sandbox.order("APP"), totalAmount = BigDecimal("9.90"), subject = "s"))
        assertTrue(orderString.contains("method=alipay.trade.app.pay") && orderString.contains("sign="))
        val qr = client.tradePrecreate(TradePrecreateRequest(outTradeNo = sandbox.order("QR"), totalAmount = BigDecimal("9.90"), subject = "s"))
        assertTrue(qr.qrCode.startsWith("https://qr.alipay.com/"))
    }
}
