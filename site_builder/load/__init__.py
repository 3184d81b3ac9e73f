"""The load phase: report files -> parsed Reports, agencies and diagnostics (a Site).

loader.py reads and parses every report (through readers/ and parser/, with the parse cache of
cache.py); site.py is the loaded Site and its indexes; agencies.py the agencies.toml book.
"""
