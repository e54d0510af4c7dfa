"""A member who reads Arabic and lives in Dubai joins, proposes and votes, in the browser.

The browser says ``ar-AE`` and the Asia/Dubai time zone, as a phone in Dubai would. Every
page is laid out right to left (``<html lang="ar" dir="rtl">``, the header mirrored), its
text is the Arabic catalogue's (the test finds the fields and buttons by their Arabic
names), and every time is shown in Dubai's time, four hours ahead of UTC, with the zone
named. Her notification preferences then name the same language and zone, which the node
keeps for her whatever browser she uses next.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from commonweal.core.rfc3339 import parse_utc
from tests.web.browser.live import LiveNode
from tests.web.browser.steps import TIMEOUT, Shots, new_page, watch_errors

PASSPHRASE = "أضواء الميناء عند الغروب"
WEEK = 7 * 86_400
DUBAI_ZONE_NAME = "توقيت الإمارات العربية المتحدة"


def right_to_left(page: Page) -> None:
    """The page is Arabic and mirrored: the site's name on the right, the account on the left."""
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    brand = page.locator("header.site .brand").bounding_box()
    account = page.locator("header.site .account").bounding_box()
    assert brand and account
    assert brand["x"] > account["x"], (brand, account)


def dubai_wall_clock(text: str) -> str:
    """An RFC 3339 UTC time as Dubai's clock reads it, "6:05" (Arabic times are 12-hour)."""
    local = parse_utc(text) + timedelta(hours=4)  # Dubai keeps UTC+4 all year
    hour = local.hour % 12 or 12
    return f"{hour}:{local.minute:02d}"


def signed(page: Page, button: str) -> None:
    page.get_by_role("button", name=button).click()
    expect(page.locator("#status .message.success")).to_be_visible(timeout=TIMEOUT)


