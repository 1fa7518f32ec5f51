"""QR images, file uploads and reconciliation from Python, against the sandbox."""

import io
import struct
import zlib
from decimal import Decimal

import pytest

import alipay_core
import sandbox
from alipay_core import Finding, InvalidInput, UploadFile
from conftest import client_of

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def png_size(png: bytes):
    """(width, height) from a PNG's IHDR chunk."""
    assert png.startswith(PNG_MAGIC)
    return struct.unpack(">II", png[16:24])


def test_qr_images_as_svg_and_png_and_from_a_precreate_handle(fast_gateway, order):
    text = "https://qr.alipay.com/bax08431ptpwnzudonnb00f5"
    assert "<svg" in alipay_core.qr_svg(text)
    width, height = png_size(alipay_core.qr_png(text, 300))
    assert width == height and width <= 300
    with pytest.raises(InvalidInput, match="size"):
        alipay_core.qr_png(text, 10)

    from test_workflows import workflows_for

    handle = workflows_for(fast_gateway).precreate_and_wait(out_trade_no=order("QRIMG"), total_amount="3", subject="s")
    assert "<svg" in handle.qr_svg()
    assert handle.qr_png(200).startswith(PNG_MAGIC)
    handle.cancel()
    barcode = workflows_for(fast_gateway).start_pay(
        out_trade_no=order("BARQR"), total_amount="1", subject="s", auth_code=sandbox.PAYS_AT_ONCE
    )
    with pytest.raises(InvalidInput) as none:
        barcode.qr_svg()
    assert none.value.field == "qr_code"
    barcode.outcome()


def test_upload_bytes_and_a_path_and_the_typed_uploads(client, gateway, tmp_path):
    answer = client.open_file_upload("openpt_appstore", UploadFile("报表.csv", "text/csv", b"a,b\n1,2\n"))
    assert answer.file_id.startswith("A*")
    image = tmp_path / "logo.png"
    image.write_bytes(PNG_MAGIC + b"rest of the image")
    uploaded = client.offline_material_image_upload("png", "门头", UploadFile.from_path(image))
    assert uploaded.image_url.endswith(uploaded.image_id)
    node = client.upload(
        "alipay.open.file.upload",
        {"biz_code": "content_creation"},
        [UploadFile("a.bin", content=b"\x00\x01", field="file_content")],
    )
    assert node.data["file_id"].startswith("A*")
    with pytest.raises(InvalidInput, match="file_name"):
        client.open_file_upload("x", UploadFile('a"b.png', "image/png", b"x"))
    with pytest.raises(alipay_core.GatewayError) as refused:
        client.offline_material_image_upload("png", "x", UploadFile("a.png", "image/png", b"GIF89a"))
    assert refused.value.sub_code == "isv.invalid-file-content"


def test_async_upload(gateway):
    import asyncio

    client = client_of(gateway, alipay_core.AsyncClient)
    answer = asyncio.run(client.open_file_upload("openpt_appstore", UploadFile("a.txt", "text/plain", b"hi")))
    assert answer.file_id


def test_reconcile_yesterday_with_the_journal_and_the_orders(fresh_gateway, order, tmp_path):
    from test_workflows import workflows_for

    workflows = workflows_for(fresh_gateway)
    no = order("REC")
    paid = workflows.pay_and_wait(out_trade_no=no, total_amount="12.00", subject="s", auth_code=sandbox.PAYS_AT_ONCE)
    day = paid.response.gmt_payment[:10]
    sandbox.advance(fresh_gateway, 86400)

    report = workflows.reconcile(day)
    assert [(i.finding, i.out_trade_no, i.bill_amount) for i in report.items] == [
        (Finding.MATCHED, no, Decimal("12.00"))
    ]
    assert report.totals.service_fee == Decimal("-0.07") and report.totals.mismatched == 0

    orders = alipay_core.orders_from_csv(f"out_trade_no,amount,status\n{no},12.50,paid\n")
    with_orders = workflows.reconcile(day, orders)
    differs = [i for i in with_orders.items if i.finding == Finding.AMOUNT_DIFFERS]
    assert [(i.source, i.recorded_amount) for i in differs] == [("orders", Decimal("12.50"))]
    csv = alipay_core.reconciliation_csv(with_orders)
    assert csv.lstrip("\ufeff").startswith("finding,kind,source,")
    assert "amount_differs,payment,orders," + no in csv

    with pytest.raises(InvalidInput, match="row 2"):
        alipay_core.orders_from_csv(b"out_trade_no,amount,status\nA,1.001,paid\n")
