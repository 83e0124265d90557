//! The error table: one row per documented error status.

use super::*;

impl<'a> Builder<'a> {
    pub(super) fn errors(&self) -> Errors {
        let mut rows: BTreeMap<u16, ErrorRow> = BTreeMap::new();
        for found in self.operations(false) {
            let (path, method, op) = (found.path, found.method, found.operation);
            let ptr = &found.pointer();
            let id = Self::op_id(op, method, path);
            for (status, resp, rp) in self.resolved_responses(op, ptr) {
                // Ranges (`4XX`) and `default` have no row: the table is per code.
                let code = StatusKey::parse(status).and_then(StatusKey::code);
                let Some(code) = code.filter(|c| *c >= 400) else {
                    continue;
                };
                let op_link = self.op_link(&id, &id);
                let row = rows.entry(code).or_insert_with(|| ErrorRow {
                    status: code,
                    anchor: format!("error-{code}"),
                    reason: reason(code),
                    description: self.target.inline(str_at(resp, "description")),
                    headers: header_names(resp),
                    example: first_media(resp, &rp)
                        .and_then(|(m, mp)| self.media_examples(m, &mp, "").into_iter().next()),
                    operations: String::new(),
                });
                if !row.operations.is_empty() {
                    row.operations.push_str(", ");
                }
                row.operations.push_str(&op_link);
            }
        }
        for row in rows.values_mut() {
            row.operations = self.target.inline(&row.operations);
        }
        if let Some(MethodNotAllowed {
            status: code,
            allow,
        }) = &self.model.rules.method_not_allowed
        {
            let allow_words = allow
                .as_ref()
                .map(|a| format!(" The answer carries `Allow: {a}`."))
                .unwrap_or_default();
            let what = allow
                .as_ref()
                .map(|a| format!("A method other than `{a}`."))
                .unwrap_or_else(|| "A method the path does not support.".into());
            rows.entry(*code).or_insert_with(|| ErrorRow {
                status: *code,
                anchor: format!("error-{code}"),
                reason: reason(*code),
                description: self.target.inline(&format!("{what}{allow_words}")),
                headers: allow.iter().map(|_| "Allow".to_string()).collect(),
                example: None,
                operations: "every path".into(),
            });
        }
        let precedence = (!self.model.rules.precedence.is_empty()).then(|| {
            let list: Vec<String> = self
                .model
                .rules
                .precedence
                .iter()
                .map(|s| self.link(&s.to_string(), ERRORS_PAGE, &format!("error-{s}")))
                .collect();
            self.target.inline(&format!(
                "When several of these apply, the answer is the first in this order: {}.",
                list.join(", ")
            ))
        });
        Errors {
            precedence,
            rows: rows.into_values().collect(),
        }
    }
}
