search-title = Search
search-title-for = Results for “{ $q }”
search-lead = Search datasets, files and public bodies of the State of Mexico.
search-label = What are you looking for?
search-placeholder = Search data, files, public bodies…
search-button = Search
search-hint = Type words such as “presupuesto 2024” or “obra pública”; accents and capitals do not matter.
search-kinds-label = Kind of result
search-kind-all = All
search-kind-dataset = Datasets
search-kind-resource = Files
search-kind-practice = Proactive transparency practices
search-kind-body = Public bodies
search-did-you-mean = Did you mean
search-corrected = We show the results of that search.
search-active-filters = Filters applied
search-remove-filter = Remove filter
search-clear-filters = Remove all filters
search-count-none = We found no results.
search-count-all = { $total ->
    [one] There is one published result.
   *[other] There are { $total } published results.
}
search-count = { $total ->
    [one] One result.
   *[other] { $total } results; showing { $first } to { $last }.
}
search-sort-label = Sort by
search-sort-relevancia = Relevance
search-sort-recientes = Newest
search-sort-descargas = Most downloaded
search-sort-titulo = Title (A-Z)
search-pages = Result pages
search-previous = Previous
search-next = Next
search-page-of = Page { $page } of { $pages }
search-facets-label = Filter results
search-facet-sujeto = Public body
search-facet-tipo_sujeto = Kind of public body
search-facet-municipio = Municipality
search-facet-tema = Theme
search-facet-formato = Format
search-facet-licencia = Licence
search-facet-palabra = Keyword
search-facet-anio = Year
search-none-title = Some ideas to find it
search-none-filters = Remove one or more filters.
search-none-words = Use fewer or more general words.
search-none-spelling = Check the spelling; accents are not needed.
search-none-browse = Or browse:
search-browse-datasets = all datasets
search-browse-bodies = the public bodies
search-unavailable = Search is not available right now. Please try again in a few minutes.
