# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""The OpenAPI 3.1 document of the portal's REST API v1: the contract
between the server (routes.py) and the portal's front end and native apps
(the text version is /tmp/prompts/api.md of issue 4).  Served at
``/<db>/portal/api/v1/openapi.json``; tests/test_portal_openapi.py checks
the server against it with schemathesis."""
import copy

VERSION = '1.0.0'


def nullable(schema):
    schema = copy.deepcopy(schema)
    kind = schema.get('type')
    if isinstance(kind, str):
        schema['type'] = [kind, 'null']
        if 'enum' in schema:
            schema['enum'] = list(schema['enum']) + [None]
        return schema
    return {'anyOf': [schema, {'type': 'null'}]}


def obj(properties, required=None, additional=True):
    schema = {
        'type': 'object',
        'properties': properties,
        'required': list(properties) if required is None else required,
        }
    if not additional:
        schema['additionalProperties'] = False
    return schema


def array(items):
    return {'type': 'array', 'items': items}


def ref(name):
    return {'$ref': f'#/components/schemas/{name}'}


INT = {'type': 'integer'}
STR = {'type': 'string'}
BOOL = {'type': 'boolean'}
NUM = {'type': 'number'}
DATE = {'type': 'string', 'format': 'date'}
DATETIME = {'type': 'string'}
TIME = {'type': 'string', 'pattern': r'^\d{2}:\d{2}$'}
ATTENDANCE = ['present', 'absent_excused', 'absent', 'late', 'sick']
MARK = {'type': 'integer', 'minimum': 1, 'maximum': 10}

SCHEMAS = {
    'Error': obj({
            'error': obj({
                    'code': STR,
                    'message': STR,
                    'details': {'type': 'object'},
                    }),
            }),
    'Ref': obj({'id': INT, 'name': STR}),
    'Me': obj({
            'id': INT,
            'login': STR,
            'name': STR,
            'language': STR,
            'roles': array(STR),
            'person': nullable(ref('Ref')),
            'company': nullable(ref('Ref')),
            'children': array(obj({
                        'id': INT,
                        'name': STR,
                        'class': nullable(ref('Ref')),
                        })),
            'classes': array(ref('Ref')),
            }),
    'Login': obj({
            'login': {'type': 'string', 'minLength': 1, 'maxLength': 512},
            'password': {'type': 'string', 'minLength': 1,
                'maxLength': 1024},
            'totp': {'type': 'string', 'maxLength': 64},
            }, required=['login', 'password']),
    'Session': obj({
            'token': STR,
            'expires_in': INT,
            'me': ref('Me'),
            }),
    'Period': obj({
            'id': INT,
            'name': STR,
            'number': INT,
            'start_date': DATE,
            'end_date': DATE,
            'state': {'type': 'string', 'enum': ['open', 'closed']},
            'current': BOOL,
            }),
    'Week': obj({
            'week_start': DATE,
            'days': array(obj({
                        'date': DATE,
                        'weekday': {'type': 'integer', 'minimum': 0,
                            'maximum': 6},
                        'lessons': array(obj({
                                    'slot': nullable(INT),
                                    'bell': nullable(INT),
                                    'start': nullable(TIME),
                                    'end': nullable(TIME),
                                    'subject': nullable(ref('Ref')),
                                    'class': nullable(ref('Ref')),
                                    'teacher': nullable(ref('Ref')),
                                    'room': nullable(ref('Ref')),
                                    'substitute': BOOL,
                                    })),
                        })),
            }),
    'File': obj({'name': STR, 'url': STR}),
    'Submission': obj({
            'id': INT,
            'state': STR,
            'mark': nullable(INT),
            'comment': nullable(STR),
            }),
    'Homework': obj({
            'id': INT,
            'description': nullable(STR),
            'due_date': nullable(DATE),
            'files': array(ref('File')),
            'submission': nullable(ref('Submission')),
            }),
    'Diary': obj({
            'learner': obj({
                    'id': INT,
                    'name': STR,
                    'class': nullable(ref('Ref')),
                    }),
            'days': array(obj({
                        'date': nullable(DATE),
                        'lessons': array(obj({
                                    'lesson': nullable(INT),
                                    'start': nullable(STR),
                                    'end': nullable(STR),
                                    'subject': nullable(ref('Ref')),
                                    'topic': nullable(STR),
                                    'room': nullable(STR),
                                    'teacher': nullable(STR),
                                    'attendance': nullable({
                                            'type': 'string',
                                            'enum': ATTENDANCE}),
                                    'mark': nullable(INT),
                                    'conference_url': nullable(STR),
                                    'homework': array(ref('Homework')),
                                    })),
                        })),
            }),
    'Results': obj({
            'periods': array(obj({'id': INT, 'name': STR, 'state': STR})),
            'subjects': array(obj({
                        'subject': ref('Ref'),
                        'periods': array(obj({
                                    'period': INT,
                                    'formative_percent': nullable(NUM),
                                    'section_percent': nullable(NUM),
                                    'quarter_percent': nullable(NUM),
                                    'total_percent': nullable(NUM),
                                    'mark': nullable(INT),
                                    })),
                        'year_mark': nullable(INT),
                        })),
            }),
    'TodayLesson': obj({
            'lesson': INT,
            'start': nullable(TIME),
            'end': nullable(TIME),
            'class': nullable(ref('Ref')),
            'subject': nullable(ref('Ref')),
            'room': nullable(STR),
            'topic': nullable(STR),
            'conference_url': nullable(STR),
            'state': STR,
            }),
    'TeacherClass': obj({
            'class': ref('Ref'),
            'subject': ref('Ref'),
            'subgroup': nullable(STR),
            }),
    'Journal': obj({
            'class': ref('Ref'),
            'subject': ref('Ref'),
            'period': obj({
                    'id': INT,
                    'name': STR,
                    'state': STR,
                    'closed': BOOL,
                    }),
            'learners': array(obj({'id': INT, 'name': nullable(STR)})),
            'lessons': array(obj({
                        'id': INT,
                        'date': nullable(DATE),
                        'topic': nullable(STR),
                        })),
            'works': array(obj({
                        'id': INT,
                        'kind': nullable(STR),
                        'name': nullable(STR),
                        'max_score': nullable(NUM),
                        })),
            'cells': {'type': 'object', 'additionalProperties': obj({
                        'attendance': nullable({'type': 'string',
                                'enum': ATTENDANCE}),
                        'mark': nullable(INT),
                        })},
            'scores': {'type': 'object',
                'additionalProperties': nullable(NUM)},
            'period_marks': {'type': 'object',
                'additionalProperties': obj({
                        'total_percent': nullable(NUM),
                        'mark': nullable(INT),
                        })},
            }),
    'EntryInput': obj({
            'lesson': {'type': 'integer', 'minimum': 1},
            'learner': {'type': 'integer', 'minimum': 1},
            'attendance': nullable({'type': 'string', 'enum': ATTENDANCE}),
            'mark': nullable(MARK),
            }, required=['lesson', 'learner']),
    'Entry': obj({
            'lesson': INT,
            'learner': INT,
            'attendance': nullable({'type': 'string', 'enum': ATTENDANCE}),
            'mark': nullable(INT),
            }),
    'ScoreInput': obj({
            'work': {'type': 'integer', 'minimum': 1},
            'learner': {'type': 'integer', 'minimum': 1},
            'score': nullable({'type': 'number', 'minimum': 0}),
            }, required=['work', 'learner', 'score']),
    'Score': obj({'work': INT, 'learner': INT, 'score': nullable(NUM)}),
    'InboxItem': obj({
            'submission': INT,
            'homework': INT,
            'learner': ref('Ref'),
            'class': nullable(ref('Ref')),
            'subject': nullable(ref('Ref')),
            'submitted_at': nullable(DATETIME),
            'text': nullable(STR),
            'file': nullable(ref('File')),
            'state': STR,
            'mark': nullable(INT),
            'comment': nullable(STR),
            }, required=['submission', 'homework', 'learner', 'class',
            'subject', 'submitted_at', 'text', 'file', 'state']),
    'CheckInput': obj({
            'mark': nullable(MARK),
            'comment': nullable({'type': 'string', 'maxLength': 10000}),
            'state': {'type': 'string',
                'enum': ['submitted', 'returned', 'graded']},
            }, required=[]),
    'LessonPlan': obj({
            'id': INT,
            'title': STR,
            'subject': nullable(ref('Ref')),
            'grade': nullable(INT),
            'materials': array(obj({
                        'id': INT,
                        'name': STR,
                        'kind': nullable(STR),
                        'url': nullable(STR),
                        'file': nullable(ref('File')),
                        })),
            }),
    'Announcement': obj({
            'id': INT,
            'title': STR,
            'body': STR,
            'date': nullable(DATETIME),
            'author': nullable(STR),
            'audience': STR,
            'attachments': array(ref('File')),
            }),
    'Thread': obj({
            'id': INT,
            'subject': STR,
            'learner': nullable(ref('Ref')),
            'teacher': nullable(ref('Ref')),
            'parent': nullable(ref('Ref')),
            'last_message': nullable(DATETIME),
            'unread': INT,
            }),
    'ThreadMessages': obj({
            'thread': ref('Thread'),
            'messages': array(obj({
                        'id': INT,
                        'author': nullable(STR),
                        'body': STR,
                        'date': nullable(DATETIME),
                        'mine': BOOL,
                        'attachment': nullable(ref('File')),
                        })),
            }),
    'MessageInput': obj({
            'body': {'type': 'string', 'minLength': 1, 'maxLength': 10000},
            }),
    'ThreadInput': obj({
            'teacher': {'type': 'integer', 'minimum': 1},
            'learner': {'type': 'integer', 'minimum': 1},
            'subject': {'type': 'string', 'minLength': 1,
                'maxLength': 200},
            'body': {'type': 'string', 'minLength': 1, 'maxLength': 10000},
            }),
    'Teacher': obj({'id': INT, 'name': STR, 'subjects': array(STR)}),
    'LanguageInput': obj({
            'language': {'type': 'string', 'enum': ['kk', 'ru']},
            }),
    }


def _error_responses(*codes):
    texts = {
        '400': "Invalid parameter or refused by a rule (kk/ru message)",
        '401': "Not logged in, session expired, wrong login or password, "
        "second factor required (code totp_required)",
        '403': "Forbidden: record rules, CSRF (cookie without "
        "X-Requested-With: bilim)",
        '404': "Not found or not visible to the user",
        '409': "Closed period (code period_closed) or concurrent change",
        '413': "File too large",
        '415': "File type not accepted (detected by content)",
        '429': "Too many login attempts",
        }
    return {c: {'description': texts[c], 'content': {
                'application/json': {'schema': ref('Error')}}}
        for c in codes}


def _ok(schema, description="OK", code='200'):
    return {code: {'description': description, 'content': {
                'application/json': {'schema': schema}}}}


def _query(name, schema, required=False, description=None):
    parameter = {'name': name, 'in': 'query', 'required': required,
        'schema': schema}
    if description:
        parameter['description'] = description
    return parameter


def _path(name):
    return {'name': name, 'in': 'path', 'required': True,
        'schema': {'type': 'integer', 'minimum': 1,
            'maximum': 2147483647}}


def _json_body(schema):
    return {'required': True, 'content': {
            'application/json': {'schema': schema}}}


ID = {'type': 'integer', 'minimum': 1, 'maximum': 2147483647}
COMMON = ('400', '401', '403', '404')


def _op(summary, responses, parameters=None, body=None, tags=None,
        security=True, errors=COMMON):
    operation = {
        'summary': summary,
        'responses': {**responses, **_error_responses(*errors)},
        }
    if parameters:
        operation['parameters'] = parameters
    if body:
        operation['requestBody'] = body
    if tags:
        operation['tags'] = tags
    if not security:
        operation['security'] = []
    return operation


PATHS = {
    '/session': {
        'post': _op("Log in (password, then second factor if any)",
            _ok(ref('Session')), body=_json_body(ref('Login')),
            tags=['session'], security=False,
            errors=('400', '401', '429')),
        'delete': _op("Log out", {'204': {'description': "Logged out"}},
            tags=['session'], errors=('401', '403')),
        },
    '/me': {
        'get': _op("The user, roles, person, children, homeroom classes",
            _ok(ref('Me')), tags=['me'], errors=('401',)),
        },
    '/me/language': {
        'put': _op("Change the user's language",
            _ok(ref('Me')), body=_json_body(ref('LanguageInput')),
            tags=['me'], errors=('400', '401', '403')),
        },
    '/periods': {
        'get': _op("The periods of the current academic year",
            _ok(array(ref('Period'))), tags=['learning']),
        },
    '/timetable': {
        'get': _op("The timetable of the week of date",
            _ok(ref('Week')), parameters=[
                _query('learner', ID),
                _query('date', DATE),
                ], tags=['learning']),
        },
    '/diary': {
        'get': _op("The diary of a learner (at most 31 days)",
            _ok(ref('Diary')), parameters=[
                _query('learner', ID),
                _query('start', DATE),
                _query('end', DATE),
                ], tags=['learning']),
        },
    '/results': {
        'get': _op("The period and year marks of a learner",
            _ok(ref('Results')), parameters=[_query('learner', ID)],
            tags=['learning']),
        },
    '/teacher/today': {
        'get': _op("The teacher's lessons of a day",
            _ok(array(ref('TodayLesson'))),
            parameters=[_query('date', DATE)], tags=['teacher']),
        },
    '/teacher/classes': {
        'get': _op("The classes and subjects the teacher teaches",
            _ok(array(ref('TeacherClass'))), tags=['teacher']),
        },
    '/journal': {
        'get': _op("The journal of a class, subject and period",
            _ok(ref('Journal')), parameters=[
                _query('class', ID, required=True),
                _query('subject', ID, required=True),
                _query('period', ID),
                ], tags=['teacher']),
        },
    '/journal/entry': {
        'put': _op("Record attendance and/or a mark",
            _ok(ref('Entry')), body=_json_body(ref('EntryInput')),
            tags=['teacher'], errors=COMMON + ('409',)),
        },
    '/journal/score': {
        'put': _op("Record the score of a summative work",
            _ok(ref('Score')), body=_json_body(ref('ScoreInput')),
            tags=['teacher'], errors=COMMON + ('409',)),
        },
    '/homework/inbox': {
        'get': _op("The submissions waiting for the teacher",
            _ok(array(ref('InboxItem'))), tags=['homework']),
        },
    '/homework/submissions/{id}': {
        'patch': _op("Check a submission (mark, comment, state)",
            _ok(ref('InboxItem')), parameters=[_path('id')],
            body=_json_body(ref('CheckInput')), tags=['homework'],
            errors=COMMON + ('409',)),
        },
    '/homework/{id}/submissions': {
        'post': _op("Hand in a homework (learner)",
            _ok(ref('InboxItem'), "Created", '201'),
            parameters=[_path('id')], body={
                'required': True,
                'content': {'multipart/form-data': {'schema': obj({
                                'text': {'type': 'string',
                                    'maxLength': 20000},
                                'file': {'type': 'string',
                                    'format': 'binary'},
                                }, required=[])}},
                }, tags=['homework'], errors=COMMON + ('409', '413', '415')),
        },
    '/files/{kind}/{id}': {
        'get': _op("Download a file the user may read", {
                '200': {'description': "The file", 'content': {
                        '*/*': {'schema': {
                                'type': 'string', 'format': 'binary'}}}},
                }, parameters=[
                {'name': 'kind', 'in': 'path', 'required': True,
                    'schema': {'type': 'string', 'enum': [
                            'homework', 'material', 'submission',
                            'message', 'attachment']}},
                _path('id'),
                ], tags=['homework']),
        },
    '/lesson-plans': {
        'get': _op("The teacher's lesson plans",
            _ok(array(ref('LessonPlan'))), tags=['teacher']),
        },
    '/announcements': {
        'get': _op("The announcements published for the user",
            _ok(array(ref('Announcement'))), tags=['feedback']),
        },
    '/messages': {
        'get': _op("The message threads of the user",
            _ok(array(ref('Thread'))), tags=['feedback']),
        'post': _op("A parent starts a thread with a teacher",
            _ok(ref('ThreadMessages'), "Created", '201'),
            body=_json_body(ref('ThreadInput')), tags=['feedback']),
        },
    '/messages/{id}': {
        'get': _op("The messages of a thread (marked read)",
            _ok(ref('ThreadMessages')), parameters=[_path('id')],
            tags=['feedback']),
        'post': _op("Write in a thread",
            _ok(ref('ThreadMessages'), "Created", '201'),
            parameters=[_path('id')], body=_json_body(ref('MessageInput')),
            tags=['feedback']),
        },
    '/teachers': {
        'get': _op("The teachers of a child's class",
            _ok(array(ref('Teacher'))), parameters=[_query('learner', ID)],
            tags=['feedback']),
        },
    '/openapi.json': {
        'get': _op("This document", {'200': {
                    'description': "OpenAPI 3.1",
                    'content': {'application/json': {
                            'schema': {'type': 'object'}}}}},
            tags=['meta'], security=False, errors=()),
        },
    }

LANG = {'name': 'lang', 'in': 'query', 'required': False,
    'description': "Language of the answer and of the errors; else "
    "Accept-Language, else the user's",
    'schema': {'type': 'string', 'enum': ['kk', 'ru']}}


def document(database='{db}'):
    "The OpenAPI document for the database"
    paths = copy.deepcopy(PATHS)
    for item in paths.values():
        for operation in item.values():
            operation.setdefault('parameters', []).append(LANG)
    return {
        'openapi': '3.1.0',
        'info': {
            'title': "Bilim ERP portal API",
            'version': VERSION,
            'description': (
                "The REST API of the portal of learners, parents and "
                "teachers. Every call runs as the logged-in user: Tryton's "
                "record rules decide what is seen. Errors: "
                '{"error": {"code", "message" (kk/ru), "details"}}.'),
            },
        'servers': [{'url': f'/{database}/portal/api/v1'}],
        'security': [{'bearer': []}, {'cookie': []}],
        'paths': paths,
        'components': {
            'schemas': copy.deepcopy(SCHEMAS),
            'securitySchemes': {
                'bearer': {'type': 'http', 'scheme': 'bearer',
                    'description': "The token of POST /session"},
                'cookie': {'type': 'apiKey', 'in': 'cookie',
                    'name': 'bilim_portal',
                    'description': "Set by POST /session; unsafe methods "
                    "also need the header X-Requested-With: bilim"},
                },
            },
        }
