// alipay-core for Node. The models are generated from the core's own types (lib/models/), the calls,
// the workflow entry points and the error fields from its tables (lib/calls.d.ts).
import type { Readable } from 'node:stream';
import type { Calls, ErrorFields, KeySetting, WorkflowCalls } from './calls';
import type { PaymentHandle } from './handles';
import type {
  LogRecord, OfflineMaterialImageUploadResponse, OpenFileUploadResponse, ReconciliationReport, Recovered, ResponseNode, V3Response,
  WorkflowEvent,
} from './models/answers';
import type { CallOptions, ClientSettings, ExpectedOrder, MerchantOrder, PollPolicy, RefundPolicy } from './models/requests';

export type * from './models/answers';
export type * from './models/requests';
export type { ErrorFields, KeySetting } from './calls';
export { PaymentHandle } from './handles';
export type { WaitOptions } from './handles';

/** The core's ClientSettings, with each key or certificate as text or a Buffer of its text. */
export type AlipayClientSettings = Omit<ClientSettings, KeySetting> &
  Partial<Record<KeySetting, string | Uint8Array | null>>;

/** A notification as a web framework hands it over: the raw body (Buffer or string), or the decoded form. */
export type NotificationInput = Uint8Array | string | Record<string, string>;

/** An upload's bytes held in memory: a Buffer (or any Uint8Array), or a stream read into one. */
export type UploadBytes = Uint8Array | ArrayBuffer | Readable | AsyncIterable<Uint8Array | string>;

/**
 * A file to upload, without its form field: bytes with their `fileName` and `contentType`
 * (`application/octet-stream` when omitted), or a path (a string or `{ path }`) read by the core, named
 * by its last component and typed by its extension unless `fileName` or `contentType` are given. A
 * stream is read to its end first; past MAX_UPLOAD_BYTES it is refused with InvalidInput.
 */
export type UploadSource =
  | { fileName: string; contentType?: string; content: UploadBytes }
  | { fileName?: string; contentType?: string; content: string | { path: string } };

/** A file of `AlipayClient.upload`: an UploadSource and the form `field` it goes in (`file_content`, …). */
export type UploadFile = UploadSource & { field: string };

/** What `offlineMaterialImageUpload` takes. */
export interface OfflineMaterialImageUpload {
  /** `jpg`, `jpeg`, `png`, `bmp` or `gif`. */
  imageType: string;
  /** The image's name, without the extension. */
  imageName: string;
  /** The image (sent in the field `image_content`). */
  image: UploadSource;
  /** The partner id the image belongs to, for ISVs. */
  imagePid?: string | null;
}

/** The most one upload sends, every file together: 50 MiB. */
export declare const MAX_UPLOAD_BYTES: number;

/**
 * A client for one app, made from the core's ClientSettings. A bad key or setting throws ConfigError
 * naming it. Every answer is verified, and believed only for the request it answers.
 */
export declare class AlipayClient extends Calls {
  constructor(settings: AlipayClientSettings);
  /** The app id. */
  readonly appId: string;
  /** The gateway URL. */
  readonly gateway: string;
  /** The same client with `options` laid over its own (an ISV's `app_auth_token`, `notify_url`, …). */
  withOptions(options: CallOptions): AlipayClient;
  /** Any method, `bizContent` an object (or omitted); the verified answer node. */
  execute(method: string, bizContent?: Record<string, unknown> | null): Promise<ResponseNode>;
  /**
   * Any v3 API: `httpMethod` `GET` or `POST`, `path` like `/v3/alipay/trade/query`, `options.query`
   * appended to it, `options.body` the JSON body; the verified answer.
   */
  executeV3(
    httpMethod: 'GET' | 'POST',
    path: string,
    options?: { query?: Record<string, string> | [string, string][]; body?: unknown },
  ): Promise<V3Response>;
  /**
   * Verifies a notification under `rule` `v1` (trade notifications, the default) or `v2`. Throws
   * SignatureError for one that must not be believed.
   */
  verifyNotification(notification: NotificationInput, rule?: 'v1' | 'v2'): Promise<Notification>;
  /**
   * A multipart upload: `method` with its text `fields` (signed; Alipay's own names) and `files` (not
   * signed); the verified answer node. InvalidInput when there is no file or they pass MAX_UPLOAD_BYTES.
   */
  upload(method: string, fields: Record<string, string> | null, files: UploadFile[]): Promise<ResponseNode>;
  /** `alipay.open.file.upload`: `file` (sent as `file_content`) for `bizCode`; its `file_id`. */
  openFileUpload(bizCode: string, file: UploadSource): Promise<OpenFileUploadResponse>;
  /** `alipay.offline.material.image.upload`: an image (sent as `image_content`); its `image_id` and `image_url`. */
  offlineMaterialImageUpload(request: OfflineMaterialImageUpload): Promise<OfflineMaterialImageUploadResponse>;
}

