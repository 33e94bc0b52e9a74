"""The receipts page in a real Chromium, driven by Selenium.

Signs in, pages through a wallet's history to its funding, drops a JPEG, a PDF, an MP4 and
an MP3 onto it, waits for them to become ready thumbnails, opens each, has a corrupt JPEG
rejected, checks the layout at a phone's width and saves screenshots. Run by Tests/GreyTests/BrowserTests.swift against a live Grey:

    GREY_API_KEY=grey_... receipts_flow.py --base-url http://127.0.0.1:PORT --user-id usr_... \
        --wallet-id wal_... --transaction-id txn_... [--min-history-pages 2] \
        --samples samples --screenshots DIR

Exits non-zero with a message on the first failed check. Uses the system's chromium and
chromedriver only, so Selenium Manager never goes to the network.
"""

import argparse
import os
import sys
import time
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

# CI has two shared cores: waits are generous and nothing is timed.
WAIT = 120
PHONE = (375, 800)
LAPTOP = (1280, 900)


class CheckFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


def make_driver():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={LAPTOP[0]},{LAPTOP[1]}", "--no-first-run", "--disable-extensions"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path="/usr/bin/chromedriver")
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_script_timeout(WAIT)
    # The page then scrolls at once, so screenshots never catch it mid-scroll.
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-reduced-motion", "value": "reduce"}]})
    return driver


class Page:
    """The page under test, with the waits and probes the flow needs."""

    def __init__(self, driver, base_url, screenshots):
        self.driver = driver
        self.base_url = base_url.rstrip("/")
        self.screenshots = screenshots

    def until(self, predicate, what, timeout=WAIT):
        # An element the page re-rendered between finding and probing it is "not yet".
        wait = WebDriverWait(self.driver, timeout, poll_frequency=0.25, ignored_exceptions=(StaleElementReferenceException,))
        try:
            return wait.until(lambda _: predicate())
        except TimeoutException:
            notice = self.js("const n = document.getElementById('notice'); return n && !n.hidden ? n.textContent : ''")
            uploads = self.js("return Array.from(document.querySelectorAll('#uploads li'), li => li.textContent).join(' | ')")
            raise CheckFailed(f"timed out waiting for {what} (notice: {notice!r}; uploads: {uploads!r})")

    def js(self, script, *arguments):
        return self.driver.execute_script(script, *arguments)

    def visible(self, css):
        elements = self.driver.find_elements(By.CSS_SELECTOR, css)
        return elements[0] if elements and elements[0].is_displayed() else None

    def click(self, css, what):
        element = self.until(lambda: self.visible(css), what)
        self.js("arguments[0].scrollIntoView({block: 'center'})", element)
        element.click()

    def notice(self):
        return self.js("const n = document.getElementById('notice'); return n.hidden ? '' : n.textContent")

    def scroll_to(self, css):
        """Brings the element to the top of the viewport, with its heading above it."""
        self.js("const box = document.querySelector(arguments[0]).getBoundingClientRect();"
                "window.scrollBy(0, box.top - 80)", css)

    def screenshot(self, name):
        path = os.path.join(self.screenshots, f"{name}.png")
        self.driver.save_screenshot(path)
        print(f"screenshot {path}")

    def set_width(self, size, mobile):
        """Emulates a viewport of exactly `size` (CSS pixels), as a phone when `mobile`."""
        width, height = size
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
            "width": width, "height": height, "deviceScaleFactor": 2 if mobile else 1, "mobile": mobile,
        })
        self.until(lambda: self.js("return window.innerWidth") == width, f"a viewport {width} wide")


def sign_in(page, key):
    page.driver.get(page.base_url + "/")
    page.until(lambda: page.visible("#api-key"), "the sign-in form")
    check(page.js("return document.querySelectorAll('script:not([src])').length") == 0, "the page has an inline script")

    # A wrong key is refused with a clear message and nothing is stored.
    page.driver.find_element(By.ID, "api-key").send_keys("grey_not_a_real_key")
    page.driver.find_element(By.CSS_SELECTOR, "#sign-in-form button[type=submit]").click()
    page.until(lambda: "refused" in page.notice(), "the refusal of a wrong key")
    check("401" in page.notice() or "not valid" in page.notice(), f"the refusal does not say why: {page.notice()!r}")
    check(page.js("return sessionStorage.length") == 0, "a refused key was kept")

    field = page.driver.find_element(By.ID, "api-key")
    field.clear()
    field.send_keys(key)
    page.driver.find_element(By.CSS_SELECTOR, "#sign-in-form button[type=submit]").click()
    page.until(lambda: page.visible("#find-id"), "the signed-in workspace")
    check(key not in page.driver.current_url, "the API key is in the URL")
    check(page.js("return Object.values(sessionStorage).includes(arguments[0])", key), "the key is not in sessionStorage")


