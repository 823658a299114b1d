-- CreateEnum
CREATE TYPE "LeadTimeBasis" AS ENUM ('OBSERVED', 'PROMISED');

-- AlterEnum
ALTER TYPE "SuggestionStatus" ADD VALUE 'EXPIRED';

-- AlterTable
ALTER TABLE "purchase_orders" ADD COLUMN     "approved_at" TIMESTAMPTZ(3),
ADD COLUMN     "cancel_reason" TEXT,
ADD COLUMN     "cancelled_at" TIMESTAMPTZ(3),
ADD COLUMN     "cancelled_by" TEXT,
ADD COLUMN     "submitted_at" TIMESTAMPTZ(3),
ADD COLUMN     "submitted_by" TEXT;

-- AlterTable
ALTER TABLE "purchase_order_lines" ADD COLUMN     "damaged_quantity" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "receipt_lines" ADD COLUMN     "damaged_quantity" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "reorder_suggestions" ADD COLUMN     "abc_class" "AbcClass" NOT NULL DEFAULT 'C',
ADD COLUMN     "backordered" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "damaged" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "decision_note" TEXT,
ADD COLUMN     "demand_days_observed" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "demand_window_days" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "expected_shortage_units" DOUBLE PRECISION NOT NULL DEFAULT 0,
ADD COLUMN     "in_transit" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "incoming" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "lead_time_basis" "LeadTimeBasis" NOT NULL DEFAULT 'PROMISED',
ADD COLUMN     "lead_time_samples" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "minimum_order_quantity" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "need_by" TIMESTAMPTZ(3),
ADD COLUMN     "on_hand" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "pack_size" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "planned_at" TIMESTAMPTZ(3),
ADD COLUMN     "quality_control" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "reserved" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "review_period_days" DOUBLE PRECISION NOT NULL DEFAULT 0,
ADD COLUMN     "safety_stock" DOUBLE PRECISION NOT NULL DEFAULT 0,
ADD COLUMN     "service_level" DOUBLE PRECISION NOT NULL DEFAULT 0,
ADD COLUMN     "unrounded_quantity" DOUBLE PRECISION NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "receipts_purchase_order_id_idx" ON "receipts"("purchase_order_id");

-- CreateIndex
CREATE INDEX "receipt_lines_receipt_id_idx" ON "receipt_lines"("receipt_id");

-- CreateIndex
CREATE INDEX "receipt_lines_purchase_order_line_id_idx" ON "receipt_lines"("purchase_order_line_id");

-- CreateIndex
CREATE INDEX "reorder_suggestions_sku_id_location_id_idx" ON "reorder_suggestions"("sku_id", "location_id");


-- At most one OPEN suggestion per SKU x node: a planning run updates it in place (ON CONFLICT on this index),
-- and two runs at once (the nightly job, the reservation worker) cannot both insert one.
CREATE UNIQUE INDEX "reorder_suggestions_one_open" ON "reorder_suggestions" ("sku_id", "location_id") WHERE "status" = 'OPEN';

-- Open purchase orders by destination, for the "is this position already covered" checks.
CREATE INDEX "purchase_orders_open_by_location" ON "purchase_orders" ("location_id", "supplier_id") WHERE "status" NOT IN ('RECEIVED', 'CANCELLED');

-- The standard normal CDF, Phi(x), for set-based stockout probabilities: Hart's double-precision algorithm as given by
-- G. West, "Better approximations to cumulative normal functions" (Wilmott, 2005), absolute error below 1e-14. The
-- same algorithm is normalCdf in packages/domain/src/procurement/normal.ts, so SQL and TypeScript agree.
CREATE OR REPLACE FUNCTION "ops_hub_normal_cdf"(x double precision) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN x > 0 THEN 1 - t.lower ELSE t.lower END
  FROM (
    SELECT CASE
      WHEN a.v > 37 THEN 0::double precision
      WHEN a.v < 7.07106781186547 THEN
        exp(-a.v * a.v / 2)
        * ((((((0.0352624965998911 * a.v + 0.700383064443688) * a.v + 6.37396220353165) * a.v + 33.912866078383) * a.v + 112.079291497871) * a.v + 221.213596169931) * a.v + 220.206867912376)
        / (((((((0.0883883476483184 * a.v + 1.75566716318264) * a.v + 16.064177579207) * a.v + 86.7807322029461) * a.v + 296.564248779674) * a.v + 637.333633378831) * a.v + 793.826512519948) * a.v + 440.413735824752)
      ELSE exp(-a.v * a.v / 2) / (a.v + 1 / (a.v + 2 / (a.v + 3 / (a.v + 4 / (a.v + 0.65))))) / 2.506628274631
    END AS lower
    FROM (SELECT abs(x)::double precision AS v) a
  ) t
$$;
