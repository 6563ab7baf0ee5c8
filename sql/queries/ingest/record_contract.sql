-- Records contract $1 as applied: its table $2.$3, its file $4, the sha256 $5 of the table's definition $6.
INSERT INTO ingest.contracts (dataset, table_schema, table_name, contract_file, checksum, definition)
VALUES ($1, $2, $3, $4, $5, $6)
ON CONFLICT (dataset) DO UPDATE SET
    table_schema = excluded.table_schema, table_name = excluded.table_name, contract_file = excluded.contract_file,
    checksum = excluded.checksum, definition = excluded.definition, applied_at = now(), applied_by = current_user
