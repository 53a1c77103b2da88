"""Run in a process of its own by tests/reminders/test_embedded_reminders.py, against the temporary
install that test set up (its environment names the settings, database and var/ folder).

`setup`: reminders due from Monday 00:00 (so every owner of a key result is due at once), no nudge
and no digest, one active cycle. `add N SECONDS`: add a person with a key result due, one every
SECONDS, N in all, printing each username as it is committed.
"""

import sys
import time
from datetime import time as clock_time

import django


def main(argv: list[str]) -> None:
    django.setup()
    from objectives.models import Cycle
    from tests.factories import CycleFactory, ReminderPolicyFactory
    from tests.reminders.reminder_helpers import owned_key_result, person

    if argv[0] == "setup":
        ReminderPolicyFactory(local_time=clock_time(0, 0), nudge_after_days=0, digest_enabled=False)
        CycleFactory(name="Embedded")
        return
    count, every = int(argv[1]), float(argv[2])
    cycle = Cycle.objects.get(name="Embedded")
    for n in range(count):
        user = person(f"due{n:02d}")
        owned_key_result(user, cycle, title=f"Key result of {user.username}")
        print(user.username, flush=True)
        if n < count - 1:
            time.sleep(every)


if __name__ == "__main__":
    main(sys.argv[1:])
