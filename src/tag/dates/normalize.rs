/*!
Second phase of date normalization: placeholders resolved to TIMEX3 values.

A rule's value template becomes a [`Pending`] value when it matches. Values that need the
article date, the tense of their clause or the date in focus stay pending until
[`Resolver::resolve`] runs over the document's dates in text order (HeidelTime's `UNDEF-*`
values and `specifyAmbiguousValues`, as a Rust enum).
*/
use chrono::{Datelike, Days, NaiveDate};

use super::rules::Lexicon;
use crate::error::{Error, Result};
use crate::hash::FxMap;

/// A calendar unit that relative expressions move by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Unit {
    Day,
    Week,
    Weekend,
    Month,
    Quarter,
    Year,
    Decade,
    Century,
}

impl Unit {
    /// The unit of a normalized unit code (`D`, `W`, `WE`, `M`, `Q`, `Y`, `DE`, `CE`).
    fn from_code(code: &str) -> Option<Unit> {
        Some(match code {
            "D" => Unit::Day,
            "W" => Unit::Week,
            "WE" => Unit::Weekend,
            "M" => Unit::Month,
            "Q" => Unit::Quarter,
            "Y" => Unit::Year,
            "DE" => Unit::Decade,
            "CE" => Unit::Century,
            _ => return None,
        })
    }
}

/// What a relative value is counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Anchor {
    /// The publication date (`yesterday`, `last week`).
    Dct,
    /// The last fully specified date before the mention (`the next day`), else the DCT.
    Ref,
    /// The DCT, at the granularity of a quarter in focus (financial news): `a year ago` after
    /// `the third quarter` is that quarter a year before; `the quarter` is the quarter in
    /// focus, else the last completed one.
    Period,
}

/// Which year a date missing its year falls in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum YearDir {
    /// Decided by the tense of the clause.
    Tense,
    /// The nearest such date at or before the article date.
    Past,
    /// The nearest such date at or after the article date.
    Future,
}

/// Which occurrence of a weekday is meant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum WeekdayDir {
    /// By the tense of the clause: the same day or the nearest past one in a past clause,
    /// the nearest coming one in a future clause, the nearest one either way without a cue.
    Near,
    /// The same day or the nearest past one, whatever the tense (`Wednesday's ruling`).
    Past,
    /// 1 to 7 days before the article date.
    Last,
    /// 1 to 7 days after the article date.
    Next,
    /// 1 to 7 days before the date in focus (`the previous Friday`).
    Before,
    /// 1 to 7 days after the date in focus (`the following Monday`).
    After,
    /// The day of the week of the date in focus (`that Friday`).
    Focus,
}

/// The tense of the clause around a mention.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tense {
    /// Past (the default for news).
    Past,
    /// Future.
    Future,
}

/// A value after the first phase: final, or waiting for the document pass.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Pending {
    /// A final value (`2025-12-13`, `P3Y`, `PRESENT_REF`).
    Done(String),
    /// A date missing its year: `rest` is what follows the year (`-12-13`, `-Q3`, `-SU`).
    NoYear { rest: String, dir: YearDir },
    /// `offset` units from the anchor, then `suffix` (`TMO`, `-FA`); a vague offset
    /// (`several days ago`) becomes PAST_REF or FUTURE_REF.
    Rel { anchor: Anchor, unit: Unit, offset: i64, vague: bool, suffix: String },
    /// A weekday (1 = Monday) with a direction, then `suffix`; with `weekend`, the ISO week
    /// of that Saturday as a weekend (`2025-W51-WE`).
    Weekday { day: u32, weekend: bool, dir: WeekdayDir, suffix: String },
    /// A day moved by `days` (`the day before last Tuesday`), or with `week` the ISO week
    /// of that day (`the week of March 6`): built by joining mentions, never parsed from a
    /// template.
    Shift { base: Box<Pending>, days: i64, week: bool },
    /// A year's reporting period (`the 1988 quarter`, `the 1989 period`): that year's quarter
    /// of the period in focus, else the year.
    PeriodOf(i32),
}

