# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""What an organisation's open export holds (R12, R13): the registry of the
exported business objects.

Two sources, one list of :class:`ExportObject`:

- the **core objects** of Tryton's modules that Bilim builds on (the
  organisations, persons and their addresses, contact mechanisms,
  identifiers and family links, departments, employees, users, their roles
  and organisations), listed in :data:`CORE_OBJECTS`;
- **every model of a Bilim module** (``edu_*``), discovered at run time, so
  that a later module adds its objects without touching this code.  A model
  is exported when it declares how, or when it has a link to the
  organisation that can be found generically:

  ``edu_export_domain(cls, company_ids)`` (class method)
      returns the search domain of the model's records that belong to the
      organisations ``company_ids`` (the organisation and the ones it
      supervises), or ``None`` when the model holds no organisation data
      (a journal of the platform, a configuration...);
  ``_edu_export_company`` (class attribute)
      the path of the field that leads to the organisation, e.g.
      ``'lesson.company'``;
  otherwise
      a stored Many2One to ``company.company`` named ``company`` or
      ``organisation`` (or the only one of the model).

  ``_edu_export_key`` names the file (default: the model name with ``_``
  for ``.``) and ``_edu_export_excluded`` lists fields left out.  A model
  without any of these is not exported and is listed in the manifest with
  the reason (``skipped``), so that nothing is left out silently.

