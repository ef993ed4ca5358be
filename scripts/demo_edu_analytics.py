# This file is part of Bilim ERP.  The COPYRIGHT file at the top level of
# this repository contains the full copyright notices and license terms.
"""Demo part of the analytics (R27.5, R27.15): nothing to create — the
reports are computed from edu_school's journal and quarter marks of the
demo.  This part reads them for school № 12, the first quarter, and
returns a small summary: the lines of each report, the school's quality
and success over the quarter marks, its attendance, and the best and the
weakest class by quality.

Called by scripts/create_db.py with the summary of scripts/demo_data.load();
returns the figures.
"""


def load(summary):
    from trytond.pool import Pool
    from trytond.transaction import Transaction

    pool = Pool()
    Period = pool.get('edu.academic.period')
    Progress = pool.get('edu.analytics.progress')
    Attendance = pool.get('edu.analytics.attendance')
    TeacherResult = pool.get('edu.analytics.teacher')
    company = summary['companies']['school']['id']
    periods = Period.search([('company', '=', company)],
        order=[('start_date', 'ASC')], limit=1)
    if not periods:
        return {'periods': 0}
    period = periods[0]
    with Transaction().set_context(period=period.id):
        progress = Progress.search([('company', '=', company)])
        attendance = Attendance.search([('company', '=', company)])
        teachers = TeacherResult.search([('company', '=', company)])
    final = sum(r.period_marks or 0 for r in progress)

    def share(attribute):
        if not final:
            return None
        return round(sum((getattr(r, attribute) or 0) * r.period_marks
                for r in progress) / final, 1)

    entries = sum(r.entries for r in attendance)
    attended = sum(r.present + r.late for r in attendance)
    by_class = {}
    for row in progress:
        if row.period_marks:
            marks, good = by_class.get(row.class_.rec_name, (0, 0))
            by_class[row.class_.rec_name] = (marks + row.period_marks,
                good + (row.quality or 0) * row.period_marks / 100)
    ranked = sorted(by_class.items(),
        key=lambda i: (i[1][1] / i[1][0], i[0]))
    return {
        'period': period.rec_name,
        'progress_lines': len(progress),
        'attendance_lines': len(attendance),
        'teacher_lines': len(teachers),
        'quarter_marks': final,
        'quality_percent': share('quality'),
        'success_percent': share('success'),
        'attendance_percent': round(100 * attended / entries, 1)
        if entries else None,
        'best_class': ranked[-1][0] if ranked else None,
        'weakest_class': ranked[0][0] if ranked else None,
        }
