# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Access matrix of edu_edms (R22.2, R22.8, R5.10, R12): the clerk
registers the documents of its school and sees all of them, the
management (director, deputy) reads and changes all of them, any other
user sees only the documents it is party to (author, executor, approver,
executor of a resolution); a user of school A reaches nothing of school B.
The kinds and the nomenclature are read by everybody of the school and
kept by the clerk; the shared kinds and the configuration are the platform
administrator's; the registration journals are the clerk's and the
management's, written by the registration only."""
import unittest

from trytond.model.exceptions import AccessError
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)
from trytond.transaction import Transaction

from tests.access_matrix import (
    ROLES, AccessMatrix, Probe, build_two_schools, expand)

MANAGEMENT = ('director', 'deputy_director')


def table(default, **roles):
    return {**{role: default for role in ROLES}, **roles}


EXPECTED = {
    **expand('edu.edms.document', table('----', clerk='rcwd',
            director='r-w-', deputy_director='r-w-')),
    **expand('edu.edms.file', table('----', clerk='rcwd',
            director='rcw-', deputy_director='rcw-')),
    **expand('edu.edms.nomenclature', table('r---', clerk='rcw-')),
    **expand('edu.edms.document.kind', table('r---', clerk='rcw-')),
    **expand('edu.edms.journal', table('----', clerk='r---',
            director='r---', deputy_director='r---')),
    **expand('edu.edms.configuration', table('r---')),
    }
ISOLATED = ['edu.edms.document', 'edu.edms.file', 'edu.edms.nomenclature',
    'edu.edms.document.kind', 'edu.edms.journal']


class Samples:
    "The documents, files, cases, kinds and journals of schools A and B"

    def __init__(self, schools):
        pool = Pool()
        Document = pool.get('edu.edms.document')
        File = pool.get('edu.edms.file')
        Nomenclature = pool.get('edu.edms.nomenclature')
        Kind = pool.get('edu.edms.document.kind')
        ModelData = pool.get('ir.model.data')
        self.schools = schools
        self.incoming = ModelData.get_id('edu_edms', 'kind_incoming')
        self.counter = 0
        users = schools.users
        self.case = {}
        self.kind = {}
        self.document = {}
        self.file = {}
        for school, clerk in [('a', users['clerk']),
                ('b', schools.users_b['hr_officer'])]:
            company = getattr(schools, 'school_' + school)
            with Transaction().set_context(company=company):
                case, = Nomenclature.create([{'company': company,
                            'year': 2026, 'index': '01-0' + school,
                            'name': "Хаттар", 'retention_years': 5}])
                kind, = Kind.create([{'company': company,
                            'code': 'OWN' + school, 'name': "Өтініш",
                            'direction': 'internal'}])
                document, = Document.create([{'company': company,
                            'kind': self.incoming, 'author': clerk,
                            'summary': "Хат %s" % school}])
                file, = File.create([{'document': document.id,
                            'name': 'letter.txt', 'data': b'text'}])
            self.case[school] = case.id
            self.kind[school] = kind.id
            self.document[school] = document.id
            self.file[school] = file.id
        self.journal = {s: Document(d).journal.id
            for s, d in self.document.items()}
        Configuration = pool.get('edu.edms.configuration')
        self.configuration = (Configuration.get_singleton()
            or Configuration.create([{}])[0]).id

    def unique(self):
        self.counter += 1
        return self.counter

    def new_document_values(self):
        return {'company': self.schools.school_a, 'kind': self.incoming,
            'summary': "Жаңа хат %s" % self.unique()}

    def new_draft(self):
        Document = Pool().get('edu.edms.document')
        with Transaction().set_context(edms_draft=True):
            document, = Document.create([{
                        **self.new_document_values(),
                        'author': self.schools.users['clerk']}])
        return document.id

    def new_file(self):
        File = Pool().get('edu.edms.file')
        file, = File.create([{'document': self.document['a'],
                    'name': 'annex%s.txt' % self.unique(), 'data': b'x'}])
        return file.id

    def new_case(self):
        Nomenclature = Pool().get('edu.edms.nomenclature')
        case, = Nomenclature.create([self.new_case_values()])
        return case.id

    def new_case_values(self):
        return {'company': self.schools.school_a, 'year': 2026,
            'index': '99-%s' % self.unique(), 'name': "Іс",
            'retention_years': 1}

    def new_kind_values(self):
        return {'company': self.schools.school_a,
            'code': 'K%s' % self.unique(), 'name': "Түр",
            'direction': 'internal'}

    def new_kind(self):
        Kind = Pool().get('edu.edms.document.kind')
        kind, = Kind.create([self.new_kind_values()])
        return kind.id

    def probes(self):
        return {
            'edu.edms.document': Probe('edu.edms.document',
                own=self.document['a'], other=self.document['b'],
                write_field='summary',
                create_values=self.new_document_values,
                make_record=self.new_draft),
            'edu.edms.file': Probe('edu.edms.file',
                own=self.file['a'], other=self.file['b'],
                write_field='name',
                create_values=lambda: {'document': self.document['a'],
                    'name': 'new%s.txt' % self.unique(), 'data': b'y'},
                make_record=self.new_file),
            'edu.edms.nomenclature': Probe('edu.edms.nomenclature',
                own=self.case['a'], other=self.case['b'],
                write_field='name', create_values=self.new_case_values,
                make_record=self.new_case),
            'edu.edms.document.kind': Probe('edu.edms.document.kind',
                own=self.kind['a'], other=self.kind['b'],
                write_field='name', create_values=self.new_kind_values,
                make_record=self.new_kind),
            'edu.edms.journal': Probe('edu.edms.journal',
                own=self.journal['a'], other=self.journal['b'],
                write_field='last_number'),
            'edu.edms.configuration': Probe('edu.edms.configuration',
                own=self.configuration, write_field='max_file_size'),
            }


