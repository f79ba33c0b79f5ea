/*!
The whole-article trigger scan, run at word starts only.

A trigger counts only as a whole word, so it starts at a word start. Instead of walking an
automaton over every byte, the scan finds the word starts 64 bytes at a time, drops most of
them by a bit table of the patterns' first three bytes, and compares the few others with the
patterns of the same first bytes, longest first: the leftmost-longest match at that word start.
As in the automaton's scan, a match (even one glued to the letters after it, which the caller
drops) hides the word starts inside it. Unlike it, a match that starts inside a word never
hides a trigger after it: that match would be dropped anyway.
*/

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `t` (bytes below 0x80) set where the byte is in `lo..=hi`.
fn in_range(t: u64, lo: u8, hi: u8) -> u64 {
    let at_least = t.wrapping_add(ONES * u64::from(0x80 - lo));
    let above = t.wrapping_add(ONES * u64::from(0x7f - hi));
    at_least & !above & HIGH
}

/// The high bit of each byte of `x` set where the byte is an ASCII letter or digit.
#[cfg(not(target_arch = "x86_64"))]
fn alnum_mask(x: u64) -> u64 {
    let t = x & !HIGH;
    // `| 0x20` lower-cases the letters and sends no other byte into `a..=z`
    (in_range(t | (ONES * 0x20), b'a', b'z') | in_range(t, b'0', b'9')) & !x
}

/// The number of keys: five bits of each of three bytes.
const KEYS: usize = 1 << 15;

/// The key of the (up to) three bytes of `b` from `i`: five low bits of each (the same for
/// both cases of a letter; other bytes share them with letters, which only lets more words
/// through to the comparison).
fn key(b: &[u8], i: usize) -> usize {
    let byte = |k: usize| b.get(i + k).map_or(0, |&x| usize::from(x & 31));
    byte(0) << 10 | byte(1) << 5 | byte(2)
}

/// The patterns of a leftmost-longest, ASCII case-insensitive list, for the word-start scan.
pub(crate) struct WordScan {
    /// One bit per key: some pattern starts with bytes of that key.
    keys: Box<[u64; KEYS / 64]>,
    /// One bit per key of a pattern's second to fourth bytes (any fourth byte for a pattern of
    /// three): a second sieve, before the comparison.
    next_keys: Box<[u64; KEYS / 64]>,
    /// (key, pattern index), sorted by key, then longest pattern first, then list order (the
    /// automaton's preference).
    by_key: Vec<(u16, u16)>,
    /// The patterns, lower-cased.
    patterns: Vec<Vec<u8>>,
    /// The first eight bytes of each pattern (zero-padded, little-endian) and the mask of its
    /// bytes among them: most patterns are ruled out with one comparison.
    heads: Vec<(u64, u64)>,
}

impl WordScan {
    /// The scan of `patterns`, or `None` when some pattern cannot be found this way: it does
    /// not start with an ASCII letter or digit, or is shorter than three bytes.
    pub fn new(patterns: &[String]) -> Option<WordScan> {
        let usable = |p: &&String| p.len() >= 3 && p.as_bytes()[0].is_ascii_alphanumeric();
        if patterns.len() > usize::from(u16::MAX) || !patterns.iter().all(|p| usable(&p)) {
            return None;
        }
        let patterns: Vec<Vec<u8>> =
            patterns.iter().map(|p| p.to_ascii_lowercase().into_bytes()).collect();
        let mut keys = Box::new([0u64; KEYS / 64]);
        let mut next_keys = Box::new([0u64; KEYS / 64]);
        let mut by_key = Vec::with_capacity(patterns.len());
        for (i, p) in patterns.iter().enumerate() {
            let k = key(p, 0);
            keys[k / 64] |= 1 << (k % 64);
            // a pattern of three bytes matches before any fourth
            let next = key(p, 1);
            let fourths = if p.len() > 3 { next..=next } else { next..=next | 31 };
            for k in fourths {
                next_keys[k / 64] |= 1 << (k % 64);
            }
            by_key.push((k as u16, i as u16));
        }
        by_key.sort_by_key(|&(k, i)| (k, std::cmp::Reverse(patterns[usize::from(i)].len()), i));
        let heads = patterns
            .iter()
            .map(|p| {
                let n = p.len().min(8);
                let mut head = [0u8; 8];
                head[..n].copy_from_slice(&p[..n]);
                (u64::from_le_bytes(head), u64::MAX >> (64 - 8 * n))
            })
            .collect();
        Some(WordScan { keys, next_keys, by_key, patterns, heads })
    }

