#!/usr/bin/env python3
"""Deterministic generator (seed 42) of the search benchmark's catalog:
public bodies of the Estado de México and N datasets with realistic Spanish
titles, descriptions and keywords, written straight into a migrated Apertura
database, and the same datasets into a SQLite database with an FTS5 index as
Datasette serves it. Standard library only.

    gen_datasets.py --datasets N --apertura-db DATA_DIR/apertura.db \
                    --datasette-db catalogo.db [--resources 1]

The Apertura database must exist (`apertura migrate`): the municipalities and
the kinds of body are read from it. What it adds:

- bodies: the 125 ayuntamientos ("Ayuntamiento de <municipio>", kind
  `ayuntamiento`, municipality = INEGI key), municipal DIF systems and water
  utilities, municipal sports institutes (kind `organismo-municipal`), state
  secretariats and agencies, the legislature, the judiciary, autonomous bodies,
  public universities, unions, a trust (about 300 in all);
- N datasets, all published and public (`status='published'`, `is_private=0`),
  with EU theme codes, comma-separated keywords, a temporal coverage and
  RFC 3339 timestamps;
- with `--resources 1` (the default), one `link` resource per dataset whose
  address ends in .csv, .xlsx, .json or .pdf (the search page's format facet).

The Datasette database has one table `datasets` (id, slug, title,
description, keywords, themes, body, body_slug, municipality, year) and an
external-content FTS5 table `datasets_fts` over title, description, keywords
and body, tokenizer `unicode61 remove_diacritics 2` (accents folded, as ours
folds them), with the triggers `sqlite-utils enable-fts --create-triggers`
would add. Prints one JSON line with what it wrote.
"""
import argparse
import json
import math
import os
import random
import re
import sqlite3
import sys
import time
import unicodedata
from datetime import datetime, timedelta, timezone

SEED = 42

# --- Words ----------------------------------------------------------------------

MESES = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
         "septiembre", "octubre", "noviembre", "diciembre"]
TRIMESTRES = ["primer trimestre", "segundo trimestre", "tercer trimestre", "cuarto trimestre"]
SEMESTRES = ["primer semestre", "segundo semestre"]
FRECUENCIAS = ["mensualmente", "cada trimestre", "cada semestre", "una vez al año",
               "cuando hay cambios", "cada quincena"]

PROGRAMAS = [
    "Mujeres Trabajadoras Jefas de Familia", "Canasta Alimentaria Mexiquense",
    "Apoyo a Adultos Mayores", "Familias Fuertes", "Salario Rosa", "Becas para el Bienestar",
    "Desayunos Escolares Calientes", "Mi Primer Empleo", "Juventud en Acción", "Vivienda Digna",
    "Techo Firme", "Huertos Familiares", "Apoyo a Personas con Discapacidad",
    "Útiles y Uniformes Escolares", "Calentadores Solares", "Piso Firme",
    "Leche para el Bienestar", "Cuarto Rosa", "Apoyo a Productores del Campo",
    "Emprendedoras Mexiquenses",
]
AREAS_MUN = [
    "Tesorería Municipal", "Dirección de Obras Públicas", "Dirección de Administración",
    "Dirección de Desarrollo Social", "Dirección de Seguridad Pública y Tránsito",
    "Dirección de Desarrollo Económico", "Dirección de Servicios Públicos",
    "Coordinación Municipal de Protección Civil", "Dirección de Desarrollo Urbano",
    "Contraloría Interna Municipal", "Secretaría del Ayuntamiento",
    "Unidad de Transparencia", "Dirección de Ecología", "Oficialía del Registro Civil",
    "Dirección de Educación y Cultura", "Coordinación de Catastro",
]
COLONIAS = ["Centro", "San Lorenzo", "La Magdalena", "Las Américas", "Valle Verde",
            "San Miguel", "El Calvario", "Guadalupe", "Santa Cruz", "La Providencia",
            "San Isidro", "Ejidal", "Benito Juárez", "Emiliano Zapata", "Independencia"]

