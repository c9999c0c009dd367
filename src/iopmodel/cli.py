"""The ``iopmodel`` command line: validate, schedule, export, schema, levels and a demo.

Run ``iopmodel --help`` (or ``python -m iopmodel --help``). Exit status: 0 when
all is well, 1 when a validation report has an error finding, 2 for bad input
or output (an unreadable or invalid file, a bad option, output that cannot be
written), 3 for an internal error (a bug), 130 when interrupted (Ctrl-C).
Errors go to standard error as one line, never as a traceback. ``FILE`` may be
``-`` for standard input, read under the same limits as a file, with
``--input-format``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Final, TextIO

from iopmodel import __version__
from iopmodel._format import minutes_as_hours
from iopmodel._validators import EARLIEST_DATE, LATEST_DATE
from iopmodel.care import Framework, LevelOfCare, Population
from iopmodel.errors import DocumentError, IopModelError, _shown
from iopmodel.plans import TreatmentPlan
from iopmodel.programs import Program
from iopmodel.reports import ValidationReport
from iopmodel.rules import RULE_SETS, validate
from iopmodel.sessions import Session
from iopmodel.weeks import summarize_weeks

__all__ = ["main"]

EXIT_OK: Final = 0
EXIT_FINDINGS: Final = 1
EXIT_BAD_INPUT: Final = 2
EXIT_INTERNAL: Final = 3
EXIT_INTERRUPTED: Final = 130  # 128 + SIGINT, as shells report it


class _UserError(Exception):
    """Bad input from the command line, reported as one line with exit code 2."""


def _date(text: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text) if len(text) <= 10 else None
    except ValueError:
        day = None
    if day is None:
        msg = f"not an ISO date (YYYY-MM-DD): {_shown(text)}"
        raise argparse.ArgumentTypeError(msg)
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        msg = f"{day} is outside the supported calendar ({EARLIEST_DATE} to {LATEST_DATE})"
        raise argparse.ArgumentTypeError(msg)
    return day


def _weeks(text: str) -> int:
    if not text.isdigit() or len(text) > 3:
        msg = f"not a number of weeks from 0 to 999: {_shown(text)}"
        raise argparse.ArgumentTypeError(msg)
    return int(text)


def _load(path: str, input_format: str | None) -> Program | TreatmentPlan:
    from iopmodel.serialization import (  # noqa: PLC0415 - cattrs only when needed
        load,
        load_bytes,
        read_limited,
    )

    if path == "-":
        if input_format is None:
            msg = "reading standard input (-) needs --input-format json or toml"
            raise _UserError(msg)
        if sys.stdin is None:
            msg = "standard input is closed"
            raise _UserError(msg)
        source = "<stdin>"
        raw = read_limited(sys.stdin.buffer, source=source)
        document: object = load_bytes(raw, input_format, source=source)
    else:
        source = path
        document = load(path, file_format=input_format)
    if not isinstance(document, Program | TreatmentPlan):
        msg = f"{source}: expected a program or a treatment plan, got {type(document).__name__}"
        raise _UserError(msg)
    return document


# -- validate -------------------------------------------------------------------------------


def _cmd_validate(args: argparse.Namespace, out: TextIO) -> int:
    """Validate each file (or a cohort table); several files end with a summary."""
    if args.cohort is not None or not args.files:
        return _cmd_validate_cohort(args, out)
    if len(args.files) == 1:
        return _validate_file(args.files[0], args, out)
    statuses: list[int] = []
    reports: list[dict[str, Any]] = []
    for path in args.files:
        try:
            if args.format == "json":
                buffer = io.StringIO()
                status = _validate_file(path, args, buffer)
                reports.append({"file": path, "report": json.loads(buffer.getvalue())})
            else:
                out.write(f"== {path}\n")
                status = _validate_file(path, args, out)
        except (DocumentError, _UserError, IopModelError) as error:
            _fail(_error_message(error))
            reports.append({"file": path, "error": _error_message(error)})
            status = EXIT_BAD_INPUT
        statuses.append(status)
    if args.format == "json":
        out.write(json.dumps(reports, indent=2) + "\n")
    counts = [statuses.count(code) for code in (EXIT_OK, EXIT_FINDINGS, EXIT_BAD_INPUT)]
    summary = (
        f"{len(statuses)} files: {counts[0]} ok, {counts[1]} with error findings, "
        f"{counts[2]} unreadable or invalid"
    )
    (sys.stderr if args.format == "json" else out).write(summary + "\n")
    return max(statuses)


def _validate_file(path: str, args: argparse.Namespace, out: TextIO) -> int:
    target = _load(path, args.input_format)
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


# -- validate --cohort -----------------------------------------------------------------------


def _cohort_arguments(check: argparse.ArgumentParser) -> None:
    """``validate --cohort SESSIONS --programs PROGRAMS [--output FINDINGS]``."""
    check.add_argument(
        "--cohort",
        metavar="SESSIONS",
        default=None,
        help="validate a sessions table (.parquet or .csv; the cohort extra)",
    )
    check.add_argument(
        "--programs",
        metavar="PROGRAMS",
        default=None,
        help="with --cohort: a TOML file of [[programs]] documents",
    )
    check.add_argument(
        "--output",
        "-o",
        metavar="PATH",
        default=None,
        help="with --cohort: write the findings table (.csv or .parquet)",
    )


def _cmd_validate_cohort(args: argparse.Namespace, out: TextIO) -> int:
    """Validate a cohort table; write the findings table; summarize on *out*."""
    if args.cohort is None or args.programs is None:
        msg = "give FILE, or --cohort SESSIONS with --programs PROGRAMS"
        raise _UserError(msg)
    from iopmodel.cohort import validate_cohort  # noqa: PLC0415 - optional extra

    rules = RULE_SETS[args.rules]
    if args.step_down_weeks:
        rules = rules.with_step_down_allowance(args.step_down_weeks)
    findings = validate_cohort(args.cohort, args.programs, rules, progress=True)
    if args.output is not None:
        _write_findings(findings, args.output)
    else:
        import pyarrow.csv as pcsv  # noqa: PLC0415 - installed with the cohort extra

        buffer = io.BytesIO()
        pcsv.write_csv(findings, buffer)
        out.write(buffer.getvalue().decode())
    severities = findings.column("severity").to_pylist()
    errors = severities.count("error")
    patients = len(set(findings.column("patient_id").to_pylist()))
    sys.stderr.write(
        f"{len(severities)} findings for {patients} patients: {errors} errors, "
        f"{severities.count('warning')} warnings, {severities.count('info')} infos\n"
    )
    return EXIT_FINDINGS if errors else EXIT_OK


def _write_findings(findings: Any, path: str) -> None:
    suffix = Path(path).suffix.lower()
    if suffix == ".parquet":
        import pyarrow.parquet as pq  # noqa: PLC0415

        pq.write_table(findings, path)
    elif suffix == ".csv":
        import pyarrow.csv as pcsv  # noqa: PLC0415

        pcsv.write_csv(findings, path)
    else:
        msg = f"{path}: the findings table is written as .csv or .parquet"
        raise _UserError(msg)


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
    target = _load(args.file, args.input_format)
    program = target.program if isinstance(target, TreatmentPlan) else target
    if args.end <= args.start:
        msg = f"--end {args.end} must be after --start {args.start}"
        raise _UserError(msg)
    sessions = program.schedule(args.start, args.end)
    if args.format == "ics":
        from iopmodel.ics import to_ics  # noqa: PLC0415 - optional extra

        data = to_ics(sessions, calendar_name=program.name)
        if args.output:
            _write_file(args.output, data)
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


def _write_file(path: str, data: bytes) -> None:
    """Write *data* to *path*; any failure is a one-line error, not a traceback."""
    try:
        with open(path, "wb") as file:  # noqa: PTH123
            file.write(data)
    except OSError as error:
        msg = f"cannot write {path}: {_reason(error)}"
        raise _UserError(msg) from None
    except ValueError:  # a NUL in the path
        msg = "cannot write the output: the path is not valid"
        raise _UserError(msg) from None


def _reason(error: OSError) -> str:
    return (error.strerror or type(error).__name__).lower()


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
    from iopmodel.plans import AftercarePlan  # noqa: PLC0415
    from iopmodel.recommendations import ClinicalFacts, recommend  # noqa: PLC0415

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

    write(
        "\n== a pathway with a relapse: withdrawal management beside IOP, "
        "then step down ==\n"
    )
    episode = Episode(patient_id="p-demo", episode_id="e-demo")
    intensive = {"needs_intensive_treatment": True}
    reviews: list[tuple[dt.date, dict[str, Any]]] = [
        (dt.date(2026, 2, 25), {"needs_withdrawal_management": True,
                                "needs_round_the_clock_care": True, **intensive}),
        (dt.date(2026, 3, 2), intensive),
        (dt.date(2026, 3, 30), {"needs_withdrawal_management": True, **intensive}),
        (dt.date(2026, 4, 3), intensive),
        (dt.date(2026, 4, 16), {"goals_met": True}),
        (dt.date(2026, 6, 1), {"goals_met": True}),
    ]  # fmt: skip
    aftercare = AftercarePlan(level=LevelOfCare.OUTPATIENT, mutual_support=["AA"])
    for day, facts_recorded in reviews:
        facts = ClinicalFacts.from_episode(episode, as_of=day, **facts_recorded)
        advice = recommend(facts)
        write(f"{day}: {advice}\n".replace("\n  ", "\n    "))
        episode = advice.apply_to(episode, on=day, aftercare=aftercare)
    write(f"\n{episode!r}\n")
    for record in episode.to_records():
        write(f"  {record['start']} to {record['end']}: {record['level_label']} "
              f"({record['days']} days)\n")  # fmt: skip
    for record in episode.service_records():
        write(f"  {record['start']} to {record['end']}: {record['service_label']} "
              f"beside the level ({record['days']} days)\n")  # fmt: skip
    write(f"total days in treatment: {episode.total_days()}\n")
    return EXIT_OK


# -- export ---------------------------------------------------------------------------------


def _cmd_export(args: argparse.Namespace, out: TextIO) -> int:
    """Write a document as FHIR R4 JSON, iCalendar, iopmodel JSON or TOML."""
    from iopmodel import serialization  # noqa: PLC0415 - cattrs only when needed

    document: object = serialization.load(args.file)
    data: str | bytes
    if args.format == "json":
        data = serialization.to_json(document)
    elif args.format == "toml":
        data = serialization.to_toml(document)
    elif args.format == "fhir":
        data = _export_fhir(document, args)
    else:
        data = _export_ics(document, args)
    if args.output:
        with open(args.output, "wb") as file:  # noqa: PTH123
            file.write(data.encode() if isinstance(data, str) else data)
    else:
        out.write(data if isinstance(data, str) else data.decode())
    return EXIT_OK


def _export_fhir(document: object, args: argparse.Namespace) -> str:
    from iopmodel.episodes import Episode  # noqa: PLC0415
    from iopmodel.fhir import to_fhir  # noqa: PLC0415 - optional extra

    if not isinstance(document, Program | TreatmentPlan | Episode):
        msg = (
            f"{args.file}: FHIR export takes a program, a treatment plan or an episode, "
            f"not a {type(document).__name__}"
        )
        raise _UserError(msg)
    if isinstance(document, Program) and args.start is None:
        msg = "--start is needed to export a program to FHIR (the first day of its timings)"
        raise _UserError(msg)
    return json.dumps(to_fhir(document, start=args.start), indent=2) + "\n"


def _export_ics(document: object, args: argparse.Namespace) -> bytes:
    from iopmodel.ics import program_to_ics, to_ics  # noqa: PLC0415 - optional extra

    if isinstance(document, TreatmentPlan):
        return to_ics(document.sessions, calendar_name=document.program.name)
    if not isinstance(document, Program):
        msg = (
            f"{args.file}: calendar export takes a program or a treatment plan, "
            f"not a {type(document).__name__}"
        )
        raise _UserError(msg)
    if args.start is None or args.end is None:
        msg = "--start and --end are needed to export a program's schedule to ics"
        raise _UserError(msg)
    if args.end <= args.start:
        msg = f"--end {args.end} must be after --start {args.start}"
        raise _UserError(msg)
    return program_to_ics(document, args.start, args.end)


# -- schema ---------------------------------------------------------------------------------


def _cmd_schema(args: argparse.Namespace, out: TextIO) -> int:
    """Print a document model's JSON Schema, or list the models."""
    from iopmodel.schema import json_schema  # noqa: PLC0415
    from iopmodel.serialization import KINDS  # noqa: PLC0415

    if args.model is None:
        out.write("".join(f"{model}\n" for model in KINDS))
        return EXIT_OK
    out.write(json.dumps(json_schema(args.model), indent=2, ensure_ascii=False) + "\n")
    return EXIT_OK


