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
use super::rules::{Candidate, Lexicon};
use crate::doc::Span;
use crate::error::{Error, Result};

/// What a connector phrase (class `join` of `date_words.tsv`) may join.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Between a day and its time: `Tuesday at 3 p.m.`.
    Time,
    /// Between a time and its day: `3 p.m. on Tuesday`.
    Day,
    /// An offset before a day: `two days before Christmas`.
    Before,
    /// An offset after a day: `two days after Christmas`.
    After,
    /// Between coordinated dates that share a year: `January and June 1986`.
    Coord,
    /// A time zone written out after a clock: `3 p.m. local time Tuesday`.
    Zone,
    /// Before a day, making it that day's week: `the week of March 6`.
    Week,
}

/// The connector phrases of composite dates, lower case, with their roles.
pub(super) struct Connectors(Vec<(String, Role)>);

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

impl Connectors {
    /// Class `join` of the date word table; each value names a role.
    pub(super) fn new(lexicon: &Lexicon) -> Result<Connectors> {
        let mut phrases = Vec::new();
        for phrase in lexicon.words("join") {
            let role = match lexicon.get("join", phrase) {
                Some("time") => Role::Time,
                Some("day") => Role::Day,
                Some("before") => Role::Before,
                Some("after") => Role::After,
                Some("coord") => Role::Coord,
                Some("zone") => Role::Zone,
                Some("week") => Role::Week,
                other => {
                    return Err(Error::Data {
                        file: "date_words.tsv".into(),
                        line: 0,
                        message: format!(
                            "join phrase {phrase:?}: value {other:?} is not time, day, before, \
                             after, coord, zone or week"
                        ),
                    })
                }
            };
            phrases.push((phrase.to_ascii_lowercase(), role));
        }
        Ok(Connectors(phrases))
    }

    /// The role of `phrase` (ASCII case-insensitive), if it is a connector.
    fn role(&self, phrase: &str) -> Option<Role> {
        self.0.iter().find(|(p, _)| p.eq_ignore_ascii_case(phrase)).map(|&(_, role)| role)
    }

    /// True when `gap` is whitespace, an optional comma, and at most one phrase of `role`.
    fn connects(&self, gap: &str, role: Role) -> bool {
        let g = gap.trim();
        let g = g.strip_prefix(',').unwrap_or(g).trim_start();
        g.is_empty() || self.role(g) == Some(role)
    }

    /// `found` (sorted by start, negative rules already dropped) with adjacent parts joined.
    pub(super) fn join(&self, text: &str, found: Vec<Candidate>) -> Vec<Item> {
        let mut out: Vec<Item> = Vec::with_capacity(found.len());
        for c in found {
            let Some(value) = c.value else { continue };
            // Shared with the rule cache's remembered outcome; a join may rewrite it.
            let value = std::sync::Arc::unwrap_or_clone(value);
            let item =
                Item { span: c.span, rule: c.rule, value, modifier: c.modifier, joined: None };
            if let Some(prev) = out.last_mut() {
                if let Some(joined) = self.pair(text, prev, &item) {
                    *prev = joined;
                    continue;
                }
                self.share_year(text, prev, &item);
            }
            out.push(self.week_of(text, item));
        }
        out
    }

    /// `the week of March 6` as one mention valued as the ISO week of that day; other items
    /// as they are.
    fn week_of(&self, text: &str, item: Item) -> Item {
        if !is_day(&item.value) {
            return item;
        }
        let head = &text.as_bytes()[..item.span.start];
        let start =
            self.0.iter().filter(|(_, role)| *role == Role::Week).find_map(|(phrase, _)| {
                // The phrase, one space, the day; a word boundary before the phrase.
                let start = item.span.start.checked_sub(phrase.len() + 1)?;
                let word_start = start == 0 || head[start - 1].is_ascii_whitespace();
                let spaced = head[item.span.start - 1] == b' ';
                (word_start
                    && spaced
                    && head[start..item.span.start - 1].eq_ignore_ascii_case(phrase.as_bytes()))
                .then_some(start)
            });
        let Some(start) = start else { return item };
        let value = Pending::Shift { base: Box::new(item.value), days: 0, week: true };
        Item { span: Span::new(start, item.span.end), value, joined: Some("week_of"), ..item }
    }

    /// Gives a date missing its year the year of the date it is coordinated with: `January and
    /// June 1986`, `May 3 or May 10, 2024`.
    fn share_year(&self, text: &str, a: &mut Item, b: &Item) {
        let (Pending::NoYear { rest, .. }, Pending::Done(v)) = (&a.value, &b.value) else { return };
        let Some(gap) = text.get(a.span.end..b.span.start) else { return };
        let gap = gap.trim();
        let year = v.get(..4).filter(|y| y.bytes().all(|c| c.is_ascii_digit()));
        // A month, season or quarter (`-06`, `-SU`, `-Q3`) or a day (`-06-16`), with a year
        // before the same kind of part in the other date.
        let monthly = rest.len() == 3 || is_md(rest);
        if let (Some(year), true, true) =
            (year, monthly, gap == "," || self.role(gap) == Some(Role::Coord))
        {
            if v.len() == rest.len() + 4 {
                a.value = Pending::Done(format!("{year}{rest}"));
            }
        }
    }

    /// `a` and the next mention `b` as one mention, when they form one expression.
    fn pair(&self, text: &str, a: &Item, b: &Item) -> Option<Item> {
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
            if self.connects(gap, Role::Time) && (comma_ok || !gap.contains(',')) {
                return with_time(&a.value, time).map(|v| joined(v, a, "day_time"));
            }
        }
        if let Some(time) = clock(&a.value) {
            if self.connects(self.zone_stripped(gap), Role::Day) {
                return with_time(&b.value, time).map(|v| joined(v, b, "time_day"));
            }
        }
        // `the day before` + day, or a count of days or weeks + `before`/`after` + day.
        let offset = match day_offset(&a.value) {
            Some(days) if !gap.is_empty() && gap.bytes().all(|c| c.is_ascii_whitespace()) => {
                Some(days)
            }
            Some(_) => None,
            None => days_of(&a.value).and_then(|days| match self.role(gap.trim()) {
                Some(Role::Before) => Some(-days),
                Some(Role::After) => Some(days),
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

    /// `gap` without a leading time zone (`EST`, `GMT`, `local time`) and comma after a
    /// clock.
    fn zone_stripped<'g>(&self, gap: &'g str) -> &'g str {
        let g = gap.trim_start();
        let written = self.0.iter().filter(|(_, role)| *role == Role::Zone).find_map(|(p, _)| {
            let head = g.get(..p.len())?;
            head.eq_ignore_ascii_case(p).then(|| &g[p.len()..])
        });
        if let Some(rest) = written {
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
        Pending::Rel { .. } | Pending::Shift { .. } | Pending::PeriodOf(_) => false,
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