impl Pending {
    /// Parses a value template after capture substitution (syntax in `dates.rules`).
    pub(super) fn parse(v: &str) -> Result<Pending, String> {
        if let Some(rest) = v.strip_prefix("UNDEF") {
            let (dir, rest) = match rest.as_bytes().first() {
                Some(b'<') => (YearDir::Past, &rest[1..]),
                Some(b'>') => (YearDir::Future, &rest[1..]),
                _ => (YearDir::Tense, rest),
            };
            return Ok(Pending::NoYear { rest: rest.to_string(), dir });
        }
        for (prefix, anchor) in
            [("DCT:", Anchor::Dct), ("REF:", Anchor::Ref), ("PER:", Anchor::Period)]
        {
            if let Some(rest) = v.strip_prefix(prefix) {
                let (head, suffix) = rest.split_once(':').unwrap_or((rest, ""));
                let cut = head.find(['+', '-']).unwrap_or(head.len());
                let unit = Unit::from_code(&head[..cut])
                    .ok_or_else(|| format!("unknown unit in {v:?}"))?;
                let (offset, vague) = match head.get(cut..cut + 1) {
                    None | Some("") => (0, false),
                    Some(sign) => {
                        let sign = if sign == "-" { -1 } else { 1 };
                        match &head[cut + 1..] {
                            "X" => (sign, true),
                            n => (
                                sign * n.parse::<i64>().map_err(|_| format!("bad offset {v:?}"))?,
                                false,
                            ),
                        }
                    }
                };
                return Ok(Pending::Rel {
                    anchor,
                    unit,
                    offset,
                    vague,
                    suffix: suffix.to_string(),
                });
            }
        }
        if let Some(rest) = v.strip_prefix("WD:") {
            let mut parts = rest.splitn(3, ':');
            // `WE` is the weekend: its Saturday is found as a weekday, then written as a week.
            let first = parts.next();
            let weekend = first == Some("WE");
            let day = if weekend { Some(6) } else { first.and_then(|d| d.parse().ok()) };
            let day = day
                .filter(|d| (1..=7).contains(d))
                .ok_or_else(|| format!("bad weekday in {v:?}"))?;
            let dir = match parts.next() {
                Some("last") => WeekdayDir::Last,
                Some("next") => WeekdayDir::Next,
                Some("near") => WeekdayDir::Near,
                Some("past") => WeekdayDir::Past,
                Some("before") => WeekdayDir::Before,
                Some("after") => WeekdayDir::After,
                Some("focus") => WeekdayDir::Focus,
                _ => {
                    return Err(format!(
                        "weekday direction must be near|past|last|next|before|after|focus in {v:?}"
                    ))
                }
            };
            let suffix = parts.next().unwrap_or("").to_string();
            return Ok(Pending::Weekday { day, weekend, dir, suffix });
        }
        if let Some(year) = v.strip_prefix("PQ:") {
            return year.parse().map(Pending::PeriodOf).map_err(|_| format!("bad year in {v:?}"));
        }
        if let Some(rest) = v.strip_prefix("DUR:") {
            let (n, unit) = rest.split_once(':').ok_or_else(|| format!("bad duration {v:?}"))?;
            return duration(n, unit)
                .map(Pending::Done)
                .ok_or_else(|| format!("bad duration {v:?}"));
        }
        Ok(Pending::Done(v.to_string()))
    }

    /// True when the value needs no anchor (an absolute expression).
    /// A day moved from an absolute day is absolute too (`the week of Dec. 1, 2025`).
    pub(super) fn anchored(&self) -> bool {
        match self {
            Pending::Done(_) => true,
            Pending::Shift { base, .. } => base.anchored(),
            _ => false,
        }
    }
}

