//! Small text rules used everywhere: slugs, accent folding for matching, and
//! Spanish alphabetical order.

/// A URL slug: lower case ASCII words joined by `-` ("Acambay de Ruíz
/// Castañeda" → "acambay-de-ruiz-castaneda").
pub fn slugify(s: &str) -> String {
    slug::slugify(s)
}

/// Lower case without accents, for matching what people type ("gestion"
/// matches "Gestión"). Keeps every other character.
pub fn fold(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .map(|c| match c {
            'á' | 'à' | 'ä' | 'â' | 'ã' => 'a',
            'é' | 'è' | 'ë' | 'ê' => 'e',
            'í' | 'ì' | 'ï' | 'î' => 'i',
            'ó' | 'ò' | 'ö' | 'ô' | 'õ' => 'o',
            'ú' | 'ù' | 'ü' | 'û' => 'u',
            'ñ' => 'n',
            'ç' => 'c',
            other => other,
        })
        .collect()
}

/// A key that sorts words in Spanish alphabetical order: accents do not count,
/// and ñ comes after n ("Nopaltepec" < "Ñuñoa" < "Ocoyoacac").
pub fn spanish_sort_key(s: &str) -> String {
    s.chars()
        .flat_map(char::to_lowercase)
        .flat_map(|c| match c {
            'ñ' => vec!['n', '\u{10FFFF}'],
            other => fold(&other.to_string()).chars().collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert_eq!(
            slugify("Acambay de Ruíz Castañeda"),
            "acambay-de-ruiz-castaneda"
        );
        assert_eq!(slugify("  Nezahualcóyotl "), "nezahualcoyotl");
    }

    #[test]
    fn folding() {
        assert_eq!(fold("GESTIÓN Pública"), "gestion publica");
        assert_eq!(fold("Ñuñoa"), "nunoa");
    }

    #[test]
    fn spanish_order() {
        let mut v = vec![
            "Ocoyoacac",
            "Ñuñoa",
            "Nopaltepec",
            "Álvaro Obregón",
            "Zumpango",
            "Nuñez",
            "Nunez",
        ];
        v.sort_by_key(|s| spanish_sort_key(s));
        assert_eq!(
            v,
            [
                "Álvaro Obregón",
                "Nopaltepec",
                "Nunez",
                "Nuñez",
                "Ñuñoa",
                "Ocoyoacac",
                "Zumpango"
            ]
        );
    }
}
