# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Validation of the files attached to announcements and messages (R27.16):
only office documents, PDF, images and archives of a bounded size."""
import os

from trytond.i18n import gettext

from .exceptions import FileValidationError

#: the extensions accepted (lower case, without the dot)
ALLOWED_EXTENSIONS = frozenset({
        'pdf', 'doc', 'docx', 'odt', 'rtf', 'txt', 'xls', 'xlsx', 'ods',
        'ppt', 'pptx', 'odp', 'jpg', 'jpeg', 'png', 'gif', 'webp', 'zip',
        })
#: the largest file accepted, in bytes (10 MiB)
MAX_SIZE = 10 * 1024 * 1024


def check_file(name, data, record=''):
    """Raise FileValidationError unless the file name has an allowed
    extension and data is not larger than MAX_SIZE"""
    if data is None:
        return
    extension = os.path.splitext(name or '')[1].lstrip('.').lower()
    if extension not in ALLOWED_EXTENSIONS:
        raise FileValidationError(gettext(
                'edu_feedback.msg_file_type',
                name=name or '', record=record,
                allowed=', '.join(sorted(ALLOWED_EXTENSIONS))))
    size = len(data)
    if size > MAX_SIZE:
        raise FileValidationError(gettext(
                'edu_feedback.msg_file_size',
                name=name or '', record=record,
                size=round(size / 1024 / 1024, 1),
                maximum=MAX_SIZE // 1024 // 1024))
