//! The function table: Go's built-ins, sprig's functions and Helm's pure functions.
//!
//! Each family lives in its own file and exposes `call(name, args) -> Option<FuncResult>`;
//! `None` means "not mine". Functions that need the executing template set (`include`, `tpl`)
//! are in `exec.rs`.

pub mod args;
mod builtins;
mod certs;
mod dates;
mod derive_password;
mod dicts;
mod encoding;
mod encrypt;
mod helm;
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
mod yaml;
mod yaml_scalar;

pub use args::FuncError;

use super::value::Value;

/// The result of calling a function.
pub type FuncResult = Result<Value, FuncError>;

/// Names handled by the executor itself.
const EXEC_FUNCS: &[&str] = &["and", "or", "include", "tpl"];

type Family = fn(&str, &[Value]) -> Option<FuncResult>;

// Order matters where sprig replaces a Go built-in (`slice`): lists come first.
const FAMILIES: &[Family] = &[
    lists::call,
    builtins::call,
    strings::call,
    dicts::call,
    math::call,
    misc::call,
    json::call,
    yaml::call,
    encoding::call,
    regex::call,
    semver::call,
    dates::call,
    helm::call,
    certs::call,
    encrypt::call,
];

/// The known function called `name` (the parser rejects unknown ones like Go does).
pub fn defined(name: &str) -> Option<&'static str> {
    // The parser asks for every identifier: a set, not a scan of the ~250 names.
    type Set = std::collections::HashSet<&'static str, std::hash::BuildHasherDefault<Fnv>>;
    static DEFINED: std::sync::LazyLock<Set> =
        std::sync::LazyLock::new(|| EXEC_FUNCS.iter().chain(NAMES).copied().collect());
    DEFINED.get(name).copied()
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

/// Calls the plain function `name`; `None` if there is no such function.
pub fn call(name: &str, args: &[Value]) -> Option<FuncResult> {
    FAMILIES.iter().find_map(|f| f(name, args))
}

/// Every function name templates may use.
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
    "fromJson",
    "mustFromJson",
    "fromJsonArray",
    "toYaml",
    "mustToYaml",
    "toYamlPretty",
    "fromYaml",
    "fromYamlArray",
    "toToml",
    "fromToml",
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
    // helm
    "required",
    "fail",
    "lookup",
    // sprig extras
    "hello",
    "trimall",
    "tuple",
    "sha512sum",
    "randBytes",
    "add1f",
    "must_date_modify",
    "mustToToml",
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
