-- The batch model $1's drift is measured against.
UPDATE ml.models SET reference_batch = $2::date WHERE model_id = $1
