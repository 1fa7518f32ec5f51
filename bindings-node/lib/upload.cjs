'use strict';
// The files of an upload (`AlipayClient.upload`, `openFileUpload`, `offlineMaterialImageUpload`) as
// the addon takes them. A file's `content` is a Buffer (or any Uint8Array), a Readable stream (read
// here into a Buffer, refused past MAX_UPLOAD_BYTES without reading further), or a path (a string, or
// `{ path }`) that the core reads itself.

const { MAX_UPLOAD_BYTES } = require('../native.cjs');
const { AlipayError, invalidInput } = require('./errors.cjs');

/** `true` for a Readable stream, a web ReadableStream or any async iterable of chunks. */
const isStream = (value) => value != null && typeof value[Symbol.asyncIterator] === 'function';

/**
 * The bytes of `stream` as one Buffer. Past `limit` bytes it stops reading (the stream is destroyed)
 * and throws InvalidInput for `name`; a stream that fails or gives anything but bytes, too.
 */
async function readStream(stream, name, limit = MAX_UPLOAD_BYTES) {
  const chunks = [];
  let total = 0;
  try {
    for await (const chunk of stream) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
      if (!(bytes instanceof Uint8Array)) {
        throw invalidInput(name, 'the stream gave something other than bytes');
      }
      total += bytes.length;
      if (total > limit) {
        throw invalidInput(name, `the stream is more than ${limit} bytes; at most ${limit} are uploaded`);
      }
      chunks.push(bytes);
    }
  } catch (error) {
    if (error instanceof AlipayError) {
      throw error;
    }
    throw invalidInput(name, `the stream failed: ${error && error.message ? error.message : String(error)}`);
  }
  return Buffer.concat(chunks, total);
}

/** A Uint8Array as a Buffer over the same memory. */
const asBuffer = (bytes) => (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));

/**
 * One file (`{ field, fileName, contentType, content }`) as the addon takes it; `name` is where the
 * caller gave it (`files[0]`, `file`, `image`), for errors.
 */
async function nativeFile(file, name, budget = MAX_UPLOAD_BYTES) {
  if (file === null || typeof file !== 'object') {
    throw invalidInput(name, 'is not a file: { field, fileName, contentType, content }');
  }
  const { field, fileName, contentType, content } = file;
  const out = { field: field ?? undefined, fileName: fileName ?? undefined, contentType: contentType ?? undefined };
  if (content instanceof Uint8Array) {
    return { ...out, content: asBuffer(content) };
  }
  if (content instanceof ArrayBuffer) {
    return { ...out, content: Buffer.from(content) };
  }
  if (typeof content === 'string') {
    return { ...out, path: content };
  }
  if (isStream(content)) {
    return { ...out, content: await readStream(content, `${name}.content`, budget) };
  }
  if (content !== null && typeof content === 'object' && typeof content.path === 'string') {
    return { ...out, path: content.path };
  }
  throw invalidInput(`${name}.content`, 'is not a Buffer, a Readable stream, or a path (a string or { path })');
}

/** Every file of an upload, in order; streams are read only while every file together fits. */
async function nativeFiles(files) {
  if (!Array.isArray(files)) {
    throw invalidInput('files', 'is not an array of files');
  }
  const out = [];
  let used = 0;
  for (const [i, file] of files.entries()) {
    const native = await nativeFile(file, `files[${i}]`, Math.max(0, MAX_UPLOAD_BYTES - used));
    used += native.content ? native.content.length : 0;
    out.push(native);
  }
  return out;
}

module.exports = { MAX_UPLOAD_BYTES, nativeFile, nativeFiles, readStream };
