//! Pictures people would rather look at than read, drawn on the server as
//! SVG (no script, no map tiles from elsewhere, nothing the CSP must allow):
//! the points of a table with coordinates, and the shape of a column.

use std::fmt::Write;

/// Width and height of the map, in SVG units.
const W: f64 = 640.0;
const H: f64 = 400.0;
const PAD: f64 = 24.0;

/// A point map of `(latitude, longitude)` pairs: equirectangular, fitted to
/// the points' own extent (with the longitude scaled by the cosine of the
/// middle latitude, so shapes are not stretched), with the extent written on
/// the edges. `None` when there is nothing plausible to draw.
pub fn point_map(points: &[(f64, f64)], label: &str) -> Option<String> {
    let valid: Vec<(f64, f64)> = points
        .iter()
        .copied()
        .filter(|(lat, lon)| {
            lat.is_finite()
                && lon.is_finite()
                && lat.abs() <= 90.0
                && lon.abs() <= 180.0
                && (*lat, *lon) != (0.0, 0.0)
        })
        .collect();
    let mut bounds = Bounds::default();
    for (lat, lon) in &valid {
        bounds.add(*lon, *lat);
    }
    let f = bounds.frame()?;
    let mut svg = open_svg("point-map", label);
    for (lat, lon) in &valid {
        let (x, y) = f.xy(*lon, *lat);
        let _ = write!(
            svg,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3\" fill=\"#0b5d8c\" fill-opacity=\"0.7\"/>"
        );
    }
    let _ = write!(
        svg,
        "<text x=\"6\" y=\"16\" font-size=\"12\" fill=\"#333\">{:.4}, {:.4}</text>\
         <text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#333\" text-anchor=\"end\">{:.4}, {:.4}</text></svg>",
        f.max_lat,
        f.min_lon,
        W - 6.0,
        H - 6.0,
        f.min_lat,
        f.max_lon
    );
    Some(svg)
}

/// The frame every map is drawn in.
fn open_svg(class: &str, label: &str) -> String {
    format!(
        "<svg class=\"{class}\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">\
         <rect x=\"0\" y=\"0\" width=\"{W}\" height=\"{H}\" fill=\"#f4f6f8\" stroke=\"#8a96a3\"/>",
        escape(label)
    )
}

/// Vertices drawn at most: a bigger map is drawn in part and says so.
const MAX_VERTICES: usize = 300_000;

/// What a GeoJSON map shows.
#[derive(Debug, PartialEq)]
pub struct ShapeMap {
    pub svg: String,
    pub features: usize,
    /// Some geometry was left out (too many vertices).
    pub partial: bool,
}

/// A map of a GeoJSON document (a FeatureCollection, a Feature or a bare
/// geometry, WGS84 as RFC 7946 says): polygons filled, lines stroked, points
/// as dots, projected like [`point_map`] and thinned to what the picture can
/// show (vertices closer than half a unit to the last one drawn are skipped).
/// `None` when there is no coordinate to draw.
pub fn shape_map(doc: &serde_json::Value, label: &str) -> Option<ShapeMap> {
    let mut features = 0;
    let mut geometries = vec![];
    collect(doc, &mut geometries, &mut features, 0);
    let mut bounds = Bounds::default();
    for g in &geometries {
        each_position(g, &mut |lon, lat| bounds.add(lon, lat));
    }
    let frame = bounds.frame()?;
    let mut svg = open_svg("point-map shape-map", label);
    let mut budget = MAX_VERTICES;
    let mut partial = false;
    for g in &geometries {
        if budget == 0 {
            partial = true;
            break;
        }
        draw(g, &frame, &mut svg, &mut budget);
    }
    let _ = write!(svg, "</svg>");
    Some(ShapeMap {
        svg,
        features: features.max(usize::from(!geometries.is_empty())),
        partial: partial || budget == 0,
    })
}

