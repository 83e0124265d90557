//! What a run proved: which points of the document it observed, and which
//! checks it could make. A run that passes on data without operator
//! messages has never judged the operator variant; coverage says so.
//!
//! A point is a place in the document (a JSON pointer) with a qualifier
//! (`#/components/schemas/MessageFields/properties/file_url` + `null`),
//! so the ids are the same in every mode and runs add up
//! ([`Coverage::merge`]). A run keeps counts per point, not exchanges:
//! memory grows with the document, not with the traffic.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{Check, CheckResult, Contract, ExchangeReport, FileReport, Outcome};

mod catalogue;

pub use catalogue::Catalogue;

/// The version of the coverage file this build writes and reads.
pub const FORMAT: u32 = 1;

/// What kind of place a point is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PointKind {
    /// An operation answered with a documented status.
    Status,
    /// A `oneOf`/`anyOf` branch was chosen by a value.
    Branch,
    /// A nullable property held null.
    Null,
    /// A nullable or `format`-bearing property held a value.
    Value,
    /// An optional property was absent.
    Absent,
    /// An optional property was present.
    Present,
    /// An enumerated value was seen.
    Enum,
    /// A list showed a page position or size.
    Page,
    /// A webhook event was delivered.
    Delivery,
    /// A check the extensions drive was judged.
    Check,
}

/// One point of the document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Point {
    /// `pointer` and `qualifier` as one stable id (`…/file_url@null`).
    pub id: String,
    /// Where in the document.
    pub pointer: String,
    /// What about it (`null`, `absent`, `first-page`; empty for a status,
    /// a branch or an enum value, whose pointer says all).
    pub qualifier: String,
    /// What kind of place.
    pub kind: PointKind,
    /// In plain words (`MessageFields.file_url null`).
    pub label: String,
    /// Only a failing or overloaded server shows it (a documented 5xx,
    /// the rate-limit status): listed last among what a run did not see.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub only_on_failure: bool,
}

impl Point {
    /// The id of a pointer and qualifier.
    pub fn id_of(pointer: &str, qualifier: &str) -> String {
        if qualifier.is_empty() {
            pointer.to_string()
        } else {
            format!("{pointer}@{qualifier}")
        }
    }

    /// What data would cover the point, for the report.
    pub fn hint(&self) -> String {
        match self.kind {
            PointKind::Status => format!("an answer where {}", self.label),
            PointKind::Branch | PointKind::Enum => format!("a value where {}", self.label),
            PointKind::Null | PointKind::Value | PointKind::Absent | PointKind::Present => {
                format!("a body with {}", self.label)
            }
            PointKind::Page => format!("paging to {}", self.label),
            PointKind::Delivery => format!("a delivery of {}", self.label),
            PointKind::Check => format!("a run where {}", self.label),
        }
    }
}

/// The points one body showed, as a bit per point of the document: a
/// body of fifty items shows the same points fifty times, and setting a
/// bit is cheaper than collecting and sorting repeats.
#[derive(Debug, Clone, Default)]
pub(crate) struct Hits {
    words: Vec<u64>,
}

impl Hits {
    /// Room for `points` points, none set.
    pub fn new(points: usize) -> Hits {
        Hits {
            words: vec![0; points.div_ceil(64)],
        }
    }

    /// Marks a point (one outside the room is ignored: it cannot happen
    /// for a point of the same catalogue).
    pub fn set(&mut self, point: u32) {
        if let Some(w) = self.words.get_mut(point as usize / 64) {
            *w |= 1 << (point % 64);
        }
    }

    /// Marks a point, when there is one.
    pub fn set_some(&mut self, point: Option<u32>) {
        if let Some(p) = point {
            self.set(p);
        }
    }

    /// The points set, in order.
    pub fn points(&self) -> Vec<u32> {
        let mut out = Vec::new();
        for (i, &w) in self.words.iter().enumerate() {
            let mut w = w;
            while w != 0 {
                out.push(i as u32 * 64 + w.trailing_zeros());
                w &= w - 1;
            }
        }
        out
    }
}

