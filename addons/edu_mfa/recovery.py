# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""One-time recovery codes of the second factor (R5.11).

Ten codes are made at the enrolment and shown once; only their hashes are
stored, made by Tryton's password hasher.  A code replaces the one-time
password once and is then marked used.  Nobody reads them through the
application: the model access refuses every operation to every group and
only the server handles them.
"""
import datetime as dt

from trytond.model import Index, ModelSQL, fields
from trytond.pool import Pool
from trytond.transaction import without_check_access

from . import totp


class RecoveryCode(ModelSQL):
    "Second factor recovery code"
    __name__ = 'edu.mfa.recovery_code'
    __string__ = "Second Factor Recovery Code"

    user = fields.Many2One(
        'res.user', "User", required=True, ondelete='CASCADE')
    code_hash = fields.Char("Code Hash", required=True, strip=False)
    used = fields.Timestamp("Used")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_indexes.add(Index(t, (t.user, Index.Equality())))

    @classmethod
    def renew(cls, user):
        "Replace the codes of user by new ones and return them in clear"
        User = Pool().get('res.user')
        codes = totp.new_recovery_codes()
        with without_check_access():
            cls.clear([user])
            cls.create([{
                        'user': user.id,
                        'code_hash': User.hash_password(
                            totp.normalise_code(code)),
                        } for code in codes])
        return codes

    @classmethod
    def clear(cls, users):
        with without_check_access():
            cls.delete(cls.search([('user', 'in', [u.id for u in users])]))

    @classmethod
    def consume(cls, user_id, code):
        "Mark used and return True if code is an unused code of the user"
        User = Pool().get('res.user')
        code = totp.normalise_code(code)
        if len(code) != 10:
            return False
        with without_check_access():
            for record in cls.search([
                        ('user', '=', user_id),
                        ('used', '=', None),
                        ]):
                valid, _ = User.check_password(code, record.code_hash)
                if valid:
                    cls.write([record], {'used': dt.datetime.now()})
                    return True
        return False
