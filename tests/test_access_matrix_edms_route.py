# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Access matrix of the approval routes of edu_edms (R22.3, R5.8, R5.10):

* the route templates of an organisation are read by its users and made
  by the clerk and the management (the platform administrator too);
* the steps of a document follow the document: read by its author, its
  approvers, the clerk and the management of its organisation, by nobody
  else; a step's comment (its decision) is written by its approver only;
  steps are added to and removed from a route by the author, the clerk or
  the management only;
* nothing of school B is reached from school A.
"""
import unittest

from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)

from tests.access_matrix import (
    ROLES, AccessMatrix, Probe, build_two_schools, expand)

NOBODY = {role: '----' for role in ROLES}
EDITORS = ('clerk', 'director', 'deputy_director')
EXPECTED = {
    **expand('edu.edms.route.template', {
            **{role: 'r---' for role in ROLES},
            **{role: 'rcwd' for role in EDITORS},
            }),
    **expand('edu.edms.route.template.step', {
            **{role: 'r---' for role in ROLES},
            **{role: 'rcwd' for role in EDITORS},
            }),
    **expand('edu.edms.document.step', {
            **NOBODY,
            # the clerk is the author of the sample document; the director
            # is management; neither decides the deputy's step
            'clerk': 'rc-d',
            'director': 'rc-d',
            # the sample step is the deputy director's (management too)
            'deputy_director': 'rcwd',
            # the methodist approves at stage 2: sees the route only
            'methodist': 'r---',
            }),
    }
MODELS = ('edu.edms.route.template', 'edu.edms.route.template.step',
    'edu.edms.document.step')


def route_probes(schools):
    """Return the probes: a route template of each school, a registered
    document of each school (by its clerk, resp. HR officer) on approval:
    stage 1 the deputy director (pending), stage 2 the methodist"""
    pool = Pool()
    Document = pool.get('edu.edms.document')
    Template = pool.get('edu.edms.route.template')
    TemplateStep = pool.get('edu.edms.route.template.step')
    Step = pool.get('edu.edms.document.step')
    ModelData = pool.get('ir.model.data')
    kind = ModelData.get_id('edu_edms', 'kind_internal')
    users, users_b = schools.users, schools.users_b
    User = pool.get('res.user')
    serials = iter(range(1, 1000))

    def fresh_user():
        "A new user of school A (made an approver by the probes)"
        user, = User.create([{'login': 'x.approver%s' % next(serials),
                    'name': "Келісуші", 'company': schools.school_a,
                    'companies': [('add', [schools.school_a])]}])
        return user.id

    def template(school, approver):
        record, = Template.create([{'name': "Маршрут", 'company': school,
                    'kind': kind, 'steps': [('create', [
                                {'stage': 1, 'user': approver}])]}])
        return record

    def document(school, author, approvers):
        record, = Document.create([{'company': school, 'kind': kind,
                    'author': author, 'summary': "Ішкі хат / Служебная",
                    'files': [('create', [{'name': 'memo.pdf',
                                    'data': b'%PDF-1.4\n%%EOF\n'}])],
                    'steps': [('create', [
                                {'stage': i + 1, 'user': u}
                                for i, u in enumerate(approvers)])]}])
        Document.start_route([record])
        return Document(record.id)

    template_a = template(schools.school_a, users['deputy_director'])
    template_b = template(schools.school_b, users_b['hr_officer'])
    doc_a = document(schools.school_a, users['clerk'],
        [users['deputy_director'], users['methodist']])
    doc_b = document(schools.school_b, users_b['hr_officer'],
        [users_b['teacher']])
    step_a, = [s for s in doc_a.steps if s.stage == 1]
    step_b, = doc_b.steps
    return {
        'edu.edms.route.template': Probe('edu.edms.route.template',
            own=template_a.id, other=template_b.id, write_field='name',
            create_values=lambda: {'name': "Жаңа", 'kind': kind,
                'company': schools.school_a},
            make_record=lambda: template(
                schools.school_a, users['director']).id),
        'edu.edms.route.template.step': Probe(
            'edu.edms.route.template.step',
            own=template_a.steps[0].id, other=template_b.steps[0].id,
            write_field='deadline_days',
            create_values=lambda: {'template': template_a.id, 'stage': 2,
                'user': users['director']},
            make_record=lambda: TemplateStep.create([{
                        'template': template_a.id, 'stage': 3,
                        'user': users['director']}])[0].id),
        'edu.edms.document.step': Probe('edu.edms.document.step',
            own=step_a.id, other=step_b.id, write_field='comment',
            create_values=lambda: {'document': doc_a.id, 'stage': 3,
                'user': fresh_user()},
            make_record=lambda: Step.create([{'document': doc_a.id,
                        'stage': 4, 'user': fresh_user()}])[0].id),
        }


class AccessMatrixEdmsRouteTestCase(unittest.TestCase):
    "Access matrix of the approval routes"

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
        """Templates: the organisation's users read, the clerk and the
        management make them; steps: the parties of the document read,
        the approver decides, the author and the office edit the route;
        school B is out of reach"""
        schools = build_two_schools()
        probes = route_probes(schools)
        matrix = AccessMatrix(schools.users, probes)
        matrix.check(EXPECTED, isolated_models=list(MODELS),
            foreign_domains={
                'edu.edms.route.template': [
                    ('company', '=', schools.school_b)],
                'edu.edms.route.template.step': [
                    ('template.company', '=', schools.school_b)],
                'edu.edms.document.step': [
                    ('document.company', '=', schools.school_b)],
                })

    @with_transaction()
    def test_negatives(self):
        """An approver does not re-assign its step nor decide another's;
        a teacher who is no party finds no step; the decided steps are
        history for everybody"""
        pool = Pool()
        Step = pool.get('edu.edms.document.step')
        schools = build_two_schools()
        probes = route_probes(schools)
        matrix = AccessMatrix(schools.users, probes)
        own = Step(probes['edu.edms.document.step'].own)
        users = schools.users
        later, = [s for s in own.document.steps if s.stage == 2]
        with matrix.as_user(users['methodist']):
            # its own (waiting) step: not re-assigned, not decided yet
            with self.assertRaises(Exception):
                Step.write([later], {'user': users['teacher']})
            with self.assertRaises(Exception):
                Step.approve([later])
        with matrix.as_user(users['deputy_director']):
            with self.assertRaises(Exception):
                Step.write([own], {'state': 'approved'})
            Step.approve([own])
        with matrix.as_user(users['methodist']):
            with self.assertRaises(Exception):
                Step.approve([own])
        for role in ['clerk', 'director', 'deputy_director']:
            with matrix.as_user(users[role]):
                with self.assertRaises(Exception):
                    Step.delete([own])
                with self.assertRaises(Exception):
                    Step.write([own], {'comment': "Өзгертілді"})
        with matrix.as_user(users['teacher']):
            self.assertEqual(Step.search([]), [])
        self.assertEqual(Step(own.id).state, 'approved')