/// What one run (or one file of it) saw, by point number of its
/// document's [`Catalogue`].
#[derive(Debug, Clone, Default)]
pub struct Tally {
    counts: Vec<u64>,
    /// The earliest exchange (by index) that covered each point, and its label.
    first: Vec<Option<(usize, String)>>,
    /// Statuses answered that the document does not list, by id.
    undocumented: BTreeMap<String, Covered>,
    /// How many exchanges each check judged.
    judged: BTreeMap<Check, u64>,
    /// Why a check could not judge (no second secret, no base URL).
    not_judged: BTreeMap<Check, String>,
}

/// A count and the first exchange that covered a point.
#[derive(Debug, Clone, Default)]
struct Covered {
    label: String,
    count: u64,
    first: Option<String>,
}

impl Tally {
    /// Counts what one exchange covered: [`Tally::add_shown`] and
    /// [`Tally::add_judged`] at once.
    pub fn add(&mut self, contract: &Contract, report: &mut ExchangeReport, source: &str) {
        self.add_shown(contract, report, source);
        self.add_judged(contract, report, source);
    }

    /// Counts what the answer itself showed: its schema and paging points
    /// (from the checks), its status, its webhook. Exchanges may come in
    /// any order (one per worker): the first is the lowest index. The
    /// report's points move into the tally: the counts hold them now.
    pub fn add_shown(&mut self, contract: &Contract, report: &mut ExchangeReport, source: &str) {
        let c = contract.catalogue();
        let model = contract.model();
        let mut hits: Vec<u32> = std::mem::take(&mut report.points);
        let op = report.operation.as_deref();
        if let (Some(op), Some(status)) = (op, report.status)
            && let Some(&i) = c.operations.get(op)
        {
            match model.operations[i].response_index(status) {
                Some(r) => hits.push(c.statuses[i][r]),
                None => self.undocumented_status(&model.operations[i], status, report, source),
            }
        }
        if let Some(&w) = op.and_then(|op| c.webhook_ids.get(op)) {
            hits.extend(c.webhooks[w].delivered);
        }
        self.count(c.points.len(), hits, report, source);
    }

    /// Counts the checks judged on the exchange, and the points of the
    /// checks the extensions drive (judged across exchanges, so counted
    /// once every check is in).
    pub fn add_judged(&mut self, contract: &Contract, report: &ExchangeReport, source: &str) {
        let c = contract.catalogue();
        let op = report.operation.as_deref();
        let mut hits = Vec::new();
        for r in &report.checks {
            *self.judged.entry(r.check).or_insert(0) += 1;
            if let Some(op) = op
                && let Some(&p) = c.checks.get(&(r.check, op.to_string()))
            {
                hits.push(p);
            }
            hits.extend(c.anywhere.get(&r.check));
        }
        self.count(c.points.len(), hits, report, source);
    }

    fn count(&mut self, points: usize, mut hits: Vec<u32>, report: &ExchangeReport, source: &str) {
        hits.sort_unstable();
        hits.dedup();
        if self.counts.len() < points {
            self.counts.resize(points, 0);
            self.first.resize(points, None);
        }
        for p in hits {
            let p = p as usize;
            self.counts[p] += 1;
            if self.first[p]
                .as_ref()
                .is_none_or(|(i, _)| report.index < *i)
            {
                self.first[p] = Some((report.index, format!("{source}: {}", report.label())));
            }
        }
    }

    /// A tally of every exchange (whose points move into it).
    pub fn counted(contract: &Contract, exchanges: &mut [ExchangeReport], source: &str) -> Tally {
        let mut tally = Tally::default();
        for e in exchanges {
            tally.add(contract, e, source);
        }
        tally
    }

    fn undocumented_status(
        &mut self,
        op: &openapi_model::Operation,
        status: u16,
        report: &ExchangeReport,
        source: &str,
    ) {
        let at = catalogue::fragment(&format!("{}/responses/{status}", op.pointer));
        let id = Point::id_of(&at, "undocumented");
        let seen = self.undocumented.entry(id).or_insert_with(|| Covered {
            label: format!("{} answered {status}, which it does not document", op.id),
            count: 0,
            first: Some(format!("{source}: {}", report.label())),
        });
        seen.count += 1;
    }

