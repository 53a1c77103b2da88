"""`make bench` (or `python -m bench.run --help`): how fast the pages are at company scale.

1. Creates the PostgreSQL database `okr_bench` when missing, migrates it and fills it with
   `seed_load --people 5000` (again on every run, so each run starts from the same rows; pass
   `--reuse-data` to skip that).
2. Starts the application under gunicorn on 127.0.0.1 with bench/settings.py: production
   settings on that database, Redis database 3 as the cache (emptied first), plus the floor page
   and a response header counting SQL queries.
3. Signs in two people chosen by fixed rules (bench/subjects.py) and measures, over warm
   requests, p50 and p95 of the floor and of each page, as a ratio to the floor's p50; then the
   cost of the first request after a write ("cold", a table of its own, judged against the same
   targets: after the measured person's check-in, outside the manager's team, and for the team's
   pages after one in the team); then throughput with wrk
   (`apt-get install wrk`) for the floor, My week and the team dashboard; then the reminder
   sweeper over everyone (in a transaction rolled back after).
4. Monday morning (bench/monday.py, with locust): 50 people opening My week and checking in on
   their due key results, 5 managers reloading their team dashboards and 5 people on the company
   dashboard, all at once for `--monday-seconds`; then the floor alone with as many users, for
   the rate the mix is compared with. Every request must succeed and every check-in answered
   200 must be in the database afterwards.
5. Prints the tables and writes everything to var/bench/results.json.

All traffic goes to 127.0.0.1, bounded by the request counts and wrk's duration given.
"""

import argparse
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench.client import Response, Session
from bench.stats import (
    LoadAction,
    Measurement,
    Throughput,
    as_json,
    load_actions,
    load_table,
    mix_rate,
    parse_wrk,
    table,
    throughput_table,
)

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SETTINGS = "bench.settings"
HX = {"HX-Request": "true"}


@dataclass(frozen=True)
class Target:
    name: str
    label: str
    path: str
    who: str  # "person" or "manager"
    target_ratio: float | None
    method: str = "GET"
    headers: tuple[tuple[str, str], ...] = ()
    cached: bool = False  # served from the read-side cache when nothing changed


def targets_for(subjects: dict) -> list[Target]:
    team = f"/teams/{subjects['team_slug']}/?subteams=1"
    return [
        Target(
            "floor", "Floor (signed in, base template, no data)", "/bench/floor/", "person", None
        ),
        Target("my_week", "My week", "/", "person", 3),
        Target(
            "key_result", "Key result page", f"/key-results/{subjects['key_result']}/", "person", 3
        ),
        Target(
            "checkin",
            "Check-in POST (My week, HTMX)",
            f"/key-results/{subjects['checkin_key_result']}/check-in/",
            "person",
            3,
            method="POST",
            headers=tuple(HX.items()),
        ),
        Target("team", "Team dashboard (~40 people, sub-teams)", team, "manager", 4, cached=True),
        Target(
            "team_table",
            "Team table fragment (filtered, HTMX)",
            f"{team}&status=behind&sort=-confidence",
            "manager",
            4,
            headers=(*HX.items(), ("HX-Target", "kr-panel")),
            cached=True,
        ),
        Target("company", "Company dashboard", "/company/", "person", 6, cached=True),
        Target("cycle_report", "Cycle report", "/cycles/report/", "person", 6, cached=True),
    ]


def django_env(database_url: str, redis_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "PYTHONPATH": str(ROOT),
    }


def manage(env: dict[str, str], *args: str, timeout: int) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def ensure_database(database_url: str) -> bool:
    """Create the benchmark's database if it does not exist; True when it was created."""
    import psycopg

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(
            f"refusing to use {name!r}: the benchmark's database name contains 'bench'"
        )
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [name]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')
    return not exists


def empty_cache(redis_url: str) -> None:
    import redis

    if not urlsplit(redis_url).path.strip("/") or urlsplit(redis_url).path.strip("/") == "15":
        raise SystemExit("give the benchmark a Redis database of its own (not 0, not 15)")
    redis.Redis.from_url(redis_url).flushdb()


