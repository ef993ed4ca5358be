# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The files that the portal accepts and serves (R27.11).

An uploaded file is accepted when its name has one of the allowed
extensions **and** its content is of that type: the magic numbers
(``puremagic``) for PDF and images, the inner structure of the ZIP based
office formats (OOXML parts, the ODF ``mimetype`` entry), valid UTF-8
without NUL bytes for text.  A ``.pdf`` that is really an executable is
refused (415), as is a file over the size limit of the organisation's
teaching configuration (edu_teaching, default 10 MB) (413).

Everything here is pure Python (no Tryton) so that it is tested alone.
"""
import io
import mimetypes
import os
import zipfile

import puremagic

#: extension -> MIME type of the files accepted by the portal
TYPES = {
    'pdf': 'application/pdf',
    'docx': 'application/vnd.openxmlformats-officedocument.'
        'wordprocessingml.document',
    'xlsx': 'application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.sheet',
    'pptx': 'application/vnd.openxmlformats-officedocument.'
        'presentationml.presentation',
    'odt': 'application/vnd.oasis.opendocument.text',
    'jpg': 'image/jpeg',
    'jpeg': 'image/jpeg',
    'png': 'image/png',
    'txt': 'text/plain; charset=utf-8',
    'zip': 'application/zip',
    }
DEFAULT_MAX_MB = 10
_OOXML = {'docx': 'word/', 'xlsx': 'xl/', 'pptx': 'ppt/'}
_ODF = {'odt': 'application/vnd.oasis.opendocument.text'}


class UploadRefused(Exception):
    "``kind`` is 'type' (415) or 'size' (413)"

    def __init__(self, kind, **values):
        super().__init__(kind)
        self.kind = kind
        self.values = values


def extension(filename):
    return os.path.splitext(filename or '')[1].lower().lstrip('.')


def _zip_entries(data):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            mimetype = None
            if 'mimetype' in names:
                mimetype = archive.read('mimetype')[:100].decode(
                    'ascii', 'replace').strip()
            return names, mimetype
    except (zipfile.BadZipFile, ValueError, OSError, KeyError):
        return None, None


def detect(data):
    """Return the extension that the content of data really has, or None
    (ZIP based formats by their inner structure, others by magic)"""
    data = bytes(data)
    if data.startswith((b'PK\x03\x04', b'PK\x05\x06')):
        names, mimetype = _zip_entries(data)
        if names is None:
            return None
        for ext, mime in _ODF.items():
            if mimetype == mime:
                return ext
        if '[Content_Types].xml' in names:
            for ext, prefix in _OOXML.items():
                if any(n.startswith(prefix) for n in names):
                    return ext
        return 'zip'
    if data.startswith(b'%PDF-'):
        return 'pdf'
    try:
        found = {m.extension.lower().lstrip('.')
            for m in puremagic.magic_string(data)}
    except (puremagic.PureError, ValueError):
        found = set()
    if found & {'jpg', 'jpeg', 'jfif'}:
        return 'jpg'
    if 'png' in found:
        return 'png'
    if 'pdf' in found:
        return 'pdf'
    if data and b'\x00' not in data:
        try:
            data.decode('utf-8')
        except UnicodeDecodeError:
            return None
        return 'txt'
    return None


def check(filename, data, max_mb=DEFAULT_MAX_MB):
    """Raise UploadRefused unless data, named filename, is an accepted
    file within max_mb megabytes; return its MIME type"""
    ext = extension(filename)
    size = len(data)
    if max_mb and size > max_mb * 1024 * 1024:
        raise UploadRefused('size', maximum=max_mb,
            size=round(size / 1024 / 1024, 1))
    if ext not in TYPES:
        raise UploadRefused('type', filename=filename or '', detected=None,
            allowed=', '.join(allowed()))
    if not size:
        raise UploadRefused('type', filename=filename or '', detected=None,
            allowed=', '.join(allowed()))
    detected = detect(data)
    normal = 'jpg' if ext == 'jpeg' else ext
    if detected != normal:
        raise UploadRefused('type', filename=filename or '',
            detected=detected, allowed=', '.join(allowed()))
    return TYPES[ext]


def allowed():
    return sorted(set(TYPES) - {'jpeg'})


def content_type(filename):
    "The MIME type to serve a stored file named filename with"
    ext = extension(filename)
    if ext in TYPES:
        return TYPES[ext]
    guessed, _ = mimetypes.guess_type(filename or '')
    return guessed or 'application/octet-stream'
