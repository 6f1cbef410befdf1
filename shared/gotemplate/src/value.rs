//! The dynamic value model of the template engine: Go's `interface{}` values as Helm sees them.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, RwLock};

/// A map as templates see it: Go prints and ranges maps sorted by key, so a `BTreeMap` keeps that order.
pub type Map = BTreeMap<String, Value>;

/// A shared, mutable map: Go maps are references, and templates rely on it
/// (`{{ $_ := set $d "k" "v" }}` changes `$d` everywhere it is seen).
#[derive(Clone, Default)]
pub struct Dict(Arc<RwLock<Map>>);

impl Dict {
    /// Wraps a map.
    pub fn new(map: Map) -> Self {
        Dict(Arc::new(RwLock::new(map)))
    }
    /// Runs `f` on the map.
    pub fn with<R>(&self, f: impl FnOnce(&Map) -> R) -> R {
        let guard = self.0.read().unwrap_or_else(|e| e.into_inner());
        f(&guard)
    }
    /// Runs `f` on the map, mutably.
    pub fn with_mut<R>(&self, f: impl FnOnce(&mut Map) -> R) -> R {
        let mut guard = self.0.write().unwrap_or_else(|e| e.into_inner());
        f(&mut guard)
    }
    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<Value> {
        self.with(|m| m.get(key).cloned())
    }
    /// Sets `key`.
    pub fn insert(&self, key: impl Into<String>, value: Value) {
        self.with_mut(|m| {
            m.insert(key.into(), value);
        })
    }
    /// Removes `key`.
    pub fn remove(&self, key: &str) -> Option<Value> {
        self.with_mut(|m| m.remove(key))
    }
    /// Whether `key` exists.
    pub fn contains_key(&self, key: &str) -> bool {
        self.with(|m| m.contains_key(key))
    }
    /// Number of entries.
    pub fn len(&self) -> usize {
        self.with(|m| m.len())
    }
    /// Whether it has no entries.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// A copy of the entries (shallow: nested maps stay shared).
    pub fn snapshot(&self) -> Map {
        self.with(|m| m.clone())
    }
    /// Keys in order.
    pub fn keys(&self) -> Vec<String> {
        self.with(|m| m.keys().cloned().collect())
    }
    /// Whether both are the same map.
    pub fn ptr_eq(&self, other: &Dict) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

/// A Go-like dynamic value.
///
/// Numbers loaded from values files are `Float` (Helm decodes YAML through JSON into `float64`);
/// integer literals in templates and sprig math results are `Int`.
#[derive(Clone, Default)]
pub enum Value {
    /// Go's untyped `nil` (a missing key, a YAML `null`).
    #[default]
    Nil,
    /// `bool`.
    Bool(bool),
    /// `int` (template literals, `len`, `int`, `atoi`).
    Int(i64),
    /// `int64` (what sprig's integer math returns).
    Int64(i64),
    /// `float64`.
    Float(f64),
    /// `string`.
    String(String),
    /// `[]byte` (what `.Files.GetBytes` returns); prints like Go: `[104 105]`.
    Bytes(Arc<Vec<u8>>),
    /// `[]interface{}`.
    List(Arc<Vec<Value>>),
    /// `map[string]interface{}` (shared and mutable like a Go map).
    Map(Dict),
    /// A value with fields and methods computed on access (`.Files`, `.Capabilities`, ...).
    Object(Arc<dyn TemplateObject>),
}

/// A value whose fields and methods are computed on access, like a Go struct with methods.
///
/// The chart layer implements it for `.Files`, `.Capabilities`, `.Capabilities.APIVersions`, etc.
pub trait TemplateObject: Send + Sync {
    /// The value of field `name` (`.Capabilities.KubeVersion`), or `None` when there is no such field.
    fn field(&self, name: &str) -> Option<Value>;
    /// Calls method `name` with `args` (`.Files.Get "x"`); `None` when there is no such method.
    fn call_method(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>>;
    /// The Go type name, for `typeOf` and error messages (e.g. `chartutil.Files`).
    fn type_name(&self) -> &str;
    /// The plain value this object stands for when printed, ranged over, indexed or measured
    /// (e.g. `APIVersions` is a list of strings with a `Has` method). `None`: an opaque struct.
    fn as_value(&self) -> Option<Value> {
        None
    }
    /// How `%v` prints it when it has no `as_value` (Go's `String()` method), e.g. a version or a time.
    fn display(&self) -> Option<String> {
        None
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Nil => write!(f, "Nil"),
            Value::Bool(b) => write!(f, "Bool({b})"),
            Value::Int(i) => write!(f, "Int({i})"),
            Value::Int64(i) => write!(f, "Int64({i})"),
            Value::Float(x) => write!(f, "Float({x})"),
            Value::String(s) => write!(f, "String({s:?})"),
            Value::Bytes(b) => write!(f, "Bytes({b:?})"),
            Value::List(l) => f.debug_list().entries(l.iter()).finish(),
            Value::Map(m) => m.with(|m| f.debug_map().entries(m.iter()).finish()),
            Value::Object(o) => write!(f, "Object({})", o.type_name()),
        }
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Value::Nil, Value::Nil) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(a), Value::Int(b)) | (Value::Int64(a), Value::Int64(b)) => a == b,
            (Value::Float(a), Value::Float(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::Bytes(a), Value::Bytes(b)) => a == b,
            (Value::List(a), Value::List(b)) => a == b,
            (Value::Map(a), Value::Map(b)) => a.ptr_eq(b) || a.snapshot() == b.snapshot(),
            (Value::Object(a), Value::Object(b)) => Arc::ptr_eq(a, b),
            _ => false,
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_string())
    }
}
impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}
impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}
impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}
impl From<f64> for Value {
    fn from(x: f64) -> Self {
        Value::Float(x)
    }
}
impl From<Vec<Value>> for Value {
    fn from(l: Vec<Value>) -> Self {
        Value::List(Arc::new(l))
    }
}
impl From<Map> for Value {
    fn from(m: Map) -> Self {
        Value::Map(Dict::new(m))
    }
}

