# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The configuration of the security registers (R5.12, R5.20): when failed
logins become a security event."""
from trytond.model import ModelSingleton, ModelSQL, ModelView, fields


class Configuration(ModelSingleton, ModelSQL, ModelView):
    "Security Configuration"
    __name__ = 'edu.security.configuration'
    __string__ = "Security Configuration"

    failed_login_threshold = fields.Integer(
        "Failed Login Threshold", required=True,
        domain=[('failed_login_threshold', '>', 0)],
        help="The number of failed logins of one login or from one IP "
        "address within the window that raises a security event; four "
        "times as many raise a critical one.")
    failed_login_window = fields.Integer(
        "Failed Login Window", required=True,
        domain=[('failed_login_window', '>', 0)],
        help="In minutes.")

    @classmethod
    def default_failed_login_threshold(cls):
        return 5

    @classmethod
    def default_failed_login_window(cls):
        return 15
