# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Test tools for the accounting of state institutions (R19.1, R19.2).

``setup_gov_accounting`` and ``post_move`` work inside a unit-test
transaction (pool records); ``create_gov_chart``, ``create_gov_fiscalyear``
and ``gov_accounts`` work with proteus (scenarios), mirroring
``trytond.modules.account.tests.tools``.  ``post_move`` accepts either.
"""
import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

CHART = 'edu_account.chart_gov'
JOURNAL_CODES = ['CASH', 'TRE', 'BANK', 'EXP', 'REV', 'GEN', 'STO', 'AST',
    'ADV']
RECEIVABLE, PAYABLE = '1210', '3210'

__all__ = ['setup_gov_accounting', 'create_gov_chart',
    'create_gov_fiscalyear', 'gov_accounts', 'post_move', 'get_kzt',
    'CHART', 'JOURNAL_CODES']


# --- unit tests (pool) -------------------------------------------------

def get_kzt():
    "Return the tenge currency, created if missing"
    from trytond.pool import Pool
    Currency = Pool().get('currency.currency')
    currencies = Currency.search([('code', '=', 'KZT')], limit=1)
    if currencies:
        return currencies[0]
    currency, = Currency.create([{
                'name': "Kazakhstani tenge", 'code': 'KZT', 'symbol': '₸',
                'digits': 2, 'rounding': Decimal('0.01'),
                }])
    return currency


def _create_chart_pool(company):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    AccountTemplate = pool.get('account.account.template')
    ModelData = pool.get('ir.model.data')
    Account = pool.get('account.account')
    CreateChart = pool.get('account.create_chart', type='wizard')

    module, xml_id = CHART.split('.')
    template = AccountTemplate(ModelData.get_id(module, xml_id))
    session_id, _, _ = CreateChart.create()
    create_chart = CreateChart(session_id)
    create_chart.account.account_template = template
    create_chart.account.company = company
    create_chart.transition_create_account()
    with Transaction().set_context(company=company.id):
        receivable, = Account.search([
                ('code', '=', RECEIVABLE), ('company', '=', company.id)])
        payable, = Account.search([
                ('code', '=', PAYABLE), ('company', '=', company.id)])
    create_chart.properties.company = company
    create_chart.properties.account_receivable = receivable
    create_chart.properties.account_payable = payable
    if 'category_account_expense' in create_chart.properties._fields:
        create_chart.properties.category_account_expense = None
        create_chart.properties.category_account_revenue = None
    create_chart.transition_create_properties()


def _create_fiscalyear_pool(company, year):
    from trytond.pool import Pool
    pool = Pool()
    Sequence = pool.get('ir.sequence.strict')
    SequenceType = pool.get('ir.sequence.type')
    FiscalYear = pool.get('account.fiscalyear')
    sequence_type, = SequenceType.search(
        [('name', '=', "Account Move")], limit=1)
    sequence, = Sequence.create([{
                'name': str(year),
                'sequence_type': sequence_type.id,
                'company': company.id,
                }])
    values = {
        'name': str(year),
        'company': company.id,
        'start_date': dt.date(year, 1, 1),
        'end_date': dt.date(year, 12, 31),
        'move_sequence': sequence.id,
        }
    if 'invoice_sequences' in FiscalYear._fields:
        invoice_type, = SequenceType.search(
            [('name', '=', "Invoice")], limit=1)
        invoice_sequence, = Sequence.create([{
                    'name': str(year),
                    'sequence_type': invoice_type.id,
                    'company': company.id,
                    }])
        values['invoice_sequences'] = [('create', [{
                        'company': company.id,
                        'out_invoice_sequence': invoice_sequence.id,
                        'in_invoice_sequence': invoice_sequence.id,
                        'out_credit_note_sequence': invoice_sequence.id,
                        'in_credit_note_sequence': invoice_sequence.id,
                        }])]
    fiscalyear, = FiscalYear.create([values])
    FiscalYear.create_period([fiscalyear])
    return fiscalyear


def setup_gov_accounting(company=None, year=None):
    """Set up the accounting of a state institution in a unit test.

    Creates the company (KZT) when none is given, the chart from
    ``edu_account.chart_gov``, a fiscal year of ``year`` (default: this
    year) with 12 monthly periods and its move sequence, and sets the
    default party accounts (receivable 1210, payable 3210).  Returns a
    namespace with ``company``, ``fiscalyear``, ``account(code)`` and
    ``journal(code)``.
    """
    from trytond.modules.company.tests import create_company, set_company
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Account = pool.get('account.account')
    Journal = pool.get('account.journal')

    if company is None:
        company = create_company(
            name="Bilim School No. 1", currency=get_kzt())
    if year is None:
        year = dt.date.today().year
    with set_company(company):
        _create_chart_pool(company)
        fiscalyear = _create_fiscalyear_pool(company, year)

    def account(code):
        with Transaction().set_context(company=company.id):
            account, = Account.search([
                    ('code', '=', code), ('company', '=', company.id)])
        return account

    def journal(code):
        journal, = Journal.search([('code', '=', code)], limit=1)
        return journal

    return SimpleNamespace(company=company, fiscalyear=fiscalyear,
        account=account, journal=journal, year=year)


# --- proteus -----------------------------------------------------------

def create_gov_chart(company=None, config=None):
    "Create the chart of state institutions with proteus"
    from proteus import Model, Wizard
    from proteus.config import get_config
    from trytond.modules.company.tests.tools import get_company
    if config is None:
        config = get_config()
    AccountTemplate = Model.get('account.account.template', config=config)
    ModelData = Model.get('ir.model.data', config=config)
    if not company:
        company = get_company(config=config)
    template = AccountTemplate(ModelData.get_id(CHART, config.context))
    create_chart = Wizard('account.create_chart', config=config)
    create_chart.execute('account')
    create_chart.form.account_template = template
    create_chart.form.company = company
    create_chart.execute('create_account')
    accounts = gov_accounts(company, config=config)
    create_chart.form.account_receivable = accounts[RECEIVABLE]
    create_chart.form.account_payable = accounts[PAYABLE]
    create_chart.execute('create_properties')
    return create_chart


def create_gov_fiscalyear(company=None, year=None, config=None):
    "Create and return a saved fiscal year of 12 monthly periods (proteus)"
    from proteus import Model
    from trytond.modules.company.tests.tools import get_company
    FiscalYear = Model.get('account.fiscalyear', config=config)
    Sequence = Model.get('ir.sequence.strict', config=config)
    SequenceType = Model.get('ir.sequence.type', config=config)
    if not company:
        company = get_company(config=config)
    if year is None:
        year = dt.date.today().year
    sequence_type, = SequenceType.find(
        [('name', '=', "Account Move")], limit=1)
    sequence = Sequence(name=str(year), sequence_type=sequence_type,
        company=company)
    sequence.save()
    fiscalyear = FiscalYear(name=str(year), company=company,
        start_date=dt.date(year, 1, 1), end_date=dt.date(year, 12, 31),
        move_sequence=sequence)
    if 'invoice_sequences' in FiscalYear._fields:
        from trytond.modules.account_invoice.tests.tools import (
            set_fiscalyear_invoice_sequences)
        set_fiscalyear_invoice_sequences(fiscalyear, config=config)
    fiscalyear.save()
    fiscalyear.click('create_period')
    return fiscalyear


def gov_accounts(company=None, config=None):
    "Return the dict code → account of the company (proteus)"
    from proteus import Model
    from trytond.modules.company.tests.tools import get_company
    Account = Model.get('account.account', config=config)
    if not company:
        company = get_company(config=config)
    return {a.code: a for a in Account.find([
                ('company', '=', company.id),
                ('code', '!=', None),
                ])}


# --- both --------------------------------------------------------------

def _is_proteus(record):
    try:
        from proteus import Model
    except ImportError:
        return False
    return isinstance(record, Model)


def post_move(journal, date, lines, description='', company=None,
        post=True):
    """Create and post a move; return it.

    ``lines`` are dicts with ``account`` (code or record), ``debit``,
    ``credit``, and optionally ``party``, ``ebk_specific`` (code or
    record), ``funding_source`` (XML suffix such as ``'local'``, code or
    record), ``ebk_program`` (record) and ``description``.
    """
    if _is_proteus(journal):
        return _post_move_proteus(journal, date, lines, description,
            company, post)
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Move = pool.get('account.move')
    Line = pool.get('account.move.line')
    Period = pool.get('account.period')
    Account = pool.get('account.account')
    Specific = pool.get('edu.ebk.specific')
    Source = pool.get('edu.funding.source')
    ModelData = pool.get('ir.model.data')
    if company is None:
        company_id = Transaction().context.get('company')
        if not company_id:
            Company = pool.get('company.company')
            company, = Company.search([], limit=1)
            company_id = company.id
    else:
        company_id = getattr(company, 'id', company)

    def source(value):
        if not value or not isinstance(value, str):
            return value
        try:
            return Source(ModelData.get_id('edu_account', 'funding_' + value))
        except KeyError:
            return Source.search([('code', '=', value)], limit=1)[0]

    with Transaction().set_context(company=company_id):
        period = Period.find(company_id, date=date)
        move = Move(journal=journal, date=date, period=period,
            company=company_id, description=description)
        move_lines = []
        for values in lines:
            values = dict(values)
            account = values.pop('account')
            if isinstance(account, str):
                account, = Account.search([
                        ('code', '=', account),
                        ('company', '=', company_id)])
            specific = values.pop('ebk_specific', None)
            if isinstance(specific, str):
                specific, = Specific.search([('code', '=', specific)])
            line = Line(account=account,
                debit=Decimal(values.pop('debit', 0) or 0),
                credit=Decimal(values.pop('credit', 0) or 0),
                ebk_specific=specific,
                funding_source=source(values.pop('funding_source', None)),
                **values)
            move_lines.append(line)
        move.lines = move_lines
        move.save()
        if post:
            Move.post([move])
    return move


def _post_move_proteus(journal, date, lines, description, company, post):
    from proteus import Model
    config = journal._config
    Move = Model.get('account.move', config=config)
    Specific = Model.get('edu.ebk.specific', config=config)
    Source = Model.get('edu.funding.source', config=config)
    ModelData = Model.get('ir.model.data', config=config)
    accounts = gov_accounts(company, config=config)
    move = Move(journal=journal, date=date, description=description)
    for values in lines:
        values = dict(values)
        line = move.lines.new()
        account = values.pop('account')
        line.account = (accounts[account] if isinstance(account, str)
            else account)
        line.debit = Decimal(values.pop('debit', 0) or 0)
        line.credit = Decimal(values.pop('credit', 0) or 0)
        specific = values.pop('ebk_specific', None)
        if isinstance(specific, str):
            specific, = Specific.find([('code', '=', specific)])
        line.ebk_specific = specific
        funding = values.pop('funding_source', None)
        if isinstance(funding, str):
            try:
                funding = Source(ModelData.get_id(
                        'edu_account.funding_' + funding, config.context))
            except Exception:
                funding, = Source.find([('code', '=', funding)])
        line.funding_source = funding
        for key, value in values.items():
            setattr(line, key, value)
    move.save()
    if post:
        move.click('post')
    return move
