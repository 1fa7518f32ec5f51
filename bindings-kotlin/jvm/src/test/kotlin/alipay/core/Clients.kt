package alipay.core

import alipay.core.models.ClientSettings
import alipay.core.models.PollPolicy
import java.time.Duration

/** A public-key-mode client of [sandbox], with [settings] laid over it. */
fun clientOf(sandbox: Sandbox, settings: (ClientSettings) -> ClientSettings = { it }): AlipayClient =
    AlipayClient(
        settings(
            ClientSettings(
                appId = sandbox.appId,
                appPrivateKey = sandbox.appPrivateKey,
                alipayPublicKey = sandbox.alipayPublicKey,
                gateway = sandbox.gateway,
            ),
        ),
    )

/** The barcode default, polling 50 ms apart (the sandbox's time runs 100× faster). */
fun fastPolicy(): PollPolicy =
    barcodePolicy().copy(queryInterval = Duration.ofMillis(50), cancelInterval = Duration.ofMillis(50))