    /// How many exchanges the check judged so far.
    pub fn judged(&self, check: Check) -> u64 {
        self.judged.get(&check).copied().unwrap_or(0)
    }

    /// Records why a check could not judge in this run.
    pub fn not_judged(&mut self, check: Check, reason: impl Into<String>) {
        self.not_judged.insert(check, reason.into());
    }

    /// Adds another tally of the same document.
    pub fn absorb(&mut self, other: &Tally) {
        if self.counts.len() < other.counts.len() {
            self.counts.resize(other.counts.len(), 0);
            self.first.resize(other.counts.len(), None);
        }
        for (i, n) in other.counts.iter().enumerate() {
            self.counts[i] += n;
            if self.first[i].is_none() {
                self.first[i].clone_from(&other.first[i]);
            }
        }
        for (id, seen) in &other.undocumented {
            let mine = self
                .undocumented
                .entry(id.clone())
                .or_insert_with(|| Covered {
                    count: 0,
                    ..seen.clone()
                });
            mine.count += seen.count;
        }
        for (check, n) in &other.judged {
            *self.judged.entry(*check).or_insert(0) += n;
        }
        for (check, why) in &other.not_judged {
            self.not_judged.entry(*check).or_insert_with(|| why.clone());
        }
    }
}

/// The document a coverage file is of: two files merge only when these agree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentId {
    /// `info.title`.
    pub title: String,
    /// `info.version`.
    pub version: String,
    /// A digest of every point id, in order: the same document gives the same.
    pub points_digest: String,
}

/// One point's coverage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PointCoverage {
    /// The point.
    #[serde(flatten)]
    pub point: Point,
    /// Whether any exchange covered it.
    pub covered: bool,
    /// How many exchanges covered it.
    pub count: u64,
    /// The first exchange that covered it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first: Option<String>,
}

/// One named check: how many exchanges it judged, and why not others.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckCoverage {
    /// The check's id.
    pub check: String,
    /// Exchanges it judged.
    pub judged: u64,
    /// Why it could not judge, when the run knows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_judged: Option<String>,
}

/// A statement that could not be observed: an undocumented status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observation {
    /// Where it would be documented, `@undocumented`.
    pub id: String,
    /// In plain words.
    pub label: String,
    /// How many exchanges.
    pub count: u64,
    /// The first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first: Option<String>,
}

/// The coverage of one document by one run or several: what the JSON file holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// [`FORMAT`].
    pub format: u32,
    /// Which document.
    pub document: DocumentId,
    /// Points in the document.
    pub total: usize,
    /// Points covered.
    pub covered: usize,
    /// Every point, in document order.
    pub points: Vec<PointCoverage>,
    /// Every named check.
    pub checks: Vec<CheckCoverage>,
    /// Undocumented statuses seen (not points: the document does not list them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub undocumented: Vec<Observation>,
}

/// What a run must cover (`--require-coverage`, `--require`, or the
/// coverage file next to the document). Empty: nothing, the default.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    /// The least share of points covered, in percent.
    #[serde(default)]
    pub minimum_percent: Option<f64>,
    /// Id prefixes every point under which must be covered.
    #[serde(default)]
    pub require: Vec<String>,
}

impl Requirement {
    /// Whether anything is demanded.
    pub fn is_empty(&self) -> bool {
        self.minimum_percent.is_none() && self.require.is_empty()
    }
}

