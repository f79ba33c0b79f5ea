/*!
Rule files (`gazetteers/rules/NAME.rules`): patterns kept as data, each with its own examples.

A rule file is a list of records separated by blank lines. Each record is `key: value` lines;
a key may repeat (`example:` several times). A record whose first key is `define` declares a
macro instead of a rule:

```text
# format: records of `key: value` lines separated by blank lines
define: month
value: January|February|March

rule: month_day
pattern: (?P<month>{month}) (?P<day>[0-9]{1,2})
value: XXXX-{month}-{day}
example: December 13 => XXXX-12-13
counter: March on
```

`{name}` in a pattern expands to the macro `name` (wrapped in a non-capturing group). Macros can
also come from word lists supplied by the stage. An unknown macro is a load error naming the
file, line and rule. Keys are interpreted by the stage that owns the file; this module only
parses and expands.
*/
use std::collections::HashMap;

use super::DataFile;
use crate::error::Result;

/// One `key: value` line of a rule record.
#[derive(Debug, Clone)]
pub struct Field {
    /// The key, lower-cased.
    pub key: String,
    /// The value, trimmed.
    pub value: String,
    /// 1-based line number.
    pub line: usize,
}

/// One record of a rule file.
#[derive(Debug, Clone)]
pub struct Rule {
    /// The value of the record's `rule:` key.
    pub name: String,
    /// Line of the record's first line.
    pub line: usize,
    /// All fields, in file order (including `rule`).
    pub fields: Vec<Field>,
}

impl Rule {
    /// The first value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.fields.iter().find(|f| f.key == key).map(|f| f.value.as_str())
    }

    /// Every value of `key`, in order.
    pub fn all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a Field> + 'a {
        self.fields.iter().filter(move |f| f.key == key)
    }
}

/// A parsed rule file: its rules and macros.
#[derive(Debug, Clone)]
pub struct RuleFile {
    /// Where it came from, for errors.
    pub origin: String,
    /// The rules, in file order (which is priority order for the stages that care).
    pub rules: Vec<Rule>,
    /// Macros declared with `define:` records.
    pub macros: HashMap<String, String>,
}

impl RuleFile {
    /// Parses a rule file. Malformed lines are reported all at once, with line numbers.
    pub fn parse(file: &DataFile) -> Result<RuleFile> {
        let mut records: Vec<Vec<Field>> = vec![Vec::new()];
        let mut bad = Vec::new();
        for (i, raw) in file.text().lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() {
                if !records.last().unwrap().is_empty() {
                    records.push(Vec::new());
                }
                continue;
            }
            if line.starts_with('#') {
                continue;
            }
            match line.split_once(':') {
                Some((key, value)) if !key.trim().is_empty() && !key.contains(' ') => {
                    records.last_mut().unwrap().push(Field {
                        key: key.trim().to_ascii_lowercase(),
                        value: value.trim().to_string(),
                        line: i + 1,
                    })
                }
                _ => bad.push(i + 1),
            }
        }
        if let Some(&first) = bad.first() {
            let all: Vec<String> = bad.iter().map(usize::to_string).collect();
            return Err(
                file.error(first, format!("expected `key: value` (lines {})", all.join(", ")))
            );
        }
        let mut rules = Vec::new();
        let mut macros = HashMap::new();
        for fields in records.into_iter().filter(|r| !r.is_empty()) {
            let head = &fields[0];
            match head.key.as_str() {
                "define" => {
                    let value = fields.iter().find(|f| f.key == "value").ok_or_else(|| {
                        file.error(head.line, format!("macro {:?} has no `value:`", head.value))
                    })?;
                    macros.insert(head.value.clone(), value.value.clone());
                }
                "rule" => rules.push(Rule { name: head.value.clone(), line: head.line, fields }),
                other => {
                    return Err(file.error(
                        head.line,
                        format!("a record starts with `rule:` or `define:`, not `{other}:`"),
                    ))
                }
            }
        }
        Ok(RuleFile { origin: file.origin.clone(), rules, macros })
    }

    /// Expands `{macro}` references in `rule`'s `key` field, looking in this file's macros and
    /// then in `extra`. Regex repetition braces (`{1,2}`, `{4}`) are left alone.
    pub fn expand(
        &self,
        rule: &Rule,
        key: &str,
        extra: &HashMap<String, String>,
    ) -> Result<String> {
        let field = rule
            .all(key)
            .next()
            .ok_or_else(|| self.err(rule.line, &rule.name, &format!("no `{key}:`")))?;
        let src = &field.value;
        let mut out = String::with_capacity(src.len());
        let mut rest = src.as_str();
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let close =
                after.find('}').ok_or_else(|| self.err(field.line, &rule.name, "unclosed `{`"))?;
            let name = &after[..close];
            if name.is_empty()
                || name.chars().next().unwrap().is_ascii_digit()
                || name.contains(',')
            {
                out.push('{');
                out.push_str(name);
                out.push('}');
            } else {
                let body = self.macros.get(name).or_else(|| extra.get(name)).ok_or_else(|| {
                    self.err(field.line, &rule.name, &format!("unknown macro {{{name}}}"))
                })?;
                out.push_str("(?:");
                out.push_str(body);
                out.push(')');
            }
            rest = &after[close + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }

    /// An error about `rule` at `line`.
    pub fn err(&self, line: usize, rule: &str, message: &str) -> crate::Error {
        crate::Error::Data {
            file: self.origin.clone(),
            line,
            message: format!("rule {rule}: {message}"),
        }
    }
}
