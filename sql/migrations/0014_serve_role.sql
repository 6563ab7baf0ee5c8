-- The serve service's role: it reads the registered models and what describes them (the accident lookups'
-- labels, the latest metrics), nothing else. Its password is set like the others' (`ingest migrate
-- --serve-password-file`), never here.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'pgpipe_serve') THEN
        BEGIN
            CREATE ROLE pgpipe_serve LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;  -- created by a concurrent migration of another database
        END;
    END IF;
END
$$;
DO $$
BEGIN
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO pgpipe_serve', current_database());
END
$$;
GRANT SELECT ON public.schema_migrations TO pgpipe_serve;
GRANT USAGE ON SCHEMA ml, census, accident TO pgpipe_serve;
GRANT SELECT ON ml.models, census.model_performance, accident.model_metrics TO pgpipe_serve;
GRANT SELECT ON accident.police_force, accident.officer_attended, accident.light_conditions, accident.weather_conditions,
    accident.road_surface_conditions, accident.special_conditions_at_site, accident.carriageway_hazards,
    accident.urban_or_rural_area TO pgpipe_serve;
