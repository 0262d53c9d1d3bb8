//! The values a comparison meets, and the reference matcher's rules for them: timestamps read
//! strictly and kept to the microsecond, IPv4 addresses as `inet_aton` reads them (IPv6 besides),
//! CIDR blocks, and how strings and binary values compare.

use std::net::Ipv6Addr;

/// A timestamp as STIX patterning and `observed-data` write it — `YYYY-MM-DDTHH:MM:SS[.fraction]Z`,
/// upper-case `T` and `Z`, a real calendar day — as microseconds since the epoch (a finer fraction
/// is cut, as the reference matcher cuts it).
pub fn timestamp_micros(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 20 || *b.last()? != b'Z' {
        return None;
    }
    let num = |from: usize, len: usize| -> Option<i64> {
        let part = b.get(from..from + len)?;
        if !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(part).ok()?.parse().ok()
    };
    if b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (year, month, day) = (num(0, 4)?, num(5, 2)?, num(8, 2)?);
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    let micros = match &b[19..b.len() - 1] {
        [] => 0,
        [b'.', frac @ ..] if !frac.is_empty() && frac.iter().all(u8::is_ascii_digit) => {
            let mut m = 0i64;
            for i in 0..6 {
                m = m * 10 + frac.get(i).map_or(0, |d| i64::from(d - b'0'));
            }
            m
        }
        _ => return None,
    };
    if !(1..=12).contains(&month) || hour > 23 || minute > 59 || second > 59 || year < 1 {
        return None;
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days_in = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if day < 1 || day > days_in[(month - 1) as usize] {
        return None;
    }
    // Days from the civil date (Howard Hinnant's algorithm).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(((days * 24 + hour) * 60 + minute) * 60_000_000 + second * 1_000_000 + micros)
}

/// An IPv4 address as the C library's `inet_aton` reads it (what the reference matcher uses):
/// one to four parts, each decimal, octal (leading `0`) or hexadecimal (`0x`), the last filling the
/// bytes that remain; trailing white space ends the address.
pub fn inet_aton(s: &str) -> Option<u32> {
    let s = s.split([' ', '\t', '\n', '\r', '\x0b', '\x0c']).next()?;
    let parts: Vec<&str> = s.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let mut values = Vec::with_capacity(4);
    for p in &parts {
        let v = if let Some(h) = p.strip_prefix("0x").or_else(|| p.strip_prefix("0X")) {
            if h.is_empty() {
                0
            } else {
                u64::from_str_radix(h, 16).ok()?
            }
        } else if p.len() > 1 && p.starts_with('0') {
            u64::from_str_radix(&p[1..], 8).ok()?
        } else {
            if p.is_empty() || !p.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            p.parse::<u64>().ok()?
        };
        values.push(v);
    }
    let (last, head) = values.split_last()?;
    if head.iter().any(|v| *v > 255) {
        return None;
    }
    let rest_bits = 8 * (4 - head.len() as u32);
    if rest_bits < 64 && *last >= 1u64 << rest_bits {
        return None;
    }
    let mut out: u64 = 0;
    for v in head {
        out = out << 8 | v;
    }
    Some(((out << rest_bits) | last) as u32)
}

/// An address or a block, in one family: bits from the top, prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Block {
    V4(u32, u32),
    V6(u128, u32),
}

impl Block {
    /// `a.b.c.d` (prefix 32) or `a.b.c.d/n` with `n` in 1..=32, as the reference reads them; an
    /// IPv6 address or block besides (the reference refuses IPv6; we compare it).
    pub fn parse(s: &str, block_required: bool) -> Option<Block> {
        let (addr, len) = match s.split_once('/') {
            Some((a, l)) => {
                if l.is_empty() || !l.bytes().all(|c| c.is_ascii_digit()) || l.len() > 3 {
                    return None;
                }
                (a, Some(l.parse::<u32>().ok()?))
            }
            None if block_required => return None,
            None => (s, None),
        };
        if addr.contains(':') {
            let a: Ipv6Addr = addr.parse().ok()?;
            let len = len.unwrap_or(128);
            return (1..=128)
                .contains(&len)
                .then_some(Block::V6(u128::from(a), len));
        }
        let a = inet_aton(addr)?;
        let len = len.unwrap_or(32);
        (1..=32).contains(&len).then_some(Block::V4(a, len))
    }

