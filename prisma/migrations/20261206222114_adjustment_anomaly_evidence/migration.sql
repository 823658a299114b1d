-- AlterTable
ALTER TABLE "adjustments" ADD COLUMN     "anomaly_evidence" JSONB,
ADD COLUMN     "anomaly_robust_z" DOUBLE PRECISION;
