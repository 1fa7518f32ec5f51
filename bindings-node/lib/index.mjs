// The ES module face of alipay-core: the same objects as the CommonJS one (lib/index.cjs), so that
// `instanceof` holds across both.
import cjs from './index.cjs';

export const {
  AlipayClient, Workflows, PaymentHandle, Notification, ReceivedNotification, buildSignContent, signParams,
  verifyResponse, verifyNotify, certSn, rootCertSn, qrSvg, qrPng, ordersFromCsv, ordersFromJson, reconciliationCsv,
  MAX_UPLOAD_BYTES, setLogger, AlipayError, ConfigError, InvalidInput, OrderMismatch,
  SignatureError, GatewayError, TransportError, DecodeError, JournalError,
} = cjs;
export default cjs;
