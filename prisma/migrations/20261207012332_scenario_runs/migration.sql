-- CreateEnum
CREATE TYPE "ScenarioRunStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED');

-- CreateTable
CREATE TABLE "scenario_runs" (
    "id" SERIAL NOT NULL,
    "scenario" TEXT NOT NULL,
    "params" JSONB NOT NULL,
    "status" "ScenarioRunStatus" NOT NULL DEFAULT 'QUEUED',
    "progress_day" INTEGER NOT NULL DEFAULT 0,
    "progress_days" INTEGER NOT NULL,
    "progress_policy" TEXT,
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "report" JSONB,
    "error" TEXT,
    "requested_by" TEXT NOT NULL,
    "runner_id" TEXT,
    "heartbeat_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "scenario_runs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "scenario_runs_status_id_idx" ON "scenario_runs"("status", "id");
