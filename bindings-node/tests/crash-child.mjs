// A process that starts one payment whose buyer never confirms, says READY once the buyer is being
// waited for, and waits to be killed:
// what a crash leaves in the journal. Run by workflows.test.mjs with one JSON argument:
// [settings, call options, journal, out_trade_no, auth_code].
import { AlipayClient, Workflows } from 'alipay-core';

const [settings, options, journal, outTradeNo, authCode] = JSON.parse(process.argv[2]);
const workflows = new Workflows(new AlipayClient(settings).withOptions(options), journal, {
  barcodePolicy: { query_interval: 5, max_queries: 5, cancel_interval: 0.05 },
  // The payment reached Alipay and the buyer is deciding: the moment to be killed.
  onEvent: (event) => event.kind === 'waiting_for_buyer' && console.log('READY'),
});
(await workflows.startPay({ out_trade_no: outTradeNo, total_amount: '8', subject: 's', auth_code: authCode })).detach();
setTimeout(() => {}, 120_000);
