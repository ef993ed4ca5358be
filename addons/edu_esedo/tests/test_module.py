# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
from trytond.modules.company.tests import CompanyTestMixin
from trytond.tests.test_tryton import ModuleTestCase


class EduEsedoTestCase(CompanyTestMixin, ModuleTestCase):
    "Test edu_esedo module"
    module = 'edu_esedo'


del ModuleTestCase
