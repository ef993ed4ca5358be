# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Configuration of the document management (R22.2): the largest file
accepted and the file types refused or allowed."""
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields

#: extensions never accepted (executables and scripts), lower case
FORBIDDEN_EXTENSIONS = (
    'exe', 'bat', 'cmd', 'com', 'js', 'vbs', 'msi', 'scr', 'ps1', 'sh',
    )
DEFAULT_MAX_SIZE = 50


def split_extensions(text):
    "Return the set of extensions of a comma or space separated text"
    return {e.strip().lstrip('.').lower()
        for e in (text or '').replace(',', ' ').split() if e.strip()}


class Configuration(ModelSingleton, ModelSQL, ModelView):
    "Document management configuration"
    __string__ = "Document Management Configuration"
    __name__ = 'edu.edms.configuration'

    max_file_size = fields.Integer(
        "Maximum File Size (MB)", required=True,
        domain=[('max_file_size', '>', 0)],
        help="The largest file accepted on a document, in megabytes.")
    forbidden_extensions = fields.Char(
        "Forbidden Types",
        help="Extensions refused besides the executables and scripts that "
        "are always refused, separated by commas.")
    allowed_extensions = fields.Char(
        "Allowed Types",
        help="When set, only these extensions are accepted (separated by "
        "commas); empty accepts any type that is not forbidden.")

    @classmethod
    def default_max_file_size(cls):
        return DEFAULT_MAX_SIZE

    @classmethod
    def get_limits(cls):
        """Return (max bytes, forbidden set, allowed set or None) of the
        configuration"""
        config = cls(1)
        max_size = (config.max_file_size or DEFAULT_MAX_SIZE) * 1024 * 1024
        forbidden = set(FORBIDDEN_EXTENSIONS) | split_extensions(
            config.forbidden_extensions)
        allowed = split_extensions(config.allowed_extensions) or None
        return max_size, forbidden, allowed
