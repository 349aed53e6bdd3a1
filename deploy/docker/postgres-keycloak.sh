#!/bin/sh
# Run once by the postgres image on a new data volume (/docker-entrypoint-initdb.d):
# Keycloak's own role and database, with the password keycloak-secrets made.
set -eu
password="$(cat /run/secrets/keycloak/db-password)"
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" <<SQL
CREATE ROLE keycloak LOGIN PASSWORD '$password';
CREATE DATABASE keycloak OWNER keycloak;
SQL
