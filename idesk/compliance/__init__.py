"""The daily access-compliance report (founding letter R2): computing a day, and reading the stored results.

Rules, for one working day D and each internal unit on the e-office on D:
- visits: access events (login/visit) of a user during the local day D, where an event less than the visit gap
  (30 minutes) after the user's previous event is the same visit (two logins 5 minutes apart count once);
- a unit is compliant when its active clerk account made at least IDESK_REQUIRED_VISITS visits; a user likewise;
- unopened: electronic deliveries to the unit not opened within IDESK_OPEN_WITHIN_WORKING_DAYS working days after
  arriving (a delivery sent after the end of the working day arrives the next day), counted from their opening
  deadline until the day they are finally opened;
- overdue: assignments (chủ trì, phối hợp) of the unit or of its people whose deadline is before D and that were
  still open at the start of D;
- unexcused absences: invitations to meetings held on D that the organiser marked absent without a valid reason
  (the invited unit's, or the invited person's unit's);
- in breach (the head answers for it): not compliant and at least one consequence.

Everything about D is judged as of D's end of working day, from timestamps, so recomputing a past day from
unchanged data gives the same rows. A day is computed by the database in a constant number of statements
(INSERT … SELECT: no row travels through Python), whatever the district's size.

What is stored: per day, each unit's and each person's numbers, and the day's cut-offs (ComplianceDay). Which
deliveries and assignments a day counted is not stored item by item (a province has some 140,000 of them every
day, mostly the same old ones): the rule is written once below as SQL over those cut-offs, and the drill-down and a
range's distinct counts re-derive the items from the stored days. They read the records as they are now: a
delivery recalled since, or a person moved to another unit, is named as it is now while the day keeps the count
it stored (recomputing the day aligns the two). A month's totals per unit are summed up once (summarize_month,
after the day's computation) so that a month's dashboard reads a few hundred rows.
"""

from idesk.compliance.clock import (  # noqa: F401
    ONE_DAY,
    day_cutoffs,
    local_midnight,
    month_bounds,
    required_visits,
    workday_end,
)
from idesk.compliance.compute import (  # noqa: F401
    compute_day,
    compute_days,
    summarize_month,
    unexcused_absences,
    units_on_system,
    visits_by_user,
)
from idesk.compliance.counted import (  # noqa: F401
    counted_ids,
    counted_per_unit,
)
from idesk.compliance.results import (  # noqa: F401
    BREACH,
    COMPLIANT,
    NOT_COMPLIANT,
    STATUS_ORDER,
    DayPoint,
    UnitPeriod,
    UserPeriod,
    count_period_items,
    district_trend,
    latest_day,
    period_rows,
    report,
    stored_range,
    summarized_month,
    unit_days,
    unit_users,
    units_in_breach,
)
from idesk.compliance.rules import (  # noqa: F401
    DONE_SINCE,
    NEVER_OPENED,
    OPEN_NOW,
    OPENED_LATE,
    OVERDUE,
    UNOPENED,
    Col,
)
from idesk.compliance.scope import (  # noqa: F401
    Absence,
    CountedItem,
    counted_items,
    require_unit,
    unit_scope,
)
