package alipay.core

import alipay.core.models.AlipayException
import alipay.core.models.TradePayRequest
import kotlinx.coroutines.runBlocking
import org.json.JSONObject
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.DynamicTest.dynamicTest
import org.junit.jupiter.api.TestFactory
import java.io.File
import java.math.BigDecimal
import java.util.Base64

/**
 * The shared conformance cases (tests/conformance/), replayed through the Kotlin binding: the same
 * inputs give the same signatures, verdicts, verified text and workflow outcomes as the Rust core,
 * Python and Node.
 */
class ConformanceTest {
    private fun load(name: String) = JSONObject(File(System.getProperty("conformance.dir"), name).readText())

    private fun JSONObject.strings(): Map<String, String> = keySet().associateWith { getString(it) }

    private fun cases(document: JSONObject, name: String = "cases") =
        document.getJSONArray(name).let { all -> (0 until all.length()).map { all.getJSONObject(it) } }

    /** `verified` and the result, or the error's kind (`signature`, `decode`, …) and null. */
    private fun <T> verdict(call: () -> T): Pair<String, T?> =
        try {
            "verified" to call()
        } catch (e: AlipayException) {
            kindOf(e) to null
        }

    private fun kindOf(e: AlipayException): String =
        when (e) {
            is AlipayException.Config -> e.kind
            is AlipayException.InvalidInput -> e.kind
            is AlipayException.Signature -> e.kind
            is AlipayException.Gateway -> e.kind
            is AlipayException.Transport -> e.kind
            is AlipayException.Decode -> e.kind
            is AlipayException.Journal -> e.kind
            is AlipayException.Internal -> e.kind
        }.name.lowercase()

    @TestFactory
    fun signing(): List<DynamicTest> {
        val document = load("signing.json")
        // The library is built without the core's `legacy-rsa` feature (RUSTSEC-2023-0071): it verifies
        // legacy RSA but cannot sign it, so those cases check the sign content only.
        return cases(document).map { case ->
            dynamicTest(case.getString("name")) {
                val params = case.getJSONObject("params").strings()
                assertEquals(case.getString("sign_content"), buildSignContent(params))
                if (case.getString("sign_type") == "RSA2") {
                    val sign = signParams(params, document.getString("private_key_pem"), "RSA2", case.getString("charset"))
                    assertEquals(case.getString("sign"), sign)
                }
            }
        }
    }

    @TestFactory
    fun answers(): List<DynamicTest> {
        val document = load("responses.json")
        return cases(document).map { case ->
            dynamicTest(case.getString("name")) {
                val body = Base64.getDecoder().decode(case.getString("body_base64"))
                val key = document.getString("alipay_public_key_pem")
                val (outcome, node) = verdict { verifyResponse(body, case.getString("method"), key, "RSA2", case.getString("charset")) }
                assertEquals(case.getString("expect"), outcome)
                if (node != null) {
                    assertEquals(case.getString("raw"), node.raw)
                    assertEquals(case.getBoolean("signed"), node.signed)
                }
            }
        }
    }

    @TestFactory
    fun notifications(): List<DynamicTest> {
        val document = load("notifications.json")
        val key = document.getString("alipay_public_key_pem")
        return cases(document).map { case ->
            dynamicTest(case.getString("name")) {
                val body = Base64.getDecoder().decode(case.getString("body_base64"))
                val rule = case.getString("rule")
                val (outcome, fields) = verdict { verifyNotify(NotificationInput.Body(body), key, rule, "RSA2") }
                assertEquals(case.getString("expect"), outcome)
                if (fields != null) assertEquals(case.getJSONObject("covered").strings(), fields)
                case.optJSONObject("form")?.let { form ->
                    val fromForm = verdict { verifyNotify(NotificationInput.Form(form.strings()), key, rule, "RSA2") }
                    assertEquals(case.getString("expect"), fromForm.first, "from the decoded form")
                }
            }
        }
    }

    /** The barcode scenarios, each against a sandbox of its own (a fault is one-shot). */
    @TestFactory
    fun workflows(): List<DynamicTest> {
        val document = load("workflows.json")
        val policy = document.getJSONObject("policy")
        return cases(document, "scenarios").map { scenario ->
            dynamicTest(scenario.getString("name")) {
                Sandbox().use { sandbox ->
                    val fast = fastPolicy().copy(
                        queryInterval = java.time.Duration.ofMillis((policy.getDouble("query_interval") * 1000).toLong()),
                        cancelInterval = java.time.Duration.ofMillis((policy.getDouble("cancel_interval") * 1000).toLong()),
                    )
                    val workflows = Workflows(clientOf(sandbox), ":memory:", barcodePolicy = fast)
                    scenario.optJSONObject("fault")?.let { sandbox.control("/sandbox/faults", it.strings()) }
                    val outcome = runBlocking {
                        workflows.payAndWait(
                            TradePayRequest(
                                outTradeNo = sandbox.order("CF"), totalAmount = BigDecimal(document.getString("total_amount")),
                                subject = "conformance", authCode = sandbox.buyers.getValue(scenario.getString("buyer")),
                            ),
                        )
                    }
                    val expect = scenario.getJSONObject("expect")
                    val observed = JSONObject(outcomeFields(outcome))
                    for (name in expect.keySet()) {
                        val actual = if (name == "error_sub_code") outcome.error?.subCode else observed.opt(name)
                        assertEquals(expect.get(name).toString(), actual.toString(), name)
                    }
                }
            }
        }
    }

    /** The outcome's fields by their wire names, as the conformance file names them. */
    private fun outcomeFields(o: alipay.core.models.PaymentOutcome): Map<String, Any?> = mapOf(
        "status" to o.status.name.lowercase(),
        "is_paid" to o.isPaid,
        "evidence" to o.evidence?.name?.lowercase(),
        "total_amount" to o.totalAmount?.toPlainString(),
        "reason" to o.reason?.name?.lowercase(),
        "action" to o.action,
        "cause" to o.cause?.name?.lowercase(),
        "last_known" to o.lastKnown,
        "queries" to o.queries.toInt(),
        "cancel_attempts" to o.cancelAttempts.toInt(),
        "unverified_answers" to o.unverifiedAnswers.toInt(),
    )
}
