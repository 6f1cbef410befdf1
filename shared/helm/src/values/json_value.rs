//! JSON values as Helm decodes `--set-json` ones (Go's `encoding/json` into `interface{}`): every
//! number is a float64.

use serde_json::Value as Json;

use super::coalesce::Table;

/// Decodes the JSON document at the start of `text` (leading blanks allowed) and returns it with
/// the number of bytes it took, as Go's `json.Decoder.Decode` + `InputOffset`; what follows is
/// left unread.
pub fn decode_prefix(text: &str) -> Result<(Json, usize), String> {
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Json>();
    match stream.next() {
        Some(Ok(value)) => Ok((as_floats(value), stream.byte_offset())),
        Some(Err(e)) => Err(e.to_string()),
        None => Err("unexpected EOF".into()),
    }
}

/// Decodes a whole JSON object (Go's `json.Unmarshal` into a map).
pub fn parse_object(text: &str) -> Result<Table, String> {
    match serde_json::from_str::<Json>(text).map_err(|e| e.to_string())? {
        Json::Object(map) => match as_floats(Json::Object(map)) {
            Json::Object(map) => Ok(map),
            _ => unreachable!("an object stays an object"),
        },
        // `null` leaves Go's map nil: nothing to merge.
        Json::Null => Ok(Table::new()),
        _ => Err("json: cannot unmarshal into map".into()),
    }
}

/// Turns every number into a float, as Go's decoder does for `interface{}` targets.
fn as_floats(value: Json) -> Json {
    match value {
        Json::Number(n) => n
            .as_f64()
            .and_then(serde_json::Number::from_f64)
            .map_or(Json::Null, Json::Number),
        Json::Array(items) => Json::Array(items.into_iter().map(as_floats).collect()),
        Json::Object(map) => {
            Json::Object(map.into_iter().map(|(k, v)| (k, as_floats(v))).collect())
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_one_document_and_reports_its_length() {
        let (v, n) = decode_prefix(r#" [1, "a"] ,b=2"#).unwrap();
        assert_eq!(v, json!([1.0, "a"]));
        assert_eq!(n, 9);
        assert!(decode_prefix("{").is_err());
        assert!(parse_object("[1]").is_err());
        assert_eq!(
            parse_object(r#"{"a": {"b": 2}}"#).unwrap()["a"],
            json!({"b": 2.0})
        );
    }
}
