"""Bilingual glossary extraction from an aligned document pair: candidates, pairing, ranking, exports, lookup."""
