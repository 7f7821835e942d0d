DROP INDEX "models_brand_idx";--> statement-breakpoint
DROP INDEX "models_popularity_idx";--> statement-breakpoint
DROP INDEX "models_launch_idx";--> statement-breakpoint
DROP INDEX "models_name_idx";--> statement-breakpoint
DROP INDEX "models_price_asc_idx";--> statement-breakpoint
DROP INDEX "models_price_desc_idx";--> statement-breakpoint
DROP INDEX "models_body_price_idx";--> statement-breakpoint
DROP INDEX "models_status_idx";--> statement-breakpoint
DROP INDEX "variants_price_idx";--> statement-breakpoint
DROP INDEX "variants_brand_price_idx";--> statement-breakpoint
DROP INDEX "variants_body_price_idx";--> statement-breakpoint
DROP INDEX "variants_fuel_price_idx";--> statement-breakpoint
DROP INDEX "variants_transmission_price_idx";--> statement-breakpoint
DROP INDEX "variants_seats_price_idx";--> statement-breakpoint
DROP INDEX "variants_popularity_idx";--> statement-breakpoint
DROP INDEX "variants_launch_idx";--> statement-breakpoint
DROP INDEX "variants_search_name_idx";--> statement-breakpoint
CREATE INDEX "models_brand_idx" ON "models" USING btree ("brand_id","popularity" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX "models_popularity_idx" ON "models" USING btree ("popularity" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX "models_launch_idx" ON "models" USING btree ("launch_date" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX "models_name_idx" ON "models" USING btree ("name","id") WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX "models_price_asc_idx" ON "models" USING btree ("price_sort_asc","id") WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX "models_price_desc_idx" ON "models" USING btree ("price_sort_desc" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX "models_body_price_idx" ON "models" USING btree ("body_type","price_sort_asc","id") WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX "models_status_idx" ON "models" USING btree ("status","popularity" DESC NULLS FIRST) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX "variants_price_idx" ON "variants" USING btree ("price_inr","id") WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX "variants_brand_price_idx" ON "variants" USING btree ("brand_id","price_inr","id") WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX "variants_body_price_idx" ON "variants" USING btree ("body_type","price_inr","id") WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX "variants_fuel_price_idx" ON "variants" USING btree ("fuel","price_inr","id") WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX "variants_transmission_price_idx" ON "variants" USING btree ("transmission","price_inr","id") WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX "variants_seats_price_idx" ON "variants" USING btree ("seats","price_inr","id") WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX "variants_popularity_idx" ON "variants" USING btree ("popularity" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX "variants_launch_idx" ON "variants" USING btree ("launch_date" DESC NULLS FIRST,"id" DESC NULLS FIRST) WHERE deleted_at IS NULL;--> statement-breakpoint
CREATE INDEX "variants_search_name_idx" ON "variants" USING btree ("search_name","id") WHERE deleted_at IS NULL;