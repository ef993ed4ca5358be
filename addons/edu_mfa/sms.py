# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The SMS gateways of the second factor (R5.11), without Tryton models.

Tryton's ``authentication_sms`` module sends its codes through the function
named in ``trytond.conf``; Bilim ERP names its dispatcher::

    [authentication_sms]
    function = trytond.modules.edu_mfa.sms.send
    # simulator (default) or http
    gateway = http
    url = https://sms.example.kz/api/send
    from = BILIM

The token of the HTTP gateway is never written in the repository: it comes
from the environment, ``TRYTOND_AUTHENTICATION_SMS__TOKEN`` (read by Tryton
as ``[authentication_sms] token``) or ``BILIM_SMS_TOKEN``.

Two gateways:

- ``simulator``: keeps every message in :data:`SENT` (the tests read it)
  and appends it, one JSON line per message, to the file
  ``[authentication_sms] simulator_file`` (default ``sms-simulator.jsonl``
  under ``[database] path``) so that an operator reads the codes of the
  demo; nothing leaves the machine;
- ``http``: a generic POST of ``{"to", "text", "from"}`` as JSON to
  ``[authentication_sms] url`` with ``Authorization: Bearer <token>``.

The numbers are normalised to ``+77XXXXXXXXX`` (a Kazakh mobile):
``8 701 234 56 78``, ``+7 (701) 234-56-78`` and ``7012345678`` all give
``+77012345678``.
"""
import datetime as dt
import json
import logging
import os
import re
import threading
import urllib.request

import trytond.config as config

logger = logging.getLogger(__name__)

SECTION = 'authentication_sms'
#: the messages sent by the simulator in this process: dicts with the keys
#: date, to, text and from
SENT = []
#: the codes of the Kazakh mobile networks (the landlines are 71x-72x)
MOBILE_CODES = re.compile(r'70\d|747|7[56]\d|77[15678]')
_lock = threading.Lock()


def normalise_mobile(number):
    """Return number as +77XXXXXXXXX, or None when it is not a Kazakh
    mobile number (the landlines, 71x and 72x, receive no SMS)"""
    if not number:
        return None
    digits = re.sub(r'\D', '', number)
    if len(digits) == 11 and digits[0] in '78':
        digits = '7' + digits[1:]
    elif len(digits) == 10:
        digits = '7' + digits
    else:
        return None
    if not MOBILE_CODES.match(digits[1:4]):
        return None
    return '+' + digits


def mask_mobile(number):
    "Return number with only its last 4 digits shown: +7 7** *** 45 67"
    number = normalise_mobile(number) or ''
    if not number:
        return ''
    return f'+7 7** *** {number[-4:-2]} {number[-2:]}'


def gateway_name():
    return config.get(SECTION, 'gateway', default='simulator')


def send(text, to, from_=None):
    """Send text to the mobile number to through the configured gateway.

    The function named in ``[authentication_sms] function``."""
    to = normalise_mobile(to) or to
    name = gateway_name()
    gateway = GATEWAYS.get(name)
    if gateway is None:
        logger.error("Unknown SMS gateway %r: SMS to %s not sent", name, to)
        return False
    return gateway(text, to, from_)


def simulator_file():
    path = config.get(SECTION, 'simulator_file', default=None)
    if not path:
        path = os.path.join(
            config.get('database', 'path'), 'sms-simulator.jsonl')
    return path


def send_simulator(text, to, from_=None):
    "Keep the message in SENT and append it to the simulator file"
    message = {
        'date': dt.datetime.now().isoformat(timespec='seconds'),
        'to': to,
        'from': from_,
        'text': text,
        }
    with _lock:
        SENT.append(message)
        path = simulator_file()
        try:
            os.makedirs(os.path.dirname(path) or '.', exist_ok=True)
            # the codes are secrets: the file is the operator's only
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            with os.fdopen(fd, 'a', encoding='utf-8') as file:
                file.write(json.dumps(message, ensure_ascii=False) + '\n')
        except OSError:
            logger.warning("SMS simulator cannot write %s", path,
                exc_info=True)
    logger.info("SMS simulator: message to %s kept", to)
    return True


def http_token():
    return (config.get(SECTION, 'token', default=None)
        or os.environ.get('BILIM_SMS_TOKEN'))


def send_http(text, to, from_=None):
    "POST the message as JSON to the URL of the configuration"
    url = config.get(SECTION, 'url', default=None)
    if not url:
        logger.error("No [%s] url: SMS to %s not sent", SECTION, to)
        return False
    data = json.dumps({'to': to, 'text': text, 'from': from_}).encode()
    request = urllib.request.Request(url, data=data, method='POST',
        headers={'Content-Type': 'application/json'})
    token = http_token()
    if token:
        request.add_header('Authorization', f'Bearer {token}')
    timeout = config.getint(SECTION, 'timeout', default=10)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            ok = 200 <= response.status < 300
    except OSError:
        logger.error("SMS gateway %s failed for %s", url, to, exc_info=True)
        return False
    if not ok:
        logger.error("SMS gateway %s refused the message to %s", url, to)
    return ok


GATEWAYS = {
    'simulator': send_simulator,
    'http': send_http,
    }
