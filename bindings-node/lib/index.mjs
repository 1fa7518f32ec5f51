// The ES module face of alipay-core: the same objects as the CommonJS one (lib/index.cjs).
import cjs from './index.cjs';

export const {
  AlipayClient, buildSignContent, signParams, verifyResponse, verifyNotify, certSn, rootCertSn, AlipayError, ConfigError, InvalidInput, SignatureError, GatewayError, TransportError,
  DecodeError, JournalError,
} = cjs;
export default cjs;
