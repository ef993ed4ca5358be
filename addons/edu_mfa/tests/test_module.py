# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
import datetime as dt
import http.server
import json
import os
import re
import tempfile
import threading
from contextlib import contextmanager
from unittest import mock

import trytond.config as config
from trytond.exceptions import LoginException
from trytond.model.exceptions import AccessError
from trytond.modules import create_graph, load_translations
from trytond.modules.company.tests import create_company
from trytond.modules.edu_mfa import sms
from trytond.modules.edu_mfa.exceptions import SMSMobileError
from trytond.pool import Pool
from trytond.res import user as res_user
from trytond.res.user import PasswordError
from trytond.tests.test_tryton import ModuleTestCase, with_transaction
from trytond.transaction import Transaction

PASSWORD = 'Steppe2026kz'
MOBILE = '+77011234567'


@contextmanager
def options(**values):
    """Set configuration options for the block: section__option=value"""
    saved = {}
    for key, value in values.items():
        section, option = key.split('__')
        if not config.has_section(section):
            config.add_section(section)
        saved[(section, option)] = config.get(section, option, default=None)
        config.set(section, option, str(value))
    try:
        yield
    finally:
        for (section, option), value in saved.items():
            if value is None:
                config._config.remove_option(section, option)
                config._cache_clear()
            else:
                config.set(section, option, value)


@contextmanager
def sms_simulator(authentications='password+sms'):
    "Log in with authentications and send the SMS to the simulator"
    with tempfile.TemporaryDirectory() as directory, options(
            session__authentications=authentications,
            authentication_sms__function='trytond.modules.edu_mfa.sms.send',
            authentication_sms__gateway='simulator',
            authentication_sms__simulator_file=os.path.join(
                directory, 'sms.jsonl')):
        del sms.SENT[:]
        yield os.path.join(directory, 'sms.jsonl')


def login(login, **parameters):
    """Return what res.user.get_login returns, or the name of the parameter
    the server asks for, without the delay Tryton adds after a failure"""
    User = Pool().get('res.user')
    with mock.patch.object(res_user, 'time'):
        try:
            return User.get_login(login, parameters)
        except LoginException as exception:
            return exception.name


def last_code():
    "The code of the last SMS the simulator kept"
    return re.search(r'\b(\d{6})\b', sms.SENT[-1]['text']).group(1)


