# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Resolutions and execution control (R22.9, R22.7): the state logic of a
resolution and of its document, the deadline history, the register with
its highlighting and filters, the report "Execution discipline" read back
from the XLSX, the overdue notifications sent once a day, and what the
executors and the other users may not do."""
import contextlib
import datetime as dt
import io
import re
import unittest
import zipfile
from unittest.mock import patch

from trytond.exceptions import UserError
from trytond.model.exceptions import AccessError
from trytond.modules.company.tests import create_company, set_company
from trytond.modules.edu_eds.tests.tools import load_translations
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction


def xlsx_cells(content):
    """Return the cells of the first sheet of an XLSX as {(row, col):
    value}, rows and columns from 0 (a reader without openpyxl)"""
    book = zipfile.ZipFile(io.BytesIO(content))
    shared = []
    if 'xl/sharedStrings.xml' in book.namelist():
        xml = book.read('xl/sharedStrings.xml').decode('utf-8')
        for item in re.findall(r'<si>(.*?)</si>', xml, re.S):
            shared.append(''.join(re.findall(r'<t[^>]*>(.*?)</t>', item,
                        re.S)))
    xml = book.read('xl/worksheets/sheet1.xml').decode('utf-8')
    cells = {}
    for ref, attrs, body in re.findall(
            r'<c r="([A-Z]+\d+)"([^>]*?)(?:/>|>(.*?)</c>)', xml, re.S):
        letters, row = re.match(r'([A-Z]+)(\d+)', ref).groups()
        column = 0
        for letter in letters:
            column = column * 26 + ord(letter) - 64
        value = re.search(r'<v>(.*?)</v>', body or '')
        if value is None:
            continue
        value = value.group(1)
        if 't="s"' in attrs:
            value = shared[int(value)]
        else:
            value = float(value)
            if value.is_integer():
                value = int(value)
        cells[(int(row) - 1, column - 1)] = value
    return cells


class ResolutionTestCase(unittest.TestCase):
    "Resolutions and execution control"

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module(['edu_edms'])
        super().setUpClass()

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    # -- helpers -----------------------------------------------------------
    def setup_school(self):
        pool = Pool()
        User = pool.get('res.user')
        ModelData = pool.get('ir.model.data')
        company = create_company()
        self.company = company

        def user(login, role, school=company):
            return User.create([{
                        'login': login, 'name': login.capitalize(),
                        'companies': [('add', [school.id])],
                        'company': school.id,
                        'roles': [('create', [{'role': ModelData.get_id(
                                            'edu_base', f'role_{role}')}])],
                        }])[0]
        self.director = user('director', 'director')
        self.clerk = user('clerk', 'clerk')
        self.teacher = user('teacher', 'teacher')
        self.accountant = user('accountant', 'accountant')
        self.outsider = user('outsider', 'teacher')
        other = create_company(name="Other school", currency=company.currency)
        self.stranger = user('stranger', 'teacher', other)
        return company

    def document(self, kind='kind_incoming', summary="Хат", **values):
        pool = Pool()
        Document = pool.get('edu.edms.document')
        ModelData = pool.get('ir.model.data')
        with set_company(self.company):
            document, = Document.create([{
                        'company': self.company.id,
                        'kind': ModelData.get_id('edu_edms', kind),
                        'summary': summary,
                        **values,
                        }])
        return document

    def resolution(self, document, deadline, executors, text="Орындау"):
        Resolution = Pool().get('edu.edms.resolution')
        with self.as_user(self.director):
            resolution, = Resolution.create([{
                        'document': document.id,
                        'text': text,
                        'deadline': deadline,
                        'executors': [('create', [
                                    {'user': u.id, 'responsible': i == 0}
                                    for i, u in enumerate(executors)])],
                        }])
        return Resolution(resolution.id)

    @contextlib.contextmanager
    def as_user(self, user):
        User = Pool().get('res.user')
        transaction = Transaction()
        with transaction.set_user(user.id):
            context = User.get_preferences(context_only=True)
            with transaction.set_context(context, _check_access=True):
                yield

    @staticmethod
    def today():
        return Pool().get('ir.date').today()

    def lines(self, resolution):
        "responsible line, co-executor line"
        responsible, = [l for l in resolution.executors if l.responsible]
        other, = [l for l in resolution.executors if not l.responsible]
        return responsible, other

    # -- tests -------------------------------------------------------------
    @with_transaction()
    def test_state_logic(self):
        "Done when the responsible is done; the document executed (R22.9)"
        pool = Pool()
        Resolution = pool.get('edu.edms.resolution')
        Executor = pool.get('edu.edms.resolution.executor')
        Document = pool.get('edu.edms.document')
        self.setup_school()
        document = self.document()
        self.assertEqual(document.state, 'registered')
        deadline = self.today() + dt.timedelta(days=10)
        first = self.resolution(
            document, deadline, [self.teacher, self.accountant])
        second = self.resolution(document, deadline, [self.accountant])
        self.assertEqual(first.responsible, self.teacher)
        self.assertEqual(first.company, self.company)
        responsible, co_executor = self.lines(first)

        # the co-executor reports: nothing else changes
        with self.as_user(self.accountant):
            Executor.write([Executor(co_executor.id)],
                {'report': "Есеп дайын"})
            Executor.do([Executor(co_executor.id)])
        self.assertEqual(Resolution(first.id).state, 'open')
        # the responsible must write a report first
        with self.as_user(self.teacher):
            with self.assertRaises(UserError) as cm:
                Executor.do([Executor(responsible.id)])
            self.assertIn('report', str(cm.exception.message).lower())
            Executor.write([Executor(responsible.id)],
                {'report': "Орындалды", 'report_file': b'%PDF-1.4 report',
                    'report_file_name': 'report.pdf'})
            Executor.do([Executor(responsible.id)])
        first = Resolution(first.id)
        self.assertEqual(first.state, 'done')
        self.assertEqual(first.done_date, self.today())
        self.assertEqual(Executor(responsible.id).report_file,
            b'%PDF-1.4 report')
        # one resolution still open: not executed yet
        self.assertEqual(Document(document.id).state, 'registered')
        (line,) = Resolution(second.id).executors
        with self.as_user(self.accountant):
            Executor.write([Executor(line.id)], {'report': "Done"})
            Executor.do([Executor(line.id)])
        self.assertEqual(Document(document.id).state, 'executed')
        self.assertEqual(
            Document(document.id).execution_previous_state, 'registered')

        # reopening a resolution takes the document back
        with self.as_user(self.director):
            Resolution.reopen([Resolution(first.id)])
        self.assertEqual(Resolution(first.id).state, 'open')
        self.assertEqual(Executor(responsible.id).state, 'open')
        self.assertEqual(Executor(co_executor.id).state, 'done')
        self.assertEqual(Document(document.id).state, 'registered')
        # cancelling it: all the remaining resolutions are done
        with self.as_user(self.director):
            Resolution.cancel([Resolution(first.id)])
        self.assertEqual(Document(document.id).state, 'executed')

    @with_transaction()
    def test_validation(self):
        "One responsible, distinct executors, registered documents only"
        pool = Pool()
        Resolution = pool.get('edu.edms.resolution')
        Document = pool.get('edu.edms.document')
        self.setup_school()
        document = self.document()
        deadline = self.today() + dt.timedelta(days=5)
        with self.as_user(self.director):
            for executors in [
                    [{'user': self.teacher.id, 'responsible': False}],
                    [{'user': self.teacher.id, 'responsible': True},
                        {'user': self.accountant.id, 'responsible': True}],
                    [{'user': self.teacher.id, 'responsible': True},
                        {'user': self.teacher.id, 'responsible': False}],
                    [{'user': self.stranger.id, 'responsible': True}],
                    ]:
                with self.assertRaises(UserError):
                    Resolution.create([{
                                'document': document.id, 'text': "x",
                                'deadline': deadline,
                                'executors': [('create', executors)]}])
        with set_company(self.company), Transaction().set_context(
                edms_draft=True):
            draft, = Document.create([{
                        'company': self.company.id,
                        'kind': document.kind.id, 'summary': "Жоба"}])
        self.assertEqual(draft.state, 'draft')
        with self.assertRaises(UserError):
            self.resolution(draft, deadline, [self.teacher])

    @with_transaction()
    def test_deadline_history(self):
        "A change of the deadline is logged with the author"
        pool = Pool()
        Resolution = pool.get('edu.edms.resolution')
        self.setup_school()
        deadline = self.today() + dt.timedelta(days=5)
        resolution = self.resolution(
            self.document(), deadline, [self.teacher])
        later = deadline + dt.timedelta(days=7)
        with self.as_user(self.director):
            Resolution.write([resolution], {'deadline': later})
            Resolution.write([resolution], {'text': "Жаңа мәтін"})
        change, = Resolution(resolution.id).deadline_history
        self.assertEqual(
            (change.old_deadline, change.new_deadline, change.user),
            (deadline, later, self.director))
        # the executor cannot change the deadline nor forge the history
        History = pool.get('edu.edms.resolution.deadline')
        with self.as_user(self.teacher):
            with self.assertRaises(AccessError):
                Resolution.write([Resolution(resolution.id)],
                    {'deadline': deadline})
            with self.assertRaises(AccessError):
                History.create([{'resolution': resolution.id,
                            'old_deadline': later, 'new_deadline': deadline}])
            self.assertEqual(len(History.search([])), 1)

    @with_transaction()
    def test_register_visual_and_filters(self):
        "The register: days left, danger/warning, filters (R22.9)"
        pool = Pool()
        Control = pool.get('edu.edms.control')
        Document = pool.get('edu.edms.document')
        self.setup_school()
        today = self.today()
        overdue = self.resolution(self.document(summary="Кешікті"),
            today - dt.timedelta(days=2), [self.teacher, self.accountant])
        soon = self.resolution(self.document(summary="Жақында"),
            today + dt.timedelta(days=2), [self.accountant])
        later = self.resolution(self.document(summary="Кейін"),
            today + dt.timedelta(days=30), [self.teacher])
        outgoing = self.document(kind='kind_outgoing', summary="Сұрау",
            answer_deadline=today + dt.timedelta(days=1),
            executor=self.teacher.id)

        rows = Control.search([])
        self.assertEqual(len(rows), 5)
        by_resolution = {}
        for row in rows:
            by_resolution.setdefault(row.resolution, []).append(row)
        for row in by_resolution[overdue]:
            self.assertEqual(row.visual, 'danger')
            self.assertEqual(row.days_left, -2)
            self.assertTrue(row.overdue)
            self.assertEqual(row.number, overdue.document.number)
        soon_row, = by_resolution[soon]
        self.assertEqual((soon_row.visual, soon_row.days_left),
            ('warning', 2))
        later_row, = by_resolution[later]
        self.assertEqual(later_row.visual, '')
        answer_row, = by_resolution[None]
        self.assertEqual((answer_row.kind, answer_row.user, answer_row.state,
                answer_row.visual),
            ('answer', self.teacher, 'open', 'warning'))

        self.assertEqual(
            {r.resolution for r in Control.search([('overdue', '=', True)])},
            {overdue})
        with self.as_user(self.teacher):
            mine = Control.search([('mine', '=', True)])
        self.assertEqual({r.resolution for r in mine}, {overdue, later, None})
        week = Control.search([('due_week', '=', True)])
        self.assertLessEqual({r.resolution for r in week}, {soon, None})
        self.assertNotIn(later, {r.resolution for r in week})
        self.assertNotIn(overdue, {r.resolution for r in week})

        # an incoming answer linked as related closes the control
        answer = self.document(summary="Жауап")
        Document.write([Document(outgoing.id)],
            {'related': [('add', [answer.id])]})
        self.assertEqual(Document(outgoing.id).answer_date,
            answer.registration_date)
        answer_row, = Control.search([('kind', '=', 'answer')])
        self.assertEqual((answer_row.state, answer_row.visual,
                answer_row.done_date),
            ('done', '', answer.registration_date))
        self.assertFalse(Control.search(
                [('kind', '=', 'answer'), ('state', '=', 'open')]))

    @with_transaction()
    def test_discipline_report(self):
        "Execution discipline per executor: counts and XLSX read back"
        pool = Pool()
        Executor = pool.get('edu.edms.resolution.executor')
        Control = pool.get('edu.edms.control')
        XlsxReport = pool.get(
            'edu.edms.control.discipline.report_xlsx', type='report')
        PdfReport = pool.get(
            'edu.edms.control.discipline.report', type='report')
        self.setup_school()
        today = self.today()
        on_time = self.resolution(self.document(),
            today + dt.timedelta(days=1), [self.teacher])
        late = self.resolution(self.document(),
            today - dt.timedelta(days=3), [self.teacher])
        self.resolution(self.document(),
            today - dt.timedelta(days=1), [self.accountant])
        self.resolution(self.document(),
            today + dt.timedelta(days=5), [self.accountant])
        with self.as_user(self.teacher):
            for resolution in [on_time, late]:
                line, = resolution.executors
                Executor.write([Executor(line.id)], {'report': "Done"})
                Executor.do([Executor(line.id)])
        period = (today - dt.timedelta(days=30), today + dt.timedelta(days=30))
        load_translations(module='edu_edms')
        rows = Control.discipline(self.company, *period)
        counts = {(r['user'].login if r['user'] else None): (
                r['total'], r['on_time'], r['late'], r['open'], r['overdue'])
            for r in rows}
        self.assertEqual(counts, {
                'teacher': (2, 1, 1, 0, 0),
                'accountant': (2, 0, 0, 1, 1),
                None: (4, 1, 1, 1, 1),
                })

        data = {'company': self.company.id,
            'date_from': period[0].isoformat(),
            'date_to': period[1].isoformat(), 'users': []}
        with self.as_user(self.director), Transaction().set_context(
                language='ru'):
            extension, content, _, name = XlsxReport.execute([], data)
        self.assertEqual(extension, 'xlsx')
        cells = xlsx_cells(content)
        self.assertIn('Исполнительская дисциплина', cells[(0, 0)])
        self.assertEqual(cells[(2, 0)], 'Исполнитель')
        self.assertEqual(cells[(2, 2)], 'Исполнено в срок')
        table = {cells[(r, 0)]: [cells[(r, c)] for c in range(1, 7)]
            for r in range(3, 6)}
        self.assertEqual(table, {
                'Accountant': [2, 0, 0, 1, 1, 0],
                'Teacher': [2, 1, 1, 0, 0, 50],
                'Все исполнители': [4, 1, 1, 1, 1, 33],
                })
        with self.as_user(self.director), Transaction().set_context(
                language='kk'):
            extension, content, _, _ = PdfReport.execute([], data)
        self.assertEqual(extension, 'pdf')
        self.assertTrue(content.startswith(b'%PDF'))
        # an executor's own report shows only the own tasks
        with self.as_user(self.teacher):
            rows = Control.discipline(self.company, *period)
        self.assertEqual([r['user'] for r in rows], [self.teacher, None])

    @with_transaction()
    def test_notifications_once(self):
        "To execute on creation; overdue once a day per line (R22.7)"
        pool = Pool()
        Executor = pool.get('edu.edms.resolution.executor')
        Notification = pool.get('res.notification')
        Date = pool.get('ir.date')
        self.setup_school()
        today = self.today()
        resolution = self.resolution(self.document(),
            today - dt.timedelta(days=1), [self.teacher, self.accountant])
        self.assertEqual(
            sorted(n.user.login for n in Notification.search([])),
            ['accountant', 'teacher'])
        Notification.delete(Notification.search([]))

        Executor.notify_overdue()
        users = sorted(n.user.login for n in Notification.search([]))
        # each line notifies its executor and the author
        self.assertEqual(users,
            ['accountant', 'director', 'director', 'teacher'])
        for notification in Notification.search([]):
            self.assertEqual(notification.model, 'edu.edms.document')
        # the same day: nothing more
        Executor.notify_overdue()
        self.assertEqual(len(Notification.search([])), 4)
        # a line done is not notified any more; the next day the other is
        line = [l for l in resolution.executors if not l.responsible][0]
        with self.as_user(self.accountant):
            Executor.do([Executor(line.id)])
        with patch.object(Date, 'today',
                return_value=today + dt.timedelta(days=1)):
            Executor.notify_overdue()
            self.assertEqual(len(Notification.search([])), 6)
            Executor.notify_overdue()
            self.assertEqual(len(Notification.search([])), 6)

    @with_transaction()
    def test_answer_overdue_notified_once(self):
        "An outgoing letter whose answer is late: its executor, once a day"
        pool = Pool()
        Executor = pool.get('edu.edms.resolution.executor')
        Notification = pool.get('res.notification')
        Document = pool.get('edu.edms.document')
        self.setup_school()
        today = self.today()
        late = self.document(kind='kind_outgoing', summary="Сұрау",
            answer_deadline=today - dt.timedelta(days=2),
            executor=self.teacher.id)
        self.document(kind='kind_outgoing', summary="Әлі ерте",
            answer_deadline=today + dt.timedelta(days=2),
            executor=self.accountant.id)
        Executor.notify_overdue()
        notification, = Notification.search([])
        self.assertEqual(notification.user, self.teacher)
        self.assertIn(late.number, notification.label)
        Executor.notify_overdue()
        self.assertEqual(len(Notification.search([])), 1)
        # answered: no more notices
        answer = self.document(summary="Жауап")
        Document.write([Document(late.id)],
            {'related': [('add', [answer.id])]})
        Date = pool.get('ir.date')
        with patch.object(Date, 'today',
                return_value=today + dt.timedelta(days=1)):
            Executor.notify_overdue()
        self.assertEqual(len(Notification.search([])), 1)

    @with_transaction()
    def test_access(self):
        "Executors see their own; others see nothing and change nothing"
        pool = Pool()
        Resolution = pool.get('edu.edms.resolution')
        Executor = pool.get('edu.edms.resolution.executor')
        Control = pool.get('edu.edms.control')
        Document = pool.get('edu.edms.document')
        self.setup_school()
        deadline = self.today() + dt.timedelta(days=3)
        document = self.document()
        resolution = self.resolution(
            document, deadline, [self.teacher, self.accountant])
        responsible, co_executor = self.lines(resolution)

        for user in [self.outsider, self.stranger]:
            with self.as_user(user):
                self.assertEqual(Resolution.search([]), [])
                self.assertEqual(Executor.search([]), [])
                self.assertEqual(Control.search([]), [])
                with self.assertRaises(AccessError):
                    Resolution.read([resolution.id], ['text'])
                with self.assertRaises(AccessError):
                    Executor.write([Executor(responsible.id)],
                        {'report': "forged"})
        with self.as_user(self.teacher):
            self.assertEqual(Resolution.search([]), [resolution])
            self.assertEqual(len(Executor.search([])), 2)
            # the register shows the own tasks only
            self.assertEqual([r.line for r in Control.search([])],
                [responsible])
            # the document is visible to its executor through the rule
            self.assertEqual(
                Document.search([('id', '=', document.id)]), [document])
            # not the co-executor's line, nor the assignment itself
            with self.assertRaises(AccessError):
                Executor.write([Executor(co_executor.id)],
                    {'report': "forged"})
            with self.assertRaises(AccessError):
                Executor.write([Executor(responsible.id)],
                    {'responsible': False})
            with self.assertRaises(AccessError):
                Executor.write([Executor(responsible.id)],
                    {'user': self.outsider.id})
            with self.assertRaises(UserError):
                Executor.do([Executor(co_executor.id)])
            with self.assertRaises(UserError):
                Resolution.cancel([Resolution(resolution.id)])
            with self.assertRaises(AccessError):
                Resolution.create([{'document': document.id, 'text': "x",
                            'deadline': deadline}])
        with self.as_user(self.clerk):
            self.assertEqual(Resolution.search([]), [resolution])
            with self.assertRaises(AccessError):
                Resolution.write([Resolution(resolution.id)], {'text': "x"})
        with self.as_user(self.director):
            Resolution.write([Resolution(resolution.id)], {'text': "Жаңа"})
            Executor.write([Executor(co_executor.id)], {'responsible': False})
        self.assertEqual(Resolution(resolution.id).text, "Жаңа")
