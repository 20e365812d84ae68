#!/usr/bin/python3
"""Expands calendars with an implementation that shares no code with calpage: Debian's
python3-recurring-ical-events (icalendar + dateutil + pytz). Used by
differential-expansion.test.ts as the reference.

stdin:  JSON list of {"id", "ics", "from", "to", "zone"} (from/to ISO instants, zone: the
        schedule's IANA zone for floating and all-day times when there is no X-WR-TIMEZONE)
stdout: JSON object id -> list of {"uid", "summary", "start", "end"} (UTC ISO, ms, "Z"),
        sorted, or id -> {"error": "..."} when the library cannot read the case.

recurring-ical-events 2.0.1 is older than the semantics calpage implements in a few places; this
adapter fills exactly those gaps, in the open, without touching its recurrence arithmetic:
- Lengths are kept on the wall clock (a Monday 09:00 -> Tuesday 09:00 shift ends at 09:00 on
  the far side of a DST change, as calendar apps show it); the library adds absolute time.
  DTEND is rewritten as the wall-clock DURATION before expansion and each end re-localised.
- Floating times and DATE values are read in X-WR-TIMEZONE, else the schedule's zone, after
  expansion (x_wr_timezone's own conversion is not used; it turns a floating UNTIL into UTC).
- Several distinct RRULE lines (the library refuses them): the event is expanded once per rule
  and the union taken.
- RECURRENCE-ID;RANGE=THISANDFUTURE (ignored by the library, which applies it to its own
  instance only): every later occurrence that has no instance of its own is moved by the same
  wall-clock shift and takes the instance's length and title, or is dropped when it is cancelled.
- STATUS:CANCELLED instances are returned by the library; they are removed here.
- Date-times with a zone are handed to the library as wall times in the event's zone (UNTIL,
  EXDATE, RDATE and RECURRENCE-ID converted to that zone) and localised again afterwards:
  dateutil keeps DTSTART's UTC offset for every instance, so with pytz an UNTIL that names an
  instance on the other side of a DST change was compared an hour off and the instance lost.
"""
import datetime
import json
import sys

import icalendar
import pytz
import recurring_ical_events

UTC = pytz.utc
MARGIN = datetime.timedelta(days=40)


def naive(value):
    """Wall-clock view of a date-time (or a date as midnight)."""
    if isinstance(value, datetime.datetime):
        return value.replace(tzinfo=None)
    return datetime.datetime(value.year, value.month, value.day)


def localize(tz, wall):
    """An aware date-time for a wall time in `tz` (pytz's choice for gaps/overlaps; tests avoid them)."""
    return tz.localize(wall)


def iso(value):
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def wall_duration(event):
    start = event["DTSTART"].dt
    if "DTEND" in event:
        end = event["DTEND"].dt
    elif "DURATION" in event:
        return event["DURATION"].dt
    else:
        return datetime.timedelta(days=1) if not isinstance(start, datetime.datetime) else datetime.timedelta(0)
    return naive(end) - naive(start)


def set_duration(event):
    """DTEND -> wall-clock DURATION, so the library's aware arithmetic adds wall time."""
    duration = wall_duration(event)
    if "DTEND" in event:
        del event["DTEND"]
    if "DURATION" in event:
        del event["DURATION"]
    event.add("DURATION", duration)


ZONE_PROP = "X-REFERENCE-ZONE"


def wall_in(tz, value):
    """A date-time as a naive wall time in `tz` (dates and naive values unchanged)."""
    if isinstance(value, datetime.datetime) and value.tzinfo is not None:
        return tz.normalize(value.astimezone(tz)).replace(tzinfo=None)
    return value


def strip_zone(event):
    """Rewrites an event's zoned values as wall times in its DTSTART's zone; records the zone."""
    start = event["DTSTART"].dt
    if not (isinstance(start, datetime.datetime) and start.tzinfo is not None):
        return
    tz = pytz.timezone(start.tzinfo.zone)
    event[ZONE_PROP] = tz.zone
    for name in ("DTSTART", "DTEND", "RECURRENCE-ID"):
        if name in event:
            prop = event[name]
            params = {k: v for k, v in prop.params.items() if k != "TZID"}
            del event[name]
            event.add(name, wall_in(tz, prop.dt), parameters=params or None)
    for name in ("EXDATE", "RDATE"):
        if name in event:
            lists = event[name] if isinstance(event[name], list) else [event[name]]
            values = [wall_in(tz, v.dt) for lst in lists for v in lst.dts]
            del event[name]
            event.add(name, values)
    if "RRULE" in event:
        rules = event["RRULE"] if isinstance(event["RRULE"], list) else [event["RRULE"]]
        for rule in rules:
            if "UNTIL" in rule:
                rule["UNTIL"] = [wall_in(tz, u) for u in rule["UNTIL"]]


