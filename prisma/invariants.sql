-- Invariants the database protects: the last line of defence behind the domain layer.
--
-- Applied by packages/db on every start, after prisma/migrations (idempotent: CREATE OR REPLACE FUNCTION and
-- TRIGGER), so changing a rule here needs no migration. They live outside prisma/migrations because the
-- offline Prisma migration engine used on these machines cannot introspect CHECK constraints and splits
-- PL/pgSQL bodies on semicolons. Triggers behave like CHECK constraints: SQLSTATE 23514 with the rule name.
--
-- The key rule is stock_positions_no_oversell: reserved + damaged + QC units can never exceed what is on
-- hand, so an oversell is impossible even if application code were wrong.

CREATE OR REPLACE FUNCTION "ops_hub_check"(ok boolean, constraint_name text, table_name text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  IF ok IS NOT TRUE THEN
    RAISE EXCEPTION 'new row for relation "%" violates check constraint "%"', table_name, constraint_name
      USING ERRCODE = 'check_violation', CONSTRAINT = constraint_name, TABLE = table_name;
  END IF;
END $$;

CREATE OR REPLACE FUNCTION "stock_positions_invariants"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "ops_hub_check"(NEW."on_hand" >= 0 AND NEW."reserved" >= 0 AND NEW."damaged" >= 0 AND NEW."quality_control" >= 0 AND NEW."incoming" >= 0 AND NEW."in_transit" >= 0 AND NEW."safety_stock" >= 0, 'stock_positions_buckets_non_negative', 'stock_positions');
  PERFORM "ops_hub_check"(NEW."reserved" + NEW."damaged" + NEW."quality_control" <= NEW."on_hand", 'stock_positions_no_oversell', 'stock_positions');
  PERFORM "ops_hub_check"(NEW."confidence" BETWEEN 0 AND 1, 'stock_positions_confidence_range', 'stock_positions');
  RETURN NEW;
END $$;
-- The WHEN clause is the conjunction of the three rules above, evaluated inline: the PL/pgSQL function (which names
-- the broken rule) runs only for a row that breaks one, so bulk writes (a 100k-row 3PL feed stamping last_feed_at and
-- confidence) do not pay a function call per row. Keep both lists in step. The tables every placed order writes
-- (orders, order_lines, allocations, channel_reservations) use the same pattern.
CREATE OR REPLACE TRIGGER "stock_positions_invariants" BEFORE INSERT OR UPDATE ON "stock_positions" FOR EACH ROW
  WHEN ((NEW."on_hand" >= 0 AND NEW."reserved" >= 0 AND NEW."damaged" >= 0 AND NEW."quality_control" >= 0 AND NEW."incoming" >= 0 AND NEW."in_transit" >= 0 AND NEW."safety_stock" >= 0
    AND NEW."reserved" + NEW."damaged" + NEW."quality_control" <= NEW."on_hand"
    AND NEW."confidence" BETWEEN 0 AND 1) IS NOT TRUE)
  EXECUTE FUNCTION "stock_positions_invariants"();

-- stock_positions.sku_code is a copy of the SKU's code (3PL feeds name SKUs by code: one indexed lookup at the
-- location instead of two joins). The position takes it when it is created, and follows a change of the code.
CREATE OR REPLACE FUNCTION "stock_positions_sku_code"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW."sku_code" := (SELECT "code" FROM "skus" WHERE "id" = NEW."sku_id");
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "stock_positions_sku_code" BEFORE INSERT OR UPDATE OF "sku_id", "sku_code" ON "stock_positions" FOR EACH ROW
  EXECUTE FUNCTION "stock_positions_sku_code"();
CREATE OR REPLACE FUNCTION "skus_code_to_positions"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "stock_positions" SET "sku_code" = NEW."code" WHERE "sku_id" = NEW."id";
  RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER "skus_code_to_positions" AFTER UPDATE OF "code" ON "skus" FOR EACH ROW
  WHEN (OLD."code" IS DISTINCT FROM NEW."code") EXECUTE FUNCTION "skus_code_to_positions"();

CREATE OR REPLACE FUNCTION "bin_stocks_invariants"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "ops_hub_check"(NEW."quantity" >= 0, 'bin_stocks_quantity_non_negative', 'bin_stocks');
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "bin_stocks_invariants" BEFORE INSERT OR UPDATE ON "bin_stocks" FOR EACH ROW EXECUTE FUNCTION "bin_stocks_invariants"();

CREATE OR REPLACE FUNCTION "channel_reservations_invariants"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "ops_hub_check"(NEW."reserved" >= 0, 'channel_reservations_non_negative', 'channel_reservations');
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "channel_reservations_invariants" BEFORE INSERT OR UPDATE ON "channel_reservations" FOR EACH ROW
  WHEN ((NEW."reserved" >= 0) IS NOT TRUE) EXECUTE FUNCTION "channel_reservations_invariants"();

