# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Access-matrix harness (R5.8, R5.10, R12).

Checks, by really trying, what each role of the Bilim catalogue may do on
each model, and that no role of one school ever reaches the records of a
sibling school.

Use it from a test that runs inside a Tryton test transaction (for example
under ``trytond.tests.test_tryton.with_transaction``) on a database where
``edu_base`` is activated::

    from tests.access_matrix import (
        AccessMatrix, build_two_schools, edu_base_probes, expand)

    schools = build_two_schools()
    matrix = AccessMatrix(schools.users, edu_base_probes(schools))
    # one assertion, one table of every mismatch
    matrix.check(EXPECTED, isolated_models=['party.party'])
    # or piece by piece
    matrix.assert_expected(EXPECTED)
    matrix.assert_isolated(['party.party', 'company.employee'])

The expected table is a plain dict ``{(role, model, operation): bool}``
with operation one of ``read``, ``create``, ``write`` and ``delete``.  Later
modules extend it by merging their own rows (``{**EXPECTED, **MINE}``) and
by adding a :class:`Probe` per new model to the probes dict.

Meaning of a cell, for the user holding the role in school A:

read
    the model access allows reading AND a search finds the probe's sample
    record of school A AND reading it succeeds;
write
    the model access allows writing AND writing the sample record of
    school A (with unchanged values) succeeds;
create
    the model access allows creating AND, when the probe gives values,
    creating a record with them succeeds;
delete
    the model access allows deleting AND, when the probe can make a
    throw-away record of school A, deleting it succeeds.

