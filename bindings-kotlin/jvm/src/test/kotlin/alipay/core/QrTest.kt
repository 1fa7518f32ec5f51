package alipay.core

import alipay.core.models.AlipayException
import alipay.core.models.TradePayRequest
import alipay.core.models.TradePrecreateRequest
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import java.math.BigDecimal

/** QR codes as images: SVG and PNG of any text, and of a QR payment's own code on its handle. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QrTest {
    private val sandbox = Sandbox("--speed", "100")

    @AfterAll
    fun stop() = sandbox.close()

    private val png = byteArrayOf(0x89.toByte(), 'P'.code.toByte(), 'N'.code.toByte(), 'G'.code.toByte(), 0x0D, 0x0A, 0x1A, 0x0A)

    @Test
    fun `a text is drawn as SVG and as PNG`() {
        val text = "https://qr.alipay.com/bax00000"
        val svg = qrSvg(text)
        assertTrue(svg.contains("<svg"), svg.take(200))
        val image = qrPng(text, 256u)
        assertArrayEquals(png, image.copyOfRange(0, 8))
    }

    @Test
    fun `a size out of range, or no text, is InvalidInput`() {
        val tooBig = assertThrows<AlipayException.InvalidInput> { qrPng("https://qr.alipay.com/bax00000", 5000u) }
        assertEquals("size", tooBig.field)
        val tooSmall = assertThrows<AlipayException.InvalidInput> { qrPng("https://qr.alipay.com/bax00000", 10u) }
        assertEquals("size", tooSmall.field)
        val empty = assertThrows<AlipayException.InvalidInput> { qrSvg("") }
        assertEquals("qr_code", empty.field)
    }

    @Test
    fun `a QR payment's handle draws its own code, a barcode payment's has none`() = runBlocking {
        val workflows = Workflows(clientOf(sandbox), ":memory:", barcodePolicy = fastPolicy())
        val handle = workflows.precreateAndWait(TradePrecreateRequest(outTradeNo = sandbox.order("QR"), totalAmount = BigDecimal("3.00"), subject = "茶"))
        try {
            assertEquals(qrSvg(handle.qrCode()!!), handle.qrSvg())
            assertArrayEquals(png, handle.qrPng(300u).copyOfRange(0, 8))
            assertThrows<AlipayException.InvalidInput> { handle.qrPng(5000u) }
        } finally {
            handle.cancel()
            handle.outcome()
        }
        val barcode = workflows.startPay(
            TradePayRequest(outTradeNo = sandbox.order("QRB"), totalAmount = BigDecimal("1"), subject = "茶", authCode = sandbox.buyers.getValue("pays_at_once")),
        )
        val none = assertThrows<AlipayException.InvalidInput> { barcode.qrSvg() }
        assertEquals("qr_code", none.field)
        assertTrue(barcode.outcome().isPaid)
    }
}