def open_transaction(page, user_id, wallet_id, transaction_id, min_pages):
    page.driver.find_element(By.ID, "find-id").send_keys(user_id)
    page.driver.find_element(By.CSS_SELECTOR, "#find-form button[type=submit]").click()
    # Finding a user with one wallet opens it; a double click on it opens it twice more while
    # the first page is still on its way. The history must still show each posting once.
    wallet = page.until(lambda: page.visible(f'#wallets button[data-wallet-id="{wallet_id}"]'), "the user's wallet")
    page.js("arguments[0].click(); arguments[0].click()", wallet)
    row_css = f'#history-list button[data-transaction-id="{transaction_id}"]'
    page.until(lambda: page.visible("#history-list li"), "the wallet's history")
    pages = 1
    # Newest first: older postings are behind the "More" button, one cursor page at a time.
    while not page.visible(row_css):
        check(pages < 20, "the funding never showed in the history")
        count = len(page.driver.find_elements(By.CSS_SELECTOR, "#history-list li"))
        page.click("#history-more", "the More button of the history")
        page.until(lambda: len(page.driver.find_elements(By.CSS_SELECTOR, "#history-list li")) > count, "the next page of history")
        pages += 1
    check(pages >= min_pages, f"the funding was on page {pages} of the history, expected at least {min_pages}")
    ids = page.js("return Array.from(document.querySelectorAll('#history-list [data-transaction-id]'), b => b.dataset.transactionId)")
    check(len(ids) == len(set(ids)), "a transaction shows twice in the history")
    check(not page.visible("#history-more"), "More is still offered after the last page")
    print(f"history: {len(ids)} transactions on {pages} pages")
    row = page.visible(row_css)
    # The funding of 1234 EUR: 12.34, and the balance after it.
    check("+12.34 EUR" in row.text, f"the history row does not show +12.34 EUR: {row.text!r}")
    check("balance 12.34 EUR" in row.text, f"the history row does not show the balance after: {row.text!r}")
    page.click(row_css, "the history row")
    page.until(lambda: page.visible("#transaction-facts") and transaction_id in page.driver.find_element(By.ID, "transaction-title").text,
               "the opened transaction")
    page.until(lambda: page.visible("#receipts li"), "the (empty) receipts list")


def watch_upload_states(page):
    """Records every state each upload row passes through, for the checks after."""
    page.js("""
        window.__uploadStates = {};
        new MutationObserver((changes) => {
          for (const change of changes) {
            const row = change.target.closest ? change.target.closest('li.upload') : null;
            if (!row) continue;
            const name = row.querySelector('.name').textContent;
            const seen = window.__uploadStates[name] ??= [];
            if (seen.at(-1) !== row.dataset.state) seen.push(row.dataset.state);
          }
        }).observe(document.getElementById('uploads'), {subtree: true, attributes: true, attributeFilter: ['data-state'], childList: true});
    """)


def drop_files(page, paths):
    """Drops files on the drop zone with a real drop event: WebDriver puts the files in a
    scratch input (it cannot drag from the OS), and a DataTransfer carries them."""
    page.js("""
        const input = document.createElement('input');
        input.type = 'file'; input.multiple = true; input.id = 'test-drop-source'; input.hidden = true;
        document.body.append(input);
    """)
    page.driver.find_element(By.ID, "test-drop-source").send_keys("\n".join(paths))
    count = page.js("""
        const source = document.getElementById('test-drop-source');
        const zone = document.getElementById('drop-zone');
        const transfer = new DataTransfer();
        for (const file of source.files) transfer.items.add(file);
        for (const type of ['dragenter', 'dragover', 'drop']) {
          zone.dispatchEvent(new DragEvent(type, {dataTransfer: transfer, bubbles: true, cancelable: true}));
        }
        source.remove();
        return transfer.files.length;
    """)
    check(count == len(paths), f"only {count} of {len(paths)} files were dropped")