/// The geometries of a document, counting features; nesting is bounded.
fn collect<'a>(
    v: &'a serde_json::Value,
    out: &mut Vec<&'a serde_json::Value>,
    features: &mut usize,
    depth: usize,
) {
    if depth > 8 {
        return;
    }
    match v.get("type").and_then(|t| t.as_str()) {
        Some("FeatureCollection") => {
            for f in v
                .get("features")
                .and_then(|f| f.as_array())
                .into_iter()
                .flatten()
            {
                collect(f, out, features, depth + 1);
            }
        }
        Some("Feature") => {
            *features += 1;
            if let Some(g) = v.get("geometry") {
                collect(g, out, features, depth + 1);
            }
        }
        Some("GeometryCollection") => {
            for g in v
                .get("geometries")
                .and_then(|g| g.as_array())
                .into_iter()
                .flatten()
            {
                collect(g, out, features, depth + 1);
            }
        }
        Some(
            "Point" | "MultiPoint" | "LineString" | "MultiLineString" | "Polygon" | "MultiPolygon",
        ) => out.push(v),
        _ => {}
    }
}

fn position(p: &serde_json::Value) -> Option<(f64, f64)> {
    let a = p.as_array()?;
    let lon = a.first()?.as_f64()?;
    let lat = a.get(1)?.as_f64()?;
    (lon.is_finite() && lat.is_finite() && lon.abs() <= 180.0 && lat.abs() <= 90.0)
        .then_some((lon, lat))
}

/// Calls `f` with every position of a geometry, however deep its arrays.
fn each_position(g: &serde_json::Value, f: &mut dyn FnMut(f64, f64)) {
    fn walk(v: &serde_json::Value, f: &mut dyn FnMut(f64, f64), depth: usize) {
        if let Some((lon, lat)) = position(v) {
            f(lon, lat);
        } else if let Some(a) = v.as_array().filter(|_| depth < 4) {
            for x in a {
                walk(x, f, depth + 1);
            }
        }
    }
    if let Some(c) = g.get("coordinates") {
        walk(c, f, 0);
    }
}

#[derive(Default)]
struct Bounds {
    min_lon: Option<f64>,
    max_lon: f64,
    min_lat: f64,
    max_lat: f64,
}

impl Bounds {
    fn add(&mut self, lon: f64, lat: f64) {
        match self.min_lon {
            None => {
                *self = Bounds {
                    min_lon: Some(lon),
                    max_lon: lon,
                    min_lat: lat,
                    max_lat: lat,
                }
            }
            Some(m) => {
                self.min_lon = Some(m.min(lon));
                self.max_lon = self.max_lon.max(lon);
                self.min_lat = self.min_lat.min(lat);
                self.max_lat = self.max_lat.max(lat);
            }
        }
    }

    fn frame(&self) -> Option<Frame> {
        let mut min_lon = self.min_lon?;
        let (mut max_lon, mut min_lat, mut max_lat) = (self.max_lon, self.min_lat, self.max_lat);
        let span = 0.01_f64;
        if max_lat - min_lat < span {
            min_lat -= span;
            max_lat += span;
        }
        if max_lon - min_lon < span {
            min_lon -= span;
            max_lon += span;
        }
        let k = ((min_lat + max_lat) / 2.0).to_radians().cos().max(0.1);
        let width = (max_lon - min_lon) * k;
        let height = max_lat - min_lat;
        let scale = ((W - 2.0 * PAD) / width).min((H - 2.0 * PAD) / height);
        Some(Frame {
            min_lon,
            min_lat,
            max_lon,
            max_lat,
            k,
            scale,
            off_x: (W - width * scale) / 2.0,
            off_y: (H - height * scale) / 2.0,
        })
    }
}

/// The extent drawn (a single place gets a small square around it) and how
/// it is projected: equirectangular, longitudes scaled by the cosine of the
/// middle latitude so shapes are not stretched.
struct Frame {
    min_lon: f64,
    min_lat: f64,
    max_lon: f64,
    max_lat: f64,
    k: f64,
    scale: f64,
    off_x: f64,
    off_y: f64,
}

