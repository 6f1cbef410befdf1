//! `--set`, `--set-string`, `--set-json` and `--set-file` parsing, as Helm's `strvals`: `a.b=c`,
//! lists `{a,b}`, indexes `a[0]=x`, `\` escapes; scalars typed (`true`, `null`, integers) for
//! `--set`, kept as strings for `--set-string`, decoded as JSON for `--set-json` and read from the
//! named file for `--set-file`.

use serde_json::Value as Json;

use super::coalesce::Table;
use super::json_value;

/// Largest list index accepted (Helm's limit).
const MAX_INDEX: usize = 65536;
/// Deepest key nesting accepted (Helm's limit).
const MAX_NESTED_NAME_LEVEL: usize = 30;

/// A `--set`-style expression Helm refuses.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct SetError(pub String);

/// Reads the file a `--set-file` value names; the error is worded as Go's.
pub type FileReader<'r> = dyn FnMut(&str) -> Result<String, String> + 'r;

/// How the values of an expression are read.
enum Mode<'r> {
    /// `--set`: bool, null, int64, else string.
    Typed,
    /// `--set-string`: every value a string.
    Strings,
    /// `--set-json`: each value one JSON document (numbers are float64).
    Json,
    /// `--set-file`: each value the content of the file it names.
    File(&'r mut FileReader<'r>),
}

/// Parses a `--set` expression into `dest` (scalars are typed: bool, null, int64, else string).
pub fn parse_set(expr: &str, dest: &mut Table) -> Result<(), SetError> {
    Parser::new(expr, Mode::Typed)
        .parse(dest)
        .map_err(|e| SetError(format!("failed parsing --set data: {e}")))
}

/// Parses a `--set-string` expression into `dest` (every scalar is a string).
pub fn parse_set_string(expr: &str, dest: &mut Table) -> Result<(), SetError> {
    Parser::new(expr, Mode::Strings)
        .parse(dest)
        .map_err(|e| SetError(format!("failed parsing --set-string data: {e}")))
}

/// Parses a `--set-json` expression into `dest`: `a.b=<json>,c=<json>`, or one JSON object merged
/// in whole. Helm's message names the expression, not the reason.
pub fn parse_set_json(expr: &str, dest: &mut Table) -> Result<(), SetError> {
    let trimmed = expr.trim();
    if trimmed.starts_with('{') {
        let object = json_value::parse_object(trimmed)
            .map_err(|_| SetError(format!("failed parsing --set-json data JSON: {expr}")))?;
        super::merge_user_values(dest, object);
        return Ok(());
    }
    Parser::new(expr, Mode::Json)
        .parse(dest)
        .map_err(|_| SetError(format!("failed parsing --set-json data {expr}")))
}

/// Parses a `--set-file` expression into `dest`: `a.b=path`, the value being the file's content
/// as read by `read`.
pub fn parse_set_file(expr: &str, dest: &mut Table, read: &mut FileReader) -> Result<(), SetError> {
    Parser::new(expr, Mode::File(read))
        .parse(dest)
        .map_err(|e| SetError(format!("failed parsing --set-file data: {e}")))
}

/// Why a read stopped: at a stop character, or at the end of input.
enum Stop {
    At(char),
    End,
}

struct Parser<'r> {
    chars: Vec<char>,
    pos: usize,
    mode: Mode<'r>,
}

fn err<T>(msg: impl Into<String>) -> Result<T, SetError> {
    Err(SetError(msg.into()))
}

/// The result of reading a value: set it and go on, or set it and stop (end of input).
type Step = Result<bool, SetError>;

impl<'r> Parser<'r> {
    fn new(expr: &str, mode: Mode<'r>) -> Self {
        Parser {
            chars: expr.chars().collect(),
            pos: 0,
            mode,
        }
    }

    fn parse(mut self, dest: &mut Table) -> Result<(), SetError> {
        while self.key(dest, 0)? {}
        Ok(())
    }

    fn until(&mut self, stop: &[char]) -> (String, Stop) {
        let mut out = String::new();
        while self.pos < self.chars.len() {
            let c = self.chars[self.pos];
            self.pos += 1;
            if c == '\\' {
                if self.pos < self.chars.len() {
                    out.push(self.chars[self.pos]);
                    self.pos += 1;
                    continue;
                }
                return (out, Stop::End);
            }
            if stop.contains(&c) {
                return (out, Stop::At(c));
            }
            out.push(c);
        }
        (out, Stop::End)
    }

