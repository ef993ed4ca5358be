# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo part of the restricted personal data (edu_privacy: R10, R12,
R5.16): the director of the demo school records, **as the demo user
``director``**, the health, social status and disability of some learners,
and corrects one of them; so that

- the director (or the administrator) finds them in *Bilim → Restricted
  Personal Data* and through *Open related records* on a learner;
- the auditor finds the creations and the change in the audit journal,
  with the values masked, and runs *Security → Verify Restricted Personal
  Data*;
- the database holds only ciphertext (``edu_person_restricted``).

The key: the demo uses the configured key ring when there is one
(``TRYTOND_BILIM_PRIVACY__KEYS`` or ``..._KEYS_FILE``); otherwise it
generates a key into ``build/privacy-demo.keys`` (mode 0600, ``build/`` is
not in the repository) and uses it.  The server must then be started with
``TRYTOND_BILIM_PRIVACY__KEYS_FILE=build/privacy-demo.keys`` to decrypt them.

Called by scripts/create_db.py with the summary of scripts/demo_data.load().
"""
import datetime as dt
import os
import random

from trytond import config
from trytond.pool import Pool
from trytond.transaction import Transaction

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMO_KEYS = os.path.join(ROOT, 'build', 'privacy-demo.keys')
RECORDS = 12
OFFICE_IP = '192.168.12.10'

CHRONIC = [
    None, None, None,
    "Бронх демікпесі (бронхиальная астма)",
    "Қант диабеті, 1 тип (сахарный диабет 1 типа)",
    "Жүрек ақауы (порок сердца), дене шынықтыру — арнайы топ",
    ]
ALLERGIES = [
    None, None,
    "Жаңғақ (орехи)",
    "Пенициллин",
    "Цитрус жемістері (цитрусовые)",
    "Тозаң (пыльца), көктемде",
    ]


def ensure_keys():
    """Return where the key ring comes from; generate the demo key ring
    when none is configured"""
    from trytond.modules.edu_privacy import crypto
    from trytond.modules.edu_privacy.restricted import configured_keys
    if configured_keys().strip():
        return 'configuration'
    path = config.get(crypto.SECTION, crypto.FILE_OPTION, default='') or (
        DEMO_KEYS)
    if not os.path.isfile(path):
        os.makedirs(os.path.dirname(path), exist_ok=True)
        entry = f'{crypto.generate_key_id()}:{crypto.generate_key()}'
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, 'w', encoding='ascii') as fp:
            fp.write(entry + '\n')
    if not config.has_section(crypto.SECTION):
        config.add_section(crypto.SECTION)
    config.set(crypto.SECTION, crypto.FILE_OPTION, path)
    return path


def load(summary):
    pool = Pool()
    User = pool.get('res.user')
    Party = pool.get('party.party')
    Restricted = pool.get('edu.person.restricted')
    Entry = pool.get('edu.audit.entry')

    source = ensure_keys()
    rng = random.Random(summary.get('seed', 2026))
    school = summary['companies']['school']['id']
    director, = User.search([('login', '=', 'director')])
    learners = Party.search([
            ('is_person', '=', True),
            ('is_learner', '=', True),
            ('organisation', '=', school),
            ], order=[('id', 'ASC')])
    chosen = rng.sample(learners, min(RECORDS, len(learners)))
    today = dt.date.today()
    vlist = []
    for n, learner in enumerate(chosen):
        values = {
            'person': learner.id,
            'health_group': rng.choice(['1', '2', '2', '2', '3', '4']),
            'chronic_conditions': rng.choice(CHRONIC),
            'allergies': rng.choice(ALLERGIES),
            'social_categories': rng.sample([
                    'large_family', 'low_income', 'large_family',
                    'orphan', 'without_parental_care', 'special_needs'],
                rng.choice([0, 0, 1, 1, 2])),
            }
        if n % 4 == 0:
            values.update({
                    'disability_group': 'child',
                    'disability_until': today.replace(
                        year=today.year + rng.choice([1, 2, 3]),
                        month=5, day=31),
                    'disability_certificate':
                        f'МӘС-{today.year}-{rng.randrange(1000, 9999)}',
                    })
        values['social_categories'] = sorted(set(values['social_categories']))
        vlist.append(values)

    entries_before = Entry.search_count([])
    transaction = Transaction()
    with transaction.set_user(director.id), transaction.set_context(
            company=school, _request={'remote_addr': OFFICE_IP}):
        records = Restricted.create(vlist)
        # the director corrects an allergy after a parent's call
        if records:
            Restricted.write([records[0]], {
                    'allergies': "Жаңғақ, балық (орехи, рыба)"})
    failures = Restricted.check_integrity()
    return {
        'restricted records': len(records),
        'with disability': sum(1 for v in vlist if v.get('disability_group')),
        'journal entries': Entry.search_count([]) - entries_before,
        'integrity failures': len(failures),
        'key ring': os.path.relpath(source, ROOT)
        if os.path.isabs(source) else source,
        }