    /// The longest pattern matching `b` at `i`, whose key is `k` and whose eight bytes from
    /// `i` are `word` (zero-padded at the end): (end, pattern index).
    #[inline(never)]
    fn longest_at(&self, b: &[u8], i: usize, k: usize, word: u64) -> Option<(usize, usize)> {
        let word = word | (in_range(word & !HIGH, b'A', b'Z') & !word) >> 2;
        let from = self.by_key.partition_point(|&(pk, _)| usize::from(pk) < k);
        self.by_key[from..].iter().take_while(|&&(pk, _)| usize::from(pk) == k).find_map(
            |&(_, p)| {
                let p = usize::from(p);
                let (head, mask) = self.heads[p];
                if word & mask != head {
                    return None;
                }
                let pattern = &self.patterns[p];
                let (end, seen) = (i + pattern.len(), pattern.len().min(8));
                let rest = b.get(i + seen..end)?;
                rest.eq_ignore_ascii_case(&pattern[seen..]).then_some((end, p))
            },
        )
    }

    /// The matches in `text` at word starts, in order, not overlapping: (start, end, pattern
    /// index). A match may end inside a word: the caller checks the end.
    pub fn find(&self, text: &str, mut found: impl FnMut(usize, usize, usize)) {
        let b = text.as_bytes();
        let mut at = 0;
        let mut carry = 0;
        // 64 bytes at a time (zero-padded past the end): their word starts as a bit mask (with
        // SSE2); the starts that pass both sieves are gathered without a branch per start
        // (whether one passes cannot be predicted), and only those are compared
        for base in (0..b.len()).step_by(64) {
            let padded;
            let block: &[u8; BLOCK_READ] = match b.get(base..base + BLOCK_READ) {
                Some(block) => block.try_into().unwrap_or(&[0; BLOCK_READ]),
                None => {
                    let mut tail = [0u8; BLOCK_READ];
                    tail[..b.len() - base].copy_from_slice(&b[base..]);
                    padded = tail;
                    &padded
                }
            };
            let alnum = alnum_bits(block);
            let mut starts = alnum & !(alnum << 1 | carry);
            carry = alnum >> 63;
            if starts == 0 {
                continue;
            }
            let mut passed = 0u64;
            while starts != 0 {
                let o = (starts.trailing_zeros() & 63) as usize;
                starts &= starts - 1;
                let (k, next) = keys_at(block, o);
                let pass = self.keys[k / 64] >> (k % 64) & self.next_keys[next / 64] >> (next % 64);
                passed |= (pass & 1) << o;
            }
            while passed != 0 {
                let o = passed.trailing_zeros() as usize;
                passed &= passed - 1;
                let i = base + o;
                if i < at {
                    continue;
                }
                if let Some((end, p)) = self.longest_at(b, i, keys_at(block, o).0, load(b, i)) {
                    found(i, end, p);
                    at = end;
                }
            }
        }
    }
}

/// Bytes of the text read for a block of 64 positions: the sieve keys of its last positions
/// read three bytes further.
const BLOCK_READ: usize = 80;

/// The sieve keys at position `o` (below 64) of `block`: of its first three bytes (five low
/// bits of each, as [`key`]) and of its second to fourth.
#[inline(always)]
fn keys_at(block: &[u8; BLOCK_READ], o: usize) -> (usize, usize) {
    let mut four = [0u8; 4];
    four.copy_from_slice(&block[o..o + 4]);
    let w = u32::from_le_bytes(four) as usize;
    let k = (w & 31) << 10 | (w >> 8 & 31) << 5 | (w >> 16 & 31);
    (k, (k << 5 & (KEYS - 1)) | (w >> 24 & 31))
}

