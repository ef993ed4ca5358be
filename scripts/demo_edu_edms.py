# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo part of the electronic document management (R22, R20, R5.3): the
document flow of school № 12 over the current year, signed with the test
PKI and verified by edu_eds.

- a test PKI built like NCA's under ``build/eds-test-ca`` (created once by
  edu_eds' ``testca.TestPKI``, reused afterwards; never real keys): its
  root and intermediate loaded as the trusted certificates of the
  database, its CRL written to ``build/eds-test-ca/demo.crl`` and
  configured by a ``file://`` URL (no OCSP: the demo works offline), and
  certificates for the demo director (first head, the school's BIN),
  the deputy (signing right), the clerk, the chief accountant and the
  accountant (finance), the HR officer (hr), the teachers (employee) and
  one individual (a parent);
- the nomenclature of cases of the year (about 20 cases, kk/ru titles,
  the retention of the standard list: orders on main activity permanent,
  personnel and learners' orders 75 years, correspondence and contracts
  5 years, …) and one case of last year;
- route templates per kind of document: outgoing letters (deputy, then the
  director signs), orders (deputy; the HR officer and the chief
  accountant in parallel for personnel orders; the director signs),
  contracts (the chief accountant, then the director signs), internal
  memos (the deputy approves);
- about 60 documents over the year, each with a small real file (a PDF
  made with reportlab, some .txt and .docx): incoming letters of the
  education department with the director's resolutions and executors
  (some done, some overdue), outgoing answers signed by the director,
  orders on main activity, personnel and learners signed, contracts,
  internal memos; routes in every state, a rejected and re-approved one,
  and documents waiting for the demo director's signature (his tasks);
- the signatures are made with the test PKI's keys (detached CMS like
  NCALayer makes) and go through ``Document.sign`` → ``edu.eds.signature
  .add``: verified for real, nothing inserted.