    /// Whether `self` lies within `outer` (an address within a block, or a block within a wider
    /// one); blocks of different families never do.
    pub fn within(self, outer: Block) -> bool {
        match (self, outer) {
            (Block::V4(a, al), Block::V4(b, bl)) => {
                let mask = if bl == 0 { 0 } else { u32::MAX << (32 - bl) };
                bl <= al && a & mask == b & mask
            }
            (Block::V6(a, al), Block::V6(b, bl)) => {
                let mask = if bl == 0 { 0 } else { u128::MAX << (128 - bl) };
                bl <= al && a & mask == b & mask
            }
            _ => false,
        }
    }

    /// The prefix length (32 or 128 for an address).
    pub fn prefix(self) -> u32 {
        match self {
            Block::V4(_, l) | Block::V6(_, l) => l,
        }
    }

    /// The block's first address under a prefix of `len` bits: the key the index keeps blocks by.
    pub fn masked(self, len: u32) -> Option<Block> {
        match self {
            Block::V4(a, al) if len <= al && len >= 1 => {
                Some(Block::V4(a & (u32::MAX << (32 - len)), len))
            }
            Block::V6(a, al) if len <= al && len >= 1 => {
                Some(Block::V6(a & (u128::MAX << (128 - len)), len))
            }
            _ => None,
        }
    }
}

/// A string as bytes, when every character is below 256 (how the reference compares a string
/// with a binary value; otherwise they do not compare).
pub fn latin1(s: &str) -> Option<Vec<u8>> {
    s.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect()
}

/// `base64` as Python's `standard_b64decode` reads it: characters outside the alphabet skipped,
/// padding required.
pub fn base64_lenient(s: &str) -> Option<Vec<u8>> {
    use base64::Engine;
    let kept: String = s
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
        .collect();
    base64::engine::general_purpose::STANDARD.decode(kept).ok()
}

/// Hexadecimal digits in pairs, either case.
pub fn hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.is_ascii() {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|k| u8::from_str_radix(s.get(k..k + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_read_strictly_to_the_microsecond() {
        assert_eq!(timestamp_micros("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(timestamp_micros("1970-01-01T00:00:01.5Z"), Some(1_500_000));
        assert_eq!(
            timestamp_micros("2010-05-21T13:21:43.123456789Z"),
            timestamp_micros("2010-05-21T13:21:43.123456Z")
        );
        assert_eq!(
            timestamp_micros("2000-03-01T00:00:00Z"),
            Some(951_868_800_000_000)
        );
        for bad in [
            "2010-05-21T13:21:43",
            "2010-05-21T13:21:43z",
            "2010-05-21t13:21:43Z",
            "2010/05/21T13:21:43Z",
            "2010-05-21T13:21:99Z",
            "2010-05-21T13:21Z",
            "2010-02-30T00:00:00Z",
            "2010-05-21T13:21:43.Z",
            "2010-05-21T13:21:43+00:00",
        ] {
            assert_eq!(timestamp_micros(bad), None, "{bad}");
        }
    }

    #[test]
    fn addresses_as_inet_aton_reads_them() {
        assert_eq!(inet_aton("1.2.3.4"), Some(0x0102_0304));
        assert_eq!(inet_aton("1.2.3"), Some(0x0102_0003));
        assert_eq!(inet_aton("1"), Some(1));
        assert_eq!(inet_aton("0x7f.1"), Some(0x7f00_0001));
        assert_eq!(inet_aton("010.0.0.1"), Some(0x0800_0001));
        assert_eq!(inet_aton("1.2.3.4 rest"), Some(0x0102_0304));
        for bad in ["", "1.2.3.4.5", "256.1.1.1", "a.b.c.d", "1..2", "08.1.1.1"] {
            assert_eq!(inet_aton(bad), None, "{bad}");
        }
        let block = |s| Block::parse(s, true).unwrap();
        let addr = |s| Block::parse(s, false).unwrap();
        assert!(addr("11.22.33.44").within(block("11.22.41.123/20")));
        assert!(!addr("11.22.33.44").within(block("11.22.123.41/20")));
        assert!(block("11.22.41.123/29").within(block("11.22.33.44/20")));
        assert!(!block("11.22.33.44/13").within(block("11.22.33.44/20")));
        assert!(addr("2001:db8::1").within(block("2001:db8::/32")));
        assert!(!addr("2001:db8::1").within(block("10.0.0.0/8")));
        assert_eq!(Block::parse("10.0.0.0/0", true), None);
        assert_eq!(Block::parse("10.0.0.1", true), None);
    }
}
