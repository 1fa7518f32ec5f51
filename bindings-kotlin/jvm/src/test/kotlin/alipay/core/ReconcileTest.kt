package alipay.core

import alipay.core.models.AlipayException
import alipay.core.models.Finding
import alipay.core.models.ItemKind
import alipay.core.models.OrderStatus
import alipay.core.models.RecordSource
import alipay.core.models.TradePayRequest
import alipay.core.models.TradeQueryRequest
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.math.BigDecimal

/** Reconciliation: a day's bill against the journal and the merchant's orders; orders read from CSV or JSON; the CSV report. */
class ReconcileTest {
    @Test
    fun `a paid trade is matched in the next day's reconciliation, with the journal and with the orders`() = runBlocking {
        Sandbox().use { sandbox ->
            val client = clientOf(sandbox)
            val workflows = Workflows(client, ":memory:")
            val no = sandbox.order("REC")
            val paid = workflows.payAndWait(
                TradePayRequest(outTradeNo = no, totalAmount = BigDecimal("10"), subject = "茶", authCode = sandbox.buyers.getValue("pays_at_once")),
            )
            assertTrue(paid.isPaid)
            val day = client.tradeQuery(TradeQueryRequest(outTradeNo = no)).sendPayDate!!.substring(0, 10)
            val early = assertThrows<AlipayException.Gateway> { runBlocking { workflows.reconcile(day) } }
            assertEquals("isp.bill_not_exist", early.subCode)
            sandbox.advance(24 * 3600)

            val report = workflows.reconcile(day)
            assertEquals(day, report.billDate)
            assertTrue(report.comparedWithJournal && !report.comparedWithOrders)
            assertEquals(1, report.items.size, report.items.toString())
            val item = report.items.single()
            assertEquals(Finding.MATCHED, item.finding)
            assertEquals(ItemKind.PAYMENT, item.kind)
            assertEquals(RecordSource.JOURNAL, item.source)
            assertEquals(no, item.outTradeNo)
            assertEquals(BigDecimal("10.00"), item.billAmount)
            assertEquals(0uL, report.totals.mismatched)

            val csv = reconciliationCsv(report)
            assertTrue(csv.startsWith("\uFEFFfinding,kind,source"), csv.take(80))
            assertTrue(csv.lines()[1].startsWith("matched,payment,journal,$no"), csv)

            val orders = ordersFromCsv("out_trade_no,amount,status\n$no,9.00,paid\n".toByteArray())
            val withOrders = workflows.reconcile(day, orders)
            assertTrue(withOrders.comparedWithOrders)
            val bySource = withOrders.items.associateBy { it.source }
            assertEquals(Finding.MATCHED, bySource.getValue(RecordSource.JOURNAL).finding)
            assertEquals(Finding.AMOUNT_DIFFERS, bySource.getValue(RecordSource.ORDERS).finding)
            assertEquals(1uL, withOrders.totals.mismatched)
        }
    }

    @Test
    fun `orders are read from CSV and JSON, and a bad amount names its row`() {
        val csv = "\uFEFFout_trade_no,amount,status,refund_amount\nA1,12.30,paid,\nA2,5,refunded,2.00\n"
        val orders = ordersFromCsv(csv.toByteArray())
        assertEquals(listOf("A1", "A2"), orders.map { it.outTradeNo })
        assertEquals(BigDecimal("12.30"), orders[0].amount)
        assertEquals(OrderStatus.REFUNDED, orders[1].status)
        assertEquals(BigDecimal("2.00"), orders[1].refundAmount)
        val json = ordersFromJson("""[{"out_trade_no":"J1","amount":"7.50","status":"closed"}]""".toByteArray())
        assertEquals(OrderStatus.NOT_PAID, json.single().status)

        val bad = assertThrows<AlipayException.InvalidInput> { ordersFromCsv("out_trade_no,amount,status\nA1,12.001,paid\n".toByteArray()) }
        assertTrue(bad.detail.contains("row 2"), bad.detail)
        assertEquals("orders", bad.field)
        assertThrows<AlipayException.InvalidInput> { ordersFromJson("{}".toByteArray()) }
    }
}
