# Cosecha de otros portales (CKAN, DCAT-AP en JSON-LD, data.json).

harvest-summary = { $created ->
        [one] 1 nuevo
       *[other] { $created } nuevos
    }, { $updated ->
        [one] 1 actualizado
       *[other] { $updated } actualizados
    }, { $unchanged } sin cambios, { $retired ->
        [one] 1 retirado
       *[other] { $retired } retirados
    }
harvest-summary-partial = {" "}(lista incompleta: se alcanzó un límite de páginas o de conjuntos, así que no se retiró nada)
harvest-origin-name = Ficha en el portal de origen
harvest-origin-description = Este conjunto de datos se copia periódicamente de { $host }; sus archivos se descargan desde allí.
harvest-retired-comment = Retirado por la cosecha: el portal de origen ya no lo publica.

harvest-error-url = «{ $url }» no es una dirección http o https válida
harvest-error-body = no existe el sujeto obligado «{ $body }»
harvest-error-body-gone = el sujeto obligado de esta fuente ya no existe
harvest-error-other-body = la fuente { $url } ya está registrada para otro sujeto obligado
harvest-error-other-kind = la fuente { $url } ya está registrada como { $kind }
harvest-error-no-source = la fuente de cosecha no existe
harvest-error-busy = otra cosecha de { $url } está en curso; intente más tarde
harvest-error-stopped = la cosecha se detuvo a petición
harvest-error-database = error de base de datos durante la cosecha (detalles en el registro del servidor)
harvest-error-client = no se pudo preparar el cliente HTTP
harvest-error-connect = no se pudo conectar con { $host }: el servidor no existe, no responde o rechazó la conexión
harvest-error-timeout = { $host } no respondió a tiempo
harvest-error-redirects = { $host } redirige demasiadas veces
harvest-error-request = la comunicación con { $host } se interrumpió
harvest-error-not-found = la dirección { $url } no existe (404): revise la dirección del portal
harvest-error-status = { $host } respondió con el error HTTP { $status }
harvest-error-too-big = la respuesta de { $host } pasa de { $mb } MB; no se lee
harvest-error-empty = { $host } respondió vacío
harvest-error-html = { $host } respondió una página HTML en lugar de JSON: ¿es la dirección de la API o del catálogo?
harvest-error-turtle = { $host } respondió un catálogo en Turtle; por ahora sólo se leen catálogos DCAT en JSON-LD
harvest-error-not-json = la respuesta de { $host } no es JSON válido
harvest-error-not-ckan = { $host } no respondió como un CKAN (falta la lista de resultados de package_search)
harvest-error-ckan = el CKAN de { $host } respondió con un error: { $message }
harvest-error-not-datajson = { $host } no publica un data.json (falta la lista «dataset»)
harvest-error-not-dcat = { $host } no publica un catálogo DCAT (no hay conjuntos de datos dcat:Dataset)
