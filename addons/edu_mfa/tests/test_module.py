# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.tests.test_tryton import ModuleTestCase


class EduMfaTestCase(ModuleTestCase):
    "Test edu_mfa module"
    module = 'edu_mfa'


del ModuleTestCase
