"""What a person does in the browser, as reusable steps for the browser tests."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page, expect

TIMEOUT = 10_000


def new_page(browser: Browser, **options: Any) -> tuple[BrowserContext, Page]:
    """A fresh browser profile (its own IndexedDB and cookies) and a page in it."""
    context = browser.new_context(**options)
    context.set_default_timeout(TIMEOUT)
    return context, context.new_page()


class Shots:
    """Numbered screenshots of one test's steps."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.count = 0

    def __call__(self, page: Page, step: str) -> None:
        self.count += 1
        page.screenshot(path=str(self.folder / f"{self.count:02d}-{step}.png"), full_page=True)


def watch_errors(page: Page) -> list[str]:
    """Collect the page's script errors (a test asserts there are none)."""
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def create_key(page: Page, base: str, passphrase: str, *, next_path: str = "") -> str:
    """Create a key on the Key page; return the did:key it shows."""
    page.goto(f"{base}/key" + (f"?next={next_path}" if next_path else ""))
    page.get_by_label("Backup passphrase (at least 10 characters)").fill(passphrase)
    page.get_by_label("The same passphrase again").fill(passphrase)
    page.get_by_role("button", name="Create my key").click()
    expect(page.get_by_test_id("signed-in-as")).to_be_visible()
    if next_path:
        expect(page).to_have_url(re.compile(re.escape(next_path) + "$"))
    did = page.locator('meta[name="commonweal-member"]').get_attribute("content") or ""
    assert did.startswith("did:key:z6Mk")
    return did


def download_backup(page: Page, base: str, folder: Path) -> Path:
    """Download the sealed backup from the Key page."""
    page.goto(f"{base}/key")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download my backup file").click()
    path = folder / "backup.json"
    download.value.save_as(path)
    expect(page.locator("#backup-state")).to_contain_text("You have downloaded")
    return path


def restore_key(page: Page, base: str, key_file: Path, passphrase: str) -> str:
    """Restore (or import) a key file on the Key page and sign in; return the did:key."""
    page.goto(f"{base}/key")
    page.get_by_label("Backup or key file").set_input_files(str(key_file))
    page.get_by_label("Passphrase", exact=True).fill(passphrase)
    page.get_by_role("button", name="Restore and sign in").click()
    expect(page.get_by_test_id("signed-in-as")).to_be_visible(timeout=TIMEOUT)
    expect(page.get_by_test_id("my-did")).to_have_text(re.compile(r"^did:key:z6Mk"))
    return page.get_by_test_id("my-did").inner_text()


def signed_form(page: Page, button: str) -> None:
    """Press a signed form's button and wait for the page to confirm it was logged."""
    page.get_by_role("button", name=button).click()
    expect(page.locator("#status .message.success")).to_be_visible(timeout=TIMEOUT)