def _add_format_commands(commands: Any) -> None:
    export = commands.add_parser(
        "export",
        help="write a document as FHIR R4, iCalendar, JSON or TOML",
        description="Convert a document: 'fhir' (a FHIR R4 Bundle; needs the 'fhir' "
        "extra), 'ics' (a program's schedule as recurring events, or a plan's "
        "sessions; needs the 'ics' extra), 'json' or 'toml' (needs the 'toml' extra).",
    )
    export.add_argument("file", metavar="FILE", help="a .json or .toml document")
    export.add_argument(
        "--format", choices=["fhir", "ics", "json", "toml"], required=True
    )
    export.add_argument("--start", type=_date, default=None, metavar="DATE",
                        help="for a program: the first day of its schedule")  # fmt: skip
    export.add_argument("--end", type=_date, default=None, metavar="DATE",
                        help="for a program's calendar: the first day not included")  # fmt: skip
    export.add_argument("--output", "-o", metavar="PATH", help="write to a file")
    export.set_defaults(handler=_cmd_export)

    schema = commands.add_parser(
        "schema",
        help="print the JSON Schema of a document model",
        description="Print the JSON Schema (Draft 2020-12) of a document model; "
        "without MODEL, list the models.",
    )
    schema.add_argument("model", metavar="MODEL", nargs="?", default=None,
                        help="a document model, such as 'program'")  # fmt: skip
    schema.set_defaults(handler=_cmd_schema)