# Topics: key -> (title templates, EU themes, keywords, description sentences,
# producers). Placeholders: {anio} {periodo} {mes} {ciclo} {programa} {area}
# {lugar} {colonia}. Producers: "mun" ayuntamientos, "dif", "agua", "deporte",
# "estado" (state agencies), "todos".
TOPICS = {
    "presupuesto": (
        ["Presupuesto de egresos {anio}", "Presupuesto de egresos aprobado {anio}",
         "Ejercicio del presupuesto de egresos, {periodo} {anio}",
         "Presupuesto de egresos por capítulo del gasto {anio}",
         "Estado analítico del ejercicio del presupuesto de egresos {anio}"],
        "ECON,GOVE", ["presupuesto", "egresos", "finanzas públicas", "gasto público", "capítulo del gasto"],
        ["Presupuesto de egresos aprobado por el cabildo para el ejercicio fiscal {anio}, desglosado por capítulo, concepto y partida.",
         "Muestra el monto aprobado, modificado, devengado y pagado de cada partida del gasto.",
         "La clasificación sigue el Manual Único de Contabilidad Gubernamental para los municipios del Estado de México.",
         "Incluye la clasificación administrativa, funcional y por objeto del gasto."],
        "todos"),
    "ingresos": (
        ["Ingresos recaudados {anio}", "Ley de ingresos del municipio {anio}",
         "Estado analítico de ingresos, {periodo} {anio}", "Participaciones y aportaciones federales {anio}"],
        "ECON,GOVE", ["ingresos", "recaudación", "ley de ingresos", "participaciones", "finanzas públicas"],
        ["Ingresos estimados y recaudados por rubro, tipo y clase durante {anio}.",
         "Comprende impuestos, derechos, productos, aprovechamientos, participaciones y aportaciones.",
         "Las cifras están expresadas en pesos corrientes."],
        "mun"),
    "obra": (
        ["Obra pública ejecutada {anio}", "Programa anual de obra pública {anio}",
         "Contratos de obra pública, {periodo} {anio}", "Obras públicas en proceso y concluidas {anio}",
         "Obra pública por colonia y localidad {anio}"],
        "REGI,GOVE,ECON", ["obra pública", "infraestructura", "contratos", "pavimentación", "FISMDF"],
        ["Relación de obras públicas ejecutadas por la {area} con su ubicación, monto contratado, contratista y avance físico y financiero.",
         "Incluye obras financiadas con el Fondo de Aportaciones para la Infraestructura Social Municipal (FISMDF).",
         "Se registran la modalidad de adjudicación, la fecha de inicio y la fecha de término de cada obra.",
         "Las obras de pavimentación, drenaje y alumbrado se agrupan por colonia."],
        "mun"),
    "nomina": (
        ["Nómina de servidores públicos, {periodo} {anio}", "Remuneraciones del personal {anio}",
         "Plantilla de personal y tabulador de sueldos {anio}", "Nómina quincenal, {mes} {anio}"],
        "GOVE", ["nómina", "remuneraciones", "servidores públicos", "sueldos", "plantilla de personal"],
        ["Remuneración bruta y neta de los servidores públicos de base, confianza y eventuales, por puesto y nivel.",
         "Los datos se publican conforme a la fracción VIII del artículo 92 de la Ley de Transparencia estatal.",
         "No incluye datos personales distintos del nombre y el cargo del servidor público."],
        "todos"),
    "licitaciones": (
        ["Licitaciones públicas {anio}", "Procedimientos de adjudicación directa, {periodo} {anio}",
         "Contratos de adquisiciones y servicios {anio}", "Invitaciones restringidas {anio}",
         "Padrón de proveedores {anio}"],
        "GOVE,ECON", ["licitaciones", "adquisiciones", "contratos", "proveedores", "adjudicación directa", "compras públicas"],
        ["Procedimientos de licitación pública, invitación restringida y adjudicación directa con su proveedor ganador y monto.",
         "Incluye el número de expediente, la descripción del bien o servicio y la fecha del fallo.",
         "Información generada por el Comité de Adquisiciones y Servicios."],
        "todos"),
    "padron": (
        ["Padrón de beneficiarios del programa {programa} {anio}",
         "Padrón de beneficiarios de programas sociales, {periodo} {anio}",
         "Beneficiarios del programa {programa}, {periodo} {anio}"],
        "SOCI", ["padrón de beneficiarios", "programas sociales", "apoyos", "desarrollo social"],
        ["Personas beneficiarias del programa {programa} con la localidad, el tipo de apoyo y el monto entregado.",
         "El padrón se integra con las reglas de operación publicadas en la Gaceta del Gobierno.",
         "Se omiten los datos personales sensibles de las personas beneficiarias."],
        "mun,dif,estado"),
    "delitos": (
        ["Incidencia delictiva {anio}", "Incidencia delictiva por colonia, {periodo} {anio}",
         "Denuncias recibidas por tipo de delito {anio}", "Delitos del fuero común, {mes} {anio}"],
        "JUST", ["incidencia delictiva", "delitos", "seguridad", "denuncias", "fuero común"],
        ["Número de delitos del fuero común registrados por tipo, modalidad y colonia.",
         "Las cifras provienen de las carpetas de investigación iniciadas ante la Fiscalía General de Justicia.",
         "Incluye robo a transeúnte, robo de vehículo, violencia familiar y lesiones dolosas, entre otros."],
        "mun,estado"),
    "agua_calidad": (
        ["Calidad del agua potable, {periodo} {anio}", "Monitoreo de cloro residual {anio}",
         "Análisis fisicoquímicos y bacteriológicos del agua {anio}", "Calidad del agua en pozos {anio}"],
        "ENVI,HEAL", ["calidad del agua", "cloro residual", "agua potable", "monitoreo", "pozos"],
        ["Resultados de los muestreos de cloro residual libre, turbiedad y coliformes en la red de agua potable.",
         "Los límites permisibles corresponden a la NOM-127-SSA1.",
         "Cada registro indica el pozo o tanque, la fecha de muestreo y el resultado del laboratorio."],
        "agua,estado"),
    "agua": (
        ["Tomas de agua potable registradas {anio}", "Suministro de agua potable por tandeo {anio}",
         "Cobro de derechos de agua potable y drenaje, {periodo} {anio}", "Fugas de agua atendidas {anio}",
         "Pozos de agua potable y volumen extraído {anio}"],
        "ENVI,REGI", ["agua potable", "drenaje", "alcantarillado", "tomas de agua", "saneamiento", "fugas"],
        ["Padrón de usuarios del servicio de agua potable, drenaje y alcantarillado por tipo de toma.",
         "Incluye los reportes de fugas atendidas, los pozos en operación y el volumen extraído.",
         "Las tarifas aplicadas son las del Código Financiero del Estado de México y Municipios."],
        "agua,mun"),
    "residuos": (
        ["Recolección de residuos sólidos urbanos {anio}", "Rutas de recolección de basura {anio}",
         "Toneladas de residuos recolectadas por mes {anio}", "Residuos enviados a relleno sanitario {anio}"],
        "ENVI", ["residuos sólidos", "recolección de basura", "limpia", "relleno sanitario", "reciclaje"],
        ["Toneladas de residuos sólidos urbanos recolectadas por ruta y día de servicio.",
         "Indica los horarios de paso del camión recolector en cada colonia.",
         "Los residuos se disponen en el relleno sanitario regional."],
        "mun"),
    "becas": (
        ["Becas otorgadas, ciclo escolar {ciclo}", "Beneficiarios de becas educativas {anio}",
         "Becas para estudiantes de educación básica y media superior {anio}"],
        "EDUC,SOCI", ["becas", "estudiantes", "educación", "apoyos educativos"],
        ["Becas otorgadas a estudiantes por nivel educativo, escuela y monto.",
         "Comprende becas de aprovechamiento, transporte y manutención.",
         "Los montos corresponden al ciclo escolar {ciclo}."],
        "mun,estado,universidad"),
    "programas": (
        ["Programas sociales vigentes {anio}", "Apoyos entregados por programa social {anio}",
         "Reglas de operación de programas sociales {anio}"],
        "SOCI", ["programas sociales", "apoyos", "desarrollo social", "bienestar"],
        ["Catálogo de programas sociales con su objetivo, población objetivo, requisitos y presupuesto asignado.",
         "Incluye el número de apoyos entregados en {anio} y la unidad responsable de cada programa."],
        "mun,dif,estado"),
    "transparencia": (
        ["Solicitudes de acceso a la información {anio}", "Recursos de revisión {anio}",
         "Obligaciones de transparencia comunes, {periodo} {anio}",
         "Índice de expedientes clasificados como reservados {anio}",
         "Solicitudes de derechos ARCO {anio}"],
        "GOVE", ["transparencia", "acceso a la información", "solicitudes", "SAIMEX", "datos personales"],
        ["Solicitudes de acceso a la información pública recibidas a través del SAIMEX, con su fecha, tema y sentido de la respuesta.",
         "Incluye el tiempo de respuesta en días hábiles y los recursos de revisión interpuestos.",
         "Información publicada por la Unidad de Transparencia."],
        "todos"),
    "seguridad": (
        ["Estado de fuerza de seguridad pública {anio}", "Patrullas y equipamiento de seguridad pública {anio}",
         "Llamadas de emergencia al 911 atendidas, {periodo} {anio}", "Cámaras de videovigilancia {anio}"],
        "JUST", ["seguridad pública", "policía", "patrullas", "911", "videovigilancia"],
        ["Número de elementos de la policía municipal por turno, sector y cuadrante.",
         "Incluye las patrullas, motocicletas y cámaras de videovigilancia en operación.",
         "Llamadas de emergencia recibidas y tiempo promedio de respuesta."],
        "mun,estado"),
    "salud": (
        ["Consultas médicas otorgadas {anio}", "Unidades médicas y centros de salud",
         "Casos de dengue por semana epidemiológica {anio}", "Dosis de vacunas aplicadas {anio}",
         "Egresos hospitalarios {anio}", "Nacimientos atendidos en hospitales públicos {anio}"],
        "HEAL", ["salud", "consultas", "centros de salud", "vacunación", "hospitales", "epidemiología"],
        ["Consultas médicas otorgadas por unidad médica, tipo de consulta y grupo de edad.",
         "Ubicación de las unidades médicas y centros de salud, con sus horarios y servicios.",
         "Los casos se registran por semana epidemiológica y jurisdicción sanitaria."],
        "estado,dif,mun"),
    "educacion": (
        ["Escuelas públicas de educación básica", "Matrícula escolar, ciclo {ciclo}",
         "Docentes por escuela, ciclo {ciclo}", "Infraestructura educativa {anio}"],
        "EDUC", ["educación", "escuelas", "matrícula", "docentes", "educación básica"],
        ["Escuelas públicas de preescolar, primaria y secundaria con su clave de centro de trabajo y ubicación.",
         "Matrícula de alumnos por grado, sexo y turno en el ciclo escolar {ciclo}."],
        "estado,mun"),
    "transporte": (
        ["Rutas de transporte público", "Concesiones de transporte público {anio}",
         "Paraderos y bases de taxis {anio}", "Aforos vehiculares {anio}",
         "Infracciones de tránsito, {periodo} {anio}"],
        "TRAN", ["transporte público", "movilidad", "rutas", "concesiones", "tránsito", "mexibús"],
        ["Rutas de transporte público concesionado con su origen, destino y derrotero.",
         "Incluye las bases de taxis, los paraderos autorizados y el número de unidades por ruta.",
         "Infracciones de tránsito levantadas por tipo de falta."],
        "mun,estado"),
    "catastro": (
        ["Padrón catastral {anio}", "Valores unitarios de suelo y construcción {anio}",
         "Manzanas y predios catastrales {anio}"],
        "REGI,GOVE", ["catastro", "predios", "valores catastrales", "cartografía"],
        ["Predios registrados en el padrón catastral por zona y uso de suelo.",
         "Valores unitarios de suelo y construcción aprobados por la Legislatura para {anio}."],
        "mun,estado"),
    "predial": (
        ["Recaudación del impuesto predial, {periodo} {anio}", "Contribuyentes del impuesto predial {anio}",
         "Descuentos en el pago del impuesto predial {anio}"],
        "ECON,GOVE", ["predial", "impuesto predial", "recaudación", "contribuyentes"],
        ["Recaudación mensual del impuesto predial y número de contribuyentes cumplidos.",
         "Incluye los descuentos por pronto pago a adultos mayores y personas con discapacidad."],
        "mun"),
    "alumbrado": (
        ["Luminarias de alumbrado público {anio}", "Consumo de energía eléctrica del alumbrado público {anio}",
         "Reportes de alumbrado público atendidos {anio}"],
        "ENER,REGI", ["alumbrado público", "luminarias", "energía eléctrica", "servicios públicos"],
        ["Inventario de luminarias del alumbrado público por colonia y tipo de tecnología (LED, vapor de sodio).",
         "Consumo y pago mensual de energía eléctrica a la Comisión Federal de Electricidad."],
        "mun"),
    "mercados": (
        ["Mercados públicos y tianguis", "Locatarios de mercados municipales {anio}",
         "Comercio en vía pública, permisos otorgados {anio}"],
        "ECON", ["mercados", "tianguis", "comercio", "locatarios", "vía pública"],
        ["Mercados públicos municipales con su ubicación, número de locales y días de tianguis.",
         "Permisos de comercio en la vía pública otorgados por giro."],
        "mun"),
    "proteccion_civil": (
        ["Atlas de riesgos {anio}", "Emergencias atendidas por protección civil {anio}",
         "Refugios temporales y albergues", "Inspecciones de protección civil, {periodo} {anio}"],
        "JUST,SOCI", ["protección civil", "atlas de riesgos", "emergencias", "inundaciones", "albergues"],
        ["Emergencias atendidas por la Coordinación de Protección Civil: incendios, inundaciones, fugas de gas y rescates.",
         "Zonas de riesgo por inundación, deslave y fallas geológicas identificadas en el atlas de riesgos.",
         "Refugios temporales disponibles en temporada de lluvias."],
        "mun,estado"),
    "deuda": (
        ["Deuda pública {anio}", "Obligaciones financieras y deuda pública, {periodo} {anio}"],
        "ECON", ["deuda pública", "obligaciones financieras", "créditos", "finanzas públicas"],
        ["Saldo de la deuda pública por institución acreditante, tasa y plazo.",
         "Incluye los pagos de capital e intereses realizados en {anio}."],
        "mun,estado"),
    "participacion": (
        ["Presupuesto participativo {anio}", "Consejos de participación ciudadana {anio}",
         "Consultas ciudadanas {anio}", "Autoridades auxiliares: delegados y subdelegados {anio}"],
        "GOVE,SOCI", ["participación ciudadana", "presupuesto participativo", "gobierno abierto", "consulta ciudadana"],
        ["Proyectos propuestos y votados por la ciudadanía en el presupuesto participativo de {anio}.",
         "Integrantes de los consejos de participación ciudadana por delegación."],
        "mun"),
    "ambiente": (
        ["Áreas verdes y arbolado urbano", "Licencias ambientales de funcionamiento {anio}",
         "Denuncias ambientales {anio}", "Calidad del aire, {mes} {anio}", "Programa de reforestación {anio}"],
        "ENVI", ["medio ambiente", "áreas verdes", "reforestación", "calidad del aire", "gestión ambiental"],
        ["Inventario de áreas verdes, parques y arbolado urbano con su superficie.",
         "Árboles plantados en el programa de reforestación y sitios de plantación.",
         "Concentraciones de ozono y partículas PM10 y PM2.5 por estación de monitoreo."],
        "mun,estado"),
    "poblacion": (
        ["Población por localidad, Censo 2020", "Estadísticas de población y vivienda {anio}",
         "Indicadores sociodemográficos {anio}", "Proyecciones de población {anio}"],
        "SOCI", ["población", "censo", "vivienda", "estadística", "INEGI"],
        ["Población total, por sexo y grupo de edad por localidad, con datos del Censo de Población y Vivienda 2020 del INEGI.",
         "Incluye viviendas habitadas y su disponibilidad de servicios."],
        "mun,estado"),
    "urbano": (
        ["Licencias de construcción {anio}", "Plan municipal de desarrollo urbano",
         "Licencias de uso de suelo, {periodo} {anio}", "Asentamientos irregulares {anio}"],
        "REGI", ["desarrollo urbano", "licencias de construcción", "uso de suelo", "vivienda"],
        ["Licencias de construcción y de uso de suelo expedidas, con la superficie autorizada y la colonia.",
         "Zonificación del plan municipal de desarrollo urbano vigente."],
        "mun,estado"),
    "campo": (
        ["Producción agrícola por cultivo {anio}", "Apoyos al campo {anio}",
         "Superficie sembrada y cosechada {anio}", "Inventario ganadero {anio}"],
        "AGRI", ["agricultura", "campo", "maíz", "producción agrícola", "ganadería", "productores"],
        ["Superficie sembrada, cosechada y producción de maíz, avena, haba y otros cultivos por ciclo agrícola.",
         "Apoyos entregados a productores del campo: fertilizante, semilla mejorada y maquinaria."],
        "mun,estado"),
    "turismo": (
        ["Afluencia turística {anio}", "Ocupación hotelera, {mes} {anio}", "Atractivos turísticos y pueblos mágicos"],
        "ECON,EDUC", ["turismo", "pueblos mágicos", "ocupación hotelera", "visitantes"],
        ["Visitantes nacionales y extranjeros por mes y porcentaje de ocupación hotelera.",
         "Atractivos turísticos del municipio con su ubicación y horario."],
        "mun,estado"),
    "cultura": (
        ["Eventos culturales {anio}", "Bibliotecas públicas y casas de cultura", "Talleres artísticos {anio}"],
        "EDUC,SOCI", ["cultura", "bibliotecas", "casas de cultura", "eventos", "talleres"],
        ["Eventos culturales realizados con su fecha, sede y número de asistentes.",
         "Bibliotecas públicas municipales y casas de cultura con sus servicios."],
        "mun,estado"),
    "registro_civil": (
        ["Actas de nacimiento registradas {anio}", "Matrimonios y divorcios registrados {anio}",
         "Defunciones registradas, {periodo} {anio}"],
        "GOVE,SOCI", ["registro civil", "nacimientos", "matrimonios", "defunciones", "actas"],
        ["Actos del registro civil inscritos por oficialía: nacimientos, matrimonios, divorcios y defunciones.",
         "Las cifras se presentan por mes de registro."],
        "mun"),
    "bacheo": (
        ["Reportes de baches atendidos {anio}", "Mantenimiento de vialidades {anio}",
         "Atención a reportes ciudadanos de servicios públicos, {periodo} {anio}"],
        "REGI,TRAN", ["bacheo", "vialidades", "servicios públicos", "reportes ciudadanos"],
        ["Reportes ciudadanos de baches, fugas, luminarias y basura con su fecha de atención.",
         "Metros cuadrados de bacheo y repavimentación por colonia."],
        "mun"),
    "tecnologia": (
        ["Puntos de acceso a internet gratuito", "Trámites y servicios en línea {anio}",
         "Inventario de equipo de cómputo {anio}"],
        "TECH", ["internet", "trámites en línea", "gobierno digital", "tecnología", "wifi"],
        ["Ubicación de los puntos de acceso gratuito a internet en plazas y edificios públicos.",
         "Catálogo de trámites y servicios que pueden realizarse en línea."],
        "mun,estado"),
    "licencias": (
        ["Licencias de funcionamiento de unidades económicas {anio}", "Unidades económicas de bajo impacto {anio}",
         "Padrón de establecimientos comerciales {anio}"],
        "ECON", ["licencias de funcionamiento", "unidades económicas", "comercio", "negocios", "SARE"],
        ["Licencias de funcionamiento expedidas por giro y nivel de impacto, con la colonia del establecimiento.",
         "Trámites atendidos en el Sistema de Apertura Rápida de Empresas (SARE)."],
        "mun"),
    "viaticos": (
        ["Gastos de viáticos y representación, {periodo} {anio}", "Gastos de comunicación social {anio}",
         "Contratos de publicidad oficial {anio}"],
        "GOVE", ["viáticos", "gastos de representación", "comunicación social", "gasto público"],
        ["Gastos de viáticos y representación de los servidores públicos con el motivo de la comisión.",
         "Contratos de comunicación social y publicidad oficial con su proveedor y monto."],
        "todos"),
    "auditorias": (
        ["Resultados de auditorías {anio}", "Observaciones del OSFEM {anio}",
         "Declaraciones patrimoniales presentadas {anio}", "Sanciones administrativas {anio}"],
        "GOVE", ["auditorías", "fiscalización", "contraloría", "OSFEM", "rendición de cuentas"],
        ["Auditorías practicadas por el Órgano Superior de Fiscalización del Estado de México (OSFEM) y por la contraloría interna.",
         "Observaciones determinadas, solventadas y en proceso."],
        "todos"),
    "dif": (
        ["Desayunos escolares entregados {anio}", "Atención a personas con discapacidad {anio}",
         "Servicios de la Unidad Básica de Rehabilitación {anio}", "Asesorías jurídicas familiares {anio}",
         "Estancias infantiles {anio}"],
        "SOCI,HEAL", ["DIF", "desayunos escolares", "discapacidad", "rehabilitación", "asistencia social", "familia"],
        ["Raciones de desayunos escolares fríos y calientes entregadas por escuela.",
         "Terapias físicas, de lenguaje y ocupacionales otorgadas en la Unidad Básica de Rehabilitación.",
         "Asesorías jurídicas y psicológicas a familias y menores de edad."],
        "dif"),
    "deporte": (
        ["Unidades deportivas", "Ligas y torneos deportivos {anio}", "Escuelas deportivas municipales {anio}"],
        "SOCI,HEAL", ["deporte", "unidades deportivas", "activación física", "ligas"],
        ["Unidades deportivas municipales con sus instalaciones y horarios.",
         "Participantes en ligas, torneos y programas de activación física."],
        "deporte"),
    "derechos_humanos": (
        ["Quejas por presuntas violaciones a derechos humanos {anio}", "Recomendaciones emitidas {anio}"],
        "JUST", ["derechos humanos", "quejas", "recomendaciones"],
        ["Quejas recibidas por presuntas violaciones a derechos humanos por autoridad señalada y derecho vulnerado.",
         "Recomendaciones emitidas y su estado de cumplimiento."],
        "dh"),
    "elecciones": (
        ["Resultados electorales por sección {anio}", "Cómputos distritales {anio}", "Casillas instaladas {anio}"],
        "GOVE", ["elecciones", "resultados electorales", "casillas", "votos", "secciones electorales"],
        ["Votos por partido político y candidatura en cada sección electoral.",
         "Casillas instaladas y participación ciudadana por distrito."],
        "electoral"),
    "universidad": (
        ["Matrícula por licenciatura, ciclo {ciclo}", "Egresados y titulados {anio}",
         "Proyectos de investigación {anio}", "Oferta educativa {anio}"],
        "EDUC", ["universidad", "matrícula", "licenciatura", "egresados", "investigación"],
        ["Alumnos inscritos por programa educativo, sexo y plantel en el ciclo {ciclo}.",
         "Egresados y titulados por licenciatura y modalidad de titulación."],
        "universidad"),
    "justicia": (
        ["Carpetas de investigación iniciadas {anio}", "Sentencias emitidas {anio}",
         "Personas desaparecidas y no localizadas {anio}", "Juicios orales por tipo de delito {anio}"],
        "JUST", ["justicia", "carpetas de investigación", "sentencias", "juzgados", "fiscalía"],
        ["Carpetas de investigación iniciadas por delito y municipio de ocurrencia.",
         "Sentencias condenatorias y absolutorias por juzgado y materia."],
        "justicia"),
    "legislativo": (
        ["Iniciativas presentadas {anio}", "Asistencia a sesiones de la Legislatura {anio}",
         "Decretos aprobados {anio}", "Gaceta parlamentaria {anio}"],
        "GOVE,JUST", ["legislatura", "iniciativas", "diputados", "decretos", "parlamento abierto"],
        ["Iniciativas de ley presentadas con su autor, comisión y estado del proceso legislativo.",
         "Asistencia de las y los diputados a las sesiones del pleno y de comisiones."],
        "legislativo"),
}

