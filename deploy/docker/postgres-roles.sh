#!/bin/sh
# Run once by the postgres image on a new data volume (/docker-entrypoint-initdb.d):
# the apps' own roles (deploy/postgres/roles.sql), with the development passwords
# of docker-compose.yml's connection strings (the port is bound to localhost).
set -eu
psql -v ON_ERROR_STOP=1 -U "$POSTGRES_USER" -d "$POSTGRES_DB" -v owner="$POSTGRES_USER" \
  -v swc_password=swc-dev -v drc_password=drc-dev -v street_password=street-dev \
  -v gateway_password=gateway-dev -v projector_password=projector-dev \
  -f /gridline/roles.sql