def tile_css(name):
    return f'#receipts li[data-status="ready"] button[aria-label="Open {name}"]'


def upload_state(page, name):
    return page.js("""
        const row = Array.from(document.querySelectorAll('#uploads li.upload')).find(r => r.querySelector('.name').textContent === arguments[0]);
        return row ? row.dataset.state : null;
    """, name)


def wait_for_ready_tiles(page, names):
    for name in names:
        page.until(lambda name=name: upload_state(page, name) in ("ready", "rejected", "failed"), f"the upload of {name} to settle")
        check(upload_state(page, name) == "ready", f"the upload of {name} ended {upload_state(page, name)}")
    for name in names:
        page.until(lambda name=name: page.visible(tile_css(name)), f"a ready tile for {name}")
        page.until(lambda name=name: page.js(
            "const img = document.querySelector(arguments[0] + ' img'); return !!img && img.complete && img.naturalWidth > 0",
            tile_css(name)), f"the thumbnail of {name} to load")
    for name in names:
        states = page.js("return window.__uploadStates[arguments[0]] || []", name)
        print(f"{name}: {' -> '.join(states)}")
        for state in ("awaiting_upload", "processing", "ready"):
            check(state in states, f"{name} never showed {state}: {states}")
        check(states[-1] == "ready", f"{name} ended {states[-1]}")
    done = page.js("""return Array.from(document.querySelectorAll('#uploads progress'), p => p.value === p.max && p.max > 1)""")
    check(done and all(done), f"a progress bar is not full: {done}")


def fetch(url, method="GET"):
    request = urllib.request.Request(url, method=method)
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, response.headers.get("Content-Type", ""), response.read()


def open_image(page, name):
    page.click(tile_css(name), f"the tile of {name}")
    selector = '#viewer img[data-role="receipt-image"]'
    page.until(lambda: page.js(
        "const img = document.querySelector(arguments[0]); return !!img && img.complete && img.naturalWidth > 0", selector),
        f"{name} shown in the viewer")
    width = page.js("return document.querySelector(arguments[0]).naturalWidth", selector)
    source = page.js("return document.querySelector(arguments[0]).src", selector)
    check(source.startswith(page.base_url + "/v1/"), f"the image is not Grey's: {source}")
    print(f"{name}: shown, {width} px wide, from {source.split('?')[0]}")


def open_pdf(page, name):
    page.click(tile_css(name), f"the tile of {name}")
    selector = '#viewer iframe[data-role="receipt-pdf"]'
    frame = page.until(lambda: page.visible(selector), f"{name} in the viewer")
    source = frame.get_attribute("src")
    check(source.startswith(page.base_url + "/v1/files/") and "/content?" in source,
          f"the PDF frame's source is not a signed download URL: {source}")
    check("disposition=inline" in source, f"the PDF URL is not inline: {source}")
    status, content_type, body = fetch(source)
    check(status == 200 and content_type.startswith("application/pdf"), f"the PDF URL answers {status} {content_type}")
    check(body.startswith(b"%PDF-"), "the PDF URL does not serve a PDF")
    status, content_type, _ = fetch(source, "HEAD")
    check(status == 200 and content_type.startswith("application/pdf"), f"HEAD of the PDF URL answers {status} {content_type}")
    print(f"{name}: shown in a frame from {source.split('?')[0]} ({content_type})")


def open_media(page, name, tag):
    """A video or audio receipt plays from its signed URL: the element loads its metadata."""
    page.click(tile_css(name), f"the tile of {name}")
    selector = f'#viewer {tag}[data-role="receipt-{tag}"]'
    page.until(lambda: page.js(
        "const m = document.querySelector(arguments[0]); return !!m && (m.readyState >= 1 || !!m.error)", selector),
        f"{name} to load in the viewer")
    state = page.js("const m = document.querySelector(arguments[0]); return {error: m.error && m.error.message, duration: m.duration, src: m.src}", selector)
    check(not state["error"], f"{name} does not play: {state['error']}")
    check(state["src"].startswith(page.base_url + "/v1/files/") and "disposition=inline" in state["src"],
          f"{name} is not played from a signed inline URL: {state['src']}")
    print(f"{name}: plays in <{tag}>, {state['duration']:.1f} s")


