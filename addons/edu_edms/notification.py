# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Notifications of the actions due in the document flow (R22.7).

``notify(users, message_id, document, **kwargs)`` tells each user, in the
user's own language, about a document: a Tryton in-application
notification (``res.notification``, shown by sao's bell, opening the
document) and an e-mail through ``trytond.sendmail`` when the user has an
address.  The e-mail is sent when the transaction commits; an SMTP server
that is down is logged and never fails the transaction (nor does a
broken address).  Used by the approval routes (to approve, to sign,
rejected, returned, approved, signed, overdue) and by the resolutions
(to execute, overdue).

The text is the ir.message ``message_id`` formatted with ``document``
(the document's number or summary) and ``kwargs``; the description is the
document's summary.
"""
import json
import logging
from collections import defaultdict
from email.message import EmailMessage

from trytond import config as trytond_config
from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.sendmail import send_message_transactional
from trytond.transaction import Transaction, without_check_access

__all__ = ['notify']
logger = logging.getLogger(__name__)

DOCUMENT_MODEL = 'edu.edms.document'


def _document_action():
    "Return the id of the act_window opening documents (or None)"
    pool = Pool()
    ActWindow = pool.get('ir.action.act_window')
    with without_check_access():
        actions = ActWindow.search([
                ('res_model', '=', DOCUMENT_MODEL),
                ('active', '=', True),
                ], order=[('id', 'ASC')], limit=1)
    return actions[0].action.id if actions else None


def _label(document):
    "Return the short name of the document for a message"
    number = getattr(document, 'number', None)
    summary = (getattr(document, 'summary', None) or '').strip()
    if number:
        return number
    return summary[:60] or str(document.id)


def notify(users, message_id, document, **kwargs):
    """Notify users about document with the message message_id.

    users: res.user records or ids (duplicates and inactive users are
    skipped); message_id: "module.xml_id" of an ir.message which may use
    %(document)s and the keys of kwargs.  Returns the res.notification
    records created."""
    pool = Pool()
    User = pool.get('res.user')
    Notification = pool.get('res.notification')
    ids = sorted({int(u) for u in users if u is not None})
    if not ids:
        return []
    default_language = trytond_config.get('database', 'language')
    with without_check_access():
        users = [u for u in User.browse(ids) if u.active]
    by_language = defaultdict(list)
    for user in users:
        by_language[user.language.code if user.language
            else default_language].append(user)
    action = _document_action()
    from_ = trytond_config.get('email', 'from')
    values = []
    for language, language_users in sorted(by_language.items()):
        with Transaction().set_context(language=language):
            doc = document.__class__(document.id)
            title = gettext(message_id, document=_label(doc), **kwargs)
            summary = (getattr(doc, 'summary', None) or '').strip()
        values.extend({
                'user': u.id,
                'label': title[:255],
                'description': summary[:255] or None,
                'icon': 'tryton-notification',
                'model': doc.__name__,
                'records': json.dumps([doc.id]),
                'action': action,
                } for u in language_users)
        to_addrs = sorted({u.email for u in language_users if u.email})
        if to_addrs:
            try:
                msg = EmailMessage()
                msg['From'] = from_
                msg['To'] = ', '.join(to_addrs)
                msg['Subject'] = f'[Bilim] {title}'
                msg.set_content(f'{title}\n\n{summary}\n')
                # sent at commit; a failing SMTP server is only logged
                send_message_transactional(msg, from_, to_addrs)
            except Exception:
                logger.error('cannot prepare the e-mail to %s', to_addrs,
                    exc_info=True)
    with without_check_access():
        return Notification.create(values)