Columns are the stored fields; One2Many and Many2Many fields are the other
side of an exported Many2One or an exported relation table, Function fields
are computed, and Binary fields, the author columns and secrets (password
hashes, second-factor secrets, tokens) are left out.
"""
import dataclasses
import re

from trytond.model import ModelSQL, fields
from trytond.pool import Pool
from trytond.transaction import Transaction, inactive_records

#: fields never exported, whatever the model
EXCLUDED_FIELDS = {'create_uid', 'write_uid'}
#: fields whose name says they hold a secret
SECRET = re.compile(
    r'(^|_)(password|secret|token|otp|totp|recovery|salt|key)(_|$)|_hash$')
#: the prefix of the Bilim modules whose models are discovered
BILIM_PREFIX = 'edu_'


@dataclasses.dataclass
class ExportObject:
    "One exported business object: one CSV file, one XLSX sheet"
    key: str
    model: str
    domain: list
    module: str = ''
    columns: list = dataclasses.field(default_factory=list)

    @property
    def csv_path(self):
        return f'csv/{self.key}.csv'

    @property
    def sheet(self):
        return self.key[:31]

    def search_ids(self):
        "The ids of the exported records, in id order"
        Model = Pool().get(self.model)
        with inactive_records():
            return [r.id for r in Model.search(
                    self.domain, order=[('id', 'ASC')])]


def _parties(ids, company_party_ids):
    return ['OR',
        ('organisation', 'in', ids),
        ('id', 'in', company_party_ids),
        ]


def _users(ids):
    return [('companies', 'in', ids)]


#: (key, model, domain builder) of the core objects, in the order of the
#: files; a builder receives (company_ids, the ids of the organisations'
#: own parties)
CORE_OBJECTS = [
    ('organisations', 'company.company',
        lambda ids, cp: [('id', 'in', ids)]),
    ('parties', 'party.party', _parties),
    ('addresses', 'party.address',
        lambda ids, cp: [('party', 'where', _parties(ids, cp))]),
    ('contact_mechanisms', 'party.contact_mechanism',
        lambda ids, cp: [('party', 'where', _parties(ids, cp))]),
    ('identifiers', 'party.identifier',
        lambda ids, cp: [('party', 'where', _parties(ids, cp))]),
    ('family_links', 'party.relation',
        lambda ids, cp: [('from_', 'where', _parties(ids, cp))]),
    ('departments', 'edu.department',
        lambda ids, cp: [('company', 'in', ids)]),
    ('employees', 'company.employee',
        lambda ids, cp: [('company', 'in', ids)]),
    ('users', 'res.user', lambda ids, cp: _users(ids)),
    ('user_roles', 'res.user.role',
        lambda ids, cp: [('user', 'where', _users(ids))]),
    ('user_organisations', 'res.user-company.company',
        lambda ids, cp: [
            ('company', 'in', ids), ('user', 'where', _users(ids))]),
    ('user_employees', 'res.user-company.employee',
        lambda ids, cp: [('employee.company', 'in', ids)]),
    ]


def organisation_tree(company):
    "The ids of company and of the organisations it supervises"
    Company = Pool().get('company.company')
    ids, frontier = [company.id], [company.id]
    with inactive_records():
        while frontier:
            frontier = [c.id for c in Company.search([
                        ('edu_parent', 'in', frontier),
                        ('id', 'not in', ids),
                        ])]
            ids.extend(frontier)
    return sorted(ids)


def bilim_models():
    "{model name: module} of the models created by a Bilim module"
    pool = Pool()
    IrModel = pool.get('ir.model')
    result = {}
    for record in IrModel.search([('module', 'like', BILIM_PREFIX + '%')]):
        if record.module.startswith(BILIM_PREFIX):
            result[record.name] = record.module
    return result


def is_table(Model):
    return (issubclass(Model, ModelSQL)
        and not callable(getattr(Model, 'table_query', None)))


def organisation_field(Model):
    "The name of the stored Many2One of Model to the organisation, or None"
    links = [name for name, field in Model._fields.items()
        if field._type == 'many2one'
        and field.model_name == 'company.company'
        and not isinstance(field, fields.Function)]
    for name in ('company', 'organisation'):
        if name in links:
            return name
    if len(links) == 1:
        return links[0]
    return None


def discover(company_ids, company_party_ids):
    """Return (objects, skipped): the ExportObjects of the organisations
    company_ids and {model: reason} of the Bilim models not exported"""
    pool = Pool()
    objects = []
    seen = set()
    for key, model, builder in CORE_OBJECTS:
        try:
            pool.get(model)
        except KeyError:
            continue
        objects.append(ExportObject(
                key, model, builder(company_ids, company_party_ids)))
        seen.add(model)
    skipped = {}
    keys = {o.key for o in objects}
    for model, module in sorted(bilim_models().items()):
        if model in seen:
            continue
        try:
            Model = pool.get(model)
        except KeyError:
            continue
        if not is_table(Model):
            if issubclass(Model, ModelSQL):
                skipped[model] = 'view over other tables'
            continue
        domain = None
        if hasattr(Model, 'edu_export_domain'):
            domain = Model.edu_export_domain(company_ids)
            if domain is None:
                skipped[model] = 'declared not organisation data'
                continue
        elif getattr(Model, '_edu_export_company', None):
            domain = [(Model._edu_export_company, 'in', company_ids)]
        else:
            name = organisation_field(Model)
            if not name:
                skipped[model] = 'no link to an organisation'
                continue
            domain = [(name, 'in', company_ids)]
        key = getattr(Model, '_edu_export_key', None) or model.replace(
            '.', '_').replace('-', '_')
        base, n = key, 1
        while key in keys:
            n += 1
            key = f'{base}_{n}'
        keys.add(key)
        objects.append(ExportObject(key, model, domain, module=module))
    for obj in objects:
        obj.columns = columns(pool.get(obj.model))
    return objects, skipped


def columns(Model):
    "The exported field names of Model: id first, the dates last"
    excluded = EXCLUDED_FIELDS | set(
        getattr(Model, '_edu_export_excluded', ()))
    names = []
    for name, field in Model._fields.items():
        if (name in excluded or name in {'id', 'create_date', 'write_date'}
                or SECRET.search(name)
                or isinstance(field, fields.Function)
                or field._type in {'one2many', 'many2many', 'binary'}):
            continue
        names.append(name)
    tail = [n for n in ('create_date', 'write_date') if n in Model._fields]
    return ['id'] + names + tail


def labels(Model, names, languages=('kk', 'ru')):
    "{language: {field: label}} from Tryton's translations"
    result = {}
    for language in languages:
        with Transaction().set_context(language=language):
            definitions = Model.fields_get(names)
        result[language] = {
            n: definitions[n]['string'] if n in definitions else n
            for n in names}
    return result
