# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Two disbursements posted at the same time on the same cash balance
cannot both pass (R19.3), on PostgreSQL where requests run concurrently:
the second waits for the first, fails with a serialization error that
Tryton's dispatcher retries, and the retry sees the first and is refused.
"""
import threading
import time
import unittest

from trytond import backend
from trytond.exceptions import UserError
from trytond.modules.company.tests import set_company
from trytond.pool import Pool
from trytond.tests.test_tryton import (
    DB_NAME, activate_module, drop_db)
from trytond.transaction import Transaction, TransactionError

from .test_module import cash_order, day, make_env


@unittest.skipUnless(backend.name == 'postgresql',
    "SQLite serialises the writers itself")
class CashConcurrencyTestCase(unittest.TestCase):
    "Concurrent disbursements"

    @classmethod
    def setUpClass(cls):
        drop_db()
        activate_module(['edu_account_cash'])

    @classmethod
    def tearDownClass(cls):
        drop_db()

    def test_concurrent_disbursements(self):
        "Of two 600 disbursements on 1000 in cash, one is refused"
        extras = {}
        while True:
            try:
                with Transaction().start(DB_NAME, 0, **extras) as transaction:
                    env = make_env()
                    with set_company(env.company):
                        Order = Pool().get('edu.cash.order')
                        Order.post([cash_order(env, 'receipt', day(3, 2),
                                    '1000', '6110')])
                        ids = [cash_order(env, 'disbursement', day(3, 2),
                                '600', '1250').id for _ in range(2)]
                    company = env.company.id
                    transaction.commit()
                break
            except TransactionError as exception:
                exception.fix(extras)

        locked = threading.Event()
        outcome = {}

        def post(index, hold):
            "Post like the dispatcher: retry on a serialization failure"
            extras = {}
            for attempt in range(20):
                try:
                    with Transaction().start(DB_NAME, 0,
                            context={'company': company},
                            **extras) as transaction:
                        Order = Pool().get('edu.cash.order')
                        Order.post([Order(ids[index])])
                        if hold:
                            locked.set()
                            time.sleep(1)
                        transaction.commit()
                    outcome[index] = 'posted'
                    return
                except TransactionError as exception:
                    exception.fix(extras)
                    continue
                except backend.DatabaseOperationalError:
                    outcome.setdefault('retried', []).append(index)
                    time.sleep(0.3)
                    continue
                except UserError as exception:
                    outcome[index] = exception.__class__.__name__
                    return
                finally:
                    locked.set()

        first = threading.Thread(target=post, args=(0, True))
        first.start()
        locked.wait(30)
        second = threading.Thread(target=post, args=(1, False))
        second.start()
        first.join(60)
        second.join(60)
        self.assertEqual(outcome[0], 'posted')
        self.assertEqual(outcome[1], 'CashNegativeError')
        self.assertIn(1, outcome.get('retried', []))
        with Transaction().start(DB_NAME, 0) as transaction:
            Order = Pool().get('edu.cash.order')
            self.assertEqual(
                [o.state for o in Order.browse(ids)], ['posted', 'draft'])
