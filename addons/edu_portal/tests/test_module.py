# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""edu_portal: the module, the upload checks, the static file paths and
the OpenAPI document (the HTTP tests are tests/test_portal_api.py and
tests/test_portal_openapi.py)."""
import io
import os
import struct
import unittest
import zipfile
import zlib

from trytond.tests.test_tryton import ModuleTestCase

from .. import openapi, pages, uploads


def png_bytes():
    def chunk(kind, data):
        return (struct.pack('>I', len(data)) + kind + data
            + struct.pack('>I', zlib.crc32(kind + data) & 0xffffffff))
    return (b'\x89PNG\r\n\x1a\n'
        + chunk(b'IHDR', struct.pack('>IIBBBBB', 1, 1, 8, 2, 0, 0, 0))
        + chunk(b'IDAT', zlib.compress(b'\x00\xff\x00\x00'))
        + chunk(b'IEND', b''))


def zip_bytes(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, 'w') as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = zip_bytes({'[Content_Types].xml': '<Types/>',
        'word/document.xml': '<w:document/>'})
ODT = zip_bytes({'mimetype': 'application/vnd.oasis.opendocument.text',
        'content.xml': '<office:document-content/>'})
PDF = b'%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n'
EXE = b'MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff' + b'\x00' * 64


class UploadTestCase(unittest.TestCase):
    "The files accepted by the portal, detected by their content (R27.11)"

    def test_accepted(self):
        for name, data in [('essay.pdf', PDF), ('photo.png', png_bytes()),
                ('answer.txt', 'Жауап: 42'.encode()),
                ('work.docx', DOCX), ('work.odt', ODT),
                ('all.zip', zip_bytes({'a.txt': 'a'}))]:
            with self.subTest(name=name):
                self.assertTrue(uploads.check(name, data))

    def test_refused_extension(self):
        with self.assertRaises(uploads.UploadRefused) as cm:
            uploads.check('virus.exe', EXE)
        self.assertEqual(cm.exception.kind, 'type')

    def test_refused_disguised(self):
        "A name of an allowed type does not suffice: the content decides"
        for name, data in [('essay.pdf', EXE), ('photo.png', PDF),
                ('work.docx', zip_bytes({'a.txt': 'a'})),
                ('answer.txt', b'\x00\x01binary'), ('x.jpg', png_bytes())]:
            with self.subTest(name=name):
                with self.assertRaises(uploads.UploadRefused) as cm:
                    uploads.check(name, data)
                self.assertEqual(cm.exception.kind, 'type')

    def test_refused_size(self):
        with self.assertRaises(uploads.UploadRefused) as cm:
            uploads.check('big.txt', b'a' * (1024 * 1024 + 1), max_mb=1)
        self.assertEqual(cm.exception.kind, 'size')
        self.assertEqual(cm.exception.values['maximum'], 1)

    def test_empty_refused(self):
        with self.assertRaises(uploads.UploadRefused):
            uploads.check('empty.pdf', b'')


class PagesTestCase(unittest.TestCase):
    "The static files of the portal are served only from static/"

    def test_outside_refused(self):
        for path in ['../__init__.py', '../../edu_base/__init__.py',
                '/etc/passwd', 'a/../../routes.py', '..\\routes.py',
                'x\x00.js', '']:
            with self.subTest(path=path):
                self.assertIsNone(pages.static_path(path))

    def test_content_types(self):
        self.assertEqual(pages.content_type('app.js'),
            'text/javascript; charset=utf-8')
        self.assertEqual(pages.content_type('manifest.webmanifest'),
            'application/manifest+json')
        self.assertEqual(pages.content_type('style.css'),
            'text/css; charset=utf-8')

    def test_csp_only_self(self):
        self.assertIn("default-src 'self'", pages.CSP)
        self.assertIn("frame-ancestors 'none'", pages.CSP)
        self.assertNotIn('unsafe-inline', pages.CSP)
        self.assertNotIn('*', pages.CSP)


class OpenAPITestCase(unittest.TestCase):
    "The OpenAPI document is complete and consistent"

    def test_references_resolve(self):
        document = openapi.document('bilim')
        schemas = document['components']['schemas']

        def walk(value):
            if isinstance(value, dict):
                if '$ref' in value:
                    name = value['$ref'].rsplit('/', 1)[-1]
                    self.assertIn(name, schemas)
                for item in value.values():
                    walk(item)
            elif isinstance(value, list):
                for item in value:
                    walk(item)
        walk(document)

    def test_paths_of_the_contract(self):
        paths = openapi.document('bilim')['paths']
        for path, methods in [
                ('/session', {'post', 'delete'}), ('/me', {'get'}),
                ('/me/language', {'put'}), ('/timetable', {'get'}),
                ('/diary', {'get'}), ('/results', {'get'}),
                ('/periods', {'get'}), ('/teacher/today', {'get'}),
                ('/teacher/classes', {'get'}), ('/journal', {'get'}),
                ('/journal/entry', {'put'}), ('/journal/score', {'put'}),
                ('/homework/inbox', {'get'}),
                ('/homework/submissions/{id}', {'patch'}),
                ('/homework/{id}/submissions', {'post'}),
                ('/files/{kind}/{id}', {'get'}), ('/lesson-plans', {'get'}),
                ('/announcements', {'get'}), ('/messages', {'get', 'post'}),
                ('/messages/{id}', {'get', 'post'}), ('/teachers', {'get'}),
                ('/openapi.json', {'get'})]:
            with self.subTest(path=path):
                self.assertEqual(set(paths[path]), methods)

    def test_every_route_documented(self):
        "Each API route of routes.py is in the document and the reverse"
        import trytond.modules.edu_portal.routes  # noqa: F401
        from trytond.wsgi import app
        prefix = '/<database_name>/portal/api/v1'
        routed = set()
        for rule in app.url_map.iter_rules():
            if rule.rule.startswith(prefix):
                path = rule.rule[len(prefix):]
                for converter in ['<int:submission_id>', '<int:record_id>',
                        '<int:thread_id>', '<int:homework_id>']:
                    path = path.replace(converter, '{id}')
                path = path.replace('<kind>', '{kind}')
                for method in rule.methods - {'HEAD', 'OPTIONS'}:
                    routed.add((path, method.lower()))
        documented = {(p, m) for p, ms in openapi.document()[
                'paths'].items() for m in ms}
        # the attachments of announcements share /files/{kind}/{id}
        routed.discard(('/files/attachment/{id}', 'get'))
        self.assertEqual(routed, documented)


class EduPortalTestCase(ModuleTestCase):
    "Test edu_portal module"
    module = 'edu_portal'


class StaticFilesTestCase(unittest.TestCase):
    def test_static_directory_is_inside_module(self):
        self.assertEqual(os.path.dirname(pages.STATIC),
            os.path.dirname(pages.__file__))


del ModuleTestCase
