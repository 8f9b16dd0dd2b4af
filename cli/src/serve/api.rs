//! Cognito's JSON API at the edge: refusals (`{"__type":…,"message":…}` with a status), and
//! the fields of a request body read with Cognito's checks: a field of the wrong JSON type
//! is `SerializationException`, a missing required one or one out of bounds
//! `InvalidParameterException` worded as Cognito's validation errors. Messages name fields,
//! never their values.

use serde_json::{Map, Value};
use zeroize::{Zeroize as _, Zeroizing};

/// A refusal: the HTTP status, Cognito's exception name and its message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ApiError {
    /// 400 for Cognito's refusals, 500 for `InternalErrorException`.
    pub(super) status: u16,
    /// `__type`, e.g. `NotAuthorizedException`.
    pub(super) kind: &'static str,
    /// `message`.
    pub(super) message: String,
}

impl ApiError {
    /// A 400 refusal.
    pub(super) fn new(kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            status: 400,
            kind,
            message: message.into(),
        }
    }

    /// The same refusal with another HTTP status.
    pub(super) fn with_status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    /// `{"__type":"<kind>","message":"<message>"}`.
    pub(super) fn body(&self) -> String {
        serde_json::json!({ "__type": self.kind, "message": self.message }).to_string()
    }
}

/// `InvalidParameterException`.
pub(super) fn invalid_parameter(message: impl Into<String>) -> ApiError {
    ApiError::new("InvalidParameterException", message)
}

/// `SerializationException`.
pub(super) fn serialization(message: impl Into<String>) -> ApiError {
    ApiError::new("SerializationException", message)
}

/// `NotAuthorizedException`.
pub(super) fn not_authorized(message: impl Into<String>) -> ApiError {
    ApiError::new("NotAuthorizedException", message)
}

/// `ResourceNotFoundException`.
pub(super) fn resource_not_found(message: impl Into<String>) -> ApiError {
    ApiError::new("ResourceNotFoundException", message)
}

/// `LimitExceededException`, for serve's bounds.
pub(super) fn limit_exceeded(message: impl Into<String>) -> ApiError {
    ApiError::new("LimitExceededException", message)
}

/// `InternalErrorException` (status 500): the operating system's randomness failed.
pub(super) fn internal() -> ApiError {
    ApiError::new("InternalErrorException", "Internal error.").with_status(500)
}

/// An id (operation, pool, client) short and plain enough to echo in a message: 1 to 128
/// printable ASCII characters.
pub(super) fn echoable(id: &str) -> Option<&str> {
    (!id.is_empty() && id.len() <= 128 && id.bytes().all(|b| b.is_ascii_graphic())).then_some(id)
}

/// `UnknownOperationException` `Unknown operation <name>.`.
pub(super) fn unknown_operation(name: &str) -> ApiError {
    let message = match echoable(name) {
        Some(name) => format!("Unknown operation {name}."),
        None => "Unknown operation.".to_owned(),
    };
    ApiError::new("UnknownOperationException", message)
}

/// `ResourceNotFoundException` `User pool <id> does not exist.`.
pub(super) fn unknown_pool(pool_id: &str) -> ApiError {
    resource_not_found(match echoable(pool_id) {
        Some(id) => format!("User pool {id} does not exist."),
        None => "User pool does not exist.".to_owned(),
    })
}

/// `UserNotFoundException` `User does not exist.`.
pub(super) fn user_not_found() -> ApiError {
    ApiError::new("UserNotFoundException", "User does not exist.")
}

/// The member name Cognito's validation messages use: the field with a lowercase first
/// letter (`UserPoolId` → `userPoolId`).
fn member(field: &str) -> String {
    let mut chars = field.chars();
    chars.next().map_or_else(String::new, |first| {
        first.to_ascii_lowercase().to_string() + chars.as_str()
    })
}

/// Cognito's validation refusal: `N validation error(s) detected: <constraint>; …`.
fn validation(constraints: &[String]) -> ApiError {
    let plural = if constraints.len() == 1 { "" } else { "s" };
    invalid_parameter(format!(
        "{} validation error{plural} detected: {}",
        constraints.len(),
        constraints.join("; ")
    ))
}

/// The refusal of missing required fields (`Value null at 'userPoolId' failed to satisfy
/// constraint: Member must not be null`), naming each one that is missing. Each pair is a
/// field and whether it is missing; call it once at least one is.
pub(super) fn missing(fields: &[(&str, bool)]) -> ApiError {
    let constraints: Vec<String> = fields
        .iter()
        .filter(|(_, missing)| *missing)
        .map(|(field, _)| {
            format!(
                "Value null at '{}' failed to satisfy constraint: Member must not be null",
                member(field)
            )
        })
        .collect();
    validation(&constraints)
}

/// The refusal of a value out of its bounds: `Value at '<member>' failed to satisfy
/// constraint: Member must <rule>`.
pub(super) fn constraint(field: &str, rule: &str) -> ApiError {
    validation(&[format!(
        "Value at '{}' failed to satisfy constraint: Member must {rule}",
        member(field)
    )])
}

