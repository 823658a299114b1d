-- AlterEnum
ALTER TYPE "ScenarioRunStatus" ADD VALUE 'CANCELLED';

-- AlterTable
ALTER TABLE "scenario_runs" ADD COLUMN     "cancelled_by" TEXT;
