-- One scored batch's performance: $1 model, $2 batch, $3 reference batch, $4 rows, $5 threshold, $6 actual and
-- $7 predicted positive rates, $8 accuracy, $9 precision, $10 recall, $11 F1, $12 ROC AUC, $13 log loss,
-- $14 Brier score, $15-$18 true/false positives, true/false negatives, $19 accuracy change against the
-- reference, $20 the largest PSI, $21 accuracy dropped, $22 drifted.
INSERT INTO census.model_performance VALUES
($1, $2::date, $3::date, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)
