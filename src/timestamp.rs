//! The `TIMESTAMP` of a password or device claim: `Www Mmm d HH:mm:ss UTC yyyy`, written from
//! Unix time with the proleptic Gregorian calendar (no time library), and read back the way
//! Cognito reads it (feature `server`). Writer and reader share one pair of name tables.

use alloc::string::String;
use core::fmt::{self, Write as _};

/// English weekday names, Monday first (never the locale).
const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
/// English month names, January first.
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
/// Seconds in a day.
const DAY: i64 = 86_400;

/// A civil date and time of day (UTC).
#[derive(Clone, Copy, Debug, Eq, PartialEq)]
struct Civil {
    year: i64,
    /// 1 to 12.
    month: u8,
    /// 1 to 31.
    day: u8,
    /// Seconds since midnight, below 86,400.
    seconds: u64,
}

/// The civil date of a day count since 1970-01-01 (H. Hinnant's `civil_from_days`).
#[allow(clippy::integer_division_remainder_used)] // public calendar arithmetic
fn civil_from_days(days: i64) -> (i64, u8, u8) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097); // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let day = doy - (153 * mp + 2) / 5 + 1; // [1, 31]
    let month = if mp < 10 { mp + 3 } else { mp - 9 }; // [1, 12]
    let year = yoe + era * 400 + i64::from(month <= 2);
    // Month and day are in [1, 12] and [1, 31]: their low byte is the whole value.
    let ([month, ..], [day, ..]) = (month.to_le_bytes(), day.to_le_bytes());
    (year, month, day)
}

/// Days since 1970-01-01 of a civil date (H. Hinnant's `days_from_civil`).
#[cfg(feature = "server")]
#[allow(clippy::integer_division_remainder_used)] // public calendar arithmetic
fn days_from_civil(year: i64, month: u8, day: u8) -> i64 {
    let (month, day) = (i64::from(month), i64::from(day));
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400); // [0, 399]
    let mp = if month > 2 { month - 3 } else { month + 9 }; // [0, 11]
    let doy = (153 * mp + 2) / 5 + day - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe - 719_468
}

impl Civil {
    fn from_unix(seconds: i64) -> Self {
        let (year, month, day) = civil_from_days(seconds.div_euclid(DAY));
        Self {
            year,
            month,
            day,
            // `rem_euclid` is in [0, 86400): its magnitude is the value.
            seconds: seconds.rem_euclid(DAY).unsigned_abs(),
        }
    }
}

/// The `TIMESTAMP` a claim signs and sends, e.g. `Tue Nov 5 09:01:02 UTC 2024`.
///
/// English names from fixed tables (never the locale), the day of the month **without**
/// zero padding, a 24-hour clock, the literal `UTC`, and the Gregorian year; fractions of a
/// second are truncated. Cognito refuses a zero-padded day or a wrong weekday.
///
/// ```
/// use cognito_srp_auth::Timestamp;
///
/// let t = Timestamp::from_unix_seconds(1_730_797_262);
/// assert_eq!(t.as_str(), "Tue Nov 5 09:01:02 UTC 2024");
/// ```
#[derive(Clone, Debug, Eq, PartialEq, Hash)]
pub struct Timestamp(String);

impl Timestamp {
    /// The timestamp of an instant given as seconds since 1970-01-01T00:00:00Z (Unix time,
    /// leap seconds not counted). Years outside `0..=9999` (which Cognito would refuse
    /// anyway) are printed as signed decimal numbers.
    #[must_use]
    #[allow(clippy::integer_division_remainder_used)] // a public instant
    pub fn from_unix_seconds(seconds: i64) -> Self {
        let civil = Civil::from_unix(seconds);
        // 1970-01-01 was a Thursday (index 3 from Monday); `rem_euclid(7)` is in [0, 6].
        let [weekday, ..] = seconds
            .div_euclid(DAY)
            .wrapping_add(3)
            .rem_euclid(7)
            .to_le_bytes();
        // Both indices are in range by construction; `get` only keeps indexing out of the code.
        let weekday = WEEKDAYS.get(usize::from(weekday)).copied();
        let month = MONTHS
            .get(usize::from(civil.month.saturating_sub(1)))
            .copied();
        let (hour, minute, second) = (
            civil.seconds / 3600,
            civil.seconds / 60 % 60,
            civil.seconds % 60,
        );
        let mut s = String::with_capacity(32);
        // Writing to a `String` cannot fail.
        let _ = write!(
            s,
            "{} {} {} {hour:02}:{minute:02}:{second:02} UTC {:04}",
            weekday.unwrap_or_default(),
            month.unwrap_or_default(),
            civil.day,
            civil.year,
        );
        Self(s)
    }

