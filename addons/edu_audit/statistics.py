# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Statistics of use of the system (R5.15).

Two read-only reports computed by one SQL query each (``table_query``)
over the audit journal (``edu.audit.entry``), the register of failed logins
(``edu.login.failure``) and the sessions the server holds (``ir.session``):

``edu.audit.statistics``
    the number of actions per period (day or month), subsystem, user and
    kind of action (created, changed, deleted, critical action with its
    operation, failed login, session opened);
``edu.audit.statistics.role``
    the same per role: each action counts for every role
    (``res.user.role``) that its author held at the time of the action, so
    the action of a user with two roles counts under both roles and the
    total over the roles can exceed the number of actions; an author
    without a role counts under an empty role.

The **subsystem** of an action is the Tryton module that owns the model of
the journalled record (``ir.model.module``), except that the standard
modules that ``edu_base`` turns into persons and organisations (party,
party_relationship, company) count as ``edu_base``.  A failed login counts
for the module of ``edu.login.failure`` (edu_security), a session for that
of ``ir.session`` (ir), a critical action without a record for none.  Any
module activated later appears on its own, under the text of its message
``<module>.msg_subsystem`` if it defines one, else of
``edu_audit.msg_subsystem_<module>``, else under its technical name.

What the figures are:

- the journal counts every journalled action (changes of personal data
  and critical actions, R5.13); the actions of the server itself (user 0)
  are not journalled;
- failed logins are all those of the register (R5.12), with or without a
  known account;
- sessions are those **still held** by the server, by the day they were
  opened: Tryton deletes a session at logout and when it expires, so this
  is not the number of successful logins, only a lower bound of it;
- days and months are those of the stored timestamps, in UTC.

