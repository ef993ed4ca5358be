# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Business trips (R19.6): dated per-diem and lodging norms in МРП or
tenge, the МРП by date, the trip order and the advance report on return."""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Unique, Workflow, fields
from trytond.modules.edu_account.printing import (
    FileReport, PdfDocument, amount_in_words, format_amount, language,
    translated)
from trytond.pool import Pool
from trytond.pyson import Eval
from trytond.transaction import Transaction

from .common import default_company, find_account, round_amount
from .exceptions import TripError, TripNormMissing

DESTINATION_CLASSES = [
    ('astana_almaty', "Astana, Almaty, Shymkent"),
    ('regional_centre', "Regional Centre"),
    ('other', "Other Settlement"),
    ('abroad', "Abroad"),
    ]
NORM_KINDS = [
    ('per_diem', "Per Diem"),
    ('lodging', "Lodging"),
    ]
UNITS = [
    ('mrp', "МРП"),
    ('kzt', "Tenge"),
    ]
STATES = [
    ('draft', "Draft"),
    ('approved', "Approved"),
    ('reported', "Reported"),
    ('cancelled', "Cancelled"),
    ]
_DRAFT = Eval('state') != 'draft'


class Mrp(ModelSQL, ModelView):
    "Monthly Calculation Index"
    __string__ = "Monthly Calculation Index"
    __name__ = 'edu.mrp'
    valid_from = fields.Date("Valid From", required=True)
    value = fields.Numeric("Value", digits=(16, 2), required=True,
        domain=[('value', '>', 0)])

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('valid_from_unique', Unique(t, t.valid_from),
                'edu_account_settlement.msg_mrp_unique'),
            ]
        cls._order = [('valid_from', 'DESC'), ('id', 'DESC')]

    def get_rec_name(self, name):
        return '%s: %s' % (self.valid_from, self.value)

    @classmethod
    def get_value(cls, date):
        "Return the МРП in force on date"
        records = cls.search([('valid_from', '<=', date)],
            order=[('valid_from', 'DESC')], limit=1)
        if not records:
            raise TripNormMissing(gettext(
                    'edu_account_settlement.msg_mrp_missing', date=date))
        return records[0].value


class TripNorm(ModelSQL, ModelView):
    "Business Trip Norm"
    __string__ = "Business Trip Norm"
    __name__ = 'edu.trip.norm'
    valid_from = fields.Date("Valid From", required=True)
    kind = fields.Selection(NORM_KINDS, "Kind", required=True)
    destination_class = fields.Selection(DESTINATION_CLASSES,
        "Destination Class", required=True)
    unit = fields.Selection(UNITS, "Unit", required=True)
    amount = fields.Numeric("Amount", digits=(16, 2), required=True,
        domain=[('amount', '>', 0)],
        help="A day's norm in the unit (МРП or tenge).")

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints = [
            ('norm_unique',
                Unique(t, t.valid_from, t.kind, t.destination_class),
                'edu_account_settlement.msg_trip_norm_unique'),
            ]
        cls._order = [('valid_from', 'DESC'), ('kind', 'ASC'),
            ('destination_class', 'ASC'), ('id', 'ASC')]

    @staticmethod
    def default_unit():
        return 'mrp'

    def get_rec_name(self, name):
        return '%s %s %s' % (self.valid_from,
            dict(NORM_KINDS).get(self.kind), self.destination_class)

    @classmethod
    def get_rate(cls, kind, destination_class, date):
        "Return a day's norm in tenge for kind and class valid on date"
        Mrp = Pool().get('edu.mrp')
        norms = cls.search([
                ('kind', '=', kind),
                ('destination_class', '=', destination_class),
                ('valid_from', '<=', date),
                ], order=[('valid_from', 'DESC')], limit=1)
        if not norms:
            raise TripNormMissing(gettext(
                    'edu_account_settlement.msg_trip_norm_missing',
                    kind=dict(NORM_KINDS)[kind],
                    destination=destination_class, date=date))
        norm, = norms
        if norm.unit == 'mrp':
            return round_amount(norm.amount * Mrp.get_value(date))
        return round_amount(norm.amount)


class Trip(Workflow, ModelSQL, ModelView):
    "Business Trip"
    __string__ = "Business Trip"
    __name__ = 'edu.trip'
    _rec_name = 'number'

    company = fields.Many2One('company.company', "Company", required=True,
        states={'readonly': _DRAFT})
    number = fields.Char("Order Number", readonly=True)
    date = fields.Date("Order Date", required=True,
        states={'readonly': _DRAFT})
    employee = fields.Many2One('company.employee', "Employee",
        required=True, states={'readonly': _DRAFT},
        domain=[('company', '=', Eval('company', -1))])
    destination = fields.Char("Destination", required=True,
        states={'readonly': _DRAFT})
    destination_class = fields.Selection(DESTINATION_CLASSES,
        "Destination Class", required=True, states={'readonly': _DRAFT})
    purpose = fields.Text("Purpose", required=True,
        states={'readonly': _DRAFT})
    departure_date = fields.Date("Departure", required=True,
        states={'readonly': _DRAFT})
    return_date = fields.Date("Return", required=True,
        domain=[('return_date', '>=', Eval('departure_date'))],
        states={'readonly': _DRAFT})
    days = fields.Function(fields.Integer("Days"), 'on_change_with_days')
    per_diem_rate = fields.Function(fields.Numeric("Per Diem a Day",
            digits=(16, 2)), 'get_estimate')
    lodging_rate = fields.Function(fields.Numeric("Lodging a Night",
            digits=(16, 2)), 'get_estimate')
    per_diem_amount = fields.Function(fields.Numeric("Per Diem",
            digits=(16, 2)), 'get_estimate')
    lodging_amount = fields.Function(fields.Numeric("Lodging",
            digits=(16, 2)), 'get_estimate')
    transport_estimate = fields.Numeric("Transport Estimate",
        digits=(16, 2), states={'readonly': _DRAFT})
    total_estimate = fields.Function(fields.Numeric("Total Estimate",
            digits=(16, 2)), 'get_estimate')
    advance_amount = fields.Numeric("Advance", digits=(16, 2),
        states={'readonly': _DRAFT},
        help="The advance to issue by a cash order (account 1250).")
    ebk_specific = fields.Many2One('edu.ebk.specific', "ЕБК Specific",
        required=True, states={'readonly': _DRAFT})
    ebk_program = fields.Many2One('edu.ebk.program', "ЕБК Programme",
        states={'readonly': _DRAFT})
    funding_source = fields.Many2One('edu.funding.source', "Funding Source",
        required=True, states={'readonly': _DRAFT})
    expense_account = fields.Many2One('account.account', "Expense Account",
        required=True, states={'readonly': _DRAFT},
        domain=[('company', '=', Eval('company', -1)),
            ('type', '!=', None), ('closed', '!=', True)])
    advance_report = fields.Many2One('edu.advance.report', "Advance Report",
        readonly=True)
    state = fields.Selection(STATES, "State", readonly=True, required=True,
        sort=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('departure_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'approved'),
            ('approved', 'reported'),
            ('draft', 'cancelled'),
            ('approved', 'cancelled'),
            ('cancelled', 'draft'),
            }
        cls._buttons.update({
                'approve': {'invisible': Eval('state') != 'draft',
                    'depends': ['state']},
                'report': {'invisible': Eval('state') != 'approved',
                    'depends': ['state']},
                'cancel': {'invisible': ~Eval('state').in_(
                        ['draft', 'approved']),
                    'depends': ['state']},
                'draft': {'invisible': Eval('state') != 'cancelled',
                    'depends': ['state']},
                })

    @staticmethod
    def default_company():
        return default_company()

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def default_date(cls):
        return Pool().get('ir.date').today()

    @staticmethod
    def default_destination_class():
        return 'regional_centre'

    @classmethod
    def default_ebk_specific(cls):
        Specific = Pool().get('edu.ebk.specific')
        specifics = Specific.search([('code', '=', '161')], limit=1)
        return specifics[0].id if specifics else None

    @classmethod
    def default_expense_account(cls):
        company = default_company()
        if company:
            account = find_account(company, '7150')
            return account.id if account else None

    @fields.depends('departure_date', 'return_date')
    def on_change_with_days(self, name=None):
        if self.departure_date and self.return_date:
            return max((self.return_date - self.departure_date).days + 1, 0)

    def estimate(self):
        "Return the norm amounts at the departure date"
        Norm = Pool().get('edu.trip.norm')
        days = self.on_change_with_days() or 0
        nights = max(days - 1, 0)
        per_diem_rate = Norm.get_rate(
            'per_diem', self.destination_class, self.departure_date)
        lodging_rate = (Norm.get_rate(
                'lodging', self.destination_class, self.departure_date)
            if nights else Decimal(0))
        per_diem = round_amount(per_diem_rate * days)
        lodging = round_amount(lodging_rate * nights)
        return {
            'per_diem_rate': per_diem_rate,
            'lodging_rate': lodging_rate,
            'per_diem_amount': per_diem,
            'lodging_amount': lodging,
            'total_estimate': round_amount(
                per_diem + lodging + (self.transport_estimate or 0)),
            }

    @classmethod
    def get_estimate(cls, trips, names):
        result = {n: {} for n in names}
        for trip in trips:
            try:
                values = trip.estimate()
            except TripNormMissing:
                values = {}
            for name in names:
                result[name][trip.id] = values.get(name)
        return result

    @classmethod
    @ModelView.button
    @Workflow.transition('approved')
    def approve(cls, trips):
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        Sequence = pool.get('ir.sequence')
        sequence = Sequence(ModelData.get_id(
                'edu_account_settlement', 'sequence_trip'))
        for trip in trips:
            trip.estimate()  # refuse without a norm
            if not trip.number:
                with Transaction().set_context(company=trip.company.id):
                    trip.number = sequence.get()
        cls.save(trips)

    def get_advance_report(self):
        "Return the advance report of the return with the per diem line"
        pool = Pool()
        Report = pool.get('edu.advance.report')
        Line = pool.get('edu.advance.report.line')
        values = self.estimate()
        report = Report(
            company=self.company, date=self.return_date,
            employee=self.employee, trip=self,
            purpose=gettext('edu_account_settlement.msg_trip_report_purpose',
                destination=self.destination, number=self.number or ''),
            ebk_program=self.ebk_program,
            funding_source=self.funding_source)
        report.journal = Report.default_journal()
        days = self.on_change_with_days()
        report.lines = [Line(
                date=self.return_date, document_kind='per_diem',
                document_number=self.number,
                description=gettext(
                    'edu_account_settlement.msg_trip_per_diem_line',
                    days=days, rate=format_amount(values['per_diem_rate'])),
                ebk_specific=self.ebk_specific, account=self.expense_account,
                amount=values['per_diem_amount'])]
        return report

    @classmethod
    @ModelView.button
    @Workflow.transition('reported')
    def report(cls, trips):
        "Create the advance report of the return (lodging and transport "
        "lines are added from the documents)"
        Report = Pool().get('edu.advance.report')
        reports = []
        for trip in trips:
            if trip.advance_report:
                continue
            trip.advance_report = trip.get_advance_report()
            reports.append(trip.advance_report)
        Report.save(reports)
        cls.save(trips)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, trips):
        pass

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, trips):
        pass

    @classmethod
    def copy(cls, trips, default=None):
        default = default.copy() if default else {}
        default.setdefault('number', None)
        default.setdefault('advance_report', None)
        return super().copy(trips, default=default)

    @classmethod
    def check_modification(cls, mode, trips, values=None, external=False):
        super().check_modification(
            mode, trips, values=values, external=external)
        if mode == 'delete':
            for trip in trips:
                if trip.state not in ('draft', 'cancelled'):
                    raise TripError(gettext(
                            'edu_account_settlement.msg_delete_posted',
                            document=trip.rec_name))

    def get_rec_name(self, name):
        return '%s %s' % (self.number or '#%s' % self.id,
            self.employee.rec_name if self.employee else '')


class TripOrder(FileReport):
    "Business trip order (PDF)"
    __name__ = 'edu.trip.order'
    extension = 'pdf'

    @classmethod
    def render(cls, records, data):
        t = translated
        pdf = None
        classes = dict(DESTINATION_CLASSES)
        for trip in records:
            title = t('edu_account_settlement.msg_print_trip_title',
                number=trip.number or '', date=trip.date)
            if pdf is None:
                pdf = PdfDocument(title)
            else:
                pdf.heading(title)
            pdf.paragraph(trip.company.rec_name)
            pdf.spacer()
            pdf.paragraph(t('edu_account_settlement.msg_print_trip_text',
                    employee=trip.employee.rec_name,
                    destination=trip.destination,
                    start=trip.departure_date, end=trip.return_date,
                    days=trip.days or 0))
            pdf.spacer()
            estimate = {}
            try:
                estimate = trip.estimate()
            except TripNormMissing:
                pass
            pdf.fields([
                    (t('edu_account_settlement.msg_print_purpose'),
                        trip.purpose),
                    (t('edu_account_settlement.msg_print_destination_class'),
                        classes.get(trip.destination_class, '')),
                    (t('edu_account_settlement.msg_print_per_diem'),
                        format_amount(estimate.get('per_diem_amount'))),
                    (t('edu_account_settlement.msg_print_lodging'),
                        format_amount(estimate.get('lodging_amount'))),
                    (t('edu_account_settlement.msg_print_transport'),
                        format_amount(trip.transport_estimate or 0)),
                    (t('edu_account_settlement.msg_print_advance'),
                        '%s (%s)' % (format_amount(trip.advance_amount or 0),
                            amount_in_words(trip.advance_amount or 0,
                                language()))),
                    (t('edu_account_settlement.msg_print_funding'),
                        trip.funding_source.rec_name),
                    ])
            pdf.signatures([
                    (t('edu_account_settlement.msg_print_director'), ''),
                    (t('edu_account_settlement.msg_print_acquainted'),
                        trip.employee.rec_name),
                    ])
        return pdf.build()
