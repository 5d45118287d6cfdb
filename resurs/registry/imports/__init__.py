"""Bulk import of organisations from CSV and XLSX files.

``reading`` opens a file whatever its encoding and delimiter and streams its rows; ``mapping`` says which column
holds what; ``rows`` turns one raw row into validated organisation values or the reasons it is rejected;
``service`` runs an import batch: it upserts by OGRN, then INN, in per-batch transactions with bulk writes.
"""
