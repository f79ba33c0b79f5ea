/*!
The `attrs` JSON of a mention in the SQL sinks: its value serialized as `newsx analyze` writes
it (compact serde_json), without the fields that the `value` column holds.

The fields are left out while serializing, through a serializer that forwards every struct
field to serde_json except the named ones: the dropped fields cost nothing, and no second pass
over the JSON is needed to cut them out (a load writes hundreds of thousands of mentions).
*/
use serde::ser::{Error as _, Impossible, Serialize, SerializeStruct, Serializer};
use serde_json::ser::{CompactFormatter, Compound};

/// Writes to `out` (emptied first) the JSON object of `value`, a struct, without its fields
/// named in `drop`; `out` stays empty when no field is left (or `value` is not a struct).
pub(crate) fn write_without(value: &impl Serialize, drop: &[&str], out: &mut Vec<u8>) {
    out.clear();
    let mut json = serde_json::Serializer::new(&mut *out);
    if value.serialize(Without { json: &mut json, drop }).is_err() || out == b"{}" {
        out.clear();
    }
}

/// The serializer of [`write_without`]: only a struct is accepted.
struct Without<'a, 'w> {
    json: &'a mut serde_json::Serializer<&'w mut Vec<u8>>,
    drop: &'a [&'a str],
}

/// A struct's fields, passed on to serde_json unless named in `drop`.
struct Fields<'a, 'w> {
    json: Compound<'a, &'w mut Vec<u8>, CompactFormatter>,
    drop: &'a [&'a str],
}

impl SerializeStruct for Fields<'_, '_> {
    type Ok = ();
    type Error = serde_json::Error;

    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        value: &T,
    ) -> Result<(), serde_json::Error> {
        if self.drop.contains(&key) {
            return Ok(());
        }
        self.json.serialize_field(key, value)
    }

    fn end(self) -> Result<(), serde_json::Error> {
        SerializeStruct::end(self.json)
    }
}

type Refused = Impossible<(), serde_json::Error>;

fn refused() -> serde_json::Error {
    serde_json::Error::custom("a mention value is a struct")
}

/// Serializer methods of scalar arguments that refuse (only structs are mention values).
macro_rules! refuse {
    ($($method:ident($($ty:ty),*);)*) => {
        $(fn $method(self, $(_: $ty),*) -> Result<(), serde_json::Error> {
            Err(refused())
        })*
    };
}

impl<'a, 'w> Serializer for Without<'a, 'w> {
    type Ok = ();
    type Error = serde_json::Error;
    type SerializeSeq = Refused;
    type SerializeTuple = Refused;
    type SerializeTupleStruct = Refused;
    type SerializeTupleVariant = Refused;
    type SerializeMap = Refused;
    type SerializeStruct = Fields<'a, 'w>;
    type SerializeStructVariant = Refused;

    fn serialize_struct(
        self,
        name: &'static str,
        len: usize,
    ) -> Result<Fields<'a, 'w>, serde_json::Error> {
        Ok(Fields { json: self.json.serialize_struct(name, len)?, drop: self.drop })
    }

    refuse! {
        serialize_bool(bool);
        serialize_i8(i8);
        serialize_i16(i16);
        serialize_i32(i32);
        serialize_i64(i64);
        serialize_u8(u8);
        serialize_u16(u16);
        serialize_u32(u32);
        serialize_u64(u64);
        serialize_f32(f32);
        serialize_f64(f64);
        serialize_char(char);
        serialize_str(&str);
        serialize_bytes(&[u8]);
        serialize_none();
        serialize_unit();
        serialize_unit_struct(&'static str);
        serialize_unit_variant(&'static str, u32, &'static str);
    }

    fn serialize_some<T: ?Sized + Serialize>(self, _: &T) -> Result<(), serde_json::Error> {
        Err(refused())
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: &T,
    ) -> Result<(), serde_json::Error> {
        Err(refused())
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), serde_json::Error> {
        Err(refused())
    }
    fn serialize_seq(self, _: Option<usize>) -> Result<Refused, serde_json::Error> {
        Err(refused())
    }
    fn serialize_tuple(self, _: usize) -> Result<Refused, serde_json::Error> {
        Err(refused())
    }
    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> Result<Refused, serde_json::Error> {
        Err(refused())
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Refused, serde_json::Error> {
        Err(refused())
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Refused, serde_json::Error> {
        Err(refused())
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Refused, serde_json::Error> {
        Err(refused())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Serialize)]
    struct Place<'a> {
        name: &'a str,
        country: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        admin1: Option<&'a str>,
        lat: f64,
    }

    fn without(value: &impl Serialize, drop: &[&str]) -> String {
        let mut out = b"old".to_vec();
        write_without(value, drop, &mut out);
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn drops_only_the_named_fields_as_serde_json_writes_the_rest() {
        let p = Place { name: "a,\"b\\", country: "US", admin1: None, lat: 1.5 };
        assert_eq!(without(&p, &["name"]), r#"{"country":"US","lat":1.5}"#);
        let p = Place { admin1: Some("Texas"), ..p };
        assert_eq!(without(&p, &["country", "lat"]), r#"{"name":"a,\"b\\","admin1":"Texas"}"#);
        let full = serde_json::to_string(&p).expect("json");
        assert_eq!(without(&p, &[]), full);
        // Nothing left: empty, so the column is null.
        assert_eq!(without(&p, &["name", "country", "admin1", "lat"]), "");
        // Not a struct: empty.
        assert_eq!(without(&"text", &["name"]), "");
        assert_eq!(without(&[1, 2], &["name"]), "");
    }
}