/// A TIMEX3 duration from a count (`3`, `X`, `2.5`) and a unit code (`Y`, `H`, `FN`...).
/// Decades and centuries are written in years (`two decades` = `P20Y`, `decades` = `PXY`, as
/// TimeML annotators write them; some centuries stay `PXCE`); a half unit goes to the next smaller one (`2 1/2 years` =
/// `P2Y6M`, `an hour and a half` = `PT1H30M`).
fn duration(n: &str, unit: &str) -> Option<String> {
    if n.is_empty() {
        return None;
    }
    if let Some(whole) = n.strip_suffix(".5") {
        let w: u32 = whole.parse().ok()?;
        // `{w}{big}{half}`, or the half alone when there is no whole unit.
        let part = |big: &str, half: &str| {
            if w == 0 {
                half.to_string()
            } else {
                format!("{w}{big}{half}")
            }
        };
        match unit {
            "Y" => return Some(format!("P{}", part("Y", "6M"))),
            "D" if w == 0 => return Some("PT12H".to_string()),
            "D" => return Some(format!("P{w}DT12H")),
            "H" => return Some(format!("PT{}", part("H", "30M"))),
            "MIN" => return Some(format!("PT{}", part("M", "30S"))),
            "DE" => return Some(format!("P{}Y", w * 10 + 5)),
            "CE" => return Some(format!("P{}Y", w * 100 + 50)),
            _ => {}
        }
    }
    Some(match unit {
        "DE" | "CE" => match n.parse::<u32>() {
            Ok(k) => format!("P{}Y", k * if unit == "DE" { 10 } else { 100 }),
            // Some decades are some years too (`decades-long` = `PXY`).
            Err(_) if unit == "DE" => format!("P{n}Y"),
            Err(_) => format!("P{n}{unit}"),
        },
        "Y" | "M" | "W" | "D" => format!("P{n}{unit}"),
        "Q" => match n.parse::<u32>() {
            Ok(k) => format!("P{}M", k * 3),
            Err(_) => format!("P{n}Q"),
        },
        "FN" => match n.parse::<u32>() {
            Ok(k) => format!("P{}W", k * 2),
            Err(_) => format!("P{n}W"),
        },
        "H" => format!("PT{n}H"),
        "MIN" => format!("PT{n}M"),
        "S" => format!("PT{n}S"),
        _ => return None,
    })
}

/// The date in focus: the last mentioned date with its known parts.
#[derive(Debug, Clone, Copy)]
struct Focus {
    year: i32,
    quarter: Option<u32>,
    month: Option<u32>,
    day: Option<u32>,
}

/// Resolves pending values over one document, in text order.
pub(super) struct Resolver {
    dct: Option<NaiveDate>,
    focus: Option<Focus>,
    /// The last quarter mentioned that has ended by the article date (`year`, `q`): the
    /// period a financial report is about. A quarter still running or forecast (`a
    /// fourth-quarter charge`, `losses through the third quarter of next year`) is no such
    /// period.
    period: Option<(i32, u32)>,
    /// The unit and value of the last mention when it counted years or quarters back with
    /// `ago` or `earlier` (`a year ago`; not `last year`): a `REF` count back by that unit
    /// right after it restates the same comparison (`up from $3 million a year ago ...
    /// compared with $2 million a year earlier`), not one further back.
    back: Option<(Unit, String)>,
}

impl Resolver {
    /// A resolver for an article published on `dct` (None: unknown, values keep `X` parts).
    pub(super) fn new(dct: Option<NaiveDate>) -> Resolver {
        Resolver { dct, focus: None, period: None, back: None }
    }

