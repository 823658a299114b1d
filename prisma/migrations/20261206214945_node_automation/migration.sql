-- CreateTable
CREATE TABLE "node_automations" (
    "location_id" INTEGER NOT NULL,
    "auto_release" BOOLEAN NOT NULL DEFAULT false,
    "release_every_minutes" INTEGER NOT NULL DEFAULT 0,
    "auto_wave" BOOLEAN NOT NULL DEFAULT false,
    "wave_at_orders" INTEGER,
    "wave_every_minutes" INTEGER,
    "max_lines_per_wave" INTEGER NOT NULL DEFAULT 200,
    "last_release_slot_at" TIMESTAMPTZ(3),
    "last_wave_at" TIMESTAMPTZ(3),
    "updated_by" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "node_automations_pkey" PRIMARY KEY ("location_id")
);

-- AddForeignKey
ALTER TABLE "node_automations" ADD CONSTRAINT "node_automations_location_id_fkey" FOREIGN KEY ("location_id") REFERENCES "locations"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
