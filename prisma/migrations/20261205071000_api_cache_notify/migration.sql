-- Every change to a table the API caches (api/read-cache.ts) is announced on the channel
-- api_cache with the table's name, whoever makes it (the API, a script, psql): each API process
-- listening drops what it holds of that table. Once per statement, so a bulk change is one message.
-- The body's semicolons are written \073 in an E'' string: Prisma's migration runner splits scripts
-- at every semicolon (see 20261203150100_api_keys_audit).
CREATE FUNCTION "api_cache_notify"() RETURNS trigger LANGUAGE plpgsql AS E'BEGIN PERFORM pg_notify(''api_cache'', TG_TABLE_NAME)\073 RETURN NULL\073 END\073';

CREATE TRIGGER "ApiKey_api_cache" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "ApiKey" FOR EACH STATEMENT EXECUTE FUNCTION "api_cache_notify"();
CREATE TRIGGER "Plan_api_cache" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Plan" FOR EACH STATEMENT EXECUTE FUNCTION "api_cache_notify"();
CREATE TRIGGER "Product_api_cache" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Product" FOR EACH STATEMENT EXECUTE FUNCTION "api_cache_notify"();
CREATE TRIGGER "AddOn_api_cache" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "AddOn" FOR EACH STATEMENT EXECUTE FUNCTION "api_cache_notify"();
CREATE TRIGGER "Coupon_api_cache" AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "Coupon" FOR EACH STATEMENT EXECUTE FUNCTION "api_cache_notify"();