def rrules_of(event):
    value = event.get("RRULE")
    if value is None:
        return []
    values = value if isinstance(value, list) else [value]
    out = []
    for v in values:
        text = v.to_ical().decode()
        if text not in [o.to_ical().decode() for o in out]:
            out.append(v)
    return out


def expand(case):
    cal = icalendar.Calendar.from_ical(case["ics"])
    wr = cal.get("X-WR-TIMEZONE")
    floating_tz = pytz.timezone(str(wr)) if wr else pytz.timezone(case["zone"])
    span_from = datetime.datetime.fromisoformat(case["from"].replace("Z", "+00:00"))
    span_to = datetime.datetime.fromisoformat(case["to"].replace("Z", "+00:00"))

    events = [c for c in cal.walk("VEVENT")]
    # THISANDFUTURE instances, per UID: (original start, shift, length, summary, cancelled)
    future = {}
    for ev in events:
        rid = ev.get("RECURRENCE-ID")
        if rid is not None and str(rid.params.get("RANGE", "")).upper() == "THISANDFUTURE":
            future.setdefault(str(ev["UID"]), []).append(
                (
                    naive(rid.dt),
                    naive(ev["DTSTART"].dt) - naive(rid.dt),
                    wall_duration(ev),
                    str(ev.get("SUMMARY", "")),
                    str(ev.get("STATUS", "")).upper() == "CANCELLED",
                )
            )
    for lst in future.values():
        lst.sort(key=lambda f: f[0])

    # One calendar per rule of every event (the union of several RRULEs).
    variants = {}
    out_cal = icalendar.Calendar()
    for ev in events:
        strip_zone(ev)
        set_duration(ev)
    masters = {str(ev["UID"]): ev for ev in events if "RECURRENCE-ID" not in ev}
    for uid, master in masters.items():
        rules = rrules_of(master)
        variants[uid] = max(1, len(rules))
    for ev in events:
        uid = str(ev["UID"])
        n = variants.get(uid, 1)
        for k in range(n):
            copy = ev.copy()
            copy["UID"] = f"{uid}\u0000{k}"
            if "RECURRENCE-ID" not in ev and n > 1:
                del copy["RRULE"]
                copy.add("RRULE", rrules_of(ev)[k])
            out_cal.add_component(copy)

    unfolded = recurring_ical_events.UnfoldableCalendar(out_cal)
    # The library compares a naive span with each series in that series' own terms: ask wide, filter exactly below.
    found = unfolded.between(naive(span_from) - MARGIN, naive(span_to) + MARGIN)
    # Per rule variant, how often each occurrence appears; the union keeps the most of any variant
    # (two identical occurrences of one series stay two, as calpage and the library show them).
    counts = {}
    for occ in found:
        if str(occ.get("STATUS", "")).upper() == "CANCELLED":
            continue
        uid, variant = str(occ["UID"]).split("\u0000")
        start = occ["DTSTART"].dt
        stop = occ["DTEND"].dt
        length = naive(stop) - naive(start)
        summary = str(occ.get("SUMMARY", ""))
        tz = pytz.timezone(str(occ[ZONE_PROP])) if ZONE_PROP in occ else None
        if "RECURRENCE-ID" not in occ:
            governing = None
            for f in future.get(uid, []):
                if f[0] <= naive(start):
                    governing = f
            if governing is not None:
                _, shift, flen, fsummary, cancelled = governing
                if cancelled:
                    continue
                start = naive(start) + shift
                length = flen
                summary = fsummary
        start_wall = naive(start)
        if tz is not None:
            start_utc = localize(tz, start_wall).astimezone(UTC)
            end_utc = localize(tz, start_wall + length).astimezone(UTC)
        else:
            start_utc = localize(floating_tz, start_wall).astimezone(UTC)
            end_utc = localize(floating_tz, start_wall + length).astimezone(UTC)
        if not (start_utc < span_to and end_utc > span_from):
            continue
        key = (uid, summary, iso(start_utc), iso(end_utc))
        per_variant = counts.setdefault(key, {})
        per_variant[variant] = per_variant.get(variant, 0) + 1
    result = []
    for (uid, summary, start, end), per_variant in counts.items():
        result.extend({"uid": uid, "summary": summary, "start": start, "end": end} for _ in range(max(per_variant.values())))
    result.sort(key=lambda o: (o["start"], o["end"], o["uid"], o["summary"]))
    return result


def main():
    cases = json.load(sys.stdin)
    answers = {}
    for case in cases:
        try:
            answers[case["id"]] = expand(case)
        except Exception as error:  # noqa: BLE001 - reported per case to the test
            answers[case["id"]] = {"error": f"{type(error).__name__}: {error}"}
    json.dump(answers, sys.stdout)


if __name__ == "__main__":
    main()