/// Bit `i` set where byte `i` of the 64-byte `block` is an ASCII letter or digit (sixteen bytes
/// at a time with SSE2, which every x86-64 processor has).
#[cfg(target_arch = "x86_64")]
fn alnum_bits(block: &[u8]) -> u64 {
    use std::arch::x86_64::{
        _mm_add_epi8, _mm_cmplt_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8,
    };
    // bytes shifted so that a range starts at -128: `x < -128 + n` is then `b - lo < n`
    const fn shift(lo: u8) -> i8 {
        0x80u8.wrapping_sub(lo) as i8
    }
    assert!(block.len() >= 64);
    let mut bits = 0u64;
    for k in 0..4 {
        // SAFETY: SSE2 is always there on x86-64, and the unaligned load reads bytes
        // `16 * k..16 * k + 16` of the block, which has at least 64
        let m = unsafe {
            let v = _mm_loadu_si128(block.as_ptr().add(16 * k).cast());
            let digit =
                _mm_cmplt_epi8(_mm_add_epi8(v, _mm_set1_epi8(shift(b'0'))), _mm_set1_epi8(-118));
            let folded = _mm_or_si128(v, _mm_set1_epi8(0x20));
            let letter = _mm_cmplt_epi8(
                _mm_add_epi8(folded, _mm_set1_epi8(shift(b'a'))),
                _mm_set1_epi8(-102),
            );
            _mm_movemask_epi8(_mm_or_si128(digit, letter))
        };
        bits |= u64::from(m as u16) << (16 * k);
    }
    bits
}

/// Bit `i` set where byte `i` of the 64-byte `block` is an ASCII letter or digit (eight bytes
/// at a time, as lanes of a u64).
#[cfg(not(target_arch = "x86_64"))]
fn alnum_bits(block: &[u8]) -> u64 {
    let mut bits = 0u64;
    for k in 0..8 {
        // the lanes' high bits gathered into the low eight bits
        let lanes = alnum_mask(load(block, 8 * k)) >> 7;
        bits |= (lanes.wrapping_mul(0x0102_0408_1020_4080) >> 56) << (8 * k);
    }
    bits
}

/// The eight bytes of `b` from `at`, zero-padded past its end, as a little-endian integer.
fn load(b: &[u8], at: usize) -> u64 {
    let mut word = [0u8; 8];
    match b.get(at..at + 8) {
        Some(bytes) => word.copy_from_slice(bytes),
        None => {
            let rest = b.get(at..).unwrap_or_default();
            word[..rest.len()].copy_from_slice(rest);
        }
    }
    u64::from_le_bytes(word)
}

#[cfg(test)]
mod tests {
    use super::WordScan;

    fn scan(patterns: &[&str], text: &str) -> Vec<(usize, usize, usize)> {
        let patterns: Vec<String> = patterns.iter().map(|p| p.to_string()).collect();
        let mut out = Vec::new();
        WordScan::new(&patterns).expect("usable").find(text, |s, e, p| out.push((s, e, p)));
        out
    }

    #[test]
    fn longest_match_at_word_starts_any_case() {
        let p = ["attack", "attacks", "car bomb", "bomb"];
        assert_eq!(scan(&p, "Attacks and a CAR BOMB."), [(0, 7, 1), (14, 22, 2)]);
        // inside a word (`counterattack`) no match starts; a match may end inside one
        assert_eq!(scan(&p, "counterattack bombers"), [(14, 18, 3)]);
        // past the eight bytes of one integer, and at the very end of the text
        assert_eq!(scan(&["assassinated"], "was assassinated"), [(4, 16, 0)]);
        assert_eq!(scan(&p, "bomb"), [(0, 4, 3)]);
        assert_eq!(scan(&p, "bom"), []);
    }

    #[test]
    fn word_starts_across_the_64_byte_blocks() {
        let p = ["attack", "bomb"];
        // a match across the block edge (60..66), a word glued across it (`xbomb` at 123..128,
        // its `bomb` no word start) and a match right at the edge (128)
        let text = format!("{}attack {}xbomb{}", "-".repeat(60), "-".repeat(56), "bomb");
        assert_eq!(text.find("xbomb"), Some(123));
        assert_eq!(scan(&p, &text), [(60, 66, 0)]);
        let text = format!("{}bomb", " ".repeat(128));
        assert_eq!(scan(&p, &text), [(128, 132, 1)]);
        // a non-ASCII byte before a word ends no word start check (`ébomb` starts at `b`)
        assert_eq!(scan(&p, "ébomb"), [(2, 6, 1)]);
    }

    #[test]
    fn a_match_hides_the_word_starts_inside_it() {
        assert_eq!(scan(&["car bomb", "bomb struck"], "car bomb struck"), [(0, 8, 0)]);
    }

    #[test]
    fn short_or_non_word_patterns_are_refused() {
        assert!(WordScan::new(&["at".to_string()]).is_none());
        assert!(WordScan::new(&["-ing".to_string()]).is_none());
    }
}