impl Value {
    /// Converts decoded JSON/YAML the way Helm sees values: every number becomes `float64`.
    pub fn from_json(json: &serde_json::Value) -> Value {
        match json {
            serde_json::Value::Null => Value::Nil,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Float(n.as_f64().unwrap_or(0.0)),
            serde_json::Value::String(s) => Value::String(s.clone()),
            serde_json::Value::Array(a) => {
                Value::from(a.iter().map(Value::from_json).collect::<Vec<_>>())
            }
            serde_json::Value::Object(o) => Value::from(
                o.iter()
                    .map(|(k, v)| (k.clone(), Value::from_json(v)))
                    .collect::<Map>(),
            ),
        }
    }

    /// Converts decoded JSON keeping integers as `Int` (what `fromJson`'s callers never see in Helm,
    /// but useful for building data in Rust).
    pub fn from_json_typed(json: &serde_json::Value) -> Value {
        match json {
            serde_json::Value::Number(n) => match n.as_i64() {
                Some(i) => Value::Int(i),
                None => Value::Float(n.as_f64().unwrap_or(0.0)),
            },
            serde_json::Value::Array(a) => {
                Value::from(a.iter().map(Value::from_json_typed).collect::<Vec<_>>())
            }
            serde_json::Value::Object(o) => Value::from(
                o.iter()
                    .map(|(k, v)| (k.clone(), Value::from_json_typed(v)))
                    .collect::<Map>(),
            ),
            other => Value::from_json(other),
        }
    }

    /// Converts to JSON (objects become their `as_value` or `null`; floats that are whole stay floats).
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Value::Nil => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Int(i) | Value::Int64(i) => serde_json::Value::from(*i),
            Value::Float(x) => serde_json::Number::from_f64(*x)
                .map(serde_json::Value::Number)
                .unwrap_or(serde_json::Value::Null),
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::Bytes(b) => serde_json::Value::String(crate::utf8::lossy(b).into_owned()),
            Value::List(l) => serde_json::Value::Array(l.iter().map(Value::to_json).collect()),
            Value::Map(m) => m.with(|m| {
                serde_json::Value::Object(m.iter().map(|(k, v)| (k.clone(), v.to_json())).collect())
            }),
            Value::Object(o) => o
                .as_value()
                .map(|v| v.to_json())
                .unwrap_or(serde_json::Value::Null),
        }
    }

    /// An empty map.
    pub fn empty_map() -> Value {
        Value::Map(Dict::new(Map::new()))
    }

    /// Builds a map value from pairs.
    pub fn map_from<I: IntoIterator<Item = (String, Value)>>(pairs: I) -> Value {
        Value::Map(Dict::new(pairs.into_iter().collect()))
    }

    /// Replaces an object by the plain value it stands for, if any.
    pub fn resolved(&self) -> Value {
        match self {
            Value::Object(o) => o.as_value().unwrap_or_else(|| self.clone()),
            _ => self.clone(),
        }
    }

    /// Go's truthiness: false, 0, "", nil, and empty lists/maps are false.
    pub fn is_truthy(&self) -> bool {
        match self {
            Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(i) | Value::Int64(i) => *i != 0,
            Value::Float(x) => *x != 0.0,
            Value::String(s) => !s.is_empty(),
            Value::Bytes(b) => !b.is_empty(),
            Value::List(l) => !l.is_empty(),
            Value::Map(m) => !m.is_empty(),
            Value::Object(o) => o.as_value().map(|v| v.is_truthy()).unwrap_or(true),
        }
    }

    /// The Go type name as `typeOf`/`printf "%T"` shows it.
    pub fn type_name(&self) -> String {
        match self {
            Value::Nil => "<nil>".into(),
            Value::Bool(_) => "bool".into(),
            Value::Int(_) => "int".into(),
            Value::Int64(_) => "int64".into(),
            Value::Float(_) => "float64".into(),
            Value::String(_) => "string".into(),
            Value::Bytes(_) => "[]uint8".into(),
            Value::List(_) => "[]interface {}".into(),
            Value::Map(_) => "map[string]interface {}".into(),
            Value::Object(o) => o.type_name().to_string(),
        }
    }

    /// The Go `reflect.Kind` name as `kindOf` shows it.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Value::Nil => "invalid",
            Value::Bool(_) => "bool",
            Value::Int(_) => "int",
            Value::Int64(_) => "int64",
            Value::Float(_) => "float64",
            Value::String(_) => "string",
            Value::Bytes(_) | Value::List(_) => "slice",
            Value::Map(_) => "map",
            Value::Object(o) => match o.as_value() {
                Some(v) => v.kind_name(),
                None => "struct",
            },
        }
    }

    /// The integer inside, of either integer type.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Int(i) | Value::Int64(i) => Some(*i),
            _ => None,
        }
    }

    /// The string inside, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
}
