# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Printed accounting documents: PDF with reportlab, XLSX with xlsxwriter.

Tryton's reports render relatorio templates; accounting forms are tables
with fixed layouts, so the modules of Bilim's accounting draw them in code:
a report class sets ``render(records, data)`` and returns the file bytes,
Tryton's ``Report.execute`` keeps doing the access checks, naming and
zipping.  Fonts: DejaVu Sans (Debian ``fonts-dejavu-core``), which has every
letter of Kazakh Cyrillic (Ә Ғ Қ Ң Ө Ұ Ү Һ І).
"""
import io
import os

from trytond.i18n import gettext
from trytond.pool import Pool
from trytond.report import Report
from trytond.transaction import Transaction

from .words import amount_in_words, format_amount  # noqa: F401

FONT = 'BilimSans'
FONT_BOLD = 'BilimSans-Bold'
_FONT_DIRS = (
    '/usr/share/fonts/truetype/dejavu',
    '/usr/share/fonts/dejavu',
    '/usr/local/share/fonts',
    )
_registered = False


def _find_font(name):
    for directory in _FONT_DIRS:
        path = os.path.join(directory, name)
        if os.path.isfile(path):
            return path
    raise RuntimeError(
        f'Font {name} not found in {_FONT_DIRS}: '
        'install the Debian package fonts-dejavu-core')


def register_fonts():
    "Register the Cyrillic fonts with reportlab once"
    global _registered
    if _registered:
        return
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    pdfmetrics.registerFont(TTFont(FONT, _find_font('DejaVuSans.ttf')))
    pdfmetrics.registerFont(
        TTFont(FONT_BOLD, _find_font('DejaVuSans-Bold.ttf')))
    from reportlab.lib.fonts import addMapping
    addMapping(FONT, 0, 0, FONT)
    addMapping(FONT, 1, 0, FONT_BOLD)
    _registered = True


def language():
    "The language to print in: the context's, else the company's, else kk"
    context = Transaction().context
    code = context.get('language')
    if not code:
        Config = Pool().get('ir.configuration')
        code = Config.get_language()
    return (code or 'kk').split('_')[0]


class PdfDocument:
    """A simple flowing A4 document: title, paragraphs, tables, signatures.

    >>> pdf = PdfDocument('Кассалық кіріс ордері № 12')
    >>> pdf.paragraph('Алынды: Иванов И.И.')
    >>> pdf.table([['Шот', 'Сома'], ['1010', '150 000,00']], header=True)
    >>> content = pdf.build()
    """

    def __init__(self, title, landscape=False, font_size=9):
        register_fonts()
        from reportlab.lib.pagesizes import A4
        from reportlab.lib.pagesizes import landscape as turn
        from reportlab.lib.styles import ParagraphStyle
        self.pagesize = turn(A4) if landscape else A4
        self.title = title
        self.font_size = font_size
        self.story = []
        self.styles = {
            'title': ParagraphStyle('title', fontName=FONT_BOLD,
                fontSize=font_size + 4, leading=font_size + 7,
                alignment=1, spaceAfter=6),
            'heading': ParagraphStyle('heading', fontName=FONT_BOLD,
                fontSize=font_size + 1, leading=font_size + 4,
                spaceBefore=6, spaceAfter=3),
            'normal': ParagraphStyle('normal', fontName=FONT,
                fontSize=font_size, leading=font_size + 3),
            'small': ParagraphStyle('small', fontName=FONT,
                fontSize=font_size - 2, leading=font_size + 1),
            'cell': ParagraphStyle('cell', fontName=FONT,
                fontSize=font_size - 1, leading=font_size + 1),
            'cell_bold': ParagraphStyle('cell_bold', fontName=FONT_BOLD,
                fontSize=font_size - 1, leading=font_size + 1),
            }
        # numbers are right-aligned: a Paragraph ignores the table's ALIGN
        for name in ('cell', 'cell_bold'):
            self.styles[name + '_right'] = ParagraphStyle(
                name + '_right', parent=self.styles[name], alignment=2)
        self.story.append(self._paragraph(title, 'title'))

    @staticmethod
    def _escape(text):
        from xml.sax.saxutils import escape
        return escape('' if text is None else str(text))

    def _paragraph(self, text, style):
        from reportlab.platypus import Paragraph
        return Paragraph(
            self._escape(text).replace('\n', '<br/>'), self.styles[style])

    def heading(self, text):
        self.story.append(self._paragraph(text, 'heading'))

    def paragraph(self, text, style='normal'):
        self.story.append(self._paragraph(text, style))

    def spacer(self, height=6):
        from reportlab.platypus import Spacer
        self.story.append(Spacer(1, height))

    def fields(self, pairs):
        "Label: value lines as a two-column table without borders"
        rows = [[self._paragraph(label, 'cell_bold'),
                self._paragraph(value, 'cell')] for label, value in pairs]
        self._add_table(rows, col_widths=[0.3, 0.7], grid=False)

    def table(self, rows, header=True, col_widths=None, numeric=(),
            bold_rows=()):
        """rows: lists of cells (str, numbers, Decimal formatted);
        numeric: indexes of right-aligned columns; col_widths: fractions of
        the page width; bold_rows: indexes of rows printed bold (totals)"""
        from decimal import Decimal
        cells = []
        for i, row in enumerate(rows):
            style = ('cell_bold' if (header and i == 0) or i in bold_rows
                else 'cell')
            line = []
            for column, value in enumerate(row):
                if isinstance(value, Decimal):
                    value = format_amount(value)
                line.append(self._paragraph(value,
                        style + '_right' if column in numeric else style))
            cells.append(line)
        self._add_table(cells, col_widths=col_widths, numeric=numeric,
            header=header)

    def _add_table(self, rows, col_widths=None, numeric=(), grid=True,
            header=False):
        from reportlab.lib import colors
        from reportlab.platypus import Table, TableStyle
        if not rows:
            return
        width = self.pagesize[0] - 80
        if col_widths:
            col_widths = [width * w for w in col_widths]
        table = Table(rows, colWidths=col_widths, repeatRows=1 if header
            else 0)
        commands = [('VALIGN', (0, 0), (-1, -1), 'TOP')]
        if grid:
            commands.append(('GRID', (0, 0), (-1, -1), 0.4, colors.grey))
        if header:
            commands.append(
                ('BACKGROUND', (0, 0), (-1, 0), colors.whitesmoke))
        for column in numeric:
            commands.append(('ALIGN', (column, 0), (column, -1), 'RIGHT'))
        table.setStyle(TableStyle(commands))
        self.story.append(table)

    def signatures(self, labels):
        "Lines to sign: [(role, name), ...]"
        self.spacer(12)
        rows = [[self._paragraph(role, 'cell'),
                self._paragraph('_' * 25, 'cell'),
                self._paragraph(name or '', 'cell')]
            for role, name in labels]
        self._add_table(rows, col_widths=[0.35, 0.3, 0.35], grid=False)

    def build(self):
        from reportlab.platypus import SimpleDocTemplate
        output = io.BytesIO()
        document = SimpleDocTemplate(output, pagesize=self.pagesize,
            leftMargin=40, rightMargin=40, topMargin=36, bottomMargin=36,
            title=self.title, author='Bilim ERP')
        document.build(self.story)
        return output.getvalue()


class XlsxDocument:
    """One or more sheets of tables, amounts as numbers with a format."""

    def __init__(self):
        import xlsxwriter
        self.output = io.BytesIO()
        self.book = xlsxwriter.Workbook(self.output, {'in_memory': True})
        self.bold = self.book.add_format({'bold': True})
        self.title = self.book.add_format({'bold': True, 'font_size': 13})
        self.money = self.book.add_format({'num_format': '#,##0.00'})
        self.money_bold = self.book.add_format(
            {'num_format': '#,##0.00', 'bold': True})

    def sheet(self, name, title, header, rows, bold_rows=(), widths=None):
        from decimal import Decimal
        sheet = self.book.add_worksheet(name[:31])
        sheet.write(0, 0, title, self.title)
        for column, label in enumerate(header):
            sheet.write(2, column, label, self.bold)
        for i, row in enumerate(rows):
            bold = i in bold_rows
            for column, value in enumerate(row):
                if isinstance(value, Decimal):
                    sheet.write_number(3 + i, column, float(value),
                        self.money_bold if bold else self.money)
                elif isinstance(value, (int, float)) and not isinstance(
                        value, bool):
                    sheet.write_number(3 + i, column, value)
                else:
                    sheet.write(3 + i, column, '' if value is None
                        else str(value), self.bold if bold else None)
        for column, width in enumerate(widths or []):
            sheet.set_column(column, column, width)
        return sheet

    def build(self):
        self.book.close()
        return self.output.getvalue()


class FileReport(Report):
    """A report drawn in code: subclasses set ``extension`` ('pdf' or
    'xlsx') and implement ``render(records, data)`` returning bytes."""
    extension = 'pdf'

    @classmethod
    def _execute(cls, records, header, data, action):
        with Transaction().set_context(language=language()):
            return cls.extension, cls.render(records, data)

    @classmethod
    def render(cls, records, data):
        raise NotImplementedError


def translated(message_id, **variables):
    "gettext in the printing language"
    with Transaction().set_context(language=language()):
        return gettext(message_id, **variables)
