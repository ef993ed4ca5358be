# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The check of the files of lesson materials and homework (R27.9, R27.11):
an allowed extension, content that really is of that type (``puremagic``
for the binary formats, the inner structure of the ZIP based office
formats, UTF-8 for plain text) and a size under the configured maximum."""
import io
import os
import zipfile

import puremagic

from trytond.i18n import gettext

from .exceptions import FileValidationError

ALLOWED_EXTENSIONS = (
    'pdf', 'docx', 'xlsx', 'pptx', 'odt', 'ods', 'jpg', 'jpeg', 'png', 'txt',
    'zip')
# the part of the package that tells an office file from another ZIP
_OOXML = {'docx': 'word/', 'xlsx': 'xl/', 'pptx': 'ppt/'}
_ODF = {
    'odt': 'application/vnd.oasis.opendocument.text',
    'ods': 'application/vnd.oasis.opendocument.spreadsheet',
    }
DEFAULT_MAX_SIZE = 10  # MB


def extension(filename):
    "Return the lower case extension of filename without the dot"
    return os.path.splitext(filename or '')[1].lower().lstrip('.')


def _magic_extensions(data):
    try:
        matches = puremagic.magic_string(data)
    except (puremagic.PureError, ValueError):
        return set()
    return {m.extension.lower().lstrip('.') for m in matches}


def _zip_names(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            mimetype = None
            if 'mimetype' in names:
                mimetype = archive.read('mimetype').decode(
                    'ascii', 'replace').strip()
            return names, mimetype
    except (zipfile.BadZipFile, ValueError, OSError):
        return None, None


def content_matches(ext, data):
    "Tell whether data is really a file of the extension ext"
    if ext == 'txt':
        if b'\x00' in data:
            return False
        try:
            data.decode('utf-8')
        except UnicodeDecodeError:
            return False
        return True
    if ext in {'zip', *_OOXML, *_ODF}:
        if not data.startswith((b'PK\x03\x04', b'PK\x05\x06')):
            return False
        names, mimetype = _zip_names(data)
        if names is None:
            return False
        if ext in _OOXML:
            return ('[Content_Types].xml' in names
                and any(n.startswith(_OOXML[ext]) for n in names))
        if ext in _ODF:
            return mimetype == _ODF[ext]
        return True
    found = _magic_extensions(data)
    if ext in {'jpg', 'jpeg'}:
        return bool(found & {'jpg', 'jpeg', 'jfif'})
    return ext in found


def check_file(data, filename, max_size_mb, record_name=''):
    """Raise FileValidationError (translated) unless data named filename is
    an allowed file of at most max_size_mb megabytes"""
    if data is None:
        return
    ext = extension(filename)
    if ext not in ALLOWED_EXTENSIONS:
        raise FileValidationError(gettext(
                'edu_teaching.msg_file_extension',
                filename=filename or '', record=record_name,
                allowed=', '.join(ALLOWED_EXTENSIONS)))
    size = len(data)
    if max_size_mb and size > max_size_mb * 1024 * 1024:
        raise FileValidationError(gettext(
                'edu_teaching.msg_file_too_big',
                filename=filename, record=record_name,
                size=round(size / 1024 / 1024, 1), maximum=max_size_mb))
    if not content_matches(ext, bytes(data)):
        raise FileValidationError(gettext(
                'edu_teaching.msg_file_content',
                filename=filename, record=record_name, extension=ext))