def free_port(port: int) -> None:
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise SystemExit(f"port {port} is in use; pass --port")


@contextmanager
def gunicorn(env: dict[str, str], port: int, workers: int) -> Iterator[subprocess.Popen]:
    free_port(port)
    log = open(ROOT / "var" / "bench" / "gunicorn.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen(
        [
            str(Path(PYTHON).with_name("gunicorn")),
            "okr_site.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {log.name}")
            try:
                if Session(port).get("/healthz").status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"gunicorn did not answer /healthz within 30 s; see {log.name}")
            time.sleep(0.2)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


class Bench:
    def __init__(self, args: argparse.Namespace, subjects: dict, port: int) -> None:
        self.args = args
        self.subjects = subjects
        self.sessions = {"person": Session(port), "manager": Session(port)}
        self.sessions["person"].log_in(subjects["person"], args.password)
        self.sessions["manager"].log_in(subjects["manager"], args.password)
        self.posted = 0

    def hit(self, target: Target) -> Response:
        session = self.sessions[target.who]
        if target.method == "POST":
            self.posted += 1
            # A new value each time, so every request really records a check-in.
            data = {"value": str(40 + self.posted % 50), "confidence": "4"}
            response = session.post(target.path, data, **dict(target.headers))
        else:
            response = session.get(target.path, **dict(target.headers))
        if response.status != 200:
            raise SystemExit(f"{target.name}: HTTP {response.status} for {target.path}")
        return response

    def measure(self, targets: list[Target]) -> dict[str, Measurement]:
        results = {
            t.name: Measurement(t.name, t.label, [], [], 0, 0, t.target_ratio) for t in targets
        }
        reads = [t for t in targets if t.method == "GET"]
        writes = [t for t in targets if t.method != "GET"]
        for target in targets:
            for _ in range(self.args.warmup):
                self.hit(target)
        # Reads in rounds (each round visits every page once), so drift in the machine's speed
        # touches them all alike; writes after, since each one changes what the reads show, each
        # followed by a floor request, so the floor's samples span the writes' minutes too.
        floor = next(t for t in reads if t.name == "floor")
        for _ in range(self.args.requests):
            for target in reads:
                self._record(results[target.name], self.hit(target))
        for target in writes:
            for _ in range(self.args.requests):
                self._record(results[target.name], self.hit(target))
                self._record(results[floor.name], self.hit(floor))
        return results

    @staticmethod
    def _record(measurement: Measurement, response: Response) -> None:
        measurement.samples_ms.append(response.elapsed_ms)
        measurement.queries.append(response.queries)
        measurement.status = response.status
        measurement.bytes = len(response.body)

    def measure_cold(
        self, targets: list[Target], results: dict[str, Measurement]
    ) -> list[Measurement]:
        """The pages as a busy company sees them: each read is the first after a check-in.

        Two kinds of write, `cold_rounds` times each: the person's check-in on their own key
        result, somewhere else in the company than the manager's team (every page that reads
        the whole cycle is drawn afresh after it; the team's is not), then the manager's
        check-in on one of the team's own key results (its page is drawn afresh). Returned as
        extra rows, one per page and kind of write.
        """
        write = next(t for t in targets if t.method == "POST")
        team_write = replace(
            write,
            name="team_checkin",
            path=f"/key-results/{self.subjects['team_key_result']}/check-in/",
            who="manager",
        )
        reads = [t for t in targets if t.method == "GET" and t.name != "floor"]
        team_reads = [t for t in reads if t.name.startswith("team")]
        # The targets hold for the first request after a write as for warm ones.
        elsewhere = {
            t.name: Measurement(
                f"{t.name}_cold",
                f"{t.label}, first request after the person's check-in (outside the team)",
                [],
                [],
                0,
                0,
                t.target_ratio,
            )
            for t in reads
        }
        own = {
            t.name: Measurement(
                f"{t.name}_cold_own",
                f"{t.label}, first request after a check-in in the team",
                [],
                [],
                0,
                0,
                t.target_ratio,
            )
            for t in team_reads
        }
        for _ in range(self.args.cold_rounds):
            self.hit(write)
            for target in reads:
                response = self.hit(target)
                results[target.name].cold_ms.append(response.elapsed_ms)
                self._record(elsewhere[target.name], response)
            self.hit(team_write)
            for target in team_reads:
                self._record(own[target.name], self.hit(target))
        return [*elsewhere.values(), *own.values()]

    def throughput(self, targets: list[Target], port: int) -> list[Throughput]:
        wrk = shutil.which("wrk")
        if wrk is None:
            print("wrk is not installed (apt-get install wrk): no throughput measured")
            return []
        results = []
        for name in ("floor", "my_week", "team"):
            target = next(t for t in targets if t.name == name)
            cookie = self.sessions[target.who].cookie_header()
            command = [
                wrk,
                "-t2",
                f"-c{self.args.wrk_connections}",
                f"-d{self.args.wrk_seconds}s",
                "--timeout",
                "30s",
                "-H",
                f"Cookie: {cookie}",
                f"http://127.0.0.1:{port}{target.path}",
            ]
            output = subprocess.run(
                command, capture_output=True, text=True, timeout=self.args.wrk_seconds + 60
            ).stdout
            rate, bad = parse_wrk(output)
            if bad:
                raise SystemExit(f"wrk: {bad} non-2xx answers from {target.path}")
            results.append(
                Throughput(
                    target.label, rate, bad, self.args.wrk_connections, self.args.wrk_seconds
                )
            )
        return results


