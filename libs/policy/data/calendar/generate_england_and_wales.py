#!/usr/bin/env python3
"""Writes england-and-wales.json (GOV.UK bank-holidays.json shape) for 2018-2030.

Rules (Banking and Financial Dealings Act 1971 plus royal proclamations):
New Year's Day (substitute Monday when it falls at a weekend), Good Friday, Easter Monday,
early May (first Monday; 2020 moved to Friday 8 May for VE Day), spring (last Monday of May;
2022 moved to Thursday 2 June plus Friday 3 June Platinum Jubilee), summer (last Monday of
August), Christmas Day and Boxing Day with substitutes, plus one-off days: 2022-09-19 State
Funeral of Queen Elizabeth II and 2023-05-08 Coronation of King Charles III.
Operators can replace the output with the live feed from https://www.gov.uk/bank-holidays.json.
Usage: generate_england_and_wales.py > england-and-wales.json
"""
import datetime as dt
import json
import sys


def easter(year):
    # Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l) // 451
    month, day = divmod(h + l - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def first_monday(year, month):
    d = dt.date(year, month, 1)
    return d + dt.timedelta(days=(7 - d.weekday()) % 7)


def last_monday(year, month):
    d = dt.date(year + (month // 12), month % 12 + 1, 1) - dt.timedelta(days=1)
    return d - dt.timedelta(days=d.weekday())


def event(title, date, notes=""):
    return {"title": title, "date": date.isoformat(), "notes": notes, "bunting": True}


def year_events(y):
    out = []
    ny = dt.date(y, 1, 1)
    if ny.weekday() >= 5:
        out.append(event("New Year’s Day", ny + dt.timedelta(days=7 - ny.weekday()), "Substitute day"))
    else:
        out.append(event("New Year’s Day", ny))
    e = easter(y)
    out.append(event("Good Friday", e - dt.timedelta(days=2)))
    out.append(event("Easter Monday", e + dt.timedelta(days=1)))
    if y == 2020:
        out.append(event("Early May bank holiday (VE day)", dt.date(2020, 5, 8)))
    else:
        out.append(event("Early May bank holiday", first_monday(y, 5)))
    if y == 2023:
        out.append(event("Bank holiday for the coronation of King Charles III", dt.date(2023, 5, 8)))
    if y == 2022:
        out.append(event("Spring bank holiday", dt.date(2022, 6, 2)))
        out.append(event("Platinum Jubilee bank holiday", dt.date(2022, 6, 3)))
    else:
        out.append(event("Spring bank holiday", last_monday(y, 5)))
    out.append(event("Summer bank holiday", last_monday(y, 8)))
    if y == 2022:
        out.append(event("Bank Holiday for the State Funeral of Queen Elizabeth II", dt.date(2022, 9, 19)))
    xmas = dt.date(y, 12, 25)
    wd = xmas.weekday()
    if wd == 5:  # Saturday: Mon 27 and Tue 28 are substitutes
        out.append(event("Christmas Day", dt.date(y, 12, 27), "Substitute day"))
        out.append(event("Boxing Day", dt.date(y, 12, 28), "Substitute day"))
    elif wd == 6:  # Sunday: Boxing Day Mon 26, Christmas substitute Tue 27
        out.append(event("Christmas Day", dt.date(y, 12, 27), "Substitute day"))
        out.append(event("Boxing Day", dt.date(y, 12, 26)))
    elif wd == 4:  # Friday: Boxing Day falls on Saturday, substitute Mon 28
        out.append(event("Christmas Day", xmas))
        out.append(event("Boxing Day", dt.date(y, 12, 28), "Substitute day"))
    else:
        out.append(event("Christmas Day", xmas))
        out.append(event("Boxing Day", dt.date(y, 12, 26)))
    return sorted(out, key=lambda ev: ev["date"])


def main():
    events = []
    for y in range(2018, 2031):
        events.extend(year_events(y))
    doc = {"england-and-wales": {"division": "england-and-wales", "events": events}}
    json.dump(doc, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
