# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Test tools of edu_account_report: load the kk and ru translations of
this module (as the language wizard does) in a unit test or a scenario."""

MODULE = 'edu_account_report'


def load_translations(codes=('kk', 'ru')):
    "Make the languages translatable and load this module's translations"
    from trytond.modules import create_graph
    from trytond.modules import load_translations as load
    from trytond.pool import Pool
    from trytond.transaction import Transaction
    pool = Pool()
    Lang = pool.get('ir.lang')
    Module = pool.get('ir.module')
    with Transaction().set_user(0):
        languages = Lang.search([('code', 'in', list(codes))])
        Lang.write(languages, {'translatable': True})
        modules = {m.name for m in Module.search(
                    [('state', '=', 'activated')])}
        for node in create_graph(modules):
            if node.name == MODULE:
                load(pool, node, list(codes))


def load_translations_proteus(config=None):
    "The same in a proteus scenario (local configuration)"
    from proteus.config import get_config
    from trytond.transaction import Transaction
    config = config or get_config()
    with Transaction().start(config.database_name, 0) as transaction:
        load_translations()
        transaction.commit()
