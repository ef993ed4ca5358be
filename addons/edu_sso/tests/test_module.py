# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.tests.test_tryton import ModuleTestCase


class EduSsoTestCase(ModuleTestCase):
    "Test edu_sso module"
    module = 'edu_sso'


del ModuleTestCase
