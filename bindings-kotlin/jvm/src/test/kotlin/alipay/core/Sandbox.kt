package alipay.core

import java.io.BufferedReader
import java.io.File
import java.io.InputStreamReader
import java.net.URI
import java.net.URLEncoder
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.charset.StandardCharsets
import java.time.Duration
import java.util.concurrent.TimeUnit
import java.util.concurrent.atomic.AtomicLong
import org.json.JSONObject

/**
 * The offline gateway for the Kotlin tests: `alipay sandbox --port 0 [args]` (`--speed 100`, `--certificates`,
 * `--encrypt-key KEY`, …), started by the constructor and stopped by [stop] or [close].
 *
 * The binary is the system property `ALIPAY_BIN` (which the pom sets from `$ALIPAY_BIN`, else this checkout's
 * target/debug/alipay), then the environment variable, then target/debug/alipay two folders up. The sandbox
 * prints one JSON line describing itself (gateway, keys, buyers, certificates) and serves until stopped.
 */
class Sandbox(vararg args: String) : AutoCloseable {
    private val process: Process
    private val stopOnExit: Thread

    /** The whole description line, for any field without a property here. */
    val description: JSONObject
    val appId: String
    /** The app's private key, PEM (PKCS#8). */
    val appPrivateKey: String
    /** The key that signs the sandbox's answers, PEM. */
    val alipayPublicKey: String
    /** `http://127.0.0.1:PORT/gateway.do`. */
    val gateway: String
    val v3Endpoint: String
    /** The payment codes of the buyers the sandbox plays, by behaviour: `pays_at_once`, `never_confirms`, … */
    val buyers: Map<String, String>
    /** With `--certificates`: the PEM texts `app_cert`, `alipay_cert` and `root_cert`; else null. */
    val certificates: Map<String, String>?
    /** With `--encrypt-key`: the app's AES key (base64); else null. */
    val encryptKey: String?

    /** The gateway's origin, where the control endpoints (`/sandbox/...`) are. */
    val baseUrl: String

    init {
        val command = listOf(binary(), "sandbox", "--port", "0") + args
        process = try {
            ProcessBuilder(command).start()
        } catch (e: java.io.IOException) {
            throw IllegalStateException("cannot start $command (ALIPAY_BIN names the alipay binary)", e)
        }
        process.outputStream.close()
        stopOnExit = Thread { process.destroyForcibly() }
        Runtime.getRuntime().addShutdownHook(stopOnExit)
        // Its stderr goes to the test's, through System.err so that Surefire keeps it apart from its own channel.
        drain("sandbox stderr") { process.errorStream.bufferedReader().forEachLine { System.err.println("[sandbox] $it") } }

        val out = BufferedReader(InputStreamReader(process.inputStream, StandardCharsets.UTF_8))
        val line = out.readLine()
        if (line == null) {
            val code = if (process.waitFor(10, TimeUnit.SECONDS)) process.exitValue().toString() else "none yet"
            stop()
            throw IllegalStateException("the sandbox did not start: $command printed no line (exit code $code)")
        }
        // Whatever it prints afterwards is read and dropped, so that a full pipe never blocks it.
        drain("sandbox stdout") { out.forEachLine { } }

        description = try {
            JSONObject(line)
        } catch (e: org.json.JSONException) {
            stop()
            throw IllegalStateException("the sandbox's first line is not a JSON object: $line", e)
        }
        appId = description.getString("app_id")
        appPrivateKey = description.getString("app_private_key")
        alipayPublicKey = description.getString("alipay_public_key")
        gateway = description.getString("gateway")
        v3Endpoint = description.getString("v3_endpoint")
        buyers = strings(description.getJSONObject("buyers"))
        certificates = description.optJSONObject("certificates")?.let(::strings)
        encryptKey = if (description.isNull("encrypt_key")) null else description.getString("encrypt_key")
        baseUrl = gateway.removeSuffix("/gateway.do")
    }

    /**
     * A control endpoint (`/sandbox/trades`, `/sandbox/time/advance`, …): GET without [form], else POST of [form]
     * as `application/x-www-form-urlencoded`. Its body text; an answer other than 2xx throws.
     */
    fun control(path: String, form: Map<String, String>? = null): String {
        val request = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(30))
        if (form == null) {
            request.GET()
        } else {
            val body = form.entries.joinToString("&") { (k, v) -> "${encode(k)}=${encode(v)}" }
            request.header("Content-Type", "application/x-www-form-urlencoded")
            request.POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        }
        val answer = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
        check(answer.statusCode() in 200..299) { "$path: HTTP ${answer.statusCode()} ${answer.body()}" }
        return answer.body()
    }

    /** Moves the sandbox's virtual time forward. */
    fun advance(seconds: Long) {
        control("/sandbox/time/advance", mapOf("seconds" to seconds.toString()))
    }

    /** A fresh order number: [tag], this JVM's pid, the clock and a counter (digits after the tag). */
    fun order(tag: String): String =
        tag + ProcessHandle.current().pid() + java.lang.Long.toUnsignedString(System.nanoTime()) + SEQUENCE.incrementAndGet()

    /** Stops the sandbox (and waits for it to exit); stopping twice does nothing more. */
    fun stop() {
        if (process.isAlive) {
            process.destroy()
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS)
            }
        }
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit)
        } catch (_: IllegalStateException) {
            // The JVM is already shutting down and runs the hook itself.
        }
    }

    override fun close() = stop()

    companion object {
        private val HTTP: HttpClient = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build()
        private val SEQUENCE = AtomicLong()

        /** The `alipay` binary the sandboxes run. */
        fun binary(): String =
            System.getProperty("ALIPAY_BIN")?.takeIf { it.isNotBlank() }
                ?: System.getenv("ALIPAY_BIN")?.takeIf { it.isNotBlank() }
                ?: File("../../target/debug/alipay").absolutePath

        private fun strings(json: JSONObject): Map<String, String> = json.keySet().associateWith { json.getString(it) }

        private fun encode(text: String): String = URLEncoder.encode(text, StandardCharsets.UTF_8)

        private fun drain(name: String, body: () -> Unit) {
            Thread({
                try {
                    body()
                } catch (_: java.io.IOException) {
                    // The stream closed with the process.
                }
            }, name).apply { isDaemon = true }.start()
        }
    }
}
