//! The request around a matched endpoint: its HTTP method, its `action` and
//! its parameters, each with the place in the source it was read from.
//!
//! Only literal keys and values are trusted. A parameter whose key is a
//! literal but whose value is computed (a variable, an interpolation, a
//! call) is recorded with `value: None`: known to be sent, value unknown.
//! Nothing is guessed. The extraction lives in [`crate::request`]; this is
//! the data every consumer reads.

use serde::{Deserialize, Serialize};

use crate::rules::{ParamCheck, ParamRule};

/// Where in the source a parameter was read from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamSource {
    /// The query string of the URL (`…/scan/?action=list`).
    Query,
    /// A form or body field: curl `-d`/`--data*`/`-F`, `data=`, `json=`,
    /// `-Body @{…}`, a Postman `urlencoded`/`formdata`/`raw` body.
    Body,
    /// A keyword argument or options entry of the call (`action="list"`,
    /// `params={…}`, `url.Values{…}`, a Postman `query` entry).
    Argument,
}

impl ParamSource {
    pub fn as_str(self) -> &'static str {
        match self {
            ParamSource::Query => "query",
            ParamSource::Body => "body",
            ParamSource::Argument => "argument",
        }
    }
}

/// One parameter of a request.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct Param {
    /// The key as written (a literal).
    pub name: String,
    /// The literal value; `None` when the value is not a literal (unknown).
    pub value: Option<String>,
    pub source: ParamSource,
    /// 1-based line and column (characters) of the key.
    pub line: usize,
    pub column: usize,
    /// Byte offset of the key in the file's decoded text.
    pub offset: usize,
}

/// What sunset could read of the request that uses a finding's endpoint.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
pub struct Request {
    /// The HTTP method, upper case, when written as a literal (`-X POST`,
    /// `requests.post`, `-Method Post`, `method: 'POST'`).
    #[serde(default)]
    pub method: Option<String>,
    /// The `action` parameter: its literal value, when the request carries
    /// exactly one literal value for it.
    #[serde(default)]
    pub action: Option<String>,
    /// Every parameter read, in source order.
    #[serde(default)]
    pub params: Vec<Param>,
}

impl Request {
    /// The parameters named `name`.
    pub fn named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Param> + 'a {
        self.params.iter().filter(move |p| p.name == name)
    }

    /// What is known of parameter `name`: absent, present with literal
    /// values, or present with a value that is not a literal.
    pub fn knowledge(&self, name: &str) -> Knowledge {
        let mut values: Vec<&str> = Vec::new();
        for p in self.named(name) {
            match &p.value {
                Some(v) => {
                    if !values.contains(&v.as_str()) {
                        values.push(v);
                    }
                }
                None => return Knowledge::Unknown,
            }
        }
        match values.as_slice() {
            [] => Knowledge::Absent,
            [one] => Knowledge::Literal((*one).to_string()),
            // Two different literal values: the request is ambiguous.
            _ => Knowledge::Unknown,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.method.is_none() && self.params.is_empty()
    }
}

/// What a request says about one parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Knowledge {
    /// Not seen in the request.
    Absent,
    /// Sent with this literal value.
    Literal(String),
    /// Sent, but its value is not a literal (or literals disagree).
    Unknown,
}

/// How serious a request check is (defined with the rules, whose
/// parameter checks carry one).
pub use crate::rules::CheckLevel;

/// One verdict on a request, from a rule's request data.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct RequestCheck {
    pub level: CheckLevel,
    /// Stable code: `action-no-replacement`, `action-unknown`, …
    pub code: String,
    /// The verdict in words, e.g. "action=launch is not documented on
    /// /api/3.0/fo/scan/: no replacement is published for this action".
    pub message: String,
    /// The publication the verdict rests on.
    pub source: crate::rules::Source,
}

/// The request checks of a rule's parameter checks against `request`.
///
/// Only literal keys and values give a verdict. A check whose outcome
/// hangs on a value that is not a literal (the action, the condition's
/// parameter, the value checked) gives an `info` check `param-unknown`
/// instead; a check whose action or condition is visibly not met, or whose
/// action or condition parameter is not sent at all, gives nothing.
pub fn evaluate(checks: &[ParamCheck], request: &Request) -> Vec<RequestCheck> {
    checks
        .iter()
        .filter_map(|c| evaluate_one(c, request))
        .collect()
}

/// The `param-*` code of a verdict of `rule`.
pub fn verdict_code(rule: &ParamRule) -> &'static str {
    match rule {
        ParamRule::NotAccepted { .. } => "param-not-accepted",
        ParamRule::Required { .. } => "param-required",
        ParamRule::Exclusive { .. } => "param-exclusive",
        ParamRule::RejectsValues { .. } => "param-value",
    }
}

fn evaluate_one(check: &ParamCheck, request: &Request) -> Option<RequestCheck> {
    let unknown = |name: &str| RequestCheck {
        level: CheckLevel::Info,
        code: "param-unknown".to_string(),
        message: format!(
            "not checked: the value of `{name}` is not a literal (the check: {})",
            check.message
        ),
        source: check.source.clone(),
    };
    if !check.actions.is_empty() {
        match request.knowledge("action") {
            Knowledge::Absent => return None,
            Knowledge::Unknown => return Some(unknown("action")),
            Knowledge::Literal(a) => {
                if !check.actions.contains(&a) {
                    return None;
                }
            }
        }
    }
    if let Some(w) = &check.when {
        match request.knowledge(&w.param) {
            Knowledge::Absent => return None,
            Knowledge::Unknown => return Some(unknown(&w.param)),
            Knowledge::Literal(v) => {
                if !w.values.iter().any(|x| x.eq_ignore_ascii_case(&v)) {
                    return None;
                }
            }
        }
    }
    let sent = |name: &str| request.named(name).next().is_some();
    let fails = match &check.rule {
        ParamRule::NotAccepted { param } => sent(param),
        ParamRule::Required { param } => !sent(param),
        ParamRule::Exclusive { first, second } => sent(first) && sent(second),
        ParamRule::RejectsValues { param, values } => match request.knowledge(param) {
            Knowledge::Absent => false,
            Knowledge::Unknown => return Some(unknown(param)),
            Knowledge::Literal(v) => values.iter().any(|x| x.eq_ignore_ascii_case(&v)),
        },
    };
    fails.then(|| RequestCheck {
        level: check.level,
        code: verdict_code(&check.rule).to_string(),
        message: check.message.clone(),
        source: check.source.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn param(name: &str, value: Option<&str>) -> Param {
        Param {
            name: name.into(),
            value: value.map(str::to_string),
            source: ParamSource::Body,
            line: 1,
            column: 1,
            offset: 0,
        }
    }

    #[test]
    fn knowledge_of_a_parameter() {
        let r = Request {
            method: None,
            action: None,
            params: vec![
                param("action", Some("list")),
                param("action", Some("list")),
                param("ids", None),
                param("a", Some("1")),
                param("a", Some("2")),
            ],
        };
        assert_eq!(r.knowledge("action"), Knowledge::Literal("list".into()));
        assert_eq!(r.knowledge("ids"), Knowledge::Unknown);
        assert_eq!(r.knowledge("a"), Knowledge::Unknown);
        assert_eq!(r.knowledge("title"), Knowledge::Absent);
    }
}
