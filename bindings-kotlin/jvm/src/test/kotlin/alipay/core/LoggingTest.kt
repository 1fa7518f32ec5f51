package alipay.core

import alipay.core.models.CallOptions
import alipay.core.models.LogLevel
import alipay.core.models.LogRecord
import alipay.core.models.PaymentState
import alipay.core.models.TradePayRequest
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.AfterEach
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import java.math.BigDecimal
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.atomic.AtomicInteger

/**
 * The core's log records through `setLogListener`, against the sandbox (virtual time 100× faster): the
 * call and workflow records of a buyer who confirms, of one who never does and of a forged answer, by
 * name and field; no secret in any record; the level filter; `null` silencing; and a listener that
 * throws, which must not disturb a payment. The listener is process-wide: each test clears it after
 * itself, and picks its own records out by `out_trade_no` or by workflow key (`trade:<out_trade_no>`).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LoggingTest {
    private val sandbox = Sandbox("--speed", "100")

    /** Passed in the call options of every payment here: it must appear in no record. */
    private val appAuthToken = "202612BBsecretAppAuthToken0123456789"

    @AfterEach
    fun silence() = setLogListener(null, LogLevel.TRACE)

    @AfterAll
    fun stop() {
        setLogListener(null, LogLevel.TRACE)
        sandbox.close()
    }

    /** Keeps every record it is given (on the Rust runtime's threads). Asserts nothing itself: a JUnit
     * assertion failing in a listener would be lost, not reported. */
    private inner class Capture : LogListener {
        val records = ConcurrentLinkedQueue<LogRecord>()
        override fun log(record: LogRecord) {
            records.add(record)
        }

        /** The records of order [no]: its calls' (`out_trade_no`) and its workflow's (`key`). */
        fun of(no: String): List<LogRecord> =
            records.filter { it.fields["out_trade_no"] == no || it.fields["key"] == "trade:$no" }

        /** The records of [no], once its workflow's `done` arrived (up to 10 s). */
        fun settled(no: String): List<LogRecord> {
            val deadline = System.nanoTime() + 10_000_000_000
            while (System.nanoTime() < deadline) {
                val mine = of(no)
                if (mine.any { it.logger == WORKFLOW && it.event == "done" }) return mine
                Thread.sleep(10)
            }
            error("no done record for $no; got ${of(no).map { it.event }}")
        }
    }

    private fun workflows() =
        Workflows(clientOf(sandbox).withOptions(CallOptions(appAuthToken = appAuthToken)), ":memory:", barcodePolicy = fastPolicy())

    private fun pay(no: String, buyer: String) =
        TradePayRequest(outTradeNo = no, totalAmount = BigDecimal("10"), subject = "茶", authCode = sandbox.buyers.getValue(buyer))

    private fun List<LogRecord>.named(logger: String, event: String) = filter { it.logger == logger && it.event == event }

    private fun List<LogRecord>.one(logger: String, event: String): LogRecord =
        named(logger, event).singleOrNull() ?: error("not one $logger $event record: ${map { "${it.logger} ${it.event}" }}")

    /** The workflow's events, in the order they came. */
    private fun List<LogRecord>.steps() = filter { it.logger == WORKFLOW }.map { it.event }

    /** Asserts that [events] come in this order among [steps] (others may come between them). */
    private fun assertInOrder(steps: List<String>, vararg events: String) {
        var at = -1
        for (event in events) {
            val next = steps.withIndex().firstOrNull { it.index > at && it.value == event }
            assertNotNull(next, "$event after ${steps.take(at + 1)} in $steps")
            at = next!!.index
        }
    }

    /** The `answered` record of one call: DEBUG, verified, with its method, order and Alipay's trace id. */
    private fun assertAnswered(record: LogRecord, method: String, no: String) {
        assertEquals(LogLevel.DEBUG, record.level)
        assertEquals(method, record.fields["method"])
        assertEquals(no, record.fields["out_trade_no"])
        assertEquals("verified", record.fields["verdict"])
        assertFalse(record.fields["trace_id"].isNullOrEmpty(), "a trace id: ${record.fields}")
        assertTrue(record.message.startsWith("answered "), record.message)
    }

    @Test
    fun `a buyer who confirms - each call answered, each workflow step, then done paid`() = runBlocking {
        val capture = Capture()
        setLogListener(capture, LogLevel.DEBUG)
        val no = sandbox.order("LOGOK")
        assertEquals(PaymentState.PAID, workflows().payAndWait(pay(no, "confirms_after_10s")).status)
        val mine = capture.settled(no)

        val calls = mine.named(CALL, "answered")
        assertAnswered(calls.first { it.fields["method"] == "alipay.trade.pay" }, "alipay.trade.pay", no)
        val queries = calls.filter { it.fields["method"] == "alipay.trade.query" }
        assertTrue(queries.isNotEmpty(), "the trade was queried: ${mine.map { it.event }}")
        queries.forEach { assertAnswered(it, "alipay.trade.query", no) }

        assertInOrder(mine.steps(), "submitted", "waiting_for_buyer", "querying", "done")
        assertEquals("done", mine.steps().last())
        mine.filter { it.logger == WORKFLOW }.forEach {
            assertEquals(LogLevel.INFO, it.level, "${it.event}")
            assertEquals("trade:$no", it.fields["key"])
            assertEquals(it.event, it.fields["event"])
        }
        val waiting = mine.named(WORKFLOW, "waiting_for_buyer").first()
        assertEquals("1", waiting.fields["query"])
        assertEquals("5", waiting.fields["of"])
        val done = mine.one(WORKFLOW, "done")
        assertEquals("paid", done.fields["status"])
        assertEquals("true", done.fields["known"])
        assertTrue(mine.any { it.fields["auth_code"] != null }, "the pay call's masked auth_code")
        assertNoSecret(capture.records)
    }

    @Test
    fun `a buyer who never confirms - polled out, cancelled for buyer_timeout, done not_paid`() = runBlocking {
        val capture = Capture()
        setLogListener(capture, LogLevel.DEBUG)
        val no = sandbox.order("LOGNEVER")
        assertEquals(PaymentState.NOT_PAID, workflows().payAndWait(pay(no, "never_confirms")).status)
        val mine = capture.settled(no)

        val steps = mine.steps()
        assertInOrder(steps, "submitted", "waiting_for_buyer", "querying", "cancelling", "done")
        val waits = mine.named(WORKFLOW, "waiting_for_buyer")
        assertEquals((1..5).map { it.toString() }, waits.map { it.fields["query"] }, "five waits, numbered")
        assertTrue(waits.all { it.fields["of"] == "5" })
        assertEquals(5, steps.count { it == "querying" })
        val cancelling = mine.one(WORKFLOW, "cancelling")
        assertEquals(LogLevel.INFO, cancelling.level)
        assertEquals("buyer_timeout", cancelling.fields["cause"])
        val done = mine.one(WORKFLOW, "done")
        assertEquals("not_paid", done.fields["status"])
        assertEquals("cancelled", done.fields["reason"])
        assertEquals("buyer_timeout", done.fields["cause"])
        assertEquals("true", done.fields["known"])
        assertAnswered(mine.named(CALL, "answered").first { it.fields["method"] == "alipay.trade.cancel" }, "alipay.trade.cancel", no)
        assertNoSecret(capture.records)
    }

    @Test
    fun `a forged answer is a failed WARN record with the verdict forged`() = runBlocking {
        val capture = Capture()
        setLogListener(capture, LogLevel.DEBUG)
        val no = sandbox.order("LOGFORGED")
        sandbox.control("/sandbox/faults", mapOf("fault" to "forged_signature", "method" to "alipay.trade.pay"))
        assertEquals(PaymentState.PAID, workflows().payAndWait(pay(no, "pays_at_once")).status, "a verified query found it")
        val mine = capture.settled(no)

        val failed = mine.one(CALL, "failed")
        assertEquals(LogLevel.WARN, failed.level)
        assertEquals("alipay.trade.pay", failed.fields["method"])
        assertEquals(no, failed.fields["out_trade_no"])
        assertEquals("forged", failed.fields["verdict"])
        assertEquals("signature", failed.fields["kind"])
        assertTrue(mine.named(CALL, "answered").none { it.fields["method"] == "alipay.trade.pay" }, "the forged answer is never believed")
        assertAnswered(mine.named(CALL, "answered").first { it.fields["method"] == "alipay.trade.query" }, "alipay.trade.query", no)
        assertEquals("paid", mine.one(WORKFLOW, "done").fields["status"])
        assertNoSecret(capture.records)
    }

    @Test
    fun `at WARN only what went wrong arrives`() = runBlocking {
        val capture = Capture()
        setLogListener(capture, LogLevel.WARN)
        val no = sandbox.order("LOGWARN")
        sandbox.control("/sandbox/faults", mapOf("fault" to "forged_signature", "method" to "alipay.trade.pay"))
        assertTrue(workflows().payAndWait(pay(no, "pays_at_once")).isPaid)
        val calm = sandbox.order("LOGWARNOK")
        assertTrue(workflows().payAndWait(pay(calm, "confirms_after_10s")).isPaid)

        assertEquals(listOf("failed"), capture.of(no).map { it.event }, "the forged answer, and nothing else of it")
        assertEquals(emptyList<LogRecord>(), capture.of(calm), "a payment without trouble says nothing at WARN")
        val chatty = capture.records.filter { it.level == LogLevel.INFO || it.level == LogLevel.DEBUG || it.level == LogLevel.TRACE }
        assertEquals(emptyList<LogRecord>(), chatty, "no DEBUG or INFO record at all")
        assertNoSecret(capture.records)
    }

    @Test
    fun `setLogListener(null) silences, and another listener replaces the first`() = runBlocking {
        val first = Capture()
        setLogListener(first, LogLevel.DEBUG)
        val heard = sandbox.order("LOGHEARD")
        assertTrue(workflows().payAndWait(pay(heard, "pays_at_once")).isPaid)
        first.settled(heard)

        setLogListener(null, LogLevel.DEBUG)
        val unheard = sandbox.order("LOGSILENT")
        assertTrue(workflows().payAndWait(pay(unheard, "pays_at_once")).isPaid)

        val second = Capture()
        setLogListener(second, LogLevel.DEBUG)
        val next = sandbox.order("LOGNEXT")
        assertTrue(workflows().payAndWait(pay(next, "pays_at_once")).isPaid)
        second.settled(next)

        assertEquals(emptyList<LogRecord>(), first.of(unheard) + second.of(unheard), "nothing while silenced")
        assertEquals(emptyList<LogRecord>(), first.of(next), "the replaced listener hears nothing more")
    }

    @Test
    fun `a listener that throws disturbs no payment`() = runBlocking {
        val thrown = AtomicInteger()
        val throwsException = object : LogListener {
            override fun log(record: LogRecord) {
                thrown.incrementAndGet()
                throw IllegalStateException("a listener bug (the test expects this)")
            }
        }
        setLogListener(throwsException, LogLevel.DEBUG)
        val never = sandbox.order("LOGTHROWN")
        val cancelled = workflows().payAndWait(pay(never, "never_confirms"))
        assertEquals(PaymentState.NOT_PAID, cancelled.status, "polled out and cancelled, every step logged to a listener that threw")
        assertEquals(5u, cancelled.queries)
        assertEquals("TRADE_CLOSED", tradeStatus(never), "and the trade really was cancelled")
        assertTrue(thrown.get() >= 10, "the listener was called, and threw, ${thrown.get()} times")

        // A JVM Error, which uniffi's Kotlin does not catch: JNA's callback handler prints it.
        val errors = AtomicInteger()
        setLogListener(object : LogListener {
            override fun log(record: LogRecord) {
                errors.incrementAndGet()
                throw AssertionError("a listener's Error (the test expects this)")
            }
        }, LogLevel.INFO)
        assertTrue(workflows().payAndWait(pay(sandbox.order("LOGERROR"), "confirms_after_10s")).isPaid)
        assertTrue(errors.get() > 0)

        val capture = Capture()
        setLogListener(capture, LogLevel.DEBUG)
        val after = sandbox.order("LOGAFTER")
        assertTrue(workflows().payAndWait(pay(after, "pays_at_once")).isPaid)
        assertEquals("paid", capture.settled(after).one(WORKFLOW, "done").fields["status"], "and logging works on")
    }

    /** No secret in [records], all of them as text: the payment codes, the `app_auth_token` of the call options,
     * any line of the app's private key. An `auth_code` is there only masked (its first two digits, its length). */
    private fun assertNoSecret(records: Collection<LogRecord>) {
        assertTrue(records.isNotEmpty())
        val text = records.joinToString("\n") { it.toString() }
        val codes = listOf("pays_at_once", "confirms_after_10s", "never_confirms").map { sandbox.buyers.getValue(it) }
        val secrets = codes + appAuthToken + sandbox.appPrivateKey.lines().map(String::trim).filter(String::isNotEmpty)
        for (secret in secrets) {
            assertFalse(text.contains(secret), "a secret in the records: ${secret.take(6)}…")
        }
        val masked = records.mapNotNull { it.fields["auth_code"] }.toSet()
        assertTrue(masked.all { it.matches(Regex("""\d\d…\(18 digits\)""")) }, "auth codes masked: $masked")
    }

    private fun tradeStatus(no: String): String =
        org.json.JSONArray(sandbox.control("/sandbox/trades")).let { all ->
            (0 until all.length()).map { all.getJSONObject(it) }.first { it.getString("out_trade_no") == no }.getString("trade_status")
        }

    companion object {
        const val CALL = "alipay_core.call"
        const val WORKFLOW = "alipay_core.workflow"
    }
}
