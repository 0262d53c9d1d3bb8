//! Reading object rows back into [`ObjectRow`]s, access label included.

use crate::db_err;
use entente_core::{AccessLabel, Audience, PartyCode, Tlp};
use entente_store::{ObjectRow, StoreError};
use sqlx::postgres::PgRow;
use sqlx::Row;

pub(crate) fn columns(with_json: bool) -> &'static str {
    if with_json {
        "seq, id, object_type, version_ns, date_added_us, is_first, is_last, originator, marking, audience, mac, json"
    } else {
        "seq, id, object_type, version_ns, date_added_us, is_first, is_last, originator, marking, audience, mac"
    }
}

pub(crate) fn audience_json(label: &AccessLabel) -> Option<String> {
    label
        .audience
        .as_ref()
        .and_then(|a| serde_json::to_string(a).ok())
}

pub(crate) fn object_row(r: &PgRow, with_json: bool) -> Result<ObjectRow, StoreError> {
    let originator: String = r.try_get(7).map_err(db_err)?;
    let marking: i16 = r.try_get(8).map_err(db_err)?;
    let audience: Option<String> = r.try_get(9).map_err(db_err)?;
    let corrupt = |what: String| StoreError::Corrupt(what);
    let label = AccessLabel {
        originator: PartyCode::parse(&originator).map_err(|e| corrupt(e.to_string()))?,
        marking: u8::try_from(marking)
            .ok()
            .and_then(Tlp::from_code)
            .ok_or_else(|| corrupt(format!("marking code {marking}")))?,
        audience: audience
            .map(|a| serde_json::from_str::<Audience>(&a))
            .transpose()
            .map_err(|e| corrupt(format!("audience: {e}")))?,
    };
    Ok(ObjectRow {
        seq: r.try_get(0).map_err(db_err)?,
        id: r.try_get(1).map_err(db_err)?,
        object_type: r.try_get(2).map_err(db_err)?,
        version_ns: r.try_get(3).map_err(db_err)?,
        date_added_us: r.try_get(4).map_err(db_err)?,
        is_first: r.try_get(5).map_err(db_err)?,
        is_last: r.try_get(6).map_err(db_err)?,
        label,
        mac: r.try_get(10).map_err(db_err)?,
        json: if with_json {
            r.try_get(11).map_err(db_err)?
        } else {
            String::new()
        },
    })
}
