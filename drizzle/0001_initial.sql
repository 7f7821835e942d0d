CREATE TABLE "brands" (
	"id" serial PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"country" text NOT NULL,
	"founded_year" smallint,
	"colour" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "model_images" (
	"id" serial PRIMARY KEY NOT NULL,
	"model_id" integer NOT NULL,
	"kind" text DEFAULT 'exterior' NOT NULL,
	"path" text NOT NULL,
	"alt" text NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"position" smallint DEFAULT 0 NOT NULL,
	"bytes" bigint,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "models" (
	"id" serial PRIMARY KEY NOT NULL,
	"brand_id" integer NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"search_name" text DEFAULT '' NOT NULL,
	"body_type" text NOT NULL,
	"segment" text NOT NULL,
	"launch_date" date NOT NULL,
	"status" text NOT NULL,
	"popularity" smallint DEFAULT 0 NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"colours" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"features" text[] DEFAULT '{}' NOT NULL,
	"price_min_inr" integer,
	"price_max_inr" integer,
	"price_sort_asc" integer GENERATED ALWAYS AS (coalesce(price_min_inr, 2147483647)) STORED NOT NULL,
	"price_sort_desc" integer GENERATED ALWAYS AS (coalesce(price_min_inr, -1)) STORED NOT NULL,
	"search_vector" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple', search_name || ' ' || body_type)) STORED NOT NULL,
	"fuels" text[] DEFAULT '{}' NOT NULL,
	"transmissions" text[] DEFAULT '{}' NOT NULL,
	"seat_options" smallint[] DEFAULT '{}' NOT NULL,
	"variant_count" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "popular_comparison_models" (
	"comparison_id" integer NOT NULL,
	"model_id" integer NOT NULL,
	"position" smallint NOT NULL,
	CONSTRAINT "popular_comparison_models_comparison_id_position_pk" PRIMARY KEY("comparison_id","position")
);
--> statement-breakpoint
CREATE TABLE "popular_comparisons" (
	"id" serial PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"title" text NOT NULL,
	"position" smallint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "variants" (
	"id" serial PRIMARY KEY NOT NULL,
	"model_id" integer NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"search_name" text DEFAULT '' NOT NULL,
	"search_vector" "tsvector" GENERATED ALWAYS AS (to_tsvector('simple', search_name || ' ' || fuel || ' ' || transmission)) STORED NOT NULL,
	"price_inr" integer NOT NULL,
	"fuel" text NOT NULL,
	"transmission" text NOT NULL,
	"engine_cc" integer,
	"power_bhp" double precision,
	"torque_nm" double precision,
	"mileage_kmpl" double precision,
	"range_km" integer,
	"battery_kwh" double precision,
	"seats" smallint NOT NULL,
	"drivetrain" text NOT NULL,
	"length_mm" integer,
	"width_mm" integer,
	"height_mm" integer,
	"wheelbase_mm" integer,
	"ground_clearance_mm" integer,
	"boot_litres" integer,
	"kerb_weight_kg" integer,
	"airbags" smallint,
	"safety_rating" smallint,
	"colours" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"features" text[] DEFAULT '{}' NOT NULL,
	"brand_id" integer DEFAULT 0 NOT NULL,
	"body_type" text DEFAULT '' NOT NULL,
	"status" text DEFAULT '' NOT NULL,
	"popularity" smallint DEFAULT 0 NOT NULL,
	"launch_date" date DEFAULT current_date NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "analytics_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"path" text,
	"model_id" integer,
	"variant_id" integer,
	"session_id" text,
	"props" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "article_models" (
	"article_id" integer NOT NULL,
	"model_id" integer NOT NULL,
	CONSTRAINT "article_models_article_id_model_id_pk" PRIMARY KEY("article_id","model_id")
);
--> statement-breakpoint
CREATE TABLE "articles" (
	"id" serial PRIMARY KEY NOT NULL,
	"slug" text NOT NULL,
	"title" text NOT NULL,
	"summary" text NOT NULL,
	"body_markdown" text NOT NULL,
	"category" text NOT NULL,
	"author" text NOT NULL,
	"tags" text[] DEFAULT '{}' NOT NULL,
	"status" text DEFAULT 'published' NOT NULL,
	"published_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"scope" text NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"status_code" smallint NOT NULL,
	"response_body" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_scope_key_pk" PRIMARY KEY("scope","key")
);
--> statement-breakpoint
CREATE TABLE "leads" (
	"id" serial PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"phone" text NOT NULL,
	"email" text,
	"city" text NOT NULL,
	"intent" text NOT NULL,
	"model_id" integer NOT NULL,
	"variant_id" integer,
	"message" text,
	"status" text DEFAULT 'new' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "newsletter_subscribers" (
	"id" serial PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"confirm_token_hash" text,
	"confirm_token_expires_at" timestamp with time zone,
	"source" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"confirmed_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "model_images" ADD CONSTRAINT "model_images_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "models" ADD CONSTRAINT "models_brand_id_brands_id_fk" FOREIGN KEY ("brand_id") REFERENCES "public"."brands"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "popular_comparison_models" ADD CONSTRAINT "popular_comparison_models_comparison_id_popular_comparisons_id_fk" FOREIGN KEY ("comparison_id") REFERENCES "public"."popular_comparisons"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "popular_comparison_models" ADD CONSTRAINT "popular_comparison_models_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "variants" ADD CONSTRAINT "variants_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "article_models" ADD CONSTRAINT "article_models_article_id_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."articles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "article_models" ADD CONSTRAINT "article_models_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leads" ADD CONSTRAINT "leads_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "leads" ADD CONSTRAINT "leads_variant_id_variants_id_fk" FOREIGN KEY ("variant_id") REFERENCES "public"."variants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "brands_slug_key" ON "brands" USING btree ("slug");--> statement-breakpoint
CREATE INDEX "brands_name_idx" ON "brands" USING btree ("name");--> statement-breakpoint
CREATE INDEX "brands_name_trgm_idx" ON "brands" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "model_images_model_idx" ON "model_images" USING btree ("model_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "models_slug_key" ON "models" USING btree ("slug");--> statement-breakpoint
CREATE INDEX "models_brand_idx" ON "models" USING btree ("brand_id","popularity" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "models_popularity_idx" ON "models" USING btree ("popularity" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "models_launch_idx" ON "models" USING btree ("launch_date" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "models_name_idx" ON "models" USING btree ("name","id");--> statement-breakpoint
CREATE INDEX "models_price_asc_idx" ON "models" USING btree ("price_sort_asc","id");--> statement-breakpoint
CREATE INDEX "models_price_desc_idx" ON "models" USING btree ("price_sort_desc" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "models_body_price_idx" ON "models" USING btree ("body_type","price_sort_asc","id");--> statement-breakpoint
CREATE INDEX "models_search_idx" ON "models" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "models_search_trgm_idx" ON "models" USING gin ("search_name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "models_name_trgm_idx" ON "models" USING gin ("name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "models_status_idx" ON "models" USING btree ("status","popularity" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "models_fuels_idx" ON "models" USING gin ("fuels");--> statement-breakpoint
CREATE INDEX "models_transmissions_idx" ON "models" USING gin ("transmissions");--> statement-breakpoint
CREATE INDEX "models_seats_idx" ON "models" USING gin ("seat_options");--> statement-breakpoint
CREATE INDEX "popular_comparison_models_model_idx" ON "popular_comparison_models" USING btree ("model_id");--> statement-breakpoint
CREATE UNIQUE INDEX "popular_comparisons_slug_key" ON "popular_comparisons" USING btree ("slug");--> statement-breakpoint
CREATE INDEX "popular_comparisons_position_idx" ON "popular_comparisons" USING btree ("position");--> statement-breakpoint
CREATE UNIQUE INDEX "variants_slug_key" ON "variants" USING btree ("slug");--> statement-breakpoint
CREATE INDEX "variants_model_idx" ON "variants" USING btree ("model_id","price_inr");--> statement-breakpoint
CREATE INDEX "variants_price_idx" ON "variants" USING btree ("price_inr","id");--> statement-breakpoint
CREATE INDEX "variants_brand_price_idx" ON "variants" USING btree ("brand_id","price_inr","id");--> statement-breakpoint
CREATE INDEX "variants_body_price_idx" ON "variants" USING btree ("body_type","price_inr","id");--> statement-breakpoint
CREATE INDEX "variants_fuel_price_idx" ON "variants" USING btree ("fuel","price_inr","id");--> statement-breakpoint
CREATE INDEX "variants_transmission_price_idx" ON "variants" USING btree ("transmission","price_inr","id");--> statement-breakpoint
CREATE INDEX "variants_seats_price_idx" ON "variants" USING btree ("seats","price_inr","id");--> statement-breakpoint
CREATE INDEX "variants_popularity_idx" ON "variants" USING btree ("popularity" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "variants_launch_idx" ON "variants" USING btree ("launch_date" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "variants_search_name_idx" ON "variants" USING btree ("search_name","id");--> statement-breakpoint
CREATE INDEX "variants_search_idx" ON "variants" USING gin ("search_vector");--> statement-breakpoint
CREATE INDEX "variants_search_trgm_idx" ON "variants" USING gin ("search_name" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "analytics_events_created_idx" ON "analytics_events" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "analytics_events_type_model_idx" ON "analytics_events" USING btree ("type","model_id");--> statement-breakpoint
CREATE INDEX "article_models_model_idx" ON "article_models" USING btree ("model_id");--> statement-breakpoint
CREATE UNIQUE INDEX "articles_slug_key" ON "articles" USING btree ("slug");--> statement-breakpoint
CREATE INDEX "articles_published_idx" ON "articles" USING btree ("published_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "articles_category_idx" ON "articles" USING btree ("category","published_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "articles_tags_idx" ON "articles" USING gin ("tags");--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_idx" ON "idempotency_keys" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "leads_created_idx" ON "leads" USING btree ("created_at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "leads_model_idx" ON "leads" USING btree ("model_id");--> statement-breakpoint
CREATE UNIQUE INDEX "newsletter_subscribers_email_key" ON "newsletter_subscribers" USING btree ("email");--> statement-breakpoint
CREATE UNIQUE INDEX "newsletter_subscribers_token_key" ON "newsletter_subscribers" USING btree ("confirm_token_hash");