    /// The current time of the system clock (feature `std`).
    #[cfg(feature = "std")]
    #[must_use]
    pub fn now() -> Self {
        let seconds = match std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
            // A clock before 1970: whole seconds before the epoch, rounded down.
            Err(before) => {
                let d = before.duration();
                let whole = i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
                0i64.saturating_sub(whole)
                    .saturating_sub(i64::from(d.subsec_nanos() > 0))
            }
        };
        Self::from_unix_seconds(seconds)
    }

    /// The wire text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Read a `TIMESTAMP` as Cognito reads it, into Unix seconds: `Www Mmm d HH:mm:ss UTC
    /// yyyy` with English names, where the day may be zero-padded and the weekday is not
    /// checked against the date (a signature over the canonical form catches both). `None`
    /// for any other text, or a date that does not exist. For public text only.
    #[cfg(feature = "server")]
    pub(crate) fn parse_unix_seconds_vartime(text: &str) -> Option<i64> {
        let mut parts = text.split(' ');
        let (Some(weekday), Some(month), Some(day), Some(time), Some("UTC"), Some(year), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return None;
        };
        if !WEEKDAYS.contains(&weekday) {
            return None;
        }
        let month = MONTHS.iter().position(|&m| m == month)?;
        let month = u8::try_from(month + 1).ok()?;
        let digits = |s: &str, lens: &[usize]| -> Option<u32> {
            (lens.contains(&s.len()) && s.bytes().all(|c| c.is_ascii_digit()))
                .then(|| s.parse().ok())?
        };
        let day = u8::try_from(digits(day, &[1, 2])?).ok()?;
        let year = i64::from(digits(year, &[4])?);
        let mut hms = time.split(':');
        let (Some(h), Some(m), Some(s), None) = (hms.next(), hms.next(), hms.next(), hms.next())
        else {
            return None;
        };
        let (h, m, s) = (digits(h, &[2])?, digits(m, &[2])?, digits(s, &[2])?);
        if h > 23 || m > 59 || s > 59 {
            return None;
        }
        let days = days_from_civil(year, month, day);
        // A day that does not exist (31 April, 29 February of a common year, day 0) comes back
        // as another date.
        if civil_from_days(days) != (year, month, day) {
            return None;
        }
        Some(days * DAY + i64::from(h * 3600 + m * 60 + s))
    }
}