def upload_rejected(page, path, code):
    """The file picker, with a file the workers refuse: the row says so, with its code."""
    name = os.path.basename(path)
    page.driver.find_element(By.ID, "file-input").send_keys(path)
    page.until(lambda: upload_state(page, name) in ("ready", "rejected", "failed"), f"the upload of {name} to settle")
    check(upload_state(page, name) == "rejected", f"{name} ended {upload_state(page, name)}, not rejected")
    message = page.js("""
        const row = Array.from(document.querySelectorAll('#uploads li.upload')).find(r => r.querySelector('.name').textContent === arguments[0]);
        return row.querySelector('.message').textContent;
    """, name)
    check(code in message, f"the rejection of {name} does not name {code}: {message!r}")
    print(f"{name}: {message}")


def check_phone_layout(page, label, focus=None):
    page.set_width(PHONE, mobile=True)
    if focus:
        page.scroll_to(focus)
    scroll_width = page.js("return document.documentElement.scrollWidth")
    check(scroll_width <= PHONE[0], f"{label}: the page scrolls sideways at {PHONE[0]} px (scrollWidth {scroll_width})")
    page.screenshot(f"phone-{label}")
    page.set_width(LAPTOP, mobile=False)


def check_console(page):
    """No script error and no Content-Security-Policy violation was logged."""
    entries = page.driver.get_log("browser")
    problems = [entry["message"] for entry in entries
                if "Content Security Policy" in entry["message"] or "Uncaught" in entry["message"]]
    check(not problems, "the console shows problems:\n" + "\n".join(problems))


def run(arguments):
    os.makedirs(arguments.screenshots, exist_ok=True)
    samples = os.path.abspath(arguments.samples)
    receipts = ["photo.jpg", "document.pdf", "clip.mp4", "tone.mp3"]
    driver = make_driver()
    try:
        page = Page(driver, arguments.base_url, arguments.screenshots)
        page.set_width(LAPTOP, mobile=False)
        sign_in(page, arguments.key)
        open_transaction(page, arguments.user_id, arguments.wallet_id, arguments.transaction_id, arguments.min_history_pages)
        check_phone_layout(page, "transaction", "#transaction")

        watch_upload_states(page)
        drop_files(page, [os.path.join(samples, name) for name in receipts])
        wait_for_ready_tiles(page, receipts)
        page.scroll_to("#receipts")
        page.screenshot("laptop-after-upload")
        check_phone_layout(page, "after-upload", "#receipts")

        open_image(page, "photo.jpg")
        page.scroll_to("#viewer")
        page.screenshot("laptop-image-open")
        check_phone_layout(page, "image-open", "#viewer")
        open_pdf(page, "document.pdf")
        time.sleep(3)  # only so the screenshot shows the rendered page; nothing waits on it
        page.scroll_to("#viewer")
        page.screenshot("laptop-pdf-open")
        check_phone_layout(page, "pdf-open", "#viewer")

        open_media(page, "clip.mp4", "video")
        open_media(page, "tone.mp3", "audio")
        page.scroll_to("#viewer")
        page.screenshot("laptop-audio-open")

        upload_rejected(page, os.path.join(samples, "bad", "truncated.jpg"), "corrupt")
        check_console(page)

        page.click("#sign-out", "the sign-out button")
        page.until(lambda: page.visible("#api-key"), "the sign-in form after signing out")
        check(page.js("return sessionStorage.length") == 0, "signing out left the key in sessionStorage")
        print("receipts flow: ok")
    finally:
        driver.quit()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--key", default=os.environ.get("GREY_API_KEY"))
    parser.add_argument("--user-id", required=True)
    parser.add_argument("--wallet-id", required=True)
    parser.add_argument("--transaction-id", required=True)
    parser.add_argument("--min-history-pages", type=int, default=1,
                        help="the page of the wallet's history the transaction must be on, at least")
    parser.add_argument("--samples", required=True)
    parser.add_argument("--screenshots", required=True)
    arguments = parser.parse_args()
    if not arguments.key:
        parser.error("give --key or GREY_API_KEY")
    try:
        run(arguments)
    except CheckFailed as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
