//! SQL `LIKE` as the reference matcher reads it, by hand: `%` any run of characters and `_` any
//! one, but neither across a newline (the reference turns the pattern into a Python regular
//! expression, where `.` stops at one), the whole value matched, a final newline allowed (Python's
//! `$`). Written by hand rather than compiled to a regular expression: a feed holds thousands of
//! `LIKE` patterns, and compiling each to an automaton cost more than matching them all; this one
//! simulates the pattern's positions directly, in time proportional to value × pattern.

/// A compiled `LIKE` pattern (in Unicode normal form C, as values are compared).
#[derive(Debug, Clone)]
pub struct Like {
    pattern: Vec<char>,
}

impl Like {
    pub fn new(nfc: &str) -> Like {
        Like {
            pattern: nfc.chars().collect(),
        }
    }

    /// Whether `value` (in normal form C) matches.
    pub fn matches(&self, value: &str) -> bool {
        self.whole(value) || value.strip_suffix('\n').is_some_and(|v| self.whole(v))
    }

    fn whole(&self, value: &str) -> bool {
        let p = &self.pattern;
        let m = p.len();
        let mut at = vec![false; m + 1];
        let mut next = vec![false; m + 1];
        at[0] = true;
        close(p, &mut at);
        for c in value.chars() {
            next.iter_mut().for_each(|x| *x = false);
            let mut any = false;
            for i in 0..m {
                if !at[i] {
                    continue;
                }
                match p[i] {
                    '%' if c != '\n' => next[i] = true,
                    '%' => {}
                    '_' if c != '\n' => next[i + 1] = true,
                    '_' => {}
                    lit if lit == c => next[i + 1] = true,
                    _ => {}
                }
                any = true;
            }
            if !any {
                return false;
            }
            close(p, &mut next);
            std::mem::swap(&mut at, &mut next);
        }
        at[m]
    }

    /// The longest run of plain characters the pattern holds: a value that matches contains it
    /// (what the index looks for), if it is long enough to be worth looking for.
    pub fn literal(&self) -> Option<String> {
        let best = self
            .pattern
            .split(|c| *c == '%' || *c == '_')
            .max_by_key(|run| run.len())?;
        (best.len() >= 3).then(|| best.iter().collect())
    }
}

/// A `%` may match nothing: the positions after it are reached too.
fn close(p: &[char], at: &mut [bool]) {
    for i in 0..p.len() {
        if at[i] && p[i] == '%' {
            at[i + 1] = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Like;

    #[test]
    fn like_as_the_reference_reads_it() {
        let yes = [
            ("he%", "hello"),
            ("he__o", "hello"),
            ("%", ""),
            ("%lo", "hello"),
            ("h%l%o", "hello"),
            ("a_c", "abc"),
            ("hello", "hello\n"),
            ("%.evil.example", "mail.evil.example"),
            ("100%", "100%"),
        ];
        for (p, v) in yes {
            assert!(Like::new(p).matches(v), "{p} ~ {v:?}");
        }
        let no = [
            ("he%", "xhello"),
            ("he_o", "hello"),
            ("%", "a\nb"),
            ("a_c", "a\nc"),
            ("hello", "hello\n\n"),
            ("abc", "ab"),
        ];
        for (p, v) in no {
            assert!(!Like::new(p).matches(v), "{p} !~ {v:?}");
        }
        assert_eq!(
            Like::new("%.bad-12.example").literal().as_deref(),
            Some(".bad-12.example")
        );
        assert_eq!(Like::new("a%b").literal(), None);
    }
}
