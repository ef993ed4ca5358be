# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Access matrix of edu_eds (R20, R22.10, R5.8):

* a verified signature is read by the management, the clerk and the
  auditor of its organisation and by its signer, by nobody else; nobody
  creates, changes or deletes one through the application (they are
  stored only by ``edu.eds.signature.add`` after a verification);
* the configuration and the trusted certificates are read by every user
  (the browser needs the NCALayer address) and written only by the
  platform administrator (res.group_admin, no role of a school);
* nothing of school B is reached from school A.
"""
import unittest

from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)

from tests.access_matrix import (
    ROLES, AccessMatrix, Probe, build_two_schools, expand)

READERS = ('director', 'deputy_director', 'clerk', 'auditor')
EXPECTED = {
    **expand('edu.eds.signature', {
            **{role: '----' for role in ROLES},
            **{role: 'r---' for role in READERS},
            }),
    **expand('edu.eds.configuration', {role: 'r---' for role in ROLES}),
    **expand('edu.eds.trust.certificate',
        {role: 'r---' for role in ROLES}),
    }


def eds_probes(schools, pki):
    "Return the probes of edu_eds; signatures made through the API"
    from trytond.modules.edu_eds.tests.tools import configure_eds
    pool = Pool()
    Signature = pool.get('edu.eds.signature')
    TrustCertificate = pool.get('edu.eds.trust.certificate')
    Configuration = pool.get('edu.eds.configuration')
    User = pool.get('res.user')
    configure_eds(pki)
    subjects = {}

    def sign(user_id, company, content):
        user = User(user_id)
        iin = user.iin
        if iin not in subjects:
            subjects[iin] = pki.issue('u%s' % user_id, iin)
        cms = pki.sign_cms(subjects[iin], content)
        return Signature.add('party.party,%s' % user.person.id, content,
            cms, user=user, company=company, file_name='probe.txt').id

    schools.signatures = {
        'director': sign(schools.users['director'], schools.school_a,
            b'order of school A'),
        'teacher': sign(schools.users['teacher'], schools.school_a,
            b'statement of the teacher'),
        'b': sign(schools.users_b['teacher'], schools.school_b,
            b'letter of school B'),
        }
    certificate, = TrustCertificate.search([('kind', '=', 'root')])
    foreign = pki.foreign_root
    return {
        'edu.eds.signature': Probe('edu.eds.signature',
            own=schools.signatures['director'],
            other=schools.signatures['b'], write_field='file_name',
            create_values=lambda: {'file_name': 'forged.txt',
                'status': 'valid', 'company': schools.school_a,
                'signer_iin': '800101300125'},
            make_record=lambda: sign(schools.users['director'],
                schools.school_a, b'throw-away')),
        'edu.eds.configuration': Probe('edu.eds.configuration',
            own=Configuration.search([])[0].id,
            write_field='ocsp_url'),
        'edu.eds.trust.certificate': Probe('edu.eds.trust.certificate',
            own=certificate.id, write_field='name',
            create_values=lambda: {'name': "Forged root", 'kind': 'root',
                'data': foreign},
            make_record=lambda: TrustCertificate.create([{
                        'name': "Throw-away", 'kind': 'root',
                        'data': foreign}])[0].id),
        }


class AccessMatrixEdsTestCase(unittest.TestCase):
    "Access matrix of the electronic signatures"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(['edu_eds'])

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    @with_transaction()
    def test_access_matrix(self):
        """Signatures: read by the organisation's management, clerk,
        auditor and the signer, written by nobody; configuration and trust
        written by the platform administrator only"""
        import os
        import tempfile
        from trytond.modules.edu_eds.testca import TestPKI
        from trytond.modules.edu_eds.tests.tools import test_pki
        pki = test_pki()
        foreign = TestPKI.create(tempfile.mkdtemp(prefix='bilim-eds-'),
            key_offset=60)
        pki.foreign_root = foreign.root_der
        pool = Pool()
        Signature = pool.get('edu.eds.signature')
        schools = build_two_schools()
        matrix = AccessMatrix(schools.users, eds_probes(schools, pki))
        matrix.check(EXPECTED, isolated_models=['edu.eds.signature'],
            foreign_domains={'edu.eds.signature': [
                    ('company', '=', schools.school_b)]})

        # the signer reads its own signature, not the director's
        teacher = schools.users['teacher']
        self.assertEqual(
            set(matrix.visible('teacher', 'edu.eds.signature')),
            {schools.signatures['teacher']})
        # the clerk reads every signature of school A, none of school B
        seen = set(matrix.visible('clerk', 'edu.eds.signature'))
        self.assertEqual(seen, {s.id for s in Signature.search(
                    [('company', '=', schools.school_a)])})
        self.assertGreaterEqual(seen, {schools.signatures['director'],
                schools.signatures['teacher']})
        self.assertNotIn(schools.signatures['b'], seen)
        # a learner sees none
        self.assertEqual(matrix.visible('learner', 'edu.eds.signature'), [])
        # nobody writes a signature, not even its signer
        with matrix.as_user(teacher):
            signature = Signature(schools.signatures['teacher'])
            with self.assertRaises(Exception):
                Signature.write([signature], {'status': 'revoked'})
            with self.assertRaises(Exception):
                Signature.delete([signature])
        # the platform administrator manages the configuration
        Configuration = pool.get('edu.eds.configuration')
        with matrix.as_user(1):
            Configuration.write([Configuration(1)], {'timeout': 7})
        self.assertEqual(Configuration(1).timeout, 7)
        self.assertTrue(os.path.isdir(pki.directory))
