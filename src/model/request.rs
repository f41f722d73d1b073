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
        ParamRule::Ipv6 { .. } => "param-ipv6",
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
        ParamRule::Ipv6 { params } => {
            let read = |p: &&Param| params.is_empty() || params.contains(&p.name);
            let mut found = None;
            for p in request.params.iter().filter(read) {
                match &p.value {
                    None => return Some(unknown(&p.name)),
                    Some(v) => {
                        if found.is_none() {
                            found = find_ipv6(v).map(|a| (p.name.clone(), a.to_string()));
                        }
                    }
                }
            }
            if let Some((name, address)) = found {
                return Some(RequestCheck {
                    level: check.level,
                    code: verdict_code(&check.rule).to_string(),
                    message: format!("{name}: {address}: {}", check.message),
                    source: check.source.clone(),
                });
            }
            false
        }
    };
    fails.then(|| RequestCheck {
        level: check.level,
        code: verdict_code(&check.rule).to_string(),
        message: check.message.clone(),
        source: check.source.clone(),
    })
}

/// The first token of `value` that holds an IPv6 address, as written.
///
/// The value is cut into candidate tokens at list and quoting punctuation
/// (`,`, `;`, whitespace, quotes, brackets, `=`, `&`); a token loses a
/// `/…` suffix (a CIDR prefix or a virtual host's path) and is split at
/// `-` (a range). A token, or the tail of a `host:port:address` token
/// after one of its colons, counts only when [`std::net::Ipv6Addr`]
/// parses it and it is not the unspecified address `::` — so an IPv4
/// address, a MAC address (`00:1a:2b:3c:4d:5e`), a time (`12:30:00`) or a
/// C++ path (`std::vector`) never counts.
pub fn find_ipv6(value: &str) -> Option<&str> {
    let separators = |c: char| {
        c.is_whitespace()
            || matches!(
                c,
                ',' | ';' | '"' | '\'' | '[' | ']' | '{' | '}' | '(' | ')' | '=' | '&' | '|'
            )
    };
    for token in value.split(separators) {
        let token = token.split('/').next().unwrap_or(token);
        for part in token.split('-') {
            // `fe80::1%eth0`: a zone index is not part of the address.
            let part = part.split('%').next().unwrap_or(part);
            if !part.contains(':') {
                continue;
            }
            let tails = std::iter::once(0).chain(
                part.match_indices(':')
                    .map(|(i, _)| i + 1)
                    .filter(|&i| i < part.len()),
            );
            for start in tails {
                let tail = &part[start..];
                if let Ok(address) = tail.parse::<std::net::Ipv6Addr>() {
                    if !address.is_unspecified() {
                        // Where the address starts in `host:port:address`
                        // is ambiguous: give the token as written.
                        return Some(part);
                    }
                }
            }
        }
    }
    None
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
    fn ipv6_literals_are_recognised() {
        let yes = [
            (
                "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
                "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
            ),
            ("1e80::5c91:4831:88f9:41ef", "1e80::5c91:4831:88f9:41ef"),
            ("10.0.0.1, 2001:db8::1", "2001:db8::1"),
            ("10.0.0.1,2001:db8::1", "2001:db8::1"),
            ("::1", "::1"),
            ("2001:db8::/64", "2001:db8::"),
            ("2001:db8::1-2001:db8::ff", "2001:db8::1"),
            ("[2001:db8::1]:443", "2001:db8::1"),
            ("fe80::1%eth0", "fe80::1"),
            ("::ffff:192.0.2.1", "::ffff:192.0.2.1"),
            // A virtual host: host:port:address/path (PCI 1.6.2).
            (
                "www.test.com:8008:2001:df1:f600:247d::a73:7de3/path",
                "www.test.com:8008:2001:df1:f600:247d::a73:7de3",
            ),
        ];
        for (value, found) in yes {
            assert_eq!(find_ipv6(value), Some(found), "{value}");
        }
        let no = [
            "10.0.0.1",
            "10.0.0.1-10.0.0.9, 192.168.0.0/24",
            "www.test.com:8008:11.11.11.11/path",
            "00:1a:2b:3c:4d:5e",
            "00-1A-2B-3C-4D-5E",
            "12:30:00",
            "2026-12-05T12:30:00Z",
            "std::vector<int>",
            "::",
            "a:b",
            "",
        ];
        for value in no {
            assert_eq!(find_ipv6(value), None, "{value}");
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
