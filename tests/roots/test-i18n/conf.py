# One page and its English catalog, for the translation QA checks.
project = "Libro traducido"
author = "Pruebas"
language = "es"
extensions = ["myst_parser", "book_fonts", "edition_notice", "translated_glossary",
              "stable_index_ids", "language_links"]
nitpicky = True
locale_dirs = ["locales/"]
gettext_compact = False
gettext_uuid = False
published_languages = ["es", "en"]
epub_basename = "mlops-handbook"
version = "1.0"
copyright = "2026, Pruebas"
