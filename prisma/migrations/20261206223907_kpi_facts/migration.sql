-- AlterTable
ALTER TABLE "order_lines" ADD COLUMN     "first_allocation_short" INTEGER;

-- AlterTable
ALTER TABLE "orders" ADD COLUMN     "parcels" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "returns" ADD COLUMN     "refunded_at" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "fulfillment_orders_shipped_at_idx" ON "fulfillment_orders"("shipped_at");

-- CreateIndex
CREATE INDEX "orders_shipped_at_idx" ON "orders"("shipped_at");

-- Backfill for a database written before these columns existed (new databases are seeded after this runs).
-- Parcels so far: one shipment each.
UPDATE "orders" o SET "parcels" = s.n FROM (SELECT "order_id", count(*)::int AS n FROM "shipments" GROUP BY "order_id") s WHERE s."order_id" = o."id";

-- A refund used to be recorded only when its return closed.
UPDATE "returns" SET "refunded_at" = "closed_at" WHERE "refund_status" = 'REFUNDED' AND "refunded_at" IS NULL;

-- Each order's first allocation outcome is in its timeline: fully allocated lines were short by 0, a backordered
-- order (nothing reserved) by its whole quantity, a partly allocated one by what its lines still wait for (exact
-- unless a cancellation or a later re-allocation has changed that since).
WITH "first_allocation" AS (
  SELECT DISTINCT ON ("order_id") "order_id", "to_status" FROM "order_events"
  WHERE "to_status" IN ('ALLOCATED', 'PARTIALLY_ALLOCATED', 'BACKORDERED')
  ORDER BY "order_id", "occurred_at", "id"
)
UPDATE "order_lines" ol SET "first_allocation_short" = CASE f."to_status"
    WHEN 'ALLOCATED' THEN 0 WHEN 'BACKORDERED' THEN ol."quantity" ELSE ol."backordered_quantity" END
FROM "first_allocation" f WHERE f."order_id" = ol."order_id" AND ol."first_allocation_short" IS NULL;
