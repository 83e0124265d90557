//! Findings grouped by what is wrong, not by where it was seen: one
//! broken rule on a server gives the same finding on hundreds of
//! exchanges, and a reader needs it once, with a count and examples.
//!
//! Two findings are the same problem when the check, the outcome and the
//! message agree once ids and values are normalised away (`user 40` and
//! `user 7`, `"bot"` and `"cat"`). The message names the document's
//! property (`sender has no forename`), so it stands for the document
//! location; the body pointer (`/messages/3/sender`) is where one
//! exchange showed it, and is kept with each example.

use std::collections::HashMap;

use openapi_contract::{Check, FileReport, Finding, Outcome};

/// One distinct problem and every exchange that showed it.
#[derive(Debug, Clone)]
pub struct Group<'r> {
    /// The check that found it.
    pub check: Check,
    /// Its outcome (the same for every member).
    pub outcome: Outcome,
    /// The messages with ids and values normalised: the group's key.
    /// Problems that always come together on the same exchanges (a
    /// variant missing three fields) are one group with several messages.
    pub keys: Vec<String>,
    /// Each exchange once, in report order, with its first finding of
    /// each key (none for a check that failed without details).
    pub members: Vec<Member<'r>>,
}

/// One exchange of a group.
#[derive(Debug, Clone)]
pub struct Member<'r> {
    /// Index into the file's exchanges.
    pub exchange: usize,
    /// The exchange's first finding of each of the group's keys.
    pub findings: Vec<&'r Finding>,
}

impl Group<'_> {
    /// The operations the group's exchanges were for, each once, in order.
    pub fn operations<'f>(&self, file: &'f FileReport) -> Vec<&'f str> {
        let mut ops: Vec<&str> = Vec::new();
        for m in &self.members {
            if let Some(op) = file.exchanges[m.exchange].operation.as_deref()
                && !ops.contains(&op)
            {
                ops.push(op);
            }
        }
        ops
    }
}

/// The file's problems (every outcome but a pass), grouped: worst outcome
/// first, then in check order, then by first appearance.
pub fn groups(file: &FileReport) -> Vec<Group<'_>> {
    let mut out: Vec<Group<'_>> = Vec::new();
    let mut index: HashMap<(Check, Outcome, String), usize> = HashMap::new();
    for (e, exchange) in file.exchanges.iter().enumerate() {
        for c in exchange
            .checks
            .iter()
            .filter(|c| c.outcome != Outcome::Pass)
        {
            let findings: Vec<Option<&Finding>> = if c.findings.is_empty() {
                vec![None]
            } else {
                c.findings.iter().map(Some).collect()
            };
            for f in findings {
                let key = normalized(f.map_or("", |f| f.message.as_str()));
                let at = *index
                    .entry((c.check, c.outcome, key.clone()))
                    .or_insert_with(|| {
                        out.push(Group {
                            check: c.check,
                            outcome: c.outcome,
                            keys: vec![key],
                            members: Vec::new(),
                        });
                        out.len() - 1
                    });
                let members = &mut out[at].members;
                if members.last().is_none_or(|m| m.exchange != e) {
                    members.push(Member {
                        exchange: e,
                        findings: f.into_iter().collect(),
                    });
                }
            }
        }
    }
    let mut out = together(out);
    // Stable: groups of equal rank keep their first-appearance order.
    out.sort_by_key(|g| (std::cmp::Reverse(rank(g.outcome)), g.check));
    out
}

/// Groups of one check whose exchanges are exactly the same are one
/// problem seen from several sides: merged, keys and findings in order.
fn together(groups: Vec<Group<'_>>) -> Vec<Group<'_>> {
    let mut out: Vec<Group<'_>> = Vec::new();
    for g in groups {
        let same = out.iter_mut().find(|o| {
            o.check == g.check
                && o.outcome == g.outcome
                && o.members.len() == g.members.len()
                && o.members
                    .iter()
                    .zip(&g.members)
                    .all(|(a, b)| a.exchange == b.exchange)
        });
        match same {
            Some(o) => {
                o.keys.extend(g.keys);
                for (a, b) in o.members.iter_mut().zip(g.members) {
                    a.findings.extend(b.findings);
                }
            }
            None => out.push(g),
        }
    }
    out
}

/// How loud an outcome is; an expected failure is the quietest problem.
fn rank(outcome: Outcome) -> u8 {
    match outcome {
        Outcome::Pass => 0,
        Outcome::ExpectedFail => 1,
        Outcome::Warn => 2,
        Outcome::Fail => 3,
        Outcome::Error => 4,
    }
}

/// The message with what varies between exchanges replaced: quoted text
/// by `"…"`, numbers and hex ids (a word of digits, or of hex digits and
/// dashes eight or more long with a digit) by `N`. Words that merely
/// hold a digit (`picture2`) are names and stay.
pub fn normalized(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut chars = message.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if c == '"' {
            for (_, d) in chars.by_ref() {
                if d == '"' {
                    break;
                }
            }
            out.push_str("\"…\"");
            continue;
        }
        if !is_word(c) {
            out.push(c);
            continue;
        }
        let mut end = start + c.len_utf8();
        while let Some(&(i, d)) = chars.peek() {
            if !is_word(d) {
                break;
            }
            end = i + d.len_utf8();
            chars.next();
        }
        let word = &message[start..end];
        out.push_str(if is_id(word) { "N" } else { word });
    }
    out
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

fn is_id(word: &str) -> bool {
    let has_digit = word.bytes().any(|b| b.is_ascii_digit());
    let digits = word.bytes().all(|b| b.is_ascii_digit());
    let hex = word.len() >= 8 && word.bytes().all(|b| b.is_ascii_hexdigit() || b == b'-');
    has_digit && (digits || hex)
}

#[cfg(test)]
mod tests {
    use super::normalized;

    #[test]
    fn ids_and_values_are_normalised_and_names_are_kept() {
        assert_eq!(
            normalized("user 40 differs from the list's at 2: \"bot\""),
            "user N differs from the list's at N: \"…\""
        );
        assert_eq!(
            normalized("id 3f2a9c1e-77aa-4bcd-9e0f-0123456789ab is picture2_url"),
            "id N is picture2_url"
        );
        assert_eq!(
            normalized("sender has no forename"),
            "sender has no forename"
        );
        assert_eq!(normalized("items[12].name"), "items[N].name");
        assert_eq!(
            normalized("deadbeef"),
            "deadbeef",
            "a hex word needs a digit"
        );
        assert_eq!(normalized("unterminated \"quote"), "unterminated \"…\"");
    }
}