@dataclass
class Monday:
    """What Monday morning measured: the mix's actions, the floor's, and the check-ins."""

    actions: list[LoadAction]
    floor: LoadAction
    seconds: int
    floor_seconds: int
    posted: int
    found: int
    cast: dict

    @property
    def floor_rate(self) -> float:
        return len(self.floor.samples_ms) / self.floor_seconds

    @property
    def failures(self) -> int:
        return sum(a.failures for a in self.actions) + self.floor.failures

    def table(self) -> str:
        return load_table(self.actions, seconds=self.seconds, floor_rate=self.floor_rate)

    def as_json(self) -> dict:
        rate = mix_rate(self.actions, seconds=self.seconds)
        return {
            "seconds": self.seconds,
            "users": {kind: len(people) for kind, people in self.cast.items()},
            "actions": [
                {
                    "name": a.name,
                    "requests": len(a.samples_ms),
                    "failed": a.failures,
                    "p50_ms": round(a.p50, 2),
                    "p95_ms": round(a.p95, 2),
                }
                for a in self.actions
            ],
            "mix_requests_per_second": round(rate, 2),
            "floor_requests_per_second": round(self.floor_rate, 2),
            "mix_ratio_to_floor": round(rate / self.floor_rate, 3),
            "check_ins_posted": self.posted,
            "check_ins_found": self.found,
            "table_markdown": self.table(),
        }


def run_locust(
    *, port: int, cast_file: Path, user_classes: list[str], users: int, seconds: int
) -> dict:
    """bench/monday.py under locust, headless, against 127.0.0.1 only; what it recorded."""
    record = cast_file.with_name("monday_record.json")
    record.unlink(missing_ok=True)
    command = [
        str(Path(PYTHON).with_name("locust")),
        "-f",
        str(ROOT / "bench" / "monday.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{seconds}s",
        "--stop-timeout",
        "30",
        "--host",
        f"http://127.0.0.1:{port}",
        "--only-summary",
        "--loglevel",
        "WARNING",
        *user_classes,
    ]
    env = {**os.environ, "BENCH_MONDAY_CAST": str(cast_file), "BENCH_MONDAY_RECORD": str(record)}
    # locust exits 1 when a request failed: the record says which, and the caller reports it.
    result = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=seconds + 120
    )
    if not record.exists():
        raise SystemExit(f"locust recorded nothing:\n{result.stdout}{result.stderr}")
    return json.loads(record.read_text())


