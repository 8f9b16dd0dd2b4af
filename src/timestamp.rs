//! The `TIMESTAMP` of a password or device claim: `Www Mmm d HH:mm:ss UTC yyyy`.

use alloc::string::String;
use core::fmt::{self, Write as _};

use chrono::{DateTime, Datelike, Timelike, Utc};

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The `TIMESTAMP` a claim signs and sends, e.g. `Tue Nov 5 09:01:02 UTC 2024`.
///
/// English names from fixed tables (never the locale), the day of the month **without**
/// zero padding, a 24-hour clock, the literal `UTC`, and the Gregorian year; fractions of a
/// second are truncated. Cognito refuses a zero-padded day or a wrong weekday.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use cognito_srp_auth::Timestamp;
///
/// let t = Timestamp::from(Utc.with_ymd_and_hms(2024, 11, 5, 9, 1, 2).unwrap());
/// assert_eq!(t.as_str(), "Tue Nov 5 09:01:02 UTC 2024");
/// ```
#[derive(Clone, Debug, Eq, PartialEq, Hash)]
pub struct Timestamp(String);

impl Timestamp {
    /// The current time of the system clock (feature `std`).
    #[cfg(feature = "std")]
    #[must_use]
    pub fn now() -> Self {
        Self::from(Utc::now())
    }

    /// The wire text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<DateTime<Utc>> for Timestamp {
    /// Format an instant. Years outside `0..=9999` (which Cognito would refuse anyway) are
    /// printed as signed decimal numbers.
    fn from(t: DateTime<Utc>) -> Self {
        let weekday = WEEKDAYS
            .get(t.weekday().num_days_from_monday() as usize)
            .copied();
        let month = MONTHS.get(t.month0() as usize).copied();
        let mut s = String::with_capacity(32);
        // Writing to a `String` cannot fail.
        let _ = write!(
            s,
            "{} {} {} {:02}:{:02}:{:02} UTC {:04}",
            weekday.unwrap_or_default(),
            month.unwrap_or_default(),
            t.day(),
            t.hour(),
            t.minute(),
            t.second().min(59),
            t.year(),
        );
        Self(s)
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
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn spec_section_10_table() {
        let cases = [
            ((2018, 7, 10, 11, 1, 0), "Tue Jul 10 11:01:00 UTC 2018"),
            ((2024, 11, 5, 9, 1, 2), "Tue Nov 5 09:01:02 UTC 2024"),
            ((2025, 12, 25, 23, 59, 59), "Thu Dec 25 23:59:59 UTC 2025"),
            ((2026, 1, 1, 0, 0, 0), "Thu Jan 1 00:00:00 UTC 2026"),
        ];
        for ((y, mo, d, h, mi, s), expected) in cases {
            let t = Utc
                .with_ymd_and_hms(y, mo, d, h, mi, s)
                .single()
                .map(Timestamp::from);
            assert_eq!(t.as_ref().map(Timestamp::as_str), Some(expected));
        }
    }
}