    /// The final value of `p`; `tense` is asked only when the value needs it. Dates with a
    /// known year become the focus for later `REF` values.
    pub(super) fn resolve(&mut self, p: &Pending, tense: impl FnOnce() -> Option<Tense>) -> String {
        let value = match p {
            Pending::Done(v) => v.clone(),
            Pending::NoYear { rest, dir } => self.no_year(rest, *dir, tense),
            Pending::Rel { anchor, unit, offset, vague, suffix } => {
                if *vague {
                    return if *offset < 0 { "PAST_REF" } else { "FUTURE_REF" }.to_string();
                }
                if let (Anchor::Ref, true, Some((u, v))) = (anchor, *offset < 0, &self.back) {
                    if u == unit {
                        return v.clone();
                    }
                }
                let focus = self.focus.and_then(|f| f.quarter.map(|q| (f.year, q)));
                // `the quarter` is the last ended one; `a year ago` may also be counted from the
                // quarter under way (`a first-quarter loss, against a year-earlier profit`).
                let begun = |&(y, q): &(i32, u32)| {
                    self.dct.is_none_or(|d| (y, q) <= (d.year(), d.month0() / 3 + 1))
                };
                let focus = match (anchor, unit) {
                    (Anchor::Period, Unit::Quarter) => self.period,
                    (Anchor::Period, _) => self.period.or(focus.filter(begun)),
                    _ => focus,
                };
                let mut offset = *offset;
                // A year before or after a quarter in focus is that quarter (`a year earlier`).
                match (anchor, unit, focus) {
                    (Anchor::Ref | Anchor::Period, Unit::Year, Some((year, q))) => {
                        return format!("{:04}-Q{q}", year as i64 + offset);
                    }
                    (Anchor::Period, Unit::Quarter, Some((year, q))) => {
                        let start = NaiveDate::from_ymd_opt(year, q * 3 - 2, 1);
                        if let Some(start) = start {
                            return shift(start, Unit::Quarter, offset);
                        }
                    }
                    (Anchor::Period, Unit::Quarter, None) => offset -= 1,
                    _ => {}
                }
                // A day counted from a month in focus that is not the article's (`last October
                // ... that same day`) is a day of that month, not of the article date.
                // (Not a time of day: `overnight`, `3 p.m.` are rather of the article date.)
                if let (Anchor::Ref, Unit::Day, Some(f), true) =
                    (anchor, unit, self.focus, suffix.is_empty())
                {
                    let other = self
                        .dct
                        .is_none_or(|d| (d.year(), d.month()) != (f.year, f.month.unwrap_or(0)));
                    if let (Some(m), None, true) = (f.month, f.day, other) {
                        return format!("{:04}-{m:02}-XX{suffix}", f.year);
                    }
                }
                let base = match anchor {
                    Anchor::Dct | Anchor::Period => self.dct,
                    Anchor::Ref => self.reference(*unit),
                };
                match base {
                    Some(date) => shift(date, *unit, offset) + suffix,
                    None => unknown(*unit).to_string() + suffix,
                }
            }
            Pending::PeriodOf(year) => match self.period {
                Some((_, q)) => format!("{year:04}-Q{q}"),
                None => format!("{year:04}"),
            },
            Pending::Shift { base, days, week } => {
                let day = self.resolve(base, tense);
                let date =
                    day.get(..10).and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
                match date {
                    // The day stays the focus (`that week` after `the week of March 23`).
                    Some(date) if *week => return shift(add_days(date, *days), Unit::Week, 0),
                    Some(date) => add_days(date, *days).format("%Y-%m-%d").to_string() + &day[10..],
                    // An unknown day stays unknown.
                    None => day,
                }
            }
            Pending::Weekday { day, weekend, dir, suffix } => match self.weekday_base(*dir) {
                Some(dct) => {
                    let today = dct.weekday().number_from_monday() as i64;
                    let day = *day as i64;
                    let back = (today - day).rem_euclid(7);
                    let fwd = (day - today).rem_euclid(7);
                    let delta = match dir {
                        WeekdayDir::Last | WeekdayDir::Before => {
                            -(if back == 0 { 7 } else { back })
                        }
                        WeekdayDir::Next | WeekdayDir::After => {
                            if fwd == 0 {
                                7
                            } else {
                                fwd
                            }
                        }
                        WeekdayDir::Past => -back,
                        WeekdayDir::Focus => day - today,
                        WeekdayDir::Near => match tense() {
                            Some(Tense::Future) => fwd,
                            Some(Tense::Past) => -back,
                            None if fwd < back => fwd,
                            None => -back,
                        },
                    };
                    let unit = if *weekend { Unit::Weekend } else { Unit::Day };
                    shift(add_days(dct, delta), unit, 0) + suffix
                }
                None if *weekend => format!("XXXX-WXX-WE{suffix}"),
                None => format!("XXXX-WXX-{day}{suffix}"),
            },
        };
        let value = moving_holiday(&value).unwrap_or(value);
        // A weekday counted from the focus leaves it where it is: `the previous Friday` said
        // twice is the same day.
        if let Pending::Weekday { dir: WeekdayDir::Before | WeekdayDir::After, .. } = p {
            self.back = None;
            return value;
        }
        // A year counted from a quarter, or a past year's quarter, is no new reporting period.
        let year_shift = matches!(p, Pending::Rel { unit: Unit::Year, .. } | Pending::PeriodOf(_));
        self.note(&value, !year_shift);
        self.back = match p {
            Pending::Rel { anchor: Anchor::Period | Anchor::Ref, unit, offset, .. }
                if *offset < 0 && matches!(unit, Unit::Year | Unit::Quarter) =>
            {
                Some((*unit, value.clone()))
            }
            _ => None,
        };
        value
    }

