"""Mail over SMTP for notifications: the settings, the message, one delivery.

SMTP is off unless ``COMMONWEAL_SMTP_HOST`` is set (docs/notifications.md, "SMTP
settings"). A message that is not urgent carries RFC 8058 one-click unsubscribe
headers: ``List-Unsubscribe: <https://…/unsubscribe/TOKEN>`` and
``List-Unsubscribe-Post: List-Unsubscribe=One-Click``. Its ``Message-ID`` is derived
from the outbox row, so a mail delivered twice (a crash between handing it to the
server and marking it sent) is recognisably the same mail.
"""

from __future__ import annotations

import smtplib
import ssl
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from commonweal.core.language import _
from commonweal.node.kernel.config import SmtpConfig

SECURITY = ("none", "starttls", "ssl")


class PermanentFailure(Exception):
    """The server refused the mail for good (a 5xx answer): no retry will help."""


MailSettings = SmtpConfig
"""The SMTP settings (``node.kernel.config.SmtpConfig``)."""


def smtp_config(
    host: str | None,
    *,
    port: int | None = None,
    sender: str | None = None,
    security: str = "none",
    user: str | None = None,
    password: str | None = None,
) -> SmtpConfig | None:
    """The settings the options name (``--smtp-*``, ``COMMONWEAL_SMTP_*``), or None when
    no host is named: mail is off. ``ValueError`` for an unknown ``security``."""
    if not host or not host.strip():
        return None
    security = (security or "none").strip().lower()
    if security not in SECURITY:
        raise ValueError(f"--smtp-security must be one of {', '.join(SECURITY)}")
    default_port = {"none": 25, "starttls": 587, "ssl": 465}[security]
    return SmtpConfig(
        host=host.strip(),
        port=port or default_port,
        sender=sender or "commonweal@localhost",
        security=security,
        user=user or None,
        password=password or None,
    )


def build_message(
    settings: MailSettings,
    *,
    to: str,
    subject: str,
    text: str,
    link: str,
    unsubscribe: str | None,
    message_key: str,
    date: datetime,
) -> EmailMessage:
    """The mail for one notification; ``unsubscribe`` is the one-click URL (None: urgent).
    Its footer is said in the current language (the caller speaks the recipient's)."""
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(date)
    domain = settings.sender.rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(idstring=message_key, domain=domain)
    body = f"{text}\n\n{link}\n"
    if unsubscribe is not None:
        message["List-Unsubscribe"] = f"<{unsubscribe}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        body += "\n" + _("To stop these mails about this topic, open %(link)s", link=unsubscribe)
    else:
        body += "\n" + _("This notice is always sent: it concerns your own key.")
    body += "\n"
    message.set_content(body)
    return message


def deliver(settings: MailSettings, message: EmailMessage) -> None:
    """Hand ``message`` to the SMTP server; :class:`PermanentFailure` on a 5xx refusal,
    ``OSError``/``smtplib.SMTPException`` for anything worth retrying."""
    client: smtplib.SMTP
    if settings.security == "ssl":
        context = ssl.create_default_context()
        client = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=settings.timeout, context=context
        )
    else:
        client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    try:
        if settings.security == "starttls":
            client.starttls(context=ssl.create_default_context())
        if settings.user and settings.password:
            client.login(settings.user, settings.password)
        try:
            client.send_message(message)
        except smtplib.SMTPRecipientsRefused as refused:
            codes = [code for code, _text in refused.recipients.values()]
            if all(code >= 500 for code in codes):
                raise PermanentFailure(f"the server refused the address ({codes})") from None
            raise
        except smtplib.SMTPResponseException as answer:
            if answer.smtp_code >= 500:
                raise PermanentFailure(f"{answer.smtp_code} {answer.smtp_error!r}") from None
            raise
    finally:
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            client.close()