class AccessMatrixEdmsTestCase(unittest.TestCase):
    "Access matrix of the document management"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['edu_edms'])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    @with_transaction()
    def test_access_matrix(self):
        """Clerk registers and sees all of its school, management reads and
        changes, the others nothing they are not party to; school B is out
        of reach (R22.8, R12)"""
        schools = build_two_schools()
        samples = Samples(schools)
        matrix = AccessMatrix(schools.users, samples.probes())
        matrix.check(EXPECTED, isolated_models=ISOLATED, foreign_domains={
                'edu.edms.document': [
                    ('company', '=', schools.school_b)],
                'edu.edms.file': [
                    ('document.company', '=', schools.school_b)],
                'edu.edms.journal': [('company', '=', schools.school_b)],
                })

    @with_transaction()
    def test_party_to_document(self):
        """The author and the executor see a document, their colleagues do
        not; the clerk registers it with the next number; nobody writes
        a number or a shared kind"""
        pool = Pool()
        Document = pool.get('edu.edms.document')
        Kind = pool.get('edu.edms.document.kind')
        ModelData = pool.get('ir.model.data')
        schools = build_two_schools()
        samples = Samples(schools)
        users = schools.users
        matrix = AccessMatrix(users, samples.probes())
        memo, = Document.create([{'company': schools.school_a,
                    'kind': samples.incoming, 'author': users['clerk'],
                    'executor': users['teacher'],
                    'summary': "Мұғалімге тапсырма"}])
        with matrix.as_user(users['clerk']):
            memo2, = Document.create([{'kind': samples.incoming,
                        'summary': "Жаңа хат", 'executor': users['tutor']}])
            self.assertEqual(memo2.number, 'ВХ-3')
            self.assertEqual(memo2.author.id, users['clerk'])
        self.assertIn(memo.id, matrix.visible('teacher', 'edu.edms.document'))
        self.assertEqual(
            matrix.visible('teacher', 'edu.edms.document'), [memo.id])
        self.assertEqual(
            matrix.visible('tutor', 'edu.edms.document'), [memo2.id])
        self.assertEqual(
            matrix.visible('methodist', 'edu.edms.document'), [])
        # the executor reads the files of its document, not the others'
        self.assertEqual(
            matrix.visible('teacher', 'edu.edms.file'), [])
        self.assertEqual(sorted(matrix.visible('clerk', 'edu.edms.document')),
            sorted([samples.document['a'], memo.id, memo2.id]))
        self.assertEqual(
            len(matrix.visible('director', 'edu.edms.document')), 3)
        # the executor cannot change the card (read only for it)
        with matrix.as_user(users['teacher']), \
                self.assertRaises(AccessError):
            Document.write([Document(memo.id)], {'summary': "Өзгерді"})
        # nobody sets a number by hand, not even the clerk
        with matrix.as_user(users['clerk']), \
                self.assertRaises(AccessError):
            Document.write([Document(memo.id)], {'number': 'ВХ-100'})
        # the shared kinds are the platform administrator's
        incoming = Kind(ModelData.get_id('edu_edms', 'kind_incoming'))
        with matrix.as_user(users['clerk']), \
                self.assertRaises(AccessError):
            Kind.write([Kind(incoming.id)], {'prefix': 'XX'})
        # a registered document is not deleted, even by the clerk
        with matrix.as_user(users['clerk']), \
                self.assertRaises(AccessError):
            Document.delete([Document(memo.id)])
