# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Approval routes, signing, notifications and escalation of edu_edms
(R22.3, R22.4, R22.7, R22.10): sequential and parallel stages, decisions
by the step's user only, rounds kept as history, routes edited between
rounds, signing through edu_eds with nothing stored on failure, the
escalation cron and who sees and decides which steps."""
import datetime as dt
import unittest
from unittest.mock import patch

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.modules.edu_eds.tests.tools import (
    configure_eds, load_translations, test_pki)
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from tests.access_matrix import build_two_schools

CONTENT = b'%PDF-1.4\n% order on the olympiad team\n%%EOF\n'


def _id(xml_id):
    module, name = xml_id.split('.')
    return Pool().get('ir.model.data').get_id(module, name)


class RouteTestCase(unittest.TestCase):
    "Approval routes of documents"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['edu_edms'])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    # -- set-up ----------------------------------------------------------

    def setup_route(self, kind='edu_edms.kind_internal', deadline_days=3):
        """Schools, a mixed route: stage 1 the deputy director, stage 2
        the accountant and the methodist in parallel, stage 3 the director
        signs; a registered document of the clerk with one file"""
        pool = Pool()
        Template = pool.get('edu.edms.route.template')
        Kind = pool.get('edu.edms.document.kind')
        schools = build_two_schools()
        users = schools.users
        self.schools = schools
        self.users = users
        kind = Kind(_id(kind))
        template, = Template.create([{
                    'name': "Mixed route",
                    'company': schools.school_a,
                    'kind': kind.id,
                    'steps': [('create', [
                                {'stage': 1, 'user': users['deputy_director'],
                                    'deadline_days': deadline_days},
                                {'stage': 2, 'user': users['accountant']},
                                {'stage': 2, 'user': users['methodist']},
                                {'stage': 3, 'user': users['director'],
                                    'action': 'sign'},
                                ])],
                    }])
        self.template = template
        self.kind = kind
        return self.new_document()

    def new_document(self, content=CONTENT, user='clerk', kind=None):
        Document = Pool().get('edu.edms.document')
        with Transaction().set_user(self.users[user]), \
                Transaction().set_context(company=self.schools.school_a):
            document, = Document.create([{
                        'company': self.schools.school_a,
                        'kind': (kind or self.kind).id,
                        'summary': "Олимпиада командасы туралы",
                        'files': [('create', [{
                                        'name': 'order.pdf',
                                        'data': content,
                                        }])],
                        }])
        return Document(document.id)

    def as_user(self, role):
        transaction = Transaction()
        return _Stack(transaction.set_user(self.users[role]),
            transaction.set_context(company=self.schools.school_a,
                _check_access=True))

    def steps(self, document, round=None):
        Step = Pool().get('edu.edms.document.step')
        document = document.__class__(document.id)
        round = document.route_round if round is None else round
        return Step.search([
                ('document', '=', document.id),
                ('round', '=', round),
                ], order=[('stage', 'ASC'), ('id', 'ASC')])

    def states(self, document, round=None):
        "Return [(stage, login of the user, state)] of the round"
        return [(s.stage, s.user.login if s.user else s.group.name, s.state)
            for s in self.steps(document, round)]

    def step_of(self, document, role, round=None):
        step, = [s for s in self.steps(document, round)
            if s.user and s.user.id == self.users[role]]
        return step

    def notified(self, role, document=None):
        "Return the labels of the notifications of role"
        Notification = Pool().get('res.notification')
        domain = [('user', '=', self.users[role])]
        if document:
            domain.append(('records', '=', '[%s]' % document.id))
        return [n.label for n in Notification.search(
                domain, order=[('id', 'ASC')])]

    # -- routes ------------------------------------------------------------

    @with_transaction()
    def test_stages_sequential_and_parallel(self):
        """Stage 1, then the two steps of stage 2 in parallel, then the
        signing step; each pending step notified to its user (R22.3,
        R22.7)"""
        pool = Pool()
        Document = pool.get('edu.edms.document')
        Step = pool.get('edu.edms.document.step')
        document = self.setup_route()
        self.assertEqual(document.state, 'registered')
        with self.as_user('clerk'):
            Document.start_route([document])
        document = Document(document.id)
        self.assertEqual(document.state, 'on_approval')
        self.assertEqual(document.route_round, 1)
        self.assertEqual(self.states(document), [
                (1, 'a.deputy_director', 'pending'),
                (2, 'a.accountant', 'waiting'),
                (2, 'a.methodist', 'waiting'),
                (3, 'a.director', 'waiting'),
                ])
        step = self.step_of(document, 'deputy_director')
        today = pool.get('ir.date').today()
        self.assertEqual(step.pending_date, today)
        # calendar days
        self.assertEqual(step.deadline, today + dt.timedelta(days=3))
        self.assertEqual(len(self.notified('deputy_director', document)), 1)
        self.assertIn(document.number,
            self.notified('deputy_director', document)[0])
        self.assertEqual(self.notified('accountant'), [])

        # the methodist's step is not due yet: sao hides the button (a
        # forced call is refused by Tryton), the server API says why
        with self.as_user('methodist'):
            with self.assertRaises(UserError):
                Step.approve([self.step_of(document, 'methodist')])
        with Transaction().set_user(self.users['methodist']):
            with self.assertRaises(UserError) as cm:
                Step.approve([self.step_of(document, 'methodist')])
        self.assertIn('not due yet', cm.exception.message)

        with self.as_user('deputy_director'):
            Step.approve([step])
        self.assertEqual(self.states(document), [
                (1, 'a.deputy_director', 'approved'),
                (2, 'a.accountant', 'pending'),
                (2, 'a.methodist', 'pending'),
                (3, 'a.director', 'waiting'),
                ])
        step = self.step_of(document, 'deputy_director')
        self.assertEqual(step.decided_by.id, self.users['deputy_director'])
        self.assertTrue(step.decided_at)
        self.assertEqual(len(self.notified('accountant', document)), 1)
        self.assertEqual(len(self.notified('methodist', document)), 1)

        # one parallel step approved: the other still pending, the signing
        # step still waits
        with self.as_user('accountant'):
            Step.approve([self.step_of(document, 'accountant')])
        self.assertEqual(self.states(document)[2:], [
                (2, 'a.methodist', 'pending'),
                (3, 'a.director', 'waiting'),
                ])
        self.assertEqual(self.notified('director', document), [])
        with self.as_user('methodist'):
            Step.approve([self.step_of(document, 'methodist')])
        self.assertEqual(self.states(document)[3], (3, 'a.director', 'pending'))
        labels = self.notified('director', document)
        self.assertEqual(len(labels), 1)
        self.assertTrue(labels[0].startswith('To sign'), labels)
        self.assertEqual(Document(document.id).state, 'on_approval')

        # a decided step cannot be decided again
        with self.as_user('accountant'):
            with self.assertRaises(UserError):
                Step.approve([self.step_of(document, 'accountant')])
        with Transaction().set_user(self.users['accountant']):
            with self.assertRaises(UserError) as cm:
                Step.reject([self.step_of(document, 'accountant')])
        self.assertIn('already decided', cm.exception.message)
        self.assertEqual(self.step_of(document, 'accountant').state,
            'approved')

    @with_transaction()
    def test_only_the_step_user_decides(self):
        """Another user, even of the management, cannot decide a step that
        is not theirs; a clear message names the approver"""
        pool = Pool()
        Document = pool.get('edu.edms.document')
        Step = pool.get('edu.edms.document.step')
        document = self.setup_route()
        with self.as_user('clerk'):
            Document.start_route([document])
        step = self.step_of(document, 'deputy_director')
        for role in ['director', 'clerk', 'accountant']:
            with self.as_user(role):
                with self.assertRaises(AccessError) as cm:
                    Step.approve([step])
            self.assertIn('cannot decide the step', cm.exception.message)
            self.assertIn(step.user.rec_name, cm.exception.message)
        # nor write the comment of its step
        with self.as_user('director'):
            with self.assertRaises(AccessError):
                Step.write([step], {'comment': "Мен шешемін"})
        # the state is the route's own
        with self.as_user('deputy_director'):
            with self.assertRaises(AccessError) as cm:
                Step.write([step], {'state': 'approved'})
        self.assertIn('set by the approval itself', cm.exception.message)
        self.assertEqual(self.step_of(document, 'deputy_director').state,
            'pending')
        # approve is not the action of a signing step
        with self.as_user('deputy_director'):
            Step.approve([step])
        with self.as_user('accountant'):
            Step.approve([self.step_of(document, 'accountant')])
        with self.as_user('methodist'):
            Step.approve([self.step_of(document, 'methodist')])
        with Transaction().set_user(self.users['director']):
            with self.assertRaises(UserError) as cm:
                Step.approve([self.step_of(document, 'director')])
        self.assertIn('signing step', cm.exception.message)

    @with_transaction()
    def test_errors_in_kazakh_and_russian(self):
        """The refusals and the notifications are in the user's language
        (R17, R22.7)"""
        pool = Pool()
        Document = pool.get('edu.edms.document')
        Step = pool.get('edu.edms.document.step')
        load_translations(module='edu_edms')
        document = self.setup_route()
        with self.as_user('clerk'), Transaction().set_context(language='kk'):
            Document.start_route([document])
        step = self.step_of(document, 'deputy_director')
        for language, text in [
                ('kk', 'шешім қабылдай алмайсыз'),
                ('ru', 'Вы не можете принять решение')]:
            with self.as_user('director'), \
                    Transaction().set_context(language=language):
                with self.assertRaises(AccessError) as cm:
                    Step.approve([step])
            self.assertIn(text, cm.exception.message)
        with Transaction().set_user(self.users['methodist']), \
                Transaction().set_context(language='ru'):
            with self.assertRaises(UserError) as cm:
                Step.reject([self.step_of(document, 'methodist')])
        self.assertIn('ещё не наступила', cm.exception.message)

    @with_transaction()
    def test_group_step(self):
        """A step of a group is decided by any member of the group in the
        document's organisation, not by a member of another school"""
        pool = Pool()
        Document = pool.get('edu.edms.document')
        Step = pool.get('edu.edms.document.step')
        User = pool.get('res.user')
        document = self.setup_route()
        accounting = _id('edu_base.group_edu_accounting')
        # the accountant of school B is in the group too
        other, = User.create([{
                    'login': 'b.accountant',
                    'name': "B accountant",
                    'companies': [('add', [self.schools.school_b])],
                    'company': self.schools.school_b,
                    'groups': [('add', [accounting])],
                    }])
        self.users['b_accountant'] = other.id
        with self.as_user('clerk'):
            planned = [s for s in document.steps if s.stage == 2]
            self.assertEqual(planned, [])
            Document.load_route([document])
            document = Document(document.id)
            accountant, = [s for s in document.steps
                if s.user and s.user.id == self.users['accountant']]
            Step.write([accountant], {'user': None, 'group': accounting})
            Document.start_route([document])
        with self.as_user('deputy_director'):
            Step.approve([self.step_of(document, 'deputy_director')])
        group_step, = [s for s in self.steps(document) if s.group]
        self.assertEqual(group_step.state, 'pending')
        # both accountants of school A were told, not the one of school B
        self.assertEqual(len(self.notified('accountant', document)), 1)
        self.assertEqual(len(self.notified('chief_accountant', document)), 1)
        self.assertEqual(self.notified('b_accountant'), [])
        with self.as_user('b_accountant'):
            with self.assertRaises(AccessError):
                Step.approve([Step(group_step.id)])
        with self.as_user('chief_accountant'):
            Step.approve([group_step])
        group_step = Step(group_step.id)
        self.assertEqual(group_step.state, 'approved')
        self.assertEqual(group_step.decided_by.id,
            self.users['chief_accountant'])

    @with_transaction()
    def test_reject_then_new_round(self):
        """A rejection needs a comment, ends the round (the open steps
        skipped), tells the author; the same route is planned for the next
        round, started again with the history kept"""
        pool = Pool()
        Document = pool.get('edu.edms.document')
        Step = pool.get('edu.edms.document.step')
        document = self.setup_route()
        with self.as_user('clerk'):
            Document.start_route([document])
        with self.as_user('deputy_director'):
            Step.approve([self.step_of(document, 'deputy_director')])
        step = self.step_of(document, 'methodist')
        with self.as_user('methodist'):
            with self.assertRaises(UserError) as cm:
                Step.reject([step])
            self.assertIn('comment', cm.exception.message)
            Step.write([step], {'comment': "Тізім толық емес"})
            Step.reject([step])
        document = Document(document.id)
        self.assertEqual(document.state, 'rejected')
        self.assertEqual(self.states(document, 1), [
                (1, 'a.deputy_director', 'approved'),
                (2, 'a.accountant', 'skipped'),
                (2, 'a.methodist', 'rejected'),
                (3, 'a.director', 'skipped'),
                ])
        labels = self.notified('clerk', document)
        self.assertEqual(len(labels), 1)
        self.assertIn("Тізім толық емес", labels[0])
        # the next round is planned, editable, not started
        self.assertEqual([s[2] for s in self.states(document, 2)],
            ['waiting'] * 4)
        with self.as_user('methodist'):
            with self.assertRaises(UserError):
                Step.approve([self.step_of(document, 'methodist', 1)])
        # decided steps are history
        with self.as_user('clerk'):
            with self.assertRaises(AccessError) as cm:
                Step.delete([self.step_of(document, 'methodist', 1)])
            self.assertIn('history', cm.exception.message)
            with self.assertRaises(AccessError):
                Step.write([self.step_of(document, 'methodist', 1)],
                    {'stage': 4})
            Document.start_route([document])
        document = Document(document.id)
        self.assertEqual(document.state, 'on_approval')
        self.assertEqual(document.route_round, 2)
        self.assertEqual(self.states(document, 2)[0],
            (1, 'a.deputy_director', 'pending'))
        self.assertEqual(len(self.steps(document, 1)), 4)
        self.assertEqual(len(Step.search([('document', '=', document.id)])),
            8)

    @with_transaction()
    def test_return_and_edit_route(self):
        """A return (comment required) puts the document back to
        registered; the author removes a planned step and adds another;
        in a running round a step added to the current stage is pending at
        once and removing the last pending step moves the route on"""
        pool = Pool()
        Document = pool.get('edu.edms.document')
        Step = pool.get('edu.edms.document.step')
        document = self.setup_route()
        with self.as_user('clerk'):
            Document.start_route([document])
        step = self.step_of(document, 'deputy_director')
        with self.as_user('deputy_director'):
            Step.write([step], {'comment': "Күнін түзетіңіз"})
            Step.return_([step])
        document = Document(document.id)
        self.assertEqual(document.state, 'registered')
        self.assertIn("Күнін түзетіңіз", self.notified('clerk', document)[0])
        self.assertTrue(
            self.notified('clerk', document)[0].startswith('Returned'))
        # a user who is not the author nor the clerk cannot edit the route
        with self.as_user('teacher'):
            with self.assertRaises(AccessError):
                Step.create([{'document': document.id, 'stage': 2,
                            'user': self.users['teacher']}])
        with self.as_user('clerk'):
            Step.delete([self.step_of(document, 'accountant', 2)])
            Step.create([{'document': document.id, 'stage': 2,
                        'user': self.users['hr_officer']}])
            Document.start_route([document])
        self.assertEqual(self.states(document), [
                (1, 'a.deputy_director', 'pending'),
                (2, 'a.methodist', 'waiting'),
                (2, 'a.hr_officer', 'waiting'),
                (3, 'a.director', 'waiting'),
                ])
        # a step added to the current stage is pending at once
        with self.as_user('clerk'):
            Step.create([{'document': document.id, 'stage': 1,
                        'user': self.users['chief_accountant']}])
        self.assertEqual(self.step_of(document, 'chief_accountant').state,
            'pending')
        self.assertEqual(
            len(self.notified('chief_accountant', document)), 1)
        with self.as_user('deputy_director'):
            Step.approve([self.step_of(document, 'deputy_director')])
        self.assertEqual(self.step_of(document, 'methodist').state,
            'waiting')
        # removing the last pending step of the stage moves the route on
        with self.as_user('clerk'):
            Step.delete([self.step_of(document, 'chief_accountant')])
        self.assertEqual(self.step_of(document, 'methodist').state,
            'pending')
        self.assertEqual(self.step_of(document, 'hr_officer').state,
            'pending')

    @with_transaction()
    def test_route_without_steps(self):
        "A document whose kind has no route cannot start its approval"
        pool = Pool()
        Document = pool.get('edu.edms.document')
        document = self.setup_route()
        other = self.new_document(kind=Pool().get(
                'edu.edms.document.kind')(_id('edu_edms.kind_incoming')))
        with self.as_user('clerk'):
            with self.assertRaises(UserError) as cm:
                Document.start_route([other])
        self.assertIn('no approval route', cm.exception.message)
        self.assertEqual(Document(other.id).state, 'registered')
        self.assertEqual(Document(document.id).state, 'registered')

    @with_transaction()
    def test_approval_only_route(self):
        "A route without signing step ends 'approved', the author told"
        pool = Pool()
        Document = pool.get('edu.edms.document')
        Step = pool.get('edu.edms.document.step')
        document = self.setup_route()
        with self.as_user('clerk'):
            Document.load_route([document])
            Step.delete([s for s in Document(document.id).steps
                    if s.stage > 1])
            Document.start_route([document])
        with self.as_user('deputy_director'):
            Step.approve([self.step_of(document, 'deputy_director')])
        self.assertEqual(Document(document.id).state, 'approved')
        self.assertTrue(self.notified('clerk', document)[-1].startswith(
                'Approved'))

    @with_transaction()
    def test_author_cannot_bypass_route(self):
        """The author (not a clerk) of a document on approval cannot delete
        the steps of the running round, take a pending step or turn a
        signing step into an approval; it still edits the waiting steps"""
        pool = Pool()
        Document = pool.get('edu.edms.document')
        Step = pool.get('edu.edms.document.step')
        load_translations(module='edu_edms')
        self.setup_route(kind='edu_edms.kind_order_main')
        document = self.new_document(user='teacher')
        with self.as_user('clerk'):
            Document.start_route([document])
        before = self.states(document)
        pending = self.step_of(document, 'deputy_director')
        sign = self.step_of(document, 'director')
        for language, text in [('kk', 'іс жүргізуші'),
                ('ru', 'делопроизводитель')]:
            with self.as_user('teacher'), \
                    Transaction().set_context(language=language):
                with self.assertRaises(AccessError) as cm:
                    Step.delete(self.steps(document))
                self.assertIn(text, cm.exception.message)
        with self.as_user('teacher'):
            for steps in [[pending], [sign],
                    [self.step_of(document, 'accountant')]]:
                with self.assertRaises(AccessError):
                    Step.delete(steps)
            with Transaction().set_context(language='ru'):
                with self.assertRaises(AccessError) as cm:
                    Step.write([pending], {'user': self.users['teacher']})
            self.assertIn('ожидает решения', cm.exception.message)
            with self.assertRaises(AccessError):
                Step.write([pending], {'action': 'sign'})
            with Transaction().set_context(language='kk'):
                with self.assertRaises(UserError) as cm:
                    Step.write([sign], {'action': 'approve'})
            self.assertIn('қол қою қадамы', cm.exception.message)
            # the waiting steps are the author's to edit
            Step.write([sign], {'deadline_days': 5})
        self.assertEqual(self.states(document), before)
        self.assertEqual(Document(document.id).state, 'on_approval')
        self.assertEqual(self.step_of(document, 'director').action, 'sign')
        # the signing step once pending cannot become an approval
        for role in ['deputy_director', 'accountant', 'methodist']:
            with self.as_user(role):
                Step.approve([self.step_of(document, role)])
        self.assertEqual(self.step_of(document, 'director').state, 'pending')
        with self.as_user('teacher'):
            with self.assertRaises(AccessError):
                Step.write([self.step_of(document, 'director')],
                    {'action': 'approve'})
            with self.assertRaises(AccessError):
                Step.delete([self.step_of(document, 'director')])
        # the clerk may not remove the only signing step either
        with self.as_user('clerk'):
            with self.assertRaises(UserError):
                Step.delete([self.step_of(document, 'director')])
        self.assertEqual(
            (self.step_of(document, 'director').action,
                self.step_of(document, 'director').state,
                Document(document.id).state),
            ('sign', 'pending', 'on_approval'))

    @with_transaction()
    def test_files_frozen_on_approval(self):
        """The files and the main file of a document on approval cannot be
        changed, added or deleted; a returned document's can; no approval
        without a file"""
        pool = Pool()
        Document = pool.get('edu.edms.document')
        File = pool.get('edu.edms.file')
        Step = pool.get('edu.edms.document.step')
        load_translations(module='edu_edms')
        document = self.setup_route()
        file, = document.files
        with self.as_user('clerk'):
            Document.start_route([document])
            with Transaction().set_context(language='ru'):
                with self.assertRaises(AccessError) as cm:
                    File.write([file], {'data': b'%PDF-1.4\n% other\n'})
            self.assertIn('нельзя изменить', cm.exception.message)
            with self.assertRaises(AccessError):
                File.create([{'document': document.id, 'name': 'b.pdf',
                            'data': CONTENT}])
            with self.assertRaises(AccessError):
                File.delete([file])
            with self.assertRaises(AccessError):
                Document.write([document], {'main_file': None})
            # the client cannot set the state either
            with self.assertRaises(AccessError):
                Document.write([document], {'state': 'signed'})
            with self.assertRaises(AccessError):
                Document.write([document], {'route_sha256': '0' * 64})
        document = Document(document.id)
        self.assertEqual([f.data for f in document.files], [CONTENT])
        self.assertEqual(document.main_file, file)
        # returned for revision: the files are open again
        step = self.step_of(document, 'deputy_director')
        with self.as_user('deputy_director'):
            Step.write([step], {'comment': "Файлды ауыстырыңыз"})
            Step.return_([step])
        with self.as_user('clerk'):
            File.write([file], {'data': b'%PDF-1.4\n% fixed\n%%EOF\n'})
        # no approval without a file
        empty = self.new_document()
        with self.as_user('clerk'):
            File.delete(list(empty.files))
            with Transaction().set_context(language='kk'):
                with self.assertRaises(UserError) as cm:
                    Document.start_route([empty])
        self.assertIn('файл жоқ', cm.exception.message)
        self.assertEqual(Document(empty.id).state, 'registered')

    @with_transaction()
    def test_system_fields_readonly(self):
        """The clerk's client cannot write the state or the approval fields
        of a document; the buttons still move the state"""
        pool = Pool()
        Document = pool.get('edu.edms.document')
        load_translations(module='edu_edms')
        self.setup_route()
        with Transaction().set_context(edms_draft=True):
            document = self.new_document()
        with self.as_user('clerk'):
            for values in [{'state': 'signed'},
                    {'route_sha256': '0' * 64}, {'route_round': 3},
                    {'summary': "Жаңа", 'state': 'approved'}]:
                with Transaction().set_context(language='ru'), \
                        self.assertRaises(AccessError) as cm:
                    Document.write([document], values)
            self.assertIn('устанавливает система', cm.exception.message)
            document = Document(document.id)
            self.assertEqual(
                (document.state, document.route_sha256,
                    document.route_round, document.summary),
                ('draft', None, 0, "Олимпиада командасы туралы"))
            Document.register([document])
            self.assertEqual(Document(document.id).state, 'registered')
            Document.cancel([document])
            self.assertEqual(Document(document.id).state, 'cancelled')
            Document.write([document], {'summary': "Жаңа"})

    # -- signing -----------------------------------------------------------

    def approve_to_signing(self, document):
        pool = Pool()
        Document = pool.get('edu.edms.document')
        Step = pool.get('edu.edms.document.step')
        with self.as_user('clerk'):
            Document.start_route([document])
        for role in ['deputy_director', 'accountant', 'methodist']:
            with self.as_user(role):
                Step.approve([self.step_of(document, role)])
        return self.step_of(document, 'director')

    def issue(self, pki, name, role='director', **kwargs):
        pool = Pool()
        User = pool.get('res.user')
        Company = pool.get('company.company')
        user = User(self.users[role])
        company = Company(self.schools.school_a)
        kwargs.setdefault('bin', company.bin)
        kwargs.setdefault('roles', ('legal', 'first_head'))
        return pki.issue(name, user.iin, **kwargs)

    @with_transaction()
    def test_sign(self):
        """The director signs at the signing step: verified by edu_eds,
        linked to the step, the document signed and the author told; a
        second signature is refused (R22.4, R22.10)"""
        pool = Pool()
        Document = pool.get('edu.edms.document')
        Signature = pool.get('edu.eds.signature')
        document = self.setup_route(kind='edu_edms.kind_order_main')
        pki = test_pki()
        configure_eds(pki)
        subject = self.issue(pki, 'route_director')
        # before the approvals, there is nothing to sign
        with self.as_user('clerk'):
            Document.start_route([document])
        with self.as_user('director'):
            with self.assertRaises(UserError) as cm:
                Document.sign(document, pki.sign_cms(subject, CONTENT))
        self.assertIn('no signing step', cm.exception.message)
        step = self.step_of(document, 'director')
        self.assertEqual(step.state, 'waiting')
        self.assertIsNone(step.sign_url)
        for role in ['deputy_director', 'accountant', 'methodist']:
            with self.as_user(role):
                Pool().get('edu.edms.document.step').approve(
                    [self.step_of(document, role)])
        step = self.step_of(document, 'director')
        self.assertTrue(step.sign_url.endswith(
                '/portal/edms/#/document/%s' % document.id))
        # the director cannot sign for another user
        with self.as_user('director'):
            with self.assertRaises(AccessError):
                Document.sign(document, pki.sign_cms(subject, CONTENT),
                    user=self.users['deputy_director'])
            signature = Document.sign(document,
                pki.sign_cms(subject, CONTENT))
        self.assertEqual(signature.status, 'valid')
        self.assertEqual(signature.user.id, self.users['director'])
        self.assertEqual(signature.resource, Document(document.id))
        step = self.step_of(document, 'director')
        self.assertEqual(step.state, 'signed')
        self.assertEqual(step.signature, signature)
        document = Document(document.id)
        self.assertEqual(document.state, 'signed')
        self.assertEqual(document.signatures, (signature,))
        self.assertTrue(self.notified('clerk', document)[-1].startswith(
                'Signed'))
        with self.as_user('director'):
            with self.assertRaises(UserError):
                Document.sign(document, pki.sign_cms(subject, CONTENT))
        self.assertEqual(len(Signature.search([])), 1)

    @with_transaction()
    def test_sign_refused_leaves_nothing(self):
        """A signature by another person's key, over other content, with
        the wrong BIN, or of a file changed after the route started, is
        refused with edu_eds' reason; the step and the document are
        unchanged and no signature is stored"""
        pool = Pool()
        Document = pool.get('edu.edms.document')
        Signature = pool.get('edu.eds.signature')
        File = pool.get('edu.edms.file')
        document = self.setup_route(kind='edu_edms.kind_order_main')
        pki = test_pki()
        configure_eds(pki)
        director = self.issue(pki, 'refused_director')
        teacher = self.issue(pki, 'refused_teacher', role='teacher',
            roles=('individual',), bin=None)
        wrong_bin = self.issue(pki, 'refused_bin', bin='040940000017')
        self.approve_to_signing(document)

        def refused(cms, reason):
            with self.as_user('director'):
                with self.assertRaises(UserError) as cm:
                    Document.sign(document, cms)
            self.assertIn(reason, cm.exception.message)
            self.assertEqual(self.step_of(document, 'director').state,
                'pending')
            self.assertEqual(Document(document.id).state, 'on_approval')
            self.assertEqual(Signature.search([]), [])
            return cm.exception

        error = refused(pki.sign_cms(teacher, CONTENT), 'refused')
        self.assertEqual(error.status, 'wrong_signer')
        error = refused(pki.sign_cms(director, b'other'), 'refused')
        self.assertEqual(error.status, 'content_mismatch')
        error = refused(pki.sign_cms(wrong_bin, CONTENT), 'refused')
        self.assertIn(error.status, {'wrong_bin', 'wrong_signer'})
        error = refused(b'not a cms', 'refused')
        self.assertEqual(error.status, 'malformed')
        # the file changed after the route started (by the system: the
        # form refuses it)
        changed = CONTENT + b'% changed\n'
        file, = document.files
        File.write([file], {'data': changed})
        refused(pki.sign_cms(director, changed), 'changed after')
        refused(pki.sign_cms(director, CONTENT), 'changed after')
        # the file approved is back: the director signs it
        File.write([file], {'data': CONTENT})
        with self.as_user('director'):
            Document.sign(document, pki.sign_cms(director, CONTENT))
        self.assertEqual(Document(document.id).state, 'signed')
        self.assertEqual(len(Signature.search([])), 1)

    # -- escalation and notifications -----------------------------------

    @with_transaction()
    def test_escalate_overdue(self):
        """An overdue pending step is reported once to its user and to the
        organisation's management; steps on time are not"""
        pool = Pool()
        Document = pool.get('edu.edms.document')
        Step = pool.get('edu.edms.document.step')
        Notification = pool.get('res.notification')
        Date = pool.get('ir.date')
        document = self.setup_route(deadline_days=2)
        with self.as_user('clerk'):
            Document.start_route([document])
        today = Date.today()
        self.assertEqual(Step.escalate_overdue(today + dt.timedelta(days=2)),
            [])
        steps = Step.escalate_overdue(today + dt.timedelta(days=3))
        self.assertEqual(steps, [self.step_of(document, 'deputy_director')])
        self.assertTrue(steps[0].escalated)
        overdue = Notification.search([('label', 'like', 'Overdue%')])
        self.assertEqual(
            sorted(n.user.login for n in overdue),
            ['a.deputy_director', 'a.director'])
        # once
        self.assertEqual(Step.escalate_overdue(today + dt.timedelta(days=9)),
            [])
        self.assertEqual(len(Notification.search(
                    [('label', 'like', 'Overdue%')])), 2)
        # not overdue today (deadline in two days)
        self.assertFalse(Step(steps[0].id).overdue)

    @with_transaction()
    def test_notification_email(self):
        """Notifications by e-mail go to users with an address, in their
        language; a failing SMTP server does not fail the decision"""
        pool = Pool()
        Document = pool.get('edu.edms.document')
        User = pool.get('res.user')
        Lang = pool.get('ir.lang')
        document = self.setup_route()
        ru, = Lang.search([('code', '=', 'ru')])
        Lang.write([ru], {'translatable': True})
        User.write([User(self.users['deputy_director'])], {
                'email': 'deputy@school.kz', 'language': ru.id})
        path = 'trytond.modules.edu_edms.notification.' \
            'send_message_transactional'
        with patch(path) as send:
            with self.as_user('clerk'):
                Document.start_route([document])
        self.assertEqual(send.call_count, 1)
        msg, from_, to_addrs = send.call_args.args
        self.assertEqual(to_addrs, ['deputy@school.kz'])
        self.assertIn(document.number, msg['Subject'])
        # a broken mailer is logged, the route goes on
        Step = pool.get('edu.edms.document.step')
        with patch(path, side_effect=OSError("SMTP down")):
            with self.as_user('deputy_director'):
                Step.approve([self.step_of(document, 'deputy_director')])
        self.assertEqual(self.step_of(document, 'accountant').state,
            'pending')

    # -- access ------------------------------------------------------------

    @with_transaction()
    def test_access(self):
        """The steps follow the document: its author, approvers, the clerk
        and the management see them; a teacher who is not party and the
        users of another school see none; My Approvals lists the user's
        own steps only"""
        pool = Pool()
        Document = pool.get('edu.edms.document')
        Step = pool.get('edu.edms.document.step')
        document = self.setup_route()
        with self.as_user('clerk'):
            Document.start_route([document])
        for role in ['clerk', 'deputy_director', 'director', 'methodist',
                'accountant']:
            with self.as_user(role):
                self.assertEqual(
                    len(Step.search([('document', '=', document.id)])), 4,
                    role)
                self.assertEqual(len(Document.search(
                            [('id', '=', document.id)])), 1, role)
        for role in ['teacher', 'learner', 'parent']:
            with self.as_user(role):
                self.assertEqual(Step.search([]), [], role)
        with Transaction().set_user(self.schools.users_b['teacher']), \
                Transaction().set_context(_check_access=True,
                    company=self.schools.school_b):
            self.assertEqual(Step.search([]), [])
        with self.as_user('methodist'):
            mine = Step.search([('mine', '=', True)])
            self.assertEqual([s.user.id for s in mine],
                [self.users['methodist']])
        # the approver cannot change the route of the document
        with self.as_user('methodist'):
            with self.assertRaises(AccessError):
                Step.write([self.step_of(document, 'methodist')],
                    {'user': self.users['teacher']})


class _Stack:
    "Enter several context managers"

    def __init__(self, *managers):
        self.managers = managers

    def __enter__(self):
        for manager in self.managers:
            manager.__enter__()
        return self

    def __exit__(self, *exc):
        for manager in reversed(self.managers):
            manager.__exit__(*exc)
        return False