/// Wipe every string of a JSON value (its depth is bounded by `serde_json`'s recursion
/// limit).
pub(super) fn wipe(value: &mut Value) {
    match value {
        Value::String(s) => s.zeroize(),
        Value::Array(items) => items.iter_mut().for_each(wipe),
        Value::Object(map) => map.values_mut().for_each(wipe),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// A JSON object of a request: fields are taken out of it one by one; whatever is left is
/// wiped when it is dropped.
pub(super) struct Fields(Map<String, Value>);

impl std::fmt::Debug for Fields {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fields")
            .field("len", &self.0.len())
            .finish_non_exhaustive()
    }
}

impl Drop for Fields {
    fn drop(&mut self) {
        self.0.values_mut().for_each(wipe);
    }
}

/// `Unexpected JSON type for <field>.`
fn wrong_type(field: &str) -> ApiError {
    serialization(format!("Unexpected JSON type for {field}."))
}

impl Fields {
    /// The body of a request: a JSON object.
    ///
    /// # Errors
    /// `SerializationException` when it is not JSON, or not an object.
    pub(super) fn parse(body: &[u8]) -> Result<Self, ApiError> {
        match serde_json::from_slice(body) {
            Ok(Value::Object(map)) => Ok(Self(map)),
            Ok(mut other) => {
                wipe(&mut other);
                Err(serialization("The request body is not a JSON object."))
            }
            Err(_) => Err(serialization("The request body is not valid JSON.")),
        }
    }

    /// Take a field: `None` when absent or `null`.
    fn take(&mut self, field: &str) -> Option<Value> {
        match self.0.remove(field) {
            None | Some(Value::Null) => None,
            Some(value) => Some(value),
        }
    }

    /// A string of 1 to `max` characters.
    ///
    /// # Errors
    /// `SerializationException` for another JSON type; `InvalidParameterException` for an
    /// empty or longer string.
    pub(super) fn string(&mut self, field: &str, max: usize) -> Result<Option<String>, ApiError> {
        match self.take(field) {
            None => Ok(None),
            Some(Value::String(s)) => check_length(field, &s, max).map(|()| Some(s)),
            Some(mut other) => {
                wipe(&mut other);
                Err(wrong_type(field))
            }
        }
    }

    /// A secret string (a password), wiped on drop, of 1 to `max` characters.
    ///
    /// # Errors
    /// As [`string`](Self::string); the refused value is wiped.
    pub(super) fn secret(
        &mut self,
        field: &str,
        max: usize,
    ) -> Result<Option<Zeroizing<String>>, ApiError> {
        match self.take(field) {
            None => Ok(None),
            Some(Value::String(s)) => {
                let s = Zeroizing::new(s);
                check_length(field, &s, max).map(|()| Some(s))
            }
            Some(mut other) => {
                wipe(&mut other);
                Err(wrong_type(field))
            }
        }
    }

    /// A boolean.
    ///
    /// # Errors
    /// `SerializationException` for another JSON type.
    pub(super) fn boolean(&mut self, field: &str) -> Result<Option<bool>, ApiError> {
        match self.take(field) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(b)),
            Some(mut other) => {
                wipe(&mut other);
                Err(wrong_type(field))
            }
        }
    }

    /// An integer.
    ///
    /// # Errors
    /// `SerializationException` for another JSON type or a number that is not an integer.
    pub(super) fn integer(&mut self, field: &str) -> Result<Option<i64>, ApiError> {
        match self.take(field) {
            None => Ok(None),
            Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(|| wrong_type(field)),
            Some(mut other) => {
                wipe(&mut other);
                Err(wrong_type(field))
            }
        }
    }

    /// A list of at most `max_items` strings, each of 1 to `max_len` characters.
    ///
    /// # Errors
    /// `SerializationException` for another JSON type (of the list or an item);
    /// `InvalidParameterException` for a longer list or item.
    pub(super) fn strings(
        &mut self,
        field: &str,
        max_items: usize,
        max_len: usize,
    ) -> Result<Option<Vec<String>>, ApiError> {
        let Some(items) = self.array(field, max_items)? else {
            return Ok(None);
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match item {
                Value::String(s) => {
                    check_length(field, &s, max_len)?;
                    out.push(s);
                }
                _ => return Err(wrong_type(field)),
            }
        }
        Ok(Some(out))
    }

    /// The array `field` of at most `max_items` items (absent: `None`).
    ///
    /// # Errors
    /// `SerializationException` for another JSON type; `InvalidParameterException` for too
    /// many items.
    fn array(&mut self, field: &str, max_items: usize) -> Result<Option<Vec<Value>>, ApiError> {
        let items = match self.take(field) {
            None => return Ok(None),
            Some(Value::Array(items)) => items,
            Some(mut other) => {
                wipe(&mut other);
                return Err(wrong_type(field));
            }
        };
        if items.len() > max_items {
            return Err(constraint(
                field,
                &format!("have length less than or equal to {max_items}"),
            ));
        }
        Ok(Some(items))
    }

    /// A list of at most `max_items` `{"Name":…,"Value":…}` attributes (`AttributeType`):
    /// names of 1 to 32 characters, values of at most 2,048 (absent: empty).
    ///
    /// # Errors
    /// `SerializationException` for another JSON type; `InvalidParameterException` for a
    /// missing name or one out of bounds.
    pub(super) fn attributes(
        &mut self,
        field: &str,
        max_items: usize,
    ) -> Result<Option<Vec<(String, String)>>, ApiError> {
        let Some(items) = self.array(field, max_items)? else {
            return Ok(None);
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let Value::Object(map) = item else {
                return Err(wrong_type(field));
            };
            let mut attribute = Self(map);
            let name = attribute.string("Name", 32)?;
            let value = match attribute.take("Value") {
                None => String::new(),
                Some(Value::String(s)) if s.chars().count() <= 2048 => s,
                Some(Value::String(_)) => {
                    return Err(constraint(
                        "Value",
                        "have length less than or equal to 2048",
                    ));
                }
                Some(_) => return Err(wrong_type("Value")),
            };
            let Some(name) = name else {
                return Err(missing(&[("Name", true)]));
            };
            out.push((name, value));
        }
        Ok(Some(out))
    }

    /// A nested object.
    ///
    /// # Errors
    /// `SerializationException` for another JSON type.
    pub(super) fn object(&mut self, field: &str) -> Result<Option<Self>, ApiError> {
        match self.take(field) {
            None => Ok(None),
            Some(Value::Object(map)) => Ok(Some(Self(map))),
            Some(mut other) => {
                wipe(&mut other);
                Err(wrong_type(field))
            }
        }
    }
}