/** A notification whose signature verified. Act on it only after `check(order)` passes. */
export declare class Notification {
  protected constructor();
  /** The fields the signature covers, and `sign`/`sign_type`: Alipay's own snake_case names. */
  readonly fields: Record<string, string>;
  /** Alipay's id of this notification, the same on every redelivery. */
  readonly notifyId: string | null;
  /** Checks a trade notification against your order; throws OrderMismatch naming the first field that differs. */
  check(order: ExpectedOrder): void;
}

/**
 * A notification the workflows verified and claimed in the journal by its `notify_id`, atomically
 * across every instance sharing the journal.
 */
export declare class ReceivedNotification extends Notification {
  /**
   * - `first`: handle it, `markNotificationHandled`, then answer `success`;
   * - `in_progress`: another receiver is handling it now; answer anything but `success`, and Alipay
   *   delivers it again;
   * - `handled`: answer `success` and do nothing else.
   */
  readonly delivery: 'first' | 'in_progress' | 'handled';
  /** `true` when this receiver is the one to handle it (`delivery === 'first'`). */
  readonly firstDelivery: boolean;
}

/** What `new Workflows` takes besides the client and the journal. */
export interface WorkflowsOptions {
  /**
   * Called with each progress event, on the JS thread. An exception it throws becomes a process
   * warning (`AlipayOnEventWarning`) and never disturbs the workflow.
   */
  onEvent?: (event: WorkflowEvent) => void;
  /** Laid over the barcode default (as the official SDK: 5 queries 5 s apart, then cancel). */
  barcodePolicy?: Partial<PollPolicy>;
  /** Laid over the QR default. */
  qrPolicy?: Partial<PollPolicy>;
  /** Laid over the refund default. */
  refundPolicy?: Partial<RefundPolicy>;
}

/**
 * The face-to-face workflows, journaled before anything is sent: barcode pay polled to the truth and
 * cancelled if the buyer never confirms, QR pay, refunds until known. A crash loses nothing:
 * `recover()` finishes what was left.
 */
export declare class Workflows extends WorkflowCalls {
  /** Workflows over `client`, journaled in the SQLite file `journal` (created if new; ':memory:' for tests). */
  constructor(client: AlipayClient, journal: string, options?: WorkflowsOptions);
  /** Finishes every workflow a crash left unfinished; an ISV passes the merchants' current tokens. */
  recover(appAuthTokens?: string[]): Promise<Recovered[]>;
  /** Verifies a notification and says whether it is new (by `notify_id`, in the journal). */
  receiveNotification(notification: NotificationInput, rule?: 'v1' | 'v2'): Promise<ReceivedNotification>;
  /** Records the notification as handled, so redeliveries are recognised. */
  markNotificationHandled(notification: Notification): Promise<void>;
  /**
   * Reconciles the trade bill of `billDate` (`yyyy-MM-dd` or `yyyy-MM`, Shanghai) with this journal, and
   * with your `orders` when given. A bill not out yet is a GatewayError (`isp.bill_not_exist`).
   */
  reconcile(billDate: string, orders?: MerchantOrder[] | null): Promise<ReconciliationReport>;
}