#[cfg(feature = "chrono")]
impl From<chrono::DateTime<chrono::Utc>> for Timestamp {
    /// Format an instant (feature `chrono`); fractions of a second are truncated.
    fn from(t: chrono::DateTime<chrono::Utc>) -> Self {
        Self::from_unix_seconds(t.timestamp())
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Timestamp {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
#[allow(clippy::integer_division_remainder_used)] // tests compute on public values
mod tests {
    use super::*;

    /// Unix seconds of a UTC date and time, by chrono: the independent oracle.
    fn unix(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> i64 {
        chrono::NaiveDate::from_ymd_opt(y, mo, d)
            .and_then(|date| date.and_hms_opt(h, mi, s))
            .map(|t| t.and_utc().timestamp())
            .unwrap_or(i64::MIN)
    }

    #[test]
    fn known_timestamps() {
        let cases = [
            ((2018, 7, 10, 11, 1, 0), "Tue Jul 10 11:01:00 UTC 2018"),
            ((2024, 11, 5, 9, 1, 2), "Tue Nov 5 09:01:02 UTC 2024"),
            ((2025, 12, 25, 23, 59, 59), "Thu Dec 25 23:59:59 UTC 2025"),
            ((2026, 1, 1, 0, 0, 0), "Thu Jan 1 00:00:00 UTC 2026"),
            ((1970, 1, 1, 0, 0, 0), "Thu Jan 1 00:00:00 UTC 1970"),
            ((1969, 12, 31, 23, 59, 59), "Wed Dec 31 23:59:59 UTC 1969"),
            ((2000, 2, 29, 12, 0, 0), "Tue Feb 29 12:00:00 UTC 2000"),
        ];
        for ((y, mo, d, h, mi, s), expected) in cases {
            let t = Timestamp::from_unix_seconds(unix(y, mo, d, h, mi, s));
            assert_eq!(t.as_str(), expected);
        }
    }

    /// The extreme instants are formatted without overflow (the years as signed numbers).
    #[test]
    fn extreme_instants() {
        assert_eq!(
            Timestamp::from_unix_seconds(i64::MAX).as_str(),
            "Sun Dec 4 15:30:07 UTC 292277026596"
        );
        assert_eq!(
            Timestamp::from_unix_seconds(i64::MIN).as_str(),
            "Sun Jan 27 08:29:52 UTC -292277022657"
        );
    }

    /// Every day from 1600 to 2400, at a time that moves through the day: the writer agrees
    /// with chrono's formatting, and (feature `server`) the reader gives the instant back.
    #[test]
    fn agrees_with_chrono_over_eight_centuries() {
        let start = unix(1600, 1, 1, 0, 0, 0);
        let end = unix(2400, 12, 31, 0, 0, 0);
        let mut t = start;
        let mut days = 0;
        while t <= end {
            let expected = chrono::DateTime::from_timestamp(t, 0)
                .map(|d| alloc::format!("{}", d.format("%a %b %-d %H:%M:%S UTC %Y")));
            let ours = Timestamp::from_unix_seconds(t);
            assert_eq!(Some(ours.as_str().into()), expected, "{t}");
            #[cfg(feature = "server")]
            assert_eq!(
                Timestamp::parse_unix_seconds_vartime(ours.as_str()),
                Some(t)
            );
            t += DAY + 3_607;
            days += 1;
        }
        // 800 years of 86,400 + 3,607-second steps.
        assert_eq!(days, (end - start) / (DAY + 3_607) + 1);
        assert_eq!(days, 280_835);
    }

    #[cfg(feature = "server")]
    #[test]
    fn reader_refuses_what_cognito_refuses() {
        let read = Timestamp::parse_unix_seconds_vartime;
        assert_eq!(
            read("Tue Nov 05 09:01:02 UTC 2024"),
            Some(unix(2024, 11, 5, 9, 1, 2))
        );
        assert_eq!(
            read("Mon Nov 5 09:01:02 UTC 2024"),
            Some(unix(2024, 11, 5, 9, 1, 2))
        );
        for bad in [
            "Tue Apr 31 09:01:02 UTC 2024",
            "Thu Feb 29 09:01:02 UTC 2025",
            "Tue Nov 0 09:01:02 UTC 2024",
            "Tue Nov 5 24:01:02 UTC 2024",
            "Tue Nov 5 09:60:02 UTC 2024",
            "Tue Nov 5 09:01:60 UTC 2024",
            "Tue Nov 5 9:01:02 UTC 2024",
            "Tue Nov 5 09:01:02 GMT 2024",
            "Tue Nov 5 09:01:02 UTC 24",
            "Tue Nov  5 09:01:02 UTC 2024",
            "Tue Nov 5 09:01:02 UTC 2024 ",
            "tue Nov 5 09:01:02 UTC 2024",
            "Tue Nov +5 09:01:02 UTC 2024",
            "",
        ] {
            assert_eq!(read(bad), None, "{bad:?}");
        }
    }
}
