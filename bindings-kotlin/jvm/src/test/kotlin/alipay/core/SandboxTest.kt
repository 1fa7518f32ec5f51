package alipay.core

import java.io.File
import org.json.JSONArray
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test

/** The harness itself: the sandbox starts, describes itself, answers its control endpoints and stops. */
class SandboxTest {
    @Test
    fun `a sandbox describes itself and answers its control endpoints`() {
        val sandbox = Sandbox("--speed", "100")
        sandbox.use {
            assertTrue(it.gateway.startsWith("http://127.0.0.1:"), it.gateway)
            assertTrue(it.gateway.endsWith("/gateway.do"), it.gateway)
            assertEquals(it.gateway.removeSuffix("/gateway.do"), it.baseUrl)
            assertTrue(it.appId.isNotEmpty())
            assertTrue(it.appPrivateKey.startsWith("-----BEGIN PRIVATE KEY-----"), it.appPrivateKey)
            assertTrue(it.alipayPublicKey.startsWith("-----BEGIN PUBLIC KEY-----"), it.alipayPublicKey)
            val paysAtOnce = it.buyers["pays_at_once"]
            assertNotNull(paysAtOnce, "buyers: ${it.buyers}")
            assertTrue(paysAtOnce!!.all(Char::isDigit), paysAtOnce)
            assertNull(it.certificates)
            assertNull(it.encryptKey)

            val trades = it.control("/sandbox/trades").trim()
            assertTrue(trades.startsWith("["), trades)
            JSONArray(trades)
            it.advance(1)
        }
        // Stopped: the port no longer answers.
        assertThrows(java.io.IOException::class.java) { sandbox.control("/sandbox/trades") }
        sandbox.stop()
    }

    @Test
    fun `certificate mode and an encryption key are read from the description`() {
        val key = java.util.Base64.getEncoder().encodeToString("0123456789abcdef".toByteArray())
        Sandbox("--certificates", "--encrypt-key", key).use {
            val certificates = it.certificates
            assertNotNull(certificates)
            assertEquals(setOf("app_cert", "alipay_cert", "root_cert"), certificates!!.keys)
            certificates.values.forEach { pem -> assertTrue(pem.startsWith("-----BEGIN CERTIFICATE-----"), pem) }
            assertEquals(key, it.encryptKey)
        }
    }

    @Test
    fun `order numbers are fresh`() {
        Sandbox().use {
            val first = it.order("kt")
            val second = it.order("kt")
            assertNotEquals(first, second)
            assertTrue(first.startsWith("kt") && first.drop(2).all(Char::isDigit), first)
        }
    }

    @Test
    fun `surefire hands the tests their paths`() {
        assertNotNull(System.getProperty("jna.library.path"))
        val conformance = File(System.getProperty("conformance.dir"))
        assertTrue(File(conformance, "responses.json").isFile, conformance.path)
        assertTrue(File(Sandbox.binary()).canExecute(), Sandbox.binary())
    }
}
