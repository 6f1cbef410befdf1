//! The function library: Go's built-ins and sprig's functions, and [`Functions`], the table a
//! template set calls through (other libraries, such as Helm's, add their families to it).
//!
//! Each family lives in its own file and exposes `call(name, args) -> Option<FuncResult>`;
//! `None` means "not mine". `and` and `or` are the executor's (they short-circuit).

pub mod args;
mod builtins;
mod certs;
mod dates;
mod derive_password;
mod dicts;
mod encoding;
mod encrypt;
mod json;
pub mod key_pool;
mod layout;
mod lists;
mod math;
mod misc;
mod pattern;
pub(crate) mod regex;
mod semver;
mod strings;

pub use args::FuncError;
pub use json::time_text;

use super::exec::Exec;
use super::value::Value;

/// The result of calling a function.
pub type FuncResult = Result<Value, FuncError>;

/// Names handled by the executor itself.
const EXEC_FUNCS: &[&str] = &["and", "or"];

/// A family of plain functions: the result of calling `name` with the arguments, `None` when
/// `name` is not one of the family's.
pub type Family = fn(&str, &[Value]) -> Option<FuncResult>;

/// A family of functions that execute templates of the running set (Helm's `include`, `tpl`),
/// through [`Exec`]; `None` when `name` is not one of the family's.
pub type ExecFamily = fn(&mut Exec<'_>, &str, &[Value]) -> Option<FuncResult>;

/// Go's built-ins and sprig's families, in the order they are tried. Order matters where sprig
/// replaces a Go built-in (`slice`): lists come first; the most used families come early.
pub const STANDARD: &[Family] = &[
    lists::call,
    builtins::call,
    strings::call,
    dicts::call,
    math::call,
    misc::call,
    json::call,
    encoding::call,
    regex::call,
    semver::call,
    dates::call,
    certs::call,
    encrypt::call,
];

/// The functions a template set knows: the parser rejects other names (as Go's does), the
/// executor calls these. Built once (usually in a `static`) and shared by every set using it.
pub struct Functions {
    /// Tried first, in order.
    exec: Vec<ExecFamily>,
    /// Tried in order after `exec`.
    families: Vec<Family>,
    /// Every defined name (the parser asks for every identifier: a set, not a scan).
    names: std::collections::HashSet<&'static str, std::hash::BuildHasherDefault<Fnv>>,
}

impl Functions {
    /// A library of `exec` families (tried first) and plain `families` (tried in order: the
    /// first that knows a name wins), defining `names` besides the executor's `and` and `or`.
    /// Each name must have an implementation in one of the families.
    pub fn new(exec: Vec<ExecFamily>, families: Vec<Family>, names: &[&'static str]) -> Functions {
        Functions {
            exec,
            families,
            names: EXEC_FUNCS.iter().chain(names).copied().collect(),
        }
    }

    /// Go's built-ins and sprig's functions ([`STANDARD`], [`NAMES`]).
    pub fn standard() -> &'static Functions {
        static STANDARD_FUNCTIONS: std::sync::LazyLock<Functions> =
            std::sync::LazyLock::new(|| Functions::new(Vec::new(), STANDARD.to_vec(), NAMES));
        &STANDARD_FUNCTIONS
    }

    /// The known function called `name`, with the name as the library spells it.
    pub fn defined(&self, name: &str) -> Option<&'static str> {
        self.names.get(name).copied()
    }

    /// Calls `name` (not `and`/`or`); `None` if no family knows it.
    pub(crate) fn call(
        &self,
        exec: &mut Exec<'_>,
        name: &str,
        args: &[Value],
    ) -> Option<FuncResult> {
        for f in &self.exec {
            if let Some(r) = f(exec, name, args) {
                return Some(r);
            }
        }
        self.families.iter().find_map(|f| f(name, args))
    }
}

/// FNV-1a, for the set of function names and the executor's per-name include counters: short
/// keys that need no protection against chosen collisions (a template can only slow its own
/// render), and several times cheaper to hash than with the default SipHash.
pub(crate) struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// Calls the standard function `name`; `None` if there is no such function.
#[cfg(test)]
pub(crate) fn call(name: &str, args: &[Value]) -> Option<FuncResult> {
    STANDARD.iter().find_map(|f| f(name, args))
}