impl Frame {
    fn xy(&self, lon: f64, lat: f64) -> (f64, f64) {
        (
            self.off_x + (lon - self.min_lon) * self.k * self.scale,
            H - (self.off_y + (lat - self.min_lat) * self.scale),
        )
    }
}

/// One ring or line as path data, thinned.
fn path_of(line: &serde_json::Value, frame: &Frame, close: bool, budget: &mut usize) -> String {
    let mut d = String::new();
    let mut last: Option<(f64, f64)> = None;
    for p in line.as_array().into_iter().flatten() {
        if *budget == 0 {
            break;
        }
        let Some((lon, lat)) = position(p) else {
            continue;
        };
        let (x, y) = frame.xy(lon, lat);
        if let Some((lx, ly)) = last {
            if (x - lx).abs() < 0.5 && (y - ly).abs() < 0.5 {
                continue;
            }
        }
        *budget -= 1;
        let _ = write!(d, "{}{x:.1} {y:.1}", if last.is_none() { "M" } else { "L" });
        last = Some((x, y));
    }
    if close && !d.is_empty() {
        d.push('Z');
    }
    d
}

fn draw(g: &serde_json::Value, frame: &Frame, svg: &mut String, budget: &mut usize) {
    let coords = g.get("coordinates");
    let list: &[serde_json::Value] = coords.and_then(|c| c.as_array()).map_or(&[], Vec::as_slice);
    let polygon = |rings: &serde_json::Value, budget: &mut usize| -> String {
        rings
            .as_array()
            .into_iter()
            .flatten()
            .map(|ring| path_of(ring, frame, true, budget))
            .collect::<Vec<_>>()
            .concat()
    };
    let dot = |lon: f64, lat: f64, svg: &mut String| {
        let (x, y) = frame.xy(lon, lat);
        let _ = write!(
            svg,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3\" fill=\"#0b5d8c\" fill-opacity=\"0.7\"/>"
        );
    };
    match g.get("type").and_then(|t| t.as_str()) {
        Some("Point") => {
            if let Some((lon, lat)) = coords.and_then(position) {
                *budget = budget.saturating_sub(1);
                dot(lon, lat, svg);
            }
        }
        Some("MultiPoint") => {
            for p in list {
                if let Some((lon, lat)) = position(p).filter(|_| *budget > 0) {
                    *budget -= 1;
                    dot(lon, lat, svg);
                }
            }
        }
        Some("LineString") => {
            let d = coords
                .map(|c| path_of(c, frame, false, budget))
                .unwrap_or_default();
            line(svg, &d);
        }
        Some("MultiLineString") => {
            let d: String = list
                .iter()
                .map(|l| path_of(l, frame, false, budget))
                .collect();
            line(svg, &d);
        }
        Some("Polygon") => {
            let d = coords.map(|c| polygon(c, budget)).unwrap_or_default();
            area(svg, &d);
        }
        Some("MultiPolygon") => {
            let d: String = list.iter().map(|p| polygon(p, budget)).collect();
            area(svg, &d);
        }
        _ => {}
    }
}

fn line(svg: &mut String, d: &str) {
    if !d.is_empty() {
        let _ = write!(
            svg,
            "<path d=\"{d}\" fill=\"none\" stroke=\"#0b5d8c\" stroke-width=\"1.5\"/>"
        );
    }
}

