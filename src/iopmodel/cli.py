"""The ``iopmodel`` command line: validate, schedule, levels and a demonstration.

Run ``iopmodel --help`` (or ``python -m iopmodel --help``). Exit status: 0 when
all is well, 1 when a validation report has an error finding, 2 for bad input
(an unreadable or invalid file, a bad option). Errors go to standard error as
one line; user errors never print a traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Final, TextIO

from iopmodel import __version__
from iopmodel._format import minutes_as_hours
from iopmodel.care import Framework, LevelOfCare, Population
from iopmodel.errors import DocumentError, IopModelError
from iopmodel.plans import TreatmentPlan
from iopmodel.programs import Program
from iopmodel.reports import ValidationReport
from iopmodel.rules import RULE_SETS, validate
from iopmodel.sessions import Session
from iopmodel.weeks import summarize_weeks

if TYPE_CHECKING:
    from iopmodel.episodes import Episode

__all__ = ["main"]

EXIT_OK: Final = 0
EXIT_FINDINGS: Final = 1
EXIT_BAD_INPUT: Final = 2


class _UserError(Exception):
    """Bad input from the command line, reported as one line with exit code 2."""


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        msg = f"not an ISO date (YYYY-MM-DD): {text!r}"
        raise argparse.ArgumentTypeError(msg) from None


def _load(path: str) -> Program | TreatmentPlan:
    from iopmodel.serialization import load  # noqa: PLC0415 - cattrs only when needed

    document: object = load(path)
    if not isinstance(document, Program | TreatmentPlan):
        msg = f"{path}: expected a program or a treatment plan, got {type(document).__name__}"
        raise _UserError(msg)
    return document


# -- validate -------------------------------------------------------------------------------


def _cmd_validate(args: argparse.Namespace, out: TextIO) -> int:
    target = _load(args.file)
    rules = RULE_SETS[args.rules]
    if args.step_down_weeks:
        rules = rules.with_step_down_allowance(args.step_down_weeks)
    report = validate(target, rules, as_of=args.as_of)
    if args.format == "json":
        from iopmodel.serialization import to_dict  # noqa: PLC0415

        out.write(json.dumps(to_dict(report), indent=2) + "\n")
    else:
        out.write(_report_text(report) + "\n")
    return EXIT_OK if report.ok else EXIT_FINDINGS


def _report_text(report: ValidationReport) -> str:
    lines = [str(report)]
    if report.findings:
        sources = sorted(
            {(f.citation.key, str(f.citation)) for f in report if f.citation}
        )
        lines.append("sources:")
        lines.extend(f"  [{key}] {text}" for key, text in sources)
    if report.skipped:
        lines.append("not applicable: " + ", ".join(s.rule_id for s in report.skipped))
    return "\n".join(lines)


# -- schedule -------------------------------------------------------------------------------


def _cmd_schedule(args: argparse.Namespace, out: TextIO) -> int:
    target = _load(args.file)
    program = target.program if isinstance(target, TreatmentPlan) else target
    if args.end <= args.start:
        msg = f"--end {args.end} must be after --start {args.start}"
        raise _UserError(msg)
    sessions = program.schedule(args.start, args.end)
    if args.format == "ics":
        from iopmodel.ics import to_ics  # noqa: PLC0415 - optional extra

        data = to_ics(sessions, calendar_name=program.name)
        if args.output:
            with open(args.output, "wb") as file:  # noqa: PTH123
                file.write(data)
        else:
            out.write(data.decode())
        return EXIT_OK
    if args.format == "json":
        from iopmodel.serialization import make_converter  # noqa: PLC0415

        converter = make_converter()
        document = {
            "program": program.name,
            "timezone": program.timezone.key,
            "start": args.start.isoformat(),
            "end": args.end.isoformat(),
            "sessions": [converter.unstructure(s) for s in sessions],
        }
        out.write(json.dumps(document, indent=2) + "\n")
        return EXIT_OK
    out.write(_schedule_text(program, sessions, args.start, args.end) + "\n")
    return EXIT_OK


def _schedule_text(
    program: Program, sessions: Sequence[Session], start: dt.date, end: dt.date
) -> str:
    title = (
        f"{program.name}: {len(sessions)} sessions from {start} to {end} (end excluded), "
        f"times in {program.timezone.key}"
    )
    lines = [title, ""]
    for s in sessions:
        local = s.start.astimezone(program.timezone)
        finish = s.end.astimezone(program.timezone)
        lines.append(
            f"  {local:%a %Y-%m-%d %H:%M}-{finish:%H:%M} {local:%Z}  "
            f"{s.kind.value:<22} {s.minutes:>4} min"
            + ("  (telehealth)" if s.telehealth else "")
        )
    weeks = summarize_weeks(
        sessions, program.timezone, start, end - dt.timedelta(days=1)
    )
    lines += ["", "weekly program hours:"]
    lines.extend(
        f"  week of {w.start}: {minutes_as_hours(w.scheduled_minutes):>5} h"
        + ("" if w.full else f"  (partial: {w.days_in_window} of 7 days)")
        for w in weeks
    )
    return "\n".join(lines)


# -- levels ---------------------------------------------------------------------------------


def _cmd_levels(args: argparse.Namespace, out: TextIO) -> int:
    rows = [
        {
            "key": level.key,
            "label": level.label,
            "asam_3": level.code(Framework.ASAM_3),
            "asam_4": level.code(Framework.ASAM_4),
            "locus": level.code(Framework.LOCUS),
            "setting": level.setting.value,
            "round_the_clock": level.round_the_clock,
            "withdrawal_management": level.withdrawal_management,
            "adult_hours": _band(level, Population.ADULT),
            "adolescent_hours": _band(level, Population.ADOLESCENT),
        }
        for level in sorted(LevelOfCare)
    ]
    if args.format == "json":
        out.write(json.dumps(rows, indent=2) + "\n")
        return EXIT_OK
    # Column widths from the data, so the longest level name still lines up.
    columns = [
        ("level", "label", "<"),
        ("ASAM 3", "asam_3", ">"),
        ("ASAM 4", "asam_4", ">"),
        ("LOCUS", "locus", ">"),
        ("setting", "setting", "<"),
        ("adult hours", "adult_hours", "<"),
    ]
    cells = [[str(row[key] or "-") for _, key, _ in columns] for row in rows]
    for line in cells:
        if line[-1] == "-":
            line[-1] = ""
    widths = [
        max(len(title), *(len(line[i]) for line in cells))
        for i, (title, _, _) in enumerate(columns)
    ]

    def render(values: list[str]) -> str:
        return "  ".join(
            f"{value:{align}{width}}"
            for value, width, (_, _, align) in zip(values, widths, columns, strict=True)
        ).rstrip()

    header = render([title for title, _, _ in columns])
    out.write(header + "\n" + "-" * sum(widths, 2 * (len(widths) - 1)) + "\n")
    for line in cells:
        out.write(render(line) + "\n")
    out.write(
        "\nCodes are mappings; the same number can mean different levels in "
        "different frameworks.\n"
    )
    return EXIT_OK


def _band(level: LevelOfCare, population: Population) -> str | None:
    from iopmodel.standards import DEFAULT_STANDARD  # noqa: PLC0415

    band = DEFAULT_STANDARD.band(level, population)
    return None if band is None else str(band)


# -- demo -----------------------------------------------------------------------------------


def _cmd_demo(_args: argparse.Namespace, out: TextIO) -> int:
    from iopmodel.episodes import Episode  # noqa: PLC0415
    from iopmodel.examples import evening_iop  # noqa: PLC0415
    from iopmodel.plans import AftercarePlan, DischargeReason  # noqa: PLC0415
    from iopmodel.recommend import Action, ClinicalFacts, recommend  # noqa: PLC0415

    program = evening_iop()
    start = dt.date(2026, 3, 2)
    write = out.write
    write(f"== {program.name}: a bundled example program ==\n")
    write(f"{program!r}\n")
    for template in program.templates:
        write(
            f"  {template.kind.value:<20} {template.rrule:<28} "
            f"{template.start_time:%H:%M} for {template.duration.seconds // 60} min\n"
        )
    write(f"weekly program hours: {program.weekly_hours} h\n")

    write("\n== schedule: the first two weeks (DST starts 2026-03-08) ==\n")
    sessions = program.schedule(start, start + dt.timedelta(days=14))
    for s in sessions:
        write(f"  {s.start:%a %Y-%m-%d %H:%M %Z}  {s.kind.value:<20} {s.minutes} min\n")

    write("\n== validation: a 90-day plan with two cancelled groups ==\n")
    plan = TreatmentPlan.from_program(
        program, patient_id="p-demo", start=start, days=90
    )
    plan = plan.cancel_session(plan.sessions[4]).cancel_session(plan.sessions[6])
    write(_report_text(validate(plan)) + "\n")

    write("\n== a step-down pathway, with the recommendation at each review ==\n")
    episode = Episode(patient_id="p-demo")
    reviews: list[tuple[dt.date, dict[str, Any]]] = [
        (dt.date(2026, 2, 25), {"needs_withdrawal_management": True,
                                "needs_round_the_clock_care": True}),
        (dt.date(2026, 3, 2), {"needs_intensive_treatment": True}),
        (dt.date(2026, 4, 16), {"goals_met": True}),
        (dt.date(2026, 6, 1), {"goals_met": True}),
    ]  # fmt: skip
    for day, facts_recorded in reviews:
        facts = ClinicalFacts.from_episode(episode, as_of=day, **facts_recorded)
        advice = recommend(facts)
        write(f"{day}: {advice}\n".replace("\n  ", "\n    "))
        target = advice.target_level
        moves: dict[Action, Callable[..., Episode]] = {
            Action.ADMIT: episode.admit,
            Action.STEP_DOWN: episode.step_down,
            Action.STEP_UP: episode.step_up,
        }
        if advice.action in moves and target is not None:
            episode = moves[advice.action](target, on=day)
        elif advice.action is Action.DISCHARGE_TO_AFTERCARE:
            aftercare = AftercarePlan(
                level=LevelOfCare.OUTPATIENT, mutual_support=["AA"]
            )
            episode = episode.discharge(
                day, DischargeReason.GOALS_MET, aftercare=aftercare
            )
    write(f"\n{episode!r}\n")
    for record in episode.to_records():
        write(f"  {record['start']} to {record['end']}: {record['level_label']} "
              f"({record['days']} days)\n")  # fmt: skip
    write(f"total days in treatment: {episode.total_days()}\n")
    return EXIT_OK


# -- the parser -----------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="iopmodel",
        description="Model addiction and mental-health treatment programs: validate "
        "program designs and treatment plans, expand schedules, list levels of care.",
        epilog="Exit status: 0 OK, 1 error findings, 2 bad input.",
    )
    parser.add_argument(
        "--version", action="version", version=f"iopmodel {__version__}"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser(
        "validate",
        help="check a program (.toml/.json) or treatment plan (.json) against a rule set",
        description="Check a program design or a treatment plan against a rule set "
        "and print the report. Exit 1 if there is an error finding.",
    )
    check.add_argument(
        "file", metavar="FILE", help="a program or treatment plan document"
    )
    check.add_argument("--rules", choices=sorted(RULE_SETS), default="default",
                       help="rule set (default: %(default)s)")  # fmt: skip
    check.add_argument("--format", choices=["text", "json"], default="text")
    check.add_argument("--as-of", type=_date, default=None, metavar="DATE",
                       help="check an ongoing plan as of this day (YYYY-MM-DD)")  # fmt: skip
    check.add_argument("--step-down-weeks", type=int, default=0, metavar="N",
                       help="allow the last N full weeks below the floor")  # fmt: skip
    check.set_defaults(handler=_cmd_validate)

    schedule = commands.add_parser(
        "schedule",
        help="expand a program into dated sessions",
        description="Expand a program's templates into sessions for the days in "
        "[--start, --end), in the program's time zone.",
    )
    schedule.add_argument("file", metavar="FILE", help="a program (or plan) document")
    schedule.add_argument("--start", type=_date, required=True, metavar="DATE")
    schedule.add_argument("--end", type=_date, required=True, metavar="DATE",
                          help="first day not included")  # fmt: skip
    schedule.add_argument("--format", choices=["text", "json", "ics"], default="text",
                          help="ics needs the 'ics' extra (icalendar)")  # fmt: skip
    schedule.add_argument("--output", "-o", metavar="PATH", help="write to a file")
    schedule.set_defaults(handler=_cmd_schedule)

    levels = commands.add_parser(
        "levels",
        help="the level-of-care table with ASAM and LOCUS codes",
        description="List every level of care with its ASAM 3rd-edition, ASAM "
        "4th-edition and LOCUS codes, setting and hour bands.",
    )
    levels.add_argument("--format", choices=["text", "json"], default="text")
    levels.set_defaults(handler=_cmd_levels)

    demo = commands.add_parser(
        "demo",
        help="model a bundled evening IOP: schedule, validation, step-down pathway",
        description="Show what iopmodel does, with a bundled evening IOP.",
    )
    demo.set_defaults(handler=_cmd_demo)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Example:
        >>> from iopmodel.cli import main
        >>> main(["levels", "--format", "json"]) == 0  # doctest: +ELLIPSIS
        [...
        True
    """
    args = _parser().parse_args(argv)
    try:
        status: int = args.handler(args, sys.stdout)
    except DocumentError as error:
        where = f"{error.source}: " if error.source else ""
        detail = "; ".join(f"{path}: {message}" for path, message in error.problems)
        count = len(error.problems)
        _fail(f"{where}{count} problem{'' if count == 1 else 's'}: {detail}")
        return EXIT_BAD_INPUT
    except (_UserError, IopModelError) as error:
        _fail(str(error).replace("\n", "; "))
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # The reader went away (``iopmodel levels | head``): not an error.
        # Point stdout at devnull so the interpreter's final flush stays quiet.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    return status


def _fail(message: str) -> None:
    sys.stderr.write(f"iopmodel: error: {message}\n")
