quality-dataset-title = Dataset quality
quality-dataset-lead = A score from 0 to 100, with every point lost explained and what to do to win it back.
quality-back-dataset = Back to the dataset
quality-lost-summary = It loses { $lost ->
    [one] 1 point
   *[other] { $lost } points
  }; each is explained below with how to win it back.
quality-full-marks = It has every point.
quality-overdue-badge = Update overdue
quality-computed-at = Computed on { $date } (UTC).
quality-how = The score is computed automatically whenever the dataset or its files change, and every six hours. It adds up eight criteria:
quality-points-of = { $points } of { $max } points
quality-not-yet = This dataset's score has not been computed yet; it will appear in a few minutes.
quality-grade-excellent = Excellent
quality-grade-good = Good
quality-grade-fair = Fair
quality-grade-poor = Poor

quality-criterion-format = Open, machine-readable format
quality-criterion-format-about = The five stars of open data: the data should be in a structured, open format (CSV, JSON, ODS…), not only in PDF or pictures.
quality-criterion-licence = Open licence
quality-criterion-licence-about = An open licence lets anyone reuse the data without asking.
quality-criterion-metadata = Complete metadata
quality-criterion-metadata-about = What DCAT-AP requires or recommends: description, theme, keywords, contact point, spatial and temporal coverage.
quality-criterion-dictionary = Data dictionary
quality-criterion-dictionary-about = Every column of every table explained: what it means and its unit.
quality-criterion-validation = Tables without errors
quality-criterion-validation-about = Tables load completely, without validation errors.
quality-criterion-freshness = Updated on time
quality-criterion-freshness-about = Declaring how often it is updated, and keeping to it.
quality-criterion-readability = Easy-to-read description
quality-criterion-readability-about = Readability of the Spanish description on the INFLESZ scale (Szigriszt-Pazos); the Fernández-Huerta index is shown too.
quality-criterion-use = Use
quality-criterion-use-about = File downloads and data API queries.

quality-band-very-hard = very hard
quality-band-somewhat-hard = somewhat hard
quality-band-normal = normal
quality-band-fairly-easy = fairly easy
quality-band-very-easy = very easy

quality-loss-no-resources = The dataset has no file or link to the data.
quality-loss-format-not-structured = The data is only in formats a machine cannot read as a table ({ $formats }).
quality-loss-format-proprietary = The data is in one vendor's format ({ $formats }), not an open one.
quality-loss-licence-closed = The licence "{ $licence }" is not open: nobody may reuse the data without asking.
quality-loss-no-description = It has no description, which DCAT-AP requires.
quality-loss-short-description = The description is very short ({ $chars } characters; at least { $min } expected).
quality-loss-no-themes = It has no theme.
quality-loss-no-keywords = It has no keywords.
quality-loss-no-contact = It does not say whom to ask (contact point).
quality-loss-no-spatial = It does not say which territory it covers.
quality-loss-no-temporal = It does not say which period it covers.
quality-loss-dictionary-incomplete = Only { $described } of { $columns } columns are described in the dictionary ({ $resources }).
quality-loss-load-failed = The table "{ $resource }" could not be loaded: { $error }
quality-loss-validation-errors = The tables have { $errors } validation errors in { $rows } rows ({ $resources }).
quality-loss-no-frequency = It does not say how often it is updated, so nobody knows whether it is current.
quality-loss-overdue = It is updated with { $frequency } frequency and is { $days } days late (last updated { $since } days ago).
quality-loss-overdue-long = It is updated with { $frequency } frequency and is { $days } days late, more than a whole period (last updated { $since } days ago).
quality-loss-readability-no-description = Without a description, whether it is understood cannot be measured.
quality-loss-readability-too-short = The description has { $words } words: too short to explain the data (at least { $min } expected).
quality-loss-readability-very-hard = The description is very hard to read (INFLESZ { $inflesz }: { $band }; { $words_per_sentence } words per sentence).
quality-loss-readability-hard = The description is somewhat hard to read (INFLESZ { $inflesz }: { $band }; { $words_per_sentence } words per sentence).
quality-loss-not-public = It is not published yet: nobody can use it.
quality-loss-unused = Nobody has downloaded or queried it yet.
quality-loss-little-use = It has been used little ({ $uses } downloads and queries).

