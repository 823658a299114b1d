-- Human-readable document numbers (OH-100001, FO-..., ...) come from sequences so they are unique
-- without a round-trip. Created first because the table defaults below reference them.
CREATE SEQUENCE "order_number_seq" START 100001;
CREATE SEQUENCE "fulfillment_number_seq" START 500001;
CREATE SEQUENCE "transfer_number_seq" START 1001;
CREATE SEQUENCE "wave_number_seq" START 1001;
CREATE SEQUENCE "purchase_order_number_seq" START 20001;
CREATE SEQUENCE "return_number_seq" START 30001;

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('ADMIN', 'EXECUTIVE', 'OPERATIONS', 'PROCUREMENT', 'FINANCE', 'CUSTOMER_SERVICE', 'PARTNER');

-- CreateEnum
CREATE TYPE "AbcClass" AS ENUM ('A', 'B', 'C');

-- CreateEnum
CREATE TYPE "LocationKind" AS ENUM ('WAREHOUSE', 'THIRD_PARTY', 'STORE', 'SUPPLIER_DOCK');

-- CreateEnum
CREATE TYPE "ChannelKind" AS ENUM ('STOREFRONT', 'MARKETPLACE', 'WHOLESALE');

-- CreateEnum
CREATE TYPE "AllocationRuleKind" AS ENUM ('RESERVED_POOL', 'PERCENTAGE_CAP');

-- CreateEnum
CREATE TYPE "InventoryBucket" AS ENUM ('ON_HAND', 'RESERVED', 'DAMAGED', 'QUALITY_CONTROL', 'INCOMING', 'IN_TRANSIT', 'SAFETY_STOCK');

-- CreateEnum
CREATE TYPE "InventoryEventType" AS ENUM ('RECEIVED', 'RESERVED', 'RELEASED', 'PICKED', 'SHIPPED', 'ADJUSTED', 'COUNTED', 'TRANSFERRED_OUT', 'TRANSFERRED_IN', 'DAMAGED', 'QUALITY_HOLD', 'QUALITY_RELEASED', 'RETURNED', 'FEED_SYNCED', 'INCOMING_CHANGED');

-- CreateEnum
CREATE TYPE "AdjustmentReason" AS ENUM ('RECEIVED', 'DAMAGED', 'SHRINKAGE', 'FOUND', 'CORRECTION', 'CYCLE_COUNT', 'FEED_SYNC', 'RETURN', 'WRITE_OFF', 'QUALITY_HOLD', 'QUALITY_RELEASE');

-- CreateEnum
CREATE TYPE "AdjustmentStatus" AS ENUM ('PENDING_APPROVAL', 'APPLIED', 'REJECTED');

