//! The pages of the reference and where each operation and schema is
//! documented (the links), decided before anything links to them.

use super::*;

/// Where each schema and each operation is documented: decided once, from
/// the operations and tags alone, before any page is built, so every link
/// reads the same immutable value.
pub(super) struct Links {
    /// Component schema → the Markdown page that documents it.
    pub(super) schemas: BTreeMap<String, String>,
    /// Operation id → its page.
    pub(super) operations: BTreeMap<String, String>,
}

impl Links {
    /// Which Markdown page documents each schema and each operation: error
    /// bodies on the errors page, then each tag's bodies on its page, then
    /// webhook bodies on the webhooks page; anything left on the first page
    /// that has operations.
    pub(super) fn assign<'v>(
        raw: &'v Value,
        api_ops: &[OperationRef<'v>],
        webhooks: &[OperationRef<'v>],
        tag_names: &[String],
    ) -> Links {
        let mut op_pages = BTreeMap::new();
        let mut errors: Vec<&'v Value> = Vec::new();
        let mut by_page: BTreeMap<String, Vec<&'v Value>> = BTreeMap::new();
        for &OperationRef {
            path,
            method,
            operation: op,
            ..
        } in api_ops
        {
            let page = tag_page(&op_tag(op));
            op_pages.insert(Builder::op_id(op, method, path), page.clone());
            let roots = by_page.entry(page).or_default();
            for (status, resp) in entries(op, "responses") {
                if is_error_status(status) {
                    errors.push(resp);
                } else {
                    roots.push(resp);
                }
            }
            roots.extend(
                ["requestBody", "parameters"]
                    .iter()
                    .filter_map(|k| op.get(*k)),
            );
        }
        let mut order = vec![(ERRORS_PAGE.to_string(), errors)];
        for name in tag_names {
            let page = tag_page(name);
            let roots = by_page.remove(&page).unwrap_or_default();
            order.push((page, roots));
        }
        let mut hooks = Vec::new();
        for &OperationRef {
            path,
            method,
            operation: op,
            ..
        } in webhooks
        {
            op_pages.insert(Builder::op_id(op, method, path), WEBHOOKS_PAGE.into());
            hooks.push(op);
        }
        order.push((WEBHOOKS_PAGE.into(), hooks));
        let mut schema_pages = BTreeMap::new();
        for (page, roots) in order {
            for root in roots {
                for name in reachable(raw, root) {
                    schema_pages.entry(name).or_insert_with(|| page.clone());
                }
            }
        }
        let fallback = tag_names
            .first()
            .map(|n| tag_page(n))
            .unwrap_or_else(|| ERRORS_PAGE.into());
        for name in component_names(raw) {
            schema_pages.entry(name).or_insert_with(|| fallback.clone());
        }
        Links {
            schemas: schema_pages,
            operations: op_pages,
        }
    }
}

/// The tags in page order: as the document lists them, then any others
/// operations use; tags no operation uses are left out.
pub(super) fn tag_names(raw: &Value, api_ops: &[OperationRef<'_>]) -> Vec<String> {
    let mut names: Vec<String> = raw
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|t| str_at(t, "name").to_string())
        .collect();
    let used: Vec<String> = api_ops.iter().map(|o| op_tag(o.operation)).collect();
    for tag in &used {
        if !names.contains(tag) {
            names.push(tag.clone());
        }
    }
    names.retain(|n| used.contains(n));
    names
}

impl<'a> Builder<'a> {
    pub(super) fn pages(&self) -> Vec<Page> {
        let mut pages = vec![Page {
            file: AUTH_PAGE.into(),
            title: "Authentication".into(),
            kind: "authentication".into(),
            sidebar_position: 1,
            tag: None,
        }];
        for name in &self.tag_names {
            pages.push(Page {
                file: tag_page(name),
                title: self.tag_title(name),
                kind: "tag".into(),
                sidebar_position: pages.len() + 1,
                tag: Some(name.clone()),
            });
        }
        pages.push(Page {
            file: ERRORS_PAGE.into(),
            title: "Errors".into(),
            kind: "errors".into(),
            sidebar_position: pages.len() + 1,
            tag: None,
        });
        if !self.operations(true).is_empty() {
            pages.push(Page {
                file: WEBHOOKS_PAGE.into(),
                title: "Webhooks".into(),
                kind: "webhooks".into(),
                sidebar_position: pages.len() + 1,
                tag: None,
            });
        }
        pages
    }

    pub(super) fn tag_object(&self, name: &str) -> Option<&Value> {
        self.raw
            .get("tags")
            .and_then(Value::as_array)?
            .iter()
            .find(|t| str_at(t, "name") == name)
    }

    pub(super) fn tag_title(&self, name: &str) -> String {
        if let Some(t) = self
            .tag_object(name)
            .and_then(|t| t.get("x-displayName"))
            .and_then(Value::as_str)
        {
            return t.to_string();
        }
        let mut c = name.chars();
        match c.next() {
            Some(f) => f.to_uppercase().chain(c).collect(),
            None => name.to_string(),
        }
    }

    pub(super) fn tags(&self, pages: &[Page]) -> Vec<Tag> {
        let ops = self.operations(false);
        pages
            .iter()
            .filter_map(|p| p.tag.as_ref().map(|t| (p, t)))
            .map(|(page, name)| Tag {
                name: name.clone(),
                title: page.title.clone(),
                anchor: format!("tag-{}", slug(name)),
                description: self.target.block(
                    self.tag_object(name)
                        .map(|t| str_at(t, "description"))
                        .unwrap_or(""),
                ),
                page: page.file.clone(),
                operations: ops
                    .iter()
                    .filter(|o| &op_tag(o.operation) == name)
                    .map(|o| self.op(o, false))
                    .collect(),
            })
            .collect()
    }

    /// `[text](#op-…)` to an operation, on whichever page it is.
    pub(super) fn op_link(&self, text: &str, id: &str) -> String {
        let page = self
            .links
            .operations
            .get(id)
            .map(String::as_str)
            .unwrap_or("");
        self.link(text, page, &format!("op-{}", slug(id)))
    }
}
