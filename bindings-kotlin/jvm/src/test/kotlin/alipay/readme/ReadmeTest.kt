package alipay.readme

import alipay.core.Sandbox
import alipay.readme.stand_in.ReadmeEnvironment
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import java.io.File
import java.math.BigDecimal
import java.nio.file.Files

/**
 * The README's Kotlin quick start, compiled from README.md by the build (Readme.kt) and run against the
 * sandbox: `checkout` is true when the buyer confirms, false when they never do (the trade cancelled).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReadmeTest {
    private val sandbox = Sandbox("--speed", "100")

    init {
        val dir = Files.createTempDirectory("alipay-readme-")
        File(dir.toFile(), "app_private_key.pem").writeText(sandbox.appPrivateKey)
        File(dir.toFile(), "alipay_public_key.pem").writeText(sandbox.alipayPublicKey)
        ReadmeEnvironment.sandbox = sandbox
        ReadmeEnvironment.dir = dir
    }

    @AfterAll
    fun stop() = sandbox.close()

    @Test
    fun `checkout is paid when the buyer confirms`() = runBlocking {
        assertTrue(checkout(sandbox.order("README"), sandbox.buyers.getValue("confirms_after_10s"), BigDecimal("12.50")))
    }

    @Test
    fun `checkout is not paid when the buyer never confirms`() = runBlocking {
        assertFalse(checkout(sandbox.order("README"), sandbox.buyers.getValue("never_confirms"), BigDecimal("12.50")))
    }

    @Test
    fun `the example keeps its journal in the file it names`() = runBlocking {
        checkout(sandbox.order("README"), sandbox.buyers.getValue("pays_at_once"), BigDecimal("1.00"))
        assertTrue(File(ReadmeEnvironment.dir.toFile(), "alipay-journal.sqlite3").isFile)
    }
}
