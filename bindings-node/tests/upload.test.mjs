// File upload from Node against the sandbox (v2: the common parameters and the signature in the query,
// the text fields and files as multipart/form-data): a file from a Buffer, a Readable stream or a path,
// through the typed calls and client.upload; the sandbox checks an image's bytes are the PNG they
// claim. A stream past MAX_UPLOAD_BYTES is refused with InvalidInput, without being read to its end.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';

import { AlipayClient, GatewayError, InvalidInput, MAX_UPLOAD_BYTES } from 'alipay-core';
import { settingsOf, start } from './sandbox.mjs';

/** A small "PNG": the magic bytes the sandbox checks, and some more. */
const PNG = Buffer.concat([Buffer.from('\x89PNG\r\n\x1a\n', 'latin1'), Buffer.from('not really an image, but it starts as one')]);

let sandbox;
let client;
let dir;
before(async () => {
  sandbox = await start();
  client = new AlipayClient(settingsOf(sandbox));
  dir = mkdtempSync(path.join(tmpdir(), 'alipay-upload-'));
});
after(() => sandbox.stop());

test('openFileUpload sends a Buffer and resolves to the verified file_id', async () => {
  const uploaded = await client.openFileUpload('openpt_appstore', {
    fileName: 'notes.txt', contentType: 'text/plain', content: Buffer.from('账单说明 notes'),
  });
  assert.equal(typeof uploaded.file_id, 'string');
  assert.ok(uploaded.file_id.length > 0);
  const again = await client.openFileUpload('openpt_appstore', { fileName: 'n.bin', content: new Uint8Array([1, 2, 3]) });
  assert.notEqual(again.file_id, uploaded.file_id, 'each upload has its own id');
});

