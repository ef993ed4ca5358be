# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Every list view of the Bilim modules can be drawn by the sao web client.

sao 8.0 has no list column for a DateTime or Timestamp field: a list view
showing one without a ``date`` or ``time`` widget does not open at all
(``ColumnFactory is not a constructor`` in the browser).  Tryton's own lists
show such a field twice, ``widget="date"`` and ``widget="time"``.  The
browser test (tests/browser/test_sao_security.py) found the first ones; this
test keeps every list of every module, present and future, clear of them.
"""
import os
import unittest

from lxml import etree

from trytond.pool import Pool
from trytond.tests.test_tryton import (
    activate_module, drop_db, with_transaction)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MODULES = sorted(name for name in os.listdir(os.path.join(ROOT, 'addons'))
    if os.path.isfile(os.path.join(ROOT, 'addons', name, 'tryton.cfg')))
# list column widgets of sao 8.0 that draw a date-time value
DATETIME_WIDGETS = {'date', 'time'}


class ListViewsTestCase(unittest.TestCase):
    "The list views of the Bilim modules in sao"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        drop_db()
        activate_module(MODULES)

    @classmethod
    def tearDownClass(cls):
        super().tearDownClass()
        drop_db()

    @with_transaction()
    def test_no_bare_datetime_column(self):
        "No list view shows a DateTime/Timestamp field without a widget"
        pool = Pool()
        View = pool.get('ir.ui.view')
        problems = []
        views = View.search([
                ('module', 'in', MODULES),
                ('type', '=', 'tree'),
                ])
        self.assertTrue(views)
        for view in views:
            Model = pool.get(view.model)
            arch = etree.fromstring(view.arch.encode())
            for node in arch.iter('field'):
                field = Model._fields.get(node.get('name'))
                if field is None or field._type not in {
                        'datetime', 'timestamp'}:
                    continue
                if node.get('widget') not in DATETIME_WIDGETS:
                    problems.append(
                        f'{view.module}: {view.name or view.id} '
                        f'({view.model}) field {node.get("name")}')
        self.assertFalse(problems, "\n" + "\n".join(problems))