The filters of the context model ``edu.audit.statistics.context`` (dates,
period, user, role, subsystem) are applied inside the query.  The record
rules let a school's administrator or auditor see the actions of the users
of their organisations (and of those they supervise) only; the platform
administrator sees everything.
"""
import datetime as dt
import io

import xlsxwriter
from sql import Cast, Literal, Null, Union
from sql.aggregate import Count, Max, Min
from sql.conditionals import Case, Coalesce
from sql.functions import DateTrunc

from trytond.i18n import gettext
from trytond.model import ModelSQL, ModelView, fields
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

#: standard modules counted as the Bilim module that builds on them
SUBSYSTEM_FOLD = {
    'party': 'edu_base',
    'party_relationship': 'edu_base',
    'company': 'edu_base',
    }
KINDS = [
    ('create', "Created"),
    ('write', "Changed"),
    ('delete', "Deleted"),
    ('critical', "Critical Action"),
    ('login_failure', "Failed Login"),
    ('session', "Session Opened"),
    ]
PERIODS = [
    ('day', "Day"),
    ('month', "Month"),
    ]
GROUPINGS = [
    ('subsystem', "Subsystem"),
    ('role', "Role"),
    ('user', "User"),
    ('kind', "Action"),
    ]
#: the sources of the rows, the rest of the division of their id by it
SOURCES = 3


def get_subsystems():
    "Return [(module, label)] of the subsystems of the activated modules"
    pool = Pool()
    Module = pool.get('ir.module')
    ModelData = pool.get('ir.model.data')
    with without_check_access():
        names = sorted({SUBSYSTEM_FOLD.get(m.name, m.name)
                for m in Module.search([('state', '=', 'activated')])})
        own = {f'{d.module}.{d.fs_id}' for d in ModelData.search([
                    ('model', '=', 'ir.message'),
                    ['OR',
                        [('module', 'in', names),
                            ('fs_id', '=', 'msg_subsystem')],
                        [('module', '=', 'edu_audit'),
                            ('fs_id', 'like', 'msg_subsystem_%')],
                        ],
                    ])}
    result = []
    for name in names:
        for message in [f'{name}.msg_subsystem',
                f'edu_audit.msg_subsystem_{name}']:
            if message in own:
                result.append((name, gettext(message)))
                break
        else:
            result.append((name, name))
    return result


def _text(value):
    "Return value as a typed SQL literal (PostgreSQL binds parameters)"
    return Cast(Literal(value), 'VARCHAR')


def _subsystem(module):
    "Return the SQL expression of the subsystem of the module column"
    return Case(*((module == m, s) for m, s in SUBSYSTEM_FOLD.items()),
        else_=module)


class StatisticsMixin:
    __slots__ = ()
    date = fields.Date("Period", readonly=True,
        help="The day, or the first day of the month, of the actions.")
    subsystem = fields.Selection('get_subsystems', "Subsystem",
        readonly=True, sort=True,
        help="The module that owns the records acted on.")
    subsystem_name = fields.Function(fields.Char("Subsystem"),
        'get_subsystem_name')
    user = fields.Many2One('res.user', "User", readonly=True)
    kind = fields.Selection(KINDS, "Action", readonly=True, sort=False)
    operation = fields.Char("Operation", readonly=True,
        help="The name of the critical action.")
    count = fields.Integer("Count", readonly=True)
    #: whether the rows are counted per role of the user
    _by_role = False

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('date', 'DESC'), ('id', 'ASC')]

    @classmethod
    def get_subsystems(cls):
        return get_subsystems()

    @classmethod
    def get_subsystem_name(cls, rows, name):
        "Return the labels of the subsystems (sao's graphs show keys)"
        labels = dict(get_subsystems())
        empty = gettext('edu_audit.msg_statistics_no_subsystem')
        return {r.id: labels.get(r.subsystem, r.subsystem)
            if r.subsystem else empty for r in rows}

    # -- the query --------------------------------------------------------
    @classmethod
    def table_query(cls):
        queries = [cls._query_journal(), cls._query_login_failures(),
            cls._query_sessions()]
        return Union(*queries, all_=True)

    @classmethod
    def _period(cls, column):
        "Return the SQL expression of the period of the timestamp column"
        period = Transaction().context.get('period') or 'day'
        assert period in dict(PERIODS), period
        return cls.date.sql_cast(DateTrunc(period, column))

    @classmethod
    def _query(cls, offset, table, date, user, kind, operation,
            model):
        """Return the grouped query of the rows of table, whose date, user,
        kind, operation and model name are the given SQL expressions (model:
        of the record acted on); offset tells the sources apart in the ids"""
        pool = Pool()
        Model = pool.get('ir.model')
        UserRole = pool.get('res.user.role')
        Role = pool.get('res.role')
        context = Transaction().context
        ir_model = Model.__table__()
        user_role = UserRole.__table__()

        from_ = table.join(ir_model, 'LEFT',
            condition=ir_model.name == model)
        subsystem = _subsystem(ir_model.module)
        period = cls._period(date)
        # the role held at the time of the action
        role_valid = (
            ((user_role.from_date == Null) | (user_role.from_date <= date))
            & ((user_role.to_date == Null) | (user_role.to_date >= date)))

        where = Literal(True)
        if context.get('from_date'):
            where &= date >= dt.datetime.combine(
                context['from_date'], dt.time.min)
        if context.get('to_date'):
            where &= date < dt.datetime.combine(
                context['to_date'] + dt.timedelta(days=1), dt.time.min)
        if context.get('user'):
            where &= user == context['user']
        if context.get('subsystem'):
            where &= subsystem == context['subsystem']
        if context.get('kind'):
            where &= kind == context['kind']

        columns = [
            table.id.as_('source_id'),
            period.as_('date'),
            subsystem.as_('subsystem'),
            user.as_('user'),
            kind.as_('kind'),
            operation.as_('operation'),
            ]
        if cls._by_role:
            from_ = from_.join(user_role, 'LEFT',
                condition=(user_role.user == user) & role_valid)
            columns.append(user_role.role.as_('role'))
            if context.get('role'):
                where &= user_role.role == context['role']
        elif context.get('role'):
            held = user_role.select(user_role.user,
                where=(user_role.role == context['role']) & role_valid)
            where &= user.in_(held)
        # grouped outside, on plain columns: PostgreSQL does not match the
        # parameters of expressions between the select and the group by
        rows = from_.select(*columns, where=where)
        group_by = [rows.date, rows.subsystem, rows.user, rows.kind,
            rows.operation]
        key = Cast(Min(rows.source_id), 'BIGINT')
        extra = []
        if cls._by_role:
            # the rows of one source are told apart by their first record
            # and their role
            role_table = Role.__table__()
            size = role_table.select(Coalesce(Max(role_table.id), 0) + 1)
            key = key * size + Coalesce(rows.role, 0)
            group_by.append(rows.role)
            extra.append(rows.role.as_('role'))
        return rows.select(
            (key * SOURCES + offset).as_('id'),
            rows.date.as_('date'),
            rows.subsystem.as_('subsystem'),
            rows.user.as_('user'),
            *extra,
            rows.kind.as_('kind'),
            rows.operation.as_('operation'),
            Count(rows.source_id).as_('count'),
            group_by=group_by)

    @classmethod
    def _query_journal(cls):
        entry = Pool().get('edu.audit.entry').__table__()
        return cls._query(0, entry, entry.date, entry.user,
            entry.action, entry.operation, entry.model)

    @classmethod
    def _query_login_failures(cls):
        failure = Pool().get('edu.login.failure').__table__()
        return cls._query(1, failure, failure.date,
            failure.user, _text('login_failure'), _text(None),
            Literal('edu.login.failure'))

    @classmethod
    def _query_sessions(cls):
        session = Pool().get('ir.session').__table__()
        return cls._query(2, session, session.create_date,
            session.create_uid, _text('session'), _text(None),
            Literal('ir.session'))


class Statistics(StatisticsMixin, ModelSQL, ModelView):
    "Statistics of Use"
    __name__ = 'edu.audit.statistics'
    __string__ = "Statistics of Use"


class StatisticsRole(StatisticsMixin, ModelSQL, ModelView):
    "Statistics of Use per Role"
    __name__ = 'edu.audit.statistics.role'
    __string__ = "Statistics of Use per Role"
    role = fields.Many2One('res.role', "Role", readonly=True,
        help="A role the user held at the time of the action; the actions "
        "of a user with several roles count under each of them.")
    _by_role = True


class StatisticsContext(ModelView):
    "Statistics of Use"
    __name__ = 'edu.audit.statistics.context'
    __string__ = "Statistics of Use Context"
    from_date = fields.Date("From Date",
        domain=[If(Eval('to_date') & Eval('from_date'),
                ('from_date', '<=', Eval('to_date')), ())])
    to_date = fields.Date("To Date",
        domain=[If(Eval('from_date') & Eval('to_date'),
                ('to_date', '>=', Eval('from_date')), ())])
    period = fields.Selection(PERIODS, "Period", required=True, sort=False)
    user = fields.Many2One('res.user', "User")
    role = fields.Many2One('res.role', "Role")
    subsystem = fields.Selection('get_subsystems', "Subsystem", sort=True)
    kind = fields.Selection([(None, '')] + KINDS, "Action", sort=False)

    @classmethod
    def get_subsystems(cls):
        return [(None, '')] + get_subsystems()

    @classmethod
    def default_from_date(cls):
        return Transaction().context.get('from_date') or (
            dt.date.today() - dt.timedelta(days=30))

    @classmethod
    def default_to_date(cls):
        return Transaction().context.get('to_date') or dt.date.today()

    @classmethod
    def default_period(cls):
        return Transaction().context.get('period') or 'day'

    @classmethod
    def default_user(cls):
        return Transaction().context.get('user')

    @classmethod
    def default_role(cls):
        return Transaction().context.get('role')

    @classmethod
    def default_subsystem(cls):
        return Transaction().context.get('subsystem')

    @classmethod
    def default_kind(cls):
        return Transaction().context.get('kind')


class StatisticsExportStart(ModelView):
    "Export statistics of use"
    __name__ = 'edu.audit.statistics.export.start'
    __string__ = "Export Statistics of Use"
    from_date = fields.Date("From Date", required=True,
        domain=[If(Eval('to_date'), ('from_date', '<=', Eval('to_date')),
                ())])
    to_date = fields.Date("To Date", required=True,
        domain=[If(Eval('from_date'), ('to_date', '>=', Eval('from_date')),
                ())])
    period = fields.Selection(PERIODS + [('total', "Whole Period")],
        "Period", required=True, sort=False)
    grouping = fields.Selection(GROUPINGS, "Grouping", required=True,
        sort=False)

    @classmethod
    def default_from_date(cls):
        return Transaction().context.get('from_date') or (
            dt.date.today().replace(day=1))

    @classmethod
    def default_to_date(cls):
        return Transaction().context.get('to_date') or dt.date.today()

    @classmethod
    def default_period(cls):
        return 'day'

    @classmethod
    def default_grouping(cls):
        return 'subsystem'


class StatisticsExportResult(ModelView):
    "Export statistics of use"
    __name__ = 'edu.audit.statistics.export.result'
    __string__ = "Exported Statistics of Use"
    file = fields.Binary("File", filename='file_name', readonly=True)
    file_name = fields.Char("File Name", readonly=True)
    count = fields.Integer("Rows", readonly=True)


class StatisticsExport(Wizard):
    """Export statistics of use to XLSX (R5.15): the figures the user may
    see, per period and per subsystem, role, user or action; the export is
    journalled as the critical action ``statistics_export``"""
    __name__ = 'edu.audit.statistics.export'
    start = StateView('edu.audit.statistics.export.start',
        'edu_audit.statistics_export_start_view_form', [
            Button("Cancel", 'end', 'tryton-cancel'),
            Button("Export", 'export', 'tryton-ok', default=True),
            ])
    export = StateTransition()
    result = StateView('edu.audit.statistics.export.result',
        'edu_audit.statistics_export_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_export(self):
        AuditEntry = Pool().get('edu.audit.entry')
        start = self.start
        rows = statistics_rows(start.from_date, start.to_date, start.period,
            start.grouping)
        self._count = len(rows)
        self._file = statistics_workbook(rows, start.period, start.grouping)
        self._file_name = 'statistics-%s-%s-%s.xlsx' % (start.grouping,
            start.from_date.isoformat(), start.to_date.isoformat())
        AuditEntry.log_action('statistics_export',
            description=gettext('edu_audit.msg_statistics_export',
                from_date=start.from_date.isoformat(),
                to_date=start.to_date.isoformat(),
                grouping=start.grouping, period=start.period),
            details={
                'from_date': start.from_date.isoformat(),
                'to_date': start.to_date.isoformat(),
                'period': start.period,
                'grouping': start.grouping,
                'rows': len(rows),
                })
        return 'result'

    def default_result(self, fields):
        return {
            'file': getattr(self, '_file', None),
            'file_name': getattr(self, '_file_name', None),
            'count': getattr(self, '_count', 0),
            }


def statistics_rows(from_date, to_date, period, grouping):
    """Return the sorted rows [(period, group, kind, operation, count)] of
    the statistics that the user may read (record rules applied) between
    the dates, per period ('day', 'month' or 'total': None) and grouping
    ('subsystem', 'role', 'user' or 'kind': the value is the id or the
    key, None when empty)"""
    pool = Pool()
    assert grouping in dict(GROUPINGS), grouping
    Model = pool.get('edu.audit.statistics.role' if grouping == 'role'
        else 'edu.audit.statistics')
    group_field = {'kind': None}.get(grouping, grouping)
    names = ['date', 'kind', 'operation', 'count']
    if group_field:
        names.append(group_field)
    totals = {}
    with Transaction().set_context(
            from_date=from_date, to_date=to_date,
            period='month' if period == 'month' else 'day',
            user=None, role=None, subsystem=None, kind=None,
            _check_access=True):
        records = Model.search([])
        for values in Model.read([r.id for r in records], names):
            key = (
                values['date'] if period != 'total' else None,
                values[group_field] if group_field else values['kind'],
                values['kind'],
                values['operation'],
                )
            totals[key] = totals.get(key, 0) + values['count']

    def order(item):
        (date, group, kind, operation), _ = item
        return (date or dt.date.min, str(group or ''), kind or '',
            operation or '')
    return [(*key, count) for key, count in sorted(totals.items(),
            key=order)]


def statistics_workbook(rows, period, grouping):
    """Return the XLSX bytes of rows of statistics_rows(), headed in the
    language of the user"""
    pool = Pool()
    Statistics = pool.get('edu.audit.statistics')
    Start = pool.get('edu.audit.statistics.export.start')
    User = pool.get('res.user')
    Role = pool.get('res.role')
    start = Start.fields_get(['period', 'grouping'])
    definitions = Statistics.fields_get(
        ['date', 'subsystem', 'user', 'kind', 'operation', 'count'])
    kinds = dict(definitions['kind']['selection'])
    subsystems = dict(Statistics.get_subsystems())
    groups = dict(start['grouping']['selection'])
    headers = []
    if period != 'total':
        headers.append(start['period']['string'])
    headers.append(groups[grouping])
    if grouping != 'kind':
        headers.append(definitions['kind']['string'])
    headers += [definitions['operation']['string'],
        definitions['count']['string']]

    if grouping == 'user':
        ids = {r[1] for r in rows if r[1]}
        names = {u.id: u.rec_name for u in User.browse(list(ids))}
    elif grouping == 'role':
        ids = {r[1] for r in rows if r[1]}
        names = {r.id: r.rec_name for r in Role.browse(list(ids))}
    elif grouping == 'subsystem':
        names = subsystems
    else:
        names = kinds
    empty = {
        'user': gettext('edu_audit.msg_statistics_no_user'),
        'role': gettext('edu_audit.msg_statistics_no_role'),
        'subsystem': gettext('edu_audit.msg_statistics_no_subsystem'),
        'kind': '',
        }[grouping]

    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {'in_memory': True})
    sheet = book.add_worksheet(
        gettext('edu_audit.msg_statistics_sheet')[:31])
    bold = book.add_format({'bold': True})
    day = book.add_format({
            'num_format': 'yyyy-mm' if period == 'month' else 'yyyy-mm-dd'})
    for col, header in enumerate(headers):
        sheet.write_string(0, col, header, bold)
    for row, (date, group, kind, operation, count) in enumerate(rows, 1):
        values = []
        if period != 'total':
            values.append(date)
        values.append(names.get(group, group) if group else empty)
        if grouping != 'kind':
            values.append(kinds.get(kind, kind))
        values += [operation or '', count]
        for col, value in enumerate(values):
            if isinstance(value, dt.date):
                sheet.write_datetime(row, col,
                    dt.datetime.combine(value, dt.time.min), day)
            elif isinstance(value, int):
                sheet.write_number(row, col, value)
            else:
                sheet.write_string(row, col, str(value))
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, len(headers) - 1, 22)
    book.close()
    return output.getvalue()