/// Why coverage files cannot be read or added up.
#[derive(Debug, thiserror::Error)]
pub enum CoverageError {
    /// The file is not a coverage file.
    #[error("{path}: not a coverage file: {source}")]
    Parse {
        /// The file.
        path: String,
        /// Why.
        source: serde_json::Error,
    },
    /// Written by a newer (or unknown) format version.
    #[error("{path}: coverage format {found}, but this build reads format {FORMAT}")]
    Format {
        /// The file.
        path: String,
        /// Its format.
        found: u32,
    },
    /// A required prefix names no point: a typo would otherwise pass forever.
    #[error(
        "--require {prefix:?} matches no coverage point of the document (ids look like {example:?})"
    )]
    UnknownPrefix {
        /// The prefix.
        prefix: String,
        /// A real id, to compare with.
        example: String,
    },
    /// A percentage outside 0..=100.
    #[error("--require-coverage {0} is not a percentage between 0 and 100")]
    Percent(f64),
    /// Of another document.
    #[error(
        "{path}: coverage of {theirs}, but the first file is of {ours}; runs add up only on the same document"
    )]
    OtherDocument {
        /// The file.
        path: String,
        /// Its document.
        theirs: String,
        /// The first file's.
        ours: String,
    },
}

impl DocumentId {
    fn describe(&self) -> String {
        format!(
            "\"{}\" {} (points {})",
            self.title, self.version, self.points_digest
        )
    }
}

