'use strict';
// alipay-core for Node: the Alipay (支付宝) open-platform client over the Rust core. Every request is
// RSA2-signed as the official SDKs sign it; every answer is verified, and believed only for the request
// it answers, before a Promise resolves. Data objects keep Alipay's own snake_case field names; money is
// a decimal string ("88.88").

const native = require('../native.cjs');
const { Calls, KEY_SETTINGS } = require('./calls.cjs');
const errors = require('./errors.cjs');
const { setLogger } = require('./logging.cjs');
const { Notification, ReceivedNotification, asBytes } = require('./notifications.cjs');
const { PaymentHandle } = require('./handles.cjs');
const { qrSvg, qrPng } = require('./qr.cjs');
const { ordersFromCsv, ordersFromJson, reconciliationCsv } = require('./reconcile.cjs');
const { MAX_UPLOAD_BYTES, nativeFile, nativeFiles } = require('./upload.cjs');
const { Workflows } = require('./workflows.cjs');

const { mapped, mappedSync } = errors;

/** A client for one app, made from the core's ClientSettings (`app_id`, `app_private_key`, …). */
class AlipayClient extends Calls {
  constructor(settings) {
    super();
    this._native = mappedSync(() => new native.NativeClient(withKeyText(settings)));
  }

  /** The app id. */
  get appId() {
    return this._native.appId;
  }

  /** The gateway URL. */
  get gateway() {
    return this._native.gateway;
  }

  /**
   * The same client with `options` (the core's CallOptions: `app_auth_token`, `notify_url`,
   * `return_url`, `encrypt`, `params`) laid over its own.
   */
  withOptions(options) {
    const client = Object.create(AlipayClient.prototype);
    client._native = mappedSync(() => this._native.withOptions(options));
    return client;
  }

  /** Any method, `bizContent` an object (or omitted); the verified answer node. */
  execute(method, bizContent = null) {
    return mapped(() => this._native.execute(method, bizContent));
  }

  /**
   * Any v3 API: `httpMethod` `GET` or `POST`, `path` like `/v3/alipay/trade/query`, `options.query`
   * pairs (an object or `[name, value]` entries) appended to it, `options.body` the JSON body; the
   * verified V3Response.
   */
  executeV3(httpMethod, path, options = {}) {
    const { query, body } = options ?? {};
    const pairs = query == null ? null : Array.isArray(query) ? query : Object.entries(query);
    return mapped(() => this._native.executeV3(httpMethod, path, pairs, body ?? null));
  }

  /**
   * A multipart upload: `method` (`alipay.open.file.upload`, …) with its text `fields` (signed, Alipay's
   * own names: `biz_code`, `image_type`, …) and `files`, each `{ field, fileName, contentType, content }`
   * where `content` is a Buffer, a Readable stream (at most MAX_UPLOAD_BYTES), or a path (a string or
   * `{ path }`; `fileName` and `contentType` then come from it unless given). The files are not signed
   * (Alipay signs only text). The verified answer node.
   */
  upload(method, fields, files) {
    return mapped(async () => this._native.upload(method, fields ?? {}, await nativeFiles(files)));
  }

  /**
   * `alipay.open.file.upload`: uploads `file` (`{ fileName, contentType, content }`, sent as
   * `file_content`) for `bizCode`; the verified answer, whose `file_id` later calls name it by.
   */
  openFileUpload(bizCode, file) {
    return mapped(async () => this._native.openFileUpload(bizCode, await nativeFile(file, 'file')));
  }

  /**
   * `alipay.offline.material.image.upload`: uploads `image` (`{ fileName, contentType, content }`, sent
   * as `image_content`) of `imageType` (`jpg`, `png`, …) named `imageName`, for `imagePid` (an ISV's
   * merchant) when given; the verified answer, with its `image_id` and `image_url`.
   */
  offlineMaterialImageUpload(request) {
    const { imageType, imageName, image, imagePid } = request ?? {};
    return mapped(async () =>
      this._native.offlineMaterialImageUpload(imageType, imageName, await nativeFile(image, 'image'), imagePid ?? null),
    );
  }

  /**
   * Verifies a notification: the raw body (a Buffer, as `express.raw` gives it, or a string) or the
   * decoded form (an object, as `express.urlencoded` gives it), under `rule` `v1` (trade
   * notifications, the default) or `v2`. Throws SignatureError for one that must not be believed.
   */
  async verifyNotification(notification, rule = 'v1') {
    return new Notification(await mapped(() => this._native.verifyNotification(asBytes(notification), rule)));
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
        throw errors.record('config', name, 'the Buffer is not UTF-8 text');
      }
    }
  }
  return out;
}

module.exports = {
  AlipayClient,
  Workflows,
  PaymentHandle,
  Notification,
  ReceivedNotification,
  buildSignContent: (params) => mappedSync(() => native.buildSignContent(params)),
  signParams: (...args) => mappedSync(() => native.signParams(...args)),
  verifyResponse: (raw, ...rest) => mappedSync(() => native.verifyResponse(asBytes(raw), ...rest)),
  verifyNotify: (notification, ...rest) => mappedSync(() => native.verifyNotify(asBytes(notification), ...rest)),
  certSn: (pem) => mappedSync(() => native.certSn(pem)),
  rootCertSn: (pem) => mappedSync(() => native.rootCertSn(pem)),
  qrSvg,
  qrPng,
  ordersFromCsv,
  ordersFromJson,
  reconciliationCsv,
  MAX_UPLOAD_BYTES,
  setLogger,
  AlipayError: errors.AlipayError,
  ConfigError: errors.ConfigError,
  InvalidInput: errors.InvalidInput,
  OrderMismatch: errors.OrderMismatch,
  SignatureError: errors.SignatureError,
  GatewayError: errors.GatewayError,
  TransportError: errors.TransportError,
  DecodeError: errors.DecodeError,
  JournalError: errors.JournalError,
};
