"""The README's QR checkout page (Flask) in headless Chromium against the sandbox: the page shows the
QR image (screenshotted to `target/checkout-page*.png`), the buyer scans through the sandbox's scan
endpoint, and the page learns of the payment by polling the backend, whose `precreate_and_wait` saw it.

Needs Flask and Selenium (installed by `scripts/python-env`) and Debian's `chromium` and
`chromium-driver` (installed by `.ci/run`); skipped without them, except under CI, where it fails."""

import os
import pathlib
import shutil
import threading
import urllib.request

import pytest

import alipay_core
import sandbox
from conftest import client_of
from test_readme_examples import python_blocks

ROOT = pathlib.Path(__file__).resolve().parents[2]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


def browser():
    missing = [name for name, found in [("chromium", CHROMIUM), ("chromedriver", CHROMEDRIVER)] if not found]
    try:
        import flask  # noqa: F401
    except ImportError:
        missing.append("flask")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        missing.append("selenium")
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser test: missing {', '.join(missing)}")
        pytest.skip(f"no {', '.join(missing)}")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=480,480"]:
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def serve(app):
    """The Flask app on a free loopback port, in a thread; (base URL, server)."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def test_the_checkout_page_shows_the_qr_code_and_learns_of_the_payment(gateway, order):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser()
    block = next(b for b in python_blocks() if "qr_svg" in b)
    example = {"__name__": "__main__", "workflows": alipay_core.Workflows(client_of(gateway), ":memory:")}
    exec(block, example)
    base, server = serve(example["page"])
    try:
        no = order("PAGE")
        driver.get(f"{base}/pay/{no}")
        WebDriverWait(driver, 20).until(
            lambda d: d.execute_script("const i = document.getElementById('qr'); return i.complete && i.naturalWidth > 0")
        )
        assert driver.find_element(By.ID, "status").text == "Scan to pay 12.00"
        target = ROOT / "target"
        target.mkdir(exist_ok=True)
        driver.save_screenshot(str(target / "checkout-page.png"))
        with urllib.request.urlopen(f"{base}/qr/{no}.svg", timeout=10) as svg:
            assert svg.headers["Content-Type"].startswith("image/svg+xml") and b"<svg" in svg.read()

        sandbox.control(gateway, "/sandbox/qr/scan", {"out_trade_no": no})
        WebDriverWait(driver, 30).until(lambda d: d.find_element(By.ID, "status").text == "paid")
        driver.save_screenshot(str(target / "checkout-page-paid.png"))
        trades = {t["out_trade_no"]: t for t in sandbox.control(gateway, "/sandbox/trades")}
        assert trades[no]["trade_status"] == "TRADE_SUCCESS"
        assert example["outcomes"][no].is_paid
    finally:
        driver.quit()
        server.shutdown()
