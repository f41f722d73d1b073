//! `--warn-within` windows: `30d`, `8w`, `3m`, `1y`, or a bare number of
//! days. Months and years are calendar months counted from the as-of date
//! (`3m` from 2026-11-23 reaches 2027-02-23), so "warn three months ahead"
//! means what a person means by it.

use crate::rules::Date;

/// A look-ahead window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Window {
    Days(i64),
    Months(i64),
}

impl Window {
    /// Parses `N`, `Nd`, `Nw`, `Nm` or `Ny` (N ≥ 0).
    pub fn parse(s: &str) -> Result<Window, String> {
        let t = s.trim();
        let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
        let (digits, unit) = t.split_at(split);
        let n: i64 = digits
            .parse()
            .ok()
            .filter(|n| *n <= 100_000)
            .ok_or_else(|| bad(s))?;
        match unit {
            "" | "d" => Ok(Window::Days(n)),
            "w" => Ok(Window::Days(n * 7)),
            "m" => Ok(Window::Months(n)),
            "y" => Ok(Window::Months(n * 12)),
            _ => Err(bad(s)),
        }
    }

    /// The window's length in days when it starts on `from`.
    pub fn days_from(self, from: Date) -> i64 {
        match self {
            Window::Days(n) => n,
            Window::Months(n) => from.days_until(add_months(from, n)),
        }
    }
}

impl std::fmt::Display for Window {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            Window::Days(n) => write!(f, "{n} {}", if n == 1 { "day" } else { "days" }),
            Window::Months(n) => write!(f, "{n} {}", if n == 1 { "month" } else { "months" }),
        }
    }
}

fn bad(s: &str) -> String {
    format!("`{s}` is not a duration: use days, weeks, months or years, e.g. 30d, 8w, 3m, 1y")
}

/// `from` plus `n` calendar months; a day past the end of the target month
/// becomes its last day (Jan 31 + 1m = Feb 28/29).
fn add_months(from: Date, n: i64) -> Date {
    let index = i64::from(from.year) * 12 + i64::from(from.month) - 1 + n;
    let year = i32::try_from(index.div_euclid(12)).unwrap_or(i32::MAX);
    let month = u8::try_from(index.rem_euclid(12) + 1).unwrap_or(12);
    (1..=from.day)
        .rev()
        .find_map(|day| Date::new(year, month, day))
        .unwrap_or(from)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).expect("date")
    }

    #[test]
    fn parses_units() {
        assert_eq!(Window::parse("30d"), Ok(Window::Days(30)));
        assert_eq!(Window::parse("90"), Ok(Window::Days(90)));
        assert_eq!(Window::parse("8w"), Ok(Window::Days(56)));
        assert_eq!(Window::parse("3m"), Ok(Window::Months(3)));
        assert_eq!(Window::parse("1y"), Ok(Window::Months(12)));
        assert_eq!(Window::parse("0d"), Ok(Window::Days(0)));
        for bad in ["", "d", "3x", "-3d", "3 d", "1.5m", "99999999999d"] {
            assert!(Window::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn months_are_calendar_months() {
        assert_eq!(Window::Months(3).days_from(d("2026-11-23")), 92);
        assert_eq!(Window::Months(1).days_from(d("2027-01-31")), 28);
        assert_eq!(Window::Months(12).days_from(d("2028-02-29")), 365);
        assert_eq!(Window::Days(30).days_from(d("2026-11-23")), 30);
    }
}
