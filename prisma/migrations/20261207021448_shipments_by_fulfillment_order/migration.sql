-- CreateIndex
CREATE INDEX "shipments_fulfillment_order_id_idx" ON "shipments"("fulfillment_order_id");
