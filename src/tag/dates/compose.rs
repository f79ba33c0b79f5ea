/*!
Composite dates: adjacent mentions that news style writes as one expression, joined into one
mention with one value (after the rules, before resolution).

Three joins, each only across a short connector (so never across a sentence):
- a day and a time of day, either order: `Tuesday at 3 p.m.`, `3 p.m. Monday`, `yesterday at
  noon`, `noon on Dec. 13`, `Monday, at 10 a.m.`, `3 p.m. EST Tuesday` (the day's value with
  the time: `2025-12-23T15:00`; type TIME);
- `the week of` before a day: `the week of March 6` (that day's ISO week);
- an offset before a day: `the day before last Tuesday`, `two days after Christmas`, `a week
  before Dec. 13` (the day moved by the offset, instead of the offset counted from the date
  in focus).

A weekday or relative day with a part of day (`last Friday night`, `Monday morning`,
`yesterday evening`) is already one rule match. Not joined: `the morning of June 5` stays
`June 5` with the date's value, as TimeML annotators mark it (the part of day is a noun
phrase around the date, not part of its value).
*/
use super::normalize::{Anchor, Pending, Unit};
use super::rules::Candidate;
use crate::doc::Span;

/// A date mention ready for resolution: a rule's candidate or a join of two.
pub(super) struct Item {
    /// Its bytes.
    pub(super) span: Span,
    /// The rule of its day part (type and provenance of a single match).
    pub(super) rule: usize,
    /// Its pending value.
    pub(super) value: Pending,
    /// TIMEX3 `mod`, if any.
    pub(super) modifier: Option<&'static str>,
    /// The join that made it (provenance), None for a single match.
    pub(super) joined: Option<&'static str>,
}

/// `found` (sorted by start, negative rules already dropped) with adjacent parts joined.
pub(super) fn join(text: &str, found: Vec<Candidate>) -> Vec<Item> {
    let mut out: Vec<Item> = Vec::with_capacity(found.len());
    for c in found {
        let Some(value) = c.value else { continue };
        let item = Item { span: c.span, rule: c.rule, value, modifier: c.modifier, joined: None };
        if let Some(prev) = out.last_mut() {
            if let Some(joined) = pair(text, prev, &item) {
                *prev = joined;
                continue;
            }
            share_year(text, prev, &item);
        }
        let item = week_of(text, item);
        out.push(item);
    }
    out
}

/// `the week of March 6` as one mention valued as the ISO week of that day; other items
/// as they are.
fn week_of(text: &str, item: Item) -> Item {
    const WEEK_OF: &str = "the week of ";
    let start = item.span.start.saturating_sub(WEEK_OF.len());
    let before = text.get(start..item.span.start);
    let word_start = start == 0 || text.as_bytes()[start - 1].is_ascii_whitespace();
    if !before.is_some_and(|b| b.eq_ignore_ascii_case(WEEK_OF))
        || !word_start
        || !is_day(&item.value)
    {
        return item;
    }
    let value = Pending::Shift { base: Box::new(item.value), days: 0, week: true };
    Item { span: Span::new(start, item.span.end), value, joined: Some("week_of"), ..item }
}

/// Gives a date missing its year the year of the date it is coordinated with: `January and
/// June 1986`, `May 3 or May 10, 2024`.
fn share_year(text: &str, a: &mut Item, b: &Item) {
    let (Pending::NoYear { rest, .. }, Pending::Done(v)) = (&a.value, &b.value) else { return };
    let Some(gap) = text.get(a.span.end..b.span.start) else { return };
    let gap = gap.trim();
    let year = v.get(..4).filter(|y| y.bytes().all(|c| c.is_ascii_digit()));
    // A month, season or quarter (`-06`, `-SU`, `-Q3`) or a day (`-06-16`), with a year
    // before the same kind of part in the other date.
    let monthly = rest.len() == 3 || is_md(rest);
    if let (Some(year), true, true) = (year, monthly, matches!(gap, "and" | "or" | "," | "to")) {
        if v.len() == rest.len() + 4 {
            a.value = Pending::Done(format!("{year}{rest}"));
        }
    }
}

/// `a` and the next mention `b` as one mention, when they form one expression.
fn pair(text: &str, a: &Item, b: &Item) -> Option<Item> {
    let gap = text.get(a.span.end..b.span.start)?;
    let joined = |value: Pending, day: &Item, how: &'static str| Item {
        span: Span::new(a.span.start, b.span.end),
        rule: day.rule,
        value,
        modifier: day.modifier,
        joined: Some(how),
    };
    if let Some(time) = clock(&b.value) {
        // A part of day after a comma starts a new phrase (`Today, overnight rain...`).
        let comma_ok = time.bytes().any(|c| c.is_ascii_digit());
        if connects(gap, &["at", "at about", "at around", "about", "around"])
            && (comma_ok || !gap.contains(','))
        {
            return with_time(&a.value, time).map(|v| joined(v, a, "day_time"));
        }
    }
    if let Some(time) = clock(&a.value) {
        if connects(zone_stripped(gap), &["on"]) {
            return with_time(&b.value, time).map(|v| joined(v, b, "time_day"));
        }
    }
    // `the day before` + day, or a count of days or weeks + `before`/`after` + day.
    let offset = match day_offset(&a.value) {
        Some(days) if !gap.is_empty() && gap.bytes().all(|c| c.is_ascii_whitespace()) => Some(days),
        Some(_) => None,
        None => days_of(&a.value).and_then(|days| match gap.trim() {
            "before" => Some(-days),
            "after" => Some(days),
            _ => None,
        }),
    };
    match offset {
        Some(days) if is_day(&b.value) => {
            let value = Pending::Shift { base: Box::new(b.value.clone()), days, week: false };
            Some(joined(value, b, "offset_day"))
        }
        _ => None,
    }
}