impl Coverage {
    /// The coverage of a contract's document by these tallies.
    pub fn of(contract: &Contract, tally: &Tally) -> Coverage {
        let c = contract.catalogue();
        let points: Vec<PointCoverage> = c
            .points
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let count = tally.counts.get(i).copied().unwrap_or(0);
                PointCoverage {
                    point: p.clone(),
                    covered: count > 0,
                    count,
                    first: tally
                        .first
                        .get(i)
                        .and_then(|f| f.as_ref().map(|(_, label)| label.clone())),
                }
            })
            .collect();
        let checks = Check::ALL
            .iter()
            .map(|check| CheckCoverage {
                check: check.name().to_string(),
                judged: tally.judged.get(check).copied().unwrap_or(0),
                not_judged: tally.not_judged.get(check).cloned(),
            })
            .collect();
        let undocumented = tally
            .undocumented
            .iter()
            .map(|(id, seen)| Observation {
                id: id.clone(),
                label: seen.label.clone(),
                count: seen.count,
                first: seen.first.clone(),
            })
            .collect();
        let raw = &contract.document().raw;
        let info = |k: &str| {
            raw.pointer(&format!("/info/{k}"))
                .and_then(serde_json::Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        Coverage {
            format: FORMAT,
            document: DocumentId {
                title: info("title"),
                version: info("version"),
                points_digest: digest(&c.points),
            },
            total: points.len(),
            covered: points.iter().filter(|p| p.covered).count(),
            points,
            checks,
            undocumented,
        }
    }

    /// Reads a coverage file's text (`path` names it in errors).
    pub fn read(path: &str, text: &str) -> Result<Coverage, CoverageError> {
        #[derive(Deserialize)]
        struct Version {
            format: u32,
        }
        let version: Version =
            serde_json::from_str(text).map_err(|source| CoverageError::Parse {
                path: path.to_string(),
                source,
            })?;
        if version.format != FORMAT {
            return Err(CoverageError::Format {
                path: path.to_string(),
                found: version.format,
            });
        }
        serde_json::from_str(text).map_err(|source| CoverageError::Parse {
            path: path.to_string(),
            source,
        })
    }

    /// Adds another run's coverage of the same document (`path` names it
    /// in the error): counts add, the first exchange stays the earlier
    /// file's, a check's first reason stays (a check may judge some
    /// exchanges and still not others: signatures checked for form only).
    pub fn merge(&mut self, path: &str, other: &Coverage) -> Result<(), CoverageError> {
        let same_points = self.points.len() == other.points.len()
            && self
                .points
                .iter()
                .zip(&other.points)
                .all(|(a, b)| a.point.id == b.point.id);
        if self.document != other.document || !same_points {
            return Err(CoverageError::OtherDocument {
                path: path.to_string(),
                theirs: other.document.describe(),
                ours: self.document.describe(),
            });
        }
        for (mine, theirs) in self.points.iter_mut().zip(&other.points) {
            mine.count += theirs.count;
            mine.covered |= theirs.covered;
            if mine.first.is_none() {
                mine.first.clone_from(&theirs.first);
            }
        }
        self.covered = self.points.iter().filter(|p| p.covered).count();
        for theirs in &other.checks {
            match self.checks.iter_mut().find(|c| c.check == theirs.check) {
                Some(mine) => {
                    mine.judged += theirs.judged;
                    if mine.not_judged.is_none() {
                        mine.not_judged.clone_from(&theirs.not_judged);
                    }
                }
                None => self.checks.push(theirs.clone()),
            }
        }
        for theirs in &other.undocumented {
            match self.undocumented.iter_mut().find(|o| o.id == theirs.id) {
                Some(mine) => mine.count += theirs.count,
                None => self.undocumented.push(theirs.clone()),
            }
        }
        self.undocumented.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(())
    }

    /// The share covered, in whole percent (100 for a document without points).
    pub fn percent(&self) -> f64 {
        if self.total == 0 {
            100.0
        } else {
            self.covered as f64 * 100.0 / self.total as f64
        }
    }

    /// What the run left undone of `requirement`, as a report of one
    /// `coverage.required` check (`None` when nothing was demanded).
    pub fn judge(&self, requirement: &Requirement) -> Result<Option<FileReport>, CoverageError> {
        if requirement.is_empty() {
            return Ok(None);
        }
        let mut findings = Vec::new();
        if let Some(min) = requirement.minimum_percent {
            if !(0.0..=100.0).contains(&min) {
                return Err(CoverageError::Percent(min));
            }
            if self.percent() < min {
                let message = format!(
                    "{} of {} points covered ({:.1}%), below the required {min}%",
                    self.covered,
                    self.total,
                    self.percent()
                );
                findings.push(crate::finding("", message));
            }
        }
        for prefix in &requirement.require {
            let under: Vec<&PointCoverage> = self
                .points
                .iter()
                .filter(|p| p.point.id.starts_with(prefix.as_str()))
                .collect();
            if under.is_empty() {
                return Err(CoverageError::UnknownPrefix {
                    prefix: prefix.clone(),
                    example: self
                        .points
                        .first()
                        .map(|p| p.point.id.clone())
                        .unwrap_or_default(),
                });
            }
            for p in under.into_iter().filter(|p| !p.covered) {
                let message = format!(
                    "required by {prefix:?} but not seen: {}; it needs {}",
                    p.point.label,
                    p.point.hint()
                );
                findings.push(crate::finding(p.point.id.clone(), message));
            }
        }
        let check = CheckResult {
            check: Check::CoverageRequired,
            outcome: if findings.is_empty() {
                Outcome::Pass
            } else {
                Outcome::Fail
            },
            findings,
        };
        Ok(Some(FileReport {
            path: format!("coverage of \"{}\"", self.document.title),
            spec: String::new(),
            error: None,
            exchanges: vec![ExchangeReport {
                index: 0,
                line: 0,
                method: "RUN".into(),
                target: "coverage".into(),
                operation: None,
                status: None,
                note: None,
                checks: vec![check],
                points: Vec::new(),
            }],
            tally: Tally::default(),
        }))
    }

    /// The points not covered, in document order.
    pub fn missed(&self) -> impl Iterator<Item = &PointCoverage> {
        self.points.iter().filter(|p| !p.covered)
    }
}

/// A short digest of the point ids: the same document gives the same.
fn digest(points: &[Point]) -> String {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    for p in points {
        ctx.update(p.id.as_bytes());
        ctx.update(b"\n");
    }
    let hex = data_encoding::HEXLOWER.encode(ctx.finish().as_ref());
    hex[..16].to_string()
}

#[cfg(test)]
mod tests {
    use super::Hits;

    #[test]
    fn hits_give_each_point_once_in_order() {
        let mut hits = Hits::new(130);
        for p in [129, 3, 64, 3, 0, 63, 129] {
            hits.set(p);
        }
        hits.set_some(None);
        hits.set(500); // outside the room: ignored
        assert_eq!(hits.points(), [0, 3, 63, 64, 129]);
        assert!(Hits::new(0).points().is_empty());
    }
}
