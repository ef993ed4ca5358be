# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo part of the audit journal and the security registers (R5.12–R5.14,
R5.20): a morning of work done **as the demo users**, so that the auditor
and the administrator find real entries in sao.

The organisation itself is loaded by user 0 (not journalled, by design);
here the HR officer adds a teacher's mobile number and corrects it, the
system administrator gives the methodist a second role for a week of
replacement and takes it back, and someone tries the director's password
from one address until the threshold raises a security event.  The chain
is then verified like the daily job does.  Called by scripts/create_db.py
with the summary of scripts/demo_data.load().
"""
from trytond.pool import Pool
from trytond.transaction import Transaction

ATTACKER_IP = '10.20.30.40'
OFFICE_IP = '192.168.12.15'


def _user(login):
    User = Pool().get('res.user')
    user, = User.search([('login', '=', login)])
    return user


def _as(user, ip_address):
    "A transaction context as if ``user`` called from ``ip_address``"
    transaction = Transaction()
    return transaction.set_user(user.id), transaction.set_context(
        _request={'remote_addr': ip_address}, company=user.company.id)


def load(summary):
    pool = Pool()
    Party = pool.get('party.party')
    Contact = pool.get('party.contact_mechanism')
    User = pool.get('res.user')
    Role = pool.get('res.role')
    UserRole = pool.get('res.user.role')
    ModelData = pool.get('ir.model.data')
    Failure = pool.get('edu.login.failure')
    Entry = pool.get('edu.audit.entry')
    Event = pool.get('edu.security.event')

    entries_before = Entry.search_count([])
    events_before = Event.search_count([])

    hr = _user('hr')
    teacher = _user('teacher')
    sysadmin = _user('sysadmin')
    methodist = _user('methodist')

    # the HR officer adds the teacher's mobile number, then corrects it
    set_user, set_context = _as(hr, OFFICE_IP)
    with set_user, set_context:
        person = Party(teacher.person.id)
        phone, = Contact.create([{
                    'party': person.id,
                    'type': 'mobile',
                    'value': '+77015550123',
                    }])
        # a digit was wrong
        Contact.write([phone], {'value': '+77015550132'})

    # the system administrator gives the methodist the tutor's role for a
    # replacement, then takes it back (rights history + journal)
    tutor_role = Role(ModelData.get_id('edu_base', 'role_tutor'))
    set_user, set_context = _as(sysadmin, OFFICE_IP)
    with set_user, set_context:
        user = User(methodist.id)
        User.write([user], {
                'roles': [('create', [{'role': tutor_role.id}])]})
        granted = UserRole.search([
                ('user', '=', methodist.id), ('role', '=', tutor_role.id)])
        User.write([user], {'roles': [('delete', [r.id for r in granted])]})

    # repeated wrong passwords for the director from one address: the
    # register of failed logins and, past the threshold, a security event
    with Transaction().set_context(_request={'remote_addr': ATTACKER_IP}):
        for _ in range(6):
            Failure.record('director', 'wrong_password')
        Failure.record('administrator', 'unknown_login')

    broken = Entry.check_chain()
    return {
        'journal entries': Entry.search_count([]) - entries_before,
        'security events': Event.search_count([]) - events_before,
        'chain': 'broken at %s' % broken.id if broken else 'intact',
        }