test('offlineMaterialImageUpload reads a Readable stream; the sandbox sees the PNG bytes', async () => {
  const chunks = [PNG.subarray(0, 3), PNG.subarray(3, 10), PNG.subarray(10)];
  const uploaded = await client.offlineMaterialImageUpload({
    imageType: 'png', imageName: 'logo', image: { fileName: 'logo.png', contentType: 'image/png', content: Readable.from(chunks) },
  });
  assert.ok(uploaded.image_id.length > 0);
  assert.match(uploaded.image_url, /^https?:\/\//);

  // Bytes that are not the PNG they claim are refused by Alipay (here, the sandbox).
  await assert.rejects(
    client.offlineMaterialImageUpload({
      imageType: 'png', imageName: 'fake', image: { fileName: 'fake.png', contentType: 'image/png', content: Readable.from([Buffer.from('GIF89a')]) },
    }),
    (e) => e instanceof GatewayError && e.subCode === 'isv.invalid-file-content',
  );
});

test('a path (a string or { path }) is read natively; one that cannot be read is InvalidInput', async () => {
  const file = path.join(dir, 'store-front.png');
  writeFileSync(file, PNG);
  const byString = await client.offlineMaterialImageUpload({ imageType: 'png', imageName: 'store', image: { content: file } });
  assert.ok(byString.image_id.length > 0);
  const byObject = await client.offlineMaterialImageUpload({
    imageType: 'png', imageName: 'store', imagePid: '2088000000000001', image: { content: { path: file } },
  });
  assert.ok(byObject.image_id.length > 0);
  const text = path.join(dir, 'terms.txt');
  writeFileSync(text, 'terms');
  assert.ok((await client.openFileUpload('openpt_appstore', { content: text })).file_id.length > 0);
  await assert.rejects(
    client.openFileUpload('openpt_appstore', { content: path.join(dir, 'no-such-file.txt') }),
    (e) => e instanceof InvalidInput && e.field === 'path' && e.message.includes('no-such-file.txt'),
  );
});

test('client.upload sends any multipart method: text fields signed, files from each source; the answer node', async () => {
  const file = path.join(dir, 'a.png');
  writeFileSync(file, PNG);
  const node = await client.upload('alipay.open.file.upload', { biz_code: 'openpt_appstore' }, [
    { field: 'file_content', fileName: 'a.txt', contentType: 'text/plain', content: Buffer.from('a') },
  ]);
  assert.deepEqual([node.code, node.method, node.signed], ['10000', 'alipay.open.file.upload', true]);
  assert.ok(JSON.parse(node.raw).file_id.length > 0);

  const image = await client.upload('alipay.offline.material.image.upload', { image_type: 'png', image_name: 'logo' }, [
    { field: 'image_content', content: Readable.from([PNG]), fileName: 'logo.png', contentType: 'image/png' },
  ]);
  assert.ok(JSON.parse(image.raw).image_url);
  const fromPath = await client.upload('alipay.offline.material.image.upload', { image_type: 'png', image_name: 'p' }, [
    { field: 'image_content', content: { path: file } },
  ]);
  assert.ok(JSON.parse(fromPath.raw).image_id);

  // The sandbox refuses a call without its required text field, as Alipay does.
  await assert.rejects(
    client.upload('alipay.open.file.upload', {}, [{ field: 'file_content', fileName: 'a.txt', content: Buffer.from('a') }]),
    (e) => e instanceof GatewayError && e.subCode === 'isv.missing-biz_code',
  );
});

test('a stream past MAX_UPLOAD_BYTES is refused with InvalidInput, and is not read to its end', async () => {
  assert.equal(MAX_UPLOAD_BYTES, 50 * 1024 * 1024);
  const mib = Buffer.alloc(1024 * 1024, 7);
  let made = 0;
  let destroyed = false;
  const endless = Readable.from((function* chunks() {
    for (;;) {
      made += 1;
      yield mib;
    }
  })());
  endless.once('close', () => {
    destroyed = true;
  });
  await assert.rejects(
    client.openFileUpload('openpt_appstore', { fileName: 'big.bin', content: endless }),
    (e) => e instanceof InvalidInput && e.field === 'file.content' && e.message.includes(String(MAX_UPLOAD_BYTES)),
  );
  assert.ok(made <= 51 + 16 + 1, `${made} MiB were made: reading stopped past the limit`);
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(destroyed, 'the stream was destroyed');

  // Exactly at the limit is read whole (the core then checks every file together).
  let total = 0;
  const atLimit = Readable.from((function* chunks() {
    for (let i = 0; i < 50; i += 1) {
      total += mib.length;
      yield mib;
    }
  })());
  await assert.rejects(
    client.upload('alipay.open.file.upload', { biz_code: 'x' }, [
      { field: 'file_content', fileName: 'a.bin', content: atLimit },
      { field: 'more', fileName: 'b.bin', content: Buffer.from('one byte too many') },
    ]),
    (e) => e instanceof InvalidInput && e.field === 'files',
  );
  assert.equal(total, MAX_UPLOAD_BYTES);
});

test('a file that cannot be sent is InvalidInput naming it, before anything is sent', async () => {
  await assert.rejects(client.openFileUpload('x', { content: Buffer.from('a') }), (e) => e instanceof InvalidInput && e.field === 'file.fileName');
  await assert.rejects(client.openFileUpload('x', { fileName: 'a', content: 42 }), (e) => e instanceof InvalidInput && e.field === 'file.content');
  await assert.rejects(client.openFileUpload('x', null), (e) => e instanceof InvalidInput && e.field === 'file');
  await assert.rejects(client.upload('alipay.open.file.upload', { biz_code: 'x' }, []), (e) => e instanceof InvalidInput && e.field === 'files');
  await assert.rejects(client.upload('alipay.open.file.upload', { biz_code: 'x' }, 'a.txt'), (e) => e instanceof InvalidInput && e.field === 'files');
  await assert.rejects(
    client.upload('alipay.open.file.upload', { biz_code: 'x' }, [{ field: 'file_content', fileName: 'a"b', content: Buffer.from('a') }]),
    (e) => e instanceof InvalidInput && e.field === 'file_name',
  );
  const failing = new Readable({
    read() {
      this.destroy(new Error('the disk went away'));
    },
  });
  await assert.rejects(
    client.openFileUpload('x', { fileName: 'a', content: failing }),
    (e) => e instanceof InvalidInput && e.field === 'file.content' && e.message.includes('the disk went away'),
  );
});
