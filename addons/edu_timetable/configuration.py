# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Configuration of the timetable and of the teaching load, per
organisation (R27.13): the class size from which a subject taught in
subgroups is split, and the weekly norm of a teacher's rate (16 hours)."""
from decimal import Decimal

from trytond.model import ModelSingleton, ModelSQL, ModelView, fields
from trytond.modules.company.model import (
    CompanyMultiValueMixin, CompanyValueMixin)
from trytond.pool import Pool

DEFAULT_THRESHOLD = 24
DEFAULT_NORM = Decimal('16.0')

subgroup_threshold = fields.Integer(
    "Subgroup Threshold", required=True,
    domain=[('subgroup_threshold', '>', 0)],
    help="A class of at least this many learners is split into two "
    "subgroups for the subjects taught in subgroups.")
weekly_norm = fields.Numeric(
    "Weekly Norm", digits=(4, 1), required=True,
    domain=[('weekly_norm', '>', 0)],
    help="The weekly teaching hours of one rate of a teacher.")


class Configuration(
        ModelSingleton, ModelSQL, ModelView, CompanyMultiValueMixin):
    "Timetable Configuration"
    __name__ = 'edu.timetable.configuration'
    __string__ = "Timetable Configuration"

    subgroup_threshold = fields.MultiValue(subgroup_threshold)
    weekly_norm = fields.MultiValue(weekly_norm)

    @classmethod
    def multivalue_model(cls, field):
        if field in {'subgroup_threshold', 'weekly_norm'}:
            return Pool().get('edu.timetable.configuration.company')
        return super().multivalue_model(field)

    @classmethod
    def default_subgroup_threshold(cls, **pattern):
        return DEFAULT_THRESHOLD

    @classmethod
    def default_weekly_norm(cls, **pattern):
        return DEFAULT_NORM

    @classmethod
    def values_of(cls, company_id):
        "Return (subgroup threshold, weekly norm) of the organisation"
        config = cls(1)
        return (
            config.get_multivalue('subgroup_threshold', company=company_id)
            or DEFAULT_THRESHOLD,
            config.get_multivalue('weekly_norm', company=company_id)
            or DEFAULT_NORM)


class ConfigurationCompany(ModelSQL, CompanyValueMixin):
    "Timetable Configuration per Organisation"
    __name__ = 'edu.timetable.configuration.company'
    __string__ = "Timetable Configuration per Organisation"

    subgroup_threshold = subgroup_threshold
    weekly_norm = weekly_norm

    @classmethod
    def default_subgroup_threshold(cls):
        return DEFAULT_THRESHOLD

    @classmethod
    def default_weekly_norm(cls):
        return DEFAULT_NORM
