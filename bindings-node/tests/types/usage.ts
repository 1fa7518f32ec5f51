// Type-checked by `tsc --noEmit --strict` (tests/types.test.mjs), never run: what a TypeScript user
// writes against alipay-core compiles, and the mistakes the types exist to catch do not.
import { Readable } from 'node:stream';

import {
  AlipayClient, AlipayError, GatewayError, MAX_UPLOAD_BYTES, OrderMismatch, PaymentHandle, Workflows, ordersFromCsv,
  ordersFromJson, qrPng, qrSvg, reconciliationCsv, setLogger, signParams,
  type ErrorFields, type LogRecord, type Logger, type MerchantOrder, type PaymentOutcome, type ReconciliationReport, type ResponseNode,
  type TradePayRequest, type TradePayResponse, type UploadFile, type WorkflowEvent,
} from 'alipay-core';

export async function usage(key: Buffer): Promise<string> {
  const client = new AlipayClient({ app_id: '2021', app_private_key: key, alipay_public_key: 'MIIB…', gateway: 'sandbox' });
  const request: TradePayRequest = { out_trade_no: 'T1', total_amount: '88.88', subject: '咖啡', auth_code: '28' };
  const paid: TradePayResponse = await client.tradePay(request);
  const amount: string | null = paid.total_amount;
  const status: string | null | undefined = (await client.tradeQuery({ out_trade_no: 'T1' })).trade_status;

  // @ts-expect-error money is a decimal string, never a number
  await client.tradePay({ out_trade_no: 'T2', total_amount: 88.88, subject: 's', auth_code: '28' });
  // @ts-expect-error required fields are required
  await client.tradeRefund({ out_trade_no: 'T1' });

  const form: string = client.tradePagePay({ out_trade_no: 'T3', total_amount: '1', subject: 's' });
  const url: string = client.tradeWapPay({ out_trade_no: 'T4', total_amount: '1', subject: 's' }, 'url');
  // @ts-expect-error a page is a form or a URL
  client.tradePagePay({ out_trade_no: 'T5', total_amount: '1', subject: 's' }, 'pdf');
  const orderString: string = client.withOptions({ notify_url: 'https://shop.example/n' }).tradeAppPay({ out_trade_no: 'T6', total_amount: '1', subject: 's' });
  const bill = await client.downloadBill({ bill_type: 'trade', bill_date: '2026-11-30' });
  const rows: number = bill.trade_details.length;
  const v3 = await client.executeV3('POST', '/v3/alipay/trade/query', { body: { out_trade_no: 'T1' } });
  const traceId: string | null = v3.trace_id;

  try {
    await client.tradeQuery({ out_trade_no: 'NONE' });
  } catch (error) {
    if (error instanceof GatewayError) {
      const fields: ErrorFields = error;
      const reason: string | null = error.subCode;
      const trace: string | null = error.traceId;
      const unknown: boolean = error.outcomeUnknown;
      void [fields, reason, trace, unknown];
    } else if (error instanceof OrderMismatch) {
      const expected: string = error.expected;
      void expected;
    } else if (error instanceof AlipayError) {
      const kind: ErrorFields['kind'] = error.kind;
      void kind;
    }
  }

  const events: WorkflowEvent[] = [];
  const workflows = new Workflows(client, ':memory:', { onEvent: (e) => events.push(e), barcodePolicy: { max_queries: 3 } });
  const controller = new AbortController();
  const outcome: PaymentOutcome = await workflows.payAndWait(request, { signal: controller.signal });
  const handle: PaymentHandle = await workflows.precreateAndWait({ out_trade_no: 'Q1', total_amount: '1', subject: 's' });
  const qr: string | null = handle.qrCode;
  handle.cancel();
  const later: PaymentOutcome = await handle.outcome();
  const refund = await workflows.refundUntilKnown({ out_trade_no: 'T1', refund_amount: '1.00', out_request_no: 'R1' });
  const received = await workflows.receiveNotification(Buffer.from('a=b'));
  received.check({ app_id: '2021', out_trade_no: 'T1', total_amount: '88.88' });
  const first: boolean = received.firstDelivery;
  await workflows.markNotificationHandled(received);
  const recovered = await workflows.recover(['token']);

  const svg: string = qrSvg('https://qr.alipay.com/bax01');
  const png: Buffer = qrPng('https://qr.alipay.com/bax01', 480);
  const handleSvg: string = handle.qrSvg();
  const handlePng: Buffer = handle.qrPng(300);
  // @ts-expect-error a size is a number of pixels
  qrPng('https://qr.alipay.com/bax01', '480');

  const files: UploadFile[] = [
    { field: 'file_content', fileName: 'a.txt', contentType: 'text/plain', content: Buffer.from('a') },
    { field: 'file_content', fileName: 'b.txt', content: Readable.from([Buffer.from('b')]) },
    { field: 'file_content', content: '/srv/c.txt' },
    { field: 'file_content', content: { path: '/srv/d.png' }, contentType: 'image/png' },
  ];
  const node: ResponseNode = await client.upload('alipay.open.file.upload', { biz_code: 'openpt_appstore' }, files);
  // @ts-expect-error bytes need their file name
  await client.upload('alipay.open.file.upload', {}, [{ field: 'file_content', content: Buffer.from('a') }]);
  const fileId: string = (await client.openFileUpload('openpt_appstore', { content: '/srv/terms.pdf' })).file_id;
  const image = await client.offlineMaterialImageUpload({
    imageType: 'png', imageName: 'logo', image: { fileName: 'logo.png', contentType: 'image/png', content: Buffer.from('') },
  });
  const imageUrl: string = image.image_url;
  // @ts-expect-error the image is required
  await client.offlineMaterialImageUpload({ imageType: 'png', imageName: 'logo' });
  const limit: number = MAX_UPLOAD_BYTES;

  const orders: MerchantOrder[] = ordersFromCsv(Buffer.from('out_trade_no,amount,status\nT1,88.88,paid\n'));
  const more: MerchantOrder[] = ordersFromJson('[]');
  const report: ReconciliationReport = await workflows.reconcile('2026-11-30', [...orders, ...more]);
  const matched: boolean = report.items.every((item) => item.finding === 'matched');
  const bare: ReconciliationReport = await workflows.reconcile('2026-11');
  const csv: string = reconciliationCsv(report);
  // @ts-expect-error an order's amount is a decimal string
  await workflows.reconcile('2026-11-30', [{ out_trade_no: 'T1', amount: 88.88, status: 'paid' }]);

  setLogger(console, { level: 'debug' });
  const kept: LogRecord[] = [];
  const keep = (message: string, record: LogRecord) => void kept.push(record);
  const mine: Logger = { debug: keep, info: keep, warn: keep, error: keep };
  setLogger(mine);
  const traces: (string | undefined)[] = kept.map((r) => r.fields.trace_id);
  setLogger(null);
  // @ts-expect-error the levels are error, warn, info and debug
  setLogger(console, { level: 'verbose' });
  // @ts-expect-error a logger has debug, info, warn and error methods
  setLogger({ info: keep });

  const sign: string = signParams({ app_id: '2021' }, 'key');
  return [
    amount, status, form, url, orderString, rows, traceId, outcome.status, qr, later.is_paid, refund.status, first, recovered.length, sign,
    svg, png.length, handleSvg, handlePng.length, node.code, fileId, imageUrl, limit, matched, bare.bill_date, csv,
    traces.length,
  ].join();
}