The archive (last year's closed case and its inventory) is
scripts/demo_edu_edms_archive.py; ЕСЭДО is scripts/demo_edu_esedo.py.
Called by scripts/create_db.py with the summary of scripts/demo_data.load();
returns its figures.
"""
import datetime as dt
import io
import os
import random
import time
import zipfile

SEED = 2207
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PKI_DIR = os.environ.get('BILIM_EDS_TEST_CA',
    os.path.join(ROOT, 'build', 'eds-test-ca'))

#: the nomenclature of cases: index, Kazakh title, Russian title, retention
#: years (0 = permanent), the kind codes whose documents go there
CASES = [
    ('01-01', "Негізгі қызмет бойынша бұйрықтар",
        "Приказы по основной деятельности", 0, ['order_main']),
    ('01-02', "Жоғары тұрған органдардың нормативтік құжаттары мен "
        "нұсқаулары", "Нормативные документы и указания вышестоящих "
        "органов", 0, []),
    ('01-03', "Педагогикалық кеңестің хаттамалары",
        "Протоколы педагогического совета", 0, []),
    ('01-04', "Мектептің жылдық жұмыс жоспары", "Годовой план работы "
        "школы", 0, []),
    ('01-05', "Білім басқармасымен хат алмасу (кіріс)",
        "Переписка с управлением образования (входящая)", 5, ['incoming']),
    ('01-06', "Білім басқармасымен хат алмасу (шығыс)",
        "Переписка с управлением образования (исходящая)", 5,
        ['outgoing']),
    ('01-07', "Азаматтардың өтініштері мен олар бойынша құжаттар",
        "Обращения граждан и документы по ним", 5, []),
    ('01-08', "Қызметтік жазбалар", "Служебные записки", 5, ['internal']),
    ('02-01', "Жеке құрам бойынша бұйрықтар (қабылдау, ауыстыру, босату)",
        "Приказы по личному составу (приём, перевод, увольнение)", 75,
        ['order_personnel']),
    ('02-02', "Демалыстар мен іссапарлар бойынша бұйрықтар",
        "Приказы об отпусках и командировках", 5, []),
    ('02-03', "Қызметкерлердің жеке істері", "Личные дела работников", 75,
        []),
    ('02-04', "Еңбек кітапшаларын есепке алу кітабы",
        "Книга учёта трудовых книжек", 75, []),
    ('02-05', "Штаттық кесте", "Штатное расписание", 0, []),
    ('03-01', "Білім алушылардың контингенті бойынша бұйрықтар",
        "Приказы по контингенту обучающихся", 75, ['order_students']),
    ('03-02', "Білім алушылардың жеке істері", "Личные дела обучающихся",
        3, []),
    ('03-03', "Аттестаттар мен куәліктерді беру кітабы",
        "Книга выдачи аттестатов и свидетельств", 75, []),
    ('04-01', "Шарттар мен келісімшарттар", "Договоры и контракты", 5,
        ['contract']),
    ('04-02', "Жылдық қаржылық есептілік", "Годовая финансовая отчётность",
        0, []),
    ('04-03', "Бастапқы есепке алу құжаттары", "Первичные учётные "
        "документы", 5, []),
    ('04-04', "Жұмыс уақытын есепке алу табельдері",
        "Табели учёта рабочего времени", 5, []),
    ]

INCOMING = [
    ("Жаңа оқу жылына дайындық туралы", "О подготовке к новому учебному "
        "году", 'deputy'),
    ("Мұғалімдердің біліктілігін арттыру курстарының кестесі",
        "График курсов повышения квалификации учителей", 'methodist'),
    ("Оқушылардың білім жетістіктерін сырттай бағалау (МОДО) туралы",
        "О проведении внешней оценки учебных достижений (ВОУД)", 'deputy'),
    ("Мектептегі тамақтандыруды ұйымдастыру туралы ақпарат сұрау",
        "Запрос информации об организации школьного питания", 'accountant'),
    ("Өрт қауіпсіздігі бойынша тексеру туралы", "О проверке пожарной "
        "безопасности", 'deputy'),
    ("Білім беру ұйымдарының статистикалық есебі (1-ОШ нысаны)",
        "Статистический отчёт организаций образования (форма 1-ОШ)",
        'clerk'),
    ("Олимпиаданың қалалық кезеңін өткізу туралы", "О проведении "
        "городского этапа олимпиады", 'methodist'),
    ("Педагогтердің аттестациясы туралы", "Об аттестации педагогов", 'hr'),
    ("Жазғы сауықтыру демалысын ұйымдастыру туралы", "Об организации "
        "летнего оздоровительного отдыха", 'deputy'),
    ("Оқулықтармен қамтамасыз ету туралы мәлімет сұрау", "Запрос сведений "
        "об обеспеченности учебниками", 'methodist'),
    ("Бюджеттік бағдарламаның орындалуы туралы", "Об исполнении бюджетной "
        "программы", 'accountant'),
    ("Ата-аналар жиналысын өткізу туралы әдістемелік ұсыным",
        "Методические рекомендации о проведении родительских собраний",
        'deputy'),
    ("Кәмелетке толмағандар арасындағы құқық бұзушылықтың алдын алу",
        "О профилактике правонарушений среди несовершеннолетних",
        'teacher'),
    ("Цифрлық білім беру ресурстарын енгізу туралы", "О внедрении "
        "цифровых образовательных ресурсов", 'teacher'),
    ("Жылу беру маусымына дайындық туралы", "О подготовке к отопительному "
        "сезону", 'deputy'),
    ("Мемлекеттік тілді дамыту жөніндегі іс-шаралар жоспары",
        "План мероприятий по развитию государственного языка", 'teacher'),
    ("Білім алушылардың контингенті туралы мәлімет", "Сведения о "
        "контингенте обучающихся", 'clerk'),
    ("Инклюзивті білім беру туралы", "Об инклюзивном образовании",
        'methodist'),
    ]
ORDERS_MAIN = [
    "Оқу жылының басталуы және сабақ кестесін бекіту туралы",
    "Мектептің жылдық жұмыс жоспарын бекіту туралы",
    "Пән олимпиадасының мектепішілік кезеңін өткізу туралы",
    "Өрт қауіпсіздігі үшін жауапты тұлғаларды тағайындау туралы",
    "Қорытынды аттестацияны өткізу туралы",
    "Мектепішілік бақылау жоспарын бекіту туралы",
    "Сынып жетекшілерін тағайындау туралы",
    "Жазғы сауықтыру лагерін ұйымдастыру туралы",
    "Ыстық тамақпен қамтамасыз ету туралы",
    "Әдістемелік бірлестіктердің жетекшілерін бекіту туралы",
    ]
ORDERS_PERSONNEL = [
    "Ағылшын тілі мұғалімін жұмысқа қабылдау туралы",
    "Техникалық қызметкерді жұмысқа қабылдау туралы",
    "Тьюторды әдіскер лауазымына ауыстыру туралы",
    "Мұғалімдерге жыл сайынғы еңбек демалысын беру туралы",
    "Іс жүргізушінің жүктемесін өзгерту туралы",
    "Күзетшіні жұмыстан босату туралы",
    "Мұғалімді біліктілікті арттыру курсына іссапарға жіберу туралы",
    "Педагогтерге санат беру туралы",
    ]
ORDERS_STUDENTS = [
    "1-сыныпқа білім алушыларды қабылдау туралы",
    "Білім алушыны басқа мектепке шығару туралы",
    "9-сынып түлектеріне негізгі орта білім туралы куәлік беру туралы",
    "11-сынып түлектеріне аттестат беру туралы",
    "Білім алушыларды келесі сыныпқа көшіру туралы",
    "Білім алушыны үйде оқытуға ауыстыру туралы",
    ]
CONTRACTS = [
    ("Мектеп асханасына азық-түлік жеткізу шарты", "ЖШС «Астана Азық»"),
    ("Компьютерлік техникаға қызмет көрсету шарты", "ЖШС «ТехСервис KZ»"),
    ("Ғимаратты күзету қызметтерін көрсету шарты", "ЖШС «Қорған Күзет»"),
    ("Оқулықтарды жеткізу шарты", "АҚ «Атамұра»"),
    ]
MEMOS = [
    "Кабинеттерді жөндеуге қаражат бөлу туралы қызметтік жазба",
    "Интерактивті тақталарды сатып алу қажеттілігі туралы",
    "Мұғалімнің алмастырылуы туралы қызметтік жазба",
    "Спорт залының жабдықтарын ауыстыру туралы",
    ]


#: the models whose tables the demo locks up front (singletons, gapless
#: journals, documents and steps locked while signing)
LOCKED_MODELS = ['edu.eds.configuration', 'edu.edms.configuration',
    'edu.edms.document', 'edu.edms.document.step', 'edu.edms.journal',
    'edu.edms.resolution', 'edu.edms.resolution.executor',
    'edu.edms.nomenclature', 'edu.edms.document.kind']


def locked_tables(models):
    from trytond.pool import Pool
    pool = Pool()
    tables = set()
    for name in models:
        try:
            tables.add(pool.get(name)._table)
        except KeyError:
            pass
    return sorted(tables)


def run_locked(func, models, **context):
    """Run func in a transaction of its own that holds the table locks it
    asks for (restarted with the lock when one is missing), committed"""
    from trytond.transaction import Transaction, TransactionError
    extras = {'_lock_tables': locked_tables(models)}
    while True:
        with Transaction().new_transaction(**extras) as transaction:
            try:
                with transaction.set_context(**context):
                    result = func()
            except TransactionError as error:
                transaction.rollback()
                error.fix(extras)
                continue
            transaction.commit()
            return result


def load(summary):
    from trytond.pool import Pool
    pool = Pool()
    try:
        pool.get('edu.edms.document')
        pool.get('edu.eds.signature')
    except KeyError:
        return {'skipped': 'edu_edms is not activated'}
    company = summary.get('companies', {}).get('school')
    if not company:
        return {'skipped': 'no school'}
    started = time.monotonic()
    figures = run_locked(lambda: _load(company['id'], summary),
        LOCKED_MODELS, company=company['id'], companies=[company['id']],
        _check_access=False, language='kk')
    figures['seconds'] = round(time.monotonic() - started, 2)
    return figures


def _only(Model, values):
    "The values of the fields Model has"
    return {k: v for k, v in values.items() if k in Model._fields}


def _users():
    "The demo users of the school by login"
    from trytond.pool import Pool
    User = Pool().get('res.user')
    logins = ['director', 'deputy', 'clerk', 'accountant',
        'chief_accountant', 'hr', 'methodist', 'teacher', 'tutor', 'parent']
    return {u.login: u for u in User.search([('login', 'in', logins)])}


def _load(company_id, summary):
    from trytond.pool import Pool
    pool = Pool()
    Document = pool.get('edu.edms.document')
    Company = pool.get('company.company')
    Date = pool.get('ir.date')
    if Document.search([('company', '=', company_id)], limit=1):
        return {'skipped': 'already loaded'}
    rng = random.Random(SEED)
    today = Date.today()
    company = Company(company_id)
    users = _users()
    figures = {}
    pki, subjects = setup_pki(company, users)
    figures['certificates'] = len(subjects)
    cases = nomenclature(company_id, today.year)
    figures['cases'] = len(cases)
    kind_cases(cases)
    templates = route_templates(company_id, users)
    figures['route templates'] = len(templates)
    flow = Flow(company, users, pki, subjects, cases, rng, today)
    flow.run()
    figures.update(flow.figures())
    return figures


# -- the test PKI -----------------------------------------------------------

def open_pki(directory=PKI_DIR):
    "The test PKI of the demo: loaded when it exists, else created"
    from trytond.modules.edu_eds.testca import TestPKI
    os.makedirs(directory, exist_ok=True)
    return TestPKI.open(directory)


#: login → roles of the certificate and whether it carries the school's BIN
CERTIFICATES = {
    'director': (('first_head', 'signer', 'employee'), True),
    'deputy': (('signer', 'employee'), True),
    'clerk': (('employee',), True),
    'chief_accountant': (('finance', 'employee'), True),
    'accountant': (('finance', 'employee'), True),
    'hr': (('hr', 'employee'), True),
    'methodist': (('employee',), True),
    'teacher': (('employee',), True),
    'tutor': (('employee',), True),
    'parent': (('individual',), False),
    }


def setup_pki(company, users):
    """Open the PKI, issue (once) the certificates of the demo users, load
    the trusted certificates and configure the CRL by a file:// URL"""
    from trytond.pool import Pool
    pool = Pool()
    pki = open_pki()
    school_bin = getattr(company, 'bin', None) or getattr(
        company.party, 'bin', None)
    subjects = {}
    not_before = dt.datetime(dt.date.today().year - 2, 1, 1,
        tzinfo=dt.timezone.utc)
    for login, (roles, with_bin) in CERTIFICATES.items():
        user = users.get(login)
        iin = user and (getattr(user, 'iin', None)
            or (user.person.iin if getattr(user, 'person', None) else None))
        if not iin:
            continue
        # the login is the subject's name: what the simulated NCALayer
        # is given (scripts/ncalayer_sim.py --subject director)
        name = login
        subjects[login] = _subject(pki, name, iin, user.name,
            school_bin if with_bin else None, roles,
            company.rec_name if with_bin else None, not_before)
    # the CRL of the PKI as a file: the demo needs no server
    # (valid a year, so that the demo database keeps verifying signatures)
    crl_path = os.path.join(PKI_DIR, 'demo.crl')
    now = dt.datetime.now(dt.timezone.utc)
    with open(crl_path, 'wb') as f:
        f.write(pki.crl(this_update=now - dt.timedelta(minutes=5),
                next_update=now + dt.timedelta(days=365)))
    # the root and the intermediate of the test PKI trusted (once)
    Trusted = pool.get('edu.eds.trust.certificate')
    Trusted.load_certificates(pki.trusted_certificates())
    Configuration = pool.get('edu.eds.configuration')
    config = Configuration(1)
    Configuration.write([config], _only(Configuration, {
                'ocsp_url': None,
                'crl_urls': 'file://' + crl_path,
                'check_revocation': True,
                }))
    return pki, subjects


def _subject(pki, name, iin, full_name, bin_, roles, organisation,
        not_before):
    "The subject name of the PKI: reloaded when issued before, else issued"
    if os.path.exists(os.path.join(pki.directory, name + '.crt')):
        subject = pki.subject(name)
        if subject.iin == iin and subject.bin == bin_ \
                and subject.cert.not_valid_after_utc > dt.datetime.now(
                dt.timezone.utc) + dt.timedelta(days=30):
            return subject
    return pki.issue(name, iin, bin=bin_, roles=roles,
        organisation=organisation, not_before=not_before,
        not_after=dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=730),
        full_name=full_name)


