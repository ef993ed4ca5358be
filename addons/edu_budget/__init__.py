# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Budgeting of a state institution (R19.17): individual financing plan,
amendments, registered obligations, execution and budget request."""

__all__ = ['register']


def register():
    pass
