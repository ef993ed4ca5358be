# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Printing of the financial statements (R19.13): the same tables drawn
as PDF (one document, a section per form, the control relations at the
end) or XLSX (a sheet per form and one of the controls), in the language
of the run (kk or ru); every label is an ir.message of this module."""
from decimal import Decimal

from trytond.i18n import gettext
from trytond.modules.edu_account.printing import (
    FileReport, PdfDocument, XlsxDocument)
from trytond.pool import Pool
from trytond.transaction import Transaction

from . import ledger

ZERO = Decimal('0.00')
MODULE = 'edu_account_report'


def _(key, **variables):
    return gettext(f'{MODULE}.msg_{key}', **variables)


def d(value):
    return Decimal(value) if value not in (None, '') else ZERO


def source_names(ids):
    "Return {id: name} of funding sources (in the context language)"
    pool = Pool()
    try:
        Source = pool.get('edu.funding.source')
    except KeyError:
        return {}
    ids = [int(i) for i in ids if int(i)]
    with Transaction().set_context(active_test=False):
        return {s.id: s.name for s in Source.browse(ids)}


def source_label(source, names):
    source = int(source)
    if source == ledger.NO_SOURCE:
        return _('col_no_source')
    return names.get(source) or str(source)


def relation_label(check):
    "Return the text of a control relation in the context language"
    variables = dict(check.get('variables') or {})
    if 'source' in variables:
        variables['source'] = source_label(
            variables['source'], source_names([variables['source']]))
    return _(f"rel_{check['key']}", **variables)


def _catalogue_rows(catalogue, extra_codes):
    codes = [c for c, _ in catalogue]
    return codes + sorted(c for c in extra_codes if c not in codes)


def _line_label(prefix, code, known):
    if code in known:
        return _(f'{prefix}_{code}')
    return _('line_other', code=code)


def fo1_table(statements, t):
    fo1 = statements['fo1']
    known = {c for c, _ in ledger.FO1_LINES}
    codes = _catalogue_rows(ledger.FO1_LINES,
        set(fo1['start']) | set(fo1['end']))
    rows = [[_('col_line'), _('col_item'), _('col_start'), _('col_end')]]
    bold = []
    for section in ('assets', 'liabilities', 'net_assets'):
        bold.append(len(rows))
        rows.append(['', _(f'fo1_{section}'), '', ''])
        for code in codes:
            if ledger.section_of(code) != section:
                continue
            rows.append([code, _line_label('fo1', code, known),
                    d(fo1['start'].get(code)), d(fo1['end'].get(code))])
        bold.append(len(rows))
        rows.append(['', _(f'fo1_total_{section}'),
                t[f'fo1_{section}_start'], t[f'fo1_{section}_end']])
    bold.append(len(rows))
    rows.append(['', _('fo1_total_balance'),
            t['fo1_liabilities_start'] + t['fo1_net_assets_start'],
            t['fo1_liabilities_end'] + t['fo1_net_assets_end']])
    start, end = (d(v) for v in fo1['unclassified'])
    if start or end:
        rows.append(['', _('unclassified'), start, end])
    return rows, bold, (2, 3), [0.08, 0.56, 0.18, 0.18]


def fo2_table(statements, t):
    fo2 = statements['fo2']
    known = {c for c, _ in ledger.FO2_LINES}
    codes = _catalogue_rows(ledger.FO2_LINES,
        set(fo2['current']) | set(fo2['previous']))
    rows = [[_('col_line'), _('col_item'), _('col_current'),
            _('col_previous')]]
    bold = []
    for kind, first in (('revenue', '0'), ('expense', None)):
        bold.append(len(rows))
        rows.append(['', _(f'fo2_{kind}'), '', ''])
        for code in codes:
            if (code[0] == '0') != (first == '0'):
                continue
            rows.append([code, _line_label('fo2', code, known),
                    d(fo2['current'].get(code)),
                    d(fo2['previous'].get(code))])
        bold.append(len(rows))
        rows.append(['', _(f'fo2_total_{kind}'), t[f'fo2_{kind}_current'],
                t[f'fo2_{kind}_previous']])
    bold.append(len(rows))
    rows.append(['', _('fo2_result'), t['fo2_result_current'],
            t['fo2_result_previous']])
    if d(fo2['unclassified'][0]) or d(fo2['unclassified'][1]):
        rows.append(['', _('unclassified'), d(fo2['unclassified'][0]),
                d(fo2['unclassified'][1])])
    return rows, bold, (2, 3), [0.08, 0.56, 0.18, 0.18]


def fo3_table(statements, t):
    fo3 = statements['fo3']
    sources = [str(s) for s in fo3['sources']]
    names = source_names(sources)
    header = [_('col_item')] + [source_label(s, names) for s in sources] + [
        _('col_total')]
    rows, bold = [header], []

    def amounts(mapping):
        values = [d(mapping.get(s)) for s in sources]
        return values + [sum(values, ZERO)]

    def total(groups, kinds):
        values = [sum((d(groups[k].get(s)) for k in kinds), ZERO)
            for s in sources]
        return values + [sum(values, ZERO)]

    bold.append(len(rows))
    rows.append([_('fo3_opening')] + amounts(fo3['opening']))
    for flow, kinds in (('in', ledger.INFLOW_KINDS),
            ('out', ledger.OUTFLOW_KINDS)):
        groups = fo3['inflows' if flow == 'in' else 'outflows']
        bold.append(len(rows))
        rows.append([_(f'fo3_{flow}flows')] + [''] * (len(sources) + 1))
        for kind in kinds:
            rows.append([_(f'fo3_{flow}_{kind}')] + amounts(groups[kind]))
        bold.append(len(rows))
        rows.append([_(f'fo3_total_{flow}')] + total(groups, kinds))
    bold.append(len(rows))
    rows.append([_('fo3_closing')] + amounts(fo3['closing']))
    width = 0.64 / (len(sources) + 1)
    return (rows, bold, tuple(range(1, len(sources) + 2)),
        [0.36] + [width] * (len(sources) + 1))


def fo4_table(statements, t, company):
    fo4 = statements['fo4']
    columns = fo4['columns']
    pool = Pool()
    Account = pool.get('account.account')
    names = {}
    with Transaction().set_context(active_test=False):
        for account in Account.search([
                    ('company', '=', company),
                    ('code', 'in', [c for c in columns if c != '*'])]):
            names.setdefault(account.code, account.name)
    header = [_('col_item')] + [
        _('fo4_unclosed') if c == '*' else f'{c} {names.get(c, "")}'.strip()
        for c in columns] + [_('col_total')]
    rows, bold = [header], []
    for row in ('opening', 'result', 'transfers', 'other', 'closing'):
        values = [d(fo4['rows'][row].get(c)) for c in columns]
        if row in {'opening', 'closing'}:
            bold.append(len(rows))
        rows.append([_(f'fo4_{row}')] + values + [sum(values, ZERO)])
    width = 0.64 / (len(columns) + 1)
    return (rows, bold, tuple(range(1, len(columns) + 2)),
        [0.36] + [width] * (len(columns) + 1))


def controls_table(statements):
    rows = [[_('ctl_relation'), _('ctl_expected'), _('ctl_actual'),
            _('ctl_difference'), _('ctl_status')]]
    for check in statements['controls']:
        rows.append([relation_label(check), d(check['expected']),
                d(check['actual']), d(check['difference']),
                _('ctl_ok') if check['ok'] else _('ctl_broken')])
    return rows, [], (1, 2, 3), [0.46, 0.15, 0.15, 0.12, 0.12]


def tables(run, statements):
    "Return [(short name, title, (rows, bold, numeric, widths))]"
    t = ledger.totals(statements)
    forms = ledger.FORMS if run.form == 'all' else [run.form]
    makers = {
        'fo1': lambda: fo1_table(statements, t),
        'fo2': lambda: fo2_table(statements, t),
        'fo3': lambda: fo3_table(statements, t),
        'fo4': lambda: fo4_table(statements, t, run.company.id),
        }
    return [(_(f'{form}_short'), _(f'{form}_title'), makers[form]())
        for form in forms]


def _subtitle(run, statements, form):
    if form == _('fo2_short'):
        previous = statements['previous']
        return _('period_previous', from_date=run.from_date,
            to_date=run.to_date, previous_from=previous[0],
            previous_to=previous[1])
    return _('period', from_date=run.from_date, to_date=run.to_date)


def build_pdf(run, statements):
    broken = [c for c in statements['controls'] if not c['ok']]
    document = PdfDocument(_('document_title'),
        landscape=run.form in {'all', 'fo3', 'fo4'})
    document.fields([
            (_('company'), run.company.rec_name),
            (_('period_label'), _('period', from_date=run.from_date,
                    to_date=run.to_date)),
            (_('unit_label'), _('unit')),
            ])
    if broken:
        document.paragraph(_('ctl_warning', count=len(broken)))
    for short, title, (rows, bold, numeric, widths) in tables(
            run, statements):
        document.heading(title)
        document.paragraph(_subtitle(run, statements, short), 'small')
        document.table(rows, header=True, col_widths=widths,
            numeric=numeric, bold_rows=bold)
    document.heading(_('controls'))
    rows, bold, numeric, widths = controls_table(statements)
    document.table(rows, header=True, col_widths=widths, numeric=numeric)
    document.signatures([(_('sign_director'), ''),
            (_('sign_chief_accountant'), '')])
    return document.build()


def build_xlsx(run, statements):
    book = XlsxDocument()
    for short, title, (rows, bold, numeric, widths) in tables(
            run, statements):
        book.sheet(short, '%s. %s' % (title,
                _subtitle(run, statements, short)), rows[0], rows[1:],
            bold_rows=[b - 1 for b in bold],
            widths=[60 if i == 0 or (i == 1 and short in {
                            _('fo1_short'), _('fo2_short')}) else 18
                for i in range(len(rows[0]))])
    rows, bold, numeric, widths = controls_table(statements)
    book.sheet(_('controls_short'), _('controls'), rows[0], rows[1:],
        widths=[70, 18, 18, 18, 12])
    return book.build()


def render(run, statements, format=None):
    "Return (bytes, file name) of the statements of run in its language"
    format = format or run.format
    with Transaction().set_context(language=run.language):
        content = (build_pdf if format == 'pdf' else build_xlsx)(
            run, statements)
    name = '%s_%s_%s.%s' % (run.form.upper().replace('FO', 'FO-'),
        run.from_date.isoformat(), run.to_date.isoformat(), format)
    return content, name


class _StatementReport(FileReport):

    @classmethod
    def render(cls, records, data):
        run = records[0]
        statements = run.statements()
        if statements is None:
            statements = ledger.compute(run.company, run.from_date,
                run.to_date, posted=run.posted)
        return render(run, statements, cls.extension)[0]


class StatementPdf(_StatementReport):
    __name__ = 'edu.account.statement.pdf'
    extension = 'pdf'


class StatementXlsx(_StatementReport):
    __name__ = 'edu.account.statement.xlsx'
    extension = 'xlsx'