def monday_morning(
    *,
    port: int,
    password: str,
    cast: dict,
    seconds: int,
    floor_seconds: int,
    workdir: Path = ROOT / "var" / "bench",
) -> Monday:
    """Sign the cast (bench/subjects.py, `monday_cast`) in, run the mix and then the floor, and
    look every check-in up."""
    from collections import Counter

    from django.db import connections
    from django.utils import timezone

    from checkins.models import CheckIn

    started = timezone.now()
    connections.close_all()
    for people in cast.values():
        for person in people:
            session = Session(port)
            session.log_in(person["username"], password)
            person["cookies"] = {k: session.cookies[k] for k in ("sessionid", "csrftoken")}
    cast_file = workdir / "monday_cast.json"
    cast_file.write_text(json.dumps(cast))
    try:
        users = sum(len(people) for people in cast.values())
        mix = run_locust(
            port=port,
            cast_file=cast_file,
            user_classes=["Employee", "Manager", "CompanyViewer"],
            users=users,
            seconds=seconds,
        )
        floor = run_locust(
            port=port,
            cast_file=cast_file,
            user_classes=["Floor"],
            users=users,
            seconds=floor_seconds,
        )
    finally:
        cast_file.unlink(missing_ok=True)  # it holds live session cookies
    posted = Counter((kr, username) for kr, username in mix["posted"])
    found = Counter(
        CheckIn.objects.filter(
            created_at__gte=started, key_result_id__in={kr for kr, _ in posted}
        ).values_list("key_result_id", "author__username")
    )
    [floor_action] = load_actions(floor["requests"])
    return Monday(
        actions=load_actions(mix["requests"]),
        floor=floor_action,
        seconds=seconds,
        floor_seconds=floor_seconds,
        posted=sum(posted.values()),
        # Only what was posted counts: a check-in is found when its key result and author match.
        found=sum(min(n, found[key]) for key, n in posted.items()),
        cast=cast,
    )