CREATE OR REPLACE FUNCTION "order_lines_invariants"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "ops_hub_check"(NEW."quantity" > 0 AND NEW."unit_price" >= 0, 'order_lines_quantity_positive', 'order_lines');
  PERFORM "ops_hub_check"(NEW."allocated_quantity" >= 0 AND NEW."backordered_quantity" >= 0 AND NEW."shipped_quantity" >= 0 AND NEW."cancelled_quantity" >= 0 AND NEW."returned_quantity" >= 0 AND NEW."allocated_quantity" + NEW."backordered_quantity" + NEW."cancelled_quantity" <= NEW."quantity" AND NEW."shipped_quantity" <= NEW."quantity" AND NEW."returned_quantity" <= NEW."shipped_quantity", 'order_lines_quantities_consistent', 'order_lines');
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "order_lines_invariants" BEFORE INSERT OR UPDATE ON "order_lines" FOR EACH ROW
  WHEN ((NEW."quantity" > 0 AND NEW."unit_price" >= 0
    AND NEW."allocated_quantity" >= 0 AND NEW."backordered_quantity" >= 0 AND NEW."shipped_quantity" >= 0 AND NEW."cancelled_quantity" >= 0 AND NEW."returned_quantity" >= 0 AND NEW."allocated_quantity" + NEW."backordered_quantity" + NEW."cancelled_quantity" <= NEW."quantity" AND NEW."shipped_quantity" <= NEW."quantity" AND NEW."returned_quantity" <= NEW."shipped_quantity") IS NOT TRUE)
  EXECUTE FUNCTION "order_lines_invariants"();

CREATE OR REPLACE FUNCTION "allocations_invariants"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "ops_hub_check"(NEW."quantity" > 0, 'allocations_quantity_positive', 'allocations');
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "allocations_invariants" BEFORE INSERT OR UPDATE ON "allocations" FOR EACH ROW
  WHEN ((NEW."quantity" > 0) IS NOT TRUE) EXECUTE FUNCTION "allocations_invariants"();

CREATE OR REPLACE FUNCTION "pick_tasks_invariants"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "ops_hub_check"(NEW."quantity" > 0 AND NEW."picked_quantity" BETWEEN 0 AND NEW."quantity", 'pick_tasks_quantities', 'pick_tasks');
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "pick_tasks_invariants" BEFORE INSERT OR UPDATE ON "pick_tasks" FOR EACH ROW EXECUTE FUNCTION "pick_tasks_invariants"();

CREATE OR REPLACE FUNCTION "skus_invariants"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "ops_hub_check"(NEW."unit_cost" >= 0 AND (NEW."unit_price" IS NULL OR NEW."unit_price" >= 0), 'skus_cost_non_negative', 'skus');
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "skus_invariants" BEFORE INSERT OR UPDATE ON "skus" FOR EACH ROW EXECUTE FUNCTION "skus_invariants"();

CREATE OR REPLACE FUNCTION "locations_invariants"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "ops_hub_check"(NEW."daily_pick_capacity" >= 0 AND NEW."daily_pack_capacity" >= 0 AND NEW."cutoff_minutes" BETWEEN 0 AND 1439, 'locations_capacity_non_negative', 'locations');
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "locations_invariants" BEFORE INSERT OR UPDATE ON "locations" FOR EACH ROW EXECUTE FUNCTION "locations_invariants"();

CREATE OR REPLACE FUNCTION "allocation_rules_invariants"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "ops_hub_check"((NEW."kind" = 'RESERVED_POOL' AND NEW."quantity" IS NOT NULL AND NEW."quantity" >= 0) OR (NEW."kind" = 'PERCENTAGE_CAP' AND NEW."percentage" IS NOT NULL AND NEW."percentage" BETWEEN 0 AND 100), 'allocation_rules_shape', 'allocation_rules');
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "allocation_rules_invariants" BEFORE INSERT OR UPDATE ON "allocation_rules" FOR EACH ROW EXECUTE FUNCTION "allocation_rules_invariants"();

CREATE OR REPLACE FUNCTION "supplier_skus_invariants"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "ops_hub_check"(NEW."lead_time_mean_days" > 0 AND NEW."lead_time_std_dev_days" >= 0 AND NEW."minimum_order_quantity" >= 1 AND NEW."pack_size" >= 1, 'supplier_skus_lead_time', 'supplier_skus');
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "supplier_skus_invariants" BEFORE INSERT OR UPDATE ON "supplier_skus" FOR EACH ROW EXECUTE FUNCTION "supplier_skus_invariants"();

