ALTER TABLE "models" ADD COLUMN "crash_test_programme" text;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "crash_test_year" smallint;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "crash_test_adult_stars" smallint;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "crash_test_child_stars" smallint;--> statement-breakpoint
-- variants.safety_rating (adult stars, no programme or year) gives way to the model's crash test. Ratings an
-- operator entered are kept, not dropped: re-enter each as its model's crash test, then drop this table.
CREATE TABLE "retired_variant_safety_ratings" AS
  SELECT v.id AS variant_id, v.slug AS variant_slug, m.slug AS model_slug, v.safety_rating AS adult_stars
  FROM "variants" v JOIN "models" m ON m.id = v.model_id WHERE v.safety_rating IS NOT NULL;--> statement-breakpoint
-- Nothing to keep (a new install, or no rating ever entered): no table left behind.
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM "retired_variant_safety_ratings") THEN DROP TABLE "retired_variant_safety_ratings"; END IF;
END $$;--> statement-breakpoint
ALTER TABLE "variants" DROP COLUMN "safety_rating";--> statement-breakpoint
ALTER TABLE "models" ADD CONSTRAINT "models_crash_test_complete" CHECK (num_nulls("models"."crash_test_programme", "models"."crash_test_year", "models"."crash_test_adult_stars", "models"."crash_test_child_stars") IN (0, 4));--> statement-breakpoint
ALTER TABLE "models" ADD CONSTRAINT "models_crash_test_programme_check" CHECK (crash_test_programme IN ('bharat-ncap', 'global-ncap'));--> statement-breakpoint
ALTER TABLE "models" ADD CONSTRAINT "models_crash_test_year_check" CHECK ("models"."crash_test_year" BETWEEN 2014 AND 2100);--> statement-breakpoint
ALTER TABLE "models" ADD CONSTRAINT "models_crash_test_adult_stars_check" CHECK ("models"."crash_test_adult_stars" BETWEEN 0 AND 5);--> statement-breakpoint
ALTER TABLE "models" ADD CONSTRAINT "models_crash_test_child_stars_check" CHECK ("models"."crash_test_child_stars" BETWEEN 0 AND 5);