    /// A year for a date given without one: the article's year, moved back (past clause) or
    /// forward (future clause) when the month or quarter lies on the other side of the
    /// article date (HeidelTime's `UNDEF-year`).
    fn no_year(&self, rest: &str, dir: YearDir, tense: impl FnOnce() -> Option<Tense>) -> String {
        let Some(dct) = self.dct else {
            return format!("XXXX{rest}");
        };
        let part = rest.strip_prefix('-').unwrap_or(rest);
        // A past clause still reaches a month or two ahead (dates announced for soon after).
        // (the date's period, the article's, the slack, periods in a year)
        let (mine, theirs, slack, per_year) = if let Some(q) = part.strip_prefix('Q') {
            (q.parse::<u32>().ok(), dct.month0() / 3 + 1, 1, 4)
        } else if let Some(h) = part.strip_prefix('H') {
            (h.parse::<u32>().ok(), dct.month0() / 6 + 1, 0, 2)
        } else {
            // A feast moving with Easter falls in the month it has in the article's year.
            let feast = || match part.as_bytes().first() {
                Some(b'E') => easter(dct.year()),
                Some(b'O') => orthodox_easter(dct.year()),
                _ => None,
            };
            let month = part.get(..2).and_then(|m| m.parse::<u32>().ok());
            (month.or_else(|| feast().map(|d| d.month())), dct.month(), 2, 12)
        };
        let mut year = dct.year();
        if let Some(mine) = mine {
            // Only a tense guess gets the slack; `last December` means what it says.
            let (dir, slack) = match dir {
                YearDir::Tense => match tense() {
                    Some(Tense::Past) => (YearDir::Past, slack),
                    Some(Tense::Future) => (YearDir::Future, slack),
                    None => {
                        // No cue (`the talks, set for March`, `elections are in May`): the
                        // nearer occurrence, the past one on a tie.
                        let ahead = (mine + per_year - theirs) % per_year;
                        if ahead != 0 && ahead * 2 < per_year {
                            (YearDir::Future, 0)
                        } else {
                            (YearDir::Past, 0)
                        }
                    }
                },
                d => (d, 0),
            };
            if dir == YearDir::Past && mine > theirs + slack {
                year -= 1;
            } else if dir == YearDir::Future && mine + slack < theirs {
                year += 1;
            }
        }
        format!("{year:04}{rest}")
    }

    /// The day a weekday is counted from: the date in focus for `the previous Friday`, else
    /// the article date.
    fn weekday_base(&self, dir: WeekdayDir) -> Option<NaiveDate> {
        match dir {
            WeekdayDir::Before | WeekdayDir::After | WeekdayDir::Focus => self.reference(Unit::Day),
            _ => self.dct,
        }
    }

    /// The anchor date for a `REF` value of `unit`: the focus when it is precise enough,
    /// else the article date.
    fn reference(&self, unit: Unit) -> Option<NaiveDate> {
        if let Some(f) = self.focus {
            let month = f.month.or(f.quarter.map(|q| q * 3 - 2));
            let f = Focus { month, ..f };
            let (m, d) = match unit {
                Unit::Year | Unit::Decade | Unit::Century => {
                    (Some(f.month.unwrap_or(1)), Some(f.day.unwrap_or(1)))
                }
                Unit::Month | Unit::Quarter => (f.month, Some(f.day.unwrap_or(1))),
                _ => (f.month, f.day),
            };
            if let (Some(m), Some(d)) = (m, d) {
                if let Some(date) = NaiveDate::from_ymd_opt(f.year, m, d) {
                    return Some(date);
                }
            }
        }
        self.dct
    }

    /// Makes `value` the focus when it names a calendar year (`2024`, `2024-12`, `2024-12-13`).
    fn note(&mut self, value: &str, period: bool) {
        let b = value.as_bytes();
        if b.len() < 4
            || !b[..4].iter().all(u8::is_ascii_digit)
            || b.get(4).is_some_and(|&c| c != b'-')
        {
            return;
        }
        let num = |r: std::ops::Range<usize>| value.get(r).and_then(|s| s.parse::<u32>().ok());
        let Some(year) = num(0..4) else { return };
        let month = num(5..7).filter(|m| (1..=12).contains(m));
        let day = month.and(num(8..10)).filter(|d| (1..=31).contains(d));
        let quarter =
            value.get(5..6).filter(|q| *q == "Q").and(num(6..7)).filter(|q| (1..=4).contains(q));
        self.focus = Some(Focus { year: year as i32, quarter, month, day });
        // A date of a later year ends the reporting period (`In the 2024 first quarter ...
        // the current year ... a year ago`).
        if quarter.is_none() && self.period.is_some_and(|(y, _)| y < year as i32) {
            self.period = None;
        }
        if let Some(q) = quarter.filter(|_| period) {
            let ended = self.dct.is_none_or(|d| (year as i32, q) < (d.year(), d.month0() / 3 + 1));
            if ended {
                self.period = Some((year as i32, q));
            }
        }
    }
}

