# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Surveys of learners, parents and teachers (R27.16, R27.15).

The management prepares a survey with its questions (single choice,
multiple choice, rating from 1 to 5, free text) and opens it to an audience
(learners, parents, teachers or everybody; optionally one grade or one
class).  Each user of the audience answers once.  The results are counted
by one SQL query (``edu.survey.result``): per question and option (or
rating) the number of answers and their share of those who answered the
question; they are drawn as charts and exported to XLSX.  In an anonymous
survey nobody but the respondent reads a response: only the results are
shown.
"""
import datetime as dt
import io

import xlsxwriter
from sql import Cast, Null, Union
from sql.aggregate import Count
from sql.conditionals import Case, Coalesce

from trytond.i18n import gettext
from trytond.model import (
    ModelSQL, ModelView, Unique, Workflow, fields, sequence_ordered)
from trytond.pool import Pool
from trytond.pyson import Eval, If
from trytond.rpc import RPC
from trytond.transaction import Transaction, without_check_access
from trytond.wizard import Button, StateTransition, StateView, Wizard

from . import audience as reach
from .exceptions import (
    SurveyResponseError, SurveyStateError, SurveyValidationError)

AUDIENCES = [
    ('learners', "Learners"),
    ('parents', "Parents"),
    ('teachers', "Teachers"),
    ('all', "Everybody"),
    ]
KINDS = [
    ('single', "Single Choice"),
    ('multiple', "Multiple Choice"),
    ('rating', "Rating 1-5"),
    ('text', "Text"),
    ]


class Survey(Workflow, ModelSQL, ModelView):
    "Survey"
    __name__ = 'edu.survey'
    __string__ = "Survey"
    _rec_name = 'title'
    _states = {'readonly': Eval('state') != 'draft'}

    company = fields.Many2One('company.company', "Organisation",
        required=True, states=_states)
    title = fields.Char("Title", required=True, states=_states)
    description = fields.Text("Description", states=_states)
    audience = fields.Selection(AUDIENCES, "Audience", required=True,
        states=_states)
    grade = fields.Integer("Grade", states=_states,
        domain=[If(Eval('grade', None) != None,  # noqa: E711
                [('grade', '>=', 0), ('grade', '<=', 12)], [])],
        help="Leave empty for every grade.")
    class_ = fields.Many2One('edu.class', "Class", states=_states,
        domain=[('company', '=', Eval('company', -1))],
        help="Leave empty for every class.")
    anonymous = fields.Boolean("Anonymous", states=_states,
        help="Nobody but the respondent reads a response: only the results "
        "are shown.")
    state = fields.Selection([
            ('draft', "Draft"),
            ('open', "Open"),
            ('closed', "Closed"),
            ], "State", readonly=True, required=True, sort=False)
    questions = fields.One2Many('edu.survey.question', 'survey',
        "Questions", states=_states)
    responses = fields.One2Many('edu.survey.response', 'survey',
        "Responses", readonly=True)
    response_count = fields.Function(fields.Integer("Responses"),
        'get_response_count')
    results = fields.One2Many('edu.survey.result', 'survey', "Results",
        readonly=True)

    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'open'),
            ('open', 'closed'),
            ('closed', 'open'),
            }
        cls._buttons.update({
                'open': {
                    'invisible': Eval('state') == 'open',
                    'depends': ['state'],
                    },
                'close': {
                    'invisible': Eval('state') != 'open',
                    'depends': ['state'],
                    },
                'export': {
                    'invisible': Eval('state') == 'draft',
                    'depends': ['state'],
                    },
                })

    @staticmethod
    def default_company():
        return Transaction().context.get('company')

    @staticmethod
    def default_audience():
        return 'parents'

    @staticmethod
    def default_anonymous():
        return False

    @staticmethod
    def default_state():
        return 'draft'

    @classmethod
    def get_response_count(cls, surveys, name):
        Response = Pool().get('edu.survey.response')
        response = Response.__table__()
        cursor = Transaction().connection.cursor()
        result = dict.fromkeys([s.id for s in surveys], 0)
        cursor.execute(*response.select(response.survey, Count(response.id),
                where=response.survey.in_(list(result)),
                group_by=[response.survey]))
        result.update(cursor)
        return result

    @classmethod
    def check_modification(cls, mode, surveys, values=None, external=False):
        super().check_modification(
            mode, surveys, values=values, external=external)
        if mode == 'delete':
            for survey in surveys:
                if survey.state != 'draft':
                    raise SurveyStateError(gettext(
                            'edu_feedback.msg_survey_delete',
                            survey=survey.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('open')
    def open(cls, surveys):
        for survey in surveys:
            if not survey.questions:
                raise SurveyStateError(gettext(
                        'edu_feedback.msg_survey_no_question',
                        survey=survey.rec_name))
            for question in survey.questions:
                if question.kind in {'single', 'multiple'} and len(
                        question.options) < 2:
                    raise SurveyStateError(gettext(
                            'edu_feedback.msg_survey_options',
                            question=question.rec_name))

    @classmethod
    @ModelView.button
    @Workflow.transition('closed')
    def close(cls, surveys):
        pass

    @classmethod
    @ModelView.button_action('edu_feedback.wizard_survey_export')
    def export(cls, surveys):
        pass

    def reaches(self, person):
        "Tell whether the survey's audience includes the person"
        if not person:
            return False
        with without_check_access():
            if self.audience in {'teachers', 'all'} and person.is_staff and (
                    person.organisation == self.company
                    or person.organisation is None):
                return True
            learners = []
            if self.audience in {'learners', 'all'}:
                learners.append(person.id)
            if self.audience in {'parents', 'all'}:
                learners.extend(l.id for l in person.learners)
            for class_, grade, company in reach.learner_classes(learners):
                if company != self.company.id:
                    continue
                if self.class_ and self.class_.id != class_:
                    continue
                if self.grade is not None and self.grade != grade:
                    continue
                return True
        return False


class Question(sequence_ordered(), ModelSQL, ModelView):
    "Survey Question"
    __name__ = 'edu.survey.question'
    __string__ = "Survey Question"
    _rec_name = 'text'
    _states = {'readonly': Eval('survey_state') != 'draft'}
    survey = fields.Many2One('edu.survey', "Survey", required=True,
        ondelete='CASCADE', states=_states)
    survey_state = fields.Function(fields.Selection('get_survey_states',
            "Survey State"), 'on_change_with_survey_state')
    text = fields.Char("Question", required=True, states=_states)
    kind = fields.Selection(KINDS, "Kind", required=True, states=_states)
    required = fields.Boolean("Required", states=_states)
    options = fields.One2Many('edu.survey.option', 'question', "Options",
        states={
            'invisible': ~Eval('kind').in_(['single', 'multiple']),
            'readonly': Eval('survey_state') != 'draft',
            })
    del _states

    @staticmethod
    def default_kind():
        return 'single'

    @staticmethod
    def default_required():
        return True

    @classmethod
    def get_survey_states(cls):
        return Pool().get('edu.survey').fields_get(['state'])['state'][
            'selection']

    @fields.depends('survey', '_parent_survey.state')
    def on_change_with_survey_state(self, name=None):
        return self.survey.state if self.survey else 'draft'

    @classmethod
    def check_modification(cls, mode, questions, values=None,
            external=False):
        super().check_modification(
            mode, questions, values=values, external=external)
        if mode != 'create':
            for question in questions:
                if question.survey.state != 'draft':
                    raise SurveyStateError(gettext(
                            'edu_feedback.msg_survey_not_draft',
                            survey=question.survey.rec_name))


class Option(sequence_ordered(), ModelSQL, ModelView):
    "Survey Option"
    __name__ = 'edu.survey.option'
    __string__ = "Survey Option"
    question = fields.Many2One('edu.survey.question', "Question",
        required=True, ondelete='CASCADE')
    name = fields.Char("Option", required=True)

    @classmethod
    def check_modification(cls, mode, options, values=None, external=False):
        super().check_modification(
            mode, options, values=values, external=external)
        if mode != 'create':
            for option in options:
                if option.question.survey.state != 'draft':
                    raise SurveyStateError(gettext(
                            'edu_feedback.msg_survey_not_draft',
                            survey=option.question.survey.rec_name))


class Response(ModelSQL, ModelView):
    "Survey Response"
    __name__ = 'edu.survey.response'
    __string__ = "Survey Response"
    survey = fields.Many2One('edu.survey', "Survey", required=True,
        ondelete='CASCADE', domain=[('state', '=', 'open')],
        states={'readonly': Eval('id', -1) >= 0})
    company = fields.Many2One('company.company', "Organisation",
        readonly=True)
    user = fields.Many2One('res.user', "User", readonly=True, required=True)
    person = fields.Many2One('party.party', "Person", readonly=True,
        help="The person of the user, for the record rules.")
    date = fields.DateTime("Date", readonly=True)
    answers = fields.One2Many('edu.survey.answer', 'response', "Answers",
        states={'readonly': Eval('id', -1) >= 0})

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('survey_user_unique', Unique(t, t.survey, t.user),
                'edu_feedback.msg_response_unique'),
            ]
        cls._order = [('id', 'DESC')]
        cls.__rpc__.update({
                'submit': RPC(readonly=False, result=int),
                })

    @staticmethod
    def default_user():
        return Transaction().user or None

    @classmethod
    def create(cls, vlist):
        pool = Pool()
        Survey = pool.get('edu.survey')
        User = pool.get('res.user')
        user = Transaction().user
        vlist = [v.copy() for v in vlist]
        for values in vlist:
            if user:
                values['user'] = user
            values['date'] = dt.datetime.now().replace(microsecond=0)
            if values.get('user') is not None:
                with without_check_access():
                    person = User(values['user']).person
                values['person'] = person.id if person else None
        # a clear message rather than the constraint's (which, on
        # PostgreSQL, also spoils the transaction)
        with without_check_access():
            for values in vlist:
                if values.get('survey') is None:
                    continue
                survey = Survey(values['survey'])
                if survey.state != 'open':
                    raise SurveyResponseError(gettext(
                            'edu_feedback.msg_response_survey_closed',
                            survey=survey.rec_name))
                if cls.search([
                            ('survey', '=', values['survey']),
                            ('user', '=', values.get('user')),
                            ], count=True):
                    raise SurveyResponseError(gettext(
                            'edu_feedback.msg_response_unique'))
                values['company'] = survey.company.id
        with Transaction().set_context(_edu_survey_response=True):
            return super().create(vlist)

    @classmethod
    def check_modification(cls, mode, responses, values=None,
            external=False):
        super().check_modification(
            mode, responses, values=values, external=external)
        if mode in {'write', 'delete'}:
            raise SurveyResponseError(gettext(
                    'edu_feedback.msg_response_modify'))

    @classmethod
    def validate(cls, responses):
        super().validate(responses)
        for response in responses:
            response.check_response()

    def check_response(self):
        pool = Pool()
        User = pool.get('res.user')
        survey = self.survey
        with without_check_access():
            if survey.state != 'open':
                raise SurveyResponseError(gettext(
                        'edu_feedback.msg_response_survey_closed',
                        survey=survey.rec_name))
            others = self.search([
                    ('survey', '=', survey.id),
                    ('user', '=', self.user.id),
                    ('id', '!=', self.id),
                    ], count=True)
            if others:
                raise SurveyResponseError(gettext(
                        'edu_feedback.msg_response_unique'))
            person = User(self.user.id).person
            if self.user.id and not survey.reaches(person):
                raise SurveyResponseError(gettext(
                        'edu_feedback.msg_response_audience',
                        survey=survey.rec_name))
            by_question = {}
            for answer in self.answers:
                if answer.question.survey != survey:
                    raise SurveyResponseError(gettext(
                            'edu_feedback.msg_answer_question',
                            question=answer.question.rec_name))
                by_question.setdefault(answer.question, []).append(answer)
            for question in survey.questions:
                answers = by_question.get(question, [])
                if question.required and not answers:
                    raise SurveyResponseError(gettext(
                            'edu_feedback.msg_answer_required',
                            question=question.rec_name))
                if len(answers) > 1 and question.kind != 'multiple':
                    raise SurveyResponseError(gettext(
                            'edu_feedback.msg_answer_single',
                            question=question.rec_name))

    @classmethod
    def submit(cls, survey_id, answers):
        """Answer the survey as the current user and return the response's
        id; answers maps a question id to an option id (single choice), a
        list of option ids (multiple choice), a rating 1..5 or a text"""
        pool = Pool()
        Question = pool.get('edu.survey.question')
        lines = []
        questions = {q.id: q for q in Question.search([
                    ('survey', '=', survey_id)])}
        for key, value in (answers or {}).items():
            question = questions.get(int(key))
            if question is None:
                raise SurveyResponseError(gettext(
                        'edu_feedback.msg_answer_question',
                        question=str(key)))
            if value in (None, '', []):
                continue
            if question.kind in {'single', 'multiple'}:
                values = value if isinstance(value, (list, tuple)) \
                    else [value]
                for option in values:
                    lines.append(
                        {'question': question.id, 'option': int(option)})
            elif question.kind == 'rating':
                lines.append({'question': question.id, 'rating': int(value)})
            else:
                lines.append({'question': question.id, 'text': str(value)})
        response, = cls.create([{
                    'survey': survey_id,
                    'answers': [('create', lines)],
                    }])
        return response.id


class Answer(ModelSQL, ModelView):
    "Survey Answer"
    __name__ = 'edu.survey.answer'
    __string__ = "Survey Answer"
    response = fields.Many2One('edu.survey.response', "Response",
        required=True, ondelete='CASCADE')
    question = fields.Many2One('edu.survey.question', "Question",
        required=True, ondelete='RESTRICT')
    kind = fields.Function(fields.Selection(KINDS, "Kind"),
        'on_change_with_kind')
    option = fields.Many2One('edu.survey.option', "Option",
        ondelete='RESTRICT',
        states={
            'invisible': ~Eval('kind').in_(['single', 'multiple']),
            'required': Eval('kind').in_(['single', 'multiple']),
            })
    rating = fields.Integer("Rating",
        states={
            'invisible': Eval('kind') != 'rating',
            'required': Eval('kind') == 'rating',
            })
    text = fields.Text("Text", states={
            'invisible': Eval('kind') != 'text',
            'required': Eval('kind') == 'text',
            })

    @fields.depends('question')
    def on_change_with_kind(self, name=None):
        return self.question.kind if self.question else None

    @classmethod
    def check_modification(cls, mode, answers, values=None, external=False):
        super().check_modification(
            mode, answers, values=values, external=external)
        if mode in {'write', 'delete'}:
            raise SurveyResponseError(gettext(
                    'edu_feedback.msg_response_modify'))
        if not Transaction().context.get('_edu_survey_response'):
            raise SurveyResponseError(gettext(
                    'edu_feedback.msg_answer_alone'))

    @classmethod
    def validate_fields(cls, answers, field_names):
        super().validate_fields(answers, field_names)
        for answer in answers:
            kind = answer.question.kind
            if kind in {'single', 'multiple'} and (not answer.option
                    or answer.option.question != answer.question):
                raise SurveyValidationError(gettext(
                        'edu_feedback.msg_answer_option',
                        question=answer.question.rec_name))
            if kind == 'rating' and not (
                    answer.rating is not None and 1 <= answer.rating <= 5):
                raise SurveyValidationError(gettext(
                        'edu_feedback.msg_answer_rating',
                        question=answer.question.rec_name))
            if kind == 'text' and not (answer.text or '').strip():
                raise SurveyValidationError(gettext(
                        'edu_feedback.msg_answer_required',
                        question=answer.question.rec_name))


class Result(ModelSQL, ModelView):
    """Survey Result

    One row per option of a choice question (chosen or not) and per rating
    given to a rating question: the number of answers and its share of the
    responses that answered the question, computed by one query."""
    __name__ = 'edu.survey.result'
    __string__ = "Survey Result"
    survey = fields.Many2One('edu.survey', "Survey", readonly=True)
    company = fields.Many2One('company.company', "Organisation",
        readonly=True)
    question = fields.Many2One('edu.survey.question', "Question",
        readonly=True)
    option = fields.Many2One('edu.survey.option', "Option", readonly=True)
    rating = fields.Integer("Rating", readonly=True)
    label = fields.Char("Answer", readonly=True)
    count = fields.Integer("Count", readonly=True)
    respondents = fields.Integer("Respondents", readonly=True,
        help="The responses that answered the question.")
    percent = fields.Float("Percent", digits=(5, 1), readonly=True)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls._order = [('survey', 'DESC'), ('question', 'ASC'),
            ('id', 'ASC')]

    @classmethod
    def table_query(cls):
        pool = Pool()
        Survey = pool.get('edu.survey')
        Question = pool.get('edu.survey.question')
        Option = pool.get('edu.survey.option')
        Answer = pool.get('edu.survey.answer')
        survey = Survey.__table__()
        question = Question.__table__()
        option = Option.__table__()
        answer = Answer.__table__()
        answered = Answer.__table__()
        counted = Answer.__table__()

        # the responses that answered each question
        respondents = answered.select(answered.question.as_('question'),
            Count(answered.response, distinct=True).as_('respondents'),
            group_by=[answered.question])

        # the options of the choice questions, chosen or not
        chosen = counted.select(counted.option.as_('option'),
            Count(counted.id).as_('count'),
            where=counted.option != Null, group_by=[counted.option])
        options = (option
            .join(question, condition=option.question == question.id)
            .join(survey, condition=question.survey == survey.id)
            .join(chosen, 'LEFT', condition=chosen.option == option.id)
            .join(respondents, 'LEFT',
                condition=respondents.question == question.id)
            .select(
                (option.id * 8).as_('id'),
                survey.id.as_('survey'),
                survey.company.as_('company'),
                question.id.as_('question'),
                option.id.as_('option'),
                Cast(Null, cls.rating.sql_type().base).as_('rating'),
                option.name.as_('label'),
                Coalesce(chosen.count, 0).as_('count'),
                Coalesce(respondents.respondents, 0).as_('respondents'),
                cls._percent(Coalesce(chosen.count, 0),
                    respondents.respondents).as_('percent'),
                where=question.kind.in_(['single', 'multiple'])))
        # the ratings given
        ratings = (answer
            .join(question, condition=answer.question == question.id)
            .join(survey, condition=question.survey == survey.id)
            .join(respondents, condition=respondents.question == question.id)
            .select(
                (question.id * 8 + answer.rating).as_('id'),
                survey.id.as_('survey'),
                survey.company.as_('company'),
                question.id.as_('question'),
                Cast(Null, cls.option.sql_type().base).as_('option'),
                answer.rating.as_('rating'),
                Cast(answer.rating, cls.label.sql_type().base).as_('label'),
                Count(answer.id).as_('count'),
                respondents.respondents.as_('respondents'),
                cls._percent(Count(answer.id),
                    respondents.respondents).as_('percent'),
                where=(question.kind == 'rating') & (answer.rating != Null),
                group_by=[survey.id, survey.company, question.id,
                    answer.rating, respondents.respondents]))
        return Union(options, ratings, all_=True)

    @classmethod
    def _percent(cls, count, total):
        "Return the SQL share of count in total, in percent, 0 if no total"
        return Case((Coalesce(total, 0) == 0, Cast(0.0, 'FLOAT')),
            else_=Cast(count, 'FLOAT') * 100.0 / Cast(total, 'FLOAT'))


class SurveyExportResult(ModelView):
    "Export Survey Results"
    __name__ = 'edu.survey.export.result'
    __string__ = "Export Survey Results"
    file = fields.Binary("File", filename='file_name', readonly=True)
    file_name = fields.Char("File Name", readonly=True)


class SurveyExport(Wizard):
    "Export Survey Results"
    __name__ = 'edu.survey.export'
    __string__ = "Export Survey Results"
    start = StateTransition()
    result = StateView('edu.survey.export.result',
        'edu_feedback.survey_export_result_view_form', [
            Button("Close", 'end', 'tryton-close', default=True),
            ])

    def transition_start(self):
        return 'result'

    def default_result(self, fields):
        survey = self.record
        return {
            'file': workbook(survey),
            'file_name': 'survey-%s.xlsx' % survey.id,
            }


def workbook(survey):
    """Return the XLSX bytes of the results of the survey, headed in the
    current language; the results are read with the user's rights"""
    pool = Pool()
    Result = pool.get('edu.survey.result')
    columns = ('question', 'label', 'count', 'respondents', 'percent')
    definitions = Result.fields_get(list(columns))
    output = io.BytesIO()
    book = xlsxwriter.Workbook(output, {'in_memory': True})
    sheet = book.add_worksheet(
        gettext('edu_feedback.msg_export_sheet')[:31])
    bold = book.add_format({'bold': True, 'text_wrap': True})
    number = book.add_format({'num_format': '0.0'})
    sheet.write_string(0, 0, survey.title or '', bold)
    sheet.write_string(1, 0, gettext('edu_feedback.msg_export_responses',
            count=survey.response_count or 0))
    for col, name in enumerate(columns):
        sheet.write_string(3, col, definitions[name]['string'], bold)
    rows = Result.search([('survey', '=', survey.id)],
        order=[('question', 'ASC'), ('id', 'ASC')])
    rows.sort(key=lambda r: (r.question.sequence or 0, r.question.id, r.id))
    for row, result in enumerate(rows, 4):
        sheet.write_string(row, 0, result.question.text)
        sheet.write_string(row, 1, result.label or '')
        sheet.write_number(row, 2, result.count or 0)
        sheet.write_number(row, 3, result.respondents or 0)
        sheet.write_number(row, 4, result.percent or 0, number)
    sheet.set_column(0, 0, 40)
    sheet.set_column(1, 1, 30)
    sheet.set_column(2, 4, 12)
    book.close()
    return output.getvalue()
