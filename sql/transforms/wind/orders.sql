-- The orders: their quality findings (wind.quality, source 'orders'), then the typed tables. Runs after
-- wind.orders_raw is copied. Almost every value of the portal's JSON is a string, numbers included; a bid
-- curve point a two-point curve does not have is 'NA'. `_full_text` (the portal's search index) is not data.
--
-- The portal's times are UK local wall-clock times: every EFA 1 block starts at 23:00, under British Summer
-- Time (September, October) as in November; in UTC it would start at 22:00 in summer. So they are read AT
-- TIME ZONE 'Europe/London', and the block across the clock change of 31 October 2021 (23:00 BST to 03:00
-- GMT) lasts five hours.

-- Every value with its key as the file spells it; JSON null is spelled 'null', as a null marker.
CREATE TEMP TABLE order_values ON COMMIT DROP AS
SELECT r.position, r.line, v.key, coalesce(v.value, 'null') AS value,
       coalesce(v.value, 'null') IN ('NA', 'N/A', 'NULL', 'NaN', 'None', 'null', '') AS marker,
       v.value ~ '^[+-]?([0-9]{1,15}(\.[0-9]{0,15})?|\.[0-9]{1,15})([eE][+-]?[0-9]{1,2})?$' AS is_number
FROM wind.orders_raw r,
    LATERAL (VALUES
        ('_id', portal_id), ('MarketName', market_name), ('BiddingLevelName', bidding_level_name),
        ('MemberName', member_name), ('OrderID', order_id), ('Portfolio', portfolio), ('OrderEntryTime', order_entry_time),
        ('OrderEntryUser', order_entry_user), ('SettlementCurrency', settlement_currency),
        ('OrderPeriodID', order_period_id), ('TradeID', trade_id), ('EFA', efa),
        ('DeliveryStart', delivery_start), ('DeliveryEnd', delivery_end), ('ExecutedVolume', executed_volume),
        ('1P', p1), ('1V', v1), ('2P', p2), ('2V', v2), ('3P', p3), ('3V', v3), ('4P', p4), ('4V', v4)
    ) AS v(key, value);

-- Each record with its values read: numbers where they are numbers, times where they are times.
CREATE TEMP TABLE order_read ON COMMIT DROP AS
SELECT r.position, r.line, r.market_name, r.bidding_level_name, r.member_name, r.portfolio, r.order_entry_user,
       r.settlement_currency, r.order_id, r.order_period_id, r.trade_id, r.delivery_start,
       n.efa, n.executed_volume, n.p1, n.v1, n.p2, n.v2, n.p3, n.v3, n.p4, n.v4, n.required_marker,
       CASE WHEN r.order_entry_time ~ '^\d{4}-\d{2}-\d{2}T' THEN wind.local_timestamp(r.order_entry_time) END AS entered_local,
       CASE WHEN r.delivery_start ~ '^\d{4}-\d{2}-\d{2}T' THEN wind.local_timestamp(r.delivery_start) END AS start_local,
       CASE WHEN r.delivery_end ~ '^\d{4}-\d{2}-\d{2}T' THEN wind.local_timestamp(r.delivery_end) END AS end_local
FROM wind.orders_raw r
JOIN (SELECT position,
             max(CASE WHEN key = 'EFA' AND is_number THEN value::numeric END) AS efa,
             max(CASE WHEN key = 'ExecutedVolume' AND is_number THEN value::numeric END) AS executed_volume,
             max(CASE WHEN key = '1P' AND is_number THEN value::numeric END) AS p1,
             max(CASE WHEN key = '1V' AND is_number THEN value::numeric END) AS v1,
             max(CASE WHEN key = '2P' AND is_number THEN value::numeric END) AS p2,
             max(CASE WHEN key = '2V' AND is_number THEN value::numeric END) AS v2,
             max(CASE WHEN key = '3P' AND is_number THEN value::numeric END) AS p3,
             max(CASE WHEN key = '3V' AND is_number THEN value::numeric END) AS v3,
             max(CASE WHEN key = '4P' AND is_number THEN value::numeric END) AS p4,
             max(CASE WHEN key = '4V' AND is_number THEN value::numeric END) AS v4,
             bool_or(marker) FILTER (WHERE key IN ('MarketName', 'MemberName', 'OrderID', 'Portfolio', 'OrderEntryTime',
                 'OrderEntryUser', 'SettlementCurrency', 'OrderPeriodID', 'TradeID', 'DeliveryStart', 'DeliveryEnd', 'ExecutedVolume')) AS required_marker
      FROM order_values GROUP BY position) n USING (position);

ANALYZE order_values;
ANALYZE order_read;

-- Stage 2: the findings, listed like the forecast's (wind/forecasts.sql).
CREATE TEMP TABLE order_findings (column_name text, check_name text, detail text, fires boolean, line integer, action text) ON COMMIT DROP;

INSERT INTO order_findings
SELECT key, 'null_marker', CASE value WHEN '' THEN 'empty' ELSE value END, true, line,
       CASE WHEN key ~ '^[1-4][PV]$' THEN 'the bid curve point does not exist: no wind.order_steps row'
            WHEN key IN ('_id', 'BiddingLevelName', 'EFA') THEN 'kept as NULL; not needed (the EFA is taken from DeliveryStart)'
            ELSE 'the order period is not loaded' END
FROM order_values WHERE marker;

-- Keys are whole numbers of at most 18 digits (bigint), a currency three capital letters.
INSERT INTO order_findings
SELECT key, 'invalid_id', '', NOT marker AND is_number AND value !~ '^[0-9]{1,18}$', line, 'the order period is not loaded'
FROM order_values WHERE key IN ('OrderID', 'OrderPeriodID', 'TradeID');

INSERT INTO order_findings
SELECT key, 'invalid_value', 'not a currency code', NOT marker AND value !~ '^[A-Z]{3}$', line, 'the order period is not loaded'
FROM order_values WHERE key = 'SettlementCurrency';

INSERT INTO order_findings
SELECT key, 'unparsable_number', '', NOT marker AND NOT is_number, line,
       CASE WHEN key ~ '^[1-4][PV]$' THEN 'the bid curve point is left out' ELSE 'the order period is not loaded' END
FROM order_values
WHERE key IN ('OrderID', 'OrderPeriodID', 'TradeID', 'EFA', 'ExecutedVolume', '1P', '2P', '3P', '4P', '1V', '2V', '3V', '4V');

INSERT INTO order_findings
SELECT key, 'unparsable_timestamp', '', parsed IS NULL, line, 'the order period is not loaded'
FROM order_read,
    LATERAL (VALUES ('OrderEntryTime', entered_local), ('DeliveryStart', start_local), ('DeliveryEnd', end_local)) AS v(key, parsed);

-- A key (or a pair) an earlier record already has.
INSERT INTO order_findings
SELECT column_name, 'duplicate_key', detail, nth > 1, line, 'the earliest usable record is kept'
FROM (
    SELECT '_id' AS column_name, '' AS detail, line, row_number() OVER (PARTITION BY value ORDER BY position) AS nth
    FROM order_values WHERE key = '_id'
    UNION ALL
    SELECT 'OrderPeriodID', '', line, row_number() OVER (PARTITION BY order_period_id ORDER BY position) FROM order_read
    UNION ALL
    SELECT 'TradeID', '', line, row_number() OVER (PARTITION BY trade_id ORDER BY position) FROM order_read
    UNION ALL
    SELECT 'OrderID', 'OrderID+DeliveryStart', line, row_number() OVER (PARTITION BY order_id, delivery_start ORDER BY position) FROM order_read
    UNION ALL
    SELECT 'MarketName', 'MarketName+DeliveryStart', line, row_number() OVER (PARTITION BY market_name, delivery_start ORDER BY position) FROM order_read
) k;

-- An EFA block is four hours on the wall clock; across a clock change it lasts three or five.
INSERT INTO order_findings
SELECT 'DeliveryEnd', 'delivery_duration', 'wall_clock', (end_local - start_local) IS DISTINCT FROM interval '4 hours', line,
       'kept as written when the end is after the start; otherwise the order period is not loaded'
FROM order_read
UNION ALL
SELECT 'DeliveryEnd', 'delivery_duration', 'elapsed',
       ((end_local AT TIME ZONE 'Europe/London') - (start_local AT TIME ZONE 'Europe/London')) IS DISTINCT FROM interval '4 hours', line,
       'kept: both ends are stored as timestamptz, so the block lasts what it lasted'
FROM order_read;

INSERT INTO order_findings
SELECT 'EFA', 'efa_mismatch', '',
       efa IS DISTINCT FROM ((extract(hour FROM start_local) * 60 + extract(minute FROM start_local) + 60)::int % 1440 / 240 + 1), line,
       'the EFA is taken from DeliveryStart'
FROM order_read;

-- Blocks start on the EFA grid (23:00, 03:00, ... local): a block off it would overlap two of the grid's.
INSERT INTO order_findings
SELECT 'DeliveryStart', 'off_grid', '', coalesce(extract(minute FROM start_local) <> 0 OR extract(second FROM start_local) <> 0
           OR (extract(hour FROM start_local)::int + 1) % 4 <> 0, false), line,
       'the order period is not loaded'
FROM order_read;

INSERT INTO order_findings
SELECT 'OrderEntryTime', 'entry_after_delivery_start', '', coalesce(entered_local >= start_local, false), line, 'kept'
FROM order_read;

INSERT INTO order_findings
SELECT column_name, 'invalid_value', detail, fires, line, action
FROM order_read,
    LATERAL (VALUES
        ('MarketName', 'not DCL/DCH', coalesce(market_name, 'null') NOT IN (SELECT code FROM wind.markets), 'the order period is not loaded'),
        ('BiddingLevelName', 'not DCL/DCH', coalesce(bidding_level_name, 'null') NOT IN (SELECT code FROM wind.markets), 'MarketName is used'),
        ('BiddingLevelName', 'differs from MarketName', coalesce(bidding_level_name, 'null') <> coalesce(market_name, 'null'), 'MarketName is used')
    ) AS v(column_name, detail, fires, action);

-- Prices from 0 to 999.99 GBP/MW/h (999.99 is the curve's cap point), volumes from 0, and no more executed
-- than the curve offered.
INSERT INTO order_findings
SELECT column_name, 'outlier', '', coalesce(fires, false), line, action
FROM order_read,
    LATERAL (VALUES
        ('1P', p1 < 0 OR p1 > 999.99, 'the bid curve point is left out'), ('2P', p2 < 0 OR p2 > 999.99, 'the bid curve point is left out'),
        ('3P', p3 < 0 OR p3 > 999.99, 'the bid curve point is left out'), ('4P', p4 < 0 OR p4 > 999.99, 'the bid curve point is left out'),
        ('1V', v1 < 0, 'the bid curve point is left out'), ('2V', v2 < 0, 'the bid curve point is left out'),
        ('3V', v3 < 0, 'the bid curve point is left out'), ('4V', v4 < 0, 'the bid curve point is left out'),
        ('ExecutedVolume', executed_volume < 0 OR executed_volume > greatest(v1, v2, v3, v4), 'the order period is not loaded')
    ) AS v(column_name, fires, action);

-- A buy curve: from one point to the next the price never falls and the volume never rises.
INSERT INTO order_findings
SELECT '*', 'curve_not_monotonic', '',
       coalesce(p2 < p1, false) OR coalesce(v2 > v1, false) OR coalesce(p3 < p2, false) OR coalesce(v3 > v2, false)
           OR coalesce(p4 < p3, false) OR coalesce(v4 > v3, false), line,
       'kept as delivered'
FROM order_read;

-- Four-hour blocks between a market's first and last delivery with no order: the first line is that of the
-- block just before the first gap.
INSERT INTO order_findings
WITH markets AS (
    SELECT market_name, min(start_local) AS first_block, max(start_local) AS last_block
    FROM order_read WHERE start_local IS NOT NULL AND market_name IN (SELECT code FROM wind.markets) GROUP BY market_name
),
absent AS (
    SELECT m.market_name, b AS block
    FROM markets m, generate_series(m.first_block, m.last_block, interval '4 hours') b
    WHERE NOT EXISTS (SELECT FROM order_read o WHERE o.market_name = m.market_name AND o.start_local = b)
)
SELECT 'DeliveryStart', 'missing_period', m.market_name, a.block IS NOT NULL,
       CASE WHEN a.block = min(a.block) OVER (PARTITION BY m.market_name) THEN (
           SELECT o.line FROM order_read o WHERE o.market_name = m.market_name AND o.start_local < a.block
           ORDER BY o.start_local DESC, o.line DESC LIMIT 1) END,
       'none are made up'
FROM markets m LEFT JOIN absent a USING (market_name);

INSERT INTO order_findings
SELECT key, 'constant_column', value, true, line, 'kept in wind.orders'
FROM order_values v
WHERE key IN (SELECT key FROM order_values GROUP BY key HAVING count(DISTINCT value) = 1);

-- An order's own fields are one value across its periods. The order takes the value most of its periods have
-- (the earliest of a tie), of the usable ones; a period with another is a finding, never a silent relabelling,
-- and a period in another currency is not loaded: its prices are not in the order's.
CREATE TEMP TABLE order_field_values ON COMMIT DROP AS
SELECT r.order_id, r.position, r.line, f.column_name, f.value
FROM order_read r,
    LATERAL (VALUES
        ('MemberName', CASE WHEN NOT coalesce(r.member_name, 'null') IN ('NA', 'N/A', 'NULL', 'NaN', 'None', 'null', '') THEN r.member_name END),
        ('Portfolio', CASE WHEN NOT coalesce(r.portfolio, 'null') IN ('NA', 'N/A', 'NULL', 'NaN', 'None', 'null', '') THEN r.portfolio END),
        ('OrderEntryTime', r.entered_local::text),
        ('OrderEntryUser', CASE WHEN NOT coalesce(r.order_entry_user, 'null') IN ('NA', 'N/A', 'NULL', 'NaN', 'None', 'null', '') THEN r.order_entry_user END),
        ('SettlementCurrency', CASE WHEN r.settlement_currency ~ '^[A-Z]{3}$' THEN r.settlement_currency END)
    ) AS f(column_name, value)
WHERE f.value IS NOT NULL AND NOT coalesce(r.order_id, 'null') IN ('NA', 'N/A', 'NULL', 'NaN', 'None', 'null', '');

CREATE TEMP TABLE order_consensus ON COMMIT DROP AS
SELECT DISTINCT ON (order_id, column_name) order_id, column_name, value
FROM (SELECT order_id, column_name, value, count(*) AS n, min(position) AS first FROM order_field_values GROUP BY 1, 2, 3) tally
ORDER BY order_id, column_name, n DESC, first;

ANALYZE order_consensus;

INSERT INTO order_findings
SELECT v.column_name, 'conflicting_value', 'within one OrderID', v.value <> c.value, v.line,
       CASE v.column_name WHEN 'SettlementCurrency' THEN 'the order period is not loaded: its prices are not in the order''s currency'
            ELSE 'the order takes the value most of its periods have (the earliest of a tie)' END
FROM order_field_values v JOIN order_consensus c USING (order_id, column_name);

INSERT INTO wind.quality (source, column_name, check_name, detail, rows, first_line, action)
SELECT 'orders', column_name, check_name, detail, count(*) FILTER (WHERE fires), min(line) FILTER (WHERE fires), min(action)
FROM order_findings
GROUP BY column_name, check_name, detail
HAVING count(*) FILTER (WHERE fires) > 0 OR check_name NOT IN ('null_marker', 'constant_column');

-- Stage 3: the periods loaded are the records whose keys, market, times and executed volume are usable and
-- whose block is on the EFA grid; of usable records repeating a period, trade or (market, block), the earliest.
CREATE TEMP TABLE order_kept ON COMMIT DROP AS
SELECT * FROM (
    SELECT u.*,
           row_number() OVER (PARTITION BY order_period_id ORDER BY position) = 1
               AND row_number() OVER (PARTITION BY trade_id ORDER BY position) = 1
               AND row_number() OVER (PARTITION BY market_name, start_local ORDER BY position) = 1 AS first
    FROM (
        SELECT o.position, o.line, o.market_name, o.member_name, o.portfolio, o.order_entry_user, o.settlement_currency,
               o.order_id::bigint AS order_id, o.order_period_id::bigint AS order_period_id, o.trade_id::bigint AS trade_id,
               o.executed_volume, o.p1, o.v1, o.p2, o.v2, o.p3, o.v3, o.p4, o.v4, o.entered_local, o.start_local, o.end_local
        FROM order_read o
        JOIN order_consensus currency ON currency.order_id = o.order_id AND currency.column_name = 'SettlementCurrency'
        WHERE NOT coalesce(o.required_marker, false)
          AND o.order_id ~ '^[0-9]{1,18}$' AND o.order_period_id ~ '^[0-9]{1,18}$' AND o.trade_id ~ '^[0-9]{1,18}$'
          AND o.market_name IN (SELECT code FROM wind.markets)
          AND o.member_name IS NOT NULL AND o.portfolio IS NOT NULL AND o.order_entry_user IS NOT NULL
          AND o.settlement_currency ~ '^[A-Z]{3}$'
          AND o.entered_local IS NOT NULL AND o.start_local IS NOT NULL AND o.end_local > o.start_local
          AND extract(minute FROM o.start_local) = 0 AND extract(second FROM o.start_local) = 0
          AND (extract(hour FROM o.start_local)::int + 1) % 4 = 0
          AND o.executed_volume >= 0 AND o.executed_volume <= coalesce(greatest(o.v1, o.v2, o.v3, o.v4), o.executed_volume)
          AND o.settlement_currency = currency.value
    ) u
) k
WHERE first;

-- An order's own fields: its market is its first period's, the others the value most of its periods have.
INSERT INTO wind.orders (order_id, market, member_name, portfolio, entered_at, entered_by, currency)
SELECT DISTINCT ON (k.order_id) k.order_id, k.market_name, c.member_name, c.portfolio,
       c.entered_local::timestamp AT TIME ZONE 'Europe/London', c.entered_by, c.currency
FROM order_kept k
JOIN (SELECT order_id::bigint AS order_id,
             max(value) FILTER (WHERE column_name = 'MemberName') AS member_name,
             max(value) FILTER (WHERE column_name = 'Portfolio') AS portfolio,
             max(value) FILTER (WHERE column_name = 'OrderEntryTime') AS entered_local,
             max(value) FILTER (WHERE column_name = 'OrderEntryUser') AS entered_by,
             max(value) FILTER (WHERE column_name = 'SettlementCurrency') AS currency
      FROM order_consensus WHERE order_id ~ '^[0-9]{1,18}$' GROUP BY order_id) c USING (order_id)
ORDER BY k.order_id, k.position;

INSERT INTO wind.order_periods (
    order_period_id, order_id, trade_id, market, efa, delivery_start, delivery_end, executed_volume_mw,
    source_position, source_line)
SELECT order_period_id, order_id, trade_id, market_name, wind.efa_of(start_local AT TIME ZONE 'Europe/London'),
       start_local AT TIME ZONE 'Europe/London', end_local AT TIME ZONE 'Europe/London', executed_volume,
       position, line
FROM order_kept;

INSERT INTO wind.order_steps (order_period_id, step, price_gbp_per_mw_h, volume_mw)
SELECT k.order_period_id, s.step, s.price, s.volume
FROM order_kept k,
    LATERAL (VALUES (1, k.p1, k.v1), (2, k.p2, k.v2), (3, k.p3, k.v3), (4, k.p4, k.v4)) AS s(step, price, volume)
WHERE s.price BETWEEN 0 AND 999.99 AND s.volume >= 0;