/// The date of a moving holiday once its year is known: `2024-E-2` (two days before Easter
/// Sunday), `2024-O+0` (Orthodox Easter Sunday), `2024-EW` (the ISO week holding Easter
/// Sunday: Holy Week, `Easter week`), `2024-11-W4-4` (the fourth Thursday of November),
/// `2024-05-WL-1` (the last Monday of May), `2024-11-W1-1+1` (the day after the first Monday
/// of November). None for any other value.
fn moving_holiday(value: &str) -> Option<String> {
    let (year, rest) = value.split_once('-')?;
    let year: i32 = year.parse().ok()?;
    let feast = match rest.as_bytes().first() {
        Some(b'E') => Some(easter(year)?),
        Some(b'O') => Some(orthodox_easter(year)?),
        _ => None,
    };
    let date = if let Some(sunday) = feast {
        let offset = &rest[1..];
        if offset == "W" {
            return Some(shift(sunday, Unit::Week, 0));
        }
        add_days(sunday, offset.parse().ok()?)
    } else {
        let mut parts = rest.splitn(3, '-');
        let month: u32 = parts.next()?.parse().ok()?;
        let nth = parts.next()?.strip_prefix('W')?;
        let day = parts.next()?;
        let (weekday, after) = day.split_once('+').unwrap_or((day, "0"));
        let weekday: u32 = weekday.parse().ok()?;
        let after: i64 = after.parse().ok()?;
        let first = NaiveDate::from_ymd_opt(year, month, 1)?;
        let to_first = (weekday as i64 - first.weekday().number_from_monday() as i64).rem_euclid(7);
        let first_match = add_days(first, to_first);
        let nth_match = if nth == "L" {
            let mut d = first_match;
            while add_days(d, 7).month() == month {
                d = add_days(d, 7);
            }
            d
        } else {
            let n: i64 = nth.parse().ok()?;
            add_days(first_match, 7 * (n - 1))
        };
        add_days(nth_match, after)
    };
    Some(date.format("%Y-%m-%d").to_string())
}

/// Easter Sunday of `year` (Gregorian calendar; the anonymous computus).
fn easter(year: i32) -> Option<NaiveDate> {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32)
}

/// Orthodox Easter Sunday of `year` as a Gregorian date: Meeus' Julian computus, then the
/// Julian calendar's lag (13 days from 1900 to 2099, 12 before, 14 after).
fn orthodox_easter(year: i32) -> Option<NaiveDate> {
    let a = year % 4;
    let b = year % 7;
    let c = year % 19;
    let d = (19 * c + 15) % 30;
    let e = (2 * a + 4 * b - d + 34) % 7;
    let month = (d + e + 114) / 31;
    let day = (d + e + 114) % 31 + 1;
    let julian = NaiveDate::from_ymd_opt(year, month as u32, day as u32)?;
    // The lag grows by one day in each century year not divisible by 400.
    let century = year / 100;
    let lag = century - century / 4 - 2;
    Some(add_days(julian, lag as i64))
}

/// `date` moved by `n` units, written at that unit's granularity.
fn shift(date: NaiveDate, unit: Unit, n: i64) -> String {
    match unit {
        Unit::Day => add_days(date, n).format("%Y-%m-%d").to_string(),
        Unit::Week | Unit::Weekend => {
            let w = add_days(date, n * 7).iso_week();
            let we = if unit == Unit::Weekend { "-WE" } else { "" };
            format!("{:04}-W{:02}{we}", w.year(), w.week())
        }
        Unit::Month => {
            let m = date.year() as i64 * 12 + date.month0() as i64 + n;
            format!("{:04}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1)
        }
        Unit::Quarter => {
            let q = date.year() as i64 * 4 + (date.month0() / 3) as i64 + n;
            format!("{:04}-Q{}", q.div_euclid(4), q.rem_euclid(4) + 1)
        }
        Unit::Year => format!("{:04}", date.year() as i64 + n),
        Unit::Decade => format!("{:03}", date.year() as i64 / 10 + n),
        Unit::Century => format!("{:02}", date.year() as i64 / 100 + n),
    }
}

/// `date` plus `n` days (saturating at the calendar's ends).
fn add_days(date: NaiveDate, n: i64) -> NaiveDate {
    let d = Days::new(n.unsigned_abs());
    if n >= 0 { date.checked_add_days(d) } else { date.checked_sub_days(d) }.unwrap_or(date)
}

/// The value of a relative date whose anchor is unknown.
fn unknown(unit: Unit) -> &'static str {
    match unit {
        Unit::Day => "XXXX-XX-XX",
        Unit::Week => "XXXX-WXX",
        Unit::Weekend => "XXXX-WXX-WE",
        Unit::Month => "XXXX-XX",
        Unit::Quarter => "XXXX-QX",
        Unit::Year => "XXXX",
        Unit::Decade => "XXX",
        Unit::Century => "XX",
    }
}

