interop-title = Interoperabilidad

## The native JSON API (native.rs, openapi.rs, templates/api/)

api-error-repeated = El parámetro «{ $param }» aparece más de una vez; envíelo una sola vez.
api-error-integer = El parámetro «{ $param }» debe ser un número entero entre { $min } y { $max }.
api-error-too-long = El parámetro «{ $param }» es demasiado largo: admite hasta { $max } caracteres.
api-error-theme = No existe el tema «{ $value }». Use uno de estos códigos: { $codes }.
api-error-municipality = «{ $value }» no es una clave de municipio: use la clave INEGI de cinco dígitos, que empieza con 15 (por ejemplo, 15106 para Toluca).
api-error-dataset = No hay un conjunto de datos público con ese identificador. Puede que no exista, que aún no se publique o que se haya retirado.
api-error-body = No hay un sujeto obligado con ese identificador.
api-error-municipality-unknown = No hay un municipio del Estado de México con esa clave INEGI.
api-docs-title = API de datos abiertos
api-docs-lead = Consulte en JSON, sin registrarse, los conjuntos de datos públicos, los sujetos obligados y los municipios del Estado de México.
api-docs-contents = Contenido
api-docs-usage-title = Cómo usarla
api-docs-usage-base = Todas las direcciones empiezan con
api-docs-usage-read-only = Es de solo lectura y no pide autenticación: basta una petición GET.
api-docs-usage-cache = Las respuestas pueden guardarse un minuto:
api-docs-usage-paging = Las listas de conjuntos van por páginas: «count» dice cuántos hay en total y «links» trae las direcciones de la página siguiente y de la anterior.
api-docs-usage-language = Los nombres de los campos están en inglés; los valores, tal como se publicaron. Los mensajes de error están en español (en inglés con ?lang=en).
api-docs-openapi-link = Descripción OpenAPI 3.1 (JSON)
api-docs-openapi-note = para generar clientes o probar la API con herramientas como Swagger UI o Schemathesis.
api-docs-datasets = Los conjuntos de datos públicos, del más reciente al más antiguo, por páginas. Los borradores, los que están en revisión y los retirados no aparecen. Los filtros se combinan.
api-docs-dataset = Un conjunto de datos público con todos sus recursos: para cada uno, su formato, su tamaño, su versión, la descarga estable, la dirección permanente de la versión y si sus filas se pueden consultar con datastore_search.
api-docs-bodies = Todos los sujetos obligados del directorio, en orden alfabético, con cuántos conjuntos de datos públicos tiene cada uno.
api-docs-body = Un sujeto obligado con su ficha pública y el contacto de su unidad de transparencia.
api-docs-municipalities = Los 125 municipios del Estado de México con su clave INEGI, su población en 2020 y si son pequeños (menos habitantes que el umbral del programa de trabajo).
api-docs-municipality = Un municipio con sus sujetos obligados.
api-docs-params-caption = Parámetros de { $path }
api-docs-param-name = Parámetro
api-docs-param-place = Dónde
api-docs-param-meaning = Qué es
api-docs-param-values = Valores
api-docs-place-path = en la ruta
api-docs-place-query = en la consulta
api-docs-required = obligatorio
api-docs-default = (por omisión: { $value })
api-docs-answers = Respuestas posibles:
api-docs-example = Ejemplo
api-docs-errors-title = Errores
api-docs-errors-text = Un parámetro no válido responde 400 y lo que no existe, 404, siempre con un JSON de la misma forma: un código estable y un mensaje que explica qué pasó.
api-docs-errors-example = El parámetro «page» debe ser un número entero entre 1 y 1000000.
api-docs-ckan-title = API compatible con CKAN
api-docs-ckan-text = Las herramientas hechas para CKAN (ckanapi, los cosechadores de otros portales) pueden usar la Action API v3 de esta plataforma. Estas acciones responden aquí; su forma es la de CKAN y no se describe en el documento OpenAPI.
api-docs-ckan-link = Documentación de la API de CKAN (en inglés)
api-param-page = Número de página, desde 1. Una página después de la última responde con la lista vacía.
api-param-per-page = Conjuntos por página.
api-param-body = Solo los de este sujeto obligado (su slug, por ejemplo ayuntamiento-de-zacazonapan).
api-param-theme = Solo los de este tema (código de la Unión Europea).
api-param-municipality = Solo los de este municipio (clave INEGI): los de sus sujetos obligados y los que cubren ese municipio.
api-param-slug = El slug (identificador en las direcciones).
api-param-cvegeo = La clave INEGI del municipio, de cinco dígitos.

## Catalogs in the standards of the field (dcat.rs, pod.rs, datapackage.rs, feeds.rs, schemaorg.rs, templates/formats/)

interop-catalog-title = Apertura: datos abiertos del Estado de México
interop-catalog-description = Conjuntos de datos abiertos que publican los sujetos obligados del Estado de México y sus municipios en la plataforma del Infoem.
interop-error-page = El parámetro «page» debe ser un número entero desde 1 (se recibió «{ $value }»).
interop-error-page-past-end = No existe la página { $page }: el catálogo tiene { $last } página(s).
interop-datapackage-no-files = Este conjunto de datos no tiene archivos publicados en la plataforma (solo enlaces a otros sitios), así que no hay paquete de datos que describir.
interop-feed-title = Novedades de datos abiertos del Estado de México
interop-feed-subtitle = Conjuntos de datos nuevos y actualizados, del más reciente al más antiguo.
interop-feed-body-title = Novedades de datos abiertos: { $body }
interop-feed-subscribe = Suscribirse a las novedades de este sujeto obligado (Atom)
interop-alternate-dcat-ttl = Metadatos DCAT-AP (Turtle)
interop-alternate-dcat-jsonld = Metadatos DCAT-AP (JSON-LD)
interop-alternate-dcat-rdf = Metadatos DCAT-AP (RDF/XML)
interop-alternate-datapackage = Paquete de datos Frictionless (datapackage.json)
interop-alternate-feed = Novedades de datos abiertos (Atom)