/// 1 to `max` characters.
fn check_length(field: &str, text: &str, max: usize) -> Result<(), ApiError> {
    if text.is_empty() {
        return Err(constraint(field, "have length greater than or equal to 1"));
    }
    if text.chars().count() > max {
        return Err(constraint(
            field,
            &format!("have length less than or equal to {max}"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(body: &str) -> Fields {
        Fields::parse(body.as_bytes()).unwrap()
    }

    #[test]
    fn refusals_are_cognito_shaped() {
        assert_eq!(
            unknown_operation("Nope").body(),
            r#"{"__type":"UnknownOperationException","message":"Unknown operation Nope."}"#
        );
        assert_eq!(
            unknown_operation("with space").message,
            "Unknown operation."
        );
        assert_eq!(
            missing(&[
                ("UserPoolId", true),
                ("Username", false),
                ("Password", true)
            ]),
            invalid_parameter(
                "2 validation errors detected: Value null at 'userPoolId' failed to satisfy \
                 constraint: Member must not be null; Value null at 'password' failed to \
                 satisfy constraint: Member must not be null"
            )
        );
        assert_eq!(internal().status, 500);
        assert_eq!(
            unknown_pool(&"x".repeat(129)).message,
            "User pool does not exist."
        );
    }

    #[test]
    fn bodies_must_be_json_objects() {
        for (body, message) in [
            ("{", "The request body is not valid JSON."),
            ("", "The request body is not valid JSON."),
            ("[1]", "The request body is not a JSON object."),
            ("\"s\"", "The request body is not a JSON object."),
        ] {
            assert_eq!(
                Fields::parse(body.as_bytes()).unwrap_err(),
                serialization(message),
                "{body}"
            );
        }
    }

    #[test]
    fn fields_are_typed_and_bounded() {
        let mut f = fields(
            r#"{"A":"abc","B":7,"C":true,"D":null,"E":["x","y"],"F":"","G":"abcd","H":1.5,
                "I":[{"Name":"email","Value":"a@b"},{"Name":"x"}],"J":{"K":"v"},"L":[1]}"#,
        );
        assert_eq!(f.string("A", 3), Ok(Some("abc".to_owned())));
        assert_eq!(f.string("A", 3), Ok(None), "taken once");
        assert_eq!(f.string("B", 3), Err(wrong_type("B")));
        assert_eq!(f.boolean("C"), Ok(Some(true)));
        assert_eq!(f.string("D", 3), Ok(None), "null is absent");
        assert_eq!(
            f.strings("E", 2, 1),
            Ok(Some(vec!["x".to_owned(), "y".to_owned()]))
        );
        assert_eq!(
            f.string("F", 3),
            Err(invalid_parameter(
                "1 validation error detected: Value at 'f' failed to satisfy constraint: \
                 Member must have length greater than or equal to 1"
            ))
        );
        assert_eq!(
            f.secret("G", 3).map(|s| s.map(|s| s.len())),
            Err(invalid_parameter(
                "1 validation error detected: Value at 'g' failed to satisfy constraint: \
                 Member must have length less than or equal to 3"
            ))
        );
        assert_eq!(f.integer("H"), Err(wrong_type("H")));
        assert_eq!(
            f.attributes("I", 5),
            Ok(Some(vec![
                ("email".to_owned(), "a@b".to_owned()),
                ("x".to_owned(), String::new())
            ]))
        );
        let mut j = f.object("J").unwrap().unwrap();
        assert_eq!(j.string("K", 1), Ok(Some("v".to_owned())));
        assert_eq!(f.strings("L", 1, 1), Err(wrong_type("L")));
        assert_eq!(f.integer("Z"), Ok(None));
    }
}
