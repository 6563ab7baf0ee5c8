# Sourced by the database container's entrypoint once, when it creates the server (/docker-entrypoint-initdb.d):
# the replication role the replica service creates may stream the WAL over the compose network, with its
# password. Nothing else changes; without the profile scale no role of that name exists.
printf 'host replication pgpipe_replicator all scram-sha-256\n' >> "$PGDATA/pg_hba.conf"
