'use strict';
// alipay-core for Node: the Alipay (支付宝) open-platform client over the Rust core. Every request is
// RSA2-signed as the official SDKs sign it; every answer is verified, and believed only for the request
// it answers, before a Promise resolves. Data objects keep Alipay's own snake_case field names; money is
// a decimal string ("88.88").

const native = require('../native.cjs');
const { NativeClient } = native;
const { Calls, KEY_SETTINGS } = require('./calls.cjs');
const errors = require('./errors.cjs');

/** A client for one app, made from the core's ClientSettings (`app_id`, `app_private_key`, …). */
class AlipayClient extends Calls {
  constructor(settings) {
    super();
    try {
      this._native = new NativeClient(withKeyText(settings));
    } catch (error) {
      throw errors.fromNative(error);
    }
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** `settings` with each key or certificate given as a Buffer read as its UTF-8 text. */
function withKeyText(settings) {
  if (settings === null || typeof settings !== 'object') {
    return settings;
  }
  const out = { ...settings };
  for (const name of KEY_SETTINGS) {
    if (out[name] instanceof Uint8Array) {
      try {
        out[name] = utf8.decode(out[name]);
      } catch {
        throw Object.assign(new errors.ConfigError(`invalid setting \`${name}\`: the Buffer is not UTF-8 text`), {
          kind: 'config', errorType: 'config', outcomeUnknown: false, field: null,
        });
      }
    }
  }
  return out;
}

/** `fn` with its error rethrown as an AlipayError. */
const mappedSync = (fn) => (...args) => {
  try {
    return fn(...args);
  } catch (error) {
    throw errors.fromNative(error);
  }
};

/** A raw notification body as bytes: a Buffer as it is, a string as its UTF-8 bytes. */
const body = (notification) => (typeof notification === 'string' ? Buffer.from(notification, 'utf8') : notification);

module.exports = {
  AlipayClient,
  buildSignContent: mappedSync(native.buildSignContent),
  signParams: mappedSync(native.signParams),
  verifyResponse: mappedSync((raw, ...rest) => native.verifyResponse(body(raw), ...rest)),
  verifyNotify: mappedSync((notification, ...rest) => native.verifyNotify(body(notification), ...rest)),
  certSn: mappedSync(native.certSn),
  rootCertSn: mappedSync(native.rootCertSn),
  AlipayError: errors.AlipayError,
  ConfigError: errors.ConfigError,
  InvalidInput: errors.InvalidInput,
  SignatureError: errors.SignatureError,
  GatewayError: errors.GatewayError,
  TransportError: errors.TransportError,
  DecodeError: errors.DecodeError,
  JournalError: errors.JournalError,
};
