"""The demo organisation: real geography from sampark/data, generated units and people below it.

Centre → Bihar → its 38 districts → its 243 assembly constituencies (real names and codes), then
generated mandals, shakti kendras and booths (flagged ``synthetic`` and named "मंडल 3", "बूथ 117"),
with members holding posts at every level. At India scale every state gets its Census-2011
districts and synthetic constituencies; Bihar keeps its real ones.

Bulk loading is the one place that bypasses the services (STYLE rule 4) so that ten million people
load in minutes: ids, paths, child and member counts and search tokens are computed here the way
the services would keep them (with their own ``unit_tokens``, ``person_tokens`` and ``search_name``),
rows stream into the database (COPY on PostgreSQL, executemany in one transaction on SQLite) with
the indexes dropped and rebuilt around the load, and the load leaves one audit row. The database
itself makes the bulk of the rows: the booths' people and posts (nine in ten people) from one row per
booth and a pool of names, and everyone's token rows (three per person) by joining the new people
to a small table of the name vocabulary's tokens.

The package: ``data`` (source files, scales, names), ``tree`` (the real tree above the generated
part), ``writer`` (rows in big batches, off the generating thread), ``loader`` (the load and what
surrounds it) and ``logins`` (the demo log-ins). It sits at the top of the layers, beside web and
api, because it writes every app's tables. (An app package: import from its modules, not from here.)
"""