    /// A scalar as the mode reads it (`--set-json` values never come here).
    fn scalar(&mut self, raw: String) -> Result<Json, SetError> {
        match &mut self.mode {
            Mode::Typed | Mode::Json => Ok(typed(raw)),
            Mode::Strings => Ok(Json::String(raw)),
            Mode::File(read) => read(&raw).map(Json::String).map_err(SetError),
        }
    }

    /// Reads `{a,b}` when the value starts with `{`; `None` when it is not a list.
    fn list_value(&mut self) -> Option<Result<Json, SetError>> {
        if self.chars.get(self.pos) != Some(&'{') {
            return None;
        }
        self.pos += 1;
        let mut list = Vec::new();
        loop {
            let (raw, stop) = self.until(&[',', '}']);
            match stop {
                Stop::End => return Some(err("list must terminate with '}'")),
                Stop::At('}') => {
                    if self.chars.get(self.pos) == Some(&',') {
                        self.pos += 1;
                    }
                    return Some(self.scalar(raw).map(|v| {
                        list.push(v);
                        Json::Array(list)
                    }));
                }
                Stop::At(_) => match self.scalar(raw) {
                    Ok(v) => list.push(v),
                    Err(e) => return Some(Err(e)),
                },
            }
        }
    }

    /// Reads the value after `=`; returns it and whether more input follows.
    fn value(&mut self) -> Result<(Json, bool), SetError> {
        if matches!(self.mode, Mode::Json) {
            return self.json_value();
        }
        if self.pos >= self.chars.len() {
            return Ok((Json::String(String::new()), false));
        }
        if let Some(list) = self.list_value() {
            return Ok((list?, self.pos < self.chars.len()));
        }
        let (raw, stop) = self.until(&[',']);
        Ok((self.scalar(raw)?, matches!(stop, Stop::At(_))))
    }

    /// A `--set-json` value: one JSON document (an empty value is null), then blanks and one
    /// comma. Whatever follows the document starts the next key, as in Helm.
    fn json_value(&mut self) -> Result<(Json, bool), SetError> {
        if self.skip_blanks_and_comma() {
            return Ok((Json::Null, true));
        }
        let rest: String = self.chars[self.pos..].iter().collect();
        let (value, len) = json_value::decode_prefix(&rest).map_err(SetError)?;
        self.pos += rest[..len].chars().count();
        self.skip_blanks_and_comma();
        Ok((value, true))
    }

    /// Go's `emptyVal`: skips blanks; true at the end or at a comma (which it consumes).
    fn skip_blanks_and_comma(&mut self) -> bool {
        while let Some(&c) = self.chars.get(self.pos) {
            if c == ',' {
                self.pos += 1;
                return true;
            }
            if !c.is_whitespace() {
                return false;
            }
            self.pos += 1;
        }
        true
    }

    /// Reads one `key...=value`; returns whether more input follows.
    fn key(&mut self, data: &mut Table, level: usize) -> Step {
        let (k, stop) = self.until(&['=', '[', ',', '.']);
        match stop {
            Stop::End if k.is_empty() => Ok(false),
            Stop::End => err(format!("key {k:?} has no value")),
            Stop::At('[') => {
                // Helm 4 treats a wrapped end-of-input as the end of the expression.
                let Some(index) = self.index()? else {
                    return Ok(false);
                };
                let mut list = match data.remove(&k) {
                    Some(Json::Array(l)) => l,
                    Some(_) => return err(format!("unable to parse key: {k:?} is not a list")),
                    None => Vec::new(),
                };
                let more = self.list_item(&mut list, index, level);
                if !k.is_empty() {
                    data.insert(k, Json::Array(list));
                }
                more
            }
            Stop::At('=') => {
                let (v, more) = self.value()?;
                if !k.is_empty() {
                    data.insert(k, v);
                }
                Ok(more)
            }
            Stop::At(',') => err(format!("key {k:?} has no value (cannot end with ,)")),
            Stop::At(_) => {
                if level + 1 > MAX_NESTED_NAME_LEVEL {
                    return err(format!(
                        "value name nested level is greater than maximum supported nested level of {MAX_NESTED_NAME_LEVEL}"
                    ));
                }
                let mut inner = match data.remove(&k) {
                    Some(Json::Object(m)) => m,
                    Some(_) => return err(format!("unable to parse key: {k:?} is not a map")),
                    None => Table::new(),
                };
                let result = self.key(&mut inner, level + 1);
                let empty = inner.is_empty();
                if !empty {
                    data.insert(k.clone(), Json::Object(inner));
                }
                match result {
                    Ok(true) if empty => err(format!("key map {k:?} has no value")),
                    other => other,
                }
            }
        }
    }

