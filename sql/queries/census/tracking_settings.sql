-- For the rest of the transaction: the model ($1) and batch ($2) that census/scored_outcomes.sql reads, and a
-- plan without nested loops (the partitions have no statistics of their own; see PerformanceTracker).
SELECT set_config('pgpipe.model', $1, true), set_config('pgpipe.batch', $2, true),
       set_config('enable_nestloop', 'off', true), set_config('jit', 'off', true)
