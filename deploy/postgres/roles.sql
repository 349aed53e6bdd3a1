-- The database roles of Gridline's apps (docs/security.md, "Append-only history").
-- Run by a superuser (or a role with CREATEROLE) once per cluster, and again to
-- change a password; idempotent. The store's migration (`gridline migrate`, run by
-- the owner) then grants each group what it may do in the database:
--
--   psql -v ON_ERROR_STOP=1 -v owner=gridline \
--        -v swc_password=… -v drc_password=… -v street_password=… \
--        -v gateway_password=… -v projector_password=… -f deploy/postgres/roles.sql
--
-- gridline_service          what every agency service may do (append through
--                           gridline_append, its idempotency keys, leases, …)
-- gridline_agency_<agency>  whose streams a service may append to
-- gridline_reader           the gateway and the projector: read the history, own
--                           the read-model tables
-- The owner (`owner`, who owns the database and runs the migration) may hand the
-- read-model tables of an older release to the reader, so it is a member of it.

SET client_min_messages = warning;

SELECT format('CREATE ROLE %I NOLOGIN', r)
  FROM unnest(ARRAY['gridline_service', 'gridline_reader', 'gridline_agency_swc',
                    'gridline_agency_drc', 'gridline_agency_street']) AS r
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) \gexec
SELECT format('CREATE ROLE %I LOGIN', r)
  FROM unnest(ARRAY['gridline_swc', 'gridline_drc', 'gridline_street',
                    'gridline_gateway', 'gridline_projector']) AS r
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) \gexec

ALTER ROLE gridline_swc WITH LOGIN NOCREATEDB NOCREATEROLE PASSWORD :'swc_password';
GRANT gridline_service, gridline_agency_swc TO gridline_swc;
ALTER ROLE gridline_drc WITH LOGIN NOCREATEDB NOCREATEROLE PASSWORD :'drc_password';
GRANT gridline_service, gridline_agency_drc TO gridline_drc;
ALTER ROLE gridline_street WITH LOGIN NOCREATEDB NOCREATEROLE PASSWORD :'street_password';
GRANT gridline_service, gridline_agency_street TO gridline_street;

-- Every session of the gateway and the projector acts as the reader, so the
-- read-model tables either makes are the reader's, for both to use and drop.
ALTER ROLE gridline_gateway WITH LOGIN NOCREATEDB NOCREATEROLE PASSWORD :'gateway_password';
GRANT gridline_reader TO gridline_gateway;
ALTER ROLE gridline_gateway SET role = 'gridline_reader';
ALTER ROLE gridline_projector WITH LOGIN NOCREATEDB NOCREATEROLE PASSWORD :'projector_password';
GRANT gridline_reader TO gridline_projector;
ALTER ROLE gridline_projector SET role = 'gridline_reader';

GRANT gridline_reader TO :"owner";
