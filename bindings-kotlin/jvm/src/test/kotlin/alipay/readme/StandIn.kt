package alipay.readme.stand_in

import alipay.core.fastPolicy
import alipay.core.Sandbox
import alipay.core.models.ClientSettings
import java.nio.file.Path

/**
 * Where the README's example runs: the sandbox it talks to and the folder its relative file names
 * (keys, journal) resolve in. ReadmeTest sets both before the example's first line runs.
 */
object ReadmeEnvironment {
    lateinit var sandbox: Sandbox
    lateinit var dir: Path
}

/**
 * The README's `AlipayClient(settings)`, pointed at the sandbox: its app id and gateway, and the key files
 * the example names, read from [ReadmeEnvironment.dir].
 */
fun AlipayClient(settings: ClientSettings): alipay.core.AlipayClient {
    val env = ReadmeEnvironment
    return alipay.core.AlipayClient(
        settings.copy(
            appId = env.sandbox.appId,
            gateway = env.sandbox.gateway,
            appPrivateKeyFile = settings.appPrivateKeyFile?.let { env.dir.resolve(it).toString() },
            alipayPublicKeyFile = settings.alipayPublicKeyFile?.let { env.dir.resolve(it).toString() },
        ),
    )
}

/** The README's `Workflows(client, journal)`: its journal in [ReadmeEnvironment.dir], polls 50 ms apart. */
fun Workflows(client: alipay.core.AlipayClient, journal: String): alipay.core.Workflows =
    alipay.core.Workflows(client, ReadmeEnvironment.dir.resolve(journal).toString(), barcodePolicy = fastPolicy())
