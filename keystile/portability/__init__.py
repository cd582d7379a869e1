"""Moving users in and out in bulk: the JSON Lines / CSV record format, the batched, resumable importer
and the exporter (`keystile users import` / `keystile users export`)."""