CREATE OR REPLACE FUNCTION "purchase_order_lines_invariants"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "ops_hub_check"(NEW."quantity" > 0 AND NEW."received_quantity" >= 0, 'purchase_order_lines_quantities', 'purchase_order_lines');
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "purchase_order_lines_invariants" BEFORE INSERT OR UPDATE ON "purchase_order_lines" FOR EACH ROW EXECUTE FUNCTION "purchase_order_lines_invariants"();

CREATE OR REPLACE FUNCTION "transfer_lines_invariants"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "ops_hub_check"(NEW."quantity" > 0 AND NEW."received_quantity" BETWEEN 0 AND NEW."quantity", 'transfer_lines_quantities', 'transfer_lines');
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "transfer_lines_invariants" BEFORE INSERT OR UPDATE ON "transfer_lines" FOR EACH ROW EXECUTE FUNCTION "transfer_lines_invariants"();

CREATE OR REPLACE FUNCTION "return_lines_invariants"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "ops_hub_check"(NEW."quantity" > 0 AND NEW."received_quantity" BETWEEN 0 AND NEW."quantity", 'return_lines_quantities', 'return_lines');
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "return_lines_invariants" BEFORE INSERT OR UPDATE ON "return_lines" FOR EACH ROW EXECUTE FUNCTION "return_lines_invariants"();

CREATE OR REPLACE FUNCTION "orders_invariants"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "ops_hub_check"(NEW."fraud_score" BETWEEN 0 AND 1, 'orders_fraud_score_range', 'orders');
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "orders_invariants" BEFORE INSERT OR UPDATE ON "orders" FOR EACH ROW
  WHEN ((NEW."fraud_score" BETWEEN 0 AND 1) IS NOT TRUE) EXECUTE FUNCTION "orders_invariants"();

CREATE OR REPLACE FUNCTION "transfers_invariants"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "ops_hub_check"(NEW."from_location_id" <> NEW."to_location_id", 'transfers_distinct_locations', 'transfers');
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "transfers_invariants" BEFORE INSERT OR UPDATE ON "transfers" FOR EACH ROW EXECUTE FUNCTION "transfers_invariants"();


-- Node automation (orchestration): slots and wave triggers are positive when set, a wave holds at least one line.
CREATE OR REPLACE FUNCTION "node_automations_invariants"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM "ops_hub_check"(NEW."release_every_minutes" BETWEEN 0 AND 1440, 'node_automations_release_every_minutes', 'node_automations');
  PERFORM "ops_hub_check"(COALESCE(NEW."wave_at_orders", 1) >= 1 AND COALESCE(NEW."wave_every_minutes", 1) BETWEEN 1 AND 1440, 'node_automations_wave_triggers', 'node_automations');
  PERFORM "ops_hub_check"(NEW."max_lines_per_wave" >= 1, 'node_automations_max_lines_per_wave', 'node_automations');
  RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER "node_automations_invariants" BEFORE INSERT OR UPDATE ON "node_automations" FOR EACH ROW EXECUTE FUNCTION "node_automations_invariants"();
-- ---- procurement (issue 15) ----
-- Not a row rule but a PL/pgSQL function, so it lives here for the same reason (the offline migration engine splits
-- PL/pgSQL bodies): Φ(x), the standard normal CDF, for set-based stockout probabilities. Hart's double-precision
-- algorithm as given by G. West, "Better approximations to cumulative normal functions" (Wilmott, 2005), absolute error
-- below 1e-14: the same algorithm, term for term, as normalCdf in packages/domain/src/procurement/normal.ts, so SQL and
-- TypeScript agree. PL/pgSQL because it is the cheapest here: about 2 µs a call, against 9 µs for an inlined SQL
-- expression and 64 µs for a SQL function with a sub-select (measured on PostgreSQL 15).
CREATE OR REPLACE FUNCTION "ops_hub_normal_cdf"(x double precision) RETURNS double precision LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  a double precision := abs(x);
  lower double precision;
BEGIN
  IF a > 37 THEN
    lower := 0;
  ELSIF a < 7.07106781186547 THEN
    lower := exp(-a * a / 2) * ((((((0.0352624965998911 * a + 0.700383064443688) * a + 6.37396220353165) * a + 33.912866078383) * a + 112.079291497871) * a + 221.213596169931) * a + 220.206867912376)
      / (((((((0.0883883476483184 * a + 1.75566716318264) * a + 16.064177579207) * a + 86.7807322029461) * a + 296.564248779674) * a + 637.333633378831) * a + 793.826512519948) * a + 440.413735824752);
  ELSE
    lower := exp(-a * a / 2) / (a + 1 / (a + 2 / (a + 3 / (a + 4 / (a + 0.65))))) / 2.506628274631;
  END IF;
  RETURN CASE WHEN x > 0 THEN 1 - lower ELSE lower END;
END $$;