# -- nomenclature and routes ------------------------------------------------

def nomenclature(company_id, year):
    "The cases of the year (kk/ru titles): {index: case}"
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    Case = Pool().get('edu.edms.nomenclature')
    existing = {c.index: c for c in Case.search([
                ('company', '=', company_id), ('year', '=', year)])}
    missing = [c for c in CASES if c[0] not in existing]
    if missing:
        with Transaction().set_context(language='kk'):
            created = Case.create([_only(Case, {
                            'company': company_id, 'year': year,
                            'index': index, 'name': kk,
                            'retention_years': years,
                            'state': 'open'})
                    for index, kk, ru, years, _ in missing])
        with Transaction().set_context(language='ru'):
            for case, (_, _, ru, _, _) in zip(
                    Case.browse(created), missing):
                Case.write([case], {'name': ru})
        existing.update({c.index: c for c in Case.browse(created)})
    return existing


def kinds():
    "The document kinds of edu_edms by code: {'incoming': kind, …}"
    from trytond.pool import Pool
    pool = Pool()
    ModelData = pool.get('ir.model.data')
    Kind = pool.get('edu.edms.document.kind')
    result = {}
    for code in ['incoming', 'outgoing', 'internal', 'order_main',
            'order_personnel', 'order_students', 'contract']:
        try:
            result[code] = Kind(ModelData.get_id('edu_edms', f'kind_{code}'))
        except Exception:
            found = Kind.search([('code', '=', code)], limit=1)
            if found:
                result[code] = found[0]
    return result


