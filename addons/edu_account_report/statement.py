# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Financial statements as records (R19.13): a run stores its parameters,
the statements computed from the ledger (JSON), the control relations and
the printed file, so an accountant re-opens them; the wizard "Financial
statements" creates and computes a run and shows its controls."""
import datetime as dt
import json
from decimal import Decimal

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, Workflow, fields
from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import (
    Button, StateAction, StateTransition, StateView, Wizard)

from . import ledger
from .exceptions import StatementError

FORMS = [
    ('all', "All Four Forms"),
    ('fo1', "FO-1 Balance Sheet"),
    ('fo2', "FO-2 Statement of Financial Performance"),
    ('fo3', "FO-3 Statement of Cash Flows"),
    ('fo4', "FO-4 Statement of Changes in Net Assets"),
    ]
LANGUAGES = [('kk', "Kazakh"), ('ru', "Russian")]
FORMATS = [('pdf', "PDF"), ('xlsx', "XLSX")]


class ParametersMixin:
    "The parameters of financial statements"
    __slots__ = ()
    company = fields.Many2One('company.company', "Company", required=True)
    fiscalyear = fields.Many2One('account.fiscalyear', "Fiscal Year",
        domain=[('company', '=', Eval('company', -1))])
    start_period = fields.Many2One('account.period', "Start Period",
        domain=[('fiscalyear', '=', Eval('fiscalyear', -1)),
            If(Eval('end_period'),
                ('start_date', '<=', Eval('end_period_start', None)),
                ())],
        states={'invisible': ~Eval('fiscalyear')})
    end_period = fields.Many2One('account.period', "End Period",
        domain=[('fiscalyear', '=', Eval('fiscalyear', -1))],
        states={'invisible': ~Eval('fiscalyear')})
    end_period_start = fields.Function(fields.Date("End Period Start"),
        'on_change_with_end_period_start')
    from_date = fields.Date("From Date", required=True)
    to_date = fields.Date("To Date", required=True)
    form = fields.Selection(FORMS, "Form", required=True)
    language = fields.Selection(LANGUAGES, "Language", required=True)
    format = fields.Selection(FORMATS, "Format", required=True)
    posted = fields.Boolean("Posted Moves Only",
        help="Leave out the moves not posted yet.")

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_form():
        return 'all'

    @staticmethod
    def default_language():
        language = (Transaction().language or 'kk').split('_')[0]
        return language if language in {'kk', 'ru'} else 'kk'

    @staticmethod
    def default_format():
        return 'pdf'

    @staticmethod
    def default_posted():
        return True

    @fields.depends('end_period')
    def on_change_with_end_period_start(self, name=None):
        return self.end_period.start_date if self.end_period else None

    @fields.depends('fiscalyear', 'start_period', 'end_period')
    def on_change_fiscalyear(self):
        if self.start_period and self.start_period.fiscalyear != \
                self.fiscalyear:
            self.start_period = None
        if self.end_period and self.end_period.fiscalyear != self.fiscalyear:
            self.end_period = None
        self._set_dates()

    @fields.depends('fiscalyear', 'start_period', 'end_period')
    def on_change_start_period(self):
        self._set_dates()

    @fields.depends('fiscalyear', 'start_period', 'end_period')
    def on_change_end_period(self):
        self._set_dates()

    def _set_dates(self):
        if self.fiscalyear:
            self.from_date, self.to_date = ledger.period_dates(
                self.fiscalyear, self.start_period, self.end_period)

    def parameters(self):
        return {
            'company': self.company.id,
            'fiscalyear': self.fiscalyear.id if self.fiscalyear else None,
            'start_period': (
                self.start_period.id if self.start_period else None),
            'end_period': self.end_period.id if self.end_period else None,
            'from_date': self.from_date,
            'to_date': self.to_date,
            'form': self.form,
            'language': self.language,
            'format': self.format,
            'posted': self.posted,
            }


