# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Test helpers of edu_account_settlement (pool-based, inside a unit-test
transaction)."""
import datetime as dt
from decimal import Decimal

from trytond.modules.edu_base import kz_id
from trytond.pool import Pool

_serial = [100]


def next_serial():
    _serial[0] += 1
    return _serial[0]


def create_supplier(name="ТОО «Таза Су»", bin_=True):
    Party = Pool().get('party.party')
    values = {'name': name, 'is_person': False,
        'addresses': [('create', [{'street': "ул. Кенесары, 1"}])]}
    if bin_:
        values['bin'] = kz_id.make_bin(15, 3, next_serial())
    party, = Party.create([values])
    return party


def create_employee(company, last_name="Сейітова", first_name="Айгүл"):
    pool = Pool()
    Party = pool.get('party.party')
    Employee = pool.get('company.employee')
    party, = Party.create([{
                'is_person': True,
                'last_name': last_name,
                'first_name': first_name,
                'iin': kz_id.make_iin(
                    dt.date(1985, 4, 12), 'female', next_serial()),
                'organisation': company.id,
                }])
    employee, = Employee.create([{'party': party.id,
                'company': company.id}])
    return employee


def create_program(company=None):
    Program = Pool().get('edu.ebk.program')
    program, = Program.create([{
                'functional_group': '04',
                'administrator': '261',
                'program': '015',
                'subprogram': '011',
                'name': "Общее среднее образование",
                }])
    return program


def funding(suffix='local'):
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    Source = pool.get('edu.funding.source')
    return Source(ModelData.get_id('edu_account', 'funding_' + suffix))


def specific(code):
    Specific = Pool().get('edu.ebk.specific')
    record, = Specific.search([('code', '=', code)])
    return record


def create_plan(company, fiscalyear, program, source, specific_code,
        monthly):
    """Create and approve a financing plan with the obligations and
    payments of specific: monthly is a dict month → amount"""
    pool = Pool()
    Plan = pool.get('edu.financing.plan')
    lines = []
    for kind in ('obligations', 'payments'):
        values = {'ebk_specific': specific(specific_code).id, 'kind': kind}
        for month in range(1, 13):
            values['month_%02d' % month] = Decimal(monthly.get(month, 0))
        lines.append(values)
    plan, = Plan.create([{
                'company': company.id,
                'fiscalyear': fiscalyear.id,
                'ebk_program': program.id,
                'funding_source': source.id,
                'lines': [('create', lines)],
                }])
    Plan.approve([plan])
    return plan


def move_lines(move):
    """Return the lines of move as sorted tuples (account code, debit,
    credit, specific code, funding source code, party name)"""
    return sorted((l.account.code, l.debit, l.credit,
            l.ebk_specific.code if l.ebk_specific else None,
            l.funding_source.code if l.funding_source else None,
            l.party.rec_name if l.party else None)
        for l in move.lines)


def grant_accounting(config=None):
    """Give the current proteus user the accountant and chief accountant
    groups of edu_base (scenarios run as the administrator)"""
    from proteus import Model
    from proteus.config import get_config
    config = config or get_config()
    User = Model.get('res.user', config=config)
    Group = Model.get('res.group', config=config)
    ModelData = Model.get('ir.model.data', config=config)
    user = User(config.user)
    for xml_id in ['edu_base.group_edu_accounting',
            'edu_base.group_edu_chief_accountant']:
        user.groups.append(Group(ModelData.get_id(xml_id, {})))
    user.save()
    return user


def grant_reports():
    """Give the administrator (who prints in the unit tests) the accountant
    group: the printed forms check the model access of the user"""
    from trytond.transaction import Transaction
    pool = Pool()
    User = pool.get('res.user')
    ModelData = pool.get('ir.model.data')
    group = ModelData.get_id('edu_base', 'group_edu_accounting')
    user = Transaction().user
    with Transaction().set_user(0):
        User.write([User(user)], {'groups': [('add', [group])]})
