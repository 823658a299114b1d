-- DropIndex
DROP INDEX "fulfillment_orders_order_id_location_id_key";

-- AlterTable
ALTER TABLE "fulfillment_orders" ADD COLUMN     "merged_into_id" INTEGER;

-- AlterTable
ALTER TABLE "order_lines" ADD COLUMN     "bundle_line_id" INTEGER,
ADD COLUMN     "is_bundle" BOOLEAN NOT NULL DEFAULT false;

-- CreateIndex
CREATE INDEX "fulfillment_orders_order_id_location_id_idx" ON "fulfillment_orders"("order_id", "location_id");

-- CreateIndex
CREATE INDEX "order_lines_bundle_line_id_idx" ON "order_lines"("bundle_line_id");

-- AddForeignKey
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_bundle_line_id_fkey" FOREIGN KEY ("bundle_line_id") REFERENCES "order_lines"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "fulfillment_orders" ADD CONSTRAINT "fulfillment_orders_merged_into_id_fkey" FOREIGN KEY ("merged_into_id") REFERENCES "fulfillment_orders"("id") ON DELETE SET NULL ON UPDATE CASCADE;
