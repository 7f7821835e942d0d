ALTER TABLE "models" ADD COLUMN "crash_test_programme" text;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "crash_test_year" smallint;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "crash_test_adult_stars" smallint;--> statement-breakpoint
ALTER TABLE "models" ADD COLUMN "crash_test_child_stars" smallint;--> statement-breakpoint
ALTER TABLE "variants" DROP COLUMN "safety_rating";--> statement-breakpoint
ALTER TABLE "models" ADD CONSTRAINT "models_crash_test_complete" CHECK (num_nulls("models"."crash_test_programme", "models"."crash_test_year", "models"."crash_test_adult_stars", "models"."crash_test_child_stars") IN (0, 4));--> statement-breakpoint
ALTER TABLE "models" ADD CONSTRAINT "models_crash_test_programme_check" CHECK (crash_test_programme IN ('bharat-ncap', 'global-ncap'));--> statement-breakpoint
ALTER TABLE "models" ADD CONSTRAINT "models_crash_test_year_check" CHECK ("models"."crash_test_year" BETWEEN 2014 AND 2100);--> statement-breakpoint
ALTER TABLE "models" ADD CONSTRAINT "models_crash_test_stars_check" CHECK ("models"."crash_test_adult_stars" BETWEEN 0 AND 5 AND "models"."crash_test_child_stars" BETWEEN 0 AND 5);