/// Every standard function name (Go's built-ins and sprig's).
pub const NAMES: &[&str] = &[
    // Go built-ins
    "call",
    "eq",
    "ge",
    "gt",
    "html",
    "index",
    "js",
    "le",
    "len",
    "lt",
    "ne",
    "not",
    "print",
    "printf",
    "println",
    "slice",
    "urlquery",
    // strings
    "trim",
    "trimAll",
    "trimPrefix",
    "trimSuffix",
    "upper",
    "lower",
    "title",
    "untitle",
    "repeat",
    "substr",
    "nospace",
    "trunc",
    "abbrev",
    "abbrevboth",
    "initials",
    "randAlphaNum",
    "randAlpha",
    "randNumeric",
    "randAscii",
    "wrap",
    "wrapWith",
    "contains",
    "hasPrefix",
    "hasSuffix",
    "quote",
    "squote",
    "cat",
    "indent",
    "nindent",
    "replace",
    "plural",
    "snakecase",
    "camelcase",
    "kebabcase",
    "swapcase",
    "shuffle",
    "toString",
    "toStrings",
    "join",
    "splitList",
    "split",
    "splitn",
    "sortAlpha",
    // regex
    "regexMatch",
    "mustRegexMatch",
    "regexFind",
    "mustRegexFind",
    "regexFindAll",
    "mustRegexFindAll",
    "regexReplaceAll",
    "mustRegexReplaceAll",
    "regexReplaceAllLiteral",
    "mustRegexReplaceAllLiteral",
    "regexSplit",
    "mustRegexSplit",
    "regexQuoteMeta",
    // conversion, defaults, types
    "atoi",
    "int",
    "int64",
    "float64",
    "toDecimal",
    "default",
    "empty",
    "coalesce",
    "all",
    "any",
    "ternary",
    "kindOf",
    "kindIs",
    "typeOf",
    "typeIs",
    "typeIsLike",
    "deepEqual",
    // math
    "add",
    "add1",
    "sub",
    "mul",
    "div",
    "mod",
    "max",
    "biggest",
    "min",
    "floor",
    "ceil",
    "round",
    "addf",
    "subf",
    "mulf",
    "divf",
    "maxf",
    "minf",
    "randInt",
    "until",
    "untilStep",
    "seq",
    // lists
    "list",
    "first",
    "mustFirst",
    "rest",
    "mustRest",
    "last",
    "mustLast",
    "initial",
    "mustInitial",
    "append",
    "mustAppend",
    "push",
    "mustPush",
    "prepend",
    "mustPrepend",
    "concat",
    "reverse",
    "mustReverse",
    "uniq",
    "mustUniq",
    "without",
    "mustWithout",
    "has",
    "mustHas",
    "compact",
    "mustCompact",
    "mustSlice",
    "chunk",
    "mustChunk",
    // dicts
    "dict",
    "get",
    "set",
    "unset",
    "hasKey",
    "pluck",
    "keys",
    "values",
    "pick",
    "omit",
    "merge",
    "mustMerge",
    "mergeOverwrite",
    "mustMergeOverwrite",
    "deepCopy",
    "mustDeepCopy",
    "dig",
    // encoding, hashes, ids
    "b64enc",
    "b64dec",
    "b32enc",
    "b32dec",
    "sha1sum",
    "sha256sum",
    "adler32sum",
    "uuidv4",
    "toJson",
    "mustToJson",
    "toRawJson",
    "mustToRawJson",
    "toPrettyJson",
    "mustToPrettyJson",
    // semver
    "semver",
    "semverCompare",
    // dates
    "now",
    "date",
    "dateInZone",
    "date_in_zone",
    "dateModify",
    "date_modify",
    "mustDateModify",
    "ago",
    "duration",
    "durationRound",
    "unixEpoch",
    "toDate",
    "mustToDate",
    "htmlDate",
    "htmlDateInZone",
    // paths, urls, network
    "base",
    "dir",
    "clean",
    "ext",
    "isAbs",
    "osBase",
    "osDir",
    "osClean",
    "osExt",
    "osIsAbs",
    "urlParse",
    "urlJoin",
    "getHostByName",
    "fail",
    // sprig extras
    "hello",
    "trimall",
    "tuple",
    "sha512sum",
    "randBytes",
    "add1f",
    "must_date_modify",
    // keys, certificates, passwords
    "genPrivateKey",
    "genCA",
    "genCAWithKey",
    "genSelfSignedCert",
    "genSelfSignedCertWithKey",
    "genSignedCert",
    "genSignedCertWithKey",
    "buildCustomCert",
    "htpasswd",
    "bcrypt",
    "derivePassword",
    "encryptAES",
    "decryptAES",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_has_an_implementation() {
        for name in NAMES {
            assert!(
                call(name, &[]).is_some(),
                "{name} is listed but not implemented"
            );
        }
    }
}
