-- AlterTable
ALTER TABLE "FileRecord" ALTER COLUMN "description" DROP NOT NULL;
