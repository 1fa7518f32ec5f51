'use strict';
// alipay-core for Node: the Alipay (支付宝) open-platform client over the Rust core. Every request is
// RSA2-signed as the official SDKs sign it; every answer is verified, and believed only for the request
// it answers, before a Promise resolves. Data objects keep Alipay's own snake_case field names; money is
// a decimal string ("88.88").

const { NativeClient } = require('../native.cjs');
const { Calls } = require('./calls.cjs');
const errors = require('./errors.cjs');

/** A client for one app, made from the core's ClientSettings (`app_id`, `app_private_key`, …). */
class AlipayClient extends Calls {
  constructor(settings) {
    super();
    try {
      this._native = new NativeClient(settings);
    } catch (error) {
      throw errors.fromNative(error);
    }
  }
}

module.exports = {
  AlipayClient,
  AlipayError: errors.AlipayError,
  ConfigError: errors.ConfigError,
  InvalidInput: errors.InvalidInput,
  SignatureError: errors.SignatureError,
  GatewayError: errors.GatewayError,
  TransportError: errors.TransportError,
  DecodeError: errors.DecodeError,
  JournalError: errors.JournalError,
};
