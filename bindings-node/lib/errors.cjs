'use strict';
// The one place the core's errors become JavaScript errors. The addon throws an Error whose message is
// "alipay-core:" and the core's error record (ErrorInfo) as JSON; every field of the record becomes a
// property (camelCase: subCode, outcomeUnknown, traceId, …), and `errorType` picks the class. Any other
// error from the addon is napi's: an argument of the wrong JS type (InvalidInput), or a Rust panic napi
// contained (AlipayError, errorType `internal`). Nothing from the addon reaches the caller unmapped.

const PREFIX = 'alipay-core:';

/** The addon (loaded once, by index.cjs, before any error can arise). */
const native = () => require('../native.cjs');

/** Every error alipay-core throws. `kind` says what to do next. */
class AlipayError extends Error {}
/** The configuration or a key is wrong: retrying cannot help. */
class ConfigError extends AlipayError {}
/** An argument can never be sent; `field` names it. */
class InvalidInput extends AlipayError {}
/** A verified notification is not for the merchant's order: `field` differs, `expected` vs `actual`. */
class OrderMismatch extends InvalidInput {}
/** A signature did not verify: never believe the answer. */
class SignatureError extends AlipayError {}
/** Alipay answered with an error code (`code`, `subCode`, `subMsg`). */
class GatewayError extends AlipayError {}
/** The HTTP exchange failed; `outcomeUnknown` says whether Alipay may have acted anyway. */
class TransportError extends AlipayError {}
/** A verified answer, notification or bill could not be decoded. */
class DecodeError extends AlipayError {}
/** The workflow journal could not be read or written. */
class JournalError extends AlipayError {}

const CLASSES = {
  config: ConfigError,
  invalid_input: InvalidInput,
  signature: SignatureError,
  gateway: GatewayError,
  transport: TransportError,
  decode: DecodeError,
  journal: JournalError,
};

const camel = (name) => name.replace(/_([a-z])/g, (_, c) => c.toUpperCase());

/** napi's statuses for a JS argument of the wrong type. */
const WRONG_TYPE = new Set([
  'InvalidArg', 'ObjectExpected', 'StringExpected', 'NumberExpected', 'BooleanExpected', 'ArrayExpected',
  'FunctionExpected', 'BigintExpected', 'ArrayBufferExpected',
]);

/** A record-less error of the addon as the core's record: a wrong argument type, or a contained panic. */
function napiRecord(error) {
  const message = error && typeof error.message === 'string' ? error.message : String(error);
  if (error && WRONG_TYPE.has(error.code)) {
    return native().errorRecord('invalid_input', 'argument', message);
  }
  return native().errorRecord('internal', '', `alipay-core panicked (a bug; please report it): ${message}`);
}

/** The AlipayError an error from the addon describes. */
function fromNative(error) {
  if (error instanceof AlipayError) {
    return error;
  }
  const message = error && typeof error.message === 'string' ? error.message : '';
  let info;
  try {
    info = message.startsWith(PREFIX) ? JSON.parse(message.slice(PREFIX.length)) : napiRecord(error);
  } catch {
    info = napiRecord(error);
  }
  return fromRecord(info);
}

/** The error class of an error record (the core's ErrorInfo, snake_case as serialized). */
function fromRecord(info) {
  let Class = CLASSES[info.error_type] || AlipayError;
  if (Class === InvalidInput && 'expected' in info) {
    Class = OrderMismatch;
  }
  const out = new Class(info.message);
  out.name = Class.name;
  for (const [key, value] of Object.entries(info)) {
    if (key !== 'message') {
      out[camel(key)] = value;
    }
  }
  return out;
}

/** Runs `call`, an async function into the addon, and rethrows its error as an AlipayError. */
async function mapped(call) {
  try {
    return await call();
  } catch (error) {
    throw fromNative(error);
  }
}

/** Runs `call`, a synchronous call into the addon, and rethrows its error as an AlipayError. */
function mappedSync(call) {
  try {
    return call();
  } catch (error) {
    throw fromNative(error);
  }
}

/** The error for a problem found before anything reaches the core, as the core words it: `errorType`
 * `invalid_input` (`name` the field) or `config` (`name` the setting). */
function record(errorType, name, reason) {
  return fromRecord(native().errorRecord(errorType, name, reason));
}

/** An InvalidInput of the core's shape, for `field`. */
function invalidInput(field, reason) {
  return record('invalid_input', field, reason);
}

/**
 * `request`, once no amount in it (at `paths`: `total_amount`, `goods_detail[].price`) is a JS number:
 * money is a decimal string ("88.88"), because a number cannot hold 0.10 exactly.
 */
function refuseNumberAmounts(request, paths) {
  const check = (value, path, field) => {
    const [head, ...rest] = path.split('[].');
    if (value === null || typeof value !== 'object') {
      return;
    }
    if (rest.length === 0) {
      if (typeof value[head] === 'number' || typeof value[head] === 'bigint') {
        throw invalidInput(field + head, 'is a number; pass the amount as a decimal string ("88.88")');
      }
      return;
    }
    const items = value[head];
    if (Array.isArray(items)) {
      items.forEach((item, i) => check(item, rest.join('[].'), `${field}${head}[${i}].`));
    }
  };
  for (const path of paths) {
    check(request, path, '');
  }
  return request;
}

module.exports = {
  AlipayError, ConfigError, InvalidInput, OrderMismatch, SignatureError, GatewayError, TransportError, DecodeError,
  JournalError, fromNative, mapped, mappedSync, record, invalidInput, refuseNumberAmounts,
};
