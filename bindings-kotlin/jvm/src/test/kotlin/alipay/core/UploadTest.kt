package alipay.core

import alipay.core.models.AlipayException
import alipay.core.models.UploadFile
import kotlinx.coroutines.runBlocking
import org.json.JSONObject
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import java.nio.file.Files

/** File upload: any multipart API, the typed open.file and material image uploads, files from bytes or a path. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UploadTest {
    private val sandbox = Sandbox()

    @AfterAll
    fun stop() = sandbox.close()

    /** The PNG signature, then a few bytes: what the sandbox takes for a PNG. */
    private val png = byteArrayOf(0x89.toByte(), 'P'.code.toByte(), 'N'.code.toByte(), 'G'.code.toByte(), 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0)

    @Test
    fun `upload sends text fields and files and answers the verified node`() = runBlocking {
        val file = UploadFile(field = "file_content", fileName = "terms.txt", contentType = "text/plain", content = "条款".toByteArray())
        val node = clientOf(sandbox).upload("alipay.open.file.upload", mapOf("biz_code" to "openpt_appstore"), listOf(file))
        assertEquals("10000", node.code)
        assertTrue(JSONObject(node.raw).getString("file_id").isNotEmpty(), node.raw)
        val none = assertThrows<AlipayException.InvalidInput> {
            runBlocking { clientOf(sandbox).upload("alipay.open.file.upload", mapOf("biz_code" to "x"), emptyList()) }
        }
        assertEquals("files", none.field)
    }

    @Test
    fun `openFileUpload answers a file id, in v2 and v3`() = runBlocking {
        for (protocol in listOf("v2", "v3")) {
            val client = clientOf(sandbox) { it.copy(protocol = protocol) }
            val file = UploadFile(field = "ignored", fileName = "a.bin", contentType = "application/octet-stream", content = ByteArray(64) { it.toByte() })
            val uploaded = client.openFileUpload("openpt_appstore", file)
            assertTrue(uploaded.fileId.isNotEmpty(), protocol)
        }
    }

    @Test
    fun `offlineMaterialImageUpload answers the image's id and URL`() = runBlocking {
        val image = UploadFile(field = "image_content", fileName = "logo.png", contentType = "image/png", content = png)
        val uploaded = clientOf(sandbox).offlineMaterialImageUpload("png", "logo", image)
        assertTrue(uploaded.imageId.isNotEmpty())
        assertTrue(uploaded.imageUrl.isNotEmpty())
        val withPid = clientOf(sandbox).offlineMaterialImageUpload("png", "logo", image, imagePid = "2088000000000001")
        assertTrue(withPid.imageId.isNotEmpty() && withPid.imageId != uploaded.imageId)
    }

    @Test
    fun `a file is read from a path, its type guessed, and an unreadable one is InvalidInput`() = runBlocking {
        val path = Files.createTempDirectory("alipay-upload").resolve("logo.png")
        Files.write(path, png)
        val file = uploadFileFromPath("image_content", path.toString())
        assertEquals("logo.png", file.fileName)
        assertEquals("image/png", file.contentType)
        assertEquals(png.toList(), file.content.toList())
        assertEquals("image/x-custom", uploadFileFromPath("f", path.toString(), "image/x-custom").contentType)
        assertTrue(clientOf(sandbox).offlineMaterialImageUpload("png", "logo", file).imageId.isNotEmpty())
        val missing = assertThrows<AlipayException.InvalidInput> { uploadFileFromPath("f", path.resolveSibling("nope.png").toString()) }
        assertEquals("path", missing.field)
    }
}
