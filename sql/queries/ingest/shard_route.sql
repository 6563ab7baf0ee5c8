-- The connection string of the shard census batch $1 goes to; $2 as shards.route takes it (sql/coordinator).
SELECT shards.route($1::date, $2)