/// The day count of a duration of days or weeks (`P2D`, `P1W`).
fn days_of(p: &Pending) -> Option<i64> {
    let Pending::Done(v) = p else { return None };
    let n = v.strip_prefix('P')?;
    let (n, per) = match n.strip_suffix('D') {
        Some(n) => (n, 1),
        None => (n.strip_suffix('W')?, 7),
    };
    n.parse::<i64>().ok().map(|n| n * per)
}

/// True when `gap` is whitespace, an optional comma, and at most one of `words` (ASCII
/// case-insensitive, single spaces).
fn connects(gap: &str, words: &[&str]) -> bool {
    let g = gap.trim();
    let g = g.strip_prefix(',').unwrap_or(g).trim_start();
    g.is_empty() || words.iter().any(|w| g.eq_ignore_ascii_case(w))
}

/// `gap` without a leading time zone (`EST`, `GMT`, `local time`) and comma after a clock.
fn zone_stripped(gap: &str) -> &str {
    let g = gap.trim_start();
    if let Some(rest) = g.strip_prefix("local time") {
        return rest;
    }
    let zone = g.bytes().take_while(u8::is_ascii_uppercase).count();
    let after = g.as_bytes().get(zone).copied();
    if (2..=4).contains(&zone) && after.is_none_or(|c| !c.is_ascii_alphanumeric()) {
        &g[zone..]
    } else {
        gap
    }
}

/// The time suffix (`T15:00`, `T12:00`, `TNI`) of a bare time of day, which otherwise
/// resolves against the date in focus.
fn clock(p: &Pending) -> Option<&str> {
    match p {
        Pending::Rel { anchor: Anchor::Ref, unit: Unit::Day, offset: 0, vague: false, suffix }
            if suffix.starts_with('T') =>
        {
            Some(suffix)
        }
        _ => None,
    }
}

/// The signed day count of an offset that needs an anchor (`the day before`, `a week
/// earlier`).
fn day_offset(p: &Pending) -> Option<i64> {
    match p {
        Pending::Rel { anchor: Anchor::Ref, unit, offset, vague: false, suffix }
            if *offset != 0 && suffix.is_empty() =>
        {
            match unit {
                Unit::Day => Some(*offset),
                Unit::Week => Some(*offset * 7),
                _ => None,
            }
        }
        _ => None,
    }
}

/// True when `p` names one calendar day (a date, a weekday, `yesterday`, a holiday).
fn is_day(p: &Pending) -> bool {
    match p {
        Pending::Done(v) => is_ymd(v),
        Pending::NoYear { rest, .. } => {
            is_md(rest) || rest.starts_with("-E") || rest.starts_with("-O") || rest.contains("-W")
        }
        Pending::Rel { unit: Unit::Day, suffix, .. } => suffix.is_empty(),
        Pending::Weekday { weekend, suffix, .. } => !weekend && suffix.is_empty(),
        Pending::Rel { .. } | Pending::Shift { .. } => false,
    }
}

/// The value of day `p` at the time of day `time`, None when `p` is no plain day.
fn with_time(p: &Pending, time: &str) -> Option<Pending> {
    Some(match p {
        Pending::Done(v) if is_ymd(v) => Pending::Done(format!("{v}{time}")),
        Pending::NoYear { rest, dir } if is_md(rest) => {
            Pending::NoYear { rest: format!("{rest}{time}"), dir: *dir }
        }
        Pending::Rel { anchor, unit: Unit::Day, offset, vague: false, suffix }
            if suffix.is_empty() =>
        {
            Pending::Rel {
                anchor: *anchor,
                unit: Unit::Day,
                offset: *offset,
                vague: false,
                suffix: time.to_string(),
            }
        }
        Pending::Weekday { day, weekend: false, dir, suffix } if suffix.is_empty() => {
            Pending::Weekday { day: *day, weekend: false, dir: *dir, suffix: time.to_string() }
        }
        _ => return None,
    })
}

/// `2025-12-13`.
fn is_ymd(v: &str) -> bool {
    v.len() == 10
        && v.bytes()
            .enumerate()
            .all(|(i, c)| if i == 4 || i == 7 { c == b'-' } else { c.is_ascii_digit() })
}

/// `-12-13` (a day without its year).
fn is_md(rest: &str) -> bool {
    rest.len() == 6
        && rest.bytes().enumerate().all(|(i, c)| {
            if i == 0 || i == 3 {
                c == b'-'
            } else {
                c.is_ascii_digit()
            }
        })
}