# State bodies: (slug, name, kind, topics of their own).
STATE_BODIES = [
    ("secretaria-general-de-gobierno", "Secretaría General de Gobierno", "poder-ejecutivo", ["proteccion_civil", "registro_civil", "participacion"]),
    ("secretaria-de-finanzas", "Secretaría de Finanzas", "poder-ejecutivo", ["ingresos", "deuda", "catastro", "presupuesto"]),
    ("secretaria-de-salud", "Secretaría de Salud", "poder-ejecutivo", ["salud"]),
    ("secretaria-de-educacion-ciencia-tecnologia-e-innovacion", "Secretaría de Educación, Ciencia, Tecnología e Innovación", "poder-ejecutivo", ["educacion", "becas", "tecnologia"]),
    ("secretaria-de-seguridad", "Secretaría de Seguridad", "poder-ejecutivo", ["seguridad", "delitos"]),
    ("secretaria-de-movilidad", "Secretaría de Movilidad", "poder-ejecutivo", ["transporte"]),
    ("secretaria-de-desarrollo-economico", "Secretaría de Desarrollo Económico", "poder-ejecutivo", ["licencias", "turismo"]),
    ("secretaria-del-campo", "Secretaría del Campo", "poder-ejecutivo", ["campo"]),
    ("secretaria-del-medio-ambiente-y-desarrollo-sostenible", "Secretaría del Medio Ambiente y Desarrollo Sostenible", "poder-ejecutivo", ["ambiente", "residuos"]),
    ("secretaria-de-desarrollo-urbano-e-infraestructura", "Secretaría de Desarrollo Urbano e Infraestructura", "poder-ejecutivo", ["urbano", "obra"]),
    ("secretaria-de-bienestar", "Secretaría de Bienestar", "poder-ejecutivo", ["programas", "padron"]),
    ("secretaria-de-cultura-y-turismo", "Secretaría de Cultura y Turismo", "poder-ejecutivo", ["cultura", "turismo"]),
    ("secretaria-de-la-contraloria", "Secretaría de la Contraloría", "poder-ejecutivo", ["auditorias"]),
    ("secretaria-de-justicia-y-derechos-humanos", "Secretaría de Justicia y Derechos Humanos", "poder-ejecutivo", ["justicia"]),
    ("secretaria-del-trabajo", "Secretaría del Trabajo", "poder-ejecutivo", ["programas", "licencias"]),
    ("secretaria-de-las-mujeres", "Secretaría de las Mujeres", "poder-ejecutivo", ["padron", "programas"]),
    ("secretaria-del-agua", "Secretaría del Agua", "poder-ejecutivo", ["agua", "agua_calidad"]),
    ("instituto-de-salud-del-estado-de-mexico", "Instituto de Salud del Estado de México (ISEM)", "poder-ejecutivo", ["salud"]),
    ("issemym", "Instituto de Seguridad Social del Estado de México y Municipios (ISSEMyM)", "poder-ejecutivo", ["salud", "nomina"]),
    ("comision-del-agua-del-estado-de-mexico", "Comisión del Agua del Estado de México (CAEM)", "poder-ejecutivo", ["agua", "agua_calidad", "obra"]),
    ("igecem", "Instituto de Información e Investigación Geográfica, Estadística y Catastral del Estado de México (IGECEM)", "poder-ejecutivo", ["catastro", "poblacion"]),
    ("ifrem", "Instituto de la Función Registral del Estado de México", "poder-ejecutivo", ["catastro"]),
    ("coordinacion-general-de-proteccion-civil", "Coordinación General de Protección Civil y Gestión Integral del Riesgo", "poder-ejecutivo", ["proteccion_civil"]),
    ("difem", "Sistema para el Desarrollo Integral de la Familia del Estado de México (DIFEM)", "poder-ejecutivo", ["dif", "padron"]),
    ("imevis", "Instituto Mexiquense de la Vivienda Social", "poder-ejecutivo", ["urbano", "programas"]),
    ("junta-de-caminos", "Junta de Caminos del Estado de México", "poder-ejecutivo", ["obra", "bacheo"]),
    ("sistema-de-transporte-masivo-y-teleferico", "Sistema de Transporte Masivo y Teleférico del Estado de México", "poder-ejecutivo", ["transporte"]),
    ("legislatura-del-estado-de-mexico", "Poder Legislativo del Estado de México", "poder-legislativo", ["legislativo"]),
    ("osfem", "Órgano Superior de Fiscalización del Estado de México", "poder-legislativo", ["auditorias"]),
    ("poder-judicial-del-estado-de-mexico", "Poder Judicial del Estado de México", "poder-judicial", ["justicia"]),
    ("tribunal-de-justicia-administrativa", "Tribunal de Justicia Administrativa del Estado de México", "tribunal-administrativo", ["justicia"]),
    ("fiscalia-general-de-justicia", "Fiscalía General de Justicia del Estado de México", "organo-autonomo", ["justicia", "delitos"]),
    ("instituto-electoral-del-estado-de-mexico", "Instituto Electoral del Estado de México", "organo-autonomo", ["elecciones"]),
    ("codhem", "Comisión de Derechos Humanos del Estado de México", "organo-autonomo", ["derechos_humanos"]),
    ("tribunal-electoral-del-estado-de-mexico", "Tribunal Electoral del Estado de México", "organo-autonomo", ["elecciones"]),
    ("uaemex", "Universidad Autónoma del Estado de México", "universidad-publica", ["universidad", "becas"]),
    ("universidad-mexiquense-del-bicentenario", "Universidad Mexiquense del Bicentenario", "universidad-publica", ["universidad", "becas"]),
    ("universidad-estatal-del-valle-de-ecatepec", "Universidad Estatal del Valle de Ecatepec", "universidad-publica", ["universidad"]),
    ("universidad-politecnica-del-valle-de-toluca", "Universidad Politécnica del Valle de Toluca", "universidad-publica", ["universidad"]),
    ("universidad-intercultural-del-estado-de-mexico", "Universidad Intercultural del Estado de México", "universidad-publica", ["universidad", "cultura"]),
    ("tecnologico-de-estudios-superiores-de-ecatepec", "Tecnológico de Estudios Superiores de Ecatepec", "universidad-publica", ["universidad"]),
    ("suteym", "Sindicato Único de Trabajadores de los Poderes, Municipios e Instituciones Descentralizadas del Estado de México", "sindicato", []),
    ("smsem", "Sindicato de Maestros al Servicio del Estado de México", "sindicato", []),
    ("fidepar", "Fideicomiso para el Desarrollo de Parques y Zonas Industriales en el Estado de México", "fideicomiso-fondo-publico", ["licencias"]),
]
GENERIC = ["presupuesto", "nomina", "licitaciones", "transparencia", "viaticos", "auditorias"]


