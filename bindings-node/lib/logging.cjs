'use strict';
// The core's events to the app's logger: `setLogger(console)`, or pino, winston, any object with
// `debug`, `info`, `warn` and `error` methods. Each event is a LogRecord (`level`, `logger`, `event`,
// `message`, `fields`), delivered on the JS thread as `logger[level](record.message, record)`.

const native = require('../native.cjs');
const { mappedSync, invalidInput } = require('./errors.cjs');

const LEVELS = ['error', 'warn', 'info', 'debug'];
const METHODS = { error: 'error', warn: 'warn', info: 'info', debug: 'debug', trace: 'debug' };

/**
 * Sends the core's events up to `options.level` (`'error'`, `'warn'`, `'info'` — the default — or
 * `'debug'`, which adds one record per gateway call) to `logger`, or to nobody when it is null. Until
 * this is called, nothing is logged. Process-wide: one logger for every client and workflow of the
 * process, the last one set. A logger method that throws (or rejects) loses that record and nothing
 * else: no exception escapes into the event loop, no payment is disturbed.
 */
function setLogger(logger, options = {}) {
  const level = (options ?? {}).level ?? 'info';
  if (!LEVELS.includes(level)) {
    throw invalidInput('level', `must be one of ${LEVELS.join(', ')}`);
  }
  if (logger == null) {
    mappedSync(() => native.forwardLogs(null, level));
    return;
  }
  if (typeof logger !== 'object' && typeof logger !== 'function') {
    throw invalidInput('logger', 'is not an object with debug, info, warn and error methods');
  }
  for (const method of LEVELS) {
    if (typeof logger[method] !== 'function') {
      throw invalidInput('logger', `has no ${method} method`);
    }
  }
  mappedSync(() => native.forwardLogs((record) => deliver(logger, record), level));
}

/** Hands one record to `logger`; what it throws is dropped with the record. */
function deliver(logger, record) {
  try {
    const result = logger[METHODS[record.level] ?? 'info'](record.message, record);
    if (result != null && typeof result.then === 'function') {
      result.then(undefined, () => {});
    }
  } catch {
    // A logger that fails loses this record; the payment that logged it goes on.
  }
}

module.exports = { setLogger };
