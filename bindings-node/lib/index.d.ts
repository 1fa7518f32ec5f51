// alipay-core for Node. The models are generated from the core's own types (lib/models/), the calls from
// its call table (lib/calls.d.ts).
import type { Calls, KeySetting } from './calls';
import type { ResponseNode } from './models/answers';
import type { ClientSettings } from './models/requests';

export type * from './models/answers';
export type * from './models/requests';

/** The core's ClientSettings, with each key or certificate as text or a Buffer of its text. */
export type AlipayClientSettings = Omit<ClientSettings, KeySetting> &
  Partial<Record<KeySetting, string | Uint8Array | null>>;

/** A client for one app, made from the core's ClientSettings. A bad key or setting throws ConfigError. */
export declare class AlipayClient extends Calls {
  constructor(settings: AlipayClientSettings);
}

/** The exact text a request signature covers: the non-blank parameters, sorted, as `k=v&…`. */
export declare function buildSignContent(params: Record<string, string>): string;
/** Signs `params`; the base64 `sign`. `signType` `RSA2` (default) or `RSA`, `charset` `utf-8` (default) or `GBK`. */
export declare function signParams(params: Record<string, string>, privateKey: string, signType?: string, charset?: string): string;
/** Verifies a raw gateway answer to `method`; its node. Throws SignatureError for one that must not be believed. */
export declare function verifyResponse(rawBody: Uint8Array | string, method: string, alipayPublicKey: string, signType?: string, charset?: string): ResponseNode;
/** Verifies a notification (the raw body, or the decoded form) under `rule` `v1` (default) or `v2`; the fields its signature covers. */
export declare function verifyNotify(notification: Uint8Array | string | Record<string, string>, alipayPublicKey: string, rule?: 'v1' | 'v2', signType?: string): Record<string, string>;
/** The SN of a certificate (`app_cert_sn`, or the Alipay certificate's). */
export declare function certSn(pem: string): string;
/** `alipay_root_cert_sn` of Alipay's root certificate file. */
export declare function rootCertSn(pem: string): string;

/** Every error alipay-core throws; its fields are the core's error record, in camelCase. */
export declare class AlipayError extends Error {
  /** What to do: `config`, `invalid_input`, `signature`, `rejected`, `outcome_unknown`, `not_sent`, … */
  kind: string;
  /** Which error it is: `config`, `invalid_input`, `signature`, `gateway`, `transport`, … */
  errorType: string;
  /** `true` when Alipay may have applied the request although the call failed: query first. */
  outcomeUnknown: boolean;
  field: string | null;
  method: string | null;
  code: string | null;
  msg: string | null;
  subCode: string | null;
  subMsg: string | null;
  verified: boolean | null;
  httpStatus: number | null;
  links: { desc: string; url: string }[];
  verifiedNode: string | null;
}
export declare class ConfigError extends AlipayError {}
export declare class InvalidInput extends AlipayError {}
export declare class SignatureError extends AlipayError {}
export declare class GatewayError extends AlipayError {}
export declare class TransportError extends AlipayError {}
export declare class DecodeError extends AlipayError {}
export declare class JournalError extends AlipayError {}