def slugify(s):
    s = unicodedata.normalize("NFKD", s).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


def ts(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def build_bodies(rng, municipalities):
    """[(slug, name, kind, municipality, hosted, topics, weight)]."""
    out = []
    by_pop = sorted(municipalities, key=lambda m: -m[3])
    mun_topics = [k for k, t in TOPICS.items() if "mun" in t[4].split(",") or t[4] == "todos"]
    for cvegeo, name, slug, pop in municipalities:
        out.append((f"ayuntamiento-de-{slug}", f"Ayuntamiento de {name}", "ayuntamiento", cvegeo,
                    int(pop < 70_000), mun_topics, 1.0 + math.sqrt(pop) / 150))
    dif = sorted(rng.sample(municipalities, 70), key=lambda m: m[0])
    for cvegeo, name, slug, pop in dif:
        out.append((f"dif-{slug}", f"Sistema Municipal para el Desarrollo Integral de la Familia de {name}",
                    "organismo-municipal", cvegeo, int(pop < 70_000),
                    ["dif", "padron", "programas", "salud"] + GENERIC, 1.2))
    for i, (cvegeo, name, slug, pop) in enumerate(sorted(by_pop[:45], key=lambda m: m[0])):
        prefix = ["Organismo Público Descentralizado para la Prestación de los Servicios de Agua Potable, Alcantarillado y Saneamiento de",
                  "Organismo Descentralizado de Agua Potable, Alcantarillado y Saneamiento de",
                  "Sistema de Agua Potable, Alcantarillado y Saneamiento de"][i % 3]
        short = ["opdapas", "odapas", "sapas"][i % 3]
        out.append((f"{short}-{slug}", f"{prefix} {name}", "organismo-municipal", cvegeo, 0,
                    ["agua", "agua_calidad", "agua"] + GENERIC, 1.5))
    for cvegeo, name, slug, pop in sorted(by_pop[:20], key=lambda m: m[0]):
        out.append((f"imcufide-{slug}", f"Instituto Municipal de Cultura Física y Deporte de {name}",
                    "organismo-municipal", cvegeo, 0, ["deporte", "deporte"] + GENERIC, 0.6))
    for slug, name, kind, topics in STATE_BODIES:
        out.append((slug, name, kind, None, 0, topics * 3 + GENERIC, 4.0 if topics else 0.5))
    return out


def fill(template, rng, ctx):
    return template.format(**ctx)


def dataset_rows(rng, n, bodies, municipality_names, now):
    weights = [b[6] for b in bodies]
    cum = []
    acc = 0.0
    for w in weights:
        acc += w
        cum.append(acc)
    years = list(range(2015, 2027))
    year_w = [1, 1, 1.2, 1.4, 1.6, 2, 2.4, 3, 3.6, 4.2, 5, 3]
    seen = set()
    for i in range(1, n + 1):
        b = bodies[min(bisect(cum, rng.random() * acc), len(bodies) - 1)]
        slug_b, bname, kind, mun, _, topics, _ = b
        key = rng.choice(topics)
        titles, themes, kws, sentences, _ = TOPICS[key]
        anio = rng.choices(years, year_w)[0]
        periodo_kind = rng.random()
        if periodo_kind < 0.35:
            periodo = rng.choice(TRIMESTRES)
            q = TRIMESTRES.index(periodo)
            start, end = f"{anio}-{3 * q + 1:02d}-01", f"{anio}-{3 * q + 3:02d}-{[31, 30, 30, 31][q]}"
        elif periodo_kind < 0.55:
            periodo = rng.choice(SEMESTRES)
            h = SEMESTRES.index(periodo)
            start, end = (f"{anio}-01-01", f"{anio}-06-30") if h == 0 else (f"{anio}-07-01", f"{anio}-12-31")
        else:
            periodo, start, end = "ejercicio", f"{anio}-01-01", f"{anio}-12-31"
        mes = rng.choice(MESES)
        ctx = {
            "anio": anio, "periodo": periodo if periodo != "ejercicio" else "ejercicio fiscal",
            "mes": mes, "ciclo": f"{anio - 1}-{anio}", "programa": rng.choice(PROGRAMAS),
            "area": rng.choice(AREAS_MUN), "colonia": rng.choice(COLONIAS),
        }
        title = fill(rng.choice(titles), rng, ctx)
        if not re.search(r"\d", title) and rng.random() < 0.6:
            title = f"{title} {anio}"
        lugar = municipality_names.get(mun) if mun else None
        # Where the title names its publisher: ayuntamientos mostly by the
        # municipality's name, other bodies by their own name.
        r = rng.random()
        if kind == "ayuntamiento":
            if r < 0.45:
                title = f"{title}, {lugar}"
            elif r < 0.75:
                title = f"{title} del municipio de {lugar}"
            elif r < 0.9:
                title = f"{title} - {bname}"
            else:
                title = f"{title} en {lugar}"
        elif lugar:
            title = f"{title}, {bname}" if r < 0.5 else f"{title} ({lugar})"
        elif r < 0.5:
            title = f"{title} - {bname}"
        title = title[0].upper() + title[1:]
        # 1–4 sentences: the topic's, then who publishes and how often.
        k = rng.choice([1, 2, 2, 3, 3, 4])
        picked = rng.sample(sentences, min(k, len(sentences)))
        extra = [
            f"Información publicada por {'el ' if bname.startswith(('Ayuntamiento', 'Sistema', 'Organismo', 'Instituto', 'Tribunal', 'Poder', 'Órgano', 'Sindicato', 'Fideicomiso')) else 'la '}{bname} en cumplimiento de la Ley de Transparencia y Acceso a la Información Pública del Estado de México y Municipios.",
            f"Los datos corresponden al {ctx['periodo']} de {anio} y se actualizan {rng.choice(FRECUENCIAS)}.",
            f"La información proviene de los registros administrativos de la {ctx['area']}.",
            "Para dudas sobre este conjunto de datos, escriba a la Unidad de Transparencia.",
            f"**Nota:** las cifras de {anio} son preliminares y pueden cambiar.",
            f"Incluye la clave geoestadística del INEGI, la fecha de registro y la colonia ({ctx['colonia']}, entre otras).",
        ]
        while len(picked) < k:
            picked.append(rng.choice(extra))
        if len(picked) < 4 and rng.random() < 0.5:
            picked.append(rng.choice(extra))
        description = " ".join(fill(s, rng, ctx) for s in picked[:4])
        keywords = rng.sample(kws, min(len(kws), rng.choice([2, 3, 3, 4])))
        if lugar and rng.random() < 0.4:
            keywords.append(lugar.lower())
        keywords.append(str(anio))
        base = slugify(title)
        if len(base) > 90:
            base = base[:91].rsplit("-", 1)[0]
        slug = base
        j = 2
        while slug in seen:
            slug = f"{base}-{j}"
            j += 1
        seen.add(slug)
        created = datetime(min(anio + 1, 2026), 1, 1, tzinfo=timezone.utc) + timedelta(
            seconds=rng.randrange(0, 300 * 86400))
        if created > now:
            created = now - timedelta(seconds=rng.randrange(60, 90 * 86400))
        updated = min(created + timedelta(seconds=rng.randrange(0, 60 * 86400)), now)
        yield {
            "id": i, "slug": slug, "body_slug": slug_b, "body": bname, "municipality": mun,
            "title": title, "description": description, "themes": themes,
            "keywords": ",".join(keywords), "start": start, "end": end, "year": anio,
            "created": ts(created), "updated": ts(updated), "published": ts(created),
        }


def bisect(cum, x):
    lo, hi = 0, len(cum)
    while lo < hi:
        mid = (lo + hi) // 2
        if cum[mid] < x:
            lo = mid + 1
        else:
            hi = mid
    return lo


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--datasets", type=int, default=100_000)
    ap.add_argument("--apertura-db", required=True)
    ap.add_argument("--datasette-db", required=True)
    ap.add_argument("--resources", type=int, choices=[0, 1], default=1,
                    help="one link resource per dataset (1, the default) or none (0)")
    args = ap.parse_args()
    t0 = time.time()
    rng = random.Random(SEED)
    now = datetime(2026, 11, 24, 12, 0, 0, tzinfo=timezone.utc)

    db = sqlite3.connect(args.apertura_db)
    db.execute("PRAGMA foreign_keys = ON")
    municipalities = db.execute(
        "SELECT cvegeo, name, slug, population_2020 FROM municipalities ORDER BY cvegeo").fetchall()
    if len(municipalities) != 125:
        sys.exit(f"expected the 125 municipalities in {args.apertura_db}, found {len(municipalities)} (run `apertura migrate` first)")
    kinds = {r[0] for r in db.execute("SELECT code FROM body_kinds")}
    if db.execute("SELECT COUNT(*) FROM datasets").fetchone()[0]:
        sys.exit(f"{args.apertura_db} already has datasets: use a fresh data dir")
    names = {m[0]: m[1] for m in municipalities}

    bodies = build_bodies(rng, municipalities)
    missing = {b[2] for b in bodies} - kinds
    if missing:
        sys.exit(f"unknown kinds of body in the database: {sorted(missing)}")
    stamp = ts(now - timedelta(days=400))
    existing = {r[0]: r[1] for r in db.execute("SELECT slug, id FROM bodies")}
    body_ids = {}
    with db:
        for slug, name, kind, mun, hosted, _, _ in bodies:
            if slug in existing:
                body_ids[slug] = existing[slug]
                continue
            cur = db.execute(
                "INSERT INTO bodies (slug, name, kind, municipality, hosted, is_demo, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, 0, ?, ?)", (slug, name, kind, mun, hosted, stamp, stamp))
            body_ids[slug] = cur.lastrowid

    if os.path.exists(args.datasette_db):
        os.remove(args.datasette_db)
    ds = sqlite3.connect(args.datasette_db)
    ds.executescript("""
        CREATE TABLE [datasets] (
            [id] INTEGER PRIMARY KEY, [slug] TEXT, [title] TEXT, [description] TEXT,
            [keywords] TEXT, [themes] TEXT, [body] TEXT, [body_slug] TEXT,
            [municipality] TEXT, [year] INTEGER
        );
    """)

    formats = ["csv"] * 14 + ["xlsx"] * 4 + ["json", "pdf"]
    n_res = 0
    batch_d, batch_r, batch_ds = [], [], []

    def flush():
        db.executemany(
            "INSERT INTO datasets (id, slug, body_id, title, description, themes, keywords, licence, "
            "frequency, temporal_start, temporal_end, language, status, is_private, created_at, updated_at, published_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 'cc-by-4.0', NULL, ?, ?, 'es', 'published', 0, ?, ?, ?)", batch_d)
        db.executemany(
            "INSERT INTO resources (dataset_id, slug, name, description, kind, url, position, created_at, updated_at) "
            "VALUES (?, ?, ?, '', 'link', ?, 0, ?, ?)", batch_r)
        ds.executemany("INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", batch_ds)
        batch_d.clear(); batch_r.clear(); batch_ds.clear()

    with db, ds:
        for d in dataset_rows(rng, args.datasets, bodies, names, now):
            batch_d.append((d["id"], d["slug"], body_ids[d["body_slug"]], d["title"], d["description"],
                            d["themes"], d["keywords"], d["start"], d["end"], d["created"], d["updated"],
                            d["published"]))
            batch_ds.append((d["id"], d["slug"], d["title"], d["description"], d["keywords"], d["themes"],
                             d["body"], d["body_slug"], d["municipality"], d["year"]))
            if args.resources:
                ext = rng.choice(formats)
                batch_r.append((d["id"], "datos", f"Datos {d['year']} ({ext.upper()})",
                                f"https://transparencia.{d['body_slug'][:40]}.gob.mx/datos-abiertos/{d['slug']}.{ext}",
                                d["created"], d["updated"]))
                n_res += 1
            if len(batch_d) >= 5000:
                flush()
        flush()
    db.close()

    t_fts = time.time()
    # Full-text index as `sqlite-utils enable-fts catalogo.db datasets title
    # description keywords body --fts5 --create-triggers
    # --tokenize "unicode61 remove_diacritics 2"` would create it.
    ds.executescript("""
        CREATE VIRTUAL TABLE [datasets_fts] USING FTS5 (
            [title], [description], [keywords], [body],
            tokenize='unicode61 remove_diacritics 2',
            content=[datasets]
        );
        INSERT INTO [datasets_fts] (rowid, [title], [description], [keywords], [body])
            SELECT rowid, [title], [description], [keywords], [body] FROM [datasets];
        CREATE TRIGGER [datasets_ai] AFTER INSERT ON [datasets] BEGIN
          INSERT INTO [datasets_fts] (rowid, [title], [description], [keywords], [body])
            VALUES (new.rowid, new.[title], new.[description], new.[keywords], new.[body]);
        END;
        CREATE TRIGGER [datasets_ad] AFTER DELETE ON [datasets] BEGIN
          INSERT INTO [datasets_fts] ([datasets_fts], rowid, [title], [description], [keywords], [body])
            VALUES('delete', old.rowid, old.[title], old.[description], old.[keywords], old.[body]);
        END;
        CREATE TRIGGER [datasets_au] AFTER UPDATE ON [datasets] BEGIN
          INSERT INTO [datasets_fts] ([datasets_fts], rowid, [title], [description], [keywords], [body])
            VALUES('delete', old.rowid, old.[title], old.[description], old.[keywords], old.[body]);
          INSERT INTO [datasets_fts] (rowid, [title], [description], [keywords], [body])
            VALUES (new.rowid, new.[title], new.[description], new.[keywords], new.[body]);
        END;
        INSERT INTO [datasets_fts] ([datasets_fts]) VALUES ('optimize');
    """)
    ds.execute("VACUUM")
    ds.close()
    print(json.dumps({
        "bodies": len(bodies), "datasets": args.datasets, "resources": n_res,
        "seconds": round(time.time() - t0, 1), "fts_seconds": round(time.time() - t_fts, 1),
    }))


if __name__ == "__main__":
    main()