    /// Reads `N]`; `None` at the end of input.
    fn index(&mut self) -> Result<Option<usize>, SetError> {
        let (raw, stop) = self.until(&[']']);
        if matches!(stop, Stop::End) {
            return Ok(None);
        }
        match raw.parse::<i64>() {
            Ok(i) if i < 0 => err(format!("negative {i} index not allowed")),
            Ok(i) if i as usize > MAX_INDEX => err(format!(
                "index of {i} is greater than maximum supported index of {MAX_INDEX}"
            )),
            Ok(i) => Ok(Some(i as usize)),
            Err(_) => err(format!(
                "error parsing index: strconv.Atoi: parsing {raw:?}: invalid syntax"
            )),
        }
    }

    fn set_index(list: &mut Vec<Json>, index: usize, value: Json) {
        if list.len() <= index {
            list.resize(index + 1, Json::Null);
        }
        list[index] = value;
    }

    fn list_item(&mut self, list: &mut Vec<Json>, index: usize, level: usize) -> Step {
        let (k, stop) = self.until(&['[', '.', '=']);
        if !k.is_empty() {
            return err(format!("unexpected data at end of array index: {k:?}"));
        }
        match stop {
            Stop::End => Ok(false),
            Stop::At('=') => {
                let (v, more) = self.value()?;
                Self::set_index(list, index, v);
                Ok(more)
            }
            Stop::At('[') => {
                let Some(next) = self.index()? else {
                    return Ok(false);
                };
                let mut inner = match list.get(index) {
                    Some(Json::Array(l)) => l.clone(),
                    _ => Vec::new(),
                };
                let more = self.list_item(&mut inner, next, level)?;
                Self::set_index(list, index, Json::Array(inner));
                Ok(more)
            }
            Stop::At(_) => {
                let mut inner = match list.get(index) {
                    Some(Json::Object(m)) => m.clone(),
                    _ => Table::new(),
                };
                let more = self.key(&mut inner, level)?;
                Self::set_index(list, index, Json::Object(inner));
                Ok(more)
            }
        }
    }
}

/// A `--set` scalar: bool, null, int64 (no leading zero), else the string.
fn typed(raw: String) -> Json {
    if raw.eq_ignore_ascii_case("true") {
        return Json::Bool(true);
    }
    if raw.eq_ignore_ascii_case("false") {
        return Json::Bool(false);
    }
    if raw.eq_ignore_ascii_case("null") {
        return Json::Null;
    }
    if raw == "0" {
        return Json::from(0i64);
    }
    if !raw.starts_with('0')
        && let Ok(i) = raw.parse::<i64>()
    {
        return Json::from(i);
    }
    Json::String(raw)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn set(expr: &str) -> Json {
        let mut t = Table::new();
        parse_set(expr, &mut t).unwrap();
        Json::Object(t)
    }

    #[test]
    fn parses_like_helm_strvals() {
        assert_eq!(
            set("a.b=c,d=1,e=true,f=null,g=0755,h=1.5"),
            json!({"a": {"b": "c"}, "d": 1, "e": true, "f": null, "g": "0755", "h": "1.5"})
        );
        assert_eq!(set("l={a,b,3}"), json!({"l": ["a", "b", 3]}));
        assert_eq!(set("a[1]=x"), json!({"a": [null, "x"]}));
        assert_eq!(set("a[0].b=1,a[0].c=2"), json!({"a": [{"b": 1, "c": 2}]}));
        assert_eq!(set(r"a\.b=c\,d"), json!({"a.b": "c,d"}));
        assert_eq!(set("a="), json!({"a": ""}));
        assert_eq!(set("a.b[0][1]=z"), json!({"a": {"b": [[null, "z"]]}}));
    }

    #[test]
    fn set_string_keeps_strings() {
        let mut t = Table::new();
        parse_set_string("a=1,b=true", &mut t).unwrap();
        assert_eq!(Json::Object(t), json!({"a": "1", "b": "true"}));
    }

    #[test]
    fn bad_expressions_are_refused() {
        let mut t = Table::new();
        assert_eq!(
            parse_set("a", &mut t).unwrap_err().to_string(),
            "failed parsing --set data: key \"a\" has no value"
        );
        assert!(parse_set("a,b=1", &mut t).is_err());
        assert!(parse_set("a[-1]=1", &mut t).is_err());
    }
}