@pytest.mark.slow
def test_an_arabic_reader_in_dubai_joins_proposes_and_votes(
    browser: Browser, live: LiveNode, artifacts: Path
) -> None:
    shot = Shots(artifacts)
    context, layla = new_page(
        browser, locale="ar-AE", timezone_id="Asia/Dubai", accept_downloads=True
    )
    errors = watch_errors(layla)

    # 1. The home page in Arabic, right to left; the page keeps the browser's zone.
    layla.goto(live.url)
    right_to_left(layla)
    expect(layla.get_by_role("navigation", name="الرئيسية")).to_contain_text("المقترحات")
    layla.reload()  # page.js has kept Asia/Dubai for the node
    expect(layla.locator("footer .reader")).to_have_text(f"تُعرض الأوقات بحسب {DUBAI_ZONE_NAME}.")
    shot(layla, "home")

    # 2. Her key, made in this browser, on a page in Arabic.
    layla.goto(f"{live.url}/key?next=/join")
    right_to_left(layla)
    layla.get_by_label("عبارة مرور النسخة الاحتياطية (10 أحرف على الأقل)").fill(PASSPHRASE)
    layla.get_by_label("العبارة نفسها مرة أخرى").fill(PASSPHRASE)
    layla.get_by_role("button", name="أنشئ مفتاحي").click()
    expect(layla.get_by_test_id("signed-in-as")).to_be_visible()
    expect(layla).to_have_url(re.compile(r"/join$"))
    did = layla.locator('meta[name="commonweal-member"]').get_attribute("content") or ""
    assert did.startswith("did:key:z6Mk")
    shot(layla, "key")

    # 3. She applies; two founders vouch; she is a member.
    expect(layla.get_by_role("heading", level=1)).to_have_text("انضم إلى Harbour Guild")
    layla.get_by_label("اسمك").fill("ليلى حداد")
    layla.get_by_role("button", name="وقّع طلبي وأرسله").click()
    expect(layla.get_by_test_id("vouch-count")).to_have_text("0 من 2")
    right_to_left(layla)
    shot(layla, "applied")
    for founder in ("alice", "bob"):
        live.act(founder, "membership.vouch.given", {"applicant": did})
    live.wait_for(lambda: live.get(f"/v1/members/{did}")["status"] == "member", "admission")
    layla.goto(f"{live.url}/join")
    expect(layla.get_by_test_id("joined")).to_have_text("أنت عضو في Harbour Guild. أهلًا وسهلًا!")
    shot(layla, "member")

    # 4. She proposes, in Arabic, and opens it for discussion.
    layla.goto(f"{live.url}/proposals/new")
    right_to_left(layla)
    layla.get_by_label("نوع المقترح").select_option("decision")
    layla.get_by_label("العنوان").fill("قارب لتنظيف الميناء")
    layla.get_by_label("ما تقترحه").fill("نشتري قارب تجديف مستعملًا لتنظيف الميناء.")
    layla.get_by_role("button", name="احفظ المسودة").click()
    expect(layla).to_have_url(re.compile(r"/proposals/\d+$"))
    proposal = int(layla.url.rsplit("/", 1)[1])
    signed(layla, "افتحه للنقاش")
    expect(layla.get_by_test_id("phase")).to_have_text("قيد النقاش")
    shot(layla, "proposed")

    # 5. A week later the vote is open: its times are Dubai's, the zone named.
    live.advance(WEEK + 60)
    live.wait_for_phase(proposal, "voting")
    layla.goto(f"{live.url}/proposals/{proposal}")
    right_to_left(layla)
    voting_until = live.get(f"/v1/proposals/{proposal}")["voting_until"]
    closes = layla.locator(f'time[datetime="{voting_until}"]').first
    expect(closes).to_contain_text(dubai_wall_clock(voting_until))
    expect(closes).to_contain_text(f"({DUBAI_ZONE_NAME})")
    # the Arabic date: day/month/year with right-to-left marks, and "م" or "ص" for pm or am
    until = parse_utc(voting_until) + timedelta(hours=4)
    expect(closes).to_contain_text(f"{until:%d}\u200f/{until:%m}\u200f/{until:%Y}")
    assert re.search("[مص]", closes.inner_text())
    shot(layla, "voting")

    # 6. She votes yes.
    layla.get_by_role("radio", name="نعم").check()
    signed(layla, "أدلِ بصوتي")
    expect(layla.get_by_test_id("my-vote")).to_contain_text("صوّتَّ:")
    expect(layla.get_by_test_id("direct-voters")).to_have_text("1")
    shot(layla, "voted")
    assert live.get(f"/v1/proposals/{proposal}")["phase"] == "voting"

    # 7. She keeps Arabic and Dubai in her notification preferences: the node then shows
    # her pages so whatever the browser says (here: English, and a UTC clock).
    layla.goto(f"{live.url}/notifications")
    form = layla.locator("[data-preferences]")
    expect(form.locator("[data-status]")).to_be_empty()
    expect(layla.locator("[data-notification-list]")).to_contain_text("لا شيء بعد.")  # loaded
    # never kept before: the fields offer the page's own language and zone, not en and UTC
    expect(layla.get_by_role("combobox", name="اللغة")).to_have_value("ar")
    expect(layla.get_by_label("المنطقة الزمنية")).to_have_value("Asia/Dubai")
    layla.get_by_role("button", name="احفظ، موقَّعًا بمفتاحك").click()
    expect(form.locator("[data-status]")).to_have_text("تم الحفظ.")  # the script's, in Arabic
    context.set_extra_http_headers({"Accept-Language": "en-GB,en;q=0.9"})
    context.add_cookies([{"name": "cw_tz", "value": "UTC", "url": live.url}])
    layla.goto(f"{live.url}/proposals/{proposal}")
    right_to_left(layla)
    expect(layla.locator(f'time[datetime="{voting_until}"]').first).to_contain_text(
        f"({DUBAI_ZONE_NAME})"
    )
    shot(layla, "preferences-kept")

    assert errors == []
    context.close()
