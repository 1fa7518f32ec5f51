'use strict';
// QR images: the `qr_code` of a precreate drawn as SVG (inline in a page) or PNG (a POS screen), with
// the quiet zone scanners need, at error-correction level M.

const native = require('../native.cjs');
const { mappedSync, invalidInput } = require('./errors.cjs');

/** The default PNG side, in pixels. */
const DEFAULT_PNG_SIZE = 256;

/** `size` once it is a whole number of pixels the addon can take (the core checks its range). */
function pixels(size) {
  if (!Number.isInteger(size) || size < 0 || size > 0xffffffff) {
    throw invalidInput('size', `${String(size)} is not a whole number of pixels`);
  }
  return size;
}

/** `text` as an SVG document. Throws InvalidInput for empty text, or text too long for a QR code. */
function qrSvg(text) {
  return mappedSync(() => native.qrSvg(text));
}

/**
 * `text` as a PNG (a Buffer) about `size` pixels a side: each module a whole number of pixels, so the
 * code stays sharp. Throws InvalidInput for a `size` too small for the code or above 4096.
 */
function qrPng(text, size = DEFAULT_PNG_SIZE) {
  return mappedSync(() => native.qrPng(text, pixels(size)));
}

module.exports = { qrSvg, qrPng, pixels, DEFAULT_PNG_SIZE };
