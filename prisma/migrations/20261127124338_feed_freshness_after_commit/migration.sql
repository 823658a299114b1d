-- AlterTable
ALTER TABLE "inventory_feeds" ADD COLUMN     "covered_positions" int4multirange,
ADD COLUMN     "freshness_applied_at" TIMESTAMPTZ(3),
ADD COLUMN     "freshness_cursor" INTEGER NOT NULL DEFAULT 0;

-- Feeds imported before this change rescored every position inside their own transaction: nothing waits for them
UPDATE "inventory_feeds" SET "freshness_applied_at" = "created_at";
