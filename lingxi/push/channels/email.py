"""E-mail pushes over SMTP (settings.smtp_*): one connection per run, a Chinese subject and body per message.

Nothing is sent while no SMTP host is configured; such channel rows stay queued with a note, and go out on the
first run after one is set.
"""

from __future__ import annotations

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from lingxi.push.items import ITEM_TYPE_LABELS
from lingxi.settings import Settings


@dataclass
class Email:
    to: str
    subject: str
    body: str


def compose(item_type: str, title: str, summary: str, link: str, subscription_name: str) -> tuple[str, str]:
    """(subject, body) of one push e-mail."""
    label = ITEM_TYPE_LABELS.get(item_type, (item_type, item_type))[0]
    subject = f"【灵犀精准推送】{label}：{title}"
    body = (f"您好！\n\n您在灵犀平台的订阅「{subscription_name}」有一条新的匹配{label}：\n\n"
            f"{title}\n{summary}\n\n查看详情：{link}\n\n"
            "—— 灵犀 产业知识产权运营服务平台（如需退订，请在平台“我的订阅”中停用该订阅）\n")
    return subject[:300], body


class SmtpSender:
    """Send many messages over one SMTP session; each send reports its own success or error."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None
        self.down = False  # the server could not be reached in this run: the other e-mails wait for the next

    @property
    def configured(self) -> bool:
        return bool(self.settings.smtp_host)

    def _connect(self) -> smtplib.SMTP:
        if self._smtp is None:
            s = self.settings
            smtp = smtplib.SMTP(s.smtp_host, s.smtp_port, timeout=s.smtp_timeout)
            if s.smtp_starttls:
                smtp.starttls()
            if s.smtp_user:
                smtp.login(s.smtp_user, s.smtp_password or "")
            self._smtp = smtp
        return self._smtp

    def send(self, email: Email) -> str | None:
        """None when the server accepted the message, else the error to record."""
        message = EmailMessage()
        message["From"] = self.settings.smtp_from
        message["To"] = email.to
        message["Subject"] = email.subject
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain="lingxi")
        message.set_content(email.body, charset="utf-8")
        try:
            smtp = self._connect()
        except (smtplib.SMTPException, OSError) as error:
            self.down = True
            return f"cannot reach the SMTP server: {type(error).__name__}: {error}"[:1000]
        try:
            smtp.send_message(message)
            return None
        except (smtplib.SMTPException, OSError) as error:
            self.close()  # a broken session is not reused for the next message
            return f"{type(error).__name__}: {error}"[:1000]

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self._smtp = None
