# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
from contextlib import contextmanager
from unittest import mock

import trytond.config as config
from trytond.exceptions import RateLimitException, UserError
from trytond.pool import Pool
from trytond.pyson import PYSONDecoder
from trytond.res import user as res_user
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

PASSWORD = 'Astana2026kz'


@contextmanager
def session_option(name, value):
    "Set [session] name to value for the block"
    saved = config.get('session', name)
    config.set('session', name, str(value))
    try:
        yield
    finally:
        config.set('session', name, saved)


def login(login, password, ip_address=None):
    """Return what res.user.get_login returns, without the delay Tryton
    adds after each failure"""
    User = Pool().get('res.user')
    context = {}
    if ip_address:
        context['_request'] = {'remote_addr': ip_address}
    with mock.patch.object(res_user, 'time'), \
            Transaction().set_context(context):
        return User.get_login(login, {'password': password})


class EduSecurityTestCase(ModuleTestCase):
    "Test Edu Security module"
    module = 'edu_security'

    def create_user(self, login, **values):
        User = Pool().get('res.user')
        user, = User.create([{
                    'login': login, 'name': login, 'password': PASSWORD,
                    **values}])
        return user

    @with_transaction()
    def test_report_event(self):
        "An event is stored by report() and cannot be changed (R5.20)"
        pool = Pool()
        Event = pool.get('edu.security.event')
        User = pool.get('res.user')
        admin, = User.search([('login', '=', 'admin')])
        event = Event.report(
            'rights_change', 'warning', "Role given", source='test',
            user=admin, record=admin, ip_address='127.0.0.1')
        self.assertEqual(event.user, admin)
        self.assertEqual(event.record, f'res.user,{admin.id}')
        self.assertEqual(event.severity, 'warning')
        self.assertTrue(event.date)
        with self.assertRaises(UserError):
            Event.write([event], {'description': "Nothing happened"})
        with self.assertRaises(UserError):
            Event.delete([event])

    @with_transaction()
    def test_login_failure_reasons(self):
        "Each failed login is recorded with its reason, not a success (R5.12)"
        pool = Pool()
        Failure = pool.get('edu.login.failure')
        user = self.create_user('aigerim')
        inactive = self.create_user('bolat', active=False)

        self.assertEqual(login('aigerim', PASSWORD), user.id)
        self.assertEqual(Failure.search([]), [])

        self.assertIsNone(login('aigerim', 'wrong-Password1', '10.0.0.7'))
        self.assertIsNone(login('nobody', PASSWORD))
        self.assertIsNone(login('bolat', PASSWORD))
        failures = Failure.search([], order=[('id', 'ASC')])
        self.assertEqual(
            [(f.login, f.user, f.reason, f.ip_address) for f in failures], [
                ('aigerim', user, 'wrong_password', '10.0.0.7'),
                ('nobody', None, 'unknown_login', None),
                ('bolat', inactive, 'inactive', None),
                ])
        # the password is never kept
        self.assertNotIn('password', Failure._fields)
        with self.assertRaises(UserError):
            Failure.write(failures[:1], {'reason': 'throttled'})
        with self.assertRaises(UserError):
            Failure.delete(failures[:1])

    @with_transaction()
    def test_login_failure_second_factor(self):
        "A right password refused by a second factor is told apart (R5.12)"
        pool = Pool()
        User = pool.get('res.user')
        Failure = pool.get('edu.login.failure')
        self.create_user('aigerim')

        # a second method after the password that refuses everybody
        with mock.patch.object(User, '_login_refuse', create=True,
                    return_value=None), \
                session_option('authentications', 'password+refuse'):
            self.assertIsNone(login('aigerim', PASSWORD))
            self.assertIsNone(login('aigerim', 'wrong-Password1'))
        failure_ok, failure_wrong = Failure.search(
            [], order=[('id', 'ASC')])
        self.assertEqual(failure_ok.reason, 'wrong_second_factor')
        self.assertEqual(failure_wrong.reason, 'wrong_password')

    @with_transaction()
    def test_throttling(self):
        """Tryton's throttling is on: after [session] max_attempt failures
        the next attempts are refused, even with the right password, and
        recorded as throttled (R5.12)"""
        pool = Pool()
        Failure = pool.get('edu.login.failure')
        self.create_user('aigerim')
        with session_option('max_attempt', 3):
            # Tryton refuses once more than max_attempt attempts failed
            for _ in range(4):
                self.assertIsNone(login('aigerim', 'wrong-Password1'))
            with self.assertRaises(RateLimitException):
                login('aigerim', PASSWORD)
            with self.assertRaises(RateLimitException):
                login('aigerim', 'wrong-Password1')
        self.assertEqual(
            [f.reason for f in Failure.search([], order=[('id', 'ASC')])],
            ['wrong_password'] * 4 + ['throttled'] * 2)

    @with_transaction()
    def test_threshold_event(self):
        """One event when the failures of a login reach the threshold, a
        critical one at four times, a new one after the window (R5.20)"""
        pool = Pool()
        Configuration = pool.get('edu.security.configuration')
        Event = pool.get('edu.security.event')
        Failure = pool.get('edu.login.failure')
        config_ = Configuration(1)
        self.assertEqual(config_.failed_login_threshold, 5)
        self.assertEqual(config_.failed_login_window, 15)
        config_.failed_login_threshold = 2
        config_.save()
        user = self.create_user('aigerim')

        def events():
            return [(e.severity, e.login, e.ip_address)
                for e in Event.search(
                    [('kind', '=', 'login_failures')],
                    order=[('id', 'ASC')])]

        with session_option('max_attempt', 100):
            self.assertIsNone(login('aigerim', 'wrong-Password1'))
            self.assertEqual(events(), [])
            self.assertIsNone(login('aigerim', 'wrong-Password1'))
            self.assertEqual(events(), [('warning', 'aigerim', None)])
            event, = Event.search([('kind', '=', 'login_failures')])
            self.assertEqual(event.user, user)
            self.assertTrue(event.record.startswith('edu.login.failure,'))
            for _ in range(5):
                login('aigerim', 'wrong-Password1')
            self.assertEqual(events(), [('warning', 'aigerim', None)])
            login('aigerim', 'wrong-Password1')
            self.assertEqual(events(), [
                    ('warning', 'aigerim', None),
                    ('critical', 'aigerim', None),
                    ])
            login('aigerim', 'wrong-Password1')
            self.assertEqual(len(events()), 2)

            # once the window has passed, the failures start again
            cursor = Transaction().connection.cursor()
            long_ago = dt.datetime.now() - dt.timedelta(minutes=16)
            for Model in [Failure, Event]:
                table = Model.__table__()
                cursor.execute(*table.update([table.date], [long_ago]))
            login('aigerim', 'wrong-Password1')
            self.assertEqual(len(events()), 2)
            login('aigerim', 'wrong-Password1')
            self.assertEqual(events()[2:], [('warning', 'aigerim', None)])

    @with_transaction()
    def test_threshold_event_ip_address(self):
        "Failures of many logins from one IP address raise one event (R5.20)"
        pool = Pool()
        Configuration = pool.get('edu.security.configuration')
        Event = pool.get('edu.security.event')
        Configuration.write([Configuration(1)], {
                'failed_login_threshold': 3,
                })
        for name in ['a1', 'a2', 'a3', 'a4']:
            login(name, 'guess-Password1', '192.0.2.10')
        login('a5', 'guess-Password1', '192.0.2.11')
        event, = Event.search([('kind', '=', 'login_failures')])
        self.assertEqual(event.severity, 'warning')
        self.assertEqual(event.ip_address, '192.0.2.10')
        self.assertIsNone(event.login)
        self.assertIn('192.0.2.10', event.description)

    @with_transaction()
    def test_same_ip_address(self):
        "From a failed login, the failures of its IP address are opened"
        pool = Pool()
        Failure = pool.get('edu.login.failure')
        SameIP = pool.get('edu.login.failure.same_ip', type='wizard')
        login('a1', 'guess-Password1', '192.0.2.10')
        login('a2', 'guess-Password1', '192.0.2.10')
        login('a3', 'guess-Password1', '192.0.2.11')
        failure, = Failure.search([('login', '=', 'a2')])

        session_id, _, _ = SameIP.create()
        with Transaction().set_context(active_model=Failure.__name__,
                active_id=failure.id, active_ids=[failure.id]):
            result = SameIP.execute(session_id, {}, 'open_')
        (action, _), = result['actions']
        domain = PYSONDecoder().decode(action['pyson_domain'])
        self.assertEqual(
            sorted(f.login for f in Failure.search(domain)), ['a1', 'a2'])

    @with_transaction()
    def test_configuration_positive(self):
        "The threshold and the window are positive"
        pool = Pool()
        Configuration = pool.get('edu.security.configuration')
        for field in ['failed_login_threshold', 'failed_login_window']:
            with self.assertRaises(UserError):
                Configuration.write([Configuration(1)], {field: 0})


del ModuleTestCase