/// What a cue word of the `tense` class of `date_words.tsv` says about its clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cue {
    Tense(Tense),
    /// An `-ed` form after it is a participle, not a past tense (`will be held`).
    Passive,
    /// No cue: a two-word phrase that blocks its first word's cue (`next to`, `due to`).
    Not,
}

/// The tense cue words, keyed in lower case.
pub(super) struct TenseCues {
    cues: FxMap<String, Cue>,
    /// Per first letter (`a`..`z`), bit `n` set when some one-word cue has `n` bytes: most
    /// words of a window are no cue, and this rules them out without hashing (a date's tense
    /// was a quarter of the dates stage).
    words: [u32; 26],
    /// The same for the first words of two-word cues.
    pair_firsts: [u32; 26],
}

/// The bit of [`TenseCues::words`] for a lower-case word of `len` bytes starting with `first`:
/// the letter's index and the length's bit (0 when the word can be no cue).
fn length_bit(first: u8, len: usize) -> (usize, u32) {
    let letter = usize::from(first.to_ascii_lowercase().wrapping_sub(b'a'));
    if letter < 26 && len <= WORD {
        (letter, 1 << len)
    } else {
        (0, 0)
    }
}

impl TenseCues {
    /// The `tense` class of the date word table.
    pub(super) fn new(lexicon: &Lexicon) -> Result<TenseCues> {
        let mut cues = FxMap::default();
        let (mut words, mut pair_firsts) = ([0u32; 26], [0u32; 26]);
        for word in lexicon.words("tense") {
            let cue = match lexicon.get("tense", word) {
                Some("future") => Cue::Tense(Tense::Future),
                Some("past") => Cue::Tense(Tense::Past),
                Some("passive") => Cue::Passive,
                Some("none") => Cue::Not,
                other => {
                    return Err(Error::Data {
                        file: "date_words.tsv".into(),
                        line: 0,
                        message: format!(
                        "tense cue {word:?}: value {other:?} is not future, past, passive or none"
                    ),
                    })
                }
            };
            let word = word.to_ascii_lowercase();
            let (first, lengths) = match word.split_once(' ') {
                Some((first, _)) => (first, &mut pair_firsts),
                None => (word.as_str(), &mut words),
            };
            let (letter, bit) =
                length_bit(first.as_bytes().first().copied().unwrap_or(0), first.len());
            if bit == 0 {
                return Err(Error::Data {
                    file: "date_words.tsv".into(),
                    line: 0,
                    message: format!("tense cue {word:?}: a word must be 1 to {WORD} letters a-z"),
                });
            }
            lengths[letter] |= bit;
            cues.insert(word, cue);
        }
        Ok(TenseCues { cues, words, pair_firsts })
    }