#: kind code → the template's stages: [(stage, login, action)]
ROUTES = {
    'outgoing': ("Шығыс хат: орынбасар → директор",
        [(1, 'deputy', 'approve'), (2, 'director', 'sign')]),
    'order_main': ("Негізгі қызмет бойынша бұйрық",
        [(1, 'deputy', 'approve'), (2, 'director', 'sign')]),
    'order_personnel': ("Жеке құрам бойынша бұйрық",
        [(1, 'deputy', 'approve'), (2, 'hr', 'approve'),
            (2, 'chief_accountant', 'approve'), (3, 'director', 'sign')]),
    'order_students': ("Білім алушылар бойынша бұйрық",
        [(1, 'deputy', 'approve'), (2, 'director', 'sign')]),
    'contract': ("Шарт: бас бухгалтер → директор",
        [(1, 'chief_accountant', 'approve'), (2, 'director', 'sign')]),
    'internal': ("Қызметтік жазба: орынбасар",
        [(1, 'deputy', 'approve')]),
    }


def route_templates(company_id, users):
    "A route template per kind, set as the kind's template"
    from trytond.pool import Pool
    pool = Pool()
    Template = pool.get('edu.edms.route.template')
    Kind = pool.get('edu.edms.document.kind')
    by_kind = kinds()
    templates = []
    for code, (name, steps) in ROUTES.items():
        kind = by_kind.get(code)
        if not kind:
            continue
        template, = Template.create([_only(Template, {
                        'name': name, 'kind': kind.id,
                        'company': company_id,
                        'steps': [('create', [{
                                        'stage': stage,
                                        'user': users[login].id,
                                        'action': action,
                                        'deadline_days': 3,
                                        } for stage, login, action in steps
                                    if login in users])],
                        })])
        if 'route_template' in Kind._fields:
            Kind.write([kind], {'route_template': template.id})
        templates.append(template)
    return templates


