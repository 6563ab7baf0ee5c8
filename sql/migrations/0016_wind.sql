-- GB wind forecasts (BMRS) and Dynamic Containment linear orders (the system operator's data portal): the
-- files as delivered, their quality findings, the cleaned and imputed half-hours, and the orders normalised.
CREATE SCHEMA wind;
COMMENT ON SCHEMA wind IS 'GB wind forecasts and outturn per half-hour (bmrs_wind_forecast_pair.csv) and Dynamic Containment linear orders (linear_orders_raw.json): raw, quality, cleaned, imputed, joined.';

-- Stage 1: what was delivered, untouched. Every value is text as in the file.
CREATE TABLE wind.forecast_raw (
    line integer PRIMARY KEY CHECK (line > 1),
    column1 text NOT NULL,
    record_type text NOT NULL,
    start_time_of_half_hr_period text NOT NULL,
    settlement_period text NOT NULL,
    initial_forecast_publishing_period_commencing_time text NOT NULL,
    initial_forecast_spn_generation text NOT NULL,
    latest_forecast_publishing_period_commencing_time text NOT NULL,
    latest_forecast_spn_generation text NOT NULL,
    out_turn_publishing_period_commencing_time text NOT NULL,
    fuel_type_generation text NOT NULL,
    active_flag text NOT NULL,
    efa text NOT NULL,
    unnamed_13 text NOT NULL
);
COMMENT ON TABLE wind.forecast_raw IS 'bmrs_wind_forecast_pair.csv as delivered: one row per CSV record, every field as text (the header''s names in snake_case; unnamed_13 is the column after the header''s trailing comma), with its line (the header is line 1).';

CREATE TABLE wind.orders_raw (
    position integer PRIMARY KEY CHECK (position >= 0),
    line integer NOT NULL,
    portal_id text,
    full_text text,
    market_name text,
    bidding_level_name text,
    member_name text,
    order_id text,
    portfolio text,
    order_entry_time text,
    order_entry_user text,
    settlement_currency text,
    order_period_id text,
    trade_id text,
    efa text,
    delivery_start text,
    delivery_end text,
    executed_volume text,
    p1 text, v1 text, p2 text, v2 text, p3 text, v3 text, p4 text, v4 text
);
COMMENT ON TABLE wind.orders_raw IS 'linear_orders_raw.json as delivered: one row per object of result.records (position: its index there, the key; line: where its { is, shared by records on one line), every value as text, JSON null as NULL; p1..v4 are the keys 1P..4V, portal_id is _id.';

-- Stage 2: what is wrong with them.
CREATE TABLE wind.quality (
    source text NOT NULL CHECK (source IN ('forecast', 'orders')),
    column_name text NOT NULL,
    check_name text NOT NULL,
    detail text NOT NULL DEFAULT '',
    rows integer NOT NULL CHECK (rows >= 0),
    first_line integer CHECK (rows > 0 OR first_line IS NULL),
    action text NOT NULL,
    PRIMARY KEY (source, column_name, check_name, detail)
);
COMMENT ON TABLE wind.quality IS 'One row per column and check run on the raw files: how many rows it fires on (0: checked, none found), the first line it fires on, and what the cleaning does about it (README, Wind). Checks keyed by what they found (a null spelling, a day, a constant value) are listed only when found.';

-- Stage 3: typed and cleaned.
CREATE TABLE wind.markets (
    code text PRIMARY KEY CHECK (code ~ '^[A-Z]{2,8}$'),
    name text NOT NULL,
    direction text NOT NULL CHECK (direction IN ('low frequency', 'high frequency'))
);
COMMENT ON TABLE wind.markets IS 'The Dynamic Containment markets the orders buy in: DCL answers a falling frequency (low), DCH a rising one (high).';
INSERT INTO wind.markets VALUES
    ('DCL', 'Dynamic Containment Low', 'low frequency'),
    ('DCH', 'Dynamic Containment High', 'high frequency');

CREATE TABLE wind.orders (
    order_id bigint PRIMARY KEY,
    market text NOT NULL REFERENCES wind.markets,
    member_name text NOT NULL,
    portfolio text NOT NULL,
    entered_at timestamptz NOT NULL,
    entered_by text NOT NULL,
    currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$')
);
COMMENT ON TABLE wind.orders IS 'One linear order: a day''s six EFA blocks bought in one market, entered once (its order periods hold the blocks).';

CREATE TABLE wind.order_periods (
    order_period_id bigint PRIMARY KEY,
    order_id bigint NOT NULL REFERENCES wind.orders,
    trade_id bigint NOT NULL UNIQUE,
    market text NOT NULL REFERENCES wind.markets,
    efa smallint NOT NULL CHECK (efa BETWEEN 1 AND 6),
    delivery_start timestamptz NOT NULL,
    delivery_end timestamptz NOT NULL CHECK (delivery_end > delivery_start),
    executed_volume_mw numeric NOT NULL CHECK (executed_volume_mw >= 0),
    source_position integer NOT NULL UNIQUE,
    source_line integer NOT NULL,
    UNIQUE (market, delivery_start)
);
COMMENT ON TABLE wind.order_periods IS 'One EFA block of an order: its delivery window (UK local time in the file, stored as timestamptz, so the block across the October clock change lasts 5 hours), the market and the volume executed (MW).';

CREATE TABLE wind.order_steps (
    order_period_id bigint NOT NULL REFERENCES wind.order_periods,
    step smallint NOT NULL CHECK (step BETWEEN 1 AND 4),
    price_gbp_per_mw_h numeric NOT NULL CHECK (price_gbp_per_mw_h >= 0),
    volume_mw numeric NOT NULL CHECK (volume_mw >= 0),
    PRIMARY KEY (order_period_id, step)
);
COMMENT ON TABLE wind.order_steps IS 'The points of an order period''s linear bid curve (keys 1P/1V..4P/4V): price (GBP/MW/h) and volume (MW); a point given as NA is absent.';

CREATE TABLE wind.half_hours (
    starts_at timestamptz PRIMARY KEY,
    settlement_date date NOT NULL,
    settlement_period smallint NOT NULL CHECK (settlement_period BETWEEN 1 AND 50),
    efa smallint CHECK (efa BETWEEN 1 AND 6),
    initial_forecast_published_at timestamptz,
    initial_forecast_mw double precision CHECK (initial_forecast_mw >= 0),
    initial_forecast_method text CHECK (initial_forecast_method IN ('recovered', 'interpolated')),
    initial_forecast_raw text,
    latest_forecast_published_at timestamptz,
    latest_forecast_mw double precision CHECK (latest_forecast_mw >= 0),
    latest_forecast_method text CHECK (latest_forecast_method IN ('recovered', 'interpolated')),
    latest_forecast_raw text,
    outturn_published_at timestamptz,
    outturn_mw double precision CHECK (outturn_mw >= 0),
    outturn_method text CHECK (outturn_method IN ('recovered', 'interpolated')),
    outturn_raw text,
    imputed boolean NOT NULL GENERATED ALWAYS AS (
        coalesce(initial_forecast_method = 'interpolated' OR latest_forecast_method = 'interpolated' OR outturn_method = 'interpolated', false)) STORED,
    source_line integer UNIQUE,
    duplicate_lines integer[] NOT NULL DEFAULT '{}',
    UNIQUE (settlement_date, settlement_period)
);
COMMENT ON TABLE wind.half_hours IS 'One row per settlement half-hour: its start (settlement days in UK local time), the initial and latest wind forecasts with when they were published, and the outturn (MW). A *_method says where a value came from when not as delivered (recovered: read from a malformed value such as WIND3651; interpolated: imputed, see README), *_raw keeps the file''s text; source_line is the line kept (NULL for a half-hour the file lacks), duplicate_lines the other lines naming the same half-hour.';

-- Stage 7: every page of wind_orders_joined that `summary --put` sent to the ingestion endpoint, with what
-- became of it. Written by summary, page by page before the next is sent: a page is sent when acknowledged.
CREATE TABLE wind.deliveries (
    delivery_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    load_run bigint NOT NULL REFERENCES ingest.runs,
    url text NOT NULL,
    page integer NOT NULL CHECK (page BETWEEN 1 AND pages),
    pages integer NOT NULL,
    rows integer NOT NULL CHECK (rows >= 0),
    idempotency_key text NOT NULL,
    status integer CHECK (status BETWEEN 100 AND 599),
    acknowledged boolean NOT NULL CHECK (NOT acknowledged OR status BETWEEN 200 AND 299),
    attempts integer NOT NULL CHECK (attempts >= 1),
    response_ms double precision NOT NULL CHECK (response_ms >= 0),
    error text,
    sent_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE wind.deliveries IS 'One row per page summary --put sent: the wind load it came from, the endpoint, page of pages, rows, the Idempotency-Key, the last attempt''s HTTP status (NULL: no answer) and time, attempts, and whether the endpoint acknowledged it (2xx). Kept across loads.';
GRANT INSERT ON wind.deliveries TO pgpipe_summary;

-- Text to a time as the files write it, or NULL when it is not one. PostgreSQL 15 has no pg_input_is_valid
-- and a failed cast aborts the load, so the parts are checked before make_timestamp sees them (an exception
-- handler instead would cost a subtransaction per call); only the two spellings the files use are read (a
-- cast alone would also take 'today' or 'epoch').
CREATE FUNCTION wind.local_timestamp(value text) RETURNS timestamp
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    y int; m int; d int; hh int := 0; mi int := 0; ss int := 0;
BEGIN
    IF value ~ '^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d:[0-5]\d$' THEN
        y := substr(value, 1, 4)::int; m := substr(value, 6, 2)::int; d := substr(value, 9, 2)::int;
        hh := substr(value, 12, 2)::int; mi := substr(value, 15, 2)::int; ss := substr(value, 18, 2)::int;
    ELSIF value ~ '^\d{2}/\d{2}/\d{4}( ([01]\d|2[0-3]):[0-5]\d)?$' THEN
        d := substr(value, 1, 2)::int; m := substr(value, 4, 2)::int; y := substr(value, 7, 4)::int;
        IF length(value) > 10 THEN
            hh := substr(value, 12, 2)::int; mi := substr(value, 15, 2)::int;
        END IF;
    ELSE
        RETURN NULL;
    END IF;
    IF y < 1 OR m NOT BETWEEN 1 AND 12 OR d NOT BETWEEN 1 AND extract(day FROM make_date(y, m, 1) + interval '1 month - 1 day') THEN
        RETURN NULL;
    END IF;
    RETURN make_timestamp(y, m, d, hh, mi, ss);
END
$$;
COMMENT ON FUNCTION wind.local_timestamp(text) IS 'A wall-clock time written 2021-09-15T23:00:00, 01/11/2021 00:30 or 01/11/2021 (day first), or NULL when the text is not a valid one of these.';

-- Settlement time: a settlement day starts at UK local midnight and has 46, 48 or 50 half-hour periods; an
-- EFA block is four hours of local time, block 1 starting at 23:00 the day before.
CREATE FUNCTION wind.periods_in_day(day date) RETURNS integer
LANGUAGE sql STABLE AS $$
    SELECT (extract(epoch FROM ((day + 1)::timestamp AT TIME ZONE 'Europe/London') - (day::timestamp AT TIME ZONE 'Europe/London')) / 1800)::int
$$;
COMMENT ON FUNCTION wind.periods_in_day(date) IS 'Settlement periods in a settlement day: 48, or 46 and 50 on the days the clocks change.';

CREATE FUNCTION wind.efa_of(moment timestamptz) RETURNS integer
LANGUAGE sql STABLE AS $$
    SELECT ((extract(hour FROM moment AT TIME ZONE 'Europe/London')::int * 60 + extract(minute FROM moment AT TIME ZONE 'Europe/London')::int + 60) % 1440) / 240 + 1
$$;
COMMENT ON FUNCTION wind.efa_of(timestamptz) IS 'The EFA block (1 to 6) a moment falls in: block 1 is 23:00 to 03:00 UK local time, and so on every four hours.';

-- Linear interpolation between two known values, when they are at most four hours apart.
CREATE FUNCTION wind.interpolate(at timestamptz, before_at timestamptz, before double precision, after_at timestamptz, after double precision)
RETURNS double precision
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN after_at - before_at <= interval '4 hours' THEN
        before + (after - before) * extract(epoch FROM at - before_at)::double precision / extract(epoch FROM after_at - before_at)::double precision
    END
$$;
COMMENT ON FUNCTION wind.interpolate(timestamptz, timestamptz, double precision, timestamptz, double precision) IS 'The value at `at` on the straight line between two known values, or NULL when either is missing or they are more than 4 hours apart.';

-- Stage 4: each half-hour joined to the order period it falls in, per market. The orders come in EFA blocks
-- of four hours and the forecasts per half-hour: equality of timestamps would match only the first half-hour of
-- each block (one in eight), so a half-hour joins the block whose window contains its start
-- (delivery_start <= starts_at < delivery_end), in absolute time, which also holds for the five-hour block of the
-- October clock change. The limit price is point 2 of the order's curve: up to it the whole bid volume is bought.
CREATE VIEW wind.orders_joined AS
SELECT h.starts_at, h.settlement_date, h.settlement_period, h.efa,
       h.initial_forecast_mw, h.latest_forecast_mw, h.outturn_mw, h.imputed,
       dcl.order_period_id AS dcl_order_period_id, dcl.executed_volume_mw AS dcl_executed_volume_mw,
       dcl_bid.volume_mw AS dcl_bid_volume_mw, dcl_limit.price_gbp_per_mw_h AS dcl_limit_price_gbp_per_mw_h,
       dch.order_period_id AS dch_order_period_id, dch.executed_volume_mw AS dch_executed_volume_mw,
       dch_bid.volume_mw AS dch_bid_volume_mw, dch_limit.price_gbp_per_mw_h AS dch_limit_price_gbp_per_mw_h
FROM wind.half_hours h
-- The block that started last at or before the half-hour, one index entry (market, delivery_start), kept when
-- it has not ended: a plain range join would scan every earlier block of the market for each half-hour.
LEFT JOIN LATERAL (
    SELECT p.* FROM wind.order_periods p WHERE p.market = 'DCL' AND p.delivery_start <= h.starts_at
    ORDER BY p.delivery_start DESC LIMIT 1
) dcl ON h.starts_at < dcl.delivery_end
LEFT JOIN wind.order_steps dcl_bid ON dcl_bid.order_period_id = dcl.order_period_id AND dcl_bid.step = 1
LEFT JOIN wind.order_steps dcl_limit ON dcl_limit.order_period_id = dcl.order_period_id AND dcl_limit.step = 2
LEFT JOIN LATERAL (
    SELECT p.* FROM wind.order_periods p WHERE p.market = 'DCH' AND p.delivery_start <= h.starts_at
    ORDER BY p.delivery_start DESC LIMIT 1
) dch ON h.starts_at < dch.delivery_end
LEFT JOIN wind.order_steps dch_bid ON dch_bid.order_period_id = dch.order_period_id AND dch_bid.step = 1
LEFT JOIN wind.order_steps dch_limit ON dch_limit.order_period_id = dch.order_period_id AND dch_limit.step = 2;
COMMENT ON VIEW wind.orders_joined IS 'One row per half-hour: forecasts and outturn (MW), and per market (DCL, DCH) the order period whose delivery window holds the half-hour''s start, its executed volume, bid volume (MW) and limit price (GBP/MW/h).';

-- Stage 5: 6-hour rolling medians, over the previous six hours up to and including the row (a window open on
-- the left, as pandas' rolling("6h")), NULLs skipped. PostgreSQL has no windowed median, so each row takes
-- percentile_cont(0.5) over its window with a correlated subquery: exact, and an index range scan per row
-- (primary key on starts_at; market and delivery_start on the periods), so it stays linear in rows.
CREATE VIEW wind.forecast_features AS
SELECT h.starts_at, h.initial_forecast_mw,
       (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY w.initial_forecast_mw) FROM wind.half_hours w
        WHERE w.starts_at > h.starts_at - interval '6 hours' AND w.starts_at <= h.starts_at) AS initial_forecast_median_6h
FROM wind.half_hours h;
COMMENT ON VIEW wind.forecast_features IS 'Per half-hour, the median of the initial forecast (cleaned and imputed) over the six hours up to it, (t - 6 h, t].';

CREATE VIEW wind.volume_features AS
SELECT p.market, p.delivery_start, p.executed_volume_mw,
       (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY w.executed_volume_mw) FROM wind.order_periods w
        WHERE w.market = p.market AND w.delivery_start > p.delivery_start - interval '6 hours' AND w.delivery_start <= p.delivery_start
       ) AS executed_volume_median_6h
FROM wind.order_periods p;
COMMENT ON VIEW wind.volume_features IS 'Per market and order period, the median executed volume of the market''s periods starting in the six hours up to it, (t - 6 h, t].';

-- Daily and weekly views: forecast against outturn over the half-hours that have both, executed volume by
-- market (mean MW held over the half-hours), coverage (half-hours the file gave of those the days have) and the
-- share of half-hours with an imputed value.
CREATE VIEW wind.daily AS
SELECT j.settlement_date AS day,
       avg(j.initial_forecast_mw) AS initial_forecast_mean_mw, min(j.initial_forecast_mw) AS initial_forecast_min_mw,
       max(j.initial_forecast_mw) AS initial_forecast_max_mw,
       avg(j.outturn_mw) AS outturn_mean_mw, min(j.outturn_mw) AS outturn_min_mw, max(j.outturn_mw) AS outturn_max_mw,
       avg(abs(j.initial_forecast_mw - j.outturn_mw)) AS initial_forecast_mae_mw, avg(j.initial_forecast_mw - j.outturn_mw) AS initial_forecast_bias_mw,
       avg(abs(j.latest_forecast_mw - j.outturn_mw)) AS latest_forecast_mae_mw, avg(j.latest_forecast_mw - j.outturn_mw) AS latest_forecast_bias_mw,
       avg(j.dcl_executed_volume_mw)::double precision AS dcl_executed_volume_mean_mw,
       avg(j.dch_executed_volume_mw)::double precision AS dch_executed_volume_mean_mw,
       count(h.source_line) AS half_hours_delivered, wind.periods_in_day(j.settlement_date) AS half_hours_expected,
       count(j.outturn_mw) AS half_hours_with_outturn,
       avg(j.imputed::int)::double precision AS imputed_share
FROM wind.orders_joined j JOIN wind.half_hours h USING (starts_at)
GROUP BY j.settlement_date;
COMMENT ON VIEW wind.daily IS 'Per settlement day: initial forecast and outturn (mean, min, max, MW), mean absolute error and bias (forecast minus outturn) of both forecasts, mean executed volume per market, coverage and the share of half-hours with an imputed value.';

CREATE VIEW wind.weekly AS
SELECT to_char(j.settlement_date, 'IYYY-"W"IW') AS week, min(j.settlement_date) AS first_day, count(DISTINCT j.settlement_date) AS days,
       avg(j.initial_forecast_mw) AS initial_forecast_mean_mw, min(j.initial_forecast_mw) AS initial_forecast_min_mw,
       max(j.initial_forecast_mw) AS initial_forecast_max_mw,
       avg(j.outturn_mw) AS outturn_mean_mw, min(j.outturn_mw) AS outturn_min_mw, max(j.outturn_mw) AS outturn_max_mw,
       avg(abs(j.initial_forecast_mw - j.outturn_mw)) AS initial_forecast_mae_mw, avg(j.initial_forecast_mw - j.outturn_mw) AS initial_forecast_bias_mw,
       avg(abs(j.latest_forecast_mw - j.outturn_mw)) AS latest_forecast_mae_mw, avg(j.latest_forecast_mw - j.outturn_mw) AS latest_forecast_bias_mw,
       avg(j.dcl_executed_volume_mw)::double precision AS dcl_executed_volume_mean_mw,
       avg(j.dch_executed_volume_mw)::double precision AS dch_executed_volume_mean_mw,
       count(h.source_line) AS half_hours_delivered, count(*) AS half_hours_expected,
       count(j.outturn_mw) AS half_hours_with_outturn,
       avg(j.imputed::int)::double precision AS imputed_share
FROM wind.orders_joined j JOIN wind.half_hours h USING (starts_at)
GROUP BY to_char(j.settlement_date, 'IYYY-"W"IW');
COMMENT ON VIEW wind.weekly IS 'wind.daily per ISO week (of the settlement days the data has): the same figures over the week''s half-hours.';

-- Readers see a wind load whole (0013_reliability.sql).
CREATE TABLE ingest.read_gate_wind ();
COMMENT ON TABLE ingest.read_gate_wind IS 'No rows, no columns: its lock orders report runs (ACCESS SHARE) and loads replacing data in schema wind (ACCESS EXCLUSIVE).';

-- The product's schemas, named once: the replacement and privilege routines below read them from here, so
-- the next schema is added in one place.
CREATE FUNCTION ingest.product_schemas() RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$ SELECT ARRAY['ingest', 'people', 'census', 'ml', 'accident', 'wind'] $$;
COMMENT ON FUNCTION ingest.product_schemas() IS 'The schemas pgpipe owns: only their tables may be replaced by a load, and ingest.apply_privileges() hands them to pgpipe_owner.';

CREATE OR REPLACE FUNCTION ingest.begin_replacement(tables regclass[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    t regclass;
    gate text;
    fk record;
BEGIN
    FOREACH t IN ARRAY tables LOOP
        IF (SELECT relnamespace::regnamespace::text FROM pg_class WHERE oid = t) <> ALL (ingest.product_schemas()) THEN
            RAISE EXCEPTION 'table % is not one of pgpipe''s', t USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF NOT has_table_privilege(session_user, t, 'TRUNCATE') THEN
            RAISE EXCEPTION 'role % may not replace the rows of %', session_user, t USING ERRCODE = 'insufficient_privilege';
        END IF;
    END LOOP;
    FOR gate IN SELECT DISTINCT relnamespace::regnamespace::text FROM pg_class WHERE oid = ANY (tables) ORDER BY 1 LOOP
        PERFORM ingest.close_read_gate(gate);
    END LOOP;
    EXECUTE 'TRUNCATE ' || (SELECT string_agg(x::text, ', ') FROM unnest(tables) AS x) || ' RESTART IDENTITY';
    FOR fk IN
        SELECT conrelid::regclass AS table_name, conname, pg_get_constraintdef(oid) AS definition
        FROM pg_constraint WHERE contype = 'f' AND conrelid = ANY (tables)
        ORDER BY conrelid::regclass::text, conname
    LOOP
        INSERT INTO ingest.suspended_foreign_keys (table_name, constraint_name, definition)
        VALUES (fk.table_name, fk.conname, fk.definition);
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', fk.table_name, fk.conname);
    END LOOP;
END
$$;

CREATE OR REPLACE PROCEDURE ingest.apply_privileges()
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    s text;
    object record;
BEGIN
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO pgpipe_ingest', current_database());
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO pgpipe_summary', current_database());
    ALTER TABLE public.schema_migrations OWNER TO pgpipe_owner;
    GRANT SELECT ON public.schema_migrations TO pgpipe_ingest, pgpipe_summary;
    FOREACH s IN ARRAY ingest.product_schemas() LOOP
        EXECUTE format('ALTER SCHEMA %I OWNER TO pgpipe_owner', s);
        -- Tables, views and free-standing sequences; indexes and identity sequences follow their table.
        FOR object IN
            SELECT c.oid::regclass AS name FROM pg_class c
            WHERE c.relnamespace = s::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')
              AND (c.relkind <> 'S' OR NOT EXISTS (
                  SELECT FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('a', 'i')))
        LOOP
            EXECUTE format('ALTER TABLE %s OWNER TO pgpipe_owner', object.name);
        END LOOP;
        FOR object IN SELECT p.oid::regprocedure AS signature, p.prokind FROM pg_proc p WHERE p.pronamespace = s::regnamespace LOOP
            EXECUTE format('ALTER ROUTINE %s OWNER TO pgpipe_owner', object.signature);
            EXECUTE format('REVOKE ALL ON ROUTINE %s FROM PUBLIC', object.signature);
        END LOOP;
        EXECUTE format('GRANT USAGE ON SCHEMA %I TO pgpipe_ingest, pgpipe_summary', s);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON ALL TABLES IN SCHEMA %I TO pgpipe_ingest', s);
        EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO pgpipe_ingest', s);
        EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO pgpipe_summary', s);
    END LOOP;
    -- The writer runs the two replacement functions and nothing else of the owner's; the bookkeeping table
    -- of suspended keys is written by those functions only.
    GRANT EXECUTE ON FUNCTION ingest.begin_replacement(regclass[]), ingest.end_replacement() TO pgpipe_ingest;
    REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON ingest.suspended_foreign_keys FROM pgpipe_ingest;
    GRANT EXECUTE ON FUNCTION wind.local_timestamp(text), wind.periods_in_day(date), wind.efa_of(timestamptz),
        wind.interpolate(timestamptz, timestamptz, double precision, timestamptz, double precision) TO pgpipe_ingest, pgpipe_summary;
END
$$;
