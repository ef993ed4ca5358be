# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Timetable of an education organisation (R27.8) and the teaching load of
its teachers (R27.13): rooms, bell schedules, weekly timetables with their
slots, substitutions and the assignments of the study plan's hours.  The
models are registered by tryton.cfg."""