def kind_cases(cases):
    "The kinds number their documents as <case index>/<n>"
    from trytond.pool import Pool
    Kind = Pool().get('edu.edms.document.kind')
    by_kind = kinds()
    for index, _, _, _, codes in CASES:
        for code in codes:
            if code in by_kind and index in cases:
                Kind.write([by_kind[code]], {'case': cases[index].id})


# -- the files ----------------------------------------------------------------

def pdf_file(title, lines, signer=None):
    "A small A4 PDF with Kazakh letters (edu_account's fonts)"
    from trytond.modules.edu_account.printing import PdfDocument
    pdf = PdfDocument(title, font_size=10)
    for line in lines:
        pdf.paragraph(line)
        pdf.spacer(4)
    if signer:
        pdf.signatures([signer])
    return pdf.build()


def docx_file(title, lines):
    "A minimal Office Open XML document (what Word opens)"
    from xml.sax.saxutils import escape
    body = ''.join(f'<w:p><w:r><w:t xml:space="preserve">{escape(t)}</w:t>'
        '</w:r></w:p>' for t in [title, *lines])
    output = io.BytesIO()
    with zipfile.ZipFile(output, 'w', zipfile.ZIP_DEFLATED) as z:
        z.writestr('[Content_Types].xml',
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://'
            'schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.'
            'openxmlformats-package.relationships+xml"/><Default Extension='
            '"xml" ContentType="application/xml"/><Override PartName="/word/'
            'document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>')
        z.writestr('_rels/.rels',
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns='
            '"http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org'
            '/officeDocument/2006/relationships/officeDocument" Target='
            '"word/document.xml"/></Relationships>')
        z.writestr('word/document.xml',
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w='
            '"http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            f'<w:body>{body}</w:body></w:document>')
    return output.getvalue()


# -- the flow of the year ---------------------------------------------------

class Flow:
    "The documents of the year, created in the order of their dates"

    def __init__(self, company, users, pki, subjects, cases, rng, today):
        from trytond.pool import Pool
        self.pool = Pool()
        self.company = company
        self.users = users
        self.pki = pki
        self.subjects = subjects
        self.cases = cases
        self.rng = rng
        self.today = today
        self.kinds = kinds()
        self.counts = {}
        self.signed = 0
        self.steps_done = 0
        self.resolutions = 0
        self.overdue = 0
        self.executed = 0
        start = max(dt.date(today.year, 1, 9), today - dt.timedelta(330))
        self.start = min(start, today)
        self.span = max((today - self.start).days, 1)

    def figures(self):
        Document = self.pool.get('edu.edms.document')
        states = {}
        for document in Document.search(
                [('company', '=', self.company.id)]):
            states[document.state] = states.get(document.state, 0) + 1
        figures = {'documents': sum(states.values())}
        figures.update({f'documents {k}': v
                for k, v in sorted(states.items())})
        figures['signatures verified'] = self.signed
        figures['route steps decided'] = self.steps_done
        figures['resolutions'] = self.resolutions
        figures['resolutions done'] = self.executed
        figures['resolutions overdue'] = self.overdue
        return figures

    def date(self, fraction):
        "The date at fraction (0..1) of the year up to today"
        return self.start + dt.timedelta(int(self.span * fraction))

    def party(self, name, bin_=None):
        Party = self.pool.get('party.party')
        found = Party.search([('name', '=', name)], limit=1)
        if found:
            return found[0]
        party, = Party.create([_only(Party, {'name': name,
                        'is_person': False, 'bin': bin_})])
        return party

    def department(self):
        "The education department of the demo (a company with a BIN)"
        Company = self.pool.get('company.company')
        parent = getattr(self.company, 'edu_parent', None)
        if parent:
            return parent.party
        found = Company.search([('edu_kind', '=', 'education_department')],
            limit=1)
        return found[0].party if found else self.party(
            'Астана қаласы Білім басқармасы')

    def create(self, code, date, summary, file_name, content, **values):
        "A document of the kind with one file (registered on creation)"
        Document = self.pool.get('edu.edms.document')
        kind = self.kinds[code]
        case = self._case(code)
        mimetype = {'pdf': 'application/pdf', 'txt': 'text/plain',
            'docx': 'application/vnd.openxmlformats-officedocument.'
            'wordprocessingml.document'}[file_name.rsplit('.', 1)[1]]
        values = _only(Document, {
                'company': self.company.id,
                'kind': kind.id,
                'date': date,
                'summary': summary,
                'case': case.id if case else None,
                'author': self.users['clerk'].id,
                'files': [('create', [{'name': file_name, 'data': content,
                                'mimetype': mimetype}])],
                **values})
        document, = Document.create([values])
        if document.state == 'draft' and hasattr(Document, 'register'):
            Document.register([document])
        # the registration of the demo happened on the document's date
        if 'registration_date' in Document._fields:
            Document.write([document], {'registration_date': date})
        self.counts[code] = self.counts.get(code, 0) + 1
        return document

    def _case(self, code):
        for index, _, _, _, codes in CASES:
            if code in codes:
                return self.cases.get(index)

    def as_user(self, login):
        from trytond.transaction import Transaction
        return Transaction().set_user(self.users[login].id)

    def start_route(self, document):
        Document = self.pool.get('edu.edms.document')
        Document.start_route([document])
        return Document(document.id)

    def pending(self, document, login=None):
        Step = self.pool.get('edu.edms.document.step')
        domain = [('document', '=', document.id), ('state', '=', 'pending')]
        if login:
            domain.append(('user', '=', self.users[login].id))
        return Step.search(domain, order=[('stage', 'ASC'), ('id', 'ASC')])

    def decide(self, document, until_sign=True, reject=None, back=None,
            sign=True):
        """Run the route: every pending approve step approved by its user
        (reject: the login that rejects; back: the login that returns), the
        sign step signed with the test PKI when sign"""
        Step = self.pool.get('edu.edms.document.step')
        Document = self.pool.get('edu.edms.document')
        for _ in range(10):
            steps = self.pending(document)
            if not steps:
                return Document(document.id)
            for step in steps:
                login = step.user.login if step.user else None
                if step.action == 'sign':
                    if not sign:
                        return Document(document.id)
                    self.sign(document, login)
                    continue
                with self.as_user(login):
                    if reject == login:
                        Step.write([step], {'comment':
                                "Мерзімдер нақтыланбаған, қайта қараңыз"})
                        Step.reject([step])
                        self.steps_done += 1
                        return Document(document.id)
                    if back == login:
                        Step.write([step], {'comment':
                                "Қосымшаны толықтыру қажет"})
                        Step.return_([step])
                        self.steps_done += 1
                        return Document(document.id)
                    Step.write([step], {'comment': "Келісілді"})
                    Step.approve([step])
                    self.steps_done += 1
            document = Document(document.id)
        return Document(document.id)

    def sign(self, document, login):
        "Sign the main file with the user's test key, verified by edu_eds"
        Document = self.pool.get('edu.edms.document')
        document = Document(document.id)
        main = document.main_file or document.files[0]
        content = main.data
        when = dt.datetime.combine(document.date or self.today,
            dt.time(10, self.rng.randint(0, 59)), tzinfo=dt.timezone.utc)
        now = dt.datetime.now(dt.timezone.utc)
        cms = self.pki.sign_cms(self.subjects[login], bytes(content),
            signing_time=min(when, now))
        with self.as_user(login):
            Document.sign(document, cms, user=self.users[login])
        self.signed += 1

    # -- the kinds --------------------------------------------------------

    def run(self):
        department = self.department()
        rng = self.rng
        incoming = []
        n_in = len(INCOMING)
        for i, (kk, ru, executor) in enumerate(INCOMING):
            date = self.date((i + 1) / n_in)
            russian = i % 3 == 1
            summary = ru if russian else kk
            number = f"{rng.choice(['03', '04', '07'])}-{rng.randint(10, 19)}"\
                f"/{rng.randint(1000, 9999)}"
            lines = [
                f"№ {number}, {date.strftime('%d.%m.%Y')}",
                ("Директору школы-гимназии № 12" if russian else
                    "№ 12 мектеп-гимназия директорына"),
                ("Управление образования города Астаны сообщает: "
                    f"{ru.lower()}. Просим представить информацию в "
                    "установленный срок."
                    if russian else
                    f"Астана қаласы Білім басқармасы хабарлайды: "
                    f"{kk.lower()}. Ақпаратты белгіленген мерзімде "
                    "ұсынуыңызды сұраймыз."),
                ]
            if i % 4 == 3:
                name, content = f"letter-{number.replace('/', '-')}.txt", \
                    '\n'.join(lines).encode('utf-8')
            else:
                name = f"letter-{number.replace('/', '-')}.pdf"
                content = pdf_file(summary, lines,
                    ('Басшы' if not russian else 'Руководитель',
                        'А. Сейітқали'))
            deadline = date + dt.timedelta(days=rng.choice([5, 10, 14]))
            document = self.create('incoming', date, summary, name, content,
                correspondent=department.id,
                correspondent_number=number,
                correspondent_date=date - dt.timedelta(days=1),
                executor=self.users.get(executor, self.users['deputy']).id,
                deadline=deadline)
            incoming.append((document, executor, deadline))
            self.resolution(document, executor, deadline, date)

        # outgoing answers to the first letters, signed by the director
        outgoing_states = ['signed'] * 8 + ['pending_sign', 'pending_sign',
            'rejected', 'draft']
        for i, state in enumerate(outgoing_states):
            letter, _, deadline = incoming[i]
            date = min(letter.date + dt.timedelta(days=rng.randint(2, 6)),
                self.today)
            summary = f"«{letter.summary}» хатқа жауап"
            lines = [f"№ {letter.correspondent_number} хатқа",
                "Астана қаласы Білім басқармасына",
                "№ 12 мектеп-гимназия сұратылған ақпаратты ұсынады. "
                "Қосымша: кесте, 1 парақ."]
            document = self.create('outgoing', date, summary,
                f'answer-{i + 1:02d}.pdf', pdf_file(summary, lines,
                    ('Директор', self.users['director'].name)),
                correspondent=letter.correspondent.id,
                related=[('add', [letter.id])])
            self.route(document, state)

        for code, titles, states in [
                ('order_main', ORDERS_MAIN,
                    ['signed'] * 7 + ['pending_sign', 'on_approval',
                        'returned']),
                ('order_personnel', ORDERS_PERSONNEL,
                    ['signed'] * 6 + ['pending_sign', 'on_approval']),
                ('order_students', ORDERS_STUDENTS,
                    ['signed'] * 5 + ['draft']),
                ]:
            for i, title in enumerate(titles):
                date = self.date((i + .5) / len(titles))
                lines = ["БҰЙЫРАМЫН:", f"1. {title.replace(' туралы', '')}.",
                    "2. Бұйрықтың орындалуын бақылау директордың оқу ісі "
                    "жөніндегі орынбасарына жүктелсін."]
                if i % 5 == 4:
                    name, content = f'{code}-{i + 1:02d}.docx', docx_file(
                        title, lines)
                else:
                    name, content = f'{code}-{i + 1:02d}.pdf', pdf_file(
                        f"БҰЙРЫҚ. {title}", lines,
                        ('Директор', self.users['director'].name))
                document = self.create(code, date, title, name, content,
                    executor=self.users['deputy'].id)
                self.route(document, states[i])

        for i, ((title, supplier), state) in enumerate(zip(CONTRACTS,
                    ['signed', 'signed', 'rejected_again', 'pending_sign'])):
            date = self.date((i + 1) / (len(CONTRACTS) + 1))
            lines = [f"Тапсырыс беруші: № 12 мектеп-гимназия; "
                f"Өнім беруші: {supplier}.",
                "Шарттың мәні, бағасы және төлеу тәртібі қосымшада."]
            document = self.create('contract', date, title,
                f'contract-{i + 1:02d}.pdf', pdf_file(title, lines,
                    ('Директор', self.users['director'].name)),
                correspondent=self.party(supplier).id)
            self.route(document, state)

        for i, title in enumerate(MEMOS):
            date = self.date((i + 1) / (len(MEMOS) + 1))
            content = (f"{title}\n\nДиректордың оқу ісі жөніндегі "
                "орынбасарына. Қажеттілік негізделген, сметасы қоса "
                "беріледі.").encode('utf-8')
            document = self.create('internal', date, title,
                f'memo-{i + 1:02d}.txt', content,
                author=self.users['teacher'].id)
            self.route(document, ['approved', 'approved', 'on_approval',
                    'draft'][i])

    def route(self, document, state):
        """Bring the document to the state: draft (no route), on_approval
        (first stage pending), pending_sign (waits for the director's
        signature: his task), signed, rejected, returned (returned for
        revision, then a new round), rejected_again (rejected, revised and
        signed in the second round), approved (no sign step)"""
        if state == 'draft':
            return document
        document = self.start_route(document)
        if state == 'on_approval':
            return document
        if state == 'rejected':
            first = self.pending(document)
            return self.decide(document, reject=first[0].user.login
                if first else None)
        if state == 'returned':
            first = self.pending(document)
            login = first[0].user.login if first else None
            document = self.decide(document, back=login)
            return self.start_route(document)
        if state == 'rejected_again':
            first = self.pending(document)
            document = self.decide(document, reject=first[0].user.login
                if first else None)
            document = self.start_route(document)
            return self.decide(document)
        if state == 'pending_sign':
            return self.decide(document, sign=False)
        return self.decide(document)

    def resolution(self, document, executor, deadline, date):
        """The director's resolution on an incoming letter: an executor
        responsible, a co-executor for some; done in time, done late, open
        or overdue by the date"""
        try:
            Resolution = self.pool.get('edu.edms.resolution')
        except KeyError:
            return
        Executor = self.pool.get('edu.edms.resolution.executor')
        users = self.users
        main = users.get(executor, users['deputy'])
        executors = [{'user': main.id, 'responsible': True}]
        if self.rng.random() < .35 and main.login != 'teacher':
            executors.append({'user': users['teacher'].id,
                    'responsible': False})
        with self.as_user('director'):
            resolution, = Resolution.create([_only(Resolution, {
                            'document': document.id,
                            'author': users['director'].id,
                            'text': "Орындауға. Мерзімінде жауап "
                            "дайындалсын.",
                            'deadline': deadline,
                            'executors': [('create', executors)],
                            })])
        self.resolutions += 1
        if deadline >= self.today:
            return  # open, in time: the executor's task
        if deadline < self.today and self.overdue < 4 and (
                self.rng.random() < .3):
            self.overdue += 1
            return  # left open past its deadline: overdue
        # done: in time mostly, some late
        late = self.rng.random() < .25
        done = deadline + dt.timedelta(days=3) if late \
            else max(deadline - dt.timedelta(days=2), date)
        done = min(done, self.today)
        resolution = Resolution(resolution.id)
        # the co-executors report first: the responsible one closes it
        for line in sorted(resolution.executors,
                key=lambda l: l.responsible):
            with self.as_user(line.user.login):
                Executor.write([line], {
                        'report': "Орындалды: жауап хат дайындалып, "
                        "жіберілді."})
                Executor.do([line])
        lines = Resolution(resolution.id).executors
        Executor.write(list(lines), {'done_date': done})
        resolution = Resolution(resolution.id)
        if resolution.state == 'done':
            Resolution.write([resolution], {'done_date': done})
        self.executed += 1
