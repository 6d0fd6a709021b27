search-title = Buscar
search-title-for = Resultados para «{ $q }»
search-lead = Busque conjuntos de datos, archivos y sujetos obligados del Estado de México.
search-label = ¿Qué busca?
search-placeholder = Buscar datos, archivos, sujetos obligados…
search-button = Buscar
search-hint = Escriba palabras como «presupuesto 2024» u «obra pública»; no importan los acentos ni las mayúsculas.
search-kinds-label = Tipo de resultado
search-kind-all = Todo
search-kind-dataset = Conjuntos de datos
search-kind-resource = Archivos
search-kind-practice = Prácticas de transparencia proactiva
search-kind-body = Sujetos obligados
search-did-you-mean = Quizás quiso decir
search-corrected = Mostramos los resultados de esa búsqueda.
search-active-filters = Filtros aplicados
search-remove-filter = Quitar filtro
search-clear-filters = Quitar todos los filtros
search-count-none = No encontramos resultados.
search-count-all = { $total ->
    [one] Hay un resultado publicado.
   *[other] Hay { $total } resultados publicados.
}
search-count = { $total ->
    [one] Un resultado.
   *[other] { $total } resultados; se muestran del { $first } al { $last }.
}
search-sort-label = Ordenar por
search-sort-relevancia = Relevancia
search-sort-recientes = Más recientes
search-sort-descargas = Más descargados
search-sort-titulo = Título (A-Z)
search-pages = Páginas de resultados
search-previous = Anterior
search-next = Siguiente
search-page-of = Página { $page } de { $pages }
search-facets-label = Filtrar resultados
search-facet-sujeto = Sujeto obligado
search-facet-tipo_sujeto = Tipo de sujeto obligado
search-facet-municipio = Municipio
search-facet-tema = Tema
search-facet-formato = Formato
search-facet-licencia = Licencia
search-facet-palabra = Palabra clave
search-facet-anio = Año
search-none-title = Algunas ideas para encontrarlo
search-none-filters = Quite uno o más filtros.
search-none-words = Use menos palabras o palabras más generales («presupuesto» en lugar de «presupuesto de egresos aprobado»).
search-none-spelling = Revise la ortografía; los acentos no son necesarios.
search-none-browse = O explore:
search-browse-datasets = todos los conjuntos de datos
search-browse-bodies = los sujetos obligados
search-unavailable = La búsqueda no está disponible en este momento. Intente de nuevo en unos minutos.
