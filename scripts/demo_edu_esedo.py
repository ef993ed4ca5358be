# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo part of the ЕСЭДО exchange (R21): the participants (school № 12,
the city education department, the akimat, the ministry), the exchange
configured for the school and for the education department (both
organisations of the demo), and one letter really exchanged through the
local ЕСЭДО simulator (edu_esedo.simulator, started for the time of the
demo on 127.0.0.1): the school's first outgoing answer, signed by the
director with the test PKI, is sent; the department receives it as a
registered incoming document whose signature edu_eds verifies on
arrival, and acknowledges it; the school's message becomes 'delivered'.

After the demo the simulator stops: the exchange is left configured but
disabled (no cron errors); to try it live, run the simulator and set the
endpoint (see the report of issue 7).  Returns its figures.
"""
import time

SCHOOL_CODE = 'SCH12-AST'
DEPARTMENT_CODE = 'GOV-EDU-AST'
OTHERS = [
    ('GOV-AKIMAT-AST', "Астана қаласының әкімдігі"),
    ('GOV-MOE', "ҚР Оқу-ағарту министрлігі"),
    ]


def load(summary):
    from trytond.pool import Pool
    pool = Pool()
    try:
        pool.get('edu.esedo.message')
    except KeyError:
        return {'skipped': 'edu_esedo is not activated'}
    companies = summary.get('companies', {})
    school, department = companies.get('school'), companies.get('department')
    if not school or not department:
        return {'skipped': 'no school or department'}
    import demo_edu_edms as base
    from trytond.modules.edu_esedo.simulator import Simulator
    started = time.monotonic()
    with Simulator(timeout_delay=2) as simulator:
        figures = base.run_locked(
            lambda: _load(school['id'], department['id'], simulator.url),
            base.LOCKED_MODELS + ['edu.esedo.message',
                'edu.esedo.configuration', 'edu.esedo.participant'],
            company=school['id'],
            companies=[school['id'], department['id']],
            _check_access=False, language='kk')
    figures['seconds'] = round(time.monotonic() - started, 2)
    return figures


def _load(school_id, department_id, url):
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Company = pool.get('company.company')
    Configuration = pool.get('edu.esedo.configuration')
    Participant = pool.get('edu.esedo.participant')
    Message = pool.get('edu.esedo.message')
    Document = pool.get('edu.edms.document')
    ModelData = pool.get('ir.model.data')
    if Configuration.search([('company', '=', school_id)], limit=1):
        return {'skipped': 'already loaded'}
    school, department = Company(school_id), Company(department_id)
    configurations = Configuration.create([{
                'company': school_id, 'endpoint': url,
                'participant_code': SCHOOL_CODE, 'timeout': 5,
                }, {
                'company': department_id, 'endpoint': url,
                'participant_code': DEPARTMENT_CODE, 'timeout': 5,
                }])
    Participant.create([{
                'code': SCHOOL_CODE, 'name': school.rec_name,
                'party': school.party.id,
                }, {
                'code': DEPARTMENT_CODE, 'name': department.rec_name,
                'party': department.party.id,
                }] + [{'code': code, 'name': name} for code, name in OTHERS])
    figures = {'participants': len(OTHERS) + 2}
    letters = Document.search([
            ('company', '=', school_id),
            ('kind', '=', ModelData.get_id('edu_edms', 'kind_outgoing')),
            ('state', '=', 'signed'),
            ('correspondent', '=', department.party.id),
            ], order=[('id', 'ASC')], limit=1)
    if letters:
        transaction = Transaction()
        with transaction.set_context(company=school_id):
            Document.esedo_send(letters)
            messages = Message.search([('document', '=', letters[0].id),
                    ('direction', '=', 'out')])
            # what the queue worker does after the commit
            Message.send(messages)
        transaction.tasks[:] = []
        with transaction.set_context(company=department_id):
            received = Message.receive_company(configurations[1])
            # the acknowledgement the queue worker sends
            Message.acknowledge(received)
        transaction.tasks[:] = []
        with transaction.set_context(company=school_id):
            Message.receive_company(configurations[0])
        transaction.tasks[:] = []
        sent = Message(messages[0].id)
        figures['letter sent'] = sent.state
        figures['letters received'] = len(received or [])
        incoming = Document.search([('company', '=', department_id),
                ('direction', '=', 'incoming')], limit=1)
        if incoming:
            figures['received as'] = incoming[0].number
            if 'signature_problem' in Document._fields:
                figures['signature problem'] = incoming[0].signature_problem
    # the simulator stops with the demo: no cron errors afterwards
    Configuration.write(configurations, {'enabled': False})
    return figures
