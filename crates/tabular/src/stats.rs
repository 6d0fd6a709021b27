//! Per-column statistics kept while reading (nulls, distinct values up to a
//! cap, the most common values, longest text) and the search for coordinate
//! columns.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::schema::{Field, FieldType};
use crate::Value;

/// Distinct values counted per column before the count becomes "at least".
pub const DISTINCT_CAP: usize = 10_000;
const TOP: usize = 10;

/// What one column holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColumnStats {
    pub name: String,
    pub nulls: u64,
    pub non_null: u64,
    /// Distinct non-empty values (exact unless `distinct_at_least`).
    pub distinct: u64,
    /// More values exist than `DISTINCT_CAP`; `distinct` is a lower bound and
    /// `top` counts only the cells read until the cap was reached.
    pub distinct_at_least: bool,
    /// The most common values with their counts, most common first.
    pub top: Vec<TopValue>,
    pub min: Option<Value>,
    pub max: Option<Value>,
    /// Longest cell, in characters.
    pub max_length: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TopValue {
    pub value: String,
    pub count: u64,
}

type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// The running statistics of one column.
#[derive(Debug, Clone, Default)]
pub(crate) struct StatsAcc {
    pub nulls: u64,
    pub non_null: u64,
    distinct: FastMap<Box<str>, u64>,
    capped: bool,
    max_length: usize,
    pub min: Option<Value>,
    pub max: Option<Value>,
}

impl StatsAcc {
    pub fn null(&mut self) {
        self.nulls += 1;
    }

    pub fn value(&mut self, cell: &str) {
        self.non_null += 1;
        let len = if cell.is_ascii() {
            cell.len()
        } else {
            cell.chars().count()
        };
        if len > self.max_length {
            self.max_length = len;
        }
        // Past the cap the counts stop: the column has too many values for
        // its top ones to say much, and looking every cell up would cost
        // pass 1 more than all its checks.
        if self.capped {
            return;
        }
        if let Some(count) = self.distinct.get_mut(cell) {
            *count += 1;
        } else if self.distinct.len() < DISTINCT_CAP {
            self.distinct.insert(cell.into(), 1);
        } else {
            self.capped = true;
        }
    }

    pub fn bound(&mut self, v: f64) {
        let lower = match &self.min {
            Some(Value::Number(m)) => v < *m,
            _ => true,
        };
        if lower {
            self.min = Some(Value::Number(v));
        }
        let higher = match &self.max {
            Some(Value::Number(m)) => v > *m,
            _ => true,
        };
        if higher {
            self.max = Some(Value::Number(v));
        }
    }

    pub fn finish(self, name: &str) -> ColumnStats {
        let mut top: Vec<TopValue> = self
            .distinct
            .iter()
            .map(|(k, &v)| TopValue {
                value: k.to_string(),
                count: v,
            })
            .collect();
        top.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
        top.truncate(TOP);
        ColumnStats {
            name: name.to_string(),
            nulls: self.nulls,
            non_null: self.non_null,
            distinct: self.distinct.len() as u64,
            distinct_at_least: self.capped,
            top,
            min: self.min,
            max: self.max,
            max_length: self.max_length as u64,
        }
    }
}

/// Where the coordinates are.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum GeoColumns {
    /// Two numeric columns.
    LatLon {
        latitude: String,
        longitude: String,
        latitude_index: usize,
        longitude_index: usize,
    },
    /// One text column of `lat,lon` pairs.
    Point { column: String, index: usize },
}

fn tokens(name: &str) -> Vec<String> {
    let folded: String = name
        .chars()
        .map(|c| match c {
            'á' | 'Á' => 'a',
            'é' | 'É' => 'e',
            'í' | 'Í' => 'i',
            'ó' | 'Ó' => 'o',
            'ú' | 'Ú' | 'ü' | 'Ü' => 'u',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

fn in_range(stats: &ColumnStats, limit: f64) -> bool {
    let num = |v: &Option<Value>| match v {
        Some(Value::Number(n)) => Some(*n),
        Some(Value::Integer(i)) => Some(*i as f64),
        _ => None,
    };
    match (num(&stats.min), num(&stats.max)) {
        (Some(lo), Some(hi)) => lo >= -limit && hi <= limit,
        _ => false,
    }
}

/// Finds latitude/longitude columns by name and range, or a `lat,lon` column.
/// `points[i]` is how many cells of column `i` are `lat,lon` pairs.
pub(crate) fn detect_geo(
    fields: &[Field],
    stats: &[ColumnStats],
    points: &[u64],
) -> Option<GeoColumns> {
    const LAT: [&str; 3] = ["lat", "latitud", "latitude"];
    const LON: [&str; 5] = ["lon", "lng", "long", "longitud", "longitude"];
    let numeric = |i: usize| matches!(fields[i].field_type, FieldType::Number | FieldType::Integer);
    let find = |words: &[&str], limit: f64| {
        (0..fields.len()).find(|&i| {
            numeric(i)
                && tokens(&fields[i].name)
                    .iter()
                    .any(|t| words.contains(&t.as_str()))
                && in_range(&stats[i], limit)
        })
    };
    if let (Some(lat), Some(lon)) = (find(&LAT, 90.0), find(&LON, 180.0)) {
        return Some(GeoColumns::LatLon {
            latitude: fields[lat].name.clone(),
            longitude: fields[lon].name.clone(),
            latitude_index: lat,
            longitude_index: lon,
        });
    }
    (0..fields.len())
        .find(|&i| {
            stats[i].non_null > 0
                && points
                    .get(i)
                    .is_some_and(|&p| p * 10 >= stats[i].non_null * 9)
        })
        .map(|i| GeoColumns::Point {
            column: fields[i].name.clone(),
            index: i,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_distinct_and_top() {
        let mut acc = StatsAcc::default();
        for v in ["a", "b", "a", "ñandú"] {
            acc.value(v);
        }
        acc.null();
        let s = acc.finish("x");
        assert_eq!((s.nulls, s.non_null, s.distinct), (1, 4, 3));
        assert_eq!(
            s.top[0],
            TopValue {
                value: "a".into(),
                count: 2
            }
        );
        assert_eq!(s.max_length, 5);
    }

    #[test]
    fn caps_distinct() {
        let mut acc = StatsAcc::default();
        for i in 0..DISTINCT_CAP + 5 {
            acc.value(&i.to_string());
        }
        let s = acc.finish("x");
        assert!(s.distinct_at_least);
        assert_eq!(s.distinct, DISTINCT_CAP as u64);
    }

    #[test]
    fn finds_coordinates_by_name_and_range() {
        let fields = vec![
            Field::new("location/lat", FieldType::Number),
            Field::new("location/lon", FieldType::Number),
        ];
        let mut lat = StatsAcc::default();
        lat.bound(19.4);
        let mut lon = StatsAcc::default();
        lon.bound(-99.1);
        let stats = vec![lat.finish("a"), lon.finish("b")];
        assert!(matches!(
            detect_geo(&fields, &stats, &[0, 0]),
            Some(GeoColumns::LatLon {
                latitude_index: 0,
                longitude_index: 1,
                ..
            })
        ));
        assert_eq!(tokens("Longitud (°)"), vec!["longitud"]);
    }
}