class StatementRun(ParametersMixin, Workflow, ModelSQL, ModelView):
    "Financial Statements"
    __name__ = 'edu.account.statement.run'
    __string__ = "Financial Statements"
    name = fields.Function(fields.Char("Name"), 'get_name',
        searcher='search_name')

    state = fields.Selection([
            ('draft', "Draft"),
            ('computed', "Computed"),
            ], "State", readonly=True, required=True)
    data = fields.Text("Statements (JSON)", readonly=True)
    controls = fields.One2Many('edu.account.statement.control', 'run',
        "Control Relations", readonly=True)
    controls_ok = fields.Boolean("Control Relations Hold", readonly=True)
    broken = fields.Integer("Broken Relations", readonly=True)
    file = fields.Binary("File", filename='file_name', readonly=True)
    file_name = fields.Char("File Name", readonly=True)
    computed_at = fields.Timestamp("Computed At", readonly=True)
    computed_by = fields.Many2One('res.user', "Computed By", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        for name in ['company', 'fiscalyear', 'start_period', 'end_period',
                'from_date', 'to_date', 'form', 'language', 'format',
                'posted']:
            field = getattr(cls, name)
            field.states = {**(field.states or {}),
                'readonly': Eval('state') == 'computed'}
        cls._order = [('to_date', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'computed'),
            ('computed', 'draft'),
            }
        cls._buttons.update({
                'compute': {
                    'icon': 'tryton-refresh',
                    'depends': ['state'],
                    },
                'draft': {
                    'invisible': Eval('state') != 'computed',
                    'icon': 'tryton-back',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_state():
        return 'draft'

    def get_name(self, name):
        form = dict(self.__class__.fields_get(['form'])['form']['selection'])
        return '%s: %s – %s' % (form.get(self.form, ''),
            self.from_date or '', self.to_date or '')

    @classmethod
    def search_name(cls, name, clause):
        return [('company.rec_name',) + tuple(clause[1:])]

    @classmethod
    def validate_fields(cls, runs, field_names):
        super().validate_fields(runs, field_names)
        for run in runs:
            if (run.from_date and run.to_date
                    and run.from_date > run.to_date):
                raise StatementError(gettext(
                        'edu_account_report.msg_dates_order',
                        from_date=run.from_date, to_date=run.to_date))

    @classmethod
    def copy(cls, runs, default=None):
        default = {} if default is None else default.copy()
        for name in ['data', 'controls', 'controls_ok', 'broken', 'file',
                'file_name', 'computed_at', 'computed_by']:
            default.setdefault(name, None)
        default.setdefault('state', 'draft')
        return super().copy(runs, default=default)

    @classmethod
    def delete(cls, runs):
        Control = Pool().get('edu.account.statement.control')
        with without_check_access():
            Control.delete([c for r in runs for c in r.controls])
        super().delete(runs)

    @classmethod
    @ModelView.button
    @Workflow.transition('draft')
    def draft(cls, runs):
        pass

    @classmethod
    @ModelView.button
    def compute(cls, runs):
        """Compute the statements of each run from the ledger, check the
        control relations, draw the file (R19.13)"""
        pool = Pool()
        Control = pool.get('edu.account.statement.control')
        from .report import render
        to_write = []
        controls = []
        old = [c for r in runs for c in r.controls]
        now = dt.datetime.now()
        for run in runs:
            statements = ledger.compute(run.company, run.from_date,
                run.to_date, posted=run.posted)
            broken = [c for c in statements['controls'] if not c['ok']]
            run.data = json.dumps(statements, ensure_ascii=False,
                sort_keys=True)
            content, file_name = render(run, statements)
            to_write.extend([[run], {
                        'data': run.data,
                        'state': 'computed',
                        'controls_ok': not broken,
                        'broken': len(broken),
                        'file': content,
                        'file_name': file_name,
                        'computed_at': now,
                        'computed_by': Transaction().user or None,
                        }])
            with Transaction().set_context(language=run.language):
                from .report import relation_label
                for i, check in enumerate(statements['controls'], 1):
                    controls.append({
                            'run': run.id,
                            'sequence': i,
                            'key': check['key'],
                            'relation': relation_label(check),
                            'expected': Decimal(check['expected']),
                            'actual': Decimal(check['actual']),
                            'difference': Decimal(check['difference']),
                            'ok': check['ok'],
                            })
        # the stored results are the computation's, nobody writes them
        with without_check_access():
            if old:
                Control.delete(old)
            if to_write:
                cls.write(*to_write)
            if controls:
                Control.create(controls)

    def statements(self):
        "Return the statements stored by the last computation"
        return json.loads(self.data) if self.data else None


class StatementControl(ModelSQL, ModelView):
    "Financial Statements Control Relation"
    __name__ = 'edu.account.statement.control'
    __string__ = "Financial Statements Control Relation"
    run = fields.Many2One('edu.account.statement.run', "Statements",
        required=True, ondelete='CASCADE')
    sequence = fields.Integer("Sequence")
    key = fields.Char("Key", readonly=True)
    relation = fields.Char("Relation", readonly=True)
    expected = fields.Numeric("Expected", digits=(16, 2), readonly=True)
    actual = fields.Numeric("Actual", digits=(16, 2), readonly=True)
    difference = fields.Numeric("Difference", digits=(16, 2), readonly=True)
    ok = fields.Boolean("Holds", readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('run', 'DESC'), ('sequence', 'ASC'), ('id', 'ASC')]

    @classmethod
    def check_modification(cls, mode, records, values=None,
            external=False):
        super().check_modification(mode, records, values=values,
            external=external)
        if external and mode in {'write', 'create', 'delete'}:
            raise AccessError(gettext(
                    'edu_account_report.msg_control_readonly'))


class StatementStart(ParametersMixin, ModelView):
    "Financial Statements"
    __name__ = 'edu.account.statement.wizard.start'
    __string__ = "Financial Statements Parameters"


class StatementResult(ModelView):
    "Financial Statements"
    __name__ = 'edu.account.statement.wizard.result'
    __string__ = "Financial Statements Result"
    run = fields.Many2One('edu.account.statement.run', "Statements",
        readonly=True)
    controls_ok = fields.Boolean("Control Relations Hold", readonly=True)
    summary = fields.Text("Control Relations", readonly=True)
    file = fields.Binary("File", filename='file_name', readonly=True)
    file_name = fields.Char("File Name", readonly=True)


class StatementWizard(Wizard):
    "Financial Statements"
    __name__ = 'edu.account.statement.wizard'
    start = StateView('edu.account.statement.wizard.start',
        'edu_account_report.statement_wizard_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Compute", 'compute_', 'tryton-ok', default=True),
            ])
    compute_ = StateTransition()
    result = StateView('edu.account.statement.wizard.result',
        'edu_account_report.statement_wizard_result_view_form', [
            Button("Close", 'end', 'tryton-close'),
            Button("Open", 'open_', 'tryton-forward', default=True),
            ])
    open_ = StateAction('edu_account_report.act_statement_run_form')

    def transition_compute_(self):
        Run = Pool().get('edu.account.statement.run')
        run, = Run.create([self.start.parameters()])
        Run.compute([run])
        self.result.run = run
        return 'result'

    def default_result(self, fields):
        run = self.result.run
        lines = []
        for control in run.controls:
            status = gettext('edu_account_report.msg_ctl_ok' if control.ok
                else 'edu_account_report.msg_ctl_broken')
            lines.append('%s: %s (%s %s, %s %s)' % (status,
                    control.relation,
                    gettext('edu_account_report.msg_ctl_expected'),
                    control.expected,
                    gettext('edu_account_report.msg_ctl_actual'),
                    control.actual))
        return {
            'run': run.id,
            'controls_ok': run.controls_ok,
            'summary': '\n'.join(lines),
            'file': run.file,
            'file_name': run.file_name,
            }

    def do_open_(self, action):
        action['res_id'] = [self.result.run.id]
        action['views'].reverse()
        return action, {}
