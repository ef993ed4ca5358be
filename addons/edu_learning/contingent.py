# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Orders on the contingent (R27.4, R19.14): the book of movements.

Each record is one learner's line of an order (enrolment, arrival from
another organisation, transfer between classes, departure, graduation)
with the order's number and date: an order of enrolment to the first grade
has one line per learner, all with the same number; confirming it
creates or ends the learner's enrolments with a reference to the order.
A confirmed order and the enrolments it made are history: they are never
changed or deleted; a mistake is corrected by a new order.  Every change
of an order is journalled (edu_audit), confirmation and cancellation as
critical actions.
"""
import datetime as dt

from trytond.i18n import gettext
from trytond.model import Index, ModelSQL, ModelView, Unique, Workflow, fields
from trytond.modules.edu_audit.journal import PersonalDataJournalMixin
from trytond.pool import Pool
from trytond.pyson import Eval, In
from trytond.transaction import Transaction

from .exceptions import HistoryError, MovementError

KINDS = [
    ('enrolment', "Enrolment"),
    ('arrival', "Arrival"),
    ('transfer', "Transfer"),
    ('departure', "Departure"),
    ('graduation', "Graduation"),
    ]
REASONS = [
    (None, ""),
    ('residence', "Change of Residence"),
    ('other_school', "Another School"),
    ('abroad', "Departure Abroad"),
    ('family', "Family Reasons"),
    ('health', "Health"),
    ('expelled', "Expelled by Court or Decision"),
    ('other', "Other"),
    ]
STATES = [
    ('draft', "Draft"),
    ('done', "Done"),
    ('cancelled', "Cancelled"),
    ]
#: the kinds that put a learner in a class / take a learner out of one
TO_KINDS = {'enrolment', 'arrival', 'transfer'}
FROM_KINDS = {'transfer', 'departure', 'graduation'}
_ONE_DAY = dt.timedelta(days=1)


class ContingentMovement(
        PersonalDataJournalMixin, Workflow, ModelSQL, ModelView):
    "Contingent Movement"
    __name__ = 'edu.contingent.movement'
    __string__ = "Contingent Movement"
    _states = {'readonly': Eval('state') != 'draft'}

    company = fields.Many2One(
        'company.company', "Organisation", required=True,
        ondelete='RESTRICT', states=_states)
    number = fields.Char(
        "Order Number", required=True, strip=True, states=_states)
    date = fields.Date("Order Date", required=True, states=_states)
    effective_date = fields.Date(
        "Effective Date", required=True, states=_states,
        help="The first day in the new class for an enrolment, arrival or "
        "transfer; the last day for a departure or graduation.")
    kind = fields.Selection(KINDS, "Kind", required=True, states=_states)
    learner = fields.Many2One(
        'party.party', "Learner", required=True, ondelete='RESTRICT',
        domain=[
            ('is_learner', '=', True),
            ('organisation', '=', Eval('company', -1)),
            ],
        states=_states)
    from_class = fields.Many2One(
        'edu.class', "From Class", ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))],
        states={
            'readonly': Eval('state') != 'draft',
            'required': (Eval('state') == 'draft')
            & In(Eval('kind'), list(FROM_KINDS)),
            'invisible': ~In(Eval('kind'), list(FROM_KINDS)),
            })
    to_class = fields.Many2One(
        'edu.class', "To Class", ondelete='RESTRICT',
        domain=[('company', '=', Eval('company', -1))],
        states={
            'readonly': Eval('state') != 'draft',
            'required': (Eval('state') == 'draft')
            & In(Eval('kind'), list(TO_KINDS)),
            'invisible': ~In(Eval('kind'), list(TO_KINDS)),
            })
    reason = fields.Selection(REASONS, "Reason", states=_states)
    note = fields.Text("Note", states=_states)
    other_organisation = fields.Char(
        "Other Organisation", states=_states,
        help="Where the learner comes from or goes to.")
    enrolments = fields.One2Many(
        'edu.class.enrolment', 'movement', "Enrolments Made", readonly=True)
    ended_enrolments = fields.One2Many(
        'edu.class.enrolment', 'end_movement', "Enrolments Ended",
        readonly=True)
    state = fields.Selection(STATES, "State", readonly=True, required=True)
    del _states

    @classmethod
    def __setup__(cls):
        super().__setup__()
        t = cls.__table__()
        cls._sql_constraints += [
            ('company_number_learner_unique',
                Unique(t, t.company, t.number, t.learner),
                'edu_learning.msg_movement_number_unique'),
            ]
        cls._sql_indexes.update({
                Index(t, (t.company, Index.Range()), (t.date, Index.Range())),
                Index(t, (t.learner, Index.Range())),
                Index(t, (t.state, Index.Equality(cardinality='low')),
                    where=t.state == 'draft'),
                })
        cls._order = [('date', 'DESC'), ('number', 'DESC'), ('id', 'DESC')]
        cls._transitions |= {
            ('draft', 'done'),
            ('draft', 'cancelled'),
            }
        cls._buttons.update({
                'confirm': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                'cancel': {
                    'invisible': Eval('state') != 'draft',
                    'depends': ['state'],
                    },
                })

    @classmethod
    def __register__(cls, module):
        super().__register__(module)
        table_h = cls.__table_handler__(module)
        # an order has one line per learner: the number alone is not unique
        table_h.drop_constraint('company_number_unique')

    @classmethod
    def default_company(cls):
        return Transaction().context.get('company')

    @classmethod
    def default_state(cls):
        return 'draft'

    @classmethod
    def default_date(cls):
        return dt.date.today()

    @classmethod
    def default_effective_date(cls):
        return dt.date.today()

    @fields.depends('learner', 'kind', 'from_class', 'effective_date')
    def on_change_learner(self):
        pool = Pool()
        Enrolment = pool.get('edu.class.enrolment')
        if self.learner and self.kind in FROM_KINDS and not self.from_class:
            current = Enrolment.current(
                [self.learner.id], self.effective_date).get(self.learner.id)
            if current:
                self.from_class = current.class_

    def get_rec_name(self, name):
        return f'{self.number} — {self.learner.rec_name}'

    @classmethod
    def search_rec_name(cls, name, clause):
        _, operator, operand, *extra = clause
        bool_op = 'AND' if operator.startswith(('!', 'not ')) else 'OR'
        return [bool_op,
            ('number', operator, operand, *extra),
            ('learner.rec_name', operator, operand, *extra),
            ]

    @classmethod
    def check_modification(cls, mode, movements, values=None,
            external=False):
        "A confirmed or cancelled order is never changed nor deleted"
        super().check_modification(
            mode, movements, values=values, external=external)
        if mode == 'create':
            return
        if (mode == 'write' and set(values) <= {'state'}
                and all(m.state == 'draft' for m in movements)):
            # the workflow's own transitions out of draft
            return
        for movement in movements:
            if movement.state == 'done' or (
                    mode == 'write' and movement.state == 'cancelled'):
                raise HistoryError(gettext(
                        'edu_learning.msg_movement_history',
                        movement=movement.rec_name))

    @classmethod
    def copy(cls, movements, default=None):
        default = default.copy() if default is not None else {}
        default.setdefault('state', 'draft')
        default.setdefault('enrolments')
        default.setdefault('ended_enrolments')
        default.setdefault('number', lambda data: data['number'] + ' (2)')
        return super().copy(movements, default=default)

    @classmethod
    @ModelView.button
    @Workflow.transition('cancelled')
    def cancel(cls, movements):
        pool = Pool()
        AuditEntry = pool.get('edu.audit.entry')
        AuditEntry.log_action(
            'contingent_movement_cancel', movements,
            gettext('edu_learning.msg_movement_cancelled_log'))

    @classmethod
    @ModelView.button
    @Workflow.transition('done')
    def confirm(cls, movements):
        """Create or end the enrolments of the orders (R27.4): in the order
        of their effective dates, all or nothing."""
        pool = Pool()
        Enrolment = pool.get('edu.class.enrolment')
        Period = pool.get('edu.academic.period')
        AuditEntry = pool.get('edu.audit.entry')
        movements = sorted(movements, key=lambda m: (
                m.effective_date, m.date, m.id))
        for movement in movements:
            movement.check_confirm()
            Period.check_open(movement.company.id, [movement.effective_date])
        with Transaction().set_context(_edu_contingent=True):
            for movement in movements:
                movement._apply(Enrolment)
        AuditEntry.log_action(
            'contingent_movement_confirm', movements,
            gettext('edu_learning.msg_movement_confirmed_log'),
            {'numbers': ', '.join(m.number for m in movements)})

    def check_confirm(self):
        "Check the classes of the order before confirming it"
        if self.kind in FROM_KINDS and not self.from_class:
            raise MovementError(gettext(
                    'edu_learning.msg_movement_from_class_required',
                    movement=self.rec_name))
        if self.kind in TO_KINDS and not self.to_class:
            raise MovementError(gettext(
                    'edu_learning.msg_movement_to_class_required',
                    movement=self.rec_name))
        if (self.kind == 'transfer'
                and self.from_class == self.to_class):
            raise MovementError(gettext(
                    'edu_learning.msg_movement_same_class',
                    movement=self.rec_name))
        for class_ in filter(None, [self.from_class, self.to_class]):
            if class_.company != self.company:
                raise MovementError(gettext(
                        'edu_learning.msg_movement_class_company',
                        movement=self.rec_name, class_=class_.rec_name))

    def _ended_enrolment(self, Enrolment):
        "Return the enrolment the order ends and its last day"
        if self.kind == 'transfer':
            last_day = self.effective_date - _ONE_DAY
        else:
            last_day = self.effective_date
        current = Enrolment.search([
                ('learner', '=', self.learner.id),
                ('class_', '=', self.from_class.id),
                ('start_date', '<=', self.effective_date),
                ['OR',
                    ('end_date', '=', None),
                    ('end_date', '>=', last_day),
                    ],
                ], limit=1)
        if not current:
            raise MovementError(gettext(
                    'edu_learning.msg_movement_not_enrolled',
                    movement=self.rec_name,
                    learner=self.learner.rec_name,
                    class_=self.from_class.rec_name,
                    date=self.effective_date))
        enrolment, = current
        if enrolment.start_date > last_day:
            raise MovementError(gettext(
                    'edu_learning.msg_movement_before_start',
                    movement=self.rec_name,
                    date=enrolment.start_date))
        return enrolment, last_day

    def _check_free(self, Enrolment, ended=None):
        """Refuse an enrolment that would overlap another one before
        anything is written (one class at a time)"""
        domain = [
            ('learner', '=', self.learner.id),
            ['OR',
                ('end_date', '=', None),
                ('end_date', '>=', self.effective_date),
                ],
            ]
        if ended:
            domain.append(('id', '!=', ended.id))
        others = Enrolment.search(domain, limit=1)
        if others:
            other, = others
            raise MovementError(gettext(
                    'edu_learning.msg_enrolment_overlap',
                    learner=self.learner.rec_name,
                    class_=self.to_class.rec_name,
                    other=other.class_.rec_name,
                    date=other.start_date))

    def _apply(self, Enrolment):
        "Check, then create and end the enrolments of the order"
        ended = last_day = None
        if self.kind in FROM_KINDS:
            ended, last_day = self._ended_enrolment(Enrolment)
        if self.kind in TO_KINDS:
            self._check_free(Enrolment, ended)
        if ended:
            Enrolment.write([ended], {
                    'end_date': last_day,
                    'end_movement': self.id,
                    })
        if self.kind in TO_KINDS:
            Enrolment.create([{
                        'class_': self.to_class.id,
                        'learner': self.learner.id,
                        'start_date': self.effective_date,
                        'movement': self.id,
                        }])
