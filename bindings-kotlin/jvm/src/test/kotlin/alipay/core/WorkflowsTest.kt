package alipay.core

import alipay.core.models.CancelCause
import alipay.core.models.EventName
import alipay.core.models.Evidence
import alipay.core.models.NotPaidKind
import alipay.core.models.Outcome
import alipay.core.models.PaymentState
import alipay.core.models.RefundState
import alipay.core.models.TradePayRequest
import alipay.core.models.TradeRefundRequest
import alipay.core.models.WorkflowEvent
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import org.json.JSONArray
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import java.math.BigDecimal
import java.time.Duration
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit

/**
 * The workflows from Kotlin against the sandbox (virtual time 100× faster): the buyer who confirms,
 * the buyer who never does, a cancelled coroutine that cancels the trade, a refund never made twice.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkflowsTest {
    private val sandbox = Sandbox("--speed", "100")

    @AfterAll
    fun stop() = sandbox.close()

    /** Every event the workflows report, in order. */
    private class Events : ProgressListener {
        val queue = LinkedBlockingQueue<WorkflowEvent>()
        override fun onEvent(event: WorkflowEvent) {
            queue.add(event)
        }

        /** The next event of [kind], waiting up to 10 s. */
        fun next(kind: EventName): WorkflowEvent {
            while (true) {
                val event = queue.poll(10, TimeUnit.SECONDS) ?: error("no $kind event came")
                if (event.kind == kind) return event
            }
        }
    }

    private fun workflows(events: ProgressListener? = null, barcode: alipay.core.models.PollPolicy = fastPolicy()) =
        Workflows(clientOf(sandbox), ":memory:", events, barcodePolicy = barcode, refundPolicy = refundPolicy().copy(interval = Duration.ofMillis(50)))

    private fun pay(no: String, buyer: String, amount: String = "10") =
        TradePayRequest(outTradeNo = no, totalAmount = BigDecimal(amount), subject = "茶", authCode = sandbox.buyers.getValue(buyer))

    @Test
    fun `a buyer who confirms is polled until paid, with progress events`() = runBlocking {
        val events = Events()
        val outcome = workflows(events).payAndWait(pay(sandbox.order("CONF"), "confirms_after_10s"))
        assertEquals(PaymentState.PAID, outcome.status)
        assertTrue(outcome.isPaid)
        assertEquals(Evidence.QUERY, outcome.evidence)
        assertEquals(BigDecimal("10.00"), outcome.totalAmount)
        assertEquals(EventName.SUBMITTED, events.queue.peek().kind)
        events.next(EventName.WAITING_FOR_BUYER)
        assertEquals(Outcome.Payment(outcome), events.next(EventName.DONE).outcome)
    }

    @Test
    fun `a progress listener that throws loses its events and disturbs no payment`() = runBlocking {
        val throws = object : ProgressListener {
            override fun onEvent(event: WorkflowEvent) = throw IllegalStateException("a listener bug")
        }
        val no = sandbox.order("THROWS")
        val outcome = workflows(throws).payAndWait(pay(no, "never_confirms"))
        assertEquals(NotPaidKind.CANCELLED, outcome.reason, "polled to the end and cancelled")
        assertEquals("TRADE_CLOSED", tradeStatus(no))
        assertTrue(workflows(throws).payAndWait(pay(sandbox.order("THROWS"), "confirms_after_10s")).isPaid)
    }

    @Test
    fun `a buyer who never confirms has the trade cancelled`() = runBlocking {
        val no = sandbox.order("NEVER")
        val outcome = workflows().payAndWait(pay(no, "never_confirms"))
        assertEquals(PaymentState.NOT_PAID, outcome.status)
        assertEquals(NotPaidKind.CANCELLED, outcome.reason)
        assertEquals(CancelCause.BUYER_TIMEOUT, outcome.cause)
        assertEquals(5u, outcome.queries)
        assertEquals("TRADE_CLOSED", tradeStatus(no))
    }

    @Test
    fun `cancelling the coroutine takes the cancel path, and the outcome says so`() {
        val events = Events()
        val no = sandbox.order("CANCEL")
        val patient = fastPolicy().copy(queryInterval = Duration.ofMillis(200), maxQueries = 50u)
        val workflows = workflows(events, patient)
        runBlocking {
            val checkout = launch(Dispatchers.Default) { workflows.payAndWait(pay(no, "never_confirms", "3")) }
            events.next(EventName.WAITING_FOR_BUYER)
            checkout.cancelAndJoin()
        }
        assertTrue(events.next(EventName.CANCELLING).cause == CancelCause.REQUESTED)
        val done = events.next(EventName.DONE).outcome as Outcome.Payment
        assertEquals(NotPaidKind.CANCELLED, done.v1.reason)
        assertEquals(CancelCause.REQUESTED, done.v1.cause)
        assertTrue(done.v1.queries < 50u)
        assertEquals("TRADE_CLOSED", tradeStatus(no))
    }

    @Test
    fun `the handle's cancel button, for Swift and checkout screens`() = runBlocking {
        val patient = fastPolicy().copy(queryInterval = Duration.ofMillis(200), maxQueries = 50u)
        val handle = workflows(barcode = patient).startPay(pay(sandbox.order("BTN"), "never_confirms", "3"))
        handle.cancel()
        val outcome = handle.outcome()
        assertEquals(CancelCause.REQUESTED, outcome.cause)
        assertEquals(handle.outTradeNo(), outcome.outTradeNo)
        val again = assertThrows<alipay.core.models.AlipayException.InvalidInput> { runBlocking { handle.outcome() } }
        assertEquals("handle", again.field)
    }

    @Test
    fun `a refund is never made twice`() = runBlocking {
        val workflows = workflows()
        val no = sandbox.order("REF")
        assertTrue(workflows.payAndWait(pay(no, "pays_at_once")).isPaid)
        val refund = TradeRefundRequest(outTradeNo = no, refundAmount = BigDecimal("4"), outRequestNo = "R1")
        val first = workflows.refundUntilKnown(refund)
        assertEquals(RefundState.REFUNDED, first.status)
        val again = workflows.refundUntilKnown(refund)
        assertTrue(again.isRefunded, "the same refund again resumes")
        assertEquals("4.00", trade(no).getString("refunded_amount"), "and the money moved once")
        val changed = assertThrows<alipay.core.models.AlipayException.InvalidInput> {
            runBlocking { workflows.refundUntilKnown(refund.copy(refundAmount = BigDecimal("5"))) }
        }
        assertEquals("out_request_no", changed.field)
    }

    @Test
    fun `notifications are verified, checked against the order and de-duplicated`() = runBlocking {
        val journal = java.nio.file.Files.createTempDirectory("alipay-journal").resolve("notes.sqlite3").toString()
        val client = clientOf(sandbox).withOptions(alipay.core.models.CallOptions(notifyUrl = "http://127.0.0.1:9/notify"))
        val no = sandbox.order("NOTE")
        client.tradePay(pay(no, "pays_at_once", "6.60"))
        val form = notificationOf(no)
        val body = form.entries.joinToString("&") { (k, v) -> "${encode(k)}=${encode(v)}" }.toByteArray()

        val workflows = Workflows(clientOf(sandbox), journal)
        val first = workflows.receiveNotification(NotificationInput.Body(body), "v1")
        assertTrue(first.firstDelivery)
        assertEquals("6.60", first.notification.fields()["total_amount"])
        first.notification.check(alipay.core.models.ExpectedOrder(appId = sandbox.appId, outTradeNo = no, totalAmount = BigDecimal("6.60")))
        val mismatch = assertThrows<alipay.core.models.AlipayException.InvalidInput> {
            first.notification.check(alipay.core.models.ExpectedOrder(appId = sandbox.appId, outTradeNo = no, totalAmount = BigDecimal("66")))
        }
        assertEquals("total_amount", mismatch.field)
        workflows.markNotificationHandled(first.notification)
        val again = Workflows(clientOf(sandbox), journal).receiveNotification(NotificationInput.Form(form), "v1")
        assertEquals(false, again.firstDelivery, "a redelivery is recognised, even by other Workflows on the same journal")
        assertEquals("handled", again.delivery)
        assertEquals(first.notification.notifyId(), client.verifyNotification(NotificationInput.Form(form), "v1").notifyId())
        assertThrows<alipay.core.models.AlipayException.Signature> {
            runBlocking { workflows.receiveNotification(NotificationInput.Form(form + ("total_amount" to "0.01")), "v1") }
        }
        Unit
    }

    @Test
    fun `a PostgreSQL journal is opened by URL and shared by every instance`() = runBlocking {
        val url = postgresJournal() ?: return@runBlocking
        val (here, there) = Workflows(clientOf(sandbox), url) to Workflows(clientOf(sandbox), url)
        val no = sandbox.order("PG")
        assertTrue(here.payAndWait(pay(no, "pays_at_once")).isPaid)
        val reused = assertThrows<alipay.core.models.AlipayException.InvalidInput> {
            runBlocking { there.payAndWait(pay(no, "pays_at_once")) }
        }
        assertEquals("out_trade_no", reused.field, "one order number across every instance")
        val refund = there.refundUntilKnown(TradeRefundRequest(outTradeNo = no, refundAmount = BigDecimal("1"), outRequestNo = "R1"))
        assertEquals(RefundState.REFUNDED, refund.status)

        val client = clientOf(sandbox).withOptions(alipay.core.models.CallOptions(notifyUrl = "http://127.0.0.1:9/notify"))
        val noted = sandbox.order("PGN")
        client.tradePay(pay(noted, "pays_at_once", "2.00"))
        val form = notificationOf(noted)
        val first = here.receiveNotification(NotificationInput.Form(form), "v1")
        val second = there.receiveNotification(NotificationInput.Form(form), "v1")
        assertEquals(listOf("first", "in_progress"), listOf(first.delivery, second.delivery), "exactly one instance handles it")
        here.markNotificationHandled(first.notification)
        assertEquals("handled", there.receiveNotification(NotificationInput.Form(form), "v1").delivery)
    }

    /** A PostgreSQL journal URL, a schema of its own on `ALIPAY_TEST_POSTGRES`; `null` (skipped) without
     * one, except in CI, where the test must run. */
    private fun postgresJournal(): String? {
        val url = System.getenv("ALIPAY_TEST_POSTGRES")
        if (url.isNullOrEmpty()) {
            check(System.getenv("CI") == null) { "CI must run the PostgreSQL journal tests: set ALIPAY_TEST_POSTGRES" }
            org.junit.jupiter.api.Assumptions.abort<Unit>("the PostgreSQL journal (set ALIPAY_TEST_POSTGRES to a database URL)")
        }
        val schema = "kt_${ProcessHandle.current().pid()}_${System.nanoTime()}"
        val psql = ProcessBuilder("psql", url, "-qc", "CREATE SCHEMA $schema").inheritIO().start()
        check(psql.waitFor() == 0) { "psql could not create $schema" }
        return url + (if ('?' in url!!) "&" else "?") + "options=-csearch_path%3D$schema"
    }

    private fun notificationOf(no: String): Map<String, String> {
        val all = JSONArray(sandbox.control("/sandbox/notifications"))
        val delivery = (0 until all.length()).map { all.getJSONObject(it) }.first { it.getString("out_trade_no") == no }
        val params = delivery.getJSONObject("params")
        return params.keySet().associateWith { params.getString(it) }
    }

    private fun encode(text: String) = java.net.URLEncoder.encode(text, Charsets.UTF_8)

    private fun trade(no: String) =
        JSONArray(sandbox.control("/sandbox/trades")).let { all ->
            (0 until all.length()).map { all.getJSONObject(it) }.first { it.getString("out_trade_no") == no }
        }

    private fun tradeStatus(no: String): String = trade(no).getString("trade_status")
}
