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
