package alipay.core

import alipay.core.models.AlipayException
import alipay.core.models.ErrorKind
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/**
 * A Rust panic never crosses into the JVM: it arrives as [AlipayException.Internal], in a call and in a
 * suspend function alike, and the library goes on working afterwards.
 */
class PanicTest {
    @Test
    fun `a panic in a call arrives as AlipayException Internal`() {
        val e = assertThrows<AlipayException.Internal> { panicForTests() }
        assertEquals(ErrorKind.INTERNAL, e.kind)
        assertTrue(e.detail.contains("a test panic in a call"), e.detail)
        assertTrue(e.detail.contains("please report it"), e.detail)
    }

    @Test
    fun `a panic in a suspend function arrives as AlipayException Internal`() = runBlocking {
        val e = assertThrows<AlipayException.Internal> { runBlocking { panicInFutureForTests() } }
        assertEquals(ErrorKind.INTERNAL, e.kind)
        assertTrue(e.detail.contains("a test panic in a future"), e.detail)
    }

    @Test
    fun `the library works after a panic`() = runBlocking {
        repeat(3) {
            assertThrows<AlipayException.Internal> { panicForTests() }
            assertThrows<AlipayException.Internal> { runBlocking { panicInFutureForTests() } }
        }
        assertEquals("a=1&b=2", buildSignContent(mapOf("b" to "2", "a" to "1")))
    }
}
