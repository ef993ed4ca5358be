# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The employee's own payslips on the portal (R19.12, R27.12, R17).

edu_payroll adds its endpoints to the portal of edu_portal without
changing it: the routes are registered on Tryton's WSGI application with
the portal's ``endpoint`` decorator (session token or cookie, CSRF, the
request's language, a transaction as the user with access checks on), so
that the portal's login gives access to them.  They live under
``/<db>/portal/payroll/`` (not under ``/<db>/portal/api/v1``, whose
routes are edu_portal's documented contract):

- ``GET /<db>/portal/payroll/payslips.json``: the user's payslips, newest
  first: ``[{id, company, date_from, date_to, gross, deductions, net,
  to_pay, sent_at, pdf}]`` (amounts as strings with 2 decimals);
- ``GET /<db>/portal/payroll/payslips``: the same list as an HTML page in
  Kazakh or Russian (no script, the portal's style sheet), each with a
  link to its PDF;
- ``GET /<db>/portal/payroll/payslips/<id>.pdf``: the payslip's PDF in
  the request's language.

Only the payslips of the user's own employees (``res.user.employees``)
are listed, whatever the role: an accountant sees the payroll in the
Tryton client, not on the portal.  The record rules of access.xml decide
as well: a payslip of a colleague is not found (404).  The PDF is drawn
without access checks once the payslip has been found as the user,
because its item types are payroll configuration the employee may not
read.
"""
from decimal import Decimal
from xml.sax.saxutils import escape

from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.transaction import Transaction, without_check_access

from .report import render_payslips

PORTAL = '/<database_name>/portal/payroll'
#: the states of the runs whose payslips the employee sees
VISIBLE_STATES = {'computed', 'posted'}


def _lang(code):
    return (code or 'kk').split('_')[0]


def own_payslip_domain():
    "The domain of the payslips of the user's employees"
    User = Pool().get('res.user')
    with without_check_access():
        user = User(Transaction().user)
        employees = [e.id for e in user.employees]
    return [('employee', 'in', employees)]


def own_payslips(domain=None):
    """The payslips of the current user's employees, newest first, that
    the user may read (record rules applied), of the computed or posted
    runs; browsed without access checks (the run and the item types are
    not the employee's to read)"""
    Payslip = Pool().get('edu.payroll.payslip')
    found = Payslip.search(own_payslip_domain() + (domain or []),
        order=[('date_from', 'DESC'), ('id', 'DESC')])
    with without_check_access():
        return [p for p in Payslip.browse([p.id for p in found])
            if p.run.state in VISIBLE_STATES]


def _amount(value):
    return str(Decimal(value or 0).quantize(Decimal('0.01')))


def payslips_data(database):
    payslips = own_payslips()
    with without_check_access():
        return _payslips_data(payslips, database)


def _payslips_data(payslips, database):
    return [{
            'id': p.id,
            'company': p.company.rec_name,
            'date_from': p.date_from.isoformat(),
            'date_to': p.date_to.isoformat(),
            'gross': _amount(p.gross),
            'deductions': _amount(p.deductions_total),
            'net': _amount(p.net),
            'to_pay': _amount(p.to_pay),
            'sent_at': (p.sent_at.replace(microsecond=0).isoformat()
                if p.sent_at else None),
            'pdf': f'/{database}/portal/payroll/payslips/{p.id}.pdf',
            } for p in payslips]


def own_payslip_pdf(payslip_id):
    """The PDF of the user's own payslip payslip_id in the context's
    language, or None when the user has no such payslip"""
    found = own_payslips([('id', '=', payslip_id)])
    if not found:
        return None
    language = _lang(Transaction().context.get('language'))
    with without_check_access():
        return render_payslips(found, language)


def payslips_html(database):
    "The HTML page of the user's payslips in the context's language"
    rows = []
    for item in payslips_data(database):
        rows.append('<tr><td>%s</td><td>%s — %s</td>'
            '<td class="num">%s</td><td class="num">%s</td>'
            '<td><a href="%s">PDF</a></td></tr>' % (
                escape(item['company']), item['date_from'], item['date_to'],
                item['gross'], item['to_pay'], escape(item['pdf'])))
    language = _lang(Transaction().context.get('language'))
    title = gettext('edu_payroll.msg_portal_payslips')
    if rows:
        table = ('<table><thead><tr><th>%s</th><th>%s</th><th>%s</th>'
            '<th>%s</th><th></th></tr></thead><tbody>%s</tbody></table>') % (
            escape(gettext('edu_payroll.msg_print_organisation')),
            escape(gettext('edu_payroll.msg_print_period')),
            escape(gettext('edu_payroll.msg_print_gross')),
            escape(gettext('edu_payroll.msg_print_to_pay')),
            ''.join(rows))
    else:
        table = '<p>%s</p>' % escape(
            gettext('edu_payroll.msg_portal_no_payslips'))
    return ('<!DOCTYPE html><html lang="%s"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, '
        'initial-scale=1"><title>%s</title>'
        '<link rel="stylesheet" href="/%s/portal/static/app.css"></head>'
        '<body><main><h1>%s</h1>%s<p><a href="/%s/portal/">%s</a></p>'
        '</main></body></html>') % (
        language, escape(title), escape(database), escape(title), table,
        escape(database), escape(gettext('edu_payroll.msg_portal_back')))


def _register_routes():
    try:
        from trytond.modules.edu_portal.api import (
            endpoint, get_model, not_found, path_id)
        from trytond.modules.edu_portal.pages import SECURITY_HEADERS
    except ImportError:  # the portal is not installed
        return
    from trytond.protocols.wrappers import Response
    from trytond.wsgi import app

    @app.route(PORTAL + '/payslips.json', methods={'GET'})
    @endpoint()
    def payroll_payslips(request, pool):
        get_model(pool, 'edu.payroll.payslip')
        return payslips_data(Transaction().database.name)

    @app.route(PORTAL + '/payslips', methods={'GET'})
    @endpoint()
    def payroll_payslips_page(request, pool):
        get_model(pool, 'edu.payroll.payslip')
        response = Response(payslips_html(Transaction().database.name),
            status=200, content_type='text/html; charset=utf-8')
        for key, value in SECURITY_HEADERS.items():
            response.headers[key] = value
        response.headers['Cache-Control'] = 'private, no-store'
        return response

    @app.route(PORTAL + '/payslips/<int:payslip_id>.pdf', methods={'GET'})
    @endpoint()
    def payroll_payslip_pdf(request, pool, payslip_id):
        get_model(pool, 'edu.payroll.payslip')
        payslip_id = path_id(payslip_id, 'payslip')
        content = own_payslip_pdf(payslip_id)
        if content is None:
            raise not_found('payslip', payslip_id)
        response = Response(content, status=200,
            content_type='application/pdf')
        response.headers['Content-Disposition'] = (
            f'attachment; filename="payslip-{payslip_id}.pdf"')
        response.headers['Cache-Control'] = 'private, no-store'
        response.headers['X-Content-Type-Options'] = 'nosniff'
        response.headers['Content-Security-Policy'] = "default-src 'none'"
        return response


# registered once: not again when a test runner imports this directory
# under another name
if __name__ == 'trytond.modules.edu_payroll.portal':
    _register_routes()
