# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.

from trytond.pool import Pool

from . import announcement, faq, message, survey

__all__ = ['register']


def register():
    Pool.register(
        announcement.Announcement,
        announcement.Attachment,
        message.Thread,
        message.Message,
        faq.FAQ,
        survey.Survey,
        survey.Question,
        survey.Option,
        survey.Response,
        survey.Answer,
        survey.Result,
        survey.SurveyExportResult,
        module='edu_feedback', type_='model')
    Pool.register(
        survey.SurveyExport,
        module='edu_feedback', type_='wizard')
