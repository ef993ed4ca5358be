# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Record-rule context of Bilim users (R5.8, R5.10).

Besides Tryton's ``companies`` the rules of Bilim may use:

- ``person``: the id of the user's person (party with IIN), or -1;
- ``person_learners``: the ids of the learners the person represents;
- ``departments``: the ids of the departments the user's employees work in;
- ``user_companies``: all the organisations of the user, whatever the
  company filter of the preferences (``companies`` follows the filter).
"""
from trytond.cache import Cache
from trytond.pool import Pool, PoolMeta
from trytond.transaction import Transaction, without_check_access


class Rule(metaclass=PoolMeta):
    __name__ = 'ir.rule'
    _edu_values_cache = Cache('ir.rule.edu_values', context=False)

    @classmethod
    def __setup__(cls):
        super().__setup__()
        cls.domain.help += (
            '\n- "person" as the id of the user\'s person'
            '\n- "person_learners" as the ids of the learners '
            'the person represents'
            '\n- "departments" as the ids of the departments of the user'
            '\n- "user_companies" as the ids of all the user\'s companies')

    @classmethod
    def _edu_values(cls):
        pool = Pool()
        User = pool.get('res.user')
        Relation = pool.get('party.relation')
        user_id = Transaction().user
        if not user_id:
            return -1, (), (), ()
        cached = cls._edu_values_cache.get(user_id)
        if cached is not None:
            return (cached[0], *map(tuple, cached[1:]))
        with without_check_access():
            user = User(user_id)
            person = user.person.id if user.person else -1
            learners = ()
            if user.person:
                learners = tuple(sorted(r.to.id for r in Relation.search([
                                ('from_', '=', person),
                                ('type.edu_direction', '=', 'representative'),
                                ])))
            departments = tuple(sorted({e.department.id
                        for e in user.employees if e.department}))
            companies = tuple(sorted(c.id for c in user.companies))
        cls._edu_values_cache.set(user_id,
            [person, list(learners), list(departments), list(companies)])
        return person, learners, departments, companies

    @classmethod
    def clear_edu_values(cls):
        "Call when a user's person, family links or departments change"
        cls._edu_values_cache.clear()
        cls._domain_get_cache.clear()

    @classmethod
    def _get_cache_key(cls, model_names):
        key = super()._get_cache_key(model_names)
        return (*key, *cls._edu_values())

    @classmethod
    def _get_context(cls, model_name):
        context = super()._get_context(model_name)
        person, learners, departments, companies = cls._edu_values()
        context['person'] = person
        context['user_companies'] = list(companies)
        context['person_learners'] = list(learners)
        context['departments'] = list(departments)
        return context