Record rules are thus part of every answer, as they are for a real user.
All mismatches are collected and reported at once as a table.
"""
import dataclasses
import datetime as dt
import itertools
import types
from typing import Callable, Optional

from trytond.exceptions import UserError, UserWarning
from trytond.pool import Pool
from trytond.transaction import Transaction

__all__ = ['ROLES', 'OPERATIONS', 'Probe', 'Cell', 'AccessMatrix',
    'expand', 'build_two_schools', 'edu_base_probes', 'format_table']

#: the role catalogue of edu_base (res.role with xml id edu_base.role_<name>)
ROLES = (
    'director', 'deputy_director', 'methodist', 'teacher', 'tutor',
    'learner', 'parent', 'accountant', 'chief_accountant', 'hr_officer',
    'clerk', 'sysadmin', 'auditor', 'ministry_integration',
    )
OPERATIONS = ('read', 'create', 'write', 'delete')
_LETTERS = dict(zip('rcwd', OPERATIONS))


def expand(model, table):
    """Return the expected rows of ``model`` from a compact table.

    ``table`` maps a role to a string of the allowed operations among
    ``r`` (read), ``c`` (create), ``w`` (write) and ``d`` (delete); any
    other character (``-`` by convention) is ignored, e.g. ``'r-w-'``.
    A role may also map to an explicit ``{operation: bool}`` dict.
    """
    rows = {}
    for role, allowed in table.items():
        if isinstance(allowed, dict):
            assert set(allowed) <= set(OPERATIONS), allowed
            for operation in OPERATIONS:
                rows[(role, model, operation)] = bool(
                    allowed.get(operation, False))
        else:
            letters = {c for c in allowed if c in _LETTERS}
            for letter, operation in _LETTERS.items():
                rows[(role, model, operation)] = letter in letters
    return rows


@dataclasses.dataclass
class Probe:
    """How to try the operations of one model.

    ``own`` and ``other`` are the ids of a sample record of school A and of
    school B (``other`` may be None for shared data such as a classifier).
    ``write_values(record)`` returns the values written back (by default the
    current value of ``write_field``).  ``create_values()`` returns the
    values of a new record of school A; ``make_record()`` creates (as the
    calling super-user) a throw-away record of school A and returns its id,
    for the delete attempt.  Both are called outside the user's context.
    """
    model: str
    own: int
    other: Optional[int] = None
    write_field: Optional[str] = None
    write_values: Optional[Callable] = None
    create_values: Optional[Callable] = None
    make_record: Optional[Callable] = None
    read_fields: tuple = ('rec_name',)

    def values_to_write(self):
        Model = Pool().get(self.model)
        record = Model(self.own)
        if self.write_values:
            return self.write_values(record)
        name = self.write_field or 'rec_name'
        value = getattr(record, name)
        field = Model._fields[name]
        if field._type == 'many2one':
            value = value.id if value else None
        elif field._type == 'multiselection':
            value = list(value or [])
        return {name: value}


@dataclasses.dataclass
class Cell:
    "The outcome of one attempt"
    role: str
    model: str
    operation: str
    expected: Optional[bool]
    actual: object  # True, False or 'ERROR'
    detail: str = ''

    @property
    def ok(self):
        return self.actual != 'ERROR' and self.expected == self.actual


def _first_line(exception):
    message = getattr(exception, 'message', None) or str(exception)
    return ' '.join(str(message).split())[:110]


def format_table(cells, title="Access matrix mismatches"):
    "Return cells as an aligned text table"
    header = ('role', 'model', 'operation', 'expected', 'actual', 'detail')
    rows = [header]
    for cell in cells:
        rows.append((cell.role, cell.model, cell.operation,
                {True: 'allowed', False: 'refused', None: '?'}.get(
                    cell.expected, str(cell.expected)),
                {True: 'allowed', False: 'refused'}.get(
                    cell.actual, str(cell.actual)),
                cell.detail))
    widths = [max(len(str(r[i])) for r in rows) for i in range(5)]
    lines = [f'{title} ({len(cells)}):']
    for i, row in enumerate(rows):
        lines.append(' | '.join(
                [str(v).ljust(w) for v, w in zip(row[:5], widths)]
                + [str(row[5])]).rstrip())
        if i == 0:
            lines.append('-+-'.join('-' * w for w in widths) + '-+-------')
    return '\n'.join(lines)


class AccessMatrix:
    """Try operations as real users and compare with the expectations.

    ``users`` maps a role to the id of the user holding it in school A;
    ``probes`` maps a model name to its :class:`Probe`.
    """

    def __init__(self, users, probes):
        self.users = dict(users)
        self.probes = dict(probes)

    # -- running as a user -------------------------------------------------
    def as_user(self, user_id):
        """Context manager: act as ``user_id`` with the context the client
        would get at login and with access checks enforced"""
        return _AsUser(user_id)

    def _attempt(self, func):
        """Return (allowed, detail) for func() run in the user's context;
        func may return a string that explains a silent refusal"""
        try:
            refusal = func()
        except UserWarning as exception:
            return False, 'warning: ' + _first_line(exception)
        except UserError as exception:
            return False, _first_line(exception)
        except Exception as exception:  # a bug, not a refusal
            return 'ERROR', f'{exception.__class__.__name__}: {exception}'
        if isinstance(refusal, str):
            return False, refusal
        return True, ''

    def try_cell(self, role, model, operation):
        "Return (actual, detail) of operation on model by role's user"
        pool = Pool()
        ModelAccess = pool.get('ir.model.access')
        probe = self.probes[model]
        Model = pool.get(model)
        user_id = self.users[role]

        # values and throw-away records are prepared as the super-user
        values = record_id = write_values = None
        if operation == 'create' and probe.create_values:
            values = probe.create_values()
        elif operation == 'delete' and probe.make_record:
            record_id = probe.make_record()
        elif operation == 'write':
            write_values = probe.values_to_write()

        with self.as_user(user_id):
            if not ModelAccess.check(model, operation, raise_exception=False):
                return False, 'model access'
            if operation == 'read':
                def read():
                    found = Model.search([('id', '=', probe.own)])
                    if [r.id for r in found] != [probe.own]:
                        return 'record rule hides the record of school A'
                    Model.read([probe.own], list(probe.read_fields))
                return self._attempt(read)
            elif operation == 'write':
                return self._attempt(
                    lambda: Model.write([Model(probe.own)], write_values))
            elif operation == 'create':
                if values is None:
                    return True, 'model access only'
                return self._attempt(lambda: Model.create([values]))
            elif operation == 'delete':
                if record_id is None:
                    return True, 'model access only'
                return self._attempt(lambda: Model.delete([Model(record_id)]))
        raise ValueError(operation)

    def run(self, expected):
        "Return the cells of expected, with their actual outcome"
        cells = []
        for (role, model, operation), allowed in sorted(
                expected.items(),
                key=lambda i: (_order(ROLES, i[0][0]), i[0][1],
                    OPERATIONS.index(i[0][2]))):
            if role not in self.users:
                cells.append(Cell(role, model, operation, allowed, 'ERROR',
                        'no user holds this role in the database'))
                continue
            if model not in self.probes:
                cells.append(Cell(role, model, operation, allowed, 'ERROR',
                        'no probe for this model'))
                continue
            actual, detail = self.try_cell(role, model, operation)
            cells.append(Cell(role, model, operation, allowed, actual, detail))
        return cells

    def missing(self, expected, roles=ROLES, models=None):
        "Return the cells for which expected says nothing"
        models = self.probes if models is None else models
        return [Cell(role, model, operation, None, '?',
                    'no expectation given')
            for role, model, operation in itertools.product(
                roles, models, OPERATIONS)
            if (role, model, operation) not in expected]

    def mismatches(self, expected, complete=True):
        cells = [c for c in self.run(expected) if not c.ok]
        if complete:
            cells.extend(self.missing(expected))
        return cells

    def assert_expected(self, expected, complete=True):
        """Check every cell of expected; fail with a table of ALL the
        mismatches (and, if complete, of the cells left unspecified for the
        probed models)"""
        cells = self.mismatches(expected, complete=complete)
        if cells:
            raise AssertionError('\n' + format_table(cells))

    # -- isolation between sibling schools ---------------------------------
    def leaks(self, models=None, roles=None):
        """Return a cell for each role of school A that reaches the record
        of school B of a model: finds it by search, reads it or writes it"""
        pool = Pool()
        cells = []
        roles = [r for r in (roles or ROLES) if r in self.users]
        models = models or [m for m, p in self.probes.items()
            if p.other is not None]
        for role in roles:
            for model in models:
                probe = self.probes[model]
                Model = pool.get(model)
                other = probe.other
                other_values = _values_of(probe, other)
                with self.as_user(self.users[role]):
                    try:
                        count = Model.search([('id', '=', other)], count=True)
                    except UserError:
                        count = 0
                    if count:
                        cells.append(Cell(role, model, 'search B', False,
                                True, f'{count} record(s) of school B found'))
                    allowed, detail = self._attempt(
                        lambda: Model.read([other], list(probe.read_fields)))
                    if allowed is not False:
                        cells.append(Cell(role, model, 'read B', False,
                                allowed, detail or 'record of school B read'))
                    allowed, detail = self._attempt(
                        lambda: Model.write([Model(other)], other_values))
                    if allowed is not False:
                        cells.append(Cell(role, model, 'write B', False,
                                allowed,
                                detail or 'record of school B written'))
        return cells

    def assert_isolated(self, models=None, roles=None):
        "Fail with a table if any role of school A reaches school B"
        cells = self.leaks(models=models, roles=roles)
        if cells:
            raise AssertionError('\n' + format_table(
                    cells, title="Records of school B reached by school A"))

    def foreign_records(self, domains, roles=None):
        """Return a cell for each role that finds any record of the
        ``{model: domain}`` given (the domains select school B's records)"""
        pool = Pool()
        cells = []
        roles = [r for r in (roles or ROLES) if r in self.users]
        for role in roles:
            for model, domain in domains.items():
                Model = pool.get(model)
                with self.as_user(self.users[role]):
                    try:
                        count = Model.search(domain, count=True)
                    except UserError:
                        count = 0
                if count:
                    cells.append(Cell(role, model, 'search B', False, True,
                            f'{count} record(s) of {domain} found'))
        return cells

    def assert_no_foreign_records(self, domains, roles=None):
        "Fail with a table if any role finds a record of the domains"
        cells = self.foreign_records(domains, roles=roles)
        if cells:
            raise AssertionError('\n' + format_table(
                    cells, title="Records of school B found by school A"))

    def check(self, expected, isolated_models=(), foreign_domains=None,
            complete=True):
        """Check expected, the isolation of isolated_models and that no role
        finds a record of foreign_domains; fail with ONE table of all the
        mismatches found"""
        cells = self.mismatches(expected, complete=complete)
        if isolated_models:
            cells.extend(self.leaks(models=list(isolated_models)))
        if foreign_domains:
            cells.extend(self.foreign_records(foreign_domains))
        if cells:
            raise AssertionError('\n' + format_table(cells))

    def visible(self, role, model, domain=None):
        "Return the ids of model that role's user finds"
        Model = Pool().get(model)
        with self.as_user(self.users[role]):
            return [r.id for r in Model.search(domain or [])]


def _order(sequence, value):
    return sequence.index(value) if value in sequence else len(sequence)


def _values_of(probe, record_id):
    "Values that write back unchanged the record_id of the probe's model"
    return dataclasses.replace(probe, own=record_id).values_to_write()


class _AsUser:
    def __init__(self, user_id):
        self.user_id = user_id
        self._managers = []

    def __enter__(self):
        pool = Pool()
        User = pool.get('res.user')
        transaction = Transaction()
        manager = transaction.set_user(self.user_id)
        self._managers.append(manager)
        manager.__enter__()
        context = User.get_preferences(context_only=True)
        manager = transaction.set_context(context, _check_access=True)
        self._managers.append(manager)
        manager.__enter__()
        return self

    def __exit__(self, *exc):
        while self._managers:
            self._managers.pop().__exit__(*exc)
        return False


# -- the demo-like database ------------------------------------------------

def _model_data_id(xml_id):
    module, name = xml_id.split('.')
    return Pool().get('ir.model.data').get_id(module, name)


def build_two_schools():
    """Create a district education department, its schools A and B and
    one user per role of the catalogue in school A, plus an HR officer and a
    teacher in school B, and return their ids as a namespace.

    Run it as the administrator (user 1) inside a test transaction; it
    commits nothing.
    """
    from trytond.modules.edu_base import kz_id

    pool = Pool()
    Currency = pool.get('currency.currency')
    Party = pool.get('party.party')
    Company = pool.get('company.company')
    Employee = pool.get('company.employee')
    Department = pool.get('edu.department')
    KATO = pool.get('edu.kato')
    User = pool.get('res.user')
    Relation = pool.get('party.relation')

    ns = types.SimpleNamespace()
    serials = itertools.count(100)
    issued = set()

    def new_code(make, *args):
        # make_iin/make_bin skip to the next serial when a serial has no
        # control digit, so two serials may give the same code
        while True:
            code = make(*args, next(serials))
            if code not in issued:
                issued.add(code)
                return code

    ns.new_iin = lambda birth, sex: new_code(kz_id.make_iin, birth, sex)
    ns.new_bin = lambda year, month: new_code(kz_id.make_bin, year, month)
    ns.serials = serials

    def person(school, last, first, birth, sex, **values):
        party, = Party.create([{
                    'is_person': True,
                    'last_name': last,
                    'first_name': first,
                    'iin': ns.new_iin(birth, sex),
                    'organisation': school.id,
                    **values,
                    }])
        return party

    ns.person = person

    kzt, = Currency.create([{
                'name': 'Tenge', 'code': 'KZT', 'symbol': '₸'}])
    ns.currency = kzt.id
    # the regions come with edu_base; district and town codes are
    # illustrative, sharing the prefixes of their parents
    region = KATO(_model_data_id('edu_base.kato_110000000'))
    district, = KATO.create([{
                'code': '113600000', 'name': 'Бурабай ауданы',
                'level': 'district', 'parent': region.id}])
    town, = KATO.create([{
                'code': '113620000', 'name': 'Щучье қаласы',
                'level': 'rural_district', 'parent': district.id}])
    ns.kato_region, ns.kato_district, ns.kato_town = (
        region.id, district.id, town.id)

    def organisation(name, kind, parent=None):
        party, = Party.create([{
                    'name': name,
                    'bin': ns.new_bin(2004, 9),
                    }])
        company, = Company.create([{
                    'party': party.id,
                    'currency': kzt.id,
                    'edu_kind': kind,
                    'edu_parent': parent.id if parent else None,
                    'kato': town.id,
                    'instruction_languages': ['kk', 'ru'],
                    }])
        return company

    district_dept = organisation(
        "Бурабай ауданы бойынша білім бөлімі", 'education_department')
    school_a = organisation(
        "№1 жалпы білім беретін мектеп", 'school', district_dept)
    school_b = organisation(
        "№2 жалпы білім беретін мектеп", 'school', district_dept)
    ns.district, ns.school_a, ns.school_b = (
        district_dept.id, school_a.id, school_b.id)

    def department(school, name, kind, parent=None):
        dept, = Department.create([{
                    'name': name, 'kind': kind, 'company': school.id,
                    'parent': parent.id if parent else None}])
        return dept

    admin_a = department(school_a, "Әкімшілік", 'administration')
    teaching_a = department(school_a, "Педагогтар", 'teaching', admin_a)
    maths_a = department(
        school_a, "Математика ӘБ", 'methodical', teaching_a)
    languages_a = department(
        school_a, "Тілдер ӘБ", 'methodical', teaching_a)
    accounting_a = department(school_a, "Бухгалтерия", 'accounting', admin_a)
    personnel_a = department(school_a, "Кадр бөлімі", 'personnel', admin_a)
    office_a = department(school_a, "Кеңсе", 'office', admin_a)
    admin_b = department(school_b, "Әкімшілік", 'administration')
    teaching_b = department(school_b, "Педагогтар", 'teaching', admin_b)
    admin_d = department(district_dept, "Бөлім басшылығы", 'administration')
    ns.departments = {
        'admin_a': admin_a.id, 'teaching_a': teaching_a.id,
        'maths_a': maths_a.id, 'languages_a': languages_a.id,
        'accounting_a': accounting_a.id, 'personnel_a': personnel_a.id,
        'office_a': office_a.id, 'admin_b': admin_b.id,
        'teaching_b': teaching_b.id, 'admin_d': admin_d.id,
        }

    def employee(school, party, dept, position):
        emp, = Employee.create([{
                    'party': party.id, 'company': school.id,
                    'department': dept.id if dept else None,
                    'position': position,
                    }])
        Party.write([party], {'is_staff': True})
        return emp

    def user(login, school, party=None, emp=None, role=None):
        values = {
            'login': login,
            'name': party.name if party else login,
            'person': party.id if party else None,
            'companies': [('add', [school.id])],
            'company': school.id,
            }
        if emp:
            values['employees'] = [('add', [emp.id])]
            values['employee'] = emp.id
        if role:
            values['roles'] = [('create', [{
                            'role': _model_data_id(f'edu_base.role_{role}'),
                            }])]
        record, = User.create([values])
        return record

    born = dt.date(1985, 4, 12)
    staff = {
        # role: (last, first, sex, department, position)
        'director': ("Сейітов", "Бауыржан", 'male', admin_a, "Директор"),
        'deputy_director': ("Омарова", "Гүлнар", 'female', teaching_a,
            "Директордың оқу ісі жөніндегі орынбасары"),
        'methodist': ("Ахметова", "Сәуле", 'female', maths_a, "Әдіскер"),
        'teacher': ("Нұрланов", "Ерлан", 'male', maths_a,
            "Математика мұғалімі"),
        'tutor': ("Жұмабаева", "Айгүл", 'female', languages_a, "Тьютор"),
        'accountant': ("Ким", "Елена", 'female', accounting_a, "Бухгалтер"),
        'chief_accountant': ("Иванова", "Ольга", 'female', accounting_a,
            "Бас бухгалтер"),
        'hr_officer': ("Смағұлова", "Динара", 'female', personnel_a,
            "Кадр инспекторы"),
        'clerk': ("Тоқтарова", "Мадина", 'female', office_a, "Іс жүргізуші"),
        'sysadmin': ("Петров", "Андрей", 'male', admin_a,
            "Жүйелік әкімші"),
        'auditor': ("Бекова", "Жанар", 'female', admin_a,
            "Ішкі аудитор"),
        }
    ns.users, ns.persons, ns.employees = {}, {}, {}
    for role, (last, first, sex, dept, position) in staff.items():
        party = person(school_a, last, first, born, sex)
        emp = employee(school_a, party, dept, position)
        ns.users[role] = user(f'a.{role}', school_a, party, emp, role).id
        ns.persons[role], ns.employees[role] = party.id, emp.id

    # learner and parent (the mother) of school A
    learner = person(school_a, "Нұрланова", "Әсел", dt.date(2013, 2, 3),
        'female', is_learner=True)
    mother = person(school_a, "Нұрланова", "Гаухар", dt.date(1988, 7, 21),
        'female', is_representative=True)
    Relation.create([{
                'from_': mother.id, 'to': learner.id,
                'type': _model_data_id('edu_base.relation_mother'),
                }])
    other_learner = person(school_a, "Серіков", "Арман",
        dt.date(2012, 11, 30), 'male', is_learner=True)
    ns.persons.update(learner=learner.id, parent=mother.id,
        other_learner=other_learner.id)
    ns.users['learner'] = user(
        'a.learner', school_a, learner, role='learner').id
    ns.users['parent'] = user('a.parent', school_a, mother, role='parent').id
    # the ministry's exchange account is technical: no person, no employee
    ns.users['ministry_integration'] = user(
        'a.ministry_integration', school_a,
        role='ministry_integration').id

    # the sample records of school A that the probes work on: a colleague
    # of the teacher in the same methodical association
    colleague = person(school_a, "Әлиев", "Тимур", dt.date(1990, 1, 15),
        'male')
    colleague_emp = employee(school_a, colleague, maths_a,
        "Математика мұғалімі")
    ns.sample_a = {
        'party': colleague.id, 'employee': colleague_emp.id,
        'user': user('a.colleague', school_a, colleague, colleague_emp,
            'teacher').id,
        }
    # school B: an HR officer and a teacher, a learner
    hr_b = person(school_b, "Қасымова", "Әйгерім", born, 'female')
    hr_b_emp = employee(school_b, hr_b, admin_b, "Кадр инспекторы")
    teacher_b = person(school_b, "Оспанов", "Данияр", dt.date(1979, 5, 5),
        'male')
    teacher_b_emp = employee(school_b, teacher_b, teaching_b,
        "Физика мұғалімі")
    learner_b = person(school_b, "Оспанова", "Алина", dt.date(2014, 9, 9),
        'female', is_learner=True)
    ns.users_b = {
        'hr_officer': user('b.hr_officer', school_b, hr_b, hr_b_emp,
            'hr_officer').id,
        'teacher': user('b.teacher', school_b, teacher_b, teacher_b_emp,
            'teacher').id,
        }
    ns.persons_b = {'hr_officer': hr_b.id, 'teacher': teacher_b.id,
        'learner': learner_b.id}
    ns.employees_b = {'hr_officer': hr_b_emp.id,
        'teacher': teacher_b_emp.id}
    ns.sample_b = {'party': teacher_b.id, 'employee': teacher_b_emp.id,
        'user': ns.users_b['teacher']}
    # the district education department supervises both schools
    inspector = person(district_dept, "Мұратов", "Серік",
        dt.date(1975, 3, 3), 'male')
    inspector_emp = employee(district_dept, inspector, admin_d,
        "Бөлім басшысы")
    ns.district_user = user('d.director', district_dept, inspector,
        inspector_emp, 'director').id
    ns.district_person = inspector.id
    return ns


def edu_base_probes(ns):
    "Return the probes of the models of edu_base for build_two_schools()"

    pool = Pool()
    Party = pool.get('party.party')
    Company = pool.get('company.company')
    Employee = pool.get('company.employee')
    Department = pool.get('edu.department')
    KATO = pool.get('edu.kato')
    User = pool.get('res.user')
    UserRole = pool.get('res.user.role')
    RightsLog = pool.get('edu.rights.log')
    serials = ns.serials

    def new_person_values():
        return {
            'is_person': True,
            'last_name': "Сынақов",
            'first_name': "Тест",
            'iin': ns.new_iin(dt.date(2001, 1, 1), 'male'),
            }

    def new_person():
        party, = Party.create([{
                    **new_person_values(), 'organisation': ns.school_a}])
        return party.id

    def new_employee_values():
        return {'party': new_person(), 'company': ns.school_a,
            'department': ns.departments['maths_a'], 'position': "Сынақ"}

    def new_employee():
        return Employee.create([new_employee_values()])[0].id

    def new_company_values():
        party, = Party.create([{
                    'name': "Сынақ мектебі",
                    'bin': ns.new_bin(2010, 1)}])
        return {'party': party.id, 'currency': ns.currency,
            'edu_kind': 'school', 'edu_parent': ns.district}

    def new_company():
        return Company.create([new_company_values()])[0].id

    def new_department_values():
        return {'name': "Сынақ", 'kind': 'other', 'company': ns.school_a,
            'parent': ns.departments['admin_a']}

    def new_department():
        return Department.create([new_department_values()])[0].id

    kato_codes = (f'1136200{n:02d}' for n in itertools.count(1))

    def new_kato_values():
        return {'code': next(kato_codes), 'name': "Сынақ ауылы",
            'level': 'settlement', 'parent': ns.kato_town}

    def new_kato():
        return KATO.create([new_kato_values()])[0].id

    def new_user_values():
        return {'login': f'probe{next(serials)}', 'name': "Сынақ",
            'companies': [('add', [ns.school_a])], 'company': ns.school_a}

    def new_user():
        return User.create([new_user_values()])[0].id

    def new_user_role_values():
        return {'user': new_user(),
            'role': _model_data_id('edu_base.role_teacher')}

    def new_user_role():
        return UserRole.create([new_user_role_values()])[0].id

    def role_of(user_id):
        role, = UserRole.search([('user', '=', user_id)])
        return role.id

    def log_of(user_id):
        logs = RightsLog.search([
                ('user', '=', user_id), ('model', '=', 'res.user.role')])
        return logs[0].id

    return {
        'party.party': Probe('party.party',
            own=ns.sample_a['party'], other=ns.sample_b['party'],
            write_field='patronymic',
            create_values=new_person_values, make_record=new_person),
        'company.employee': Probe('company.employee',
            own=ns.sample_a['employee'], other=ns.sample_b['employee'],
            write_field='position',
            create_values=new_employee_values, make_record=new_employee),
        'company.company': Probe('company.company',
            own=ns.school_a, other=ns.school_b,
            write_field='instruction_languages',
            create_values=new_company_values, make_record=new_company),
        'edu.department': Probe('edu.department',
            own=ns.departments['maths_a'], other=ns.departments['admin_b'],
            write_field='code',
            create_values=new_department_values,
            make_record=new_department),
        'edu.kato': Probe('edu.kato', own=ns.kato_town, write_field='name',
            create_values=new_kato_values, make_record=new_kato),
        'res.user': Probe('res.user',
            own=ns.sample_a['user'], other=ns.sample_b['user'],
            write_field='name',
            create_values=new_user_values, make_record=new_user),
        'res.user.role': Probe('res.user.role',
            own=role_of(ns.sample_a['user']),
            other=role_of(ns.sample_b['user']),
            write_field='to_date',
            create_values=new_user_role_values, make_record=new_user_role),
        'edu.rights.log': Probe('edu.rights.log',
            own=log_of(ns.sample_a['user']),
            other=log_of(ns.sample_b['user']),
            write_field='changes',
            create_values=lambda: {
                'model': 'res.user', 'action': 'write',
                'changes': 'forged'},
            make_record=lambda: RightsLog.create([{
                        'model': 'res.user', 'action': 'write',
                        'user': ns.sample_a['user'],
                        'changes': 'throw-away'}])[0].id),
        }