fn area(svg: &mut String, d: &str) {
    if !d.is_empty() {
        let _ = write!(
            svg,
            "<path d=\"{d}\" fill=\"#0b5d8c\" fill-opacity=\"0.15\" fill-rule=\"evenodd\" stroke=\"#0b5d8c\" stroke-width=\"0.6\"/>"
        );
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Reads `"19.07,-100.25"` (or with a space or semicolon) as a point.
pub fn parse_point(text: &str) -> Option<(f64, f64)> {
    let mut parts = text
        .split([',', ';', ' '])
        .map(str::trim)
        .filter(|p| !p.is_empty());
    let lat = parts.next()?.parse().ok()?;
    let lon = parts.next()?.parse().ok()?;
    parts.next().is_none().then_some((lat, lon))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_fit_the_frame_and_bad_ones_are_left_out() {
        let svg = point_map(
            &[
                (19.0744, -100.2558),
                (19.0651, -100.2710),
                (0.0, 0.0),
                (f64::NAN, 1.0),
                (95.0, 10.0),
            ],
            "Mapa de 2 obras <públicas>",
        )
        .unwrap();
        assert_eq!(svg.matches("<circle").count(), 2);
        assert!(svg.contains("aria-label=\"Mapa de 2 obras &lt;públicas&gt;\""));
        for c in svg.split("<circle").skip(1) {
            let x: f64 = c
                .split("cx=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            let y: f64 = c
                .split("cy=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
                .parse()
                .unwrap();
            assert!((0.0..=W).contains(&x) && (0.0..=H).contains(&y), "{x},{y}");
        }
        assert!(point_map(&[(0.0, 0.0)], "nada").is_none());
        assert!(point_map(&[], "nada").is_none());
        assert_eq!(
            point_map(&[(19.5, -99.1)], "uno")
                .unwrap()
                .matches("<circle")
                .count(),
            1
        );
    }

    #[test]
    fn geojson_shapes_are_drawn_inside_the_frame() {
        let doc = serde_json::json!({
            "type": "FeatureCollection",
            "features": [
                {"type": "Feature", "properties": {"nombre": "A"}, "geometry": {"type": "Polygon", "coordinates": [[[-99.5, 19.0], [-99.0, 19.0], [-99.0, 19.5], [-99.5, 19.0]]]}},
                {"type": "Feature", "properties": {}, "geometry": {"type": "LineString", "coordinates": [[-99.6, 19.1], [-99.2, 19.6]]}},
                {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [-99.3, 19.2]}},
                {"type": "Feature", "properties": {}, "geometry": null},
                {"type": "Feature", "geometry": {"type": "Point", "coordinates": ["x", 500]}}
            ]
        });
        let map = shape_map(&doc, "Mapa <de> prueba").unwrap();
        assert_eq!(map.features, 5);
        assert!(!map.partial);
        assert_eq!(map.svg.matches("<path").count(), 2);
        assert_eq!(map.svg.matches("<circle").count(), 1);
        assert!(map.svg.contains("aria-label=\"Mapa &lt;de&gt; prueba\""));
        for number in map
            .svg
            .split(['M', 'L', ' ', '"', 'Z'])
            .filter_map(|t| t.parse::<f64>().ok())
        {
            assert!((-0.1..=W + 0.1).contains(&number), "{number}");
        }
        assert!(shape_map(
            &serde_json::json!({"type": "FeatureCollection", "features": []}),
            "x"
        )
        .is_none());
        assert!(shape_map(&serde_json::json!([1, 2]), "x").is_none());
    }

    #[test]
    fn the_municipal_boundaries_draw_thinned() {
        let text = include_str!("../../catalog/seed/municipios.geojson");
        let doc: serde_json::Value = serde_json::from_str(text).unwrap();
        let map = shape_map(&doc, "Municipios").unwrap();
        assert_eq!(map.features, 125);
        assert!(
            map.svg.len() < text.len() / 2,
            "thinned: {} bytes",
            map.svg.len()
        );
    }

    #[test]
    fn points_in_one_cell() {
        assert_eq!(parse_point("19.43, -99.13"), Some((19.43, -99.13)));
        assert_eq!(parse_point("19.43;-99.13"), Some((19.43, -99.13)));
        assert_eq!(parse_point("19.43"), None);
        assert_eq!(parse_point("a,b"), None);
        assert_eq!(parse_point("1,2,3"), None);
    }
}