/** The exact text a request signature covers: the non-blank parameters, sorted, as `k=v&…`. */
export declare function buildSignContent(params: Record<string, string>): string;
/** Signs `params`; the base64 `sign`. `signType` `RSA2` (default) or `RSA`, `charset` `utf-8` (default) or `GBK`. */
export declare function signParams(params: Record<string, string>, privateKey: string, signType?: string, charset?: string): string;
/** Verifies a raw gateway answer to `method`; its node. Throws SignatureError for one that must not be believed. */
export declare function verifyResponse(rawBody: Uint8Array | string, method: string, alipayPublicKey: string, signType?: string, charset?: string): ResponseNode;
/** Verifies a notification (the raw body, or the decoded form) under `rule` `v1` (default) or `v2`; the fields its signature covers. */
export declare function verifyNotify(notification: NotificationInput, alipayPublicKey: string, rule?: 'v1' | 'v2', signType?: string): Record<string, string>;
/** The SN of a certificate (`app_cert_sn`, or the Alipay certificate's). */
export declare function certSn(pem: string): string;
/** `alipay_root_cert_sn` of Alipay's root certificate file. */
export declare function rootCertSn(pem: string): string;
/** `text` (a precreate `qr_code`) as an SVG document. Throws InvalidInput for empty or too-long text. */
export declare function qrSvg(text: string): string;
/**
 * `text` as a PNG about `size` pixels a side (256 by default, at most 4096; each module a whole number of
 * pixels). Throws InvalidInput for empty or too-long text, or a size out of range.
 */
export declare function qrPng(text: string, size?: number): Buffer;
/** Your orders from a CSV export (UTF-8, a header row). Throws InvalidInput naming the row and column. */
export declare function ordersFromCsv(data: Uint8Array | string): MerchantOrder[];
/** Your orders from a JSON array. Throws InvalidInput naming the problem. */
export declare function ordersFromJson(data: Uint8Array | string): MerchantOrder[];
/** A report as CSV for accountants: UTF-8 with a byte-order mark, a header row, one row per item. */
export declare function reconciliationCsv(report: ReconciliationReport): string;

/**
 * What `setLogger` takes: console, pino, winston, or any object with these four methods. Each gets a
 * record's `message` (one line: the event, then every field as `name=value`) and the LogRecord itself.
 */
export interface Logger {
  debug(message: string, record: LogRecord): unknown;
  info(message: string, record: LogRecord): unknown;
  warn(message: string, record: LogRecord): unknown;
  error(message: string, record: LogRecord): unknown;
}

/** What `setLogger` takes besides the logger. */
export interface LoggerOptions {
  /**
   * The most detailed records delivered: `info` (the default: workflow steps and outcomes, failed
   * and refused calls), `debug` (also every call's `answered`, with its `trace_id` and verdict),
   * `warn` or `error`.
   */
  level?: 'error' | 'warn' | 'info' | 'debug';
}

/**
 * Sends the core's events to `logger`, from now on, as `logger[record.level](record.message, record)`
 * on the JS thread (`trace` to `debug`); `null` or `undefined` silences them again. Nothing is logged
 * until it is called. Process-wide: one logger for every client and workflow of the process (the last
 * one set). A record never holds a secret (no key, no `app_auth_token`; an `auth_code` only masked).
 * A logger method that throws loses that record and disturbs nothing else. A logger set does not keep
 * the process alive.
 */
export declare function setLogger(logger: Logger | null | undefined, options?: LoggerOptions): void;

/** Every error alipay-core throws; `kind` says what to do next. Its fields are the core's error record. */
export declare class AlipayError extends Error {}
export interface AlipayError extends ErrorFields {}
/** The configuration or a key is wrong: retrying cannot help. */
export declare class ConfigError extends AlipayError {}
/** An argument can never be sent; `field` names it. */
export declare class InvalidInput extends AlipayError {}
/** A verified notification is not for your order: `field` differs, `expected` vs `actual`. */
export declare class OrderMismatch extends InvalidInput {
  /** Your order's value. */
  expected: string;
  /** The notification's value (`null` when it has none). */
  actual: string | null;
}
/** A signature did not verify: never believe the answer. */
export declare class SignatureError extends AlipayError {}
/** Alipay answered with an error code (`code`, `subCode`, `subMsg`; `traceId` in v3). */
export declare class GatewayError extends AlipayError {}
/** The HTTP exchange failed; `outcomeUnknown` says whether Alipay may have acted anyway. */
export declare class TransportError extends AlipayError {}
/** A verified answer, notification or bill could not be decoded. */
export declare class DecodeError extends AlipayError {}
/** The workflow journal could not be read or written. */
export declare class JournalError extends AlipayError {}