-- CreateEnum
CREATE TYPE "CycleCountStatus" AS ENUM ('SCHEDULED', 'RECOUNT_REQUESTED', 'PENDING_APPROVAL', 'COMPLETED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "TransferStatus" AS ENUM ('REQUESTED', 'APPROVED', 'IN_TRANSIT', 'RECEIVED', 'REJECTED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "InventoryFeedStatus" AS ENUM ('REJECTED', 'APPLIED', 'PENDING_REVIEW');

-- CreateEnum
CREATE TYPE "DiscrepancyStatus" AS ENUM ('PENDING', 'APPROVED', 'REJECTED');

-- CreateEnum
CREATE TYPE "OrderStatus" AS ENUM ('PENDING', 'ON_HOLD', 'VALIDATED', 'ALLOCATED', 'PARTIALLY_ALLOCATED', 'BACKORDERED', 'RELEASED', 'IN_FULFILLMENT', 'PARTIALLY_SHIPPED', 'SHIPPED', 'DELIVERED', 'CANCELLED', 'RETURN_REQUESTED', 'RETURNED');

-- CreateEnum
CREATE TYPE "HoldReason" AS ENUM ('PAYMENT', 'FRAUD', 'ADDRESS', 'LOW_CONFIDENCE_STOCK', 'MANUAL');

-- CreateEnum
CREATE TYPE "ServiceLevel" AS ENUM ('STANDARD', 'EXPRESS', 'SAME_DAY');

-- CreateEnum
CREATE TYPE "PaymentStatus" AS ENUM ('PENDING', 'AUTHORIZED', 'CAPTURED', 'FAILED', 'REFUNDED');

-- CreateEnum
CREATE TYPE "AllocationStatus" AS ENUM ('RESERVED', 'PICKED', 'SHIPPED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "FulfillmentStatus" AS ENUM ('OPEN', 'ON_HOLD', 'RELEASED', 'PICKING', 'PACKED', 'SHIPPED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "ShipmentStatus" AS ENUM ('LABEL_CREATED', 'HANDED_TO_CARRIER', 'IN_TRANSIT', 'OUT_FOR_DELIVERY', 'DELIVERED', 'DELIVERY_EXCEPTION', 'RETURNED_TO_SENDER');

-- CreateEnum
CREATE TYPE "PickWaveStatus" AS ENUM ('OPEN', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "PickTaskStatus" AS ENUM ('OPEN', 'PICKED', 'SHORT', 'CANCELLED');

-- CreateEnum
CREATE TYPE "PackVerificationResult" AS ENUM ('VERIFIED', 'MISMATCH');

-- CreateEnum
CREATE TYPE "PurchaseOrderStatus" AS ENUM ('DRAFT', 'PENDING_APPROVAL', 'APPROVED', 'SENT', 'PARTIALLY_RECEIVED', 'RECEIVED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "SuggestionStatus" AS ENUM ('OPEN', 'APPROVED', 'REJECTED', 'CONVERTED');

-- CreateEnum
CREATE TYPE "ReturnStatus" AS ENUM ('REQUESTED', 'RECEIVED', 'INSPECTED', 'CLOSED', 'REJECTED');

-- CreateEnum
CREATE TYPE "RefundStatus" AS ENUM ('NOT_STARTED', 'PENDING', 'REFUNDED', 'DENIED');

-- CreateEnum
CREATE TYPE "ReturnDisposition" AS ENUM ('RESTOCK', 'DAMAGED', 'SCRAP', 'RETURN_TO_VENDOR');

-- CreateEnum
CREATE TYPE "ExceptionType" AS ENUM ('PAYMENT_HOLD', 'FRAUD_REVIEW', 'ADDRESS_INVALID', 'STOCK_SHORTAGE', 'LOW_CONFIDENCE_STOCK', 'SHIP_BY_RISK', 'PICK_SHORT', 'PACK_MISMATCH', 'CARRIER_DELAY', 'FEED_DISCREPANCY', 'COUNT_VARIANCE', 'LEDGER_MISMATCH', 'ADJUSTMENT_APPROVAL', 'ADJUSTMENT_ANOMALY', 'TRANSFER_APPROVAL', 'REPLENISHMENT_RISK', 'LATE_PURCHASE_ORDER', 'RETURN_INSPECTION');

-- CreateEnum
CREATE TYPE "ExceptionSeverity" AS ENUM ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL');

-- CreateEnum
CREATE TYPE "ExceptionStatus" AS ENUM ('OPEN', 'IN_PROGRESS', 'RESOLVED');

-- CreateTable
CREATE TABLE "users" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "channel_id" INTEGER,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "secret_hash" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "channel_id" INTEGER,
    "created_by" TEXT NOT NULL,
    "last_used_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "settings" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updated_by" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "settings_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "products" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "category" TEXT,
    "description" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "products_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "skus" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "product_id" INTEGER,
    "unit_cost" DECIMAL(12,4) NOT NULL,
    "unit_price" DECIMAL(12,2),
    "abc_class" "AbcClass" NOT NULL DEFAULT 'C',
    "weight_grams" INTEGER,
    "is_bundle" BOOLEAN NOT NULL DEFAULT false,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "skus_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bundle_components" (
    "bundle_sku_id" INTEGER NOT NULL,
    "component_sku_id" INTEGER NOT NULL,
    "quantity" INTEGER NOT NULL,

    CONSTRAINT "bundle_components_pkey" PRIMARY KEY ("bundle_sku_id","component_sku_id")
);

-- CreateTable
CREATE TABLE "locations" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "LocationKind" NOT NULL,
    "is_fulfillment_node" BOOLEAN NOT NULL DEFAULT true,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "timezone" TEXT NOT NULL DEFAULT 'UTC',
    "cutoff_minutes" INTEGER NOT NULL DEFAULT 900,
    "daily_pick_capacity" INTEGER NOT NULL DEFAULT 1000,
    "daily_pack_capacity" INTEGER NOT NULL DEFAULT 1000,
    "shipping_cost_per_order" DECIMAL(10,2) NOT NULL DEFAULT 0,
    "country" TEXT NOT NULL DEFAULT 'US',
    "region" TEXT,
    "postal_code" TEXT,
    "latitude" DOUBLE PRECISION,
    "longitude" DOUBLE PRECISION,
    "feed_managed" BOOLEAN NOT NULL DEFAULT false,
    "last_feed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "locations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bins" (
    "id" SERIAL NOT NULL,
    "location_id" INTEGER NOT NULL,
    "code" TEXT NOT NULL,
    "zone" TEXT,
    "sequence" INTEGER NOT NULL DEFAULT 0,
    "active" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "bins_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "bin_stocks" (
    "bin_id" INTEGER NOT NULL,
    "sku_id" INTEGER NOT NULL,
    "quantity" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "bin_stocks_pkey" PRIMARY KEY ("bin_id","sku_id")
);

-- CreateTable
CREATE TABLE "node_day_loads" (
    "location_id" INTEGER NOT NULL,
    "day" DATE NOT NULL,
    "released" INTEGER NOT NULL DEFAULT 0,
    "picked" INTEGER NOT NULL DEFAULT 0,
    "packed" INTEGER NOT NULL DEFAULT 0,
    "shipped" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "node_day_loads_pkey" PRIMARY KEY ("location_id","day")
);

-- CreateTable
CREATE TABLE "holidays" (
    "id" SERIAL NOT NULL,
    "date" DATE NOT NULL,
    "name" TEXT NOT NULL,
    "location_id" INTEGER,

    CONSTRAINT "holidays_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "carrier_services" (
    "id" SERIAL NOT NULL,
    "carrier" TEXT NOT NULL,
    "service" TEXT NOT NULL,
    "transit_days_mean" DOUBLE PRECISION NOT NULL,
    "transit_days_max" INTEGER NOT NULL,
    "cost_per_shipment" DECIMAL(10,2) NOT NULL DEFAULT 0,
    "active" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "carrier_services_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "channels" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "ChannelKind" NOT NULL,
    "priority" INTEGER NOT NULL DEFAULT 100,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "channels_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "allocation_rules" (
    "id" SERIAL NOT NULL,
    "channel_id" INTEGER NOT NULL,
    "sku_id" INTEGER,
    "kind" "AllocationRuleKind" NOT NULL,
    "quantity" INTEGER,
    "percentage" DECIMAL(5,2),
    "priority" INTEGER NOT NULL DEFAULT 100,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "allocation_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "channel_reservations" (
    "channel_id" INTEGER NOT NULL,
    "sku_id" INTEGER NOT NULL,
    "reserved" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "channel_reservations_pkey" PRIMARY KEY ("channel_id","sku_id")
);

-- CreateTable
CREATE TABLE "stock_positions" (
    "id" SERIAL NOT NULL,
    "sku_id" INTEGER NOT NULL,
    "location_id" INTEGER NOT NULL,
    "on_hand" INTEGER NOT NULL DEFAULT 0,
    "reserved" INTEGER NOT NULL DEFAULT 0,
    "damaged" INTEGER NOT NULL DEFAULT 0,
    "quality_control" INTEGER NOT NULL DEFAULT 0,
    "incoming" INTEGER NOT NULL DEFAULT 0,
    "in_transit" INTEGER NOT NULL DEFAULT 0,
    "safety_stock" INTEGER NOT NULL DEFAULT 0,
    "last_counted_at" TIMESTAMPTZ(3),
    "last_feed_at" TIMESTAMPTZ(3),
    "confidence" DOUBLE PRECISION NOT NULL DEFAULT 1,
    "confidence_factors" JSONB,
    "confidence_updated_at" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "stock_positions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "inventory_events" (
    "id" SERIAL NOT NULL,
    "stock_position_id" INTEGER NOT NULL,
    "sku_id" INTEGER NOT NULL,
    "location_id" INTEGER NOT NULL,
    "type" "InventoryEventType" NOT NULL,
    "reason_code" TEXT,
    "actor" TEXT NOT NULL,
    "reference_document_uri" TEXT,
    "on_hand_delta" INTEGER NOT NULL DEFAULT 0,
    "reserved_delta" INTEGER NOT NULL DEFAULT 0,
    "damaged_delta" INTEGER NOT NULL DEFAULT 0,
    "quality_control_delta" INTEGER NOT NULL DEFAULT 0,
    "incoming_delta" INTEGER NOT NULL DEFAULT 0,
    "in_transit_delta" INTEGER NOT NULL DEFAULT 0,
    "safety_stock_delta" INTEGER NOT NULL DEFAULT 0,
    "order_id" INTEGER,
    "metadata" JSONB,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inventory_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "adjustments" (
    "id" SERIAL NOT NULL,
    "stock_position_id" INTEGER NOT NULL,
    "sku_id" INTEGER NOT NULL,
    "location_id" INTEGER NOT NULL,
    "bucket" "InventoryBucket" NOT NULL DEFAULT 'ON_HAND',
    "quantity_delta" INTEGER NOT NULL,
    "reason" "AdjustmentReason" NOT NULL,
    "status" "AdjustmentStatus" NOT NULL,
    "reference_document_uri" TEXT,
    "note" TEXT,
    "expected_quantity" INTEGER,
    "value_delta" DECIMAL(14,2) NOT NULL,
    "requested_by" TEXT NOT NULL,
    "decided_by" TEXT,
    "decided_at" TIMESTAMPTZ(3),
    "decision_note" TEXT,
    "idempotency_key" TEXT,
    "anomaly_score" DOUBLE PRECISION,
    "anomaly_flags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "applied_at" TIMESTAMPTZ(3),

    CONSTRAINT "adjustments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cycle_counts" (
    "id" SERIAL NOT NULL,
    "stock_position_id" INTEGER NOT NULL,
    "sku_id" INTEGER NOT NULL,
    "location_id" INTEGER NOT NULL,
    "status" "CycleCountStatus" NOT NULL DEFAULT 'SCHEDULED',
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "attempt" INTEGER NOT NULL DEFAULT 0,
    "book_quantity" INTEGER,
    "counted_quantity" INTEGER,
    "variance" INTEGER,
    "variance_ratio" DOUBLE PRECISION,
    "within_tolerance" BOOLEAN,
    "counted_by" TEXT,
    "counted_at" TIMESTAMPTZ(3),
    "adjustment_id" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cycle_counts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "transfers" (
    "id" SERIAL NOT NULL,
    "number" TEXT NOT NULL DEFAULT ('TR-'::text || nextval('transfer_number_seq'::regclass)),
    "from_location_id" INTEGER NOT NULL,
    "to_location_id" INTEGER NOT NULL,
    "status" "TransferStatus" NOT NULL DEFAULT 'REQUESTED',
    "requested_by" TEXT NOT NULL,
    "approved_by" TEXT,
    "shipped_at" TIMESTAMPTZ(3),
    "received_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "transfers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "transfer_lines" (
    "id" SERIAL NOT NULL,
    "transfer_id" INTEGER NOT NULL,
    "sku_id" INTEGER NOT NULL,
    "quantity" INTEGER NOT NULL,
    "received_quantity" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "transfer_lines_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "inventory_feeds" (
    "id" SERIAL NOT NULL,
    "location_id" INTEGER NOT NULL,
    "as_of" TIMESTAMPTZ(3) NOT NULL,
    "file_name" TEXT,
    "status" "InventoryFeedStatus" NOT NULL,
    "rows_read" INTEGER NOT NULL DEFAULT 0,
    "accepted" INTEGER NOT NULL DEFAULT 0,
    "rejected" INTEGER NOT NULL DEFAULT 0,
    "discrepancies" INTEGER NOT NULL DEFAULT 0,
    "imported_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inventory_feeds_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "feed_discrepancies" (
    "id" SERIAL NOT NULL,
    "feed_id" INTEGER NOT NULL,
    "stock_position_id" INTEGER NOT NULL,
    "book_quantity" INTEGER NOT NULL,
    "feed_quantity" INTEGER NOT NULL,
    "delta" INTEGER NOT NULL,
    "status" "DiscrepancyStatus" NOT NULL DEFAULT 'PENDING',
    "decided_by" TEXT,
    "decided_at" TIMESTAMPTZ(3),

    CONSTRAINT "feed_discrepancies_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "orders" (
    "id" SERIAL NOT NULL,
    "number" TEXT NOT NULL DEFAULT ('OH-'::text || nextval('order_number_seq'::regclass)),
    "channel_id" INTEGER NOT NULL,
    "external_id" TEXT NOT NULL,
    "status" "OrderStatus" NOT NULL DEFAULT 'PENDING',
    "holds" "HoldReason"[] DEFAULT ARRAY[]::"HoldReason"[],
    "service_level" "ServiceLevel" NOT NULL DEFAULT 'STANDARD',
    "priority" INTEGER NOT NULL DEFAULT 100,
    "placed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ship_by" TIMESTAMPTZ(3),
    "promised_delivery_by" TIMESTAMPTZ(3),
    "customer_email" TEXT NOT NULL,
    "customer_name" TEXT NOT NULL,
    "customer_phone" TEXT,
    "ship_to_name" TEXT NOT NULL,
    "ship_to_line1" TEXT NOT NULL,
    "ship_to_line2" TEXT,
    "ship_to_city" TEXT NOT NULL,
    "ship_to_region" TEXT,
    "ship_to_postal_code" TEXT NOT NULL,
    "ship_to_country" TEXT NOT NULL,
    "payment_status" "PaymentStatus" NOT NULL,
    "fraud_score" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "currency" TEXT NOT NULL DEFAULT 'USD',
    "total_amount" DECIMAL(14,2) NOT NULL DEFAULT 0,
    "expedited_cost" DECIMAL(10,2) NOT NULL DEFAULT 0,
    "routing" JSONB,
    "cancel_reason" TEXT,
    "cancelled_at" TIMESTAMPTZ(3),
    "shipped_at" TIMESTAMPTZ(3),
    "delivered_at" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "orders_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "order_lines" (
    "id" SERIAL NOT NULL,
    "order_id" INTEGER NOT NULL,
    "line_number" INTEGER NOT NULL,
    "sku_id" INTEGER NOT NULL,
    "quantity" INTEGER NOT NULL,
    "unit_price" DECIMAL(12,2) NOT NULL,
    "allocated_quantity" INTEGER NOT NULL DEFAULT 0,
    "backordered_quantity" INTEGER NOT NULL DEFAULT 0,
    "shipped_quantity" INTEGER NOT NULL DEFAULT 0,
    "cancelled_quantity" INTEGER NOT NULL DEFAULT 0,
    "returned_quantity" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "order_lines_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "allocations" (
    "id" SERIAL NOT NULL,
    "order_line_id" INTEGER NOT NULL,
    "location_id" INTEGER NOT NULL,
    "fulfillment_order_id" INTEGER,
    "quantity" INTEGER NOT NULL,
    "status" "AllocationStatus" NOT NULL DEFAULT 'RESERVED',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "allocations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "fulfillment_orders" (
    "id" SERIAL NOT NULL,
    "number" TEXT NOT NULL DEFAULT ('FO-'::text || nextval('fulfillment_number_seq'::regclass)),
    "order_id" INTEGER NOT NULL,
    "location_id" INTEGER NOT NULL,
    "status" "FulfillmentStatus" NOT NULL DEFAULT 'OPEN',
    "priority" INTEGER NOT NULL DEFAULT 100,
    "ship_by" TIMESTAMPTZ(3),
    "pick_wave_id" INTEGER,
    "released_at" TIMESTAMPTZ(3),
    "packed_at" TIMESTAMPTZ(3),
    "shipped_at" TIMESTAMPTZ(3),
    "cancelled_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "fulfillment_orders_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "shipments" (
    "id" SERIAL NOT NULL,
    "fulfillment_order_id" INTEGER NOT NULL,
    "order_id" INTEGER NOT NULL,
    "carrier" TEXT NOT NULL,
    "service" TEXT NOT NULL,
    "tracking_number" TEXT NOT NULL,
    "weight_grams" INTEGER,
    "status" "ShipmentStatus" NOT NULL DEFAULT 'LABEL_CREATED',
    "status_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "shipped_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "handed_to_carrier_at" TIMESTAMPTZ(3),
    "delivered_at" TIMESTAMPTZ(3),
    "projected_delivery_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "shipments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "shipment_milestones" (
    "id" SERIAL NOT NULL,
    "shipment_id" INTEGER NOT NULL,
    "status" "ShipmentStatus" NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "location" TEXT,
    "description" TEXT,
    "source" TEXT NOT NULL DEFAULT 'api',
    "external_event_id" TEXT,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "shipment_milestones_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "order_events" (
    "id" SERIAL NOT NULL,
    "order_id" INTEGER NOT NULL,
    "kind" TEXT NOT NULL,
    "from_status" "OrderStatus",
    "to_status" "OrderStatus",
    "title" TEXT NOT NULL,
    "detail" TEXT,
    "actor" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "order_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pick_waves" (
    "id" SERIAL NOT NULL,
    "number" TEXT NOT NULL DEFAULT ('WV-'::text || nextval('wave_number_seq'::regclass)),
    "location_id" INTEGER NOT NULL,
    "status" "PickWaveStatus" NOT NULL DEFAULT 'OPEN',
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "pick_waves_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pick_tasks" (
    "id" SERIAL NOT NULL,
    "wave_id" INTEGER NOT NULL,
    "fulfillment_order_id" INTEGER NOT NULL,
    "allocation_id" INTEGER,
    "bin_id" INTEGER NOT NULL,
    "sku_id" INTEGER NOT NULL,
    "quantity" INTEGER NOT NULL,
    "picked_quantity" INTEGER NOT NULL DEFAULT 0,
    "status" "PickTaskStatus" NOT NULL DEFAULT 'OPEN',
    "sequence" INTEGER NOT NULL DEFAULT 0,
    "confirmed_by" TEXT,
    "confirmed_at" TIMESTAMPTZ(3),

    CONSTRAINT "pick_tasks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pack_verifications" (
    "id" SERIAL NOT NULL,
    "fulfillment_order_id" INTEGER NOT NULL,
    "result" "PackVerificationResult" NOT NULL,
    "scanned_items" JSONB NOT NULL,
    "mismatches" JSONB,
    "verified_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pack_verifications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "suppliers" (
    "id" SERIAL NOT NULL,
    "code" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "contact_email" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "suppliers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "supplier_skus" (
    "id" SERIAL NOT NULL,
    "supplier_id" INTEGER NOT NULL,
    "sku_id" INTEGER NOT NULL,
    "supplier_sku_code" TEXT,
    "lead_time_mean_days" DOUBLE PRECISION NOT NULL,
    "lead_time_std_dev_days" DOUBLE PRECISION NOT NULL,
    "minimum_order_quantity" INTEGER NOT NULL DEFAULT 1,
    "pack_size" INTEGER NOT NULL DEFAULT 1,
    "unit_cost" DECIMAL(12,4) NOT NULL,
    "is_primary" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "supplier_skus_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "purchase_orders" (
    "id" SERIAL NOT NULL,
    "number" TEXT NOT NULL DEFAULT ('PO-'::text || nextval('purchase_order_number_seq'::regclass)),
    "supplier_id" INTEGER NOT NULL,
    "location_id" INTEGER NOT NULL,
    "status" "PurchaseOrderStatus" NOT NULL DEFAULT 'DRAFT',
    "ordered_at" TIMESTAMPTZ(3),
    "expected_at" TIMESTAMPTZ(3),
    "received_at" TIMESTAMPTZ(3),
    "created_by" TEXT NOT NULL,
    "approved_by" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "purchase_orders_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "purchase_order_lines" (
    "id" SERIAL NOT NULL,
    "purchase_order_id" INTEGER NOT NULL,
    "sku_id" INTEGER NOT NULL,
    "quantity" INTEGER NOT NULL,
    "received_quantity" INTEGER NOT NULL DEFAULT 0,
    "unit_cost" DECIMAL(12,4) NOT NULL,

    CONSTRAINT "purchase_order_lines_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "receipts" (
    "id" SERIAL NOT NULL,
    "purchase_order_id" INTEGER NOT NULL,
    "location_id" INTEGER NOT NULL,
    "received_by" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "receipts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "receipt_lines" (
    "id" SERIAL NOT NULL,
    "receipt_id" INTEGER NOT NULL,
    "purchase_order_line_id" INTEGER NOT NULL,
    "sku_id" INTEGER NOT NULL,
    "quantity" INTEGER NOT NULL,

    CONSTRAINT "receipt_lines_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reorder_suggestions" (
    "id" SERIAL NOT NULL,
    "sku_id" INTEGER NOT NULL,
    "location_id" INTEGER NOT NULL,
    "supplier_id" INTEGER NOT NULL,
    "status" "SuggestionStatus" NOT NULL DEFAULT 'OPEN',
    "daily_demand_mean" DOUBLE PRECISION NOT NULL,
    "daily_demand_std_dev" DOUBLE PRECISION NOT NULL,
    "lead_time_mean_days" DOUBLE PRECISION NOT NULL,
    "lead_time_std_dev_days" DOUBLE PRECISION NOT NULL,
    "service_level_z" DOUBLE PRECISION NOT NULL,
    "reorder_point" DOUBLE PRECISION NOT NULL,
    "order_up_to" DOUBLE PRECISION NOT NULL,
    "inventory_position" INTEGER NOT NULL,
    "suggested_quantity" INTEGER NOT NULL,
    "stockout_probability" DOUBLE PRECISION,
    "purchase_order_id" INTEGER,
    "decided_by" TEXT,
    "decided_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "reorder_suggestions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "returns" (
    "id" SERIAL NOT NULL,
    "number" TEXT NOT NULL DEFAULT ('RMA-'::text || nextval('return_number_seq'::regclass)),
    "order_id" INTEGER NOT NULL,
    "location_id" INTEGER,
    "status" "ReturnStatus" NOT NULL DEFAULT 'REQUESTED',
    "refund_status" "RefundStatus" NOT NULL DEFAULT 'NOT_STARTED',
    "refund_amount" DECIMAL(14,2) NOT NULL DEFAULT 0,
    "requested_by" TEXT NOT NULL,
    "requested_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "received_at" TIMESTAMPTZ(3),
    "closed_at" TIMESTAMPTZ(3),

    CONSTRAINT "returns_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "return_lines" (
    "id" SERIAL NOT NULL,
    "return_id" INTEGER NOT NULL,
    "order_line_id" INTEGER NOT NULL,
    "sku_id" INTEGER NOT NULL,
    "quantity" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "received_quantity" INTEGER NOT NULL DEFAULT 0,
    "disposition" "ReturnDisposition",
    "inspection_note" TEXT,
    "inspected_by" TEXT,
    "inspected_at" TIMESTAMPTZ(3),

    CONSTRAINT "return_lines_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "exceptions" (
    "id" SERIAL NOT NULL,
    "type" "ExceptionType" NOT NULL,
    "severity" "ExceptionSeverity" NOT NULL,
    "owner_role" "Role" NOT NULL,
    "status" "ExceptionStatus" NOT NULL DEFAULT 'OPEN',
    "subject_type" TEXT NOT NULL,
    "subject_id" INTEGER NOT NULL,
    "order_id" INTEGER,
    "stock_position_id" INTEGER,
    "title" TEXT NOT NULL,
    "detail" TEXT,
    "data" JSONB,
    "due_by" TIMESTAMPTZ(3) NOT NULL,
    "escalation_level" INTEGER NOT NULL DEFAULT 0,
    "assigned_to" TEXT,
    "resolved_by" TEXT,
    "resolved_at" TIMESTAMPTZ(3),
    "resolution" TEXT,
    "dedupe_key" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "exceptions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "idempotency_records" (
    "scope" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "response" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "idempotency_records_pkey" PRIMARY KEY ("scope","key")
);

-- CreateTable
CREATE TABLE "outbox_events" (
    "id" SERIAL NOT NULL,
    "topic" TEXT NOT NULL,
    "aggregate_type" TEXT NOT NULL,
    "aggregate_id" INTEGER NOT NULL,
    "payload" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),

    CONSTRAINT "outbox_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_prefix_key" ON "api_keys"("prefix");

-- CreateIndex
CREATE UNIQUE INDEX "products_code_key" ON "products"("code");

-- CreateIndex
CREATE UNIQUE INDEX "skus_code_key" ON "skus"("code");

-- CreateIndex
CREATE UNIQUE INDEX "locations_code_key" ON "locations"("code");

-- CreateIndex
CREATE UNIQUE INDEX "bins_location_id_code_key" ON "bins"("location_id", "code");

-- CreateIndex
CREATE INDEX "bin_stocks_sku_id_idx" ON "bin_stocks"("sku_id");

-- CreateIndex
CREATE UNIQUE INDEX "holidays_date_location_id_key" ON "holidays"("date", "location_id");

-- CreateIndex
CREATE UNIQUE INDEX "carrier_services_carrier_service_key" ON "carrier_services"("carrier", "service");

-- CreateIndex
CREATE UNIQUE INDEX "channels_code_key" ON "channels"("code");

-- CreateIndex
CREATE INDEX "allocation_rules_channel_id_sku_id_idx" ON "allocation_rules"("channel_id", "sku_id");

-- CreateIndex
CREATE INDEX "stock_positions_location_id_idx" ON "stock_positions"("location_id");

-- CreateIndex
CREATE INDEX "stock_positions_confidence_idx" ON "stock_positions"("confidence");

-- CreateIndex
CREATE UNIQUE INDEX "stock_positions_sku_id_location_id_key" ON "stock_positions"("sku_id", "location_id");

-- CreateIndex
CREATE INDEX "inventory_events_stock_position_id_id_idx" ON "inventory_events"("stock_position_id", "id");

-- CreateIndex
CREATE INDEX "inventory_events_occurred_at_idx" ON "inventory_events"("occurred_at");

-- CreateIndex
CREATE INDEX "inventory_events_order_id_idx" ON "inventory_events"("order_id");

-- CreateIndex
CREATE INDEX "adjustments_stock_position_id_created_at_idx" ON "adjustments"("stock_position_id", "created_at");

-- CreateIndex
CREATE INDEX "adjustments_status_idx" ON "adjustments"("status");

-- CreateIndex
CREATE INDEX "adjustments_requested_by_created_at_idx" ON "adjustments"("requested_by", "created_at");

-- CreateIndex
CREATE INDEX "cycle_counts_location_id_status_due_at_idx" ON "cycle_counts"("location_id", "status", "due_at");

-- CreateIndex
CREATE INDEX "cycle_counts_stock_position_id_idx" ON "cycle_counts"("stock_position_id");

-- CreateIndex
CREATE UNIQUE INDEX "transfers_number_key" ON "transfers"("number");

-- CreateIndex
CREATE INDEX "feed_discrepancies_stock_position_id_status_idx" ON "feed_discrepancies"("stock_position_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "orders_number_key" ON "orders"("number");

-- CreateIndex
CREATE INDEX "orders_status_placed_at_idx" ON "orders"("status", "placed_at");

-- CreateIndex
CREATE INDEX "orders_customer_email_idx" ON "orders"("customer_email");

-- CreateIndex
CREATE INDEX "orders_placed_at_idx" ON "orders"("placed_at");

-- CreateIndex
CREATE UNIQUE INDEX "orders_channel_id_external_id_key" ON "orders"("channel_id", "external_id");

-- CreateIndex
CREATE INDEX "order_lines_sku_id_idx" ON "order_lines"("sku_id");

-- CreateIndex
CREATE UNIQUE INDEX "order_lines_order_id_line_number_key" ON "order_lines"("order_id", "line_number");

-- CreateIndex
CREATE INDEX "allocations_order_line_id_idx" ON "allocations"("order_line_id");

-- CreateIndex
CREATE INDEX "allocations_fulfillment_order_id_idx" ON "allocations"("fulfillment_order_id");

-- CreateIndex
CREATE UNIQUE INDEX "fulfillment_orders_number_key" ON "fulfillment_orders"("number");

-- CreateIndex
CREATE INDEX "fulfillment_orders_location_id_status_priority_idx" ON "fulfillment_orders"("location_id", "status", "priority");

-- CreateIndex
CREATE UNIQUE INDEX "fulfillment_orders_order_id_location_id_key" ON "fulfillment_orders"("order_id", "location_id");

-- CreateIndex
CREATE UNIQUE INDEX "shipments_tracking_number_key" ON "shipments"("tracking_number");

-- CreateIndex
CREATE INDEX "shipments_order_id_idx" ON "shipments"("order_id");

-- CreateIndex
CREATE INDEX "shipments_status_idx" ON "shipments"("status");

-- CreateIndex
CREATE UNIQUE INDEX "shipment_milestones_shipment_id_status_occurred_at_key" ON "shipment_milestones"("shipment_id", "status", "occurred_at");

-- CreateIndex
CREATE INDEX "order_events_order_id_occurred_at_idx" ON "order_events"("order_id", "occurred_at");

-- CreateIndex
CREATE UNIQUE INDEX "pick_waves_number_key" ON "pick_waves"("number");

-- CreateIndex
CREATE INDEX "pick_tasks_wave_id_sequence_idx" ON "pick_tasks"("wave_id", "sequence");

-- CreateIndex
CREATE INDEX "pick_tasks_fulfillment_order_id_idx" ON "pick_tasks"("fulfillment_order_id");

-- CreateIndex
CREATE INDEX "pack_verifications_fulfillment_order_id_idx" ON "pack_verifications"("fulfillment_order_id");

-- CreateIndex
CREATE UNIQUE INDEX "suppliers_code_key" ON "suppliers"("code");

-- CreateIndex
CREATE INDEX "supplier_skus_sku_id_idx" ON "supplier_skus"("sku_id");

-- CreateIndex
CREATE UNIQUE INDEX "supplier_skus_supplier_id_sku_id_key" ON "supplier_skus"("supplier_id", "sku_id");

-- CreateIndex
CREATE UNIQUE INDEX "purchase_orders_number_key" ON "purchase_orders"("number");

-- CreateIndex
CREATE INDEX "purchase_orders_status_expected_at_idx" ON "purchase_orders"("status", "expected_at");

-- CreateIndex
CREATE INDEX "purchase_order_lines_purchase_order_id_idx" ON "purchase_order_lines"("purchase_order_id");

-- CreateIndex
CREATE INDEX "purchase_order_lines_sku_id_idx" ON "purchase_order_lines"("sku_id");

-- CreateIndex
CREATE INDEX "reorder_suggestions_status_created_at_idx" ON "reorder_suggestions"("status", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "returns_number_key" ON "returns"("number");

-- CreateIndex
CREATE INDEX "returns_order_id_idx" ON "returns"("order_id");

-- CreateIndex
CREATE INDEX "exceptions_status_owner_role_due_by_idx" ON "exceptions"("status", "owner_role", "due_by");

-- CreateIndex
CREATE INDEX "exceptions_type_status_idx" ON "exceptions"("type", "status");

-- CreateIndex
CREATE INDEX "exceptions_subject_type_subject_id_idx" ON "exceptions"("subject_type", "subject_id");

-- CreateIndex
CREATE INDEX "exceptions_order_id_idx" ON "exceptions"("order_id");

-- CreateIndex
CREATE INDEX "outbox_events_published_at_id_idx" ON "outbox_events"("published_at", "id");

-- AddForeignKey
ALTER TABLE "users" ADD CONSTRAINT "users_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "channels"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "channels"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "skus" ADD CONSTRAINT "skus_product_id_fkey" FOREIGN KEY ("product_id") REFERENCES "products"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bundle_components" ADD CONSTRAINT "bundle_components_bundle_sku_id_fkey" FOREIGN KEY ("bundle_sku_id") REFERENCES "skus"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bundle_components" ADD CONSTRAINT "bundle_components_component_sku_id_fkey" FOREIGN KEY ("component_sku_id") REFERENCES "skus"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bins" ADD CONSTRAINT "bins_location_id_fkey" FOREIGN KEY ("location_id") REFERENCES "locations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bin_stocks" ADD CONSTRAINT "bin_stocks_bin_id_fkey" FOREIGN KEY ("bin_id") REFERENCES "bins"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "bin_stocks" ADD CONSTRAINT "bin_stocks_sku_id_fkey" FOREIGN KEY ("sku_id") REFERENCES "skus"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "node_day_loads" ADD CONSTRAINT "node_day_loads_location_id_fkey" FOREIGN KEY ("location_id") REFERENCES "locations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "holidays" ADD CONSTRAINT "holidays_location_id_fkey" FOREIGN KEY ("location_id") REFERENCES "locations"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "allocation_rules" ADD CONSTRAINT "allocation_rules_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "channels"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "allocation_rules" ADD CONSTRAINT "allocation_rules_sku_id_fkey" FOREIGN KEY ("sku_id") REFERENCES "skus"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "channel_reservations" ADD CONSTRAINT "channel_reservations_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "channels"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "channel_reservations" ADD CONSTRAINT "channel_reservations_sku_id_fkey" FOREIGN KEY ("sku_id") REFERENCES "skus"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stock_positions" ADD CONSTRAINT "stock_positions_sku_id_fkey" FOREIGN KEY ("sku_id") REFERENCES "skus"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "stock_positions" ADD CONSTRAINT "stock_positions_location_id_fkey" FOREIGN KEY ("location_id") REFERENCES "locations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "inventory_events" ADD CONSTRAINT "inventory_events_stock_position_id_fkey" FOREIGN KEY ("stock_position_id") REFERENCES "stock_positions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "inventory_events" ADD CONSTRAINT "inventory_events_sku_id_fkey" FOREIGN KEY ("sku_id") REFERENCES "skus"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "inventory_events" ADD CONSTRAINT "inventory_events_location_id_fkey" FOREIGN KEY ("location_id") REFERENCES "locations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "inventory_events" ADD CONSTRAINT "inventory_events_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "adjustments" ADD CONSTRAINT "adjustments_stock_position_id_fkey" FOREIGN KEY ("stock_position_id") REFERENCES "stock_positions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "adjustments" ADD CONSTRAINT "adjustments_sku_id_fkey" FOREIGN KEY ("sku_id") REFERENCES "skus"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "adjustments" ADD CONSTRAINT "adjustments_location_id_fkey" FOREIGN KEY ("location_id") REFERENCES "locations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cycle_counts" ADD CONSTRAINT "cycle_counts_adjustment_id_fkey" FOREIGN KEY ("adjustment_id") REFERENCES "adjustments"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cycle_counts" ADD CONSTRAINT "cycle_counts_stock_position_id_fkey" FOREIGN KEY ("stock_position_id") REFERENCES "stock_positions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cycle_counts" ADD CONSTRAINT "cycle_counts_sku_id_fkey" FOREIGN KEY ("sku_id") REFERENCES "skus"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cycle_counts" ADD CONSTRAINT "cycle_counts_location_id_fkey" FOREIGN KEY ("location_id") REFERENCES "locations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "transfers" ADD CONSTRAINT "transfers_from_location_id_fkey" FOREIGN KEY ("from_location_id") REFERENCES "locations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "transfers" ADD CONSTRAINT "transfers_to_location_id_fkey" FOREIGN KEY ("to_location_id") REFERENCES "locations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "transfer_lines" ADD CONSTRAINT "transfer_lines_transfer_id_fkey" FOREIGN KEY ("transfer_id") REFERENCES "transfers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "transfer_lines" ADD CONSTRAINT "transfer_lines_sku_id_fkey" FOREIGN KEY ("sku_id") REFERENCES "skus"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "inventory_feeds" ADD CONSTRAINT "inventory_feeds_location_id_fkey" FOREIGN KEY ("location_id") REFERENCES "locations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "feed_discrepancies" ADD CONSTRAINT "feed_discrepancies_feed_id_fkey" FOREIGN KEY ("feed_id") REFERENCES "inventory_feeds"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "feed_discrepancies" ADD CONSTRAINT "feed_discrepancies_stock_position_id_fkey" FOREIGN KEY ("stock_position_id") REFERENCES "stock_positions"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "orders" ADD CONSTRAINT "orders_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "channels"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_sku_id_fkey" FOREIGN KEY ("sku_id") REFERENCES "skus"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "allocations" ADD CONSTRAINT "allocations_order_line_id_fkey" FOREIGN KEY ("order_line_id") REFERENCES "order_lines"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "allocations" ADD CONSTRAINT "allocations_location_id_fkey" FOREIGN KEY ("location_id") REFERENCES "locations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "allocations" ADD CONSTRAINT "allocations_fulfillment_order_id_fkey" FOREIGN KEY ("fulfillment_order_id") REFERENCES "fulfillment_orders"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "fulfillment_orders" ADD CONSTRAINT "fulfillment_orders_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "fulfillment_orders" ADD CONSTRAINT "fulfillment_orders_location_id_fkey" FOREIGN KEY ("location_id") REFERENCES "locations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "fulfillment_orders" ADD CONSTRAINT "fulfillment_orders_pick_wave_id_fkey" FOREIGN KEY ("pick_wave_id") REFERENCES "pick_waves"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "shipments" ADD CONSTRAINT "shipments_fulfillment_order_id_fkey" FOREIGN KEY ("fulfillment_order_id") REFERENCES "fulfillment_orders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "shipments" ADD CONSTRAINT "shipments_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "shipment_milestones" ADD CONSTRAINT "shipment_milestones_shipment_id_fkey" FOREIGN KEY ("shipment_id") REFERENCES "shipments"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order_events" ADD CONSTRAINT "order_events_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pick_waves" ADD CONSTRAINT "pick_waves_location_id_fkey" FOREIGN KEY ("location_id") REFERENCES "locations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pick_tasks" ADD CONSTRAINT "pick_tasks_wave_id_fkey" FOREIGN KEY ("wave_id") REFERENCES "pick_waves"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pick_tasks" ADD CONSTRAINT "pick_tasks_fulfillment_order_id_fkey" FOREIGN KEY ("fulfillment_order_id") REFERENCES "fulfillment_orders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pick_tasks" ADD CONSTRAINT "pick_tasks_allocation_id_fkey" FOREIGN KEY ("allocation_id") REFERENCES "allocations"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pick_tasks" ADD CONSTRAINT "pick_tasks_bin_id_fkey" FOREIGN KEY ("bin_id") REFERENCES "bins"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pick_tasks" ADD CONSTRAINT "pick_tasks_sku_id_fkey" FOREIGN KEY ("sku_id") REFERENCES "skus"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pack_verifications" ADD CONSTRAINT "pack_verifications_fulfillment_order_id_fkey" FOREIGN KEY ("fulfillment_order_id") REFERENCES "fulfillment_orders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "supplier_skus" ADD CONSTRAINT "supplier_skus_supplier_id_fkey" FOREIGN KEY ("supplier_id") REFERENCES "suppliers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "supplier_skus" ADD CONSTRAINT "supplier_skus_sku_id_fkey" FOREIGN KEY ("sku_id") REFERENCES "skus"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "purchase_orders" ADD CONSTRAINT "purchase_orders_supplier_id_fkey" FOREIGN KEY ("supplier_id") REFERENCES "suppliers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "purchase_orders" ADD CONSTRAINT "purchase_orders_location_id_fkey" FOREIGN KEY ("location_id") REFERENCES "locations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "purchase_order_lines" ADD CONSTRAINT "purchase_order_lines_purchase_order_id_fkey" FOREIGN KEY ("purchase_order_id") REFERENCES "purchase_orders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "purchase_order_lines" ADD CONSTRAINT "purchase_order_lines_sku_id_fkey" FOREIGN KEY ("sku_id") REFERENCES "skus"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "receipts" ADD CONSTRAINT "receipts_purchase_order_id_fkey" FOREIGN KEY ("purchase_order_id") REFERENCES "purchase_orders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "receipts" ADD CONSTRAINT "receipts_location_id_fkey" FOREIGN KEY ("location_id") REFERENCES "locations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "receipt_lines" ADD CONSTRAINT "receipt_lines_receipt_id_fkey" FOREIGN KEY ("receipt_id") REFERENCES "receipts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "receipt_lines" ADD CONSTRAINT "receipt_lines_purchase_order_line_id_fkey" FOREIGN KEY ("purchase_order_line_id") REFERENCES "purchase_order_lines"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "receipt_lines" ADD CONSTRAINT "receipt_lines_sku_id_fkey" FOREIGN KEY ("sku_id") REFERENCES "skus"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reorder_suggestions" ADD CONSTRAINT "reorder_suggestions_sku_id_fkey" FOREIGN KEY ("sku_id") REFERENCES "skus"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reorder_suggestions" ADD CONSTRAINT "reorder_suggestions_location_id_fkey" FOREIGN KEY ("location_id") REFERENCES "locations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reorder_suggestions" ADD CONSTRAINT "reorder_suggestions_supplier_id_fkey" FOREIGN KEY ("supplier_id") REFERENCES "suppliers"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "reorder_suggestions" ADD CONSTRAINT "reorder_suggestions_purchase_order_id_fkey" FOREIGN KEY ("purchase_order_id") REFERENCES "purchase_orders"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "returns" ADD CONSTRAINT "returns_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "returns" ADD CONSTRAINT "returns_location_id_fkey" FOREIGN KEY ("location_id") REFERENCES "locations"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "return_lines" ADD CONSTRAINT "return_lines_return_id_fkey" FOREIGN KEY ("return_id") REFERENCES "returns"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "return_lines" ADD CONSTRAINT "return_lines_order_line_id_fkey" FOREIGN KEY ("order_line_id") REFERENCES "order_lines"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "return_lines" ADD CONSTRAINT "return_lines_sku_id_fkey" FOREIGN KEY ("sku_id") REFERENCES "skus"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "exceptions" ADD CONSTRAINT "exceptions_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "orders"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "exceptions" ADD CONSTRAINT "exceptions_stock_position_id_fkey" FOREIGN KEY ("stock_position_id") REFERENCES "stock_positions"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- One open exception per dedupe key, so a retried workflow step cannot open the same exception twice.
CREATE UNIQUE INDEX "exceptions_open_dedupe_key" ON "exceptions" ("dedupe_key") WHERE "status" <> 'RESOLVED' AND "dedupe_key" IS NOT NULL;
-- Customer-service lookup is case-insensitive on e-mail and external ids.
CREATE INDEX "orders_customer_email_lower" ON "orders" (lower("customer_email"));
CREATE INDEX "orders_external_id_lower" ON "orders" (lower("external_id"));
-- The outbox relay only scans what is still unpublished.
CREATE INDEX "outbox_events_unpublished" ON "outbox_events" ("id") WHERE "published_at" IS NULL;
