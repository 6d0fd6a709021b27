interop-title = Interoperability

## The native JSON API (native.rs, openapi.rs, templates/api/)

api-error-repeated = The parameter “{ $param }” appears more than once; send it only once.
api-error-integer = The parameter “{ $param }” must be a whole number between { $min } and { $max }.
api-error-too-long = The parameter “{ $param }” is too long: at most { $max } characters.
api-error-theme = There is no theme “{ $value }”. Use one of these codes: { $codes }.
api-error-municipality = “{ $value }” is not a municipality key: use the five-digit INEGI key, which starts with 15 (for example, 15106 for Toluca).
api-error-dataset = There is no public dataset with that identifier. It may not exist, not be published yet, or have been withdrawn.
api-error-body = There is no public body with that identifier.
api-error-municipality-unknown = There is no municipality of the State of Mexico with that INEGI key.
api-docs-title = Open data API
api-docs-lead = Read the public datasets, the public bodies and the municipalities of the State of Mexico as JSON, without signing up.
api-docs-contents = Contents
api-docs-usage-title = How to use it
api-docs-usage-base = Every address starts with
api-docs-usage-read-only = It is read-only and needs no authentication: a GET request is enough.
api-docs-usage-cache = Answers may be kept for a minute:
api-docs-usage-paging = Dataset lists come in pages: “count” says how many there are in all and “links” has the addresses of the next and previous pages.
api-docs-usage-language = Field names are in English; values are as published. Error messages are in Spanish (in English with ?lang=en).
api-docs-openapi-link = OpenAPI 3.1 description (JSON)
api-docs-openapi-note = to generate clients or test the API with tools such as Swagger UI or Schemathesis.
api-docs-datasets = The public datasets, newest first, in pages. Drafts, datasets in review and withdrawn ones do not appear. Filters combine.
api-docs-dataset = One public dataset with all its resources: for each, its format, size, version, the stable download, the version's permanent address and whether its rows can be queried with datastore_search.
api-docs-bodies = Every public body of the directory, in alphabetical order, with how many public datasets each has.
api-docs-body = One public body with its public profile and its transparency unit's contact.
api-docs-municipalities = The 125 municipalities of the State of Mexico with their INEGI key, their 2020 population and whether they are small (fewer inhabitants than the work plan's threshold).
api-docs-municipality = One municipality with its public bodies.
api-docs-params-caption = Parameters of { $path }
api-docs-param-name = Parameter
api-docs-param-place = Where
api-docs-param-meaning = Meaning
api-docs-param-values = Values
api-docs-place-path = in the path
api-docs-place-query = in the query
api-docs-required = required
api-docs-default = (default: { $value })
api-docs-answers = Possible answers:
api-docs-example = Example
api-docs-errors-title = Errors
api-docs-errors-text = An invalid parameter answers 400 and what does not exist 404, always with JSON of the same shape: a stable code and a message that explains what happened.
api-docs-errors-example = The parameter “page” must be a whole number between 1 and 1000000.
api-docs-ckan-title = CKAN-compatible API
api-docs-ckan-text = Tools made for CKAN (ckanapi, other portals' harvesters) can use this platform's Action API v3. These actions answer here; their shape is CKAN's and is not described in the OpenAPI document.
api-docs-ckan-link = CKAN's API documentation
api-param-page = Page number, from 1. A page past the last one answers with an empty list.
api-param-per-page = Datasets per page.
api-param-body = Only those of this public body (its slug, for example ayuntamiento-de-zacazonapan).
api-param-theme = Only those of this theme (European Union code).
api-param-municipality = Only those of this municipality (INEGI key): its bodies' and those that cover that municipality.
api-param-slug = The slug (identifier in addresses).
api-param-cvegeo = The municipality's five-digit INEGI key.

## Catalogs in the standards of the field (dcat.rs, pod.rs, datapackage.rs, feeds.rs, schemaorg.rs, templates/formats/)

interop-catalog-title = Apertura: open data of the State of Mexico
interop-catalog-description = Open datasets published by the public bodies of the State of Mexico and its municipalities on Infoem's platform.
interop-error-page = The “page” parameter must be a whole number from 1 (received “{ $value }”).
interop-error-page-past-end = There is no page { $page }: the catalog has { $last } page(s).
interop-datapackage-no-files = This dataset has no files published on the platform (only links to other sites), so there is no data package to describe.
interop-feed-title = Open data news of the State of Mexico
interop-feed-subtitle = New and updated datasets, newest first.
interop-feed-body-title = Open data news: { $body }
interop-feed-subscribe = Subscribe to this public body's news (Atom)
interop-alternate-dcat-ttl = DCAT-AP metadata (Turtle)
interop-alternate-dcat-jsonld = DCAT-AP metadata (JSON-LD)
interop-alternate-dcat-rdf = DCAT-AP metadata (RDF/XML)
interop-alternate-datapackage = Frictionless data package (datapackage.json)
interop-alternate-feed = Open data news (Atom)
