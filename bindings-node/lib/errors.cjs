'use strict';
// The one place the core's errors become JavaScript errors. The addon throws an Error whose message is
// "alipay-core:" and the core's error record (ErrorInfo) as JSON; every field of the record becomes a
// property (camelCase: subCode, outcomeUnknown, …), and `errorType` picks the class.

const PREFIX = 'alipay-core:';

/** Every error alipay-core throws. `kind` says what to do next. */
class AlipayError extends Error {}
/** The configuration or a key is wrong: retrying cannot help. */
class ConfigError extends AlipayError {}
/** An argument can never be sent; `field` names it. */
class InvalidInput extends AlipayError {}
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

/** The AlipayError an error from the addon describes; any other error as it is. */
function fromNative(error) {
  const message = error && typeof error.message === 'string' ? error.message : '';
  if (!message.startsWith(PREFIX)) {
    return error;
  }
  let info;
  try {
    info = JSON.parse(message.slice(PREFIX.length));
  } catch {
    return new AlipayError(message);
  }
  const Class = CLASSES[info.error_type] || AlipayError;
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

/** An InvalidInput of the core's shape, for `field`. */
function invalidInput(field, reason) {
  const error = new InvalidInput(`invalid input: \`${field}\` ${reason}`);
  Object.assign(error, { kind: 'invalid_input', errorType: 'invalid_input', outcomeUnknown: false, field });
  return error;
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
  AlipayError, ConfigError, InvalidInput, SignatureError, GatewayError, TransportError, DecodeError,
  JournalError, fromNative, mapped, refuseNumberAmounts,
};