def measure_sweeper(rounds: int = 3) -> list[dict]:
    """The reminder sweeper over everyone, timed with its queries counted; rolled back, so the
    claimed deliveries vanish and no e-mail is queued (their sends wait for a commit)."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from reminders.delivery import sweep_reminders

    results = []
    with transaction.atomic():
        for _ in range(rounds):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                outcome = sweep_reminders()
                elapsed = time.perf_counter() - started
            results.append(
                {
                    "seconds": round(elapsed, 3),
                    "queries": len(queries.captured_queries),
                    "considered": outcome.considered,
                    "claimed": len(outcome.claimed),
                }
            )
        transaction.set_rollback(True)
    return results


def machine() -> dict:
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--requests", type=int, default=60, help="timed requests per page (60)")
    parser.add_argument("--warmup", type=int, default=10, help="untimed requests per page first")
    parser.add_argument(
        "--cold-rounds", type=int, default=10, help="writes followed by cold reads (10)"
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (4)")
    parser.add_argument("--port", type=int, default=8799)
    parser.add_argument("--wrk-seconds", type=int, default=10)
    parser.add_argument("--wrk-connections", type=int, default=8)
    parser.add_argument(
        "--monday-seconds", type=int, default=60, help="Monday morning's mix (60; 0 skips it)"
    )
    parser.add_argument(
        "--monday-floor-seconds", type=int, default=20, help="the floor after it, as many users"
    )
    parser.add_argument(
        "--database",
        default="postgres://postgres@127.0.0.1:5432/okr_bench",
        help="created if missing",
    )
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/3", help="emptied first")
    parser.add_argument("--password", default="load1234")
    parser.add_argument("--reuse-data", action="store_true", help="keep the rows of the last run")
    parser.add_argument("--out", default=str(ROOT / "var" / "bench" / "results.json"))
    args = parser.parse_args(argv)
    if args.requests < 50:
        parser.error("--requests must be at least 50")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    env = django_env(args.database, args.redis)
    os.environ.update({k: env[k] for k in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL")})
    started = datetime.now(UTC)
    created = ensure_database(args.database)
    print(f"database {urlsplit(args.database).path.lstrip('/')}{' (created)' if created else ''}")
    manage(env, "migrate", "--no-input", "-v0", timeout=600)
    seed_output = ""
    if not args.reuse_data or created:
        print(f"seeding {args.people} people (seed {args.seed})…", flush=True)
        seed_output = manage(
            env,
            "seed_load",
            f"--people={args.people}",
            f"--seed={args.seed}",
            "--wipe",
            timeout=900,
        )
        print(seed_output.rstrip())
    empty_cache(args.redis)

    import django

    django.setup()
    from django.utils import timezone

    from bench.subjects import choose, monday_cast

    subjects = choose(today=timezone.localdate()).as_dict()
    from django.db import connections

    connections.close_all()
    print("subjects:", json.dumps(subjects))
    targets = targets_for(subjects)
    with gunicorn(env, args.port, args.workers):
        bench = Bench(args, subjects, args.port)
        results = bench.measure(targets)
        cold_rows = bench.measure_cold(targets, results)
        rates = bench.throughput(targets, args.port)
        monday = None
        if args.monday_seconds:
            monday = monday_morning(
                port=args.port,
                password=args.password,
                cast=monday_cast(today=timezone.localdate()),
                seconds=args.monday_seconds,
                floor_seconds=args.monday_floor_seconds,
            )
    sweeps = measure_sweeper()
    floor = results["floor"]
    measured = list(results.values())
    report = table(measured, floor)
    cold_report = table(cold_rows, floor)
    print()
    print(report)
    print()
    print("Each request the first after a write (the same targets):")
    print()
    print(cold_report)
    if rates:
        print()
        print(throughput_table(rates, rates[0]))
    if monday:
        print()
        print(
            f"Monday morning: {sum(len(p) for p in monday.cast.values())} people at once for "
            f"{monday.seconds} s (no pause between requests), then the floor alone as long as "
            f"{monday.floor_seconds} s:"
        )
        print()
        print(monday.table())
        print(f"\ncheck-ins answered 200: {monday.posted}; found in the database: {monday.found}")
    print()
    for n, sweep in enumerate(sweeps, 1):
        print(
            f"reminder sweep {n}: {sweep['seconds']:.2f} s, {sweep['queries']} queries, "
            f"{sweep['considered']} e-mails considered, {sweep['claimed']} claimed"
        )
    document = {
        "started": started.isoformat(),
        "finished": datetime.now(UTC).isoformat(),
        "machine": machine(),
        "config": {k: v for k, v in vars(args).items() if k != "password"},
        "seed_output": seed_output,
        "subjects": subjects,
        "floor_p50_ms": round(floor.p50, 2),
        "pages": as_json(measured, floor),
        # The same pages, each request the first after a check-in (Bench.measure_cold).
        "cold_pages": as_json(cold_rows, floor),
        "throughput": [
            {
                **asdict(r),
                "ratio_to_floor": round(r.requests_per_second / rates[0].requests_per_second, 3),
            }
            for r in rates
        ],
        "table_markdown": report,
        "cold_table_markdown": cold_report,
        "reminder_sweeps": sweeps,
        "monday_morning": monday.as_json() if monday else None,
    }
    Path(args.out).write_text(json.dumps(document, indent=2, default=str))
    print(f"\nresults written to {args.out}")
    missed = [m.name for m in measured if m.meets_target(floor) is False]
    if missed:
        print(f"targets missed: {', '.join(missed)}")
    if monday and (monday.failures or monday.found != monday.posted):
        raise SystemExit(
            f"Monday morning failed: {monday.failures} failed requests, "
            f"{monday.posted - monday.found} check-ins answered 200 but not in the database"
        )


if __name__ == "__main__":
    main()