quality-fix-no-resources = Upload the data file or add a link to it.
quality-fix-format-not-structured = Also publish the data as a CSV table (any spreadsheet can export it).
quality-fix-format-proprietary = Add a CSV or ODS version beside the Excel file.
quality-fix-licence-closed = Choose an open licence, such as CC BY 4.0 or the Mexican Open Use Licence.
quality-fix-no-description = Write what the data holds, where it comes from and what it is for.
quality-fix-short-description = Expand the description: what it holds, where it comes from, how often it changes and what it is for.
quality-fix-no-themes = Choose at least one theme.
quality-fix-no-keywords = Add keywords people would search this data with.
quality-fix-no-contact = Give the name or e-mail of the office that answers questions.
quality-fix-no-spatial = Say whether it covers the whole state or one municipality.
quality-fix-no-temporal = Give the start and end dates the data covers.
quality-fix-dictionary-incomplete = Complete the data dictionary: describe each column and its unit.
quality-fix-load-failed = Read the load report and upload a corrected version of the file.
quality-fix-validation-errors = Read the validation report and correct the rows with errors.
quality-fix-no-frequency = Declare how often the dataset is updated.
quality-fix-overdue = Upload the updated version of the data.
quality-fix-overdue-long = Upload the updated version of the data, or correct the declared frequency.
quality-fix-readability-no-description = Write a description in plain language.
quality-fix-readability-too-short = Write at least three or four sentences explaining the data.
quality-fix-readability-very-hard = Use short sentences and common words; spell out acronyms.
quality-fix-readability-hard = Shorten the sentences and replace technical words with common ones.
quality-fix-not-public = Publish the dataset when it is ready.
quality-fix-unused = Spread the word: link the dataset from your site and social media.
quality-fix-little-use = Tell the people who could use it about the dataset.

quality-note-format-stars = Level { $stars } of the five stars of open data.
quality-note-tables-pending = The tables are loading; they will be assessed when done.
quality-note-no-tables = Does not apply: the dataset has no tables.
quality-note-validation-clean = { $rows } rows without validation errors.
quality-note-no-schedule = Updated with { $frequency } frequency: no deadline.
quality-note-on-time = Current: { $frequency } frequency, last updated { $days } days ago.
quality-note-readability-ok = The description is { $band } to read (INFLESZ { $inflesz }; { $words_per_sentence } words per sentence).
quality-note-uses = { $downloads } downloads and { $api_calls } API queries.

quality-stars = { $stars ->
    [one] 1 star of 5
   *[other] { $stars } stars of 5
  }
quality-card-title = Data quality
quality-card-link = See the score's breakdown
quality-card-body-title = Quality of its data
quality-card-body-link = See the quality dashboard
quality-state-title = Quality of the State of Mexico's open data
quality-state-lead = How the data public bodies publish is doing: average, progress over time and ranking.
quality-recomputing = Every score is being recomputed; the results update in a few minutes.
quality-state-summary = Average of { $datasets ->
    [one] 1 dataset
   *[other] { $datasets } datasets
  } published by { $bodies ->
    [one] 1 public body
   *[other] { $bodies } public bodies
  }; { $overdue } overdue.
quality-by-criterion = Average points per criterion
quality-criteria-caption = Average points in each criterion of the score
quality-criterion = Criterion
quality-average-points = Average
quality-trend = Trend
quality-trend-label = Average score per day
quality-trend-caption = Average score over the last { $days } recorded days (0 to 100).
quality-trend-none = The trend will appear once there are at least two days of records.
quality-trend-table = See the chart's data
quality-day = Day
quality-datasets = Datasets
quality-average = Average
quality-overdue = Overdue
quality-ranking = Ranking of public bodies
quality-body = Public body
quality-nothing-yet = No published dataset has a score yet.
quality-method-title = How it is computed
quality-method = Open format (20 points), open licence (10), complete metadata (20), data dictionary (10), tables without errors (10), updated on time (15), easy-to-read description (10) and use (5). Every point lost is explained on each dataset's quality page.
quality-recompute = Recompute every score now
quality-body-title = Data quality
quality-body-lead = The scores of this public body's datasets, and what to fix first.
quality-body-summary = Average of { $datasets ->
    [one] 1 published dataset
   *[other] { $datasets } published datasets
  }; { $overdue } overdue.
quality-position = Ranked { $position } of { $total } public bodies.
quality-body-none = It has no published dataset with a score yet.
quality-fix-next = What to fix first
quality-fix-gain = Wins back up to { $points } points in { $count ->
    [one] 1 dataset
   *[other] { $count } datasets
  }.
quality-fix-more = and { $count } more
quality-body-datasets = Score of each dataset
quality-dataset = Dataset
quality-score = Score
quality-state = Status
quality-not-public = Not published
