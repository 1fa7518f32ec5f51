package alipaycore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.alibaba.fastjson.JSON;
import com.alibaba.fastjson.JSONArray;
import com.alibaba.fastjson.JSONObject;
import com.alipay.api.AlipayClient;
import com.alipay.api.CertAlipayRequest;
import com.alipay.api.DefaultAlipayClient;
import com.alipay.api.internal.util.AlipaySignature;
import com.alipay.api.request.AlipayTradePayRequest;
import com.alipay.api.request.AlipayTradePrecreateRequest;
import com.alipay.api.request.AlipayTradeQueryRequest;
import com.alipay.api.response.AlipayTradePayResponse;
import com.alipay.api.response.AlipayTradePrecreateResponse;
import com.alipay.api.response.AlipayTradeQueryResponse;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The official Java SDK as a new user runs it against {@code alipay sandbox}: its requests must be accepted
 * (signed over Java's GBK and Java's blank rule), and its own checks must accept every answer (decoded by the
 * answer's Content-Type charset) and every notification ({@code rsaCheckV1} in the trade's charset).
 */
class JavaSdkAgainstTheSandboxTest {
    private static final String PAYS_AT_ONCE = "280000000000000001";
    private static final AtomicInteger SEQ = new AtomicInteger();
    private static Process sandbox;
    private static JSONObject info;

    private static Process certSandbox;
    private static JSONObject certInfo;