class EduMfaTestCase(ModuleTestCase):
    "Test edu_mfa module"
    module = 'edu_mfa'

    def create_user(self, login, **values):
        User = Pool().get('res.user')
        user, = User.create([{
                    'login': login, 'name': login, 'password': PASSWORD,
                    **values}])
        return user

    def test_normalise_mobile(self):
        "Kazakh mobile numbers are written +77XXXXXXXXX (R5.11)"
        for number in ['+7 701 123 45 67', '8 (701) 123-45-67',
                '87011234567', '7011234567', '77011234567']:
            self.assertEqual(sms.normalise_mobile(number), MOBILE, number)
        for number in [None, '', '+7 727 123 45 67', '12345',
                '+49 170 1234567', '8 701 123 45 6']:
            self.assertIsNone(sms.normalise_mobile(number), number)
        self.assertEqual(sms.mask_mobile(MOBILE), '+7 7** *** 45 67')

    def test_simulator_keeps_messages(self):
        "The simulator keeps each message in memory and in its file"
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, 'sub', 'sms.jsonl')
            with options(authentication_sms__gateway='simulator',
                    authentication_sms__simulator_file=path):
                del sms.SENT[:]
                self.assertTrue(sms.send("code 1", '8 701 123 45 67', 'B'))
                self.assertTrue(sms.send("code 2", MOBILE))
            self.assertEqual([(m['to'], m['text']) for m in sms.SENT],
                [(MOBILE, "code 1"), (MOBILE, "code 2")])
            with open(path, encoding='utf-8') as file:
                lines = [json.loads(line) for line in file]
            self.assertEqual([m['text'] for m in lines], ["code 1", "code 2"])
            self.assertEqual(lines[0]['from'], 'B')
            self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)

    def test_http_gateway(self):
        "The HTTP gateway POSTs JSON with the token of the environment"
        received = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers['Content-Length'])
                received.append((self.path, dict(self.headers),
                        json.loads(self.rfile.read(length))))
                self.send_response(202)
                self.end_headers()

            def log_message(self, *args):
                pass

        server = http.server.HTTPServer(('127.0.0.1', 0), Handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        url = 'http://127.0.0.1:%s/send' % server.server_port
        try:
            with options(authentication_sms__gateway='http',
                        authentication_sms__url=url), \
                    mock.patch.dict(os.environ, {'BILIM_SMS_TOKEN': 's3cret',
                            'no_proxy': '127.0.0.1', 'NO_PROXY': '127.0.0.1'}):
                self.assertTrue(
                    sms.send("Bilim: 123456", '87011234567', 'BILIM'))
        finally:
            server.shutdown()
            server.server_close()
        (path, headers, body), = received
        self.assertEqual(path, '/send')
        self.assertEqual(headers['Authorization'], 'Bearer s3cret')
        self.assertEqual(headers['Content-Type'], 'application/json')
        self.assertEqual(body, {
                'to': MOBILE, 'text': "Bilim: 123456", 'from': 'BILIM'})

        # an unreachable gateway (the server is stopped) or a missing URL
        # sends nothing
        with options(authentication_sms__gateway='http',
                    authentication_sms__url=url), \
                mock.patch.dict(os.environ, {
                        'no_proxy': '127.0.0.1', 'NO_PROXY': '127.0.0.1'}):
            self.assertFalse(sms.send("x", MOBILE))
        with options(authentication_sms__gateway='http',
                authentication_sms__url=''):
            self.assertFalse(sms.send("x", MOBILE))
        with options(authentication_sms__gateway='carrier-pigeon'):
            self.assertFalse(sms.send("x", MOBILE))

    @with_transaction()
    def test_sms_login(self):
        """Password then code by SMS: the code is sent, the right code logs
        in once, a wrong code is a failed login (R5.11, R5.12)"""
        pool = Pool()
        Failure = pool.get('edu.login.failure')
        user = self.create_user('aigerim', mobile='8 701 123 45 67',
            mfa_method='sms')
        with sms_simulator() as path:
            self.assertEqual(login('aigerim', password=PASSWORD), 'sms_code')
            self.assertEqual(len(sms.SENT), 1)
            self.assertEqual(sms.SENT[0]['to'], MOBILE)
            code = last_code()
            with open(path, encoding='utf-8') as file:
                self.assertIn(code, file.read())

            # asking again does not send another code while it is valid
            self.assertEqual(login('aigerim', password=PASSWORD), 'sms_code')
            self.assertEqual(len(sms.SENT), 1)

            wrong = '%06d' % ((int(code) + 1) % 1000000)
            self.assertIsNone(
                login('aigerim', password=PASSWORD, sms_code=wrong))
            failure, = Failure.search([])
            self.assertEqual(
                (failure.login, failure.user, failure.reason),
                ('aigerim', user, 'wrong_second_factor'))

            self.assertEqual(
                login('aigerim', password=PASSWORD, sms_code=code), user.id)
            # the code is used once
            self.assertIsNone(
                login('aigerim', password=PASSWORD, sms_code=code))
            # the code does not replace the password
            self.assertEqual(login('aigerim', password=PASSWORD), 'sms_code')
            self.assertIsNone(login('aigerim', password='Wrong2026kz',
                    sms_code=last_code()))
        self.assertEqual(
            [f.reason for f in Failure.search([], order=[('id', 'ASC')])],
            ['wrong_second_factor', 'wrong_second_factor', 'wrong_password'])

    @with_transaction()
    def test_sms_default_dispatcher(self):
        """Without [authentication_sms] function the codes go to Bilim
        ERP's dispatcher, the simulator by default"""
        user = self.create_user('aigerim', mobile=MOBILE, mfa_method='sms')
        with sms_simulator():
            config._config.remove_option('authentication_sms', 'function')
            config._cache_clear()
            self.assertEqual(login('aigerim', password=PASSWORD), 'sms_code')
            self.assertEqual(sms.SENT[-1]['to'], MOBILE)
            self.assertEqual(
                login('aigerim', password=PASSWORD, sms_code=last_code()),
                user.id)

    @with_transaction()
    def test_sms_code_expires(self):
        "A code by SMS is refused after [authentication_sms] ttl"
        pool = Pool()
        SMSCode = pool.get('res.user.login.sms_code')
        user = self.create_user('aigerim', mobile=MOBILE, mfa_method='sms')
        with sms_simulator():
            self.assertEqual(login('aigerim', password=PASSWORD), 'sms_code')
            code = last_code()
            record, = SMSCode.search([('user_id', '=', user.id)])
            table = SMSCode.__table__()
            cursor = Transaction().connection.cursor()
            cursor.execute(*table.update([table.create_date],
                    [dt.datetime.now() - dt.timedelta(minutes=6)],
                    where=table.id == record.id))
            self.assertIsNone(
                login('aigerim', password=PASSWORD, sms_code=code))

    @with_transaction()
    def test_sms_mobile_of_person(self):
        """The mobile of the second factor is the account's, else the
        person's; SMS cannot be chosen without a valid one (R5.11)"""
        pool = Pool()
        Party = pool.get('party.party')
        User = pool.get('res.user')
        user = self.create_user('aigerim')
        with self.assertRaises(SMSMobileError) as cm:
            User.write([user], {'mfa_method': 'sms'})
        self.assertIn('aigerim', cm.exception.message)
        with self.assertRaises(SMSMobileError):
            User.write([user], {'mfa_method': 'sms', 'mobile': '12-34'})

        company = create_company()
        contacts = [
            {'type': 'phone', 'value': '8 727 250 00 00'},
            {'type': 'mobile', 'value': '8 (702) 765-43-21'},
            ]
        person, = Party.create([{'is_person': True,
                    'last_name': "Нұрланова", 'first_name': "Әсем",
                    'organisation': company.id,
                    'contact_mechanisms': [('create', contacts)]}])
        User.write([user], {'person': person.id, 'mfa_method': 'sms'})
        self.assertEqual(user.mfa_mobile, '+77027654321')
        User.write([user], {'mobile': '+7 701 123 45 67'})
        self.assertEqual(user.mfa_mobile, MOBILE)

    @with_transaction()
    def test_sms_required_without_mobile(self):
        """A user who needs the second factor by SMS but has no valid
        mobile is refused with a clear message"""
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        user = self.create_user('aigerim', mobile=MOBILE, mfa_method='sms')
        admin_group = ModelData.get_id('res', 'group_admin')
        admin = self.create_user('bolat',
            groups=[('add', [admin_group])])
        # the mobile was wrong in the database (not through the form)
        table = User.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update([table.mobile], ['12'],
                where=table.id == user.id))
        with sms_simulator():
            with self.assertRaises(SMSMobileError) as cm:
                login('aigerim', password=PASSWORD)
            self.assertIn('aigerim', cm.exception.message)
            # an administrator needs the second factor: by SMS when it is
            # the only one configured
            self.assertTrue(admin.mfa_required)
            with self.assertRaises(SMSMobileError):
                login('bolat', password=PASSWORD)
            # a user who needs no second factor and did not choose SMS
            # logs in with the password
            other = self.create_user('dana')
            self.assertFalse(other.mfa_required)
            self.assertEqual(login('dana', password=PASSWORD), other.id)
            self.assertEqual(sms.SENT, [])

    @with_transaction()
    def test_sms_satisfies_required_policy(self):
        """With password+totp+sms, a user who needs the second factor gives
        the code of the method chosen (R5.11)"""
        pool = Pool()
        ModelData = pool.get('ir.model.data')
        User = pool.get('res.user')
        admin_group = ModelData.get_id('res', 'group_admin')
        by_sms = self.create_user('aigerim', mobile=MOBILE,
            mfa_method='sms', groups=[('add', [admin_group])])
        by_totp = self.create_user('bolat', mobile=MOBILE,
            groups=[('add', [admin_group])])
        self.assertTrue(by_sms.mfa_required)
        with sms_simulator('password+totp+sms'):
            # no application to set up for the SMS user
            self.assertEqual(login('aigerim', password=PASSWORD), 'sms_code')
            by_sms = User(by_sms.id)
            enrol = User._mfa_enrol_action()
            self.assertNotIn(enrol, [a.id for a in by_sms.actions])
            self.assertEqual(
                login('aigerim', password=PASSWORD, sms_code=last_code()),
                by_sms.id)

            # the application user is not sent any SMS: not enrolled yet,
            # the enrolment is asked at login
            del sms.SENT[:]
            self.assertEqual(login('bolat', password=PASSWORD), by_totp.id)
            self.assertEqual(sms.SENT, [])
            self.assertIn(enrol, [a.id for a in User(by_totp.id).actions])

            # choosing SMS removes the enrolment from the login actions
            User.write([User(by_totp.id)], {'mfa_method': 'sms'})
            self.assertNotIn(enrol, [a.id for a in User(by_totp.id).actions])

    @with_transaction()
    def test_sms_first_factor_lets_nobody_through(self):
        """When sms is the first method of a chain, no user passes without
        the code"""
        user = self.create_user('aigerim', mobile=MOBILE)
        self.create_user('bolat')
        with sms_simulator('sms'):
            self.assertEqual(login('aigerim'), 'sms_code')
            self.assertEqual(login('aigerim', sms_code=last_code()), user.id)
            # no account, no number: asked the same, nothing sent
            del sms.SENT[:]
            self.assertEqual(login('nobody'), 'sms_code')
            self.assertEqual(login('bolat'), 'sms_code')
            self.assertEqual(sms.SENT, [])
            self.assertIsNone(login('nobody', sms_code='123456'))

    @with_transaction()
    def test_method_journalled(self):
        "A change of the method or of the mobile is journalled (R5.13)"
        pool = Pool()
        User = pool.get('res.user')
        Entry = pool.get('edu.audit.entry')
        user = self.create_user('aigerim', mobile=MOBILE)
        User.write([user], {'mfa_method': 'sms'})
        entry, = Entry.search([('operation', '=', 'mfa_method')])
        self.assertEqual(entry.record_id, user.id)
        self.assertIn('aigerim', entry.description)
        User.write([user], {'mobile': '+7 702 000 11 22'})
        entry, = Entry.search([('operation', '=', 'mfa_mobile')])
        self.assertEqual(entry.record_id, user.id)
        # the number is masked in the journal
        self.assertIn('+7 7** *** 11 22', entry.changes)
        self.assertNotIn('0001122', entry.changes)

    @with_transaction()
    def test_password_reset(self):
        """The temporary password expires, logs in once, closes the other
        sessions, asks for a new password checked by the policy; every
        reset is journalled (R5.9, R5.13)"""
        pool = Pool()
        User = pool.get('res.user')
        Session = pool.get('ir.session')
        Entry = pool.get('edu.audit.entry')
        ModelData = pool.get('ir.model.data')
        user = self.create_user('aigerim', email='aigerim@example.kz')
        with Transaction().set_user(user.id):
            old_key = Session.new()

        with mock.patch.object(res_user, 'send_message_transactional') \
                as send, options(password__reset_timeout=600):
            before = dt.datetime.now()
            User.reset_password([user])
        msg = send.call_args[0][0]
        self.assertEqual(msg['To'], 'aigerim@example.kz')
        user = User(user.id)
        temporary = user.password_reset
        self.assertIn(temporary, msg.get_content())
        self.assertGreaterEqual(len(temporary), 10)
        expire = user.password_reset_expire
        self.assertTrue(dt.timedelta(seconds=590)
            < expire - before <= dt.timedelta(seconds=601))
        entry, = Entry.search([('operation', '=', 'password_reset')])
        self.assertEqual(entry.record_id, user.id)
        self.assertNotIn(temporary, entry.changes or '')

        # the real password still works and leaves the reset pending
        self.assertEqual(login('aigerim', password=PASSWORD), user.id)
        self.assertEqual(User(user.id).password_reset, temporary)

        # the temporary password logs in once
        self.assertEqual(login('aigerim', password=temporary), user.id)
        user = User(user.id)
        self.assertIsNone(user.password_reset)
        self.assertTrue(user.password_must_change)
        # the client runs edu_base's change of password right after
        change = ModelData.get_id('edu_base', 'wizard_change_password')
        self.assertIn(change, [a.id for a in user.actions])
        self.assertIsNone(login('aigerim', password=temporary))
        entry, = Entry.search([('operation', '=', 'password_reset_used')])
        self.assertEqual(entry.record_id, user.id)
        # the other sessions are closed
        with Transaction().set_user(user.id):
            self.assertIsNone(Session.check(user.id, old_key))

        # the new password follows the policy of edu_base
        with self.assertRaises(PasswordError):
            User.set_new_password(user, 'short1')
        with self.assertRaises(PasswordError):
            User.set_new_password(user, 'onlyletterslong')
        User.set_new_password(user, 'Zhetysu2026new')
        self.assertFalse(User(user.id).password_must_change)
        self.assertEqual(
            login('aigerim', password='Zhetysu2026new'), user.id)

    @with_transaction()
    def test_password_reset_expires(self):
        "A temporary password is refused once expired"
        pool = Pool()
        User = pool.get('res.user')
        user = self.create_user('aigerim', email='aigerim@example.kz')
        with mock.patch.object(res_user, 'send_message_transactional'):
            # as the "forgot password" link of the login dialog does
            user.reset_password()
        temporary = User(user.id).password_reset
        # move the clock: the expiry is now past
        table = User.__table__()
        cursor = Transaction().connection.cursor()
        cursor.execute(*table.update([table.password_reset_expire],
                [dt.datetime.now() - dt.timedelta(hours=1)],
                where=table.id == user.id))
        self.assertIsNone(login('aigerim', password=temporary))
        self.assertFalse(User(user.id).password_must_change)

    @with_transaction()
    def test_password_reset_request_reveals_nothing(self):
        """A request by login or e-mail resets a known account; an unknown
        one answers the same and sends nothing"""
        pool = Pool()
        User = pool.get('res.user')
        Entry = pool.get('edu.audit.entry')
        user = self.create_user('aigerim', email='Aigerim@Example.kz')
        self.create_user('bolat')
        with mock.patch.object(res_user, 'send_message_transactional') \
                as send:
            self.assertIsNone(User.request_password_reset('nobody@x.kz'))
            self.assertIsNone(User.request_password_reset('nobody'))
            # an account without e-mail gets nothing either
            self.assertIsNone(User.request_password_reset('bolat'))
            self.assertEqual(send.call_count, 0)
            self.assertEqual(
                Entry.search([('operation', '=', 'password_reset')]), [])

            self.assertIsNone(
                User.request_password_reset(' aigerim@example.KZ '))
            self.assertEqual(send.call_count, 1)
            temporary = User(user.id).password_reset
            self.assertTrue(temporary)
            # a pending reset is not replaced
            self.assertIsNone(User.request_password_reset('aigerim'))
            self.assertEqual(send.call_count, 1)
            self.assertEqual(User(user.id).password_reset, temporary)

    @with_transaction()
    def test_password_reset_email_language(self):
        "The e-mail of the temporary password is in the user's language"
        pool = Pool()
        User = pool.get('res.user')
        Lang = pool.get('ir.lang')
        Module = pool.get('ir.module')
        langs = Lang.search([('code', 'in', ['kk', 'ru'])])
        self.assertEqual(len(langs), 2)
        # load the translations of the activated modules, as the
        # language wizard does (Kazakh is made translatable by edu_base
        # after the first modules were loaded)
        Lang.write([l for l in langs if not l.translatable],
            {'translatable': True})
        modules = {m.name for m in Module.search(
                    [('state', '=', 'activated')])}
        for node in create_graph(modules):
            load_translations(pool, node, ['kk', 'ru'])
        texts = {}
        for lang in langs:
            user = self.create_user('user_' + lang.code,
                email=f'{lang.code}@example.kz', language=lang.id)
            with mock.patch.object(res_user, 'send_message_transactional') \
                    as send:
                User.reset_password([user])
            msg = send.call_args[0][0]
            self.assertEqual(msg['Content-Language'], lang.code)
            self.assertIn(User(user.id).password_reset, msg.get_content())
            texts[lang.code] = (msg['Subject'], msg.get_content())
        # Kazakh and Russian words, not the English text
        self.assertIn('уақытша', texts['kk'][0].lower())
        self.assertRegex(texts['kk'][1], '[әғқңөұүһі]')
        self.assertIn('временный', texts['ru'][0].lower())
        for subject, body in texts.values():
            self.assertNotIn('temporary', subject)
        # the labels of authentication_sms come from edu_mfa's override
        for code, label in [('kk', "Ұялы телефон"),
                ('ru', "Мобильный телефон")]:
            with Transaction().set_context(language=code):
                self.assertEqual(
                    User.fields_get(['mobile'])['mobile']['string'], label)

    @with_transaction()
    def test_session_expiry(self):
        """A session is refused after [session] timeout without activity
        and after [session] max_age whatever the activity (R5.10)"""
        pool = Pool()
        Session = pool.get('ir.session')
        user = self.create_user('aigerim')
        table = Session.__table__()
        cursor = Transaction().connection.cursor()

        def age(key, created, modified):
            now = dt.datetime.now()
            cursor.execute(*table.update(
                    [table.create_date, table.write_date],
                    [now - dt.timedelta(seconds=created),
                        now - dt.timedelta(seconds=modified)],
                    where=table.key == key))

        with Transaction().set_user(user.id), \
                options(session__timeout=3600, session__max_age=43200):
            fresh = Session.new()
            busy = Session.new()
            idle = Session.new()
            old = Session.new()
            age(busy, 40000, 300)
            age(idle, 4000, 3700)
            age(old, 43300, 10)
            self.assertTrue(Session.check(user.id, fresh))
            self.assertTrue(Session.check_timeout(user.id, fresh))
            # the inactivity counts from the last request
            self.assertTrue(Session.check(user.id, busy))
            # inactivity: refused and deleted
            self.assertFalse(Session.check(user.id, idle))
            self.assertIsNone(Session.check(user.id, idle))
            # absolute age: refused and deleted although active
            self.assertFalse(Session.check(user.id, old))
            self.assertIsNone(Session.check(user.id, old))
            self.assertTrue(Session.check(user.id, fresh))

    @with_transaction()
    def test_logout_everywhere(self):
        """Log out everywhere deletes every session of the user, is
        journalled and reported (R5.10, R5.20)"""
        pool = Pool()
        User = pool.get('res.user')
        Session = pool.get('ir.session')
        Entry = pool.get('edu.audit.entry')
        Event = pool.get('edu.security.event')
        user = self.create_user('aigerim')
        other = self.create_user('bolat')
        with Transaction().set_user(user.id):
            keys = [Session.new(), Session.new()]
        with Transaction().set_user(other.id):
            other_key = Session.new()

        # a user without rights on the accounts closes only their own
        with Transaction().set_user(user.id), \
                Transaction().set_context(_check_access=True):
            with self.assertRaises(AccessError):
                User.logout_sessions([User(other.id)])
            self.assertEqual(User.logout_sessions([User(user.id)]), 2)
        with Transaction().set_user(user.id):
            for key in keys:
                self.assertIsNone(Session.check(user.id, key))
        with Transaction().set_user(other.id):
            self.assertTrue(Session.check(other.id, other_key))

        entry, = Entry.search([('operation', '=', 'logout_everywhere')])
        self.assertEqual(entry.record_id, user.id)
        event, = Event.search([('source', '=', 'edu_mfa')])
        self.assertEqual((event.kind, event.severity, event.user),
            ('other', 'info', user))


del ModuleTestCase
