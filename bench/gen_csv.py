#!/usr/bin/env python3
"""Deterministic generator of a realistic Mexican-government CSV for the
ingest and query benchmarks.

Columns (header in the first line, UTF-8, LF line ends, comma separated):
  id           integer, 1..N
  cve_mun      INEGI 5-digit municipality key, leading zeros kept (01001)
  municipio    municipality name with accents (Ñ, á, é, ...)
  fecha        date as dd/mm/yyyy
  monto        amount with thousands separators, always quoted ("1,234.56")
  pagado       Sí / No
  latitud      decimal degrees, 6 decimals
  longitud     decimal degrees, 6 decimals
  descripcion  free text; some values hold commas or double quotes (quoted)

Usage: gen_csv.py --rows N --out FILE [--seed 42]
The same (rows, seed) always gives the same bytes.
"""
import argparse
import datetime
import random
import sys

# INEGI keys and names: 40 municipalities of Aguascalientes, Baja California,
# Mexico City, Jalisco and Querétaro (leading zeros, Ñ), then the 125
# municipalities of the State of Mexico (from crates/directory/seed).
MUNICIPIOS = """
01001 Aguascalientes
01002 Asientos
01003 Calvillo
01004 Cosío
01005 Jesús María
01006 Pabellón de Arteaga
01007 Rincón de Romos
01008 San José de Gracia
01009 Tepezalá
01010 El Llano
01011 San Francisco de los Romo
02001 Ensenada
02002 Mexicali
02003 Tecate
02004 Tijuana
02005 Playas de Rosarito
09002 Azcapotzalco
09003 Coyoacán
09004 Cuajimalpa de Morelos
09005 Gustavo A. Madero
09006 Iztacalco
09007 Iztapalapa
09008 La Magdalena Contreras
09009 Milpa Alta
09010 Álvaro Obregón
09011 Tláhuac
09012 Tlalpan
09013 Xochimilco
09014 Benito Juárez
09015 Cuauhtémoc
09016 Miguel Hidalgo
09017 Venustiano Carranza
14039 Guadalajara
14098 San Pedro Tlaquepaque
14117 Cañadas de Obregón
14120 Zapopan
22005 Colón
22013 Peñamiller
22014 Querétaro
22016 San Juan del Río
15001 Acambay de Ruíz Castañeda
15002 Acolman
15003 Aculco
15004 Almoloya de Alquisiras
15005 Almoloya de Juárez
15006 Almoloya del Río
15007 Amanalco
15008 Amatepec
15009 Amecameca
15010 Apaxco
15011 Atenco
15012 Atizapán
15013 Atizapán de Zaragoza
15014 Atlacomulco
15015 Atlautla
15016 Axapusco
15017 Ayapango
15018 Calimaya
15019 Capulhuac
15020 Coacalco de Berriozábal
15021 Coatepec Harinas
15022 Cocotitlán
15023 Coyotepec
15024 Cuautitlán
15025 Chalco
15026 Chapa de Mota
15027 Chapultepec
15028 Chiautla
15029 Chicoloapan
15030 Chiconcuac
15031 Chimalhuacán
15032 Donato Guerra
15033 Ecatepec de Morelos
15034 Ecatzingo
15035 Huehuetoca
15036 Hueypoxtla
15037 Huixquilucan
15038 Isidro Fabela
15039 Ixtapaluca
15040 Ixtapan de la Sal
15041 Ixtapan del Oro
15042 Ixtlahuaca
15043 Xalatlaco
15044 Jaltenco
15045 Jilotepec
15046 Jilotzingo
15047 Jiquipilco
15048 Jocotitlán
15049 Joquicingo
15050 Juchitepec
15051 Lerma
15052 Malinalco
15053 Melchor Ocampo
15054 Metepec
15055 Mexicaltzingo
15056 Morelos
15057 Naucalpan de Juárez
15058 Nezahualcóyotl
15059 Nextlalpan
15060 Nicolás Romero
15061 Nopaltepec
15062 Ocoyoacac
15063 Ocuilan
15064 El Oro
15065 Otumba
15066 Otzoloapan
15067 Otzolotepec
15068 Ozumba
15069 Papalotla
15070 La Paz
15071 Polotitlán
15072 Rayón
15073 San Antonio la Isla
15074 San Felipe del Progreso
15075 San Martín de las Pirámides
15076 San Mateo Atenco
15077 San Simón de Guerrero
15078 Santo Tomás
15079 Soyaniquilpan de Juárez
15080 Sultepec
15081 Tecámac
15082 Tejupilco
15083 Temamatla
15084 Temascalapa
15085 Temascalcingo
15086 Temascaltepec
15087 Temoaya
15088 Tenancingo
15089 Tenango del Aire
15090 Tenango del Valle
15091 Teoloyucan
15092 Teotihuacán
15093 Tepetlaoxtoc
15094 Tepetlixpa
15095 Tepotzotlán
15096 Tequixquiac
15097 Texcaltitlán
15098 Texcalyacac
15099 Texcoco
15100 Tezoyuca
15101 Tianguistenco
15102 Timilpan
15103 Tlalmanalco
15104 Tlalnepantla de Baz
15105 Tlatlaya
15106 Toluca
15107 Tonatico
15108 Tultepec
15109 Tultitlán
15110 Valle de Bravo
15111 Villa de Allende
15112 Villa del Carbón
15113 Villa Guerrero
15114 Villa Victoria
15115 Xonacatlán
15116 Zacazonapan
15117 Zacualpan
15118 Zinacantepec
15119 Zumpahuacán
15120 Zumpango
15121 Cuautitlán Izcalli
15122 Valle de Chalco Solidaridad
15123 Luvianos
15124 San José del Rincón
15125 Tonanitla
""".strip().splitlines()