    /// The tense of the clause around byte `at` of `sentence` (None: no cue near it).
    /// The nearest cue decides (HeidelTime `getLastTense`), with two preferences: a listed
    /// cue word beats a guessed `-ed` form, and a cue before the date beats one after it
    /// (the verb a date modifies usually precedes it: `will double its flights by August`).
    pub(super) fn tense(&self, sentence: &str, at: usize, end: usize) -> Option<Tense> {
        let bytes = sentence.as_bytes();
        let end = end.clamp(at, bytes.len());
        // Only the neighbourhood counts: a cue further away belongs to another clause.
        let (lo, hi) = (at.saturating_sub(TENSE_WINDOW), (end + TENSE_WINDOW).min(bytes.len()));
        // The comma (or other clause break) nearest the date on each side: a cue beyond it
        // counts as further away (`The talks, scheduled for March, were delayed`).
        let is_break = |b: &u8| matches!(b, b',' | b';' | b':' | b'(' | b')');
        let left_break = bytes[lo..at].iter().rposition(is_break).map_or(0, |p| lo + p);
        let right_break = bytes[end..hi].iter().position(is_break).map_or(usize::MAX, |p| end + p);
        let mut best: Option<(usize, Tense)> = None;
        let mut buf = [0u8; 2 * WORD + 1];
        let mut prev_passive = false;
        let mut i = lo;
        while i < hi {
            if !bytes[i].is_ascii_alphabetic() {
                // A quote closing after the date ends its clause: what follows is the
                // reporting verb (`... on Thursday,'' he said`), not the date's.
                if i >= end && closes_quote(&bytes[..=i]) {
                    break;
                }
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
                i += 1;
            }
            if start == lo && lo > 0 && bytes[lo - 1].is_ascii_alphabetic() {
                continue; // a word cut by the window
            }
            let len = i - start;
            let len = if len <= WORD { len } else { 0 };
            buf[..len].copy_from_slice(&bytes[start..start + len]);
            buf[..len].make_ascii_lowercase();
            let (letter, bit) = length_bit(bytes[start], len);
            // A two-word cue (`set to`, `next to`) wins over its first word's.
            let pair = if self.pair_firsts[letter] & bit != 0 {
                self.pair(&mut buf, len, bytes, i)
            } else {
                None
            };
            if let Some((_, next_end)) = pair {
                i = next_end;
            }
            let lower = std::str::from_utf8(&buf[..len]).unwrap_or("");
            let cue = pair.map(|(c, _)| c).or_else(|| {
                (self.words[letter] & bit != 0).then(|| self.cues.get(lower).copied()).flatten()
            });
            // (tense, weight): a guessed `-ed` form counts as if twice as far.
            let tense = match cue {
                Some(Cue::Tense(Tense::Past)) if prev_passive => None,
                Some(Cue::Not) => None,
                Some(Cue::Tense(t)) => Some((t, 1)),
                // Capitalized `-ed` words are names (`United`, `Red`), not verbs.
                _ if len > 4
                    && lower.ends_with("ed")
                    && !prev_passive
                    && bytes[start].is_ascii_lowercase() =>
                {
                    Some((Tense::Past, 2))
                }
                _ if lower == "ll" && start > 0 && bytes[start - 1] == b'\'' => {
                    Some((Tense::Future, 1))
                }
                _ => None,
            };
            if let Some((t, weight)) = tense {
                let dist =
                    if start >= end { (start - end) * AFTER_WEIGHT } else { at.saturating_sub(i) };
                let crossed = start < left_break || start > right_break;
                let dist = dist * weight + if crossed { CLAUSE_PENALTY } else { 0 };
                if best.is_none_or(|(d, _)| dist < d) {
                    best = Some((dist, t));
                }
            }
            // An adverb between keeps the state: `will be formally approved`, `a still
            // unspecified date`.
            let adverb = (len > 3 && lower.ends_with("ly")) || lower == "still";
            if !adverb || cue.is_some() {
                prev_passive = cue == Some(Cue::Passive);
            }
        }
        best.map(|(_, t)| t)
    }
}

/// The longest word a cue can be (bytes).
const WORD: usize = 16;

impl TenseCues {
    /// The cue of the two-word phrase made of the word in `buf[..len]` and the word after
    /// byte `i` of `bytes` (one space between), with the end of that second word.
    fn pair(&self, buf: &mut [u8], len: usize, bytes: &[u8], i: usize) -> Option<(Cue, usize)> {
        if len == 0 || len > WORD || bytes.get(i) != Some(&b' ') {
            return None;
        }
        let next = &bytes[i + 1..];
        let n = next.iter().take_while(|b| b.is_ascii_alphabetic()).count();
        if n == 0 || n > WORD {
            return None;
        }
        buf[len] = b' ';
        buf[len + 1..len + 1 + n].copy_from_slice(&next[..n]);
        buf[len + 1..len + 1 + n].make_ascii_lowercase();
        let phrase = std::str::from_utf8(&buf[..len + 1 + n]).ok()?;
        self.cues.get(phrase).map(|&c| (c, i + 1 + n))
    }
}

/// True when `bytes` end with a closing quote (`"`, `''` or `”`).
fn closes_quote(bytes: &[u8]) -> bool {
    bytes.ends_with(b"\"") || bytes.ends_with(b"''") || bytes.ends_with("\u{201D}".as_bytes())
}

/// How many bytes further a cue beyond a clause break counts.
const CLAUSE_PENALTY: usize = 60;

/// How much farther a cue after the date counts than one before it.
const AFTER_WEIGHT: usize = 2;

/// How many bytes around a mention [`tense`] looks at.
const TENSE_WINDOW: usize = 150;
