# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Connection of an organisation to ЕСЭДО (R21): the endpoint, the
organisation's participant code, the timeout and the number of attempts
before a message is given up.  One record per organisation; the platform
administrator configures it, the clerk and the management read it."""
from trytond.model import ModelSQL, ModelView, Unique, fields
from trytond.pool import Pool
from trytond.transaction import Transaction

DEFAULT_TIMEOUT = 30
DEFAULT_MAX_ATTEMPTS = 24


class Configuration(ModelSQL, ModelView):
    "ЕСЭДО Configuration"
    __name__ = 'edu.esedo.configuration'
    __string__ = "ЕСЭДО Configuration"
    _rec_name = 'participant_code'

    company = fields.Many2One('company.company', "Organisation",
        required=True, ondelete='CASCADE')
    endpoint = fields.Char("Endpoint URL", required=True,
        help="The address of the ЕСЭДО exchange service (SOAP).")
    participant_code = fields.Char("Participant Code", required=True,
        help="The code of this organisation in ЕСЭДО.")
    enabled = fields.Boolean("Enabled",
        help="Send and receive documents through ЕСЭДО.")
    timeout = fields.Integer("Timeout (Seconds)", required=True,
        domain=[('timeout', '>', 0)])
    max_attempts = fields.Integer("Maximum Attempts", required=True,
        domain=[('max_attempts', '>', 0)],
        help="A message not sent after this many attempts is failed.")
    last_receive = fields.Timestamp("Last Receipt Poll", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('company_uniq', Unique(t, t.company),
                'edu_esedo.msg_configuration_company_unique'),
            ]

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_enabled():
        return True

    @staticmethod
    def default_timeout():
        return DEFAULT_TIMEOUT

    @staticmethod
    def default_max_attempts():
        return DEFAULT_MAX_ATTEMPTS

    @classmethod
    def of_company(cls, company):
        "Return the configuration of the organisation (or None)"
        configurations = cls.search([('company', '=', int(company))],
            limit=1)
        return configurations[0] if configurations else None

    def get_client(self):
        from .client import EsedoClient
        return EsedoClient(self.endpoint, self.participant_code,
            timeout=self.timeout or DEFAULT_TIMEOUT)

    @classmethod
    def receive_all(cls):
        Pool().get('edu.esedo.message').receive()