# Rough centre (lat, lon) of each state, by its 2-digit key.
STATE_CENTRE = {
    "01": (21.88, -102.29),
    "02": (31.50, -115.80),
    "09": (19.35, -99.15),
    "14": (20.67, -103.35),
    "15": (19.35, -99.60),
    "22": (20.60, -100.00),
}

WORKS = ["Rehabilitación", "Construcción", "Mantenimiento", "Ampliación",
         "Pavimentación", "Equipamiento", "Sustitución", "Bacheo"]
THINGS = ["de la calle", "del camino a", "de la red de agua potable en", "del drenaje sanitario de",
          "de la escuela primaria", "del centro de salud de", "de la plaza cívica de",
          "del alumbrado público en", "de la unidad deportiva de", "del mercado municipal de"]
PLACES = ["Hidalgo", "Benito Juárez", "Emiliano Zapata", "la colonia Centro", "San Miguel",
          "Santa María", "el barrio de Guadalupe", "la localidad La Peña", "Niños Héroes",
          "Cañada Honda", "El Pedregal", "Loma Bonita", "San José el Vidrio", "Ojo de Agua"]
TAILS = ["", "", "", "", ", etapa 1", ", etapa 2", ", segunda etapa",
         ' (programa "FAISMUN")', " con recursos del FORTAMUN", "; incluye señalética"]


def csv_field(text):
    """Quotes a field when it holds a comma, a quote or a line break."""
    if any(c in text for c in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=42)
    args = ap.parse_args()

    rng = random.Random(args.seed)
    munis = []
    for line in MUNICIPIOS:
        key, name = line.split(" ", 1)
        lat, lon = STATE_CENTRE[key[:2]]
        # A fixed centre per municipality, within ~0.5 degrees of its state's.
        munis.append((key, csv_field(name), lat + rng.uniform(-0.5, 0.5), lon + rng.uniform(-0.5, 0.5)))

    first = datetime.date(2018, 1, 1).toordinal()
    last = datetime.date(2025, 12, 31).toordinal()
    dates = [datetime.date.fromordinal(d).strftime("%d/%m/%Y") for d in range(first, last + 1)]

    rand, choice, uniform = rng.random, rng.choice, rng.uniform
    out = open(args.out, "w", encoding="utf-8", newline="\n")
    out.write("id,cve_mun,municipio,fecha,monto,pagado,latitud,longitud,descripcion\n")
    buf = []
    for i in range(1, args.rows + 1):
        key, name, lat, lon = choice(munis)
        # Log-uniform amounts from ~500 to ~5,000,000 pesos: nearly all distinct.
        monto = round(10 ** uniform(2.7, 6.7), 2)
        text = f"{choice(WORKS)} {choice(THINGS)} {choice(PLACES)}{choice(TAILS)}"
        buf.append(
            f'{i},{key},{name},{choice(dates)},"{monto:,.2f}",{"Sí" if rand() < 0.7 else "No"},'
            f"{lat + uniform(-0.05, 0.05):.6f},{lon + uniform(-0.05, 0.05):.6f},{csv_field(text)}\n"
        )
        if len(buf) >= 50_000:
            out.write("".join(buf))
            buf.clear()
    out.write("".join(buf))
    out.close()


if __name__ == "__main__":
    sys.exit(main())