    /** Starts `alipay sandbox` with `extra` options and returns its JSON line. */
    private static JSONObject start(Process[] slot, String... extra) throws Exception {
        String bin = System.getenv("ALIPAY_BIN");
        assertNotNull(bin, "ALIPAY_BIN names the alipay binary");
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(bin, "sandbox", "--port", "0", "--speed", "100"));
        command.addAll(java.util.List.of(extra));
        slot[0] = new ProcessBuilder(command).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(slot[0].getInputStream(), StandardCharsets.UTF_8));
        return JSON.parseObject(out.readLine());
    }

    @BeforeAll
    static void startTheSandboxes() throws Exception {
        Process[] slot = new Process[1];
        info = start(slot);
        sandbox = slot[0];
        certInfo = start(slot, "--certificates");
        certSandbox = slot[0];
    }

    @AfterAll
    static void stopTheSandboxes() {
        sandbox.destroy();
        certSandbox.destroy();
    }

    private static String bare(String pem) {
        return pem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
    }

    private static AlipayClient client(String charset) {
        return new DefaultAlipayClient(info.getString("gateway"), info.getString("app_id"),
                bare(info.getString("app_private_key")), "json", charset, bare(info.getString("alipay_public_key")),
                "RSA2");
    }

    private static String order() {
        return "JAVA" + ProcessHandle.current().pid() + "x" + SEQ.incrementAndGet();
    }

    @Test
    void aGbkRequestWithTheEuroSignAndAPrivateUseCharacterIsAcceptedAndItsAnswerVerifies() throws Exception {
        AlipayTradePrecreateRequest request = new AlipayTradePrecreateRequest();
        request.setBizContent("{\"out_trade_no\":\"" + order() + "\",\"total_amount\":\"5.00\",\"subject\":\"咖啡 €5 \uE000\"}");
        AlipayTradePrecreateResponse answer = client("GBK").execute(request);
        assertTrue(answer.isSuccess(), answer.getBody());
        assertNotNull(answer.getQrCode());
    }

    @Test
    void aGbkBusinessFailureInChineseVerifiesAsTheSdkDecodesIt() throws Exception {
        AlipayTradeQueryRequest request = new AlipayTradeQueryRequest();
        request.setBizContent("{\"out_trade_no\":\"" + order() + "\"}");
        AlipayTradeQueryResponse answer = client("GBK").execute(request);
        assertEquals("ACQ.TRADE_NOT_EXIST", answer.getSubCode(), answer.getBody());
        assertEquals("交易不存在", answer.getSubMsg());
    }

    @Test
    void aLoneNoBreakSpaceIsSignedAndSentAsJavaSignsIt() throws Exception {
        AlipayTradeQueryRequest request = new AlipayTradeQueryRequest();
        request.setBizContent("{\"out_trade_no\":\"" + order() + "\"}");
        request.putOtherTextParam("terminal_info", "\u00a0");
        AlipayTradeQueryResponse answer = client("utf-8").execute(request);
        assertEquals("ACQ.TRADE_NOT_EXIST", answer.getSubCode(), "accepted, not isv.invalid-signature: " + answer.getBody());
    }

    @Test
    void paymentsInGbkAndUtf8AreNotifiedInTheirCharsetAndPassRsaCheckV1() throws Exception {
        for (String charset : new String[] {"GBK", "utf-8"}) {
            String no = order();
            AlipayTradePayRequest request = new AlipayTradePayRequest();
            request.setNotifyUrl("http://127.0.0.1:9/alipay/notify");
            request.setBizContent("{\"out_trade_no\":\"" + no + "\",\"total_amount\":\"6.00\",\"subject\":\"通知 测试\","
                    + "\"auth_code\":\"" + PAYS_AT_ONCE + "\",\"scene\":\"bar_code\"}");
            AlipayTradePayResponse answer = client(charset).execute(request);
            assertTrue(answer.isSuccess(), answer.getBody());

            Map<String, String> params = notificationOf(no);
            assertEquals(charset, params.get("charset"));
            assertTrue(AlipaySignature.rsaCheckV1(params, bare(info.getString("alipay_public_key")), charset, "RSA2"),
                    charset + ": " + params);
        }
    }

    @Test
    void inCertificateModeItsCallsVerifyAndItsRsaCertCheckV1AcceptsTheNotifications() throws Exception {
        JSONObject certs = certInfo.getJSONObject("certificates");
        for (String charset : new String[] {"GBK", "utf-8"}) {
            CertAlipayRequest settings = new CertAlipayRequest();
            settings.setServerUrl(certInfo.getString("gateway"));
            settings.setAppId(certInfo.getString("app_id"));
            settings.setPrivateKey(bare(certInfo.getString("app_private_key")));
            settings.setFormat("json");
            settings.setCharset(charset);
            settings.setSignType("RSA2");
            settings.setCertContent(certs.getString("app_cert"));
            settings.setAlipayPublicCertContent(certs.getString("alipay_cert"));
            settings.setRootCertContent(certs.getString("root_cert"));
            AlipayClient client = new DefaultAlipayClient(settings);

            String no = order();
            AlipayTradePayRequest request = new AlipayTradePayRequest();
            request.setNotifyUrl("http://127.0.0.1:9/alipay/notify");
            request.setBizContent("{\"out_trade_no\":\"" + no + "\",\"total_amount\":\"6.00\",\"subject\":\"证书 测试\","
                    + "\"auth_code\":\"" + PAYS_AT_ONCE + "\",\"scene\":\"bar_code\"}");
            AlipayTradePayResponse answer = client.certificateExecute(request);
            assertTrue(answer.isSuccess(), answer.getBody());

            Map<String, String> params = notificationOf(certInfo, no);
            assertNotNull(params.get("alipay_cert_sn"), params.toString());
            Path alipayCert = Files.createTempFile("alipayCertPublicKey_RSA2", ".crt");
            Files.writeString(alipayCert, certs.getString("alipay_cert"));
            assertTrue(AlipaySignature.rsaCertCheckV1(params, alipayCert.toString(), charset, "RSA2"),
                    charset + ": " + params);
        }
    }

    private static Map<String, String> notificationOf(String outTradeNo) throws Exception {
        return notificationOf(info, outTradeNo);
    }

    /** The fields of the first notification the sandbox described by {@code which} made for {@code outTradeNo}. */
    private static Map<String, String> notificationOf(JSONObject which, String outTradeNo) throws Exception {
        String base = which.getString("gateway").replace("/gateway.do", "");
        HttpResponse<String> listing = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(base + "/sandbox/notifications")).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        JSONArray deliveries = JSON.parseArray(listing.body());
        for (int i = 0; i < deliveries.size(); i++) {
            JSONObject delivery = deliveries.getJSONObject(i);
            if (outTradeNo.equals(delivery.getString("out_trade_no"))) {
                Map<String, String> params = new HashMap<>();
                delivery.getJSONObject("params").forEach((k, v) -> params.put(k, String.valueOf(v)));
                return params;
            }
        }
        throw new AssertionError("no notification for " + outTradeNo + " in " + listing.body());
    }
}