# -- the parser -----------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="iopmodel",
        description="Model addiction and mental-health treatment programs: validate "
        "program designs, treatment plans and cohorts, expand schedules, export "
        "FHIR, iCalendar, JSON or TOML, list levels of care.",
        epilog="Exit status: 0 OK, 1 error findings, 2 bad input or output, "
        "3 internal error, 130 interrupted.",
    )
    parser.add_argument(
        "--version", action="version", version=f"iopmodel {__version__}"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser(
        "validate",
        help="check a program (.toml/.json) or treatment plan (.json) against a rule set",
        description="Check program designs or treatment plans against a rule set "
        "and print the reports. Exit 1 if there is an error finding, 2 if a file "
        "cannot be read; with several files, the worst of these.",
    )
    check.add_argument(
        "files",
        metavar="FILE",
        nargs="*",
        help="program or treatment plan documents; with several, a summary line "
        "and the worst exit status",
    )
    _cohort_arguments(check)
    check.add_argument("--rules", choices=sorted(RULE_SETS), default="default",
                       help="rule set (default: %(default)s)")  # fmt: skip
    check.add_argument("--format", choices=["text", "json"], default="text")
    check.add_argument("--as-of", type=_date, default=None, metavar="DATE",
                       help="check an ongoing plan as of this day (YYYY-MM-DD)")  # fmt: skip
    check.add_argument("--step-down-weeks", type=_weeks, default=0, metavar="N",
                       help="allow the last N full weeks below the floor")  # fmt: skip
    _input_format(check)
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
    _input_format(schedule)
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
    _add_format_commands(commands)
    return parser


def _input_format(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--input-format",
        choices=["json", "toml"],
        default=None,
        help="the format of FILE; needed when FILE is - (standard input), "
        "otherwise taken from its suffix",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Example:
        >>> from iopmodel.cli import main
        >>> main(["levels", "--format", "json"]) == 0  # doctest: +ELLIPSIS
        [...
        True
    """
    try:
        return _run(argv)
    except KeyboardInterrupt:
        _fail("interrupted")
        return EXIT_INTERRUPTED


def _run(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    out = sys.stdout
    if out is None:  # started with standard output closed (>&-)
        _fail("cannot write the output: standard output is closed")
        return EXIT_BAD_INPUT
    try:
        status: int = args.handler(args, out)
        out.flush()
    except (DocumentError, _UserError, IopModelError) as error:
        _fail(_error_message(error))
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        # The reader went away (``iopmodel levels | head``): not an error.
        _discard_output()
        return EXIT_OK
    except OSError as error:  # standard output full (/dev/full) or failing
        _discard_output()
        _fail(f"cannot write the output: {_reason(error)}")
        return EXIT_BAD_INPUT
    except Exception as error:  # noqa: BLE001 - a bug: one line, never exit 1
        _fail(f"internal error ({type(error).__name__}); please report it")
        return EXIT_INTERNAL
    return status


def _error_message(error: Exception) -> str:
    """One line for a user error: the file, then every problem with its path."""
    if isinstance(error, DocumentError):
        where = f"{error.source}: " if error.source else ""
        detail = "; ".join(f"{path}: {message}" for path, message in error.problems)
        more = error.total - len(error.problems)
        if more:
            detail += f"; and {more} more"
        count = error.total
        return f"{where}{count} problem{'' if count == 1 else 's'}: {detail}"
    return str(error).replace("\n", "; ")


def _discard_output() -> None:
    """Point stdout at devnull so the interpreter's final flush stays quiet."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # pragma: no cover - nothing to quiet
        pass


def _fail(message: str) -> None:
    try:
        sys.stderr.write(f"iopmodel: error: {message}\n")
        sys.stderr.flush()
    except (OSError, AttributeError, ValueError):  # standard error closed too
        pass
