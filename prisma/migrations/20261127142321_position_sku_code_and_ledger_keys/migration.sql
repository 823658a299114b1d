-- DropForeignKey
ALTER TABLE "inventory_events" DROP CONSTRAINT "inventory_events_stock_position_id_fkey";

-- DropForeignKey
ALTER TABLE "inventory_events" DROP CONSTRAINT "inventory_events_sku_id_fkey";

-- DropForeignKey
ALTER TABLE "inventory_events" DROP CONSTRAINT "inventory_events_location_id_fkey";

-- DropForeignKey
ALTER TABLE "adjustments" DROP CONSTRAINT "adjustments_stock_position_id_fkey";

-- DropForeignKey
ALTER TABLE "adjustments" DROP CONSTRAINT "adjustments_sku_id_fkey";

-- DropForeignKey
ALTER TABLE "adjustments" DROP CONSTRAINT "adjustments_location_id_fkey";

-- DropIndex
DROP INDEX "stock_positions_location_id_idx";

-- AlterTable
ALTER TABLE "stock_positions" ADD COLUMN     "sku_code" TEXT NOT NULL DEFAULT '';

-- Backfill before the unique index: from now on the stock_positions_sku_code trigger (prisma/invariants.sql) fills it.
UPDATE "stock_positions" sp SET "sku_code" = s."code" FROM "skus" s WHERE s."id" = sp."sku_id";

-- CreateIndex
CREATE UNIQUE INDEX "stock_positions_id_sku_id_location_id_key" ON "stock_positions"("id", "sku_id", "location_id");

-- CreateIndex
CREATE UNIQUE INDEX "stock_positions_location_id_sku_code_key" ON "stock_positions"("location_id", "sku_code");

-- AddForeignKey
ALTER TABLE "inventory_events" ADD CONSTRAINT "inventory_events_stock_position_id_sku_id_location_id_fkey" FOREIGN KEY ("stock_position_id", "sku_id", "location_id") REFERENCES "stock_positions"("id", "sku_id", "location_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "adjustments" ADD CONSTRAINT "adjustments_stock_position_id_sku_id_location_id_fkey" FOREIGN KEY ("stock_position_id", "sku_id", "location_id") REFERENCES "stock_positions"("id", "sku_id", "location_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Leave room on each page for the new version of a row: bucket updates (every reservation, every accepted feed
-- delta) can then stay on the page (HOT) instead of adding an entry to every index. Applies to pages written from
-- now on.
ALTER TABLE "stock_positions" SET (fillfactor = 90);
