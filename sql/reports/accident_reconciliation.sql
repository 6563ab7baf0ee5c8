-- Every place the accident sources do not simply agree: index, field, kind, the value in each source, what was kept and why.
SELECT accident_index,
       field,
       kind,
       csv_value,
       database_value,
       resolved_value,
       resolution
FROM accident.reconciliation
ORDER BY accident_index, field;
