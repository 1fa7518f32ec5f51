// alipay-core for Node. The models are generated from the core's own types (lib/models/), the calls from
// its call table (lib/calls.d.ts).
import type { Calls, KeySetting } from './calls';
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
