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
    if valid.is_empty() {
        return None;
    }
    let (mut min_lat, mut max_lat, mut min_lon, mut max_lon) =
        (f64::MAX, f64::MIN, f64::MAX, f64::MIN);
    for (lat, lon) in &valid {
        min_lat = min_lat.min(*lat);
        max_lat = max_lat.max(*lat);
        min_lon = min_lon.min(*lon);
        max_lon = max_lon.max(*lon);
    }
    // A single place (or a line) still gets a small square around it.
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
    let off_x = (W - width * scale) / 2.0;
    let off_y = (H - height * scale) / 2.0;
    let mut svg = String::new();
    let _ = write!(
        svg,
        "<svg class=\"point-map\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\">\
         <rect x=\"0\" y=\"0\" width=\"{W}\" height=\"{H}\" fill=\"#f4f6f8\" stroke=\"#8a96a3\"/>",
        escape(label)
    );
    for (lat, lon) in &valid {
        let x = off_x + (lon - min_lon) * k * scale;
        let y = H - (off_y + (lat - min_lat) * scale);
        let _ = write!(
            svg,
            "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3\" fill=\"#0b5d8c\" fill-opacity=\"0.7\"/>"
        );
    }
    let _ = write!(
        svg,
        "<text x=\"6\" y=\"16\" font-size=\"12\" fill=\"#333\">{max_lat:.4}, {min_lon:.4}</text>\
         <text x=\"{}\" y=\"{}\" font-size=\"12\" fill=\"#333\" text-anchor=\"end\">{min_lat:.4}, {max_lon:.4}</text></svg>",
        W - 6.0,
        H - 6.0
    );
    Some(svg)
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
    fn points_in_one_cell() {
        assert_eq!(parse_point("19.43, -99.13"), Some((19.43, -99.13)));
        assert_eq!(parse_point("19.43;-99.13"), Some((19.43, -99.13)));
        assert_eq!(parse_point("19.43"), None);
        assert_eq!(parse_point("a,b"), None);
        assert_eq!(parse_point("1,2,3"), None);
    }
}
