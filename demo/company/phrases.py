"""The words people write in a check-in's "what changed" and "blockers" when a key result has
none of its own."""

IMPROVED = (
    "Steady progress this week.",
    "Moving in the right direction.",
    "The new process is starting to pay off.",
    "Closed some of the gap.",
    "Good week; the team kept up the momentum.",
    "A couple of quick wins landed.",
)
SLIPPED = (
    "Slipped back a little this week.",
    "A step back; looking into why.",
    "Lost some ground after a slow week.",
    "Not the week we hoped for.",
)
FLAT = (
    "No real movement this week.",
    "Holding steady.",
    "Flat while the next change lands.",
)
MET = (
    "Met the target again.",
    "Comfortably inside the target.",
    "On target all week.",
)
MISSED = (
    "Missed the target this week.",
    "Outside the target after a rough couple of days.",
    "Missed it; a fix is in progress.",
)
MILESTONE_PENDING = (
    "Scope agreed with stakeholders.",
    "Design review done; build under way.",
    "First version in internal testing.",
    "Working through feedback from the pilot.",
    "Still on the plan; nothing to show yet.",
)
MILESTONE_DONE = "Done and live."
FIRST_CHECKIN = "First check-in of the quarter; baseline confirmed."
BLOCKERS = (
    "Waiting on another team before we can go further.",
    "Two people out this week; the work is on hold.",
    "Budget approval is still pending.",
    "Blocked on a dependency that slipped.",
)
MILD_BLOCKERS = (
    "Need a decision on priorities from leadership.",
    "Some risk from competing work next week.",
)
